//! Detectors end to end on the corpus bundles: the finding ids, subjects, windows, key numbers and the causal
//! chain a user reads at the top of the report.

mod common;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn analyze(bundle: &str) -> Value {
    common::analyze_json(&[common::corpus(bundle)])
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} finding in {:#}", v["findings"]))
}

fn ids(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect()
}

#[test]
fn etcd_probe_loop_period_is_explained_by_the_probe_spec() {
    let v = analyze("etcd-probe-loop");
    let f = finding(&v, "probe-restart-loop");
    assert_eq!(f["severity"], "critical", "etcd is a control-plane static pod");
    assert_eq!(f["subjects"][1], "pod/kube-system/etcd-master-1:etcd");
    let m = &f["measured"];
    assert_eq!(m["period_s"], 120.0);
    assert_eq!(m["count"], 3);
    assert_eq!(m["restarts"], 3);
    assert_eq!(m["failure_threshold"], 8);
    assert_eq!(m["timeout_s"], 15);
    assert_eq!(m["expected_period_s"], 120.0);
    assert_eq!(f["start"], "2023-03-13T10:02:45.260Z");
    assert_eq!(f["end"], "2023-03-13T10:06:45.260Z");
    let text = f["explanation"].as_str().unwrap();
    assert!(
        text.contains("failureThreshold 8 x timeoutSeconds 15 s = 120 s"),
        "{text}"
    );
    assert!(
        text.contains("told to terminate"),
        "the etcd log shows the kill came from outside: {text}"
    );
    let evidence: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(evidence.contains(&"nodes/master-1/kubelet.log"));
    assert!(evidence.contains(&"kubectl/describe-pod-etcd-master-1.txt"));
    // Root cause first: the slow etcd leads, the loop it causes follows and names it.
    assert_eq!(ids(&v)[0], "etcd-slow");
    assert_eq!(f["caused_by"], serde_json::json!(["etcd-slow"]));
    // No CronJobs here: said, not silently clean.
    let ne = v["not_evaluated"].as_array().unwrap();
    assert!(ne
        .iter()
        .any(|n| n["id"] == "job-pod-lag" && n["missing"].as_str().unwrap().contains("Job")));
}

#[test]
fn webhook_timeouts_make_jobs_late_and_the_cronjob_pile_up() {
    let v = analyze("cronjob-webhook-lag");
    assert_eq!(ids(&v), ["webhook-timeout", "job-pod-lag", "cronjob-backlog"]);
    let w = finding(&v, "webhook-timeout");
    assert_eq!(w["severity"], "critical");
    assert_eq!(w["subjects"][0], "webhook/pod-policy.example.com");
    assert_eq!(w["measured"]["timeout_s"], 30);
    assert_eq!(w["measured"]["count"], 92);
    assert!(w["explanation"].as_str().unwrap().contains("failurePolicy Fail"));

    let lag = finding(&v, "job-pod-lag");
    assert_eq!(lag["caused_by"], serde_json::json!(["webhook-timeout"]));
    let m = &lag["measured"];
    assert_eq!(m["jobs"], 11);
    assert_eq!(m["count"], 11);
    // The first Job was created at 10:00:00.104 and got its Pod at 10:52:30.530 (the job controller's back-off
    // retry after the webhook recovered at 10:52:04), as the controller-manager log says.
    let first = m["per_job"]["batch-jobs/report-gen-28594680"].as_f64().unwrap();
    assert_eq!(first, 3150.426);
    // The last Job (10:50:00.174) waited 161 s: still over the 60 s threshold.
    assert_eq!(
        m["per_job"]["batch-jobs/report-gen-28594730"].as_f64().unwrap(),
        161.299
    );
    assert_eq!(m["lag_s"].as_f64().unwrap(), 3150.516);
    assert!(m["lag_median_s"].as_f64().unwrap() > 600.0);

    let b = finding(&v, "cronjob-backlog");
    assert_eq!(b["caused_by"], serde_json::json!(["job-pod-lag"]));
    assert_eq!(b["subjects"][0], "cronjob/batch-jobs/report-gen");
    assert_eq!(b["measured"]["count"], 11);
    assert!(b["explanation"].as_str().unwrap().contains("concurrencyPolicy Allow"));
}

#[test]
fn text_report_opens_with_findings_and_their_chain() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cronjob-webhook-lag");
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--format", "text", "--quiet"])
        .arg(&dir)
        .output()
        .expect("binary runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].starts_with("CRITICAL webhook-timeout: Admission webhook pod-policy.example.com"),
        "{text}"
    );
    let lag = lines
        .iter()
        .position(|l| l.starts_with("CRITICAL job-pod-lag:"))
        .expect("lag finding");
    assert_eq!(lines[lag + 1], "    caused by webhook-timeout");
}

fn analyze_dir(dir: &Path) -> Value {
    common::analyze_json(&[dir])
}

/// kubelet lines of the etcd-probe-loop shape (formats.md 4), for `kills` kills two minutes apart.
fn kubelet_with_kills(kills: usize) -> String {
    let mut log = String::new();
    for k in 0..kills {
        let m = 2 + 2 * k;
        log.push_str(&format!(
            "Mar 13 10:0{m}:30 master-1 kubelet[1450]: I0313 10:0{m}:30.250000    1450 prober.go:107] \"Probe failed\" probeType=\"Liveness\" pod=\"kube-system/etcd-master-1\" podUID=0a1b2c3d-1111-2222-3333-444455556666 containerName=\"etcd\" probeResult=failure output=\"Get \\\"https://127.0.0.1:2381/health\\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\"\n\
             Mar 13 10:0{m}:45 master-1 kubelet[1450]: I0313 10:0{m}:45.260000    1450 kuberuntime_container.go:709] \"Killing container with a grace period\" pod=\"kube-system/etcd-master-1\" podUID=0a1b2c3d-1111-2222-3333-444455556666 containerName=\"etcd\" containerID=\"containerd://eb41{k}f00d\" gracePeriod=30\n"
        ));
    }
    log
}

#[test]
fn near_misses_are_not_findings() {
    let tmp = tempfile::tempdir().unwrap();
    // Two liveness kills are not a loop (the threshold is three).
    std::fs::write(tmp.path().join("kubelet.log"), kubelet_with_kills(2)).unwrap();
    // Two webhook failures are not a pattern (three).
    let hook = "W0313 10:01:20.471959       1 dispatcher.go:184] Failed calling webhook, failing open validation.gatekeeper.sh: failed calling webhook \"validation.gatekeeper.sh\": failed to call webhook: Post \"https://gatekeeper-webhook-service.cattle-gatekeeper-system.svc:443/v1/admit?timeout=3s\": context deadline exceeded\n";
    std::fs::write(tmp.path().join("kube-apiserver.log"), hook.repeat(2)).unwrap();
    // A Job whose Pod came 30 s after it: under the 60 s threshold.
    let kcm = "I0313 10:00:00.104000       1 event.go:307] \"Event occurred\" object=\"batch/nightly\" fieldPath=\"\" kind=\"CronJob\" apiVersion=\"batch/v1\" type=\"Normal\" reason=\"SuccessfulCreate\" message=\"Created job nightly-28001400\"\n\
               I0313 10:00:30.104000       1 event.go:307] \"Event occurred\" object=\"batch/nightly-28001400\" fieldPath=\"\" kind=\"Job\" apiVersion=\"batch/v1\" type=\"Normal\" reason=\"SuccessfulCreate\" message=\"Created pod: nightly-28001400-x7k2p\"\n";
    std::fs::write(tmp.path().join("kube-controller-manager.log"), kcm).unwrap();
    let v = analyze_dir(tmp.path());
    assert_eq!(ids(&v), Vec::<&str>::new(), "{:#}", v["findings"]);
    // The job detectors had inputs: they ran and found nothing, rather than being "not evaluated" (only
    // version-skew is: no kubelet version is named anywhere).
    let not_evaluated: Vec<&str> = v["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(not_evaluated, ["version-skew"], "{:#}", v["not_evaluated"]);

    // The third kill makes it a loop; without a probe spec the period's fitting products are offered.
    std::fs::write(tmp.path().join("kubelet.log"), kubelet_with_kills(3)).unwrap();
    let v = analyze_dir(tmp.path());
    let f = finding(&v, "probe-restart-loop");
    assert_eq!(f["measured"]["period_s"], 120.0);
    let text = f["explanation"].as_str().unwrap();
    assert!(text.contains("No probe spec") && text.contains("8 x 15 s"), "{text}");
}

#[test]
fn image_gc_failure_causes_the_disk_pressure_evictions() {
    let v = analyze("disk-pressure-image-gc");
    assert_eq!(ids(&v), ["image-gc-failed", "disk-pressure-eviction"]);
    let gc = finding(&v, "image-gc-failed");
    assert_eq!(gc["subjects"], serde_json::json!(["node/worker-2"]));
    let m = &gc["measured"];
    // Nine kubelet failures five minutes apart; the events that repeat them are not counted again.
    assert_eq!(m["count"], 9);
    assert_eq!(m["wanted_bytes"], 6_238_860_902u64);
    assert_eq!(m["freed_or_eligible_bytes"], 0);
    assert_eq!(
        (m["usage_percent"].clone(), m["high_threshold_percent"].clone()),
        (91.into(), 85.into())
    );
    assert_eq!(m["deletions_refused_stopped_containers"], 27);
    assert!(gc["explanation"]
        .as_str()
        .unwrap()
        .contains("stopped containers that nobody removes"));

    let ev = finding(&v, "disk-pressure-eviction");
    assert_eq!(ev["caused_by"], serde_json::json!(["image-gc-failed"]));
    assert_eq!(ev["subjects"][0], "node/worker-2");
    let m = &ev["measured"];
    assert_eq!(m["evicted"], 3);
    assert_eq!(m["wait_s"], 5.211);
    // Pressure from 03:20:04.512 until the kubelet's NodeHasNoDiskPressure at 03:41:10.220.
    assert_eq!(m["duration_s"], 1265.708);
    assert_eq!(m["threshold"], "10187648Ki");
    assert_eq!(ev["start"], "2024-02-08T03:20:04.512337Z");
    assert_eq!(ev["end"], "2024-02-08T03:41:10.220118Z");
    let subjects = ev["subjects"].to_string();
    assert!(subjects.contains("pod/monitoring/node-exporter-x9z2k"), "{subjects}");
    // worker-1's single "failed once" at kubelet start is not a finding.
    assert!(!v["findings"].to_string().contains("worker-1"));
}

/// Runs the binary in `cwd` with extra arguments on a corpus bundle; returns the finding ids or the error.
fn ids_with(cwd: &Path, bundle: &str, extra: &[&str]) -> Result<Vec<String>, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle);
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .current_dir(cwd)
        .args(["analyze", "--format", "json", "--quiet"])
        .args(extra)
        .arg(&dir)
        .output()
        .expect("binary runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    Ok(ids(&v).into_iter().map(String::from).collect())
}

#[test]
fn thresholds_come_from_postmortem_toml_and_flags() {
    let cwd = tempfile::tempdir().unwrap();
    // Three liveness kills make a loop by default; a threshold of four does not.
    assert!(ids_with(cwd.path(), "etcd-probe-loop", &[])
        .unwrap()
        .contains(&"probe-restart-loop".into()));
    std::fs::write(cwd.path().join("postmortem.toml"), "[thresholds]\nprobe_kills = 4\n").unwrap();
    let ids = ids_with(cwd.path(), "etcd-probe-loop", &[]).unwrap();
    assert!(!ids.contains(&"probe-restart-loop".into()), "{ids:?}");
    // A flag applies after the file.
    let ids = ids_with(cwd.path(), "etcd-probe-loop", &["--threshold", "probe_kills=3"]).unwrap();
    assert!(ids.contains(&"probe-restart-loop".into()), "{ids:?}");
    // An explicit file wins over the current folder's; mistakes are usage errors that name the culprit.
    let other = cwd.path().join("strict.toml");
    std::fs::write(&other, "[thresholds]\nwebhook_failures = 100\n").unwrap();
    let ids = ids_with(cwd.path(), "etcd-probe-loop", &["--config", other.to_str().unwrap()]).unwrap();
    assert!(
        ids.contains(&"probe-restart-loop".into()),
        "the current folder's file is not read: {ids:?}"
    );
    assert!(!ids.contains(&"webhook-timeout".into()), "{ids:?}");
    let e = ids_with(cwd.path(), "etcd-probe-loop", &["--threshold", "probe_kils=4"]).unwrap_err();
    assert!(e.contains("unknown threshold") && e.contains("probe_kils"), "{e}");
}

#[test]
fn fail_on_exits_1_at_the_level_after_writing_the_report() {
    let run = |bundle: &str, level: &str| {
        let out_dir = tempfile::tempdir().unwrap();
        let report = out_dir.path().join("report.md");
        let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
            .args(["analyze", "--quiet", "--fail-on", level, "-o"])
            .arg(&report)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle))
            .output()
            .expect("binary runs");
        assert!(std::fs::read_to_string(&report).unwrap().contains("## Findings"));
        out.status.code()
    };
    // disk-pressure-image-gc: two warnings, no critical finding.
    assert_eq!(run("disk-pressure-image-gc", "warning"), Some(1));
    assert_eq!(run("disk-pressure-image-gc", "critical"), Some(0));
    // etcd-probe-loop: etcd is a control-plane static pod, its restart loop is critical.
    assert_eq!(run("etcd-probe-loop", "critical"), Some(1));
}

#[test]
fn readme_lists_every_threshold_with_its_default() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let defaults = serde_json::to_value(postmortem::detect::Thresholds::default()).unwrap();
    for (name, value) in defaults.as_object().unwrap() {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("README.md has no row for threshold `{name}`"));
        let default: f64 = row.split('|').nth(2).unwrap().trim().parse().unwrap();
        assert_eq!(default, value.as_f64().unwrap(), "README default of `{name}`");
    }
}

#[test]
fn each_oom_kill_names_its_own_pod() {
    // Two memory cgroup kills of `java` on one node, in two pods: the kernel lines differ only in masked
    // numbers (pids, uids), yet each kill keeps its own row, so both pods are named.
    let tmp = tempfile::tempdir().unwrap();
    let kill = |t: &str, pid: u32, uid: &str| {
        format!(
            "Mar  5 10:{t} worker-a kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-0123456789ab.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u}.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{u}.slice/cri-containerd-0123456789ab.scope,task=java,pid={pid},uid=0\n\
             Mar  5 10:{t} worker-a kernel: Memory cgroup out of memory: Killed process {pid} (java) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986\n",
            u = uid.replace('-', "_")
        )
    };
    let kern = kill("01:03", 4101, "0330b2c1-a15b-4cdd-b5e5-72d4a90bee82")
        + &kill("07:44", 5202, "7f1e9a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b");
    std::fs::write(tmp.path().join("kern.log"), kern).unwrap();
    // The kubelet names each pod with its uid (the rows kept: failed readiness probes before the kills).
    let kubelet = "Mar  5 10:00:01 worker-a kubelet[900]: I0305 10:00:01.000000     900 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"shop/api-1\" podUID=\"0330b2c1-a15b-4cdd-b5e5-72d4a90bee82\" containerName=\"api\" probeResult=\"failure\" output=\"HTTP probe failed with statuscode: 503\"\n\
                   Mar  5 10:00:02 worker-a kubelet[900]: I0305 10:00:02.000000     900 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"shop/batch-2\" podUID=\"7f1e9a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\" containerName=\"batch\" probeResult=\"failure\" output=\"HTTP probe failed with statuscode: 503\"\n";
    std::fs::write(tmp.path().join("kubelet.log"), kubelet).unwrap();
    let v = analyze_dir(tmp.path());
    let f = finding(&v, "oom-kill");
    assert_eq!(f["measured"]["count"], 2, "{f:#}");
    let subjects = f["subjects"].to_string();
    assert!(
        subjects.contains("pod/shop/api-1") && subjects.contains("pod/shop/batch-2"),
        "{subjects}"
    );
}

#[test]
fn crash_loops_from_kubelet_lines_alone_count_restarts_by_back_off_delay() {
    // Without the dumps, restarts come from the back-off delays (10 s, 20 s, 40 s, …), never from the number of
    // back-off lines, which the kubelet repeats on every sync: notifier (delays 10 s and 20 s, then it ran) is
    // two restarts, not a loop.
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&common::corpus("crash-loop-oomkilled"), tmp.path());
    std::fs::remove_dir_all(tmp.path().join("kubectl")).unwrap();
    std::fs::remove_file(tmp.path().join("expected.json")).unwrap();
    let v = analyze_dir(tmp.path());
    let loops: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "crash-loop")
        .collect();
    let subjects = serde_json::to_string(&loops.iter().map(|f| &f["subjects"]).collect::<Vec<_>>()).unwrap();
    assert_eq!(loops.len(), 2, "{subjects}");
    assert!(
        subjects.contains("ledger-api") && subjects.contains("fraud-scorer"),
        "{subjects}"
    );
    // Both reached the 5-minute cap: six restarts at least (the dumps say 7 and 6).
    assert!(
        loops.iter().all(|f| f["measured"]["restarts_at_least"] == 6),
        "{loops:#?}"
    );
}

#[test]
fn a_kubelet_restart_blip_does_not_hide_a_nodes_real_failure() {
    // worker-1 also blinks NotReady for 8 s at 09:58 (its kubelet restarting) before the cascade: its failure is
    // still the lasting NotReady at 10:06:01, and the cascade is found with the same steps.
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&common::corpus("node-cascade-no-limits"), tmp.path());
    let journal = tmp.path().join("nodes/worker-1/journal.log");
    let blip = "Mar 05 09:58:00.100000 worker-1 kubelet[1432]: I0305 09:58:00.100000    1432 kubelet_node_status.go:701] \"Recording event message for node\" node=\"worker-1\" event=\"NodeNotReady\"\n\
                Mar 05 09:58:08.200000 worker-1 kubelet[1432]: I0305 09:58:08.200000    1432 kubelet_node_status.go:701] \"Recording event message for node\" node=\"worker-1\" event=\"NodeReady\"\n";
    let mut text = blip.to_string();
    text.push_str(&std::fs::read_to_string(&journal).unwrap());
    std::fs::write(&journal, text).unwrap();
    std::fs::remove_file(tmp.path().join("expected.json")).unwrap();
    let v = analyze_dir(tmp.path());
    let f = finding(&v, "node-cascade");
    assert_eq!(f["measured"]["count"], 3, "{f:#}");
    assert_eq!(f["measured"]["delay_1_s"], 619.284, "{f:#}");
    assert_eq!(f["severity"], "critical");
}
