//! HTTP fetching with reqwest (rustls with the ring backend; no OpenSSL, no aws-lc).
//!
//! Redirects are followed here, not by reqwest, so every hop is recorded and loops and long
//! chains are reported as such. Bodies are read chunk by chunk up to the size limit, after
//! decompression, so a gzip bomb costs at most the limit.

use std::collections::HashSet;
use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::{FetchError, FetchErrorKind, FetchOptions, RawPage, Redirect};
use crate::error::{Error, Result};

/// The one place HTTP requests are made.
#[derive(Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    max_body: u64,
    max_redirects: u32,
}

impl std::fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("max_body", &self.max_body)
            .finish()
    }
}

/// Installs ring as rustls' process-wide crypto provider (once; later calls are no-ops).
pub fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl HttpFetcher {
    /// Builds the client from the options.
    pub fn new(opts: &FetchOptions) -> Result<Self> {
        Self::with_builder(opts, reqwest::Client::builder())
    }

    /// Builds the client from the options on top of a prepared builder (tests and the IPv6
    /// checks use this to plug in a resolver or pin addresses).
    pub fn with_builder(opts: &FetchOptions, builder: reqwest::ClientBuilder) -> Result<Self> {
        install_crypto_provider();
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.5"),
        );
        for h in &opts.headers {
            let (name, value) = h.split_once(':').ok_or_else(|| {
                Error::Config(format!("--header {h:?}: expected \"Name: value\""))
            })?;
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|e| Error::Config(format!("--header {h:?}: {e}")))?;
            let value = HeaderValue::from_str(value.trim())
                .map_err(|e| Error::Config(format!("--header {h:?}: {e}")))?;
            headers.append(name, value);
        }
        if !opts.cookies.is_empty() {
            let joined = opts.cookies.join("; ");
            let value = HeaderValue::from_str(&joined)
                .map_err(|e| Error::Config(format!("--cookie {joined:?}: {e}")))?;
            headers.insert(reqwest::header::COOKIE, value);
        }
        let mut builder = builder
            .user_agent(opts.user_agent())
            .default_headers(headers)
            .timeout(opts.timeout())
            .connect_timeout(opts.connect_timeout())
            .redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = &opts.proxy {
            let p = reqwest::Proxy::all(proxy)
                .map_err(|e| Error::Config(format!("--proxy {proxy:?}: {e}")))?;
            builder = builder.proxy(p);
        }
        let client = builder
            .build()
            .map_err(|e| Error::HttpClient(error_chain(&e)))?;
        Ok(HttpFetcher {
            client,
            max_body: opts.max_body_size(),
            max_redirects: opts.max_redirects(),
        })
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// GETs a URL, following redirects, reading at most the body limit.
    pub async fn get(&self, url: &Url, depth: u32) -> Result<RawPage, FetchError> {
        let started = Instant::now();
        let mut current = url.clone();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut seen: HashSet<Url> = HashSet::new();
        seen.insert(current.clone());
        loop {
            let resp = self
                .client
                .get(current.clone())
                .send()
                .await
                .map_err(|e| classify(&e).with_redirects(&redirects))?;
            let status = resp.status().as_u16();
            if resp.status().is_redirection()
                && let Some(loc) = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
            {
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
                if redirects.len() as u32 > self.max_redirects {
                    return Err(FetchError::new(
                        FetchErrorKind::Redirect,
                        format!("more than {} redirects", self.max_redirects),
                    )
                    .with_redirects(&redirects));
                }
                current = next;
                continue;
            }
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let content_type = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let (body, truncated) = read_capped(resp, self.max_body)
                .await
                .map_err(|e| e.with_redirects(&redirects))?;
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
                depth,
                redirects,
                elapsed_ms: started.elapsed().as_millis() as u64,
            });
        }
    }
}

impl FetchError {
    fn with_redirects(mut self, redirects: &[Redirect]) -> Self {
        self.redirects = redirects.to_vec();
        self
    }
}

async fn read_capped(mut resp: reqwest::Response, max: u64) -> Result<(Vec<u8>, bool), FetchError> {
    let hint = resp.content_length().unwrap_or(0).min(max) as usize;
    let mut body = Vec::with_capacity(hint);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = (max as usize).saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return Ok((body, true));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok((body, false)),
            Err(e) => {
                // A body cut by the timeout after some bytes arrived is still worth auditing
                // only if we have something; otherwise it is a failure.
                if body.is_empty() {
                    return Err(classify(&e));
                }
                return Ok((body, true));
            }
        }
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

/// Maps a reqwest error to a fetch error kind.
pub fn classify(e: &reqwest::Error) -> FetchError {
    let text = error_chain(e);
    let lower = text.to_ascii_lowercase();
    let kind = if e.is_timeout() || lower.contains("timed out") {
        FetchErrorKind::Timeout
    } else if lower.contains("dns")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("no record found")
    {
        FetchErrorKind::Dns
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("invalidcertificate")
    {
        FetchErrorKind::Tls
    } else if e.is_connect() {
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
