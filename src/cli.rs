//! Command-line definitions (clap) and the commands' implementations. The binary only maps the
//! result to an exit code.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use clap::{Parser, Subcommand};

use crate::audit::Progress;
use crate::baseline::{self, Baseline};
use crate::catalog::{Catalog, RuleEntry};
use crate::config::{self, AuditOptions};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::merge;
use crate::report::{self, FailOn, Format, PageReport, Report, SiteReport};
use crate::rules::{Engine, PIPELINE_RULES, SiteInfo};
use crate::sites;
use crate::tr;

/// Exit code: no finding at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage, configuration or runtime error.
pub const EXIT_ERROR: i32 = 2;

/// govaudit: audits Chinese government websites (政府网站) for filing numbers, identity,
/// IPv6, accessibility, elder-care and traditional-script versions, and links.
#[derive(Debug, Parser)]
#[command(name = "govaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit URLs, HTML files or folders and report violations
    Audit(Box<AuditOptions>),
    /// List the rule catalog
    Rules(RulesArgs),
    /// Explain one rule: why it matters, the governing document, how to fix it
    Explain(ExplainArgs),
    /// Write a commented example govaudit.toml
    Init(InitArgs),
    /// Merge reports (JSON or JSON Lines, e.g. of shards) into one report in any format
    Merge(MergeArgs),
}

/// Options of `govaudit rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format: terminal (a table) or json
    #[arg(long, short = 'f', value_enum, default_value = "terminal")]
    pub format: Format,
    /// Only this family (e.g. a11y, filing)
    #[arg(long)]
    pub family: Option<String>,
    /// Language: zh (default) or en
    #[arg(long, value_enum, env = "GOVAUDIT_LANG")]
    pub lang: Option<Lang>,
}

/// Options of `govaudit explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. a11y/image-alt
    pub id: String,
    /// Output format: terminal or json
    #[arg(long, short = 'f', value_enum, default_value = "terminal")]
    pub format: Format,
    /// Language: zh (default) or en
    #[arg(long, value_enum, env = "GOVAUDIT_LANG")]
    pub lang: Option<Lang>,
}

/// Options of `govaudit init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write it
    #[arg(default_value = config::DEFAULT_CONFIG, value_name = "FILE")]
    pub path: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
    /// Language of messages: zh (default) or en
    #[arg(long, value_enum, env = "GOVAUDIT_LANG")]
    pub lang: Option<Lang>,
}

/// Options of `govaudit merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The reports: JSON reports (--format json) or JSON Lines streams (--format jsonl)
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format(s), comma-separated [default: terminal]
    #[arg(
        long,
        short = 'f',
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT"
    )]
    pub format: Vec<Format>,
    /// Write the merged report to this file (one format)
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write each format to this folder as report.<ext>
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Exit with code 1 when a finding is at or above this severity [default: error]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// No colours in terminal output
    #[arg(long)]
    pub no_color: bool,
    /// Print only the totals in terminal output
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Record the merged findings as a baseline file (for sharded CI runs)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// Parses the command line and runs the command; returns the exit code.
pub fn run() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Audit(opts) => run_audit(&opts),
        Command::Rules(args) => run_rules(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Init(args) => run_init(&args),
        Command::Merge(args) => run_merge(&args),
    }
}

/// The terminal progress bar: pages done of pages known (the rest are queued), failures,
/// rate, and the page being finished.
struct Bar(indicatif::ProgressBar, std::sync::atomic::AtomicU64);

impl Progress for Bar {
    fn add_total(&self, n: u64) {
        self.0.inc_length(n);
    }
    fn page_done(&self, name: &str, failed: bool) {
        use std::sync::atomic::Ordering;
        let errors = if failed {
            self.1.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.1.load(Ordering::Relaxed)
        };
        self.0.inc(1);
        let queued = self
            .0
            .length()
            .unwrap_or(0)
            .saturating_sub(self.0.position());
        let name = crate::dom::truncate_chars(name, 50);
        self.0
            .set_message(format!("queued {queued} · errors {errors} · {name}"));
    }
    fn skip(&self, n: u64) {
        let len = self.0.length().unwrap_or(0);
        self.0
            .set_length(len.saturating_sub(n).max(self.0.position()));
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Streams `--format jsonl` lines as pages and sites finish (see [`report::jsonl`]). The
/// lines equal the final report's objects: findings of aggregating rules are left to the site
/// line, the baseline is applied, and sites get their `score` and `input` facts. When site
/// rules add findings to a page after its line was written, the page's final line is written
/// again before its site line (a later line for the same page replaces an earlier one).
struct JsonlStream {
    out: Mutex<Box<dyn Write + Send>>,
    aggregate: HashSet<String>,
    matcher: Option<baseline::Matcher>,
    plan: sites::Plan,
    /// What was written for each page: (site index, URL) -> hash of the line.
    written: Mutex<HashMap<(usize, String), u64>>,
    failed: Mutex<Option<std::io::Error>>,
}

fn line_hash(line: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut h);
    h.finish()
}

fn shell_site(root: &str, kind: &str) -> SiteReport {
    SiteReport {
        root: root.to_string(),
        kind: kind.to_string(),
        pages: 0,
        findings: Vec::new(),
        notes: Vec::new(),
        facts: report::Facts::new(),
    }
}

impl JsonlStream {
    fn new(out: Box<dyn Write + Send>, baseline: Option<&Baseline>, plan: sites::Plan) -> Self {
        JsonlStream {
            out: Mutex::new(out),
            aggregate: Catalog::embedded()
                .entries()
                .iter()
                // The engine aggregates rule findings only, never the pipeline's.
                .filter(|e| e.aggregate && !PIPELINE_RULES.contains(&e.id.as_str()))
                .map(|e| e.id.clone())
                .collect(),
            matcher: baseline.map(baseline::Matcher::new),
            plan,
            written: Mutex::new(HashMap::new()),
            failed: Mutex::new(None),
        }
    }

    fn line(&self, line: std::io::Result<String>) {
        let res = line.and_then(|l| {
            let mut out = self
                .out
                .lock()
                .map_err(|_| std::io::Error::other("output lock poisoned"))?;
            out.write_all(l.as_bytes())?;
            out.write_all(b"\n")?;
            out.flush()
        });
        if let Err(e) = res
            && let Ok(mut f) = self.failed.lock()
            && f.is_none()
        {
            *f = Some(e);
        }
    }

    /// The line of a page as the final report will have it.
    fn page_line(&self, site: &SiteReport, page: &PageReport) -> std::io::Result<String> {
        let mut page = page.clone();
        if let Some(m) = &self.matcher {
            m.filter_page(site, &mut page);
        }
        report::jsonl::page_line(&page)
    }

    fn finish(&self, report: &Report) -> Result<()> {
        self.line(report::jsonl::summary_line(report));
        match self.failed.lock().ok().and_then(|mut f| f.take()) {
            Some(e) => Err(Error::Report(format!("jsonl stream: {e}"))),
            None => Ok(()),
        }
    }
}

impl Progress for JsonlStream {
    fn page_report(&self, site: &SiteInfo, page: &PageReport) {
        let mut page = page.clone();
        page.findings.retain(|f| !self.aggregate.contains(&f.rule));
        let kind = if site.is_local() { "local" } else { "remote" };
        let line = self.page_line(&shell_site(&site.root, kind), &page);
        if let Ok(l) = &line
            && let Ok(mut w) = self.written.lock()
        {
            w.insert((site.index, page.url.clone()), line_hash(l));
        }
        self.line(line);
    }

    fn site_report(&self, index: usize, site: &SiteReport, pages: &[PageReport]) {
        // Pages whose final object differs from what was streamed (site rules add findings
        // to pages) are written again.
        let mut written = self
            .written
            .lock()
            .map(|mut w| {
                let mine: Vec<(usize, String)> =
                    w.keys().filter(|(i, _)| *i == index).cloned().collect();
                mine.into_iter()
                    .filter_map(|k| w.remove(&k).map(|h| (k.1, h)))
                    .collect::<HashMap<String, u64>>()
            })
            .unwrap_or_default();
        for p in pages {
            let line = self.page_line(site, p);
            let same = line
                .as_ref()
                .ok()
                .is_some_and(|l| written.remove(&p.url) == Some(line_hash(l)));
            if !same {
                self.line(line);
            }
        }
        let mut site = site.clone();
        let refs: Vec<&PageReport> = pages.iter().collect();
        let entry = self
            .plan
            .annotate
            .then(|| self.plan.sites.get(index))
            .flatten();
        sites::annotate_site(&mut site, &refs, entry);
        if let Some(m) = &self.matcher {
            m.filter_site(&mut site);
        }
        self.line(report::jsonl::site_line(index, &site));
    }
}

/// Forwards progress to the bar and the stream.
struct RunProgress<'a> {
    bar: Option<&'a Bar>,
    stream: Option<&'a JsonlStream>,
}

impl Progress for RunProgress<'_> {
    fn add_total(&self, n: u64) {
        if let Some(b) = self.bar {
            b.add_total(n);
        }
    }
    fn page_done(&self, name: &str, failed: bool) {
        if let Some(b) = self.bar {
            b.page_done(name, failed);
        }
    }
    fn skip(&self, n: u64) {
        if let Some(b) = self.bar {
            b.skip(n);
        }
    }
    fn page_report(&self, site: &SiteInfo, page: &PageReport) {
        if let Some(s) = self.stream {
            s.page_report(site, page);
        }
    }
    fn site_report(&self, index: usize, site: &SiteReport, pages: &[PageReport]) {
        if let Some(s) = self.stream {
            s.site_report(index, site, pages);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar {
            b.finish();
        }
    }
}

fn use_color(no_color: bool) -> bool {
    let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && !env_off && std::io::stdout().is_terminal()
}

/// Where the outputs go.
struct Outputs<'a> {
    formats: Vec<Format>,
    output: Option<&'a PathBuf>,
    output_dir: Option<&'a PathBuf>,
}

impl Outputs<'_> {
    /// Checks the combination before any work is done.
    fn check(&self) -> Result<()> {
        if self.output.is_some() && self.output_dir.is_some() {
            return Err(Error::Config(
                "give either --output FILE (one format) or --output-dir DIR (several), not both"
                    .into(),
            ));
        }
        if self.formats.len() > 1 && self.output_dir.is_none() {
            return Err(Error::Config(format!(
                "several formats ({}) need --output-dir DIR (each is written as report.<ext>)",
                self.formats
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        if self.output.is_none()
            && self.output_dir.is_none()
            && self.formats.iter().any(|f| f.is_binary())
            && std::io::stdout().is_terminal()
        {
            return Err(Error::Config(
                "xlsx is a binary format: write it with --output FILE.xlsx or --output-dir DIR"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The file a format goes to (`None` = standard output).
    fn path_for(&self, format: Format) -> Option<PathBuf> {
        if let Some(p) = self.output {
            return Some(p.clone());
        }
        match self.output_dir {
            Some(_) if format == Format::Terminal => None,
            Some(dir) => Some(dir.join(format!("report.{}", format.extension()))),
            None => None,
        }
    }

    /// Writes every format except `skip` (already streamed).
    fn write(&self, report: &Report, color: bool, quiet: bool, skip: Option<Format>) -> Result<()> {
        for format in &self.formats {
            if Some(*format) == skip {
                continue;
            }
            let path = self.path_for(*format);
            let bytes = render_for_output(report, *format, color && path.is_none(), quiet)?;
            match path {
                Some(path) => {
                    report::write_atomic(&path, &bytes)?;
                    eprintln!(
                        "{}",
                        tr!(
                            report.lang,
                            "报告已写入 {}（{} 个页面，{} 个问题）",
                            "report written to {} ({} pages, {} findings)",
                            path.display(),
                            report.summary.pages,
                            report.summary.findings
                        )
                    );
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes)
                        .and_then(|()| out.flush())
                        .map_err(|e| {
                            Error::io("cannot write to", PathBuf::from("standard output"), e)
                        })?;
                }
            }
        }
        Ok(())
    }
}

/// The ids of the rules that run with these options (rules and pipeline rules).
fn enabled_rules(opts: &AuditOptions) -> Result<HashSet<String>> {
    let engine = Engine::new(opts)?;
    let mut ids: HashSet<String> = engine.enabled_ids().iter().map(|s| s.to_string()).collect();
    for id in PIPELINE_RULES {
        if engine.severity_of_pipeline(id).is_some() {
            ids.insert((*id).to_string());
        }
    }
    Ok(ids)
}

/// Runs `govaudit audit`: loads govaudit.toml under the command line, expands site lists and
/// shards, audits, applies and writes baselines, and writes every requested format.
pub fn run_audit(cli_opts: &AuditOptions) -> Result<i32> {
    let opts = config::load(cli_opts)?;
    let lang = opts.lang();
    let formats = opts.formats();
    let outputs = Outputs {
        formats: formats.clone(),
        output: opts.output.as_ref(),
        output_dir: opts.output_dir.as_ref(),
    };
    outputs.check()?;
    let plan = sites::plan(&opts.inputs, &opts.sites, opts.shard)?;
    for w in &plan.warnings {
        eprintln!("govaudit: {w}");
    }
    if let Some((k, n)) = plan.shard {
        eprintln!(
            "{}",
            tr!(
                lang,
                "分片 {k}/{n}：审计 {} 个站点中的 {} 个",
                "shard {k}/{n}: auditing {} of {} sites",
                plan.total,
                plan.sites.len()
            )
        );
    }
    let mut run_opts = opts.clone();
    run_opts.inputs = plan.inputs();
    let old_baseline = opts.baseline.as_deref().map(Baseline::load).transpose()?;
    let enabled = enabled_rules(&run_opts)?;

    // The stream opens before the audit so that lines appear as pages finish.
    let stream = if formats.contains(&Format::Jsonl) {
        let sink: Box<dyn Write + Send> = match outputs.path_for(Format::Jsonl) {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| Error::io("cannot create folder", dir, e))?;
                }
                let f = std::fs::File::create(&path)
                    .map_err(|e| Error::io("cannot write", path.clone(), e))?;
                Box::new(std::io::BufWriter::new(f))
            }
            None => Box::new(std::io::stdout()),
        };
        Some(JsonlStream::new(sink, old_baseline.as_ref(), plan.clone()))
    } else {
        None
    };

    let show_progress = !opts.no_progress && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {per_sec} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(bar, std::sync::atomic::AtomicU64::new(0))
    });
    let progress = RunProgress {
        bar: bar.as_ref(),
        stream: stream.as_ref(),
    };
    let mut report = if run_opts.inputs.is_empty() && plan.shard.is_some() {
        eprintln!(
            "{}",
            tr!(lang, "此分片没有站点", "no sites fall into this shard")
        );
        let mut r = Report::new(lang);
        r.recount();
        r
    } else {
        crate::audit::audit_with(&run_opts, &progress)?
    };
    sites::annotate(&mut report, Some(&plan));

    if let Some(path) = &opts.write_baseline {
        let b = Baseline::from_report(&report);
        b.write(path)?;
        eprintln!(
            "{}",
            tr!(
                lang,
                "基线已写入 {}（{} 条记录，{} 个问题）",
                "baseline written to {} ({} entries, {} findings)",
                path.display(),
                b.entries.len(),
                report.summary.findings
            )
        );
    }
    if let (Some(b), Some(path)) = (&old_baseline, &opts.baseline) {
        baseline::apply(&mut report, b, path, &enabled, Some(&run_opts));
    }
    if let Some(s) = &stream {
        s.finish(&report)?;
    }

    let color = use_color(opts.no_color);
    colored::control::set_override(color);
    outputs.write(
        &report,
        color,
        opts.quiet,
        stream.is_some().then_some(Format::Jsonl),
    )?;
    let accept_only = opts.write_baseline.is_some() && opts.baseline.is_none();
    Ok(if !accept_only && report.fails(opts.fail_on()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn render_for_output(report: &Report, format: Format, color: bool, quiet: bool) -> Result<Vec<u8>> {
    report::render_with(report, format, color, quiet && format == Format::Terminal)
}

/// Runs `govaudit init`.
pub fn run_init(args: &InitArgs) -> Result<i32> {
    let lang = args.lang.unwrap_or_default();
    if args.path.exists() && !args.force {
        return Err(Error::Config(format!(
            "{} already exists; use --force to overwrite it",
            args.path.display()
        )));
    }
    report::write_atomic(&args.path, config::EXAMPLE_CONFIG.as_bytes())?;
    eprintln!(
        "{}",
        tr!(
            lang,
            "已写入 {}：所有选项均已注释，取消注释即可生效",
            "wrote {}: every option is commented out; uncomment what you need",
            args.path.display()
        )
    );
    Ok(EXIT_OK)
}

/// Runs `govaudit merge`.
pub fn run_merge(args: &MergeArgs) -> Result<i32> {
    let formats = if args.format.is_empty() {
        vec![Format::Terminal]
    } else {
        let mut f: Vec<Format> = Vec::new();
        for x in &args.format {
            if !f.contains(x) {
                f.push(*x);
            }
        }
        f
    };
    let outputs = Outputs {
        formats,
        output: args.output.as_ref(),
        output_dir: args.output_dir.as_ref(),
    };
    outputs.check()?;
    let mut parts = Vec::new();
    for p in &args.reports {
        parts.push((p.display().to_string(), merge::read_report(p)?));
    }
    let report = merge::merge(parts)?;
    if let Some(path) = &args.write_baseline {
        if report.summary.extra.contains_key("baseline") {
            return Err(Error::Config(
                "these reports were made with --baseline and hold only the new findings; write the baseline from runs without --baseline".into(),
            ));
        }
        let b = Baseline::from_report(&report);
        b.write(path)?;
        eprintln!(
            "{}",
            tr!(
                report.lang,
                "基线已写入 {}（{} 条记录）",
                "baseline written to {} ({} entries)",
                path.display(),
                b.entries.len()
            )
        );
    }
    let color = use_color(args.no_color);
    colored::control::set_override(color);
    outputs.write(&report, color, args.quiet, None)?;
    Ok(if report.fails(args.fail_on.unwrap_or_default()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn only_terminal_or_json(format: Format, command: &str) -> Result<()> {
    match format {
        Format::Terminal | Format::Json => Ok(()),
        other => Err(Error::Config(format!(
            "`govaudit {command}` writes terminal or json, not {}",
            other.name()
        ))),
    }
}

/// Runs `govaudit rules`.
pub fn run_rules(args: &RulesArgs) -> Result<i32> {
    only_terminal_or_json(args.format, "rules")?;
    let catalog = Catalog::embedded();
    let lang = args.lang.unwrap_or_default();
    let entries: Vec<&RuleEntry> = catalog
        .entries()
        .iter()
        .filter(|e| args.family.as_deref().is_none_or(|f| e.family() == f))
        .collect();
    if entries.is_empty()
        && let Some(f) = &args.family
    {
        return Err(Error::UnknownRule(f.clone()));
    }
    let mut out = std::io::stdout().lock();
    let res = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &entries)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
        _ => {
            let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(10);
            let mut r = Ok(());
            for e in &entries {
                let off = if e.enabled {
                    String::new()
                } else {
                    lang.pick("（默认关闭）", " (off by default)").to_string()
                };
                r = writeln!(
                    out,
                    "{:<width$}  {:<7}  {:<4}  {}{}",
                    e.id,
                    e.severity.label(lang),
                    match e.scope {
                        crate::catalog::Scope::Page => lang.pick("页面", "page"),
                        crate::catalog::Scope::Site => lang.pick("站点", "site"),
                    },
                    e.title.get(lang),
                    off
                );
                if r.is_err() {
                    break;
                }
            }
            r.and_then(|()| {
                writeln!(
                    out,
                    "{}",
                    tr!(lang, "共 {} 条规则", "{} rules", entries.len())
                )
            })
        }
    };
    res.map_err(|e| Error::io("cannot write to", PathBuf::from("standard output"), e))?;
    Ok(EXIT_OK)
}

/// Runs `govaudit explain`.
pub fn run_explain(args: &ExplainArgs) -> Result<i32> {
    only_terminal_or_json(args.format, "explain")?;
    let catalog = Catalog::embedded();
    let lang = args.lang.unwrap_or_default();
    let entry = catalog
        .get(args.id.trim())
        .ok_or_else(|| Error::UnknownRule(args.id.clone()))?;
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        Format::Json => {
            let mut v = serde_json::to_value(entry).map_err(|e| Error::Report(e.to_string()))?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert(
                    "references".into(),
                    serde_json::to_value(catalog.format_refs(entry)).unwrap_or_default(),
                );
            }
            serde_json::to_string_pretty(&v).map_err(|e| Error::Report(e.to_string()))? + "\n"
        }
        _ => explain_text(catalog, entry, lang),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("cannot write to", PathBuf::from("standard output"), e))?;
    Ok(EXIT_OK)
}

/// The terminal text of `govaudit explain`.
pub fn explain_text(catalog: &Catalog, e: &RuleEntry, lang: Lang) -> String {
    let mut s = String::new();
    s.push_str(&format!("{}  {}\n", e.id, e.title.get(lang)));
    let scope = match e.scope {
        crate::catalog::Scope::Page => lang.pick("页面", "page"),
        crate::catalog::Scope::Site => lang.pick("站点", "site"),
    };
    s.push_str(&tr!(
        lang,
        "默认级别：{}　范围：{}　{}\n",
        "Default severity: {}  Scope: {}  {}\n",
        e.severity.label(lang),
        scope,
        if e.enabled {
            ""
        } else {
            lang.pick("（默认关闭）", "(off by default)")
        }
    ));
    if !e.wcag.is_empty() {
        s.push_str(&format!(
            "WCAG: {}{}\n",
            e.wcag.join(", "),
            e.level.map(|l| format!(" ({l:?})")).unwrap_or_default()
        ));
    }
    if let Some(axe) = &e.axe {
        s.push_str(&format!("axe-core: {axe}\n"));
    }
    s.push('\n');
    s.push_str(e.help.get(lang));
    s.push_str("\n\n");
    s.push_str(lang.pick("如何修复：", "How to fix: "));
    s.push_str(e.fix.get(lang));
    s.push_str("\n\n");
    s.push_str(lang.pick("依据：\n", "References:\n"));
    for r in &e.refs {
        let (title, issuer, url) = match catalog.document(&r.doc) {
            Some(d) => (d.title.as_str(), d.issuer.as_str(), d.url.as_deref()),
            None => (r.doc.as_str(), "", None),
        };
        s.push_str(&format!("  - {title}"));
        if let Some(c) = &r.clause {
            s.push_str(&format!(" {c}"));
        }
        if !issuer.is_empty() {
            s.push_str(&format!("（{issuer}）"));
        }
        if let Some(u) = url {
            s.push_str(&format!(" {u}"));
        }
        s.push('\n');
    }
    let basis = match e.basis {
        crate::catalog::Basis::Confirmed => {
            lang.pick("已确认（依据原文）", "confirmed (official wording known)")
        }
        crate::catalog::Basis::Secondary => lang.pick(
            "二手来源（引述原文的第三方资料），可配置",
            "secondary (third-party summary of the official text); configurable",
        ),
        crate::catalog::Basis::Observed => lang.pick(
            "实践中普遍做法，未找到正式条款，可配置",
            "observed practice, no official clause found; configurable",
        ),
        crate::catalog::Basis::Unconfirmed => lang.pick(
            "未确认，阈值或清单可配置",
            "unconfirmed; thresholds or lists are configurable",
        ),
        crate::catalog::Basis::Technical => lang.pick(
            "技术检查（无政策条款）",
            "technical check (no policy clause)",
        ),
    };
    s.push_str(&tr!(lang, "依据可信度：{basis}\n", "Basis: {basis}\n"));
    s
}
