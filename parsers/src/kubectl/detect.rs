//! Whether a source is a kubectl dump, and which kind, from its first lines.
//!
//! Log files never start with an API object, a table header or `Name:`; the checks below look past what
//! people put above a dump (a shell prompt with the command, a `date` line, `#` comments, blank lines).

use super::{describe, events_table, get_table, table, DumpKind};

/// How many leading lines may precede the dump itself.
const PREAMBLE_LINES: usize = 8;

/// The dump kind of a source whose head is `head`, or `None` for log files.
pub fn detect(head: &[u8]) -> Option<DumpKind> {
    let text = String::from_utf8_lossy(&head[..head.len().min(64 * 1024)]);
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let mut skipped = 0;
    let first = loop {
        let l = lines.next()?;
        if is_preamble(l) && skipped < PREAMBLE_LINES {
            skipped += 1;
            continue;
        }
        break l;
    };
    let t = first.trim();
    if t == "{" || t == "[" || (t.starts_with('{') && t.contains("\"apiVersion\"") && t.contains("\"kind\"")) {
        return Some(if text.contains("==== START logs for container") {
            DumpKind::ClusterInfoStream
        } else {
            DumpKind::Json
        });
    }
    if is_yaml_start(t) {
        return Some(DumpKind::Yaml);
    }
    if events_table::is_header(first) {
        return Some(DumpKind::EventsTable);
    }
    if get_table::is_header(first) {
        return Some(DumpKind::GetTable);
    }
    if first.starts_with("Name:") && describe::looks_like(head) {
        return Some(DumpKind::Describe);
    }
    if is_event_row(first) {
        return Some(DumpKind::EventsTable);
    }
    None
}

/// A capture time written above the dump: a `date` line, or a comment holding a time
/// (`# taken at 2026-11-23T10:00:00Z`, `# Mon Nov 23 10:00:00 UTC 2026`).
pub fn written_capture_time(head: &[u8]) -> Option<super::TakenAt> {
    let text = String::from_utf8_lossy(&head[..head.len().min(64 * 1024)]);
    for (i, l) in text.lines().take(PREAMBLE_LINES + 1).enumerate() {
        let t = l.trim();
        if !is_preamble(t) {
            break;
        }
        if let Some(at) = date_line(t) {
            return Some(super::TakenAt {
                at,
                line: i as u64 + 1,
                why: "date line above the dump".into(),
            });
        }
        if let Some(c) = t.strip_prefix('#') {
            // The time is the comment's tail after its last `:`-free label (`taken at`, `captured:`, `date:`).
            let words: Vec<&str> = c.split_ascii_whitespace().collect();
            for start in 0..words.len() {
                if let Some(at) = date_line(&words[start..].join(" ")) {
                    return Some(super::TakenAt {
                        at,
                        line: i as u64 + 1,
                        why: "time in a header comment".into(),
                    });
                }
            }
        }
    }
    None
}

/// How many lines above the dump are preamble (prompt, command, `date` output, comments, blank lines).
pub fn preamble_lines(head: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(&head[..head.len().min(64 * 1024)]);
    text.lines().take(PREAMBLE_LINES).take_while(|l| is_preamble(l)).count() as u64
}

/// Lines people leave above a dump: the command and its prompt, `date` output, comments, blank lines.
fn is_preamble(l: &str) -> bool {
    let t = l.trim();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("$ ")
        || t.starts_with("% ")
        || t.starts_with("kubectl ")
        || t.contains("$ kubectl ")
        || t.contains("# kubectl ")
        || date_line(t).is_some()
}

/// `date` output (`Mon Nov 23 10:00:00 UTC 2026`) or an RFC 3339 / RFC 1123 time alone on a line: the time a
/// dump was taken (ns). `None` also when the zone is a name other than UTC/GMT (its offset is unknown).
pub fn date_line(t: &str) -> Option<i64> {
    super::age::parse_date_output(t.trim()).flatten()
}

fn is_yaml_start(t: &str) -> bool {
    t == "---"
        || t.starts_with("apiVersion: ")
        || t.starts_with("kind: ")
        || t == "items:"
        || t.starts_with("- apiVersion: ")
        || t.starts_with("- action: ")
        || t.starts_with("- involvedObject:")
}

/// A header-less events table row: `<age cell> Normal|Warning <Reason> <kind/name> ...`, possibly after a
/// namespace cell.
fn is_event_row(l: &str) -> bool {
    let cells = table::split_wide(l);
    let at = |i: usize| cells.get(i).copied().unwrap_or("");
    let typed = |i: usize| matches!(at(i), "Normal" | "Warning");
    let aged = |i: usize| super::age::parse_age_cell(at(i)).is_some();
    (aged(0) && typed(1) && at(3).contains('/')) || (aged(1) && typed(2) && at(4).contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_manifests() {
        assert_eq!(detect(b"{\n    \"kind\": \"EventList\",\n"), Some(DumpKind::Json));
        assert_eq!(
            detect(b"{\n    \"kind\": \"NodeList\",\n}\n==== START logs for container etcd of pod kube-system/etcd-m ====\n"),
            Some(DumpKind::ClusterInfoStream)
        );
        assert_eq!(detect(b"apiVersion: v1\nkind: Pod\n"), Some(DumpKind::Yaml));
        assert_eq!(detect(b"---\napiVersion: v1\n"), Some(DumpKind::Yaml));
        assert_eq!(
            detect(b"$ kubectl get events -o yaml\n- action: Binding\n  apiVersion: v1\n"),
            Some(DumpKind::Yaml)
        );
    }

    #[test]
    fn log_lines_are_not_dumps() {
        // zap JSON (formats.md 3), klog, journald
        assert_eq!(
            detect(br#"{"level":"warn","ts":"2023-03-13T16:02:43.934Z","msg":"slow fdatasync"}"#),
            None
        );
        assert_eq!(
            detect(b"I0313 16:02:43.934473    1234 kubelet.go:1778] \"SyncLoop ADD\" source=\"api\"\n"),
            None
        );
        assert_eq!(detect(b"Mar 13 16:02:43 node-1 kubelet[1234]: hello\n"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn date_lines_give_capture_times() {
        assert_eq!(
            date_line("Mon Nov 23 10:00:00 UTC 2026"),
            Some(1_795_428_000 * 1_000_000_000)
        );
        assert_eq!(
            date_line("Mon Nov 23 11:00:00 +0100 2026"),
            Some(1_795_428_000 * 1_000_000_000)
        );
        assert_eq!(date_line("2026-11-23T10:00:00Z"), Some(1_795_428_000 * 1_000_000_000));
        assert_eq!(date_line("Mon Nov 23 10:00:00 2026"), None);
    }

    #[test]
    fn capture_times_written_above_the_dump() {
        let t = written_capture_time(
            b"$ date\nMon Nov 23 10:00:00 UTC 2026\n$ kubectl get events -A\nNAMESPACE   LAST SEEN\n",
        )
        .unwrap();
        assert_eq!((t.at, t.line), (1_795_428_000 * 1_000_000_000, 2));
        let t = written_capture_time(b"# taken at 2026-11-23T10:00:00Z by oncall\nLAST SEEN   TYPE\n");
        assert_eq!(t, None, "trailing words after the time are not a time");
        let t = written_capture_time(b"# captured: 2026-11-23T10:00:00Z\nLAST SEEN   TYPE\n").unwrap();
        assert_eq!((t.at, t.line), (1_795_428_000 * 1_000_000_000, 1));
        assert_eq!(written_capture_time(b"LAST SEEN   TYPE\n8m   Normal\n"), None);
    }

    #[test]
    fn preamble_is_counted() {
        assert_eq!(
            preamble_lines(b"$ date -u\nMon Mar 13 10:08:00 UTC 2023\n$ kubectl describe pod x\nName: x\n"),
            3
        );
        assert_eq!(preamble_lines(b"Name: x\n"), 0);
    }

    #[test]
    fn headerless_event_paste() {
        // formats.md 7.1 (k3d, -A)
        assert_eq!(
            detect(b"default         46s         Warning   FreeDiskSpaceFailed              node/k3d-vyking-dev-server-0                             Failed to garbage collect required amount of images."),
            Some(DumpKind::EventsTable)
        );
    }
}
