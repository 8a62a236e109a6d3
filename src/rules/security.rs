//! Security rules (HTTPS, mixed content, TLS validity).

use super::Family;

/// The family's rules, collectors and terminal sections.
pub fn family() -> Family {
    Family::default()
}
