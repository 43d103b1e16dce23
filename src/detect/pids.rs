//! `pid-exhaustion`: a node that cannot create threads or processes any more — Go runtimes aborting with
//! `runtime/cgo: pthread_create failed`, `fork/exec …: resource temporarily unavailable` (EAGAIN from clone),
//! the pids cgroup rejecting forks, the kubelet's `NodeHasInsufficientPID` — with the zombies a process listing
//! shows (count and the parent that does not reap them).
//!
//! A process listing (`ps -ef`, `ps aux`, `ps -eo pid,ppid,stat,comm`) reaches the timeline through its
//! `<defunct>` rows (signal `zombie-process`); each row is read with [`parsers::ps::zombie_row`] for the
//! parent. A lone `resource temporarily unavailable` that is not about fork, exec or threads (a socket read
//! returning EAGAIN) says nothing of PIDs and is not counted.

use super::{evidence, Context};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// What a row says of PIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `pthread_create failed` (a Go runtime could not start a thread).
    Thread,
    /// fork/exec/clone refused (EAGAIN, pids controller).
    Fork,
    /// The kubelet reports PID pressure.
    Pressure,
    /// A zombie in a process listing.
    Zombie,
}

fn kind_of(r: &TimelineRow) -> Option<Kind> {
    let m = r.message.as_str();
    match r.signal? {
        SignalKind::ZombieProcess => Some(Kind::Zombie),
        SignalKind::ForkFailed => {
            let l = m.to_ascii_lowercase();
            if l.contains("pthread_create failed") {
                Some(Kind::Thread)
            } else if l.contains("nodehasinsufficientpid") || l.contains("pidpressure") {
                Some(Kind::Pressure)
            } else if l.contains("fork rejected by pids controller")
                || (l.contains("resource temporarily unavailable")
                    && (l.contains("fork/exec")
                        || l.contains("fork: ")
                        || l.contains("clone")
                        || l.contains("newosproc")))
            {
                Some(Kind::Fork)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The node a row is about: its own, or the Node an event names.
fn node_of(r: &TimelineRow) -> Option<&str> {
    r.node
        .as_deref()
        .or_else(|| r.object.as_deref().and_then(|o| o.strip_prefix("node/")))
}

#[derive(Default)]
struct Node<'a> {
    rows: Vec<&'a TimelineRow>,
    threads: u64,
    forks: u64,
    pressure: u64,
    zombies: u64,
    /// Zombies per parent pid.
    parents: BTreeMap<u32, u64>,
}

/// Finds nodes out of PIDs.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let mut nodes: BTreeMap<&str, Node> = BTreeMap::new();
    for r in ctx.timeline {
        let (Some(k), Some(node)) = (kind_of(r), node_of(r)) else {
            continue;
        };
        let n = nodes.entry(node).or_default();
        n.rows.push(r);
        match k {
            Kind::Thread => n.threads += r.count,
            Kind::Fork => n.forks += r.count,
            Kind::Pressure => n.pressure += r.count,
            Kind::Zombie => {
                n.zombies += r.count;
                if let Some(pp) = parsers::ps::zombie_row(&r.message).and_then(|p| p.ppid) {
                    *n.parents.entry(pp).or_default() += r.count;
                }
            }
        }
    }
    if nodes.is_empty() && !ctx.has_component("kubelet") && ctx.events.is_empty() && !runtime_logs(ctx) {
        return Err("no kubelet or container runtime logs and no events".into());
    }
    let min = ctx.thresholds.pid_failures;
    Ok(nodes
        .iter()
        .filter(|(_, n)| n.threads + n.forks >= min || n.pressure > 0)
        .map(|(node, n)| finding(node, n))
        .collect())
}

fn runtime_logs(ctx: &Context) -> bool {
    ["dockerd", "containerd", "crio"].iter().any(|c| ctx.has_component(c))
}

fn finding(node: &str, n: &Node) -> Finding {
    // Times: failures and pressure only (a process listing has no time of its own).
    let timed = n.rows.iter().filter(|r| r.signal != Some(SignalKind::ZombieProcess));
    let start = timed.clone().filter_map(|r| r.at).min();
    let end = timed.filter_map(|r| r.last_at.or(r.at)).max();
    let parent = n.parents.iter().max_by_key(|(_, c)| **c).map(|(p, c)| (*p, *c));
    let count = n.threads + n.forks;
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), count.into());
    measured.insert("pthread_failures".into(), n.threads.into());
    measured.insert("fork_failures".into(), n.forks.into());
    measured.insert("pid_pressure".into(), n.pressure.into());
    measured.insert("zombies".into(), n.zombies.into());
    if let Some((p, c)) = parent {
        measured.insert("zombie_parent_pid".into(), p.into());
        measured.insert("zombies_of_parent".into(), c.into());
    }
    let mut parts = Vec::new();
    if n.threads > 0 {
        parts.push(format!(
            "{} thread creations failed (`pthread_create failed`)",
            n.threads
        ));
    }
    if n.forks > 0 {
        parts.push(format!("{} fork/exec calls were refused (EAGAIN)", n.forks));
    }
    if n.pressure > 0 {
        parts.push("the kubelet reported PID pressure (NodeHasInsufficientPID)".to_string());
    }
    let mut explanation = format!("{node} ran out of process ids: {}.", parts.join("; "));
    if n.zombies > 0 {
        explanation.push_str(&format!(" Its process listing shows {} zombie processes", n.zombies));
        match parent {
            Some((p, c)) => explanation.push_str(&format!(
                ", {c} of them children of pid {p} that never reaps them: each holds a pid until its parent \
                 waits for it or exits."
            )),
            None => explanation.push('.'),
        }
    }
    Finding {
        id: "pid-exhaustion".into(),
        severity: if n.threads > 0 || n.pressure > 0 {
            "critical"
        } else {
            "warning"
        }
        .into(),
        title: format!("{node} is out of PIDs ({count} thread/process creations failed)"),
        start,
        end,
        subjects: vec![format!("node/{node}")],
        measured,
        evidence: evidence(n.rows.iter().map(|r| &r.source)),
        explanation,
        remediation: if parent.is_some() {
            "Fix or restart the process that leaves zombies (run containers with an init such as tini or \
             `shareProcessNamespace`); set `podPidsLimit` and `--system-reserved pid=` so one pod cannot \
             exhaust the node."
                .into()
        } else {
            "Find the pod or process forking without bound (`ps -eLf | wc -l` per cgroup); set the kubelet's \
             `podPidsLimit` and raise `kernel.pid_max` / `kernel.threads-max` if the node really needs more."
                .into()
        },
        caused_by: Vec::new(),
        known: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(signal: SignalKind, message: &str) -> TimelineRow {
        TimelineRow {
            at: Some(0),
            node: Some("w".into()),
            severity: "error",
            message: message.into(),
            count: 1,
            signal: Some(signal),
            ..Default::default()
        }
    }

    #[test]
    fn kinds_and_the_socket_near_miss() {
        use SignalKind::ForkFailed;
        let k = |m: &str| kind_of(&row(ForkFailed, m));
        assert_eq!(
            k("runtime/cgo: pthread_create failed: Resource temporarily unavailable"),
            Some(Kind::Thread)
        );
        assert_eq!(
            k("runtime/cgo: pthread_create failed: No space left on device"),
            Some(Kind::Thread)
        );
        assert_eq!(
            k("failed to collect filesystem stats - rootDiskErr: failed to exec du - fork/exec /usr/bin/nice: resource temporarily unavailable"),
            Some(Kind::Fork)
        );
        assert_eq!(
            k("bash: fork: retry: Resource temporarily unavailable"),
            Some(Kind::Fork)
        );
        assert_eq!(
            k("cgroup: fork rejected by pids controller in /kubepods/burstable/pod1"),
            Some(Kind::Fork)
        );
        assert_eq!(
            k("Node worker-1 status is now: NodeHasInsufficientPID"),
            Some(Kind::Pressure)
        );
        assert_eq!(
            k("read tcp 10.0.0.5:43210->10.0.0.9:6443: read: resource temporarily unavailable"),
            None
        );
        assert_eq!(
            kind_of(&row(
                SignalKind::ZombieProcess,
                "1000  4182  3901  0 10:02 ?  00:00:00 [sh] <defunct>"
            )),
            Some(Kind::Zombie)
        );
    }
}
