//! The crawler against a generated site on 127.0.0.1 (issue #5's "done when" list): broken
//! links and images, robots.txt, a sitemap index, redirect chains and a loop, a 429 with
//! Retry-After, a page that never answers, a 50 MiB body, a gzip bomb, GBK and Big5 pages, a
//! soft 404, an infinite calendar, and links to another host. None of them crashes the run and
//! the report lists each.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use common::server::{Response, Site, gzip};
use serde_json::Value;

fn audit(args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("govaudit")
        .expect("binary")
        .args(["audit", "-f", "json", "--no-progress"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}); stderr: {stderr}"));
    (out.status.code().unwrap_or(-1), v, stderr)
}

/// Site findings of a rule.
fn site_findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["sites"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["findings"].as_array().into_iter().flatten())
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn page<'a>(v: &'a Value, url: &str) -> Option<&'a Value> {
    v["pages"]
        .as_array()?
        .iter()
        .find(|p| p["url"].as_str() == Some(url))
}

fn page_rules(p: &Value) -> Vec<String> {
    p["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn html(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>"
    )
}

fn calendar(req: &common::server::Request) -> Response {
    let month = req
        .query()
        .and_then(|q| q.strip_prefix("month="))
        .unwrap_or("2026-01")
        .to_string();
    let (y, m) = month.split_once('-').unwrap_or(("2026", "01"));
    let (y, m): (i32, i32) = (y.parse().unwrap_or(2026), m.parse().unwrap_or(1));
    let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let prev = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    Response::html(html(
        &format!("日历 {month}"),
        &format!(
            "<a href=\"/calendar?month={}-{:02}\">上月</a> <a href=\"/calendar?month={}-{:02}\">下月</a>",
            prev.0, prev.1, next.0, next.1
        ),
    ))
}

#[test]
fn whole_site_crawl() {
    // Another host: `localhost` (both loopback families, whichever the resolver picks).
    let (other, other6) = Site::new()
        .page("/ext.html", html("外站", "<p>外部网站</p>"))
        .serve_dual();
    let other_port = other.port();

    let busy_calls = Arc::new(AtomicUsize::new(0));
    let busy = Arc::clone(&busy_calls);
    let gbk = encoding_rs::GBK
        .encode(&html_no_meta("通知公告 - 云汀县", "<p>政府信息公开</p>"))
        .0
        .into_owned();
    let big5 = encoding_rs::BIG5
        .encode("<html><head><meta charset=\"big5\"><title>雲汀縣人民政府</title></head><body><p>繁體版</p></body></html>")
        .0
        .into_owned();
    let sitemap_more = gzip(
        b"<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>/orphan-b.html</loc></url></urlset>",
    );
    let home = format!(
        r#"<a href="/about.html">关于</a>
        <a href="/index.html#top">首页</a>
        <a href="/missing.html">已删除的文章</a>
        <img src="/img/gone.png" alt="缺失的图片"><img src="/img/ok.png" alt="图标">
        <a href="/old">旧栏目</a>
        <a href="/loop-a">循环</a>
        <a href="/busy">繁忙</a>
        <a href="/never">超时</a>
        <a href="/huge">大页面</a>
        <a href="/bomb">压缩炸弹</a>
        <a href="/gbk.html">GBK</a>
        <a href="/big5.html">Big5</a>
        <a href="/soft404.html">软404</a>
        <a href="/calendar?month=2026-01">日历</a>
        <a href="/private/secret.html">内部</a>
        <a href="/list?b=2&amp;a=1">列表</a><a href="/list?a=1&amp;b=2">列表</a>
        <a href="/files/report.pdf">年度报告</a>
        <a href="/files/gone.doc">旧附件</a>
        <a href="http://localhost:{other_port}/ext.html">外站</a>
        <a href="http://localhost:{other_port}/ext-missing.html">外站失效</a>"#
    );
    let site = Site::new()
        .page("/", html("首页", &home))
        .page("/about.html", html("关于", "<p>关于我们</p>"))
        .page("/list", html("列表", "<p>列表</p>"))
        .page_bytes("/img/ok.png", "image/png", vec![0x89, b'P', b'N', b'G'])
        .redirect("/old", 301, "/older")
        .redirect("/older", 302, "/new.html")
        .page("/new.html", html("新栏目", "<p>新</p>"))
        .redirect("/loop-a", 302, "/loop-b")
        .redirect("/loop-b", 302, "/loop-a")
        .route("/busy", move |_| {
            if busy.fetch_add(1, Ordering::SeqCst) == 0 {
                Response::text(429, "slow down").header("Retry-After", "1")
            } else {
                Response::html(html("繁忙页面", "<p>终于好了</p>"))
            }
        })
        .response("/never", Response::hang())
        .response(
            "/huge",
            Response::filled(200, "text/html; charset=utf-8", b'a', 50 << 20),
        )
        .response("/bomb", Response::gzip_bomb(1 << 30))
        .response("/gbk.html", Response::html_with_charset(gbk, "gbk"))
        .response("/big5.html", Response::html_no_charset(big5))
        .page(
            "/soft404.html",
            html("提示", "<div class=\"error-page\">对不起，您访问的页面不存在！</div>"),
        )
        .route("/calendar", calendar)
        .page("/private/secret.html", html("内部", "<p>内部</p>"))
        .route("/files/report.pdf", |req| {
            if req.method == "HEAD" {
                Response::status(405)
            } else {
                Response::bytes(200, "application/pdf", b"%PDF-1.4".to_vec())
            }
        })
        .page("/orphan-a.html", html("孤立页面A", "<p>只在站点地图中</p>"))
        .page("/orphan-b.html", html("孤立页面B", "<p>只在压缩站点地图中</p>"))
        .page_bytes(
            "/robots.txt",
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nSitemap: /sitemap_index.xml\n",
        )
        .page_bytes(
            "/sitemap_index.xml",
            "application/xml",
            "<sitemapindex><sitemap><loc>/sitemap-pages.xml</loc></sitemap><sitemap><loc>/sitemap-more.xml.gz</loc></sitemap></sitemapindex>",
        )
        .page_bytes(
            "/sitemap-pages.xml",
            "application/xml",
            "<urlset><url><loc>/orphan-a.html</loc></url><url><loc>/about.html</loc></url></urlset>",
        )
        .page_bytes("/sitemap-more.xml.gz", "application/gzip", sitemap_more);
    let server = site.serve();
    let start = server.url("/");

    let (code, v, stderr) = audit(&[
        &start,
        "--timeout",
        "2",
        "--max-body-size",
        "1MiB",
        "--max-decompressed-size",
        "2MiB",
        "--retry-wait",
        "0.05",
        "--max-query-variants",
        "5",
    ]);
    assert_eq!(code, 1, "errors found → exit 1; stderr: {stderr}");
    assert_eq!(v["complete"], true);
    let url = |p: &str| server.url(p);

    // Broken links: each target once, with the page linking to it.
    let broken = site_findings(&v, "links/broken");
    let broken_urls: Vec<&str> = broken.iter().filter_map(|f| f["url"].as_str()).collect();
    for p in [
        "/missing.html",
        "/img/gone.png",
        "/files/gone.doc",
        "/loop-a",
        "/never",
    ] {
        let u = url(p);
        let f = broken
            .iter()
            .find(|f| f["url"] == u.as_str())
            .unwrap_or_else(|| panic!("{u} not reported broken: {broken_urls:?}"));
        assert_eq!(f["pages"], serde_json::json!([start]), "{u}");
        assert_eq!(f["count"], 1);
    }
    let ext_missing = format!("http://localhost:{other_port}/ext-missing.html");
    assert!(
        broken_urls.contains(&ext_missing.as_str()),
        "{broken_urls:?}"
    );
    let by_url = |u: &str| broken.iter().find(|f| f["url"] == u).copied();
    assert_eq!(
        by_url(&url("/missing.html")).map(|f| &f["data"]["status"]),
        Some(&Value::from(404))
    );
    assert_eq!(
        by_url(&url("/never")).map(|f| &f["data"]["error"]),
        Some(&Value::from("timeout"))
    );
    assert_eq!(
        by_url(&url("/loop-a")).map(|f| &f["data"]["error"]),
        Some(&Value::from("redirect"))
    );
    let ext_ok = format!("http://localhost:{other_port}/ext.html");
    for ok in [
        url("/img/ok.png"),
        url("/files/report.pdf"),
        url("/old"),
        ext_ok,
    ] {
        assert!(
            !broken_urls.contains(&ok.as_str()),
            "{ok} is fine: {broken_urls:?}"
        );
    }
    // HEAD refused with 405: confirmed with GET.
    assert_eq!(server.hits_method("HEAD", "/files/report.pdf"), 1);
    assert_eq!(server.hits_method("GET", "/files/report.pdf"), 1);
    assert_eq!(server.hits_method("HEAD", "/img/ok.png"), 1);
    assert_eq!(server.hits_method("GET", "/img/ok.png"), 0);

    // Redirect chain (notice) and soft 404.
    let chains = site_findings(&v, "links/redirect-chain");
    assert!(
        chains.iter().any(|f| f["url"] == url("/old").as_str()),
        "{chains:?}"
    );
    let soft = site_findings(&v, "links/soft-404");
    assert_eq!(soft.len(), 1, "{soft:?}");
    assert_eq!(soft[0]["url"], url("/soft404.html").as_str());
    assert_eq!(soft[0]["pages"], serde_json::json!([start]));

    // 429 + Retry-After: waited, retried, audited.
    let busy_page = page(&v, &url("/busy")).expect("busy page audited");
    assert_eq!(busy_page["status"], 200);
    assert_eq!(busy_calls.load(Ordering::SeqCst), 2);
    let busy_times: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/busy")
        .map(|r| r.received)
        .collect();
    assert!(busy_times[1].duration_since(busy_times[0]) >= Duration::from_millis(900));

    // Caps: the 50 MiB body and the gzip bomb are cut, audited, reported.
    let huge = page(&v, &url("/huge")).expect("huge page");
    assert_eq!(huge["bytes"], 1 << 20);
    assert!(page_rules(huge).contains(&"page/truncated".to_string()));
    let bomb = page(&v, &url("/bomb")).expect("bomb page");
    assert_eq!(bomb["bytes"], 2 << 20);
    assert!(page_rules(bomb).contains(&"page/truncated".to_string()));

    // Encodings over HTTP.
    let gbk = page(&v, &url("/gbk.html")).expect("gbk page");
    assert_eq!(gbk["title"], "通知公告 - 云汀县");
    assert_eq!(gbk["charset_source"], "header");
    let big5 = page(&v, &url("/big5.html")).expect("big5 page");
    assert_eq!(big5["title"], "雲汀縣人民政府");
    assert_eq!(big5["encoding"], "Big5");

    // Sitemap index (plain and gzip) seeds pages linked from nowhere.
    assert!(page(&v, &url("/orphan-a.html")).is_some());
    assert!(page(&v, &url("/orphan-b.html")).is_some());

    // robots.txt, trap guard, dedupe.
    assert_eq!(server.hits("/private/secret.html"), 0);
    let cal = server.hits("/calendar");
    assert!((1..=5).contains(&cal), "calendar fetched {cal} times");
    assert_eq!(
        server.hits("/index.html"),
        0,
        "/index.html is the home page"
    );
    assert_eq!(server.hits("/list"), 1, "query order does not matter");
    let mut gets: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in server.requests().into_iter().filter(|r| r.method == "GET") {
        *gets.entry(r.path.clone()).or_default() += 1;
    }
    for (path, n) in &gets {
        if path != "/busy" {
            assert_eq!(*n, 1, "{path} fetched {n} times");
        }
    }

    // The other host: checked (HEAD), with its robots.txt read first, not crawled.
    let other_hits = other.hits("/ext.html") + other6.as_ref().map_or(0, |s| s.hits("/ext.html"));
    assert_eq!(other_hits, 1);
    let other_robots =
        other.hits("/robots.txt") + other6.as_ref().map_or(0, |s| s.hits("/robots.txt"));
    assert_eq!(other_robots, 1);
    assert!(page(&v, &format!("http://localhost:{other_port}/ext.html")).is_none());

    // Statistics.
    let crawl = &v["sites"][0]["crawl"];
    assert_eq!(crawl["complete"], true, "{crawl}");
    assert!(crawl["skipped"]["robots"].as_u64() >= Some(1), "{crawl}");
    assert!(crawl["skipped"]["trap"].as_u64() >= Some(1), "{crawl}");
    assert!(crawl["skipped"]["scope"].as_u64() >= Some(2), "{crawl}");
    assert!(crawl["skipped"]["type"].as_u64() >= Some(2), "{crawl}");
    assert!(crawl["failed"].as_u64() >= Some(3), "{crawl}");
    assert!(crawl["by_status"]["200"].as_u64() >= Some(10), "{crawl}");
    assert!(crawl["by_status"]["404"].as_u64() >= Some(3), "{crawl}");
    assert!(crawl["errors"]["timeout"].as_u64() >= Some(1), "{crawl}");
    assert!(crawl["bytes"].as_u64() >= Some(1 << 20), "{crawl}");
    assert!(crawl["requests"].as_u64() > Some(20), "{crawl}");
    assert!(crawl["pages_audited"].as_u64() >= Some(12), "{crawl}");
    assert!(crawl["duration_ms"].as_u64().is_some());
    drop(other6);
}

fn html_no_meta(title: &str, body: &str) -> String {
    format!("<html><head><title>{title}</title></head><body>{body}</body></html>")
}

#[test]
fn politeness_crawl_delay_concurrency_and_headers() {
    let pages = (0..4)
        .map(|i| format!("<a href=\"/p{i}.html\">{i}</a>"))
        .collect::<String>();
    let mut site = Site::new()
        .page("/", html("首页", &pages))
        .page_bytes(
            "/robots.txt",
            "text/plain",
            "User-agent: *\nDisallow: /\n\nUser-agent: govaudit\nCrawl-delay: 0.3\nDisallow: /p3.html\n",
        );
    for i in 0..4 {
        site = site.page(
            &format!("/p{i}.html"),
            html(&format!("第{i}页"), "<p>x</p>"),
        );
    }
    let server = site.serve();
    let (_, v, stderr) = audit(&[
        &server.url("/"),
        "--concurrency",
        "4",
        "--host-concurrency",
        "1",
        "--no-sitemaps",
        "--header",
        "X-Audit: yes",
        "--cookie",
        "session=abc",
    ]);
    // Our group (product token "govaudit") applies, not the "*" group.
    assert_eq!(v["summary"]["pages"], 4, "{stderr}");
    assert_eq!(server.hits("/p3.html"), 0);
    assert_eq!(server.max_in_flight(), 1);
    let reqs = server.requests();
    let after_robots: Vec<_> = reqs.iter().filter(|r| r.path != "/robots.txt").collect();
    for pair in after_robots.windows(2) {
        let gap = pair[1].received.duration_since(pair[0].received);
        assert!(gap >= Duration::from_millis(250), "requests {gap:?} apart");
    }
    for r in &reqs {
        assert!(
            r.header("user-agent")
                .is_some_and(|ua| ua.starts_with("govaudit/"))
        );
        assert_eq!(r.header("x-audit"), Some("yes"));
        assert_eq!(r.header("cookie"), Some("session=abc"));
    }
    assert_eq!(v["sites"][0]["crawl"]["skipped"]["robots"], 1);

    // The webmaster ignores robots.txt: every page, no crawl delay.
    server.clear_requests();
    let (_, v, _) = audit(&[&server.url("/"), "--ignore-robots", "--no-sitemaps"]);
    assert_eq!(v["summary"]["pages"], 5);
    assert_eq!(server.hits("/p3.html"), 1);
}

#[test]
fn robots_disallowing_everything_is_explained() {
    let server = Site::new()
        .page("/", html("首页", "<a href=\"/a.html\">a</a>"))
        .page("/a.html", html("a", "x"))
        .page_bytes("/robots.txt", "text/plain", "User-agent: *\nDisallow: /\n")
        .serve();
    let (_, v, _) = audit(&[&server.url("/"), "--no-sitemaps"]);
    assert_eq!(v["summary"]["pages"], 0);
    assert_eq!(server.hits("/"), 0);
    let notes = v["sites"][0]["notes"].to_string();
    assert!(notes.contains("--ignore-robots"), "{notes}");

    // robots.txt answering 503: RFC 9309 says disallow; the note says why.
    let server = Site::new()
        .page("/", html("首页", "x"))
        .response("/robots.txt", Response::status(503))
        .serve();
    let (_, v, _) = audit(&[
        &server.url("/"),
        "--no-sitemaps",
        "--retries",
        "0",
        "--lang",
        "en",
    ]);
    assert_eq!(v["summary"]["pages"], 0);
    let notes = v["sites"][0]["notes"].to_string();
    assert!(notes.contains("503"), "{notes}");
}

#[test]
fn limits_scope_and_seeds() {
    // A chain 0 → 1 → 2 → ... → 9, plus /news/ and /search/ branches from the home page.
    let mut site = Site::new().page(
        "/",
        html(
            "首页",
            "<a href=\"/c1.html\">1</a><a href=\"/news/a.html\">新闻</a><a href=\"/search/q.html\">搜索</a>",
        ),
    );
    for i in 1..10 {
        site = site.page(
            &format!("/c{i}.html"),
            html(
                &format!("{i}"),
                &format!("<a href=\"/c{}.html\">next</a>", i + 1),
            ),
        );
    }
    site = site
        .page(
            "/news/a.html",
            html("新闻A", "<a href=\"/news/b.html\">b</a>"),
        )
        .page("/news/b.html", html("新闻B", "x"))
        .page("/search/q.html", html("搜索", "x"))
        .page("/seed-only.html", html("种子", "x"));
    let server = site.serve();
    let start = server.url("/");

    // --max-depth 1: the home page and its links; links one level deeper are checked (HEAD).
    let (_, v, _) = audit(&[&start, "--max-depth", "1", "--no-sitemaps"]);
    assert_eq!(v["summary"]["pages"], 4);
    assert_eq!(server.hits_method("GET", "/c2.html"), 0);
    assert_eq!(server.hits_method("HEAD", "/c2.html"), 1);
    assert!(v["sites"][0]["crawl"]["skipped"]["limit"].as_u64() >= Some(1));
    assert_eq!(v["sites"][0]["crawl"]["stopped_by"], "max-depth");
    assert_eq!(v["complete"], true);

    // --max-pages 3: three pages, the rest left and the crawl marked incomplete (but the run
    // itself is complete: the limit was asked for).
    server.clear_requests();
    let (_, v, _) = audit(&[&start, "--max-pages", "3", "--no-sitemaps"]);
    assert_eq!(v["summary"]["pages"], 3);
    assert_eq!(v["sites"][0]["crawl"]["stopped_by"], "max-pages");
    assert_eq!(v["sites"][0]["crawl"]["complete"], false);
    assert_eq!(v["complete"], true);

    // --include / --exclude.
    server.clear_requests();
    let (_, v, _) = audit(&[&start, "--include", "/news/", "--no-sitemaps"]);
    let urls: Vec<&str> = v["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .filter_map(|p| p["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        vec![
            start.as_str(),
            &server.url("/news/a.html"),
            &server.url("/news/b.html")
        ]
    );
    server.clear_requests();
    let (_, v, _) = audit(&[&start, "--exclude", "/(search|c\\d)", "--no-sitemaps"]);
    assert_eq!(v["summary"]["pages"], 3);
    assert_eq!(server.hits("/search/q.html"), 0);

    // --seed-file adds start pages.
    let dir = tempfile::tempdir().expect("tmp");
    let seeds = dir.path().join("seeds.txt");
    std::fs::write(
        &seeds,
        format!(
            "# seeds\n{}\nhttp://elsewhere.example/x\n",
            server.url("/seed-only.html")
        ),
    )
    .expect("write");
    let (_, v, _) = audit(&[
        &start,
        "--max-depth",
        "0",
        "--no-sitemaps",
        "--seed-file",
        seeds.to_str().expect("path"),
    ]);
    assert_eq!(v["summary"]["pages"], 2);
    assert!(page(&v, &server.url("/seed-only.html")).is_some());
    assert!(v["sites"][0]["notes"].to_string().contains("seed-file"));
}

#[test]
fn subdomains_via_resolve() {
    // Two "hosts" of one government domain, both on loopback, mapped with --resolve.
    let dept = Site::new()
        .page("/", html("部门", "<a href=\"/d.html\">d</a>"))
        .page("/d.html", html("部门D", "x"))
        .serve();
    let portal_html = html(
        "门户",
        &format!(
            "<a href=\"http://dept.example.gov.cn:{}/\">部门</a>",
            dept.port()
        ),
    );
    let portal = Site::new().page("/", portal_html).serve();
    let start = format!("http://www.example.gov.cn:{}/", portal.port());
    let common = [
        "--resolve",
        "www.example.gov.cn=127.0.0.1",
        "--resolve",
        "dept.example.gov.cn:80:127.0.0.1",
        "--no-sitemaps",
    ];
    let mut args = vec![start.as_str()];
    args.extend(common);
    let (_, v, stderr) = audit(&args);
    assert_eq!(v["summary"]["pages"], 1, "{stderr}");
    assert_eq!(
        dept.hits_method("HEAD", "/"),
        1,
        "the other host is checked"
    );
    args.push("--include-subdomains");
    let (_, v, _) = audit(&args);
    assert_eq!(v["summary"]["pages"], 3);
    assert_eq!(v["sites"][0]["root"], start);
}
