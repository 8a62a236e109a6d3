//! Site-scope identity rules: the 网站地图, footer consistency across pages, and the domain.

use serde_json::{Value, json};
use url::Url;

use super::super::filing::text::normalize;
use super::super::{Rule, SiteCx, SiteData};
use super::inventory::{code_is_valid, identity_pages, page_name};
use crate::catalog::Scope;
use crate::page::{LinkKind, Page};
use crate::tr;

/// `identity/sitemap-missing`: no 网站地图 link on any page, or its target does not answer 2xx,
/// is empty, or does not list the columns.
pub struct SitemapMissing;

impl Rule for SitemapMissing {
    fn id(&self) -> &'static str {
        "identity/sitemap-missing"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let pages = identity_pages(site.pages);
        if pages.is_empty() {
            return;
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (_, v) in &pages {
            if let Some(u) = v.get("sitemap").and_then(Value::as_str) {
                match counts.iter_mut().find(|(x, _)| x == u) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((u.to_string(), 1)),
                }
            }
        }
        let lang = cx.lang;
        // The most common target; on a tie the first seen (as in the site summary).
        let best = counts
            .iter()
            .fold(None::<&(String, usize)>, |b, x| match b {
                Some(b) if b.1 >= x.1 => Some(b),
                _ => Some(x),
            })
            .cloned();
        let Some((url_s, _)) = best else {
            let n = pages.len();
            let msg = tr!(
                lang,
                "网站没有“网站地图”：{n} 个页面上都没有找到“网站地图”链接",
                "the site has no site map: none of its {n} pages links a 网站地图"
            );
            let f = cx.report(msg);
            f.count = Some(n);
            return;
        };
        let Ok(url) = Url::parse(&url_s) else { return };
        let url = site.info.local_target(&url);
        if url.scheme() != "file" && !cx.services.network() {
            cx.set_fact(
                "identity",
                json!({"sitemap": {"url": url.to_string(), "verified": false, "reason": "offline"}}),
            );
            return;
        }
        let fetched = cx.services.fetch(&url);
        let raw = match fetched.as_ref() {
            Err(e) => {
                let why = e.message.clone();
                let msg = tr!(
                    lang,
                    "“网站地图”链接 {url} 无法打开：{why}",
                    "the site map link {url} does not open: {why}"
                );
                let f = cx.report(msg);
                f.url = Some(url.to_string());
                cx.set_fact(
                    "identity",
                    json!({"sitemap": {"url": url.to_string(), "verified": true, "ok": false}}),
                );
                return;
            }
            Ok(raw) => raw,
        };
        if let Some(status) = raw.status.filter(|s| !(200..300).contains(s)) {
            let msg = tr!(
                lang,
                "“网站地图”链接 {url} 返回 HTTP {status}",
                "the site map link {url} answers HTTP {status}"
            );
            let f = cx.report(msg);
            f.url = Some(url.to_string());
            cx.set_fact(
                "identity",
                json!({"sitemap": {"url": url.to_string(), "verified": true, "ok": false, "status": status}}),
            );
            return;
        }
        let page = Page::build(raw);
        let mut links: Vec<String> = Vec::new();
        for l in page.links() {
            if l.kind != LinkKind::Anchor {
                continue;
            }
            let Some(mut u) = l.url.clone() else { continue };
            u.set_fragment(None);
            let u = site.info.local_target(&u);
            let same = site.info.contains(&u)
                || (u.host_str().is_some() && u.host_str() == url.host_str());
            if same && u != url && !links.contains(&u.to_string()) {
                links.push(u.to_string());
            }
        }
        let min = cx.options.identity.sitemap_min_links();
        let mut ok = true;
        if links.len() < min {
            ok = false;
            let n = links.len();
            let msg = tr!(
                lang,
                "“网站地图”页面 {url} 只有 {n} 个站内链接（至少应有 {min} 个），没有列出网站栏目",
                "the site map {url} has only {n} same-site links (at least {min} expected): it does not list the columns"
            );
            let f = cx.report(msg);
            f.url = Some(url.to_string());
        }
        let mut unlisted: Vec<String> = Vec::new();
        if ok && cx.options.identity.sitemap_columns() {
            let text = normalize(page.visible_text());
            let mut skip: Vec<String> = ["首页", "网站地图", "站点地图"]
                .iter()
                .map(|s| (*s).to_string())
                .collect();
            skip.extend(
                cx.options
                    .identity
                    .sitemap_texts()
                    .iter()
                    .map(|s| normalize(s)),
            );
            for (p, v) in &pages {
                let kind = v
                    .get("meta")
                    .and_then(|m| m.get("kind"))
                    .and_then(Value::as_str);
                let Some(name) = v
                    .get("meta")
                    .and_then(|m| m.get("column_name"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let name = normalize(name);
                if kind != Some("column")
                    || name.is_empty()
                    || skip.contains(&name)
                    || p.url == url.as_str()
                {
                    continue;
                }
                if !text.contains(name.as_str()) && !unlisted.contains(&name) {
                    unlisted.push(name);
                }
            }
            if !unlisted.is_empty() {
                let list = unlisted.join(lang.pick("、", ", "));
                let msg = tr!(
                    lang,
                    "“网站地图”页面 {url} 没有列出这些栏目：{list}",
                    "the site map {url} does not list these columns: {list}"
                );
                let f = cx.report(msg);
                f.url = Some(url.to_string());
                f.data.insert("unlisted".into(), unlisted.clone().into());
            }
        }
        cx.set_fact(
            "identity",
            json!({"sitemap": {
                "url": url.to_string(), "verified": true, "ok": ok && unlisted.is_empty(),
                "status": raw.status, "links": links.len(), "unlisted_columns": unlisted,
            }}),
        );
    }
}

/// Footer items a page shows, by fact key, with their names.
const ITEMS: &[(&str, &str, &str)] = &[
    ("icp", "ICP 备案号", "the ICP number"),
    ("psb", "公安机关备案号", "the public-security number"),
    ("site_code", "网站标识码", "the site identifier"),
    ("conac", "党政机关网站标识", "the government website badge"),
    ("jiucuo", "“我为政府网站找错”入口", "the 找错 entry"),
    ("sponsor", "主办单位", "the sponsor"),
    ("contact", "联系方式", "contact details"),
    ("sitemap", "“网站地图”链接", "the site map link"),
];

fn shows(v: &Value, key: &str) -> bool {
    match v.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.get("hidden").and_then(Value::as_bool).unwrap_or(false),
        Some(_) => true,
    }
}

/// `identity/footer-inconsistent`: items the home page's footer shows that inner pages lack.
pub struct FooterInconsistent;

impl Rule for FooterInconsistent {
    fn id(&self) -> &'static str {
        "identity/footer-inconsistent"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        if !cx.options.identity.footer_inconsistent() {
            return;
        }
        let pages = identity_pages(site.pages);
        let Some(home) = site.home() else { return };
        let Some(home_facts) = home.facts.get("identity") else {
            return;
        };
        let home_name = page_name(home);
        let lang = cx.lang;
        for (key, zh, en) in ITEMS {
            if !shows(home_facts, key) {
                continue;
            }
            let lacking: Vec<String> = pages
                .iter()
                .filter(|(p, v)| p.url != home.url && !shows(v, key))
                .map(|(p, _)| page_name(p))
                .collect();
            if lacking.is_empty() {
                continue;
            }
            let n = lacking.len();
            let what = lang.pick(zh, en);
            let msg = tr!(
                lang,
                "首页页面底部有{what}，但 {n} 个页面没有（页面底部应全站一致）",
                "the home page footer shows {what}, but {n} page(s) do not (the footer should be the same on every page)"
            );
            let f = cx.report(msg);
            f.pages = lacking;
            f.count = Some(n);
            f.data.insert("item".into(), (*key).into());
            f.data.insert("home".into(), home_name.clone().into());
        }
    }
}

/// The host the site is published under: the URL's, or `identity.site-host` for local audits.
fn site_host(site: &SiteData<'_>, cx: &SiteCx<'_>) -> Option<String> {
    if let Some(h) = cx.options.identity.site_host() {
        return Some(h);
    }
    match site.info.root_url.scheme() {
        "http" | "https" => site.info.root_url.host_str().map(str::to_ascii_lowercase),
        _ => None,
    }
}

fn is_gov_domain(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    h == "gov.cn" || h.ends_with(".gov.cn") || h.ends_with(".xn--zfr164b") || h.ends_with(".政务")
}

/// `identity/domain-not-govcn`.
pub struct DomainNotGovcn;

impl Rule for DomainNotGovcn {
    fn id(&self) -> &'static str {
        "identity/domain-not-govcn"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some(host) = site_host(site, cx) else {
            return;
        };
        if is_gov_domain(&host) {
            return;
        }
        let pages = identity_pages(site.pages);
        let code = pages.iter().find_map(|(_, v)| {
            ["site_code", "meta_site_code"]
                .iter()
                .find_map(|k| {
                    v.get(*k)
                        .and_then(Value::as_str)
                        .filter(|c| code_is_valid(c))
                })
                .map(str::to_string)
        });
        let badge = pages.iter().any(|(_, v)| shows(v, "conac"));
        let lang = cx.lang;
        let evidence = match (&code, badge) {
            (Some(c), true) => tr!(
                lang,
                "网站标识码 {c} 和党政机关网站标识",
                "site identifier {c} and the government badge"
            ),
            (Some(c), false) => tr!(lang, "网站标识码 {c}", "site identifier {c}"),
            (None, true) => lang
                .pick("党政机关网站标识", "the government badge")
                .to_string(),
            (None, false) => return,
        };
        let msg = tr!(
            lang,
            "网站使用域名 {host}，但页面上有{evidence}：政府网站应使用 .gov.cn 或 .政务 域名",
            "the site uses the host {host} but shows {evidence}: government sites must use .gov.cn or .政务 domains"
        );
        let f = cx.report(msg);
        f.data.insert("host".into(), host.into());
    }
}

/// Whether a site name looks like a department's (a bureau, commission...), not a government
/// portal's.
fn is_department(name: &str) -> bool {
    let n = normalize(name);
    let n = n
        .trim_end_matches("门户网站")
        .trim_end_matches("网站")
        .trim_end_matches("官网")
        .trim_end_matches("网");
    if n.ends_with("人民政府") || n.ends_with("政府") || n.is_empty() {
        return false;
    }
    [
        "局",
        "委员会",
        "委",
        "厅",
        "办公室",
        "办",
        "中心",
        "署",
        "院",
    ]
    .iter()
    .any(|s| n.ends_with(s))
}

/// `identity/domain-dept-not-subdomain` (heuristic).
pub struct DomainDeptNotSubdomain;

impl Rule for DomainDeptNotSubdomain {
    fn id(&self) -> &'static str {
        "identity/domain-dept-not-subdomain"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some(host) = site_host(site, cx) else {
            return;
        };
        if !host.ends_with(".gov.cn") {
            return;
        }
        let pages = identity_pages(site.pages);
        // Central departments (bm codes) have their own domains.
        let central = pages.iter().any(|(_, v)| {
            ["site_code", "meta_site_code"].iter().any(|k| {
                v.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.starts_with("bm"))
            })
        });
        if central {
            return;
        }
        let name = site
            .home()
            .and_then(|h| h.facts.get("identity"))
            .or_else(|| pages.first().map(|(_, v)| *v))
            .and_then(|v| {
                v.get("meta")
                    .and_then(|m| m.get("site_name"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
        let Some(name) = name.filter(|n| is_department(n)) else {
            return;
        };
        let labels: Vec<&str> = host.split('.').collect();
        let own_domain = labels.first() == Some(&"www") || labels.len() <= 3;
        if !own_domain {
            return;
        }
        let msg = tr!(
            cx.lang,
            "部门网站“{name}”使用独立域名 {host}；《政府网站发展指引》要求部门网站使用本级政府门户网站的下级域名（如 slj.bd.gov.cn）",
            "the department site “{name}” uses its own domain {host}; D1 asks department sites to use a subdomain of their government portal (e.g. slj.bd.gov.cn)"
        );
        let f = cx.report(msg);
        f.data.insert("host".into(), host.into());
        f.data.insert("site_name".into(), name.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gov_domains() {
        assert!(is_gov_domain("www.yunting.gov.cn"));
        assert!(is_gov_domain("中国政府网.政务"));
        assert!(is_gov_domain("www.xn--fiqs8s.xn--zfr164b"));
        assert!(!is_gov_domain("localhost"));
        assert!(!is_gov_domain("www.example.com"));
        assert!(!is_gov_domain("fakegov.cn"));
    }

    #[test]
    fn departments() {
        assert!(is_department("徐州市公安局"));
        assert!(is_department("浙江省发展和改革委员会"));
        assert!(!is_department("山西省人民政府门户网站"));
        assert!(!is_department("云汀县人民政府"));
    }
}
