//! Link checking of a local folder: links between the folder's files are resolved against the
//! folder (root-relative ones too) and looked up on disk; remote links are checked only with
//! `--online`, so a CI job without network gets no false broken links.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::server::Site;
use serde_json::Value;

fn audit(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("govaudit")
        .expect("binary")
        .args(["audit", "-f", "json", "--no-progress"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn broken(v: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = v["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "links/broken")
        .map(|f| {
            let msg = f["message"].as_str().unwrap_or_default().to_string();
            let pages = f["pages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str())
                .map(|p| {
                    Path::new(p)
                        .file_name()
                        .map_or(p.to_string(), |n| n.to_string_lossy().into_owned())
                })
                .collect();
            (msg, pages)
        })
        .collect();
    out.sort();
    out
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

#[test]
fn local_folder_links_offline_and_online() {
    let server = Site::new()
        .page("/remote-ok.html", "<title>ok</title>")
        .serve();
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    write(
        root,
        "index.html",
        &format!(
            r##"<html lang="zh-CN"><head><title>首页</title>
            <link rel="stylesheet" href="/css/site.css"><link rel="stylesheet" href="/css/gone.css"></head>
            <body><a href="#top">顶部</a><a href="about/">关于</a><a href="missing.html">缺失</a>
            <img src="images/ok.png" alt="图"><img src="images/gone.png" alt="缺图">
            <a href="doc/report.pdf">报告</a><a href="mailto:x@example.gov.cn">信箱</a>
            <a href="{}">远程缺失</a><a href="{}">远程正常</a></body></html>"##,
            server.url("/remote-missing.html"),
            server.url("/remote-ok.html")
        ),
    );
    write(
        root,
        "about/index.html",
        r#"<html><head><title>关于</title></head><body><a href="../index.html">返回</a><a href="/index.html">首页</a><a href="/about/">本页</a><img src="/images/gone.png" alt="缺图"></body></html>"#,
    );
    write(root, "css/site.css", "body{}");
    write(root, "images/ok.png", "png");
    let folder = root.to_str().expect("path");

    let (code, v) = audit(&[folder]);
    assert_eq!(code, 1);
    let found = broken(&v);
    let mut targets: Vec<String> = found
        .iter()
        .map(|(m, _)| {
            m.split('：')
                .nth(1)
                .and_then(|s| s.split('（').next())
                .unwrap_or(m)
                .to_string()
        })
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        vec![
            "css/gone.css",
            "doc/report.pdf",
            "images/gone.png",
            "missing.html"
        ],
        "{found:?}"
    );
    // The missing image is referenced by both pages; every other broken target by the home page.
    let gone_png = found
        .iter()
        .find(|(m, _)| m.contains("images/gone.png"))
        .expect("gone.png");
    assert_eq!(gone_png.1.len(), 2);
    assert!(
        found.iter().any(|(m, _)| m.starts_with("附件")),
        "{found:?}"
    );
    assert_eq!(server.request_count(), 0, "no network without --online");

    let (_, v) = audit(&[folder, "--online"]);
    let found = broken(&v);
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(
        found
            .iter()
            .any(|(m, _)| m.contains("/remote-missing.html"))
    );
    assert!(!found.iter().any(|(m, _)| m.contains("/remote-ok.html")));
    assert_eq!(server.hits_method("HEAD", "/remote-ok.html"), 1);
    assert_eq!(server.hits("/robots.txt"), 1);
}

#[test]
fn example_site_broken_links_are_the_planted_ones() {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/site");
    let (_, v) = audit(&[site.to_str().expect("path")]);
    let found = broken(&v);
    let msgs: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(found.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains("news/2026/W020261120391022461584.png"),
        "{msgs:?}"
    );
    assert_eq!(found[0].1, vec!["art_1002.html"]);
    assert!(msgs[1].contains("news/2026/art_0999.html"), "{msgs:?}");
    assert_eq!(found[1].1, vec!["index.html"]);
    // No remote link is reported offline, and nothing else from the links family fires.
    let others: Vec<&Value> = v["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("links/") && r != "links/broken")
        })
        .collect();
    assert!(others.is_empty(), "{others:?}");
}
