//! The document as a whole: language (`a11y/html-has-lang`, `a11y/html-lang-valid`,
//! `a11y/valid-lang`), title (`a11y/document-title`, govaudit's site rule
//! `a11y/document-title-duplicate`), `<meta>` refresh and viewport (`a11y/meta-refresh`,
//! `a11y/meta-refresh-no-exceptions`, `a11y/meta-viewport`) and frames (`a11y/frame-title`,
//! `a11y/frame-title-unique`).

use std::collections::BTreeMap;

use super::names::accessible_name;
use super::{exempt, index, short};
use crate::catalog::Scope;
use crate::page::{El, Page};
use crate::rules::{PageCx, Rule, SiteCx, SiteData};
use crate::tr;

/// ISO 639-1 two-letter language codes.
static ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Why a language tag is invalid, if it is.
pub fn lang_problem(tag: &str) -> Option<&'static str> {
    let t = tag.trim();
    if t.is_empty() {
        return None;
    }
    if t.contains('_') {
        return Some("underscore");
    }
    let mut parts = t.split('-');
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    if !parts.all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Some("syntax");
    }
    let ok = match primary.len() {
        2 => ISO_639_1.contains(&primary.as_str()),
        3 => primary.bytes().all(|b| b.is_ascii_alphabetic()),
        _ => false,
    };
    (!ok).then_some("unknown")
}

fn lang_message(lang: crate::i18n::Lang, value: &str, problem: &str) -> String {
    let hint = match problem {
        "underscore" => lang.pick(
            "语言标记用连字符而不是下划线（应写 zh-CN）",
            "language tags use a hyphen, not an underscore (zh-CN)",
        ),
        "syntax" => lang.pick("语言标记格式不正确", "malformed language tag"),
        _ => lang.pick(
            "不是已知的语言代码（中文应为 zh、zh-CN、zh-Hans 等；cn 是国家代码）",
            "not a known language code (Chinese is zh, zh-CN, zh-Hans...; cn is a country code)",
        ),
    };
    tr!(
        lang,
        "lang=\"{value}\" 无效：{hint}",
        "lang=\"{value}\" is invalid: {hint}"
    )
}

fn html_el(page: &Page) -> Option<El<'_>> {
    page.html_element()
}

/// `a11y/html-has-lang`: `<html>` without a `lang` (or `xml:lang`) attribute: screen readers
/// guess the language and may read Chinese with an English voice.
pub struct HtmlHasLang;

impl Rule for HtmlHasLang {
    fn id(&self) -> &'static str {
        "a11y/html-has-lang"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(html) = html_el(page) else {
            return;
        };
        let has = ["lang", "xml:lang"]
            .iter()
            .any(|a| html.attr(a).is_some_and(|v| !v.trim().is_empty()));
        if !has {
            let msg = tr!(
                cx.lang,
                "<html> 没有 lang 属性（中文页面应为 lang=\"zh-CN\"）",
                "<html> has no lang attribute (a Chinese page should have lang=\"zh-CN\")"
            );
            cx.report(&html, msg);
        }
    }
}

/// `a11y/html-lang-valid`: the `lang` of `<html>` is not a valid BCP 47 language
/// (`lang="cn"`, `lang="zh_CN"`).
pub struct HtmlLangValid;

impl Rule for HtmlLangValid {
    fn id(&self) -> &'static str {
        "a11y/html-lang-valid"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(html) = html_el(page) else {
            return;
        };
        for attr in ["lang", "xml:lang"] {
            let Some(value) = html.attr_trimmed(attr) else {
                continue;
            };
            if let Some(problem) = lang_problem(&value) {
                let msg = lang_message(cx.lang, &value, problem);
                cx.report(&html, msg)
                    .data
                    .insert("lang".into(), value.into());
                return;
            }
        }
    }
}

/// `a11y/valid-lang`: a `lang` attribute on an element inside the page with an invalid value.
pub struct ValidLang;

impl Rule for ValidLang {
    fn id(&self) -> &'static str {
        "a11y/valid-lang"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            if el.name() == "html" || ix.sr_hidden(el.id()) {
                continue;
            }
            for attr in ["lang", "xml:lang"] {
                let Some(value) = el.attr_trimmed(attr) else {
                    continue;
                };
                if let Some(problem) = lang_problem(&value) {
                    let msg = lang_message(cx.lang, &value, problem);
                    cx.report(&el, msg).data.insert("lang".into(), value.into());
                    break;
                }
            }
        }
    }
}

/// `a11y/document-title`: no `<title>`, or an empty one.
pub struct DocumentTitle;

impl Rule for DocumentTitle {
    fn id(&self) -> &'static str {
        "a11y/document-title"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if page.title().is_some_and(|t| !t.trim().is_empty()) {
            return;
        }
        let exists = page.elements_named("title").any(|t| t.is_html());
        let msg = if exists {
            tr!(
                cx.lang,
                "页面的 <title> 是空的",
                "the page's <title> is empty"
            )
        } else {
            tr!(cx.lang, "页面没有 <title>", "the page has no <title>")
        };
        match page.elements_named("title").find(|t| t.is_html()) {
            Some(t) => {
                cx.report(&t, msg);
            }
            None => {
                cx.report_page(msg);
            }
        }
    }
}

/// `a11y/document-title-duplicate` (govaudit, site): the same `<title>` on several pages of a
/// site (by default 3 or more, `--a11y-duplicate-title-pages`): browser tabs, history and
/// screen readers cannot tell the pages apart (a CMS template that never sets the title).
pub struct DocumentTitleDuplicate;

impl Rule for DocumentTitleDuplicate {
    fn id(&self) -> &'static str {
        "a11y/document-title-duplicate"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let min = cx.options.a11y.duplicate_title_pages();
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in site.pages {
            let Some(title) = p.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            let name = p.path.clone().unwrap_or_else(|| p.url.clone());
            groups.entry(title.to_string()).or_default().push(name);
        }
        for (title, pages) in groups {
            if pages.len() < min {
                continue;
            }
            let n = pages.len();
            let shown = short(&title, 40);
            let msg = tr!(
                cx.lang,
                "{n} 个页面使用同一个标题“{shown}”",
                "{n} pages share the title \"{shown}\""
            );
            let f = cx.report(msg);
            f.count = Some(n);
            f.pages = pages;
            f.data.insert("title".into(), title.into());
        }
    }
}

/// The delay of a `<meta http-equiv="refresh">` (seconds), as axe-core reads it: the number
/// before the first `;`, `,` or space; `None` when it is not a number.
fn refresh_delay(content: &str) -> Option<f64> {
    let first = content.trim().split([';', ',', ' ', '\t', '\n']).next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    first.parse().ok()
}

fn refreshes(page: &Page) -> impl Iterator<Item = (El<'_>, String, f64)> + '_ {
    page.elements_named("meta").filter_map(|m| {
        let equiv = m.attr("http-equiv")?;
        if !equiv.trim().eq_ignore_ascii_case("refresh") {
            return None;
        }
        let content = m.attr_trimmed("content")?;
        let delay = refresh_delay(&content)?;
        Some((m, content, delay))
    })
}

/// Twenty hours: axe-core's limit above which a refresh is not a timing problem.
const REFRESH_LIMIT: f64 = 72_000.0;

/// `a11y/meta-refresh`: `<meta http-equiv="refresh">` with a delay (more than 0 seconds and
/// at most 20 hours): the page reloads or redirects before the user has finished. An
/// immediate redirect (`0;url=...`) is fine.
pub struct MetaRefresh;

impl Rule for MetaRefresh {
    fn id(&self) -> &'static str {
        "a11y/meta-refresh"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for (m, content, delay) in refreshes(page) {
            if delay <= 0.0 || delay > REFRESH_LIMIT {
                continue;
            }
            let what = if content.to_ascii_lowercase().contains("url") {
                cx.lang.pick("跳转", "redirects")
            } else {
                cx.lang.pick("刷新", "reloads")
            };
            let msg = tr!(
                cx.lang,
                "页面在 {delay} 秒后自动{what}（content=\"{content}\"），用户无法控制时间",
                "the page {what} automatically after {delay} s (content=\"{content}\"); users cannot control the timing"
            );
            cx.report(&m, msg);
        }
    }
}

/// `a11y/meta-refresh-no-exceptions` (AAA): any timed refresh, including ones longer than
/// 20 hours that `a11y/meta-refresh` lets pass.
pub struct MetaRefreshNoExceptions;

impl Rule for MetaRefreshNoExceptions {
    fn id(&self) -> &'static str {
        "a11y/meta-refresh-no-exceptions"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for (m, content, delay) in refreshes(page) {
            if delay <= REFRESH_LIMIT {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "页面设置了定时刷新（content=\"{content}\"）",
                "the page has a timed refresh (content=\"{content}\")"
            );
            cx.report(&m, msg);
        }
    }
}

/// What blocks zooming in a viewport `content`, if anything (axe-core's reading: an
/// unknown or sub-1 `user-scalable`, or a `maximum-scale` below 2).
pub fn viewport_problem(content: &str) -> Option<String> {
    for item in content.to_ascii_lowercase().split([',', ';']) {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || value.is_empty() {
            continue;
        }
        let num = value.parse::<f64>().ok();
        match key {
            "user-scalable" => {
                let unknown =
                    num.is_none() && !matches!(value, "yes" | "device-width" | "device-height");
                let off = num.is_some_and(|n| n > -1.0 && n < 1.0);
                if unknown || off {
                    return Some(format!("user-scalable={value}"));
                }
            }
            "maximum-scale" => {
                if num.is_some_and(|n| n < 0.0) {
                    continue;
                }
                let unknown = num.is_none() && !matches!(value, "device-width" | "device-height");
                if unknown || num.is_some_and(|n| n < 2.0) {
                    return Some(format!("maximum-scale={value}"));
                }
            }
            _ => {}
        }
    }
    None
}

/// `a11y/meta-viewport`: `<meta name="viewport">` that stops users zooming
/// (`user-scalable=no`, or `maximum-scale` below 2).
pub struct MetaViewport;

impl Rule for MetaViewport {
    fn id(&self) -> &'static str {
        "a11y/meta-viewport"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for m in page.elements_named("meta") {
            if !m
                .attr("name")
                .is_some_and(|n| n.trim().eq_ignore_ascii_case("viewport"))
            {
                continue;
            }
            let content = m.attr_trimmed("content").unwrap_or_default();
            if let Some(what) = viewport_problem(&content) {
                let msg = tr!(
                    cx.lang,
                    "viewport 设置了 {what}，用户无法放大页面（content=\"{content}\"）",
                    "the viewport sets {what}: users cannot zoom (content=\"{content}\")"
                );
                cx.report(&m, msg)
                    .data
                    .insert("blocking".into(), what.into());
            }
        }
    }
}

fn frames(page: &Page) -> Vec<El<'_>> {
    page.elements_named_any(&["iframe", "frame"])
}

fn negative_tabindex(el: &El<'_>) -> bool {
    el.attr("tabindex")
        .and_then(|t| t.trim().parse::<i64>().ok())
        .is_some_and(|t| t < 0)
}

/// `a11y/frame-title`: an `<iframe>`/`<frame>` with no `title` (or `aria-label`), so screen
/// readers announce only "frame".
pub struct FrameTitle;

impl Rule for FrameTitle {
    fn id(&self) -> &'static str {
        "a11y/frame-title"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in frames(page) {
            if exempt(&el, &ix) || negative_tabindex(&el) {
                continue;
            }
            if !accessible_name(&el).is_empty() {
                continue;
            }
            let src = el.attr_trimmed("src").unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "<{}> 没有 title 说明其内容：{src}",
                "<{}> has no title describing its content: {src}",
                el.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/frame-title-unique`: two frames with the same title but different content.
pub struct FrameTitleUnique;

impl Rule for FrameTitleUnique {
    fn id(&self) -> &'static str {
        "a11y/frame-title-unique"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut seen: BTreeMap<String, (String, bool)> = BTreeMap::new();
        for el in frames(page) {
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let Some(title) = el.attr_trimmed("title").filter(|t| !t.is_empty()) else {
                continue;
            };
            let key = crate::dom::collapse_whitespace(&title).to_lowercase();
            let src = el.attr_trimmed("src").unwrap_or_default();
            match seen.get_mut(&key) {
                None => {
                    seen.insert(key, (src, false));
                }
                Some((first_src, reported)) => {
                    if *first_src == src || *reported {
                        continue;
                    }
                    *reported = true;
                    let msg = tr!(
                        cx.lang,
                        "多个框架使用同一个 title“{title}”，但内容不同（{first_src} / {src}）",
                        "several frames share the title \"{title}\" but show different content ({first_src} / {src})"
                    );
                    cx.report(&el, msg);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in [
            "zh",
            "zh-CN",
            "zh-Hans",
            "zh-Hant-TW",
            "en",
            "EN-us",
            "zho",
            "yue",
        ] {
            assert_eq!(lang_problem(ok), None, "{ok}");
        }
        assert_eq!(lang_problem("cn"), Some("unknown"));
        assert_eq!(lang_problem("zh_CN"), Some("underscore"));
        assert_eq!(lang_problem("zh-"), Some("syntax"));
        assert_eq!(lang_problem("chinese"), Some("unknown"));
        assert_eq!(lang_problem("x"), Some("unknown"));
    }

    #[test]
    fn refresh_delays() {
        assert_eq!(refresh_delay("5; url=/a.html"), Some(5.0));
        assert_eq!(refresh_delay("0;URL=index.html"), Some(0.0));
        assert_eq!(refresh_delay("300"), Some(300.0));
        assert_eq!(refresh_delay("url=/a"), None);
    }

    #[test]
    fn viewport() {
        assert_eq!(
            viewport_problem("width=device-width, user-scalable=no").as_deref(),
            Some("user-scalable=no")
        );
        assert_eq!(
            viewport_problem("width=device-width,maximum-scale=1.0").as_deref(),
            Some("maximum-scale=1.0")
        );
        assert_eq!(
            viewport_problem("user-scalable=0").as_deref(),
            Some("user-scalable=0")
        );
        assert_eq!(
            viewport_problem("width=device-width, initial-scale=1"),
            None
        );
        assert_eq!(viewport_problem("maximum-scale=2, user-scalable=yes"), None);
        assert_eq!(viewport_problem("maximum-scale=-1"), None);
    }
}
