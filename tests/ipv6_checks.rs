//! End-to-end tests of the IPv6 family: the real binary audits `http://www.v6test.gov.cn:PORT/`
//! resolved through a test DNS server on 127.0.0.1 (`--dns-server`), with HTTP servers on
//! 127.0.0.1 and [::1]. Every request of the run must resolve through govaudit's resolver: the
//! names exist only in the test zone.
//!
//! Tests that need IPv6 loopback print a note and pass when the machine has none.

mod common;

use std::net::{Ipv6Addr, SocketAddr};
use std::path::PathBuf;

use assert_cmd::Command;
use common::dns::{TestDns, Zone};
use common::server::{Site, TestServer};
use serde_json::Value;

const HOST: &str = "www.v6test.gov.cn";

fn govaudit() -> Command {
    let mut cmd = Command::cargo_bin("govaudit").expect("binary built");
    cmd.env_remove("GOVAUDIT_LANG").env("NO_COLOR", "1");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The same port on 127.0.0.1 (serving `v4`) and [::1] (serving `v6`); `None` without IPv6
/// loopback.
fn dual(v4: Site, v6: Site) -> Option<(TestServer, TestServer)> {
    for _ in 0..32 {
        let s4 = v4.clone().serve();
        let addr6 = SocketAddr::new(Ipv6Addr::LOCALHOST.into(), s4.port());
        match v6.clone().serve_on(addr6) {
            Ok(s6) => return Some((s4, s6)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(_) => return None,
        }
    }
    None
}

fn no_ipv6_loopback() -> bool {
    if std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_err() {
        eprintln!("note: no IPv6 loopback on this machine; IPv6 test skipped");
        return true;
    }
    false
}

/// The test zone: `www` (dual stack unless `www_v6` is false), one name server with AAAA
/// unless `ns_v6` is false.
fn zone(www_v6: bool, ns_v6: bool) -> Zone {
    let mut z = Zone::new("v6test.gov.cn")
        .ns("ns1.v6test.gov.cn")
        .a("ns1.v6test.gov.cn", "127.0.0.1")
        .a(HOST, "127.0.0.1");
    if ns_v6 {
        z = z.aaaa("ns1.v6test.gov.cn", "::1");
    }
    if www_v6 {
        z = z.aaaa(HOST, "::1");
    }
    z
}

struct Run {
    code: i32,
    report: Value,
}

impl Run {
    fn site(&self) -> &Value {
        &self.report["sites"][0]
    }
    fn ipv6(&self) -> &Value {
        &self.site()["ipv6"]
    }
    fn ipv6_rules(&self) -> Vec<String> {
        let mut v: Vec<String> = self.site()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| r.starts_with("ipv6/"))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    }
    fn finding(&self, rule: &str) -> &Value {
        self.site()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {:#}", self.site()["findings"]))
    }
    fn check(&self, name: &str) -> &str {
        self.ipv6()["checks"][name]["result"]
            .as_str()
            .unwrap_or_else(|| panic!("no check {name}: {:#}", self.ipv6()))
    }
}

/// Runs `govaudit audit URL --format json` with the test resolver and short timeouts.
fn audit(dns: &TestDns, url: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let assert = govaudit()
        .args([
            "audit",
            url,
            "--format",
            "json",
            "--no-progress",
            "--lang",
            "en",
        ])
        .args(["--dns-server", &dns.server(), "--ipv6-accept-non-global"])
        .args([
            "--ipv6-timeout",
            "3",
            "--ipv6-attempts",
            "2",
            "--timeout",
            "5",
        ])
        .args(extra)
        .arg("--output")
        .arg(&out)
        .assert();
    let output = assert.get_output();
    let code = output.status.code().unwrap_or(-1);
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "no report (exit {code}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let report: Value = serde_json::from_str(&text).expect("report is JSON");
    if let Some(f) = report["sites"][0].get("ipv6") {
        validate_fact(f);
    }
    Run { code, report }
}

/// Checks an `ipv6` fact against docs/ipv6.schema.json.
fn validate_fact(fact: &Value) {
    let text = std::fs::read_to_string(root().join("docs/ipv6.schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(fact)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "ipv6 fact does not match the schema: {errors:#?}\n{fact:#}"
    );
}

fn url(port: u16, path: &str) -> String {
    format!("http://{HOST}:{port}{path}")
}

fn home(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>{title}</title></head>\
         <body><header><h1>{title}</h1></header><main>{body}</main>\
         <footer><p>主办：云汀县人民政府办公室</p><p>网站标识码：3300000099</p></footer></body></html>"
    )
}

fn news(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("<p>第{i}条：县政府召开常务会议研究部署近期重点工作，会议强调要抓好落实。</p>")
        })
        .collect()
}

#[test]
fn dual_stack_site_with_all_links_on_ipv6_has_no_finding() {
    if no_ipv6_loopback() {
        return;
    }
    // www is a CNAME to a CDN name with A and AAAA.
    let z = Zone::new("v6test.gov.cn")
        .ns("ns1.v6test.gov.cn")
        .aaaa("ns1.v6test.gov.cn", "::1")
        .cname(HOST, "edge.cdn-test.net")
        .dual("sub.v6test.gov.cn");
    let cdn = Zone::new("cdn-test.net").dual("edge.cdn-test.net");
    let dns = TestDns::start_zones(vec![z, cdn]);
    // Links need the port, which is known only once the servers run: pages are built from it.
    let make = |port: u16| {
        let body = format!(
            "<p><span class=v6>本网站支持IPv6</span></p>\
             <nav><a href=/a.html>政务公开</a> <a href=/b.html>政务服务</a> \
             <a href=http://sub.v6test.gov.cn:{port}/c.html>子站</a> <a href=#top>顶部</a> \
             <a href=/index.html>首页</a></nav>\
             <script src=http://edge.cdn-test.net:{port}/s.js></script>{}",
            news(20)
        );
        Site::new()
            .page("/", home("云汀县人民政府", &body))
            .page("/a.html", home("政务公开", "<a href=/d.html>通知</a>"))
            .page("/b.html", home("政务服务", "<a href=/e.html>办事</a>"))
            .page("/c.html", home("子站", "<p>子站</p>"))
            .page("/d.html", home("通知", "<p>通知</p>"))
            .page("/e.html", home("办事", "<p>办事</p>"))
            .page("/index.html", home("云汀县人民政府", "<p>首页</p>"))
            .page_bytes("/s.js", "text/javascript", "var x=1;")
    };
    // Build once with port 0 to get a port, then serve the real pages on it.
    let Some((v4, v6)) = (0..32).find_map(|_| {
        let probe = std::net::TcpListener::bind(("127.0.0.1", 0)).ok()?;
        let port = probe.local_addr().ok()?.port();
        drop(probe);
        let s4 = make(port)
            .serve_on(SocketAddr::from(([127, 0, 0, 1], port)))
            .ok()?;
        let s6 = make(port)
            .serve_on(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port))
            .ok()?;
        Some((s4, s6))
    }) else {
        panic!("no free port on both 127.0.0.1 and [::1]");
    };
    let port = v4.port();
    let run = audit(&dns, &url(port, "/"), &["--only", "ipv6"]);
    assert_eq!(run.ipv6_rules(), Vec::<String>::new(), "{:#}", run.ipv6());
    assert_eq!(run.code, 0);
    let f = run.ipv6();
    assert_eq!(f["host"], HOST);
    assert_eq!(f["addresses"]["aaaa"], serde_json::json!(["::1"]));
    assert_eq!(f["addresses"]["a"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(
        f["addresses"]["cname"],
        serde_json::json!(["edge.cdn-test.net"])
    );
    assert_eq!(f["zone"], "v6test.gov.cn");
    assert_eq!(f["ns"][0]["name"], "ns1.v6test.gov.cn");
    assert_eq!(f["ns"][0]["aaaa"], serde_json::json!(["::1"]));
    for c in ["aaaa", "ns", "reachable", "consistent", "label", "links"] {
        assert_eq!(run.check(c), "pass", "{c}: {:#}", f["checks"][c]);
    }
    assert_eq!(f["label"]["text"], "本网站支持IPv6");
    assert_eq!(f["checks"]["consistent"]["similarity"], 1.0);
    assert_eq!(f["rates"]["level2"]["total"], 3);
    assert_eq!(f["rates"]["level2"]["ok"], 3);
    assert_eq!(f["rates"]["level2"]["rate"], 1.0);
    assert_eq!(f["rates"]["level3"]["total"], 2);
    assert_eq!(f["rates"]["level3"]["ok"], 2);
    // A third-party script on a dual-stack host: checked, fine, not in the level rates.
    assert_eq!(f["rates"]["third_party"]["total"], 1);
    assert_eq!(f["rates"]["third_party"]["ok"], 1);
    assert_eq!(f["ipv4_only_hosts"], serde_json::json!([]));
    // The link to /index.html names the home page: not a level-2 link, not requested.
    assert_eq!(v6.hits("/index.html"), 0);
    // The home page was fetched once over IPv4 (the IPv6 checks reuse that answer) and once
    // over IPv6.
    assert_eq!(v4.hits("/"), 1, "home fetched over IPv4 more than once");
    assert_eq!(v6.hits("/"), 1);
    // Level-2 pages: fetched over IPv4 for their links, and once over IPv6 each.
    assert_eq!(v6.hits("/a.html"), 1);
    assert_eq!(v6.hits("/d.html"), 1);
}

#[test]
fn missing_aaaa_is_an_error_and_nothing_is_tried_over_ipv6() {
    let dns = TestDns::start(zone(false, true));
    let server = Site::new()
        .page("/", home("云汀县人民政府", &news(5)))
        .serve();
    let run = audit(&dns, &url(server.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(run.ipv6_rules(), vec!["ipv6/no-aaaa"], "{:#}", run.ipv6());
    assert_eq!(run.code, 1);
    let f = run.finding("ipv6/no-aaaa");
    assert_eq!(f["severity"], "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("no AAAA record"),
        "{f}"
    );
    assert_eq!(run.check("aaaa"), "fail");
    assert_eq!(run.check("reachable"), "fail");
    assert_eq!(run.check("consistent"), "not_tested");
    assert_eq!(run.check("ns"), "pass");
    assert_eq!(run.ipv6()["addresses"]["aaaa"], serde_json::json!([]));
    assert_eq!(run.ipv6()["label"], Value::Null);
    let hosts = &run.ipv6()["ipv4_only_hosts"];
    assert_eq!(hosts[0]["host"], HOST);
    assert_eq!(hosts[0]["reason"], "no_aaaa");
}

#[test]
fn aaaa_pointing_to_a_dead_address_is_unreachable() {
    if no_ipv6_loopback() {
        return;
    }
    // AAAA ::1, but the HTTP server listens on 127.0.0.1 only; the name server has no AAAA.
    let dns = TestDns::start(zone(true, false));
    let server = Site::new()
        .page("/", home("云汀县人民政府", &news(5)))
        .serve();
    if std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, server.port())).is_err() {
        eprintln!("note: [::1]:{} is taken; test skipped", server.port());
        return;
    }
    let run = audit(&dns, &url(server.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/ns-no-ipv6", "ipv6/unreachable"],
        "{:#}",
        run.ipv6()
    );
    let f = run.finding("ipv6/unreachable");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["data"]["attempts"], 2);
    assert_eq!(f["data"]["error"], "connect");
    assert_eq!(run.check("aaaa"), "pass");
    assert_eq!(run.check("reachable"), "fail");
    assert_eq!(run.ipv6()["checks"]["reachable"]["attempts"], 2);
    assert_eq!(run.check("ns"), "fail");
    assert!(
        run.finding("ipv6/ns-no-ipv6")["message"]
            .as_str()
            .unwrap_or("")
            .contains("ns1.v6test.gov.cn")
    );
    // Only the IPv4 fetch reached the server.
    assert_eq!(server.hits("/"), 1);
}

#[test]
fn label_on_an_ipv4_only_site_is_false() {
    let dns = TestDns::start(zone(false, true));
    let body = format!(
        "{}<div class=foot><img src=/v6.png alt=\"本网站支持IPV6\"></div>",
        news(5)
    );
    let server = Site::new().page("/", home("云汀县人民政府", &body)).serve();
    let run = audit(&dns, &url(server.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/label-false", "ipv6/no-aaaa"],
        "{:#}",
        run.ipv6()
    );
    let f = run.finding("ipv6/label-false");
    assert_eq!(f["severity"], "error");
    assert!(
        f["selector"].as_str().unwrap_or("").ends_with("div > img"),
        "{f}"
    );
    assert!(f["line"].as_u64().is_some());
    assert!(
        f["snippet"]
            .as_str()
            .unwrap_or("")
            .contains("本网站支持IPV6")
    );
    assert_eq!(f["data"]["failed_checks"], serde_json::json!(["aaaa"]));
    assert_eq!(run.check("label"), "fail");
    assert_eq!(run.ipv6()["label"]["evidence"], "alt");
}

#[test]
fn different_content_over_ipv4_and_ipv6_is_a_mismatch() {
    if no_ipv6_loopback() {
        return;
    }
    let dns = TestDns::start(zone(true, true));
    let v4 = Site::new().page("/", home("云汀县人民政府", &news(30)));
    let v6 = Site::new().page(
        "/",
        "<!doctype html><title>IPv6 测试页</title><p>本服务器已支持 IPv6。</p>",
    );
    let Some((s4, s6)) = dual(v4, v6) else {
        eprintln!("note: no IPv6 loopback; test skipped");
        return;
    };
    let run = audit(&dns, &url(s4.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/content-mismatch"],
        "{:#}",
        run.ipv6()
    );
    let f = run.finding("ipv6/content-mismatch");
    assert_eq!(f["severity"], "warning");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(msg.contains("IPv6 测试页"), "{msg}");
    assert!(msg.contains("text similarity"), "{msg}");
    assert!(f["data"]["similarity"].as_f64().expect("similarity") < 0.2);
    assert_eq!(run.check("reachable"), "pass");
    assert_eq!(run.check("consistent"), "fail");
    assert_eq!(s6.hits("/"), 1);

    // The site works over IPv6 and has no label: ipv6/label-missing, when turned on.
    let run = audit(
        &dns,
        &url(s4.port(), "/"),
        &["--only", "ipv6", "--enable", "ipv6/label-missing"],
    );
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/content-mismatch", "ipv6/label-missing"]
    );
    assert_eq!(run.finding("ipv6/label-missing")["severity"], "notice");
}

#[test]
fn links_failing_over_ipv6_are_compared_with_ipv4() {
    if no_ipv6_loopback() {
        return;
    }
    let dns = TestDns::start(zone(true, true));
    let links = "<a href=/ok.html>正常</a> <a href=/gone.html>已删除</a> \
                 <a href=/v6-missing.html>只在 IPv4 上</a> <a href=/ok2.html>正常2</a>";
    let page = home("云汀县人民政府", &format!("{links}{}", news(10)));
    let v4 = Site::new()
        .page("/", page.clone())
        .page("/ok.html", home("a", "<p>a</p>"))
        .page("/ok2.html", home("b", "<p>b</p>"))
        .page("/v6-missing.html", home("c", "<p>c</p>"));
    let v6 = Site::new()
        .page("/", page)
        .page("/ok.html", home("a", "<p>a</p>"))
        .page("/ok2.html", home("b", "<p>b</p>"));
    let Some((s4, s6)) = dual(v4, v6) else {
        eprintln!("note: no IPv6 loopback; test skipped");
        return;
    };
    let run = audit(&dns, &url(s4.port(), "/"), &["--only", "ipv6"]);
    let f = run.ipv6();
    // gone.html fails over both protocols: a broken link, left out of the rate.
    assert_eq!(f["rates"]["level2"]["total"], 3, "{f:#}");
    assert_eq!(f["rates"]["level2"]["ok"], 2);
    assert_eq!(f["rates"]["level2"]["excluded"], 1);
    let failed = f["failed_links"].as_array().expect("failed links");
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0]["reason"], "http_status");
    assert_eq!(failed[0]["level"], 2);
    assert!(
        failed[0]["url"]
            .as_str()
            .unwrap_or("")
            .ends_with("/v6-missing.html")
    );
    assert_eq!(
        failed[0]["detail"],
        "HTTP 404 over IPv6, HTTP 200 over IPv4"
    );
    // The host answers over IPv6: it is not an IPv4-only host.
    assert_eq!(f["ipv4_only_hosts"], serde_json::json!([]));
    assert_eq!(run.ipv6_rules(), vec!["ipv6/link-support-rate"]);
    assert_eq!(s6.hits("/gone.html"), 1);
}

#[test]
fn sixty_percent_link_support_lists_the_ipv4_only_hosts() {
    if no_ipv6_loopback() {
        return;
    }
    let z = zone(true, true)
        .dual("sub.v6test.gov.cn")
        .a("old.v6test.gov.cn", "127.0.0.1")
        .a("data.v6test.gov.cn", "127.0.0.1");
    let third = Zone::new("stats-test.com").a("count.stats-test.com", "127.0.0.1");
    let dns = TestDns::start_zones(vec![z, third]);
    let make = |port: u16| {
        let body = format!(
            "<nav><a href=/a.html>政务公开</a> <a href=/b.html>政务服务</a> \
             <a href=http://sub.v6test.gov.cn:{port}/c.html>子站</a> \
             <a href=http://old.v6test.gov.cn:{port}/x.html>旧版信息公开</a> \
             <a href=http://data.v6test.gov.cn:{port}/y.html>数据开放</a></nav>\
             <script src=http://count.stats-test.com:{port}/s.js></script>{}",
            news(10)
        );
        Site::new()
            .page("/", home("云汀县人民政府", &body))
            .page("/a.html", home("政务公开", "<a href=/d.html>通知</a>"))
            .page("/b.html", home("政务服务", "<p>办事</p>"))
            .page("/c.html", home("子站", "<p>子站</p>"))
            .page("/x.html", home("旧版", "<p>旧版</p>"))
            .page("/y.html", home("数据", "<p>数据</p>"))
            .page("/d.html", home("通知", "<p>通知</p>"))
            .page_bytes("/s.js", "text/javascript", "var x=1;")
    };
    let Some((v4, _v6)) = (0..32).find_map(|_| {
        let probe = std::net::TcpListener::bind(("127.0.0.1", 0)).ok()?;
        let port = probe.local_addr().ok()?.port();
        drop(probe);
        let s4 = make(port)
            .serve_on(SocketAddr::from(([127, 0, 0, 1], port)))
            .ok()?;
        let s6 = make(port)
            .serve_on(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port))
            .ok()?;
        Some((s4, s6))
    }) else {
        panic!("no free port on both 127.0.0.1 and [::1]");
    };
    let run = audit(&dns, &url(v4.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/link-support-rate", "ipv6/third-party-v4-only"],
        "{:#}",
        run.ipv6()
    );
    let f = run.ipv6();
    assert_eq!(f["rates"]["level2"]["total"], 5);
    assert_eq!(f["rates"]["level2"]["ok"], 3);
    assert_eq!(f["rates"]["level2"]["rate"], 0.6);
    assert_eq!(f["rates"]["level3"]["total"], 1);
    assert_eq!(f["rates"]["level3"]["ok"], 1);
    assert_eq!(f["rates"]["third_party"]["total"], 1);
    assert_eq!(f["rates"]["third_party"]["ok"], 0);
    let hosts: Vec<(&str, &str, bool)> = f["ipv4_only_hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .map(|h| {
            (
                h["host"].as_str().unwrap_or(""),
                h["reason"].as_str().unwrap_or(""),
                h["third_party"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        hosts,
        vec![
            ("count.stats-test.com", "no_aaaa", true),
            ("data.v6test.gov.cn", "no_aaaa", false),
            ("old.v6test.gov.cn", "no_aaaa", false),
        ]
    );
    let rate = run.finding("ipv6/link-support-rate");
    assert_eq!(rate["severity"], "warning");
    let msg = rate["message"].as_str().unwrap_or("");
    assert!(msg.contains("60%"), "{msg}");
    assert!(msg.contains("(3/5)"), "{msg}");
    assert!(
        msg.contains("data.v6test.gov.cn, old.v6test.gov.cn"),
        "{msg}"
    );
    assert_eq!(rate["data"]["level"], 2);
    let tp = run.finding("ipv6/third-party-v4-only");
    assert_eq!(tp["severity"], "notice");
    assert!(
        tp["message"]
            .as_str()
            .unwrap_or("")
            .contains("count.stats-test.com（script）")
    );
    assert_eq!(run.check("links"), "fail");

    // At a 60% threshold the rate passes; the third-party host is still reported.
    let run = audit(
        &dns,
        &url(v4.port(), "/"),
        &["--only", "ipv6", "--ipv6-min-link-rate", "0.6"],
    );
    assert_eq!(run.ipv6_rules(), vec!["ipv6/third-party-v4-only"]);
    assert_eq!(run.check("links"), "pass");
}

#[test]
fn loopback_is_not_ipv6_support_without_the_relaxing_flag() {
    let dns = TestDns::start(zone(true, true));
    let server = Site::new()
        .page("/", home("云汀县人民政府", &news(3)))
        .serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    govaudit()
        .args([
            "audit",
            &url(server.port(), "/"),
            "--format",
            "json",
            "--lang",
            "en",
        ])
        .args(["--dns-server", &dns.server(), "--only", "ipv6", "--output"])
        .arg(&out)
        .assert()
        .code(1);
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    let site = &r["sites"][0];
    let rules: Vec<&str> = site["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"ipv6/no-aaaa"), "{rules:?}");
    assert!(rules.contains(&"ipv6/ns-no-ipv6"), "{rules:?}");
    assert!(!rules.contains(&"ipv6/unreachable"), "{rules:?}");
    let msg = site["findings"][0]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("::1 (loopback)") || msg.contains("::1（"),
        "{msg}"
    );
    assert_eq!(site["ipv6"]["accept_non_global"], false);
}

#[test]
fn local_input_is_not_measured_and_says_so_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let page = dir.path().join("index.html");
    std::fs::write(&page, home("云汀县人民政府", "<p>本网站支持IPv6</p>")).expect("write");
    govaudit()
        .args(["audit"])
        .arg(&page)
        .args(["--only", "ipv6", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(0);
    let terminal = govaudit()
        .args(["audit", "--lang", "en", "--only", "ipv6"])
        .arg(&page)
        .output()
        .expect("runs");
    let text = String::from_utf8(terminal.stdout).expect("utf-8");
    assert_eq!(text.matches("IPv6:").count(), 1, "{text}");
    assert!(
        text.contains("IPv6: local input, not measured (label: 本网站支持IPv6)"),
        "{text}"
    );
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    let f = &r["sites"][0]["ipv6"];
    validate_fact(f);
    assert_eq!(f["skipped"], "local input");
    assert_eq!(f["checks"]["aaaa"]["result"], "not_tested");
    assert_eq!(f["checks"]["aaaa"]["cause"], "local_input");
    assert_eq!(f["label"]["text"], "本网站支持IPv6");
    assert_eq!(r["sites"][0]["findings"], serde_json::json!([]));
}

#[test]
fn terminal_section_in_both_languages() {
    let dns = TestDns::start(zone(false, true));
    let server = Site::new()
        .page("/", home("云汀县人民政府", "<p>本站已支持IPV6访问</p>"))
        .serve();
    let run = |lang: &str| {
        let out = govaudit()
            .args([
                "audit",
                &url(server.port(), "/"),
                "--lang",
                lang,
                "--no-progress",
            ])
            .args(["--dns-server", &dns.server(), "--only", "ipv6"])
            .output()
            .expect("runs");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let en = run("en");
    assert!(en.contains("IPv6: AAAA fail"), "{en}");
    assert!(en.contains("label: \"本站已支持IPV6访问\" fail"), "{en}");
    assert!(en.contains("hosts without IPv6: www.v6test.gov.cn"), "{en}");
    let zh = run("zh");
    assert!(zh.contains("IPv6: AAAA 未通过"), "{zh}");
    assert!(
        zh.contains("IPv6 标识: “本站已支持IPV6访问” 未通过"),
        "{zh}"
    );
}

#[test]
fn site_addressed_by_ip_is_skipped_without_dns_queries() {
    let dns = TestDns::start(zone(true, true));
    let server = Site::new().page("/", home("测试", "<p>x</p>")).serve();
    let run = audit(&dns, &server.url("/"), &["--only", "ipv6"]);
    assert_eq!(run.ipv6()["skipped"], "ip address");
    assert_eq!(run.ipv6_rules(), Vec::<String>::new());
    assert!(dns.queries().is_empty(), "{:?}", dns.queries());
}

#[test]
fn bad_dns_server_is_a_usage_error() {
    govaudit()
        .args([
            "audit",
            "http://www.v6test.gov.cn/",
            "--dns-server",
            "dns.example",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--dns-server"));
}

#[test]
fn every_request_resolves_through_the_given_server() {
    // A name that exists only in the test zone: the page is fetched (through the test DNS).
    let dns = TestDns::start(zone(false, true));
    let server = Site::new().page("/", home("测试", "<p>x</p>")).serve();
    let run = audit(&dns, &url(server.port(), "/"), &["--only", "page"]);
    assert_eq!(run.report["pages"][0]["status"], 200);
    assert!(
        dns.queries().iter().any(|q| q.name == HOST && q.qtype == 1),
        "{:?}",
        dns.queries()
    );
    // The IPv6 family did not run (--only page): no ipv6 fact.
    assert_eq!(run.site().get("ipv6"), None);
}

#[test]
fn a_name_without_any_address_is_not_an_ipv6_failure() {
    // NXDOMAIN: the page cannot be fetched at all (page/fetch-failed); no ipv6 finding.
    let dns = TestDns::start(
        Zone::new("v6test.gov.cn")
            .ns("ns1.v6test.gov.cn")
            .aaaa("ns1.v6test.gov.cn", "::1"),
    );
    let run = audit(
        &dns,
        "http://gone.v6test.gov.cn/",
        &["--only", "ipv6", "--only", "page"],
    );
    assert_eq!(run.ipv6_rules(), Vec::<String>::new(), "{:#}", run.ipv6());
    assert_eq!(run.check("aaaa"), "not_tested");
    assert_eq!(run.ipv6()["checks"]["aaaa"]["cause"], "unresolvable");
    assert_eq!(
        run.report["pages"][0]["findings"][0]["rule"],
        "page/fetch-failed"
    );
}

#[test]
fn example_site_served_from_an_ipv4_only_host_has_a_false_label() {
    // examples/site shows 网站支持IPv6 on every page (VIOLATIONS.md #36).
    let dir = root().join("examples/site");
    let server = TestServer::start(move |req| {
        let mut path = req.path_only().trim_start_matches('/').to_string();
        if path.is_empty() || path.ends_with('/') {
            path.push_str("index.html");
        }
        let file = dir.join(&path);
        if path.contains("..") || !file.is_file() {
            return common::server::Response::not_found();
        }
        let body = std::fs::read(&file).unwrap_or_default();
        let ct = if path.ends_with(".html") {
            "text/html"
        } else {
            "application/octet-stream"
        };
        common::server::Response::bytes(200, ct, body)
    });
    let z = Zone::new("yunting.gov.cn")
        .ns("ns1.yunting.gov.cn")
        .aaaa("ns1.yunting.gov.cn", "::1")
        .a("www.yunting.gov.cn", "127.0.0.1");
    let dns = TestDns::start(z);
    let url = format!("http://www.yunting.gov.cn:{}/", server.port());
    let run = audit(&dns, &url, &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec![
            "ipv6/label-false",
            "ipv6/link-support-rate",
            "ipv6/link-support-rate",
            "ipv6/no-aaaa"
        ],
        "{:#}",
        run.ipv6()
    );
    assert_eq!(run.ipv6()["label"]["text"], "网站支持IPv6");
    assert_eq!(run.ipv6()["rates"]["level3"]["ok"], 0);
    assert_eq!(run.ipv6()["rates"]["level2"]["ok"], 0);
    assert!(run.ipv6()["rates"]["level2"]["total"].as_u64().unwrap_or(0) >= 5);
}

#[test]
fn failing_dns_is_not_tested_rather_than_a_missing_aaaa() {
    // The server answers A but fails every AAAA query of www (a broken DNS setup, or a
    // resolver that cannot answer AAAA): no ipv6/no-aaaa, one ipv6/not-tested.
    let dns = TestDns::start(zone(false, true).servfail(HOST, 28));
    let server = Site::new()
        .page("/", home("云汀县人民政府", &news(3)))
        .serve();
    let run = audit(&dns, &url(server.port(), "/"), &["--only", "ipv6"]);
    assert_eq!(
        run.ipv6_rules(),
        vec!["ipv6/not-tested"],
        "{:#}",
        run.ipv6()
    );
    assert_eq!(run.check("aaaa"), "not_tested");
    assert_eq!(run.ipv6()["checks"]["aaaa"]["cause"], "dns_error");
    let f = run.finding("ipv6/not-tested");
    assert_eq!(f["severity"], "notice");
    assert_eq!(
        f["data"]["checks"],
        serde_json::json!(["aaaa", "reachable"])
    );
    assert!(
        dns.queries()
            .iter()
            .any(|q| q.name == HOST && q.qtype == 28)
    );
}
