//! The one resolver of an audit, built on hickory-resolver.
//!
//! Every name an audit looks up goes through [`Dns`]: the HTTP client's connections (through
//! the [`reqwest::dns::Resolve`] adapter returned by [`Dns::http_resolver`]) and the IPv6
//! checks' record lookups (A, AAAA with their CNAME chain, NS). By default it reads the system
//! configuration (`/etc/resolv.conf` and the hosts file on Unix, the registry on Windows);
//! `--dns-server IP[:PORT]` sends every query to that server instead (and ignores the hosts
//! file), which is how the integration tests point the tool at a test zone on loopback.
//!
//! The adapter filters by address family ([`Stack`]):
//!
//! * [`Stack::PreferV4`] (the crawl's client): the host's A addresses when it has any, its
//!   AAAA addresses otherwise. The crawl's answers are therefore the IPv4 answers whenever the
//!   site has IPv4, which is the baseline the IPv6 consistency check compares against; an
//!   IPv6-only host is still reached.
//! * [`Stack::V6Only`] (the IPv6 checks): only AAAA addresses, and only those the IPv6 policy
//!   accepts ([`V6Class::usable`]), so a request either travels over IPv6 or fails.
//! * [`Stack::V4Only`]: only A addresses (the IPv6 link checks' IPv4 comparison).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// DNS options (`[dns]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DnsOptions {
    /// DNS server for every name lookup of the audit (pages, links and the IPv6 checks),
    /// IP[:PORT], port 53 by default; the hosts file is then not used [default: the system's
    /// resolver configuration]
    #[arg(id = "dns_server", long = "dns-server", value_name = "IP[:PORT]")]
    pub server: Option<String>,
    /// Time allowed per DNS query, in seconds (each query is tried twice) [default: 5]
    #[arg(id = "dns_timeout", long = "dns-timeout", value_name = "SECS")]
    pub timeout: Option<f64>,
}

impl DnsOptions {
    /// The configured server, parsed: `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address.
    pub fn server(&self) -> Result<Option<SocketAddr>> {
        let Some(s) = self.server.as_deref().map(str::trim) else {
            return Ok(None);
        };
        parse_server(s).map(Some).ok_or_else(|| {
            Error::Config(format!(
                "--dns-server {s:?}: expected an IP address with an optional port \
                 (8.8.8.8, 127.0.0.1:5353, [2001:4860:4860::8888]:53)"
            ))
        })
    }

    /// The per-query timeout.
    pub fn timeout(&self) -> Duration {
        let v = self
            .timeout
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(5.0);
        Duration::from_secs_f64(v)
    }
}

fn parse_server(s: &str) -> Option<SocketAddr> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa);
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, 53))
}

/// Which addresses a resolver adapter hands to the HTTP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    /// A addresses when there are any, AAAA otherwise.
    PreferV4,
    /// Only A addresses.
    V4Only,
    /// Only AAAA addresses accepted by the IPv6 policy.
    V6Only {
        /// Accept non-global addresses (loopback, unique-local, documentation prefixes).
        accept_non_global: bool,
    },
}

/// What an IPv6 address is, for the "global unicast" requirement of the monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum V6Class {
    /// Global unicast: what the monitoring requires.
    Global,
    /// `::`.
    Unspecified,
    /// `::1`.
    Loopback,
    /// `fe80::/10`: usable only on one link, with an interface.
    LinkLocal,
    /// `::ffff:0:0/96`: an IPv4 address written as IPv6.
    V4Mapped,
    /// `::/96` (deprecated IPv4-compatible addresses) and `100::/64` (discard).
    Reserved,
    /// `2001:db8::/32` and `3fff::/20`: documentation prefixes.
    Documentation,
    /// `fc00::/7`: unique local, private networks only.
    UniqueLocal,
    /// `fec0::/10`: deprecated site-local.
    SiteLocal,
    /// `ff00::/8`.
    Multicast,
    /// `64:ff9b::/96` and `64:ff9b:1::/48`: synthesised by a DNS64 resolver from an A record;
    /// the host has no IPv6 of its own.
    Nat64,
}

impl V6Class {
    /// Classifies an address.
    pub fn of(a: &Ipv6Addr) -> V6Class {
        let s = a.segments();
        if a.is_unspecified() {
            V6Class::Unspecified
        } else if a.is_loopback() {
            V6Class::Loopback
        } else if s[0] & 0xffc0 == 0xfe80 {
            V6Class::LinkLocal
        } else if s[0] & 0xffc0 == 0xfec0 {
            V6Class::SiteLocal
        } else if s[0] & 0xff00 == 0xff00 {
            V6Class::Multicast
        } else if s[0] & 0xfe00 == 0xfc00 {
            V6Class::UniqueLocal
        } else if s[..5] == [0, 0, 0, 0, 0] && s[5] == 0xffff {
            V6Class::V4Mapped
        } else if s[..6] == [0, 0, 0, 0, 0, 0] || s[..4] == [0x100, 0, 0, 0] {
            V6Class::Reserved
        } else if (s[0] == 0x2001 && s[1] == 0x0db8) || s[0] & 0xfff0 == 0x3ff0 {
            V6Class::Documentation
        } else if (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0])
            || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
        {
            V6Class::Nat64
        } else {
            V6Class::Global
        }
    }

    /// Whether an address of this class counts as IPv6 support. Strictly only global unicast;
    /// with `accept_non_global` (tests, intranets) also loopback, unique-local, site-local and
    /// documentation addresses. Unspecified, IPv4-mapped, reserved, link-local, multicast and
    /// NAT64 addresses never count.
    pub fn usable(self, accept_non_global: bool) -> bool {
        match self {
            V6Class::Global => true,
            V6Class::Loopback
            | V6Class::UniqueLocal
            | V6Class::SiteLocal
            | V6Class::Documentation => accept_non_global,
            _ => false,
        }
    }

    /// A short English name (`loopback`, `link-local`...).
    pub fn name(self) -> &'static str {
        match self {
            V6Class::Global => "global",
            V6Class::Unspecified => "unspecified",
            V6Class::Loopback => "loopback",
            V6Class::LinkLocal => "link-local",
            V6Class::V4Mapped => "IPv4-mapped",
            V6Class::Reserved => "reserved",
            V6Class::Documentation => "documentation prefix",
            V6Class::UniqueLocal => "unique-local",
            V6Class::SiteLocal => "site-local",
            V6Class::Multicast => "multicast",
            V6Class::Nat64 => "NAT64",
        }
    }

    /// The name in a language.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            V6Class::Global => lang.pick("全球单播", "global"),
            V6Class::Unspecified => lang.pick("未指定地址", "unspecified"),
            V6Class::Loopback => lang.pick("环回地址", "loopback"),
            V6Class::LinkLocal => lang.pick("链路本地地址", "link-local"),
            V6Class::V4Mapped => lang.pick("IPv4 映射地址", "IPv4-mapped"),
            V6Class::Reserved => lang.pick("保留地址", "reserved"),
            V6Class::Documentation => lang.pick("文档示例前缀", "documentation prefix"),
            V6Class::UniqueLocal => lang.pick("唯一本地地址", "unique-local"),
            V6Class::SiteLocal => lang.pick("站点本地地址", "site-local"),
            V6Class::Multicast => lang.pick("组播地址", "multicast"),
            V6Class::Nat64 => lang.pick("NAT64 合成地址", "NAT64"),
        }
    }
}

/// Why a lookup produced no addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// The name does not exist or has no record of the type (NXDOMAIN / NODATA): a definite
    /// answer.
    NoRecords,
    /// The query failed (timeout, refused, server failure, no resolver configuration): no
    /// answer either way.
    Failed(String),
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LookupError::NoRecords => f.write_str("no record"),
            LookupError::Failed(m) => f.write_str(m),
        }
    }
}

/// The answer to an address lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// The addresses (A or AAAA), in answer order.
    pub addrs: Vec<IpAddr>,
    /// The CNAME targets followed to reach them, in order.
    pub cnames: Vec<String>,
}

enum Backend {
    Hickory(Box<TokioResolver>),
    /// The system configuration could not be read: addresses come from the operating
    /// system's resolver (`getaddrinfo`), record lookups fail with this reason.
    Os(String),
}

struct Inner {
    backend: Backend,
    server: Option<SocketAddr>,
    system_servers: Vec<IpAddr>,
}

/// The audit's resolver. Cheap to clone (shared).
#[derive(Clone)]
pub struct Dns {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("server", &self.describe())
            .finish()
    }
}

impl Dns {
    /// Builds the resolver from the options. Must be called inside a tokio runtime context
    /// (`runtime.enter()`), where its lookups will also run.
    pub fn new(opts: &DnsOptions) -> Result<Dns> {
        let server = opts.server()?;
        let mut resolver_opts = ResolverOpts::default();
        resolver_opts.timeout = opts.timeout();
        resolver_opts.attempts = 2;
        let (backend, system_servers) = match server {
            Some(addr) => {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
                let config = ResolverConfig::from_name_servers(vec![ns]);
                resolver_opts.use_hosts_file = ResolveHosts::Never;
                let mut builder =
                    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default());
                *builder.options_mut() = resolver_opts;
                let r = builder
                    .build()
                    .map_err(|e| Error::Config(format!("--dns-server {addr}: {e}")))?;
                (Backend::Hickory(Box::new(r)), Vec::new())
            }
            None => match TokioResolver::builder_tokio() {
                Ok(mut builder) => {
                    let o = builder.options_mut();
                    o.timeout = opts.timeout();
                    o.attempts = o.attempts.clamp(1, 3);
                    match builder.build() {
                        Ok(r) => {
                            let servers = system_servers();
                            (Backend::Hickory(Box::new(r)), servers)
                        }
                        Err(e) => (Backend::Os(e.to_string()), Vec::new()),
                    }
                }
                Err(e) => (
                    Backend::Os(format!("cannot read the system DNS configuration: {e}")),
                    Vec::new(),
                ),
            },
        };
        Ok(Dns {
            inner: Arc::new(Inner {
                backend,
                server,
                system_servers,
            }),
        })
    }

    /// The user-given server (`--dns-server`), if any.
    pub fn server(&self) -> Option<SocketAddr> {
        self.inner.server
    }

    /// Which servers answer: the given server, or `system` with the configured servers.
    pub fn describe(&self) -> String {
        match (&self.inner.server, &self.inner.backend) {
            (Some(s), _) => s.to_string(),
            (None, Backend::Os(_)) => "system (getaddrinfo)".into(),
            (None, Backend::Hickory(_)) if self.inner.system_servers.is_empty() => "system".into(),
            (None, Backend::Hickory(_)) => format!(
                "system ({})",
                self.inner
                    .system_servers
                    .iter()
                    .map(IpAddr::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Looks up the A records of a host, following CNAMEs.
    pub async fn a(&self, host: &str) -> Result<Answer, LookupError> {
        self.addresses_of(host, RecordType::A).await
    }

    /// Looks up the AAAA records of a host, following CNAMEs.
    pub async fn aaaa(&self, host: &str) -> Result<Answer, LookupError> {
        self.addresses_of(host, RecordType::AAAA).await
    }

    async fn addresses_of(&self, host: &str, rtype: RecordType) -> Result<Answer, LookupError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            let matches = matches!(
                (ip, rtype),
                (IpAddr::V4(_), RecordType::A) | (IpAddr::V6(_), RecordType::AAAA)
            );
            return if matches {
                Ok(Answer {
                    addrs: vec![ip],
                    cnames: Vec::new(),
                })
            } else {
                Err(LookupError::NoRecords)
            };
        }
        match &self.inner.backend {
            Backend::Hickory(r) => {
                let lookup = r
                    .lookup(fqdn(host), rtype)
                    .await
                    .map_err(|e| classify(&e))?;
                let mut answer = Answer::default();
                for rec in lookup.answers() {
                    match &rec.data {
                        RData::A(a) if rtype == RecordType::A => answer.addrs.push(IpAddr::V4(a.0)),
                        RData::AAAA(a) if rtype == RecordType::AAAA => {
                            answer.addrs.push(IpAddr::V6(a.0));
                        }
                        RData::CNAME(c) => answer.cnames.push(name_text(&c.0.to_ascii())),
                        _ => {}
                    }
                }
                answer.addrs.dedup();
                if answer.addrs.is_empty() {
                    return Err(LookupError::NoRecords);
                }
                Ok(answer)
            }
            Backend::Os(_) => {
                let found = tokio::net::lookup_host((host, 0))
                    .await
                    .map_err(|e| LookupError::Failed(format!("DNS: {host}: {e}")))?;
                let mut answer = Answer::default();
                for sa in found {
                    let ip = sa.ip();
                    let keep = match rtype {
                        RecordType::A => ip.is_ipv4(),
                        _ => ip.is_ipv6(),
                    };
                    if keep && !answer.addrs.contains(&ip) {
                        answer.addrs.push(ip);
                    }
                }
                if answer.addrs.is_empty() {
                    return Err(LookupError::NoRecords);
                }
                Ok(answer)
            }
        }
    }

    /// The NS records of exactly this name (no walking up). A name that is a CNAME has none.
    pub async fn ns(&self, name: &str) -> Result<Vec<String>, LookupError> {
        let r = match &self.inner.backend {
            Backend::Hickory(r) => r,
            Backend::Os(why) => return Err(LookupError::Failed(why.clone())),
        };
        let lookup = r
            .lookup(fqdn(name), RecordType::NS)
            .await
            .map_err(|e| classify(&e))?;
        if lookup
            .answers()
            .iter()
            .any(|rec| matches!(rec.data, RData::CNAME(_)))
        {
            return Err(LookupError::NoRecords);
        }
        let mut out: Vec<String> = lookup
            .answers()
            .iter()
            .filter_map(|rec| match &rec.data {
                RData::NS(ns) => Some(name_text(&ns.0.to_ascii())),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(LookupError::NoRecords);
        }
        Ok(out)
    }

    /// The zone a host belongs to and its name servers: NS is asked for the host, then for
    /// each parent name, until a name has NS records (the zone apex). Stops before the
    /// top-level domain.
    pub async fn zone_ns(&self, host: &str) -> Result<(String, Vec<String>), LookupError> {
        let mut name = host.trim_end_matches('.').to_ascii_lowercase();
        loop {
            match self.ns(&name).await {
                Ok(ns) => return Ok((name, ns)),
                Err(LookupError::NoRecords) => {}
                Err(e) => return Err(e),
            }
            match name.split_once('.') {
                Some((_, parent)) if parent.contains('.') => name = parent.to_string(),
                _ => return Err(LookupError::NoRecords),
            }
        }
    }

    /// The addresses a connection to `host` may use under `stack`.
    pub async fn connect_addrs(&self, host: &str, stack: Stack) -> Result<Vec<IpAddr>, String> {
        match stack {
            Stack::V4Only => self
                .a(host)
                .await
                .map(|a| a.addrs)
                .map_err(|e| no_addr_message(host, "A", &e)),
            Stack::V6Only { accept_non_global } => {
                let answer = self
                    .aaaa(host)
                    .await
                    .map_err(|e| no_addr_message(host, "AAAA", &e))?;
                let usable: Vec<IpAddr> = answer
                    .addrs
                    .iter()
                    .copied()
                    .filter(|ip| match ip {
                        IpAddr::V6(v6) => V6Class::of(v6).usable(accept_non_global),
                        IpAddr::V4(_) => false,
                    })
                    .collect();
                if usable.is_empty() {
                    let list = answer
                        .addrs
                        .iter()
                        .map(|ip| match ip {
                            IpAddr::V6(v6) => format!("{v6} ({})", V6Class::of(v6).name()),
                            IpAddr::V4(v4) => v4.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(format!(
                        "DNS: {host} has no usable IPv6 address (AAAA: {list})"
                    ));
                }
                Ok(usable)
            }
            Stack::PreferV4 => {
                let (a, aaaa) = tokio::join!(self.a(host), self.aaaa(host));
                match (a, aaaa) {
                    (Ok(a), _) => Ok(a.addrs),
                    (Err(_), Ok(b)) => Ok(b.addrs),
                    (Err(LookupError::NoRecords), Err(LookupError::NoRecords)) => {
                        Err(format!("DNS: no address for {host} (no A or AAAA record)"))
                    }
                    (Err(e), Err(LookupError::NoRecords)) | (Err(_), Err(e)) => {
                        Err(format!("DNS: cannot resolve {host}: {e}"))
                    }
                }
            }
        }
    }

    /// A resolver for reqwest that resolves through this one, keeping only the addresses of
    /// `stack`.
    pub fn http_resolver(&self, stack: Stack) -> Arc<dyn reqwest::dns::Resolve> {
        Arc::new(HttpResolve {
            dns: self.clone(),
            stack,
        })
    }

    /// A client builder whose connections resolve through this resolver under `stack`.
    pub fn client_builder(&self, stack: Stack) -> reqwest::ClientBuilder {
        reqwest::Client::builder().dns_resolver(self.http_resolver(stack))
    }
}

fn no_addr_message(host: &str, rtype: &str, e: &LookupError) -> String {
    match e {
        LookupError::NoRecords => format!("DNS: {host} has no {rtype} record"),
        LookupError::Failed(m) => format!("DNS: {rtype} lookup of {host} failed: {m}"),
    }
}

/// A name as typed for the lookup: fully qualified when it has a dot (no search domains).
fn fqdn(host: &str) -> String {
    let h = host.trim_end_matches('.');
    if h.contains('.') {
        format!("{h}.")
    } else {
        h.to_string()
    }
}

fn name_text(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

fn classify(e: &hickory_resolver::net::NetError) -> LookupError {
    if e.is_no_records_found() || e.is_nx_domain() {
        LookupError::NoRecords
    } else {
        LookupError::Failed(e.to_string())
    }
}

fn system_servers() -> Vec<IpAddr> {
    match hickory_resolver::system_conf::read_system_conf() {
        Ok((config, _)) => {
            let mut v: Vec<IpAddr> = config.name_servers().iter().map(|n| n.ip).collect();
            v.dedup();
            v
        }
        Err(_) => Vec::new(),
    }
}

struct HttpResolve {
    dns: Dns,
    stack: Stack,
}

/// A resolution failure handed to reqwest (its text starts with "DNS:" so fetch errors are
/// classified as DNS failures).
#[derive(Debug)]
struct ResolveError(String);

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveError {}

impl reqwest::dns::Resolve for HttpResolve {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.dns.clone();
        let stack = self.stack;
        let host = name.as_str().to_string();
        Box::pin(async move {
            match dns.connect_addrs(&host, stack).await {
                Ok(addrs) => {
                    let it: reqwest::dns::Addrs =
                        Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
                    Ok(it)
                }
                Err(m) => {
                    Err(Box::new(ResolveError(m)) as Box<dyn std::error::Error + Send + Sync>)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> V6Class {
        V6Class::of(&s.parse().expect("address"))
    }

    #[test]
    fn classifies_addresses() {
        assert_eq!(class("2400:3200::1"), V6Class::Global);
        assert_eq!(class("240e:83:205:1::1"), V6Class::Global);
        assert_eq!(class("::"), V6Class::Unspecified);
        assert_eq!(class("::1"), V6Class::Loopback);
        assert_eq!(class("fe80::1"), V6Class::LinkLocal);
        assert_eq!(class("febf::1"), V6Class::LinkLocal);
        assert_eq!(class("fec0::1"), V6Class::SiteLocal);
        assert_eq!(class("::ffff:10.0.0.1"), V6Class::V4Mapped);
        assert_eq!(class("::10.0.0.1"), V6Class::Reserved);
        assert_eq!(class("100::1"), V6Class::Reserved);
        assert_eq!(class("2001:db8::1"), V6Class::Documentation);
        assert_eq!(class("3fff:1::1"), V6Class::Documentation);
        assert_eq!(class("fd00::2"), V6Class::UniqueLocal);
        assert_eq!(class("fc12::2"), V6Class::UniqueLocal);
        assert_eq!(class("ff02::1"), V6Class::Multicast);
        assert_eq!(class("64:ff9b::1.2.3.4"), V6Class::Nat64);
        assert_eq!(class("64:ff9b:1::1"), V6Class::Nat64);
        // 2001:db9 is outside the documentation prefix.
        assert_eq!(class("2001:db9::1"), V6Class::Global);
    }

    #[test]
    fn usable_addresses() {
        assert!(V6Class::Global.usable(false));
        assert!(!V6Class::Loopback.usable(false));
        assert!(V6Class::Loopback.usable(true));
        assert!(V6Class::UniqueLocal.usable(true));
        for never in [
            V6Class::Unspecified,
            V6Class::LinkLocal,
            V6Class::V4Mapped,
            V6Class::Multicast,
            V6Class::Nat64,
            V6Class::Reserved,
        ] {
            assert!(!never.usable(true), "{never:?}");
        }
    }

    #[test]
    fn parses_servers() {
        let p = |s: &str| {
            DnsOptions {
                server: Some(s.into()),
                timeout: None,
            }
            .server()
        };
        assert_eq!(
            p("127.0.0.1:5353").ok().flatten(),
            Some("127.0.0.1:5353".parse().expect("addr"))
        );
        assert_eq!(
            p("8.8.8.8").ok().flatten(),
            Some("8.8.8.8:53".parse().expect("addr"))
        );
        assert_eq!(
            p("2001:4860:4860::8888").ok().flatten(),
            Some("[2001:4860:4860::8888]:53".parse().expect("addr"))
        );
        assert_eq!(
            p("[::1]:5300").ok().flatten(),
            Some("[::1]:5300".parse().expect("addr"))
        );
        assert!(p("dns.example.com").is_err());
        assert!(p("1.2.3.4:99999").is_err());
        assert_eq!(DnsOptions::default().server().ok().flatten(), None);
    }

    #[test]
    fn fully_qualifies_dotted_names() {
        assert_eq!(fqdn("www.gov.cn"), "www.gov.cn.");
        assert_eq!(fqdn("www.gov.cn."), "www.gov.cn.");
        assert_eq!(fqdn("intranet"), "intranet");
    }
}
