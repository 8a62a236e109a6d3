//! govaudit.toml: found in the working folder or given with --config, laid under the command
//! line, errors naming the key, per-rule and per-URL overrides.

mod report_support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use report_support::*;

fn with_config(toml: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    std::fs::write(tmp.path().join("govaudit.toml"), toml).expect("write");
    tmp
}

#[test]
fn unknown_key_is_named_with_a_suggestion() {
    let tmp = with_config("[fetch]\ntimeoutt = 3\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains(
            "govaudit.toml: unknown key `fetch.timeoutt` (did you mean `timeout`?)",
        ));

    let tmp = with_config("fail_on = \"warning\"\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("unknown key `fail_on` (did you mean `fail-on`?)"));

    // A key of a table given at the top level.
    let tmp = with_config("user-agent = \"x\"\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains(
            "unknown key `user-agent` (did you mean `fetch.user-agent`?",
        ));

    // A table whose family has no options yet still rejects unknown keys.
    let tmp = with_config("[crawl]\nmax-pagez = 3\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("unknown key `crawl.max-pagez`"));

    // An unknown table.
    let tmp = with_config("[crawler]\nx = 1\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("unknown key `crawler` (did you mean `crawl`?)"));
}

#[test]
fn bad_values_name_the_key() {
    for (toml, needle) in [
        ("fail-on = \"sometimes\"\n", "invalid value for `fail-on`"),
        (
            "[fetch]\ntimeout = \"soon\"\n",
            "invalid value for `fetch.timeout`",
        ),
        (
            "[fetch]\nmax-body-size = \"10 parsecs\"\n",
            "invalid value for `fetch.max-body-size`",
        ),
        ("jobs = -1\n", "invalid value for `jobs`"),
        ("format = [\"pdf\"]\n", "invalid value for `format"),
        ("shard = \"5/4\"\n", "invalid value for `shard`"),
        (
            "[rules]\n\"a11y/image-alt\" = \"loud\"\n",
            "invalid value for `rules.a11y/image-alt`",
        ),
        (
            "[[override]]\npattern = \"/x/\"\nrule = {}\n",
            "unknown key `override[0].rule`",
        ),
    ] {
        let tmp = with_config(toml);
        audit(tmp.path())
            .args(["site"])
            .assert()
            .code(2)
            .stderr(contains(needle));
    }
}

#[test]
fn unknown_rule_ids_and_syntax_errors() {
    let tmp = with_config("[rules]\n\"a11y/image-alts\" = \"off\"\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains(
            "unknown rule `a11y/image-alts` in `rules` (did you mean `a11y/image-alt`?)",
        ));
    let tmp = with_config("disable = [\"a11y/area-alts\"]\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("in `disable`"));
    let tmp = with_config("[[override]]\nrules = { \"a11y\" = \"off\" }\n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("`override[0].pattern` is missing"));
    let tmp = with_config("lang = \"en\"\nfail-on = \n");
    audit(tmp.path())
        .args(["site"])
        .assert()
        .code(2)
        .stderr(contains("govaudit.toml").and(contains("line 2")));
}

#[test]
fn command_line_wins_over_the_file() {
    let tmp = with_config(
        "inputs = [\"site\"]\nlang = \"en\"\nfail-on = \"never\"\nformat = [\"json\"]\noutput = \"out.json\"\n",
    );
    // Everything from the file: no finding fails the run.
    audit(tmp.path()).assert().code(0);
    let r = read_json(&tmp.path().join("out.json"));
    assert_eq!(r["lang"], "en");
    // The command line's --fail-on wins; the file's other values stay.
    audit(tmp.path())
        .args(["--fail-on", "error"])
        .assert()
        .code(1);
    // --lang on the command line wins.
    audit(tmp.path()).args(["--lang", "zh"]).assert().code(0);
    assert_eq!(read_json(&tmp.path().join("out.json"))["lang"], "zh");
    // Inputs on the command line replace the file's.
    std::fs::create_dir_all(tmp.path().join("clean")).expect("mkdir");
    std::fs::write(tmp.path().join("clean/index.html"), page("ok", "<p>ok</p>")).expect("write");
    audit(tmp.path())
        .args(["clean", "--fail-on", "notice"])
        .assert()
        .code(0);
    assert_eq!(
        read_json(&tmp.path().join("out.json"))["summary"]["pages"],
        1
    );
}

#[test]
fn config_option_no_config_and_relative_paths() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let conf = tmp.path().join("ci");
    violating_site(&conf.join("site"));
    std::fs::write(
        conf.join("audit.toml"),
        "inputs = [\"site\"]\nformat = [\"json\"]\noutput-dir = \"out\"\n",
    )
    .expect("write");
    // Relative paths in the file are relative to the file.
    audit(tmp.path())
        .args(["--config", "ci/audit.toml"])
        .assert()
        .code(1);
    assert!(conf.join("out/report.json").is_file());
    // A broken govaudit.toml in the working folder is ignored with --no-config.
    std::fs::write(tmp.path().join("govaudit.toml"), "nonsense = 1\n").expect("write");
    audit(tmp.path())
        .args(["ci/site", "--no-config", "--fail-on", "never"])
        .assert()
        .code(0);
    audit(tmp.path()).args(["ci/site"]).assert().code(2);
    // A missing --config file is an error.
    audit(tmp.path())
        .args(["ci/site", "--config", "nope.toml"])
        .assert()
        .code(2)
        .stderr(contains("nope.toml: file not found"));
}

#[test]
fn rule_levels_and_url_overrides() {
    // Without configuration: 2 image-alt errors on index.html, 1 input-image-alt on news/a.html.
    let tmp = with_config(
        r#"
fail-on = "warning"
format = ["json"]
output = "out.json"
[rules]
"a11y/image-alt" = "warning"
[[override]]
pattern = "/news/"
rules = { "a11y/input-image-alt" = "off" }
[[override]]
pattern = "*index.html"
rules = { "a11y" = "notice" }
"#,
    );
    // Only notices remain: exit 0 at --fail-on warning.
    audit(tmp.path()).args(["site"]).assert().code(0);
    let r = read_json(&tmp.path().join("out.json"));
    assert_eq!(rule_ids(&r), ["a11y/image-alt", "a11y/image-alt"]);
    assert_eq!(r["summary"]["by_severity"]["notice"], 2);
    // `ignore` drops every finding of matching pages.
    std::fs::write(
        tmp.path().join("govaudit.toml"),
        "format = [\"json\"]\noutput = \"out.json\"\nignore = [\"index.html\"]\n",
    )
    .expect("write");
    audit(tmp.path()).args(["site"]).assert().code(1);
    let r = read_json(&tmp.path().join("out.json"));
    assert_eq!(rule_ids(&r), ["a11y/input-image-alt"]);
    // The command line's --ignore works too.
    audit(tmp.path())
        .args(["site", "--ignore", "/news/", "--ignore", "index.html"])
        .assert()
        .code(0);
}
