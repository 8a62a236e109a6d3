//! The site stage: the home page's entries (from its `identity` facts), fetching an entry's
//! target once, and whether a target was already audited as a page.

use url::Url;

use super::{EntryFact, Version};
use std::sync::Arc;

use crate::fetch::RawPage;
use crate::i18n::Lang;
use crate::report::PageReport;
use crate::rules::{SiteData, SiteInfo};
use crate::services::{Fetched, Services};
use crate::tr;

/// The page whose entries count for the site: the home page (see [`SiteData::home`]) when it
/// was read, else the first page that was.
pub fn home<'a>(site: &SiteData<'a>) -> Option<&'a PageReport> {
    let has_identity = |p: &PageReport| {
        p.facts
            .get("identity")
            .and_then(|i| i.get("entries"))
            .is_some()
    };
    let pages: &'a [PageReport] = site.pages;
    let home = site
        .home()
        .and_then(|h| pages.iter().find(|p| std::ptr::eq(*p, h)));
    match home {
        Some(h) if has_identity(h) => Some(h),
        _ => pages.iter().find(|p| has_identity(p)),
    }
}

/// The entry of a version recorded on a page, `None` when the page has none.
pub fn entry_of(page: &PageReport, v: Version) -> Option<EntryFact> {
    let id = page.facts.get("identity")?;
    let present = id
        .get("entries")
        .and_then(|e| e.get(v.key()))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    if !present {
        return None;
    }
    serde_json::from_value(id.get(v.key())?.clone()).ok()
}

/// The home page's entry of a version: `(home page, entry or None)`; `None` when no page was
/// read.
pub fn home_entry<'a>(
    site: &SiteData<'a>,
    v: Version,
) -> Option<(&'a PageReport, Option<EntryFact>)> {
    let h = home(site)?;
    Some((h, entry_of(h, v)))
}

/// The audited page with this URL (requested or final), if any.
pub fn audited<'a>(site: &SiteData<'a>, url: &Url) -> Option<&'a PageReport> {
    let s = url.as_str();
    site.pages
        .iter()
        .find(|p| p.url == s || p.final_url.as_deref() == Some(s))
}

/// The outcome of fetching a target.
#[derive(Debug, Clone)]
pub enum Fetch {
    /// Answered 2xx (the shared, cached result; always `Ok` inside).
    Ok(Fetched),
    /// Answered otherwise, or failed: the reason (`HTTP 404`, a connection error, a missing
    /// file), and the status when there was one.
    Broken(String, Option<u16>),
    /// Not fetched: the audit is offline and the target is remote, or the target is a local
    /// file beside a single audited file. The reason.
    NotFetched(String),
}

impl Fetch {
    /// The page, when it answered 2xx.
    pub fn page(&self) -> Option<&RawPage> {
        match self {
            Fetch::Ok(f) => f.as_ref().as_ref().ok(),
            _ => None,
        }
    }
}

/// Fetches a target (once per run: [`Services`] caches it).
pub fn fetch(services: &Services, site: &SiteInfo, url: &Url, lang: Lang) -> Fetch {
    if url.scheme() != "file" && !services.network() {
        return Fetch::NotFetched(tr!(
            lang,
            "离线审计不访问外部地址",
            "an offline audit does not fetch remote addresses"
        ));
    }
    let fetched = services.fetch(url);
    match &*fetched {
        Ok(raw) => match raw.status {
            Some(s) if (200..300).contains(&s) => Fetch::Ok(Arc::clone(&fetched)),
            Some(s) => Fetch::Broken(format!("HTTP {s}"), Some(s)),
            None => Fetch::Broken(tr!(lang, "无状态码", "no status"), None),
        },
        Err(_) if url.scheme() == "file" && !super::local_files_are_evidence(site) => {
            Fetch::NotFetched(tr!(
                lang,
                "单个文件的审计不包含它旁边的文件",
                "a single-file audit does not include the files beside it"
            ))
        }
        Err(e) => {
            let why = if url.scheme() == "file" && e.kind == crate::fetch::FetchErrorKind::Io {
                tr!(lang, "文件不存在", "file not found")
            } else {
                e.message.clone()
            };
            Fetch::Broken(why, None)
        }
    }
}
