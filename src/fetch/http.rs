//! HTTP fetching with reqwest (rustls with the ring backend; no OpenSSL, no aws-lc).
//!
//! Every network request of an audit goes through one [`HttpFetcher`]:
//!
//! * **Politeness.** Each request waits at the [`HostGate`] (global and per-host concurrency,
//!   per-host interval and `Crawl-delay`, pauses asked for with `Retry-After`).
//! * **Redirects** are followed here, not by reqwest, so every hop is recorded and loops and
//!   long chains are reported as such.
//! * **Retries** with exponential backoff after network errors and 429/500/502/503/504
//!   answers, honouring `Retry-After` (seconds or an HTTP date). Timeouts are not retried.
//! * **Bodies** are requested compressed and decompressed here ([`super::decompress`]), so the
//!   bytes on the wire (`--max-body-size`) and after decompression
//!   (`--max-decompressed-size`) are capped separately; a gzip bomb costs at most the cap.
//! * **TLS.** A certificate that fails verification is recorded per host
//!   ([`HttpFetcher::tls_failures`]); page fetches then go again without verification and the
//!   page is marked ([`RawPage::tls_error`]), link checks report the failure.
//! * **Resolver seam.** [`HttpFetcher::with_resolver`] takes any
//!   [`reqwest::dns::Resolve`]; [`HttpFetcher::with_builder`] any prepared client builder.
//!   `--resolve HOST=ADDR` pins names to addresses.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use url::Url;

use super::decompress::Decoder;
use super::gate::{GatePermit, HostGate, Politeness};
use super::{FetchError, FetchErrorKind, FetchOptions, RawPage, Redirect};
use crate::error::{Error, Result};

/// Installs ring as rustls' process-wide crypto provider (once; later calls are no-ops).
pub fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD.
    Head,
}

/// How much of the body to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMode {
    /// The whole body, up to the caps.
    Full,
    /// The body only when the response is HTML (or untyped); other types stop after the
    /// headers (the crawler's page fetches: a PDF behind a link is checked, not downloaded).
    HtmlOnly,
    /// At most this many decompressed bytes (robots.txt, sitemaps).
    Limit(u64),
    /// No body (status checks).
    None,
}

/// What to do when the server's certificate fails verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Fetch again without verification and mark the result (pages: they are still audited).
    Fallback,
    /// Report the failure (link checks, HTTPS probes).
    Strict,
}

/// One request's settings.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// GET or HEAD.
    pub method: Method,
    /// How much body to read.
    pub body: BodyMode,
    /// TLS failure handling.
    pub tls: TlsMode,
    /// Crawl depth recorded in the result.
    pub depth: u32,
    /// Whether to retry (network errors, 429 and 5xx).
    pub retry: bool,
}

impl Request {
    /// A GET of a whole page, TLS fallback on, retries on.
    pub fn page(depth: u32) -> Request {
        Request {
            method: Method::Get,
            body: BodyMode::Full,
            tls: TlsMode::Fallback,
            depth,
            retry: true,
        }
    }

    /// A HEAD for a status check (strict TLS, no body).
    pub fn head() -> Request {
        Request {
            method: Method::Head,
            body: BodyMode::None,
            tls: TlsMode::Strict,
            depth: 0,
            retry: true,
        }
    }

    /// A GET for a status check: headers only (strict TLS).
    pub fn status_get() -> Request {
        Request {
            method: Method::Get,
            ..Request::head()
        }
    }
}

/// What kind of TLS problem a host has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsProblem {
    /// The certificate has expired.
    Expired,
    /// The certificate is not valid yet (or the clock is wrong).
    NotYetValid,
    /// The certificate is for another name.
    WrongHost,
    /// Not issued by a trusted CA: self-signed, a private CA, or an incomplete chain (the
    /// server does not send its intermediate certificate).
    Untrusted,
    /// The certificate was revoked.
    Revoked,
    /// The handshake failed before any certificate could be checked: no protocol version or
    /// cipher in common, which is what a server offering only SM2 (国密) suites looks like.
    Handshake,
    /// The port does not speak TLS at all (plain HTTP on the HTTPS port).
    NotTls,
    /// Another certificate problem.
    Other,
}

impl TlsProblem {
    /// Whether this is a certificate that a browser would reject (not "no HTTPS here").
    pub fn is_certificate(self) -> bool {
        !matches!(self, TlsProblem::NotTls)
    }
}

/// A TLS failure seen on a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsFailure {
    /// The host name.
    pub host: String,
    /// The URL whose fetch first failed.
    pub url: String,
    /// The class of problem.
    pub problem: TlsProblem,
    /// The verifier's message.
    pub message: String,
}

struct Inner {
    client: reqwest::Client,
    insecure: reqwest::Client,
    max_body: u64,
    max_decompressed: u64,
    max_redirects: u32,
    retries: u32,
    retry_wait: Duration,
    max_retry_wait: Duration,
    gate: HostGate,
    tls: Mutex<BTreeMap<String, TlsFailure>>,
    requests: AtomicU64,
    bytes: AtomicU64,
}

/// The one place HTTP requests are made. Cheap to clone (shared state).
#[derive(Clone)]
pub struct HttpFetcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("max_body", &self.inner.max_body)
            .field("gate", &self.inner.gate)
            .finish()
    }
}

/// How many requests and body bytes a fetcher has handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchCounters {
    /// HTTP requests sent (every hop, retry and HEAD).
    pub requests: u64,
    /// Body bytes received on the wire.
    pub bytes: u64,
}

impl HttpFetcher {
    /// Builds the fetcher from the options with the default politeness and the system
    /// resolver.
    pub fn new(opts: &FetchOptions) -> Result<Self> {
        Self::with_resolver(opts, Politeness::default(), None)
    }

    /// Builds the fetcher with these limits and, optionally, a custom DNS resolver (the IPv6
    /// checks' resolver, or a test's fake mapping names to loopback addresses).
    pub fn with_resolver(
        opts: &FetchOptions,
        politeness: Politeness,
        resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    ) -> Result<Self> {
        Self::with_builder(opts, politeness, move || {
            let b = reqwest::Client::builder();
            match &resolver {
                Some(r) => b.dns_resolver(Arc::clone(r)),
                None => b,
            }
        })
    }

    /// Builds the fetcher on top of prepared client builders: `make` is called twice, for the
    /// verifying client and for the one used to fetch again without verification, so that
    /// both share its settings (a resolver, local address...). The options are applied on top.
    pub fn with_builder(
        opts: &FetchOptions,
        politeness: Politeness,
        make: impl Fn() -> reqwest::ClientBuilder,
    ) -> Result<Self> {
        install_crypto_provider();
        let headers = default_headers(opts)?;
        let overrides = opts.resolve_overrides().map_err(Error::Config)?;
        let mut certs = Vec::new();
        for path in &opts.ca_certs {
            let pem = std::fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
            let found = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("--ca-cert {}: {e}", path.display())))?;
            if found.is_empty() {
                return Err(Error::Config(format!(
                    "--ca-cert {}: no PEM certificate in the file",
                    path.display()
                )));
            }
            certs.extend(found);
        }
        let build = |insecure: bool| -> Result<reqwest::Client> {
            let mut b = make()
                .user_agent(opts.user_agent())
                .default_headers(headers.clone())
                .timeout(opts.timeout())
                .connect_timeout(opts.connect_timeout())
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(30));
            for (host, ip) in &overrides {
                b = b.resolve(host, std::net::SocketAddr::new(*ip, 0));
            }
            if !certs.is_empty() {
                b = b.tls_certs_merge(certs.iter().cloned());
            }
            if insecure {
                b = b.danger_accept_invalid_certs(true);
            }
            if let Some(proxy) = &opts.proxy {
                let p = reqwest::Proxy::all(proxy)
                    .map_err(|e| Error::Config(format!("--proxy {proxy:?}: {e}")))?;
                b = b.proxy(p);
            }
            b.build().map_err(|e| Error::HttpClient(error_chain(&e)))
        };
        Ok(HttpFetcher {
            inner: Arc::new(Inner {
                client: build(false)?,
                insecure: build(true)?,
                max_body: opts.max_body_size(),
                max_decompressed: opts.max_decompressed_size(),
                max_redirects: opts.max_redirects(),
                retries: opts.retries(),
                retry_wait: opts.retry_wait(),
                max_retry_wait: opts.max_retry_wait(),
                gate: HostGate::new(politeness),
                tls: Mutex::new(BTreeMap::new()),
                requests: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
            }),
        })
    }

    /// The verifying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    /// The politeness gate every request passes.
    pub fn gate(&self) -> &HostGate {
        &self.inner.gate
    }

    /// Requests and bytes so far.
    pub fn counters(&self) -> FetchCounters {
        FetchCounters {
            requests: self.inner.requests.load(Ordering::Relaxed),
            bytes: self.inner.bytes.load(Ordering::Relaxed),
        }
    }

    /// The TLS failures seen so far, one per host.
    pub fn tls_failures(&self) -> Vec<TlsFailure> {
        lock(&self.inner.tls).values().cloned().collect()
    }

    fn known_tls_failure(&self, host: &str) -> Option<TlsFailure> {
        lock(&self.inner.tls).get(host).cloned()
    }

    fn record_tls_failure(&self, url: &Url, err: &FetchError) -> TlsFailure {
        let host = url.host_str().unwrap_or_default().to_string();
        let failure = TlsFailure {
            host: host.clone(),
            url: url.to_string(),
            problem: tls_problem(&err.message),
            message: err.message.clone(),
        };
        lock(&self.inner.tls)
            .entry(host)
            .or_insert_with(|| failure.clone())
            .clone()
    }

    /// GETs a page, following redirects, reading at most the body limits; a page on a host
    /// whose certificate fails verification is fetched again without verification and marked.
    pub async fn get(&self, url: &Url, depth: u32) -> Result<RawPage, FetchError> {
        self.fetch(url, Request::page(depth)).await
    }

    /// Like [`HttpFetcher::get`], but a response that is not HTML stops after its headers.
    pub async fn get_page(&self, url: &Url, depth: u32) -> Result<RawPage, FetchError> {
        self.fetch(
            url,
            Request {
                body: BodyMode::HtmlOnly,
                ..Request::page(depth)
            },
        )
        .await
    }

    /// Checks that a URL answers: HEAD first, then GET (headers only) when HEAD is refused
    /// (any 4xx/5xx, or the connection dropped), as many servers mishandle HEAD. Strict TLS.
    /// Returns the final response (no body) and whether GET was needed.
    pub async fn check(&self, url: &Url) -> (Result<RawPage, FetchError>, Method) {
        let head = self.fetch(url, Request::head()).await;
        let refused = match &head {
            Ok(r) => r.status.is_some_and(|s| s >= 400),
            Err(e) => matches!(
                e.kind,
                FetchErrorKind::Connect | FetchErrorKind::Body | FetchErrorKind::Other
            ),
        };
        if refused {
            (self.fetch(url, Request::status_get()).await, Method::Get)
        } else {
            (head, Method::Head)
        }
    }

    /// Fetches a URL with the given settings.
    pub async fn fetch(&self, url: &Url, req: Request) -> Result<RawPage, FetchError> {
        let started = Instant::now();
        let mut current = url.clone();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut seen: HashSet<Url> = HashSet::new();
        let mut tls_error: Option<String> = None;
        seen.insert(current.clone());
        loop {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::new(
                    FetchErrorKind::Redirect,
                    format!("redirect to a non-HTTP URL: {current}"),
                )
                .with_redirects(&redirects));
            }
            let host = current.host_str().unwrap_or_default().to_string();
            // A host already known to fail verification goes straight to the fallback.
            let mut insecure = false;
            if req.tls == TlsMode::Fallback
                && current.scheme() == "https"
                && let Some(f) = self.known_tls_failure(&host)
                && f.problem.is_certificate()
            {
                insecure = true;
                tls_error = Some(f.message);
            }
            let (resp, permit) = match self.send(&current, &host, req, insecure).await {
                Ok((resp, permit, _)) => (resp, permit),
                Err((e, attempts)) => {
                    let verify_failed =
                        e.kind == FetchErrorKind::Tls && current.scheme() == "https" && !insecure;
                    let failure = verify_failed.then(|| self.record_tls_failure(&current, &e));
                    let fallback = req.tls == TlsMode::Fallback
                        && failure.as_ref().is_some_and(|f| f.problem.is_certificate());
                    if !fallback {
                        let mut e = e.with_redirects(&redirects);
                        e.attempts = attempts;
                        return Err(e);
                    }
                    match self.send(&current, &host, req, true).await {
                        Ok((resp, permit, _)) => {
                            tls_error = Some(e.message.clone());
                            (resp, permit)
                        }
                        Err((e2, a)) => {
                            let mut e2 = e2.with_redirects(&redirects);
                            e2.attempts = attempts + a;
                            // Keep the verification error: it says more.
                            if e2.kind == FetchErrorKind::Tls {
                                e2.message = e.message.clone();
                            }
                            return Err(e2);
                        }
                    }
                }
            };
            let status = resp.status().as_u16();
            if resp.status().is_redirection()
                && let Some(loc) = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            {
                drop(resp);
                drop(permit);
                let next = current.join(loc.trim()).map_err(|e| {
                    FetchError::new(
                        FetchErrorKind::Redirect,
                        format!("bad Location {loc:?} from {current}: {e}"),
                    )
                    .with_redirects(&redirects)
                })?;
                redirects.push(Redirect {
                    status,
                    from: current.to_string(),
                    to: next.to_string(),
                });
                if !seen.insert(next.clone()) {
                    return Err(FetchError::new(
                        FetchErrorKind::Redirect,
                        format!("redirect loop back to {next}"),
                    )
                    .with_redirects(&redirects));
                }
                if redirects.len() as u32 > self.inner.max_redirects {
                    return Err(FetchError::new(
                        FetchErrorKind::Redirect,
                        format!("more than {} redirects", self.inner.max_redirects),
                    )
                    .with_redirects(&redirects));
                }
                current = next;
                continue;
            }
            let (headers, content_type) = header_pairs(resp.headers());
            let read_body = match req.body {
                BodyMode::None => false,
                BodyMode::HtmlOnly => content_type.as_deref().is_none_or(is_html_type),
                BodyMode::Full | BodyMode::Limit(_) => true,
            };
            let (body, truncated, wire) = if read_body && req.method == Method::Get {
                let cap = match req.body {
                    BodyMode::Limit(n) => n.min(self.inner.max_decompressed),
                    _ => self.inner.max_decompressed,
                };
                self.read_body(resp, cap)
                    .await
                    .map_err(|e| e.with_redirects(&redirects))?
            } else {
                (Vec::new(), false, 0)
            };
            drop(permit);
            return Ok(RawPage {
                url: url.clone(),
                final_url: current.clone(),
                display: url.to_string(),
                local_path: None,
                status: Some(status),
                content_type,
                headers,
                body,
                truncated,
                depth: req.depth,
                redirects,
                elapsed_ms: started.elapsed().as_millis() as u64,
                wire_bytes: wire,
                tls_error,
            });
        }
    }

    /// Sends one request (one hop), waiting at the gate, retrying network errors and
    /// 429/5xx answers. Returns the response with the gate permit (held while the body is
    /// read) and the number of attempts.
    async fn send(
        &self,
        url: &Url,
        host: &str,
        req: Request,
        insecure: bool,
    ) -> std::result::Result<(reqwest::Response, GatePermit, u32), (FetchError, u32)> {
        let client = if insecure {
            &self.inner.insecure
        } else {
            &self.inner.client
        };
        let max_attempts = if req.retry { self.inner.retries + 1 } else { 1 };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let permit = self.inner.gate.acquire(host).await;
            self.inner.requests.fetch_add(1, Ordering::Relaxed);
            let builder = match req.method {
                Method::Get => client.get(url.clone()),
                Method::Head => client.head(url.clone()),
            };
            match builder.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if !matches!(status, 429 | 500 | 502 | 503 | 504) || attempt >= max_attempts {
                        return Ok((resp, permit, attempt));
                    }
                    let backoff = self.backoff(attempt);
                    let wait = match retry_after(resp.headers()) {
                        Some(w) if w > self.inner.max_retry_wait => {
                            // The server asks for longer than we wait: report its answer.
                            return Ok((resp, permit, attempt));
                        }
                        Some(w) => w,
                        None => backoff,
                    };
                    drop(resp);
                    drop(permit);
                    if matches!(status, 429 | 503) {
                        self.inner
                            .gate
                            .pause(host, tokio::time::Instant::now() + wait);
                    }
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    drop(permit);
                    let fe = classify(&e);
                    let retryable = matches!(
                        fe.kind,
                        FetchErrorKind::Connect | FetchErrorKind::Other | FetchErrorKind::Body
                    );
                    if !retryable || attempt >= max_attempts {
                        return Err((fe, attempt));
                    }
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(10);
        (self.inner.retry_wait * factor).min(self.inner.max_retry_wait)
    }

    /// Reads a body chunk by chunk: at most `max_body` bytes on the wire and `cap` bytes after
    /// decompression. Returns the decoded body, whether it was cut, and the wire bytes.
    async fn read_body(
        &self,
        mut resp: reqwest::Response,
        cap: u64,
    ) -> Result<(Vec<u8>, bool, u64), FetchError> {
        let coding = resp
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut decoder = Decoder::new(coding.as_deref(), cap);
        let max_wire = self.inner.max_body;
        let mut wire: u64 = 0;
        let mut cut = false;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = max_wire.saturating_sub(wire);
                    let take = (chunk.len() as u64).min(room) as usize;
                    wire += take as u64;
                    decoder.push(&chunk[..take]);
                    if take < chunk.len() || decoder.is_full() || decoder.failed() {
                        cut = take < chunk.len() || decoder.is_full();
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    // A body cut by the timeout after some bytes arrived is still worth
                    // auditing; with nothing received it is a failure.
                    self.inner.bytes.fetch_add(wire, Ordering::Relaxed);
                    let decoded = decoder.finish();
                    if decoded.body.is_empty() {
                        return Err(classify(&e));
                    }
                    return Ok((decoded.body, true, wire));
                }
            }
        }
        self.inner.bytes.fetch_add(wire, Ordering::Relaxed);
        let decoded = decoder.finish();
        if decoded.error.is_some() && decoded.body.is_empty() {
            return Err(FetchError::new(
                FetchErrorKind::Body,
                format!(
                    "cannot decompress the body ({}): {}",
                    coding.unwrap_or_default(),
                    decoded.error.unwrap_or_default()
                ),
            ));
        }
        Ok((
            decoded.body,
            cut || decoded.capped || decoded.error.is_some(),
            wire,
        ))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn default_headers(opts: &FetchOptions) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
    );
    headers.insert(
        reqwest::header::ACCEPT_ENCODING,
        HeaderValue::from_static("gzip, deflate, br"),
    );
    for h in &opts.headers {
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| Error::Config(format!("--header {h:?}: expected \"Name: value\"")))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|e| Error::Config(format!("--header {h:?}: {e}")))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|e| Error::Config(format!("--header {h:?}: {e}")))?;
        headers.insert(name, value);
    }
    if !opts.cookies.is_empty() {
        let joined = opts.cookies.join("; ");
        let value = HeaderValue::from_str(&joined)
            .map_err(|e| Error::Config(format!("--cookie {joined:?}: {e}")))?;
        headers.insert(reqwest::header::COOKIE, value);
    }
    Ok(headers)
}

/// Whether a `Content-Type` value is HTML (or empty).
/// A response's headers as lower-case `(name, value)` pairs (lossy UTF-8), and its
/// `Content-Type`, the way [`RawPage`](crate::fetch::RawPage) keeps them.
pub fn header_pairs(headers: &HeaderMap) -> (Vec<(String, String)>, Option<String>) {
    let pairs = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    (pairs, content_type)
}

pub fn is_html_type(ct: &str) -> bool {
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml"
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(v)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to seconds since the epoch.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, _] = parts.as_slice() else {
        return None;
    };
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| month.eq_ignore_ascii_case(m))? as u32
        + 1;
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + m * 60 + sec)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl FetchError {
    fn with_redirects(mut self, redirects: &[Redirect]) -> Self {
        if self.redirects.is_empty() {
            self.redirects = redirects.to_vec();
        }
        self
    }
}

/// The full text of an error and its sources.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    parts.join(": ")
}

/// Maps a reqwest error to a fetch error kind, by the types in its source chain where they
/// are public (rustls and I/O errors) and by the sources' texts otherwise (never by the top
/// message, which holds the URL).
pub fn classify(e: &reqwest::Error) -> FetchError {
    let text = error_chain(e);
    let mut sources = String::new();
    let mut tls = false;
    let mut io_kind = None;
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        sources.push_str(&s.to_string().to_ascii_lowercase());
        sources.push('\n');
        if s.downcast_ref::<rustls::Error>().is_some() {
            tls = true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                tls = true;
            }
        }
        src = s.source();
    }
    let kind = if e.is_timeout() || sources.contains("timed out") {
        FetchErrorKind::Timeout
    } else if tls
        || sources.contains("invalid peer certificate")
        || sources.contains("certificate")
        || sources.contains("received fatal alert")
        || sources.contains("peer is incompatible")
        || sources.contains("corrupt message")
        || sources.contains("handshake")
    {
        FetchErrorKind::Tls
    } else if sources.contains("dns error")
        || sources.contains("failed to lookup")
        || sources.contains("name or service not known")
        || sources.contains("no record found")
        || sources.contains("nodename nor servname")
        || sources.contains("no address")
    {
        FetchErrorKind::Dns
    } else if e.is_connect()
        || matches!(
            io_kind,
            Some(
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
            )
        )
    {
        FetchErrorKind::Connect
    } else if e.is_body() || e.is_decode() {
        FetchErrorKind::Body
    } else if e.is_redirect() {
        FetchErrorKind::Redirect
    } else {
        FetchErrorKind::Other
    };
    FetchError::new(kind, text)
}

/// Classifies a TLS error message.
pub fn tls_problem(message: &str) -> TlsProblem {
    let m = message.to_ascii_lowercase();
    if m.contains("expired") {
        TlsProblem::Expired
    } else if m.contains("not valid yet") || m.contains("notvalidyet") {
        TlsProblem::NotYetValid
    } else if m.contains("not valid for name") || m.contains("notvalidforname") {
        TlsProblem::WrongHost
    } else if m.contains("unknownissuer")
        || m.contains("unknown issuer")
        || m.contains("self-signed")
        || m.contains("self signed")
        || m.contains("badsignature")
        || m.contains("untrusted")
    {
        TlsProblem::Untrusted
    } else if m.contains("revoked") {
        TlsProblem::Revoked
    } else if m.contains("corrupt message") || m.contains("invalidcontenttype") {
        TlsProblem::NotTls
    } else if m.contains("handshakefailure")
        || m.contains("peer is incompatible")
        || m.contains("protocolversion")
        || m.contains("insufficientsecurity")
        || m.contains("no cipher")
    {
        TlsProblem::Handshake
    } else {
        TlsProblem::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn tls_problems() {
        assert_eq!(
            tls_problem("invalid peer certificate: UnknownIssuer"),
            TlsProblem::Untrusted
        );
        assert_eq!(
            tls_problem(
                "invalid peer certificate: certificate expired: verification time 1 (UNIX), but certificate is not valid after 0 (1 seconds ago)"
            ),
            TlsProblem::Expired
        );
        assert_eq!(
            tls_problem(
                "invalid peer certificate: certificate not valid for name \"a.gov.cn\"; certificate is only valid for b.gov.cn"
            ),
            TlsProblem::WrongHost
        );
        assert_eq!(
            tls_problem("received fatal alert: HandshakeFailure"),
            TlsProblem::Handshake
        );
        assert_eq!(
            tls_problem("peer is incompatible: NoCipherSuitesInCommon"),
            TlsProblem::Handshake
        );
        assert_eq!(
            tls_problem("received corrupt message of type InvalidContentType"),
            TlsProblem::NotTls
        );
        assert!(!TlsProblem::NotTls.is_certificate());
        assert!(TlsProblem::Untrusted.is_certificate());
    }

    #[test]
    fn html_types() {
        assert!(is_html_type("text/html; charset=gbk"));
        assert!(is_html_type("Application/XHTML+XML"));
        assert!(is_html_type(""));
        assert!(!is_html_type("application/pdf"));
    }
}
