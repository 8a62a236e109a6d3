//! The rule engine: the [`Rule`] trait, the [`Collector`] trait for facts, the contexts rules
//! receive, and the [`Engine`] that runs every enabled rule on each page and each site.
//!
//! Adding a rule touches its family file and the catalog (`rules/catalog/<family>.toml`),
//! nothing else: each family module exposes `family() -> Family`, listed once in
//! [`families`]. The catalog is the single source of a rule's default severity, scope and
//! texts; `tests/catalog.rs` checks that rules and catalog entries match one to one.

pub mod a11y;
pub mod alt_text;
pub mod elder;
pub mod filing;
pub mod freshness;
pub mod identity;
pub mod ipv6;
pub mod links;
pub mod page;
pub mod security;
pub mod traditional;
pub mod versions;

use std::collections::BTreeMap;
use std::collections::HashMap;

use url::Url;

use crate::catalog::{Catalog, Scope};
use crate::config::{AuditOptions, RuleLevel};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::page::{El, LinkKind, Page};
use crate::report::{Facts, Finding, PageReport, Report, Severity};
use crate::services::Services;

/// A rule: a stable id (`family/name`) and a check. The default severity, scope and texts are
/// the rule's catalog entry; a page rule implements [`Rule::check_page`], a site rule
/// [`Rule::check_site`].
pub trait Rule: Send + Sync {
    /// The rule id, `family/name`; must have a catalog entry.
    fn id(&self) -> &'static str;

    /// Page or site scope (must agree with the catalog; checked by the tests).
    fn scope(&self) -> Scope {
        Scope::Page
    }

    /// Checks one page. Report findings through `cx`.
    fn check_page(&self, _page: &Page, _cx: &mut PageCx<'_>) {}

    /// Checks a site after all its pages were checked. Page rules may implement it too: to
    /// report findings about single pages that only the whole site can decide (whether a page
    /// is a column depends on the home page's navigation) through [`SiteCx::report_on_page`],
    /// or to check a page the site stage fetches itself rather than one that was audited (the
    /// 繁体版 page a home-page entry points to), reporting site findings with `url` set.
    fn check_site(&self, _site: &SiteData<'_>, _cx: &mut SiteCx<'_>) {}
}

/// Records facts about pages and sites for the report (the identity inventory, dates...) and
/// for site rules. Collectors run whether or not any rule is enabled.
pub trait Collector: Send + Sync {
    /// Facts about one page, merged (deeply) into the page object of the report.
    fn collect_page(&self, _page: &Page, _cx: &CollectCx<'_>) -> Facts {
        Facts::new()
    }

    /// Facts about a site, merged into the site object of the report.
    fn collect_site(&self, _site: &SiteData<'_>, _cx: &CollectCx<'_>) -> Facts {
        Facts::new()
    }
}

/// A terminal-report section a family adds under each site (the identity inventory, IPv6
/// results...): `(report, site index, language) -> text`.
pub type TerminalSection = fn(&Report, usize, Lang) -> Option<String>;

/// What a family contributes.
#[derive(Default)]
pub struct Family {
    /// Its rules.
    pub rules: Vec<Box<dyn Rule>>,
    /// Its fact collectors.
    pub collectors: Vec<Box<dyn Collector>>,
    /// Its terminal sections.
    pub sections: Vec<TerminalSection>,
}

/// Every family, in the order their rules run. Site rules that read other families' results
/// (the inspection scorecard) come last.
pub fn families() -> Vec<Family> {
    vec![
        page::family(),
        alt_text::family(),
        a11y::family(),
        filing::family(),
        identity::family(),
        links::family(),
        security::family(),
        ipv6::family(),
        elder::family(),
        traditional::family(),
        freshness::family(),
    ]
}

/// Every rule, in run order.
pub fn all_rules() -> Vec<Box<dyn Rule>> {
    families().into_iter().flat_map(|f| f.rules).collect()
}

/// Every terminal section, in family order.
pub fn terminal_sections() -> Vec<TerminalSection> {
    families().into_iter().flat_map(|f| f.sections).collect()
}

/// Rule ids emitted by the pipeline itself rather than by a [`Rule`] (a page that could not be
/// fetched or read has no [`Page`] to check).
pub const PIPELINE_RULES: &[&str] = &[
    "page/fetch-failed",
    "page/http-error",
    "page/not-html",
    "page/rule-crashed",
];

/// Where a site's pages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteKind {
    /// Fetched over HTTP(S).
    Remote,
    /// Read from a folder (or a single file).
    Local {
        /// The folder links are resolved against (a root-relative `/x.html` is this folder's).
        root_dir: std::path::PathBuf,
    },
}

/// A site being audited.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    /// Index in the report's `sites`.
    pub index: usize,
    /// The root as shown (`https://host/`, or the folder).
    pub root: String,
    /// The root as a URL (`file:` for local sites).
    pub root_url: Url,
    /// Remote or local.
    pub kind: SiteKind,
    /// The start URLs (the home page first).
    pub start_urls: Vec<Url>,
}

impl SiteInfo {
    /// Whether pages come from local files.
    pub fn is_local(&self) -> bool {
        matches!(self.kind, SiteKind::Local { .. })
    }

    /// For a local site: maps a `file:` URL that a root-relative link produced
    /// (`/gate/big5/x.html` on `file:///abs/site/a.html` resolves to `file:///gate/big5/x.html`)
    /// onto the site folder (`file:///abs/site/gate/big5/x.html`). URLs already inside the
    /// folder, and every URL of a remote site, are returned unchanged.
    pub fn local_target(&self, url: &Url) -> Url {
        if !self.is_local() || url.scheme() != "file" {
            return url.clone();
        }
        let root = self.root_url.path();
        if url.path().starts_with(root) {
            return url.clone();
        }
        let mut mapped = match self.root_url.join(url.path().trim_start_matches('/')) {
            Ok(u) => u,
            Err(_) => return url.clone(),
        };
        mapped.set_query(url.query());
        mapped.set_fragment(url.fragment());
        mapped
    }

    /// Whether a URL belongs to this site: same host (remote) or inside the folder (local).
    pub fn contains(&self, url: &Url) -> bool {
        match self.kind {
            SiteKind::Remote => {
                url.host_str() == self.root_url.host_str()
                    && url.port_or_known_default() == self.root_url.port_or_known_default()
            }
            SiteKind::Local { .. } => {
                url.scheme() == "file" && url.path().starts_with(self.root_url.path())
            }
        }
    }
}

/// A link target seen on a site's pages, with the pages that reference it.
#[derive(Debug, Clone, Default)]
pub struct LinkTarget {
    /// How it is referenced (an anchor on one page, an image on another...).
    pub kinds: Vec<LinkKind>,
    /// Indices (into [`SiteData::pages`]) of the pages that reference it.
    pub sources: Vec<u32>,
    /// Its checked status (crawl, link check or file lookup); `None` when not looked at.
    pub status: Option<links::LinkStatus>,
}

/// Every distinct link target of a site (absolute URL -> target), for site rules.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    /// Targets by absolute URL string.
    pub targets: BTreeMap<String, LinkTarget>,
}

impl LinkIndex {
    /// Adds the links of one page.
    pub fn add(&mut self, page_idx: u32, links: &[(String, LinkKind)]) {
        for (url, kind) in links {
            let t = self.targets.entry(url.clone()).or_default();
            if !t.kinds.contains(kind) {
                t.kinds.push(*kind);
            }
            if t.sources.last() != Some(&page_idx) {
                t.sources.push(page_idx);
            }
        }
    }
}

/// What site rules see.
pub struct SiteData<'a> {
    /// The site.
    pub info: &'a SiteInfo,
    /// Its pages' reports (findings and facts), in report order.
    pub pages: &'a [PageReport],
    /// Its link targets.
    pub links: &'a LinkIndex,
}

impl SiteData<'_> {
    /// The home page: the page of the first start URL, else the shallowest page named
    /// `index.*`, else the first page.
    pub fn home(&self) -> Option<&PageReport> {
        if let Some(start) = self.info.start_urls.first()
            && let Some(p) = self.pages.iter().find(|p| p.url == start.as_str())
        {
            return Some(p);
        }
        self.pages
            .iter()
            .filter(|p| {
                let last = p.url.rsplit('/').next().unwrap_or("");
                last.is_empty() || last.starts_with("index.") || last.starts_with("default.")
            })
            .min_by_key(|p| p.url.matches('/').count())
            .or_else(|| self.pages.first())
    }
}

/// Context for collectors.
pub struct CollectCx<'a> {
    /// Message language.
    pub lang: Lang,
    /// The audit options.
    pub options: &'a AuditOptions,
    /// The site.
    pub site: &'a SiteInfo,
    /// Fetching and other services.
    pub services: &'a Services,
}

/// Context of a page rule: the options, the site, services, and where findings go.
pub struct PageCx<'a> {
    /// Message language.
    pub lang: Lang,
    /// The audit options.
    pub options: &'a AuditOptions,
    /// The site the page belongs to.
    pub site: &'a SiteInfo,
    /// Fetching and other services.
    pub services: &'a Services,
    rule: &'static str,
    severity: Severity,
    findings: &'a mut Vec<Finding>,
}

/// Longest snippet kept in a finding, in characters.
pub const SNIPPET_CHARS: usize = 200;

impl PageCx<'_> {
    /// The id of the rule being run.
    pub fn rule_id(&self) -> &'static str {
        self.rule
    }

    /// Reports a finding on an element: its selector, line and start tag are filled in.
    pub fn report(&mut self, el: &El<'_>, message: String) -> &mut Finding {
        let mut f = Finding::new(self.rule, self.severity, message);
        f.selector = Some(el.selector());
        f.line = el.line();
        f.snippet = Some(el.start_tag(SNIPPET_CHARS));
        self.push(f)
    }

    /// Reports a finding about the page as a whole.
    pub fn report_page(&mut self, message: String) -> &mut Finding {
        let f = Finding::new(self.rule, self.severity, message);
        self.push(f)
    }

    /// Reports a finding at a source line with a text snippet (text-based checks).
    pub fn report_text(
        &mut self,
        line: Option<u32>,
        snippet: &str,
        message: String,
    ) -> &mut Finding {
        let mut f = Finding::new(self.rule, self.severity, message);
        f.line = line;
        f.snippet = Some(crate::dom::truncate_chars(snippet, SNIPPET_CHARS).into_owned());
        self.push(f)
    }

    fn push(&mut self, f: Finding) -> &mut Finding {
        self.findings.push(f);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Context of a site rule.
pub struct SiteCx<'a> {
    /// Message language.
    pub lang: Lang,
    /// The audit options.
    pub options: &'a AuditOptions,
    /// Fetching and other services.
    pub services: &'a Services,
    rule: &'static str,
    severity: Severity,
    findings: &'a mut Vec<Finding>,
    facts: &'a mut Facts,
    page_findings: &'a mut Vec<(usize, Finding)>,
    enabled: &'a [&'static str],
}

impl SiteCx<'_> {
    /// The id of the rule being run.
    pub fn rule_id(&self) -> &'static str {
        self.rule
    }

    /// The ids of every rule enabled in this run (all families), in run order.
    pub fn enabled_rules(&self) -> &[&'static str] {
        self.enabled
    }

    /// Reports a site finding.
    pub fn report(&mut self, message: String) -> &mut Finding {
        self.findings
            .push(Finding::new(self.rule, self.severity, message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Reports a finding about one page of the site (`page` indexes [`SiteData::pages`]),
    /// decided at the site stage: it is added to that page's findings in the report.
    pub fn report_on_page(&mut self, page: usize, message: String) -> &mut Finding {
        self.page_findings
            .push((page, Finding::new(self.rule, self.severity, message)));
        let last = self.page_findings.len() - 1;
        &mut self.page_findings[last].1
    }

    /// Site findings so far (earlier rules, and page findings aggregated per site).
    pub fn findings_so_far(&self) -> &[Finding] {
        self.findings
    }

    /// Page findings reported so far by site-stage rules through [`Self::report_on_page`]
    /// (they join their pages after the site stage), with the page index.
    pub fn page_findings_so_far(&self) -> &[(usize, Finding)] {
        self.page_findings
    }

    /// Site facts so far.
    pub fn facts(&self) -> &Facts {
        self.facts
    }

    /// Merges a fact into the site object of the report.
    pub fn set_fact(&mut self, key: &str, value: serde_json::Value) {
        merge_fact(self.facts, key, value);
    }
}

/// Deep-merges `value` under `key`: objects merge key by key, anything else replaces.
pub fn merge_fact(facts: &mut Facts, key: &str, value: serde_json::Value) {
    match facts.get_mut(key) {
        Some(existing) => merge_json(existing, value),
        None => {
            facts.insert(key.to_string(), value);
        }
    }
}

fn merge_json(into: &mut serde_json::Value, value: serde_json::Value) {
    match (into, value) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge_json(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

struct ActiveRule {
    rule: Box<dyn Rule>,
    severity: Severity,
    scope: Scope,
}

/// Runs the enabled rules and the collectors.
pub struct Engine {
    rules: Vec<ActiveRule>,
    collectors: Vec<Box<dyn Collector>>,
    aggregate: HashMap<&'static str, bool>,
    pipeline: HashMap<&'static str, Severity>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field(
                "rules",
                &self.rules.iter().map(|r| r.rule.id()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Whether a selector (`a11y`, `a11y/*`, `a11y/image-alt`) matches a rule id.
fn selector_matches(selector: &str, id: &str) -> bool {
    let s = selector.trim().trim_end_matches("/*");
    id == s || id.split('/').next() == Some(s)
}

fn check_selectors(catalog: &Catalog, selectors: &[String]) -> Result<()> {
    for s in selectors {
        let known = catalog.entries().iter().any(|e| selector_matches(s, &e.id));
        if !known {
            return Err(Error::UnknownRule(s.clone()));
        }
    }
    Ok(())
}

/// Whether a catalog entry is enabled under the options, and at which severity.
fn effective_severity(
    entry: &crate::catalog::RuleEntry,
    options: &AuditOptions,
) -> Option<Severity> {
    let id = entry.id.as_str();
    let mut enabled = entry.enabled;
    let mut severity = entry.severity;
    if let Some(level) = entry.level
        && level > options.a11y.level()
    {
        enabled = false;
    }
    if options.enable.iter().any(|s| selector_matches(s, id)) {
        enabled = true;
    }
    if options.disable.iter().any(|s| selector_matches(s, id)) {
        enabled = false;
    }
    if !options.only.is_empty() && !options.only.iter().any(|s| selector_matches(s, id)) {
        enabled = false;
    }
    // An exact id wins over a family selector in the per-rule table.
    let level = options.rules.get(id).or_else(|| {
        options
            .rules
            .iter()
            .find(|(k, _)| selector_matches(k, id))
            .map(|(_, v)| v)
    });
    match level {
        Some(RuleLevel::Off) => enabled = false,
        Some(RuleLevel::Notice) => (enabled, severity) = (true, Severity::Notice),
        Some(RuleLevel::Warning) => (enabled, severity) = (true, Severity::Warning),
        Some(RuleLevel::Error) => (enabled, severity) = (true, Severity::Error),
        None => {}
    }
    enabled.then_some(severity)
}

impl Engine {
    /// Builds the engine from the catalog and the options (`--enable`, `--disable`, `--only`,
    /// per-rule levels, the accessibility conformance level). Unknown rule ids are an error.
    pub fn new(options: &AuditOptions) -> Result<Engine> {
        Self::with_rules(
            options,
            all_rules(),
            families().into_iter().flat_map(|f| f.collectors).collect(),
        )
    }

    /// Builds an engine from given rules (tests of one rule).
    pub fn with_rules(
        options: &AuditOptions,
        rules: Vec<Box<dyn Rule>>,
        collectors: Vec<Box<dyn Collector>>,
    ) -> Result<Engine> {
        let catalog = Catalog::embedded();
        check_selectors(catalog, &options.enable)?;
        check_selectors(catalog, &options.disable)?;
        check_selectors(catalog, &options.only)?;
        for id in options.rules.keys() {
            check_selectors(catalog, std::slice::from_ref(id))?;
        }
        let mut active = Vec::new();
        let mut aggregate = HashMap::new();
        for rule in rules {
            let id = rule.id();
            let entry = catalog.get(id).ok_or_else(|| Error::Catalog {
                file: "(rules)".into(),
                message: format!("rule {id} has no catalog entry"),
            })?;
            aggregate.insert(id, entry.aggregate);
            if let Some(severity) = effective_severity(entry, options) {
                active.push(ActiveRule {
                    severity,
                    scope: entry.scope,
                    rule,
                });
            }
        }
        let pipeline = PIPELINE_RULES
            .iter()
            .filter_map(|id| {
                let entry = catalog.get(id)?;
                effective_severity(entry, options).map(|s| (*id, s))
            })
            .collect();
        Ok(Engine {
            rules: active,
            collectors,
            aggregate,
            pipeline,
        })
    }

    /// The effective severity of a pipeline rule ([`PIPELINE_RULES`]), `None` when disabled.
    pub fn severity_of_pipeline(&self, id: &str) -> Option<Severity> {
        self.pipeline.get(id).copied()
    }

    /// The ids of the enabled rules, in run order.
    pub fn enabled_ids(&self) -> Vec<&'static str> {
        self.rules.iter().map(|r| r.rule.id()).collect()
    }

    /// The effective severity of an enabled rule.
    pub fn severity_of(&self, id: &str) -> Option<Severity> {
        self.rules
            .iter()
            .find(|r| r.rule.id() == id)
            .map(|r| r.severity)
    }

    /// Whether a rule id is enabled.
    pub fn is_enabled(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.rule.id() == id)
    }

    /// Runs the collectors and every enabled page rule on a page. A rule that panics is
    /// contained: the page gets a `page/rule-crashed` finding and the other rules still run.
    pub fn check_page(
        &self,
        page: &Page,
        options: &AuditOptions,
        site: &SiteInfo,
        services: &Services,
    ) -> (Vec<Finding>, Facts) {
        let lang = options.lang();
        let mut facts = Facts::new();
        let ccx = CollectCx {
            lang,
            options,
            site,
            services,
        };
        for c in &self.collectors {
            for (k, v) in c.collect_page(page, &ccx) {
                merge_fact(&mut facts, &k, v);
            }
        }
        let mut findings = Vec::new();
        for r in self.rules.iter().filter(|r| r.scope == Scope::Page) {
            let mut cx = PageCx {
                lang,
                options,
                site,
                services,
                rule: r.rule.id(),
                severity: r.severity,
                findings: &mut findings,
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                r.rule.check_page(page, &mut cx);
            }));
            if let Err(panic) = outcome {
                findings.push(crashed(r.rule.id(), &panic, lang));
            }
        }
        findings.sort_by(|a, b| {
            (a.line.unwrap_or(u32::MAX), &a.rule).cmp(&(b.line.unwrap_or(u32::MAX), &b.rule))
        });
        (findings, facts)
    }

    /// Moves the page findings of aggregating rules (site-wide elements such as the footer)
    /// into one site finding per rule and message, listing the pages.
    pub fn aggregate(&self, pages: &mut [PageReport], lang: Lang) -> Vec<Finding> {
        let mut groups: BTreeMap<(String, String), Finding> = BTreeMap::new();
        for p in pages.iter_mut() {
            let name = p.path.clone().unwrap_or_else(|| p.url.clone());
            let mut keep = Vec::with_capacity(p.findings.len());
            for f in p.findings.drain(..) {
                if self
                    .aggregate
                    .get(f.rule.as_str())
                    .copied()
                    .unwrap_or(false)
                {
                    let key = (f.rule.clone(), f.message.clone());
                    let g = groups.entry(key).or_insert_with(|| {
                        let mut g = f.clone();
                        g.url = None;
                        g
                    });
                    if g.pages.last() != Some(&name) {
                        g.pages.push(name.clone());
                    }
                } else {
                    keep.push(f);
                }
            }
            p.findings = keep;
        }
        groups
            .into_values()
            .map(|mut g| {
                g.count = Some(g.pages.len());
                if g.pages.len() > 1 {
                    g.message = crate::tr!(
                        lang,
                        "{}（{} 个页面）",
                        "{} ({} pages)",
                        g.message,
                        g.pages.len()
                    );
                }
                g
            })
            .collect()
    }

    /// Runs the site collectors and the site stage of every enabled rule. `findings` already
    /// holds the aggregated page findings; site findings are appended. Returns the findings
    /// that site-stage rules reported about single pages (page index into `site.pages`), for
    /// the caller to add to those pages.
    #[must_use]
    pub fn check_site(
        &self,
        site: &SiteData<'_>,
        options: &AuditOptions,
        services: &Services,
        findings: &mut Vec<Finding>,
        facts: &mut Facts,
    ) -> Vec<(usize, Finding)> {
        let lang = options.lang();
        let ccx = CollectCx {
            lang,
            options,
            site: site.info,
            services,
        };
        for c in &self.collectors {
            for (k, v) in c.collect_site(site, &ccx) {
                merge_fact(facts, &k, v);
            }
        }
        let mut page_findings = Vec::new();
        let enabled = self.enabled_ids();
        // Page rules run here too: most have nothing to do at the site stage (the default
        // `check_site`), a few decide about single pages with the whole site in view, or
        // check pages the site stage fetches itself.
        for r in &self.rules {
            let mut cx = SiteCx {
                lang,
                options,
                services,
                rule: r.rule.id(),
                severity: r.severity,
                findings,
                facts,
                page_findings: &mut page_findings,
                enabled: &enabled,
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                r.rule.check_site(site, &mut cx);
            }));
            if let Err(panic) = outcome {
                findings.push(crashed(r.rule.id(), &panic, lang));
            }
        }
        page_findings
    }
}

fn crashed(rule: &str, panic: &Box<dyn std::any::Any + Send>, lang: Lang) -> Finding {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let mut f = Finding::new(
        "page/rule-crashed",
        Severity::Notice,
        crate::tr!(
            lang,
            "规则 {rule} 在此页面上内部出错，未能完成检查：{what}（请报告此问题）",
            "rule {rule} failed internally on this page and did not finish: {what} (please report this)"
        ),
    );
    f.data.insert("crashed_rule".into(), rule.into());
    f
}

/// Shared helpers for tests of rules: run a set of rules on an HTML string.
pub mod testing {
    use super::*;

    /// Options with defaults.
    pub fn options() -> AuditOptions {
        AuditOptions::default()
    }

    /// A site for tests.
    pub fn site(url: &str) -> SiteInfo {
        let root_url = Url::parse(url)
            .unwrap_or_else(|_| Url::parse("https://www.example.gov.cn/").expect("static URL"));
        SiteInfo {
            index: 0,
            root: root_url.to_string(),
            root_url: root_url.clone(),
            kind: SiteKind::Remote,
            start_urls: vec![root_url],
        }
    }

    /// Runs the given rules (all enabled, catalog severities) on a page and returns findings.
    pub fn run_rules(rules: Vec<Box<dyn Rule>>, page: &Page) -> Vec<Finding> {
        run_rules_with(rules, page, &options())
    }

    /// Like [`run_rules`] with options.
    pub fn run_rules_with(
        rules: Vec<Box<dyn Rule>>,
        page: &Page,
        options: &AuditOptions,
    ) -> Vec<Finding> {
        let ids: Vec<String> = rules.iter().map(|r| r.id().to_string()).collect();
        let mut opts = options.clone();
        opts.enable.extend(ids);
        let engine = match Engine::with_rules(&opts, rules, Vec::new()) {
            Ok(e) => e,
            Err(e) => panic!("test engine: {e}"),
        };
        let site = site(page.url.as_str());
        engine
            .check_page(page, &opts, &site, &Services::offline())
            .0
    }

    /// Parses HTML at a URL and runs the rules; returns the rule ids found, in order.
    pub fn rule_ids(rules: Vec<Box<dyn Rule>>, html: &str) -> Vec<String> {
        let page = Page::from_html(html, "https://www.example.gov.cn/index.html");
        run_rules(rules, &page)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }
}
