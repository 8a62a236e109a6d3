//! Baselines: record today's findings (`--write-baseline FILE`) and later report only the
//! findings that are new (`--baseline FILE`), so CI can block a deployment that adds violations
//! without first fixing every old one.
//!
//! A finding is identified by a fingerprint that survives re-publishing the site:
//!
//! * `rule` — the rule id;
//! * `site` — the site: `host[:port]` for URLs (scheme ignored, so moving to HTTPS keeps the
//!   baseline), `local:<folder name>` for local folders (the folder's location does not matter,
//!   so a CI checkout anywhere matches);
//! * `location` — the page: its path (and query) for URLs on the site's host, `host/path` for
//!   other hosts, or its path relative to the site folder for local files; empty for site-wide
//!   findings; a site finding about one page or resource uses that URL's location;
//! * `anchor` — where on the page: the offending markup (the start tag or text snippet) with
//!   `class` attributes removed, digit runs replaced by `0` and whitespace collapsed; else the
//!   element's structural selector (tag names and positions, never class names); else the
//!   finding's structured `data` with digits replaced. Aggregated site findings (a footer
//!   problem on many pages) use the rule and `data` only, so adding a page does not renew them.
//!
//! Line numbers are never used. Messages are not used either (they depend on `--lang`).
//! The fingerprint is the first 32 hex digits of SHA-256 over these four fields.
//!
//! Entries are counted (the same fingerprint can occur several times on a page: two identical
//! images without `alt`); a run matches findings against the counts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::config::{AuditOptions, RuleLevel};
use crate::error::{Error, Result};
use crate::report::{Finding, PageReport, Report, Severity, SiteReport, ToolInfo};

/// Format version of baseline files.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`BASELINE_VERSION`] for this format.
    pub govaudit_baseline: u32,
    /// The tool that wrote it.
    pub tool: ToolInfo,
    /// When it was written.
    pub generated_at: String,
    /// The recorded findings, sorted by site, location, rule.
    pub entries: Vec<Entry>,
}

/// One recorded finding (or several with the same fingerprint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The fingerprint (see the module documentation).
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Site key.
    pub site: String,
    /// `page` for a page's finding, `site` for a site finding (whose location, if any, is the
    /// URL it concerns, not necessarily an audited page).
    #[serde(default = "page_scope")]
    pub scope: String,
    /// Location key (empty for site-wide findings).
    #[serde(default)]
    pub location: String,
    /// The page as shown in reports (path or URL), for people and URL overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Anchor (normalised snippet, selector or data).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
    /// Severity when recorded.
    pub severity: Severity,
    /// Message when recorded (for people; not part of the fingerprint).
    pub message: String,
    /// How many findings carry this fingerprint.
    pub count: usize,
    /// For stale entries in a run's summary: why they could not be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn page_scope() -> String {
    "page".into()
}

/// `summary.baseline`: how the run compares with the baseline.
///
/// * `new` — findings of this run that the baseline does not hold; they are the report's
///   findings and decide the exit code;
/// * `present` — findings of this run that the baseline holds (still there, not reported);
/// * `fixed` — baseline findings on pages audited in this run, of rules that ran, that no
///   longer occur;
/// * `stale` — baseline findings that this run could not check: their page was not audited
///   (removed, renamed, or beyond the crawl limits) or their rule did not run (disabled,
///   removed, or turned off for that page).
///
/// Entries of sites that this run did not audit (other shards) are not counted at all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// The baseline file as given.
    pub file: String,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings in the baseline and still present.
    pub present: usize,
    /// Baseline findings that are gone.
    pub fixed: usize,
    /// Baseline findings that could not be checked.
    pub stale: usize,
    /// The fixed entries (with `count` = how many of them are gone).
    #[serde(default)]
    pub fixed_entries: Vec<Entry>,
    /// The stale entries, each with a `reason`.
    #[serde(default)]
    pub stale_entries: Vec<Entry>,
}

impl BaselineSummary {
    /// Adds another shard's summary (for `govaudit merge`).
    pub fn add(&mut self, other: &BaselineSummary) {
        if self.file.is_empty() {
            self.file = other.file.clone();
        }
        self.new += other.new;
        self.present += other.present;
        self.fixed += other.fixed;
        self.stale += other.stale;
        self.fixed_entries
            .extend(other.fixed_entries.iter().cloned());
        self.stale_entries
            .extend(other.stale_entries.iter().cloned());
    }
}

/// The key of a site (see the module documentation).
pub fn site_key(root: &str, kind: &str) -> String {
    if kind == "local" {
        let p = Path::new(root.trim_end_matches(['/', '\\']));
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .or_else(|| {
                std::fs::canonicalize(p)
                    .ok()
                    .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
            })
            .unwrap_or_default();
        return format!("local:{name}");
    }
    match url::Url::parse(root) {
        Ok(u) => host_port(&u),
        Err(_) => root.to_ascii_lowercase(),
    }
}

fn host_port(u: &url::Url) -> String {
    let mut k = u.host_str().unwrap_or("").to_ascii_lowercase();
    if let Some(p) = u.port() {
        k.push_str(&format!(":{p}"));
    }
    k
}

/// The location key of a URL on a remote site: `path?query` on the site's host, else
/// `host/path?query`.
pub fn url_location(site: &str, url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            let mut s = String::new();
            let host = host_port(&u);
            if host != site {
                s.push_str(&host);
            }
            s.push_str(u.path());
            if let Some(q) = u.query() {
                s.push('?');
                s.push_str(q);
            }
            s
        }
        _ => url.to_string(),
    }
}

/// The location of a local file relative to the site folder, with `/` separators.
pub fn local_location(root: &str, path: &Path) -> String {
    let rel = |base: &Path, p: &Path| -> Option<String> {
        let r = p.strip_prefix(base).ok()?;
        let parts: Vec<String> = r
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    };
    let root_path = Path::new(root);
    if let Some(r) = rel(root_path, path) {
        return r;
    }
    if let (Ok(cr), Ok(cp)) = (
        std::fs::canonicalize(root_path),
        std::fs::canonicalize(path),
    ) && let Some(r) = rel(&cr, &cp)
    {
        return r;
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The location key of a page.
pub fn page_location(site: &SiteReport, skey: &str, page: &PageReport) -> String {
    if site.kind == "local" {
        if let Some(p) = &page.path {
            return local_location(&site.root, Path::new(p));
        }
        if let Ok(u) = url::Url::parse(&page.url)
            && let Ok(p) = u.to_file_path()
        {
            return local_location(&site.root, &p);
        }
        return page.url.clone();
    }
    url_location(skey, &page.url)
}

/// The location key of a site finding (its `url`, or empty).
pub fn site_finding_location(site: &SiteReport, skey: &str, f: &Finding) -> String {
    match &f.url {
        None => String::new(),
        Some(u) if site.kind == "local" => {
            match url::Url::parse(u).ok().and_then(|x| x.to_file_path().ok()) {
                Some(p) => local_location(&site.root, &p),
                None => url_location(skey, u),
            }
        }
        Some(u) => url_location(skey, u),
    }
}

static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]+").expect("static regex"));
static SPACE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("static regex"));
static CLASS_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\s(?:class|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)"#).expect("static regex")
});

/// Normalises a snippet for the anchor: no `class`/`style` attributes, digit runs as `0`,
/// whitespace collapsed.
pub fn normalise_snippet(s: &str) -> String {
    let no_class = CLASS_ATTR.replace_all(s, "");
    let digits = DIGITS.replace_all(&no_class, "0");
    SPACE.replace_all(digits.trim(), " ").into_owned()
}

/// The anchor of a finding (see the module documentation).
pub fn anchor(f: &Finding) -> String {
    let data = || {
        if f.data.is_empty() {
            String::new()
        } else {
            let json = serde_json::to_string(&f.data).unwrap_or_default();
            format!("d:{}", DIGITS.replace_all(&json, "0"))
        }
    };
    if f.count.is_some() || !f.pages.is_empty() {
        return data();
    }
    if let Some(s) = f.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
        return format!("s:{}", normalise_snippet(s));
    }
    if let Some(sel) = f.selector.as_deref().filter(|s| !s.is_empty()) {
        return format!("e:{sel}");
    }
    data()
}

/// The fingerprint of a finding.
pub fn fingerprint(rule: &str, site: &str, location: &str, anchor: &str) -> String {
    let mut buf = Vec::with_capacity(rule.len() + site.len() + location.len() + anchor.len() + 3);
    for (i, part) in [rule, site, location, anchor].iter().enumerate() {
        if i > 0 {
            buf.push(0);
        }
        buf.extend_from_slice(part.as_bytes());
    }
    let d = ring::digest::digest(&ring::digest::SHA256, &buf);
    d.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A finding with its identity parts.
struct Keyed<'a> {
    f: Option<&'a Finding>,
    scope: &'static str,
    site: String,
    location: String,
    page: Option<String>,
    anchor: String,
    fp: String,
}

impl Keyed<'_> {
    /// The keys without the borrow of the finding.
    fn detach(self) -> Keyed<'static> {
        Keyed {
            f: None,
            scope: self.scope,
            site: self.site,
            location: self.location,
            page: self.page,
            anchor: self.anchor,
            fp: self.fp,
        }
    }
}

fn keyed_site_findings<'a>(site: &'a SiteReport, skey: &str) -> Vec<Keyed<'a>> {
    site.findings
        .iter()
        .map(|f| {
            let location = site_finding_location(site, skey, f);
            let anchor = anchor(f);
            Keyed {
                fp: fingerprint(&f.rule, skey, &location, &anchor),
                f: Some(f),
                scope: "site",
                site: skey.to_string(),
                page: f.url.clone(),
                location,
                anchor,
            }
        })
        .collect()
}

fn keyed_page_findings<'a>(site: &SiteReport, skey: &str, page: &'a PageReport) -> Vec<Keyed<'a>> {
    let location = page_location(site, skey, page);
    let shown = page.path.clone().unwrap_or_else(|| page.url.clone());
    page.findings
        .iter()
        .map(|f| {
            let anchor = anchor(f);
            Keyed {
                fp: fingerprint(&f.rule, skey, &location, &anchor),
                f: Some(f),
                scope: "page",
                site: skey.to_string(),
                location: location.clone(),
                page: Some(shown.clone()),
                anchor,
            }
        })
        .collect()
}

impl Baseline {
    /// The baseline of a report: every finding, counted by fingerprint.
    pub fn from_report(report: &Report) -> Baseline {
        let mut map: BTreeMap<(String, String, String, String), Entry> = BTreeMap::new();
        let mut add = |k: Keyed<'_>| {
            let Some(f) = k.f else { return };
            let key = (
                k.site.clone(),
                k.location.clone(),
                f.rule.clone(),
                k.fp.clone(),
            );
            map.entry(key)
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    fingerprint: k.fp,
                    rule: f.rule.clone(),
                    site: k.site,
                    scope: k.scope.into(),
                    location: k.location,
                    page: k.page,
                    anchor: k.anchor,
                    severity: f.severity,
                    message: f.message.clone(),
                    count: 1,
                    reason: None,
                });
        };
        for (i, site) in report.sites.iter().enumerate() {
            let skey = site_key(&site.root, &site.kind);
            for k in keyed_site_findings(site, &skey) {
                add(k);
            }
            for page in report.pages.iter().filter(|p| p.site == i) {
                for k in keyed_page_findings(site, &skey, page) {
                    add(k);
                }
            }
        }
        Baseline {
            govaudit_baseline: BASELINE_VERSION,
            tool: ToolInfo::default(),
            generated_at: report.generated_at.clone(),
            entries: map.into_values().collect(),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Config(format!(
                    "baseline {} not found (create it with --write-baseline {})",
                    path.display(),
                    path.display()
                ))
            } else {
                Error::io("cannot read baseline", path, e)
            }
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::Config(format!(
                "baseline {}: not a govaudit baseline file ({e})",
                path.display()
            ))
        })?;
        if b.govaudit_baseline != BASELINE_VERSION {
            return Err(Error::Config(format!(
                "baseline {}: format version {} is not supported (this govaudit reads version {BASELINE_VERSION}); write it again with --write-baseline",
                path.display(),
                b.govaudit_baseline
            )));
        }
        Ok(b)
    }

    /// Writes the baseline atomically (pretty JSON, one entry per object, stable order, so it
    /// diffs well in version control).
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| Error::Report(e.to_string()))?;
        text.push('\n');
        crate::report::write_atomic(path, text.as_bytes())
    }
}

/// Matches findings against a baseline's counts.
///
/// Matching is done page by page (and site by site for site findings), each starting from the
/// baseline's counts: a fingerprint includes the page's location, so pages do not compete for
/// entries, and a page can be matched again (when site rules add findings to it later) with
/// the same result.
#[derive(Debug, Clone)]
pub struct Matcher {
    counts: HashMap<String, usize>,
}

/// The result of matching one page's or site's findings.
#[derive(Debug, Clone, Default)]
pub struct Matched {
    /// Findings the baseline holds (removed).
    pub present: usize,
    /// Findings it does not hold (kept).
    pub new: usize,
    /// How many of each fingerprint were matched.
    pub consumed: HashMap<String, usize>,
}

impl Matcher {
    /// A matcher holding every entry's count.
    pub fn new(baseline: &Baseline) -> Matcher {
        let mut counts = HashMap::new();
        for e in &baseline.entries {
            *counts.entry(e.fingerprint.clone()).or_insert(0) += e.count;
        }
        Matcher { counts }
    }

    fn filter(&self, keys: Vec<Keyed<'static>>, findings: &mut Vec<Finding>) -> Matched {
        let mut m = Matched::default();
        let keep: Vec<bool> = keys
            .into_iter()
            .map(|k| {
                let limit = self.counts.get(&k.fp).copied().unwrap_or(0);
                let used = m.consumed.entry(k.fp).or_insert(0);
                if *used < limit {
                    *used += 1;
                    false
                } else {
                    true
                }
            })
            .collect();
        m.consumed.retain(|_, n| *n > 0);
        let mut i = 0;
        findings.retain(|_| {
            let k = keep.get(i).copied().unwrap_or(true);
            i += 1;
            if k {
                m.new += 1;
            } else {
                m.present += 1;
            }
            k
        });
        m
    }

    /// Removes a page's findings that the baseline holds.
    pub fn filter_page(&self, site: &SiteReport, page: &mut PageReport) -> Matched {
        let skey = site_key(&site.root, &site.kind);
        let keys: Vec<Keyed<'static>> = keyed_page_findings(site, &skey, page)
            .into_iter()
            .map(Keyed::detach)
            .collect();
        self.filter(keys, &mut page.findings)
    }

    /// Removes a site's own findings that the baseline holds.
    pub fn filter_site(&self, site: &mut SiteReport) -> Matched {
        let skey = site_key(&site.root, &site.kind);
        let keys: Vec<Keyed<'static>> = keyed_site_findings(site, &skey)
            .into_iter()
            .map(Keyed::detach)
            .collect();
        self.filter(keys, &mut site.findings)
    }

    /// The baseline's count of a fingerprint.
    pub fn count(&self, fp: &str) -> usize {
        self.counts.get(fp).copied().unwrap_or(0)
    }
}

/// Applies a baseline to a report: removes the findings the baseline holds, recounts, and
/// records `summary.baseline`. `enabled` tells which rules ran; `options` gives the URL
/// overrides (a rule turned off for a page makes its entries stale, not fixed).
pub fn apply(
    report: &mut Report,
    baseline: &Baseline,
    file: &Path,
    enabled: &HashSet<String>,
    options: Option<&AuditOptions>,
) -> BaselineSummary {
    let matcher = Matcher::new(baseline);
    let mut summary = BaselineSummary {
        file: file.display().to_string(),
        ..BaselineSummary::default()
    };
    let mut consumed: HashMap<String, usize> = HashMap::new();
    let mut add = |m: Matched, summary: &mut BaselineSummary| {
        summary.present += m.present;
        summary.new += m.new;
        for (fp, n) in m.consumed {
            *consumed.entry(fp).or_insert(0) += n;
        }
    };
    let mut audited: HashSet<(String, String)> = HashSet::new();
    let mut sites_in_run: HashSet<String> = HashSet::new();
    let Report { sites, pages, .. } = report;
    for (i, site) in sites.iter_mut().enumerate() {
        let skey = site_key(&site.root, &site.kind);
        sites_in_run.insert(skey.clone());
        for page in pages.iter_mut().filter(|p| p.site == i) {
            audited.insert((skey.clone(), page_location(site, &skey, page)));
            let m = matcher.filter_page(site, page);
            add(m, &mut summary);
        }
        let m = matcher.filter_site(site);
        add(m, &mut summary);
    }
    for e in &baseline.entries {
        if !sites_in_run.contains(&e.site) {
            continue;
        }
        // What the run did not match of this entry is left (entries are unique per
        // fingerprint; the bookkeeping keeps a duplicate from being counted twice).
        let used = consumed.get(&e.fingerprint).copied().unwrap_or(0);
        let left = matcher
            .count(&e.fingerprint)
            .saturating_sub(used)
            .min(e.count);
        if left == 0 {
            continue;
        }
        *consumed.entry(e.fingerprint.clone()).or_insert(0) += left;
        let rule_off = !enabled.contains(&e.rule)
            || options.zip(e.page.as_deref()).is_some_and(|(o, p)| {
                o.url_rule_level(p, Some(p), &e.rule) == Some(RuleLevel::Off)
            });
        let page_missing =
            e.scope == "page" && !audited.contains(&(e.site.clone(), e.location.clone()));
        let mut entry = e.clone();
        entry.count = left;
        if rule_off || page_missing {
            entry.reason = Some(
                if rule_off {
                    "rule-not-run"
                } else {
                    "page-not-audited"
                }
                .into(),
            );
            summary.stale += left;
            summary.stale_entries.push(entry);
        } else {
            summary.fixed += left;
            summary.fixed_entries.push(entry);
        }
    }
    report.recount();
    report.summary.extra.insert(
        "baseline".into(),
        serde_json::to_value(&summary).unwrap_or_default(),
    );
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_normalisation() {
        assert_eq!(
            normalise_snippet(r#"<img  class="css-1x2y3z" src="/W0201811.png"   alt="">"#),
            r#"<img src="/W0.png" alt="">"#
        );
        assert_eq!(
            normalise_snippet("发布于 2026-11-20\n 10:30"),
            "发布于 0-0-0 0:0"
        );
    }

    #[test]
    fn keys() {
        assert_eq!(site_key("https://WWW.a.gov.cn/", "remote"), "www.a.gov.cn");
        assert_eq!(
            site_key("http://www.a.gov.cn:8080/", "remote"),
            "www.a.gov.cn:8080"
        );
        assert_eq!(site_key("examples/site/", "local"), "local:site");
        assert_eq!(
            url_location("www.a.gov.cn", "https://www.a.gov.cn/x/y.html?a=1#f"),
            "/x/y.html?a=1"
        );
        assert_eq!(
            url_location("www.a.gov.cn", "https://b.gov.cn/x"),
            "b.gov.cn/x"
        );
        assert_eq!(
            local_location("dist", Path::new("dist/news/a.html")),
            "news/a.html"
        );
        // The fingerprint is pinned: changing it invalidates every baseline in use.
        assert_eq!(
            fingerprint(
                "a11y/image-alt",
                "local:site",
                "index.html",
                "s:<img src=\"a.png\">"
            ),
            fingerprint(
                "a11y/image-alt",
                "local:site",
                "index.html",
                "s:<img src=\"a.png\">"
            )
        );
        assert_ne!(
            fingerprint("a", "b", "c", "d"),
            fingerprint("a", "b", "cd", "")
        );
    }

    fn site_report(findings: Vec<Finding>) -> Report {
        let mut r = Report::new(crate::i18n::Lang::Zh);
        r.sites.push(SiteReport {
            root: "https://www.a.gov.cn/".into(),
            kind: "remote".into(),
            pages: 0,
            findings,
            notes: vec![],
            facts: Default::default(),
        });
        r.recount();
        r
    }

    #[test]
    fn a_fixed_site_finding_about_a_url_is_fixed_not_stale() {
        let mut broken = Finding::new("links/broken", Severity::Error, "gone");
        broken.url = Some("https://www.a.gov.cn/missing.html".into());
        let before = site_report(vec![broken, Finding::new("x/y", Severity::Error, "m")]);
        let b = Baseline::from_report(&before);
        assert_eq!(b.entries.len(), 2);
        assert!(b.entries.iter().all(|e| e.scope == "site"));
        let mut after = site_report(vec![Finding::new("x/y", Severity::Error, "m")]);
        let enabled: HashSet<String> = ["links/broken".to_string(), "x/y".to_string()].into();
        let s = apply(&mut after, &b, Path::new("b.json"), &enabled, None);
        assert_eq!((s.present, s.new, s.fixed, s.stale), (1, 0, 1, 0));
        assert_eq!(after.summary.findings, 0);
        // A baseline file round-trips through JSON.
        let text = serde_json::to_string(&b).expect("json");
        let back: Baseline = serde_json::from_str(&text).expect("parse");
        assert_eq!(back.entries, b.entries);
    }

    #[test]
    fn anchors_prefer_snippet_and_ignore_lines() {
        let mut a = Finding::new("r/x", Severity::Error, "m");
        a.snippet = Some("<img src=\"a.png\">".into());
        a.selector = Some("html > body > img:nth-of-type(3)".into());
        a.line = Some(10);
        let mut b = a.clone();
        b.line = Some(99);
        b.selector = Some("html > body > img:nth-of-type(4)".into());
        b.message = "other language".into();
        assert_eq!(anchor(&a), anchor(&b));
        let mut agg = a.clone();
        agg.pages = vec!["a.html".into()];
        agg.count = Some(1);
        assert_eq!(anchor(&agg), "");
    }
}
