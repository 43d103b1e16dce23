//! kubectl dumps: what `kubectl get events`, `kubectl describe`, `kubectl get pods|nodes|jobs|cronjobs`, the
//! `-o json|yaml` objects and `kubectl cluster-info dump` wrote, read into events and cluster state.
//!
//! Unlike log lines these are documents: a table is read through its header, a describe output through its
//! indentation, an object through its API fields. Every parser returns a [`Dump`]. Times stay as written
//! ([`When`]): relative ages (`8m`, `49s (x2 over 51s)`) are placed by the caller once it knows when the dump
//! was taken.

pub mod age;
pub mod describe;
pub mod detect;
pub mod events_table;
pub mod get_table;
pub mod objects;
pub mod table;

use serde::Serialize;

/// A moment as a dump writes it. Serialized as an RFC 3339 string when absolute, as
/// `{"ago_s": .., "resolution_s": ..}` when relative, and as `"unknown"` / `"invalid"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// An absolute instant (the dump wrote a zone or offset): nanoseconds since 1970-01-01 UTC.
    At(i64),
    /// An age before the dump was taken: the true age lies in `[secs, secs + resolution)` (`8m` = 480 s with a
    /// resolution of 60 s; `45s` = 45 s with a resolution of 1 s).
    Ago {
        /// Age as written, in seconds.
        secs: u64,
        /// Width of the interval the written age stands for, in seconds.
        resolution: u64,
    },
    /// `<unknown>`: the object had no timestamp.
    Unknown,
    /// `<invalid>`: the timestamp was in the future of the machine that printed it (clock skew).
    Invalid,
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match *self {
            When::At(t) => s.serialize_str(crate::time::Rfc3339::of(t).as_str()),
            When::Ago { secs, resolution } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("ago_s", &secs)?;
                m.serialize_entry("resolution_s", &resolution)?;
                m.end()
            }
            When::Unknown => s.serialize_str("unknown"),
            When::Invalid => s.serialize_str("invalid"),
        }
    }
}

impl When {
    /// The instant, when absolute.
    pub fn at(&self) -> Option<i64> {
        match self {
            When::At(t) => Some(*t),
            _ => None,
        }
    }

    /// Places the moment given the capture time (ns): `(instant, ± seconds)`. An age `secs` with resolution
    /// `r` is placed at the middle of its interval, `taken - secs - r/2`, give or take `r/2`.
    pub fn place(&self, taken: Option<i64>) -> Option<(i64, f64)> {
        match *self {
            When::At(t) => Some((t, 0.0)),
            When::Ago { secs, resolution } => {
                let half = resolution as f64 / 2.0;
                let mid_ns = (secs as f64 + half) * 1e9;
                Some((taken? - mid_ns as i64, half))
            }
            When::Unknown | When::Invalid => None,
        }
    }
}

/// The object an event is about, or an owner reference.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    /// Kind in API spelling (`Pod`, `Node`, `Job`, `CronJob`, `ReplicaSet`, ...), see [`canonical_kind`].
    pub kind: Option<String>,
    /// Namespace (none for cluster-scoped objects or when the dump does not say).
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Field path inside the object (`spec.containers{etcd}`).
    pub field_path: Option<String>,
}

/// One Kubernetes Event as a dump shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// 1-based line of the source where the row or object starts.
    pub line: u64,
    /// The object it is about.
    pub object: ObjectRef,
    /// `Normal` or `Warning`.
    pub event_type: Option<String>,
    /// Reason (`BackOff`, `Evicted`, `SuccessfulCreate`, ...).
    pub reason: Option<String>,
    /// Message (may be empty).
    pub message: String,
    /// Reporting component (`kubelet`, `default-scheduler`, `job-controller`).
    pub source: Option<String>,
    /// Reporting host (the node, for kubelet events).
    pub host: Option<String>,
    /// Occurrences (at least 1).
    pub count: u64,
    /// First occurrence.
    pub first: When,
    /// Last occurrence.
    pub last: When,
    /// Event object name (`<object>.<hex>`), when the dump shows it.
    pub name: Option<String>,
}

/// A container probe, numbers in seconds as the API defaults them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// `liveness`, `readiness` or `startup`.
    pub probe: String,
    /// What it runs (`http-get https://:2379/health`, `exec [cat /tmp/healthy]`, `tcp-socket :8080`).
    pub handler: String,
    /// initialDelaySeconds (default 0).
    pub initial_delay_s: u32,
    /// timeoutSeconds (default 1).
    pub timeout_s: u32,
    /// periodSeconds (default 10).
    pub period_s: u32,
    /// successThreshold (default 1).
    pub success_threshold: u32,
    /// failureThreshold (default 3).
    pub failure_threshold: u32,
}

/// How a container run ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Termination {
    /// Reason (`OOMKilled`, `Error`, `Completed`).
    pub reason: Option<String>,
    /// Exit code.
    pub exit_code: Option<i32>,
    /// Signal, when the dump shows one.
    pub signal: Option<i32>,
    /// When the run started.
    pub started: Option<When>,
    /// When it ended.
    pub finished: Option<When>,
    /// Message, when the dump shows one.
    pub message: Option<String>,
}

/// A container of a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Container {
    /// Name.
    pub name: String,
    /// Init container.
    pub init: bool,
    /// Image.
    pub image: Option<String>,
    /// `Running`, `Waiting` or `Terminated`.
    pub state: Option<String>,
    /// Reason of the current state (`CrashLoopBackOff`, `OOMKilled`, ...).
    pub state_reason: Option<String>,
    /// When the current state began (Running since / Terminated at).
    pub state_since: Option<When>,
    /// Ready.
    pub ready: Option<bool>,
    /// Restart count.
    pub restarts: Option<u64>,
    /// Last restart, when the dump shows it (`18 (4m1s ago)`).
    pub last_restart: Option<When>,
    /// How the previous run ended (`Last State: Terminated`).
    pub last_termination: Option<Termination>,
    /// Probes.
    pub probes: Vec<Probe>,
    /// Resource limits (`cpu` -> `500m`).
    pub limits: Vec<(String, String)>,
    /// Resource requests.
    pub requests: Vec<(String, String)>,
}

/// An owner reference (`ReplicaSet/web-5d4f`, `Job/backup-28211`).
pub type Owner = ObjectRef;

/// A pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Pod {
    /// 1-based line of the source where the pod starts.
    pub line: u64,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Node it is bound to.
    pub node: Option<String>,
    /// Owners (`metadata.ownerReferences`, describe `Controlled By`).
    pub owners: Vec<Owner>,
    /// Phase or the status word kubectl printed (`Running`, `Evicted`, `Init:0/1`, `CrashLoopBackOff`).
    pub status: Option<String>,
    /// `status.reason` (`Evicted`, `NodeLost`, ...).
    pub reason: Option<String>,
    /// `status.message`.
    pub message: Option<String>,
    /// Ready containers as kubectl prints them (`0/1`).
    pub ready: Option<String>,
    /// Creation time.
    pub created: Option<When>,
    /// Start time.
    pub started: Option<When>,
    /// Containers (init containers first).
    pub containers: Vec<Container>,
    /// Read from a static pod manifest (`/etc/kubernetes/manifests/*.yaml`).
    pub static_manifest: bool,
    /// `metadata.uid` (kernel OOM lines name a pod by it in the memory cgroup path).
    pub uid: Option<String>,
}

/// A node or pod condition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    /// Type (`Ready`, `DiskPressure`, `MemoryPressure`, `PIDPressure`, ...).
    pub kind: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// Reason (`KubeletNotReady`, `KubeletHasDiskPressure`).
    pub reason: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// Last heartbeat.
    pub last_heartbeat: Option<When>,
    /// Last transition.
    pub last_transition: Option<When>,
}

/// A node.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Node {
    /// 1-based line of the source where the node starts.
    pub line: u64,
    /// Name.
    pub name: String,
    /// Status word kubectl printed (`Ready`, `NotReady`, `Ready,SchedulingDisabled`).
    pub status: Option<String>,
    /// Roles (`control-plane`, `<none>` is left out).
    pub roles: Vec<String>,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// Kubelet version (`v1.28.5+k3s1`).
    pub kubelet_version: Option<String>,
    /// Container runtime version (`containerd://1.6.21`).
    pub runtime_version: Option<String>,
    /// Kernel version.
    pub kernel_version: Option<String>,
    /// OS image.
    pub os_image: Option<String>,
    /// Creation time.
    pub created: Option<When>,
    /// Taints (`node.kubernetes.io/disk-pressure:NoSchedule`).
    pub taints: Vec<String>,
    /// Cordoned.
    pub unschedulable: bool,
}

/// A Job.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Job {
    /// 1-based line of the source where the Job starts.
    pub line: u64,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Owners (the CronJob).
    pub owners: Vec<Owner>,
    /// Creation time.
    pub created: Option<When>,
    /// `status.startTime`.
    pub started: Option<When>,
    /// `status.completionTime`.
    pub completed: Option<When>,
    /// Active pods.
    pub active: Option<u32>,
    /// Succeeded pods.
    pub succeeded: Option<u32>,
    /// Failed pods.
    pub failed: Option<u32>,
    /// Completions as kubectl prints them (`0/1`).
    pub completions: Option<String>,
    /// Conditions (`Complete`, `Failed`).
    pub conditions: Vec<Condition>,
}

/// A CronJob.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CronJob {
    /// 1-based line of the source where the CronJob starts.
    pub line: u64,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Schedule (`*/1 * * * *`).
    pub schedule: Option<String>,
    /// Suspended.
    pub suspend: Option<bool>,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: Option<String>,
    /// successfulJobsHistoryLimit.
    pub successful_history_limit: Option<u32>,
    /// failedJobsHistoryLimit.
    pub failed_history_limit: Option<u32>,
    /// startingDeadlineSeconds.
    pub starting_deadline_s: Option<i64>,
    /// Active Jobs (names when the dump lists them).
    pub active_jobs: Vec<String>,
    /// Active count as printed (`ACTIVE` column), when names are not known.
    pub active: Option<u32>,
    /// Last schedule time.
    pub last_schedule: Option<When>,
    /// Creation time.
    pub created: Option<When>,
}

/// One webhook of a validating or mutating webhook configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Webhook {
    /// 1-based line of the source where the configuration starts.
    pub line: u64,
    /// `validating` or `mutating`.
    pub admission: String,
    /// Configuration name.
    pub configuration: String,
    /// Webhook name (`pod-policy.example.com`).
    pub name: String,
    /// Service as `namespace/name[:port][/path]`.
    pub service: Option<String>,
    /// URL, when called by URL.
    pub url: Option<String>,
    /// timeoutSeconds (API default: 10 in v1, 30 in v1beta1).
    pub timeout_s: Option<u32>,
    /// `Fail` or `Ignore` (API default: Fail in v1, Ignore in v1beta1).
    pub failure_policy: Option<String>,
    /// Rules, one string each (`CREATE pods`).
    pub rules: Vec<String>,
}

/// A time the dump itself says it was taken at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TakenAt {
    /// Nanoseconds since 1970-01-01 UTC.
    pub at: i64,
    /// 1-based line where it is written.
    pub line: u64,
    /// What it is (`date line`, `header comment`, `newest absolute time in the describe output`).
    pub why: String,
}

/// What kind of dump a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DumpKind {
    /// `kubectl get events` / `kubectl events` table.
    EventsTable,
    /// `kubectl get pods|nodes|jobs|cronjobs` table.
    GetTable,
    /// `kubectl describe` output.
    Describe,
    /// JSON objects (`-o json`, cluster-info dump files).
    Json,
    /// YAML objects (`-o yaml`, manifests, must-gather).
    Yaml,
    /// `kubectl cluster-info dump` to stdout: JSON documents and `==== START logs ... ====` blocks.
    ClusterInfoStream,
}

impl DumpKind {
    /// Name shown as the input's format.
    pub fn name(self) -> &'static str {
        match self {
            DumpKind::EventsTable => "kubectl-events-table",
            DumpKind::GetTable => "kubectl-get-table",
            DumpKind::Describe => "kubectl-describe",
            DumpKind::Json => "kubectl-json",
            DumpKind::Yaml => "kubectl-yaml",
            DumpKind::ClusterInfoStream => "cluster-info-dump",
        }
    }
}

/// Everything read from one dump.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dump {
    /// Events.
    pub events: Vec<Event>,
    /// Pods.
    pub pods: Vec<Pod>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Jobs.
    pub jobs: Vec<Job>,
    /// CronJobs.
    pub cronjobs: Vec<CronJob>,
    /// Webhooks.
    pub webhooks: Vec<Webhook>,
    /// Times the dump says it was taken at.
    pub taken_at: Vec<TakenAt>,
    /// Newest absolute time written anywhere in the dump (ns), a lower bound of when it was taken.
    pub newest_absolute: Option<i64>,
    /// Table rows or objects read.
    pub rows: u64,
    /// Lines that belong to the dump's structure (headers, separators, section titles, object text).
    pub structure_lines: u64,
    /// What could not be read: `(1-based line, reason)`.
    pub skipped: Vec<(u64, String)>,
}

impl Dump {
    /// Notes an absolute time seen in the dump.
    pub fn saw_absolute(&mut self, w: When) {
        if let When::At(t) = w {
            self.newest_absolute = Some(self.newest_absolute.map_or(t, |n| n.max(t)));
        }
    }

    /// Appends another dump's content (a cluster-info stream holds many documents).
    pub fn extend(&mut self, other: Dump) {
        self.events.extend(other.events);
        self.pods.extend(other.pods);
        self.nodes.extend(other.nodes);
        self.jobs.extend(other.jobs);
        self.cronjobs.extend(other.cronjobs);
        self.webhooks.extend(other.webhooks);
        self.taken_at.extend(other.taken_at);
        if let Some(t) = other.newest_absolute {
            self.saw_absolute(When::At(t));
        }
        self.rows += other.rows;
        self.structure_lines += other.structure_lines;
        self.skipped.extend(other.skipped);
    }
}

/// The API spelling of a kind as kubectl prints it (`pod` -> `Pod`, `job.batch` -> `Job`,
/// `cronjob` -> `CronJob`, `replicaset.apps` -> `ReplicaSet`). Unknown kinds keep their spelling with the
/// first letter raised.
pub fn canonical_kind(written: &str) -> String {
    let base = written.split('.').next().unwrap_or(written);
    const KNOWN: &[&str] = &[
        "Pod",
        "Node",
        "Job",
        "CronJob",
        "ReplicaSet",
        "ReplicationController",
        "Deployment",
        "DaemonSet",
        "StatefulSet",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
        "Namespace",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Ingress",
        "Lease",
        "PodDisruptionBudget",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "Event",
    ];
    if let Some(k) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(base)) {
        return (*k).to_string();
    }
    let mut c = base.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Parses a dump of a known kind. `ClusterInfoStream` yields only its JSON documents here; the caller scans
/// the log blocks between them as log lines (see [`objects::split_stream`]).
pub fn parse(kind: DumpKind, text: &[u8]) -> Dump {
    match kind {
        DumpKind::EventsTable => events_table::parse(text),
        DumpKind::GetTable => get_table::parse(text),
        DumpKind::Describe => describe::parse(text),
        DumpKind::Json => objects::parse_json(text),
        DumpKind::Yaml => objects::parse_yaml(text),
        DumpKind::ClusterInfoStream => {
            let mut d = Dump::default();
            for region in objects::split_stream(text) {
                if let objects::Region::Json { dump, .. } = region {
                    d.extend(dump);
                }
            }
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_in_api_spelling() {
        assert_eq!(canonical_kind("pod"), "Pod");
        assert_eq!(canonical_kind("Pod"), "Pod");
        assert_eq!(canonical_kind("job.batch"), "Job");
        assert_eq!(canonical_kind("cronjob"), "CronJob");
        assert_eq!(canonical_kind("replicaset.apps"), "ReplicaSet");
        assert_eq!(canonical_kind("mycrd"), "Mycrd");
    }

    #[test]
    fn ages_are_placed_mid_interval() {
        let taken = 1_000_000 * 1_000_000_000i64;
        let w = When::Ago {
            secs: 480,
            resolution: 60,
        };
        let (at, pm) = w.place(Some(taken)).unwrap();
        assert_eq!(at, taken - 510 * 1_000_000_000);
        assert_eq!(pm, 30.0);
        assert_eq!(w.place(None), None);
        assert_eq!(When::At(5).place(None), Some((5, 0.0)));
        assert_eq!(When::Unknown.place(Some(taken)), None);
    }
}
