//! Markdown report, for GitHub, GitLab or Confluence: the findings root cause first with their chains, a Mermaid
//! `gantt` of findings and node states, the key events around the findings, a section per finding, the inputs
//! with how their times were decided, and the full timeline folded in `<details>`. Log text is untrusted: every
//! piece of it goes through [`sanitize`](super::sanitize).

mod gantt;
mod key_events;

use super::sanitize::{
    for_markdown_cell as cell, for_markdown_text as text, longest_backtick_run, markdown_code_span as code, shorten,
};
use crate::model::{format_time, Analysis, Finding, TimelineRow};
use std::io::{self, Write};

/// Longest message shown in a timeline cell (characters); JSON has the full text.
const CELL_MESSAGE: usize = 400;
/// Key events shown at most.
const KEY_EVENTS: usize = 50;
/// Rows of the full timeline written at most (a 100,000-row table is no write-up); JSON and HTML have them all.
const FULL_ROWS: usize = 2000;
/// Evidence lines listed per finding at most.
const EVIDENCE: usize = 30;
/// Chains listed at most.
const CHAINS: usize = 20;

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
    summary(a, out)?;
    gantt::render(a, out)?;
    key_events(a, out)?;
    details(a, out)?;
    inputs(a, out)?;
    problems(a, out)?;
    timeline(a, out)
}

/// The ids of the findings `f` causes.
fn effects<'a>(a: &'a Analysis, id: &str) -> Vec<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    for g in &a.findings {
        if g.caused_by.iter().any(|c| c == id) && !ids.contains(&g.id.as_str()) {
            ids.push(&g.id);
        }
    }
    ids
}

/// Cause chains by pattern id, root first (`container-runtime-hang → node-not-ready → webhook-timeout`): every
/// path from a finding nothing reported causes to a finding that causes nothing, in ranking order; a finding
/// with neither cause nor effect is a chain of one.
fn chains(a: &Analysis) -> Vec<Vec<&str>> {
    let present = |id: &str| a.findings.iter().any(|f| f.id == id);
    let mut roots: Vec<&str> = Vec::new();
    for f in &a.findings {
        if !f.caused_by.iter().any(|c| present(c)) && !roots.contains(&f.id.as_str()) {
            roots.push(&f.id);
        }
    }
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut stack: Vec<Vec<&str>> = roots.into_iter().rev().map(|r| vec![r]).collect();
    while let Some(path) = stack.pop() {
        if out.len() >= CHAINS {
            break;
        }
        let last = path[path.len() - 1];
        let next: Vec<&str> = effects(a, last).into_iter().filter(|n| !path.contains(n)).collect();
        if next.is_empty() {
            out.push(path);
            continue;
        }
        for n in next.into_iter().rev() {
            let mut p = path.clone();
            p.push(n);
            stack.push(p);
        }
    }
    out
}

fn when(t: Option<i64>) -> String {
    t.map_or_else(|| "?".to_string(), format_time)
}

/// `4 min 29 s`, `280 ms`, `2 h 3 min`.
fn human_duration(ns: i64) -> String {
    let s = ns as f64 / 1e9;
    if s < 1.0 {
        format!("{} ms", (s * 1000.0).round())
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {} s", (s / 60.0).floor(), (s % 60.0).floor())
    } else if s < 86_400.0 {
        format!("{} h {} min", (s / 3600.0).floor(), ((s % 3600.0) / 60.0).floor())
    } else {
        format!("{} d {} h", (s / 86_400.0).floor(), ((s % 86_400.0) / 3600.0).floor())
    }
}

/// `start → end (duration)`.
fn window(f: &Finding) -> String {
    match (f.start, f.end) {
        (None, None) => "no time window".to_string(),
        (Some(s), Some(e)) if e > s => {
            format!("{} → {} ({})", format_time(s), format_time(e), human_duration(e - s))
        }
        (s, e) => format!("{} → {}", when(s), when(e)),
    }
}

/// The findings, root cause first: their chains, then a table of them all.
fn summary(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Findings\n")?;
    if a.findings.is_empty() {
        writeln!(out, "No findings.\n")?;
    } else {
        let chains = chains(a);
        writeln!(out, "Root cause first; `a → b` reads \"a caused b\".\n")?;
        for c in &chains {
            let ids: Vec<String> = c.iter().map(|id| code(id)).collect();
            writeln!(out, "- {}", ids.join(" → "))?;
        }
        writeln!(out)?;
        writeln!(out, "| # | Severity | Finding | What | Window (UTC) | Caused by |")?;
        writeln!(out, "|---:|---|---|---|---|---|")?;
        for (i, f) in a.findings.iter().enumerate() {
            let mut severity = match f.severity.as_str() {
                "critical" => "**critical**".to_string(),
                s => cell(s),
            };
            if f.known.is_some() {
                severity.push_str(" (known)");
            }
            writeln!(
                out,
                "| {} | {severity} | {} | {} | {} | {} |",
                i + 1,
                cell(&f.id),
                cell(&f.title),
                cell(&window(f)),
                cell(&f.caused_by.join(", ")),
            )?;
        }
        writeln!(out)?;
    }
    if !a.not_evaluated.is_empty() {
        writeln!(out, "Not evaluated (the bundle lacks their inputs):\n")?;
        for n in &a.not_evaluated {
            writeln!(out, "- {}: {}", code(n.id), text(&n.missing))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A measured value for a table cell, when it is a scalar or a short list of scalars.
fn scalar(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => Some("—".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(cell(&shorten(s, CELL_MESSAGE))),
        Value::Array(items) if items.len() <= 8 => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    Value::Array(_) | Value::Object(_) => None,
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
                .collect();
            let joined = parts?.join(", ");
            (joined.chars().count() <= 200).then(|| cell(&joined))
        }
        _ => None,
    }
}

/// Measured numbers: scalars in a table, longer lists and maps in a code block (one `key: JSON` line each).
fn measured(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    if f.measured.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::new();
    let mut blocks = Vec::new();
    for (k, v) in &f.measured {
        match scalar(v) {
            Some(s) => rows.push(format!("| {} | {s} |", cell(k))),
            None => blocks.push(shorten(&format!("{k}: {v}").replace(['\n', '\r'], " "), 2000).into_owned()),
        }
    }
    if !rows.is_empty() {
        writeln!(out, "| Measured | Value |\n|---|---|")?;
        for r in rows {
            writeln!(out, "{r}")?;
        }
        writeln!(out)?;
    }
    if !blocks.is_empty() {
        let body = blocks.join("\n");
        let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
        writeln!(out, "{fence}text\n{body}\n{fence}\n")?;
    }
    Ok(())
}

/// A section per finding.
fn details(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    if a.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Finding details\n")?;
    for (i, f) in a.findings.iter().enumerate() {
        writeln!(out, "### {}. {}: {}\n", i + 1, code(&f.id), text(&f.title))?;
        writeln!(out, "- Severity: {}", cell(&f.severity))?;
        if let Some(k) = &f.known {
            let link = k.link.as_deref().map_or(String::new(), |l| format!(" ({})", code(l)));
            writeln!(out, "- Known issue: {}{link}", cell(&k.reason))?;
        }
        writeln!(out, "- Window (UTC): {}", window(f))?;
        if !f.subjects.is_empty() {
            let s: Vec<String> = f.subjects.iter().map(|s| code(s)).collect();
            writeln!(out, "- Subjects: {}", s.join(", "))?;
        }
        if !f.caused_by.is_empty() {
            let c: Vec<String> = f.caused_by.iter().map(|c| code(c)).collect();
            writeln!(out, "- Caused by: {}", c.join(", "))?;
        }
        let leads = effects(a, &f.id);
        if !leads.is_empty() {
            let c: Vec<String> = leads.iter().map(|c| code(c)).collect();
            writeln!(out, "- Leads to: {}", c.join(", "))?;
        }
        writeln!(out)?;
        measured(f, out)?;
        if !f.explanation.is_empty() {
            writeln!(out, "{}\n", text(&f.explanation))?;
        }
        if !f.remediation.is_empty() {
            writeln!(out, "**Remediation.** {}\n", cell(&f.remediation))?;
        }
        if !f.evidence.is_empty() {
            let ev: Vec<String> = f
                .evidence
                .iter()
                .take(EVIDENCE)
                .map(|e| code(&format!("{}:{}", e.path, e.line)))
                .collect();
            let more = match f.evidence.len().saturating_sub(EVIDENCE) {
                0 => String::new(),
                n => format!(" and {n} more (JSON report)"),
            };
            writeln!(out, "Evidence: {}{more}\n", ev.join(", "))?;
        }
    }
    Ok(())
}

/// The short timeline around the findings.
fn key_events(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    if a.findings.is_empty() {
        return Ok(());
    }
    let k = key_events::select(&a.timeline, &a.findings, KEY_EVENTS);
    if k.events.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Key events\n")?;
    writeln!(
        out,
        "The lines the findings cite and the signals inside their windows about their subjects; identical events \
         collapsed (count, first and last time).\n"
    )?;
    writeln!(
        out,
        "| First (UTC) | Last (UTC) | Count | Node | Object | Severity | Message | Source | Finding |"
    )?;
    writeln!(out, "|---|---|---:|---|---|---|---|---|---|")?;
    for e in &k.events {
        let r = e.row;
        let approx = if r.approx_s == Some(0.0) { "" } else { "~" };
        let first =
            e.at.map_or_else(|| "(no time)".to_string(), |t| format!("{approx}{}", format_time(t)));
        let last = match e.last_at {
            Some(l) if e.count > 1 && Some(l) != e.at => format_time(l),
            _ => String::new(),
        };
        let mut source = cell(&format!("{}:{}", r.source.path, r.source.line));
        if e.rows > 1 {
            source = format!("{source} (+{} rows)", e.rows - 1);
        }
        let findings: Vec<String> = e.findings.iter().map(|i| (i + 1).to_string()).collect();
        writeln!(
            out,
            "| {first} | {last} | {} | {} | {} | {} | {} | {source} | {} |",
            e.count,
            cell(r.node.as_deref().unwrap_or("")),
            cell(r.object.as_deref().unwrap_or("")),
            r.severity,
            cell(&shorten(&r.message, CELL_MESSAGE)),
            findings.join(", "),
        )?;
    }
    writeln!(out)?;
    if k.qualified > k.events.len() {
        writeln!(
            out,
            "{} more events qualified; the full timeline below, and the JSON and HTML reports, have them.\n",
            k.qualified - k.events.len()
        )?;
    }
    Ok(())
}

/// The full timeline, folded; at most [`FULL_ROWS`] rows.
fn timeline(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Timeline\n")?;
    if a.timeline.is_empty() {
        return writeln!(out, "No timeline rows.");
    }
    let shown = a.timeline.len().min(FULL_ROWS);
    let summary = if shown < a.timeline.len() {
        format!("Full timeline: first {shown} of {} rows", a.timeline.len())
    } else {
        format!(
            "Full timeline: {} rows ({} occurrences)",
            a.timeline.len(),
            a.totals.kept
        )
    };
    // Blank lines around the table: GitHub renders Markdown inside <details> only then.
    writeln!(out, "<details>\n<summary>{summary}</summary>\n")?;
    writeln!(
        out,
        "| Time (UTC) | Node | Component | Object | Severity | Message | Source |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for r in &a.timeline[..shown] {
        timeline_row(r, out)?;
    }
    writeln!(out, "\n</details>\n")?;
    if shown < a.timeline.len() {
        writeln!(
            out,
            "{} more rows are not shown here: `--format json` or `--format html` writes them all.",
            a.timeline.len() - shown
        )?;
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
