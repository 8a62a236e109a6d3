//! The audit pipeline: inputs -> sites -> pages (fetch or read, decode, parse, rules) ->
//! site rules -> report.
//!
//! Parsing and rules are CPU-bound and run on a pool of worker threads (`--jobs`), one page per
//! thread at a time; the DOM never leaves its thread, only the page's report does. Network I/O
//! runs on a tokio runtime that worker threads enter through [`Services`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use url::Url;

use crate::config::AuditOptions;
use crate::crawl::Stop;
use crate::crawl::site::{Crawled, SiteRun};
use crate::error::{Error, Result};
use crate::fetch::http::HttpFetcher;
use crate::fetch::{FetchError, FetchErrorKind, RawPage, local};
use crate::page::{LinkKind, Page};
use crate::report::{Facts, Finding, PageReport, Report, Severity, SiteReport};
use crate::rules::{Engine, LinkIndex, SiteData, SiteInfo, SiteKind};
use crate::services::Services;
use crate::tr;

/// Receives progress while an audit runs (the binary shows a progress bar).
pub trait Progress: Sync {
    /// More work became known.
    fn add_total(&self, _n: u64) {}
    /// One page is done.
    fn page_done(&self, _name: &str, _failed: bool) {}
    /// `n` items announced with [`Progress::add_total`] will not be done (the crawl found
    /// them to be non-HTML, duplicates reached by a redirect, or it stopped early).
    fn skip(&self, _n: u64) {}
    /// A page's report is ready (before its site's findings are aggregated): for streaming
    /// output (`--format jsonl`).
    fn page_report(&self, _site: &SiteInfo, _page: &PageReport) {}
    /// A site is finished: its report and its pages' final reports.
    fn site_report(&self, _index: usize, _site: &SiteReport, _pages: &[PageReport]) {}
    /// The audit finished.
    fn finish(&self) {}
}

/// A progress sink that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// One input as given on the command line, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An http(s) URL.
    Url(Url),
    /// An HTML file.
    File(PathBuf),
    /// A folder of HTML files.
    Folder(PathBuf),
}

impl Input {
    /// Classifies an input string: an http(s) URL, or an existing file or folder.
    pub fn parse(s: &str) -> Result<Input> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = Url::parse(t).map_err(|e| Error::InvalidUrl {
                url: t.to_string(),
                reason: e.to_string(),
            })?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(Error::InvalidUrl {
                    url: t.to_string(),
                    reason: "no host".into(),
                });
            }
            return Ok(Input::Url(url));
        }
        if let Some((scheme, _)) = t.split_once("://") {
            return Err(Error::InvalidUrl {
                url: t.to_string(),
                reason: format!("unsupported scheme {scheme}:"),
            });
        }
        let path = PathBuf::from(t);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => Ok(Input::Folder(path)),
            Ok(_) => Ok(Input::File(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::InputNotFound(t.to_string()))
            }
            Err(e) => Err(Error::io("cannot read", path, e)),
        }
    }
}

/// A page's report plus the links it holds (kept only until the site's link index is built).
pub struct Processed {
    /// The page's report.
    pub report: PageReport,
    /// Absolute link targets (no fragment) with their kind.
    pub links: Vec<(String, LinkKind)>,
}

/// Runs an audit and returns the report.
pub fn audit(options: &AuditOptions) -> Result<Report> {
    audit_with(options, &NoProgress)
}

/// Runs an audit, reporting progress.
pub fn audit_with(options: &AuditOptions, progress: &dyn Progress) -> Result<Report> {
    audit_with_resolver(options, progress, None)
}

/// Runs an audit with a custom DNS resolver for every request (the IPv6 checks' resolver, or
/// a test's fake); `None` uses the system resolver (and `--resolve` overrides).
pub fn audit_with_resolver(
    options: &AuditOptions,
    progress: &dyn Progress,
    resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
) -> Result<Report> {
    if options.inputs.is_empty() {
        return Err(Error::NoInput);
    }
    let engine = Engine::new(options)?;
    let inputs: Vec<Input> = options
        .inputs
        .iter()
        .map(|s| Input::parse(s))
        .collect::<Result<_>>()?;
    validate(options)?;
    let lang = options.lang();
    let needs_network = options.links.online || inputs.iter().any(|i| matches!(i, Input::Url(_)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("govaudit-io")
        .build()
        .map_err(|e| Error::Config(format!("cannot start the async runtime: {e}")))?;
    let services = if needs_network {
        // One resolver for the run: the HTTP client (every page, link and resource request)
        // resolves through it, and the IPv6 checks look up records with it. A resolver given
        // by the caller (a test's fake) replaces it for HTTP.
        let _rt = runtime.enter();
        let dns = crate::dns::Dns::new(&options.dns)?;
        let resolver = resolver.or_else(|| Some(dns.http_resolver(crate::dns::Stack::PreferV4)));
        Services::new(
            runtime.handle().clone(),
            HttpFetcher::with_resolver(&options.fetch, options.crawl.politeness(), resolver)?,
        )
        .with_dns(dns)
    } else {
        Services::offline()
    };
    let stop = Arc::new(Stop::new());
    listen_for_interrupt(&runtime, &stop, lang);

    let mut report = Report::new(lang);
    for (index, input) in inputs.iter().enumerate() {
        if stop.is_stopped() {
            report.complete = false;
            break;
        }
        let first_page = report.pages.len();
        let site_report = match input {
            Input::Url(url) => {
                let run = SiteRun {
                    engine: &engine,
                    options,
                    services: &services,
                    progress,
                    stop: &stop,
                };
                let crawled = crate::crawl::site::crawl(&run, index, url)?;
                if matches!(
                    crawled.stats.stopped_by.as_deref(),
                    Some("interrupted" | "max-time")
                ) {
                    report.complete = false;
                }
                finish_crawled(&engine, options, &services, crawled, &mut report.pages)
            }
            _ => {
                let (info, sources, notes) = plan_site(index, input, lang)?;
                progress.add_total(sources.len() as u64);
                let processed =
                    run_pages(&engine, options, &info, &services, sources, progress, &stop);
                if stop.is_stopped() {
                    report.complete = false;
                }
                finish_site(
                    &engine,
                    options,
                    &info,
                    &services,
                    processed,
                    notes,
                    &mut report.pages,
                )
            }
        };
        services.clear_cache();
        progress.site_report(index, &site_report, &report.pages[first_page..]);
        report.sites.push(site_report);
    }
    progress.finish();
    report.recount();
    Ok(report)
}

/// Checks option values that would otherwise fail silently deep in the run.
fn validate(options: &AuditOptions) -> Result<()> {
    options.links.validate()?;
    options.crawl.max_time()?;
    crate::crawl::scope::compile_patterns("--include", &options.crawl.include)?;
    crate::crawl::scope::compile_patterns("--exclude", &options.crawl.exclude)?;
    options.fetch.resolve_overrides().map_err(Error::Config)?;
    Ok(())
}

/// First Ctrl-C: stop fetching, finish the pages in flight and write the report (marked
/// incomplete). Second Ctrl-C: exit at once.
fn listen_for_interrupt(
    runtime: &tokio::runtime::Runtime,
    stop: &Arc<Stop>,
    lang: crate::i18n::Lang,
) {
    let stop = Arc::clone(stop);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        eprintln!(
            "{}",
            tr!(
                lang,
                "\n已中断：停止抓取，正在完成已获取的页面并写出报告（再按一次 Ctrl-C 立即退出）",
                "\ninterrupted: no more fetching; finishing the pages in flight and writing the report (Ctrl-C again to quit at once)"
            )
        );
        stop.interrupt();
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    });
}

/// Where a site's pages come from.
pub enum Source {
    /// A local file.
    File(PathBuf),
    /// A URL to fetch.
    Url(Url),
}

fn plan_site(
    index: usize,
    input: &Input,
    lang: crate::i18n::Lang,
) -> Result<(SiteInfo, Vec<Source>, Vec<String>)> {
    match input {
        Input::Url(url) => {
            let mut root_url = url.clone();
            root_url.set_path("/");
            root_url.set_query(None);
            root_url.set_fragment(None);
            let info = SiteInfo {
                index,
                root: root_url.to_string(),
                root_url,
                kind: SiteKind::Remote,
                start_urls: vec![url.clone()],
            };
            Ok((info, vec![Source::Url(url.clone())], Vec::new()))
        }
        Input::File(path) => {
            let root_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let url = local::file_url(path);
            let info = SiteInfo {
                index,
                root: path.display().to_string(),
                root_url: folder_url(&root_dir),
                kind: SiteKind::Local { root_dir },
                start_urls: vec![url],
            };
            Ok((info, vec![Source::File(path.clone())], Vec::new()))
        }
        Input::Folder(dir) => {
            let found = local::discover(dir);
            if found.files.is_empty() && found.skipped.is_empty() {
                return Err(Error::NoHtmlFiles(dir.clone()));
            }
            let notes = found
                .skipped
                .iter()
                .map(|(p, why)| tr!(lang, "已跳过 {}：{why}", "skipped {}: {why}", p.display()))
                .collect();
            let root_url = folder_url(dir);
            let home = [
                "index.html",
                "index.htm",
                "index.shtml",
                "default.html",
                "default.htm",
            ]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .map(|p| local::file_url(&p));
            let info = SiteInfo {
                index,
                root: dir.display().to_string(),
                root_url,
                kind: SiteKind::Local {
                    root_dir: dir.clone(),
                },
                start_urls: home.into_iter().collect(),
            };
            let sources = found.files.into_iter().map(Source::File).collect();
            Ok((info, sources, notes))
        }
    }
}

/// The `file:` URL of a folder, ending in `/` so relative references resolve inside it.
fn folder_url(dir: &Path) -> Url {
    let mut url = local::file_url(dir);
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    url
}

/// Fetches or reads, then processes, every source of a site on the worker pool.
fn run_pages(
    engine: &Engine,
    options: &AuditOptions,
    site: &SiteInfo,
    services: &Services,
    sources: Vec<Source>,
    progress: &dyn Progress,
    stop: &Stop,
) -> Vec<Processed> {
    let n = sources.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Processed>>> = Mutex::new((0..n).map(|_| None).collect());
    let workers = options.jobs().min(n.max(1));
    let max_body = options.fetch.max_body_size();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    if stop.is_stopped() {
                        progress.skip(1);
                        continue;
                    }
                    let raw = match &sources[i] {
                        Source::File(p) => local::read(p, max_body),
                        Source::Url(u) => fetch_blocking(services, u),
                    };
                    let name = match &sources[i] {
                        Source::File(p) => p.display().to_string(),
                        Source::Url(u) => u.to_string(),
                    };
                    let fallback = match &sources[i] {
                        Source::File(p) => (local::file_url(p), Some(p.display().to_string())),
                        Source::Url(u) => (u.clone(), None),
                    };
                    let processed = process(engine, options, site, services, raw, fallback);
                    let failed =
                        processed.report.status.is_none() && processed.report.encoding.is_none();
                    progress.page_done(&name, failed);
                    progress.page_report(site, &processed.report);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(processed);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

fn fetch_blocking(services: &Services, url: &Url) -> Result<RawPage, FetchError> {
    match (services.runtime(), services.http()) {
        (Some(rt), Some(http)) => {
            // Remembered so that rules asking for the start page (the IPv6 consistency check)
            // reuse this answer instead of fetching it again.
            let result = rt.block_on(http.get(url, 0));
            services.remember(url.clone(), result.clone());
            result
        }
        _ => Err(FetchError::new(
            FetchErrorKind::Other,
            "network access is off",
        )),
    }
}

/// Decodes, parses and checks one fetched page (or records why it has no content).
/// `fallback` is the URL (and local path) to report when the fetch failed. The `ignore` list
/// and `[[override]]` tables of the options are applied to the page's findings.
pub fn process(
    engine: &Engine,
    options: &AuditOptions,
    site: &SiteInfo,
    services: &Services,
    raw: Result<RawPage, FetchError>,
    fallback: (Url, Option<String>),
) -> Processed {
    let mut processed = process_page(engine, options, site, services, raw, fallback);
    options.apply_page_overrides(&mut processed.report);
    processed
}

fn process_page(
    engine: &Engine,
    options: &AuditOptions,
    site: &SiteInfo,
    services: &Services,
    raw: Result<RawPage, FetchError>,
    fallback: (Url, Option<String>),
) -> Processed {
    let lang = options.lang();
    let raw = match raw {
        Ok(r) => r,
        Err(e) => {
            let mut findings = Vec::new();
            if let Some(sev) = engine.severity_of_pipeline("page/fetch-failed") {
                let msg = tr!(
                    lang,
                    "无法获取页面（{}）：{}",
                    "the page could not be fetched ({}): {}",
                    fetch_kind_label(&e.kind, lang),
                    e.message
                );
                let mut f = Finding::new("page/fetch-failed", sev, msg);
                f.data.insert(
                    "kind".into(),
                    serde_json::to_value(&e.kind).unwrap_or_default(),
                );
                if !e.redirects.is_empty() {
                    f.data.insert(
                        "redirects".into(),
                        serde_json::to_value(&e.redirects).unwrap_or_default(),
                    );
                }
                if e.attempts > 0 {
                    f.data.insert("attempts".into(), e.attempts.into());
                }
                findings.push(f);
            }
            return Processed {
                report: PageReport {
                    url: fallback.0.to_string(),
                    path: fallback.1,
                    site: site.index,
                    status: None,
                    final_url: None,
                    encoding: None,
                    charset_source: None,
                    title: None,
                    bytes: 0,
                    depth: 0,
                    findings,
                    facts: Facts::new(),
                },
                links: Vec::new(),
            };
        }
    };
    let base_report = |findings: Vec<Finding>, mut facts: Facts| PageReport {
        url: raw.url.to_string(),
        path: raw.local_path.as_ref().map(|p| p.display().to_string()),
        site: site.index,
        status: raw.status,
        final_url: (raw.final_url != raw.url).then(|| raw.final_url.to_string()),
        encoding: None,
        charset_source: None,
        title: None,
        bytes: raw.body.len() as u64,
        depth: raw.depth,
        findings,
        facts: {
            if let Some(e) = &raw.tls_error {
                facts.insert(
                    "tls".into(),
                    serde_json::json!({ "verified": false, "error": e }),
                );
            }
            facts
        },
    };
    let mut http_error = Vec::new();
    if let Some(status) = raw.status.filter(|s| *s >= 400)
        && let Some(sev) = engine.severity_of_pipeline("page/http-error")
    {
        let mut f = Finding::new(
            "page/http-error",
            sev,
            tr!(
                lang,
                "页面返回 HTTP {status}",
                "the page answered HTTP {status}"
            ),
        );
        f.data.insert("status".into(), status.into());
        http_error.push(f);
    }
    if !raw.is_html() || (!http_error.is_empty() && raw.body.is_empty()) {
        let mut findings = http_error;
        if findings.is_empty()
            && let Some(sev) = engine.severity_of_pipeline("page/not-html")
        {
            let ct = raw.content_type.clone().unwrap_or_default();
            findings.push(Finding::new(
                "page/not-html",
                sev,
                tr!(
                    lang,
                    "不是 HTML 页面（{ct}），未检查内容",
                    "not an HTML page ({ct}); content not checked"
                ),
            ));
        }
        return Processed {
            report: base_report(findings, Facts::new()),
            links: Vec::new(),
        };
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let page = Page::build(&raw);
        let (mut findings, facts) = engine.check_page(&page, options, site, services);
        findings.splice(0..0, http_error.iter().cloned());
        let links = page_links(&page);
        let mut report = base_report(findings, facts);
        report.encoding = Some(crate::fetch::charset::display_name(page.encoding).to_string());
        report.charset_source = Some(
            serde_json::to_value(page.charset_source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        );
        report.title = page.title().map(str::to_string);
        Processed { report, links }
    }));
    match outcome {
        Ok(p) => p,
        Err(_) => {
            let mut f = Finding::new(
                "page/rule-crashed",
                Severity::Notice,
                tr!(
                    lang,
                    "解析或检查此页面时内部出错（请报告此问题）",
                    "internal error while parsing or checking this page (please report this)"
                ),
            );
            f.data.insert("crashed_rule".into(), "(pipeline)".into());
            Processed {
                report: base_report(vec![f], Facts::new()),
                links: Vec::new(),
            }
        }
    }
}

fn fetch_kind_label(kind: &FetchErrorKind, lang: crate::i18n::Lang) -> &'static str {
    match kind {
        FetchErrorKind::Dns => lang.pick("域名解析失败", "DNS failure"),
        FetchErrorKind::Connect => lang.pick("连接失败", "connection failed"),
        FetchErrorKind::Timeout => lang.pick("超时", "timeout"),
        FetchErrorKind::Tls => lang.pick("TLS/证书错误", "TLS/certificate error"),
        FetchErrorKind::Redirect => lang.pick("重定向错误", "redirect error"),
        FetchErrorKind::Body => lang.pick("读取内容失败", "body read failed"),
        FetchErrorKind::Io => lang.pick("文件读取失败", "file read failed"),
        FetchErrorKind::Other => lang.pick("其他错误", "other error"),
    }
}

/// The absolute targets of a page's links, without fragments, for http(s) and file URLs.
pub fn page_links(page: &Page) -> Vec<(String, LinkKind)> {
    page.links()
        .iter()
        .filter_map(|l| {
            let mut u = l.url.clone()?;
            if !matches!(u.scheme(), "http" | "https" | "file") {
                return None;
            }
            u.set_fragment(None);
            Some((u.to_string(), l.kind))
        })
        .collect()
}

/// Runs the site stage and moves the site's page reports into `all_pages`. For a local site,
/// link targets get their status first: files looked up in the folder (root-relative links
/// resolved against it), remote links checked only with `--online`.
pub fn finish_site(
    engine: &Engine,
    options: &AuditOptions,
    info: &SiteInfo,
    services: &Services,
    mut processed: Vec<Processed>,
    notes: Vec<String>,
    all_pages: &mut Vec<PageReport>,
) -> SiteReport {
    processed.sort_by(|a, b| a.report.url.cmp(&b.report.url));
    let mut links = LinkIndex::default();
    let mut pages: Vec<PageReport> = Vec::with_capacity(processed.len());
    for (i, mut p) in processed.into_iter().enumerate() {
        if info.is_local() {
            // `/images/a.png` on `about/index.html` and `images/a.png` on `index.html` are one
            // file of the folder: key both by the folder's URL for it.
            for (url, _) in &mut p.links {
                if url.starts_with("file:")
                    && let Ok(u) = Url::parse(url)
                {
                    *url = info.local_target(&u).to_string();
                }
            }
        }
        links.add(i as u32, &p.links);
        pages.push(p.report);
    }
    // A folder is a site whose files link to each other; a single file is not (a saved copy of
    // one page links to files that were never there), so its links are not looked up.
    if info.is_local() && !Path::new(&info.root).is_file() {
        local_link_statuses(&mut links, info, options, services);
    }
    finish_pages(
        engine,
        options,
        info,
        services,
        pages,
        &links,
        notes,
        Facts::new(),
        all_pages,
    )
}

/// Runs the site stage of a crawled site: pages sorted by URL, the link index remapped to
/// that order with every target's status, and the crawl statistics as `crawl`.
pub fn finish_crawled(
    engine: &Engine,
    options: &AuditOptions,
    services: &Services,
    crawled: Crawled,
    all_pages: &mut Vec<PageReport>,
) -> SiteReport {
    let Crawled {
        info,
        reports,
        links,
        book,
        stats,
        notes,
    } = crawled;
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|a, b| reports[*a].url.cmp(&reports[*b].url));
    let mut perm = vec![0u32; reports.len()];
    for (new, old) in order.iter().enumerate() {
        perm[*old] = new as u32;
    }
    let mut slots: Vec<Option<PageReport>> = reports.into_iter().map(Some).collect();
    let pages: Vec<PageReport> = order
        .iter()
        .filter_map(|i| slots.get_mut(*i).and_then(Option::take))
        .collect();
    let index = links.build(&perm, &book);
    drop(book);
    let mut facts = Facts::new();
    facts.insert(
        "crawl".into(),
        serde_json::to_value(&stats).unwrap_or_default(),
    );
    finish_pages(
        engine, options, &info, services, pages, &index, notes, facts, all_pages,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish_pages(
    engine: &Engine,
    options: &AuditOptions,
    info: &SiteInfo,
    services: &Services,
    mut pages: Vec<PageReport>,
    links: &LinkIndex,
    notes: Vec<String>,
    mut facts: Facts,
    all_pages: &mut Vec<PageReport>,
) -> SiteReport {
    let mut findings = engine.aggregate(&mut pages, options.lang());
    let on_pages = {
        let data = SiteData {
            info,
            pages: &pages,
            links,
        };
        engine.check_site(&data, options, services, &mut findings, &mut facts)
    };
    for (i, f) in on_pages {
        if let Some(p) = pages.get_mut(i) {
            p.findings.push(f);
            p.findings.sort_by(|a, b| {
                (a.line.unwrap_or(u32::MAX), &a.rule).cmp(&(b.line.unwrap_or(u32::MAX), &b.rule))
            });
            options.apply_page_overrides(p);
        }
    }
    options.apply_site_overrides(&mut findings);
    let site = SiteReport {
        root: info.root.clone(),
        kind: if info.is_local() { "local" } else { "remote" }.into(),
        pages: pages.len(),
        findings,
        notes,
        facts,
    };
    all_pages.extend(pages);
    site
}

/// Gives the link targets of a local site their status: `file:` targets looked up on disk,
/// http(s) targets checked over the network with `--online` (politely, robots.txt respected)
/// and marked "offline" otherwise, so a CI job without network gets no false broken links.
fn local_link_statuses(
    links: &mut LinkIndex,
    info: &SiteInfo,
    options: &AuditOptions,
    services: &Services,
) {
    let mut remote: Vec<(String, Url)> = Vec::new();
    for (url, target) in &mut links.targets {
        if !target
            .kinds
            .iter()
            .any(|k| crate::rules::links::is_checked_kind(*k))
        {
            continue;
        }
        let Ok(u) = Url::parse(url) else { continue };
        match u.scheme() {
            "file" => target.status = Some(crate::rules::links::local_status(info, &u)),
            "http" | "https" => {
                let online = options.links.online && services.network();
                target.status = Some(crate::rules::links::LinkStatus::skipped(if online {
                    crate::rules::links::SkipReason::Scope
                } else {
                    crate::rules::links::SkipReason::Offline
                }));
                if online && !options.links.skip_external {
                    remote.push((url.clone(), u));
                }
            }
            _ => {}
        }
    }
    let (Some(rt), Some(http)) = (services.runtime(), services.http()) else {
        return;
    };
    if remote.is_empty() {
        return;
    }
    let agent = crate::crawl::robots::product_token(&options.fetch.user_agent());
    let urls: Vec<Url> = remote.iter().map(|(_, u)| u.clone()).collect();
    let statuses = rt.block_on(crate::crawl::site::check_urls(http.clone(), &agent, urls));
    for ((key, _), status) in remote.iter().zip(statuses) {
        if let Some(t) = links.targets.get_mut(key) {
            t.status = Some(status);
        }
    }
}
