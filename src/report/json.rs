//! The JSON report (pretty-printed, stable key order).

use super::{Report, Writer};

/// Writes the report as JSON.
pub struct JsonWriter;

impl Writer for JsonWriter {
    fn write(&self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}
