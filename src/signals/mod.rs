//! Typed signals: what a line says, independent of the format it was written in.
//!
//! A table of literal signatures (matched case-insensitively with one Aho-Corasick automaton) maps a message to
//! a [`SignalKind`]. A kubelet log line and the Event it emitted carry the same words, so both become the same
//! signal and detectors never look at formats. A second, smaller automaton of error words decides whether a
//! line without a level marker (container output, kernel, systemd) is worth keeping.

pub mod magnitude;

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Serialize;
use std::sync::OnceLock;

/// What a record says, when it says something an incident detector needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    /// A liveness/readiness/startup probe failed or errored.
    ProbeFailed,
    /// The kubelet killed a container (failed liveness probe, stopping container).
    ContainerKilled,
    /// A container is in CrashLoopBackOff / back-off restarting.
    CrashLoop,
    /// The eviction manager saw a threshold met and tries to reclaim a resource.
    EvictionThresholdMet,
    /// A pod was evicted.
    PodEvicted,
    /// A node reports disk pressure or image-filesystem usage over the GC threshold.
    DiskPressure,
    /// Image garbage collection could not free enough space.
    ImageGcFailed,
    /// An image pull started.
    PullStarted,
    /// An image pull finished.
    PullDone,
    /// An image pull failed or is backing off.
    PullFailed,
    /// An admission webhook call failed or timed out.
    WebhookCallFailed,
    /// A controller created (or failed to create) a Pod or a Job.
    ObjectCreated,
    /// A node became NotReady / Unknown.
    NodeNotReady,
    /// A node became Ready again.
    NodeReady,
    /// A node's disk pressure is over (`NodeHasNoDiskPressure`).
    PressureCleared,
    /// The kubelet's pod lifecycle event generator is unhealthy.
    PlegUnhealthy,
    /// A client waited because of client-side throttling.
    ClientThrottled,
    /// The kernel or the runtime killed a process for lack of memory.
    OomKill,
    /// A thread or process could not be created (PID / thread exhaustion).
    ForkFailed,
    /// A process reports it was told to terminate.
    TerminatedBySignal,
    /// The kubelet's status manager sent a pod's status to the API server (`Patch status for pod`, V(3)).
    PodStatusReported,
    /// etcd is slow, lost its leader or ran out of space.
    EtcdSlow,
    /// The container runtime does not answer.
    RuntimeUnavailable,
    /// The scheduler could not place a pod.
    SchedulingFailed,
    /// The kernel reports a hung task, a panic, a lockup or a filesystem error.
    KernelTrouble,
    /// The node rebooted (journald `-- Reboot --`, kubelet `Rebooted`).
    NodeRebooted,
    /// A Kubernetes Event echoed in a component log.
    EventEcho,
    /// A zombie process in a process listing (`<defunct>`).
    ZombieProcess,
    /// A gRPC call or a daemon operation ran out of time (`rpc error: code = DeadlineExceeded`, old gRPC
    /// `code = 4`, dockershim `operation timeout: context deadline exceeded`). On a node, calls to the container
    /// runtime; the `container-runtime-hang` detector keeps those.
    DeadlineExceeded,
    /// A component states its version (`Version: v1.28.5`, `"Kubelet version" kubeletVersion="v1.27.9"`,
    /// `kubectl version`'s `Server Version: v1.28.5`).
    VersionInfo,
}

impl SignalKind {
    /// Stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        use SignalKind::*;
        match self {
            ProbeFailed => "probe-failed",
            ContainerKilled => "container-killed",
            CrashLoop => "crash-loop",
            EvictionThresholdMet => "eviction-threshold-met",
            PodEvicted => "pod-evicted",
            DiskPressure => "disk-pressure",
            ImageGcFailed => "image-gc-failed",
            PullStarted => "pull-started",
            PullDone => "pull-done",
            PullFailed => "pull-failed",
            WebhookCallFailed => "webhook-call-failed",
            ObjectCreated => "object-created",
            NodeNotReady => "node-not-ready",
            NodeReady => "node-ready",
            PressureCleared => "pressure-cleared",
            PlegUnhealthy => "pleg-unhealthy",
            ClientThrottled => "client-throttled",
            OomKill => "oom-kill",
            ForkFailed => "fork-failed",
            TerminatedBySignal => "terminated-by-signal",
            PodStatusReported => "pod-status-reported",
            EtcdSlow => "etcd-slow",
            RuntimeUnavailable => "runtime-unavailable",
            SchedulingFailed => "scheduling-failed",
            KernelTrouble => "kernel-trouble",
            NodeRebooted => "node-rebooted",
            EventEcho => "event-echo",
            ZombieProcess => "zombie-process",
            DeadlineExceeded => "deadline-exceeded",
            VersionInfo => "version-info",
        }
    }
}

/// Signatures, most specific first: the first pattern (in this order) found in a message names its signal.
/// Wording from formats.md across versions (`Killing container with id` ≤1.13, `failed liveness probe, will be
/// restarted` ≥1.14, `Wanted to free` / `Attempted to free`, `Throttling request took` / `Waited for`).
const SIGNATURES: &[(&str, SignalKind)] = &[
    ("PLEG is not healthy", SignalKind::PlegUnhealthy),
    ("garbage collect required amount of images", SignalKind::ImageGcFailed),
    ("Image garbage collection failed", SignalKind::ImageGcFailed),
    ("ImageGCFailed", SignalKind::ImageGcFailed),
    ("FreeDiskSpaceFailed", SignalKind::ImageGcFailed),
    ("failed liveness probe", SignalKind::ContainerKilled),
    ("failed startup probe", SignalKind::ContainerKilled),
    ("Killing container", SignalKind::ContainerKilled),
    ("Stopping container", SignalKind::ContainerKilled),
    ("probe failed", SignalKind::ProbeFailed),
    ("probe errored", SignalKind::ProbeFailed),
    ("CrashLoopBackOff", SignalKind::CrashLoop),
    ("Back-off restarting failed container", SignalKind::CrashLoop),
    ("is evicted successfully", SignalKind::PodEvicted),
    ("pods evicted, waiting", SignalKind::PodEvicted),
    ("The node was low on resource", SignalKind::PodEvicted),
    ("reason: 'Evicted'", SignalKind::PodEvicted),
    ("reason=\"Evicted\"", SignalKind::PodEvicted),
    ("attempting to reclaim", SignalKind::EvictionThresholdMet),
    ("must evict pod", SignalKind::EvictionThresholdMet),
    ("eviction thresholds have been met", SignalKind::EvictionThresholdMet),
    ("EvictionThresholdMet", SignalKind::EvictionThresholdMet),
    ("pods ranked for eviction", SignalKind::EvictionThresholdMet),
    ("NodeHasDiskPressure", SignalKind::DiskPressure),
    ("NodeHasNoDiskPressure", SignalKind::PressureCleared),
    ("conditions: [DiskPressure]", SignalKind::DiskPressure),
    ("over the high threshold", SignalKind::DiskPressure),
    ("Successfully pulled image", SignalKind::PullDone),
    ("Failed to pull image", SignalKind::PullFailed),
    ("Back-off pulling image", SignalKind::PullFailed),
    ("ErrImagePull", SignalKind::PullFailed),
    ("ImagePullBackOff", SignalKind::PullFailed),
    ("Pulling image", SignalKind::PullStarted),
    ("failed calling webhook", SignalKind::WebhookCallFailed),
    ("failed to call webhook", SignalKind::WebhookCallFailed),
    ("Call validating webhook", SignalKind::WebhookCallFailed),
    ("Call mutating webhook", SignalKind::WebhookCallFailed),
    ("Kubelet stopped posting node status", SignalKind::NodeNotReady),
    ("Node became not ready", SignalKind::NodeNotReady),
    ("NodeNotReady", SignalKind::NodeNotReady),
    ("is NotReady", SignalKind::NodeNotReady),
    ("NodeStatusUnknown", SignalKind::NodeNotReady),
    ("is unresponsive", SignalKind::NodeNotReady),
    ("healthy again", SignalKind::NodeReady),
    ("status is now: NodeReady", SignalKind::NodeReady),
    ("event=\"NodeReady\"", SignalKind::NodeReady),
    ("Throttling request took", SignalKind::ClientThrottled),
    ("due to client-side throttling", SignalKind::ClientThrottled),
    ("Patch status for pod", SignalKind::PodStatusReported),
    ("Status for pod updated successfully", SignalKind::PodStatusReported),
    ("invoked oom-killer", SignalKind::OomKill),
    ("Out of memory", SignalKind::OomKill),
    ("Memory cgroup out of memory", SignalKind::OomKill),
    ("oom-kill:", SignalKind::OomKill),
    ("OOMKilled", SignalKind::OomKill),
    ("Killed process", SignalKind::OomKill),
    ("OOMKilling", SignalKind::OomKill),
    ("System OOM encountered", SignalKind::OomKill),
    ("TaskOOM", SignalKind::OomKill),
    ("pthread_create failed", SignalKind::ForkFailed),
    ("fork rejected by pids controller", SignalKind::ForkFailed),
    ("resource temporarily unavailable", SignalKind::ForkFailed),
    ("NodeHasInsufficientPID", SignalKind::ForkFailed),
    ("received terminated signal", SignalKind::TerminatedBySignal),
    ("received signal; shutting down", SignalKind::TerminatedBySignal),
    ("apply request took too long", SignalKind::EtcdSlow),
    ("sync duration of", SignalKind::EtcdSlow),
    ("took too long", SignalKind::EtcdSlow),
    ("failed to send out heartbeat", SignalKind::EtcdSlow),
    ("lost leader", SignalKind::EtcdSlow),
    ("elected leader", SignalKind::EtcdSlow),
    ("changed leader from", SignalKind::EtcdSlow),
    ("database space exceeded", SignalKind::EtcdSlow),
    ("alarm NOSPACE", SignalKind::EtcdSlow),
    ("NOSPACE", SignalKind::EtcdSlow),
    ("etcdserver: no space", SignalKind::EtcdSlow),
    ("slow fdatasync", SignalKind::EtcdSlow),
    ("etcdserver: request timed out", SignalKind::EtcdSlow),
    ("etcdserver: leader changed", SignalKind::EtcdSlow),
    ("Cannot connect to the Docker daemon", SignalKind::RuntimeUnavailable),
    ("container runtime is down", SignalKind::RuntimeUnavailable),
    (
        "container runtime status check may not have completed",
        SignalKind::RuntimeUnavailable,
    ),
    (
        "transport: Error while dialing dial unix",
        SignalKind::RuntimeUnavailable,
    ),
    ("Container runtime not ready", SignalKind::RuntimeUnavailable),
    ("code = DeadlineExceeded", SignalKind::DeadlineExceeded),
    (
        "code = 4 desc = context deadline exceeded",
        SignalKind::DeadlineExceeded,
    ),
    (
        "operation timeout: context deadline exceeded",
        SignalKind::DeadlineExceeded,
    ),
    ("FailedScheduling", SignalKind::SchedulingFailed),
    ("nodes are available", SignalKind::SchedulingFailed),
    ("Unable to schedule", SignalKind::SchedulingFailed),
    ("blocked for more than", SignalKind::KernelTrouble),
    ("Kernel panic", SignalKind::KernelTrouble),
    ("soft lockup", SignalKind::KernelTrouble),
    ("Remounting filesystem read-only", SignalKind::KernelTrouble),
    ("EXT4-fs error", SignalKind::KernelTrouble),
    ("nf_conntrack: table full", SignalKind::KernelTrouble),
    ("reason: 'Rebooted'", SignalKind::NodeRebooted),
    ("Created pod:", SignalKind::ObjectCreated),
    ("Created job", SignalKind::ObjectCreated),
    ("Error creating:", SignalKind::ObjectCreated),
    ("Event(v1.ObjectReference", SignalKind::EventEcho),
    ("Event(api.ObjectReference", SignalKind::EventEcho),
    ("\"Event occurred\"", SignalKind::EventEcho),
    ("Event occurred", SignalKind::EventEcho),
    ("<defunct>", SignalKind::ZombieProcess),
    ("Version: v1.", SignalKind::VersionInfo),
    ("kubeletVersion=", SignalKind::VersionInfo),
    ("GitVersion:\"v", SignalKind::VersionInfo),
];

/// Case-sensitive fragments of which every signature (with its first letter in either case) contains one.
/// Searched with SIMD (Teddy) before the full case-insensitive table runs, so the ~90% of lines that say
/// nothing known cost a few nanoseconds. The test `every_signature_has_an_anchor` keeps this list honest.
///
/// Teddy finds candidates by an anchor's first four bytes and verifies each: an anchor starts where those bytes
/// are rare in logs (`imed out`, not `timed out`: `time` opens every logrus line; ` webhook`, not `ing …`).
/// The order matters too: it decides which anchors share a Teddy bucket, and a bucket raises a candidate
/// wherever text mixes its anchors' nibbles. The order below was tuned on the benchmark bundle's messages by
/// `cargo run --release --example anchor-buckets -- BUNDLE --swaps 3000` (about 7 times fewer false candidates,
/// a prefilter about 20% faster than the written order, on x86-64 with AVX2); re-run it after adding an anchor.
pub const ANCHORS: &[&str] = &[
    "ack-off",
    "LEG is",
    "heartbeat",
    "NOSPACE",
    " webhook",
    "oom-kill",
    "Rebooted",
    "ync duration",
    "opped posting",
    "OOMKill",
    "o pull image",
    "t occurred",
    "illing cont",
    "ulled image",
    "reclaim",
    "hrottling",
    "ok too long",
    "leader",
    "be errored",
    "tusUnknown",
    "ime status",
    "al unix",
    "of memory",
    "locked for more",
    "oft lockup",
    "n: v1",
    "be failed",
    "ut: cont",
    "d process",
    "us for pod",
    "ulling image",
    "vent(",
    "high threshold",
    "imed out",
    "r: no space",
    "tVersion",
    "d liveness",
    "r creating",
    "em OOM",
    "edScheduling",
    "o schedule",
    "e available",
    "d pod:",
    "emporarily unavailable",
    "hy again",
    "NotReady",
    "askOOM",
    "ce exceeded",
    "DiskPressure",
    "d signal",
    "nel panic",
    "rk rejected",
    "agePull",
    "odeReady",
    "FreeDiskSp",
    "fs error",
    "d startup",
    "Docker daemon",
    "nresponsive",
    "thread_create",
    "ageGC",
    "defunct>",
    "4 desc",
    "ad-only",
    "fdatasync",
    "ntPID",
    "CrashLoop",
    "table full",
    "arbage coll",
    "topping cont",
    "d job",
    "ow on resource",
    "vict",
    "me is down",
    "neExceeded",
    "ot ready",
];

/// How many of [`ANCHORS`] the first searcher holds; the rest, at most 32, go to the second. With AVX2, Teddy's
/// fat variant (33 to 64 anchors in 16 buckets) scans 16 bytes a step and its slim one (up to 32 in 8 buckets)
/// 32: a fat and a slim searcher cost less per line than two fat ones. (Without AVX2 both are slim.)
pub const FIRST_SEARCHER: usize = 44;

/// The anchors of each searcher.
pub fn anchor_sets() -> [&'static [&'static str]; 2] {
    let (first, second) = ANCHORS.split_at(FIRST_SEARCHER);
    [first, second]
}

/// Words that make a line without a level marker worth keeping.
const ERROR_WORDS: &[&str] = &[
    "error",
    "fail",
    "fatal",
    "panic",
    "timeout",
    "timed out",
    "refused",
    "denied",
    "killed",
    "unable to",
    "cannot",
    "exceeded",
    "unhealthy",
    "no space left",
    "exited",
];

struct Tables {
    anchors: Vec<packed::Searcher>,
    signatures: AhoCorasick,
    error_words: AhoCorasick,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let build = |pats: Vec<&str>| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(pats)
                .expect("signature table builds")
        };
        // Teddy takes at most 64 patterns and is fastest with few: two searchers. Where no SIMD searcher can be
        // built (old CPUs), the anchors list is empty and every line goes to the full table.
        let anchors: Option<Vec<packed::Searcher>> =
            anchor_sets().iter().map(|c| packed::Searcher::new(c.iter())).collect();
        Tables {
            anchors: anchors.unwrap_or_default(),
            signatures: build(SIGNATURES.iter().map(|(p, _)| *p).collect()),
            error_words: build(ERROR_WORDS.to_vec()),
        }
    })
}

/// Whether every occurrence of `kind` is its own timeline row: each OOM kill names its own process, pid and
/// pod (masked alike in the collapse key), and there are few.
pub fn keeps_every_occurrence(kind: SignalKind) -> bool {
    kind == SignalKind::OomKill
}

/// The signal a message carries, if any. When several signatures occur, the one listed first in the table wins.
pub fn classify(message: &[u8]) -> Option<SignalKind> {
    if !prefilter(message) {
        return None;
    }
    classify_full(message)
}

/// Whether `text` may hold a signature: a SIMD search for the anchors. `false` is certain (no signature can be
/// in `text`); `true` only means [`classify_full`] must look.
pub fn prefilter(text: &[u8]) -> bool {
    let t = tables();
    t.anchors.is_empty() || t.anchors.iter().any(|s| s.find(text).is_some())
}

/// [`classify`] without the prefilter, for text already known to pass it.
pub fn classify_full(message: &[u8]) -> Option<SignalKind> {
    let t = tables();
    t.signatures
        .find_iter(message)
        .map(|m| m.pattern().as_usize())
        .min()
        .map(|i| SIGNATURES[i].1)
}

/// Whether a message holds an error word (`error`, `failed`, `timeout`, ...).
pub fn has_error_word(message: &[u8]) -> bool {
    tables().error_words.is_match(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_fact_from_log_line_and_event() {
        // kubelet log line (k8s#45419) and the describe Event (k8s#71869) name the same signal kinds.
        assert_eq!(
            classify(b"Node became not ready: {Type:Ready Status:False Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m7.629592089s ago; threshold is 3m0s}"),
            Some(SignalKind::PlegUnhealthy)
        );
        assert_eq!(
            classify(b"failed to garbage collect required amount of images. Wanted to free 898760704 bytes, but freed 0 bytes"),
            Some(SignalKind::ImageGcFailed)
        );
        assert_eq!(
            classify(b"Failed to garbage collect required amount of images. Attempted to free 6238860902 bytes, but only found 600245899 bytes eligible to free."),
            Some(SignalKind::ImageGcFailed)
        );
        assert_eq!(
            classify(b"Killing container with id docker://calico-node:Container failed liveness probe.. Container will be killed and recreated."),
            Some(SignalKind::ContainerKilled)
        );
        assert_eq!(
            classify(b"Container gadget failed liveness probe, will be restarted"),
            Some(SignalKind::ContainerKilled)
        );
        assert_eq!(
            classify(b"Liveness probe failed: ls: cannot access '/var/opt/liveness': No such file or directory"),
            Some(SignalKind::ProbeFailed)
        );
        assert_eq!(
            classify(b"Waited for 1.157933116s due to client-side throttling, not priority and fairness, request: GET:https://192.168.111.249:6443/apis/authorization.k8s.io/v1?timeout=32s"),
            Some(SignalKind::ClientThrottled)
        );
        assert_eq!(
            classify(b"runtime/cgo: pthread_create failed: No space left on device"),
            Some(SignalKind::ForkFailed)
        );
        assert_eq!(classify(b"SyncLoop (PLEG): event for pod"), None);
    }

    #[test]
    fn every_signature_has_an_anchor() {
        // Wording drifts by the case of a first letter (`Back-off`/`back-off`); acronyms (`PLEG`) do not.
        let flip = |s: &str| {
            let mut c: Vec<char> = s.chars().collect();
            if !s.contains(' ') {
                // Event reasons (`ImageGCFailed`) are identifiers: their case never changes.
            } else if c[0].is_ascii_lowercase() {
                c[0] = c[0].to_ascii_uppercase();
            } else if c.get(1).is_some_and(|x| x.is_ascii_lowercase()) {
                c[0] = c[0].to_ascii_lowercase();
            }
            c.into_iter().collect::<String>()
        };
        let mut missing = Vec::new();
        for (sig, kind) in SIGNATURES {
            for variant in [sig.to_string(), flip(sig)] {
                if !ANCHORS.iter().any(|a| variant.contains(a)) {
                    missing.push(variant);
                } else {
                    assert_eq!(classify(variant.as_bytes()), Some(*kind), "{variant:?}");
                }
            }
        }
        assert!(missing.is_empty(), "no anchor for {missing:?}");
    }

    #[test]
    fn anchors_fill_one_fat_and_one_slim_searcher() {
        // More than 64 in a searcher would not build; a second searcher over 32 would be fat (half as fast).
        let [fat, slim] = anchor_sets();
        assert!((33..=64).contains(&fat.len()), "first searcher holds {}", fat.len());
        assert!(
            !slim.is_empty() && slim.len() <= 32,
            "second searcher holds {}",
            slim.len()
        );
        let mut seen = std::collections::HashSet::new();
        assert!(ANCHORS.iter().all(|a| seen.insert(a)), "an anchor listed twice");
        assert!(ANCHORS.iter().all(|a| a.len() >= 4), "Teddy masks four bytes");
    }

    #[test]
    fn old_oom_and_wal_sync_shapes() {
        // Azure RHEL 7 doc (formats.md 9.1) and etcd's WAL fsync warning.
        assert_eq!(
            classify(b"Killed process 45465 (tail), UID 0, total-vm:7582132kB, anon-rss:7420324kB, file-rss:0kB, shmem-rss:0kB"),
            Some(SignalKind::OomKill)
        );
        assert_eq!(
            classify(b"wal: sync duration of 1.364934595s, expected less than 1s"),
            Some(SignalKind::EtcdSlow)
        );
    }

    #[test]
    fn error_words_are_case_insensitive() {
        assert!(has_error_word(
            b"kubelet.service: Main process exited, code=exited, status=255/EXCEPTION"
        ));
        assert!(has_error_word(b"Connection REFUSED"));
        assert!(!has_error_word(b"Started Kubernetes Kubelet."));
    }
}
