//! The result of one analysis, as every report renders it and as the JSON output documents it.
//!
//! Renderers only read this; nothing here computes.

use crate::signals::SignalKind;
use serde::{Serialize, Serializer};

/// JSON output version; bumped on a breaking change of this structure.
pub const VERSION: u32 = 1;

/// One analysis.
#[derive(Debug, Serialize)]
pub struct Analysis {
    /// Output format version.
    pub version: u32,
    /// Every source read or skipped, sorted by path.
    pub inputs: Vec<Input>,
    /// The merged timeline, in time order (stable for equal times: source path, then line).
    pub timeline: Vec<TimelineRow>,
    /// Incident findings, root cause first.
    pub findings: Vec<Finding>,
    /// Patterns that could not be looked for, with what the bundle lacks.
    pub not_evaluated: Vec<crate::detect::NotEvaluated>,
    /// Cluster state read from kubectl dumps (pods, nodes, Jobs, CronJobs, webhooks).
    pub state: crate::dumps::state::State,
    /// Periods nodes spent NotReady or under disk pressure, from the timeline's signals.
    pub node_periods: Vec<crate::periods::NodePeriod>,
    /// Totals over all inputs.
    pub totals: Totals,
}

/// A source, with what was read of it and how its time was decided.
#[derive(Debug, Serialize)]
pub struct Input {
    /// Path relative to the analyzed root (`bundle.tar.gz!/inner/path` inside archives).
    pub path: String,
    /// Format, outer first (`journald-short>klog`), or `unreadable` / `binary` / `empty`.
    pub format: String,
    /// Node the source belongs to, when known.
    pub node: Option<String>,
    /// Component (kubelet, dockerd, etcd, ...), when known.
    pub component: Option<String>,
    /// Physical lines.
    pub lines: u64,
    /// Lines read as records, continuation lines and preamble/banner lines.
    pub parsed: u64,
    /// Lines no grammar accepts (counted, reported in `problems`).
    pub skipped: u64,
    /// Empty lines (`lines = parsed + skipped + blank`).
    pub blank: u64,
    /// Earliest record time.
    #[serde(serialize_with = "ser_time")]
    pub first: Option<i64>,
    /// Latest record time.
    #[serde(serialize_with = "ser_time")]
    pub last: Option<i64>,
    /// How the source's times were turned into UTC.
    pub time_basis: String,
    /// What could not be read or parsed, in plain words.
    pub problems: Vec<String>,
    /// Bytes read.
    pub bytes: u64,
    /// Records by level.
    pub levels: Levels,
    /// For kubectl dumps: rows read, events placed and the capture time their ages count back from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dump: Option<crate::dumps::DumpReport>,
}

/// Records by level.
#[derive(Debug, Default, Serialize)]
pub struct Levels {
    /// Critical/fatal.
    pub critical: u64,
    /// Errors.
    pub error: u64,
    /// Warnings.
    pub warning: u64,
    /// Info, notice, debug, trace.
    pub info: u64,
    /// No level marker.
    pub unknown: u64,
}

/// Where a row comes from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceRef {
    /// Input path.
    pub path: String,
    /// 1-based line of the first occurrence.
    pub line: u64,
}

/// One row of the merged timeline: a record, or repeats of one template collapsed. (`Default` is an empty row
/// of no time, for building rows field by field.)
#[derive(Debug, Default, Serialize)]
pub struct TimelineRow {
    /// UTC time of the first occurrence (null when it could not be placed).
    #[serde(serialize_with = "ser_time")]
    pub at: Option<i64>,
    /// ± seconds of `at` (0 exact; null when unknown, e.g. a boot time estimated from a file mtime).
    pub approx_s: Option<f64>,
    /// Node.
    pub node: Option<String>,
    /// Component.
    pub component: Option<String>,
    /// Object the line names (`pod/<ns>/<name>[:<container>]`, `node/<name>`, `webhook/<name>`, ...).
    pub object: Option<String>,
    /// Level.
    pub severity: &'static str,
    /// Message of the first occurrence.
    pub message: String,
    /// Occurrences collapsed into this row.
    pub count: u64,
    /// UTC time of the last occurrence.
    #[serde(serialize_with = "ser_time")]
    pub last_at: Option<i64>,
    /// First occurrence.
    pub source: SourceRef,
    /// Other places the same event was seen (another dump, a component log echo).
    pub also_in: Vec<SourceRef>,
    /// Signal the message carries.
    pub signal: Option<SignalKind>,
    /// The line had no time of its own and took the previous record's.
    pub time_inherited: bool,
    /// The largest magnitude among the occurrences, for signals that carry one (etcd apply, throttling wait,
    /// pull duration). Boxed: few rows have one, and rows are moved when sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak: Option<Box<Peak>>,
    /// How `at` was decided: `exact` (offset or epoch written), `wall` (dated wall clock + zone), `wall-year`
    /// (wall clock whose year was inferred, see the input's `time_basis`), `boot` (kernel time since boot +
    /// the node's boot time), `age` (a kubectl relative age counted back from the dump's capture time, see
    /// `approx_s`), `none` (could not be placed).
    pub time_kind: &'static str,
}

/// The largest magnitude (seconds: an etcd apply, a throttling wait, a pull) among the occurrences a row
/// collapses, for the signals that carry one, with their sum and how many reached each of [`Peak::BOUNDS_S`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Peak {
    /// Largest value (s).
    pub max_s: f64,
    /// Source line of the occurrence with the largest value.
    pub line: u64,
    /// Sum over the occurrences that carried a value (s).
    pub total_s: f64,
    /// Occurrences that carried a value.
    pub samples: u64,
    /// How many values were at least each of [`Peak::BOUNDS_S`] (0.1, 0.5, 1, 2, 5, 10, 30 s).
    pub at_least: [u64; 7],
}

impl Peak {
    /// The bounds `at_least` counts against (s).
    pub const BOUNDS_S: [f64; 7] = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0];

    /// One occurrence's value.
    pub fn of(value_s: f64, line: u64) -> Peak {
        Peak {
            max_s: value_s,
            line,
            total_s: value_s,
            samples: 1,
            at_least: Peak::BOUNDS_S.map(|b| u64::from(value_s >= b)),
        }
    }

    /// Adds an occurrence (the first of equal maxima keeps its line).
    pub fn add(&mut self, value_s: f64, line: u64) {
        self.merge(Peak::of(value_s, line));
    }

    /// Adds another row's occurrences.
    pub fn merge(&mut self, other: Peak) {
        if other.max_s > self.max_s {
            self.max_s = other.max_s;
            self.line = other.line;
        }
        self.total_s += other.total_s;
        self.samples += other.samples;
        for (a, b) in self.at_least.iter_mut().zip(other.at_least) {
            *a += b;
        }
    }

    /// How many values were at least `threshold_s`: exact when it is one of [`Peak::BOUNDS_S`], else counted
    /// against the largest bound below it (an upper estimate); all samples below the smallest bound.
    pub fn count_at_least(&self, threshold_s: f64) -> u64 {
        match Peak::BOUNDS_S.iter().rposition(|b| *b <= threshold_s) {
            Some(i) if threshold_s <= self.max_s => self.at_least[i],
            Some(_) => 0,
            None => self.samples,
        }
    }
}

/// A named incident pattern (filled by detectors).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Finding {
    /// Stable pattern id.
    pub id: String,
    /// info / warning / critical.
    pub severity: String,
    /// One-line title.
    pub title: String,
    /// Window start.
    #[serde(serialize_with = "ser_time")]
    pub start: Option<i64>,
    /// Window end.
    #[serde(serialize_with = "ser_time")]
    pub end: Option<i64>,
    /// Subjects (node, pod, container, Job, webhook, ...).
    pub subjects: Vec<String>,
    /// Measured numbers.
    pub measured: serde_json::Map<String, serde_json::Value>,
    /// Evidence lines.
    pub evidence: Vec<SourceRef>,
    /// Explanation in plain words.
    pub explanation: String,
    /// What to do.
    pub remediation: String,
    /// Ids of findings that cause this one.
    pub caused_by: Vec<String>,
    /// Set when a known-issues entry matches the finding: it is still reported, but fails neither
    /// `--fail-on` nor `postmortem check` (see [`crate::known`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<KnownMark>,
}

/// Why a finding is known: the reason and link of the known-issues entry that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownMark {
    /// Why the finding is accepted (a ticket summary, "fixed in 1.29").
    pub reason: String,
    /// Where to read more (ticket, runbook); null when the entry has none.
    pub link: Option<String>,
}

/// Totals over all inputs.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    /// Sources read.
    pub sources: u64,
    /// Sources skipped or unreadable.
    pub skipped_sources: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Physical lines.
    pub lines: u64,
    /// Parsed lines.
    pub parsed: u64,
    /// Lines no grammar accepts.
    pub skipped_lines: u64,
    /// Occurrences behind the timeline rows.
    pub kept: u64,
}

/// RFC 3339 UTC with as many fractional digits as needed (`2023-03-13T16:02:43.934473Z`).
pub fn format_time(ns: i64) -> String {
    parsers::time::format_rfc3339(ns)
}

/// Serializes an instant as RFC 3339 UTC.
pub(crate) fn ser_time_ns<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(parsers::time::Rfc3339::of(*t).as_str())
}

/// Serializes an optional instant as RFC 3339 UTC.
pub(crate) fn ser_time<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(ns) => s.serialize_str(parsers::time::Rfc3339::of(*ns).as_str()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_count_values_at_least_each_bound() {
        let mut p = Peak::of(0.2, 1);
        for (v, line) in [(1.0, 2), (25.5, 3), (1.7, 4), (0.05, 5)] {
            p.add(v, line);
        }
        assert_eq!((p.max_s, p.line, p.samples), (25.5, 3, 5));
        assert!((p.total_s - 28.45).abs() < 1e-9);
        assert_eq!(p.count_at_least(1.0), 3);
        assert_eq!(p.count_at_least(0.1), 4);
        assert_eq!(p.count_at_least(10.0), 1);
        // Between bounds: counted against the bound below (1 s), an upper estimate.
        assert_eq!(p.count_at_least(1.5), 3);
        assert_eq!(p.count_at_least(30.0), 0);
        assert_eq!(p.count_at_least(0.01), 5);
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(format_time(1_607_355_158_994_574_754), "2020-12-07T15:32:38.994574754Z");
        assert_eq!(format_time(1_429_043_889_000_000_000), "2015-04-14T20:38:09Z");
        assert_eq!(format_time(1_429_043_889_500_000_000), "2015-04-14T20:38:09.500Z");
    }
}
