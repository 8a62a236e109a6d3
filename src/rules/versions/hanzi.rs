//! Simplified-only and traditional-only characters (RULES.md §6 Verification 3), from OpenCC's
//! character tables (Apache-2.0, `rules/data/opencc/`).
//!
//! S = keys of `STCharacters.txt` whose values do not include the key (a simplified character
//! that always changes when converted: 发, 这, 网), T = keys of `TSCharacters.txt` whose
//! values do not include the key (體, 網, 這); characters in both sets are dropped; `#` lines
//! (the header and the `@tofu-risk` notes) are skipped. Characters in neither set (的, 人, 云,
//! 着: the same in both scripts, or ambiguous) do not count.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// `STCharacters.txt` (simplified → traditional).
pub const ST_CHARACTERS: &str = include_str!("../../../rules/data/opencc/STCharacters.txt");
/// `TSCharacters.txt` (traditional → simplified).
pub const TS_CHARACTERS: &str = include_str!("../../../rules/data/opencc/TSCharacters.txt");

/// The script a character belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Only in simplified text.
    Simplified,
    /// Only in traditional text.
    Traditional,
}

/// Keys of a table whose values do not include the key.
fn changing_keys(table: &str) -> Vec<char> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (key, values) = l.split_once('\t')?;
            let mut chars = key.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            let keeps = values.split_whitespace().any(|v| v == key);
            (!keeps).then_some(c)
        })
        .collect()
}

static TABLE: LazyLock<HashMap<char, Script>> = LazyLock::new(|| {
    let s = changing_keys(ST_CHARACTERS);
    let t = changing_keys(TS_CHARACTERS);
    let mut map: HashMap<char, Script> = HashMap::with_capacity(s.len() + t.len());
    for c in &s {
        map.insert(*c, Script::Simplified);
    }
    let mut both = Vec::new();
    for c in &t {
        if map.get(c) == Some(&Script::Simplified) {
            both.push(*c);
        } else {
            map.insert(*c, Script::Traditional);
        }
    }
    for c in both {
        map.remove(&c);
    }
    map
});

/// The script of a character, when it is simplified-only or traditional-only.
pub fn script_of(c: char) -> Option<Script> {
    if (c as u32) < 0x2E80 {
        return None;
    }
    TABLE.get(&c).copied()
}

/// Sizes of S and T (after dropping the intersection).
pub fn table_sizes() -> (usize, usize) {
    let s = TABLE.values().filter(|v| **v == Script::Simplified).count();
    (s, TABLE.len() - s)
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\u{3000}-\u{303f}\u{ff01}-\u{ff0f}\u{ff1a}-\u{ff20}]*")
        .expect("static regex")
});

/// Counts of a text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Count {
    /// Simplified-only characters.
    pub simplified: usize,
    /// Traditional-only characters.
    pub traditional: usize,
    /// The simplified-only characters found, most frequent first (at most 20).
    pub simplified_chars: Vec<(char, usize)>,
}

impl Count {
    /// Simplified-only share of the convertible characters, `None` when there are none.
    pub fn ratio(&self) -> Option<f64> {
        let total = self.simplified + self.traditional;
        (total > 0).then(|| self.simplified as f64 / total as f64)
    }

    /// Convertible characters counted.
    pub fn convertible(&self) -> usize {
        self.simplified + self.traditional
    }

    /// The most frequent simplified-only characters, as a string (`这发网`).
    pub fn sample(&self, n: usize) -> String {
        self.simplified_chars
            .iter()
            .take(n)
            .map(|(c, _)| *c)
            .collect()
    }
}

/// Counts simplified-only and traditional-only characters of a text, skipping URLs.
pub fn count(text: &str) -> Count {
    let mut out = Count::default();
    let mut seen: HashMap<char, usize> = HashMap::new();
    let mut last = 0;
    let mut tally = |segment: &str, out: &mut Count| {
        for c in segment.chars() {
            match script_of(c) {
                Some(Script::Simplified) => {
                    out.simplified += 1;
                    *seen.entry(c).or_insert(0) += 1;
                }
                Some(Script::Traditional) => out.traditional += 1,
                None => {}
            }
        }
    };
    for m in URL.find_iter(text) {
        tally(&text[last..m.start()], &mut out);
        last = m.end();
    }
    tally(&text[last..], &mut out);
    let mut chars: Vec<(char, usize)> = seen.into_iter().collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chars.truncate(20);
    out.simplified_chars = chars;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sizes_follow_the_spec_method() {
        // 3,809 simplified-only and 3,203 traditional-only keys, 5 in both (dropped).
        assert_eq!(table_sizes(), (3804, 3198));
        assert_eq!(script_of('发'), Some(Script::Simplified));
        assert_eq!(script_of('藴'), None, "in both tables: dropped");
        assert_eq!(script_of('这'), Some(Script::Simplified));
        assert_eq!(script_of('這'), Some(Script::Traditional));
        assert_eq!(script_of('体'), Some(Script::Simplified));
        assert_eq!(script_of('體'), Some(Script::Traditional));
        assert_eq!(script_of('的'), None);
        assert_eq!(script_of('着'), None);
        assert_eq!(script_of('a'), None);
    }

    #[test]
    fn counts_skip_urls() {
        let c = count("這是繁體網站 https://www.example.gov.cn/这里/网站 这");
        assert_eq!((c.simplified, c.traditional), (1, 3));
        assert_eq!(c.sample(3), "这");
        assert!((c.ratio().expect("ratio") - 0.25).abs() < 1e-9);
        assert_eq!(count("abc").ratio(), None);
    }
}
