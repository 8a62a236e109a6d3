//! Columns (栏目): what a page says about being a column (its names, whether it is blank), the
//! home page's links, and the site-stage analysis that finds the columns reached from the home
//! page, classifies them by name and judges the home page and each column against the
//! deadlines.
//!
//! A **column** is a page linked from the home page (with the crawler: a depth-1 page) that is
//! a list page (a list of title links, see [`super::dates`]) or a blank list page (`共0条`,
//! `暂无信息`, an empty `<ul class="list">`). Articles, introductions and hubs linked from the
//! home page are not columns; neither are pagination pages (`index_1.html`), 繁体 mirrors
//! (`/gate/big5/`) and pages that call themselves 首页.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use url::Url;

use super::Settings;
use super::dates::{Date, DatesFact, PageDates, PageKind, Period};
use crate::i18n::Lang;
use crate::page::Page;
use crate::report::PageReport;
use crate::rules::{SiteData, SiteInfo};

// ----- page facts --------------------------------------------------------------------------

/// Where a column name was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameSource {
    /// `<meta name="ColumnName">`.
    Meta,
    /// The breadcrumb's last step (`当前位置：首页 > 工作动态`).
    Breadcrumb,
    /// The `<title>` part that is not the site name (`工作动态 - 云汀县人民政府`).
    Title,
    /// A short `<h1>`.
    Heading,
    /// The text (or `title`) of the home page link that leads to the column.
    Link,
}

impl NameSource {
    /// The source in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            NameSource::Meta => lang.pick("ColumnName 元数据", "ColumnName meta"),
            NameSource::Breadcrumb => lang.pick("面包屑导航", "breadcrumb"),
            NameSource::Title => lang.pick("页面标题", "page title"),
            NameSource::Heading => lang.pick("页面主标题", "page heading"),
            NameSource::Link => lang.pick("首页链接文字", "home page link text"),
        }
    }
}

/// A name a column page gives itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnName {
    /// The name.
    pub text: String,
    /// Where it was read.
    pub source: NameSource,
}

/// Why a page looks like a blank column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlankEvidence {
    /// The text (`共0条`, `暂无信息`) or the empty list (`<ul class="list">`).
    pub evidence: String,
    /// The element.
    pub selector: String,
    /// Its source line.
    pub line: Option<u32>,
}

/// The `column` object of a page in the JSON report: present on list pages and blank list
/// pages (whether the page is a column is decided at the site stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnFact {
    /// Names the page gives itself, most trusted first.
    pub names: Vec<ColumnName>,
    /// Evidence that the list is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank: Option<BlankEvidence>,
    /// The page number, for the second and later pages of a paginated list (`index_1.html` is
    /// page 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<u32>,
}

static BLANK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"共\s*0\s*(?:条|篇|项|个|页|记录)|暂无(?:相关)?(?:信息|内容|数据|记录|文章|新闻|公告|文件|栏目内容)|没有(?:找到)?(?:相关)?(?:信息|记录|数据|内容)",
    )
    .expect("static regex")
});

static PAGINATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:index|list|default|more|list_index)_(\d{1,5})\.[a-z]+$")
        .expect("static regex")
});

static TITLE_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*[-_|｜－—–]+\s*").expect("static regex"));

static CRUMB_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:>>|>|›|»|＞|→|/|\\)\s*").expect("static regex"));

static CRUMB_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:当前位置|您的位置|您现在的位置|现在的位置|所在位置|当前的位置|位置)\s*[:：]?\s*",
    )
    .expect("static regex")
});

/// The page number of a pagination page (`index_1.html` = 2, `?page=3` = 3), `None` for a
/// first page.
pub fn page_number(url: &Url) -> Option<u32> {
    let last = url.path().rsplit('/').next().unwrap_or("");
    if let Some(c) = PAGINATION.captures(last)
        && let Some(n) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok())
    {
        return Some(n + 1);
    }
    url.query_pairs()
        .find(|(k, _)| {
            matches!(
                k.to_ascii_lowercase().as_str(),
                "page" | "pageno" | "pagenum" | "pageindex" | "currpage" | "p"
            )
        })
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .filter(|n| *n >= 2)
}

fn is_site_name(part: &str, site_name: Option<&str>) -> bool {
    site_name.is_some_and(|s| !s.is_empty() && (part.contains(s) || s.contains(part)))
        || part.contains("人民政府")
        || part.contains("门户网站")
        || part.contains("政府网")
        || part.ends_with("网站")
}

fn breadcrumb(page: &Page) -> Option<String> {
    const WORDS: &[&str] = &[
        "crumb",
        "crumbs",
        "breadcrumb",
        "position",
        "location",
        "bread",
        "dqwz",
        "weizhi",
    ];
    let candidate = page.elements().find(|el| {
        if el.is_hidden() || el.in_non_text() {
            return false;
        }
        let t = el.visible_text();
        if t.is_empty() || t.len() > 300 {
            return false;
        }
        let by_attr = ["class", "id"].iter().any(|a| {
            el.attr(a)
                .is_some_and(|v| super::dates::has_word(&v, WORDS))
        });
        by_attr
            || CRUMB_LABEL.is_match(t)
                && !el
                    .children()
                    .any(|c| CRUMB_LABEL.is_match(c.visible_text()))
    })?;
    let text = candidate.visible_text();
    let text = CRUMB_LABEL.replace(text, "");
    let last = CRUMB_SPLIT
        .split(&text)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .last()?;
    let generic = ["正文", "详情", "内容", "首页", "详细内容", "正文内容"];
    (!generic.contains(&last) && last.chars().count() <= 30).then(|| last.to_string())
}

fn title_names(page: &Page, site_name: Option<&str>) -> Vec<String> {
    let Some(title) = page.title() else {
        return Vec::new();
    };
    let parts: Vec<&str> = TITLE_SPLIT
        .split(title)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
        .into_iter()
        .filter(|p| !is_site_name(p, site_name) && p.chars().count() <= 30)
        .take(1)
        .map(|s| {
            // `工作动态（第2页）` names the column 工作动态.
            s.split(['（', '(']).next().unwrap_or(s).trim().to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn blank_evidence(page: &Page, dates: &PageDates) -> Option<BlankEvidence> {
    if dates.main_list().is_some_and(|l| !l.items.is_empty()) {
        return None;
    }
    // A marker text (`共0条`, `暂无信息`): the innermost element that holds it.
    let mut best: Option<crate::page::El<'_>> = None;
    for el in page.elements() {
        if let Some(b) = best
            && !b.contains(&el)
        {
            break;
        }
        let t = el.visible_text();
        if t.is_empty() || t.len() > 240 || el.is_hidden() || dates.in_chrome(el.id()) {
            continue;
        }
        let maybe = t.contains('0') || t.contains("暂无") || t.contains("没有");
        if maybe && BLANK.is_match(t) {
            best = Some(el);
        }
    }
    if let Some(el) = best {
        let t = el.visible_text();
        let evidence = BLANK.find(t).map_or(t, |m| m.as_str()).to_string();
        return Some(BlankEvidence {
            evidence,
            selector: el.selector(),
            line: el.line(),
        });
    }
    // An empty list container: `<ul class="list"></ul>`.
    for el in page.elements_named_any(&["ul", "ol", "tbody", "div"]) {
        if el.is_hidden() || dates.in_chrome(el.id()) || el.children().next().is_some() {
            continue;
        }
        if !el.visible_text().is_empty() {
            continue;
        }
        let listy = ["class", "id"].iter().any(|a| {
            el.attr(a)
                .is_some_and(|v| v.to_ascii_lowercase().contains("list"))
        });
        if listy {
            return Some(BlankEvidence {
                evidence: el.start_tag(80),
                selector: el.selector(),
                line: el.line(),
            });
        }
    }
    None
}

/// The `column` fact of a page: `None` for articles and for pages that are neither list
/// pages nor blank list pages.
pub fn column_fact(page: &Page, dates: &PageDates) -> Option<ColumnFact> {
    if dates.kind == PageKind::Article {
        return None;
    }
    let blank = blank_evidence(page, dates);
    if dates.kind != PageKind::List && blank.is_none() {
        return None;
    }
    let site_name = page.meta("SiteName");
    let mut names: Vec<ColumnName> = Vec::new();
    let mut push = |text: String, source: NameSource| {
        let text = crate::dom::collapse_whitespace(&text);
        if !text.is_empty() && !names.iter().any(|n| n.text == text) {
            names.push(ColumnName { text, source });
        }
    };
    if let Some(n) = page.meta("ColumnName") {
        push(n, NameSource::Meta);
    }
    if let Some(n) = breadcrumb(page) {
        push(n, NameSource::Breadcrumb);
    }
    for n in title_names(page, site_name.as_deref()) {
        push(n, NameSource::Title);
    }
    if let Some(h) = page
        .elements_named("h1")
        .find(|h| !h.is_hidden() && !dates.in_chrome(h.id()))
    {
        let t = h.visible_text();
        if !t.is_empty() && t.chars().count() <= 20 && !is_site_name(t, site_name.as_deref()) {
            push(t.to_string(), NameSource::Heading);
        }
    }
    Some(ColumnFact {
        names,
        blank,
        page_number: page_number(&page.url),
    })
}

/// A same-site link of the home page and what it is called there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeLink {
    /// The absolute target (no fragment).
    pub url: String,
    /// Its names: link texts, `title` attributes, image `alt`s (generic `更多>>` left out).
    pub names: Vec<String>,
}

/// Most links recorded for a home page.
const MAX_HOME_LINKS: usize = 1_000;

fn is_generic_link_text(t: &str) -> bool {
    let core: String = t
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    matches!(
        core.as_str(),
        "" | "更多"
            | "more"
            | "查看更多"
            | "详细"
            | "详情"
            | "查看"
            | "进入"
            | "点击进入"
            | "更多信息"
    )
}

/// The `home_links` fact of the home page: its same-site anchors with their names, so that the
/// site stage can name a column after the link that leads to it.
pub fn home_links(page: &Page, site: &SiteInfo) -> Vec<HomeLink> {
    let mut out: Vec<HomeLink> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for a in page.elements_named_any(&["a", "area"]) {
        let Some(href) = a.attr("href") else { continue };
        if !super::dates::is_navigable_href(&href) {
            continue;
        }
        let Some(mut url) = page.resolve(&href) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https" | "file") {
            continue;
        }
        url.set_fragment(None);
        let url = site.local_target(&url);
        if !site.contains(&url) {
            continue;
        }
        let mut names = Vec::new();
        let text = crate::dom::collapse_whitespace(a.visible_text());
        if !is_generic_link_text(&text) && text.chars().count() <= 40 {
            names.push(text);
        }
        for attr in ["title", "alt"] {
            if let Some(v) = a.attr(attr) {
                let v = crate::dom::collapse_whitespace(&v);
                if !is_generic_link_text(&v) && v.chars().count() <= 40 {
                    names.push(v);
                }
            }
        }
        for img in a.descendants().filter(|e| e.name() == "img").take(2) {
            if let Some(alt) = img.attr("alt") {
                let alt = crate::dom::collapse_whitespace(&alt);
                if !is_generic_link_text(&alt) && alt.chars().count() <= 40 {
                    names.push(alt);
                }
            }
        }
        let key = url.to_string();
        let slot = match index.get(&key) {
            Some(&i) => i,
            None => {
                if out.len() >= MAX_HOME_LINKS {
                    continue;
                }
                index.insert(key.clone(), out.len());
                out.push(HomeLink {
                    url: key,
                    names: Vec::new(),
                });
                out.len() - 1
            }
        };
        for n in names {
            if !out[slot].names.contains(&n) && out[slot].names.len() < 6 {
                out[slot].names.push(n);
            }
        }
    }
    out
}

// ----- the site stage ----------------------------------------------------------------------

/// Column classes (RULES.md §9), each with its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnClass {
    /// 动态、要闻类 (2 weeks).
    News,
    /// 通知公告、政策文件类 (6 months).
    Notice,
    /// 人事、规划计划类 (1 year).
    Plan,
    /// Named by no keyword: judged by the long-stale deadline (应更新但长期未更新).
    Other,
    /// 专题 and other columns not expected to be updated: only blank and undated are checked.
    Exempt,
}

impl ColumnClass {
    /// The class in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ColumnClass::News => lang.pick("动态要闻类", "news (动态/要闻)"),
            ColumnClass::Notice => lang.pick(
                "通知公告、政策文件类",
                "notices and policies (通知公告/政策文件)",
            ),
            ColumnClass::Plan => {
                lang.pick("人事、规划计划类", "personnel and plans (人事/规划计划)")
            }
            ColumnClass::Other => lang.pick("其他栏目", "other column"),
            ColumnClass::Exempt => {
                lang.pick("专题类（不要求更新）", "special topic (no update expected)")
            }
        }
    }

    /// The deadline of the class.
    pub fn deadline(self, s: &Settings) -> Option<Period> {
        match self {
            ColumnClass::News => Some(s.news_deadline),
            ColumnClass::Notice => Some(s.notice_deadline),
            ColumnClass::Plan => Some(s.plan_deadline),
            ColumnClass::Other => Some(s.long_stale_deadline),
            ColumnClass::Exempt => None,
        }
    }

    /// Whether the class counts towards the first D2 column veto (2-week news, 6-month
    /// notices and policies).
    pub fn is_key(self) -> bool {
        matches!(self, ColumnClass::News | ColumnClass::Notice)
    }
}

/// Classifies a column by its names, most trusted first: the first name that contains a
/// keyword decides (classes tried in the order news, notice, plan); with no keyword, a name
/// containing an exempt keyword (专题) makes it exempt; else it is `Other`.
pub fn classify(names: &[ColumnName], s: &Settings) -> ColumnClass {
    for n in names {
        for (class, words) in [
            (ColumnClass::News, &s.news_keywords),
            (ColumnClass::Notice, &s.notice_keywords),
            (ColumnClass::Plan, &s.plan_keywords),
        ] {
            if words
                .iter()
                .any(|w| !w.is_empty() && n.text.contains(w.as_str()))
            {
                return class;
            }
        }
    }
    if names.iter().any(|n| {
        s.exempt_keywords
            .iter()
            .any(|w| !w.is_empty() && n.text.contains(w.as_str()))
    }) {
        return ColumnClass::Exempt;
    }
    ColumnClass::Other
}

/// The state of the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeState {
    /// Updated within the warning period.
    Fresh,
    /// Older than the warning period (`home_warn_days`), within the deadline.
    Aging,
    /// Older than the deadline (`home_stale_days`).
    Stale,
    /// No dated item at all (视为不更新).
    Undated,
    /// Could not be judged (see `reason`).
    NotChecked,
}

/// The home page's freshness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeFreshness {
    /// The home page.
    pub url: Option<String>,
    /// Its state.
    pub state: HomeState,
    /// The newest dated item.
    pub newest: Option<Date>,
    /// Days from `newest` to as-of.
    pub age_days: Option<i64>,
    /// `home` (items of the home page) or `level2` (a navigation-only home page: the pages
    /// it links to).
    pub via: Option<String>,
    /// The page the newest item was found on, when not the home page.
    pub newest_url: Option<String>,
    /// Why it was not checked: `no-home-page`, `home-unreadable`, `not-a-home-page`,
    /// `no-level2-pages`.
    pub reason: Option<String>,
}

/// A column's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnState {
    /// Updated within its deadline.
    Fresh,
    /// Past its deadline.
    Stale,
    /// No items (空白栏目).
    Blank,
    /// Items, none dated (视为不更新).
    Undated,
    /// Not expected to be updated (专题).
    Exempt,
}

/// One column of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The column page.
    pub url: String,
    /// The local file, for local sites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Its name (the most trusted).
    pub name: String,
    /// Where the name was read.
    pub name_source: NameSource,
    /// Its class.
    pub class: ColumnClass,
    /// The class deadline (`14d`, `6m`, `1y`); `null` for exempt columns.
    pub deadline: Option<String>,
    /// Items in its list.
    pub items: usize,
    /// Dated items.
    pub dated: usize,
    /// The newest item date.
    pub newest: Option<Date>,
    /// Days from `newest` to as-of.
    pub age_days: Option<i64>,
    /// Its state.
    pub state: ColumnState,
    /// Whether it counts as 应更新但长期未更新 (undated, or older than the long-stale deadline).
    pub long_stale: bool,
    /// The list (or the blank evidence) on the page.
    pub selector: Option<String>,
    /// Its source line.
    pub line: Option<u32>,
}

/// The counts behind the D2 column vetoes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnCounts {
    /// Columns found.
    pub columns: usize,
    /// Stale or undated news and notice columns (D2: 5).
    pub stale_key: usize,
    /// Columns not updated for the long-stale deadline, or undated (D2: 10).
    pub long_stale: usize,
    /// Blank columns (D2: 5).
    pub blank: usize,
    /// Undated columns.
    pub undated: usize,
}

/// The `freshness` object of a site in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFreshness {
    /// The as-of date ("today").
    pub as_of: Date,
    /// The home page.
    pub home: HomeFreshness,
    /// Whether columns could be looked for (a home page was found and is one).
    pub columns_checked: bool,
    /// The columns.
    pub columns: Vec<Column>,
    /// The counts against the D2 thresholds.
    pub counts: ColumnCounts,
}

/// A page's URL and its index-file aliases (`/news/` for `/news/index.html`), for matching
/// link targets to pages.
fn url_aliases(u: &str) -> Vec<String> {
    let mut out = vec![u.to_string()];
    for name in [
        "index.html",
        "index.htm",
        "index.shtml",
        "default.html",
        "default.htm",
    ] {
        if let Some(dir) = u.strip_suffix(name)
            && dir.ends_with('/')
        {
            out.push(dir.to_string());
        }
    }
    out
}

fn is_home_like(url: &str, dates: Option<&DatesFact>) -> bool {
    if dates.is_some_and(|d| d.kind == PageKind::Article) {
        return false;
    }
    let path = Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string());
    let last = path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let stem = last.split('.').next().unwrap_or("");
    last.is_empty() || matches!(stem, "index" | "default" | "home" | "main" | "portal")
}

/// Names of the home page itself: a page called so is not a column.
const HOME_NAMES: &[&str] = &["首页", "首頁", "网站首页", "返回首页", "门户首页"];

fn is_mirror(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.contains("/gate/big5/")
        || Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(|h| h.starts_with("big5.")))
}

fn fact<T: for<'de> Deserialize<'de>>(p: &PageReport, key: &str) -> Option<T> {
    p.facts
        .get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The site-stage analysis: home page and columns, from the pages' facts.
pub fn analyse(site: &SiteData<'_>, s: &Settings) -> SiteFreshness {
    let as_of = s.as_of;
    let latest = s.latest();
    let dates: Vec<Option<DatesFact>> = site.pages.iter().map(|p| fact(p, "dates")).collect();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        for u in std::iter::once(&p.url).chain(p.final_url.iter()) {
            for a in url_aliases(u) {
                by_url.entry(a).or_insert(i);
            }
        }
    }
    let home_idx = site
        .home()
        .and_then(|h| site.pages.iter().position(|p| std::ptr::eq(p, h)));
    let not_checked = |url: Option<String>, reason: &str| HomeFreshness {
        url,
        state: HomeState::NotChecked,
        newest: None,
        age_days: None,
        via: None,
        newest_url: None,
        reason: Some(reason.to_string()),
    };
    let empty = |home: HomeFreshness| SiteFreshness {
        as_of,
        home,
        columns_checked: false,
        columns: Vec::new(),
        counts: ColumnCounts::default(),
    };
    let Some(hi) = home_idx else {
        return empty(not_checked(None, "no-home-page"));
    };
    let home = &site.pages[hi];
    let Some(home_dates) = dates[hi].as_ref() else {
        return empty(not_checked(Some(home.url.clone()), "home-unreadable"));
    };
    if !is_home_like(&home.url, Some(home_dates)) {
        return empty(not_checked(Some(home.url.clone()), "not-a-home-page"));
    }

    // Pages the home page links to (level 2), in page order; with the crawler, also every
    // depth-1 page (reached from the home page through a frame or a redirect, say).
    let mut level2: BTreeSet<usize> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, p)| p.depth == 1 && *i != hi)
        .map(|(i, _)| i)
        .collect();
    for (target, t) in &site.links.targets {
        if t.sources.binary_search(&(hi as u32)).is_err() {
            continue;
        }
        let mapped = Url::parse(target)
            .map(|u| site.info.local_target(&u).to_string())
            .unwrap_or_else(|_| target.clone());
        if let Some(&i) = by_url.get(&mapped).or_else(|| by_url.get(target))
            && i != hi
        {
            level2.insert(i);
        }
    }

    // The home page.
    let age = |d: Date| d.days_until(as_of);
    let judge = |newest: Date| {
        let a = age(newest);
        if a > i64::from(s.home_stale_days) {
            HomeState::Stale
        } else if a > i64::from(s.home_warn_days) {
            HomeState::Aging
        } else {
            HomeState::Fresh
        }
    };
    let home_fresh = if let Some(n) = home_dates.newest {
        HomeFreshness {
            url: Some(home.url.clone()),
            state: judge(n),
            newest: Some(n),
            age_days: Some(age(n)),
            via: Some("home".into()),
            newest_url: None,
            reason: None,
        }
    } else {
        // A navigation-only home page (no dated item): the level-2 pages count (D2: "所有二级
        // 页面无信息更新").
        let newest = level2
            .iter()
            .filter_map(|&i| {
                let d = dates[i].as_ref()?;
                let own = d.published.filter(|p| *p <= latest);
                let best = d.newest.max(own)?;
                Some((best, i))
            })
            .max_by_key(|(d, i)| (*d, std::cmp::Reverse(*i)));
        match newest {
            Some((n, i)) => HomeFreshness {
                url: Some(home.url.clone()),
                state: judge(n),
                newest: Some(n),
                age_days: Some(age(n)),
                via: Some("level2".into()),
                newest_url: Some(site.pages[i].url.clone()),
                reason: None,
            },
            None if level2.iter().any(|&i| dates[i].is_some()) => HomeFreshness {
                url: Some(home.url.clone()),
                state: HomeState::Undated,
                newest: None,
                age_days: None,
                via: Some("level2".into()),
                newest_url: None,
                reason: None,
            },
            None => not_checked(Some(home.url.clone()), "no-level2-pages"),
        }
    };

    // Link names from the home page.
    let home_links: Vec<HomeLink> = fact(home, "home_links").unwrap_or_default();
    let mut link_names: HashMap<usize, Vec<String>> = HashMap::new();
    for l in home_links {
        if let Some(&i) = by_url.get(&l.url) {
            let v = link_names.entry(i).or_default();
            for n in l.names {
                if !v.contains(&n) {
                    v.push(n);
                }
            }
        }
    }

    // The columns.
    let mut columns: Vec<Column> = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for &i in &level2 {
        let p = &site.pages[i];
        let Some(cf) = fact::<ColumnFact>(p, "column") else {
            continue;
        };
        let Some(df) = dates[i].as_ref() else {
            continue;
        };
        if df.kind == PageKind::Article
            || cf.page_number.is_some_and(|n| n >= 2)
            || is_mirror(&p.url)
        {
            continue;
        }
        // The home page again (`/index.html` beside `/`), or a page that calls itself 首页.
        if url_aliases(&p.url).iter().any(|u| u == &home.url)
            || url_aliases(&home.url).iter().any(|u| u == &p.url)
        {
            continue;
        }
        let mut names = cf.names.clone();
        for n in link_names.get(&i).into_iter().flatten() {
            if !names.iter().any(|x| &x.text == n) {
                names.push(ColumnName {
                    text: n.clone(),
                    source: NameSource::Link,
                });
            }
        }
        if names.iter().any(|n| HOME_NAMES.contains(&n.text.as_str())) {
            continue;
        }
        let (name, name_source) = names.first().map_or_else(
            || {
                (
                    p.path.clone().unwrap_or_else(|| p.url.clone()),
                    NameSource::Link,
                )
            },
            |n| (n.text.clone(), n.source),
        );
        let dir = p
            .url
            .rsplit_once('/')
            .map_or(p.url.as_str(), |(d, _)| d)
            .to_string();
        if !seen.insert((name.clone(), dir)) {
            continue;
        }
        let class = classify(&names, s);
        let deadline = class.deadline(s);
        let list = df.list.as_ref();
        let items = list.map_or(0, |l| l.items);
        let dated = list.map_or(0, |l| l.dated);
        let newest = list.and_then(|l| l.newest);
        let state = if items == 0 && cf.blank.is_some() {
            ColumnState::Blank
        } else if items == 0 {
            continue;
        } else if dated == 0 {
            ColumnState::Undated
        } else if class == ColumnClass::Exempt {
            ColumnState::Exempt
        } else if let Some(dl) = deadline
            && newest.is_none_or(|n| n < dl.cutoff(as_of))
        {
            // (`newest` is `None` when every dated item is in the future.)
            ColumnState::Stale
        } else {
            ColumnState::Fresh
        };
        let long_stale = match state {
            ColumnState::Undated => class != ColumnClass::Exempt,
            ColumnState::Fresh | ColumnState::Stale => {
                newest.is_some_and(|n| n < s.long_stale_deadline.cutoff(as_of))
            }
            ColumnState::Blank | ColumnState::Exempt => false,
        };
        let (selector, line) = match (list, &cf.blank) {
            (Some(l), _) if items > 0 => (Some(l.selector.clone()), l.line),
            (_, Some(b)) => (Some(b.selector.clone()), b.line),
            _ => (None, None),
        };
        columns.push(Column {
            url: p.url.clone(),
            path: p.path.clone(),
            name,
            name_source,
            class,
            deadline: deadline.map(|d| d.to_string()),
            items,
            dated,
            newest,
            age_days: newest.map(age),
            state,
            long_stale,
            selector,
            line,
        });
    }
    let counts = ColumnCounts {
        columns: columns.len(),
        stale_key: columns
            .iter()
            .filter(|c| {
                c.class.is_key() && matches!(c.state, ColumnState::Stale | ColumnState::Undated)
            })
            .count(),
        long_stale: columns.iter().filter(|c| c.long_stale).count(),
        blank: columns
            .iter()
            .filter(|c| c.state == ColumnState::Blank)
            .count(),
        undated: columns
            .iter()
            .filter(|c| c.state == ColumnState::Undated)
            .count(),
    };
    SiteFreshness {
        as_of,
        home: home_fresh,
        columns_checked: true,
        columns,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        super::super::FreshnessOptions {
            as_of: Some("2026-11-27".parse().expect("date")),
            ..Default::default()
        }
        .settings()
    }

    fn names(list: &[&str]) -> Vec<ColumnName> {
        list.iter()
            .map(|t| ColumnName {
                text: (*t).to_string(),
                source: NameSource::Meta,
            })
            .collect()
    }

    #[test]
    fn classification_by_keyword_table() {
        let s = settings();
        assert_eq!(classify(&names(&["工作动态"]), &s), ColumnClass::News);
        assert_eq!(classify(&names(&["政务要闻"]), &s), ColumnClass::News);
        assert_eq!(classify(&names(&["通知公告"]), &s), ColumnClass::Notice);
        assert_eq!(classify(&names(&["规范性文件"]), &s), ColumnClass::Notice);
        assert_eq!(classify(&names(&["人事任免"]), &s), ColumnClass::Plan);
        assert_eq!(classify(&names(&["规划计划"]), &s), ColumnClass::Plan);
        assert_eq!(classify(&names(&["营商环境"]), &s), ColumnClass::Other);
        assert_eq!(classify(&names(&["扫黑除恶专题"]), &s), ColumnClass::Exempt);
        // The most trusted name decides.
        assert_eq!(
            classify(&names(&["机构概况", "工作动态"]), &s),
            ColumnClass::News
        );
        let o = super::super::FreshnessOptions {
            news_keywords: Some(vec!["营商".into()]),
            ..Default::default()
        };
        assert_eq!(
            classify(&names(&["营商环境"]), &o.settings()),
            ColumnClass::News
        );
        assert_eq!(
            classify(&names(&["工作动态"]), &o.settings()),
            ColumnClass::Other
        );
    }

    #[test]
    fn pagination_numbers() {
        let u = |s: &str| Url::parse(s).expect("url");
        assert_eq!(
            page_number(&u("https://x.gov.cn/news/index_1.html")),
            Some(2)
        );
        assert_eq!(
            page_number(&u("https://x.gov.cn/news/index_12.shtml")),
            Some(13)
        );
        assert_eq!(
            page_number(&u("https://x.gov.cn/news/list?page=3")),
            Some(3)
        );
        assert_eq!(page_number(&u("https://x.gov.cn/news/list?page=1")), None);
        assert_eq!(page_number(&u("https://x.gov.cn/news/index.html")), None);
        assert_eq!(page_number(&u("https://x.gov.cn/news/art_1.html")), None);
    }

    fn col(html: &str) -> Option<ColumnFact> {
        let page = Page::from_html(html, "https://www.example.gov.cn/news/index.html");
        let d = super::super::dates::extract(&page, "2026-11-27".parse().expect("date"), 1);
        column_fact(&page, &d)
    }

    #[test]
    fn column_names_from_meta_breadcrumb_title_heading() {
        let f = col(
            "<head><title>工作动态（第2页） - 云汀县人民政府</title><meta name='ColumnName' content='部门动态'></head>\
             <div class='position'>当前位置：<a href='/'>首页</a> &gt; <a href='./'>新闻中心</a> &gt; 政务要闻</div>\
             <h1>要闻速递</h1>\
             <ul class='list'><li><a href='1.html'>云汀县召开冬季森林防火部署会</a><span>2026-11-20</span></li>\
             <li><a href='2.html'>云汀县举办农产品展销活动</a><span>2026-11-18</span></li></ul>",
        )
        .expect("list page");
        let got: Vec<(&str, NameSource)> = f
            .names
            .iter()
            .map(|n| (n.text.as_str(), n.source))
            .collect();
        assert_eq!(
            got,
            vec![
                ("部门动态", NameSource::Meta),
                ("政务要闻", NameSource::Breadcrumb),
                ("工作动态", NameSource::Title),
                ("要闻速递", NameSource::Heading),
            ]
        );
        assert!(f.blank.is_none());
        // Site name first in the title.
        let f = col(
            "<head><title>云汀县人民政府-通知公告</title></head>\
             <ul><li><a href='1.html'>关于开展冬季防火检查的通知</a><span>2026-11-20</span></li></ul>",
        )
        .expect("list page");
        assert_eq!(f.names[0].text, "通知公告");
    }

    #[test]
    fn blank_columns_and_non_columns() {
        let f = col("<title>营商环境 - 云汀县</title><div class='list-con'><ul class='list'></ul></div><div class='page'>共0条 每页20条</div>")
            .expect("blank");
        assert_eq!(f.blank.as_ref().map(|b| b.evidence.as_str()), Some("共0条"));
        let f = col("<title>专栏</title><div class='list-con'><ul class='list'>\n</ul></div>")
            .expect("blank");
        assert!(f.blank.expect("evidence").evidence.starts_with("<ul"));
        let f = col("<p>暂无信息</p>").expect("blank");
        assert_eq!(f.blank.map(|b| b.evidence), Some("暂无信息".to_string()));
        // An introduction page is not a column; neither is an article.
        assert!(
            col(
                "<title>县情概况</title><p>云汀县位于……</p><ul><li>汀城镇</li><li>云台镇</li></ul>"
            )
            .is_none()
        );
        assert!(col("<meta name='ArticleTitle' content='x'><ul class='list'></ul>").is_none());
        // A list with items and a sidebar saying 暂无推荐 is not blank.
        let f = col(
            "<ul class='list'><li><a href='1.html'>云汀县召开冬季森林防火部署会</a><span>2026-11-20</span></li></ul>\
             <div class='side'>暂无信息</div>",
        )
        .expect("list");
        assert!(f.blank.is_none());
        // A footer's empty list is not evidence.
        assert!(col("<div class='footer'><ul class='links'></ul></div><p>x</p>").is_none());
    }

    #[test]
    fn home_link_names() {
        let page = Page::from_html(
            "<a href='news/'>工作动态</a><a href='news/' title='更多工作动态'>更多&gt;&gt;</a>\
             <a href='zt/'><img src='b.png' alt='营商环境专栏'></a><a href='https://other.example.com/'>外站链接</a>\
             <a href='#top'>顶部</a>",
            "https://www.example.gov.cn/",
        );
        let site = crate::rules::testing::site("https://www.example.gov.cn/");
        let links = home_links(&page, &site);
        let got: Vec<(&str, Vec<&str>)> = links
            .iter()
            .map(|l| (l.url.as_str(), l.names.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "https://www.example.gov.cn/news/",
                    vec!["工作动态", "更多工作动态"]
                ),
                ("https://www.example.gov.cn/zt/", vec!["营商环境专栏"]),
            ]
        );
    }

    /// Builds a site from `(path, html)` pairs under `https://www.example.gov.cn/` (the first
    /// is the home page) the way the pipeline does, and analyses it.
    fn analyse_site(pages: &[(&str, &str)], as_of: &str) -> SiteFreshness {
        use crate::rules::{CollectCx, Collector, LinkIndex};
        let options = crate::config::AuditOptions {
            freshness: super::super::FreshnessOptions {
                as_of: Some(as_of.parse().expect("date")),
                ..Default::default()
            },
            ..Default::default()
        };
        let base = "https://www.example.gov.cn/";
        let mut info = crate::rules::testing::site(base);
        info.start_urls = vec![Url::parse(&format!("{base}{}", pages[0].0)).expect("url")];
        let services = crate::services::Services::offline();
        let cx = CollectCx {
            lang: Lang::Zh,
            options: &options,
            site: &info,
            services: &services,
        };
        let mut sorted: Vec<(String, &str)> = pages
            .iter()
            .map(|(p, h)| (format!("{base}{p}"), *h))
            .collect();
        sorted.sort();
        let mut reports = Vec::new();
        let mut links = LinkIndex::default();
        for (i, (url, html)) in sorted.iter().enumerate() {
            let page = Page::from_html(html, url);
            let facts = super::super::DatesCollector.collect_page(&page, &cx);
            links.add(i as u32, &crate::audit::page_links(&page));
            reports.push(PageReport {
                url: url.clone(),
                path: None,
                site: 0,
                status: Some(200),
                final_url: None,
                encoding: Some("UTF-8".into()),
                charset_source: None,
                title: page.title().map(str::to_string),
                bytes: 0,
                depth: 0,
                findings: Vec::new(),
                facts,
            });
        }
        let data = SiteData {
            info: &info,
            pages: &reports,
            links: &links,
        };
        analyse(&data, &options.freshness.settings())
    }

    fn list(name: &str, dates: &[&str]) -> String {
        let items: String = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "<li><a href='a{i}.html'>关于开展第{i}项重点工作的通知</a><span>{d}</span></li>"
                )
            })
            .collect();
        format!("<title>{name} - 示例县人民政府</title><ul class='list'>{items}</ul>")
    }

    fn states(a: &SiteFreshness) -> Vec<(String, ColumnClass, ColumnState, bool)> {
        a.columns
            .iter()
            .map(|c| (c.name.clone(), c.class, c.state, c.long_stale))
            .collect()
    }

    #[test]
    fn site_analysis_finds_and_judges_columns() {
        let home = "<title>示例县人民政府</title><div class='nav'><a href='news/'>工作动态</a>\
            <a href='tzgg/index.html'>通知公告</a><a href='news/index_1.html'>下一页</a>\
            <a href='zt/index.html'>抗疫专题</a><a href='old/index.html'>机构职能</a>\
            <a href='gate/big5/index.html'>繁体</a><a href='art.html'>文章</a><a href='index.html'>首页</a>\
            <a href='news2/index.html'>部门动态</a></div>\
            <ul><li><a href='art.html'>示例县召开重要工作会议部署</a><span>2026-11-20</span></li></ul>";
        let news = list("工作动态", &["2026-11-01", "2026-10-20"]);
        let news2 = list("工作动态", &["2026-11-25"]);
        let page2 = list("工作动态", &["2026-09-01", "2026-08-20"]);
        let tzgg = "<title>通知公告 - 示例县</title><ul><li><a href='1.html'>关于开展冬季防火检查的通知</a></li>\
            <li><a href='2.html'>关于调整最低生活保障标准的公示</a></li></ul>";
        let zt = list("抗疫专题", &["2022-01-01", "2021-12-01"]);
        let old = list("机构职能", &["2024-01-01", "2023-12-01"]);
        let mirror = list("工作动态", &["2026-11-20", "2026-11-01"]);
        let art = "<meta name='ArticleTitle' content='x'><meta name='PubDate' content='2026-11-20'><p>正文</p>";
        let a = analyse_site(
            &[
                ("index.html", home),
                ("news/index.html", &news),
                ("news/index_1.html", &page2),
                ("news2/index.html", &news2),
                ("tzgg/index.html", tzgg),
                ("zt/index.html", &zt),
                ("old/index.html", &old),
                ("gate/big5/index.html", &mirror),
                ("art.html", art),
            ],
            "2026-11-27",
        );
        assert_eq!(a.home.state, HomeState::Fresh);
        assert_eq!(
            a.home.newest.map(|d| d.to_string()).as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(
            states(&a),
            vec![
                (
                    "工作动态".to_string(),
                    ColumnClass::News,
                    ColumnState::Stale,
                    false
                ),
                (
                    "工作动态".to_string(),
                    ColumnClass::News,
                    ColumnState::Fresh,
                    false
                ),
                (
                    "机构职能".to_string(),
                    ColumnClass::Other,
                    ColumnState::Stale,
                    true
                ),
                (
                    "通知公告".to_string(),
                    ColumnClass::Notice,
                    ColumnState::Undated,
                    true
                ),
                (
                    "抗疫专题".to_string(),
                    ColumnClass::Exempt,
                    ColumnState::Exempt,
                    false
                ),
            ]
        );
        // Same name in another folder is another column; the title outranks the link text.
        assert_eq!(a.columns[1].name_source, NameSource::Title);
        assert_eq!(
            a.columns[1].url,
            "https://www.example.gov.cn/news2/index.html"
        );
        assert_eq!(
            a.counts,
            ColumnCounts {
                columns: 5,
                stale_key: 2,
                long_stale: 2,
                blank: 0,
                undated: 1
            }
        );
    }

    #[test]
    fn site_analysis_home_page_cases() {
        // A navigation-only home page with no level-2 dates: undated.
        let hub = "<title>示例县人民政府</title><a href='a/index.html'>办事服务</a>";
        let a = analyse_site(
            &[
                ("index.html", hub),
                ("a/index.html", "<title>办事服务 - 示例县</title><p>x</p>"),
            ],
            "2026-11-27",
        );
        assert_eq!(
            (a.home.state, a.home.via.as_deref()),
            (HomeState::Undated, Some("level2"))
        );
        // Alone: nothing to judge it by.
        let a = analyse_site(&[("index.html", hub)], "2026-11-27");
        assert_eq!(a.home.state, HomeState::NotChecked);
        assert_eq!(a.home.reason.as_deref(), Some("no-level2-pages"));
        // An article as the start page is not a home page; neither is any non-index file.
        let art = "<meta name='PubDate' content='2019-09-18'><p>正文</p>";
        let a = analyse_site(&[("index.html", art)], "2026-11-27");
        assert_eq!(a.home.reason.as_deref(), Some("not-a-home-page"));
        assert!(!a.columns_checked);
        let a = analyse_site(
            &[("t20190918_1.html", &list("x", &["2019-09-18"]))],
            "2026-11-27",
        );
        assert_eq!(a.home.reason.as_deref(), Some("not-a-home-page"));
        // Ages: 14 days is still fresh enough (aging), 15 is stale.
        let home = list("首页", &["2026-11-13"]);
        let a = analyse_site(&[("index.html", &home)], "2026-11-27");
        assert_eq!(
            (a.home.state, a.home.age_days),
            (HomeState::Aging, Some(14))
        );
        let a = analyse_site(&[("index.html", &home)], "2026-11-28");
        assert_eq!(
            (a.home.state, a.home.age_days),
            (HomeState::Stale, Some(15))
        );
        let a = analyse_site(&[("index.html", &home)], "2026-11-23");
        assert_eq!(
            (a.home.state, a.home.age_days),
            (HomeState::Fresh, Some(10))
        );
    }
}
