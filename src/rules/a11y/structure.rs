//! Page structure: ids (`a11y/duplicate-id`, `a11y/duplicate-id-aria`), headings
//! (`a11y/heading-order`, `a11y/empty-heading`, `a11y/page-has-heading-one`), lists
//! (`a11y/list`, `a11y/listitem`, `a11y/definition-list`, `a11y/dlitem`), bypass blocks and
//! landmarks (`a11y/bypass`, `a11y/landmark-*`), and keyboard order (`a11y/tabindex`,
//! `a11y/accesskeys`). All follow the axe-core rules of the same names.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::names::accessible_name;
use super::{A11yIndex, Role, index};
use crate::page::{El, ElementId, Page};
use crate::rules::{PageCx, Rule};
use crate::tr;

/// The ARIA attributes whose values are id references.
const IDREF_ATTRS: &[&str] = &[
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-activedescendant",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
];

/// Ids referenced by ARIA attributes or `<label for>`.
fn referenced_ids(page: &Page, ix: &A11yIndex) -> HashSet<String> {
    let mut out = HashSet::new();
    for id in ix.with_aria() {
        let el = page.el(*id);
        for attr in IDREF_ATTRS {
            if let Some(v) = el.attr(attr) {
                out.extend(v.split_whitespace().map(str::to_string));
            }
        }
    }
    for l in page.elements_named("label") {
        if let Some(f) = l.attr("for") {
            out.insert(f.trim().to_string());
        }
    }
    out
}

/// The second element of each id used more than once, with the count.
fn duplicates(page: &Page) -> Vec<(El<'_>, String, u32)> {
    let counts = page.id_counts();
    let mut seen: HashMap<&str, u32> = HashMap::new();
    let mut out = Vec::new();
    for el in page.elements() {
        let Some(id) = el.attr("id") else { continue };
        let id = id.to_string();
        let Some((key, &total)) = counts.get_key_value(id.as_str()) else {
            continue;
        };
        if total < 2 || id.trim().is_empty() {
            continue;
        }
        let n = seen.entry(key.as_str()).or_insert(0);
        *n += 1;
        if *n == 2 {
            out.push((el, id, total));
        }
    }
    out
}

/// `a11y/duplicate-id`: an `id` used by more than one element (WCAG 4.1.1 Parsing, in force
/// in WCAG 2.0/2.1, which GB/T 37668-2019 follows; obsolete in WCAG 2.2). Ids that ARIA or a
/// `<label>` refers to are `a11y/duplicate-id-aria` instead.
pub struct DuplicateId;

impl Rule for DuplicateId {
    fn id(&self) -> &'static str {
        "a11y/duplicate-id"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let refs = referenced_ids(page, &ix);
        for (el, id, total) in duplicates(page) {
            if refs.contains(&id) {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "id=\"{id}\" 在页面中出现了 {total} 次",
                "id=\"{id}\" is used {total} times on the page"
            );
            cx.report(&el, msg).data.insert("id".into(), id.into());
        }
    }
}

/// `a11y/duplicate-id-aria`: an `id` that `aria-labelledby`, `aria-describedby`, `label for`
/// and the like refer to, used by more than one element: the reference picks the first.
pub struct DuplicateIdAria;

impl Rule for DuplicateIdAria {
    fn id(&self) -> &'static str {
        "a11y/duplicate-id-aria"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let refs = referenced_ids(page, &ix);
        for (el, id, total) in duplicates(page) {
            if !refs.contains(&id) {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "被 ARIA 或 <label for> 引用的 id=\"{id}\" 在页面中出现了 {total} 次，引用只会指向第一个",
                "id=\"{id}\", referred to by ARIA or <label for>, is used {total} times; references reach only the first"
            );
            cx.report(&el, msg).data.insert("id".into(), id.into());
        }
    }
}

/// The heading level of an element with role heading, as axe-core reads it.
fn heading_level(el: &El<'_>) -> u32 {
    let tag_level = match el.name() {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    };
    let aria = el.attr_trimmed("aria-level");
    match (tag_level, aria) {
        (Some(l), None) => l,
        (_, Some(a)) => match a.parse::<u32>() {
            Ok(l) if (1..=6).contains(&l) => l,
            _ => 2,
        },
        (None, None) => 2,
    }
}

fn headings<'p>(page: &'p Page, ix: &A11yIndex) -> Vec<El<'p>> {
    page.elements()
        .filter(|e| ix.role(e.id()).is_some_and(|r| r.name() == "heading") && !ix.sr_hidden(e.id()))
        .collect()
}

/// `a11y/heading-order`: a heading more than one level deeper than the heading before it
/// (`<h1>` followed by `<h3>`). The first heading may have any level.
pub struct HeadingOrder;

impl Rule for HeadingOrder {
    fn id(&self) -> &'static str {
        "a11y/heading-order"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut prev: Option<u32> = None;
        for h in headings(page, &ix) {
            let level = heading_level(&h);
            if let Some(p) = prev
                && level > p + 1
            {
                let text = super::short(h.visible_text(), 30);
                let msg = tr!(
                    cx.lang,
                    "标题层级跳跃：h{p} 之后直接是 h{level}（“{text}”），缺少 h{}",
                    "heading levels skip: h{level} (\"{text}\") follows h{p}, with no h{} between",
                    p + 1
                );
                let f = cx.report(&h, msg);
                f.data.insert("level".into(), level.into());
                f.data.insert("previous".into(), p.into());
            }
            prev = Some(level);
        }
    }
}

/// `a11y/empty-heading`: a heading with no text (screen readers list it as an empty
/// heading).
pub struct EmptyHeading;

impl Rule for EmptyHeading {
    fn id(&self) -> &'static str {
        "a11y/empty-heading"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for h in headings(page, &ix) {
            if accessible_name(&h).is_empty() {
                let msg = tr!(
                    cx.lang,
                    "标题 <{}> 没有文字",
                    "heading <{}> has no text",
                    h.name()
                );
                cx.report(&h, msg);
            }
        }
    }
}

/// `a11y/page-has-heading-one`: the page has no level-one heading (`<h1>` or
/// `role="heading" aria-level="1"`) for screen-reader users to jump to the main content.
pub struct PageHasHeadingOne;

impl Rule for PageHasHeadingOne {
    fn id(&self) -> &'static str {
        "a11y/page-has-heading-one"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        if page.body().is_none_or(|b| b.name() == "frameset") {
            return;
        }
        let has = headings(page, &ix).iter().any(|h| heading_level(h) == 1);
        if !has {
            let msg = tr!(
                cx.lang,
                "页面没有一级标题（<h1>）",
                "the page has no level-one heading (<h1>)"
            );
            cx.report_page(msg);
        }
    }
}

/// Whether a child is visible to assistive technology (script/template count as hidden).
fn counts(el: &El<'_>, ix: &A11yIndex) -> bool {
    !ix.sr_hidden(el.id()) && !matches!(el.name(), "script" | "template" | "style")
}

fn has_text_child(el: &El<'_>) -> bool {
    el.node()
        .children()
        .any(|n| n.as_text().is_some_and(|t| !t.borrow().trim().is_empty()))
}

/// `a11y/list`: a `<ul>`/`<ol>` whose direct children are not all `<li>` (a `<div>`, an
/// `<a>`, loose text): screen readers announce a wrong number of items.
pub struct List;

impl Rule for List {
    fn id(&self) -> &'static str {
        "a11y/list"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named_any(&["ul", "ol"]) {
            if el.has_attr("role") || ix.sr_hidden(el.id()) || !el.is_html() {
                continue;
            }
            let mut bad: Vec<String> = Vec::new();
            if has_text_child(&el) {
                bad.push("#text".into());
            }
            for c in el.children() {
                if !counts(&c, &ix) {
                    continue;
                }
                let ok = match ix.explicit_role(c.id()) {
                    Some(r) => r.name() == "listitem",
                    None => c.name() == "li",
                };
                if !ok {
                    let what = match c.attr("role") {
                        Some(r) => format!("{}[role={}]", c.name(), r.trim()),
                        None => c.name().to_string(),
                    };
                    if !bad.contains(&what) {
                        bad.push(what);
                    }
                }
            }
            if bad.is_empty() {
                continue;
            }
            let list = bad.join(", ");
            let msg = tr!(
                cx.lang,
                "<{}> 的直接子元素只能是 <li>，这里有：{list}",
                "<{}> may only contain <li> directly; found: {list}",
                el.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/listitem`: an `<li>` that is not inside a `<ul>`, `<ol>` or `<menu>` (or an element
/// with `role="list"`).
pub struct ListItem;

impl Rule for ListItem {
    fn id(&self) -> &'static str {
        "a11y/listitem"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("li") {
            if el.has_attr("role") || ix.sr_hidden(el.id()) || !el.is_html() {
                continue;
            }
            let Some(parent) = el.parent() else { continue };
            let role = ix.role(parent.id()).map(Role::name);
            if matches!(role, Some("list" | "none" | "presentation")) {
                continue;
            }
            let msg = match parent.attr("role") {
                Some(r) if matches!(parent.name(), "ul" | "ol" | "menu") => tr!(
                    cx.lang,
                    "<li> 的父元素 <{}> 的 role=\"{}\" 去掉了列表语义",
                    "the parent <{}> of this <li> has role=\"{}\", which removes the list semantics",
                    parent.name(),
                    r.trim()
                ),
                _ => tr!(
                    cx.lang,
                    "<li> 不在 <ul>、<ol> 或 <menu> 中（父元素是 <{}>）",
                    "<li> is not inside <ul>, <ol> or <menu> (its parent is <{}>)",
                    parent.name()
                ),
            };
            cx.report(&el, msg);
        }
    }
}

/// `a11y/definition-list`: a `<dl>` whose direct children are not `<dt>`/`<dd>` groups (or
/// `<div>`s wrapping them), or that starts with a `<dd>` / ends with a `<dt>`.
pub struct DefinitionList;

impl Rule for DefinitionList {
    fn id(&self) -> &'static str {
        "a11y/definition-list"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("dl") {
            if el.has_attr("role") || ix.sr_hidden(el.id()) || !el.is_html() {
                continue;
            }
            let mut bad: Vec<String> = Vec::new();
            let mut items: Vec<&str> = Vec::new();
            let mut text = has_text_child(&el);
            let mut content: Vec<El<'_>> = Vec::new();
            for c in el.children() {
                if c.name() == "div" && c.attr("role").is_none() {
                    text |= has_text_child(&c);
                    content.extend(c.children());
                } else {
                    content.push(c);
                }
            }
            for c in content {
                if !counts(&c, &ix) {
                    continue;
                }
                let role = c
                    .attr("role")
                    .map(|r| r.trim().to_ascii_lowercase())
                    .filter(|r| !r.is_empty());
                match (c.name(), role.as_deref()) {
                    ("dt" | "dd", None) => items.push(c.name()),
                    (_, Some("definition" | "term" | "listitem")) => {}
                    (name, _) => {
                        if !bad.iter().any(|b| b == name) {
                            bad.push(name.to_string());
                        }
                    }
                }
            }
            if text {
                bad.push("#text".into());
            }
            let order_bad = items.first() == Some(&"dd") || items.last() == Some(&"dt");
            if bad.is_empty() && !order_bad {
                continue;
            }
            let msg = if !bad.is_empty() {
                let list = bad.join(", ");
                tr!(
                    cx.lang,
                    "<dl> 只能包含 <dt>/<dd>（或包裹它们的 <div>），这里有：{list}",
                    "<dl> may only contain <dt>/<dd> groups (or <div>s wrapping them); found: {list}"
                )
            } else {
                tr!(
                    cx.lang,
                    "<dl> 中的 <dt> 和 <dd> 顺序不对（应以 <dt> 开始、以 <dd> 结束）",
                    "<dt> and <dd> are out of order in this <dl> (it should start with <dt> and end with <dd>)"
                )
            };
            cx.report(&el, msg);
        }
    }
}

/// `a11y/dlitem`: a `<dt>`/`<dd>` that is not inside a `<dl>` (directly or through a
/// `<div>`).
pub struct DlItem;

impl Rule for DlItem {
    fn id(&self) -> &'static str {
        "a11y/dlitem"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named_any(&["dt", "dd"]) {
            if el.has_attr("role") || ix.sr_hidden(el.id()) || !el.is_html() {
                continue;
            }
            let Some(mut parent) = el.parent() else {
                continue;
            };
            let explicit = |e: &El<'_>| {
                e.attr("role")
                    .map(|r| r.trim().to_ascii_lowercase())
                    .filter(|r| !r.is_empty())
            };
            if parent.name() == "div"
                && explicit(&parent).is_none_or(|r| r == "presentation" || r == "none")
                && let Some(gp) = parent.parent()
            {
                parent = gp;
            }
            let ok = parent.name() == "dl"
                && explicit(&parent)
                    .is_none_or(|r| matches!(r.as_str(), "presentation" | "none" | "list"));
            if ok {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "<{}> 不在 <dl> 中（父元素是 <{}>）",
                "<{}> is not inside a <dl> (its parent is <{}>)",
                el.name(),
                parent.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/bypass`: a page with links but no way to skip the repeated blocks: no same-page
/// link (a "跳转到主要内容" skip link or any `href="#..."`), no heading and no `<main>`
/// landmark.
pub struct Bypass;

impl Rule for Bypass {
    fn id(&self) -> &'static str {
        "a11y/bypass"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let links: Vec<El<'_>> = page
            .elements_named("a")
            .filter(|a| a.has_attr("href"))
            .collect();
        if links.is_empty() {
            return;
        }
        let internal = links.iter().any(|a| {
            a.attr("href").is_some_and(|h| {
                let mut c = h.chars();
                c.next() == Some('#') && c.next().is_some_and(|n| n != '/' && n != '!')
            })
        });
        let heading = page.elements().any(|e| {
            let h =
                matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && !e.has_attr("role");
            let role_h = e
                .attr("role")
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("heading"));
            (h || role_h) && !ix.sr_hidden(e.id())
        });
        let main = page.elements().any(|e| {
            (e.name() == "main" && !e.has_attr("role"))
                || e.attr("role")
                    .is_some_and(|r| r.trim().eq_ignore_ascii_case("main"))
        });
        if internal || heading || main {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面没有“跳转到主要内容”之类的页内链接、标题或 <main> 区域，键盘用户无法跳过重复的导航",
            "the page has no skip link (same-page link), no heading and no <main> landmark: keyboard users cannot skip the repeated navigation"
        );
        cx.report_page(msg);
    }
}

/// The landmark role of an element (form and region only with a name).
fn landmark(el: &El<'_>, ix: &A11yIndex) -> Option<&'static str> {
    let r = ix.role(el.id())?;
    let name = r.name();
    match name {
        "banner" | "complementary" | "contentinfo" | "main" | "navigation" | "search" => Some(name),
        "form" | "region" => (!accessible_name(el).is_empty()).then_some(name),
        _ => None,
    }
}

fn landmarks<'p>(page: &'p Page, ix: &A11yIndex) -> Vec<(El<'p>, &'static str)> {
    page.elements()
        .filter(|e| !ix.sr_hidden(e.id()))
        .filter_map(|e| landmark(&e, ix).map(|l| (e, l)))
        .collect()
}

/// `a11y/landmark-one-main`: the page has no `<main>` (or `role="main"`) landmark.
pub struct LandmarkOneMain;

impl Rule for LandmarkOneMain {
    fn id(&self) -> &'static str {
        "a11y/landmark-one-main"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        if page.body().is_none_or(|b| b.name() == "frameset") {
            return;
        }
        if landmarks(page, &ix).iter().any(|(_, l)| *l == "main") {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面没有 <main>（或 role=\"main\"）主体内容区域",
            "the page has no <main> (or role=\"main\") landmark"
        );
        cx.report_page(msg);
    }
}

/// `a11y/landmark-no-duplicate-banner`, `-contentinfo`, `-main`: more than one such landmark.
pub struct LandmarkNoDuplicate {
    id: &'static str,
    role: &'static str,
}

impl LandmarkNoDuplicate {
    /// Banner (`<header>` at page level).
    pub const BANNER: LandmarkNoDuplicate = LandmarkNoDuplicate {
        id: "a11y/landmark-no-duplicate-banner",
        role: "banner",
    };
    /// Contentinfo (`<footer>` at page level).
    pub const CONTENTINFO: LandmarkNoDuplicate = LandmarkNoDuplicate {
        id: "a11y/landmark-no-duplicate-contentinfo",
        role: "contentinfo",
    };
    /// Main.
    pub const MAIN: LandmarkNoDuplicate = LandmarkNoDuplicate {
        id: "a11y/landmark-no-duplicate-main",
        role: "main",
    };
}

impl Rule for LandmarkNoDuplicate {
    fn id(&self) -> &'static str {
        self.id
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let found: Vec<El<'_>> = landmarks(page, &ix)
            .into_iter()
            .filter(|(_, l)| *l == self.role)
            .map(|(e, _)| e)
            .collect();
        if found.len() < 2 {
            return;
        }
        let n = found.len();
        let role = self.role;
        let msg = tr!(
            cx.lang,
            "页面有 {n} 个 {role} 区域，应只有一个",
            "the page has {n} {role} landmarks; there should be one"
        );
        cx.report(&found[1], msg).count = Some(n);
    }
}

/// `a11y/landmark-banner-is-top-level`, `-contentinfo-`, `-main-`: the landmark is inside
/// another landmark.
pub struct LandmarkTopLevel {
    id: &'static str,
    role: &'static str,
}

impl LandmarkTopLevel {
    /// Banner.
    pub const BANNER: LandmarkTopLevel = LandmarkTopLevel {
        id: "a11y/landmark-banner-is-top-level",
        role: "banner",
    };
    /// Contentinfo.
    pub const CONTENTINFO: LandmarkTopLevel = LandmarkTopLevel {
        id: "a11y/landmark-contentinfo-is-top-level",
        role: "contentinfo",
    };
    /// Main.
    pub const MAIN: LandmarkTopLevel = LandmarkTopLevel {
        id: "a11y/landmark-main-is-top-level",
        role: "main",
    };
}

impl Rule for LandmarkTopLevel {
    fn id(&self) -> &'static str {
        self.id
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for (el, l) in landmarks(page, &ix) {
            if l != self.role {
                continue;
            }
            let Some((outer, outer_role)) = el
                .ancestors()
                .find_map(|a| landmark(&a, &ix).map(|r| (a, r)))
            else {
                continue;
            };
            let role = self.role;
            let msg = tr!(
                cx.lang,
                "{role} 区域位于另一个区域（<{}> {outer_role}）之内，应在页面顶层",
                "the {role} landmark is inside another landmark (<{}> {outer_role}); it should be top-level",
                outer.name()
            );
            cx.report(&el, msg);
        }
    }
}

/// `a11y/landmark-unique`: two landmarks of the same role with the same name (or both
/// unnamed), which screen-reader users cannot tell apart.
pub struct LandmarkUnique;

impl Rule for LandmarkUnique {
    fn id(&self) -> &'static str {
        "a11y/landmark-unique"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
        for (el, role) in landmarks(page, &ix) {
            let name = accessible_name(&el).text.to_lowercase();
            let n = seen.entry((role.to_string(), name.clone())).or_insert(0);
            *n += 1;
            if *n != 2 {
                continue;
            }
            let msg = if name.is_empty() {
                tr!(
                    cx.lang,
                    "有多个没有名称的 {role} 区域，请用 aria-label 区分",
                    "several {role} landmarks have no name; tell them apart with aria-label"
                )
            } else {
                tr!(
                    cx.lang,
                    "有多个名称都是“{name}”的 {role} 区域",
                    "several {role} landmarks share the name \"{name}\""
                )
            };
            cx.report(&el, msg);
        }
    }
}

/// `a11y/tabindex`: a positive `tabindex`, which breaks the natural keyboard order.
pub struct Tabindex;

impl Rule for Tabindex {
    fn id(&self) -> &'static str {
        "a11y/tabindex"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            let Some(v) = el.attr_trimmed("tabindex") else {
                continue;
            };
            let Ok(n) = v.parse::<i64>() else { continue };
            if n <= 0 || ix.sr_hidden(el.id()) {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "tabindex=\"{n}\" 大于 0，会打乱键盘 Tab 键的顺序（应为 0 或 -1）",
                "tabindex=\"{n}\" is greater than 0 and upsets the keyboard tab order (use 0 or -1)"
            );
            cx.report(&el, msg).data.insert("tabindex".into(), n.into());
        }
    }
}

/// `a11y/accesskeys`: the same `accesskey` on several elements.
pub struct Accesskeys;

impl Rule for Accesskeys {
    fn id(&self) -> &'static str {
        "a11y/accesskeys"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let mut seen: HashMap<String, (ElementId, u32)> = HashMap::new();
        for el in page.elements() {
            let Some(key) = el.attr_trimmed("accesskey").filter(|k| !k.is_empty()) else {
                continue;
            };
            let lower = key.to_lowercase();
            let e = seen.entry(lower).or_insert((el.id(), 0));
            e.1 += 1;
            if e.1 == 2 {
                let msg = tr!(
                    cx.lang,
                    "快捷键 accesskey=\"{key}\" 被多个元素使用",
                    "accesskey=\"{key}\" is used by more than one element"
                );
                cx.report(&el, msg);
            }
        }
    }
}
