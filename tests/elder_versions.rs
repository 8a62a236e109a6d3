//! Issue #7, elder-care version (关怀版): a separate 关怀版 page that is clean, that has a
//! floating ad, that 404s or breaks the elder-friendly rules; a toolbar mode whose page has a
//! floating ad or blocks zooming, whose script 404s or lacks the mode. Served from loopback and
//! audited with the real binary; each case gives exactly the expected findings of the elder and
//! traditional families.

mod common;
#[path = "fixtures/versions/harness.rs"]
mod harness;

use common::server::{Response, Site, TestServer};
use harness::{audit, finding, findings, fixture, identity, rule_ids, versions};

const GATEWAY: &str = "/gate/big5/www.yunting.gov.cn/index.html";
const ELDER: &str = "/elder/index.html";

/// The home page linking to a separate 关怀版 page answered by `elder` (and to a converted
/// gateway).
fn serve_elder_page(elder: Response, css: Option<&str>) -> TestServer {
    let mut site = Site::new()
        .page("/", fixture("home_elder_page.html"))
        .page(GATEWAY, fixture("gateway_converted.html"))
        .response(ELDER, elder);
    if let Some(css) = css {
        site = site.page_bytes("/elder/elder.css", "text/css", css.to_string());
    }
    site.serve()
}

/// A toolbar-mode home page (`home`) with a converted gateway; `aria` answers /dist/aria.js.
fn serve_toolbar(home: &str, aria: Response) -> TestServer {
    Site::new()
        .page("/", home.to_string())
        .response("/dist/aria.js", aria)
        .page(GATEWAY, fixture("gateway_converted.html"))
        .serve()
}

fn js(body: &str) -> Response {
    Response::bytes(200, "application/javascript", body.as_bytes().to_vec())
}

#[test]
fn separate_elder_page_that_passes() {
    let server = serve_elder_page(Response::html(fixture("elder_clean.html")), None);
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), Vec::<String>::new());
    let id = identity(&report);
    assert_eq!(id["entries"]["elder"], true);
    assert_eq!(id["elder"]["mechanism"], "page");
    assert_eq!(id["elder"]["url"], server.url(ELDER));
    assert_eq!(versions(&report)["elder"]["target"]["status"], 200);
    // Fetched once, although several rules check it.
    assert_eq!(server.hits(ELDER), 1);
}

#[test]
fn separate_elder_page_with_a_floating_ad() {
    let server = serve_elder_page(Response::html(fixture("elder_float.html")), None);
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(rule_ids(&report), vec!["elder/ads-or-popups"]);
    let f = finding(&report, "elder/ads-or-popups");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["url"], server.url(ELDER));
    assert_eq!(f["selector"], "div#piaochuang");
    assert_eq!(f["data"]["kind"], "floating");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("floating window") && m.contains(ELDER)),
        "{f}"
    );
}

#[test]
fn separate_elder_page_that_404s() {
    let server = serve_elder_page(Response::not_found(), None);
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["elder/entry-broken"]);
    let f = finding(&report, "elder/entry-broken");
    assert_eq!(f["url"], server.url(ELDER));
    assert_eq!(f["data"]["status"], 404);
}

#[test]
fn separate_elder_page_that_is_not_elder_friendly() {
    let css =
        "/* 关怀版样式 */ body { font: 14px/1.2 \"Microsoft YaHei\", sans-serif; color: #333; }";
    let server = serve_elder_page(Response::html(fixture("elder_unfriendly.html")), Some(css));
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(
        rule_ids(&report),
        vec![
            "elder/captcha-no-alternative",
            "elder/contrast",
            "elder/font-size",
            "elder/induced-buttons",
            "elder/line-height",
        ]
    );
    let fs = finding(&report, "elder/font-size");
    assert_eq!(fs["data"]["font_size_px"], 14.0);
    assert!(
        fs["message"]
            .as_str()
            .is_some_and(|m| m.contains("font: 14px/1.2") && m.contains("elder.css")),
        "{fs}"
    );
    assert_eq!(
        finding(&report, "elder/line-height")["data"]["line_height"],
        1.2
    );
    let c = finding(&report, "elder/contrast");
    assert!(c["data"]["ratio"].as_f64().is_some_and(|r| r < 2.5), "{c}");
    // Thresholds are settings.
    let lenient = audit(
        &server.url("/"),
        &[
            "--elder-min-font-size",
            "14",
            "--elder-min-line-height",
            "1.2",
            "--elder-min-contrast",
            "2",
        ],
    );
    assert_eq!(
        rule_ids(&lenient),
        vec!["elder/captcha-no-alternative", "elder/induced-buttons"]
    );
}

#[test]
fn toolbar_mode_page_with_a_floating_ad() {
    let server = serve_toolbar(&fixture("home_float_toolbar.html"), js(&fixture("aria.js")));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["elder/ads-or-popups"]);
    // A page finding: the elder version is the page itself.
    let page_findings = report["pages"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(page_findings.len(), 1);
    assert_eq!(page_findings[0]["selector"], "div#float_ad");
    let id = identity(&report);
    assert_eq!(id["elder"]["mechanism"], "toolbar");
    assert_eq!(id["elder"]["toolbar"], "aria.js");
    assert_eq!(id["elder"]["function"], "aria.oldFixedStart");
    assert_eq!(id["elder"]["script"], server.url("/dist/aria.js"));
    let v = versions(&report);
    assert_eq!(v["elder"]["function_defined"], true);
    assert!(v["not_verified"]["elder/font-size"].is_string(), "{v}");
}

#[test]
fn page_with_zoom_blocked() {
    let server = serve_toolbar(&fixture("home_zoom_blocked.html"), js(&fixture("aria.js")));
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(rule_ids(&report), vec!["elder/zoom-blocked"]);
    let f = finding(&report, "elder/zoom-blocked");
    assert_eq!(f["severity"], "error");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("user-scalable=no") && msg.contains("maximum-scale=1"),
        "{msg}"
    );
}

#[test]
fn toolbar_script_that_404s() {
    let server = serve_toolbar(&fixture("home.html"), Response::not_found());
    let report = audit(&server.url("/"), &["--lang", "en"]);
    assert_eq!(rule_ids(&report), vec!["elder/toolbar-broken"]);
    let f = finding(&report, "elder/toolbar-broken");
    assert_eq!(f["severity"], "error");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("/dist/aria.js") && m.contains("HTTP 404")),
        "{f}"
    );
}

#[test]
fn toolbar_script_without_the_elder_mode() {
    let old = "var aria = { start: function () { document.body.className += ' wza'; } };";
    let server = serve_toolbar(&fixture("home.html"), js(old));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["elder/toolbar-broken"]);
    assert_eq!(versions(&report)["elder"]["function_defined"], false);
}

#[test]
fn mode_entry_whose_function_nothing_defines() {
    // A site-local elder mode (not a known toolbar) calling a function no script defines.
    let home = fixture("home.html").replace("aria.oldFixedStart();", "changeToElder();");
    let server = serve_toolbar(&home, js(&fixture("aria.js")));
    let report = audit(&server.url("/"), &[]);
    assert_eq!(rule_ids(&report), vec!["elder/entry-broken"]);
    assert_eq!(identity(&report)["elder"]["mechanism"], "js");
    assert_eq!(identity(&report)["elder"]["function"], "changeToElder");
}

#[test]
fn offline_audit_reports_what_it_could_not_verify() {
    // A local file whose toolbar script is remote: no finding is made up, a notice asks for a
    // manual check.
    let dir = tempfile::tempdir().expect("tempdir");
    let home = fixture("home.html")
        .replace(
            "<script src=\"/dist/aria.js\"></script>",
            "<script src=\"https://wza.example.gov.cn/dist/aria.js?appid=0123456789abcdef0123456789abcdef\"></script>",
        )
        .replace(GATEWAY, "http://big5.www.yunting.gov.cn/gate/big5/www.yunting.gov.cn/");
    std::fs::write(dir.path().join("index.html"), home).expect("write");
    let report = audit(&dir.path().display().to_string(), &[]);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["rule"], "elder/toolbar-broken");
    assert_eq!(all[0]["severity"], "notice");
    assert_eq!(all[0]["data"]["needs_review"], true);
    let v = versions(&report);
    assert!(
        v["not_verified"]["traditional/target-broken"].is_string(),
        "{v}"
    );
    assert_eq!(v["traditional"]["mechanism"], "gateway");
}

#[test]
fn local_folder_with_a_separate_elder_page() {
    // `elder/` stands for `elder/index.html`, as a web server would serve it; the page is
    // audited as one of the folder's pages and also checked as the 关怀版 in the site stage.
    let dir = tempfile::tempdir().expect("tempdir");
    let home = fixture("home_elder_page.html")
        .replace("/elder/index.html", "elder/")
        .replace(
            "<a href=\"/gate/big5/www.yunting.gov.cn/index.html\">繁體</a>",
            "",
        );
    std::fs::write(dir.path().join("index.html"), home).expect("write");
    std::fs::create_dir(dir.path().join("elder")).expect("mkdir");
    std::fs::write(
        dir.path().join("elder/index.html"),
        fixture("elder_float.html"),
    )
    .expect("write");
    let report = audit(&dir.path().display().to_string(), &[]);
    assert_eq!(
        rule_ids(&report),
        vec!["elder/ads-or-popups", "traditional/entry-missing"]
    );
    let f = finding(&report, "elder/ads-or-popups");
    assert!(
        f["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/elder/index.html")),
        "{f}"
    );
    assert_eq!(versions(&report)["elder"]["mechanism"], "page");
}
