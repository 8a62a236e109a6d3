//! A deliberately small style resolver: inline `style` attributes and the page's own `<style>`
//! blocks, for the few properties the accessibility rules read (colours, backgrounds, font
//! size and weight, display, visibility, opacity, overflow, text-decoration).
//!
//! This is not a CSS engine. Selectors are matched when they use type, `.class`, `#id`, `*`,
//! attribute selectors, `:link`/`:root`, and the descendant and child combinators. Anything
//! else that might still match (`:first-child`, `:not()`, sibling combinators, rules inside a
//! `@media` query other than `screen`/`all`) makes the property *uncertain*: the value is kept
//! but marked, and the rules that read it report "needs review" instead of deciding. Rules
//! that only apply in another state (`:hover`, `:focus`, `::before`) are ignored. External
//! stylesheets are not read; [`Styles::external`] says whether the page has any.

use std::collections::HashMap;
use std::rc::Rc;

use crate::page::{El, ElementId, Page};

/// Longest `<style>` text read per page (bytes); the rest is ignored (and marked uncertain).
const MAX_CSS: usize = 512 * 1024;
/// Matching steps allowed per (element, selector) pair before the match is "uncertain".
const MATCH_STEPS: u32 = 2_000;

/// A property the resolver tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prop {
    /// `color`.
    Color,
    /// `background-color` (also from the `background` shorthand).
    BackgroundColor,
    /// `background-image` (also from the `background` shorthand).
    BackgroundImage,
    /// `font-size` (also from `font`).
    FontSize,
    /// `font-weight` (also from `font`).
    FontWeight,
    /// `display`.
    Display,
    /// `visibility`.
    Visibility,
    /// `opacity`.
    Opacity,
    /// `overflow`, `overflow-x`, `overflow-y` (the most scrollable value).
    Overflow,
    /// `text-decoration` / `text-decoration-line`.
    TextDecoration,
}

const PROPS: usize = 10;

impl Prop {
    fn idx(self) -> usize {
        self as usize
    }
}

/// A specified value and how sure we are of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value, lower-cased and trimmed.
    pub value: String,
    /// False when a rule that may or may not apply could win the cascade.
    pub certain: bool,
    /// Whether it comes from the element's own `style` attribute.
    pub inline: bool,
}

/// The specified values of one element.
#[derive(Debug, Clone, Default)]
pub struct Specified {
    values: [Option<Value>; PROPS],
}

impl Specified {
    /// The value of a property, if any declaration sets it.
    pub fn get(&self, p: Prop) -> Option<&Value> {
        self.values[p.idx()].as_ref()
    }
}

/// The resolved styles of a page.
#[derive(Debug, Default)]
pub struct Styles {
    specified: HashMap<u32, Specified>,
    /// Whether the page links external stylesheets (or `@import`s them): values not set here
    /// may be set there.
    pub external: bool,
    /// Whether the page has `<style>` blocks at all.
    pub has_blocks: bool,
}

impl Styles {
    /// The specified values of an element (none when no declaration applies).
    pub fn get(&self, id: ElementId) -> Option<&Specified> {
        self.specified.get(&id.0)
    }

    /// A property of an element.
    pub fn value(&self, id: ElementId, p: Prop) -> Option<&Value> {
        self.get(id).and_then(|s| s.get(p))
    }

    /// Whether a `<style>` rule (or the inline style) surely hides the element itself
    /// (`display:none` or `visibility:hidden|collapse`).
    pub fn hides(&self, id: ElementId) -> bool {
        let Some(s) = self.get(id) else {
            return false;
        };
        let d = s
            .get(Prop::Display)
            .is_some_and(|v| v.certain && v.value == "none");
        let v = s
            .get(Prop::Visibility)
            .is_some_and(|v| v.certain && (v.value == "hidden" || v.value == "collapse"));
        d || v
    }
}

/// The page's styles, resolved once.
pub fn styles(page: &Page) -> Rc<Styles> {
    page.memo(resolve)
}

#[derive(Debug, Clone)]
struct Decl {
    prop: Prop,
    value: String,
    important: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AttrOp {
    Exists,
    Equals,
    Word,
    Prefix,
    Suffix,
    Contains,
    Dash,
}

#[derive(Debug, Clone)]
struct AttrSel {
    name: String,
    op: AttrOp,
    value: String,
    ci: bool,
}

#[derive(Debug, Clone, Default)]
struct Compound {
    tag: Option<String>,
    ids: Vec<String>,
    classes: Vec<String>,
    attrs: Vec<AttrSel>,
    link: bool,
    root: bool,
    uncertain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comb {
    Descendant,
    Child,
    /// `+` / `~`: not evaluated.
    Sibling,
}

#[derive(Debug, Clone)]
struct Selector {
    parts: Vec<Compound>,
    combs: Vec<Comb>,
    specificity: u32,
}

#[derive(Debug)]
struct CssRule {
    selector: Selector,
    order: u32,
    decls: Rc<Vec<Decl>>,
    conditional: bool,
    /// Bloom bits of the ids, classes and tags some ancestor must have for the selector to
    /// match (see [`Bloom`]).
    ancestors: Bloom,
}

/// A 256-bit Bloom filter of ancestor tags, ids and classes, the way browsers reject most
/// descendant selectors without walking up the tree: an element's filter holds every key of
/// its ancestors, a rule's holds the keys its left-hand compounds need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bloom([u64; 4]);

impl Bloom {
    fn insert(&mut self, kind: u8, key: &str) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(kind);
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        for bit in [h & 0xff, (h >> 8) & 0xff] {
            self.0[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
    }

    fn insert_element(&mut self, el: &El<'_>) {
        self.insert(b't', el.name());
        if let Some(id) = el.attr("id") {
            self.insert(b'#', &id);
        }
        if let Some(class) = el.attr("class") {
            for c in class.split_whitespace() {
                self.insert(b'.', c);
            }
        }
    }

    fn contains_all(&self, need: &Bloom) -> bool {
        self.0
            .iter()
            .zip(need.0.iter())
            .all(|(have, want)| have & want == *want)
    }
}

/// The ancestor keys a selector requires: the compounds left of the subject that are joined
/// to it by descendant or child combinators only.
fn ancestor_bloom(sel: &Selector) -> Bloom {
    let mut b = Bloom::default();
    for k in (0..sel.parts.len().saturating_sub(1)).rev() {
        if sel.combs[k] == Comb::Sibling {
            break;
        }
        let c = &sel.parts[k];
        if let Some(t) = &c.tag {
            b.insert(b't', t);
        }
        for id in &c.ids {
            b.insert(b'#', id);
        }
        for class in &c.classes {
            b.insert(b'.', class);
        }
    }
    b
}

#[derive(Default)]
struct Sheet {
    rules: Vec<CssRule>,
    by_id: HashMap<String, Vec<u32>>,
    by_class: HashMap<String, Vec<u32>>,
    by_tag: HashMap<String, Vec<u32>>,
    universal: Vec<u32>,
    import: bool,
    truncated: bool,
}

fn resolve(page: &Page) -> Styles {
    let mut sheet = Sheet::default();
    let mut total = 0usize;
    let mut has_blocks = false;
    for style in page.elements_named("style") {
        if !style.is_html() || style.ancestors().any(|a| a.name() == "noscript") {
            continue;
        }
        if let Some(media) = style.attr("media")
            && !media_applies(&media)
        {
            continue;
        }
        has_blocks = true;
        let text = style.text_content();
        let room = MAX_CSS.saturating_sub(total);
        if room == 0 {
            sheet.truncated = true;
            break;
        }
        let text = if text.len() > room {
            sheet.truncated = true;
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        } else {
            text
        };
        total += text.len();
        let cleaned = strip_comments(&text);
        let mut order = sheet.rules.len() as u32;
        parse_rules(&cleaned, false, 0, &mut order, &mut sheet);
    }
    sheet.index();
    let external = sheet.import
        || page.elements_named("link").any(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("stylesheet"))
            })
        });
    let mut specified = HashMap::new();
    let mut candidates: Vec<u32> = Vec::new();
    // Ancestor filters, only needed when there are rules.
    let mut blooms: Vec<Bloom> = if sheet.rules.is_empty() {
        Vec::new()
    } else {
        Vec::with_capacity(page.element_count())
    };
    for el in page.elements() {
        let bloom = if sheet.rules.is_empty() {
            Bloom::default()
        } else {
            let b = match el.parent() {
                Some(p) => {
                    let mut b = blooms[p.id().0 as usize];
                    b.insert_element(&p);
                    b
                }
                None => Bloom::default(),
            };
            blooms.push(b);
            b
        };
        if el.in_non_text() && !matches!(el.name(), "body" | "html") {
            // Head elements and script contents carry no rendered style.
            continue;
        }
        candidates.clear();
        sheet.candidates(&el, &bloom, &mut candidates);
        let inline = el.attr("style").map(|s| s.to_string());
        if candidates.is_empty() && inline.is_none() {
            continue;
        }
        // (key, certain, value) per property; key orders the cascade.
        let mut best: [Option<(u64, bool, String)>; PROPS] = Default::default();
        let mut best_certain: [Option<u64>; PROPS] = Default::default();
        for &ri in candidates.iter() {
            let rule = &sheet.rules[ri as usize];
            let m = matches(&rule.selector, &el);
            if m == Match::No {
                continue;
            }
            let certain = m == Match::Yes && !rule.conditional && !sheet.truncated;
            for d in rule.decls.iter() {
                let key = cascade_key(d.important, false, rule.selector.specificity, rule.order);
                consider(&mut best, &mut best_certain, d, key, certain);
            }
        }
        if let Some(style) = &inline {
            for d in parse_declarations(style) {
                let key = cascade_key(d.important, true, u32::MAX, u32::MAX);
                consider(&mut best, &mut best_certain, &d, key, true);
            }
        }
        let mut spec = Specified::default();
        let mut any = false;
        for (i, b) in best.into_iter().enumerate() {
            if let Some((key, certain, value)) = b {
                // A certain value is overridden by an uncertain one with a higher key: the
                // winner is whatever won, but it is only certain if it is the certain best.
                let certain = certain && best_certain[i] == Some(key);
                let inline_src = key & (1 << 62) != 0;
                spec.values[i] = Some(Value {
                    value,
                    certain,
                    inline: inline_src,
                });
                any = true;
            }
        }
        if any {
            specified.insert(el.id().0, spec);
        }
    }
    Styles {
        specified,
        external,
        has_blocks,
    }
}

fn consider(
    best: &mut [Option<(u64, bool, String)>; PROPS],
    best_certain: &mut [Option<u64>; PROPS],
    d: &Decl,
    key: u64,
    certain: bool,
) {
    let i = d.prop.idx();
    if best[i].as_ref().is_none_or(|(k, _, _)| key >= *k) {
        best[i] = Some((key, certain, d.value.clone()));
    }
    if certain && best_certain[i].is_none_or(|k| key >= k) {
        best_certain[i] = Some(key);
    }
}

/// Orders declarations: important over normal; inline over sheet within the same importance;
/// then specificity, then source order.
fn cascade_key(important: bool, inline: bool, specificity: u32, order: u32) -> u64 {
    let mut k = 0u64;
    if important {
        k |= 1 << 63;
    }
    if inline {
        k |= 1 << 62;
    }
    let spec = u64::from(specificity) & 0x3fff_ffff;
    k | spec << 32 | u64::from(order)
}

fn media_applies(media: &str) -> bool {
    let m = media.trim().to_ascii_lowercase();
    m.is_empty()
        || m.split(',')
            .map(str::trim)
            .any(|q| q == "all" || q == "screen" || q == "only screen")
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    // HTML comment delimiters around a style block's contents are CSS whitespace here.
    if out.contains("<!--") {
        out = out.replace("<!--", " ");
    }
    if out.contains("-->") {
        out = out.replace("-->", " ");
    }
    out
}

/// Finds the `}` matching the `{` just before `from` (strings and nesting respected).
fn block_end(s: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < s.len() {
        let b = s[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    s.len()
}

fn parse_rules(css: &str, conditional: bool, depth: u32, order: &mut u32, sheet: &mut Sheet) {
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b';') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        // The prelude runs to `{` (or `;` for statement at-rules).
        let start = i;
        let mut j = i;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            let b = bytes[j];
            if let Some(q) = quote {
                if b == q {
                    quote = None;
                }
            } else if b == b'"' || b == b'\'' {
                quote = Some(b);
            } else if b == b'{' || (b == b';' && bytes[start] == b'@') || b == b'}' {
                break;
            }
            j += 1;
        }
        let prelude = css[start..j.min(css.len())].trim();
        if j >= bytes.len() {
            break;
        }
        if bytes[j] == b';' || bytes[j] == b'}' {
            if prelude.to_ascii_lowercase().starts_with("@import") {
                sheet.import = true;
            }
            i = j + 1;
            continue;
        }
        let end = block_end(bytes, j + 1);
        let body = &css[j + 1..end.min(css.len())];
        i = end + 1;
        if let Some(at) = prelude.strip_prefix('@') {
            let lower = at.to_ascii_lowercase();
            if depth >= 4 {
                continue;
            }
            if let Some(query) = lower.strip_prefix("media") {
                let cond = conditional || !media_applies(query);
                parse_rules(body, cond, depth + 1, order, sheet);
            } else if lower.starts_with("supports") || lower.starts_with("layer") {
                parse_rules(body, true, depth + 1, order, sheet);
            }
            continue;
        }
        let decls = Rc::new(parse_declarations(body));
        if decls.is_empty() {
            continue;
        }
        for sel in prelude.split(',') {
            if let Some(selector) = parse_selector(sel) {
                let ancestors = ancestor_bloom(&selector);
                sheet.rules.push(CssRule {
                    selector,
                    order: *order,
                    decls: Rc::clone(&decls),
                    conditional,
                    ancestors,
                });
                *order += 1;
            }
        }
        if sheet.rules.len() > 50_000 {
            sheet.truncated = true;
            break;
        }
    }
}

/// Splits declarations on `;` outside parentheses and quotes; keeps the tracked properties
/// (expanding the `background`, `font` and `overflow` shorthands).
fn parse_declarations(body: &str) -> Vec<Decl> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    // Byte scan: the delimiters are ASCII, so a split never falls inside a UTF-8 sequence.
    for i in 0..=bytes.len() {
        let end = if i == bytes.len() {
            true
        } else {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => {
                    quote = None;
                    false
                }
                Some(_) => false,
                None => match b {
                    b'"' | b'\'' => {
                        quote = Some(b);
                        false
                    }
                    b'(' => {
                        depth += 1;
                        false
                    }
                    b')' => {
                        depth -= 1;
                        false
                    }
                    b';' => depth <= 0,
                    _ => false,
                },
            }
        };
        if end {
            declaration(&body[start..i], &mut out);
            start = i + 1;
        }
    }
    out
}

/// The properties the cascade tracks (shorthands expanded by [`declaration`]).
const TRACKED: [&str; 14] = [
    "color",
    "background-color",
    "background-image",
    "background",
    "font-size",
    "font-weight",
    "font",
    "display",
    "visibility",
    "opacity",
    "overflow",
    "overflow-x",
    "overflow-y",
    "text-decoration",
];

/// Parses one `prop: value` declaration into `out` when its property is tracked; others cost
/// no allocation (real style sheets are mostly properties the audit does not need).
fn declaration(piece: &str, out: &mut Vec<Decl>) {
    let Some((prop, value)) = piece.split_once(':') else {
        return;
    };
    let prop = prop.trim();
    if prop != "text-decoration-line" && !TRACKED.iter().any(|t| t.eq_ignore_ascii_case(prop)) {
        return;
    }
    {
        let prop = prop.to_ascii_lowercase();
        let mut value = value.trim().to_ascii_lowercase();
        let mut important = false;
        if let Some(pos) = value.rfind('!') {
            let flag: String = value[pos + 1..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if flag == "important" {
                important = true;
                value.truncate(pos);
                value = value.trim().to_string();
            }
        }
        let mut push = |p: Prop, v: String| {
            out.push(Decl {
                prop: p,
                value: v,
                important,
            })
        };
        match prop.as_str() {
            "color" => push(Prop::Color, value),
            "background-color" => push(Prop::BackgroundColor, value),
            "background-image" => push(Prop::BackgroundImage, value),
            "background" => {
                let (color, image) = split_background(&value);
                push(Prop::BackgroundColor, color);
                push(Prop::BackgroundImage, image);
            }
            "font-size" => push(Prop::FontSize, value),
            "font-weight" => push(Prop::FontWeight, value),
            "font" => {
                let (size, weight) = split_font(&value);
                if let Some(s) = size {
                    push(Prop::FontSize, s);
                }
                push(Prop::FontWeight, weight);
            }
            "display" => push(Prop::Display, value),
            "visibility" => push(Prop::Visibility, value),
            "opacity" => push(Prop::Opacity, value),
            "overflow" | "overflow-x" | "overflow-y" => {
                let scroll = value
                    .split_whitespace()
                    .find(|t| *t == "auto" || *t == "scroll")
                    .unwrap_or(value.as_str())
                    .to_string();
                push(Prop::Overflow, scroll);
            }
            "text-decoration" | "text-decoration-line" => push(Prop::TextDecoration, value),
            _ => {}
        }
    }
}

/// The colour and image parts of a `background` shorthand (the shorthand resets the colour to
/// `transparent` and the image to `none` when it does not name them).
fn split_background(value: &str) -> (String, String) {
    let image = if ["url(", "gradient(", "image-set(", "image(", "element("]
        .iter()
        .any(|k| value.contains(k))
    {
        "image".to_string()
    } else {
        "none".to_string()
    };
    let mut color = "transparent".to_string();
    for token in tokens_outside_parens(value) {
        if super::contrast::parse_color(&token).is_some()
            || token == "currentcolor"
            || token == "inherit"
        {
            color = token;
        }
    }
    if matches!(value.trim(), "inherit" | "initial" | "unset" | "revert") {
        return (value.trim().to_string(), value.trim().to_string());
    }
    (color, image)
}

/// Splits on whitespace outside parentheses: `rgb(1, 2, 3) url(a b)` → two tokens.
pub fn tokens_outside_parens(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in value.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && depth <= 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a `font` shorthand token is the size (`12px`, `1.2em/1.5`, `large`).
fn is_font_size_token(token: &str) -> bool {
    let size = token.split('/').next().unwrap_or("");
    size.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
        || matches!(
            size,
            "xx-small" | "x-small" | "small" | "medium" | "large" | "x-large" | "xx-large"
        )
}

/// The size and weight parts of a `font` shorthand.
fn split_font(value: &str) -> (Option<String>, String) {
    let mut weight = "normal".to_string();
    let mut size = None;
    for token in value.split_whitespace() {
        if matches!(token, "bold" | "bolder" | "lighter") || token.parse::<u32>().is_ok() {
            weight = token.to_string();
        } else if size.is_none() && is_font_size_token(token) {
            size = Some(token.split('/').next().unwrap_or(token).to_string());
        }
    }
    (size, weight)
}

fn parse_selector(text: &str) -> Option<Selector> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut parts: Vec<Compound> = Vec::new();
    let mut combs: Vec<Comb> = Vec::new();
    let mut spec = (0u32, 0u32, 0u32);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut cur = Compound::default();
    let mut cur_empty = true;
    let mut pending: Option<Comb> = None;
    let ident = |chars: &[char], i: &mut usize| -> String {
        let mut s = String::new();
        while *i < chars.len() {
            let c = chars[*i];
            if c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii() {
                s.push(c);
                *i += 1;
            } else if c == '\\' && *i + 1 < chars.len() {
                s.push(chars[*i + 1]);
                *i += 2;
            } else {
                break;
            }
        }
        s
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '>' || c == '+' || c == '~' {
            let mut comb = Comb::Descendant;
            while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\n' | '\r' | '>' | '+' | '~')
            {
                match chars[i] {
                    '>' => comb = Comb::Child,
                    '+' | '~' => comb = Comb::Sibling,
                    _ => {}
                }
                i += 1;
            }
            if !cur_empty {
                pending = Some(comb);
            }
            continue;
        }
        if let Some(comb) = pending.take() {
            parts.push(std::mem::take(&mut cur));
            combs.push(comb);
        }
        match c {
            '*' => {
                i += 1;
            }
            '#' => {
                i += 1;
                let id = ident(&chars, &mut i);
                if id.is_empty() {
                    return None;
                }
                cur.ids.push(id);
                spec.0 += 1;
            }
            '.' => {
                i += 1;
                let class = ident(&chars, &mut i);
                if class.is_empty() {
                    return None;
                }
                cur.classes.push(class);
                spec.1 += 1;
            }
            '[' => {
                let close = chars[i..].iter().position(|&c| c == ']')? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                cur.attrs.push(parse_attr_selector(&inner)?);
                spec.1 += 1;
                i = close + 1;
            }
            ':' => {
                let element = chars.get(i + 1) == Some(&':');
                i += if element { 2 } else { 1 };
                let name = ident(&chars, &mut i).to_ascii_lowercase();
                // Skip a functional argument.
                if chars.get(i) == Some(&'(') {
                    let mut depth = 0;
                    while i < chars.len() {
                        match chars[i] {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    i += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                }
                match name.as_str() {
                    // Other states or generated content: never the element's static look.
                    "hover"
                    | "focus"
                    | "active"
                    | "focus-within"
                    | "focus-visible"
                    | "visited"
                    | "target"
                    | "before"
                    | "after"
                    | "marker"
                    | "placeholder"
                    | "selection"
                    | "backdrop"
                    | "file-selector-button"
                    | "-webkit-scrollbar" => return None,
                    "link" | "any-link" => {
                        cur.link = true;
                        spec.1 += 1;
                    }
                    "root" => {
                        cur.root = true;
                        spec.1 += 1;
                    }
                    _ => {
                        cur.uncertain = true;
                        if element {
                            spec.2 += 1;
                        } else {
                            spec.1 += 1;
                        }
                    }
                }
            }
            c if c.is_alphanumeric() || c == '-' || c == '_' => {
                let tag = ident(&chars, &mut i).to_ascii_lowercase();
                cur.tag = Some(tag);
                spec.2 += 1;
            }
            _ => return None,
        }
        cur_empty = false;
    }
    if cur_empty && parts.is_empty() && text != "*" {
        return None;
    }
    parts.push(cur);
    if parts.len() > 32 {
        return None;
    }
    Some(Selector {
        parts,
        combs,
        specificity: spec.0.min(255) << 16 | spec.1.min(255) << 8 | spec.2.min(255),
    })
}

fn parse_attr_selector(inner: &str) -> Option<AttrSel> {
    let inner = inner.trim();
    let ops = [
        ("~=", AttrOp::Word),
        ("^=", AttrOp::Prefix),
        ("$=", AttrOp::Suffix),
        ("*=", AttrOp::Contains),
        ("|=", AttrOp::Dash),
        ("=", AttrOp::Equals),
    ];
    for (tok, op) in ops {
        if let Some(pos) = inner.find(tok) {
            let name = inner[..pos].trim().to_ascii_lowercase();
            let mut value = inner[pos + tok.len()..].trim().to_string();
            let mut ci = false;
            if let Some(v) = value
                .strip_suffix(" i")
                .or_else(|| value.strip_suffix(" I"))
            {
                value = v.trim().to_string();
                ci = true;
            }
            let value = value.trim_matches(['"', '\'']).to_string();
            return Some(AttrSel {
                name,
                op,
                value,
                ci,
            });
        }
    }
    Some(AttrSel {
        name: inner.to_ascii_lowercase(),
        op: AttrOp::Exists,
        value: String::new(),
        ci: false,
    })
}

impl Sheet {
    fn index(&mut self) {
        for (i, r) in self.rules.iter().enumerate() {
            let last = r.selector.parts.last();
            let i = i as u32;
            match last {
                Some(c) if !c.ids.is_empty() => {
                    self.by_id.entry(c.ids[0].clone()).or_default().push(i)
                }
                Some(c) if !c.classes.is_empty() => self
                    .by_class
                    .entry(c.classes[0].clone())
                    .or_default()
                    .push(i),
                Some(Compound { tag: Some(t), .. }) => {
                    self.by_tag.entry(t.clone()).or_default().push(i)
                }
                _ => self.universal.push(i),
            }
        }
    }

    /// The rules that may match an element: those indexed under its id, classes, tag or
    /// nothing, whose ancestor requirements pass the element's ancestor filter. Each rule is
    /// indexed once, so only a repeated class can repeat a rule.
    fn candidates(&self, el: &El<'_>, bloom: &Bloom, out: &mut Vec<u32>) {
        if self.rules.is_empty() {
            return;
        }
        let mut add = |list: &[u32]| {
            out.extend(
                list.iter()
                    .copied()
                    .filter(|&ri| bloom.contains_all(&self.rules[ri as usize].ancestors)),
            );
        };
        if let Some(id) = el.attr("id")
            && let Some(v) = self.by_id.get(&*id)
        {
            add(v);
        }
        if let Some(class) = el.attr("class") {
            let mut seen: Vec<&str> = Vec::new();
            for c in class.split_whitespace() {
                if seen.contains(&c) {
                    continue;
                }
                seen.push(c);
                if let Some(v) = self.by_class.get(c) {
                    add(v);
                }
            }
        }
        if let Some(v) = self.by_tag.get(el.name()) {
            add(v);
        }
        add(&self.universal);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    Maybe,
    No,
}

fn and(a: Match, b: Match) -> Match {
    match (a, b) {
        (Match::No, _) | (_, Match::No) => Match::No,
        (Match::Yes, Match::Yes) => Match::Yes,
        _ => Match::Maybe,
    }
}

fn compound_matches(c: &Compound, el: &El<'_>) -> Match {
    if let Some(tag) = &c.tag
        && tag != el.name()
    {
        return Match::No;
    }
    if !c.ids.is_empty() {
        let Some(id) = el.attr("id") else {
            return Match::No;
        };
        if c.ids.iter().any(|i| *i != *id) {
            return Match::No;
        }
    }
    if !c.classes.is_empty() {
        let Some(class) = el.attr("class") else {
            return Match::No;
        };
        if !c
            .classes
            .iter()
            .all(|want| class.split_whitespace().any(|have| have == want))
        {
            return Match::No;
        }
    }
    for a in &c.attrs {
        let Some(v) = el.attr(&a.name) else {
            return Match::No;
        };
        let (have, want) = if a.ci {
            (v.to_lowercase(), a.value.to_lowercase())
        } else {
            (v.to_string(), a.value.clone())
        };
        let ok = match a.op {
            AttrOp::Exists => true,
            AttrOp::Equals => have == want,
            AttrOp::Word => have.split_whitespace().any(|w| w == want),
            AttrOp::Prefix => !want.is_empty() && have.starts_with(&want),
            AttrOp::Suffix => !want.is_empty() && have.ends_with(&want),
            AttrOp::Contains => !want.is_empty() && have.contains(&want),
            AttrOp::Dash => have == want || have.starts_with(&format!("{want}-")),
        };
        if !ok {
            return Match::No;
        }
    }
    if c.link && !(matches!(el.name(), "a" | "area") && el.has_attr("href")) {
        return Match::No;
    }
    if c.root && el.parent().is_some() {
        return Match::No;
    }
    if c.uncertain {
        Match::Maybe
    } else {
        Match::Yes
    }
}

fn matches(sel: &Selector, el: &El<'_>) -> Match {
    let mut steps = 0u32;
    match_from(sel, sel.parts.len() - 1, *el, &mut steps)
}

fn match_from(sel: &Selector, k: usize, el: El<'_>, steps: &mut u32) -> Match {
    *steps += 1;
    if *steps > MATCH_STEPS {
        return Match::Maybe;
    }
    let here = compound_matches(&sel.parts[k], &el);
    if here == Match::No || k == 0 {
        return here;
    }
    let rest = match sel.combs[k - 1] {
        Comb::Child => match el.parent() {
            Some(p) => match_from(sel, k - 1, p, steps),
            None => Match::No,
        },
        Comb::Descendant => {
            let mut best = Match::No;
            for a in el.ancestors() {
                match match_from(sel, k - 1, a, steps) {
                    Match::Yes => {
                        best = Match::Yes;
                        break;
                    }
                    Match::Maybe => best = Match::Maybe,
                    Match::No => {}
                }
                if *steps > MATCH_STEPS {
                    best = if best == Match::Yes {
                        Match::Yes
                    } else {
                        Match::Maybe
                    };
                    break;
                }
            }
            best
        }
        Comb::Sibling => {
            // The left part must match something; whether it is a sibling is not checked.
            Match::Maybe
        }
    };
    and(here, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(html: &str, id: &str, p: Prop) -> Option<Value> {
        let page = Page::from_html(html, "https://x.gov.cn/");
        let el = page
            .elements()
            .find(|e| e.attr("id").is_some_and(|v| &*v == id))
            .expect("element");
        styles(&page).value(el.id(), p).cloned()
    }

    #[test]
    fn specificity_order_and_inline() {
        let html = "<style>p{color:red} .a{color:green} #x{color:blue} p.a{color:#333}</style>\
                    <p id=x class=a>t</p><p id=y class=a>t</p><p id=z class=a style='color: black'>t</p>";
        assert_eq!(
            value_of(html, "x", Prop::Color).map(|v| v.value),
            Some("blue".into())
        );
        assert_eq!(
            value_of(html, "y", Prop::Color).map(|v| v.value),
            Some("#333".into())
        );
        let z = value_of(html, "z", Prop::Color).expect("z");
        assert_eq!(
            (z.value.as_str(), z.inline, z.certain),
            ("black", true, true)
        );
    }

    #[test]
    fn important_beats_inline() {
        let html =
            "<style>.a{color:red !important}</style><p id=x class=a style='color:blue'>t</p>";
        assert_eq!(
            value_of(html, "x", Prop::Color).map(|v| v.value),
            Some("red".into())
        );
    }

    #[test]
    fn combinators() {
        let html = "<style>.nav a{color:white} .box > span{color:gray} div p span{color:navy}</style>\
                    <div class=nav><ul><li><a id=a href=/>x</a></li></ul></div>\
                    <div class=box><span id=b>x</span><em><span id=c>y</span></em></div>\
                    <div><p><b><span id=d>z</span></b></p></div>";
        assert_eq!(
            value_of(html, "a", Prop::Color).map(|v| v.value),
            Some("white".into())
        );
        assert_eq!(
            value_of(html, "b", Prop::Color).map(|v| v.value),
            Some("gray".into())
        );
        assert_eq!(value_of(html, "c", Prop::Color), None);
        assert_eq!(
            value_of(html, "d", Prop::Color).map(|v| v.value),
            Some("navy".into())
        );
    }

    #[test]
    fn uncertain_selectors_and_media() {
        let html = "<style>p{color:black} p:first-child{color:#aaa} @media print{#y{color:red}} \
                    @media screen{#z{color:green}} a:hover{color:red}</style>\
                    <div><p id=x>t</p></div><p id=y>t</p><p id=z>t</p><a id=w href=/>a</a>";
        let x = value_of(html, "x", Prop::Color).expect("x");
        assert_eq!((x.value.as_str(), x.certain), ("#aaa", false));
        let y = value_of(html, "y", Prop::Color).expect("y");
        assert!(!y.certain);
        let z = value_of(html, "z", Prop::Color).expect("z");
        assert_eq!((z.value.as_str(), z.certain), ("green", true));
        assert_eq!(value_of(html, "w", Prop::Color), None, ":hover ignored");
    }

    #[test]
    fn shorthands() {
        let html = "<style>#a{background:#fff url(x.png) no-repeat} #b{background: rgb(0, 0, 0)} \
                    #c{font: bold 24px/1.5 sans-serif} #d{overflow-y:auto}</style>\
                    <div id=a></div><div id=b></div><div id=c></div><div id=d></div>";
        assert_eq!(
            value_of(html, "a", Prop::BackgroundImage).map(|v| v.value),
            Some("image".into())
        );
        assert_eq!(
            value_of(html, "a", Prop::BackgroundColor).map(|v| v.value),
            Some("#fff".into())
        );
        assert_eq!(
            value_of(html, "b", Prop::BackgroundColor).map(|v| v.value),
            Some("rgb(0, 0, 0)".into())
        );
        assert_eq!(
            value_of(html, "c", Prop::FontSize).map(|v| v.value),
            Some("24px".into())
        );
        assert_eq!(
            value_of(html, "c", Prop::FontWeight).map(|v| v.value),
            Some("bold".into())
        );
        assert_eq!(
            value_of(html, "d", Prop::Overflow).map(|v| v.value),
            Some("auto".into())
        );
    }

    #[test]
    fn hides_and_external() {
        let page = Page::from_html(
            "<link rel=stylesheet href=a.css><style>.hide{display:none}</style><div id=h class=hide></div>",
            "https://x.gov.cn/",
        );
        let s = styles(&page);
        assert!(s.external);
        let h = page.elements_named("div").next().expect("div");
        assert!(s.hides(h.id()));
    }

    #[test]
    fn malformed_css_does_not_panic() {
        for css in [
            "{{{",
            "}}} p{color:red",
            "@media {",
            "p{color:}",
            "a[href{color:red}",
            "::{}",
            "#{}",
            "p > > a{color:red}",
            "\"unterminated{",
        ] {
            let html = format!("<style>{css}</style><p id=x>t</p>");
            let _ = value_of(&html, "x", Prop::Color);
        }
    }
}
