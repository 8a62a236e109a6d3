//! Issue #3: the seed footer "备案编号: 粤ICP备05079694号  网站标识码:4407830003  粤公网安备;
//! 44078302000116" on a page served as GBK, audited over HTTP by the real binary.

mod common;

use assert_cmd::Command;
use common::server::{Response, Site};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/filing/gbk-seed.html");

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable, "fixture must be GBK-encodable");
    bytes.into_owned()
}

fn audit(url: &str, extra: &[&str]) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let mut cmd = Command::cargo_bin("govaudit").expect("binary");
    cmd.args(["audit", url, "--format", "json", "--no-progress", "-o"])
        .arg(&out)
        .args(extra)
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy");
    let output = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let text =
        std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no report ({e}): {stderr}"));
    (serde_json::from_str(&text).expect("json"), stderr)
}

/// Rule ids of the report's findings (page and site), for the given families.
fn rules(r: &Value) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    let lists = r["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| &p["findings"])
        .chain(
            r["sites"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| &s["findings"]),
        );
    for list in lists {
        for f in list.as_array().into_iter().flatten() {
            let id = f["rule"].as_str().unwrap_or("").to_string();
            if ["filing/", "identity/", "consistency/"]
                .iter()
                .any(|p| id.starts_with(p))
            {
                v.push(id);
            }
        }
    }
    v.sort();
    v.dedup();
    v
}

#[test]
fn gbk_seed_footer_over_http() {
    let server = Site::new()
        .response(
            "/notice/index.html",
            Response::html_with_charset(gbk(FIXTURE), "gbk"),
        )
        .serve();
    let url = server.url("/notice/index.html");
    let (r, stderr) = audit(&url, &[]);
    let page = &r["pages"][0];
    assert!(
        page["encoding"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case("gb18030")),
        "{stderr}"
    );
    assert_eq!(page["title"], "通知公告 - 开平市人民政府");
    let id = &page["identity"];
    assert_eq!(id["icp"]["text"], "粤ICP备05079694号");
    assert_eq!(id["icp"]["province"], "粤");
    assert_eq!(id["icp"]["number"], "05079694");
    assert_eq!(id["icp"]["link"], Value::Null);
    assert_eq!(id["psb"]["text"], "粤公网安备; 44078302000116");
    assert_eq!(id["psb"]["digits"], "44078302000116");
    assert_eq!(id["psb"]["link"], Value::Null);
    assert_eq!(id["site_code"], "4407830003");
    assert_eq!(id["meta_site_code"], "4407830003");
    assert_eq!(id["sponsor"], "开平市人民政府办公室");

    let found = rules(&r);
    for expected in [
        "filing/icp-link",
        "filing/psb-format",
        "filing/psb-link",
        "filing/psb-icon",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} missing from {found:?}"
        );
    }
    for absent in [
        "filing/icp-missing",
        "filing/icp-format",
        "filing/psb-missing",
        "identity/site-code-missing",
        "identity/site-code-format",
        "identity/conac-missing",
        "identity/jiucuo-missing",
        "identity/sponsor-missing",
        "identity/contact-missing",
    ] {
        assert!(
            !found.iter().any(|f| f == absent),
            "unexpected {absent} in {found:?}"
        );
    }
    // Footer findings of a single-page audit are site findings listing the page, as on a crawl.
    let site = &r["sites"][0];
    let psb = site["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == "filing/psb-format"))
        .expect("psb-format site finding");
    assert_eq!(psb["count"], 1);
    assert_eq!(psb["pages"][0], url.as_str());
    assert_eq!(psb["data"]["problem"], "punctuation");
    assert!(
        psb["message"]
            .as_str()
            .is_some_and(|m| m.contains("粤公网安备; 44078302000116"))
    );
    // The remote host is not .gov.cn while the page shows a valid site code.
    assert!(
        found.iter().any(|f| f == "identity/domain-not-govcn"),
        "{found:?}"
    );
}

#[test]
fn gbk_seed_footer_in_english() {
    let server = Site::new()
        .response("/", Response::html_with_charset(gbk(FIXTURE), "gb2312"))
        .serve();
    let (r, _) = audit(&server.url("/"), &["--lang", "en", "--only", "filing"]);
    let msgs: Vec<&str> = r["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("is malformed") && m.contains("a stray “;” after 公网安备")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("is not linked")), "{msgs:?}");
}
