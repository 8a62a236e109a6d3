//! Freshness and the inspection scorecard, end to end: the fixture site
//! `tests/fixtures/freshness/site` (a fresh home page, a stale 工作动态 column with a second
//! page, a 6-month-fresh 通知公告 column whose dates sit in table cells and which holds a
//! future-dated item, a 1-year-fresh 人事任免 column, an undated 信息公开 list, a blank 乡村振兴
//! column, an introduction page and an article), audited with a fixed `--as-of`.
//!
//! The local-folder tests run now; the loopback test serves the same site over HTTP and needs
//! the crawler to discover the columns from the home page.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::server::{Response, Site};
use serde_json::Value;

fn govaudit() -> Command {
    let mut cmd = Command::cargo_bin("govaudit").expect("binary built");
    cmd.env_remove("GOVAUDIT_LANG").env("NO_COLOR", "1");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SITE: &str = "tests/fixtures/freshness/site";
const HUB: &str = "tests/fixtures/freshness/hub";

/// Runs an audit of `input` with extra arguments and returns the JSON report.
fn audit_json(input: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let assert = govaudit()
        .current_dir(root())
        .args([
            "audit",
            input,
            "--only",
            "freshness",
            "--no-progress",
            "-f",
            "json",
            "-o",
        ])
        .arg(&out)
        .args(args)
        .assert();
    let code = assert.get_output().status.code();
    assert!(matches!(code, Some(0 | 1)), "exit code {code:?}");
    let text = std::fs::read_to_string(&out).expect("report written");
    let report: Value = serde_json::from_str(&text).expect("report is JSON");
    validate(&report);
    report
}

/// Checks a report against `docs/report.schema.json` (which describes `dates`, `column`,
/// `home_links`, `freshness` and `inspection`).
fn validate(report: &Value) {
    let schema_text =
        std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema file");
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match the schema: {errors:#?}"
    );
}

/// Where a finding is: the page path below the input (`news/index.html`) or `site`.
fn located(report: &Value, base: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in report["pages"].as_array().expect("pages") {
        let name = p["path"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| p["url"].as_str().unwrap_or("").to_string());
        let rel = name
            .split_once(base)
            .map_or(name.clone(), |(_, r)| r.trim_start_matches('/').to_string());
        for f in p["findings"].as_array().expect("findings") {
            out.push((f["rule"].as_str().unwrap_or("").to_string(), rel.clone()));
        }
    }
    for s in report["sites"].as_array().expect("sites") {
        for f in s["findings"].as_array().expect("findings") {
            out.push((f["rule"].as_str().unwrap_or("").to_string(), "site".into()));
        }
    }
    out.sort();
    out
}

fn expect(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
        .collect();
    v.sort();
    v
}

fn page<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .or_else(|| p["url"].as_str())
                .is_some_and(|u| u.ends_with(suffix))
        })
        .unwrap_or_else(|| panic!("no page {suffix}"))
}

fn veto<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["sites"][0]["inspection"]["veto"]
        .as_array()
        .expect("veto items")
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no veto item {id}"))
}

fn columns(report: &Value) -> Vec<(String, String, String, String)> {
    report["sites"][0]["freshness"]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["class"].as_str().unwrap_or("").to_string(),
                c["newest"].as_str().unwrap_or("-").to_string(),
                c["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn col(name: &str, class: &str, newest: &str, state: &str) -> (String, String, String, String) {
    (name.into(), class.into(), newest.into(), state.into())
}

/// The findings and the scorecard expected at 2026-06-15, for the folder and for loopback.
fn check_expected_2026_06_15(r: &Value, base: &str, local: bool) {
    assert_eq!(
        located(r, base),
        expect(&[
            ("freshness/column-stale", "news/index.html"),
            ("freshness/future-date", "notice/index.html"),
            ("freshness/undated", "xxgk/index.html"),
            ("freshness/blank-column", "column/xczx/index.html"),
        ])
    );
    assert_eq!(
        columns(r),
        vec![
            col("乡村振兴", "other", "-", "blank"),
            col("工作动态", "news", "2026-05-20", "stale"),
            col("通知公告", "notice", "2026-02-10", "fresh"),
            col("人事任免", "plan", "2025-09-01", "fresh"),
            col("信息公开", "other", "-", "undated"),
        ]
    );
    let fresh = &r["sites"][0]["freshness"];
    assert_eq!(fresh["as_of"], "2026-06-15");
    assert_eq!(fresh["home"]["state"], "fresh");
    assert_eq!(fresh["home"]["newest"], "2026-06-12");
    assert_eq!(fresh["home"]["age_days"], 3);
    assert_eq!(fresh["home"]["via"], "home");
    let insp = &r["sites"][0]["inspection"];
    assert_eq!(insp["document"], "国办秘函〔2019〕19号");
    assert_eq!(insp["estimate"], true);
    assert_eq!(insp["as_of"], "2026-06-15");
    assert_eq!(insp["verdict"], "pass");
    let ids: Vec<&str> = insp["veto"]
        .as_array()
        .expect("veto")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "security",
            "unreachable",
            "homepage",
            "columns",
            "interaction",
            "service"
        ]
    );
    assert_eq!(veto(r, "security")["verdict"], "not_checked");
    assert_eq!(veto(r, "security")["checkable"], false);
    assert_eq!(veto(r, "security")["rules"]["freshness/future-date"], 1);
    assert_eq!(
        veto(r, "unreachable")["verdict"],
        if local { "not_checked" } else { "pass" }
    );
    assert_eq!(veto(r, "homepage")["verdict"], "pass");
    assert_eq!(veto(r, "homepage")["rules"]["freshness/homepage-stale"], 0);
    let c = veto(r, "columns");
    assert_eq!(c["verdict"], "pass");
    assert_eq!(c["counts"]["stale"]["count"], 1);
    assert_eq!(c["counts"]["stale"]["threshold"], 5);
    assert_eq!(c["counts"]["long_stale"]["count"], 1);
    assert_eq!(c["counts"]["long_stale"]["threshold"], 10);
    assert_eq!(c["counts"]["blank"]["count"], 1);
    assert_eq!(c["counts"]["blank"]["threshold"], 5);
    assert_eq!(c["rules"]["freshness/column-stale"], 1);
    assert_eq!(c["rules"]["freshness/blank-column"], 1);
    assert_eq!(c["rules"]["freshness/undated"], 1);
    assert_eq!(c["rules"]["freshness/column-stale-threshold"], 0);
    for id in ["interaction", "service"] {
        assert_eq!(veto(r, id)["verdict"], "not_checked");
        assert_eq!(veto(r, id)["checkable"], false);
    }
    // Only freshness ran: every 功能设计 item is not checked.
    for d in insp["design"].as_array().expect("design") {
        assert_eq!(d["verdict"], "not_checked", "{d}");
    }
}

#[test]
fn local_site_at_2026_06_15_gives_exactly_the_expected_findings_and_scorecard() {
    let r = audit_json(SITE, &["--as-of", "2026-06-15"]);
    check_expected_2026_06_15(&r, "freshness/site", true);

    // Page dates in the report.
    let home = page(&r, "site/index.html");
    assert_eq!(home["dates"]["kind"], "list");
    assert_eq!(home["dates"]["newest"], "2026-06-12");
    assert_eq!(home["dates"]["list"]["items"], 3);
    assert_eq!(home["dates"]["list"]["dated"], 3);
    assert_eq!(home["dates"]["list"]["oldest"], "2026-06-05");
    assert!(home["home_links"].as_array().is_some_and(|l| !l.is_empty()));
    let art = page(&r, "news/2026/art_0612.html");
    assert_eq!(art["dates"]["published"], "2026-06-12");
    assert_eq!(art["dates"]["source"], "meta");
    assert_eq!(art["dates"]["kind"], "article");
    assert!(art["dates"]["list"].is_null());
    assert!(art.get("column").is_none());
    let notice = page(&r, "notice/index.html");
    assert_eq!(notice["dates"]["list"]["items"], 3);
    assert_eq!(notice["dates"]["list"]["newest"], "2026-02-10");
    assert_eq!(notice["dates"]["list"]["oldest"], "2026-01-15");
    assert_eq!(notice["column"]["names"][0]["text"], "通知公告");
    assert_eq!(notice["column"]["names"][0]["source"], "title");
    let rsrm = page(&r, "rsrm/index.html");
    assert_eq!(rsrm["column"]["names"][0]["source"], "breadcrumb");
    let page2 = page(&r, "news/index_1.html");
    assert_eq!(page2["column"]["page_number"], 2);
    let blank = page(&r, "column/xczx/index.html");
    assert_eq!(blank["column"]["blank"]["evidence"], "暂无信息");
    let about = page(&r, "about.html");
    assert!(about.get("column").is_none());
    assert!(about["dates"]["published"].is_null());

    // The messages name the column, its newest date and the deadline.
    let stale = &page(&r, "news/index.html")["findings"][0];
    let msg = stale["message"].as_str().expect("message");
    assert!(
        msg.contains("工作动态") && msg.contains("2026-05-20") && msg.contains("14 天"),
        "{msg}"
    );
    assert_eq!(stale["data"]["deadline"], "14d");
    assert_eq!(stale["data"]["newest"], "2026-05-20");
    assert_eq!(stale["data"]["age_days"], 26);
    assert_eq!(stale["line"], 24);
    let future = &page(&r, "notice/index.html")["findings"][0];
    assert_eq!(future["data"]["date"], "2026-07-20");
    assert!(
        future["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("下半年重点工作"))
    );
}

#[test]
fn later_as_of_makes_the_home_page_stale_and_thresholds_fire_when_lowered() {
    // 2026-07-10: the home page's newest item (06-12) is 28 days old.
    let r = audit_json(
        SITE,
        &[
            "--as-of",
            "2026-07-10",
            "--stale-columns-veto",
            "1",
            "--blank-columns-warn",
            "1",
        ],
    );
    assert_eq!(
        located(&r, "freshness/site"),
        expect(&[
            ("freshness/column-stale", "news/index.html"),
            ("freshness/future-date", "notice/index.html"),
            ("freshness/undated", "xxgk/index.html"),
            ("freshness/blank-column", "column/xczx/index.html"),
            ("freshness/homepage-stale", "site"),
            ("freshness/column-stale-threshold", "site"),
            ("freshness/blank-column-threshold", "site"),
        ])
    );
    let site_findings = r["sites"][0]["findings"].as_array().expect("findings");
    let sev = |id: &str| {
        site_findings
            .iter()
            .find(|f| f["rule"] == id)
            .map(|f| f["severity"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(sev("freshness/homepage-stale").as_deref(), Some("error"));
    assert_eq!(
        sev("freshness/column-stale-threshold").as_deref(),
        Some("error")
    );
    // 1 blank column: past the lowered warning level, below the veto (5): a warning.
    assert_eq!(
        sev("freshness/blank-column-threshold").as_deref(),
        Some("warning")
    );
    assert_eq!(veto(&r, "homepage")["verdict"], "fail");
    assert_eq!(veto(&r, "columns")["verdict"], "fail");
    assert_eq!(veto(&r, "columns")["counts"]["stale"]["threshold"], 1);
    assert_eq!(r["sites"][0]["inspection"]["verdict"], "fail");
    // 6 months back from 2026-07-10 is 2026-01-10: 通知公告 (2026-02-10) is still fresh.
    assert!(columns(&r).contains(&col("通知公告", "notice", "2026-02-10", "fresh")));
}

#[test]
fn aging_home_page_is_a_warning_only() {
    let r = audit_json(SITE, &["--as-of", "2026-06-24"]);
    let found = located(&r, "freshness/site");
    assert!(found.contains(&("freshness/homepage-aging".into(), "site".into())));
    assert!(!found.iter().any(|(id, _)| id == "freshness/homepage-stale"));
    assert_eq!(veto(&r, "homepage")["verdict"], "pass");
    assert_eq!(veto(&r, "homepage")["rules"]["freshness/homepage-aging"], 1);
    // A day later than 14 days is stale; exactly 14 days is not.
    let r = audit_json(SITE, &["--as-of", "2026-06-26"]);
    assert!(
        located(&r, "freshness/site").contains(&("freshness/homepage-aging".into(), "site".into()))
    );
    let r = audit_json(SITE, &["--as-of", "2026-06-27"]);
    assert!(
        located(&r, "freshness/site").contains(&("freshness/homepage-stale".into(), "site".into()))
    );
}

#[test]
fn configured_thresholds_and_keywords_change_the_result() {
    // A 30-day news deadline makes 工作动态 (26 days) fresh; 信息公开 as a news keyword makes
    // the undated column a key column.
    let r = audit_json(
        SITE,
        &[
            "--as-of",
            "2026-06-15",
            "--news-deadline",
            "30d",
            "--news-keywords",
            "工作动态,信息公开",
        ],
    );
    assert!(columns(&r).contains(&col("工作动态", "news", "2026-05-20", "fresh")));
    assert!(columns(&r).contains(&col("信息公开", "news", "-", "undated")));
    assert_eq!(veto(&r, "columns")["counts"]["stale"]["count"], 1);
    assert!(
        !located(&r, "freshness/site")
            .iter()
            .any(|(id, _)| id == "freshness/column-stale")
    );
}

#[test]
fn navigation_only_home_page_is_judged_by_level2_pages() {
    let r = audit_json(HUB, &["--as-of", "2026-06-10"]);
    let home = &r["sites"][0]["freshness"]["home"];
    assert_eq!(home["via"], "level2");
    assert_eq!(home["newest"], "2026-06-01");
    assert_eq!(home["state"], "fresh");
    assert!(
        home["newest_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("notice/index.html"))
    );
    assert_eq!(
        located(&r, "freshness/hub"),
        expect(&[("freshness/column-stale", "news/index.html")])
    );
    let r = audit_json(HUB, &["--as-of", "2026-06-20"]);
    assert_eq!(
        located(&r, "freshness/hub"),
        expect(&[
            ("freshness/column-stale", "news/index.html"),
            ("freshness/homepage-stale", "site"),
        ])
    );
    let msg = r["sites"][0]["findings"][0]["message"]
        .as_str()
        .unwrap_or("");
    assert!(
        msg.contains("二级页面") && msg.contains("2026-06-01"),
        "{msg}"
    );
}

#[test]
fn an_article_given_alone_is_not_a_home_page() {
    let r = audit_json(
        &format!("{SITE}/news/2026/art_0612.html"),
        &["--as-of", "2027-01-01"],
    );
    assert!(located(&r, "freshness/site").is_empty());
    assert_eq!(
        r["sites"][0]["freshness"]["home"]["reason"],
        "not-a-home-page"
    );
    assert_eq!(veto(&r, "homepage")["verdict"], "not_checked");
    assert_eq!(veto(&r, "columns")["verdict"], "not_checked");
    assert_eq!(r["sites"][0]["inspection"]["verdict"], "not_checked");
    let p = page(&r, "art_0612.html");
    assert_eq!(p["dates"]["published"], "2026-06-12");
}

#[test]
fn as_of_must_be_a_calendar_date() {
    for bad in ["2026-02-30", "2026/06/15", "tomorrow"] {
        govaudit()
            .current_dir(root())
            .args(["audit", SITE, "--as-of", bad])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--as-of"));
    }
    govaudit()
        .current_dir(root())
        .args(["audit", SITE, "--news-deadline", "6x"])
        .assert()
        .code(2);
}

#[test]
fn default_as_of_is_today_in_shanghai() {
    let before = govaudit::rules::freshness::dates::Date::today_shanghai().to_string();
    let r = audit_json(SITE, &[]);
    let after = govaudit::rules::freshness::dates::Date::today_shanghai().to_string();
    let got = r["sites"][0]["inspection"]["as_of"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(got == before || got == after, "{got} vs {before}/{after}");
}

#[test]
fn terminal_prints_the_scorecard_in_chinese_and_english() {
    let out = govaudit()
        .current_dir(root())
        .args([
            "audit",
            SITE,
            "--only",
            "freshness",
            "--as-of",
            "2026-07-10",
            "--no-progress",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for want in [
        "国家检查指标（国办秘函〔2019〕19号，govaudit 估计，检查日 2026-07-10）",
        "✗ 未通过  首页不更新：最新信息 2026-06-12，距检查日 2026-07-10 已 28 天（期限 14 天）",
        "工作动态（动态要闻类，期限 14 天）最新 2026-05-20 · 未按期更新",
        "结论（估计）",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let out = govaudit()
        .current_dir(root())
        .args([
            "audit",
            SITE,
            "--only",
            "freshness",
            "--as-of",
            "2026-07-10",
            "--no-progress",
            "--lang",
            "en",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for want in [
        "National inspection indicators (国办秘函〔2019〕19号; govaudit's estimate, as of 2026-07-10)",
        "✗ FAIL  Home page not updated: newest item 2026-06-12, 28 days before 2026-07-10 (limit 14 days)",
        "工作动态 (news (动态/要闻), deadline 14 days) newest 2026-05-20 · NOT UPDATED",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn other_families_feed_the_design_items() {
    // With every family on, the alt-text rules' findings on the example site show up under
    // 无障碍.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    govaudit()
        .current_dir(root())
        .args([
            "audit",
            "examples/site",
            "--as-of",
            "2026-11-27",
            "--no-progress",
            "-f",
            "json",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    validate(&r);
    let design = r["sites"][0]["inspection"]["design"]
        .as_array()
        .expect("design");
    let a11y = design
        .iter()
        .find(|d| d["id"] == "accessibility")
        .expect("a11y item");
    assert_eq!(a11y["verdict"], "fail");
    assert!(
        a11y["rules"]["a11y/image-alt"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );
    assert!(a11y["findings"]["error"].as_u64().is_some_and(|n| n >= 1));
    // The example site at its documented date: exactly the planted violations of
    // examples/site/VIOLATIONS.md (#23, #31-#34).
    let fresh: Vec<(String, String)> = located(&r, "examples/site")
        .into_iter()
        .filter(|(id, _)| id.starts_with("freshness/"))
        .collect();
    assert_eq!(
        fresh,
        expect(&[
            ("freshness/blank-column", "column/empty/index.html"),
            ("freshness/column-stale", "column/rsrm/index.html"),
            ("freshness/future-date", "column/rsrm/index.html"),
            ("freshness/future-date", "column/rsrm/art_3003.html"),
            ("freshness/undated", "column/xxgk/index.html"),
        ])
    );
    let insp = &r["sites"][0]["inspection"];
    assert_eq!(insp["verdict"], "pass");
    assert_eq!(veto(&r, "columns")["counts"]["long_stale"]["count"], 2);
}

fn serve_fixture(dir: &Path) -> common::server::TestServer {
    let mut site = Site::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        let body = std::fs::read(&entry).expect("read fixture");
        if rel == "index.html" {
            site = site.response("/", Response::html(body.clone()));
        }
        site = site.response(&format!("/{rel}"), Response::html(body));
    }
    site.serve()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

// A URL input is crawled breadth-first and the columns are the depth-1 pages.
#[test]
fn loopback_site_at_2026_06_15_gives_exactly_the_expected_findings_and_scorecard() {
    let server = serve_fixture(&root().join(SITE));
    let r = audit_json(&server.url("/"), &["--as-of", "2026-06-15"]);
    let base = server.base();
    check_expected_2026_06_15(&r, base.trim_end_matches('/'), false);
    assert_eq!(r["sites"][0]["freshness"]["home"]["state"], "fresh");
}

/// What the crawler will hand the site stage for the fixture served at
/// `https://www.example.gov.cn/`: the home page at `/` (depth 0, plus `/index.html`, which the
/// home page links to) and every other page at its URL, run through the pipeline's public
/// functions. Stands in for the loopback test until the crawler is merged.
#[test]
fn remote_site_processed_like_a_crawl_gives_the_same_result() {
    use govaudit::audit::{finish_site, process};
    use govaudit::fetch::RawPage;
    use govaudit::report::Report;
    use govaudit::rules::{Engine, SiteInfo, SiteKind};
    use govaudit::services::Services;
    use url::Url;

    let options = govaudit::AuditOptions {
        only: vec!["freshness".into()],
        freshness: govaudit::rules::freshness::FreshnessOptions {
            as_of: Some("2026-06-15".parse().expect("date")),
            ..Default::default()
        },
        ..Default::default()
    };
    let engine = Engine::new(&options).expect("engine");
    let root_url = Url::parse("https://www.example.gov.cn/").expect("url");
    let info = SiteInfo {
        index: 0,
        root: root_url.to_string(),
        root_url: root_url.clone(),
        kind: SiteKind::Remote,
        start_urls: vec![root_url.clone()],
    };
    let services = Services::offline();
    let dir = root().join(SITE);
    let mut processed = Vec::new();
    for file in walk(&dir) {
        let rel = file
            .strip_prefix(&dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        let html = std::fs::read_to_string(&file).expect("fixture");
        let mut urls = vec![root_url.join(&rel).expect("url")];
        if rel == "index.html" {
            urls.push(root_url.clone());
        }
        for url in urls {
            let mut raw = RawPage::from_html(url.clone(), &html);
            raw.depth = u32::from(url != root_url);
            processed.push(process(
                &engine,
                &options,
                &info,
                &services,
                Ok(raw),
                (url, None),
            ));
        }
    }
    let mut report = Report::new(options.lang());
    let site = finish_site(
        &engine,
        &options,
        &info,
        &services,
        processed,
        Vec::new(),
        &mut report.pages,
    );
    report.sites.push(site);
    report.recount();
    let r = serde_json::to_value(&report).expect("json");
    validate(&r);
    check_expected_2026_06_15(&r, "www.example.gov.cn", false);
    assert!(
        r["sites"][0]["freshness"]["home"]["url"] == "https://www.example.gov.cn/",
        "{}",
        r["sites"][0]["freshness"]["home"]
    );
}

/// A remote site whose home page cannot be fetched: 站点无法访问 fails, the home page item is
/// not checked, and no freshness finding is invented.
#[test]
fn unreachable_home_page_fails_the_availability_item() {
    use govaudit::audit::{finish_site, process};
    use govaudit::fetch::{FetchError, FetchErrorKind};
    use govaudit::report::Report;
    use govaudit::rules::{Engine, SiteInfo, SiteKind};
    use govaudit::services::Services;
    use url::Url;

    let options = govaudit::AuditOptions {
        only: vec!["freshness".into(), "page".into()],
        freshness: govaudit::rules::freshness::FreshnessOptions {
            as_of: Some("2026-06-15".parse().expect("date")),
            ..Default::default()
        },
        ..Default::default()
    };
    let engine = Engine::new(&options).expect("engine");
    let root_url = Url::parse("https://www.example.gov.cn/").expect("url");
    let info = SiteInfo {
        index: 0,
        root: root_url.to_string(),
        root_url: root_url.clone(),
        kind: SiteKind::Remote,
        start_urls: vec![root_url.clone()],
    };
    let services = Services::offline();
    let processed = vec![process(
        &engine,
        &options,
        &info,
        &services,
        Err(FetchError::new(
            FetchErrorKind::Timeout,
            "timed out after 15 s",
        )),
        (root_url.clone(), None),
    )];
    let mut report = Report::new(options.lang());
    let site = finish_site(
        &engine,
        &options,
        &info,
        &services,
        processed,
        Vec::new(),
        &mut report.pages,
    );
    report.sites.push(site);
    report.recount();
    let r = serde_json::to_value(&report).expect("json");
    validate(&r);
    assert_eq!(veto(&r, "unreachable")["verdict"], "fail");
    assert_eq!(veto(&r, "unreachable")["rules"]["page/fetch-failed"], 1);
    assert_eq!(veto(&r, "homepage")["verdict"], "not_checked");
    assert_eq!(
        r["sites"][0]["freshness"]["home"]["reason"],
        "home-unreadable"
    );
    assert_eq!(r["sites"][0]["inspection"]["verdict"], "fail");
    assert!(
        located(&r, "www.example.gov.cn")
            .iter()
            .all(|(id, _)| !id.starts_with("freshness/"))
    );
}

/// Runs `(path, html)` pages as a remote site at `https://www.example.gov.cn/` through the
/// pipeline's public functions (the first page is the start page), with freshness on.
fn simulate(pages: &[(&str, &str)], as_of: &str) -> Value {
    use govaudit::audit::{finish_site, process};
    use govaudit::fetch::RawPage;
    use govaudit::report::Report;
    use govaudit::rules::{Engine, SiteInfo, SiteKind};
    use govaudit::services::Services;
    use url::Url;

    let options = govaudit::AuditOptions {
        only: vec!["freshness".into()],
        freshness: govaudit::rules::freshness::FreshnessOptions {
            as_of: Some(as_of.parse().expect("date")),
            ..Default::default()
        },
        ..Default::default()
    };
    let engine = Engine::new(&options).expect("engine");
    let root_url = Url::parse("https://www.example.gov.cn/").expect("url");
    let start = root_url.join(pages[0].0).expect("url");
    let info = SiteInfo {
        index: 0,
        root: root_url.to_string(),
        root_url: root_url.clone(),
        kind: SiteKind::Remote,
        start_urls: vec![start],
    };
    let services = Services::offline();
    let processed = pages
        .iter()
        .map(|(path, html)| {
            let url = root_url.join(path).expect("url");
            process(
                &engine,
                &options,
                &info,
                &services,
                Ok(RawPage::from_html(url.clone(), html)),
                (url, None),
            )
        })
        .collect();
    let mut report = Report::new(options.lang());
    let site = finish_site(
        &engine,
        &options,
        &info,
        &services,
        processed,
        Vec::new(),
        &mut report.pages,
    );
    report.sites.push(site);
    report.recount();
    let r = serde_json::to_value(&report).expect("json");
    validate(&r);
    r
}

#[test]
fn undated_home_page_list_counts_under_the_home_page_item() {
    let home = "<title>某某部门户网站</title><div class='list'><h2>要闻</h2><ul>\
        <li><a href='/yaowen/1.htm'>国务院常务会议研究部署相关工作</a></li>\
        <li><a href='/yaowen/2.htm'>关于进一步优化营商环境的若干措施</a></li>\
        <li><a href='/yaowen/3.htm'>全国秋冬季安全生产工作会议召开</a></li></ul></div>";
    let r = simulate(&[("", home)], "2026-11-27");
    assert_eq!(
        located(&r, "www.example.gov.cn"),
        expect(&[("freshness/undated", "")])
    );
    assert_eq!(veto(&r, "homepage")["rules"]["freshness/undated"], 1);
    assert_eq!(veto(&r, "columns")["rules"]["freshness/undated"], 0);
    // No dated item and no level-2 page audited: the home page item cannot be judged.
    assert_eq!(veto(&r, "homepage")["verdict"], "not_checked");
    // The same list with dates is fine.
    let dated = home.replace("</a></li>", "</a><span>2026-11-25</span></li>");
    let r = simulate(&[("", &dated)], "2026-11-27");
    assert!(located(&r, "www.example.gov.cn").is_empty());
    assert_eq!(veto(&r, "homepage")["verdict"], "pass");
}
