//! The `freshness/*` rules.
//!
//! `future-date` is a page rule decided from the page alone. `column-stale`, `blank-column` and
//! `undated` are page rules decided at the site stage (whether a page is a column depends on
//! the home page's links), reported on the column page through
//! [`SiteCx::report_on_page`]. The home page and threshold rules are site rules. Every rule's
//! site stage refreshes the scorecard (`sites[].inspection`), so the scorecard is there as long
//! as one freshness rule is enabled, and the last one sees every finding.

use super::columns::{Column, ColumnState, HomeState, SiteFreshness};
use super::dates::{DatesFact, Source};
use super::{Settings, inspection, page_dates};
use crate::catalog::Scope;
use crate::i18n::Lang;
use crate::page::Page;
use crate::rules::{PageCx, Rule, SiteCx, SiteData};
use crate::tr;

/// The family's rules, in run order.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(FutureDate),
        Box::new(ColumnStale),
        Box::new(BlankColumn),
        Box::new(Undated),
        Box::new(HomepageStale),
        Box::new(HomepageAging),
        Box::new(ColumnStaleThreshold),
        Box::new(BlankColumnThreshold),
    ]
}

/// The site analysis: recorded by the collector as `sites[].freshness`; recomputed if absent.
fn analysis(site: &SiteData<'_>, cx: &SiteCx<'_>) -> (SiteFreshness, Settings) {
    let s = cx.options.freshness.settings();
    let a = cx
        .facts()
        .get("freshness")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_else(|| super::columns::analyse(site, &s));
    (a, s)
}

fn page_index(site: &SiteData<'_>, url: &str) -> Option<usize> {
    site.pages.iter().position(|p| p.url == url)
}

fn source_label(s: Source, lang: Lang) -> &'static str {
    match s {
        Source::Meta => lang.pick("meta 元数据", "meta"),
        Source::Label => lang.pick("页面上标注的日期", "labelled date"),
        Source::Url => lang.pick("网址中的日期", "date in the URL"),
    }
}

/// Most future-dated items reported per page.
const MAX_FUTURE_PER_PAGE: usize = 20;

/// `freshness/future-date`: a publication or item date after as-of (plus the tolerance): a sign
/// of a forged publication date (伪造发稿日期); human review.
pub struct FutureDate;

impl Rule for FutureDate {
    fn id(&self) -> &'static str {
        "freshness/future-date"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let s = cx.options.freshness.settings();
        let d = page_dates(page, &s);
        let latest = s.latest();
        if let Some(p) = &d.published
            && p.date > latest
        {
            let (date, as_of, src) = (p.date, s.as_of, source_label(p.source, cx.lang));
            let msg = tr!(
                cx.lang,
                "页面的发布日期 {date}（{src}）晚于检查日 {as_of}：可能是伪造的发稿日期，请人工核实",
                "the page's publication date {date} ({src}) is after the as-of date {as_of}: possibly a forged publication date; review by hand"
            );
            let f = match p.element {
                Some(id) => cx.report(&page.el(id), msg),
                None => cx.report_text(None, &p.raw, msg),
            };
            f.data.insert("date".into(), date.to_string().into());
            f.data.insert("as_of".into(), as_of.to_string().into());
        }
        let mut n = 0;
        for list in &d.lists {
            for item in &list.items {
                let Some(date) = item.date.filter(|x| *x > latest && !item.inferred) else {
                    continue;
                };
                n += 1;
                if n > MAX_FUTURE_PER_PAGE {
                    return;
                }
                let (title, as_of) = (&item.title, s.as_of);
                let msg = tr!(
                    cx.lang,
                    "列表条目《{title}》的日期 {date} 晚于检查日 {as_of}：可能是伪造的发稿日期，请人工核实",
                    "the list item “{title}” is dated {date}, after the as-of date {as_of}: possibly a forged publication date; review by hand"
                );
                let el = page.el(item.element);
                let f = cx.report(&el, msg);
                f.snippet = Some(
                    crate::dom::truncate_chars(el.visible_text(), crate::rules::SNIPPET_CHARS)
                        .into_owned(),
                );
                f.data.insert("date".into(), date.to_string().into());
                f.data.insert("as_of".into(), as_of.to_string().into());
                f.data.insert("title".into(), item.title.clone().into());
            }
        }
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        inspection::refresh(site, cx, &a, &s);
    }
}

fn column_data(f: &mut crate::report::Finding, c: &Column, a: &SiteFreshness) {
    f.selector.clone_from(&c.selector);
    f.line = c.line;
    f.data.insert("column".into(), c.name.clone().into());
    f.data.insert(
        "class".into(),
        serde_json::to_value(c.class).unwrap_or_default(),
    );
    if let Some(dl) = &c.deadline {
        f.data.insert("deadline".into(), dl.clone().into());
    }
    if let Some(n) = c.newest {
        f.data.insert("newest".into(), n.to_string().into());
    }
    if let Some(age) = c.age_days {
        f.data.insert("age_days".into(), age.into());
    }
    f.data.insert("as_of".into(), a.as_of.to_string().into());
    f.data.insert("items".into(), c.items.into());
}

fn deadline_words(c: &Column, s: &Settings, lang: Lang) -> String {
    c.class
        .deadline(s)
        .map(|p| p.describe(lang))
        .unwrap_or_default()
}

/// `freshness/column-stale`: a column past its class deadline (14 days / 6 months / 1 year).
pub struct ColumnStale;

impl Rule for ColumnStale {
    fn id(&self) -> &'static str {
        "freshness/column-stale"
    }

    fn scope(&self) -> Scope {
        Scope::Page
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        for c in a.columns.iter().filter(|c| c.state == ColumnState::Stale) {
            let Some(i) = page_index(site, &c.url) else {
                continue;
            };
            let (name, class, as_of) = (&c.name, c.class.label(cx.lang), a.as_of);
            let deadline = deadline_words(c, &s, cx.lang);
            let cutoff = c.class.deadline(&s).map(|p| p.cutoff(as_of));
            let msg = match (c.newest, c.age_days) {
                (Some(newest), Some(age)) => tr!(
                    cx.lang,
                    "栏目「{name}」（{class}，更新期限 {deadline}）最新信息日期为 {newest}，距检查日 {as_of} 已 {age} 天，超过期限未更新",
                    "column “{name}” ({class}, deadline {deadline}): newest item {newest}, {age} days before the as-of date {as_of}: not updated within the deadline"
                ),
                _ => tr!(
                    cx.lang,
                    "栏目「{name}」（{class}，更新期限 {deadline}）的信息日期都晚于检查日 {as_of}，没有期限内的有效更新",
                    "column “{name}” ({class}, deadline {deadline}): every item is dated after the as-of date {as_of}; no valid update within the deadline"
                ),
            };
            let f = cx.report_on_page(i, msg);
            column_data(f, c, &a);
            if let Some(cut) = cutoff {
                f.data.insert("cutoff".into(), cut.to_string().into());
            }
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

/// `freshness/blank-column`: a column with no items (空白栏目).
pub struct BlankColumn;

impl Rule for BlankColumn {
    fn id(&self) -> &'static str {
        "freshness/blank-column"
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        let evidence: Vec<(usize, String)> = a
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Blank)
            .filter_map(|c| {
                let i = page_index(site, &c.url)?;
                let ev = site.pages[i]
                    .facts
                    .get("column")
                    .and_then(|v| v.get("blank"))
                    .and_then(|b| b.get("evidence"))
                    .and_then(|e| e.as_str())
                    .unwrap_or("")
                    .to_string();
                Some((i, ev))
            })
            .collect();
        for (c, (i, ev)) in a
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Blank)
            .zip(evidence)
        {
            let name = &c.name;
            let msg = if ev.starts_with('<') {
                tr!(
                    cx.lang,
                    "栏目「{name}」没有任何信息（列表 {ev} 为空）：空白栏目。若列表由脚本加载，请在浏览器中核实",
                    "column “{name}” has no items (the list {ev} is empty): a blank column. If a script loads the list, check in a browser"
                )
            } else {
                tr!(
                    cx.lang,
                    "栏目「{name}」没有任何信息（页面显示“{ev}”）：空白栏目",
                    "column “{name}” has no items (the page says “{ev}”): a blank column"
                )
            };
            let f = cx.report_on_page(i, msg);
            column_data(f, c, &a);
            f.data.insert("evidence".into(), ev.into());
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

/// Undated lists on the home page need this many items to be reported.
const HOME_UNDATED_MIN_ITEMS: usize = 3;

/// `freshness/undated`: a column (or the home page) whose list gives no dates: 未注明信息发布时间
/// 的视为不更新.
pub struct Undated;

impl Rule for Undated {
    fn id(&self) -> &'static str {
        "freshness/undated"
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        // The home page: no dated item at all, and a list of titles.
        if a.home.reason.as_deref() != Some("not-a-home-page")
            && let Some(url) = &a.home.url
            && let Some(i) = page_index(site, url)
            && let Some(d) = site.pages[i]
                .facts
                .get("dates")
                .and_then(|v| serde_json::from_value::<DatesFact>(v.clone()).ok())
            && d.newest.is_none()
            && let Some(l) = d
                .list
                .filter(|l| l.dated == 0 && l.items >= HOME_UNDATED_MIN_ITEMS)
        {
            let items = l.items;
            let msg = tr!(
                cx.lang,
                "首页列表有 {items} 条信息，均未标注发布日期：未注明信息发布时间的视为不更新",
                "a list of the home page has {items} items and none gives a date: items without a publication date count as not updated"
            );
            let f = cx.report_on_page(i, msg);
            f.selector = Some(l.selector);
            f.line = l.line;
            f.data.insert("items".into(), items.into());
        }
        for c in a.columns.iter().filter(|c| c.state == ColumnState::Undated) {
            let Some(i) = page_index(site, &c.url) else {
                continue;
            };
            let (name, items) = (&c.name, c.items);
            let msg = tr!(
                cx.lang,
                "栏目「{name}」的列表有 {items} 条信息，均未标注发布日期：未注明信息发布时间的视为不更新",
                "column “{name}” lists {items} items and none gives a date: items without a publication date count as not updated"
            );
            let f = cx.report_on_page(i, msg);
            column_data(f, c, &a);
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

/// `freshness/homepage-stale`: no dated item on the home page (or, for a navigation-only home
/// page, on the level-2 pages) newer than `home-stale-days` (D2 veto: 首页不更新).
pub struct HomepageStale;

impl Rule for HomepageStale {
    fn id(&self) -> &'static str {
        "freshness/homepage-stale"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        let h = &a.home;
        let limit = s.home_stale_days;
        let as_of = a.as_of;
        let level2 = h.via.as_deref() == Some("level2");
        let msg = match (h.state, h.newest, h.age_days) {
            (HomeState::Stale, Some(newest), Some(age)) if level2 => {
                let from = h.newest_url.clone().unwrap_or_default();
                Some(tr!(
                    cx.lang,
                    "首页没有标注日期的信息（导航型首页），其链接的二级页面中最新信息日期为 {newest}（{from}），距检查日 {as_of} 已 {age} 天，超过 {limit} 天未更新（单项否决：首页不更新）",
                    "the home page has no dated item (a navigation page); the newest item of the pages it links to is dated {newest} ({from}), {age} days before the as-of date {as_of}: not updated for more than {limit} days (single veto: home page not updated)"
                ))
            }
            (HomeState::Stale, Some(newest), Some(age)) => Some(tr!(
                cx.lang,
                "首页最新信息日期为 {newest}，距检查日 {as_of} 已 {age} 天，超过 {limit} 天未更新（单项否决：首页不更新）",
                "the home page's newest item is dated {newest}, {age} days before the as-of date {as_of}: not updated for more than {limit} days (single veto: home page not updated)"
            )),
            (HomeState::Undated, ..) => Some(tr!(
                cx.lang,
                "首页及其链接的二级页面都没有标注发布日期的信息：未注明信息发布时间的视为不更新（单项否决：首页不更新）",
                "neither the home page nor the pages it links to give a publication date: undated items count as not updated (single veto: home page not updated)"
            )),
            _ => None,
        };
        if let Some(msg) = msg {
            let f = cx.report(msg);
            f.url.clone_from(&h.url);
            if let Some(n) = h.newest {
                f.data.insert("newest".into(), n.to_string().into());
            }
            if let Some(age) = h.age_days {
                f.data.insert("age_days".into(), age.into());
            }
            f.data.insert("as_of".into(), as_of.to_string().into());
            f.data.insert("threshold_days".into(), limit.into());
            if let Some(u) = &h.newest_url {
                f.data.insert("newest_url".into(), u.clone().into());
            }
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

/// `freshness/homepage-aging`: the home page's newest item is older than `home-warn-days`
/// (early warning, vendor practice), still within the deadline.
pub struct HomepageAging;

impl Rule for HomepageAging {
    fn id(&self) -> &'static str {
        "freshness/homepage-aging"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        let h = &a.home;
        if h.state == HomeState::Aging
            && let (Some(newest), Some(age)) = (h.newest, h.age_days)
        {
            let (warn, limit, as_of) = (s.home_warn_days, s.home_stale_days, a.as_of);
            let msg = tr!(
                cx.lang,
                "首页最新信息日期为 {newest}，距检查日 {as_of} 已 {age} 天（超过预警线 {warn} 天；超过 {limit} 天即构成单项否决：首页不更新）",
                "the home page's newest item is dated {newest}, {age} days before the as-of date {as_of} (past the {warn}-day warning; after {limit} days it is a single veto: home page not updated)"
            );
            let f = cx.report(msg);
            f.url.clone_from(&h.url);
            f.data.insert("newest".into(), newest.to_string().into());
            f.data.insert("age_days".into(), age.into());
            f.data.insert("as_of".into(), as_of.to_string().into());
            f.data.insert("warn_days".into(), warn.into());
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

fn name_list(cols: &[&Column], lang: Lang) -> String {
    const SHOW: usize = 10;
    let names: Vec<&str> = cols.iter().take(SHOW).map(|c| c.name.as_str()).collect();
    let list = names.join(lang.pick("、", ", "));
    if cols.len() > SHOW {
        let (n, more) = (cols.len(), cols.len() - SHOW);
        tr!(lang, "{list} 等 {n} 个", "{list} and {more} more")
    } else {
        list
    }
}

/// `freshness/column-stale-threshold`: the D2 column veto: at least 5 stale (or undated)
/// 2-week news / 6-month notice columns, or at least 10 long-stale columns.
pub struct ColumnStaleThreshold;

impl Rule for ColumnStaleThreshold {
    fn id(&self) -> &'static str {
        "freshness/column-stale-threshold"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        let key: Vec<&Column> = a
            .columns
            .iter()
            .filter(|c| {
                c.class.is_key() && matches!(c.state, ColumnState::Stale | ColumnState::Undated)
            })
            .collect();
        if key.len() >= s.stale_columns_veto {
            let (n, veto, names) = (key.len(), s.stale_columns_veto, name_list(&key, cx.lang));
            let (news, notice) = (
                s.news_deadline.describe(cx.lang),
                s.notice_deadline.describe(cx.lang),
            );
            let msg = tr!(
                cx.lang,
                "{n} 个动态要闻类（{news}）或通知公告、政策文件类（{notice}）栏目未按期更新或未标注日期，达到单项否决标准（{veto} 个）：{names}",
                "{n} news ({news}) or notice and policy ({notice}) columns are not updated in time or undated, reaching the single-veto threshold ({veto}): {names}"
            );
            let f = cx.report(msg);
            f.count = Some(n);
            f.pages = key
                .iter()
                .map(|c| c.path.clone().unwrap_or_else(|| c.url.clone()))
                .collect();
            f.data.insert("count".into(), n.into());
            f.data.insert("threshold".into(), veto.into());
            f.data
                .insert("criterion".into(), "stale-key-columns".into());
        }
        let long: Vec<&Column> = a.columns.iter().filter(|c| c.long_stale).collect();
        if long.len() >= s.long_stale_columns_veto {
            let (n, veto, names) = (
                long.len(),
                s.long_stale_columns_veto,
                name_list(&long, cx.lang),
            );
            let period = s.long_stale_deadline.describe(cx.lang);
            let msg = tr!(
                cx.lang,
                "{n} 个栏目超过 {period} 未更新或未标注日期（应更新但长期未更新），达到单项否决标准（{veto} 个）：{names}",
                "{n} columns are not updated for more than {period} or undated (long not updated), reaching the single-veto threshold ({veto}): {names}"
            );
            let f = cx.report(msg);
            f.count = Some(n);
            f.pages = long
                .iter()
                .map(|c| c.path.clone().unwrap_or_else(|| c.url.clone()))
                .collect();
            f.data.insert("count".into(), n.into());
            f.data.insert("threshold".into(), veto.into());
            f.data
                .insert("criterion".into(), "long-stale-columns".into());
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

/// `freshness/blank-column-threshold`: the D2 veto of at least 5 blank columns (error); a
/// warning from `blank-columns-warn` (3) on.
pub struct BlankColumnThreshold;

impl Rule for BlankColumnThreshold {
    fn id(&self) -> &'static str {
        "freshness/blank-column-threshold"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let (a, s) = analysis(site, cx);
        let blank: Vec<&Column> = a
            .columns
            .iter()
            .filter(|c| c.state == ColumnState::Blank)
            .collect();
        let (n, veto, warn) = (blank.len(), s.blank_columns_veto, s.blank_columns_warn);
        let names = name_list(&blank, cx.lang);
        let finding = if n >= veto {
            Some((
                tr!(
                    cx.lang,
                    "空白栏目 {n} 个，达到单项否决标准（{veto} 个）：{names}",
                    "{n} blank columns, reaching the single-veto threshold ({veto}): {names}"
                ),
                false,
            ))
        } else if n >= warn {
            Some((
                tr!(
                    cx.lang,
                    "空白栏目 {n} 个，已达预警线（{warn} 个；{veto} 个即构成单项否决）：{names}",
                    "{n} blank columns, past the warning level ({warn}; {veto} is a single veto): {names}"
                ),
                true,
            ))
        } else {
            None
        };
        if let Some((msg, warning_only)) = finding {
            let f = cx.report(msg);
            if warning_only {
                f.severity = f.severity.min(crate::report::Severity::Warning);
            }
            f.count = Some(n);
            f.pages = blank
                .iter()
                .map(|c| c.path.clone().unwrap_or_else(|| c.url.clone()))
                .collect();
            f.data.insert("count".into(), n.into());
            f.data.insert("threshold".into(), veto.into());
            f.data.insert("warn".into(), warn.into());
        }
        inspection::refresh(site, cx, &a, &s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run_rules_with;

    fn future_ids(html: &str, as_of: &str) -> Vec<(Option<u32>, String)> {
        let options = crate::config::AuditOptions {
            freshness: super::super::FreshnessOptions {
                as_of: Some(as_of.parse().expect("date")),
                ..Default::default()
            },
            ..Default::default()
        };
        let page = Page::from_html(html, "https://www.example.gov.cn/a/b.html");
        run_rules_with(vec![Box::new(FutureDate)], &page, &options)
            .into_iter()
            .map(|f| {
                (
                    f.line,
                    f.data
                        .get("date")
                        .and_then(|d| d.as_str())
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn future_publication_dates() {
        assert_eq!(
            future_ids(
                "<meta name='PubDate' content='2027-01-05 10:00'><p>x</p>",
                "2026-11-27"
            ),
            vec![(None, "2027-01-05".to_string())]
        );
        assert!(
            future_ids(
                "<meta name='PubDate' content='2026-11-20'><p>x</p>",
                "2026-11-27"
            )
            .is_empty()
        );
        // One day of tolerance: tomorrow is fine, the day after is not.
        assert!(future_ids("<meta name='PubDate' content='2026-11-28'>", "2026-11-27").is_empty());
        assert_eq!(
            future_ids("<meta name='PubDate' content='2026-11-29'>", "2026-11-27").len(),
            1
        );
        // A labelled date points at its element.
        assert_eq!(
            future_ids("<p>x</p>\n<div>发布时间：2027-03-01</div>", "2026-11-27"),
            vec![(Some(2), "2027-03-01".to_string())]
        );
    }

    #[test]
    fn future_list_items_and_traps() {
        let list = "<ul>\n<li><a href='1.html'>关于明年工作安排的通知文件</a><span>2027-03-01</span></li>\n\
                    <li><a href='2.html'>关于今年工作总结的通知文件</a><span>2026-11-20</span></li></ul>";
        assert_eq!(
            future_ids(list, "2026-11-27"),
            vec![(Some(2), "2027-03-01".to_string())]
        );
        // Deadlines in running text and in titles are not publication dates.
        assert!(future_ids(
            "<meta name='PubDate' content='2026-11-18'><p>请于2027年4月30日前完成申报。</p>\
             <ul><li><a href='1.html'>关于2027年1月1日起实施新规定的通告</a><span>2026-11-18</span></li></ul>",
            "2026-11-27"
        )
        .is_empty());
        // Year-less dates take a year that is never in the future.
        assert!(
            future_ids(
                "<ul><li><a href='1.html'>关于明年工作安排的通知文件</a><span>[12-30]</span></li>\
             <li><a href='2.html'>关于今年工作总结的通知文件</a><span>[11-20]</span></li></ul>",
                "2026-11-27"
            )
            .is_empty()
        );
    }
}
