#![allow(dead_code)]
//! Helpers shared by the report, config and baseline tests: small local sites written into
//! temporary folders, and the binary run with a clean environment.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The binary, run in `dir` with no inherited govaudit settings.
pub fn govaudit(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("govaudit").expect("binary");
    c.current_dir(dir)
        .env_remove("GOVAUDIT_LANG")
        .env_remove("GOVAUDIT_SHARD")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("CI_NODE_INDEX")
        .env_remove("CI_NODE_TOTAL")
        .env("NO_COLOR", "1");
    c
}

/// A complete page with a title and a body.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
}

/// Writes files (relative path, content) under `root`, creating folders.
pub fn write_files(root: &Path, files: &[(&str, String)]) {
    for (rel, content) in files {
        let p = root.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
    }
}

/// A small site with known violations: two images without `alt` (index), one image button
/// without text (news/a.html), a clean page (about.html).
pub fn violating_site(root: &Path) {
    write_files(
        root,
        &[
            (
                "index.html",
                page(
                    "首页",
                    "<div id=\"main\">\n<img src=\"images/banner.png\" class=\"css-1a2b3c\">\n<p>欢迎</p>\n<img src=\"images/logo.png\">\n</div>",
                ),
            ),
            (
                "news/a.html",
                page(
                    "新闻",
                    "<form action=\"/s\"><input type=\"image\" src=\"images/go.gif\"></form>",
                ),
            ),
            (
                "about.html",
                page(
                    "关于",
                    "<p>县情概况</p><img src=\"x.png\" alt=\"县政府大楼\">",
                ),
            ),
        ],
    );
}

/// Reads a JSON file.
pub fn read_json(p: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", p.display()))
}

/// Every finding's rule id in a JSON report (pages then sites).
pub fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for p in report["pages"].as_array().into_iter().flatten() {
        for f in p["findings"].as_array().into_iter().flatten() {
            out.push(f["rule"].as_str().unwrap_or_default().to_string());
        }
    }
    for s in report["sites"].as_array().into_iter().flatten() {
        for f in s["findings"].as_array().into_iter().flatten() {
            out.push(f["rule"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

/// The path to a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The alt-text rules that the fixtures violate. Tests that count findings run only these, so
/// that the other families' rules (which these small fixtures do not satisfy) leave the counts
/// alone: the tests are about reporting, not about the rules.
pub const ALT_ONLY: &[&str] = &[
    "--only",
    "a11y/image-alt",
    "--only",
    "a11y/input-image-alt",
    "--only",
    "a11y/area-alt",
    "--only",
    "a11y/image-alt-meaningless",
];

/// `govaudit audit` with only the alt-text rules ([`ALT_ONLY`]).
pub fn audit(dir: &Path) -> Command {
    let mut c = govaudit(dir);
    c.arg("audit").args(ALT_ONLY);
    c
}
