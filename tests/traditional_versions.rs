//! Issue #7, traditional-script version (繁体版): big5 gateways that convert, that return
//! simplified text, that 404; client-side converters whose script loads, 404s or lacks the
//! function; the false-entry traps; and the bundled example site. Everything is served from
//! loopback and audited with the real binary; each case gives exactly the expected findings
//! of the elder and traditional families.

mod common;
#[path = "fixtures/versions/harness.rs"]
mod harness;

use common::server::{Response, Site, TestServer};
use harness::{audit, finding, fixture, identity, rule_ids, versions};

const GATEWAY: &str = "/gate/big5/www.yunting.gov.cn/index.html";

/// The home page with the toolbar 关怀版 (served aria.js) and a 繁体版 link to the gateway,
/// whose answer is `gateway`.
fn serve_home_with_gateway(gateway: Response) -> TestServer {
    Site::new()
        .page("/", fixture("home.html"))
        .page_bytes(
            "/dist/aria.js",
            "application/javascript",
            fixture("aria.js"),
        )
        .response(GATEWAY, gateway)
        .serve()
}

#[test]
fn gateway_that_converts_properly_passes() {
    let server = serve_home_with_gateway(Response::html(fixture("gateway_converted.html")));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    let id = identity(&report);
    assert_eq!(id["entries"]["traditional"], true);
    assert_eq!(id["traditional"]["mechanism"], "gateway");
    assert_eq!(id["traditional"]["url"], server.url(GATEWAY));
    assert_eq!(id["traditional"]["text"], "繁体版");
    let target = &versions(&report)["traditional"]["target"];
    assert_eq!(target["status"], 200);
    assert_eq!(target["simplified"], 0);
    assert!(target["traditional"].as_u64().unwrap_or(0) > 40, "{target}");
    // Fetched once, although several rules look at it.
    assert_eq!(server.hits(GATEWAY), 1);
}

#[test]
fn gateway_returning_simplified_text_is_not_converted() {
    let server = serve_home_with_gateway(Response::html(fixture("gateway_simplified.html")));
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(rule_ids(&report), vec!["traditional/not-converted"]);
    let f = finding(&report, "traditional/not-converted");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["url"], server.url(GATEWAY));
    assert_eq!(f["data"]["traditional"], 0);
    assert!(f["data"]["simplified"].as_u64().unwrap_or(0) > 30, "{f}");
    assert_eq!(f["data"]["ratio"], 1.0);
    let msg = f["message"].as_str().unwrap_or("");
    assert!(msg.contains("100.0%") && msg.contains("1.0%"), "{msg}");
    // The threshold is a setting.
    let lenient = audit(
        &server.url("/"),
        &["--traditional-max-simplified-ratio", "1"],
    );
    assert_eq!(rule_ids(&lenient), Vec::<String>::new());
}

#[test]
fn gateway_passing_the_simplified_page_through() {
    // A broken gateway that answers with the simplified home page verbatim: not converted,
    // and its links lead back to the simplified site (its zh-CN is then accurate: no `lang`).
    let server = serve_home_with_gateway(Response::html(fixture("home.html")));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(
        rule_ids(&report),
        vec!["traditional/links-leave", "traditional/not-converted"]
    );
    let f = finding(&report, "traditional/links-leave");
    assert_eq!(f["severity"], "notice");
    assert_eq!(f["data"]["count"], 2, "{f}");
}

#[test]
fn gateway_that_404s_is_target_broken() {
    let server = serve_home_with_gateway(Response::not_found());
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["traditional/target-broken"]);
    let f = finding(&report, "traditional/target-broken");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["url"], server.url(GATEWAY));
    assert_eq!(f["data"]["status"], 404);
    assert_eq!(
        versions(&report)["traditional"]["target"]["error"],
        "HTTP 404"
    );
}

#[test]
fn converted_gateway_with_zh_cn_and_no_charset() {
    let page = fixture("gateway_converted.html")
        .replace("lang=\"zh-Hant\"", "lang=\"zh-CN\"")
        .replace("<meta charset=\"utf-8\">", "");
    let server = serve_home_with_gateway(Response::html_no_charset(page));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(
        rule_ids(&report),
        vec!["traditional/charset-missing", "traditional/lang"]
    );
    assert_eq!(
        finding(&report, "traditional/lang")["data"]["lang"],
        "zh-CN"
    );
}

fn serve_js_converter(ch: Option<&str>) -> TestServer {
    let site = Site::new()
        .page("/", fixture("home_js_converter.html"))
        .page_bytes(
            "/dist/aria.js",
            "application/javascript",
            fixture("aria.js"),
        );
    let site = match ch {
        Some(body) => site.page_bytes("/js/ch.js", "application/javascript", body.to_string()),
        None => site,
    };
    site.serve()
}

#[test]
fn client_side_converter_whose_script_404s() {
    let server = serve_js_converter(None);
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(rule_ids(&report), vec!["traditional/js-converter-broken"]);
    let f = finding(&report, "traditional/js-converter-broken");
    assert_eq!(f["severity"], "error");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("StranBody") && msg.contains("/js/ch.js") && msg.contains("HTTP 404"),
        "{msg}"
    );
    let id = identity(&report);
    assert_eq!(id["traditional"]["mechanism"], "js");
    assert_eq!(id["traditional"]["function"], "StranBody");
    assert_eq!(id["traditional"]["script"], server.url("/js/ch.js"));
    assert_eq!(id["traditional"]["text"], "切換到繁體");
}

#[test]
fn client_side_converter_that_loads_and_defines_the_function() {
    let server = serve_js_converter(Some(&fixture("ch.js")));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    // What a static audit cannot tell is said in the report.
    let nv = &versions(&report)["not_verified"];
    assert!(
        nv["traditional/not-converted"]
            .as_str()
            .is_some_and(|s| s.contains("StranBody")),
        "{nv}"
    );
}

#[test]
fn client_side_converter_script_without_the_function() {
    let server = serve_js_converter(Some("function StranText(t){return t;}"));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["traditional/js-converter-broken"]);
}

#[test]
fn converter_defined_inline_passes() {
    let page = fixture("home_js_converter.html").replace(
        "<script src=\"/js/ch.js\"></script>",
        "<script>function StranBody(o){ /* 转换 */ }</script>",
    );
    let server = Site::new()
        .page("/", page)
        .page_bytes(
            "/dist/aria.js",
            "application/javascript",
            fixture("aria.js"),
        )
        .serve();
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    assert_eq!(identity(&report)["traditional"]["script"], "inline");
}

#[test]
fn false_entry_traps_are_not_entries() {
    let server = Site::new().page("/", fixture("home_traps.html")).serve();
    let report = audit(&server.url("/"), &[]);
    assert_eq!(
        rule_ids(&report),
        vec!["elder/entry-missing", "traditional/entry-missing"]
    );
    let id = identity(&report);
    assert_eq!(id["entries"]["elder"], false);
    assert_eq!(id["entries"]["traditional"], false);
    assert_eq!(id["traditional"]["mechanism"], serde_json::Value::Null);
    assert_eq!(
        finding(&report, "traditional/entry-missing")["severity"],
        "notice"
    );
    assert_eq!(
        finding(&report, "elder/entry-missing")["severity"],
        "warning"
    );
}

#[test]
fn example_site_versions() {
    let site = format!("{}/examples/site", env!("CARGO_MANIFEST_DIR"));
    let report = audit(&site, &[]);
    let mut got: Vec<(String, String)> = Vec::new();
    for p in report["pages"].as_array().into_iter().flatten() {
        let path = p["path"].as_str().unwrap_or("");
        let rel = path
            .split("examples/site/")
            .nth(1)
            .unwrap_or(path)
            .to_string();
        for f in p["findings"].as_array().into_iter().flatten() {
            got.push((rel.clone(), f["rule"].as_str().unwrap_or("").to_string()));
        }
    }
    for f in report["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
    {
        got.push((
            "(site)".into(),
            f["rule"].as_str().unwrap_or("").to_string(),
        ));
    }
    got.sort();
    let want: Vec<(String, String)> = [
        ("about/index.html", "elder/ads-or-popups"),
        (
            "gate/big5/www.yunting.gov.cn/index.html",
            "traditional/links-leave",
        ),
        ("news/index.html", "elder/zoom-blocked"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let v = versions(&report);
    assert_eq!(v["elder"]["mechanism"], "toolbar");
    assert_eq!(v["elder"]["function_defined"], true);
    assert_eq!(v["traditional"]["mechanism"], "gateway");
    assert_eq!(v["traditional"]["target"]["simplified"], 0);
    assert_eq!(v["traditional"]["target"]["traditional"], 166);
    let gate = report["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["url"].as_str().is_some_and(|u| u.contains("/gate/big5/")))
        .cloned()
        .unwrap_or_default();
    assert_eq!(gate["version"], "traditional");
}

#[test]
fn big5_encoded_gateway_is_decoded_and_passes() {
    let page = fixture("gateway_converted.html")
        .replace("<meta charset=\"utf-8\">", "<meta charset=\"big5\">");
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&page);
    assert!(!unmappable, "fixture must be Big5-encodable");
    let server = serve_home_with_gateway(Response::html_with_charset(bytes.into_owned(), "big5"));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    let target = &versions(&report)["traditional"]["target"];
    assert_eq!(target["encoding"], "Big5");
    assert_eq!(target["simplified"], 0);
}

#[test]
fn separate_traditional_page() {
    // Not a gateway: a page of its own. Its text and lang are checked; links-leave needs a
    // gateway path and does not apply.
    let home = fixture("home.html").replace(GATEWAY, "/ft/index.html");
    let serve = |body: String| {
        Site::new()
            .page("/", home.clone())
            .page_bytes(
                "/dist/aria.js",
                "application/javascript",
                fixture("aria.js"),
            )
            .page("/ft/index.html", body)
            .serve()
    };
    let server = serve(fixture("gateway_converted.html"));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    assert_eq!(identity(&report)["traditional"]["mechanism"], "page");
    let server = serve(fixture("gateway_simplified.html"));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["traditional/not-converted"]);
}
