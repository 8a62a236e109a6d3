//! The patterns of RULES.md §1.1, §1.2 and §2.1 and their classification, as pure functions of
//! normalised text (see [`super::text`]) so the specification's test tables are unit tests.
//!
//! `PROV`/`PROV_CHARS` are built from the embedded province table and substituted into the
//! patterns once, when they are first used.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::data::{self, Province};
use super::text::compact;

fn prov_pattern(template: &str) -> Regex {
    let chars = data::prov_chars();
    let pat = template
        .replace("PROV_CHARS", &chars)
        .replace("PROV", &format!("[{chars}]"));
    Regex::new(&pat).expect("static pattern with PROV substituted")
}

/// `ICP_LENIENT` (RULES.md §1.1), applied to normalised text.
pub static ICP_LENIENT: LazyLock<Regex> = LazyLock::new(|| {
    prov_pattern(
        r"(?P<prov>PROV)?\s*(?i:ICP)\s*(?P<kind>备|证)?(?P<junk>[^0-9号备<>PROV_CHARS]{0,24}?)(?P<num>[0-9]{5,12})\s*(?P<hao>号)?(?:\s*[-—–]\s*(?P<seq>[0-9]{1,3}))?",
    )
});

/// `ICP_LICENCE`: a 增值电信业务经营许可证 (`粤B2-20090059`).
pub static ICP_LICENCE: LazyLock<Regex> =
    LazyLock::new(|| prov_pattern(r"(?P<prov>PROV)\s*B2\s*-\s*[0-9]{8}"));

/// `ICP_PLACEHOLDER` (with an optional province and `号` so the whole placeholder is shown).
pub static ICP_PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    prov_pattern(r"(?P<prov>PROV)?\s*(?i:ICP)\s*备?\s*[0-9Xx*×]*[Xx*×][0-9Xx*×]*\s*号?")
});

/// `ICP_STRICT`, matched with whitespace removed.
pub static ICP_STRICT: LazyLock<Regex> =
    LazyLock::new(|| prov_pattern(r"^PROVICP备(?:[0-9]{8}|[0-9]{10})号(?:-[1-9][0-9]{0,2})?$"));

static ICP_SEQ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-[1-9][0-9]{0,2}$").expect("static regex"));

/// `PSB_LENIENT` (RULES.md §1.2), plus a `junk` group for label text such as `公网安备案号`.
pub static PSB_LENIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<pre>\p{Han})?\s*公\s*网\s*安\s*备(?P<junk>\s*案?\s*编?\s*号)?\s*(?P<sep>[:;,：；，])?\s*(?P<num>[0-9Xx]{6,16})\s*(?P<hao>号)?",
    )
    .expect("static regex")
});

/// `PSB_LABEL_ONLY`: `公安机关备案号：43010302000524`.
pub static PSB_LABEL_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"公安(?:机关)?备案(?:编)?号\s*[:：]?\s*(?P<num>[0-9]{10,16})")
        .expect("static regex")
});

/// Other local labels without the `X公网安备…号` form (`郑公备：41010502000123`).
pub static PSB_LOCAL_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<pre>\p{Han})公备\s*[:：]?\s*(?P<num>[0-9]{6,16})").expect("static regex")
});

/// `PSB_STRICT`, matched with whitespace removed.
pub static PSB_STRICT: LazyLock<Regex> =
    LazyLock::new(|| prov_pattern(r"^PROV公网安备[0-9]{14}号$"));

/// `SIC_LABEL` (RULES.md §2.1).
pub static SIC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"网站标识码\s*[:：]?\s*(?P<code>[A-Za-z]{0,3}[0-9]+)").expect("static regex")
});

/// The label alone (to notice a label with no code after it).
pub static SIC_LABEL_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"网站标识码\s*[:：]?").expect("static regex"));

/// `SIC_STRICT`.
pub static SIC_STRICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:bm[0-9]{8}|[0-9]{10})$").expect("static regex"));

/// The IPv6 label (RULES.md §3 "Label").
pub static IPV6_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:本网站|本站|网站)?(?:已)?支持\s*IPv6(?:访问)?").expect("static regex")
});

// ----- ICP ------------------------------------------------------------------------------------

/// Why a strict ICP check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IcpDetail {
    /// No province abbreviation before `ICP`.
    NoProvince,
    /// `ICP` not followed by `备`.
    NoBei,
    /// No `号` after the number.
    NoHao,
    /// The number has this many digits (8 or 10 expected).
    DigitCount(usize),
    /// `icp` in lower case.
    LowerCase,
    /// The `-N` sequence is malformed (a dash other than `-`, or `-0`).
    BadSequence,
}

/// What is wrong with an ICP string, in the classification order of RULES.md §1.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IcpProblem {
    /// (1) A business licence (`ICP证`, `B2-`) shown instead of the 备案号.
    Licence,
    /// (2) A placeholder (`XXXXXXXX`, all-same digits, `123456`).
    Placeholder,
    /// (3) Text between `ICP备` and the digits.
    Junk(String),
    /// (4) The strict form fails.
    Strict(Vec<IcpDetail>),
    /// (5) The strict form passes only with whitespace removed.
    InnerWhitespace,
}

/// One ICP string found in normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcpMatch {
    /// Byte range in the normalised text.
    pub start: usize,
    /// End of the range.
    pub end: usize,
    /// The matched normalised text.
    pub text: String,
    /// The province abbreviation.
    pub province: Option<char>,
    /// The digits of the 主体 number (empty for a placeholder without digits).
    pub number: String,
    /// The `-N` site sequence.
    pub seq: Option<String>,
    /// The problem, or `None` when the number is well-formed.
    pub problem: Option<IcpProblem>,
}

impl IcpMatch {
    /// The comparison key (province, number, sequence), independent of formatting.
    pub fn key(&self) -> String {
        format!(
            "{}ICP备{}号{}",
            self.province.map(String::from).unwrap_or_default(),
            self.number,
            self.seq
                .as_deref()
                .map(|s| format!("-{s}"))
                .unwrap_or_default()
        )
    }
}

/// Whether the ASCII letter before `ICP` (if any) makes this part of a longer word.
fn icp_inside_word(hay: &str, m_start: usize, m_text: &str) -> bool {
    let Some(rel) = m_text.to_ascii_uppercase().find("ICP") else {
        return false;
    };
    let at = m_start + rel;
    hay[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Every ICP string (well-formed or not) in normalised text, in order, non-overlapping.
pub fn find_icp(hay: &str) -> Vec<IcpMatch> {
    let mut out: Vec<IcpMatch> = Vec::new();
    // Prefilter: the pattern needs "ICP" (any case); the regex has no literal prefix to skip
    // ahead with (an optional province comes first), so without this it runs over every page.
    let has_icp = hay
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"icp"));
    for caps in ICP_LENIENT.captures_iter(if has_icp { hay } else { "" }) {
        let Some(m) = caps.get(0) else { continue };
        if icp_inside_word(hay, m.start(), m.as_str()) {
            continue;
        }
        let mut end = m.end();
        let mut seq = caps.name("seq").map(|s| s.as_str().to_string());
        // A sequence of at most three digits followed by more digits is not a sequence
        // (`号 - 0750…` is a phone number).
        if let Some(s) = caps.name("seq")
            && hay[s.end()..].starts_with(|c: char| c.is_ascii_digit())
        {
            seq = None;
            end = caps
                .name("hao")
                .or_else(|| caps.name("num"))
                .map_or(m.end(), |x| x.end());
        }
        let text = hay[m.start()..end].trim().to_string();
        let start =
            m.start() + (hay[m.start()..end].len() - hay[m.start()..end].trim_start().len());
        let province = caps.name("prov").and_then(|p| p.as_str().chars().next());
        let number = caps
            .name("num")
            .map(|n| n.as_str().to_string())
            .unwrap_or_default();
        let problem = classify_icp(
            &text,
            caps.name("kind").map(|k| k.as_str()),
            caps.name("junk").map_or("", |j| j.as_str()),
            &number,
        );
        out.push(IcpMatch {
            start,
            end,
            text,
            province,
            number,
            seq,
            problem,
        });
    }
    for re in [&*ICP_PLACEHOLDER, &*ICP_LICENCE] {
        for caps in re.captures_iter(hay) {
            let Some(m) = caps.get(0) else { continue };
            if out.iter().any(|o| o.start < m.end() && m.start() < o.end) {
                continue;
            }
            if std::ptr::eq(re, &*ICP_PLACEHOLDER) && icp_inside_word(hay, m.start(), m.as_str()) {
                continue;
            }
            let trimmed = m.as_str().trim();
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
            let number: String = trimmed.chars().filter(char::is_ascii_digit).collect();
            let problem = if std::ptr::eq(re, &*ICP_LICENCE) {
                IcpProblem::Licence
            } else {
                IcpProblem::Placeholder
            };
            out.push(IcpMatch {
                start,
                end: start + trimmed.len(),
                text: trimmed.to_string(),
                province: caps.name("prov").and_then(|p| p.as_str().chars().next()),
                number,
                seq: None,
                problem: Some(problem),
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Classifies one lenient match (RULES.md §1.1 "Classify", first hit wins).
pub fn classify_icp(
    text: &str,
    kind: Option<&str>,
    junk: &str,
    number: &str,
) -> Option<IcpProblem> {
    if kind == Some("证") || ICP_LICENCE.is_match(text) {
        return Some(IcpProblem::Licence);
    }
    if ICP_PLACEHOLDER.is_match(text) || is_placeholder_digits(number) {
        return Some(IcpProblem::Placeholder);
    }
    let junk_clean: String = junk
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if !junk_clean.is_empty() {
        return Some(IcpProblem::Junk(junk.trim().to_string()));
    }
    let compacted = compact(text);
    if !ICP_STRICT.is_match(&compacted) {
        return Some(IcpProblem::Strict(icp_details(&compacted, kind, number)));
    }
    if compacted != text {
        return Some(IcpProblem::InnerWhitespace);
    }
    None
}

fn icp_details(compacted: &str, kind: Option<&str>, number: &str) -> Vec<IcpDetail> {
    let mut d = Vec::new();
    let first = compacted.chars().next();
    if first.is_none_or(|c| data::province_of_abbr(c).is_none()) {
        d.push(IcpDetail::NoProvince);
    }
    if !compacted.contains("ICP") && compacted.to_ascii_uppercase().contains("ICP") {
        d.push(IcpDetail::LowerCase);
    }
    if kind.is_none() {
        d.push(IcpDetail::NoBei);
    }
    if number.len() != 8 && number.len() != 10 {
        d.push(IcpDetail::DigitCount(number.len()));
    }
    if !compacted.contains('号') {
        d.push(IcpDetail::NoHao);
    }
    if let Some(rest) = compacted.split('号').nth(1)
        && !rest.is_empty()
        && !ICP_SEQ.is_match(rest)
    {
        d.push(IcpDetail::BadSequence);
    }
    d
}

/// All-same digits, or digits containing `123456`.
pub fn is_placeholder_digits(digits: &str) -> bool {
    if digits.len() >= 5 {
        let first = digits.as_bytes()[0];
        if digits.bytes().all(|b| b == first) {
            return true;
        }
    }
    digits.contains("123456")
}

// ----- 公网安备 -----------------------------------------------------------------------------------

/// What is wrong with a 公网安备 string (RULES.md §1.2 "Classify"; (5), the province, is checked
/// separately by [`psb_province_mismatch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PsbProblem {
    /// (1) `X` in the digits.
    Placeholder,
    /// (2) A pre-2016 local 13-digit number (`深公网安备：4403101910665`).
    Legacy13,
    /// (3) No valid province prefix (the character found, if any).
    Prefix(Option<char>),
    /// (3) Not 14 digits.
    DigitCount(usize),
    /// (4) A stray separator and/or no `号`.
    Punctuation {
        /// The separator found.
        sep: Option<char>,
        /// Whether `号` is missing.
        no_hao: bool,
    },
    /// (4) Label text such as `案号` between `公网安备` and the digits.
    LabelText(String),
    /// (6) Only a label such as `公安机关备案号：` or `郑公备：`, without the `X公网安备…号` form.
    LabelOnly(String),
}

/// One 公网安备 string found in normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsbMatch {
    /// Byte range in the normalised text.
    pub start: usize,
    /// End of the range.
    pub end: usize,
    /// The matched normalised text.
    pub text: String,
    /// The prefix character, when it is a province abbreviation.
    pub province: Option<char>,
    /// The digits.
    pub digits: String,
    /// The problem, or `None`.
    pub problem: Option<PsbProblem>,
}

/// Every 公网安备 string in normalised text, in order.
pub fn find_psb(hay: &str) -> Vec<PsbMatch> {
    let mut out: Vec<PsbMatch> = Vec::new();
    // Prefilter: the pattern needs 公…网…安…备 (whitespace between them allowed).
    let has_psb = hay.contains('安') && hay.contains('备');
    for caps in PSB_LENIENT.captures_iter(if has_psb { hay } else { "" }) {
        let Some(m) = caps.get(0) else { continue };
        let num = caps.name("num").map_or("", |n| n.as_str());
        // Count digits beyond the 16 the pattern takes.
        let extra = hay[caps.name("num").map_or(m.end(), |n| n.end())..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        let pre = caps.name("pre").and_then(|p| p.as_str().chars().next());
        let province = pre.filter(|c| data::province_of_abbr(*c).is_some());
        let text = m.as_str().trim();
        let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
        let problem = classify_psb(
            text,
            pre,
            caps.name("sep").and_then(|s| s.as_str().chars().next()),
            caps.name("junk").map_or("", |j| j.as_str()),
            num,
            num.chars().count() + extra,
            caps.name("hao").is_some(),
        );
        out.push(PsbMatch {
            start,
            end: start + text.len(),
            text: text.to_string(),
            province,
            digits: num.to_string(),
            problem,
        });
    }
    for re in [&*PSB_LABEL_ONLY, &*PSB_LOCAL_LABEL] {
        for caps in re.captures_iter(hay) {
            let Some(m) = caps.get(0) else { continue };
            if out.iter().any(|o| o.start < m.end() && m.start() < o.end) {
                continue;
            }
            let num = caps.name("num").map_or("", |n| n.as_str());
            let label_end = caps.name("num").map_or(m.end(), |n| n.start());
            let label = hay[m.start()..label_end]
                .trim()
                .trim_end_matches([':', '：'])
                .trim();
            out.push(PsbMatch {
                start: m.start(),
                end: m.end(),
                text: m.as_str().trim().to_string(),
                province: None,
                digits: num.to_string(),
                problem: Some(PsbProblem::LabelOnly(label.to_string())),
            });
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Classifies a lenient 公网安备 match (first hit wins).
pub fn classify_psb(
    text: &str,
    pre: Option<char>,
    sep: Option<char>,
    junk: &str,
    num: &str,
    digit_count: usize,
    hao: bool,
) -> Option<PsbProblem> {
    if num.contains(['X', 'x']) {
        return Some(PsbProblem::Placeholder);
    }
    let valid_pre = pre.filter(|c| data::province_of_abbr(*c).is_some());
    if valid_pre.is_none() && digit_count == 13 {
        return Some(PsbProblem::Legacy13);
    }
    if valid_pre.is_none() {
        return Some(PsbProblem::Prefix(pre));
    }
    if digit_count != 14 {
        return Some(PsbProblem::DigitCount(digit_count));
    }
    if sep.is_some() || !hao {
        return Some(PsbProblem::Punctuation { sep, no_hao: !hao });
    }
    let junk = compact(junk);
    if !junk.is_empty() {
        return Some(PsbProblem::LabelText(junk));
    }
    let compacted = compact(text);
    if !PSB_STRICT.is_match(&compacted) {
        return Some(PsbProblem::Prefix(pre));
    }
    None
}

/// (5) The province of the prefix differs from digits 1–2: `(prefix province, digits
/// province)`; the digits' province is `None` when digits 1–2 are no province code.
pub fn psb_province_mismatch(
    prefix: char,
    digits: &str,
) -> Option<(&'static Province, Option<&'static Province>)> {
    let by_prefix = data::province_of_abbr(prefix)?;
    let by_digits = data::province_of_digits(digits);
    match by_digits {
        Some(p) if p.code == by_prefix.code => None,
        other => Some((by_prefix, other)),
    }
}

// ----- 网站标识码 ----------------------------------------------------------------------------------

/// What is wrong with a 网站标识码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteCodeProblem {
    /// No code at all (an empty value, or a label with nothing after it).
    Empty,
    /// Not 10 digits nor `bm` + 8 digits.
    Format,
}

/// Checks a 网站标识码 value against `SIC_STRICT`.
pub fn classify_site_code(code: &str) -> Option<SiteCodeProblem> {
    let c = code.trim();
    if c.is_empty() {
        return Some(SiteCodeProblem::Empty);
    }
    (!SIC_STRICT.is_match(c)).then_some(SiteCodeProblem::Format)
}

/// A short description of a malformed code's shape, for messages (`9 位数字`, `bm 后 9 位数字`).
pub fn site_code_shape(code: &str, lang: crate::i18n::Lang) -> String {
    let letters: String = code
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits = code.chars().filter(char::is_ascii_digit).count();
    let others = code.chars().count() - letters.chars().count() - digits;
    match (letters.is_empty(), others) {
        (true, 0) => crate::tr!(lang, "{digits} 位数字", "{digits} digits"),
        (false, 0) => crate::tr!(
            lang,
            "前缀 {letters} 加 {digits} 位数字",
            "prefix {letters} and {digits} digits"
        ),
        _ => crate::tr!(lang, "含有其他字符", "other characters in it"),
    }
}

/// A code found after a `网站标识码` label in normalised text: `(start, end, code)`; the code is
/// empty when the label has nothing after it.
pub fn find_site_codes(hay: &str) -> Vec<(usize, usize, String)> {
    if !hay.contains("网站标识码") {
        return Vec::new();
    }
    let mut out: Vec<(usize, usize, String)> = SIC_LABEL
        .captures_iter(hay)
        .filter_map(|c| {
            let m = c.get(0)?;
            let code = c.name("code")?.as_str().to_string();
            Some((m.start(), m.end(), code))
        })
        .collect();
    for m in SIC_LABEL_ONLY.find_iter(hay) {
        if !out
            .iter()
            .any(|(s, e, _)| *s <= m.start() && m.start() < *e)
        {
            out.push((m.start(), m.end(), String::new()));
        }
    }
    out.sort_by_key(|x| x.0);
    out
}

// ----- links ----------------------------------------------------------------------------------

/// Where an ICP number's link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IcpLinkKind {
    /// An accepted host (`beian.miit.gov.cn`).
    Ok,
    /// An outdated MIIT host (`www.miibeian.gov.cn`...).
    Outdated(String),
    /// `#`, `javascript:`, empty: not a real link.
    Placeholder,
    /// The public-security platform.
    Psb(String),
    /// Any other target.
    Other(String),
}

fn host_in(host: &str, list: &[String]) -> bool {
    list.iter().any(|h| h.eq_ignore_ascii_case(host))
}

fn is_placeholder_href(raw: &str) -> bool {
    let r = raw.trim().to_ascii_lowercase();
    r.is_empty() || r.starts_with('#') || r.starts_with("javascript:") || r == "about:blank"
}

/// Classifies the target of an ICP link. `raw` is the attribute as written, `url` resolved.
pub fn classify_icp_link(
    raw: &str,
    url: Option<&Url>,
    accepted: &[String],
    outdated: &[String],
    psb_hosts: &[String],
) -> IcpLinkKind {
    if is_placeholder_href(raw) {
        return IcpLinkKind::Placeholder;
    }
    let Some(url) = url else {
        return IcpLinkKind::Other(raw.to_string());
    };
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    if !matches!(url.scheme(), "http" | "https") {
        return IcpLinkKind::Other(raw.to_string());
    }
    if host_in(&host, accepted) {
        IcpLinkKind::Ok
    } else if host_in(&host, outdated) {
        IcpLinkKind::Outdated(host)
    } else if host_in(&host, psb_hosts) {
        IcpLinkKind::Psb(host)
    } else {
        IcpLinkKind::Other(host)
    }
}

/// Where a 公网安备 link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PsbLinkKind {
    /// The current platform's query URL with the record code.
    Current(String),
    /// The old `www.beian.gov.cn/portal/registerSystemInfo?recordcode=` URL.
    Legacy(String),
    /// A platform URL without `code`/`recordcode` (its host).
    NoCode(String),
    /// `#`, `javascript:`, empty.
    Placeholder,
    /// Not the platform (its host, or the raw value).
    Wrong(String),
}

/// The `code`/`recordcode` parameter of a URL's query or fragment (`#/query/webSearch?code=`).
pub fn record_code(url: &Url) -> Option<String> {
    let from_pairs = |q: &str| -> Option<String> {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k.eq_ignore_ascii_case("code") || k.eq_ignore_ascii_case("recordcode"))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    url.query().and_then(from_pairs).or_else(|| {
        let frag = url.fragment()?;
        let q = frag.split_once('?').map_or(frag, |(_, q)| q);
        from_pairs(q)
    })
}

/// Classifies the target of a 公网安备 link.
pub fn classify_psb_link(
    raw: &str,
    url: Option<&Url>,
    current: &[String],
    legacy: &[String],
) -> PsbLinkKind {
    if is_placeholder_href(raw) {
        return PsbLinkKind::Placeholder;
    }
    let Some(url) = url.filter(|u| matches!(u.scheme(), "http" | "https")) else {
        return PsbLinkKind::Wrong(raw.to_string());
    };
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let code = record_code(url);
    if host_in(&host, current) {
        return match code {
            Some(c) => PsbLinkKind::Current(c),
            None => PsbLinkKind::NoCode(host),
        };
    }
    if host_in(&host, legacy) {
        return match code {
            Some(c) if !url.path().contains("recordQuery") => PsbLinkKind::Legacy(c),
            _ => PsbLinkKind::NoCode(host),
        };
    }
    PsbLinkKind::Wrong(host)
}

/// Whether a host is a raw IPv4/IPv6 address.
pub fn is_ip_host(url: &Url) -> bool {
    matches!(
        url.host(),
        Some(url::Host::Ipv4(_)) | Some(url::Host::Ipv6(_))
    )
}

#[cfg(test)]
mod tests {
    use super::super::text::normalize;
    use super::*;

    fn icp(s: &str) -> Vec<IcpMatch> {
        find_icp(&normalize(s))
    }

    fn icp_problem(s: &str) -> Option<IcpProblem> {
        let found = icp(s);
        assert_eq!(found.len(), 1, "{s}: {found:?}");
        found[0].problem.clone()
    }

    #[test]
    fn icp_passes() {
        for s in [
            "粤ICP备05079694号",
            "黔ICP备2026001073号-1",
            "陇ICP备2021003158号-1",
            "湘ICP备2026037508号-1",
            "国家信息产业部甘ICP备14018586号",
            "京ICP备04000001号",
            "蜀ICP备16004350号",
            "粵ICP備05079694號",
            "备案编号：粤ＩＣＰ备０５０７９６９４号",
        ] {
            assert_eq!(icp_problem(s), None, "{s}");
        }
        let m = &icp("京ICP备20027467号-1")[0];
        assert_eq!(
            (m.province, m.number.as_str(), m.seq.as_deref()),
            (Some('京'), "20027467", Some("1"))
        );
        assert_eq!(m.key(), "京ICP备20027467号-1");
    }

    #[test]
    fn icp_inner_whitespace() {
        assert_eq!(
            icp_problem("京ICP备 04000001号"),
            Some(IcpProblem::InnerWhitespace)
        );
        assert_eq!(
            icp_problem("川ICP备 09003078号"),
            Some(IcpProblem::InnerWhitespace)
        );
    }

    #[test]
    fn icp_strict_failures() {
        match icp_problem("陇ICP备 05000593") {
            Some(IcpProblem::Strict(d)) => assert!(d.contains(&IcpDetail::NoHao), "{d:?}"),
            other => panic!("{other:?}"),
        }
        match icp_problem("京ICP10036469号") {
            Some(IcpProblem::Strict(d)) => assert_eq!(d, vec![IcpDetail::NoBei]),
            other => panic!("{other:?}"),
        }
        match icp_problem("粤ICP备0507969号") {
            Some(IcpProblem::Strict(d)) => assert_eq!(d, vec![IcpDetail::DigitCount(7)]),
            other => panic!("{other:?}"),
        }
        match icp_problem("ICP备05079694号") {
            Some(IcpProblem::Strict(d)) => assert_eq!(d, vec![IcpDetail::NoProvince]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn icp_junk_placeholder_licence() {
        assert!(matches!(
            icp_problem("贵ICP备(shou.org.cn)05052049号-13"),
            Some(IcpProblem::Junk(j)) if j == "(shou.org.cn)"
        ));
        assert_eq!(
            icp_problem("川ICP备1XXXXXX1号"),
            Some(IcpProblem::Placeholder)
        );
        assert_eq!(
            icp_problem("京ICP备1234568号-2"),
            Some(IcpProblem::Placeholder)
        );
        assert_eq!(
            icp_problem("京ICP备xxxxxxxx号"),
            Some(IcpProblem::Placeholder)
        );
        assert_eq!(
            icp_problem("粤ICP备00000000号"),
            Some(IcpProblem::Placeholder)
        );
        assert_eq!(icp_problem("京ICP证030173号"), Some(IcpProblem::Licence));
        assert_eq!(icp_problem("粤B2-20090059"), Some(IcpProblem::Licence));
    }

    #[test]
    fn icp_labels_and_neighbours() {
        // Labels before the number, a PSB number after it, a phone number after it.
        let found = icp("备案号：京ICP备05070218号　京公网安备11010202000001号");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "京ICP备05070218号");
        let found = icp("ICP备案号：粤ICP备05079694号 - 0750-2345678");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].seq, None);
        assert_eq!(found[0].problem, None);
        // A licence beside a correct number: two matches, one fine.
        let found = icp("京ICP证030173号 京ICP备05070218号");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].problem, Some(IcpProblem::Licence));
        assert_eq!(found[1].problem, None);
        // Not inside an ASCII word; phone numbers alone are not ICP numbers.
        assert!(icp("TOPICPATH 12345678").is_empty());
        assert!(icp("联系电话：010-58884104").is_empty());
    }

    fn psb(s: &str) -> Vec<PsbMatch> {
        find_psb(&normalize(s))
    }

    fn psb_problem(s: &str) -> Option<PsbProblem> {
        let found = psb(s);
        assert_eq!(found.len(), 1, "{s}: {found:?}");
        found[0].problem.clone()
    }

    #[test]
    fn psb_classify() {
        assert_eq!(psb_problem("粤公网安备 44078302000116号"), None);
        assert_eq!(psb_problem("京公网安备11010202000001号"), None);
        assert_eq!(psb_problem("粵公網安備 44078302000116號"), None);
        assert_eq!(
            psb_problem("粤公网安备; 44078302000116"),
            Some(PsbProblem::Punctuation {
                sep: Some(';'),
                no_hao: true
            })
        );
        assert_eq!(
            psb_problem("深公网安备：4403101910665"),
            Some(PsbProblem::Legacy13)
        );
        assert_eq!(
            psb_problem("京公网安备 XXXXXXXX号"),
            Some(PsbProblem::Placeholder)
        );
        assert_eq!(
            psb_problem("粤公网安备 4407830200011号"),
            Some(PsbProblem::DigitCount(13))
        );
        assert_eq!(
            psb_problem("粤公网安备 4407830200011600号"),
            Some(PsbProblem::DigitCount(16))
        );
        assert_eq!(
            psb_problem("公网安备 44078302000116号"),
            Some(PsbProblem::Prefix(None))
        );
        assert_eq!(
            psb_problem("京公网安备案号11010202000001号"),
            Some(PsbProblem::LabelText("案号".into()))
        );
        let found = psb("公安机关备案号：43010302000524");
        assert_eq!(found[0].digits, "43010302000524");
        assert!(
            matches!(&found[0].problem, Some(PsbProblem::LabelOnly(l)) if l == "公安机关备案号")
        );
        let found = psb("郑公备：41010502000123");
        assert!(matches!(&found[0].problem, Some(PsbProblem::LabelOnly(l)) if l == "郑公备"));
    }

    #[test]
    fn psb_province() {
        assert!(psb_province_mismatch('粤', "44078302000116").is_none());
        assert!(psb_province_mismatch('京', "11040102700068").is_none());
        let (p, d) = psb_province_mismatch('陕', "34060002010001").expect("mismatch");
        assert_eq!((p.abbr, d.map(|d| d.abbr)), ('陕', Some('皖')));
        for (pre, digits) in [
            ('蜀', "51010402000001"),
            ('贵', "52010202000001"),
            ('云', "53010202000001"),
            ('陇', "62010202000001"),
            ('秦', "61012502000363"),
        ] {
            assert!(psb_province_mismatch(pre, digits).is_none(), "{pre}");
        }
        let (_, d) = psb_province_mismatch('粤', "99078302000116").expect("no province");
        assert!(d.is_none());
    }

    #[test]
    fn site_codes() {
        for ok in ["4407830003", "bm01000001", "5101320017", "4403920006"] {
            assert_eq!(classify_site_code(ok), None, "{ok}");
        }
        assert_eq!(
            classify_site_code("bm236554412"),
            Some(SiteCodeProblem::Format)
        );
        assert_eq!(classify_site_code("28"), Some(SiteCodeProblem::Format));
        assert_eq!(classify_site_code(""), Some(SiteCodeProblem::Empty));
        let found = find_site_codes(&normalize(
            "网站标识码：４４０７８３０００３ 政府网站标识码bm06000004 网站标识码：",
        ));
        let codes: Vec<&str> = found.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(codes, vec!["4407830003", "bm06000004", ""]);
        assert_eq!(
            site_code_shape("bm236554412", crate::i18n::Lang::En),
            "prefix bm and 9 digits"
        );
    }

    fn urls(s: &str) -> (String, Option<Url>) {
        (s.to_string(), Url::parse(s).ok())
    }

    #[test]
    fn icp_links() {
        let acc = vec!["beian.miit.gov.cn".to_string()];
        let old = vec![
            "www.miibeian.gov.cn".to_string(),
            "www.beian.miit.gov.cn".to_string(),
        ];
        let psbh = vec![
            "beian.mps.gov.cn".to_string(),
            "www.beian.gov.cn".to_string(),
        ];
        let c = |s: &str| {
            let (r, u) = urls(s);
            classify_icp_link(&r, u.as_ref(), &acc, &old, &psbh)
        };
        for ok in [
            "https://beian.miit.gov.cn/",
            "https://beian.miit.gov.cn/#/Integrated/index",
            "https://beian.miit.gov.cn/#/Integrated/recordQuery",
            "http://beian.miit.gov.cn/",
        ] {
            assert_eq!(c(ok), IcpLinkKind::Ok, "{ok}");
        }
        assert!(matches!(
            c("http://www.miibeian.gov.cn/"),
            IcpLinkKind::Outdated(_)
        ));
        assert!(matches!(
            c("http://www.beian.miit.gov.cn"),
            IcpLinkKind::Outdated(_)
        ));
        assert_eq!(
            classify_icp_link("javascript:;", None, &acc, &old, &psbh),
            IcpLinkKind::Placeholder
        );
        assert_eq!(
            classify_icp_link("#", None, &acc, &old, &psbh),
            IcpLinkKind::Placeholder
        );
        assert!(matches!(
            c("https://beian.mps.gov.cn/"),
            IcpLinkKind::Psb(_)
        ));
        assert!(matches!(
            c("https://www.example.gov.cn/"),
            IcpLinkKind::Other(_)
        ));
    }

    #[test]
    fn psb_links() {
        let cur = vec!["beian.mps.gov.cn".to_string()];
        let leg = vec!["www.beian.gov.cn".to_string(), "beian.gov.cn".to_string()];
        let c = |s: &str| {
            let (r, u) = urls(s);
            classify_psb_link(&r, u.as_ref(), &cur, &leg)
        };
        assert_eq!(
            c("https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"),
            PsbLinkKind::Current("44078302000116".into())
        );
        assert_eq!(
            c("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700068"),
            PsbLinkKind::Legacy("11040102700068".into())
        );
        assert!(matches!(
            c("http://www.beian.gov.cn/portal/registerSystemInfo"),
            PsbLinkKind::NoCode(_)
        ));
        assert!(matches!(
            c("https://beian.mps.gov.cn/#/query/webSearch"),
            PsbLinkKind::NoCode(_)
        ));
        assert!(matches!(
            c("http://www.beian.gov.cn/portal/recordQuery?token=abc"),
            PsbLinkKind::NoCode(_)
        ));
        assert!(matches!(
            c("https://beian.miit.gov.cn/"),
            PsbLinkKind::Wrong(_)
        ));
    }
}
