//! Elder-care version (关怀版 / 适老化): entry, mechanism, and the checks of the MIIT
//! elder-friendly design spec (工信厅信管函〔2021〕67号 附件1, RULES.md §5).
//!
//! Site rules: `elder/entry-missing`, `elder/entry-broken` (a separate 关怀版 page or host does
//! not answer 2xx, or a script entry's function is not defined), `elder/toolbar-broken` (the
//! toolbar script of a toolbar mode does not load or lacks the function the entry calls).
//! Page rules, run on the elder version: the page itself when its 关怀版 entry is a toolbar or
//! script mode, or the separate 关怀版 page the home page links to (site stage, findings carry
//! its `url`): `elder/ads-or-popups`, `elder/induced-buttons`, `elder/zoom-blocked`,
//! `elder/captcha-no-alternative`; and on a separate 关怀版 page only (a toolbar mode's
//! rendering cannot be read statically): `elder/font-size`, `elder/line-height`,
//! `elder/contrast`.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use super::versions::css::{self, parse_color};
use super::versions::entry::{inline_scripts, labels};
use super::versions::{
    CheckCx, ContentRule, EntryFact, Hit, Mechanism, PageScope, Version, script, site,
};
use super::{Family, Rule, SiteCx, SiteData};
use crate::catalog::Scope;
use crate::page::{El, LinkKind, Page};
use crate::tr;

/// Options of this family (flattened into the command line; `[elder]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ElderOptions {
    /// Smallest base font size of a 关怀版 page, in CSS px (D8 附件1 1.2.3: ≥18, secondary)
    /// [default: 18]
    #[arg(
        id = "elder-min-font-size",
        long = "elder-min-font-size",
        value_name = "PX"
    )]
    pub min_font_size: Option<f64>,

    /// Smallest line height of a 关怀版 page, as a multiple of the font size (D8 附件2 §1.2: 1.3,
    /// the APP figure; web figure unconfirmed) [default: 1.3]
    #[arg(
        id = "elder-min-line-height",
        long = "elder-min-line-height",
        value_name = "RATIO"
    )]
    pub min_line_height: Option<f64>,

    /// Smallest contrast ratio of normal text on a 关怀版 page [default: 4.5]
    #[arg(
        id = "elder-min-contrast",
        long = "elder-min-contrast",
        value_name = "RATIO"
    )]
    pub min_contrast: Option<f64>,

    /// Smallest contrast ratio of large text (≥ 18pt, or 14pt bold) on a 关怀版 page [default: 3]
    #[arg(
        id = "elder-min-contrast-large",
        long = "elder-min-contrast-large",
        value_name = "RATIO"
    )]
    pub min_contrast_large: Option<f64>,

    /// Advertising host: scripts, frames and images from it (or its subdomains) are ads
    /// (repeatable; replaces the built-in list, see docs/versions.md)
    #[arg(id = "elder-ad-host", long = "elder-ad-host", value_name = "HOST")]
    pub ad_hosts: Vec<String>,

    /// Button text that counts as an induced button (repeatable; replaces the default:
    /// 下载APP, 立即下载, 扫码下载, 立即购买, 立即支付)
    #[arg(
        id = "elder-induced-text",
        long = "elder-induced-text",
        value_name = "TEXT"
    )]
    pub induced_texts: Vec<String>,

    /// Extra link or button text recognised as a 关怀版 entry, in addition to 关怀版, 长辈版,
    /// 长者助手… (repeatable)
    #[arg(
        id = "elder-entry-label",
        long = "elder-entry-label",
        value_name = "TEXT"
    )]
    pub entry_labels: Vec<String>,
}

/// Built-in advertising hosts (ad networks serving Chinese sites; heuristic, RULES.md §5).
pub const DEFAULT_AD_HOSTS: &[&str] = &[
    "googlesyndication.com",
    "doubleclick.net",
    "googleadservices.com",
    "adservice.google.com",
    "pos.baidu.com",
    "cpro.baidu.com",
    "cpro.baidustatic.com",
    "cbjs.baidu.com",
    "dup.baidustatic.com",
    "tanx.com",
    "alimama.com",
    "mmstat.com",
    "lianmeng.360.cn",
    "s.360.cn",
    "mediav.com",
    "gdt.qq.com",
    "e.qq.com",
    "ad.qq.com",
    "adsame.com",
    "allyes.com",
    "ipinyou.com",
    "miaozhen.com",
    "admaster.com.cn",
    "tanv.com",
    "adkongjian.com",
    "union.sogou.com",
    "u.heima8.com",
];

/// Built-in induced-button texts (D8 附件1 "诱导下载、诱导付款"; heuristic).
pub const DEFAULT_INDUCED: &[&str] = &["下载APP", "立即下载", "扫码下载", "立即购买", "立即支付"];

impl ElderOptions {
    /// Minimum base font size in px.
    pub fn min_font_size(&self) -> f64 {
        self.min_font_size
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(18.0)
    }
    /// Minimum line height ratio.
    pub fn min_line_height(&self) -> f64 {
        self.min_line_height
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(1.3)
    }
    /// Minimum contrast of normal text.
    pub fn min_contrast(&self) -> f64 {
        self.min_contrast
            .filter(|v| v.is_finite() && *v >= 1.0)
            .unwrap_or(4.5)
    }
    /// Minimum contrast of large text.
    pub fn min_contrast_large(&self) -> f64 {
        self.min_contrast_large
            .filter(|v| v.is_finite() && *v >= 1.0)
            .unwrap_or(3.0)
    }
    /// Advertising hosts, lower case.
    pub fn ad_hosts(&self) -> Vec<String> {
        if self.ad_hosts.is_empty() {
            DEFAULT_AD_HOSTS.iter().map(|s| (*s).to_string()).collect()
        } else {
            self.ad_hosts
                .iter()
                .map(|h| h.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        }
    }
    /// Induced-button texts, NFKC and lower case.
    pub fn induced_texts(&self) -> Vec<String> {
        let list: Vec<String> = if self.induced_texts.is_empty() {
            DEFAULT_INDUCED.iter().map(|s| (*s).to_string()).collect()
        } else {
            self.induced_texts.clone()
        };
        list.iter()
            .map(|t| t.nfkc().collect::<String>().to_lowercase())
            .filter(|t| !t.trim().is_empty())
            .collect()
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(EntryMissing),
            Box::new(EntryBroken),
            Box::new(ToolbarBroken),
            Box::new(ContentRule {
                id: "elder/ads-or-popups",
                version: Version::Elder,
                scope: PageScope::ElderMode,
                check: check_ads_or_popups,
            }),
            Box::new(ContentRule {
                id: "elder/induced-buttons",
                version: Version::Elder,
                scope: PageScope::ElderMode,
                check: check_induced_buttons,
            }),
            Box::new(ContentRule {
                id: "elder/zoom-blocked",
                version: Version::Elder,
                scope: PageScope::ElderMode,
                check: check_zoom_blocked,
            }),
            Box::new(ContentRule {
                id: "elder/font-size",
                version: Version::Elder,
                scope: PageScope::SeparatePageOnly,
                check: check_font_size,
            }),
            Box::new(ContentRule {
                id: "elder/line-height",
                version: Version::Elder,
                scope: PageScope::SeparatePageOnly,
                check: check_line_height,
            }),
            Box::new(ContentRule {
                id: "elder/contrast",
                version: Version::Elder,
                scope: PageScope::SeparatePageOnly,
                check: check_contrast,
            }),
            Box::new(ContentRule {
                id: "elder/captcha-no-alternative",
                version: Version::Elder,
                scope: PageScope::ElderMode,
                check: check_captcha,
            }),
        ],
        collectors: vec![Box::new(super::versions::IdentityCollector)],
        sections: Vec::new(),
    }
}

// ----- site rules -----------------------------------------------------------------------

/// `elder/entry-missing`: the home page has no 关怀版 entry. Records `versions.elder`.
pub struct EntryMissing;

impl Rule for EntryMissing {
    fn id(&self) -> &'static str {
        "elder/entry-missing"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, data: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((home, entry)) = site::home_entry(data, Version::Elder) else {
            return;
        };
        super::versions::record_entry(cx, Version::Elder, home, entry.as_ref());
        if entry.is_none() {
            let name = home.path.as_deref().unwrap_or(&home.url);
            let f = cx.report(tr!(
                cx.lang,
                "首页 {name} 没有关怀版（适老化）入口（“关怀版”“长辈版”“长者助手”等链接或按钮，或工具条的关怀模式，如 aria.oldFixedStart()）",
                "the home page {name} has no elder-care (关怀版) entry (a 关怀版/长辈版/长者助手 link or button, or a toolbar's elder mode such as aria.oldFixedStart())"
            ));
            f.url = Some(home.url.clone());
        }
    }
}

fn parse_urls(list: &[String]) -> Vec<Url> {
    list.iter().filter_map(|s| Url::parse(s).ok()).collect()
}

/// Verifies the function of a mode entry from its recorded facts.
fn verify_fact(
    e: &EntryFact,
    site_info: &super::SiteInfo,
    cx: &SiteCx<'_>,
) -> Option<(String, script::Verdict)> {
    let function = e.function.clone()?;
    let inline = e.script.as_deref() == Some("inline");
    let preferred = e
        .script
        .as_deref()
        .filter(|s| *s != "inline")
        .and_then(|s| Url::parse(s).ok());
    let scripts = parse_urls(&e.scripts);
    let verdict = script::verify(
        cx.services,
        site_info,
        &function,
        inline,
        preferred.as_ref(),
        &scripts,
        cx.lang,
    );
    Some((function, verdict))
}

fn record_function(cx: &mut SiteCx<'_>, verdict: &script::Verdict) {
    let by = match verdict {
        script::Verdict::Defined(by) => serde_json::Value::from(by.as_str()),
        _ => serde_json::Value::Null,
    };
    cx.set_fact(
        "versions",
        serde_json::json!({ "elder": { "function_defined": verdict.defined(), "defined_by": by } }),
    );
}

/// `elder/entry-broken`: a separate 关怀版 page or host does not answer 2xx, or a script entry
/// (not a known toolbar) calls a function no script defines.
pub struct EntryBroken;

impl Rule for EntryBroken {
    fn id(&self) -> &'static str {
        "elder/entry-broken"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, data: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((home, Some(entry))) = site::home_entry(data, Version::Elder) else {
            return;
        };
        let text = entry.text.clone().unwrap_or_default();
        if entry.is_url() {
            let Some(url) = entry.target() else { return };
            match site::fetch(cx.services, data.info, &url, cx.lang) {
                site::Fetch::Ok(f) => {
                    let status = f.as_ref().as_ref().ok().and_then(|r| r.status);
                    cx.set_fact(
                        "versions",
                        serde_json::json!({ "elder": { "target": { "url": url.as_str(), "status": status } } }),
                    );
                }
                site::Fetch::Broken(why, status) => {
                    cx.set_fact(
                        "versions",
                        serde_json::json!({ "elder": { "target": {
                            "url": url.as_str(), "status": status, "error": why
                        } } }),
                    );
                    let f = cx.report(tr!(
                        cx.lang,
                        "关怀版入口「{text}」指向的 {url} 无法访问（{why}）",
                        "the elder-care entry \"{text}\" points to {url}, which does not answer ({why})"
                    ));
                    f.url = Some(url.to_string());
                    f.data.insert("status".into(), status.into());
                    f.data.insert("reason".into(), why.into());
                }
                site::Fetch::NotFetched(why) => super::versions::not_verified(
                    cx,
                    self.id(),
                    tr!(
                        cx.lang,
                        "未读取关怀版 {url}（{why}），未检查其状态和内容",
                        "the elder-care version {url} was not read ({why}): its status and content were not checked"
                    ),
                ),
            }
            return;
        }
        if entry.mechanism != Some(Mechanism::Js) {
            return;
        }
        let Some((function, verdict)) = verify_fact(&entry, data.info, cx) else {
            super::versions::not_verified(
                cx,
                self.id(),
                tr!(
                    cx.lang,
                    "关怀版入口「{text}」没有直接调用函数（由脚本绑定），需要在浏览器中核实",
                    "the elder-care entry \"{text}\" calls no function directly (a script binds it): verify in a browser"
                ),
            );
            return;
        };
        record_function(cx, &verdict);
        report_verdict(cx, &verdict, &function, &text, &home.url);
    }
}

fn report_verdict(
    cx: &mut SiteCx<'_>,
    verdict: &script::Verdict,
    function: &str,
    text: &str,
    page: &str,
) {
    let why = verdict.describe(function, cx.lang);
    let (msg, review) = match verdict {
        script::Verdict::Defined(_) => return,
        script::Verdict::Unknown(_) => (
            tr!(
                cx.lang,
                "无法静态核实关怀版入口「{text}」调用的 {function}()：{why}",
                "cannot verify statically the {function}() the elder-care entry \"{text}\" calls: {why}"
            ),
            true,
        ),
        _ => (
            tr!(
                cx.lang,
                "关怀版入口「{text}」调用的 {function}() 不可用：{why}",
                "the {function}() the elder-care entry \"{text}\" calls is unavailable: {why}"
            ),
            false,
        ),
    };
    let f = cx.report(msg);
    f.url = Some(page.to_string());
    f.data.insert("function".into(), function.into());
    if review {
        f.severity = crate::report::Severity::Notice;
        f.data.insert("needs_review".into(), true.into());
    }
}

/// `elder/toolbar-broken`: the toolbar of a toolbar-mode 关怀版 does not load, or does not
/// define the function the entry calls.
pub struct ToolbarBroken;

impl Rule for ToolbarBroken {
    fn id(&self) -> &'static str {
        "elder/toolbar-broken"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, data: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((home, Some(entry))) = site::home_entry(data, Version::Elder) else {
            return;
        };
        if entry.mechanism != Some(Mechanism::Toolbar) {
            return;
        }
        let text = entry.text.clone().unwrap_or_default();
        let Some((function, verdict)) = verify_fact(&entry, data.info, cx) else {
            return;
        };
        record_function(cx, &verdict);
        report_verdict(cx, &verdict, &function, &text, &home.url);
    }
}

// ----- page checks ----------------------------------------------------------------------

fn host_matches(host: &str, list: &[String]) -> Option<String> {
    let host = host.to_ascii_lowercase();
    list.iter()
        .find(|h| host == **h || host.ends_with(&format!(".{h}")))
        .cloned()
}

static FLOAT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)piao|float|couplet|duilian|pfad|popup|pop[-_]?up|tanchuang|modal|dialog|layer|advert|(?:^|[-_ ])ad(?:$|[-_ \d])|gg[-_]?box|guanggao")
        .expect("static regex")
});
static MOVING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)style\.(?:left|top|pixelleft|pixeltop)\s*=|\.css\(\s*\{?\s*['\x22]?(?:left|top)|\.animate\(|offsetleft|offsettop|moveto\(")
        .expect("static regex")
});
static TIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"setInterval|setTimeout|requestAnimationFrame").expect("static regex")
});
static FLOAT_LIB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)new\s+(?:AdMove|FloatAd|Float|PiaoFu|floatAd)\s*\(\s*['"]#?([\w-]+)['"]"#)
        .expect("static regex")
});
static ID_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"getElementById\(\s*['"]([\w-]+)['"]\s*\)|\$\(\s*['"]#([\w-]+)['"]\s*\)"#)
        .expect("static regex")
});
static SHOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:getElementById\(\s*['"]([\w-]+)['"]\s*\)|\$\(\s*['"]#([\w-]+)['"]\s*\))\s*\.\s*(?:show\(|fadeIn\(|slideDown\(|style\.display\s*=\s*['"](?:block|flex|inline|table))"#)
        .expect("static regex")
});
static CLOSE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:关闭|關閉|关 闭|×|✕|✖|x|close|关闭广告|关闭窗口|不再显示|隐藏)$|关闭|close",
    )
    .expect("static regex")
});
static CLOSE_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)close|hide|remove|display\s*=\s*['"]?none|visibility|fadeout|slideup|\.style\.display"#)
        .expect("static regex")
});
static META_DELAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d+(?:\.\d+)?)").expect("static regex"));
static TIMED_REDIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"setTimeout\(\s*(?:['"][^'"]*location|function\s*\([^)]*\)\s*\{[^}]{0,200}location\s*(?:\.href\s*)?=|\(\)\s*=>\s*\{?[^}]{0,200}location\s*(?:\.href\s*)?=|[^,]{0,200}location\.(?:replace|assign)\()"#)
        .expect("static regex")
});
static USER_EVENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:onclick|onmousedown|onmouseup|onchange|onsubmit|onkey\w*|ontouch\w*)\s*=\s*$|addEventListener\(\s*['"](?:click|mouse\w+|change|submit|key\w+|touch\w+)['"]\s*,\s*$|\.(?:click|on|bind|change|submit)\(\s*(?:['"][^'"]*['"]\s*,\s*)?$"#)
        .expect("static regex")
});

fn position_of(el: &El<'_>) -> Option<String> {
    let style = el.attr("style")?;
    crate::dom::parse_inline_style(&style)
        .into_iter()
        .rev()
        .find(|(p, _)| p == "position")
        .map(|(_, v)| v.to_ascii_lowercase())
}

fn has_close_control(el: &El<'_>) -> bool {
    let check = |e: &El<'_>| {
        labels(e).iter().any(|l| CLOSE_LABEL.is_match(l.trim()))
            || e.attr("onclick").is_some_and(|c| CLOSE_CODE.is_match(&c))
            || e.attr("class")
                .is_some_and(|c| c.to_ascii_lowercase().contains("close"))
            || e.attr("id")
                .is_some_and(|c| c.to_ascii_lowercase().contains("close"))
    };
    el.descendants().any(|d| check(&d))
}

/// The (at most 80 bytes of) code before `i`, starting at a character boundary.
fn code_before(code: &str, i: usize) -> &str {
    let mut start = i.saturating_sub(80);
    while start < i && !code.is_char_boundary(start) {
        start += 1;
    }
    code.get(start..i).unwrap_or("")
}

/// Whether code at each of `positions` (byte offsets, ascending) runs when the page loads:
/// outside any named function, and not inside a callback bound to a user event
/// (`onclick = function…`, `addEventListener('click', …)`, `$(…).click(function…)`). One pass
/// of a brace scanner that skips strings and comments.
fn runs_at_load(code: &str, positions: &[usize]) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Frame {
        Block,
        Named,
        Anonymous,
        UserEvent,
    }
    let at_load = |stack: &[Frame]| {
        !stack
            .iter()
            .any(|f| matches!(f, Frame::Named | Frame::UserEvent))
    };
    let bytes = code.as_bytes();
    let mut out = Vec::with_capacity(positions.len());
    let mut next = 0;
    let mut stack: Vec<Frame> = Vec::new();
    let mut pending: Option<Frame> = None;
    let mut i = 0;
    while i < bytes.len() && next < positions.len() {
        while next < positions.len() && positions[next] <= i {
            out.push(at_load(&stack));
            next += 1;
        }
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = code
                    .get(i + 2..)
                    .and_then(|r| r.find("*/"))
                    .map_or(bytes.len(), |j| i + 2 + j + 2);
                continue;
            }
            b'"' | b'\'' | b'`' => {
                let q = b;
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'f' if bytes[i..].starts_with(b"function")
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let after = code.get(i + 8..).unwrap_or("").trim_start();
                let named =
                    after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$');
                let before = code_before(code, i).trim_end();
                pending = Some(
                    if named && !before.ends_with('=') && !before.ends_with(':') {
                        Frame::Named
                    } else if USER_EVENT.is_match(before) {
                        Frame::UserEvent
                    } else {
                        Frame::Anonymous
                    },
                );
                i += 8;
                continue;
            }
            b'=' if bytes.get(i + 1) == Some(&b'>') => {
                // Strip the arrow function's parameters: `(a, b) =>` or `a =>`.
                let mut before = code_before(code, i).trim_end();
                if let Some(rest) = before.strip_suffix(')') {
                    before = rest.rfind('(').map_or(rest, |k| &rest[..k]);
                } else {
                    before = before
                        .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '$');
                }
                pending = Some(if USER_EVENT.is_match(before.trim_end()) {
                    Frame::UserEvent
                } else {
                    Frame::Anonymous
                });
                i += 2;
                continue;
            }
            b'{' => stack.push(pending.take().unwrap_or(Frame::Block)),
            b'}' => {
                stack.pop();
            }
            b';' => pending = None,
            _ => {}
        }
        i += 1;
    }
    while out.len() < positions.len() {
        out.push(at_load(&stack));
    }
    out
}

/// The first of `positions` whose code runs at load.
fn first_at_load(code: &str, positions: &[usize]) -> Option<usize> {
    runs_at_load(code, positions)
        .into_iter()
        .position(|b| b)
        .map(|k| positions[k])
}

/// `elder/ads-or-popups`: ad scripts, frames and images; floating windows (飘窗) and pop-up
/// layers without a close control; windows opened at load; timed redirects and refreshes.
pub fn check_ads_or_popups(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let lang = cx.lang;
    let ad_hosts = cx.options.elder.ad_hosts();
    let mut hits = Vec::new();
    // Ads: resources from ad hosts.
    for l in page.links() {
        if !matches!(
            l.kind,
            LinkKind::Script | LinkKind::Frame | LinkKind::Image | LinkKind::Media
        ) {
            continue;
        }
        let Some(host) = l.url.as_ref().and_then(|u| u.host_str()) else {
            continue;
        };
        if let Some(ad) = host_matches(host, &ad_hosts) {
            let el = page.el(l.element);
            let what = match l.kind {
                LinkKind::Script => lang.pick("广告脚本", "ad script"),
                LinkKind::Frame => lang.pick("广告框架", "ad frame"),
                _ => lang.pick("广告图片或媒体", "ad image or media"),
            };
            hits.push(
                Hit::at(
                    &el,
                    tr!(
                        lang,
                        "关怀版页面加载了{what}（广告服务 {ad}）：{}",
                        "the elder-care page loads an {what} (ad service {ad}): {}",
                        l.raw
                    ),
                )
                .with("kind", "ad")
                .with("host", ad),
            );
        }
    }
    // Ads: inline scripts that load ads.
    let inline: Vec<(El<'_>, String)> = inline_scripts(page)
        .map(|s| (s, s.text_content()))
        .collect();
    for (el, text) in &inline {
        let lower = text.to_ascii_lowercase();
        if let Some(ad) = ad_hosts
            .iter()
            .find(|h| lower.contains(h.as_str()))
            .cloned()
            .or_else(|| {
                lower
                    .contains("adsbygoogle")
                    .then(|| "googlesyndication.com".to_string())
            })
        {
            hits.push(
                Hit::at(
                    el,
                    tr!(
                        lang,
                        "关怀版页面的内联脚本加载广告（广告服务 {ad}）",
                        "an inline script of the elder-care page loads ads (ad service {ad})"
                    ),
                )
                .with("kind", "ad")
                .with("host", ad),
            );
        }
    }
    // Floating windows and pop-up layers.
    let mut moving_ids: Vec<String> = Vec::new();
    let mut any_moving = false;
    for (_, text) in &inline {
        if let Some(c) = FLOAT_LIB.captures(text)
            && let Some(id) = c.get(1)
        {
            moving_ids.push(id.as_str().to_string());
            any_moving = true;
        }
        if TIMER.is_match(text) && MOVING.is_match(text) {
            any_moving = true;
            for c in ID_REF.captures_iter(text) {
                if let Some(id) = c.get(1).or_else(|| c.get(2)) {
                    moving_ids.push(id.as_str().to_string());
                }
            }
        }
    }
    let float_script = page.links().iter().any(|l| {
        l.kind == LinkKind::Script
            && l.url
                .as_ref()
                .and_then(|u| u.path_segments().and_then(|mut s| s.next_back()))
                .is_some_and(|f| {
                    let f = f.to_ascii_lowercase();
                    f.contains("piao") || f.contains("float") || f.contains("admove")
                })
    });
    let mut reported: Vec<crate::page::ElementId> = Vec::new();
    for el in page.elements() {
        if el.is_hidden() || el.in_non_text() || !el.is_html() {
            continue;
        }
        let id = el.attr_trimmed("id").unwrap_or_default();
        let class = el.attr_trimmed("class").unwrap_or_default();
        let moving = !id.is_empty() && moving_ids.contains(&id);
        let pos = position_of(&el);
        let positioned = matches!(pos.as_deref(), Some("fixed" | "absolute"));
        let named = FLOAT_NAME.is_match(&id) || FLOAT_NAME.is_match(&class);
        let candidate = moving
            || (positioned
                && named
                && (any_moving || float_script || pos.as_deref() == Some("fixed")));
        if !candidate || reported.iter().any(|r| page.el(*r).contains(&el)) {
            continue;
        }
        if el.descendants().next().is_none() && el.visible_text().is_empty() {
            continue;
        }
        if has_close_control(&el) {
            continue;
        }
        reported.push(el.id());
        let what = if moving || any_moving || float_script {
            lang.pick("浮动窗口（飘窗）", "floating window (飘窗)")
        } else {
            lang.pick("弹出层", "pop-up layer")
        };
        hits.push(
            Hit::at(
                &el,
                tr!(
                    lang,
                    "关怀版页面有{what}，且没有关闭按钮",
                    "the elder-care page has a {what} without a close control"
                ),
            )
            .with("kind", "floating"),
        );
    }
    // Hidden layers a load-time script shows (弹窗公告).
    for (_, text) in &inline {
        let shown: Vec<(usize, String)> = SHOWN
            .captures_iter(text)
            .filter_map(|c| {
                let m = c.get(0)?;
                let id = c.get(1).or_else(|| c.get(2))?;
                Some((m.start(), id.as_str().to_string()))
            })
            .collect();
        let positions: Vec<usize> = shown.iter().map(|(p, _)| *p).collect();
        for ((_, id), at_load) in shown.iter().zip(runs_at_load(text, &positions)) {
            if !at_load {
                continue;
            }
            let Some(el) = page.element_by_id(id) else {
                continue;
            };
            if reported
                .iter()
                .any(|r| *r == el.id() || page.el(*r).contains(&el))
                || has_close_control(&el)
            {
                continue;
            }
            reported.push(el.id());
            hits.push(
                Hit::at(
                    &el,
                    tr!(
                        lang,
                        "关怀版页面加载时由脚本弹出 #{id}，且没有关闭按钮",
                        "a script of the elder-care page pops up #{id} at load, without a close control"
                    ),
                )
                .with("kind", "popup"),
            );
        }
    }
    // Windows opened and redirects made at load.
    for b in page.elements_named_any(&["body", "frameset"]) {
        if let Some(onload) = b.attr("onload")
            && onload.contains("window.open")
        {
            hits.push(
                Hit::at(
                    &b,
                    tr!(
                        lang,
                        "关怀版页面加载时弹出新窗口（onload 调用 window.open）",
                        "the elder-care page opens a window when it loads (onload calls window.open)"
                    ),
                )
                .with("kind", "popup"),
            );
        }
    }
    for (el, text) in &inline {
        let opens: Vec<usize> = text.match_indices("window.open(").map(|(p, _)| p).collect();
        if first_at_load(text, &opens).is_some() {
            hits.push(
                Hit::at(
                    el,
                    tr!(
                        lang,
                        "关怀版页面的脚本在加载时弹出新窗口（window.open）",
                        "a script of the elder-care page opens a window at load (window.open)"
                    ),
                )
                .with("kind", "popup"),
            );
        }
        let redirects: Vec<regex::Match<'_>> = TIMED_REDIRECT.find_iter(text).collect();
        let starts: Vec<usize> = redirects.iter().map(regex::Match::start).collect();
        if let Some(m) =
            first_at_load(text, &starts).and_then(|p| redirects.iter().find(|m| m.start() == p))
        {
            hits.push(
                Hit::at(
                    el,
                    tr!(
                        lang,
                        "关怀版页面的脚本定时跳转：{}",
                        "a script of the elder-care page redirects after a delay: {}",
                        crate::dom::truncate_chars(m.as_str(), 60)
                    ),
                )
                .with("kind", "timed-redirect"),
            );
        }
    }
    for m in page.elements_named("meta") {
        let is_refresh = m
            .attr("http-equiv")
            .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"));
        if !is_refresh {
            continue;
        }
        let content = m.attr_trimmed("content").unwrap_or_default();
        let delay = META_DELAY
            .captures(&content)
            .and_then(|c| c.get(1))
            .and_then(|d| d.as_str().parse::<f64>().ok())
            .unwrap_or(0.0);
        if delay <= 0.0 {
            continue;
        }
        let redirect = content.to_ascii_lowercase().contains("url");
        let msg = if redirect {
            tr!(
                lang,
                "关怀版页面在 {delay} 秒后自动跳转（<meta http-equiv=refresh content=\"{content}\">）",
                "the elder-care page redirects after {delay} s (<meta http-equiv=refresh content=\"{content}\">)"
            )
        } else {
            tr!(
                lang,
                "关怀版页面每 {delay} 秒自动刷新（<meta http-equiv=refresh content=\"{content}\">）",
                "the elder-care page reloads itself every {delay} s (<meta http-equiv=refresh content=\"{content}\">)"
            )
        };
        hits.push(Hit::at(&m, msg).with("kind", "timed-redirect"));
    }
    hits
}

/// `elder/induced-buttons`: buttons and links that push downloads or payments.
pub fn check_induced_buttons(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let words = cx.options.elder.induced_texts();
    let mut hits = Vec::new();
    let mut reported: Vec<crate::page::ElementId> = Vec::new();
    for el in page.elements() {
        if el.is_hidden() || el.in_non_text() {
            continue;
        }
        let interactive = match el.name() {
            "a" | "button" => true,
            "input" => el.attr("type").is_some_and(|t| {
                matches!(
                    t.trim().to_ascii_lowercase().as_str(),
                    "button" | "submit" | "image"
                )
            }),
            _ => {
                el.attr("role").is_some_and(|r| r.trim() == "button")
                    || (el.has_attr("onclick") && el.visible_text().chars().count() <= 20)
            }
        };
        if !interactive || reported.iter().any(|r| page.el(*r).contains(&el)) {
            continue;
        }
        let found = labels(&el).into_iter().find_map(|l| {
            let norm = l.nfkc().collect::<String>().to_lowercase();
            let compact: String = norm.split_whitespace().collect();
            words
                .iter()
                .find(|w| compact.contains(&w.split_whitespace().collect::<String>()))
                .map(|w| (l.clone(), w.clone()))
        });
        if let Some((label, word)) = found {
            reported.push(el.id());
            hits.push(
                Hit::at(
                    &el,
                    tr!(
                        cx.lang,
                        "关怀版页面有诱导式按键「{}」（含“{word}”）",
                        "the elder-care page has an induced button \"{}\" (contains \"{word}\")",
                        crate::dom::truncate_chars(&label, 30)
                    ),
                )
                .with("text", word),
            );
        }
    }
    hits
}

/// `elder/zoom-blocked`: the viewport forbids zooming (`user-scalable=no`, `maximum-scale` < 2).
pub fn check_zoom_blocked(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for m in page.elements_named("meta") {
        let is_viewport = m
            .attr("name")
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("viewport"));
        if !is_viewport {
            continue;
        }
        let content = m.attr_trimmed("content").unwrap_or_default();
        let mut reasons = Vec::new();
        for part in content.split([',', ';']) {
            let Some((k, v)) = part.split_once('=') else {
                continue;
            };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
            match k.as_str() {
                "user-scalable" if matches!(v.as_str(), "no" | "0" | "false") => {
                    reasons.push(format!("user-scalable={v}"));
                }
                "maximum-scale" => {
                    if let Ok(n) = v.parse::<f64>()
                        && n < 2.0
                    {
                        reasons.push(format!("maximum-scale={v}"));
                    }
                }
                _ => {}
            }
        }
        if reasons.is_empty() {
            continue;
        }
        let what = reasons.join(", ");
        hits.push(
            Hit::at(
                &m,
                tr!(
                    cx.lang,
                    "关怀版页面禁止缩放（{what}），老年用户无法放大文字",
                    "the elder-care page blocks zooming ({what}), so older users cannot enlarge the text"
                ),
            )
            .with("viewport", content.clone()),
        );
    }
    hits
}

fn fmt_num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `elder/font-size`: the base font size the CSS states is below the minimum.
pub fn check_font_size(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let typo = css::base_typography(page, cx);
    let min = cx.options.elder.min_font_size();
    let Some(fs) = typo.font_size else {
        return Vec::new();
    };
    if fs.value + 1e-9 >= min {
        return Vec::new();
    }
    let mut h = Hit::page(tr!(
        cx.lang,
        "关怀版页面的基础字号为 {}px（{}，见 {}），小于 {}px",
        "the elder-care page's base font size is {}px ({}, in {}), below {}px",
        fmt_num(fs.value),
        fs.declaration,
        fs.source,
        fmt_num(min)
    ))
    .with("font_size_px", fs.value)
    .with("minimum_px", min);
    h.evidence = Some("stylesheet".into());
    vec![h]
}

/// `elder/line-height`: the base line height the CSS states is below the minimum.
pub fn check_line_height(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let typo = css::base_typography(page, cx);
    let min = cx.options.elder.min_line_height();
    let Some(lh) = typo.line_height else {
        return Vec::new();
    };
    if lh.value + 1e-9 >= min {
        return Vec::new();
    }
    let mut h = Hit::page(tr!(
        cx.lang,
        "关怀版页面的行高为字号的 {} 倍（{}，见 {}），小于 {} 倍",
        "the elder-care page's line height is {}× the font size ({}, in {}), below {}×",
        fmt_num(lh.value),
        lh.declaration,
        lh.source,
        fmt_num(min)
    ))
    .with("line_height", lh.value)
    .with("minimum", min);
    h.evidence = Some("stylesheet".into());
    vec![h]
}

/// How far up inline styles are looked for (bounds the work on deeply nested pages).
const MAX_ANCESTORS: usize = 64;

fn inline_decl(el: &El<'_>, props: &[&str]) -> Option<String> {
    let style = el.attr("style")?;
    crate::dom::parse_inline_style(&style)
        .into_iter()
        .rev()
        .find(|(p, _)| props.contains(&p.as_str()))
        .map(|(_, v)| v)
}

/// The background colour behind an element from inline styles: its own or the nearest
/// ancestor's; `None` when unknown (no inline background, or an image or gradient).
fn inline_background(el: &El<'_>) -> Option<(css::Rgb, String)> {
    for e in std::iter::once(*el)
        .chain(el.ancestors())
        .take(MAX_ANCESTORS)
    {
        if let Some(v) = inline_decl(&e, &["background-color", "background"]) {
            let lower = v.to_ascii_lowercase();
            if lower.contains("url(") || lower.contains("gradient") {
                return None;
            }
            // `background: #fff url(x) no-repeat` was excluded above; take the colour token.
            let color = lower
                .split_whitespace()
                .find_map(|t| parse_color(t).map(|c| (c, t.to_string())))
                .or_else(|| parse_color(&lower).map(|c| (c, lower.clone())));
            return color;
        }
    }
    None
}

/// `elder/contrast`: text whose inline colour and known background contrast too little.
pub fn check_contrast(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let opts = &cx.options.elder;
    let mut hits = Vec::new();
    for el in page.elements() {
        if el.is_hidden() || el.in_non_text() || el.visible_text().is_empty() {
            continue;
        }
        let Some(fg_raw) = inline_decl(&el, &["color"]) else {
            continue;
        };
        let Some(fg) = parse_color(&fg_raw) else {
            continue;
        };
        let Some((bg, bg_raw)) = inline_background(&el) else {
            continue;
        };
        let mut size_px = 16.0;
        let mut bold = false;
        for e in std::iter::once(el)
            .chain(el.ancestors())
            .take(MAX_ANCESTORS)
        {
            if let Some(v) = inline_decl(&e, &["font-size"])
                && let Some(px) = css::length_px(&v, 16.0, 16.0)
            {
                size_px = px;
                break;
            }
        }
        for e in std::iter::once(el)
            .chain(el.ancestors())
            .take(MAX_ANCESTORS)
        {
            if let Some(w) = inline_decl(&e, &["font-weight"]) {
                let w = w.to_ascii_lowercase();
                bold = w == "bold" || w == "bolder" || w.parse::<u32>().is_ok_and(|n| n >= 700);
                break;
            }
        }
        if matches!(el.name(), "b" | "strong" | "h1" | "h2" | "h3" | "th") {
            bold = true;
        }
        let large = size_px >= 24.0 || (bold && size_px >= 18.66);
        let min = if large {
            opts.min_contrast_large()
        } else {
            opts.min_contrast()
        };
        let ratio = css::contrast(fg, bg);
        if ratio + 1e-9 >= min {
            continue;
        }
        let r = fmt_num((ratio * 100.0).floor() / 100.0);
        hits.push(
            Hit::at(
                &el,
                tr!(
                    cx.lang,
                    "关怀版页面文字颜色 {fg_raw} 与背景 {bg_raw} 的对比度为 {r}:1，低于 {}:1",
                    "on the elder-care page, text colour {fg_raw} on background {bg_raw} has a contrast of {r}:1, below {}:1",
                    fmt_num(min)
                ),
            )
            .with("ratio", ratio)
            .with("minimum", min),
        );
    }
    hits
}

static CAPTCHA_SRC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)captcha|kaptcha|yzm|验证码|checkcode|validatecode|validcode|vcode|verify_?code|verifyimg|imgcode|randcode|authcode|verify\.(?:jpg|png|gif|do|aspx|php|jsp|action)")
        .expect("static regex")
});
static CAPTCHA_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)captcha|yzm|验证码|checkcode|validatecode|vcode|verify_?code|verify-?img|code_?img",
    )
    .expect("static regex")
});
static AUDIO_ALT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)语音|音频|audio|朗读|听取|播放验证码").expect("static regex")
});

/// `elder/captcha-no-alternative`: a CAPTCHA image with no non-visual (audio) alternative.
pub fn check_captcha(page: &Page, cx: &CheckCx<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for img in page.elements_named_any(&["img", "input"]) {
        if img.is_hidden() || img.in_non_text() {
            continue;
        }
        if img.name() == "input"
            && !img
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("image"))
        {
            continue;
        }
        let src = img.attr_trimmed("src").unwrap_or_default();
        let attrs = ["id", "class", "name", "alt", "title"]
            .iter()
            .filter_map(|a| img.attr_trimmed(a))
            .collect::<Vec<_>>()
            .join(" ");
        if !(CAPTCHA_SRC.is_match(&src) || CAPTCHA_ATTR.is_match(&attrs)) {
            continue;
        }
        let scope = img.closest("form").or_else(|| page.body());
        let has_alt = scope.is_some_and(|s| {
            s.descendants().any(|d| {
                d.name() == "audio"
                    || labels(&d).iter().any(|l| AUDIO_ALT.is_match(l))
                    || d.attr("onclick").is_some_and(|c| AUDIO_ALT.is_match(&c))
            })
        });
        if has_alt {
            continue;
        }
        hits.push(Hit::at(
            &img,
            tr!(
                cx.lang,
                "关怀版页面的图片验证码没有非视觉替代（如语音验证码）；放大 2 倍以上的支持也无法静态核实",
                "the elder-care page's image CAPTCHA has no non-visual alternative (such as an audio code); support for 2× magnification cannot be verified statically either"
            ),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    fn check(f: fn(&Page, &CheckCx<'_>) -> Vec<Hit>, html: &str) -> Vec<Hit> {
        let page = Page::from_html(html, "https://www.x.gov.cn/elder/index.html");
        let options = crate::config::AuditOptions::default();
        let services = crate::services::Services::offline();
        let site = testing::site("https://www.x.gov.cn/");
        let cx = CheckCx {
            lang: crate::i18n::Lang::En,
            options: &options,
            services: &services,
            site: &site,
        };
        f(&page, &cx)
    }

    #[test]
    fn floating_windows() {
        let float = r#"<div id="float_ad" style="position:absolute;left:0;top:0"><a href="/x"><img src="ad.gif" alt="专题"></a></div>
            <script>var x=0;setInterval(function(){x++;document.getElementById('float_ad').style.left=x+'px';},30);</script>"#;
        assert_eq!(check(check_ads_or_popups, float).len(), 1);
        let closable = r#"<div id="float_ad" style="position:absolute"><a href="/x"><img src="ad.gif" alt="专题"></a><span onclick="this.parentNode.style.display='none'">关闭</span></div>
            <script>setInterval(function(){document.getElementById('float_ad').style.left=1+'px';},30);</script>"#;
        assert!(check(check_ads_or_popups, closable).is_empty());
        let back_to_top = r##"<a href="#top" class="back-top" style="position:fixed;right:20px;bottom:60px">返回顶部</a>
            <div class="header" style="position:fixed;top:0">导航</div>"##;
        assert!(check(check_ads_or_popups, back_to_top).is_empty());
        let ad = r#"<script src="https://pos.baidu.com/s?x=1"></script>"#;
        assert_eq!(check(check_ads_or_popups, ad).len(), 1);
    }

    #[test]
    fn popups_and_redirects_at_load() {
        let at_load = "<script>window.onload=function(){window.open('/notice.html');};</script>";
        assert_eq!(check(check_ads_or_popups, at_load).len(), 1);
        let on_click = "<script>function openWin(){window.open('/a.html');}\
            document.getElementById('b').onclick = function(){window.open('/b.html');};\
            $('#c').click(function(){ window.open('/c.html'); });</script>";
        assert!(check(check_ads_or_popups, on_click).is_empty());
        let refresh = r#"<meta http-equiv="refresh" content="5; url=/index.html">"#;
        assert_eq!(check(check_ads_or_popups, refresh).len(), 1);
        let instant = r#"<meta http-equiv="refresh" content="0; url=/index.html">"#;
        assert!(check(check_ads_or_popups, instant).is_empty());
        let arrow_click = "<script>var tip='中文提示中文提示中文提示中文提示中文提示中文提示中文提示中文提示中文提示';\
            btn.addEventListener('click', () => { window.open('/x'); });\
            $('#d').on('click', e => { window.open('/y'); });</script>";
        assert!(check(check_ads_or_popups, arrow_click).is_empty());
        let shown = "<div id='tc' style='display:none;position:fixed'>公告内容</div>\
            <script>setTimeout(function(){ document.getElementById('tc').style.display='block'; }, 2000);</script>";
        assert_eq!(check(check_ads_or_popups, shown).len(), 1);
        let shown_closable = "<div id='tc' style='display:none'>公告<a href='#' onclick='hideTc()'>关闭</a></div>\
            <script>$(function(){ $('#tc').show(); });</script>";
        assert!(check(check_ads_or_popups, shown_closable).is_empty());
        let on_demand = "<div id='tc' style='display:none'>公告</div>\
            <script>function openTc(){ $('#tc').show(); }</script>";
        assert!(check(check_ads_or_popups, on_demand).is_empty());
        let timed = "<script>setTimeout(function(){ location.href='/old.html'; }, 3000);</script>";
        assert_eq!(check(check_ads_or_popups, timed).len(), 1);
    }

    #[test]
    fn zoom_induced_captcha() {
        assert_eq!(
            check(
                check_zoom_blocked,
                r#"<meta name="viewport" content="width=device-width, maximum-scale=1.0, user-scalable=no">"#
            )
            .len(),
            1
        );
        assert!(
            check(
                check_zoom_blocked,
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            )
            .is_empty()
        );
        assert_eq!(
            check(
                check_induced_buttons,
                "<a href='/app'>立即下载 APP</a><p>立即下载</p>"
            )
            .len(),
            1
        );
        assert_eq!(
            check(
                check_captcha,
                "<form><input name=code><img src='/captcha.jpg' alt='验证码'></form>"
            )
            .len(),
            1
        );
        assert!(
            check(
                check_captcha,
                "<form><img src='/captcha.jpg'><a href='#' onclick='playAudio()'>语音验证码</a></form>"
            )
            .is_empty()
        );
    }

    #[test]
    fn typography_and_contrast() {
        let small = "<style>body{font:12px/1.5 SimSun}</style><p>x</p>";
        assert_eq!(check(check_font_size, small).len(), 1);
        assert!(check(check_line_height, small).is_empty());
        let tight = "<style>html{font-size:20px} body{line-height:22px}</style><p>x</p>";
        assert!(check(check_font_size, tight).is_empty());
        assert_eq!(check(check_line_height, tight).len(), 1);
        assert!(check(check_font_size, "<p>no css</p>").is_empty());
        let low = "<div style='background:#fff'><p style='color:#999'>灰色文字</p><p style='color:#333'>深色</p></div>";
        assert_eq!(check(check_contrast, low).len(), 1);
        let large = "<div style='background-color:#fff'><p style='color:#888;font-size:28px'>大字</p></div>";
        assert!(check(check_contrast, large).is_empty());
        let unknown = "<p style='color:#fff'>白字（背景由样式表决定）</p>";
        assert!(check(check_contrast, unknown).is_empty());
    }
}
