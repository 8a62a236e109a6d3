//! Accessibility rules (无障碍): the static checks of GB/T 37668-2019 / WCAG 2.x, named after
//! axe-core's rules where they mean the same thing, and the 无障碍 entry.
//!
//! The alt-text rules live in [`super::alt_text`].

use serde::{Deserialize, Serialize};

use super::Family;
use crate::catalog::WcagLevel;

/// Options of the accessibility family (`[a11y]` in govaudit.toml).
#[derive(Debug, Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct A11yOptions {
    /// Highest WCAG conformance level checked: A, AA or AAA (GB/T 37668-2019 一级/二级/三级 by
    /// govaudit's mapping) [default: AA]
    #[arg(long, value_enum, value_name = "LEVEL", ignore_case = true)]
    pub level: Option<WcagLevel>,
}

impl A11yOptions {
    /// The conformance level.
    pub fn level(&self) -> WcagLevel {
        self.level.unwrap_or(WcagLevel::AA)
    }
}

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
