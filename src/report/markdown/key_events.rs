//! The short timeline of key events: the rows a finding cites as evidence, and the rows carrying a signal inside
//! a finding's window that name one of its subjects; identical events (same node, component, object, signal and
//! message) collapsed into one, at most a cap, in time order.

use crate::model::{Finding, TimelineRow};
use rustc_hash::FxHashMap;

/// One key event: one or several identical timeline rows.
#[derive(Debug)]
pub(super) struct KeyEvent<'a> {
    /// The first row (time order) of the event.
    pub row: &'a TimelineRow,
    /// First and last occurrence over the rows.
    pub at: Option<i64>,
    pub last_at: Option<i64>,
    /// Occurrences over the rows.
    pub count: u64,
    /// Timeline rows collapsed into this one.
    pub rows: usize,
    /// Indexes (0-based, in `Analysis::findings`) of the findings it belongs to.
    pub findings: Vec<usize>,
}

/// What [`select`] chose.
#[derive(Debug)]
pub(super) struct KeyEvents<'a> {
    /// The chosen events, in time order.
    pub events: Vec<KeyEvent<'a>>,
    /// Events that qualified (before the cap).
    pub qualified: usize,
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "error" => 1,
        "warning" => 2,
        _ => 3,
    }
}

/// Does `row` name `subject` (`node/<name>`, `pod/<ns>/<name>[:<container>]`, `component/<name>`, ...)?
pub(super) fn names_subject(row: &TimelineRow, subject: &str) -> bool {
    let object = row.object.as_deref().unwrap_or("");
    if let Some(node) = subject.strip_prefix("node/") {
        // Node objects from Events can carry the namespace the Event was in (`node/default/<name>`).
        return row.node.as_deref() == Some(node)
            || object
                .strip_prefix("node/")
                .is_some_and(|o| o == node || o.ends_with(&format!("/{node}")));
    }
    if let Some(component) = subject.strip_prefix("component/") {
        return row.component.as_deref() == Some(component);
    }
    if object.is_empty() {
        return false;
    }
    // A pod names its containers' rows and a container its pod's.
    let within = |long: &str, short: &str| long.strip_prefix(short).is_some_and(|r| r.starts_with(':'));
    object == subject || within(object, subject) || within(subject, object)
}

/// Does the row's span `[at, last_at]` meet the finding's window?
fn in_window(row: &TimelineRow, f: &Finding) -> bool {
    let Some(at) = row.at else { return false };
    let last = row.last_at.unwrap_or(at).max(at);
    let (start, end) = match (f.start, f.end) {
        (None, None) => return false,
        (s, e) => (s.or(e).unwrap_or(i64::MIN), e.or(s).unwrap_or(i64::MAX)),
    };
    at <= end && last >= start
}

/// Chooses at most `cap` key events. Every finding gets its turn in a round: its evidence rows in the order it
/// cites them (the detectors cite the telling line first), then its window's signal rows by severity and time;
/// so no finding is crowded out by another's many lines.
pub(super) fn select<'a>(timeline: &'a [TimelineRow], findings: &[Finding], cap: usize) -> KeyEvents<'a> {
    // Where each (path, line) is in the timeline (first occurrence or a place it was also seen).
    let mut at_source: FxHashMap<(&str, u64), usize> = FxHashMap::default();
    for (i, r) in timeline.iter().enumerate() {
        at_source.entry((r.source.path.as_str(), r.source.line)).or_insert(i);
        for s in &r.also_in {
            at_source.entry((s.path.as_str(), s.line)).or_insert(i);
        }
    }
    // Candidates per finding, in preference order.
    let per_finding: Vec<Vec<usize>> = findings
        .iter()
        .map(|f| {
            let mut list: Vec<usize> = Vec::new();
            for e in &f.evidence {
                if let Some(&i) = at_source.get(&(e.path.as_str(), e.line)) {
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
            let cited = list.len();
            let mut windowed: Vec<usize> = timeline
                .iter()
                .enumerate()
                .filter(|(i, r)| {
                    r.signal.is_some()
                        && !list[..cited].contains(i)
                        && in_window(r, f)
                        && f.subjects.iter().any(|s| names_subject(r, s))
                })
                .map(|(i, _)| i)
                .collect();
            windowed.sort_by_key(|&i| (severity_rank(timeline[i].severity), i));
            list.extend(windowed);
            list
        })
        .collect();
    // Identical events collapse: group the candidate rows.
    type Key<'k> = (
        Option<&'k str>,
        Option<&'k str>,
        Option<&'k str>,
        Option<crate::signals::SignalKind>,
        &'k str,
    );
    let key = |r: &'a TimelineRow| -> Key<'a> {
        (
            r.node.as_deref(),
            r.component.as_deref(),
            r.object.as_deref(),
            r.signal,
            r.message.as_str(),
        )
    };
    let mut group_of: FxHashMap<Key<'a>, usize> = FxHashMap::default();
    let mut groups: Vec<KeyEvent<'a>> = Vec::new();
    let mut row_group: FxHashMap<usize, usize> = FxHashMap::default();
    let mut all: Vec<usize> = per_finding.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    for i in all {
        let r = &timeline[i];
        let g = *group_of.entry(key(r)).or_insert_with(|| {
            groups.push(KeyEvent {
                row: r,
                at: None,
                last_at: None,
                count: 0,
                rows: 0,
                findings: Vec::new(),
            });
            groups.len() - 1
        });
        let e = &mut groups[g];
        e.at = match (e.at, r.at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        e.last_at = e.last_at.max(r.last_at.or(r.at));
        e.count += r.count;
        e.rows += 1;
        row_group.insert(i, g);
    }
    for (fi, list) in per_finding.iter().enumerate() {
        for i in list {
            let e = &mut groups[row_group[i]];
            if !e.findings.contains(&fi) {
                e.findings.push(fi);
            }
        }
    }
    let qualified = groups.len();
    // Round robin over the findings until the cap.
    let mut chosen = vec![false; groups.len()];
    let mut picked = 0;
    let mut cursors = vec![0usize; per_finding.len()];
    while picked < cap.min(qualified) {
        let mut progressed = false;
        for (fi, list) in per_finding.iter().enumerate() {
            while let Some(i) = list.get(cursors[fi]) {
                cursors[fi] += 1;
                let g = row_group[i];
                if !chosen[g] {
                    chosen[g] = true;
                    picked += 1;
                    progressed = true;
                    break;
                }
            }
            if picked == cap {
                break;
            }
        }
        if !progressed {
            break;
        }
    }
    let mut events: Vec<KeyEvent<'a>> = groups
        .into_iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(e, _)| e)
        .collect();
    // Time order (rows without a time last), stable on the timeline's own order.
    events.sort_by_key(|e| (e.at.is_none(), e.at));
    for e in &mut events {
        e.findings.sort_unstable();
    }
    KeyEvents { events, qualified }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;
    use crate::signals::SignalKind;

    const S: i64 = 1_000_000_000;

    fn row(at: i64, line: u64, node: &str, object: Option<&str>, signal: Option<SignalKind>, msg: &str) -> TimelineRow {
        TimelineRow {
            at: Some(at * S),
            approx_s: Some(0.0),
            node: Some(node.to_string()),
            component: Some("kubelet".to_string()),
            object: object.map(str::to_string),
            severity: "warning",
            message: msg.to_string(),
            count: 1,
            last_at: Some(at * S),
            source: SourceRef {
                path: format!("nodes/{node}/kubelet.log"),
                line,
            },
            also_in: Vec::new(),
            signal,
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        }
    }

    fn finding(id: &str, start: i64, end: i64, subjects: &[&str], evidence: &[(&str, u64)]) -> Finding {
        Finding {
            id: id.to_string(),
            severity: "warning".to_string(),
            title: id.to_string(),
            start: Some(start * S),
            end: Some(end * S),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            measured: serde_json::Map::new(),
            evidence: evidence
                .iter()
                .map(|(p, l)| SourceRef {
                    path: p.to_string(),
                    line: *l,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn subjects_are_named_by_node_object_or_container() {
        let r = row(0, 1, "w2", Some("pod/ns/web-1:app"), None, "x");
        assert!(names_subject(&r, "node/w2"));
        assert!(!names_subject(&r, "node/w"));
        assert!(names_subject(&r, "pod/ns/web-1"));
        assert!(names_subject(&r, "pod/ns/web-1:app"));
        assert!(!names_subject(&r, "pod/ns/web-12"));
        assert!(names_subject(&r, "component/kubelet"));
        let ev = row(0, 1, "", Some("node/default/w2"), None, "x");
        assert!(names_subject(&ev, "node/w2"));
        let pod = row(0, 1, "", Some("pod/ns/web-1"), None, "x");
        assert!(names_subject(&pod, "pod/ns/web-1:app"));
    }

    #[test]
    fn key_events_are_evidence_and_signals_of_subjects_in_the_window() {
        let pleg = Some(SignalKind::PlegUnhealthy);
        let timeline = vec![
            row(10, 1, "w2", None, pleg, "PLEG is not healthy"), // before the window
            row(100, 2, "w2", None, None, "no signal, cited"),   // evidence
            row(110, 3, "w2", None, pleg, "PLEG is not healthy"), // signal, subject, window
            row(120, 4, "w1", None, pleg, "PLEG is not healthy"), // another node
            row(130, 5, "w2", None, None, "no signal"),          // nothing
            row(140, 6, "w2", None, pleg, "PLEG is not healthy"), // identical to line 3: collapsed
            row(400, 7, "w2", None, pleg, "late"),               // after the window
        ];
        let f = finding("node-not-ready", 100, 200, &["node/w2"], &[("nodes/w2/kubelet.log", 2)]);
        let k = select(&timeline, std::slice::from_ref(&f), 50);
        let lines: Vec<u64> = k.events.iter().map(|e| e.row.source.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(k.qualified, 2);
        let pleg_event = &k.events[1];
        assert_eq!((pleg_event.count, pleg_event.rows), (2, 2));
        assert_eq!((pleg_event.at, pleg_event.last_at), (Some(110 * S), Some(140 * S)));
        assert_eq!(pleg_event.findings, [0]);
    }

    #[test]
    fn the_cap_takes_turns_between_findings() {
        let sig = Some(SignalKind::PlegUnhealthy);
        let mut timeline = Vec::new();
        for i in 0..20 {
            timeline.push(row(100 + i, i as u64 + 1, "a", None, sig, &format!("a{i}")));
        }
        for i in 0..3 {
            timeline.push(row(150 + i, i as u64 + 1, "b", None, sig, &format!("b{i}")));
        }
        let fa = finding("x", 100, 200, &["node/a"], &[]);
        let fb = finding("y", 100, 200, &["node/b"], &[("nodes/b/kubelet.log", 3)]);
        let k = select(&timeline, &[fa, fb], 6);
        assert_eq!(k.qualified, 23);
        assert_eq!(k.events.len(), 6);
        let b: Vec<&str> = k
            .events
            .iter()
            .filter(|e| e.findings == [1])
            .map(|e| e.row.message.as_str())
            .collect();
        assert_eq!(
            b,
            ["b0", "b1", "b2"],
            "the other finding keeps its share, its evidence first"
        );
        // Time order.
        assert!(k.events.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
