//! The audit options: one struct for the command line (clap) and for `govaudit.toml` (serde).
//!
//! Every field is optional or a list, with the default applied by an accessor, so that values
//! given on the command line can be laid over a config file's (a value given on the command
//! line wins). Each rule family owns its options struct in its own module; they are flattened
//! into the command line and appear as `[family]` tables in the config file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::report::{FailOn, Format};

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

/// Everything an audit can be told.
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuditOptions {
    /// What to audit: http(s) URLs, HTML files, or folders of HTML files (.html, .htm, .shtml)
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Output format(s), comma-separated [default: terminal]
    #[arg(
        long,
        short = 'f',
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT"
    )]
    pub format: Vec<Format>,

    /// Write the report to this file instead of standard output (written only when complete)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

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
            let mut f = self.format.clone();
            f.dedup();
            f
        }
    }

    /// Worker threads.
    pub fn jobs(&self) -> usize {
        self.jobs.filter(|j| *j > 0).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        })
    }
}
