//! Link rules (错链断链, soft 404, redirect chains, external-link notice, blocklisted links, site
//! availability).
//!
//! Link statuses come from the crawl (every link and resource of the audited pages is fetched
//! as a page or checked with HEAD, then GET when HEAD is refused) or, for a local folder, from
//! the files on disk; they are attached to the site's [`LinkIndex`](super::LinkIndex) as
//! [`LinkStatus`] before the site rules run.
//!
//! `links/broken`, `links/soft-404` and `links/redirect-chain` are site rules: each broken
//! target is reported **once**, listing the pages that link to it. A webmaster fixes a broken
//! target once (restore the file, fix the template), and a broken image in a site-wide header
//! would otherwise repeat on every page of the report. `links/external-notice` and
//! `links/illegal-external` are page rules about the link's markup, aggregated per target
//! host.

use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use super::{CollectCx, Collector, Family, PageCx, Rule, SiteCx, SiteData, SiteInfo};
use crate::catalog::Scope;
use crate::error::{Error, Result};
use crate::fetch::{FetchError, FetchErrorKind, RawPage, Redirect};
use crate::i18n::Lang;
use crate::page::{LinkKind, Page};
use crate::report::Facts;
use crate::tr;

/// Default soft-404 phrases (RULES.md §7).
pub const DEFAULT_SOFT_404: &str = "页面不存在|页面已删除|404|找不到该页面|该信息已被删除";

/// Default leave-site notice markers (RULES.md §7: text, and the beijing.gov.cn modal's class).
pub const DEFAULT_LEAVE_NOTICE: &str =
    "您即将离开|即将离开本站|即将跳转|即将访问|非本网站|离开本网站|外部链接提示|跳转提示|szxxalert";

/// Government domains: links within them need no leave-site notice (`政务` is `xn--zfr164b`).
/// `conac.cn` is the 党政机关网站标识 service of the Central Institutional Organization
/// Commission, whose badge links every government footer carries.
pub const DEFAULT_GOV_DOMAINS: &[&str] = &["gov.cn", "政务", "政务.cn", "conac.cn"];

/// Options of this family (flattened into the command line; `[links]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinksOptions {
    /// Also check remote (http/https) links of local files; without it a local audit makes no
    /// network request and reports no remote link as broken
    #[arg(long)]
    pub online: bool,
    /// Do not check links to other sites (they are checked by default, where their robots.txt
    /// allows)
    #[arg(long)]
    pub skip_external: bool,
    /// Text that marks a page answering 200 as "not found" (regular expression, repeatable)
    /// [default: 页面不存在|页面已删除|404|找不到该页面|该信息已被删除]
    #[arg(long = "soft-404-pattern", value_name = "REGEX")]
    pub soft_404_patterns: Vec<String>,
    /// Text or markup showing a leave-site notice on a page or its scripts (regular
    /// expression, repeatable) [default: 您即将离开|即将跳转|非本网站|... (see docs/crawl.md)]
    #[arg(long = "leave-notice-pattern", value_name = "REGEX")]
    pub leave_notice_patterns: Vec<String>,
    /// Domain whose links need no leave-site notice, with its subdomains (repeatable)
    /// [default: gov.cn, 政务, 政务.cn, conac.cn]
    #[arg(long = "gov-domain", value_name = "DOMAIN")]
    pub gov_domains: Vec<String>,
    /// Blocklisted link target for links/illegal-external: a domain (with its subdomains) or
    /// "re:REGEX" matched against the whole URL (repeatable)
    #[arg(long = "blocklist", value_name = "DOMAIN|re:REGEX")]
    pub blocklist: Vec<String>,
    /// File of blocklist entries, one per line (# starts a comment)
    #[arg(long, value_name = "FILE")]
    pub blocklist_file: Option<PathBuf>,
    /// Redirect hops from which links/redirect-chain reports a link [default: 2]
    #[arg(long, value_name = "N")]
    pub redirect_chain_hops: Option<usize>,
}

impl LinksOptions {
    /// Redirect-chain threshold.
    pub fn redirect_chain_hops(&self) -> usize {
        self.redirect_chain_hops.filter(|n| *n > 0).unwrap_or(2)
    }

    /// Checks the patterns and reads the blocklist file: called once before an audit, so a
    /// bad value is a configuration error rather than a silent no-op.
    pub fn validate(&self) -> Result<()> {
        regex_union(
            "--soft-404-pattern",
            &self.soft_404_patterns,
            DEFAULT_SOFT_404,
        )?;
        regex_union(
            "--leave-notice-pattern",
            &self.leave_notice_patterns,
            DEFAULT_LEAVE_NOTICE,
        )?;
        Blocklist::load(self)?;
        Ok(())
    }
}

fn regex_union(flag: &str, patterns: &[String], default: &str) -> Result<Regex> {
    let src = if patterns.is_empty() {
        default.to_string()
    } else {
        for p in patterns {
            Regex::new(p).map_err(|e| Error::Config(format!("{flag} {p:?}: {e}")))?;
        }
        patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|")
    };
    Regex::new(&src).map_err(|e| Error::Config(format!("{flag}: {e}")))
}

/// How a link's status was obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckMethod {
    /// Fetched as a page of the crawl (GET).
    Page,
    /// A HEAD request.
    Head,
    /// A GET request (HEAD was refused).
    Get,
    /// A local file looked up on disk.
    File,
    /// Fetched earlier in the run by a rule.
    Cache,
    /// Not checked; see [`LinkStatus::skipped`].
    #[default]
    None,
}

/// Why a link was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// robots.txt disallows it (or robots.txt is unavailable).
    Robots,
    /// Excluded by `--include`/`--exclude`, or external with `--skip-external`.
    Scope,
    /// A crawler trap.
    Trap,
    /// Beyond `--max-pages`.
    Limit,
    /// The run was interrupted or hit `--max-time` first.
    Interrupted,
    /// A remote link of a local audit without `--online`.
    Offline,
}

/// The checked status of a link target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkStatus {
    /// How it was checked.
    pub method: CheckMethod,
    /// The final HTTP status (after redirects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<FetchErrorKind>,
    /// Details of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Redirects followed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The not-found phrase of a page that answered 200 (soft 404).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_404: Option<String>,
    /// Why it was not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    /// Attempts made (retries included).
    #[serde(default)]
    pub attempts: u32,
}

impl LinkStatus {
    /// The status of a fetch result.
    pub fn from_fetch(
        result: &std::result::Result<RawPage, FetchError>,
        method: CheckMethod,
    ) -> Self {
        match result {
            Ok(raw) => LinkStatus {
                method,
                status: raw.status,
                redirects: raw.redirects.clone(),
                attempts: 1,
                ..LinkStatus::default()
            },
            Err(e) => LinkStatus::from_error(e, method),
        }
    }

    /// The status of a failed fetch.
    pub fn from_error(e: &FetchError, method: CheckMethod) -> Self {
        LinkStatus {
            method,
            error: Some(e.kind.clone()),
            message: Some(e.message.clone()),
            redirects: e.redirects.clone(),
            attempts: e.attempts,
            ..LinkStatus::default()
        }
    }

    /// Not checked, for a reason.
    pub fn skipped(reason: SkipReason) -> Self {
        LinkStatus {
            skipped: Some(reason),
            ..LinkStatus::default()
        }
    }

    /// Whether the target is broken: no answer, or 4xx/5xx.
    pub fn is_broken(&self) -> bool {
        self.skipped.is_none() && (self.error.is_some() || self.status.is_some_and(|s| s >= 400))
    }

    /// Whether the target was checked.
    pub fn checked(&self) -> bool {
        self.skipped.is_none()
    }
}

/// Link kinds whose targets are checked: navigation, frames and every resource a page loads.
/// Form actions (often POST-only endpoints) and other `<link>` elements (canonical, preload,
/// dns-prefetch) are not.
pub fn is_checked_kind(kind: LinkKind) -> bool {
    matches!(
        kind,
        LinkKind::Anchor
            | LinkKind::Frame
            | LinkKind::Image
            | LinkKind::Script
            | LinkKind::Stylesheet
            | LinkKind::Media
    )
}

/// The status of a `file:` link of a local site: the file (or a folder's index page) exists.
pub fn local_status(site: &SiteInfo, url: &Url) -> LinkStatus {
    let target = site.local_target(url);
    let missing = |what: String| LinkStatus {
        method: CheckMethod::File,
        error: Some(FetchErrorKind::Io),
        message: Some(what),
        attempts: 1,
        ..LinkStatus::default()
    };
    let Ok(path) = target.to_file_path() else {
        return missing(format!("not a local path: {target}"));
    };
    if path.is_file() {
        return LinkStatus {
            method: CheckMethod::File,
            attempts: 1,
            ..LinkStatus::default()
        };
    }
    if path.is_dir() {
        let has_index = crate::crawl::normalise::INDEX_PAGES
            .iter()
            .any(|i| path.join(i).is_file());
        return if has_index {
            LinkStatus {
                method: CheckMethod::File,
                attempts: 1,
                ..LinkStatus::default()
            }
        } else {
            missing(format!("folder without an index page: {}", path.display()))
        };
    }
    missing(format!("file not found: {}", path.display()))
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(Broken),
            Box::new(Soft404),
            Box::new(RedirectChain),
            Box::new(ExternalNotice::default()),
            Box::new(IllegalExternal::default()),
            Box::new(SiteUnavailable),
        ],
        collectors: vec![Box::new(Soft404Collector::default())],
        sections: vec![crawl_section],
    }
}

/// The terminal line summarising a site's crawl (`sites[].crawl`).
pub fn crawl_section(report: &crate::report::Report, site: usize, lang: Lang) -> Option<String> {
    let c = report.sites.get(site)?.facts.get("crawl")?;
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let sk = &c["skipped"];
    let secs = n(&c["duration_ms"]) as f64 / 1000.0;
    let mut line = tr!(
        lang,
        "抓取：审计 {} 个页面，检查链接 {} 个，失败 {}；跳过：robots {}、范围外 {}、非 HTML {}、陷阱 {}、超出限制 {}；{} 个请求，{:.1} MiB，用时 {:.1} 秒",
        "crawl: {} pages audited, {} links checked, {} failed; skipped: robots {}, out of scope {}, not HTML {}, traps {}, over limits {}; {} requests, {:.1} MiB, {:.1} s",
        n(&c["pages_audited"]),
        n(&c["links_checked"]),
        n(&c["failed"]),
        n(&sk["robots"]),
        n(&sk["scope"]),
        n(&sk["type"]),
        n(&sk["trap"]),
        n(&sk["limit"]),
        n(&c["requests"]),
        n(&c["bytes"]) as f64 / f64::from(1 << 20),
        secs
    );
    if let Some(why) = c["stopped_by"].as_str() {
        line.push_str(&tr!(lang, "（未完成：{why}）", " (incomplete: {why})"));
    }
    Some(line)
}

fn page_name(p: &crate::report::PageReport) -> String {
    p.path.clone().unwrap_or_else(|| p.url.clone())
}

fn kind_label(kinds: &[LinkKind], url: &str, lang: Lang) -> &'static str {
    let attachment = Url::parse(url)
        .ok()
        .and_then(|u| crate::crawl::scope::extension(&u))
        .is_some_and(|e| crate::crawl::scope::ATTACHMENT_EXTENSIONS.contains(&e.as_str()));
    if attachment {
        return lang.pick("附件", "attachment");
    }
    let first = [
        LinkKind::Image,
        LinkKind::Script,
        LinkKind::Stylesheet,
        LinkKind::Media,
        LinkKind::Frame,
        LinkKind::Anchor,
    ]
    .into_iter()
    .find(|k| kinds.contains(k));
    match first {
        Some(LinkKind::Image) => lang.pick("图片", "image"),
        Some(LinkKind::Script) => lang.pick("脚本", "script"),
        Some(LinkKind::Stylesheet) => lang.pick("样式表", "stylesheet"),
        Some(LinkKind::Media) => lang.pick("音视频", "media"),
        Some(LinkKind::Frame) => lang.pick("框架页面", "frame"),
        _ => lang.pick("链接", "link"),
    }
}

/// A short label of a fetch error kind.
pub fn error_label(kind: &FetchErrorKind, lang: Lang) -> &'static str {
    match kind {
        FetchErrorKind::Dns => lang.pick("域名解析失败", "DNS failure"),
        FetchErrorKind::Connect => lang.pick("连接失败", "connection failed"),
        FetchErrorKind::Timeout => lang.pick("超时未响应", "timed out"),
        FetchErrorKind::Tls => lang.pick("TLS/证书错误", "TLS/certificate error"),
        FetchErrorKind::Redirect => {
            lang.pick("重定向循环或过长", "redirect loop or chain too long")
        }
        FetchErrorKind::Body => lang.pick("读取内容失败", "body read failed"),
        FetchErrorKind::Io => lang.pick("文件不存在", "file not found"),
        FetchErrorKind::Other => lang.pick("访问失败", "request failed"),
    }
}

fn reason(status: &LinkStatus, lang: Lang) -> String {
    match (&status.error, status.status) {
        (Some(kind), _) => error_label(kind, lang).to_string(),
        (None, Some(s)) => format!("HTTP {s}"),
        (None, None) => lang.pick("无响应", "no answer").to_string(),
    }
}

/// How a target is shown: a path inside the folder for local sites, the URL otherwise.
fn shown(site: &SiteInfo, url: &str) -> String {
    if site.is_local()
        && let Ok(u) = Url::parse(url)
        && u.scheme() == "file"
    {
        let mapped = site.local_target(&u);
        let root = site.root_url.as_str();
        if let Some(rel) = mapped.as_str().strip_prefix(root) {
            return percent_decode(rel);
        }
    }
    url.to_string()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sources(site: &SiteData<'_>, idx: &[u32]) -> Vec<String> {
    idx.iter()
        .filter_map(|i| site.pages.get(*i as usize))
        .map(page_name)
        .collect()
}

/// `links/broken`: every checked target that answers 4xx/5xx or not at all, once, with the
/// pages referencing it.
pub struct Broken;

impl Rule for Broken {
    fn id(&self) -> &'static str {
        "links/broken"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let lang = cx.lang;
        for (url, target) in &site.links.targets {
            let Some(status) = &target.status else {
                continue;
            };
            if !status.is_broken() {
                continue;
            }
            let what = kind_label(&target.kinds, url, lang);
            let why = reason(status, lang);
            let pages = sources(site, &target.sources);
            let n = pages.len();
            let shown_url = shown(site.info, url);
            let msg = tr!(
                lang,
                "{what}无法访问：{shown_url}（{why}），{n} 个页面引用",
                "broken {what}: {shown_url} ({why}), referenced by {n} page(s)"
            );
            let f = cx.report(msg);
            f.url = Some(url.clone());
            f.count = Some(n);
            f.pages = pages;
            if let Some(s) = status.status {
                f.data.insert("status".into(), s.into());
            }
            if let Some(k) = &status.error {
                f.data
                    .insert("error".into(), serde_json::to_value(k).unwrap_or_default());
            }
            if let Some(m) = &status.message {
                f.data.insert("detail".into(), m.clone().into());
            }
            f.data.insert(
                "kinds".into(),
                serde_json::to_value(&target.kinds).unwrap_or_default(),
            );
            f.data.insert(
                "method".into(),
                serde_json::to_value(status.method).unwrap_or_default(),
            );
            if !status.redirects.is_empty() {
                f.data.insert(
                    "redirects".into(),
                    serde_json::to_value(&status.redirects).unwrap_or_default(),
                );
            }
        }
    }
}

/// `links/soft-404`: a page that answers 200 but says it does not exist.
pub struct Soft404;

impl Rule for Soft404 {
    fn id(&self) -> &'static str {
        "links/soft-404"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let lang = cx.lang;
        // Targets by fingerprint, to find the pages linking to each soft-404 page whatever
        // form of its URL they use.
        let mut by_fp: std::collections::HashMap<u64, Vec<u32>> = std::collections::HashMap::new();
        for (url, t) in &site.links.targets {
            if t.kinds.iter().any(|k| k.is_navigation()) {
                by_fp
                    .entry(crate::crawl::normalise::str_fingerprint(url))
                    .or_default()
                    .extend(&t.sources);
            }
        }
        for page in site.pages {
            let Some(phrase) = page.facts.get("soft_404").and_then(|v| v.as_str()) else {
                continue;
            };
            let mut src: Vec<u32> = Vec::new();
            for u in std::iter::once(&page.url).chain(page.final_url.iter()) {
                if let Some(s) = by_fp.get(&crate::crawl::normalise::str_fingerprint(u)) {
                    src.extend(s);
                }
            }
            src.sort_unstable();
            src.dedup();
            let pages = sources(site, &src);
            let n = pages.len();
            let name = page_name(page);
            let msg = tr!(
                lang,
                "页面返回 200 但内容是“{phrase}”提示：{name}，{n} 个页面链接到它",
                "page answers 200 but reads \"{phrase}\": {name}, linked from {n} page(s)"
            );
            let f = cx.report(msg);
            f.url = Some(page.url.clone());
            f.count = Some(n);
            f.pages = pages;
            f.data.insert("phrase".into(), phrase.into());
        }
    }
}

/// `links/redirect-chain`: links that reach their target only after several redirects.
pub struct RedirectChain;

impl Rule for RedirectChain {
    fn id(&self) -> &'static str {
        "links/redirect-chain"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let lang = cx.lang;
        let min = cx.options.links.redirect_chain_hops();
        for (url, target) in &site.links.targets {
            let Some(status) = &target.status else {
                continue;
            };
            if status.is_broken() || status.redirects.len() < min {
                continue;
            }
            let hops = status.redirects.len();
            let chain = std::iter::once(url.as_str())
                .chain(status.redirects.iter().map(|r| r.to.as_str()))
                .collect::<Vec<_>>()
                .join(" → ");
            let pages = sources(site, &target.sources);
            let n = pages.len();
            let msg = tr!(
                lang,
                "链接经过 {hops} 次重定向才到达目标：{chain}（{n} 个页面引用）",
                "link reaches its target after {hops} redirects: {chain} ({n} page(s))"
            );
            let f = cx.report(msg);
            f.url = Some(url.clone());
            f.count = Some(n);
            f.pages = pages;
            f.data.insert(
                "redirects".into(),
                serde_json::to_value(&status.redirects).unwrap_or_default(),
            );
        }
    }
}

/// Records `soft_404` (the matched phrase) on pages that answer 200 but read "not found".
#[derive(Default)]
pub struct Soft404Collector {
    re: OnceLock<Option<Regex>>,
}

static NOT_FOUND_CONTAINER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)404|not-?found|error-?page|errpage|page-?error").expect("static regex")
});

/// Largest visible text (characters) searched as a whole for soft-404 phrases; longer pages
/// are searched in their title, headings and error containers only.
pub const SOFT_404_MAX_TEXT: usize = 1000;

/// The soft-404 phrase of a page, if it answered 200 and reads "not found".
pub fn soft_404_phrase(page: &Page, re: &Regex) -> Option<String> {
    if page.status != Some(200) {
        return None;
    }
    if let Some(m) = page.title().and_then(|t| re.find(t)) {
        return Some(m.as_str().to_string());
    }
    // One scan of the text first: most pages never mention the phrases.
    if !re.is_match(page.visible_text()) {
        return None;
    }
    for h in page.elements_named_any(&["h1", "h2", "h3"]) {
        if h.is_hidden() {
            continue;
        }
        if let Some(m) = re.find(h.visible_text()) {
            return Some(m.as_str().to_string());
        }
    }
    for el in page.elements() {
        let marked = ["id", "class"]
            .iter()
            .any(|a| el.attr(a).is_some_and(|v| NOT_FOUND_CONTAINER.is_match(&v)));
        if marked
            && !el.is_hidden()
            && let Some(m) = re.find(el.visible_text())
        {
            return Some(m.as_str().to_string());
        }
    }
    // A short page: its text outside links (navigation menus and link lists mention "404"
    // or "页面不存在" without being error pages).
    let text = page.visible_text();
    if text.chars().count() <= SOFT_404_MAX_TEXT {
        let base = text.as_ptr() as usize;
        let mut cut: Vec<(usize, usize)> = page
            .elements_named("a")
            .map(|a| {
                let t = a.visible_text();
                let start = (t.as_ptr() as usize).saturating_sub(base);
                (start, start + t.len())
            })
            .filter(|(s, e)| s < e && *e <= text.len())
            .collect();
        cut.sort_unstable();
        let mut outside = String::with_capacity(text.len());
        let mut pos = 0;
        for (s, e) in cut {
            if s > pos && text.is_char_boundary(s) {
                outside.push_str(&text[pos..s]);
                outside.push(' ');
            }
            if text.is_char_boundary(e) {
                pos = pos.max(e);
            }
        }
        if pos < text.len() {
            outside.push_str(&text[pos..]);
        }
        if let Some(m) = re.find(&outside) {
            return Some(m.as_str().to_string());
        }
    }
    None
}

impl Collector for Soft404Collector {
    fn collect_page(&self, page: &Page, cx: &CollectCx<'_>) -> Facts {
        let mut facts = Facts::new();
        let re = self.re.get_or_init(|| {
            regex_union(
                "--soft-404-pattern",
                &cx.options.links.soft_404_patterns,
                DEFAULT_SOFT_404,
            )
            .ok()
        });
        if let Some(re) = re
            && let Some(phrase) = soft_404_phrase(page, re)
        {
            facts.insert("soft_404".into(), phrase.into());
        }
        facts
    }
}

/// The lower-case ASCII (punycode) form of a domain or host name.
fn ascii_domain(d: &str) -> Option<String> {
    let d = d.trim().trim_start_matches("*.").trim_matches('.');
    if d.is_empty() {
        return None;
    }
    Url::parse(&format!("http://{d}/"))
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

fn host_in(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

struct NoticeCfg {
    gov: Vec<String>,
    notice: Option<Regex>,
}

/// `links/external-notice`: links leaving the government domains on a page with no
/// leave-site notice (observed practice; no clause).
#[derive(Default)]
pub struct ExternalNotice {
    cfg: OnceLock<NoticeCfg>,
}

impl ExternalNotice {
    fn cfg(&self, opts: &LinksOptions) -> &NoticeCfg {
        self.cfg.get_or_init(|| {
            let list: Vec<&str> = if opts.gov_domains.is_empty() {
                DEFAULT_GOV_DOMAINS.to_vec()
            } else {
                opts.gov_domains.iter().map(String::as_str).collect()
            };
            NoticeCfg {
                gov: list.iter().filter_map(|d| ascii_domain(d)).collect(),
                notice: regex_union(
                    "--leave-notice-pattern",
                    &opts.leave_notice_patterns,
                    DEFAULT_LEAVE_NOTICE,
                )
                .ok(),
            }
        })
    }
}

/// The site's own domain: its host without a leading `www.`.
fn own_domain(site: &SiteInfo, page: &Page) -> Option<String> {
    let host = site
        .root_url
        .host_str()
        .or_else(|| page.url.host_str())?
        .to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

impl Rule for ExternalNotice {
    fn id(&self) -> &'static str {
        "links/external-notice"
    }
    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let cfg = self.cfg(&cx.options.links);
        let own = own_domain(cx.site, page);
        let mut leaving = Vec::new();
        let mut hosts_seen: Vec<String> = Vec::new();
        for link in page.links() {
            if link.kind != LinkKind::Anchor {
                continue;
            }
            let Some(u) = &link.url else { continue };
            if !matches!(u.scheme(), "http" | "https") {
                continue;
            }
            let Some(host) = u.host_str().map(str::to_ascii_lowercase) else {
                continue;
            };
            if cfg.gov.iter().any(|g| host_in(&host, g))
                || own.as_deref().is_some_and(|o| host_in(&host, o))
                || page.url.host_str() == Some(host.as_str())
            {
                continue;
            }
            let el = page.el(link.element);
            if el.is_hidden() {
                continue;
            }
            if el.attr("onclick").is_some_and(|v| {
                v.contains("confirm(") || cfg.notice.as_ref().is_some_and(|r| r.is_match(&v))
            }) {
                continue;
            }
            if !hosts_seen.contains(&host) {
                hosts_seen.push(host.clone());
                leaving.push((link.element, host));
            }
        }
        if leaving.is_empty() {
            return;
        }
        let Some(notice) = &cfg.notice else { return };
        if notice.is_match(&page.source) || scripts_have_notice(page, cx, notice) {
            return;
        }
        for (el, host) in leaving {
            let msg = tr!(
                cx.lang,
                "链接离开政府网站域名，指向 {host}，页面没有离开提示",
                "link leaves the government domains for {host} with no leave-site notice"
            );
            let f = cx.report(&page.el(el), msg);
            f.data.insert("host".into(), host.into());
        }
    }
}

/// Whether one of the page's same-site scripts holds a leave-site notice (fetched through the
/// services, once per run each).
fn scripts_have_notice(page: &Page, cx: &PageCx<'_>, notice: &Regex) -> bool {
    let urls: Vec<Url> = page
        .links()
        .iter()
        .filter(|l| l.kind == LinkKind::Script)
        .filter_map(|l| l.url.clone())
        .filter(|u| u.scheme() == "file" || u.host_str() == page.url.host_str())
        .map(|u| cx.site.local_target(&u))
        .take(20)
        .collect();
    if urls.is_empty() {
        return false;
    }
    cx.services.fetch_many(&urls).iter().any(|r| match &**r {
        Ok(raw) => {
            let decoded =
                crate::fetch::charset::decode(&raw.body, raw.content_type.as_deref(), None);
            notice.is_match(&decoded.text)
        }
        Err(_) => false,
    })
}

/// A parsed blocklist.
#[derive(Debug, Default)]
pub struct Blocklist {
    domains: Vec<String>,
    patterns: Vec<Regex>,
}

impl Blocklist {
    /// Reads `--blocklist` entries and the `--blocklist-file`.
    pub fn load(opts: &LinksOptions) -> Result<Blocklist> {
        let mut entries: Vec<String> = opts.blocklist.clone();
        if let Some(path) = &opts.blocklist_file {
            let text =
                std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
            entries.extend(
                text.lines()
                    .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
                    .filter(|l| !l.is_empty()),
            );
        }
        let mut list = Blocklist::default();
        for e in entries {
            if let Some(re) = e.strip_prefix("re:") {
                list.patterns.push(
                    Regex::new(re)
                        .map_err(|err| Error::Config(format!("--blocklist {e:?}: {err}")))?,
                );
            } else {
                let d = ascii_domain(&e)
                    .ok_or_else(|| Error::Config(format!("--blocklist {e:?}: not a domain")))?;
                list.domains.push(d);
            }
        }
        Ok(list)
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty() && self.patterns.is_empty()
    }

    /// Whether a URL is listed.
    pub fn matches(&self, url: &Url) -> bool {
        let host = url
            .host_str()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        self.domains.iter().any(|d| host_in(&host, d))
            || self.patterns.iter().any(|r| r.is_match(url.as_str()))
    }
}

/// `links/illegal-external`: links to blocklisted targets (D2 veto item 3); human review.
#[derive(Default)]
pub struct IllegalExternal {
    list: OnceLock<Blocklist>,
}

impl Rule for IllegalExternal {
    fn id(&self) -> &'static str {
        "links/illegal-external"
    }
    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let list = self
            .list
            .get_or_init(|| Blocklist::load(&cx.options.links).unwrap_or_default());
        if list.is_empty() {
            return;
        }
        let mut seen: Vec<String> = Vec::new();
        for link in page.links() {
            let Some(u) = &link.url else { continue };
            if !matches!(u.scheme(), "http" | "https") || !list.matches(u) {
                continue;
            }
            let host = u.host_str().unwrap_or_default().to_string();
            if seen.contains(&host) {
                continue;
            }
            seen.push(host.clone());
            let msg = tr!(
                cx.lang,
                "链接指向黑名单中的地址 {host}（需人工复核）",
                "link to a blocklisted target {host} (needs human review)"
            );
            let f = cx.report(&page.el(link.element), msg);
            f.url = Some(u.to_string());
            f.data.insert("host".into(), host.into());
        }
    }
}

/// `links/site-unavailable`: the home page could not be opened after every retry.
pub struct SiteUnavailable;

impl Rule for SiteUnavailable {
    fn id(&self) -> &'static str {
        "links/site-unavailable"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        if site.info.is_local() {
            return;
        }
        let Some(start) = site.info.start_urls.first() else {
            return;
        };
        let Some(home) = site.pages.iter().find(|p| p.url == start.as_str()) else {
            return;
        };
        let lang = cx.lang;
        let failure = home.findings.iter().find(|f| f.rule == "page/fetch-failed");
        let (why, attempts) = match (home.status, failure) {
            (Some(s), _) if s >= 500 => (format!("HTTP {s}"), cx.options.fetch.retries() + 1),
            (None, Some(f)) => {
                let kind = f
                    .data
                    .get("kind")
                    .and_then(|v| serde_json::from_value::<FetchErrorKind>(v.clone()).ok());
                if kind == Some(FetchErrorKind::Redirect) {
                    return;
                }
                let attempts = f
                    .data
                    .get("attempts")
                    .and_then(serde_json::Value::as_u64)
                    .map_or(1, |a| a.max(1) as u32);
                let label = kind.map_or_else(
                    || lang.pick("无法访问", "unreachable").to_string(),
                    |k| error_label(&k, lang).to_string(),
                );
                (label, attempts)
            }
            _ => return,
        };
        let msg = tr!(
            lang,
            "首页 {start} 无法访问（{why}），{attempts} 次尝试均失败。单次审计只能说明本次无法访问：检查指标按 1 周内每天 20 次以上访问、15 秒内打不开的占比 ≥5% 认定“站点无法访问”",
            "home page {start} could not be opened ({why}); all {attempts} attempts failed. A single run shows only this failure: the inspection counts a site as unavailable when ≥5% of 20+ daily probes over a week fail to open within 15 s"
        );
        let f = cx.report(msg);
        f.url = Some(start.to_string());
        f.data.insert("attempts".into(), attempts.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{rule_ids, run_rules_with};

    fn notice_ids(html: &str) -> Vec<String> {
        rule_ids(vec![Box::new(ExternalNotice::default())], html)
    }

    #[test]
    fn external_notice_fires_without_a_notice() {
        let html = r#"<a href="https://www.people.com.cn/">人民网</a>
            <a href="https://www.gd.gov.cn/">广东省政府</a>
            <a href="https://www.example.gov.cn/about">本站</a>
            <a href="https://dept.example.gov.cn/">部门</a>
            <a href="mailto:x@qq.com">信箱</a>
            <a href="https://bszs.conac.cn/sitename?id=1">党政机关</a>
            <a href="http://www.hanweb.com" style="display:none">hidden</a>"#;
        assert_eq!(notice_ids(html), vec!["links/external-notice"]);
        let only_hidden = r#"<a href="http://www.hanweb.com" style="display:none">x</a>"#;
        assert!(notice_ids(only_hidden).is_empty());
    }

    #[test]
    fn external_notice_passes_with_a_notice() {
        let with_text = r#"<a href="https://www.people.com.cn/">人民网</a>
            <script>function go(u){ if(confirm('您即将离开本网站')) location=u; }</script>"#;
        assert!(notice_ids(with_text).is_empty());
        let with_confirm =
            r#"<a href="https://www.people.com.cn/" onclick="return confirm('ok?')">x</a>"#;
        assert!(notice_ids(with_confirm).is_empty());
        let with_modal =
            r#"<div class="szxxalert-warning"></div><a href="https://www.qq.com/">x</a>"#;
        assert!(notice_ids(with_modal).is_empty());
        // Redirectors on the site itself are not external links.
        let redirector = r#"<a href="/jump?url=https://www.qq.com/">x</a>"#;
        assert!(notice_ids(redirector).is_empty());
        // 政务 domains count as government.
        let zhengwu = r#"<a href="http://www.example.政务/">x</a>"#;
        assert!(notice_ids(zhengwu).is_empty());
    }

    #[test]
    fn illegal_external_needs_a_blocklist() {
        let html = r#"<a href="https://bad.example.com/x">x</a><img src="https://cdn.bad.example.com/a.png">
            <a href="https://good.example.com/">y</a>"#;
        let page = Page::from_html(html, "https://www.example.gov.cn/");
        let none = run_rules_with(
            vec![Box::new(IllegalExternal::default())],
            &page,
            &crate::rules::testing::options(),
        );
        assert!(none.is_empty());
        let mut opts = crate::rules::testing::options();
        opts.links.blocklist = vec!["bad.example.com".into(), "re:/casino/".into()];
        let found = run_rules_with(vec![Box::new(IllegalExternal::default())], &page, &opts);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.rule == "links/illegal-external"));
        let page = Page::from_html(
            r#"<a href="https://x.com/casino/1">x</a>"#,
            "https://www.example.gov.cn/",
        );
        assert_eq!(
            run_rules_with(vec![Box::new(IllegalExternal::default())], &page, &opts).len(),
            1
        );
        let mut bad = crate::rules::testing::options();
        bad.links.blocklist = vec!["re:(".into()];
        assert!(bad.links.validate().is_err());
    }

    fn soft(html: &str, status: u16) -> Option<String> {
        let mut page = Page::from_html(html, "https://www.example.gov.cn/x.html");
        page.status = Some(status);
        let re = regex_union("", &[], DEFAULT_SOFT_404).expect("re");
        soft_404_phrase(&page, &re)
    }

    #[test]
    fn soft_404_detection() {
        assert_eq!(
            soft("<title>404 Not Found</title><p>x</p>", 200).as_deref(),
            Some("404")
        );
        assert_eq!(
            soft(
                "<title>开平市</title><div class=\"error-page\">对不起，您访问的页面不存在！</div>",
                200
            )
            .as_deref(),
            Some("页面不存在")
        );
        assert_eq!(
            soft("<title>x</title><h2>该信息已被删除</h2>", 200).as_deref(),
            Some("该信息已被删除")
        );
        // A real 404 is a broken link, not a soft one.
        assert_eq!(soft("<title>404</title>", 404), None);
        // A long article that mentions 404 in its body is not a soft 404.
        let long = "<title>关于整治404号地块的通告</title>";
        assert_eq!(
            soft(long, 200).as_deref(),
            Some("404"),
            "titles are trusted"
        );
        let body = format!(
            "<title>通告</title><p>{}第404号文件</p>",
            "政务公开".repeat(400)
        );
        assert_eq!(soft(&body, 200), None);
        // Link text does not count: a menu entry "404 页面说明" is not an error page.
        assert_eq!(
            soft(
                "<title>首页</title><a href=/x>软404</a><a href=/y>页面不存在的原因</a><p>欢迎</p>",
                200
            ),
            None
        );
        assert_eq!(
            soft(
                "<title>提示</title><a href=/>返回首页</a><p>抱歉，页面不存在</p>",
                200
            )
            .as_deref(),
            Some("页面不存在")
        );
        // Hidden templates do not count.
        assert_eq!(
            soft(
                "<title>首页</title><h1 hidden>页面不存在</h1><p>正文</p>",
                200
            ),
            None
        );
    }

    #[test]
    fn link_status_classes() {
        assert!(!LinkStatus::default().is_broken());
        let s = LinkStatus {
            status: Some(404),
            ..LinkStatus::default()
        };
        assert!(s.is_broken());
        let s = LinkStatus {
            error: Some(FetchErrorKind::Timeout),
            ..LinkStatus::default()
        };
        assert!(s.is_broken());
        assert!(!LinkStatus::skipped(SkipReason::Robots).is_broken());
        assert!(is_checked_kind(LinkKind::Image));
        assert!(!is_checked_kind(LinkKind::Form));
        assert_eq!(ascii_domain("政务").as_deref(), Some("xn--zfr164b"));
        assert!(host_in("a.b.gov.cn", "gov.cn"));
        assert!(!host_in("agov.cn", "gov.cn"));
    }

    #[test]
    fn local_files() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("news")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
        std::fs::write(dir.path().join("news/index.html"), "x").expect("w");
        std::fs::write(dir.path().join("a.html"), "x").expect("w");
        let root = Url::from_directory_path(dir.path()).expect("url");
        let site = SiteInfo {
            index: 0,
            root: dir.path().display().to_string(),
            root_url: root.clone(),
            kind: crate::rules::SiteKind::Local {
                root_dir: dir.path().to_path_buf(),
            },
            start_urls: vec![],
        };
        let ok = |p: &str| local_status(&site, &root.join(p).expect("join"));
        assert!(!ok("a.html").is_broken());
        assert!(!ok("news/").is_broken());
        assert!(ok("b.html").is_broken());
        assert!(ok("empty/").is_broken());
        // Root-relative links resolve against the folder.
        assert!(!local_status(&site, &Url::parse("file:///a.html").expect("u")).is_broken());
        assert_eq!(
            shown(&site, root.join("x%20y.png").expect("j").as_str()),
            "x y.png"
        );
    }
}
