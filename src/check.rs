//! Expected findings of a corpus bundle and their comparison with an analysis.
//!
//! A bundle keeps its expectations in `expected.json` at its root (never read as a log): the findings that must
//! come out (id, a subset of their subjects, window, key numbers, causes) and the near misses that must not.
//! The integration tests replay every bundle of `corpus/` against its file; `corpus/README.md` documents the
//! format.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The content of an `expected.json`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// What happened in the bundle, in one sentence.
    #[serde(default)]
    pub about: String,
    /// How far a finding's start or end may be from the expected one (seconds).
    #[serde(default = "default_tolerance")]
    pub tolerance_s: f64,
    /// Every finding the analysis must report, and no other.
    #[serde(default)]
    pub findings: Vec<ExpectedFinding>,
    /// Near misses: subjects that look like the pattern but must not be reported under its id.
    #[serde(default)]
    pub absent: Vec<Absent>,
}

fn default_tolerance() -> f64 {
    2.0
}

/// One finding that must be reported.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// Pattern id.
    pub id: String,
    /// Severity (`info`, `warning`, `critical`), when checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Subjects the finding must name (it may name more).
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Window start (RFC 3339), when checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Window end (RFC 3339), when checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Numbers that must be measured (within 1%, or 0.01 for small values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measured: BTreeMap<String, f64>,
    /// The ids of the findings that caused this one, when checked (compared as a set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<Vec<String>>,
}

/// A near miss.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    /// Pattern id that must not name `subject`.
    pub id: String,
    /// The subject that almost qualifies.
    pub subject: String,
    /// Why it must not be reported.
    #[serde(default)]
    pub why: String,
}

/// A finding as the JSON report gives it (the fields compared).
#[derive(Clone, Debug, Deserialize)]
pub struct Observed {
    /// Pattern id.
    pub id: String,
    /// Severity.
    #[serde(default)]
    pub severity: String,
    /// Subjects.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Window start.
    #[serde(default)]
    pub start: Option<String>,
    /// Window end.
    #[serde(default)]
    pub end: Option<String>,
    /// Measured numbers (and any other values).
    #[serde(default)]
    pub measured: BTreeMap<String, serde_json::Value>,
    /// Causes.
    #[serde(default)]
    pub caused_by: Vec<String>,
}

/// The findings of a JSON report (`{"findings": [...]}`).
pub fn observed_findings(report: &serde_json::Value) -> Result<Vec<Observed>, String> {
    let list = report.get("findings").ok_or("the report has no `findings`")?;
    serde_json::from_value(list.clone()).map_err(|e| format!("findings do not read: {e}"))
}

/// The differences between what was expected and what was found, one readable line each; empty when they
/// agree.
pub fn compare(expected: &Expected, observed: &[Observed]) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut used = vec![false; expected.findings.len()];
    for o in observed {
        // The expected entries this finding could be: same id, subjects included. The first that agrees in
        // every checked field wins; else the first candidate, to say what differs.
        let candidates: Vec<usize> = (0..expected.findings.len())
            .filter(|&i| !used[i] && is_candidate(&expected.findings[i], o))
            .collect();
        let agreeing = candidates
            .iter()
            .copied()
            .find(|&i| differences(&expected.findings[i], o, expected.tolerance_s).is_empty());
        match agreeing.or(candidates.first().copied()) {
            Some(i) => {
                used[i] = true;
                for d in differences(&expected.findings[i], o, expected.tolerance_s) {
                    diffs.push(format!(
                        "{} {}: {d}",
                        o.id,
                        subjects_text(&expected.findings[i].subjects)
                    ));
                }
            }
            None => diffs.push(format!(
                "unexpected finding {} {} from {}",
                o.id,
                subjects_text(&o.subjects),
                o.start.as_deref().unwrap_or("?")
            )),
        }
    }
    for (e, _) in expected.findings.iter().zip(&used).filter(|(_, u)| !**u) {
        diffs.push(format!("missing finding {} {}", e.id, subjects_text(&e.subjects)));
    }
    for a in &expected.absent {
        if let Some(o) = observed
            .iter()
            .find(|o| o.id == a.id && o.subjects.contains(&a.subject))
        {
            diffs.push(format!(
                "near miss reported: {} names {} ({}; it must not: {})",
                o.id,
                a.subject,
                o.start.as_deref().unwrap_or("?"),
                a.why
            ));
        }
    }
    diffs
}

fn is_candidate(e: &ExpectedFinding, o: &Observed) -> bool {
    e.id == o.id && e.subjects.iter().all(|s| o.subjects.contains(s))
}

fn subjects_text(s: &[String]) -> String {
    format!("[{}]", s.join(", "))
}

/// What differs between one expected finding and the observed one it was matched with.
fn differences(e: &ExpectedFinding, o: &Observed, tolerance_s: f64) -> Vec<String> {
    let mut d = Vec::new();
    if let Some(want) = &e.severity {
        if *want != o.severity {
            d.push(format!("severity: expected {want}, found {}", o.severity));
        }
    }
    for (name, want, got) in [("start", &e.start, &o.start), ("end", &e.end, &o.end)] {
        let Some(want) = want else { continue };
        match (seconds(want), got.as_deref().and_then(seconds)) {
            (None, _) => d.push(format!("expected {name} `{want}` is not RFC 3339")),
            (Some(_), None) => d.push(format!("{name}: expected {want}, found none")),
            (Some(w), Some(g)) if (w - g).abs() > tolerance_s => d.push(format!(
                "{name}: expected {want}, found {} ({:+.3} s)",
                got.as_deref().unwrap_or_default(),
                g - w
            )),
            _ => {}
        }
    }
    for (key, want) in &e.measured {
        match o.measured.get(key).and_then(serde_json::Value::as_f64) {
            None => d.push(format!("measured {key}: expected {want}, not measured")),
            Some(got) if !close(*want, got) => d.push(format!("measured {key}: expected {want}, found {got}")),
            _ => {}
        }
    }
    if let Some(want) = &e.caused_by {
        let mut w = want.clone();
        let mut g = o.caused_by.clone();
        w.sort();
        g.sort();
        if w != g {
            d.push(format!("caused_by: expected {w:?}, found {g:?}"));
        }
    }
    d
}

/// Equal within 1% of the expected value, or 0.01 for small values.
fn close(want: f64, got: f64) -> bool {
    (want - got).abs() <= (want.abs() * 0.01).max(0.01)
}

/// Seconds since the epoch of an RFC 3339 time, with its fraction.
fn seconds(t: &str) -> Option<f64> {
    let d = chrono::DateTime::parse_from_rfc3339(t).ok()?;
    Some(d.timestamp() as f64 + f64::from(d.timestamp_subsec_nanos()) / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(id: &str, subjects: &[&str], start: &str, end: &str, measured: &[(&str, f64)]) -> Observed {
        Observed {
            id: id.into(),
            severity: "warning".into(),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            start: Some(start.into()),
            end: Some(end.into()),
            measured: measured
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                .collect(),
            caused_by: Vec::new(),
        }
    }

    fn expected(json: &str) -> Expected {
        serde_json::from_str(json).expect("expected file reads")
    }

    #[test]
    fn agreeing_findings_give_no_difference() {
        let e = expected(
            r#"{"findings":[{"id":"probe-restart-loop","subjects":["pod/kube-system/etcd-master-1:etcd"],
                "start":"2020-03-02T10:00:00Z","end":"2020-03-02T10:08:00Z","measured":{"period_s":120}}],
                "absent":[{"id":"probe-restart-loop","subject":"pod/kube-system/etcd-master-2:etcd","why":"two kills"}]}"#,
        );
        let o = [observed(
            "probe-restart-loop",
            &["node/master-1", "pod/kube-system/etcd-master-1:etcd"],
            "2020-03-02T10:00:01.5Z",
            "2020-03-02T10:08:00Z",
            &[("period_s", 120.4), ("restarts", 4.0)],
        )];
        assert_eq!(compare(&e, &o), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_disagreement_is_named() {
        let e = expected(
            r#"{"tolerance_s":1,"findings":[
                {"id":"job-pod-lag","subjects":["job/batch/a"],"start":"2024-05-14T10:00:00Z","measured":{"lag_s":300},"caused_by":["webhook-timeout"]},
                {"id":"cronjob-backlog","subjects":["cronjob/batch/r"]}],
               "absent":[{"id":"webhook-timeout","subject":"webhook/b.example.com","why":"two failures"}]}"#,
        );
        let o = [
            observed(
                "job-pod-lag",
                &["job/batch/a"],
                "2024-05-14T10:00:05Z",
                "2024-05-14T10:30:00Z",
                &[("lag_s", 240.0)],
            ),
            observed(
                "webhook-timeout",
                &["webhook/b.example.com"],
                "2024-05-14T09:59:00Z",
                "2024-05-14T10:01:00Z",
                &[],
            ),
        ];
        let d = compare(&e, &o);
        assert!(
            d.iter()
                .any(|l| l.contains("start: expected 2024-05-14T10:00:00Z") && l.contains("+5.000 s")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l == "job-pod-lag [job/batch/a]: measured lag_s: expected 300, found 240"),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l.contains("caused_by: expected [\"webhook-timeout\"], found []")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l.starts_with("unexpected finding webhook-timeout [webhook/b.example.com]")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l == "missing finding cronjob-backlog [cronjob/batch/r]"),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l.starts_with("near miss reported: webhook-timeout names webhook/b.example.com")),
            "{d:?}"
        );
    }

    #[test]
    fn two_findings_of_one_id_match_their_own_entries() {
        // Both entries are candidates for both findings: each finding takes the entry it agrees with.
        let e = expected(
            r#"{"findings":[
                {"id":"oom-kill","subjects":["node/n1"],"start":"2024-01-01T00:10:00Z"},
                {"id":"oom-kill","subjects":[],"start":"2024-01-01T00:00:00Z"}]}"#,
        );
        let o = [
            observed(
                "oom-kill",
                &["node/n2"],
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:01:00Z",
                &[],
            ),
            observed(
                "oom-kill",
                &["node/n1"],
                "2024-01-01T00:10:00Z",
                "2024-01-01T00:11:00Z",
                &[],
            ),
        ];
        assert_eq!(compare(&e, &o), Vec::<String>::new());
    }

    #[test]
    fn small_numbers_compare_within_a_hundredth() {
        assert!(close(0.5, 0.505));
        assert!(!close(0.5, 0.52));
        assert!(close(1000.0, 1009.0));
        assert!(!close(1000.0, 1011.0));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<Expected>(r#"{"findngs":[]}"#).is_err());
    }
}
