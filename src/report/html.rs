//! One self-contained HTML file for people: totals, then per site a summary with counts by
//! severity and family (inline SVG charts), the score estimate, the identity inventory
//! (whatever `identity` facts the families recorded), and the findings of each page grouped by
//! rule with the catalog's explanation and fix.
//!
//! Page-derived content never becomes markup: the template (`report.html`) is rendered by
//! minijinja with HTML auto-escaping on for every value, links are made only from `http(s)`
//! URLs (a `javascript:` href stays text), and a Content-Security-Policy forbids scripts and
//! any outside request, so even an escaping mistake could not run code or load assets.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{Finding, PageReport, Report, Severity, SeverityCounts, Writer, view};
use crate::baseline::BaselineSummary;
use crate::catalog::Catalog;
use crate::i18n::Lang;
use crate::tr;

/// The template (auto-escaped: its name ends in `.html`).
pub const TEMPLATE: &str = include_str!("report.html");

/// How many pages an aggregated finding lists before "and N more".
const PAGES_SHOWN: usize = 20;

/// Writes HTML.
pub struct HtmlWriter;

#[derive(Serialize)]
struct Counts {
    error: usize,
    warning: usize,
    notice: usize,
    total: usize,
}

impl From<&SeverityCounts> for Counts {
    fn from(c: &SeverityCounts) -> Self {
        Counts {
            error: c.error,
            warning: c.warning,
            notice: c.notice,
            total: view::total(c),
        }
    }
}

#[derive(Serialize)]
struct Seg {
    x: String,
    w: String,
    class: &'static str,
    n: usize,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    y: usize,
    text_y: usize,
    total: usize,
    total_x: String,
    segs: Vec<Seg>,
}

#[derive(Serialize)]
struct Chart {
    width: usize,
    height: usize,
    bars: Vec<Bar>,
}

const CHART_LABEL_W: f64 = 110.0;
const CHART_BAR_W: f64 = 300.0;
const CHART_ROW_H: usize = 24;

fn chart(rows: &[(String, SeverityCounts)]) -> Chart {
    let max = rows
        .iter()
        .map(|(_, c)| view::total(c))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (label, c))| {
            let mut x = CHART_LABEL_W;
            let mut segs = Vec::new();
            for sev in [Severity::Error, Severity::Warning, Severity::Notice] {
                let n = c.get(sev);
                if n == 0 {
                    continue;
                }
                let w = (n as f64 / max * CHART_BAR_W).max(1.0);
                segs.push(Seg {
                    x: format!("{x:.1}"),
                    w: format!("{w:.1}"),
                    class: sev.as_str(),
                    n,
                });
                x += w;
            }
            let y = i * CHART_ROW_H + 4;
            Bar {
                label: label.clone(),
                y,
                text_y: y + 12,
                total: view::total(c),
                total_x: format!("{:.1}", x + 6.0),
                segs,
            }
        })
        .collect();
    Chart {
        width: (CHART_LABEL_W + CHART_BAR_W + 60.0) as usize,
        height: rows.len() * CHART_ROW_H + 8,
        bars,
    }
}

#[derive(Serialize)]
struct PageRef {
    name: String,
    link: Option<String>,
}

#[derive(Serialize)]
struct FView {
    severity: &'static str,
    severity_label: &'static str,
    message: String,
    location: String,
    snippet: Option<String>,
    url: Option<String>,
    url_link: Option<String>,
    evidence: Option<String>,
    pages: Vec<PageRef>,
    more_pages: usize,
}

#[derive(Serialize)]
struct Group {
    rule: String,
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    help: String,
    fix: String,
    refs: Vec<String>,
    count: usize,
    findings: Vec<FView>,
}

#[derive(Serialize)]
struct PageView {
    name: String,
    link: Option<String>,
    title: Option<String>,
    status: Option<u16>,
    encoding: Option<String>,
    counts: Counts,
    groups: Vec<Group>,
    identity: Vec<(String, String)>,
}

#[derive(Serialize)]
struct ScoreView {
    estimate: u64,
    verdict: String,
    fail: bool,
    veto: Vec<String>,
}

#[derive(Serialize)]
struct SiteView {
    anchor: String,
    root: String,
    link: Option<String>,
    name: Option<String>,
    kind: String,
    pages_count: usize,
    clean_pages: Vec<PageRef>,
    counts: Counts,
    score: Option<ScoreView>,
    family_chart: Chart,
    severity_chart: Chart,
    key_facts_source: Option<String>,
    key_facts: Vec<(String, String, String)>,
    identity_site: Vec<(String, String)>,
    identity_home_source: Option<String>,
    identity_home: Vec<(String, String)>,
    notes: Vec<String>,
    groups: Vec<Group>,
    pages: Vec<PageView>,
}

#[derive(Serialize)]
struct BaselineView {
    file: String,
    new: usize,
    present: usize,
    fixed: usize,
    stale: usize,
    fixed_entries: Vec<(String, String, String)>,
}

#[derive(Serialize)]
struct Ctx {
    lang: &'static str,
    t: BTreeMap<&'static str, &'static str>,
    generated_at: String,
    version: String,
    complete: bool,
    summary: Counts,
    sites_count: usize,
    pages_count: usize,
    baseline: Option<BaselineView>,
    overview_chart: Option<Chart>,
    family_chart: Chart,
    sites: Vec<SiteView>,
}

fn labels(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    let pairs: &[(&str, &str, &str)] = &[
        (
            "title",
            "政府网站审计报告",
            "Government website audit report",
        ),
        ("generated", "生成时间", "Generated"),
        ("sites", "站点", "Sites"),
        ("pages", "页面", "Pages"),
        ("findings", "问题", "Findings"),
        ("error", "错误", "Errors"),
        ("warning", "警告", "Warnings"),
        ("notice", "提示", "Notices"),
        (
            "incomplete",
            "审计未完成（被中断或达到时间限制），报告只包含已检查的部分。",
            "The audit did not finish (interrupted or time limit); the report covers what was checked.",
        ),
        ("baseline", "基线对比", "Baseline comparison"),
        ("new", "新增", "New"),
        ("present", "仍存在", "Still present"),
        ("fixed", "已修复", "Fixed"),
        ("stale", "无法核对", "Stale"),
        ("by_family", "按类别", "By family"),
        ("by_severity", "按级别", "By severity"),
        ("by_site", "各站点问题数", "Findings per site"),
        ("score", "估算得分", "Score estimate"),
        (
            "score_note",
            "估算值，依据 govaudit 的检查结果按规则扣分，并非国办检查指标的正式得分。",
            "An estimate from govaudit's findings (points per rule), not the official inspection score.",
        ),
        ("veto", "否决项", "Veto items"),
        ("identity", "标识信息", "Identity inventory"),
        ("identity_from", "取自", "from"),
        (
            "identity_site",
            "全站标识汇总",
            "Site-wide identity summary",
        ),
        ("identity_home", "首页标识信息", "Home page identity facts"),
        (
            "no_identity",
            "未记录标识信息。",
            "No identity facts recorded.",
        ),
        ("site_findings", "站点级问题", "Site-level findings"),
        ("page_findings", "页面问题", "Findings per page"),
        ("clean_pages", "无问题的页面", "Pages without findings"),
        ("why", "为什么：", "Why it matters: "),
        ("fix", "如何修复：", "How to fix: "),
        ("refs", "依据：", "References: "),
        ("line", "位置", "Where"),
        ("more_pages", "另有页面", "more pages"),
        ("no_findings", "未发现问题。", "No findings."),
        ("notes", "说明", "Notes"),
        ("kind_local", "本地文件", "local files"),
        ("kind_remote", "网站", "website"),
        ("status", "状态", "status"),
        ("contents", "目录", "Contents"),
        ("estimate_pass", "合格（估算）", "pass (estimate)"),
        ("estimate_fail", "不合格（估算）", "fail (estimate)"),
        ("evidence", "证据来源", "Evidence"),
    ];
    pairs
        .iter()
        .map(|(k, zh, en)| (*k, if lang == Lang::Zh { *zh } else { *en }))
        .collect()
}

fn finding_view(f: &Finding, lang: Lang) -> FView {
    FView {
        severity: f.severity.as_str(),
        severity_label: f.severity.label(lang),
        message: f.message.clone(),
        location: view::location_text(f, lang),
        snippet: f.snippet.clone(),
        url: f.url.clone(),
        url_link: f.url.as_deref().and_then(view::safe_link),
        evidence: f.evidence.clone(),
        pages: f
            .pages
            .iter()
            .take(PAGES_SHOWN)
            .map(|p| PageRef {
                name: p.clone(),
                link: view::safe_link(p),
            })
            .collect(),
        more_pages: f.pages.len().saturating_sub(PAGES_SHOWN),
    }
}

fn groups(findings: &[&Finding], lang: Lang) -> Vec<Group> {
    let catalog = Catalog::embedded();
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let mut out: Vec<Group> = by_rule
        .into_iter()
        .map(|(rule, fs)| {
            let worst = fs
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Notice);
            let entry = catalog.get(rule);
            Group {
                rule: rule.to_string(),
                title: entry.map_or_else(|| rule.to_string(), |e| e.title.get(lang).to_string()),
                severity: worst.as_str(),
                severity_label: worst.label(lang),
                help: entry
                    .map(|e| e.help.get(lang).to_string())
                    .unwrap_or_default(),
                fix: entry
                    .map(|e| e.fix.get(lang).to_string())
                    .unwrap_or_default(),
                refs: entry.map(|e| catalog.format_refs(e)).unwrap_or_default(),
                count: fs.len(),
                findings: fs.iter().map(|f| finding_view(f, lang)).collect(),
            }
        })
        .collect();
    out.sort_by_key(|g| {
        std::cmp::Reverse(match g.severity {
            "error" => 3,
            "warning" => 2,
            _ => 1,
        })
    });
    out
}

fn page_view(p: &PageReport, lang: Lang) -> PageView {
    let mut c = SeverityCounts::default();
    for f in &p.findings {
        c.add(f.severity);
    }
    let fs: Vec<&Finding> = p.findings.iter().collect();
    PageView {
        name: view::page_name(p).to_string(),
        link: view::safe_link(&p.url),
        title: p.title.clone(),
        status: p.status,
        encoding: p.encoding.clone(),
        counts: Counts::from(&c),
        groups: groups(&fs, lang),
        identity: p
            .facts
            .get("identity")
            .map(view::flatten)
            .unwrap_or_default(),
    }
}

fn context(report: &Report) -> Ctx {
    let lang = report.lang;
    let t = labels(lang);
    let mut sites = Vec::new();
    for (i, site) in report.sites.iter().enumerate() {
        let counts = view::severity_counts(report, i);
        let fam: Vec<(String, SeverityCounts)> =
            view::family_counts(report, i).into_iter().collect();
        let sev_rows: Vec<(String, SeverityCounts)> =
            [Severity::Error, Severity::Warning, Severity::Notice]
                .iter()
                .map(|s| {
                    let mut c = SeverityCounts::default();
                    for _ in 0..counts.get(*s) {
                        c.add(*s);
                    }
                    (s.label(lang).to_string(), c)
                })
                .collect();
        let (key_facts_source, key_facts) = view::identity_key_facts(report, i);
        let key_facts = key_facts
            .into_iter()
            .map(|(k, v)| {
                let v = match v.as_str() {
                    "true" => lang.pick("有", "yes").to_string(),
                    "false" => lang.pick("无", "no").to_string(),
                    _ => v,
                };
                (view::identity_label(&k, lang), k, v)
            })
            .collect();
        let identity_site = view::identity_site_rows(report, i);
        let (identity_home_source, identity_home) = view::identity_home_rows(report, i);
        let site_fs: Vec<&Finding> = site.findings.iter().collect();
        let mut pages = Vec::new();
        let mut clean = Vec::new();
        for p in view::site_pages(report, i) {
            if p.findings.is_empty() {
                clean.push(PageRef {
                    name: view::page_name(p).to_string(),
                    link: view::safe_link(&p.url),
                });
            } else {
                pages.push(page_view(p, lang));
            }
        }
        sites.push(SiteView {
            anchor: format!("site-{}", i + 1),
            root: site.root.clone(),
            link: view::safe_link(&site.root),
            name: view::site_label(site),
            kind: site.kind.clone(),
            pages_count: site.pages,
            clean_pages: clean,
            counts: Counts::from(&counts),
            score: view::site_score(site).map(|(estimate, verdict, veto)| ScoreView {
                estimate,
                fail: verdict == "fail",
                verdict: if verdict == "fail" {
                    t["estimate_fail"].to_string()
                } else {
                    t["estimate_pass"].to_string()
                },
                veto,
            }),
            family_chart: chart(&fam),
            severity_chart: chart(&sev_rows),
            key_facts_source,
            key_facts,
            identity_site,
            identity_home_source,
            identity_home,
            notes: site.notes.clone(),
            groups: groups(&site_fs, lang),
            pages,
        });
    }
    let overview_chart = (report.sites.len() > 1).then(|| {
        let rows: Vec<(String, SeverityCounts)> = report
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let label = view::site_label(s).unwrap_or_else(|| s.root.clone());
                (
                    crate::dom::truncate_chars(&label, 18).into_owned(),
                    view::severity_counts(report, i),
                )
            })
            .collect();
        chart(&rows)
    });
    let baseline = report
        .summary
        .extra
        .get("baseline")
        .and_then(|v| serde_json::from_value::<BaselineSummary>(v.clone()).ok())
        .map(|b| BaselineView {
            file: b.file,
            new: b.new,
            present: b.present,
            fixed: b.fixed,
            stale: b.stale,
            fixed_entries: b
                .fixed_entries
                .iter()
                .map(|e| {
                    (
                        e.rule.clone(),
                        e.page.clone().unwrap_or_else(|| e.site.clone()),
                        e.message.clone(),
                    )
                })
                .collect(),
        });
    let s = &report.summary;
    Ctx {
        lang: lang.tag(),
        t,
        generated_at: report.generated_at.clone(),
        version: report.tool.version.clone(),
        complete: report.complete,
        summary: Counts::from(&s.by_severity),
        sites_count: s.sites,
        pages_count: s.pages,
        baseline,
        overview_chart,
        family_chart: chart(
            &view::all_family_counts(report)
                .into_iter()
                .collect::<Vec<_>>(),
        ),
        sites,
    }
}

/// Renders the HTML report.
pub fn render_html(report: &Report) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let tmpl = env.get_template("report.html")?;
    tmpl.render(minijinja::value::Serde(context(report)))
}

impl Writer for HtmlWriter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
        let html = render_html(report).map_err(|e| std::io::Error::other(e.to_string()))?;
        out.write_all(html.as_bytes())
    }
}

/// A short text used in tests and docs: the report's title in a language.
pub fn title(lang: Lang) -> String {
    tr!(lang, "政府网站审计报告", "Government website audit report")
}
