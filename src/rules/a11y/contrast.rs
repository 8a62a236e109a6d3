//! Colour contrast (`a11y/color-contrast`, WCAG 1.4.3; `a11y/color-contrast-enhanced`, 1.4.6)
//! and `a11y/avoid-inline-spacing` (1.4.12).
//!
//! For every element with text of its own, the text colour is the nearest `color` on the
//! element or its ancestors and the background the nearest `background-color` (translucent
//! layers are blended), both from inline styles or the page's `<style>` blocks ([`super::css`]).
//! Where nothing sets them and the page links no external stylesheet, the browser defaults
//! (black on white) are certain. The contrast ratio is WCAG's
//! `(L1 + 0.05) / (L2 + 0.05)`; large text (≥ 18pt = 24px, or ≥ 14pt ≈ 18.67px bold) needs 3:1
//! instead of 4.5:1 (4.5:1 and 7:1 for the enhanced level).
//!
//! When a colour comes from an uncertain rule, the background is an image, an ancestor is
//! translucent (`opacity`), or the colours may come from an external stylesheet, the element is
//! not decided: the page gets one notice, "needs review", with the count and examples, never a
//! silent pass.

use std::rc::Rc;

use super::css::{Prop, Styles, styles};
use super::{index, is_disabled};
use crate::page::{El, ElementId, Page};
use crate::report::Severity;
use crate::rules::{PageCx, Rule};
use crate::tr;

/// An sRGB colour with alpha, components 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    /// Red.
    pub r: f64,
    /// Green.
    pub g: f64,
    /// Blue.
    pub b: f64,
    /// Alpha.
    pub a: f64,
}

impl Rgba {
    const WHITE: Rgba = Rgba {
        r: 1.0,
        g: 1.0,
        b: 1.0,
        a: 1.0,
    };
    const BLACK: Rgba = Rgba {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        a: 1.0,
    };

    fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba {
            r: f64::from(r) / 255.0,
            g: f64::from(g) / 255.0,
            b: f64::from(b) / 255.0,
            a: 1.0,
        }
    }

    /// This colour composited over an opaque `below`.
    pub fn over(self, below: Rgba) -> Rgba {
        let a = self.a.clamp(0.0, 1.0);
        Rgba {
            r: self.r * a + below.r * (1.0 - a),
            g: self.g * a + below.g * (1.0 - a),
            b: self.b * a + below.b * (1.0 - a),
            a: 1.0,
        }
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let lin = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        let c = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.r), c(self.g), c(self.b))
    }
}

/// The WCAG contrast ratio of two opaque colours (1..=21).
pub fn contrast_ratio(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The CSS named colours (CSS Color Module Level 4 §6.1).
static NAMED: &[(&str, [u8; 3])] = &[
    ("aliceblue", [240, 248, 255]),
    ("antiquewhite", [250, 235, 215]),
    ("aqua", [0, 255, 255]),
    ("aquamarine", [127, 255, 212]),
    ("azure", [240, 255, 255]),
    ("beige", [245, 245, 220]),
    ("bisque", [255, 228, 196]),
    ("black", [0, 0, 0]),
    ("blanchedalmond", [255, 235, 205]),
    ("blue", [0, 0, 255]),
    ("blueviolet", [138, 43, 226]),
    ("brown", [165, 42, 42]),
    ("burlywood", [222, 184, 135]),
    ("cadetblue", [95, 158, 160]),
    ("chartreuse", [127, 255, 0]),
    ("chocolate", [210, 105, 30]),
    ("coral", [255, 127, 80]),
    ("cornflowerblue", [100, 149, 237]),
    ("cornsilk", [255, 248, 220]),
    ("crimson", [220, 20, 60]),
    ("cyan", [0, 255, 255]),
    ("darkblue", [0, 0, 139]),
    ("darkcyan", [0, 139, 139]),
    ("darkgoldenrod", [184, 134, 11]),
    ("darkgray", [169, 169, 169]),
    ("darkgreen", [0, 100, 0]),
    ("darkgrey", [169, 169, 169]),
    ("darkkhaki", [189, 183, 107]),
    ("darkmagenta", [139, 0, 139]),
    ("darkolivegreen", [85, 107, 47]),
    ("darkorange", [255, 140, 0]),
    ("darkorchid", [153, 50, 204]),
    ("darkred", [139, 0, 0]),
    ("darksalmon", [233, 150, 122]),
    ("darkseagreen", [143, 188, 143]),
    ("darkslateblue", [72, 61, 139]),
    ("darkslategray", [47, 79, 79]),
    ("darkslategrey", [47, 79, 79]),
    ("darkturquoise", [0, 206, 209]),
    ("darkviolet", [148, 0, 211]),
    ("deeppink", [255, 20, 147]),
    ("deepskyblue", [0, 191, 255]),
    ("dimgray", [105, 105, 105]),
    ("dimgrey", [105, 105, 105]),
    ("dodgerblue", [30, 144, 255]),
    ("firebrick", [178, 34, 34]),
    ("floralwhite", [255, 250, 240]),
    ("forestgreen", [34, 139, 34]),
    ("fuchsia", [255, 0, 255]),
    ("gainsboro", [220, 220, 220]),
    ("ghostwhite", [248, 248, 255]),
    ("gold", [255, 215, 0]),
    ("goldenrod", [218, 165, 32]),
    ("gray", [128, 128, 128]),
    ("green", [0, 128, 0]),
    ("greenyellow", [173, 255, 47]),
    ("grey", [128, 128, 128]),
    ("honeydew", [240, 255, 240]),
    ("hotpink", [255, 105, 180]),
    ("indianred", [205, 92, 92]),
    ("indigo", [75, 0, 130]),
    ("ivory", [255, 255, 240]),
    ("khaki", [240, 230, 140]),
    ("lavender", [230, 230, 250]),
    ("lavenderblush", [255, 240, 245]),
    ("lawngreen", [124, 252, 0]),
    ("lemonchiffon", [255, 250, 205]),
    ("lightblue", [173, 216, 230]),
    ("lightcoral", [240, 128, 128]),
    ("lightcyan", [224, 255, 255]),
    ("lightgoldenrodyellow", [250, 250, 210]),
    ("lightgray", [211, 211, 211]),
    ("lightgreen", [144, 238, 144]),
    ("lightgrey", [211, 211, 211]),
    ("lightpink", [255, 182, 193]),
    ("lightsalmon", [255, 160, 122]),
    ("lightseagreen", [32, 178, 170]),
    ("lightskyblue", [135, 206, 250]),
    ("lightslategray", [119, 136, 153]),
    ("lightslategrey", [119, 136, 153]),
    ("lightsteelblue", [176, 196, 222]),
    ("lightyellow", [255, 255, 224]),
    ("lime", [0, 255, 0]),
    ("limegreen", [50, 205, 50]),
    ("linen", [250, 240, 230]),
    ("magenta", [255, 0, 255]),
    ("maroon", [128, 0, 0]),
    ("mediumaquamarine", [102, 205, 170]),
    ("mediumblue", [0, 0, 205]),
    ("mediumorchid", [186, 85, 211]),
    ("mediumpurple", [147, 112, 219]),
    ("mediumseagreen", [60, 179, 113]),
    ("mediumslateblue", [123, 104, 238]),
    ("mediumspringgreen", [0, 250, 154]),
    ("mediumturquoise", [72, 209, 204]),
    ("mediumvioletred", [199, 21, 133]),
    ("midnightblue", [25, 25, 112]),
    ("mintcream", [245, 255, 250]),
    ("mistyrose", [255, 228, 225]),
    ("moccasin", [255, 228, 181]),
    ("navajowhite", [255, 222, 173]),
    ("navy", [0, 0, 128]),
    ("oldlace", [253, 245, 230]),
    ("olive", [128, 128, 0]),
    ("olivedrab", [107, 142, 35]),
    ("orange", [255, 165, 0]),
    ("orangered", [255, 69, 0]),
    ("orchid", [218, 112, 214]),
    ("palegoldenrod", [238, 232, 170]),
    ("palegreen", [152, 251, 152]),
    ("paleturquoise", [175, 238, 238]),
    ("palevioletred", [219, 112, 147]),
    ("papayawhip", [255, 239, 213]),
    ("peachpuff", [255, 218, 185]),
    ("peru", [205, 133, 63]),
    ("pink", [255, 192, 203]),
    ("plum", [221, 160, 221]),
    ("powderblue", [176, 224, 230]),
    ("purple", [128, 0, 128]),
    ("rebeccapurple", [102, 51, 153]),
    ("red", [255, 0, 0]),
    ("rosybrown", [188, 143, 143]),
    ("royalblue", [65, 105, 225]),
    ("saddlebrown", [139, 69, 19]),
    ("salmon", [250, 128, 114]),
    ("sandybrown", [244, 164, 96]),
    ("seagreen", [46, 139, 87]),
    ("seashell", [255, 245, 238]),
    ("sienna", [160, 82, 45]),
    ("silver", [192, 192, 192]),
    ("skyblue", [135, 206, 235]),
    ("slateblue", [106, 90, 205]),
    ("slategray", [112, 128, 144]),
    ("slategrey", [112, 128, 144]),
    ("snow", [255, 250, 250]),
    ("springgreen", [0, 255, 127]),
    ("steelblue", [70, 130, 180]),
    ("tan", [210, 180, 140]),
    ("teal", [0, 128, 128]),
    ("thistle", [216, 191, 216]),
    ("tomato", [255, 99, 71]),
    ("turquoise", [64, 224, 208]),
    ("violet", [238, 130, 238]),
    ("wheat", [245, 222, 179]),
    ("white", [255, 255, 255]),
    ("whitesmoke", [245, 245, 245]),
    ("yellow", [255, 255, 0]),
    ("yellowgreen", [154, 205, 50]),
];

/// Parses a CSS colour: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()` (comma or
/// space syntax, numbers or percentages), `hsl()`/`hsla()`, named colours, `transparent`.
/// `None` for anything else (`currentcolor`, `inherit`, `var(...)`, system colours).
pub fn parse_color(value: &str) -> Option<Rgba> {
    let v = value.trim().to_ascii_lowercase();
    if v == "transparent" {
        return Some(Rgba {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            a: 0.0,
        });
    }
    if let Some(hex) = v.strip_prefix('#') {
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok().map(|d| d * 17);
        let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return match hex.len() {
            3 | 4 => {
                let mut c = Rgba::rgb(digit(0)?, digit(1)?, digit(2)?);
                if hex.len() == 4 {
                    c.a = f64::from(digit(3)?) / 255.0;
                }
                Some(c)
            }
            6 | 8 => {
                let mut c = Rgba::rgb(pair(0)?, pair(2)?, pair(4)?);
                if hex.len() == 8 {
                    c.a = f64::from(pair(6)?) / 255.0;
                }
                Some(c)
            }
            _ => None,
        };
    }
    if let Some((func, rest)) = v.split_once('(') {
        let args = rest.strip_suffix(')')?;
        let parts: Vec<&str> = args
            .split([',', ' ', '/'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let alpha = |s: Option<&&str>| -> Option<f64> {
            match s {
                None => Some(1.0),
                Some(a) => match a.strip_suffix('%') {
                    Some(p) => p.parse::<f64>().ok().map(|p| p / 100.0),
                    None => a.parse::<f64>().ok(),
                },
            }
        };
        return match func.trim() {
            "rgb" | "rgba" => {
                if parts.len() < 3 || parts.len() > 4 {
                    return None;
                }
                let chan = |s: &str| -> Option<f64> {
                    match s.strip_suffix('%') {
                        Some(p) => p.parse::<f64>().ok().map(|p| p / 100.0),
                        None => s.parse::<f64>().ok().map(|n| n / 255.0),
                    }
                    .map(|c| c.clamp(0.0, 1.0))
                };
                Some(Rgba {
                    r: chan(parts[0])?,
                    g: chan(parts[1])?,
                    b: chan(parts[2])?,
                    a: alpha(parts.get(3))?.clamp(0.0, 1.0),
                })
            }
            "hsl" | "hsla" => {
                if parts.len() < 3 || parts.len() > 4 {
                    return None;
                }
                let h = parts[0].trim_end_matches("deg").parse::<f64>().ok()?;
                let s = parts[1].strip_suffix('%')?.parse::<f64>().ok()? / 100.0;
                let l = parts[2].strip_suffix('%')?.parse::<f64>().ok()? / 100.0;
                let (r, g, b) = hsl_to_rgb(h, s.clamp(0.0, 1.0), l.clamp(0.0, 1.0));
                Some(Rgba {
                    r,
                    g,
                    b,
                    a: alpha(parts.get(3))?.clamp(0.0, 1.0),
                })
            }
            _ => None,
        };
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == v)
        .map(|(_, [r, g, b])| Rgba::rgb(*r, *g, *b))
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (f64, f64, f64) {
    let h = h.rem_euclid(360.0) / 360.0;
    let q = if l < 0.5 {
        l * (1.0 + s)
    } else {
        l + s - l * s
    };
    let p = 2.0 * l - q;
    let f = |t: f64| {
        let t = t.rem_euclid(1.0);
        if t < 1.0 / 6.0 {
            p + (q - p) * 6.0 * t
        } else if t < 0.5 {
            q
        } else if t < 2.0 / 3.0 {
            p + (q - p) * (2.0 / 3.0 - t) * 6.0
        } else {
            p
        }
    };
    (f(h + 1.0 / 3.0), f(h), f(h - 1.0 / 3.0))
}

/// Why a contrast could not be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// The text colour may come from an external stylesheet or an uncertain rule.
    Foreground,
    /// The background may come from an external stylesheet or an uncertain rule.
    Background,
    /// The background (or an ancestor's) is an image or gradient.
    BackgroundImage,
    /// An ancestor is translucent (`opacity` < 1).
    Opacity,
}

/// The contrast outcome of one text element.
#[derive(Debug, Clone)]
pub struct TextContrast {
    /// The element.
    pub element: ElementId,
    /// Text colour, background (composited), ratio, large text; or why it is unknown.
    pub result: Result<Measured, Unknown>,
    /// Whether the text may be large (font size unknown): the 3:1 threshold might apply.
    pub size_uncertain: bool,
}

/// A measured contrast.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// Text colour.
    pub fg: Rgba,
    /// Background colour.
    pub bg: Rgba,
    /// Contrast ratio.
    pub ratio: f64,
    /// Whether the text is large.
    pub large: bool,
    /// Font size in px.
    pub px: f64,
    /// Bold.
    pub bold: bool,
}

/// The contrast of every text element of a page, computed once.
pub fn measure(page: &Page) -> Rc<Vec<TextContrast>> {
    page.memo(compute)
}

fn has_own_text(el: &El<'_>) -> bool {
    let mut child = el.node().first_child();
    while let Some(c) = child {
        if let Some(t) = c.as_text()
            && t.borrow().chars().any(char::is_alphanumeric)
        {
            return true;
        }
        child = c.next_sibling();
    }
    false
}

/// The inherited colour and font state of one element (computed top-down in one pass).
#[derive(Debug, Clone, Copy)]
struct State {
    /// Text colour: `Ok(None)` when nothing set it.
    fg: Result<Option<Rgba>, Unknown>,
    /// Background: `Ok(None)` when nothing set it; a colour may be translucent (no opaque
    /// layer below it yet).
    bg: Result<Option<Rgba>, Unknown>,
    translucent: bool,
    px: f64,
    bold: bool,
    size_uncertain: bool,
    in_link: bool,
}

impl State {
    fn root(external: bool) -> State {
        State {
            fg: Ok(None),
            bg: Ok(None),
            translucent: false,
            px: 16.0,
            bold: false,
            size_uncertain: external,
            in_link: false,
        }
    }
}

/// `top` composited over `below` (both may be translucent: Porter-Duff "over").
fn blend(top: Rgba, below: Rgba) -> Rgba {
    let a = top.a + below.a * (1.0 - top.a);
    if a <= 0.0 {
        return Rgba {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            a: 0.0,
        };
    }
    let mix = |t: f64, b: f64| (t * top.a + b * below.a * (1.0 - top.a)) / a;
    Rgba {
        r: mix(top.r, below.r),
        g: mix(top.g, below.g),
        b: mix(top.b, below.b),
        a,
    }
}

fn step(el: &El<'_>, parent: &State, st: &Styles) -> State {
    let mut s = *parent;
    let id = el.id();
    if el.name() == "a" && el.has_attr("href") {
        s.in_link = true;
    }
    if let Some(v) = st.value(id, Prop::Opacity)
        && (!v.certain || v.value.parse::<f64>().map_or(true, |o| o < 1.0))
    {
        s.fg = Err(Unknown::Opacity);
    }
    if s.fg.is_ok()
        && let Some(v) = st.value(id, Prop::Color)
        && !matches!(v.value.as_str(), "inherit" | "currentcolor" | "unset")
    {
        s.fg = if !v.certain {
            Err(Unknown::Foreground)
        } else {
            match parse_color(&v.value) {
                Some(c) => Ok(Some(c)),
                None if v.value == "initial" => Ok(Some(Rgba::BLACK)),
                None => Err(Unknown::Foreground),
            }
        };
    }
    if s.bg.is_ok() {
        if let Some(v) = st.value(id, Prop::BackgroundImage)
            && v.value != "none"
            && !matches!(v.value.as_str(), "initial" | "unset" | "inherit")
        {
            s.bg = Err(Unknown::BackgroundImage);
        } else if let Some(v) = st.value(id, Prop::BackgroundColor)
            && !matches!(v.value.as_str(), "inherit" | "initial" | "unset")
        {
            match (v.certain, parse_color(&v.value)) {
                (true, Some(c)) if c.a >= 1.0 => {
                    s.bg = Ok(Some(c));
                    s.translucent = false;
                }
                (true, Some(c)) if c.a <= 0.0 => {}
                (true, Some(c)) => match parent.bg {
                    Ok(Some(below)) => {
                        let mixed = blend(c, below);
                        s.translucent = mixed.a < 1.0;
                        s.bg = Ok(Some(mixed));
                    }
                    _ => {
                        s.bg = Ok(Some(c));
                        s.translucent = true;
                    }
                },
                _ => s.bg = Err(Unknown::Background),
            }
        }
    }
    let ua_scale = match el.name() {
        "h1" => Some(2.0),
        "h2" => Some(1.5),
        "h3" => Some(1.17),
        "h5" => Some(0.83),
        "h6" => Some(0.67),
        "small" => Some(0.83),
        "big" => Some(1.2),
        _ => None,
    };
    match st.value(id, Prop::FontSize) {
        Some(v) => {
            if !v.certain {
                s.size_uncertain = true;
            }
            match font_size_px(&v.value, parent.px) {
                Some(p) => s.px = p,
                None => s.size_uncertain = true,
            }
        }
        None => {
            if let Some(k) = ua_scale {
                s.px = parent.px * k;
            }
        }
    }
    match st.value(id, Prop::FontWeight) {
        Some(v) => {
            s.bold = match v.value.as_str() {
                "bold" | "bolder" => true,
                "normal" | "lighter" => false,
                n => n.parse::<u32>().map_or(parent.bold, |w| w >= 700),
            }
        }
        None => {
            if matches!(
                el.name(),
                "b" | "strong" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            ) {
                s.bold = true;
            }
        }
    }
    s
}

fn compute(page: &Page) -> Vec<TextContrast> {
    let ix = index(page);
    let st = styles(page);
    let root = State::root(st.external);
    let mut states: Vec<State> = Vec::with_capacity(page.element_count());
    let mut out = Vec::new();
    for el in page.elements() {
        let parent = el.parent().map_or(root, |p| states[p.id().0 as usize]);
        let s = step(&el, &parent, &st);
        states.push(s);
        if !el.is_html()
            || ix.sr_hidden(el.id())
            || el.in_non_text()
            || matches!(
                el.name(),
                "option" | "optgroup" | "select" | "textarea" | "title" | "noscript"
            )
            || !has_own_text(&el)
        {
            continue;
        }
        if is_disabled(&el) || el.ancestors().take(3).any(|a| is_disabled(&a)) {
            continue;
        }
        let large = s.px >= 24.0 || (s.bold && s.px >= 18.66);
        let fg = match s.fg {
            Ok(Some(c)) => Ok(c),
            Ok(None) if st.external || s.in_link => Err(Unknown::Foreground),
            Ok(None) => Ok(Rgba::BLACK),
            Err(e) => Err(e),
        };
        let bg = match s.bg {
            Ok(Some(c)) if !s.translucent => Ok(c),
            Ok(Some(_)) | Ok(None) if st.external => Err(Unknown::Background),
            Ok(Some(c)) => Ok(c.over(Rgba::WHITE)),
            Ok(None) => Ok(Rgba::WHITE),
            Err(e) => Err(e),
        };
        let result = match (fg, bg) {
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok(fg), Ok(bg)) => {
                let fg = if fg.a < 1.0 { fg.over(bg) } else { fg };
                Ok(Measured {
                    fg,
                    bg,
                    ratio: contrast_ratio(fg, bg),
                    large,
                    px: s.px,
                    bold: s.bold,
                })
            }
        };
        out.push(TextContrast {
            element: el.id(),
            result,
            size_uncertain: s.size_uncertain,
        });
    }
    out
}

/// A `font-size` value in px: CSS lengths and keywords as the elder-care checks read them (the
/// root size is the browsers' default 16px), plus the inheritance keywords.
fn font_size_px(value: &str, parent: f64) -> Option<f64> {
    match value.trim() {
        "inherit" | "unset" => Some(parent),
        "initial" => Some(16.0),
        v => crate::rules::versions::css::length_px(v, parent, 16.0),
    }
}

/// `a11y/color-contrast` (AA) and `a11y/color-contrast-enhanced` (AAA).
pub struct ColorContrast {
    id: &'static str,
    normal: f64,
    large: f64,
}

impl ColorContrast {
    /// WCAG 1.4.3: 4.5:1, large text 3:1.
    pub const AA: ColorContrast = ColorContrast {
        id: "a11y/color-contrast",
        normal: 4.5,
        large: 3.0,
    };
    /// WCAG 1.4.6: 7:1, large text 4.5:1.
    pub const AAA: ColorContrast = ColorContrast {
        id: "a11y/color-contrast-enhanced",
        normal: 7.0,
        large: 4.5,
    };
}

/// Most failing elements reported one by one on a page; the rest are counted.
const MAX_REPORTED: usize = 50;

impl Rule for ColorContrast {
    fn id(&self) -> &'static str {
        self.id
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let results = measure(page);
        let mut reported = 0usize;
        let mut more = 0usize;
        let mut review: Vec<(ElementId, String)> = Vec::new();
        for t in results.iter() {
            let el = page.el(t.element);
            match &t.result {
                Ok(m) => {
                    let need = if m.large { self.large } else { self.normal };
                    let ratio = (m.ratio * 100.0).floor() / 100.0;
                    if ratio >= need {
                        continue;
                    }
                    // The size may be larger than we know: between the two thresholds the
                    // large-text threshold might apply.
                    if !m.large && t.size_uncertain && ratio >= self.large {
                        review.push((
                            t.element,
                            cx.lang
                                .pick(
                                    "字号可能由外部样式表设置",
                                    "font size may come from an external stylesheet",
                                )
                                .to_string(),
                        ));
                        continue;
                    }
                    if reported >= MAX_REPORTED {
                        more += 1;
                        continue;
                    }
                    reported += 1;
                    let (fg, bg) = (m.fg.hex(), m.bg.hex());
                    let size = if m.large {
                        cx.lang.pick("大字号", "large text")
                    } else {
                        cx.lang.pick("正常字号", "normal text")
                    };
                    let text = super::short(el.visible_text(), 20);
                    let msg = tr!(
                        cx.lang,
                        "文字“{text}”的颜色 {fg} 与背景 {bg} 对比度为 {ratio:.2}:1，低于{size}要求的 {need}:1",
                        "text \"{text}\": colour {fg} on {bg} has contrast {ratio:.2}:1, below the {need}:1 required for {size}"
                    );
                    let f = cx.report(&el, msg);
                    f.data.insert("foreground".into(), fg.into());
                    f.data.insert("background".into(), bg.into());
                    f.data.insert("ratio".into(), serde_json::json!(ratio));
                    f.data.insert("expected".into(), serde_json::json!(need));
                    f.data.insert(
                        "font_px".into(),
                        serde_json::json!((m.px * 10.0).round() / 10.0),
                    );
                    f.data.insert("bold".into(), m.bold.into());
                }
                Err(why) => {
                    let reason = match why {
                        Unknown::Foreground => cx.lang.pick(
                            "文字颜色可能由外部样式表或无法静态判断的规则设置",
                            "text colour may come from an external stylesheet or a rule that cannot be decided statically",
                        ),
                        Unknown::Background => cx.lang.pick(
                            "背景颜色可能由外部样式表或无法静态判断的规则设置",
                            "background may come from an external stylesheet or a rule that cannot be decided statically",
                        ),
                        Unknown::BackgroundImage => {
                            cx.lang.pick("背景是图片或渐变", "the background is an image or gradient")
                        }
                        Unknown::Opacity => cx.lang.pick("元素半透明（opacity）", "translucent (opacity)"),
                    };
                    review.push((t.element, reason.to_string()));
                }
            }
        }
        if more > 0 {
            let msg = tr!(
                cx.lang,
                "另有 {more} 处文字对比度不足（未逐一列出）",
                "{more} more text elements have insufficient contrast (not listed one by one)"
            );
            cx.report_page(msg).count = Some(more);
        }
        if !review.is_empty() {
            let n = review.len();
            let mut reasons: Vec<&str> = review.iter().map(|(_, r)| r.as_str()).collect();
            reasons.sort_unstable();
            reasons.dedup();
            let reasons = reasons.join(cx.lang.pick("；", "; "));
            let msg = tr!(
                cx.lang,
                "需人工复核：{n} 处文字的对比度无法静态确定（{reasons}）",
                "needs review: the contrast of {n} text elements cannot be decided statically ({reasons})"
            );
            let examples: Vec<serde_json::Value> = review
                .iter()
                .take(5)
                .map(|(id, _)| page.el(*id).selector().into())
                .collect();
            let f = cx.report_page(msg);
            f.severity = Severity::Notice;
            f.count = Some(n);
            f.data.insert("needs_review".into(), true.into());
            f.data.insert("examples".into(), examples.into());
        }
    }
}

/// `a11y/avoid-inline-spacing`: an inline `style` that forces text spacing with `!important`
/// below WCAG 1.4.12's values (letter-spacing 0.12em, word-spacing 0.16em, line-height 1.5),
/// so users' own spacing styles cannot override it.
pub struct AvoidInlineSpacing;

impl Rule for AvoidInlineSpacing {
    fn id(&self) -> &'static str {
        "a11y/avoid-inline-spacing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements() {
            let Some(style) = el.attr("style") else {
                continue;
            };
            if !style.contains("important") || ix.sr_hidden(el.id()) {
                continue;
            }
            let style = style.to_ascii_lowercase();
            let mut bad: Vec<String> = Vec::new();
            for decl in style.split(';') {
                let Some((prop, value)) = decl.split_once(':') else {
                    continue;
                };
                let prop = prop.trim();
                let Some(value) = value.trim().strip_suffix("important") else {
                    continue;
                };
                let Some(value) = value.trim_end().strip_suffix('!') else {
                    continue;
                };
                let value = value.trim();
                let (min, unitless_ok) = match prop {
                    "letter-spacing" => (0.12, false),
                    "word-spacing" => (0.16, false),
                    "line-height" => (1.5, true),
                    _ => continue,
                };
                let em = match value {
                    "normal" => Some(if prop == "line-height" { 1.0 } else { 0.0 }),
                    v => spacing_em(v, unitless_ok),
                };
                let Some(em) = em else { continue };
                // line-height only matters for text that wraps; short labels are exempt.
                if prop == "line-height" && el.visible_text().chars().count() < 40 {
                    continue;
                }
                if em < min {
                    bad.push(format!("{prop}: {value} !important"));
                }
            }
            if bad.is_empty() {
                continue;
            }
            let list = bad.join("; ");
            let msg = tr!(
                cx.lang,
                "内联样式用 !important 固定了文字间距：{list}（用户无法调大间距；至少应为字间距 0.12em、词间距 0.16em、行高 1.5）",
                "inline style fixes text spacing with !important: {list} (users cannot enlarge it; the minimums are letter-spacing 0.12em, word-spacing 0.16em, line-height 1.5)"
            );
            cx.report(&el, msg);
        }
    }
}

/// A spacing value in em (px assume the 16px default font size).
fn spacing_em(value: &str, unitless_ok: bool) -> Option<f64> {
    let num = |s: &str| s.trim().parse::<f64>().ok();
    if let Some(n) = value.strip_suffix("rem") {
        return num(n);
    }
    if let Some(n) = value.strip_suffix("em") {
        return num(n);
    }
    if let Some(n) = value.strip_suffix("px") {
        return num(n).map(|n| n / 16.0);
    }
    if let Some(n) = value.strip_suffix("pt") {
        return num(n).map(|n| n * 4.0 / 3.0 / 16.0);
    }
    if let Some(n) = value.strip_suffix('%') {
        return num(n).map(|n| n / 100.0);
    }
    if unitless_ok {
        return num(value);
    }
    num(value).filter(|n| *n == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse() {
        let c = |s| parse_color(s).map(Rgba::hex);
        assert_eq!(c("#fff").as_deref(), Some("#ffffff"));
        assert_eq!(c("#336699").as_deref(), Some("#336699"));
        assert_eq!(c("rgb(255, 0, 0)").as_deref(), Some("#ff0000"));
        assert_eq!(c("rgb(0 128 0 / 50%)").as_deref(), Some("#008000"));
        assert_eq!(c("hsl(0, 0%, 50%)").as_deref(), Some("#808080"));
        assert_eq!(c("SteelBlue").as_deref(), Some("#4682b4"));
        assert_eq!(parse_color("rgba(0,0,0,.5)").map(|c| c.a), Some(0.5));
        assert_eq!(parse_color("transparent").map(|c| c.a), Some(0.0));
        assert!(parse_color("currentcolor").is_none());
        assert!(parse_color("#ggg").is_none());
        assert!(parse_color("var(--x)").is_none());
        assert!(parse_color("rgb(1,2)").is_none());
        assert_eq!(NAMED.len(), 148);
    }

    #[test]
    fn ratios() {
        let r = contrast_ratio(Rgba::BLACK, Rgba::WHITE);
        assert!((r - 21.0).abs() < 1e-9);
        let grey = parse_color("#777").expect("grey");
        let r = contrast_ratio(grey, Rgba::WHITE);
        assert!((r - 4.48).abs() < 0.01, "{r}");
        let c = parse_color("#767676").expect("c");
        assert!(contrast_ratio(c, Rgba::WHITE) >= 4.5);
    }

    #[test]
    fn font_sizes() {
        assert_eq!(font_size_px("12pt", 16.0), Some(16.0));
        assert_eq!(font_size_px("1.5em", 16.0), Some(24.0));
        assert_eq!(font_size_px("150%", 20.0), Some(30.0));
        assert_eq!(font_size_px("x-large", 16.0), Some(24.0));
        assert_eq!(font_size_px("calc(1em + 2px)", 16.0), None);
    }

    #[test]
    fn spacing() {
        assert_eq!(spacing_em("0.1em", false), Some(0.1));
        assert_eq!(spacing_em("2px", false), Some(0.125));
        assert_eq!(spacing_em("1.2", true), Some(1.2));
        assert_eq!(spacing_em("3", false), None);
    }
}
