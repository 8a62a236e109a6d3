//! WAI-ARIA data and the ARIA rules: `a11y/aria-roles`, `a11y/aria-valid-attr`,
//! `a11y/aria-valid-attr-value`, `a11y/aria-required-attr`, `a11y/aria-allowed-attr`,
//! `a11y/aria-hidden-body`, `a11y/aria-hidden-focus`, `a11y/nested-interactive`.
//!
//! The role and attribute tables below are data written from the WAI-ARIA 1.2
//! Recommendation (<https://www.w3.org/TR/wai-aria-1.2/>): §5.4 (role definitions: required and
//! supported states and properties, "Name From", "Children Presentational"), §6.6/§6.7
//! (global states and properties, value types). The Digital Publishing roles (DPUB-ARIA 1.1)
//! and the Graphics roles (Graphics-ARIA 1.0) are accepted as valid roles; so are the roles the
//! ARIA 1.3 draft adds (`comment`, `mark`, `suggestion`, `image`, `sectionheader`,
//! `sectionfooter`), because browsers and axe-core accept them.
//!
//! Where axe-core applies a rule more leniently than the letter of ARIA 1.2 we follow axe, so
//! that a finding means what axe's finding means, and say so at the place it happens.

use super::{Role, index, is_focusable, is_tabbable};
use crate::page::{El, Page};
use crate::rules::{PageCx, Rule};
use crate::tr;

/// What kind of role it is (WAI-ARIA 1.2 §5.3 categories, simplified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Abstract roles must not be used in content.
    Abstract,
    /// Interactive widgets (and composite widgets).
    Widget,
    /// Document structure.
    Structure,
    /// Landmarks.
    Landmark,
    /// Live regions.
    Live,
    /// Windows (dialog, alertdialog).
    Window,
}

/// One role of the table.
#[derive(Debug)]
pub struct RoleDef {
    /// The role name.
    pub name: &'static str,
    /// Its category.
    pub kind: Kind,
    /// Required states and properties (ARIA 1.2 "Required States and Properties").
    pub required: &'static [&'static str],
    /// Role-specific supported and inherited states and properties (globals excluded).
    pub supported: &'static [&'static str],
    /// Whether the role allows its name from its content ("Name From: contents").
    pub name_from_content: bool,
    /// Whether its children are presentational ("Children Presentational: True").
    pub children_presentational: bool,
    /// Deprecated in ARIA 1.2 (still valid).
    pub deprecated: bool,
}

const fn r(
    name: &'static str,
    kind: Kind,
    required: &'static [&'static str],
    supported: &'static [&'static str],
    name_from_content: bool,
    children_presentational: bool,
) -> RoleDef {
    RoleDef {
        name,
        kind,
        required,
        supported,
        name_from_content,
        children_presentational,
        deprecated: false,
    }
}

use Kind::{Abstract as A, Landmark as L, Live as V, Structure as S, Widget as W, Window as D};

const CELL: &[&str] = &[
    "aria-colindex",
    "aria-colspan",
    "aria-rowindex",
    "aria-rowspan",
];
const GRIDCELL: &[&str] = &[
    "aria-colindex",
    "aria-colspan",
    "aria-rowindex",
    "aria-rowspan",
    "aria-expanded",
    "aria-readonly",
    "aria-required",
    "aria-selected",
];
const HEADER: &[&str] = &[
    "aria-sort",
    "aria-colindex",
    "aria-colspan",
    "aria-rowindex",
    "aria-rowspan",
    "aria-expanded",
    "aria-readonly",
    "aria-required",
    "aria-selected",
];
const TEXTBOX: &[&str] = &[
    "aria-activedescendant",
    "aria-autocomplete",
    "aria-multiline",
    "aria-placeholder",
    "aria-readonly",
    "aria-required",
];
const RANGE: &[&str] = &[
    "aria-valuemax",
    "aria-valuemin",
    "aria-valuenow",
    "aria-valuetext",
];
const RANGE_ORIENTED: &[&str] = &[
    "aria-orientation",
    "aria-valuemax",
    "aria-valuemin",
    "aria-valuenow",
    "aria-valuetext",
];
const CHECKED: &[&str] = &[
    "aria-checked",
    "aria-expanded",
    "aria-readonly",
    "aria-required",
];
const MENUITEM_CHECKED: &[&str] = &[
    "aria-checked",
    "aria-expanded",
    "aria-posinset",
    "aria-setsize",
];
const POSITION: &[&str] = &["aria-posinset", "aria-setsize"];
const ACTIVE_ORIENT: &[&str] = &["aria-activedescendant", "aria-orientation"];

/// The role table (WAI-ARIA 1.2 §5.4, plus the roles listed in the module documentation).
pub static ROLES: &[RoleDef] = &[
    // Abstract roles.
    r("command", A, &[], &[], false, false),
    r("composite", A, &[], &[], false, false),
    r("input", A, &[], &[], false, false),
    r("landmark", A, &[], &[], false, false),
    r("range", A, &[], &[], false, false),
    r("roletype", A, &[], &[], false, false),
    r("section", A, &[], &[], false, false),
    r("sectionhead", A, &[], &[], false, false),
    r("select", A, &[], &[], false, false),
    r("structure", A, &[], &[], false, false),
    r("widget", A, &[], &[], false, false),
    r("window", A, &[], &[], false, false),
    // Concrete roles, WAI-ARIA 1.2.
    r("alert", V, &[], &[], false, false),
    r("alertdialog", D, &[], &["aria-modal"], false, false),
    r(
        "application",
        S,
        &[],
        &["aria-activedescendant", "aria-expanded"],
        false,
        false,
    ),
    r("article", S, &[], POSITION, false, false),
    r("banner", L, &[], &[], false, false),
    r("blockquote", S, &[], &[], false, false),
    r(
        "button",
        W,
        &[],
        &["aria-expanded", "aria-pressed"],
        true,
        true,
    ),
    r("caption", S, &[], &[], false, false),
    r("cell", S, &[], CELL, true, false),
    r("checkbox", W, &["aria-checked"], CHECKED, true, true),
    r("code", S, &[], &[], false, false),
    r("columnheader", S, &[], HEADER, true, false),
    r(
        "combobox",
        W,
        // ARIA 1.2 also requires aria-controls; like axe-core we require it only when the
        // popup is expanded (see `RequiredAttr`).
        &["aria-expanded"],
        &[
            "aria-activedescendant",
            "aria-autocomplete",
            "aria-expanded",
            "aria-readonly",
            "aria-required",
        ],
        false,
        false,
    ),
    r("complementary", L, &[], &[], false, false),
    r("contentinfo", L, &[], &[], false, false),
    r("definition", S, &[], &[], false, false),
    r("deletion", S, &[], &[], false, false),
    r("dialog", D, &[], &["aria-modal"], false, false),
    RoleDef {
        deprecated: true,
        ..r("directory", S, &[], &[], false, false)
    },
    r("document", S, &[], &[], false, false),
    r("emphasis", S, &[], &[], false, false),
    r("feed", S, &[], &[], false, false),
    r("figure", S, &[], &[], false, false),
    r("form", L, &[], &[], false, false),
    r("generic", S, &[], &[], false, false),
    r(
        "grid",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-colcount",
            "aria-multiselectable",
            "aria-readonly",
            "aria-rowcount",
        ],
        false,
        false,
    ),
    r("gridcell", W, &[], GRIDCELL, true, false),
    r("group", S, &[], &["aria-activedescendant"], false, false),
    r("heading", S, &["aria-level"], &["aria-level"], true, false),
    r("img", S, &[], &[], false, true),
    r("insertion", S, &[], &[], false, false),
    r("link", W, &[], &["aria-expanded"], true, false),
    r("list", S, &[], &[], false, false),
    r(
        "listbox",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-expanded",
            "aria-multiselectable",
            "aria-orientation",
            "aria-readonly",
            "aria-required",
        ],
        false,
        false,
    ),
    r(
        "listitem",
        S,
        &[],
        &["aria-level", "aria-posinset", "aria-setsize"],
        false,
        false,
    ),
    r("log", V, &[], &[], false, false),
    r("main", L, &[], &[], false, false),
    r("marquee", V, &[], &[], false, false),
    r("math", S, &[], &[], false, true),
    r("menu", W, &[], ACTIVE_ORIENT, false, false),
    r("menubar", W, &[], ACTIVE_ORIENT, false, false),
    r(
        "menuitem",
        W,
        &[],
        &["aria-expanded", "aria-posinset", "aria-setsize"],
        true,
        false,
    ),
    r(
        "menuitemcheckbox",
        W,
        &["aria-checked"],
        MENUITEM_CHECKED,
        true,
        true,
    ),
    r(
        "menuitemradio",
        W,
        &["aria-checked"],
        MENUITEM_CHECKED,
        true,
        true,
    ),
    r("meter", S, &["aria-valuenow"], RANGE, false, true),
    r("navigation", L, &[], &[], false, false),
    r("none", S, &[], &[], false, false),
    r("note", S, &[], &[], false, false),
    r(
        "option",
        W,
        &[],
        &[
            "aria-checked",
            "aria-posinset",
            "aria-selected",
            "aria-setsize",
        ],
        true,
        true,
    ),
    r("paragraph", S, &[], &[], false, false),
    r("presentation", S, &[], &[], false, false),
    r("progressbar", W, &[], RANGE, false, true),
    r(
        "radio",
        W,
        &["aria-checked"],
        &["aria-checked", "aria-posinset", "aria-setsize"],
        true,
        true,
    ),
    r(
        "radiogroup",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-orientation",
            "aria-readonly",
            "aria-required",
        ],
        false,
        false,
    ),
    r("region", L, &[], &[], false, false),
    r(
        "row",
        S,
        &[],
        &[
            "aria-colindex",
            "aria-expanded",
            "aria-level",
            "aria-posinset",
            "aria-rowindex",
            "aria-selected",
            "aria-setsize",
        ],
        true,
        false,
    ),
    r("rowgroup", S, &[], &[], false, false),
    r("rowheader", S, &[], HEADER, true, false),
    // ARIA 1.2 lists aria-controls as required too; the ARIA 1.3 draft and axe-core do not.
    r(
        "scrollbar",
        W,
        &["aria-valuenow"],
        RANGE_ORIENTED,
        false,
        true,
    ),
    r("search", L, &[], &[], false, false),
    r("searchbox", W, &[], TEXTBOX, false, false),
    // aria-valuenow is required only for a focusable separator (see `RequiredAttr`).
    r(
        "separator",
        S,
        &["aria-valuenow"],
        RANGE_ORIENTED,
        false,
        true,
    ),
    r(
        "slider",
        W,
        &["aria-valuenow"],
        &[
            "aria-orientation",
            "aria-readonly",
            "aria-valuemax",
            "aria-valuemin",
            "aria-valuenow",
            "aria-valuetext",
        ],
        false,
        true,
    ),
    r(
        "spinbutton",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-readonly",
            "aria-required",
            "aria-valuemax",
            "aria-valuemin",
            "aria-valuenow",
            "aria-valuetext",
        ],
        false,
        false,
    ),
    r("status", V, &[], &[], false, false),
    r("strong", S, &[], &[], false, false),
    r("subscript", S, &[], &[], false, false),
    r("superscript", S, &[], &[], false, false),
    r("switch", W, &["aria-checked"], CHECKED, true, true),
    r(
        "tab",
        W,
        &[],
        &[
            "aria-expanded",
            "aria-posinset",
            "aria-selected",
            "aria-setsize",
        ],
        true,
        true,
    ),
    r(
        "table",
        S,
        &[],
        &["aria-colcount", "aria-rowcount"],
        false,
        false,
    ),
    r(
        "tablist",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-multiselectable",
            "aria-orientation",
        ],
        false,
        false,
    ),
    r("tabpanel", S, &[], &[], false, false),
    r("term", S, &[], &[], false, false),
    r("textbox", W, &[], TEXTBOX, false, false),
    r("time", S, &[], &[], false, false),
    r("timer", V, &[], &[], false, false),
    r("toolbar", S, &[], ACTIVE_ORIENT, false, false),
    r("tooltip", S, &[], &[], true, false),
    r(
        "tree",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-multiselectable",
            "aria-orientation",
            "aria-required",
        ],
        false,
        false,
    ),
    r(
        "treegrid",
        W,
        &[],
        &[
            "aria-activedescendant",
            "aria-colcount",
            "aria-multiselectable",
            "aria-orientation",
            "aria-readonly",
            "aria-required",
            "aria-rowcount",
        ],
        false,
        false,
    ),
    r(
        "treeitem",
        W,
        &[],
        &[
            "aria-checked",
            "aria-expanded",
            "aria-level",
            "aria-posinset",
            "aria-selected",
            "aria-setsize",
        ],
        true,
        false,
    ),
    // ARIA 1.3 draft roles, accepted as valid.
    r("comment", S, &[], POSITION, false, false),
    r("image", S, &[], &[], false, true),
    r("mark", S, &[], &[], false, false),
    r("sectionfooter", S, &[], &[], false, false),
    r("sectionheader", S, &[], &[], false, false),
    r("suggestion", S, &[], &[], false, false),
    // Graphics-ARIA 1.0.
    r("graphics-document", S, &[], &[], false, false),
    r("graphics-object", S, &[], &[], false, false),
    r("graphics-symbol", S, &[], &[], false, true),
    // DPUB-ARIA 1.1 (each behaves like its superclass).
    r("doc-abstract", S, &[], &[], false, false),
    r("doc-acknowledgments", L, &[], &[], false, false),
    r("doc-afterword", L, &[], &[], false, false),
    r("doc-appendix", L, &[], &[], false, false),
    r("doc-backlink", W, &[], &["aria-expanded"], true, false),
    RoleDef {
        deprecated: true,
        ..r("doc-biblioentry", S, &[], POSITION, false, false)
    },
    r("doc-bibliography", L, &[], &[], false, false),
    r("doc-biblioref", W, &[], &["aria-expanded"], true, false),
    r("doc-chapter", L, &[], &[], false, false),
    r("doc-colophon", S, &[], &[], false, false),
    r("doc-conclusion", L, &[], &[], false, false),
    r("doc-cover", S, &[], &[], false, true),
    r("doc-credit", S, &[], &[], false, false),
    r("doc-credits", L, &[], &[], false, false),
    r("doc-dedication", S, &[], &[], false, false),
    RoleDef {
        deprecated: true,
        ..r("doc-endnote", S, &[], POSITION, false, false)
    },
    r("doc-endnotes", L, &[], &[], false, false),
    r("doc-epigraph", S, &[], &[], false, false),
    r("doc-epilogue", L, &[], &[], false, false),
    r("doc-errata", L, &[], &[], false, false),
    r("doc-example", S, &[], &[], false, false),
    r("doc-footnote", S, &[], &[], false, false),
    r("doc-foreword", L, &[], &[], false, false),
    r("doc-glossary", L, &[], &[], false, false),
    r("doc-glossref", W, &[], &["aria-expanded"], true, false),
    r("doc-index", L, &[], &[], false, false),
    r("doc-introduction", L, &[], &[], false, false),
    r("doc-noteref", W, &[], &["aria-expanded"], true, false),
    r("doc-notice", S, &[], &[], false, false),
    r("doc-pagebreak", S, &[], RANGE_ORIENTED, false, true),
    r("doc-pagelist", L, &[], &[], false, false),
    r("doc-part", L, &[], &[], false, false),
    r("doc-preface", L, &[], &[], false, false),
    r("doc-prologue", L, &[], &[], false, false),
    r("doc-pullquote", S, &[], &[], false, false),
    r("doc-qna", S, &[], &[], false, false),
    r("doc-subtitle", S, &[], &[], false, false),
    r("doc-tip", S, &[], &[], false, false),
    r("doc-toc", L, &[], &[], false, false),
];

/// The role with this name (lower-case), if it exists.
pub fn role_by_name(name: &str) -> Option<Role> {
    ROLES
        .iter()
        .position(|r| r.name == name)
        .map(|i| Role(i as u16))
}

/// The definition of a role.
pub fn def(role: Role) -> &'static RoleDef {
    &ROLES[role.0 as usize]
}

/// How an attribute's value is checked (WAI-ARIA 1.2 §6.7 value types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `true` / `false`.
    Bool,
    /// `true` / `false` / `undefined`.
    BoolUndefined,
    /// `true` / `false` / `mixed` / `undefined`.
    Tristate,
    /// One of the listed tokens.
    Token(&'static [&'static str]),
    /// Space-separated tokens from the list.
    TokenList(&'static [&'static str]),
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// One id reference.
    IdRef,
    /// A list of id references.
    IdRefs,
    /// Any string.
    Text,
}

/// One ARIA state or property.
#[derive(Debug)]
pub struct AttrDef {
    /// The attribute name.
    pub name: &'static str,
    /// The value type.
    pub value: ValueType,
    /// Global: allowed on every role (including the ones ARIA 1.2 deprecated as global but
    /// still allows everywhere: aria-disabled, aria-errormessage, aria-haspopup,
    /// aria-invalid, aria-dropeffect, aria-grabbed).
    pub global: bool,
}

const fn a(name: &'static str, value: ValueType, global: bool) -> AttrDef {
    AttrDef {
        name,
        value,
        global,
    }
}

use ValueType::{
    Bool, BoolUndefined, IdRef, IdRefs, Integer, Number, Text, Token, TokenList, Tristate,
};

/// Every ARIA 1.2 state and property (plus the ARIA 1.3 draft's `aria-description`,
/// `aria-braillelabel`, `aria-brailleroledescription`, `aria-colindextext`,
/// `aria-rowindextext`, which browsers support).
pub static ATTRS: &[AttrDef] = &[
    a("aria-activedescendant", IdRef, false),
    a("aria-atomic", Bool, true),
    a(
        "aria-autocomplete",
        Token(&["inline", "list", "both", "none"]),
        false,
    ),
    a("aria-braillelabel", Text, true),
    a("aria-brailleroledescription", Text, true),
    a("aria-busy", Bool, true),
    a("aria-checked", Tristate, false),
    a("aria-colcount", Integer, false),
    a("aria-colindex", Integer, false),
    a("aria-colindextext", Text, false),
    a("aria-colspan", Integer, false),
    a("aria-controls", IdRefs, true),
    a(
        "aria-current",
        Token(&["page", "step", "location", "date", "time", "true", "false"]),
        true,
    ),
    a("aria-describedby", IdRefs, true),
    a("aria-description", Text, true),
    a("aria-details", IdRef, true),
    a("aria-disabled", Bool, true),
    a(
        "aria-dropeffect",
        TokenList(&["copy", "execute", "link", "move", "none", "popup"]),
        true,
    ),
    a("aria-errormessage", IdRef, true),
    a("aria-expanded", BoolUndefined, false),
    a("aria-flowto", IdRefs, true),
    a("aria-grabbed", BoolUndefined, true),
    a(
        "aria-haspopup",
        Token(&["false", "true", "menu", "listbox", "tree", "grid", "dialog"]),
        true,
    ),
    a("aria-hidden", BoolUndefined, true),
    a(
        "aria-invalid",
        Token(&["grammar", "false", "spelling", "true"]),
        true,
    ),
    a("aria-keyshortcuts", Text, true),
    a("aria-label", Text, true),
    a("aria-labelledby", IdRefs, true),
    a("aria-level", Integer, false),
    a("aria-live", Token(&["assertive", "off", "polite"]), true),
    a("aria-modal", Bool, false),
    a("aria-multiline", Bool, false),
    a("aria-multiselectable", Bool, false),
    a(
        "aria-orientation",
        Token(&["horizontal", "undefined", "vertical"]),
        false,
    ),
    a("aria-owns", IdRefs, true),
    a("aria-placeholder", Text, false),
    a("aria-posinset", Integer, false),
    a("aria-pressed", Tristate, false),
    a("aria-readonly", Bool, false),
    a(
        "aria-relevant",
        TokenList(&["additions", "all", "removals", "text"]),
        true,
    ),
    a("aria-required", Bool, false),
    a("aria-roledescription", Text, true),
    a("aria-rowcount", Integer, false),
    a("aria-rowindex", Integer, false),
    a("aria-rowindextext", Text, false),
    a("aria-rowspan", Integer, false),
    a("aria-selected", BoolUndefined, false),
    a("aria-setsize", Integer, false),
    a(
        "aria-sort",
        Token(&["ascending", "descending", "none", "other"]),
        false,
    ),
    a("aria-valuemax", Number, false),
    a("aria-valuemin", Number, false),
    a("aria-valuenow", Number, false),
    a("aria-valuetext", Text, false),
];

/// The definition of an ARIA attribute.
pub fn attr_def(name: &str) -> Option<&'static AttrDef> {
    ATTRS.iter().find(|a| a.name == name)
}

/// Whether the attributes a global ARIA attribute (used by the presentational-role conflict
/// resolution: `role="none"` with a global ARIA attribute is not presentational).
pub fn is_global(name: &str) -> bool {
    attr_def(name).is_some_and(|a| a.global)
}

/// Whether a value is valid for an attribute type. `exists` answers whether an id is on the
/// page. `None` means the value cannot be judged here (it is left to other rules).
pub fn value_ok(attr: &AttrDef, value: &str, exists: &dyn Fn(&str) -> bool) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    match attr.value {
        // An empty value means "not set" for the token types (the attribute's default).
        Bool => v.is_empty() || lower == "true" || lower == "false",
        BoolUndefined => v.is_empty() || matches!(lower.as_str(), "true" | "false" | "undefined"),
        Tristate => {
            v.is_empty() || matches!(lower.as_str(), "true" | "false" | "mixed" | "undefined")
        }
        Token(list) => v.is_empty() || list.contains(&lower.as_str()),
        TokenList(list) => lower.split_whitespace().all(|t| list.contains(&t)),
        Integer => {
            let s = v.strip_prefix(['-', '+']).unwrap_or(v);
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
        }
        Number => !v.is_empty() && v.parse::<f64>().is_ok_and(f64::is_finite),
        IdRef => v.is_empty() || exists(v),
        IdRefs => v.is_empty() || v.split_whitespace().any(exists),
        Text => true,
    }
}

/// `a11y/aria-roles`: a `role` attribute with no valid role, or with an abstract role.
pub struct AriaRoles;

impl Rule for AriaRoles {
    fn id(&self) -> &'static str {
        "a11y/aria-roles"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            let Some(value) = el.attr("role") else {
                continue;
            };
            let value = value.to_string();
            if value.trim().is_empty() || ix.sr_hidden(el.id()) {
                continue;
            }
            let tokens: Vec<String> = value
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect();
            let defs: Vec<Option<Role>> = tokens.iter().map(|t| role_by_name(t)).collect();
            let abstract_used: Vec<&str> = tokens
                .iter()
                .zip(&defs)
                .filter(|(_, d)| d.is_some_and(|d| def(d).kind == Kind::Abstract))
                .map(|(t, _)| t.as_str())
                .collect();
            if defs.iter().all(Option::is_none) {
                let msg = tr!(
                    cx.lang,
                    "role=\"{value}\" 不是有效的 WAI-ARIA 角色",
                    "role=\"{value}\" is not a valid WAI-ARIA role"
                );
                cx.report(&el, msg).data.insert("role".into(), value.into());
            } else if !abstract_used.is_empty() {
                let which = abstract_used.join(" ");
                let msg = tr!(
                    cx.lang,
                    "role=\"{which}\" 是抽象角色，不能在网页中使用",
                    "role=\"{which}\" is an abstract role and must not be used in content"
                );
                cx.report(&el, msg).data.insert("role".into(), which.into());
            }
        }
    }
}

/// Elements carrying at least one `aria-*` attribute, with their attributes (only those).
fn aria_attrs(el: &El<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in el.attrs() {
        if k.starts_with("aria-") {
            out.push((k, v));
        }
    }
    out
}

/// `a11y/aria-valid-attr`: an `aria-*` attribute that WAI-ARIA does not define (a typo such
/// as `aria-labeledby`).
pub struct AriaValidAttr;

impl Rule for AriaValidAttr {
    fn id(&self) -> &'static str {
        "a11y/aria-valid-attr"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for id in ix.with_aria() {
            let el = page.el(*id);
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let bad: Vec<String> = aria_attrs(&el)
                .into_iter()
                .filter(|(k, _)| attr_def(k).is_none())
                .map(|(k, _)| k)
                .collect();
            if bad.is_empty() {
                continue;
            }
            let list = bad.join(", ");
            let hint = suggestion(&bad[0]);
            let msg = match hint {
                Some(h) => tr!(
                    cx.lang,
                    "无效的 ARIA 属性：{list}（是否想写 {h}？）",
                    "invalid ARIA attribute: {list} (did you mean {h}?)"
                ),
                None => tr!(
                    cx.lang,
                    "无效的 ARIA 属性：{list}",
                    "invalid ARIA attribute: {list}"
                ),
            };
            cx.report(&el, msg)
                .data
                .insert("attributes".into(), bad.into());
        }
    }
}

/// The closest valid attribute name to a misspelled one (edit distance ≤ 2).
fn suggestion(bad: &str) -> Option<&'static str> {
    ATTRS
        .iter()
        .map(|a| (edit_distance(a.name, bad), a.name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `a11y/aria-valid-attr-value`: an ARIA attribute whose value is not allowed
/// (`aria-hidden="yes"`, `aria-level="two"`, `aria-controls` pointing at no element).
///
/// As in axe-core, `aria-labelledby` and `aria-describedby` references are left to the name
/// rules, and `aria-controls` / `aria-owns` may point at a missing element while the element
/// is collapsed (`aria-expanded="false"`), since the popup may not be rendered yet.
pub struct AriaValidAttrValue;

impl Rule for AriaValidAttrValue {
    fn id(&self) -> &'static str {
        "a11y/aria-valid-attr-value"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let exists = |id: &str| ix.element_by_id(page, id).is_some();
        for id in ix.with_aria() {
            let el = page.el(*id);
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let attrs = aria_attrs(&el);
            let collapsed = attrs
                .iter()
                .any(|(k, v)| k == "aria-expanded" && v.trim().eq_ignore_ascii_case("false"));
            let has_popup = attrs.iter().any(|(k, v)| {
                k == "aria-haspopup"
                    && !v.trim().is_empty()
                    && !v.trim().eq_ignore_ascii_case("false")
            });
            for (k, v) in &attrs {
                let Some(def) = attr_def(k) else { continue };
                if matches!(k.as_str(), "aria-labelledby" | "aria-describedby") {
                    continue;
                }
                if matches!(k.as_str(), "aria-controls" | "aria-owns") && (collapsed || has_popup) {
                    continue;
                }
                if value_ok(def, v, &exists) {
                    continue;
                }
                let expected = expected_text(def, cx.lang);
                let msg = tr!(
                    cx.lang,
                    "{k}=\"{v}\" 的值无效（应为{expected}）",
                    "{k}=\"{v}\" has an invalid value (expected {expected})"
                );
                let f = cx.report(&el, msg);
                f.data.insert("attribute".into(), k.clone().into());
                f.data.insert("value".into(), v.clone().into());
            }
        }
    }
}

fn expected_text(def: &AttrDef, lang: crate::i18n::Lang) -> String {
    match def.value {
        Bool => "true / false".into(),
        BoolUndefined => "true / false / undefined".into(),
        Tristate => "true / false / mixed / undefined".into(),
        Token(list) | TokenList(list) => list.join(" / "),
        Integer => lang.pick("整数", "an integer").into(),
        Number => lang.pick("数字", "a number").into(),
        IdRef | IdRefs => lang
            .pick("页面上存在的元素 id", "the id of an element on the page")
            .into(),
        Text => String::new(),
    }
}

/// `a11y/aria-required-attr`: an element with an explicit role that lacks the role's required
/// states and properties (`role="checkbox"` without `aria-checked`).
///
/// Native HTML supplies some of them: an `<input type="checkbox" role="switch">` has a checked
/// state, an `<input type="range" role="slider">` a value, an `<h2 role="heading">` a level.
pub struct RequiredAttr;

impl Rule for RequiredAttr {
    fn id(&self) -> &'static str {
        "a11y/aria-required-attr"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            if !el.has_attr("role") || ix.sr_hidden(el.id()) {
                continue;
            }
            let Some(role) = ix.explicit_role(el.id()) else {
                continue;
            };
            let d = def(role);
            if d.required.is_empty() {
                continue;
            }
            let mut missing: Vec<&str> = Vec::new();
            for req in d.required {
                if el.attr(req).is_some_and(|v| !v.trim().is_empty()) {
                    continue;
                }
                if native_supplies(&el, d.name, req) {
                    continue;
                }
                if d.name == "separator" && !is_focusable(&el) {
                    continue;
                }
                missing.push(req);
            }
            if d.name == "combobox"
                && el
                    .attr("aria-expanded")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                && el.attr("aria-controls").is_none_or(|v| v.trim().is_empty())
                && el.attr("aria-owns").is_none_or(|v| v.trim().is_empty())
            {
                missing.push("aria-controls");
            }
            if missing.is_empty() {
                continue;
            }
            let list = missing.join(", ");
            let role_name = d.name;
            let msg = tr!(
                cx.lang,
                "role=\"{role_name}\" 缺少必需的属性：{list}",
                "role=\"{role_name}\" is missing required attributes: {list}"
            );
            cx.report(&el, msg)
                .data
                .insert("missing".into(), missing.into());
        }
    }
}

/// Whether native HTML semantics supply a required attribute.
fn native_supplies(el: &El<'_>, role: &str, attr: &str) -> bool {
    let input_type = el
        .attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match (el.name(), attr) {
        ("input", "aria-checked") => matches!(input_type.as_str(), "checkbox" | "radio"),
        ("input", "aria-valuenow") => matches!(input_type.as_str(), "range" | "number"),
        ("meter" | "progress", "aria-valuenow") => true,
        ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", "aria-level") => role == "heading",
        ("select", "aria-expanded") => true,
        _ => false,
    }
}

/// `a11y/aria-allowed-attr`: a role-specific ARIA attribute on an element whose role does not
/// support it (`aria-checked` on a link, `aria-level` on a button).
pub struct AllowedAttr;

impl Rule for AllowedAttr {
    fn id(&self) -> &'static str {
        "a11y/aria-allowed-attr"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for id in ix.with_aria() {
            let el = page.el(*id);
            if ix.sr_hidden(el.id()) {
                continue;
            }
            let role = ix.role(el.id());
            let supported: &[&str] = role.map_or(&[], |r| def(r).supported);
            let mut bad: Vec<String> = Vec::new();
            for (k, _) in aria_attrs(&el) {
                let Some(d) = attr_def(&k) else { continue };
                if d.global || supported.contains(&k.as_str()) {
                    continue;
                }
                // Rows of a tree grid take tree attributes (as in axe-core).
                if el.name() == "tr"
                    && matches!(
                        k.as_str(),
                        "aria-posinset" | "aria-setsize" | "aria-expanded" | "aria-level"
                    )
                {
                    continue;
                }
                bad.push(k);
            }
            if bad.is_empty() {
                continue;
            }
            let list = bad.join(", ");
            let role_name = role.map_or(cx.lang.pick("（无）", "(none)"), |r| def(r).name);
            let msg = tr!(
                cx.lang,
                "{list} 不能用在角色为 {role_name} 的 <{}> 上",
                "{list} is not allowed on <{}> with role {role_name}",
                el.name()
            );
            cx.report(&el, msg)
                .data
                .insert("attributes".into(), bad.into());
        }
    }
}

/// `a11y/aria-hidden-body`: `aria-hidden="true"` on `<body>` hides the whole page from screen
/// readers.
pub struct AriaHiddenBody;

impl Rule for AriaHiddenBody {
    fn id(&self) -> &'static str {
        "a11y/aria-hidden-body"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(body) = page.elements_named("body").next() else {
            return;
        };
        if body
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        {
            let msg = tr!(
                cx.lang,
                "<body> 上设置了 aria-hidden=\"true\"：读屏软件无法读取整个页面",
                "<body> has aria-hidden=\"true\": screen readers cannot read the page at all"
            );
            cx.report(&body, msg);
        }
    }
}

/// `a11y/aria-hidden-focus`: an `aria-hidden="true"` element that is, or contains, an element
/// reachable with the Tab key (keyboard users land on something screen readers cannot see).
pub struct AriaHiddenFocus;

impl Rule for AriaHiddenFocus {
    fn id(&self) -> &'static str {
        "a11y/aria-hidden-focus"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut skip_until = 0u32;
        for el in page.elements() {
            if el.id().0 < skip_until {
                continue;
            }
            let hidden_attr = el
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if !hidden_attr || el.name() == "body" || el.name() == "html" || el.is_hidden() {
                continue;
            }
            // Only the outermost aria-hidden element is reported.
            skip_until = subtree_end(&el);
            let focusable: Vec<El<'_>> = std::iter::once(el)
                .chain(el.descendants())
                .filter(|d| !d.is_hidden() && !ix.style_hidden(d.id()) && is_tabbable(d))
                .take(5)
                .collect();
            if focusable.is_empty() {
                continue;
            }
            let what: Vec<String> = focusable.iter().map(|d| d.start_tag(60)).collect();
            let msg = tr!(
                cx.lang,
                "aria-hidden=\"true\" 的元素内有可用 Tab 键聚焦的元素：{}",
                "an aria-hidden=\"true\" element contains elements reachable with Tab: {}",
                what.join(" ")
            );
            cx.report(&el, msg);
        }
    }
}

/// The index one past the last descendant of `el`.
pub(crate) fn subtree_end(el: &El<'_>) -> u32 {
    el.descendants()
        .next_back()
        .map_or(el.id().0 + 1, |d| d.id().0 + 1)
}

/// `a11y/nested-interactive`: an interactive control inside an element whose children are
/// presentational (a link inside a `<button>`, a checkbox inside `role="tab"`): screen readers
/// do not announce the inner control, and keyboard focus goes to something with no role.
pub struct NestedInteractive;

impl Rule for NestedInteractive {
    fn id(&self) -> &'static str {
        "a11y/nested-interactive"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        let mut skip_until = 0u32;
        for el in page.elements() {
            if el.id().0 < skip_until || ix.sr_hidden(el.id()) {
                continue;
            }
            let Some(role) = ix.role(el.id()) else {
                continue;
            };
            let d = def(role);
            if !d.children_presentational || d.kind != Kind::Widget {
                continue;
            }
            let end = subtree_end(&el);
            if ix.focusable_descendant(&el).is_none() {
                continue;
            }
            let inner: Vec<El<'_>> = el
                .descendants()
                .filter(|x| !ix.sr_hidden(x.id()) && is_focusable(x))
                .take(3)
                .collect();
            skip_until = end;
            let what: Vec<String> = inner.iter().map(|x| x.start_tag(60)).collect();
            let role_name = d.name;
            let msg = tr!(
                cx.lang,
                "角色为 {role_name} 的元素内嵌套了可交互元素：{}",
                "an element with role {role_name} contains interactive elements: {}",
                what.join(" ")
            );
            cx.report(&el, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_consistent() {
        for (i, a) in ROLES.iter().enumerate() {
            assert!(
                ROLES[i + 1..].iter().all(|b| b.name != a.name),
                "duplicate role {}",
                a.name
            );
            for attr in a.required.iter().chain(a.supported) {
                assert!(attr_def(attr).is_some(), "{}: unknown {attr}", a.name);
            }
            for req in a.required {
                assert!(
                    a.supported.contains(req),
                    "{}: required {req} not supported",
                    a.name
                );
            }
        }
        assert_eq!(def(role_by_name("button").expect("button")).name, "button");
        assert!(role_by_name("foo").is_none());
    }

    #[test]
    fn value_types() {
        let none = |_: &str| false;
        let some = |id: &str| id == "x";
        let d = |n| attr_def(n).expect("known");
        assert!(value_ok(d("aria-hidden"), "TRUE", &none));
        assert!(!value_ok(d("aria-hidden"), "yes", &none));
        assert!(value_ok(d("aria-checked"), "mixed", &none));
        assert!(!value_ok(d("aria-pressed"), "on", &none));
        assert!(value_ok(d("aria-level"), "2", &none));
        assert!(!value_ok(d("aria-level"), "two", &none));
        assert!(!value_ok(d("aria-level"), "", &none));
        assert!(value_ok(d("aria-valuenow"), "2.5", &none));
        assert!(value_ok(d("aria-relevant"), "additions text", &none));
        assert!(!value_ok(d("aria-relevant"), "additions changes", &none));
        assert!(value_ok(d("aria-controls"), "y x", &some));
        assert!(!value_ok(d("aria-controls"), "y z", &some));
        assert!(value_ok(d("aria-label"), "anything", &none));
        assert!(value_ok(d("aria-current"), "page", &none));
        assert!(!value_ok(d("aria-current"), "yes", &none));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("aria-labeledby"), Some("aria-labelledby"));
        assert_eq!(suggestion("aria-foo-bar-baz"), None);
    }
}
