//! Deterministic generator of large, realistic Kubernetes incident bundles.
//!
//! Shared by the criterion benches and the `gen-bundle` example through `#[path = "gen/mod.rs"] mod gen;`.
//! std only: a splitmix64 PRNG, hand-written integer/time formatting into a reused `Vec<u8>`, one
//! `BufWriter` per file and one worker thread per core. The same `BundleSpec` always produces
//! byte-identical files (every file has its own PRNG stream derived from the seed and its name).
//!
//! Layout (see `/work/shared/formats.md` for every line shape):
//! ```text
//! nodes/<node>/kubelet.log                    journald short-precise + klog (1.20 / 1.23 / 1.27 / 1.28 eras)
//! nodes/<node>/docker.log | containerd.log    journald short + logrus
//! nodes/<node>/kern.log                       rsyslog traditional (space-padded day) + printk time, on ~1/4 of nodes
//! control-plane/<node>/etcd.log               etcd 3.5.9 zap JSON (trimmed-µs `ts`)
//! control-plane/<node>/kube-apiserver.log     klog, Trace[...] blocks, webhook W/E pairs, etcd-client JSON
//! control-plane/<node>/kube-controller-manager.log, kube-scheduler.log
//! kubectl/events.txt                          `kubectl get events -A` table
//! ```
//! Byte budget: kubelet 55 %, runtime 20 %, apiserver 10 %, etcd 8 %, controller-manager + scheduler 5 %,
//! kernel + events 2 %. Real line shapes (36-char UIDs, 64-hex container IDs, journald + klog headers) average
//! ~250 bytes, so 1 GiB ≈ 4.3 M lines in 75 files for 27 nodes.
//! All times fall on 2023-11-07 between 03:30 and 10:30 UTC; the incidents (webhook time-outs, slow etcd,
//! a memcg OOM kill, a PLEG NotReady node, a disk-pressure node) happen in the last two hours.
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What to generate.
#[derive(Clone, Debug)]
pub struct BundleSpec {
    /// Approximate total size of all files (the result overshoots by at most one record per file).
    pub target_bytes: u64,
    /// Number of nodes; the first three (or fewer) also carry the control plane.
    pub nodes: usize,
    pub seed: u64,
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BundleStats {
    pub files: usize,
    pub lines: u64,
    pub bytes: u64,
}

/// Writes the bundle below `dir` (created if missing). Existing files with the same names are overwritten.
pub fn write_bundle(dir: &Path, spec: &BundleSpec) -> io::Result<BundleStats> {
    let nodes = spec.nodes.max(1);
    let cluster = Cluster::new(nodes, spec.seed);
    let mut jobs = plan(&cluster, spec.target_bytes.max(64 * 1024));
    // Largest first so the workers finish together.
    jobs.sort_by(|a, b| b.budget.cmp(&a.budget).then(a.path.cmp(&b.path)));
    for j in &jobs {
        if let Some(parent) = dir.join(&j.path).parent() {
            fs::create_dir_all(parent)?;
        }
    }
    let next = AtomicUsize::new(0);
    let stats = Mutex::new(BundleStats::default());
    let first_err: Mutex<Option<io::Error>> = Mutex::new(None);
    let workers = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .clamp(1, jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs.len() || first_err.lock().unwrap().is_some() {
                    break;
                }
                let job = &jobs[i];
                match run_job(&cluster, job, &dir.join(&job.path), spec.seed) {
                    Ok((lines, bytes)) => {
                        let mut st = stats.lock().unwrap();
                        st.files += 1;
                        st.lines += lines;
                        st.bytes += bytes;
                    }
                    Err(e) => {
                        let mut fe = first_err.lock().unwrap();
                        if fe.is_none() {
                            *fe = Some(io::Error::new(e.kind(), format!("{}: {e}", job.path.display())));
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = first_err.into_inner().unwrap() {
        return Err(e);
    }
    Ok(stats.into_inner().unwrap())
}

// ------------------------------------------------------------------------------------------------
// Time window: Tuesday 2023-11-07, UTC. Times are µs since midnight.

const US: u64 = 1_000_000;
const DAY_EPOCH: u64 = 1_699_315_200; // 2023-11-07T00:00:00Z
const MON: &str = "Nov";
const DD: &str = "07"; // journald: zero padded
const DD_SYSLOG: &str = " 7"; // rsyslog %e: space padded
const MMDD: &str = "1107"; // klog
const DATE_ISO: &str = "2023-11-07";
const DATE_TRACE: &str = "07-Nov-2023";

const fn hms(h: u64, m: u64, s: u64) -> u64 {
    (h * 3600 + m * 60 + s) * US
}
const WIN_START: u64 = hms(3, 30, 0);
const WIN_END: u64 = hms(10, 30, 0);
/// When `kubectl get events -A` was captured (ages in events.txt are relative to this).
const CAPTURE: u64 = hms(10, 34, 17);
const DISK_START: u64 = hms(8, 51, 12);
const DISK_END: u64 = hms(10, 21, 40);
const WEBHOOK_START: u64 = hms(9, 17, 48);
const WEBHOOK_END: u64 = hms(9, 43, 5);
const ETCD_SLOW_START: u64 = hms(9, 24, 31);
const ETCD_SLOW_END: u64 = hms(9, 36, 2);
const OOM_AT: u64 = hms(9, 41, 27) + 318_204;
const OOM_END: u64 = hms(10, 6, 0);
const NOTREADY_START: u64 = hms(9, 52, 10) + 84_411;
const NOTREADY_END: u64 = hms(9, 58, 43) + 912_003;

#[inline]
fn within(t: u64, a: u64, b: u64) -> bool {
    t >= a && t < b
}

// ------------------------------------------------------------------------------------------------
// PRNG (splitmix64).

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5851_F42D_4C95_7F2D)
    }
    #[inline]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    #[inline]
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    #[inline]
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    #[inline]
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    #[inline]
    fn pick_str(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len() as u64) as usize]
    }
    #[inline]
    fn idx(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

fn hash_str(s: &str, seed: u64) -> u64 {
    let mut h = seed ^ 0xCBF2_9CE4_8422_2325;
    for &c in s.as_bytes() {
        h = (h ^ c as u64).wrapping_mul(0x0000_0100_0000_01B3);
    }
    Rng::new(h).next()
}

// ------------------------------------------------------------------------------------------------
// Formatting into a Vec<u8> without allocation.

const HEX: &[u8; 16] = b"0123456789abcdef";
/// Kubernetes `rand.String` / SafeEncodeString alphabet (pod and ReplicaSet name suffixes).
const K8S_ALNUM: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

trait Put {
    fn s(&mut self, s: &str) -> &mut Self;
    fn c(&mut self, c: u8) -> &mut Self;
    fn u(&mut self, v: u64) -> &mut Self;
    fn zn(&mut self, v: u64, width: u32) -> &mut Self;
    fn hex(&mut self, r: &mut Rng, n: usize) -> &mut Self;
    fn alnum(&mut self, r: &mut Rng, n: usize) -> &mut Self;
    fn frac(&mut self, f: u64, prec: u32) -> &mut Self;
    fn dur(&mut self, ns: u64) -> &mut Self;
    fn hms(&mut self, t: u64) -> &mut Self;
    fn hmsu(&mut self, t: u64) -> &mut Self;
    fn hmsm(&mut self, t: u64) -> &mut Self;
    fn iso_nano(&mut self, t: u64, sub_us_ns: u64) -> &mut Self;
    fn iso_trim(&mut self, t: u64) -> &mut Self;
    fn iso_sec(&mut self, t: u64) -> &mut Self;
    fn uuid(&mut self, key: u64) -> &mut Self;
}

impl Put for Vec<u8> {
    #[inline]
    fn s(&mut self, s: &str) -> &mut Self {
        self.extend_from_slice(s.as_bytes());
        self
    }
    #[inline]
    fn c(&mut self, c: u8) -> &mut Self {
        self.push(c);
        self
    }
    #[inline]
    fn u(&mut self, mut v: u64) -> &mut Self {
        let mut tmp = [0u8; 20];
        let mut i = 20;
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.extend_from_slice(&tmp[i..]);
        self
    }
    /// Exactly `width` digits, zero padded.
    #[inline]
    fn zn(&mut self, mut v: u64, width: u32) -> &mut Self {
        let mut tmp = [b'0'; 20];
        let w = width as usize;
        for d in tmp[..w].iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.extend_from_slice(&tmp[..w]);
        self
    }
    #[inline]
    fn hex(&mut self, r: &mut Rng, n: usize) -> &mut Self {
        let mut left = n;
        while left > 0 {
            let mut x = r.next();
            for _ in 0..left.min(16) {
                self.push(HEX[(x & 15) as usize]);
                x >>= 4;
            }
            left -= left.min(16);
        }
        self
    }
    #[inline]
    fn alnum(&mut self, r: &mut Rng, n: usize) -> &mut Self {
        let mut x = r.next();
        for _ in 0..n {
            self.push(K8S_ALNUM[(x % 27) as usize]);
            x /= 27;
        }
        self
    }
    /// Go `fmtFrac`: `.ddd` without trailing zeros, nothing when zero.
    #[inline]
    fn frac(&mut self, mut f: u64, mut prec: u32) -> &mut Self {
        if f == 0 {
            return self;
        }
        while f % 10 == 0 {
            f /= 10;
            prec -= 1;
        }
        self.push(b'.');
        self.zn(f, prec)
    }
    /// Go `time.Duration.String()`: `1.048144864s`, `627.833521ms`, `50.89µs`, `3m5.30015447s`, `2h33m12.7s`.
    fn dur(&mut self, ns: u64) -> &mut Self {
        if ns == 0 {
            return self.s("0s");
        }
        if ns < 1_000_000_000 {
            let (unit, prec) = if ns < 1_000 {
                ("ns", 0)
            } else if ns < 1_000_000 {
                ("µs", 3)
            } else {
                ("ms", 6)
            };
            let div = 10u64.pow(prec);
            self.u(ns / div).frac(ns % div, prec).s(unit)
        } else {
            let secs = ns / 1_000_000_000;
            let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
            if h > 0 {
                self.u(h).c(b'h');
            }
            if h > 0 || m > 0 {
                self.u(m).c(b'm');
            }
            self.u(s).frac(ns % 1_000_000_000, 9).c(b's')
        }
    }
    /// `HH:MM:SS`
    #[inline]
    fn hms(&mut self, t: u64) -> &mut Self {
        let s = t / US;
        self.zn(s / 3600, 2).c(b':').zn(s / 60 % 60, 2).c(b':').zn(s % 60, 2)
    }
    /// `HH:MM:SS.uuuuuu`
    #[inline]
    fn hmsu(&mut self, t: u64) -> &mut Self {
        self.hms(t).c(b'.').zn(t % US, 6)
    }
    /// `HH:MM:SS.mmm`
    #[inline]
    fn hmsm(&mut self, t: u64) -> &mut Self {
        self.hms(t).c(b'.').zn(t % US / 1000, 3)
    }
    /// RFC3339NanoFixed in UTC: `2023-11-07T09:41:27.318204123Z` (dockerd, containerd).
    #[inline]
    fn iso_nano(&mut self, t: u64, sub_us_ns: u64) -> &mut Self {
        self.s(DATE_ISO)
            .c(b'T')
            .hms(t)
            .c(b'.')
            .zn(t % US * 1000 + sub_us_ns % 1000, 9)
            .c(b'Z')
    }
    /// etcd 3.5.8–3.5.14 zap time: `2006-01-02T15:04:05.999999Z0700` → trailing zeros trimmed.
    #[inline]
    fn iso_trim(&mut self, t: u64) -> &mut Self {
        self.s(DATE_ISO).c(b'T').hms(t).frac(t % US, 6).c(b'Z')
    }
    /// `2023-11-07T09:41:27Z`
    #[inline]
    fn iso_sec(&mut self, t: u64) -> &mut Self {
        self.s(DATE_ISO).c(b'T').hms(t).c(b'Z')
    }
    /// A version-4 UUID derived from `key` (stable for a given key).
    fn uuid(&mut self, key: u64) -> &mut Self {
        fn nib(x: u64, from: u32, n: u32, out: &mut Vec<u8>) {
            for i in 0..n {
                out.push(HEX[((x >> (4 * (from + i))) & 15) as usize]);
            }
        }
        let mut r = Rng::new(key);
        let (a, b) = (r.next(), r.next());
        nib(a, 0, 8, self);
        self.push(b'-');
        nib(a, 8, 4, self);
        self.extend_from_slice(b"-4");
        nib(a, 12, 3, self);
        self.push(b'-');
        self.push(b"89ab"[(b & 3) as usize]);
        nib(b, 1, 3, self);
        self.push(b'-');
        nib(b, 4, 12, self);
        self
    }
}

/// What `write` puts into an empty buffer of `cap` bytes, as a string.
fn new_string(cap: usize, write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut v = Vec::with_capacity(cap);
    write(&mut v);
    String::from_utf8(v).unwrap()
}

fn new_uuid(r: &mut Rng) -> String {
    new_string(36, |v| {
        v.uuid(r.next());
    })
}

fn new_hex(r: &mut Rng, n: usize) -> String {
    new_string(n, |v| {
        v.hex(r, n);
    })
}

/// Deployment `pod-template-hash`: rand.SafeEncodeString of the decimal FNV-32 hash (`7c46694b8f`, `d484d57fc`).
fn pod_template_hash(r: &mut Rng) -> String {
    (r.range(100_000_000, u32::MAX as u64))
        .to_string()
        .bytes()
        .map(|d| K8S_ALNUM[d as usize % K8S_ALNUM.len()] as char)
        .collect()
}

fn new_alnum(r: &mut Rng, n: usize) -> String {
    new_string(n, |v| {
        v.alnum(r, n);
    })
}

/// `<big><big_unit>`, then `<small><small_unit>` unless `small` is 0 (`7m5s`, `3h`).
fn two_units(out: &mut Vec<u8>, big: u64, big_unit: u8, small: u64, small_unit: u8) {
    out.u(big).c(big_unit);
    if small != 0 {
        out.u(small).c(small_unit);
    }
}

/// `kubectl` HumanDuration (apimachinery `pkg/util/duration`), for ages < 8 days.
fn human_age(out: &mut Vec<u8>, secs: u64) {
    if secs < 120 {
        out.u(secs).c(b's');
        return;
    }
    let minutes = secs / 60;
    if minutes < 10 {
        two_units(out, minutes, b'm', secs % 60, b's');
        return;
    }
    if minutes < 180 {
        out.u(minutes).c(b'm');
        return;
    }
    let hours = secs / 3600;
    if hours < 8 {
        two_units(out, hours, b'h', minutes % 60, b'm');
    } else if hours < 48 {
        out.u(hours).c(b'h');
    } else {
        two_units(out, hours / 24, b'd', hours % 24, b'h');
    }
}

// ------------------------------------------------------------------------------------------------
// Output file + clock.

struct Out {
    w: BufWriter<File>,
    b: Vec<u8>,
    bytes: u64,
    lines: u64,
}

impl Out {
    fn create(path: &Path) -> io::Result<Self> {
        Ok(Out {
            w: BufWriter::with_capacity(4 << 20, File::create(path)?),
            b: Vec::with_capacity(16 << 10),
            bytes: 0,
            lines: 0,
        })
    }
    /// Writes the record(s) formatted into `self.b`.
    #[inline]
    fn commit(&mut self) -> io::Result<()> {
        self.lines += self.b.iter().filter(|&&c| c == b'\n').count() as u64;
        self.bytes += self.b.len() as u64;
        self.w.write_all(&self.b)?;
        self.b.clear();
        Ok(())
    }
    fn finish(mut self) -> io::Result<(u64, u64)> {
        self.w.flush()?;
        Ok((self.lines, self.bytes))
    }
}

/// Maps bytes written to wall-clock time so a file spans its window whatever its size, with bursts of
/// closely spaced lines (and a few identical timestamps) between gaps.
struct Clock {
    start: u64,
    span: u64,
    budget: u64,
    prev: u64,
    burst: u32,
}

impl Clock {
    fn new(start: u64, end: u64, budget: u64) -> Self {
        Clock {
            start,
            span: end.saturating_sub(start).max(1),
            budget: budget.max(1),
            prev: start,
            burst: 0,
        }
    }
    #[inline]
    fn tick(&mut self, written: u64, r: &mut Rng) -> u64 {
        let target = self.start + (self.span as u128 * written.min(self.budget) as u128 / self.budget as u128) as u64;
        let t = if self.burst > 0 {
            self.burst -= 1;
            if r.chance(30) {
                self.prev
            } else {
                self.prev + 1 + r.below(2_500)
            }
        } else {
            self.burst = r.below(7) as u32;
            if r.chance(6) {
                self.prev
            } else {
                target.max(self.prev + 1 + r.below(400))
            }
        };
        self.prev = t;
        t
    }
    /// Records that a multi-line record already used times up to `t`.
    fn seen(&mut self, t: u64) {
        self.prev = self.prev.max(t);
    }
}

// ------------------------------------------------------------------------------------------------
// Cluster model.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Runtime {
    Docker,
    Containerd,
}

/// Kubelet generation: decides printf vs structured messages and `%+v` vs JSON values.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Era {
    V120 = 0,
    V123 = 1,
    V127 = 2,
    V128 = 3,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deploy,
    Sts,
    Ds,
    Cron,
}

struct CtrSpec {
    name: &'static str,
    image: &'static str,
    port: u16,
    /// HTTP probe path; "" = exec probe.
    path: &'static str,
}

struct Wl {
    ns: &'static str,
    name: &'static str,
    kind: Kind,
    replicas: usize,
    ctrs: &'static [CtrSpec],
}

const fn ctr(name: &'static str, image: &'static str, port: u16, path: &'static str) -> CtrSpec {
    CtrSpec {
        name,
        image,
        port,
        path,
    }
}

const ECR: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

const WORKLOADS: &[Wl] = &[
    Wl {
        ns: "kube-system",
        name: "kube-proxy",
        kind: Kind::Ds,
        replicas: 0,
        ctrs: &[ctr(
            "kube-proxy",
            "registry.k8s.io/kube-proxy:v1.28.3",
            10256,
            "/healthz",
        )],
    },
    Wl {
        ns: "kube-system",
        name: "calico-node",
        kind: Kind::Ds,
        replicas: 0,
        ctrs: &[ctr("calico-node", "docker.io/calico/node:v3.26.3", 9099, "/liveness")],
    },
    Wl {
        ns: "kube-system",
        name: "ebs-csi-node",
        kind: Kind::Ds,
        replicas: 0,
        ctrs: &[
            ctr(
                "ebs-plugin",
                "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.24.0",
                9808,
                "/healthz",
            ),
            ctr(
                "node-driver-registrar",
                "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.9.0-eks-1-28-6",
                9809,
                "/healthz",
            ),
        ],
    },
    Wl {
        ns: "monitoring",
        name: "node-exporter",
        kind: Kind::Ds,
        replicas: 0,
        ctrs: &[ctr(
            "node-exporter",
            "quay.io/prometheus/node-exporter:v1.6.1",
            9100,
            "/",
        )],
    },
    Wl {
        ns: "logging",
        name: "fluent-bit",
        kind: Kind::Ds,
        replicas: 0,
        ctrs: &[ctr(
            "fluent-bit",
            "cr.fluentbit.io/fluent/fluent-bit:2.1.10",
            2020,
            "/api/v1/health",
        )],
    },
    Wl {
        ns: "kube-system",
        name: "coredns",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "coredns",
            "registry.k8s.io/coredns/coredns:v1.10.1",
            8181,
            "/ready",
        )],
    },
    Wl {
        ns: "kube-system",
        name: "metrics-server",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "metrics-server",
            "registry.k8s.io/metrics-server/metrics-server:v0.6.4",
            10250,
            "/readyz",
        )],
    },
    Wl {
        ns: "monitoring",
        name: "prometheus-k8s",
        kind: Kind::Sts,
        replicas: 2,
        ctrs: &[
            ctr("prometheus", "quay.io/prometheus/prometheus:v2.47.2", 9090, "/-/ready"),
            ctr(
                "config-reloader",
                "quay.io/prometheus-operator/prometheus-config-reloader:v0.68.0",
                8080,
                "/healthz",
            ),
        ],
    },
    Wl {
        ns: "monitoring",
        name: "alertmanager-main",
        kind: Kind::Sts,
        replicas: 3,
        ctrs: &[ctr(
            "alertmanager",
            "quay.io/prometheus/alertmanager:v0.26.0",
            9093,
            "/-/ready",
        )],
    },
    Wl {
        ns: "monitoring",
        name: "grafana",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr("grafana", "docker.io/grafana/grafana:10.2.0", 3000, "/api/health")],
    },
    Wl {
        ns: "monitoring",
        name: "kube-state-metrics",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "kube-state-metrics",
            "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.0",
            8080,
            "/healthz",
        )],
    },
    Wl {
        ns: "ingress-nginx",
        name: "ingress-nginx-controller",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "controller",
            "registry.k8s.io/ingress-nginx/controller:v1.9.4",
            10254,
            "/healthz",
        )],
    },
    Wl {
        ns: "cert-manager",
        name: "cert-manager",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "cert-manager-controller",
            "quay.io/jetstack/cert-manager-controller:v1.13.2",
            9403,
            "/livez",
        )],
    },
    Wl {
        ns: "cert-manager",
        name: "cert-manager-webhook",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr(
            "cert-manager-webhook",
            "quay.io/jetstack/cert-manager-webhook:v1.13.2",
            6080,
            "/healthz",
        )],
    },
    Wl {
        ns: "gatekeeper-system",
        name: "gatekeeper-controller-manager",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr("manager", "openpolicyagent/gatekeeper:v3.13.3", 9090, "/readyz")],
    },
    Wl {
        ns: "gatekeeper-system",
        name: "gatekeeper-audit",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr("manager", "openpolicyagent/gatekeeper:v3.13.3", 9090, "/healthz")],
    },
    Wl {
        ns: "payments",
        name: "payments-api",
        kind: Kind::Deploy,
        replicas: 3,
        ctrs: &[ctr(
            "api",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:2.14.1",
            8080,
            "/healthz",
        )],
    },
    Wl {
        ns: "payments",
        name: "ledger-worker",
        kind: Kind::Deploy,
        replicas: 2,
        ctrs: &[ctr(
            "worker",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger-worker:2.14.1",
            8081,
            "/ready",
        )],
    },
    Wl {
        ns: "payments",
        name: "postgres",
        kind: Kind::Sts,
        replicas: 3,
        ctrs: &[ctr("postgres", "docker.io/library/postgres:15.4", 5432, "")],
    },
    Wl {
        ns: "checkout",
        name: "checkout-web",
        kind: Kind::Deploy,
        replicas: 4,
        ctrs: &[ctr(
            "web",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-web:5.3.0",
            3000,
            "/api/health",
        )],
    },
    Wl {
        ns: "checkout",
        name: "cart-service",
        kind: Kind::Deploy,
        replicas: 3,
        ctrs: &[ctr(
            "cart",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/cart-service:1.8.7",
            8080,
            "/actuator/health/readiness",
        )],
    },
    Wl {
        ns: "checkout",
        name: "redis",
        kind: Kind::Sts,
        replicas: 3,
        ctrs: &[ctr("redis", "docker.io/library/redis:7.2.3", 6379, "")],
    },
    Wl {
        ns: "search",
        name: "search-api",
        kind: Kind::Deploy,
        replicas: 2,
        ctrs: &[ctr(
            "search-api",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/search-api:0.31.0",
            8080,
            "/healthz",
        )],
    },
    Wl {
        ns: "search",
        name: "elasticsearch-data",
        kind: Kind::Sts,
        replicas: 5,
        ctrs: &[ctr(
            "elasticsearch",
            "docker.elastic.co/elasticsearch/elasticsearch:8.10.4",
            9200,
            "/_cluster/health?local=true",
        )],
    },
    Wl {
        ns: "batch-jobs",
        name: "report-generator",
        kind: Kind::Cron,
        replicas: 4,
        ctrs: &[ctr(
            "report",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/report-generator:3.2.0",
            0,
            "",
        )],
    },
    Wl {
        ns: "batch-jobs",
        name: "nightly-etl",
        kind: Kind::Cron,
        replicas: 2,
        ctrs: &[ctr(
            "etl",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl:0.9.3",
            0,
            "",
        )],
    },
    Wl {
        ns: "default",
        name: "nginx-demo",
        kind: Kind::Deploy,
        replicas: 1,
        ctrs: &[ctr("nginx", "docker.io/library/nginx:1.25.3", 80, "/")],
    },
];
const WL_ES: usize = 23;
const WL_GATEKEEPER: usize = 14;

struct Pod {
    wl: usize,
    ns: &'static str,
    name: String,
    /// ReplicaSet / Job / StatefulSet / DaemonSet name.
    owner: String,
    uid: String,
    node: usize,
    ip: String,
    sandbox: String,
    cids: Vec<String>,
    /// Service-account token volume (`kube-api-access-xxxxx` or, on 1.20 nodes, `default-token-xxxxx`).
    vol: String,
}

struct Node {
    name: String,
    ip: String,
    rt: Runtime,
    era: Era,
    kpid: u64,
    rpid: u64,
    /// Seconds since boot at 00:00 of the day (printk timestamps).
    uptime0: u64,
    pods: Vec<usize>,
    /// One chronically unhealthy pod per node (crash-looping or failing to pull).
    trouble: usize,
    trouble_pull: bool,
    kernel_log: bool,
}

struct Cluster {
    nodes: Vec<Node>,
    pods: Vec<Pod>,
    cp: usize,
    api: String,
    oom_node: usize,
    oom_pod: usize,
    oom_pid: u64,
    notready_node: usize,
    disk_node: usize,
    /// Pods evicted on the disk-pressure node.
    evicted: Vec<usize>,
    rs_hash: Vec<String>,
    kcm_leader: usize,
    sched_leader: usize,
}

impl Cluster {
    fn new(n: usize, seed: u64) -> Self {
        let mut r = Rng::new(seed ^ 0xC1u64.wrapping_mul(0x9E37_79B9));
        let cp = n.min(3);
        let mut nodes = Vec::with_capacity(n);
        for i in 0..n {
            let name = if i < cp {
                format!("cp-{}", i + 1)
            } else {
                format!("node-{:02}", i - cp + 1)
            };
            let (rt, era) = if i < cp {
                (Runtime::Containerd, Era::V128)
            } else {
                match i % 4 {
                    0 => (Runtime::Docker, Era::V120),
                    2 => (Runtime::Docker, Era::V123),
                    1 => (Runtime::Containerd, Era::V127),
                    _ => (Runtime::Containerd, Era::V128),
                }
            };
            nodes.push(Node {
                name,
                ip: format!("10.0.{}.{}", 1 + i / 200, 10 + i % 200),
                rt,
                era,
                kpid: r.range(700, 3_900_000),
                rpid: r.range(600, 3_000),
                uptime0: r.range(2 * 86_400, 40 * 86_400),
                pods: Vec::new(),
                trouble: 0,
                trouble_pull: false,
                kernel_log: i % 4 == 1,
            });
        }
        // Incident nodes: preferably distinct workers; the OOM and NotReady ones run containerd with a 1.27+
        // kubelet, the disk-pressure one runs docker. Small clusters fall back to whatever exists.
        let find = |from: usize, ok: &dyn Fn(usize) -> bool| (0..n).map(|k| (from + k) % n).find(|&i| ok(i));
        let cd = |i: usize| nodes[i].rt == Runtime::Containerd;
        let oom_node = find(5, &|i| i >= cp && cd(i)).or_else(|| find(0, &cd)).unwrap_or(0);
        let notready_node = find(11, &|i| i >= cp && cd(i) && i != oom_node)
            .or_else(|| find(0, &|i| cd(i) && i != oom_node))
            .unwrap_or(oom_node);
        let disk_node = find(14, &|i| i >= cp && !cd(i))
            .or_else(|| find(14, &|i| i != oom_node && i != notready_node))
            .unwrap_or(n - 1);
        nodes[oom_node].kernel_log = true;
        nodes[disk_node].kernel_log = true;
        let workers: Vec<usize> = if n > cp { (cp..n).collect() } else { (0..n).collect() };
        let scale = n.div_ceil(4).max(1);
        let mut pods = Vec::new();
        let mut rs_hash = Vec::new();
        for (wi, wl) in WORKLOADS.iter().enumerate() {
            let hash = pod_template_hash(&mut r);
            rs_hash.push(hash.clone());
            let mut mk = |r: &mut Rng, name: String, owner: String, node: usize, pods: &mut Vec<Pod>| {
                let token = new_alnum(r, 5);
                let vol = if nodes[node].era == Era::V120 {
                    format!("default-token-{token}")
                } else {
                    format!("kube-api-access-{token}")
                };
                let host_net = matches!(wl.name, "kube-proxy" | "calico-node" | "node-exporter");
                let ip = if host_net {
                    nodes[node].ip.clone()
                } else {
                    format!("10.244.{}.{}", node, r.range(2, 254))
                };
                let idx = pods.len();
                pods.push(Pod {
                    wl: wi,
                    ns: wl.ns,
                    name,
                    owner,
                    uid: new_uuid(r),
                    node,
                    ip,
                    sandbox: new_hex(r, 64),
                    cids: wl.ctrs.iter().map(|_| new_hex(r, 64)).collect(),
                    vol,
                });
                nodes[node].pods.push(idx);
            };
            match wl.kind {
                Kind::Ds => {
                    for node in 0..n {
                        let name = format!("{}-{}", wl.name, new_alnum(&mut r, 5));
                        mk(&mut r, name, wl.name.to_string(), node, &mut pods);
                    }
                }
                Kind::Deploy => {
                    let owner = format!("{}-{}", wl.name, hash);
                    for _ in 0..wl.replicas * scale {
                        let node = *r.pick(&workers);
                        let name = format!("{owner}-{}", new_alnum(&mut r, 5));
                        mk(&mut r, name, owner.clone(), node, &mut pods);
                    }
                }
                Kind::Sts => {
                    for k in 0..wl.replicas {
                        let node = if wi == WL_ES && k == 2 {
                            oom_node
                        } else {
                            *r.pick(&workers)
                        };
                        mk(&mut r, format!("{}-{k}", wl.name), wl.name.to_string(), node, &mut pods);
                    }
                }
                Kind::Cron => {
                    for k in 0..wl.replicas * scale {
                        // CronJob v2 job name: <cronjob>-<scheduled time in minutes since epoch>.
                        let minutes = (DAY_EPOCH + WIN_START / US) / 60 + (k as u64) * 60 + 30;
                        let job = format!("{}-{}", wl.name, minutes);
                        let node = *r.pick(&workers);
                        let name = format!("{job}-{}", new_alnum(&mut r, 5));
                        mk(&mut r, name, job, node, &mut pods);
                    }
                }
            }
        }
        let oom_pod = pods
            .iter()
            .position(|p| p.wl == WL_ES && p.node == oom_node)
            .unwrap_or(0);
        for (i, node) in nodes.iter_mut().enumerate() {
            // Prefer an application pod as the troubled one.
            let apps: Vec<usize> = node
                .pods
                .iter()
                .copied()
                .filter(|&p| pods[p].wl >= 5 && p != oom_pod)
                .collect();
            let from = if apps.is_empty() { &node.pods } else { &apps };
            node.trouble = *r.pick(from);
            node.trouble_pull = i % 3 == 2;
        }
        let evicted: Vec<usize> = nodes[disk_node]
            .pods
            .iter()
            .copied()
            .filter(|&p| pods[p].wl >= 5)
            .take(4)
            .collect();
        Cluster {
            api: format!("{}:6443", nodes[0].ip),
            nodes,
            pods,
            cp,
            oom_node,
            oom_pod,
            oom_pid: r.range(20_000, 3_000_000),
            notready_node,
            disk_node,
            evicted,
            rs_hash,
            kcm_leader: 0,
            sched_leader: if cp > 1 { 1 } else { 0 },
        }
    }

    fn pod_on(&self, ni: usize, r: &mut Rng) -> &Pod {
        let n = &self.nodes[ni];
        &self.pods[n.pods[r.idx(n.pods.len())]]
    }
    fn any_pod(&self, r: &mut Rng) -> &Pod {
        &self.pods[r.idx(self.pods.len())]
    }
}

// ------------------------------------------------------------------------------------------------
// Planning: which files, how many bytes each.

#[derive(Clone, Copy, Debug)]
enum FileKind {
    Kubelet,
    Docker,
    Containerd,
    Kernel,
    Etcd,
    Apiserver,
    ControllerManager,
    Scheduler,
    Events,
}

struct Job {
    path: PathBuf,
    kind: FileKind,
    node: usize,
    budget: u64,
}

fn plan(c: &Cluster, total: u64) -> Vec<Job> {
    let mut r = Rng::new(total ^ 0x9147);
    let mut jobs = Vec::new();
    let frac = |pm: u64| total / 10_000 * pm;
    // kubelet 55 %, runtime 20 %: weighted per node (busy nodes / incident nodes log more).
    let weights: Vec<u64> = (0..c.nodes.len())
        .map(|i| {
            let mut w = 800 + r.below(400);
            if i < c.cp {
                w = w * 7 / 10;
            }
            if i == c.oom_node || i == c.notready_node || i == c.disk_node {
                w = w * 13 / 10;
            }
            w
        })
        .collect();
    let wsum: u64 = weights.iter().sum();
    for (i, n) in c.nodes.iter().enumerate() {
        let dir = PathBuf::from("nodes").join(&n.name);
        let share = |pm: u64| frac(pm) / wsum * weights[i] + (frac(pm) % wsum) * weights[i] / wsum;
        jobs.push(Job {
            path: dir.join("kubelet.log"),
            kind: FileKind::Kubelet,
            node: i,
            budget: share(5_500),
        });
        let (name, kind) = match n.rt {
            Runtime::Docker => ("docker.log", FileKind::Docker),
            Runtime::Containerd => ("containerd.log", FileKind::Containerd),
        };
        jobs.push(Job {
            path: dir.join(name),
            kind,
            node: i,
            budget: share(2_000),
        });
    }
    // kernel 1.95 %, events 0.05 %.
    let kern: Vec<usize> = (0..c.nodes.len()).filter(|&i| c.nodes[i].kernel_log).collect();
    for &i in &kern {
        let path = PathBuf::from("nodes").join(&c.nodes[i].name).join("kern.log");
        jobs.push(Job {
            path,
            kind: FileKind::Kernel,
            node: i,
            budget: frac(195) / kern.len() as u64,
        });
    }
    jobs.push(Job {
        path: PathBuf::from("kubectl/events.txt"),
        kind: FileKind::Events,
        node: 0,
        budget: frac(5),
    });
    // control plane: apiserver 10 %, etcd 8 %, controller-manager 3.5 % + scheduler 1.5 % (leaders log most).
    let cp = c.cp as u64;
    for i in 0..c.cp {
        let dir = PathBuf::from("control-plane").join(&c.nodes[i].name);
        let lead = |leader: usize, pm: u64| {
            if cp == 1 {
                frac(pm)
            } else if i == leader {
                frac(pm) * 9 / 10
            } else {
                frac(pm) / 10 / (cp - 1)
            }
        };
        let api_w = [11u64, 10, 9][i];
        jobs.push(Job {
            path: dir.join("kube-apiserver.log"),
            kind: FileKind::Apiserver,
            node: i,
            budget: frac(1_000) * api_w / [11, 21, 30][c.cp - 1],
        });
        jobs.push(Job {
            path: dir.join("etcd.log"),
            kind: FileKind::Etcd,
            node: i,
            budget: frac(800) / cp,
        });
        jobs.push(Job {
            path: dir.join("kube-controller-manager.log"),
            kind: FileKind::ControllerManager,
            node: i,
            budget: lead(c.kcm_leader, 350),
        });
        jobs.push(Job {
            path: dir.join("kube-scheduler.log"),
            kind: FileKind::Scheduler,
            node: i,
            budget: lead(c.sched_leader, 150),
        });
    }
    jobs
}

fn run_job(c: &Cluster, job: &Job, path: &Path, seed: u64) -> io::Result<(u64, u64)> {
    let mut o = Out::create(path)?;
    let mut r = Rng::new(hash_str(&job.path.to_string_lossy(), seed));
    match job.kind {
        FileKind::Kubelet => kubelet(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Docker => docker(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Containerd => containerd(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Kernel => kernel(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Etcd => etcd(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Apiserver => apiserver(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::ControllerManager => controller_manager(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Scheduler => scheduler(c, job.node, job.budget, &mut o, &mut r)?,
        FileKind::Events => events(c, job.budget, &mut o, &mut r)?,
    }
    o.finish()
}

// ------------------------------------------------------------------------------------------------
// klog helpers.

/// `I1107 09:41:27.318204    1450 kubelet.go:2454] ` — pid right-aligned to 7 columns.
#[inline]
fn klog(b: &mut Vec<u8>, sev: u8, t: u64, pid: u64, file: &str) {
    b.c(sev).s(MMDD).c(b' ').hmsu(t).c(b' ');
    let digits = if pid == 0 { 1 } else { pid.ilog10() + 1 };
    for _ in digits..7 {
        b.push(b' ');
    }
    b.u(pid).c(b' ').s(file).s("] ");
}

/// The part of a journald prefix after the time: ` host ident[pid]: `
#[inline]
fn journal_ident(b: &mut Vec<u8>, host: &str, ident: &str, pid: u64) {
    b.c(b' ').s(host).c(b' ').s(ident).c(b'[').u(pid).s("]: ");
}

/// journald short-precise prefix: `Nov 07 09:41:27.318204 host ident[pid]: `
#[inline]
fn journal_precise(b: &mut Vec<u8>, t: u64, host: &str, ident: &str, pid: u64) {
    b.s(MON).c(b' ').s(DD).c(b' ').hmsu(t);
    journal_ident(b, host, ident, pid);
}

/// journald short prefix: `Nov 07 09:41:27 host ident[pid]: `
#[inline]
fn journal_short(b: &mut Vec<u8>, t: u64, host: &str, ident: &str, pid: u64) {
    b.s(MON).c(b' ').s(DD).c(b' ').hms(t);
    journal_ident(b, host, ident, pid);
}

fn sel<T: Copy>(era: Era, v: [T; 4]) -> T {
    v[era as usize]
}

/// `ns/name`
#[inline]
fn kobj(b: &mut Vec<u8>, p: &Pod) {
    b.s(p.ns).c(b'/').s(&p.name);
}

/// legacy `format.Pod`: `name_ns(uid)`
#[inline]
fn podfmt(b: &mut Vec<u8>, p: &Pod) {
    b.s(&p.name).c(b'_').s(p.ns).c(b'(').s(&p.uid).c(b')');
}

/// ` podUID=<uid>` (klog < 2.100) or ` podUID="<uid>"` (k8s 1.28).
#[inline]
fn pod_uid_kv(b: &mut Vec<u8>, era: Era, p: &Pod) {
    if era >= Era::V128 {
        b.s(" podUID=\"").s(&p.uid).c(b'"');
    } else {
        b.s(" podUID=").s(&p.uid);
    }
}

/// `pods=[ns/name]` (klog < 2.100 `%+v`) or `pods=["ns/name"]` (JSON).
fn pods_kv(b: &mut Vec<u8>, era: Era, ps: &[&Pod]) {
    b.s("pods=[");
    for (i, p) in ps.iter().enumerate() {
        if i > 0 {
            b.c(if era >= Era::V128 { b',' } else { b' ' });
        }
        if era >= Era::V128 {
            b.c(b'"');
            kobj(b, p);
            b.c(b'"');
        } else {
            kobj(b, p);
        }
    }
    b.c(b']');
}

/// Probe output; `q` is how a double quote is written (`"` raw, `\"` inside a %q string).
fn probe_output(b: &mut Vec<u8>, r: &mut Rng, p: &Pod, cs: &CtrSpec, q: &str, escaped_nl: bool) {
    if cs.path.is_empty() {
        match cs.name {
            "postgres" => b.s("/var/run/postgresql:5432 - no response"),
            "redis" => b.s("Could not connect to Redis at 127.0.0.1:6379: Connection refused"),
            _ => b.s("command timed out"),
        };
        if escaped_nl {
            b.s("\\n");
        }
        return;
    }
    match r.below(4) {
        0 => {
            b.s("HTTP probe failed with statuscode: ")
                .s(if r.chance(700) { "503" } else { "500" });
        }
        n => {
            b.s("Get ")
                .s(q)
                .s("http://")
                .s(&p.ip)
                .c(b':')
                .u(cs.port as u64)
                .s(cs.path)
                .s(q);
            if n < 3 {
                b.s(": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
            } else {
                b.s(": dial tcp ")
                    .s(&p.ip)
                    .c(b':')
                    .u(cs.port as u64)
                    .s(": connect: connection refused");
            }
        }
    }
}

fn cid_prefix(n: &Node) -> &'static str {
    match n.rt {
        Runtime::Docker => "docker://",
        Runtime::Containerd => "containerd://",
    }
}

fn ctr_of<'a>(p: &'a Pod, r: &mut Rng) -> (usize, &'static CtrSpec, &'a str) {
    let i = r.idx(p.cids.len());
    (i, &WORKLOADS[p.wl].ctrs[i], p.cids[i].as_str())
}

// ------------------------------------------------------------------------------------------------
// kubelet

struct KubeletState {
    kt: u64,
    notready_begun: bool,
    notready_ended: bool,
    disk_begun: bool,
    oom_seen: bool,
    /// The sync loop backs off up to 5 s between "Skipping pod synchronization" lines.
    next_skip: u64,
}

fn kubelet(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let n = &c.nodes[ni];
    let mut clk = Clock::new(WIN_START + r.below(40 * US), WIN_END - r.below(40 * US), budget);
    let mut st = KubeletState {
        kt: 0,
        notready_begun: false,
        notready_ended: false,
        disk_begun: false,
        oom_seen: false,
        next_skip: 0,
    };
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        // klog stamps the time before journald receives the line: a few µs earlier, never going backwards.
        st.kt = t.saturating_sub(r.below(60)).max(st.kt);
        let kt = st.kt;
        let incident = if ni == c.notready_node && within(t, NOTREADY_START, NOTREADY_END + 60 * US) {
            kubelet_notready(c, n, t, kt, &mut st, o, r)
        } else if ni == c.disk_node && within(t, DISK_START, DISK_END) && (!st.disk_begun || r.chance(120)) {
            st.disk_begun = true;
            kubelet_disk(c, n, t, kt, o, r);
            true
        } else if ni == c.oom_node && within(t, OOM_AT, OOM_END) && (!st.oom_seen || r.chance(90)) {
            let first = !st.oom_seen;
            st.oom_seen = true;
            kubelet_oom(c, n, t, kt, first, o, r);
            true
        } else {
            false
        };
        if !incident {
            kubelet_line(c, n, t, kt, &mut o.b, r);
        }
        o.commit()?;
    }
    Ok(())
}

fn kubelet_line(c: &Cluster, n: &Node, t: u64, kt: u64, b: &mut Vec<u8>, r: &mut Rng) {
    let era = n.era;
    let p = &c.pods[n.pods[r.idx(n.pods.len())]];
    let (_, cs, cid) = ctr_of(p, r);
    // Probe-related lines need a container that has probes (job pods have none): fall back to kube-proxy.
    let (pp, pcs) = if cs.port == 0 {
        let q = &c.pods[n.pods[0]];
        (q, &WORKLOADS[q.wl].ctrs[0])
    } else {
        (p, cs)
    };
    let h = |b: &mut Vec<u8>, sev: u8, file: &str| kubelet_head(b, n, t, kt, sev, file);
    let hs = |b: &mut Vec<u8>, sev: u8, files: [&str; 4]| h(b, sev, sel(era, files));
    let x = r.below(1000);
    match x {
        // PLEG events
        0..=109 => {
            let typ = if r.chance(550) {
                "ContainerStarted"
            } else {
                "ContainerDied"
            };
            let data = if r.chance(850) { cid } else { p.sandbox.as_str() };
            if era == Era::V120 {
                h(b, b'I', "kubelet.go:1923");
                b.s("SyncLoop (PLEG): \"");
                podfmt(b, p);
                b.s("\", event: &pleg.PodLifecycleEvent{ID:\"")
                    .s(&p.uid)
                    .s("\", Type:\"")
                    .s(typ)
                    .s("\", Data:\"")
                    .s(data)
                    .s("\"}");
            } else {
                hs(b, b'I', ["", "kubelet.go:2092", "kubelet.go:2414", "kubelet.go:2454"]);
                b.s("\"SyncLoop (PLEG): event for pod\" pod=\"");
                kobj(b, p);
                pleg_event(b, era, p, typ, data);
            }
        }
        // SyncLoop ADD/UPDATE/DELETE/REMOVE
        110..=289 => {
            let op = *r.pick(&["UPDATE", "UPDATE", "UPDATE", "ADD", "DELETE", "REMOVE", "RECONCILE"]);
            if era == Era::V120 {
                h(b, b'I', "kubelet.go:1888");
                b.s("SyncLoop (").s(op).s(", \"api\"): \"");
                podfmt(b, p);
                b.c(b'"');
            } else {
                hs(b, b'I', ["", "kubelet.go:2014", "kubelet.go:2336", "kubelet.go:2376"]);
                b.s("\"SyncLoop ").s(op).s("\" source=\"api\" ");
                pods_kv(b, era, &[p]);
            }
        }
        // SyncLoop (probe)
        290..=399 | 753..=789 if era != Era::V120 => {
            let (probe, status) = *r.pick(&[
                ("readiness", "ready"),
                ("readiness", ""),
                ("readiness", "ready"),
                ("liveness", "unhealthy"),
                ("startup", "started"),
            ]);
            hs(b, b'I', ["", "kubelet.go:2108", "kubelet.go:2432", "kubelet.go:2472"]);
            b.s("\"SyncLoop (probe)\" probe=\"")
                .s(probe)
                .s("\" status=\"")
                .s(status)
                .s("\" pod=\"");
            kobj(b, pp);
            b.c(b'"');
        }
        290..=399 | 753..=789 => {
            h(b, b'I', "kubelet.go:1955");
            b.s("SyncLoop (container unhealthy): \"");
            podfmt(b, pp);
            b.c(b'"');
        }
        // Probe failed (Info)
        400..=439 => {
            let pt = *r.pick(&["Readiness", "Readiness", "Readiness", "Liveness", "Startup"]);
            if era == Era::V120 {
                h(b, b'I', "prober.go:117");
                b.s(pt).s(" probe for \"");
                podfmt(b, pp);
                b.c(b':').s(pcs.name).s("\" failed (failure): ");
                probe_output(b, r, pp, pcs, "\"", false);
            } else {
                hs(b, b'I', ["", "prober.go:121", "prober.go:107", "prober.go:107"]);
                b.s("\"Probe failed\" probeType=\"").s(pt).s("\" pod=\"");
                kobj(b, pp);
                b.c(b'"');
                pod_uid_kv(b, era, pp);
                b.s(" containerName=\"").s(pcs.name).s(if era >= Era::V128 {
                    "\" probeResult=\"failure\" output=\""
                } else {
                    "\" probeResult=failure output=\""
                });
                probe_output(b, r, pp, pcs, "\\\"", true);
                b.c(b'"');
            }
        }
        // Volume reconciler / operation generator
        440..=509 => {
            let (plugin, vol) = if r.chance(750) {
                (
                    if era == Era::V120 {
                        "kubernetes.io/secret"
                    } else {
                        "kubernetes.io/projected"
                    },
                    p.vol.as_str(),
                )
            } else {
                ("kubernetes.io/configmap", "config")
            };
            let step = match x {
                440..=457 => 0,
                458..=475 => 1,
                476..=497 => 2,
                498..=502 => 3,
                503..=504 => 4,
                _ => 5,
            };
            if step == 4 {
                // printf in every era
                hs(
                    b,
                    b'I',
                    [
                        "operation_generator.go:797",
                        "operation_generator.go:910",
                        "operation_generator.go:878",
                        "operation_generator.go:878",
                    ],
                );
                b.s("UnmountVolume.TearDown succeeded for volume \"")
                    .s(plugin)
                    .c(b'/')
                    .s(&p.uid)
                    .c(b'-')
                    .s(vol);
                b.s("\" (OuterVolumeSpecName: \"")
                    .s(vol)
                    .s("\") pod \"")
                    .s(&p.uid)
                    .s("\" (UID: \"")
                    .s(&p.uid)
                    .s("\"). InnerVolumeSpecName \"")
                    .s(vol);
                b.s("\". PluginName \"").s(plugin).s("\", VolumeGidValue \"\"");
                b.push(b'\n');
                return;
            }
            let (msg, files) = match step {
                0 => (
                    "operationExecutor.VerifyControllerAttachedVolume started for volume ",
                    [
                        "reconciler.go:224",
                        "reconciler.go:221",
                        "reconciler_common.go:258",
                        "reconciler_common.go:258",
                    ],
                ),
                1 => (
                    "operationExecutor.MountVolume started for volume ",
                    [
                        "reconciler.go:269",
                        "reconciler.go:258",
                        "reconciler_common.go:231",
                        "reconciler_common.go:231",
                    ],
                ),
                2 => (
                    "MountVolume.SetUp succeeded for volume ",
                    [
                        "operation_generator.go:672",
                        "operation_generator.go:756",
                        "operation_generator.go:721",
                        "operation_generator.go:721",
                    ],
                ),
                3 => (
                    "operationExecutor.UnmountVolume started for volume ",
                    [
                        "reconciler.go:196",
                        "reconciler.go:192",
                        "reconciler_common.go:172",
                        "reconciler_common.go:172",
                    ],
                ),
                _ => (
                    "Volume detached for volume ",
                    [
                        "reconciler.go:319",
                        "reconciler.go:300",
                        "reconciler_common.go:300",
                        "reconciler_common.go:300",
                    ],
                ),
            };
            h(b, b'I', sel(era, files));
            let q = if era == Era::V120 { "\"" } else { "\\\"" };
            if era != Era::V120 {
                b.c(b'"');
            }
            b.s(msg)
                .s(q)
                .s(vol)
                .s(q)
                .s(" (UniqueName: ")
                .s(q)
                .s(plugin)
                .c(b'/')
                .s(&p.uid)
                .c(b'-')
                .s(vol)
                .s(q)
                .s(") ");
            match step {
                3 => {
                    b.s("pod ").s(q).s(&p.uid).s(q).s(" (UID: ").s(q).s(&p.uid).s(q).c(b')');
                }
                5 => {
                    b.s("on node ").s(q).s(&n.name).s(q).s(" DevicePath ").s(q).s(q);
                }
                _ => {
                    b.s("pod ")
                        .s(q)
                        .s(&p.name)
                        .s(q)
                        .s(" (UID: ")
                        .s(q)
                        .s(&p.uid)
                        .s(q)
                        .c(b')');
                }
            }
            if era != Era::V120 {
                if step == 5 {
                    b.c(b'"');
                } else if step == 3 {
                    b.s(" \"");
                } else {
                    b.s(" \" pod=\"");
                    kobj(b, p);
                    b.c(b'"');
                }
            }
        }
        // status manager patch
        510..=517 => {
            let cond = *r.pick(&["Ready", "ContainersReady", "Initialized"]);
            let status = if r.chance(700) { "True" } else { "False" };
            let lt = t.saturating_sub(r.below(600 * US));
            if era == Era::V120 {
                h(b, b'I', "status_manager.go:566");
                b.s("Patch status for pod \"");
                podfmt(b, p);
                b.s("\" with \"{\\\"metadata\\\":{\\\"uid\\\":\\\"").s(&p.uid);
                b.s("\\\"},\\\"status\\\":{\\\"conditions\\\":[{\\\"lastTransitionTime\\\":\\\"")
                    .iso_sec(lt);
                b.s("\\\",\\\"status\\\":\\\"")
                    .s(status)
                    .s("\\\",\\\"type\\\":\\\"")
                    .s(cond)
                    .s("\\\"}]}}\"");
            } else {
                hs(
                    b,
                    b'I',
                    [
                        "",
                        "status_manager.go:682",
                        "status_manager.go:874",
                        "status_manager.go:874",
                    ],
                );
                b.s("\"Patch status for pod\" pod=\"");
                kobj(b, p);
                b.c(b'"');
                pod_uid_kv(b, era, p);
                b.s(" patch=\"{\\\"metadata\\\":{\\\"uid\\\":\\\"").s(&p.uid);
                b.s("\\\"},\\\"status\\\":{\\\"$setElementOrder/conditions\\\":[{\\\"type\\\":\\\"Initialized\\\"},{\\\"type\\\":\\\"Ready\\\"},{\\\"type\\\":\\\"ContainersReady\\\"},{\\\"type\\\":\\\"PodScheduled\\\"}],\\\"conditions\\\":[{\\\"lastTransitionTime\\\":\\\"");
                b.iso_sec(lt)
                    .s("\\\",\\\"status\\\":\\\"")
                    .s(status)
                    .s("\\\",\\\"type\\\":\\\"")
                    .s(cond)
                    .s("\\\"}]}}\"");
            }
        }
        // client-side throttling
        518..=542 => {
            let wait = r.range(1_000_000_000, 2_400_000_000) + r.below(1000);
            if era == Era::V120 {
                h(b, b'I', "request.go:655");
                b.s("Throttling request took ").dur(wait).s(", request: ");
            } else {
                hs(b, b'I', ["", "request.go:665", "request.go:696", "request.go:697"]);
                b.s("Waited for ")
                    .dur(wait)
                    .s(" due to client-side throttling, not priority and fairness, request: ");
            }
            match r.below(3) {
                0 => b
                    .s("GET:https://")
                    .s(&c.api)
                    .s("/api/v1/namespaces/")
                    .s(p.ns)
                    .s("/secrets/")
                    .s(WORKLOADS[p.wl].name)
                    .s("-tls"),
                1 => b
                    .s("GET:https://")
                    .s(&c.api)
                    .s("/api/v1/namespaces/")
                    .s(p.ns)
                    .s("/configmaps?fieldSelector=metadata.name%3Dkube-root-ca.crt&limit=500&resourceVersion=0"),
                _ => b
                    .s("PATCH:https://")
                    .s(&c.api)
                    .s("/api/v1/namespaces/")
                    .s(p.ns)
                    .s("/pods/")
                    .s(&p.name)
                    .s("/status"),
            };
        }
        // Event echo (recorder StartStructuredLogging)
        543..=622 => {
            let evk = r.below(100);
            let (typ, reason) = match evk {
                0..=14 => ("Normal", "Pulling"),
                15..=39 => ("Normal", "Pulled"),
                40..=59 => ("Normal", "Created"),
                60..=79 => ("Normal", "Started"),
                80..=91 => ("Normal", "Killing"),
                _ => ("Warning", "Unhealthy"),
            };
            let (p, cs) = if reason == "Unhealthy" { (pp, pcs) } else { (p, cs) };
            hs(b, b'I', EVENT_GO);
            pod_event(b, p, (era >= Era::V127).then_some(cs.name));
            b.s("\" kind=\"Pod\" apiVersion=\"v1\" type=\"")
                .s(typ)
                .s("\" reason=\"")
                .s(reason)
                .s("\" message=\"");
            match reason {
                "Pulling" => {
                    b.s("Pulling image \\\"").s(cs.image).s("\\\"");
                }
                "Pulled" if r.chance(500) => {
                    b.s("Container image \\\"")
                        .s(cs.image)
                        .s("\\\" already present on machine");
                }
                "Pulled" => {
                    let d = r.range(80_000_000, 40_000_000_000) + r.below(1000);
                    b.s("Successfully pulled image \\\"").s(cs.image).s("\\\" in ").dur(d);
                    if era >= Era::V127 {
                        b.s(" (").dur(d + r.below(d / 4)).s(" including waiting)");
                    }
                }
                "Created" => {
                    b.s("Created container ").s(cs.name);
                }
                "Started" => {
                    b.s("Started container ").s(cs.name);
                }
                "Killing" => {
                    b.s("Stopping container ").s(cs.name);
                }
                _ => {
                    b.s(r.pick_str(&["Readiness", "Liveness"])).s(" probe failed: ");
                    probe_output(b, r, p, cs, "\\\"", true);
                }
            }
            b.c(b'"');
        }
        // Killing container with a grace period
        623..=642 => {
            let grace = *r.pick(&[30u64, 30, 30, 60, 10, 120]);
            if era == Era::V120 {
                h(b, b'I', "kuberuntime_container.go:635");
                b.s("Killing container \"")
                    .s(cid_prefix(n))
                    .s(cid)
                    .s("\" with a ")
                    .u(grace)
                    .s(" second grace period");
            } else {
                hs(
                    b,
                    b'I',
                    [
                        "",
                        "kuberuntime_container.go:720",
                        "kuberuntime_container.go:742",
                        "kuberuntime_container.go:745",
                    ],
                );
                b.s("\"Killing container with a grace period\" pod=\"");
                kobj(b, p);
                b.c(b'"');
                pod_uid_kv(b, era, p);
                b.s(" containerName=\"")
                    .s(cs.name)
                    .s("\" containerID=\"")
                    .s(cid_prefix(n))
                    .s(cid)
                    .s("\" gracePeriod=")
                    .u(grace);
            }
        }
        // RemoveContainer
        643..=712 => {
            if era == Era::V120 {
                h(b, b'I', "topology_manager.go:219");
                b.s("[topologymanager] RemoveContainer - Container ID: ").s(cid);
            } else {
                hs(b, b'I', ["", "scope.go:110", "scope.go:117", "scope.go:117"]);
                b.s("\"RemoveContainer\" containerID=\"").s(cid).c(b'"');
            }
        }
        // No sandbox / topology admit / Generic PLEG container finished
        713..=752 => {
            if era == Era::V120 {
                h(b, b'I', "kuberuntime_manager.go:439");
                b.s("No sandbox for pod \"");
                podfmt(b, p);
                b.s("\" can be found. Need to start a new one");
            } else {
                h(b, b'I', "util.go:30");
                b.s("\"No sandbox for pod can be found. Need to start a new one\" pod=\"");
                kobj(b, p);
                b.c(b'"');
            }
        }
        790..=819 if era >= Era::V127 => {
            h(b, b'I', "topology_manager.go:215");
            b.s("\"Topology Admit Handler\"");
            if era >= Era::V128 {
                b.s(" podUID=\"")
                    .s(&p.uid)
                    .s("\" podNamespace=\"")
                    .s(p.ns)
                    .s("\" podName=\"")
                    .s(&p.name)
                    .c(b'"');
            }
        }
        880..=919 if era >= Era::V127 => {
            h(b, b'I', "generic.go:334");
            let code = *r.pick(&[0u64, 0, 0, 0, 1, 137, 143, 2]);
            b.s("\"Generic (PLEG): container finished\" podID=\"")
                .s(&p.uid)
                .s("\" containerID=\"")
                .s(cid)
                .s("\" exitCode=")
                .u(code);
        }
        790..=944 => {
            if era <= Era::V123 && x < 830 {
                if era == Era::V120 {
                    h(b, b'I', "kubelet_pods.go:1247");
                    b.s("Killing unwanted pod \"").s(&p.name).c(b'"');
                } else {
                    h(b, b'I', "kubelet_pods.go:1073");
                    b.s("\"Killing unwanted pod\" podName=\"").s(&p.name).c(b'"');
                }
            } else if era >= Era::V123 {
                // cpu/memory manager state clean-up after a container is removed
                let (file, msg) = *r.pick(&[
                    ("cpu_manager.go:395", "RemoveStaleState: removing container"),
                    ("state_mem.go:107", "Deleted CPUSet assignment"),
                    ("memory_manager.go:354", "RemoveStaleState removing state"),
                ]);
                let (file, msg) = if era == Era::V123 && file.starts_with("cpu") {
                    (
                        "cpu_manager.go:400",
                        "RemoveStaleState: containerMap: removing container",
                    )
                } else {
                    (file, msg)
                };
                h(b, b'I', file);
                b.c(b'"')
                    .s(msg)
                    .s("\" podUID=\"")
                    .s(&p.uid)
                    .s("\" containerName=\"")
                    .s(cs.name)
                    .c(b'"');
            } else {
                h(b, b'I', "kubelet.go:1888");
                b.s("SyncLoop (UPDATE, \"api\"): \"");
                podfmt(b, p);
                b.c(b'"');
            }
        }
        // ---- warnings and errors (≈5.5 %) ----
        945..=958 => {
            hs(b, b'E', ["dns.go:136", "dns.go:157", "dns.go:153", "dns.go:153"]);
            if era == Era::V120 {
                b.s("Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.0.0.2 1.1.1.1 8.8.8.8");
            } else {
                b.s("\"Nameserver limits exceeded\" err=\"Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.0.0.2 1.1.1.1 8.8.8.8\"");
            }
        }
        959..=970 => kubelet_trouble(c, n, t, kt, b, r),
        971..=976 => {
            hs(
                b,
                b'E',
                [
                    "remote_runtime.go:332",
                    "remote_runtime.go:597",
                    "remote_runtime.go:415",
                    "remote_runtime.go:432",
                ],
            );
            if era == Era::V120 {
                b.s("ContainerStatus \"")
                    .s(cid)
                    .s("\" from runtime service failed: rpc error: code = Unknown desc = Error: No such container: ")
                    .s(cid);
            } else if n.rt == Runtime::Docker {
                b.s("\"ContainerStatus from runtime service failed\" err=\"rpc error: code = Unknown desc = Error: No such container: ").s(cid).s("\" containerID=\"").s(cid).c(b'"');
            } else {
                b.s("\"ContainerStatus from runtime service failed\" err=\"rpc error: code = NotFound desc = an error occurred when try to find container \\\"").s(cid).s("\\\": not found\" containerID=\"").s(cid).c(b'"');
            }
        }
        977..=981 => {
            hs(
                b,
                b'E',
                [
                    "kubelet_volumes.go:154",
                    "kubelet_volumes.go:245",
                    "kubelet_volumes.go:245",
                    "kubelet_volumes.go:245",
                ],
            );
            if era == Era::V120 {
                b.s("orphaned pod \"")
                    .s(&p.uid)
                    .s("\" found, but volume paths are still present on disk : There were a total of ")
                    .u(r.range(2, 9))
                    .s(" errors similar to this. Turn up verbosity to see them.");
            } else {
                b.s("\"There were many similar errors. Turn up verbosity to see them.\" err=\"orphaned pod \\\"")
                    .s(&p.uid);
                b.s("\\\" found, but error not a directory occurred when trying to remove the volumes dir\" numErrs=")
                    .u(r.range(2, 9));
            }
        }
        982..=987 => {
            hs(
                b,
                b'W',
                [
                    "reflector.go:436",
                    "reflector.go:442",
                    "reflector.go:458",
                    "reflector.go:535",
                ],
            );
            let (kind, name) = if r.chance(500) {
                ("*v1.ConfigMap", "kube-root-ca.crt")
            } else {
                ("*v1.Secret", WORKLOADS[p.wl].name)
            };
            b.s("object-\"")
                .s(p.ns)
                .s("\"/\"")
                .s(name)
                .s("\": watch of ")
                .s(kind)
                .s(" ended with: ");
            if era == Era::V120 {
                b.s("very short watch: object-\"")
                    .s(p.ns)
                    .s("\"/\"")
                    .s(name)
                    .s("\": Unexpected watch close - watch lasted less than a second and no items received");
            } else {
                b.s("an error on the server (\"unable to decode an event from the watch stream: http2: client connection lost\") has prevented the request from succeeding");
            }
        }
        988..=994 => {
            h(b, b'W', "manager.go:1174");
            b.s("Failed to process watch event {EventType:0 Name:");
            let uid_us: String = p.uid.replace('-', "_");
            match n.rt {
                Runtime::Docker => b
                    .s("/kubepods/burstable/pod")
                    .s(&p.uid)
                    .c(b'/')
                    .s(cid)
                    .s(" WatchSource:0}: container \"")
                    .s(cid)
                    .s("\" not found"),
                Runtime::Containerd => b
                    .s("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod")
                    .s(&uid_us)
                    .s(".slice/cri-containerd-")
                    .s(cid)
                    .s(".scope WatchSource:0}: task ")
                    .s(cid)
                    .s(" not found: not found"),
            };
        }
        995..=996 if n.rt == Runtime::Containerd => {
            hs(b, b'E', ["", "", "remote_runtime.go:193", "remote_runtime.go:193"]);
            b.s("\"RunPodSandbox from runtime service failed\" err=\"rpc error: code = Unknown desc = failed to setup network for sandbox \\\"").s(&p.sandbox);
            b.s("\\\": plugin type=\\\"calico\\\" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized\"");
        }
        _ => {
            hs(
                b,
                b'E',
                [
                    "controller.go:187",
                    "controller.go:193",
                    "controller.go:193",
                    "controller.go:193",
                ],
            );
            let url = |b: &mut Vec<u8>, q: &str| {
                b.s("Put ")
                    .s(q)
                    .s("https://")
                    .s(&c.api)
                    .s("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/")
                    .s(&n.name)
                    .s("?timeout=10s")
                    .s(q);
                b.s(": net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
            };
            if era == Era::V120 {
                b.s("failed to update lease, error: ");
                url(b, "\"");
            } else {
                b.s("\"Failed to update lease\" err=\"");
                url(b, "\\\"");
                b.c(b'"');
            }
        }
    }
    b.push(b'\n');
}

/// The node's chronically failing pod: CrashLoopBackOff or ImagePullBackOff.
/// The journald short-precise prefix and klog header of one kubelet line.
fn kubelet_head(b: &mut Vec<u8>, n: &Node, t: u64, kt: u64, sev: u8, file: &str) {
    journal_precise(b, t, &n.name, "kubelet", n.kpid);
    klog(b, sev, kt, n.kpid, file);
}

/// Where the kubelet's `Event occurred` lines come from, by era.
const EVENT_GO: [&str; 4] = ["event.go:291", "event.go:294", "event.go:307", "event.go:307"];

/// `"Event occurred" object="ns/name`, with the container's `fieldPath` when there is one.
fn pod_event(b: &mut Vec<u8>, p: &Pod, container: Option<&str>) {
    b.s("\"Event occurred\" object=\"");
    kobj(b, p);
    if let Some(name) = container {
        b.s("\" fieldPath=\"spec.containers{").s(name).c(b'}');
    }
}

/// `" event=` and a PLEG event: JSON from 1.28, `%+v` before.
fn pleg_event(b: &mut Vec<u8>, era: Era, p: &Pod, typ: &str, data: &str) {
    if era >= Era::V128 {
        b.s("\" event={\"ID\":\"")
            .s(&p.uid)
            .s("\",\"Type\":\"")
            .s(typ)
            .s("\",\"Data\":\"")
            .s(data)
            .s("\"}");
    } else {
        b.s("\" event=&{ID:")
            .s(&p.uid)
            .s(" Type:")
            .s(typ)
            .s(" Data:")
            .s(data)
            .c(b'}');
    }
}

fn kubelet_trouble(c: &Cluster, n: &Node, t: u64, kt: u64, b: &mut Vec<u8>, r: &mut Rng) {
    let p = &c.pods[n.trouble];
    let _ = r;
    kubelet_crashloop(n, p, n.trouble_pull, "5m0s", t, kt, b);
}

fn kubelet_crashloop(n: &Node, p: &Pod, pull: bool, backoff: &str, t: u64, kt: u64, b: &mut Vec<u8>) {
    let era = n.era;
    let cs = &WORKLOADS[p.wl].ctrs[0];
    journal_precise(b, t, &n.name, "kubelet", n.kpid);
    klog(
        b,
        b'E',
        kt,
        n.kpid,
        sel(
            era,
            [
                "pod_workers.go:191",
                "pod_workers.go:951",
                "pod_workers.go:1300",
                "pod_workers.go:1300",
            ],
        ),
    );
    if era == Era::V120 {
        b.s("Error syncing pod ").s(&p.uid).s(" (\"");
        podfmt(b, p);
        b.s("\"), skipping: failed to \"StartContainer\" for \"")
            .s(cs.name)
            .s("\" with ");
        if pull {
            b.s("ImagePullBackOff: \"Back-off pulling image \\\"")
                .s(cs.image)
                .s("\\\"\"");
        } else {
            b.s("CrashLoopBackOff: \"Back-off ")
                .s(backoff)
                .s(" restarting failed container=")
                .s(cs.name)
                .s(" pod=");
            podfmt(b, p);
            b.c(b'"');
        }
    } else {
        b.s("\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"")
            .s(cs.name)
            .s("\\\" with ");
        if pull {
            b.s("ImagePullBackOff: \\\"Back-off pulling image \\\\\\\"")
                .s(cs.image)
                .s("\\\\\\\"\\\"\"");
        } else {
            b.s("CrashLoopBackOff: \\\"back-off ")
                .s(backoff)
                .s(" restarting failed container=")
                .s(cs.name)
                .s(" pod=");
            podfmt(b, p);
            b.s("\\\"\"");
        }
        b.s(" pod=\"");
        kobj(b, p);
        b.c(b'"');
        pod_uid_kv(b, era, p);
    }
}

fn kubelet_notready(c: &Cluster, n: &Node, t: u64, kt: u64, st: &mut KubeletState, o: &mut Out, r: &mut Rng) -> bool {
    let era = n.era;
    let b = &mut o.b;
    let h = |b: &mut Vec<u8>, sev: u8, file: &str| kubelet_head(b, n, t, kt, sev, file);
    let hs = |b: &mut Vec<u8>, sev: u8, files: [&str; 4]| h(b, sev, sel(era, files));
    let pleg_ago = 180_912_003_117 + (t - NOTREADY_START.min(t)) * 1000 + (n.kpid % 1000);
    if !st.notready_begun {
        st.notready_begun = true;
        h(b, b'I', "kubelet_node_status.go:725");
        b.s("\"Recording event message for node\" node=\"")
            .s(&n.name)
            .s("\" event=\"NodeNotReady\"\n");
        h(b, b'I', "setters.go:552");
        b.s("\"Node became not ready\" node=\"").s(&n.name).s("\" condition=");
        if era >= Era::V128 {
            b.s("{\"type\":\"Ready\",\"status\":\"False\",\"lastHeartbeatTime\":\"")
                .iso_sec(t);
            b.s("\",\"lastTransitionTime\":\"").iso_sec(t);
            b.s("\",\"reason\":\"KubeletNotReady\",\"message\":\"PLEG is not healthy: pleg was last seen active ")
                .dur(pleg_ago)
                .s(" ago; threshold is 3m0s\"}\n");
        } else {
            for key in ["{Type:Ready Status:False LastHeartbeatTime:", " LastTransitionTime:"] {
                b.s(key)
                    .s(DATE_ISO)
                    .c(b' ')
                    .hmsu(t)
                    .s("123 +0000 UTC m=+")
                    .u(n.uptime0 % 90_000 + t / US)
                    .s(".120349221");
            }
            b.s(" Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active ")
                .dur(pleg_ago)
                .s(" ago; threshold is 3m0s}\n");
        }
        return true;
    }
    if t >= NOTREADY_END {
        if !st.notready_ended {
            st.notready_ended = true;
            h(b, b'I', "kubelet_node_status.go:725");
            b.s("\"Recording event message for node\" node=\"")
                .s(&n.name)
                .s("\" event=\"NodeReady\"\n");
            h(b, b'I', "kubelet_node_status.go:493");
            b.s("\"Fast updating node status as it just became ready\"\n");
            return true;
        }
        return false;
    }
    let skip = t >= st.next_skip;
    match if skip { 0 } else { 1 + r.below(30) } {
        0 => {
            st.next_skip = t + r.range(1_600_000, 5_000_000);
            hs(
                b,
                b'E',
                [
                    "kubelet.go:1956",
                    "kubelet.go:2040",
                    "kubelet.go:2359",
                    "kubelet.go:2399",
                ],
            );
            if era == Era::V120 {
                b.s("skipping pod synchronization - PLEG is not healthy: pleg was last seen active ")
                    .dur(pleg_ago)
                    .s(" ago; threshold is 3m0s");
            } else {
                b.s("\"Skipping pod synchronization\" err=\"PLEG is not healthy: pleg was last seen active ")
                    .dur(pleg_ago)
                    .s(" ago; threshold is 3m0s\"");
            }
        }
        1..=3 => {
            h(b, b'E', "kubelet_node_status.go:540");
            b.s("\"Error updating node status, will retry\" err=\"error getting node \\\"")
                .s(&n.name)
                .s("\\\": Get \\\"https://")
                .s(&c.api);
            b.s("/api/v1/nodes/")
                .s(&n.name)
                .s("?resourceVersion=0&timeout=10s\\\": context deadline exceeded\"");
        }
        4 => {
            h(b, b'E', "remote_runtime.go:277");
            b.s("\"ListPodSandbox with filter from runtime service failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\" filter=\"nil\"");
        }
        5 => {
            h(b, b'E', "generic.go:238");
            b.s("\"GenericPLEG: Unable to retrieve pods\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"");
        }
        _ => return false,
    }
    b.push(b'\n');
    true
}

fn kubelet_disk(c: &Cluster, n: &Node, t: u64, kt: u64, o: &mut Out, r: &mut Rng) {
    let era = n.era;
    let b = &mut o.b;
    let h = |b: &mut Vec<u8>, sev: u8, file: &str| kubelet_head(b, n, t, kt, sev, file);
    let hs = |b: &mut Vec<u8>, sev: u8, files: [&str; 4]| h(b, sev, sel(era, files));
    let v120 = era == Era::V120;
    match r.below(9) {
        0 => {
            h(b, if v120 { b'W' } else { b'I' }, "eviction_manager.go:349");
            if v120 {
                b.s("eviction manager: attempting to reclaim ephemeral-storage");
            } else {
                b.s("\"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"");
            }
        }
        1 => {
            h(b, b'I', "eviction_manager.go:360");
            if v120 {
                b.s("eviction manager: must evict pod(s) to reclaim ephemeral-storage");
            } else {
                b.s("\"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"ephemeral-storage\"");
            }
        }
        2 if !c.evicted.is_empty() && !v120 => {
            h(b, b'I', "eviction_manager.go:378");
            b.s("\"Eviction manager: pods ranked for eviction\" ");
            let ps: Vec<&Pod> = c.evicted.iter().map(|&i| &c.pods[i]).collect();
            pods_kv(b, era, &ps);
        }
        3 if !c.evicted.is_empty() => {
            let p = &c.pods[c.evicted[r.idx(c.evicted.len())]];
            let cs = &WORKLOADS[p.wl].ctrs[0];
            hs(b, b'I', EVENT_GO);
            pod_event(b, p, None);
            b.s("\" kind=\"Pod\" apiVersion=\"v1\" type=\"Warning\" reason=\"Evicted\" message=\"The node was low on resource: ephemeral-storage. ");
            b.s("Threshold quantity: 10Gi, available: ")
                .u(r.range(7_000_000, 10_400_000))
                .s("Ki. Container ")
                .s(cs.name)
                .s(" was using ");
            b.u(r.range(200, 9_000_000))
                .s("Ki, request is 0, has larger consumption of ephemeral-storage. \"");
            b.push(b'\n');
            h(b, b'I', "eviction_manager.go:576");
            if v120 {
                b.s("eviction manager: pod ");
                podfmt(b, p);
                b.s(" is evicted successfully");
            } else {
                b.s("\"Eviction manager: pod is evicted successfully\" pod=\"");
                kobj(b, p);
                b.c(b'"');
            }
        }
        4 => {
            let usage = r.range(88, 97);
            hs(
                b,
                b'I',
                [
                    "image_gc_manager.go:304",
                    "image_gc_manager.go:310",
                    "image_gc_manager.go:310",
                    "image_gc_manager.go:310",
                ],
            );
            if v120 {
                b.s("[imageGCManager]: Disk usage on image filesystem is at ")
                    .u(usage)
                    .s("% which is over the high threshold (85%). Trying to free ");
                b.u(r.range(2_000_000_000, 9_000_000_000))
                    .s(" bytes down to the low threshold (80%).");
            } else {
                b.s("\"Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold\" usage=").u(usage);
                b.s(" highThreshold=85 amountToFree=")
                    .u(r.range(2_000_000_000, 9_000_000_000))
                    .s(" lowThreshold=80");
            }
        }
        5 => {
            h(b, b'I', "image_gc_manager.go:391");
            b.s("\"Removing image to free bytes\" imageID=\"sha256:")
                .hex(r, 64)
                .s("\" size=")
                .u(r.range(3_000_000, 900_000_000));
        }
        6 | 7 => {
            let want = r.range(2_000_000_000, 9_000_000_000);
            hs(
                b,
                b'E',
                [
                    "kubelet.go:1300",
                    "kubelet.go:1347",
                    "kubelet.go:1391",
                    "kubelet.go:1391",
                ],
            );
            if v120 {
                b.s("Image garbage collection failed multiple times in a row: failed to garbage collect required amount of images. Wanted to free ").u(want).s(" bytes, but freed 0 bytes");
            } else if era <= Era::V123 {
                b.s("\"Image garbage collection failed multiple times in a row\" err=\"failed to garbage collect required amount of images. Wanted to free ").u(want).s(" bytes, but freed 0 bytes\"");
            } else {
                b.s("\"Image garbage collection failed multiple times in a row\" err=\"Failed to garbage collect required amount of images. Attempted to free ").u(want);
                b.s(" bytes, but only found ")
                    .u(r.range(0, want / 8))
                    .s(" bytes eligible to free.\"");
            }
        }
        _ => {
            let p = c.any_pod(r);
            h(b, b'W', "kubelet.go:2246");
            if v120 {
                b.s("Failed to admit pod ");
                podfmt(b, p);
                b.s(" - node(s) had condition: [DiskPressure]");
            } else {
                b.s("\"Failed to admit pod to node\" pod=\"");
                kobj(b, p);
                b.s("\" nodeCondition=[DiskPressure]");
            }
        }
    }
    b.push(b'\n');
}

#[allow(clippy::too_many_arguments)]
fn kubelet_oom(c: &Cluster, n: &Node, t: u64, kt: u64, first: bool, o: &mut Out, r: &mut Rng) {
    let era = n.era;
    let p = &c.pods[c.oom_pod];
    let cs = &WORKLOADS[p.wl].ctrs[0];
    let b = &mut o.b;
    let h = |b: &mut Vec<u8>, sev: u8, file: &str| kubelet_head(b, n, t, kt, sev, file);
    let hs = |b: &mut Vec<u8>, sev: u8, files: [&str; 4]| h(b, sev, sel(era, files));
    // Back-off doubles from 10s to 5m0s while the JVM keeps getting OOM-killed.
    let backoff = match (t - OOM_AT) / US {
        0..=59 => "10s",
        60..=119 => "20s",
        120..=239 => "40s",
        240..=419 => "1m20s",
        420..=719 => "2m40s",
        _ => "5m0s",
    };
    match if first { 0 } else { r.below(6) } {
        0 => {
            hs(b, b'I', ["", "kubelet.go:2092", "kubelet.go:2414", "kubelet.go:2454"]);
            b.s("\"SyncLoop (PLEG): event for pod\" pod=\"");
            kobj(b, p);
            let typ = if first || r.chance(500) {
                "ContainerDied"
            } else {
                "ContainerStarted"
            };
            pleg_event(b, era, p, typ, &p.cids[0]);
        }
        1 | 2 => {
            kubelet_crashloop(n, p, false, backoff, t, kt, b);
        }
        3 => {
            hs(b, b'I', EVENT_GO);
            pod_event(b, p, (era >= Era::V127).then_some(cs.name));
            b.s("\" kind=\"Pod\" apiVersion=\"v1\" type=\"Warning\" reason=\"BackOff\" message=\"Back-off restarting failed container ").s(cs.name).s(" in pod ");
            podfmt(b, p);
            b.c(b'"');
        }
        4 => {
            hs(b, b'I', ["", "prober.go:121", "prober.go:107", "prober.go:107"]);
            b.s("\"Probe failed\" probeType=\"Readiness\" pod=\"");
            kobj(b, p);
            b.c(b'"');
            pod_uid_kv(b, era, p);
            b.s(" containerName=\"").s(cs.name).s(if era >= Era::V128 {
                "\" probeResult=\"failure\" output=\""
            } else {
                "\" probeResult=failure output=\""
            });
            b.s("Get \\\"http://")
                .s(&p.ip)
                .s(":9200/_cluster/health?local=true\\\": dial tcp ")
                .s(&p.ip)
                .s(":9200: connect: connection refused\"");
        }
        _ => {
            h(b, b'I', "kuberuntime_manager.go:1046");
            b.s("\"Message for Container of pod\" containerName=\"")
                .s(cs.name)
                .s("\" containerStatusID={\"Type\":\"containerd\",\"ID\":\"")
                .s(&p.cids[0]);
            b.s("\"} pod=\"");
            kobj(b, p);
            b.s("\" containerMessage=\"Container ")
                .s(cs.name)
                .s(" failed liveness probe, will be restarted\"");
        }
    }
    b.push(b'\n');
}

// ------------------------------------------------------------------------------------------------
// dockerd / containerd (logrus under journald short)

/// Which id a [`Quoted`] row puts between its two texts (an index into the `ids` given with the table).
const CID: usize = 0;
const SB: usize = 1;
const IMAGE: usize = 2;
const NO_ID: usize = 3;

/// One kind of logrus line that is only text, an id and text: the draw range `lo..=hi` it answers,
/// its level, the text before the id, which id, the text after it, and maybe a number picked from a
/// list with the text after that.
type Quoted = (
    u64,
    u64,
    &'static str,
    &'static str,
    usize,
    &'static str,
    Option<(&'static [u64], &'static str)>,
);

#[rustfmt::skip]
const DOCKERD_QUOTED: &[Quoted] = &[
    (0, 479, "info", "ignoring event\" container=", CID, " module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"", None),
    (480, 579, "warning", "Published ports are discarded when using host network mode\"", NO_ID, "", None),
    (580, 679, "info", "Container ", CID, " failed to exit within ", Some((&[2, 10, 30, 30], " seconds of signal 15 - using the force\""))),
    (780, 829, "info", "ignoring event\" container=", SB, " module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"", None),
    (830, 879, "warning", "Health check for container ", CID, " error: context deadline exceeded\"", None),
    (930, 964, "error", "stream copy error: reading from a closed fifo\"", NO_ID, "", None),
    (965, 984, "info", "Attempting next endpoint for pull after error: manifest unknown: manifest unknown\"", NO_ID, "", None),
];

#[rustfmt::skip]
const CONTAINERD_QUOTED: &[Quoted] = &[
    (240, 289, "info", "StartContainer for \\\"", CID, "\\\"\"", None),
    (290, 339, "info", "StartContainer for \\\"", CID, "\\\" returns successfully\"", None),
    (340, 379, "info", "PullImage \\\"", IMAGE, "\\\"\"", None),
    (380, 419, "info", "ImageUpdate event &ImageUpdate{Name:", IMAGE, ",Labels:map[string]string{io.cri-containerd.image: managed,},XXX_unrecognized:[],}\"", None),
    (450, 489, "info", "StopContainer for \\\"", CID, "\\\" with timeout ", Some((&[30, 30, 10, 60], " (s)\""))),
    (490, 519, "info", "Stop container \\\"", CID, "\\\" with signal terminated\"", None),
    (520, 549, "info", "StopContainer for \\\"", CID, "\\\" returns successfully\"", None),
    (550, 579, "info", "StopPodSandbox for \\\"", SB, "\\\"\"", None),
    (580, 599, "info", "TearDown network for sandbox \\\"", SB, "\\\" successfully\"", None),
    (600, 629, "info", "StopPodSandbox for \\\"", SB, "\\\" returns successfully\"", None),
    (630, 659, "info", "RemoveContainer for \\\"", CID, "\\\" returns successfully\"", None),
    (660, 719, "info", "shim disconnected\" id=", CID, " namespace=k8s.io", None),
    (720, 769, "warning", "cleaning up after shim disconnected\" id=", CID, " namespace=k8s.io", None),
    (770, 799, "info", "cleaning up dead shim\" namespace=k8s.io", NO_ID, "", None),
    (940, 964, "info", "Container to stop \\\"", CID, "\\\" must be in running or unknown state, current state \\\"CONTAINER_EXITED\\\"\"", None),
];

/// Writes the [`Quoted`] row of `rows` whose range holds `x` (ids by `CID`, `SB`, `IMAGE`; `NO_ID` is
/// empty); false, writing nothing, when no row does.
#[allow(clippy::too_many_arguments)]
fn logrus_quoted(
    b: &mut Vec<u8>,
    n: &Node,
    ident: &str,
    t: u64,
    r: &mut Rng,
    rows: &[Quoted],
    x: u64,
    ids: [&str; 3],
) -> bool {
    let Some(&(_, _, level, pre, id, post, number)) = rows.iter().find(|q| (q.0..=q.1).contains(&x)) else {
        return false;
    };
    logrus_head(b, n, ident, t, r, level);
    b.s(pre).s(if id == NO_ID { "" } else { ids[id] }).s(post);
    if let Some((choices, after)) = number {
        b.u(*r.pick(choices)).s(after);
    }
    true
}

/// ` (<date> <start>) (total time: <total>ms):` and the newline: how a kube-apiserver trace's head ends.
fn trace_total(b: &mut Vec<u8>, start: u64, total: u64) {
    b.s(" (")
        .s(DATE_TRACE)
        .c(b' ')
        .hmsm(start)
        .s(") (total time: ")
        .u(total)
        .s("ms):\n");
}

/// `Trace[<id>]:<step>`, then `<count> ` when there is a count: the start of a trace's step line.
fn trace_step(b: &mut Vec<u8>, id: u64, step: &str, count: Option<u64>) {
    b.s("Trace[").u(id).s("]:").s(step);
    if let Some(count) = count {
        b.u(count).c(b' ');
    }
}

/// `<ms>ms (<at>)` and `close`: how a trace's step line ends.
fn trace_ms(b: &mut Vec<u8>, ms: u64, at: u64, close: &str) {
    b.u(ms).s("ms (").hmsm(at).s(close);
}

/// `Trace[<id>]: [<end>] [<end>] END`, without a newline: a trace's last line.
fn trace_end(b: &mut Vec<u8>, id: u64, end: u64) {
    b.s("Trace[").u(id).s("]: [").dur(end).s("] [").dur(end).s("] END");
}

/// `","start":"…","end":"…","steps":["trace[<id>` in an etcd `trace[…]` JSON line.
fn etcd_trace_span(b: &mut Vec<u8>, start: u64, end: u64, trace_id: u64) {
    b.s("\",\"start\":\"")
        .iso_trim(start)
        .s("\",\"end\":\"")
        .iso_trim(end)
        .s("\",\"steps\":[\"trace[")
        .u(trace_id);
}

fn logrus_head(b: &mut Vec<u8>, n: &Node, ident: &str, t: u64, r: &mut Rng, level: &str) {
    journal_short(b, t, &n.name, ident, n.rpid);
    b.s("time=\"")
        .iso_nano(t, r.below(1000))
        .s("\" level=")
        .s(level)
        .s(" msg=\"");
}

fn docker(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let n = &c.nodes[ni];
    let mut clk = Clock::new(WIN_START + r.below(40 * US), WIN_END - r.below(40 * US), budget);
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        let p = c.pod_on(ni, r);
        let (_, cs, cid) = ctr_of(p, r);
        let b = &mut o.b;
        let disk = ni == c.disk_node && within(t, DISK_START, DISK_END) && r.chance(250);
        if disk {
            if r.chance(500) {
                logrus_head(b, n, "dockerd", t, r, "error");
                b.s("Handler for DELETE /v1.41/images/sha256:")
                    .hex(r, 64)
                    .s(" returned error: conflict: unable to delete ")
                    .hex(r, 12);
                b.s(" (cannot be forced) - image is being used by running container ")
                    .s(&cid[..12])
                    .c(b'"');
            } else {
                logrus_head(b, n, "dockerd", t, r, "info");
                b.s("Layer sha256:").hex(r, 64).s(" cleaned up\"");
            }
            b.push(b'\n');
            o.commit()?;
            continue;
        }
        let x = r.below(1000);
        if logrus_quoted(b, n, "dockerd", t, r, DOCKERD_QUOTED, x, [cid, &p.sandbox, cs.image]) {
            b.push(b'\n');
            o.commit()?;
            continue;
        }
        match x {
            680..=779 => {
                logrus_head(b, n, "dockerd", t, r, "info");
                b.s("Layer sha256:").hex(r, 64).s(" cleaned up\"");
            }
            880..=929 => {
                logrus_head(b, n, "dockerd", t, r, "error");
                b.s("Handler for GET /v1.41/containers/")
                    .s(cid)
                    .s("/json returned error: No such container: ")
                    .s(cid)
                    .c(b'"');
            }
            _ => {
                logrus_head(b, n, "dockerd", t, r, "warning");
                let reg = cs
                    .image
                    .split('/')
                    .next()
                    .filter(|r| r.contains('.'))
                    .unwrap_or("registry-1.docker.io");
                b.s("Error getting v2 registry: Get \\\"https://").s(reg);
                b.s("/v2/\\\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\"");
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

fn containerd(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let n = &c.nodes[ni];
    let mut clk = Clock::new(WIN_START + r.below(40 * US), WIN_END - r.below(40 * US), budget);
    let mut oom_done = ni != c.oom_node;
    while o.bytes < budget {
        let mut t = clk.tick(o.bytes, r);
        let b = &mut o.b;
        if !oom_done && t >= OOM_AT {
            oom_done = true;
            let p = &c.pods[c.oom_pod];
            t = OOM_AT + 21_409;
            logrus_head(b, n, "containerd", t, r, "info");
            b.s("TaskOOM event &TaskOOM{ContainerID:")
                .s(&p.cids[0])
                .s(",XXX_unrecognized:[],}\"\n");
            let t2 = t + 86_000 + r.below(20_000);
            logrus_head(b, n, "containerd", t2, r, "info");
            b.s("shim disconnected\" id=").s(&p.cids[0]).s(" namespace=k8s.io\n");
            logrus_head(b, n, "containerd", t2 + 31, r, "warning");
            b.s("cleaning up after shim disconnected\" id=")
                .s(&p.cids[0])
                .s(" namespace=k8s.io\n");
            clk.seen(t2 + 31);
            o.commit()?;
            continue;
        }
        let p = c.pod_on(ni, r);
        let (_, cs, cid) = ctr_of(p, r);
        let sb = p.sandbox.as_str();
        let meta = |b: &mut Vec<u8>| {
            b.s("&PodSandboxMetadata{Name:")
                .s(&p.name)
                .s(",Uid:")
                .s(&p.uid)
                .s(",Namespace:")
                .s(p.ns)
                .s(",Attempt:0,}");
        };
        let x = r.below(1000);
        if logrus_quoted(b, n, "containerd", t, r, CONTAINERD_QUOTED, x, [cid, sb, cs.image]) {
            b.push(b'\n');
            o.commit()?;
            continue;
        }
        match x {
            0..=59 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("RunPodSandbox for ");
                meta(b);
                b.c(b'"');
            }
            60..=119 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("RunPodSandbox for ");
                meta(b);
                b.s(" returns sandbox id \\\"").s(sb).s("\\\"\"");
            }
            120..=179 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("CreateContainer within sandbox \\\"")
                    .s(sb)
                    .s("\\\" for container &ContainerMetadata{Name:")
                    .s(cs.name)
                    .s(",Attempt:")
                    .u(r.below(3))
                    .s(",}\"");
            }
            180..=239 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("CreateContainer within sandbox \\\"")
                    .s(sb)
                    .s("\\\" for &ContainerMetadata{Name:")
                    .s(cs.name)
                    .s(",Attempt:")
                    .u(r.below(3));
                b.s(",} returns container id \\\"").s(cid).s("\\\"\"");
            }
            420..=449 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("PullImage \\\"")
                    .s(cs.image)
                    .s("\\\" returns image reference \\\"sha256:")
                    .hex(r, 64)
                    .s("\\\"\"");
            }
            800..=899 => {
                let plugin = *r.pick(&[
                    ("io.containerd.event.v1.publisher", "io.containerd.event.v1"),
                    ("io.containerd.internal.v1.shutdown", "io.containerd.internal.v1"),
                    ("io.containerd.ttrpc.v1.task", "io.containerd.ttrpc.v1"),
                    ("io.containerd.ttrpc.v1.pause", "io.containerd.ttrpc.v1"),
                ]);
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("loading plugin \\\"")
                    .s(plugin.0)
                    .s("\\\"...\" runtime=io.containerd.runc.v2 type=")
                    .s(plugin.1);
            }
            900..=939 => {
                logrus_head(b, n, "containerd", t, r, "info");
                b.s("starting signal loop\" namespace=k8s.io path=/run/containerd/io.containerd.runtime.v2.task/k8s.io/").s(sb);
                b.s(" pid=")
                    .u(r.range(3_000, 4_000_000))
                    .s(" runtime=io.containerd.runc.v2");
            }
            965..=989 => {
                logrus_head(b, n, "containerd", t, r, "error");
                b.s("ContainerStatus for \\\"").s(cid).s("\\\" failed\" error=\"rpc error: code = NotFound desc = an error occurred when try to find container \\\"").s(cid).s("\\\": not found\"");
            }
            990..=995 => {
                logrus_head(b, n, "containerd", t, r, "error");
                b.s("StopPodSandbox for \\\"")
                    .s(sb)
                    .s("\\\" failed\" error=\"failed to destroy network for sandbox \\\"")
                    .s(sb);
                b.s("\\\": plugin type=\\\"calico\\\" failed (delete): error getting ClusterInformation: connection is unauthorized: Unauthorized\"");
            }
            _ => {
                logrus_head(b, n, "containerd", t, r, "error");
                b.s("RunPodSandbox for ");
                meta(b);
                b.s(" failed\" error=\"failed to setup network for sandbox \\\"").s(sb);
                b.s("\\\": plugin type=\\\"calico\\\" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized\"");
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// kernel (rsyslog traditional format, printk timestamps)

fn kern_head(b: &mut Vec<u8>, n: &Node, t: u64) {
    let up = n.uptime0 * US + t;
    b.s(MON)
        .c(b' ')
        .s(DD_SYSLOG)
        .c(b' ')
        .hms(t)
        .c(b' ')
        .s(&n.name)
        .s(" kernel: [");
    let secs = up / US;
    let digits = if secs == 0 { 1 } else { secs.ilog10() + 1 };
    for _ in digits..5 {
        b.push(b' ');
    }
    b.u(secs).c(b'.').zn(up % US, 6).s("] ");
}

fn kernel(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let n = &c.nodes[ni];
    let mut clk = Clock::new(WIN_START + r.below(600 * US), WIN_END - r.below(600 * US), budget);
    let mut oom_done = ni != c.oom_node;
    let mut audit_serial = r.range(200, 9_000);
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        if !oom_done && t >= OOM_AT {
            oom_done = true;
            let t_end = oom_block(c, n, o, r);
            clk.seen(t_end);
            o.commit()?;
            continue;
        }
        let b = &mut o.b;
        let p = c.pod_on(ni, r);
        match r.below(100) {
            0..=24 => {
                kern_head(b, n, t);
                b.s("IPv6: ADDRCONF(NETDEV_CHANGE): cali")
                    .hex(r, 11)
                    .s(": link becomes ready");
            }
            25..=39 => {
                kern_head(b, n, t);
                b.s("IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready");
            }
            40..=54 => {
                kern_head(b, n, t);
                b.s("overlayfs: upperdir is in-use as upperdir/workdir of another mount, accessing files from both mounts will result in undefined behavior.");
            }
            55..=74 => {
                audit_serial += r.range(1, 40);
                kern_head(b, n, t);
                b.s("audit: type=1400 audit(")
                    .u(DAY_EPOCH + t / US)
                    .c(b'.')
                    .zn(t % US / 1000, 3)
                    .c(b':')
                    .u(audit_serial);
                b.s("): apparmor=\"STATUS\" operation=\"profile_replace\" info=\"same as current profile, skipping\" profile=\"unconfined\" name=\"cri-containerd.apparmor.d\" pid=");
                b.u(r.range(3_000, 4_000_000)).s(" comm=\"apparmor_parser\"");
            }
            75..=84 => {
                kern_head(b, n, t);
                b.s("EXT4-fs (nvme1n1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.");
            }
            85..=89 => {
                kern_head(b, n, t);
                b.s("TCP: request_sock_TCP: Possible SYN flooding on port ")
                    .u(WORKLOADS[p.wl].ctrs[0].port.max(80) as u64)
                    .s(". Sending cookies.  Check SNMP counters.");
            }
            90..=94 if ni == c.disk_node && within(t, DISK_START, DISK_END) => {
                kern_head(b, n, t);
                b.s("EXT4-fs warning (device nvme0n1p1): ext4_dx_add_entry:2516: Directory (ino: 1837021) index full, reach max htree level :2");
            }
            _ => {
                kern_head(b, n, t);
                b.s("nf_conntrack: nf_conntrack: table full, dropping packet");
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

/// The memcg OOM kill of the Elasticsearch JVM (kernel 5.15 wording).
fn oom_block(c: &Cluster, n: &Node, o: &mut Out, r: &mut Rng) -> u64 {
    let p = &c.pods[c.oom_pod];
    let cid = &p.cids[0];
    let pid = c.oom_pid;
    let uid_us = p.uid.replace('-', "_");
    let pid_s = pid.to_string();
    let memcg = format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{uid_us}.slice");
    let task = format!("{memcg}/cri-containerd-{cid}.scope");
    let tini = (pid - 37).to_string();
    let lines: Vec<String> = vec![
        "java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=934".into(),
        format!("CPU: 3 PID: {pid_s} Comm: java Not tainted 5.15.0-1048-aws #53~20.04.1-Ubuntu"),
        "Hardware name: Amazon EC2 r5.2xlarge/, BIOS 1.0 10/16/2017".into(),
        "Call Trace:".into(),
        " <TASK>".into(),
        " dump_stack_lvl+0x4a/0x63".into(),
        " dump_header+0x4a/0x1f4".into(),
        " oom_kill_process.cold+0xb/0x10".into(),
        " out_of_memory+0x1bd/0x500".into(),
        " mem_cgroup_out_of_memory+0x136/0x150".into(),
        " try_charge_memcg+0x6dd/0x790".into(),
        " charge_memcg+0x45/0xb0".into(),
        " __mem_cgroup_charge+0x2d/0x80".into(),
        " handle_mm_fault+0xd8/0x2c0".into(),
        " exc_page_fault+0x77/0x170".into(),
        " asm_exc_page_fault+0x27/0x30".into(),
        " </TASK>".into(),
        "memory: usage 8388608kB, limit 8388608kB, failcnt 4127".into(),
        "swap: usage 0kB, limit 9007199254740988kB, failcnt 0".into(),
        format!("Memory cgroup stats for {memcg}:"),
        "Tasks state (memory values in pages):".into(),
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name".into(),
        format!("[{tini:>7}]  1000 {tini}      621        7    45056        0           934 tini"),
        format!("[{pid_s:>7}]  1000 {pid_s}  3313804  2093420 17657856        0           934 java"),
        format!("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-{cid}.scope,mems_allowed=0,oom_memcg={memcg},task_memcg={task},task=java,pid={pid_s},uid=1000"),
        format!("Memory cgroup out of memory: Killed process {pid_s} (java) total-vm:13255216kB, anon-rss:8360140kB, file-rss:13540kB, shmem-rss:0kB, UID:1000 pgtables:17244kB oom_score_adj:934"),
    ];
    let b = &mut o.b;
    let mut t = OOM_AT;
    for l in &lines {
        t += r.range(3, 400);
        kern_head(b, n, t);
        b.s(l).c(b'\n');
    }
    t += r.range(20_000, 90_000);
    kern_head(b, n, t);
    b.s("oom_reaper: reaped process ")
        .s(&pid_s)
        .s(" (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n");
    t
}

// ------------------------------------------------------------------------------------------------
// etcd (zap JSON, etcd 3.5.9)

fn etcd(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let member = new_hex(r, 16);
    let peers: Vec<String> = (0..c.cp)
        .map(|i| if i == ni { member.clone() } else { new_hex(r, 16) })
        .collect();
    let mut clk = Clock::new(WIN_START + r.below(30 * US), WIN_END - r.below(30 * US), budget);
    let mut rev = 48_000_000 + r.below(200_000);
    let mut trace_id = r.range(100_000_000, 4_000_000_000);
    let mut applied = 93_000_000 + r.below(100_000);
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        rev += r.range(1, 40);
        applied += r.range(1, 60);
        let slow = within(t, ETCD_SLOW_START, ETCD_SLOW_END);
        let b = &mut o.b;
        let head = |b: &mut Vec<u8>, level: &str, caller: &str, msg: &str| {
            b.s("{\"level\":\"")
                .s(level)
                .s("\",\"ts\":\"")
                .iso_trim(t)
                .s("\",\"caller\":\"")
                .s(caller)
                .s("\",\"msg\":\"")
                .s(msg)
                .c(b'"');
        };
        let x = if slow { r.below(1000) / 2 + 500 } else { r.below(1000) };
        let p = c.any_pod(r);
        match x {
            0..=429 => {
                trace_id += r.range(1, 5000);
                let took = if slow {
                    r.range(300_000_000, 4_000_000_000)
                } else {
                    r.range(100_000_000, 480_000_000)
                } + r.below(1000);
                let start = t.saturating_sub(took / 1000);
                let read = r.chance(600);
                b.s("{\"level\":\"info\",\"ts\":\"")
                    .iso_trim(t)
                    .s("\",\"caller\":\"traceutil/trace.go:171\",\"msg\":\"trace[")
                    .u(trace_id);
                if read {
                    b.s("] range\",\"detail\":\"{range_begin:/registry/pods/")
                        .s(p.ns)
                        .s("/; range_end:/registry/pods/")
                        .s(p.ns)
                        .s("0; response_count:");
                    b.u(r.range(1, 400))
                        .s("; response_revision:")
                        .u(rev)
                        .s("; }\",\"duration\":\"")
                        .dur(took);
                    etcd_trace_span(b, start, t, trace_id);
                    b.s("] 'agreement among raft nodes before linearized reading'  (duration: ")
                        .dur(took - took / 50)
                        .s(")\"],\"step_count\":1}");
                } else {
                    b.s("] transaction\",\"detail\":\"{read_only:false; response_revision:")
                        .u(rev)
                        .s("; number_of_response:1; }\",\"duration\":\"")
                        .dur(took);
                    etcd_trace_span(b, start, t, trace_id);
                    b.s("] 'process raft request'  (duration: ")
                        .dur(took - took / 30)
                        .s(")\"],\"step_count\":1}");
                }
            }
            430..=529 => {
                head(b, "info", "mvcc/index.go:214", "compact tree index");
                b.s(",\"revision\":").u(rev - r.range(5_000, 60_000)).c(b'}');
            }
            530..=599 => {
                head(
                    b,
                    "info",
                    "mvcc/kvstore_compaction.go:66",
                    "finished scheduled compaction",
                );
                b.s(",\"compact-revision\":")
                    .u(rev - r.range(5_000, 60_000))
                    .s(",\"took\":\"")
                    .dur(r.range(20_000_000, 400_000_000));
                b.s("\",\"hash\":").u(r.next() >> 32).c(b'}');
            }
            600..=649 => {
                head(b, "info", "mvcc/hash.go:137", "storing new hash");
                b.s(",\"hash\":")
                    .u(r.next() >> 32)
                    .s(",\"revision\":")
                    .u(rev)
                    .s(",\"compact-revision\":")
                    .u(rev - r.range(5_000, 60_000))
                    .c(b'}');
            }
            650..=679 => {
                head(b, "info", "etcdserver/server.go:1395", "triggering snapshot");
                b.s(",\"local-member-id\":\"")
                    .s(&member)
                    .s("\",\"local-member-applied-index\":")
                    .u(applied);
                b.s(",\"local-member-snapshot-index\":")
                    .u(applied - 10_001)
                    .s(",\"local-member-snapshot-count\":10000}");
            }
            680..=699 => {
                head(b, "info", "etcdserver/server.go:2413", "saved snapshot");
                b.s(",\"snapshot-index\":").u(applied).c(b'}');
            }
            700..=719 => {
                head(b, "info", "etcdserver/server.go:2443", "compacted Raft logs");
                b.s(",\"compact-index\":").u(applied - 5_000).c(b'}');
            }
            720..=739 => {
                head(b, "info", "fileutil/purge.go:85", "purged");
                b.s(",\"path\":\"/var/lib/etcd/member/snap/")
                    .zn(r.range(2, 9), 16)
                    .c(b'-')
                    .zn(applied - 50_000, 16)
                    .s(".snap\"}");
            }
            740..=939 => {
                let took = if slow {
                    r.range(200_000_000, 10_900_000_000)
                } else {
                    r.range(100_000_000, 900_000_000)
                } + r.below(1000);
                head(b, "warn", "etcdserver/util.go:170", "apply request took too long");
                b.s(",\"took\":\"").dur(took).s("\",\"expected-duration\":\"100ms\",");
                if r.chance(600) {
                    b.s("\"prefix\":\"read-only range \",\"request\":\"key:\\\"/registry/pods/")
                        .s(p.ns)
                        .s("/\\\" range_end:\\\"/registry/pods/")
                        .s(p.ns);
                    b.s("0\\\" \",\"response\":\"range_response_count:")
                        .u(r.range(1, 400))
                        .s(" size:")
                        .u(r.range(4_000, 900_000))
                        .c(b'"');
                } else {
                    let node = &c.nodes[r.idx(c.nodes.len())].name;
                    b.s("\"prefix\":\"\",\"request\":\"header:<ID:")
                        .u(r.next() >> 1)
                        .s(" username:\\\"kube-apiserver-etcd-client\\\" auth_revision:1 > ");
                    b.s("txn:<compare:<target:MOD key:\\\"/registry/leases/kube-node-lease/")
                        .s(node)
                        .s("\\\" mod_revision:")
                        .u(rev - r.range(100, 900));
                    b.s(" > success:<request_put:<key:\\\"/registry/leases/kube-node-lease/")
                        .s(node)
                        .s("\\\" value_size:")
                        .u(r.range(480, 620));
                    b.s(" >> failure:<request_range:<key:\\\"/registry/leases/kube-node-lease/")
                        .s(node)
                        .s("\\\" > >>\",\"response\":\"size:20\"");
                }
                if slow && r.chance(150) {
                    b.s(",\"error\":\"etcdserver: request timed out\"");
                }
                b.c(b'}');
            }
            940..=964 => {
                head(
                    b,
                    "warn",
                    "etcdserver/v3_server.go:897",
                    "waiting for ReadIndex response took too long, retrying",
                );
                b.s(",\"sent-request-id\":")
                    .u(r.next() >> 1)
                    .s(",\"retry-timeout\":\"500ms\"}");
            }
            965..=984 => {
                let to = &peers[r.idx(peers.len())];
                head(b, "warn", "etcdserver/raft.go:416", "leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk");
                b.s(",\"to\":\"")
                    .s(to)
                    .s("\",\"heartbeat-interval\":\"100ms\",\"expected-duration\":\"200ms\",\"exceeded-duration\":\"")
                    .dur(r.range(10_000_000, 900_000_000))
                    .s("\"}");
            }
            _ => {
                head(b, "warn", "wal/wal.go:805", "slow fdatasync");
                b.s(",\"took\":\"")
                    .dur(r.range(1_000_000_000, 3_000_000_000))
                    .s("\",\"expected-duration\":\"1s\"}");
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// kube-apiserver (klog, pid 1; k8s 1.28)

const UA_KCM: &[&str] = &[
    "kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/system:serviceaccount:kube-system:replicaset-controller",
    "kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/system:serviceaccount:kube-system:endpointslice-controller",
    "kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/system:serviceaccount:kube-system:job-controller",
    "kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/leader-election",
];

fn kubelet_ua(n: &Node) -> &'static str {
    match n.era {
        Era::V120 => "kubelet/v1.20.15 (linux/amd64) kubernetes/8f1e5bf",
        Era::V123 => "kubelet/v1.23.17 (linux/amd64) kubernetes/953be89",
        Era::V127 => "kubelet/v1.27.7 (linux/amd64) kubernetes/07a61d8",
        Era::V128 => "kubelet/v1.28.3 (linux/amd64) kubernetes/a8a1abc",
    }
}

fn apiserver(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let mut clk = Clock::new(WIN_START + r.below(30 * US), WIN_END - r.below(30 * US), budget);
    let mut trace_id = r.range(100_000_000, 4_000_000_000);
    let mut rv = 48_000_000 + r.below(200_000);
    // The etcd client's resolver pointer is fixed for the life of the process (`0xc0039dbc00`).
    let etcd_ptr = format!("0xc00{}00", new_hex(r, 5));
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        rv += r.range(1, 30);
        let webhook = within(t, WEBHOOK_START, WEBHOOK_END);
        let slow = within(t, ETCD_SLOW_START, ETCD_SLOW_END);
        let b = &mut o.b;
        let node = &c.nodes[r.idx(c.nodes.len())];
        let p = c.any_pod(r);
        let mut x = r.below(1000);
        if (webhook && r.chance(100)) || (slow && r.chance(100)) {
            x = 2000; // incident record
        }
        match x {
            0..=799 => {
                // HTTP log
                klog(b, b'I', t, 1, "httplog.go:132");
                let (verb, ua, uri_kind) = match r.below(20) {
                    0..=5 => ("PUT", kubelet_ua(node), 0),
                    6..=8 => ("GET", kubelet_ua(node), 1),
                    9..=10 => ("PATCH", kubelet_ua(node), 2),
                    11..=12 => ("GET", *r.pick(UA_KCM), 3),
                    13 => ("LIST", *r.pick(UA_KCM), 4),
                    14 => ("WATCH", kubelet_ua(node), 5),
                    15 => (
                        "POST",
                        "kube-scheduler/v1.28.3 (linux/amd64) kubernetes/a8a1abc/scheduler",
                        6,
                    ),
                    16 => ("GET", "kube-probe/1.28", 7),
                    17 => ("LIST", "kubectl/v1.28.2 (darwin/arm64) kubernetes/89a4ea3", 8),
                    18 => ("POST", kubelet_ua(node), 9),
                    _ => ("GET", "Go-http-client/2.0", 10),
                };
                b.s("\"HTTP\" verb=\"").s(verb).s("\" URI=\"");
                match uri_kind {
                    0 => b
                        .s("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/")
                        .s(&node.name)
                        .s("?timeout=10s"),
                    1 => b.s("/api/v1/namespaces/").s(p.ns).s("/pods/").s(&p.name),
                    2 => b.s("/api/v1/namespaces/").s(p.ns).s("/pods/").s(&p.name).s("/status"),
                    3 => b.s("/apis/apps/v1/namespaces/").s(p.ns).s("/replicasets/").s(&p.owner),
                    4 => b.s("/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0"),
                    5 => b
                        .s("/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3D")
                        .s(&node.name)
                        .s("&resourceVersion=")
                        .u(rv)
                        .s("&timeout=7m41s&timeoutSeconds=461&watch=true"),
                    6 => b.s("/api/v1/namespaces/").s(p.ns).s("/pods/").s(&p.name).s("/binding"),
                    7 => b.s(r.pick_str(&["/livez", "/readyz", "/healthz"])),
                    8 => b.s("/api/v1/namespaces/").s(p.ns).s("/pods?limit=500"),
                    9 => b.s("/api/v1/namespaces/").s(p.ns).s("/events"),
                    _ => b.s("/apis/metrics.k8s.io/v1beta1/nodes"),
                };
                let lat = match verb {
                    "WATCH" => r.range(60_000_000_000, 461_000_000_000),
                    "LIST" => r.range(20_000_000, 900_000_000),
                    _ if slow => r.range(5_000_000, 9_000_000_000),
                    _ => r.range(300_000, 40_000_000),
                };
                b.s("\" latency=\"")
                    .dur(lat)
                    .s("\" userAgent=\"")
                    .s(ua)
                    .s("\" audit-ID=\"")
                    .uuid(r.next())
                    .s("\" srcIP=\"");
                if ua.starts_with("kube-probe") {
                    b.s(&c.nodes[ni].ip);
                } else if ua.starts_with("kubelet") {
                    b.s(&node.ip);
                } else if ua.starts_with("kubectl") {
                    b.s("10.0.250.").u(r.range(2, 250));
                } else {
                    b.s(&c.nodes[r.idx(c.cp)].ip);
                }
                b.c(b':').u(r.range(32_768, 60_999)).c(b'"');
                if verb == "WATCH" {
                    b.s(" hijacked=true");
                }
                let code = if slow && r.chance(80) {
                    504
                } else {
                    match (verb, r.below(100)) {
                        ("POST", 0..=89) => 201,
                        ("GET", 90..=94) => 404,
                        ("PUT", 95..=96) | ("PATCH", 95..=96) => 409,
                        (_, 99) => 429,
                        _ => 200,
                    }
                };
                b.s(" resp=").u(code);
            }
            800..=844 => {
                // Trace block (1.19+ layout), continuation lines have no header.
                trace_id += r.range(1, 1_000_000);
                let total = if slow {
                    r.range(1_000, 9_800)
                } else {
                    r.range(500, 2_400)
                };
                let start = t.saturating_sub(total * 1000 + r.below(1000));
                let audit = r.next();
                klog(b, b'I', t, 1, "trace.go:236");
                b.s("Trace[").u(trace_id).s("]: ");
                if r.chance(600) {
                    b.s("\"Update\" accept:application/vnd.kubernetes.protobuf, */*,audit-id:")
                        .uuid(audit)
                        .s(",client:")
                        .s(&node.ip);
                    b.s(",protocol:HTTP/2.0,resource:leases,scope:resource,url:/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/").s(&node.name);
                    b.s(",user-agent:").s(kubelet_ua(node)).s(",verb:PUT");
                    trace_total(b, start, total);
                    b.s("Trace[")
                        .u(trace_id)
                        .s("]: [\"GuaranteedUpdate etcd3\" audit-id:")
                        .uuid(audit)
                        .s(",key:/leases/kube-node-lease/")
                        .s(&node.name);
                    b.s(",type:*coordination.Lease,resource:leases.coordination.k8s.io ");
                    trace_ms(b, total - 1, start, ")\n");
                    trace_step(b, trace_id, "  ---\"Txn call completed\" ", None);
                    trace_ms(b, total - 2, t.saturating_sub(900), ")]\n");
                } else {
                    b.s("\"List\" accept:application/json, */*,audit-id:")
                        .uuid(audit)
                        .s(",client:")
                        .s(&c.nodes[r.idx(c.cp)].ip);
                    b.s(",protocol:HTTP/2.0,resource:pods,scope:namespace,url:/api/v1/namespaces/")
                        .s(p.ns)
                        .s("/pods,user-agent:");
                    b.s(UA_KCM[0]).s(",verb:LIST");
                    trace_total(b, start, total);
                    b.s("Trace[")
                        .u(trace_id)
                        .s("]: [\"cacher list\" audit-id:")
                        .uuid(audit)
                        .s(",type:pods ");
                    trace_ms(b, total - total / 4, start, ")\n");
                    trace_step(
                        b,
                        trace_id,
                        "  ---\"Listed items from cache\" count:",
                        Some(r.range(3, 400)),
                    );
                    trace_ms(b, total - total / 4, t.saturating_sub(total * 250), ")]\n");
                    trace_step(
                        b,
                        trace_id,
                        " ---\"Writing http response done\" count:",
                        Some(r.range(3, 400)),
                    );
                    trace_ms(b, total / 4, t, ")\n");
                }
                let end = total * 1_000_000 + r.below(1_000_000);
                trace_end(b, trace_id, end);
            }
            845..=884 => {
                klog(b, b'I', t, 1, "handler.go:232");
                b.s("Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager");
            }
            885..=909 => {
                klog(b, b'I', t, 1, "controller.go:624");
                b.s("quota admission added evaluator for: ").s(r.pick_str(&[
                    "leases.coordination.k8s.io",
                    "endpoints",
                    "endpointslices.discovery.k8s.io",
                    "jobs.batch",
                    "events.events.k8s.io",
                ]));
            }
            910..=924 => {
                klog(b, b'I', t, 1, "alloc.go:330");
                b.s("\"allocated clusterIPs\" service=\"")
                    .s(p.ns)
                    .c(b'/')
                    .s(WORKLOADS[p.wl].name)
                    .s("\" clusterIPs={\"IPv4\":\"10.96.")
                    .u(r.below(256))
                    .c(b'.')
                    .u(r.range(1, 254))
                    .s("\"}");
            }
            925..=944 => {
                klog(b, b'W', t, 1, "handler_proxy.go:93");
                b.s("no RequestInfo found in the context");
            }
            945..=959 => {
                klog(b, b'E', t, 1, "available_controller.go:460");
                b.s("v1beta1.metrics.k8s.io failed with: failing or missing response from https://");
                let ms = c
                    .pods
                    .iter()
                    .find(|p| WORKLOADS[p.wl].name == "metrics-server")
                    .map_or("10.244.3.9", |p| p.ip.as_str());
                b.s(ms)
                    .s(":10250/apis/metrics.k8s.io/v1beta1: Get \"https://")
                    .s(ms)
                    .s(":10250/apis/metrics.k8s.io/v1beta1\": context deadline exceeded");
            }
            960..=974 => {
                klog(b, b'E', t, 1, "status.go:71");
                b.s("apiserver received an error that is not an metav1.Status: &errors.errorString{s:\"context canceled\"}: context canceled");
            }
            975..=986 => {
                klog(b, b'E', t, 1, "wrap.go:54");
                b.s("timeout or abort while handling: method=GET URI=\"/api/v1/namespaces/")
                    .s(p.ns)
                    .s("/events?resourceVersion=")
                    .u(rv)
                    .s("&watch=true\" audit-ID=\"")
                    .uuid(r.next())
                    .c(b'"');
            }
            987..=999 => {
                klog(b, b'E', t, 1, "authentication.go:73");
                b.s("\"Unable to authenticate the request\" err=\"[invalid bearer token, service account token has expired]\"");
            }
            _ => {
                if webhook && (!slow || r.chance(500)) {
                    // Trace of the webhook call, then the W/E pair at (almost) the same µs.
                    trace_id += r.range(1, 1_000_000);
                    let gk = r.chance(750);
                    let (hook, url, tail, timeout) = if gk {
                        (
                            "validation.gatekeeper.sh",
                            "https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s",
                            "context deadline exceeded",
                            3_000u64,
                        )
                    } else {
                        (
                            "webhook.cert-manager.io",
                            "https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s",
                            "dial tcp 10.96.44.12:443: connect: connection refused",
                            10_000,
                        )
                    };
                    if gk {
                        let start = t.saturating_sub(timeout * 1000 + r.below(900));
                        klog(b, b'I', t, 1, "trace.go:236");
                        b.s("Trace[")
                            .u(trace_id)
                            .s("]: \"Call validating webhook\" configuration:")
                            .s(if gk {
                                "gatekeeper-validating-webhook-configuration"
                            } else {
                                "cert-manager-webhook"
                            });
                        b.s(",webhook:")
                            .s(hook)
                            .s(",resource:apps/v1, Resource=deployments,subresource:,operation:UPDATE,UID:")
                            .uuid(r.next());
                        trace_total(b, start, timeout);
                        let end = timeout * 1_000_000 + r.below(900_000);
                        trace_end(b, trace_id, end);
                        b.push(b'\n');
                    }
                    let w = t + r.range(20, 90);
                    if gk {
                        klog(b, b'W', w, 1, "dispatcher.go:205");
                        b.s("Failed calling webhook, failing open ")
                            .s(hook)
                            .s(": failed calling webhook \"")
                            .s(hook)
                            .s("\": failed to call webhook: Post \"")
                            .s(url)
                            .s("\": ")
                            .s(tail)
                            .c(b'\n');
                        let e = w + r.range(15, 60);
                        klog(b, b'E', e, 1, "dispatcher.go:213");
                        b.s("failed calling webhook \"")
                            .s(hook)
                            .s("\": failed to call webhook: Post \"")
                            .s(url)
                            .s("\": ")
                            .s(tail);
                        clk.seen(e);
                    } else {
                        klog(b, b'W', w, 1, "dispatcher.go:181");
                        b.s("Failed calling webhook, failing closed ")
                            .s(hook)
                            .s(": failed calling webhook \"")
                            .s(hook)
                            .s("\": failed to call webhook: Post \"")
                            .s(url)
                            .s("\": ")
                            .s(tail);
                        clk.seen(w);
                    }
                } else {
                    b.s("{\"level\":\"warn\",\"ts\":\"").iso_trim(t).s("\",\"logger\":\"etcd-client\",\"caller\":\"v3@v3.5.9/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"etcd-endpoints://");
                    b.s(&etcd_ptr)
                        .s("/127.0.0.1:2379\",\"attempt\":0,\"error\":\"rpc error: code = ");
                    b.s(if r.chance(600) {
                        "DeadlineExceeded desc = context deadline exceeded\"}"
                    } else {
                        "Unavailable desc = etcdserver: leader changed\"}"
                    });
                }
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// kube-controller-manager

/// `Event(v1.ObjectReference{…}): type: 'X' reason: 'Y' ` (client-go StartLogging).
#[allow(clippy::too_many_arguments)]
fn event_ref(b: &mut Vec<u8>, kind: &str, ns: &str, name: &str, api: &str, rv: u64, typ: &str, reason: &str) {
    b.s("Event(v1.ObjectReference{Kind:\"")
        .s(kind)
        .s("\", Namespace:\"")
        .s(ns)
        .s("\", Name:\"")
        .s(name)
        .s("\", UID:\"");
    b.uuid(hash_str(name, 7))
        .s("\", APIVersion:\"")
        .s(api)
        .s("\", ResourceVersion:\"");
    if rv > 0 {
        b.u(rv);
    }
    b.s("\", FieldPath:\"\"}): type: '")
        .s(typ)
        .s("' reason: '")
        .s(reason)
        .s("' ");
}

fn controller_manager(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let leader = ni == c.kcm_leader;
    let mut clk = Clock::new(WIN_START + r.below(30 * US), WIN_END - r.below(30 * US), budget);
    let mut rv = 48_000_000 + r.below(200_000);
    let mut nr_state = 0u8;
    let jobs: Vec<usize> = (0..c.pods.len())
        .filter(|&i| WORKLOADS[c.pods[i].wl].kind == Kind::Cron)
        .collect();
    let nr = &c.nodes[c.notready_node];
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        rv += r.range(1, 30);
        let b = &mut o.b;
        // Node lifecycle around the NotReady node (leader only): KCM notices ~40 s after the kubelet stops posting.
        if leader && nr_state == 0 && t >= NOTREADY_START + 40 * US {
            nr_state = 1;
            klog(b, b'I', t, 1, "node_lifecycle_controller.go:1162");
            b.s("\"Node is NotReady. Adding it to the Taint queue\" node=\"")
                .s(&nr.name)
                .s("\" timeStamp=\"")
                .s(DATE_ISO)
                .c(b' ')
                .hmsu(t)
                .s("317 +0000 UTC m=+")
                .u(t / US - WIN_START / US + 8_117)
                .s(".123456789\"\n");
            klog(b, b'I', t + 61, 1, "controller_utils.go:125");
            b.s("\"Update ready status of pods on node\" node=\"")
                .s(&nr.name)
                .s("\"\n");
            klog(b, b'I', t + 97, 1, "controller_utils.go:158");
            b.s("\"Recording status change event message for node\" status=\"NodeNotReady\" node=\"")
                .s(&nr.name)
                .s("\"\n");
            klog(b, b'I', t + 140, 1, "event.go:294");
            event_ref(b, "Node", "", &nr.name, "", 0, "Normal", "NodeNotReady");
            b.s("Node ").s(&nr.name).s(" status is now: NodeNotReady\n");
            for &pi in nr.pods.iter().take(6) {
                let p = &c.pods[pi];
                klog(b, b'I', t + 200, 1, "event.go:294");
                event_ref(b, "Pod", p.ns, &p.name, "v1", rv, "Warning", "NodeNotReady");
                b.s("Node is not ready\n");
            }
            clk.seen(t + 200);
            o.commit()?;
            continue;
        }
        if leader && nr_state == 1 && t >= NOTREADY_END + 20 * US {
            nr_state = 2;
            klog(b, b'I', t, 1, "node_lifecycle_controller.go:1185");
            b.s("\"Node is healthy again, removed all taints\" node=\"")
                .s(&nr.name)
                .s("\"\n");
            o.commit()?;
            continue;
        }
        let p = c.any_pod(r);
        let wl = &WORKLOADS[p.wl];
        let webhook = within(t, WEBHOOK_START, WEBHOOK_END);
        let slow = within(t, ETCD_SLOW_START, ETCD_SLOW_END);
        let mut x = r.below(1000);
        if !leader {
            x = 900 + r.below(100);
        } else if (webhook && r.chance(150)) || (slow && r.chance(60)) {
            x = 2000;
        }
        match x {
            0..=549 => {
                klog(b, b'I', t, 1, "event.go:294");
                match wl.kind {
                    Kind::Cron => {
                        let (reason, typ) = *r.pick(&[
                            ("SuccessfulCreate", "Normal"),
                            ("Completed", "Normal"),
                            ("SawCompletedJob", "Normal"),
                            ("SuccessfulDelete", "Normal"),
                        ]);
                        match reason {
                            "SuccessfulCreate" => {
                                event_ref(b, "Job", p.ns, &p.owner, "batch/v1", rv, typ, reason);
                                b.s("Created pod: ").s(&p.name);
                            }
                            "Completed" => {
                                event_ref(b, "Job", p.ns, &p.owner, "batch/v1", rv, typ, reason);
                                b.s("Job completed");
                            }
                            "SawCompletedJob" => {
                                event_ref(b, "CronJob", p.ns, wl.name, "batch/v1", rv, typ, reason);
                                b.s("Saw completed job: ").s(&p.owner).s(", status: Complete");
                            }
                            _ => {
                                event_ref(b, "CronJob", p.ns, wl.name, "batch/v1", rv, typ, reason);
                                b.s("Deleted job ").s(&p.owner);
                            }
                        }
                    }
                    Kind::Deploy => {
                        if r.chance(300) {
                            event_ref(
                                b,
                                "Deployment",
                                p.ns,
                                wl.name,
                                "apps/v1",
                                rv,
                                "Normal",
                                "ScalingReplicaSet",
                            );
                            b.s("Scaled ")
                                .s(if r.chance(500) { "up" } else { "down" })
                                .s(" replica set ")
                                .s(&p.owner)
                                .s(" to ")
                                .u(r.range(1, 12));
                        } else {
                            let (reason, what) = if r.chance(600) {
                                ("SuccessfulCreate", "Created pod: ")
                            } else {
                                ("SuccessfulDelete", "Deleted pod: ")
                            };
                            event_ref(b, "ReplicaSet", p.ns, &p.owner, "apps/v1", rv, "Normal", reason);
                            b.s(what).s(&p.name);
                        }
                    }
                    Kind::Sts => {
                        event_ref(
                            b,
                            "StatefulSet",
                            p.ns,
                            wl.name,
                            "apps/v1",
                            rv,
                            "Normal",
                            "SuccessfulCreate",
                        );
                        b.s("create Pod ")
                            .s(&p.name)
                            .s(" in StatefulSet ")
                            .s(wl.name)
                            .s(" successful");
                    }
                    Kind::Ds => {
                        event_ref(
                            b,
                            "DaemonSet",
                            p.ns,
                            wl.name,
                            "apps/v1",
                            rv,
                            "Normal",
                            "SuccessfulCreate",
                        );
                        b.s("Created pod: ").s(&p.name);
                    }
                }
            }
            550..=699 => {
                klog(b, b'I', t, 1, "endpointslice_controller.go:310");
                b.s("\"Error syncing endpoint slices for service, retrying\" key=\"")
                    .s(p.ns)
                    .c(b'/')
                    .s(wl.name)
                    .s("\" err=\"EndpointSlice informer cache is out of date\"");
            }
            700..=799 => {
                klog(b, b'I', t, 1, "deployment_controller.go:503");
                b.s("\"Error syncing deployment\" deployment=\"")
                    .s(p.ns)
                    .c(b'/')
                    .s(wl.name);
                b.s("\" err=\"Operation cannot be fulfilled on deployments.apps \\\"").s(wl.name).s("\\\": the object has been modified; please apply your changes to the latest version and try again\"");
            }
            800..=849 if wl.kind == Kind::Deploy => {
                klog(b, b'I', t, 1, "replica_set.go:676");
                b.s("\"Finished syncing\" kind=\"ReplicaSet\" key=\"")
                    .s(p.ns)
                    .c(b'/')
                    .s(&p.owner)
                    .s("\" duration=\"")
                    .dur(r.range(20_000, 9_000_000))
                    .c(b'"');
            }
            850..=869 => {
                let job = if jobs.is_empty() {
                    p.owner.as_str()
                } else {
                    c.pods[jobs[r.idx(jobs.len())]].owner.as_str()
                };
                klog(b, b'E', t, 1, "job_controller.go:562");
                b.s("syncing job: tracking status: adding uncounted pods to status: Operation cannot be fulfilled on jobs.batch \"").s(job);
                b.s("\": the object has been modified; please apply your changes to the latest version and try again");
            }
            800..=849 | 870..=899 => {
                klog(b, b'I', t, 1, "garbagecollector.go:549");
                b.s("\"Processing item\" item=\"[v1/Pod, namespace: ")
                    .s(p.ns)
                    .s(", name: ")
                    .s(&p.name)
                    .s(", uid: ")
                    .s(&p.uid)
                    .s("]\" virtual=false");
            }
            900..=949 => {
                klog(b, b'I', t, 1, "request.go:697");
                b.s("Waited for ")
                    .dur(r.range(1_000_000_000, 1_900_000_000))
                    .s(" due to client-side throttling, not priority and fairness, request: GET:https://");
                b.s(&c.api)
                    .s("/apis/")
                    .s(r.pick_str(&[
                        "apps/v1/replicasets",
                        "batch/v1/jobs",
                        "discovery.k8s.io/v1/endpointslices",
                        "policy/v1/poddisruptionbudgets",
                    ]))
                    .s("?limit=500&resourceVersion=0");
            }
            950..=989 => {
                klog(b, b'W', t, 1, "reflector.go:458");
                b.s("k8s.io/client-go/informers/factory.go:150: watch of *v1.")
                    .s(r.pick_str(&["Pod", "Secret", "ConfigMap", "PartialObjectMetadata"]));
                b.s(" ended with: an error on the server (\"unable to decode an event from the watch stream: http2: client connection lost\") has prevented the request from succeeding");
            }
            990..=999 => {
                klog(b, b'I', t, 1, "leaderelection.go:250");
                b.s("attempting to acquire leader lease kube-system/kube-controller-manager...");
            }
            _ => {
                if webhook && !slow {
                    klog(b, b'I', t, 1, "event.go:294");
                    let (kind, api, owner) = if wl.kind == Kind::Cron {
                        ("Job", "batch/v1", p.owner.as_str())
                    } else {
                        ("ReplicaSet", "apps/v1", p.owner.as_str())
                    };
                    event_ref(b, kind, p.ns, owner, api, rv, "Warning", "FailedCreate");
                    b.s("Error creating: Internal error occurred: failed calling webhook \"validation.gatekeeper.sh\": failed to call webhook: Post \"https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s\": context deadline exceeded");
                    b.push(b'\n');
                    klog(b, b'E', t + r.range(30, 200), 1, "replica_set.go:564");
                    b.s("Internal error occurred: failed calling webhook \"validation.gatekeeper.sh\": failed to call webhook: Post \"https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s\": context deadline exceeded");
                    clk.seen(t + 200);
                } else {
                    klog(b, b'E', t, 1, "leaderelection.go:332");
                    b.s("error retrieving resource lock kube-system/kube-controller-manager: Get \"https://")
                        .s(&c.api);
                    b.s("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s\": context deadline exceeded");
                }
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// kube-scheduler

fn scheduler(c: &Cluster, ni: usize, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let leader = ni == c.sched_leader;
    let mut clk = Clock::new(WIN_START + r.below(30 * US), WIN_END - r.below(30 * US), budget);
    let n_nodes = c.nodes.len() as u64;
    let cp = c.cp as u64;
    while o.bytes < budget {
        let t = clk.tick(o.bytes, r);
        let b = &mut o.b;
        let p = c.any_pod(r);
        let x = if leader { r.below(1000) } else { 900 + r.below(100) };
        let notready = within(t, NOTREADY_START, NOTREADY_END + 300 * US);
        match x {
            0..=499 => {
                klog(b, b'I', t, 1, "schedule_one.go:286");
                let feasible = n_nodes - cp - r.below(3).min(n_nodes - cp);
                b.s("\"Successfully bound pod to node\" pod=\"");
                kobj(b, p);
                b.s("\" node=\"")
                    .s(&c.nodes[p.node].name)
                    .s("\" evaluatedNodes=")
                    .u(n_nodes)
                    .s(" feasibleNodes=")
                    .u(feasible);
            }
            500..=749 => {
                klog(b, b'I', t, 1, "schedule_one.go:80");
                b.s("\"Attempting to schedule pod\" pod=\"");
                kobj(b, p);
                b.c(b'"');
            }
            750..=899 => {
                klog(b, b'I', t, 1, "schedule_one.go:867");
                b.s("\"Unable to schedule pod; no fit; waiting\" pod=\"");
                kobj(b, p);
                b.s("\" err=\"0/").u(n_nodes).s(" nodes are available: ");
                let mem = r.range(1, n_nodes.saturating_sub(cp).max(1));
                if cp > 0 {
                    b.u(cp)
                        .s(" node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, ");
                }
                if notready {
                    b.s("1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, ");
                }
                b.u(mem)
                    .s(" Insufficient memory. preemption: 0/")
                    .u(n_nodes)
                    .s(" nodes are available: ")
                    .u(cp + n_nodes - cp - mem);
                b.s(" Preemption is not helpful for scheduling, ")
                    .u(mem)
                    .s(" No preemption victims found for incoming pod..\"");
            }
            900..=949 => {
                klog(b, b'I', t, 1, "request.go:697");
                b.s("Waited for ")
                    .dur(r.range(1_000_000_000, 1_500_000_000))
                    .s(" due to client-side throttling, not priority and fairness, request: GET:https://")
                    .s(&c.api)
                    .s("/api/v1/nodes?limit=500&resourceVersion=0");
            }
            _ => {
                klog(b, b'W', t, 1, "reflector.go:458");
                b.s("vendor/k8s.io/client-go/informers/factory.go:150: watch of *v1.")
                    .s(r.pick_str(&["Pod", "Node", "PersistentVolumeClaim", "CSINode"]));
                b.s(" ended with: an error on the server (\"unable to decode an event from the watch stream: http2: client connection lost\") has prevented the request from succeeding");
            }
        }
        b.push(b'\n');
        o.commit()?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// kubectl get events -A

struct EvRow {
    ns: &'static str,
    last: u64,
    first: u64,
    count: u64,
    typ: &'static str,
    reason: &'static str,
    obj: String,
    msg: String,
}

fn events(c: &Cluster, budget: u64, o: &mut Out, r: &mut Rng) -> io::Result<()> {
    let mut rows: Vec<EvRow> = Vec::new();
    let ev = |ns: &'static str,
              last: u64,
              first: u64,
              count: u64,
              typ: &'static str,
              reason: &'static str,
              obj: String,
              msg: String| EvRow {
        ns,
        last,
        first: first.min(last),
        count,
        typ,
        reason,
        obj,
        msg,
    };
    let ns_of_node = "default";
    let node_status = |at: u64, node: &str, status: &'static str| {
        ev(
            ns_of_node,
            at,
            at,
            1,
            "Normal",
            status,
            format!("node/{node}"),
            format!("Node {node} status is now: {status}"),
        )
    };
    // Incident rows.
    let nr = &c.nodes[c.notready_node];
    rows.push(node_status(NOTREADY_START + 40 * US, &nr.name, "NodeNotReady"));
    rows.push(node_status(NOTREADY_END, &nr.name, "NodeReady"));
    for &pi in nr.pods.iter().take(6) {
        let p = &c.pods[pi];
        rows.push(ev(
            p.ns,
            NOTREADY_START + 41 * US,
            NOTREADY_START + 41 * US,
            1,
            "Warning",
            "NodeNotReady",
            format!("pod/{}", p.name),
            "Node is not ready".into(),
        ));
    }
    let on = &c.nodes[c.oom_node];
    let op = &c.pods[c.oom_pod];
    rows.push(ev(ns_of_node, OOM_AT + US, OOM_AT + US, 1, "Warning", "OOMKilling", format!("node/{}", on.name), format!("Memory cgroup out of memory: Killed process {} (java) total-vm:13255216kB, anon-rss:8360140kB, file-rss:13540kB, shmem-rss:0kB, UID:1000 pgtables:17244kB oom_score_adj:934", c.oom_pid)));
    rows.push(ev(
        op.ns,
        CAPTURE - 38 * US,
        OOM_AT + 30 * US,
        23,
        "Warning",
        "BackOff",
        format!("pod/{}", op.name),
        format!(
            "Back-off restarting failed container elasticsearch in pod {}_{}({})",
            op.name, op.ns, op.uid
        ),
    ));
    for (last_ago, first_after, reason, msg) in [
        (
            312,
            95,
            "Pulled",
            "Container image \"docker.elastic.co/elasticsearch/elasticsearch:8.10.4\" already present on machine",
        ),
        (311, 96, "Created", "Created container elasticsearch"),
        (311, 96, "Started", "Started container elasticsearch"),
    ] {
        rows.push(ev(
            op.ns,
            CAPTURE - last_ago * US,
            OOM_AT + first_after * US,
            6,
            "Normal",
            reason,
            format!("pod/{}", op.name),
            msg.into(),
        ));
    }
    rows.push(ev(op.ns, CAPTURE - 290 * US, OOM_AT + 120 * US, 41, "Warning", "Unhealthy", format!("pod/{}", op.name), format!("Readiness probe failed: Get \"http://{}:9200/_cluster/health?local=true\": dial tcp {}:9200: connect: connection refused", op.ip, op.ip)));
    let dn = &c.nodes[c.disk_node];
    rows.push(ev(
        ns_of_node,
        DISK_END,
        DISK_START,
        31,
        "Warning",
        "EvictionThresholdMet",
        format!("node/{}", dn.name),
        "Attempting to reclaim ephemeral-storage".into(),
    ));
    rows.push(node_status(DISK_START + 2 * US, &dn.name, "NodeHasDiskPressure"));
    rows.push(node_status(DISK_END + 5 * US, &dn.name, "NodeHasNoDiskPressure"));
    for reason in ["FreeDiskSpaceFailed", "ImageGCFailed"] {
        let msg = if dn.era >= Era::V127 {
            "Failed to garbage collect required amount of images. Attempted to free 6238860902 bytes, but only found 600245899 bytes eligible to free."
        } else {
            "failed to garbage collect required amount of images. Wanted to free 6238860902 bytes, but freed 0 bytes"
        };
        rows.push(ev(
            ns_of_node,
            DISK_END - 300 * US,
            DISK_START + 300 * US,
            17,
            "Warning",
            reason,
            format!("node/{}", dn.name),
            msg.into(),
        ));
    }
    for &pi in &c.evicted {
        let p = &c.pods[pi];
        let cs = &WORKLOADS[p.wl].ctrs[0];
        let t = DISK_START + r.range(2_400, 4_200) * US;
        rows.push(ev(p.ns, t, t, 1, "Warning", "Evicted", format!("pod/{}", p.name), format!("The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: {}Ki. Container {} was using {}Ki, request is 0, has larger consumption of ephemeral-storage. ", r.range(7_000_000, 10_400_000), cs.name, r.range(200, 9_000_000))));
        rows.push(ev(
            p.ns,
            t + US,
            t + US,
            1,
            "Normal",
            "Killing",
            format!("pod/{}", p.name),
            format!("Stopping container {}", cs.name),
        ));
    }
    for (wi, wl) in WORKLOADS.iter().enumerate() {
        if wl.kind == Kind::Deploy && wl.ns != "kube-system" && r.chance(500) {
            rows.push(ev(wl.ns, WEBHOOK_END - r.below(60) * US, WEBHOOK_START + r.below(120) * US, r.range(4, 19), "Warning", "FailedCreate", format!("replicaset/{}-{}", wl.name, c.rs_hash[wi]), "Error creating: Internal error occurred: failed calling webhook \"validation.gatekeeper.sh\": failed to call webhook: Post \"https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s\": context deadline exceeded".into()));
        }
    }
    for n in &c.nodes {
        let p = &c.pods[n.trouble];
        let cs = &WORKLOADS[p.wl].ctrs[0];
        let first = WIN_START + r.below(3 * 3600) * US;
        // Seen a few to many hundred times, the last time within 5 min of the capture.
        let pod_ev = |r: &mut Rng, typ, reason, msg| {
            ev(
                p.ns,
                CAPTURE - r.range(5, 300) * US,
                first,
                r.range(40, 900),
                typ,
                reason,
                format!("pod/{}", p.name),
                msg,
            )
        };
        if n.trouble_pull {
            rows.push(pod_ev(
                r,
                "Normal",
                "BackOff",
                format!("Back-off pulling image \"{}\"", cs.image),
            ));
            rows.push(pod_ev(r, "Warning", "Failed", "Error: ImagePullBackOff".into()));
        } else {
            rows.push(pod_ev(
                r,
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {}_{}({})",
                    cs.name, p.name, p.ns, p.uid
                ),
            ));
        }
    }
    // Background rows up to the budget (events live 1 h, repeated ones keep their first timestamp).
    let mut est: u64 = rows.iter().map(|e| 60 + e.obj.len() as u64 + e.msg.len() as u64).sum();
    while est < budget {
        let p = c.any_pod(r);
        let cs = &WORKLOADS[p.wl].ctrs[0];
        let last = CAPTURE - r.range(3, 3_700) * US;
        let (count, first) = if r.chance(150) {
            (
                r.range(2, 60),
                last - r.range(30, 5 * 3600).min(last / US - WIN_START / US) * US,
            )
        } else {
            (1, last)
        };
        let kind = WORKLOADS[p.wl].kind;
        let k = match r.below(12) {
            6 if cs.path.is_empty() => 1,
            7 | 9 if kind != Kind::Deploy => 0,
            8 if kind != Kind::Cron => 3,
            10 if kind == Kind::Ds => 4,
            k => k,
        };
        let (typ, reason, obj, msg) = match k {
            0 => ("Normal", "Scheduled", format!("pod/{}", p.name), format!("Successfully assigned {}/{} to {}", p.ns, p.name, c.nodes[p.node].name)),
            1 => ("Normal", "Pulling", format!("pod/{}", p.name), format!("Pulling image \"{}\"", cs.image)),
            2 => ("Normal", "Pulled", format!("pod/{}", p.name), format!("Successfully pulled image \"{}\" in {}.{:03}s ({}.{:03}s including waiting)", cs.image, r.range(1, 30), r.below(1000), r.range(30, 60), r.below(1000))),
            3 => ("Normal", "Created", format!("pod/{}", p.name), format!("Created container {}", cs.name)),
            4 => ("Normal", "Started", format!("pod/{}", p.name), format!("Started container {}", cs.name)),
            5 => ("Normal", "Killing", format!("pod/{}", p.name), format!("Stopping container {}", cs.name)),
            6 if !cs.path.is_empty() => ("Warning", "Unhealthy", format!("pod/{}", p.name), format!("Readiness probe failed: Get \"http://{}:{}{}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", p.ip, cs.port, cs.path)),
            7 if WORKLOADS[p.wl].kind == Kind::Deploy => ("Normal", "SuccessfulCreate", format!("replicaset/{}", p.owner), format!("Created pod: {}", p.name)),
            8 if WORKLOADS[p.wl].kind == Kind::Cron => ("Normal", "Completed", format!("job/{}", p.owner), "Job completed".to_string()),
            9 if WORKLOADS[p.wl].kind == Kind::Deploy => ("Normal", "ScalingReplicaSet", format!("deployment/{}", WORKLOADS[p.wl].name), format!("Scaled up replica set {} to {}", p.owner, r.range(2, 12))),
            10 => ("Warning", "FailedScheduling", format!("pod/{}", p.name), format!("0/{} nodes are available: {} node(s) had untolerated taint {{node-role.kubernetes.io/control-plane: }}, {} Insufficient memory. preemption: 0/{} nodes are available: {} Preemption is not helpful for scheduling, {} No preemption victims found for incoming pod..", c.nodes.len(), c.cp, c.nodes.len() - c.cp, c.nodes.len(), c.cp, c.nodes.len() - c.cp)),
            _ => ("Normal", "SandboxChanged", format!("pod/{}", p.name), "Pod sandbox changed, it will be killed and re-created.".to_string()),
        };
        est += 60 + obj.len() as u64 + msg.len() as u64;
        rows.push(ev(p.ns, last, first, count, typ, reason, obj, msg));
    }
    // The event recorder aggregates identical events into one object with a count.
    rows.sort_by(|a, b| (a.ns, &a.obj, a.reason, &a.msg).cmp(&(b.ns, &b.obj, b.reason, &b.msg)));
    rows.dedup_by(|later, kept| {
        let same = later.ns == kept.ns && later.obj == kept.obj && later.reason == kept.reason && later.msg == kept.msg;
        if same {
            kept.count += later.count;
            kept.first = kept.first.min(later.first);
            kept.last = kept.last.max(later.last);
        }
        same
    });
    // The apiserver lists events in key order (namespace, then name = "<object>.<hex>").
    rows.sort_by(|a, b| {
        a.ns.cmp(b.ns)
            .then_with(|| a.obj.cmp(&b.obj))
            .then(a.first.cmp(&b.first))
    });
    // tabwriter: padding 3, last column unpadded.
    let mut ages: Vec<Vec<u8>> = Vec::with_capacity(rows.len());
    for e in &rows {
        let mut a = Vec::new();
        human_age(&mut a, (CAPTURE - e.last) / US);
        if e.count > 1 {
            a.s(" (x").u(e.count).s(" over ");
            human_age(&mut a, (CAPTURE - e.first) / US);
            a.c(b')');
        }
        ages.push(a);
    }
    let w_ns = rows.iter().map(|e| e.ns.len()).chain([9]).max().unwrap_or(0) + 3;
    let w_age = ages.iter().map(|a| a.len()).chain([9]).max().unwrap_or(0) + 3;
    let w_type = rows.iter().map(|e| e.typ.len()).chain([4]).max().unwrap_or(0) + 3;
    let w_reason = rows.iter().map(|e| e.reason.len()).chain([6]).max().unwrap_or(0) + 3;
    let w_obj = rows.iter().map(|e| e.obj.len()).chain([6]).max().unwrap_or(0) + 3;
    let pad = |b: &mut Vec<u8>, s: &[u8], w: usize| {
        b.extend_from_slice(s);
        b.resize(b.len() + w - s.len(), b' ');
    };
    let b = &mut o.b;
    pad(b, b"NAMESPACE", w_ns);
    pad(b, b"LAST SEEN", w_age);
    pad(b, b"TYPE", w_type);
    pad(b, b"REASON", w_reason);
    pad(b, b"OBJECT", w_obj);
    b.s("MESSAGE\n");
    o.commit()?;
    for (e, a) in rows.iter().zip(&ages) {
        let b = &mut o.b;
        pad(b, e.ns.as_bytes(), w_ns);
        pad(b, a, w_age);
        pad(b, e.typ.as_bytes(), w_type);
        pad(b, e.reason.as_bytes(), w_reason);
        pad(b, e.obj.as_bytes(), w_obj);
        b.s(&e.msg).c(b'\n');
        o.commit()?;
    }
    Ok(())
}
