//! Known issues: a known finding stays in the report with its mark, `--fail-on` does not count it, and
//! `postmortem check` does not fail on it when `expected.json` does not list it.
//!
//! The `version-skew` bundle has three findings: worker-a (critical), worker-b (warning), worker-c (info).

mod common;
use common::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(bundle: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn known_file(dir: &Path, name: &str, entries: &[(&str, Option<&str>, &str, Option<&str>)]) -> PathBuf {
    let mut text = String::new();
    for (id, subject, reason, link) in entries {
        text.push_str(&format!("[[known]]\nid = {id:?}\nreason = {reason:?}\n"));
        if let Some(s) = subject {
            text.push_str(&format!("subject = {s:?}\n"));
        }
        if let Some(l) = link {
            text.push_str(&format!("link = {l:?}\n"));
        }
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn skew() -> String {
    corpus("version-skew").to_str().unwrap().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_known_finding_is_reported_with_its_mark() {
    let dir = tempfile::tempdir().unwrap();
    let k = known_file(
        dir.path(),
        "known.toml",
        &[(
            "version-skew",
            Some("node/worker-a"),
            "kubelet upgraded first; API server follows Tuesday",
            Some("https://tracker.invalid/OPS-7"),
        )],
    );
    let o = run(&[
        "analyze",
        "-q",
        &skew(),
        "--format",
        "json",
        "--known-issues",
        k.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3, "nothing vanishes");
    let a = findings
        .iter()
        .find(|f| f["subjects"].as_array().unwrap().iter().any(|s| s == "node/worker-a"))
        .unwrap();
    assert_eq!(a["severity"], "critical");
    assert_eq!(
        a["known"],
        serde_json::json!({"reason": "kubelet upgraded first; API server follows Tuesday", "link": "https://tracker.invalid/OPS-7"})
    );
    assert_eq!(findings.iter().filter(|f| f.get("known").is_some()).count(), 1);

    let o = run(&[
        "analyze",
        "-q",
        &skew(),
        "--format",
        "text",
        "--known-issues",
        k.to_str().unwrap(),
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("CRITICAL (known) version-skew"), "{text}");
    assert!(
        text.contains(
            "known issue: kubelet upgraded first; API server follows Tuesday (https://tracker.invalid/OPS-7)"
        ),
        "{text}"
    );
    assert!(text.contains("WARNING version-skew"), "{text}");

    // The write-up formats carry the mark too.
    let o = run(&["analyze", "-q", &skew(), "--known-issues", k.to_str().unwrap()]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("**critical** (known)"), "{md}");
    assert!(
        md.contains(
            "- Known issue: kubelet upgraded first; API server follows Tuesday (`https://tracker.invalid/OPS-7`)"
        ),
        "{md}"
    );
    let o = run(&[
        "analyze",
        "-q",
        &skew(),
        "--format",
        "html",
        "--known-issues",
        k.to_str().unwrap(),
    ]);
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(html
        .contains(r#""known":["kubelet upgraded first; API server follows Tuesday","https://tracker.invalid/OPS-7"]"#));
}

#[test]
fn fail_on_ignores_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let only_a = known_file(
        dir.path(),
        "a.toml",
        &[("version-skew", Some("node/worker-a"), "upgrade", None)],
    );
    let workers = known_file(
        dir.path(),
        "w.toml",
        &[("version-skew", Some("node/worker-*"), "upgrade", None)],
    );
    let code = |extra: &[&str]| {
        let mut args = vec!["analyze", "-q", "--format", "json", "-o", "/dev/null"];
        let s = skew();
        args.push(&s);
        args.extend_from_slice(extra);
        run(&args).status.code()
    };
    assert_eq!(code(&["--fail-on", "warning"]), Some(1));
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    let a = only_a.to_str().unwrap();
    // worker-a (critical) is known; worker-b (warning) is not.
    assert_eq!(code(&["--fail-on", "critical", "--known-issues", a]), Some(0));
    assert_eq!(code(&["--fail-on", "warning", "--known-issues", a]), Some(1));
    // Every finding at warning or above is known (worker-c is info).
    assert_eq!(
        code(&["--fail-on", "warning", "--known-issues", workers.to_str().unwrap()]),
        Some(0)
    );
}

#[test]
fn known_issues_come_from_postmortem_toml_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("postmortem.toml"),
        "[thresholds]\nprobe_kills = 3\n\n[[known]]\nid = \"version-*\"\nreason = \"fleet upgrade in progress\"\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "-q", "--format", "json", "--fail-on", "warning", &skew()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["known"]["reason"] == "fleet upgrade in progress" && f["known"]["link"].is_null()));
}

#[test]
fn mistaken_entries_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let typo = known_file(dir.path(), "typo.toml", &[("version-skwe", None, "x", None)]);
    let o = run(&["analyze", "-q", &skew(), "--known-issues", typo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("typo.toml") && stderr(&o).contains("version-skwe"),
        "{}",
        stderr(&o)
    );
    let missing = dir.path().join("missing.toml");
    let o = run(&["analyze", "-q", &skew(), "--known-issues", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_does_not_fail_on_a_known_finding_expected_json_does_not_list() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("skew");
    copy_dir(&corpus("version-skew"), &bundle);
    // expected.json forgets worker-a's finding.
    let file = bundle.join("expected.json");
    let mut expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    expected["findings"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["subjects"][0] != "node/worker-a");
    std::fs::write(&file, serde_json::to_string_pretty(&expected).unwrap()).unwrap();
    let b = bundle.to_str().unwrap();

    let o = run(&["check", b]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("unexpected finding version-skew [node/worker-a]"),
        "{text}"
    );

    let known_dir = tempfile::tempdir().unwrap();
    let k = known_file(
        known_dir.path(),
        "known.toml",
        &[("version-skew", Some("node/worker-a"), "upgrade", None)],
    );
    let o = run(&["check", b, "--known-issues", k.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(text.contains("pass  skew (3 findings, 1 known,"), "{text}");

    // A known finding that expected.json does list is still compared: a wrong number fails.
    let all = known_file(known_dir.path(), "all.toml", &[("version-skew", None, "upgrade", None)]);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"minor_skew\": 4", "\"minor_skew\": 5")).unwrap();
    let o = run(&["check", b, "--known-issues", all.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("measured minor_skew: expected 5, found 4"), "{out}");

    // --bless does not write the known finding into expected.json.
    let o = run(&["check", b, "--bless", "--known-issues", all.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let blessed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let subjects: Vec<&str> = blessed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subjects"][0].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["node/worker-b", "node/worker-c"], "{blessed}");
    let o = run(&["check", b, "--known-issues", all.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
}
