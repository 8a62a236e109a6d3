//! The crawl of one site.
//!
//! One async driver (on the caller's thread, inside the runtime) owns all crawl state — the
//! frontier, the scope, the link index, the status book — so none of it needs a lock. Fetch
//! and link-check tasks run on the runtime and report back through a channel; fetched pages go
//! to a pool of worker threads (`--jobs`) that decode, parse and run the rules
//! ([`crate::audit::process`]) and send back the page's report and links. A page's DOM and
//! body are dropped on the worker as soon as its rules ran; only the report and the link
//! targets (interned once per site) are kept.
//!
//! Bounds: at most `concurrency + 2 × jobs` pages are fetched-but-not-yet-processed at a time
//! (each holds at most the body caps), link checks read no body, and every request passes the
//! fetcher's politeness gate.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;
use url::Url;

use super::frontier::Frontier;
use super::normalise::{str_fingerprint, url_fingerprint};
use super::robots::{Robots, RobotsCache, RobotsSource, product_token};
use super::scope::{Scope, Verdict};
use super::sitemap::{self, Sitemap};
use super::{CrawlStats, Stop};
use crate::audit::{self, Progress};
use crate::config::AuditOptions;
use crate::error::{Error, Result};
use crate::fetch::http::{BodyMode, HttpFetcher, Request};
use crate::fetch::{FetchError, FetchErrorKind, RawPage};
use crate::page::LinkKind;
use crate::report::PageReport;
use crate::rules::links::{CheckMethod, LinkStatus, SkipReason, is_checked_kind};
use crate::rules::{Engine, LinkIndex, LinkTarget, SiteInfo, SiteKind};
use crate::services::Services;
use crate::tr;

/// Most sitemap files read per site (index files included).
pub const MAX_SITEMAP_FILES: usize = 50;

/// What a site's crawl needs from the audit.
pub struct SiteRun<'a> {
    /// The rule engine.
    pub engine: &'a Engine,
    /// The options.
    pub options: &'a AuditOptions,
    /// Services (their fetcher is the crawl's fetcher).
    pub services: &'a Services,
    /// Progress sink.
    pub progress: &'a dyn Progress,
    /// The run-wide stop signal.
    pub stop: &'a Arc<Stop>,
}

/// Link targets of a site's pages, interned once, with the (arrival-order) ids of the pages
/// referencing them.
#[derive(Debug, Default)]
pub struct LinkIndexBuilder {
    ids: HashMap<Box<str>, u32>,
    targets: Vec<LinkTarget>,
}

impl LinkIndexBuilder {
    /// Adds a page's links; returns those that are new to the index (a new target, or a new
    /// kind of reference to a known one).
    pub fn add(&mut self, page: u32, links: &[(String, LinkKind)]) -> Vec<usize> {
        let mut fresh = Vec::new();
        for (i, (url, kind)) in links.iter().enumerate() {
            let id = match self.ids.get(url.as_str()) {
                Some(id) => *id as usize,
                None => {
                    let id = self.targets.len();
                    self.ids.insert(url.as_str().into(), id as u32);
                    self.targets.push(LinkTarget::default());
                    id
                }
            };
            let t = &mut self.targets[id];
            if !t.kinds.contains(kind) {
                t.kinds.push(*kind);
                fresh.push(i);
            }
            if t.sources.last() != Some(&page) {
                t.sources.push(page);
            }
        }
        fresh
    }

    /// Number of distinct targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The index, with page ids mapped through `perm` (arrival order → report order) and
    /// statuses from the book.
    pub fn build(self, perm: &[u32], book: &StatusBook) -> LinkIndex {
        let mut index = LinkIndex::default();
        let mut targets: Vec<Option<LinkTarget>> = self.targets.into_iter().map(Some).collect();
        for (url, id) in self.ids {
            let Some(mut t) = targets.get_mut(id as usize).and_then(Option::take) else {
                continue;
            };
            for s in &mut t.sources {
                *s = perm.get(*s as usize).copied().unwrap_or(*s);
            }
            t.sources.sort_unstable();
            t.sources.dedup();
            t.status = book.get(&url).cloned();
            index.targets.insert(url.into(), t);
        }
        index
    }
}

/// Link statuses by fingerprint of the target's normal form.
#[derive(Debug, Default)]
pub struct StatusBook {
    map: HashMap<u64, LinkStatus>,
}

impl StatusBook {
    /// The status of a URL (any form that normalises alike).
    pub fn get(&self, url: &str) -> Option<&LinkStatus> {
        self.map.get(&str_fingerprint(url))
    }

    /// Records the result of fetching a page (wins over a check).
    pub fn set_page(&mut self, fp: u64, status: LinkStatus) {
        let soft = self.map.get(&fp).and_then(|s| s.soft_404.clone());
        let entry = self.map.entry(fp).or_default();
        *entry = status;
        if entry.soft_404.is_none() {
            entry.soft_404 = soft;
        }
    }

    /// Records a check or a skip unless the URL already has a status.
    pub fn set_if_new(&mut self, fp: u64, status: LinkStatus) -> bool {
        if self.map.contains_key(&fp) {
            return false;
        }
        self.map.insert(fp, status);
        true
    }

    /// Marks a page as a soft 404.
    pub fn set_soft_404(&mut self, fp: u64, phrase: String) {
        self.map.entry(fp).or_default().soft_404 = Some(phrase);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the book is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Everything a site's crawl produced.
pub struct Crawled {
    /// The site.
    pub info: SiteInfo,
    /// Page reports, in arrival order.
    pub reports: Vec<PageReport>,
    /// The link targets (page ids in arrival order).
    pub links: LinkIndexBuilder,
    /// Link statuses.
    pub book: StatusBook,
    /// Statistics.
    pub stats: CrawlStats,
    /// Notes for the report.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
struct Work {
    url: Url,
    fp: u64,
    depth: u32,
    start: bool,
}

enum Event {
    Fetched {
        work: Work,
        result: Box<std::result::Result<RawPage, FetchError>>,
    },
    Blocked {
        work: Work,
        robots: Arc<Robots>,
    },
    Processed {
        report: Box<PageReport>,
        links: Vec<(String, LinkKind)>,
        final_fp: u64,
        depth: u32,
    },
    Checked {
        fp: u64,
        status: LinkStatus,
    },
    Seeds {
        urls: Vec<String>,
        notes: Vec<String>,
    },
}

struct Job {
    raw: std::result::Result<RawPage, FetchError>,
    fallback: Url,
    depth: u32,
    final_fp: u64,
}

/// Crawls the site of a start URL and processes its pages.
pub fn crawl(run: &SiteRun<'_>, index: usize, start: &Url) -> Result<Crawled> {
    let (Some(rt), Some(fetcher)) = (run.services.runtime(), run.services.http()) else {
        return Err(Error::Config(
            "network access is needed to crawl a site".into(),
        ));
    };
    let options = run.options;
    let started = Instant::now();
    let counters_before = fetcher.counters();
    let robots = Arc::new(RobotsCache::new(
        fetcher.clone(),
        &product_token(&options.fetch.user_agent()),
        options.crawl.max_crawl_delay(),
    ));
    let mut scope = Scope::new(start, &options.crawl)?;
    if options.crawl.ignore_robots
        && let Some(h) = start.host_str()
    {
        robots.ignore_host(h);
    }
    let mut seeds: Vec<Url> = Vec::new();
    let mut notes = Vec::new();
    if let Some(path) = &options.crawl.seed_file {
        let mut outside = 0;
        for u in super::read_seed_file(path)? {
            if scope.on_site(&u) {
                seeds.push(u);
            } else {
                outside += 1;
            }
        }
        if outside > 0 {
            notes.push(tr!(
                options.lang(),
                "--seed-file 中有 {outside} 个网址不属于本站点，已忽略",
                "{outside} URLs of --seed-file are not on this site and were ignored"
            ));
        }
    }

    // The start page first, so the site's root follows its redirect (kaiping.gov.cn →
    // www.kaiping.gov.cn) before any rule runs.
    let first = rt.block_on(fetch_work(
        fetcher.clone(),
        Arc::clone(&robots),
        !options.crawl.ignore_robots,
        Work {
            url: start.clone(),
            fp: url_fingerprint(start),
            depth: 0,
            start: true,
        },
        run.services.cached(start),
    ));
    let mut root_url = start.clone();
    if let Event::Fetched { result, .. } = &first
        && let Ok(raw) = &**result
        && matches!(raw.final_url.scheme(), "http" | "https")
        && raw.final_url.host_str() != start.host_str()
    {
        scope.add_host(&raw.final_url, options.crawl.include_subdomains);
        if options.crawl.ignore_robots
            && let Some(h) = raw.final_url.host_str()
        {
            robots.ignore_host(h);
        }
        root_url = raw.final_url.clone();
    }
    root_url.set_path("/");
    root_url.set_query(None);
    root_url.set_fragment(None);
    let info = SiteInfo {
        index,
        root: root_url.to_string(),
        root_url,
        kind: SiteKind::Remote,
        start_urls: std::iter::once(start.clone())
            .chain(seeds.iter().cloned())
            .collect(),
    };

    let (tx_ev, rx_ev) = unbounded_channel::<Event>();
    let (tx_work, rx_work) = mpsc::channel::<Job>();
    let rx_work = Mutex::new(rx_work);
    let jobs = options.jobs().max(1);
    let mut driver = Driver {
        run,
        options,
        scope,
        frontier: Frontier::new(),
        robots,
        fetcher: fetcher.clone(),
        tx_ev: tx_ev.clone(),
        tx_work: Some(tx_work),
        tasks: JoinSet::new(),
        book: StatusBook::default(),
        done_pages: HashSet::new(),
        start_fps: HashSet::new(),
        check_seen: HashSet::new(),
        check_queue: VecDeque::new(),
        links: LinkIndexBuilder::default(),
        reports: Vec::new(),
        stats: CrawlStats::default(),
        notes,
        fetching: 0,
        processing: 0,
        checking: 0,
        other: 0,
        pages_started: 0,
        slots: options.crawl.concurrency() + 2 * jobs,
        check_slots: options.crawl.concurrency() * 4,
        max_pages: options.crawl.max_pages(),
        max_depth: options.crawl.max_depth,
        stopped: None,
        limit_hit: false,
        depth_hit: false,
        kept_pages: 0,
        kept_bytes: 0,
    };
    let max_time = options.crawl.max_time()?;

    driver.frontier.mark_seen(url_fingerprint(start));
    driver.start_fps.insert(url_fingerprint(start));
    run.progress.add_total(1);
    driver.fetching += 1;
    driver.pages_started += 1;
    driver.handle(first);
    for s in &seeds {
        let fp = url_fingerprint(s);
        driver.start_fps.insert(fp);
        if driver.frontier.push(s.as_str(), fp, 0) {
            run.progress.add_total(1);
        }
    }
    if !options.crawl.no_sitemaps || !options.crawl.sitemaps.is_empty() {
        let _runtime = rt.enter();
        driver.spawn_sitemaps(start);
    }

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx_ev.clone();
            let rx = &rx_work;
            let info = &info;
            scope.spawn(move || worker(run, info, rx, tx));
        }
        drop(tx_ev);
        rt.block_on(driver.run(rx_ev, max_time));
        // Dropping the job sender ends the workers once the queue is empty.
        driver.tx_work = None;
    });

    let counters = fetcher.counters();
    let mut stats = std::mem::take(&mut driver.stats);
    stats.requests = counters.requests.saturating_sub(counters_before.requests);
    stats.bytes = counters.bytes.saturating_sub(counters_before.bytes);
    stats.duration_ms = started.elapsed().as_millis() as u64;
    stats.pages_audited = driver.reports.len() as u64;
    stats.stopped_by = driver
        .stopped
        .map(str::to_string)
        .or_else(|| driver.limit_hit.then(|| "max-pages".to_string()))
        .or_else(|| driver.depth_hit.then(|| "max-depth".to_string()));
    stats.complete = stats.stopped_by.is_none();
    Ok(Crawled {
        info: info.clone(),
        reports: std::mem::take(&mut driver.reports),
        links: std::mem::take(&mut driver.links),
        book: std::mem::take(&mut driver.book),
        stats,
        notes: std::mem::take(&mut driver.notes),
    })
}

/// A page fetch: robots.txt first (unless ignored), then GET (HTML bodies only).
async fn fetch_work(
    fetcher: HttpFetcher,
    robots: Arc<RobotsCache>,
    respect_robots: bool,
    work: Work,
    cached: Option<crate::services::Fetched>,
) -> Event {
    if respect_robots && !robots.allowed(&work.url).await {
        let r = robots.get(&work.url).await;
        // A start page on a host whose robots.txt does not answer is still tried once, so
        // that the report says why the site cannot be audited.
        let unreachable = matches!(r.source, RobotsSource::Unreachable(_));
        if !(work.start && unreachable) {
            return Event::Blocked { work, robots: r };
        }
    }
    let result = match cached {
        Some(c) => (*c).clone(),
        None => fetcher.get_page(&work.url, work.depth).await,
    };
    Event::Fetched {
        work,
        result: Box::new(result),
    }
}

fn worker(
    run: &SiteRun<'_>,
    info: &SiteInfo,
    rx: &Mutex<mpsc::Receiver<Job>>,
    tx: UnboundedSender<Event>,
) {
    loop {
        let job = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => break,
        };
        let Ok(job) = job else { break };
        let mut processed = audit::process(
            run.engine,
            run.options,
            info,
            run.services,
            job.raw,
            (job.fallback, None),
        );
        processed.report.depth = job.depth;
        let failed = processed.report.status.is_none_or(|s| s >= 400);
        run.progress.page_done(&processed.report.url, failed);
        run.progress.page_report(info, &processed.report);
        let links = std::mem::take(&mut processed.links);
        let _ = tx.send(Event::Processed {
            report: Box::new(processed.report),
            links,
            final_fp: job.final_fp,
            depth: job.depth,
        });
    }
}

struct Driver<'a> {
    run: &'a SiteRun<'a>,
    options: &'a AuditOptions,
    scope: Scope,
    frontier: Frontier,
    robots: Arc<RobotsCache>,
    fetcher: HttpFetcher,
    tx_ev: UnboundedSender<Event>,
    tx_work: Option<mpsc::Sender<Job>>,
    tasks: JoinSet<()>,
    book: StatusBook,
    /// Pages whose content was obtained (by their final URL).
    done_pages: HashSet<u64>,
    start_fps: HashSet<u64>,
    check_seen: HashSet<u64>,
    check_queue: VecDeque<String>,
    links: LinkIndexBuilder,
    reports: Vec<PageReport>,
    stats: CrawlStats,
    notes: Vec<String>,
    fetching: usize,
    processing: usize,
    checking: usize,
    other: usize,
    pages_started: usize,
    slots: usize,
    check_slots: usize,
    max_pages: Option<usize>,
    max_depth: Option<u32>,
    stopped: Option<&'static str>,
    limit_hit: bool,
    depth_hit: bool,
    /// Level-2 page bodies kept in the services cache for the site stage.
    kept_pages: usize,
    kept_bytes: usize,
}

/// At most this many pages linked from the home page are kept for the site stage...
const MAX_KEPT_LEVEL2_PAGES: usize = 300;
/// ...and at most this many bytes of them.
const MAX_KEPT_LEVEL2_BYTES: usize = 32 << 20;

impl Driver<'_> {
    async fn run(
        &mut self,
        mut rx: UnboundedReceiver<Event>,
        max_time: Option<std::time::Duration>,
    ) {
        let deadline = max_time.map(|d| tokio::time::Instant::now() + d);
        let stop = Arc::clone(self.run.stop);
        if stop.is_stopped() {
            self.halt("interrupted");
        }
        loop {
            if self.stopped.is_none() {
                self.launch();
            }
            if self.idle() {
                break;
            }
            let timer = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            let running = self.stopped.is_none();
            tokio::select! {
                ev = rx.recv() => match ev {
                    Some(ev) => self.handle(ev),
                    None => break,
                },
                Some(_) = self.tasks.join_next(), if !self.tasks.is_empty() => {}
                () = timer, if running => self.halt("max-time"),
                () = stop.wait(), if running => self.halt("interrupted"),
            }
        }
    }

    fn idle(&self) -> bool {
        let waiting =
            self.stopped.is_none() && (!self.frontier.is_empty() || !self.check_queue.is_empty());
        self.fetching == 0
            && self.processing == 0
            && self.checking == 0
            && self.other == 0
            && !waiting
    }

    fn page_limit_reached(&self) -> bool {
        self.max_pages.is_some_and(|m| self.pages_started >= m)
    }

    /// Starts fetches and checks up to the limits.
    fn launch(&mut self) {
        while self.fetching + self.processing < self.slots {
            if self.page_limit_reached() {
                let left = self.frontier.drain();
                if !left.is_empty() {
                    self.limit_hit = true;
                }
                for e in left {
                    self.stats.skipped.limit += 1;
                    self.book.set_if_new(
                        str_fingerprint(&e.url),
                        LinkStatus::skipped(SkipReason::Limit),
                    );
                    self.run.progress.skip(1);
                }
                break;
            }
            let Some(entry) = self.frontier.pop() else {
                break;
            };
            let Ok(url) = Url::parse(&entry.url) else {
                self.run.progress.skip(1);
                continue;
            };
            let fp = url_fingerprint(&url);
            if self.done_pages.contains(&fp) {
                // Already obtained through a redirect.
                self.run.progress.skip(1);
                continue;
            }
            let start = self.start_fps.contains(&fp);
            self.spawn_fetch(Work {
                url,
                fp,
                depth: entry.depth,
                start,
            });
        }
        while self.checking < self.check_slots {
            let Some(url) = self.check_queue.pop_front() else {
                break;
            };
            self.spawn_check(url);
        }
    }

    fn spawn_fetch(&mut self, work: Work) {
        self.fetching += 1;
        self.pages_started += 1;
        let respect = !self.options.crawl.ignore_robots;
        let cached = self.run.services.cached(&work.url);
        let fetcher = self.fetcher.clone();
        let robots = Arc::clone(&self.robots);
        let tx = self.tx_ev.clone();
        self.tasks.spawn(async move {
            let ev = fetch_work(fetcher, robots, respect, work, cached).await;
            let _ = tx.send(ev);
        });
    }

    fn spawn_check(&mut self, url: String) {
        let Ok(u) = Url::parse(&url) else { return };
        let fp = url_fingerprint(&u);
        if self.book.get(&url).is_some() {
            return;
        }
        self.checking += 1;
        let respect = !(self.options.crawl.ignore_robots && self.scope.on_site(&u));
        let cached = self.run.services.cached(&u);
        let fetcher = self.fetcher.clone();
        let robots = Arc::clone(&self.robots);
        let tx = self.tx_ev.clone();
        self.tasks.spawn(async move {
            let status = check_url(fetcher, robots, respect, &u, cached).await;
            let _ = tx.send(Event::Checked { fp, status });
        });
    }

    fn spawn_sitemaps(&mut self, start: &Url) {
        self.other += 1;
        let fetcher = self.fetcher.clone();
        let robots = Arc::clone(&self.robots);
        let tx = self.tx_ev.clone();
        let start = start.clone();
        let extra = self.options.crawl.sitemaps.clone();
        let auto = !self.options.crawl.no_sitemaps;
        let lang = self.options.lang();
        let cap = self.options.fetch.max_decompressed_size();
        self.tasks.spawn(async move {
            let (urls, notes) =
                read_sitemaps(fetcher, robots, &start, extra, auto, lang, cap).await;
            let _ = tx.send(Event::Seeds { urls, notes });
        });
    }

    /// Stops fetching: queued and in-flight fetches and checks are dropped; pages already
    /// fetched are still processed.
    fn halt(&mut self, why: &'static str) {
        if self.stopped.is_some() {
            return;
        }
        self.stopped = Some(why);
        self.tasks.abort_all();
        let left = self.frontier.drain().len() + self.fetching;
        self.stats.skipped.limit += left as u64;
        self.run.progress.skip(left as u64);
        for url in self.check_queue.drain(..) {
            self.book.set_if_new(
                str_fingerprint(&url),
                LinkStatus::skipped(SkipReason::Interrupted),
            );
        }
        self.fetching = 0;
        self.checking = 0;
        self.other = 0;
        let msg = match why {
            "max-time" => tr!(
                self.options.lang(),
                "已达到 --max-time 时间上限，抓取提前结束，报告不完整",
                "--max-time reached: the crawl stopped early and the report is incomplete"
            ),
            _ => tr!(
                self.options.lang(),
                "审计被中断（Ctrl-C），报告只包含中断前已检查的内容",
                "the audit was interrupted (Ctrl-C); the report holds what was checked before"
            ),
        };
        self.notes.push(msg);
    }

    fn handle(&mut self, ev: Event) {
        match ev {
            Event::Processed {
                report,
                links,
                final_fp,
                depth,
            } => self.on_processed(*report, &links, final_fp, depth),
            _ if self.stopped.is_some() => {}
            Event::Fetched { work, result } => self.on_fetched(work, *result),
            Event::Blocked { work, robots } => self.on_blocked(&work, &robots),
            Event::Checked { fp, status } => {
                self.checking = self.checking.saturating_sub(1);
                if status.skipped == Some(SkipReason::Robots) {
                    self.stats.skipped.robots += 1;
                } else {
                    self.stats.links_checked += 1;
                    self.count_status(&status);
                }
                self.book.set_if_new(fp, status);
            }
            Event::Seeds { urls, notes } => {
                self.other = self.other.saturating_sub(1);
                self.notes.extend(notes);
                let mut outside = 0usize;
                for s in urls {
                    let Ok(u) = Url::parse(&s) else { continue };
                    if !self.scope.on_site(&u) {
                        outside += 1;
                        continue;
                    }
                    self.consider(&s, LinkKind::Anchor, 1);
                }
                if outside > 0 {
                    self.notes.push(tr!(
                        self.options.lang(),
                        "站点地图中有 {outside} 个网址不属于本站点，已忽略",
                        "{outside} sitemap URLs are not on this site and were ignored"
                    ));
                }
            }
        }
    }

    fn count_status(&mut self, status: &LinkStatus) {
        if let Some(s) = status.status {
            *self.stats.by_status.entry(s.to_string()).or_insert(0) += 1;
        }
        if let Some(k) = &status.error {
            let key = serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *self.stats.errors.entry(key).or_insert(0) += 1;
        }
    }

    fn on_blocked(&mut self, work: &Work, robots: &Robots) {
        self.fetching = self.fetching.saturating_sub(1);
        self.pages_started = self.pages_started.saturating_sub(1);
        self.stats.skipped.robots += 1;
        self.book
            .set_page(work.fp, LinkStatus::skipped(SkipReason::Robots));
        self.run.progress.skip(1);
        if work.start {
            let lang = self.options.lang();
            let note = match &robots.source {
                RobotsSource::ServerError(s) => tr!(
                    lang,
                    "robots.txt 返回 HTTP {s}，按 RFC 9309 视为禁止抓取，未审计 {}；如果您是本站管理员，可使用 --ignore-robots",
                    "robots.txt answered HTTP {s}, which RFC 9309 treats as \"disallow all\": {} was not audited; if you are the site's webmaster, use --ignore-robots",
                    work.url
                ),
                RobotsSource::Unreachable(e) => tr!(
                    lang,
                    "无法读取 robots.txt（{}），未审计 {}",
                    "robots.txt could not be read ({}): {} was not audited",
                    e.message,
                    work.url
                ),
                _ => tr!(
                    lang,
                    "robots.txt 不允许 govaudit 抓取 {}；如果您是本站管理员，可使用 --ignore-robots",
                    "robots.txt does not allow govaudit to fetch {}; if you are the site's webmaster, use --ignore-robots",
                    work.url
                ),
            };
            self.notes.push(note);
        }
    }

    fn on_fetched(&mut self, work: Work, result: std::result::Result<RawPage, FetchError>) {
        self.fetching = self.fetching.saturating_sub(1);
        let status = LinkStatus::from_fetch(&result, CheckMethod::Page);
        self.count_status(&status);
        let raw = match result {
            Err(e) => {
                self.stats.failed += 1;
                self.book.set_page(work.fp, status);
                if work.start {
                    self.send_job(Err(e), work.url, work.depth, work.fp);
                } else {
                    self.run.progress.page_done(work.url.as_str(), true);
                }
                return;
            }
            Ok(raw) => raw,
        };
        self.stats.pages_fetched += 1;
        let final_fp = url_fingerprint(&raw.final_url);
        self.book.set_page(work.fp, status.clone());
        if final_fp != work.fp {
            self.frontier.mark_seen(final_fp);
            self.book.set_page(
                final_fp,
                LinkStatus {
                    redirects: Vec::new(),
                    ..status.clone()
                },
            );
        }
        let code = raw.status.unwrap_or(0);
        if !work.start {
            if !self.scope.on_site(&raw.final_url) {
                // Redirected off the site: a status, not a page of this site.
                self.stats.skipped.scope += 1;
                self.run.progress.skip(1);
                return;
            }
            if self.done_pages.contains(&final_fp) {
                self.run.progress.skip(1);
                return;
            }
            if code >= 400 {
                self.stats.failed += 1;
                self.run.progress.page_done(work.url.as_str(), true);
                return;
            }
            if !raw.is_html() {
                self.stats.skipped.kind += 1;
                self.run.progress.skip(1);
                return;
            }
        } else if code >= 400 {
            self.stats.failed += 1;
        }
        self.done_pages.insert(final_fp);
        self.done_pages.insert(work.fp);
        // Rules asking for the start page (the home page's headers, links back to it) or for a
        // page the home page links to (the 繁体版 or 关怀版 target, the site map, IPv6 level-2
        // pages) reuse it instead of fetching it again; the cache is emptied when the site is
        // finished, and level-2 bodies are kept only up to a bound.
        let keep = work.start
            || (work.depth == 1
                && self.kept_pages < MAX_KEPT_LEVEL2_PAGES
                && self.kept_bytes + raw.body.len() <= MAX_KEPT_LEVEL2_BYTES);
        if keep {
            if !work.start {
                self.kept_pages += 1;
                self.kept_bytes += raw.body.len();
            }
            self.run
                .services
                .remember(work.url.clone(), Ok(raw.clone()));
        }
        self.send_job(Ok(raw), work.url, work.depth, final_fp);
    }

    fn send_job(
        &mut self,
        raw: std::result::Result<RawPage, FetchError>,
        fallback: Url,
        depth: u32,
        final_fp: u64,
    ) {
        if let Some(tx) = &self.tx_work
            && tx
                .send(Job {
                    raw,
                    fallback,
                    depth,
                    final_fp,
                })
                .is_ok()
        {
            self.processing += 1;
        }
    }

    fn on_processed(
        &mut self,
        report: PageReport,
        links: &[(String, LinkKind)],
        final_fp: u64,
        depth: u32,
    ) {
        self.processing = self.processing.saturating_sub(1);
        if let Some(phrase) = report.facts.get("soft_404").and_then(|v| v.as_str()) {
            self.book.set_soft_404(final_fp, phrase.to_string());
        }
        let page_id = self.reports.len() as u32;
        self.reports.push(report);
        let fresh = self.links.add(page_id, links);
        if self.stopped.is_some() {
            return;
        }
        for i in fresh {
            let (url, kind) = &links[i];
            self.consider(url, *kind, depth + 1);
        }
    }

    /// Decides what to do with a link target found on a page at `depth - 1`.
    fn consider(&mut self, url: &str, kind: LinkKind, depth: u32) {
        if !is_checked_kind(kind) {
            return;
        }
        let Ok(u) = Url::parse(url) else { return };
        if !matches!(u.scheme(), "http" | "https") {
            return;
        }
        let fp = url_fingerprint(&u);
        let on_site = self.scope.on_site(&u);
        if !kind.is_navigation() {
            if on_site || !self.options.links.skip_external {
                self.enqueue_check(url, fp);
            }
            return;
        }
        if self.frontier.seen(fp) || self.done_pages.contains(&fp) {
            return;
        }
        self.frontier.mark_seen(fp);
        match self.scope.classify(&u) {
            Verdict::Page => {
                if self.max_depth.is_some_and(|m| depth > m) {
                    self.depth_hit = true;
                    self.stats.skipped.limit += 1;
                    self.enqueue_check(url, fp);
                } else if self.page_limit_reached() {
                    self.limit_hit = true;
                    self.stats.skipped.limit += 1;
                    self.book
                        .set_if_new(fp, LinkStatus::skipped(SkipReason::Limit));
                } else {
                    // The fingerprint is already marked: queue it directly.
                    self.frontier.push_marked(url, depth);
                    self.run.progress.add_total(1);
                    if self.options.crawl.ignore_robots
                        && let Some(h) = u.host_str()
                        && !self.robots.is_ignored(h)
                    {
                        self.robots.ignore_host(h);
                    }
                }
            }
            Verdict::Resource => {
                self.stats.skipped.kind += 1;
                self.enqueue_check(url, fp);
            }
            Verdict::External => {
                self.stats.skipped.scope += 1;
                if self.options.links.skip_external {
                    self.book
                        .set_if_new(fp, LinkStatus::skipped(SkipReason::Scope));
                } else {
                    self.enqueue_check(url, fp);
                }
            }
            Verdict::Excluded => {
                self.stats.skipped.scope += 1;
                self.book
                    .set_if_new(fp, LinkStatus::skipped(SkipReason::Scope));
            }
            Verdict::Trap(_) => {
                self.stats.skipped.trap += 1;
                self.book
                    .set_if_new(fp, LinkStatus::skipped(SkipReason::Trap));
            }
        }
    }

    fn enqueue_check(&mut self, url: &str, fp: u64) {
        if self.check_seen.insert(fp) && self.book.get(url).is_none() {
            self.check_queue.push_back(url.to_string());
        }
    }
}

/// Checks a link: robots.txt of its host, then HEAD (GET when refused).
async fn check_url(
    fetcher: HttpFetcher,
    robots: Arc<RobotsCache>,
    respect_robots: bool,
    url: &Url,
    cached: Option<crate::services::Fetched>,
) -> LinkStatus {
    if let Some(c) = cached {
        return LinkStatus::from_fetch(&c, CheckMethod::Cache);
    }
    if respect_robots {
        let r = robots.get(url).await;
        if let RobotsSource::Unreachable(e) = &r.source
            && matches!(
                e.kind,
                FetchErrorKind::Dns
                    | FetchErrorKind::Connect
                    | FetchErrorKind::Timeout
                    | FetchErrorKind::Tls
            )
        {
            // The host does not answer at all: that is the link's status.
            return LinkStatus::from_error(e, CheckMethod::Get);
        }
        if !r.allowed(url) {
            return LinkStatus::skipped(SkipReason::Robots);
        }
    }
    let (result, method) = fetcher.check(url).await;
    let method = match method {
        crate::fetch::http::Method::Head => CheckMethod::Head,
        crate::fetch::http::Method::Get => CheckMethod::Get,
    };
    LinkStatus::from_fetch(&result, method)
}

/// Checks a list of URLs (a local audit's remote links with `--online`), politely, with
/// robots.txt respected. Returns the statuses in the order given.
pub async fn check_urls(fetcher: HttpFetcher, agent: &str, urls: Vec<Url>) -> Vec<LinkStatus> {
    let robots = Arc::new(RobotsCache::new(
        fetcher.clone(),
        agent,
        std::time::Duration::from_secs(30),
    ));
    let mut set = JoinSet::new();
    for (i, u) in urls.into_iter().enumerate() {
        let fetcher = fetcher.clone();
        let robots = Arc::clone(&robots);
        set.spawn(async move { (i, check_url(fetcher, robots, true, &u, None).await) });
    }
    let mut out: Vec<(usize, LinkStatus)> = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(pair) = r {
            out.push(pair);
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, s)| s).collect()
}

/// Reads the site's sitemaps: robots.txt `Sitemap` lines (else `/sitemap.xml`) when `auto`,
/// plus the given ones; follows sitemap indexes two levels deep.
async fn read_sitemaps(
    fetcher: HttpFetcher,
    robots: Arc<RobotsCache>,
    start: &Url,
    extra: Vec<String>,
    auto: bool,
    lang: crate::i18n::Lang,
    cap: u64,
) -> (Vec<String>, Vec<String>) {
    let mut queue: VecDeque<(String, u32, bool)> = VecDeque::new();
    if auto {
        let r = robots.get(start).await;
        if r.sitemaps.is_empty() {
            if let Ok(u) = start.join("/sitemap.xml") {
                queue.push_back((u.to_string(), 0, false));
            }
        } else {
            for s in &r.sitemaps {
                queue.push_back((s.clone(), 0, true));
            }
        }
    }
    for s in extra {
        queue.push_back((s, 0, true));
    }
    let mut seen = HashSet::new();
    let mut urls = Vec::new();
    let mut notes = Vec::new();
    let mut files = 0;
    while let Some((s, level, announced)) = queue.pop_front() {
        if !seen.insert(s.clone()) || files >= MAX_SITEMAP_FILES {
            continue;
        }
        let Ok(u) = start.join(&s) else {
            notes.push(tr!(
                lang,
                "站点地图地址无效：{s}",
                "invalid sitemap URL: {s}"
            ));
            continue;
        };
        if robots.get(&u).await.allowed(&u) || robots.is_ignored(u.host_str().unwrap_or("")) {
            files += 1;
        } else {
            continue;
        }
        let req = Request {
            body: BodyMode::Limit(cap),
            ..Request::page(0)
        };
        match fetcher.fetch(&u, req).await {
            Ok(raw) if raw.status.is_some_and(|c| (200..300).contains(&c)) => {
                // The protocol wants absolute URLs; relative ones are resolved leniently.
                let absolute = |s: String| u.join(&s).map_or(s, |j| j.to_string());
                match sitemap::parse(&raw.body, cap) {
                    Sitemap::Urls(found) => urls.extend(found.into_iter().map(absolute)),
                    Sitemap::Index(more) if level < 2 => {
                        for m in more {
                            queue.push_back((absolute(m), level + 1, true));
                        }
                    }
                    Sitemap::Index(_) => {}
                }
            }
            Ok(raw) if announced => notes.push(tr!(
                lang,
                "站点地图 {u} 返回 HTTP {}",
                "sitemap {u} answered HTTP {}",
                raw.status.unwrap_or(0)
            )),
            Err(e) if announced => notes.push(tr!(
                lang,
                "无法读取站点地图 {u}：{}",
                "cannot read sitemap {u}: {}",
                e.message
            )),
            _ => {}
        }
    }
    (urls, notes)
}
