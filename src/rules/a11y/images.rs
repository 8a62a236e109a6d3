//! Non-text content beyond `<img alt>` (which is [`crate::rules::alt_text`]):
//! `a11y/role-img-alt`, `a11y/svg-img-alt`, `a11y/object-alt`, `a11y/image-redundant-alt`,
//! `a11y/server-side-image-map` (axe rules of the same names) and govaudit's
//! `a11y/captcha-alternative`.

use std::sync::LazyLock;

use regex::Regex;

use super::names::accessible_name;
use super::{exempt, index, input_type};
use crate::page::Page;
use crate::rules::{PageCx, Rule};
use crate::tr;

/// `a11y/role-img-alt`: an HTML element with `role="img"` (an icon drawn with CSS, a
/// background image) and no `aria-label`, `aria-labelledby` or `title`.
pub struct RoleImgAlt;

impl Rule for RoleImgAlt {
    fn id(&self) -> &'static str {
        "a11y/role-img-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            if !el.is_html()
                || matches!(el.name(), "img" | "area" | "input" | "object")
                || ix.sr_hidden(el.id())
            {
                continue;
            }
            let Some(r) = ix.explicit_role(el.id()) else {
                continue;
            };
            if !matches!(r.name(), "img" | "image") {
                continue;
            }
            if accessible_name(&el).is_empty() {
                let msg = tr!(
                    cx.lang,
                    "role=\"img\" 的元素没有 aria-label、aria-labelledby 或 title",
                    "element with role=\"img\" has no aria-label, aria-labelledby or title"
                );
                cx.report(&el, msg);
            }
        }
    }
}

/// `a11y/svg-img-alt`: an SVG element with `role="img"` (or `graphics-symbol`, or an `<svg>`
/// with `role="graphics-document"`) and no `<title>`, `aria-label`, `aria-labelledby` or
/// `title`.
pub struct SvgImgAlt;

impl Rule for SvgImgAlt {
    fn id(&self) -> &'static str {
        "a11y/svg-img-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            if el.is_html() || ix.sr_hidden(el.id()) {
                continue;
            }
            let Some(r) = ix.explicit_role(el.id()) else {
                continue;
            };
            let applies = matches!(r.name(), "img" | "image" | "graphics-symbol")
                || (r.name() == "graphics-document" && el.name() == "svg");
            if !applies || !accessible_name(&el).is_empty() {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "SVG 图形（role=\"{}\"）没有 <title>、aria-label 或 aria-labelledby",
                "SVG graphic (role=\"{}\") has no <title>, aria-label or aria-labelledby",
                r.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/object-alt`: an `<object data>` (a Flash or PDF embed) with no text alternative: no
/// fallback content, `aria-label`, `aria-labelledby` or `title`.
pub struct ObjectAlt;

impl Rule for ObjectAlt {
    fn id(&self) -> &'static str {
        "a11y/object-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("object") {
            if !el.has_attr("data") || exempt(&el, &ix) {
                continue;
            }
            if !accessible_name(&el).is_empty() {
                continue;
            }
            // Fallback content: text of the children (what shows when the object cannot).
            let fallback = el
                .children()
                .filter(|c| !matches!(c.name(), "param" | "embed" | "script"))
                .any(|c| !c.text_content().trim().is_empty())
                || el
                    .node()
                    .children()
                    .any(|n| n.as_text().is_some_and(|t| !t.borrow().trim().is_empty()));
            if fallback {
                continue;
            }
            let data = el.attr_trimmed("data").unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "<object> 嵌入内容没有替代文本（无替代内容、aria-label 或 title）：{data}",
                "<object> has no text alternative (no fallback content, aria-label or title): {data}"
            );
            cx.report(&el, msg);
        }
    }
}

/// The text compared for redundancy: lower case, whitespace-collapsed.
fn norm(s: &str) -> String {
    crate::dom::collapse_whitespace(s).to_lowercase()
}

/// `a11y/image-redundant-alt`: an image whose `alt` repeats the text next to it in the same
/// link, button, paragraph, list item or cell, so screen readers read it twice.
pub struct ImageRedundantAlt;

impl Rule for ImageRedundantAlt {
    fn id(&self) -> &'static str {
        "a11y/image-redundant-alt"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("img") {
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let Some(alt) = el.attr_trimmed("alt").filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(parent) = el.ancestors().find(|a| {
                matches!(a.name(), "button" | "p" | "li" | "td" | "th")
                    || (a.name() == "a" && a.has_attr("href"))
                    || a.attr("role").is_some_and(|r| r.trim() == "button")
            }) else {
                continue;
            };
            let text = norm(parent.visible_text());
            if text.is_empty() || text != norm(&alt) {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "图片的 alt“{alt}”与旁边的文字重复，读屏软件会读两遍（可改为 alt=\"\"）",
                "image alt \"{alt}\" repeats the text next to it, so screen readers read it twice (use alt=\"\")"
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/server-side-image-map`: `<img ismap>`: the server decides from click coordinates, so
/// keyboard users cannot use it.
pub struct ServerSideImageMap;

impl Rule for ServerSideImageMap {
    fn id(&self) -> &'static str {
        "a11y/server-side-image-map"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("img") {
            if !el.has_attr("ismap") || ix.sr_hidden(el.id()) {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "服务器端图片地图（<img ismap>）无法用键盘操作，请改用 <map>/<area> 或普通链接",
                "server-side image map (<img ismap>) cannot be used with a keyboard; use <map>/<area> or plain links"
            );
            cx.report(&el, msg);
        }
    }
}

static CAPTCHA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)captcha|verify|yzm|验证码|checkcode|check_code|validatecode|validate_code|vcode|kaptcha|imgcode|randcode|authcode|verifycode",
    )
    .expect("static regex")
});
static ALTERNATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)语音|音频|听不清|播放验证码|audio|voice|短信|sms|无障碍验证")
        .expect("static regex")
});

/// `a11y/captcha-alternative` (govaudit): a CAPTCHA image (its `src`, `id`, `class`, `name` or
/// `alt` matches captcha/verify/yzm/验证码...) and nothing on the page offers another way: no
/// `<audio>`, no control or link for an audio or SMS code. Blind visitors cannot pass it.
pub struct CaptchaAlternative;

impl Rule for CaptchaAlternative {
    fn id(&self) -> &'static str {
        "a11y/captcha-alternative"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let captcha = page
            .elements_named_any(&["img", "input"])
            .into_iter()
            .find(|el| {
                if ix.sr_hidden(el.id()) && ix.not_rendered(el) {
                    return false;
                }
                if el.name() == "input" && input_type(el) != "image" {
                    return false;
                }
                ["src", "id", "class", "name", "alt"]
                    .iter()
                    .any(|a| el.attr(a).is_some_and(|v| CAPTCHA.is_match(&v)))
            });
        let Some(captcha) = captcha else {
            return;
        };
        let has_audio = page
            .elements_named_any(&["audio", "a", "button", "input", "span", "label"])
            .into_iter()
            .any(|e| {
                e.name() == "audio"
                    || ALTERNATIVE.is_match(e.visible_text())
                    || ["title", "aria-label", "value", "onclick"]
                        .iter()
                        .any(|a| e.attr(a).is_some_and(|v| ALTERNATIVE.is_match(&v)))
            });
        if has_audio {
            return;
        }
        let src = captcha.attr_trimmed("src").unwrap_or_default();
        let msg = tr!(
            cx.lang,
            "图片验证码（{src}）没有语音、短信等其他方式，视障用户无法通过",
            "image CAPTCHA ({src}) offers no audio, SMS or other alternative; blind visitors cannot pass it"
        );
        cx.report(&captcha, msg);
    }
}
