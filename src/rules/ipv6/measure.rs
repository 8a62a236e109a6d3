//! The measurement of a site: DNS (A, AAAA, CNAME, NS), the home page over IPv6 only, the
//! IPv4/IPv6 comparison, the label, and (in [`super::links`]) the link rates.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::{Check, Ipv6Fact, NameServer, Outcome, cause, label, links};
use crate::config::AuditOptions;
use crate::dns::{Answer, Dns, LookupError, Stack, V6Class};
use crate::fetch::http::{classify, error_chain, header_pairs, install_crypto_provider};
use crate::fetch::{FetchError, FetchErrorKind, FetchOptions, RawPage};
use crate::i18n::Lang;
use crate::page::Page;
use crate::rules::SiteData;
use crate::services::Services;
use crate::tr;

/// The HTTP clients of the IPv6 checks. They never use a proxy (a proxy would make the
/// request, over whatever protocol it has) and resolve through the audit's resolver.
pub(super) struct Clients {
    /// IPv6 only, certificates verified (the home page).
    pub v6: reqwest::Client,
    /// IPv6 only, certificates not verified (the home page again after a certificate error;
    /// the links, where only the transport matters).
    pub v6_lax: reqwest::Client,
    /// IPv4 only, certificates not verified (the comparison for links failing over IPv6).
    pub v4_lax: reqwest::Client,
}

fn default_headers(fetch: &FetchOptions) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
    );
    // Malformed values were already rejected when the main fetcher was built.
    for h in &fetch.headers {
        if let Some((n, v)) = h.split_once(':')
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(n.trim().as_bytes()),
                HeaderValue::from_str(v.trim()),
            )
        {
            headers.append(n, v);
        }
    }
    if !fetch.cookies.is_empty()
        && let Ok(v) = HeaderValue::from_str(&fetch.cookies.join("; "))
    {
        headers.insert(reqwest::header::COOKIE, v);
    }
    headers
}

impl Clients {
    pub fn new(options: &AuditOptions, dns: &Dns) -> Result<Clients, String> {
        install_crypto_provider();
        let timeout = options.ipv6.timeout();
        let connect = options.fetch.connect_timeout().min(timeout);
        let v6 = Stack::V6Only {
            accept_non_global: options.ipv6.accept_non_global,
        };
        let build = |stack: Stack, lax: bool| {
            dns.client_builder(stack)
                .no_proxy()
                .user_agent(options.fetch.user_agent())
                .default_headers(default_headers(&options.fetch))
                .timeout(timeout)
                .connect_timeout(connect)
                .redirect(reqwest::redirect::Policy::limited(
                    options.fetch.max_redirects() as usize,
                ))
                .danger_accept_invalid_certs(lax)
                .build()
                .map_err(|e| error_chain(&e))
        };
        Ok(Clients {
            v6: build(v6, false)?,
            v6_lax: build(v6, true)?,
            v4_lax: build(Stack::V4Only, true)?,
        })
    }
}

/// Whether this machine can send to an IPv6 address: a UDP socket is bound and connected to
/// it (which sends nothing). `Err` says why not.
pub(super) fn route_to(ip: &IpAddr) -> Result<(), String> {
    let sock = std::net::UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0))
        .map_err(|e| format!("no IPv6 on this machine: {e}"))?;
    sock.connect(SocketAddr::new(*ip, 53))
        .map_err(|e| format!("no IPv6 route from this machine to {ip}: {e}"))
}

/// Whether this machine has an IPv6 stack at all.
pub(super) fn has_ipv6_stack() -> bool {
    std::net::UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0)).is_ok()
}

/// Whether a connection error comes from this machine (no route, no address of the family)
/// rather than from the site.
pub(super) fn is_local_error(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "network is unreachable",
        "os error 101",
        "cannot assign requested address",
        "os error 99",
        "address family not supported",
        "os error 97",
        "os error 10051",
        "os error 10049",
        "os error 10047",
    ]
    .iter()
    .any(|p| m.contains(p))
}

/// Reads a response into a [`RawPage`], at most `max_body` bytes.
pub(super) async fn read_page(
    resp: reqwest::Response,
    requested: &Url,
    max_body: u64,
    started: Instant,
) -> Result<RawPage, FetchError> {
    let status = resp.status().as_u16();
    let final_url = resp.url().clone();
    let (headers, content_type) = header_pairs(resp.headers());
    let mut resp = resp;
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = (max_body as usize).saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) if body.is_empty() => return Err(classify(&e)),
            Err(_) => {
                truncated = true;
                break;
            }
        }
    }
    let mut raw = RawPage::from_html(requested.clone(), "");
    raw.final_url = final_url;
    raw.status = Some(status);
    raw.content_type = content_type;
    raw.headers = headers;
    raw.body = body;
    raw.truncated = truncated;
    raw.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(raw)
}

/// The home page over IPv6.
enum Reach {
    /// No usable AAAA: nothing to connect to.
    NoAddress,
    /// The DNS lookup failed.
    DnsFailed,
    /// This machine cannot reach the addresses.
    NoRoute(String),
    /// A 2xx answer over IPv6.
    Ok {
        raw: Box<RawPage>,
        attempts: u32,
        remote: Option<SocketAddr>,
        tls_error: Option<String>,
    },
    /// No 2xx answer in `attempts` tries.
    Failed {
        attempts: u32,
        status: Option<u16>,
        kind: Option<FetchErrorKind>,
        message: String,
    },
}

struct PhaseOne {
    a: Result<Answer, LookupError>,
    aaaa: Result<Answer, LookupError>,
    zone: Result<(String, Vec<String>), LookupError>,
    ns_aaaa: Vec<(String, Result<Answer, LookupError>)>,
    reach: Reach,
}

async fn get_once(
    client: &reqwest::Client,
    url: &Url,
    max_body: u64,
) -> Result<(RawPage, Option<SocketAddr>), FetchError> {
    let started = Instant::now();
    let resp = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| classify(&e))?;
    let remote = resp.remote_addr();
    let raw = read_page(resp, url, max_body, started).await?;
    Ok((raw, remote))
}

async fn reach_home(
    clients: &Clients,
    url: &Url,
    usable: &[IpAddr],
    attempts: u32,
    pause: Duration,
    max_body: u64,
) -> Reach {
    let mut route_errors = Vec::new();
    if !usable.iter().any(|ip| match route_to(ip) {
        Ok(()) => true,
        Err(e) => {
            route_errors.push(e);
            false
        }
    }) {
        return Reach::NoRoute(route_errors.join("; "));
    }
    let mut last_status = None;
    let mut last_kind = None;
    let mut last_message = String::new();
    for attempt in 1..=attempts {
        let mut result = get_once(&clients.v6, url, max_body).await;
        let mut tls_error = None;
        if let Err(e) = &result
            && e.kind == FetchErrorKind::Tls
        {
            tls_error = Some(e.message.clone());
            result = get_once(&clients.v6_lax, url, max_body).await;
        }
        match result {
            Ok((raw, remote)) => {
                let status = raw.status.unwrap_or(0);
                if remote.is_some_and(|r| r.is_ipv4()) {
                    last_status = Some(status);
                    last_kind = Some(FetchErrorKind::Redirect);
                    last_message = format!("redirected to an IPv4 address ({})", raw.final_url);
                } else if (200..300).contains(&status) {
                    return Reach::Ok {
                        raw: Box::new(raw),
                        attempts: attempt,
                        remote,
                        tls_error,
                    };
                } else {
                    last_status = Some(status);
                    last_kind = None;
                    last_message = format!("HTTP {status}");
                }
            }
            Err(e) => {
                if is_local_error(&e.message) {
                    return Reach::NoRoute(e.message);
                }
                last_status = None;
                last_kind = Some(e.kind.clone());
                last_message = e.message;
            }
        }
        if attempt < attempts {
            tokio::time::sleep(pause).await;
        }
    }
    Reach::Failed {
        attempts,
        status: last_status,
        kind: last_kind,
        message: last_message,
    }
}

fn usable_v6(answer: &Answer, accept_non_global: bool) -> Vec<IpAddr> {
    answer
        .addrs
        .iter()
        .copied()
        .filter(|ip| match ip {
            IpAddr::V6(v6) => V6Class::of(v6).usable(accept_non_global),
            IpAddr::V4(_) => false,
        })
        .collect()
}

fn describe_v6(addrs: &[IpAddr], lang: Lang) -> String {
    addrs
        .iter()
        .map(|ip| match ip {
            IpAddr::V6(v6) => {
                let c = V6Class::of(v6);
                if c == V6Class::Global {
                    v6.to_string()
                } else {
                    tr!(lang, "{v6}（{}）", "{v6} ({})", c.label(lang))
                }
            }
            IpAddr::V4(v4) => v4.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn strings(addrs: &[IpAddr]) -> Vec<String> {
    addrs.iter().map(IpAddr::to_string).collect()
}

/// Measures a site (see the module documentation).
pub fn measure(
    site: &SiteData<'_>,
    options: &AuditOptions,
    services: &Services,
    lang: Lang,
) -> Ipv6Fact {
    let opts = &options.ipv6;
    let mut fact = Ipv6Fact {
        accept_non_global: opts.accept_non_global,
        ..Ipv6Fact::default()
    };
    let home_url: Option<Url> = site
        .info
        .start_urls
        .first()
        .cloned()
        .or_else(|| site.home().and_then(|p| Url::parse(&p.url).ok()));
    let label_re = opts.label_regex();

    let skip = |mut fact: Ipv6Fact, why: &str, c: &str, detail: String| {
        fact.skipped = Some(why.to_string());
        for check in [
            &mut fact.checks.aaaa,
            &mut fact.checks.ns,
            &mut fact.checks.reachable,
            &mut fact.checks.consistent,
            &mut fact.checks.links,
        ] {
            *check = Check::not_tested(c, detail.clone());
        }
        if fact.label.is_some() {
            fact.checks.label = Check::not_tested(c, detail);
        }
        fact
    };
    // Nothing was audited (robots.txt disallows the start page, say): the crawl's politeness
    // applies to the IPv6 probes too, so the site is not measured.
    if site.pages.is_empty() && !site.info.is_local() {
        let d = tr!(
            lang,
            "没有审计到任何页面（例如 robots.txt 禁止访问），不做 IPv6 检测",
            "no page was audited (robots.txt disallows the site, say): IPv6 is not measured"
        );
        return skip(fact, "no page audited", cause::HOME_UNAVAILABLE, d);
    }
    // The home page as the audit fetched it: over IPv4 whenever the host has an A record (the
    // crawl's resolver prefers IPv4), from the services' cache.
    let home_fetched = home_url
        .as_ref()
        .map(|u| services.fetch(&site.info.local_target(u)));
    let home_raw: Option<&RawPage> = home_fetched.as_deref().and_then(|r| r.as_ref().ok());
    let home_html = home_raw.filter(|r| r.is_html());
    let home_page = home_html.map(Page::build);
    if let (Ok(re), Some(p)) = (&label_re, &home_page) {
        fact.label = label::find(p, re);
    }
    fact.checks.label = label_check_offline(&fact, home_page.is_some(), &label_re, lang);

    if site.info.is_local() {
        let d = tr!(
            lang,
            "本地文件不做 IPv6 检测",
            "local input: IPv6 is not measured"
        );
        return skip(fact, "local input", cause::LOCAL_INPUT, d);
    }
    let Some(home_url) = home_url else {
        let d = tr!(lang, "没有起始页面", "no start page");
        return skip(fact, "offline", cause::OFFLINE, d);
    };
    let host = match home_url.host() {
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        _ => {
            let d = tr!(
                lang,
                "网站以 IP 地址访问（{}），没有域名可检测",
                "the site is addressed by an IP address ({}): no name to check",
                home_url.host_str().unwrap_or_default()
            );
            return skip(fact, "ip address", cause::IP_HOST, d);
        }
    };
    let (Some(rt), Some(dns)) = (services.runtime(), services.dns()) else {
        let d = tr!(
            lang,
            "本次审计未联网",
            "network access is off for this audit"
        );
        return skip(fact, "offline", cause::OFFLINE, d);
    };
    fact.host = Some(host.clone());
    fact.dns_server = Some(dns.describe());
    let clients = match Clients::new(options, dns) {
        Ok(c) => c,
        Err(e) => {
            let d = tr!(
                lang,
                "无法建立 IPv6 检测用的 HTTP 客户端：{e}",
                "cannot set up the HTTP client of the IPv6 checks: {e}"
            );
            let mut f = skip(fact, "offline", cause::CONFIG, d);
            f.skipped = None;
            return f;
        }
    };
    let accept = opts.accept_non_global;
    let timeout = opts.timeout();
    let pause = (timeout / 15).min(Duration::from_secs(1));
    let max_body = options.fetch.max_body_size();

    // Phase one: DNS, then the home page over IPv6.
    let p1 = rt.block_on(async {
        let (a, aaaa, zone) = tokio::join!(dns.a(&host), dns.aaaa(&host), dns.zone_ns(&host));
        let mut ns_aaaa = Vec::new();
        if let Ok((_, names)) = &zone {
            for n in names {
                ns_aaaa.push((n.clone(), dns.aaaa(n).await));
            }
        }
        let reach = match &aaaa {
            Ok(ans) => {
                let usable = usable_v6(ans, accept);
                if usable.is_empty() {
                    Reach::NoAddress
                } else {
                    reach_home(
                        &clients,
                        &home_url,
                        &usable,
                        opts.attempts(),
                        pause,
                        max_body,
                    )
                    .await
                }
            }
            Err(LookupError::NoRecords) => Reach::NoAddress,
            Err(LookupError::Failed(_)) => Reach::DnsFailed,
        };
        PhaseOne {
            a,
            aaaa,
            zone,
            ns_aaaa,
            reach,
        }
    });

    // Addresses and the AAAA check.
    if let Ok(a) = &p1.a {
        fact.addresses.a = strings(&a.addrs);
        fact.addresses.cname.clone_from(&a.cnames);
    }
    if let Ok(b) = &p1.aaaa {
        fact.addresses.aaaa = strings(&b.addrs);
        for c in &b.cnames {
            if !fact.addresses.cname.contains(c) {
                fact.addresses.cname.push(c.clone());
            }
        }
    }
    let via = if fact.addresses.cname.is_empty() {
        String::new()
    } else {
        tr!(
            lang,
            "（经 CNAME {}）",
            " (via CNAME {})",
            fact.addresses.cname.join(" → ")
        )
    };
    fact.checks.aaaa = match &p1.aaaa {
        Ok(ans) => {
            let usable = usable_v6(ans, accept);
            if usable.is_empty() {
                Check::fail(tr!(
                    lang,
                    "只有不可用于公网访问的 IPv6 地址{via}：{}",
                    "only addresses that do not count as IPv6 support{via}: {}",
                    describe_v6(&ans.addrs, lang)
                ))
            } else {
                Check::pass(tr!(
                    lang,
                    "AAAA{via}：{}",
                    "AAAA{via}: {}",
                    describe_v6(&usable, lang)
                ))
            }
        }
        Err(LookupError::NoRecords) => {
            Check::fail(tr!(lang, "没有 AAAA 记录{via}", "no AAAA record{via}"))
        }
        Err(LookupError::Failed(m)) => Check::not_tested(
            cause::DNS_ERROR,
            tr!(lang, "AAAA 查询失败：{m}", "the AAAA query failed: {m}"),
        ),
    };

    // Name servers.
    fact.checks.ns = match &p1.zone {
        Ok((zone, _)) => {
            fact.zone = Some(zone.clone());
            let mut any_error = None;
            let mut with = Vec::new();
            let mut without = Vec::new();
            for (name, ans) in &p1.ns_aaaa {
                let mut entry = NameServer {
                    name: name.clone(),
                    aaaa: Vec::new(),
                };
                match ans {
                    Ok(a) => {
                        entry.aaaa = strings(&a.addrs);
                        let usable = usable_v6(a, accept);
                        if usable.is_empty() {
                            without.push(format!("{name} ({})", describe_v6(&a.addrs, lang)));
                        } else {
                            with.push(format!("{name} ({})", describe_v6(&usable, lang)));
                        }
                    }
                    Err(LookupError::NoRecords) => {
                        without.push(tr!(lang, "{name}（没有 AAAA）", "{name} (no AAAA)"))
                    }
                    Err(LookupError::Failed(m)) => any_error = Some(format!("{name}: {m}")),
                }
                fact.ns.push(entry);
            }
            if !with.is_empty() {
                Check::pass(tr!(
                    lang,
                    "有 IPv6 地址的权威服务器：{}",
                    "name servers with IPv6: {}",
                    with.join(", ")
                ))
            } else if let Some(e) = any_error {
                Check::not_tested(
                    cause::DNS_ERROR,
                    tr!(
                        lang,
                        "域名服务器地址查询失败：{e}",
                        "a name server lookup failed: {e}"
                    ),
                )
            } else {
                Check::fail(without.join(", "))
            }
        }
        Err(LookupError::NoRecords) => Check::not_tested(
            cause::DNS_ERROR,
            tr!(
                lang,
                "找不到 {host} 所在区域的 NS 记录",
                "no NS records found for {host} or its parent domains"
            ),
        ),
        Err(LookupError::Failed(m)) => Check::not_tested(
            cause::DNS_ERROR,
            tr!(lang, "NS 查询失败：{m}", "the NS query failed: {m}"),
        ),
    };

    // The home page over IPv6.
    let mut v6_page: Option<RawPage> = None;
    fact.checks.reachable = match p1.reach {
        Reach::NoAddress => Check::fail(tr!(
            lang,
            "没有可连接的 IPv6 地址",
            "no IPv6 address to connect to"
        )),
        Reach::DnsFailed => Check::not_tested(
            cause::DNS_ERROR,
            tr!(
                lang,
                "AAAA 查询失败，无法检测",
                "the AAAA query failed, nothing to test"
            ),
        ),
        Reach::NoRoute(m) => Check::not_tested(
            cause::NO_LOCAL_IPV6,
            tr!(
                lang,
                "本机没有到该地址的 IPv6 路由，无法检测：{m}",
                "this machine has no IPv6 route to the site, so it could not be tested: {m}"
            ),
        ),
        Reach::Ok {
            raw,
            attempts,
            remote,
            tls_error,
        } => {
            let status = raw.status.unwrap_or(0);
            let addr = remote.map(|r| r.to_string()).unwrap_or_default();
            let mut detail = tr!(
                lang,
                "经 IPv6（{addr}）返回 HTTP {status}，第 {attempts} 次尝试",
                "HTTP {status} over IPv6 ({addr}), attempt {attempts}"
            );
            if let Some(t) = &tls_error {
                detail.push_str(&tr!(
                    lang,
                    "；IPv6 上的证书验证失败：{t}",
                    "; the certificate failed verification over IPv6: {t}"
                ));
            }
            let mut c = Check::pass(detail)
                .with("status", status)
                .with("attempts", attempts)
                .with("address", addr);
            if raw.final_url != raw.url {
                c = c.with("final_url", raw.final_url.to_string());
            }
            if let Some(t) = tls_error {
                c = c.with("tls_error", t);
            }
            v6_page = Some(*raw);
            c
        }
        Reach::Failed {
            attempts,
            status,
            kind,
            message,
        } => {
            let mut c = Check::fail(tr!(
                lang,
                "{attempts} 次尝试均失败，最后一次：{message}",
                "{attempts} attempts failed, the last: {message}"
            ))
            .with("attempts", attempts);
            if let Some(s) = status {
                c = c.with("status", s);
            }
            if let Some(k) = kind {
                c = c.with("error", serde_json::to_value(k).unwrap_or_default());
            }
            c
        }
    };

    // A name without any address (NXDOMAIN, or neither A nor AAAA) is not an IPv6 matter: the
    // site does not resolve at all (page/fetch-failed says so).
    let unresolvable = matches!(
        (&p1.a, &p1.aaaa),
        (Err(LookupError::NoRecords), Err(LookupError::NoRecords))
    );
    if unresolvable {
        let d = tr!(
            lang,
            "{host} 没有任何地址（既无 A 也无 AAAA 记录），无法检测",
            "{host} has no address at all (neither A nor AAAA), nothing to test"
        );
        fact.checks.aaaa = Check::not_tested(cause::UNRESOLVABLE, d.clone());
        fact.checks.reachable = Check::not_tested(cause::UNRESOLVABLE, d.clone());
        if fact.checks.ns.result == Outcome::NotTested {
            fact.checks.ns = Check::not_tested(cause::UNRESOLVABLE, d);
        }
    }

    // IPv4/IPv6 consistency.
    fact.checks.consistent = consistency(
        home_raw,
        home_fetched.as_deref().and_then(|r| r.as_ref().err()),
        v6_page.as_ref(),
        &fact.checks.reachable,
        opts.min_similarity(),
        lang,
    );

    // The label, now that the checks are known.
    fact.checks.label = label_check(&fact, home_page.is_some(), &label_re, lang);

    // Link rates.
    links::measure_links(
        site,
        &mut fact,
        home_page.as_ref(),
        &home_url,
        services,
        rt,
        dns,
        &clients,
        options,
        lang,
    );
    fact
}

fn label_check_offline(
    fact: &Ipv6Fact,
    home_available: bool,
    re: &Result<regex::Regex, String>,
    lang: Lang,
) -> Check {
    if let Err(e) = re {
        return Check::not_tested(cause::CONFIG, e.clone());
    }
    if !home_available {
        return Check::not_tested(
            cause::HOME_UNAVAILABLE,
            tr!(lang, "首页无法获取", "the home page could not be read"),
        );
    }
    if fact.label.is_none() {
        return Check::not_tested(
            cause::NO_LABEL,
            tr!(
                lang,
                "首页没有 IPv6 标识，无需核实",
                "no IPv6 label on the home page, nothing to verify"
            ),
        );
    }
    Check::not_tested(cause::DEPENDS, tr!(lang, "尚未检测", "not measured yet"))
}

fn label_check(
    fact: &Ipv6Fact,
    home_available: bool,
    re: &Result<regex::Regex, String>,
    lang: Lang,
) -> Check {
    let base = label_check_offline(fact, home_available, re, lang);
    let Some(label) = &fact.label else {
        return base;
    };
    if base.cause.as_deref() != Some(cause::DEPENDS) {
        return base;
    }
    let failed = fact.label_contradictions();
    if !failed.is_empty() {
        return Check::fail(tr!(
            lang,
            "首页声称“{}”，但以下检测未通过：{}",
            "the home page claims \"{}\" but these checks fail: {}",
            label.text,
            failed.join(", ")
        ))
        .with("failed_checks", failed);
    }
    if fact.checks.aaaa.result == Outcome::Pass && fact.checks.reachable.result == Outcome::Pass {
        return Check::pass(tr!(
            lang,
            "标识“{}”与检测结果一致",
            "the label \"{}\" agrees with the checks",
            label.text
        ));
    }
    Check::not_tested(
        cause::DEPENDS,
        tr!(
            lang,
            "检测未完成，无法核实标识“{}”",
            "the checks did not complete, so the label \"{}\" could not be verified",
            label.text
        ),
    )
}

fn norm_title(t: Option<&str>) -> String {
    t.unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Shingle length (characters) of the text comparison.
const SHINGLE: usize = 4;

/// Most characters of a text compared (bounds memory on huge pages).
const MAX_COMPARED_CHARS: usize = 300_000;

fn shingles(text: &str) -> HashSet<u64> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(MAX_COMPARED_CHARS)
        .collect();
    let mut out = HashSet::new();
    let hash = |w: &[char]| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    };
    if chars.is_empty() {
        return out;
    }
    if chars.len() < SHINGLE {
        out.insert(hash(&chars));
        return out;
    }
    for w in chars.windows(SHINGLE) {
        out.insert(hash(w));
    }
    out
}

/// Text similarity in 0..=1: the Jaccard index of the sets of 4-character shingles (whitespace
/// ignored). Two empty texts are identical.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (sa, sb) = (shingles(a), shingles(b));
    if sa.is_empty() && sb.is_empty() {
        return 1.0;
    }
    let inter = sa.intersection(&sb).count();
    let union = sa.len() + sb.len() - inter;
    inter as f64 / union as f64
}

fn consistency(
    v4: Option<&RawPage>,
    v4_error: Option<&FetchError>,
    v6: Option<&RawPage>,
    reachable: &Check,
    min: f64,
    lang: Lang,
) -> Check {
    let Some(v6) = v6 else {
        return match reachable.result {
            Outcome::NotTested => Check::not_tested(
                cause::DEPENDS,
                tr!(
                    lang,
                    "首页 IPv6 访问未检测",
                    "the home page was not fetched over IPv6"
                ),
            ),
            _ => Check::not_tested(
                cause::DEPENDS,
                tr!(
                    lang,
                    "首页无法通过 IPv6 访问，无法比较",
                    "the home page does not open over IPv6, nothing to compare"
                ),
            ),
        };
    };
    let Some(v4) = v4 else {
        let why = v4_error.map(|e| e.message.clone()).unwrap_or_default();
        return Check::not_tested(
            cause::HOME_UNAVAILABLE,
            tr!(
                lang,
                "首页无法通过 IPv4 获取，无法比较：{why}",
                "the home page could not be fetched over IPv4, nothing to compare: {why}"
            ),
        );
    };
    let (t4, t6, sim) = if v4.is_html() && v6.is_html() {
        let (p4, p6) = (Page::build(v4), Page::build(v6));
        (
            norm_title(p4.title()),
            norm_title(p6.title()),
            similarity(p4.visible_text(), p6.visible_text()),
        )
    } else {
        let same = v4.body == v6.body;
        (String::new(), String::new(), if same { 1.0 } else { 0.0 })
    };
    let s4 = v4.status.unwrap_or(0);
    let s6 = v6.status.unwrap_or(0);
    let mut problems = Vec::new();
    if s4 != s6 {
        problems.push(tr!(
            lang,
            "状态码 IPv4 {s4}、IPv6 {s6}",
            "status {s4} over IPv4, {s6} over IPv6"
        ));
    }
    if t4 != t6 {
        problems.push(tr!(
            lang,
            "标题 IPv4 “{t4}”、IPv6 “{t6}”",
            "title \"{t4}\" over IPv4, \"{t6}\" over IPv6"
        ));
    }
    let sim_r = (sim * 1000.0).round() / 1000.0;
    if sim < min {
        problems.push(tr!(
            lang,
            "正文相似度 {sim_r:.2}，低于 {min}",
            "text similarity {sim_r:.2}, below {min}"
        ));
    }
    let c = if problems.is_empty() {
        Check::pass(tr!(
            lang,
            "状态码、标题一致，正文相似度 {sim_r:.2}",
            "same status and title, text similarity {sim_r:.2}"
        ))
    } else {
        Check::fail(problems.join(lang.pick("；", "; ")))
    };
    c.with("similarity", sim_r)
        .with("v4_status", s4)
        .with("v6_status", s6)
        .with("v4_title", t4)
        .with("v6_title", t6)
}

/// Maps a fetch error over IPv6 to a failure reason.
pub(super) fn reason_of(e: &FetchError) -> &'static str {
    match e.kind {
        FetchErrorKind::Dns if e.message.contains("no usable IPv6") => "no_usable_aaaa",
        FetchErrorKind::Dns if e.message.contains("no AAAA") => "no_aaaa",
        FetchErrorKind::Dns => "dns_error",
        FetchErrorKind::Connect => "unreachable",
        FetchErrorKind::Timeout => "timeout",
        FetchErrorKind::Tls => "tls",
        FetchErrorKind::Redirect => "redirect",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_of_texts() {
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("政府信息公开", "政府信息公开"), 1.0);
        assert_eq!(similarity("政府 信息\n公开", "政府信息公开"), 1.0);
        assert!(similarity("政府信息公开 政务服务 互动交流", "IPv6 测试页") < 0.1);
        let long: String = (0..200).map(|i| format!("第{i}条新闻标题，")).collect();
        let changed = format!("{long}更新时间2024年1月2日");
        let s = similarity(&long, &changed);
        assert!(s > 0.9 && s < 1.0, "{s}");
        assert_eq!(similarity("ab", "ab"), 1.0);
        assert_eq!(similarity("ab", "cd"), 0.0);
    }

    #[test]
    fn local_errors() {
        assert!(is_local_error(
            "error sending request: client error (Connect): tcp connect error: Network is unreachable (os error 101)"
        ));
        assert!(is_local_error(
            "tcp connect error: Cannot assign requested address (os error 99)"
        ));
        assert!(!is_local_error(
            "tcp connect error: Connection refused (os error 111)"
        ));
        assert!(!is_local_error("operation timed out"));
    }

    #[test]
    fn loopback_route_exists_when_ipv6_is_on() {
        if has_ipv6_stack() {
            assert_eq!(route_to(&IpAddr::V6(Ipv6Addr::LOCALHOST)), Ok(()));
        }
    }
}
