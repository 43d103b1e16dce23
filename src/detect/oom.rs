//! `oom-kill`: processes the kernel OOM killer ended, per node. A global (system) OOM means the node itself ran
//! out of memory (critical: the kubelet, the runtime and every pod are at risk); a memory-cgroup OOM means a
//! container hit its own limit (warning).
//!
//! One kill is written by several lines (formats.md 9.1, 4.8): the kernel's `<comm> invoked oom-killer`,
//! `oom-kill:constraint=…,task_memcg=…,task=…,pid=…` (4.19+), `Out of memory: Killed process …` or `Memory
//! cgroup out of memory: Killed process …` (older kernels: `Kill process … or sacrifice child` then `Killed
//! process …`), the kubelet's `SystemOOM` event (`System OOM encountered, victim process: java, pid: 1234`),
//! node-problem-detector's `OOMKilling` event, the runtime's `TaskOOM` and a container's last state
//! `OOMKilled`. Per kind of line the occurrences are counted; the kind that saw most counts the kills, so one
//! kill is never counted three times. The memory cgroup path names the pod by its uid (`pod<uid>` with dashes
//! for the cgroupfs driver, `pod<uid_with_underscores>.slice` for systemd): mapped to a pod name when the state
//! or a kubelet line knows the uid.

use super::{evidence, num, secs, Context};
use crate::model::{Finding, SourceRef, TimelineRow};
use crate::signals::SignalKind;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// What one OOM line says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OomLine {
    /// Which kind of line it is (kills are counted per kind).
    pub kind: LineKind,
    /// `Some(true)` global OOM, `Some(false)` memory cgroup OOM, `None` unknown from this line alone.
    pub system: Option<bool>,
    /// Process name (kernel `comm`, at most 15 characters, may hold spaces).
    pub comm: Option<String>,
    /// Process id.
    pub pid: Option<u64>,
    /// Pod uid from the memory cgroup path (dashes).
    pub pod_uid: Option<String>,
    /// Container id from the memory cgroup path.
    pub container_id: Option<String>,
}

/// Kinds of OOM lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineKind {
    /// `<comm> invoked oom-killer: gfp_mask=…`
    #[default]
    Invoked,
    /// `oom-kill:constraint=…`
    Constraint,
    /// `Killed process N (comm)` in any wording.
    Killed,
    /// `Out of memory: Kill process N (comm) score S or sacrifice child` (the choice; `Killed process` follows).
    Chosen,
    /// Kubelet `SystemOOM` (event or log line).
    SystemOomEvent,
    /// A container's last state `OOMKilled`.
    ContainerOomKilled,
    /// containerd `TaskOOM`.
    TaskOom,
}

fn patterns() -> &'static (Regex, Regex, Regex) {
    static P: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("oom pattern compiles");
        (
            // `Killed process 1234 (java)`, `Kill process 24572 (java) score 0`
            r(r"Kill(?:ed)? process (\d+) \(([^)]*)\)"),
            // `pod<uid>` in a memcg path, dashes (cgroupfs) or underscores (systemd)
            r(r"pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})"),
            // `victim process: java, pid: 1234`
            r(r"victim process: ([^,]*), pid: (\d+)"),
        )
    })
}

/// Reads one OOM line; `None` when the message is not one.
pub fn parse_line(message: &str) -> Option<OomLine> {
    let (killed, pod_re, victim) = patterns();
    let mut l = OomLine::default();
    if let Some(at) = message.find("oom-kill:") {
        l.kind = LineKind::Constraint;
        for kv in message[at + "oom-kill:".len()..].split(',') {
            let Some((k, v)) = kv.split_once('=') else { continue };
            match k.trim() {
                "constraint" => l.system = Some(v != "CONSTRAINT_MEMCG"),
                "task" => l.comm = Some(v.to_string()),
                "pid" => l.pid = v.trim().parse().ok(),
                "task_memcg" => {
                    l.pod_uid = pod_re.captures(v).map(|c| c[1].replace('_', "-"));
                    l.container_id = container_id(v);
                }
                _ => {}
            }
        }
        return Some(l);
    }
    if message.contains("victim process:") || message.contains("System OOM encountered") {
        l.kind = LineKind::SystemOomEvent;
        l.system = Some(true);
        if let Some(c) = victim.captures(message) {
            l.comm = Some(c[1].to_string());
            l.pid = c[2].parse().ok();
        }
        return Some(l);
    }
    if let Some(c) = killed.captures(message) {
        l.pid = c[1].parse().ok();
        l.comm = Some(c[2].to_string());
        let lower = message.to_ascii_lowercase();
        l.system = if lower.contains("memory cgroup out of memory") {
            Some(false)
        } else if lower.contains("out of memory") {
            Some(true)
        } else {
            None
        };
        l.kind = if message.contains("Killed process") {
            LineKind::Killed
        } else {
            LineKind::Chosen
        };
        return Some(l);
    }
    if let Some(at) = message.find(" invoked oom-killer") {
        l.kind = LineKind::Invoked;
        l.comm = Some(message[..at].rsplit(": ").next().unwrap_or("").trim().to_string());
        return Some(l);
    }
    if message.contains("OOMKilled") {
        l.kind = LineKind::ContainerOomKilled;
        l.system = Some(false);
        return Some(l);
    }
    if message.contains("TaskOOM") {
        l.kind = LineKind::TaskOom;
        l.system = Some(false);
        return Some(l);
    }
    None
}

/// The container id that ends a memcg path (`…/docker-<id>.scope`, `…/cri-containerd-<id>.scope`, `…/<id>`).
fn container_id(path: &str) -> Option<String> {
    let last = path.rsplit('/').next()?;
    let last = last.strip_suffix(".scope").unwrap_or(last);
    let id = ["cri-containerd-", "docker-", "crio-"]
        .iter()
        .find_map(|p| last.strip_prefix(p))
        .unwrap_or(last);
    (id.len() >= 12 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// Pod uids the bundle names, for the uids in `wanted`: from the state (`metadata.uid`) and from kubelet
/// lines that name a pod and its uid (`pod="ns/name" podUID=…`, `name_ns(uid)`). uid (dashes) -> `ns/name`.
/// Only rows holding a wanted uid are read with the patterns (a bundle has tens of thousands of probe rows
/// naming pods and uids).
pub fn pod_uids(ctx: &Context, wanted: &BTreeSet<String>) -> BTreeMap<String, String> {
    static P: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (kv, legacy) = P.get_or_init(|| {
        (
            Regex::new(r#"\bpod="([a-z0-9.-]+/[a-z0-9.-]+)" podUID="?([0-9a-f-]{36})"#).expect("compiles"),
            Regex::new(r"\b([a-z0-9][a-z0-9.-]*)_([a-z0-9][a-z0-9-]*)\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)")
                .expect("compiles"),
        )
    });
    let mut map = BTreeMap::new();
    if wanted.is_empty() {
        return map;
    }
    for p in &ctx.state.pods {
        if let (Some(uid), Some(ns)) = (&p.item.uid, &p.item.namespace) {
            map.insert(uid.clone(), format!("{ns}/{}", p.item.name));
        }
    }
    let finders: Vec<memchr::memmem::Finder> = wanted
        .iter()
        .filter(|u| !map.contains_key(*u))
        .map(|u| memchr::memmem::Finder::new(u.as_bytes()))
        .collect();
    for r in ctx.timeline {
        let m = r.message.as_str();
        if finders.iter().all(|f| f.find(m.as_bytes()).is_none()) {
            continue;
        }
        for c in kv.captures_iter(m) {
            map.entry(c[2].to_string()).or_insert_with(|| c[1].to_string());
        }
        for c in legacy.captures_iter(m) {
            map.entry(c[3].to_string())
                .or_insert_with(|| format!("{}/{}", &c[2], &c[1]));
        }
    }
    map
}

/// One OOM line of the timeline, read.
pub struct OomRow<'a> {
    /// The row.
    pub row: &'a TimelineRow,
    /// What it says.
    pub line: OomLine,
    /// Node it happened on.
    pub node: Option<String>,
}

/// Every OOM row of the timeline, with its node (a container's node from the state when the row has none).
pub fn oom_rows<'a>(ctx: &Context<'a>) -> Vec<OomRow<'a>> {
    let mut out = Vec::new();
    for r in ctx.timeline.iter().filter(|r| r.signal == Some(SignalKind::OomKill)) {
        // NPD's `OOMKilling: Killed process …` is read as the kernel line it carries.
        let m = r.message.strip_prefix("OOMKilling: ").unwrap_or(&r.message);
        let Some(line) = parse_line(m) else { continue };
        let node = r.node.clone().or_else(|| {
            let o = r.object.as_deref()?;
            if let Some(n) = o.strip_prefix("node/") {
                return Some(n.to_string());
            }
            let (ns, name) = o.strip_prefix("pod/")?.split_once('/')?;
            let name = name.split(':').next().unwrap_or(name);
            ctx.state
                .pods
                .iter()
                .find(|p| p.item.name == name && p.item.namespace.as_deref().is_none_or(|n| n == ns))
                .and_then(|p| p.item.node.clone())
        });
        out.push(OomRow { row: r, line, node });
    }
    out
}

/// Finds OOM kills, one finding per node.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let rows = oom_rows(ctx);
    if rows.is_empty() && !ctx.has_component("kernel") && ctx.events.is_empty() && ctx.state.pods.is_empty() {
        return Err("no kernel logs and no events".into());
    }
    let wanted: BTreeSet<String> = rows.iter().filter_map(|r| r.line.pod_uid.clone()).collect();
    let uids = pod_uids(ctx, &wanted);
    let mut by_node: BTreeMap<Option<String>, Vec<&OomRow>> = BTreeMap::new();
    for r in &rows {
        let kept = by_node.entry(r.node.clone()).or_default();
        if !kept.iter().any(|k| same_kernel_line(k, r)) {
            kept.push(r);
        }
    }
    let mut out = Vec::new();
    for (node, rows) in by_node {
        if let Some(f) = node_finding(ctx, node.as_deref(), &rows, &uids) {
            out.push(f);
        }
    }
    Ok(out)
}

/// The window of `rows`: from the rows placed to the second when there are any (a kubectl age is placed give or
/// take half its unit and must not stretch a window the logs give exactly), else from all.
pub fn window<'r>(rows: impl Iterator<Item = &'r TimelineRow> + Clone) -> (Option<i64>, Option<i64>) {
    let exact = |r: &&TimelineRow| r.approx_s.is_some_and(|a| a <= 1.0);
    let pick = |only_exact: bool| {
        let rs = rows.clone().filter(move |r| !only_exact || exact(r));
        (
            rs.clone().filter_map(|r| r.at).min(),
            rs.filter_map(|r| r.last_at.or(r.at)).max(),
        )
    };
    match pick(true) {
        (Some(s), Some(e)) => (Some(s), Some(e)),
        _ => pick(false),
    }
}

/// How far apart copies of one kernel line may be placed (dmesg times since boot are placed give or take a
/// second; syslog has whole seconds).
const COPY_SLACK_NS: i64 = 5 * 1_000_000_000;

/// Whether `b` is a copy of `a` read from another file of the same node (the kernel ring buffer is often
/// collected twice: `dmesg` and `kern.log` or the journal).
fn same_kernel_line(a: &OomRow, b: &OomRow) -> bool {
    a.row.source.path != b.row.source.path
        && a.line == b.line
        && a.row.count == b.row.count
        && matches!((a.row.at, b.row.at), (Some(x), Some(y)) if (x - y).abs() <= COPY_SLACK_NS)
}

/// Kills per kind of line, split system / cgroup: the counts the finding reports.
#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    /// Kills (the kind of line that saw most).
    pub kills: u64,
    /// Global OOM kills.
    pub system: u64,
    /// Memory cgroup OOM kills.
    pub cgroup: u64,
}

/// Counts kills from `(kind, system, occurrences)` triples: per kind the occurrences are summed, and the kind
/// with most occurrences counts (one kill writes one line of each kind).
pub fn count(lines: impl IntoIterator<Item = (LineKind, Option<bool>, u64)>) -> Counts {
    let mut per: BTreeMap<(LineKind, Option<bool>), u64> = BTreeMap::new();
    for (k, s, n) in lines {
        *per.entry((k, s)).or_default() += n;
    }
    let best = |system: bool| {
        per.iter()
            .filter(|((_, s), _)| *s == Some(system))
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
    };
    let (system, cgroup) = (best(true), best(false));
    // Lines that do not say which kind of OOM (`invoked oom-killer`, a bare `Killed process`) count kills too.
    let any = |kind: LineKind| {
        per.iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|(_, n)| *n)
            .sum::<u64>()
    };
    let kills = (system + cgroup).max(any(LineKind::Invoked)).max(any(LineKind::Killed));
    Counts { kills, system, cgroup }
}

fn node_finding(
    ctx: &Context,
    node: Option<&str>,
    rows: &[&OomRow],
    uids: &BTreeMap<String, String>,
) -> Option<Finding> {
    // Kernel lines of one file collapse into one row per kind with a count. SystemOOM events are one fact per
    // victim, but their log echoes collapse too (the victim pid is masked) and merge into the first fact: they
    // count as the victims they name, or the most one row saw.
    let events: Vec<&&OomRow> = rows
        .iter()
        .filter(|r| r.line.kind == LineKind::SystemOomEvent)
        .collect();
    let victims = events
        .iter()
        .filter_map(|r| r.line.pid)
        .collect::<BTreeSet<u64>>()
        .len() as u64;
    let event_kills = events.iter().map(|r| r.row.count).max().unwrap_or(0).max(victims);
    let counts = count(
        rows.iter()
            .filter(|r| r.line.kind != LineKind::SystemOomEvent)
            .map(|r| (r.line.kind, r.line.system, r.row.count))
            .chain((event_kills > 0).then_some((LineKind::SystemOomEvent, Some(true), event_kills))),
    );
    if counts.kills < ctx.thresholds.oom_kills.max(1) {
        return None;
    }
    let (start, end) = window(rows.iter().map(|r| r.row));
    // Processes (name, pid) and the pods and containers hit.
    let mut processes: BTreeSet<(String, Option<u64>)> = BTreeSet::new();
    let mut pods: BTreeSet<String> = BTreeSet::new();
    let mut containers: BTreeSet<String> = BTreeSet::new();
    let mut unknown_uids: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        if let (Some(c), true) = (&r.line.comm, r.line.kind != LineKind::Invoked) {
            processes.insert((c.clone(), r.line.pid));
        }
        if let Some(uid) = &r.line.pod_uid {
            match uids.get(uid) {
                Some(p) => {
                    pods.insert(format!("pod/{p}"));
                }
                None => {
                    unknown_uids.insert(uid.clone());
                }
            }
        }
        if r.line.kind == LineKind::ContainerOomKilled {
            if let Some(o) = r.row.object.as_deref().filter(|o| o.starts_with("pod/")) {
                pods.insert(o.split(':').next().unwrap_or(o).to_string());
                if o.contains(':') {
                    containers.insert(o.to_string());
                }
            }
        }
    }
    // A process named twice (with and without its pid) is one process.
    let named: BTreeSet<String> = processes
        .iter()
        .filter(|(_, p)| p.is_some())
        .map(|(c, _)| c.clone())
        .collect();
    processes.retain(|(c, p)| p.is_some() || !named.contains(c));
    let system = counts.system > 0;
    let where_ = node
        .map(|n| format!("node {n}"))
        .unwrap_or_else(|| "an unknown node".into());
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), counts.kills.into());
    measured.insert("system_ooms".into(), counts.system.into());
    measured.insert("cgroup_ooms".into(), counts.cgroup.into());
    if let (Some(s), Some(e)) = (start, end) {
        measured.insert("duration_s".into(), num(secs(s, e)));
    }
    let procs: Vec<String> = processes
        .iter()
        .map(|(c, p)| match p {
            Some(p) => format!("{c} (pid {p})"),
            None => c.clone(),
        })
        .collect();
    let mut explanation = format!(
        "The OOM killer ended {} process(es) on {where_} over {}: {} system (the node ran out of memory), {} in a \
         memory cgroup (a container over its limit).",
        counts.kills,
        super::webhook::span_words(start, end),
        counts.system,
        counts.cgroup
    );
    if !procs.is_empty() {
        explanation.push_str(&format!(" Killed: {}.", procs.join(", ")));
    }
    if !pods.is_empty() {
        explanation.push_str(&format!(
            " Pods hit: {}.",
            pods.iter()
                .map(|p| p.trim_start_matches("pod/"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !unknown_uids.is_empty() {
        explanation.push_str(&format!(
            " Pod uid(s) {} in the memory cgroup path are not in the bundle (add `kubectl get pods -o json`).",
            unknown_uids.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut subjects: Vec<String> = node.map(|n| format!("node/{n}")).into_iter().collect();
    subjects.extend(pods.iter().cloned());
    subjects.extend(containers.iter().cloned());
    Some(Finding {
        id: "oom-kill".into(),
        severity: if system { "critical" } else { "warning" }.into(),
        title: format!(
            "{} OOM kill(s) on {where_} ({})",
            counts.kills,
            if system {
                "system out of memory"
            } else {
                "memory cgroup limit"
            }
        ),
        start,
        end,
        subjects,
        measured,
        evidence: evidence(rows.iter().map(|r| &r.row.source).collect::<Vec<&SourceRef>>()),
        explanation,
        remediation: if system {
            "Give every pod memory requests and limits (a LimitRange sets defaults per namespace) so the scheduler \
             does not overcommit the node, and reserve memory for the system (`--system-reserved`, \
             `--kube-reserved`, an eviction threshold on memory.available) so the kubelet evicts before the kernel \
             kills."
                .into()
        } else {
            "Raise the container's memory limit to what it really uses, or bound its heap/caches below the limit \
             (JVM `-XX:MaxRAMPercentage`, worker counts)."
                .into()
        },
        caused_by: Vec::new(),
        known: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_lines_of_both_eras() {
        // reportportal/kubernetes#203 (5.4)
        let l = parse_line("Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986").unwrap();
        assert_eq!(
            (l.kind, l.system, l.pid, l.comm.as_deref()),
            (LineKind::Killed, Some(false), Some(63214), Some("uwsgi"))
        );
        // Azure RHEL 7 doc: the choice, then the kill
        let l = parse_line("Out of memory: Kill process 45465 (tail) score 902 or sacrifice child").unwrap();
        assert_eq!((l.kind, l.system, l.pid), (LineKind::Chosen, Some(true), Some(45465)));
        let l = parse_line(
            "Killed process 45465 (tail), UID 0, total-vm:7582132kB, anon-rss:7420324kB, file-rss:0kB, shmem-rss:0kB",
        )
        .unwrap();
        assert_eq!(
            (l.kind, l.system, l.comm.as_deref()),
            (LineKind::Killed, None, Some("tail"))
        );
        // k3s#12028: comm with spaces and `#`
        let l = parse_line("StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167").unwrap();
        assert_eq!(
            (l.kind, l.comm.as_deref()),
            (LineKind::Invoked, Some("StreamTrans #72"))
        );
        // PR#78174
        let l = parse_line("SystemOOM: System OOM encountered, victim process: java, pid: 1234").unwrap();
        assert_eq!(
            (l.kind, l.system, l.pid, l.comm.as_deref()),
            (LineKind::SystemOomEvent, Some(true), Some(1234), Some("java"))
        );
    }

    #[test]
    fn memcg_paths_name_the_pod_uid() {
        // cgroupfs driver
        let l = parse_line("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/kubepods/burstable/pod5b0c7a8e-2f41-4c7e-9d3a-1e6f0b2c4d8a/3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80,task=java,pid=48213,uid=0").unwrap();
        assert_eq!(l.system, Some(true));
        assert_eq!(l.pod_uid.as_deref(), Some("5b0c7a8e-2f41-4c7e-9d3a-1e6f0b2c4d8a"));
        assert_eq!((l.comm.as_deref(), l.pid), (Some("java"), Some(48213)));
        assert!(l.container_id.unwrap().starts_with("3f9a1c2b"));
        // systemd driver (leptonai/gpud PR#70 shape)
        let l = parse_line("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-ec9e01.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice/cri-containerd-ec9e0123456789abcdef.scope,task=pt_main_thread,pid=461754,uid=0").unwrap();
        assert_eq!(l.system, Some(false));
        assert_eq!(l.pod_uid.as_deref(), Some("eded8c65-6e8e-4c6e-a889-3e427565c740"));
        assert_eq!(l.container_id.as_deref(), Some("ec9e0123456789abcdef"));
    }

    #[test]
    fn one_kill_written_three_ways_counts_once() {
        let c = count([
            (LineKind::Invoked, None, 3),
            (LineKind::Constraint, Some(true), 3),
            (LineKind::Killed, Some(true), 3),
            (LineKind::SystemOomEvent, Some(true), 2),
        ]);
        assert_eq!(
            c,
            Counts {
                kills: 3,
                system: 3,
                cgroup: 0
            }
        );
        // Old kernels: choice + bare kill line; the choice says global.
        let c = count([(LineKind::Chosen, Some(true), 2), (LineKind::Killed, None, 2)]);
        assert_eq!(c.kills, 2);
        let c = count([
            (LineKind::Killed, Some(false), 1),
            (LineKind::ContainerOomKilled, Some(false), 1),
            (LineKind::Killed, Some(true), 1),
        ]);
        assert_eq!(
            c,
            Counts {
                kills: 2,
                system: 1,
                cgroup: 1
            }
        );
    }
}
