//! Freshness (信息更新) and the national-inspection scorecard: page dates, columns (栏目) and
//! their deadlines, blank and undated columns, future dates, and the single-veto items of
//! 国办秘函〔2019〕19号 (RULES.md §9, §11).
//!
//! * [`dates`]: the date forms and the per-page extraction (`pages[].dates`).
//! * [`columns`]: column pages, the home page's links, and the site-stage analysis
//!   (`sites[].freshness`).
//! * [`rules`]: the `freshness/*` rules.
//! * [`inspection`]: the scorecard (`sites[].inspection`) and its terminal section.
//!
//! The family runs last (see [`super::families`]), so the scorecard sees every other family's
//! findings.

pub mod columns;
pub mod dates;
pub mod inspection;
pub mod rules;

use serde::{Deserialize, Serialize};

use self::dates::{Date, DatesFact, PageDates, Period};
use super::{CollectCx, Collector, Family, SiteData};
use crate::page::Page;
use crate::report::Facts;

/// Options of this family (flattened into the command line; `[freshness]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[command(next_help_heading = "Freshness and inspection indicators")]
pub struct FreshnessOptions {
    /// The day freshness is judged on ("today"), YYYY-MM-DD, for reproducible reports
    /// [default: today in Asia/Shanghai]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,

    /// Home page: error when its newest item is more than this many days old
    /// (国办秘函〔2019〕19号: 2 weeks) [default: 14]
    #[arg(long, value_name = "DAYS")]
    pub home_stale_days: Option<u32>,

    /// Home page: warning when its newest item is more than this many days old (vendor
    /// practice) [default: 10]
    #[arg(long, value_name = "DAYS")]
    pub home_warn_days: Option<u32>,

    /// Deadline of 动态/要闻 columns: d, w, m or y [default: 14d]
    #[arg(long, value_name = "PERIOD")]
    pub news_deadline: Option<Period>,

    /// Deadline of 通知公告/政策文件 columns [default: 6m]
    #[arg(long, value_name = "PERIOD")]
    pub notice_deadline: Option<Period>,

    /// Deadline of 人事/规划计划 columns [default: 1y]
    #[arg(long, value_name = "PERIOD")]
    pub plan_deadline: Option<Period>,

    /// "Long not updated" (应更新但长期未更新): a column of any class whose newest item is older
    /// than this; also the deadline of columns no keyword names [default: 1y]
    #[arg(long, value_name = "PERIOD")]
    pub long_stale_deadline: Option<Period>,

    /// Keywords naming 动态/要闻 columns, comma-separated [default:
    /// 要闻,本地要闻,部门动态,区县动态,工作动态,工作进展,新闻]
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub news_keywords: Option<Vec<String>>,

    /// Keywords naming 通知公告/政策文件 columns [default: 通知公告,公示公告,政策,政策文件,规范性文件]
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub notice_keywords: Option<Vec<String>>,

    /// Keywords naming 人事/规划计划 columns [default: 人事任免,规划计划]
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub plan_keywords: Option<Vec<String>>,

    /// Keywords of columns not expected to be updated (historical 专题); only blank and undated
    /// are checked for them [default: 专题,专栏,回顾]
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub exempt_keywords: Option<Vec<String>>,

    /// Stale or undated 动态/通知公告 columns that fail the site (D2 veto) [default: 5]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub stale_columns_veto: Option<u32>,

    /// Long-stale columns that fail the site (D2 veto) [default: 10]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub long_stale_columns_veto: Option<u32>,

    /// Blank columns that fail the site (D2 veto) [default: 5]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub blank_columns_veto: Option<u32>,

    /// Blank columns that already give a warning (vendor practice) [default: 3]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub blank_columns_warn: Option<u32>,

    /// Dates up to this many days after as-of are not "in the future" (time zones, pages
    /// published at midnight) [default: 1]
    #[arg(long, value_name = "DAYS")]
    pub future_tolerance_days: Option<u32>,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// Default keywords of 动态要闻类 columns (RULES.md §9).
pub const NEWS_KEYWORDS: &[&str] = &[
    "要闻",
    "本地要闻",
    "部门动态",
    "区县动态",
    "工作动态",
    "工作进展",
    "新闻",
];
/// Default keywords of 通知公告、政策文件类 columns (RULES.md §9).
pub const NOTICE_KEYWORDS: &[&str] = &["通知公告", "公示公告", "政策", "政策文件", "规范性文件"];
/// Default keywords of 人事、规划计划类 columns (RULES.md §9).
pub const PLAN_KEYWORDS: &[&str] = &["人事任免", "规划计划"];
/// Default keywords of columns not expected to be updated ("not historical 专题").
pub const EXEMPT_KEYWORDS: &[&str] = &["专题", "专栏", "回顾"];

/// The options with their defaults applied.
#[derive(Debug, Clone)]
pub struct Settings {
    /// "Today".
    pub as_of: Date,
    /// Days after as-of that are not the future.
    pub tolerance_days: u32,
    /// Home page error threshold, days.
    pub home_stale_days: u32,
    /// Home page warning threshold, days.
    pub home_warn_days: u32,
    /// 动态要闻类 deadline.
    pub news_deadline: Period,
    /// 通知公告、政策文件类 deadline.
    pub notice_deadline: Period,
    /// 人事、规划计划类 deadline.
    pub plan_deadline: Period,
    /// 应更新但长期未更新 deadline.
    pub long_stale_deadline: Period,
    /// Keywords per class.
    pub news_keywords: Vec<String>,
    /// Keywords per class.
    pub notice_keywords: Vec<String>,
    /// Keywords per class.
    pub plan_keywords: Vec<String>,
    /// Keywords of exempt columns.
    pub exempt_keywords: Vec<String>,
    /// D2 veto: stale key columns.
    pub stale_columns_veto: usize,
    /// D2 veto: long-stale columns.
    pub long_stale_columns_veto: usize,
    /// D2 veto: blank columns.
    pub blank_columns_veto: usize,
    /// Warning: blank columns.
    pub blank_columns_warn: usize,
}

impl Settings {
    /// The latest date that is not in the future.
    pub fn latest(&self) -> Date {
        self.as_of.add_days(i64::from(self.tolerance_days))
    }
}

impl FreshnessOptions {
    /// The as-of date: `--as-of`, else today in Asia/Shanghai.
    pub fn as_of(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today_shanghai)
    }

    /// Every option with its default applied.
    pub fn settings(&self) -> Settings {
        let n = |v: Option<u32>, d: u32| v.unwrap_or(d).max(1) as usize;
        Settings {
            as_of: self.as_of(),
            tolerance_days: self.future_tolerance_days.unwrap_or(1),
            home_stale_days: self.home_stale_days.unwrap_or(14),
            home_warn_days: self.home_warn_days.unwrap_or(10),
            news_deadline: self.news_deadline.unwrap_or(Period::Days(14)),
            notice_deadline: self.notice_deadline.unwrap_or(Period::Months(6)),
            plan_deadline: self.plan_deadline.unwrap_or(Period::Months(12)),
            long_stale_deadline: self.long_stale_deadline.unwrap_or(Period::Months(12)),
            news_keywords: self
                .news_keywords
                .clone()
                .unwrap_or_else(|| words(NEWS_KEYWORDS)),
            notice_keywords: self
                .notice_keywords
                .clone()
                .unwrap_or_else(|| words(NOTICE_KEYWORDS)),
            plan_keywords: self
                .plan_keywords
                .clone()
                .unwrap_or_else(|| words(PLAN_KEYWORDS)),
            exempt_keywords: self
                .exempt_keywords
                .clone()
                .unwrap_or_else(|| words(EXEMPT_KEYWORDS)),
            stale_columns_veto: n(self.stale_columns_veto, 5),
            long_stale_columns_veto: n(self.long_stale_columns_veto, 10),
            blank_columns_veto: n(self.blank_columns_veto, 5),
            blank_columns_warn: n(self.blank_columns_warn, 3),
        }
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: rules::all(),
        collectors: vec![Box::new(DatesCollector)],
        sections: vec![inspection::terminal_section],
    }
}

/// The page's dates, memoised: computed once per page for the collector and the rules.
pub fn page_dates(page: &Page, s: &Settings) -> std::rc::Rc<PageDates> {
    PageDates::of(page, s.as_of, s.tolerance_days)
}

/// Records `pages[].dates`, `pages[].column` (list and blank pages), `pages[].home_links` (the
/// home page) and `sites[].freshness`.
pub struct DatesCollector;

impl DatesCollector {
    fn is_start_page(page: &Page, cx: &CollectCx<'_>) -> bool {
        cx.site
            .start_urls
            .first()
            .is_some_and(|s| *s == page.requested_url || *s == page.url)
    }
}

impl Collector for DatesCollector {
    fn collect_page(&self, page: &Page, cx: &CollectCx<'_>) -> Facts {
        let s = cx.options.freshness.settings();
        let d = page_dates(page, &s);
        let mut facts = Facts::new();
        facts.insert(
            "dates".into(),
            serde_json::to_value(DatesFact::new(page, &d)).unwrap_or_default(),
        );
        if let Some(c) = columns::column_fact(page, &d) {
            facts.insert("column".into(), serde_json::to_value(c).unwrap_or_default());
        }
        if Self::is_start_page(page, cx) {
            facts.insert(
                "home_links".into(),
                serde_json::to_value(columns::home_links(page, cx.site)).unwrap_or_default(),
            );
        }
        facts
    }

    fn collect_site(&self, site: &SiteData<'_>, cx: &CollectCx<'_>) -> Facts {
        let s = cx.options.freshness.settings();
        let analysis = columns::analyse(site, &s);
        let mut facts = Facts::new();
        facts.insert(
            "freshness".into(),
            serde_json::to_value(analysis).unwrap_or_default(),
        );
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AuditOptions;

    #[test]
    fn defaults_follow_the_specification() {
        let s = FreshnessOptions {
            as_of: Some("2026-11-27".parse().expect("date")),
            ..Default::default()
        }
        .settings();
        assert_eq!((s.home_stale_days, s.home_warn_days), (14, 10));
        assert_eq!(s.news_deadline, Period::Days(14));
        assert_eq!(s.notice_deadline, Period::Months(6));
        assert_eq!(s.plan_deadline, Period::Months(12));
        assert_eq!(
            (
                s.stale_columns_veto,
                s.long_stale_columns_veto,
                s.blank_columns_veto,
                s.blank_columns_warn
            ),
            (5, 10, 5, 3)
        );
        assert_eq!(s.latest().to_string(), "2026-11-28");
        assert!(s.news_keywords.contains(&"工作动态".to_string()));
        assert!(s.notice_keywords.contains(&"通知公告".to_string()));
        assert_eq!(
            s.plan_keywords,
            vec!["人事任免".to_string(), "规划计划".to_string()]
        );
    }

    #[test]
    fn config_file_table() {
        let o: AuditOptions = toml::from_str(
            r#"
[freshness]
as-of = "2026-11-27"
home-stale-days = 21
news-deadline = "2w"
notice-deadline = "6m"
plan-deadline = 400
news-keywords = ["工作动态", "要闻"]
exempt-keywords = []
blank-columns-warn = 2
"#,
        )
        .expect("config parses");
        let s = o.freshness.settings();
        assert_eq!(s.as_of.to_string(), "2026-11-27");
        assert_eq!(s.home_stale_days, 21);
        assert_eq!(s.news_deadline, Period::Days(14));
        assert_eq!(s.plan_deadline, Period::Days(400));
        assert_eq!(s.news_keywords.len(), 2);
        assert!(s.exempt_keywords.is_empty());
        assert_eq!(s.blank_columns_warn, 2);
        for bad in [
            "[freshness]\nas-of = \"2026-02-30\"",
            "[freshness]\nnews-deadline = \"2x\"",
            "[freshness]\nunknown-key = 1",
        ] {
            assert!(toml::from_str::<AuditOptions>(bad).is_err(), "{bad}");
        }
    }
}
