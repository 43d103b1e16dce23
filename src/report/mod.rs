//! Rendering an [`Analysis`](crate::model::Analysis). Renderers only read the model; they compute nothing.

pub mod html;
pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod text;

use crate::model::Analysis;
use std::io::{self, Write};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Markdown, to paste into a write-up.
    Md,
    /// JSON (documented in README.md).
    Json,
    /// Plain terminal text.
    Text,
    /// One self-contained HTML page: lanes, findings, node periods, zoom, filters, searchable table.
    Html,
}

/// Writes `a` in `format`. `color` only affects text output.
pub fn render(a: &Analysis, format: OutputFormat, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Md => markdown::render(a, out),
        OutputFormat::Json => json::render(a, out),
        OutputFormat::Text => text::render(a, color, out),
        OutputFormat::Html => html::render(a, out),
    }
}
