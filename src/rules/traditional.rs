//! Traditional-script version (繁体版): entry, mechanism, and whether the result really is
//! traditional Chinese (RULES.md §6).
//!
//! Rules: `traditional/entry-missing` (site), `traditional/target-broken` (site: the gateway or
//! page the entry points to does not answer 2xx), `traditional/not-converted` (the share of
//! simplified-only characters among the convertible ones is above
//! `traditional.max-simplified-ratio`), `traditional/links-leave` (internal links of a gateway
//! page go back to the simplified site), `traditional/lang` (`lang="zh-CN"` on a traditional
//! page), `traditional/charset-missing` (no declared charset) and
//! `traditional/js-converter-broken` (the script a client-side converter needs does not load or
//! does not define the function the link calls). Entry detection is shared with the elder
//! family in [`super::versions`].

use serde::{Deserialize, Serialize};

use super::versions::entry::{self, ScriptRef, gateway_of, labels};
use super::versions::{
    CheckCx, ContentRule, Hit, Mechanism, PageScope, Version, emit_page, entries, hanzi, script,
    site,
};
use super::{Family, PageCx, Rule, SiteCx, SiteData};
use crate::catalog::Scope;
use crate::fetch::charset::CharsetSource;
use crate::page::{LinkKind, Page};
use crate::tr;

/// Options of this family (flattened into the command line; `[traditional]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TraditionalOptions {
    /// Highest share (0–1) of simplified-only characters among the convertible characters of a
    /// 繁体版 page before traditional/not-converted fires [default: 0.01]
    #[arg(
        id = "traditional-max-simplified-ratio",
        long = "traditional-max-simplified-ratio",
        value_name = "RATIO"
    )]
    pub max_simplified_ratio: Option<f64>,

    /// Fewest convertible (simplified-only plus traditional-only) characters a 繁体版 page needs
    /// for the ratio test [default: 10]
    #[arg(
        id = "traditional-min-chars",
        long = "traditional-min-chars",
        value_name = "N"
    )]
    pub min_chars: Option<usize>,

    /// Path that marks a big5 gateway page (repeatable; replaces the default) [default: /gate/big5/]
    #[arg(
        id = "traditional-gateway-path",
        long = "traditional-gateway-path",
        value_name = "PATH"
    )]
    pub gateway_paths: Vec<String>,

    /// Host prefix that marks a big5 gateway host (repeatable; replaces the default) [default: big5.]
    #[arg(
        id = "traditional-gateway-host",
        long = "traditional-gateway-host",
        value_name = "PREFIX"
    )]
    pub gateway_hosts: Vec<String>,

    /// Extra link or button text recognised as a 繁体版 entry, in addition to 繁体版, 繁體, BIG5…
    /// (repeatable)
    #[arg(
        id = "traditional-entry-label",
        long = "traditional-entry-label",
        value_name = "TEXT"
    )]
    pub entry_labels: Vec<String>,
}

impl TraditionalOptions {
    /// The simplified-only ratio threshold, clamped to 0–1.
    pub fn max_simplified_ratio(&self) -> f64 {
        self.max_simplified_ratio
            .filter(|r| r.is_finite())
            .unwrap_or(0.01)
            .clamp(0.0, 1.0)
    }

    /// The smallest sample for the ratio test.
    pub fn min_chars(&self) -> usize {
        self.min_chars.unwrap_or(10)
    }

    /// Gateway paths, lower case, with leading and trailing `/`.
    pub fn gateway_paths(&self) -> Vec<String> {
        if self.gateway_paths.is_empty() {
            return vec!["/gate/big5/".to_string()];
        }
        self.gateway_paths
            .iter()
            .map(|p| {
                let p = p.trim().trim_matches('/').to_ascii_lowercase();
                format!("/{p}/")
            })
            .filter(|p| p != "//")
            .collect()
    }

    /// Gateway host prefixes, lower case, ending in `.`.
    pub fn gateway_hosts(&self) -> Vec<String> {
        if self.gateway_hosts.is_empty() {
            return vec!["big5.".to_string()];
        }
        self.gateway_hosts
            .iter()
            .map(|h| {
                let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
                format!("{h}.")
            })
            .filter(|h| h != ".")
            .collect()
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(EntryMissing),
            Box::new(TargetBroken),
            Box::new(ContentRule {
                id: "traditional/not-converted",
                version: Version::Traditional,
                scope: PageScope::TraditionalVersion,
                check: check_not_converted,
            }),
            Box::new(JsConverterBroken),
            Box::new(ContentRule {
                id: "traditional/charset-missing",
                version: Version::Traditional,
                scope: PageScope::TraditionalVersion,
                check: check_charset,
            }),
            Box::new(ContentRule {
                id: "traditional/links-leave",
                version: Version::Traditional,
                scope: PageScope::TraditionalVersion,
                check: check_links_leave,
            }),
            Box::new(ContentRule {
                id: "traditional/lang",
                version: Version::Traditional,
                scope: PageScope::TraditionalVersion,
                check: check_lang,
            }),
        ],
        collectors: Vec::new(),
        sections: vec![super::versions::terminal_section],
    }
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// `traditional/not-converted`: the page's visible text is not traditional enough.
pub fn check_not_converted(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let opts = &cx.options.traditional;
    let count = hanzi::count(page.visible_text());
    if count.convertible() < opts.min_chars() {
        return Vec::new();
    }
    let Some(ratio) = count.ratio() else {
        return Vec::new();
    };
    let max = opts.max_simplified_ratio();
    if ratio <= max {
        return Vec::new();
    }
    let sample = count.sample(10);
    let msg = tr!(
        cx.lang,
        "繁体版页面的文字没有转换为繁体：简体字占可转换字的 {}（简体字 {} 个、繁体字 {} 个），超过阈值 {}；出现最多的简体字：{sample}",
        "the traditional-script page is not converted: simplified-only characters are {} of the convertible ones ({} simplified-only, {} traditional-only), above the threshold {}; most frequent: {sample}",
        percent(ratio),
        count.simplified,
        count.traditional,
        percent(max)
    );
    let mut h = Hit::page(msg)
        .with("simplified", count.simplified)
        .with("traditional", count.traditional)
        .with("ratio", ratio)
        .with("threshold", max)
        .with("sample", sample);
    if let Some(body) = page.body() {
        h.selector = Some(body.selector());
        h.line = body.line();
    }
    vec![h]
}

/// Whether the text counts as traditional (or cannot be judged): the ratio test passes or the
/// sample is too small.
fn text_is_traditional(page: &Page, cx: &CheckCx<'_>) -> bool {
    let opts = &cx.options.traditional;
    let count = hanzi::count(page.visible_text());
    count.convertible() < opts.min_chars()
        || count
            .ratio()
            .is_none_or(|r| r <= opts.max_simplified_ratio())
}

/// `traditional/charset-missing`: neither the HTTP header nor a `<meta>` declares a charset.
pub fn check_charset(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    if page.header_charset.is_some()
        || page.meta_charset.is_some()
        || page.charset_source == CharsetSource::Bom
    {
        return Vec::new();
    }
    let used = page.encoding.name();
    vec![
        Hit::page(tr!(
            cx.lang,
            "繁体版页面没有声明字符编码（HTTP 头和 <meta charset> 都没有），本次按 {used} 解读；浏览器可能把 Big5 页面误读为乱码",
            "the traditional-script page declares no character encoding (neither the HTTP header nor <meta charset>); read as {used} this time, but browsers may garble a Big5 page"
        ))
        .with("encoding_used", used),
    ]
}

/// `traditional/lang`: a traditional page that says it is simplified Chinese.
pub fn check_lang(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let Some(html) = page.html_element() else {
        return Vec::new();
    };
    let Some(lang) = html
        .attr_trimmed("lang")
        .or_else(|| html.attr_trimmed("xml:lang"))
        .filter(|l| !l.is_empty())
    else {
        // No lang at all is a11y/html-has-lang.
        return Vec::new();
    };
    let l = lang.to_ascii_lowercase();
    let traditional_tag = l.contains("hant")
        || ["zh-tw", "zh-hk", "zh-mo"]
            .iter()
            .any(|t| l == *t || l.starts_with(&format!("{t}-")));
    if traditional_tag || !(l == "zh" || l.starts_with("zh-")) {
        return Vec::new();
    }
    // An unconverted page is traditional/not-converted; its zh-CN is then accurate.
    if !text_is_traditional(page, cx) {
        return Vec::new();
    }
    vec![
        Hit::at(
            &html,
            tr!(
                cx.lang,
                "繁体版页面的 lang 为 \"{lang}\"（简体中文），应标为繁体中文，如 zh-Hant 或 zh-TW",
                "the traditional-script page declares lang=\"{lang}\" (simplified Chinese); declare traditional Chinese, such as zh-Hant or zh-TW"
            ),
        )
        .with("lang", lang.clone()),
    ]
}

/// `traditional/links-leave`: internal links of a gateway page that go back to the simplified
/// site (the "简体版" switch itself excepted).
pub fn check_links_leave(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let Some(gw) = gateway_of(&page.url, &cx.options.traditional) else {
        return Vec::new();
    };
    let mut leaving: Vec<(crate::page::ElementId, String)> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for l in page.links() {
        if l.kind != LinkKind::Anchor || l.raw.starts_with('#') {
            continue;
        }
        let Some(u) = l.url.as_ref() else { continue };
        let el = page.el(l.element);
        if el.is_hidden() {
            continue;
        }
        let u = cx.site.local_target(u);
        if !gw.leaves(&u) || seen.contains(u.as_str()) {
            continue;
        }
        if labels(&el)
            .iter()
            .any(|x| entry::label_is_simplified_switch(x))
        {
            continue;
        }
        seen.insert(u.to_string());
        leaving.push((l.element, u.to_string()));
    }
    let Some((first, _)) = leaving.first() else {
        return Vec::new();
    };
    let n = leaving.len();
    let examples = leaving
        .iter()
        .take(3)
        .map(|(_, u)| u.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let el = page.el(*first);
    vec![
        Hit::at(
            &el,
            tr!(
                cx.lang,
                "繁体版页面有 {n} 个站内链接离开繁体版、回到简体页面，例如：{examples}",
                "{n} internal link(s) of the traditional-script page leave it for the simplified pages, e.g. {examples}"
            ),
        )
        .with("count", n)
        .with(
            "links",
            leaving
                .iter()
                .take(20)
                .map(|(_, u)| serde_json::Value::from(u.as_str()))
                .collect::<Vec<_>>(),
        ),
    ]
}

/// `traditional/js-converter-broken`: the converter a 繁体 switch calls is missing.
pub struct JsConverterBroken;

impl Rule for JsConverterBroken {
    fn id(&self) -> &'static str {
        "traditional/js-converter-broken"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let e = entries(page, cx.options, cx.site);
        let Some(t) = &e.traditional else { return };
        if !matches!(t.mechanism, Mechanism::Js | Mechanism::Toolbar) {
            return;
        }
        let at = |h: Hit| -> Hit {
            match t.element {
                Some(id) => {
                    let el = page.el(id);
                    let mut g = Hit::at(&el, h.message.clone());
                    g.data = h.data;
                    g.needs_review = h.needs_review;
                    g
                }
                None => {
                    let mut g = h;
                    g.line = t.line;
                    g.evidence = Some("script".into());
                    g
                }
            }
        };
        let text = &t.text;
        let Some(function) = &t.function else {
            let h = Hit::page(tr!(
                cx.lang,
                "繁体版入口「{text}」没有直接调用转换函数（由脚本另行绑定），无法静态核实，需要在浏览器中核实",
                "the traditional-script switch \"{text}\" calls no function directly (a script binds it), so it cannot be verified statically: verify in a browser"
            ))
            .review();
            emit_page(cx, vec![at(h)]);
            return;
        };
        let preferred = match &t.script {
            Some(ScriptRef::Url(u)) => Some(u),
            _ => None,
        };
        let inline = t.script == Some(ScriptRef::Inline);
        let verdict = script::verify(
            cx.services,
            cx.site,
            function,
            inline,
            preferred,
            &e.scripts,
            cx.lang,
        );
        let why = verdict.describe(function, cx.lang);
        let hit = match &verdict {
            script::Verdict::Defined(_) => return,
            script::Verdict::Unknown(_) => Hit::page(tr!(
                cx.lang,
                "无法静态核实繁体版入口「{text}」调用的 {function}()：{why}",
                "cannot verify statically the {function}() the traditional-script switch \"{text}\" calls: {why}"
            ))
            .review(),
            _ => Hit::page(tr!(
                cx.lang,
                "繁体版入口「{text}」调用的 {function}() 不可用：{why}",
                "the {function}() the traditional-script switch \"{text}\" calls is unavailable: {why}"
            )),
        }
        .with("function", function.as_str());
        emit_page(cx, vec![at(hit)]);
    }
}

/// `traditional/entry-missing`: the home page has no 繁体版 entry. Records the site's
/// `versions.traditional` facts.
pub struct EntryMissing;

impl Rule for EntryMissing {
    fn id(&self) -> &'static str {
        "traditional/entry-missing"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, data: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((home, entry)) = site::home_entry(data, Version::Traditional) else {
            return;
        };
        super::versions::record_entry(cx, Version::Traditional, home, entry.as_ref());
        if entry.is_none() {
            let name = home.path.as_deref().unwrap_or(&home.url);
            let f = cx.report(tr!(
                cx.lang,
                "首页 {name} 没有繁体版入口（“繁体版”“繁體”“BIG5”等链接或按钮、big5 网关链接或繁简转换脚本）",
                "the home page {name} has no traditional-script entry (a 繁体版/繁體/BIG5 link or button, a big5 gateway link, or a converter script)"
            ));
            f.url = Some(home.url.clone());
        }
    }
}

/// `traditional/target-broken`: the gateway or page the entry points to does not answer 2xx.
/// Records the target's status and character counts in `versions.traditional.target`.
pub struct TargetBroken;

impl Rule for TargetBroken {
    fn id(&self) -> &'static str {
        "traditional/target-broken"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, data: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((_, Some(entry))) = site::home_entry(data, Version::Traditional) else {
            return;
        };
        if !entry.is_url() {
            return;
        }
        let Some(url) = entry.target() else { return };
        let fetched = site::fetch(cx.services, data.info, &url, cx.lang);
        match fetched {
            site::Fetch::Ok(_) => {
                let Some(raw) = fetched.page() else { return };
                let mut target = serde_json::json!({ "url": url.as_str(), "status": raw.status });
                if raw.is_html() {
                    let page = Page::build(raw);
                    let c = hanzi::count(page.visible_text());
                    target["simplified"] = c.simplified.into();
                    target["traditional"] = c.traditional.into();
                    target["simplified_ratio"] = c.ratio().into();
                    target["encoding"] = page.encoding.name().into();
                    target["lang"] = page
                        .html_element()
                        .and_then(|h| h.attr_trimmed("lang"))
                        .into();
                }
                cx.set_fact(
                    "versions",
                    serde_json::json!({ "traditional": { "target": target } }),
                );
            }
            site::Fetch::Broken(why, status) => {
                cx.set_fact(
                    "versions",
                    serde_json::json!({ "traditional": { "target": {
                        "url": url.as_str(), "status": status, "error": why
                    } } }),
                );
                let f = cx.report(tr!(
                    cx.lang,
                    "繁体版入口指向的 {url} 无法访问（{why}）",
                    "the traditional-script version the entry points to, {url}, does not answer ({why})"
                ));
                f.url = Some(url.to_string());
                f.data.insert("status".into(), status.into());
                f.data.insert("reason".into(), why.into());
            }
            site::Fetch::NotFetched(why) => {
                super::versions::not_verified(
                    cx,
                    self.id(),
                    tr!(
                        cx.lang,
                        "未读取繁体版 {url}（{why}），未检查其状态和文字",
                        "the traditional-script version {url} was not read ({why}): its status and text were not checked"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    fn run(html: &str, url: &str) -> Vec<String> {
        let url = url::Url::parse(url).expect("url");
        let page = Page::build(&crate::fetch::RawPage::from_html(url, html));
        let rules: Vec<Box<dyn Rule>> = family()
            .rules
            .into_iter()
            .filter(|r| !r.id().ends_with("entry-missing") && !r.id().ends_with("target-broken"))
            .collect();
        testing::run_rules(rules, &page)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    const TRAD: &str = "雲汀縣人民政府門戶網站歡迎您。這裡發佈縣政府的最新動態、通知公告與政務服務資訊，網站支持無障礙瀏覽與關懷版。";
    const SIMP: &str = "云汀县人民政府门户网站欢迎您。这里发布县政府的最新动态、通知公告与政务服务信息，网站支持无障碍浏览与关怀版。";

    #[test]
    fn gateway_page_checks() {
        let url = "https://big5.x.gov.cn/gate/big5/www.x.gov.cn/index.html";
        let good = format!(
            "<html lang=zh-Hant><head><meta charset=utf-8></head><body><p>{TRAD}</p>\
             <a href='/gate/big5/www.x.gov.cn/news.html'>新聞</a><a href='https://www.x.gov.cn/'>簡體版</a></body></html>"
        );
        assert_eq!(run(&good, url), Vec::<String>::new());
        let simplified = format!(
            "<html lang=zh-Hant><head><meta charset=utf-8></head><body><p>{SIMP}</p></body></html>"
        );
        assert_eq!(run(&simplified, url), vec!["traditional/not-converted"]);
        let zh_cn = format!(
            "<html lang=zh-CN><head><meta charset=utf-8></head><body><p>{TRAD}</p>\
             <a href='https://www.x.gov.cn/news.html'>新聞</a></body></html>"
        );
        let mut got = run(&zh_cn, url);
        got.sort();
        assert_eq!(got, vec!["traditional/lang", "traditional/links-leave"]);
        let mut raw = crate::fetch::RawPage::from_html(url::Url::parse(url).expect("url"), &good);
        raw.content_type = Some("text/html".into());
        let good_no_meta = good.replace("<meta charset=utf-8>", "");
        raw.body = good_no_meta.into_bytes();
        let page = Page::build(&raw);
        let got: Vec<String> = testing::run_rules(family().rules, &page)
            .into_iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(got, vec!["traditional/charset-missing"]);
        // Not a gateway page: none of the page checks apply.
        assert_eq!(
            run(&simplified, "https://www.x.gov.cn/index.html"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn options_normalise() {
        let o = TraditionalOptions {
            gateway_paths: vec!["gate/BIG5".into()],
            gateway_hosts: vec!["ft".into()],
            max_simplified_ratio: Some(7.0),
            ..Default::default()
        };
        assert_eq!(o.gateway_paths(), vec!["/gate/big5/"]);
        assert_eq!(o.gateway_hosts(), vec!["ft."]);
        assert_eq!(o.max_simplified_ratio(), 1.0);
        assert_eq!(TraditionalOptions::default().max_simplified_ratio(), 0.01);
    }
}
