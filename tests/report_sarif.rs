//! `--format sarif`: validated against the SARIF 2.1.0 JSON schema (OASIS, vendored in
//! tests/fixtures/reports/), and checked for what GitHub code scanning needs.

mod common;
mod report_support;

use govaudit::i18n::Lang;
use govaudit::report::{self, Facts, Finding, Format, PageReport, Report, Severity, SiteReport};
use report_support::*;
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let schema = read_json(&repo("tests/fixtures/reports/sarif-schema-2.1.0.json"));
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn assert_valid(sarif: &Value) {
    let v = schema_validator();
    let errors: Vec<String> = v
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn schema_rejects_broken_logs() {
    // The validator is not vacuous: a result without a message, a wrong level and a missing
    // version are rejected.
    let v = schema_validator();
    let bad = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } }, "results": [{ "ruleId": "a", "level": "fatal" }] }]
    });
    assert!(!v.is_valid(&bad));
    assert!(!v.is_valid(&serde_json::json!({ "runs": [] })));
}

#[test]
fn local_site_sarif_validates_with_relative_locations_and_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    audit(tmp.path())
        .args(["site", "--format", "sarif", "--output", "out.sarif"])
        .assert()
        .code(1);
    let sarif = read_json(&tmp.path().join("out.sarif"));
    assert_valid(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "govaudit");
    let rules = driver["rules"].as_array().expect("rules");
    let alt = rules
        .iter()
        .find(|r| r["id"] == "a11y/image-alt")
        .expect("catalog rule a11y/image-alt");
    assert_eq!(alt["defaultConfiguration"]["level"], "error");
    assert!(
        !alt["shortDescription"]["text"]
            .as_str()
            .unwrap_or("")
            .is_empty()
    );
    assert!(
        !alt["fullDescription"]["text"]
            .as_str()
            .unwrap_or("")
            .is_empty()
    );
    let help = alt["help"]["text"].as_str().unwrap_or("");
    assert!(help.contains("如何修复"), "help carries the fix: {help}");

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "{results:#?}");
    let index_html = std::fs::read_to_string(tmp.path().join("site/index.html")).expect("read");
    let banner_line = index_html
        .lines()
        .position(|l| l.contains("banner.png"))
        .expect("line")
        + 1;
    let banner = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap_or("")
                .contains("banner.png")
        })
        .expect("banner finding");
    assert_eq!(banner["ruleId"], "a11y/image-alt");
    assert_eq!(banner["level"], "error");
    let idx = banner["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[idx]["id"], "a11y/image-alt");
    let phys = &banner["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "site/index.html");
    assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(phys["region"]["startLine"], banner_line as u64);
    assert!(
        banner["partialFingerprints"]["govaudit/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 32)
    );
    let button = results
        .iter()
        .find(|r| r["ruleId"] == "a11y/input-image-alt")
        .expect("button");
    assert_eq!(
        button["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "site/news/a.html"
    );
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file://") && u.ends_with('/'))
    );
}

#[test]
fn english_rule_texts_with_lang_en() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    audit(tmp.path())
        .args(["site", "--lang", "en", "-f", "sarif", "-o", "out.sarif"])
        .assert()
        .code(1);
    let sarif = read_json(&tmp.path().join("out.sarif"));
    assert_valid(&sarif);
    let run = &sarif["runs"][0];
    assert_eq!(run["language"], "en");
    let alt = run["tool"]["driver"]["rules"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == "a11y/image-alt"))
        .cloned()
        .expect("rule");
    let help = alt["help"]["text"].as_str().unwrap_or("");
    assert!(help.contains("How to fix"), "{help}");
}

#[test]
fn fetched_pages_use_their_url() {
    let server = common::server::Site::new()
        .page("/", page("首页", "<img src=\"/a.png\">"))
        .serve();
    let tmp = tempfile::tempdir().expect("tempdir");
    audit(tmp.path())
        .args([&server.url("/"), "-f", "sarif", "-o", "out.sarif"])
        .assert()
        .code(1);
    let sarif = read_json(&tmp.path().join("out.sarif"));
    assert_valid(&sarif);
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "a11y/image-alt");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], server.url("/"));
    assert!(loc["artifactLocation"].get("uriBaseId").is_none());
    assert!(loc["region"]["startLine"].as_u64().is_some());
}

fn sample_report() -> Report {
    let mut r = Report::new(Lang::Zh);
    let page = |url: &str, path: &str| PageReport {
        url: url.into(),
        path: Some(path.into()),
        site: 0,
        status: None,
        final_url: None,
        encoding: Some("UTF-8".into()),
        charset_source: None,
        title: Some("<script>alert(1)</script>".into()),
        bytes: 10,
        depth: 0,
        findings: vec![],
        facts: Facts::new(),
    };
    r.pages = vec![
        page("file:///x/site/a.html", "site/a.html"),
        page("file:///x/site/b.html", "site/b.html"),
        page("file:///x/site/新闻 1.html", "site/新闻 1.html"),
    ];
    let mut agg = Finding::new(
        "identity/site-code-missing",
        Severity::Error,
        "网站标识码缺失（3 个页面）",
    );
    agg.pages = vec![
        "site/a.html".into(),
        "site/b.html".into(),
        "site/新闻 1.html".into(),
    ];
    agg.count = Some(3);
    let mut broken = Finding::new(
        "links/broken",
        Severity::Warning,
        "javascript:alert(1) \"quoted\" <b>",
    );
    broken.url = Some("https://www.example.gov.cn/missing.html".into());
    let site_wide = Finding::new(
        "freshness/homepage-stale",
        Severity::Notice,
        "首页 30 天未更新",
    );
    r.sites = vec![SiteReport {
        root: "site".into(),
        kind: "local".into(),
        pages: 3,
        findings: vec![agg, broken, site_wide],
        notes: vec![],
        facts: Facts::new(),
    }];
    r.recount();
    r
}

#[test]
fn aggregated_site_finding_is_one_result_with_a_location_per_page() {
    let r = sample_report();
    let bytes = report::render(&r, Format::Sarif, false).expect("render");
    let sarif: Value = serde_json::from_slice(&bytes).expect("json");
    assert_valid(&sarif);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let agg = &results[0];
    let locs = agg["locations"].as_array().expect("locations");
    assert_eq!(locs.len(), 3);
    let uris: Vec<&str> = locs
        .iter()
        .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert_eq!(
        uris,
        [
            "site/a.html",
            "site/b.html",
            "site/%E6%96%B0%E9%97%BB%201.html"
        ]
    );
    // A site finding about one URL points at it; a site-wide one at the site.
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "https://www.example.gov.cn/missing.html"
    );
    assert_eq!(results[1]["level"], "warning");
    assert_eq!(results[2]["level"], "note");
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "site/"
    );
}
