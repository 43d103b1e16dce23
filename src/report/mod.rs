//! Rendering an [`Analysis`](crate::model::Analysis). Renderers only read the model; they compute nothing.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sanitize;
pub mod text;

use crate::model::Analysis;
use std::io::{self, Write};
use std::path::Path;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Markdown, to paste into a write-up.
    Md,
    /// JSON (documented in README.md, schema in `schema/report.schema.json`).
    Json,
    /// Plain terminal text.
    Text,
    /// One self-contained HTML page: lanes, findings, node periods, zoom, filters, searchable table.
    Html,
    /// JUnit XML: one test case per pattern id, for CI systems.
    Junit,
}

impl OutputFormat {
    /// The format a file name's extension stands for: `.md`, `.html`/`.htm`, `.json`, `.txt`, `.xml` (JUnit),
    /// case-insensitive; `None` for any other.
    pub fn from_extension(path: &Path) -> Option<OutputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "md" | "markdown" => OutputFormat::Md,
            "html" | "htm" => OutputFormat::Html,
            "json" => OutputFormat::Json,
            "txt" | "text" => OutputFormat::Text,
            "xml" => OutputFormat::Junit,
            _ => return None,
        })
    }
}

/// Writes `a` in `format`. `color` only affects text output.
pub fn render(a: &Analysis, format: OutputFormat, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Md => markdown::render(a, out),
        OutputFormat::Json => json::render(a, out),
        OutputFormat::Text => text::render(a, color, out),
        OutputFormat::Html => html::render(a, out),
        OutputFormat::Junit => junit::render(a, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        let f = |p: &str| OutputFormat::from_extension(Path::new(p));
        assert_eq!(f("r.md"), Some(OutputFormat::Md));
        assert_eq!(f("out/r.HTML"), Some(OutputFormat::Html));
        assert_eq!(f("r.htm"), Some(OutputFormat::Html));
        assert_eq!(f("r.json"), Some(OutputFormat::Json));
        assert_eq!(f("r.txt"), Some(OutputFormat::Text));
        assert_eq!(f("junit.xml"), Some(OutputFormat::Junit));
        assert_eq!(f("r.pdf"), None);
        assert_eq!(f("report"), None);
        assert_eq!(f(".md"), None);
    }
}
