//! Freshness rules and the national-inspection scorecard (dates, stale and blank columns).

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[freshness]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FreshnessOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
