//! Link rates (monitoring indicators 6 and 7): which links of the home page (level 2) and of
//! the level-2 pages (level 3) answer over IPv6.
//!
//! * Level 2 = distinct same-site URLs of `<a>`/`<area>`/`<iframe>`/`<frame>` on the home page;
//!   level 3 = those on the level-2 pages that are not level 2 (nor the home page). "Same
//!   site" = the start host's domain without a leading `www.` and its subdomains, or the
//!   `--ipv6-site-domain` domains.
//! * Other sites' hosts (CDNs, statistics scripts, 找错/conac widgets, links to other
//!   portals) are collected from the home and level-2 pages, links and embedded resources
//!   alike, and reported separately (`rates.third_party`); they count in the level rates only
//!   with `--ipv6-count-third-party`. Same-site embedded resources are checked too (their
//!   hosts can be IPv4-only) but count in no rate.
//! * Level-2 pages already crawled are read from the crawl's link index; the others are
//!   fetched (over IPv4, through the audit's cached fetcher), at most `max-level2-pages`.
//! * Per host: AAAA once (the resolver caches); a host without a usable AAAA fails all its
//!   links without a request. Per URL: a GET over IPv6 only (headers read, body dropped),
//!   redirects followed over IPv6; an answer below 400 is a success. When the first URL of a
//!   host cannot be connected to, the host is unreachable and its other URLs are not
//!   requested. A link that fails over IPv6 with an HTTP error or on a dead host is asked over
//!   IPv4 too: failing there as well it is a broken link, not an IPv6 matter, and is left out
//!   of the rate (`excluded`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use url::Url;

use super::measure::{Clients, has_ipv6_stack, is_local_error, reason_of, route_to};
use super::{Check, FailedLink, Host, Ipv6Fact, Rate, cause};
use crate::config::AuditOptions;
use crate::dns::{Dns, LookupError, V6Class};
use crate::fetch::http::classify;
use crate::i18n::Lang;
use crate::page::{LinkKind, Page};
use crate::rules::SiteData;
use crate::services::Services;
use crate::tr;

/// Most failed links listed in the fact.
const MAX_FAILED_LISTED: usize = 100;

/// Extensions of links that are not pages (not fetched as level-2 pages).
const NOT_PAGES: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "zip", "rar",
    "7z", "gz", "tar", "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "mp4", "mp3",
    "avi", "wmv", "flv", "mov", "exe", "apk", "txt", "xml", "json", "css", "js", "csv",
];

fn looks_like_page(url: &Url) -> bool {
    let last = url.path().rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((_, ext)) => !NOT_PAGES.contains(&ext.to_ascii_lowercase().as_str()),
        None => true,
    }
}

fn kind_name(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Anchor => "anchor",
        LinkKind::Frame => "frame",
        LinkKind::Image => "image",
        LinkKind::Script => "script",
        LinkKind::Stylesheet => "stylesheet",
        LinkKind::LinkOther => "link",
        LinkKind::Media => "media",
        LinkKind::Form => "form",
    }
}

/// Index file names a server answers for a directory.
const INDEX_NAMES: &[&str] = &[
    "index.html",
    "index.htm",
    "index.shtml",
    "index.shtm",
    "index.jsp",
    "index.php",
    "index.asp",
    "index.aspx",
    "default.html",
    "default.htm",
    "default.asp",
    "default.aspx",
];

/// The URLs that name the home page: itself, and its directory with and without an index file
/// name (`/`, `/index.html`, `/index.shtml`...).
fn home_aliases(home: &Url) -> Vec<String> {
    let mut u = home.clone();
    u.set_fragment(None);
    let mut out = vec![u.to_string()];
    if u.query().is_some() {
        return out;
    }
    let path = u.path().to_string();
    let (dir, last) = path.rsplit_once('/').unwrap_or(("", &path));
    if !last.is_empty() && !INDEX_NAMES.contains(&last.to_ascii_lowercase().as_str()) {
        return out;
    }
    for name in std::iter::once("").chain(INDEX_NAMES.iter().copied()) {
        let mut a = u.clone();
        a.set_path(&format!("{dir}/{name}"));
        out.push(a.to_string());
    }
    out
}

/// The site's own domains.
struct SiteDomains(Vec<String>);

impl SiteDomains {
    fn new(configured: &[String], hosts: &[&str]) -> SiteDomains {
        let mut v: Vec<String> = configured
            .iter()
            .map(|d| d.trim().trim_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if v.is_empty() {
            for h in hosts {
                let h = h.trim_end_matches('.').to_ascii_lowercase();
                let d = h.strip_prefix("www.").unwrap_or(&h).to_string();
                if !v.contains(&d) {
                    v.push(d);
                }
            }
        }
        SiteDomains(v)
    }

    fn contains(&self, host: &str) -> bool {
        let h = host.trim_end_matches('.').to_ascii_lowercase();
        self.0
            .iter()
            .any(|d| h == *d || h.ends_with(&format!(".{d}")))
    }
}

/// A URL to check and what it is.
#[derive(Debug, Clone)]
struct Target {
    url: Url,
    /// 2 or 3: where it was first seen (home page or level-2 page).
    level: u8,
    same_site: bool,
    navigation: bool,
    kinds: BTreeSet<&'static str>,
}

impl Target {
    /// Which rate it counts in: `Some(2|3)`, or `None`.
    fn rate_level(&self, count_third_party: bool) -> Option<u8> {
        (self.navigation && (self.same_site || count_third_party)).then_some(self.level)
    }
}

#[derive(Default)]
struct Plan {
    targets: Vec<Target>,
    index: HashMap<String, usize>,
    skip: HashSet<String>,
}

impl Plan {
    fn add(&mut self, url: &str, kind: LinkKind, level: u8, domains: &SiteDomains) {
        if self.skip.contains(url) {
            return;
        }
        let Ok(u) = Url::parse(url) else { return };
        if !matches!(u.scheme(), "http" | "https") {
            return;
        }
        let Some(host) = u.host_str() else { return };
        let same_site = domains.contains(host);
        let navigation = kind.is_navigation();
        match self.index.get(url) {
            Some(&i) => {
                let t = &mut self.targets[i];
                t.kinds.insert(kind_name(kind));
                if navigation && !t.navigation {
                    t.navigation = true;
                    t.level = t.level.min(level);
                }
            }
            None => {
                self.index.insert(url.to_string(), self.targets.len());
                self.targets.push(Target {
                    url: u,
                    level,
                    same_site,
                    navigation,
                    kinds: BTreeSet::from([kind_name(kind)]),
                });
            }
        }
    }
}

/// How a host does over IPv6.
#[derive(Debug, Clone)]
enum HostState {
    Usable,
    NoAaaa { has_a: bool },
    Unusable(String),
    DnsError { has_a: bool, message: String },
    NoRoute(String),
}

/// The result for one URL.
#[derive(Debug, Clone)]
enum Outcome {
    Ok,
    Fail {
        reason: &'static str,
        detail: String,
    },
    NotTested,
    Excluded,
}

/// Collects the targets, checks them and fills `fact.rates`, `fact.ipv4_only_hosts`,
/// `fact.failed_links` and `fact.checks.links`.
#[allow(clippy::too_many_arguments)]
pub(super) fn measure_links(
    site: &SiteData<'_>,
    fact: &mut Ipv6Fact,
    home_page: Option<&Page>,
    home_url: &Url,
    services: &Services,
    rt: &tokio::runtime::Handle,
    dns: &Dns,
    clients: &Clients,
    options: &AuditOptions,
    lang: Lang,
) {
    let opts = &options.ipv6;
    let max_links = opts.max_links();
    if max_links == 0 {
        fact.checks.links = Check::not_tested(
            cause::NO_LINKS,
            tr!(
                lang,
                "链接检测已关闭（--ipv6-max-links 0）",
                "link checks are off (--ipv6-max-links 0)"
            ),
        );
        return;
    }
    let Some(home) = home_page else {
        fact.checks.links = Check::not_tested(
            cause::HOME_UNAVAILABLE,
            tr!(
                lang,
                "首页无法获取，没有链接可检测",
                "the home page could not be read, no links to check"
            ),
        );
        return;
    };
    if !has_ipv6_stack() {
        fact.checks.links = Check::not_tested(
            cause::NO_LOCAL_IPV6,
            tr!(
                lang,
                "本机没有 IPv6，无法检测链接",
                "this machine has no IPv6, links could not be checked"
            ),
        );
        return;
    }

    // 1. The targets.
    let home_hosts: Vec<&str> = [home_url.host_str(), home.url.host_str()]
        .into_iter()
        .flatten()
        .collect();
    let domains = SiteDomains::new(&opts.site_domains, &home_hosts);
    let mut plan = Plan::default();
    for u in [home_url, &home.url, &home.requested_url] {
        plan.skip.extend(home_aliases(u));
    }
    for (url, kind) in crate::audit::page_links(home) {
        plan.add(&url, kind, 2, &domains);
    }
    let level2_pages: Vec<Url> = plan
        .targets
        .iter()
        .filter(|t| t.level == 2 && t.navigation && t.same_site && looks_like_page(&t.url))
        .map(|t| t.url.clone())
        .take(opts.max_level2_pages())
        .collect();
    let mut scanned = 0usize;
    for (url, kind) in level2_links(site, &level2_pages, services, &mut scanned) {
        plan.add(&url, kind, 3, &domains);
    }

    // 2. What to check, within the budget: level 2, level 3, third party, resources.
    let count_tp = opts.count_third_party;
    let mut order: Vec<usize> = (0..plan.targets.len()).collect();
    order.sort_by_key(|&i| {
        let t = &plan.targets[i];
        match (t.rate_level(count_tp), t.same_site) {
            (Some(2), _) => 0,
            (Some(_), _) => 1,
            (None, false) => 2,
            (None, true) => 3,
        }
    });
    let chosen: Vec<usize> = order.into_iter().take(max_links).collect();
    let urls: Vec<Url> = chosen
        .iter()
        .map(|&i| plan.targets[i].url.clone())
        .collect();

    // 3. Check them.
    let (outcomes, hosts) = rt.block_on(check_all(dns, clients, &urls, options));

    // 4. Rates.
    let mut level2 = Rate::default();
    let mut level3 = Rate::default();
    let mut third = Rate::default();
    let mut failed: Vec<FailedLink> = Vec::new();
    for t in &plan.targets {
        let key = t.url.to_string();
        let outcome = outcomes.get(&key);
        let mut rates: Vec<&mut Rate> = Vec::new();
        match t.rate_level(count_tp) {
            Some(2) => rates.push(&mut level2),
            Some(_) => rates.push(&mut level3),
            None => {}
        }
        if !t.same_site {
            rates.push(&mut third);
        }
        for r in rates {
            match outcome {
                Some(Outcome::Ok) => {
                    r.total += 1;
                    r.ok += 1;
                }
                Some(Outcome::Fail { .. }) => r.total += 1,
                Some(Outcome::Excluded) => r.excluded += 1,
                Some(Outcome::NotTested) | None => r.not_checked += 1,
            }
        }
        if let Some(Outcome::Fail { reason, detail }) = outcome {
            failed.push(FailedLink {
                url: key,
                level: t.rate_level(count_tp).unwrap_or(0),
                reason: (*reason).to_string(),
                detail: detail.clone(),
            });
        }
    }
    failed.sort_by_key(|f| (if f.level == 0 { 9 } else { f.level }, f.url.clone()));
    failed.truncate(MAX_FAILED_LISTED);
    for r in [&mut level2, &mut level3, &mut third] {
        r.finish();
    }

    // 5. Hosts without IPv6.
    let mut by_host: HashMap<String, (bool, BTreeSet<&'static str>, usize, usize)> = HashMap::new();
    for t in &plan.targets {
        let Some(h) = t.url.host_str() else { continue };
        let key = t.url.to_string();
        let e =
            by_host
                .entry(h.to_ascii_lowercase())
                .or_insert((!t.same_site, BTreeSet::new(), 0, 0));
        e.1.extend(t.kinds.iter().copied());
        match outcomes.get(&key) {
            Some(Outcome::Ok) => e.3 += 1,
            Some(Outcome::Fail { .. }) => e.2 += 1,
            _ => {}
        }
    }
    let mut v4_only: Vec<Host> = Vec::new();
    if fact.checks.aaaa.result == super::Outcome::Fail
        && let Some(h) = &fact.host
    {
        v4_only.push(Host {
            host: h.clone(),
            reason: if fact.addresses.aaaa.is_empty() {
                "no_aaaa"
            } else {
                "no_usable_aaaa"
            }
            .into(),
            third_party: false,
            used_as: vec!["home".into()],
            urls: 1,
            detail: fact.checks.aaaa.detail.clone(),
        });
    }
    let mut names: Vec<&String> = by_host.keys().collect();
    names.sort();
    for name in names {
        let (third_party, kinds, failed_n, ok_n) = &by_host[name];
        if *failed_n == 0 || *ok_n > 0 || v4_only.iter().any(|h| &h.host == name) {
            continue;
        }
        let (reason, detail) = match hosts.get(name) {
            Some(HostState::NoAaaa { .. }) => {
                ("no_aaaa", tr!(lang, "没有 AAAA 记录", "no AAAA record"))
            }
            Some(HostState::Unusable(d)) => ("no_usable_aaaa", d.clone()),
            Some(HostState::DnsError { message, .. }) => ("dns_error", message.clone()),
            _ => (
                "unreachable",
                tr!(
                    lang,
                    "有 AAAA 记录，但无法通过 IPv6 访问",
                    "has AAAA but does not answer over IPv6"
                ),
            ),
        };
        v4_only.push(Host {
            host: name.clone(),
            reason: reason.into(),
            third_party: *third_party,
            used_as: kinds.iter().map(|k| (*k).to_string()).collect(),
            urls: *failed_n,
            detail,
        });
    }

    // 6. The check.
    let min = opts.min_link_rate();
    let no_route = hosts.values().find_map(|h| match h {
        HostState::NoRoute(m) => Some(m.clone()),
        _ => None,
    });
    fact.checks.links = if level2.rate.is_none() && level3.rate.is_none() {
        if let Some(m) = no_route.filter(|_| (level2.not_checked + level3.not_checked) > 0) {
            Check::not_tested(
                cause::NO_LOCAL_IPV6,
                tr!(
                    lang,
                    "本机没有到链接主机的 IPv6 路由，无法检测链接：{m}",
                    "this machine has no IPv6 route to the linked hosts, links could not be checked: {m}"
                ),
            )
        } else {
            Check::not_tested(
                cause::NO_LINKS,
                tr!(
                    lang,
                    "首页没有可检测的本站链接",
                    "the home page has no same-site links to check"
                ),
            )
        }
    } else {
        let show = |name: &str, r: &Rate| match r.rate {
            Some(x) => format!("{name} {}/{} ({})", r.ok, r.total, super::pct(x)),
            None => format!("{name} -"),
        };
        let detail = format!(
            "{}, {}; {} {}",
            show(lang.pick("二级链接", "level 2"), &level2),
            show(lang.pick("三级链接", "level 3"), &level3),
            lang.pick("阈值", "threshold"),
            super::pct(min)
        );
        let below = [level2.rate, level3.rate]
            .iter()
            .any(|r| r.is_some_and(|x| x < min));
        if below {
            Check::fail(detail)
        } else {
            Check::pass(detail)
        }
    }
    .with("level2_pages_scanned", scanned)
    .with("min", min);
    fact.rates.level2 = level2;
    fact.rates.level3 = level3;
    fact.rates.third_party = third;
    fact.ipv4_only_hosts = v4_only;
    fact.failed_links = failed;
}

/// The links of the level-2 pages: from the crawl when it has them, fetched otherwise.
fn level2_links(
    site: &SiteData<'_>,
    pages: &[Url],
    services: &Services,
    scanned: &mut usize,
) -> Vec<(String, LinkKind)> {
    let mut by_url: HashMap<&str, u32> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.status.is_some() || p.encoding.is_some() {
            by_url.insert(p.url.as_str(), i as u32);
            if let Some(f) = &p.final_url {
                by_url.entry(f.as_str()).or_insert(i as u32);
            }
        }
    }
    let mut crawled: HashSet<u32> = HashSet::new();
    let mut to_fetch: Vec<Url> = Vec::new();
    for u in pages {
        match by_url.get(u.as_str()) {
            Some(&i) => {
                crawled.insert(i);
            }
            None => to_fetch.push(u.clone()),
        }
    }
    let mut out: Vec<(String, LinkKind)> = Vec::new();
    if !crawled.is_empty() {
        for (url, t) in &site.links.targets {
            if t.sources.iter().any(|s| crawled.contains(s)) {
                for k in &t.kinds {
                    out.push((url.clone(), *k));
                }
            }
        }
        *scanned += crawled.len();
    }
    if !to_fetch.is_empty() {
        for fetched in services.fetch_many(&to_fetch) {
            let Ok(raw) = fetched.as_ref() else { continue };
            if !raw.is_html() || raw.status.is_some_and(|s| s >= 400) {
                continue;
            }
            let page = Page::build(raw);
            out.extend(crate::audit::page_links(&page));
            *scanned += 1;
        }
    }
    out
}

/// Checks every URL; returns the outcome per URL and the state per host.
async fn check_all(
    dns: &Dns,
    clients: &Clients,
    urls: &[Url],
    options: &AuditOptions,
) -> (HashMap<String, Outcome>, HashMap<String, HostState>) {
    let accept = options.ipv6.accept_non_global;
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();

    // Hosts: AAAA (and A when there is no AAAA).
    let mut host_names: Vec<String> = urls
        .iter()
        .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
        .collect();
    host_names.sort();
    host_names.dedup();
    let mut set = tokio::task::JoinSet::new();
    for h in host_names {
        let dns = dns.clone();
        set.spawn(async move {
            let state = host_state(&dns, &h, accept).await;
            (h, state)
        });
    }
    let mut hosts: HashMap<String, HostState> = HashMap::new();
    while let Some(r) = set.join_next().await {
        if let Ok((h, s)) = r {
            hosts.insert(h, s);
        }
    }

    // URLs grouped by host and port; hosts without a usable AAAA need no request.
    let mut groups: HashMap<(String, u16), Vec<Url>> = HashMap::new();
    for u in urls {
        let h = u.host_str().unwrap_or_default().to_ascii_lowercase();
        let key = u.to_string();
        match hosts.get(&h) {
            Some(HostState::Usable) => groups
                .entry((h, u.port_or_known_default().unwrap_or(0)))
                .or_default()
                .push(u.clone()),
            Some(HostState::NoAaaa { has_a: true }) => {
                outcomes.insert(
                    key,
                    Outcome::Fail {
                        reason: "no_aaaa",
                        detail: format!("{h} has no AAAA record"),
                    },
                );
            }
            Some(HostState::Unusable(d)) => {
                outcomes.insert(
                    key,
                    Outcome::Fail {
                        reason: "no_usable_aaaa",
                        detail: d.clone(),
                    },
                );
            }
            Some(HostState::DnsError {
                has_a: true,
                message,
            }) => {
                outcomes.insert(
                    key,
                    Outcome::Fail {
                        reason: "dns_error",
                        detail: message.clone(),
                    },
                );
            }
            Some(HostState::NoRoute(_)) => {
                outcomes.insert(key, Outcome::NotTested);
            }
            // No address at all: a dead name, a broken link rather than an IPv6 matter.
            _ => {
                outcomes.insert(key, Outcome::Excluded);
            }
        }
    }

    let sem = Arc::new(tokio::sync::Semaphore::new(options.ipv6.concurrency()));
    let mut set = tokio::task::JoinSet::new();
    for ((_, _), group) in groups {
        let v6 = clients.v6_lax.clone();
        let v4 = clients.v4_lax.clone();
        let sem = Arc::clone(&sem);
        set.spawn(async move { check_group(v6, v4, group, sem).await });
    }
    while let Some(r) = set.join_next().await {
        if let Ok(results) = r {
            outcomes.extend(results);
        }
    }
    (outcomes, hosts)
}

async fn host_state(dns: &Dns, host: &str, accept: bool) -> HostState {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(_) => HostState::NoAaaa { has_a: true },
            IpAddr::V6(v6) if V6Class::of(&v6).usable(accept) => match route_to(&ip) {
                Ok(()) => HostState::Usable,
                Err(e) => HostState::NoRoute(e),
            },
            IpAddr::V6(v6) => HostState::Unusable(format!("{v6} ({})", V6Class::of(&v6).name())),
        };
    }
    match dns.aaaa(host).await {
        Ok(ans) => {
            let usable: Vec<IpAddr> = ans
                .addrs
                .iter()
                .copied()
                .filter(|ip| match ip {
                    IpAddr::V6(v6) => V6Class::of(v6).usable(accept),
                    IpAddr::V4(_) => false,
                })
                .collect();
            if usable.is_empty() {
                let list: Vec<String> = ans
                    .addrs
                    .iter()
                    .map(|ip| match ip {
                        IpAddr::V6(v6) => format!("{v6} ({})", V6Class::of(v6).name()),
                        IpAddr::V4(v4) => v4.to_string(),
                    })
                    .collect();
                return HostState::Unusable(format!(
                    "{host}: no usable IPv6 address ({})",
                    list.join(", ")
                ));
            }
            let mut errors = Vec::new();
            for ip in &usable {
                match route_to(ip) {
                    Ok(()) => return HostState::Usable,
                    Err(e) => errors.push(e),
                }
            }
            HostState::NoRoute(errors.join("; "))
        }
        Err(e) => {
            let has_a = dns.a(host).await.is_ok();
            match e {
                LookupError::NoRecords => HostState::NoAaaa { has_a },
                LookupError::Failed(m) => HostState::DnsError {
                    has_a,
                    message: format!("{host}: AAAA lookup failed: {m}"),
                },
            }
        }
    }
}

/// One GET over the IPv6 client: `Ok(status)` or the failure.
async fn probe(client: &reqwest::Client, url: &Url) -> Result<u16, (&'static str, String)> {
    match client.get(url.clone()).send().await {
        Ok(resp) => {
            // Only a redirect to an IPv4 address literal can get here over IPv4.
            if resp.remote_addr().is_some_and(|a| a.is_ipv4()) {
                return Err((
                    "redirect",
                    format!("redirected to an IPv4 address: {}", resp.url()),
                ));
            }
            Ok(resp.status().as_u16())
        }
        Err(e) => {
            let fe = classify(&e);
            Err((reason_of(&fe), fe.message))
        }
    }
}

async fn check_one(
    v6: &reqwest::Client,
    v4: &reqwest::Client,
    url: &Url,
) -> (Outcome, bool /* host unreachable */) {
    match probe(v6, url).await {
        Ok(s) if s < 400 => (Outcome::Ok, false),
        Ok(s) => match v4.get(url.clone()).send().await {
            Ok(r) if r.status().as_u16() < 400 => (
                Outcome::Fail {
                    reason: "http_status",
                    detail: format!("HTTP {s} over IPv6, HTTP {} over IPv4", r.status().as_u16()),
                },
                false,
            ),
            _ => (Outcome::Excluded, false),
        },
        Err((_, m)) if is_local_error(&m) => (Outcome::NotTested, false),
        Err((reason, detail)) => {
            let host_level = matches!(reason, "unreachable" | "timeout");
            if host_level {
                // A host that answers over neither protocol is a dead link, not an IPv6 gap.
                if let Ok(r) = v4.get(url.clone()).send().await
                    && r.status().as_u16() < 400
                {
                    return (Outcome::Fail { reason, detail }, true);
                }
                return (Outcome::Excluded, true);
            }
            (Outcome::Fail { reason, detail }, false)
        }
    }
}

async fn check_group(
    v6: reqwest::Client,
    v4: reqwest::Client,
    urls: Vec<Url>,
    sem: Arc<tokio::sync::Semaphore>,
) -> Vec<(String, Outcome)> {
    let mut out = Vec::with_capacity(urls.len());
    let Some((first, rest)) = urls.split_first() else {
        return out;
    };
    let first_outcome = {
        let _permit = sem.acquire().await;
        check_one(&v6, &v4, first).await
    };
    let (outcome, host_down) = first_outcome;
    if host_down {
        // The host cannot be connected to over IPv6: its other URLs fail the same way
        // without a request (or are excluded with it when it is dead over IPv4 too).
        let rest_outcome = match &outcome {
            Outcome::Fail { reason, detail } => Outcome::Fail {
                reason,
                detail: format!("{detail} (host not reachable over IPv6; not requested)"),
            },
            other => other.clone(),
        };
        out.push((first.to_string(), outcome));
        for u in rest {
            out.push((u.to_string(), rest_outcome.clone()));
        }
        return out;
    }
    out.push((first.to_string(), outcome));
    let mut set = tokio::task::JoinSet::new();
    for u in rest {
        let u = u.clone();
        let (v6, v4, sem) = (v6.clone(), v4.clone(), Arc::clone(&sem));
        set.spawn(async move {
            let _permit = sem.acquire().await;
            let (o, _) = check_one(&v6, &v4, &u).await;
            (u.to_string(), o)
        });
    }
    while let Some(r) = set.join_next().await {
        if let Ok(pair) = r {
            out.push(pair);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_domains() {
        let d = SiteDomains::new(&[], &["www.v6test.gov.cn"]);
        assert!(d.contains("www.v6test.gov.cn"));
        assert!(d.contains("old.v6test.gov.cn"));
        assert!(d.contains("v6test.gov.cn"));
        assert!(!d.contains("xv6test.gov.cn"));
        assert!(!d.contains("hm.baidu.com"));
        let d = SiteDomains::new(&["gov.cn".into()], &["www.v6test.gov.cn"]);
        assert!(d.contains("www.gov.cn"));
    }

    #[test]
    fn home_page_aliases() {
        let u = |s: &str| Url::parse(s).expect("url");
        let a = home_aliases(&u("http://a.gov.cn/"));
        assert!(a.contains(&"http://a.gov.cn/index.html".to_string()));
        assert!(a.contains(&"http://a.gov.cn/index.shtml".to_string()));
        let a = home_aliases(&u("http://a.gov.cn/zw/index.htm#top"));
        assert!(a.contains(&"http://a.gov.cn/zw/".to_string()));
        assert!(a.contains(&"http://a.gov.cn/zw/index.htm".to_string()));
        assert!(!a.contains(&"http://a.gov.cn/".to_string()));
        assert_eq!(
            home_aliases(&u("http://a.gov.cn/portal/home.do?id=1")),
            vec!["http://a.gov.cn/portal/home.do?id=1".to_string()]
        );
        assert_eq!(
            home_aliases(&u("http://a.gov.cn/col/col1.html")),
            vec!["http://a.gov.cn/col/col1.html".to_string()]
        );
    }

    #[test]
    fn page_like_urls() {
        let u = |s: &str| Url::parse(s).expect("url");
        assert!(looks_like_page(&u("http://a.gov.cn/")));
        assert!(looks_like_page(&u("http://a.gov.cn/zwgk/index.shtml")));
        assert!(looks_like_page(&u("http://a.gov.cn/col/col1/")));
        assert!(looks_like_page(&u("http://a.gov.cn/art?id=1")));
        assert!(!looks_like_page(&u("http://a.gov.cn/files/report.PDF")));
        assert!(!looks_like_page(&u("http://a.gov.cn/a.docx")));
    }

    fn report(url: &str) -> crate::report::PageReport {
        crate::report::PageReport {
            url: url.into(),
            path: None,
            site: 0,
            status: Some(200),
            final_url: None,
            encoding: Some("UTF-8".into()),
            charset_source: None,
            title: None,
            bytes: 0,
            depth: 1,
            findings: Vec::new(),
            facts: crate::report::Facts::new(),
        }
    }

    #[test]
    fn level3_links_of_crawled_pages_come_from_the_link_index() {
        let info = crate::rules::testing::site("http://www.x.gov.cn/");
        let pages = vec![
            report("http://www.x.gov.cn/"),
            report("http://www.x.gov.cn/a.html"),
            report("http://www.x.gov.cn/b.html"),
        ];
        let mut index = crate::rules::LinkIndex::default();
        index.add(
            0,
            &[("http://www.x.gov.cn/a.html".into(), LinkKind::Anchor)],
        );
        index.add(
            1,
            &[
                ("http://www.x.gov.cn/c.html".into(), LinkKind::Anchor),
                ("http://hm.baidu.com/h.js".into(), LinkKind::Script),
            ],
        );
        index.add(
            2,
            &[("http://www.x.gov.cn/z.html".into(), LinkKind::Anchor)],
        );
        let site = SiteData {
            info: &info,
            pages: &pages,
            links: &index,
        };
        // a.html was crawled: its links come from the index (offline services would fail a
        // fetch); b.html is not a level-2 page here, so its links are not read.
        let mut scanned = 0;
        let mut got = level2_links(
            &site,
            &[Url::parse("http://www.x.gov.cn/a.html").expect("url")],
            &Services::offline(),
            &mut scanned,
        );
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            got,
            vec![
                ("http://hm.baidu.com/h.js".to_string(), LinkKind::Script),
                ("http://www.x.gov.cn/c.html".to_string(), LinkKind::Anchor),
            ]
        );
        assert_eq!(scanned, 1);
        // A page that was not crawled and cannot be fetched contributes nothing.
        let mut scanned = 0;
        let got = level2_links(
            &site,
            &[Url::parse("http://www.x.gov.cn/new.html").expect("url")],
            &Services::offline(),
            &mut scanned,
        );
        assert!(got.is_empty());
        assert_eq!(scanned, 0);
    }

    #[test]
    fn plan_levels_and_kinds() {
        let d = SiteDomains::new(&[], &["www.x.gov.cn"]);
        let mut p = Plan::default();
        p.skip.insert("http://www.x.gov.cn/".into());
        p.add("http://www.x.gov.cn/", LinkKind::Anchor, 2, &d);
        p.add("http://www.x.gov.cn/a", LinkKind::Anchor, 2, &d);
        p.add("http://www.x.gov.cn/logo.png", LinkKind::Image, 2, &d);
        p.add("http://hm.baidu.com/h.js", LinkKind::Script, 2, &d);
        p.add("mailto:a@x.gov.cn", LinkKind::Anchor, 2, &d);
        p.add("http://www.x.gov.cn/a", LinkKind::Anchor, 3, &d);
        p.add("http://www.x.gov.cn/b", LinkKind::Anchor, 3, &d);
        assert_eq!(p.targets.len(), 4);
        let levels: Vec<Option<u8>> = p.targets.iter().map(|t| t.rate_level(false)).collect();
        assert_eq!(levels, vec![Some(2), None, None, Some(3)]);
        assert!(!p.targets[2].same_site);
        assert_eq!(p.targets[2].kinds, BTreeSet::from(["script"]));
    }
}
