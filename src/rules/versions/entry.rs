//! Finding the 关怀版 and 繁体版 entries of a page and classifying how each version is provided.
//!
//! An entry is an interactive element (link, button, `<input type=button>`, `<option>`, or any
//! element with an `onclick`) that is rendered (not hidden, not in a comment, script or
//! `<noscript>`) and whose label — its text, `title`, `aria-label`, `value`, or the `alt` of its
//! images — holds a *token* that is a version name: the label is cut at separators (`|`, `/`,
//! spaces, brackets...) and each piece must be, as a whole, a name such as `繁体版`, `切換到繁體`,
//! `繁`, `BIG5`, `关怀版`, `长辈版`, `长者助手`. So `繁峙县` (a county), a headline mentioning
//! 繁体字, or 关怀 in running text are not entries. An element with no such label is still an
//! entry when its handler is a known fingerprint: a converter call (`StranBody()`,
//! `zh_tran('t')`, `s2tt()`), the StranJF `id="StranLink"`, a toolbar's elder mode
//! (`aria.oldFixedStart()`, `doElder('elder')`), or a link into a big5 gateway.
//! Inline scripts that write the entry (`document.write('<a href=…>繁体版</a>')`) are parsed as
//! markup too (evidence `script`).
//!
//! The mechanism: `gateway` (a `/gate/big5/` path or `big5.` host), `page` (another page on the
//! same host), `host` (a separate 关怀版 host), `toolbar` (a toolbar mode) or `js` (a page
//! script), with the function called and the script that defines it.

use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use super::{EntryFact, fingerprints, script};
use crate::config::AuditOptions;
use crate::i18n::Lang;
use crate::page::{El, ElementId, LinkKind, Page};
use crate::rules::SiteInfo;
use crate::rules::traditional::TraditionalOptions;

/// How a version is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    /// A big5 gateway (`/gate/big5/<host>/…` or a `big5.` host): traditional only.
    Gateway,
    /// A separate page on the same host.
    Page,
    /// A separate host (elder only).
    Host,
    /// A toolbar mode (`aria.oldFixedStart()`).
    Toolbar,
    /// A page script (`StranBody()`, `zh_tran('t')`).
    Js,
}

impl Mechanism {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Gateway => "gateway",
            Mechanism::Page => "page",
            Mechanism::Host => "host",
            Mechanism::Toolbar => "toolbar",
            Mechanism::Js => "js",
        }
    }

    /// A human name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Mechanism::Gateway => lang.pick("繁体网关（big5）", "big5 gateway"),
            Mechanism::Page => lang.pick("独立页面", "separate page"),
            Mechanism::Host => lang.pick("独立站点", "separate host"),
            Mechanism::Toolbar => lang.pick("工具条模式", "toolbar mode"),
            Mechanism::Js => lang.pick("页面脚本", "page script"),
        }
    }
}

/// Which version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 关怀版 / 适老化.
    Elder,
    /// 繁体版.
    Traditional,
}

impl Version {
    /// The version's name.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Version::Elder => lang.pick("关怀版", "elder-care version"),
            Version::Traditional => lang.pick("繁体版", "traditional-script version"),
        }
    }

    /// "the … page".
    pub fn page_label(self, lang: Lang) -> &'static str {
        match self {
            Version::Elder => lang.pick("关怀版页面", "elder-care page"),
            Version::Traditional => lang.pick("繁体版页面", "traditional-script page"),
        }
    }

    /// The JSON key (`elder`, `traditional`).
    pub fn key(self) -> &'static str {
        match self {
            Version::Elder => "elder",
            Version::Traditional => "traditional",
        }
    }
}

/// Where the script defining an entry's function is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptRef {
    /// An inline `<script>` of the page.
    Inline,
    /// An external script.
    Url(Url),
}

/// An entry found on a page.
#[derive(Debug, Clone)]
pub struct Entry {
    /// How the version is provided.
    pub mechanism: Mechanism,
    /// The target (gateway, page, host).
    pub url: Option<Url>,
    /// The function called (`StranBody`, `aria.oldFixedStart`).
    pub function: Option<String>,
    /// Its first string argument (`t` in `zh_tran('t')`).
    pub argument: Option<String>,
    /// The toolbar (`aria.js`).
    pub toolbar: Option<String>,
    /// The script that defines the function, when found statically.
    pub script: Option<ScriptRef>,
    /// The label.
    pub text: String,
    /// The element (`None` when written by a script).
    pub element: Option<ElementId>,
    /// Source line.
    pub line: Option<u32>,
    /// Written by an inline script rather than present in the markup.
    pub from_script: bool,
    strength: u8,
}

impl Entry {
    /// An entry that runs script (`Mechanism::Js`) until the scan learns more about it.
    fn scripted(
        text: String,
        element: Option<ElementId>,
        line: Option<u32>,
        from_script: bool,
    ) -> Entry {
        Entry {
            mechanism: Mechanism::Js,
            url: None,
            function: None,
            argument: None,
            toolbar: None,
            script: None,
            text,
            element,
            line,
            from_script,
            strength: 0,
        }
    }

    /// Makes this a call into a known toolbar (the strongest evidence).
    fn toolbar_call(&mut self, c: &Call, fp: &super::Fingerprints) {
        self.mechanism = Mechanism::Toolbar;
        self.function = Some(c.name.clone());
        self.argument = c.arg.clone();
        self.toolbar = fp.toolbar_for_call(&c.name).map(|t| t.name.clone());
        self.strength = 4;
    }

    /// The entry as recorded in the page identity.
    pub fn fact(&self, all: &Entries) -> EntryFact {
        let script = self.script.as_ref().map(|s| match s {
            ScriptRef::Inline => "inline".to_string(),
            ScriptRef::Url(u) => u.to_string(),
        });
        let needs_scripts = matches!(self.mechanism, Mechanism::Js | Mechanism::Toolbar)
            && self.function.is_some()
            && self.script != Some(ScriptRef::Inline);
        EntryFact {
            mechanism: Some(self.mechanism),
            url: self.url.as_ref().map(Url::to_string),
            function: self.function.clone(),
            script,
            text: Some(crate::dom::truncate_chars(&self.text, 40).into_owned()),
            argument: self.argument.clone(),
            toolbar: self.toolbar.clone(),
            evidence: Some(if self.from_script { "script" } else { "markup" }.into()),
            line: self.line,
            scripts: if needs_scripts {
                all.scripts
                    .iter()
                    .take(script::MAX_SCRIPTS)
                    .map(Url::to_string)
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// The entries of a page, and its external scripts.
#[derive(Debug, Clone, Default)]
pub struct Entries {
    /// The 关怀版 entry.
    pub elder: Option<Entry>,
    /// The 繁体版 entry.
    pub traditional: Option<Entry>,
    /// External scripts, in document order (local root-relative paths mapped into the folder).
    pub scripts: Vec<Url>,
}

impl Entries {
    /// The entry of a version.
    pub fn get(&self, v: Version) -> Option<&Entry> {
        match v {
            Version::Elder => self.elder.as_ref(),
            Version::Traditional => self.traditional.as_ref(),
        }
    }
}

/// The page's entries (computed once per page and shared by the collector and the rules).
pub fn entries(page: &Page, options: &AuditOptions, site: &SiteInfo) -> Rc<Entries> {
    page.memo(|p| detect(p, options, site))
}

// ----- labels ---------------------------------------------------------------------------

static TRAD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:切换到|切換到|切换至|切換至|点击切换到|點擊切換到|转到|轉到|进入|進入|访问|訪問)?(?:繁体|繁體|正体|正體)(?:中文)?(?:版|网站|網站|网|網|页面|頁面)?|繁|big5|big-5)$",
    )
    .expect("static regex")
});

static ELDER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:切换到|切換到|切换至|切換至|进入|進入|访问|訪問|开启|開啟|打开|打開)?(?:(?:关怀|關懷|长辈|長輩|长者|長者|适老化?|適老化?|老年|老人|亲情|親情|关爱|關愛)(?:版|模式|版本)|长者助手|長者助手|关怀|關懷|适老化|適老化)$",
    )
    .expect("static regex")
});

static SIMPLIFIED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:切换到|切換到|切换至|切換至|返回|回到)?(?:简体|簡體|简|簡)(?:中文)?(?:版|网站|網站|网|網)?$",
    )
    .expect("static regex")
});

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '｜'
                | '/'
                | '\\'
                | '·'
                | '・'
                | '•'
                | '、'
                | ','
                | '，'
                | ';'
                | '；'
                | ':'
                | '：'
                | '('
                | ')'
                | '（'
                | '）'
                | '['
                | ']'
                | '【'
                | '】'
                | '<'
                | '>'
                | '《'
                | '》'
                | '〈'
                | '〉'
                | '«'
                | '»'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
                | '→'
                | '—'
                | '-'
                | '+'
        )
}

/// The label's tokens after NFKC and lower-casing.
fn tokens(label: &str) -> Vec<String> {
    let norm: String = label.nfkc().collect::<String>().to_lowercase();
    norm.split(is_separator)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a label names the version (some token is, as a whole, a version name).
pub fn label_names(label: &str, v: Version, extra: &[String]) -> bool {
    if label.is_empty() || (extra.is_empty() && !may_name(label, v)) {
        return false;
    }
    let re = match v {
        Version::Elder => &*ELDER_LABEL,
        Version::Traditional => &*TRAD_LABEL,
    };
    tokens(label).iter().any(|t| {
        re.is_match(t)
            || extra
                .iter()
                .any(|x| x.nfkc().collect::<String>().to_lowercase() == *t)
    })
}

/// A cheap pre-test: every version name contains one of these characters (before NFKC,
/// full-width `Ｂ` included), so labels without any cannot match.
fn may_name(label: &str, v: Version) -> bool {
    label.chars().any(|c| match v {
        Version::Traditional => matches!(c, '繁' | '体' | '體' | 'b' | 'B' | 'ｂ' | 'Ｂ'),
        Version::Elder => matches!(
            c,
            '关' | '關' | '长' | '長' | '适' | '適' | '老' | '亲' | '親'
        ),
    })
}

/// Whether a label is a "back to simplified" switch (`简体版`, `簡體`).
pub fn label_is_simplified_switch(label: &str) -> bool {
    label.contains(['简', '簡']) && tokens(label).iter().any(|t| SIMPLIFIED_LABEL.is_match(t))
}

/// The label sources of an element: text, `title`, `aria-label`, `value`/`alt` of inputs, and
/// the `alt` of images inside it.
pub fn labels(el: &El<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let text = el.visible_text();
    if !text.is_empty() {
        out.push(text.to_string());
    }
    for a in ["title", "aria-label"] {
        if let Some(v) = el.attr(a)
            && !v.trim().is_empty()
        {
            out.push(v.trim().to_string());
        }
    }
    if el.name() == "input" {
        for a in ["value", "alt"] {
            if let Some(v) = el.attr(a)
                && !v.trim().is_empty()
            {
                out.push(v.trim().to_string());
            }
        }
    }
    if matches!(el.name(), "a" | "button") {
        for img in el.descendants().filter(|d| d.name() == "img").take(3) {
            if let Some(v) = img.attr("alt")
                && !v.trim().is_empty()
            {
                out.push(v.trim().to_string());
            }
        }
    }
    out
}

// ----- handlers ---------------------------------------------------------------------------

/// A function call in a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The callee, dotted (`aria.oldFixedStart`).
    pub name: String,
    /// Its first argument when a string literal.
    pub arg: Option<String>,
}

static CALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(\s*(?:'([^']*)'|"([^"]*)")?"#)
        .expect("static regex")
});

static HANDLER_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:\bopen|\.assign|\.replace)\s*\(\s*['"]([^'"]+)['"]|location(?:\.href)?\s*=\s*['"]([^'"]+)['"]"#,
    )
    .expect("static regex")
});

/// Calls that say nothing about the entry.
const NOISE: &[&str] = &[
    "void",
    "return",
    "if",
    "function",
    "typeof",
    "new",
    "alert",
    "blur",
    "focus",
    "this.blur",
    "this.focus",
    "preventDefault",
    "event.preventDefault",
    "stopPropagation",
    "event.stopPropagation",
    "window.open",
    "open",
    "location.assign",
    "location.replace",
    "window.location.assign",
    "window.location.replace",
    "setTimeout",
    "encodeURI",
    "encodeURIComponent",
    "escape",
];

/// The calls in handler code, in order, without noise.
pub fn calls(code: &str) -> Vec<Call> {
    CALL.captures_iter(code)
        .filter_map(|c| {
            let name: String = c.get(1)?.as_str().split_whitespace().collect();
            if NOISE.contains(&name.as_str()) {
                return None;
            }
            let arg = c
                .get(2)
                .or_else(|| c.get(3))
                .map(|m| m.as_str().to_string());
            Some(Call { name, arg })
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ----- gateways ---------------------------------------------------------------------------

/// A big5 gateway a page belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    host: String,
    /// Lower-case path prefix up to and including the gateway path (`/gate/big5/`), when the
    /// gateway is a path.
    prefix: Option<String>,
    /// Hosts of the simplified site the gateway mirrors.
    origins: Vec<String>,
}

fn host_port(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}:{p}", h.to_ascii_lowercase()),
        (Some(h), None) => h.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The gateway a URL is under: a path containing a gateway path (`/gate/big5/`) or a host
/// starting with a gateway host prefix (`big5.`).
pub fn gateway_of(url: &Url, opts: &TraditionalOptions) -> Option<Gateway> {
    if !matches!(url.scheme(), "http" | "https" | "file") {
        return None;
    }
    let path = url.path().to_ascii_lowercase();
    let mut prefix = None;
    let mut origins = Vec::new();
    for p in opts.gateway_paths() {
        if let Some(i) = path.find(p.as_str()) {
            let end = i + p.len();
            prefix = Some(path[..end].to_string());
            if let Some(seg) = path[end..].split('/').next()
                && seg.contains('.')
            {
                origins.push(seg.to_string());
            }
            break;
        }
    }
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let mut by_host = false;
    for h in opts.gateway_hosts() {
        if let Some(rest) = host.strip_prefix(h.as_str())
            && !rest.is_empty()
        {
            origins.push(rest.to_string());
            by_host = true;
            break;
        }
    }
    (prefix.is_some() || by_host).then(|| Gateway {
        host: host_port(url),
        prefix,
        origins,
    })
}

impl Gateway {
    /// Whether a link from a page of this gateway leads back to the simplified site: same host
    /// outside the gateway path, or a host the gateway mirrors.
    pub fn leaves(&self, link: &Url) -> bool {
        if !matches!(link.scheme(), "http" | "https" | "file") {
            return false;
        }
        if host_port(link) == self.host {
            match &self.prefix {
                Some(p) => !link.path().to_ascii_lowercase().starts_with(p.as_str()),
                None => false,
            }
        } else {
            link.host_str()
                .is_some_and(|h| self.origins.iter().any(|o| o.eq_ignore_ascii_case(h)))
        }
    }
}

// ----- detection --------------------------------------------------------------------------

/// External scripts of a page, in order, deduplicated; root-relative paths of local sites mapped
/// into the folder, protocol-relative references of local files (`//host/x.js`) turned into
/// `https:` URLs.
pub fn external_scripts(page: &Page, site: &SiteInfo) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    for l in page.links() {
        if l.kind != LinkKind::Script {
            continue;
        }
        let Some(u) = l.url.as_ref() else { continue };
        let Some(u) = normalise_script_url(u, site) else {
            continue;
        };
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// Maps a reference of a page onto what can be fetched (see [`external_scripts`]).
pub fn normalise_script_url(u: &Url, site: &SiteInfo) -> Option<Url> {
    match u.scheme() {
        "http" | "https" => Some(u.clone()),
        "file" => match u.host_str() {
            Some(h) if !h.is_empty() && !h.eq_ignore_ascii_case("localhost") => {
                let mut s = format!("https://{h}{}", u.path());
                if let Some(q) = u.query() {
                    s.push('?');
                    s.push_str(q);
                }
                Url::parse(&s).ok()
            }
            _ => Some(site.local_target(u)),
        },
        _ => None,
    }
}

/// A local folder URL (`file:///site/elder/`) stands for its index page, as a web server
/// would serve it: the first of `index.html`, `index.htm`, `index.shtml`, `default.html`,
/// `default.htm` that exists.
fn local_index(url: Url) -> Url {
    if url.scheme() != "file" || !url.path().ends_with('/') {
        return url;
    }
    let Ok(dir) = url.to_file_path() else {
        return url;
    };
    for name in [
        "index.html",
        "index.htm",
        "index.shtml",
        "default.html",
        "default.htm",
    ] {
        if dir.join(name).is_file()
            && let Ok(u) = url.join(name)
        {
            return u;
        }
    }
    url
}

struct Scan<'a> {
    options: &'a AuditOptions,
    site: &'a SiteInfo,
    page_url: &'a Url,
    is_gateway_page: bool,
    elder: Option<Entry>,
    traditional: Option<Entry>,
}

impl Scan<'_> {
    fn offer(&mut self, v: Version, e: Entry) {
        let slot = match v {
            Version::Elder => &mut self.elder,
            Version::Traditional => &mut self.traditional,
        };
        match slot {
            Some(old) if old.strength >= e.strength => {}
            _ => *slot = Some(e),
        }
    }

    /// Scans the interactive elements of `doc` (the page, or markup an inline script writes).
    fn elements(&mut self, doc: &Page, from_script: Option<u32>) {
        let fp = fingerprints();
        for el in doc.elements() {
            if el.in_non_text() || el.is_hidden() {
                continue;
            }
            let name = el.name();
            let has_onclick = el.has_attr("onclick");
            let interactive = match name {
                "a" | "area" | "button" => true,
                "option" => true,
                "input" => el.attr("type").is_some_and(|t| {
                    matches!(
                        t.trim().to_ascii_lowercase().as_str(),
                        "button" | "submit" | "image" | "reset"
                    )
                }),
                _ => has_onclick && el.visible_text().chars().count() <= 20,
            };
            if !interactive {
                continue;
            }
            let href = match name {
                "a" | "area" => el.attr_trimmed("href"),
                "option" => el.attr_trimmed("value"),
                _ => None,
            };
            let mut code = String::new();
            let mut url_ref: Option<String> = None;
            if let Some(h) = href.as_deref() {
                if h.get(..11)
                    .is_some_and(|p| p.eq_ignore_ascii_case("javascript:"))
                {
                    code.push_str(&percent_decode(&h[11..]));
                    code.push(';');
                } else if !h.is_empty()
                    && !h.starts_with('#')
                    && !h.to_ascii_lowercase().starts_with("mailto:")
                    && !h.to_ascii_lowercase().starts_with("tel:")
                    && (name != "option" || h.contains('/') || h.contains('.'))
                {
                    url_ref = Some(h.to_string());
                }
            }
            if let Some(on) = el.attr("onclick") {
                code.push_str(&on);
            }
            if url_ref.is_none()
                && let Some(c) = HANDLER_URL.captures(&code)
            {
                url_ref = c
                    .get(1)
                    .or_else(|| c.get(2))
                    .map(|m| m.as_str().to_string());
            }
            let url = url_ref.as_deref().and_then(|r| {
                let mut u = doc.base_url().join(r).ok()?;
                u.set_fragment(None);
                matches!(u.scheme(), "http" | "https" | "file")
                    .then(|| local_index(self.site.local_target(&u)))
            });
            let calls = calls(&code);
            let label_list = labels(&el);
            let label_of = |v: Version, extra: &[String]| {
                label_list
                    .iter()
                    .find(|l| label_names(l, v, extra))
                    .cloned()
            };
            let line = from_script.or_else(|| el.line());
            let element = from_script.is_none().then(|| el.id());

            // 繁体版
            let trad_label = label_of(Version::Traditional, &self.options.traditional.entry_labels);
            let conv_call = calls
                .iter()
                .find(|c| fp.converter_for_call(&c.name, c.arg.as_deref()).is_some());
            let conv_id = el
                .attr("id")
                .is_some_and(|id| fp.converter.iter().any(|c| c.ids.iter().any(|x| *x == *id)));
            let gateway_url = url
                .as_ref()
                .filter(|u| gateway_of(u, &self.options.traditional).is_some());
            let simplified = label_list.iter().any(|l| label_is_simplified_switch(l));
            let trad_fingerprint = conv_call.is_some()
                || (conv_id && !simplified)
                // An icon link into a gateway (a labelled one matched above; a headline
                // linking into a gateway mirror is no entry).
                || (gateway_url.is_some()
                    && !self.is_gateway_page
                    && !simplified
                    && el.visible_text().is_empty());
            if trad_label.is_some() || trad_fingerprint {
                let text = trad_label
                    .clone()
                    .or_else(|| label_list.first().cloned())
                    .unwrap_or_default();
                let mut e = Entry::scripted(text, element, line, from_script.is_some());
                let toolbar_call = calls
                    .iter()
                    .find(|c| fp.toolbar_for_call(&c.name).is_some());
                if let Some(c) = conv_call {
                    e.function = Some(c.name.clone());
                    e.argument = c.arg.clone();
                    e.strength = 4;
                } else if let Some(c) = toolbar_call {
                    e.toolbar_call(c, fp);
                } else if let Some(u) = &url {
                    e.mechanism = if gateway_url.is_some() {
                        Mechanism::Gateway
                    } else {
                        Mechanism::Page
                    };
                    e.url = Some(u.clone());
                    e.strength = if gateway_url.is_some() { 4 } else { 3 };
                } else if let Some(c) = calls.first() {
                    e.function = Some(c.name.clone());
                    e.argument = c.arg.clone();
                    e.strength = 2;
                } else if conv_id {
                    e.strength = 1;
                }
                if from_script.is_some() {
                    e.strength = e.strength.saturating_sub(1);
                }
                self.offer(Version::Traditional, e);
            }

            // 关怀版
            let elder_label = label_of(Version::Elder, &self.options.elder.entry_labels);
            let elder_call = calls
                .iter()
                .find(|c| fp.toolbar.iter().any(|t| t.elder_calls.contains(&c.name)));
            if elder_label.is_some() || elder_call.is_some() {
                let text = elder_label
                    .or_else(|| label_list.first().cloned())
                    .unwrap_or_default();
                let mut e = Entry::scripted(text, element, line, from_script.is_some());
                let toolbar_call = elder_call.or_else(|| {
                    calls
                        .iter()
                        .find(|c| fp.toolbar_for_call(&c.name).is_some())
                });
                if let Some(c) = toolbar_call {
                    e.toolbar_call(c, fp);
                } else if let Some(u) = &url {
                    let same_host = host_port(u) == host_port(self.page_url);
                    e.mechanism = if same_host {
                        Mechanism::Page
                    } else {
                        Mechanism::Host
                    };
                    e.url = Some(u.clone());
                    e.strength = 3;
                } else if let Some(c) = calls.first() {
                    e.function = Some(c.name.clone());
                    e.argument = c.arg.clone();
                    e.strength = 2;
                }
                if from_script.is_some() {
                    e.strength = e.strength.saturating_sub(1);
                }
                self.offer(Version::Elder, e);
            }
        }
    }
}

static WRITES_MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"document\.write|innerHTML|insertAdjacentHTML|\.html\(|\.append\(|\.prepend\(|\.after\(|\.before\(")
        .expect("static regex")
});

/// Inline scripts of a page (no `src`, a JavaScript type).
pub fn inline_scripts<'p>(page: &'p Page) -> impl Iterator<Item = El<'p>> + 'p {
    page.elements_named("script").filter(|s| {
        !s.has_attr("src")
            && s.attr("type").is_none_or(|t| {
                let t = t.trim().to_ascii_lowercase();
                t.is_empty()
                    || t.contains("javascript")
                    || t == "module"
                    || t.contains("ecmascript")
            })
    })
}

/// Whether an inline script of the page defines the function (last segment of a dotted name).
pub fn defined_inline(page: &Page, function: &str) -> bool {
    let name = function.rsplit('.').next().unwrap_or(function);
    inline_scripts(page).any(|s| script::defines(&s.text_content(), name))
}

fn detect(page: &Page, options: &AuditOptions, site: &SiteInfo) -> Entries {
    let scripts = external_scripts(page, site);
    let mut scan = Scan {
        options,
        site,
        page_url: &page.url,
        is_gateway_page: gateway_of(&page.url, &options.traditional).is_some(),
        elder: None,
        traditional: None,
    };
    scan.elements(page, None);
    if scan.elder.is_none() || scan.traditional.is_none() {
        for s in inline_scripts(page) {
            let text = s.text_content();
            if !(text.contains("<a") || text.contains("<A")) || !WRITES_MARKUP.is_match(&text) {
                continue;
            }
            let unescaped = text
                .replace("\\\"", "\"")
                .replace("\\'", "'")
                .replace("\\/", "/");
            let fragment = Page::from_html(&unescaped, page.base_url().as_str());
            let (had_elder, had_trad) = (scan.elder.is_some(), scan.traditional.is_some());
            let before = (scan.elder.clone(), scan.traditional.clone());
            scan.elements(&fragment, Some(s.line().unwrap_or(0)));
            // Markup entries win over script-written ones.
            if had_elder {
                scan.elder = before.0;
            }
            if had_trad {
                scan.traditional = before.1;
            }
        }
    }
    let mut entries = Entries {
        elder: scan.elder,
        traditional: scan.traditional,
        scripts,
    };
    let fp = fingerprints();
    let scripts = entries.scripts.clone();
    for e in [&mut entries.elder, &mut entries.traditional]
        .into_iter()
        .flatten()
    {
        if e.line == Some(0) {
            e.line = None;
        }
        match e.mechanism {
            Mechanism::Toolbar => {
                let tb = e.function.as_deref().and_then(|f| fp.toolbar_for_call(f));
                e.script = scripts
                    .iter()
                    .find(|u| {
                        tb.is_some_and(|t| {
                            let l = u.as_str().to_ascii_lowercase();
                            t.script.iter().any(|p| l.contains(p.as_str()))
                        })
                    })
                    .map(|u| ScriptRef::Url(u.clone()));
                if e.script.is_none()
                    && let Some(f) = &e.function
                    && defined_inline(page, f)
                {
                    e.script = Some(ScriptRef::Inline);
                }
            }
            Mechanism::Js => {
                if let Some(f) = &e.function {
                    if defined_inline(page, f) {
                        e.script = Some(ScriptRef::Inline);
                    } else {
                        let conv = fp.converter_named(f);
                        e.script = scripts
                            .iter()
                            .find(|u| conv.is_some() && fp.is_converter_script(u, conv))
                            .map(|u| ScriptRef::Url(u.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    fn detect_html(html: &str, url: &str) -> Entries {
        let page = Page::from_html(html, url);
        let site = testing::site(url);
        detect(&page, &AuditOptions::default(), &site)
    }

    #[test]
    fn multibyte_hrefs_do_not_panic() {
        // Found by fuzzing: the `javascript:` prefix test sliced 11 bytes of any href, which
        // panics when byte 11 falls inside a character.
        for href in [
            "?a=1&b=2&\u{fffd}\u{fffd}",
            "关怀版关怀版",
            "javascript\u{ff1a}x",
            "JavaScript:old()",
        ] {
            let html = format!("<a href=\"{href}\">关怀版</a>");
            detect_html(&html, "https://www.example.gov.cn/");
        }
    }

    #[test]
    fn labels_are_whole_tokens() {
        let t = Version::Traditional;
        for yes in [
            "繁体版",
            "繁體",
            "切換到繁體",
            "繁",
            "BIG5",
            "简体 | 繁体",
            "繁體中文",
            "繁體版（BIG5）",
            "ＢＩＧ５",
        ] {
            assert!(label_names(yes, t, &[]), "{yes}");
        }
        for no in [
            "繁峙县",
            "关于繁体字使用规范的通知",
            "简体",
            "繁荣发展",
            "手续繁？",
        ] {
            assert!(!label_names(no, t, &[]), "{no}");
        }
        let e = Version::Elder;
        for yes in [
            "关怀版",
            "关怀版（长辈版）",
            "长者助手",
            "适老化",
            "老年模式",
        ] {
            assert!(label_names(yes, e, &[]), "{yes}");
        }
        for no in [
            "关怀困难群众",
            "退出关怀版",
            "关爱留守儿童",
            "老年人",
            "县委关怀老干部",
        ] {
            assert!(!label_names(no, e, &[]), "{no}");
        }
        assert!(label_names("乐龄版", e, &["乐龄版".to_string()]));
    }

    #[test]
    fn calls_skip_noise() {
        assert_eq!(
            calls("void(0);return StranBody();"),
            vec![Call {
                name: "StranBody".into(),
                arg: None
            }]
        );
        assert_eq!(
            calls("zh_tran('t')"),
            vec![Call {
                name: "zh_tran".into(),
                arg: Some("t".into())
            }]
        );
        assert_eq!(
            calls("aria . oldFixedStart ();")[0].name,
            "aria.oldFixedStart"
        );
    }

    #[test]
    fn gateway_link_and_js_converters() {
        let e = detect_html(
            r#"<a href="http://big5.www.gov.cn/gate/big5/www.gov.cn/">繁</a>"#,
            "https://www.gov.cn/a.html",
        );
        let t = e.traditional.expect("entry");
        assert_eq!(t.mechanism, Mechanism::Gateway);
        let e = detect_html(
            r#"<a href="javascript:zh_tran('s');">简体</a>|<a href="javascript:zh_tran('t');">繁体</a>"#,
            "https://fgw.zj.gov.cn/a.html",
        );
        let t = e.traditional.expect("entry");
        assert_eq!(
            (t.mechanism, t.function.as_deref(), t.argument.as_deref()),
            (Mechanism::Js, Some("zh_tran"), Some("t"))
        );
        let e = detect_html(
            r#"<script src="/js/ch.js"></script><a href="javascript:StranBody()" id="StranLink">切換到<em>繁體</em></a>
               <a href="http://fsx.sxxz.gov.cn">繁峙县</a>"#,
            "https://www.shanxi.gov.cn/a.html",
        );
        let t = e.traditional.expect("entry");
        assert_eq!(t.function.as_deref(), Some("StranBody"));
        assert_eq!(
            t.script,
            Some(ScriptRef::Url(
                Url::parse("https://www.shanxi.gov.cn/js/ch.js").expect("url")
            ))
        );
    }

    #[test]
    fn traps_are_not_entries() {
        let e = detect_html(
            r#"<p>我们关怀老年人，提供关怀版服务。</p><a href="/x">繁峙县</a>
               <!-- <a href="http://big5.x.gov.cn/gate/big5/x.gov.cn/">繁体</a> -->
               <a href="/news/1.html">关于繁体字使用规范的通知</a>
               <a href="/gate/big5/x.gov.cn/" style="display:none">繁体版</a>"#,
            "https://x.gov.cn/",
        );
        assert!(e.elder.is_none() && e.traditional.is_none(), "{e:?}");
    }

    #[test]
    fn elder_toolbar_and_pages() {
        let e = detect_html(
            r#"<script src="https://wza.www.gov.cn/dist/aria.js?appid=1"></script>
               <a href="javascript:void(0);" onclick="aria.oldFixedStart();">关怀版</a>"#,
            "https://x.gov.cn/",
        );
        let el = e.elder.expect("entry");
        assert_eq!(el.mechanism, Mechanism::Toolbar);
        assert_eq!(el.toolbar.as_deref(), Some("aria.js"));
        assert!(matches!(el.script, Some(ScriptRef::Url(_))));
        let e = detect_html(
            r#"<a href="/elder/index.html">长辈版</a>"#,
            "https://x.gov.cn/",
        );
        assert_eq!(e.elder.map(|x| x.mechanism), Some(Mechanism::Page));
        let e = detect_html(
            r#"<a href="https://lhb.x.gov.cn/">关怀版</a>"#,
            "https://x.gov.cn/",
        );
        assert_eq!(e.elder.map(|x| x.mechanism), Some(Mechanism::Host));
        let e = detect_html(
            r#"<span onclick="doElder('elder')"><img src=i.png></span>"#,
            "https://x.gov.cn/",
        );
        assert_eq!(e.elder.map(|x| x.mechanism), Some(Mechanism::Toolbar));
    }

    #[test]
    fn script_written_entries() {
        let e = detect_html(
            r#"<a href="http://big5.x.gov.cn/gate/big5/x.gov.cn/news/1.html">县政府召开常务会议</a>"#,
            "https://x.gov.cn/",
        );
        assert!(e.traditional.is_none(), "a headline into a gateway mirror");
        let e = detect_html(
            r#"<a href="http://big5.x.gov.cn/gate/big5/x.gov.cn/"><img src="ft.gif"></a>"#,
            "https://x.gov.cn/",
        );
        assert_eq!(
            e.traditional.map(|t| t.mechanism),
            Some(Mechanism::Gateway),
            "an icon link into the gateway"
        );
        let e = detect_html(
            r#"<script>document.write('<a href="http://big5.www.mee.gov.cn/gate/big5/www.mee.gov.cn/" title="繁体版">繁</a>');</script>"#,
            "https://www.mee.gov.cn/",
        );
        let t = e.traditional.expect("entry");
        assert!(t.from_script);
        assert_eq!(t.mechanism, Mechanism::Gateway);
        // A script that only tests the URL is no entry.
        let e = detect_html(
            r#"<script>var flag = location.href.indexOf("big5.www.gov.cn/gate/big5/");</script>"#,
            "https://www.gov.cn/",
        );
        assert!(e.traditional.is_none());
    }

    #[test]
    fn gateways_and_leaving_links() {
        let o = TraditionalOptions::default();
        let g = gateway_of(
            &Url::parse("http://big5.www.gov.cn/gate/big5/www.gov.cn/zhengce/index.htm")
                .expect("url"),
            &o,
        )
        .expect("gateway");
        let u = |s: &str| Url::parse(s).expect("url");
        assert!(!g.leaves(&u("http://big5.www.gov.cn/gate/big5/www.gov.cn/a.html")));
        assert!(g.leaves(&u("http://big5.www.gov.cn/a.html")));
        assert!(g.leaves(&u("https://www.gov.cn/a.html")));
        assert!(!g.leaves(&u("https://www.beijing.gov.cn/")));
        let h = gateway_of(&u("https://big5.shanghai.gov.cn/x/"), &o).expect("host gateway");
        assert!(!h.leaves(&u("https://big5.shanghai.gov.cn/y/")));
        assert!(h.leaves(&u("https://shanghai.gov.cn/y/")));
        assert!(gateway_of(&u("https://www.gov.cn/big5help.html"), &o).is_none());
    }
}
