//! Traditional-script version (繁体版): entry, mechanism, and whether the result really is traditional Chinese.

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[traditional]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TraditionalOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
