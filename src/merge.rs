//! `govaudit merge`: joins the reports of several runs (the shards of one site list, JSON or
//! JSON Lines) into one report.
//!
//! Sites keep their list order when every site records `input.index` (runs with `--sites` or
//! `--shard`); otherwise they follow the order of the files. Pages are renumbered to their
//! site's new position and sorted by site, then URL, as in a single run. The summary is
//! recounted; `summary.baseline` counts are added up. The merged report is `complete` only
//! when every part was. A JSON Lines file without its summary line (a run that was stopped)
//! still merges: what it streamed is kept, and the result is marked incomplete.

use std::path::Path;

use serde_json::Value;

use crate::baseline::BaselineSummary;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::report::{Facts, PageReport, Report, SiteReport, Summary};

/// Reads a JSON report or a JSON Lines stream (`--format jsonl`).
pub fn read_report(path: &Path) -> Result<Report> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::io("cannot read report", path, e))?;
    parse_report(&text, &path.display().to_string())
}

/// Parses a report from text; `name` names it in messages.
pub fn parse_report(text: &str, name: &str) -> Result<Report> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(Error::Config(format!(
            "{name}: empty file, not a govaudit report"
        )));
    }
    // A JSON report is one object; JSON Lines has one object per line with a `type`.
    if let Ok(v) = serde_json::from_str::<Value>(trimmed)
        && v.get("schema_version").is_some()
    {
        check_schema(&v, name)?;
        return serde_json::from_value(v)
            .map_err(|e| Error::Config(format!("{name}: not a govaudit JSON report ({e})")));
    }
    parse_jsonl(trimmed, name)
}

fn check_schema(v: &Value, name: &str) -> Result<()> {
    let version = v.get("schema_version").and_then(Value::as_u64);
    if version != Some(u64::from(crate::report::SCHEMA_VERSION)) {
        return Err(Error::Config(format!(
            "{name}: report schema_version {} is not {} (merge reports made by the same govaudit version)",
            version.map_or_else(|| "?".into(), |x| x.to_string()),
            crate::report::SCHEMA_VERSION
        )));
    }
    Ok(())
}

fn parse_jsonl(text: &str, name: &str) -> Result<Report> {
    let mut report = Report::new(Lang::default());
    report.complete = false;
    let mut sites: Vec<(usize, SiteReport)> = Vec::new();
    let mut pages: Vec<PageReport> = Vec::new();
    let mut saw_summary = false;
    for (no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |e: String| Error::Config(format!("{name}:{}: {e}", no + 1));
        let mut v: Value = serde_json::from_str(line).map_err(|e| {
            bad(format!(
                "not JSON ({e}); expected a govaudit JSON report or JSON Lines stream"
            ))
        })?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let kind = obj
            .remove("type")
            .and_then(|t| t.as_str().map(str::to_string))
            .ok_or_else(|| bad("a line without \"type\" (page, site or summary)".into()))?;
        match kind.as_str() {
            "page" => pages.push(serde_json::from_value(v).map_err(|e| bad(format!("page: {e}")))?),
            "site" => {
                let index = obj
                    .remove("index")
                    .and_then(|i| i.as_u64())
                    .ok_or_else(|| bad("site line without \"index\"".into()))?
                    as usize;
                sites.push((
                    index,
                    serde_json::from_value(v).map_err(|e| bad(format!("site: {e}")))?,
                ));
            }
            "summary" => {
                check_schema(&v, name)?;
                #[derive(serde::Deserialize)]
                struct Head {
                    tool: crate::report::ToolInfo,
                    generated_at: String,
                    lang: Lang,
                    complete: bool,
                    summary: Summary,
                }
                let h: Head =
                    serde_json::from_value(v).map_err(|e| bad(format!("summary: {e}")))?;
                report.tool = h.tool;
                report.generated_at = h.generated_at;
                report.lang = h.lang;
                report.complete = h.complete;
                report.summary = h.summary;
                saw_summary = true;
            }
            other => return Err(bad(format!("unknown line type {other:?}"))),
        }
    }
    // A later line for the same page replaces an earlier one (a page is written again when
    // site rules added findings to it after it was streamed).
    let mut last: std::collections::HashMap<(usize, String), usize> =
        std::collections::HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        last.insert((p.site, p.url.clone()), i);
    }
    let mut i = 0;
    pages.retain(|p| {
        let keep = last.get(&(p.site, p.url.clone())) == Some(&i);
        i += 1;
        keep
    });
    // Sites by their index in the run; pages of a site whose line is missing (the run stopped
    // before the site finished) get a placeholder site.
    sites.sort_by_key(|(i, _)| *i);
    let max_index = sites
        .iter()
        .map(|(i, _)| *i)
        .chain(pages.iter().map(|p| p.site))
        .max();
    let mut slots: Vec<Option<SiteReport>> = match max_index {
        Some(m) => (0..=m).map(|_| None).collect(),
        None => Vec::new(),
    };
    for (i, s) in sites {
        slots[i] = Some(s);
    }
    let mut remap = vec![usize::MAX; slots.len()];
    for (i, slot) in slots.into_iter().enumerate() {
        let site = match slot {
            Some(s) => s,
            None => {
                let own: Vec<&PageReport> = pages.iter().filter(|p| p.site == i).collect();
                let Some(first) = own.first() else { continue };
                placeholder_site(first, own.len())
            }
        };
        remap[i] = report.sites.len();
        report.sites.push(site);
    }
    for p in &mut pages {
        p.site = remap[p.site];
    }
    pages.sort_by(|a, b| (a.site, &a.url).cmp(&(b.site, &b.url)));
    report.pages = pages;
    if !saw_summary {
        report.complete = false;
    }
    let extra = std::mem::take(&mut report.summary.extra);
    report.recount();
    report.summary.extra = extra;
    Ok(report)
}

fn placeholder_site(first: &PageReport, pages: usize) -> SiteReport {
    let (root, kind) = match &first.path {
        Some(p) => (
            Path::new(p)
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            "local",
        ),
        None => match url::Url::parse(&first.url) {
            Ok(mut u) => {
                u.set_path("/");
                u.set_query(None);
                u.set_fragment(None);
                (u.to_string(), "remote")
            }
            Err(_) => (first.url.clone(), "remote"),
        },
    };
    SiteReport {
        root,
        kind: kind.into(),
        pages,
        findings: Vec::new(),
        notes: vec!["site not finished: the stream stopped before its site line".into()],
        facts: Facts::new(),
    }
}

/// Merges reports (see the module documentation). `names` name the parts in messages.
pub fn merge(parts: Vec<(String, Report)>) -> Result<Report> {
    let Some((first_name, first)) = parts.first() else {
        return Err(Error::Config("merge needs at least one report".into()));
    };
    let lang = first.lang;
    for (name, r) in &parts {
        if r.lang != lang {
            return Err(Error::Config(format!(
                "{name} is in language {:?} but {first_name} in {:?}; run every shard with the same --lang",
                r.lang, lang
            )));
        }
    }
    let mut merged = Report::new(lang);
    merged.tool = first.tool.clone();
    merged.generated_at = parts
        .iter()
        .map(|(_, r)| r.generated_at.clone())
        .min()
        .unwrap_or_default();
    merged.complete = parts.iter().all(|(_, r)| r.complete);

    // Every site with its pages, then order.
    struct Part {
        site: SiteReport,
        pages: Vec<PageReport>,
        order: (usize, usize, usize),
    }
    let all_indexed = parts
        .iter()
        .all(|(_, r)| r.sites.iter().all(|s| input_index(s).is_some()));
    let mut items: Vec<Part> = Vec::new();
    let mut baseline: Option<BaselineSummary> = None;
    let mut extra = Facts::new();
    for (file_no, (name, r)) in parts.into_iter().enumerate() {
        let Report {
            sites,
            pages,
            summary,
            ..
        } = r;
        for (k, v) in summary.extra {
            if k == "baseline" {
                let b: BaselineSummary = serde_json::from_value(v).map_err(|e| {
                    Error::Config(format!("{name}: summary.baseline is not readable ({e})"))
                })?;
                baseline
                    .get_or_insert_with(BaselineSummary::default)
                    .add(&b);
            } else {
                extra.entry(k).or_insert(v);
            }
        }
        let mut by_site: Vec<Vec<PageReport>> = (0..sites.len()).map(|_| Vec::new()).collect();
        for p in pages {
            match by_site.get_mut(p.site) {
                Some(v) => v.push(p),
                None => {
                    return Err(Error::Config(format!(
                        "{name}: a page refers to site {} but the report has {} site(s)",
                        p.site,
                        by_site.len()
                    )));
                }
            }
        }
        for (i, (site, pages)) in sites.into_iter().zip(by_site).enumerate() {
            let order = if all_indexed {
                (input_index(&site).unwrap_or(usize::MAX), 0, 0)
            } else {
                (0, file_no, i)
            };
            items.push(Part { site, pages, order });
        }
    }
    items.sort_by_key(|p| p.order);
    let mut seen = std::collections::HashSet::new();
    for item in &items {
        if !seen.insert((item.site.root.clone(), item.order.0, all_indexed)) {
            eprintln!(
                "govaudit: warning: site {} appears in more than one report",
                item.site.root
            );
        }
    }
    for (new_idx, item) in items.into_iter().enumerate() {
        let mut pages = item.pages;
        for p in &mut pages {
            p.site = new_idx;
        }
        pages.sort_by(|a, b| a.url.cmp(&b.url));
        merged.sites.push(item.site);
        merged.pages.extend(pages);
    }
    merged.recount();
    merged.summary.extra = extra;
    if let Some(b) = baseline {
        merged.summary.extra.insert(
            "baseline".into(),
            serde_json::to_value(&b).unwrap_or_default(),
        );
    }
    Ok(merged)
}

/// A site's `input.index` (its position in the whole site list).
pub fn input_index(site: &SiteReport) -> Option<usize> {
    site.facts
        .get("input")
        .and_then(|i| i.get("index"))
        .and_then(Value::as_u64)
        .map(|i| i as usize)
}
