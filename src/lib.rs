//! govaudit: an auditor for Chinese government websites (政府网站).
//!
//! It reads a site (over HTTP, or a folder of built HTML), applies rule families — filing
//! numbers, site identity, IPv6, accessibility, the elder-care and traditional-script
//! versions, links — and reports violations in the terminal, as JSON and other formats.
//!
//! The flow: [`audit`] classifies the inputs, fetches or reads pages ([`fetch`]), decodes and
//! parses them into a [`page::Page`], runs the [`rules::Engine`] on each page and each site,
//! and returns a [`report::Report`].

pub mod audit;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod dns;
pub mod dom;
pub mod error;
pub mod fetch;
pub mod i18n;
pub mod merge;
pub mod page;
pub mod report;
pub mod rules;
pub mod services;
pub mod sites;

pub use audit::audit;
pub use config::AuditOptions;
pub use error::{Error, Result};
pub use report::Report;
