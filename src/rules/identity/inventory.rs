//! The identity inventory: `pages[].identity` (what each page shows), `sites[].identity` (the
//! values seen across a site's pages, and the pages that disagree), and the terminal section.
//!
//! Page facts (key `identity`, deep-merged with the `entries` other families write):
//!
//! ```json
//! {
//!   "icp": {"text": "粤ICP备05079694号", "province": "粤", "number": "05079694", "suffix": null,
//!           "link": "https://beian.miit.gov.cn/"},
//!   "psb": {"text": "粤公网安备 44078302000116号", "province": "粤", "digits": "44078302000116",
//!           "link": "https://beian.mps.gov.cn/#/query/webSearch?code=44078302000116"},
//!   "site_code": "4407830003", "meta_site_code": "4407830003", "jiucuo_site_code": "4407830003",
//!   "conac": {"kind": "widget", "link": "https://dcs.conac.cn/js/…"},
//!   "jiucuo": {"kind": "widget", "url": "https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
//!              "site_code": "4407830003", "hidden": false},
//!   "sponsor": "云汀县人民政府办公室", "contact": ["address", "phone", "email", "page"],
//!   "sitemap": "file:///…/sitemap.html",
//!   "meta": {"site_name": "…", "site_domain": "…", "column_name": "…", "kind": "column"},
//!   "footer": "class",
//!   "entries": {"ipv6_label": true}
//! }
//! ```

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::filing::extract::{
    ConacKind, Evidence, Extraction, JiucuoKind, PageKind, extraction,
};
use super::super::filing::patterns;
use super::super::filing::text::{compact, normalize};
use super::super::{CollectCx, Collector, SiteData};
use crate::i18n::Lang;
use crate::page::Page;
use crate::report::{Facts, PageReport, Report};
use crate::tr;

/// Records `pages[].identity` and `sites[].identity`.
pub struct IdentityCollector;

fn with_evidence(mut v: Value, evidence: Evidence, script: Option<&String>) -> Value {
    if let (Some(label), Value::Object(map)) = (evidence.label(), &mut v) {
        map.insert("evidence".into(), label.into());
        if let Some(s) = script {
            map.insert("script".into(), s.clone().into());
        }
    }
    v
}

/// The page's identity facts.
pub fn page_facts(ext: &Extraction, options: &crate::config::AuditOptions) -> Value {
    let owned = Extraction::hosts(options);
    let hosts = owned.view();
    let icp = ext.primary_icp(&hosts).map(|h| {
        with_evidence(
            json!({
                "text": h.loc.shown,
                "province": h.m.province.map(String::from),
                "number": (!h.m.number.is_empty()).then(|| h.m.number.clone()),
                "suffix": h.m.seq.as_ref().map(|s| format!("-{s}")),
                "link": h.effective_link().map(|l| l.display()),
            }),
            h.loc.evidence,
            h.loc.script_url.as_ref(),
        )
    });
    let psb = ext.primary_psb(&hosts).map(|h| {
        with_evidence(
            json!({
                "text": h.loc.shown,
                "province": h.m.province.map(String::from),
                "digits": (!h.m.digits.is_empty()).then(|| h.m.digits.clone()),
                "link": h.link.as_ref().map(|l| l.display()),
            }),
            h.loc.evidence,
            h.loc.script_url.as_ref(),
        )
    });
    let site_code = ext
        .primary_site_code()
        .map(|h| h.code.clone())
        .filter(|c| !c.is_empty());
    let conac = ext
        .conac
        .iter()
        .min_by_key(|c| match c.kind {
            ConacKind::Widget => 0,
            ConacKind::Link => 1,
            ConacKind::Image => 2,
        })
        .map(|c| {
            let kind = match c.kind {
                ConacKind::Widget => "widget",
                ConacKind::Link => "link",
                ConacKind::Image => "image",
            };
            with_evidence(
                json!({"kind": kind, "link": c.target.as_ref().map(|t| t.display())}),
                c.loc.evidence,
                c.loc.script_url.as_ref(),
            )
        });
    let jiucuo = ext
        .visible_jiucuo()
        .next()
        .or_else(|| ext.jiucuo.first())
        .map(|j| {
            let kind = match j.kind {
                JiucuoKind::Widget => "widget",
                JiucuoKind::Link => "link",
                JiucuoKind::Image => "image",
                JiucuoKind::Text => "text",
            };
            with_evidence(
                json!({
                    "kind": kind,
                    "url": j.target.as_ref().map(|t| t.display()),
                    "site_code": j.site_code,
                    "hidden": j.hidden,
                }),
                j.loc.evidence,
                j.loc.script_url.as_ref(),
            )
        });
    let jiucuo_code = ext.jiucuo.iter().find_map(|j| j.site_code.clone());
    let kind = match ext.meta.kind {
        PageKind::Article => Some("article"),
        PageKind::Column => Some("column"),
        PageKind::Other => None,
    };
    let mut v = json!({
        "icp": icp,
        "psb": psb,
        "site_code": site_code,
        "meta_site_code": ext.meta.site_id_code,
        "jiucuo_site_code": jiucuo_code,
        "conac": conac,
        "jiucuo": jiucuo,
        "sponsor": ext.sponsor.as_ref().map(|s| s.value.clone()),
        "contact": ext.contact,
        "sitemap": ext.sitemap,
        "meta": {
            "site_name": ext.meta.site_name,
            "site_domain": ext.meta.site_domain,
            "column_name": ext.meta.column_name,
            "kind": kind,
        },
        "footer": ext.footer.as_str(),
        "entries": {"ipv6_label": ext.ipv6_label},
    });
    if let (Some(url), Value::Object(map)) = (&ext.unverified_script, &mut v) {
        map.insert("footer_script_unverified".into(), url.clone().into());
    }
    v
}

impl Collector for IdentityCollector {
    fn collect_page(&self, page: &Page, cx: &CollectCx<'_>) -> Facts {
        let mut f = Facts::new();
        if !super::super::filing::extract::footer_applies(page) {
            return f;
        }
        let ext = extraction(page, cx.options, cx.site, cx.services);
        f.insert("identity".into(), page_facts(&ext, cx.options));
        f
    }

    fn collect_site(&self, site: &SiteData<'_>, _cx: &CollectCx<'_>) -> Facts {
        let mut f = Facts::new();
        if let Some(v) = site_summary(site.pages) {
            f.insert("identity".into(), v);
        }
        f
    }
}

/// A page's name in reports: its path for local files, else its URL.
pub fn page_name(p: &PageReport) -> String {
    p.path.clone().unwrap_or_else(|| p.url.clone())
}

/// The identity facts of the pages that have them.
pub fn identity_pages(pages: &[PageReport]) -> Vec<(&PageReport, &Value)> {
    pages
        .iter()
        .filter_map(|p| p.facts.get("identity").map(|v| (p, v)))
        .filter(|(_, v)| v.get("footer").is_some())
        .collect()
}

/// One value's summary over the pages: the most common value (as shown on its first page),
/// how many pages show it, how many show none, and the other values with their pages.
fn summarise(values: &[(String, Option<(String, String)>)]) -> Value {
    // key -> (display, pages)
    let mut groups: BTreeMap<&str, (&str, Vec<&str>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut missing = 0usize;
    for (page, v) in values {
        match v {
            Some((key, display)) => {
                let g = groups.entry(key.as_str()).or_insert_with(|| {
                    order.push(key.as_str());
                    (display.as_str(), Vec::new())
                });
                g.1.push(page.as_str());
            }
            None => missing += 1,
        }
    }
    let best = order.iter().copied().max_by_key(|k| {
        (
            groups[k].1.len(),
            std::cmp::Reverse(order.iter().position(|o| o == k)),
        )
    });
    let Some(best) = best else {
        return json!({"value": null, "pages": 0, "missing": missing, "others": []});
    };
    let others: Vec<Value> = order
        .iter()
        .filter(|k| **k != best)
        .map(|k| json!({"value": groups[k].0, "pages": groups[k].1}))
        .collect();
    json!({
        "value": groups[best].0,
        "pages": groups[best].1.len(),
        "missing": missing,
        "others": others,
    })
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

fn present(v: &Value, key: &str) -> bool {
    match v.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.get("hidden").and_then(Value::as_bool).unwrap_or(false),
        Some(_) => true,
    }
}

/// `sites[].identity`.
pub fn site_summary(pages: &[PageReport]) -> Option<Value> {
    let pages = identity_pages(pages);
    if pages.is_empty() {
        return None;
    }
    let collect = |f: &dyn Fn(&Value) -> Option<(String, String)>| -> Vec<(String, Option<(String, String)>)> {
        pages.iter().map(|(p, v)| (page_name(p), f(v))).collect()
    };
    let icp = summarise(&collect(&|v| {
        let t = str_at(v, &["icp", "text"])?;
        Some((compact(&normalize(t)), t.to_string()))
    }));
    let psb = summarise(&collect(&|v| {
        let t = str_at(v, &["psb", "text"])?;
        let key =
            str_at(v, &["psb", "digits"]).map_or_else(|| compact(&normalize(t)), str::to_string);
        Some((key, t.to_string()))
    }));
    let code = |path: &'static [&'static str]| {
        move |v: &Value| -> Option<(String, String)> {
            let c = str_at(v, path)?;
            Some((c.to_string(), c.to_string()))
        }
    };
    let site_code = summarise(&collect(&code(&["site_code"])));
    let meta_site_code = summarise(&collect(&code(&["meta_site_code"])));
    let sponsor = summarise(&collect(&|v| {
        let s = str_at(v, &["sponsor"])?;
        Some((normalize(s), s.to_string()))
    }));
    let sitemap = summarise(&collect(&code(&["sitemap"])));
    let count = |key: &str| pages.iter().filter(|(_, v)| present(v, key)).count();
    let hidden_jiucuo = pages
        .iter()
        .filter(|(_, v)| {
            v.get("jiucuo")
                .and_then(|j| j.get("hidden"))
                .and_then(Value::as_bool)
                == Some(true)
        })
        .count();
    let mut entries = serde_json::Map::new();
    for e in ["accessibility", "elder", "traditional", "ipv6_label"] {
        let known = pages
            .iter()
            .filter(|(_, v)| v.get("entries").and_then(|x| x.get(e)).is_some())
            .count();
        if known == 0 {
            continue;
        }
        let yes = pages
            .iter()
            .filter(|(_, v)| v.get("entries").and_then(|x| x.get(e)).is_some_and(truthy))
            .count();
        entries.insert(e.into(), yes.into());
    }
    // Pages whose values disagree with the site's most common ones.
    let mut disagree: Vec<String> = Vec::new();
    for s in [&icp, &psb, &site_code, &meta_site_code] {
        for o in s
            .get("others")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for p in o
                .get("pages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_str()
                    && !disagree.iter().any(|d| d == p)
                {
                    disagree.push(p.to_string());
                }
            }
        }
    }
    let n = pages.len();
    Some(json!({
        "pages": n,
        "icp": icp,
        "psb": psb,
        "site_code": site_code,
        "meta_site_code": meta_site_code,
        "conac": {"pages": count("conac"), "missing": n - count("conac")},
        "jiucuo": {"pages": count("jiucuo"), "missing": n - count("jiucuo"), "hidden": hidden_jiucuo},
        "sponsor": sponsor,
        "contact": {"pages": count("contact"), "missing": n - count("contact")},
        "sitemap": sitemap,
        "entry_pages": entries,
        "disagreeing_pages": disagree,
    }))
}

/// Whether an entry value counts as present (a boolean, or an object with `found`/`present`).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Object(o) => ["found", "present", "entry"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_bool))
            .unwrap_or(!o.is_empty()),
        Value::Null => false,
        _ => true,
    }
}

/// A value as shown in the terminal: empty values named, local `file:` URLs as paths.
fn show_value(v: &str, lang: Lang) -> String {
    if v.is_empty() {
        return lang.pick("（空）", "(empty)").to_string();
    }
    if v.starts_with("file:")
        && let Ok(path) = url::Url::parse(v)
            .map_err(|_| ())
            .and_then(|u| u.to_file_path())
    {
        let cwd = std::env::current_dir().unwrap_or_default();
        return path
            .strip_prefix(&cwd)
            .unwrap_or(&path)
            .display()
            .to_string();
    }
    v.to_string()
}

fn value_line(s: &Value, n: u64, lang: Lang) -> String {
    let Some(value) = s.get("value").and_then(Value::as_str) else {
        return lang.pick("未找到", "not found").to_string();
    };
    let value = show_value(value, lang);
    let pages = s.get("pages").and_then(Value::as_u64).unwrap_or(0);
    let missing = s.get("missing").and_then(Value::as_u64).unwrap_or(0);
    let mut parts = vec![tr!(lang, "{pages}/{n} 个页面", "{pages}/{n} pages")];
    for o in s
        .get("others")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let v = show_value(o.get("value").and_then(Value::as_str).unwrap_or(""), lang);
        let k = o.get("pages").and_then(Value::as_array).map_or(0, Vec::len);
        parts.push(tr!(lang, "另有“{v}” {k} 个页面", "“{v}” on {k}"));
    }
    if missing > 0 {
        parts.push(tr!(lang, "{missing} 个页面缺失", "missing on {missing}"));
    }
    let parts = parts.join(lang.pick("；", "; "));
    tr!(lang, "{value}（{parts}）", "{value} ({parts})")
}

/// The terminal section: the identity inventory of a site.
pub fn terminal_section(report: &Report, site_idx: usize, lang: Lang) -> Option<String> {
    let site = report.sites.get(site_idx)?;
    let s = site.facts.get("identity")?;
    let n = s.get("pages").and_then(Value::as_u64)?;
    let mut out = String::new();
    let title = tr!(
        lang,
        "身份信息清单（{n} 个页面）",
        "Identity inventory ({n} pages)"
    );
    out.push_str(&title);
    out.push('\n');
    let mut row = |label: &str, value: String| {
        out.push_str(&format!("  {label}  {value}\n"));
    };
    let get = |k: &str| s.get(k).cloned().unwrap_or(Value::Null);
    row(
        lang.pick("ICP 备案号    ", "ICP number     "),
        value_line(&get("icp"), n, lang),
    );
    row(
        lang.pick("公网安备      ", "PSB number     "),
        value_line(&get("psb"), n, lang),
    );
    row(
        lang.pick("网站标识码    ", "Site code      "),
        value_line(&get("site_code"), n, lang),
    );
    row(
        lang.pick("SiteIDCode    ", "meta SiteIDCode"),
        value_line(&get("meta_site_code"), n, lang),
    );
    let counted = |k: &str| {
        let v = get(k);
        let pages = v.get("pages").and_then(Value::as_u64).unwrap_or(0);
        let mut line = tr!(lang, "{pages}/{n} 个页面", "{pages}/{n} pages");
        if let Some(h) = v.get("hidden").and_then(Value::as_u64).filter(|h| *h > 0) {
            line.push_str(&tr!(lang, "（{h} 个页面被隐藏）", " ({h} hidden)"));
        }
        line
    };
    row(
        lang.pick("党政机关标识  ", "Gov badge      "),
        counted("conac"),
    );
    row(
        lang.pick("找错入口      ", "Jiucuo entry   "),
        counted("jiucuo"),
    );
    row(
        lang.pick("主办单位      ", "Sponsor        "),
        value_line(&get("sponsor"), n, lang),
    );
    row(
        lang.pick("联系方式      ", "Contact        "),
        counted("contact"),
    );
    let sitemap = get("sitemap");
    let mut sm = sitemap.get("value").and_then(Value::as_str).map_or_else(
        || lang.pick("未找到", "not found").to_string(),
        |v| show_value(v, lang),
    );
    match sitemap.get("verified").and_then(Value::as_bool) {
        Some(true) if sitemap.get("ok").and_then(Value::as_bool) == Some(false) => {
            sm.push_str(lang.pick(
                "（已核实：有问题，见下方 identity/sitemap-missing）",
                " (checked: see identity/sitemap-missing below)",
            ));
        }
        Some(true) => {
            let links = sitemap.get("links").and_then(Value::as_u64).unwrap_or(0);
            sm.push_str(&tr!(
                lang,
                "（已核实，{links} 个站内链接）",
                " (checked: {links} same-site links)"
            ));
        }
        Some(false) => {
            sm.push_str(lang.pick(
                "（未核实：离线审计不访问远程网站地图）",
                " (not verified: offline audits do not fetch remote site maps)",
            ));
        }
        None => {}
    }
    row(lang.pick("网站地图      ", "Site map       "), sm);
    let entries = get("entry_pages");
    let names: [(&str, &str, &str); 4] = [
        ("accessibility", "无障碍", "accessibility"),
        ("elder", "关怀版", "elder"),
        ("traditional", "繁体版", "traditional"),
        ("ipv6_label", "IPv6 标识", "IPv6 label"),
    ];
    let list = names
        .iter()
        .map(|(k, zh, en)| {
            let c = entries
                .get(*k)
                .and_then(Value::as_u64)
                .map_or_else(|| "—".to_string(), |c| format!("{c}/{n}"));
            format!("{} {c}", lang.pick(zh, en))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    row(lang.pick("入口          ", "Entries        "), list);
    if let Some(d) = s
        .get("disagreeing_pages")
        .and_then(Value::as_array)
        .filter(|d| !d.is_empty())
    {
        let shown: Vec<&str> = d.iter().filter_map(Value::as_str).take(5).collect();
        let more = d.len().saturating_sub(shown.len());
        let mut line = shown.join(", ");
        if more > 0 {
            let total = d.len();
            line.push_str(&tr!(lang, " 等 {total} 个", " and {more} more"));
        }
        row(lang.pick("取值不一致页面", "Pages differing"), line);
    }
    Some(out.trim_end().to_string())
}

/// Normalised comparison key of a site code value (exposed for site rules).
pub fn code_is_valid(code: &str) -> bool {
    patterns::classify_site_code(code).is_none()
}
