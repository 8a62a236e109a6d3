//! Text handling for the filing and identity extraction (RULES.md §0.3): NFKC, whitespace
//! collapsing and a small traditional→simplified fold of the characters that occur in footer
//! labels and province abbreviations, with a map back to the text as shown; and the string
//! literals of inline scripts (`document.write` footers).

use unicode_normalization::UnicodeNormalization;

/// Traditional characters of footer labels and filing prefixes, folded to simplified before
/// matching, so a converted 繁体 page (`粵ICP備05079694號`, `網站標識碼`, `主辦單位`) is read
/// like the simplified one. Each pair is one character to one character (checked against
/// OpenCC `TSCharacters.txt`); the fold is applied only for matching, never shown.
const FOLD: &[(char, char)] = &[
    ('備', '备'),
    ('編', '编'),
    ('號', '号'),
    ('證', '证'),
    ('網', '网'),
    ('標', '标'),
    ('識', '识'),
    ('碼', '码'),
    ('辦', '办'),
    ('單', '单'),
    ('機', '机'),
    ('關', '关'),
    ('聯', '联'),
    ('繫', '系'),
    ('係', '系'),
    ('們', '们'),
    ('電', '电'),
    ('話', '话'),
    ('郵', '邮'),
    ('圖', '图'),
    ('點', '点'),
    ('為', '为'),
    ('爲', '为'),
    ('錯', '错'),
    ('糾', '纠'),
    ('權', '权'),
    ('訪', '访'),
    ('經', '经'),
    ('營', '营'),
    ('許', '许'),
    ('頁', '页'),
    ('導', '导'),
    ('務', '务'),
    ('門', '门'),
    ('戶', '户'),
    ('縣', '县'),
    ('區', '区'),
    ('廳', '厅'),
    ('員', '员'),
    ('會', '会'),
    ('發', '发'),
    ('護', '护'),
    ('維', '维'),
    ('運', '运'),
    ('粵', '粤'),
    ('滬', '沪'),
    ('遼', '辽'),
    ('閩', '闽'),
    ('魯', '鲁'),
    ('蘇', '苏'),
    ('瓊', '琼'),
    ('隴', '陇'),
    ('陝', '陕'),
    ('寧', '宁'),
    ('貴', '贵'),
    ('雲', '云'),
    ('晉', '晋'),
    ('贛', '赣'),
];

static FOLD_SORTED: std::sync::LazyLock<Vec<(char, char)>> = std::sync::LazyLock::new(|| {
    let mut v = FOLD.to_vec();
    v.sort_unstable();
    v
});

/// Folds one traditional character of [`FOLD`] to simplified.
pub fn fold_char(c: char) -> char {
    if (c as u32) < 0x4e00 {
        return c;
    }
    match FOLD_SORTED.binary_search_by_key(&c, |(t, _)| *t) {
        Ok(i) => FOLD_SORTED[i].1,
        Err(_) => c,
    }
}

/// The characters that fold to `c` (its traditional forms), and `c` itself.
pub fn unfolded_forms(c: char) -> Vec<char> {
    let mut v = vec![c];
    v.extend(FOLD.iter().filter(|(_, s)| *s == c).map(|(t, _)| *t));
    v
}

/// Whether a character separates words like a space: Unicode whitespace, NBSP, the ideographic
/// space; zero-width characters are dropped instead (see [`is_invisible`]).
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}'
}

/// Zero-width characters that CMS templates leave between label and digits.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// A normalised text with a map back to the original: NFKC (full-width digits and colons to
/// ASCII), whitespace runs collapsed to one space, invisible characters dropped, traditional
/// label characters folded.
#[derive(Debug, Clone, Default)]
pub struct NormText {
    /// The normalised text.
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the character it came from.
    starts: Vec<u32>,
    /// The original text's length, for mapping the end.
    orig_len: usize,
}

impl NormText {
    /// Normalises `original`.
    pub fn new(original: &str) -> NormText {
        let mut text = String::with_capacity(original.len());
        let mut starts: Vec<u32> = Vec::with_capacity(original.len());
        let push = |text: &mut String, starts: &mut Vec<u32>, c: char, at: usize| {
            let before = text.len();
            text.push(c);
            starts.extend(std::iter::repeat_n(at as u32, text.len() - before));
        };
        for (at, c) in original.char_indices() {
            if is_invisible(c) {
                continue;
            }
            if is_space(c) {
                if !text.is_empty() && !text.ends_with(' ') {
                    push(&mut text, &mut starts, ' ', at);
                }
                continue;
            }
            let c = fold_char(c);
            // ASCII and CJK Unified Ideographs are unchanged by NFKC.
            if c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c) {
                push(&mut text, &mut starts, c, at);
                continue;
            }
            for n in std::iter::once(c).nfkc() {
                if is_space(n) {
                    if !text.is_empty() && !text.ends_with(' ') {
                        push(&mut text, &mut starts, ' ', at);
                    }
                } else {
                    push(&mut text, &mut starts, fold_char(n), at);
                }
            }
        }
        NormText {
            text,
            starts,
            orig_len: original.len(),
        }
    }

    /// The first byte of the normalised text that comes from original offset `orig` or later
    /// (always a character boundary).
    pub fn norm_index(&self, orig: usize) -> usize {
        self.starts.partition_point(|&s| (s as usize) < orig)
    }

    /// The original byte range of the normalised byte range `start..end`.
    pub fn orig_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        if start >= end || start >= self.starts.len() {
            let at = self
                .starts
                .get(start)
                .map_or(self.orig_len, |s| *s as usize);
            return (at, at);
        }
        let s = self.starts[start] as usize;
        let last = self.starts[(end - 1).min(self.starts.len() - 1)] as usize;
        let e = original
            .get(last..)
            .and_then(|rest| rest.chars().next())
            .map_or(self.orig_len, |c| last + c.len_utf8());
        (s, e.max(s))
    }

    /// The original text of the normalised range, as shown (whitespace collapsed, trimmed).
    pub fn shown(&self, original: &str, start: usize, end: usize) -> String {
        let (s, e) = self.orig_range(original, start, end);
        crate::dom::collapse_whitespace(original.get(s..e).unwrap_or(""))
            .replace('\u{a0}', " ")
            .trim()
            .to_string()
    }
}

/// Normalises a short string (an attribute, a label) without keeping the map.
pub fn normalize(s: &str) -> String {
    NormText::new(s).text.trim().to_string()
}

/// Removes every whitespace character (for the strict format checks).
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a script's text writes markup into the page (`document.write`, `innerHTML`, jQuery
/// `.html()`/`.append()`...), the way shared footers and badge widgets are injected.
pub fn script_writes_markup(js: &str) -> bool {
    const MARKERS: &[&str] = &[
        "document.write",
        "innerHTML",
        "insertAdjacentHTML",
        ".html(",
        ".append(",
        ".prepend(",
        ".after(",
        ".before(",
        ".replaceWith(",
    ];
    MARKERS.iter().any(|m| js.contains(m))
}

/// The markup an inline or external script writes: its string literals, unescaped (`\uXXXX`,
/// `\xXX`, `\'`...) and, when the script calls `unescape`/`decodeURI(Component)`,
/// percent-decoded, concatenated in order (`"<p>" + "粤ICP备…" + "</p>"` reads as one string).
/// Comments are skipped. At most `limit` bytes are produced.
pub fn script_literals(js: &str, limit: usize) -> String {
    let percent = js.contains("unescape(") || js.contains("decodeURI");
    let mut out = String::new();
    let bytes = js.as_bytes();
    let mut i = 0;
    while i < bytes.len() && out.len() < limit {
        let b = bytes[i];
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'\'' | b'"' | b'`' => {
                let (lit, next) = read_literal(js, i);
                let lit = if percent { percent_decode(&lit) } else { lit };
                out.push_str(&lit);
                i = next;
            }
            _ => i += 1,
        }
    }
    if out.len() > limit {
        let mut cut = limit;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// Reads the string literal starting at byte `start` (the quote); returns its value and the
/// byte after the closing quote (or the end of line/input for an unterminated literal).
fn read_literal(js: &str, start: usize) -> (String, usize) {
    let quote = js.as_bytes()[start] as char;
    let mut out = String::new();
    let mut chars = js[start + 1..].char_indices().peekable();
    let base = start + 1;
    while let Some((off, c)) = chars.next() {
        if c == quote {
            return (out, base + off + 1);
        }
        if c == '\n' && quote != '`' {
            return (out, base + off + 1);
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => {}
            'u' => {
                let mut hex = String::new();
                if chars.peek().map(|(_, c)| *c) == Some('{') {
                    chars.next();
                    for (_, h) in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                } else {
                    for _ in 0..4 {
                        if let Some((_, h)) = chars.next_if(|(_, h)| h.is_ascii_hexdigit()) {
                            hex.push(h);
                        }
                    }
                }
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            'x' => {
                let mut hex = String::new();
                for _ in 0..2 {
                    if let Some((_, h)) = chars.next_if(|(_, h)| h.is_ascii_hexdigit()) {
                        hex.push(h);
                    }
                }
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            '\n' => {}
            other => out.push(other),
        }
    }
    (out, js.len())
}

/// Percent-decodes `%uXXXX` (JavaScript `escape`) and `%XX` sequences; byte runs that form UTF-8
/// decode as UTF-8, others as Latin-1 (what `unescape` does).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut run: Vec<u8> = Vec::new();
    let flush = |run: &mut Vec<u8>, out: &mut String| {
        if run.is_empty() {
            return;
        }
        match std::str::from_utf8(run) {
            Ok(t) => out.push_str(t),
            Err(_) => out.extend(run.iter().map(|&b| b as char)),
        }
        run.clear();
    };
    let hex = |b: &[u8]| -> Option<u32> {
        std::str::from_utf8(b)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if bytes.get(i + 1).is_some_and(|b| *b == b'u' || *b == b'U')
                && let Some(v) = bytes.get(i + 2..i + 6).and_then(hex)
                && let Some(ch) = char::from_u32(v)
            {
                flush(&mut run, &mut out);
                out.push(ch);
                i += 6;
                continue;
            }
            if let Some(v) = bytes.get(i + 1..i + 3).and_then(hex) {
                run.push(v as u8);
                i += 3;
                continue;
            }
        }
        flush(&mut run, &mut out);
        // Copy one whole character.
        let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfkc_and_whitespace() {
        let src = "网站标识码：４４０７８３０００３\u{a0}\u{a0}粤公网安备；\u{3000}44078302000116";
        let n = NormText::new(src);
        assert_eq!(n.text, "网站标识码:4407830003 粤公网安备; 44078302000116");
        let at = n.text.find("4407830003").expect("found");
        assert_eq!(n.shown(src, at, at + 10), "４４０７８３０００３");
    }

    #[test]
    fn traditional_labels_fold() {
        let n = NormText::new("粵ICP備05079694號 網站標識碼：4407830003 主辦單位：雲汀縣");
        assert_eq!(
            n.text,
            "粤ICP备05079694号 网站标识码:4407830003 主办单位:云汀县"
        );
        // A county name with 繁 is untouched.
        assert_eq!(normalize("繁峙县"), "繁峙县");
    }

    #[test]
    fn zero_width_dropped_and_shown_keeps_original() {
        let src = "粤ICP备\u{200b}05079694号";
        let n = NormText::new(src);
        assert_eq!(n.text, "粤ICP备05079694号");
        assert_eq!(n.shown(src, 0, n.text.len()), src);
    }

    #[test]
    fn literals_and_unescape() {
        let js = r#"document.write("<p>粤ICP备" + '05079694号</p>'); // it's a comment
        document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E%u7ca4"));"#;
        let s = script_literals(js, 10_000);
        assert_eq!(s, "<p>粤ICP备05079694号</p><span id='_ideConac'></span>粤");
        assert_eq!(
            script_literals(r#"x = "\u7ca4ICP\u5907\x30";"#, 100),
            "粤ICP备0"
        );
        assert_eq!(percent_decode("%E7%B2%A4ICP"), "粤ICP");
        assert!(script_writes_markup("$('#f').html(s)"));
        assert!(!script_writes_markup("var a = 1;"));
    }
}
