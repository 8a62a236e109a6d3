//! Identity rules (标识): 网站标识码, meta tags, 党政机关网站标识, 我为政府网站找错, the footer set, cross-field consistency.

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[identity]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IdentityOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
