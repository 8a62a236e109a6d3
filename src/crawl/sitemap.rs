//! Sitemaps (sitemaps.org protocol): `<urlset>` files, `<sitemapindex>` files pointing to
//! more sitemaps, gzip-compressed sitemaps (`.xml.gz`), and plain-text sitemaps (one URL per
//! line). Parsed by scanning for `<loc>` elements; no XML library is needed for this.

use crate::fetch::decompress::Decoder;

/// Most URLs taken from one sitemap file (the protocol's own limit).
pub const MAX_URLS_PER_SITEMAP: usize = 50_000;

/// A parsed sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sitemap {
    /// Page URLs.
    Urls(Vec<String>),
    /// Further sitemap URLs.
    Index(Vec<String>),
}

/// Parses a sitemap body (gzip-compressed or not), decompressing at most `max_bytes`.
pub fn parse(body: &[u8], max_bytes: u64) -> Sitemap {
    let owned;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        let mut d = Decoder::new(Some("gzip"), max_bytes);
        d.push(body);
        owned = d.finish().body;
        &owned[..]
    } else {
        body
    };
    let text = String::from_utf8_lossy(body);
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    let is_index = head.contains("<sitemapindex");
    let is_xml = is_index || head.contains("<urlset") || head.trim_start().starts_with("<?xml");
    let urls: Vec<String> = if is_xml {
        locs(&text)
    } else {
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
            .take(MAX_URLS_PER_SITEMAP)
            .map(str::to_string)
            .collect()
    };
    if is_index {
        Sitemap::Index(urls)
    } else {
        Sitemap::Urls(urls)
    }
}

/// The text of every `<loc>` element (namespace prefixes allowed, CDATA and entities
/// decoded).
fn locs(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while out.len() < MAX_URLS_PER_SITEMAP {
        let Some(open) = find_tag(&lower, pos, "loc") else {
            break;
        };
        let Some(gt) = lower[open..].find('>').map(|i| open + i + 1) else {
            break;
        };
        let Some(close) = lower[gt..].find("</").map(|i| gt + i) else {
            break;
        };
        let raw = text[gt..close].trim();
        let raw = raw
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
            .unwrap_or(raw);
        let value = unescape(raw.trim());
        if !value.is_empty() {
            out.push(value);
        }
        pos = close + 2;
    }
    out
}

/// Finds the next start tag `<loc>` or `<prefix:loc>` at or after `from`.
fn find_tag(lower: &str, from: usize, name: &str) -> Option<usize> {
    let mut pos = from;
    while let Some(i) = lower[pos..].find('<') {
        let start = pos + i;
        let rest = &lower[start + 1..];
        let tag: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = tag.rsplit(':').next().unwrap_or("");
        if local == name {
            return Some(start);
        }
        pos = start + 1;
    }
    None
}

/// Decodes the five XML entities and numeric character references.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(semi) = after.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn urlset_and_index() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.x.gov.cn/a.html</loc><lastmod>2026-11-01</lastmod></url>
  <url><loc> https://www.x.gov.cn/list?a=1&amp;b=2 </loc></url>
  <url><LOC><![CDATA[https://www.x.gov.cn/c.html]]></LOC></url>
</urlset>"#;
        assert_eq!(
            parse(xml.as_bytes(), 1 << 20),
            Sitemap::Urls(vec![
                "https://www.x.gov.cn/a.html".into(),
                "https://www.x.gov.cn/list?a=1&b=2".into(),
                "https://www.x.gov.cn/c.html".into(),
            ])
        );
        let idx = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.x.gov.cn/s1.xml</loc></sitemap>
<sitemap><sm:loc>https://www.x.gov.cn/s2.xml.gz</sm:loc></sitemap></sitemapindex>"#;
        assert_eq!(
            parse(idx.as_bytes(), 1 << 20),
            Sitemap::Index(vec![
                "https://www.x.gov.cn/s1.xml".into(),
                "https://www.x.gov.cn/s2.xml.gz".into()
            ])
        );
    }

    #[test]
    fn gzip_and_text() {
        let xml = "<urlset><url><loc>http://x.gov.cn/1</loc></url></urlset>";
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(xml.as_bytes()).expect("write");
        let gz = e.finish().expect("gz");
        assert_eq!(
            parse(&gz, 1 << 20),
            Sitemap::Urls(vec!["http://x.gov.cn/1".into()])
        );
        let txt = "http://x.gov.cn/a\n\n  https://x.gov.cn/b  \nnot a url\n";
        assert_eq!(
            parse(txt.as_bytes(), 1 << 20),
            Sitemap::Urls(vec![
                "http://x.gov.cn/a".into(),
                "https://x.gov.cn/b".into()
            ])
        );
    }

    #[test]
    fn malformed_does_not_panic() {
        for s in [
            "<urlset><loc>",
            "<urlset><loc>a</lo",
            "<loc",
            "&#xZZ;",
            "<urlset>&",
        ] {
            let _ = parse(s.as_bytes(), 100);
        }
        assert_eq!(unescape("a&#x4e2d;&#25991;&bogus;&"), "a中文&bogus;&");
    }
}
