//! Dates: the calendar type, the date forms Chinese government pages use, and the extraction of
//! a page's dates (its own publication date and the dates beside the items of its lists).
//!
//! Forms recognised (after folding full-width digits and punctuation to ASCII):
//! `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年M月D日` (the `日` optional), each possibly
//! followed by a time, and the year-less `MM-DD`, `MM/DD`, `MM.DD`, `M月D日`, possibly in brackets
//! (`[11-20]`, `(11-20)`, `【11-20】`). Every date is validated against the calendar (no
//! 2026-02-30) and must fall in [`MIN_YEAR`]..=[`MAX_YEAR`]. Year-less dates are only read where
//! a list item's date is expected, and get their year from context (see [`infer_year`]).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::page::{El, ElementId, Page};

/// Earliest year accepted in a date (government sites started in the 1990s; older numbers
/// are document numbers or typos).
pub const MIN_YEAR: i32 = 1970;
/// Latest year accepted in a date. Far-future years are kept (up to here) so that a typo such
/// as `2206-11-20` shows up as a future date instead of vanishing.
pub const MAX_YEAR: i32 = 2199;

// ----- the calendar -----------------------------------------------------------------------

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

/// Days in a month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date, when it exists in the calendar and its year is in range.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1-12).
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = i64::from((self.month + 9) % 12);
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (no range check: arithmetic may leave
    /// [`MIN_YEAR`]..=[`MAX_YEAR`]).
    pub fn from_days(days: i64) -> Date {
        let (y, m, d) = crate::report::civil_from_days(days);
        Date {
            year: i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
            month: m,
            day: d,
        }
    }

    /// This date plus `n` days (negative: minus).
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days() + n)
    }

    /// This date minus `n` calendar months; the day is clamped to the target month's length
    /// (2027-08-31 minus 6 months is 2027-02-28).
    pub fn sub_months(self, n: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(n);
        let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MIN);
        let month = u32::try_from(total.rem_euclid(12)).unwrap_or(0) + 1;
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days() - self.days()
    }

    /// Today in Asia/Shanghai (UTC+8, no daylight saving time), from the system clock.
    pub fn today_shanghai() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let secs = i64::try_from(secs).unwrap_or(0) + 8 * 3600;
        Date::from_days(secs.div_euclid(86_400))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;

    /// Parses `YYYY-MM-DD` (one-digit month and day accepted).
    fn from_str(s: &str) -> Result<Date, String> {
        static ISO: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})$").expect("static regex"));
        let t = s.trim();
        let caps = ISO
            .captures(t)
            .ok_or_else(|| format!("expected a date as YYYY-MM-DD (e.g. 2026-11-27), got {t:?}"))?;
        let num = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let (y, m, d) = (
            num(1).parse::<i32>().unwrap_or(0),
            num(2).parse::<u32>().unwrap_or(0),
            num(3).parse::<u32>().unwrap_or(0),
        );
        Date::new(y, m, d)
            .ok_or_else(|| format!("{t} is not a calendar date between {MIN_YEAR} and {MAX_YEAR}"))
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A length of time: days (`14d`, `2w`) or calendar months (`6m`, `1y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A number of days.
    Days(u32),
    /// A number of calendar months.
    Months(u32),
}

impl Period {
    /// The earliest date still inside the period that ends on `as_of`: items dated before it
    /// are older than the period.
    pub fn cutoff(self, as_of: Date) -> Date {
        match self {
            Period::Days(n) => as_of.add_days(-i64::from(n)),
            Period::Months(n) => as_of.sub_months(n),
        }
    }

    /// The period in words (`14 天`, `6 个月`, `1 年` / `14 days`...).
    pub fn describe(self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (Period::Days(n), Lang::Zh) => format!("{n} 天"),
            (Period::Days(1), Lang::En) => "1 day".into(),
            (Period::Days(n), Lang::En) => format!("{n} days"),
            (Period::Months(n), Lang::Zh) if n % 12 == 0 => format!("{} 年", n / 12),
            (Period::Months(n), Lang::Zh) => format!("{n} 个月"),
            (Period::Months(12), Lang::En) => "1 year".into(),
            (Period::Months(n), Lang::En) if n % 12 == 0 => format!("{} years", n / 12),
            (Period::Months(1), Lang::En) => "1 month".into(),
            (Period::Months(n), Lang::En) => format!("{n} months"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Days(n) => write!(f, "{n}d"),
            Period::Months(n) if n % 12 == 0 && n > 0 => write!(f, "{}y", n / 12),
            Period::Months(n) => write!(f, "{n}m"),
        }
    }
}

impl FromStr for Period {
    type Err = String;

    /// Parses `14d`, `14`, `2w`, `6m`, `1y` (also `14天`, `2周`, `6个月`, `1年`).
    fn from_str(s: &str) -> Result<Period, String> {
        let t = s.trim().to_lowercase();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u32 = num
            .parse()
            .map_err(|_| format!("expected a period such as 14d, 2w, 6m or 1y, got {s:?}"))?;
        let unit = unit.trim();
        let p = match unit {
            "" | "d" | "day" | "days" | "天" | "日" => Period::Days(n),
            "w" | "week" | "weeks" | "周" => Period::Days(n.saturating_mul(7)),
            "m" | "month" | "months" | "月" | "个月" => Period::Months(n),
            "y" | "year" | "years" | "年" => Period::Months(n.saturating_mul(12)),
            _ => {
                return Err(format!(
                    "unknown unit {unit:?} in {s:?}: use d (days), w (weeks), m (months) or y (years)"
                ));
            }
        };
        if n == 0 {
            return Err(format!("the period {s:?} is zero"));
        }
        Ok(p)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(u32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(n) => n.to_string().parse().map_err(serde::de::Error::custom),
            Raw::Text(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

// ----- reading dates in text ---------------------------------------------------------------

/// Folds full-width digits and date punctuation to ASCII (`２０２６－１１－２０` ->
/// `2026-11-20`, `：` -> `:`); other text is kept. Byte offsets change only where a
/// full-width character was folded.
pub fn fold(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = s.chars().any(|c| {
        ('\u{ff10}'..='\u{ff19}').contains(&c) || matches!(c, '－' | '／' | '．' | '：' | '\u{a0}')
    });
    if !needs {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{ff10}'..='\u{ff19}' => {
                    char::from_u32(c as u32 - 0xff10 + u32::from(b'0')).unwrap_or(c)
                }
                '－' => '-',
                '／' => '/',
                '．' => '.',
                '：' => ':',
                '\u{a0}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

static FULL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})/(\d{1,2})/(\d{1,2})|(\d{4})\.(\d{1,2})\.(\d{1,2})|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?",
    )
    .expect("static regex")
});

static SHORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})|(\d{1,2})\.(\d{1,2})|(\d{1,2})\s*月\s*(\d{1,2})\s*日")
        .expect("static regex")
});

/// A time after a date (`09:30`, `T09:30:00+08:00`, `-23:59:59`), to be skipped.
static TIME_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\s*[T\s-]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.:]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")
        .expect("static regex")
});

/// A label that may precede a date in a date-only text (`发布时间：`, `日期:`).
static LABEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:发布|撰写|发文|成文|更新|发表|录入|印发|上传|公开|生成)?(?:时间|日期)|发布于)\s*[:：]?\s*")
        .expect("static regex")
});

fn is_digit_at(s: &str, byte: usize, before: bool) -> bool {
    if before {
        s[..byte]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
    } else {
        s[byte..].chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

fn caps_num(caps: &regex::Captures<'_>, base: usize) -> Option<(u32, u32, u32)> {
    let g = |i: usize| {
        caps.get(base + i)
            .and_then(|m| m.as_str().parse::<u32>().ok())
    };
    Some((g(0)?, g(1)?, g(2)?))
}

/// Every full date (with a year) in `s`, with its byte range, in order. A match glued to
/// more digits (`12026-11-20`, `2026-11-201`) is not a date.
pub fn full_dates(s: &str) -> Vec<(Date, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for caps in FULL.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        if is_digit_at(s, m.start(), true) || is_digit_at(s, m.end(), false) {
            continue;
        }
        let ymd = [1, 4, 7, 10].iter().find_map(|&b| caps_num(&caps, b));
        if let Some((y, mo, d)) = ymd
            && let Some(date) = Date::new(i32::try_from(y).unwrap_or(0), mo, d)
        {
            out.push((date, m.start()..m.end()));
        }
    }
    out
}

/// The first full date in `s`.
pub fn first_full_date(s: &str) -> Option<Date> {
    full_dates(s).into_iter().next().map(|(d, _)| d)
}

/// A year-less month and day (`11-20`, `11月20日`), not glued to more digits, with the
/// byte range of the match.
fn short_dates(s: &str) -> Vec<((u32, u32), std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for caps in SHORT.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        if is_digit_at(s, m.start(), true) || is_digit_at(s, m.end(), false) {
            continue;
        }
        let md = [1, 3, 5, 7].iter().find_map(|&b| {
            let g = |i: usize| caps.get(b + i).and_then(|x| x.as_str().parse::<u32>().ok());
            Some((g(0)?, g(1)?))
        });
        // Month and day must exist in some year (02-29 does, 02-30 does not).
        if let Some((mo, d)) = md
            && (1..=12).contains(&mo)
            && d >= 1
            && d <= days_in_month(2000, mo)
        {
            out.push(((mo, d), m.start()..m.end()));
        }
    }
    out
}

/// A date as written beside a list item: with its year, or without (`[11-20]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemDate {
    /// A full date.
    Full(Date),
    /// Month and day only; the year comes from context.
    Short(u32, u32),
}

/// Reads a text that is nothing but a date: `2026-11-20`, `2026-11-20 09:30`, `[11-20]`,
/// `（2026年11月20日）`, `发布时间：2026-11-20`. `None` for anything else, including a text
/// that merely contains a date.
pub fn date_only(text: &str) -> Option<ItemDate> {
    if text.len() > 96 {
        return None;
    }
    let folded = fold(text);
    if !folded.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut t = folded.trim();
    if let Some(m) = LABEL_PREFIX.find(t) {
        t = &t[m.end()..];
    }
    t = t
        .trim_start_matches(['[', '【', '(', '（', '〔', '<', '《'])
        .trim_start();
    t = t
        .trim_end_matches([']', '】', ')', '）', '〕', '>', '》'])
        .trim_end();
    if let Some((date, range)) = full_dates(t).into_iter().next()
        && range.start == 0
    {
        let rest = &t[range.end..];
        let tail = TIME_TAIL.find(rest).map_or(0, |m| m.end());
        return (tail == rest.len()).then_some(ItemDate::Full(date));
    }
    if let Some(((m, d), range)) = short_dates(t).into_iter().next()
        && range.start == 0
    {
        let rest = &t[range.end..];
        let tail = TIME_TAIL.find(rest).map_or(0, |m| m.end());
        return (tail == rest.len()).then_some(ItemDate::Short(m, d));
    }
    None
}

/// The date at the very end of a text (`标题 2026-11-20`, `标题（11-20）`), if any.
fn trailing_date(text: &str) -> Option<ItemDate> {
    let folded = fold(text);
    let t = folded
        .trim_end()
        .trim_end_matches([']', '】', ')', '）', '〕'])
        .trim_end();
    if let Some((date, range)) = full_dates(t).into_iter().last() {
        let rest = &t[range.end..];
        if TIME_TAIL.find(rest).map_or(0, |m| m.end()) == rest.len() {
            return Some(ItemDate::Full(date));
        }
    }
    if let Some(((m, d), range)) = short_dates(t).into_iter().last() {
        // A bare `1-10` inside a title (`1-10月德清县…`) is not at the end; at the end it
        // must be set off from the title by a space or a bracket.
        let before = t[..range.start].chars().next_back();
        if range.end == t.len()
            && before.is_none_or(|c| c.is_whitespace() || "[【(（〔".contains(c))
        {
            return Some(ItemDate::Short(m, d));
        }
    }
    None
}

/// Gives a year-less date its year: the year, among the reference's year and the years
/// before and after it, that puts the date closest to `reference`, never after `latest`
/// (as-of plus the tolerance: a list cannot hold items from the future by inference).
/// `reference` is the nearest item of the same list that has a full date, else the page's
/// own publication date, else the as-of date.
pub fn infer_year(month: u32, day: u32, reference: Date, latest: Date) -> Option<Date> {
    let mut best: Option<(i64, Date)> = None;
    for year in [reference.year - 1, reference.year, reference.year + 1] {
        let Some(d) = Date::new(year, month, day) else {
            continue;
        };
        if d > latest {
            continue;
        }
        let dist = d.days_until(reference).abs();
        if best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, d));
        }
    }
    best.map(|(_, d)| d)
}

// ----- a page's dates ----------------------------------------------------------------------

/// Where a page's publication date was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A `<meta>` element (`PubDate`, `firstpublishedtime`, `article:published_time`...).
    Meta,
    /// A labelled date in the text (`发布时间：`, `撰写时间:`, `日期：`, a `来源` line).
    Label,
    /// The page URL (`/t20190918_693227.html`, `/art/2016/11/22/`, `/2023-12/01/`).
    Url,
}

/// A page's own publication date.
#[derive(Debug, Clone)]
pub struct Published {
    /// The date.
    pub date: Date,
    /// Where it was read.
    pub source: Source,
    /// The element it was read from (labelled dates), for findings.
    pub element: Option<ElementId>,
    /// The text or meta value it was read from.
    pub raw: String,
}

/// One item of a list: a title link, with the date beside it when there is one.
#[derive(Debug, Clone)]
pub struct Item {
    /// The item element (`li`, `tr`, `dd`...).
    pub element: ElementId,
    /// The title (the link text).
    pub title: String,
    /// The date, with the year inferred for year-less forms.
    pub date: Option<Date>,
    /// Whether the year was inferred (`[11-20]`).
    pub inferred: bool,
    /// The date as written (for messages).
    pub raw_date: String,
}

/// A list of items: the children of one container that each hold a title link.
#[derive(Debug, Clone)]
pub struct ItemList {
    /// The container (`ul`, `table`, `dl`...).
    pub container: ElementId,
    /// The items, in document order.
    pub items: Vec<Item>,
}

impl ItemList {
    /// Items that have a date.
    pub fn dated(&self) -> usize {
        self.items.iter().filter(|i| i.date.is_some()).count()
    }

    /// The newest item date not after `latest`.
    pub fn newest(&self, latest: Date) -> Option<Date> {
        self.items
            .iter()
            .filter_map(|i| i.date)
            .filter(|d| *d <= latest)
            .max()
    }

    /// The oldest item date.
    pub fn oldest(&self) -> Option<Date> {
        self.items.iter().filter_map(|i| i.date).min()
    }
}

/// What kind of page this is, for freshness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// An article: an `ArticleTitle` meta, or a publication date with running text (100
    /// characters in `<p>`) or without a list of 3 items.
    Article,
    /// A list page: a list of title links (dated or not) and no article.
    List,
    /// Anything else (a hub, an introduction, a form).
    Other,
}

/// Everything this family reads from one page, computed once ([`Page::memo`]).
#[derive(Debug, Clone)]
pub struct PageDates {
    /// The as-of date it was computed for.
    pub as_of: Date,
    /// The latest date that is not in the future (as-of plus the tolerance).
    pub latest: Date,
    /// The page's publication date.
    pub published: Option<Published>,
    /// Lists of title links outside the navigation, header and footer, in document order.
    pub lists: Vec<ItemList>,
    /// The main list: the one with the most items (index into `lists`).
    pub main: Option<usize>,
    /// The kind of page.
    pub kind: PageKind,
    /// Per element: inside navigation, header, footer or breadcrumb ("chrome").
    pub chrome: Vec<bool>,
}

impl PageDates {
    /// The main list.
    pub fn main_list(&self) -> Option<&ItemList> {
        self.main.and_then(|i| self.lists.get(i))
    }

    /// The newest item date over every list, not after `latest`.
    pub fn newest(&self) -> Option<Date> {
        self.lists
            .iter()
            .filter_map(|l| l.newest(self.latest))
            .max()
    }

    /// Whether an element is in the page chrome.
    pub fn in_chrome(&self, id: ElementId) -> bool {
        self.chrome.get(id.0 as usize).copied().unwrap_or(false)
    }

    /// Computes (or returns the memoised) dates of a page.
    pub fn of(page: &Page, as_of: Date, tolerance_days: u32) -> std::rc::Rc<PageDates> {
        page.memo(|p| extract(p, as_of, tolerance_days))
    }
}

/// Shortest title (in non-space characters) that makes a link a list item: navigation links
/// (`首页`, `走进云汀`, `网站地图`) are shorter than article titles.
pub const MIN_TITLE_CHARS: usize = 6;
/// A list needs this many items unless one of them is dated.
const MIN_LIST_ITEMS: usize = 2;
/// How far up from a link its item element may be.
const MAX_ITEM_UP: usize = 6;
/// Larger subtrees are not list items (a whole article body, a layout table row).
const MAX_ITEM_ELEMENTS: usize = 200;
/// Items per page at most (a 10,000-link page costs no more than this).
const MAX_ITEMS: usize = 5_000;
/// Running text (characters in `<p>` outside lists and chrome) that makes a dated page an
/// article.
const ARTICLE_PROSE_CHARS: usize = 100;

/// Words of `class`/`id` values (split at spaces, `-` and `_`) that mark page chrome.
const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "foot",
    "bottom",
    "copyright",
    "crumb",
    "crumbs",
    "breadcrumb",
    "position",
    "location",
    "yqlj",
    "friendlink",
    "dh",
    "daohang",
    "topbar",
];

fn is_chrome_element(el: &El<'_>) -> bool {
    if matches!(el.name(), "nav" | "footer" | "header") {
        return true;
    }
    if el.attr("role").is_some_and(|r| {
        let r = r.trim();
        r.eq_ignore_ascii_case("navigation") || r.eq_ignore_ascii_case("contentinfo")
    }) {
        return true;
    }
    ["class", "id"]
        .iter()
        .any(|a| el.attr(a).is_some_and(|v| has_word(&v, CHROME_WORDS)))
}

/// Whether a `class`/`id` value has one of `words` (lower case) as a word, splitting at
/// spaces, `-` and `_`, ignoring ASCII case.
pub fn has_word(value: &str, words: &[&str]) -> bool {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|w| !w.is_empty() && words.iter().any(|x| w.eq_ignore_ascii_case(x)))
}

fn chrome_table(page: &Page) -> Vec<bool> {
    let mut out = vec![false; page.element_count()];
    for el in page.elements() {
        let inherited = el
            .parent()
            .is_some_and(|p| out.get(p.id().0 as usize).copied().unwrap_or(false));
        out[el.id().0 as usize] = inherited || is_chrome_element(&el);
    }
    out
}

fn non_space_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whether an `href` leads somewhere (not empty, `#…`, `javascript:` or `mailto:`).
pub fn is_navigable_href(href: &str) -> bool {
    let h = href.trim();
    let scheme = |p: &str| h.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
    !h.is_empty() && !h.starts_with('#') && !scheme("javascript:") && !scheme("mailto:")
}

/// The end (exclusive) of an element's subtree in document order.
fn subtree_end(el: &El<'_>) -> u32 {
    el.descendants()
        .next_back()
        .map_or(el.id().0 + 1, |d| d.id().0 + 1)
}

/// The item element of a title link: the closest `li`, `tr`, `dd` or `dt`; else a small
/// `div`/`p` parent holding the link. A `dt`/`dd` whose `dl` holds one link stands for the
/// whole `dl` (lists of `<dl><dt>title</dt><dd>date</dd></dl>`).
fn item_of<'p>(a: &El<'p>) -> Option<El<'p>> {
    let found = a
        .ancestors()
        .take(MAX_ITEM_UP)
        .find(|e| matches!(e.name(), "li" | "tr" | "dd" | "dt"));
    if let Some(item) = found {
        if matches!(item.name(), "dd" | "dt")
            && let Some(dl) = item.parent().filter(|p| p.name() == "dl")
            && dl
                .descendants()
                .take(MAX_ITEM_ELEMENTS)
                .filter(|e| e.name() == "a")
                .count()
                == 1
        {
            return Some(dl);
        }
        return Some(item);
    }
    let parent = a.parent()?;
    if matches!(parent.name(), "div" | "p")
        && parent.descendants().take(31).count() <= 30
        && parent.visible_text().len() <= 600
    {
        return Some(parent);
    }
    None
}

/// The container that groups an item with its siblings.
fn container_of<'p>(item: &El<'p>) -> Option<El<'p>> {
    if item.name() == "tr" {
        return item.closest("table").or_else(|| item.parent());
    }
    item.parent()
}

/// The date of an item: an element holding only a date (the latest, when a row has several:
/// 成文日期 and 发布日期), else a date in the item's text outside its links, else a date at
/// the end of the title. For a `dt`, the `dd` right after it may hold the date.
fn item_date(item: &El<'_>, title_link: &El<'_>) -> Option<(ItemDate, String)> {
    let mut best_full: Option<(Date, String)> = None;
    let mut first_short: Option<(ItemDate, String)> = None;
    for d in item.descendants().take(MAX_ITEM_ELEMENTS) {
        if d.is_hidden() {
            continue;
        }
        if d.name() == "time"
            && let Some(dt) = d.attr("datetime")
            && let Some(date) = first_full_date(&fold(&dt))
        {
            if best_full.as_ref().is_none_or(|(b, _)| date > *b) {
                best_full = Some((date, dt.trim().to_string()));
            }
            continue;
        }
        let t = d.visible_text();
        match date_only(t) {
            Some(ItemDate::Full(date)) if best_full.as_ref().is_none_or(|(b, _)| date > *b) => {
                best_full = Some((date, t.to_string()));
            }
            Some(short @ ItemDate::Short(..)) if first_short.is_none() => {
                first_short = Some((short, t.to_string()));
            }
            _ => {}
        }
    }
    if let Some((d, raw)) = best_full {
        return Some((ItemDate::Full(d), raw));
    }
    if first_short.is_some() {
        return first_short;
    }
    // Text outside the links: `<li><a>标题</a> 2026-11-20</li>`.
    let mut outside = item.visible_text().to_string();
    for a in item
        .descendants()
        .take(MAX_ITEM_ELEMENTS)
        .filter(|e| e.name() == "a")
    {
        let at = a.visible_text();
        if !at.is_empty()
            && let Some(pos) = outside.find(at)
        {
            outside.replace_range(pos..pos + at.len(), " ");
        }
    }
    if let Some(d) = date_only(&outside) {
        return Some((d, outside.trim().to_string()));
    }
    let folded = fold(&outside);
    if let Some((d, range)) = full_dates(&folded).into_iter().next() {
        return Some((ItemDate::Full(d), folded[range].to_string()));
    }
    if let Some(d) = trailing_date(&outside) {
        return Some((d, outside.trim().to_string()));
    }
    // A date at the end of the title itself: `<a>标题 (2026-11-20)</a>`.
    if let Some(d) = trailing_date(title_link.visible_text()) {
        return Some((d, title_link.visible_text().to_string()));
    }
    // `<dt><a>标题</a></dt><dd>2026-11-20</dd>`: the next sibling.
    if item.name() == "dt" {
        let page = item.page();
        let end = subtree_end(item);
        if (end as usize) < page.element_count() {
            let next = page.el(ElementId(end));
            if next.name() == "dd" && next.parent() == item.parent() {
                let t = next.visible_text();
                if let Some(d) = date_only(t) {
                    return Some((d, t.to_string()));
                }
            }
        }
    }
    None
}

struct RawItem<'p> {
    item: El<'p>,
    container: ElementId,
    link: El<'p>,
    title: String,
}

fn find_lists(
    page: &Page,
    chrome: &[bool],
    published: Option<Date>,
    as_of: Date,
    latest: Date,
) -> Vec<ItemList> {
    let in_chrome = |id: ElementId| chrome.get(id.0 as usize).copied().unwrap_or(false);
    let mut raw: Vec<RawItem<'_>> = Vec::new();
    let mut index: HashMap<ElementId, usize> = HashMap::new();
    for a in page.elements_named("a") {
        if raw.len() >= MAX_ITEMS {
            break;
        }
        if a.is_hidden()
            || in_chrome(a.id())
            || !a.attr("href").is_some_and(|h| is_navigable_href(&h))
        {
            continue;
        }
        let title = a.visible_text();
        if non_space_chars(title) < MIN_TITLE_CHARS || date_only(title).is_some() {
            continue;
        }
        let Some(item) = item_of(&a) else { continue };
        let Some(container) = container_of(&item) else {
            continue;
        };
        match index.get(&item.id()) {
            // Two title links in one item (`[栏目] 标题`): the longer is the title.
            Some(&i) => {
                if non_space_chars(title) > non_space_chars(&raw[i].title) {
                    raw[i].title = title.to_string();
                    raw[i].link = a;
                }
            }
            None => {
                index.insert(item.id(), raw.len());
                raw.push(RawItem {
                    item,
                    container: container.id(),
                    link: a,
                    title: title.to_string(),
                });
            }
        }
    }
    // Link clusters (a `dd` of five column links) and large blocks are not items.
    raw.retain(|r| {
        let size = (subtree_end(&r.item) - r.item.id().0) as usize;
        size <= MAX_ITEM_ELEMENTS && r.item.descendants().filter(|e| e.name() == "a").count() <= 3
    });
    // Group by container, in document order of the first item.
    // Items with their year-less date, if any, grouped by container.
    type Group = (ElementId, Vec<(Item, Option<ItemDate>)>);
    let mut groups: Vec<Group> = Vec::new();
    let mut by_container: HashMap<ElementId, usize> = HashMap::new();
    for r in &raw {
        let found = item_date(&r.item, &r.link);
        let (date, raw_date, short) = match found {
            Some((ItemDate::Full(d), s)) => (Some(d), s, None),
            Some((sd @ ItemDate::Short(..), s)) => (None, s, Some(sd)),
            None => (None, String::new(), None),
        };
        let item = Item {
            element: r.item.id(),
            title: crate::dom::truncate_chars(&r.title, 80).into_owned(),
            date,
            inferred: false,
            raw_date,
        };
        let g = *by_container.entry(r.container).or_insert_with(|| {
            groups.push((r.container, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push((item, short));
    }
    let mut lists = Vec::new();
    for (container, entries) in groups {
        let fulls: Vec<Option<Date>> = entries.iter().map(|(i, _)| i.date).collect();
        let items: Vec<Item> = entries
            .into_iter()
            .enumerate()
            .map(|(k, (mut item, short))| {
                if let Some(ItemDate::Short(m, d)) = short {
                    let before = fulls[..k].iter().rev().flatten().next();
                    let after = fulls[k + 1..].iter().flatten().next();
                    let reference = before.or(after).copied().or(published).unwrap_or(as_of);
                    item.date = infer_year(m, d, reference, latest);
                    item.inferred = item.date.is_some();
                }
                item
            })
            .collect();
        let dated = items.iter().filter(|i| i.date.is_some()).count();
        if items.len() >= MIN_LIST_ITEMS || dated > 0 {
            lists.push(ItemList { container, items });
        }
    }
    lists
}

/// Metas that carry a publication date, by `name` (case-insensitive), in order of trust.
const DATE_METAS: &[&str] = &[
    "PubDate",
    "PublishDate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "dcterms.issued",
    "dc.date.issued",
    "dc.date",
];

fn meta_date(page: &Page) -> Option<Published> {
    for name in DATE_METAS {
        if let Some(v) = page.meta(name)
            && let Some(d) = first_full_date(&fold(&v))
        {
            return Some(Published {
                date: d,
                source: Source::Meta,
                element: None,
                raw: format!("<meta name=\"{name}\" content=\"{}\">", v.trim()),
            });
        }
    }
    for m in page.elements_named("meta") {
        let prop = m.attr("property").or_else(|| m.attr("itemprop"));
        if prop.is_some_and(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("article:published_time")
                || p.eq_ignore_ascii_case("datePublished")
        }) && let Some(v) = m.attr("content")
            && let Some(d) = first_full_date(&fold(&v))
        {
            return Some(Published {
                date: d,
                source: Source::Meta,
                element: None,
                raw: m.start_tag(120),
            });
        }
    }
    None
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(发布|撰写|发文|发表|公开|成文|印发|更新|录入|上传|生成)?(时间|日期)\s*[:：]?\s*|发布于\s*|来源\s*[:：]")
        .expect("static regex")
});

/// Longest element text searched for a labelled date.
const LABEL_TEXT_MAX: usize = 240;

/// The labelled publication date: the smallest-tier label in document order, where tier 0 is
/// 发布/撰写/发文/发表/公开时间/日期 and 发布于, tier 1 a bare 时间/日期 or a `来源` line holding a date, and
/// tier 2 成文/印发/更新/录入/上传/生成. Elements in the page chrome or inside list items are
/// skipped (a list's `发布时间：…` items are not the page's date).
fn label_date(page: &Page, chrome: &[bool], item_ranges: &[(u32, u32)]) -> Option<Published> {
    // Elements that are, contain, or sit inside page chrome or a list item are skipped (a
    // short page's `<body>` holds its footer's 更新时间 and its list's dates).
    let n = page.element_count();
    let mut blocked = chrome.to_vec();
    blocked.resize(n, false);
    for &(start, end) in item_ranges {
        for b in blocked.iter_mut().take(end as usize).skip(start as usize) {
            *b = true;
        }
    }
    let mut contains = vec![false; n];
    for el in page.elements().rev() {
        let i = el.id().0 as usize;
        if (blocked[i] || contains[i])
            && let Some(p) = el.parent()
        {
            contains[p.id().0 as usize] = true;
        }
    }
    // The best match so far and its element; a descendant with the same date and tier is
    // more precise and replaces it.
    let mut best: Option<(u8, Published, El<'_>)> = None;
    for el in page.elements() {
        if let Some((0, _, b)) = &best
            && !b.contains(&el)
        {
            break;
        }
        let t = el.visible_text();
        if t.len() > LABEL_TEXT_MAX
            || t.is_empty()
            || !(t.contains("时间")
                || t.contains("日期")
                || t.contains("来源")
                || t.contains("发布于"))
        {
            continue;
        }
        let i = el.id().0 as usize;
        if blocked[i] || contains[i] || el.is_hidden() {
            continue;
        }
        let text = fold(t);
        for caps in LABEL.captures_iter(&text) {
            let Some(m) = caps.get(0) else { continue };
            let is_source = m.as_str().starts_with("来源");
            let date = if is_source {
                // A `来源` line: a date anywhere in the same short text (`来源：新华社 2023-12-01`,
                // or the `ul` of `<li>来源：…</li><li>2023-12-01 14:43</li>`).
                full_dates(&text).into_iter().next().map(|(d, _)| d)
            } else {
                full_dates(&text[m.end()..])
                    .into_iter()
                    .next()
                    .filter(|(_, r)| r.start == 0)
                    .map(|(d, _)| d)
            };
            let Some(date) = date else { continue };
            let tier = if is_source {
                1
            } else {
                match caps.get(1).map(|p| p.as_str()) {
                    None if m.as_str().starts_with("发布于") => 0,
                    None => 1,
                    Some("发布" | "撰写" | "发文" | "发表" | "公开") => 0,
                    Some(_) => 2,
                }
            };
            let better = best.as_ref().is_none_or(|(bt, bp, b)| {
                tier < *bt || (tier == *bt && bp.date == date && b.contains(&el))
            });
            if better {
                best = Some((
                    tier,
                    Published {
                        date,
                        source: Source::Label,
                        element: Some(el.id()),
                        raw: crate::dom::truncate_chars(t, 80).into_owned(),
                    },
                    el,
                ));
            }
        }
    }
    best.map(|(_, p, _)| p)
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+|/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/|/((?:19|20)\d{2})-(\d{2})/(\d{2})/|/((?:19|20)\d{2})(\d{2})/(\d{2})/",
    )
    .expect("static regex")
});

/// A date in the URL path, as CMSs write it: TRS `…/201909/t20190918_693227.shtml`, Hanweb
/// `/art/2016/11/22/art_…`, `/2023-12/01/content_…`, `/202311/20/…`.
pub fn url_date(url: &url::Url) -> Option<Date> {
    let path = url.path();
    let caps = URL_DATE.captures(path)?;
    [1, 4, 7, 10].iter().find_map(|&b| {
        let (y, m, d) = caps_num(&caps, b)?;
        Date::new(i32::try_from(y).ok()?, m, d)
    })
}

fn prose_chars(page: &Page, chrome: &[bool], item_ranges: &[(u32, u32)]) -> usize {
    let mut total = 0;
    for p in page.elements_named("p") {
        let id = p.id().0;
        if chrome.get(id as usize).copied().unwrap_or(false) || p.is_hidden() {
            continue;
        }
        let idx = item_ranges.partition_point(|(s, _)| *s <= id);
        if idx > 0 && item_ranges[idx - 1].1 > id {
            continue;
        }
        total += p.visible_text().chars().count();
        if total >= ARTICLE_PROSE_CHARS {
            break;
        }
    }
    total
}

/// Extracts a page's dates. `tolerance_days`: dates up to as-of plus this many days are not
/// "in the future".
pub fn extract(page: &Page, as_of: Date, tolerance_days: u32) -> PageDates {
    let latest = as_of.add_days(i64::from(tolerance_days));
    let chrome = chrome_table(page);
    let meta = meta_date(page);
    // Lists first (without a publication date for year inference), so that labels inside
    // list items are skipped; then infer years again once the page's own date is known.
    let mut lists = find_lists(page, &chrome, meta.as_ref().map(|p| p.date), as_of, latest);
    let mut item_ranges: Vec<(u32, u32)> = lists
        .iter()
        .flat_map(|l| l.items.iter())
        .map(|i| {
            let el = page.el(i.element);
            (i.element.0, subtree_end(&el))
        })
        .collect();
    item_ranges.sort_unstable();
    let published = meta
        .or_else(|| label_date(page, &chrome, &item_ranges))
        .or_else(|| {
            url_date(&page.url).map(|d| Published {
                date: d,
                source: Source::Url,
                element: None,
                raw: page.url.path().to_string(),
            })
        });
    if let Some(p) = &published
        && p.source != Source::Meta
        && lists.iter().any(|l| l.items.iter().any(|i| i.inferred))
    {
        lists = find_lists(page, &chrome, Some(p.date), as_of, latest);
    }
    let main = lists
        .iter()
        .enumerate()
        .max_by_key(|(i, l)| (l.items.len(), l.dated(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let has_article_meta = page
        .meta("ArticleTitle")
        .is_some_and(|t| !t.trim().is_empty());
    let main_items = main.and_then(|i| lists.get(i)).map_or(0, |l| l.items.len());
    let kind = if has_article_meta
        || (published.is_some()
            && (main_items < 3 || prose_chars(page, &chrome, &item_ranges) >= ARTICLE_PROSE_CHARS))
    {
        PageKind::Article
    } else if main.is_some() {
        PageKind::List
    } else {
        PageKind::Other
    };
    PageDates {
        as_of,
        latest,
        published,
        lists,
        main,
        kind,
        chrome,
    }
}

/// The `dates` object of a page in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatesFact {
    /// The page's own publication date; `null` when none was found.
    pub published: Option<Date>,
    /// Where `published` was read: `meta`, `label` or `url`; `null` without a date.
    pub source: Option<Source>,
    /// `article`, `list` or `other`.
    pub kind: PageKind,
    /// The newest item date over every list of the page, dates after as-of plus the tolerance
    /// left out; `null` when no item is dated.
    pub newest: Option<Date>,
    /// The main list (the one with the most items); `null` when the page has none.
    pub list: Option<ListFact>,
}

/// The main list of a page, in the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFact {
    /// Items (title links).
    pub items: usize,
    /// Items with a date.
    pub dated: usize,
    /// The newest item date (not after as-of plus the tolerance).
    pub newest: Option<Date>,
    /// The oldest item date.
    pub oldest: Option<Date>,
    /// The list container.
    pub selector: String,
    /// Its source line.
    pub line: Option<u32>,
}

impl DatesFact {
    /// The fact for a page.
    pub fn new(page: &Page, d: &PageDates) -> DatesFact {
        DatesFact {
            published: d.published.as_ref().map(|p| p.date),
            source: d.published.as_ref().map(|p| p.source),
            kind: d.kind,
            newest: d.newest(),
            list: d.main_list().map(|l| {
                let el = page.el(l.container);
                ListFact {
                    items: l.items.len(),
                    dated: l.dated(),
                    newest: l.newest(d.latest),
                    oldest: l.oldest(),
                    selector: el.selector(),
                    line: el.line(),
                }
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }

    #[test]
    fn calendar_validation_and_arithmetic() {
        assert!(Date::new(2026, 2, 30).is_none());
        assert!(Date::new(2026, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2026, 13, 1).is_none());
        assert!(Date::new(2026, 4, 31).is_none());
        assert!(Date::new(1969, 12, 31).is_none());
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("2024-02-29").days(), 19_782);
        assert_eq!(Date::from_days(19_782), d("2024-02-29"));
        assert_eq!(d("2026-11-27").add_days(14), d("2026-12-11"));
        assert_eq!(d("2027-01-03").add_days(-14), d("2026-12-20"));
        assert_eq!(d("2027-08-31").sub_months(6), d("2027-02-28"));
        assert_eq!(d("2028-08-31").sub_months(6), d("2028-02-29"));
        assert_eq!(d("2027-05-18").sub_months(6), d("2026-11-18"));
        assert_eq!(d("2026-03-15").sub_months(12), d("2025-03-15"));
        assert_eq!(d("2026-11-20").days_until(d("2026-12-10")), 20);
        assert!(d("2026-11-20") < d("2026-12-01"));
        assert_eq!(d("2026-1-5").to_string(), "2026-01-05");
        assert!("2026-02-30".parse::<Date>().is_err());
        assert!("2026/11/20".parse::<Date>().is_err());
        assert!("yesterday".parse::<Date>().is_err());
        let today = Date::today_shanghai();
        assert!(today.year() >= 2024, "{today}");
    }

    #[test]
    fn periods() {
        assert_eq!("14d".parse::<Period>(), Ok(Period::Days(14)));
        assert_eq!("14".parse::<Period>(), Ok(Period::Days(14)));
        assert_eq!("2w".parse::<Period>(), Ok(Period::Days(14)));
        assert_eq!("6m".parse::<Period>(), Ok(Period::Months(6)));
        assert_eq!("1y".parse::<Period>(), Ok(Period::Months(12)));
        assert_eq!("6个月".parse::<Period>(), Ok(Period::Months(6)));
        assert!("0d".parse::<Period>().is_err());
        assert!("6x".parse::<Period>().is_err());
        assert!("".parse::<Period>().is_err());
        assert_eq!(Period::Months(12).to_string(), "1y");
        assert_eq!(Period::Months(6).to_string(), "6m");
        assert_eq!(Period::Days(14).to_string(), "14d");
        assert_eq!(Period::Days(14).cutoff(d("2026-12-10")), d("2026-11-26"));
        assert_eq!(Period::Months(6).cutoff(d("2027-05-18")), d("2026-11-18"));
        assert_eq!(Period::Months(12).describe(crate::i18n::Lang::Zh), "1 年");
        assert_eq!(
            Period::Months(6).describe(crate::i18n::Lang::En),
            "6 months"
        );
    }

    #[test]
    fn every_full_form() {
        for (text, want) in [
            ("2026-11-20", "2026-11-20"),
            ("2026/11/20", "2026-11-20"),
            ("2026.11.20", "2026-11-20"),
            ("2026年11月20日", "2026-11-20"),
            ("2026年1月5日", "2026-01-05"),
            ("2026 年 1 月 5 日", "2026-01-05"),
            ("2026-1-5", "2026-01-05"),
            ("２０２６－１１－２０", "2026-11-20"),
            ("2026-11-20 09:30", "2026-11-20"),
            ("2026-11-20T09:30:00+08:00", "2026-11-20"),
            ("2007-08-20-23:59:59", "2007-08-20"),
        ] {
            assert_eq!(date_only(text), Some(ItemDate::Full(d(want))), "{text}");
        }
    }

    #[test]
    fn short_forms_and_brackets() {
        for (text, m, dd) in [
            ("11-20", 11, 20),
            ("[11-20]", 11, 20),
            ("【11-20】", 11, 20),
            ("(11-20)", 11, 20),
            ("（11-20）", 11, 20),
            ("11/20", 11, 20),
            ("11.20", 11, 20),
            ("11月20日", 11, 20),
            ("02-29", 2, 29),
        ] {
            assert_eq!(date_only(text), Some(ItemDate::Short(m, dd)), "{text}");
        }
        assert_eq!(
            date_only("[2026-11-20]"),
            Some(ItemDate::Full(d("2026-11-20")))
        );
        assert_eq!(
            date_only("发布时间：2026-11-20 09:30"),
            Some(ItemDate::Full(d("2026-11-20")))
        );
        assert_eq!(
            date_only("日期:2026/11/20"),
            Some(ItemDate::Full(d("2026-11-20")))
        );
    }

    #[test]
    fn invalid_and_non_dates_are_rejected() {
        for text in [
            "2026-02-30",
            "2026-13-01",
            "2026-00-12",
            "02-30",
            "13-01",
            "0750-2345678",
            "12026-11-20",
            "2026-11-201",
            "第2026-11号",
            "1-10月德清县固定资产投资",
            "共15条",
            "2026年",
            "2026年11月",
            "浏览次数：1120",
            "2026-11-20 发布的通知很重要，请各单位认真学习",
        ] {
            assert_eq!(date_only(text), None, "{text}");
        }
        assert!(full_dates("索引号：11440783007045107X/2026-00123").is_empty());
        assert!(full_dates("电话 0750-2345678").is_empty());
        assert_eq!(
            full_dates("成文日期：2026-02-30；发布日期：2026-03-02").len(),
            1
        );
    }

    #[test]
    fn trailing_dates() {
        assert_eq!(
            trailing_date("关于开展检查的通知 (2026-11-20)"),
            Some(ItemDate::Full(d("2026-11-20")))
        );
        assert_eq!(
            trailing_date("关于开展检查的通知 [11-20]"),
            Some(ItemDate::Short(11, 20))
        );
        assert_eq!(trailing_date("1-10月德清县固定资产投资结构趋稳趋优"), None);
        assert_eq!(trailing_date("2026年1-10月经济运行"), None);
        assert_eq!(trailing_date("召开会议研究11-20"), None);
    }

    #[test]
    fn year_inference() {
        let as_of = d("2027-01-05");
        let latest = as_of.add_days(1);
        // From as-of: December is last year's.
        assert_eq!(infer_year(12, 28, as_of, latest), Some(d("2026-12-28")));
        assert_eq!(infer_year(1, 3, as_of, latest), Some(d("2027-01-03")));
        // Never into the future.
        assert_eq!(infer_year(1, 20, as_of, latest), Some(d("2026-01-20")));
        // From a neighbouring item's full date.
        assert_eq!(
            infer_year(11, 20, d("2025-11-25"), latest),
            Some(d("2025-11-20"))
        );
        assert_eq!(
            infer_year(1, 2, d("2025-12-30"), latest),
            Some(d("2026-01-02"))
        );
        // 02-29 only in leap years near the reference.
        assert_eq!(
            infer_year(2, 29, d("2025-03-01"), latest),
            Some(d("2024-02-29"))
        );
        assert_eq!(infer_year(2, 29, d("2026-06-01"), latest), None);
    }

    #[test]
    fn url_dates() {
        let u = |s: &str| url::Url::parse(s).expect("url");
        assert_eq!(
            url_date(&u(
                "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
            )),
            Some(d("2019-09-18"))
        );
        assert_eq!(
            url_date(&u(
                "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html"
            )),
            Some(d("2016-11-22"))
        );
        assert_eq!(
            url_date(&u(
                "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html"
            )),
            Some(d("2023-12-01"))
        );
        assert_eq!(
            url_date(&u("https://www.example.gov.cn/col/col123/index.html")),
            None
        );
        assert_eq!(
            url_date(&u("https://www.example.gov.cn/t20260230_1.html")),
            None
        );
    }

    fn page(html: &str) -> Page {
        Page::from_html(html, "https://www.example.gov.cn/news/index.html")
    }

    fn extract_at(html: &str, as_of: &str) -> PageDates {
        extract(&page(html), d(as_of), 1)
    }

    fn main_dates(p: &PageDates) -> Vec<Option<String>> {
        p.main_list()
            .expect("main list")
            .items
            .iter()
            .map(|i| i.date.map(|x| x.to_string()))
            .collect()
    }

    #[test]
    fn meta_pubdate_and_article_kind() {
        let p = extract_at(
            "<meta name='ArticleTitle' content='标题'><meta name='PubDate' content='2026-11-20 09:30'>\
             <p>正文</p>",
            "2026-11-27",
        );
        let pb = p.published.expect("published");
        assert_eq!((pb.date, pb.source), (d("2026-11-20"), Source::Meta));
        assert_eq!(p.kind, PageKind::Article);
        let p = extract_at(
            "<meta name='firstpublishedtime' content='2007-08-20-23:59:59'>",
            "2026-11-27",
        );
        assert_eq!(p.published.map(|x| x.date), Some(d("2007-08-20")));
        let p = extract_at(
            "<meta property='article:published_time' content='2023-12-01T14:43:00+08:00'>",
            "2026-11-27",
        );
        assert_eq!(p.published.map(|x| x.date), Some(d("2023-12-01")));
    }

    #[test]
    fn labelled_dates() {
        for (html, want) in [
            ("<div class='info'>撰写时间:2023-12-22</div>", "2023-12-22"),
            (
                "<div><span>发布时间：2026-11-20 09:30</span><span>来源：县应急管理局</span></div>",
                "2026-11-20",
            ),
            ("<span><i>时间：</i>2019-09-18 06:23</span>", "2019-09-18"),
            (
                "<div class='pubDate'>发布日期: <span>2012-06-24</span></div>",
                "2012-06-24",
            ),
            ("<span>发布日期：2016年11月22日</span>", "2016-11-22"),
            // A 来源 block whose date sits in a sibling item (www.kepu.gov.cn).
            (
                "<ul><li>来源：新华社</li><li>作者：</li><li>2023-12-01 14:43</li></ul>",
                "2023-12-01",
            ),
            // Label and date in separate cells.
            (
                "<table><tr><th>索引号：</th><td>114407/2026-00123</td><th>发布日期：</th><td>2026-11-18</td></tr></table>",
                "2026-11-18",
            ),
        ] {
            let p = extract_at(html, "2026-11-27");
            let pb = p.published.unwrap_or_else(|| panic!("no date in {html}"));
            assert_eq!(
                (pb.date.to_string().as_str(), pb.source),
                (want, Source::Label),
                "{html}"
            );
        }
        // 发布 wins over 成文 and 更新, wherever they are.
        let p = extract_at(
            "<p>成文日期：2026-11-10</p><p>发布日期：2026-11-18</p><div class='x'>更新时间：2026-11-26</div>",
            "2026-11-27",
        );
        assert_eq!(p.published.map(|x| x.date), Some(d("2026-11-18")));
        // The footer's 更新时间 and a hidden alt are not the page's date.
        let p = extract_at(
            "<span alt='时间：2017-11-08'>x</span><div class='footer'>网站更新时间：2026-11-26</div>",
            "2026-11-27",
        );
        assert!(p.published.is_none());
        // 办公时间 is a label without a date.
        assert!(
            extract_at("<p>办公时间：周一至周五</p>", "2026-11-27")
                .published
                .is_none()
        );
    }

    #[test]
    fn list_with_dates_in_spans() {
        let p = extract_at(
            "<div class='nav'><ul><li><a href='/'>首页</a></li><li><a href='/a'>政府信息公开目录</a></li><li><a href='/b'>政务服务中心入口</a></li></ul></div>\
             <ul class='list'>\
             <li><a href='1.html'>云汀县召开冬季森林防火工作部署会</a><span class='date'>2026-11-20</span></li>\
             <li><a href='2.html'>云汀县举办农产品展销活动</a><span class='date'>2026-11-18</span></li>\
             <li><a href='3.html'>县政务服务中心推出延时服务</a><span>2026-11-14</span></li>\
             </ul>",
            "2026-11-27",
        );
        assert_eq!(p.lists.len(), 1, "navigation is not a list");
        assert_eq!(
            main_dates(&p),
            vec![
                Some("2026-11-20".into()),
                Some("2026-11-18".into()),
                Some("2026-11-14".into())
            ]
        );
        assert_eq!(p.kind, PageKind::List);
        assert_eq!(p.newest(), Some(d("2026-11-20")));
        assert_eq!(
            p.main_list().and_then(ItemList::oldest),
            Some(d("2026-11-14"))
        );
    }

    #[test]
    fn dates_in_separate_table_cells() {
        let p = extract_at(
            "<table class='list'><tr><th>标题</th><th>成文日期</th><th>发布日期</th></tr>\
             <tr><td><a href='1.html'>关于开展冬季防火检查的通知</a></td><td>2026年11月10日</td><td>2026年11月18日</td></tr>\
             <tr><td><a href='2.html'>关于调整最低生活保障标准的公示</a></td><td>2026/10/02</td><td>2026/10/12</td></tr>\
             <tr><td><a href='3.html'>关于2027年1月1日起实施新规定的通告</a></td><td></td><td>2026.09.25</td></tr>\
             </table>",
            "2026-11-27",
        );
        assert_eq!(
            main_dates(&p),
            vec![
                Some("2026-11-18".into()),
                Some("2026-10-12".into()),
                Some("2026-09-25".into())
            ]
        );
    }

    #[test]
    fn short_dates_take_the_year_from_context() {
        // From as-of: the list spans the new year.
        let p = extract_at(
            "<ul><li><a href='1.html'>新年第一次常务会议召开</a><span>[01-03]</span></li>\
             <li><a href='2.html'>年终岁末安全检查部署会</a><span>[12-28]</span></li></ul>",
            "2027-01-05",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2027-01-03".into()), Some("2026-12-28".into())]
        );
        assert!(
            p.main_list()
                .expect("list")
                .items
                .iter()
                .all(|i| i.inferred)
        );
        // From a neighbouring item that has a year.
        let p = extract_at(
            "<ul><li><a href='1.html'>县政府召开常务会议研究工作</a><span>2025-11-25</span></li>\
             <li><a href='2.html'>县领导调研城乡供水项目建设</a><span>11-20</span></li></ul>",
            "2026-06-01",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2025-11-25".into()), Some("2025-11-20".into())]
        );
        // From the page's own date.
        let p = extract_at(
            "<div>发布日期：2024-03-02</div><ul><li><a href='1.html'>往期回顾第一期专题内容</a> 02-29</li>\
             <li><a href='2.html'>往期回顾第二期专题内容</a> 02-10</li></ul>",
            "2026-06-01",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2024-02-29".into()), Some("2024-02-10".into())]
        );
    }

    #[test]
    fn other_item_shapes() {
        // Date in the text outside the link, at the end of the title, in a dl.
        let p = extract_at(
            "<ul><li><a href='1.html'>关于开展冬季防火检查的通知</a> 2026-11-20</li>\
             <li><a href='2.html'>关于调整最低生活保障标准的公示 (2026-11-18)</a></li>\
             <li><a href='3.html'>关于县城区部分路段临时交通管制</a><em>2026年11月6日</em></li></ul>",
            "2026-11-27",
        );
        assert_eq!(
            main_dates(&p),
            vec![
                Some("2026-11-20".into()),
                Some("2026-11-18".into()),
                Some("2026-11-06".into())
            ]
        );
        let p = extract_at(
            "<div class='news'><dl><dt><a href='1.html'>云汀县召开冬季森林防火部署会</a></dt><dd>2026-11-20</dd></dl>\
             <dl><dt><a href='2.html'>云汀县举办农产品展销活动</a></dt><dd>2026-11-18</dd></dl></div>",
            "2026-11-27",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2026-11-20".into()), Some("2026-11-18".into())]
        );
        let p = extract_at(
            "<dl><dt><a href='1.html'>云汀县召开冬季森林防火部署会</a></dt><dd>2026-11-20</dd>\
             <dt><a href='2.html'>云汀县举办农产品展销活动</a></dt><dd>2026-11-18</dd></dl>",
            "2026-11-27",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2026-11-20".into()), Some("2026-11-18".into())]
        );
        let p = extract_at(
            "<ul><li><a href='1.html'>云汀县召开冬季森林防火部署会</a><time datetime='2026-11-20'>昨天</time></li>\
             <li><a href='2.html'>云汀县举办农产品展销活动</a><time datetime='2026-11-18T10:00'>前天</time></li></ul>",
            "2026-11-27",
        );
        assert_eq!(
            main_dates(&p),
            vec![Some("2026-11-20".into()), Some("2026-11-18".into())]
        );
    }

    #[test]
    fn titles_with_dates_are_not_item_dates() {
        let p = extract_at(
            "<ul><li><a href='1.html'>关于2027年1月1日起实施新规定的通告</a></li>\
             <li><a href='2.html'>1-10月德清县固定资产投资结构趋稳趋优</a></li></ul>",
            "2026-11-27",
        );
        assert_eq!(main_dates(&p), vec![None, None]);
    }

    #[test]
    fn undated_list_and_future_items() {
        let p = extract_at(
            "<ul><li><a href='1.html'>政府信息公开工作年度报告</a></li><li><a href='2.html'>政府信息公开指南文件</a></li></ul>",
            "2026-11-27",
        );
        let l = p.main_list().expect("list");
        assert_eq!((l.items.len(), l.dated()), (2, 0));
        let p = extract_at(
            "<ul><li><a href='1.html'>关于明年工作安排的通知文件</a><span>2027-03-01</span></li>\
             <li><a href='2.html'>关于今年工作总结的通知文件</a><span>2026-11-20</span></li></ul>",
            "2026-11-27",
        );
        assert_eq!(
            p.newest(),
            Some(d("2026-11-20")),
            "future items are not the newest"
        );
        assert_eq!(p.main_list().map(ItemList::dated), Some(2));
    }

    #[test]
    fn list_items_do_not_give_the_page_date() {
        let p = extract_at(
            "<ul><li><a href='1.html'>云汀县召开冬季森林防火部署会</a><span>发布时间：2026-11-20</span></li>\
             <li><a href='2.html'>云汀县举办农产品展销活动</a><span>发布时间：2026-11-18</span></li></ul>",
            "2026-11-27",
        );
        assert!(p.published.is_none());
        assert_eq!(
            main_dates(&p),
            vec![Some("2026-11-20".into()), Some("2026-11-18".into())]
        );
    }

    #[test]
    fn deep_nesting_and_large_lists() {
        let html = "<div class='box'>".repeat(500)
            + "<ul><li><a href='1.html'>云汀县召开冬季森林防火部署会</a><span>2026-11-20</span></li></ul>";
        let p = extract_at(&html, "2026-11-27");
        assert_eq!(p.newest(), Some(d("2026-11-20")));
        // Nested list items each holding a title link: bounded work, no overflow.
        let nested =
            "<ul><li><a href='x.html'>云汀县召开冬季森林防火部署会</a><span>2026-11-20</span>"
                .repeat(400);
        let p = extract_at(&nested, "2026-11-27");
        assert_eq!(p.newest(), Some(d("2026-11-20")));
        let big = "<ul>".to_string()
            + &"<li><a href='x.html'>云汀县召开冬季森林防火部署会</a><span>2026-11-20</span></li>"
                .repeat(MAX_ITEMS + 100)
            + "</ul>";
        let start = std::time::Instant::now();
        let p = extract_at(&big, "2026-11-27");
        assert_eq!(p.main_list().map(|l| l.items.len()), Some(MAX_ITEMS));
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }
}
