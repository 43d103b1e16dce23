//! `postmortem check`: replays incident bundles against their expected findings, as CI does.
//!
//! A bundle is a folder holding its logs and an `expected.json` ([`crate::check::Expected`]). Each is analyzed
//! with the settings given, its findings compared, and the verdict reported one line per bundle; `--bless`
//! rewrites the expected findings from what is found now (keeping the bundle's `about`, tolerance and near
//! misses), and a JUnit XML report can be written for CI systems.

use crate::analysis::{self, Options};
use crate::check::{self, Expected, ExpectedFinding};
use crate::ingest::EXPECTED_FILE;
use crate::known::KnownIssue;
use crate::report::junit::xml_escape;
use std::path::{Path, PathBuf};

/// The verdict on one bundle.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// Bundle name (its folder name).
    pub name: String,
    /// Bundle folder.
    pub path: PathBuf,
    /// Differences from the expected findings; empty when the bundle passes.
    pub diffs: Vec<String>,
    /// Findings found.
    pub found: usize,
    /// Findings marked known (counted in `found`); a known finding `expected.json` does not list is not a
    /// difference.
    pub known: usize,
    /// Seconds the analysis took.
    pub seconds: f64,
    /// The expected file was rewritten (`--bless`).
    pub blessed: bool,
}

impl Verdict {
    /// Whether the bundle found exactly what it expects.
    pub fn passed(&self) -> bool {
        self.diffs.is_empty()
    }
}

/// The bundles under `dir`: `dir` itself when it holds an expected file, else its sub-folders that do,
/// sorted by name.
pub fn bundles(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join(EXPECTED_FILE).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let listing = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(EXPECTED_FILE).is_file())
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(format!("{}: no bundle with an {EXPECTED_FILE} in it", dir.display()));
    }
    Ok(out)
}

/// Analyzes one bundle with `base` options (inputs replaced by the bundle), marks the findings `known` covers,
/// and compares; with `bless`, the expected file is rewritten from the findings when they differ.
///
/// A known finding that no expected entry could be (same id, expected subjects included) is left out of the
/// comparison — it neither fails the bundle nor is blessed into its file; one that `expected.json` lists is
/// compared as any other.
pub fn replay(bundle: &Path, base: &Options, known: &[KnownIssue], bless: bool) -> Verdict {
    let name = bundle
        .file_name()
        .map_or_else(|| bundle.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut v = Verdict {
        name,
        path: bundle.to_path_buf(),
        diffs: Vec::new(),
        found: 0,
        known: 0,
        seconds: 0.0,
        blessed: false,
    };
    let file = bundle.join(EXPECTED_FILE);
    let expected: Expected = match std::fs::read_to_string(&file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => {
            v.diffs.push(format!("{}: {e}", file.display()));
            return v;
        }
    };
    let opts = Options {
        inputs: vec![bundle.to_path_buf()],
        ..base.clone()
    };
    let started = std::time::Instant::now();
    let mut analysis = match analysis::analyze(&opts) {
        Ok(a) => a,
        Err(e) => {
            v.diffs.push(e.to_string());
            return v;
        }
    };
    v.seconds = started.elapsed().as_secs_f64();
    v.found = analysis.findings.len();
    v.known = crate::known::mark(&mut analysis.findings, known);
    let compared: Vec<&crate::model::Finding> = analysis
        .findings
        .iter()
        .filter(|f| {
            f.known.is_none()
                || expected
                    .findings
                    .iter()
                    .any(|e| e.id == f.id && e.subjects.iter().all(|s| f.subjects.contains(s)))
        })
        .collect();
    let observed: Vec<check::Observed> = match serde_json::to_value(&compared).and_then(serde_json::from_value) {
        Ok(o) => o,
        Err(e) => {
            v.diffs.push(format!("findings do not serialize: {e}"));
            return v;
        }
    };
    v.diffs = check::compare(&expected, &observed);
    if bless && !v.diffs.is_empty() {
        let blessed = blessed(expected, &observed);
        match serde_json::to_string_pretty(&blessed) {
            Ok(text) => match std::fs::write(&file, text + "\n") {
                Ok(()) => v.blessed = true,
                Err(e) => v.diffs.push(format!("cannot write {}: {e}", file.display())),
            },
            Err(e) => v.diffs.push(format!("cannot serialize: {e}")),
        }
    }
    v
}

/// The expected file that the observed findings satisfy: `about`, tolerance and near misses are kept (a near
/// miss now reported is dropped, and the finding takes its place, for the reviewer of the change to see).
fn blessed(old: Expected, observed: &[check::Observed]) -> Expected {
    let findings = observed
        .iter()
        .map(|o| ExpectedFinding {
            id: o.id.clone(),
            severity: Some(o.severity.clone()),
            subjects: o.subjects.clone(),
            start: o.start.clone(),
            end: o.end.clone(),
            measured: o
                .measured
                .iter()
                .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
                .collect(),
            caused_by: Some(o.caused_by.clone()),
        })
        .collect();
    let absent = old
        .absent
        .into_iter()
        .filter(|a| !observed.iter().any(|o| o.id == a.id && o.subjects.contains(&a.subject)))
        .collect();
    Expected {
        findings,
        absent,
        ..old
    }
}

/// JUnit XML for the verdicts (one test case per bundle, the differences as the failure text).
pub fn junit(verdicts: &[Verdict]) -> String {
    let failures = verdicts.iter().filter(|v| !v.passed()).count();
    let total: f64 = verdicts.iter().map(|v| v.seconds).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n  <testsuite name=\"postmortem check\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n",
        verdicts.len(),
        verdicts.len()
    ));
    for v in verdicts {
        x.push_str(&format!(
            "    <testcase classname=\"corpus\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(&v.name),
            v.seconds
        ));
        if v.passed() {
            x.push_str("/>\n");
        } else {
            x.push_str(&format!(
                ">\n      <failure message=\"{} difference(s)\">{}</failure>\n    </testcase>\n",
                v.diffs.len(),
                xml_escape(&v.diffs.join("\n"))
            ));
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_names_each_bundle_and_escapes_the_differences() {
        let v = [
            Verdict {
                name: "etcd-probe-loop".into(),
                path: PathBuf::from("corpus/etcd-probe-loop"),
                diffs: vec![],
                found: 2,
                known: 0,
                seconds: 0.25,
                blessed: false,
            },
            Verdict {
                name: "a<b".into(),
                path: PathBuf::from("corpus/a<b"),
                diffs: vec!["measured lag_s: expected 300, found 240 & \"more\"\u{1b}".into()],
                found: 1,
                known: 0,
                seconds: 0.5,
                blessed: false,
            },
        ];
        let x = junit(&v);
        assert!(
            x.contains("<testsuites tests=\"2\" failures=\"1\" time=\"0.750\">"),
            "{x}"
        );
        assert!(
            x.contains("<testcase classname=\"corpus\" name=\"etcd-probe-loop\" time=\"0.250\"/>"),
            "{x}"
        );
        assert!(x.contains("name=\"a&lt;b\""), "{x}");
        assert!(x.contains("found 240 &amp; &quot;more&quot;\u{FFFD}</failure>"), "{x}");
    }

    #[test]
    fn blessing_keeps_the_bundle_notes_and_drops_reported_near_misses() {
        let old: Expected = serde_json::from_str(
            r#"{"about":"a","tolerance_s":5,"findings":[],"absent":[
                {"id":"oom-kill","subject":"node/n1","why":"x"},{"id":"oom-kill","subject":"node/n2","why":"y"}]}"#,
        )
        .unwrap();
        let observed: Vec<check::Observed> = serde_json::from_str(
            r#"[{"id":"oom-kill","subjects":["node/n1"],"start":"2024-01-01T00:00:00Z","end":null,
                "measured":{"count":2,"process":"java"},"caused_by":[]}]"#,
        )
        .unwrap();
        let e = blessed(old, &observed);
        assert_eq!((e.about.as_str(), e.tolerance_s), ("a", 5.0));
        assert_eq!(e.absent.len(), 1);
        assert_eq!(e.absent[0].subject, "node/n2");
        assert_eq!(e.findings[0].measured.get("count"), Some(&2.0));
        assert!(!e.findings[0].measured.contains_key("process"));
        assert!(check::compare(&e, &observed).is_empty());
    }
}
