//! `postmortem check`: bundles replayed against their expected findings, a wrong expectation reported with a
//! readable difference, `--bless` rewriting it, and JUnit XML for CI.

mod common;
use common::{copy_dir, corpus};

use std::path::Path;
use std::process::{Command, Output};

fn check(args: &[&str]) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .arg("check")
        .args(args)
        .output()
        .expect("binary runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, text)
}

#[test]
fn the_corpus_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (out, text) = check(&[dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("pass  etcd-probe-loop ("), "{text}");
    assert!(text.lines().last().unwrap().ends_with("0 failed"), "{text}");
}

#[test]
fn a_wrong_expectation_fails_readably_and_bless_fixes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("disk");
    copy_dir(&corpus("disk-pressure-image-gc"), &bundle);
    let file = bundle.join("expected.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"evicted\": 3", "\"evicted\": 4")).unwrap();

    // The JUnit file goes beside the corpus: nothing is written inside what is replayed (but `--bless`).
    let reports = tempfile::tempdir().unwrap();
    let junit = reports.path().join("junit.xml");
    let (out, text) = check(&[tmp.path().to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  disk"), "{text}");
    assert!(text.contains("measured evicted: expected 4, found 3"), "{text}");
    assert!(text.lines().last().unwrap().ends_with("1 failed"), "{text}");

    // The JUnit report is well-formed XML with one failing case carrying the difference.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("failures"), Some("1"));
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a test case");
    assert_eq!(case.attribute("name"), Some("disk"));
    let failure = case.children().find(|n| n.has_tag_name("failure")).expect("a failure");
    assert!(failure.text().unwrap().contains("expected 4, found 3"));

    let (out, text) = check(&[bundle.to_str().unwrap(), "--bless"]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("bless disk"), "{text}");
    let (out, text) = check(&[bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Blessing kept what a person wrote: the story and the near misses.
    let blessed = std::fs::read_to_string(&file).unwrap();
    assert!(blessed.contains("stopped containers hold the images") && blessed.contains("node/worker-1"));
}

#[test]
fn junit_inside_the_corpus_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus("etcd-probe-loop"), &tmp.path().join("etcd"));
    let junit = tmp.path().join("junit.xml");
    let (out, _) = check(&[tmp.path().to_str().unwrap(), "--junit", junit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!junit.exists());
}

#[test]
fn a_folder_without_bundles_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = check(&[tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no bundle with an expected.json"));
}
