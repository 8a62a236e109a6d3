//! Character-set detection and decoding.
//!
//! The order follows what browsers do (WHATWG "encoding sniffing"), with the Chinese-web
//! adjustments the rules need:
//!
//! 1. a byte-order mark;
//! 2. the `charset` parameter of the HTTP `Content-Type` header;
//! 3. a prescan of the first bytes for `<meta charset>` or
//!    `<meta http-equiv="Content-Type" content="...; charset=...">`;
//! 4. when nothing declared a charset: UTF-8 if the whole body is valid UTF-8 (a fast check),
//!    otherwise chardetng on a prefix starting at the first non-ASCII byte (chardetng over a
//!    whole 57 KB page costs about 5 ms, over 16 KiB a fraction of that);
//! 5. UTF-8.
//!
//! The labels `gb2312`, `gbk` and friends decode as GB18030, a superset that real pages labelled
//! gb2312 routinely need (rare characters in names).

use encoding_rs::{
    Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};
use serde::{Deserialize, Serialize};

/// How many bytes the `<meta>` prescan looks at. Browsers use 1024; Chinese CMS templates often
/// put long comments or scripts first, so we look further (still cheap).
pub const META_PRESCAN_BYTES: usize = 8 * 1024;

/// How many bytes chardetng sees when it has to guess.
pub const SNIFF_BYTES: usize = 16 * 1024;

/// Where the charset used to decode a page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    Header,
    /// A `<meta>` element.
    Meta,
    /// Guessed from the bytes (valid UTF-8, or chardetng).
    Sniffed,
    /// Nothing declared and nothing to guess from (ASCII only): UTF-8.
    Default,
}

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Where it came from.
    pub source: CharsetSource,
    /// The charset label in the HTTP header, as written.
    pub header_label: Option<String>,
    /// The charset label in a `<meta>` element, as written.
    pub meta_label: Option<String>,
    /// Whether malformed byte sequences were replaced with U+FFFD.
    pub had_errors: bool,
    /// When decoding had errors: the encoding the bytes look like instead (chardetng's guess),
    /// if it differs from the one used.
    pub likely: Option<&'static Encoding>,
}

impl Decoded {
    /// The encoding's name as reported (e.g. `UTF-8`, `GB18030`, `Big5`).
    pub fn encoding_name(&self) -> &'static str {
        display_name(self.encoding)
    }
}

/// The name reports use for an encoding: the WHATWG name, with `gb18030` written `GB18030`.
pub fn display_name(enc: &'static Encoding) -> &'static str {
    if enc == GB18030 {
        "GB18030"
    } else {
        enc.name()
    }
}

/// Maps a charset label to the encoding we decode with, or `None` for an unknown label.
///
/// `gb2312`, `gbk`, `x-gbk`, `cp936` and `gb_2312-80` decode as GB18030; `x-user-defined`
/// as windows-1252 (it is only meaningful for XHR).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    Some(normalise(enc))
}

fn normalise(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK {
        GB18030
    } else if enc == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

/// Extracts the `charset` parameter of a `Content-Type` header value.
pub fn charset_from_content_type(content_type: &str) -> Option<String> {
    for param in content_type.split(';').skip(1) {
        let mut kv = param.splitn(2, '=');
        let key = kv.next()?.trim();
        if key.eq_ignore_ascii_case("charset") {
            let value = kv.next()?.trim().trim_matches(|c| c == '"' || c == '\'');
            if !value.is_empty() {
                return Some(value.to_string());
            }
        }
    }
    None
}

/// Decodes a page. `content_type` is the HTTP header value, if any; `tld` the host's top-level
/// domain (e.g. `cn`), which sharpens chardetng's guess.
pub fn decode(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    let header_label = content_type.and_then(charset_from_content_type);
    let meta_label = prescan_meta_charset(&bytes[..bytes.len().min(META_PRESCAN_BYTES)]);

    // 1. BOM.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return finish(
            &bytes[bom_len..],
            enc,
            CharsetSource::Bom,
            header_label,
            meta_label,
            tld,
        );
    }
    // 2. HTTP header.
    if let Some(enc) = header_label.as_deref().and_then(encoding_for_label) {
        return finish(
            bytes,
            enc,
            CharsetSource::Header,
            header_label,
            meta_label,
            tld,
        );
    }
    // 3. <meta>. A meta that claims UTF-16 is treated as UTF-8 (the bytes we are reading are
    //    ASCII-compatible, or we would not have found the meta).
    if let Some(enc) = meta_label.as_deref().and_then(encoding_for_label) {
        let enc = if enc == UTF_16LE || enc == UTF_16BE {
            UTF_8
        } else {
            enc
        };
        return finish(
            bytes,
            enc,
            CharsetSource::Meta,
            header_label,
            meta_label,
            tld,
        );
    }
    // 4. Guess.
    let (enc, source) = sniff(bytes, tld);
    finish(bytes, enc, source, header_label, meta_label, tld)
}

/// Guesses the encoding of undeclared bytes.
fn sniff(bytes: &[u8], tld: Option<&str>) -> (&'static Encoding, CharsetSource) {
    let first_non_ascii = match bytes.iter().position(|b| !b.is_ascii()) {
        Some(i) => i,
        None => return (UTF_8, CharsetSource::Default),
    };
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, CharsetSource::Sniffed);
    }
    (
        guess_with_chardetng(&bytes[first_non_ascii..], tld, false),
        CharsetSource::Sniffed,
    )
}

fn guess_with_chardetng(bytes: &[u8], tld: Option<&str>, allow_utf8: bool) -> &'static Encoding {
    let end = bytes.len().min(SNIFF_BYTES);
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..end], end == bytes.len());
    // chardetng asserts a lower-case ASCII TLD without dots.
    let tld = tld.filter(|t| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let utf8 = if allow_utf8 {
        chardetng::Utf8Detection::Allow
    } else {
        chardetng::Utf8Detection::Deny
    };
    normalise(det.guess(tld.map(str::as_bytes), utf8))
}

fn finish(
    bytes: &[u8],
    enc: &'static Encoding,
    source: CharsetSource,
    header_label: Option<String>,
    meta_label: Option<String>,
    tld: Option<&str>,
) -> Decoded {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let likely = if had_errors {
        let start = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
        let guess = guess_with_chardetng(&bytes[start..], tld, true);
        (guess != enc).then_some(guess)
    } else {
        None
    };
    Decoded {
        text: text.into_owned(),
        encoding: enc,
        source,
        header_label,
        meta_label,
        had_errors,
        likely,
    }
}

/// Finds the charset declared by a `<meta>` element in the first bytes of a document.
///
/// A simplified version of the WHATWG prescan: comments are skipped, `<meta>` attributes are
/// parsed with single, double or no quotes, and both `charset` and
/// `http-equiv=content-type` + `content` are understood. Returns the label as written.
pub fn prescan_meta_charset(bytes: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"<!--") {
            match find(&bytes[i + 4..], b"-->") {
                Some(end) => i += 4 + end + 3,
                None => return None,
            }
            continue;
        }
        if starts_with_ignore_case(&bytes[i + 1..], b"meta")
            && bytes
                .get(i + 5)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
        {
            let (attrs, next) = parse_attributes(bytes, i + 5);
            i = next;
            let mut charset = None;
            let mut http_equiv_ct = false;
            let mut content = None;
            for (name, value) in attrs {
                if name.eq_ignore_ascii_case("charset") {
                    charset.get_or_insert(value);
                } else if name.eq_ignore_ascii_case("http-equiv") {
                    http_equiv_ct = value.trim().eq_ignore_ascii_case("content-type");
                } else if name.eq_ignore_ascii_case("content") {
                    content.get_or_insert(value);
                }
            }
            if let Some(c) = charset.filter(|c| !c.trim().is_empty()) {
                return Some(c.trim().to_string());
            }
            if http_equiv_ct && let Some(c) = content.as_deref().and_then(charset_in_content) {
                return Some(c);
            }
            continue;
        }
        i += 1;
    }
    None
}

/// The charset in a `content="text/html; charset=gbk"` value.
fn charset_in_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let pos = lower.find("charset")?;
    let rest = content[pos + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    let value = &rest[..end];
    (!value.is_empty()).then(|| value.to_string())
}

/// Parses attributes from `start` until `>`; returns them and the index after the tag.
fn parse_attributes(bytes: &[u8], start: usize) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = start;
    let n = bytes.len();
    loop {
        while i < n && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= n {
            return (attrs, n);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < n && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&bytes[name_start..i]).into_owned();
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < n && bytes[i] == b'=' {
            i += 1;
            while i < n && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                i += 1;
                let v_start = i;
                while i < n && bytes[i] != quote {
                    i += 1;
                }
                value = String::from_utf8_lossy(&bytes[v_start..i]).into_owned();
                i = (i + 1).min(n);
            } else {
                let v_start = i;
                while i < n && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = String::from_utf8_lossy(&bytes[v_start..i]).into_owned();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::BIG5;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn bom_wins_over_header_and_meta() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=gbk><title>开平</title>".as_bytes());
        let d = decode(&bytes, Some("text/html; charset=big5"), None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.source, CharsetSource::Bom);
        assert!(d.text.contains("开平"));
        assert!(!d.text.starts_with('\u{feff}'));
    }

    #[test]
    fn header_wins_over_meta() {
        let bytes = gbk("<meta charset=utf-8><title>开平市人民政府</title>");
        let d = decode(&bytes, Some("text/html; charset=GBK"), None);
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.source, CharsetSource::Header);
        assert_eq!(d.meta_label.as_deref(), Some("utf-8"));
        assert!(d.text.contains("开平市人民政府"));
        assert!(!d.had_errors);
    }

    #[test]
    fn meta_http_equiv_gb2312_decodes_as_gb18030() {
        // 䶮 (U+4DAE) is outside GB2312 and GBK's two-byte range but real names use it.
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>刘䶮纪念馆</title>";
        let bytes = gbk(page);
        let d = decode(&bytes, Some("text/html"), None);
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.source, CharsetSource::Meta);
        assert_eq!(d.meta_label.as_deref(), Some("gb2312"));
        assert!(d.text.contains("刘䶮纪念馆"), "{}", d.text);
    }

    #[test]
    fn meta_after_comment_and_single_quotes() {
        let page = "<!-- <meta charset=big5> --><head><meta charset='big5'><title>臺灣</title>";
        let bytes = BIG5.encode(page).0.into_owned();
        let d = decode(&bytes, None, None);
        assert_eq!(d.encoding, BIG5);
        assert_eq!(d.source, CharsetSource::Meta);
        assert!(d.text.contains("臺灣"));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let d = decode("<meta charset=utf-16><p>中文".as_bytes(), None, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("中文"));
    }

    #[test]
    fn sniffs_valid_utf8_without_declaration() {
        let d = decode("<title>中华人民共和国</title>".as_bytes(), None, None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.source, CharsetSource::Sniffed);
    }

    #[test]
    fn sniffs_gbk_without_declaration() {
        let text = "<html><head><title>开平市人民政府门户网站</title></head><body><p>开平市位于广东省中南部，是著名的华侨之乡、碉楼之乡。政府信息公开，政务服务，互动交流。</p></body></html>";
        let d = decode(&gbk(text), None, Some("cn"));
        assert_eq!(d.encoding, GB18030);
        assert_eq!(d.source, CharsetSource::Sniffed);
        assert!(d.text.contains("开平市人民政府门户网站"));
    }

    #[test]
    fn sniffs_big5_without_declaration() {
        let text = "<html><head><title>臺灣地區簡介</title></head><body><p>這是一個繁體中文的網頁，內容包括政府資訊公開、為民服務與互動交流。</p></body></html>";
        let bytes = BIG5.encode(text).0.into_owned();
        let d = decode(&bytes, None, Some("tw"));
        assert_eq!(d.encoding, BIG5);
        assert!(d.text.contains("臺灣地區簡介"));
    }

    #[test]
    fn ascii_only_defaults_to_utf8() {
        let d = decode(b"<html><title>x</title></html>", None, None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.source, CharsetSource::Default);
    }

    #[test]
    fn gbk_labelled_utf8_has_errors_and_a_likely_encoding() {
        let text = "<meta charset=utf-8><title>开平市人民政府门户网站</title><p>政府信息公开，政务服务，互动交流，开平市位于广东省中南部。</p>";
        let d = decode(&gbk(text), None, Some("cn"));
        assert_eq!(d.encoding, UTF_8);
        assert!(d.had_errors);
        assert_eq!(d.likely, Some(GB18030));
    }

    #[test]
    fn unknown_labels_fall_through() {
        let d = decode(
            "<meta charset=klingon><p>中文".as_bytes(),
            Some("text/html; charset=bogus"),
            None,
        );
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.source, CharsetSource::Sniffed);
    }

    #[test]
    fn content_type_parameter_parsing() {
        assert_eq!(
            charset_from_content_type("text/html; charset=\"gb2312\"").as_deref(),
            Some("gb2312")
        );
        assert_eq!(charset_from_content_type("text/html").as_deref(), None);
        assert_eq!(
            charset_in_content("text/html;charset=GBK").as_deref(),
            Some("GBK")
        );
    }

    #[test]
    fn truncated_meta_does_not_panic() {
        for page in [
            "<meta",
            "<meta charset=",
            "<meta charset='gbk",
            "<!--",
            "<meta http-equiv=content-type content=\"charset=",
        ] {
            let _ = decode(page.as_bytes(), None, None);
        }
    }
}
