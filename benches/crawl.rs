//! Crawl benchmark (not a test): a generated 10,000-page site on a loopback server, crawled by
//! the release binary with the default settings (no page limit). Prints pages/s and the
//! crawler's peak RSS, and the frontier's memory for 100,000 queued URLs.
//!
//! Run with `cargo bench --bench crawl`. Environment: `CRAWL_BENCH_PAGES` (default 10000),
//! `CRAWL_BENCH_KIB` (body size per page, default 40), `CRAWL_BENCH_ARGS` (extra flags, e.g.
//! `--host-concurrency 8`), `CRAWL_BENCH_CLEAN=1` (images get alt text: a report with few
//! findings, to tell the crawler's memory from the report's).

#[path = "../tests/common/server.rs"]
#[allow(dead_code)]
mod server;

use std::time::{Duration, Instant};

use server::{Response, Site};

fn page(n: usize, total: usize, filler_kib: usize, clean: bool) -> String {
    let alt = if clean {
        " alt=\"县政府常务会议现场\""
    } else {
        ""
    };
    let mut links = String::new();
    // The site's navigation, and a few links deeper into the site: a wide, shallow graph
    // where every page is reachable.
    for k in 0..10 {
        links.push_str(&format!(
            "<li><a href=\"/col{k}/index.html\">栏目{k}</a></li>"
        ));
    }
    for k in 1..=20 {
        let target = (n * 20 + k) % total;
        links.push_str(&format!(
            "<li><a href=\"/art/{target}.html\">文章 {target}</a><img src=\"/img/{}.png\"{alt}></li>",
            target % 50
        ));
    }
    let para = "县人民政府办公室关于进一步做好政务公开工作的通知。各乡镇人民政府，县政府各部门：";
    let filler: String =
        std::iter::repeat_n(format!("<p>{para}</p>"), filler_kib * 1024 / 130).collect();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>文章 {n} - 云汀县人民政府</title>\
         <meta name=\"SiteIDCode\" content=\"4407830003\"></head><body><div class=\"nav\"><ul>{links}</ul></div>\
         <div class=\"content\">{filler}</div><div class=\"footer\">主办单位：云汀县人民政府办公室 \
         <a href=\"https://beian.miit.gov.cn/\">粤ICP备05079694号</a> 网站标识码：4407830003</div></body></html>"
    )
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let total: usize = std::env::var("CRAWL_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let kib: usize = std::env::var("CRAWL_BENCH_KIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let extra = std::env::var("CRAWL_BENCH_ARGS").unwrap_or_default();
    let clean = std::env::var("CRAWL_BENCH_CLEAN").is_ok_and(|v| v == "1");

    // Frontier memory for 100,000 queued URLs.
    let mut f = govaudit::crawl::frontier::Frontier::new();
    for i in 0..100_000u64 {
        let url = format!(
            "https://www.yunting.gov.cn/col/col{}/art/2026/art_{i}.html",
            i % 97
        );
        f.push(&url, govaudit::crawl::normalise::str_fingerprint(&url), 3);
    }
    println!(
        "frontier: 100000 queued URLs in {:.1} MiB",
        f.heap_bytes() as f64 / f64::from(1 << 20)
    );
    drop(f);

    let site = Site::new()
        .route("/", move |_| Response::html(page(0, total, kib, clean)))
        .fallback(move |req| {
            let path = req.path_only();
            if let Some(n) = path
                .strip_prefix("/art/")
                .and_then(|p| p.strip_suffix(".html"))
                .and_then(|p| p.parse::<usize>().ok())
            {
                return Response::html(page(n, total, kib, clean));
            }
            if let Some(k) = path
                .strip_prefix("/col")
                .and_then(|p| p.strip_suffix("/index.html"))
                .and_then(|p| p.parse::<usize>().ok())
            {
                return Response::html(page(k, total, kib, clean));
            }
            if path.starts_with("/img/") {
                return Response::bytes(200, "image/png", vec![0x89, b'P', b'N', b'G']);
            }
            Response::not_found()
        });
    let server = site.serve();
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.json");
    let bin = env!("CARGO_BIN_EXE_govaudit");
    let mut cmd = std::process::Command::new(bin);
    cmd.args([
        "audit",
        &server.url("/"),
        "-f",
        "json",
        "--no-progress",
        "--no-sitemaps",
    ])
    .args(["--max-pages", "0", "--skip-external"])
    .args(extra.split_whitespace())
    .arg("-o")
    .arg(&out)
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn govaudit");
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let secs = started.elapsed().as_secs_f64();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("json");
    let pages = report["summary"]["pages"].as_u64().unwrap_or(0);
    let crawl = &report["sites"][0]["crawl"];
    println!(
        "crawl: {pages} pages ({} KiB each) in {secs:.1} s = {:.0} pages/s; peak RSS {:.1} MiB; exit {:?}",
        kib,
        pages as f64 / secs,
        peak as f64 / 1024.0,
        status.code()
    );
    println!(
        "       {} findings, {} requests, {:.1} MiB received, {} links checked, report {:.1} MiB",
        report["summary"]["findings"],
        crawl["requests"],
        crawl["bytes"].as_f64().unwrap_or(0.0) / f64::from(1 << 20),
        crawl["links_checked"],
        std::fs::metadata(&out).map_or(0, |m| m.len()) as f64 / f64::from(1 << 20)
    );
}
