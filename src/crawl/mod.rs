//! Whole-site crawling: frontier, scope, politeness, sitemaps (the crawler issue).
//!
//! Until the crawler lands, a URL input audits that one page.

use serde::{Deserialize, Serialize};

/// Crawl options (scope, limits, politeness).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CrawlOptions {}
