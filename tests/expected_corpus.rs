//! Every corpus bundle replayed against its `expected.json`: the binary runs on the bundle, and the findings
//! must be exactly the expected ones (ids, subjects, windows, key numbers, causes) with no near miss reported.

use postmortem::check::{compare, observed_findings, Expected};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bundles() -> Vec<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn replay(bundle: &Path) -> Result<(), String> {
    let file = bundle.join("expected.json");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let expected: Expected = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--format", "json", "--quiet"])
        .arg(bundle)
        .output()
        .expect("binary runs");
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("report: {e}"))?;
    let diffs = compare(&expected, &observed_findings(&report)?);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n    "))
    }
}

#[test]
fn every_bundle_has_an_expected_file() {
    let missing: Vec<String> = bundles()
        .iter()
        .filter(|b| !b.join("expected.json").is_file())
        .map(|b| b.display().to_string())
        .collect();
    assert!(missing.is_empty(), "bundles without expected.json: {missing:?}");
}

#[test]
fn every_bundle_finds_what_it_expects() {
    let failures: Vec<String> = bundles()
        .iter()
        .filter(|b| b.join("expected.json").is_file())
        .filter_map(|b| {
            replay(b)
                .err()
                .map(|e| format!("{}:\n    {e}", b.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expected_file_is_not_an_input() {
    // The expectations sit in the bundle folder; the analysis lists them as skipped, never parses them.
    let bundle = bundles()
        .into_iter()
        .find(|b| b.join("expected.json").is_file())
        .expect("a bundle");
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--format", "json", "--quiet"])
        .arg(&bundle)
        .output()
        .expect("binary runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let input = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "expected.json")
        .expect("expected.json listed");
    assert_eq!(input["format"], "expected");
    assert_eq!(input["lines"], 0);
}
