//! Just enough CSS for the elder checks: the base font size and line height a page's
//! stylesheets state for `html`/`body` (`<style>`, `<link rel=stylesheet>` fetched through
//! [`Services`], and `style` attributes on `<html>`/`<body>`), and colours with the WCAG
//! contrast ratio. Not a CSS engine: rules inside at-rules (`@media`...) are ignored, only
//! the selectors `html`, `:root`, `body` and `html body` count, and later declarations win
//! (`!important` over normal ones).

use url::Url;

use super::CheckCx;
use crate::page::Page;

/// One declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    /// Property, lower case.
    pub prop: String,
    /// Value, trimmed, without `!important`.
    pub value: String,
    /// `!important`.
    pub important: bool,
}

/// A top-level style rule.
#[derive(Debug, Clone, PartialEq)]
pub struct StyleRule {
    /// Its selectors, lower-cased, whitespace-collapsed.
    pub selectors: Vec<String>,
    /// Its declarations.
    pub decls: Vec<Decl>,
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses declarations (`a: b; c: d !important`).
pub fn parse_decls(body: &str) -> Vec<Decl> {
    body.split(';')
        .filter_map(|d| {
            let (p, v) = d.split_once(':')?;
            let prop = p.trim().to_ascii_lowercase();
            let mut value = v.trim();
            let mut important = false;
            let lower = value.to_ascii_lowercase();
            if let Some(i) = lower.rfind("!important") {
                value = value[..i].trim_end();
                important = true;
            }
            (!prop.is_empty() && !value.is_empty()).then(|| Decl {
                prop,
                value: value.to_string(),
                important,
            })
        })
        .collect()
}

/// Parses the top-level style rules of a stylesheet (at-rule blocks are skipped).
pub fn parse_rules(css: &str) -> Vec<StyleRule> {
    let css = strip_comments(css);
    let bytes = css.as_bytes();
    let mut rules = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let Some(open) = css[i..].find(['{', ';']).map(|k| k + i) else {
            break;
        };
        let prelude = css[i..open].trim();
        if bytes[open] == b';' {
            // `@import …;` / `@charset …;` or stray text
            i = open + 1;
            continue;
        }
        // find the matching close brace
        let mut depth = 0usize;
        let mut j = open;
        while j < bytes.len() {
            match bytes[j] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        let body_end = j.min(bytes.len());
        if !prelude.starts_with('@') {
            let selectors = prelude
                .split(',')
                .map(|s| {
                    s.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_lowercase()
                })
                .filter(|s| !s.is_empty())
                .collect();
            rules.push(StyleRule {
                selectors,
                decls: parse_decls(&css[open + 1..body_end]),
            });
        }
        i = body_end + 1;
    }
    rules
}

/// A value and where it was stated.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// The value: CSS px for font sizes, a multiple of the font size for line heights.
    pub value: f64,
    /// The declaration as written (`font-size: 12px`).
    pub declaration: String,
    /// Where: the stylesheet URL, `<style>` or `style` attribute.
    pub source: String,
}

/// The base typography a page's CSS states.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typography {
    /// The body's font size, when stated.
    pub font_size: Option<Stated>,
    /// The body's line height, when stated (`normal` is not a statement).
    pub line_height: Option<Stated>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Html,
    Body,
}

fn target_of(selector: &str) -> Option<Target> {
    match selector {
        "html" | ":root" => Some(Target::Html),
        "body" | "html body" | "html > body" | "html>body" => Some(Target::Body),
        _ => None,
    }
}

/// A length in px (`parent` for `em`/`%`, `root` for `rem`); keywords per CSS.
pub fn length_px(v: &str, parent: f64, root: f64) -> Option<f64> {
    let v = v.trim().to_ascii_lowercase();
    let kw = match v.as_str() {
        "xx-small" => Some(9.0),
        "x-small" => Some(10.0),
        "small" => Some(13.0),
        "medium" => Some(16.0),
        "large" => Some(18.0),
        "x-large" => Some(24.0),
        "xx-large" => Some(32.0),
        "xxx-large" => Some(48.0),
        "smaller" => Some(parent / 1.2),
        "larger" => Some(parent * 1.2),
        _ => None,
    };
    if kw.is_some() {
        return kw;
    }
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    let px = match unit.trim() {
        "px" => n,
        "pt" => n * 4.0 / 3.0,
        "em" => n * parent,
        "rem" => n * root,
        "%" => n * parent / 100.0,
        "pc" => n * 16.0,
        "in" => n * 96.0,
        "cm" => n * 96.0 / 2.54,
        "mm" => n * 96.0 / 25.4,
        "" if n == 0.0 => 0.0,
        _ => return None,
    };
    (px.is_finite() && px >= 0.0).then_some(px)
}

/// The size and line height of a `font` shorthand (`bold 12px/1.5 "Microsoft YaHei"`).
fn font_shorthand(v: &str) -> (Option<String>, Option<String>) {
    let norm = v.replace(" / ", "/").replace("/ ", "/").replace(" /", "/");
    for tok in norm.split_whitespace() {
        let (size, lh) = match tok.split_once('/') {
            Some((s, l)) => (s, Some(l.to_string())),
            None => (tok, None),
        };
        if length_px(size, 16.0, 16.0).is_some() && !size.chars().all(|c| c.is_ascii_digit()) {
            return (Some(size.to_string()), lh);
        }
    }
    (None, None)
}

struct Collected {
    value: String,
    declaration: String,
    source: String,
    important: bool,
}

fn pick(list: &[Collected]) -> Option<&Collected> {
    list.iter()
        .rev()
        .find(|c| c.important)
        .or_else(|| list.last())
}

/// Stylesheets of a page in document order: `(text, source)`.
pub fn stylesheets(page: &Page, cx: &CheckCx<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for el in page.elements_named_any(&["style", "link"]) {
        if el.attr("media").is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            !(m.contains("screen") || m.contains("all") || m.trim().is_empty())
        }) {
            continue;
        }
        if el.name() == "style" {
            out.push((el.text_content(), "<style>".to_string()));
            continue;
        }
        let is_sheet = el.attr("rel").is_some_and(|r| {
            r.to_ascii_lowercase()
                .split_whitespace()
                .any(|t| t == "stylesheet")
        });
        if !is_sheet {
            continue;
        }
        let Some(href) = el.attr("href") else {
            continue;
        };
        let Some(url) = page.resolve(&href) else {
            continue;
        };
        let Some(url) = super::entry::normalise_script_url(&url, cx.site) else {
            continue;
        };
        if let Some(text) = fetch_text(cx, &url) {
            out.push((text, url.to_string()));
        }
    }
    out
}

fn fetch_text(cx: &CheckCx<'_>, url: &Url) -> Option<String> {
    if url.scheme() != "file" && !cx.services.network() {
        return None;
    }
    match &*cx.services.fetch(url) {
        Ok(raw) if raw.status.is_some_and(|s| (200..300).contains(&s)) => {
            Some(String::from_utf8_lossy(&raw.body).into_owned())
        }
        _ => None,
    }
}

/// The base typography stated by a page's CSS.
pub fn base_typography(page: &Page, cx: &CheckCx<'_>) -> Typography {
    let mut sizes: [Vec<Collected>; 2] = [Vec::new(), Vec::new()];
    let mut heights: [Vec<Collected>; 2] = [Vec::new(), Vec::new()];
    let mut add = |target: Target, d: &Decl, source: &str| {
        let idx = usize::from(target == Target::Body);
        let push = |into: &mut Vec<Collected>, value: String| {
            into.push(Collected {
                value,
                declaration: format!("{}: {}", d.prop, d.value),
                source: source.to_string(),
                important: d.important,
            });
        };
        match d.prop.as_str() {
            "font-size" => push(&mut sizes[idx], d.value.clone()),
            "line-height" => push(&mut heights[idx], d.value.clone()),
            "font" => {
                let (size, lh) = font_shorthand(&d.value);
                if let Some(s) = size {
                    push(&mut sizes[idx], s);
                    // The shorthand resets line-height to `normal` when it gives none.
                    push(&mut heights[idx], lh.unwrap_or_else(|| "normal".into()));
                }
            }
            _ => {}
        }
    };
    for (text, source) in stylesheets(page, cx) {
        for rule in parse_rules(&text) {
            for t in rule.selectors.iter().filter_map(|s| target_of(s)) {
                for d in &rule.decls {
                    add(t, d, &source);
                }
            }
        }
    }
    for (el, t) in [
        (page.html_element(), Target::Html),
        (page.body(), Target::Body),
    ] {
        if let Some(style) = el.and_then(|e| e.attr_trimmed("style")) {
            let source = format!(
                "<{} style>",
                if t == Target::Html { "html" } else { "body" }
            );
            for d in parse_decls(&style) {
                add(t, &d, &source);
            }
        }
    }
    let root_px = pick(&sizes[0])
        .and_then(|c| length_px(&c.value, 16.0, 16.0))
        .unwrap_or(16.0);
    let mut typo = Typography::default();
    let body_size = pick(&sizes[1]).or_else(|| pick(&sizes[0]));
    let body_px = match body_size {
        Some(c) => {
            let parent = if pick(&sizes[1]).is_some() {
                root_px
            } else {
                16.0
            };
            match length_px(&c.value, parent, root_px) {
                Some(px) => {
                    typo.font_size = Some(Stated {
                        value: px,
                        declaration: c.declaration.clone(),
                        source: c.source.clone(),
                    });
                    px
                }
                None => root_px,
            }
        }
        None => root_px,
    };
    if let Some(c) = pick(&heights[1]).or_else(|| pick(&heights[0])) {
        let v = c.value.trim().to_ascii_lowercase();
        let ratio = if let Ok(n) = v.parse::<f64>() {
            Some(n)
        } else if let Some(p) = v.strip_suffix('%') {
            p.trim().parse::<f64>().ok().map(|n| n / 100.0)
        } else {
            length_px(&v, body_px, root_px).map(|px| px / body_px.max(1.0))
        };
        if let Some(r) = ratio.filter(|r| r.is_finite() && *r >= 0.0) {
            typo.line_height = Some(Stated {
                value: r,
                declaration: c.declaration.clone(),
                source: c.source.clone(),
            });
        }
    }
    typo
}

// ----- colours ------------------------------------------------------------------------

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f64, pub f64, pub f64);

const NAMED: &[(&str, (u8, u8, u8))] = &[
    ("black", (0, 0, 0)),
    ("white", (255, 255, 255)),
    ("red", (255, 0, 0)),
    ("green", (0, 128, 0)),
    ("blue", (0, 0, 255)),
    ("yellow", (255, 255, 0)),
    ("gray", (128, 128, 128)),
    ("grey", (128, 128, 128)),
    ("silver", (192, 192, 192)),
    ("maroon", (128, 0, 0)),
    ("purple", (128, 0, 128)),
    ("fuchsia", (255, 0, 255)),
    ("lime", (0, 255, 0)),
    ("olive", (128, 128, 0)),
    ("navy", (0, 0, 128)),
    ("teal", (0, 128, 128)),
    ("aqua", (0, 255, 255)),
    ("orange", (255, 165, 0)),
    ("darkgray", (169, 169, 169)),
    ("darkgrey", (169, 169, 169)),
    ("lightgray", (211, 211, 211)),
    ("lightgrey", (211, 211, 211)),
    ("dimgray", (105, 105, 105)),
    ("gainsboro", (220, 220, 220)),
    ("whitesmoke", (245, 245, 245)),
    ("darkred", (139, 0, 0)),
    ("brown", (165, 42, 42)),
    ("pink", (255, 192, 203)),
    ("gold", (255, 215, 0)),
    ("beige", (245, 245, 220)),
    ("ivory", (255, 255, 240)),
    ("lightyellow", (255, 255, 224)),
    ("lightblue", (173, 216, 230)),
    ("skyblue", (135, 206, 235)),
    ("darkblue", (0, 0, 139)),
    ("darkgreen", (0, 100, 0)),
];

/// Parses a CSS colour: `#rgb`, `#rrggbb` (and with alpha `ff`), `rgb()`/`rgba()` with alpha 1,
/// or a common name. `None` for anything else (transparent, gradients, `var()`...).
pub fn parse_color(v: &str) -> Option<Rgb> {
    let v = v.trim().to_ascii_lowercase();
    if let Some(hex) = v.strip_prefix('#') {
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()?;
        let (r, g, b, a) = match digits.len() {
            3 => (digits[0] * 17, digits[1] * 17, digits[2] * 17, 255),
            4 => (
                digits[0] * 17,
                digits[1] * 17,
                digits[2] * 17,
                digits[3] * 17,
            ),
            6 => (
                digits[0] * 16 + digits[1],
                digits[2] * 16 + digits[3],
                digits[4] * 16 + digits[5],
                255,
            ),
            8 => (
                digits[0] * 16 + digits[1],
                digits[2] * 16 + digits[3],
                digits[4] * 16 + digits[5],
                digits[6] * 16 + digits[7],
            ),
            _ => return None,
        };
        return (a == 255).then(|| Rgb(f64::from(r), f64::from(g), f64::from(b)));
    }
    if let Some(inner) = v
        .strip_prefix("rgba(")
        .or_else(|| v.strip_prefix("rgb("))
        .and_then(|s| s.strip_suffix(')'))
    {
        let parts: Vec<&str> = inner
            .split([',', ' ', '/'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if parts.len() < 3 {
            return None;
        }
        let chan = |s: &str| -> Option<f64> {
            match s.strip_suffix('%') {
                Some(p) => p.parse::<f64>().ok().map(|n| n * 2.55),
                None => s.parse::<f64>().ok(),
            }
        };
        if let Some(a) = parts.get(3) {
            let alpha = match a.strip_suffix('%') {
                Some(p) => p.parse::<f64>().ok()? / 100.0,
                None => a.parse::<f64>().ok()?,
            };
            if alpha < 1.0 {
                return None;
            }
        }
        return Some(Rgb(chan(parts[0])?, chan(parts[1])?, chan(parts[2])?));
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == v)
        .map(|(_, (r, g, b))| Rgb(f64::from(*r), f64::from(*g), f64::from(*b)))
}

fn channel(c: f64) -> f64 {
    let c = (c / 255.0).clamp(0.0, 1.0);
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// WCAG contrast ratio (1–21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_shorthand() {
        let rules = parse_rules(
            "/* c { } */ @charset 'x'; body,html{font-size:12px;line-height:1.5 !important}\n@media (max-width:600px){body{font-size:20px}} .a>b { color: red }",
        );
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].selectors, vec!["body", "html"]);
        assert!(rules[0].decls[1].important);
        assert_eq!(rules[1].selectors, vec![".a>b"]);
        assert_eq!(
            font_shorthand("bold 14px/1.8 \"Microsoft YaHei\""),
            (Some("14px".into()), Some("1.8".into()))
        );
        assert_eq!(
            font_shorthand("12px / 24px SimSun"),
            (Some("12px".into()), Some("24px".into()))
        );
        assert_eq!(length_px("1.2em", 16.0, 16.0), Some(19.2));
        assert_eq!(length_px("75%", 16.0, 16.0), Some(12.0));
        assert_eq!(length_px("12pt", 16.0, 16.0), Some(16.0));
        assert_eq!(length_px("calc(1em + 2px)", 16.0, 16.0), None);
    }

    #[test]
    fn colours_and_contrast() {
        let w = parse_color("#FFF").expect("white");
        let b = parse_color("rgb(0, 0, 0)").expect("black");
        assert!((contrast(w, b) - 21.0).abs() < 1e-6);
        let grey = parse_color("#999999").expect("grey");
        let r = contrast(grey, w);
        assert!((r - 2.85).abs() < 0.01, "{r}");
        assert_eq!(parse_color("rgba(0,0,0,0.5)"), None);
        assert_eq!(parse_color("transparent"), None);
        assert_eq!(parse_color("white"), Some(w));
    }
}
