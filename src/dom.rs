//! HTML parsing into a kuchikikiki DOM, with the source line of every element.
//!
//! kuchikikiki's own tree sink does not keep line numbers, and findings on local files must
//! carry the line. This sink builds the same kuchikikiki tree (through its public node
//! constructors) and records, for each element, the line html5ever reports when the element is
//! created (the line of the tag's end for a tag spread over several lines).
//!
//! Nothing here recurses over the tree: a page with 200,000 nested elements must not overflow
//! the stack (kuchikikiki's `Drop` for nodes is iterative as well).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, ExpandedName, QualName};
use kuchikikiki::NodeRef;

/// A hasher for pointer keys: the address itself, mixed a little. Much cheaper than SipHash for
/// the per-element tables built on every page.
#[derive(Default, Clone, Copy)]
pub struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        // Nodes are at least 8-byte aligned: drop the low bits, then spread.
        self.0 = ((n as u64) >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by node address.
pub type PtrMap<V> = HashMap<usize, V, BuildHasherDefault<PtrHasher>>;

/// The address of a node, usable as a map key while the tree is alive.
pub fn node_key(node: &NodeRef) -> usize {
    std::rc::Rc::as_ptr(&node.0) as usize
}

/// The result of parsing: the document node, each element's source line, and the number of
/// parse errors html5ever reported.
pub struct Parsed {
    /// The document node.
    pub document: NodeRef,
    /// Source line (1-based) of each element, keyed by [`node_key`].
    pub lines: PtrMap<u32>,
    /// Parse errors reported by html5ever (malformed markup; never fatal).
    pub parse_errors: u32,
    /// When the document nested deeper than [`MAX_NESTING`]: the estimated depth (the deeper
    /// tags were dropped before parsing).
    pub flattened_depth: Option<usize>,
}

/// Deepest element nesting kept when parsing. html5ever checks "has an element in scope" by
/// walking the stack of open elements, so each start tag costs time proportional to the
/// depth: 50,000 nested `<div>`s take 9 s to parse and 200,000 take minutes. Browsers cap the
/// depth too (Blink attaches elements deeper than 512 to their 512th ancestor); we drop the
/// start and end tags beyond this depth before parsing, keeping their content and line count.
pub const MAX_NESTING: usize = 512;

/// Void elements (no content, no end tag).
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"frame"
            | b"keygen"
            | b"basefont"
            | b"bgsound"
            | b"image"
    )
}

/// Elements the nesting estimate ignores: void elements and those whose end tags are commonly
/// omitted (a list of 600 unclosed `<li>` is not 600 levels deep).
fn nesting_ignored(name: &[u8]) -> bool {
    is_void(name)
        || matches!(
            name,
            b"p" | b"li"
                | b"dt"
                | b"dd"
                | b"tr"
                | b"td"
                | b"th"
                | b"option"
                | b"optgroup"
                | b"thead"
                | b"tbody"
                | b"tfoot"
                | b"rb"
                | b"rt"
                | b"rp"
                | b"colgroup"
                | b"caption"
                | b"html"
                | b"head"
                | b"body"
        )
}

fn raw_text_element(name: &[u8]) -> bool {
    matches!(
        name,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"plaintext"
            | b"noscript"
    )
}

/// One tag found by the nesting scanner.
struct TagSpan {
    start: usize,
    end: usize,
    depth_after: usize,
}

/// Scans tags (skipping comments and raw-text elements), calling `visit` with each counted
/// start or end tag and the estimated depth. Returns the maximum depth seen.
fn scan_nesting(bytes: &[u8], mut visit: impl FnMut(TagSpan)) -> usize {
    let n = bytes.len();
    let mut i = 0;
    let mut depth: usize = 0;
    let mut max_depth = 0;
    let mut name_buf: Vec<u8> = Vec::with_capacity(16);
    while i < n {
        let Some(off) = bytes[i..].iter().position(|&b| b == b'<') else {
            break;
        };
        let lt = i + off;
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            i = find_from(bytes, lt + 4, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = bytes[lt..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(n, |e| lt + e + 1);
            continue;
        }
        let is_end = rest.get(1) == Some(&b'/');
        let name_start = lt + if is_end { 2 } else { 1 };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let mut j = name_start;
        name_buf.clear();
        while j < n && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' && bytes[j] != b'/' {
            name_buf.push(bytes[j].to_ascii_lowercase());
            j += 1;
        }
        // Find the end of the tag, honouring quoted attribute values.
        let mut quote: Option<u8> = None;
        let mut self_closing = false;
        while j < n {
            let b = bytes[j];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => break,
                None => {}
            }
            j += 1;
        }
        if j > 0 && j < n && bytes[j - 1] == b'/' {
            self_closing = true;
        }
        let tag_end = (j + 1).min(n);
        if !is_end && raw_text_element(&name_buf) {
            // Skip the raw text up to the matching end tag.
            let mut k = tag_end;
            loop {
                match find_from(bytes, k, b"</") {
                    Some(pos) => {
                        let cand = &bytes[pos + 2..];
                        if cand.len() >= name_buf.len()
                            && cand[..name_buf.len()].eq_ignore_ascii_case(&name_buf)
                        {
                            k = pos;
                            break;
                        }
                        k = pos + 2;
                    }
                    None => {
                        k = n;
                        break;
                    }
                }
            }
            i = k;
            continue;
        }
        if nesting_ignored(&name_buf) {
            // Not counted (implied end tags), but inside a region that is too deep they are
            // dropped with the counted tags: left alone, 200,000 `</li>`s each make the parser
            // walk a stack that is still 512 lists deep.
            if !is_void(&name_buf) {
                visit(TagSpan {
                    start: lt,
                    end: tag_end,
                    depth_after: depth + 1,
                });
            }
        } else if is_end || !self_closing {
            if is_end {
                visit(TagSpan {
                    start: lt,
                    end: tag_end,
                    depth_after: depth,
                });
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max_depth = max_depth.max(depth);
                visit(TagSpan {
                    start: lt,
                    end: tag_end,
                    depth_after: depth,
                });
            }
        }
        i = tag_end;
    }
    max_depth
}

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// When the estimated nesting exceeds `limit`, returns the document with the start and end
/// tags beyond that depth replaced by their newlines (so line numbers stay right), and the
/// estimated depth. `None` when the document is within the limit.
pub fn limit_nesting(html: &str, limit: usize) -> Option<(String, usize)> {
    let bytes = html.as_bytes();
    let max = scan_nesting(bytes, |_| {});
    if max <= limit {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    scan_nesting(bytes, |t| {
        if t.depth_after > limit {
            out.push_str(&html[last..t.start]);
            for _ in html[t.start..t.end].matches('\n') {
                out.push('\n');
            }
            last = t.end;
        }
    });
    out.push_str(&html[last..]);
    Some((out, max))
}

/// Parses a whole HTML document.
pub fn parse_document(html: &str) -> Parsed {
    if let Some((flat, depth)) = limit_nesting(html, MAX_NESTING) {
        let mut parsed = parse_unchecked(&flat);
        parsed.flattened_depth = Some(depth);
        return parsed;
    }
    parse_unchecked(html)
}

/// Most elements the parser may create beyond one per byte of source. A tag takes at least
/// three bytes and implies at most a few elements, so a real page stays far below; only the
/// HTML algorithm that re-opens unclosed formatting elements (`<b>`, `<font>`...) in every new
/// block can create more — without limit: 500 distinct unclosed `<b id=..>`s closed by a
/// `</div>` and followed by 2,000 `<p>x` make a million elements out of 30 KB.
const EXTRA_ELEMENTS: usize = 10_000;

/// Most attribute bytes the parser may copy beyond twice the source (cloned formatting
/// elements copy their attributes: three `<b title="1 MB">`s re-opened in 10,000 paragraphs
/// would be 30 GB).
const EXTRA_ATTRIBUTE_BYTES: usize = 1 << 20;

fn parse_unchecked(html: &str) -> Parsed {
    let sink = LineSink {
        document: NodeRef::new_document(),
        line: Cell::new(1),
        lines: RefCell::new(PtrMap::default()),
        errors: Cell::new(0),
        elements_left: Cell::new(html.len().saturating_add(EXTRA_ELEMENTS)),
        attribute_bytes_left: Cell::new(
            html.len()
                .saturating_mul(2)
                .saturating_add(EXTRA_ATTRIBUTE_BYTES),
        ),
    };
    let opts = html5ever::ParseOpts::default();
    html5ever::parse_document(sink, opts).one(StrTendril::from(html))
}

struct LineSink {
    document: NodeRef,
    line: Cell<u64>,
    lines: RefCell<PtrMap<u32>>,
    errors: Cell<u32>,
    /// Elements that may still be created and attached; past the budget, new elements are
    /// created detached (and so dropped, with what the parser puts into them).
    elements_left: Cell<usize>,
    /// Attribute bytes that may still be copied; past the budget, elements get no attributes.
    attribute_bytes_left: Cell<usize>,
}

impl LineSink {
    /// Whether a new child may be attached: text always, elements only when created within
    /// the element budget.
    fn attach(&self, child: &NodeOrText<NodeRef>) -> bool {
        match child {
            NodeOrText::AppendNode(node) if node.as_element().is_some() => {
                self.lines.borrow().contains_key(&node_key(node))
            }
            _ => true,
        }
    }

    fn append_text_or_node(&self, parent: &NodeRef, child: NodeOrText<NodeRef>) {
        if !self.attach(&child) {
            return;
        }
        match child {
            NodeOrText::AppendNode(node) => parent.append(node),
            NodeOrText::AppendText(text) => {
                if let Some(last) = parent.last_child()
                    && let Some(existing) = last.as_text()
                {
                    existing.borrow_mut().push_str(&text);
                    return;
                }
                parent.append(NodeRef::new_text(text));
            }
        }
    }
}

impl TreeSink for LineSink {
    type Handle = NodeRef;
    type Output = Parsed;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Parsed {
        Parsed {
            document: self.document,
            lines: self.lines.into_inner(),
            parse_errors: self.errors.get(),
            flattened_depth: None,
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {
        self.errors.set(self.errors.get().saturating_add(1));
    }

    fn get_document(&self) -> NodeRef {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeRef) -> ExpandedName<'a> {
        // The tree builder only asks for names of elements it created.
        static EMPTY_NS: html5ever::Namespace = html5ever::ns!();
        static EMPTY_LOCAL: html5ever::LocalName = html5ever::local_name!("");
        match target.as_element() {
            Some(el) => el.name.expanded(),
            None => ExpandedName {
                ns: &EMPTY_NS,
                local: &EMPTY_LOCAL,
            },
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> NodeRef {
        let left = self.elements_left.get();
        self.elements_left.set(left.saturating_sub(1));
        let attr_bytes: usize = attrs.iter().map(|a| a.value.len()).sum();
        let bytes_left = self.attribute_bytes_left.get();
        let attrs = if left > 0 && attr_bytes <= bytes_left {
            self.attribute_bytes_left.set(bytes_left - attr_bytes);
            attrs
        } else {
            Vec::new()
        };
        let node = NodeRef::new_element(
            name,
            attrs.into_iter().map(|a| {
                (
                    kuchikikiki::ExpandedName {
                        ns: a.name.ns,
                        local: a.name.local,
                    },
                    kuchikikiki::Attribute {
                        prefix: a.name.prefix,
                        value: String::from(a.value),
                    },
                )
            }),
        );
        if left == 0 {
            // Over budget: no line, which marks it for `attach` to drop.
            self.errors.set(self.errors.get().saturating_add(1));
            return node;
        }
        let line = u32::try_from(self.line.get()).unwrap_or(u32::MAX);
        self.lines.borrow_mut().insert(node_key(&node), line);
        node
    }

    fn create_comment(&self, text: StrTendril) -> NodeRef {
        NodeRef::new_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeRef {
        NodeRef::new_processing_instruction(target, data)
    }

    fn append(&self, parent: &NodeRef, child: NodeOrText<NodeRef>) {
        self.append_text_or_node(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeRef,
        prev_element: &NodeRef,
        child: NodeOrText<NodeRef>,
    ) {
        if element.parent().is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.document
            .append(NodeRef::new_doctype(name, public, system));
    }

    fn get_template_contents(&self, target: &NodeRef) -> NodeRef {
        // kuchikikiki creates the contents fragment for every html <template> element.
        target
            .as_element()
            .and_then(|el| el.template_contents.clone())
            .unwrap_or_else(NodeRef::new_document)
    }

    fn same_node(&self, x: &NodeRef, y: &NodeRef) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        if let Some(doc) = self.document.as_document() {
            doc._quirks_mode.set(mode);
        }
    }

    fn append_before_sibling(&self, sibling: &NodeRef, child: NodeOrText<NodeRef>) {
        if !self.attach(&child) {
            return;
        }
        match child {
            NodeOrText::AppendNode(node) => sibling.insert_before(node),
            NodeOrText::AppendText(text) => {
                if let Some(prev) = sibling.previous_sibling()
                    && let Some(existing) = prev.as_text()
                {
                    existing.borrow_mut().push_str(&text);
                    return;
                }
                sibling.insert_before(NodeRef::new_text(text));
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeRef, attrs: Vec<Attribute>) {
        let Some(el) = target.as_element() else {
            return;
        };
        let mut existing = el.attributes.borrow_mut();
        for a in attrs {
            existing
                .map
                .entry(kuchikikiki::ExpandedName {
                    ns: a.name.ns,
                    local: a.name.local,
                })
                .or_insert_with(|| kuchikikiki::Attribute {
                    prefix: a.name.prefix,
                    value: String::from(a.value),
                });
        }
    }

    fn remove_from_parent(&self, target: &NodeRef) {
        target.detach();
    }

    fn reparent_children(&self, node: &NodeRef, new_parent: &NodeRef) {
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            new_parent.append(c);
        }
    }

    fn set_current_line(&self, line: u64) {
        self.line.set(line);
    }
}

/// Collapses runs of whitespace (including U+3000 and `&nbsp;`) to one space and trims.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Truncates a string to at most `max` characters, appending `…` when cut.
pub fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((idx, _)) => Cow::Owned(format!("{}…", &s[..idx])),
    }
}

/// Parses an inline `style` attribute into lower-cased `(property, value)` pairs.
/// Values keep their case (colours and URLs) but are trimmed; `!important` is removed.
pub fn parse_inline_style(style: &str) -> Vec<(String, String)> {
    style
        .split(';')
        .filter_map(|decl| {
            let (prop, value) = decl.split_once(':')?;
            let prop = prop.trim().to_ascii_lowercase();
            let mut value = value.trim();
            if let Some(v) = value.strip_suffix("!important") {
                value = v.trim_end();
            }
            (!prop.is_empty()).then(|| (prop, value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_lines() {
        let parsed = parse_document("<html>\n<body>\n<p>a</p>\n\n<img\nsrc=x>\n</body></html>");
        let doc = parsed.document;
        let img = doc
            .descendants()
            .find(|n| n.as_element().is_some_and(|e| &*e.name.local == "img"));
        let img = img.expect("img parsed");
        assert_eq!(parsed.lines.get(&node_key(&img)), Some(&6));
        let p = doc
            .descendants()
            .find(|n| n.as_element().is_some_and(|e| &*e.name.local == "p"))
            .expect("p parsed");
        assert_eq!(parsed.lines.get(&node_key(&p)), Some(&3));
    }

    #[test]
    fn template_contents_and_tables_parse() {
        let parsed = parse_document(
            "<table><tr><td>a</td>stray text</tr></table><template><p>t</p></template><b><i>x</b>y</i>",
        );
        assert!(parsed.parse_errors > 0);
        let text = parsed.document.text_contents();
        assert!(text.contains("stray text"));
    }

    fn elements(parsed: &Parsed) -> Vec<NodeRef> {
        parsed
            .document
            .descendants()
            .filter(|n| n.as_element().is_some())
            .collect()
    }

    #[test]
    fn reopened_formatting_elements_cannot_explode_the_tree() {
        // Ordinary misnesting still re-opens the formatting element in the next block.
        let parsed = parse_document("<div><b class=x>粗</div><p>体</p>");
        let bs = elements(&parsed)
            .into_iter()
            .filter(|n| n.as_element().is_some_and(|e| &*e.name.local == "b"))
            .count();
        assert_eq!(bs, 2);
        // Found by fuzzing: 500 distinct unclosed <b>s re-opened in each of 2,000 paragraphs
        // would be a million elements from 30 KB.
        let mut html = String::from("<div>");
        for i in 0..500 {
            html.push_str(&format!("<b id=b{i}>"));
        }
        html.push_str("</div>");
        html.push_str(&"<p>x".repeat(2_000));
        let parsed = parse_document(&html);
        let n = elements(&parsed).len();
        assert!(n <= html.len() + EXTRA_ELEMENTS, "{n} elements");
        assert!(n > 5_000, "re-opening happens up to the budget: {n}");
        // Cloned attributes are bounded too: three 1 MB titles in 300 paragraphs.
        let big = "t".repeat(1 << 20);
        let mut html = String::from("<div>");
        for i in 0..3 {
            html.push_str(&format!("<b title=\"{big}{i}\">"));
        }
        html.push_str("</div>");
        html.push_str(&"<p>x".repeat(300));
        let parsed = parse_document(&html);
        let attr_bytes: usize = elements(&parsed)
            .iter()
            .filter_map(|n| {
                n.as_element().map(|e| {
                    e.attributes
                        .borrow()
                        .map
                        .values()
                        .map(|a| a.value.len())
                        .sum::<usize>()
                })
            })
            .sum();
        assert!(
            attr_bytes <= 2 * html.len() + EXTRA_ATTRIBUTE_BYTES,
            "{attr_bytes} attribute bytes"
        );
        assert!(parsed.document.text_contents().contains('x'));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 200_000;
        let mut html = String::with_capacity(depth * 11);
        for _ in 0..depth {
            html.push_str("<div>");
        }
        html.push_str("deep");
        let parsed = parse_document(&html);
        assert!(parsed.document.text_contents().contains("deep"));
        drop(parsed);
    }

    #[test]
    fn nesting_limit_keeps_content_and_lines() {
        assert!(limit_nesting("<div><div>x</div></div>", 5).is_none());
        let html = "<div>\n<div>\n<span\n>x</span></div></div>";
        let (flat, depth) = limit_nesting(html, 1).expect("over the limit");
        assert_eq!(depth, 3);
        assert_eq!(flat, "<div>\n\n\nx</div>");
        assert_eq!(flat.matches('\n').count(), html.matches('\n').count());
        // Unclosed list items and paragraphs do not count; raw text is skipped.
        let li =
            "<ul>".to_string() + &"<li>a".repeat(2000) + "</ul><script>if(a<b){'<div>'}</script>";
        assert!(limit_nesting(&li, 10).is_none());
        // Past the limit, implied-end tags go too (their content stays), so the parser is
        // not left with thousands of `</li>`s to check against a deep stack.
        let deep = "<ul><li>a".repeat(3) + &"</li></ul>".repeat(3);
        let (flat, depth) = limit_nesting(&deep, 1).expect("over the limit");
        assert_eq!(depth, 3);
        assert_eq!(flat, "<ul>aaa</ul>");
        let parsed = parse_document(&("<ul><li>x".repeat(5_000) + &"</li></ul>".repeat(5_000)));
        assert_eq!(parsed.flattened_depth, Some(5_000));
        assert_eq!(parsed.document.text_contents().matches('x').count(), 5_000);
    }

    #[test]
    fn whitespace_helpers() {
        assert_eq!(collapse_whitespace("  a \u{3000}\u{a0} b\n\tc "), "a b c");
        assert_eq!(truncate_chars("备案编号", 2), "备案…");
        assert_eq!(truncate_chars("ab", 2), "ab");
        assert_eq!(
            parse_inline_style("Display: none ; color:#FFF !important;;"),
            vec![
                ("display".to_string(), "none".to_string()),
                ("color".to_string(), "#FFF".to_string())
            ]
        );
    }
}
