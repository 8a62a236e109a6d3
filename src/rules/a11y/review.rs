//! Checks static HTML cannot decide, reported as *needs review* (never a silent pass), one
//! notice per page listing the candidates, under the axe-core ids:
//!
//! * `a11y/link-in-text-block` (WCAG 1.4.1): links inside running text that may differ from
//!   the text around them only by colour;
//! * `a11y/target-size` (WCAG 2.2 2.5.8): controls that may be smaller than 24×24 px;
//! * `a11y/scrollable-region-focusable` (WCAG 2.1.1): regions that may scroll but cannot be
//!   reached with the keyboard.
//!
//! Each is its own rule so it can be switched off or re-levelled on its own, and so its
//! results line up with axe-core's rules of the same names.

use super::css::{Prop, styles};
use super::names::{Source, accessible_name};
use super::{A11yIndex, index, input_type, is_focusable};
use crate::page::{El, Page};
use crate::report::Severity;
use crate::rules::{PageCx, Rule};
use crate::tr;

/// Most example selectors kept in a notice.
const EXAMPLES: usize = 5;

fn notice(cx: &mut PageCx<'_>, page: &Page, found: &[El<'_>], msg: String) {
    let examples: Vec<serde_json::Value> = found
        .iter()
        .take(EXAMPLES)
        .map(|e| e.selector().into())
        .collect();
    let f = match found.first() {
        Some(first) => cx.report(first, msg),
        None => cx.report_page(msg),
    };
    f.severity = f.severity.min(Severity::Notice);
    f.count = Some(found.len());
    f.data.insert("needs_review".into(), true.into());
    f.data.insert("examples".into(), examples.into());
    let _ = page;
}

/// Decides whether links sit in running text, the way a reader sees a line: the nearest
/// block around the link holds, outside any link and outside nested blocks, at least 10
/// characters and at least as many as the link. Each block is measured once.
#[derive(Default)]
struct TextBlocks {
    outside: std::collections::HashMap<crate::page::ElementId, usize>,
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

impl TextBlocks {
    fn contains(&mut self, link: &El<'_>) -> bool {
        let Some(block) = link.ancestors().find(|a| crate::page::is_block(a.name())) else {
            return false;
        };
        let own = letters(link.visible_text());
        if own == 0 {
            return false;
        }
        let outside = *self
            .outside
            .entry(block.id())
            .or_insert_with(|| inline_text_outside_links(&block));
        outside >= 10 && outside >= own
    }
}

/// Letters of a block's own inline text that are not inside a link (nested blocks, scripts
/// and hidden elements skipped), counted without recursion.
fn inline_text_outside_links(block: &El<'_>) -> usize {
    let page = block.page();
    let mut count = 0;
    let mut stack: Vec<kuchikikiki::NodeRef> = block.node().children().collect();
    stack.reverse();
    while let Some(node) = stack.pop() {
        if let Some(t) = node.as_text() {
            count += letters(&t.borrow());
            continue;
        }
        let Some(el) = page.element_for(&node) else {
            continue;
        };
        if crate::page::is_block(el.name())
            || el.name() == "a"
            || el.is_hidden()
            || matches!(el.name(), "script" | "style" | "template" | "noscript")
        {
            continue;
        }
        let start = stack.len();
        stack.extend(node.children());
        stack[start..].reverse();
    }
    count
}

/// `a11y/link-in-text-block`: needs review.
pub struct LinkInTextBlock;

impl Rule for LinkInTextBlock {
    fn id(&self) -> &'static str {
        "a11y/link-in-text-block"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let st = styles(page);
        let mut blocks = TextBlocks::default();
        let mut found: Vec<El<'_>> = Vec::new();
        for a in page.elements_named("a") {
            if !a.has_attr("href") || ix.sr_hidden(a.id()) || !blocks.contains(&a) {
                continue;
            }
            // An underline we can see settles it; so does a page with no external
            // stylesheet where nothing removes the browser's default underline.
            match st.value(a.id(), Prop::TextDecoration) {
                Some(v) if v.certain && v.value.contains("underline") => continue,
                None if !st.external => continue,
                _ => {}
            }
            found.push(a);
        }
        if found.is_empty() {
            return;
        }
        let n = found.len();
        let msg = tr!(
            cx.lang,
            "需人工复核：{n} 个正文中的链接可能只靠颜色与周围文字区分（应有下划线，或与正文对比度至少 3:1）",
            "needs review: {n} links in running text may differ from the surrounding text by colour alone (underline them, or give them 3:1 contrast with the text)"
        );
        notice(cx, page, &found, msg);
    }
}

fn px_attr(el: &El<'_>, attr: &str) -> Option<f64> {
    el.attr(attr)?
        .trim()
        .trim_end_matches("px")
        .parse::<f64>()
        .ok()
}

fn is_control(el: &El<'_>, ix: &A11yIndex) -> bool {
    match el.name() {
        "a" => el.has_attr("href"),
        "button" => true,
        "input" => matches!(
            input_type(el).as_str(),
            "button" | "submit" | "reset" | "image" | "checkbox" | "radio"
        ),
        _ => ix
            .explicit_role(el.id())
            .is_some_and(|r| matches!(r.name(), "button" | "link" | "checkbox" | "radio")),
    }
}

/// `a11y/target-size`: needs review. Candidates are icon-only controls (no visible text) and
/// controls whose declared width or height is below 24 px, outside running text.
pub struct TargetSize;

impl Rule for TargetSize {
    fn id(&self) -> &'static str {
        "a11y/target-size"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut blocks = TextBlocks::default();
        let mut found: Vec<El<'_>> = Vec::new();
        for el in page.elements() {
            if !is_control(&el, &ix) || ix.sr_hidden(el.id()) || ix.not_rendered(&el) {
                continue;
            }
            if el.name() == "a" && blocks.contains(&el) {
                continue;
            }
            let small = |e: &El<'_>| {
                ["width", "height"]
                    .iter()
                    .any(|a| px_attr(e, a).is_some_and(|v| v > 0.0 && v < 24.0))
            };
            // A control's own images (bounded: controls are small).
            let imgs: Vec<El<'_>> = el
                .descendants()
                .take(64)
                .filter(|d| d.name() == "img")
                .collect();
            let text = !el.visible_text().is_empty();
            let declared_small = small(&el) || (!text && imgs.iter().any(small));
            // An image of declared size 24×24 or more is a large enough target.
            let sized = |e: &El<'_>| {
                ["width", "height"]
                    .iter()
                    .all(|a| px_attr(e, a).is_some_and(|v| v >= 24.0))
            };
            let icon_only = !text
                && !matches!(accessible_name(&el).source, Source::Value | Source::Default)
                && !sized(&el)
                && !imgs.iter().any(sized);
            if icon_only || declared_small {
                found.push(el);
            }
        }
        if found.is_empty() {
            return;
        }
        let n = found.len();
        let msg = tr!(
            cx.lang,
            "需人工复核：{n} 个只有图标或尺寸较小的可点击控件，可能小于 24×24 像素",
            "needs review: {n} icon-only or small controls may be smaller than 24×24 px"
        );
        notice(cx, page, &found, msg);
    }
}

/// `a11y/scrollable-region-focusable`: needs review. Candidates are elements with
/// `overflow: auto|scroll` (inline or in a `<style>` block) that hold text but are not
/// focusable and contain nothing focusable.
pub struct ScrollableRegionFocusable;

impl Rule for ScrollableRegionFocusable {
    fn id(&self) -> &'static str {
        "a11y/scrollable-region-focusable"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let st = styles(page);
        let mut found: Vec<El<'_>> = Vec::new();
        for el in page.elements() {
            let Some(v) = st.value(el.id(), Prop::Overflow) else {
                continue;
            };
            if !matches!(v.value.as_str(), "auto" | "scroll")
                || ix.sr_hidden(el.id())
                || matches!(el.name(), "select" | "textarea" | "html" | "body")
                || el.visible_text().is_empty()
                || is_focusable(&el)
                || ix.focusable_descendant(&el).is_some()
            {
                continue;
            }
            found.push(el);
        }
        if found.is_empty() {
            return;
        }
        let n = found.len();
        let msg = tr!(
            cx.lang,
            "需人工复核：{n} 个设置了 overflow 滚动的区域不能用键盘聚焦，内容超出时键盘用户无法滚动（可加 tabindex=\"0\"）",
            "needs review: {n} regions with overflow scrolling cannot take keyboard focus; if their content overflows, keyboard users cannot scroll them (add tabindex=\"0\")"
        );
        notice(cx, page, &found, msg);
    }
}
