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
        let log = sarif_log(report, &root);
        serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// Builds the SARIF log of a report.
pub fn sarif_log(report: &Report, root: &Path) -> Value {
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root = canonical.as_path();
    let lang = report.lang;
    let catalog = Catalog::embedded();
    let rules: Vec<Value> = catalog
        .entries()
        .iter()
        .map(|e| rule_descriptor(catalog, e, lang))
        .collect();
    let mut results = Vec::new();
    for (i, site) in report.sites.iter().enumerate() {
        let skey = baseline::site_key(&site.root, &site.kind);
        for page in report.pages.iter().filter(|p| p.site == i) {
            let location = baseline::page_location(site, &skey, page);
            for f in &page.findings {
                let fp = baseline::fingerprint(&f.rule, &skey, &location, &baseline::anchor(f));
                let locs = vec![page_location(page, f, root)];
                results.push(result(catalog, f, locs, &fp, Some(page)));
            }
        }
        let by_name: std::collections::HashMap<&str, &PageReport> = report
            .pages
            .iter()
            .filter(|p| p.site == i)
            .map(|p| (super::view::page_name(p), p))
            .collect();
        for f in &site.findings {
            let location = baseline::site_finding_location(site, &skey, f);
            let fp = baseline::fingerprint(&f.rule, &skey, &location, &baseline::anchor(f));
            let locs = site_locations(&by_name, site, f, root);
            results.push(result(catalog, f, locs, &fp, None));
        }
    }
    let root_uri = url::Url::from_directory_path(root)
        .map(|u| u.to_string())
        .ok();
    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": "govaudit",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "language": lang.tag(),
                "rules": rules,
            }
        }),
    );
    run.insert(
        "invocations".into(),
        json!([{ "executionSuccessful": report.complete, "endTimeUtc": report.generated_at }]),
    );
    if let Some(u) = root_uri {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ "%SRCROOT%": { "uri": u } }),
        );
    }
    run.insert("language".into(), json!(lang.tag()));
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), Value::Array(results));
    run.insert(
        "properties".into(),
        json!({ "summary": report.summary, "complete": report.complete }),
    );
    json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    })
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

fn result(
    catalog: &Catalog,
    f: &Finding,
    locations: Vec<Value>,
    fp: &str,
    page: Option<&PageReport>,
) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(idx) = catalog.entries().iter().position(|e| e.id == f.rule) {
        r.insert("ruleIndex".into(), json!(idx));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": f.message }));
    r.insert("locations".into(), Value::Array(locations));
    r.insert("partialFingerprints".into(), json!({ "govaudit/v1": fp }));
    let mut props = Map::new();
    if let Some(p) = page {
        props.insert("page".into(), json!(p.url));
    }
    if let Some(s) = &f.snippet {
        props.insert("snippet".into(), json!(s));
    }
    if let Some(e) = &f.evidence {
        props.insert("evidence".into(), json!(e));
    }
    if let Some(c) = f.count {
        props.insert("pageCount".into(), json!(c));
    }
    if !f.data.is_empty() {
        props.insert("data".into(), Value::Object(f.data.clone()));
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

/// The location of a page finding.
fn page_location(page: &PageReport, f: &Finding, root: &Path) -> Value {
    let mut phys = Map::new();
    phys.insert(
        "artifactLocation".into(),
        artifact(page.path.as_deref(), &page.url, root),
    );
    if let Some(line) = f.line.filter(|l| *l >= 1) {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(s) = &f.snippet {
            region.insert("snippet".into(), json!({ "text": s }));
        }
        phys.insert("region".into(), Value::Object(region));
    }
    let mut loc = Map::new();
    loc.insert("physicalLocation".into(), Value::Object(phys));
    if let Some(sel) = &f.selector {
        loc.insert(
            "logicalLocations".into(),
            json!([{ "fullyQualifiedName": sel, "kind": "element" }]),
        );
    }
    Value::Object(loc)
}

/// The locations of a site finding: one per page it lists, else its URL, else the site root.
fn site_locations(
    by_name: &std::collections::HashMap<&str, &PageReport>,
    site: &SiteReport,
    f: &Finding,
    root: &Path,
) -> Vec<Value> {
    let wrap = |artifact: Value| json!({ "physicalLocation": { "artifactLocation": artifact } });
    if !f.pages.is_empty() {
        return f
            .pages
            .iter()
            .map(|name| {
                let page = by_name.get(name.as_str());
                match page {
                    Some(p) => wrap(artifact(p.path.as_deref(), &p.url, root)),
                    None => wrap(artifact_for_name(name, site, root)),
                }
            })
            .collect();
    }
    if let Some(u) = &f.url {
        return vec![wrap(artifact_for_name(u, site, root))];
    }
    // The site itself: a folder (trailing `/`) unless the input was one file.
    let mut name = site.root.clone();
    if site.kind == "local"
        && !name.ends_with(['/', '\\'])
        && !crate::fetch::local::has_html_extension(Path::new(&name))
    {
        name.push('/');
    }
    vec![wrap(artifact_for_name(&name, site, root))]
}

fn artifact_for_name(name: &str, site: &SiteReport, root: &Path) -> Value {
    if let Ok(u) = url::Url::parse(name)
        && u.scheme().len() > 1
    {
        if u.scheme() == "file"
            && let Ok(p) = u.to_file_path()
        {
            return local_artifact(&p, root);
        }
        return json!({ "uri": u.to_string() });
    }
    if site.kind == "local" {
        return local_artifact(Path::new(name), root);
    }
    json!({ "uri": name })
}

fn artifact(path: Option<&str>, url: &str, root: &Path) -> Value {
    match path {
        Some(p) => local_artifact(Path::new(p), root),
        None => json!({ "uri": url }),
    }
}

/// A local file as an artifact location: relative to `root` under `%SRCROOT%` when inside it,
/// else an absolute `file:` URI.
fn local_artifact(p: &Path, root: &Path) -> Value {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    };
    // `root` is canonical already.
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
            json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
        }
        None => match url::Url::from_file_path(&canon) {
            Ok(u) => json!({ "uri": u.to_string() }),
            Err(()) => json!({ "uri": encode_segment(&p.to_string_lossy()) }),
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
