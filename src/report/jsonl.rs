//! JSON Lines: one JSON object per line. `govaudit audit --format jsonl` streams a `page` line
//! as each page finishes, a `site` line as each site finishes, and a final `summary` line; this
//! writer produces the same lines from a finished report (for `govaudit merge`).
//!
//! * `{"type":"page", ...}` — a page object exactly as in the JSON report's `pages`; when
//!   site rules add findings to a page after it was streamed, its final line follows before
//!   the site line, and a later line for the same page (`site` and `url`) replaces an earlier;
//! * `{"type":"site","index":N, ...}` — a site object as in `sites`, with its index (`site` of
//!   its pages);
//! * `{"type":"summary", "schema_version", "tool", "generated_at", "lang", "complete",
//!   "summary"}` — the report's header and totals; a stream without it was stopped early.

use std::io::Write;

use serde::Serialize;

use super::{PageReport, Report, SiteReport, Summary, ToolInfo, Writer};
use crate::i18n::Lang;

fn tagged<T: Serialize>(
    kind: &str,
    extra: Option<(&str, usize)>,
    value: &T,
) -> std::io::Result<String> {
    let body = serde_json::to_string(value).map_err(std::io::Error::other)?;
    let mut s = format!("{{\"type\":\"{kind}\"");
    if let Some((k, v)) = extra {
        s.push_str(&format!(",\"{k}\":{v}"));
    }
    let inner = body.trim_start_matches('{');
    if inner != "}" {
        s.push(',');
    }
    s.push_str(inner);
    Ok(s)
}

/// A `page` line (without the newline).
pub fn page_line(p: &PageReport) -> std::io::Result<String> {
    tagged("page", None, p)
}

/// A `site` line (without the newline).
pub fn site_line(index: usize, s: &SiteReport) -> std::io::Result<String> {
    tagged("site", Some(("index", index)), s)
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    schema_version: u32,
    tool: &'a ToolInfo,
    generated_at: &'a str,
    lang: Lang,
    complete: bool,
    summary: &'a Summary,
}

/// The `summary` line (without the newline).
pub fn summary_line(r: &Report) -> std::io::Result<String> {
    tagged(
        "summary",
        None,
        &SummaryLine {
            schema_version: r.schema_version,
            tool: &r.tool,
            generated_at: &r.generated_at,
            lang: r.lang,
            complete: r.complete,
            summary: &r.summary,
        },
    )
}

/// Writes a finished report as JSON Lines: pages, sites, summary.
pub struct JsonlWriter;

impl Writer for JsonlWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        for p in &report.pages {
            writeln!(out, "{}", page_line(p)?)?;
        }
        for (i, s) in report.sites.iter().enumerate() {
            writeln!(out, "{}", site_line(i, s)?)?;
        }
        writeln!(out, "{}", summary_line(report)?)
    }
}
