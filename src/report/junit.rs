//! JUnit XML, for CI systems: `analyze --format junit` (one test case per pattern id) and the XML escaping
//! `postmortem check --junit` shares.
//!
//! For `analyze`, the suite has one test case per pattern the detectors know ([`crate::detect::PATTERNS`]):
//! a finding at warning or above that is not a known issue is a failure (its title, explanation and evidence);
//! a pattern the bundle lacks the inputs for is skipped (with what is missing); otherwise the case passes,
//! and its info findings and known issues are listed in `system-out`.

use crate::detect::PATTERNS;
use crate::model::{format_time, Analysis, Finding};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escapes text for XML content and attributes; control characters XML 1.0 cannot hold become U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether a finding fails the JUnit report (and `--fail-on warning`): at warning or above and not known.
fn fails(f: &Finding) -> bool {
    f.known.is_none() && matches!(f.severity.as_str(), "warning" | "critical")
}

/// A finding in plain text: title, window, subjects, explanation, evidence.
fn describe(f: &Finding, out: &mut String) {
    let _ = writeln!(out, "{} {}: {}", f.severity.to_uppercase(), f.id, f.title);
    if let Some(k) = &f.known {
        let _ = writeln!(
            out,
            "known issue: {}{}",
            k.reason,
            k.link.as_deref().map(|l| format!(" ({l})")).unwrap_or_default()
        );
    }
    let window = |t: Option<i64>| t.map(format_time).unwrap_or_else(|| "?".into());
    let _ = writeln!(out, "window: {} .. {}", window(f.start), window(f.end));
    if !f.subjects.is_empty() {
        let _ = writeln!(out, "subjects: {}", f.subjects.join(", "));
    }
    if !f.caused_by.is_empty() {
        let _ = writeln!(out, "caused by: {}", f.caused_by.join(", "));
    }
    let _ = writeln!(out, "{}", f.explanation);
    if !f.remediation.is_empty() {
        let _ = writeln!(out, "remediation: {}", f.remediation);
    }
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "evidence:");
        for e in &f.evidence {
            let _ = writeln!(out, "  {}:{}", e.path, e.line);
        }
    }
}

/// Writes the analysis as a JUnit test suite, one test case per pattern id.
pub fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    // Every id the detectors know, then any other id a finding carries (none today), in a stable order.
    let mut ids: Vec<&str> = PATTERNS.to_vec();
    for f in &a.findings {
        if !ids.contains(&f.id.as_str()) {
            ids.push(&f.id);
        }
    }
    let mut cases = String::new();
    let (mut failures, mut skipped) = (0, 0);
    for id in &ids {
        let of_id: Vec<&Finding> = a.findings.iter().filter(|f| f.id == *id).collect();
        let failing: Vec<&Finding> = of_id.iter().copied().filter(|f| fails(f)).collect();
        let missing = a.not_evaluated.iter().find(|n| n.id == *id);
        let _ = write!(
            cases,
            "    <testcase classname=\"postmortem.analyze\" name=\"{}\" time=\"0\"",
            xml_escape(id)
        );
        if !failing.is_empty() {
            failures += 1;
            let mut text = String::new();
            for f in &failing {
                describe(f, &mut text);
                text.push('\n');
            }
            let severity = if failing.iter().any(|f| f.severity == "critical") {
                "critical"
            } else {
                "warning"
            };
            let message = if failing.len() == 1 {
                failing[0].title.clone()
            } else {
                format!("{} findings: {}", failing.len(), failing[0].title)
            };
            let _ = write!(
                cases,
                ">\n      <failure message=\"{}\" type=\"{severity}\">{}</failure>",
                xml_escape(&message),
                xml_escape(text.trim_end())
            );
        } else if let (Some(n), true) = (missing, of_id.is_empty()) {
            skipped += 1;
            let _ = write!(
                cases,
                ">\n      <skipped message=\"not evaluated: {}\"/>",
                xml_escape(&n.missing)
            );
        } else if of_id.is_empty() {
            cases.push_str("/>\n");
            continue;
        } else {
            cases.push('>');
        }
        // Findings that do not fail (info, known issues) stay visible.
        let quiet: Vec<&Finding> = of_id.iter().copied().filter(|f| !fails(f)).collect();
        if !quiet.is_empty() {
            let mut text = String::new();
            for f in &quiet {
                describe(f, &mut text);
                text.push('\n');
            }
            let _ = write!(
                cases,
                "\n      <system-out>{}</system-out>",
                xml_escape(text.trim_end())
            );
        }
        cases.push_str("\n    </testcase>\n");
    }
    let tests = ids.len();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"postmortem analyze\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" \
         skipped=\"{skipped}\" time=\"0\">"
    )?;
    out.write_all(cases.as_bytes())?;
    writeln!(out, "  </testsuite>\n</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::NotEvaluated;
    use crate::model::{KnownMark, SourceRef, Totals, VERSION};

    fn finding(id: &str, severity: &str, title: &str) -> Finding {
        Finding {
            id: id.into(),
            severity: severity.into(),
            title: title.into(),
            start: Some(1_700_000_000_000_000_000),
            end: None,
            subjects: vec!["node/n1".into()],
            measured: serde_json::Map::new(),
            evidence: vec![SourceRef {
                path: "n1/kubelet.log".into(),
                line: 42,
            }],
            explanation: "because <reasons> & \u{1b}[31mmore".into(),
            remediation: "fix it".into(),
            caused_by: Vec::new(),
            known: None,
        }
    }

    #[test]
    fn one_case_per_pattern_failures_skips_and_known() {
        let mut known = finding("version-skew", "critical", "skew");
        known.known = Some(KnownMark {
            reason: "upgrade planned".into(),
            link: Some("https://t/9".into()),
        });
        let a = Analysis {
            version: VERSION,
            inputs: Vec::new(),
            timeline: Vec::new(),
            findings: vec![
                finding("oom-kill", "critical", "OOM \"kills\" on n1"),
                finding("oom-kill", "warning", "second"),
                finding("crash-loop", "info", "restarts"),
                known,
            ],
            not_evaluated: vec![NotEvaluated {
                id: "etcd-slow",
                missing: "no etcd log".into(),
            }],
            state: Default::default(),
            node_periods: Vec::new(),
            totals: Totals::default(),
        };
        let mut buf = Vec::new();
        render(&a, &mut buf).unwrap();
        let x = String::from_utf8(buf).unwrap();
        let doc = roxmltree::Document::parse(&x).unwrap_or_else(|e| panic!("{e}\n{x}"));
        let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
        assert_eq!(suite.attribute("tests"), Some(PATTERNS.len().to_string().as_str()));
        assert_eq!(suite.attribute("failures"), Some("1"));
        assert_eq!(suite.attribute("skipped"), Some("1"));
        let case = |id: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(id))
                .unwrap_or_else(|| panic!("no case {id}"))
        };
        let oom = case("oom-kill");
        let failure = oom.children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("2 findings: OOM \"kills\" on n1"));
        assert_eq!(failure.attribute("type"), Some("critical"));
        let text = failure.text().unwrap();
        assert!(text.contains("because <reasons> &"), "{text}");
        assert!(text.contains("n1/kubelet.log:42"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        let etcd = case("etcd-slow");
        let skip = etcd.children().find(|n| n.has_tag_name("skipped")).unwrap();
        assert_eq!(skip.attribute("message"), Some("not evaluated: no etcd log"));
        let skew = case("version-skew");
        assert!(skew.children().all(|n| !n.has_tag_name("failure")));
        let out = skew.children().find(|n| n.has_tag_name("system-out")).unwrap();
        assert!(out
            .text()
            .unwrap()
            .contains("known issue: upgrade planned (https://t/9)"));
        let crash = case("crash-loop");
        assert!(crash.children().all(|n| !n.has_tag_name("failure")));
        assert!(case("webhook-timeout").children().next().is_none());
    }

    #[test]
    fn escaping() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'\u{7}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;\u{FFFD}"
        );
    }
}
