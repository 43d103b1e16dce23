//! The short timeline of key events: the rows a finding cites as evidence, and the rows carrying a signal inside
//! a finding's window that name one of its subjects; identical events (same node, component, object, signal and
//! message) collapsed into one, at most a cap, in time order.

use crate::model::{Finding, TimelineRow};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

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
                .is_some_and(|o| o == node || o.strip_suffix(node).is_some_and(|ns| ns.ends_with('/')));
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

/// A finding's window `[start, end]` in ns (an open side reaches as far as the other), `None` without times.
fn window(f: &Finding) -> Option<(i64, i64)> {
    match (f.start, f.end) {
        (None, None) => None,
        (s, e) => Some((s.or(e).unwrap_or(i64::MIN), e.or(s).unwrap_or(i64::MAX))),
    }
}

/// An object without its container: `pod/ns/web-1:app` → `pod/ns/web-1`. A row and a subject that name each other
/// (see [`names_subject`]) always share it.
fn object_base(object: &str) -> &str {
    object.split(':').next().unwrap_or(object)
}

/// A timed row carrying a signal, with what the window and rank tests read (kept together so that a finding's
/// pass over thousands of them reads one array, not the rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SignalRow {
    row: usize,
    at: i64,
    last: i64,
    rank: u8,
}

impl SignalRow {
    /// Does the span `[at, last]` meet `[start, end]`?
    fn meets(&self, (start, end): (i64, i64)) -> bool {
        self.at <= end && self.last >= start
    }
}

/// The timed rows carrying a signal, by what they can name (their node, their component, their object), so that
/// each finding looks at the rows of its subjects only, not at the whole timeline.
struct SignalRows<'a> {
    by_node: FxHashMap<&'a str, Vec<SignalRow>>,
    by_component: FxHashMap<&'a str, Vec<SignalRow>>,
    by_object: FxHashMap<&'a str, Vec<SignalRow>>,
}

impl<'a> SignalRows<'a> {
    fn new(timeline: &'a [TimelineRow]) -> SignalRows<'a> {
        let mut idx = SignalRows {
            by_node: FxHashMap::default(),
            by_component: FxHashMap::default(),
            by_object: FxHashMap::default(),
        };
        for (i, r) in timeline.iter().enumerate().filter(|(_, r)| r.signal.is_some()) {
            let Some(at) = r.at else { continue };
            let e = SignalRow {
                row: i,
                at,
                last: r.last_at.unwrap_or(at).max(at),
                rank: severity_rank(r.severity),
            };
            if let Some(n) = r.node.as_deref() {
                idx.by_node.entry(n).or_default().push(e);
            }
            if let Some(c) = r.component.as_deref() {
                idx.by_component.entry(c).or_default().push(e);
            }
            if let Some(o) = r.object.as_deref() {
                idx.by_object.entry(object_base(o)).or_default().push(e);
                // `node/<name>` and Events' `node/<namespace>/<name>` name the node `<name>`; detectors that read
                // a node from such an object may also name it `<namespace>/<name>`.
                if let Some(rest) = o.strip_prefix("node/") {
                    let last = rest.rsplit('/').next().unwrap_or(rest);
                    for n in std::iter::once(last).chain((last != rest).then_some(rest)) {
                        if r.node.as_deref() != Some(n) {
                            idx.by_node.entry(n).or_default().push(e);
                        }
                    }
                }
            }
        }
        idx
    }

    /// Rows (each list in timeline order) that may name `subject`, and whether all of them do: a plain node
    /// name's or a component's rows are exact; an object's, or a node named `<namespace>/<name>` (whose rows may
    /// be filed under `<name>`), are a superset ([`names_subject`] decides).
    fn candidates(&self, subject: &str) -> ([&[SignalRow]; 2], bool) {
        fn list<'m>(m: &'m FxHashMap<&str, Vec<SignalRow>>, k: &str) -> &'m [SignalRow] {
            m.get(k).map_or(&[], Vec::as_slice)
        }
        if let Some(node) = subject.strip_prefix("node/") {
            match node.rsplit_once('/') {
                Some((_, last)) => ([list(&self.by_node, node), list(&self.by_node, last)], false),
                None => ([list(&self.by_node, node), &[]], true),
            }
        } else if let Some(component) = subject.strip_prefix("component/") {
            ([list(&self.by_component, component), &[]], true)
        } else {
            ([list(&self.by_object, object_base(subject)), &[]], false)
        }
    }
}

/// Where each cited `(path, line)` is in the timeline: the first row read there, or a row that also saw it.
fn cited_rows<'a>(timeline: &'a [TimelineRow], findings: &'a [Finding]) -> FxHashMap<(&'a str, u64), usize> {
    let mut at: FxHashMap<(&str, u64), Option<usize>> = findings
        .iter()
        .flat_map(|f| f.evidence.iter().map(|e| ((e.path.as_str(), e.line), None)))
        .collect();
    for (i, r) in timeline.iter().enumerate() {
        for s in std::iter::once(&r.source).chain(&r.also_in) {
            if let Some(slot @ None) = at.get_mut(&(s.path.as_str(), s.line)) {
                *slot = Some(i);
            }
        }
    }
    at.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()
}

/// One finding's candidate rows in preference order: the rows it cites, in its order, then the signal rows of its
/// subjects inside its window by severity, then time order.
fn candidates_of(
    f: &Finding,
    timeline: &[TimelineRow],
    cited: &FxHashMap<(&str, u64), usize>,
    signalled: &SignalRows,
) -> Vec<usize> {
    let mut list: Vec<usize> = Vec::new();
    for e in &f.evidence {
        if let Some(&i) = cited.get(&(e.path.as_str(), e.line)) {
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let own: FxHashSet<usize> = list.iter().copied().collect();
    let Some(window) = window(f) else { return list };
    let mut rows: Vec<SignalRow> = Vec::new();
    let mut lists = 0;
    for s in &f.subjects {
        let (found, exact) = signalled.candidates(s);
        for list in found.into_iter().filter(|l| !l.is_empty()) {
            lists += 1;
            rows.extend(
                list.iter()
                    .filter(|e| e.meets(window) && !own.contains(&e.row))
                    .filter(|e| exact || names_subject(&timeline[e.row], s)),
            );
        }
    }
    if lists > 1 {
        rows.sort_unstable_by_key(|e| e.row);
        rows.dedup_by_key(|e| e.row);
    }
    // Rows in timeline order, split by severity: the concatenation is (severity, time) order without a sort.
    let mut by_rank: [Vec<usize>; 4] = Default::default();
    for e in rows {
        by_rank[e.rank as usize].push(e.row);
    }
    list.extend(by_rank.into_iter().flatten());
    list
}

/// Chooses at most `cap` key events. Every finding gets its turn in a round: its evidence rows in the order it
/// cites them (the detectors cite the telling line first), then its window's signal rows by severity and time;
/// so no finding is crowded out by another's many lines.
pub(super) fn select<'a>(timeline: &'a [TimelineRow], findings: &[Finding], cap: usize) -> KeyEvents<'a> {
    let cited = cited_rows(timeline, findings);
    let signalled = SignalRows::new(timeline);
    let per_finding: Vec<Vec<usize>> = findings
        .par_iter()
        .map(|f| candidates_of(f, timeline, &cited, &signalled))
        .collect();
    // Identical events collapse: every candidate row, in timeline order, joins the group of its key.
    type Key<'k> = (
        Option<&'k str>,
        Option<&'k str>,
        Option<&'k str>,
        Option<crate::signals::SignalKind>,
        &'k str,
    );
    let mut is_candidate = vec![false; timeline.len()];
    for &i in per_finding.iter().flatten() {
        is_candidate[i] = true;
    }
    const NO_GROUP: usize = usize::MAX;
    let mut group_of_row = vec![NO_GROUP; timeline.len()];
    let mut group_of: FxHashMap<Key<'a>, usize> = FxHashMap::default();
    let mut groups: Vec<KeyEvent<'a>> = Vec::new();
    for (i, r) in timeline.iter().enumerate().filter(|(i, _)| is_candidate[*i]) {
        let key: Key<'a> = (
            r.node.as_deref(),
            r.component.as_deref(),
            r.object.as_deref(),
            r.signal,
            r.message.as_str(),
        );
        let g = *group_of.entry(key).or_insert_with(|| {
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
        group_of_row[i] = g;
    }
    let qualified = groups.len();
    // Round robin over the findings until the cap.
    let mut chosen = vec![false; groups.len()];
    let mut picked = 0;
    let mut cursors = vec![0usize; per_finding.len()];
    while picked < cap.min(qualified) {
        let mut progressed = false;
        for (fi, list) in per_finding.iter().enumerate() {
            while let Some(&i) = list.get(cursors[fi]) {
                cursors[fi] += 1;
                let g = group_of_row[i];
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
    // Which findings each chosen event belongs to (findings in order, so a repeat is the last one pushed).
    for (fi, list) in per_finding.iter().enumerate() {
        for &i in list {
            let g = group_of_row[i];
            if chosen[g] && groups[g].findings.last() != Some(&fi) {
                groups[g].findings.push(fi);
            }
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
    fn subject_index_finds_every_row_naming_a_subject() {
        let sig = Some(SignalKind::PlegUnhealthy);
        let timeline = vec![
            row(1, 1, "w2", Some("pod/ns/web-1:app"), sig, "a"),
            row(2, 2, "w1", Some("node/default/w2"), sig, "b"),
            row(3, 3, "w1", Some("pod/ns/web-1"), sig, "c"),
            row(4, 4, "w1", Some("pod/ns/web-12"), sig, "d"),
            row(5, 5, "w1", Some("pod/ns/web-1:app"), None, "no signal"),
            row(6, 6, "", Some("node/x/default/w2"), sig, "e"),
        ];
        let idx = SignalRows::new(&timeline);
        // Every row naming each subject is a candidate (the index may hold more; names_subject decides).
        for subject in [
            "node/w2",
            "node/default/w2",
            "node/w1",
            "pod/ns/web-1",
            "pod/ns/web-1:app",
            "component/kubelet",
            "pod/ns/web-12",
        ] {
            let named: Vec<usize> = (0..timeline.len())
                .filter(|&i| timeline[i].signal.is_some() && names_subject(&timeline[i], subject))
                .collect();
            let (lists, exact) = idx.candidates(subject);
            let c: Vec<usize> = lists.iter().flat_map(|l| l.iter().map(|e| e.row)).collect();
            assert!(named.iter().all(|i| c.contains(i)), "{subject}: {named:?} in {c:?}");
            if exact {
                assert_eq!(c, named, "{subject}");
            }
            assert!(!named.is_empty(), "{subject}");
        }
        let (w2, exact) = idx.candidates("node/w2");
        assert_eq!(
            (w2[0].iter().map(|e| e.row).collect::<Vec<_>>(), exact),
            (vec![0, 1, 5], true)
        );
        assert!(idx.candidates("job/ns/x").0.iter().all(|l| l.is_empty()));
    }

    #[test]
    fn a_node_named_with_its_namespace_keeps_its_rows() {
        // pids and oom read a node from an Event's object `node/<namespace>/<name>` when the row has no node.
        let mut r = row(
            150,
            1,
            "",
            Some("node/default/w2"),
            Some(SignalKind::ForkFailed),
            "fork failed",
        );
        r.node = None;
        let f = finding("pid-exhaustion", 100, 200, &["node/default/w2"], &[]);
        let k = select(std::slice::from_ref(&r), &[f], 50);
        assert_eq!((k.events.len(), k.qualified), (1, 1));
    }

    #[test]
    fn a_row_spanning_into_the_window_meets_it() {
        let sig = Some(SignalKind::PlegUnhealthy);
        let mut long = row(10, 1, "w2", None, sig, "began before, lasted into the window");
        long.last_at = Some(150 * S);
        let mut short = row(20, 2, "w2", None, sig, "over before the window");
        short.last_at = Some(60 * S);
        let after = row(250, 3, "w2", None, sig, "after the window");
        let inside = row(120, 4, "w2", None, sig, "inside");
        let timeline = vec![long, short, inside, after];
        let f = finding("node-not-ready", 100, 200, &["node/w2"], &[]);
        let lines: Vec<u64> = select(&timeline, &[f], 50)
            .events
            .iter()
            .map(|e| e.row.source.line)
            .collect();
        assert_eq!(lines, [1, 4]);
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
