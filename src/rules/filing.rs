//! Filing rules (备案): the ICP filing number and the public-security (公网安备) filing number.

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[filing]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilingOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
