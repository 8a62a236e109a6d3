//! The worst inputs: each gives a finding or a clear message, never a panic, and the rest of the
//! run goes on (the good page next to the bad ones is still in the report).
//!
//! Sizes: the pages that cost time per element (100,000 links, 100,000 elements, 200,000
//! nested list items and table cells) are generated smaller in a debug build, where html5ever
//! and the rules run 20-50 times slower than in release: `cargo test --release --test
//! robustness`, or `GOVAUDIT_FULL_ROBUSTNESS=1`, runs them at full size. The nesting depth of
//! divs, inline elements, links and aria-labelledby chains is 200,000 in every build (the
//! parser flattens it, so it is cheap), and so is the 50 MB page (read up to the size limit).
//!
//! Already covered elsewhere, not repeated: an empty file, a binary file, NUL bytes and a GBK
//! page labelled UTF-8 in one folder (`tests/cli.rs`, `bad_files_are_findings_not_crashes`), a
//! dead host (`tests/cli.rs`), a hanging server, a redirect loop met as a link, a 50 MiB body
//! and a gzip bomb during a crawl (`tests/crawl_site.rs`).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use common::server::{Response, Site};
use serde_json::Value;

/// Whether to generate the slow pages at their full size.
fn full_size() -> bool {
    !cfg!(debug_assertions) || std::env::var_os("GOVAUDIT_FULL_ROBUSTNESS").is_some()
}

/// `full` in release (or when asked), `debug` otherwise.
fn size(full: usize, debug: usize) -> usize {
    if full_size() { full } else { debug }
}

fn govaudit() -> Command {
    let mut cmd = Command::cargo_bin("govaudit").expect("binary built");
    cmd.env_remove("GOVAUDIT_LANG")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(240));
    cmd
}

/// A finished run: exit code, stderr, and the JSON report.
struct Run {
    stderr: String,
    report: Value,
}

/// Runs `govaudit audit <inputs> <args> --format json -o <tmp>` and checks that it did not
/// crash: not killed by the timeout, exit code not 101, no "panicked" on stderr, no
/// `page/rule-crashed` finding anywhere.
fn audit(inputs: &[&str], args: &[&str]) -> Run {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("r.json");
    let output = govaudit()
        .arg("audit")
        .args(inputs)
        .args(args)
        .args(["--format", "json", "--fail-on", "never", "-o"])
        .arg(&out)
        .output()
        .expect("govaudit runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("govaudit was killed (timeout?); stderr: {stderr}"));
    assert_ne!(code, 101, "govaudit panicked: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "a panic was printed: {stderr}"
    );
    assert_eq!(code, 0, "--fail-on never: exit 0; stderr: {stderr}");
    let text = std::fs::read_to_string(&out).expect("report written");
    let report: Value = serde_json::from_str(&text).expect("report is JSON");
    for p in pages(&report) {
        let crashed: Vec<&Value> = p["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["rule"] == "page/rule-crashed")
            .collect();
        assert!(
            crashed.is_empty(),
            "a rule crashed on {}: {crashed:?}",
            p["url"]
        );
    }
    Run { stderr, report }
}

fn pages(report: &Value) -> &[Value] {
    report["pages"].as_array().map_or(&[], Vec::as_slice)
}

/// The page whose URL ends with `suffix`.
fn page<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    pages(report)
        .iter()
        .find(|p| p["url"].as_str().is_some_and(|u| u.ends_with(suffix)))
        .unwrap_or_else(|| {
            let urls: Vec<&Value> = pages(report).iter().map(|p| &p["url"]).collect();
            panic!("no page ending in {suffix} in the report: {urls:?}")
        })
}

fn rules(page: &Value) -> Vec<&str> {
    page["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect()
}

fn finding<'a>(page: &'a Value, rule: &str) -> &'a Value {
    page["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} on {}: {:?}", page["url"], rules(page)))
}

/// A good page, written next to the bad ones: it must be audited normally.
const GOOD: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>正常页面 - 云汀县人民政府</title></head><body><main><h1>正常页面</h1><p>政务公开</p></main></body></html>";

fn assert_good_page(report: &Value) {
    let good = page(report, "good.html");
    assert_eq!(good["title"], "正常页面 - 云汀县人民政府");
    assert_eq!(good["encoding"], "UTF-8");
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test page");
    path
}

fn repeat(open: &str, n: usize) -> String {
    let mut s = String::with_capacity(open.len() * n);
    for _ in 0..n {
        s.push_str(open);
    }
    s
}

fn html_page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>测试</title></head><body>{body}</body></html>"
    )
}

// ---------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------

const DEEP: usize = 200_000;

#[test]
fn deep_nesting_is_flattened_and_reported_not_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.html", GOOD);
    // Unclosed block and inline elements, nested links, aria-labelledby pointing down a chain
    // of nested spans, and the nesting the depth estimate discounts (list items, table rows
    // and cells, paragraphs in cells: each level is 2-5 real elements).
    let n_lists = size(DEEP, 20_000);
    let n_tables = size(DEEP, 10_000);
    let cases: Vec<(&str, String)> = vec![
        ("deep-div.html", html_page(&repeat("<div>", DEEP))),
        ("deep-b.html", html_page(&(repeat("<b>", DEEP) + "粗体"))),
        (
            "deep-font.html",
            html_page(&(repeat("<font color=red><span>", DEEP / 2) + "文字")),
        ),
        (
            "deep-a.html",
            html_page(&(repeat("<a href=\"/x.html\"><span>", DEEP / 2) + "链接")),
        ),
        ("deep-aria.html", {
            let mut b = String::new();
            for i in 0..DEEP {
                b.push_str(&format!(
                    "<span id=\"l{i}\" aria-labelledby=\"l{}\">",
                    i + 1
                ));
            }
            b.push_str("<button aria-labelledby=\"l0\"></button>");
            html_page(&b)
        }),
        (
            "deep-list.html",
            html_page(&(repeat("<ul><li>", n_lists) + "条目")),
        ),
        (
            "deep-table.html",
            // No doctype: quirks mode, where <table> does not close the open <p>.
            format!(
                "<html><head><meta charset=utf-8><title>表格</title></head><body>{}单元格",
                repeat("<table><tr><td><p>", n_tables)
            ),
        ),
    ];
    for (name, html) in &cases {
        write(d, name, html);
    }
    let run = audit(&[d.to_str().expect("utf-8 path")], &[]);
    assert_good_page(&run.report);
    assert_eq!(pages(&run.report).len(), cases.len() + 1, "{}", run.stderr);
    for (name, _) in &cases {
        let p = page(&run.report, name);
        let f = finding(p, "page/nesting-too-deep");
        assert!(
            f["message"].as_str().is_some_and(|m| m.contains("512")),
            "{name}: {f}"
        );
    }
}

/// The rules, in this process, on a thread with the default 2 MiB stack: no walk over the
/// DOM or over id references may recurse per level.
#[test]
fn every_rule_survives_deep_and_long_chains_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let options = govaudit::AuditOptions::default();
            let engine = govaudit::rules::Engine::new(&options).expect("engine");
            let services = govaudit::services::Services::offline();
            let site = govaudit::rules::SiteInfo {
                index: 0,
                root: "http://www.example.gov.cn/".into(),
                root_url: url::Url::parse("http://www.example.gov.cn/").expect("url"),
                kind: govaudit::rules::SiteKind::Remote,
                start_urls: Vec::new(),
            };
            let chain = size(DEEP, 20_000);
            // A flat chain: nothing is nested, so nothing is flattened; each span is labelled
            // by the next, the last by the first (a cycle), and a label's `for` points into it.
            let mut flat = String::new();
            for i in 0..chain {
                flat.push_str(&format!(
                    "<span id=\"c{i}\" aria-labelledby=\"c{}\" aria-describedby=\"c{}\">{}</span>",
                    (i + 1) % chain,
                    (i + 2) % chain,
                    if i % 1000 == 0 { "名" } else { "" }
                ));
            }
            flat.push_str("<label for=\"c0\">标签</label><input id=\"c0\" aria-labelledby=\"c1\"><img src=\"a.png\" aria-labelledby=\"c2\">");
            let deep = repeat("<div><span aria-labelledby=\"x\" id=\"x\">", DEEP);
            let mut crashed = Vec::new();
            for (name, html) in [("flat", html_page(&flat)), ("deep", html_page(&deep))] {
                let raw = govaudit::fetch::RawPage::from_html(
                    url::Url::parse("http://www.example.gov.cn/index.html").expect("url"),
                    &html,
                );
                let page = govaudit::page::Page::build(&raw);
                let (findings, facts) = engine.check_page(&page, &options, &site, &services);
                crashed.extend(
                    findings
                        .iter()
                        .filter(|f| f.rule == "page/rule-crashed")
                        .map(|f| format!("{name}: {}", f.message)),
                );
                serde_json::to_string(&(findings, facts)).expect("findings serialise");
            }
            crashed
        })
        .expect("thread starts");
    let crashed = handle.join().expect("no stack overflow, no panic");
    assert!(crashed.is_empty(), "{crashed:?}");
}

// ---------------------------------------------------------------------------
// Huge pages
// ---------------------------------------------------------------------------

#[test]
fn huge_attributes_many_links_and_many_elements() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.html", GOOD);
    let mb = "图".repeat((1 << 20) / 3);
    let ascii_mb = "a".repeat(1 << 20);
    write(
        d,
        "huge-attrs.html",
        html_page(&format!(
            "<img src=\"{ascii_mb}.png\" alt=\"{mb}\"><div style=\"{style}\" class=\"{ascii_mb}\" title=\"{mb}\" id=\"{ascii_mb}\" aria-label=\"{mb}\"><a href=\"http://www.example.gov.cn/{ascii_mb}\">链接</a><a href=\"{mb}.html\" title=\"{mb}\"></a></div><p style=\"{color}\">文字</p>",
            style = "color:#777;background:#888;".repeat((1 << 20) / 28),
            color = "color:rgb(1,2,3);font-size:1px;".repeat((1 << 20) / 32)
        )),
    );
    let links = size(100_000, 15_000);
    let mut body = String::with_capacity(links * 40);
    for i in 0..links {
        body.push_str(&format!("<a href=\"/news/{i}.html\">新闻{i}</a>"));
    }
    write(d, "many-links.html", html_page(&body));
    // About 5 MB whatever the build: fewer, longer elements in a debug build.
    let elements = size(100_000, 20_000);
    let text = "政务公开".repeat(5_000_000 / elements / 12);
    let mut body = String::with_capacity(5_100_000);
    for i in 0..elements {
        body.push_str(&format!("<p class=\"c{}\">{text}</p>", i % 10));
    }
    write(d, "many-elements.html", html_page(&body));
    let run = audit(&[d.to_str().expect("utf-8 path")], &[]);
    assert_good_page(&run.report);
    assert_eq!(pages(&run.report).len(), 4);
    let attrs = page(&run.report, "huge-attrs.html");
    assert_eq!(attrs["title"], "测试");
    // The finding's snippet and message stay readable: no megabyte values copied into them.
    for f in attrs["findings"].as_array().expect("findings") {
        let len = f.to_string().len();
        assert!(len < 64 << 10, "a {len}-byte finding: {}", f["rule"]);
    }
    let many = page(&run.report, "many-links.html");
    assert_eq!(many["title"], "测试");
    // Every link target is missing from the folder: reported broken (at site level), once
    // per target, none lost.
    let broken = run.report["sites"][0]["findings"]
        .as_array()
        .expect("site findings")
        .iter()
        .chain(many["findings"].as_array().expect("findings"))
        .filter(|f| f["rule"] == "links/broken")
        .map(|f| f["count"].as_u64().unwrap_or(1).max(1))
        .sum::<u64>();
    assert!(broken >= links as u64, "{broken} broken links of {links}");
    let elems = page(&run.report, "many-elements.html");
    assert!(elems["bytes"].as_u64().expect("bytes") > 4_900_000);
    assert_eq!(elems["title"], "测试");
}

#[test]
fn a_50_mb_single_line_page_is_read_up_to_the_limit_and_reported() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.html", GOOD);
    let path = d.join("huge.html");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    f.write_all(
        html_page("<p>")
            .trim_end_matches("</body></html>")
            .as_bytes(),
    )
    .expect("write");
    let chunk = "政务公开，依法行政。".repeat(1000);
    let mut written = 0;
    while written < 50_000_000 {
        f.write_all(chunk.as_bytes()).expect("write");
        written += chunk.len();
    }
    f.write_all(b"</p></body></html>").expect("write");
    f.flush().expect("flush");
    drop(f);
    let run = audit(&[d.to_str().expect("utf-8 path")], &[]);
    assert_good_page(&run.report);
    let huge = page(&run.report, "huge.html");
    // The default limit is 10 MiB: the page is cut there, audited, and the cut reported.
    assert_eq!(huge["bytes"], 10 << 20);
    assert_eq!(huge["title"], "测试");
    let f = finding(huge, "page/truncated");
    assert!(f["message"].is_string());
}

// ---------------------------------------------------------------------------
// Bytes and encodings
// ---------------------------------------------------------------------------

#[test]
fn broken_bytes_encodings_and_entities() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.html", GOOD);
    // Invalid UTF-8 of every kind under a UTF-8 label: lone continuation bytes, truncated
    // sequences, overlong forms, encoded surrogates, code points past U+10FFFF, 0xFF.
    let mut bad = b"<html><head><meta charset=\"utf-8\"><title>\xe6\x94\xbf\xe5\x8a\xa1 \x80\xbf</title></head><body><p>\xc0\xaf \xe0\x80\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff\xfe \xe6\x94</p><img src=\"a\x80.png\" alt=\"\xed\xbf\xbf\"></body></html>".to_vec();
    bad.push(0xe6); // ends inside a sequence
    write(d, "bad-utf8.html", &bad);
    // UTF-8 and GBK in one page (a template in one, the content in the other).
    let mut mixed = html_page("<p>").into_bytes();
    mixed.truncate(mixed.len() - "</body></html>".len());
    mixed.extend_from_slice("<div class=\"footer\">主办：云汀县人民政府</div>".as_bytes());
    mixed.extend_from_slice(
        &encoding_rs::GBK
            .encode("<p>通知公告：关于政府信息公开的通知</p>")
            .0,
    );
    mixed.extend_from_slice(b"</body></html>");
    write(d, "mixed.html", &mixed);
    // A GBK page declaring GBK in a second meta after a UTF-8 one, and a Big5 page labelled GBK.
    let mut two_metas = b"<meta charset=utf-8><meta charset=gbk><title>".to_vec();
    two_metas.extend_from_slice(&encoding_rs::GBK.encode("两个编码声明").0);
    two_metas.extend_from_slice(b"</title>");
    write(d, "two-metas.html", &two_metas);
    let mut big5_as_gbk = b"<meta charset=gbk><title>".to_vec();
    big5_as_gbk.extend_from_slice(&encoding_rs::BIG5.encode("臺灣省政府資訊公開").0);
    big5_as_gbk.extend_from_slice(b"</title>");
    write(d, "big5-as-gbk.html", &big5_as_gbk);
    // UTF-16 with a BOM and an odd number of bytes; a BOM alone; a bogus charset label.
    let mut utf16 = vec![0xff, 0xfe];
    for u in "<title>十六位</title><p>内容</p>".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    utf16.push(b'<');
    write(d, "utf16.html", &utf16);
    write(d, "bom-only.html", [0xef, 0xbb, 0xbf]);
    write(
        d,
        "bogus-label.html",
        "<meta charset=\"x-klingon\"><title>未知编码</title>",
    );
    // Entities: unterminated, out of range, surrogates, NUL, huge numbers, unknown names,
    // ambiguous ampersands in attributes; control characters everywhere.
    write(
        d,
        "entities.html",
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>&amp &lt;实体&#x110000;&#0;&#xD800;&#99999999999999999999;&nosuch;&#x;&#;&</title></head><body><p title=\"&quot\">&nbsp&copy&#12288&#x3000</p><a href=\"/a?x=1&copy=2&lang=zh&#\">&#x1F600;&#X41;</a><img src=x alt=\"&#xFFFE;&#x80;&#127;\x01\x08\x0b\x1b\x7f\"><p>\u{fffe}\u{ffff}\u{1fffe}\u{fdd0}</p></body></html>",
    );
    // Markup fragments: only a '<', an unclosed comment, an unclosed script and attribute.
    write(d, "lt.html", "<");
    write(d, "unclosed-comment.html", "<title>注释</title><!-- ");
    write(
        d,
        "unclosed-script.html",
        "<title>脚本</title><script>document.write('<p>",
    );
    write(d, "unclosed-attr.html", "<title>属性</title><a href=\"/x");
    let run = audit(&[d.to_str().expect("utf-8 path")], &[]);
    assert_good_page(&run.report);
    assert_eq!(pages(&run.report).len(), 13);
    for name in ["bad-utf8.html", "mixed.html"] {
        let p = page(&run.report, name);
        assert_eq!(p["encoding"], "UTF-8", "{name}");
        let f = finding(p, "page/encoding-errors");
        assert!(f["message"].is_string(), "{name}");
    }
    assert_eq!(
        page(&run.report, "bad-utf8.html")["title"],
        "政务 \u{fffd}\u{fffd}"
    );
    // The first declaration wins, as in browsers; the GBK bytes are then errors.
    let two = page(&run.report, "two-metas.html");
    assert_eq!(two["encoding"], "UTF-8");
    assert!(rules(two).contains(&"page/encoding-errors"), "{two}");
    // Big5 bytes decoded as GB18030 give no errors but the wrong text: nothing to assert but
    // that it was audited with the declared encoding.
    assert_eq!(page(&run.report, "big5-as-gbk.html")["encoding"], "GB18030");
    let utf16 = page(&run.report, "utf16.html");
    assert_eq!(utf16["encoding"], "UTF-16LE");
    assert_eq!(utf16["title"], "十六位");
    assert_eq!(utf16["charset_source"], "bom");
    assert_eq!(page(&run.report, "bom-only.html")["encoding"], "UTF-8");
    let bogus = page(&run.report, "bogus-label.html");
    assert_eq!(bogus["title"], "未知编码");
    let ent = page(&run.report, "entities.html");
    let title = ent["title"].as_str().expect("title");
    assert!(
        title.starts_with("& <实体\u{fffd}\u{fffd}\u{fffd}"),
        "{title}"
    );
    for name in [
        "lt.html",
        "unclosed-comment.html",
        "unclosed-script.html",
        "unclosed-attr.html",
    ] {
        let p = page(&run.report, name);
        assert!(p["encoding"].is_string(), "{name} parsed: {p}");
    }
}

// ---------------------------------------------------------------------------
// The file system
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn odd_files_in_a_folder_are_skipped_or_reported_and_the_rest_is_audited() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "good.html", GOOD);
    // A symbolic link loop (a folder linking to its parent), a link to itself, a dangling
    // link, a folder named like a page (its pages are audited), a named pipe and a device
    // with .html names (not regular files: skipped), an unreadable file.
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    write(
        &d.join("sub"),
        "inner.html",
        GOOD.replace("正常页面", "子页面"),
    );
    symlink("..", d.join("sub/loop")).expect("symlink");
    symlink("self.html", d.join("self.html")).expect("symlink");
    symlink("missing.html", d.join("dead.html")).expect("symlink");
    std::fs::create_dir(d.join("x.html")).expect("mkdir");
    write(
        &d.join("x.html"),
        "index.html",
        GOOD.replace("正常页面", "目录页"),
    );
    let fifo = d.join("pipe.html");
    let have_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    symlink("/dev/zero", d.join("zero.html")).expect("symlink");
    let locked = write(d, "locked.html", GOOD);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let unreadable = std::fs::read(&locked).is_err(); // root reads it anyway
    // Version links pointing at the pipe and the device: the rules that open linked pages
    // must not block on the pipe nor read the device forever.
    write(
        d,
        "index.html",
        html_page(
            "<a href=\"pipe.html\">关怀版</a> <a href=\"zero.html\">繁体版</a> <a href=\"x.html\">无障碍</a> <a href=\"locked.html\">长者版</a>",
        ),
    );
    let run = audit(&[d.to_str().expect("utf-8 path")], &["--jobs", "2"]);
    assert_good_page(&run.report);
    assert_eq!(
        page(&run.report, "sub/inner.html")["title"],
        "子页面 - 云汀县人民政府"
    );
    assert_eq!(
        page(&run.report, "x.html/index.html")["title"],
        "目录页 - 云汀县人民政府"
    );
    assert_eq!(page(&run.report, "/index.html")["title"], "测试");
    let urls: Vec<&str> = pages(&run.report)
        .iter()
        .filter_map(|p| p["url"].as_str())
        .collect();
    for skipped in ["pipe.html", "zero.html", "dead.html", "self.html"] {
        assert!(
            !urls.iter().any(|u| u.ends_with(&format!("/{skipped}"))),
            "{skipped} is not a page: {urls:?}"
        );
    }
    // The loop and the broken links are noted on the site, with why.
    let notes: Vec<&str> = run.report["sites"][0]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("loop") || n.contains("循环")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.contains("dead.html")), "{notes:?}");
    if unreadable {
        let locked = page(&run.report, "locked.html");
        let f = finding(locked, "page/fetch-failed");
        assert!(
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("locked.html")),
            "{f}"
        );
    }
    let _ = have_fifo;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

#[test]
fn a_folder_named_like_a_page_given_as_the_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let x = dir.path().join("x.html");
    std::fs::create_dir(&x).expect("mkdir");
    write(&x, "good.html", GOOD);
    let run = audit(&[x.to_str().expect("utf-8 path")], &[]);
    assert_good_page(&run.report);
}

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

#[test]
fn bad_servers_give_findings_and_the_other_pages_are_audited() {
    let site = Site::new()
        .page("/good.html", GOOD)
        .response(
            "/error.html",
            Response::bytes(
                500,
                "text/html; charset=utf-8",
                html_page("<h1>服务器内部错误</h1>").into_bytes(),
            ),
        )
        .redirect("/loop-a.html", 302, "/loop-b.html")
        .redirect("/loop-b.html", 301, "/loop-a.html")
        // 2 GiB with an exact Content-Length, generated on the fly.
        .response(
            "/huge.html",
            Response::filled(200, "text/html; charset=utf-8", b'a', 2 << 30),
        )
        // 8 bytes every 300 ms: complete after 30 s, the timeout is 2 s.
        .response(
            "/drip.html",
            Response::trickle("<p>慢</p>", 100, Duration::from_millis(300)),
        )
        // Not HTTP at all: an SSH banner, and binary noise.
        .response("/ssh.html", Response::raw("SSH-2.0-OpenSSH_9.6\r\n"))
        .response(
            "/noise.html",
            Response::raw((0..=255u8).rev().cycle().take(4096).collect::<Vec<u8>>()),
        )
        // A status line and then garbage headers.
        .response(
            "/bad-headers.html",
            Response::raw(
                b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\x00\xff: \x01\r\n\r\n<p>x</p>"
                    .to_vec(),
            ),
        );
    let server = site.serve();
    let urls: Vec<String> = [
        "/good.html",
        "/error.html",
        "/loop-a.html",
        "/huge.html",
        "/drip.html",
        "/ssh.html",
        "/noise.html",
        "/bad-headers.html",
    ]
    .iter()
    .map(|p| server.url(p))
    .collect();
    let inputs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let run = audit(
        &inputs,
        &[
            "--max-depth",
            "0",
            "--timeout",
            "2",
            "--retries",
            "1",
            "--retry-wait",
            "0.05",
            "--max-body-size",
            "1MiB",
        ],
    );
    let r = &run.report;
    assert_good_page(r);

    let error = page(r, "/error.html");
    assert_eq!(error["status"], 500);
    assert_eq!(finding(error, "page/http-error")["data"]["status"], 500);
    // A 500 is retried (once here), then audited as what it is.
    assert_eq!(server.hits("/error.html"), 2, "{:?}", server.requests());

    let looped = page(r, "/loop-a.html");
    let f = finding(looped, "page/fetch-failed");
    assert_eq!(f["data"]["kind"], "redirect", "{f}");

    let huge = page(r, "/huge.html");
    assert_eq!(huge["bytes"], 1 << 20);
    let f = finding(huge, "page/truncated");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("超过大小上限")),
        "{f}"
    );

    // The timeout cut the body: what arrived is audited, and the cut is reported as such
    // (not as the size limit).
    let drip = page(r, "/drip.html");
    let f = finding(drip, "page/truncated");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("未完整接收")),
        "{f}"
    );
    assert!(drip["bytes"].as_u64().is_some_and(|b| b < 800), "{drip}");

    for name in ["/ssh.html", "/noise.html", "/bad-headers.html"] {
        let p = page(r, name);
        let f = finding(p, "page/fetch-failed");
        assert!(
            f["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{name}: {f}"
        );
    }
}
