//! robots.txt (RFC 9309): parsing, matching, and a per-origin cache that fetches each
//! robots.txt once and applies its `Crawl-delay` to the politeness gate.
//!
//! A small parser of our own rather than the `texting_robots` crate the design named:
//! texting_robots compares the whole user-agent string with the `User-agent` lines (so
//! `govaudit/0.1.0` never matches a `User-agent: govaudit` group, while RFC 9309 matches the
//! product token), and it pulls in old versions of thiserror, bstr and nom. The rules here:
//!
//! * groups: one or more `User-agent` lines followed by rules; the groups naming our product
//!   token (case-insensitive) are merged; without one, the `*` groups; without those, no rules;
//! * `Allow`/`Disallow` patterns with `*` and a final `$`, matched against the path and query,
//!   percent-escapes compared in one form; the longest matching pattern wins, `Allow` on a tie;
//!   an empty `Disallow` allows everything;
//! * `Crawl-delay` (seconds) of our group, or one given before any group; `Sitemap` lines
//!   anywhere;
//! * fetching: 2xx is parsed (at most 512 KiB), 4xx means no restrictions, 5xx or no answer
//!   means "disallow everything" (RFC 9309 §2.3.1.4), which is reported in the site's notes
//!   with the hint `--ignore-robots` for the site's own webmaster.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

use crate::fetch::http::{BodyMode, HttpFetcher, Request, TlsMode};
use crate::fetch::{FetchError, FetchErrorKind};

/// Largest robots.txt read (RFC 9309 asks crawlers to parse at least 500 KiB).
pub const MAX_ROBOTS_BYTES: u64 = 512 << 10;

#[derive(Debug, Clone, PartialEq, Eq)]
struct RobotRule {
    allow: bool,
    /// The pattern with escapes normalised.
    pattern: String,
}

/// How a robots.txt was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsSource {
    /// Parsed from a 2xx answer.
    Parsed,
    /// No robots.txt (4xx): everything allowed.
    Missing(u16),
    /// 5xx: everything disallowed (RFC 9309).
    ServerError(u16),
    /// No answer: everything disallowed; the error says why.
    Unreachable(FetchError),
    /// Not fetched (robots.txt ignored for this host).
    Ignored,
}

/// The rules of one robots.txt for our user agent.
#[derive(Debug, Clone)]
pub struct Robots {
    rules: Vec<RobotRule>,
    disallow_all: bool,
    /// The `Crawl-delay` for us, in seconds.
    pub crawl_delay: Option<f64>,
    /// `Sitemap` URLs.
    pub sitemaps: Vec<String>,
    /// Where the rules came from.
    pub source: RobotsSource,
}

impl Robots {
    /// No restrictions.
    pub fn allow_all(source: RobotsSource) -> Robots {
        Robots {
            rules: Vec::new(),
            disallow_all: false,
            crawl_delay: None,
            sitemaps: Vec::new(),
            source,
        }
    }

    /// Everything disallowed.
    pub fn disallow_all(source: RobotsSource) -> Robots {
        Robots {
            disallow_all: true,
            ..Robots::allow_all(source)
        }
    }

    /// Parses a robots.txt for the product token `agent` (e.g. `govaudit`).
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.trim().to_ascii_lowercase();
        struct Group {
            agents: Vec<String>,
            rules: Vec<RobotRule>,
            delay: Option<f64>,
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        let mut preamble_delay = None;
        let mut in_agents = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" | "useragent" | "user agent" => {
                    if !in_agents {
                        groups.push(Group {
                            agents: Vec::new(),
                            rules: Vec::new(),
                            delay: None,
                        });
                        in_agents = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        let token = value
                            .split(|c: char| c == '/' || c.is_whitespace())
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase();
                        g.agents.push(token);
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.rules.push(RobotRule {
                            allow: key == "allow",
                            pattern: normalise_pattern(value),
                        });
                    }
                }
                "crawl-delay" => {
                    let d = value
                        .parse::<f64>()
                        .ok()
                        .filter(|d| d.is_finite() && *d >= 0.0);
                    match groups.last_mut() {
                        Some(g) => {
                            in_agents = false;
                            if g.delay.is_none() {
                                g.delay = d;
                            }
                        }
                        None => preamble_delay = preamble_delay.or(d),
                    }
                }
                // Split at the first ':' only, so the URL's own colons stay.
                "sitemap" | "site-map" if !value.is_empty() => {
                    sitemaps.push(value.to_string());
                }
                _ => {}
            }
        }
        let ours: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.contains(&agent))
            .collect();
        let chosen: Vec<&Group> = if ours.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            ours
        };
        Robots {
            rules: chosen
                .iter()
                .flat_map(|g| g.rules.iter().cloned())
                .collect(),
            disallow_all: false,
            crawl_delay: chosen.iter().find_map(|g| g.delay).or(preamble_delay),
            sitemaps,
            source: RobotsSource::Parsed,
        }
    }

    /// Whether our agent may fetch a URL.
    pub fn allowed(&self, url: &Url) -> bool {
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        self.allowed_path(&path)
    }

    /// Whether our agent may fetch a path (with its query).
    pub fn allowed_path(&self, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        if self.disallow_all {
            return false;
        }
        let path = normalise_pattern(path);
        let mut best: Option<(usize, bool)> = None;
        for r in &self.rules {
            if wildcard_match(&r.pattern, &path) {
                let len = r.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, r.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// Whether this robots.txt forbids everything because it could not be read.
    pub fn unavailable(&self) -> bool {
        matches!(
            self.source,
            RobotsSource::ServerError(_) | RobotsSource::Unreachable(_)
        )
    }
}

/// Percent-encodes non-ASCII characters and normalises escapes (upper-case hex, unreserved
/// characters decoded), so patterns and URL paths compare alike.
fn normalise_pattern(p: &str) -> String {
    let mut encoded = String::with_capacity(p.len());
    for c in p.chars() {
        if c.is_ascii() {
            encoded.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let b = encoded.as_bytes();
    let mut out = String::with_capacity(encoded.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = &encoded[i + 1..i + 3];
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                    out.push(v as char);
                } else {
                    out.push('%');
                    out.push_str(&hex.to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// Matches a robots pattern (`*` any run of characters, a final `$` the end) against the
/// start of a path.
fn wildcard_match(pattern: &str, path: &str) -> bool {
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p.as_bytes(), true),
        None => (pattern.as_bytes(), false),
    };
    let s = path.as_bytes();
    // Iterative glob matching with backtracking to the last '*'.
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi == pat.len() {
            if !anchored || si == s.len() {
                return true;
            }
        } else if pat[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
            continue;
        } else if si < s.len() && pat[pi] == s[si] {
            pi += 1;
            si += 1;
            continue;
        }
        match star {
            Some((sp, ss)) if ss < s.len() => {
                star = Some((sp, ss + 1));
                pi = sp + 1;
                si = ss + 1;
            }
            _ => return false,
        }
    }
}

/// The product token of a user agent (`govaudit/0.1.0 (+url)` → `govaudit`).
pub fn product_token(user_agent: &str) -> String {
    user_agent
        .split(|c: char| c == '/' || c.is_whitespace())
        .find(|s| !s.is_empty())
        .unwrap_or("govaudit")
        .to_ascii_lowercase()
}

type Slot = Arc<tokio::sync::OnceCell<Arc<Robots>>>;

/// Fetches and caches robots.txt per origin (scheme, host, port), once even when many tasks
/// ask at the same time, and applies `Crawl-delay` to the fetcher's gate.
pub struct RobotsCache {
    fetcher: HttpFetcher,
    agent: String,
    max_crawl_delay: Duration,
    ignored_hosts: Mutex<Vec<String>>,
    origins: Mutex<HashMap<String, Slot>>,
}

impl std::fmt::Debug for RobotsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RobotsCache")
            .field("agent", &self.agent)
            .finish()
    }
}

impl RobotsCache {
    /// A cache fetching through `fetcher`, matching groups for `agent` (a product token).
    pub fn new(fetcher: HttpFetcher, agent: &str, max_crawl_delay: Duration) -> RobotsCache {
        RobotsCache {
            fetcher,
            agent: agent.to_string(),
            max_crawl_delay,
            ignored_hosts: Mutex::new(Vec::new()),
            origins: Mutex::new(HashMap::new()),
        }
    }

    /// robots.txt is not applied to this host (`--ignore-robots` for the site's own hosts);
    /// it is still read for its `Sitemap` lines.
    pub fn ignore_host(&self, host: &str) {
        let mut hosts = match self.ignored_hosts.lock() {
            Ok(h) => h,
            Err(p) => p.into_inner(),
        };
        if !hosts.iter().any(|h| h == host) {
            hosts.push(host.to_string());
        }
    }

    /// Whether robots.txt is ignored for a host.
    pub fn is_ignored(&self, host: &str) -> bool {
        match self.ignored_hosts.lock() {
            Ok(h) => h.iter().any(|x| x == host),
            Err(p) => p.into_inner().iter().any(|x| x == host),
        }
    }

    /// The robots.txt rules for a URL's origin (fetched on first use).
    pub async fn get(&self, url: &Url) -> Arc<Robots> {
        let origin = url.origin().ascii_serialization();
        let slot = {
            let mut map = match self.origins.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            Arc::clone(map.entry(origin).or_default())
        };
        let host = url.host_str().unwrap_or_default().to_string();
        let robots = slot
            .get_or_init(|| async {
                let robots = self.fetch(url).await;
                if let Some(d) = robots.crawl_delay
                    && !self.is_ignored(&host)
                {
                    let d = Duration::from_secs_f64(d.min(self.max_crawl_delay.as_secs_f64()));
                    self.fetcher.gate().set_interval(&host, d);
                }
                Arc::new(robots)
            })
            .await;
        Arc::clone(robots)
    }

    /// Whether our agent may fetch a URL (always, for ignored hosts).
    pub async fn allowed(&self, url: &Url) -> bool {
        if url.host_str().is_some_and(|h| self.is_ignored(h)) {
            return true;
        }
        self.get(url).await.allowed(url)
    }

    async fn fetch(&self, url: &Url) -> Robots {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Robots::allow_all(RobotsSource::Missing(0));
        };
        let req = Request {
            body: BodyMode::Limit(MAX_ROBOTS_BYTES),
            tls: TlsMode::Fallback,
            ..Request::page(0)
        };
        match self.fetcher.fetch(&robots_url, req).await {
            Ok(raw) => match raw.status.unwrap_or(0) {
                200..=299 => {
                    let text = String::from_utf8_lossy(&raw.body);
                    Robots::parse(&text, &self.agent)
                }
                s @ 400..=499 => Robots::allow_all(RobotsSource::Missing(s)),
                s => Robots::disallow_all(RobotsSource::ServerError(s)),
            },
            // A redirect loop or a body we cannot read is "no usable robots.txt".
            Err(e) if matches!(e.kind, FetchErrorKind::Redirect | FetchErrorKind::Body) => {
                Robots::allow_all(RobotsSource::Missing(0))
            }
            Err(e) => Robots::disallow_all(RobotsSource::Unreachable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
# comment
Crawl-delay: 7
User-agent: *
Disallow: /private/
Allow: /private/open.html
Disallow: /*.php$
Disallow: /search?
Crawl-delay: 2

User-agent: GoogleBot
User-agent: baiduspider
Disallow: /

Sitemap: https://www.example.gov.cn/sitemap_index.xml
";

    #[test]
    fn star_group_rules() {
        let r = Robots::parse(TXT, "govaudit");
        assert!(r.allowed_path("/"));
        assert!(!r.allowed_path("/private/x.html"));
        assert!(r.allowed_path("/private/open.html"));
        assert!(!r.allowed_path("/index.php"));
        assert!(r.allowed_path("/index.php?x=1"));
        assert!(!r.allowed_path("/search?q=1"));
        assert!(r.allowed_path("/search"));
        assert!(r.allowed_path("/robots.txt"));
        assert_eq!(r.crawl_delay, Some(2.0));
        assert_eq!(
            r.sitemaps,
            vec!["https://www.example.gov.cn/sitemap_index.xml".to_string()]
        );
    }

    #[test]
    fn our_group_wins_and_merges() {
        let txt = "User-agent: *\nDisallow: /\n\nUser-agent: govaudit/2.0\nDisallow: /a\n\nuser-agent: GOVAUDIT\nDisallow: /b\n";
        let r = Robots::parse(txt, "govaudit");
        assert!(r.allowed_path("/c"));
        assert!(!r.allowed_path("/a"));
        assert!(!r.allowed_path("/b/x"));
        let r = Robots::parse(TXT, "baiduspider");
        assert!(!r.allowed_path("/anything"));
        // Without any group for us or '*': no rules.
        let r = Robots::parse("User-agent: other\nDisallow: /\n", "govaudit");
        assert!(r.allowed_path("/x"));
        // Preamble crawl-delay applies when our group has none.
        let r = Robots::parse("Crawl-delay: 3\nUser-agent: *\nDisallow: /x\n", "govaudit");
        assert_eq!(r.crawl_delay, Some(3.0));
    }

    #[test]
    fn longest_match_and_ties() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /page\nAllow: /page\nDisallow: /a/*/c\nAllow: /a/b\nDisallow: \n",
            "govaudit",
        );
        assert!(r.allowed_path("/page.html"), "tie goes to allow");
        assert!(!r.allowed_path("/a/b/c"), "longer disallow wins");
        assert!(r.allowed_path("/a/b/d"));
    }

    #[test]
    fn escapes_and_non_ascii() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /政务/\nDisallow: /%7ejoe/\n",
            "govaudit",
        );
        let u = Url::parse("http://x.gov.cn/政务/a.html").expect("url");
        assert!(!r.allowed(&u));
        assert!(!r.allowed_path("/~joe/x"));
        assert!(r.allowed_path("/%E6%94%BF/"));
    }

    #[test]
    fn unavailable_and_tokens() {
        assert!(!Robots::disallow_all(RobotsSource::ServerError(503)).allowed_path("/"));
        assert!(Robots::disallow_all(RobotsSource::ServerError(503)).unavailable());
        assert!(Robots::allow_all(RobotsSource::Missing(404)).allowed_path("/x"));
        assert_eq!(product_token("govaudit/0.1.0"), "govaudit");
        assert_eq!(product_token("Mozilla/5.0 (x)"), "mozilla");
        assert_eq!(product_token(""), "govaudit");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("/a*b$", "/axxb"));
        assert!(!wildcard_match("/a*b$", "/axxbc"));
        assert!(wildcard_match("/a*b", "/axxbc"));
        assert!(wildcard_match("*", "/"));
        assert!(wildcard_match("/*/*/*", "/a/b/c"));
        assert!(!wildcard_match("/x", "/"));
        assert!(wildcard_match("/$", "/"));
        assert!(!wildcard_match("/$", "/a"));
        // Pathological patterns stay fast.
        let p = format!("/{}b", "*a".repeat(20));
        assert!(!wildcard_match(&p, &format!("/{}", "a".repeat(200))));
    }
}
