//! An Excel workbook for supervisors: an overview sheet (one row per site: pages, score
//! estimate, counts by severity and family), a findings sheet (one row per finding, the CSV
//! columns, with a filter), and one sheet per site (its summary, counts by family, identity
//! inventory and findings). Every cell is written as a string or number, never as a formula.

use std::collections::BTreeSet;
use std::io::Write;

use rust_xlsxwriter::{Format as XFormat, Workbook, Worksheet, XlsxError};

use super::{Report, Writer, view};
use crate::i18n::Lang;
use crate::tr;

/// Writes XLSX.
pub struct XlsxWriter;

/// Excel's cell text limit.
const MAX_CELL: usize = 32_767;
/// Excel's row limit (less the header).
const MAX_ROWS: usize = 1_048_575;

fn cell(s: &str) -> String {
    if s.chars().count() > MAX_CELL {
        s.chars().take(MAX_CELL - 1).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// A valid, unique worksheet name (at most 31 characters, none of `[]:*?/\`).
pub fn sheet_name(index: usize, root: &str, used: &mut BTreeSet<String>) -> String {
    let base = root
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let clean: String = base
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let prefix = format!("{} ", index + 1);
    let room = 31 - prefix.chars().count();
    let tail: String = if clean.chars().count() > room {
        clean.chars().skip(clean.chars().count() - room).collect()
    } else {
        clean
    };
    let mut name = format!("{prefix}{tail}").trim_matches('\'').to_string();
    if name.trim().is_empty() {
        name = format!("{}", index + 1);
    }
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        name = format!("{} ({n})", index + 1);
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn err(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[String],
    fmt: Option<&XFormat>,
) -> Result<(), XlsxError> {
    for (c, v) in cells.iter().enumerate() {
        let col = c as u16;
        match fmt {
            Some(f) => ws.write_string_with_format(row, col, cell(v), f)?,
            None => ws.write_string(row, col, cell(v))?,
        };
    }
    Ok(())
}

fn build(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let lang = report.lang;
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let head = XFormat::new().set_bold().set_background_color(0xDDE6F0);
    let wrap = XFormat::new().set_text_wrap();
    let families: Vec<String> = view::all_family_counts(report).into_keys().collect();

    // Overview.
    {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("概览", "Overview"))?;
        let mut h: Vec<String> = [
            tr!(lang, "站点", "Site"),
            tr!(lang, "网站名称", "Name"),
            tr!(lang, "类型", "Kind"),
            tr!(lang, "页面数", "Pages"),
            tr!(lang, "估算得分", "Score (estimate)"),
            tr!(lang, "结论（估算）", "Verdict (estimate)"),
            tr!(lang, "否决项", "Veto rules"),
            tr!(lang, "错误", "Errors"),
            tr!(lang, "警告", "Warnings"),
            tr!(lang, "提示", "Notices"),
            tr!(lang, "问题总数", "Findings"),
        ]
        .to_vec();
        h.extend(families.iter().cloned());
        write_row(ws, 0, &h, Some(&head))?;
        for (i, site) in report.sites.iter().enumerate() {
            let r = (i + 1) as u32;
            let c = view::severity_counts(report, i);
            let fam = view::family_counts(report, i);
            ws.write_string(r, 0, cell(&site.root))?;
            ws.write_string(r, 1, cell(&view::site_label(site).unwrap_or_default()))?;
            ws.write_string(r, 2, site.kind.clone())?;
            ws.write_number(r, 3, site.pages as f64)?;
            if let Some((est, verdict, veto)) = view::site_score(site) {
                ws.write_number(r, 4, est as f64)?;
                ws.write_string(r, 5, verdict_label(&verdict, lang))?;
                ws.write_string(r, 6, cell(&veto.join(", ")))?;
            }
            ws.write_number(r, 7, c.error as f64)?;
            ws.write_number(r, 8, c.warning as f64)?;
            ws.write_number(r, 9, c.notice as f64)?;
            ws.write_number(r, 10, view::total(&c) as f64)?;
            for (j, f) in families.iter().enumerate() {
                let n = fam.get(f).map_or(0, view::total);
                ws.write_number(r, (11 + j) as u16, n as f64)?;
            }
        }
        ws.set_column_width(0, 40)?;
        ws.set_column_width(1, 24)?;
        ws.set_freeze_panes(1, 0)?;
        if !report.sites.is_empty() {
            ws.autofilter(0, 0, report.sites.len() as u32, (h.len() - 1) as u16)?;
        }
    }

    // Findings.
    let rows = super::csv::rows(report);
    {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("问题", "Findings"))?;
        let h: Vec<String> = super::csv::headers(lang)
            .iter()
            .map(|s| s.to_string())
            .collect();
        write_row(ws, 0, &h, Some(&head))?;
        for (i, row) in rows.iter().take(MAX_ROWS - 1).enumerate() {
            write_row(ws, (i + 1) as u32, row, None)?;
        }
        if rows.len() >= MAX_ROWS {
            ws.write_string(
                MAX_ROWS as u32,
                0,
                tr!(
                    lang,
                    "（问题过多，其余见 JSON 报告）",
                    "(too many findings; see the JSON report for the rest)"
                ),
            )?;
        }
        for (c, w) in [
            (0, 30),
            (2, 40),
            (3, 24),
            (4, 24),
            (6, 60),
            (8, 30),
            (9, 40),
        ] {
            ws.set_column_width(c, w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(
            0,
            0,
            rows.len().min(MAX_ROWS - 1) as u32,
            (h.len() - 1) as u16,
        )?;
    }

    // One sheet per site.
    let mut used = BTreeSet::new();
    used.insert(lang.pick("概览", "Overview").to_lowercase());
    used.insert(lang.pick("问题", "Findings").to_lowercase());
    for (i, site) in report.sites.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(i, &site.root, &mut used))?;
        let mut r = 0u32;
        let kv = |ws: &mut Worksheet, r: &mut u32, k: String, v: String| -> Result<(), XlsxError> {
            ws.write_string_with_format(*r, 0, k, &bold)?;
            ws.write_string(*r, 1, cell(&v))?;
            *r += 1;
            Ok(())
        };
        kv(ws, &mut r, tr!(lang, "站点", "Site"), site.root.clone())?;
        if let Some(n) = view::site_label(site) {
            kv(ws, &mut r, tr!(lang, "网站名称", "Name"), n)?;
        }
        kv(
            ws,
            &mut r,
            tr!(lang, "页面数", "Pages"),
            site.pages.to_string(),
        )?;
        if let Some((est, verdict, veto)) = view::site_score(site) {
            kv(
                ws,
                &mut r,
                tr!(lang, "估算得分（非官方）", "Score (estimate, unofficial)"),
                format!("{est} · {}", verdict_label(&verdict, lang)),
            )?;
            if !veto.is_empty() {
                kv(
                    ws,
                    &mut r,
                    tr!(lang, "否决项", "Veto rules"),
                    veto.join(", "),
                )?;
            }
        }
        for note in &site.notes {
            kv(ws, &mut r, tr!(lang, "说明", "Note"), note.clone())?;
        }
        r += 1;
        write_row(
            ws,
            r,
            &[
                tr!(lang, "类别", "Family"),
                tr!(lang, "错误", "Errors"),
                tr!(lang, "警告", "Warnings"),
                tr!(lang, "提示", "Notices"),
                tr!(lang, "合计", "Total"),
            ],
            Some(&head),
        )?;
        r += 1;
        for (fam, c) in view::family_counts(report, i) {
            ws.write_string(r, 0, fam)?;
            ws.write_number(r, 1, c.error as f64)?;
            ws.write_number(r, 2, c.warning as f64)?;
            ws.write_number(r, 3, c.notice as f64)?;
            ws.write_number(r, 4, view::total(&c) as f64)?;
            r += 1;
        }
        let (source, key_facts) = view::identity_key_facts(report, i);
        let site_rows = view::identity_site_rows(report, i);
        if !key_facts.is_empty() || !site_rows.is_empty() {
            r += 1;
            let title = match source {
                Some(p) => tr!(
                    lang,
                    "标识信息（首页：{p}）",
                    "Identity inventory (home page: {p})"
                ),
                None => tr!(lang, "标识信息", "Identity inventory"),
            };
            ws.write_string_with_format(r, 0, cell(&title), &bold)?;
            r += 1;
            for (k, v) in key_facts {
                ws.write_string(
                    r,
                    0,
                    cell(&format!("{} · {k}", view::identity_label(&k, lang))),
                )?;
                ws.write_string(r, 1, cell(&v))?;
                r += 1;
            }
            for (k, v) in site_rows {
                ws.write_string(r, 0, cell(&k))?;
                ws.write_string(r, 1, cell(&v))?;
                r += 1;
            }
        }
        r += 1;
        let h: Vec<String> = super::csv::headers(lang)[2..]
            .iter()
            .map(|s| s.to_string())
            .collect();
        write_row(ws, r, &h, Some(&head))?;
        r += 1;
        for row in rows.iter().filter(|row| row[0] == site.root) {
            if r as usize >= MAX_ROWS {
                break;
            }
            for (c, v) in row[2..].iter().enumerate() {
                ws.write_string_with_format(r, c as u16, cell(v), &wrap)?;
            }
            r += 1;
        }
        ws.set_column_width(0, 36)?;
        ws.set_column_width(1, 40)?;
        ws.set_column_width(4, 50)?;
    }
    wb.save_to_buffer()
}

fn verdict_label(v: &str, lang: Lang) -> String {
    match v {
        "pass" => lang.pick("合格（估算）", "pass (estimate)").into(),
        "fail" => lang.pick("不合格（估算）", "fail (estimate)").into(),
        other => other.into(),
    }
}

impl Writer for XlsxWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let bytes = build(report).map_err(err)?;
        out.write_all(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = BTreeSet::new();
        let a = sheet_name(
            0,
            "https://www.very-long-subdomain.example.gov.cn/",
            &mut used,
        );
        assert!(a.chars().count() <= 31, "{a}");
        assert!(!a.contains(['/', ':', '[', ']', '*', '?', '\\']));
        let b = sheet_name(
            0,
            "https://www.very-long-subdomain.example.gov.cn/",
            &mut used,
        );
        assert_ne!(a.to_lowercase(), b.to_lowercase());
        let c = sheet_name(2, "examples/site", &mut used);
        assert_eq!(c, "3 examples_site");
    }
}
