//! Command-line definitions (clap) and the commands' implementations. The binary only maps the
//! result to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::audit::Progress;
use crate::catalog::{Catalog, RuleEntry};
use crate::config::AuditOptions;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::report::{self, Format, Report};
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

/// Parses the command line and runs the command; returns the exit code.
pub fn run() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Audit(opts) => run_audit(&opts),
        Command::Rules(args) => run_rules(&args),
        Command::Explain(args) => run_explain(&args),
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

fn use_color(no_color: bool) -> bool {
    let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && !env_off && std::io::stdout().is_terminal()
}

/// Runs `govaudit audit`.
pub fn run_audit(opts: &AuditOptions) -> Result<i32> {
    let formats = opts.formats();
    if formats.len() > 1 && opts.output.is_some() {
        return Err(Error::Config(
            "--output takes one format; give one --format, or write to standard output".into(),
        ));
    }
    let show_progress = !opts.no_progress && std::io::stderr().is_terminal();
    let report = if show_progress {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {per_sec} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let bar = Bar(bar, std::sync::atomic::AtomicU64::new(0));
        crate::audit::audit_with(opts, &bar)?
    } else {
        crate::audit::audit(opts)?
    };
    let color = use_color(opts.no_color);
    colored::control::set_override(color);
    for format in &formats {
        let bytes =
            render_for_output(&report, *format, color && opts.output.is_none(), opts.quiet)?;
        match &opts.output {
            Some(path) => {
                report::write_atomic(path, &bytes)?;
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
    Ok(if report.fails(opts.fail_on()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn render_for_output(report: &Report, format: Format, color: bool, quiet: bool) -> Result<Vec<u8>> {
    if quiet && format == Format::Terminal {
        let mut slim = report.clone();
        for p in &mut slim.pages {
            p.findings.clear();
        }
        for s in &mut slim.sites {
            s.findings.clear();
        }
        return report::render(&slim, format, color);
    }
    report::render(report, format, color)
}

/// Runs `govaudit rules`.
pub fn run_rules(args: &RulesArgs) -> Result<i32> {
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
        Format::Terminal => {
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
        Format::Terminal => explain_text(catalog, entry, lang),
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
