//! The breadth-first frontier: URLs waiting to be fetched, in the order found, and the set of
//! every URL ever queued (by fingerprint of its normal form) so that none is queued twice.
//!
//! Memory: queued URLs live in one string arena (12 bytes of bookkeeping per URL plus its
//! text), compacted as the head advances; the dedupe set holds 8-byte fingerprints. 100,000
//! queued URLs of ~70 bytes take about 10 MiB (measured by `benches/crawl.rs`).

use std::collections::{HashSet, VecDeque};

/// A URL taken from the frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The URL as found (without fragment).
    pub url: String,
    /// Its crawl depth.
    pub depth: u32,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u32,
    len: u32,
    depth: u32,
}

/// The queue and the dedupe set.
#[derive(Debug, Default)]
pub struct Frontier {
    arena: String,
    /// Bytes at the start of the arena that belong to popped entries.
    dead: usize,
    queue: VecDeque<Slot>,
    seen: HashSet<u64>,
}

impl Frontier {
    /// An empty frontier.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// Queues a URL unless its fingerprint was seen; returns whether it was queued.
    pub fn push(&mut self, url: &str, fingerprint: u64, depth: u32) -> bool {
        if !self.seen.insert(fingerprint) {
            return false;
        }
        self.push_marked(url, depth);
        true
    }

    /// Queues a URL whose fingerprint was already marked seen (no dedupe check).
    pub fn push_marked(&mut self, url: &str, depth: u32) {
        if self.dead + self.arena.len() + url.len() > u32::MAX as usize {
            self.compact();
        }
        let start = self.dead + self.arena.len();
        self.arena.push_str(url);
        self.queue.push_back(Slot {
            start: start as u32,
            len: url.len() as u32,
            depth,
        });
    }

    /// Marks a fingerprint as seen without queueing it (a page reached by a redirect, a start
    /// URL); returns whether it was new.
    pub fn mark_seen(&mut self, fingerprint: u64) -> bool {
        self.seen.insert(fingerprint)
    }

    /// Whether a fingerprint was ever queued or marked.
    pub fn seen(&self, fingerprint: u64) -> bool {
        self.seen.contains(&fingerprint)
    }

    /// Takes the oldest queued URL.
    pub fn pop(&mut self) -> Option<Entry> {
        let slot = self.queue.pop_front()?;
        let s = slot.start as usize - self.dead;
        let url = self.arena[s..s + slot.len as usize].to_string();
        if self.queue.is_empty() {
            self.arena.clear();
            self.dead = 0;
        } else {
            let popped_until = s + slot.len as usize;
            // Compact when more than half the arena (and at least 1 MiB) is dead.
            if popped_until > (1 << 20) && popped_until * 2 > self.arena.len() {
                self.arena.drain(..popped_until);
                self.dead += popped_until;
            }
        }
        Some(Entry {
            url,
            depth: slot.depth,
        })
    }

    /// Drops the bytes of popped entries and rebases offsets to zero.
    fn compact(&mut self) {
        let first = self
            .queue
            .front()
            .map_or(self.dead + self.arena.len(), |s| s.start as usize);
        self.arena.drain(..first - self.dead);
        for s in &mut self.queue {
            s.start -= first as u32;
        }
        self.dead = 0;
    }

    /// Number of queued URLs.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Number of fingerprints seen.
    pub fn seen_count(&self) -> usize {
        self.seen.len()
    }

    /// Empties the queue, returning the URLs that were still waiting.
    pub fn drain(&mut self) -> Vec<Entry> {
        let mut out = Vec::with_capacity(self.queue.len());
        while let Some(e) = self.pop() {
            out.push(e);
        }
        out
    }

    /// Approximate heap bytes used (for the bench's memory figures).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.queue.capacity() * std::mem::size_of::<Slot>()
            + self.seen.capacity() * (std::mem::size_of::<u64>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_and_dedupe() {
        let mut f = Frontier::new();
        assert!(f.push("http://x/a", 1, 0));
        assert!(f.push("http://x/b", 2, 1));
        assert!(!f.push("http://x/a#again", 1, 3));
        assert!(f.mark_seen(3));
        assert!(!f.push("http://x/c", 3, 1));
        assert_eq!(f.len(), 2);
        assert_eq!(
            f.pop(),
            Some(Entry {
                url: "http://x/a".into(),
                depth: 0
            })
        );
        assert!(f.push("http://x/d", 4, 2));
        assert_eq!(f.pop().map(|e| e.url), Some("http://x/b".into()));
        assert_eq!(f.pop().map(|e| e.url), Some("http://x/d".into()));
        assert_eq!(f.pop(), None);
        assert!(f.seen(1) && f.seen(4));
        assert!(!f.push("http://x/a", 1, 0), "popped URLs stay seen");
    }

    #[test]
    fn compaction_keeps_order() {
        let mut f = Frontier::new();
        let n = 60_000u64;
        for i in 0..n {
            f.push(
                &format!("https://www.example.gov.cn/news/2026/art_{i:06}.html"),
                i,
                1,
            );
        }
        for i in 0..n / 2 {
            let e = f.pop().expect("entry");
            assert_eq!(
                e.url,
                format!("https://www.example.gov.cn/news/2026/art_{i:06}.html")
            );
        }
        for i in n..n + 100 {
            f.push(&format!("https://www.example.gov.cn/x/{i}"), i, 2);
        }
        let rest = f.drain();
        assert_eq!(rest.len() as u64, n / 2 + 100);
        assert_eq!(
            rest[0].url,
            format!("https://www.example.gov.cn/news/2026/art_{:06}.html", n / 2)
        );
        assert_eq!(rest.last().map(|e| e.depth), Some(2));
        assert!(f.is_empty());
    }

    #[test]
    fn hundred_thousand_urls_fit_in_a_few_mib() {
        let mut f = Frontier::new();
        for i in 0..100_000u64 {
            f.push(
                &format!("https://www.example.gov.cn/col/col{}/art_{i}.html", i % 97),
                i,
                3,
            );
        }
        let mib = f.heap_bytes() as f64 / f64::from(1 << 20);
        assert!(mib < 16.0, "{mib:.1} MiB");
    }
}
