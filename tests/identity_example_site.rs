//! The example site's planted filing/identity/consistency violations (examples/site/VIOLATIONS.md)
//! are found, page by page, and nothing else of these families is.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn audit(extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/site");
    Command::cargo_bin("govaudit")
        .expect("binary")
        .arg("audit")
        .arg(&site)
        .args([
            "--format",
            "json",
            "--no-progress",
            "--only",
            "filing",
            "--only",
            "identity",
            "--only",
            "consistency",
            "-o",
        ])
        .arg(&out)
        .args(extra)
        .output()
        .expect("run");
    serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json")
}

/// Relative page path -> rule ids (page findings and aggregated site findings).
fn by_page(r: &Value) -> BTreeMap<String, Vec<String>> {
    let rel = |p: &str| p.split("examples/site/").nth(1).unwrap_or(p).to_string();
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in r["pages"].as_array().into_iter().flatten() {
        let e = map
            .entry(rel(p["path"].as_str().unwrap_or("")))
            .or_default();
        for f in p["findings"].as_array().into_iter().flatten() {
            e.push(f["rule"].as_str().unwrap_or("").to_string());
        }
    }
    for f in r["sites"][0]["findings"].as_array().into_iter().flatten() {
        for page in f["pages"].as_array().into_iter().flatten() {
            map.entry(rel(page.as_str().unwrap_or("")))
                .or_default()
                .push(f["rule"].as_str().unwrap_or("").to_string());
        }
    }
    for v in map.values_mut() {
        v.sort();
    }
    map
}

#[test]
fn planted_violations_and_nothing_else() {
    let r = audit(&[]);
    let got = by_page(&r);
    let expected: &[(&str, &[&str])] = &[
        ("news/2026/art_1001.html", &["identity/site-code-mismatch"]),
        ("news/2026/art_1002.html", &["filing/icp-format"]),
        ("about/index.html", &["filing/icp-link"]),
        (
            "notice/index.html",
            &[
                "filing/icp-link",
                "filing/psb-format",
                "filing/psb-icon",
                "filing/psb-link",
            ],
        ),
        (
            "sitemap.html",
            &["identity/footer-inconsistent", "identity/jiucuo-missing"],
        ),
        ("notice/2026/art_2003.html", &["filing/psb-code-mismatch"]),
        ("news/2026/art_0994.html", &["identity/jiucuo-legacy-host"]),
        (
            "notice/2026/art_2005.html",
            &["identity/conac-missing", "identity/footer-inconsistent"],
        ),
        ("news/2026/art_0990.html", &["identity/site-code-format"]),
        (
            "notice/2026/art_2004.html",
            &["identity/footer-inconsistent", "identity/sponsor-missing"],
        ),
    ];
    let mut listed: Vec<&str> = Vec::new();
    for (page, rules) in expected {
        listed.push(page);
        let found = got.get(*page).cloned().unwrap_or_default();
        assert_eq!(
            found,
            rules.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{page}"
        );
    }
    // Every other page (the 繁体 gateway included) is clean for these families.
    for (page, rules) in &got {
        if !listed.contains(&page.as_str()) {
            assert!(rules.is_empty(), "{page}: {rules:?}");
        }
    }
    // No site-wide finding beyond footer-inconsistent (the site map is fine).
    for f in r["sites"][0]["findings"].as_array().into_iter().flatten() {
        assert!(f["pages"].as_array().is_some_and(|p| !p.is_empty()), "{f}");
    }
}

#[test]
fn configured_host_enables_the_domain_checks_which_pass() {
    let r = audit(&["--site-host", "www.yunting.gov.cn"]);
    let rules: Vec<&str> = r["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for absent in [
        "identity/meta-site-domain",
        "identity/domain-not-govcn",
        "identity/domain-dept-not-subdomain",
    ] {
        assert!(!rules.contains(&absent), "{absent}");
    }
    let r = audit(&["--site-host", "yunting.example.com"]);
    let rules: Vec<&str> = r["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"identity/meta-site-domain"), "{rules:?}");
    assert!(rules.contains(&"identity/domain-not-govcn"), "{rules:?}");
}

#[test]
fn site_inventory() {
    let r = audit(&[]);
    let s = &r["sites"][0]["identity"];
    let pages = &r["summary"]["pages"];
    assert!(pages.as_u64().is_some_and(|n| n >= 28), "{pages}");
    assert_eq!(&s["pages"], pages);
    assert_eq!(s["icp"]["value"], "粤ICP备05079694号");
    assert_eq!(&s["icp"]["pages"], pages);
    assert_eq!(s["psb"]["value"], "粤公网安备 44078302000116号");
    assert_eq!(s["site_code"]["value"], "4407830003");
    assert_eq!(s["site_code"]["others"][0]["value"], "440783003");
    assert_eq!(s["meta_site_code"]["others"][0]["value"], "4407830001");
    assert_eq!(s["conac"]["missing"], 1);
    assert_eq!(s["jiucuo"]["missing"], 1);
    assert_eq!(s["sponsor"]["value"], "云汀县人民政府办公室");
    assert_eq!(s["sitemap"]["verified"], true);
    assert_eq!(s["sitemap"]["ok"], true);
    // The gateway page keeps its text as shown.
    let gate = r["pages"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|p| p["path"].as_str().is_some_and(|s| s.contains("gate/big5")))
        })
        .expect("gateway");
    assert_eq!(gate["identity"]["icp"]["text"], "粵ICP備05079694號");
    assert_eq!(gate["identity"]["psb"]["digits"], "44078302000116");
    assert_eq!(gate["identity"]["entries"]["ipv6_label"], true);
}
