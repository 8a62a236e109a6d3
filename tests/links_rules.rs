//! Link rules on crawled sites: the external-link notice (with `.gov.cn` host names mapped to
//! loopback by `--resolve`), the blocklist, and site availability.

mod common;

use std::time::Duration;

use assert_cmd::Command;
use common::server::{Response, Site};
use serde_json::Value;

fn audit(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("govaudit")
        .expect("binary")
        .args(["audit", "-f", "json", "--no-progress", "--no-sitemaps"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn site_findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn external_notice_and_blocklist() {
    let outside = Site::new().page("/", "<title>外站</title>").serve();
    let op = outside.port();
    let page = |body: &str| {
        format!("<html lang=\"zh-CN\"><head><title>页</title></head><body>{body}</body></html>")
    };
    let site = Site::new()
        .page(
            "/",
            page(&format!(
                "<a href=\"/notice.html\">有提示</a>\
                 <a href=\"http://www.people.com.cn:{op}/\">人民网</a>\
                 <a href=\"http://www.gd.gov.cn:{op}/\">广东省政府</a>"
            )),
        )
        .page(
            "/notice.html",
            page(&format!(
                "<a href=\"http://www.people.com.cn:{op}/\">人民网</a>\
                 <script src=\"/js/leave.js\"></script>"
            )),
        )
        .page_bytes(
            "/js/leave.js",
            "application/javascript",
            "document.querySelectorAll('a').forEach(function(a){a.onclick=function(){return confirm('您即将离开本网站');};});",
        )
        .serve();
    let start = format!("http://www.example.gov.cn:{}/", site.port());
    let resolve = [
        "--resolve",
        "www.example.gov.cn=127.0.0.1",
        "--resolve",
        "www.people.com.cn=127.0.0.1",
        "--resolve",
        "www.gd.gov.cn=127.0.0.1",
    ];
    let mut args = vec![start.as_str()];
    args.extend(resolve);
    let (_, v) = audit(&args);
    let notice = site_findings(&v, "links/external-notice");
    assert_eq!(notice.len(), 1, "{notice:?}");
    assert_eq!(notice[0]["pages"], serde_json::json!([start]));
    assert!(
        notice[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("www.people.com.cn"))
    );
    assert!(site_findings(&v, "links/illegal-external").is_empty());
    // External links were checked (HEAD) and are fine.
    assert!(site_findings(&v, "links/broken").is_empty(), "{v}");
    assert_eq!(
        outside.hits_method("HEAD", "/"),
        2,
        "two external hosts, one check each"
    );

    args.extend(["--blocklist", "people.com.cn"]);
    let (code, v) = audit(&args);
    assert_eq!(code, 1);
    let bad = site_findings(&v, "links/illegal-external");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0]["count"], 2);
    assert_eq!(bad[0]["severity"], "error");
}

#[test]
fn unreachable_home_page_is_site_unavailable() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let start = format!("http://127.0.0.1:{closed}/");
    let (code, v) = audit(&[
        &start,
        "--retries",
        "1",
        "--retry-wait",
        "0.05",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1);
    let f = site_findings(&v, "links/site-unavailable");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["data"]["attempts"], 2);
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("connection failed"))
    );
    let pages = v["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["findings"][0]["rule"], "page/fetch-failed");

    // A home page answering 503 after the retries.
    let server = Site::new().response("/", Response::status(503)).serve();
    let (_, v) = audit(&[&server.url("/"), "--retries", "1", "--retry-wait", "0.05"]);
    let f = site_findings(&v, "links/site-unavailable");
    assert_eq!(f.len(), 1, "{v}");
    assert!(
        f[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("HTTP 503"))
    );
    assert_eq!(server.hits("/"), 2);

    // A working home page: nothing.
    let ok = Site::new().page("/", "<title>ok</title>").serve();
    let (_, v) = audit(&[&ok.url("/")]);
    assert!(site_findings(&v, "links/site-unavailable").is_empty());
}
