//! The audit options: one struct for the command line (clap) and for `govaudit.toml` (serde).
//!
//! Every field is optional or a list, with the default applied by an accessor, so that values
//! given on the command line can be laid over a config file's (a value given on the command
//! line wins). Each rule family owns its options struct in its own module; they are flattened
//! into the command line and appear as `[family]` tables in the config file.
//!
//! Loading ([`load`]): `--config FILE`, else `govaudit.toml` in the working folder (unless
//! `--no-config`). The file is checked key by key against the options' own shape (obtained by
//! serialising a default value, so a field added to any family's struct is known at once), so
//! an unknown key or a bad value is a clear error naming the key, with a suggestion. The file's
//! values and the command line's are then merged through `serde_json::Value`: a command-line
//! value that is null, `false`, an empty list or an empty table counts as "not given" and
//! leaves the file's value in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::report::{FailOn, Finding, Format, PageReport};
use crate::sites::Shard;

/// The config file looked for in the working folder.
pub const DEFAULT_CONFIG: &str = "govaudit.toml";

/// The commented example written by `govaudit init` (also `examples/govaudit.toml`).
pub const EXAMPLE_CONFIG: &str = include_str!("../examples/govaudit.toml");

/// Per-rule level override: `off`, `notice`, `warning` or `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Disable the rule.
    Off,
    /// Report as a notice.
    Notice,
    /// Report as a warning.
    Warning,
    /// Report as an error.
    Error,
}

/// Rule levels for the pages whose URL or path matches a pattern (`[[override]]` in
/// govaudit.toml).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct UrlOverride {
    /// A URL or path pattern: with `*` (any run of characters) or `?` (one character) it must
    /// match the whole page URL or local path; without wildcards it matches when the URL or path
    /// contains it (`/special/`).
    pub pattern: String,
    /// Levels for rule ids or families on matching pages (`"a11y/bypass" = "off"`).
    pub rules: BTreeMap<String, RuleLevel>,
}

/// Everything an audit can be told.
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditOptions {
    /// What to audit: http(s) URLs, HTML files, or folders of HTML files (.html, .htm, .shtml)
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Read options from this file [default: govaudit.toml in the working folder, when present]
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Do not read govaudit.toml from the working folder
    #[arg(long, conflicts_with = "config")]
    #[serde(skip)]
    pub no_config: bool,

    /// Output format(s), comma-separated; several need --output-dir [default: terminal]
    #[arg(
        long,
        short = 'f',
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT"
    )]
    pub format: Vec<Format>,

    /// Write the report to this file instead of standard output (one format; written only when
    /// complete, except jsonl, which is streamed)
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,

    /// Write each format to this folder as report.<ext> (report.json, report.sarif,
    /// report.junit.xml, report.md, report.html, report.csv, report.xlsx, report.jsonl);
    /// terminal output still goes to standard output
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Language of messages: zh (default) or en
    #[arg(long, value_enum, env = "GOVAUDIT_LANG", value_name = "LANG")]
    pub lang: Option<Lang>,

    /// Exit with code 1 when a finding is at or above this severity [default: error]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Turn on a rule, or every rule of a family (`a11y`), including rules off by default (repeatable)
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,

    /// Turn off a rule, or every rule of a family (repeatable)
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Run only these rules or families (repeatable)
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,

    /// Per-rule levels (config file only): `"a11y/image-alt" = "warning"`, `"a11y/bypass" = "off"`
    #[arg(skip)]
    pub rules: BTreeMap<String, RuleLevel>,

    /// Per-URL-pattern rule levels (config file only): `[[override]]` tables with `pattern` and
    /// `rules`
    #[arg(skip)]
    #[serde(rename = "override")]
    pub overrides: Vec<UrlOverride>,

    /// Drop every finding on pages whose URL or path matches this pattern (same syntax as
    /// `[[override]] pattern`; repeatable)
    #[arg(long, value_name = "PATTERN")]
    pub ignore: Vec<String>,

    /// Compare with this baseline: only findings not in it are reported and decide the exit code
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record this run's findings as a baseline file (exit code 0 unless --baseline is also given)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Read sites to audit from this file: one URL or folder per line (`#` comments), or CSV
    /// with a `url` (or `网址`) column (repeatable; `-` reads standard input)
    #[arg(long, value_name = "FILE")]
    pub sites: Vec<PathBuf>,

    /// Audit only shard K of N of the sites (1-based, by a stable hash of each site);
    /// `auto/N` takes K from JOB_COMPLETION_INDEX (0-based) or CI_NODE_INDEX (1-based)
    #[arg(long, value_name = "K/N", env = "GOVAUDIT_SHARD")]
    pub shard: Option<Shard>,

    /// Worker threads for parsing and rules [default: number of CPUs]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// No progress bar (it is also off when standard error is not a terminal)
    #[arg(long)]
    pub no_progress: bool,

    /// No colours in terminal output (also off with NO_COLOR or when not a terminal)
    #[arg(long)]
    pub no_color: bool,

    /// Print only the totals in terminal output, not each finding
    #[arg(long, short = 'q')]
    pub quiet: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub fetch: crate::fetch::FetchOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub dns: crate::dns::DnsOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub crawl: crate::crawl::CrawlOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub a11y: crate::rules::a11y::A11yOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub filing: crate::rules::filing::FilingOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: crate::rules::identity::IdentityOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub ipv6: crate::rules::ipv6::Ipv6Options,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub elder: crate::rules::elder::ElderOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub traditional: crate::rules::traditional::TraditionalOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub links: crate::rules::links::LinksOptions,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub freshness: crate::rules::freshness::FreshnessOptions,
}

impl AuditOptions {
    /// The message language.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_default()
    }

    /// The exit-code threshold.
    pub fn fail_on(&self) -> FailOn {
        self.fail_on.unwrap_or_default()
    }

    /// The output formats.
    pub fn formats(&self) -> Vec<Format> {
        if self.format.is_empty() {
            vec![Format::Terminal]
        } else {
            let mut f: Vec<Format> = Vec::with_capacity(self.format.len());
            for x in &self.format {
                if !f.contains(x) {
                    f.push(*x);
                }
            }
            f
        }
    }

    /// Worker threads.
    pub fn jobs(&self) -> usize {
        self.jobs.filter(|j| *j > 0).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        })
    }

    /// The level the `ignore` list and the `[[override]]` tables give a rule on a page (`url`,
    /// and `path` for local files): `Some(Off)` drops its findings, `Some(level)` sets their
    /// severity, `None` leaves them as they are. Later overrides win over earlier ones; within
    /// one override an exact rule id wins over a family.
    pub fn url_rule_level(&self, url: &str, path: Option<&str>, rule: &str) -> Option<RuleLevel> {
        if self.ignore.iter().any(|p| url_matches(p, url, path)) {
            return Some(RuleLevel::Off);
        }
        let mut level = None;
        for o in &self.overrides {
            if !url_matches(&o.pattern, url, path) {
                continue;
            }
            let hit = o.rules.get(rule).or_else(|| {
                o.rules
                    .iter()
                    .find(|(k, _)| selector_matches(k, rule))
                    .map(|(_, v)| v)
            });
            if let Some(l) = hit {
                level = Some(*l);
            }
        }
        level
    }

    /// Whether any `ignore` pattern or `[[override]]` table is set.
    pub fn has_url_overrides(&self) -> bool {
        !self.ignore.is_empty() || !self.overrides.is_empty()
    }

    /// Applies the `ignore` list and the `[[override]]` tables to a page's findings.
    pub fn apply_page_overrides(&self, page: &mut PageReport) {
        if !self.has_url_overrides() {
            return;
        }
        let (url, path) = (page.url.as_str(), page.path.as_deref());
        page.findings.retain_mut(|f| self.apply_one(url, path, f));
    }

    /// Applies the `ignore` list and the `[[override]]` tables to site findings that concern
    /// one page or resource (`url`).
    pub fn apply_site_overrides(&self, findings: &mut Vec<Finding>) {
        if !self.has_url_overrides() {
            return;
        }
        findings.retain_mut(|f| match f.url.clone() {
            Some(u) => self.apply_one(&u, None, f),
            None => true,
        });
    }

    /// Applies the level for one finding; `false` when the finding is dropped.
    fn apply_one(&self, url: &str, path: Option<&str>, f: &mut Finding) -> bool {
        match self.url_rule_level(url, path, &f.rule) {
            Some(RuleLevel::Off) => false,
            Some(level) => {
                f.severity = level_severity(level, f.severity);
                true
            }
            None => true,
        }
    }
}

/// Whether a selector (`a11y`, `a11y/*`, `a11y/image-alt`) matches a rule id (the engine's
/// rule for `--enable`/`--disable`/`rules`).
pub fn selector_matches(selector: &str, id: &str) -> bool {
    let s = selector.trim().trim_end_matches("/*");
    id == s || id.split('/').next() == Some(s)
}

fn level_severity(level: RuleLevel, current: crate::report::Severity) -> crate::report::Severity {
    use crate::report::Severity;
    match level {
        RuleLevel::Notice => Severity::Notice,
        RuleLevel::Warning => Severity::Warning,
        RuleLevel::Error => Severity::Error,
        RuleLevel::Off => current,
    }
}

/// Whether a URL pattern (see [`UrlOverride::pattern`]) matches a page URL or local path.
pub fn url_matches(pattern: &str, url: &str, path: Option<&str>) -> bool {
    let p = pattern.trim();
    if p.is_empty() {
        return false;
    }
    let check = |s: &str| {
        if p.contains(['*', '?']) {
            glob_match(p, s)
        } else {
            s.contains(p)
        }
    };
    if check(url) {
        return true;
    }
    match path {
        Some(path) => {
            let slashed = path.replace('\\', "/");
            check(path) || check(&slashed)
        }
        None => false,
    }
}

/// Matches a glob (`*` any run of characters, including `/`; `?` one character) against the
/// whole text, iteratively (no recursion, linear backtracking).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// The shape of the options as JSON: every key with its default (`null`, `false`, `[]`, `{}`),
/// lists of tables holding one sample element. Used to check config files and to test that
/// `examples/govaudit.toml` documents every key.
pub fn schema_value() -> Value {
    let mut v = serde_json::to_value(AuditOptions::default()).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "override".into(),
            Value::Array(vec![
                serde_json::to_value(UrlOverride::default()).unwrap_or(Value::Null),
            ]),
        );
    }
    v
}

/// Every key of the config file as a dotted path (`crawl.max-pages`, `override.pattern`),
/// tables included (`crawl`), in the options' order. Free-form tables (`rules`) are listed as
/// one key.
pub fn config_keys() -> Vec<String> {
    let mut out = Vec::new();
    collect_keys(&schema_value(), "", &mut out);
    out
}

fn collect_keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(m) = v {
        for (k, child) in m {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push(path.clone());
            match child {
                Value::Object(_) => collect_keys(child, &path, out),
                Value::Array(items) => {
                    if let Some(first @ Value::Object(_)) = items.first() {
                        collect_keys(first, &path, out);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Which config file applies: `--config`, else `govaudit.toml` in the working folder.
pub fn config_path(cli: &AuditOptions) -> Option<PathBuf> {
    if let Some(p) = &cli.config {
        return Some(p.clone());
    }
    if cli.no_config {
        return None;
    }
    let p = PathBuf::from(DEFAULT_CONFIG);
    p.is_file().then_some(p)
}

/// The options to run with: the config file's values (when there is one) with the command
/// line's laid over them. Errors name the file and the key.
pub fn load(cli: &AuditOptions) -> Result<AuditOptions> {
    let Some(path) = config_path(cli) else {
        return Ok(cli.clone());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Config(format!(
                "{}: file not found (give an existing file to --config, or run `govaudit init`)",
                path.display()
            ))
        } else {
            Error::io("cannot read", path.clone(), e)
        }
    })?;
    let name = path.display().to_string();
    let mut file = parse_config(&text, &name)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        resolve_paths(&mut file, dir);
    }
    let mut merged = merge(&file, cli)?;
    merged.config = cli.config.clone();
    merged.no_config = cli.no_config;
    Ok(merged)
}

/// Lays the command-line options over the file's: a command-line value wins unless it is
/// null, `false`, an empty list or an empty table.
pub fn merge(file: &AuditOptions, cli: &AuditOptions) -> Result<AuditOptions> {
    let mut base = serde_json::to_value(file).map_err(|e| Error::Config(e.to_string()))?;
    let top = serde_json::to_value(cli).map_err(|e| Error::Config(e.to_string()))?;
    overlay(&mut base, top);
    serde_json::from_value(base).map_err(|e| Error::Config(format!("merging options: {e}")))
}

/// Lays `top` over `base` key by key (see [`merge`]).
pub fn overlay(base: &mut Value, top: Value) {
    match (base, top) {
        (Value::Object(b), Value::Object(t)) => {
            for (k, v) in t {
                if !is_given(&v) {
                    continue;
                }
                match b.get_mut(&k) {
                    Some(slot @ Value::Object(_)) if v.is_object() => overlay(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => {
            if is_given(&v) {
                *slot = v;
            }
        }
    }
}

/// Whether a command-line value was given: not null, `false`, `[]` or a table of such.
pub fn is_given(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => m.values().any(is_given),
        _ => true,
    }
}

/// Parses and checks a config file's text. `name` is how the file is named in messages.
pub fn parse_config(text: &str, name: &str) -> Result<AuditOptions> {
    let table: toml::Table = toml::from_str(text)
        .map_err(|e| Error::Config(format!("{name}: {}", e.to_string().trim_end())))?;
    let mut value = toml_to_json(toml::Value::Table(table));
    let schema = schema_value();
    coerce_lists(&mut value, &schema);
    let mut problems = Vec::new();
    check_keys(&value, &schema, "", &schema, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Config(format!("{name}: {}", problems.join("; "))));
    }
    let opts: AuditOptions = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            // The path already ends with the unknown key.
            let key = rest.split('`').next().unwrap_or(rest);
            let full = if path == "." || path.is_empty() {
                key.to_string()
            } else {
                path
            };
            Error::Config(format!("{name}: unknown key `{full}`"))
        } else {
            let inner = inner
                .replace("expected f64", "expected a number")
                .replace("expected usize", "expected a whole number >= 0")
                .replace("expected u32", "expected a whole number >= 0")
                .replace("expected u64", "expected a whole number >= 0")
                .replace("expected a sequence", "expected a list [\"...\"]");
            Error::Config(format!("{name}: invalid value for `{path}`: {inner}"))
        }
    })?;
    check_rule_ids(&opts, name)?;
    Ok(opts)
}

/// Accepts a single value where the options take a list (`format = "json"`).
fn coerce_lists(value: &mut Value, schema: &Value) {
    if let (Value::Object(vm), Value::Object(sm)) = (value, schema) {
        for (k, v) in vm.iter_mut() {
            match sm.get(k) {
                Some(Value::Array(items)) => {
                    let is_table_list = items.first().is_some_and(Value::is_object);
                    if !v.is_array() && (!is_table_list || v.is_object()) {
                        *v = Value::Array(vec![v.take()]);
                    }
                }
                Some(s @ Value::Object(_)) => coerce_lists(v, s),
                _ => {}
            }
        }
    }
}

/// Converts TOML to JSON (dates and times become strings).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Reports the keys of `value` that `schema` does not have, with a suggestion.
fn check_keys(value: &Value, schema: &Value, prefix: &str, root: &Value, out: &mut Vec<String>) {
    let (Value::Object(vm), Value::Object(sm)) = (value, schema) else {
        return;
    };
    // An empty table in the schema is a free-form map (`rules`) or a family without options
    // yet (serde reports unknown keys of the latter).
    if sm.is_empty() {
        return;
    }
    for (k, v) in vm {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match sm.get(k) {
            None => out.push(unknown_key_message(&path, k, sm, root)),
            Some(s @ Value::Object(_)) => check_keys(v, s, &path, root, out),
            Some(Value::Array(items)) => {
                if let (Some(sample @ Value::Object(_)), Value::Array(vs)) = (items.first(), v) {
                    for (i, item) in vs.iter().enumerate() {
                        check_keys(item, sample, &format!("{path}[{i}]"), root, out);
                    }
                }
            }
            Some(_) => {}
        }
    }
}

fn unknown_key_message(
    path: &str,
    key: &str,
    siblings: &serde_json::Map<String, Value>,
    root: &Value,
) -> String {
    let mut msg = format!("unknown key `{path}`");
    let normalised = key.replace('_', "-").to_ascii_lowercase();
    let best = siblings
        .keys()
        .map(|s| (edit_distance(&normalised, s), s))
        .filter(|(d, s)| *d <= (s.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s.clone());
    if let Some(b) = best {
        msg.push_str(&format!(" (did you mean `{b}`?)"));
        return msg;
    }
    // The key may belong to another table (`max-pages` at the top instead of under `[crawl]`).
    let mut all = Vec::new();
    collect_keys(root, "", &mut all);
    if let Some(elsewhere) = all
        .iter()
        .find(|p| p.rsplit('.').next() == Some(normalised.as_str()) && p.contains('.'))
    {
        let table = elsewhere.rsplit_once('.').map_or("", |(t, _)| t);
        msg.push_str(&format!(
            " (did you mean `{elsewhere}`? put it under [{table}])"
        ));
    }
    msg
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Checks the rule ids a config file names (`rules`, `enable`, `disable`, `only`, the
/// overrides' `rules`) against the catalog, so a typo is reported with the file and key.
fn check_rule_ids(opts: &AuditOptions, name: &str) -> Result<()> {
    let catalog = Catalog::embedded();
    let known = |s: &str| catalog.entries().iter().any(|e| selector_matches(s, &e.id));
    let suggest = |s: &str| -> String {
        catalog
            .entries()
            .iter()
            .map(|e| (edit_distance(s, &e.id), e.id.as_str()))
            .filter(|(d, _)| *d <= 4)
            .min_by_key(|(d, _)| *d)
            .map(|(_, id)| format!(" (did you mean `{id}`?)"))
            .unwrap_or_else(|| " (run `govaudit rules` to list the rule ids)".into())
    };
    let check = |key: String, id: &str| -> Result<()> {
        if known(id) {
            Ok(())
        } else {
            Err(Error::Config(format!(
                "{name}: unknown rule `{id}` in `{key}`{}",
                suggest(id)
            )))
        }
    };
    for id in opts.rules.keys() {
        check("rules".into(), id)?;
    }
    for (key, list) in [
        ("enable", &opts.enable),
        ("disable", &opts.disable),
        ("only", &opts.only),
    ] {
        for id in list {
            check(key.into(), id)?;
        }
    }
    for (i, o) in opts.overrides.iter().enumerate() {
        if o.pattern.trim().is_empty() {
            return Err(Error::Config(format!(
                "{name}: `override[{i}].pattern` is missing or empty (a URL or path pattern such as \"/special/\")"
            )));
        }
        for id in o.rules.keys() {
            check(format!("override[{i}].rules"), id)?;
        }
    }
    Ok(())
}

/// Makes the file's relative paths relative to the file's folder.
fn resolve_paths(opts: &mut AuditOptions, dir: &Path) {
    let fix = |p: &mut PathBuf| {
        if p.is_relative() && p.as_os_str() != "-" {
            *p = dir.join(&*p);
        }
    };
    for s in &mut opts.inputs {
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || s.contains("://") {
            continue;
        }
        let p = PathBuf::from(&*s);
        if p.is_relative() {
            *s = dir.join(p).display().to_string();
        }
    }
    for p in [
        &mut opts.output,
        &mut opts.output_dir,
        &mut opts.baseline,
        &mut opts.write_baseline,
    ]
    .into_iter()
    .flatten()
    {
        fix(p);
    }
    for p in &mut opts.sites {
        fix(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("*.pdf", "https://x.gov.cn/a/b.pdf"));
        assert!(!glob_match("*.pdf", "https://x.gov.cn/a/b.pdf?x"));
        assert!(glob_match(
            "https://*/zwgk/*",
            "https://x.gov.cn/zwgk/a.html"
        ));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("**a**", "xxaxx"));
        assert!(url_matches("/special/", "https://x/special/a.html", None));
        assert!(url_matches(
            "news\\2026",
            "file:///x",
            Some("site\\news\\2026\\a.html")
        ));
        assert!(url_matches(
            "news/2026",
            "file:///x",
            Some("site\\news\\2026\\a.html")
        ));
        assert!(!url_matches("", "https://x/", None));
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("max-pagez", "max-pages"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn overlay_keeps_file_values_unless_given() {
        let mut base =
            serde_json::json!({"a": 1, "b": [1], "c": {"d": true, "e": "x"}, "f": "keep"});
        overlay(
            &mut base,
            serde_json::json!({"a": null, "b": [], "c": {"d": false, "e": "y"}, "f": "new"}),
        );
        assert_eq!(
            base,
            serde_json::json!({"a": 1, "b": [1], "c": {"d": true, "e": "y"}, "f": "new"})
        );
    }

    #[test]
    fn override_levels() {
        let opts = parse_config(
            r#"
ignore = ["/test/"]
[[override]]
pattern = "/special/"
rules = { "a11y" = "notice", "a11y/image-alt" = "off" }
[[override]]
pattern = "*/special/b.html"
rules = { "a11y" = "error" }
"#,
            "t.toml",
        )
        .expect("parses");
        let u = "https://x.gov.cn/special/a.html";
        assert_eq!(
            opts.url_rule_level(u, None, "a11y/image-alt"),
            Some(RuleLevel::Off)
        );
        assert_eq!(
            opts.url_rule_level(u, None, "a11y/bypass"),
            Some(RuleLevel::Notice)
        );
        assert_eq!(opts.url_rule_level(u, None, "page/title"), None);
        let b = "https://x.gov.cn/special/b.html";
        assert_eq!(
            opts.url_rule_level(b, None, "a11y/image-alt"),
            Some(RuleLevel::Error)
        );
        assert_eq!(
            opts.url_rule_level("https://x.gov.cn/test/", None, "page/title"),
            Some(RuleLevel::Off)
        );
    }
}
