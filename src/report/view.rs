//! Shared views of a report for the writers: page names, safe links, counts per site and
//! family, and flattened facts (the identity inventory).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Finding, PageReport, Report, Severity, SeverityCounts, SiteReport};
use crate::i18n::Lang;

/// How a page is named in reports: its local path, else its URL.
pub fn page_name(p: &PageReport) -> &str {
    p.path.as_deref().unwrap_or(&p.url)
}

/// The URL if it may become a link in a report: `http`/`https` only (never `javascript:`,
/// `data:` or anything else a page could plant).
pub fn safe_link(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

/// A site's pages.
pub fn site_pages(report: &Report, site: usize) -> impl Iterator<Item = &PageReport> {
    report.pages.iter().filter(move |p| p.site == site)
}

/// Every finding of a site: its own, then its pages'.
pub fn site_findings(report: &Report, site: usize) -> Vec<(Option<&PageReport>, &Finding)> {
    let mut out: Vec<(Option<&PageReport>, &Finding)> = report
        .sites
        .get(site)
        .map(|s| s.findings.iter().map(|f| (None, f)).collect())
        .unwrap_or_default();
    for p in site_pages(report, site) {
        out.extend(p.findings.iter().map(|f| (Some(p), f)));
    }
    out
}

/// Counts of a site's findings per severity.
pub fn severity_counts(report: &Report, site: usize) -> SeverityCounts {
    let mut c = SeverityCounts::default();
    for (_, f) in site_findings(report, site) {
        c.add(f.severity);
    }
    c
}

/// Counts of a site's findings per family and severity.
pub fn family_counts(report: &Report, site: usize) -> BTreeMap<String, SeverityCounts> {
    let mut m: BTreeMap<String, SeverityCounts> = BTreeMap::new();
    for (_, f) in site_findings(report, site) {
        m.entry(f.family().to_string()).or_default().add(f.severity);
    }
    m
}

/// Counts over all findings per family and severity.
pub fn all_family_counts(report: &Report) -> BTreeMap<String, SeverityCounts> {
    let mut m: BTreeMap<String, SeverityCounts> = BTreeMap::new();
    for (_, f) in report.all_findings() {
        m.entry(f.family().to_string()).or_default().add(f.severity);
    }
    m
}

/// The total of a [`SeverityCounts`].
pub fn total(c: &SeverityCounts) -> usize {
    c.error + c.warning + c.notice
}

/// The rule's title from the catalog, or the id.
pub fn rule_title(rule: &str, lang: Lang) -> String {
    crate::catalog::Catalog::embedded()
        .get(rule)
        .map_or_else(|| rule.to_string(), |e| e.title.get(lang).to_string())
}

/// A site's score estimate (`score` fact), as (estimate, verdict, veto rules).
pub fn site_score(site: &SiteReport) -> Option<(u64, String, Vec<String>)> {
    let s = site.facts.get("score")?;
    let est = s.get("estimate")?.as_u64()?;
    let verdict = s
        .get("verdict")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let veto = s
        .get("veto")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some((est, verdict, veto))
}

/// A site's name from the site list (`input.name`).
pub fn site_label(site: &SiteReport) -> Option<String> {
    site.facts
        .get("input")
        .and_then(|i| i.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The keys shown first in an identity inventory, in this order (a key or its sub-keys).
pub const IDENTITY_FIRST: &[&str] = &[
    "icp",
    "psb",
    "site_code",
    "meta_site_code",
    "entries",
    "entry_pages",
    "sponsor",
    "contact",
    "conac",
    "jiucuo",
    "sitemap",
];

/// The identity facts named by the reporting issue, read from a page's `identity`:
/// `icp.text`, `psb.text`, `site_code` and every `entries.*`.
pub const IDENTITY_KEY_FACTS: &[&str] = &["icp.text", "psb.text", "site_code", "entries"];

/// Flattens facts to `(dotted.key, text)` pairs: objects by key, arrays of scalars joined with
/// `, `, arrays of objects as `key[i].sub`. Depth and count are bounded.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // An explicit stack, not recursion (facts come from pages).
    let mut stack: Vec<(String, &Value, usize)> = vec![(String::new(), value, 0)];
    while let Some((key, v, depth)) = stack.pop() {
        if out.len() >= 500 {
            break;
        }
        match v {
            Value::Object(m) if depth < 8 => {
                for (k, child) in m.iter().rev() {
                    let path = if key.is_empty() {
                        k.clone()
                    } else {
                        format!("{key}.{k}")
                    };
                    stack.push((path, child, depth + 1));
                }
            }
            Value::Array(a) if depth < 8 && a.iter().any(|x| x.is_object() || x.is_array()) => {
                for (i, child) in a.iter().enumerate().rev() {
                    stack.push((format!("{key}[{i}]"), child, depth + 1));
                }
            }
            Value::Array(a) if depth < 8 => {
                let parts: Vec<String> = a.iter().map(scalar_text).collect();
                out.push((key, parts.join(", ")));
            }
            Value::Object(_) | Value::Array(_) => out.push((key, "…".into())),
            other => out.push((key, scalar_text(other))),
        }
    }
    out
}

/// A scalar as text (`null` as empty; nested values as `…`).
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) | Value::Array(_) => "…".into(),
    }
}

/// The home page of a site among its pages that carry `identity` facts: the shallowest
/// `index.*`/`default.*` page, else the shallowest page.
pub fn identity_home(report: &Report, site: usize) -> Option<&PageReport> {
    site_pages(report, site)
        .filter(|p| p.facts.contains_key("identity"))
        .min_by_key(|p| {
            let last = p.url.rsplit('/').next().unwrap_or("");
            let is_index =
                last.is_empty() || last.starts_with("index.") || last.starts_with("default.");
            (!is_index, p.url.matches('/').count(), p.url.clone())
        })
}

fn sort_identity(rows: &mut [(String, String)]) {
    rows.sort_by_key(|(k, _)| {
        IDENTITY_FIRST
            .iter()
            .position(|f| {
                k == f || k.starts_with(&format!("{f}.")) || k.starts_with(&format!("{f}["))
            })
            .unwrap_or(IDENTITY_FIRST.len())
    });
}

/// The identity key facts of a site (filing numbers, site code, entries) from its home page's
/// `identity` facts: `(home page, [(key, value)])`.
pub fn identity_key_facts(report: &Report, site: usize) -> (Option<String>, Vec<(String, String)>) {
    let Some(home) = identity_home(report, site) else {
        return (None, Vec::new());
    };
    let rows: Vec<(String, String)> = home
        .facts
        .get("identity")
        .map(flatten)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| {
            IDENTITY_KEY_FACTS
                .iter()
                .any(|f| k == f || k.starts_with(&format!("{f}.")))
        })
        .collect();
    let mut ordered = Vec::new();
    for f in IDENTITY_KEY_FACTS {
        for r in rows
            .iter()
            .filter(|(k, _)| k == f || k.starts_with(&format!("{f}.")))
        {
            ordered.push(r.clone());
        }
    }
    (Some(page_name(home).to_string()), ordered)
}

/// The identity inventory of a site: its `identity` facts flattened (known keys first).
pub fn identity_site_rows(report: &Report, site: usize) -> Vec<(String, String)> {
    let mut rows = report
        .sites
        .get(site)
        .and_then(|s| s.facts.get("identity"))
        .map(flatten)
        .unwrap_or_default();
    sort_identity(&mut rows);
    rows
}

/// The identity facts of the site's home page, flattened (known keys first).
pub fn identity_home_rows(report: &Report, site: usize) -> (Option<String>, Vec<(String, String)>) {
    match identity_home(report, site) {
        Some(p) => {
            let mut rows = p.facts.get("identity").map(flatten).unwrap_or_default();
            sort_identity(&mut rows);
            (Some(page_name(p).to_string()), rows)
        }
        None => (None, Vec::new()),
    }
}

/// A label for an identity key fact in a language.
pub fn identity_label(key: &str, lang: Lang) -> String {
    match key {
        "icp.text" => lang.pick("ICP 备案号", "ICP filing number").into(),
        "psb.text" => lang
            .pick("公网安备号", "Public-security filing number")
            .into(),
        "site_code" => lang.pick("网站标识码", "Site identifier code").into(),
        k => match k.strip_prefix("entries.") {
            Some("elder") => lang.pick("关怀版入口", "Elder-care entry").into(),
            Some("traditional") => lang.pick("繁体版入口", "Traditional-script entry").into(),
            Some("ipv6_label") => lang.pick("IPv6 标识", "IPv6 label").into(),
            Some("accessibility") | Some("a11y") => {
                lang.pick("无障碍入口", "Accessibility entry").into()
            }
            Some(other) => crate::tr!(lang, "入口：{other}", "Entry: {other}"),
            None => k.to_string(),
        },
    }
}

/// Where a finding is: `line N` and the selector, as text.
pub fn location_text(f: &Finding, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(l) = f.line {
        parts.push(crate::tr!(lang, "第{l}行", "line {l}"));
    }
    if let Some(s) = &f.selector {
        parts.push(s.clone());
    }
    parts.join(" · ")
}

/// The severity label of the report's language.
pub fn severity_label(s: Severity, lang: Lang) -> &'static str {
    s.label(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_for_http() {
        assert!(safe_link("javascript:alert(1)").is_none());
        assert!(safe_link(" JavaScript:alert(1)").is_none());
        assert!(safe_link("data:text/html,x").is_none());
        assert!(safe_link("file:///etc/passwd").is_none());
        assert_eq!(
            safe_link("https://www.gov.cn/a").as_deref(),
            Some("https://www.gov.cn/a")
        );
    }

    #[test]
    fn identity_orders_known_keys_first() {
        let mut rows = vec![
            ("zz".to_string(), "1".to_string()),
            ("psb.value".to_string(), "p".to_string()),
            ("icp.value".to_string(), "i".to_string()),
        ];
        sort_identity(&mut rows);
        assert_eq!(rows[0].0, "icp.value");
        assert_eq!(rows[2].0, "zz");
        assert_eq!(identity_label("entries.elder", Lang::Zh), "关怀版入口");
        assert_eq!(identity_label("entries.foo", Lang::En), "Entry: foo");
    }

    #[test]
    fn flatten_facts() {
        let v = serde_json::json!({
            "icp": {"text": "粤ICP备05079694号", "valid": true},
            "entries": {"elder": ["a.html", "b.html"]},
            "list": [{"a": 1}, {"a": 2}],
            "site_code": "4407830003"
        });
        let f = flatten(&v);
        assert!(f.contains(&("icp.text".into(), "粤ICP备05079694号".into())));
        assert!(f.contains(&("entries.elder".into(), "a.html, b.html".into())));
        assert!(f.contains(&("list[1].a".into(), "2".into())));
        let mut deep = serde_json::json!(1);
        for _ in 0..50 {
            deep = serde_json::json!({ "x": deep });
        }
        assert_eq!(flatten(&deep).len(), 1);
    }
}
