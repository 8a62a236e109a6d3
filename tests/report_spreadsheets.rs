//! `--format csv`, `--format xlsx` and `--format markdown`, and several formats in one run.

mod report_support;

use std::io::Read;

use report_support::*;

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    // RFC 4180 with quoted fields spanning lines.
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cur)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cur));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cur.push(c),
        }
    }
    rows
}

#[test]
fn csv_has_bom_a_row_per_finding_and_no_formulas() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    violating_site(&site);
    write_files(
        &site,
        &[(
            "f.html",
            page("f", "<img src=\"=HYPERLINK(&quot;http://x&quot;)\">"),
        )],
    );
    audit(tmp.path())
        .args(["site", "-f", "csv", "-o", "r.csv"])
        .assert()
        .code(1);
    let bytes = std::fs::read(tmp.path().join("r.csv")).expect("read");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    assert!(text.contains("\r\n"));
    let rows = parse_csv(&text);
    assert_eq!(rows[0][0], "站点");
    assert_eq!(rows[0].len(), 13);
    assert_eq!(rows.len(), 1 + 4, "{rows:?}");
    assert!(rows.iter().all(|r| r.len() == 13));
    let f = rows
        .iter()
        .find(|r| r[2] == "site/f.html")
        .expect("row of f.html");
    assert_eq!(f[3], "a11y/image-alt");
    assert_eq!(f[5], "错误");
    // The snippet starts with `<`; the message would start with text. No cell starts with `=`.
    assert!(rows.iter().flatten().all(|c| !c.starts_with('=')));
    assert!(f[9].contains("=HYPERLINK"));
}

#[test]
fn xlsx_has_overview_findings_and_a_sheet_per_site() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("a"));
    violating_site(&tmp.path().join("b"));
    audit(tmp.path())
        .args(["a", "b", "--lang", "en", "-f", "xlsx", "-o", "r.xlsx"])
        .assert()
        .code(1);
    let file = std::fs::File::open(tmp.path().join("r.xlsx")).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .expect("workbook")
        .read_to_string(&mut workbook)
        .expect("read");
    let doc = roxmltree::Document::parse(&workbook).expect("xml");
    let sheets: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(sheets, ["Overview", "Findings", "1 a", "2 b"]);
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .expect("strings")
        .read_to_string(&mut strings)
        .expect("read");
    assert!(strings.contains("a11y/input-image-alt"));
    assert!(strings.contains("Score (estimate)"));
    // Findings sheet: a header row and one row per finding (3 per site).
    let mut sheet2 = String::new();
    zip.by_name("xl/worksheets/sheet2.xml")
        .expect("findings sheet")
        .read_to_string(&mut sheet2)
        .expect("read");
    let rows = roxmltree::Document::parse(&sheet2)
        .expect("xml")
        .descendants()
        .filter(|n| n.has_tag_name("row"))
        .count();
    assert_eq!(rows, 1 + 6);
    // No formulas anywhere.
    for i in 1..=4 {
        let mut s = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{i}.xml"))
            .expect("sheet")
            .read_to_string(&mut s)
            .expect("read");
        assert!(!s.contains("<f>"), "formula in sheet {i}");
    }
}

#[test]
fn several_formats_in_one_run_go_to_the_output_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    let out = audit(tmp.path())
        .args([
            "site",
            "--format",
            "terminal,json,sarif,junit,markdown,html,csv,xlsx,jsonl",
            "--output-dir",
            "reports",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("site/index.html"),
        "terminal output still on stdout"
    );
    for name in [
        "report.json",
        "report.sarif",
        "report.junit.xml",
        "report.md",
        "report.html",
        "report.csv",
        "report.xlsx",
        "report.jsonl",
    ] {
        let p = tmp.path().join("reports").join(name);
        assert!(p.is_file(), "{name} missing");
        assert!(std::fs::metadata(&p).expect("meta").len() > 0);
    }
    assert!(!tmp.path().join("reports/report.txt").exists());
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(tmp.path().join("reports"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    let json = read_json(&tmp.path().join("reports/report.json"));
    assert_eq!(json["summary"]["findings"], 3);
}

#[test]
fn bad_output_combinations_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    audit(tmp.path())
        .args(["site", "-f", "json,sarif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--output-dir"));
    audit(tmp.path())
        .args(["site", "-f", "json,sarif", "-o", "x.json"])
        .assert()
        .code(2);
    audit(tmp.path())
        .args(["site", "-f", "json", "-o", "x.json", "--output-dir", "d"])
        .assert()
        .code(2);
}

#[test]
fn markdown_summary_is_escaped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    write_files(
        &site,
        &[(
            "index.html",
            page(
                "t",
                "<img src=\"[click](javascript:alert(1))|<b>x</b>.png\">",
            ),
        )],
    );
    audit(tmp.path())
        .args(["site", "-f", "markdown", "-o", "r.md"])
        .assert()
        .code(1);
    let md = std::fs::read_to_string(tmp.path().join("r.md")).expect("read");
    assert!(md.contains("## govaudit"));
    assert!(md.contains("| a11y/image-alt |"));
    assert!(!md.contains("[click]("), "page text must not form a link");
    assert!(!md.contains("<b>"), "page text must not form HTML");
    assert!(md.contains("\\[click\\]"));
}

#[test]
fn csv_cells_that_look_like_formulas_are_defused() {
    use govaudit::report::{Facts, Finding, Format, Report, Severity, SiteReport};
    let mut r = Report::new(govaudit::i18n::Lang::En);
    let mut f = Finding::new(
        "links/broken",
        Severity::Error,
        "=HYPERLINK(\"http://evil\",\"x\")",
    );
    f.snippet = Some("@SUM(A1)".into());
    f.url = Some("+cmd|' /C calc'!A0".into());
    f.pages = vec!["-2+3".into(), "a.html".into()];
    r.sites = vec![SiteReport {
        root: "https://www.example.gov.cn/".into(),
        kind: "remote".into(),
        pages: 0,
        findings: vec![f],
        notes: vec![],
        facts: Facts::new(),
    }];
    r.recount();
    let bytes = govaudit::report::render(&r, Format::Csv, false).expect("render");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let rows = parse_csv(&text);
    assert_eq!(rows[0][0], "site");
    let row = &rows[1];
    assert_eq!(row[6], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(row[9], "'@SUM(A1)");
    assert_eq!(row[10], "'+cmd|' /C calc'!A0");
    assert_eq!(row[11], "'-2+3\na.html");
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.starts_with(['=', '+', '-', '@']))
    );
}
