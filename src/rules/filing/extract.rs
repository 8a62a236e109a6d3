//! The one extraction per page shared by the filing and identity rules and the identity
//! collector ([`extraction`], memoised on the page).
//!
//! What it does (RULES.md §0.3):
//! 1. Finds the footer: `<footer>`/`[role=contentinfo]`; else the outermost elements whose
//!    `id`/`class` match `foot|footer|bottom|copyright|banquan` and hold a footer keyword; else the
//!    block around the last `版权所有|主办|ICP|公网安备|网站标识码`; else the last 30% of the text.
//!    Everything from the footer's start (or from 70% of the text, whichever comes first) is the
//!    page's *bottom area*.
//! 2. Matches the patterns on the page's visible text, normalised ([`NormText`]: NFKC,
//!    whitespace, traditional label characters folded), so text split across elements, `&nbsp;`,
//!    full-width digits and icons between label and digits do not matter; each match is mapped
//!    back to the deepest element holding it (selector, line) and to the text as shown.
//! 3. Also matches the `alt`/`title` of images and links (an ICP number drawn as an image).
//! 4. Reads the markup inline scripts write (`document.write` footers, `unescape(...)` badges)
//!    and, when something is still missing, same-site external scripts (read from disk for local
//!    sites; fetched only when the audit is online). Those findings carry `evidence: "script"`.
//! 5. Detects the 党政机关网站标识, 我为政府网站找错, 主办单位, contact details, the 网站地图 link, the
//!    IPv6 label and the identity `<meta>` tags.

use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::patterns::{
    self, IcpLinkKind, IcpMatch, PsbLinkKind, PsbMatch, classify_icp_link, classify_psb_link,
};
use super::text::{NormText, normalize, script_literals, script_writes_markup};
use crate::config::AuditOptions;
use crate::page::{ElementId, Page};
use crate::rules::SiteInfo;
use crate::services::Services;

/// Most matches of one kind taken from a page (a page listing hundreds of numbers is not a
/// footer).
const MAX_HITS: usize = 24;
/// Largest inline script read for written markup.
const MAX_SCRIPT_BYTES: usize = 256 * 1024;
/// Most markup taken from one script's literals.
const MAX_LITERAL_BYTES: usize = 64 * 1024;

static FOOTER_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)foot|footer|bottom|copyright|banquan").expect("static regex")
});
static FOOTER_SCRIPT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)foot|bottom|copyright|banquan|dibu|public|common|include")
        .expect("static regex")
});
static LIBRARY_SCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)jquery|bootstrap|vue(\.min)?\.js|react|angular|echarts|swiper|layer(\.min)?\.js|lodash|moment|html5shiv|respond(\.min)?\.js|polyfill|zepto|jqprint|migrate|simple-share|/aria\.js|jiucuo\.js|conac",
    )
    .expect("static regex")
});
static PSB_ICON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ghs|gongan|police|beian|备案|公安|gaba|ga_?icon|logo01|jingwei|gawa")
        .expect("static regex")
});
static CONAC_IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)conac|dzjg|(?:^|/)(?:gtrs_)?(?:red|blue)\.png").expect("static regex")
});
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)联系我们|联系方式|(?:联系|咨询|服务|值班|办公|监督)?电话\s*:?\s*[0-9(]|tel\s*[:.]?\s*[0-9(]|传真\s*:|(?:通讯|联系|办公)?地址\s*:|e-?mail\s*:|邮箱\s*:",
    )
    .expect("static regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("static regex")
});
static MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(1[3-9][0-9]{9})(?:$|[^0-9])").expect("static regex")
});
/// A phone number with an area code (`0750-2345678`, `(010)58884104`); a bare run of digits is
/// no phone number (ICP and site-code digits look like one).
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^0-9])(\(?0[0-9]{2,3}\)?[-－ ][0-9]{7,8}|\(0[0-9]{2,3}\)[0-9]{7,8})(?:$|[^0-9])",
    )
    .expect("static regex")
});

/// Where a fact was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The page markup (text, attributes, elements).
    Markup,
    /// Markup written by an inline or same-site script.
    Script,
}

impl Evidence {
    /// The value of `Finding::evidence` (`None` for markup).
    pub fn label(self) -> Option<&'static str> {
        match self {
            Evidence::Markup => None,
            Evidence::Script => Some("script"),
        }
    }
}

/// Where a match is.
#[derive(Debug, Clone)]
pub struct Loc {
    /// The deepest element holding it (the script element for script evidence).
    pub el: Option<ElementId>,
    /// The text as shown on the page.
    pub shown: String,
    /// Whether it is in the bottom area.
    pub in_bottom: bool,
    /// Markup or script.
    pub evidence: Evidence,
    /// The external script it came from.
    pub script_url: Option<String>,
}

/// A link target as written and resolved.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// The `href` as written, trimmed.
    pub raw: String,
    /// Resolved against the page.
    pub url: Option<Url>,
}

impl LinkRef {
    /// The resolved URL, or the raw value.
    pub fn display(&self) -> String {
        self.url
            .as_ref()
            .map_or_else(|| self.raw.clone(), Url::to_string)
    }
}

/// An ICP string and its link.
#[derive(Debug, Clone)]
pub struct IcpHit {
    /// The match and its classification.
    pub m: IcpMatch,
    /// Where.
    pub loc: Loc,
    /// The `<a href>` around the number.
    pub link: Option<LinkRef>,
    /// For an unlinked number: an anchor to an accepted host in the same block or footer.
    pub near_ok: Option<LinkRef>,
}

impl IcpHit {
    /// How the number is linked: its own link, or else an accepted anchor nearby.
    pub fn link_kind(&self, o: &FilingLinkHosts<'_>) -> Option<IcpLinkKind> {
        self.link
            .as_ref()
            .map(|l| classify_icp_link(&l.raw, l.url.as_ref(), o.icp_ok, o.icp_outdated, o.psb_all))
            .or_else(|| self.near_ok.as_ref().map(|_| IcpLinkKind::Ok))
    }

    /// The link shown in the inventory.
    pub fn effective_link(&self) -> Option<&LinkRef> {
        self.link.as_ref().or(self.near_ok.as_ref())
    }
}

/// A 公网安备 string, its link and icon.
#[derive(Debug, Clone)]
pub struct PsbHit {
    /// The match and its classification.
    pub m: PsbMatch,
    /// Where.
    pub loc: Loc,
    /// The anchor around it, or a platform anchor in the same block.
    pub link: Option<LinkRef>,
    /// Whether a 备案编号图标 is in or next to it.
    pub icon: bool,
}

impl PsbHit {
    /// The link's classification.
    pub fn link_kind(&self, o: &FilingLinkHosts<'_>) -> Option<PsbLinkKind> {
        self.link
            .as_ref()
            .map(|l| classify_psb_link(&l.raw, l.url.as_ref(), o.psb_current, o.psb_legacy))
    }
}

/// A 网站标识码 after its label.
#[derive(Debug, Clone)]
pub struct CodeHit {
    /// The code (empty when the label has none).
    pub code: String,
    /// Where.
    pub loc: Loc,
}

/// How the 党政机关网站标识 appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConacKind {
    /// The `dcs.conac.cn` script (or its `_ideConac` placeholder): it renders the linked badge.
    Widget,
    /// A link to `bszs.conac.cn/sitename?method=show&id=…`.
    Link,
    /// A badge image only.
    Image,
}

/// A 党政机关网站标识.
#[derive(Debug, Clone)]
pub struct ConacHit {
    /// Kind.
    pub kind: ConacKind,
    /// The script or link target.
    pub target: Option<LinkRef>,
    /// Whether the link carries the certificate `id`.
    pub has_id: bool,
    /// Where.
    pub loc: Loc,
}

/// How the 我为政府网站找错 entry appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JiucuoKind {
    /// `<script id="_jiucuo_" … src=…/exposure/jiucuo.js>`.
    Widget,
    /// A link to `…/exposure/jiucuo.html`.
    Link,
    /// The widget's image.
    Image,
    /// A link whose text is a 找错 label (`我为政府网站找错`, `网站纠错`...).
    Text,
}

/// A 找错 entry.
#[derive(Debug, Clone)]
pub struct JiucuoHit {
    /// Kind.
    pub kind: JiucuoKind,
    /// The script or link target.
    pub target: Option<LinkRef>,
    /// The site code it carries (`sitecode`, `site_code=`, `?v=`).
    pub site_code: Option<String>,
    /// Whether it is hidden (`display:none`).
    pub hidden: bool,
    /// Where.
    pub loc: Loc,
}

/// The 主办单位.
#[derive(Debug, Clone)]
pub struct SponsorHit {
    /// The label as found (`主办单位`).
    pub label: String,
    /// The sponsor's name.
    pub value: String,
    /// Where.
    pub loc: Loc,
}

/// Whether the page declares itself a column or an article page in its `<meta>` tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `ArticleTitle`, `PubDate` or `ContentSource` present.
    Article,
    /// `Column*` tags and no article tags.
    Column,
    /// Neither.
    Other,
}

/// The identity `<meta>` tags.
#[derive(Debug, Clone)]
pub struct Meta {
    /// `SiteName`.
    pub site_name: Option<String>,
    /// `SiteDomain`.
    pub site_domain: Option<String>,
    /// `SiteIDCode` (empty string when present but empty).
    pub site_id_code: Option<String>,
    /// `ColumnName`.
    pub column_name: Option<String>,
    /// `PubDate`.
    pub pub_date: Option<String>,
    /// Page kind.
    pub kind: PageKind,
    /// Lower-case names of every `<meta name>` present.
    pub names: Vec<String>,
    /// The element of `SiteIDCode` (for locating findings).
    pub site_id_code_el: Option<ElementId>,
    /// The element of `PubDate`.
    pub pub_date_el: Option<ElementId>,
}

impl Meta {
    /// Whether a `<meta name>` is present (case-insensitive).
    pub fn has(&self, name: &str) -> bool {
        let l = name.to_ascii_lowercase();
        self.names.contains(&l)
    }
}

/// How the footer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterMethod {
    /// `<footer>` or `[role=contentinfo]`.
    Element,
    /// `id`/`class` like `foot`, `copyright`...
    Class,
    /// The block around the last footer keyword.
    KeywordBlock,
    /// The last 30% of the text.
    LastPart,
}

impl FooterMethod {
    /// The JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            FooterMethod::Element => "footer-element",
            FooterMethod::Class => "class",
            FooterMethod::KeywordBlock => "keyword-block",
            FooterMethod::LastPart => "last-part",
        }
    }
}

/// Everything the filing and identity rules read from a page.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// How the footer was found.
    pub footer: FooterMethod,
    /// The footer's root elements (empty for the last-part fallback).
    pub footer_roots: Vec<ElementId>,
    /// ICP strings, in document order (markup first, then scripts).
    pub icp: Vec<IcpHit>,
    /// 公网安备 strings.
    pub psb: Vec<PsbHit>,
    /// 网站标识码 after its label.
    pub site_codes: Vec<CodeHit>,
    /// 党政机关网站标识.
    pub conac: Vec<ConacHit>,
    /// 找错 entries.
    pub jiucuo: Vec<JiucuoHit>,
    /// The 主办单位 in the bottom area.
    pub sponsor: Option<SponsorHit>,
    /// Kinds of contact details found (`phone`, `email`, `address`, `page`).
    pub contact: Vec<&'static str>,
    /// The 网站地图 link (resolved; mapped into the folder for local sites).
    pub sitemap: Option<String>,
    /// Whether a `支持IPv6` label is shown.
    pub ipv6_label: bool,
    /// The identity `<meta>` tags.
    pub meta: Meta,
    /// Whether the page markup holds any footer keyword (before reading scripts).
    pub markup_footer: bool,
    /// A same-site script that seems to write the footer but could not be read (offline): the
    /// footer items were not verified.
    pub unverified_script: Option<String>,
    /// External scripts that were read.
    pub scripts_read: Vec<String>,
}

/// The link hosts the link classifications need (from [`super::FilingOptions`]).
pub struct FilingLinkHosts<'a> {
    /// Accepted ICP link hosts.
    pub icp_ok: &'a [String],
    /// Outdated MIIT hosts.
    pub icp_outdated: &'a [String],
    /// Current PSB platform hosts.
    pub psb_current: &'a [String],
    /// Legacy PSB platform hosts.
    pub psb_legacy: &'a [String],
    /// Both PSB lists.
    pub psb_all: &'a [String],
}

/// Whether the footer rules apply to a page. They do not on error pages (HTTP 4xx/5xx:
/// `page/http-error` says what matters), framesets (the footer is in a frame, audited as its own
/// page) and redirect stubs (a `<meta http-equiv="refresh">` with a target and almost no text),
/// which would otherwise each report every footer item missing.
pub fn footer_applies(page: &Page) -> bool {
    if page.status.is_some_and(|s| s >= 400) {
        return false;
    }
    if page.elements_named("frameset").next().is_some()
        && page.body().is_some_and(|b| b.name() == "frameset")
    {
        return false;
    }
    let redirect = page.elements_named("meta").any(|m| {
        m.attr("http-equiv")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"))
            && m.attr("content")
                .is_some_and(|c| c.to_ascii_lowercase().contains("url="))
    });
    !(redirect && page.visible_text().chars().count() < 200)
}

/// The page's extraction, computed once per page and shared by every rule and collector.
pub fn extraction(
    page: &Page,
    options: &AuditOptions,
    site: &SiteInfo,
    services: &Services,
) -> Rc<Extraction> {
    page.memo(|p| Extraction::build(p, options, site, services))
}

/// The matches of one scanned document (the page, or markup a script writes).
#[derive(Default)]
struct Partial {
    icp: Vec<IcpHit>,
    psb: Vec<PsbHit>,
    site_codes: Vec<CodeHit>,
    conac: Vec<ConacHit>,
    jiucuo: Vec<JiucuoHit>,
    sponsor: Option<SponsorHit>,
    contact: Vec<&'static str>,
    sitemap: Option<String>,
    ipv6_label: bool,
}

impl Partial {
    fn locs_mut(&mut self) -> Vec<&mut Loc> {
        let mut v: Vec<&mut Loc> = Vec::new();
        v.extend(self.icp.iter_mut().map(|h| &mut h.loc));
        v.extend(self.psb.iter_mut().map(|h| &mut h.loc));
        v.extend(self.site_codes.iter_mut().map(|h| &mut h.loc));
        v.extend(self.conac.iter_mut().map(|h| &mut h.loc));
        v.extend(self.jiucuo.iter_mut().map(|h| &mut h.loc));
        if let Some(s) = self.sponsor.as_mut() {
            v.push(&mut s.loc);
        }
        v
    }

    /// Re-locates everything onto the script element that wrote it.
    fn relocate_to_script(mut self, script: ElementId, url: Option<String>) -> Partial {
        for loc in self.locs_mut() {
            loc.el = Some(script);
            loc.in_bottom = true;
            loc.evidence = Evidence::Script;
            loc.script_url = url.clone();
        }
        self
    }

    fn merge(&mut self, other: Partial) {
        self.icp.extend(other.icp);
        self.psb.extend(other.psb);
        self.site_codes.extend(other.site_codes);
        self.conac.extend(other.conac);
        self.jiucuo.extend(other.jiucuo);
        if self.sponsor.is_none() {
            self.sponsor = other.sponsor;
        }
        for c in other.contact {
            if !self.contact.contains(&c) {
                self.contact.push(c);
            }
        }
        if self.sitemap.is_none() {
            self.sitemap = other.sitemap;
        }
        self.ipv6_label |= other.ipv6_label;
    }

    fn has_core(&self) -> bool {
        !self.icp.is_empty() && !self.psb.is_empty() && !self.site_codes.is_empty()
    }
}

/// One document being scanned, with its precomputed text ranges.
struct Scanner<'p, 'o> {
    page: &'p Page,
    text: &'p str,
    norm: NormText,
    /// Each element's range in `text` (original offsets).
    ranges: Vec<(u32, u32)>,
    /// Elements `a`/`area` with an `href`.
    anchors: Vec<ElementId>,
    /// Original offset where the bottom area starts.
    bottom_start: usize,
    options: &'o AuditOptions,
    site: &'o SiteInfo,
    hosts: FilingLinkHosts<'o>,
}

fn el_range(page: &Page, id: ElementId) -> (u32, u32) {
    let base = page.visible_text().as_ptr() as usize;
    let len = page.visible_text().len();
    let t = page.el(id).visible_text();
    let s = t.as_ptr() as usize;
    if s < base || s > base + len {
        return (0, 0);
    }
    ((s - base) as u32, (s - base + t.len()) as u32)
}

fn is_block_name(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "tbody"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "footer"
            | "section"
            | "article"
            | "center"
            | "form"
            | "body"
            | "header"
            | "nav"
            | "aside"
            | "main"
            | "address"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

impl<'p, 'o> Scanner<'p, 'o> {
    fn new(
        page: &'p Page,
        options: &'o AuditOptions,
        site: &'o SiteInfo,
        hosts: FilingLinkHosts<'o>,
    ) -> Self {
        let text = page.visible_text();
        let norm = NormText::new(text);
        let mut ranges = Vec::with_capacity(page.element_count());
        let mut anchors = Vec::new();
        for el in page.elements() {
            ranges.push(el_range(page, el.id()));
            if matches!(el.name(), "a" | "area") && el.has_attr("href") {
                anchors.push(el.id());
            }
        }
        Scanner {
            page,
            text,
            norm,
            ranges,
            anchors,
            bottom_start: 0,
            options,
            site,
            hosts,
        }
    }

    fn range(&self, id: ElementId) -> (usize, usize) {
        let (s, e) = self.ranges.get(id.0 as usize).copied().unwrap_or((0, 0));
        (s as usize, e as usize)
    }

    /// The original range of a normalised range.
    fn orig(&self, start: usize, end: usize) -> (usize, usize) {
        self.norm.orig_range(self.text, start, end)
    }

    fn in_bottom(&self, orig_start: usize) -> bool {
        orig_start >= self.bottom_start
    }

    /// The deepest element whose text holds the original range.
    fn deepest(&self, os: usize, oe: usize) -> Option<ElementId> {
        let mut best = None;
        for (i, (s, e)) in self.ranges.iter().enumerate() {
            let (s, e) = (*s as usize, *e as usize);
            if e > s && s <= os && oe <= e {
                best = Some(ElementId(i as u32));
            }
        }
        best
    }

    fn link_ref(&self, id: ElementId) -> Option<LinkRef> {
        let el = self.page.el(id);
        let raw = el.attr("href")?.trim().to_string();
        let url = self.page.resolve(&raw);
        Some(LinkRef { raw, url })
    }

    /// The anchor overlapping the original range the most.
    fn anchor_over(&self, os: usize, oe: usize) -> Option<ElementId> {
        let mut best: Option<(usize, ElementId)> = None;
        for &a in &self.anchors {
            let (s, e) = self.range(a);
            let overlap = oe.min(e).saturating_sub(os.max(s));
            if overlap > 0 && best.is_none_or(|(b, _)| overlap > b) {
                best = Some((overlap, a));
            }
        }
        best.map(|(_, a)| a)
    }

    /// The nearest block-level ancestor-or-self.
    fn block_of(&self, id: ElementId) -> ElementId {
        let el = self.page.el(id);
        if is_block_name(el.name()) {
            return id;
        }
        el.ancestors()
            .find(|a| is_block_name(a.name()))
            .map_or(id, |a| a.id())
    }

    /// Anchors inside an element.
    fn anchors_in(&self, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
        let el = self.page.el(id);
        self.anchors
            .iter()
            .copied()
            .filter(move |a| *a == id || el.contains(&self.page.el(*a)))
    }

    /// Anchors in the bottom area.
    fn bottom_anchors(&self) -> impl Iterator<Item = ElementId> + '_ {
        self.anchors
            .iter()
            .copied()
            .filter(|a| self.range(*a).0 >= self.bottom_start)
    }

    fn loc(&self, el: Option<ElementId>, shown: String, orig_start: usize) -> Loc {
        Loc {
            el,
            shown,
            in_bottom: self.in_bottom(orig_start),
            evidence: Evidence::Markup,
            script_url: None,
        }
    }

    // ----- footer ---------------------------------------------------------------------------

    /// Finds the footer and sets the bottom area; returns the method, the roots and whether any
    /// footer keyword is in the text.
    fn find_footer(&mut self) -> (FooterMethod, Vec<ElementId>, bool) {
        const KEYWORDS: &[&str] = &["版权所有", "主办", "ICP", "公网安备", "网站标识码"];
        let mut kw: Vec<usize> = Vec::new();
        for k in KEYWORDS {
            for (i, _) in self.norm.text.match_indices(k) {
                kw.push(self.orig(i, i + k.len()).0);
            }
        }
        kw.sort_unstable();
        let has_kw = |s: usize, e: usize| {
            let i = kw.partition_point(|&o| o < s);
            kw.get(i).is_some_and(|&o| o < e)
        };
        let len = self.text.len();
        let last_part = len * 7 / 10;
        let mut elements: Vec<ElementId> = Vec::new();
        let mut classes: Vec<ElementId> = Vec::new();
        for el in self.page.elements() {
            if el.in_non_text() || el.is_hidden() {
                continue;
            }
            let (s, e) = self.range(el.id());
            if e <= s {
                continue;
            }
            let role_ci = el
                .attr("role")
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("contentinfo"));
            if el.name() == "footer" || role_ci {
                if !elements.iter().any(|r| self.page.el(*r).contains(&el)) {
                    elements.push(el.id());
                }
                continue;
            }
            let attr_match = el.attr("id").is_some_and(|v| FOOTER_ATTR.is_match(&v))
                || el.attr("class").is_some_and(|v| FOOTER_ATTR.is_match(&v));
            if attr_match && has_kw(s, e) && !classes.iter().any(|r| self.page.el(*r).contains(&el))
            {
                classes.push(el.id());
            }
        }
        let (method, roots) = if !elements.is_empty() {
            // Keyword-holding class matches outside the footer element join it.
            let mut roots = elements;
            for c in classes {
                if !roots
                    .iter()
                    .any(|r| self.page.el(*r).contains(&self.page.el(c)))
                {
                    roots.push(c);
                }
            }
            (FooterMethod::Element, roots)
        } else if !classes.is_empty() {
            (FooterMethod::Class, classes)
        } else if let Some(&last) = kw.last() {
            let root = self.deepest(last, last + 1).map(|d| {
                let mut cur = self.page.el(self.block_of(d));
                while let Some(parent) = cur.parent() {
                    let (ps, pe) = self.range(parent.id());
                    if matches!(parent.name(), "body" | "html") || pe - ps > 1800 {
                        break;
                    }
                    cur = parent;
                }
                cur.id()
            });
            (FooterMethod::KeywordBlock, root.into_iter().collect())
        } else {
            (FooterMethod::LastPart, Vec::new())
        };
        let root_start = roots.iter().map(|r| self.range(*r).0).min();
        self.bottom_start = root_start.map_or(last_part, |s| s.min(last_part));
        (method, roots, !kw.is_empty())
    }

    // ----- text matches ---------------------------------------------------------------------

    fn scan_text(&self, out: &mut Partial) {
        let hay = &self.norm.text;
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for m in patterns::find_icp(hay).into_iter().take(MAX_HITS) {
            taken.push((m.start, m.end));
            let (os, oe) = self.orig(m.start, m.end);
            let el = self.deepest(os, oe);
            let anchor = self.anchor_over(os, oe);
            let shown = self.norm.shown(self.text, m.start, m.end);
            let link = anchor.and_then(|a| self.link_ref(a));
            let near_ok = if link.is_none() {
                self.near_icp_anchor(el, os)
            } else {
                None
            };
            out.icp.push(IcpHit {
                loc: self.loc(el, shown, os),
                m,
                link,
                near_ok,
            });
        }
        for m in patterns::find_psb(hay).into_iter().take(MAX_HITS) {
            taken.push((m.start, m.end));
            let (os, oe) = self.orig(m.start, m.end);
            let el = self.deepest(os, oe);
            let anchor = self
                .anchor_over(os, oe)
                .or_else(|| self.near_psb_anchor(el, os));
            let icon = self.psb_icon(el, anchor, os, oe);
            let shown = self.norm.shown(self.text, m.start, m.end);
            out.psb.push(PsbHit {
                loc: self.loc(el, shown, os),
                link: anchor.and_then(|a| self.link_ref(a)),
                icon,
                m,
            });
        }
        for (s, e, code) in patterns::find_site_codes(hay).into_iter().take(MAX_HITS) {
            taken.push((s, e));
            let (os, oe) = self.orig(s, e);
            let el = self.deepest(os, oe);
            let shown = self.norm.shown(self.text, s, e);
            out.site_codes.push(CodeHit {
                code,
                loc: self.loc(el, shown, os),
            });
        }
        out.ipv6_label |= patterns::IPV6_LABEL.is_match(hay);
        self.scan_sponsor(out);
        self.scan_contact(out, &taken);
    }

    /// An anchor to an accepted ICP host in the same block, or (for a number in the bottom
    /// area) anywhere in the bottom area: the number is "linked below" (D6 第十三条).
    fn near_icp_anchor(&self, el: Option<ElementId>, os: usize) -> Option<LinkRef> {
        let ok = |a: &ElementId| {
            self.link_ref(*a).is_some_and(|l| {
                classify_icp_link(
                    &l.raw,
                    l.url.as_ref(),
                    self.hosts.icp_ok,
                    self.hosts.icp_outdated,
                    self.hosts.psb_all,
                ) == IcpLinkKind::Ok
            })
        };
        let in_block = el.and_then(|e| self.anchors_in(self.block_of(e)).find(|a| ok(a)));
        let found = in_block.or_else(|| {
            self.in_bottom(os)
                .then(|| self.bottom_anchors().find(|a| ok(a)))
                .flatten()
        });
        found.and_then(|a| self.link_ref(a))
    }

    /// An anchor to the PSB platform in the same block (icon and text often sit in separate
    /// anchors), else in the bottom area.
    fn near_psb_anchor(&self, el: Option<ElementId>, os: usize) -> Option<ElementId> {
        let platform = |a: &ElementId| {
            self.link_ref(*a).is_some_and(|l| {
                !matches!(
                    classify_psb_link(
                        &l.raw,
                        l.url.as_ref(),
                        self.hosts.psb_current,
                        self.hosts.psb_legacy
                    ),
                    PsbLinkKind::Wrong(_) | PsbLinkKind::Placeholder
                )
            })
        };
        let in_block = el.and_then(|e| self.anchors_in(self.block_of(e)).find(|a| platform(a)));
        in_block.or_else(|| {
            self.in_bottom(os)
                .then(|| self.bottom_anchors().find(|a| platform(a)))
                .flatten()
        })
    }

    /// Whether a 备案编号图标 is in the anchor, next to it, or beside the text in its block.
    fn psb_icon(
        &self,
        el: Option<ElementId>,
        anchor: Option<ElementId>,
        os: usize,
        oe: usize,
    ) -> bool {
        let page = self.page;
        if let Some(a) = anchor {
            let a_el = page.el(a);
            if a_el.descendants().any(|d| d.name() == "img") {
                return true;
            }
            if let Some(parent) = a_el.parent() {
                let kids: Vec<_> = parent.children().collect();
                if let Some(i) = kids.iter().position(|k| k.id() == a) {
                    let neighbours = [i.checked_sub(1), Some(i + 1)];
                    for j in neighbours.into_iter().flatten() {
                        if let Some(k) = kids.get(j)
                            && (k.name() == "img"
                                || (k.name() == "a" && k.descendants().any(|d| d.name() == "img")))
                        {
                            return true;
                        }
                    }
                }
            }
        }
        let Some(el) = el else { return false };
        let block = page.el(self.block_of(el));
        block
            .descendants()
            .filter(|d| d.name() == "img")
            .any(|img| {
                let (p, _) = self.range(img.id());
                let adjacent = p + 4 >= os && p <= oe + 4;
                let named = ["src", "alt", "title"]
                    .iter()
                    .any(|a| img.attr(a).is_some_and(|v| PSB_ICON.is_match(&v)));
                adjacent || named
            })
    }

    fn scan_sponsor(&self, out: &mut Partial) {
        // Only the bottom area counts.
        let nb = self.norm.norm_index(self.bottom_start);
        let hay = &self.norm.text;
        let labels = self.options.identity.sponsor_labels();
        let mut labels: Vec<String> = labels.iter().map(|l| normalize(l)).collect();
        labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
        let mut best: Option<(usize, String, String, usize, usize)> = None;
        for label in &labels {
            if label.is_empty() {
                continue;
            }
            for (i, _) in hay[nb..].match_indices(label.as_str()) {
                let i = i + nb;
                let rest = &hay[i + label.len()..];
                let after = rest.trim_start_matches(' ');
                let Some(value) = after.strip_prefix(':') else {
                    continue;
                };
                let value = value.trim_start_matches(' ');
                let name: String = value
                    .chars()
                    .take_while(|c| !matches!(c, ' ' | '\n' | '|' | '丨' | ',' | ';' | '©'))
                    .take(60)
                    .collect();
                if name.is_empty() {
                    continue;
                }
                let os = self.orig(i, i + label.len()).0;
                if !self.in_bottom(os) {
                    continue;
                }
                let value_start = hay.len() - value.len();
                let end = value_start + name.len();
                if best.as_ref().is_none_or(|b| os < b.0) {
                    // The name as shown (not folded to simplified).
                    let shown = self.norm.shown(self.text, value_start, end);
                    best = Some((os, label.clone(), shown, i, end));
                }
            }
        }
        if let Some((os, label, value, s, e)) = best {
            let (_, oe) = self.orig(s, e);
            let el = self.deepest(os, oe);
            out.sponsor = Some(SponsorHit {
                label,
                value,
                loc: self.loc(el, self.norm.shown(self.text, s, e), os),
            });
        }
    }

    fn scan_contact(&self, out: &mut Partial, identifiers: &[(usize, usize)]) {
        // Only the bottom area counts: search from its start.
        let nb = self.norm.norm_index(self.bottom_start);
        let hay = &self.norm.text[nb..];
        let add = |k: &'static str, out: &mut Partial| {
            if !out.contact.contains(&k) {
                out.contact.push(k);
            }
        };
        let ok = |s: usize, e: usize| {
            let (s, e) = (s + nb, e + nb);
            !identifiers.iter().any(|(is, ie)| *is < e && s < *ie)
        };
        for m in CONTACT.find_iter(hay) {
            if out.contact.len() >= 4 {
                break;
            }
            if !ok(m.start(), m.end()) {
                continue;
            }
            let t = m.as_str().to_ascii_lowercase();
            let kind = if t.contains("地址") {
                "address"
            } else if t.contains("mail") || t.contains("邮箱") {
                "email"
            } else if t.contains("联系我们") || t.contains("联系方式") {
                "page"
            } else {
                "phone"
            };
            add(kind, out);
        }
        if !out.contact.contains(&"email") && EMAIL.find_iter(hay).any(|m| ok(m.start(), m.end())) {
            add("email", out);
        }
        for re in [&*MOBILE, &*PHONE] {
            if out.contact.contains(&"phone") {
                break;
            }
            let found = re
                .captures_iter(hay)
                .filter_map(|c| c.get(1))
                .any(|m| ok(m.start(), m.end()));
            if found {
                add("phone", out);
            }
        }
    }

    // ----- attributes and elements ----------------------------------------------------------

    /// `alt`/`title` of images and links (a number drawn as an image, a badge's label).
    fn scan_attributes(&self, out: &mut Partial) {
        for el in self.page.elements_named_any(&["img", "a", "area", "input"]) {
            if el.is_hidden() || el.in_non_text() {
                continue;
            }
            for attr in ["alt", "title"] {
                let Some(value) = el.attr(attr) else { continue };
                if value.trim().is_empty() || !looks_relevant(&value) {
                    continue;
                }
                let norm = NormText::new(&value);
                let (pos, _) = self.range(el.id());
                let anchor = std::iter::once(el)
                    .chain(el.ancestors())
                    .find(|a| matches!(a.name(), "a" | "area") && a.has_attr("href"))
                    .map(|a| a.id());
                let link = anchor.and_then(|a| self.link_ref(a));
                for m in patterns::find_icp(&norm.text).into_iter().take(4) {
                    let shown = norm.shown(&value, m.start, m.end);
                    let near_ok = if link.is_none() {
                        self.near_icp_anchor(Some(el.id()), pos)
                    } else {
                        None
                    };
                    out.icp.push(IcpHit {
                        loc: self.loc(Some(el.id()), shown, pos),
                        m,
                        link: link.clone(),
                        near_ok,
                    });
                }
                for m in patterns::find_psb(&norm.text).into_iter().take(4) {
                    let shown = norm.shown(&value, m.start, m.end);
                    out.psb.push(PsbHit {
                        loc: self.loc(Some(el.id()), shown, pos),
                        link: link.clone(),
                        icon: el.name() == "img"
                            || anchor.is_some_and(|a| {
                                self.page.el(a).descendants().any(|d| d.name() == "img")
                            }),
                        m,
                    });
                }
                for (s, e, code) in patterns::find_site_codes(&norm.text).into_iter().take(4) {
                    out.site_codes.push(CodeHit {
                        code,
                        loc: self.loc(Some(el.id()), norm.shown(&value, s, e), pos),
                    });
                }
                out.ipv6_label |= patterns::IPV6_LABEL.is_match(&norm.text);
            }
        }
    }

    /// Badges, widgets and links identified by their elements.
    fn scan_elements(&self, out: &mut Partial) {
        let page = self.page;
        let id = &self.options.identity;
        let jiucuo_texts: Vec<String> = id.jiucuo_texts().iter().map(|t| normalize(t)).collect();
        let sitemap_texts: Vec<String> = id.sitemap_texts().iter().map(|t| normalize(t)).collect();
        // A link's text is normalised only when it holds one of these characters (the last
        // character of each text looked for, in its simplified and traditional forms), so pages
        // with thousands of links stay fast.
        let mut triggers: Vec<char> = Vec::new();
        for t in jiucuo_texts
            .iter()
            .chain(&sitemap_texts)
            .map(String::as_str)
            .chain(["联系我们"])
        {
            if let Some(c) = t.chars().last() {
                triggers.extend(super::text::unfolded_forms(c));
            }
        }
        for el in page.elements_named_any(&["script", "a", "area", "img", "span"]) {
            let (pos, _) = self.range(el.id());
            let loc = |shown: String| self.loc(Some(el.id()), shown, pos);
            match el.name() {
                "script" => {
                    let src = el.attr_trimmed("src");
                    let is_jiucuo_id = el.attr("id").is_some_and(|v| v.trim() == "_jiucuo_");
                    let is_jiucuo_src = src
                        .as_deref()
                        .is_some_and(|s| s.contains("/exposure/jiucuo.js"));
                    let maybe_conac = src
                        .as_deref()
                        .is_some_and(|s| s.to_ascii_lowercase().contains("conac.cn"));
                    if !(is_jiucuo_id || is_jiucuo_src || maybe_conac) {
                        continue;
                    }
                    let resolved = src.as_deref().and_then(|s| page.resolve(s));
                    let target = src.clone().map(|raw| LinkRef {
                        raw,
                        url: resolved.clone(),
                    });
                    let host = resolved
                        .as_ref()
                        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
                    if is_jiucuo_id || is_jiucuo_src {
                        out.jiucuo.push(JiucuoHit {
                            kind: JiucuoKind::Widget,
                            site_code: el.attr_trimmed("sitecode").filter(|s| !s.is_empty()),
                            target,
                            hidden: false,
                            loc: loc(el.start_tag(120)),
                        });
                    } else if host.as_deref().is_some_and(|h| h.ends_with("conac.cn"))
                        && src.as_deref().is_some_and(|s| s.contains("/js/"))
                    {
                        out.conac.push(ConacHit {
                            kind: ConacKind::Widget,
                            target,
                            has_id: true,
                            loc: loc(el.start_tag(120)),
                        });
                    }
                }
                "span" => {
                    if el.attr("id").is_some_and(|v| v.trim() == "_ideConac") {
                        out.conac.push(ConacHit {
                            kind: ConacKind::Widget,
                            target: None,
                            has_id: true,
                            loc: loc(el.start_tag(120)),
                        });
                    }
                }
                "img" => {
                    let src = el.attr_trimmed("src").unwrap_or_default();
                    let lower = src.to_ascii_lowercase();
                    if src.contains("/exposure/images/jiucuo") {
                        let resolved = page.resolve(&src);
                        let code = resolved.as_ref().and_then(|u| {
                            u.query_pairs()
                                .find(|(k, _)| k == "v")
                                .map(|(_, v)| v.to_string())
                        });
                        out.jiucuo.push(JiucuoHit {
                            kind: JiucuoKind::Image,
                            target: Some(LinkRef {
                                raw: src.clone(),
                                url: resolved,
                            }),
                            site_code: code,
                            hidden: el.is_hidden(),
                            loc: loc(el.start_tag(120)),
                        });
                    }
                    let conac_host = lower.contains("conac.cn")
                        && page
                            .resolve(&src)
                            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                            .is_some_and(|h| h.ends_with("conac.cn"));
                    let conac_img = conac_host
                        || el
                            .attr("id")
                            .is_some_and(|v| v.trim().eq_ignore_ascii_case("imgConac"))
                        || (self.in_bottom(pos) && CONAC_IMAGE.is_match(&src));
                    if conac_img && !el.is_hidden() {
                        out.conac.push(ConacHit {
                            kind: ConacKind::Image,
                            target: None,
                            has_id: false,
                            loc: loc(el.start_tag(120)),
                        });
                    }
                }
                _ => {
                    // a / area
                    let Some(raw) = el.attr_trimmed("href") else {
                        continue;
                    };
                    let lower = raw.to_ascii_lowercase();
                    let hidden = el.is_hidden();
                    if !hidden && lower.starts_with("mailto:") && !out.contact.contains(&"email") {
                        out.contact.push("email");
                    }
                    let maybe_conac = lower.contains("conac.cn");
                    let exposure = raw.contains("/exposure/jiucuo.html");
                    let raw_text = format!(
                        "{} {} {}",
                        el.visible_text(),
                        el.attr("title").as_deref().unwrap_or(""),
                        el.descendants()
                            .filter(|d| d.name() == "img")
                            .filter_map(|d| d.attr_trimmed("alt"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    );
                    let text = if raw_text.contains(triggers.as_slice()) {
                        normalize(&raw_text)
                    } else {
                        String::new()
                    };
                    let jiucuo_text = !text.is_empty()
                        && jiucuo_texts
                            .iter()
                            .any(|t| !t.is_empty() && text.contains(t.as_str()));
                    let sitemap_text = !text.is_empty()
                        && sitemap_texts
                            .iter()
                            .any(|t| !t.is_empty() && text.contains(t.as_str()));
                    if !(maybe_conac
                        || exposure
                        || jiucuo_text
                        || sitemap_text
                        || text.contains("联系我们"))
                    {
                        continue;
                    }
                    let url = page.resolve(&raw);
                    let host = url
                        .as_ref()
                        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                        .unwrap_or_default();
                    let link = LinkRef {
                        raw: raw.clone(),
                        url: url.clone(),
                    };
                    if host == "bszs.conac.cn" && !hidden {
                        let has_id = url.as_ref().is_some_and(|u| {
                            u.query_pairs()
                                .any(|(k, v)| k.eq_ignore_ascii_case("id") && !v.trim().is_empty())
                        });
                        out.conac.push(ConacHit {
                            kind: ConacKind::Link,
                            target: Some(link.clone()),
                            has_id,
                            loc: loc(el.start_tag(120)),
                        });
                    }
                    if exposure || jiucuo_text {
                        let code = url.as_ref().and_then(|u| {
                            u.query_pairs()
                                .find(|(k, _)| k == "site_code" || k == "sitecode")
                                .map(|(_, v)| v.to_string())
                        });
                        out.jiucuo.push(JiucuoHit {
                            kind: if exposure {
                                JiucuoKind::Link
                            } else {
                                JiucuoKind::Text
                            },
                            target: Some(link.clone()),
                            site_code: code.filter(|c| !c.is_empty()),
                            hidden,
                            loc: loc(el.start_tag(120)),
                        });
                    }
                    let real_href = !raw.is_empty()
                        && !raw.starts_with('#')
                        && !lower.starts_with("javascript:");
                    if out.sitemap.is_none()
                        && real_href
                        && !hidden
                        && sitemap_text
                        && let Some(u) = &url
                    {
                        out.sitemap = Some(self.site.local_target(u).to_string());
                    }
                    if !hidden
                        && real_href
                        && text.contains("联系我们")
                        && !out.contact.contains(&"page")
                    {
                        out.contact.push("page");
                    }
                }
            }
        }
    }
}

/// Whether an attribute value may hold something the extraction looks for.
fn looks_relevant(v: &str) -> bool {
    const MARKERS: &[&str] = &[
        "ICP",
        "icp",
        "Icp",
        "公网安备",
        "公網安備",
        "标识码",
        "標識碼",
        "IPv6",
        "IPV6",
        "ipv6",
        "公安",
    ];
    MARKERS.iter().any(|m| v.contains(m))
}

/// Whether an inline script may write something the extraction looks for.
fn script_relevant(js: &str) -> bool {
    const MARKERS: &[&str] = &[
        "ICP",
        "公网安备",
        "公網安備",
        "标识码",
        "標識碼",
        "conac",
        "jiucuo",
        "主办",
        "主辦",
        "版权",
        "版權",
        "IPv6",
        "%u",
        "%3C",
        "%3c",
        "\\u",
        "\\x",
    ];
    MARKERS.iter().any(|m| js.contains(m))
}

/// Scans a document: text, attributes, elements.
fn scan_document(scanner: &Scanner<'_, '_>) -> Partial {
    let mut out = Partial::default();
    scanner.scan_text(&mut out);
    scanner.scan_attributes(&mut out);
    scanner.scan_elements(&mut out);
    out
}

/// Parses the markup a script writes and scans it.
fn scan_script_markup(
    js: &str,
    base: &Url,
    options: &AuditOptions,
    site: &SiteInfo,
    hosts: FilingLinkHosts<'_>,
) -> Option<Partial> {
    if !script_writes_markup(js) {
        return None;
    }
    let markup = script_literals(js, MAX_LITERAL_BYTES);
    if markup.trim().is_empty() {
        return None;
    }
    let mini = Page::from_html(&markup, base.as_str());
    let scanner = Scanner::new(&mini, options, site, hosts);
    let part = scan_document(&scanner);
    let empty = part.icp.is_empty()
        && part.psb.is_empty()
        && part.site_codes.is_empty()
        && part.conac.is_empty()
        && part.jiucuo.is_empty()
        && part.sponsor.is_none()
        && !part.ipv6_label;
    (!empty).then_some(part)
}

fn read_meta(page: &Page) -> Meta {
    let mut names = Vec::new();
    let mut site_id_code_el = None;
    let mut pub_date_el = None;
    for m in page.elements_named("meta") {
        let Some(n) = m.attr("name") else { continue };
        let n = n.trim().to_ascii_lowercase();
        if n == "siteidcode" && site_id_code_el.is_none() {
            site_id_code_el = Some(m.id());
        }
        if n == "pubdate" && pub_date_el.is_none() {
            pub_date_el = Some(m.id());
        }
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let get = |n: &str| page.meta(n).map(|v| v.trim().to_string());
    let has = |n: &str| names.iter().any(|x| x == n);
    let kind = if has("articletitle") || has("pubdate") || has("contentsource") {
        PageKind::Article
    } else if names.iter().any(|n| n.starts_with("column")) {
        PageKind::Column
    } else {
        PageKind::Other
    };
    Meta {
        site_name: get("SiteName"),
        site_domain: get("SiteDomain"),
        site_id_code: get("SiteIDCode"),
        column_name: get("ColumnName"),
        pub_date: get("PubDate"),
        kind,
        names,
        site_id_code_el,
        pub_date_el,
    }
}

impl Extraction {
    /// Extracts everything from a page (see the module documentation).
    pub fn build(
        page: &Page,
        options: &AuditOptions,
        site: &SiteInfo,
        services: &Services,
    ) -> Extraction {
        let f = &options.filing;
        let (icp_ok, icp_outdated) = (f.icp_link_hosts(), f.icp_outdated_hosts());
        let (psb_current, psb_legacy) = (f.psb_link_hosts(), f.psb_legacy_hosts());
        let psb_all: Vec<String> = psb_current
            .iter()
            .chain(psb_legacy.iter())
            .cloned()
            .collect();
        let hosts = || FilingLinkHosts {
            icp_ok: &icp_ok,
            icp_outdated: &icp_outdated,
            psb_current: &psb_current,
            psb_legacy: &psb_legacy,
            psb_all: &psb_all,
        };
        let mut scanner = Scanner::new(page, options, site, hosts());
        let (footer, footer_roots, markup_footer) = scanner.find_footer();
        let mut found = scan_document(&scanner);
        drop(scanner);

        // Inline scripts that write markup.
        let base = page.base_url().clone();
        for script in page.elements_named("script") {
            if script.has_attr("src") {
                continue;
            }
            let js = script.text_content();
            if js.len() > MAX_SCRIPT_BYTES || !script_relevant(&js) {
                continue;
            }
            if let Some(part) = scan_script_markup(&js, &base, options, site, hosts()) {
                found.merge(part.relocate_to_script(script.id(), None));
            }
        }

        // Same-site external scripts, when something is still missing.
        let mut scripts_read = Vec::new();
        let mut unverified_script = None;
        let budget = options.identity.footer_scripts();
        if !found.has_core() && budget > 0 {
            let mut candidates: Vec<(bool, ElementId, Url)> = Vec::new();
            for script in page.elements_named("script") {
                let Some(src) = script.attr_trimmed("src") else {
                    continue;
                };
                let Some(url) = page.resolve(&src) else {
                    continue;
                };
                let url = site.local_target(&url);
                let host = url.host_str().map(str::to_ascii_lowercase);
                let same_site = site.contains(&url)
                    || (host.is_some() && host.as_deref() == page.url.host_str())
                    || (host.is_some() && host == options.identity.site_host());
                if !same_site || LIBRARY_SCRIPT.is_match(url.path()) {
                    continue;
                }
                let in_footer_box = script.ancestors().any(|a| {
                    a.attr("id").is_some_and(|v| FOOTER_ATTR.is_match(&v))
                        || a.attr("class").is_some_and(|v| FOOTER_ATTR.is_match(&v))
                        || a.name() == "footer"
                });
                let footerish = in_footer_box || FOOTER_SCRIPT_NAME.is_match(url.path());
                candidates.push((footerish, script.id(), url));
            }
            // Footer-like scripts first, then the others from the end of the page.
            candidates.reverse();
            candidates.sort_by_key(|(footerish, _, _)| !*footerish);
            for (footerish, id, url) in candidates.into_iter().take(budget) {
                let readable = url.scheme() == "file" || services.network();
                if !readable {
                    if footerish && !markup_footer && unverified_script.is_none() {
                        unverified_script = Some(url.to_string());
                    }
                    continue;
                }
                let fetched = services.fetch(&url);
                let raw = match fetched.as_ref() {
                    Ok(raw) if raw.status.is_none_or(|s| (200..300).contains(&s)) => raw,
                    // The server answered with an error: visitors do not get the footer either,
                    // so "missing" is the truth.
                    Ok(_) => continue,
                    // Offline, DNS, timeout, connection: the footer could not be verified.
                    Err(_) => {
                        if footerish && !markup_footer && unverified_script.is_none() {
                            unverified_script = Some(url.to_string());
                        }
                        continue;
                    }
                };
                let js =
                    crate::fetch::charset::decode(&raw.body, raw.content_type.as_deref(), None)
                        .text;
                scripts_read.push(url.to_string());
                if let Some(part) = scan_script_markup(&js, &base, options, site, hosts()) {
                    found.merge(part.relocate_to_script(id, Some(url.to_string())));
                    unverified_script = None;
                }
                if found.has_core() {
                    break;
                }
            }
        }
        Extraction {
            footer,
            footer_roots,
            icp: found.icp,
            psb: found.psb,
            site_codes: found.site_codes,
            conac: found.conac,
            jiucuo: found.jiucuo,
            sponsor: found.sponsor,
            contact: found.contact,
            sitemap: found.sitemap,
            ipv6_label: found.ipv6_label,
            meta: read_meta(page),
            markup_footer,
            unverified_script,
            scripts_read,
        }
    }

    /// The link host lists of the options, for the link classifications.
    pub fn hosts(options: &AuditOptions) -> OwnedHosts {
        let f = &options.filing;
        let icp_ok = f.icp_link_hosts();
        let icp_outdated = f.icp_outdated_hosts();
        let psb_current = f.psb_link_hosts();
        let psb_legacy = f.psb_legacy_hosts();
        let psb_all = psb_current
            .iter()
            .chain(psb_legacy.iter())
            .cloned()
            .collect();
        OwnedHosts {
            icp_ok,
            icp_outdated,
            psb_current,
            psb_legacy,
            psb_all,
        }
    }

    /// The page's ICP 备案号: the best hit (well-formed, linked, in the footer, first).
    pub fn primary_icp(&self, hosts: &FilingLinkHosts<'_>) -> Option<&IcpHit> {
        self.icp
            .iter()
            .filter(|h| h.m.problem != Some(patterns::IcpProblem::Licence))
            .enumerate()
            .max_by_key(|(i, h)| {
                let ok = h.m.problem.is_none();
                let linked = h.link_kind(hosts) == Some(IcpLinkKind::Ok);
                (ok, linked, h.loc.in_bottom, std::cmp::Reverse(*i))
            })
            .map(|(_, h)| h)
    }

    /// The page's 公网安备: the best hit.
    pub fn primary_psb(&self, hosts: &FilingLinkHosts<'_>) -> Option<&PsbHit> {
        self.psb
            .iter()
            .enumerate()
            .max_by_key(|(i, h)| {
                let ok = h.m.problem.is_none();
                let linked = matches!(
                    h.link_kind(hosts),
                    Some(PsbLinkKind::Current(_) | PsbLinkKind::Legacy(_))
                );
                (ok, linked, h.loc.in_bottom, std::cmp::Reverse(*i))
            })
            .map(|(_, h)| h)
    }

    /// The footer 网站标识码: the first well-formed one in the bottom area, else the first.
    pub fn primary_site_code(&self) -> Option<&CodeHit> {
        self.site_codes
            .iter()
            .enumerate()
            .max_by_key(|(i, h)| {
                (
                    patterns::classify_site_code(&h.code).is_none(),
                    h.loc.in_bottom,
                    std::cmp::Reverse(*i),
                )
            })
            .map(|(_, h)| h)
    }

    /// The 找错 entries visible to visitors.
    pub fn visible_jiucuo(&self) -> impl Iterator<Item = &JiucuoHit> {
        self.jiucuo.iter().filter(|j| !j.hidden)
    }
}

/// Owned copies of the host lists ([`FilingLinkHosts`] borrows from it).
#[derive(Debug, Clone)]
pub struct OwnedHosts {
    icp_ok: Vec<String>,
    icp_outdated: Vec<String>,
    psb_current: Vec<String>,
    psb_legacy: Vec<String>,
    psb_all: Vec<String>,
}

impl OwnedHosts {
    /// Borrowed view.
    pub fn view(&self) -> FilingLinkHosts<'_> {
        FilingLinkHosts {
            icp_ok: &self.icp_ok,
            icp_outdated: &self.icp_outdated,
            psb_current: &self.psb_current,
            psb_legacy: &self.psb_legacy,
            psb_all: &self.psb_all,
        }
    }
}
