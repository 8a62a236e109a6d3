//! CSV, one row per finding, for supervisors who work in spreadsheets.
//!
//! UTF-8 with a byte-order mark and CRLF line ends, so Excel (including Chinese Excel, which
//! otherwise assumes GBK) opens it with the right characters. Headers are in the report's
//! language. A cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) is prefixed with `'`: page text must never run as a formula.

use std::io::Write;

use super::{Finding, PageReport, Report, Writer, view};
use crate::i18n::Lang;

/// Writes CSV.
pub struct CsvWriter;

/// The column headers in a language.
pub fn headers(lang: Lang) -> [&'static str; 13] {
    match lang {
        Lang::Zh => [
            "站点",
            "网站名称",
            "页面",
            "规则",
            "规则名称",
            "级别",
            "说明",
            "行号",
            "选择器",
            "代码片段",
            "链接",
            "涉及页面",
            "页面数",
        ],
        Lang::En => [
            "site",
            "site_name",
            "page",
            "rule",
            "title",
            "severity",
            "message",
            "line",
            "selector",
            "snippet",
            "url",
            "pages",
            "page_count",
        ],
    }
}

/// One row per finding (shared with the XLSX writer): the cells in [`headers`] order.
pub fn rows(report: &Report) -> Vec<[String; 13]> {
    let lang = report.lang;
    let mut out = Vec::new();
    for (i, site) in report.sites.iter().enumerate() {
        let name = view::site_label(site).unwrap_or_default();
        let row = |page: Option<&PageReport>, f: &Finding| -> [String; 13] {
            [
                site.root.clone(),
                name.clone(),
                page.map(|p| view::page_name(p).to_string())
                    .unwrap_or_default(),
                f.rule.clone(),
                view::rule_title(&f.rule, lang),
                f.severity.label(lang).to_string(),
                f.message.clone(),
                f.line.map(|l| l.to_string()).unwrap_or_default(),
                f.selector.clone().unwrap_or_default(),
                f.snippet.clone().unwrap_or_default(),
                f.url.clone().unwrap_or_default(),
                f.pages.join("\n"),
                f.count.map(|c| c.to_string()).unwrap_or_default(),
            ]
        };
        for p in view::site_pages(report, i) {
            for f in &p.findings {
                out.push(row(Some(p), f));
            }
        }
        for f in &site.findings {
            out.push(row(None, f));
        }
    }
    out
}

/// Guards a cell against formula injection (see the module documentation).
pub fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Quotes a CSV field when needed (RFC 4180).
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Writer for CsvWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let head: Vec<String> = headers(report.lang).iter().map(|h| quote(h)).collect();
        out.write_all(head.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
        for row in rows(report) {
            let cells: Vec<String> = row.iter().map(|c| quote(&defuse(c))).collect();
            out.write_all(cells.join(",").as_bytes())?;
            out.write_all(b"\r\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formulas() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("正常"), "正常");
    }
}
