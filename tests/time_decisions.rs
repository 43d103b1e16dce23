//! How each source's time is decided and placed in UTC: the year (klog preamble, full-dated sources of the same
//! node, `--year`), Dec→Jan rollovers, zones (`--tz` per node or for all), CRI partial lines, journal reboots,
//! boot-relative kernel lines, exact journal exports, and the `--since/--until` window.

use flate2::{Compression, GzBuilder};
mod common;
use common::{analyze_json, input};
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
}

fn rows(v: &Value) -> &Vec<Value> {
    v["timeline"].as_array().unwrap()
}

fn rows_from<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    rows(v).iter().filter(|r| r["source"]["path"] == path).collect()
}

/// The row of `path` at `line`.
fn row<'a>(v: &'a Value, path: &str, line: u64) -> &'a Value {
    rows(v)
        .iter()
        .find(|r| r["source"]["path"] == path && r["source"]["line"] == line)
        .unwrap_or_else(|| panic!("no row {path}:{line} in {:#}", v["timeline"]))
}

fn basis(i: &Value) -> &str {
    i["time_basis"].as_str().unwrap()
}

fn msg(r: &Value) -> &str {
    r["message"].as_str().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Takes away a file's modification time (the epoch, which postmortem ignores) so it is no year anchor.
fn no_mtime(root: &Path, rel: &str) {
    let f = fs::File::options().write(true).open(root.join(rel)).unwrap();
    f.set_modified(std::time::UNIX_EPOCH).unwrap();
}

fn lines(ls: &[&str]) -> String {
    let mut out = ls.join("\n");
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------------------

#[test]
fn klog_preamble_year_and_dec_jan_rollover() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let rel = "kubelet.node-1.root.log.INFO.20191231-235800.1450";
    write(
        d,
        rel,
        &lines(&[
            "Log file created at: 2019/12/31 23:58:00",
            "Running on machine: node-1",
            "Binary: Built with gc go1.13.4 for linux/amd64",
            "Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg",
            "I1231 23:59:59.100000    1450 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s",
            "E1231 23:59:59.900000    1450 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
            "I0101 00:00:01.000000    1450 request.go:480] Throttling request took 166.201583ms, request: GET:https://172.30.0.1:443/api/v1/namespaces/istio-system/services",
            "W0101 00:00:02.500000    1450 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname",
        ]),
    );
    // The file's mtime (2026 or whatever today is) must not matter: the preamble wins.
    let v = analyze_json(&[s(d)]);
    let i = input(&v, rel);
    assert_eq!(i["format"], "klog");
    assert_eq!(i["node"], "node-1");
    assert_eq!(i["component"], "kubelet");
    assert_eq!((i["lines"].as_u64(), i["parsed"].as_u64()), (Some(8), Some(8)));
    assert_eq!(i["first"], "2019-12-31T23:59:59.100Z");
    assert_eq!(i["last"], "2020-01-01T00:00:02.500Z");
    let b = basis(i);
    assert!(b.contains("year 2019 from klog preamble"), "{b}");
    assert!(b.contains("1 year change(s) inside the file"), "{b}");
    // Years 2019 then 2020, in line order.
    let got: Vec<(u64, &str)> = rows(&v)
        .iter()
        .map(|r| (r["source"]["line"].as_u64().unwrap(), r["at"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (5, "2019-12-31T23:59:59.100Z"),
            (6, "2019-12-31T23:59:59.900Z"),
            (7, "2020-01-01T00:00:01Z"),
            (8, "2020-01-01T00:00:02.500Z"),
        ]
    );
}

#[test]
fn yearless_journald_takes_its_year_from_containerd_of_the_same_node() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // node-1: kubelet journal (no year) and containerd logrus (RFC 3339 with year 2020), ovn-kubernetes PR#1306.
    write(
        d,
        "node-1/kubelet.log",
        &lines(&[
            "May 06 15:55:50 node-1 kubelet[2199]: I0506 15:55:50.171114    2199 setters.go:548] \"Node became not ready\" node=\"node-1\" condition={Type:Ready Status:False LastHeartbeatTime:2020-05-06 15:55:50.170974959 +0000 UTC m=+1962.581166852 LastTransitionTime:2020-05-06 15:55:50.170974959 +0000 UTC m=+1962.581166852 Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}",
            "May 06 15:55:52 node-1 kubelet[2199]: E0506 15:55:52.969181    2199 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m3.537604119s ago; threshold is 3m0s",
        ]),
    );
    write(
        d,
        "node-1/containerd.log",
        &lines(&[
            "time=\"2020-05-06T15:55:51.343817675Z\" level=info msg=\"RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id \\\"c5ce1301effe135a0656ded695b71bf2777eebb6fe19590dadb051bd8b31e754\\\"\"",
            "time=\"2020-05-06T15:55:53.627332586Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812d-4e36-a2c8-4c6c5f2b9e11,Namespace:default,Attempt:0,} failed, error\" error=\"failed to create containerd task: context deadline exceeded\"",
        ]),
    );
    // node-2: the same days one year later. Its kubelet must follow its own node, not node-1.
    write(
        d,
        "node-2/kubelet.log",
        &lines(&["May 06 15:56:10 node-2 kubelet[1869]: E0506 15:56:10.286649    1869 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m4.537604119s ago; threshold is 3m0s"]),
    );
    write(
        d,
        "node-2/containerd.log",
        &lines(&["time=\"2021-05-06T15:56:11.343817675Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812d-4e36-a2c8-4c6c5f2b9e11,Namespace:default,Attempt:0,} failed, error\" error=\"failed to create containerd task: context deadline exceeded\""]),
    );
    // A yearless source of a third node, with no full-dated source of its own and no mtime: the bundle decides.
    write(
        d,
        "node-3/kubelet.log",
        &lines(&["May 06 16:10:00 node-3 kubelet[912]: E0506 16:10:00.000100     912 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m0.5s ago; threshold is 3m0s"]),
    );
    no_mtime(d, "node-3/kubelet.log");
    let v = analyze_json(&[s(d)]);

    let c = input(&v, "node-1/containerd.log");
    assert_eq!(c["node"], "node-1");
    assert_eq!(basis(c), "exact: offset or epoch written (2 lines)");
    let k = input(&v, "node-1/kubelet.log");
    assert_eq!(k["format"], "journald-short>klog");
    assert_eq!(
        basis(k),
        "wall clock without year (2 lines): year 2020 from full-dated sources of the same node; zone UTC (assumed; --tz if the host was not on UTC)"
    );
    assert_eq!(k["first"], "2020-05-06T15:55:50.171114Z");
    assert_eq!(row(&v, "node-1/kubelet.log", 2)["at"], "2020-05-06T15:55:52.969181Z");

    let k2 = input(&v, "node-2/kubelet.log");
    assert!(
        basis(k2).contains("year 2021 from full-dated sources of the same node"),
        "{}",
        basis(k2)
    );
    assert_eq!(row(&v, "node-2/kubelet.log", 1)["at"], "2021-05-06T15:56:10.286649Z");

    let k3 = input(&v, "node-3/kubelet.log");
    assert!(
        basis(k3).contains("from full-dated sources of the bundle"),
        "{}",
        basis(k3)
    );

    // Merged order across sources: kubelet 15:55:52.97 before containerd 15:55:53.63 on node-1.
    let order: Vec<(&str, u64)> = rows(&v)
        .iter()
        .filter(|r| r["node"] == "node-1")
        .map(|r| {
            (
                r["source"]["path"].as_str().unwrap(),
                r["source"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("node-1/kubelet.log", 1),
            ("node-1/kubelet.log", 2),
            ("node-1/containerd.log", 2)
        ]
    );
}

#[test]
fn yearless_source_without_anchor_uses_year_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // `journalctl -o cat` output: bare klog, no year anywhere; mtime removed.
    write(
        d,
        "kubelet.log",
        &lines(&["E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"]),
    );
    no_mtime(d, "kubelet.log");
    let v = analyze_json(&["--year", "2017", s(d)]);
    let i = input(&v, "kubelet.log");
    assert_eq!(
        basis(i),
        "wall clock without year (1 line): year 2017 from --year; zone UTC (assumed; --tz if the host was not on UTC)"
    );
    assert_eq!(i["first"], "2017-07-19T18:13:26.969181Z");
    assert_eq!(rows(&v)[0]["at"], "2017-07-19T18:13:26.969181Z");

    // Without the flag the year is assumed, and the basis says so.
    let v = analyze_json(&[s(d)]);
    let b = basis(input(&v, "kubelet.log"));
    assert!(b.contains("ASSUMED current year (no anchor; pass --year)"), "{b}");
}

#[test]
fn tz_for_one_node_shifts_only_its_wall_clocks() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let kubelet = |node: &str| {
        lines(&[&format!(
            "Jul 19 18:13:26 {node} kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"
        )])
    };
    write(d, "nodes/node-1/kubelet.log", &kubelet("node-1"));
    write(d, "nodes/node-2/kubelet.log", &kubelet("node-2"));
    // node-2 runs on Berlin time (summer: +02:00); these lines carry their own offset or Z.
    write(
        d,
        "nodes/node-2/containerd.log",
        &lines(&["time=\"2023-07-19T18:13:27.246681524+02:00\" level=error msg=\"RunPodSandbox for name:\\\"busybox-sandbox2\\\"  uid:\\\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\\\"  namespace:\\\"default\\\"  attempt:1 failed, error\" error=\"failed to reserve sandbox name\""]),
    );
    write(
        d,
        "nodes/node-2/etcd.log",
        &lines(&["{\"level\":\"warn\",\"ts\":\"2023-07-19T16:13:28.457Z\",\"caller\":\"etcdserver/util.go:144\",\"msg\":\"apply request took too long\",\"took\":\"10.939542138s\",\"expected-duration\":\"100ms\",\"prefix\":\"read-only range \",\"request\":\"key:\\\"/registry/namespaces/default\\\" \",\"response\":\"\",\"error\":\"etcdserver: request timed out\"}"]),
    );
    let at = |v: &Value, path: &str| row(v, path, 1)["at"].as_str().unwrap().to_string();

    let plain = analyze_json(&[s(d)]);
    let berlin = analyze_json(&["--tz", "node-2=Europe/Berlin", s(d)]);
    // Wall clocks of node-2: -2 h. node-1: untouched.
    assert_eq!(at(&plain, "nodes/node-2/kubelet.log"), "2023-07-19T18:13:26.969181Z");
    assert_eq!(at(&berlin, "nodes/node-2/kubelet.log"), "2023-07-19T16:13:26.969181Z");
    assert_eq!(at(&plain, "nodes/node-1/kubelet.log"), "2023-07-19T18:13:26.969181Z");
    assert_eq!(at(&berlin, "nodes/node-1/kubelet.log"), "2023-07-19T18:13:26.969181Z");
    // Lines with an offset are the same instant either way.
    for v in [&plain, &berlin] {
        assert_eq!(at(v, "nodes/node-2/containerd.log"), "2023-07-19T16:13:27.246681524Z");
        assert_eq!(at(v, "nodes/node-2/etcd.log"), "2023-07-19T16:13:28.457Z");
    }
    let b2 = basis(input(&berlin, "nodes/node-2/kubelet.log"));
    assert!(b2.contains("zone Europe/Berlin (--tz node-2=…)"), "{b2}");
    assert!(
        b2.contains("year 2023 from full-dated sources of the same node"),
        "{b2}"
    );
    assert!(basis(input(&berlin, "nodes/node-1/kubelet.log")).contains("zone UTC (assumed"));
    assert_eq!(
        basis(input(&berlin, "nodes/node-2/etcd.log")),
        "exact: offset or epoch written (1 line)"
    );
    // With the zone, node-2's kubelet comes before its containerd line, as it did on the node.
    let order: Vec<&str> = rows(&berlin)
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "nodes/node-2/kubelet.log",
            "nodes/node-2/containerd.log",
            "nodes/node-2/etcd.log",
            "nodes/node-1/kubelet.log"
        ]
    );
}

#[test]
fn tz_fixed_offset_for_all_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // k3s journal from a +08:00 host: journald wall clock around etcd zap JSON whose ts is UTC (formats.md 1.7
    // shows the same two clocks), and a bare klog file from the same host.
    write(
        d,
        "k3s.log",
        &lines(&["Aug 18 10:47:25 master-1 k3s[3814777]: {\"level\":\"warn\",\"ts\":\"2023-08-18T02:47:25.111Z\",\"caller\":\"etcdserver/util.go:166\",\"msg\":\"apply request took too long\",\"took\":\"627.833521ms\",\"expected-duration\":\"200ms\"}"]),
    );
    write(
        d,
        "kubelet.log",
        &lines(&["E0818 10:47:26.969181 3814777 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"]),
    );
    no_mtime(d, "kubelet.log");
    let v = analyze_json(&["--tz", "+08:00", s(d)]);
    let k = input(&v, "kubelet.log");
    assert_eq!(
        basis(k),
        "wall clock without year (1 line): year 2023 from full-dated sources of the bundle; zone +08:00 (--tz)"
    );
    assert_eq!(row(&v, "kubelet.log", 1)["at"], "2023-08-18T02:47:26.969181Z");
    // The zap ts is exact and is not shifted.
    assert_eq!(row(&v, "k3s.log", 1)["at"], "2023-08-18T02:47:25.111Z");
    assert_eq!(rows(&v)[0]["source"]["path"], "k3s.log");
}

const POD_DIR: &str = "pods/default_restarting-pod_ca0d5836-1435-497e-9a41-547fbcc10484/alpine";
/// formats.md 4.5 (origin fixture, kubelet CrashLoopBackOff), as the klog text a static pod writes to stderr.
const CRASHLOOP: &str = r#"E0301 01:06:01.286649    1869 pod_workers.go:1294] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"alpine\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container=alpine pod=restarting-pod_default(ca0d5836-1435-497e-9a41-547fbcc10484)\"" pod="default/restarting-pod" podUID=ca0d5836-1435-497e-9a41-547fbcc10484"#;

#[test]
fn cri_partial_chunks_join_into_one_klog_record() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The same klog line written whole (F) and in three pieces (P, P, F) as containerd does when the process
    // writes it without a newline in between.
    let whole = format!("{POD_DIR}/0.log");
    write(
        d,
        &whole,
        &lines(&[&format!("2023-03-01T01:06:01.286649000Z stderr F {CRASHLOOP}")]),
    );
    let (a, rest) = CRASHLOOP.split_at(60);
    let (b, c) = rest.split_at(120);
    let split = format!("{POD_DIR}/1.log");
    write(
        d,
        &split,
        &lines(&[
            "2023-03-01T01:06:00.835887817+00:00 stderr F I0301 01:06:00.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259",
            &format!("2023-03-01T01:06:01.286649000Z stderr P {a}"),
            &format!("2023-03-01T01:06:01.286650000Z stderr P {b}"),
            &format!("2023-03-01T01:06:01.286651000Z stderr F {c}"),
            "2023-03-01T01:06:02.100000000Z stderr F W0301 01:06:02.099000       1 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname",
        ]),
    );
    let v = analyze_json(&[s(d)]);
    let i = input(&v, &split);
    assert_eq!(i["format"], "cri>klog");
    assert_eq!((i["lines"].as_u64(), i["skipped"].as_u64()), (Some(5), Some(0)));
    assert!(i["problems"].as_array().unwrap().is_empty());
    let joined = rows_from(&v, &split);
    let crash: Vec<&&Value> = joined.iter().filter(|r| msg(r).contains("Error syncing pod")).collect();
    assert_eq!(crash.len(), 1, "one row for the joined line: {joined:#?}");
    let r = crash[0];
    let reference = row(&v, &whole, 1);
    // Parsed as klog: level from `E`, header gone, fields kept — exactly as the whole line.
    assert_eq!(msg(r), msg(reference));
    assert!(msg(r).starts_with("Error syncing pod, skipping err="), "{}", msg(r));
    assert!(
        msg(r).ends_with("podUID=ca0d5836-1435-497e-9a41-547fbcc10484"),
        "{}",
        msg(r)
    );
    assert_eq!(r["severity"], "error");
    assert_eq!(r["severity"], reference["severity"]);
    assert_eq!(r["object"], reference["object"]);
    assert_eq!(r["signal"], reference["signal"]);
    // Time and line of the first piece.
    assert_eq!(r["source"]["line"], 2);
    assert_eq!(r["at"], "2023-03-01T01:06:01.286649Z");
    assert_eq!(r["count"], 1);
    // The line after the pieces is its own record.
    assert_eq!(row(&v, &split, 5)["severity"], "warning");
}

#[test]
fn cri_line_over_16k_split_by_containerd_is_one_record() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A klog line of ~40 KiB (a long `err=`), cut by containerd into 16 KiB P chunks and a final F.
    let long = format!("{} padding=\"{}\"", CRASHLOOP, "y".repeat(40_000));
    let bytes = long.as_bytes();
    let mut ls = Vec::new();
    for (n, chunk) in bytes.chunks(16_384).enumerate() {
        let last = (n + 1) * 16_384 >= bytes.len();
        ls.push(format!(
            "2023-03-01T01:06:01.28664{n}000Z stderr {} {}",
            if last { 'F' } else { 'P' },
            std::str::from_utf8(chunk).unwrap()
        ));
    }
    assert_eq!(ls.len(), 3);
    ls.push("2023-03-01T01:06:02.100000000Z stderr F W0301 01:06:02.099000       1 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname".into());
    let rel = format!("{POD_DIR}/2.log");
    write(d, &rel, &lines(&ls.iter().map(String::as_str).collect::<Vec<_>>()));
    let v = analyze_json(&[s(d)]);
    let i = input(&v, &rel);
    assert_eq!(i["format"], "cri>klog");
    assert_eq!((i["lines"].as_u64(), i["skipped"].as_u64()), (Some(4), Some(0)));
    let r = rows_from(&v, &rel);
    assert_eq!(r.len(), 2, "{r:#?}");
    let crash = r[0];
    assert_eq!(crash["source"]["line"], 1);
    assert_eq!(crash["severity"], "error");
    assert_eq!(crash["at"], "2023-03-01T01:06:01.286640Z");
    assert_eq!(crash["object"], "pod/default/restarting-pod");
    let m = msg(crash);
    assert!(
        m.starts_with("Error syncing pod, skipping err=\"failed to \\\"StartContainer\\\""),
        "{}",
        &m[..200]
    );
    assert!(m.contains("pod=\"default/restarting-pod\" podUID=ca0d5836-1435-497e-9a41-547fbcc10484 padding=\"yyy"));
    // Kept text is bounded (the joined line is 40 KiB); the cut is marked.
    assert!(m.len() < 5000 && m.ends_with('…'), "{} bytes", m.len());
    assert_eq!(r[1]["source"]["line"], 4);
}

#[test]
fn journald_reboot_marker_becomes_a_reboot_row() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "node-2/kubelet.log",
        &lines(&[
            "-- Logs begin at Mon 2023-03-13 06:29:00 UTC, end at Mon 2023-03-13 10:29:00 UTC. --",
            "Mar 13 10:00:00 node-2 kubelet[1450]: E0313 10:00:00.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
            "-- Reboot --",
            "Mar 13 10:05:12 node-2 kubelet[912]: I0313 10:05:12.000100     912 server.go:417] Version: v1.18.1",
        ]),
    );
    no_mtime(d, "node-2/kubelet.log");
    let v = analyze_json(&["--year", "2023", s(d)]);
    let i = input(&v, "node-2/kubelet.log");
    assert_eq!(
        (i["lines"].as_u64(), i["parsed"].as_u64(), i["skipped"].as_u64()),
        (Some(4), Some(4), Some(0))
    );
    let t = rows(&v);
    // PLEG, the reboot, and the kubelet's version line (kept for version-skew).
    assert_eq!(t.len(), 3);
    assert_eq!(t[2]["signal"], "version-info");
    let reboot = &t[1];
    assert!(msg(reboot).starts_with("-- Reboot --"), "{}", msg(reboot));
    assert_eq!(reboot["signal"], "node-rebooted");
    assert_eq!(reboot["source"]["line"], 3);
    // Placed at the first record after the marker (the boundary has no time of its own).
    assert_eq!(reboot["at"], "2023-03-13T10:05:12.000100Z");
    assert_eq!(reboot["time_inherited"], true);
    assert_eq!(reboot["node"], "node-2");
    assert_eq!(t[0]["at"], "2023-03-13T10:00:00.934473Z");
}

#[test]
fn dmesg_is_placed_through_kern_log_boot_stamps_of_the_same_node() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // node-2: kern.log lines carry both the wall clock and the time since boot (reportportal/kubernetes#203).
    write(
        d,
        "node-2/kern.log",
        &lines(&[
            "Mar 13 10:00:05 node-2 kernel: [ 7005.000000] IPv6: ADDRCONF(NETDEV_CHANGE): cali9a8b7c6d5e4: link becomes ready",
            "Mar 13 10:01:03 node-2 kernel: [ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
        ]),
    );
    let dmesg = lines(&[
        "[ 7005.000000] IPv6: ADDRCONF(NETDEV_CHANGE): cali9a8b7c6d5e4: link becomes ready",
        "[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
        "[ 7400.000000] INFO: task kworker/u8:1:11 blocked for more than 122 seconds.",
    ]);
    write(d, "node-2/dmesg.txt", &dmesg);
    // node-1 has a dmesg too, but no kernel lines with wall times: node-2's boot must not be used for it.
    write(
        d,
        "node-1/kubelet.log",
        &lines(&["Mar 13 10:00:00 node-1 kubelet[1450]: E0313 10:00:00.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]"]),
    );
    write(d, "node-1/dmesg.txt", &dmesg);
    for f in [
        "node-2/kern.log",
        "node-2/dmesg.txt",
        "node-1/kubelet.log",
        "node-1/dmesg.txt",
    ] {
        no_mtime(d, f);
    }
    let v = analyze_json(&["--year", "2023", s(d)]);
    let k = input(&v, "node-2/dmesg.txt");
    assert_eq!(k["format"], "dmesg");
    assert_eq!(k["node"], "node-2");
    // Boot = latest of (10:00:05 - 7005 s, 10:01:03 - 7063.247407 s) = 08:03:20.
    assert_eq!(
        basis(k),
        "time since boot (3 lines): boot at 2023-03-13T08:03:20Z from kernel lines of the same node"
    );
    let oom = row(&v, "node-2/dmesg.txt", 2);
    assert_eq!(oom["at"], "2023-03-13T10:01:03.247407Z");
    assert_eq!(oom["approx_s"], 1.0);
    assert_eq!(oom["signal"], "oom-kill");
    assert_eq!(row(&v, "node-2/dmesg.txt", 3)["at"], "2023-03-13T10:06:40Z");
    // The kern.log line (seconds) sorts before its dmesg twin (microseconds).
    let pos = |p: &str| {
        rows(&v)
            .iter()
            .position(|r| r["source"]["path"] == p && msg(r).starts_with("Memory cgroup"))
            .unwrap()
    };
    assert!(pos("node-2/kern.log") < pos("node-2/dmesg.txt"));

    let other = input(&v, "node-1/dmesg.txt");
    assert_eq!(other["node"], "node-1");
    assert_eq!(
        basis(other),
        "time since boot (3 lines): not placed (no kernel lines with wall times on this node, no mtime)"
    );
    let unplaced = row(&v, "node-1/dmesg.txt", 2);
    assert!(unplaced["at"].is_null());
    // Rows without a time come last.
    assert!(rows(&v).last().unwrap()["at"].is_null());
}

#[test]
fn dmesg_without_kernel_lines_is_placed_from_mtime_and_marked_uncertain() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "dmesg.txt",
        &lines(&[
            "[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
            "[ 7400.000000] INFO: task kworker/u8:1:11 blocked for more than 122 seconds.",
        ]),
    );
    // Written at 2023-03-13T10:06:40Z, when the last line was printed.
    let f = fs::File::options().write(true).open(d.join("dmesg.txt")).unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_678_702_000))
        .unwrap();
    let v = analyze_json(&[s(d)]);
    assert_eq!(
        basis(input(&v, "dmesg.txt")),
        "time since boot (2 lines): boot at ~2023-03-13T08:03:20Z estimated from the file mtime (uncertain)"
    );
    let oom = row(&v, "dmesg.txt", 1);
    assert_eq!(oom["at"], "2023-03-13T10:01:03.247407Z");
    assert!(oom["approx_s"].is_null());
}

#[test]
fn journal_json_and_export_are_placed_at_realtime_microseconds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // `journalctl -o json`: the klog inside says .123400, the journal's own clock .123456 — the journal's wins.
    write(
        d,
        "node-2/journal.json",
        &lines(&[
            r#"{"__CURSOR":"s=6f1c;i=2a4","__REALTIME_TIMESTAMP":"1678701900123456","__MONOTONIC_TIMESTAMP":"7063247407","_BOOT_ID":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","PRIORITY":"6","_TRANSPORT":"stdout","_PID":"2129392","_COMM":"kubelet","SYSLOG_IDENTIFIER":"kubelet","_SYSTEMD_UNIT":"kubelet.service","_HOSTNAME":"node-2","MESSAGE":"E0313 10:05:00.123400 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"}"#,
            r#"{"__REALTIME_TIMESTAMP":"1678701960000001","_HOSTNAME":"node-2","SYSLOG_IDENTIFIER":"etcd","_PID":"13993","PRIORITY":"4","MESSAGE":"read-only range request \"key:\\\"/registry/services/endpoints/kube-system/kube-controller-manager\\\" \" with result \"range_response_count:1 size:464\" took too long (468.584252ms) to execute"}"#,
        ]),
    );
    // `journalctl -o export` of the same etcd entry one minute later (k8s#70082).
    write(
        d,
        "node-2/journal.export",
        "__CURSOR=s=6f1c;i=2a5\n__REALTIME_TIMESTAMP=1678702020000002\n__MONOTONIC_TIMESTAMP=7063247407\n_BOOT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9\n_TRANSPORT=stdout\nPRIORITY=4\n_HOSTNAME=node-2\nSYSLOG_IDENTIFIER=etcd\n_COMM=etcd\n_PID=13993\nMESSAGE=read-only range request \"key:\\\"/registry/services/endpoints/kube-system/kube-controller-manager\\\" \" with result \"range_response_count:1 size:464\" took too long (468.584252ms) to execute\n\n",
    );
    let v = analyze_json(&[s(d)]);
    let j = input(&v, "node-2/journal.json");
    assert!(
        j["format"].as_str().unwrap().starts_with("journal-json"),
        "{}",
        j["format"]
    );
    assert_eq!(j["node"], "node-2");
    assert_eq!(basis(j), "exact: offset or epoch written (2 lines)");
    assert_eq!(j["first"], "2023-03-13T10:05:00.123456Z");
    assert_eq!(j["last"], "2023-03-13T10:06:00.000001Z");
    let kubelet = row(&v, "node-2/journal.json", 1);
    assert_eq!(kubelet["at"], "2023-03-13T10:05:00.123456Z");
    assert_eq!(kubelet["approx_s"], 0.0);
    // The klog inside MESSAGE is read: its level (E) and its text without the header.
    assert_eq!(kubelet["severity"], "error");
    assert!(
        msg(kubelet).starts_with("skipping pod synchronization"),
        "{}",
        msg(kubelet)
    );
    assert_eq!(kubelet["component"], "kubelet");
    assert_eq!(row(&v, "node-2/journal.json", 2)["at"], "2023-03-13T10:06:00.000001Z");

    let e = input(&v, "node-2/journal.export");
    assert_eq!(e["format"], "journal-export");
    assert_eq!(basis(e), "exact: offset or epoch written (1 line)");
    let etcd = row(&v, "node-2/journal.export", 1);
    assert_eq!(etcd["at"], "2023-03-13T10:07:00.000002Z");
    assert_eq!(etcd["component"], "etcd");
    assert_eq!(etcd["severity"], "warning");
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzBuilder::new()
        .mtime(1_678_702_000)
        .write(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tar(members: &[(&str, String)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_678_702_000);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_bytes()).unwrap();
    }
    b.into_inner().unwrap()
}

#[test]
fn since_until_on_a_multi_file_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bundle.tar.gz");
    let pleg = |t: &str, active: &str| {
        format!("Mar 13 {t} node-1 kubelet[1450]: E0313 {t}.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active {active} ago; threshold is 3m0s]")
    };
    let t = tar(&[
        (
            "node-1/kubelet.log",
            lines(&[
                // One row from 10:00 to 10:06 (repeats collapse): it overlaps a window that starts at 10:04.
                &pleg("10:00:00", "3m5.30015447s"),
                &pleg("10:03:30", "6m35.30015447s"),
                &pleg("10:06:00", "9m5.30015447s"),
                "Mar 13 10:10:00 node-1 kubelet[1450]: W0313 10:10:00.562657    1450 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname",
            ]),
        ),
        (
            "node-1/containerd.log",
            lines(&[
                "time=\"2023-03-13T09:50:00.343817675Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} failed, error\" error=\"failed to create containerd task: context deadline exceeded\"",
                "time=\"2023-03-13T10:05:00.627332586Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812d-4e36-a2c8-4c6c5f2b9e11,Namespace:default,Attempt:0,} failed, error\" error=\"failed to reserve sandbox name\"",
            ]),
        ),
        (
            "node-2/etcd.log",
            lines(&[
                r#"{"level":"warn","ts":"2023-03-13T10:20:00.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#,
            ]),
        ),
    ]);
    fs::write(&f, gz(&t)).unwrap();

    let all = analyze_json(&[s(&f)]);
    assert_eq!(rows(&all).len(), 5);
    let pleg_row = rows(&all)
        .iter()
        .find(|r| msg(r).starts_with("skipping pod synchronization"))
        .unwrap();
    assert_eq!(pleg_row["count"], 3);
    assert_eq!(pleg_row["last_at"], "2023-03-13T10:06:00.934473Z");

    // The same window written two ways (UTC; RFC 3339 with an offset).
    for (since, until) in [
        ("2023-03-13 10:04", "2023-03-13T10:15:00Z"),
        ("2023-03-13T12:04:00+02:00", "2023-03-13T11:15:00+01:00"),
    ] {
        let v = analyze_json(&["--since", since, "--until", until, s(&f)]);
        let got: Vec<(&str, &str)> = rows(&v)
            .iter()
            .map(|r| (r["source"]["path"].as_str().unwrap(), r["at"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("bundle.tar.gz!/node-1/kubelet.log", "2023-03-13T10:00:00.934473Z"),
                ("bundle.tar.gz!/node-1/containerd.log", "2023-03-13T10:05:00.627332586Z"),
                ("bundle.tar.gz!/node-1/kubelet.log", "2023-03-13T10:10:00.562657Z"),
            ],
            "--since {since} --until {until}"
        );
        // Every source is still listed, with its own span.
        assert_eq!(v["inputs"].as_array().unwrap().len(), 3);
        assert_eq!(
            input(&v, "bundle.tar.gz!/node-2/etcd.log")["first"],
            "2023-03-13T10:20:00.457Z"
        );
        assert!(basis(input(&v, "bundle.tar.gz!/node-1/kubelet.log"))
            .contains("year 2023 from full-dated sources of the same node"));
    }
    // A window with nothing in it: an empty timeline, not an error.
    let v = analyze_json(&["--since", "2023-03-14", s(&f)]);
    assert!(rows(&v).is_empty());
    // Only --until.
    let v = analyze_json(&["--until", "2023-03-13T09:59:59Z", s(&f)]);
    assert_eq!(rows(&v).len(), 1);
    assert_eq!(rows(&v)[0]["at"], "2023-03-13T09:50:00.343817675Z");
    // A malformed bound is a usage error.
    let out = bin()
        .args(["analyze", "--quiet", "--since", "yesterday", s(&f)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since: `yesterday` is not a time"));
}

#[test]
fn reversed_journal_and_out_of_order_lines_around_new_year() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Distinct real kubelet messages (formats.md 4.4, 4.2, 4.5, 4.3) so that no two lines collapse into one row.
    let msgs = [
        "kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
        "kubelet.go:1347] \"Image garbage collection failed multiple times in a row\" err=\"failed to garbage collect required amount of images. Wanted to free 2986842521 bytes, but freed 0 bytes\"",
        "pod_workers.go:1294] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"alpine\\\" with CrashLoopBackOff\" pod=\"default/restarting-pod\"",
        "kubelet_node_status.go:682] Node became not ready: {Type:Ready Status:False Reason:KubeletNotReady Message:PLEG is not healthy}",
    ];
    // `journalctl -r`: newest first, across New Year.
    write(
        d,
        "reversed.log",
        &lines(&[
            &format!(
                "Jan 01 00:00:02 node1 kubelet[2129392]: E0101 00:00:02.000000 2129392 {}",
                msgs[0]
            ),
            &format!(
                "Dec 31 23:59:58 node1 kubelet[2129392]: E1231 23:59:58.000000 2129392 {}",
                msgs[1]
            ),
        ]),
    );
    // Lines out of order around midnight in a syslog file.
    write(
        d,
        "ooo.log",
        &lines(&[
            &format!(
                "Dec 31 23:59:58 node2 kubelet: E1231 23:59:58.000000 2129392 {}",
                msgs[0]
            ),
            &format!(
                "Jan  1 00:00:00 node2 kubelet: E0101 00:00:00.000000 2129392 {}",
                msgs[1]
            ),
            &format!(
                "Dec 31 23:59:59 node2 kubelet: E1231 23:59:59.000000 2129392 {}",
                msgs[2]
            ),
            &format!(
                "Jan  1 00:00:01 node2 kubelet: E0101 00:00:01.000000 2129392 {}",
                msgs[3]
            ),
        ]),
    );
    no_mtime(d, "reversed.log");
    no_mtime(d, "ooo.log");
    let v = analyze_json(&["--year", "2023", s(d)]);
    // --year is the year of the first line; a reversed journal steps back a year over New Year.
    assert_eq!(row(&v, "reversed.log", 1)["at"], "2023-01-01T00:00:02Z");
    assert_eq!(row(&v, "reversed.log", 2)["at"], "2022-12-31T23:59:58Z");
    let ooo: Vec<&str> = (1..=4).map(|l| row(&v, "ooo.log", l)["at"].as_str().unwrap()).collect();
    assert_eq!(
        ooo,
        [
            "2023-12-31T23:59:58Z",
            "2024-01-01T00:00:00Z",
            "2023-12-31T23:59:59Z",
            "2024-01-01T00:00:01Z"
        ]
    );
}

#[test]
fn k3s_journal_takes_the_year_of_its_own_zap_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // k3s#2938 (lowercase month, zap JSON with +0100) and a yearless klog line one second later.
    write(
        d,
        "k3s.log",
        &lines(&[
            r#"feb 16 12:45:47 mnode2 k3s[10737]: {"level":"warn","ts":"2021-02-16T12:45:47.948+0100","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"102.774415ms","expected-duration":"100ms"}"#,
            "feb 16 12:45:48 mnode2 k3s[10737]: E0216 12:45:48.080925   10737 kubelet.go:2055] \"Skipping pod synchronization\" err=\"PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s\"",
        ]),
    );
    let v = analyze_json(&[s(d)]);
    assert_eq!(row(&v, "k3s.log", 1)["at"], "2021-02-16T11:45:47.948Z");
    assert_eq!(row(&v, "k3s.log", 2)["at"], "2021-02-16T12:45:48.080925Z");
    assert!(basis(input(&v, "k3s.log")).contains("year 2021 from dated lines of the same file"));
}

#[test]
fn cri_partial_chunks_join_per_stream_and_at_end_of_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A stdout line split in two with a whole stderr klog error between its pieces, then a stream that ends on
    // a `P` chunk (containerd#4813) holding a klog error.
    write(
        d,
        "0.log",
        &lines(&[
            "2023-08-18T10:47:25.000000001Z stdout P first half of a stdout message ",
            "2023-08-18T10:47:25.000000002Z stderr F E0818 10:47:25.000000       1 prober.go:1] probe failed: connection refused",
            "2023-08-18T10:47:25.000000003Z stdout F second half: OOMKilled",
            "2023-08-18T10:47:26.000000000Z stderr P E0818 10:47:26.000000       1 kubelet.go:2055] \"Skipping pod synchronization\" err=\"PLEG is not healthy\"",
        ]),
    );
    let v = analyze_json(&[s(d)]);
    let err = row(&v, "0.log", 2);
    assert_eq!(err["severity"], "error");
    assert_eq!(msg(err), "probe failed: connection refused");
    let joined = row(&v, "0.log", 1);
    assert_eq!(msg(joined), "first half of a stdout message second half: OOMKilled");
    assert_eq!(joined["at"], "2023-08-18T10:47:25.000000001Z");
    let tail = row(&v, "0.log", 4);
    assert_eq!(tail["severity"], "error");
    assert!(msg(tail).starts_with("Skipping pod synchronization"), "{}", msg(tail));
    let i = input(&v, "0.log");
    assert_eq!(i["levels"]["error"], 2);
    assert_eq!(i["last"], "2023-08-18T10:47:26Z");
}
