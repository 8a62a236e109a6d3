//! The 无障碍 entry: a visible link or button named 无障碍 (无障碍浏览, 网站无障碍, 长者助手...)
//! or a known accessibility toolbar (aria.js, cniil, 微象 WXA11Y, Shanghai, a site's own).
//!
//! [`EntryCollector`] records on every page `identity.entries.accessibility` (bool) and
//! `identity.entries.accessibility_toolbar` (the toolbar, or null), deep-merged with the other
//! identity facts, plus the details under the page's `a11y` key (`entry`: the element found;
//! `toolbar`: name, evidence, script URL, host, appid). The toolbar fingerprints are data:
//! `rules/data/a11y-toolbars.toml`.
//!
//! Only parsed markup counts: a link or a `<script>` inside an HTML comment is no entry (the
//! saved www.gov.cn home page of 2023 has both commented out).
//!
//! `a11y/entry-missing` (site) decides on the home page ([`SiteData::home`]); when the home
//! page has no facts (it could not be read) it decides on the majority of pages.
//! `a11y/toolbar-script-broken` (site) fetches each toolbar script once through
//! [`crate::services::Services`]; on an offline audit a remote script is recorded as "not
//! verified" and not reported. A toolbar never proves conformance: every other rule still
//! checks the page's own markup.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use super::names::{accessible_name, content_name};
use super::{index, input_type};
use crate::catalog::Scope;
use crate::i18n::Lang;
use crate::page::{El, Page};
use crate::report::{Facts, PageReport, Report};
use crate::rules::{CollectCx, Collector, Rule, SiteCx, SiteData};
use crate::tr;

/// The embedded fingerprint table.
pub const FINGERPRINTS_TOML: &str = include_str!("../../../rules/data/a11y-toolbars.toml");

/// Where a fingerprint is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// `<script src>`.
    ScriptSrc,
    /// Inline `<script>` text.
    InlineScript,
    /// `<script id>`.
    ScriptId,
    /// Any element's `id`.
    ElementId,
    /// Any element's `onclick`.
    Onclick,
    /// A link's `href`.
    Href,
}

impl Place {
    fn as_str(self) -> &'static str {
        match self {
            Place::ScriptSrc => "script-src",
            Place::InlineScript => "inline-script",
            Place::ScriptId => "script-id",
            Place::ElementId => "element-id",
            Place::Onclick => "onclick",
            Place::Href => "href",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFingerprint {
    toolbar: String,
    #[serde(rename = "where")]
    place: Place,
    pattern: String,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    fingerprint: Vec<RawFingerprint>,
}

/// A compiled fingerprint.
#[derive(Debug)]
pub struct Fingerprint {
    /// The toolbar's name (`aria.js`, `cniil`...).
    pub toolbar: String,
    /// Where it is matched.
    pub place: Place,
    /// The pattern.
    pub re: Regex,
}

/// Parses a fingerprint table.
pub fn parse_fingerprints(text: &str) -> Result<Vec<Fingerprint>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
    raw.fingerprint
        .into_iter()
        .map(|f| {
            Regex::new(&f.pattern)
                .map(|re| Fingerprint {
                    toolbar: f.toolbar,
                    place: f.place,
                    re,
                })
                .map_err(|e| format!("{}: {e}", f.pattern))
        })
        .collect()
}

static FINGERPRINTS: LazyLock<Vec<Fingerprint>> =
    LazyLock::new(|| parse_fingerprints(FINGERPRINTS_TOML).unwrap_or_default());

static APPID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[?&]appid=([0-9a-f]{32})").expect("static regex"));

/// The entry element found.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its accessible name.
    pub text: String,
    /// Its selector.
    pub selector: String,
    /// Its line.
    pub line: Option<u32>,
}

/// The toolbar found.
#[derive(Debug, Clone)]
pub struct Toolbar {
    /// Its name.
    pub name: String,
    /// Where it was recognised.
    pub evidence: Place,
    /// The script URL (resolved), for script fingerprints.
    pub src: Option<String>,
    /// The script's host, or `self-hosted`.
    pub host: Option<String>,
    /// The `appid` of aria.js.
    pub appid: Option<String>,
    /// The toolbar functions the page calls (`start`, `oldFixedStart`) for aria.js.
    pub calls: Vec<String>,
}

/// What a page has.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// A visible link or button named like an entry.
    pub entry: Option<Entry>,
    /// A toolbar.
    pub toolbar: Option<Toolbar>,
}

impl Detection {
    /// Whether the page has an entry (a named control or a toolbar).
    pub fn accessibility(&self) -> bool {
        self.entry.is_some() || self.toolbar.is_some()
    }
}

/// Longest name (characters, spaces removed) of an entry control: "网站无障碍开关" is 7, a news
/// headline mentioning 无障碍 is much longer.
pub const ENTRY_MAX_CHARS: usize = 12;

fn compact(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn is_control(el: &El<'_>, ix: &super::A11yIndex) -> bool {
    match el.name() {
        "a" => el.has_attr("href") || el.has_attr("onclick"),
        "button" => true,
        "input" => matches!(input_type(el).as_str(), "button" | "submit" | "image"),
        _ => {
            el.has_attr("onclick")
                || ix
                    .explicit_role(el.id())
                    .is_some_and(|r| matches!(r.name(), "button" | "link"))
        }
    }
}

/// Finds the entry and the toolbar of a page.
pub fn detect(page: &Page, texts: &[String]) -> Detection {
    let ix = index(page);
    let mut det = Detection::default();
    let texts: Vec<String> = texts.iter().map(|t| compact(t)).collect();
    for el in page.elements() {
        if !is_control(&el, &ix) || ix.not_rendered(&el) {
            continue;
        }
        // A scripted control (`<a onclick>` without href, `<span onclick>`) has no role that
        // takes its name from content: use its text.
        let mut name = accessible_name(&el).text;
        if name.is_empty() {
            name = content_name(&el);
        }
        if name.is_empty() {
            name = el.attr_trimmed("title").unwrap_or_default();
        }
        let c = compact(&name);
        let title = el.attr("title").map(|t| compact(&t)).unwrap_or_default();
        let matches = |s: &str| {
            !s.is_empty()
                && s.chars().count() <= ENTRY_MAX_CHARS
                && texts.iter().any(|t| s.contains(t.as_str()))
        };
        if matches(&c) || matches(&title) {
            det.entry = Some(Entry {
                text: if matches(&c) { name } else { title },
                selector: el.selector(),
                line: el.line(),
            });
            break;
        }
    }
    det.toolbar = find_toolbar(page);
    det
}

fn find_toolbar(page: &Page) -> Option<Toolbar> {
    let ix = index(page);
    let scripts: Vec<El<'_>> = page.elements_named("script").collect();
    for fp in FINGERPRINTS.iter() {
        let hit: Option<(Option<String>, El<'_>)> = match fp.place {
            Place::ScriptSrc => scripts.iter().find_map(|s| {
                let raw = s.attr_trimmed("src")?;
                let resolved = page
                    .resolve(&raw)
                    .map_or_else(|| raw.clone(), |u| u.to_string());
                (fp.re.is_match(&raw) || fp.re.is_match(&resolved)).then_some((Some(resolved), *s))
            }),
            Place::InlineScript => scripts
                .iter()
                .filter(|s| !s.has_attr("src"))
                .find(|s| fp.re.is_match(&s.text_content()))
                .map(|s| (None, *s)),
            Place::ScriptId => scripts
                .iter()
                .find(|s| s.attr("id").is_some_and(|id| fp.re.is_match(id.trim())))
                .map(|s| (None, *s)),
            Place::ElementId => page
                .elements()
                .find(|e| {
                    !ix.sr_hidden(e.id())
                        && e.attr("id").is_some_and(|id| fp.re.is_match(id.trim()))
                })
                .map(|e| (None, e)),
            Place::Onclick => page
                .elements()
                .find(|e| {
                    !ix.not_rendered(e) && e.attr("onclick").is_some_and(|v| fp.re.is_match(&v))
                })
                .map(|e| (None, e)),
            Place::Href => page
                .elements_named("a")
                .find(|e| {
                    !ix.not_rendered(e) && e.attr("href").is_some_and(|v| fp.re.is_match(v.trim()))
                })
                .map(|e| (None, e)),
        };
        let Some((src, _el)) = hit else { continue };
        let host = src.as_deref().and_then(|s| {
            let u = Url::parse(s).ok()?;
            let h = u.host_str()?.to_string();
            let same = page.url.host_str() == Some(h.as_str());
            Some(if same || u.scheme() == "file" && h.is_empty() {
                "self-hosted".to_string()
            } else {
                h
            })
        });
        let host = match (&src, host) {
            (Some(s), None) if s.starts_with("file:") => Some("self-hosted".to_string()),
            (_, h) => h,
        };
        let appid = src
            .as_deref()
            .and_then(|s| APPID.captures(s))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string());
        let mut calls = Vec::new();
        if fp.toolbar == "aria.js" {
            for e in page.elements() {
                if let Some(v) = e.attr("onclick") {
                    for f in ["start", "oldFixedStart"] {
                        let needle = format!("aria.{f}(");
                        if v.contains(&needle) && !calls.iter().any(|c| c == f) {
                            calls.push(f.to_string());
                        }
                    }
                }
            }
        }
        return Some(Toolbar {
            name: fp.toolbar.clone(),
            evidence: fp.place,
            src,
            host,
            appid,
            calls,
        });
    }
    None
}

/// Records `identity.entries.accessibility`, `identity.entries.accessibility_toolbar` and the
/// `a11y` details on each page, and the site summary under the site's `a11y` key.
pub struct EntryCollector;

impl Collector for EntryCollector {
    fn collect_page(&self, page: &Page, cx: &CollectCx<'_>) -> Facts {
        let det = detect(page, &cx.options.a11y.entry_texts());
        let mut facts = Facts::new();
        facts.insert(
            "identity".into(),
            json!({ "entries": {
                "accessibility": det.accessibility(),
                "accessibility_toolbar": det.toolbar.as_ref().map(|t| t.name.clone()),
            }}),
        );
        let entry = det
            .entry
            .as_ref()
            .map(|e| json!({ "text": e.text, "selector": e.selector, "line": e.line }));
        let toolbar = det.toolbar.as_ref().map(|t| {
            json!({
                "name": t.name,
                "evidence": t.evidence.as_str(),
                "src": t.src,
                "host": t.host,
                "appid": t.appid,
                "calls": t.calls,
            })
        });
        facts.insert("a11y".into(), json!({ "entry": entry, "toolbar": toolbar }));
        facts
    }

    fn collect_site(&self, site: &SiteData<'_>, _cx: &CollectCx<'_>) -> Facts {
        let mut with = 0usize;
        let mut checked = 0usize;
        let mut toolbars: BTreeMap<String, usize> = BTreeMap::new();
        for p in site.pages {
            if let Some(b) = page_has_entry(p) {
                checked += 1;
                if b {
                    with += 1;
                }
            }
            if let Some(t) = page_toolbar(p) {
                *toolbars.entry(t).or_insert(0) += 1;
            }
        }
        let home = site.home();
        let mut facts = Facts::new();
        facts.insert(
            "a11y".into(),
            json!({ "entry": {
                "home": home.and_then(page_has_entry),
                "home_page": home.map(|h| h.path.clone().unwrap_or_else(|| h.url.clone())),
                "pages_with_entry": with,
                "pages_checked": checked,
                "toolbars": toolbars,
            }}),
        );
        facts
    }
}

/// `identity.entries.accessibility` of a page report.
pub fn page_has_entry(p: &PageReport) -> Option<bool> {
    p.facts
        .get("identity")?
        .get("entries")?
        .get("accessibility")?
        .as_bool()
}

fn page_toolbar(p: &PageReport) -> Option<String> {
    p.facts
        .get("identity")?
        .get("entries")?
        .get("accessibility_toolbar")?
        .as_str()
        .map(str::to_string)
}

/// `a11y/entry-missing` (site): the site's home page has no 无障碍 entry.
pub struct EntryMissing;

impl Rule for EntryMissing {
    fn id(&self) -> &'static str {
        "a11y/entry-missing"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let texts = cx.options.a11y.entry_texts().join(" / ");
        if let Some(home) = site.home()
            && let Some(has) = page_has_entry(home)
        {
            if has {
                return;
            }
            let name = home.path.clone().unwrap_or_else(|| home.url.clone());
            let msg = tr!(
                cx.lang,
                "首页没有无障碍入口：未找到名称含“{texts}”的可见链接或按钮，也未加载已知的无障碍工具条（aria.js、cniil、WXA11Y 等）：{name}",
                "the home page has no accessibility (无障碍) entry: no visible link or button named \"{texts}\" and no known accessibility toolbar (aria.js, cniil, WXA11Y...): {name}"
            );
            let f = cx.report(msg);
            f.url = Some(home.url.clone());
            f.data.insert("decided_on".into(), "home".into());
            return;
        }
        // No facts for the home page: decide on the share of pages.
        let facts: Vec<(&PageReport, bool)> = site
            .pages
            .iter()
            .filter_map(|p| page_has_entry(p).map(|b| (p, b)))
            .collect();
        if facts.is_empty() {
            return;
        }
        let with = facts.iter().filter(|(_, b)| *b).count();
        if with * 2 > facts.len() {
            return;
        }
        let total = facts.len();
        let msg = tr!(
            cx.lang,
            "无法读取首页；{total} 个页面中只有 {with} 个有无障碍入口（名称含“{texts}”的链接或按钮，或已知的无障碍工具条）",
            "the home page could not be read; only {with} of {total} pages have an accessibility (无障碍) entry (a link or button named \"{texts}\", or a known toolbar)"
        );
        let f = cx.report(msg);
        f.data.insert("decided_on".into(), "share".into());
        f.data.insert("pages_with_entry".into(), with.into());
        f.data.insert("pages_checked".into(), total.into());
    }
}

/// `a11y/toolbar-script-broken` (site): the toolbar script a page loads does not load (an HTTP
/// error, an HTML error page instead of JavaScript, an empty file) or does not define the
/// function the page calls (`aria.start`).
pub struct ToolbarScriptBroken;

/// Whether a body looks like an HTML page rather than a script.
fn looks_like_html(body: &[u8]) -> bool {
    let head: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

impl Rule for ToolbarScriptBroken {
    fn id(&self) -> &'static str {
        "a11y/toolbar-script-broken"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        // Distinct script URLs with the toolbar, the calls made and a page using it.
        let mut scripts: BTreeMap<String, (String, Vec<String>, String)> = BTreeMap::new();
        for p in site.pages {
            let Some(t) = p.facts.get("a11y").and_then(|a| a.get("toolbar")) else {
                continue;
            };
            let Some(src) = t.get("src").and_then(Value::as_str) else {
                continue;
            };
            let name = t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let calls: Vec<String> = t
                .get("calls")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let page = p.path.clone().unwrap_or_else(|| p.url.clone());
            let e = scripts
                .entry(src.to_string())
                .or_insert_with(|| (name, Vec::new(), page));
            for c in calls {
                if !e.1.contains(&c) {
                    e.1.push(c);
                }
            }
        }
        let mut results: Vec<Value> = Vec::new();
        for (src, (toolbar, calls, page)) in scripts {
            let Ok(url) = Url::parse(&src) else { continue };
            // A protocol-relative src on a local file becomes file://host/...: it is remote.
            let target = match url.host_str().filter(|h| !h.is_empty()) {
                Some(host) if url.scheme() == "file" => {
                    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
                    match Url::parse(&format!("https://{host}{}{query}", url.path())) {
                        Ok(u) => u,
                        Err(_) => continue,
                    }
                }
                _ => site.info.local_target(&url),
            };
            let checked = (target.as_str() != src).then(|| target.to_string());
            if target.scheme() != "file" && !cx.services.network() {
                results.push(json!({
                    "url": src, "checked": checked, "toolbar": toolbar,
                    "status": "not verified", "reason": "offline",
                }));
                continue;
            }
            let fetched = cx.services.fetch(&target);
            let problem: Option<String> = match fetched.as_ref() {
                Err(e) => Some(tr!(
                    cx.lang,
                    "无法加载（{}）",
                    "does not load ({})",
                    e.message
                )),
                Ok(raw) => {
                    let status = raw.status.unwrap_or(200);
                    if !(200..300).contains(&status) {
                        Some(tr!(cx.lang, "返回 HTTP {status}", "answers HTTP {status}"))
                    } else if raw.body.iter().all(u8::is_ascii_whitespace) {
                        Some(tr!(cx.lang, "内容为空", "is empty"))
                    } else if looks_like_html(&raw.body) {
                        Some(tr!(
                            cx.lang,
                            "返回的是 HTML 页面而不是脚本",
                            "returns an HTML page instead of a script"
                        ))
                    } else {
                        let text = String::from_utf8_lossy(&raw.body);
                        let missing: Vec<&String> = calls
                            .iter()
                            .filter(|c| !text.contains(c.as_str()))
                            .collect();
                        if missing.is_empty() {
                            None
                        } else {
                            let list: Vec<String> =
                                missing.iter().map(|c| format!("aria.{c}()")).collect();
                            Some(tr!(
                                cx.lang,
                                "没有定义页面调用的 {}",
                                "does not define {}, which the pages call",
                                list.join(cx.lang.pick("、", ", "))
                            ))
                        }
                    }
                }
            };
            match problem {
                None => results.push(json!({
                    "url": src, "checked": checked, "toolbar": toolbar, "status": "ok",
                })),
                Some(p) => {
                    results.push(json!({
                        "url": src, "checked": checked, "toolbar": toolbar,
                        "status": "broken", "reason": p,
                    }));
                    let msg = tr!(
                        cx.lang,
                        "无障碍工具条脚本（{toolbar}）{p}：{src}（如 {page}）",
                        "the accessibility toolbar script ({toolbar}) {p}: {src} (e.g. {page})"
                    );
                    let f = cx.report(msg);
                    f.url = Some(src.clone());
                    f.data.insert("toolbar".into(), toolbar.into());
                }
            }
        }
        if !results.is_empty() {
            cx.set_fact("a11y", json!({ "toolbar_scripts": results }));
        }
    }
}

/// The terminal section: the site's entry status.
pub fn terminal_section(report: &Report, site_idx: usize, lang: Lang) -> Option<String> {
    let site = report.sites.get(site_idx)?;
    let a = site.facts.get("a11y")?;
    let entry = a.get("entry")?;
    let mut out = String::new();
    let home = entry.get("home").and_then(Value::as_bool);
    let with = entry
        .get("pages_with_entry")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let checked = entry
        .get("pages_checked")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let toolbars: Vec<String> = entry
        .get("toolbars")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let home_text = match home {
        Some(true) => lang.pick("首页有", "present on the home page"),
        Some(false) => lang.pick("首页没有", "missing on the home page"),
        None => lang.pick("首页未检查", "home page not checked"),
    };
    let tb = if toolbars.is_empty() {
        lang.pick("无", "none").to_string()
    } else {
        toolbars.join(", ")
    };
    out.push_str(&tr!(
        lang,
        "无障碍入口：{home_text}（{with}/{checked} 个页面有）；工具条：{tb}",
        "无障碍 entry: {home_text} ({with}/{checked} pages); toolbar: {tb}"
    ));
    if let Some(scripts) = a.get("toolbar_scripts").and_then(Value::as_array) {
        for s in scripts {
            let url = s
                .get("checked")
                .and_then(Value::as_str)
                .or_else(|| s.get("url").and_then(Value::as_str))
                .unwrap_or("");
            let status = s.get("status").and_then(Value::as_str).unwrap_or("");
            let status = match status {
                "ok" => lang.pick("正常", "ok"),
                "broken" => lang.pick("异常", "broken"),
                _ => lang.pick("未验证（离线）", "not verified (offline)"),
            };
            out.push('\n');
            out.push_str(&tr!(
                lang,
                "  工具条脚本 {url}：{status}",
                "  toolbar script {url}: {status}"
            ));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(html: &str) -> Detection {
        let p = Page::from_html(html, "https://www.example.gov.cn/index.html");
        detect(&p, &["无障碍".to_string(), "长者助手".to_string()])
    }

    #[test]
    fn fingerprints_parse() {
        let fps = parse_fingerprints(FINGERPRINTS_TOML).expect("table parses");
        assert!(fps.len() >= 10);
        assert!(
            parse_fingerprints("[[fingerprint]]\ntoolbar='x'\nwhere='nowhere'\npattern='a'")
                .is_err()
        );
        assert!(
            parse_fingerprints("[[fingerprint]]\ntoolbar='x'\nwhere='href'\npattern='('").is_err()
        );
    }

    #[test]
    fn links_and_buttons() {
        let d = det("<a href='javascript:void(0)' onclick='aria.start()'>无障碍</a>");
        assert_eq!(d.entry.as_ref().map(|e| e.text.as_str()), Some("无障碍"));
        assert_eq!(d.toolbar.as_ref().map(|t| t.name.as_str()), Some("aria.js"));
        assert_eq!(
            d.toolbar.as_ref().map(|t| t.calls.clone()),
            Some(vec!["start".to_string()])
        );
        let d = det("<button type=button>网站无障碍开关</button>");
        assert!(d.entry.is_some() && d.toolbar.is_none());
        let d = det("<a href='/zs.html'><img src=z.png alt='长者助手'></a>");
        assert!(d.entry.is_some());
        let d =
            det("<a href='javascript:;' id='cniil_wza' title='无障碍'><img src=w.png alt=''></a>");
        assert!(d.entry.is_some());
        assert_eq!(d.toolbar.map(|t| t.name), Some("cniil".to_string()));
        let d = det("<span onclick='toggleToolBar();'>无障碍浏览</span>");
        assert!(d.accessibility());
        assert_eq!(
            d.entry.as_ref().map(|e| e.text.as_str()),
            Some("无障碍浏览")
        );
        let d = det("<a onclick='toggleToolBar();' target=_blank>无障碍浏览</a>");
        assert_eq!(d.entry.map(|e| e.text), Some("无障碍浏览".to_string()));
        assert_eq!(d.toolbar.map(|t| t.name), Some("site-local".to_string()));
    }

    #[test]
    fn commented_hidden_and_headlines_do_not_count() {
        let d = det(
            "<!-- <a href='#' onclick='aria.start()'>网站无障碍开关</a> <script src='//gov.govwza.cn/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83'></script> -->",
        );
        assert!(!d.accessibility());
        let d = det("<a href='/a.html' style='display:none'>无障碍</a>");
        assert!(!d.accessibility());
        let d = det("<a href='/a.html'>关于推进信息无障碍环境建设的实施意见</a>");
        assert!(!d.accessibility());
        let d = det("<p>无障碍</p>");
        assert!(!d.accessibility());
    }

    #[test]
    fn toolbar_scripts() {
        let d = det(
            "<script src='//wza.www.gov.cn/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83' charset='utf-8'></script>",
        );
        let t = d.toolbar.expect("aria.js");
        assert_eq!(t.name, "aria.js");
        assert_eq!(t.host.as_deref(), Some("wza.www.gov.cn"));
        assert_eq!(t.appid.as_deref(), Some("44fa773aaaee697bd3f5d0fbfc36bf83"));
        assert_eq!(
            t.src.as_deref(),
            Some("https://wza.www.gov.cn/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83")
        );
        let d = det("<script src='/dist/aria.js'></script>");
        assert_eq!(
            d.toolbar.and_then(|t| t.host),
            Some("self-hosted".to_string())
        );
        let d = det("<script src='//api.govwza.cn/cniil/assist.js?sid=123&pos=left'></script>");
        assert_eq!(d.toolbar.map(|t| t.name), Some("cniil".to_string()));
        let d = det("<script id='WXA11Y' c='/WXA11Y/' b='wza-btn' src='/WXA11Y/wxa.js'></script>");
        assert_eq!(d.toolbar.map(|t| t.name), Some("WXA11Y".to_string()));
        let d = det("<script>schubert.use(\"trout\", function(){});</script>");
        assert_eq!(d.toolbar.map(|t| t.name), Some("shanghai".to_string()));
        let d = det(
            "<script>var s=document.createElement('script');s.src='//gov.govwza.cn/dist/aria.js?appid=x';</script>",
        );
        assert_eq!(
            d.toolbar.map(|t| (t.name, t.evidence)),
            Some(("aria.js".to_string(), Place::InlineScript))
        );
        let d = det("<a href='/wca.html' id='toolbarCtrl'>无障碍浏览</a>");
        assert_eq!(d.toolbar.map(|t| t.name), Some("site-local".to_string()));
    }
}
