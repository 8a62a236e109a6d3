//! Alternative text of images (WCAG 1.1.1): `a11y/image-alt`, `a11y/image-alt-meaningless`,
//! `a11y/input-image-alt`, `a11y/area-alt`.
//!
//! Exemptions follow axe-core: images that are not rendered, hidden from assistive technology
//! (`aria-hidden`), or presentational (`role="presentation"` / `role="none"`) need no text; an
//! `aria-label`, an `aria-labelledby` pointing at text, or a `title` also name an image.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::{Family, PageCx, Rule, a11y};
use crate::page::{El, Page};
use crate::tr;

/// The family's rules.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(ImageAlt),
            Box::new(ImageAltMeaningless),
            Box::new(InputImageAlt),
            Box::new(AreaAlt),
        ],
        ..Family::default()
    }
}

/// Words that say only "this is a picture" (compared after NFKC and lower-casing).
pub const MEANINGLESS_WORDS: &[&str] = &[
    "图片",
    "图像",
    "照片",
    "图",
    "图标",
    "相片",
    "插图",
    "配图",
    // Traditional forms (繁体版 pages, big5 gateways).
    "圖片",
    "圖像",
    "圖",
    "圖標",
    "插圖",
    "配圖",
    "無標題",
    "image",
    "img",
    "pic",
    "photo",
    "picture",
    "graphic",
    "icon",
    "logo",
    "banner",
    "spacer",
    "null",
    "undefined",
    "alt",
    "untitled",
    "无标题",
    "未命名",
    "default",
];

static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[^\s/\\]+\.(?:jpe?g|png|gif|bmp|webp|svg|tiff?|ico|avif)$")
        .expect("static regex")
});
static CAMERA_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:img|dsc|dscn|dscf|pic|p|image|photo|wx_camera|mmexport)[_\-]?[0-9]{3,}$")
        .expect("static regex")
});
static URL_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:https?:|ftp:|//|www\.|\.{0,2}/)\S*$").expect("static regex")
});

/// Why an alt text says nothing, if it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaningless {
    /// A generic word (图片, image...).
    GenericWord,
    /// A file name (`banner.png`, `IMG_2031.jpg`).
    FileName,
    /// A URL or path.
    Url,
    /// Only digits and punctuation.
    DigitsOrPunctuation,
}

/// Classifies an alt text; `None` when it may carry meaning. `src` is the image's source, to
/// catch an alt that repeats the file name.
pub fn classify_alt(alt: &str, src: Option<&str>) -> Option<Meaningless> {
    let norm: String = alt.nfkc().collect::<String>().trim().to_lowercase();
    if norm.is_empty() {
        return None;
    }
    if MEANINGLESS_WORDS.contains(&norm.as_str()) {
        return Some(Meaningless::GenericWord);
    }
    if URL_LIKE.is_match(&norm) && (norm.contains('/') || norm.starts_with("www.")) {
        return Some(Meaningless::Url);
    }
    if FILE_NAME.is_match(&norm) || CAMERA_NAME.is_match(&norm) {
        return Some(Meaningless::FileName);
    }
    if let Some(src) = src {
        let file = src.rsplit(['/', '\\']).next().unwrap_or(src).to_lowercase();
        let stem = file.split('.').next().unwrap_or(&file);
        if !stem.is_empty()
            && (norm == file || norm == stem)
            && stem.chars().any(|c| c.is_ascii_alphanumeric())
        {
            return Some(Meaningless::FileName);
        }
    }
    if norm.chars().all(|c| {
        c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace() || is_cjk_punct(c)
    }) {
        return Some(Meaningless::DigitsOrPunctuation);
    }
    None
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff20}' | '…' | '—' | '·')
}

/// Whether the element is exempt: hidden from assistive technology (not rendered, including
/// by a `<style>` rule, `aria-hidden`, `inert`), or presentational (`role="presentation"` /
/// `role="none"` that holds: not on a focusable element or one with global ARIA attributes).
fn exempt(el: &El<'_>) -> bool {
    let ix = a11y::index(el.page());
    ix.sr_hidden(el.id()) || ix.is_presentational(el.id())
}

/// Whether `aria-labelledby` (pointing at non-empty text), `aria-label` or `title` name the
/// element: its accessible name ([`a11y::names::accessible_name`]) apart from `alt`.
pub fn has_aria_name_or_title(el: &El<'_>) -> bool {
    let name = a11y::names::accessible_name(el);
    !name.is_empty() && name.source != a11y::names::Source::Alt
}

fn src_of(el: &El<'_>, lang: crate::i18n::Lang) -> String {
    el.attr("src")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| lang.pick("（无 src）", "(no src)").to_string())
}

/// `a11y/image-alt`: `<img>` without an `alt` attribute (or with an alt of spaces only).
pub struct ImageAlt;

impl Rule for ImageAlt {
    fn id(&self) -> &'static str {
        "a11y/image-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named("img") {
            if !el.is_html() || exempt(&el) {
                continue;
            }
            let src = src_of(&el, cx.lang);
            match el.attr("alt") {
                Some(alt) if alt.is_empty() => {}
                Some(alt)
                    if alt
                        .trim_matches([' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}'])
                        .is_empty() =>
                {
                    drop(alt);
                    if !has_aria_name_or_title(&el) {
                        let msg = tr!(
                            cx.lang,
                            "图片的 alt 只有空格：{src}（装饰性图片请用 alt=\"\"，有内容的图片请写明含义）",
                            "image alt is only spaces: {src} (use alt=\"\" for decoration, or describe the image)"
                        );
                        cx.report(&el, msg);
                    }
                }
                Some(_) => {}
                None => {
                    if has_aria_name_or_title(&el) {
                        continue;
                    }
                    let msg = tr!(
                        cx.lang,
                        "图片缺少 alt 属性：{src}",
                        "image has no alt attribute: {src}"
                    );
                    cx.report(&el, msg);
                }
            }
        }
    }
}

/// `a11y/image-alt-meaningless`: an alt text that says nothing (图片, a file name, a URL,
/// digits).
pub struct ImageAltMeaningless;

impl Rule for ImageAltMeaningless {
    fn id(&self) -> &'static str {
        "a11y/image-alt-meaningless"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let candidates = page
            .elements_named("img")
            .chain(page.elements_named("input").filter(|e| {
                e.attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("image"))
            }))
            .chain(page.elements_named("area"));
        for el in candidates {
            if !el.is_html() || exempt(&el) {
                continue;
            }
            let Some(alt) = el.attr_trimmed("alt") else {
                continue;
            };
            let src = el.attr_trimmed("src");
            let Some(kind) = classify_alt(&alt, src.as_deref()) else {
                continue;
            };
            let what = match kind {
                Meaningless::GenericWord => tr!(cx.lang, "只是泛称", "is a generic word"),
                Meaningless::FileName => tr!(cx.lang, "是文件名", "is a file name"),
                Meaningless::Url => tr!(cx.lang, "是网址", "is a URL"),
                Meaningless::DigitsOrPunctuation => {
                    tr!(cx.lang, "只有数字或标点", "is only digits or punctuation")
                }
            };
            let src = src.unwrap_or_else(|| el.attr_trimmed("href").unwrap_or_default());
            let msg = tr!(
                cx.lang,
                "替代文本“{alt}”{what}，不能说明图片内容：{src}",
                "alt text \"{alt}\" {what} and does not describe the image: {src}"
            );
            let f = cx.report(&el, msg);
            f.data.insert("alt".into(), alt.into());
        }
    }
}

/// `a11y/input-image-alt`: `<input type="image">` without alternative text.
pub struct InputImageAlt;

impl Rule for InputImageAlt {
    fn id(&self) -> &'static str {
        "a11y/input-image-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named("input") {
            let is_image = el
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("image"));
            if !is_image || a11y::index(page).sr_hidden(el.id()) {
                continue;
            }
            let has_alt = el.attr("alt").is_some_and(|a| !a.trim().is_empty());
            if has_alt || has_aria_name_or_title(&el) {
                continue;
            }
            let src = src_of(&el, cx.lang);
            let msg = tr!(
                cx.lang,
                "图片按钮（input type=image）缺少替代文本：{src}",
                "image button (input type=image) has no alternative text: {src}"
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/area-alt`: an `<area href>` of an image map without alternative text.
pub struct AreaAlt;

impl Rule for AreaAlt {
    fn id(&self) -> &'static str {
        "a11y/area-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        for el in page.elements_named("area") {
            if !el.has_attr("href")
                || a11y::index(page).sr_hidden(el.id())
                || el.closest("map").is_none()
            {
                continue;
            }
            let has_alt = el.attr("alt").is_some_and(|a| !a.trim().is_empty());
            if has_alt || has_aria_name_or_title(&el) {
                continue;
            }
            let href = el.attr_trimmed("href").unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "图片热区（area）缺少替代文本，链接到：{href}",
                "image map area has no alternative text; it links to: {href}"
            );
            cx.report(&el, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::rule_ids;

    fn ids(html: &str) -> Vec<String> {
        rule_ids(family().rules, html)
    }

    #[test]
    fn missing_alt_is_reported_with_src() {
        let page = Page::from_html("<p><img src='banner.jpg'></p>", "https://x.gov.cn/");
        let f = crate::rules::testing::run_rules(family().rules, &page);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "a11y/image-alt");
        assert!(f[0].message.contains("banner.jpg"));
        assert_eq!(f[0].snippet.as_deref(), Some("<img src=\"banner.jpg\">"));
    }

    #[test]
    fn decorative_hidden_and_presentational_images_pass() {
        assert!(ids("<img src=a.png alt=''>").is_empty());
        assert!(ids("<img src=a.png role=presentation>").is_empty());
        assert!(ids("<img src=a.png role='none'>").is_empty());
        assert!(ids("<img src=a.png aria-hidden=true>").is_empty());
        assert!(ids("<div aria-hidden='true'><img src=a.png></div>").is_empty());
        assert!(ids("<div style='display:none'><img src=a.png></div>").is_empty());
        assert!(ids("<img src=a.png hidden>").is_empty());
        assert!(ids("<img src=a.png title='开平碉楼'>").is_empty());
        assert!(ids("<img src=a.png aria-label='开平碉楼'>").is_empty());
        assert!(ids("<span id=l>开平碉楼</span><img src=a.png aria-labelledby=l>").is_empty());
        // An image inside <noscript> is text when scripting is on, as in browsers.
        assert!(ids("<noscript><img src=a.png></noscript>").is_empty());
    }

    #[test]
    fn labelledby_to_nothing_does_not_count() {
        assert_eq!(
            ids("<img src=a.png aria-labelledby=nope>"),
            vec!["a11y/image-alt"]
        );
        assert_eq!(ids("<img src=a.png alt='  '>"), vec!["a11y/image-alt"]);
    }

    #[test]
    fn meaningless_alts() {
        for alt in [
            "图片",
            "图像",
            "照片",
            "圖片",
            "image",
            "IMG",
            "Pic",
            "photo",
            "picture",
            "IMG_2031.jpg",
            "banner.png",
            "DSC00123",
            "https://www.gov.cn/a.png",
            "123",
            "---",
            "。。。",
        ] {
            assert_eq!(
                ids(&format!("<img src=x.png alt='{alt}'>")),
                vec!["a11y/image-alt-meaningless"],
                "alt={alt}"
            );
        }
        assert_eq!(
            ids("<img src='/u/kp2023.jpg' alt='kp2023'>"),
            vec!["a11y/image-alt-meaningless"]
        );
        assert_eq!(
            ids("<input type=image src=go.gif alt='go.gif'>"),
            vec!["a11y/image-alt-meaningless"]
        );
    }

    #[test]
    fn meaningful_alts_pass() {
        for alt in [
            "开平碉楼",
            "中国政府网logo",
            "2023年政府工作报告",
            "党政机关网站标识",
            "Photo of the county hall",
            "图片新闻：春耕",
            "10月1日国庆升旗",
        ] {
            assert!(
                ids(&format!("<img src=x.png alt='{alt}'>")).is_empty(),
                "alt={alt}"
            );
        }
        // Presentational or hidden images are not judged on their alt.
        assert!(ids("<img src=x.png alt='图片' role=presentation>").is_empty());
    }

    #[test]
    fn input_image_and_area() {
        assert_eq!(
            ids("<input type=image src=search.gif>"),
            vec!["a11y/input-image-alt"]
        );
        assert_eq!(
            ids("<input type=IMAGE src=search.gif alt=''>"),
            vec!["a11y/input-image-alt"]
        );
        assert!(ids("<input type=image src=search.gif alt='搜索'>").is_empty());
        assert!(ids("<input type=image src=search.gif title='搜索'>").is_empty());
        assert!(ids("<input type=text>").is_empty());
        assert_eq!(
            ids(
                "<img src=m.png usemap=#m alt='地图'><map name=m><area href=/a.html coords='0,0,1,1'></map>"
            ),
            vec!["a11y/area-alt"]
        );
        assert!(ids("<map name=m><area href=/a.html alt='开平'><area nohref></map>").is_empty());
        assert!(ids("<map name=m><area href=/a.html aria-label='开平'></map>").is_empty());
    }
}
