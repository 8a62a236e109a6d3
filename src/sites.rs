//! Many sites: site lists (`--sites FILE`), sharding (`--shard K/N`) and the per-site facts
//! added after an audit (`input`, `score`).
//!
//! Each input is its own site. A site list adds inputs: one URL (or folder) per line with `#`
//! comments, or a CSV file with a header naming the URL column (`url`, `网址`, `网站地址`,
//! `域名`...) and optionally a name column (`name`, `网站名称`...). Files saved by Excel in
//! China are often GB18030 (GBK) or UTF-16: both are read.
//!
//! Sharding picks the sites whose stable hash (SHA-256 of the normalised site key, not Rust's
//! randomised hasher) falls in shard K of N, so N machines given the same list and `--shard
//! 1/N` ... `--shard N/N` audit every site exactly once; `govaudit merge` joins their reports
//! back in list order (each site carries `input.index`).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::report::{PageReport, Report, Severity, SiteReport};

/// `--shard K/N`: which part of the site list this run audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number; `None` = from the environment (`auto`).
    pub k: Option<usize>,
    /// Number of shards; `None` = from `CI_NODE_TOTAL` (`auto` alone).
    pub n: Option<usize>,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || {
            format!("invalid shard {t:?}: expected K/N with 1 <= K <= N (e.g. 2/4), auto/N or auto")
        };
        if t.eq_ignore_ascii_case("auto") {
            return Ok(Shard { k: None, n: None });
        }
        let (k, n) = t.split_once('/').ok_or_else(bad)?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(bad());
        }
        let k = if k.trim().eq_ignore_ascii_case("auto") {
            None
        } else {
            let k: usize = k.trim().parse().map_err(|_| bad())?;
            if k == 0 || k > n {
                return Err(bad());
            }
            Some(k)
        };
        Ok(Shard { k, n: Some(n) })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.k, self.n) {
            (Some(k), Some(n)) => write!(f, "{k}/{n}"),
            (None, Some(n)) => write!(f, "auto/{n}"),
            _ => write!(f, "auto"),
        }
    }
}

impl Serialize for Shard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Shard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Shard {
    /// The 1-based shard number and the number of shards, reading the environment for `auto`:
    /// `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job, 0-based) or `CI_NODE_INDEX` (GitLab
    /// `parallel:`, 1-based); `CI_NODE_TOTAL` for N.
    pub fn resolve(&self) -> Result<(usize, usize)> {
        self.resolve_with(|k| std::env::var(k).ok())
    }

    /// [`Shard::resolve`] with an injectable environment (tests).
    pub fn resolve_with(&self, env: impl Fn(&str) -> Option<String>) -> Result<(usize, usize)> {
        let n = match self.n {
            Some(n) => n,
            None => env("CI_NODE_TOTAL")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    Error::Config(
                        "--shard auto needs CI_NODE_TOTAL in the environment; give auto/N instead"
                            .into(),
                    )
                })?,
        };
        let k = match self.k {
            Some(k) => k,
            None => {
                if let Some(v) = env("JOB_COMPLETION_INDEX") {
                    let i: usize = v.trim().parse().map_err(|_| {
                        Error::Config(format!("JOB_COMPLETION_INDEX is not a number: {v:?}"))
                    })?;
                    i + 1
                } else if let Some(v) = env("CI_NODE_INDEX") {
                    v.trim().parse().map_err(|_| {
                        Error::Config(format!("CI_NODE_INDEX is not a number: {v:?}"))
                    })?
                } else {
                    return Err(Error::Config(
                        "--shard auto/N needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or CI_NODE_INDEX (GitLab parallel) in the environment".into(),
                    ));
                }
            }
        };
        if k == 0 || k > n {
            return Err(Error::Config(format!(
                "shard {k} is outside 1..={n} (JOB_COMPLETION_INDEX counts from 0, CI_NODE_INDEX from 1)"
            )));
        }
        Ok((k, n))
    }
}

/// One site to audit, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteEntry {
    /// The input (URL or path).
    pub input: String,
    /// A name from the list's name column.
    pub name: Option<String>,
    /// `FILE:LINE` for list entries; `None` for command-line inputs.
    pub source: Option<String>,
}

/// The inputs of a run after site lists and sharding.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The sites to audit, each with its position in the whole (unsharded) list.
    pub sites: Vec<(usize, SiteEntry)>,
    /// Total number of sites before sharding.
    pub total: usize,
    /// The resolved shard, when sharding.
    pub shard: Option<(usize, usize)>,
    /// Whether `--sites` or `--shard` was used (then each site records `input`).
    pub annotate: bool,
    /// Messages for standard error (duplicates skipped).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The inputs, in order.
    pub fn inputs(&self) -> Vec<String> {
        self.sites.iter().map(|(_, e)| e.input.clone()).collect()
    }
}

/// Column headers accepted for the URL column of a CSV site list (compared lower-case).
pub const URL_HEADERS: &[&str] = &[
    "url",
    "urls",
    "site",
    "website",
    "网址",
    "网站地址",
    "网站网址",
    "地址",
    "域名",
    "网站域名",
    "链接",
];
/// Column headers accepted for the site-name column.
pub const NAME_HEADERS: &[&str] = &[
    "name",
    "site name",
    "网站名称",
    "名称",
    "网站",
    "单位",
    "主办单位",
];

/// Expands `--sites` files after the command-line inputs, drops duplicates, and applies
/// `--shard`.
pub fn plan(inputs: &[String], site_files: &[PathBuf], shard: Option<Shard>) -> Result<Plan> {
    let mut all: Vec<SiteEntry> = inputs
        .iter()
        .map(|i| SiteEntry {
            input: i.clone(),
            name: None,
            source: None,
        })
        .collect();
    for file in site_files {
        let (bytes, dir) = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                .map_err(|e| Error::io("cannot read", PathBuf::from("standard input"), e))?;
            (buf, PathBuf::from("."))
        } else {
            let b = std::fs::read(file).map_err(|e| Error::io("cannot read site list", file, e))?;
            let dir = file
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (b, dir)
        };
        let text = decode_text(&bytes);
        all.extend(parse_site_list(&text, &file.display().to_string(), &dir)?);
    }
    let mut seen = HashSet::new();
    let mut warnings = Vec::new();
    let mut unique = Vec::with_capacity(all.len());
    for e in all {
        let key = site_key(&e.input);
        if seen.insert(key) {
            unique.push(e);
        } else {
            warnings.push(format!(
                "duplicate site skipped: {}{}",
                e.input,
                e.source
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ));
        }
    }
    let total = unique.len();
    let resolved = shard.map(|s| s.resolve()).transpose()?;
    let sites = unique
        .into_iter()
        .enumerate()
        .filter(|(_, e)| match resolved {
            Some((k, n)) => shard_of(&e.input, n) == k,
            None => true,
        })
        .collect();
    Ok(Plan {
        sites,
        total,
        shard: resolved,
        annotate: !site_files.is_empty() || shard.is_some(),
        warnings,
    })
}

/// Decodes a text file: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (what
/// Excel in China saves CSV as).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE.decode(bytes).0.into_owned();
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return encoding_rs::UTF_16BE.decode(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Parses a site list (see the module documentation). `name` names the file in messages;
/// relative paths are resolved against `dir`.
pub fn parse_site_list(text: &str, name: &str, dir: &Path) -> Result<Vec<SiteEntry>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .peekable();
    let Some(&(first_no, first)) = lines.peek() else {
        return Ok(Vec::new());
    };
    let delim = if first.contains('\t') {
        Some('\t')
    } else if first.contains(',') {
        Some(',')
    } else {
        None
    };
    let mut out = Vec::new();
    if let Some(d) = delim {
        let header: Vec<String> = split_csv_line(first, d)
            .into_iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let url_col = header
            .iter()
            .position(|h| URL_HEADERS.contains(&h.as_str()));
        let Some(url_col) = url_col else {
            return Err(Error::Config(format!(
                "{name}:{first_no}: a CSV site list needs a header row naming the URL column ({}); found {:?}",
                URL_HEADERS.join(", "),
                header
            )));
        };
        let name_col = header
            .iter()
            .position(|h| NAME_HEADERS.contains(&h.as_str()));
        lines.next();
        for (no, line) in lines {
            let fields = split_csv_line(line, d);
            let raw = fields.get(url_col).map(|s| s.trim()).unwrap_or("");
            if raw.is_empty() {
                continue;
            }
            let site_name = name_col
                .and_then(|c| fields.get(c))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            out.push(SiteEntry {
                input: normalise_entry(raw, dir)
                    .map_err(|m| Error::Config(format!("{name}:{no}: {m}")))?,
                name: site_name,
                source: Some(format!("{name}:{no}")),
            });
        }
    } else {
        for (no, line) in lines {
            let t = line.split(" #").next().unwrap_or(line).trim();
            if t.contains(char::is_whitespace) {
                return Err(Error::Config(format!(
                    "{name}:{no}: one URL or folder per line expected, found {t:?}"
                )));
            }
            out.push(SiteEntry {
                input: normalise_entry(t, dir)
                    .map_err(|m| Error::Config(format!("{name}:{no}: {m}")))?,
                name: None,
                source: Some(format!("{name}:{no}")),
            });
        }
    }
    Ok(out)
}

/// Splits one CSV line (RFC 4180 quotes; a quoted field cannot span lines here).
pub fn split_csv_line(line: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() {
            cur.clear();
            quoted = true;
        } else if c == delim {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Turns a list entry into an input: an http(s) URL as is; an existing path (relative to the
/// list's folder); a bare domain (`www.example.gov.cn`) becomes `http://` + it (a site that
/// serves HTTPS redirects there).
fn normalise_entry(raw: &str, dir: &Path) -> Result<String, String> {
    let t = raw.trim().trim_matches('"').trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(t.to_string());
    }
    if let Some((scheme, _)) = t.split_once("://") {
        return Err(format!(
            "unsupported scheme {scheme}: in {t:?} (http and https URLs, or folders)"
        ));
    }
    let p = Path::new(t);
    let candidate = if p.is_relative() && dir != Path::new(".") {
        dir.join(p)
    } else {
        p.to_path_buf()
    };
    if candidate.exists() {
        return Ok(candidate.display().to_string());
    }
    let host = t.split('/').next().unwrap_or(t);
    let looks_like_host = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if looks_like_host {
        Ok(format!("http://{t}"))
    } else {
        Err(format!(
            "{t:?} is neither an http(s) URL, a domain, nor an existing file or folder"
        ))
    }
}

/// The normalised key of a site input, for de-duplication and sharding: a URL's host (lower
/// case), non-default port and path without trailing `/`, without scheme; a path with `/`
/// separators, without `./` and trailing `/`.
pub fn site_key(input: &str) -> String {
    let t = input.trim();
    let lower = t.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && let Ok(u) = url::Url::parse(t)
    {
        let mut k = u.host_str().unwrap_or("").to_ascii_lowercase();
        if let Some(p) = u.port() {
            k.push_str(&format!(":{p}"));
        }
        k.push_str(u.path().trim_end_matches('/'));
        if let Some(q) = u.query() {
            k.push('?');
            k.push_str(q);
        }
        return k;
    }
    let mut s = t.replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() {
        s
    } else {
        trimmed.to_string()
    }
}

/// The 1-based shard (of `n`) a site belongs to: SHA-256 of [`site_key`], first 8 bytes as a
/// big-endian number, modulo `n`, plus one.
pub fn shard_of(input: &str, n: usize) -> usize {
    let d = ring::digest::digest(&ring::digest::SHA256, site_key(input).as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d.as_ref()[..8]);
    (u64::from_be_bytes(b) % n.max(1) as u64) as usize + 1
}

/// Rules whose error findings correspond to a 单项否决 (veto) item of the national inspection
/// (国办秘函〔2019〕19号; RULES.md §11).
pub const VETO_RULES: &[&str] = &[
    "links/illegal-external",
    "links/site-unavailable",
    "freshness/homepage-stale",
    "freshness/column-stale-threshold",
    "freshness/blank-column-threshold",
    "freshness/reply-overdue",
    "freshness/future-date",
];

/// Points deducted per distinct rule with findings on a site, by the rule's most serious
/// severity there.
pub const DEDUCTION: [(Severity, u32); 3] = [
    (Severity::Error, 5),
    (Severity::Warning, 2),
    (Severity::Notice, 0),
];

/// The per-site score estimate (documented in docs/reports.md): 100 minus 5 points per
/// distinct rule with an error finding and 2 per distinct rule with (at most) warnings,
/// floored at 0. `veto` lists the rules behind the failing single-veto items of the site's
/// national-inspection scorecard (`inspection`, written by the freshness family) when there is
/// one, else the [`VETO_RULES`] with error findings. `verdict` is `fail` on a veto or below 60
/// (the inspection's 不合格 line), else `pass`. It is an estimate, not the inspection's score:
/// the official 扣分 items are not all machine-checkable.
pub fn score(site: &SiteReport, pages: &[&PageReport]) -> Value {
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    let all = site
        .findings
        .iter()
        .chain(pages.iter().flat_map(|p| p.findings.iter()));
    for f in all {
        let e = worst.entry(f.rule.as_str()).or_insert(f.severity);
        if f.severity > *e {
            *e = f.severity;
        }
    }
    let mut deducted = BTreeMap::new();
    let mut points = 0u32;
    for (sev, per) in DEDUCTION {
        let n = worst.values().filter(|s| **s == sev).count();
        deducted.insert(sev.as_str(), n);
        points += per * n as u32;
    }
    let veto: Vec<String> = match inspection_veto(site) {
        Some(v) => v,
        None => worst
            .iter()
            .filter(|(r, s)| **s == Severity::Error && VETO_RULES.contains(r))
            .map(|(r, _)| (*r).to_string())
            .collect(),
    };
    let estimate = 100u32.saturating_sub(points);
    let verdict = if !veto.is_empty() || estimate < 60 {
        "fail"
    } else {
        "pass"
    };
    json!({
        "estimate": estimate,
        "rules": deducted,
        "veto": veto,
        "verdict": verdict,
        "method": "govaudit-estimate-1",
    })
}

/// The rules behind the failing single-veto items of the freshness family's national-inspection
/// scorecard (`sites[].inspection`), when the site has one.
fn inspection_veto(site: &SiteReport) -> Option<Vec<String>> {
    let items = site.facts.get("inspection")?.get("veto")?.as_array()?;
    let mut out = Vec::new();
    for item in items {
        if item.get("verdict").and_then(Value::as_str) != Some("fail") {
            continue;
        }
        let rules = item.get("rules").and_then(Value::as_object);
        let mut named = false;
        for (rule, n) in rules.into_iter().flatten() {
            if n.as_u64().unwrap_or(0) > 0 && !out.contains(rule) {
                out.push(rule.clone());
                named = true;
            }
        }
        if !named && let Some(id) = item.get("id").and_then(Value::as_str) {
            out.push(format!("inspection/{id}"));
        }
    }
    Some(out)
}

/// Adds the per-site facts after an audit: `score` for every site, and `input` (`index` in the
/// whole list, `name`, `source`) when a site list or sharding was used.
pub fn annotate(report: &mut Report, plan: Option<&Plan>) {
    let Report { sites, pages, .. } = report;
    for (i, site) in sites.iter_mut().enumerate() {
        let own: Vec<&PageReport> = pages.iter().filter(|p| p.site == i).collect();
        let entry = plan.filter(|p| p.annotate).and_then(|p| p.sites.get(i));
        annotate_site(site, &own, entry);
    }
}

/// [`annotate`] for one site (also used while streaming): `entry` is the site's list entry
/// when `input` is to be recorded.
pub fn annotate_site(
    site: &mut SiteReport,
    pages: &[&PageReport],
    entry: Option<&(usize, SiteEntry)>,
) {
    let s = score(site, pages);
    site.facts.insert("score".into(), s);
    if let Some((index, e)) = entry {
        let mut input = serde_json::Map::new();
        input.insert("index".into(), json!(index));
        if let Some(n) = &e.name {
            input.insert("name".into(), json!(n));
        }
        if let Some(s) = &e.source {
            input.insert("source".into(), json!(s));
        }
        site.facts.insert("input".into(), Value::Object(input));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Finding;

    #[test]
    fn shard_parse() {
        assert_eq!(
            "2/4".parse::<Shard>(),
            Ok(Shard {
                k: Some(2),
                n: Some(4)
            })
        );
        assert_eq!(
            "auto/3".parse::<Shard>(),
            Ok(Shard {
                k: None,
                n: Some(3)
            })
        );
        assert_eq!("auto".parse::<Shard>(), Ok(Shard { k: None, n: None }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
    }

    #[test]
    fn shard_env() {
        let s: Shard = "auto/4".parse().expect("parses");
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "0".to_string());
        assert_eq!(s.resolve_with(k8s).expect("ok"), (1, 4));
        let gl = |k: &str| match k {
            "CI_NODE_INDEX" => Some("3".to_string()),
            "CI_NODE_TOTAL" => Some("5".to_string()),
            _ => None,
        };
        assert_eq!(s.resolve_with(gl).expect("ok"), (3, 4));
        let auto: Shard = "auto".parse().expect("parses");
        assert_eq!(auto.resolve_with(gl).expect("ok"), (3, 5));
        let out = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "4".to_string());
        assert!(s.resolve_with(out).is_err());
        assert!(s.resolve_with(|_| None).is_err());
    }

    #[test]
    fn shards_partition_deterministically() {
        let sites: Vec<String> = (0..200).map(|i| format!("https://s{i}.gov.cn/")).collect();
        let mut counts = [0usize; 4];
        for s in &sites {
            let k = shard_of(s, 4);
            assert!((1..=4).contains(&k));
            counts[k - 1] += 1;
            assert_eq!(k, shard_of(s, 4));
            // Scheme, case and trailing slash do not move a site.
            assert_eq!(
                k,
                shard_of(s.replace("https", "HTTP").trim_end_matches('/'), 4)
            );
        }
        assert!(counts.iter().all(|c| *c > 25), "{counts:?}");
        // Pinned values: the hash must never change between versions.
        assert_eq!(
            site_key("HTTPS://WWW.Example.GOV.cn/"),
            "www.example.gov.cn"
        );
        assert_eq!(site_key("./dist/"), "dist");
    }

    #[test]
    fn plain_and_csv_lists() {
        let dir = Path::new("/nonexistent-dir");
        let plain = "# 省级\nhttps://www.a.gov.cn/\n\n  www.b.gov.cn  # 无协议\n";
        let v = parse_site_list(plain, "l.txt", dir).expect("parses");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].input, "http://www.b.gov.cn");
        assert_eq!(v[1].source.as_deref(), Some("l.txt:4"));
        let csv = "序号,网站名称,网址\n1,\"云汀县人民政府, 门户\",https://www.yunting.gov.cn/\n2,,www.c.gov.cn\n";
        let v = parse_site_list(csv, "l.csv", dir).expect("parses");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].name.as_deref(), Some("云汀县人民政府, 门户"));
        assert_eq!(v[1].input, "http://www.c.gov.cn");
        let err = parse_site_list("a,b\n1,2\n", "l.csv", dir).expect_err("no url column");
        assert!(err.to_string().contains("header"), "{err}");
        let err = parse_site_list("not a url\n", "l.txt", dir).expect_err("bad");
        assert!(err.to_string().contains("l.txt:1"), "{err}");
        let err = parse_site_list("ftp://x.gov.cn/\n", "l.txt", dir).expect_err("bad");
        assert!(err.to_string().contains("scheme"), "{err}");
    }

    #[test]
    fn gbk_csv_is_read() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("网址,网站名称\nwww.a.gov.cn,甲\n");
        let text = decode_text(&bytes);
        let v = parse_site_list(&text, "l.csv", Path::new("/x")).expect("parses");
        assert_eq!(v[0].name.as_deref(), Some("甲"));
    }

    #[test]
    fn score_takes_the_veto_from_the_inspection_scorecard() {
        let mut site = SiteReport {
            root: "x".into(),
            kind: "remote".into(),
            pages: 1,
            findings: vec![Finding::new("page/fetch-failed", Severity::Error, "m")],
            notes: vec![],
            facts: Default::default(),
        };
        site.facts.insert(
            "inspection".into(),
            json!({"veto": [
                {"id": "unreachable", "verdict": "fail", "rules": {"page/fetch-failed": 1, "links/site-unavailable": 0}},
                {"id": "homepage", "verdict": "pass", "rules": {"freshness/homepage-stale": 0}},
                {"id": "columns", "verdict": "fail", "rules": {}}
            ]}),
        );
        let s = score(&site, &[]);
        assert_eq!(
            s["veto"],
            json!(["page/fetch-failed", "inspection/columns"])
        );
        assert_eq!(s["verdict"], "fail");
        assert_eq!(s["estimate"], 95);
    }

    #[test]
    fn score_estimate() {
        let mut site = SiteReport {
            root: "x".into(),
            kind: "local".into(),
            pages: 1,
            findings: vec![Finding::new(
                "freshness/homepage-stale",
                Severity::Error,
                "m",
            )],
            notes: vec![],
            facts: Default::default(),
        };
        let s = score(&site, &[]);
        assert_eq!(s["estimate"], 95);
        assert_eq!(s["verdict"], "fail");
        site.findings = vec![
            Finding::new("a/b", Severity::Warning, "m"),
            Finding::new("a/b", Severity::Error, "m"),
            Finding::new("a/c", Severity::Warning, "m"),
        ];
        let s = score(&site, &[]);
        assert_eq!(s["estimate"], 93);
        assert_eq!(s["verdict"], "pass");
        assert_eq!(s["rules"]["error"], 1);
    }
}
