//! The accessible-name computation shared by the family: a subset of W3C "Accessible Name and
//! Description Computation 1.2" (accname) and of the HTML-AAM rules for native elements.
//!
//! In order, the first non-empty source wins:
//!
//! 1. `aria-labelledby`: the text of each referenced element (found through the page's id map;
//!    a referenced element is used even when hidden), joined by spaces. References are not
//!    followed again from inside a referenced element, so `aria-labelledby` loops end.
//! 2. `aria-label`.
//! 3. The native text alternative: `alt` (`<img>`, `<area>`, `<input type=image>`); the
//!    `<label for>` and wrapping `<label>` elements of form controls; `value` of
//!    `<input type=button|submit|reset>` (submit and reset have a default label when `value`
//!    is absent); `<legend>` of a fieldset, `<caption>` of a table, `<figcaption>` of a figure;
//!    `<title>` of an `<svg>`; `label` of an `<optgroup>`.
//! 4. The element's content, for roles that allow a name from content (links, buttons,
//!    headings, cells...): text of descendants that are not hidden, where a descendant with
//!    `aria-label` gives its label, an image its `alt`, a text field its value, a select its
//!    selected option, and an element with no text its `title`.
//! 5. `title`.
//! 6. `placeholder` / `aria-placeholder` of text fields, as the last resort HTML-AAM allows.
//!    The [`Source`] says where the name came from, so `a11y/label` can refuse a name that
//!    comes only from the placeholder.
//!
//! Nothing recurses over the DOM: content is collected with an explicit stack, and each page
//! has a budget of node visits ([`super::A11yIndex`]); past it, the element's visible text is
//! used instead, so pathological pages stay linear.

use kuchikikiki::{NodeData, NodeRef};

use super::{A11yIndex, index, input_type};
use crate::page::{El, ElementId, Page};

/// Where an accessible name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `aria-labelledby`.
    LabelledBy,
    /// `aria-label`.
    AriaLabel,
    /// `alt`.
    Alt,
    /// A `<label>` (for= or wrapping).
    Label,
    /// A `<legend>`, `<caption>`, `<figcaption>` or SVG `<title>` child.
    ChildCaption,
    /// The `value` of an input button.
    Value,
    /// The default label of a submit or reset button.
    Default,
    /// The `label` attribute (`<optgroup>`, `<option>`, `<track>`).
    LabelAttr,
    /// The element's content.
    Contents,
    /// `title`.
    Title,
    /// `placeholder` or `aria-placeholder`.
    Placeholder,
    /// No name.
    None,
}

/// An accessible name and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccName {
    /// The name, whitespace-collapsed and trimmed.
    pub text: String,
    /// Its source.
    pub source: Source,
}

impl AccName {
    fn none() -> AccName {
        AccName {
            text: String::new(),
            source: Source::None,
        }
    }

    fn of(text: String, source: Source) -> Option<AccName> {
        let text = crate::dom::collapse_whitespace(&text);
        (!text.is_empty()).then_some(AccName { text, source })
    }

    /// Whether the name is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The accessible name of an element.
pub fn accessible_name(el: &El<'_>) -> AccName {
    let page = el.page();
    let ix = index(page);
    Namer { page, ix: &ix }.name(el, false)
}

/// The name an element gets from its content alone (step 4), e.g. the text of a link or a
/// heading, with images replaced by their `alt`.
pub fn content_name(el: &El<'_>) -> String {
    let page = el.page();
    let ix = index(page);
    let namer = Namer { page, ix: &ix };
    let text = namer.contents(el, None, false, false);
    crate::dom::collapse_whitespace(&text)
}

/// The texts of the `<label>` elements of a form control (for= and wrapping), if any.
pub fn label_text(el: &El<'_>) -> Option<String> {
    let page = el.page();
    let ix = index(page);
    let namer = Namer { page, ix: &ix };
    let t = namer.labels(el);
    let t = crate::dom::collapse_whitespace(&t);
    (!t.is_empty()).then_some(t)
}

/// Whether the element has at least one `<label>` (for= or wrapping), even an empty one.
pub fn has_label_element(el: &El<'_>) -> bool {
    let ix = index(el.page());
    if let Some(id) = el.attr("id")
        && !ix.labels_for(&id).is_empty()
    {
        return true;
    }
    el.closest("label").is_some()
}

struct Namer<'a, 'p> {
    page: &'p Page,
    ix: &'a A11yIndex,
}

fn attr_text(el: &El<'_>, name: &str) -> Option<String> {
    el.attr(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Roles whose name comes from content, and elements that always give their content.
fn allows_content(el: &El<'_>, ix: &A11yIndex) -> bool {
    if let Some(r) = ix.role(el.id())
        && super::aria::def(r).name_from_content
    {
        return true;
    }
    matches!(
        el.name(),
        "label" | "legend" | "caption" | "figcaption" | "summary" | "td" | "th" | "option" | "dt"
    )
}

fn is_text_field(el: &El<'_>) -> bool {
    match el.name() {
        "textarea" => true,
        "input" => matches!(
            input_type(el).as_str(),
            "text" | "search" | "email" | "tel" | "url" | "password" | "number"
        ),
        _ => false,
    }
}

impl<'p> Namer<'_, 'p> {
    fn name(&self, el: &El<'p>, in_labelledby: bool) -> AccName {
        // 1. aria-labelledby (not followed from inside a labelledby traversal).
        if !in_labelledby
            && let Some(n) = self
                .labelledby(el)
                .and_then(|t| AccName::of(t, Source::LabelledBy))
        {
            return n;
        }
        // 2. aria-label.
        if let Some(n) = attr_text(el, "aria-label").and_then(|t| AccName::of(t, Source::AriaLabel))
        {
            return n;
        }
        // 3. Native text alternatives.
        if let Some(n) = self.native(el) {
            return n;
        }
        // 4. Content.
        if (in_labelledby || allows_content(el, self.ix))
            && let Some(n) = AccName::of(
                self.contents(el, None, false, in_labelledby),
                Source::Contents,
            )
        {
            return n;
        }
        // 5. title.
        if let Some(n) = attr_text(el, "title").and_then(|t| AccName::of(t, Source::Title)) {
            return n;
        }
        // 6. placeholder.
        if is_text_field(el)
            && let Some(n) = attr_text(el, "placeholder")
                .or_else(|| attr_text(el, "aria-placeholder"))
                .and_then(|t| AccName::of(t, Source::Placeholder))
        {
            return n;
        }
        AccName::none()
    }

    fn labelledby(&self, el: &El<'p>) -> Option<String> {
        let ids = el.attr("aria-labelledby")?.to_string();
        let mut parts = Vec::new();
        for id in ids.split_whitespace() {
            if let Some(target) = self.ix.element_by_id(self.page, id) {
                let n = self.name(&target, true);
                if !n.text.is_empty() {
                    parts.push(n.text);
                }
            }
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    fn labels(&self, el: &El<'p>) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut seen: Vec<ElementId> = Vec::new();
        if let Some(id) = el.attr("id") {
            for &l in self.ix.labels_for(&id) {
                let label = self.page.el(ElementId(l));
                seen.push(label.id());
                parts.push(self.contents(&label, Some(el.id()), false, false));
            }
        }
        if let Some(label) = el.closest("label")
            && !seen.contains(&label.id())
        {
            // A wrapping label with a `for` pointing elsewhere does not label this control.
            let points_elsewhere = label
                .attr("for")
                .is_some_and(|f| el.attr("id").is_none_or(|id| *id != *f) && !f.trim().is_empty());
            if !points_elsewhere {
                parts.push(self.contents(&label, Some(el.id()), false, false));
            }
        }
        parts.join(" ")
    }

    fn native(&self, el: &El<'p>) -> Option<AccName> {
        if !el.is_html() {
            // SVG and MathML: a `<title>` child.
            let title = el.children().find(|c| c.name() == "title")?;
            return AccName::of(title.text_content(), Source::ChildCaption);
        }
        match el.name() {
            "img" | "area" => attr_text(el, "alt").and_then(|t| AccName::of(t, Source::Alt)),
            "input" => {
                let ty = input_type(el);
                match ty.as_str() {
                    "image" => attr_text(el, "alt").and_then(|t| AccName::of(t, Source::Alt)),
                    "button" | "submit" | "reset" => {
                        if let Some(v) = el.attr("value") {
                            if let Some(n) = AccName::of(v.to_string(), Source::Value) {
                                return Some(n);
                            }
                        } else if ty != "button" {
                            let default = if ty == "submit" { "Submit" } else { "Reset" };
                            return AccName::of(default.to_string(), Source::Default);
                        }
                        AccName::of(self.labels(el), Source::Label)
                    }
                    _ => AccName::of(self.labels(el), Source::Label),
                }
            }
            "select" | "textarea" | "meter" | "output" | "progress" => {
                AccName::of(self.labels(el), Source::Label)
            }
            "button" => {
                // A button's own content comes first; a label only when the content is empty.
                let content = self.contents(el, None, false, false);
                AccName::of(content, Source::Contents)
                    .or_else(|| AccName::of(self.labels(el), Source::Label))
            }
            "fieldset" => {
                let legend = el.children().find(|c| c.name() == "legend")?;
                AccName::of(
                    self.contents(&legend, None, false, false),
                    Source::ChildCaption,
                )
            }
            "table" => {
                let caption = el.children().find(|c| c.name() == "caption")?;
                AccName::of(
                    self.contents(&caption, None, false, false),
                    Source::ChildCaption,
                )
            }
            "figure" => {
                let caption = el.children().find(|c| c.name() == "figcaption")?;
                AccName::of(
                    self.contents(&caption, None, false, false),
                    Source::ChildCaption,
                )
            }
            "optgroup" | "track" => {
                attr_text(el, "label").and_then(|t| AccName::of(t, Source::LabelAttr))
            }
            "option" => attr_text(el, "label").and_then(|t| AccName::of(t, Source::LabelAttr)),
            _ => None,
        }
    }

    /// The text of an element's content (accname step 2F), collected without recursion.
    /// `skip` is the control being labelled (not part of its own label); `include_hidden`
    /// keeps hidden descendants (a hidden element referenced by `aria-labelledby`).
    fn contents(
        &self,
        root: &El<'p>,
        skip: Option<ElementId>,
        include_hidden: bool,
        in_labelledby: bool,
    ) -> String {
        enum Item {
            Node(NodeRef),
            Exit(usize, ElementId),
        }
        let include_hidden = include_hidden || self.ix.sr_hidden(root.id());
        let mut out = String::new();
        let mut stack: Vec<Item> = Vec::new();
        push_children(root.node(), &mut stack, Item::Node);
        while let Some(item) = stack.pop() {
            match item {
                Item::Exit(start, id) => {
                    let el = self.page.el(id);
                    if out[start..].trim().is_empty()
                        && let Some(t) = attr_text(&el, "title")
                    {
                        push_text(&mut out, &t);
                    }
                    if crate::page::is_block(el.name()) {
                        out.push(' ');
                    }
                }
                Item::Node(node) => match node.data() {
                    NodeData::Text(t) => push_text(&mut out, &t.borrow()),
                    NodeData::Element(_) => {
                        let Some(el) = self.page.element_for(&node) else {
                            continue;
                        };
                        let left = self.ix.budget.get();
                        if left == 0 {
                            return root.visible_text().to_string();
                        }
                        self.ix.budget.set(left - 1);
                        if Some(el.id()) == skip || el.in_non_text() && !include_hidden {
                            continue;
                        }
                        if !include_hidden && self.ix.sr_hidden(el.id()) {
                            continue;
                        }
                        if matches!(el.name(), "script" | "style" | "template" | "noscript") {
                            continue;
                        }
                        if let Some(t) = self.descendant_text(&el, in_labelledby) {
                            push_text(&mut out, &t);
                            continue;
                        }
                        if el.name() == "br" {
                            out.push(' ');
                            continue;
                        }
                        if crate::page::is_block(el.name()) {
                            out.push(' ');
                        }
                        stack.push(Item::Exit(out.len(), el.id()));
                        push_children(el.node(), &mut stack, Item::Node);
                    }
                    _ => {}
                },
            }
        }
        out
    }

    /// The text a descendant contributes by itself (its label, alt or value), when it does
    /// not contribute its content.
    fn descendant_text(&self, el: &El<'p>, in_labelledby: bool) -> Option<String> {
        // Embedded controls give their value (accname 2E), before aria-label.
        match el.name() {
            "input" if is_text_field(el) => {
                return Some(attr_text(el, "value").unwrap_or_default());
            }
            "input" if matches!(input_type(el).as_str(), "range") => {
                return Some(
                    attr_text(el, "aria-valuetext")
                        .or_else(|| attr_text(el, "value"))
                        .unwrap_or_default(),
                );
            }
            "textarea" => return Some(el.text_content()),
            "select" => {
                let selected = el
                    .descendants()
                    .filter(|o| o.name() == "option")
                    .find(|o| o.has_attr("selected"))
                    .or_else(|| el.descendants().find(|o| o.name() == "option"));
                return Some(selected.map(|o| o.text_content()).unwrap_or_default());
            }
            _ => {}
        }
        if !in_labelledby && let Some(t) = self.labelledby(el) {
            return Some(t);
        }
        if let Some(t) = attr_text(el, "aria-label") {
            return Some(t);
        }
        match el.name() {
            "img" | "area" => Some(
                attr_text(el, "alt")
                    .or_else(|| attr_text(el, "title"))
                    .unwrap_or_default(),
            ),
            "input" => {
                let ty = input_type(el);
                match ty.as_str() {
                    "image" => Some(
                        attr_text(el, "alt")
                            .or_else(|| attr_text(el, "title"))
                            .unwrap_or_default(),
                    ),
                    "button" | "submit" | "reset" => {
                        Some(attr_text(el, "value").unwrap_or_default())
                    }
                    _ => Some(String::new()),
                }
            }
            "svg" => Some(
                el.children()
                    .find(|c| c.name() == "title")
                    .map(|t| t.text_content())
                    .unwrap_or_default(),
            ),
            "iframe" | "frame" | "object" | "embed" | "audio" | "video" | "canvas" => {
                Some(attr_text(el, "title").unwrap_or_default())
            }
            _ => None,
        }
    }
}

fn push_children<T>(node: &NodeRef, stack: &mut Vec<T>, wrap: impl Fn(NodeRef) -> T) {
    let start = stack.len();
    let mut child = node.first_child();
    while let Some(c) = child {
        child = c.next_sibling();
        stack.push(wrap(c));
    }
    stack[start..].reverse();
}

fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(html: &str, id: &str) -> AccName {
        let p = Page::from_html(html, "https://www.example.gov.cn/");
        let ix = index(&p);
        let el = ix.element_by_id(&p, id).expect("element");
        accessible_name(&el)
    }

    fn text(html: &str, id: &str) -> String {
        name_of(html, id).text
    }

    #[test]
    fn labelledby_first_joined_and_hidden_targets_count() {
        let n = name_of(
            "<span id=a>开平</span><span id=b hidden>碉楼</span><a id=x href=/ aria-labelledby='a b missing' aria-label=no>内容</a>",
            "x",
        );
        assert_eq!(n.text, "开平 碉楼");
        assert_eq!(n.source, Source::LabelledBy);
    }

    #[test]
    fn labelledby_loops_end() {
        assert_eq!(
            text(
                "<div id=a role=button aria-labelledby='b'>甲</div><div id=b aria-labelledby='a'>乙<span aria-labelledby=a>丙</span></div>",
                "a"
            ),
            "乙丙"
        );
        assert_eq!(
            text("<div id=a role=button aria-labelledby=a>自己</div>", "a"),
            "自己"
        );
    }

    #[test]
    fn labelledby_to_empty_falls_through() {
        let n = name_of(
            "<span id=e></span><button id=x aria-labelledby=e>搜索</button>",
            "x",
        );
        assert_eq!((n.text.as_str(), n.source), ("搜索", Source::Contents));
    }

    #[test]
    fn aria_label_beats_content() {
        let n = name_of("<a id=x href=/ aria-label=' 首页 '>x</a>", "x");
        assert_eq!((n.text.as_str(), n.source), ("首页", Source::AriaLabel));
        // Whitespace-only aria-label is ignored.
        assert_eq!(text("<a id=x href=/ aria-label='  '>首页</a>", "x"), "首页");
    }

    #[test]
    fn images_and_alt() {
        let n = name_of("<img id=x src=a.png alt='开平碉楼' title=t>", "x");
        assert_eq!((n.text.as_str(), n.source), ("开平碉楼", Source::Alt));
        let n = name_of("<img id=x src=a.png alt='' title='提示'>", "x");
        assert_eq!((n.text.as_str(), n.source), ("提示", Source::Title));
        assert_eq!(
            text(
                "<a id=x href=/><img src=a.png alt='首页'> <img src=b.png alt=''></a>",
                "x"
            ),
            "首页"
        );
        assert_eq!(text("<a id=x href=/><img src=a.png></a>", "x"), "");
        assert_eq!(
            text("<a id=x href=/><img src=a.png title='返回顶部'></a>", "x"),
            "返回顶部"
        );
    }

    #[test]
    fn labels_for_and_wrapping() {
        let n = name_of("<label for=q>站内搜索</label><input id=q>", "q");
        assert_eq!((n.text.as_str(), n.source), ("站内搜索", Source::Label));
        let n = name_of("<label>姓名 <input id=q value='张三'> 必填</label>", "q");
        assert_eq!((n.text.as_str(), n.source), ("姓名 必填", Source::Label));
        // Two labels are joined.
        assert_eq!(
            text(
                "<label for=q>开始</label><input id=q><label for=q>日期</label>",
                "q"
            ),
            "开始 日期"
        );
        // A wrapping label whose for= names another control does not label this one.
        assert_eq!(
            text(
                "<label for=other>别的<input id=q placeholder=p></label><input id=other>",
                "q"
            ),
            "p"
        );
    }

    #[test]
    fn title_then_placeholder_last() {
        let n = name_of("<input id=q title='关键字' placeholder='请输入'>", "q");
        assert_eq!(n.source, Source::Title);
        let n = name_of("<input id=q placeholder='请输入关键字'>", "q");
        assert_eq!(
            (n.text.as_str(), n.source),
            ("请输入关键字", Source::Placeholder)
        );
        let n = name_of("<input id=q>", "q");
        assert!(n.is_empty());
        assert_eq!(n.source, Source::None);
    }

    #[test]
    fn input_buttons() {
        assert_eq!(
            name_of("<input id=x type=submit>", "x").source,
            Source::Default
        );
        assert_eq!(
            name_of("<input id=x type=submit value=''>", "x").source,
            Source::None
        );
        assert_eq!(
            name_of("<input id=x type=button>", "x").source,
            Source::None
        );
        assert_eq!(text("<input id=x type=button value='查询'>", "x"), "查询");
        assert_eq!(
            name_of("<input id=x type=button title='查询'>", "x").source,
            Source::Title
        );
        assert_eq!(
            text("<input id=x type=image src=s.gif alt='搜索'>", "x"),
            "搜索"
        );
    }

    #[test]
    fn content_skips_hidden_and_uses_embedded_values() {
        assert_eq!(
            text(
                "<button id=x><span aria-hidden=true>★</span>收藏<span style='display:none'>隐藏</span></button>",
                "x"
            ),
            "收藏"
        );
        assert_eq!(
            text(
                "<a id=x href=/>每页 <select><option>10</option><option selected>20</option></select> 条</a>",
                "x"
            ),
            "每页 20 条"
        );
        assert_eq!(
            text("<a id=x href=/>第<span aria-label='三'>3</span>页</a>", "x"),
            "第三页"
        );
    }

    #[test]
    fn native_captions() {
        assert_eq!(
            text(
                "<fieldset id=x><legend>联系方式</legend><input></fieldset>",
                "x"
            ),
            "联系方式"
        );
        assert_eq!(
            text(
                "<table id=x><caption>主要指标</caption><tr><td>1</td></tr></table>",
                "x"
            ),
            "主要指标"
        );
        assert_eq!(
            text("<svg id=x><title>地图</title><path/></svg>", "x"),
            "地图"
        );
        assert_eq!(text("<h2 id=x>  工作\n 动态 </h2>", "x"), "工作 动态");
        // A div gives no name from content.
        assert_eq!(text("<div id=x>正文</div>", "x"), "");
    }

    #[test]
    fn content_name_and_label_helpers() {
        let p = Page::from_html(
            "<a id=a href=/><img src=x alt='更多'>&gt;&gt;</a><label for=i></label><input id=i>",
            "https://x.gov.cn/",
        );
        let ix = index(&p);
        let a = ix.element_by_id(&p, "a").expect("a");
        assert_eq!(content_name(&a), "更多>>");
        let i = ix.element_by_id(&p, "i").expect("i");
        assert!(has_label_element(&i));
        assert_eq!(label_text(&i), None);
    }

    #[test]
    fn deep_nesting_is_iterative_and_budgeted() {
        let mut html = String::from("<a id=x href=/>");
        for _ in 0..5000 {
            html.push_str("<span>");
        }
        html.push('深');
        for _ in 0..5000 {
            html.push_str("</span>");
        }
        html.push_str("</a>");
        assert_eq!(text(&html, "x"), "深");
    }
}
