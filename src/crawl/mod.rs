//! Whole-site crawling: breadth-first from the start URLs over the site's hosts, polite
//! (robots.txt, per-host concurrency and interval, backoff), bounded (pages, depth, time, trap
//! guards) and robust (every failure becomes a status, none stops the run).
//!
//! * [`normalise`]: URL normal forms and fingerprints (dedupe);
//! * [`frontier`]: the breadth-first queue and the set of URLs seen;
//! * [`scope`]: hosts, `--include`/`--exclude`, resource types, trap guards;
//! * [`robots`]: robots.txt parsing and the per-origin cache;
//! * [`sitemap`]: sitemap and sitemap-index parsing;
//! * [`site`]: the driver that runs one site's crawl: fetch tasks on the async runtime, page
//!   processing (parse + rules) on a pool of worker threads, link checks.

pub mod frontier;
pub mod normalise;
pub mod robots;
pub mod scope;
pub mod site;
pub mod sitemap;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Crawl options (scope, limits, politeness). `[crawl]` in govaudit.toml.
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CrawlOptions {
    /// Also crawl the subdomains of the start host (www.x.gov.cn: every *.x.gov.cn), such as
    /// department sites under a portal's domain
    #[arg(long)]
    pub include_subdomains: bool,
    /// Crawl only URLs matching this regular expression (repeatable; start URLs always are)
    #[arg(long, value_name = "REGEX")]
    pub include: Vec<String>,
    /// Do not crawl URLs matching this regular expression (repeatable)
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,
    /// Most pages fetched per site; 0 for no limit [default: 10000]
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Deepest link level crawled from the start pages (0: the start pages only); links one
    /// level deeper are still checked [default: no limit]
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Stop crawling a site after this long (90s, 30m, 2h); the report is marked incomplete
    /// [default: no limit]
    #[arg(long, value_name = "DURATION")]
    pub max_time: Option<String>,
    /// Requests in flight over all hosts [default: 8]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Requests in flight per host [default: 2]
    #[arg(long, value_name = "N")]
    pub host_concurrency: Option<usize>,
    /// Least time between the starts of two requests to one host, in seconds; a robots.txt
    /// Crawl-delay can make it longer [default: 0]
    #[arg(long, value_name = "SECS")]
    pub request_interval: Option<f64>,
    /// Longest robots.txt Crawl-delay honoured, in seconds [default: 30]
    #[arg(long, value_name = "SECS")]
    pub max_crawl_delay: Option<f64>,
    /// Do not apply robots.txt to the audited site's own hosts (for the site's webmaster);
    /// external links are still checked only where robots.txt allows
    #[arg(long)]
    pub ignore_robots: bool,
    /// Do not read sitemaps (robots.txt Sitemap lines, /sitemap.xml) for more start pages
    #[arg(long)]
    pub no_sitemaps: bool,
    /// A sitemap (or sitemap index) URL to read for start pages (repeatable)
    #[arg(long = "sitemap", value_name = "URL")]
    #[serde(rename = "sitemaps")]
    pub sitemaps: Vec<String>,
    /// A file of URLs (one per line, # starts a comment) added to the start pages of the site
    /// they belong to
    #[arg(long, value_name = "FILE")]
    pub seed_file: Option<PathBuf>,
    /// URLs longer than this are not crawled (crawler-trap guard) [default: 1024]
    #[arg(long, value_name = "N")]
    pub max_url_length: Option<usize>,
    /// A path segment occurring this many times in one URL marks a crawler trap
    /// (/a/b/a/b/a/) [default: 3]
    #[arg(long, value_name = "N")]
    pub max_repeated_segments: Option<usize>,
    /// Most query-string variants crawled per path, against calendars and filter
    /// combinations [default: 100]
    #[arg(long, value_name = "N")]
    pub max_query_variants: Option<usize>,
    /// Port probed for HTTPS when a site is given as http:// [default: 443]
    #[arg(long, value_name = "PORT")]
    pub https_port: Option<u16>,
    /// Port probed for plain HTTP when a site is given as https:// [default: 80]
    #[arg(long, value_name = "PORT")]
    pub http_port: Option<u16>,
}

impl CrawlOptions {
    /// Page limit per site (`None`: no limit).
    pub fn max_pages(&self) -> Option<usize> {
        match self.max_pages {
            Some(0) => None,
            Some(n) => Some(n),
            None => Some(10_000),
        }
    }
    /// Time limit per site.
    pub fn max_time(&self) -> Result<Option<Duration>> {
        self.max_time
            .as_deref()
            .map(|s| parse_duration(s).map_err(|e| Error::Config(format!("--max-time: {e}"))))
            .transpose()
    }
    /// Global concurrency.
    pub fn concurrency(&self) -> usize {
        self.concurrency.filter(|n| *n > 0).unwrap_or(8)
    }
    /// Per-host concurrency.
    pub fn host_concurrency(&self) -> usize {
        self.host_concurrency.filter(|n| *n > 0).unwrap_or(2)
    }
    /// Per-host request interval.
    pub fn request_interval(&self) -> Duration {
        match self.request_interval {
            Some(v) if v.is_finite() && v > 0.0 => Duration::from_secs_f64(v),
            _ => Duration::ZERO,
        }
    }
    /// Longest Crawl-delay honoured.
    pub fn max_crawl_delay(&self) -> Duration {
        match self.max_crawl_delay {
            Some(v) if v.is_finite() && v >= 0.0 => Duration::from_secs_f64(v),
            _ => Duration::from_secs(30),
        }
    }
    /// URL length guard.
    pub fn max_url_length(&self) -> usize {
        self.max_url_length.filter(|n| *n > 0).unwrap_or(1024)
    }
    /// Repeated-segment guard.
    pub fn max_repeated_segments(&self) -> usize {
        self.max_repeated_segments.filter(|n| *n > 1).unwrap_or(3)
    }
    /// Query-variant guard.
    pub fn max_query_variants(&self) -> usize {
        self.max_query_variants.unwrap_or(100)
    }
    /// HTTPS probe port.
    pub fn https_port(&self) -> u16 {
        self.https_port.unwrap_or(443)
    }
    /// HTTP probe port.
    pub fn http_port(&self) -> u16 {
        self.http_port.unwrap_or(80)
    }
    /// The politeness limits.
    pub fn politeness(&self) -> crate::fetch::gate::Politeness {
        crate::fetch::gate::Politeness {
            concurrency: self.concurrency(),
            host_concurrency: self.host_concurrency(),
            interval: self.request_interval(),
        }
    }
}

/// Parses a duration: a number of seconds, or a number with `ms`, `s`, `m` or `h`.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let t = s.trim().to_ascii_lowercase();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num
        .parse()
        .map_err(|_| format!("not a duration: {s:?} (examples: 90, 90s, 30m, 2h)"))?;
    let mult = match unit.trim() {
        "ms" => 0.001,
        "" | "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" | "hr" | "hrs" => 3600.0,
        other => return Err(format!("unknown unit {other:?} in {s:?} (use s, m or h)")),
    };
    let secs = v * mult;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(format!("not a positive duration: {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Counts of URLs not crawled, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Disallowed by robots.txt (or robots.txt unavailable).
    pub robots: u64,
    /// Outside the site (other hosts) or excluded by `--include`/`--exclude`.
    pub scope: u64,
    /// Not HTML (by extension or `Content-Type`): checked, not parsed.
    #[serde(rename = "type")]
    pub kind: u64,
    /// Crawler-trap guards.
    pub trap: u64,
    /// Beyond `--max-pages`, `--max-depth` or `--max-time`, or left when interrupted.
    pub limit: u64,
}

/// Crawl statistics of one site (`sites[].crawl` in the JSON report).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlStats {
    /// Page URLs fetched (an answer of any status).
    pub pages_fetched: u64,
    /// Pages audited (in the report's `pages`).
    pub pages_audited: u64,
    /// Links and resources whose status was checked (HEAD, or GET when HEAD was refused).
    pub links_checked: u64,
    /// URLs not crawled, by reason.
    pub skipped: Skipped,
    /// Page fetches that failed (no answer) or answered 4xx/5xx.
    pub failed: u64,
    /// Final statuses of page fetches and link checks.
    pub by_status: BTreeMap<String, u64>,
    /// Failures without an answer, by kind (`timeout`, `dns`, `connect`, `tls`...).
    pub errors: BTreeMap<String, u64>,
    /// HTTP requests sent (every redirect hop, retry, HEAD, robots.txt and sitemap).
    pub requests: u64,
    /// Body bytes received on the wire.
    pub bytes: u64,
    /// Wall time of the crawl, in milliseconds.
    pub duration_ms: u64,
    /// Whether every URL in scope was crawled (false when a limit or an interruption cut the
    /// crawl short).
    pub complete: bool,
    /// What cut the crawl short: `max-pages`, `max-depth`, `max-time` or `interrupted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<String>,
}

/// The run-wide stop signal (Ctrl-C).
#[derive(Debug, Default)]
pub struct Stop {
    state: AtomicU8,
    notify: tokio::sync::Notify,
}

impl Stop {
    /// Not stopped.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Requests a stop: no new fetches; pages in flight finish; the report is written.
    pub fn interrupt(&self) {
        self.state.store(1, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether a stop was requested.
    pub fn is_stopped(&self) -> bool {
        self.state.load(Ordering::SeqCst) != 0
    }

    /// Waits until a stop is requested.
    pub async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}

/// Reads a seed file: one URL per line, blank lines and `#` comments skipped.
pub fn read_seed_file(path: &std::path::Path) -> Result<Vec<url::Url>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        let url = url::Url::parse(t).map_err(|e| {
            Error::Config(format!(
                "--seed-file {}:{}: {t:?} is not a URL ({e})",
                path.display(),
                n + 1
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "--seed-file {}:{}: only http(s) URLs are crawled: {t}",
                path.display(),
                n + 1
            )));
        }
        out.push(url);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 days").is_err());
    }

    #[test]
    fn defaults() {
        let o = CrawlOptions::default();
        assert_eq!(o.max_pages(), Some(10_000));
        assert_eq!(o.concurrency(), 8);
        assert_eq!(o.host_concurrency(), 2);
        assert_eq!(o.max_time().ok(), Some(None));
        let o = CrawlOptions {
            max_pages: Some(0),
            max_time: Some("bad".into()),
            ..CrawlOptions::default()
        };
        assert_eq!(o.max_pages(), None);
        assert!(o.max_time().is_err());
    }

    #[test]
    fn seed_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("seeds.txt");
        std::fs::write(
            &p,
            "# list\nhttp://x.gov.cn/a\n\n https://x.gov.cn/b # two\n",
        )
        .expect("w");
        let urls = read_seed_file(&p).expect("read");
        assert_eq!(urls.len(), 2);
        std::fs::write(&p, "ftp://x.gov.cn/a\n").expect("w");
        assert!(read_seed_file(&p).is_err());
        std::fs::write(&p, "not a url\n").expect("w");
        assert!(read_seed_file(&p).is_err());
    }
}
