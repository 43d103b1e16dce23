//! The cluster state the dumps describe (pods, nodes, Jobs, CronJobs, webhooks), one entry per object
//! however many dumps show it, with every source. Detectors read it; the JSON output has it under `state`.

use crate::model::SourceRef;
use parsers::kubectl::{Condition, Container, CronJob, Dump, Job, Node, Pod, Termination, Webhook, When};
use serde::Serialize;

/// An object and the places it was read from.
#[derive(Clone, Debug, Serialize)]
pub struct Sourced<T> {
    /// The object.
    #[serde(flatten)]
    pub item: T,
    /// Where it was read (`path`, `line`).
    pub sources: Vec<SourceRef>,
}

/// Cluster state from every dump of the bundle.
#[derive(Clone, Debug, Default, Serialize)]
pub struct State {
    /// Pods.
    pub pods: Vec<Sourced<Pod>>,
    /// Nodes.
    pub nodes: Vec<Sourced<Node>>,
    /// Jobs.
    pub jobs: Vec<Sourced<Job>>,
    /// CronJobs.
    pub cronjobs: Vec<Sourced<CronJob>>,
    /// Webhooks of validating and mutating configurations.
    pub webhooks: Vec<Sourced<Webhook>>,
}

/// Fills `a`'s empty options from `b`.
macro_rules! fill {
    ($a:expr, $b:expr; $($f:ident),+) => {
        $( if $a.$f.is_none() { $a.$f = $b.$f.take(); } )+
    };
}

impl State {
    /// The pod `ns/name` (a dump that names no namespace matches any).
    pub fn pod(&self, ns: &str, name: &str) -> Option<&Sourced<Pod>> {
        self.pods
            .iter()
            .find(|p| p.item.name == name && p.item.namespace.as_deref().is_none_or(|n| n == ns))
    }

    /// Adds what one dump holds; relative times are placed with the dump's capture time first.
    pub fn add(&mut self, path: &str, mut dump: Dump, capture: Option<i64>) {
        let src = |line: u64| SourceRef {
            path: path.to_string(),
            line,
        };
        for mut p in dump.pods.drain(..) {
            resolve_pod(&mut p, capture);
            let s = src(p.line);
            upsert(
                &mut self.pods,
                p,
                s,
                |a, b| same(&a.namespace, &a.name, &b.namespace, &b.name),
                merge_pod,
            );
        }
        for mut n in dump.nodes.drain(..) {
            resolve(&mut n.created, capture);
            n.conditions.iter_mut().for_each(|c| resolve_condition(c, capture));
            let s = src(n.line);
            upsert(&mut self.nodes, n, s, |a, b| a.name == b.name, merge_node);
        }
        for mut j in dump.jobs.drain(..) {
            for w in [&mut j.created, &mut j.started, &mut j.completed] {
                resolve(w, capture);
            }
            j.conditions.iter_mut().for_each(|c| resolve_condition(c, capture));
            let s = src(j.line);
            upsert(
                &mut self.jobs,
                j,
                s,
                |a, b| same(&a.namespace, &a.name, &b.namespace, &b.name),
                merge_job,
            );
        }
        for mut c in dump.cronjobs.drain(..) {
            resolve(&mut c.created, capture);
            resolve(&mut c.last_schedule, capture);
            let s = src(c.line);
            let same_cj = |a: &CronJob, b: &CronJob| same(&a.namespace, &a.name, &b.namespace, &b.name);
            upsert(&mut self.cronjobs, c, s, same_cj, merge_cronjob);
        }
        for w in dump.webhooks.drain(..) {
            let s = src(w.line);
            let same_hook = |a: &Webhook, b: &Webhook| {
                (&a.admission, &a.configuration, &a.name) == (&b.admission, &b.configuration, &b.name)
            };
            upsert(&mut self.webhooks, w, s, same_hook, |_, _| {});
        }
    }

    /// Links Jobs no dump gave an owner to the CronJob that made them: a CronJob names its Jobs
    /// `<cronjob>-<scheduled minute>` (formats.md 6.2), so `report-gen-28594680` of a known CronJob
    /// `report-gen` in the same namespace is its Job.
    pub fn link_cronjob_jobs(&mut self) {
        for j in self.jobs.iter_mut().filter(|j| j.item.owners.is_empty()) {
            let Some((prefix, suffix)) = j.item.name.rsplit_once('-') else {
                continue;
            };
            if suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let owner = self
                .cronjobs
                .iter()
                .find(|c| c.item.name == prefix && same(&c.item.namespace, &c.item.name, &j.item.namespace, prefix));
            if let Some(c) = owner {
                j.item.owners.push(parsers::kubectl::ObjectRef {
                    kind: Some("CronJob".into()),
                    namespace: c.item.namespace.clone(),
                    name: c.item.name.clone(),
                    field_path: None,
                });
                if j.item.namespace.is_none() {
                    j.item.namespace.clone_from(&c.item.namespace);
                }
            }
        }
    }

    /// Sorts every list by namespace and name, so output does not depend on read order.
    pub fn sort(&mut self) {
        self.pods
            .sort_by(|a, b| (&a.item.namespace, &a.item.name).cmp(&(&b.item.namespace, &b.item.name)));
        self.nodes.sort_by(|a, b| a.item.name.cmp(&b.item.name));
        self.jobs
            .sort_by(|a, b| (&a.item.namespace, &a.item.name).cmp(&(&b.item.namespace, &b.item.name)));
        self.cronjobs
            .sort_by(|a, b| (&a.item.namespace, &a.item.name).cmp(&(&b.item.namespace, &b.item.name)));
        self.webhooks
            .sort_by(|a, b| (&a.item.configuration, &a.item.name).cmp(&(&b.item.configuration, &b.item.name)));
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
            && self.nodes.is_empty()
            && self.jobs.is_empty()
            && self.cronjobs.is_empty()
            && self.webhooks.is_empty()
    }
}

/// Adds `item` read at `source`: merged into the entry `same` finds, else a new entry.
fn upsert<T>(
    list: &mut Vec<Sourced<T>>,
    item: T,
    source: SourceRef,
    same: impl Fn(&T, &T) -> bool,
    merge: impl FnOnce(&mut T, T),
) {
    match list.iter_mut().find(|x| same(&x.item, &item)) {
        Some(x) => {
            merge(&mut x.item, item);
            x.sources.push(source);
        }
        None => list.push(Sourced {
            item,
            sources: vec![source],
        }),
    }
}

fn merge_job(a: &mut Job, mut j: Job) {
    fill!(a, j; namespace, created, started, completed, active, succeeded, failed, completions);
    if a.owners.is_empty() {
        a.owners = j.owners;
    }
    if a.conditions.is_empty() {
        a.conditions = j.conditions;
    }
}

fn merge_cronjob(a: &mut CronJob, mut c: CronJob) {
    fill!(a, c; namespace, schedule, suspend, concurrency_policy, successful_history_limit,
        failed_history_limit, starting_deadline_s, active, last_schedule, created);
    if a.active_jobs.is_empty() {
        a.active_jobs = c.active_jobs;
    }
}

/// Same object: same name, and the same namespace unless one dump did not say it.
fn same(ans: &Option<String>, an: &str, bns: &Option<String>, bn: &str) -> bool {
    an == bn && (ans.is_none() || bns.is_none() || ans == bns)
}

/// Places a relative time (mid-interval) once the capture time is known.
fn resolve(w: &mut Option<When>, capture: Option<i64>) {
    if let (Some(When::Ago { .. }), Some(_)) = (w.as_ref(), capture) {
        *w = w.and_then(|x| x.place(capture)).map(|(at, _)| When::At(at));
    }
}

fn resolve_condition(c: &mut Condition, capture: Option<i64>) {
    resolve(&mut c.last_heartbeat, capture);
    resolve(&mut c.last_transition, capture);
}

fn resolve_termination(t: &mut Termination, capture: Option<i64>) {
    resolve(&mut t.started, capture);
    resolve(&mut t.finished, capture);
}

fn resolve_pod(p: &mut Pod, capture: Option<i64>) {
    resolve(&mut p.created, capture);
    resolve(&mut p.started, capture);
    for c in &mut p.containers {
        resolve(&mut c.state_since, capture);
        resolve(&mut c.last_restart, capture);
        if let Some(t) = &mut c.last_termination {
            resolve_termination(t, capture);
        }
    }
}

fn merge_pod(a: &mut Pod, mut b: Pod) {
    fill!(a, b; namespace, node, status, reason, message, ready, created, started, uid);
    if a.owners.is_empty() {
        a.owners = std::mem::take(&mut b.owners);
    }
    a.static_manifest |= b.static_manifest;
    for c in b.containers {
        // A table row knows restarts but not which container: it fills a pod's only container.
        if c.name.is_empty() {
            match a.containers.len() {
                0 => a.containers.push(c),
                1 => merge_container(&mut a.containers[0], c),
                _ => {}
            }
            continue;
        }
        if let Some(x) = a.containers.iter_mut().find(|x| x.name == c.name) {
            merge_container(x, c);
        } else if a.containers.len() == 1 && a.containers[0].name.is_empty() {
            let summary = std::mem::replace(&mut a.containers[0], c);
            merge_container(&mut a.containers[0], summary);
        } else {
            a.containers.push(c);
        }
    }
}

fn merge_container(a: &mut Container, mut b: Container) {
    fill!(a, b; image, state, state_reason, state_since, ready, restarts, last_restart, last_termination);
    a.init |= b.init;
    if a.probes.is_empty() {
        a.probes = b.probes;
    }
    if a.limits.is_empty() {
        a.limits = b.limits;
    }
    if a.requests.is_empty() {
        a.requests = b.requests;
    }
}

fn merge_node(a: &mut Node, mut b: Node) {
    fill!(a, b; status, kubelet_version, runtime_version, kernel_version, os_image, created);
    if a.roles.is_empty() {
        a.roles = b.roles;
    }
    if a.taints.is_empty() {
        a.taints = b.taints;
    }
    a.unschedulable |= b.unschedulable;
    for c in b.conditions {
        if !a
            .conditions
            .iter()
            .any(|x| x.kind == c.kind && x.last_transition == c.last_transition)
        {
            a.conditions.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parsers::kubectl::Probe;

    #[test]
    fn one_pod_from_a_table_a_describe_and_a_manifest() {
        let s = 1_000_000_000i64;
        let mut state = State::default();
        let table = Dump {
            pods: vec![Pod {
                line: 3,
                name: "etcd-master".into(),
                status: Some("CrashLoopBackOff".into()),
                created: Some(When::Ago {
                    secs: 3_600,
                    resolution: 60,
                }),
                containers: vec![Container {
                    restarts: Some(183),
                    ..Container::default()
                }],
                ..Pod::default()
            }],
            ..Dump::default()
        };
        let describe = Dump {
            pods: vec![Pod {
                line: 1,
                namespace: Some("kube-system".into()),
                name: "etcd-master".into(),
                node: Some("master".into()),
                containers: vec![Container {
                    name: "etcd".into(),
                    restarts: Some(184),
                    probes: vec![Probe {
                        probe: "liveness".into(),
                        handler: "http-get https://:2379/health".into(),
                        initial_delay_s: 15,
                        timeout_s: 15,
                        period_s: 10,
                        success_threshold: 1,
                        failure_threshold: 8,
                    }],
                    ..Container::default()
                }],
                ..Pod::default()
            }],
            ..Dump::default()
        };
        state.add("describe.txt", describe, None);
        state.add("pods.txt", table, Some(10_000 * s));
        assert_eq!(state.pods.len(), 1);
        let p = &state.pods[0];
        assert_eq!(p.item.namespace.as_deref(), Some("kube-system"));
        assert_eq!(p.item.status.as_deref(), Some("CrashLoopBackOff"));
        assert_eq!(p.item.created, Some(When::At(10_000 * s - 3_630 * s)));
        assert_eq!(
            p.item.containers.len(),
            1,
            "the table's unnamed summary does not add a container"
        );
        assert_eq!(p.item.containers[0].restarts, Some(184));
        assert_eq!(p.item.containers[0].probes[0].failure_threshold, 8);
        assert_eq!(p.sources.len(), 2);
        assert_eq!(p.sources[1].path, "pods.txt");
    }
}
