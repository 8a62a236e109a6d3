//! Many sites: `--sites` lists, `--shard K/N` (the union of the shards is the unsharded run),
//! `govaudit merge` (merging the shards gives the unsharded report), `--format jsonl`
//! streaming, per-site scores.

mod common;
mod report_support;

use std::path::Path;

use report_support::*;
use serde_json::Value;

/// Six small local sites with different findings, and a list naming them.
fn sites(root: &Path) {
    for i in 1..=6 {
        let dir = root.join(format!("s{i}"));
        let mut body = String::new();
        for j in 0..i {
            body.push_str(&format!("<img src=\"p{j}.png\">\n"));
        }
        write_files(
            &dir,
            &[
                ("index.html", page(&format!("站点{i}"), &body)),
                (
                    "news/a.html",
                    page(
                        "新闻",
                        if i % 2 == 0 {
                            "<input type=\"image\" src=\"go.gif\">"
                        } else {
                            "<p>ok</p>"
                        },
                    ),
                ),
            ],
        );
    }
    std::fs::write(
        root.join("sites.txt"),
        "# 全市政府网站\ns1\ns2\n\ns3   # 第三个\ns4\ns5\ns6\ns2\n",
    )
    .expect("write list");
}

fn without_time(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("generated_at");
    }
    v
}

fn run(dir: &Path, args: &[&str]) -> i32 {
    let out = govaudit(dir).args(args).output().expect("runs");
    let code = out.status.code().expect("code");
    assert_ne!(code, 2, "{}", String::from_utf8_lossy(&out.stderr));
    code
}

fn roots(r: &Value) -> Vec<String> {
    r["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| s["root"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn shards_partition_the_list_and_merge_back_to_the_unsharded_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    assert_eq!(
        run(
            d,
            &[
                "audit",
                "--sites",
                "sites.txt",
                "-f",
                "json",
                "-o",
                "full.json"
            ]
        ),
        1
    );
    let full = read_json(&d.join("full.json"));
    assert_eq!(
        roots(&full),
        ["s1", "s2", "s3", "s4", "s5", "s6"],
        "list order, duplicate dropped"
    );
    for (i, s) in full["sites"].as_array().expect("sites").iter().enumerate() {
        assert_eq!(s["input"]["index"], i);
        assert!(
            s["input"]["source"]
                .as_str()
                .is_some_and(|x| x.starts_with("sites.txt:"))
        );
        assert!(s["score"]["estimate"].as_u64().is_some());
        assert_eq!(s["score"]["method"], "govaudit-estimate-1");
    }

    let mut all_roots = Vec::new();
    let mut shard_files = Vec::new();
    for k in 1..=3 {
        let name = format!("shard{k}.json");
        run(
            d,
            &[
                "audit",
                "--sites",
                "sites.txt",
                "--shard",
                &format!("{k}/3"),
                "-f",
                "json",
                "-o",
                &name,
            ],
        );
        let r = read_json(&d.join(&name));
        all_roots.extend(roots(&r));
        shard_files.push(name);
        // jsonl shards too
        let jl = format!("shard{k}.jsonl");
        run(
            d,
            &[
                "audit",
                "--sites",
                "sites.txt",
                "--shard",
                &format!("{k}/3"),
                "-f",
                "jsonl",
                "-o",
                &jl,
            ],
        );
        shard_files.push(jl);
    }
    let mut sorted = all_roots.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["s1", "s2", "s3", "s4", "s5", "s6"],
        "every site in exactly one shard"
    );
    let nonempty = (1..=3)
        .filter(|k| !roots(&read_json(&d.join(format!("shard{k}.json")))).is_empty())
        .count();
    assert!(nonempty >= 2, "the hash spreads six sites over the shards");

    // merge of the JSON shards == the unsharded report (but for the time).
    let json_shards: Vec<&str> = shard_files
        .iter()
        .filter(|f| f.ends_with(".json"))
        .map(String::as_str)
        .collect();
    let mut args = vec!["merge"];
    args.extend(json_shards.iter().rev());
    args.extend(["-f", "json", "-o", "merged.json"]);
    assert_eq!(run(d, &args), 1, "merged report fails like the full one");
    let merged = read_json(&d.join("merged.json"));
    assert_eq!(without_time(merged), without_time(full.clone()));

    // ... and so does the merge of the JSON Lines shards.
    let jsonl_shards: Vec<&str> = shard_files
        .iter()
        .filter(|f| f.ends_with(".jsonl"))
        .map(String::as_str)
        .collect();
    let mut args = vec!["merge"];
    args.extend(jsonl_shards.iter());
    args.extend(["-f", "json", "-o", "merged2.json"]);
    run(d, &args);
    assert_eq!(
        without_time(read_json(&d.join("merged2.json"))),
        without_time(full.clone())
    );

    // merge writes any format.
    let mut args = vec!["merge"];
    args.extend(json_shards.iter());
    args.extend(["-f", "html,sarif,xlsx", "--output-dir", "merged"]);
    run(d, &args);
    for f in ["report.html", "report.sarif", "report.xlsx"] {
        assert!(d.join("merged").join(f).is_file(), "{f}");
    }
}

#[test]
fn shard_from_the_environment() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    run(
        d,
        &[
            "audit",
            "--sites",
            "sites.txt",
            "--shard",
            "1/3",
            "-f",
            "json",
            "-o",
            "k1.json",
        ],
    );
    run(
        d,
        &[
            "audit",
            "--sites",
            "sites.txt",
            "--shard",
            "2/3",
            "-f",
            "json",
            "-o",
            "k2.json",
        ],
    );
    // Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0.
    let out = govaudit(d)
        .env("JOB_COMPLETION_INDEX", "0")
        .args([
            "audit",
            "--sites",
            "sites.txt",
            "--shard",
            "auto/3",
            "-f",
            "json",
            "-o",
            "a.json",
        ])
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        roots(&read_json(&d.join("a.json"))),
        roots(&read_json(&d.join("k1.json")))
    );
    // GitLab parallel: CI_NODE_INDEX counts from 1, CI_NODE_TOTAL gives N.
    let out = govaudit(d)
        .env("CI_NODE_INDEX", "2")
        .env("CI_NODE_TOTAL", "3")
        .args([
            "audit",
            "--sites",
            "sites.txt",
            "--shard",
            "auto",
            "-f",
            "json",
            "-o",
            "g.json",
        ])
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        roots(&read_json(&d.join("g.json"))),
        roots(&read_json(&d.join("k2.json")))
    );
    // Missing environment, bad values: usage errors.
    govaudit(d)
        .args(["audit", "--sites", "sites.txt", "--shard", "auto/3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("JOB_COMPLETION_INDEX"));
    govaudit(d)
        .args(["audit", "--sites", "sites.txt", "--shard", "4/3"])
        .assert()
        .code(2);
}

#[test]
fn an_empty_shard_is_an_empty_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    std::fs::write(d.join("one.txt"), "s1\n").expect("write");
    let mut empty_seen = false;
    for k in 1..=4 {
        let name = format!("o{k}.json");
        let code = run(
            d,
            &[
                "audit",
                "--sites",
                "one.txt",
                "--shard",
                &format!("{k}/4"),
                "-f",
                "json",
                "-o",
                &name,
            ],
        );
        let r = read_json(&d.join(&name));
        if r["sites"].as_array().is_some_and(Vec::is_empty) {
            empty_seen = true;
            assert_eq!(code, 0);
            assert_eq!(r["summary"]["pages"], 0);
            assert_eq!(r["complete"], true);
        }
    }
    assert!(empty_seen);
}

#[test]
fn jsonl_streams_pages_then_sites_then_a_summary() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    let out = govaudit(d)
        .args(["audit", "s1", "s2", "-f", "jsonl"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["type"].as_str()).collect();
    assert_eq!(
        kinds,
        ["page", "page", "site", "page", "page", "site", "summary"]
    );
    assert_eq!(lines[2]["index"], 0);
    assert_eq!(lines[5]["index"], 1);
    assert_eq!(lines[6]["summary"]["pages"], 4);
    assert_eq!(lines[6]["complete"], true);
    // The stream merges into the same report as --format json.
    std::fs::write(d.join("s.jsonl"), &text).expect("write");
    run(d, &["audit", "s1", "s2", "-f", "json", "-o", "direct.json"]);
    run(d, &["merge", "s.jsonl", "-f", "json", "-o", "m.json"]);
    assert_eq!(
        without_time(read_json(&d.join("m.json"))),
        without_time(read_json(&d.join("direct.json")))
    );
    // A stream cut short still merges, marked incomplete.
    let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(d.join("cut.jsonl"), cut).expect("write");
    run(d, &["merge", "cut.jsonl", "-f", "json", "-o", "c.json"]);
    let c = read_json(&d.join("c.json"));
    assert_eq!(c["complete"], false);
    assert_eq!(c["summary"]["pages"], 2);
}

#[test]
fn csv_site_list_with_names() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    std::fs::write(
        d.join("list.csv"),
        "\u{feff}序号,网站名称,网址\n1,\"一号站, 市级\",s1\n2,二号站,s2\n",
    )
    .expect("write");
    run(
        d,
        &["audit", "--sites", "list.csv", "-f", "json", "-o", "r.json"],
    );
    let r = read_json(&d.join("r.json"));
    assert_eq!(r["sites"][0]["input"]["name"], "一号站, 市级");
    assert_eq!(r["sites"][1]["input"]["name"], "二号站");
    // Bad entries are reported with file and line.
    std::fs::write(d.join("bad.txt"), "s1\nnot a site\n").expect("write");
    govaudit(d)
        .args(["audit", "--sites", "bad.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.txt:2"));
}

#[test]
fn merge_rejects_what_it_cannot_merge() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    run(d, &["audit", "s1", "-f", "json", "-o", "zh.json"]);
    run(
        d,
        &["audit", "s2", "--lang", "en", "-f", "json", "-o", "en.json"],
    );
    govaudit(d)
        .args(["merge", "zh.json", "en.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--lang"));
    std::fs::write(d.join("junk.json"), "hello\n").expect("write");
    govaudit(d)
        .args(["merge", "junk.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("junk.json:1"));
    let mut v = read_json(&d.join("zh.json"));
    v["schema_version"] = 99.into();
    std::fs::write(d.join("v99.json"), v.to_string()).expect("write");
    govaudit(d)
        .args(["merge", "v99.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("schema_version"));
}

#[test]
fn sharded_baselines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    sites(d);
    // Shards without a baseline, merged into one baseline.
    for k in 1..=2 {
        run(
            d,
            &[
                "audit",
                "--sites",
                "sites.txt",
                "--shard",
                &format!("{k}/2"),
                "-f",
                "jsonl",
                "-o",
                &format!("b{k}.jsonl"),
            ],
        );
    }
    govaudit(d)
        .args([
            "merge",
            "b1.jsonl",
            "b2.jsonl",
            "--write-baseline",
            "base.json",
            "--fail-on",
            "never",
        ])
        .assert()
        .success();
    let full_baseline = read_json(&d.join("base.json"));
    run(
        d,
        &[
            "audit",
            "--sites",
            "sites.txt",
            "--write-baseline",
            "direct.json",
        ],
    );
    assert_eq!(
        full_baseline["entries"],
        read_json(&d.join("direct.json"))["entries"]
    );
    // Each shard compares with the whole baseline: nothing new, nothing fixed or stale.
    let mut parts = Vec::new();
    for k in 1..=2 {
        let name = format!("c{k}.json");
        assert_eq!(
            run(
                d,
                &[
                    "audit",
                    "--sites",
                    "sites.txt",
                    "--shard",
                    &format!("{k}/2"),
                    "--baseline",
                    "base.json",
                    "-f",
                    "json",
                    "-o",
                    &name
                ]
            ),
            0
        );
        let r = read_json(&d.join(&name));
        assert_eq!(r["summary"]["baseline"]["fixed"], 0);
        assert_eq!(r["summary"]["baseline"]["stale"], 0);
        parts.push(name);
    }
    run(
        d,
        &["merge", &parts[0], &parts[1], "-f", "json", "-o", "m.json"],
    );
    let m = read_json(&d.join("m.json"));
    let total = full_baseline["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["count"].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert_eq!(m["summary"]["baseline"]["present"].as_u64(), Some(total));
    assert_eq!(m["summary"]["baseline"]["new"], 0);
    // A baseline cannot be written from reports that already applied one.
    govaudit(d)
        .args(["merge", &parts[0], "--write-baseline", "x.json"])
        .assert()
        .code(2);
}

#[test]
fn jsonl_of_the_example_site_merges_to_its_json_report() {
    // Every family runs here; the freshness rules report column findings on pages at the site
    // stage, after those pages were streamed, so their final lines are written again.
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let site = repo("examples/site");
    let site = site.to_str().expect("utf-8 path");
    let common = ["--as-of", "2026-11-27", "--no-config"];
    let out = govaudit(d)
        .args(["audit", site, "-f", "jsonl"])
        .args(common)
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(d.join("s.jsonl"), &out.stdout).expect("write");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut seen = std::collections::HashMap::new();
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).expect("json line");
        if v["type"] == "page" {
            *seen
                .entry(v["url"].as_str().unwrap_or_default().to_string())
                .or_insert(0) += 1;
        }
    }
    assert!(
        seen.values().any(|n| *n > 1),
        "no page was written again after the site stage; the example site's column findings should cause that"
    );
    run(
        d,
        &[
            "audit",
            site,
            "-f",
            "json",
            "-o",
            "direct.json",
            "--as-of",
            "2026-11-27",
            "--no-config",
        ],
    );
    run(d, &["merge", "s.jsonl", "-f", "json", "-o", "m.json"]);
    assert_eq!(
        without_time(read_json(&d.join("m.json"))),
        without_time(read_json(&d.join("direct.json")))
    );
}

#[test]
fn jsonl_of_a_crawled_site_merges_to_its_json_report() {
    let server = common::server::Site::new()
        .page(
            "/",
            page(
                "首页",
                "<a href=\"/a.html\">a</a><a href=\"/b.html\">b</a><img src=\"/x.png\">",
            ),
        )
        .page("/a.html", page("a", "<img src=\"/y.png\">"))
        .page("/b.html", page("b", "<p>ok</p>"))
        .page_bytes("/robots.txt", "text/plain", "User-agent: *\nAllow: /\n")
        .serve();
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let url = server.url("/");
    let out = govaudit(d)
        .args([
            "audit",
            &url,
            "-f",
            "jsonl",
            "--no-sitemaps",
            "--disable",
            "ipv6",
        ])
        .output()
        .expect("runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let pages = text
        .lines()
        .filter(|l| l.starts_with("{\"type\":\"page\""))
        .count();
    assert!(pages >= 3, "{text}");
    std::fs::write(d.join("s.jsonl"), &text).expect("write");
    run(
        d,
        &[
            "audit",
            &url,
            "-f",
            "json",
            "-o",
            "direct.json",
            "--no-sitemaps",
            "--disable",
            "ipv6",
        ],
    );
    run(d, &["merge", "s.jsonl", "-f", "json", "-o", "m.json"]);
    let mut m = without_time(read_json(&d.join("m.json")));
    let mut direct = without_time(read_json(&d.join("direct.json")));
    // Crawl timings differ between the two runs.
    for r in [&mut m, &mut direct] {
        if let Some(c) = r["sites"][0].get_mut("crawl") {
            *c = Value::Null;
        }
        for p in r["pages"].as_array_mut().into_iter().flatten() {
            if let Some(o) = p.as_object_mut() {
                o.remove("elapsed_ms");
            }
        }
    }
    assert_eq!(m, direct);
}
