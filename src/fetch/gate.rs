//! Politeness: how many requests run at once, overall and per host, how far apart requests to
//! one host start, and pauses a host asked for (429/503 with `Retry-After`).
//!
//! Every request of [`super::http::HttpFetcher`] passes through one [`HostGate`], so the
//! crawler, the link checker and rules fetching through [`crate::services::Services`] share
//! the same limits. This is a small equivalent of the `governor` crate the design named:
//! governor's keyed limiter has one quota for every key, while here each host can get its own
//! interval (a robots.txt `Crawl-delay`) and a pause, and concurrency is limited as well as
//! rate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The limits, applied to every request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Politeness {
    /// Requests in flight over all hosts.
    pub concurrency: usize,
    /// Requests in flight per host.
    pub host_concurrency: usize,
    /// Least time between the starts of two requests to one host.
    pub interval: Duration,
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            concurrency: 8,
            host_concurrency: 2,
            interval: Duration::ZERO,
        }
    }
}

struct HostSlot {
    sem: Arc<Semaphore>,
    interval: Duration,
    next_start: Option<Instant>,
    paused_until: Option<Instant>,
}

/// Per-host and global admission of requests.
pub struct HostGate {
    politeness: Politeness,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, HostSlot>>,
}

impl std::fmt::Debug for HostGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostGate")
            .field("politeness", &self.politeness)
            .finish()
    }
}

/// Held while a request runs; dropping it lets the next request in.
#[derive(Debug)]
pub struct GatePermit {
    _host: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

impl HostGate {
    /// A gate with these limits (zero concurrency values are treated as 1).
    pub fn new(politeness: Politeness) -> HostGate {
        let politeness = Politeness {
            concurrency: politeness.concurrency.max(1),
            host_concurrency: politeness.host_concurrency.max(1),
            interval: politeness.interval,
        };
        HostGate {
            global: Arc::new(Semaphore::new(politeness.concurrency)),
            politeness,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The limits.
    pub fn politeness(&self) -> Politeness {
        self.politeness
    }

    fn with_slot<T>(&self, host: &str, f: impl FnOnce(&mut HostSlot) -> T) -> T {
        let mut hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        let slot = hosts.entry(host.to_string()).or_insert_with(|| HostSlot {
            sem: Arc::new(Semaphore::new(self.politeness.host_concurrency)),
            interval: self.politeness.interval,
            next_start: None,
            paused_until: None,
        });
        f(slot)
    }

    /// Waits until a request to `host` may start: a free slot for the host, its interval since
    /// the previous start and any pause elapsed, then a free global slot.
    pub async fn acquire(&self, host: &str) -> GatePermit {
        let sem = self.with_slot(host, |s| Arc::clone(&s.sem));
        let host_permit = sem.acquire_owned().await.ok();
        let start_at = self.with_slot(host, |s| {
            let now = Instant::now();
            let mut at = now;
            if let Some(p) = s.paused_until {
                at = at.max(p);
            }
            if let Some(n) = s.next_start {
                at = at.max(n);
            }
            s.next_start = Some(at + s.interval);
            at
        });
        tokio::time::sleep_until(start_at).await;
        let global = Arc::clone(&self.global).acquire_owned().await.ok();
        GatePermit {
            _host: host_permit,
            _global: global,
        }
    }

    /// Sets a host's interval to at least `interval` (a robots.txt `Crawl-delay`); the
    /// configured interval stays the minimum.
    pub fn set_interval(&self, host: &str, interval: Duration) {
        let floor = self.politeness.interval;
        self.with_slot(host, |s| s.interval = interval.max(floor));
    }

    /// The current interval of a host.
    pub fn interval(&self, host: &str) -> Duration {
        self.with_slot(host, |s| s.interval)
    }

    /// No request to `host` starts before `until` (a 429 or 503 with `Retry-After`).
    pub fn pause(&self, host: &str, until: Instant) {
        self.with_slot(host, |s| {
            s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("runtime")
    }

    #[test]
    fn interval_spaces_request_starts() {
        rt().block_on(async {
            let gate = HostGate::new(Politeness {
                concurrency: 8,
                host_concurrency: 4,
                interval: Duration::from_millis(500),
            });
            let t0 = Instant::now();
            let mut starts = Vec::new();
            for _ in 0..3 {
                let _p = gate.acquire("a.gov.cn").await;
                starts.push(t0.elapsed());
            }
            // Another host is not slowed by the first one.
            let _p = gate.acquire("b.gov.cn").await;
            let other = t0.elapsed();
            assert_eq!(starts[0], Duration::ZERO);
            assert!(starts[1] >= Duration::from_millis(500), "{starts:?}");
            assert!(starts[2] >= Duration::from_millis(1000), "{starts:?}");
            assert!(other < Duration::from_millis(1100), "{other:?}");
        });
    }

    #[test]
    fn crawl_delay_and_pause() {
        rt().block_on(async {
            let gate = HostGate::new(Politeness::default());
            gate.set_interval("a.gov.cn", Duration::from_secs(2));
            assert_eq!(gate.interval("a.gov.cn"), Duration::from_secs(2));
            let t0 = Instant::now();
            drop(gate.acquire("a.gov.cn").await);
            drop(gate.acquire("a.gov.cn").await);
            assert!(t0.elapsed() >= Duration::from_secs(2));
            gate.pause("b.gov.cn", Instant::now() + Duration::from_secs(5));
            let t1 = Instant::now();
            drop(gate.acquire("b.gov.cn").await);
            assert!(t1.elapsed() >= Duration::from_secs(5));
        });
    }

    #[test]
    fn host_concurrency_is_enforced() {
        rt().block_on(async {
            let gate = Arc::new(HostGate::new(Politeness {
                concurrency: 8,
                host_concurrency: 1,
                interval: Duration::ZERO,
            }));
            let held = gate.acquire("a.gov.cn").await;
            let g = Arc::clone(&gate);
            let waiter = tokio::spawn(async move {
                let _p = g.acquire("a.gov.cn").await;
                Instant::now()
            });
            tokio::time::sleep(Duration::from_secs(1)).await;
            let released = Instant::now();
            drop(held);
            let got = waiter.await.expect("join");
            assert!(got >= released);
        });
    }
}
