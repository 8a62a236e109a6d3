//! Baselines: `--write-baseline` then `--baseline` on the same site passes; a new violation
//! fails with only that one reported; a fixed one is reported as fixed; fingerprints survive
//! re-publishing (moved lines, changed class names and dates, another checkout folder).

mod report_support;

use report_support::*;
use serde_json::Value;

fn audit_json(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let out = audit(dir)
        .args(args)
        .args(["-f", "json", "-o", "out.json"])
        .output()
        .expect("runs");
    let code = out.status.code().expect("exit code");
    assert!(
        code != 2,
        "usage error: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, read_json(&dir.join("out.json")))
}

fn baseline_summary(r: &Value) -> &Value {
    &r["summary"]["baseline"]
}

#[test]
fn round_trip_same_site_new_violation_and_fixed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    violating_site(&site);

    // Record: exit 0 although there are errors (the baseline accepts them).
    let (code, r) = audit_json(tmp.path(), &["site", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(r["summary"]["findings"], 3);
    let b = read_json(&tmp.path().join("baseline.json"));
    assert_eq!(b["govaudit_baseline"], 1);
    let entries = b["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e["fingerprint"].as_str().is_some_and(|f| f.len() == 32))
    );
    assert!(entries.iter().all(|e| e["site"] == "local:site"));
    assert!(entries.iter().all(|e| e.get("line").is_none()));

    // Same site: nothing new, exit 0.
    let (code, r) = audit_json(tmp.path(), &["site", "--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(r["summary"]["findings"], 0);
    let s = baseline_summary(&r);
    assert_eq!(
        (
            s["new"].as_u64(),
            s["present"].as_u64(),
            s["fixed"].as_u64(),
            s["stale"].as_u64()
        ),
        (Some(0), Some(3), Some(0), Some(0))
    );

    // One new violation: exit 1, and it is the only finding reported.
    write_files(
        &site,
        &[(
            "news/a.html",
            page(
                "新闻",
                "<form action=\"/s\"><input type=\"image\" src=\"images/go.gif\"></form>\n<img src=\"images/new.png\">",
            ),
        )],
    );
    let (code, r) = audit_json(tmp.path(), &["site", "--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&r), ["a11y/image-alt"]);
    let new_page = r["pages"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|p| !p["findings"].as_array().is_some_and(Vec::is_empty))
        })
        .expect("page with the new finding");
    assert_eq!(new_page["path"], "site/news/a.html");
    assert!(
        new_page["findings"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("new.png")
    );
    let s = baseline_summary(&r);
    assert_eq!(s["new"], 1);
    assert_eq!(s["present"], 3);
    assert_eq!(s["fixed"], 0);

    // One fixed (and the new one removed again): exit 0, the fixed one is reported.
    write_files(
        &site,
        &[
            (
                "news/a.html",
                page(
                    "新闻",
                    "<form action=\"/s\"><input type=\"image\" src=\"images/go.gif\"></form>",
                ),
            ),
            (
                "index.html",
                page(
                    "首页",
                    "<div id=\"main\">\n<img src=\"images/banner.png\" class=\"css-1a2b3c\">\n<p>欢迎</p>\n<img src=\"images/logo.png\" alt=\"云汀县\">\n</div>",
                ),
            ),
        ],
    );
    let (code, r) = audit_json(tmp.path(), &["site", "--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(r["summary"]["findings"], 0);
    let s = baseline_summary(&r);
    assert_eq!(s["fixed"], 1);
    assert_eq!(s["present"], 2);
    let fixed = &s["fixed_entries"][0];
    assert_eq!(fixed["rule"], "a11y/image-alt");
    assert_eq!(fixed["location"], "index.html");
    assert!(fixed["message"].as_str().unwrap_or("").contains("logo.png"));

    // The exit code follows --fail-on on the new findings only.
    let (code, _) = audit_json(
        tmp.path(),
        &["site", "--baseline", "baseline.json", "--fail-on", "notice"],
    );
    assert_eq!(code, 0);
}

#[test]
fn fingerprints_survive_republishing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("a/site"));
    audit(tmp.path())
        .args(["a/site", "--write-baseline", "b.json", "--fail-on", "never"])
        .assert()
        .success();
    // Another checkout folder, lines moved, class names and digits changed, other content
    // added before the elements.
    let moved = tmp.path().join("elsewhere/deep/site");
    write_files(
        &moved,
        &[
            (
                "index.html",
                page(
                    "首页（2026年改版）",
                    "<header><p>通知</p><p>公告</p></header>\n\n\n<div id=\"main\">\n<p>新增段落</p>\n<img src=\"images/banner.png\" class=\"css-9z8y7x\">\n<p>欢迎</p>\n<img class=\"x\" src=\"images/logo.png\">\n</div>",
                ),
            ),
            (
                "news/a.html",
                page(
                    "新闻",
                    "<p>2026-11-27</p>\n<form action=\"/s\"><input type=\"image\" src=\"images/go.gif\"></form>",
                ),
            ),
            ("about.html", page("关于", "<p>县情</p>")),
        ],
    );
    let (code, r) = audit_json(tmp.path(), &["elsewhere/deep/site", "--baseline", "b.json"]);
    assert_eq!(code, 0, "{:#}", r["summary"]);
    let s = baseline_summary(&r);
    assert_eq!(s["present"], 3);
    assert_eq!(s["new"], 0);
}

#[test]
fn stale_entries_and_other_sites() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    violating_site(&tmp.path().join("other"));
    audit(tmp.path())
        .args(["site", "other", "--write-baseline", "b.json"])
        .assert()
        .success();
    // The news page is gone: its finding is stale (cannot be checked), not fixed.
    std::fs::remove_file(tmp.path().join("site/news/a.html")).expect("rm");
    // Only `site` is audited (as in a shard): entries of `other` are not counted.
    let (code, r) = audit_json(tmp.path(), &["site", "--baseline", "b.json"]);
    assert_eq!(code, 0);
    let s = baseline_summary(&r);
    assert_eq!(s["stale"], 1);
    assert_eq!(s["fixed"], 0);
    assert_eq!(s["present"], 2);
    assert_eq!(s["stale_entries"][0]["reason"], "page-not-audited");
    // A rule that does not run: its entries are stale too.
    let (code, r) = audit_json(
        tmp.path(),
        &[
            "site",
            "--baseline",
            "b.json",
            "--disable",
            "a11y/image-alt",
        ],
    );
    assert_eq!(code, 0);
    let s = baseline_summary(&r);
    assert_eq!(s["stale"], 3);
    assert!(
        s["stale_entries"]
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["reason"] == "rule-not-run")
    );
}

#[test]
fn baseline_errors_are_clear() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    audit(tmp.path())
        .args(["site", "--baseline", "missing.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--write-baseline"));
    std::fs::write(tmp.path().join("bad.json"), "{\"x\": 1}").expect("write");
    audit(tmp.path())
        .args(["site", "--baseline", "bad.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a govaudit baseline"));
}

#[test]
fn baseline_applies_to_every_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    violating_site(&site);
    audit(tmp.path())
        .args(["site", "--write-baseline", "b.json"])
        .assert()
        .success();
    write_files(&site, &[("new.html", page("n", "<img src=\"n.png\">"))]);
    audit(tmp.path())
        .args([
            "site",
            "--baseline",
            "b.json",
            "-f",
            "sarif,junit,jsonl,markdown",
            "--output-dir",
            "out",
        ])
        .assert()
        .code(1);
    let sarif = read_json(&tmp.path().join("out/report.sarif"));
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1)
    );
    let junit = std::fs::read_to_string(tmp.path().join("out/report.junit.xml")).expect("read");
    assert_eq!(junit.matches("<failure").count(), 1);
    let md = std::fs::read_to_string(tmp.path().join("out/report.md")).expect("read");
    assert!(
        md.contains("**1** new") || md.contains("新增 **1**"),
        "{md}"
    );
    // The stream applies the baseline as it goes.
    let jsonl = std::fs::read_to_string(tmp.path().join("out/report.jsonl")).expect("read");
    let findings: usize = jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "page" || v["type"] == "site")
        .map(|v| v["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(findings, 1);
    let last: Value = serde_json::from_str(jsonl.lines().last().expect("line")).expect("json");
    assert_eq!(last["summary"]["baseline"]["new"], 1);
}
