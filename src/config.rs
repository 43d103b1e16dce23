//! `postmortem.toml`: the thresholds the detectors use, when the defaults do not fit a cluster.
//!
//! ```toml
//! [thresholds]
//! job_pod_lag_s = 120      # a Job's first Pod later than this is late
//! probe_kills = 5          # liveness kills of one container that make a loop
//! ```
//!
//! The file is `--config FILE`, else `postmortem.toml` in the current folder when there is one (never one
//! inside the analyzed bundle: that holds the incident's files, not the analyst's settings). `--threshold
//! name=value` flags apply last. `[[known]]` tables list known issues ([`crate::known`]). Unknown names and wrong types are refused with the file and the name.

use crate::detect::Thresholds;
use crate::known::KnownIssue;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file read when no `--config` is given, looked up in the current folder.
pub const DEFAULT_FILE: &str = "postmortem.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    known: Vec<KnownIssue>,
}

/// Settings decided from the config file and the flags.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Thresholds for the detectors.
    pub thresholds: Thresholds,
    /// Known issues (`[[known]]` tables, see [`crate::known`]).
    pub known: Vec<KnownIssue>,
    /// The config file read, if any.
    pub file: Option<PathBuf>,
}

/// Reads `explicit` (an error when it cannot be read), else [`DEFAULT_FILE`] from `cwd` when present, then
/// applies the `name=value` overrides.
pub fn load(explicit: Option<&Path>, cwd: &Path, overrides: &[String]) -> Result<Settings, String> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Some(cwd.join(DEFAULT_FILE)).filter(|p| p.is_file()),
    };
    let mut settings = Settings::default();
    if let Some(p) = &path {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let file: File = toml::from_str(&text).map_err(|e| format!("{}: {}", p.display(), e.message()))?;
        crate::known::validate(&file.known).map_err(|e| format!("{}: {e}", p.display()))?;
        settings.thresholds = file.thresholds;
        settings.known = file.known;
        settings.file = path;
    }
    for o in overrides {
        settings.thresholds = apply(&settings.thresholds, o)?;
    }
    Ok(settings)
}

/// One `name=value` override, checked like the file (known name, right type).
fn apply(t: &Thresholds, assignment: &str) -> Result<Thresholds, String> {
    let (name, value) = assignment
        .split_once('=')
        .ok_or_else(|| format!("--threshold {assignment}: expected name=value"))?;
    let (name, value) = (name.trim(), value.trim());
    let mut table = match serde_json::to_value(t) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => return Err("thresholds do not serialize".into()),
    };
    if !table.contains_key(name) {
        let known: Vec<&String> = table.keys().collect();
        return Err(format!("--threshold {name}: unknown threshold (known: {known:?})"));
    }
    let number: f64 = value
        .parse()
        .map_err(|_| format!("--threshold {name}={value}: not a number"))?;
    // Counts are whole numbers; durations may have fractions: the type decides, as in the file.
    let v = if number.fract() == 0.0 && number >= 0.0 {
        serde_json::json!(number as u64)
    } else {
        serde_json::json!(number)
    };
    table.insert(name.to_string(), v);
    serde_json::from_value(serde_json::Value::Object(table)).map_err(|e| format!("--threshold {name}={value}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(DEFAULT_FILE),
            "[thresholds]\njob_pod_lag_s = 120\nprobe_kills = 5\n",
        )
        .unwrap();
        let s = load(None, dir.path(), &["probe_kills=4".into(), "job_pod_lag_s=90.5".into()]).unwrap();
        assert_eq!(s.thresholds.probe_kills, 4);
        assert_eq!(s.thresholds.job_pod_lag_s, 90.5);
        assert_eq!(s.file.as_deref(), Some(dir.path().join(DEFAULT_FILE).as_path()));
        // Untouched names keep their defaults.
        assert_eq!(s.thresholds.webhook_failures, Thresholds::default().webhook_failures);
    }

    #[test]
    fn no_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let s = load(None, dir.path(), &[]).unwrap();
        assert_eq!(s.thresholds.probe_kills, Thresholds::default().probe_kills);
        assert!(s.file.is_none());
    }

    #[test]
    fn known_issues_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pm.toml");
        std::fs::write(
            &f,
            "[[known]]\nid = \"oom-kill\"\nsubject = \"node/w-*\"\nreason = \"batch\"\nlink = \"https://t/1\"\n",
        )
        .unwrap();
        let s = load(Some(&f), dir.path(), &[]).unwrap();
        assert_eq!(s.known.len(), 1);
        assert_eq!(s.known[0].subject.as_deref(), Some("node/w-*"));
        std::fs::write(&f, "[[known]]\nid = \"oom-kil\"\nreason = \"x\"\n").unwrap();
        let e = load(Some(&f), dir.path(), &[]).unwrap_err();
        assert!(e.contains("pm.toml") && e.contains("oom-kil"), "{e}");
        std::fs::write(&f, "[[known]]\nid = \"oom-kill\"\nreason = \"x\"\nticket = 3\n").unwrap();
        assert!(load(Some(&f), dir.path(), &[]).is_err());
    }

    #[test]
    fn mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pm.toml");
        std::fs::write(&f, "[thresholds]\nprobe_kils = 5\n").unwrap();
        let e = load(Some(&f), dir.path(), &[]).unwrap_err();
        assert!(e.contains("pm.toml") && e.contains("probe_kils"), "{e}");
        std::fs::write(&f, "[thresholds]\nprobe_kills = \"five\"\n").unwrap();
        assert!(load(Some(&f), dir.path(), &[]).is_err());
        let e = load(None, dir.path(), &["probe_kills".into()]).unwrap_err();
        assert!(e.contains("name=value"), "{e}");
        let e = load(None, dir.path(), &["nope=1".into()]).unwrap_err();
        assert!(e.contains("unknown threshold"), "{e}");
        let e = load(None, dir.path(), &["probe_kills=2.5".into()]).unwrap_err();
        assert!(e.contains("probe_kills=2.5"), "{e}");
        let e = load(Some(&dir.path().join("missing.toml")), dir.path(), &[]).unwrap_err();
        assert!(e.contains("missing.toml"), "{e}");
    }
}
