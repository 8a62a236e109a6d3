//! The accessibility family end to end: the example site's planted violations, realistic
//! fixture pages (tests/fixtures/a11y), the 无障碍 entry facts and site rules, the toolbar
//! script check online and offline, the conformance-level filter, duplicate titles.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

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

/// Runs `govaudit audit ARGS --format json` and returns the report.
fn audit(args: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let assert = govaudit()
        .current_dir(root())
        .arg("audit")
        .args(args)
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-progress",
            "-o",
        ])
        .arg(&out)
        .assert();
    let status = assert.get_output().status.code();
    assert_eq!(status, Some(0), "{:?}", assert.get_output());
    let text = std::fs::read_to_string(&out).expect("report written");
    let report: Value = serde_json::from_str(&text).expect("JSON");
    validate(&report);
    report
}

fn validate(report: &Value) {
    let schema_text =
        std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema file");
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match the schema: {errors:#?}"
    );
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// Page path relative to `base`, with `/`.
fn rel(path: &str, base: &str) -> String {
    let p = path.replace('\\', "/");
    match p.find(base) {
        Some(i) => p[i + base.len()..].trim_start_matches('/').to_string(),
        None => p,
    }
}

/// `(page, rule)` of every page finding at or above warning, plus aggregated site findings
/// expanded to their pages.
fn page_rules(report: &Value, base: &str, min_warning: bool) -> BTreeSet<(String, String)> {
    let keep = |f: &Value| !min_warning || f["severity"] != "notice";
    let mut out = BTreeSet::new();
    for p in arr(&report["pages"]) {
        let name = rel(p["path"].as_str().unwrap_or(""), base);
        for f in arr(&p["findings"]) {
            if keep(f) {
                out.insert((name.clone(), f["rule"].as_str().unwrap_or("").to_string()));
            }
        }
    }
    for s in arr(&report["sites"]) {
        for f in arr(&s["findings"]) {
            if !keep(f) {
                continue;
            }
            for page in f["pages"].as_array().into_iter().flatten() {
                out.insert((
                    rel(page.as_str().unwrap_or(""), base),
                    f["rule"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    out
}

fn site_rules(report: &Value) -> Vec<String> {
    arr(&report["sites"])
        .iter()
        .flat_map(|s| arr(&s["findings"]).iter())
        .filter(|f| f["pages"].as_array().is_none_or(Vec::is_empty))
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn example_site_has_exactly_the_planted_a11y_errors_and_warnings() {
    let r = audit(&["examples/site", "--only", "a11y"]);
    let got = page_rules(&r, "examples/site", true);
    let big5 = "gate/big5/www.yunting.gov.cn/index.html";
    let mut want: BTreeSet<(String, String)> = [
        ("index.html", "a11y/image-alt"),
        ("index.html", "a11y/image-alt-meaningless"),
        ("index.html", "a11y/label"),
        ("index.html", "a11y/input-image-alt"),
        (big5, "a11y/image-alt"),
        (big5, "a11y/image-alt-meaningless"),
        (big5, "a11y/label"),
        (big5, "a11y/input-image-alt"),
        ("news/index.html", "a11y/meta-viewport"),
        ("news/index.html", "a11y/link-name"),
        ("news/index.html", "a11y/marquee"),
        ("news/2026/art_1001.html", "a11y/image-alt-meaningless"),
        ("news/2026/art_1001.html", "a11y/color-contrast"),
        ("about/index.html", "a11y/area-alt"),
        ("about/index.html", "a11y/td-has-header"),
        ("notice/index.html", "a11y/html-has-lang"),
        ("sitemap.html", "a11y/tabindex"),
        ("sitemap.html", "a11y/select-name"),
    ]
    .iter()
    .map(|(p, r)| (p.to_string(), r.to_string()))
    .collect();
    // The template has no <main> on any page (one aggregated site finding).
    for p in arr(&r["pages"]) {
        let name = rel(p["path"].as_str().unwrap_or(""), "examples/site");
        want.insert((name, "a11y/landmark-one-main".into()));
    }
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "unexpected findings"
    );
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "missing findings"
    );
    // Notices: the heading skip is planted; no entry-missing, toolbar ok.
    let notices = page_rules(&r, "examples/site", false);
    assert!(notices.contains(&(
        "news/2026/art_1002.html".into(),
        "a11y/heading-order".into()
    )));
    assert!(site_rules(&r).is_empty(), "{:?}", site_rules(&r));
    let site = &r["sites"][0]["a11y"];
    assert_eq!(site["entry"]["home"], true);
    assert_eq!(site["toolbar_scripts"][0]["status"], "ok");
}

#[test]
fn example_site_entry_facts_on_every_page() {
    let r = audit(&["examples/site", "--only", "a11y/entry-missing"]);
    for p in arr(&r["pages"]) {
        let e = &p["identity"]["entries"];
        assert_eq!(e["accessibility"], true, "{}", p["path"]);
        assert_eq!(e["accessibility_toolbar"], "aria.js", "{}", p["path"]);
        assert_eq!(p["a11y"]["toolbar"]["host"], "self-hosted");
        assert_eq!(p["a11y"]["toolbar"]["calls"][0], "start");
    }
}

#[test]
fn realistic_portal_fixture() {
    let r = audit(&[
        "tests/fixtures/a11y/portal",
        "--only",
        "a11y",
        "--level",
        "AAA",
    ]);
    let got = page_rules(&r, "tests/fixtures/a11y/portal", false);
    for (page, rule) in [
        ("index.html", "a11y/html-lang-valid"),
        ("index.html", "a11y/meta-viewport"),
        ("index.html", "a11y/image-alt"),
        ("index.html", "a11y/link-name"),
        ("index.html", "a11y/label"),
        ("index.html", "a11y/button-name"),
        ("index.html", "a11y/list"),
        ("index.html", "a11y/aria-hidden-focus"),
        ("index.html", "a11y/marquee"),
        ("index.html", "a11y/link-ambiguous"),
        ("index.html", "a11y/duplicate-id"),
        ("index.html", "a11y/video-caption"),
        ("index.html", "a11y/frame-title"),
        ("index.html", "a11y/td-has-header"),
        ("index.html", "a11y/select-name"),
        ("index.html", "a11y/color-contrast"),
        ("index.html", "a11y/tabindex"),
        ("index.html", "a11y/bypass"),
        ("index.html", "a11y/page-has-heading-one"),
        ("article.html", "a11y/avoid-inline-spacing"),
        ("article.html", "a11y/heading-order"),
        ("article.html", "a11y/image-alt-meaningless"),
        ("article.html", "a11y/empty-heading"),
        ("article.html", "a11y/td-headers-attr"),
        ("article.html", "a11y/image-redundant-alt"),
        ("article.html", "a11y/nested-interactive"),
        ("article.html", "a11y/link-ambiguous"),
        ("service.html", "a11y/meta-refresh"),
        ("service.html", "a11y/no-autoplay-audio"),
        ("service.html", "a11y/aria-required-attr"),
        ("service.html", "a11y/aria-valid-attr"),
        ("service.html", "a11y/aria-valid-attr-value"),
        ("service.html", "a11y/select-name"),
        ("service.html", "a11y/label"),
        ("service.html", "a11y/captcha-alternative"),
        ("service.html", "a11y/input-button-name"),
    ] {
        assert!(
            got.contains(&(page.to_string(), rule.to_string())),
            "{page}: {rule} missing"
        );
    }
    // The footer badges (党政机关, 找错) and the back-to-top icon: four unnamed links.
    let index = arr(&r["pages"])
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .is_some_and(|s| s.ends_with("portal/index.html"))
        })
        .expect("index");
    let count = |rule: &str| {
        arr(&index["findings"])
            .iter()
            .filter(|f| f["rule"] == rule)
            .count()
    };
    assert_eq!(count("a11y/link-name"), 4);
    assert_eq!(count("a11y/image-alt"), 3);
    assert_eq!(count("a11y/aria-hidden-focus"), 2);
    // The home page has no entry: the site rule fires; the toolbar script of the article
    // page is missing from the folder.
    let site = site_rules(&r);
    assert!(site.contains(&"a11y/entry-missing".to_string()), "{site:?}");
    assert!(
        site.contains(&"a11y/toolbar-script-broken".to_string()),
        "{site:?}"
    );
    // The service page's cniil trigger is an entry (not on the home page).
    let service = arr(&r["pages"])
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .is_some_and(|s| s.ends_with("service.html"))
        })
        .expect("service");
    assert_eq!(
        service["identity"]["entries"]["accessibility_toolbar"],
        "cniil"
    );
}

#[test]
fn accessible_fixture_is_clean() {
    let r = audit(&[
        "tests/fixtures/a11y/accessible",
        "--only",
        "a11y",
        "--level",
        "AAA",
    ]);
    let all = page_rules(&r, "tests/fixtures/a11y/accessible", false);
    assert!(all.is_empty(), "{all:#?}");
    assert!(site_rules(&r).is_empty());
    assert_eq!(r["pages"][0]["identity"]["entries"]["accessibility"], true);
    assert_eq!(r["sites"][0]["a11y"]["toolbar_scripts"][0]["status"], "ok");
}

#[test]
fn commented_out_entry_is_no_entry() {
    let r = audit(&["tests/fixtures/a11y/entry/commented.html", "--only", "a11y"]);
    let e = &r["pages"][0]["identity"]["entries"];
    assert_eq!(e["accessibility"], false);
    assert_eq!(e["accessibility_toolbar"], Value::Null);
    assert_eq!(site_rules(&r), vec!["a11y/entry-missing".to_string()]);
    let f = arr(&r["sites"][0]["findings"])
        .iter()
        .find(|f| f["rule"] == "a11y/entry-missing")
        .expect("entry-missing");
    assert_eq!(f["data"]["decided_on"], "home");
    assert!(
        f["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("commented.html"))
    );
}

#[test]
fn level_filter() {
    let page = "tests/fixtures/a11y/portal/index.html";
    let rules = |level: &str| -> BTreeSet<String> {
        let r = audit(&[page, "--only", "a11y", "--level", level]);
        page_rules(&r, "portal", false)
            .into_iter()
            .map(|(_, rule)| rule)
            .collect()
    };
    let a = rules("A");
    let aa = rules("AA");
    let aaa = rules("aaa");
    // Level AA criteria (1.4.3 contrast, 1.4.4 resize) only from AA up; 1.4.6 only at AAA.
    assert!(!a.contains("a11y/meta-viewport") && !a.contains("a11y/color-contrast"));
    assert!(aa.contains("a11y/meta-viewport") && aa.contains("a11y/color-contrast"));
    assert!(!aa.contains("a11y/color-contrast-enhanced"));
    assert!(aaa.contains("a11y/color-contrast-enhanced"));
    // Level A rules run at every level.
    for set in [&a, &aa, &aaa] {
        assert!(set.contains("a11y/image-alt") && set.contains("a11y/link-name"));
    }
}

#[test]
fn duplicate_titles_are_a_site_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a.html", "b.html", "c.html"] {
        std::fs::write(
            dir.path().join(name),
            "<!doctype html><html lang=zh-CN><head><title>无标题文档</title></head><body><main><h1>x</h1></main></body></html>",
        )
        .expect("write");
    }
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><html lang=zh-CN><head><title>首页</title></head><body><main><h1>首页</h1></main></body></html>",
    )
    .expect("write");
    let d = dir.path().to_str().expect("utf-8 path");
    let r = audit(&[d, "--only", "a11y/document-title-duplicate"]);
    let f = &r["sites"][0]["findings"];
    assert_eq!(arr(f).len(), 1, "{f:#?}");
    assert_eq!(f[0]["count"], 3);
    assert_eq!(f[0]["data"]["title"], "无标题文档");
    let r = audit(&[
        d,
        "--only",
        "a11y/document-title-duplicate",
        "--a11y-duplicate-title-pages",
        "4",
    ]);
    assert!(arr(&r["sites"][0]["findings"]).is_empty());
}

fn toolbar_page(script: &str) -> String {
    format!(
        "<!doctype html><html lang=zh-CN><head><title>测试</title><script src=\"{script}\"></script></head>\
         <body><a href=\"javascript:void(0)\" onclick=\"aria.start()\">无障碍</a><main><h1>x</h1></main></body></html>"
    )
}

#[test]
fn toolbar_script_checked_online() {
    let good = "var aria={start:function(){},oldFixedStart:function(){}};";
    let cases: Vec<(Response, bool, &str)> = vec![
        (
            Response::bytes(200, "application/javascript", good.as_bytes().to_vec()),
            false,
            "",
        ),
        (Response::not_found(), true, "404"),
        (
            Response::html("<!DOCTYPE html><html><body>页面不存在</body></html>"),
            true,
            "HTML",
        ),
        (
            Response::bytes(
                200,
                "application/javascript",
                b"console.log('appid expired');".to_vec(),
            ),
            true,
            "aria.start()",
        ),
    ];
    for (script, broken, reason) in cases {
        let server = Site::new()
            .page(
                "/",
                toolbar_page("/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83"),
            )
            .response("/dist/aria.js", script)
            .serve();
        let url = server.url("/");
        let r = audit(&[&url, "--only", "a11y", "--lang", "en", "--timeout", "5"]);
        let site = site_rules(&r);
        assert_eq!(
            site.contains(&"a11y/toolbar-script-broken".to_string()),
            broken,
            "{reason}: {site:?}"
        );
        let status = &r["sites"][0]["a11y"]["toolbar_scripts"][0]["status"];
        assert_eq!(status, if broken { "broken" } else { "ok" }, "{reason}");
        if broken {
            let f = arr(&r["sites"][0]["findings"])
                .iter()
                .find(|f| f["rule"] == "a11y/toolbar-script-broken")
                .expect("finding");
            assert!(
                f["message"].as_str().is_some_and(|m| m.contains(reason)),
                "{reason}: {}",
                f["message"]
            );
        }
        // The script is fetched (GET) once by this rule; the links family checks it too
        // (HEAD, and a GET retry when HEAD fails).
        let gets = server.hits_method("GET", "/dist/aria.js");
        let heads = server.hits_method("HEAD", "/dist/aria.js");
        assert_eq!(
            gets,
            if heads > 0 && reason == "404" { 2 } else { 1 },
            "{reason}"
        );
    }
}

#[test]
fn remote_toolbar_script_offline_is_not_verified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("index.html");
    std::fs::write(
        &page,
        toolbar_page("//wza.www.gov.cn/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83"),
    )
    .expect("write");
    let r = audit(&[page.to_str().expect("utf-8"), "--only", "a11y"]);
    assert!(site_rules(&r).is_empty(), "{:?}", site_rules(&r));
    let s = &r["sites"][0]["a11y"]["toolbar_scripts"][0];
    assert_eq!(s["status"], "not verified");
    let p = &r["pages"][0];
    assert_eq!(p["identity"]["entries"]["accessibility_toolbar"], "aria.js");
    assert_eq!(p["a11y"]["toolbar"]["host"], "wza.www.gov.cn");
    assert_eq!(
        p["a11y"]["toolbar"]["appid"],
        "44fa773aaaee697bd3f5d0fbfc36bf83"
    );
}

#[test]
fn local_folder_toolbar_script_missing_is_broken() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("index.html"), toolbar_page("/dist/aria.js")).expect("write");
    let d = dir.path().to_str().expect("utf-8");
    let r = audit(&[d, "--only", "a11y"]);
    assert_eq!(
        site_rules(&r),
        vec!["a11y/toolbar-script-broken".to_string()]
    );
    std::fs::create_dir(dir.path().join("dist")).expect("mkdir");
    std::fs::write(
        dir.path().join("dist/aria.js"),
        "var aria={start:function(){}};",
    )
    .expect("write");
    let r = audit(&[d, "--only", "a11y"]);
    assert!(site_rules(&r).is_empty(), "{:?}", site_rules(&r));
}

#[test]
fn entry_texts_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("index.html");
    std::fs::write(
        &page,
        "<!doctype html><html lang=zh-CN><head><title>t</title></head><body><a href=/a11y.html>信息无障碍</a><a href=/zs.html>助老服务</a></body></html>",
    )
    .expect("write");
    let p = page.to_str().expect("utf-8");
    let r = audit(&[p, "--only", "a11y/entry-missing"]);
    assert_eq!(r["pages"][0]["identity"]["entries"]["accessibility"], true);
    let r = audit(&[
        p,
        "--only",
        "a11y/entry-missing",
        "--a11y-entry-text",
        "长者模式",
    ]);
    assert_eq!(r["pages"][0]["identity"]["entries"]["accessibility"], false);
    assert_eq!(site_rules(&r), vec!["a11y/entry-missing".to_string()]);
    let r = audit(&[
        p,
        "--only",
        "a11y/entry-missing",
        "--a11y-entry-text",
        "助老服务,长者模式",
    ]);
    assert_eq!(r["pages"][0]["identity"]["entries"]["accessibility"], true);
}
