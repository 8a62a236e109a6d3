//! Links: `a11y/link-name` (axe `link-name`, WCAG 2.4.4 / 4.1.2) and govaudit's
//! `a11y/link-ambiguous` (repeated "更多" links to different pages, WCAG 2.4.4).

use std::collections::{BTreeMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::names::{Source, accessible_name, content_name};
use super::{index, short};
use crate::page::Page;
use crate::rules::{PageCx, Rule};
use crate::tr;

/// `a11y/link-name`: a link (`<a href>`) with no accessible name: no text, no image with an
/// `alt`, no `aria-label`, `aria-labelledby` or `title` (icon-only footer badges with
/// `alt=""` are the typical case). Links hidden from assistive technology are exempt.
pub struct LinkName;

impl Rule for LinkName {
    fn id(&self) -> &'static str {
        "a11y/link-name"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        for el in page.elements_named("a") {
            if !el.has_attr("href") || ix.sr_hidden(el.id()) {
                continue;
            }
            // An explicit non-link role makes it another widget (checked by other rules).
            if let Some(r) = ix.explicit_role(el.id())
                && r.name() != "link"
                && !r.is_presentational()
            {
                continue;
            }
            let name = accessible_name(&el);
            if !name.is_empty() {
                continue;
            }
            let href = el.attr_trimmed("href").unwrap_or_default();
            let icon = el
                .descendants()
                .any(|d| matches!(d.name(), "img" | "svg" | "i" | "span") && !ix.sr_hidden(d.id()));
            let msg = if icon {
                tr!(
                    cx.lang,
                    "链接没有可读的名称（只有图标或空 alt 的图片），读屏软件只能读出网址：{href}",
                    "link has no accessible name (only an icon or an image with empty alt); screen readers read the URL: {href}"
                )
            } else {
                tr!(
                    cx.lang,
                    "链接没有文字、aria-label 或 title：{href}",
                    "link has no text, aria-label or title: {href}"
                )
            };
            cx.report(&el, msg).data.insert("href".into(), href.into());
        }
    }
}

/// Link texts that say nothing about the target on their own (compared after NFKC,
/// lower-casing and dropping punctuation, arrows and spaces).
pub const GENERIC_LINK_TEXTS: &[&str] = &[
    "更多",
    "查看更多",
    "更多信息",
    "more",
    "更多内容",
    "详细",
    "详情",
    "查看详情",
    "详细信息",
    "点击这里",
    "点击此处",
    "点击",
    "这里",
    "此处",
    "点此",
    "阅读全文",
    "全文",
    "查看",
    "进入",
    "readmore",
    "clickhere",
    "here",
    "details",
    "viewmore",
    "查看全文",
];

/// The text reduced for comparison: NFKC, lower case, letters and digits only.
fn reduce(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Most targets listed in a finding's data.
const MAX_TARGETS: usize = 20;

struct Group {
    first: crate::page::ElementId,
    shown: String,
    targets: Vec<String>,
    seen: HashSet<String>,
}

/// `a11y/link-ambiguous` (govaudit): several links with the same generic text (更多, 详细,
/// 点击这里, more) lead to different pages, and none of them says where in `aria-label`,
/// `aria-labelledby` or `title`. Out of context a screen-reader user hears "更多, 更多, 更多".
/// Reported once per text, on its first link.
pub struct LinkAmbiguous;

impl Rule for LinkAmbiguous {
    fn id(&self) -> &'static str {
        "a11y/link-ambiguous"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let ix = index(page);
        // reduced text -> (first element, shown text, distinct targets)
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        for el in page.elements_named("a") {
            let Some(href) = el.attr_trimmed("href") else {
                continue;
            };
            if ix.sr_hidden(el.id()) || href.is_empty() || href.starts_with('#') {
                continue;
            }
            let lower = href.to_ascii_lowercase();
            if lower.starts_with("javascript:") {
                continue;
            }
            let name = accessible_name(&el);
            // A name from aria-label / aria-labelledby, or a title, tells the target.
            let described = matches!(name.source, Source::AriaLabel | Source::LabelledBy)
                || el.attr("title").is_some_and(|t| !t.trim().is_empty());
            if described {
                continue;
            }
            let shown = content_name(&el);
            let key = reduce(&shown);
            if key.is_empty() || !GENERIC_LINK_TEXTS.contains(&key.as_str()) {
                continue;
            }
            let target = page
                .resolve(&href)
                .map(|mut u| {
                    u.set_fragment(None);
                    u.to_string()
                })
                .unwrap_or(href);
            let g = groups.entry(key).or_insert_with(|| Group {
                first: el.id(),
                shown: shown.clone(),
                targets: Vec::new(),
                seen: HashSet::new(),
            });
            if g.seen.insert(target.clone()) && g.targets.len() < MAX_TARGETS {
                g.targets.push(target);
            }
        }
        for (_, g) in groups {
            let n = g.seen.len();
            if n < 2 {
                continue;
            }
            let (first, shown, targets) = (g.first, g.shown, g.targets);
            let el = page.el(first);
            let shown = short(&shown, 20);
            let list: Vec<String> = targets.iter().take(3).cloned().collect();
            let msg = tr!(
                cx.lang,
                "{n} 个文字都是“{shown}”的链接指向不同页面，且没有 aria-label 或 title 说明去向（如 {}）",
                "{n} links all read \"{shown}\" but lead to different pages, with no aria-label or title to tell them apart (e.g. {})",
                list.join(cx.lang.pick("、", ", "))
            );
            let f = cx.report(&el, msg);
            f.count = Some(n);
            f.data.insert("text".into(), shown.into());
            f.data.insert("targets".into(), targets.into());
        }
    }
}
