//! Incident detectors: typed signals, events and cluster state in, named findings out, root cause first.
//!
//! Detectors never look at formats: they read timeline rows by [`SignalKind`](crate::signals::SignalKind),
//! events (dumped or echoed by a controller, one fact each) and the state the dumps describe. A pattern whose
//! inputs are missing is reported as not evaluated, with what is missing, never as clean.

pub mod cascade;
pub mod crashloop;
pub mod disk;
pub mod duration;
pub mod etcd;
pub mod jobs;
pub mod oom;
pub mod pids;
pub mod probes;
pub mod pulls;
pub mod runtime;
pub mod throttling;
pub mod versions;
pub mod webhook;

use crate::dumps::events::EventFact;
use crate::dumps::state::State;
use crate::model::{Finding, Input, SourceRef, TimelineRow};
use serde::Serialize;

/// Thresholds every detector reads; the defaults are what an SRE would flag. Each can be set in
/// `postmortem.toml` (`[thresholds]`, same names) or by `--threshold name=value`; README.md lists them.
#[derive(Clone, Debug, serde::Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// A Job whose first Pod came later than this after the Job was created is late (s).
    pub job_pod_lag_s: f64,
    /// Jobs of one CronJob waiting for their Pods at once that make a backlog.
    pub cronjob_backlog: usize,
    /// Failed webhook calls that make a finding (one is not a pattern).
    pub webhook_failures: u64,
    /// Liveness kills of one container that make a loop.
    pub probe_kills: u64,
    /// Image GC failures on one node that make a finding.
    pub image_gc_failures: u64,
    /// Slow applies, missed heartbeats and slow WAL syncs of one etcd member that make `etcd-slow`.
    pub etcd_slow_events: u64,
    /// Failed thread or process creations on one node that make `pid-exhaustion` (PID pressure alone does).
    pub pid_failures: u64,
    /// An image pull slower than this is slow; a pull queued behind another for half of it is delayed (s).
    pub pull_slow_s: f64,
    /// Calls to the container runtime that timed out on one node that make a hang (one is not a pattern).
    pub runtime_timeouts: u64,
    /// NotReady episodes shorter than this are not findings (s): a starting kubelet posts NotReady for a few
    /// seconds until its network plugin is ready. An episode the bundle never sees end always counts.
    pub node_not_ready_s: f64,
    /// OOM kills on one node that make a finding.
    pub oom_kills: u64,
    /// Nodes failing one after another that make a cascade.
    pub cascade_nodes: usize,
    /// Longest delay between two nodes of a cascade failing (s).
    pub cascade_step_s: f64,
    /// Restarts of one container (or back-offs seen) that make a crash loop.
    pub crash_restarts: u64,
    /// A client-side throttling wait at least this long is long (s); client-go prints waits over 1 s by default.
    pub throttle_wait_s: f64,
    /// Throttling waits of one client (component and node) that make `api-throttling`: this many long ones
    /// make a warning, this many short ones an info; fewer are nothing.
    pub throttle_waits: u64,
    /// A pod reported Running/Ready this long after its containers started was reported late (s).
    pub throttle_status_lag_s: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            job_pod_lag_s: 60.0,
            cronjob_backlog: 2,
            webhook_failures: 3,
            probe_kills: 3,
            image_gc_failures: 2,
            etcd_slow_events: 3,
            pid_failures: 2,
            pull_slow_s: 60.0,
            runtime_timeouts: 3,
            node_not_ready_s: 60.0,
            oom_kills: 1,
            cascade_nodes: 2,
            cascade_step_s: 1800.0,
            crash_restarts: 3,
            throttle_wait_s: 1.0,
            throttle_waits: 3,
            throttle_status_lag_s: 10.0,
        }
    }
}

/// What detectors read.
pub struct Context<'a> {
    /// The merged timeline.
    pub timeline: &'a [TimelineRow],
    /// Every event known (dumped, and echoed by components).
    pub events: &'a [EventFact],
    /// Cluster state from the dumps.
    pub state: &'a State,
    /// The inputs (to say what is missing).
    pub inputs: &'a [Input],
    /// Thresholds.
    pub thresholds: &'a Thresholds,
}

impl Context<'_> {
    /// Whether some input is of `component`.
    pub fn has_component(&self, component: &str) -> bool {
        self.inputs.iter().any(|i| i.component.as_deref() == Some(component))
    }
}

/// A pattern that could not be looked for.
#[derive(Clone, Debug, Serialize)]
pub struct NotEvaluated {
    /// Pattern id.
    pub id: &'static str,
    /// What the bundle lacks.
    pub missing: String,
}

/// What the detectors concluded.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, root cause first.
    pub findings: Vec<Finding>,
    /// Patterns not evaluated.
    pub not_evaluated: Vec<NotEvaluated>,
}

/// What one detector returns: per pattern id, its findings or what the bundle lacks to look for it.
pub type Verdicts = Vec<(&'static str, Result<Vec<Finding>, String>)>;

/// Every pattern id the detectors own, in the order they run (each is a finding, not evaluated, or clean in
/// every analysis; the JUnit report has one test case per id, known issues name them).
pub const PATTERNS: &[&str] = &[
    "webhook-timeout",
    "image-gc-failed",
    "disk-pressure-eviction",
    "job-pod-lag",
    "cronjob-backlog",
    "probe-restart-loop",
    "etcd-slow",
    "pid-exhaustion",
    "image-pull-slow",
    "container-runtime-hang",
    "node-not-ready",
    "version-skew",
    "oom-kill",
    "node-cascade",
    "crash-loop",
    "api-throttling",
];

/// Every detector. Each reads the same context and returns the verdicts of the pattern ids it owns; adding a
/// detector is one line here.
const DETECTORS: &[fn(&Context) -> Verdicts] = &[
    |c| vec![("webhook-timeout", webhook::detect(c))],
    |c| {
        let (gc, evictions) = disk::detect(c);
        vec![("image-gc-failed", gc), ("disk-pressure-eviction", evictions)]
    },
    |c| {
        let (lag, backlog) = jobs::detect(c);
        vec![("job-pod-lag", lag), ("cronjob-backlog", backlog)]
    },
    |c| vec![("probe-restart-loop", probes::detect(c))],
    |c| vec![("etcd-slow", etcd::detect(c))],
    |c| vec![("pid-exhaustion", pids::detect(c))],
    |c| vec![("image-pull-slow", pulls::detect(c))],
    |c| {
        let (hang, not_ready) = runtime::detect(c);
        vec![("container-runtime-hang", hang), ("node-not-ready", not_ready)]
    },
    |c| vec![("version-skew", versions::detect(c))],
    |c| vec![("oom-kill", oom::detect(c))],
    |c| vec![("node-cascade", cascade::detect(c))],
    |c| vec![("crash-loop", crashloop::detect(c))],
    |c| vec![("api-throttling", throttling::detect(c))],
];

/// Runs every detector, links causes and ranks the findings root cause first.
pub fn run(ctx: &Context) -> Outcome {
    use rayon::prelude::*;
    // Detectors are independent readers of the same context: they run side by side. The list is walked from its
    // end, where the heavier ones sit, so a long detector never starts last; results keep the list's order.
    let order: Vec<usize> = (0..DETECTORS.len()).rev().collect();
    let mut verdicts: Vec<(usize, Verdicts)> = order.into_par_iter().map(|i| (i, DETECTORS[i](ctx))).collect();
    verdicts.sort_by_key(|(i, _)| *i);
    let mut out = Outcome::default();
    for (id, r) in verdicts.into_iter().flat_map(|(_, v)| v) {
        match r {
            Ok(f) => out.findings.extend(f),
            Err(missing) => out.not_evaluated.push(NotEvaluated { id, missing }),
        }
    }
    link_causes(&mut out.findings);
    rank(&mut out.findings);
    out
}

/// Known chains (formats of real incidents): image GC that cannot free space fills the disk until the kubelet
/// evicts (same node); webhook timeouts make Jobs get their Pods late, and late Pods pile up a CronJob's Jobs.
/// A runtime that stops answering makes its node NotReady, and a NotReady node takes down the webhooks whose
/// backends run on it (same node: `webhook-timeout` names its backend's nodes).
/// A cause is linked when its window overlaps the effect's (give or take [`CHAIN_SLACK_NS`]) and, for node
/// chains, when both name the same node.
fn link_causes(findings: &mut [Finding]) {
    /// (cause, what the cause must also be, effect, what the effect must also be, same node).
    type Chain = (
        &'static str,
        fn(&Finding) -> bool,
        &'static str,
        fn(&Finding) -> bool,
        bool,
    );
    const ANY: fn(&Finding) -> bool = |_| true;
    const CHAINS: &[Chain] = &[
        ("image-gc-failed", ANY, "disk-pressure-eviction", ANY, true),
        ("webhook-timeout", ANY, "job-pod-lag", ANY, false),
        ("job-pod-lag", ANY, "cronjob-backlog", ANY, false),
        ("container-runtime-hang", ANY, "node-not-ready", ANY, true),
        ("node-not-ready", ANY, "webhook-timeout", ANY, true),
        ("oom-kill", ANY, "node-cascade", ANY, true),
        // The node itself ran out of memory (a container over its own limit does not take a node down).
        ("oom-kill", system_oom, "node-not-ready", ANY, true),
        // A slow etcd answers its own health probe (and the API server's) too late.
        ("etcd-slow", ANY, "probe-restart-loop", probes_etcd_or_apiserver, true),
    ];
    // The causes as they were before any link is added (findings are few).
    let before = findings.to_vec();
    for f in findings.iter_mut() {
        for (cause, cause_is, effect, effect_is, same_node) in CHAINS {
            if f.id != *effect || !effect_is(f) {
                continue;
            }
            let linked = before.iter().any(|c| {
                c.id == *cause
                    && cause_is(c)
                    && may_cause((c.start, c.end), (f.start, f.end))
                    && (!same_node
                        || c.subjects
                            .iter()
                            .any(|x| x.starts_with("node/") && f.subjects.contains(x)))
            });
            if linked && !f.caused_by.iter().any(|c| c == cause) {
                f.caused_by.push(cause.to_string());
            }
        }
    }
}

/// Whether an OOM finding counts system OOMs (the node out of memory).
fn system_oom(f: &Finding) -> bool {
    f.measured
        .get("system_ooms")
        .and_then(serde_json::Value::as_u64)
        .is_some_and(|n| n > 0)
}

/// Whether a probe loop is of etcd or the API server (the pods a slow etcd makes fail their probes).
fn probes_etcd_or_apiserver(f: &Finding) -> bool {
    f.subjects.iter().any(|s| {
        s.strip_prefix("pod/kube-system/")
            .is_some_and(|p| p.starts_with("etcd") || p.starts_with("kube-apiserver"))
    })
}

/// How long after a cause's last sign its effect may still begin (the disk fills between the last GC failure and
/// the first eviction).
const CHAIN_SLACK_NS: i64 = 10 * 60 * 1_000_000_000;

/// How long before its cause's first line an effect may begin: a cause is often logged late (a call that timed
/// out is written when its timeout ends, 2 minutes for CRI calls), never much later.
const CAUSE_LOGGED_LATE_NS: i64 = 2 * 60 * 1_000_000_000;

/// Whether a cause's window can explain an effect's: the effect begins after the cause began (give or take
/// [`CAUSE_LOGGED_LATE_NS`]) and no later than [`CHAIN_SLACK_NS`] after the cause's end.
fn may_cause(cause: (Option<i64>, Option<i64>), effect: (Option<i64>, Option<i64>)) -> bool {
    match (cause, effect) {
        ((Some(cs), Some(ce)), (Some(es), Some(_))) => cs <= es + CAUSE_LOGGED_LATE_NS && es <= ce + CHAIN_SLACK_NS,
        _ => false,
    }
}

/// Root causes first (fewest causes above them), then the most severe, then the earliest.
fn rank(findings: &mut [Finding]) {
    let depth = |f: &Finding, all: &[Finding]| -> usize {
        let mut d = 0;
        let mut frontier: Vec<String> = f.caused_by.clone();
        while !frontier.is_empty() && d < 16 {
            d += 1;
            frontier = all
                .iter()
                .filter(|g| frontier.contains(&g.id))
                .flat_map(|g| g.caused_by.clone())
                .collect();
        }
        d
    };
    let keys: Vec<(usize, u8, Option<i64>)> = findings
        .iter()
        .map(|f| (depth(f, findings), severity_rank(&f.severity), f.start))
        .collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (keys[i].0, std::cmp::Reverse(keys[i].1), keys[i].2));
    let sorted: Vec<Finding> = order.iter().map(|&i| findings[i].clone()).collect();
    findings.clone_from_slice(&sorted);
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    }
}

/// At most this many evidence lines per finding (the first ones, in time order).
pub const MAX_EVIDENCE: usize = 20;

/// Evidence lines: unique, in the order given, at most [`MAX_EVIDENCE`].
pub fn evidence<'a>(refs: impl IntoIterator<Item = &'a SourceRef>) -> Vec<SourceRef> {
    let mut out: Vec<SourceRef> = Vec::new();
    for r in refs {
        if out.len() >= MAX_EVIDENCE {
            break;
        }
        if !out.iter().any(|x| x.path == r.path && x.line == r.line) {
            out.push(r.clone());
        }
    }
    out
}

/// Seconds between two instants (ns).
pub fn secs(from: i64, to: i64) -> f64 {
    (to - from) as f64 / 1e9
}

/// The median of `v` (sorted in place); `None` when empty.
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// A number for `measured`, rounded to milliseconds.
pub fn num(x: f64) -> serde_json::Value {
    serde_json::json!((x * 1000.0).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_lists_every_detector_id_in_order() {
        let state = State::default();
        let thresholds = Thresholds::default();
        let ctx = Context {
            timeline: &[],
            events: &[],
            state: &state,
            inputs: &[],
            thresholds: &thresholds,
        };
        let ids: Vec<&str> = DETECTORS.iter().flat_map(|d| d(&ctx)).map(|(id, _)| id).collect();
        assert_eq!(ids, PATTERNS);
    }

    fn finding(id: &str, severity: &str, start: i64, end: i64) -> Finding {
        Finding {
            id: id.into(),
            severity: severity.into(),
            start: Some(start),
            end: Some(end),
            ..Default::default()
        }
    }

    #[test]
    fn chains_link_overlapping_windows_and_rank_roots_first() {
        let mut f = vec![
            finding("cronjob-backlog", "warning", 50, 300),
            finding("job-pod-lag", "warning", 10, 290),
            finding("webhook-timeout", "critical", 0, 280),
        ];
        link_causes(&mut f);
        rank(&mut f);
        let ids: Vec<&str> = f.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["webhook-timeout", "job-pod-lag", "cronjob-backlog"]);
        assert_eq!(f[1].caused_by, ["webhook-timeout"]);
        assert_eq!(f[2].caused_by, ["job-pod-lag"]);
        // Windows an hour apart: no link.
        let hour = 3_600 * 1_000_000_000;
        let mut g = vec![
            finding("job-pod-lag", "warning", 2 * hour, 3 * hour),
            finding("webhook-timeout", "warning", 0, 10),
        ];
        link_causes(&mut g);
        assert!(g.iter().all(|x| x.caused_by.is_empty()));
    }

    #[test]
    fn node_chains_need_the_same_node() {
        let mut gc = finding("image-gc-failed", "warning", 0, 100);
        gc.subjects = vec!["node/worker-1".into()];
        let mut ev = finding("disk-pressure-eviction", "warning", 50, 200);
        ev.subjects = vec!["node/worker-2".into(), "pod/default/web".into()];
        let mut f = vec![gc.clone(), ev.clone()];
        link_causes(&mut f);
        assert!(f[1].caused_by.is_empty(), "another node's GC is not the cause");
        ev.subjects[0] = "node/worker-1".into();
        let mut f = vec![ev, gc];
        link_causes(&mut f);
        rank(&mut f);
        assert_eq!(f[0].id, "image-gc-failed");
        assert_eq!(f[1].caused_by, ["image-gc-failed"]);
    }

    #[test]
    fn slow_etcd_causes_only_etcd_and_apiserver_probe_loops_on_its_node() {
        let mut etcd = finding("etcd-slow", "warning", 0, 400);
        etcd.subjects = vec!["node/master-1".into()];
        let mut own = finding("probe-restart-loop", "critical", 100, 300);
        own.subjects = vec!["pod/kube-system/etcd-master-1:etcd".into(), "node/master-1".into()];
        let mut app = finding("probe-restart-loop", "warning", 100, 300);
        app.subjects = vec!["pod/shop/web-1:web".into(), "node/master-1".into()];
        let mut other = finding("probe-restart-loop", "critical", 100, 300);
        other.subjects = vec![
            "pod/kube-system/kube-apiserver-master-2:kube-apiserver".into(),
            "node/master-2".into(),
        ];
        let mut f = vec![own, app, other, etcd];
        link_causes(&mut f);
        assert_eq!(f[0].caused_by, ["etcd-slow"]);
        assert!(
            f[1].caused_by.is_empty(),
            "an application's probe is not etcd's business"
        );
        assert!(f[2].caused_by.is_empty(), "another node's etcd");
    }

    #[test]
    fn only_a_system_oom_takes_a_node_down() {
        let mut cgroup = finding("oom-kill", "warning", 0, 100);
        cgroup.subjects = vec!["node/worker-a".into()];
        cgroup.measured.insert("system_ooms".into(), 0.into());
        let mut down = finding("node-not-ready", "critical", 50, 400);
        down.subjects = vec!["node/worker-a".into()];
        let mut f = vec![cgroup.clone(), down.clone()];
        link_causes(&mut f);
        assert!(
            f[1].caused_by.is_empty(),
            "a container over its limit does not make a node NotReady"
        );
        cgroup.measured.insert("system_ooms".into(), 2.into());
        let mut f = vec![cgroup, down];
        link_causes(&mut f);
        assert_eq!(f[1].caused_by, ["oom-kill"]);
    }

    #[test]
    fn an_effect_never_begins_well_before_its_cause() {
        let min = 60 * 1_000_000_000;
        // A system OOM at 10:09 does not explain a NotReady that began at 10:00.
        let mut oom = finding("oom-kill", "critical", 9 * min, 10 * min);
        oom.subjects = vec!["node/n".into()];
        oom.measured.insert("system_ooms".into(), 1.into());
        let mut down = finding("node-not-ready", "critical", 0, 30 * min);
        down.subjects = vec!["node/n".into()];
        let mut f = vec![oom.clone(), down.clone()];
        link_causes(&mut f);
        assert!(f[1].caused_by.is_empty());
        // Logged a minute late (a timed-out call), it still does.
        oom.start = Some(min);
        let mut f = vec![oom, down];
        link_causes(&mut f);
        assert_eq!(f[1].caused_by, ["oom-kill"]);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
