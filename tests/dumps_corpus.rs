//! kubectl dumps end to end: the `cronjob-webhook-lag` bundle (a `kubectl cluster-info dump` folder, an events
//! table, a describe, a jobs table, a webhook configuration) and the etcd describe of `etcd-probe-loop`.
//! Checks capture-time decisions, one row per event across dumps and log echoes, and the `state` key.

mod common;
use common::{analyze_json, corpus, input};
use serde_json::Value;
use std::path::Path;

fn analyze(dir: &Path) -> Value {
    analyze_json(&[dir])
}

fn ns(s: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s.as_str().expect("a time string"))
        .expect("RFC 3339")
        .timestamp_nanos_opt()
        .unwrap()
}

fn rows_with<'a>(v: &'a Value, text: &str) -> Vec<&'a Value> {
    v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["message"].as_str().unwrap().contains(text))
        .collect()
}

const S: i64 = 1_000_000_000;

#[test]
fn events_table_capture_time_is_estimated_within_its_resolution() {
    let v = analyze(&corpus("cronjob-webhook-lag"));
    let t = input(&v, "kubectl/get-events.txt");
    assert_eq!(t["format"], "kubectl-events-table");
    assert_eq!(t["dump"]["rows"], 52);
    assert_eq!(t["dump"]["placed"], 52);
    let c = &t["dump"]["capture"];
    assert_eq!(c["anchor"], "estimate");
    // The table was taken at 10:55:00 (written nowhere in the bundle); its ages have 1 s to 60 s resolution.
    let truth = ns(&"2024-05-14T10:55:00Z".into());
    let err = (ns(&c["at"]) - truth).abs();
    assert!(err <= S, "estimate off by {} ms", err / 1_000_000);
    assert!(c["approx_s"].as_f64().unwrap() <= 60.0);
    // The checkout's mtime is not when the dump was taken, and the report says so.
    assert!(c["detail"].as_str().unwrap().contains("disagrees"), "{c}");
    // The jobs table beside it (taken with it) borrows a sibling's estimate, its uncertainty covering how far
    // the siblings' estimates are apart.
    let jobs = &input(&v, "kubectl/get-jobs.txt")["dump"]["capture"];
    assert_eq!(jobs["anchor"], "estimate");
    let err = (ns(&jobs["at"]) - truth).abs() as f64 / S as f64;
    assert!(err <= jobs["approx_s"].as_f64().unwrap(), "{jobs}");
    assert!(jobs["detail"].as_str().unwrap().contains("saved beside it"));
}

#[test]
fn describe_capture_time_is_estimated_too() {
    let v = analyze(&corpus("cronjob-webhook-lag"));
    let d = input(&v, "kubectl/describe-cronjob-report-gen.txt");
    assert_eq!(d["format"], "kubectl-describe");
    let c = &d["dump"]["capture"];
    assert_eq!(c["anchor"], "estimate", "{c}");
    let truth = ns(&"2024-05-14T10:55:40Z".into());
    let approx = c["approx_s"].as_f64().unwrap();
    let err = (ns(&c["at"]) - truth).abs() as f64 / S as f64;
    assert!(err <= approx.max(1.0) + 1.0, "estimate off by {err} s (± {approx})");
}

#[test]
fn one_event_one_row_across_three_dumps_and_a_log_echo() {
    let v = analyze(&corpus("cronjob-webhook-lag"));
    let rows = rows_with(&v, "Created job report-gen-28594680");
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let r = rows[0];
    let mut paths: Vec<&str> = std::iter::once(&r["source"])
        .chain(r["also_in"].as_array().unwrap())
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "cluster-info/batch-jobs/events.json",
            "cluster-info/kube-system/kube-controller-manager-cp-1/logs.txt",
            "kubectl/describe-cronjob-report-gen.txt",
            "kubectl/get-events.txt",
        ]
    );
    // The log's sub-second time wins over the event object's whole second and the tables' ages.
    assert_eq!(r["at"], "2024-05-14T10:00:00.104Z");
    assert_eq!(r["time_kind"], "exact");
    assert_eq!(r["object"], "cronjob/batch-jobs/report-gen");
    assert_eq!(r["component"], "cronjob-controller");
    // Repeated webhook failures: one row with the count the event object keeps.
    let failed = rows_with(&v, "FailedCreate: Error creating: Internal error occurred");
    let first = failed
        .iter()
        .find(|r| r["object"] == "job/batch-jobs/report-gen-28594680")
        .expect("the first Job's FailedCreate");
    assert!(first["count"].as_u64().unwrap() >= 5, "{first}");
    assert!(ns(&first["last_at"]) > ns(&first["at"]));
}

#[test]
fn cluster_info_dump_folder_end_to_end() {
    let v = analyze(&corpus("cronjob-webhook-lag"));
    let events = input(&v, "cluster-info/batch-jobs/events.json");
    assert_eq!(events["format"], "kubectl-json");
    assert_eq!(events["skipped"], 0);
    assert!(events["dump"]["events"].as_u64().unwrap() > 60);
    assert!(events["time_basis"]
        .as_str()
        .unwrap()
        .contains("absolute times as written"));
    assert!(events["problems"].as_array().unwrap().is_empty(), "{events}");
    // Yearless klog in logs.txt takes its year from the dated event objects of the bundle.
    let kcm = input(&v, "cluster-info/kube-system/kube-controller-manager-cp-1/logs.txt");
    assert!(kcm["time_basis"]
        .as_str()
        .unwrap()
        .contains("year 2024 from full-dated sources"));
    assert_eq!(kcm["component"], "kube-controller-manager");
    let st = &v["state"];
    assert_eq!(st["nodes"].as_array().unwrap().len(), 3);
    let cp = &st["nodes"][0];
    assert_eq!(cp["name"], "cp-1");
    assert_eq!(cp["kubelet_version"], "v1.27.13");
    assert_eq!(cp["runtime_version"], "containerd://1.6.31");
    let wh = &st["webhooks"][0];
    assert_eq!(wh["name"], "pod-policy.example.com");
    assert_eq!(wh["timeout_s"], 30);
    assert_eq!(wh["failure_policy"], "Fail");
    assert_eq!(wh["service"], "webhooks/pod-policy:443/validate");
    let cj = &st["cronjobs"][0];
    assert_eq!(cj["name"], "report-gen");
    assert_eq!(cj["concurrency_policy"], "Allow");
    assert_eq!(cj["successful_history_limit"], 3);
    let jobs = st["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 11);
    // The jobs table names no owner: the CronJob's naming scheme links them.
    assert_eq!(jobs[0]["owners"][0]["kind"], "CronJob");
    assert_eq!(jobs[0]["owners"][0]["name"], "report-gen");
    assert_eq!(jobs[0]["namespace"], "batch-jobs");
    assert!(
        jobs[0]["created"].as_str().unwrap().starts_with("2024-05-14T10:0"),
        "{}",
        jobs[0]
    );
    let pods = st["pods"].as_array().unwrap();
    assert_eq!(pods.len(), 11);
    assert_eq!(pods[0]["owners"][0]["kind"], "Job");
    assert!(pods[0]["node"].as_str().unwrap().starts_with("worker-"));
}

#[test]
fn taken_at_flag_comes_first() {
    let dir = corpus("cronjob-webhook-lag");
    let v = analyze_json(&[dir.as_os_str(), "--taken-at".as_ref(), "2024-05-14T11:00:00Z".as_ref()]);
    let c = &input(&v, "kubectl/get-events.txt")["dump"]["capture"];
    assert_eq!(c["anchor"], "taken-at-flag");
    assert_eq!(c["at"], "2024-05-14T11:00:00Z");
}

#[test]
fn describe_probe_spec_becomes_numbers_in_state() {
    let v = analyze(&corpus("etcd-probe-loop"));
    let d = input(&v, "kubectl/describe-pod-etcd-master-1.txt");
    assert_eq!(d["format"], "kubectl-describe");
    assert_eq!(d["dump"]["capture"]["anchor"], "written");
    assert_eq!(d["dump"]["capture"]["at"], "2023-03-13T10:08:00Z");
    let pod = v["state"]["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "etcd-master-1")
        .expect("etcd pod in state");
    assert_eq!(pod["namespace"], "kube-system");
    assert_eq!(pod["node"], "master-1");
    let etcd = &pod["containers"][0];
    assert_eq!(etcd["restarts"], 3);
    let live = etcd["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == "liveness")
        .unwrap();
    assert_eq!(live["timeout_s"], 15);
    assert_eq!(live["period_s"], 10);
    assert_eq!(live["failure_threshold"], 8);
    assert_eq!(live["initial_delay_s"], 10);
    assert_eq!(etcd["last_termination"]["finished"], "2023-03-13T10:06:45Z");
    // The describe's Killing event: 3 kills over 5m15s, the last 75 s before 10:08:00.
    let kill = rows_with(&v, "Killing: Container etcd failed liveness probe");
    assert_eq!(kill.len(), 1);
    assert_eq!(kill[0]["count"], 3);
    assert_eq!(kill[0]["time_kind"], "age");
    assert_eq!(kill[0]["approx_s"], 0.5);
    assert_eq!(kill[0]["at"], "2023-03-13T10:02:44.500Z");
    assert_eq!(kill[0]["last_at"], "2023-03-13T10:06:44.500Z");
    assert_eq!(kill[0]["object"], "pod/kube-system/etcd-master-1");
}

#[test]
fn cluster_info_dump_stdout_form() {
    // `kubectl cluster-info dump` without --output-directory: JSON lists and log blocks on one stream.
    let src = corpus("cronjob-webhook-lag").join("cluster-info");
    let tmp = tempfile::tempdir().unwrap();
    let mut stream = Vec::new();
    for f in ["nodes.json", "batch-jobs/events.json"] {
        stream.extend(std::fs::read(src.join(f)).unwrap());
    }
    let kcm = std::fs::read(src.join("kube-system/kube-controller-manager-cp-1/logs.txt")).unwrap();
    let kcm_first_line = stream.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    stream.extend(&kcm);
    stream.extend(std::fs::read(src.join("batch-jobs/pods.json")).unwrap());
    std::fs::write(tmp.path().join("cluster-info-dump.txt"), &stream).unwrap();
    let v = analyze(tmp.path());
    let i = input(&v, "cluster-info-dump.txt");
    assert_eq!(i["format"], "cluster-info-dump");
    assert_eq!(i["skipped"], 0, "{i}");
    assert_eq!(i["lines"], i["parsed"].as_u64().unwrap() + i["blank"].as_u64().unwrap());
    assert!(i["dump"]["events"].as_u64().unwrap() > 60);
    assert_eq!(v["state"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(v["state"]["pods"].as_array().unwrap().len(), 11);
    // A log line inside the stream keeps its own line number, and its year comes from the dated objects.
    let err = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["source"]["path"] == "cluster-info-dump.txt" && r["message"].as_str().unwrap().contains("Unhandled Error")
        })
        .expect("a kcm error row");
    assert_eq!(err["source"]["line"], kcm_first_line + 2);
    assert_eq!(err["at"], "2024-05-14T10:00:30.149Z");
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn must_gather_tree_takes_namespace_and_pod_from_the_layout() {
    let tmp = tempfile::tempdir().unwrap();
    // formats.md 7.3 (k8s#90482): a scheduler event written by the new API (null first/last timestamps).
    write(
        tmp.path(),
        "must-gather/namespaces/magellan/core/events.yaml",
        r#"apiVersion: v1
items:
- action: Binding
  apiVersion: v1
  eventTime: "2020-04-24T13:38:26.252501Z"
  firstTimestamp: null
  involvedObject:
    apiVersion: v1
    kind: Pod
    name: alertmanager-monit-alertmanager-0
    namespace: magellan
    resourceVersion: "17555"
    uid: a2348ab9-1b8a-4a1e-8e0b-0c5c4d8e1a10
  kind: Event
  lastTimestamp: null
  message: Successfully assigned magellan/alertmanager-monit-alertmanager-0 to ip-172-31-181-132
  metadata:
    creationTimestamp: "2020-04-24T13:38:26Z"
    name: alertmanager-monit-alertmanager-0.1608c507df74c9ad
    namespace: magellan
  reason: Scheduled
  reportingComponent: default-scheduler
  reportingInstance: default-scheduler-ip-172-31-181-132
  source:
    component: default-scheduler
  type: Normal
kind: List
metadata:
  resourceVersion: ""
"#,
    );
    write(
        tmp.path(),
        "must-gather/namespaces/magellan/pods/alertmanager-monit-alertmanager-0/alertmanager/alertmanager/logs/current.log",
        "2020-04-24T13:38:30.117230718Z level=error ts=2020-04-24T13:38:30.117Z caller=main.go:245 msg=\"Unable to create data directory\" err=\"mkdir /alertmanager: permission denied\"\n",
    );
    let v = analyze(tmp.path());
    let ev = input(&v, "must-gather/namespaces/magellan/core/events.yaml");
    assert_eq!(ev["format"], "kubectl-yaml");
    assert_eq!(ev["dump"]["events"], 1);
    let sched = &rows_with(&v, "Scheduled: Successfully assigned")[0];
    assert_eq!(sched["at"], "2020-04-24T13:38:26.252501Z");
    assert_eq!(sched["object"], "pod/magellan/alertmanager-monit-alertmanager-0");
    assert_eq!(sched["component"], "default-scheduler");
    // Evidence points at the object's `metadata.name` line.
    assert_eq!(sched["source"]["line"], 19);
    let err = &rows_with(&v, "Unable to create data directory")[0];
    assert_eq!(
        err["object"],
        "pod/magellan/alertmanager-monit-alertmanager-0:alertmanager"
    );
    assert_eq!(err["at"], "2020-04-24T13:38:30.117230718Z");
}

#[test]
fn damaged_dumps_are_reported_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    // A table cut mid-row, an unknown column, an age that does not parse.
    write(
        tmp.path(),
        "events.txt",
        "LAST SEEN   TYPE      REASON      OBJECT                 COLOR   MESSAGE\n\
         5m          Warning   BackOff     pod/web-5d4f-x2v9q     blue    Back-off restarting failed container\n\
         soon        Normal    Pulled      pod/web-5d4f-x2v9q     red     Container image \"nginx\" already present on machine\n\
         45s         Warning   Unhealthy   pod/web-5d4f-x2v9q     red     Liveness probe fai",
    );
    // A JSON list truncated inside its third item.
    let items: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#"{{"apiVersion":"v1","kind":"Event","metadata":{{"name":"web.{i:x}","namespace":"default"}},"involvedObject":{{"kind":"Pod","name":"web-5d4f-x2v9q","namespace":"default"}},"reason":"Killing","message":"Stopping container web","type":"Normal","count":1,"firstTimestamp":"2024-05-14T10:0{i}:00Z","lastTimestamp":"2024-05-14T10:0{i}:00Z","source":{{"component":"kubelet","host":"worker-1"}}}}"#
            )
        })
        .collect();
    let list = format!(
        "{{\n\"kind\": \"EventList\",\n\"items\": [\n{},\n{},\n{}\n]\n}}\n",
        items[0], items[1], items[2]
    );
    write(tmp.path(), "events.json", &list[..list.len() - 60]);
    let v = analyze_json(&[
        tmp.path().as_os_str(),
        "--taken-at".as_ref(),
        "2024-05-14T11:00:00Z".as_ref(),
    ]);
    let t = input(&v, "events.txt");
    assert_eq!(t["format"], "kubectl-events-table");
    let problems = t["problems"].to_string();
    assert!(problems.contains("line 3") && problems.contains("soon"), "{problems}");
    assert_eq!(t["skipped"], 1);
    assert_eq!(rows_with(&v, "BackOff: Back-off restarting failed container").len(), 1);
    let cut = &rows_with(&v, "Unhealthy: Liveness probe fai")[0];
    assert_eq!(cut["at"], "2024-05-14T10:59:14.500Z");
    let j = input(&v, "events.json");
    assert_eq!(j["format"], "kubectl-json");
    assert_eq!(j["dump"]["events"], 2, "{j}");
    assert!(j["problems"].to_string().contains("truncated"), "{j}");
    assert_eq!(
        rows_with(&v, "Killing: Stopping container web").len(),
        1,
        "same event twice in one list stays one row"
    );
}
