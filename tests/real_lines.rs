//! Real log lines pasted in public issue threads (tests/fixtures/real, cited in SOURCES.md there): every line of
//! every fixture must be recognised, each file must be sniffed as the expected format, and a few lines per file
//! must land on the timeline at the exact instant and severity the raw line says.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");

/// One fixture: file name, expected `format`, and `(line, at, severity)` of timeline rows (`at` is `None` when
/// the row cannot be placed in time).
struct Case {
    file: &'static str,
    format: &'static str,
    rows: &'static [(u64, Option<&'static str>, &'static str)],
}

/// Analyzes a copy of the fixture whose mtime is unset (the epoch), so yearless lines take `--year 2021`.
fn analyze(file: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(file);
    std::fs::copy(Path::new(FIXTURES).join(file), &dst).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&dst)
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH)
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args([
            "analyze",
            dst.to_str().unwrap(),
            "--format",
            "json",
            "--quiet",
            "--year",
            "2021",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(case: &Case) {
    let v = analyze(case.file);
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{}", case.file);
    let input = &inputs[0];
    assert_eq!(input["skipped"], 0, "{}: {:#}", case.file, input["problems"]);
    assert_eq!(input["format"], case.format, "{}", case.file);
    assert_eq!(input["lines"], input["parsed"], "{}", case.file);
    let rows = v["timeline"].as_array().unwrap();
    for &(line, at, severity) in case.rows {
        let row = rows
            .iter()
            .find(|r| r["source"]["line"] == line)
            .unwrap_or_else(|| panic!("{}:{line} is not on the timeline", case.file));
        let want_at = at.map_or(Value::Null, Value::from);
        assert_eq!(row["at"], want_at, "{}:{line}", case.file);
        assert_eq!(row["severity"], severity, "{}:{line}", case.file);
    }
}

const CASES: &[Case] = &[
    Case {
        file: "kubelet-journald.log",
        format: "journald-short>klog",
        rows: &[
            (4, Some("2021-04-27T20:19:42.878179Z"), "error"),
            (11, Some("2021-01-06T15:04:03.816753Z"), "error"),
            (16, Some("2021-03-26T02:31:00.164951Z"), "warning"),
            // The pastes are joined into one file and read as one journal: `Jan 07` (line 19) followed by
            // `Oct 05` (line 20) is a step back over New Year (a reversed journal), so the lines after it are
            // placed in 2020.
            // Unescaped quotes inside err="…", as pasted.
            (22, Some("2020-09-15T17:29:35.631091Z"), "error"),
            // Pager cut (`>`) inside a quoted value.
            (25, Some("2020-11-21T08:22:38.045350Z"), "error"),
            (26, Some("2020-10-29T13:16:48.471488Z"), "error"),
            // Localized month, no level marker, error word.
            (37, Some("2020-10-25T16:08:09Z"), "unknown"),
        ],
    },
    Case {
        file: "kubelet-journald-precise.log",
        format: "journald-short>klog",
        rows: &[
            (2, Some("2021-04-18T22:07:55.432195Z"), "error"),
            (4, Some("2021-04-17T03:45:04.402994Z"), "error"),
        ],
    },
    Case {
        file: "kubelet-syslog.log",
        format: "journald-short+klog+syslog",
        rows: &[
            // The file's own dated lines (containerd/dockerd `time="2020-05-08T…"`, lines 10-11) give the year,
            // ahead of --year.
            (1, Some("2020-01-19T22:05:08.823485Z"), "error"),
            (8, Some("2020-05-08T14:05:27Z"), "unknown"),
        ],
    },
    Case {
        file: "syslog-rfc3339.log",
        format: "journald-iso+klog",
        rows: &[
            (1, Some("2025-05-08T13:30:29.510256Z"), "error"),
            (2, Some("2025-05-08T13:30:29.512265Z"), "warning"),
        ],
    },
    Case {
        file: "control-plane-klog.log",
        format: "klog",
        rows: &[
            (4, Some("2021-09-19T19:15:20.985776Z"), "error"),
            (12, Some("2021-10-18T20:26:55.990775Z"), "warning"),
            (13, Some("2021-10-18T20:26:55.990926Z"), "error"),
            (15, Some("2021-04-24T17:56:43.733083Z"), "warning"),
        ],
    },
    Case {
        file: "minikube-logs.log",
        format: "klog",
        rows: &[],
    },
    Case {
        file: "cri.log",
        format: "cri+klog",
        rows: &[(2, Some("2022-06-06T06:01:46.817224179Z"), "error")],
    },
    Case {
        file: "kubectl-timestamps.log",
        format: "timestamped>klog",
        rows: &[(4, Some("2017-09-22T12:23:11.529715386Z"), "info")],
    },
    Case {
        file: "docker-json.log",
        format: "docker-json>klog",
        rows: &[(1, Some("2022-09-28T06:57:27.611357477Z"), "warning")],
    },
    Case {
        file: "containerd.log",
        format: "journald-short>logrus",
        rows: &[(1, Some("2025-03-14T08:35:11.251453246Z"), "error")],
    },
    Case {
        file: "containerd-bare.log",
        format: "logrus",
        rows: &[
            (1, Some("2022-09-14T03:32:29.075411930Z"), "error"),
            (6, Some("2016-09-12T19:12:23.900219800Z"), "warning"),
        ],
    },
    Case {
        file: "logrus-tty.log",
        format: "logrus",
        rows: &[(1, Some("2023-06-02T10:33:07.946865Z"), "error")],
    },
    Case {
        file: "dockerd.log",
        format: "journald-short>logrus",
        rows: &[
            (4, Some("2017-01-13T07:08:09.131532245Z"), "warning"),
            // No hostname between the time and `dockerd[pid]:`.
            (5, Some("2019-10-11T07:40:41.836770354Z"), "error"),
            (9, Some("2016-02-08T08:48:20.013128696Z"), "warning"),
            (11, Some("2016-11-17T16:56:15.516892558Z"), "error"),
        ],
    },
    Case {
        file: "dockerd-syslog.log",
        format: "syslog>logrus",
        rows: &[
            (1, Some("2017-03-02T13:53:07.478019885Z"), "error"),
            (2, Some("2017-01-09T10:38:10.837042399Z"), "warning"),
        ],
    },
    Case {
        file: "etcd-capnslog.log",
        format: "etcd-capnslog",
        rows: &[
            (1, Some("2018-10-11T08:36:19.724999Z"), "warning"),
            (6, Some("2020-10-20T12:15:22.088482Z"), "warning"),
            (9, Some("2017-11-27T09:35:10.230172Z"), "warning"),
        ],
    },
    Case {
        file: "etcd-journald-bare.log",
        format: "journald-short",
        rows: &[(3, Some("2021-08-17T12:26:22Z"), "unknown")],
    },
    Case {
        file: "etcd-zap.log",
        format: "zap-json",
        rows: &[
            (2, Some("2020-06-30T01:17:40.457Z"), "warning"),
            (4, Some("2021-01-07T04:16:46.416Z"), "warning"),
            (6, Some("2024-04-22T09:18:03.213763Z"), "warning"),
            (8, Some("2024-04-22T09:18:03.213850Z"), "warning"),
        ],
    },
    Case {
        file: "etcd-zap-journald.log",
        format: "journald-short>zap-json",
        rows: &[
            (1, Some("2024-01-10T07:55:33.433522Z"), "warning"),
            (3, Some("2021-02-16T15:02:03.410Z"), "warning"),
        ],
    },
    Case {
        file: "kernel-dmesg.log",
        format: "dmesg",
        // Seconds since boot with nothing to place them: on the timeline, time unknown.
        rows: &[(1, None, "unknown"), (8, None, "unknown")],
    },
    Case {
        file: "kernel-dmesg-T.log",
        format: "dmesg-ctime",
        rows: &[
            (1, Some("2017-12-06T23:54:11Z"), "unknown"),
            (9, Some("2017-12-07T00:05:15Z"), "unknown"),
            (14, Some("2020-05-14T23:17:24Z"), "unknown"),
        ],
    },
    Case {
        file: "kernel-syslog.log",
        format: "syslog+journald-short",
        rows: &[
            (5, Some("2021-04-04T09:59:22Z"), "unknown"),
            (12, Some("2021-05-15T23:09:30Z"), "unknown"),
        ],
    },
];

#[test]
fn every_real_line_is_recognised_and_placed() {
    for case in CASES {
        check(case);
    }
}

#[test]
fn every_fixture_file_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".log"))
        .collect();
    files.sort();
    let mut known: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    known.sort();
    assert_eq!(files, known);
}
