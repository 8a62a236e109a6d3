//! Finding the "本网站支持IPv6" label on a page.
//!
//! The label is a short text (a header or footer badge) or an image whose `alt`/`title` says
//! so. News headlines mention IPv6 too ("我市政务网站全面支持IPv6"), so a match counts only
//! when it is (nearly) the whole text of its element, or when it names the site itself
//! ("本网站…", "本站…") anywhere in the text.

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::page::Page;
use crate::rules::SNIPPET_CHARS;

/// The default label pattern (RULES.md §3, observed in practice).
pub const DEFAULT_PATTERN: &str = r"(?i)(?:本网站|本站|网站)?(?:已)?支持\s*IPv6(?:访问)?";

/// Longest element text (bytes) considered a label on its own.
const SHORT_TEXT_BYTES: usize = 120;
/// Most letters, digits or Han characters besides the match in a label element.
const MAX_LEFTOVER: usize = 6;
/// Longest alt/title text (characters) considered a label.
const MAX_ALT_CHARS: usize = 30;

/// Where a label was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The matched text (after NFKC), e.g. `本网站支持IPv6`.
    pub text: String,
    /// `text`, `alt` or `title`.
    pub evidence: String,
    /// CSS selector of the element, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// Source line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The element's start tag or the text around the match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// Letters, digits and Han characters of `text` outside `start..end`.
fn leftover(text: &str, start: usize, end: usize) -> usize {
    text[..start]
        .chars()
        .chain(text[end..].chars())
        .filter(|c| c.is_alphanumeric())
        .count()
}

/// Finds the first IPv6 label on the page.
pub fn find(page: &Page, re: &Regex) -> Option<Label> {
    // 1. Images (and image buttons, areas) whose alt or title is the label.
    for el in page.elements_named_any(&["img", "input", "area"]) {
        if el.is_hidden() {
            continue;
        }
        for attr in ["alt", "title"] {
            let Some(v) = el.attr_trimmed(attr) else {
                continue;
            };
            if v.chars().count() > MAX_ALT_CHARS {
                continue;
            }
            let v = nfkc(&v);
            if let Some(m) = re.find(&v)
                && leftover(&v, m.start(), m.end()) <= MAX_LEFTOVER
            {
                return Some(Label {
                    text: m.as_str().to_string(),
                    evidence: attr.to_string(),
                    selector: Some(el.selector()),
                    line: el.line(),
                    snippet: Some(el.start_tag(SNIPPET_CHARS)),
                });
            }
        }
    }
    // 2. An element whose short text is (nearly) only the label: the deepest such element.
    let mut best: Option<(u32, Label)> = None;
    for el in page.elements() {
        if el.in_non_text() || el.is_hidden() {
            continue;
        }
        let text = el.visible_text();
        if text.is_empty() || text.len() > SHORT_TEXT_BYTES || !text.contains("支持") {
            continue;
        }
        let norm = nfkc(text);
        let Some(m) = re.find(&norm) else { continue };
        if leftover(&norm, m.start(), m.end()) > MAX_LEFTOVER {
            continue;
        }
        let depth = el.depth();
        if best.as_ref().is_none_or(|(d, _)| depth > *d) {
            best = Some((
                depth,
                Label {
                    text: m.as_str().to_string(),
                    evidence: "text".into(),
                    selector: Some(el.selector()),
                    line: el.line(),
                    snippet: Some(crate::dom::truncate_chars(text, SNIPPET_CHARS).into_owned()),
                },
            ));
        } else if best.is_some() {
            // Elements come in document order: a later match outside the best one is a second
            // label; the first one found is enough.
            break;
        }
    }
    if let Some((_, label)) = best {
        return Some(label);
    }
    // 3. A claim naming the site itself inside a longer text (a footer paragraph).
    let text = page.visible_text();
    if !text.contains("支持") {
        return None;
    }
    let norm = nfkc(text);
    for m in re.find_iter(&norm) {
        let t = m.as_str();
        if t.starts_with("本网站") || t.starts_with("本站") {
            let start = norm[..m.start()]
                .char_indices()
                .rev()
                .nth(15)
                .map_or(0, |(i, _)| i);
            let end = norm[m.end()..]
                .char_indices()
                .nth(15)
                .map_or(norm.len(), |(i, _)| m.end() + i);
            return Some(Label {
                text: t.to_string(),
                evidence: "text".into(),
                selector: None,
                line: None,
                snippet: Some(norm[start..end].trim().to_string()),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re() -> Regex {
        Regex::new(DEFAULT_PATTERN).expect("static regex")
    }

    fn label(html: &str) -> Option<Label> {
        let page = Page::from_html(html, "https://www.example.gov.cn/");
        find(&page, &re())
    }

    #[test]
    fn finds_the_spec_examples() {
        for t in [
            "网站支持IPv6",
            "本网站支持IPv6",
            "本网站支持IPv6访问",
            "本站已支持IPV6访问",
            "支持 ipv6",
        ] {
            let l = label(&format!(
                "<body><div id=head><span class=v6>{t}</span></div><p>新闻</p></body>"
            ))
            .unwrap_or_else(|| panic!("no label in {t}"));
            assert_eq!(l.evidence, "text");
            assert_eq!(l.selector.as_deref(), Some("div#head > span"));
        }
    }

    #[test]
    fn finds_image_alt_and_full_width_text() {
        let l = label("<body><a href=/v6><img src=v6.png alt=\"本网站支持IPV6\"></a></body>")
            .expect("alt label");
        assert_eq!(l.evidence, "alt");
        assert_eq!(l.text, "本网站支持IPV6");
        let l = label("<body><p>本网站支持ＩＰｖ６</p></body>").expect("full-width label");
        assert_eq!(l.text, "本网站支持IPv6");
    }

    #[test]
    fn finds_label_split_over_elements_and_in_footer_text() {
        let l = label("<body><p>本网站支持<b>IPv6</b></p></body>").expect("split label");
        assert_eq!(l.selector.as_deref(), Some("html > body > p"));
        let l = label(
            "<body><div class=footer>主办：某某县人民政府办公室 承办：某某县大数据中心 \
             网站标识码：3300000020 浙ICP备05018911号 本网站支持IPv6 技术支持：某某公司 \
             联系电话：0571-12345678 地址：某某路1号</div></body>",
        )
        .expect("footer label");
        assert_eq!(l.text, "本网站支持IPv6");
        assert_eq!(l.selector, None);
    }

    #[test]
    fn ignores_headlines_and_hidden_text() {
        assert_eq!(
            label("<body><ul><li><a href=/a>我市政务网站全面支持IPv6访问</a></li></ul></body>"),
            None
        );
        assert_eq!(
            label("<body><p>推进全省政府网站和政务新媒体支持IPv6改造工作的通知</p></body>"),
            None
        );
        assert_eq!(
            label("<body><span style=display:none>本网站支持IPv6</span></body>"),
            None
        );
        assert_eq!(
            label("<body><script>var s='本网站支持IPv6';</script></body>"),
            None
        );
        assert_eq!(label("<body><p>IPv6</p><p>支持</p></body>"), None);
        assert_eq!(
            label(
                "<body><img src=a.png alt=\"我市召开会议部署推进政务网站全面支持IPv6改造工作\"></body>"
            ),
            None
        );
    }
}
