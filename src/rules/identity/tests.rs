//! Tests of the identity and consistency rules (RULES.md §2, §10) and of the inventory.

use super::*;
use crate::config::AuditOptions;
use crate::report::{Finding, Report};
use crate::rules::testing::{run_rules, run_rules_with};

const URL: &str = "https://www.example.gov.cn/index.html";

/// A complete, correct 开平-style page; `edit` rewrites parts of it.
fn kaiping() -> String {
    r#"<html><head><title>开平市人民政府门户网站</title>
<meta name="SiteName" content="开平市人民政府"><meta name="SiteDomain" content="www.example.gov.cn"><meta name="SiteIDCode" content="4407830003">
</head><body><div class="main"><p>正文</p></div>
<div class="footer"><table><tr>
<td><span id="_ideConac"></span><script src="https://dcs.conac.cn/js/20/000/0000/60527183/CA200000000605271830001.js"></script></td>
<td><p><a href="/sitemap.html">网站地图</a> | <a href="/lxwm.html">联系我们</a></p>
<p>主办单位：开平市人民政府办公室&nbsp;&nbsp;版权所有</p>
<p>地址：开平市长沙街道 联系电话：0750-2345678 电子邮箱：kp@example.gov.cn</p>
<p><a href="https://beian.miit.gov.cn/">粤ICP备05079694号</a> <a href="https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"><img src="gongan.png" alt="">粤公网安备 44078302000116号</a> 网站标识码：4407830003</p></td>
<td><script id="_jiucuo_" sitecode="4407830003" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></td>
</tr></table></div></body></html>"#
        .to_string()
}

fn all() -> Vec<Box<dyn Rule>> {
    let mut v = super::super::filing::family().rules;
    v.extend(
        family()
            .rules
            .into_iter()
            .filter(|r| r.scope() == crate::catalog::Scope::Page),
    );
    v
}

fn run_html(html: &str) -> Vec<Finding> {
    run_rules(all(), &Page::from_html(html, URL))
}

fn ids(html: &str) -> Vec<String> {
    let mut v: Vec<String> = run_html(html).into_iter().map(|f| f.rule).collect();
    v.sort();
    v.dedup();
    v
}

fn one(rule: Box<dyn Rule>, html: &str) -> Vec<Finding> {
    run_rules(vec![rule], &Page::from_html(html, URL))
}

#[test]
fn kaiping_passes_everything() {
    assert!(ids(&kaiping()).is_empty(), "{:?}", run_html(&kaiping()));
}

// ----- 网站标识码 ----------------------------------------------------------------------------------

#[test]
fn site_code_missing() {
    let html = kaiping().replace(" 网站标识码：4407830003", "");
    assert_eq!(one(Box::new(SiteCodeMissing), &html).len(), 1);
    assert!(one(Box::new(SiteCodeMissing), &kaiping()).is_empty());
}

#[test]
fn site_code_formats() {
    let html = kaiping().replace("网站标识码：4407830003", "网站标识码：bm236554412");
    let f = one(Box::new(SiteCodeFormat), &html);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("bm236554412"), "{}", f[0].message);
    assert!(f[0].message.contains("9 位数字"), "{}", f[0].message);
    // sse.com.cn: SiteIDCode content="28" (not a gov site)
    let html = kaiping().replace(r#"content="4407830003""#, r#"content="28""#);
    let f = one(Box::new(SiteCodeFormat), &html);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].data.get("source").and_then(|v| v.as_str()),
        Some("meta")
    );
    // A label without a code.
    let html = kaiping().replace("网站标识码：4407830003", "网站标识码：");
    assert_eq!(one(Box::new(SiteCodeFormat), &html).len(), 1);
    // Fixtures that pass, local and central, full-width and traditional.
    for code in [
        "4407830003",
        "bm01000001",
        "5101320017",
        "１４００００００４５",
    ] {
        let html = kaiping().replace("网站标识码：4407830003", &format!("網站標識碼：{code}"));
        assert!(one(Box::new(SiteCodeFormat), &html).is_empty(), "{code}");
    }
}

#[test]
fn site_code_division_any_year() {
    let with = |code: &str| {
        kaiping()
            .replace("网站标识码：4407830003", &format!("网站标识码：{code}"))
            .replace(r#"sitecode="4407830003""#, &format!(r#"sitecode="{code}""#))
            .replace(r#"content="4407830003""#, &format!(r#"content="{code}""#))
    };
    assert!(one(Box::new(SiteCodeDivision), &with("5101320017")).is_empty());
    for code in [
        "4407830003",
        "1101070001",
        "3100000044",
        "4300000077",
        "6401000028",
        "5400000027",
        "3505240010",
        "3208310001",
        "1401070001",
        "3302000071",
        "1310000050",
        "4202000045",
        "4507000042",
        "1303000020",
        "5001070012",
    ] {
        assert!(
            one(Box::new(SiteCodeDivision), &with(code)).is_empty(),
            "{code}"
        );
    }
    let f = one(Box::new(SiteCodeDivision), &with("4403920006"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].message.contains("440392"), "{}", f[0].message);
}

#[test]
fn site_code_mismatch_statistics_bureau() {
    let html = kaiping()
        .replace("网站标识码：4407830003", "网站标识码 bm36000005")
        .replace(r#"content="4407830003""#, r#"content="bm36000005""#)
        .replace(
            r#"<script id="_jiucuo_" sitecode="4407830003" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>"#,
            r#"<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=bm36000002&url=x"><img src="https://zfwzgl.www.gov.cn/exposure/images/jiucuo.png" alt="我为政府网站找错"></a>"#,
        );
    let f = one(Box::new(SiteCodeMismatch), &html);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("bm36000005") && f[0].message.contains("bm36000002"),
        "{}",
        f[0].message
    );
    // The meta tag of a copied template (examples/site art_1001).
    let html = kaiping().replace(r#"content="4407830003""#, r#"content="4407830001""#);
    let f = one(Box::new(SiteCodeMismatch), &html);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].data.get("meta").and_then(|v| v.as_str()),
        Some("4407830001")
    );
    assert!(
        f[0].selector.as_deref().is_some_and(|s| s.contains("meta")),
        "{:?}",
        f[0].selector
    );
    // A malformed code is site-code-format's business, not a mismatch.
    let html = kaiping().replace("网站标识码：4407830003", "网站标识码：440783003");
    assert!(one(Box::new(SiteCodeMismatch), &html).is_empty());
}

// ----- meta -------------------------------------------------------------------------------------

#[test]
fn meta_sets() {
    let html = kaiping().replace(
        r#"<meta name="SiteDomain" content="www.example.gov.cn">"#,
        "",
    );
    let f = one(Box::new(MetaMissing), &html);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("SiteDomain"));
    let article = kaiping().replace("</head>", r#"<meta name="ArticleTitle" content="标题"><meta name="PubDate" content="2016-11-22 09:53"></head>"#);
    let f = one(Box::new(MetaMissing), &article);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("文章页") && f[0].message.contains("ContentSource"),
        "{}",
        f[0].message
    );
    let column = kaiping().replace(
        "</head>",
        r#"<meta name="ColumnName" content="工作动态"></head>"#,
    );
    let f = one(Box::new(MetaMissing), &column);
    assert!(f[0].message.contains("ColumnType"), "{}", f[0].message);
    assert!(one(Box::new(MetaMissing), &kaiping()).is_empty());
}

#[test]
fn meta_site_code_empty() {
    let html = kaiping().replace(r#"content="4407830003""#, r#"content="""#);
    let f = one(Box::new(MetaSiteCodeEmpty), &html);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("4407830003"));
    assert!(one(Box::new(MetaSiteCodeEmpty), &kaiping()).is_empty());
}

#[test]
fn meta_site_domain() {
    let html = kaiping().replace(
        r#"content="www.example.gov.cn""#,
        r#"content="gxq.cq.gov.cn""#,
    );
    assert_eq!(one(Box::new(MetaSiteDomain), &html).len(), 1);
    // Several domains, one of them the host; a bare domain for www.
    let html = kaiping().replace(
        r#"content="www.example.gov.cn""#,
        r#"content="fgw.zj.gov.cn,www.example.gov.cn""#,
    );
    assert!(one(Box::new(MetaSiteDomain), &html).is_empty());
    let html = kaiping().replace(
        r#"content="www.example.gov.cn""#,
        r#"content="example.gov.cn""#,
    );
    assert!(one(Box::new(MetaSiteDomain), &html).is_empty());
    // Local files have no host: skipped, unless --site-host says it.
    let html = kaiping().replace(
        r#"content="www.example.gov.cn""#,
        r#"content="gxq.cq.gov.cn""#,
    );
    let local = Page::from_html(&html, "file:///site/index.html");
    assert!(run_rules(vec![Box::new(MetaSiteDomain)], &local).is_empty());
    let mut o = AuditOptions::default();
    o.identity.site_host = Some("www.example.gov.cn".into());
    assert_eq!(
        run_rules_with(vec![Box::new(MetaSiteDomain)], &local, &o).len(),
        1
    );
}

#[test]
fn meta_site_name() {
    let html = kaiping().replace(r#"content="开平市人民政府">"#, r#"content="齐齐哈尔">"#);
    let f = one(Box::new(MetaSiteName), &html);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("齐齐哈尔"));
    assert!(one(Box::new(MetaSiteName), &kaiping()).is_empty());
    // Named only by the copyright holder in the footer (fgw.zj.gov.cn).
    let html = kaiping()
        .replace(
            "<title>开平市人民政府门户网站</title>",
            "<title>1-10月投资结构趋稳</title>",
        )
        .replace(
            r#"content="开平市人民政府">"#,
            r#"content="开平市发展和改革局">"#,
        )
        .replace("版权所有", "开平市发展和改革局 版权所有");
    assert!(one(Box::new(MetaSiteName), &html).is_empty());
}

#[test]
fn meta_pubdate_format() {
    let with = |d: &str| {
        kaiping().replace(
            "</head>",
            &format!(r#"<meta name="PubDate" content="{d}"></head>"#),
        )
    };
    assert!(one(Box::new(MetaPubdateFormat), &with("2016-11-22 09:53")).is_empty());
    assert!(one(Box::new(MetaPubdateFormat), &with("2016-11-22 09:53:07")).is_empty());
    for bad in [
        "2016/11/22 09:53",
        "2016-11-22",
        "2016-11-22 9:53",
        "2016年11月22日",
    ] {
        assert_eq!(
            one(Box::new(MetaPubdateFormat), &with(bad)).len(),
            1,
            "{bad}"
        );
    }
    let mut o = AuditOptions::default();
    o.identity.pubdate_allow_seconds = Some(false);
    let page = Page::from_html(&with("2016-11-22 09:53:07"), URL);
    assert_eq!(
        run_rules_with(vec![Box::new(MetaPubdateFormat)], &page, &o).len(),
        1
    );
}

// ----- conac, 找错 --------------------------------------------------------------------------------

const CONAC: &str = r#"<span id="_ideConac"></span><script src="https://dcs.conac.cn/js/20/000/0000/60527183/CA200000000605271830001.js"></script>"#;

#[test]
fn conac_forms() {
    let none = kaiping().replace(CONAC, "");
    assert_eq!(one(Box::new(ConacMissing), &none).len(), 1);
    // www.shanxi.gov.cn: a local red.png linked to the certificate.
    let link = kaiping().replace(CONAC, r#"<a href="http://bszs.conac.cn/sitename?method=show&amp;id=09EC618E4FB304A9E053012819AC9B09"><img src="/images/red.png"></a>"#);
    assert!(one(Box::new(ConacMissing), &link).is_empty());
    assert!(one(Box::new(ConacLink), &link).is_empty());
    // An image alone does not lead to the certificate.
    let image = kaiping().replace(CONAC, r#"<img src="https://dcs.conac.cn/image/blue.png">"#);
    assert!(one(Box::new(ConacMissing), &image).is_empty());
    assert_eq!(one(Box::new(ConacLink), &image).len(), 1);
    let no_id = kaiping().replace(
        CONAC,
        r#"<a href="https://bszs.conac.cn/sitename?method=show"><img src="red.png"></a>"#,
    );
    assert_eq!(one(Box::new(ConacLink), &no_id).len(), 1);
    // www.kepu.gov.cn: document.write(unescape(...)) of the conac script.
    let kepu = kaiping().replace(CONAC, r#"<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='http://dcs.conac.cn/js/33/000/0000/60477468/CA330000000604774680005.js' type='text/javascript'%3E%3C/script%3E"));</script>"#);
    assert!(one(Box::new(ConacMissing), &kepu).is_empty());
    assert!(one(Box::new(ConacLink), &kepu).is_empty());
}

const JIUCUO: &str = r#"<script id="_jiucuo_" sitecode="4407830003" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>"#;

#[test]
fn jiucuo_forms() {
    let none = kaiping().replace(JIUCUO, "&nbsp;");
    assert_eq!(one(Box::new(JiucuoMissing), &none).len(), 1);
    // www.gov.cn: a 网站纠错 link counts.
    let text = kaiping().replace(
        JIUCUO,
        r#"<a href="https://www.gov.cn/fuwu/jiucuopage.html">网站纠错</a>"#,
    );
    assert!(one(Box::new(JiucuoMissing), &text).is_empty());
    // fgw.zj.gov.cn: hidden, on a raw IP over http.
    let hidden = kaiping().replace(JIUCUO, r#"<a style="display:none;" href="http://121.43.68.40/exposure/jiucuo.html?site_code=4407830003&amp;url=x"><img style="display:none;" src="j.png"></a>"#);
    let f = one(Box::new(JiucuoMissing), &hidden);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("隐藏"), "{}", f[0].message);
    let f = one(Box::new(JiucuoLegacyHost), &hidden);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("121.43.68.40"));
    // www.shanxi.gov.cn: the old census platform over http -> legacy host only.
    let pucha = kaiping().replace(
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
        "http://pucha.kaipuyun.cn/exposure/jiucuo.js",
    );
    assert_eq!(one(Box::new(JiucuoLegacyHost), &pucha).len(), 1);
    assert!(one(Box::new(JiucuoHttp), &pucha).is_empty());
    assert!(one(Box::new(JiucuoMissing), &pucha).is_empty());
    // The current host over http.
    let http = kaiping().replace(
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
        "http://zfwzgl.www.gov.cn/exposure/jiucuo.js",
    );
    assert_eq!(one(Box::new(JiucuoHttp), &http).len(), 1);
    assert!(one(Box::new(JiucuoLegacyHost), &http).is_empty());
    assert!(one(Box::new(JiucuoHttp), &kaiping()).is_empty());
}

// ----- sponsor, contact ---------------------------------------------------------------------------

#[test]
fn sponsor_forms_and_traps() {
    for label in [
        "主办单位：",
        "主办：",
        "主办方：",
        "主辦單位：",
        "主办单位:",
    ] {
        let html = kaiping().replace("主办单位：", label);
        assert!(one(Box::new(SponsorMissing), &html).is_empty(), "{label}");
    }
    let html = kaiping().replace("主办单位：开平市人民政府办公室", "");
    assert_eq!(one(Box::new(SponsorMissing), &html).len(), 1);
    // An event's sponsor at the top of a long article is not the site's.
    let body = "<p>新闻正文。</p>".repeat(80);
    let html = kaiping()
        .replace("主办单位：开平市人民政府办公室", "")
        .replace(
            "<p>正文</p>",
            &format!("<p>本次活动主办单位：开平市文化广电旅游体育局</p>{body}"),
        );
    assert_eq!(one(Box::new(SponsorMissing), &html).len(), 1);
}

#[test]
fn contact_forms_and_traps() {
    let strip = |html: String| {
        html.replace("<a href=\"/lxwm.html\">联系我们</a>", "")
            .replace(
                "<p>地址：开平市长沙街道 联系电话：0750-2345678 电子邮箱：kp@example.gov.cn</p>",
                "",
            )
    };
    let bare = strip(kaiping());
    // Only filing numbers and a site code: digits, but no contact details.
    assert_eq!(one(Box::new(ContactMissing), &bare).len(), 1);
    for add in [
        "<p>TEL:010-58884104</p>",
        "<p>E-Mail:kepu@kepu.gov.cn</p>",
        "<p>(010)58884104</p>",
        "<p>咨询电话：12345</p>",
        "<p><a href=\"/lxwm/\">联系我们</a></p>",
        "<p>地址：北京市西城区</p>",
    ] {
        let html = bare.replace("<p>主办单位", &format!("{add}<p>主办单位"));
        assert!(one(Box::new(ContactMissing), &html).is_empty(), "{add}");
    }
    // "ICP/IP地址" is no address.
    let html = bare.replace(
        "<p>主办单位",
        "<p>工业和信息化部ICP/IP地址/域名信息备案管理系统</p><p>主办单位",
    );
    assert_eq!(one(Box::new(ContactMissing), &html).len(), 1);
}

// ----- consistency --------------------------------------------------------------------------------

#[test]
fn consistency_rules() {
    // 开平: all Guangdong.
    assert!(one(Box::new(ProvinceMismatch), &kaiping()).is_empty());
    let other = kaiping().replace("粤ICP备05079694号", "京ICP备05079694号");
    let f = one(Box::new(ProvinceMismatch), &other);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("北京市") && f[0].message.contains("广东省"),
        "{}",
        f[0].message
    );
    // MIIT: bm code with 京 numbers.
    let miit = kaiping()
        .replace("粤ICP备05079694号", "京ICP备04000001号")
        .replace("粤公网安备 44078302000116号", "京公网安备 11040102700068号")
        .replace("code=44078302000116", "code=11040102700068")
        .replace("4407830003", "bm07000001");
    assert!(one(Box::new(BmNotBeijing), &miit).is_empty());
    assert!(one(Box::new(ProvinceMismatch), &miit).is_empty());
    assert!(ids(&miit).is_empty(), "{:?}", run_html(&miit));
    let odd = miit.replace("京ICP备04000001号", "粤ICP备05079694号");
    assert_eq!(one(Box::new(BmNotBeijing), &odd).len(), 1);
}

#[test]
fn spec_section_10_fixtures() {
    // MIIT inner-space variant: only icp-format (inner whitespace).
    let miit = kaiping()
        .replace("粤ICP备05079694号", "京ICP备 04000001号")
        .replace("粤公网安备 44078302000116号", "京公网安备 11040102700068号")
        .replace("code=44078302000116", "code=11040102700068")
        .replace("4407830003", "bm07000001");
    assert_eq!(ids(&miit), vec!["filing/icp-format"]);
    // MEE: legacy recordcode link: pass + the legacy notice.
    let mee = kaiping()
        .replace("粤ICP备05079694号", "京ICP备05009132号")
        .replace("粤公网安备 44078302000116号", "京公网安备 11040102700072号")
        .replace(
            "https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116",
            "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700072",
        )
        .replace("4407830003", "bm17000009");
    assert_eq!(ids(&mee), vec!["filing/psb-link-legacy"]);
}

// ----- inventory and site rules, through the audit pipeline ------------------------------------

fn audit_folder(files: &[(&str, String)], edit: impl FnOnce(&mut AuditOptions)) -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, html) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, html).expect("write");
    }
    let mut o = AuditOptions {
        inputs: vec![dir.path().display().to_string()],
        ..AuditOptions::default()
    };
    edit(&mut o);
    crate::audit::audit(&o).expect("audit")
}

fn sitemap_page(links: usize) -> String {
    let items: String = (0..links)
        .map(|i| format!("<li><a href=\"c{i}.html\">栏目{i}</a></li>"))
        .collect();
    kaiping().replace("<p>正文</p>", &format!("<ul>{items}<li>工作动态</li></ul>"))
}

fn site_findings<'r>(r: &'r Report, rule: &str) -> Vec<&'r Finding> {
    r.sites[0]
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn page_and_site_inventory() {
    let r = audit_folder(
        &[
            ("index.html", kaiping()),
            ("sitemap.html", sitemap_page(6)),
            (
                "a.html",
                kaiping().replace(r#"content="4407830003""#, r#"content="4407830001""#),
            ),
        ],
        |_| {},
    );
    let p = r
        .pages
        .iter()
        .find(|p| p.url.ends_with("/index.html"))
        .expect("index");
    let id = p.facts.get("identity").expect("identity");
    assert_eq!(id["icp"]["text"], "粤ICP备05079694号");
    assert_eq!(id["icp"]["province"], "粤");
    assert_eq!(id["icp"]["number"], "05079694");
    assert_eq!(id["icp"]["suffix"], serde_json::Value::Null);
    assert_eq!(id["icp"]["link"], "https://beian.miit.gov.cn/");
    assert_eq!(id["psb"]["digits"], "44078302000116");
    assert_eq!(id["psb"]["province"], "粤");
    assert_eq!(id["site_code"], "4407830003");
    assert_eq!(id["meta_site_code"], "4407830003");
    assert_eq!(id["sponsor"], "开平市人民政府办公室");
    assert_eq!(id["entries"]["ipv6_label"], false);
    let s = r.sites[0].facts.get("identity").expect("site identity");
    assert_eq!(s["pages"], 3);
    assert_eq!(s["icp"]["value"], "粤ICP备05079694号");
    assert_eq!(s["icp"]["pages"], 3);
    assert_eq!(s["meta_site_code"]["value"], "4407830003");
    let others = s["meta_site_code"]["others"].as_array().expect("others");
    assert_eq!(others.len(), 1);
    assert_eq!(others[0]["value"], "4407830001");
    assert!(
        s["disagreeing_pages"][0]
            .as_str()
            .is_some_and(|p| p.ends_with("a.html"))
    );
    assert_eq!(s["sitemap"]["verified"], true);
    // The terminal section, in both languages.
    let text = super::inventory::terminal_section(&r, 0, crate::i18n::Lang::Zh).expect("section");
    assert!(text.contains("身份信息清单（3 个页面）"), "{text}");
    assert!(text.contains("粤ICP备05079694号（3/3 个页面）"), "{text}");
    assert!(text.contains("另有“4407830001” 1 个页面"), "{text}");
    let en = super::inventory::terminal_section(&r, 0, crate::i18n::Lang::En).expect("section");
    assert!(en.contains("Identity inventory (3 pages)"), "{en}");
}

#[test]
fn missing_footer_on_many_pages_is_one_site_finding() {
    let bare = "<html><head><title>t</title></head><body><p>只有正文，没有页脚。</p></body></html>"
        .to_string();
    let files: Vec<(String, String)> = (0..30)
        .map(|i| (format!("p{i:02}.html"), bare.clone()))
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(n, h)| (n.as_str(), h.clone())).collect();
    let r = audit_folder(&files, |_| {});
    for rule in [
        "filing/icp-missing",
        "filing/psb-missing",
        "identity/site-code-missing",
        "identity/conac-missing",
        "identity/jiucuo-missing",
        "identity/sponsor-missing",
        "identity/contact-missing",
        "identity/meta-missing",
    ] {
        let f = site_findings(&r, rule);
        assert_eq!(f.len(), 1, "{rule}");
        assert_eq!(f[0].count, Some(30), "{rule}");
        assert_eq!(f[0].pages.len(), 30, "{rule}");
        assert!(f[0].message.contains("30 个页面"), "{}", f[0].message);
        assert!(
            r.pages
                .iter()
                .all(|p| p.findings.iter().all(|x| x.rule != rule)),
            "{rule}"
        );
    }
    assert_eq!(site_findings(&r, "identity/sitemap-missing").len(), 1);
}

#[test]
fn sitemap_checks() {
    // Link to a file that is not there.
    let r = audit_folder(&[("index.html", kaiping())], |_| {});
    let f = site_findings(&r, "identity/sitemap-missing");
    assert_eq!(f.len(), 1, "{:?}", r.sites[0].findings);
    assert!(f[0].message.contains("无法打开"), "{}", f[0].message);
    // A near-empty site map.
    let r = audit_folder(
        &[("index.html", kaiping()), ("sitemap.html", sitemap_page(1))],
        |_| {},
    );
    let f = site_findings(&r, "identity/sitemap-missing");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("站内链接"), "{}", f[0].message);
    // A column seen in the audit but not listed.
    let column = kaiping().replace("</head>", r#"<meta name="ColumnName" content="营商环境"><meta name="ColumnType" content="专题"></head>"#);
    let r = audit_folder(
        &[
            ("index.html", kaiping()),
            ("sitemap.html", sitemap_page(6)),
            ("yshj/index.html", column),
        ],
        |_| {},
    );
    let f = site_findings(&r, "identity/sitemap-missing");
    assert_eq!(f.len(), 1, "{:?}", r.sites[0].findings);
    assert!(f[0].message.contains("营商环境"), "{}", f[0].message);
    // A remote site map on an offline audit: not verified, no finding.
    let remote = kaiping().replace("/sitemap.html", "http://www.example.gov.cn/sitemap.html");
    let r = audit_folder(&[("index.html", remote)], |_| {});
    assert!(site_findings(&r, "identity/sitemap-missing").is_empty());
    let s = &r.sites[0].facts["identity"]["sitemap"];
    assert_eq!(s["verified"], false);
    let text = super::inventory::terminal_section(&r, 0, crate::i18n::Lang::Zh).expect("section");
    assert!(text.contains("未核实"), "{text}");
}

#[test]
fn footer_inconsistent_lists_inner_pages() {
    let inner = kaiping().replace(JIUCUO, "&nbsp;");
    let r = audit_folder(
        &[
            ("index.html", kaiping()),
            ("sitemap.html", sitemap_page(6)),
            ("a.html", inner),
        ],
        |_| {},
    );
    let f = site_findings(&r, "identity/footer-inconsistent");
    assert_eq!(f.len(), 1);
    assert!(f[0].pages[0].ends_with("a.html"));
    let r = audit_folder(
        &[
            ("index.html", kaiping()),
            ("sitemap.html", sitemap_page(6)),
            ("a.html", kaiping().replace(JIUCUO, "")),
        ],
        |o| o.identity.footer_inconsistent = Some(false),
    );
    assert!(site_findings(&r, "identity/footer-inconsistent").is_empty());
}

#[test]
fn domain_rules_need_a_host() {
    let files = [("index.html", kaiping()), ("sitemap.html", sitemap_page(6))];
    let r = audit_folder(&files, |_| {});
    assert!(site_findings(&r, "identity/domain-not-govcn").is_empty());
    let r = audit_folder(&files, |o| {
        o.identity.site_host = Some("www.kaiping.com".into())
    });
    assert_eq!(site_findings(&r, "identity/domain-not-govcn").len(), 1);
    let r = audit_folder(&files, |o| {
        o.identity.site_host = Some("www.kaiping.gov.cn".into())
    });
    assert!(site_findings(&r, "identity/domain-not-govcn").is_empty());
    // A department on its own www domain.
    let dept = |h: String| h.replace(r#"content="开平市人民政府""#, r#"content="开平市公安局""#);
    let files = [
        ("index.html", dept(kaiping())),
        ("sitemap.html", dept(sitemap_page(6))),
    ];
    let r = audit_folder(&files, |o| {
        o.identity.site_host = Some("www.kpgaj.gov.cn".into())
    });
    assert_eq!(
        site_findings(&r, "identity/domain-dept-not-subdomain").len(),
        1
    );
    let r = audit_folder(&files, |o| {
        o.identity.site_host = Some("gaj.kaiping.gov.cn".into())
    });
    assert!(site_findings(&r, "identity/domain-dept-not-subdomain").is_empty());
}

#[test]
fn same_site_footer_script_is_read_from_the_folder() {
    let page = "<html><head><title>t</title></head><body><div class=main>正文</div><div id=footer><script src=\"/js/footer.js\"></script></div></body></html>".to_string();
    let footer = kaiping();
    let start = footer.find("<div class=\"footer\">").expect("footer");
    let end = footer.rfind("</div>").expect("end") + 6;
    let js: String = footer[start..end]
        .lines()
        .map(|l| format!("document.writeln('{}');\n", l.replace('\'', "\\'")))
        .collect();
    let r = audit_folder(&[("index.html", page), ("js/footer.js", js)], |_| {});
    let p = &r.pages[0];
    let id = &p.facts["identity"];
    assert_eq!(id["icp"]["text"], "粤ICP备05079694号");
    assert_eq!(id["icp"]["evidence"], "script");
    assert!(
        id["icp"]["script"]
            .as_str()
            .is_some_and(|s| s.ends_with("/js/footer.js"))
    );
    assert_eq!(id["site_code"], "4407830003");
    for rule in [
        "filing/icp-missing",
        "filing/psb-missing",
        "identity/site-code-missing",
        "identity/conac-missing",
        "identity/jiucuo-missing",
        "identity/sponsor-missing",
        "identity/contact-missing",
    ] {
        assert!(
            site_findings(&r, rule).is_empty(),
            "{rule}: {:?}",
            r.sites[0].findings
        );
    }
}

#[test]
fn options_from_govaudit_toml() {
    let o: AuditOptions = toml::from_str(
        r#"
[filing]
icp-link-hosts = ["beian.miit.gov.cn", "beian.example.gov.cn"]
psb-division-exempt = ["110401", "440392"]

[identity]
site-host = "https://www.yunting.gov.cn/"
meta-required = ["SiteName", "SiteIDCode"]
pubdate-allow-seconds = false
sponsor-labels = ["主办单位", "主管单位"]
footer-inconsistent = false
footer-scripts = 0
sitemap-min-links = 3
"#,
    )
    .expect("config parses");
    assert_eq!(o.filing.icp_link_hosts().len(), 2);
    assert_eq!(o.filing.psb_division_exempt(), vec!["110401", "440392"]);
    assert_eq!(
        o.identity.site_host().as_deref(),
        Some("www.yunting.gov.cn")
    );
    assert_eq!(o.identity.meta_required(), vec!["SiteName", "SiteIDCode"]);
    assert!(!o.identity.pubdate_allow_seconds());
    assert!(!o.identity.footer_inconsistent());
    assert_eq!(o.identity.footer_scripts(), 0);
    assert_eq!(o.identity.sitemap_min_links(), 3);
    // Defaults.
    let d = AuditOptions::default();
    assert_eq!(d.filing.icp_link_hosts(), vec!["beian.miit.gov.cn"]);
    assert_eq!(d.identity.jiucuo_legacy_hosts(), vec!["pucha.kaipuyun.cn"]);
    assert!(toml::from_str::<AuditOptions>("[identity]\nno-such-key = 1\n").is_err());
}
