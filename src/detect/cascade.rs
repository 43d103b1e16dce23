//! `node-cascade`: nodes failing one after another while the pods of the failed node move to the survivors —
//! typically pods without memory limits that exhaust each node they land on (system OOM, NotReady, evicted,
//! rescheduled, next node).
//!
//! A node *fails* at its first NotReady (kubelet `Node became not ready`, controller-manager `Recording status
//! change NodeNotReady` / `is NotReady` / `Kubelet stopped posting node status`, the `NodeNotReady` event, a
//! `Ready` condition not `True` in a nodes dump); a system OOM on it shortly before is when its trouble began.
//! Node A *passes its workload* to node B when a pod of one workload (same owner, or the same name without its
//! random suffix) was on A before A failed and another pod of it was placed on B (a `Scheduled` event, a pod's
//! creation time in a dump) after A failed and before B failed. A cascade is a run of failures, each passing a
//! workload to the next, at most `cascade_step_s` apart, of at least `cascade_nodes` nodes. A node NotReady for
//! another reason, with no pods arriving, is not part of it.

use super::oom::oom_rows;
use super::{evidence, num, secs, Context};
use crate::model::{format_time, Finding, SourceRef};
use crate::signals::SignalKind;
use parsers::kubectl::When;
use std::collections::{BTreeMap, BTreeSet};

/// How long before a node's NotReady a system OOM still counts as its cause.
const OOM_BEFORE_NOT_READY_NS: i64 = 15 * 60 * 1_000_000_000;
/// A replacement pod may be placed slightly before the controller marks the old node (clock skew, order).
const PLACEMENT_SLACK_NS: i64 = 30 * 1_000_000_000;

/// One node's failure.
#[derive(Clone, Debug)]
pub struct Failure {
    /// Node.
    pub node: String,
    /// First NotReady.
    pub not_ready: i64,
    /// First system OOM shortly before (or after) it, if any.
    pub oom: Option<i64>,
    /// Where it was seen.
    pub sources: Vec<SourceRef>,
}

impl Failure {
    /// When the node's trouble began.
    pub fn began(&self) -> i64 {
        self.oom.map_or(self.not_ready, |o| o.min(self.not_ready))
    }
}

/// A pod seen on a node: `(namespace/name, workload, node, placed at)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// `ns/name`.
    pub pod: String,
    /// `ns/<owner or name without suffix>`.
    pub workload: String,
    /// Node.
    pub node: String,
    /// When it was placed there, if known.
    pub at: Option<i64>,
}

/// Finds node cascades.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let failures = failures(ctx);
    let have_node_info = !ctx.state.nodes.is_empty()
        || ctx.has_component("kubelet")
        || ctx.has_component("kube-controller-manager")
        || !ctx.events.is_empty();
    if failures.is_empty() && !have_node_info {
        return Err("no kubelet or controller-manager logs, no events and no nodes dump".into());
    }
    let placements = placements(ctx);
    let chains = chains(
        &failures,
        &placements,
        ctx.thresholds.cascade_step_s,
        ctx.thresholds.cascade_nodes,
    );
    Ok(chains.iter().map(|c| finding(ctx, c, &placements)).collect())
}

/// Each node's first NotReady, with a system OOM on it shortly before.
pub fn failures(ctx: &Context) -> Vec<Failure> {
    // Per node: the first NotReady placed to the second, the first placed only roughly (a kubectl age), sources.
    type Seen = (Option<i64>, Option<i64>, Vec<SourceRef>);
    let mut first: BTreeMap<String, Seen> = BTreeMap::new();
    let mut note = |node: &str, at: i64, exact: bool, src: &SourceRef| {
        let e = first.entry(node.to_string()).or_insert((None, None, Vec::new()));
        let slot = if exact { &mut e.0 } else { &mut e.1 };
        *slot = Some(slot.map_or(at, |t| t.min(at)));
        e.2.push(src.clone());
    };
    for r in ctx
        .timeline
        .iter()
        .filter(|r| r.signal == Some(SignalKind::NodeNotReady))
    {
        let Some(at) = r.at else { continue };
        let node = match r.object.as_deref() {
            Some(o) if o.starts_with("node/") => o.strip_prefix("node/"),
            // A line of the node's own kubelet that names no object speaks of its node.
            None if r.component.as_deref() == Some("kubelet") => r.node.as_deref(),
            _ => None,
        };
        if let Some(n) = node {
            note(n, at, r.approx_s.is_some_and(|a| a <= 1.0), &r.source);
        }
    }
    for n in &ctx.state.nodes {
        for c in n
            .item
            .conditions
            .iter()
            .filter(|c| c.kind == "Ready" && c.status != "True")
        {
            if let Some(When::At(at)) = c.last_transition {
                if let Some(src) = n.sources.first() {
                    note(&n.item.name, at, true, src);
                }
            }
        }
    }
    let ooms = oom_rows(ctx);
    // A node fails when a NotReady episode lasts (a kubelet restart's seconds of NotReady is no failure); its
    // first lasting episode is when.
    let lasting = super::runtime::lasting_not_ready(ctx);
    let mut out: Vec<Failure> = first
        .into_iter()
        .filter_map(|(node, (exact, rough, sources))| {
            let first_seen = exact.or(rough)?;
            let episode = lasting
                .get(&node)?
                .iter()
                .map(|e| e.0)
                .find(|&s| s >= first_seen - PLACEMENT_SLACK_NS);
            let not_ready = episode.unwrap_or(first_seen).max(first_seen);
            let on_node: Vec<_> = ooms
                .iter()
                .filter(|o| o.node.as_deref() == Some(node.as_str()))
                .collect();
            let system: Vec<i64> = on_node
                .iter()
                .filter(|o| o.line.system == Some(true))
                .filter_map(|o| o.row.at)
                .collect();
            // `<comm> invoked oom-killer` says no kind: it opens the system OOM it precedes by a moment.
            let opens_system = |t: i64| system.iter().any(|&s| s >= t && s - t <= 2_000_000_000);
            let oom = on_node
                .iter()
                .filter(|o| {
                    o.line.system == Some(true) || (o.line.system.is_none() && o.row.at.is_some_and(opens_system))
                })
                .filter_map(|o| o.row.at)
                .filter(|&t| t <= not_ready + PLACEMENT_SLACK_NS && t >= not_ready - OOM_BEFORE_NOT_READY_NS)
                .min();
            Some(Failure {
                node,
                not_ready,
                oom,
                sources,
            })
        })
        .collect();
    out.sort_by_key(|f| (f.not_ready, f.node.clone()));
    out
}

/// The workload of a pod: its owner when known (not a DaemonSet or a node: those never move), else its name
/// without the random suffix (`cart-7d9f8b6c5d-x2kqp` -> `cart-7d9f8b6c5d`).
pub fn workload_of(name: &str) -> String {
    match name.rsplit_once('-') {
        Some((prefix, suffix)) if suffix.len() == 5 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            prefix.to_string()
        }
        _ => name.to_string(),
    }
}

/// Where pods were seen: `Scheduled` events (`Successfully assigned ns/name to node`) and the pods dumps.
pub fn placements(ctx: &Context) -> Vec<Placement> {
    let mut owner_of: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for p in &ctx.state.pods {
        let ns = p.item.namespace.clone().unwrap_or_default();
        let key = format!("{ns}/{}", p.item.name);
        let owner = p.item.owners.first();
        if owner.is_some_and(|o| matches!(o.kind.as_deref(), Some("DaemonSet" | "Node"))) || p.item.static_manifest {
            owner_of.insert(key, None);
            continue;
        }
        let workload = format!(
            "{ns}/{}",
            owner.map_or_else(|| workload_of(&p.item.name), |o| o.name.clone())
        );
        owner_of.insert(key.clone(), Some(workload.clone()));
        if let Some(node) = &p.item.node {
            let at = p.item.created.or(p.item.started).and_then(|w| w.at());
            out.push(Placement {
                pod: key,
                workload,
                node: node.clone(),
                at,
            });
        }
    }
    for e in ctx.events.iter().filter(|e| e.key.reason == "Scheduled") {
        let Some(rest) = e.event.message.strip_prefix("Successfully assigned ") else {
            continue;
        };
        let Some((pod, node)) = rest.trim_end_matches('.').rsplit_once(" to ") else {
            continue;
        };
        let pod = if pod.contains('/') {
            pod.to_string()
        } else {
            format!("{}/{pod}", e.key.namespace)
        };
        let workload = match owner_of.get(&pod) {
            Some(None) => continue,
            Some(Some(w)) => w.clone(),
            None => {
                let (ns, name) = pod.split_once('/').unwrap_or(("", &pod));
                format!("{ns}/{}", workload_of(name))
            }
        };
        out.push(Placement {
            pod,
            workload,
            node: node.trim().to_string(),
            at: e.first.map(|p| p.at),
        });
    }
    out
}

/// Workloads that moved from `a` (failed at `ta`) to `b` (failed at `tb`): on `a` before `ta`, placed on `b`
/// between `ta` and `tb`.
pub fn moved(placements: &[Placement], a: &str, ta: i64, b: &str, tb: i64) -> BTreeSet<String> {
    let on_a: BTreeSet<&str> = placements
        .iter()
        .filter(|p| p.node == a && p.at.is_none_or(|t| t <= ta))
        .map(|p| p.workload.as_str())
        .collect();
    placements
        .iter()
        .filter(|p| p.node == b && on_a.contains(p.workload.as_str()))
        .filter(|p| p.at.is_some_and(|t| t >= ta - PLACEMENT_SLACK_NS && t <= tb))
        .map(|p| p.workload.clone())
        .collect()
}

/// Runs of failures each passing a workload to the next, at most `step_s` apart, of at least `min_nodes`.
/// From each failure not yet in a run, the run is extended with the earliest later failure it passed a workload
/// to.
pub fn chains(failures: &[Failure], placements: &[Placement], step_s: f64, min_nodes: usize) -> Vec<Vec<Failure>> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (i, start) in failures.iter().enumerate() {
        if used.contains(start.node.as_str()) {
            continue;
        }
        let mut chain = vec![start.clone()];
        let mut cur = i;
        while let Some(j) = (cur + 1..failures.len()).find(|&j| {
            let (a, b) = (&failures[cur], &failures[j]);
            b.node != a.node
                && !chain.iter().any(|c| c.node == b.node)
                && secs(a.not_ready, b.not_ready) <= step_s
                && !moved(placements, &a.node, a.not_ready, &b.node, b.not_ready).is_empty()
        }) {
            chain.push(failures[j].clone());
            cur = j;
        }
        if chain.len() >= min_nodes.max(2) {
            used.extend(chain.iter().map(|c| c.node.clone()));
            out.push(chain);
        }
    }
    out
}

fn finding(ctx: &Context, chain: &[Failure], placements: &[Placement]) -> Finding {
    let start = chain[0].began();
    let end = chain.last().map_or(start, |f| f.not_ready);
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), chain.len().into());
    measured.insert("duration_s".into(), num(secs(start, end)));
    let mut steps = Vec::new();
    let mut workloads: BTreeSet<String> = BTreeSet::new();
    let mut moved_pods: BTreeSet<String> = BTreeSet::new();
    for (k, w) in chain.windows(2).enumerate() {
        let (a, b) = (&w[0], &w[1]);
        let delay = secs(a.not_ready, b.not_ready);
        measured.insert(format!("delay_{}_s", k + 1), num(delay));
        let m = moved(placements, &a.node, a.not_ready, &b.node, b.not_ready);
        let pods: BTreeSet<&str> = placements
            .iter()
            .filter(|p| p.node == b.node && m.contains(&p.workload))
            .filter(|p| {
                p.at.is_some_and(|t| t >= a.not_ready - PLACEMENT_SLACK_NS && t <= b.not_ready)
            })
            .map(|p| p.pod.as_str())
            .collect();
        moved_pods.extend(pods.iter().map(|p| p.to_string()));
        steps.push(format!(
            "{} pod(s) of {} moved from {} to {}, which failed {delay:.0} s after it",
            pods.len(),
            m.iter().cloned().collect::<Vec<_>>().join(", "),
            a.node,
            b.node
        ));
        workloads.extend(m);
    }
    let nodes: BTreeSet<&str> = chain.iter().map(|f| f.node.as_str()).collect();
    // Pods of the cascade's nodes left behind Unknown or Terminating.
    let left: Vec<String> = ctx
        .state
        .pods
        .iter()
        .filter(|p| p.item.node.as_deref().is_some_and(|n| nodes.contains(n)))
        .filter(|p| {
            // describe writes `Terminating (lasts 9m34s)`.
            let status = p.item.status.as_deref().unwrap_or("");
            ["Unknown", "Terminating", "NodeLost"]
                .iter()
                .any(|s| status.starts_with(s))
                || p.item.reason.as_deref() == Some("NodeLost")
        })
        .map(|p| format!("{}/{}", p.item.namespace.as_deref().unwrap_or(""), p.item.name))
        .collect();
    // Containers of the moving workloads without a memory limit.
    let unlimited: BTreeSet<String> = ctx
        .state
        .pods
        .iter()
        .filter(|p| {
            let key = format!("{}/{}", p.item.namespace.as_deref().unwrap_or(""), p.item.name);
            placements
                .iter()
                .any(|x| x.pod == key && workloads.contains(&x.workload))
        })
        .flat_map(|p| p.item.containers.iter().map(move |c| (p, c)))
        .filter(|(_, c)| !c.init && !c.name.is_empty() && !c.limits.iter().any(|(k, _)| k == "memory"))
        // Only what a spec was read for (a table row has no image and no resources).
        .filter(|(_, c)| c.image.is_some())
        .map(|(p, c)| {
            format!(
                "{}/{}:{}",
                p.item.namespace.as_deref().unwrap_or(""),
                workload_of(&p.item.name),
                c.name
            )
        })
        .collect();
    measured.insert("pods_moved".into(), moved_pods.len().into());
    measured.insert("pods_left_unknown".into(), left.len().into());
    let order: Vec<String> = chain
        .iter()
        .map(|f| match f.oom {
            Some(o) => format!(
                "{} (system OOM {}, NotReady {})",
                f.node,
                format_time(o),
                format_time(f.not_ready)
            ),
            None => format!("{} (NotReady {})", f.node, format_time(f.not_ready)),
        })
        .collect();
    let mut explanation = format!(
        "{} nodes failed one after another over {:.0} s: {}. {}.",
        chain.len(),
        secs(start, end),
        order.join(" -> "),
        steps.join("; ")
    );
    if !unlimited.is_empty() {
        explanation.push_str(&format!(
            " Containers of the moving workload without a memory limit: {}: nothing stops them from taking the \
             whole node they land on.",
            unlimited.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if !left.is_empty() {
        explanation.push_str(&format!(" Pods left Unknown or Terminating: {}.", left.join(", ")));
    }
    let mut subjects: Vec<String> = chain.iter().map(|f| format!("node/{}", f.node)).collect();
    subjects.extend(workloads.iter().map(|w| format!("workload/{w}")));
    subjects.extend(left.iter().map(|p| format!("pod/{p}")));
    // Out of memory before failing: the pattern of pods without limits. Without it, nodes failing as pods
    // move is still worth a look (a bad rollout, a node image), but it is not known to be the workload's memory.
    let memory = chain.iter().any(|f| f.oom.is_some());
    Finding {
        id: "node-cascade".into(),
        severity: if memory { "critical" } else { "warning" }.into(),
        title: format!(
            "{} nodes failed in sequence as {} moved between them",
            chain.len(),
            if workloads.is_empty() {
                "pods".to_string()
            } else {
                workloads.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        ),
        start: Some(start),
        end: Some(end),
        subjects,
        measured,
        evidence: evidence(chain.iter().flat_map(|f| f.sources.iter())),
        explanation,
        remediation: if memory {
            "Stop the moving workload first (scale it to zero or cordon the survivors), then give it memory \
             requests and limits (a LimitRange enforces defaults per namespace) so the scheduler places it only \
             where it fits and the kernel kills the container, not the node; reserve memory for the system \
             (`--system-reserved`, `--kube-reserved`, a memory.available eviction threshold)."
        } else {
            "No node ran out of memory before failing: look at what the moving workload does to a node (CPU, PIDs, \
             disk, kernel) in each node's logs from its arrival to the failure, and stop it (scale it to zero or \
             cordon the survivors) before it reaches the next node."
        }
        .into(),
        caused_by: Vec::new(),
        known: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn fail(node: &str, t: i64) -> Failure {
        Failure {
            node: node.into(),
            not_ready: t * S,
            oom: None,
            sources: Vec::new(),
        }
    }

    fn placed(pod: &str, node: &str, t: Option<i64>) -> Placement {
        let name = pod.split_once('/').unwrap().1;
        Placement {
            pod: pod.into(),
            workload: format!("shop/{}", workload_of(name)),
            node: node.into(),
            at: t.map(|t| t * S),
        }
    }

    #[test]
    fn workloads_without_the_random_suffix() {
        assert_eq!(workload_of("cart-7d9f8b6c5d-x2kqp"), "cart-7d9f8b6c5d");
        assert_eq!(workload_of("etcd-master-1"), "etcd-master-1");
    }

    #[test]
    fn a_chain_follows_the_moving_workload_and_skips_an_unrelated_node() {
        // worker-1 fails at 100 s; cart pods land on worker-2 at 420 s; worker-2 fails at 700 s; infra-1 blips
        // at 500 s with no pod arriving; cart pods land on worker-3 at 1000 s, which fails at 1300 s.
        let failures = vec![
            fail("worker-1", 100),
            fail("infra-1", 500),
            fail("worker-2", 700),
            fail("worker-3", 1300),
        ];
        let placements = vec![
            placed("shop/cart-7d9f8b6c5d-aaaaa", "worker-1", None),
            placed("shop/cart-7d9f8b6c5d-bbbbb", "worker-2", Some(420)),
            placed("shop/cart-7d9f8b6c5d-ccccc", "worker-3", Some(1000)),
            // Already on worker-3 long before: not a move.
            placed("shop/web-5f6c7d8e9a-ddddd", "worker-3", Some(0)),
            placed("shop/web-5f6c7d8e9a-eeeee", "worker-1", Some(0)),
        ];
        let c = chains(&failures, &placements, 1800.0, 2);
        assert_eq!(c.len(), 1);
        let nodes: Vec<&str> = c[0].iter().map(|f| f.node.as_str()).collect();
        assert_eq!(nodes, ["worker-1", "worker-2", "worker-3"]);
        assert_eq!(
            moved(&placements, "worker-1", 100 * S, "worker-2", 700 * S),
            BTreeSet::from(["shop/cart-7d9f8b6c5d".to_string()])
        );
        // A step longer than the window breaks the chain.
        assert!(chains(&failures, &placements, 500.0, 3).is_empty());
        // A single failing node is never a cascade.
        assert!(chains(&failures[..1], &placements, 1800.0, 1).is_empty());
    }

    #[test]
    fn trouble_begins_at_the_oom() {
        let mut f = fail("worker-1", 100);
        assert_eq!(f.began(), 100 * S);
        f.oom = Some(40 * S);
        assert_eq!(f.began(), 40 * S);
    }
}
