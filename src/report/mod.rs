//! The report: findings and facts per page and per site, summary counts, and the writers that
//! serialise it (one module per format, behind [`Format`]).
//!
//! The JSON shape is a contract for supervisors' scripts: `schema_version` changes when a key
//! changes meaning or disappears; new keys may be added within a version. The schema is
//! `docs/report.schema.json`, and a test validates real output against it.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;
pub mod view;
pub mod xlsx;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Lang;

/// The report schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// How serious a finding is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no rule requires a change.
    Notice,
    /// Should be fixed.
    Warning,
    /// Violates a rule that the governing documents make binding.
    Error,
}

impl Severity {
    /// All severities, most serious first.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Notice];

    /// The lower-case English name (`error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }

    /// The name in a language (错误 / error).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Notice, Lang::Zh) => "提示",
            (s, Lang::En) => s.as_str(),
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, `family/name`.
    pub rule: String,
    /// Effective severity (after configuration).
    pub severity: Severity,
    /// What is wrong, with the concrete values found, in the report's language.
    pub message: String,
    /// A CSS selector for the element, when the finding concerns one.
    pub selector: Option<String>,
    /// The 1-based source line, when known (local files and fetched pages alike).
    pub line: Option<u32>,
    /// The offending markup (start tag) or text, shortened.
    pub snippet: Option<String>,
    /// For site findings about one page or resource: its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// For aggregated site findings: the pages where the page-level finding occurred.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
    /// For aggregated site findings: the number of pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// Where the evidence was found when not in the page markup (`script`, `header`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Structured values behind the message (found, expected...), for scripts.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl Finding {
    /// A finding with only rule, severity and message set.
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            selector: None,
            line: None,
            snippet: None,
            url: None,
            pages: Vec::new(),
            count: None,
            evidence: None,
            data: serde_json::Map::new(),
        }
    }

    /// The family part of the rule id.
    pub fn family(&self) -> &str {
        self.rule.split('/').next().unwrap_or(&self.rule)
    }
}

/// Facts a family records about a page or site (`identity`, `ipv6`, `dates`...): keys of the
/// page or site object in the JSON report.
pub type Facts = BTreeMap<String, serde_json::Value>;

/// One audited page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageReport {
    /// The page URL (a `file:` URL for local files).
    pub url: String,
    /// The local path, for local files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Index of the page's site in `sites`.
    pub site: usize,
    /// HTTP status; `null` for local files and failed fetches.
    pub status: Option<u16>,
    /// The final URL after redirects, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// The encoding used to decode it (`UTF-8`, `GB18030`, `Big5`...); `null` if not decoded.
    pub encoding: Option<String>,
    /// Where the encoding came from (`bom`, `header`, `meta`, `sniffed`, `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset_source: Option<String>,
    /// The `<title>` text.
    pub title: Option<String>,
    /// Body size in bytes.
    #[serde(default)]
    pub bytes: u64,
    /// Crawl depth.
    #[serde(default)]
    pub depth: u32,
    /// The findings on this page.
    pub findings: Vec<Finding>,
    /// Facts recorded by rule families (`identity`, ...), flattened into the page object.
    #[serde(flatten)]
    pub facts: Facts,
}

/// One audited site (an input: a start URL or a folder).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteReport {
    /// The site root: `scheme://host/` for URLs, the folder (or file) for local input.
    pub root: String,
    /// `remote` or `local`.
    pub kind: String,
    /// Number of pages audited in this site.
    pub pages: usize,
    /// Site-level findings (and page findings aggregated per site).
    pub findings: Vec<Finding>,
    /// Messages about the run of this site (skipped files, unreadable entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Facts recorded by rule families (`identity`, `ipv6`, `crawl`...).
    #[serde(flatten)]
    pub facts: Facts,
}

/// Tool identification.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `govaudit`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "govaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Notices.
    pub notice: usize,
}

impl SeverityCounts {
    /// Adds one finding of a severity.
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Notice => self.notice += 1,
        }
    }

    /// The count of a severity.
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Notice => self.notice,
        }
    }
}

/// Totals over the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Pages audited.
    pub pages: usize,
    /// Sites audited.
    pub sites: usize,
    /// Findings (page and site).
    pub findings: usize,
    /// Findings per severity.
    pub by_severity: SeverityCounts,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, usize>,
    /// Findings per family.
    pub by_family: BTreeMap<String, usize>,
    /// Extra summary sections added by features (`baseline`, ...).
    #[serde(flatten)]
    pub extra: Facts,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Schema version of this JSON ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The tool.
    pub tool: ToolInfo,
    /// When the audit ran (RFC 3339, UTC).
    pub generated_at: String,
    /// The language of messages.
    pub lang: Lang,
    /// `false` when the run was interrupted or hit a time limit before finishing.
    pub complete: bool,
    /// Totals.
    pub summary: Summary,
    /// Sites, in input order.
    pub sites: Vec<SiteReport>,
    /// Pages, sorted by site then URL.
    pub pages: Vec<PageReport>,
}

impl Report {
    /// An empty report.
    pub fn new(lang: Lang) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::default(),
            generated_at: now_rfc3339(),
            lang,
            complete: true,
            summary: Summary::default(),
            sites: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// Every finding with the page it belongs to (`None` for site findings).
    pub fn all_findings(&self) -> impl Iterator<Item = (Option<&PageReport>, &Finding)> {
        self.pages
            .iter()
            .flat_map(|p| p.findings.iter().map(move |f| (Some(p), f)))
            .chain(
                self.sites
                    .iter()
                    .flat_map(|s| s.findings.iter().map(|f| (None, f))),
            )
    }

    /// Recomputes `summary` from the pages and sites (keeps `summary.extra`).
    pub fn recount(&mut self) {
        let extra = std::mem::take(&mut self.summary.extra);
        let mut s = Summary {
            pages: self.pages.len(),
            sites: self.sites.len(),
            extra,
            ..Summary::default()
        };
        for (_, f) in self.all_findings() {
            s.findings += 1;
            s.by_severity.add(f.severity);
            *s.by_rule.entry(f.rule.clone()).or_insert(0) += 1;
            *s.by_family.entry(f.family().to_string()).or_insert(0) += 1;
        }
        self.summary = s;
    }

    /// The most serious severity present.
    pub fn max_severity(&self) -> Option<Severity> {
        self.all_findings().map(|(_, f)| f.severity).max()
    }

    /// Whether any finding is at or above the threshold.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        match fail_on.threshold() {
            None => false,
            Some(t) => self.all_findings().any(|(_, f)| f.severity >= t),
        }
    }
}

/// The severity at or above which the exit code is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Fail on errors (default).
    #[default]
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Notice,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// The threshold severity.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Notice => Some(Severity::Notice),
            FailOn::Never => None,
        }
    }
}

/// Output formats. Writers for the formats of other issues are added as modules here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Human-readable text, coloured on a terminal.
    Terminal,
    /// The JSON report.
    Json,
    /// JSON Lines: one object per page as it finishes, then one per site and a summary line.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning and other CI tools).
    Sarif,
    /// JUnit XML: a testsuite per page, a testcase per rule with findings.
    Junit,
    /// Markdown, for a CI job summary or a merge-request comment.
    #[value(alias = "md")]
    #[serde(alias = "md")]
    Markdown,
    /// One self-contained HTML file for people.
    Html,
    /// CSV, one row per finding (UTF-8 with BOM, so Excel opens it right).
    Csv,
    /// An Excel workbook: an overview, every finding, and a sheet per site.
    Xlsx,
}

impl Format {
    /// The usual file extension (`report.<extension>` under `--output-dir`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Terminal => "txt",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Junit => "junit.xml",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// Whether the output is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx)
    }
}

/// Serialises a report in one format.
pub trait Writer {
    /// Writes the report.
    fn write(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// Renders a report in a format into bytes.
pub fn render(report: &Report, format: Format, color: bool) -> Result<Vec<u8>> {
    render_with(report, format, color, false)
}

/// Like [`render`]; `quiet` leaves the finding lines out of the terminal format (totals stay).
pub fn render_with(report: &Report, format: Format, color: bool, quiet: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let res = match format {
        Format::Json => json::JsonWriter.write(report, &mut buf),
        Format::Terminal => terminal::TerminalWriter { color, quiet }.write(report, &mut buf),
        Format::Jsonl => jsonl::JsonlWriter.write(report, &mut buf),
        Format::Sarif => sarif::SarifWriter::default().write(report, &mut buf),
        Format::Junit => junit::JunitWriter.write(report, &mut buf),
        Format::Markdown => markdown::MarkdownWriter.write(report, &mut buf),
        Format::Html => html::HtmlWriter.write(report, &mut buf),
        Format::Csv => csv::CsvWriter.write(report, &mut buf),
        Format::Xlsx => xlsx::XlsxWriter.write(report, &mut buf),
    };
    res.map_err(|e| Error::Report(e.to_string()))?;
    Ok(buf)
}

/// Writes bytes to a file atomically: a temporary file in the same folder, then a rename, so a
/// reader never sees half a report and an interrupted run leaves the old file intact.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create folder", &dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".govaudit-");
    // Reports are for sharing (CI artifacts, web folders): the usual rw-r--r--, not the
    // temporary file's private rw-------.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| Error::io("cannot create a temporary file in", &dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .map_err(|e| Error::io("cannot write", tmp.path().to_path_buf(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

/// The current time as RFC 3339 in UTC (`2026-11-27T08:30:00Z`).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_rfc3339(secs)
}

/// Formats seconds since the epoch as RFC 3339 UTC.
pub fn format_rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Converts days since 1970-01-01 to a (year, month, day) civil date (Howard Hinnant's
/// algorithm, valid for the proleptic Gregorian calendar).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_795_747_263), "2026-11-27T02:41:03Z");
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn severity_order_and_fail_on() {
        assert!(Severity::Error > Severity::Warning);
        let mut r = Report::new(Lang::Zh);
        r.sites.push(SiteReport {
            root: "x".into(),
            kind: "local".into(),
            pages: 0,
            findings: vec![Finding::new("a/b", Severity::Warning, "m")],
            notes: vec![],
            facts: Facts::new(),
        });
        assert!(!r.fails(FailOn::Error));
        assert!(r.fails(FailOn::Warning));
        assert!(r.fails(FailOn::Notice));
        assert!(!r.fails(FailOn::Never));
        r.recount();
        assert_eq!(r.summary.findings, 1);
        assert_eq!(r.summary.by_rule.get("a/b"), Some(&1));
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub/r.json");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
    }
}
