//! Form controls: `a11y/label`, `a11y/select-name`, `a11y/button-name`,
//! `a11y/input-button-name` (axe rules of the same names; WCAG 1.3.1, 3.3.2, 4.1.2).
//!
//! One deliberate difference from axe-core: for `a11y/label` a placeholder alone is not a
//! label (axe accepts `placeholder`). The placeholder disappears as soon as the visitor types,
//! many screen readers do not announce it, and it is the typical header search box on
//! government portals (govaudit issue #4).

use super::names::{Source, accessible_name, has_label_element};
use super::{A11yIndex, exempt, index, input_type};
use crate::page::{El, Page};
use crate::rules::{PageCx, Rule};
use crate::tr;

fn labelled_only_by_hidden_label(el: &El<'_>, ix: &A11yIndex) -> bool {
    let page = el.page();
    let mut labels: Vec<El<'_>> = Vec::new();
    if let Some(id) = el.attr("id") {
        labels.extend(
            ix.labels_for(&id)
                .iter()
                .map(|&i| page.el(crate::page::ElementId(i))),
        );
    }
    if let Some(l) = el.closest("label") {
        labels.push(l);
    }
    !labels.is_empty()
        && labels
            .iter()
            .all(|l| ix.not_rendered(l) && !ix.not_rendered(el))
}

/// `a11y/label`: a text field, checkbox, radio button, file input or `<textarea>` with no
/// label: no `<label>` (for= or wrapping), `aria-label`, `aria-labelledby` or `title`. A
/// placeholder alone does not count.
pub struct Label;

impl Rule for Label {
    fn id(&self) -> &'static str {
        "a11y/label"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named_any(&["input", "textarea"]) {
            if !el.is_html() || exempt(&el, &ix) {
                continue;
            }
            let ty = input_type(&el);
            if el.name() == "input"
                && matches!(
                    ty.as_str(),
                    "hidden" | "image" | "button" | "submit" | "reset"
                )
            {
                continue;
            }
            let name = accessible_name(&el);
            let what = if el.name() == "textarea" {
                "textarea".to_string()
            } else {
                format!("input type={ty}")
            };
            let field = el
                .attr_trimmed("name")
                .or_else(|| el.attr_trimmed("id"))
                .unwrap_or_default();
            match name.source {
                Source::Placeholder => {
                    let ph = name.text;
                    let msg = tr!(
                        cx.lang,
                        "输入框（{what} {field}）只有占位提示“{ph}”，没有 <label>、aria-label 或 title：输入后提示消失，读屏软件也不一定读出",
                        "form field ({what} {field}) has only the placeholder \"{ph}\", no <label>, aria-label or title: the hint disappears on typing and screen readers may not announce it"
                    );
                    let f = cx.report(&el, msg);
                    f.data.insert("placeholder".into(), ph.into());
                }
                Source::None => {
                    let msg = if has_label_element(&el) {
                        tr!(
                            cx.lang,
                            "输入框（{what} {field}）的 <label> 是空的",
                            "form field ({what} {field}) has an empty <label>"
                        )
                    } else {
                        tr!(
                            cx.lang,
                            "输入框（{what} {field}）没有 <label>、aria-label 或 title",
                            "form field ({what} {field}) has no <label>, aria-label or title"
                        )
                    };
                    cx.report(&el, msg);
                }
                Source::Label if labelled_only_by_hidden_label(&el, &ix) => {
                    let msg = tr!(
                        cx.lang,
                        "输入框（{what} {field}）的 <label> 被隐藏（display:none），视力正常的用户看不到标签",
                        "form field ({what} {field}) is labelled only by a hidden <label> (display:none)"
                    );
                    cx.report(&el, msg);
                }
                _ => {}
            }
        }
    }
}

/// `a11y/select-name`: a `<select>` with no label, `aria-label`, `aria-labelledby` or
/// `title`.
pub struct SelectName;

impl Rule for SelectName {
    fn id(&self) -> &'static str {
        "a11y/select-name"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("select") {
            if !el.is_html() || exempt(&el, &ix) {
                continue;
            }
            let name = accessible_name(&el);
            if !name.is_empty() {
                continue;
            }
            let field = el
                .attr_trimmed("name")
                .or_else(|| el.attr_trimmed("id"))
                .unwrap_or_default();
            let first = el
                .descendants()
                .find(|o| o.name() == "option")
                .map(|o| super::short(&o.text_content(), 20))
                .unwrap_or_default();
            let msg = tr!(
                cx.lang,
                "下拉框（select {field}，首项“{first}”）没有 <label>、aria-label 或 title",
                "drop-down (select {field}, first option \"{first}\") has no <label>, aria-label or title"
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/button-name`: a `<button>` with no text, `aria-label`, `aria-labelledby` or `title`
/// (an icon font or a background image alone).
pub struct ButtonName;

impl Rule for ButtonName {
    fn id(&self) -> &'static str {
        "a11y/button-name"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("button") {
            if !el.is_html() || exempt(&el, &ix) {
                continue;
            }
            if accessible_name(&el).is_empty() {
                let class = el.attr_trimmed("class").unwrap_or_default();
                let msg = tr!(
                    cx.lang,
                    "按钮没有文字、aria-label 或 title（class=\"{class}\"）：读屏用户不知道它的作用",
                    "button has no text, aria-label or title (class=\"{class}\"): screen-reader users cannot tell what it does"
                );
                cx.report(&el, msg);
            }
        }
    }
}

/// `a11y/input-button-name`: `<input type=button|submit|reset>` with an empty `value` and no
/// other name (a submit or reset without `value` has the browser's default label).
pub struct InputButtonName;

impl Rule for InputButtonName {
    fn id(&self) -> &'static str {
        "a11y/input-button-name"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("input") {
            let ty = input_type(&el);
            if !matches!(ty.as_str(), "button" | "submit" | "reset") || exempt(&el, &ix) {
                continue;
            }
            if accessible_name(&el).is_empty() {
                let msg = tr!(
                    cx.lang,
                    "按钮（input type={ty}）没有 value、aria-label 或 title",
                    "button (input type={ty}) has no value, aria-label or title"
                );
                cx.report(&el, msg);
            }
        }
    }
}
