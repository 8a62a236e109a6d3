//! Interrupting a crawl: Ctrl-C (SIGINT) and `--max-time` stop fetching, finish the pages in
//! flight and still write the report, marked incomplete.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::server::{Response, Site, TestServer};
use serde_json::Value;

/// An endless chain of slow pages: /p0.html → /p1.html → ...
fn slow_site() -> TestServer {
    Site::new()
        .fallback(|req| {
            let n: u64 = req
                .path_only()
                .trim_start_matches("/p")
                .trim_end_matches(".html")
                .parse()
                .unwrap_or(0);
            Response::html(format!(
                "<html><head><title>第{n}页</title></head><body><a href=\"/p{}.html\">下一页</a><a href=\"/q{n}.html\">旁支</a></body></html>",
                n + 1
            ))
            .delay(Duration::from_millis(150))
        })
        .serve()
}

fn read_report(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("report written");
    serde_json::from_str(&text).expect("valid JSON")
}

#[cfg(unix)]
#[test]
fn ctrl_c_writes_an_incomplete_report() {
    let server = slow_site();
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.json");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("govaudit"))
        .args([
            "audit",
            &server.url("/p0.html"),
            "-f",
            "json",
            "--no-progress",
            "--no-sitemaps",
        ])
        .arg("-o")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    assert!(
        server.wait_for_requests(6, Duration::from_secs(20)),
        "the crawl did not start"
    );
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(15),
            "did not stop after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        status.code().is_some(),
        "exited normally, not killed by the signal"
    );
    let v = read_report(&out);
    assert_eq!(v["complete"], false);
    let crawl = &v["sites"][0]["crawl"];
    assert_eq!(crawl["stopped_by"], "interrupted", "{crawl}");
    assert_eq!(crawl["complete"], false);
    assert!(
        v["summary"]["pages"].as_u64() >= Some(2),
        "{}",
        v["summary"]
    );
    assert!(v["sites"][0]["notes"].to_string().contains("Ctrl-C"));
    // Nothing more is fetched after the stop.
    let after = server.request_count();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(server.request_count(), after);
}

#[test]
fn max_time_stops_the_crawl() {
    let server = slow_site();
    let t0 = Instant::now();
    let out = assert_cmd::Command::cargo_bin("govaudit")
        .expect("binary")
        .args([
            "audit",
            &server.url("/p0.html"),
            "-f",
            "json",
            "--no-progress",
        ])
        .args(["--no-sitemaps", "--max-time", "1s", "--lang", "en"])
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run");
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["complete"], false);
    assert_eq!(v["sites"][0]["crawl"]["stopped_by"], "max-time");
    assert!(v["summary"]["pages"].as_u64() >= Some(1));
    assert!(v["sites"][0]["notes"].to_string().contains("--max-time"));
}
