//! `container-runtime-hang` (dockerd / containerd / CRI-O stops answering the kubelet: its calls time out, the
//! PLEG relist stalls) and `node-not-ready` (a node NotReady or Unknown: how long, why where a line says, and
//! the pods it hit), per node.

use super::webhook::span_words;
use super::{evidence, num, secs, Context};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use parsers::kubectl::When;
use std::collections::{BTreeMap, BTreeSet};

/// Components that run on a node and speak to (or are) the container runtime.
const NODE_SIDE: &[&str] = &["kubelet", "dockerd", "containerd", "crio", "k3s", "rke2", "kubelite"];
const RUNTIMES: &[&str] = &["dockerd", "containerd", "crio"];

/// How far before a NotReady episode its causes are looked for (the kubelet waits 2 min for a runtime call
/// and 3 min for the PLEG before it says the node is not ready).
const CAUSE_LOOKBACK_NS: i64 = 10 * 60 * 1_000_000_000;

/// A NotReady episode longer than this lets the taint manager evict pods that tolerate `not-ready` /
/// `unreachable` for the API default of 300 s.
const DEFAULT_TOLERATION_S: f64 = 300.0;

/// Both findings; each `Err` says what is missing.
pub fn detect(ctx: &Context) -> (Result<Vec<Finding>, String>, Result<Vec<Finding>, String>) {
    let hangs = runtime_rows(ctx.timeline);
    let hang = if NODE_SIDE.iter().any(|c| ctx.has_component(c)) || !hangs.is_empty() {
        Ok(hangs
            .iter()
            .filter_map(|(node, rows)| hang_finding(ctx, node, rows))
            .collect())
    } else {
        Err("no kubelet or container runtime logs".to_string())
    };
    let sightings = readiness(ctx);
    let not_ready = if sightings.is_empty()
        && !ctx.has_component("kubelet")
        && !ctx.has_component("kube-controller-manager")
        && ctx.events.is_empty()
        && ctx.state.nodes.is_empty()
    {
        Err("no kubelet or controller-manager logs, no events and no node objects".to_string())
    } else {
        Ok(not_ready_findings(ctx, &sightings, &hangs))
    };
    (hang, not_ready)
}

/// Rows that say a call to the container runtime timed out or the runtime cannot be reached, by node.
fn runtime_rows(timeline: &[TimelineRow]) -> BTreeMap<&str, Vec<&TimelineRow>> {
    let mut by_node: BTreeMap<&str, Vec<&TimelineRow>> = BTreeMap::new();
    for r in timeline {
        if let (true, Some(node)) = (is_runtime_trouble(r), r.node.as_deref()) {
            by_node.entry(node).or_default().push(r);
        }
    }
    by_node
}

/// A node-side line that says the runtime did not answer. Exec probes that time out (`ExecSync`) are the
/// container's command being slow, and image pulls the registry: neither is the runtime hanging.
fn is_runtime_trouble(r: &TimelineRow) -> bool {
    let Some(component) = r.component.as_deref() else {
        return false;
    };
    if !NODE_SIDE.contains(&component) {
        return false;
    }
    let m = r.message.as_str();
    // The cheap tests first: most node-side rows carry none of these signals and are not a runtime's warnings.
    let candidate = match r.signal {
        Some(SignalKind::DeadlineExceeded) => true,
        // "container runtime status check may not have completed yet" is the kubelet starting.
        Some(SignalKind::RuntimeUnavailable) => !m.contains("may not have completed"),
        _ => {
            RUNTIMES.contains(&component)
                && matches!(r.severity, "error" | "critical" | "warning")
                && (m.contains("deadline exceeded") || m.contains("timed out") || m.contains("imeout"))
        }
    };
    candidate
        && !(m.contains("ExecSync") || m.contains("robe") || m.contains("PullImage") || m.contains("ulling image"))
}

/// A failed CRI call as the kubelet's runtime client logs it: one line per call.
fn is_call_line(r: &TimelineRow) -> bool {
    r.component.as_deref() != Some("dockerd")
        && r.component.as_deref() != Some("containerd")
        && (r.message.contains("runtime service failed") || r.message.contains("image service failed"))
}

/// What timed out: the CRI method (`ListPodSandbox`), the PLEG relist, the kubelet's operation
/// (`KillContainer`), the daemon's API route (`GET /containers/json`).
pub(crate) fn operation(m: &str) -> String {
    if m.contains("GenericPLEG") {
        return "PLEG relist".into();
    }
    if let Some(at) = m.find("Handler for ") {
        let route: Vec<&str> = m[at + 12..].split_whitespace().take(2).collect();
        if let [verb, path] = route.as_slice() {
            // `/v1.41/containers/json` -> `/containers/json`.
            let path = match path.strip_prefix("/v").and_then(|p| p.find('/').map(|i| &p[i..])) {
                Some(p) if path[2..].starts_with(|c: char| c.is_ascii_digit()) => p,
                _ => path,
            };
            return format!("{verb} {path}");
        }
    }
    if let Some(at) = m.find("failed to \"") {
        if let Some(end) = m[at + 11..].find(['"', '\\']) {
            return m[at + 11..at + 11 + end].to_string();
        }
    }
    if m.contains("Docker daemon") || m.contains("runtime is down") || m.contains("untime not ready") {
        return "runtime status".into();
    }
    let first = m.split([' ', ':']).next().unwrap_or("");
    if first.len() > 2
        && first.starts_with(|c: char| c.is_ascii_uppercase())
        && first.chars().all(char::is_alphanumeric)
    {
        return first.to_string();
    }
    "other calls".into()
}

/// PLEG lines of a node that say it is unhealthy (not the kubelet's start, `pleg has yet to be successful`).
fn pleg_rows<'a>(timeline: &'a [TimelineRow], node: &str) -> Vec<&'a TimelineRow> {
    timeline
        .iter()
        .filter(|r| {
            r.signal == Some(SignalKind::PlegUnhealthy)
                && r.node.as_deref() == Some(node)
                && !r.message.contains("yet to be successful")
        })
        .collect()
}

fn window(rows: &[&TimelineRow]) -> (Option<i64>, Option<i64>) {
    (
        rows.iter().filter_map(|r| r.at).min(),
        rows.iter().filter_map(|r| r.last_at.or(r.at)).max(),
    )
}

fn hang_finding(ctx: &Context, node: &str, rows: &[&TimelineRow]) -> Option<Finding> {
    // The kubelet logs each failed call once (remote_runtime.go); the lines that repeat it (PLEG, pod
    // workers, the runtime's own) only say who waited. Without those call lines, every line counts.
    let calls: Vec<&TimelineRow> = rows.iter().copied().filter(|r| is_call_line(r)).collect();
    // When the node's kubelet log is in the bundle, the hang is what the kubelet waited for: the runtime's own
    // timeouts alone (an exit event it was slow to handle after a kill) are not the runtime failing its
    // clients. Without that log, the runtime's lines are all there is.
    let kubelet_side = rows
        .iter()
        .any(|r| !RUNTIMES.contains(&r.component.as_deref().unwrap_or("")));
    let kubelet_logged = ctx
        .inputs
        .iter()
        .any(|i| i.node.as_deref() == Some(node) && i.component.as_deref() == Some("kubelet"));
    if kubelet_logged && !kubelet_side {
        return None;
    }
    let counted: &[&TimelineRow] = if calls.is_empty() { rows } else { &calls };
    let count: u64 = counted.iter().map(|r| r.count).sum();
    if count < ctx.thresholds.runtime_timeouts {
        return None;
    }
    let lines: u64 = rows.iter().map(|r| r.count).sum();
    let (start, end) = window(rows);
    let mut ops: BTreeMap<String, u64> = BTreeMap::new();
    for r in counted {
        *ops.entry(operation(&r.message)).or_default() += r.count;
    }
    let mut ops: Vec<(String, u64)> = ops.into_iter().collect();
    ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let ops_words = ops
        .iter()
        .map(|(o, n)| format!("{o} x{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    // PLEG failures during the hang (give or take the time the kubelet waits before it says so).
    let pleg: Vec<&TimelineRow> = pleg_rows(ctx.timeline, node)
        .into_iter()
        .filter(|r| {
            let (Some(s), Some(e)) = (start, end) else { return false };
            r.at.is_some_and(|t| t >= s - CAUSE_LOOKBACK_NS && t <= e + CAUSE_LOOKBACK_NS)
        })
        .collect();
    let pleg_lines: u64 = pleg.iter().map(|r| r.count).sum();
    let (pleg_start, pleg_end) = window(&pleg);
    let runtime = rows
        .iter()
        .filter_map(|r| r.component.as_deref())
        .find(|c| RUNTIMES.contains(c))
        .unwrap_or("the container runtime");
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), count.into());
    measured.insert("lines".into(), lines.into());
    if let (Some(s), Some(e)) = (start, end) {
        measured.insert("duration_s".into(), num(secs(s, e)));
    }
    if pleg_lines > 0 {
        measured.insert("pleg_unhealthy".into(), pleg_lines.into());
        if let (Some(s), Some(e)) = (pleg_start, pleg_end) {
            measured.insert("pleg_s".into(), num(secs(s, e)));
        }
    }
    let mut explanation = format!(
        "On {node}, {count} calls to {runtime} timed out or found it unreachable over {} ({ops_words}).",
        span_words(start, end)
    );
    if pleg_lines > 0 {
        explanation.push_str(&format!(
            " The kubelet's PLEG, whose relist waits on the same runtime, was unhealthy for {} ({pleg_lines} \
             lines): that is why the node's pods stopped being synced and the node could be marked NotReady.",
            span_words(pleg_start, pleg_end)
        ));
    }
    Some(Finding {
        id: "container-runtime-hang".into(),
        severity: if pleg_lines > 0 { "critical" } else { "warning" }.into(),
        title: format!("Container runtime on {node} not answering: {count} calls timed out"),
        start,
        end,
        subjects: vec![format!("node/{node}")],
        measured,
        evidence: evidence(counted.iter().chain(rows).chain(&pleg).map(|r| &r.source)),
        explanation,
        remediation: format!(
            "Find what blocks {runtime} on {node} (a goroutine dump: `kill -USR1` for dockerd/containerd; disk \
             I/O stalls and hung tasks in the kernel log; a wedged shim) and restart it; the kubelet's \
             `--runtime-request-timeout` only bounds each call."
        ),
        caused_by: Vec::new(),
        known: None,
    })
}

/// One reading of a node's readiness.
#[derive(Clone, Debug)]
struct Sighting<'a> {
    node: String,
    at: i64,
    ready: bool,
    exact: bool,
    /// The row (none for a condition read from the state).
    row: Option<&'a TimelineRow>,
    message: String,
}

/// Every NotReady / Ready reading of every node: kubelet and node-controller lines, Node events, and the
/// Ready condition's last transition in the node objects.
fn readiness<'a>(ctx: &Context<'a>) -> Vec<Sighting<'a>> {
    let mut out = Vec::new();
    for r in ctx.timeline {
        let m = r.message.as_str();
        let not_ready = match r.signal {
            Some(SignalKind::NodeNotReady) => true,
            // The kubelet's "Node became not ready" line names the PLEG or the runtime: classified as those.
            Some(SignalKind::PlegUnhealthy | SignalKind::RuntimeUnavailable) => {
                m.contains("became not ready") || m.contains("NodeNotReady")
            }
            _ => false,
        };
        let ready = r.signal == Some(SignalKind::NodeReady);
        if !(not_ready || ready) || r.component.as_deref() == Some("kubectl") {
            continue;
        }
        let node = match r.object.as_deref() {
            // `node/<name>`; an events table run with `-A` files Node events under `default`: `node/default/<name>`.
            Some(o) if o.starts_with("node/") => o.rsplit('/').next().unwrap_or(o).to_string(),
            Some(_) => continue, // pod-level `NodeNotReady: Node is not ready`: a pod hit, see `pods_hit`
            None if r.component.as_deref() == Some("kubelet") => match &r.node {
                Some(n) => n.clone(),
                None => continue,
            },
            None => continue,
        };
        let exact = r.approx_s == Some(0.0);
        for at in [r.at, r.last_at.filter(|l| Some(*l) != r.at)].into_iter().flatten() {
            out.push(Sighting {
                node: node.clone(),
                at,
                ready,
                exact,
                row: Some(r),
                message: m.to_string(),
            });
        }
    }
    for n in &ctx.state.nodes {
        for c in n.item.conditions.iter().filter(|c| c.kind == "Ready") {
            if let Some(When::At(at)) = c.last_transition {
                out.push(Sighting {
                    node: n.item.name.clone(),
                    at,
                    ready: c.status == "True",
                    exact: true,
                    row: None,
                    message: format!(
                        "{} {}",
                        c.reason.as_deref().unwrap_or(""),
                        c.message.as_deref().unwrap_or("")
                    ),
                });
            }
        }
    }
    out
}

/// A NotReady episode: start, and end (`None` when never Ready again).
pub(crate) type Episode = (i64, Option<i64>);

/// NotReady episodes `(start, end)` from a node's sightings, in time order; `end` is `None` when the node is
/// never seen Ready again. Exact sightings decide when there are any (an event placed by its age only
/// approximately).
pub(crate) fn episodes(mut s: Vec<(i64, bool, bool)>) -> Vec<Episode> {
    if s.iter().any(|x| x.2) {
        s.retain(|x| x.2);
    }
    s.sort_by_key(|x| x.0);
    let mut out = Vec::new();
    let mut open: Option<i64> = None;
    for (at, ready, _) in s {
        match (open, ready) {
            (None, false) => open = Some(at),
            (Some(start), true) => {
                out.push((start, Some(at)));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push((start, None));
    }
    out
}

/// Per node, its NotReady episodes that last at least `node_not_ready_s` (or never end in the bundle): the
/// blips of a kubelet starting are left out.
pub(crate) fn lasting_not_ready(ctx: &Context) -> BTreeMap<String, Vec<Episode>> {
    let mut by_node: BTreeMap<String, Vec<(i64, bool, bool)>> = BTreeMap::new();
    for s in readiness(ctx) {
        by_node.entry(s.node).or_default().push((s.at, s.ready, s.exact));
    }
    by_node
        .into_iter()
        .filter_map(|(node, s)| {
            let eps: Vec<Episode> = episodes(s)
                .into_iter()
                .filter(|(a, b)| b.is_none_or(|b| secs(*a, b) >= ctx.thresholds.node_not_ready_s))
                .collect();
            (!eps.is_empty()).then_some((node, eps))
        })
        .collect()
}

fn not_ready_findings(
    ctx: &Context,
    sightings: &[Sighting],
    hangs: &BTreeMap<&str, Vec<&TimelineRow>>,
) -> Vec<Finding> {
    let bundle_end = ctx.timeline.iter().filter_map(|r| r.last_at.or(r.at)).max();
    let mut by_node: BTreeMap<&str, Vec<&Sighting>> = BTreeMap::new();
    for s in sightings {
        by_node.entry(s.node.as_str()).or_default().push(s);
    }
    // Episodes kept per node first: pods named by no dump are given to the only node NotReady when they were hit.
    let mut kept: Vec<(&str, Vec<Episode>)> = Vec::new();
    for (node, s) in &by_node {
        let eps: Vec<Episode> = episodes(s.iter().map(|x| (x.at, x.ready, x.exact)).collect())
            .into_iter()
            .filter(|(a, b)| b.is_none_or(|b| secs(*a, b) >= ctx.thresholds.node_not_ready_s))
            .collect();
        if !eps.is_empty() {
            kept.push((node, eps));
        }
    }
    let mut out = Vec::new();
    for (node, eps) in &kept {
        let start = eps[0].0;
        let open = eps.last().is_some_and(|e| e.1.is_none());
        let end = eps.last().and_then(|e| e.1).or(bundle_end).unwrap_or(start).max(start);
        let duration: f64 = eps.iter().map(|(a, b)| secs(*a, b.unwrap_or(end))).sum();
        // Tolerations count per episode: two 200 s episodes evict nobody.
        let longest = eps.iter().map(|(a, b)| secs(*a, b.unwrap_or(end))).fold(0.0, f64::max);
        let in_window = |t: i64| t >= start - CAUSE_LOOKBACK_NS && t <= end;
        let mine: Vec<&&Sighting> = by_node[node].iter().filter(|s| s.at >= start && s.at <= end).collect();
        // Causes: what the NotReady lines say, and what the node logged before.
        let said = |needle: &str| mine.iter().any(|s| !s.ready && s.message.contains(needle));
        let pleg: Vec<&TimelineRow> = pleg_rows(ctx.timeline, node)
            .into_iter()
            .filter(|r| r.at.is_some_and(in_window))
            .collect();
        let hang: Vec<&TimelineRow> = hangs
            .get(node)
            .map(|rows| rows.iter().copied().filter(|r| r.at.is_some_and(in_window)).collect())
            .unwrap_or_default();
        let on_node = |sig: SignalKind| -> Vec<&TimelineRow> {
            ctx.timeline
                .iter()
                .filter(|r| r.signal == Some(sig) && r.node.as_deref() == Some(node) && r.at.is_some_and(in_window))
                .collect()
        };
        let oom: Vec<&TimelineRow> = on_node(SignalKind::OomKill)
            .into_iter()
            // The node out of memory (a container over its own limit does not make a node NotReady).
            .filter(|r| super::oom::parse_line(&r.message).is_some_and(|l| l.system == Some(true)))
            .collect();
        let restart: Vec<&TimelineRow> = on_node(SignalKind::NodeRebooted)
            .into_iter()
            .chain(
                on_node(SignalKind::TerminatedBySignal)
                    .into_iter()
                    .filter(|r| r.component.as_deref() == Some("kubelet")),
            )
            .collect();
        let mut causes: Vec<String> = Vec::new();
        if said("PLEG is not healthy") || !pleg.is_empty() {
            causes.push("PLEG not healthy".into());
        }
        if !hang.is_empty() {
            let calls: Vec<&&TimelineRow> = hang.iter().filter(|r| is_call_line(r)).collect();
            let n: u64 = if calls.is_empty() {
                hang.iter().map(|r| r.count).sum()
            } else {
                calls.iter().map(|r| r.count).sum()
            };
            causes.push(format!("container runtime not answering ({n} timed-out calls)"));
        } else if said("runtime is down") || said("untime not ready") {
            causes.push("container runtime down".into());
        }
        if said("NetworkPluginNotReady") || said("network not ready") {
            causes.push("network plugin not ready".into());
        }
        if said("stopped posting") || said("NodeStatusUnknown") || said("unresponsive") {
            causes.push("kubelet stopped posting node status".into());
        }
        if said("shutting down") {
            causes.push("node shutting down".into());
        }
        if !oom.is_empty() {
            causes.push("system OOM".into());
        }
        if !restart.is_empty() {
            causes.push("kubelet or node restart".into());
        }
        let (pods, marked, pod_rows) = pods_hit(ctx, node, start, end, kept.len() == 1);
        let mut measured = serde_json::Map::new();
        measured.insert("duration_s".into(), num(duration));
        measured.insert("count".into(), eps.len().into());
        measured.insert("pods".into(), pods.len().into());
        if marked > 0 {
            measured.insert("marked_for_deletion".into(), marked.into());
        }
        let mut explanation = format!(
            "{node} was NotReady {} time(s) from {}, {:.0} s in all",
            eps.len(),
            crate::model::format_time(start),
            duration
        );
        if open {
            explanation.push_str(", and is not seen Ready again by the end of the bundle");
        } else {
            explanation.push_str(&format!("; Ready again at {}", crate::model::format_time(end)));
        }
        explanation.push('.');
        if causes.is_empty() {
            explanation.push_str(" No cause is logged.");
        } else {
            explanation.push_str(&format!(" Cause logged: {}.", causes.join("; ")));
        }
        if !pods.is_empty() {
            explanation.push_str(&format!(
                " {} pod(s) on it were hit (marked not ready{}).",
                pods.len(),
                if marked > 0 {
                    format!(", {marked} marked for deletion by the taint manager")
                } else {
                    String::new()
                }
            ));
        }
        if !open && longest < DEFAULT_TOLERATION_S && marked == 0 {
            explanation
                .push_str(" It came back before the default 300 s not-ready toleration, so pods with the default tolerations were not evicted for it.");
        }
        let severity = if open || marked > 0 || longest >= DEFAULT_TOLERATION_S {
            "critical"
        } else {
            "warning"
        };
        let remediation = if !hang.is_empty() || said("runtime is down") {
            "Restore the container runtime on the node (see container-runtime-hang); watch the PLEG relist \
             latency and the runtime's health so a hang is caught before the node goes NotReady."
        } else if !pleg.is_empty() {
            "Find why the PLEG relist is slow (too many containers, a slow runtime or disk) on the node."
        } else {
            "Check the kubelet on the node (journal, restarts, its connection to the API server) and the \
             node's resources."
        };
        let rows: Vec<&TimelineRow> = mine.iter().filter_map(|s| s.row).collect();
        let state_sources = ctx
            .state
            .nodes
            .iter()
            .filter(|n| n.item.name == *node)
            .flat_map(|n| n.sources.iter());
        out.push(Finding {
            id: "node-not-ready".into(),
            severity: severity.into(),
            title: format!(
                "{node} NotReady for {:.0} s{}",
                duration,
                if causes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", causes[0])
                }
            ),
            start: Some(start),
            end: Some(end),
            subjects: std::iter::once(format!("node/{node}"))
                .chain(pods.iter().map(|p| format!("pod/{p}")))
                .collect(),
            measured,
            evidence: evidence(
                rows.iter()
                    .chain(&pleg)
                    .chain(&hang)
                    .chain(&pod_rows)
                    .map(|r| &r.source)
                    .chain(state_sources),
            ),
            explanation,
            remediation: remediation.into(),
            caused_by: Vec::new(),
            known: None,
        });
    }
    out
}

/// Pods on `node` hit by its NotReady window: marked not ready (`NodeNotReady` pod events), marked for deletion
/// by the taint manager, or left `Unknown` / `NodeLost` / `Terminating` in the dumps. A pod whose node no dump
/// says is given to this node only when it is the only node NotReady (`alone`).
fn pods_hit<'a>(
    ctx: &Context<'a>,
    node: &str,
    start: i64,
    end: i64,
    alone: bool,
) -> (BTreeSet<String>, usize, Vec<&'a TimelineRow>) {
    let node_of = |pod: &str| -> Option<&str> {
        let (ns, name) = pod.split_once('/')?;
        ctx.state
            .pods
            .iter()
            .find(|p| p.item.name == name && p.item.namespace.as_deref().is_none_or(|n| n == ns))
            .and_then(|p| p.item.node.as_deref())
    };
    let slack = 60 * 1_000_000_000;
    let mut pods = BTreeSet::new();
    let mut marked = BTreeSet::new();
    let mut rows = Vec::new();
    for r in ctx.timeline {
        let Some(t) = r.at else { continue };
        if t < start - slack || t > end + slack {
            continue;
        }
        let m = r.message.as_str();
        let hit = r.signal == Some(SignalKind::NodeNotReady) && m.contains("Node is not ready");
        let deletion = m.contains("Marking for deletion Pod");
        if !(hit || deletion) {
            continue;
        }
        let pod = match r.object.as_deref().and_then(|o| o.strip_prefix("pod/")) {
            Some(p) => p.split(':').next().unwrap_or(p).to_string(),
            None => continue,
        };
        let here = match node_of(&pod) {
            Some(n) => n == node,
            None => r.node.as_deref() == Some(node) || alone,
        };
        if here {
            if deletion {
                marked.insert(pod.clone());
            }
            pods.insert(pod);
            rows.push(r);
        }
    }
    for p in ctx.state.pods.iter().filter(|p| p.item.node.as_deref() == Some(node)) {
        let lost = [p.item.status.as_deref(), p.item.reason.as_deref()]
            .iter()
            .flatten()
            .any(|s| matches!(*s, "Unknown" | "NodeLost" | "Terminating"));
        if lost {
            pods.insert(format!(
                "{}/{}",
                p.item.namespace.as_deref().unwrap_or("default"),
                p.item.name
            ));
        }
    }
    (pods, marked.len(), rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::classify;

    #[test]
    fn runtime_timeouts_are_signals_on_real_lines() {
        // k3s#497 (unstructured), k8s#61117 (JSON logging: the err field), containerd/cri#1427 (containerd's
        // own), k8s#17525 (dockershim), k8s#51919 (old gRPC code 4).
        for line in [
            "RunPodSandbox from runtime service failed: rpc error: code = DeadlineExceeded desc = context deadline exceeded",
            "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
            "GenericPLEG: Unable to retrieve pods: operation timeout: context deadline exceeded",
            "Failed to stop sandbox \"4347e890f134\" before removing: rpc error: code = 4 desc = context deadline exceeded",
        ] {
            assert_eq!(classify(line.as_bytes()), Some(SignalKind::DeadlineExceeded), "{line}");
        }
        // The PLEG wins over the runtime in a line that names both.
        assert_eq!(
            classify(b"skipping pod synchronization - [container runtime is down, PLEG is not healthy: pleg was last seen active 3m5.3s ago; threshold is 3m0s]"),
            Some(SignalKind::PlegUnhealthy)
        );
        assert_eq!(
            classify(b"Container runtime not ready RuntimeReady=false reason:DockerDaemonNotReady message:docker: failed to get docker version"),
            Some(SignalKind::RuntimeUnavailable)
        );
    }

    #[test]
    fn what_timed_out() {
        assert_eq!(
            operation("ListContainers with filter &ContainerFilter{Id:,State:nil,PodSandboxId:,LabelSelector:map[string]string{},} from runtime service failed: rpc error: code = DeadlineExceeded desc = context deadline exceeded"),
            "ListContainers"
        );
        assert_eq!(
            operation("ListPodSandbox with filter from runtime service failed err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\""),
            "ListPodSandbox"
        );
        assert_eq!(
            operation("GenericPLEG: Unable to retrieve pods: operation timeout: context deadline exceeded"),
            "PLEG relist"
        );
        assert_eq!(
            operation("Error syncing pod df28408f, skipping: failed to \"KillContainer\" for \"notification-service\" with KillContainerError: \"operation timeout: context deadline exceeded\""),
            "KillContainer"
        );
        assert_eq!(
            operation("Handler for GET /v1.41/containers/json returned error: write unix /var/run/docker.sock->@: write: broken pipe"),
            "GET /containers/json"
        );
        assert_eq!(
            operation("StopContainer for \"94ade161\" failed error=\"rpc error: code = DeadlineExceeded\""),
            "StopContainer"
        );
    }

    #[test]
    fn episodes_from_sightings() {
        let s = 1_000_000_000i64;
        // Kubelet NotReady at 10 s, controller echo at 13 s, Ready at 278 s, controller echo at 281 s.
        let eps = episodes(vec![
            (13 * s, false, true),
            (10 * s, false, true),
            (278 * s, true, true),
            (281 * s, true, true),
        ]);
        assert_eq!(eps, [(10 * s, Some(278 * s))]);
        assert_eq!(secs(eps[0].0, eps[0].1.unwrap()), 268.0);
        // Never back: open-ended. A Ready before the first NotReady (kubelet start) opens nothing.
        assert_eq!(episodes(vec![(0, true, true), (5 * s, false, true)]), [(5 * s, None)]);
        // Flapping: two episodes.
        assert_eq!(
            episodes(vec![
                (0, false, true),
                (60 * s, true, true),
                (120 * s, false, true),
                (200 * s, true, true)
            ]),
            [(0, Some(60 * s)), (120 * s, Some(200 * s))]
        );
        // An approximate (age-placed) Ready does not end an episode the exact lines keep open.
        assert_eq!(episodes(vec![(0, false, true), (30 * s, true, false)]), [(0, None)]);
    }

    #[test]
    fn exec_probe_timeouts_are_not_a_runtime_hang() {
        let row = |component: &str, message: &str| TimelineRow {
            at: Some(0),
            approx_s: Some(0.0),
            node: Some("worker-1".into()),
            component: Some(component.into()),
            object: None,
            severity: "error",
            message: message.into(),
            count: 1,
            last_at: Some(0),
            source: crate::model::SourceRef {
                path: "k".into(),
                line: 1,
            },
            also_in: Vec::new(),
            signal: classify(message.as_bytes()),
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        };
        assert!(!is_runtime_trouble(&row(
            "kubelet",
            "ExecSync cmd from runtime service failed err=\"rpc error: code = DeadlineExceeded desc = failed to exec in container: timeout 1s exceeded: context deadline exceeded\""
        )));
        assert!(is_runtime_trouble(&row(
            "kubelet",
            "ListPodSandbox with filter from runtime service failed err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\""
        )));
        assert!(is_runtime_trouble(&row(
            "containerd",
            "StopContainer for \"94ade161\" failed error=\"rpc error: code = DeadlineExceeded desc = an error occurs during waiting for container to be killed: context deadline exceeded\""
        )));
        assert!(!is_runtime_trouble(&row(
            "kube-apiserver",
            "rpc error: code = DeadlineExceeded desc = context deadline exceeded"
        )));
    }
}
