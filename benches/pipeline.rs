//! Throughput of the page pipeline: decode + parse + every rule (+ the page report), against
//! html5ever parsing alone on the same pages.
//!
//! cargo bench --bench pipeline                      # the example site's pages
//! cargo bench --bench pipeline -- DIR_OR_FILE...    # other pages (e.g. saved real pages)
//!
//! Prints pages/s and MB/s for one thread and for all cores, and the ratio of the full
//! pipeline to parse-only. Figures, not assertions: targets live in README.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use govaudit::AuditOptions;
use govaudit::fetch::{RawPage, local};
use govaudit::page::Page;
use govaudit::rules::{Engine, SiteInfo, SiteKind};
use govaudit::services::Services;
use html5ever::tendril::TendrilSink;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let inputs: Vec<PathBuf> = if args.is_empty() {
        vec![PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/site"
        ))]
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut pages: Vec<RawPage> = Vec::new();
    for input in &inputs {
        let files = if input.is_dir() {
            local::discover(input).files
        } else {
            vec![input.clone()]
        };
        for f in files {
            match local::read(&f, 64 << 20) {
                Ok(raw) => pages.push(raw),
                Err(e) => eprintln!("skipping {}: {e}", f.display()),
            }
        }
    }
    if pages.is_empty() {
        eprintln!("no pages found");
        return;
    }
    let bytes: usize = pages.iter().map(|p| p.body.len()).sum();
    println!(
        "{} pages, {:.1} KB on average, {} cores",
        pages.len(),
        bytes as f64 / pages.len() as f64 / 1024.0,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let options = AuditOptions::default();
    let engine = Engine::new(&options).expect("engine");
    let services = Services::offline();
    let site = SiteInfo {
        index: 0,
        root: "bench".into(),
        root_url: url::Url::parse("file:///bench/").expect("url"),
        kind: SiteKind::Local {
            root_dir: PathBuf::from("/bench"),
        },
        start_urls: Vec::new(),
    };
    let decoded: Vec<String> = pages
        .iter()
        .map(|p| govaudit::fetch::charset::decode(&p.body, None, None).text)
        .collect();

    let parse_only = |i: usize| {
        let doc = kuchikikiki::parse_html().one(decoded[i].as_str());
        std::hint::black_box(doc);
    };
    let full = |i: usize| {
        let page = Page::build(&pages[i]);
        let (findings, facts) = engine.check_page(&page, &options, &site, &services);
        let json = serde_json::to_vec(&(findings, facts)).expect("serialise");
        std::hint::black_box(json);
    };

    let build_only = |i: usize| {
        let page = Page::build(&pages[i]);
        std::hint::black_box(page);
    };
    let budget = Duration::from_secs_f64(
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3.0),
    );
    if std::env::var_os("BENCH_PHASES").is_some() {
        let b1 = measure(&build_only, pages.len(), 1, budget);
        println!("page build only (decode+parse+walk), 1 thread: {b1:.0} pages/s");
    }
    if std::env::var_os("BENCH_FULL_ONLY").is_some() {
        let f1 = measure(&full, pages.len(), 1, budget);
        println!("full audit, 1 thread: {f1:.0} pages/s");
        return;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let p1 = measure(&parse_only, pages.len(), 1, budget);
    let f1 = measure(&full, pages.len(), 1, budget);
    let pn = measure(&parse_only, pages.len(), threads, budget);
    let fnn = measure(&full, pages.len(), threads, budget);
    let avg = bytes as f64 / pages.len() as f64;
    let line = |name: &str, pps: f64| {
        println!(
            "{name:<34} {pps:>9.0} pages/s {:>8.1} MB/s",
            pps * avg / 1_000_000.0
        );
    };
    line("parse only (html5ever), 1 thread", p1);
    line("full audit, 1 thread", f1);
    line(&format!("parse only, {threads} threads"), pn);
    line(&format!("full audit, {threads} threads"), fnn);
    println!(
        "full / parse-only: {:.0}% (1 thread), {:.0}% ({threads} threads)",
        100.0 * f1 / p1,
        100.0 * fnn / pn
    );
}

/// Runs `work` over the pages round-robin on `threads` threads for about `budget`; returns
/// pages per second.
fn measure(work: &(dyn Fn(usize) + Sync), n: usize, threads: usize, budget: Duration) -> f64 {
    // Warm up.
    for i in 0..n.min(8) {
        work(i);
    }
    let done = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let done = &done;
            s.spawn(move || {
                let mut i = t;
                while start.elapsed() < budget {
                    work(i % n);
                    i += threads;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}
