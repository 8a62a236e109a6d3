//! End-to-end tests of the binary: inputs, exit codes, the JSON report and its schema,
//! charsets over HTTP, the catalog commands.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::server::{Response, Site};
use predicates::prelude::*;

fn govaudit() -> Command {
    let mut cmd = Command::cargo_bin("govaudit").expect("binary built");
    cmd.env_remove("GOVAUDIT_LANG").env("NO_COLOR", "1");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("report written");
    serde_json::from_str(&text).expect("report is JSON")
}

fn validate(report: &serde_json::Value) {
    let schema_text =
        std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
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

#[test]
fn example_site_report_has_the_contract_keys_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    govaudit()
        .current_dir(root())
        .args(["audit", "examples/site", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(1);
    let r = read_json(&out);
    validate(&r);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "govaudit");
    assert!(r["tool"]["version"].is_string());
    let summary = &r["summary"];
    let pages = summary["pages"].as_u64().expect("pages");
    assert!(pages >= 6, "example site has at least six pages");
    assert_eq!(pages as usize, r["pages"].as_array().expect("pages").len());
    assert!(summary["findings"].as_u64().expect("findings") > 0);
    assert!(summary["by_severity"]["error"].as_u64().expect("errors") > 0);
    assert!(
        summary["by_rule"]["a11y/image-alt"]
            .as_u64()
            .expect("image-alt count")
            >= 1
    );
    let sites = r["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0]["root"], "examples/site");
    assert!(sites[0]["findings"].is_array());
    // The GBK page decodes: its title reads correctly.
    let notice = r["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| {
            p["path"]
                .as_str()
                .is_some_and(|s| s.ends_with("notice/index.html"))
        })
        .expect("the GBK page is in the report");
    assert_eq!(notice["title"], "通知公告 - 云汀县人民政府");
    assert_eq!(notice["encoding"], "GB18030");
    assert_eq!(notice["charset_source"], "meta");
    // Every finding has the contract keys, with lines for local files.
    let home = r["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| p["path"] == "examples/site/index.html")
        .expect("home page");
    let f = home["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "a11y/image-alt")
        .expect("banner without alt");
    assert!(
        f["message"]
            .as_str()
            .expect("message")
            .contains("images/banner.png")
    );
    assert!(f["line"].as_u64().expect("line") > 1);
    assert!(f["selector"].as_str().expect("selector").contains("img"));
    assert!(f["snippet"].as_str().expect("snippet").starts_with("<img"));
}

#[test]
fn clean_page_exits_0() {
    govaudit()
        .current_dir(root())
        .args(["audit", "tests/fixtures/clean/index.html"])
        .assert()
        .code(0);
}

#[test]
fn missing_path_exits_2_with_a_clear_message() {
    govaudit()
        .args(["audit", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("input not found: no/such/folder"));
}

#[test]
fn usage_errors_exit_2() {
    govaudit().args(["audit"]).assert().code(2);
    govaudit()
        .args(["audit", "--bogus-flag", "x"])
        .assert()
        .code(2);
    govaudit()
        .args(["audit", "ftp://example.gov.cn/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unsupported scheme"));
    govaudit()
        .current_dir(root())
        .args(["audit", "examples/site", "--disable", "a11y/no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule id: a11y/no-such-rule",
        ));
    let empty = tempfile::tempdir().expect("tempdir");
    govaudit()
        .arg("audit")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no HTML files"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("p.html");
    // Only a warning-level finding is possible with these rules enabled.
    std::fs::write(
        &page,
        "<html lang=zh-CN><title>t</title><img src=a.png alt='图片'></html>",
    )
    .expect("write");
    let run = |fail_on: &str| {
        govaudit()
            .args([
                "audit",
                "--only",
                "a11y/image-alt-meaningless",
                "--fail-on",
                fail_on,
            ])
            .arg(&page)
            .assert()
    };
    run("error").code(0);
    run("warning").code(1);
    run("notice").code(1);
    run("never").code(0);
}

#[test]
fn terminal_output_is_plain_chinese_by_default_and_english_on_request() {
    let out = govaudit()
        .current_dir(root())
        .args(["audit", "examples/site", "--only", "a11y/image-alt"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when not a terminal"
    );
    assert!(text.contains("图片缺少 alt 属性"));
    assert!(text.contains("共审计 1 个站点"));
    let out = govaudit()
        .current_dir(root())
        .args([
            "audit",
            "examples/site",
            "--only",
            "a11y/image-alt",
            "--lang",
            "en",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("image has no alt attribute"));
    assert!(text.contains("Audited 1 site(s)"));
}

#[test]
fn quiet_terminal_output_keeps_the_true_totals() {
    let run = |quiet: bool| {
        let mut cmd = govaudit();
        cmd.current_dir(root()).args([
            "audit",
            "examples/site",
            "--only",
            "a11y/image-alt",
            "--lang",
            "en",
        ]);
        if quiet {
            cmd.arg("-q");
        }
        String::from_utf8(cmd.output().expect("runs").stdout).expect("utf-8")
    };
    let (full, quiet) = (run(false), run(true));
    let totals = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("Audited "))
            .map(str::to_string)
            .expect("a totals line")
    };
    // The same totals, "without findings" included: quiet only hides the finding lines.
    assert_eq!(totals(&full), totals(&quiet));
    assert!(full.contains("image has no alt attribute"));
    assert!(!quiet.contains("image has no alt attribute"), "{quiet}");
    assert!(!quiet.contains("no site-level findings") || full.contains("no site-level findings"));
}

#[test]
fn bad_files_are_findings_not_crashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("empty.html"), b"").expect("write");
    std::fs::write(
        d.join("binary.html"),
        (0..=255u8).cycle().take(50_000).collect::<Vec<u8>>(),
    )
    .expect("write");
    std::fs::write(d.join("nul.html"), b"<title>a\0b</title><img src=x\0y>").expect("write");
    std::fs::write(d.join("gbk-as-utf8.html"), {
        let mut b = b"<meta charset=utf-8><title>".to_vec();
        b.extend(
            encoding_rs::GB18030
                .encode("开平市人民政府门户网站，政府信息公开")
                .0
                .iter(),
        );
        b.extend(b"</title>");
        b
    })
    .expect("write");
    let out = d.join("r.json");
    govaudit()
        .arg("audit")
        .arg(d)
        .args(["--format", "json", "--fail-on", "never", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let r = read_json(&out);
    validate(&r);
    assert_eq!(r["summary"]["pages"], 4);
    let gbk = r["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| {
            p["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("gbk-as-utf8.html"))
        })
        .expect("page listed");
    let rules: Vec<&str> = gbk["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"page/encoding-errors"), "{rules:?}");
}

#[test]
fn url_input_decodes_charset_from_header_before_meta() {
    // The header says GBK, the meta says UTF-8: the header wins, as in browsers.
    let html = "<html><head><meta charset=utf-8><title>开平市人民政府</title></head><body><p>政务公开</p></body></html>";
    let gbk = encoding_rs::GB18030.encode(html).0.into_owned();
    let big5 = encoding_rs::BIG5
        .encode("<html><head><meta charset=big5><title>臺灣省政府</title></head><body>資訊公開</body></html>")
        .0
        .into_owned();
    let server = Site::new()
        .response("/gbk.html", Response::html_with_charset(gbk, "gbk"))
        .response("/big5.html", Response::bytes(200, "text/html", big5))
        .response("/missing.html", Response::not_found())
        .serve();
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, title, encoding, source) in [
        ("/gbk.html", "开平市人民政府", "GB18030", "header"),
        ("/big5.html", "臺灣省政府", "Big5", "meta"),
    ] {
        let out = dir.path().join("r.json");
        govaudit()
            .args([
                "audit",
                &server.url(path),
                "--format",
                "json",
                "--fail-on",
                "never",
                "--timeout",
                "5",
                "-o",
            ])
            .arg(&out)
            .assert()
            .code(0);
        let r = read_json(&out);
        validate(&r);
        let page = &r["pages"][0];
        assert_eq!(page["title"], title, "{path}");
        assert_eq!(page["encoding"], encoding, "{path}");
        assert_eq!(page["charset_source"], source, "{path}");
        assert_eq!(page["status"], 200);
    }
    let out = dir.path().join("r.json");
    govaudit()
        .args([
            "audit",
            &server.url("/missing.html"),
            "--format",
            "json",
            "--only",
            "page",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let r = read_json(&out);
    assert_eq!(r["pages"][0]["status"], 404);
    assert_eq!(r["pages"][0]["findings"][0]["rule"], "page/http-error");
}

#[test]
fn dead_host_is_a_finding_and_the_report_is_still_written() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    govaudit()
        .args([
            "audit",
            &format!("http://127.0.0.1:{port}/"),
            "--format",
            "json",
            "--timeout",
            "3",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let r = read_json(&out);
    validate(&r);
    let f = &r["pages"][0]["findings"][0];
    assert_eq!(f["rule"], "page/fetch-failed");
}

#[test]
fn rules_and_explain_commands() {
    let out = govaudit()
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert!(ids.contains(&"a11y/image-alt"));
    assert!(ids.contains(&"page/fetch-failed"));
    govaudit()
        .args(["rules", "--family", "a11y"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a11y/area-alt"));
    govaudit()
        .args(["explain", "a11y/image-alt"])
        .assert()
        .success()
        .stdout(predicate::str::contains("WCAG: 1.1.1").and(predicate::str::contains("如何修复")));
    govaudit()
        .args(["explain", "a11y/image-alt", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("How to fix"));
    govaudit()
        .args(["explain", "a11y/nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule id"));
}

#[test]
fn readme_help_block_matches_the_binary() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("<!-- help:start -->")
        .expect("README has a help block");
    let end = readme.find("<!-- help:end -->").expect("help block ends");
    let block = &readme[start..end];
    let block = block
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.rsplit_once("```"))
        .map(|(b, _)| b)
        .expect("help block is a text code block");
    let out = govaudit().arg("--help").output().expect("runs");
    let help = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        block.trim_end(),
        help.trim_end(),
        "README's --help block is out of date"
    );
}
