//! Helpers shared by the integration tests.

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A bundle of `corpus/`.
#[allow(dead_code)]
pub fn corpus(bundle: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle)
}

/// Copies a folder tree (a corpus bundle into a temporary folder a test may change).
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `postmortem analyze --format json --quiet ARGS…`: the report, after checking the run succeeded.
#[allow(dead_code)]
pub fn analyze_json<S: AsRef<OsStr>>(args: &[S]) -> Value {
    analyze_json_output(args).0
}

/// [`analyze_json`] with the process output (for its standard error); the run must succeed without a panic.
#[allow(dead_code)]
pub fn analyze_json_output<S: AsRef<OsStr>>(args: &[S]) -> (Value, Output) {
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--format", "json", "--quiet"])
        .args(args)
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(out.status.success(), "exit {:?}, stderr: {err}", out.status);
    (serde_json::from_slice(&out.stdout).expect("valid JSON"), out)
}

/// The input of the report with this path.
#[allow(dead_code)]
pub fn input<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no input {path} in {:#}", v["inputs"]))
}
