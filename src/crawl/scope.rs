//! What the crawler follows: the site's hosts (and subdomains with `--include-subdomains`),
//! `--include`/`--exclude` patterns, resource types that are checked rather than crawled, and
//! the crawler-trap guards.

use std::collections::HashMap;

use regex::Regex;
use url::Url;

use super::CrawlOptions;
use super::normalise::fingerprint;
use crate::error::{Error, Result};

/// File extensions of resources that are checked (HEAD) but never parsed as pages:
/// attachments, images, media, scripts and styles, archives.
pub const RESOURCE_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "ceb", "txt",
    "csv", "rtf", "odt", "ods", "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "jpg", "jpeg",
    "png", "gif", "bmp", "svg", "webp", "ico", "tif", "tiff", "mp3", "mp4", "m4a", "wav", "wma",
    "wmv", "avi", "flv", "mov", "mkv", "swf", "js", "css", "json", "xml", "apk", "exe", "msi",
    "dmg", "iso", "woff", "woff2", "ttf", "eot",
];

/// Attachment extensions (documents and archives), as the specification lists them.
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "ppt", "pptx", "et", "dps", "ofd",
    "7z",
];

/// The lower-case extension of a URL's last path segment.
pub fn extension(url: &Url) -> Option<String> {
    let last = url.path().rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 6).then(|| ext.to_ascii_lowercase())
}

/// Why a URL is a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    /// Longer than `--max-url-length`.
    Length,
    /// A path segment repeats (`/a/b/a/b/a/`), the mark of relative-link loops.
    RepeatedSegments,
    /// Too many query-string variants of one path (calendars, filters, session ids).
    QueryVariants,
}

/// What the crawler does with a URL found in a navigation link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Crawl it as a page.
    Page,
    /// A resource by its extension: check its status only.
    Resource,
    /// On another host (not part of the site): check its status only.
    External,
    /// On the site but excluded by `--include`/`--exclude`.
    Excluded,
    /// A crawler trap.
    Trap(Trap),
}

/// The scope of one site's crawl.
#[derive(Debug)]
pub struct Scope {
    hosts: Vec<String>,
    domains: Vec<String>,
    include: Vec<Regex>,
    exclude: Vec<Regex>,
    max_url_length: usize,
    max_repeats: usize,
    max_query_variants: usize,
    variants: HashMap<u64, u32>,
}

/// Compiles `--include`/`--exclude` patterns.
pub fn compile_patterns(flag: &str, patterns: &[String]) -> Result<Vec<Regex>> {
    patterns
        .iter()
        .map(|p| Regex::new(p).map_err(|e| Error::Config(format!("{flag} {p:?}: {e}"))))
        .collect()
}

impl Scope {
    /// The scope of a site started at `start`.
    pub fn new(start: &Url, options: &CrawlOptions) -> Result<Scope> {
        let mut scope = Scope {
            hosts: Vec::new(),
            domains: Vec::new(),
            include: compile_patterns("--include", &options.include)?,
            exclude: compile_patterns("--exclude", &options.exclude)?,
            max_url_length: options.max_url_length(),
            max_repeats: options.max_repeated_segments(),
            max_query_variants: options.max_query_variants(),
            variants: HashMap::new(),
        };
        scope.add_host(start, options.include_subdomains);
        Ok(scope)
    }

    /// Adds a host to the site (the start URL's, or the host it redirects to).
    pub fn add_host(&mut self, url: &Url, subdomains: bool) {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return;
        };
        if subdomains {
            let base = host.strip_prefix("www.").unwrap_or(&host).to_string();
            // An IP address has no subdomains.
            if url.domain().is_some() && !self.domains.contains(&base) {
                self.domains.push(base);
            }
        }
        if !self.hosts.contains(&host) {
            self.hosts.push(host);
        }
    }

    /// The site's hosts.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// Whether a URL is on one of the site's hosts (any port, http or https) or, with
    /// `--include-subdomains`, a subdomain.
    pub fn on_site(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
            || self.domains.iter().any(|d| {
                host == *d
                    || (host.len() > d.len()
                        && host.ends_with(d.as_str())
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.')
            })
    }

    /// Whether `--include`/`--exclude` let a URL in.
    pub fn included(&self, url: &Url) -> bool {
        let s = url.as_str();
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(s)))
            && !self.exclude.iter().any(|r| r.is_match(s))
    }

    /// Decides what to do with a URL found in a navigation link (`<a>`, `<iframe>`).
    /// Counts query variants, so call it once per distinct URL.
    pub fn classify(&mut self, url: &Url) -> Verdict {
        if !self.on_site(url) {
            return Verdict::External;
        }
        if extension(url).is_some_and(|e| RESOURCE_EXTENSIONS.contains(&e.as_str())) {
            return Verdict::Resource;
        }
        if !self.included(url) {
            return Verdict::Excluded;
        }
        if let Some(t) = self.trap(url) {
            return Verdict::Trap(t);
        }
        Verdict::Page
    }

    /// The trap guards: URL length, repeated path segments, query variants per path.
    fn trap(&mut self, url: &Url) -> Option<Trap> {
        if url.as_str().len() > self.max_url_length {
            return Some(Trap::Length);
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for seg in url.path().split('/').filter(|s| !s.is_empty()) {
            let c = counts.entry(seg).or_insert(0);
            *c += 1;
            if *c >= self.max_repeats {
                return Some(Trap::RepeatedSegments);
            }
        }
        if url.query().is_some_and(|q| !q.is_empty()) {
            let key = fingerprint(&format!(
                "{}://{}{}",
                url.scheme(),
                url.host_str().unwrap_or_default(),
                url.path()
            ));
            let n = self.variants.entry(key).or_insert(0);
            *n += 1;
            if *n as usize > self.max_query_variants {
                return Some(Trap::QueryVariants);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn hosts_and_subdomains() {
        let opts = CrawlOptions::default();
        let s = Scope::new(&u("https://www.kaiping.gov.cn/"), &opts).expect("scope");
        assert!(s.on_site(&u("http://www.kaiping.gov.cn:8080/a")));
        assert!(!s.on_site(&u("https://dept.kaiping.gov.cn/")));
        assert!(!s.on_site(&u("mailto:a@kaiping.gov.cn")));
        let opts = CrawlOptions {
            include_subdomains: true,
            ..CrawlOptions::default()
        };
        let mut s = Scope::new(&u("https://www.kaiping.gov.cn/"), &opts).expect("scope");
        assert!(s.on_site(&u("https://dept.kaiping.gov.cn/")));
        assert!(s.on_site(&u("https://kaiping.gov.cn/")));
        assert!(!s.on_site(&u("https://notkaiping.gov.cn/")));
        assert!(!s.on_site(&u("https://www.jiangmen.gov.cn/")));
        s.add_host(&u("https://www.jiangmen.gov.cn/"), false);
        assert!(s.on_site(&u("https://www.jiangmen.gov.cn/x")));
    }

    #[test]
    fn verdicts() {
        let opts = CrawlOptions {
            exclude: vec!["/search/".into()],
            ..CrawlOptions::default()
        };
        let mut s = Scope::new(&u("http://x.gov.cn/"), &opts).expect("scope");
        assert_eq!(s.classify(&u("http://x.gov.cn/a.html")), Verdict::Page);
        assert_eq!(s.classify(&u("http://x.gov.cn/f/a.PDF")), Verdict::Resource);
        assert_eq!(s.classify(&u("http://y.gov.cn/")), Verdict::External);
        assert_eq!(
            s.classify(&u("http://x.gov.cn/search/?q=1")),
            Verdict::Excluded
        );
        let long = format!("http://x.gov.cn/{}", "a".repeat(2000));
        assert_eq!(s.classify(&u(&long)), Verdict::Trap(Trap::Length));
        assert_eq!(
            s.classify(&u("http://x.gov.cn/sub/sub/sub/")),
            Verdict::Trap(Trap::RepeatedSegments)
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn/2026/11/11.html")),
            Verdict::Page
        );
        let opts = CrawlOptions {
            include: vec!["/news/".into()],
            ..CrawlOptions::default()
        };
        let mut s = Scope::new(&u("http://x.gov.cn/"), &opts).expect("scope");
        assert_eq!(s.classify(&u("http://x.gov.cn/news/1.html")), Verdict::Page);
        assert_eq!(s.classify(&u("http://x.gov.cn/about/")), Verdict::Excluded);
        assert!(
            Scope::new(
                &u("http://x.gov.cn/"),
                &CrawlOptions {
                    include: vec!["(".into()],
                    ..CrawlOptions::default()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn calendar_queries_are_capped() {
        let opts = CrawlOptions {
            max_query_variants: Some(5),
            ..CrawlOptions::default()
        };
        let mut s = Scope::new(&u("http://x.gov.cn/"), &opts).expect("scope");
        let verdicts: Vec<Verdict> = (1..=8)
            .map(|m| s.classify(&u(&format!("http://x.gov.cn/cal?month=2026-{m:02}"))))
            .collect();
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Page).count(), 5);
        assert_eq!(verdicts[7], Verdict::Trap(Trap::QueryVariants));
        // Another path has its own budget.
        assert_eq!(s.classify(&u("http://x.gov.cn/list?p=1")), Verdict::Page);
    }

    #[test]
    fn extensions() {
        assert_eq!(
            extension(&u("http://x/a/b.DOCX?x=1")).as_deref(),
            Some("docx")
        );
        assert_eq!(extension(&u("http://x/a/")), None);
        assert_eq!(extension(&u("http://x/a.b/c")), None);
    }
}
