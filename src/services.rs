//! What rules may ask for beyond the page: other pages and resources over HTTP (through the
//! one fetcher, cached so a URL is fetched once per run), the runtime, and whether network
//! access is allowed at all.
//!
//! Rules are synchronous and run on worker threads outside the async runtime; the blocking
//! methods here enter the runtime through its handle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use url::Url;

use crate::fetch::http::HttpFetcher;
use crate::fetch::{FetchError, FetchErrorKind, RawPage};

/// The cache key of a URL: its normal form (fragment dropped, index pages, query order).
fn key(url: &Url) -> String {
    crate::crawl::normalise::normalise(url)
}

/// The result of a fetch, shared between the rules that asked for it.
pub type Fetched = Arc<Result<RawPage, FetchError>>;

/// Services handed to rules through their context.
pub struct Services {
    runtime: Option<tokio::runtime::Handle>,
    http: Option<HttpFetcher>,
    network: bool,
    /// Keyed by the crawler's normal form of the URL, so `/a/` and `/a/index.html`, or
    /// `?b=1&a=2` and `?a=2&b=1`, share one entry.
    cache: Mutex<HashMap<String, Fetched>>,
    dns: Option<crate::dns::Dns>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("network", &self.network)
            .finish()
    }
}

impl Services {
    /// Services with network access through `http`, driven by `runtime`.
    pub fn new(runtime: tokio::runtime::Handle, http: HttpFetcher) -> Services {
        Services {
            runtime: Some(runtime),
            http: Some(http),
            network: true,
            cache: Mutex::new(HashMap::new()),
            dns: None,
        }
    }

    /// Services without network access (local audits without `--online`, unit tests): every
    /// fetch fails with an "offline" error and rules report "could not check".
    pub fn offline() -> Services {
        Services {
            runtime: None,
            http: None,
            network: false,
            cache: Mutex::new(HashMap::new()),
            dns: None,
        }
    }

    /// The same services with the audit's resolver (the one the HTTP client resolves through),
    /// for rules that look up DNS records (the IPv6 checks).
    pub fn with_dns(mut self, dns: crate::dns::Dns) -> Services {
        self.dns = Some(dns);
        self
    }

    /// The audit's resolver, when online.
    pub fn dns(&self) -> Option<&crate::dns::Dns> {
        self.dns.as_ref()
    }

    /// Whether rules may use the network.
    pub fn network(&self) -> bool {
        self.network && self.http.is_some()
    }

    /// The HTTP fetcher, when online.
    pub fn http(&self) -> Option<&HttpFetcher> {
        self.http.as_ref()
    }

    /// The runtime handle, when online.
    pub fn runtime(&self) -> Option<&tokio::runtime::Handle> {
        self.runtime.as_ref()
    }

    /// A result already fetched in this run, if any (the crawler reuses what rules fetched).
    pub fn cached(&self, url: &Url) -> Option<Fetched> {
        self.cache
            .lock()
            .ok()
            .and_then(|c| c.get(&key(url)).cloned())
    }

    /// Forgets every cached result (called when a site is finished, so bodies do not pile up
    /// over a run of many sites).
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }

    /// Records a result fetched elsewhere (the crawler), so rules asking for the URL reuse it.
    pub fn remember(&self, url: Url, result: Result<RawPage, FetchError>) {
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key(&url), Arc::new(result));
        }
    }

    /// Fetches a URL (GET, redirects followed), once per site (the cache is emptied when a
    /// site is finished): later calls get the cached result. Blocks the calling worker thread; must not be called from async code.
    pub fn fetch(&self, url: &Url) -> Fetched {
        if let Ok(c) = self.cache.lock()
            && let Some(hit) = c.get(&key(url))
        {
            return Arc::clone(hit);
        }
        let result = match (&self.runtime, &self.http) {
            _ if url.scheme() == "file" => read_file_url(url),
            (Some(rt), Some(http)) if self.network => rt.block_on(http.get(url, 0)),
            _ => Err(FetchError::new(
                FetchErrorKind::Other,
                "network access is off for this audit (local input without --online)",
            )),
        };
        let result = Arc::new(result);
        if let Ok(mut c) = self.cache.lock() {
            c.entry(key(url)).or_insert_with(|| Arc::clone(&result));
        }
        result
    }

    /// Fetches several URLs concurrently (bounded), in the order given. `file:` URLs are read
    /// from disk.
    pub fn fetch_many(&self, urls: &[Url]) -> Vec<Fetched> {
        let (Some(rt), Some(http)) = (&self.runtime, &self.http) else {
            return urls.iter().map(|u| self.fetch(u)).collect();
        };
        if !self.network {
            return urls.iter().map(|u| self.fetch(u)).collect();
        }
        let mut out: Vec<Option<Fetched>> = vec![None; urls.len()];
        let mut todo = Vec::new();
        if let Ok(c) = self.cache.lock() {
            for (i, u) in urls.iter().enumerate() {
                match c.get(&key(u)) {
                    Some(hit) => out[i] = Some(Arc::clone(hit)),
                    None if u.scheme() == "file" => {}
                    None => todo.push(i),
                }
            }
        }
        let results = rt.block_on(async {
            let sem = Arc::new(tokio::sync::Semaphore::new(8));
            let mut set = tokio::task::JoinSet::new();
            for &i in &todo {
                let http = http.clone();
                let url = urls[i].clone();
                let sem = Arc::clone(&sem);
                set.spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    (i, http.get(&url, 0).await)
                });
            }
            let mut done = Vec::new();
            while let Some(r) = set.join_next().await {
                if let Ok(pair) = r {
                    done.push(pair);
                }
            }
            done
        });
        for (i, r) in results {
            let r = Arc::new(r);
            if let Ok(mut c) = self.cache.lock() {
                c.entry(key(&urls[i])).or_insert_with(|| Arc::clone(&r));
            }
            out[i] = Some(r);
        }
        out.into_iter()
            .zip(urls)
            .map(|(r, u)| r.unwrap_or_else(|| self.fetch(u)))
            .collect()
    }
}

/// Largest local file read for a rule (the same default as the body limit).
const LOCAL_READ_LIMIT: u64 = 10 << 20;

/// Reads a `file:` URL as a page (status 200 when it exists, an I/O error otherwise).
fn read_file_url(url: &Url) -> Result<RawPage, FetchError> {
    let path = url
        .to_file_path()
        .map_err(|()| FetchError::new(FetchErrorKind::Io, format!("not a local path: {url}")))?;
    // A link may point at a named pipe (opening it blocks until a writer comes, forever) or a
    // device such as /dev/zero (endless bytes): only regular files are read.
    let meta = std::fs::metadata(&path).map_err(|e| {
        FetchError::new(
            FetchErrorKind::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "is a folder"
        } else {
            "is not a regular file"
        };
        return Err(FetchError::new(
            FetchErrorKind::Io,
            format!("{} {what}", path.display()),
        ));
    }
    let mut raw = crate::fetch::local::read(&path, LOCAL_READ_LIMIT)?;
    raw.status = Some(200);
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_read_regular_files_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let page = dir.path().join("a.html");
        std::fs::write(&page, "<title>a</title>").expect("write");
        let services = Services::offline();
        let url = |p: &std::path::Path| Url::from_file_path(p).expect("absolute path");
        let ok = services.fetch(&url(&page));
        assert_eq!(ok.as_ref().as_ref().map(|r| r.status), Ok(Some(200)));
        let folder = services.fetch(&url(dir.path()));
        let err = folder
            .as_ref()
            .as_ref()
            .expect_err("a folder is not a page");
        assert!(err.message.contains("is a folder"), "{}", err.message);
        // A device gives endless bytes: refused, not read up to the size limit.
        #[cfg(unix)]
        {
            let zero = services.fetch(&url(std::path::Path::new("/dev/zero")));
            let err = zero.as_ref().as_ref().expect_err("a device is not a page");
            assert!(
                err.message.contains("not a regular file"),
                "{}",
                err.message
            );
        }
        // A named pipe would block the open until a writer comes: refused at once.
        #[cfg(unix)]
        {
            let fifo = dir.path().join("old.html");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success());
            if made {
                let r = services.fetch(&url(&fifo));
                let err = r.as_ref().as_ref().expect_err("a pipe is not a page");
                assert!(
                    err.message.contains("not a regular file"),
                    "{}",
                    err.message
                );
            }
        }
    }
}
