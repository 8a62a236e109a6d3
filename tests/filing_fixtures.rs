//! The binary on fixture pages modelled on RULES.md's real malformed examples
//! (`tests/fixtures/filing/site/`): each page gives exactly the expected filing, identity and
//! consistency findings, aggregated into site findings that list the pages.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn audit_fixtures(extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.json");
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/filing/site");
    let output = Command::cargo_bin("govaudit")
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
    // Errors were found: exit code 1.
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json")
}

fn file_name(p: &str) -> String {
    p.rsplit(['/', '\\']).next().unwrap_or(p).to_string()
}

/// Page file name -> sorted rule ids of the page-level rules (aggregated or not).
fn by_page(r: &Value) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in r["pages"].as_array().into_iter().flatten() {
        let name = file_name(p["path"].as_str().unwrap_or(""));
        let e = map.entry(name).or_default();
        for f in p["findings"].as_array().into_iter().flatten() {
            e.push(f["rule"].as_str().unwrap_or("").to_string());
        }
    }
    for f in r["sites"][0]["findings"].as_array().into_iter().flatten() {
        for page in f["pages"].as_array().into_iter().flatten() {
            let rule = f["rule"].as_str().unwrap_or("").to_string();
            if rule == "identity/footer-inconsistent" {
                continue;
            }
            map.entry(file_name(page.as_str().unwrap_or("")))
                .or_default()
                .push(rule);
        }
    }
    for v in map.values_mut() {
        v.sort();
        v.dedup();
    }
    map
}

#[test]
fn each_fixture_gives_exactly_its_findings() {
    let r = audit_fixtures(&[]);
    let got = by_page(&r);
    let expected: &[(&str, &[&str])] = &[
        ("index.html", &[]),
        ("sitemap.html", &[]),
        ("about.html", &[]),
        ("licence.html", &[]),
        ("big5.html", &[]),
        ("script-footer.html", &[]),
        ("miit-inner-space.html", &["filing/icp-format"]),
        (
            "placeholder.html",
            &[
                "consistency/province-mismatch",
                "filing/icp-format",
                "filing/psb-format",
                "filing/psb-link",
            ],
        ),
        ("shaanxi-template.html", &["filing/psb-province-mismatch"]),
        ("stats-bureau.html", &["identity/site-code-mismatch"]),
        (
            "legacy.html",
            &[
                "filing/psb-code-mismatch",
                "filing/psb-link-legacy",
                "identity/jiucuo-legacy-host",
            ],
        ),
        ("label-only.html", &["filing/psb-format"]),
        ("no-sponsor.html", &["identity/sponsor-missing"]),
    ];
    for (page, rules) in expected {
        let found = got.get(*page).cloned().unwrap_or_default();
        assert_eq!(
            found,
            rules.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{page}"
        );
    }
    // Site-level: the sponsor is on the home page but not on no-sponsor.html.
    let site = &r["sites"][0]["findings"];
    let inconsistent: Vec<&Value> = site
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "identity/footer-inconsistent")
        .collect();
    assert_eq!(inconsistent.len(), 1, "{inconsistent:?}");
    assert_eq!(inconsistent[0]["data"]["item"], "sponsor");
    assert!(
        !site
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["rule"] == "identity/sitemap-missing")
    );
}

#[test]
fn inventory_of_the_fixture_pages() {
    let r = audit_fixtures(&[]);
    let pages = r["pages"].as_array().expect("pages");
    let page = |name: &str| {
        pages
            .iter()
            .find(|p| p["path"].as_str().is_some_and(|s| s.ends_with(name)))
            .unwrap_or_else(|| panic!("{name}"))
    };
    let id = &page("/script-footer.html")["identity"];
    assert_eq!(id["icp"]["text"], "粤ICP备05079694号");
    assert_eq!(id["icp"]["evidence"], "script");
    assert_eq!(id["psb"]["digits"], "44078302000116");
    let id = &page("/big5.html")["identity"];
    assert_eq!(id["icp"]["text"], "粵ICP備05079694號");
    assert_eq!(id["icp"]["province"], "粤");
    assert_eq!(id["site_code"], "4407830003");
    assert_eq!(id["sponsor"], "開平市人民政府辦公室");
    let id = &page("/label-only.html")["identity"];
    assert_eq!(id["psb"]["digits"], "43010302000524");
    assert_eq!(id["psb"]["province"], Value::Null);
    let id = &page("/legacy.html")["identity"];
    assert_eq!(
        id["psb"]["link"],
        "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700072"
    );
    assert_eq!(id["jiucuo"]["site_code"], "bm07000001");
    let id = &page("/stats-bureau.html")["identity"];
    assert_eq!(id["site_code"], "bm36000005");
    assert_eq!(id["jiucuo_site_code"], "bm36000002");
    let id = &page("/miit-inner-space.html")["identity"];
    assert_eq!(id["icp"]["text"], "京ICP备 04000001号");
    assert_eq!(id["icp"]["number"], "04000001");
    let s = &r["sites"][0]["identity"];
    assert_eq!(s["icp"]["value"], "粤ICP备05079694号");
    assert!(
        s["disagreeing_pages"]
            .as_array()
            .is_some_and(|d| d.len() >= 5)
    );
}

#[test]
fn terminal_shows_the_identity_inventory() {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/filing/site");
    for (lang, heading, icp) in [
        ("zh", "身份信息清单", "ICP 备案号"),
        ("en", "Identity inventory", "ICP number"),
    ] {
        let out = Command::cargo_bin("govaudit")
            .expect("binary")
            .arg("audit")
            .arg(&site)
            .args([
                "--no-progress",
                "--no-color",
                "--lang",
                lang,
                "--only",
                "filing",
            ])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(heading), "{text}");
        assert!(text.contains(icp), "{text}");
        assert!(text.contains("粤ICP备05079694号"), "{text}");
        assert!(text.contains("4407830003"), "{text}");
    }
}
