//! Link rules (错链断链, soft 404, external-link notice).

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[links]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LinksOptions {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
