//! Terminal text: one line per timeline row, coloured by severity when asked, control sequences stripped.

use super::sanitize::{for_terminal, shorten};
use crate::model::{format_time, Analysis};
use std::io::{self, Write};

/// Writes the text report.
pub fn render(a: &Analysis, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let t = &a.totals;
    writeln!(
        out,
        "{} sources ({} skipped), {} lines: {} parsed, {} not recognised; {} timeline rows",
        t.sources,
        t.skipped_sources,
        t.lines,
        t.parsed,
        t.skipped_lines,
        a.timeline.len()
    )?;
    for f in &a.findings {
        // A known issue is not an alarm: dimmed, not red.
        let (on, off) = match (color, f.severity.as_str(), f.known.is_some()) {
            (true, _, true) => ("\x1b[2m", "\x1b[0m"),
            (true, "critical", _) => ("\x1b[1;31m", "\x1b[0m"),
            (true, "warning", _) => ("\x1b[33m", "\x1b[0m"),
            _ => ("", ""),
        };
        writeln!(
            out,
            "{on}{}{off}{} {}: {}",
            f.severity.to_uppercase(),
            if f.known.is_some() { " (known)" } else { "" },
            f.id,
            for_terminal(&f.title)
        )?;
        if let Some(k) = &f.known {
            let link = k
                .link
                .as_deref()
                .map(|l| format!(" ({})", for_terminal(l)))
                .unwrap_or_default();
            writeln!(out, "    known issue: {}{link}", for_terminal(&k.reason))?;
        }
        if !f.caused_by.is_empty() {
            writeln!(out, "    caused by {}", f.caused_by.join(", "))?;
        }
        writeln!(out, "    {}", for_terminal(&shorten(&f.explanation, 1000)))?;
    }
    for n in &a.not_evaluated {
        writeln!(out, "not evaluated {}: {}", n.id, for_terminal(&n.missing))?;
    }
    for i in a.inputs.iter().filter(|i| !i.problems.is_empty()) {
        for p in &i.problems {
            writeln!(out, "! {}: {}", for_terminal(&i.path), for_terminal(&shorten(p, 300)))?;
        }
    }
    for r in &a.timeline {
        let approx = if r.approx_s == Some(0.0) { "" } else { "~" };
        let time =
            r.at.map_or_else(|| "(no time)".into(), |t| format!("{approx}{}", format_time(t)));
        let (on, off) = match (color, r.severity) {
            (true, "critical") => ("\x1b[1;31m", "\x1b[0m"),
            (true, "error") => ("\x1b[31m", "\x1b[0m"),
            (true, "warning") => ("\x1b[33m", "\x1b[0m"),
            _ => ("", ""),
        };
        let repeat = if r.count > 1 {
            format!(
                " (x{} until {})",
                r.count,
                r.last_at.map(format_time).unwrap_or_default()
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{time} {} {} {on}{:<8}{off} {}{} [{}:{}]",
            for_terminal(r.node.as_deref().unwrap_or("-")),
            for_terminal(r.component.as_deref().unwrap_or("-")),
            r.severity,
            for_terminal(&shorten(&r.message, 500)),
            repeat,
            for_terminal(&r.source.path),
            r.source.line
        )?;
        if !r.also_in.is_empty() {
            let also: Vec<String> = r.also_in.iter().map(|s| format!("{}:{}", s.path, s.line)).collect();
            writeln!(out, "    also in {}", for_terminal(&shorten(&also.join(", "), 500)))?;
        }
    }
    Ok(())
}
