//! IPv6 support, measured the way the national monitoring measures it (RULES.md §3).
//!
//! One measurement per site ([`measure`]), recorded as the site fact `ipv6` and judged by the
//! rules below:
//!
//! | Monitoring indicator | Check (`sites[].ipv6.checks`) | Rule |
//! |---|---|---|
//! | (1) AAAA record | `aaaa`: the start page's host has a usable AAAA, CNAMEs followed | `ipv6/no-aaaa` |
//! | (4) NS over IPv6 | `ns`: an authoritative name server of the zone has a usable AAAA | `ipv6/ns-no-ipv6` |
//! | (2)(3) home page over IPv6 | `reachable`: GET of the start page connecting only to AAAA addresses, 2xx after redirects, `attempts` tries | `ipv6/unreachable` |
//! | (5) v4/v6 consistency | `consistent`: same status and title, text similarity ≥ `min-similarity` | `ipv6/content-mismatch` |
//! | (6)(7) level-2/3 links | `links` + `rates`: share of links answering over IPv6 | `ipv6/link-support-rate`, `ipv6/third-party-v4-only` |
//! | 网站支持IPv6 label | `label`: the claim agrees with the checks | `ipv6/label-false`, `ipv6/label-missing` |
//!
//! The first enabled rule of the family measures (network access through the audit's
//! [`Services`](crate::services::Services) and resolver) and stores the fact; the others read
//! it. Local inputs are not measured (`skipped = "local input"`), and checks that the machine
//! cannot make (no IPv6 route, DNS failing) are `not_tested`, reported once by
//! `ipv6/not-tested`, never as a failure of the site.

mod label;
mod links;
mod measure;

use serde::{Deserialize, Serialize};

use super::{Family, Rule, SiteCx, SiteData};
use crate::catalog::Scope;
use crate::i18n::Lang;
use crate::report::Report;
use crate::tr;

pub use label::{DEFAULT_PATTERN, Label};
pub use measure::measure;

/// Options of this family (flattened into the command line; `[ipv6]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ipv6Options {
    /// Lowest text similarity (0-1) between the home page's IPv4 and IPv6 answers
    /// [default: 0.9 (unconfirmed)]
    #[arg(
        id = "ipv6_min_similarity",
        long = "ipv6-min-similarity",
        value_name = "RATIO"
    )]
    pub min_similarity: Option<f64>,
    /// Lowest share (0-1) of level-2 and of level-3 links that must answer over IPv6
    /// [default: 0.85 (placeholder reusing the 2022 85% target; unconfirmed)]
    #[arg(
        id = "ipv6_min_link_rate",
        long = "ipv6-min-link-rate",
        value_name = "RATIO"
    )]
    pub min_link_rate: Option<f64>,
    /// Time allowed per request made over IPv6, in seconds [default: 15]
    #[arg(id = "ipv6_timeout", long = "ipv6-timeout", value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Tries of the home page over IPv6 before it counts as unreachable [default: 3]
    #[arg(id = "ipv6_attempts", long = "ipv6-attempts", value_name = "N")]
    pub attempts: Option<u32>,
    /// Most level-2 pages fetched to find the level-3 links (pages already crawled are not
    /// fetched again) [default: 50]
    #[arg(
        id = "ipv6_max_level2_pages",
        long = "ipv6-max-level2-pages",
        value_name = "N"
    )]
    pub max_level2_pages: Option<usize>,
    /// Most distinct links checked over IPv6 per site, level-2 first; 0 turns the link rates
    /// off [default: 1000]
    #[arg(id = "ipv6_max_links", long = "ipv6-max-links", value_name = "N")]
    pub max_links: Option<usize>,
    /// Concurrent link checks over IPv6 [default: 8]
    #[arg(id = "ipv6_concurrency", long = "ipv6-concurrency", value_name = "N")]
    pub concurrency: Option<usize>,
    /// Count links to other sites' hosts in the level-2 and level-3 rates (they are always
    /// reported separately) [default: off (whether they count is unconfirmed)]
    #[arg(id = "ipv6_count_third_party", long = "ipv6-count-third-party")]
    pub count_third_party: bool,
    /// Accept non-global AAAA addresses (loopback, unique-local fc00::/7, documentation
    /// prefixes) as IPv6 support: for intranet sites and test zones [default: off, only global
    /// unicast counts]
    #[arg(id = "ipv6_accept_non_global", long = "ipv6-accept-non-global")]
    pub accept_non_global: bool,
    /// Domain whose hosts count as the site's own for the link rates (repeatable)
    /// [default: the start host without a leading "www."]
    #[arg(
        id = "ipv6_site_domain",
        long = "ipv6-site-domain",
        value_name = "DOMAIN"
    )]
    pub site_domains: Vec<String>,
    /// Pattern (Rust regex) of the "supports IPv6" label [default: the observed
    /// (?i)(?:本网站|本站|网站)?(?:已)?支持\s*IPv6(?:访问)?]
    #[arg(id = "ipv6_label_pattern", long = "ipv6-label-pattern", value_name = "REGEX", value_parser = parse_pattern)]
    pub label_pattern: Option<String>,
}

fn parse_pattern(s: &str) -> Result<String, String> {
    regex::Regex::new(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

fn ratio(v: Option<f64>, default: f64) -> f64 {
    v.filter(|v| v.is_finite())
        .map_or(default, |v| v.clamp(0.0, 1.0))
}

impl Ipv6Options {
    /// Similarity threshold.
    pub fn min_similarity(&self) -> f64 {
        ratio(self.min_similarity, 0.9)
    }
    /// Link-rate threshold.
    pub fn min_link_rate(&self) -> f64 {
        ratio(self.min_link_rate, 0.85)
    }
    /// Per-request timeout over IPv6.
    pub fn timeout(&self) -> std::time::Duration {
        let v = self
            .timeout
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(15.0);
        std::time::Duration::from_secs_f64(v)
    }
    /// Home-page attempts.
    pub fn attempts(&self) -> u32 {
        self.attempts.unwrap_or(3).clamp(1, 20)
    }
    /// Level-2 pages fetched for level-3 links.
    pub fn max_level2_pages(&self) -> usize {
        self.max_level2_pages.unwrap_or(50)
    }
    /// Links checked per site.
    pub fn max_links(&self) -> usize {
        self.max_links.unwrap_or(1000)
    }
    /// Concurrent link checks.
    pub fn concurrency(&self) -> usize {
        self.concurrency.unwrap_or(8).clamp(1, 64)
    }
    /// The label pattern, compiled.
    pub fn label_regex(&self) -> Result<regex::Regex, String> {
        let p = self.label_pattern.as_deref().unwrap_or(DEFAULT_PATTERN);
        regex::Regex::new(p).map_err(|e| format!("--ipv6-label-pattern {p:?}: {e}"))
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The site meets the requirement.
    Pass,
    /// It does not.
    Fail,
    /// Not decided (see `cause`).
    #[default]
    NotTested,
}

impl Outcome {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Outcome::Pass => lang.pick("通过", "pass"),
            Outcome::Fail => lang.pick("未通过", "fail"),
            Outcome::NotTested => lang.pick("未检测", "not tested"),
        }
    }
}

/// Why a check was not tested.
pub mod cause {
    /// The input is local files.
    pub const LOCAL_INPUT: &str = "local_input";
    /// The site is addressed by an IP address.
    pub const IP_HOST: &str = "ip_host";
    /// No network access in this audit.
    pub const OFFLINE: &str = "offline";
    /// This machine has no IPv6 route to the address.
    pub const NO_LOCAL_IPV6: &str = "no_local_ipv6";
    /// DNS queries failed (no answer either way).
    pub const DNS_ERROR: &str = "dns_error";
    /// An earlier check failed, so this one cannot run.
    pub const DEPENDS: &str = "depends";
    /// The home page could not be fetched over IPv4 (reported by `page/fetch-failed`).
    pub const HOME_UNAVAILABLE: &str = "home_unavailable";
    /// No label on the home page: nothing to verify.
    pub const NO_LABEL: &str = "no_label";
    /// No links to check, or link checks are off.
    pub const NO_LINKS: &str = "no_links";
    /// A setting is invalid.
    pub const CONFIG: &str = "config";
    /// The name has no address at all (reported by `page/fetch-failed`).
    pub const UNRESOLVABLE: &str = "unresolvable";
}

/// One check's outcome, a sentence saying why, and structured details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `pass`, `fail` or `not_tested`.
    pub result: Outcome,
    /// Why, in the report's language.
    pub detail: String,
    /// For `not_tested`: why ([`cause`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Values behind the outcome (status, similarity, attempts...).
    #[serde(flatten)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl Check {
    fn pass(detail: String) -> Check {
        Check {
            result: Outcome::Pass,
            detail,
            ..Check::default()
        }
    }
    fn fail(detail: String) -> Check {
        Check {
            result: Outcome::Fail,
            detail,
            ..Check::default()
        }
    }
    fn not_tested(cause: &str, detail: String) -> Check {
        Check {
            result: Outcome::NotTested,
            detail,
            cause: Some(cause.to_string()),
            ..Check::default()
        }
    }
    fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Check {
        self.data.insert(key.to_string(), value.into());
        self
    }
}

/// The checks of a site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    /// Indicator 1: AAAA.
    pub aaaa: Check,
    /// Indicator 4: a name server with AAAA.
    pub ns: Check,
    /// Indicators 2-3: the home page over IPv6.
    pub reachable: Check,
    /// Indicator 5: IPv4/IPv6 consistency.
    pub consistent: Check,
    /// The label agrees with the checks.
    pub label: Check,
    /// Indicators 6-7: link rates at or above the threshold.
    pub links: Check,
}

/// Addresses of the start host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addresses {
    /// A records.
    pub a: Vec<String>,
    /// AAAA records (all, usable or not).
    pub aaaa: Vec<String>,
    /// CNAME targets followed, in order.
    pub cname: Vec<String>,
}

/// An authoritative name server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameServer {
    /// Its name.
    pub name: String,
    /// Its AAAA addresses.
    pub aaaa: Vec<String>,
}

/// A link rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Links tested (distinct URLs).
    pub total: usize,
    /// Links that answered over IPv6.
    pub ok: usize,
    /// `ok / total`, `null` when nothing was tested.
    pub rate: Option<f64>,
    /// Links found but not tested (over `max-links`, or no IPv6 route from this machine).
    #[serde(default)]
    pub not_checked: usize,
    /// Links left out because they fail over IPv4 as well (broken links, not an IPv6 matter).
    #[serde(default)]
    pub excluded: usize,
}

impl Rate {
    fn finish(&mut self) {
        self.rate = (self.total > 0).then(|| self.ok as f64 / self.total as f64);
    }
}

/// Level-2, level-3 and third-party rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Same-site links on the home page.
    pub level2: Rate,
    /// Same-site links on the level-2 pages.
    pub level3: Rate,
    /// Links and embedded resources on other sites' hosts (home and level-2 pages).
    pub third_party: Rate,
}

/// A host that does not work over IPv6.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// The host name.
    pub host: String,
    /// `no_aaaa`, `no_usable_aaaa`, `dns_error` or `unreachable`.
    pub reason: String,
    /// Whether it belongs to another site.
    pub third_party: bool,
    /// How the pages use it: `anchor`, `script`, `image`, `stylesheet`...
    pub used_as: Vec<String>,
    /// Distinct URLs on it that were checked.
    pub urls: usize,
    /// Details (the addresses found, the error).
    pub detail: String,
}

/// A link that failed over IPv6.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLink {
    /// The URL.
    pub url: String,
    /// `2`, `3`, or `0` for third-party links.
    pub level: u8,
    /// `no_aaaa`, `no_usable_aaaa`, `dns_error`, `unreachable`, `timeout`, `tls`, `http_status`,
    /// `redirect`, `other`.
    pub reason: String,
    /// Details.
    pub detail: String,
}

/// The `ipv6` fact of a site (`sites[].ipv6` in the JSON report).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ipv6Fact {
    /// Why the site was not measured (`local input`, `ip address`, `offline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The start page's host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The DNS server(s) asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_server: Option<String>,
    /// Whether non-global addresses were accepted (`--ipv6-accept-non-global`).
    #[serde(default)]
    pub accept_non_global: bool,
    /// The host's addresses.
    pub addresses: Addresses,
    /// The zone apex whose NS records were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Its name servers.
    pub ns: Vec<NameServer>,
    /// The IPv6 label on the home page, `null` when there is none.
    pub label: Option<Label>,
    /// Each check's outcome.
    pub checks: Checks,
    /// Link rates.
    pub rates: Rates,
    /// Hosts (linked or embedded) that do not work over IPv6.
    pub ipv4_only_hosts: Vec<Host>,
    /// Links that failed over IPv6 (at most 100).
    pub failed_links: Vec<FailedLink>,
}

impl Ipv6Fact {
    /// Reads the fact of a report site, if there is one.
    pub fn of_site(report: &Report, site: usize) -> Option<Ipv6Fact> {
        let v = report.sites.get(site)?.facts.get("ipv6")?;
        serde_json::from_value(v.clone()).ok()
    }

    /// The failing checks that contradict a label (AAAA, home page over IPv6, consistency).
    pub fn label_contradictions(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.checks.aaaa.result == Outcome::Fail {
            v.push("aaaa");
        }
        if self.checks.reachable.result == Outcome::Fail && self.checks.aaaa.result == Outcome::Pass
        {
            v.push("reachable");
        }
        if self.checks.consistent.result == Outcome::Fail {
            v.push("consistent");
        }
        v
    }
}

/// The site's measurement: measured by the first rule that asks, then read from the facts.
fn measurement(site: &SiteData<'_>, cx: &mut SiteCx<'_>) -> Ipv6Fact {
    if let Some(v) = cx.facts().get("ipv6")
        && let Ok(f) = serde_json::from_value::<Ipv6Fact>(v.clone())
    {
        return f;
    }
    let fact = measure(site, cx.options, cx.services, cx.lang);
    if let Ok(v) = serde_json::to_value(&fact) {
        cx.set_fact("ipv6", v);
    }
    fact
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(NoAaaa),
            Box::new(NsNoIpv6),
            Box::new(Unreachable),
            Box::new(ContentMismatch),
            Box::new(LinkSupportRate),
            Box::new(ThirdPartyV4Only),
            Box::new(LabelFalse),
            Box::new(LabelMissing),
            Box::new(NotTested),
        ],
        collectors: Vec::new(),
        sections: vec![section],
    }
}

fn home_url(site: &SiteData<'_>) -> Option<String> {
    site.info
        .start_urls
        .first()
        .map(|u| u.to_string())
        .or_else(|| site.home().map(|p| p.url.clone()))
}

/// `ipv6/no-aaaa`: the start page's host has no usable AAAA record (CNAMEs followed).
pub struct NoAaaa;

impl Rule for NoAaaa {
    fn id(&self) -> &'static str {
        "ipv6/no-aaaa"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.checks.aaaa.result != Outcome::Fail {
            return;
        }
        let host = m.host.clone().unwrap_or_default();
        let msg = tr!(
            cx.lang,
            "{host} 没有可用的 IPv6 地址：{}；国家监测要求网站域名解析到全球单播 IPv6 地址（AAAA 记录）",
            "{host} has no usable IPv6 address: {}; the national monitoring expects the site's name to resolve to a global unicast IPv6 address (AAAA record)",
            m.checks.aaaa.detail
        );
        let url = home_url(site);
        let f = cx.report(msg);
        f.url = url;
        f.data.insert("host".into(), host.into());
        f.data
            .insert("aaaa".into(), m.addresses.aaaa.clone().into());
        f.data
            .insert("cname".into(), m.addresses.cname.clone().into());
    }
}

/// `ipv6/ns-no-ipv6`: no authoritative name server of the zone has a usable AAAA.
pub struct NsNoIpv6;

impl Rule for NsNoIpv6 {
    fn id(&self) -> &'static str {
        "ipv6/ns-no-ipv6"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.checks.ns.result != Outcome::Fail {
            return;
        }
        let zone = m.zone.clone().unwrap_or_default();
        let msg = tr!(
            cx.lang,
            "域名 {zone} 的权威域名服务器都没有可用的 IPv6 地址：{}；IPv6 用户的解析仍依赖 IPv4",
            "none of the authoritative name servers of {zone} has a usable IPv6 address: {}; resolving the site still depends on IPv4",
            m.checks.ns.detail
        );
        let f = cx.report(msg);
        f.data.insert("zone".into(), zone.into());
        f.data.insert(
            "ns".into(),
            m.ns.iter()
                .map(|n| serde_json::Value::from(n.name.clone()))
                .collect::<Vec<_>>()
                .into(),
        );
    }
}

/// `ipv6/unreachable`: the host has AAAA, but the home page does not open over IPv6.
pub struct Unreachable;

impl Rule for Unreachable {
    fn id(&self) -> &'static str {
        "ipv6/unreachable"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.checks.reachable.result != Outcome::Fail || m.checks.aaaa.result != Outcome::Pass {
            return;
        }
        let msg = tr!(
            cx.lang,
            "首页无法通过 IPv6 访问（只连接 AAAA 地址 {}）：{}",
            "the home page does not open over IPv6 (connecting only to the AAAA addresses {}): {}",
            m.addresses.aaaa.join(", "),
            m.checks.reachable.detail
        );
        let url = home_url(site);
        let f = cx.report(msg);
        f.url = url;
        for (k, v) in &m.checks.reachable.data {
            f.data.insert(k.clone(), v.clone());
        }
    }
}

/// `ipv6/content-mismatch`: the IPv4 and IPv6 answers differ (status, title, text).
pub struct ContentMismatch;

impl Rule for ContentMismatch {
    fn id(&self) -> &'static str {
        "ipv6/content-mismatch"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.checks.consistent.result != Outcome::Fail {
            return;
        }
        let msg = tr!(
            cx.lang,
            "首页通过 IPv4 和 IPv6 访问得到的内容不一致：{}",
            "the home page differs between IPv4 and IPv6: {}",
            m.checks.consistent.detail
        );
        let url = home_url(site);
        let f = cx.report(msg);
        f.url = url;
        for (k, v) in &m.checks.consistent.data {
            f.data.insert(k.clone(), v.clone());
        }
    }
}

fn pct(r: f64) -> String {
    let p = r * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

fn host_list(hosts: &[&Host], lang: Lang) -> String {
    const SHOW: usize = 8;
    let mut names: Vec<&str> = hosts.iter().map(|h| h.host.as_str()).collect();
    let more = names.len().saturating_sub(SHOW);
    names.truncate(SHOW);
    let mut s = names.join(", ");
    if more > 0 {
        s.push_str(&tr!(lang, " 等 {} 个", " and {} more", more + SHOW));
    }
    s
}

/// `ipv6/link-support-rate`: too few level-2 or level-3 links answer over IPv6.
pub struct LinkSupportRate;

impl Rule for LinkSupportRate {
    fn id(&self) -> &'static str {
        "ipv6/link-support-rate"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        let min = cx.options.ipv6.min_link_rate();
        for (level, rate) in [(2u8, &m.rates.level2), (3u8, &m.rates.level3)] {
            let Some(r) = rate.rate else { continue };
            if r >= min {
                continue;
            }
            let failed_hosts: Vec<&str> = {
                let mut v: Vec<&str> = m
                    .failed_links
                    .iter()
                    .filter(|l| l.level == level)
                    .filter_map(|l| url::Url::parse(&l.url).ok())
                    .filter_map(|u| u.host_str().map(str::to_string))
                    .filter_map(|h| m.ipv4_only_hosts.iter().find(|x| x.host == h))
                    .map(|x| x.host.as_str())
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let hosts: Vec<&Host> = m
                .ipv4_only_hosts
                .iter()
                .filter(|h| failed_hosts.contains(&h.host.as_str()))
                .collect();
            let level_name = match (level, cx.lang) {
                (2, Lang::Zh) => "二级链接",
                (_, Lang::Zh) => "三级链接",
                (2, Lang::En) => "level-2 links",
                (_, Lang::En) => "level-3 links",
            };
            let mut msg = tr!(
                cx.lang,
                "{level_name}的 IPv6 支持率为 {}（{}/{}），低于 {}",
                "{level_name}: {} answer over IPv6 ({}/{}), below {}",
                pct(r),
                rate.ok,
                rate.total,
                pct(min)
            );
            if !hosts.is_empty() {
                msg.push_str(&tr!(
                    cx.lang,
                    "；不支持 IPv6 的主机：{}",
                    "; hosts without IPv6: {}",
                    host_list(&hosts, cx.lang)
                ));
            }
            let failed: Vec<serde_json::Value> = m
                .failed_links
                .iter()
                .filter(|l| l.level == level)
                .map(|l| l.url.clone().into())
                .collect();
            let f = cx.report(msg);
            f.data.insert("level".into(), level.into());
            f.data.insert("total".into(), rate.total.into());
            f.data.insert("ok".into(), rate.ok.into());
            f.data.insert("rate".into(), r.into());
            f.data.insert("min".into(), min.into());
            f.data.insert(
                "hosts".into(),
                hosts
                    .iter()
                    .map(|h| serde_json::Value::from(h.host.clone()))
                    .collect::<Vec<_>>()
                    .into(),
            );
            f.data.insert("failed".into(), failed.into());
        }
    }
}

/// `ipv6/third-party-v4-only`: hosts of other sites that the home and level-2 pages link to or
/// embed do not work over IPv6.
pub struct ThirdPartyV4Only;

impl Rule for ThirdPartyV4Only {
    fn id(&self) -> &'static str {
        "ipv6/third-party-v4-only"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        let hosts: Vec<&Host> = m.ipv4_only_hosts.iter().filter(|h| h.third_party).collect();
        if hosts.is_empty() {
            return;
        }
        let described: Vec<String> = hosts
            .iter()
            .take(8)
            .map(|h| format!("{}（{}）", h.host, h.used_as.join("/")))
            .collect();
        let mut list = described.join(", ");
        if hosts.len() > 8 {
            list.push_str(&tr!(cx.lang, " 等 {} 个", " and {} more", hosts.len()));
        }
        let msg = tr!(
            cx.lang,
            "页面引用的第三方主机不支持 IPv6：{list}；IPv6 用户访问时这些脚本、图片或链接会失效",
            "third-party hosts used by the pages do not work over IPv6: {list}; for IPv6 visitors these scripts, images or links fail"
        );
        let f = cx.report(msg);
        f.data.insert(
            "hosts".into(),
            hosts
                .iter()
                .map(|h| serde_json::Value::from(h.host.clone()))
                .collect::<Vec<_>>()
                .into(),
        );
    }
}

fn check_name(key: &str, lang: Lang) -> &'static str {
    match key {
        "aaaa" => lang.pick("AAAA 记录", "AAAA record"),
        "reachable" => lang.pick("首页 IPv6 访问", "home page over IPv6"),
        "consistent" => lang.pick("IPv4/IPv6 内容一致性", "IPv4/IPv6 consistency"),
        "ns" => lang.pick("域名服务器 IPv6", "name servers over IPv6"),
        "label" => lang.pick("IPv6 标识", "IPv6 label"),
        _ => lang.pick("链接 IPv6 支持率", "link support rate"),
    }
}

/// `ipv6/label-false`: the home page claims IPv6 support, and the checks say otherwise.
pub struct LabelFalse;

impl Rule for LabelFalse {
    fn id(&self) -> &'static str {
        "ipv6/label-false"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.checks.label.result != Outcome::Fail {
            return;
        }
        let Some(label) = &m.label else { return };
        let failed: Vec<String> = m
            .label_contradictions()
            .iter()
            .map(|k| {
                let c = match *k {
                    "aaaa" => &m.checks.aaaa,
                    "reachable" => &m.checks.reachable,
                    _ => &m.checks.consistent,
                };
                tr!(
                    cx.lang,
                    "{}：{}",
                    "{}: {}",
                    check_name(k, cx.lang),
                    c.detail
                )
            })
            .collect();
        let msg = tr!(
            cx.lang,
            "首页声称“{}”，但检测未通过：{}",
            "the home page claims \"{}\", but the checks fail: {}",
            label.text,
            failed.join(cx.lang.pick("；", "; "))
        );
        let url = home_url(site);
        let f = cx.report(msg);
        f.url = url;
        f.selector = label.selector.clone();
        f.line = label.line;
        f.snippet = label.snippet.clone();
        f.data.insert("label".into(), label.text.clone().into());
        f.data.insert(
            "failed_checks".into(),
            m.label_contradictions()
                .iter()
                .map(|k| serde_json::Value::from(*k))
                .collect::<Vec<_>>()
                .into(),
        );
    }
}

/// `ipv6/label-missing` (off by default): the site works over IPv6 but does not say so.
pub struct LabelMissing;

impl Rule for LabelMissing {
    fn id(&self) -> &'static str {
        "ipv6/label-missing"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.label.is_some()
            || m.skipped.is_some()
            || m.checks.aaaa.result != Outcome::Pass
            || m.checks.reachable.result != Outcome::Pass
            || m.checks.label.cause.as_deref() == Some(cause::HOME_UNAVAILABLE)
        {
            return;
        }
        let msg = tr!(
            cx.lang,
            "网站已可通过 IPv6 访问，但首页没有“本网站支持IPv6”之类的标识（惯例做法，无明文要求）",
            "the site works over IPv6 but the home page shows no \"本网站支持IPv6\" label (observed practice, no written requirement)"
        );
        let url = home_url(site);
        cx.report(msg).url = url;
    }
}

/// `ipv6/not-tested`: some checks could not be made from this machine (no IPv6 route, DNS
/// failing); reported once instead of a false failure.
pub struct NotTested;

impl Rule for NotTested {
    fn id(&self) -> &'static str {
        "ipv6/not-tested"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let m = measurement(site, cx);
        if m.skipped.as_deref() == Some("local input") {
            return;
        }
        let c = &m.checks;
        let untested: Vec<(&str, &Check)> = [
            ("aaaa", &c.aaaa),
            ("ns", &c.ns),
            ("reachable", &c.reachable),
            ("consistent", &c.consistent),
            ("links", &c.links),
            ("label", &c.label),
        ]
        .into_iter()
        .filter(|(_, c)| {
            matches!(
                c.cause.as_deref(),
                Some(cause::NO_LOCAL_IPV6 | cause::DNS_ERROR | cause::OFFLINE | cause::CONFIG)
            )
        })
        .collect();
        if untested.is_empty() {
            return;
        }
        let parts: Vec<String> = untested
            .iter()
            .map(|(k, c)| {
                tr!(
                    cx.lang,
                    "{}：{}",
                    "{}: {}",
                    check_name(k, cx.lang),
                    c.detail
                )
            })
            .collect();
        let msg = tr!(
            cx.lang,
            "部分 IPv6 检测无法在本机完成（不代表网站不支持 IPv6）：{}",
            "some IPv6 checks could not be made from this machine (this says nothing against the site): {}",
            parts.join(cx.lang.pick("；", "; "))
        );
        let f = cx.report(msg);
        f.data.insert(
            "checks".into(),
            untested
                .iter()
                .map(|(k, _)| serde_json::Value::from(*k))
                .collect::<Vec<_>>()
                .into(),
        );
    }
}

/// The terminal section: one block per site.
fn section(report: &Report, site: usize, lang: Lang) -> Option<String> {
    let m = Ipv6Fact::of_site(report, site)?;
    if let Some(why) = &m.skipped {
        let why = match why.as_str() {
            "local input" => lang.pick("本地文件，不检测", "local input, not measured"),
            "ip address" => lang.pick(
                "以 IP 地址访问，不检测",
                "addressed by IP address, not measured",
            ),
            _ => lang.pick("未联网，不检测", "offline, not measured"),
        };
        let mut s = format!("IPv6: {why}");
        if let Some(l) = &m.label {
            s.push_str(&tr!(lang, "（页面标识：{}）", " (label: {})", l.text));
        }
        return Some(s);
    }
    let c = &m.checks;
    let mut out = String::new();
    let mut line = format!("IPv6: AAAA {}", c.aaaa.result.label(lang));
    if !m.addresses.aaaa.is_empty() {
        line.push_str(&format!(" ({})", m.addresses.aaaa.join(", ")));
    }
    line.push_str(&format!(
        " · NS {} · {} {} · {} {}",
        c.ns.result.label(lang),
        lang.pick("首页", "home page"),
        c.reachable.result.label(lang),
        lang.pick("一致性", "consistency"),
        c.consistent.result.label(lang),
    ));
    if let Some(sim) = c.consistent.data.get("similarity").and_then(|v| v.as_f64()) {
        line.push_str(&tr!(lang, "（相似度 {:.2}）", " ({:.2} similar)", sim));
    }
    out.push_str(&line);
    out.push('\n');
    let rate = |r: &Rate| match r.rate {
        Some(x) => format!("{}/{} ({})", r.ok, r.total, pct(x)),
        None => lang.pick("无", "none").to_string(),
    };
    out.push_str(&format!(
        "  {} {} · {} {} · {} {}\n",
        lang.pick("二级链接", "level-2 links"),
        rate(&m.rates.level2),
        lang.pick("三级链接", "level-3 links"),
        rate(&m.rates.level3),
        lang.pick("第三方", "third-party"),
        rate(&m.rates.third_party),
    ));
    if !m.ipv4_only_hosts.is_empty() {
        let hosts: Vec<&Host> = m.ipv4_only_hosts.iter().collect();
        out.push_str(&format!(
            "  {}: {}\n",
            lang.pick("不支持 IPv6 的主机", "hosts without IPv6"),
            host_list(&hosts, lang)
        ));
    }
    let label = match (&m.label, c.label.result) {
        (None, _) => lang.pick("未发现", "none").to_string(),
        (Some(l), r) => tr!(lang, "“{}” {}", "\"{}\" {}", l.text, r.label(lang)),
    };
    out.push_str(&format!("  {}: {label}", lang.pick("IPv6 标识", "label")));
    Some(out)
}
