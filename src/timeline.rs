//! The merged timeline: rows of every source placed in UTC, repeats merged across chunk boundaries, sorted.

use crate::model::TimelineRow;
use crate::scan::chunk::COLLAPSE_GAP_NS;
use rayon::slice::ParallelSliceMut;

/// A resolved row with what the merge needs. The row is boxed so that sorting moves pointers, not rows.
pub struct Placed {
    /// The row.
    pub row: Box<TimelineRow>,
    /// Source index (sorted by path) for stable ordering.
    pub source: usize,
    /// Collapse key (template and object).
    pub key: u64,
}

/// Merges repeats of one template that chunked scanning left as separate rows (same source and key, gap within
/// the collapse window), then sorts by time (rows that could not be placed last), source, line.
pub fn build(mut placed: Vec<Placed>, since: Option<i64>, until: Option<i64>) -> Vec<TimelineRow> {
    // Keys are computed once per row (the rows themselves are behind pointers).
    placed.par_sort_by_cached_key(|p| (p.source, p.key, p.row.at, p.row.source.line));
    let mut merged: Vec<Placed> = Vec::with_capacity(placed.len());
    for p in placed {
        if let (Some(prev), Some(at)) = (merged.last_mut(), p.row.at) {
            let same = prev.source == p.source
                && prev.key == p.key
                && p.key != u64::MAX
                && !p.row.signal.is_some_and(crate::signals::keeps_every_occurrence);
            if let (true, Some(prev_last)) = (same, prev.row.last_at) {
                if at >= prev_last && at - prev_last <= COLLAPSE_GAP_NS {
                    prev.row.count += p.row.count;
                    prev.row.last_at = p.row.last_at.max(prev.row.last_at);
                    match (&mut prev.row.peak, p.row.peak) {
                        (Some(a), Some(b)) => a.merge(*b),
                        (a @ None, b) => *a = b,
                        _ => {}
                    }
                    continue;
                }
            }
        }
        merged.push(p);
    }
    merged.retain(|p| in_window(&p.row, since, until));
    merged.par_sort_by_cached_key(|p| (p.row.at.is_none(), p.row.at, p.source, p.row.source.line));
    merged.into_iter().map(|p| *p.row).collect()
}

/// Whether a row's span [at, last_at] meets [since, until]. Rows without a time are kept.
pub fn in_window(r: &TimelineRow, since: Option<i64>, until: Option<i64>) -> bool {
    let Some(at) = r.at else { return true };
    let last = r.last_at.unwrap_or(at);
    since.is_none_or(|s| last >= s) && until.is_none_or(|u| at <= u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;

    fn row(at: i64, last: i64, line: u64, count: u64) -> TimelineRow {
        TimelineRow {
            at: Some(at),
            approx_s: Some(0.0),
            node: None,
            component: None,
            object: None,
            severity: "warning",
            message: format!("m{line}"),
            count,
            last_at: Some(last),
            source: SourceRef { path: "a".into(), line },
            also_in: Vec::new(),
            signal: None,
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        }
    }
    const S: i64 = 1_000_000_000;

    #[test]
    fn merges_split_repeats_and_orders_stably() {
        let placed = vec![
            Placed {
                row: Box::new(row(100 * S, 200 * S, 10, 5)),
                source: 0,
                key: 7,
            },
            // same template, next chunk, 60 s later: merged
            Placed {
                row: Box::new(row(260 * S, 300 * S, 900, 3)),
                source: 0,
                key: 7,
            },
            // same template an hour later: a new row
            Placed {
                row: Box::new(row(4000 * S, 4000 * S, 5000, 1)),
                source: 0,
                key: 7,
            },
            // another source at the same instant as the first: after it (source order)
            Placed {
                row: Box::new(row(100 * S, 100 * S, 1, 1)),
                source: 1,
                key: 7,
            },
        ];
        let t = build(placed, None, None);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].count, t[0].last_at, t[0].source.line), (8, Some(300 * S), 10));
        assert_eq!(t[1].source.line, 1);
        assert_eq!(t[2].at, Some(4000 * S));
    }

    #[test]
    fn window_filters_by_overlap() {
        let placed = vec![
            Placed {
                row: Box::new(row(100 * S, 200 * S, 1, 2)),
                source: 0,
                key: 1,
            },
            Placed {
                row: Box::new(row(500 * S, 500 * S, 2, 1)),
                source: 0,
                key: 2,
            },
        ];
        let t = build(placed, Some(150 * S), Some(400 * S));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].source.line, 1);
    }
}
