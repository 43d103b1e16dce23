//! JSON output: the [`Analysis`] as documented in README.md (`version` 1).
//!
//! The timeline can hold 100,000 rows; they are serialized in parallel blocks and written in order, so the
//! output is the same document `serde_json::to_writer(analysis)` would give, produced faster.

use crate::model::Analysis;
use rayon::prelude::*;
use std::io::{self, Write};

const ROWS_PER_BLOCK: usize = 4096;

/// Writes the analysis as one JSON document followed by a newline.
pub fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{{\"version\":{},\"inputs\":", a.version)?;
    serde_json::to_writer(&mut *out, &a.inputs).map_err(io::Error::other)?;
    out.write_all(b",\"timeline\":[")?;
    // A window of blocks at a time: parallel, yet only a few MiB of serialized rows in memory.
    let window = ROWS_PER_BLOCK * 2 * rayon::current_num_threads();
    for (w, rows) in a.timeline.chunks(window).enumerate() {
        let blocks: Vec<Vec<u8>> = rows.par_chunks(ROWS_PER_BLOCK).map(serialize_rows).collect();
        for (i, b) in blocks.iter().enumerate() {
            if w > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(b)?;
        }
    }
    out.write_all(b"],\"findings\":")?;
    serde_json::to_writer(&mut *out, &a.findings).map_err(io::Error::other)?;
    out.write_all(b",\"not_evaluated\":")?;
    serde_json::to_writer(&mut *out, &a.not_evaluated).map_err(io::Error::other)?;
    out.write_all(b",\"state\":")?;
    serde_json::to_writer(&mut *out, &a.state).map_err(io::Error::other)?;
    out.write_all(b",\"node_periods\":")?;
    serde_json::to_writer(&mut *out, &a.node_periods).map_err(io::Error::other)?;
    out.write_all(b",\"totals\":")?;
    serde_json::to_writer(&mut *out, &a.totals).map_err(io::Error::other)?;
    out.write_all(b"}\n")
}

fn serialize_rows(rows: &[crate::model::TimelineRow]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(rows.len() * 512);
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        serde_json::to_writer(&mut buf, r).expect("rows serialize to memory");
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SourceRef, TimelineRow, Totals, VERSION};

    fn row(i: u64) -> TimelineRow {
        TimelineRow {
            at: Some(i as i64 * 1_000_000_000),
            approx_s: Some(0.0),
            node: Some("n".into()),
            component: None,
            object: None,
            severity: "warning",
            message: format!("m \"{i}\" <b>"),
            count: 1,
            last_at: None,
            source: SourceRef {
                path: "p".into(),
                line: i,
            },
            also_in: Vec::new(),
            signal: None,
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        }
    }

    #[test]
    fn same_document_as_serde_for_many_rows() {
        let a = Analysis {
            version: VERSION,
            inputs: Vec::new(),
            timeline: (0..40_000).map(row).collect(),
            findings: Vec::new(),
            not_evaluated: Vec::new(),
            state: Default::default(),
            node_periods: Vec::new(),
            totals: Totals::default(),
        };
        let mut ours = Vec::new();
        render(&a, &mut ours).unwrap();
        let mut reference = serde_json::to_vec(&a).unwrap();
        reference.push(b'\n');
        assert_eq!(ours, reference);
        let empty = Analysis {
            timeline: Vec::new(),
            ..a
        };
        let mut ours = Vec::new();
        render(&empty, &mut ours).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(&empty).unwrap() + "\n"
        );
    }
}
