//! `--format html`: one self-contained file in which everything page-derived is text: hostile
//! titles, alt text, messages, snippets, URLs (`javascript:` never becomes a link) and facts.

mod report_support;

use govaudit::i18n::Lang;
use govaudit::report::{self, Facts, Finding, Format, PageReport, Report, Severity, SiteReport};
use kuchikikiki::traits::TendrilSink;
use report_support::*;

/// Parses the report and checks that nothing in it can run or load: no script elements, no
/// event-handler attributes, links only to http(s) or in-page anchors, no external assets.
fn assert_inert(html: &str) -> kuchikikiki::NodeRef {
    let doc = kuchikikiki::parse_html().one(html);
    assert_eq!(
        doc.select("script").expect("selector").count(),
        0,
        "a <script> element made it into the report"
    );
    for node in doc.descendants() {
        if let Some(el) = node.as_element() {
            let attrs = el.attributes.borrow();
            for (name, value) in attrs.map.iter() {
                let n = name.local.to_string().to_ascii_lowercase();
                assert!(
                    !n.starts_with("on"),
                    "event handler attribute {n}={:?}",
                    value.value
                );
                if n == "href" {
                    let v = value.value.trim().to_ascii_lowercase();
                    assert!(
                        v.starts_with("http://") || v.starts_with("https://") || v.starts_with('#'),
                        "unsafe link {v:?}"
                    );
                }
                if n == "src" {
                    panic!(
                        "external asset: <{} src={:?}>",
                        &*el.name.local, value.value
                    );
                }
            }
            let tag = &*el.name.local;
            assert!(
                !matches!(
                    tag,
                    "iframe" | "object" | "embed" | "link" | "img" | "base" | "form"
                ),
                "<{tag}> in the report"
            );
        }
    }
    assert!(
        html.contains("Content-Security-Policy") && html.contains("default-src 'none'"),
        "CSP missing"
    );
    doc
}

#[test]
fn hostile_page_content_is_text() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    write_files(
        &site,
        &[(
            "index.html",
            page(
                "<script>alert(1)</script>",
                concat!(
                    "<img src=\"javascript:alert(3)//<script>alert(4)</script>.png\">\n",
                    "<img src=\"p.png\" alt=\"<script>alert(5)<!--.jpg\">\n",
                    "<a href=\"javascript:alert(6)\"><img src=\"q.png\"></a>\n",
                ),
            ),
        )],
    );
    govaudit(tmp.path())
        .args(["audit", "site", "--format", "html", "--output", "r.html"])
        .assert()
        .code(1);
    let html = std::fs::read_to_string(tmp.path().join("r.html")).expect("read");
    let doc = assert_inert(&html);
    let text = doc.text_contents();
    assert!(
        text.contains("<script>alert(1)</script>"),
        "title shown as text"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        text.contains("javascript:alert(3)//<script>alert(4)</script>.png"),
        "message as text"
    );
    assert!(
        text.contains("<script>alert(5)<!--.jpg"),
        "alt text as text"
    );
    // The catalog's explanation and fix are shown with the findings.
    assert!(text.contains("如何修复"));
    // Charts are inline SVG.
    assert!(doc.select("svg rect").expect("selector").count() > 0);
}

fn hostile_report() -> Report {
    let mut r = Report::new(Lang::En);
    let mut facts = Facts::new();
    facts.insert(
        "identity".into(),
        serde_json::json!({
            "zz_other": "<b>bold</b>",
            "icp": {"text": "<script>alert('icp')</script>粤ICP备05079694号"},
            "psb": {"text": "粤公网安备 44078302000116号"},
            "site_code": "4407830003",
            "entries": {"elder": "javascript:alert('entry')"}
        }),
    );
    let mut site_facts = Facts::new();
    site_facts.insert(
        "input".into(),
        serde_json::json!({"index": 0, "name": "<img src=x onerror=alert('name')>"}),
    );
    site_facts.insert(
        "score".into(),
        serde_json::json!({"estimate": 55, "verdict": "fail", "veto": ["freshness/homepage-stale"], "rules": {}}),
    );
    let mut f = Finding::new(
        "a11y/image-alt",
        Severity::Error,
        "<svg onload=alert('msg')>",
    );
    f.snippet = Some("<img src=\"x\" onerror=\"alert('snip')\">".into());
    f.selector = Some("div > img".into());
    f.line = Some(3);
    r.pages = vec![PageReport {
        url: "javascript:alert('page')".into(),
        path: None,
        site: 0,
        status: Some(200),
        final_url: None,
        encoding: Some("UTF-8".into()),
        charset_source: None,
        title: Some("</title><script>alert('title')</script>".into()),
        bytes: 1,
        depth: 0,
        findings: vec![f],
        facts,
    }];
    let mut agg = Finding::new(
        "links/broken",
        Severity::Warning,
        "\"><a href=javascript:alert(1)>x</a>",
    );
    agg.pages = vec![
        "javascript:alert('p1')".into(),
        "https://ok.gov.cn/a.html".into(),
    ];
    agg.url = Some("javascript:alert('url')".into());
    r.sites = vec![SiteReport {
        root: "javascript:alert('root')".into(),
        kind: "remote".into(),
        pages: 1,
        findings: vec![agg],
        notes: vec!["<script>alert('note')</script>".into()],
        facts: site_facts,
    }];
    r.recount();
    r
}

#[test]
fn hostile_urls_facts_and_names_are_text() {
    let r = hostile_report();
    let bytes = report::render(&r, Format::Html, false).expect("render");
    let html = String::from_utf8(bytes).expect("utf-8");
    let doc = assert_inert(&html);
    let text = doc.text_contents();
    for needle in [
        "javascript:alert('root')",
        "javascript:alert('url')",
        "javascript:alert('p1')",
        "javascript:alert('page')",
        "</title><script>alert('title')</script>",
        "<svg onload=alert('msg')>",
        "<img src=\"x\" onerror=\"alert('snip')\">",
        "<script>alert('icp')</script>粤ICP备05079694号",
        "<img src=x onerror=alert('name')>",
        "<script>alert('note')</script>",
    ] {
        assert!(text.contains(needle), "{needle:?} not shown as text");
    }
    // The one safe URL is a link; none of the hostile ones are.
    let hrefs: Vec<String> = doc
        .select("a")
        .expect("selector")
        .filter_map(|a| a.attributes.borrow().get("href").map(str::to_string))
        .collect();
    assert!(
        hrefs.contains(&"https://ok.gov.cn/a.html".to_string()),
        "{hrefs:?}"
    );
    // Identity inventory: known keys first, every key shown.
    let icp = text.find("icp.text").expect("icp key");
    let other = text.find("zz_other").expect("other key");
    assert!(icp < other, "known identity keys come first");
    assert!(text.contains("entries.elder") && text.contains("site_code"));
    // Score is labelled an estimate.
    assert!(text.contains("estimate"));
}

#[test]
fn report_is_self_contained() {
    let tmp = tempfile::tempdir().expect("tempdir");
    violating_site(&tmp.path().join("site"));
    govaudit(tmp.path())
        .args([
            "audit", "site", "--lang", "en", "-f", "html", "-o", "r.html",
        ])
        .assert()
        .code(1);
    let html = std::fs::read_to_string(tmp.path().join("r.html")).expect("read");
    assert_inert(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<link") && !html.contains("@import") && !html.contains("url("));
    let doc = kuchikikiki::parse_html().one(html.as_str());
    let text = doc.text_contents();
    assert!(text.contains("How to fix"));
    assert!(text.contains("site/index.html"));
    assert!(text.contains("Pages without findings"));
}
