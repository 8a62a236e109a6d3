//! The whole page pipeline on arbitrary bytes: a `RawPage` (the first two bytes choose how it
//! was served) -> `audit::process` (is-HTML check, decode, parse, `Engine::check_page` with every
//! rule, the page report) -> the site stage (`audit::finish_site`: aggregation, `check_site`)
//! -> the JSON report (parsed back) and the terminal report, plus one more format.
//!
//! Byte 0 (the "variant"):
//!   bits 0-2  Content-Type: none, utf-8, gbk, big5, text/html without charset,
//!             xhtml+gb2312, a bogus label, utf-16le
//!   bit 3     local file in a folder site (file: URL) instead of an http(s) page
//!   bit 4     HTTP status 404 instead of 200
//!   bit 5     English messages
//!   bit 6     the body is marked as truncated at the size limit
//!   bit 7     https with security headers instead of plain http
//! Byte 1: bits 0-2 pick the extra report format (markdown, sarif, junit, csv, jsonl, html,
//!   none, none). The rest of the input is the body.
//!
//! libfuzzer-sys installs a panic hook that aborts, so a panic inside a rule is reported even
//! though `Engine::check_page` would contain it as a `page/rule-crashed` finding.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use govaudit::AuditOptions;
use govaudit::audit;
use govaudit::fetch::RawPage;
use govaudit::i18n::Lang;
use govaudit::report::{self, Format, Report};
use govaudit::rules::{Engine, SiteInfo, SiteKind};
use govaudit::services::Services;
use libfuzzer_sys::fuzz_target;
use url::Url;

struct Fixture {
    options_zh: AuditOptions,
    options_en: AuditOptions,
    engine: Engine,
    services: Services,
    /// An empty folder: the local site's root (links into it are looked up there, and miss).
    dir: PathBuf,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let options_zh = AuditOptions::default();
    let mut options_en = AuditOptions::default();
    options_en.lang = Some(Lang::En);
    let engine = Engine::new(&options_zh).expect("engine");
    let dir = std::env::temp_dir().join(format!("govaudit-fuzz-site-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    Fixture {
        options_zh,
        options_en,
        engine,
        services: Services::offline(),
        dir,
    }
});

const CONTENT_TYPES: [Option<&str>; 8] = [
    None,
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=GBK"),
    Some("text/html;charset=big5"),
    Some("text/html"),
    Some("application/xhtml+xml; charset=\"gb2312\""),
    Some("text/html; charset=x-no-such-charset"),
    Some("text/html; charset=utf-16le"),
];

const EXTRA_FORMATS: [Option<Format>; 8] = [
    Some(Format::Markdown),
    Some(Format::Sarif),
    Some(Format::Junit),
    Some(Format::Csv),
    Some(Format::Jsonl),
    Some(Format::Html),
    None,
    None,
];

fuzz_target!(|data: &[u8]| {
    let fx = &*FIXTURE;
    let (variant, extra, body) = match data {
        [a, b, rest @ ..] => (*a, *b, rest),
        _ => (0, 0, data),
    };
    let local = variant & 0x08 != 0;
    let options = if variant & 0x20 != 0 {
        &fx.options_en
    } else {
        &fx.options_zh
    };
    let (site, mut raw) = if local {
        let path = fx.dir.join("index.html");
        let url = Url::from_file_path(&path).expect("absolute path");
        let root_url = Url::from_directory_path(&fx.dir).expect("absolute path");
        let site = SiteInfo {
            index: 0,
            root: fx.dir.display().to_string(),
            root_url: root_url.clone(),
            kind: SiteKind::Local {
                root_dir: fx.dir.clone(),
            },
            start_urls: vec![url.clone()],
        };
        let mut raw = RawPage::from_html(url, "");
        raw.display = path.display().to_string();
        raw.local_path = Some(path);
        raw.status = None;
        raw.content_type = None;
        (site, raw)
    } else {
        let https = variant & 0x80 != 0;
        let root = if https {
            "https://www.example.gov.cn/"
        } else {
            "http://www.example.gov.cn/"
        };
        let root_url = Url::parse(root).expect("static URL");
        let url = root_url.join("index.html").expect("static URL");
        let site = SiteInfo {
            index: 0,
            root: root.into(),
            root_url,
            kind: SiteKind::Remote,
            start_urls: vec![url.clone()],
        };
        let mut raw = RawPage::from_html(url, "");
        raw.content_type = CONTENT_TYPES[usize::from(variant & 0x07)].map(str::to_string);
        raw.status = Some(if variant & 0x10 != 0 { 404 } else { 200 });
        if https {
            raw.headers = vec![
                (
                    "strict-transport-security".into(),
                    "max-age=31536000; includeSubDomains".into(),
                ),
                ("x-content-type-options".into(), "nosniff".into()),
                ("x-frame-options".into(), "SAMEORIGIN".into()),
                (
                    "content-security-policy".into(),
                    "default-src 'self'".into(),
                ),
            ];
        }
        (site, raw)
    };
    raw.body = body.to_vec();
    raw.wire_bytes = body.len() as u64;
    raw.truncated = variant & 0x40 != 0;
    let fallback = (
        raw.url.clone(),
        raw.local_path.as_ref().map(|p| p.display().to_string()),
    );

    let processed = audit::process(&fx.engine, options, &site, &fx.services, Ok(raw), fallback);
    let mut report = Report::new(options.lang());
    let mut pages = Vec::new();
    let site_report = audit::finish_site(
        &fx.engine,
        options,
        &site,
        &fx.services,
        vec![processed],
        Vec::new(),
        &mut pages,
    );
    fx.services.clear_cache();
    report.sites.push(site_report);
    report.pages = pages;
    report.recount();

    let json = report::render(&report, Format::Json, false).expect("JSON report renders");
    let back: serde_json::Value = serde_json::from_slice(&json).expect("JSON report parses");
    assert_eq!(back["summary"]["pages"], 1);
    let text = report::render(&report, Format::Terminal, variant & 0x01 != 0)
        .expect("terminal report renders");
    std::hint::black_box(text);
    if let Some(format) = EXTRA_FORMATS[usize::from(extra & 0x07)] {
        let out = report::render(&report, format, false).expect("report renders");
        std::hint::black_box(out);
    }
});
