//! Identity rules (标识, RULES.md §2 and §10): 网站标识码, the identity `<meta>` tags, the
//! 党政机关网站标识, 我为政府网站找错, 主办单位, contact details, the site map, the domain, and
//! the cross-field `consistency/*` checks. Also the identity inventory: `pages[].identity`,
//! `sites[].identity` and a terminal section.
//!
//! Every page is read once by [`crate::rules::filing::extract::extraction`] (shared with the
//! filing family).

pub mod inventory;
pub mod site;

use serde::{Deserialize, Serialize};
use url::Url;

use super::filing::extract::{ConacKind, Extraction, JiucuoHit, Loc, PageKind, extraction};
use super::filing::patterns::{self, SiteCodeProblem};
use super::filing::text::normalize;
use super::filing::{data, report_at, report_missing};
use super::{Family, PageCx, Rule};
use crate::page::Page;
use crate::tr;

/// Options of this family (flattened into the command line; `[identity]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IdentityOptions {
    /// The host the site is published under, for local audits (folders and files have no host):
    /// enables identity/meta-site-domain and the domain checks there [default: none; remote
    /// audits use the URL's host]
    #[arg(long = "site-host", value_name = "HOST")]
    pub site_host: Option<String>,

    /// `<meta name>` tags every page must carry (repeatable) [default: SiteName, SiteDomain,
    /// SiteIDCode]
    #[arg(long = "meta-required", value_name = "NAME", value_delimiter = ',')]
    pub meta_required: Vec<String>,

    /// `<meta name>` tags a column page (one with Column* tags) must carry [default:
    /// ColumnName, ColumnDescription, ColumnKeywords, ColumnType]
    #[arg(long = "meta-column", value_name = "NAME", value_delimiter = ',')]
    pub meta_column: Vec<String>,

    /// `<meta name>` tags an article page (one with ArticleTitle, PubDate or ContentSource)
    /// must carry [default: ArticleTitle, PubDate, ContentSource]
    #[arg(long = "meta-article", value_name = "NAME", value_delimiter = ',')]
    pub meta_article: Vec<String>,

    /// Accept `PubDate` with seconds (`2016-11-22 09:53:00`) [default: true]
    #[arg(long = "pubdate-allow-seconds", value_name = "BOOL")]
    pub pubdate_allow_seconds: Option<bool>,

    /// Labels that introduce the sponsor, followed by a colon (repeatable) [default: 主办单位,
    /// 主办, 主办方, 主办机关]
    #[arg(long = "sponsor-label", value_name = "TEXT", value_delimiter = ',')]
    pub sponsor_labels: Vec<String>,

    /// Link texts that count as the 找错 entry besides the widget (repeatable) [default:
    /// 我为政府网站找错, 网站纠错, 我要纠错, 我要找错]
    #[arg(long = "jiucuo-text", value_name = "TEXT", value_delimiter = ',')]
    pub jiucuo_texts: Vec<String>,

    /// Legacy 找错 hosts reported by identity/jiucuo-legacy-host, besides raw IP addresses
    /// (repeatable) [default: pucha.kaipuyun.cn]
    #[arg(
        long = "jiucuo-legacy-host",
        value_name = "HOST",
        value_delimiter = ','
    )]
    pub jiucuo_legacy_hosts: Vec<String>,

    /// Link texts of the site map (repeatable) [default: 网站地图, 站点地图]
    #[arg(long = "sitemap-text", value_name = "TEXT", value_delimiter = ',')]
    pub sitemap_texts: Vec<String>,

    /// Fewest same-site links a site map must list [default: 5]
    #[arg(long = "sitemap-min-links", value_name = "N")]
    pub sitemap_min_links: Option<usize>,

    /// Check that the site map names every column seen (pages with a ColumnName and no article
    /// tags) [default: true]
    #[arg(long = "sitemap-columns", value_name = "BOOL")]
    pub sitemap_columns: Option<bool>,

    /// Report home-page footer items missing on inner pages (identity/footer-inconsistent);
    /// whether every page needs the full set is unconfirmed [default: true]
    #[arg(long = "footer-inconsistent", value_name = "BOOL")]
    pub footer_inconsistent: Option<bool>,

    /// Most same-site external scripts read per page to find a script-written footer (0 = none)
    /// [default: 6]
    #[arg(long = "footer-scripts", value_name = "N")]
    pub footer_scripts: Option<usize>,
}

fn list_or(v: &[String], default: &[&str]) -> Vec<String> {
    if v.is_empty() {
        default.iter().map(|s| (*s).to_string()).collect()
    } else {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

impl IdentityOptions {
    /// The configured host, lower case.
    pub fn site_host(&self) -> Option<String> {
        self.site_host
            .as_deref()
            .map(|h| h.trim().trim_end_matches('/').to_ascii_lowercase())
            .map(|h| h.split("://").last().unwrap_or(&h).to_string())
            .filter(|h| !h.is_empty())
    }

    /// Meta tags on every page.
    pub fn meta_required(&self) -> Vec<String> {
        list_or(
            &self.meta_required,
            &["SiteName", "SiteDomain", "SiteIDCode"],
        )
    }

    /// Meta tags on column pages.
    pub fn meta_column(&self) -> Vec<String> {
        list_or(
            &self.meta_column,
            &[
                "ColumnName",
                "ColumnDescription",
                "ColumnKeywords",
                "ColumnType",
            ],
        )
    }

    /// Meta tags on article pages.
    pub fn meta_article(&self) -> Vec<String> {
        list_or(
            &self.meta_article,
            &["ArticleTitle", "PubDate", "ContentSource"],
        )
    }

    /// Whether `PubDate` may carry seconds.
    pub fn pubdate_allow_seconds(&self) -> bool {
        self.pubdate_allow_seconds.unwrap_or(true)
    }

    /// Sponsor labels.
    pub fn sponsor_labels(&self) -> Vec<String> {
        list_or(
            &self.sponsor_labels,
            &["主办单位", "主办", "主办方", "主办机关"],
        )
    }

    /// 找错 link texts.
    pub fn jiucuo_texts(&self) -> Vec<String> {
        list_or(
            &self.jiucuo_texts,
            &["我为政府网站找错", "网站纠错", "我要纠错", "我要找错"],
        )
    }

    /// Legacy 找错 hosts.
    pub fn jiucuo_legacy_hosts(&self) -> Vec<String> {
        list_or(&self.jiucuo_legacy_hosts, &["pucha.kaipuyun.cn"])
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect()
    }

    /// Site map link texts.
    pub fn sitemap_texts(&self) -> Vec<String> {
        list_or(&self.sitemap_texts, &["网站地图", "站点地图"])
    }

    /// Fewest links of a site map.
    pub fn sitemap_min_links(&self) -> usize {
        self.sitemap_min_links.unwrap_or(5)
    }

    /// Whether the site map must name the columns.
    pub fn sitemap_columns(&self) -> bool {
        self.sitemap_columns.unwrap_or(true)
    }

    /// Whether footer-inconsistent compares pages.
    pub fn footer_inconsistent(&self) -> bool {
        self.footer_inconsistent.unwrap_or(true)
    }

    /// External scripts read per page.
    pub fn footer_scripts(&self) -> usize {
        self.footer_scripts.unwrap_or(6)
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(SiteCodeMissing),
            Box::new(SiteCodeFormat),
            Box::new(SiteCodeDivision),
            Box::new(SiteCodeMismatch),
            Box::new(MetaMissing),
            Box::new(MetaSiteCodeEmpty),
            Box::new(MetaSiteDomain),
            Box::new(MetaSiteName),
            Box::new(MetaPubdateFormat),
            Box::new(ConacMissing),
            Box::new(ConacLink),
            Box::new(JiucuoMissing),
            Box::new(JiucuoLegacyHost),
            Box::new(JiucuoHttp),
            Box::new(SponsorMissing),
            Box::new(ContactMissing),
            Box::new(site::SitemapMissing),
            Box::new(site::FooterInconsistent),
            Box::new(site::DomainNotGovcn),
            Box::new(site::DomainDeptNotSubdomain),
            Box::new(ProvinceMismatch),
            Box::new(BmNotBeijing),
        ],
        collectors: vec![Box::new(inventory::IdentityCollector)],
        sections: vec![inventory::terminal_section],
    }
}

/// The page's extraction, or `None` for pages the footer rules do not apply to (see
/// [`super::filing::extract::footer_applies`]).
fn ext(page: &Page, cx: &PageCx<'_>) -> Option<std::rc::Rc<Extraction>> {
    super::filing::extract::footer_applies(page)
        .then(|| extraction(page, cx.options, cx.site, cx.services))
}

/// Where a site code was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeSource {
    Footer,
    Meta,
    Jiucuo,
}

impl CodeSource {
    fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            CodeSource::Footer => lang.pick("页面底部", "footer"),
            CodeSource::Meta => {
                lang.pick("<meta name=\"SiteIDCode\">", "<meta name=\"SiteIDCode\">")
            }
            CodeSource::Jiucuo => lang.pick("找错组件 sitecode", "找错 widget sitecode"),
        }
    }

    fn key(self) -> &'static str {
        match self {
            CodeSource::Footer => "footer",
            CodeSource::Meta => "meta",
            CodeSource::Jiucuo => "jiucuo",
        }
    }
}

/// The site codes of a page by source: the primary footer code, the meta code, the 找错 codes.
fn page_codes(ext: &Extraction) -> Vec<(CodeSource, String)> {
    let mut out = Vec::new();
    if let Some(h) = ext.primary_site_code() {
        out.push((CodeSource::Footer, h.code.clone()));
    }
    if let Some(m) = &ext.meta.site_id_code {
        out.push((CodeSource::Meta, m.clone()));
    }
    let mut seen: Vec<&str> = Vec::new();
    for j in &ext.jiucuo {
        if let Some(c) = &j.site_code
            && !seen.contains(&c.as_str())
        {
            seen.push(c);
            out.push((CodeSource::Jiucuo, c.clone()));
        }
    }
    out
}

fn meta_loc(_page: &Page, ext: &Extraction, shown: &str) -> Loc {
    Loc {
        el: ext.meta.site_id_code_el,
        shown: shown.to_string(),
        in_bottom: false,
        evidence: super::filing::extract::Evidence::Markup,
        script_url: None,
    }
}

fn jiucuo_loc(j: &JiucuoHit) -> Loc {
    j.loc.clone()
}

/// `identity/site-code-missing`.
pub struct SiteCodeMissing;

impl Rule for SiteCodeMissing {
    fn id(&self) -> &'static str {
        "identity/site-code-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if !ext.site_codes.is_empty() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面底部未找到网站标识码（应标明“网站标识码：”加 10 位数字或 bm 加 8 位数字）",
            "no 网站标识码 (site identifier) found in the page footer (expected 网站标识码: with 10 digits or bm + 8 digits)"
        );
        report_missing(cx, &ext, "网站标识码", "the site identifier", msg);
    }
}

/// `identity/site-code-format`.
pub struct SiteCodeFormat;

impl Rule for SiteCodeFormat {
    fn id(&self) -> &'static str {
        "identity/site-code-format"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let lang = cx.lang;
        let mut seen: Vec<String> = Vec::new();
        let exp = lang.pick(
            "应为 10 位数字（地方网站）或 bm 加 8 位数字（国务院部门）",
            "expected 10 digits (local sites) or bm + 8 digits (State Council departments)",
        );
        for h in &ext.site_codes {
            let Some(p) = patterns::classify_site_code(&h.code) else {
                continue;
            };
            if seen.contains(&h.code) {
                continue;
            }
            seen.push(h.code.clone());
            let code = &h.code;
            let msg = match p {
                SiteCodeProblem::Empty => tr!(
                    lang,
                    "页面底部有“网站标识码”字样，但后面没有标识码（{exp}）",
                    "the footer shows the label 网站标识码 with no code after it ({exp})"
                ),
                SiteCodeProblem::Format => {
                    let shape = patterns::site_code_shape(code, lang);
                    tr!(
                        lang,
                        "页面底部的网站标识码 {code} 格式不对：{shape}，{exp}",
                        "footer site identifier {code} is malformed: {shape}, {exp}"
                    )
                }
            };
            let f = report_at(cx, page, &h.loc, msg);
            f.data.insert("found".into(), code.clone().into());
            f.data.insert("source".into(), "footer".into());
        }
        for (source, code) in page_codes(&ext) {
            if source == CodeSource::Footer || code.is_empty() || seen.contains(&code) {
                continue;
            }
            if patterns::classify_site_code(&code).is_none() {
                continue;
            }
            seen.push(code.clone());
            let shape = patterns::site_code_shape(&code, lang);
            let label = source.label(lang);
            let msg = tr!(
                lang,
                "{label} 中的网站标识码 {code} 格式不对：{shape}，{exp}",
                "site identifier {code} in the {label} is malformed: {shape}, {exp}"
            );
            let loc = match source {
                CodeSource::Meta => meta_loc(page, &ext, &code),
                _ => ext
                    .jiucuo
                    .iter()
                    .find(|j| j.site_code.as_deref() == Some(code.as_str()))
                    .map_or_else(|| meta_loc(page, &ext, &code), jiucuo_loc),
            };
            let f = report_at(cx, page, &loc, msg);
            f.data.insert("found".into(), code.clone().into());
            f.data.insert("source".into(), source.key().into());
        }
    }
}

/// `identity/site-code-division`.
pub struct SiteCodeDivision;

impl Rule for SiteCodeDivision {
    fn id(&self) -> &'static str {
        "identity/site-code-division"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let mut seen: Vec<String> = Vec::new();
        for (source, code) in page_codes(&ext) {
            if code.len() != 10 || !code.chars().all(|c| c.is_ascii_digit()) || seen.contains(&code)
            {
                continue;
            }
            seen.push(code.clone());
            if data::division_of_digits(&code).is_some() {
                continue;
            }
            let six = &code[..6];
            let label = source.label(cx.lang);
            let msg = tr!(
                cx.lang,
                "网站标识码 {code}（{label}）的前六位 {six} 不是任何年份的县级以上行政区划代码（GB/T 2260）",
                "site identifier {code} ({label}): digits 1–6 {six} are not a GB/T 2260 division code of any year"
            );
            let loc = match source {
                CodeSource::Footer => ext.primary_site_code().map(|h| h.loc.clone()),
                CodeSource::Meta => Some(meta_loc(page, &ext, &code)),
                CodeSource::Jiucuo => ext
                    .jiucuo
                    .iter()
                    .find(|j| j.site_code.as_deref() == Some(code.as_str()))
                    .map(jiucuo_loc),
            }
            .unwrap_or_else(|| meta_loc(page, &ext, &code));
            let f = report_at(cx, page, &loc, msg);
            f.data.insert("found".into(), code.clone().into());
            f.data.insert("division".into(), six.into());
        }
    }
}

/// `identity/site-code-mismatch`.
pub struct SiteCodeMismatch;

impl Rule for SiteCodeMismatch {
    fn id(&self) -> &'static str {
        "identity/site-code-mismatch"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let codes: Vec<(CodeSource, String)> = page_codes(&ext)
            .into_iter()
            .filter(|(_, c)| patterns::classify_site_code(c).is_none())
            .collect();
        let mut distinct: Vec<&str> = codes.iter().map(|(_, c)| c.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 2 {
            return;
        }
        let lang = cx.lang;
        let list = codes
            .iter()
            .map(|(s, c)| format!("{} {c}", s.label(lang)))
            .collect::<Vec<_>>()
            .join(lang.pick("，", ", "));
        let msg = tr!(
            lang,
            "同一页面上的网站标识码不一致：{list}",
            "the page gives different site identifiers: {list}"
        );
        // Point at the odd one out: the meta tag when it differs from the footer.
        let footer = codes
            .iter()
            .find(|(s, _)| *s == CodeSource::Footer)
            .map(|(_, c)| c.clone());
        let loc = match (&footer, &ext.meta.site_id_code) {
            (Some(f), Some(m)) if f != m => meta_loc(page, &ext, m),
            _ => ext
                .primary_site_code()
                .map(|h| h.loc.clone())
                .unwrap_or_else(|| meta_loc(page, &ext, "")),
        };
        let f = report_at(cx, page, &loc, msg);
        for (s, c) in &codes {
            f.data.insert(s.key().into(), c.clone().into());
        }
    }
}

/// `identity/meta-missing`.
pub struct MetaMissing;

impl Rule for MetaMissing {
    fn id(&self) -> &'static str {
        "identity/meta-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let o = &cx.options.identity;
        let mut required = o.meta_required();
        match ext.meta.kind {
            PageKind::Article => required.extend(o.meta_article()),
            PageKind::Column => required.extend(o.meta_column()),
            PageKind::Other => {}
        }
        let missing: Vec<String> = required.into_iter().filter(|n| !ext.meta.has(n)).collect();
        if missing.is_empty() {
            return;
        }
        let list = missing.join(", ");
        let kind = match ext.meta.kind {
            PageKind::Article => cx.lang.pick("文章页", "article page"),
            PageKind::Column => cx.lang.pick("栏目页", "column page"),
            PageKind::Other => cx.lang.pick("页面", "page"),
        };
        let msg = tr!(
            cx.lang,
            "{kind}缺少《网页设计规范》要求的 <meta> 标签：{list}",
            "{kind} lacks the <meta> tags of the D1 design annex: {list}"
        );
        let f = cx.report_page(msg);
        f.data.insert("missing".into(), missing.into());
    }
}

/// `identity/meta-site-code-empty`.
pub struct MetaSiteCodeEmpty;

impl Rule for MetaSiteCodeEmpty {
    fn id(&self) -> &'static str {
        "identity/meta-site-code-empty"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if ext.meta.site_id_code.as_deref() != Some("") {
            return;
        }
        let footer = ext
            .primary_site_code()
            .map(|h| h.code.clone())
            .filter(|c| !c.is_empty());
        let msg = match &footer {
            Some(code) => tr!(
                cx.lang,
                "<meta name=\"SiteIDCode\"> 的内容为空（页面底部的网站标识码是 {code}）",
                "<meta name=\"SiteIDCode\"> is empty (the footer says {code})"
            ),
            None => tr!(
                cx.lang,
                "<meta name=\"SiteIDCode\"> 的内容为空，应填写网站标识码",
                "<meta name=\"SiteIDCode\"> is empty; it should hold the site identifier"
            ),
        };
        let loc = meta_loc(page, &ext, "");
        let f = report_at(cx, page, &loc, msg);
        if let Some(code) = footer {
            f.data.insert("footer".into(), code.into());
        }
    }
}

/// The host pages of this audit are published under: the page's own (remote) or the
/// configured `identity.site-host` (local).
pub(crate) fn page_host(page_url: &Url, options: &crate::config::AuditOptions) -> Option<String> {
    if let Some(h) = options.identity.site_host() {
        return Some(h);
    }
    match page_url.scheme() {
        "http" | "https" => page_url.host_str().map(str::to_ascii_lowercase),
        _ => None,
    }
}

fn strip_www(h: &str) -> &str {
    h.strip_prefix("www.").unwrap_or(h)
}

/// The domains a `SiteDomain` value lists (comma/space/semicolon separated, schemes and paths
/// dropped).
fn site_domains(v: &str) -> Vec<String> {
    v.split([',', ';', ' ', '，', '、', '|'])
        .map(|d| {
            let d = d.trim().to_ascii_lowercase();
            let d = d.split("://").last().unwrap_or(&d).to_string();
            let d = d.split(['/', ':']).next().unwrap_or("").to_string();
            d.trim_end_matches('.').to_string()
        })
        .filter(|d| !d.is_empty())
        .collect()
}

/// `identity/meta-site-domain`.
pub struct MetaSiteDomain;

impl Rule for MetaSiteDomain {
    fn id(&self) -> &'static str {
        "identity/meta-site-domain"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(declared) = ext.meta.site_domain.clone().filter(|d| !d.is_empty()) else {
            return;
        };
        let Some(host) = page_host(&page.url, cx.options) else {
            return;
        };
        let domains = site_domains(&declared);
        if domains
            .iter()
            .any(|d| d == &host || strip_www(d) == strip_www(&host))
        {
            return;
        }
        let msg = tr!(
            cx.lang,
            "<meta name=\"SiteDomain\"> 为“{declared}”，与网站域名 {host} 不符（可能是从其他网站复制的模板）",
            "<meta name=\"SiteDomain\"> says “{declared}”, not the site's host {host} (a template copied from another site?)"
        );
        let f = cx.report_page(msg);
        f.data.insert("found".into(), declared.into());
        f.data.insert("expected".into(), host.into());
    }
}

/// Removes a site-name suffix (`门户网站`, `网站`...) so 山西省人民政府门户网站 matches 山西省人民政府.
fn name_core(s: &str) -> String {
    let n = normalize(s);
    let n = n.trim();
    for suffix in [
        "门户网站",
        "政府网站",
        "官方网站",
        "网站",
        "官网",
        "门户网",
        "政府网",
        "网",
    ] {
        if let Some(core) = n.strip_suffix(suffix)
            && core.chars().count() >= 2
        {
            return core.to_string();
        }
    }
    n.to_string()
}

/// `identity/meta-site-name`.
pub struct MetaSiteName;

impl Rule for MetaSiteName {
    fn id(&self) -> &'static str {
        "identity/meta-site-name"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(name) = ext.meta.site_name.clone().filter(|n| !n.trim().is_empty()) else {
            return;
        };
        let core = name_core(&name);
        let mut haystacks: Vec<String> = Vec::new();
        if let Some(t) = page.title() {
            haystacks.push(normalize(t));
        }
        if let Some(s) = &ext.sponsor {
            haystacks.push(normalize(&s.value));
        }
        // The footer's text (copyright holder, sponsor) also names the site.
        let text = page.visible_text();
        let from = text.len() * 7 / 10;
        let mut cut = from.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        haystacks.push(normalize(&text[cut..]));
        for root in &ext.footer_roots {
            haystacks.push(normalize(page.el(*root).visible_text()));
        }
        if haystacks.iter().any(|h| h.contains(core.as_str())) {
            return;
        }
        // The sponsor may be the office of the government that names the site.
        if let Some(s) = &ext.sponsor {
            let sponsor = normalize(&s.value);
            if !sponsor.is_empty() && core.contains(sponsor.as_str()) {
                return;
            }
        }
        let title = page.title().unwrap_or("").to_string();
        let msg = tr!(
            cx.lang,
            "<meta name=\"SiteName\"> 为“{name}”，页面标题和页面底部（主办单位、版权所有）都没有出现这个名称（可能是从其他网站复制的模板）",
            "<meta name=\"SiteName\"> says “{name}”, which appears neither in the title nor in the footer (sponsor, copyright): a template copied from another site?"
        );
        let f = cx.report_page(msg);
        f.data.insert("found".into(), name.into());
        f.data.insert("title".into(), title.into());
    }
}

static PUBDATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(?P<sec>:[0-9]{2})?$")
        .expect("static regex")
});

/// `identity/meta-pubdate-format`.
pub struct MetaPubdateFormat;

impl Rule for MetaPubdateFormat {
    fn id(&self) -> &'static str {
        "identity/meta-pubdate-format"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(value) = ext.meta.pub_date.clone() else {
            return;
        };
        let ok = PUBDATE.captures(&value).is_some_and(|c| {
            c.name("sec").is_none() || cx.options.identity.pubdate_allow_seconds()
        });
        if ok {
            return;
        }
        let msg = tr!(
            cx.lang,
            "<meta name=\"PubDate\"> 为“{value}”，应为“YYYY-MM-DD HH:MM”格式，如“2016-11-22 09:53”",
            "<meta name=\"PubDate\"> is “{value}”; expected YYYY-MM-DD HH:MM, e.g. 2016-11-22 09:53"
        );
        let loc = Loc {
            el: ext.meta.pub_date_el,
            shown: String::new(),
            in_bottom: false,
            evidence: super::filing::extract::Evidence::Markup,
            script_url: None,
        };
        let f = report_at(cx, page, &loc, msg);
        f.data.insert("found".into(), value.into());
    }
}

/// `identity/conac-missing`.
pub struct ConacMissing;

impl Rule for ConacMissing {
    fn id(&self) -> &'static str {
        "identity/conac-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if !ext.conac.is_empty() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面未找到党政机关网站标识（应在页面底部放置机构编制部门颁发的标识代码，点击可查看网站身份证书）",
            "no 党政机关网站标识 (government website badge) found (place the badge code issued by the establishment office in the footer; clicking it shows the certificate)"
        );
        report_missing(
            cx,
            &ext,
            "党政机关网站标识",
            "the government website badge",
            msg,
        );
    }
}

/// `identity/conac-link`.
pub struct ConacLink;

impl Rule for ConacLink {
    fn id(&self) -> &'static str {
        "identity/conac-link"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(first) = ext.conac.first() else {
            return;
        };
        let leads = ext
            .conac
            .iter()
            .any(|c| c.kind == ConacKind::Widget || (c.kind == ConacKind::Link && c.has_id));
        if leads {
            return;
        }
        let link = ext.conac.iter().find(|c| c.kind == ConacKind::Link);
        let msg = match link {
            Some(l) => {
                let target = l.target.as_ref().map(|t| t.display()).unwrap_or_default();
                tr!(
                    cx.lang,
                    "党政机关网站标识的链接 {target} 缺少证书编号参数（id），点击后看不到网站身份证书",
                    "the government website badge links to {target} without the certificate id, so clicking it shows no certificate"
                )
            }
            None => tr!(
                cx.lang,
                "党政机关网站标识只是一张图片，没有链接到 bszs.conac.cn 的网站身份证书（应使用机构编制部门提供的标识代码）",
                "the government website badge is only an image and does not link to its certificate on bszs.conac.cn (use the badge code the establishment office provides)"
            ),
        };
        report_at(cx, page, &link.unwrap_or(first).loc, msg);
    }
}

/// `identity/jiucuo-missing`.
pub struct JiucuoMissing;

impl Rule for JiucuoMissing {
    fn id(&self) -> &'static str {
        "identity/jiucuo-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if ext.visible_jiucuo().next().is_some() {
            return;
        }
        if let Some(hidden) = ext.jiucuo.first() {
            let msg = tr!(
                cx.lang,
                "“我为政府网站找错”入口存在但被隐藏（display:none），访问者看不到",
                "the 我为政府网站找错 entry exists but is hidden (display:none): visitors cannot see it"
            );
            let f = report_at(cx, page, &hidden.loc, msg);
            f.data.insert("hidden".into(), true.into());
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面未找到“我为政府网站找错”入口（zfwzgl.www.gov.cn 的找错组件）",
            "no 我为政府网站找错 entry (the zfwzgl.www.gov.cn error-report widget) found on the page"
        );
        report_missing(cx, &ext, "“我为政府网站找错”入口", "the 找错 entry", msg);
    }
}

/// The 找错 entries that load from the 找错 platform (widget, image, exposure link) with their
/// URL.
fn jiucuo_platform_urls(ext: &Extraction) -> impl Iterator<Item = (&JiucuoHit, &Url, &str)> {
    ext.jiucuo.iter().filter_map(|j| {
        let t = j.target.as_ref()?;
        let url = t.url.as_ref()?;
        let platform = matches!(
            j.kind,
            super::filing::extract::JiucuoKind::Widget
                | super::filing::extract::JiucuoKind::Link
                | super::filing::extract::JiucuoKind::Image
        ) || t.raw.contains("/exposure/");
        platform.then_some((j, url, t.raw.as_str()))
    })
}

fn is_legacy_jiucuo(url: &Url, legacy: &[String]) -> bool {
    patterns::is_ip_host(url)
        || url
            .host_str()
            .is_some_and(|h| legacy.iter().any(|l| l.eq_ignore_ascii_case(h)))
}

/// `identity/jiucuo-legacy-host`.
pub struct JiucuoLegacyHost;

impl Rule for JiucuoLegacyHost {
    fn id(&self) -> &'static str {
        "identity/jiucuo-legacy-host"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let legacy = cx.options.identity.jiucuo_legacy_hosts();
        let mut seen: Vec<String> = Vec::new();
        for (j, url, raw) in jiucuo_platform_urls(&ext) {
            if !is_legacy_jiucuo(url, &legacy) {
                continue;
            }
            let host = url.host_str().unwrap_or("").to_string();
            if seen.contains(&host) {
                continue;
            }
            seen.push(host.clone());
            let http = raw.trim().to_ascii_lowercase().starts_with("http:");
            let over = if http {
                cx.lang.pick("，且通过 http:// 加载", ", over http://")
            } else {
                ""
            };
            let msg = tr!(
                cx.lang,
                "“我为政府网站找错”入口使用旧平台地址 {host}{over}，应改用 https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
                "the 找错 entry uses the legacy host {host}{over}; use https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
            );
            let f = report_at(cx, page, &j.loc, msg);
            f.data.insert("url".into(), url.to_string().into());
            f.data.insert("host".into(), host.into());
        }
    }
}

/// `identity/jiucuo-http`.
pub struct JiucuoHttp;

impl Rule for JiucuoHttp {
    fn id(&self) -> &'static str {
        "identity/jiucuo-http"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let legacy = cx.options.identity.jiucuo_legacy_hosts();
        for (j, url, raw) in jiucuo_platform_urls(&ext) {
            // Legacy hosts are reported (with their scheme) by jiucuo-legacy-host.
            if is_legacy_jiucuo(url, &legacy)
                || !raw.trim().to_ascii_lowercase().starts_with("http:")
            {
                continue;
            }
            let msg = tr!(
                cx.lang,
                "“我为政府网站找错”组件通过 http:// 加载（{raw}），应使用 https://",
                "the 找错 widget is loaded over http:// ({raw}); use https://"
            );
            let f = report_at(cx, page, &j.loc, msg);
            f.data.insert("url".into(), raw.to_string().into());
            return;
        }
    }
}

/// `identity/sponsor-missing`.
pub struct SponsorMissing;

impl Rule for SponsorMissing {
    fn id(&self) -> &'static str {
        "identity/sponsor-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if ext.sponsor.is_some() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面底部未找到主办单位（如“主办单位：××县人民政府办公室”）",
            "no sponsor (主办单位) found in the page footer (e.g. 主办单位：××县人民政府办公室)"
        );
        report_missing(cx, &ext, "主办单位", "the sponsor", msg);
    }
}

/// `identity/contact-missing`.
pub struct ContactMissing;

impl Rule for ContactMissing {
    fn id(&self) -> &'static str {
        "identity/contact-missing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        if !ext.contact.is_empty() {
            return;
        }
        let msg = tr!(
            cx.lang,
            "页面底部未找到联系方式（电话、地址、电子邮箱或“联系我们”链接）",
            "no contact details (phone, address, e-mail or a 联系我们 link) found in the page footer"
        );
        report_missing(cx, &ext, "联系方式", "contact details", msg);
    }
}

/// The province a 网站标识码 names (digits 1–2 of a 10-digit code).
fn code_province(code: &str) -> Option<&'static data::Province> {
    (code.len() == 10 && code.chars().all(|c| c.is_ascii_digit()))
        .then(|| data::province_of_digits(code))
        .flatten()
}

/// `consistency/province-mismatch`.
pub struct ProvinceMismatch;

impl Rule for ProvinceMismatch {
    fn id(&self) -> &'static str {
        "consistency/province-mismatch"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let owned = Extraction::hosts(cx.options);
        let hosts = owned.view();
        let lang = cx.lang;
        let mut parts: Vec<(String, &'static data::Province)> = Vec::new();
        let code = ext
            .primary_site_code()
            .map(|h| h.code.clone())
            .filter(|c| patterns::classify_site_code(c).is_none())
            .or_else(|| {
                ext.meta
                    .site_id_code
                    .clone()
                    .filter(|c| patterns::classify_site_code(c).is_none())
            });
        if let Some(c) = &code
            && let Some(p) = code_province(c)
        {
            parts.push((tr!(lang, "网站标识码 {c}", "site identifier {c}"), p));
        }
        let icp = ext.primary_icp(&hosts);
        if let Some(h) = icp
            && let Some(p) = h.m.province.and_then(data::province_of_abbr)
        {
            parts.push((tr!(lang, "ICP 备案号 {}", "ICP number {}", h.loc.shown), p));
        }
        let psb = ext.primary_psb(&hosts);
        if let Some(h) = psb
            && let Some(p) = h.m.province.and_then(data::province_of_abbr)
        {
            parts.push((
                tr!(
                    lang,
                    "公安备案号 {}",
                    "public-security number {}",
                    h.loc.shown
                ),
                p,
            ));
        }
        let mut codes: Vec<u8> = parts.iter().map(|(_, p)| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.len() < 2 {
            return;
        }
        let list = parts
            .iter()
            .map(|(what, p)| format!("{what}（{}）", p.name))
            .collect::<Vec<_>>()
            .join(lang.pick("，", ", "));
        let msg = tr!(
            lang,
            "网站标识码、ICP 备案号和公安备案号指向不同省份：{list}（可能是复制的模板，或合法的异地托管，请核实）",
            "the site identifier, ICP number and public-security number name different provinces: {list} (a copied template, or legitimate hosting elsewhere: please check)"
        );
        let loc = icp
            .map(|h| h.loc.clone())
            .or_else(|| psb.map(|h| h.loc.clone()));
        match loc {
            Some(l) => {
                report_at(cx, page, &l, msg);
            }
            None => {
                cx.report_page(msg);
            }
        }
    }
}

/// `consistency/bm-not-beijing`.
pub struct BmNotBeijing;

impl Rule for BmNotBeijing {
    fn id(&self) -> &'static str {
        "consistency/bm-not-beijing"
    }

    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        let Some(ext) = ext(page, cx) else { return };
        let Some(code) = ext
            .primary_site_code()
            .map(|h| h.code.clone())
            .or_else(|| ext.meta.site_id_code.clone())
            .filter(|c| c.starts_with("bm") && patterns::classify_site_code(c).is_none())
        else {
            return;
        };
        let owned = Extraction::hosts(cx.options);
        let hosts = owned.view();
        let lang = cx.lang;
        let mut odd: Vec<String> = Vec::new();
        let mut loc = None;
        if let Some(h) = ext.primary_icp(&hosts)
            && let Some(p) = h.m.province
            && data::province_of_abbr(p).is_some_and(|p| p.code != 11)
        {
            odd.push(h.loc.shown.clone());
            loc = Some(h.loc.clone());
        }
        if let Some(h) = ext.primary_psb(&hosts)
            && let Some(p) = h.m.province
            && data::province_of_abbr(p).is_some_and(|p| p.code != 11)
        {
            odd.push(h.loc.shown.clone());
            loc = loc.or(Some(h.loc.clone()));
        }
        if odd.is_empty() {
            return;
        }
        let list = odd.join(lang.pick("、", ", "));
        let msg = tr!(
            lang,
            "国务院部门网站标识码 {code} 与非北京的备案号同时出现：{list}（不常见，请核实）",
            "the central-department site identifier {code} goes with filing numbers outside Beijing: {list} (unusual: please check)"
        );
        match loc {
            Some(l) => {
                report_at(cx, page, &l, msg);
            }
            None => {
                cx.report_page(msg);
            }
        }
    }
}

#[cfg(test)]
mod tests;
