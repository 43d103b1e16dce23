//! The Mermaid `gantt` block: one task per finding (its window), and each node's NotReady / DiskPressure
//! periods, open-ended ones drawn to the end of the bundle.

use crate::model::{format_time, Analysis};
use crate::report::sanitize::{for_mermaid_title, shorten};
use std::io::{self, Write};

/// Most tasks drawn; the rest are counted under the block.
const MAX_TASKS: usize = 80;
/// Longest task or section title (characters).
const TITLE: usize = 60;
const SECOND: i64 = 1_000_000_000;

/// `YYYY-MM-DDTHH:mm:ss` (the block's `dateFormat`), `ns` cut to the second.
fn mermaid_time(ns: i64) -> String {
    let s = format_time(ns - ns.rem_euclid(SECOND));
    s.trim_end_matches('Z').to_string()
}

/// One task line: `    Title :tag, id, start, end`. The start is cut to the second and the end rounded up, at
/// least one second after the start (Mermaid draws nothing, or fails, for a task that ends where it starts).
pub(super) fn task_line(title: &str, tag: Option<&str>, id: &str, start_ns: i64, end_ns: i64) -> String {
    let start = start_ns - start_ns.rem_euclid(SECOND);
    let end = end_ns.max(start_ns);
    let end = match end.rem_euclid(SECOND) {
        0 => end,
        r => end - r + SECOND,
    }
    .max(start + SECOND);
    let tag = tag.map(|t| format!("{t}, ")).unwrap_or_default();
    format!(
        "    {} :{tag}{id}, {}, {}",
        for_mermaid_title(title, TITLE),
        mermaid_time(start),
        mermaid_time(end)
    )
}

/// The latest time the bundle shows: the end of open periods.
fn bundle_end(a: &Analysis) -> Option<i64> {
    let rows = a.timeline.iter().filter_map(|r| r.last_at.or(r.at));
    let inputs = a.inputs.iter().filter_map(|i| i.last);
    rows.chain(inputs).max()
}

/// Writes the section; nothing when there is nothing to place in time.
pub(super) fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let end_of_bundle = bundle_end(a);
    let mut lines: Vec<String> = Vec::new();
    let mut unplaced: Vec<String> = Vec::new();
    let mut left_off = 0usize;
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    let mut push = |lines: &mut Vec<String>, line: String, start: i64, end: i64| {
        if lines.len() >= MAX_TASKS {
            left_off += 1;
            return;
        }
        first = first.min(start);
        last = last.max(end);
        lines.push(line);
    };

    let mut findings = Vec::new();
    for (i, f) in a.findings.iter().enumerate() {
        let (start, end) = match (f.start, f.end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s),
            (None, Some(e)) => (e, e),
            (None, None) => {
                unplaced.push(format!("`{}`", f.id));
                continue;
            }
        };
        let tag = match f.severity.as_str() {
            "critical" => Some("crit"),
            "warning" => Some("active"),
            _ => None,
        };
        let subject = f.subjects.first().map(String::as_str).unwrap_or("");
        let title = format!("{}. {} {subject}", i + 1, f.id);
        findings.push((task_line(&title, tag, &format!("f{}", i + 1), start, end), start, end));
    }
    if !findings.is_empty() {
        lines.push("    section Findings".to_string());
        for (line, s, e) in findings {
            push(&mut lines, line, s, e);
        }
    }
    // Node periods, one section per node in order of first appearance.
    let mut nodes: Vec<&str> = Vec::new();
    for p in &a.node_periods {
        if !nodes.contains(&p.node.as_str()) {
            nodes.push(&p.node);
        }
    }
    let mut n = 0;
    for node in nodes {
        lines.push(format!("    section {}", for_mermaid_title(node, TITLE)));
        for p in a.node_periods.iter().filter(|p| p.node == node) {
            n += 1;
            let (end, title) = match p.end {
                Some(e) => (e, p.state.to_string()),
                None => (
                    end_of_bundle.unwrap_or(p.start).max(p.start),
                    format!("{} (no end seen)", p.state),
                ),
            };
            let tag = (p.state == "NotReady").then_some("crit");
            push(
                &mut lines,
                task_line(&title, tag, &format!("p{n}"), p.start, end),
                p.start,
                end,
            );
        }
    }
    // Sections left without tasks by the cap are dropped.
    let mut kept: Vec<&String> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let is_section = l.starts_with("    section ");
        let next_is_task = lines.get(i + 1).is_some_and(|n| !n.starts_with("    section "));
        if !is_section || next_is_task {
            kept.push(l);
        }
    }
    if kept.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Over time\n")?;
    // Past a day the axis needs the date.
    let axis = if last - first > 86_400 * SECOND {
        "%m-%d %H:%M"
    } else {
        "%H:%M"
    };
    writeln!(out, "```mermaid\ngantt")?;
    writeln!(out, "    title Findings and node states (UTC)")?;
    writeln!(out, "    dateFormat YYYY-MM-DDTHH:mm:ss")?;
    writeln!(out, "    axisFormat {axis}")?;
    writeln!(out, "    todayMarker off")?;
    for l in kept {
        writeln!(out, "{l}")?;
    }
    writeln!(out, "```\n")?;
    if !unplaced.is_empty() {
        writeln!(
            out,
            "Not drawn (no time window): {}.\n",
            shorten(&unplaced.join(", "), 2000)
        )?;
    }
    if left_off > 0 {
        writeln!(
            out,
            "{left_off} more tasks not drawn; the JSON and HTML reports have them all.\n"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lines_are_mermaid_tasks() {
        let t = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_nanos_opt()
                .unwrap()
        };
        assert_eq!(
            task_line(
                "1. node-not-ready node/worker-2",
                Some("crit"),
                "f1",
                t("2024-03-05T10:02:08.412Z"),
                t("2024-03-05T10:06:48.713Z")
            ),
            "    1. node-not-ready node/worker-2 :crit, f1, 2024-03-05T10:02:08, 2024-03-05T10:06:49"
        );
        // Zero length: one second. Titles lose `:`, `#`, `;`.
        assert_eq!(
            task_line(
                "a: b # c; d",
                None,
                "p1",
                t("2024-03-05T10:00:00Z"),
                t("2024-03-05T10:00:00Z")
            ),
            "    a b c d :p1, 2024-03-05T10:00:00, 2024-03-05T10:00:01"
        );
        // An end before the start (clock skew between sources) still ends after it.
        assert_eq!(
            task_line(
                "x",
                Some("active"),
                "f2",
                t("2024-03-05T10:00:05.5Z"),
                t("2024-03-05T10:00:01Z")
            ),
            "    x :active, f2, 2024-03-05T10:00:05, 2024-03-05T10:00:06"
        );
    }
}
