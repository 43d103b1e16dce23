//! kubectl dumps joined to the timeline: each dump's capture time is decided, its events are placed and
//! merged with the same events from other dumps and from component log echoes (one event, one row, every
//! source), and the objects it describes become the cluster state.

pub mod capture;
pub mod events;
pub mod state;

use crate::model::{SourceRef, TimelineRow};
use crate::signals;
use capture::{Capture, Seen};
use events::{EventFact, EventKey, Placed};
use parsers::kubectl::{Dump, DumpKind, When};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Event reasons the detectors read (Job and Pod creation, kills, back-off, schedules).
const DETECTOR_REASONS: &[&str] = &[
    "SuccessfulCreate",
    "FailedCreate",
    "Killing",
    "BackOff",
    "Unhealthy",
    "TooManyMissedTimes",
    "MissSchedule",
    "JobAlreadyActive",
];

/// An event echo and the index of the timeline row it was read from.
type RowEcho = (usize, events::Echo);

/// A dump source handed over by the scan.
pub struct DumpInput {
    /// Source index (inputs sorted by path).
    pub source: usize,
    /// Input path.
    pub path: String,
    /// Kind.
    pub kind: DumpKind,
    /// What it held.
    pub dump: Dump,
    /// File mtime (ns), when known and not a zero or default time.
    pub mtime: Option<i64>,
}

/// What became of one dump, for the inputs table.
#[derive(Clone, Debug, Serialize)]
pub struct DumpReport {
    /// `kubectl-events-table`, `kubectl-describe`, ...
    pub kind: &'static str,
    /// Table rows and objects read.
    pub rows: u64,
    /// Events read.
    pub events: u64,
    /// Events placed in time.
    pub placed: u64,
    /// Capture time, when the dump has relative ages.
    pub capture: Option<Capture>,
    /// Earliest placed time (ns).
    #[serde(skip)]
    pub first: Option<i64>,
    /// Latest placed time (ns).
    #[serde(skip)]
    pub last: Option<i64>,
}

/// The dumps' contribution to an analysis.
pub struct Joined {
    /// Cluster state.
    pub state: state::State,
    /// Per source index: what its dump gave.
    pub reports: Vec<(usize, DumpReport)>,
    /// Every event known: dumped ones (merged with their echoes) and the echoes of events no dump holds.
    pub events: Vec<EventFact>,
}

/// Joins the dumps to `timeline` (rows added, echoes merged into their events, order restored) and builds
/// the state.
pub fn join(
    inputs: Vec<DumpInput>,
    timeline: &mut Vec<TimelineRow>,
    taken_at_flag: Option<i64>,
    since: Option<i64>,
    until: Option<i64>,
) -> Joined {
    // Every Event echoed in a component log, read once: echoes of dumped events place the dumps and merge
    // with them; the others still tell detectors what the controllers did.
    let dumped: FxHashSet<u64> = inputs
        .iter()
        .flat_map(|d| d.dump.events.iter().map(|e| EventKey::of(e).loose()))
        .collect();
    // Echoes are read in place; only those of a dumped object and reason, or of a reason detectors read, are
    // copied out.
    let dumped_names: FxHashSet<(&str, &str)> = inputs
        .iter()
        .flat_map(|d| d.dump.events.iter())
        .map(|e| (e.object.name.as_str(), e.reason.as_deref().unwrap_or("")))
        .collect();
    let (echoes, other_echoes): (Vec<RowEcho>, Vec<RowEcho>) = timeline
        .par_iter()
        .enumerate()
        .filter(|(_, r)| r.signal == Some(signals::SignalKind::EventEcho))
        .filter_map(|(i, r)| {
            let e = events::read_echo(&r.message)?;
            let wanted = dumped_names.contains(&(e.name, e.reason)) || DETECTOR_REASONS.contains(&e.reason);
            wanted.then(|| (i, e.to_echo()))
        })
        .partition(|(_, e)| dumped.contains(&e.key.loose()));
    let seen = absolute_sightings(&inputs, &echoes, timeline);

    let mut facts: Vec<EventFact> = Vec::new();
    let mut index: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    let mut reports = Vec::with_capacity(inputs.len());
    let mut state = state::State::default();
    let captures: Vec<Option<Capture>> = inputs
        .iter()
        .map(|d| capture::has_ages(&d.dump).then(|| capture::decide(d.kind, &d.dump, taken_at_flag, d.mtime, &seen)))
        .collect();
    let captures = capture::share_with_siblings(&inputs, captures);
    for (mut d, capture) in inputs.into_iter().zip(captures) {
        let ns = namespace_from_path(&d.path);
        let at = capture.as_ref().and_then(|c| c.at.map(|t| (t, c.approx_s)));
        let mut report = DumpReport {
            kind: d.kind.name(),
            rows: d.dump.rows,
            events: d.dump.events.len() as u64,
            placed: 0,
            capture,
            first: None,
            last: None,
        };
        for mut e in std::mem::take(&mut d.dump.events) {
            if e.object.namespace.is_none() && e.object.kind.as_deref() != Some("Node") {
                e.object.namespace.clone_from(&ns);
            }
            let source = SourceRef {
                path: d.path.clone(),
                line: e.line,
            };
            let fact = EventFact::new(e, source, at);
            report.placed += u64::from(fact.first.is_some() || fact.last.is_some());
            for p in [fact.first, fact.last].into_iter().flatten() {
                report.first = Some(report.first.map_or(p.at, |f| f.min(p.at)));
                report.last = Some(report.last.map_or(p.at, |l| l.max(p.at)));
            }
            add_fact(&mut facts, &mut index, fact);
        }
        state.add(&d.path, d.dump, at.map(|(t, _)| t));
        reports.push((d.source, report));
    }
    state.link_cronjob_jobs();
    state.sort();

    // Echoes of a dumped event join it: the log's exact times replace estimated ones.
    let mut absorbed = vec![false; timeline.len()];
    for (i, echo) in &echoes {
        let row = &timeline[*i];
        let Some(f) = find_fact(&facts, &index, &echo.key) else {
            continue;
        };
        let exact = |t: Option<i64>| {
            t.map(|at| Placed {
                at,
                approx_s: row.approx_s.unwrap_or(0.0),
            })
        };
        facts[f].add_sighting(exact(row.at), exact(row.last_at.or(row.at)), row.count, &row.source);
        absorbed[*i] = true;
    }
    // The log rows are in order already: appended after them, the new rows make a second sorted run, which
    // the (adaptive) sort merges in one pass.
    // Detectors read only some reasons from echoes no dump holds; the rest stay plain log rows.
    let echoed: Vec<EventFact> = other_echoes
        .into_par_iter()
        .filter(|(_, e)| DETECTOR_REASONS.contains(&e.key.reason.as_str()))
        .map(|(i, e)| echo_fact(e, &timeline[i]))
        .collect();
    let mut gone = absorbed.into_iter();
    timeline.retain(|_| !gone.next().unwrap_or(false));
    let mut added: Vec<TimelineRow> = facts.iter().map(row_of_fact).chain(state_rows(&state)).collect();
    let mut known = facts;
    known.extend(echoed);
    added.retain(|r| crate::timeline::in_window(r, since, until));
    added.sort_by(row_order);
    timeline.extend(added);
    timeline.sort_by(row_order);
    Joined {
        state,
        reports,
        events: known,
    }
}

/// An event known only from a component log's echo.
fn echo_fact(e: events::Echo, row: &TimelineRow) -> EventFact {
    let placed = |t: Option<i64>| {
        t.map(|at| Placed {
            at,
            approx_s: row.approx_s.unwrap_or(0.0),
        })
    };
    let k = &e.key;
    EventFact {
        event: parsers::kubectl::Event {
            line: row.source.line,
            object: parsers::kubectl::ObjectRef {
                kind: Some(k.kind.clone()).filter(|k| !k.is_empty()),
                namespace: Some(k.namespace.clone()).filter(|n| !n.is_empty()),
                name: k.name.clone(),
                field_path: e.field_path,
            },
            event_type: Some(e.event_type),
            reason: Some(k.reason.clone()),
            message: k.message.clone(),
            source: row.component.clone(),
            host: row.node.clone(),
            count: row.count,
            first: parsers::kubectl::When::Unknown,
            last: parsers::kubectl::When::Unknown,
            name: None,
        },
        key: e.key,
        first: placed(row.at),
        last: placed(row.last_at.or(row.at)),
        count: row.count,
        sources: vec![row.source.clone()],
    }
}

/// Timeline order: placed rows by time (rows without a time last), then source path and line.
fn row_order(a: &TimelineRow, b: &TimelineRow) -> std::cmp::Ordering {
    (a.at.is_none(), a.at, &a.source.path, a.source.line).cmp(&(b.at.is_none(), b.at, &b.source.path, b.source.line))
}

/// Events seen at absolute times: dumped objects with absolute times and component log echoes.
fn absolute_sightings(
    inputs: &[DumpInput],
    echoes: &[(usize, events::Echo)],
    timeline: &[TimelineRow],
) -> FxHashMap<u64, Seen> {
    let mut seen: FxHashMap<u64, Seen> = FxHashMap::default();
    let mut note = |key: &EventKey, first: Option<i64>, last: Option<i64>| {
        for k in [key.loose(), key.exact()] {
            let s = seen.entry(k).or_default();
            if let Some(f) = first {
                s.first = Some(s.first.map_or(f, |x| x.min(f)));
            }
            if let Some(l) = last {
                s.last = Some(s.last.map_or(l, |x| x.max(l)));
            }
        }
    };
    for d in inputs {
        for e in &d.dump.events {
            let (first, last) = (e.first.at(), e.last.at());
            if first.is_some() || last.is_some() {
                note(&EventKey::of(e), first, last);
            }
        }
    }
    for (i, echo) in echoes {
        let r = &timeline[*i];
        note(&echo.key, r.at, r.last_at.or(r.at));
    }
    seen
}

fn add_fact(facts: &mut Vec<EventFact>, index: &mut FxHashMap<u64, Vec<usize>>, fact: EventFact) {
    match find_fact(facts, index, &fact.key) {
        Some(i) => facts[i].absorb(fact),
        None => {
            index.entry(fact.key.loose()).or_default().push(facts.len());
            facts.push(fact);
        }
    }
}

/// The fact with the same key; a missing namespace on either side matches any.
fn find_fact(facts: &[EventFact], index: &FxHashMap<u64, Vec<usize>>, key: &EventKey) -> Option<usize> {
    let candidates = index.get(&key.loose())?;
    candidates.iter().copied().find(|&i| facts[i].key.matches(key))
}

/// Kinds that live outside namespaces (their events still carry one).
const CLUSTER_SCOPED: &[&str] = &["node", "namespace", "persistentvolume", "clusterrole", "storageclass"];

/// `pod/<ns>/<name>[:<container>]`, `node/<name>`, like the objects read from log lines.
fn object_string(kind: &str, ns: &str, name: &str, field_path: Option<&str>) -> String {
    let kind = kind.to_ascii_lowercase();
    let kind = if kind.is_empty() { "object" } else { kind.as_str() };
    // Nodes are cluster-scoped: `kubectl get events` lists their events in `default`, yet the node is one.
    let ns = if CLUSTER_SCOPED.contains(&kind) { "" } else { ns };
    let mut o = if ns.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{ns}/{name}")
    };
    if let Some(c) = field_path.and_then(container_of_field_path) {
        o.push(':');
        o.push_str(c);
    }
    o
}

/// `spec.containers{etcd}` -> `etcd`.
fn container_of_field_path(f: &str) -> Option<&str> {
    let open = f.find('{')?;
    f[open + 1..].strip_suffix('}')
}

fn row_of_fact(f: &EventFact) -> TimelineRow {
    let e = &f.event;
    let reason = e.reason.as_deref().unwrap_or("");
    let message = if reason.is_empty() {
        e.message.clone()
    } else {
        format!("{reason}: {}", e.message)
    };
    let severity = match e.event_type.as_deref() {
        Some("Warning") => "warning",
        _ => "info",
    };
    let node = e
        .host
        .clone()
        .or_else(|| (e.object.kind.as_deref() == Some("Node")).then(|| e.object.name.clone()));
    let exact = f.first.is_some_and(|p| p.approx_s == 0.0);
    let mut sources = f.sources.iter().cloned();
    let source = sources.next().unwrap_or(SourceRef {
        path: String::new(),
        line: 0,
    });
    TimelineRow {
        at: f.first.map(|p| p.at),
        approx_s: f.first.map(|p| p.approx_s),
        node,
        component: e.source.clone(),
        object: Some(object_string(
            e.object.kind.as_deref().unwrap_or(""),
            e.object.namespace.as_deref().unwrap_or(""),
            &e.object.name,
            e.object.field_path.as_deref(),
        )),
        severity,
        signal: signals::classify(message.as_bytes()),
        message,
        count: f.count,
        last_at: f.last.or(f.first).map(|p| p.at),
        source,
        also_in: sources.collect(),
        time_inherited: false,
        peak: None,
        time_kind: match f.first {
            None => "none",
            Some(_) if exact => "exact",
            Some(_) => "age",
        },
    }
}

/// Rows for what the state shows happening at absolute times: node conditions that are not healthy, and
/// container runs that ended.
fn state_rows(state: &state::State) -> Vec<TimelineRow> {
    let mut rows = Vec::new();
    let mut push = |at: i64,
                    node: Option<String>,
                    object: String,
                    severity,
                    message: String,
                    src: &SourceRef,
                    also: &[SourceRef]| {
        rows.push(TimelineRow {
            at: Some(at),
            approx_s: Some(0.0),
            node,
            component: Some("kubectl".into()),
            object: Some(object),
            severity,
            signal: signals::classify(message.as_bytes()),
            message,
            count: 1,
            last_at: Some(at),
            source: src.clone(),
            also_in: also.to_vec(),
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        });
    };
    for n in &state.nodes {
        for c in &n.item.conditions {
            let Some(When::At(at)) = c.last_transition else {
                continue;
            };
            let healthy = if c.kind == "Ready" {
                c.status == "True"
            } else {
                c.status == "False"
            };
            if healthy {
                continue;
            }
            let message = format!(
                "condition {}={} since this time{}{}",
                c.kind,
                c.status,
                c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
                c.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
            );
            let (src, also) = n.sources.split_first().expect("an object has a source");
            push(
                at,
                Some(n.item.name.clone()),
                format!("node/{}", n.item.name),
                "warning",
                message,
                src,
                also,
            );
        }
    }
    for p in &state.pods {
        for c in &p.item.containers {
            let Some(t) = &c.last_termination else { continue };
            let Some(When::At(at)) = t.finished else { continue };
            let reason = t.reason.as_deref().unwrap_or("terminated");
            let code = t.exit_code.map(|c| format!(", exit code {c}")).unwrap_or_default();
            let restarts = c.restarts.map(|r| format!("; {r} restarts")).unwrap_or_default();
            let message = format!("container {} last terminated: {reason}{code}{restarts}", c.name);
            let severity = if reason == "Completed" { "info" } else { "warning" };
            let object = object_string(
                "pod",
                p.item.namespace.as_deref().unwrap_or(""),
                &p.item.name,
                Some(&format!("spec.containers{{{}}}", c.name)),
            );
            let (src, also) = p.sources.split_first().expect("an object has a source");
            push(at, p.item.node.clone(), object, severity, message, src, also);
        }
    }
    rows
}

/// The namespace a must-gather-like path names (`namespaces/<ns>/...`).
fn namespace_from_path(path: &str) -> Option<String> {
    let mut parts = path.split(['/', '!']);
    while let Some(p) = parts.next() {
        if p == "namespaces" {
            return parts.next().filter(|n| !n.is_empty()).map(str::to_string);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_namespaces_from_layout() {
        assert_eq!(
            object_string("Pod", "kube-system", "etcd-m", Some("spec.containers{etcd}")),
            "pod/kube-system/etcd-m:etcd"
        );
        assert_eq!(object_string("Node", "", "node-3", None), "node/node-3");
        // `kubectl get events` puts Node events in `default`: still the one node.
        assert_eq!(object_string("Node", "default", "worker-2", None), "node/worker-2");
        assert_eq!(
            namespace_from_path("must-gather/namespaces/openshift-etcd/core/events.yaml").as_deref(),
            Some("openshift-etcd")
        );
        assert_eq!(namespace_from_path("bundle/events.txt"), None);
    }
}
