//! IPv6 support, measured the way the national monitoring measures it.

use serde::{Deserialize, Serialize};

use super::Family;

/// Options of this family (flattened into the command line; `[ipv6]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ipv6Options {}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
