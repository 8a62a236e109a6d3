//! The rule catalog and the rules agree one to one.

use std::collections::BTreeSet;

use govaudit::catalog::{Catalog, DOCUMENTS, FILES};
use govaudit::rules::{PIPELINE_RULES, all_rules};

#[test]
fn catalog_parses_and_cites_known_documents() {
    let catalog = Catalog::parse(FILES, DOCUMENTS).expect("the embedded catalog parses");
    for e in catalog.entries() {
        assert!(!e.refs.is_empty(), "{} cites no governing document", e.id);
        if e.family() == "a11y" && !e.tags.iter().any(|t| t == "needs-review") {
            assert!(
                !e.wcag.is_empty() || e.scope == govaudit::catalog::Scope::Site,
                "{} has no WCAG criterion",
                e.id
            );
        }
    }
}

#[test]
fn every_rule_has_an_entry_and_every_entry_a_rule() {
    let catalog = Catalog::embedded();
    let mut implemented = BTreeSet::new();
    for rule in all_rules() {
        let id = rule.id();
        assert!(implemented.insert(id), "rule {id} is registered twice");
        let entry = catalog
            .get(id)
            .unwrap_or_else(|| panic!("rule {id} has no catalog entry"));
        assert_eq!(
            entry.scope,
            rule.scope(),
            "scope of {id} differs between code and catalog"
        );
    }
    for id in PIPELINE_RULES {
        assert!(
            catalog.get(id).is_some(),
            "pipeline rule {id} has no catalog entry"
        );
        assert!(implemented.insert(id), "pipeline rule {id} is also a Rule");
    }
    for e in catalog.entries() {
        assert!(
            implemented.contains(e.id.as_str()),
            "catalog entry {} has no rule",
            e.id
        );
    }
}
