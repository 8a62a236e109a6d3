//! SARIF 2.1.0, as GitHub code scanning and other CI tools read it.
//!
//! * `tool.driver.rules`: every catalog rule, with the title (`shortDescription`), the
//!   explanation (`fullDescription`), help text with the fix and the governing documents
//!   (`help.text`/`help.markdown`), `helpUri` (the first governing document with an address),
//!   and `defaultConfiguration.level`, in the report's language;
//! * `results`: `ruleId`, `ruleIndex`, `level` (`error`/`warning`/`note`), `message.text`,
//!   `locations`; for local files `artifactLocation.uri` is relative to the working folder with
//!   `uriBaseId` `%SRCROOT%`, for fetched pages it is the URL; `region.startLine` when the line
//!   is known; the element's selector as a logical location; an aggregated site finding (one
//!   problem on many pages) is one result with a location per page;
//! * `partialFingerprints["govaudit/v1"]`: the baseline fingerprint, so code scanning tracks a
//!   finding across runs the way `--baseline` does.

use std::io::Write;
use std::path::{Path, PathBuf};

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Finding, PageReport, Report, Severity, SiteReport, Writer};
use crate::baseline;
use crate::catalog::{Catalog, RuleEntry};
use crate::i18n::Lang;

/// The `$schema` written into the log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes SARIF. `root` is the folder local paths are made relative to (default: the working
/// folder).
#[derive(Debug, Clone, Default)]
pub struct SarifWriter {
    /// The `%SRCROOT%` folder.
    pub root: Option<PathBuf>,
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "note",
    }
}

impl Writer for SarifWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let root = self
            .root
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let log = build(report, &root);
        // Serialised straight from typed values: a large audit has 100,000 results.
        let mut w = std::io::BufWriter::new(&mut *out);
        serde_json::to_writer_pretty(&mut w, &log).map_err(std::io::Error::other)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// Builds the SARIF log of a report as JSON.
pub fn sarif_log(report: &Report, root: &Path) -> Value {
    serde_json::to_value(build(report, root)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<Value>,
    language: &'static str,
    column_kind: &'static str,
    results: Vec<SResult<'a>>,
    properties: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<SLocation<'a>>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Props::is_empty")]
    properties: Props<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "govaudit/v1")]
    v1: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Props<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a serde_json::Map<String, Value>>,
}

impl Props<'_> {
    fn is_empty(&self) -> bool {
        self.page.is_none()
            && self.snippet.is_none()
            && self.evidence.is_none()
            && self.page_count.is_none()
            && self.data.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SLocation<'a> {
    physical_location: Physical<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[Logical<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'a>>,
}

/// An `artifactLocation`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

fn build<'a>(report: &'a Report, root: &Path) -> Log<'a> {
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root = canonical.as_path();
    let lang = report.lang;
    let catalog = Catalog::embedded();
    let rules: Vec<Value> = catalog
        .entries()
        .iter()
        .map(|e| rule_descriptor(catalog, e, lang))
        .collect();
    let rule_index: HashMap<&str, usize> = catalog
        .entries()
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut by_site: Vec<Vec<&PageReport>> = vec![Vec::new(); report.sites.len()];
    for p in &report.pages {
        if let Some(v) = by_site.get_mut(p.site) {
            v.push(p);
        }
    }
    let mut results = Vec::new();
    for (i, site) in report.sites.iter().enumerate() {
        let skey = baseline::site_key(&site.root, &site.kind);
        let pages = &by_site[i];
        for page in pages {
            let location = baseline::page_location(site, &skey, page);
            let artifact = artifact(page.path.as_deref(), &page.url, root);
            for f in &page.findings {
                let fp = baseline::fingerprint(&f.rule, &skey, &location, &baseline::anchor(f));
                let loc = page_location(artifact.clone(), f);
                results.push(result(&rule_index, f, vec![loc], fp, Some(page)));
            }
        }
        let by_name: HashMap<&str, &PageReport> = pages
            .iter()
            .map(|p| (super::view::page_name(p), *p))
            .collect();
        for f in &site.findings {
            let location = baseline::site_finding_location(site, &skey, f);
            let fp = baseline::fingerprint(&f.rule, &skey, &location, &baseline::anchor(f));
            let locs = site_locations(&by_name, site, f, root)
                .into_iter()
                .map(|a| SLocation {
                    physical_location: Physical {
                        artifact_location: a,
                        region: None,
                    },
                    logical_locations: None,
                })
                .collect();
            results.push(result(&rule_index, f, locs, fp, None));
        }
    }
    let root_uri = url::Url::from_directory_path(root)
        .map(|u| u.to_string())
        .ok();
    Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: json!({
                "driver": {
                    "name": "govaudit",
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "language": lang.tag(),
                    "rules": rules,
                }
            }),
            invocations: json!([{ "executionSuccessful": report.complete, "endTimeUtc": report.generated_at }]),
            original_uri_base_ids: root_uri.map(|u| json!({ "%SRCROOT%": { "uri": u } })),
            language: lang.tag(),
            column_kind: "unicodeCodePoints",
            results,
            properties: json!({ "summary": report.summary, "complete": report.complete }),
        }],
    }
}

fn rule_descriptor(catalog: &Catalog, e: &RuleEntry, lang: Lang) -> Value {
    let refs = catalog.format_refs(e);
    let mut text = format!(
        "{}\n\n{}{}",
        e.help.get(lang),
        lang.pick("如何修复：", "How to fix: "),
        e.fix.get(lang)
    );
    let mut md = format!(
        "{}\n\n**{}** {}",
        e.help.get(lang),
        lang.pick("如何修复：", "How to fix:"),
        e.fix.get(lang)
    );
    if !refs.is_empty() {
        text.push_str(&format!("\n\n{}", lang.pick("依据：", "References:")));
        md.push_str(&format!("\n\n**{}**\n", lang.pick("依据：", "References:")));
        for r in &refs {
            text.push_str(&format!("\n- {r}"));
            md.push_str(&format!("\n- {r}"));
        }
    }
    let mut tags = vec![e.family().to_string()];
    tags.extend(e.wcag.iter().map(|w| format!("wcag{w}")));
    tags.extend(e.tags.iter().cloned());
    let mut d = Map::new();
    d.insert("id".into(), json!(e.id));
    d.insert("name".into(), json!(e.id));
    d.insert(
        "shortDescription".into(),
        json!({ "text": e.title.get(lang) }),
    );
    d.insert(
        "fullDescription".into(),
        json!({ "text": e.help.get(lang) }),
    );
    d.insert("help".into(), json!({ "text": text, "markdown": md }));
    let help_uri = e
        .refs
        .iter()
        .filter_map(|r| catalog.document(&r.doc).and_then(|d| d.url.clone()))
        .find(|u| url::Url::parse(u).is_ok_and(|x| matches!(x.scheme(), "http" | "https")));
    if let Some(u) = help_uri {
        d.insert("helpUri".into(), json!(u));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(e.severity), "enabled": e.enabled }),
    );
    d.insert("properties".into(), json!({ "tags": dedup(tags) }));
    Value::Object(d)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

fn result<'a>(
    rule_index: &HashMap<&str, usize>,
    f: &'a Finding,
    locations: Vec<SLocation<'a>>,
    fp: String,
    page: Option<&'a PageReport>,
) -> SResult<'a> {
    SResult {
        rule_id: &f.rule,
        rule_index: rule_index.get(f.rule.as_str()).copied(),
        level: level(f.severity),
        message: Text { text: &f.message },
        locations,
        partial_fingerprints: Fingerprints { v1: fp },
        properties: Props {
            page: page.map(|p| p.url.as_str()),
            snippet: f.snippet.as_deref(),
            evidence: f.evidence.as_deref(),
            page_count: f.count,
            data: (!f.data.is_empty()).then_some(&f.data),
        },
    }
}

/// The location of a page finding.
fn page_location(artifact: Artifact, f: &Finding) -> SLocation<'_> {
    SLocation {
        physical_location: Physical {
            artifact_location: artifact,
            region: f.line.filter(|l| *l >= 1).map(|line| Region {
                start_line: line,
                snippet: f.snippet.as_deref().map(|s| Text { text: s }),
            }),
        },
        logical_locations: f.selector.as_deref().map(|sel| {
            [Logical {
                fully_qualified_name: sel,
                kind: "element",
            }]
        }),
    }
}

/// The artifacts of a site finding: one per page it lists, else its URL, else the site root.
fn site_locations(
    by_name: &HashMap<&str, &PageReport>,
    site: &SiteReport,
    f: &Finding,
    root: &Path,
) -> Vec<Artifact> {
    if !f.pages.is_empty() {
        return f
            .pages
            .iter()
            .map(|name| match by_name.get(name.as_str()) {
                Some(p) => artifact(p.path.as_deref(), &p.url, root),
                None => artifact_for_name(name, site, root),
            })
            .collect();
    }
    if let Some(u) = &f.url {
        return vec![artifact_for_name(u, site, root)];
    }
    // The site itself: a folder (trailing `/`) unless the input was one file.
    let mut name = site.root.clone();
    if site.kind == "local"
        && !name.ends_with(['/', '\\'])
        && !crate::fetch::local::has_html_extension(Path::new(&name))
    {
        name.push('/');
    }
    vec![artifact_for_name(&name, site, root)]
}

fn artifact_for_name(name: &str, site: &SiteReport, root: &Path) -> Artifact {
    if let Ok(u) = url::Url::parse(name)
        && u.scheme().len() > 1
    {
        if u.scheme() == "file"
            && let Ok(p) = u.to_file_path()
        {
            return local_artifact(&p, root);
        }
        return Artifact {
            uri: u.to_string(),
            uri_base_id: None,
        };
    }
    if site.kind == "local" {
        return local_artifact(Path::new(name), root);
    }
    Artifact {
        uri: name.to_string(),
        uri_base_id: None,
    }
}

fn artifact(path: Option<&str>, url: &str, root: &Path) -> Artifact {
    match path {
        Some(p) => local_artifact(Path::new(p), root),
        None => Artifact {
            uri: url.to_string(),
            uri_base_id: None,
        },
    }
}

/// A local file as an artifact location: relative to `root` (canonical) under `%SRCROOT%` when
/// inside it, else an absolute `file:` URI.
fn local_artifact(p: &Path, root: &Path) -> Artifact {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    };
    let canon = std::fs::canonicalize(&abs).unwrap_or(abs.clone());
    let rel = canon
        .strip_prefix(root)
        .ok()
        .or_else(|| abs.strip_prefix(root).ok())
        .map(Path::to_path_buf)
        .or_else(|| p.is_relative().then(|| p.to_path_buf()));
    match rel {
        Some(r) => {
            let parts: Vec<String> = r
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| encode_segment(&c.as_os_str().to_string_lossy()))
                .collect();
            let mut uri = parts.join("/");
            if p.to_string_lossy().ends_with(['/', '\\']) || (abs.is_dir() && !uri.is_empty()) {
                uri.push('/');
            }
            Artifact {
                uri,
                uri_base_id: Some("%SRCROOT%"),
            }
        }
        None => Artifact {
            uri: url::Url::from_file_path(&canon)
                .map(|u| u.to_string())
                .unwrap_or_else(|()| encode_segment(&p.to_string_lossy())),
            uri_base_id: None,
        },
    }
}

/// Percent-encodes a path segment for a URI reference (RFC 3986 `pchar`).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_segments() {
        assert_eq!(encode_segment("新闻 1.html"), "%E6%96%B0%E9%97%BB%201.html");
        assert_eq!(encode_segment("a%b"), "a%25b");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Notice), "note");
        assert_eq!(level(Severity::Error), "error");
    }
}
