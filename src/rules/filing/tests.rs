//! Tests of the filing rules: a violating page, a passing page and the traps of RULES.md §1.

use super::*;
use crate::config::AuditOptions;
use crate::report::Finding;
use crate::rules::testing::{run_rules, run_rules_with};

const URL: &str = "https://www.example.gov.cn/index.html";

/// A page with a body and a footer.
fn page_with(footer: &str) -> Page {
    Page::from_html(
        &format!(
            "<html><head><title>测试</title></head><body><div class=\"main\"><p>正文内容</p></div>\
             <div class=\"footer\">{footer}</div></body></html>"
        ),
        URL,
    )
}

fn all_rules() -> Vec<Box<dyn Rule>> {
    family().rules
}

fn run(footer: &str) -> Vec<Finding> {
    run_rules(all_rules(), &page_with(footer))
}

fn ids(footer: &str) -> Vec<String> {
    let mut v: Vec<String> = run(footer).into_iter().map(|f| f.rule).collect();
    v.sort();
    v.dedup();
    v
}

fn only(rule: Box<dyn Rule>, footer: &str) -> Vec<Finding> {
    run_rules(vec![rule], &page_with(footer))
}

const ICP_OK: &str = r#"<a href="https://beian.miit.gov.cn/">粤ICP备05079694号</a>"#;
const PSB_OK: &str = r#"<a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"><img src="gongan.png" alt="">粤公网安备 44078302000116号</a>"#;

fn good_footer() -> String {
    format!("<p>{ICP_OK}&nbsp;&nbsp;{PSB_OK}</p>")
}

#[test]
fn a_correct_footer_passes_every_filing_rule() {
    assert!(ids(&good_footer()).is_empty(), "{:?}", run(&good_footer()));
}

// ----- icp-missing ----------------------------------------------------------------------------

#[test]
fn icp_missing_fires_without_a_number() {
    let f = only(Box::new(IcpMissing), &format!("<p>{PSB_OK}</p>"));
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("未找到 ICP 备案号"),
        "{}",
        f[0].message
    );
    assert!(only(Box::new(IcpMissing), &good_footer()).is_empty());
}

#[test]
fn a_phone_number_is_not_an_icp_number() {
    // Trap: digits that look like a number; the page has no ICP number.
    let footer = format!("<p>联系电话：0750-2345678 传真：0750-2345679</p><p>{PSB_OK}</p>");
    assert_eq!(ids(&footer), vec!["filing/icp-missing"]);
    // And a phone number after a correct ICP number is not its -N sequence.
    let footer = format!("<p>{ICP_OK} - 0750-2345678</p><p>{PSB_OK}</p>");
    assert!(ids(&footer).is_empty(), "{:?}", run(&footer));
}

// ----- icp-format -----------------------------------------------------------------------------

fn icp_format(text: &str) -> Vec<Finding> {
    only(
        Box::new(IcpFormat),
        &format!(r#"<p><a href="https://beian.miit.gov.cn/">{text}</a></p>"#),
    )
}

#[test]
fn icp_format_spec_passes() {
    for ok in [
        "粤ICP备05079694号",
        "黔ICP备2026001073号-1",
        "陇ICP备2021003158号-1",
        "湘ICP备2026037508号-1",
        "国家信息产业部甘ICP备14018586号",
    ] {
        assert!(icp_format(ok).is_empty(), "{ok}: {:?}", icp_format(ok));
    }
}

#[test]
fn icp_format_spec_failures_name_the_problem() {
    let cases: &[(&str, &str)] = &[
        ("京ICP备 04000001号", "inner-whitespace"),
        ("川ICP备 09003078号", "inner-whitespace"),
        ("陇ICP备 05000593", "format"),
        ("京ICP10036469号", "format"),
        ("贵ICP备(shou.org.cn)05052049号-13", "junk"),
        ("川ICP备1XXXXXX1号", "placeholder"),
        ("京ICP备1234568号-2", "placeholder"),
        ("京ICP证030173号", "licence"),
        ("粤B2-20090059", "licence"),
    ];
    for (text, problem) in cases {
        let f = icp_format(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        assert_eq!(
            f[0].data.get("problem").and_then(|v| v.as_str()),
            Some(*problem),
            "{text}"
        );
        assert_eq!(
            f[0].data.get("found").and_then(|v| v.as_str()),
            Some(*text),
            "{text}"
        );
        assert!(f[0].message.contains(text), "{}", f[0].message);
    }
    let f = icp_format("京ICP备 04000001号");
    assert!(
        f[0].message.contains("应写作“京ICP备04000001号”"),
        "{}",
        f[0].message
    );
    let f = icp_format("京ICP10036469号");
    assert!(f[0].message.contains("缺少“备”字"), "{}", f[0].message);
    let f = icp_format("陇ICP备 05000593");
    assert!(f[0].message.contains("缺少“号”字"), "{}", f[0].message);
}

#[test]
fn a_licence_beside_a_correct_filing_number_passes() {
    let footer = format!("<p>经营许可证：京ICP证030173号 &nbsp; {ICP_OK}</p><p>{PSB_OK}</p>");
    assert!(ids(&footer).is_empty(), "{:?}", run(&footer));
    // The licence alone is reported as such, not as a missing number.
    let footer = format!("<p>京ICP证030173号</p><p>{PSB_OK}</p>");
    assert_eq!(ids(&footer), vec!["filing/icp-format"]);
}

#[test]
fn icp_extraction_survives_real_markup() {
    for footer in [
        // split across elements, full-width digits, label before, nbsp
        r#"<p>备案编号：<a href="https://beian.miit.gov.cn/">粤ICP备<span>0507</span>9694号</a></p>"#,
        r#"<p>ICP备案号：<a href="https://beian.miit.gov.cn/">粤ＩＣＰ备０５０７９６９４号</a></p>"#,
        // number next to its link (the link is "below" it)
        r#"<table><tr><td>粤ICP备05079694号</td><td><a href="https://beian.miit.gov.cn/">备案查询</a></td></tr></table>"#,
        // drawn as an image
        r#"<a href="https://beian.miit.gov.cn/"><img src="icp.png" alt="粤ICP备05079694号"></a>"#,
    ] {
        let page = page_with(&format!("{footer}<p>{PSB_OK}</p>"));
        let found = run_rules(all_rules(), &page);
        assert!(found.is_empty(), "{footer}: {found:?}");
    }
}

#[test]
fn traditional_footer_passes() {
    let footer = r#"<p><a href="https://beian.miit.gov.cn/">粵ICP備05079694號</a> <a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"><img src="gongan.png" alt="">粵公網安備 44078302000116號</a></p>"#;
    assert!(ids(footer).is_empty(), "{:?}", run(footer));
}

// ----- icp-link -------------------------------------------------------------------------------

fn icp_link(href: &str) -> Vec<Finding> {
    only(
        Box::new(IcpLink),
        &format!(r#"<p><a href="{href}">京ICP备05009132号</a></p>"#),
    )
}

#[test]
fn icp_link_targets() {
    for ok in [
        "https://beian.miit.gov.cn/",
        "https://beian.miit.gov.cn/#/Integrated/index",
        "https://beian.miit.gov.cn/#/Integrated/recordQuery",
        "http://beian.miit.gov.cn/",
    ] {
        assert!(icp_link(ok).is_empty(), "{ok}");
    }
    let cases = [
        ("http://www.miibeian.gov.cn/", "outdated-host"),
        ("http://www.miitbeian.gov.cn", "outdated-host"),
        ("http://www.beian.miit.gov.cn", "outdated-host"),
        ("javascript:;", "placeholder"),
        ("#", "placeholder"),
        ("https://beian.mps.gov.cn/", "psb-platform"),
        ("https://www.example.gov.cn/", "wrong-target"),
    ];
    for (href, problem) in cases {
        let f = icp_link(href);
        assert_eq!(f.len(), 1, "{href}");
        assert_eq!(
            f[0].data.get("problem").and_then(|v| v.as_str()),
            Some(problem),
            "{href}"
        );
    }
    assert!(
        icp_link("http://www.miibeian.gov.cn/")[0]
            .message
            .contains("旧域名 www.miibeian.gov.cn")
    );
}

#[test]
fn icp_not_linked() {
    let f = only(Box::new(IcpLink), "<p>备案编号: 粤ICP备05079694号</p>");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("not-linked")
    );
    // An anchor without href is no link (www.shanxi.gov.cn).
    let f = only(Box::new(IcpLink), "<p><a>晋ICP备12000773号</a></p>");
    assert_eq!(f.len(), 1);
}

#[test]
fn a_linked_copy_wins_over_an_unlinked_mobile_copy() {
    // www.gov.cn: the desktop footer links the number, the mobile footer repeats it plain.
    let footer = format!(
        "<div class=pc><p>{ICP_OK} {PSB_OK}</p></div><div class=pchide><p>粤ICP备05079694号　粤公网安备44078302000116号</p></div>"
    );
    assert!(ids(&footer).is_empty(), "{:?}", run(&footer));
}

// ----- icp-position ---------------------------------------------------------------------------

#[test]
fn icp_position_outside_the_footer() {
    let body = "<p>新闻正文。</p>".repeat(60);
    let html = format!(
        "<html><body><div class=top>{ICP_OK}</div><div class=main>{body}</div>\
         <div class=footer><p>版权所有：某某县人民政府 {PSB_OK}</p></div></body></html>"
    );
    let page = Page::from_html(&html, URL);
    let f = run_rules(vec![Box::new(IcpPosition)], &page);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(only(Box::new(IcpPosition), &good_footer()).is_empty());
}

// ----- psb ------------------------------------------------------------------------------------

fn psb_ids(footer: &str) -> Vec<String> {
    let mut v: Vec<String> = run(&format!("<p>{ICP_OK}</p>{footer}"))
        .into_iter()
        .map(|f| f.rule)
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn psb_spec_table() {
    assert!(psb_ids(&format!("<p>{PSB_OK}</p>")).is_empty());
    // The icon-artefact separator: the text check gives psb-format; on a page without any
    // anchor the link and icon rules apply too (see docs/filing-identity.md).
    let f = only(Box::new(PsbFormat), "<p>粤公网安备; 44078302000116</p>");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("punctuation")
    );
    assert_eq!(
        psb_ids("<p>粤公网安备; 44078302000116</p>"),
        vec!["filing/psb-format", "filing/psb-icon", "filing/psb-link"]
    );
    // Legacy link: pass + psb-link-legacy; the 110401 prefix raises nothing.
    assert_eq!(
        psb_ids(
            r#"<p><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700068"><img src="ghs.png">京公网安备 11040102700068号</a></p>"#
        ),
        vec!["filing/psb-link-legacy"]
    );
    let f = only(Box::new(PsbFormat), "<p>深公网安备：4403101910665</p>");
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("legacy-13")
    );
    let f = only(Box::new(PsbFormat), "<p>公安机关备案号：43010302000524</p>");
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("label-only")
    );
    assert_eq!(
        f[0].data.get("digits").and_then(|v| v.as_str()),
        Some("43010302000524")
    );
    let f = only(Box::new(PsbFormat), "<p>京公网安备 XXXXXXXX号</p>");
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("placeholder")
    );
}

#[test]
fn psb_province_mismatch_and_alternates() {
    let fake = r#"<p><a href="https://beian.miit.gov.cn/">陕ICP备05004418号-1</a> <a href="https://beian.mps.gov.cn/#/query/webSearch?code=34060002010001"><img src="gongan.png">陕公网安备 34060002010001号</a></p>"#;
    let f = run_rules(vec![Box::new(PsbProvinceMismatch)], &page_with(fake));
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("安徽省"), "{}", f[0].message);
    for (pre, digits) in [
        ("蜀", "51010402000001"),
        ("贵", "52010202000001"),
        ("黔", "52010202000001"),
        ("云", "53010202000001"),
        ("滇", "53010202000001"),
        ("陇", "62010202000001"),
        ("甘", "62010202000001"),
    ] {
        let footer = format!(
            r#"<p><a href="https://beian.mps.gov.cn/#/query/webSearch?code={digits}"><img src="gongan.png">{pre}公网安备 {digits}号</a></p>"#
        );
        assert!(
            only(Box::new(PsbProvinceMismatch), &footer).is_empty(),
            "{pre}"
        );
        assert!(only(Box::new(PsbFormat), &footer).is_empty(), "{pre}");
    }
}

#[test]
fn psb_links() {
    let case = |href: &str| {
        only(
            Box::new(PsbLink),
            &format!(
                r#"<p><a href="{href}"><img src="gongan.png">京公网安备 11040102700068号</a></p>"#
            ),
        )
    };
    assert!(case("https://beian.mps.gov.cn/#/query/webSearch?code=11040102700068").is_empty());
    let expect = |href: &str, problem: &str| {
        let f = case(href);
        assert_eq!(f.len(), 1, "{href}");
        assert_eq!(
            f[0].data.get("problem").and_then(|v| v.as_str()),
            Some(problem),
            "{href}"
        );
    };
    expect(
        "http://www.beian.gov.cn/portal/registerSystemInfo",
        "no-code",
    );
    expect("https://beian.mps.gov.cn/#/query/webSearch", "no-code");
    expect("https://beian.miit.gov.cn/", "wrong-target");
    expect(
        "http://www.beian.gov.cn/portal/recordQuery?token=4a2e3d",
        "no-code",
    );
    expect("javascript:void(0)", "placeholder");
    let f = only(Box::new(PsbLink), "<p>京公网安备 11040102700068号</p>");
    assert_eq!(
        f[0].data.get("problem").and_then(|v| v.as_str()),
        Some("not-linked")
    );
    // Icon in its own anchor beside the text: the text is linked through it.
    let footer = r#"<p><a href="https://beian.mps.gov.cn/#/query/webSearch?code=11040102700068"><img src="ghs.png"></a><span>京公网安备 11040102700068号</span></p>"#;
    assert!(only(Box::new(PsbLink), footer).is_empty());
    assert!(only(Box::new(PsbIcon), footer).is_empty());
}

#[test]
fn psb_code_mismatch() {
    let footer = r#"<p><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700072"><img src="ghs.png">京公网安备 11040102700068号</a></p>"#;
    let f = only(Box::new(PsbCodeMismatch), footer);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("11040102700072"), "{}", f[0].message);
    assert!(only(Box::new(PsbCodeMismatch), &format!("<p>{PSB_OK}</p>")).is_empty());
}

#[test]
fn psb_icon() {
    let f = only(
        Box::new(PsbIcon),
        r#"<p><a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116">粤公网安备 44078302000116号</a></p>"#,
    );
    assert_eq!(f.len(), 1);
    // Icons seen on real pages: inside the anchor, just before it, or beside the text.
    for footer in [
        PSB_OK,
        r#"<img src="/images/2018guohui03.png"><a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116">粤公网安备 44078302000116号</a>"#,
        r#"<img src="police.png"> 粤公网安备 44078302000116号"#,
    ] {
        assert!(
            only(Box::new(PsbIcon), &format!("<p>{footer}</p>")).is_empty(),
            "{footer}"
        );
    }
}

#[test]
fn psb_division_unknown() {
    let footer = |digits: &str| {
        format!(
            r#"<p><a href="https://beian.mps.gov.cn/#/query/webSearch?code={digits}"><img src="gongan.png">京公网安备 {digits}号</a></p>"#
        )
    };
    assert!(only(Box::new(PsbDivisionUnknown), &footer("11040102700068")).is_empty());
    assert!(only(Box::new(PsbDivisionUnknown), &footer("11010202000001")).is_empty());
    // 610125 户县 ended in 2016: still a code of its year.
    assert!(only(Box::new(PsbDivisionUnknown), &footer("61012502000363")).is_empty());
    assert_eq!(
        only(Box::new(PsbDivisionUnknown), &footer("11999902000001")).len(),
        1
    );
    // Off by default.
    let catalog = crate::catalog::Catalog::embedded();
    assert!(
        !catalog
            .get("filing/psb-division-unknown")
            .is_some_and(|e| e.enabled)
    );
}

// ----- the seed footer and script-written footers --------------------------------------------

#[test]
fn gbk_seed_footer_line() {
    // The old template's plain-text line (issue #3): found, with its problems named.
    let footer = "<p class=\"beian\">备案编号: 粤ICP备05079694号&nbsp;&nbsp;网站标识码:4407830003&nbsp;&nbsp;粤公网安备; 44078302000116</p>";
    assert_eq!(
        ids(footer),
        vec![
            "filing/icp-link",
            "filing/psb-format",
            "filing/psb-icon",
            "filing/psb-link"
        ]
    );
}

#[test]
fn inline_document_write_footer_is_read_with_script_evidence() {
    let html = r#"<html><body><div class=main>正文</div><script type="text/javascript">
        document.write('<div class="foot"><a href="https://beian.miit.gov.cn/">粤ICP备05079694号</a>');
        document.write("<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116\"><img src='gongan.png'>粤公网安备 44078302000116号</a></div>");
        </script></body></html>"#;
    let page = Page::from_html(html, URL);
    assert!(run_rules(all_rules(), &page).is_empty());
    let ext = extract::Extraction::build(
        &page,
        &AuditOptions::default(),
        &crate::rules::testing::site(URL),
        &crate::services::Services::offline(),
    );
    assert_eq!(ext.icp.len(), 1);
    assert_eq!(ext.icp[0].loc.evidence, extract::Evidence::Script);
    assert_eq!(ext.psb[0].m.digits, "44078302000116");
    // A malformed number written by a script is reported with evidence "script".
    let html = html.replace("粤ICP备05079694号", "粤ICP备 05079694号");
    let page = Page::from_html(&html, URL);
    let f = run_rules(vec![Box::new(IcpFormat)], &page);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].evidence.as_deref(), Some("script"));
}

#[test]
fn a_county_name_with_fan_does_not_disturb_the_footer() {
    // 繁峙县 is a county in 山西; it is not a 繁体 switch and nothing here reads it as one.
    let footer = format!("<p><a href=\"/fanshi/\">繁峙县</a></p><p>{ICP_OK} {PSB_OK}</p>");
    assert!(ids(&footer).is_empty());
}

#[test]
fn options_change_the_accepted_hosts() {
    let mut o = AuditOptions::default();
    o.filing.icp_link_hosts = vec!["beian.example.gov.cn".into()];
    let page = page_with(r#"<p><a href="https://beian.example.gov.cn/">粤ICP备05079694号</a></p>"#);
    assert!(run_rules_with(vec![Box::new(IcpLink)], &page, &o).is_empty());
    let page = page_with(ICP_OK);
    assert_eq!(run_rules_with(vec![Box::new(IcpLink)], &page, &o).len(), 1);
}

#[test]
fn english_messages() {
    let o = AuditOptions {
        lang: Some(crate::i18n::Lang::En),
        ..AuditOptions::default()
    };
    let page = page_with("<p><a href=\"#\">京ICP备 04000001号</a></p>");
    let f = run_rules_with(all_rules(), &page, &o);
    let fmt = f
        .iter()
        .find(|f| f.rule == "filing/icp-format")
        .expect("icp-format");
    assert!(
        fmt.message.contains("has whitespace inside"),
        "{}",
        fmt.message
    );
    let link = f
        .iter()
        .find(|f| f.rule == "filing/icp-link")
        .expect("icp-link");
    assert!(link.message.contains("goes nowhere"), "{}", link.message);
}

#[test]
fn footer_rules_skip_error_pages_framesets_and_redirect_stubs() {
    let raw = crate::fetch::RawPage {
        status: Some(404),
        ..crate::fetch::RawPage::from_html(
            url::Url::parse(URL).expect("url"),
            "<html><body><h1>404 页面不存在</h1></body></html>",
        )
    };
    assert!(run_rules(all_rules(), &Page::build(&raw)).is_empty());
    let stub = Page::from_html(
        r#"<html><head><meta http-equiv="refresh" content="0; url=/col/index.html"></head><body>正在跳转…</body></html>"#,
        URL,
    );
    assert!(run_rules(all_rules(), &stub).is_empty());
    let frames = Page::from_html(
        r#"<html><frameset rows="100,*"><frame src="top.html"><frame src="main.html"></frameset></html>"#,
        URL,
    );
    assert!(run_rules(all_rules(), &frames).is_empty());
    // A normal page without a footer is not skipped.
    let bare = Page::from_html("<html><body><p>正文</p></body></html>", URL);
    assert!(!run_rules(all_rules(), &bare).is_empty());
}

#[test]
fn rules_and_catalog_match() {
    let catalog = crate::catalog::Catalog::embedded();
    let mut ids: Vec<&str> = Vec::new();
    for r in family()
        .rules
        .iter()
        .chain(crate::rules::identity::family().rules.iter())
    {
        let entry = catalog
            .get(r.id())
            .unwrap_or_else(|| panic!("{} has no catalog entry", r.id()));
        assert_eq!(entry.scope, r.scope(), "{}", r.id());
        ids.push(r.id());
    }
    for e in catalog.entries() {
        if matches!(e.family(), "filing" | "identity" | "consistency") {
            assert!(ids.contains(&e.id.as_str()), "{} has no rule", e.id);
            assert!(!e.refs.is_empty(), "{} cites nothing", e.id);
        }
    }
    // The ids the issue names are contracts.
    for id in [
        "filing/icp-missing",
        "filing/icp-format",
        "filing/icp-link",
        "filing/psb-missing",
        "filing/psb-format",
        "filing/psb-link",
        "filing/psb-code-mismatch",
        "filing/psb-province-mismatch",
        "identity/site-code-missing",
        "identity/site-code-format",
        "identity/site-code-division",
        "identity/site-code-mismatch",
        "identity/conac-missing",
        "identity/jiucuo-missing",
        "identity/jiucuo-legacy-host",
        "identity/sponsor-missing",
        "identity/contact-missing",
        "identity/sitemap-missing",
        "consistency/province-mismatch",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}

#[test]
fn malformed_input_never_panics() {
    let nasty = [
        "<script>document.write('%u7ca4%u",
        "<script>document.write(\"\\u{zzzz}\\x4\" + '%E7%B2');</script>",
        "<script>document.write(`粤ICP备${x}号`</script>ICP备",
        "网站标识码：",
        "网站标识码",
        "粤公网安备",
        "公网安备;;;;;;",
        "ICP备号-",
        "粤ICP备05079694号-",
        "粤ICP备05079694号—1",
        "<a href=\"http://[::1\">粤ICP备05079694号</a>",
        "<a href=\"https://beian.mps.gov.cn/#?code=\">粤公网安备 44078302000116号</a>",
        "主办单位：",
        "主办单位：　　",
        "\u{200b}\u{feff}粤\u{200b}ICP\u{200b}备\u{200b}0507\u{3000}9694号",
        "ＩＣＰ备１２３",
    ];
    for s in nasty {
        let page = page_with(s);
        let mut found = run_rules(all_rules(), &page);
        found.extend(run_rules(crate::rules::identity::family().rules, &page));
        assert!(
            !found.iter().any(|f| f.rule == "page/rule-crashed"),
            "{s}: {found:?}"
        );
        let _ = extract::Extraction::build(
            &page,
            &AuditOptions::default(),
            &crate::rules::testing::site(URL),
            &crate::services::Services::offline(),
        );
        let _ = text::script_literals(s, 7);
        let _ = text::percent_decode(s);
    }
}
