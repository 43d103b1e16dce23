//! When a dump was taken: the moment its relative ages (`8m`, `49s (x2 over 51s)`) count back from.
//!
//! In order: `--taken-at`; a time written above the dump (a `date` line, a header comment); the file's
//! mtime; an estimate from the dump's own rows aligned with the same events seen at absolute times elsewhere
//! in the bundle; for describe output, its newest absolute time. The mtime gives way to the estimate when the
//! two disagree beyond the estimate's uncertainty (files copied without `-p`, git checkouts), and is refused
//! when it is older than a time the dump writes. The describe output's newest time (a Start Time, a
//! heartbeat) is only a lower bound: the dump was taken at or after it, often long after, so it comes last.

use super::events::EventKey;
use crate::model::format_time;
use parsers::kubectl::{Dump, DumpKind, When};
use rustc_hash::FxHashMap;
use serde::Serialize;

const S: i64 = 1_000_000_000;
/// How far an mtime may stray from the estimate (beyond its uncertainty) before the estimate wins.
const MTIME_SLACK_S: f64 = 120.0;
/// Fewest alignments that must agree for an estimate.
const MIN_AGREEING: usize = 2;
/// Most alignments considered per dump (the sweep is quadratic).
const MAX_ALIGNMENTS: usize = 2_000;

/// The capture time chosen for a dump, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Capture {
    /// Capture instant (RFC 3339 in JSON); null when nothing could anchor the dump.
    #[serde(serialize_with = "crate::model::ser_time")]
    pub at: Option<i64>,
    /// ± seconds.
    pub approx_s: f64,
    /// `taken-at-flag`, `written`, `describe-newest`, `mtime`, `estimate` or `none`.
    pub anchor: &'static str,
    /// The anchor in plain words, with the estimate's figures.
    pub detail: String,
    /// The file mtime was there but shown wrong by the estimate.
    #[serde(skip)]
    pub mtime_refuted: bool,
}

/// Absolute times of an event seen elsewhere (first and last occurrence, ns).
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    /// First occurrence.
    pub first: Option<i64>,
    /// Last occurrence.
    pub last: Option<i64>,
}

/// An estimate from alignments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Middle of the agreed interval (ns).
    pub at: i64,
    /// Half its width (s).
    pub approx_s: f64,
    /// Alignments that agree.
    pub agreeing: usize,
    /// Alignments tried.
    pub tried: usize,
}

/// Whether a dump has relative times at all (JSON and YAML objects do not).
pub fn has_ages(d: &Dump) -> bool {
    let rel = |w: &When| matches!(w, When::Ago { .. });
    let relo = |w: &Option<When>| w.as_ref().is_some_and(rel);
    d.events.iter().any(|e| rel(&e.first) || rel(&e.last))
        || d.pods.iter().any(|p| {
            relo(&p.created)
                || p.containers
                    .iter()
                    .any(|c| relo(&c.last_restart) || relo(&c.state_since))
        })
        || d.nodes.iter().any(|n| relo(&n.created))
        || d.jobs.iter().any(|j| relo(&j.created))
        || d.cronjobs.iter().any(|c| relo(&c.created) || relo(&c.last_schedule))
}

/// Decides the capture time of one dump.
pub fn decide(
    kind: DumpKind,
    dump: &Dump,
    taken_at_flag: Option<i64>,
    mtime: Option<i64>,
    seen: &FxHashMap<u64, Seen>,
) -> Capture {
    if let Some(t) = taken_at_flag {
        return Capture {
            at: Some(t),
            approx_s: 0.0,
            anchor: "taken-at-flag",
            mtime_refuted: false,
            detail: format!("taken at {} (--taken-at)", format_time(t)),
        };
    }
    if let Some(w) = dump.taken_at.first() {
        return Capture {
            at: Some(w.at),
            approx_s: 0.0,
            anchor: "written",
            mtime_refuted: false,
            detail: format!("taken at {} ({}, line {})", format_time(w.at), w.why, w.line),
        };
    }
    let est = estimate(dump, seen);
    // An mtime older than a time the dump itself writes cannot be when it was taken.
    let mtime = mtime.filter(|m| dump.newest_absolute.is_none_or(|n| *m >= n));
    match (mtime, est) {
        (Some(m), Some(e)) if ((m - e.at) as f64 / S as f64).abs() > e.approx_s + MTIME_SLACK_S => Capture {
            at: Some(e.at),
            approx_s: e.approx_s,
            anchor: "estimate",
            mtime_refuted: true,
            detail: format!(
                "estimated {} ± {:.1} s from {} of {} rows seen at absolute times elsewhere; the file mtime {} disagrees and was not used",
                format_time(e.at),
                e.approx_s,
                e.agreeing,
                e.tried,
                format_time(m)
            ),
        },
        (Some(m), _) => Capture {
            at: Some(m),
            approx_s: 0.0,
            anchor: "mtime",
            mtime_refuted: false,
            detail: format!("taken at {} (file mtime)", format_time(m)),
        },
        (None, Some(e)) => Capture {
            at: Some(e.at),
            approx_s: e.approx_s,
            anchor: "estimate",
            mtime_refuted: false,
            detail: format!(
                "estimated {} ± {:.1} s from {} of {} rows seen at absolute times elsewhere",
                format_time(e.at),
                e.approx_s,
                e.agreeing,
                e.tried
            ),
        },
        (None, None) if kind == DumpKind::Describe && dump.newest_absolute.is_some() => {
            let t = dump.newest_absolute.unwrap_or_default();
            Capture {
                at: Some(t),
                approx_s: 0.0,
                anchor: "describe-newest",
                mtime_refuted: false,
                detail: format!(
                    "taken at or after {} (the newest absolute time in the describe output, a lower bound: ages may read early)",
                    format_time(t)
                ),
            }
        }
        (None, None) => Capture {
            at: None,
            approx_s: 0.0,
            anchor: "none",
            mtime_refuted: false,
            detail: "capture time unknown (no --taken-at, no time in the dump, no mtime, no event seen elsewhere): \
                     relative ages not placed"
                .into(),
        },
    }
}

/// Dumps saved together (one folder) were taken within minutes of each other, and their mtimes were set
/// together too. When an estimate proved a folder's mtimes wrong (a copy without `-p`, a git checkout), a
/// dump of that folder that could only use its mtime takes the estimate instead, its uncertainty widened by
/// how far apart the two files' mtimes are.
pub fn share_with_siblings(inputs: &[super::DumpInput], mut captures: Vec<Option<Capture>>) -> Vec<Option<Capture>> {
    let folder = |p: &str| p.rsplit_once(['/', '!']).map_or("", |(d, _)| d).to_string();
    let proven: Vec<(String, i64, Option<i64>, f64)> = inputs
        .iter()
        .zip(&captures)
        .filter_map(|(d, c)| {
            let c = c.as_ref()?;
            let at = c.at.filter(|_| c.mtime_refuted)?;
            Some((folder(&d.path), at, d.mtime, c.approx_s))
        })
        .collect();
    for (d, c) in inputs.iter().zip(captures.iter_mut()) {
        let Some(cap) = c.as_mut().filter(|c| c.anchor == "mtime") else {
            continue;
        };
        let here = folder(&d.path);
        // The sibling whose mtime is nearest (to the second), then the tightest estimate.
        let gap = |m: Option<i64>| match (d.mtime, m) {
            (Some(x), Some(y)) => (x - y).abs() / S,
            _ => i64::MAX,
        };
        let nearest = proven.iter().filter(|(f, ..)| *f == here).min_by(|a, b| {
            (gap(a.2), a.3)
                .partial_cmp(&(gap(b.2), b.3))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let Some((_, at, their_mtime, approx)) = nearest else {
            continue;
        };
        // Siblings taken minutes apart make the borrowed time that much less certain.
        let disagreement = proven
            .iter()
            .filter(|(f, ..)| *f == here)
            .map(|p| (p.1 - at).abs() as f64 / S as f64)
            .fold(0.0, f64::max);
        let spread = match (d.mtime, their_mtime) {
            (Some(a), Some(b)) => ((a - b).abs() as f64 / S as f64).min(3_600.0),
            _ => 3_600.0,
        } + disagreement;
        *cap = Capture {
            at: Some(*at),
            approx_s: approx + spread,
            anchor: "estimate",
            mtime_refuted: false,
            detail: format!(
                "estimated {} ± {:.0} s from the dumps saved beside it (their file mtimes were shown wrong, so this one's is not used)",
                format_time(*at),
                approx + spread
            ),
        };
    }
    captures
}

/// Aligns the dump's relative rows with the same events seen at absolute times elsewhere. An age `a` with
/// resolution `r` of an occurrence seen at `t` says the dump was taken in `[t + a, t + a + r)`; the estimate
/// is the interval most alignments agree on (outliers, such as a log that ended before the dump was taken,
/// fall outside it).
pub fn estimate(dump: &Dump, seen: &FxHashMap<u64, Seen>) -> Option<Estimate> {
    let mut intervals: Vec<(i64, i64)> = Vec::new();
    for e in &dump.events {
        let key = EventKey::of(e);
        let Some(s) = seen.get(&key.exact()).or_else(|| seen.get(&key.loose())) else {
            continue;
        };
        for (w, t) in [(e.first, s.first), (e.last, s.last)] {
            if let (When::Ago { secs, resolution }, Some(t)) = (w, t) {
                let lo = t.saturating_add(secs as i64 * S);
                intervals.push((lo, lo.saturating_add(resolution.max(1) as i64 * S)));
            }
        }
        if intervals.len() >= MAX_ALIGNMENTS {
            break;
        }
    }
    best_overlap(&intervals)
}

/// The region covered by the most half-open intervals, as an estimate.
fn best_overlap(intervals: &[(i64, i64)]) -> Option<Estimate> {
    let mut best: Option<(usize, i64, i64)> = None;
    for &(p, _) in intervals {
        let covering = intervals.iter().filter(|(lo, hi)| *lo <= p && p < *hi);
        let (mut n, mut lo, mut hi) = (0, i64::MIN, i64::MAX);
        for &(a, b) in covering {
            n += 1;
            lo = lo.max(a);
            hi = hi.min(b);
        }
        if best.is_none_or(|(bn, blo, bhi)| n > bn || (n == bn && hi - lo < bhi - blo)) {
            best = Some((n, lo, hi));
        }
    }
    let (n, lo, hi) = best?;
    // A handful of coincidences among thousands of rows is noise, not an alignment.
    if n < MIN_AGREEING || n * 10 < intervals.len() {
        return None;
    }
    Some(Estimate {
        at: lo + (hi - lo) / 2,
        approx_s: ((hi - lo) as f64 / 2.0 / S as f64).max(0.5),
        agreeing: n,
        tried: intervals.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parsers::kubectl::{Event, ObjectRef, TakenAt};

    fn ev(name: &str, reason: &str, first: When, last: When) -> Event {
        Event {
            line: 1,
            object: ObjectRef {
                kind: Some("Pod".into()),
                namespace: Some("default".into()),
                name: name.into(),
                field_path: None,
            },
            event_type: Some("Normal".into()),
            reason: Some(reason.into()),
            message: format!("{reason} {name}"),
            source: None,
            host: None,
            count: 1,
            first,
            last,
            name: None,
        }
    }

    fn ago(secs: u64, resolution: u64) -> When {
        When::Ago { secs, resolution }
    }

    #[test]
    fn estimate_within_the_age_resolution_despite_an_outlier() {
        let truth = 1_700_000_000 * S;
        let mut dump = Dump::default();
        let mut seen = FxHashMap::default();
        // Three events 130 s, 47 s and 9 min before capture, printed as HumanDuration would.
        for (name, age, printed) in [("a", 130, ago(130, 1)), ("b", 47, ago(47, 1)), ("c", 545, ago(540, 60))] {
            let e = ev(name, "Pulled", printed, printed);
            let t = truth - age * S;
            seen.insert(
                EventKey::of(&e).exact(),
                Seen {
                    first: Some(t),
                    last: Some(t),
                },
            );
            dump.events.push(e);
        }
        // An outlier: the log ended an hour before the dump, so its last sighting is early.
        let e = ev("d", "BackOff", ago(300, 60), ago(60, 60));
        seen.insert(
            EventKey::of(&e).exact(),
            Seen {
                first: Some(truth - 330 * S),
                last: Some(truth - 3_600 * S),
            },
        );
        dump.events.push(e);
        let est = estimate(&dump, &seen).unwrap();
        let err = ((est.at - truth) as f64 / S as f64).abs();
        assert!(err <= 1.0, "error {err} s");
        assert!(est.approx_s <= 1.0);
        assert_eq!(est.tried, 8);
        assert!(est.agreeing >= 6);
    }

    #[test]
    fn anchors_in_order() {
        let mut dump = Dump::default();
        dump.events.push(ev("a", "Pulled", ago(60, 1), ago(60, 1)));
        let seen = FxHashMap::default();
        let c = decide(DumpKind::EventsTable, &dump, Some(5 * S), Some(9 * S), &seen);
        assert_eq!((c.anchor, c.at), ("taken-at-flag", Some(5 * S)));
        dump.taken_at.push(TakenAt {
            at: 7 * S,
            line: 1,
            why: "date line above the dump".into(),
        });
        let c = decide(DumpKind::EventsTable, &dump, None, Some(9 * S), &seen);
        assert_eq!((c.anchor, c.at), ("written", Some(7 * S)));
        assert!(c.detail.contains("date line above the dump, line 1"), "{}", c.detail);
        dump.taken_at.clear();
        let c = decide(DumpKind::EventsTable, &dump, None, Some(9 * S), &seen);
        assert_eq!((c.anchor, c.at), ("mtime", Some(9 * S)));
        let c = decide(DumpKind::EventsTable, &dump, None, None, &seen);
        assert_eq!((c.anchor, c.at), ("none", None));
    }

    #[test]
    fn a_wrong_mtime_gives_way_to_the_estimate() {
        let truth = 1_700_000_000 * S;
        let mut dump = Dump::default();
        let mut seen = FxHashMap::default();
        let e = ev("a", "Pulled", ago(30, 1), ago(30, 1));
        seen.insert(
            EventKey::of(&e).exact(),
            Seen {
                first: Some(truth - 30 * S),
                last: Some(truth - 30 * S),
            },
        );
        dump.events.push(e);
        // A git checkout a year later.
        let c = decide(
            DumpKind::EventsTable,
            &dump,
            None,
            Some(truth + 365 * 86_400 * S),
            &seen,
        );
        assert_eq!(c.anchor, "estimate");
        assert!((c.at.unwrap() - truth).abs() <= S);
        assert!(c.detail.contains("disagrees"), "{}", c.detail);
        // An mtime that agrees is kept.
        let c = decide(DumpKind::EventsTable, &dump, None, Some(truth + 10 * S), &seen);
        assert_eq!(c.anchor, "mtime");
    }
}
