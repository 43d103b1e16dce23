//! Known issues: findings a team already knows about, that must neither fail CI nor vanish from the report.
//!
//! Entries are `[[known]]` tables in `postmortem.toml` (or in a file given with `--known-issues FILE`):
//!
//! ```toml
//! [[known]]
//! id = "version-skew"                       # pattern id (a glob: `*` any run of characters, `?` one)
//! subject = "node/worker-*"                 # optional glob over the finding's subjects; none = any subject
//! reason = "workers upgraded in the March window"
//! link = "https://tracker.example/OPS-1234"  # optional
//! ```
//!
//! A finding is known when an entry's id matches its id and, when the entry has a subject, the subject
//! matches one of the finding's subjects; the first entry that matches marks it. A known finding keeps its
//! place in every report with the entry's reason and link (`"known": {"reason", "link"}` in JSON); `--fail-on`
//! does not count it, and `postmortem check` does not fail on it when `expected.json` does not list it.

use crate::detect::PATTERNS;
use crate::model::{Finding, KnownMark};
use serde::Deserialize;
use std::path::Path;

/// One known issue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownIssue {
    /// Pattern id, or a glob over pattern ids.
    pub id: String,
    /// Glob over the finding's subjects (`node/worker-*`, `pod/kube-system/etcd-*`); none matches any.
    #[serde(default)]
    pub subject: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Ticket or runbook.
    #[serde(default)]
    pub link: Option<String>,
}

impl KnownIssue {
    /// Whether this entry covers `f`.
    pub fn covers(&self, f: &Finding) -> bool {
        glob_match(&self.id, &f.id)
            && self
                .subject
                .as_deref()
                .is_none_or(|p| f.subjects.iter().any(|s| glob_match(p, s)))
    }
}

/// A known-issues file: `[[known]]` tables and nothing else.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    #[serde(default)]
    known: Vec<KnownIssue>,
}

/// Reads a known-issues file (`--known-issues FILE`); its entries are checked with [`validate`].
pub fn load(path: &Path) -> Result<Vec<KnownIssue>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: KnownFile = toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    validate(&file.known).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file.known)
}

/// Refuses entries that could never match (an id no pattern has, an empty subject) or say nothing (no
/// reason): a typo in a known-issues file must not silently leave a finding failing CI, nor mark everything.
pub fn validate(entries: &[KnownIssue]) -> Result<(), String> {
    for (i, k) in entries.iter().enumerate() {
        let which = format!("[[known]] #{} (id = {:?})", i + 1, k.id);
        if !PATTERNS.iter().any(|p| glob_match(&k.id, p)) {
            return Err(format!(
                "{which}: no pattern has this id (patterns: {})",
                PATTERNS.join(", ")
            ));
        }
        if k.subject.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(format!("{which}: empty subject (leave it out to match every subject)"));
        }
        if k.reason.trim().is_empty() {
            return Err(format!("{which}: a known issue needs a reason"));
        }
    }
    Ok(())
}

/// Marks the findings `entries` cover (the first matching entry gives the reason and link); returns how many
/// are known.
pub fn mark(findings: &mut [Finding], entries: &[KnownIssue]) -> usize {
    let mut n = 0;
    for f in findings.iter_mut() {
        f.known = entries.iter().find(|k| k.covers(f)).map(|k| KnownMark {
            reason: k.reason.clone(),
            link: k.link.clone(),
        });
        n += usize::from(f.known.is_some());
    }
    n
}

/// Glob match over the whole text: `*` matches any run of characters (`/` included), `?` one character,
/// everything else itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point (the last `*`): linear in practice, never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, subjects: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            severity: "warning".into(),
            title: "t".into(),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match("node/worker-*", "node/worker-3"));
        assert!(glob_match("*", ""));
        assert!(glob_match("pod/*/etcd-*:etcd", "pod/kube-system/etcd-master:etcd"));
        assert!(glob_match("node/n?", "node/n1"));
        assert!(!glob_match("node/n?", "node/n10"));
        assert!(!glob_match("node/worker-*", "node/master"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(glob_match("version-skew", "version-skew"));
        assert!(!glob_match("version-skew", "version-skew2"));
    }

    #[test]
    fn first_matching_entry_marks_and_subject_is_optional() {
        let entries = vec![
            KnownIssue {
                id: "oom-kill".into(),
                subject: Some("node/worker-*".into()),
                reason: "batch nodes".into(),
                link: Some("https://t/1".into()),
            },
            KnownIssue {
                id: "version-skew".into(),
                subject: None,
                reason: "upgrade pending".into(),
                link: None,
            },
        ];
        let mut fs = vec![
            finding("oom-kill", &["node/worker-2", "pod/a/b"]),
            finding("oom-kill", &["node/master"]),
            finding("version-skew", &["node/x"]),
        ];
        assert_eq!(mark(&mut fs, &entries), 2);
        assert_eq!(fs[0].known.as_ref().unwrap().link.as_deref(), Some("https://t/1"));
        assert!(fs[1].known.is_none());
        assert_eq!(fs[2].known.as_ref().unwrap().reason, "upgrade pending");
    }

    #[test]
    fn mistakes_are_refused() {
        let ok = KnownIssue {
            id: "etcd-*".into(),
            reason: "r".into(),
            ..Default::default()
        };
        assert!(validate(std::slice::from_ref(&ok)).is_ok());
        let typo = KnownIssue {
            id: "etcd-slwo".into(),
            ..ok.clone()
        };
        assert!(validate(&[typo]).unwrap_err().contains("no pattern"));
        let no_reason = KnownIssue {
            reason: " ".into(),
            ..ok.clone()
        };
        assert!(validate(&[no_reason]).unwrap_err().contains("reason"));
        let empty_subject = KnownIssue {
            subject: Some(String::new()),
            ..ok
        };
        assert!(validate(&[empty_subject]).unwrap_err().contains("subject"));
    }
}
