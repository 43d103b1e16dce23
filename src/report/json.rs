//! JSON output: the [`Analysis`] as documented in README.md (`version` 1).

use crate::model::Analysis;
use std::io::{self, Write};

/// Writes the analysis as one JSON document followed by a newline.
pub fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, a).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
