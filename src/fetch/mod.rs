//! Getting page bytes: from local files ([`local`]) or over HTTP ([`http`]), with limits, and
//! decoding them ([`charset`]).
//!
//! Every network request of an audit goes through [`http::HttpFetcher`], so tests and the
//! IPv6 checks can plug in their own resolver and so a URL is never fetched twice per run.

pub mod charset;
pub mod decompress;
pub mod gate;
pub mod http;
pub mod local;

use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

/// The raw result of fetching or reading one page.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// The URL requested (a `file:` URL for local files).
    pub url: Url,
    /// The URL of the final response after redirects.
    pub final_url: Url,
    /// What to call the page in reports: the path for local files, the URL otherwise.
    pub display: String,
    /// The local file, for local inputs.
    pub local_path: Option<PathBuf>,
    /// HTTP status of the final response; `None` for local files.
    pub status: Option<u16>,
    /// The `Content-Type` header value.
    pub content_type: Option<String>,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body, at most the configured size limit.
    pub body: Vec<u8>,
    /// Whether the body was cut at the size limit.
    pub truncated: bool,
    /// Crawl depth (0 for start pages and local files).
    pub depth: u32,
    /// The redirects followed, in order.
    pub redirects: Vec<Redirect>,
    /// Time taken, in milliseconds.
    pub elapsed_ms: u64,
    /// Bytes received on the wire for the body (before decompression); the file size for
    /// local files.
    pub wire_bytes: u64,
    /// Set when the server's TLS certificate could not be verified and the page was fetched
    /// again without verification: the verification error.
    pub tls_error: Option<String>,
}

impl RawPage {
    /// A page given as text (tests, tools): status 200, `text/html; charset=utf-8`.
    pub fn from_html(url: Url, html: &str) -> RawPage {
        RawPage {
            final_url: url.clone(),
            display: url.to_string(),
            url,
            local_path: None,
            status: Some(200),
            content_type: Some("text/html; charset=utf-8".into()),
            headers: Vec::new(),
            body: html.as_bytes().to_vec(),
            truncated: false,
            depth: 0,
            redirects: Vec::new(),
            elapsed_ms: 0,
            wire_bytes: html.len() as u64,
            tls_error: None,
        }
    }

    /// Whether the response is HTML (by `Content-Type`, or by file extension for local files,
    /// or by sniffing when the server sent no type).
    pub fn is_html(&self) -> bool {
        match self.content_type.as_deref() {
            Some(ct) => {
                let mime = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "text/html" || mime == "application/xhtml+xml" || mime.is_empty()
            }
            None => {
                let head = &self.body[..self.body.len().min(512)];
                let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
                self.local_path.is_some() || lower.contains("<html") || lower.contains("<!doctype")
            }
        }
    }
}

/// One redirect hop.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Redirect {
    /// The status of the redirecting response (301, 302, 303, 307, 308).
    pub status: u16,
    /// The URL that redirected.
    pub from: String,
    /// Where it pointed.
    pub to: String,
}

/// Why a fetch produced no page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchErrorKind {
    /// Name resolution failed.
    Dns,
    /// The TCP connection failed or was refused.
    Connect,
    /// No complete answer within the timeout.
    Timeout,
    /// TLS handshake or certificate failure.
    Tls,
    /// A redirect loop, or more redirects than allowed.
    Redirect,
    /// The response body could not be read.
    Body,
    /// A local file could not be read.
    Io,
    /// Anything else.
    Other,
}

/// A fetch failure with a human-readable cause (English; messages are localised by the
/// reporting rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    /// The class of failure.
    pub kind: FetchErrorKind,
    /// Details (the underlying error's text).
    pub message: String,
    /// Redirects followed before the failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// How many times the request was tried (0 when not known).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl FetchError {
    /// Builds an error of a kind.
    pub fn new(kind: FetchErrorKind, message: impl Into<String>) -> Self {
        FetchError {
            kind,
            message: message.into(),
            redirects: Vec::new(),
            attempts: 0,
        }
    }
}

/// A size in bytes, written as a number with an optional unit: `10MiB`, `512KiB`, `2GB`, `1048576`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let split = t
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .parse()
            .map_err(|_| format!("not a size: {s:?} (examples: 10MiB, 512KiB, 1048576)"))?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "kib" => 1 << 10,
            "m" | "mb" => 1_000_000,
            "mib" => 1 << 20,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            other => {
                return Err(format!(
                    "unknown size unit {other:?} in {s:?} (use B, KiB, MiB, GiB)"
                ));
            }
        };
        if !value.is_finite() || value < 0.0 {
            return Err(format!("not a size: {s:?}"));
        }
        Ok(ByteSize((value * mult as f64) as u64))
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.0;
        if b >= 1 << 30 && b.is_multiple_of(1 << 30) {
            write!(f, "{}GiB", b >> 30)
        } else if b >= 1 << 20 && b.is_multiple_of(1 << 20) {
            write!(f, "{}MiB", b >> 20)
        } else if b >= 1 << 10 && b.is_multiple_of(1 << 10) {
            write!(f, "{}KiB", b >> 10)
        } else {
            write!(f, "{b}")
        }
    }
}

impl Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(n) => Ok(ByteSize(n)),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// Options of the fetcher. Every field is optional so that command-line values can be laid
/// over a config file's; the defaults are applied by the accessors.
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FetchOptions {
    /// Total time allowed per request, in seconds [default: 15, the national inspection's figure]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Time allowed to connect, in seconds [default: 10]
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<f64>,
    /// User-Agent header [default: govaudit/<version>]
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Largest body read per response (bytes, KiB, MiB...); longer bodies are cut and reported
    /// [default: 10MiB]
    #[arg(long, value_name = "SIZE")]
    pub max_body_size: Option<ByteSize>,
    /// Most redirects followed per request [default: 10]
    #[arg(long, value_name = "N")]
    pub max_redirects: Option<u32>,
    /// Extra request header, "Name: value" (repeatable)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    #[serde(rename = "headers")]
    pub headers: Vec<String>,
    /// Cookie sent with every request, "name=value" (repeatable)
    #[arg(long = "cookie", value_name = "NAME=VALUE")]
    #[serde(rename = "cookies")]
    pub cookies: Vec<String>,
    /// Proxy URL for all requests (the environment's HTTP(S)_PROXY is used otherwise)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Retries after a network error or a 429/500/502/503/504 answer (timeouts are not
    /// retried: 15 s without an answer is the inspection's definition of "does not open")
    /// [default: 2]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Wait before the first retry, in seconds, doubled at each further retry; a Retry-After
    /// header replaces it [default: 1]
    #[arg(long, value_name = "SECS")]
    pub retry_wait: Option<f64>,
    /// Longest wait honoured before a retry, in seconds: a server asking for more (Retry-After)
    /// gets no retry [default: 60]
    #[arg(long, value_name = "SECS")]
    pub max_retry_wait: Option<f64>,
    /// Largest body after decompression (gzip, deflate, br): protects against compression
    /// bombs [default: the --max-body-size value]
    #[arg(long, value_name = "SIZE")]
    pub max_decompressed_size: Option<ByteSize>,
    /// Resolve a host name to a fixed address for every port, "HOST=ADDR" (curl's
    /// "HOST:PORT:ADDR" is accepted too) (repeatable)
    #[arg(long = "resolve", value_name = "HOST=ADDR")]
    #[serde(rename = "resolve")]
    pub resolve: Vec<String>,
    /// Extra trusted root certificate, a PEM file (repeatable): for sites whose certificates
    /// come from a CA the system does not trust
    #[arg(long = "ca-cert", value_name = "FILE")]
    #[serde(rename = "ca-certs")]
    pub ca_certs: Vec<PathBuf>,
}

impl FetchOptions {
    /// Total timeout.
    pub fn timeout(&self) -> std::time::Duration {
        secs(self.timeout, 15.0)
    }
    /// Connect timeout.
    pub fn connect_timeout(&self) -> std::time::Duration {
        secs(self.connect_timeout, 10.0)
    }
    /// User agent.
    pub fn user_agent(&self) -> String {
        self.user_agent
            .clone()
            .unwrap_or_else(|| format!("govaudit/{}", env!("CARGO_PKG_VERSION")))
    }
    /// Body size limit in bytes.
    pub fn max_body_size(&self) -> u64 {
        self.max_body_size.map_or(10 << 20, |b| b.0)
    }
    /// Redirect limit.
    pub fn max_redirects(&self) -> u32 {
        self.max_redirects.unwrap_or(10)
    }
    /// Decompressed body limit in bytes.
    pub fn max_decompressed_size(&self) -> u64 {
        self.max_decompressed_size
            .map_or_else(|| self.max_body_size(), |b| b.0)
    }
    /// Retries.
    pub fn retries(&self) -> u32 {
        self.retries.unwrap_or(2)
    }
    /// First retry wait.
    pub fn retry_wait(&self) -> std::time::Duration {
        match self.retry_wait {
            Some(v) if v.is_finite() && v >= 0.0 => std::time::Duration::from_secs_f64(v),
            _ => std::time::Duration::from_secs(1),
        }
    }
    /// Longest retry wait honoured.
    pub fn max_retry_wait(&self) -> std::time::Duration {
        secs(self.max_retry_wait, 60.0)
    }
    /// The `--resolve` overrides as (host, address) pairs.
    pub fn resolve_overrides(&self) -> Result<Vec<(String, std::net::IpAddr)>, String> {
        self.resolve.iter().map(|s| parse_resolve(s)).collect()
    }
}

/// Parses a `--resolve` value: `HOST=ADDR` or curl's `HOST:PORT:ADDR`.
fn parse_resolve(s: &str) -> Result<(String, std::net::IpAddr), String> {
    let t = s.trim();
    let (host, addr) = match t.split_once('=') {
        Some((h, a)) => (h, a),
        None => {
            let mut parts = t.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(h), Some(_port), Some(a)) => (h, a),
                _ => return Err(format!("--resolve {s:?}: expected HOST=ADDR")),
            }
        }
    };
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let addr = addr.trim().trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("--resolve {s:?}: no host name"));
    }
    let ip = addr
        .parse::<std::net::IpAddr>()
        .map_err(|_| format!("--resolve {s:?}: {addr:?} is not an IP address"))?;
    Ok((host, ip))
}

fn secs(v: Option<f64>, default: f64) -> std::time::Duration {
    let v = v.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(default);
    std::time::Duration::from_secs_f64(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!("10MiB".parse::<ByteSize>(), Ok(ByteSize(10 << 20)));
        assert_eq!("512 KiB".parse::<ByteSize>(), Ok(ByteSize(512 << 10)));
        assert_eq!("1048576".parse::<ByteSize>(), Ok(ByteSize(1 << 20)));
        assert_eq!("1.5kb".parse::<ByteSize>(), Ok(ByteSize(1500)));
        assert!("ten".parse::<ByteSize>().is_err());
        assert!("10 parsecs".parse::<ByteSize>().is_err());
        assert_eq!(ByteSize(10 << 20).to_string(), "10MiB");
    }

    #[test]
    fn resolve_values() {
        let ip4: std::net::IpAddr = "127.0.0.1".parse().expect("ip");
        let ip6: std::net::IpAddr = "::1".parse().expect("ip");
        assert_eq!(
            parse_resolve("WWW.Example.gov.cn=127.0.0.1"),
            Ok(("www.example.gov.cn".into(), ip4))
        );
        assert_eq!(
            parse_resolve("www.example.gov.cn:443:[::1]"),
            Ok(("www.example.gov.cn".into(), ip6))
        );
        assert!(parse_resolve("www.example.gov.cn").is_err());
        assert!(parse_resolve("x=not-an-ip").is_err());
        let o = FetchOptions {
            max_body_size: Some(ByteSize(1 << 20)),
            ..FetchOptions::default()
        };
        assert_eq!(o.max_decompressed_size(), 1 << 20);
    }

    #[test]
    fn html_detection() {
        let url = Url::parse("http://x.gov.cn/").expect("url");
        let mut raw = RawPage::from_html(url, "<p>x");
        assert!(raw.is_html());
        raw.content_type = Some("application/pdf".into());
        assert!(!raw.is_html());
        raw.content_type = None;
        raw.body = b"%PDF-1.4".to_vec();
        assert!(!raw.is_html());
    }
}
