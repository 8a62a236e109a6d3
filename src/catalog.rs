//! The rule catalog: one entry per rule id, stored as data in `rules/catalog/*.toml` and
//! embedded into the binary at build time.
//!
//! An entry carries the default severity and scope, whether the rule is on by default, titles,
//! explanations and fixes in Chinese and English, the governing documents and clauses (codes
//! listed in `rules/catalog/documents.toml`), how firmly the cited fact is known (`basis`), and
//! for accessibility rules the WCAG success criteria, conformance level and axe-core id.
//! `tests` check that every rule has an entry and every entry a rule.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::report::Severity;

/// The embedded catalog files, one per rule family.
pub const FILES: &[(&str, &str)] = &[
    ("page.toml", include_str!("../rules/catalog/page.toml")),
    ("a11y.toml", include_str!("../rules/catalog/a11y.toml")),
    ("filing.toml", include_str!("../rules/catalog/filing.toml")),
    (
        "identity.toml",
        include_str!("../rules/catalog/identity.toml"),
    ),
    ("ipv6.toml", include_str!("../rules/catalog/ipv6.toml")),
    ("elder.toml", include_str!("../rules/catalog/elder.toml")),
    (
        "traditional.toml",
        include_str!("../rules/catalog/traditional.toml"),
    ),
    ("links.toml", include_str!("../rules/catalog/links.toml")),
    (
        "security.toml",
        include_str!("../rules/catalog/security.toml"),
    ),
    (
        "freshness.toml",
        include_str!("../rules/catalog/freshness.toml"),
    ),
];

/// The embedded list of governing documents.
pub const DOCUMENTS: &str = include_str!("../rules/catalog/documents.toml");

/// Page or site scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// About one page: decided from the page alone, or at the site stage about one page
    /// (a stale column).
    Page,
    /// Aggregated over a site after every page was checked.
    Site,
}

/// How firmly the fact behind a rule is known (RULES.md §0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The wording of the governing text or an official notice is known.
    Confirmed,
    /// A third-party summary citing the official text.
    Secondary,
    /// Seen on many real pages; no official clause found.
    Observed,
    /// An inference; the threshold or list is a setting.
    Unconfirmed,
    /// A technical check of govaudit's own (encoding, fetch failures), no governing text.
    Technical,
}

/// WCAG conformance level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
pub enum WcagLevel {
    /// Level A (GB/T 37668-2019 一级, by govaudit's mapping).
    A,
    /// Level AA (二级).
    AA,
    /// Level AAA (三级).
    AAA,
}

/// A text in both languages.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in a language.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// A reference to a governing document and clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocRef {
    /// Document code from `documents.toml` (`D1`..`D18`, `W21`, `AXE`...).
    pub doc: String,
    /// Clause, article or success criterion within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
}

/// One catalog entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// `family/name`.
    pub id: String,
    /// Default severity.
    pub severity: Severity,
    /// Page or site.
    pub scope: Scope,
    /// On by default (`false` = "(off)" in the specification).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How firmly the fact is known.
    pub basis: Basis,
    /// Governing documents and clauses.
    #[serde(default)]
    pub refs: Vec<DocRef>,
    /// WCAG success criteria (accessibility rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wcag: Vec<String>,
    /// WCAG level (accessibility rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<WcagLevel>,
    /// The axe-core rule id when the rule means the same thing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axe: Option<String>,
    /// Collapse this rule's page findings into one site finding listing the pages (for
    /// site-wide elements such as the footer, so 300 pages missing it are one finding).
    #[serde(default)]
    pub aggregate: bool,
    /// Short title.
    pub title: Text,
    /// Why it matters.
    pub help: Text,
    /// How to fix it.
    pub fix: Text,
    /// Free tags (e.g. `needs-review`, `heuristic`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

fn yes() -> bool {
    true
}

impl RuleEntry {
    /// The family part of the id.
    pub fn family(&self) -> &str {
        self.id.split('/').next().unwrap_or(&self.id)
    }
}

/// A governing document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Code used in `refs`.
    pub code: String,
    /// Title.
    pub title: String,
    /// Issuer, number and date.
    pub issuer: String,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The whole catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    entries: Vec<RuleEntry>,
    by_id: BTreeMap<String, usize>,
    documents: BTreeMap<String, Document>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsFile {
    document: Vec<Document>,
}

impl Catalog {
    /// The embedded catalog, parsed once.
    ///
    /// # Panics
    /// When the embedded data is malformed; `tests` parse it with [`Catalog::parse`] so a
    /// malformed catalog never ships.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::parse(FILES, DOCUMENTS) {
            Ok(c) => c,
            Err(e) => panic!("embedded rule catalog is malformed: {e}"),
        })
    }

    /// Parses catalog files and the document list, checking ids, families and references.
    pub fn parse(files: &[(&str, &str)], documents: &str) -> Result<Catalog> {
        let docs: DocumentsFile = toml::from_str(documents).map_err(|e| Error::Catalog {
            file: "documents.toml".into(),
            message: e.to_string(),
        })?;
        let documents: BTreeMap<String, Document> = docs
            .document
            .into_iter()
            .map(|d| (d.code.clone(), d))
            .collect();
        let mut entries = Vec::new();
        let mut by_id = BTreeMap::new();
        for (name, text) in files {
            let file: CatalogFile = toml::from_str(text).map_err(|e| Error::Catalog {
                file: (*name).into(),
                message: e.to_string(),
            })?;
            let family = name.trim_end_matches(".toml");
            for entry in file.rule {
                let bad = |message: String| Error::Catalog {
                    file: (*name).into(),
                    message,
                };
                if !is_valid_id(&entry.id) {
                    return Err(bad(format!(
                        "invalid rule id {:?} (family/kebab-name)",
                        entry.id
                    )));
                }
                let fam = entry.family();
                if fam != family && !(family == "identity" && fam == "consistency") {
                    return Err(bad(format!("rule {} does not belong in {name}", entry.id)));
                }
                for r in &entry.refs {
                    if !documents.contains_key(&r.doc) {
                        return Err(bad(format!(
                            "rule {} cites unknown document {}",
                            entry.id, r.doc
                        )));
                    }
                }
                for t in [&entry.title, &entry.help, &entry.fix] {
                    if t.zh.trim().is_empty() || t.en.trim().is_empty() {
                        return Err(bad(format!("rule {} has an empty text", entry.id)));
                    }
                }
                if by_id.insert(entry.id.clone(), entries.len()).is_some() {
                    return Err(bad(format!("duplicate rule id {}", entry.id)));
                }
                entries.push(entry);
            }
        }
        Ok(Catalog {
            entries,
            by_id,
            documents,
        })
    }

    /// All entries, in file order.
    pub fn entries(&self) -> &[RuleEntry] {
        &self.entries
    }

    /// One entry by id.
    pub fn get(&self, id: &str) -> Option<&RuleEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// A governing document by code.
    pub fn document(&self, code: &str) -> Option<&Document> {
        self.documents.get(code)
    }

    /// All governing documents.
    pub fn documents(&self) -> impl Iterator<Item = &Document> {
        self.documents.values()
    }

    /// The families present, in file order.
    pub fn families(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in &self.entries {
            let f = e.family();
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }

    /// Human-readable references of an entry: `D6 《非经营性…》 第十三条`.
    pub fn format_refs(&self, entry: &RuleEntry) -> Vec<String> {
        entry
            .refs
            .iter()
            .map(|r| {
                let title = self
                    .documents
                    .get(&r.doc)
                    .map_or(r.doc.as_str(), |d| d.title.as_str());
                match &r.clause {
                    Some(c) => format!("{title} {c}"),
                    None => title.to_string(),
                }
            })
            .collect()
    }
}

/// `family/kebab-name` with lower-case ASCII letters, digits and dashes.
pub fn is_valid_id(id: &str) -> bool {
    let Some((family, name)) = id.split_once('/') else {
        return false;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    ok(family) && ok(name) && !name.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses() {
        let c = Catalog::parse(FILES, DOCUMENTS).expect("catalog parses");
        assert!(c.get("a11y/image-alt").is_some());
        assert!(c.document("D6").is_some());
    }

    #[test]
    fn rejects_bad_entries() {
        let docs = "[[document]]\ncode='D1'\ntitle='t'\nissuer='i'\n";
        let entry = |id: &str, doc: &str| {
            format!(
                "[[rule]]\nid='{id}'\nseverity='error'\nscope='page'\nbasis='confirmed'\nrefs=[{{doc='{doc}'}}]\n\
                 title={{zh='标题',en='t'}}\nhelp={{zh='说明',en='h'}}\nfix={{zh='修复',en='f'}}\n"
            )
        };
        assert!(Catalog::parse(&[("x.toml", &entry("x/ok", "D1"))], docs).is_ok());
        assert!(Catalog::parse(&[("x.toml", &entry("x/Bad_Id", "D1"))], docs).is_err());
        assert!(Catalog::parse(&[("x.toml", &entry("y/other-family", "D1"))], docs).is_err());
        assert!(Catalog::parse(&[("x.toml", &entry("x/ok", "D9"))], docs).is_err());
        let dup = format!("{}{}", entry("x/ok", "D1"), entry("x/ok", "D1"));
        assert!(Catalog::parse(&[("x.toml", &dup)], docs).is_err());
        let unknown_key = format!("{}colour='red'\n", entry("x/ok", "D1"));
        assert!(Catalog::parse(&[("x.toml", &unknown_key)], docs).is_err());
    }

    #[test]
    fn id_syntax() {
        assert!(is_valid_id("filing/icp-missing"));
        assert!(is_valid_id("ipv6/no-aaaa"));
        assert!(!is_valid_id("filing"));
        assert!(!is_valid_id("filing/ICP"));
        assert!(!is_valid_id("a/b/c"));
        assert!(!is_valid_id("a/-b"));
    }
}
