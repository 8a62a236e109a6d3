//! URL normalisation for deduplication: two URLs with the same normal form are the same page
//! and are fetched once.
//!
//! What is normalised (beyond what the `url` crate already does: lower-case scheme and host,
//! default ports dropped, `.`/`..` resolved, IDNA):
//!
//! * the fragment is dropped;
//! * percent-escapes are upper-cased, and escapes of unreserved characters (`A-Z a-z 0-9 - . _
//!   ~`) decoded;
//! * a trailing index page (`index.html`, `index.htm`, `index.shtml`, `default.html`,
//!   `default.htm`, `default.aspx`, `index.php`, `index.jsp`, `index.asp`) is dropped, so `/news/`
//!   and `/news/index.html` are one page;
//! * query parameters are sorted (`?b=2&a=1` is `?a=1&b=2`), empty parameters and an empty
//!   `?` dropped.
//!
//! The URL fetched is the one found in the page (servers without a directory index would
//! answer 404 to `/news/`); the normal form is only the key.

use std::hash::{Hash, Hasher};

use url::Url;

/// Index file names treated as their folder.
pub const INDEX_PAGES: &[&str] = &[
    "index.html",
    "index.htm",
    "index.shtml",
    "default.html",
    "default.htm",
    "default.aspx",
    "index.php",
    "index.jsp",
    "index.asp",
];

/// The normal form of a URL (see the module documentation). Non-HTTP URLs keep their text,
/// without the fragment.
pub fn normalise(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    if !matches!(u.scheme(), "http" | "https") {
        return u.to_string();
    }
    let path = normalise_escapes(u.path());
    let path = match path.rsplit_once('/') {
        Some((dir, last)) if INDEX_PAGES.iter().any(|i| last.eq_ignore_ascii_case(i)) => {
            format!("{dir}/")
        }
        _ => path,
    };
    u.set_path(&path);
    let query = u.query().map(|q| {
        let mut pairs: Vec<String> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(normalise_escapes)
            .collect();
        pairs.sort();
        pairs.join("&")
    });
    match query {
        Some(q) if !q.is_empty() => u.set_query(Some(&q)),
        _ => u.set_query(None),
    }
    u.to_string()
}

/// A 64-bit fingerprint of a normal form (the frontier's dedupe key).
pub fn fingerprint(normal: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    normal.hash(&mut h);
    h.finish()
}

/// The fingerprint of a URL's normal form.
pub fn url_fingerprint(url: &Url) -> u64 {
    fingerprint(&normalise(url))
}

/// The fingerprint of a URL given as text (unparsable text is hashed as it is).
pub fn str_fingerprint(url: &str) -> u64 {
    match Url::parse(url) {
        Ok(u) => url_fingerprint(&u),
        Err(_) => fingerprint(url),
    }
}

/// Upper-cases percent-escapes and decodes those of unreserved characters.
fn normalise_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            let c = h * 16 + l;
            if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
                out.push(c as char);
            } else {
                out.push('%');
                out.push(b[i + 1].to_ascii_uppercase() as char);
                out.push(b[i + 2].to_ascii_uppercase() as char);
            }
            i += 3;
            continue;
        }
        // Copy the next UTF-8 character as it is.
        let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&s[i..i + ch_len]);
        i += ch_len;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(&Url::parse(s).expect("url"))
    }

    #[test]
    fn equivalent_forms_normalise_alike() {
        let same = [
            "http://WWW.Example.gov.cn:80/news/index.html#top",
            "http://www.example.gov.cn/news/",
            "http://www.example.gov.cn/news/./index.htm",
            "http://www.example.gov.cn/a/../news/INDEX.SHTML?",
        ];
        for s in same {
            assert_eq!(n(s), "http://www.example.gov.cn/news/", "{s}");
        }
        assert_eq!(
            n("https://x.gov.cn/list?page=2&col=5&&"),
            n("https://x.gov.cn/list?col=5&page=2")
        );
        assert_eq!(
            n("https://x.gov.cn/%7euser/%2fa%e4"),
            "https://x.gov.cn/~user/%2Fa%E4"
        );
        assert_eq!(n("https://x.gov.cn/"), n("https://x.gov.cn"));
    }

    #[test]
    fn different_pages_stay_different() {
        assert_ne!(n("http://x.gov.cn/a"), n("https://x.gov.cn/a"));
        assert_ne!(n("http://x.gov.cn/a"), n("http://x.gov.cn/a/"));
        assert_ne!(n("http://x.gov.cn/a?p=1"), n("http://x.gov.cn/a?p=2"));
        assert_ne!(n("http://x.gov.cn:8080/"), n("http://x.gov.cn/"));
        assert_ne!(n("http://x.gov.cn/myindex.html"), n("http://x.gov.cn/"));
        assert_eq!(
            str_fingerprint("http://x.gov.cn/index.html"),
            str_fingerprint("http://x.gov.cn/")
        );
    }

    #[test]
    fn non_ascii_and_odd_escapes_do_not_panic() {
        let u = Url::parse("http://x.gov.cn/政务/%zz/%4").expect("url");
        let s = normalise(&u);
        assert!(s.starts_with("http://x.gov.cn/"));
        assert_eq!(normalise_escapes("a%4"), "a%4");
        assert_eq!(normalise_escapes("%41%42"), "AB");
        assert_eq!(normalise_escapes("政%e6"), "政%E6");
    }
}
