//! Elder-care version (关怀版 / 适老化): entry, mechanism, and the checks of the MIIT elder-friendly design spec.

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[elder]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ElderOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
