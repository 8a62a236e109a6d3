//! examples/govaudit.toml documents every option, and `govaudit init` writes it.
//!
//! The list of keys is generated from the options structs themselves (by serialising a default
//! value), so an option added to any family's struct makes this test fail until it is
//! documented in examples/govaudit.toml.

mod report_support;

use clap::CommandFactory;
use govaudit::config::{self, AuditOptions};
use report_support::*;

/// The example with every commented-out setting (`# key = value`, `# [table]`) uncommented.
fn uncommented(text: &str) -> String {
    let setting =
        regex::Regex::new(r#"^#\s?((?:\[\[?[a-z0-9_-]+\]\]?)|(?:[A-Za-z0-9_"/.*-]+\s*=\s*\S.*))$"#)
            .expect("regex");
    text.lines()
        .map(|l| match setting.captures(l) {
            Some(c) => c[1].to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn toml_paths(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, child) in t {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(p.clone());
                toml_paths(child, &p, out);
            }
        }
        toml::Value::Array(items) => {
            for i in items {
                if i.is_table() {
                    toml_paths(i, prefix, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn example_documents_every_key() {
    let text = std::fs::read_to_string(repo("examples/govaudit.toml")).expect("read example");
    let full = uncommented(&text);
    let value: toml::Value = toml::from_str(&full).unwrap_or_else(|e| {
        panic!("examples/govaudit.toml with every setting uncommented is not valid TOML: {e}")
    });
    let mut documented = Vec::new();
    toml_paths(&value, "", &mut documented);
    let missing: Vec<String> = config::config_keys()
        .into_iter()
        .filter(|k| !documented.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "examples/govaudit.toml does not document these keys (add a commented `# key = value` line with its explanation): {missing:?}"
    );
    // Every uncommented value is valid.
    config::parse_config(&full, "examples/govaudit.toml (uncommented)")
        .unwrap_or_else(|e| panic!("example values are invalid: {e}"));
}

#[test]
fn example_as_shipped_changes_nothing() {
    let opts = config::parse_config(config::EXAMPLE_CONFIG, "example").expect("parses");
    let got = serde_json::to_value(&opts).expect("json");
    let default = serde_json::to_value(AuditOptions::default()).expect("json");
    assert_eq!(
        got, default,
        "every setting of the example must be commented out"
    );
    let on_disk = std::fs::read_to_string(repo("examples/govaudit.toml")).expect("read");
    assert_eq!(on_disk, config::EXAMPLE_CONFIG);
}

#[test]
fn every_audit_flag_is_a_config_key() {
    // Each flag, given alone on the command line, must show up in the serialised options (the
    // shape govaudit.toml is checked against), so every flag is also a config key.
    use clap::Parser;
    let mut cmd = govaudit::cli::Cli::command();
    cmd.build();
    let audit = cmd.find_subcommand("audit").expect("audit command");
    for arg in audit.get_arguments() {
        let id = arg.get_id().as_str();
        let Some(long) = arg.get_long() else {
            continue; // the positional inputs (`inputs`)
        };
        if matches!(id, "config" | "no_config" | "help" | "version") {
            continue;
        }
        let flag = format!("--{long}");
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        let mut candidates: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        candidates.extend(
            [
                "1",
                "1/2",
                "2026-11-27",
                "2026-11-27T08:00:00+08:00",
                "127.0.0.1",
                "www.example.gov.cn:443:127.0.0.1",
                "https://www.example.gov.cn/",
                "a11y/image-alt",
                "x=y",
                "X: y",
            ]
            .map(String::from),
        );
        let parsed = if takes_value {
            candidates.iter().find_map(|v| {
                govaudit::cli::Cli::try_parse_from(["govaudit", "audit", &flag, v]).ok()
            })
        } else {
            govaudit::cli::Cli::try_parse_from(["govaudit", "audit", &flag]).ok()
        };
        let cli = parsed.unwrap_or_else(|| panic!("{flag}: no sample value parses"));
        let govaudit::cli::Command::Audit(opts) = cli.command else {
            panic!("audit");
        };
        let v = serde_json::to_value(&*opts).expect("json");
        assert!(
            config::is_given(&v),
            "flag {flag} ({id}) has no govaudit.toml key (is its field `#[serde(skip)]`?)"
        );
    }
}

#[test]
fn command_line_defaults_are_not_given() {
    // The overlay treats null, false, [] and {} as "not given on the command line": a flag
    // with a non-empty default would silently override every config file.
    if std::env::var_os("GOVAUDIT_LANG").is_some() || std::env::var_os("GOVAUDIT_SHARD").is_some() {
        return;
    }
    use clap::Parser;
    let cli = govaudit::cli::Cli::try_parse_from(["govaudit", "audit"]).expect("parses");
    let govaudit::cli::Command::Audit(opts) = cli.command else {
        panic!("audit");
    };
    let v = serde_json::to_value(&*opts).expect("json");
    assert!(
        !config::is_given(&v),
        "an audit option has a command-line default: {v:#}"
    );
}

#[test]
fn init_writes_the_example_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().expect("tempdir");
    govaudit(tmp.path()).args(["init"]).assert().success();
    let written = std::fs::read_to_string(tmp.path().join("govaudit.toml")).expect("written");
    assert_eq!(written, config::EXAMPLE_CONFIG);
    std::fs::write(tmp.path().join("govaudit.toml"), "# mine\n").expect("write");
    govaudit(tmp.path())
        .args(["init"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("govaudit.toml")).expect("read"),
        "# mine\n"
    );
    govaudit(tmp.path())
        .args(["init", "--force"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("govaudit.toml")).expect("read"),
        config::EXAMPLE_CONFIG
    );
    govaudit(tmp.path())
        .args(["init", "ci/govaudit.toml"])
        .assert()
        .success();
    assert!(tmp.path().join("ci/govaudit.toml").is_file());
    // The written file is picked up and changes nothing.
    violating_site(&tmp.path().join("site"));
    govaudit(tmp.path())
        .args(["audit", "site", "--fail-on", "never"])
        .assert()
        .success();
}
