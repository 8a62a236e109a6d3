//! A decoded, parsed page and the views rules use.
//!
//! [`Page::build`] decodes the bytes, parses them with html5ever into a kuchikikiki DOM and walks
//! the tree once (iteratively) to precompute what every rule needs: the elements in document
//! order with their source line, parent, subtree range and hidden flags; an index by tag name;
//! the visible text with each element's slice of it; the title and the base URL. Rules then
//! read these tables instead of re-walking the DOM, so a page costs one parse plus one walk,
//! whatever the number of rules.
//!
//! A `Page` is not `Send` (the DOM is reference-counted): it is built, checked and dropped on
//! one worker thread, and only the report (plain data) leaves it.

use std::any::{Any, TypeId};
use std::cell::{OnceCell, Ref, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use html5ever::{LocalName, ns};
use kuchikikiki::{NodeData, NodeRef};
use url::Url;

use crate::dom::{self, PtrMap, node_key};
use crate::fetch::RawPage;
use crate::fetch::charset::{self, CharsetSource};

/// Index of an element in [`Page::elements`] (document order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementId(pub u32);

impl ElementId {
    fn idx(self) -> usize {
        self.0 as usize
    }
}

const NO_PARENT: u32 = u32::MAX;

/// Flags computed for each element during the walk; all are inherited by descendants.
mod flags {
    /// Not rendered: `hidden` attribute, `display:none` / `visibility:hidden` inline style,
    /// `<input type=hidden>`, or inside such an element.
    pub const HIDDEN: u8 = 1;
    /// `aria-hidden="true"` on the element or an ancestor (or HIDDEN).
    pub const ARIA_HIDDEN: u8 = 2;
    /// Inside `<head>`, `<script>`, `<style>` or similar: contributes no visible text.
    pub const NO_TEXT: u8 = 4;
    /// Inside an SVG or MathML subtree.
    pub const FOREIGN: u8 = 8;
}

#[derive(Debug)]
struct ElInfo {
    node: NodeRef,
    parent: u32,
    /// One past the last descendant's index: descendants are `idx+1..end`.
    end: u32,
    line: u32,
    nth_of_type: u32,
    of_type_total: u32,
    depth: u32,
    text_start: u32,
    text_end: u32,
    flags: u8,
}

/// The kind of resource a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// `<a href>` / `<area href>`: a page (or an attachment) a user navigates to.
    Anchor,
    /// `<iframe src>` / `<frame src>`.
    Frame,
    /// `<img src>`, `<input type=image src>`, `<video poster>`.
    Image,
    /// `<script src>`.
    Script,
    /// `<link rel=stylesheet href>`.
    Stylesheet,
    /// Any other `<link href>` (icon, preload, alternate...).
    LinkOther,
    /// `<video>`, `<audio>`, `<source>`, `<embed>`, `<object data>`, `<track>`.
    Media,
    /// `<form action>`.
    Form,
}

impl LinkKind {
    /// Whether a crawler should follow the link as a page.
    pub fn is_navigation(self) -> bool {
        matches!(self, LinkKind::Anchor | LinkKind::Frame)
    }
}

/// A link or resource reference found on a page.
#[derive(Debug, Clone)]
pub struct Link {
    /// What kind of reference it is.
    pub kind: LinkKind,
    /// The attribute value as written (trimmed).
    pub raw: String,
    /// Resolved against the page's base URL; `None` when it does not parse.
    pub url: Option<Url>,
    /// The element carrying it.
    pub element: ElementId,
}

/// A parsed page and its precomputed tables.
pub struct Page {
    /// The URL rules resolve against: the final URL after redirects (a `file:` URL for local
    /// files).
    pub url: Url,
    /// The URL that was requested (differs from `url` after redirects).
    pub requested_url: Url,
    /// What to show for this page: the path for a local file, the URL otherwise.
    pub display: String,
    /// The local file, when the page comes from disk.
    pub local_path: Option<PathBuf>,
    /// HTTP status (`None` for local files).
    pub status: Option<u16>,
    /// Response headers with lower-case names (empty for local files).
    pub headers: Vec<(String, String)>,
    /// Encoding used to decode the page.
    pub encoding: &'static encoding_rs::Encoding,
    /// Where the encoding came from.
    pub charset_source: CharsetSource,
    /// The charset label in the `Content-Type` header, as written.
    pub header_charset: Option<String>,
    /// The charset label in a `<meta>` element, as written.
    pub meta_charset: Option<String>,
    /// Whether decoding replaced malformed bytes.
    pub decode_errors: bool,
    /// When decoding failed: what the bytes look like instead.
    pub likely_encoding: Option<&'static encoding_rs::Encoding>,
    /// Size of the body in bytes, as received.
    pub byte_len: usize,
    /// Whether the body was cut at the size limit.
    pub truncated: bool,
    /// Number of HTML parse errors (malformed markup).
    pub parse_errors: u32,
    /// When elements nested deeper than [`dom::MAX_NESTING`]: the estimated depth (the deeper
    /// tags were flattened before parsing).
    pub nesting_flattened: Option<usize>,
    /// Crawl depth (0 for start pages and local files).
    pub depth: u32,
    /// The decoded source text (used for line-based checks and snippets).
    pub source: String,
    /// The document node.
    pub document: NodeRef,
    els: Vec<ElInfo>,
    index: PtrMap<u32>,
    by_name: HashMap<LocalName, Vec<ElementId>>,
    text: String,
    base: Url,
    title: Option<String>,
    links: OnceCell<Vec<Link>>,
    id_counts: OnceCell<HashMap<String, u32>>,
    memo: RefCell<HashMap<TypeId, Rc<dyn Any>>>,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("url", &self.url.as_str())
            .field("status", &self.status)
            .field("encoding", &self.encoding.name())
            .field("elements", &self.els.len())
            .finish()
    }
}

impl Page {
    /// Decodes and parses a fetched or read page.
    pub fn build(raw: &RawPage) -> Page {
        let tld = raw
            .final_url
            .host_str()
            .and_then(|h| h.rsplit('.').next())
            .map(str::to_ascii_lowercase);
        let decoded = charset::decode(&raw.body, raw.content_type.as_deref(), tld.as_deref());
        let mut page = Page::from_text(decoded.text, raw.final_url.clone());
        page.requested_url = raw.url.clone();
        page.display = raw.display.clone();
        page.local_path = raw.local_path.clone();
        page.status = raw.status;
        page.headers = raw.headers.clone();
        page.encoding = decoded.encoding;
        page.charset_source = decoded.source;
        page.header_charset = decoded.header_label;
        page.meta_charset = decoded.meta_label;
        page.decode_errors = decoded.had_errors;
        page.likely_encoding = decoded.likely;
        page.byte_len = raw.body.len();
        page.truncated = raw.truncated;
        page.depth = raw.depth;
        page
    }

    /// Parses already-decoded HTML (tests and tools). The page is treated as UTF-8 with no
    /// HTTP response.
    pub fn from_html(html: &str, url: &str) -> Page {
        let url = Url::parse(url)
            .or_else(|_| Url::parse("file:///page.html"))
            .expect("static fallback URL parses");
        Page::from_text(html.to_string(), url)
    }

    fn from_text(source: String, url: Url) -> Page {
        let parsed = dom::parse_document(&source);
        let mut page = Page {
            requested_url: url.clone(),
            display: url.to_string(),
            base: url.clone(),
            url,
            local_path: None,
            status: None,
            headers: Vec::new(),
            encoding: encoding_rs::UTF_8,
            charset_source: CharsetSource::Default,
            header_charset: None,
            meta_charset: None,
            decode_errors: false,
            likely_encoding: None,
            byte_len: source.len(),
            truncated: false,
            parse_errors: parsed.parse_errors,
            nesting_flattened: parsed.flattened_depth,
            depth: 0,
            document: parsed.document.clone(),
            source,
            els: Vec::new(),
            index: PtrMap::default(),
            by_name: HashMap::new(),
            text: String::new(),
            title: None,
            links: OnceCell::new(),
            id_counts: OnceCell::new(),
            memo: RefCell::new(HashMap::new()),
        };
        page.walk(parsed.document, parsed.lines);
        page.title = page.compute_title();
        page.base = page.compute_base();
        page
    }

    /// The single iterative walk that fills the element table and the visible text.
    fn walk(&mut self, document: NodeRef, mut lines: PtrMap<u32>) {
        enum Frame {
            Enter {
                node: NodeRef,
                parent: u32,
                nth: u32,
                total: u32,
                depth: u32,
                inherited: u8,
            },
            Exit(u32),
        }
        let mut els: Vec<ElInfo> = Vec::with_capacity(lines.len());
        let mut by_name: HashMap<LocalName, Vec<ElementId>> = HashMap::new();
        let mut text = String::with_capacity(self.source.len() / 4);
        let mut stack: Vec<Frame> = Vec::new();
        let mut scratch: Vec<(NodeRef, u32)> = Vec::new();
        let mut tallies: Vec<(LocalName, u32)> = Vec::new();

        push_children(
            &document,
            NO_PARENT,
            0,
            0,
            &mut stack,
            &mut scratch,
            &mut tallies,
        );

        fn push_children(
            node: &NodeRef,
            parent: u32,
            depth: u32,
            inherited: u8,
            stack: &mut Vec<Frame>,
            scratch: &mut Vec<(NodeRef, u32)>,
            tallies: &mut Vec<(LocalName, u32)>,
        ) {
            scratch.clear();
            tallies.clear();
            let mut child = node.first_child();
            while let Some(c) = child {
                let nth = match c.as_element() {
                    Some(e) => {
                        let name = &e.name.local;
                        match tallies.iter_mut().find(|(n, _)| n == name) {
                            Some((_, count)) => {
                                *count += 1;
                                *count
                            }
                            None => {
                                tallies.push((name.clone(), 1));
                                1
                            }
                        }
                    }
                    None => 0,
                };
                child = c.next_sibling();
                scratch.push((c, nth));
            }
            for (c, nth) in scratch.drain(..).rev() {
                let total = c
                    .as_element()
                    .and_then(|e| tallies.iter().find(|(n, _)| *n == e.name.local))
                    .map_or(0, |(_, t)| *t);
                stack.push(Frame::Enter {
                    node: c,
                    parent,
                    nth,
                    total,
                    depth,
                    inherited,
                });
            }
        }

        while let Some(frame) = stack.pop() {
            match frame {
                Frame::Enter {
                    node,
                    parent,
                    nth,
                    total,
                    depth,
                    inherited,
                } => match node.data() {
                    NodeData::Element(el) => {
                        let idx = els.len() as u32;
                        let local = &el.name.local;
                        let own = own_flags(el, inherited);
                        let flags_now = inherited | own;
                        let block = is_block(local.as_ref());
                        if block && flags_now & flags::NO_TEXT == 0 {
                            push_separator(&mut text, local);
                        }
                        let key = node_key(&node);
                        let line = match lines.get_mut(&key) {
                            Some(v) => std::mem::replace(v, idx),
                            None => {
                                lines.insert(key, idx);
                                0
                            }
                        };
                        by_name
                            .entry(local.clone())
                            .or_default()
                            .push(ElementId(idx));
                        if &**local == "br" && flags_now & flags::NO_TEXT == 0 {
                            push_separator(&mut text, local);
                        }
                        if &**local == "img" && flags_now & (flags::NO_TEXT | flags::HIDDEN) == 0 {
                            // Images separate words the way a reader sees them ("[icon]粤公网安备").
                            if !text.ends_with([' ', '\n']) && !text.is_empty() {
                                text.push(' ');
                            }
                        }
                        els.push(ElInfo {
                            node: node.clone(),
                            parent,
                            end: 0,
                            line,
                            nth_of_type: nth,
                            of_type_total: total,
                            depth,
                            text_start: text.len() as u32,
                            text_end: 0,
                            flags: flags_now,
                        });
                        stack.push(Frame::Exit(idx));
                        push_children(
                            &node,
                            idx,
                            depth + 1,
                            flags_now,
                            &mut stack,
                            &mut scratch,
                            &mut tallies,
                        );
                    }
                    NodeData::Text(t) if inherited & (flags::NO_TEXT | flags::HIDDEN) == 0 => {
                        push_collapsed(&mut text, &t.borrow());
                    }
                    _ => {}
                },
                Frame::Exit(idx) => {
                    let len = els.len() as u32;
                    let text_len = text.len() as u32;
                    let info = &mut els[idx as usize];
                    info.end = len;
                    info.text_end = text_len;
                    let flags_now = info.flags;
                    if let Some(e) = info.node.as_element()
                        && is_block(e.name.local.as_ref())
                        && flags_now & flags::NO_TEXT == 0
                    {
                        push_separator(&mut text, &e.name.local);
                    }
                }
            }
        }
        self.els = els;
        self.index = lines;
        self.by_name = by_name;
        self.text = text;
    }

    fn compute_title(&self) -> Option<String> {
        self.elements_named("title")
            .find(|el| el.is_html())
            .map(|el| dom::collapse_whitespace(&el.node().text_contents()))
    }

    fn compute_base(&self) -> Url {
        self.elements_named("base")
            .find_map(|el| el.attr("href").and_then(|h| self.url.join(h.trim()).ok()))
            .unwrap_or_else(|| self.url.clone())
    }

    // ----- element access -------------------------------------------------------------

    /// Number of elements.
    pub fn element_count(&self) -> usize {
        self.els.len()
    }

    /// An element by id.
    ///
    /// # Panics
    /// When `id` does not come from this page.
    pub fn el(&self, id: ElementId) -> El<'_> {
        assert!(id.idx() < self.els.len(), "element id from another page");
        El { page: self, id }
    }

    /// All elements in document order.
    pub fn elements(&self) -> impl DoubleEndedIterator<Item = El<'_>> + '_ {
        (0..self.els.len() as u32).map(move |i| El {
            page: self,
            id: ElementId(i),
        })
    }

    /// Elements with the given local name (lower case, any namespace), in document order.
    pub fn elements_named<'a>(
        &'a self,
        name: &str,
    ) -> impl DoubleEndedIterator<Item = El<'a>> + 'a {
        let ids: &'a [ElementId] = self
            .by_name
            .get(&LocalName::from(name))
            .map_or(&[], Vec::as_slice);
        ids.iter().map(move |id| El {
            page: self,
            id: *id,
        })
    }

    /// Elements with any of the given local names, in document order.
    pub fn elements_named_any(&self, names: &[&str]) -> Vec<El<'_>> {
        let mut ids: Vec<ElementId> = names
            .iter()
            .filter_map(|n| self.by_name.get(&LocalName::from(*n)))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(|id| El { page: self, id }).collect()
    }

    /// The element for a DOM node, if the node is an element of this page.
    pub fn element_for(&self, node: &NodeRef) -> Option<El<'_>> {
        self.index.get(&node_key(node)).map(|&i| El {
            page: self,
            id: ElementId(i),
        })
    }

    /// The `<html>` element.
    pub fn html_element(&self) -> Option<El<'_>> {
        self.elements_named("html").find(|e| e.parent().is_none())
    }

    /// The `<body>` element (or `<frameset>`).
    pub fn body(&self) -> Option<El<'_>> {
        self.elements_named("body")
            .next()
            .or_else(|| self.elements_named("frameset").next())
    }

    /// The `<head>` element.
    pub fn head(&self) -> Option<El<'_>> {
        self.elements_named("head").next()
    }

    /// The value of `<meta name=...>` (case-insensitive name), first match.
    pub fn meta(&self, name: &str) -> Option<String> {
        self.elements_named("meta").find_map(|m| {
            let n = m.attr("name")?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| m.attr("content").map(|c| c.to_string()).unwrap_or_default())
        })
    }

    /// How many elements carry each `id` value.
    pub fn id_counts(&self) -> &HashMap<String, u32> {
        self.id_counts.get_or_init(|| {
            let mut counts = HashMap::new();
            for el in self.elements() {
                if let Some(id) = el.attr("id") {
                    *counts.entry(id.to_string()).or_insert(0) += 1;
                }
            }
            counts
        })
    }

    /// The first element whose `id` equals the value.
    pub fn element_by_id(&self, id: &str) -> Option<El<'_>> {
        self.elements()
            .find(|e| e.attr("id").is_some_and(|v| &*v == id))
    }

    // ----- text, title, links ----------------------------------------------------------

    /// The visible text of the body: no scripts, styles or hidden elements; whitespace
    /// collapsed; a line break between block elements.
    pub fn visible_text(&self) -> &str {
        &self.text
    }

    /// The `<title>` text, whitespace-collapsed.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The base URL links resolve against (`<base href>` or the page URL).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Resolves a reference against the base URL.
    pub fn resolve(&self, href: &str) -> Option<Url> {
        self.base.join(href.trim()).ok()
    }

    /// Whether the page comes from a local file.
    pub fn is_local(&self) -> bool {
        self.local_path.is_some() || self.url.scheme() == "file"
    }

    /// Whether the page was served over HTTPS.
    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// A response header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every link and resource reference, in document order.
    pub fn links(&self) -> &[Link] {
        self.links.get_or_init(|| self.compute_links())
    }

    fn compute_links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        for el in self.elements() {
            let (kind, attrs): (LinkKind, &[&str]) = match el.name() {
                "a" | "area" => (LinkKind::Anchor, &["href"]),
                "iframe" | "frame" => (LinkKind::Frame, &["src"]),
                "img" => (LinkKind::Image, &["src"]),
                "input" => {
                    if el
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("image"))
                    {
                        (LinkKind::Image, &["src"])
                    } else {
                        continue;
                    }
                }
                "script" => (LinkKind::Script, &["src"]),
                "link" => {
                    let rel = el.attr("rel").map(|r| r.to_ascii_lowercase());
                    if rel
                        .as_deref()
                        .is_some_and(|r| r.split_whitespace().any(|t| t == "stylesheet"))
                    {
                        (LinkKind::Stylesheet, &["href"])
                    } else {
                        (LinkKind::LinkOther, &["href"])
                    }
                }
                "video" => (LinkKind::Media, &["src", "poster"]),
                "audio" | "source" | "embed" | "track" => (LinkKind::Media, &["src"]),
                "object" => (LinkKind::Media, &["data"]),
                "form" => (LinkKind::Form, &["action"]),
                _ => continue,
            };
            for attr in attrs {
                let Some(value) = el.attr(attr) else { continue };
                let raw = value.trim();
                if raw.is_empty() {
                    continue;
                }
                let kind = if *attr == "poster" {
                    LinkKind::Image
                } else {
                    kind
                };
                links.push(Link {
                    kind,
                    raw: raw.to_string(),
                    url: self.resolve(raw),
                    element: el.id(),
                });
            }
        }
        links
    }

    /// Computes a value once per page and shares it between rules (e.g. a family's
    /// extraction of the footer). The closure may itself call `memo` for other types.
    pub fn memo<T: 'static>(&self, compute: impl FnOnce(&Page) -> T) -> Rc<T> {
        let key = TypeId::of::<T>();
        if let Some(v) = self.memo.borrow().get(&key)
            && let Ok(v) = Rc::clone(v).downcast::<T>()
        {
            return v;
        }
        let value = Rc::new(compute(self));
        self.memo
            .borrow_mut()
            .insert(key, Rc::clone(&value) as Rc<dyn Any>);
        value
    }

    /// The 1-based source line of a line-less position: the line holding byte `offset` of the
    /// decoded source.
    pub fn line_at(&self, offset: usize) -> u32 {
        let end = offset.min(self.source.len());
        (bytecount_newlines(&self.source.as_bytes()[..end]) + 1) as u32
    }
}

fn bytecount_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn own_flags(el: &kuchikikiki::ElementData, inherited: u8) -> u8 {
    let mut f = 0;
    let local = el.name.local.as_ref();
    if el.name.ns != ns!(html) {
        f |= flags::FOREIGN;
    }
    if inherited & flags::FOREIGN == 0
        && matches!(
            local,
            "head"
                | "script"
                | "style"
                | "template"
                | "noscript"
                | "iframe"
                | "noembed"
                | "noframes"
                | "object"
        )
    {
        f |= flags::NO_TEXT;
    }
    let attrs = el.attributes.borrow();
    if find_attr(&attrs, "hidden").is_some() {
        f |= flags::HIDDEN | flags::ARIA_HIDDEN;
    }
    if local == "input"
        && find_attr(&attrs, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden"))
    {
        f |= flags::HIDDEN | flags::ARIA_HIDDEN;
    }
    if let Some(style) = find_attr(&attrs, "style")
        && style_hides(style)
    {
        f |= flags::HIDDEN | flags::ARIA_HIDDEN;
    }
    if find_attr(&attrs, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        f |= flags::ARIA_HIDDEN;
    }
    f
}

/// Whether an inline style hides the element (`display:none`, `visibility:hidden|collapse`).
pub fn style_hides(style: &str) -> bool {
    let lower = style.to_ascii_lowercase();
    if !lower.contains("none") && !lower.contains("hidden") && !lower.contains("collapse") {
        return false;
    }
    dom::parse_inline_style(&lower).iter().any(|(p, v)| {
        (p == "display" && v == "none") || (p == "visibility" && (v == "hidden" || v == "collapse"))
    })
}

/// Whether an element renders as a block (or a table part, or a form control that boxes its
/// text): text on either side of it does not run together. Used for the page text's
/// separators, accessible names and "is this link in running text".
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "select"
            | "textarea"
    )
}

fn push_separator(text: &mut String, name: &LocalName) {
    let sep = if matches!(name.as_ref(), "td" | "th") {
        ' '
    } else {
        '\n'
    };
    if text.is_empty() {
        return;
    }
    if text.ends_with('\n') {
        return;
    }
    if text.ends_with(' ') {
        if sep == '\n' {
            text.pop();
            text.push('\n');
        }
        return;
    }
    text.push(sep);
}

fn push_collapsed(text: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !text.is_empty() && !text.ends_with([' ', '\n']) {
                text.push(' ');
            }
        } else {
            text.push(c);
        }
    }
}

/// A view of one element of a page.
#[derive(Clone, Copy)]
pub struct El<'p> {
    page: &'p Page,
    id: ElementId,
}

impl std::fmt::Debug for El<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "El({} #{})", self.name(), self.id.0)
    }
}

impl PartialEq for El<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.page, other.page) && self.id == other.id
    }
}

impl<'p> El<'p> {
    fn info(&self) -> &'p ElInfo {
        &self.page.els[self.id.idx()]
    }

    /// The page the element belongs to.
    pub fn page(&self) -> &'p Page {
        self.page
    }

    /// The element's id in the page.
    pub fn id(&self) -> ElementId {
        self.id
    }

    /// The kuchikikiki node.
    pub fn node(&self) -> &'p NodeRef {
        &self.info().node
    }

    fn data(&self) -> &'p kuchikikiki::ElementData {
        self.info()
            .node
            .as_element()
            .expect("element table holds only elements")
    }

    /// The local name in lower case (`img`, `a`...).
    pub fn name(&self) -> &'p str {
        self.data().name.local.as_ref()
    }

    /// Whether the element is in the HTML namespace (not SVG or MathML).
    pub fn is_html(&self) -> bool {
        self.data().name.ns == ns!(html)
    }

    /// An attribute value (no namespace), borrowed without copying.
    pub fn attr(&self, name: &str) -> Option<Ref<'p, str>> {
        Ref::filter_map(self.data().attributes.borrow(), |a| find_attr(a, name)).ok()
    }

    /// Whether the attribute is present.
    pub fn has_attr(&self, name: &str) -> bool {
        find_attr(&self.data().attributes.borrow(), name).is_some()
    }

    /// An attribute value, trimmed, as an owned string.
    pub fn attr_trimmed(&self, name: &str) -> Option<String> {
        self.attr(name).map(|v| v.trim().to_string())
    }

    /// Whether any attribute name satisfies `f` (no allocation, unlike [`El::attrs`]).
    pub fn any_attr_name(&self, mut f: impl FnMut(&str) -> bool) -> bool {
        self.data()
            .attributes
            .borrow()
            .map
            .keys()
            .any(|k| f(&k.local))
    }

    /// All attributes as `(name, value)` pairs, in source order.
    pub fn attrs(&self) -> Vec<(String, String)> {
        self.data()
            .attributes
            .borrow()
            .map
            .iter()
            .map(|(k, v)| (k.local.to_string(), v.value.clone()))
            .collect()
    }

    /// The source line (1-based), when known.
    pub fn line(&self) -> Option<u32> {
        let l = self.info().line;
        (l > 0).then_some(l)
    }

    /// Depth in the tree (children of the document are 0).
    pub fn depth(&self) -> u32 {
        self.info().depth
    }

    /// The parent element.
    pub fn parent(&self) -> Option<El<'p>> {
        let p = self.info().parent;
        (p != NO_PARENT).then_some(El {
            page: self.page,
            id: ElementId(p),
        })
    }

    /// Ancestors from the parent up to the root.
    pub fn ancestors(&self) -> impl Iterator<Item = El<'p>> + 'p {
        let mut cur = self.parent();
        std::iter::from_fn(move || {
            let this = cur?;
            cur = this.parent();
            Some(this)
        })
    }

    /// The nearest ancestor with the given local name.
    pub fn closest(&self, name: &str) -> Option<El<'p>> {
        self.ancestors().find(|a| a.name() == name)
    }

    /// Descendant elements in document order (a slice of the element table).
    pub fn descendants(&self) -> impl DoubleEndedIterator<Item = El<'p>> + 'p {
        let page = self.page;
        (self.id.0 + 1..self.info().end).map(move |i| El {
            page,
            id: ElementId(i),
        })
    }

    /// Whether `other` is inside this element.
    pub fn contains(&self, other: &El<'_>) -> bool {
        other.id.0 > self.id.0 && other.id.0 < self.info().end
    }

    /// Element children in document order.
    pub fn children(&self) -> impl Iterator<Item = El<'p>> + 'p {
        let page = self.page;
        let end = self.info().end;
        let mut next = self.id.0 + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = El {
                page,
                id: ElementId(next),
            };
            next = page.els[next as usize].end;
            Some(child)
        })
    }

    /// Whether the element is not rendered (see [`flags::HIDDEN`]).
    pub fn is_hidden(&self) -> bool {
        self.info().flags & flags::HIDDEN != 0
    }

    /// Whether the element is hidden from assistive technology (`aria-hidden` or not rendered).
    pub fn is_aria_hidden(&self) -> bool {
        self.info().flags & (flags::ARIA_HIDDEN | flags::HIDDEN) != 0
    }

    /// Whether the element is inside `<head>`, `<script>`, `<style>`, `<template>` or similar.
    pub fn in_non_text(&self) -> bool {
        self.info().flags & flags::NO_TEXT != 0
    }

    /// The element's part of the page's visible text (hidden descendants excluded), trimmed.
    pub fn visible_text(&self) -> &'p str {
        let info = self.info();
        let (s, e) = (info.text_start as usize, info.text_end as usize);
        self.page.text.get(s..e).unwrap_or("").trim()
    }

    /// All descendant text, hidden or not (like `textContent`).
    pub fn text_content(&self) -> String {
        self.node().text_contents()
    }

    /// A structural CSS selector for the element (`html > body > div:nth-of-type(3) > img`),
    /// starting at the nearest ancestor with a unique, stable-looking `id`, at most 12 steps.
    /// Class names are left out on purpose: CMS templates generate them, and baselines need
    /// selectors that survive a re-publish.
    pub fn selector(&self) -> String {
        const MAX_STEPS: usize = 12;
        let mut parts: Vec<String> = Vec::new();
        let mut cur = Some(*self);
        while let Some(el) = cur {
            if let Some(id) = el.attr("id")
                && is_stable_id(&id)
                && self.page.id_counts().get(&*id).copied() == Some(1)
            {
                parts.push(format!("{}#{}", el.name(), &*id));
                break;
            }
            let info = el.info();
            if info.of_type_total > 1 {
                parts.push(format!("{}:nth-of-type({})", el.name(), info.nth_of_type));
            } else {
                parts.push(el.name().to_string());
            }
            if parts.len() >= MAX_STEPS {
                break;
            }
            cur = el.parent();
        }
        parts.reverse();
        parts.join(" > ")
    }

    /// The element's start tag as written in a report (attributes in source order),
    /// at most `max` characters.
    pub fn start_tag(&self, max: usize) -> String {
        let mut s = String::with_capacity(64);
        s.push('<');
        s.push_str(self.name());
        for (name, value) in self.data().attributes.borrow().map.iter() {
            s.push(' ');
            s.push_str(&name.local);
            if !value.value.is_empty() || &*name.local == "alt" {
                s.push_str("=\"");
                for c in value.value.chars().take(max) {
                    match c {
                        '"' => s.push_str("&quot;"),
                        '\n' | '\r' | '\t' => s.push(' '),
                        _ => s.push(c),
                    }
                }
                s.push('"');
            }
            if s.len() > max * 4 {
                break;
            }
        }
        s.push('>');
        dom::truncate_chars(&s, max).into_owned()
    }
}

fn is_stable_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    // A megabyte-long id would be copied into every finding's selector.
    first_ok
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && id.chars().filter(char::is_ascii_digit).count() <= 2
}

/// Finds a no-namespace attribute by name with a linear scan: elements have a handful of
/// attributes, and `Attributes::get` would intern the name as an atom (a global lock for names
/// outside the static set) and SipHash it on every lookup.
fn find_attr<'a>(attrs: &'a kuchikikiki::Attributes, name: &str) -> Option<&'a str> {
    attrs
        .map
        .iter()
        .find(|(k, _)| k.ns.is_empty() && &*k.local == name)
        .map(|(_, v)| v.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        Page::from_html(html, "https://www.example.gov.cn/a/b.html")
    }

    #[test]
    fn long_ids_stay_out_of_selectors() {
        // Found by the robustness tests: a 1 MB id made every finding on the element 1 MB.
        let long = "a".repeat(1 << 20);
        let p = page(&format!("<div id={long}><p>x<img src=a.png></p></div>"));
        let img = p.elements_named("img").next().expect("img");
        assert_eq!(img.selector(), "html > body > div > p > img");
    }

    #[test]
    fn elements_lines_and_parents() {
        let p = page(
            "<html>\n<body>\n<div id=foot>\n<p>备案</p><p>x<img src=a.png></p>\n</div></body></html>",
        );
        let imgs: Vec<_> = p.elements_named("img").collect();
        assert_eq!(imgs.len(), 1);
        let img = imgs[0];
        assert_eq!(img.line(), Some(4));
        assert_eq!(img.parent().map(|e| e.name()), Some("p"));
        assert_eq!(img.selector(), "div#foot > p:nth-of-type(2) > img");
        assert_eq!(img.start_tag(80), "<img src=\"a.png\">");
        let div = p.element_by_id("foot").expect("div");
        assert!(div.contains(&img));
        assert_eq!(div.children().count(), 2);
        assert_eq!(div.descendants().count(), 3);
    }

    #[test]
    fn visible_text_skips_scripts_and_hidden() {
        let p = page(
            "<head><title> 开平  市 </title><style>p{}</style></head><body><div>粤ICP备<span>05079694</span>号</div>\
             <script>var x='隐藏';</script><p style='display:none'>不可见</p><p hidden>也不可见</p>\
             <table><tr><td>网站标识码</td><td>4407830003</td></tr></table></body>",
        );
        let text = p.visible_text();
        assert!(text.contains("粤ICP备05079694号"), "{text:?}");
        assert!(text.contains("网站标识码 4407830003"), "{text:?}");
        assert!(!text.contains("隐藏"));
        assert!(!text.contains("不可见"));
        assert_eq!(p.title(), Some("开平 市"));
        let div = p.elements_named("div").next().expect("div");
        assert_eq!(div.visible_text(), "粤ICP备05079694号");
    }

    #[test]
    fn hidden_flags_inherit() {
        let p = page(
            "<div aria-hidden=true><img src=a></div><div style='visibility: hidden'><img src=b></div><img src=c>",
        );
        let flags: Vec<(bool, bool)> = p
            .elements_named("img")
            .map(|e| (e.is_hidden(), e.is_aria_hidden()))
            .collect();
        assert_eq!(flags, vec![(false, true), (true, true), (false, false)]);
    }

    #[test]
    fn links_resolve_against_base() {
        let p = page(
            "<head><base href='/root/'></head><a href='x.html'>x</a><img src='//cdn.example.com/i.png'><script src=s.js></script><a href=''>e</a>",
        );
        let urls: Vec<String> = p
            .links()
            .iter()
            .map(|l| l.url.as_ref().map(|u| u.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            urls,
            vec![
                "https://www.example.gov.cn/root/x.html",
                "https://cdn.example.com/i.png",
                "https://www.example.gov.cn/root/s.js"
            ]
        );
    }

    #[test]
    fn memo_computes_once() {
        let p = page("<p>x</p>");
        let calls = std::cell::Cell::new(0);
        let a = p.memo(|pg| {
            calls.set(calls.get() + 1);
            pg.element_count()
        });
        let b = p.memo(|_| {
            calls.set(calls.get() + 1);
            0usize
        });
        assert_eq!(*a, *b);
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let p = page("<body><svg><title>icon</title></svg></body>");
        assert_eq!(p.title(), None);
    }

    #[test]
    fn meta_lookup_is_case_insensitive() {
        let p = page("<meta name='siteidcode' content='4407830003'>");
        assert_eq!(p.meta("SiteIDCode").as_deref(), Some("4407830003"));
    }
}
