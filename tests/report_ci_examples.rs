//! The CI and cluster examples only use flags that exist, and their main commands work.

mod report_support;

use clap::CommandFactory;
use report_support::*;

/// Flags in the examples that belong to other tools (cargo, kubectl).
const OTHER_TOOLS: &[&str] = &["--locked", "--for", "--timeout", "--from-file"];

#[test]
fn examples_use_real_flags() {
    let cmd = govaudit::cli::Cli::command();
    let mut known: Vec<String> = Vec::new();
    for sub in cmd.get_subcommands() {
        for arg in sub.get_arguments() {
            if let Some(l) = arg.get_long() {
                known.push(format!("--{l}"));
            }
        }
    }
    let flag = regex::Regex::new(r"(^|[\s\[])(--[a-z][a-z-]*)").expect("regex");
    for file in [
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
        "examples/k8s/indexed-job.yaml",
        "docs/ci.md",
    ] {
        let text = std::fs::read_to_string(repo(file)).expect("read example");
        assert!(text.contains("govaudit"), "{file}");
        for c in flag.captures_iter(&text) {
            let f = &c[2];
            assert!(
                known.iter().any(|k| k == f) || OTHER_TOOLS.contains(&f),
                "{file} uses {f}, which govaudit does not have"
            );
        }
    }
}

#[test]
fn the_ci_recipe_fails_only_on_new_violations() {
    // The commands of examples/ci/github-actions.yml and docs/ci.md, on a built site.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dist = tmp.path().join("dist");
    violating_site(&dist);
    audit(tmp.path())
        .args(["dist/", "--write-baseline", ".govaudit-baseline.json"])
        .assert()
        .success();
    let ci = |dir: &std::path::Path| {
        audit(dir)
            .args([
                "dist/",
                "--baseline",
                ".govaudit-baseline.json",
                "--format",
                "terminal,sarif,junit,markdown,html",
                "--output-dir",
                "reports/",
                "--no-progress",
            ])
            .assert()
    };
    ci(tmp.path()).success();
    write_files(
        &dist,
        &[("new.html", page("新页面", "<img src=\"n.png\">"))],
    );
    ci(tmp.path()).code(1);
    for f in [
        "report.sarif",
        "report.junit.xml",
        "report.md",
        "report.html",
    ] {
        assert!(tmp.path().join("reports").join(f).is_file());
    }
}
