//! What the elder-care (关怀版, [`super::elder`]) and traditional-script (繁体版,
//! [`super::traditional`]) families share: finding a version's entry on a page and classifying
//! how the version is provided ([`entry`]), checking that a script defines the function an
//! entry calls ([`script`]), reading base typography and colours from CSS ([`css`]), counting
//! simplified-only and traditional-only characters ([`hanzi`]), and the site stage that fetches
//! an entry's target ([`site`]).
//!
//! How findings travel: a check is a function of a [`Page`] returning [`Hit`]s. The same check
//! runs as a page rule on pages that *are* a version (a `/gate/big5/` page, a page whose own
//! 关怀版 entry is a toolbar mode), and in the site stage on the target an entry on the home
//! page points to when that target was not audited as a page (a `big5.` host, a separate
//! 关怀版 page); site-stage findings carry the target's `url`.

pub mod css;
pub mod entry;
pub mod hanzi;
pub mod script;
pub mod site;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use url::Url;

use super::{PageCx, SiteCx, SiteInfo};
use crate::config::AuditOptions;
use crate::i18n::Lang;
use crate::page::{El, Page};
use crate::report::Severity;
use crate::services::Services;

pub use entry::{Entries, Entry, Mechanism, Version, entries};

/// The embedded fingerprint table (`rules/data/versions.toml`).
pub const FINGERPRINTS_TOML: &str = include_str!("../../../rules/data/versions.toml");

/// A client-side simplified → traditional converter family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Converter {
    /// Family name (`StranJF`, `zh_tran`...).
    pub name: String,
    /// Calls that switch to traditional: `name` or `name('arg')`.
    pub to_traditional: Vec<String>,
    /// The defining script's file name (an entry ending in `.js`) or a part of it (lower case).
    pub scripts: Vec<String>,
    /// Element ids the converter binds to.
    pub ids: Vec<String>,
    /// Where it was seen.
    pub seen_on: String,
}

/// An accessibility toolbar.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolbar {
    /// Toolbar name (`aria.js`...).
    pub name: String,
    /// Substrings of its script URL (lower case).
    pub script: Vec<String>,
    /// The global object its calls go through.
    pub object: String,
    /// Calls that switch its 关怀版 mode.
    pub elder_calls: Vec<String>,
    /// Where it was seen.
    pub seen_on: String,
}

/// The fingerprint table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprints {
    /// Client-side converters.
    pub converter: Vec<Converter>,
    /// Toolbars.
    pub toolbar: Vec<Toolbar>,
}

static FINGERPRINTS: LazyLock<Fingerprints> = LazyLock::new(|| {
    toml::from_str(FINGERPRINTS_TOML).expect("rules/data/versions.toml is valid (unit-tested)")
});

/// The embedded fingerprints.
pub fn fingerprints() -> &'static Fingerprints {
    &FINGERPRINTS
}

impl Fingerprints {
    /// The toolbar whose script URL matches.
    pub fn toolbar_for_script(&self, url: &str) -> Option<&Toolbar> {
        let lower = url.to_ascii_lowercase();
        self.toolbar
            .iter()
            .find(|t| t.script.iter().any(|s| lower.contains(s.as_str())))
    }

    /// The toolbar a call (`aria.oldFixedStart`) goes through.
    pub fn toolbar_for_call(&self, name: &str) -> Option<&Toolbar> {
        self.toolbar.iter().find(|t| {
            t.elder_calls.iter().any(|c| c == name)
                || name
                    .strip_prefix(t.object.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// The converter a call belongs to, when the call switches to traditional.
    pub fn converter_for_call(&self, name: &str, arg: Option<&str>) -> Option<&Converter> {
        self.converter.iter().find(|c| {
            c.to_traditional
                .iter()
                .any(|spec| match spec.split_once('(') {
                    Some((n, rest)) => {
                        let want = rest.trim_end_matches(')').trim_matches(['\'', '"']);
                        n == name && arg.is_some_and(|a| a.eq_ignore_ascii_case(want))
                    }
                    None => spec == name,
                })
        })
    }

    /// The converter whose function names include `name` in any direction (for script hints).
    pub fn converter_named(&self, name: &str) -> Option<&Converter> {
        self.converter.iter().find(|c| {
            c.to_traditional
                .iter()
                .any(|spec| spec.split('(').next() == Some(name))
        })
    }

    /// Whether a script URL looks like a converter's script (any converter when `conv` is
    /// `None`).
    pub fn is_converter_script(&self, url: &Url, conv: Option<&Converter>) -> bool {
        let file = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("")
            .to_ascii_lowercase();
        if file.is_empty() || !file.ends_with(".js") {
            return false;
        }
        let matches = |c: &Converter| {
            c.scripts.iter().any(|h| {
                if h.ends_with(".js") {
                    file == *h
                } else {
                    file.contains(h.as_str())
                }
            })
        };
        match conv {
            Some(c) => matches(c),
            None => self.converter.iter().any(matches),
        }
    }
}

/// Whether a missing local file is evidence of a broken link: yes for a folder audit (the
/// folder is the site), no for a single audited file (the files beside it were not given).
pub fn local_files_are_evidence(site: &SiteInfo) -> bool {
    !site.is_local() || !std::path::Path::new(&site.root).is_file()
}

/// What a check needs besides the page.
pub struct CheckCx<'a> {
    /// Message language.
    pub lang: Lang,
    /// Options.
    pub options: &'a AuditOptions,
    /// Fetching (stylesheets, scripts).
    pub services: &'a Services,
    /// The site.
    pub site: &'a SiteInfo,
}

/// One problem found by a check, before it becomes a page or site finding.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The message.
    pub message: String,
    /// Element selector.
    pub selector: Option<String>,
    /// Source line.
    pub line: Option<u32>,
    /// Snippet.
    pub snippet: Option<String>,
    /// Where the evidence was found when not in the markup (`script`, `stylesheet`).
    pub evidence: Option<String>,
    /// Structured values.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// Could not be decided statically: reported as a notice marked `needs_review`.
    pub needs_review: bool,
}

impl Hit {
    /// A hit about the page as a whole.
    pub fn page(message: String) -> Hit {
        Hit {
            message,
            selector: None,
            line: None,
            snippet: None,
            evidence: None,
            data: serde_json::Map::new(),
            needs_review: false,
        }
    }

    /// A hit on an element.
    pub fn at(el: &El<'_>, message: String) -> Hit {
        let mut h = Hit::page(message);
        h.selector = Some(el.selector());
        h.line = el.line();
        h.snippet = Some(el.start_tag(super::SNIPPET_CHARS));
        h
    }

    /// Adds a data value.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Hit {
        self.data.insert(key.to_string(), value.into());
        self
    }

    /// Marks the hit as needing review (a notice).
    pub fn review(mut self) -> Hit {
        self.needs_review = true;
        self.data.insert("needs_review".into(), true.into());
        self
    }

    fn fill(self, f: &mut crate::report::Finding) {
        f.selector = self.selector;
        f.line = self.line;
        f.snippet = self.snippet;
        f.evidence = self.evidence;
        f.data = self.data;
        if self.needs_review {
            f.severity = Severity::Notice;
        }
    }
}

/// Reports hits as page findings.
pub fn emit_page(cx: &mut PageCx<'_>, hits: Vec<Hit>) {
    for h in hits {
        let f = cx.report_page(h.message.clone());
        h.fill(f);
    }
}

/// Reports hits about another page (an entry's target) as site findings carrying its URL.
pub fn emit_site(cx: &mut SiteCx<'_>, url: &Url, version: Version, hits: Vec<Hit>) {
    let lang = cx.lang;
    for h in hits {
        let msg = crate::tr!(
            lang,
            "{}（{} {}）",
            "{} ({} {})",
            h.message,
            version.page_label(lang),
            url
        );
        let f = cx.report(msg);
        h.fill(f);
        f.url = Some(url.to_string());
    }
}

/// A version entry as recorded in the page identity (`identity.elder`,
/// `identity.traditional`). See docs/versions.md.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryFact {
    /// `gateway` | `page` | `host` | `toolbar` | `js`; `null` when there is no entry.
    pub mechanism: Option<Mechanism>,
    /// The target URL (gateway, page, host).
    pub url: Option<String>,
    /// The function the entry calls (`StranBody`, `aria.oldFixedStart`).
    pub function: Option<String>,
    /// The script that defines it: a URL, `inline`, or `null` when unknown.
    pub script: Option<String>,
    /// The entry's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The argument of the call (`t` in `zh_tran('t')`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argument: Option<String>,
    /// The toolbar (`aria.js`) for toolbar modes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolbar: Option<String>,
    /// `markup`, or `script` when the entry is written by an inline script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Source line of the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// For `js`/`toolbar` entries whose function is not defined inline: the page's external
    /// scripts, where the site stage looks for the definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<String>,
}

impl EntryFact {
    /// The target URL, parsed.
    pub fn target(&self) -> Option<Url> {
        self.url.as_deref().and_then(|u| Url::parse(u).ok())
    }

    /// Whether the entry leads to a separate page (gateway, page, host).
    pub fn is_url(&self) -> bool {
        matches!(
            self.mechanism,
            Some(Mechanism::Gateway | Mechanism::Page | Mechanism::Host)
        )
    }

    /// Whether the entry switches the current page (toolbar, js).
    pub fn is_mode(&self) -> bool {
        matches!(self.mechanism, Some(Mechanism::Toolbar | Mechanism::Js))
    }
}

/// The page collector: `identity.entries.{elder,traditional}`, `identity.elder`,
/// `identity.traditional`, and `version` on pages that are a 繁体版 gateway page.
pub struct IdentityCollector;

impl super::Collector for IdentityCollector {
    fn collect_page(&self, page: &Page, cx: &super::CollectCx<'_>) -> crate::report::Facts {
        let e = entries(page, cx.options, cx.site);
        let fact = |v: Version| -> EntryFact { e.get(v).map(|en| en.fact(&e)).unwrap_or_default() };
        let identity = serde_json::json!({
            "entries": {
                "elder": e.elder.is_some(),
                "traditional": e.traditional.is_some(),
            },
            "elder": fact(Version::Elder),
            "traditional": fact(Version::Traditional),
        });
        let mut facts = crate::report::Facts::new();
        facts.insert("identity".into(), identity);
        if entry::gateway_of(&page.url, &cx.options.traditional).is_some() {
            facts.insert("version".into(), "traditional".into());
        }
        facts
    }
}

/// Where a content check runs at page level (it also runs in the site stage on the target of
/// the home page's entry, unless that target was audited and already checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageScope {
    /// Pages under a 繁体版 gateway (`/gate/big5/`, `big5.` host).
    TraditionalVersion,
    /// Pages whose own 关怀版 entry is a toolbar or script mode: the page itself becomes the
    /// elder version.
    ElderMode,
    /// Only a separate 关怀版 page, in the site stage (what a toolbar mode changes, such as
    /// font size, cannot be read from the page without rendering it).
    SeparatePageOnly,
}

/// A check of a version page's content, run as a page rule and in the site stage.
pub struct ContentRule {
    /// Rule id.
    pub id: &'static str,
    /// The version it checks.
    pub version: Version,
    /// Where it runs at page level.
    pub scope: PageScope,
    /// The check.
    pub check: fn(&Page, &CheckCx<'_>) -> Vec<Hit>,
}

impl ContentRule {
    fn applies(&self, page: &Page, options: &AuditOptions, site: &SiteInfo) -> bool {
        match self.scope {
            PageScope::TraditionalVersion => {
                entry::gateway_of(&page.url, &options.traditional).is_some()
            }
            PageScope::ElderMode => entries(page, options, site)
                .elder
                .as_ref()
                .is_some_and(|e| matches!(e.mechanism, Mechanism::Toolbar | Mechanism::Js)),
            PageScope::SeparatePageOnly => false,
        }
    }
}

impl super::Rule for ContentRule {
    fn id(&self) -> &'static str {
        self.id
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if !self.applies(page, cx.options, cx.site) {
            return;
        }
        let ccx = CheckCx {
            lang: cx.lang,
            options: cx.options,
            services: cx.services,
            site: cx.site,
        };
        let mut hits = (self.check)(page, &ccx);
        if self.scope == PageScope::ElderMode
            && let Some(e) = entries(page, cx.options, cx.site).elder.as_ref()
        {
            let how = e.mechanism.label(cx.lang);
            for h in &mut hits {
                h.message = crate::tr!(
                    cx.lang,
                    "{}（本页的关怀版是页面自身的{how}）",
                    "{} (this page's elder-care version is the page itself, in {how})",
                    h.message
                );
            }
        }
        emit_page(cx, hits);
    }

    fn check_site(&self, data: &super::SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((_, Some(entry))) = site::home_entry(data, self.version) else {
            return;
        };
        if !entry.is_url() {
            return;
        }
        let Some(url) = entry.target() else { return };
        if let Some(p) = site::audited(data, &url) {
            let done = match self.scope {
                PageScope::TraditionalVersion => {
                    p.facts.get("version").and_then(|v| v.as_str()) == Some("traditional")
                }
                PageScope::ElderMode => {
                    site::entry_of(p, Version::Elder).is_some_and(|e| e.is_mode())
                }
                PageScope::SeparatePageOnly => false,
            };
            if done {
                return;
            }
        }
        // A target that does not answer is reported by elder/entry-broken and
        // traditional/target-broken.
        let fetched = site::fetch(cx.services, data.info, &url, cx.lang);
        let Some(raw) = fetched.page() else {
            return;
        };
        if !raw.is_html() {
            return;
        }
        let page = Page::build(raw);
        let ccx = CheckCx {
            lang: cx.lang,
            options: cx.options,
            services: cx.services,
            site: data.info,
        };
        let hits = (self.check)(&page, &ccx);
        emit_site(cx, &url, self.version, hits);
    }
}

/// Records the site's `versions.<elder|traditional>` facts from the home page's entry, and what
/// a static audit cannot verify for its mechanism.
pub fn record_entry(
    cx: &mut SiteCx<'_>,
    v: Version,
    home: &crate::report::PageReport,
    entry: Option<&EntryFact>,
) {
    let mut value = serde_json::json!({
        "entry": entry.is_some(),
        "page": home.url,
    });
    if let Some(e) = entry
        && let (Some(obj), Ok(serde_json::Value::Object(fact))) =
            (value.as_object_mut(), serde_json::to_value(e))
    {
        for key in [
            "mechanism",
            "url",
            "function",
            "script",
            "text",
            "toolbar",
            "argument",
        ] {
            if let Some(x) = fact.get(key)
                && !x.is_null()
            {
                obj.insert(key.to_string(), x.clone());
            }
        }
    }
    cx.set_fact("versions", serde_json::json!({ v.key(): value }));
    let Some(e) = entry else { return };
    if !e.is_mode() {
        return;
    }
    let how = match (&e.function, &e.toolbar) {
        (Some(f), Some(t)) => format!("{t} {f}()"),
        (Some(f), None) => format!("{f}()"),
        _ => String::new(),
    };
    let lang = cx.lang;
    match v {
        Version::Traditional => not_verified(
            cx,
            "traditional/not-converted",
            crate::tr!(
                lang,
                "繁体版由页面脚本 {how} 在浏览器中转换；govaudit 不运行脚本，转换后的文字未检查（只核实了脚本能加载并定义该函数）",
                "the traditional-script version is produced in the browser by {how}; govaudit does not run scripts, so the converted text was not checked (only that the script loads and defines the function)"
            ),
        ),
        Version::Elder => {
            let why = crate::tr!(
                lang,
                "关怀版是当前页面的{}（{how}）；切换后的字号、行距和颜色需要在浏览器中渲染才能检查",
                "the elder-care version is a {} of the page itself ({how}); font size, line height and colours after switching need a browser to check",
                e.mechanism.map(|m| m.label(lang)).unwrap_or_default()
            );
            for id in ["elder/font-size", "elder/line-height", "elder/contrast"] {
                not_verified(cx, id, why.clone());
            }
        }
    }
}

/// Records, under the site's `versions.not_verified`, a check that could not be made statically.
pub fn not_verified(cx: &mut SiteCx<'_>, rule: &str, reason: String) {
    cx.set_fact(
        "versions",
        serde_json::json!({ "not_verified": { rule: reason } }),
    );
}

/// The terminal section: each version's entry, mechanism and target, and what was not
/// verified.
pub fn terminal_section(report: &crate::report::Report, site: usize, lang: Lang) -> Option<String> {
    let v = report.sites.get(site)?.facts.get("versions")?;
    let mut out = String::new();
    for version in [Version::Elder, Version::Traditional] {
        let Some(x) = v.get(version.key()) else {
            continue;
        };
        let name = version.name(lang);
        if x.get("entry").and_then(serde_json::Value::as_bool) != Some(true) {
            out.push_str(&crate::tr!(
                lang,
                "{name}：首页未找到入口\n",
                "{name}: no entry on the home page\n"
            ));
            continue;
        }
        let mech = x
            .get("mechanism")
            .and_then(|m| serde_json::from_value::<Mechanism>(m.clone()).ok())
            .map(|m| m.label(lang))
            .unwrap_or("?");
        let mut line = format!("{name}：{mech}");
        if lang == Lang::En {
            line = format!("{name}: {mech}");
        }
        let detail = x
            .get("url")
            .or_else(|| x.get("function"))
            .and_then(serde_json::Value::as_str);
        if let Some(d) = detail {
            line.push_str(&format!(" {d}"));
        }
        if let Some(t) = x.get("target") {
            match (
                t.get("status").and_then(serde_json::Value::as_u64),
                t.get("error"),
            ) {
                (_, Some(err)) if !err.is_null() => {
                    line.push_str(&crate::tr!(
                        lang,
                        "（无法访问：{}）",
                        " (does not answer: {})",
                        err.as_str().unwrap_or("")
                    ));
                }
                (Some(s), _) => {
                    let ratio = t
                        .get("simplified_ratio")
                        .and_then(serde_json::Value::as_f64);
                    match ratio {
                        Some(r) => line.push_str(&crate::tr!(
                            lang,
                            "（HTTP {s}，简体字占 {:.1}%）",
                            " (HTTP {s}, {:.1}% simplified-only)",
                            r * 100.0
                        )),
                        None => line.push_str(&format!(" (HTTP {s})")),
                    }
                }
                _ => {}
            }
        }
        if let Some(d) = x.get("function_defined") {
            match d.as_bool() {
                Some(true) => line.push_str(lang.pick("（函数已定义）", " (function defined)")),
                Some(false) => {
                    line.push_str(lang.pick("（函数不可用）", " (function unavailable)"))
                }
                None => {}
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(nv) = v.get("not_verified").and_then(serde_json::Value::as_object) {
        out.push_str(lang.pick(
            "未核实（静态检查无法判断）：\n",
            "Not verified (a static audit cannot tell):\n",
        ));
        for (rule, why) in nv {
            out.push_str(&format!("  {rule}: {}\n", why.as_str().unwrap_or("")));
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_their_catalog_entries() {
        let catalog = crate::catalog::Catalog::embedded();
        let mut ids = Vec::new();
        for fam in [
            super::super::elder::family(),
            super::super::traditional::family(),
        ] {
            for r in fam.rules {
                let e = catalog
                    .get(r.id())
                    .unwrap_or_else(|| panic!("{} has no catalog entry", r.id()));
                assert_eq!(e.scope, r.scope(), "{}", r.id());
                ids.push(r.id().to_string());
            }
        }
        let mut in_catalog: Vec<String> = catalog
            .entries()
            .iter()
            .filter(|e| matches!(e.family(), "elder" | "traditional"))
            .map(|e| e.id.clone())
            .collect();
        ids.sort();
        in_catalog.sort();
        assert_eq!(ids, in_catalog);
        assert_eq!(ids.len(), 17);
    }

    #[test]
    fn fingerprints_parse_and_resolve() {
        let fp = fingerprints();
        assert!(fp.converter.len() >= 3);
        assert_eq!(
            fp.converter_for_call("zh_tran", Some("t"))
                .map(|c| c.name.as_str()),
            Some("zh_tran")
        );
        assert!(fp.converter_for_call("zh_tran", Some("s")).is_none());
        assert!(fp.converter_for_call("StranBody", None).is_some());
        assert_eq!(
            fp.toolbar_for_call("aria.oldFixedStart")
                .map(|t| t.name.as_str()),
            Some("aria.js")
        );
        assert!(fp.toolbar_for_call("doElder").is_some());
        assert!(fp.toolbar_for_call("ariaX.start").is_none());
        assert!(
            fp.toolbar_for_script("https://wza.www.gov.cn/dist/aria.js?appid=44fa")
                .is_some()
        );
        let ch = Url::parse("https://x.gov.cn/js/ch.js").expect("url");
        assert!(fp.is_converter_script(&ch, None));
        for other in ["jquery.js", "search.js", "simple-share.min.js", "aria.js"] {
            let u = Url::parse(&format!("https://x.gov.cn/js/{other}")).expect("url");
            assert!(!fp.is_converter_script(&u, None), "{other}");
        }
    }
}
