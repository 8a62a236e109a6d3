//! Accessibility rules (无障碍): the static checks of GB/T 37668-2019 / WCAG 2.x, named after
//! axe-core's rules where they mean the same thing, and the 无障碍 entry.
//!
//! The alt-text rules of `<img>`, `<input type=image>` and `<area>` live in
//! [`super::alt_text`]; everything else is here, one file per group:
//!
//! * [`names`]: the accessible-name computation every rule shares;
//! * [`aria`]: the WAI-ARIA role and attribute tables and the ARIA rules;
//! * [`images`], [`forms`], [`links`], [`document`], [`structure`], [`tables`], [`media`]:
//!   the rules by subject;
//! * [`css`] and [`contrast`]: the small style resolver (inline styles and `<style>` blocks
//!   with simple selectors) and the colour-contrast rules;
//! * [`review`]: the checks static HTML cannot decide, reported as "needs review";
//! * [`entry`]: the 无障碍 entry, the toolbar fingerprints, `entries.accessibility` facts.
//!
//! Every rule reads the per-page [`A11yIndex`] (ids, `label[for]`, each element's role and
//! hidden state), built once per page through [`Page::memo`], so the family stays linear in
//! the size of the page.

pub mod aria;
pub mod contrast;
pub mod css;
pub mod document;
pub mod entry;
pub mod forms;
pub mod images;
pub mod links;
pub mod media;
pub mod names;
pub mod review;
pub mod structure;
pub mod tables;

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::Family;
use crate::catalog::WcagLevel;
use crate::page::{El, ElementId, Page};

/// Options of the accessibility family (`[a11y]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct A11yOptions {
    /// Highest WCAG conformance level checked: A, AA or AAA (GB/T 37668-2019 一级/二级/三级 by
    /// govaudit's mapping) [default: AA]
    #[arg(long, value_enum, value_name = "LEVEL", ignore_case = true)]
    pub level: Option<WcagLevel>,

    /// Texts that make a link or button a 无障碍 entry when its name contains one of them
    /// (comma-separated; observed practice) [default: 无障碍,长者助手]
    #[arg(long = "a11y-entry-text", value_delimiter = ',', value_name = "TEXT")]
    pub entry_texts: Vec<String>,

    /// Report `a11y/document-title-duplicate` when this many pages of a site share one title
    /// [default: 3]
    #[arg(long = "a11y-duplicate-title-pages", value_name = "N")]
    pub duplicate_title_pages: Option<usize>,
}

impl A11yOptions {
    /// The conformance level.
    pub fn level(&self) -> WcagLevel {
        self.level.unwrap_or(WcagLevel::AA)
    }

    /// The entry texts.
    pub fn entry_texts(&self) -> Vec<String> {
        let given: Vec<String> = self
            .entry_texts
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if given.is_empty() {
            vec!["无障碍".to_string(), "长者助手".to_string()]
        } else {
            given
        }
    }

    /// The duplicate-title threshold (at least 2).
    pub fn duplicate_title_pages(&self) -> usize {
        self.duplicate_title_pages.unwrap_or(3).max(2)
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            // Images and other non-text content.
            Box::new(images::RoleImgAlt),
            Box::new(images::SvgImgAlt),
            Box::new(images::ObjectAlt),
            Box::new(images::ImageRedundantAlt),
            Box::new(images::ServerSideImageMap),
            Box::new(images::CaptchaAlternative),
            // Document.
            Box::new(document::HtmlHasLang),
            Box::new(document::HtmlLangValid),
            Box::new(document::ValidLang),
            Box::new(document::DocumentTitle),
            Box::new(document::DocumentTitleDuplicate),
            Box::new(document::MetaRefresh),
            Box::new(document::MetaRefreshNoExceptions),
            Box::new(document::MetaViewport),
            Box::new(document::FrameTitle),
            Box::new(document::FrameTitleUnique),
            // Links and forms.
            Box::new(links::LinkName),
            Box::new(links::LinkAmbiguous),
            Box::new(forms::ButtonName),
            Box::new(forms::InputButtonName),
            Box::new(forms::Label),
            Box::new(forms::SelectName),
            // Structure.
            Box::new(structure::DuplicateId),
            Box::new(structure::DuplicateIdAria),
            Box::new(structure::HeadingOrder),
            Box::new(structure::EmptyHeading),
            Box::new(structure::PageHasHeadingOne),
            Box::new(structure::List),
            Box::new(structure::ListItem),
            Box::new(structure::DefinitionList),
            Box::new(structure::DlItem),
            Box::new(structure::Bypass),
            Box::new(structure::LandmarkOneMain),
            Box::new(structure::LandmarkNoDuplicate::BANNER),
            Box::new(structure::LandmarkNoDuplicate::CONTENTINFO),
            Box::new(structure::LandmarkNoDuplicate::MAIN),
            Box::new(structure::LandmarkTopLevel::BANNER),
            Box::new(structure::LandmarkTopLevel::CONTENTINFO),
            Box::new(structure::LandmarkTopLevel::MAIN),
            Box::new(structure::LandmarkUnique),
            Box::new(structure::Tabindex),
            Box::new(structure::Accesskeys),
            // Tables.
            Box::new(tables::TdHeadersAttr),
            Box::new(tables::ThHasDataCells),
            Box::new(tables::ScopeAttrValid),
            Box::new(tables::EmptyTableHeader),
            Box::new(tables::TdHasHeader),
            // Time-based media and motion.
            Box::new(media::VideoCaption),
            Box::new(media::NoAutoplayAudio),
            Box::new(media::Marquee),
            Box::new(media::Blink),
            // ARIA.
            Box::new(aria::AriaRoles),
            Box::new(aria::AriaValidAttr),
            Box::new(aria::AriaValidAttrValue),
            Box::new(aria::RequiredAttr),
            Box::new(aria::AllowedAttr),
            Box::new(aria::AriaHiddenBody),
            Box::new(aria::AriaHiddenFocus),
            Box::new(aria::NestedInteractive),
            // Visual presentation.
            Box::new(contrast::ColorContrast::AA),
            Box::new(contrast::ColorContrast::AAA),
            Box::new(contrast::AvoidInlineSpacing),
            // Needs review.
            Box::new(review::LinkInTextBlock),
            Box::new(review::TargetSize),
            Box::new(review::ScrollableRegionFocusable),
            // The 无障碍 entry.
            Box::new(entry::EntryMissing),
            Box::new(entry::ToolbarScriptBroken),
        ],
        collectors: vec![Box::new(entry::EntryCollector)],
        sections: vec![entry::terminal_section],
    }
}

/// A role of the WAI-ARIA table ([`aria::ROLES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Role(pub u16);

impl Role {
    /// The role's name.
    pub fn name(self) -> &'static str {
        aria::def(self).name
    }

    /// Whether this is `none` or `presentation`.
    pub fn is_presentational(self) -> bool {
        matches!(self.name(), "none" | "presentation")
    }
}

const NO_ROLE: u16 = u16::MAX;

mod bits {
    /// Hidden from assistive technology: not rendered (inline style, `hidden`, a `<style>`
    /// rule), `aria-hidden="true"`, `inert`, or inside `<head>`/`<script>`/`<template>`.
    pub const SR_HIDDEN: u8 = 1;
    /// Not rendered because of a `<style>` block rule (`display:none`, `visibility:hidden`).
    pub const STYLE_HIDDEN: u8 = 2;
    /// Inside a sectioning element (article, aside, main, nav, section): `<header>` and
    /// `<footer>` there are not banner/contentinfo landmarks.
    pub const IN_SECTIONING: u8 = 4;
    /// The explicit role was dropped by the presentational-role conflict resolution.
    pub const ROLE_CONFLICT: u8 = 8;
    /// Inside `<head>`.
    pub const IN_HEAD: u8 = 16;
}

/// Per-page tables shared by the rules of the family.
pub struct A11yIndex {
    ids: HashMap<String, u32>,
    label_for: HashMap<String, Vec<u32>>,
    role: Vec<u16>,
    explicit: Vec<u16>,
    flags: Vec<u8>,
    with_aria: Vec<ElementId>,
    /// For each element, the index of the first focusable element after it in document
    /// order that is not hidden from assistive technology (`u32::MAX` if none).
    next_focusable: Vec<u32>,
    /// Remaining node visits for name-from-content computations on this page (see
    /// [`names`]): keeps the family linear on pathological pages.
    pub(crate) budget: Cell<usize>,
}

/// The family's index of a page, built once.
pub fn index(page: &Page) -> Rc<A11yIndex> {
    page.memo(A11yIndex::build)
}

impl A11yIndex {
    fn build(page: &Page) -> A11yIndex {
        let styles = css::styles(page);
        let n = page.element_count();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut label_for: HashMap<String, Vec<u32>> = HashMap::new();
        let mut role = vec![NO_ROLE; n];
        let mut explicit = vec![NO_ROLE; n];
        let mut flags = vec![0u8; n];
        let mut with_aria = Vec::new();
        for el in page.elements() {
            let i = el.id().0 as usize;
            let parent = el.parent().map(|p| p.id().0 as usize);
            let inherited = parent.map_or(0, |p| {
                flags[p] & (bits::SR_HIDDEN | bits::STYLE_HIDDEN | bits::IN_HEAD)
            });
            let mut f = inherited;
            if let Some(p) = parent {
                let pe = page.el(ElementId(p as u32));
                if flags[p] & bits::IN_SECTIONING != 0
                    || matches!(pe.name(), "article" | "aside" | "main" | "nav" | "section")
                {
                    f |= bits::IN_SECTIONING;
                }
            }
            if el.name() == "head" {
                f |= bits::IN_HEAD;
            }
            // Content of <script>, <template>, <noscript>, <iframe>, <object> (their
            // fallback) is not rendered; the elements themselves may be.
            let in_non_text = el.parent().is_some_and(|p| p.in_non_text());
            if el.is_aria_hidden()
                || (in_non_text && f & bits::IN_HEAD == 0)
                || el.has_attr("inert")
            {
                f |= bits::SR_HIDDEN;
            }
            if styles.hides(el.id()) {
                f |= bits::STYLE_HIDDEN | bits::SR_HIDDEN;
            }
            let mut has_aria = false;
            let mut has_global = false;
            el.any_attr_name(|k| {
                if let Some(name) = k.strip_prefix("aria-") {
                    has_aria = true;
                    if name != "hidden" && aria::is_global(k) {
                        has_global = true;
                    }
                }
                false
            });
            if has_aria {
                with_aria.push(el.id());
            }
            if let Some(id) = el.attr("id") {
                ids.entry(id.to_string()).or_insert(i as u32);
            }
            if el.name() == "label"
                && let Some(target) = el.attr("for")
            {
                label_for
                    .entry(target.to_string())
                    .or_default()
                    .push(i as u32);
            }
            let exp = explicit_role_of(&el);
            explicit[i] = exp.map_or(NO_ROLE, |r| r.0);
            let implicit = implicit_role(&el, f & bits::IN_SECTIONING != 0);
            let effective = match exp {
                Some(r) if r.is_presentational() => {
                    if is_focusable(&el) || has_global {
                        f |= bits::ROLE_CONFLICT;
                        implicit
                    } else {
                        Some(r)
                    }
                }
                Some(r) => Some(r),
                None => implicit,
            };
            role[i] = effective.map_or(NO_ROLE, |r| r.0);
            flags[i] = f;
        }
        let mut next_focusable = vec![u32::MAX; n];
        let mut next = u32::MAX;
        for i in (0..n).rev() {
            next_focusable[i] = next;
            let el = page.el(ElementId(i as u32));
            if flags[i] & bits::SR_HIDDEN == 0 && is_focusable(&el) {
                next = i as u32;
            }
        }
        A11yIndex {
            ids,
            label_for,
            role,
            explicit,
            flags,
            with_aria,
            next_focusable,
            budget: Cell::new(8 * n + 200_000),
        }
    }

    /// The first element with this `id` (a hash lookup, unlike [`Page::element_by_id`]).
    pub fn element_by_id<'p>(&self, page: &'p Page, id: &str) -> Option<El<'p>> {
        self.ids.get(id).map(|&i| page.el(ElementId(i)))
    }

    /// The `<label for=...>` elements pointing at this id.
    pub fn labels_for(&self, id: &str) -> &[u32] {
        self.label_for.get(id).map_or(&[], Vec::as_slice)
    }

    /// The effective role: the explicit role (first valid token of `role`), unless it is
    /// `none`/`presentation` on a focusable element or one with global ARIA attributes (then
    /// the implicit role), else the element's implicit HTML role.
    pub fn role(&self, id: ElementId) -> Option<Role> {
        let r = self.role[id.0 as usize];
        (r != NO_ROLE).then_some(Role(r))
    }

    /// The explicit role (first valid, non-abstract token of the `role` attribute).
    pub fn explicit_role(&self, id: ElementId) -> Option<Role> {
        let r = self.explicit[id.0 as usize];
        (r != NO_ROLE).then_some(Role(r))
    }

    /// Whether the element is presentational (`role="none"`/`"presentation"` that holds).
    pub fn is_presentational(&self, id: ElementId) -> bool {
        self.role(id).is_some_and(Role::is_presentational)
    }

    /// Whether the element is hidden from assistive technology (see [`bits::SR_HIDDEN`]).
    pub fn sr_hidden(&self, id: ElementId) -> bool {
        self.flags[id.0 as usize] & bits::SR_HIDDEN != 0
    }

    /// Whether a `<style>` rule hides the element (or an ancestor).
    pub fn style_hidden(&self, id: ElementId) -> bool {
        self.flags[id.0 as usize] & bits::STYLE_HIDDEN != 0
    }

    /// Whether the element is not rendered at all (inline style, `hidden`, `<style>` rule).
    pub fn not_rendered(&self, el: &El<'_>) -> bool {
        el.is_hidden() || self.style_hidden(el.id())
    }

    /// The first focusable descendant of `el` that is not hidden from assistive technology
    /// (found in O(1) from a table built once per page).
    pub fn focusable_descendant<'p>(&self, el: &El<'p>) -> Option<El<'p>> {
        let next = self.next_focusable[el.id().0 as usize];
        let end = aria::subtree_end(el);
        (next < end).then(|| el.page().el(ElementId(next)))
    }

    /// Elements with at least one `aria-*` attribute, in document order.
    pub fn with_aria(&self) -> &[ElementId] {
        &self.with_aria
    }
}

/// The explicit role: the first token of `role` that is a valid, non-abstract role.
pub fn explicit_role_of(el: &El<'_>) -> Option<Role> {
    let value = el.attr("role")?;
    value.split_whitespace().find_map(|t| {
        let r = aria::role_by_name(&t.to_ascii_lowercase())?;
        (aria::def(r).kind != aria::Kind::Abstract).then_some(r)
    })
}

fn named(name: &str) -> Option<Role> {
    aria::role_by_name(name)
}

/// The `type` of an `<input>`, lower-case (`text` when absent or unknown).
pub fn input_type(el: &El<'_>) -> String {
    el.attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "text".to_string())
}

fn has_author_name(el: &El<'_>) -> bool {
    ["aria-label", "aria-labelledby", "title"]
        .iter()
        .any(|a| el.attr(a).is_some_and(|v| !v.trim().is_empty()))
}

/// The implicit role of an HTML element (HTML-AAM / ARIA in HTML), simplified.
pub fn implicit_role(el: &El<'_>, in_sectioning: bool) -> Option<Role> {
    if !el.is_html() {
        return match el.name() {
            "svg" => named("graphics-document"),
            "math" => named("math"),
            _ => None,
        };
    }
    let name = match el.name() {
        "a" | "area" => {
            if el.has_attr("href") {
                "link"
            } else {
                "generic"
            }
        }
        "article" => "article",
        "aside" => "complementary",
        "button" => "button",
        "datalist" => "listbox",
        "dd" => "definition",
        "details" | "fieldset" | "optgroup" | "address" => "group",
        "dfn" | "dt" => "term",
        "dialog" => "dialog",
        "figure" => "figure",
        "footer" => {
            if in_sectioning {
                "generic"
            } else {
                "contentinfo"
            }
        }
        "header" => {
            if in_sectioning {
                "generic"
            } else {
                "banner"
            }
        }
        "form" => "form",
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
        "hr" => "separator",
        "html" => "document",
        "img" => {
            if el.attr("alt").is_some_and(|a| a.is_empty()) && !has_author_name(el) {
                "presentation"
            } else {
                "img"
            }
        }
        "input" => match input_type(el).as_str() {
            "button" | "image" | "reset" | "submit" => "button",
            "checkbox" => "checkbox",
            "radio" => "radio",
            "range" => "slider",
            "number" => "spinbutton",
            "search" if !el.has_attr("list") => "searchbox",
            "email" | "tel" | "text" | "url" | "search" => {
                if el.has_attr("list") {
                    "combobox"
                } else {
                    "textbox"
                }
            }
            _ => return None,
        },
        "li" => "listitem",
        "main" => "main",
        "math" => "math",
        "menu" | "ol" | "ul" => "list",
        "meter" => "meter",
        "nav" => "navigation",
        "option" => "option",
        "output" => "status",
        "p" => "paragraph",
        "progress" => "progressbar",
        "search" => "search",
        "section" => {
            if has_author_name(el) {
                "region"
            } else {
                "generic"
            }
        }
        "select" => {
            let size = el
                .attr("size")
                .and_then(|s| s.trim().parse::<u32>().ok())
                .unwrap_or(0);
            if el.has_attr("multiple") || size > 1 {
                "listbox"
            } else {
                "combobox"
            }
        }
        "table" => "table",
        "caption" => "caption",
        "tbody" | "thead" | "tfoot" => "rowgroup",
        "tr" => "row",
        "td" => "cell",
        "th" => {
            let scope = el
                .attr("scope")
                .map(|s| s.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if scope == "row" || scope == "rowgroup" {
                "rowheader"
            } else {
                "columnheader"
            }
        }
        "textarea" => "textbox",
        "blockquote" => "blockquote",
        "code" => "code",
        "del" => "deletion",
        "ins" => "insertion",
        "em" => "emphasis",
        "strong" => "strong",
        "sub" => "subscript",
        "sup" => "superscript",
        "time" => "time",
        "mark" => "mark",
        "b" | "bdi" | "bdo" | "body" | "data" | "div" | "i" | "pre" | "q" | "samp" | "small"
        | "span" | "u" => "generic",
        _ => return None,
    };
    named(name)
}

/// Whether the element can receive focus (natively or through `tabindex`).
pub fn is_focusable(el: &El<'_>) -> bool {
    if el.is_html() && is_disabled(el) {
        return false;
    }
    if let Some(t) = el.attr("tabindex")
        && t.trim().parse::<i64>().is_ok()
    {
        return true;
    }
    if el
        .attr("contenteditable")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("false"))
    {
        return true;
    }
    if !el.is_html() {
        return el.name() == "a" && (el.has_attr("href") || el.has_attr("xlink:href"));
    }
    match el.name() {
        "a" => el.has_attr("href"),
        "area" => el.has_attr("href"),
        "button" | "select" | "textarea" | "iframe" | "embed" => true,
        "input" => input_type(el) != "hidden",
        "audio" | "video" => el.has_attr("controls"),
        "summary" => el.parent().is_some_and(|p| p.name() == "details"),
        _ => false,
    }
}

/// Whether the element is reachable with the Tab key: focusable, no negative `tabindex`.
pub fn is_tabbable(el: &El<'_>) -> bool {
    is_focusable(el)
        && el
            .attr("tabindex")
            .and_then(|t| t.trim().parse::<i64>().ok())
            .is_none_or(|t| t >= 0)
}

/// Whether a form control is disabled (its own `disabled`, or a disabled `<fieldset>` outside
/// the fieldset's first legend).
pub fn is_disabled(el: &El<'_>) -> bool {
    if !matches!(
        el.name(),
        "button" | "input" | "select" | "textarea" | "optgroup" | "option" | "fieldset"
    ) {
        return false;
    }
    if el.has_attr("disabled") {
        return true;
    }
    el.ancestors()
        .any(|a| a.name() == "fieldset" && a.has_attr("disabled"))
}

/// Whether the element is exempt from name rules the way axe-core exempts it: hidden from
/// assistive technology, or presentational.
pub fn exempt(el: &El<'_>, ix: &A11yIndex) -> bool {
    ix.sr_hidden(el.id()) || ix.is_presentational(el.id())
}

/// A short, single-line version of a text for messages.
pub fn short(text: &str, max: usize) -> String {
    let collapsed = crate::dom::collapse_whitespace(text);
    crate::dom::truncate_chars(&collapsed, max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        Page::from_html(html, "https://www.example.gov.cn/")
    }

    #[test]
    fn roles_and_conflicts() {
        let p = page(
            "<a href=/x id=a>x</a><a id=b>y</a><img id=c alt=''><img id=d alt='' aria-label=z>\
             <button id=e role=none>b</button><div id=f role='foo link'>l</div>\
             <article><header id=g>h</header></article><header id=h>h</header><ul><li id=i>x</li></ul>",
        );
        let ix = index(&p);
        let role = |id: &str| {
            ix.element_by_id(&p, id)
                .and_then(|e| ix.role(e.id()))
                .map(Role::name)
        };
        assert_eq!(role("a"), Some("link"));
        assert_eq!(role("b"), Some("generic"));
        assert_eq!(role("c"), Some("presentation"));
        assert_eq!(role("d"), Some("img"));
        assert_eq!(role("e"), Some("button"), "focusable: role=none ignored");
        assert_eq!(role("f"), Some("link"), "first valid token");
        assert_eq!(role("g"), Some("generic"));
        assert_eq!(role("h"), Some("banner"));
        assert_eq!(role("i"), Some("listitem"));
    }

    #[test]
    fn hidden_from_style_blocks_and_inert() {
        let p = page(
            "<style>.hide{display:none} #gone{visibility:hidden}</style>\
             <div class='x hide'><a id=a href=/>x</a></div><p id=gone>g</p><div inert><a id=b href=/>b</a></div><a id=c href=/>c</a>",
        );
        let ix = index(&p);
        let hidden = |id: &str| ix.sr_hidden(ix.element_by_id(&p, id).expect("el").id());
        assert!(hidden("a"));
        assert!(hidden("gone"));
        assert!(hidden("b"));
        assert!(!hidden("c"));
    }

    #[test]
    fn options_from_config() {
        let o: A11yOptions = toml::from_str(
            "level = \"A\"\nentry-texts = [\"无障碍\", \"长者模式\"]\nduplicate-title-pages = 4",
        )
        .expect("parses");
        assert_eq!(o.level(), WcagLevel::A);
        assert_eq!(o.entry_texts(), vec!["无障碍", "长者模式"]);
        assert_eq!(o.duplicate_title_pages(), 4);
        let d = A11yOptions::default();
        assert_eq!(d.level(), WcagLevel::AA);
        assert_eq!(d.entry_texts(), vec!["无障碍", "长者助手"]);
        assert_eq!(d.duplicate_title_pages(), 3);
        assert!(toml::from_str::<A11yOptions>("levle = \"A\"").is_err());
    }

    #[test]
    fn focusable_and_tabbable() {
        let p = page(
            "<a id=a href=/>a</a><a id=b>b</a><div id=c tabindex=-1></div><button id=d disabled>d</button>\
             <fieldset disabled><input id=e></fieldset><span id=f tabindex=0></span><input id=g type=hidden>",
        );
        let ix = index(&p);
        let el = |id: &str| ix.element_by_id(&p, id).expect("el");
        assert!(is_tabbable(&el("a")));
        assert!(!is_focusable(&el("b")));
        assert!(is_focusable(&el("c")) && !is_tabbable(&el("c")));
        assert!(!is_focusable(&el("d")));
        assert!(!is_focusable(&el("e")));
        assert!(is_tabbable(&el("f")));
        assert!(!is_focusable(&el("g")));
    }
}
