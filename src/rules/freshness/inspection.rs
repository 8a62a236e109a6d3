//! The national-inspection scorecard of a site (`sites[].inspection`): each single-veto item
//! (单项否决) of 国办秘函〔2019〕19号 (RULES.md §11) with a verdict and the findings behind it,
//! and the 功能设计 items that the other families' results support.
//!
//! Verdicts are `pass`, `fail` or `not_checked`. govaudit judges three veto items (站点无法访问
//! in this run, 首页不更新, 栏目不更新); the others are marked not machine-checkable
//! (`checkable: false`, verdict `not_checked`) and still list the findings that bear on them
//! (`freshness/future-date` for 伪造发稿日期). The whole scorecard is an estimate
//! (`estimate: true`): D2's monitoring runs for weeks, a run sees the site once.
//!
//! A 功能设计 item (filing, identity, IPv6, accessibility, 关怀版, 繁体版, links) is keyed on
//! rule-id prefixes (`filing/`; `identity/` and `consistency/`; `ipv6/`; `a11y/`; `elder/`;
//! `traditional/`; `links/`). Its verdict: `fail` when a finding of those prefixes has
//! severity error; else `pass` when at least one rule of those prefixes was enabled in the run
//! and the family's site fact does not say it skipped the site (`ipv6.skipped` on a local
//! folder); else `not_checked` (`checked: false`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Settings;
use super::columns::{ColumnState, HomeState, SiteFreshness};
use super::dates::Date;
use crate::i18n::Lang;
use crate::report::{Finding, Report, SeverityCounts};
use crate::rules::{SiteCx, SiteData};
use crate::tr;

/// The governing document of the scorecard.
pub const DOCUMENT: &str = "国办秘函〔2019〕19号";

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Passes, as far as govaudit can tell.
    Pass,
    /// Fails.
    Fail,
    /// Not judged (not machine-checkable, not applicable to this run, or nothing ran).
    NotChecked,
}

impl Verdict {
    /// The verdict in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Pass => lang.pick("通过", "pass"),
            Verdict::Fail => lang.pick("未通过", "FAIL"),
            Verdict::NotChecked => lang.pick("未检查", "not checked"),
        }
    }
}

/// A count against a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    /// The count found.
    pub count: usize,
    /// The count that fails the item.
    pub threshold: usize,
}

/// A single-veto item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoItem {
    /// `security`, `unreachable`, `homepage`, `columns`, `interaction`, `service`.
    pub id: String,
    /// The item as D2 names it, in the report's language.
    pub title: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether govaudit can judge the item at all.
    pub checkable: bool,
    /// What was found, in the report's language.
    pub detail: String,
    /// Counts against the D2 thresholds (`columns`: `stale`, `long_stale`, `blank`).
    pub counts: BTreeMap<String, Threshold>,
    /// The rules behind the item and their finding counts in this report.
    pub rules: BTreeMap<String, usize>,
}

/// A 功能设计 item supported by another family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignItem {
    /// `filing`, `identity`, `ipv6`, `accessibility`, `elder`, `traditional`, `links`.
    pub id: String,
    /// The item, in the report's language.
    pub title: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule-id prefixes it is keyed on.
    pub prefixes: Vec<String>,
    /// Findings of those prefixes, by severity.
    pub findings: SeverityCounts,
    /// Findings per rule id.
    pub rules: BTreeMap<String, usize>,
    /// Whether the family's rules ran on this site (at least one enabled, site not skipped).
    pub checked: bool,
}

/// The `inspection` object of a site in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// The governing document.
    pub document: String,
    /// The as-of date.
    pub as_of: Date,
    /// Always `true`: an estimate from one run, not the inspectors' result.
    pub estimate: bool,
    /// `fail` when a veto item fails; `pass` when the home page and column items pass and
    /// nothing fails; else `not_checked`.
    pub verdict: Verdict,
    /// The single-veto items, in D2's order.
    pub veto: Vec<VetoItem>,
    /// The 功能设计 items.
    pub design: Vec<DesignItem>,
}

struct Design {
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    prefixes: &'static [&'static str],
}

const DESIGN: &[Design] = &[
    Design {
        id: "filing",
        zh: "备案信息（ICP 备案、公安机关备案）",
        en: "Filing numbers (ICP and public-security filing)",
        prefixes: &["filing/"],
    },
    Design {
        id: "identity",
        zh: "网站标识（网站标识码、党政机关网站标识、找错等）",
        en: "Site identity (site code, party-and-government badge, error reporting)",
        prefixes: &["identity/", "consistency/"],
    },
    Design {
        id: "ipv6",
        zh: "IPv6 支持",
        en: "IPv6 support",
        prefixes: &["ipv6/"],
    },
    Design {
        id: "accessibility",
        zh: "无障碍",
        en: "Accessibility",
        prefixes: &["a11y/"],
    },
    Design {
        id: "elder",
        zh: "适老化（关怀版）",
        en: "Elder-friendly version (关怀版)",
        prefixes: &["elder/"],
    },
    Design {
        id: "traditional",
        zh: "繁体版",
        en: "Traditional-script version (繁体版)",
        prefixes: &["traditional/"],
    },
    Design {
        id: "links",
        zh: "链接可用性（错链断链）",
        en: "Links (broken links)",
        prefixes: &["links/"],
    },
];

/// Every finding the scorecard can see: site findings so far, page findings, and page findings
/// decided at the site stage so far.
fn all_findings<'a>(
    site: &'a SiteData<'_>,
    cx: &'a SiteCx<'_>,
) -> Vec<(Option<usize>, &'a Finding)> {
    let mut out: Vec<(Option<usize>, &Finding)> =
        cx.findings_so_far().iter().map(|f| (None, f)).collect();
    for (i, p) in site.pages.iter().enumerate() {
        out.extend(p.findings.iter().map(|f| (Some(i), f)));
    }
    out.extend(cx.page_findings_so_far().iter().map(|(i, f)| (Some(*i), f)));
    out
}

fn counts_of(findings: &[(Option<usize>, &Finding)], ids: &[&str]) -> BTreeMap<String, usize> {
    let mut m: BTreeMap<String, usize> = ids.iter().map(|id| ((*id).to_string(), 0)).collect();
    for (_, f) in findings {
        if let Some(c) = m.get_mut(f.rule.as_str()) {
            *c += 1;
        }
    }
    m
}

/// The verdict of a 功能设计 item: `fail` with an error finding, `pass` when its rules ran
/// (`checked`) without an error, `not_checked` otherwise.
pub fn design_verdict(findings: &SeverityCounts, checked: bool) -> Verdict {
    if findings.error > 0 {
        Verdict::Fail
    } else if checked {
        Verdict::Pass
    } else {
        Verdict::NotChecked
    }
}

/// Builds the scorecard.
pub fn build(site: &SiteData<'_>, cx: &SiteCx<'_>, a: &SiteFreshness, s: &Settings) -> Inspection {
    let lang = cx.lang;
    let findings = all_findings(site, cx);
    let home_idx = site
        .home()
        .and_then(|h| site.pages.iter().position(|p| std::ptr::eq(p, h)));
    let mut veto = Vec::new();

    // 安全、泄密事故等严重问题: not machine-checkable; forged dates are a lead.
    let rules = counts_of(
        &findings,
        &["links/illegal-external", "freshness/future-date"],
    );
    let future = rules.get("freshness/future-date").copied().unwrap_or(0);
    let illegal = rules.get("links/illegal-external").copied().unwrap_or(0);
    let detail = if future + illegal > 0 {
        let mut leads = Vec::new();
        if future > 0 {
            leads.push(tr!(
                lang,
                "{future} 处晚于检查日的日期（可能伪造发稿日期）",
                "{future} date(s) after the as-of date (possibly forged)"
            ));
        }
        if illegal > 0 {
            leads.push(tr!(
                lang,
                "{illegal} 个列入黑名单的外链",
                "{illegal} blocklisted external link(s)"
            ));
        }
        let leads = leads.join(lang.pick("、", " and "));
        tr!(
            lang,
            "无法机器判断；发现 {leads}，需人工核实",
            "not machine-checkable; found {leads}: review by hand"
        )
    } else {
        tr!(
            lang,
            "无法机器判断（严重表述错误、泄密、挂马等需人工检查）",
            "not machine-checkable (serious wording errors, leaks, defacement need a human check)"
        )
    };
    veto.push(VetoItem {
        id: "security".into(),
        title: lang
            .pick(
                "安全、泄密事故等严重问题",
                "Security incidents, leaks and other serious problems",
            )
            .into(),
        verdict: Verdict::NotChecked,
        checkable: false,
        detail,
        counts: BTreeMap::new(),
        rules,
    });

    // 站点无法访问: in this run.
    let mut rules = counts_of(&findings, &["links/site-unavailable"]);
    let mut home_failed = 0;
    for id in ["page/fetch-failed", "page/http-error"] {
        let n = findings
            .iter()
            .filter(|(p, f)| f.rule == id && p.is_some() && *p == home_idx)
            .count();
        home_failed += n;
        rules.insert(id.into(), n);
    }
    let home_report = home_idx.map(|i| &site.pages[i]);
    let unreadable = home_report.is_some_and(|p| {
        (p.status.is_none() && p.encoding.is_none() && !site.info.is_local())
            || p.status.is_some_and(|s| s >= 400)
    });
    let unavailable = rules.get("links/site-unavailable").copied().unwrap_or(0);
    let (verdict, detail) = if unavailable > 0
        || unreadable
        || (home_failed > 0 && !site.info.is_local())
    {
        (
            Verdict::Fail,
            tr!(
                lang,
                "首页在本次运行中无法打开（国办秘函的监测口径为 1 周、每天 20 次以上、超过 15 秒打不开的比例 ≥5%；单次运行只能作为线索）",
                "the home page could not be opened in this run (D2 monitors for a week, 20+ probes a day, failing at 15 s in ≥5% of them; one run is only a lead)"
            ),
        )
    } else if site.info.is_local() {
        (
            Verdict::NotChecked,
            tr!(
                lang,
                "本地文件，无法判断网站可访问性",
                "local files: availability cannot be judged"
            ),
        )
    } else if home_report.is_none() {
        (
            Verdict::NotChecked,
            tr!(lang, "没有审计首页", "no home page was audited"),
        )
    } else {
        (
            Verdict::Pass,
            tr!(
                lang,
                "首页在本次运行中可以打开（单次运行；国办秘函的监测口径为 1 周）",
                "the home page opened in this run (one run; D2 monitors for a week)"
            ),
        )
    };
    veto.push(VetoItem {
        id: "unreachable".into(),
        title: lang.pick("站点无法访问", "Site unreachable").into(),
        verdict,
        checkable: true,
        detail,
        counts: BTreeMap::new(),
        rules,
    });

    // 首页不更新 (with the home page's own undated list).
    let home_undated = findings
        .iter()
        .filter(|(p, f)| f.rule == "freshness/undated" && p.is_some() && *p == home_idx)
        .count();
    let mut rules = counts_of(
        &findings,
        &["freshness/homepage-stale", "freshness/homepage-aging"],
    );
    rules.insert("freshness/undated".into(), home_undated);
    let h = &a.home;
    let limit = s.home_stale_days;
    let as_of = a.as_of;
    let (verdict, detail) = match (h.state, h.newest, h.age_days) {
        (HomeState::Stale, Some(n), Some(age)) => (
            Verdict::Fail,
            tr!(
                lang,
                "最新信息 {n}，距检查日 {as_of} 已 {age} 天（期限 {limit} 天）",
                "newest item {n}, {age} days before {as_of} (limit {limit} days)"
            ),
        ),
        (HomeState::Undated, ..) => (
            Verdict::Fail,
            tr!(
                lang,
                "首页及二级页面均未标注发布日期（视为不更新）",
                "no dated item on the home page or the pages it links to (counts as not updated)"
            ),
        ),
        (HomeState::Fresh | HomeState::Aging, Some(n), Some(age)) => (
            Verdict::Pass,
            tr!(
                lang,
                "最新信息 {n}，距检查日 {as_of} {age} 天（期限 {limit} 天）",
                "newest item {n}, {age} days before {as_of} (limit {limit} days)"
            ),
        ),
        _ => (
            Verdict::NotChecked,
            match h.reason.as_deref() {
                Some("not-a-home-page") => tr!(
                    lang,
                    "审计的起始页面不是首页（如文章页）",
                    "the audited start page is not a home page (an article, say)"
                ),
                Some("no-level2-pages") => tr!(
                    lang,
                    "首页没有标注日期的信息，且未审计其链接的二级页面",
                    "the home page has no dated item and none of the pages it links to was audited"
                ),
                Some("home-unreadable") => {
                    tr!(lang, "首页无法读取", "the home page could not be read")
                }
                _ => tr!(lang, "没有审计首页", "no home page was audited"),
            },
        ),
    };
    let detail = if h.via.as_deref() == Some("level2") {
        tr!(
            lang,
            "导航型首页，按其链接的二级页面计：{detail}",
            "navigation-only home page, judged by the pages it links to: {detail}"
        )
    } else {
        detail
    };
    let mut counts = BTreeMap::new();
    if let Some(age) = h.age_days {
        counts.insert(
            "age_days".to_string(),
            Threshold {
                count: usize::try_from(age.max(0)).unwrap_or(0),
                threshold: limit as usize,
            },
        );
    }
    veto.push(VetoItem {
        id: "homepage".into(),
        title: lang.pick("首页不更新", "Home page not updated").into(),
        verdict,
        checkable: true,
        detail,
        counts,
        rules,
    });

    // 栏目不更新.
    let mut rules = counts_of(
        &findings,
        &[
            "freshness/column-stale",
            "freshness/column-stale-threshold",
            "freshness/blank-column",
            "freshness/blank-column-threshold",
            "freshness/undated",
        ],
    );
    if let Some(n) = rules.get_mut("freshness/undated") {
        *n -= home_undated.min(*n);
    }
    let c = a.counts;
    let mut counts = BTreeMap::new();
    counts.insert(
        "stale".to_string(),
        Threshold {
            count: c.stale_key,
            threshold: s.stale_columns_veto,
        },
    );
    counts.insert(
        "long_stale".to_string(),
        Threshold {
            count: c.long_stale,
            threshold: s.long_stale_columns_veto,
        },
    );
    counts.insert(
        "blank".to_string(),
        Threshold {
            count: c.blank,
            threshold: s.blank_columns_veto,
        },
    );
    let (verdict, detail) = if !a.columns_checked {
        (
            Verdict::NotChecked,
            tr!(
                lang,
                "没有可用的首页，无法找到栏目",
                "no usable home page, so no columns could be found"
            ),
        )
    } else {
        let fail = c.stale_key >= s.stale_columns_veto
            || c.long_stale >= s.long_stale_columns_veto
            || c.blank >= s.blank_columns_veto;
        let (n, k, ks, l, ls, b, bs) = (
            c.columns,
            c.stale_key,
            s.stale_columns_veto,
            c.long_stale,
            s.long_stale_columns_veto,
            c.blank,
            s.blank_columns_veto,
        );
        (
            if fail { Verdict::Fail } else { Verdict::Pass },
            tr!(
                lang,
                "共 {n} 个栏目：动态/公告类未按期更新 {k}/{ks}，长期未更新 {l}/{ls}，空白栏目 {b}/{bs}",
                "{n} columns: news/notice columns not updated in time {k}/{ks}, long not updated {l}/{ls}, blank {b}/{bs}"
            ),
        )
    };
    veto.push(VetoItem {
        id: "columns".into(),
        title: lang.pick("栏目不更新", "Columns not updated").into(),
        verdict,
        checkable: true,
        detail,
        counts,
        rules,
    });

    veto.push(VetoItem {
        id: "interaction".into(),
        title: lang
            .pick("互动回应差", "Poor response to the public")
            .into(),
        verdict: Verdict::NotChecked,
        checkable: false,
        detail: tr!(
            lang,
            "无法机器判断（需核对留言与答复日期）",
            "not machine-checkable (needs the dates of messages and replies)"
        ),
        counts: BTreeMap::new(),
        rules: BTreeMap::new(),
    });
    veto.push(VetoItem {
        id: "service".into(),
        title: lang.pick("服务不实用", "Services not practical").into(),
        verdict: Verdict::NotChecked,
        checkable: false,
        detail: tr!(lang, "无法机器判断", "not machine-checkable"),
        counts: BTreeMap::new(),
        rules: BTreeMap::new(),
    });

    // 功能设计: an item is judged when at least one of its rules ran in this audit and the
    // family did not record that it skipped the site (IPv6 on a local folder, say).
    let enabled = cx.enabled_rules();
    let design = DESIGN
        .iter()
        .map(|d| {
            let mut counts = SeverityCounts::default();
            let mut rules: BTreeMap<String, usize> = BTreeMap::new();
            for (_, f) in &findings {
                if d.prefixes.iter().any(|p| f.rule.starts_with(p)) {
                    counts.add(f.severity);
                    *rules.entry(f.rule.clone()).or_insert(0) += 1;
                }
            }
            let ran = enabled
                .iter()
                .any(|id| d.prefixes.iter().any(|p| id.starts_with(p)));
            let skipped = d.prefixes.iter().any(|p| {
                cx.facts()
                    .get(p.trim_end_matches('/'))
                    .is_some_and(|v| v.get("skipped").is_some_and(|s| !s.is_null()))
            });
            let checked = ran && !skipped;
            let verdict = design_verdict(&counts, checked);
            DesignItem {
                id: d.id.into(),
                title: lang.pick(d.zh, d.en).into(),
                verdict,
                prefixes: d.prefixes.iter().map(|p| (*p).to_string()).collect(),
                findings: counts,
                rules,
                checked,
            }
        })
        .collect();

    let any_fail = veto.iter().any(|v| v.verdict == Verdict::Fail);
    let judged = veto
        .iter()
        .filter(|v| v.id == "homepage" || v.id == "columns")
        .all(|v| v.verdict == Verdict::Pass);
    Inspection {
        document: DOCUMENT.into(),
        as_of: a.as_of,
        estimate: true,
        verdict: if any_fail {
            Verdict::Fail
        } else if judged {
            Verdict::Pass
        } else {
            Verdict::NotChecked
        },
        veto,
        design,
    }
}

/// Recomputes the scorecard and stores it as the site's `inspection` fact (every freshness
/// rule calls this at the end of its site stage; the last one sees every finding).
pub fn refresh(site: &SiteData<'_>, cx: &mut SiteCx<'_>, a: &SiteFreshness, s: &Settings) {
    let card = build(site, cx, a, s);
    if let Ok(v) = serde_json::to_value(card) {
        cx.set_fact("inspection", v);
    }
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✓",
        Verdict::Fail => "✗",
        Verdict::NotChecked => "–",
    }
}

/// The terminal section: the scorecard and the columns of a site.
pub fn terminal_section(report: &Report, site: usize, lang: Lang) -> Option<String> {
    let facts = &report.sites.get(site)?.facts;
    let card: Inspection = serde_json::from_value(facts.get("inspection")?.clone()).ok()?;
    let fresh: Option<SiteFreshness> = facts
        .get("freshness")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let mut out = String::new();
    let as_of = card.as_of;
    out.push_str(&tr!(
        lang,
        "国家检查指标（{}，govaudit 估计，检查日 {as_of}）\n",
        "National inspection indicators ({}; govaudit's estimate, as of {as_of})\n",
        card.document
    ));
    out.push_str(lang.pick("  单项否决：\n", "  Single-veto items:\n"));
    for v in &card.veto {
        let rules: Vec<String> = v
            .rules
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(id, n)| format!("{id} ×{n}"))
            .collect();
        let rules = if rules.is_empty() {
            String::new()
        } else {
            format!("  [{}]", rules.join(", "))
        };
        out.push_str(&format!(
            "    {} {}  {}{}{}{rules}\n",
            mark(v.verdict),
            v.verdict.label(lang),
            v.title,
            lang.pick("：", ": "),
            v.detail
        ));
    }
    if let Some(f) = &fresh
        && !f.columns.is_empty()
    {
        out.push_str(lang.pick("  栏目：\n", "  Columns:\n"));
        for c in &f.columns {
            let newest = c.newest.map_or_else(
                || lang.pick("无日期", "no date").to_string(),
                |d| d.to_string(),
            );
            let state = match c.state {
                ColumnState::Fresh => lang.pick("已按期更新", "up to date"),
                ColumnState::Stale => lang.pick("未按期更新", "NOT UPDATED"),
                ColumnState::Blank => lang.pick("空白栏目", "BLANK"),
                ColumnState::Undated => lang.pick("未标注日期", "UNDATED"),
                ColumnState::Exempt => lang.pick("不要求更新", "exempt"),
            };
            let deadline = c
                .deadline
                .as_deref()
                .and_then(|d| d.parse::<super::dates::Period>().ok())
                .map(|p| p.describe(lang));
            out.push_str(&match (lang, deadline) {
                (Lang::Zh, Some(dl)) => format!(
                    "    {}（{}，期限 {dl}）最新 {newest} · {state}\n",
                    c.name,
                    c.class.label(lang)
                ),
                (Lang::Zh, None) => format!(
                    "    {}（{}）最新 {newest} · {state}\n",
                    c.name,
                    c.class.label(lang)
                ),
                (Lang::En, Some(dl)) => format!(
                    "    {} ({}, deadline {dl}) newest {newest} · {state}\n",
                    c.name,
                    c.class.label(lang)
                ),
                (Lang::En, None) => format!(
                    "    {} ({}) newest {newest} · {state}\n",
                    c.name,
                    c.class.label(lang)
                ),
            });
        }
    }
    out.push_str(lang.pick("  功能设计：\n", "  Design (功能设计):\n"));
    for d in &card.design {
        let counts = if d.findings.error + d.findings.warning + d.findings.notice > 0 {
            tr!(
                lang,
                "  错误 {} · 警告 {} · 提示 {}",
                "  errors {} · warnings {} · notices {}",
                d.findings.error,
                d.findings.warning,
                d.findings.notice
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "    {} {}  {}{counts}\n",
            mark(d.verdict),
            d.verdict.label(lang),
            d.title
        ));
    }
    let verdict = match card.verdict {
        Verdict::Fail => tr!(
            lang,
            "  结论（估计）：存在未通过的单项否决项，按{}将被判为不合格",
            "  Verdict (estimate): a single-veto item fails; under {} the site would be rated unqualified",
            card.document
        ),
        Verdict::Pass => tr!(
            lang,
            "  结论（估计）：可检查的单项否决项均未发现问题（其余项需人工检查）",
            "  Verdict (estimate): no checkable single-veto item fails (the others need a human check)"
        ),
        Verdict::NotChecked => tr!(
            lang,
            "  结论（估计）：部分单项否决项未能检查",
            "  Verdict (estimate): some single-veto items could not be checked"
        ),
    };
    out.push_str(&verdict);
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_verdicts() {
        let none = SeverityCounts::default();
        assert_eq!(design_verdict(&none, false), Verdict::NotChecked);
        assert_eq!(design_verdict(&none, true), Verdict::Pass);
        let warn = SeverityCounts {
            warning: 2,
            ..SeverityCounts::default()
        };
        assert_eq!(design_verdict(&warn, true), Verdict::Pass);
        let err = SeverityCounts {
            error: 1,
            notice: 3,
            ..SeverityCounts::default()
        };
        assert_eq!(design_verdict(&err, true), Verdict::Fail);
    }
}
