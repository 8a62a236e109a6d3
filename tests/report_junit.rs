//! `--format junit`: parsed back with an XML parser; a testsuite per page, a testcase per rule
//! with findings, failures carrying the findings, hostile text surviving as text.

mod report_support;

use report_support::*;

#[test]
fn junit_parses_back_with_a_suite_per_page_and_a_case_per_rule() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    violating_site(&site);
    // A hostile page: markup and control characters in the src end up in message and snippet.
    write_files(
        &site,
        &[(
            "evil.html",
            page(
                "<script>alert(1)</script>",
                "<img src=\"x.png?a=1&b=<script>]]>\u{1}\"><img src=\"y.png\">",
            ),
        )],
    );
    audit(tmp.path())
        .args(["site", "--format", "junit", "--output", "out.xml"])
        .assert()
        .code(1);
    let text = std::fs::read_to_string(tmp.path().join("out.xml")).expect("read");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<roxmltree::Node> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    // Four pages and one site suite.
    assert_eq!(suites.len(), 5, "{text}");
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert!(names.contains(&"site/index.html"), "{names:?}");
    assert!(names.contains(&"site/about.html"));

    let index = suites
        .iter()
        .find(|s| s.attribute("name") == Some("site/index.html"))
        .expect("index suite");
    let cases: Vec<roxmltree::Node> = index
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1, "one rule with findings on index.html");
    assert_eq!(cases[0].attribute("name"), Some("a11y/image-alt"));
    assert_eq!(cases[0].attribute("classname"), Some("a11y"));
    assert_eq!(cases[0].attribute("file"), Some("site/index.html"));
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(failure.attribute("type"), Some("error"));
    let body = failure.text().unwrap_or("");
    assert!(
        body.contains("banner.png") && body.contains("logo.png"),
        "{body}"
    );
    assert_eq!(index.attribute("failures"), Some("1"));

    // A clean page passes.
    let about = suites
        .iter()
        .find(|s| s.attribute("name") == Some("site/about.html"))
        .expect("about");
    let case = about
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .expect("case");
    assert!(case.children().all(|c| !c.has_tag_name("failure")));
    assert_eq!(about.attribute("failures"), Some("0"));

    // Hostile text comes back as text.
    let evil = suites
        .iter()
        .find(|s| s.attribute("name") == Some("site/evil.html"))
        .expect("evil");
    let fail_text: String = evil
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| n.text())
        .collect();
    assert!(fail_text.contains("<script>]]>"), "{fail_text}");

    // Totals add up.
    let tests: usize = suites
        .iter()
        .filter_map(|s| s.attribute("tests")?.parse::<usize>().ok())
        .sum();
    assert_eq!(root.attribute("tests"), Some(tests.to_string().as_str()));
    let failures = root
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(
        root.attribute("failures"),
        Some(failures.to_string().as_str())
    );
}
