//! Footers written by a same-site script, audited over HTTP: read when the script loads, a
//! "not verified" notice (never a false "missing") when it cannot be fetched, and a real
//! "missing" when the server answers the script with an error.

mod common;

use assert_cmd::Command;
use common::server::{Response, Site};
use serde_json::Value;

const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>首页 - 开平市人民政府</title>
<meta name="SiteName" content="开平市人民政府"><meta name="SiteDomain" content="www.kaiping.gov.cn"><meta name="SiteIDCode" content="4407830003">
</head><body><div class="main"><p>正文</p></div>
<div id="footer"><script type="text/javascript" src="/js/footer.js"></script></div>
</body></html>"#;

fn footer_js() -> String {
    let footer = r#"<div class="foot"><span id="_ideConac"></span><script src="https://dcs.conac.cn/js/20/000/0000/60527183/CA200000000605271830001.js"></script>
<p><a href="/sitemap.html">网站地图</a> 主办单位：开平市人民政府办公室 联系电话：0750-2345678</p>
<p><a href="https://beian.miit.gov.cn/">粤ICP备05079694号</a> <a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"><img src="/gongan.png">粤公网安备 44078302000116号</a> 网站标识码：4407830003</p>
<script id="_jiucuo_" sitecode="4407830003" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></div>"#;
    footer
        .lines()
        .map(|l| format!("document.writeln('{}');\n", l.replace('\'', "\\'")))
        .collect()
}

fn audit(url: &str) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    Command::cargo_bin("govaudit")
        .expect("binary")
        .args([
            "audit",
            url,
            "--format",
            "json",
            "--no-progress",
            "--only",
            "filing",
            "--only",
            "identity",
            "-o",
        ])
        .arg(&out)
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .expect("run");
    serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json")
}

fn site_finding<'r>(r: &'r Value, rule: &str) -> Option<&'r Value> {
    r["sites"][0]["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == rule))
}

#[test]
fn footer_script_is_fetched_and_read() {
    let server = Site::new()
        .page("/", PAGE)
        .page_bytes(
            "/js/footer.js",
            "application/javascript; charset=utf-8",
            footer_js(),
        )
        .serve();
    let r = audit(&server.url("/"));
    let id = &r["pages"][0]["identity"];
    assert_eq!(id["icp"]["text"], "粤ICP备05079694号", "{id}");
    assert_eq!(id["icp"]["evidence"], "script");
    assert_eq!(id["site_code"], "4407830003");
    assert_eq!(id["sponsor"], "开平市人民政府办公室");
    for rule in [
        "filing/icp-missing",
        "filing/psb-missing",
        "identity/site-code-missing",
        "identity/conac-missing",
        "identity/jiucuo-missing",
        "identity/sponsor-missing",
        "identity/contact-missing",
    ] {
        assert!(site_finding(&r, rule).is_none(), "{rule}");
    }
    assert_eq!(server.hits("/js/footer.js"), 1);
}

#[test]
fn unreachable_footer_script_is_not_a_false_missing() {
    let server = Site::new()
        .page("/", PAGE)
        .response("/js/footer.js", Response::abort())
        .serve();
    let r = audit(&server.url("/"));
    let f = site_finding(&r, "filing/icp-missing").expect("icp-missing notice");
    assert_eq!(f["severity"], "notice", "{f}");
    assert_eq!(f["evidence"], "script");
    assert_eq!(f["data"]["verified"], false);
    assert!(
        f["message"].as_str().is_some_and(|m| m.contains("未核实")),
        "{f}"
    );
    assert!(
        r["pages"][0]["identity"]["footer_script_unverified"]
            .as_str()
            .is_some_and(|u| u.ends_with("/js/footer.js"))
    );
}

#[test]
fn footer_script_answering_404_means_missing() {
    let server = Site::new().page("/", PAGE).serve();
    let r = audit(&server.url("/"));
    let f = site_finding(&r, "filing/icp-missing").expect("icp-missing");
    assert_eq!(f["severity"], "error", "{f}");
    assert!(f.get("evidence").is_none_or(Value::is_null));
}
