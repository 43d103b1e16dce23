//! Runs the `postmortem` binary on corpus bundles and checks what a user relies on: the merged order across
//! sources, the inputs table, how time was decided, and the exit codes.

mod common;
use common::{analyze_json, corpus, input};
use serde_json::Value;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
}

fn ts(s: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s.as_str().expect("a time string")).expect("RFC 3339")
}

fn rows(v: &Value) -> &Vec<Value> {
    v["timeline"].as_array().unwrap()
}

#[test]
fn etcd_bundle_inputs_table() {
    let dir = corpus("etcd-probe-loop");
    let v = analyze_json(&[dir.to_str().unwrap()]);
    assert_eq!(v["version"], 1);
    // Findings are checked in tests/findings_corpus.rs; the inputs table is this test's subject.
    assert!(v["findings"].is_array());

    // Every line is accounted for.
    for i in v["inputs"].as_array().unwrap() {
        let n = |k: &str| i[k].as_u64().unwrap();
        assert_eq!(n("lines"), n("parsed") + n("skipped") + n("blank"), "{}", i["path"]);
    }

    let k = input(&v, "nodes/master-1/kubelet.log");
    assert_eq!(k["format"], "journald-short>klog");
    assert_eq!(k["node"], "master-1");
    assert_eq!(k["component"], "kubelet");
    assert_eq!(k["skipped"], 0);
    assert_eq!(k["lines"], k["parsed"]);
    assert_eq!(k["first"], "2023-03-13T10:00:00Z");
    let basis = k["time_basis"].as_str().unwrap();
    assert!(
        basis.contains("year 2023 from full-dated sources of the same node"),
        "{basis}"
    );

    let api = input(&v, "control-plane/master-1/kube-apiserver.INFO");
    assert_eq!(api["format"], "klog");
    assert_eq!(api["component"], "kube-apiserver");
    assert_eq!(api["node"], "master-1");
    assert!(api["time_basis"]
        .as_str()
        .unwrap()
        .contains("year 2023 from klog preamble"));

    let cri = input(
        &v,
        "nodes/master-1/pods/kube-system_etcd-master-1_0a1b2c3d-1111-2222-3333-444455556666/etcd/2.log",
    );
    assert_eq!(cri["format"], "cri>zap-json");
    assert_eq!(cri["component"], "etcd");
    assert!(cri["time_basis"].as_str().unwrap().contains("exact"));

    let gz = input(&v, "nodes/node-2/kubelet.log.1.gz");
    assert_eq!(gz["node"], "node-2");
    assert_eq!(gz["lines"], 42);
    assert_eq!(gz["skipped"], 0);

    let dmesg = input(&v, "nodes/node-2/dmesg.txt");
    assert_eq!(dmesg["format"], "dmesg");
    assert!(dmesg["time_basis"]
        .as_str()
        .unwrap()
        .contains("from kernel lines of the same node"));
}

#[test]
fn etcd_bundle_merged_order_across_sources() {
    let dir = corpus("etcd-probe-loop");
    let v = analyze_json(&[dir.to_str().unwrap()]);
    let t = rows(&v);
    // Sorted by time.
    let ats: Vec<_> = t.iter().map(|r| ts(&r["at"])).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "timeline out of order");
    // Collapsed probe failures: 8 per cycle, 3 cycles 120 s apart -> one row of 24.
    let probe = t
        .iter()
        .find(|r| r["message"].as_str().unwrap().starts_with("Probe failed"))
        .expect("probe row");
    assert_eq!(probe["count"], 24);
    assert_eq!(probe["at"], "2023-03-13T10:01:00.250Z");
    assert_eq!(probe["last_at"], "2023-03-13T10:06:45.250Z");
    assert_eq!(probe["object"], "pod/kube-system/etcd-master-1:etcd");
    assert_eq!(probe["source"]["path"], "nodes/master-1/kubelet.log");
    // etcd's slow apply (CRI > zap; the CRI envelope's nanoseconds win) comes 2 s before the kubelet's first failed
    // probe; the dmesg OOM line (boot-relative, placed through node-2's kern.log) sits at 10:01:03.247407, within
    // the second the syslog line was stamped with.
    let pos = |pred: &dyn Fn(&Value) -> bool| t.iter().position(pred).expect("row present");
    let etcd_slow = pos(&|r| {
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("apply request took too long")
    });
    let first_probe = pos(&|r| r["message"].as_str().unwrap().starts_with("Probe failed"));
    let oom_kern = pos(&|r| {
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("Memory cgroup out of memory")
            && r["source"]["path"] == "nodes/node-2/kern.log"
    });
    let oom_dmesg = pos(&|r| {
        r["message"]
            .as_str()
            .unwrap()
            .starts_with("Memory cgroup out of memory")
            && r["source"]["path"] == "nodes/node-2/dmesg.txt"
    });
    assert!(etcd_slow < first_probe);
    assert_eq!(t[etcd_slow]["at"], "2023-03-13T10:00:58.250000042Z");
    // How each time was decided: CRI instant, yearless journald wall clock, boot-relative dmesg.
    assert_eq!(t[etcd_slow]["time_kind"], "exact");
    assert_eq!(t[first_probe]["time_kind"], "wall-year");
    assert_eq!(t[oom_kern]["at"], "2023-03-13T10:01:03Z");
    assert_eq!(t[oom_dmesg]["at"], "2023-03-13T10:01:03.247407Z");
    assert_eq!(t[oom_dmesg]["approx_s"], 1.0);
    assert_eq!(t[oom_dmesg]["time_kind"], "boot");
    assert!(oom_kern < oom_dmesg);
    assert!(first_probe < oom_kern);
    // The webhook W/E pairs from the apiserver klog file are there, with their object.
    let hook = t
        .iter()
        .find(|r| r["message"].as_str().unwrap().starts_with("Failed calling webhook"))
        .unwrap();
    assert_eq!(hook["object"], "webhook/validation.gatekeeper.sh");
    assert_eq!(hook["count"], 4);
    assert_eq!(hook["severity"], "warning");
}

#[test]
fn markdown_report_has_inputs_and_timeline() {
    let dir = corpus("etcd-probe-loop");
    let out = bin()
        .args(["analyze", "--quiet", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Inputs"));
    assert!(md.contains("| nodes/master-1/kubelet.log | journald-short&gt;klog | master-1 | kubelet |"));
    assert!(md.contains("## Timeline"));
    assert!(md.contains("**×24 until 2023-03-13T10:06:45.250Z**"));
}

#[test]
fn since_until_filter_rows() {
    let dir = corpus("etcd-probe-loop");
    let v = analyze_json(&[
        dir.to_str().unwrap(),
        "--since",
        "2023-03-13T10:05:00Z",
        "--until",
        "2023-03-13 10:06",
    ]);
    let since = ts(&Value::from("2023-03-13T10:05:00Z"));
    let until = ts(&Value::from("2023-03-13T10:06:00Z"));
    for r in rows(&v) {
        assert!(
            ts(&r["last_at"]) >= since && ts(&r["at"]) <= until,
            "{} .. {}",
            r["at"],
            r["last_at"]
        );
    }
    // The probe-failure row spans the window; the webhook rows (10:01-10:02:50) and the OOM (10:01) do not.
    let msgs: Vec<&str> = rows(&v).iter().map(|r| r["message"].as_str().unwrap()).collect();
    assert!(msgs.iter().any(|m| m.starts_with("Probe failed")));
    assert!(!msgs
        .iter()
        .any(|m| m.starts_with("Failed calling webhook") || m.contains("oom")));
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let out = bin()
        .args(["analyze", "/nonexistent/postmortem-input"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or folder"));

    let out = bin()
        .args(["analyze", "--tz", "Mars/Olympus", "corpus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown time zone"));

    let out = bin().args(["analyze"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = bin().args(["analyze", "--year", "5000", "corpus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--year 5000: a log year is between 1970 and 2200"));
}

#[test]
fn never_writes_inside_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("kubelet.log"),
        "I0313 10:00:00.000000    1450 kubelet.go:1] hello\n",
    )
    .unwrap();
    let target = tmp.path().join("report.md");
    let out = bin()
        .args(["analyze", tmp.path().to_str().unwrap(), "-o", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes inside"));
    assert!(!target.exists());
}
