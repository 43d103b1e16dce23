//! Markdown report: summary, findings, inputs table, problems, merged timeline.

use super::sanitize::{for_markdown_cell as cell, shorten};
use crate::model::{format_time, Analysis, TimelineRow};
use std::io::{self, Write};

/// Longest message shown in a timeline cell (characters); JSON has the full text.
const CELL_MESSAGE: usize = 400;

/// Writes the Markdown report.
pub fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let t = &a.totals;
    writeln!(out, "# postmortem report\n")?;
    writeln!(
        out,
        "{} sources ({} skipped), {}, {} lines: {} parsed, {} not recognised. Timeline: {} rows ({} occurrences).\n",
        t.sources,
        t.skipped_sources,
        human_bytes(t.bytes),
        t.lines,
        t.parsed,
        t.skipped_lines,
        a.timeline.len(),
        t.kept
    )?;
    if let (Some(first), Some(last)) = (
        a.timeline.iter().find_map(|r| r.at),
        a.timeline.iter().filter_map(|r| r.last_at).max(),
    ) {
        writeln!(out, "Window: {} → {} (UTC)\n", format_time(first), format_time(last))?;
    }
    findings(a, out)?;
    inputs(a, out)?;
    problems(a, out)?;
    writeln!(out, "## Timeline\n")?;
    writeln!(
        out,
        "| Time (UTC) | Node | Component | Object | Severity | Message | Source |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for r in &a.timeline {
        timeline_row(r, out)?;
    }
    Ok(())
}

/// The findings, root cause first: a summary line each with its chain, then a section each.
fn findings(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Findings\n")?;
    if a.findings.is_empty() {
        writeln!(out, "No findings.\n")?;
    }
    for (i, f) in a.findings.iter().enumerate() {
        let chain = if f.caused_by.is_empty() {
            String::new()
        } else {
            format!(" ← caused by `{}`", f.caused_by.join("`, `"))
        };
        writeln!(
            out,
            "{}. **{}** `{}` ({}){chain}",
            i + 1,
            cell(&f.title),
            f.id,
            f.severity
        )?;
    }
    writeln!(out)?;
    for f in &a.findings {
        writeln!(out, "### `{}`: {}\n", f.id, cell(&f.title))?;
        let when = |t: Option<i64>| t.map_or_else(|| "?".to_string(), format_time);
        writeln!(out, "- Window: {} → {}", when(f.start), when(f.end))?;
        writeln!(out, "- Subjects: {}", cell(&f.subjects.join(", ")))?;
        let numbers: Vec<String> = f
            .measured
            .iter()
            .filter(|(_, v)| v.is_number() || v.is_string())
            .map(|(k, v)| format!("`{k}` {}", cell(&v.to_string())))
            .collect();
        writeln!(out, "- Measured: {}", numbers.join(", "))?;
        if !f.caused_by.is_empty() {
            writeln!(out, "- Caused by: `{}`", f.caused_by.join("`, `"))?;
        }
        writeln!(out, "\n{}\n", cell(&f.explanation))?;
        writeln!(out, "**Remediation.** {}\n", cell(&f.remediation))?;
        let ev: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("`{}:{}`", cell(&e.path), e.line))
            .collect();
        writeln!(out, "Evidence: {}\n", ev.join(", "))?;
    }
    if !a.not_evaluated.is_empty() {
        writeln!(out, "Not evaluated:\n")?;
        for n in &a.not_evaluated {
            writeln!(out, "- `{}`: {}", n.id, cell(&n.missing))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `812 B`, `37.2 KiB`, `1.0 GiB`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

fn inputs(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Inputs\n")?;
    writeln!(
        out,
        "| File | Format | Node | Component | Lines | Parsed | Skipped | First (UTC) | Last (UTC) | Time decided by |"
    )?;
    writeln!(out, "|---|---|---|---|---:|---:|---:|---|---|---|")?;
    for i in &a.inputs {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&i.path),
            cell(&i.format),
            cell(i.node.as_deref().unwrap_or("")),
            cell(i.component.as_deref().unwrap_or("")),
            i.lines,
            i.parsed,
            i.skipped,
            i.first.map(format_time).unwrap_or_default(),
            i.last.map(format_time).unwrap_or_default(),
            cell(&i.time_basis),
        )?;
    }
    writeln!(out)
}

fn problems(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let with: Vec<_> = a.inputs.iter().filter(|i| !i.problems.is_empty()).collect();
    if with.is_empty() {
        return Ok(());
    }
    writeln!(out, "## What could not be read\n")?;
    for i in with {
        for p in &i.problems {
            writeln!(out, "- {}: {}", cell(&i.path), cell(&shorten(p, 600)))?;
        }
    }
    writeln!(out)
}

fn timeline_row(r: &TimelineRow, out: &mut dyn Write) -> io::Result<()> {
    let approx = match r.approx_s {
        Some(0.0) => "",
        _ => "~",
    };
    let time =
        r.at.map_or_else(|| "(no time)".to_string(), |t| format!("{approx}{}", format_time(t)));
    let mut msg = cell(&shorten(&r.message, CELL_MESSAGE));
    if r.count > 1 {
        let until = r.last_at.map(format_time).unwrap_or_default();
        msg = format!("{msg} **×{} until {until}**", r.count);
    }
    let mut source = cell(&format!("{}:{}", r.source.path, r.source.line));
    if !r.also_in.is_empty() {
        // One event seen in several dumps or echoed by a component: every place it was seen.
        let also: Vec<String> = r
            .also_in
            .iter()
            .map(|s| cell(&format!("{}:{}", s.path, s.line)))
            .collect();
        source = format!("{source}<br>also {}", also.join(", "));
    }
    writeln!(
        out,
        "| {time} | {} | {} | {} | {} | {msg} | {source} |",
        cell(r.node.as_deref().unwrap_or("")),
        cell(r.component.as_deref().unwrap_or("")),
        cell(r.object.as_deref().unwrap_or("")),
        r.severity,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_like_sizes() {
        assert_eq!(super::human_bytes(812), "812 B");
        assert_eq!(super::human_bytes(38_093), "37.2 KiB");
        assert_eq!(super::human_bytes(1_073_673_449), "1023.9 MiB");
        assert_eq!(super::human_bytes(1_181_116_006), "1.1 GiB");
    }
}
