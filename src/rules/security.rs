//! Security rules: HTTPS availability and redirection, TLS certificate validity, mixed
//! content, HSTS.
//!
//! Site rules read what the crawl already knows through the services: the start page (kept in
//! the services' cache for the site's duration, with its response headers), the fetcher's
//! record of TLS failures per host, and one probe of the other scheme (`https://host/` for a
//! site given as `http://`, `http://host/` for one given as `https://`; ports from
//! `--https-port`/`--http-port`).

use url::Url;

use super::{Family, PageCx, Rule, SiteCx, SiteData};
use crate::catalog::Scope;
use crate::fetch::http::TlsProblem;
use crate::fetch::{FetchError, RawPage};
use crate::i18n::Lang;
use crate::page::{LinkKind, Page};
use crate::report::PageReport;
use crate::rules::links::error_label;
use crate::tr;

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family {
        rules: vec![
            Box::new(NoHttps),
            Box::new(HttpNotRedirected),
            Box::new(TlsInvalid),
            Box::new(MixedContent),
            Box::new(HstsMissing),
        ],
        ..Family::default()
    }
}

/// The start page's report, when the site is remote and the start page was fetched.
fn home<'a>(site: &'a SiteData<'_>) -> Option<(&'a Url, &'a PageReport)> {
    if site.info.is_local() {
        return None;
    }
    let start = site.info.start_urls.first()?;
    let page = site.pages.iter().find(|p| p.url == start.as_str())?;
    page.status.map(|_| (start, page))
}

/// The URL the start page ended on.
fn final_url(start: &Url, page: &PageReport) -> Url {
    page.final_url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .unwrap_or_else(|| start.clone())
}

/// The same host under the other scheme, at the configured port.
fn probe_url(url: &Url, scheme: &str, port: u16) -> Option<Url> {
    let host = url.host_str()?;
    let default = if scheme == "https" { 443 } else { 80 };
    let text = if port == default {
        format!("{scheme}://{host}/")
    } else {
        format!("{scheme}://{host}:{port}/")
    };
    Url::parse(&text).ok()
}

type Probed = std::sync::Arc<Result<RawPage, FetchError>>;

/// Fetches a probe URL once per site (kept in the services' cache): no retries, since a
/// refused connection on the other scheme's port is an answer, not a transient failure.
fn probe(cx: &SiteCx<'_>, url: &Url) -> Probed {
    if let Some(hit) = cx.services.cached(url) {
        return hit;
    }
    let result = match (cx.services.runtime(), cx.services.http()) {
        (Some(rt), Some(http)) => rt.block_on(http.fetch(
            url,
            crate::fetch::http::Request {
                retry: false,
                ..crate::fetch::http::Request::page(0)
            },
        )),
        _ => return cx.services.fetch(url),
    };
    cx.services.remember(url.clone(), result);
    cx.services
        .cached(url)
        .unwrap_or_else(|| cx.services.fetch(url))
}

fn https_probe(site: &SiteData<'_>, cx: &SiteCx<'_>, at: &Url) -> Option<Probed> {
    if site.info.is_local() {
        return None;
    }
    let url = probe_url(at, "https", cx.options.crawl.https_port())?;
    Some(probe(cx, &url))
}

/// `security/no-https`: the site does not answer over HTTPS.
pub struct NoHttps;

impl Rule for NoHttps {
    fn id(&self) -> &'static str {
        "security/no-https"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((start, page)) = home(site) else {
            return;
        };
        let at = final_url(start, page);
        if at.scheme() == "https" || !cx.services.network() {
            return;
        }
        let Some(probe) = https_probe(site, cx, &at) else {
            return;
        };
        if let Err(e) = &*probe {
            let lang = cx.lang;
            let url = probe_url(&at, "https", cx.options.crawl.https_port())
                .map(|u| u.to_string())
                .unwrap_or_default();
            let why = error_label(&e.kind, lang);
            let msg = tr!(
                lang,
                "网站不支持 HTTPS：{url} 无法访问（{why}），页面以明文 HTTP 传输",
                "the site does not support HTTPS: {url} cannot be opened ({why}); pages travel as plain HTTP"
            );
            let f = cx.report(msg);
            f.url = Some(url);
            f.data.insert("detail".into(), e.message.clone().into());
        }
    }
}

/// `security/http-not-redirected`: `http://` stays on HTTP although HTTPS works.
pub struct HttpNotRedirected;

impl Rule for HttpNotRedirected {
    fn id(&self) -> &'static str {
        "security/http-not-redirected"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((start, page)) = home(site) else {
            return;
        };
        if !cx.services.network() {
            return;
        }
        let at = final_url(start, page);
        let lang = cx.lang;
        let (http_url, stays) = if start.scheme() == "http" {
            // Given as http://: it stays on http when the start page did not end on https and
            // HTTPS works.
            let https_ok =
                at.scheme() == "http" && https_probe(site, cx, &at).is_some_and(|r| r.is_ok());
            (start.to_string(), https_ok)
        } else {
            let Some(probe) = probe_url(&at, "http", cx.options.crawl.http_port()) else {
                return;
            };
            let stays = match &*self::probe(cx, &probe) {
                Ok(raw) => raw.final_url.scheme() == "http" && raw.status.is_some_and(|s| s < 400),
                Err(_) => false,
            };
            (probe.to_string(), stays)
        };
        if stays {
            let msg = tr!(
                lang,
                "{http_url} 没有重定向到 HTTPS，访问者仍可能以明文 HTTP 浏览",
                "{http_url} does not redirect to HTTPS: visitors can still browse over plain HTTP"
            );
            cx.report(msg).url = Some(http_url);
        }
    }
}

fn problem_label(p: TlsProblem, lang: Lang) -> &'static str {
    match p {
        TlsProblem::Expired => lang.pick("证书已过期", "certificate expired"),
        TlsProblem::NotYetValid => lang.pick("证书尚未生效", "certificate not yet valid"),
        TlsProblem::WrongHost => lang.pick("证书与域名不符", "certificate is for another name"),
        TlsProblem::Untrusted => lang.pick(
            "证书不受信任（自签名、非公共 CA 签发或证书链不完整）",
            "certificate not trusted (self-signed, private CA, or incomplete chain)",
        ),
        TlsProblem::Revoked => lang.pick("证书已吊销", "certificate revoked"),
        TlsProblem::Handshake => lang.pick(
            "TLS 握手失败，可能是只提供国密（SM2）算法的服务器，常见浏览器无法建立连接",
            "TLS handshake failed: possibly a server offering only SM2 (国密) suites, which common browsers cannot use",
        ),
        TlsProblem::NotTls => lang.pick("端口不支持 TLS", "the port does not speak TLS"),
        TlsProblem::Other => lang.pick("证书无效", "certificate invalid"),
    }
}

/// `security/tls-invalid`: a host of the site has a certificate that fails verification.
pub struct TlsInvalid;

impl Rule for TlsInvalid {
    fn id(&self) -> &'static str {
        "security/tls-invalid"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        if site.info.is_local() {
            return;
        }
        let Some(http) = cx.services.http() else {
            return;
        };
        let mut hosts: Vec<String> = site
            .pages
            .iter()
            .flat_map(|p| std::iter::once(&p.url).chain(p.final_url.iter()))
            .filter_map(|u| Url::parse(u).ok()?.host_str().map(str::to_string))
            .collect();
        hosts.extend(site.info.root_url.host_str().map(str::to_string));
        hosts.sort();
        hosts.dedup();
        let lang = cx.lang;
        for failure in http.tls_failures() {
            if !failure.problem.is_certificate() || !hosts.contains(&failure.host) {
                continue;
            }
            let unverified = site
                .pages
                .iter()
                .filter(|p| {
                    p.facts.contains_key("tls")
                        && [Some(&p.url), p.final_url.as_ref()]
                            .into_iter()
                            .flatten()
                            .any(|u| {
                                Url::parse(u)
                                    .ok()
                                    .and_then(|u| u.host_str().map(str::to_string))
                                    == Some(failure.host.clone())
                            })
                })
                .count();
            let label = problem_label(failure.problem, lang);
            let host = &failure.host;
            let msg = if unverified > 0 {
                tr!(
                    lang,
                    "{host} 的 HTTPS 证书无效：{label}；浏览器会显示安全警告。本次有 {unverified} 个页面在不验证证书的情况下获取并照常审计",
                    "the HTTPS certificate of {host} is invalid: {label}; browsers show a security warning. {unverified} page(s) were fetched without verification and audited as usual"
                )
            } else {
                tr!(
                    lang,
                    "{host} 的 HTTPS 证书无效：{label}；浏览器会显示安全警告",
                    "the HTTPS certificate of {host} is invalid: {label}; browsers show a security warning"
                )
            };
            let f = cx.report(msg);
            f.url = Some(failure.url.clone());
            f.data.insert(
                "problem".into(),
                serde_json::to_value(failure.problem).unwrap_or_default(),
            );
            f.data
                .insert("detail".into(), failure.message.clone().into());
            f.data.insert("pages_unverified".into(), unverified.into());
        }
    }
}

/// `security/mixed-content`: an HTTPS page loads `http://` resources.
pub struct MixedContent;

/// Whether a link of this kind on this element loads actively (scripts, frames, styles,
/// forms, plugins: browsers block them) or passively (images, audio, video: browsers warn).
fn mixed_kind(page: &Page, link: &crate::page::Link) -> Option<bool> {
    let el = page.el(link.element);
    match link.kind {
        LinkKind::Script | LinkKind::Frame | LinkKind::Stylesheet | LinkKind::Form => Some(true),
        LinkKind::Media => Some(matches!(el.name(), "embed" | "object")),
        LinkKind::Image => Some(false),
        LinkKind::LinkOther => {
            let rel = el
                .attr("rel")
                .map(|r| r.to_ascii_lowercase())
                .unwrap_or_default();
            rel.split_whitespace()
                .any(|t| t == "icon" || t == "apple-touch-icon")
                .then_some(false)
        }
        LinkKind::Anchor => None,
    }
}

impl Rule for MixedContent {
    fn id(&self) -> &'static str {
        "security/mixed-content"
    }
    fn check_page(&self, page: &Page, cx: &mut PageCx<'_>) {
        if page.url.scheme() != "https" {
            return;
        }
        let mut seen: Vec<String> = Vec::new();
        for link in page.links() {
            let Some(u) = &link.url else { continue };
            if u.scheme() != "http" {
                continue;
            }
            let Some(active) = mixed_kind(page, link) else {
                continue;
            };
            let url = u.to_string();
            if seen.contains(&url) {
                continue;
            }
            seen.push(url.clone());
            let msg = if active {
                tr!(
                    cx.lang,
                    "HTTPS 页面加载 HTTP 资源（主动混合内容，浏览器会拦截）：{url}",
                    "HTTPS page loads an HTTP resource (active mixed content, blocked by browsers): {url}"
                )
            } else {
                tr!(
                    cx.lang,
                    "HTTPS 页面加载 HTTP 资源（被动混合内容，浏览器提示不安全）：{url}",
                    "HTTPS page loads an HTTP resource (passive mixed content, flagged as insecure by browsers): {url}"
                )
            };
            let f = cx.report(&page.el(link.element), msg);
            f.data.insert("active".into(), active.into());
            f.data.insert("resource".into(), url.into());
        }
    }
}

/// `security/hsts-missing`: the HTTPS home page sends no `Strict-Transport-Security`.
pub struct HstsMissing;

/// The `max-age` of a `Strict-Transport-Security` value.
pub fn hsts_max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|d| {
        let (k, v) = d.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

impl Rule for HstsMissing {
    fn id(&self) -> &'static str {
        "security/hsts-missing"
    }
    fn scope(&self) -> Scope {
        Scope::Site
    }
    fn check_site(&self, site: &SiteData<'_>, cx: &mut SiteCx<'_>) {
        let Some((start, page)) = home(site) else {
            return;
        };
        if !cx.services.network() {
            return;
        }
        let at = final_url(start, page);
        let fetched = if at.scheme() == "https" {
            cx.services.fetch(start)
        } else {
            match https_probe(site, cx, &at) {
                Some(p) => p,
                None => return,
            }
        };
        let Ok(raw) = &*fetched else { return };
        if raw.final_url.scheme() != "https" || raw.status.is_none_or(|s| s >= 400) {
            return;
        }
        let value = raw
            .headers
            .iter()
            .find(|(k, _)| k == "strict-transport-security")
            .map(|(_, v)| v.clone());
        let max_age = value.as_deref().and_then(hsts_max_age);
        if max_age.is_some_and(|a| a > 0) {
            return;
        }
        let url = raw.final_url.to_string();
        let msg = match value {
            Some(v) => tr!(
                cx.lang,
                "HTTPS 首页的 Strict-Transport-Security 无效（{v}）",
                "the HTTPS home page's Strict-Transport-Security is ineffective ({v})"
            ),
            None => tr!(
                cx.lang,
                "HTTPS 首页没有发送 Strict-Transport-Security（HSTS）响应头，浏览器首次访问仍可能走明文 HTTP",
                "the HTTPS home page sends no Strict-Transport-Security (HSTS) header: a first visit can still go over plain HTTP"
            ),
        };
        cx.report(msg).url = Some(url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run_rules;

    fn mixed(html: &str, url: &str) -> Vec<(bool, String)> {
        let page = Page::from_html(html, url);
        run_rules(vec![Box::new(MixedContent)], &page)
            .into_iter()
            .map(|f| {
                (
                    f.data
                        .get("active")
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false),
                    f.data
                        .get("resource")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn mixed_content_active_and_passive() {
        let html = r#"<link rel="stylesheet" href="http://cdn.x.cn/a.css">
            <link rel="icon" href="http://x.gov.cn/favicon.ico">
            <link rel="canonical" href="http://x.gov.cn/">
            <script src="http://pucha.kaipuyun.cn/exposure/jiucuo.js"></script>
            <img src="http://x.gov.cn/a.png"><img src="//x.gov.cn/b.png"><img src="https://x.gov.cn/c.png">
            <a href="http://www.gov.cn/">国务院</a>
            <form action="http://x.gov.cn/search"></form>
            <video src="http://x.gov.cn/v.mp4"></video><embed src="http://x.gov.cn/f.swf">"#;
        let found = mixed(html, "https://www.x.gov.cn/");
        let active: Vec<&str> = found.iter().filter(|f| f.0).map(|f| f.1.as_str()).collect();
        let passive: Vec<&str> = found
            .iter()
            .filter(|f| !f.0)
            .map(|f| f.1.as_str())
            .collect();
        assert_eq!(
            active,
            vec![
                "http://cdn.x.cn/a.css",
                "http://pucha.kaipuyun.cn/exposure/jiucuo.js",
                "http://x.gov.cn/search",
                "http://x.gov.cn/f.swf"
            ]
        );
        assert_eq!(
            passive,
            vec![
                "http://x.gov.cn/favicon.ico",
                "http://x.gov.cn/a.png",
                "http://x.gov.cn/v.mp4"
            ]
        );
        // The same page over http has no mixed content.
        assert!(mixed(html, "http://www.x.gov.cn/").is_empty());
        assert!(mixed(html, "file:///tmp/site/index.html").is_empty());
    }

    #[test]
    fn hsts_values() {
        assert_eq!(
            hsts_max_age("max-age=31536000; includeSubDomains"),
            Some(31_536_000)
        );
        assert_eq!(hsts_max_age("includeSubDomains; MAX-AGE=\"0\""), Some(0));
        assert_eq!(hsts_max_age("preload"), None);
    }

    #[test]
    fn probe_urls() {
        let u = Url::parse("http://www.x.gov.cn:8080/a?b").expect("url");
        assert_eq!(
            probe_url(&u, "https", 443).map(|u| u.to_string()),
            Some("https://www.x.gov.cn/".into())
        );
        assert_eq!(
            probe_url(&u, "https", 8443).map(|u| u.to_string()),
            Some("https://www.x.gov.cn:8443/".into())
        );
        assert_eq!(
            probe_url(&u, "http", 80).map(|u| u.to_string()),
            Some("http://www.x.gov.cn/".into())
        );
    }
}
