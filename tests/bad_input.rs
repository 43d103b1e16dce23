//! Bad input is normal input: binary files, damaged archives, odd bytes and links that lead nowhere are
//! reported in `inputs[].problems` (or, when nothing at all is readable, on stderr with exit 2), and the rest
//! is read. Never a panic, never a write inside the input.

mod common;
use common::input;
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Real lines (formats.md).
/// k8s#103765, klog inside journald `short`.
const JOURNALD_KUBELET: &str = "Jul 19 18:13:26 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s";
/// The same kubelet line as `journalctl -o cat` writes it (bare klog).
const KLOG_PLEG: &str = "E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s";
/// k8s#23007, kubectl 1.2.
const KLOG_THROTTLE: &str = "W0315 13:43:08.562657   29271 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname";
/// k8s#94362, static pod, pid 1.
const KLOG_INFO: &str = "I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s";
/// k8s#21248 (the head of a multi-line warning).
const KLOG_AWS: &str =
    "E0610 02:55:28.185750   64201 aws_credentials.go:77] while getting AWS credentials NoCredentialProviders: no valid providers in chain. Deprecated.";
/// k8s#61117, journald `short` around klog.
const JOURNALD_PLEG_61117: &str = "Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]";
/// kata-containers#2754, containerd logrus in journald.
const JOURNALD_CONTAINERD: &str = "Sep 28 14:33:11 node-1 containerd[39113]: time=\"2021-09-28T14:33:11.627332586Z\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>\"";
/// The ELF header of an x86-64 executable.
const ELF_HEAD: &[u8] = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00";
/// Seconds since the epoch of 2023-11-14T22:13:20Z (gzip and tar header mtimes).
const MTIME_2023: u32 = 1_700_000_000;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
}

/// Runs `postmortem analyze --quiet ARGS` and checks it did not panic.
fn run(args: &[&str]) -> Output {
    let out = bin()
        .args(["analyze", "--quiet"])
        .args(args)
        .output()
        .expect("binary runs");
    no_panic(&out);
    out
}

fn no_panic(out: &Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("internal error"), "internal error: {err}");
}

fn problems(i: &Value) -> Vec<&str> {
    i["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

fn rows(v: &Value) -> &Vec<Value> {
    v["timeline"].as_array().unwrap()
}

fn rows_from<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    rows(v).iter().filter(|r| r["source"]["path"] == path).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzBuilder::new()
        .mtime(MTIME_2023)
        .write(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A tar archive of `(path, bytes)` members.
fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(u64::from(MTIME_2023));
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// Takes away a file's modification time (sets it to the epoch, which postmortem ignores), so a yearless
/// source in it has no anchor and `--year` decides.
fn no_mtime(p: &Path) {
    let f = fs::File::options().write(true).open(p).unwrap();
    f.set_modified(std::time::UNIX_EPOCH).unwrap();
}

fn lines(ls: &[&str]) -> String {
    let mut out = ls.join("\n");
    out.push('\n');
    out
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// ---------------------------------------------------------------------------------------------------------

#[test]
fn elf_binary_alone_exits_2_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("kubelet");
    let mut bytes = ELF_HEAD.to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4000));
    bytes.extend_from_slice(KLOG_PLEG.as_bytes()); // text later in the binary does not make it a log
    fs::write(&f, bytes).unwrap();
    let out = run(&[s(&f)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing readable in the inputs"), "{err}");
    assert!(
        err.contains("kubelet: binary file (NUL or control bytes in its first 64 KiB): skipped"),
        "{err}"
    );
}

#[test]
fn binary_journal_and_elf_next_to_a_log() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut journal = b"LPKSHHRH\x00\x00\x00\x00\x01\x00\x00\x00".to_vec();
    journal.extend(std::iter::repeat_n(0u8, 240));
    fs::write(d.join("system.journal"), &journal).unwrap();
    fs::write(d.join("kubelet"), ELF_HEAD).unwrap();
    fs::write(d.join("kubelet.log"), lines(&[JOURNALD_KUBELET])).unwrap();
    let v = common::analyze_json(&[s(d)]);

    let j = input(&v, "system.journal");
    assert_eq!(j["format"], "binary");
    assert_eq!(j["lines"], 0);
    assert_eq!(j["bytes"], journal.len());
    assert_eq!(
        problems(j),
        ["binary systemd journal: export it first (journalctl --file FILE -o short-iso-precise > FILE.log)"]
    );
    let e = input(&v, "kubelet");
    assert_eq!(e["format"], "binary");
    assert_eq!(
        problems(e),
        ["binary file (NUL or control bytes in its first 64 KiB): skipped"]
    );
    assert_eq!(v["totals"]["skipped_sources"], 2);
    // Only the log is in the timeline.
    assert_eq!(rows(&v).len(), 1);
    assert_eq!(rows(&v)[0]["source"]["path"], "kubelet.log");
}

#[test]
fn binary_members_of_a_bundle_are_named_binary_with_their_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bundle.tar.gz");
    let journal = b"LPKSHHRH\x00\x00\x00\x01rest";
    let t = tar(&[
        ("node-1/kubelet.log", lines(&[JOURNALD_KUBELET]).as_bytes()),
        ("node-1/kubelet", ELF_HEAD),
        ("node-1/system.journal", journal),
    ]);
    fs::write(&f, gz(&t)).unwrap();
    let v = common::analyze_json(&[s(&f)]);
    let e = input(&v, "bundle.tar.gz!/node-1/kubelet");
    assert_eq!(e["format"], "binary");
    assert_eq!(e["bytes"], ELF_HEAD.len());
    let j = input(&v, "bundle.tar.gz!/node-1/system.journal");
    assert_eq!(j["format"], "binary");
    assert_eq!(j["bytes"], journal.len());
    assert!(problems(j)[0].starts_with("binary systemd journal"));
}

#[test]
fn invalid_utf8_in_a_kept_line_is_replaced_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("kubelet.log");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(KLOG_PLEG.as_bytes());
    bytes.push(b'\n');
    // The throttling line with a Latin-1 `é` and two stray bytes in its URL.
    bytes.extend_from_slice(
        b"W0315 13:43:08.562657   29271 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/d\xe9fault/\xff\xfe\n",
    );
    fs::write(&f, bytes).unwrap();
    let v = common::analyze_json(&[s(&f)]);
    let i = input(&v, "kubelet.log");
    assert_eq!(
        (i["lines"].as_u64(), i["parsed"].as_u64(), i["skipped"].as_u64()),
        (Some(2), Some(2), Some(0))
    );
    assert_eq!(problems(i), ["1 kept lines are not valid UTF-8 (shown with U+FFFD)"]);
    let bad = rows(&v)
        .iter()
        .find(|r| r["source"]["line"] == 2)
        .expect("row of line 2");
    assert_eq!(
        bad["message"],
        "Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/d\u{FFFD}fault/\u{FFFD}\u{FFFD}"
    );
    assert_eq!(bad["severity"], "warning");
    // The report is valid UTF-8 in every format.
    for f in ["md", "text"] {
        let out = run(&["--format", f, s(tmp.path())]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).expect("UTF-8 report");
        assert!(text.contains("d\u{FFFD}fault"), "{f}");
    }
}

#[test]
fn line_over_1_mib_is_reported_and_the_file_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // 2 MiB of detail after a real klog header; then a real line that must still be parsed.
    let giant = format!("{KLOG_AWS} {}", "x".repeat(2 << 20));
    let text = lines(&[KLOG_PLEG, &giant, KLOG_THROTTLE]);
    fs::write(d.join("kubelet.log"), &text).unwrap();
    // In a stream, a line longer than the 4 MiB read buffer.
    let huge = format!("{KLOG_AWS} {}", "x".repeat(5 << 20));
    let mut e = GzEncoder::new(Vec::new(), Compression::fast()); // header mtime 0: no anchor
    e.write_all(lines(&[KLOG_PLEG, &huge, KLOG_THROTTLE]).as_bytes())
        .unwrap();
    fs::write(d.join("kubelet.log.1.gz"), e.finish().unwrap()).unwrap();
    no_mtime(&d.join("kubelet.log"));
    no_mtime(&d.join("kubelet.log.1.gz"));
    let v = common::analyze_json(&["--year", "2016", s(d)]);
    for (path, len) in [("kubelet.log", giant.len()), ("kubelet.log.1.gz", huge.len())] {
        let i = input(&v, path);
        assert_eq!(i["lines"], 3, "{path}");
        assert_eq!(i["skipped"], 0, "{path}");
        assert_eq!(
            problems(i),
            [format!(
                "1 lines over 1 MiB (longest {len} bytes): only their first 64 KiB were parsed"
            )],
            "{path}"
        );
        let r = rows_from(&v, path);
        let giant_row = r.iter().find(|r| r["source"]["line"] == 2).expect("giant line row");
        assert!(giant_row["message"]
            .as_str()
            .unwrap()
            .starts_with("while getting AWS credentials NoCredentialProviders"));
        assert_eq!(giant_row["at"], "2016-06-10T02:55:28.185750Z");
        // The line after it is parsed.
        let after = r
            .iter()
            .find(|r| r["source"]["line"] == 3)
            .expect("line after the giant one");
        assert_eq!(after["severity"], "warning");
        assert_eq!(after["at"], "2016-03-15T13:43:08.562657Z");
    }
}

#[test]
fn empty_file_is_listed_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("kubelet.log"), lines(&[JOURNALD_KUBELET])).unwrap();
    fs::write(d.join("kube-proxy.log"), "").unwrap();
    // An empty file inside gzip is empty too.
    fs::write(d.join("kube-proxy.log.1.gz"), gz(b"")).unwrap();
    let v = common::analyze_json(&[s(d)]);
    for path in ["kube-proxy.log", "kube-proxy.log.1.gz"] {
        let i = input(&v, path);
        assert_eq!(problems(i), ["empty file"], "{path}");
        assert_eq!(i["format"], "empty", "{path}");
        assert_eq!(i["lines"], 0, "{path}");
    }
    assert_eq!(input(&v, "kubelet.log")["lines"], 1);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_and_the_rest_read() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("kubelet.log"), lines(&[JOURNALD_KUBELET])).unwrap();
    let secret = d.join("secret.log");
    fs::write(&secret, lines(&[KLOG_PLEG])).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(&secret).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop reads here.
        eprintln!("skipped: secret.log is still readable (running as root?)");
        return;
    }
    let v = common::analyze_json(&[s(d)]);
    let i = input(&v, "secret.log");
    assert_eq!(i["format"], "unreadable");
    assert_eq!(problems(i), ["permission denied"]);
    assert_eq!(input(&v, "kubelet.log")["lines"], 1);
    // Alone, it is nothing readable.
    let out = run(&[s(&secret)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secret.log: permission denied"));
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
}

#[cfg(unix)]
#[test]
fn broken_symlink_and_symlink_loops_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("logs")).unwrap();
    fs::write(d.join("logs/kubelet.log"), lines(&[JOURNALD_KUBELET])).unwrap();
    symlink("../gone/kubelet.log", &d.join("logs/kubelet-current.log"));
    symlink("loop-b", &d.join("logs/loop-a"));
    symlink("loop-a", &d.join("logs/loop-b"));
    // A folder link back to its parent: a loop through folders.
    fs::create_dir(d.join("logs/sub")).unwrap();
    symlink("..", &d.join("logs/sub/up"));
    let v = common::analyze_json(&[s(&d.join("logs"))]);
    assert_eq!(
        problems(input(&v, "kubelet-current.log")),
        ["broken symlink -> ../gone/kubelet.log"]
    );
    assert_eq!(problems(input(&v, "loop-a")), ["symlink loop"]);
    assert_eq!(problems(input(&v, "loop-b")), ["symlink loop"]);
    assert_eq!(problems(input(&v, "sub/up")), ["symlink loop"]);
    assert_eq!(input(&v, "kubelet.log")["lines"], 1);
    assert_eq!(rows(&v).len(), 1);
    // A broken link given directly is a usage error (exit 2) that names it.
    let out = run(&[s(&d.join("logs/kubelet-current.log"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kubelet-current.log"));
}

#[test]
fn damaged_gzip_keeps_what_came_before_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // 1) A good member of 3 lines, then a member damaged right after its header.
    let good = lines(&[JOURNALD_KUBELET, JOURNALD_KUBELET, JOURNALD_KUBELET]);
    let mut two = gz(good.as_bytes());
    two.extend_from_slice(b"\x1f\x8b\x08\x00");
    two.extend(std::iter::repeat_n(0xdeu8, 64));
    fs::write(d.join("kubelet.log.1.gz"), &two).unwrap();
    // 2) Cut in the middle (a copy that stopped).
    let many: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                "E0719 18:{:02}:{:02}.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    let whole = gz(lines(&many.iter().map(String::as_str).collect::<Vec<_>>()).as_bytes());
    fs::write(d.join("kubelet.log.2.gz"), &whole[..whole.len() / 2]).unwrap();
    // 3) Damaged before its first byte: unreadable, not "empty".
    let mut dead = b"\x1f\x8b\x08\x00".to_vec();
    dead.extend(std::iter::repeat_n(0xdeu8, 64));
    fs::write(d.join("kubelet.log.3.gz"), &dead).unwrap();

    let v = common::analyze_json(&[s(d)]);
    let one = input(&v, "kubelet.log.1.gz");
    assert_eq!(one["lines"], 3);
    assert_eq!(one["bytes"], good.len());
    assert_eq!(one["format"], "journald-short>klog");
    let p = problems(one);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(&format!(
            "read error after {} bytes (what came before was read): corrupt gzip",
            good.len()
        )),
        "{p:?}"
    );
    let r = rows_from(&v, "kubelet.log.1.gz");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["count"], 3);
    // Year from the gzip header's mtime (2023).
    assert_eq!(r[0]["at"], "2023-07-19T18:13:26.969181Z");

    let cut = input(&v, "kubelet.log.2.gz");
    let p = problems(cut);
    assert!(p[0].starts_with("read error after "), "{p:?}");
    assert!(p[0].contains("(what came before was read): truncated gzip"), "{p:?}");
    let n = cut["lines"].as_u64().unwrap();
    assert!((500..2000).contains(&n), "{n} lines before the cut");
    // Only the line cut by the damage may fail to parse (and is then reported with its line number).
    assert!(cut["skipped"].as_u64().unwrap() <= 1);
    assert_eq!(p.len() as u64, 1 + cut["skipped"].as_u64().unwrap(), "{p:?}");
    if p.len() == 2 {
        assert!(
            p[1].starts_with(&format!("1 of {n} lines match no known format")),
            "{p:?}"
        );
        assert!(p[1].contains(&format!("line {n}: ")), "{p:?}");
    }
    assert_eq!(cut["first"], "2023-07-19T18:00:00.969181Z");

    let dead = input(&v, "kubelet.log.3.gz");
    assert_eq!(dead["format"], "unreadable");
    let p = problems(dead);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("read error after 0 bytes: corrupt gzip"), "{p:?}");
}

#[test]
fn damaged_tar_keeps_the_members_before_the_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let kubelet = lines(&[JOURNALD_KUBELET]);
    let containerd = lines(&[JOURNALD_CONTAINERD; 50]);
    let t = tar(&[
        ("node-1/kubelet.log", kubelet.as_bytes()),
        ("node-1/containerd.log", containerd.as_bytes()),
    ]);
    // Garbage in the second header's checksum field (header 1 at 0, its data at 512, header 2 at 1024).
    let mut bad = t.clone();
    bad[1024 + 148..1024 + 156].copy_from_slice(b"zzzzzzzz");
    fs::write(d.join("corrupt.tar"), &bad).unwrap();
    // Cut inside the second member's data.
    fs::write(d.join("cut.tar"), &t[..1024 + 512 + 300]).unwrap();

    let v = common::analyze_json(&[s(d)]);
    let c = input(&v, "corrupt.tar");
    assert_eq!(c["format"], "unreadable");
    let p = problems(c);
    assert!(
        p[0].starts_with("damaged tar archive, read stopped after 1 members (last: node-1/kubelet.log): "),
        "{p:?}"
    );
    assert_eq!(input(&v, "corrupt.tar!/node-1/kubelet.log")["lines"], 1);

    let cut = problems(input(&v, "cut.tar"));
    assert!(
        cut[0].starts_with("damaged tar archive, read stopped after 2 members (last: node-1/containerd.log)"),
        "{cut:?}"
    );
    let member = input(&v, "cut.tar!/node-1/containerd.log");
    assert_eq!(
        problems(member),
        [format!(
            "read error after 300 bytes (what came before was read): truncated archive: member ends after 300 of {} bytes",
            containerd.len()
        )]
    );
    assert_eq!(member["lines"], 2); // one whole line and the cut one
    assert_eq!(member["first"], "2021-09-28T14:33:11.627332586Z");
    assert_eq!(input(&v, "cut.tar!/node-1/kubelet.log")["lines"], 1);
}

#[test]
fn tar_gz_bundle_members_have_bang_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bundle.tar.gz");
    let t = tar(&[
        (
            "./node-1/kubelet.log",
            lines(&[JOURNALD_KUBELET.replace("node1", "node-1").as_str()]).as_bytes(),
        ),
        ("./node-1/containerd.log", lines(&[JOURNALD_CONTAINERD]).as_bytes()),
    ]);
    fs::write(&f, gz(&t)).unwrap();
    let v = common::analyze_json(&[s(&f)]);
    let paths: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "bundle.tar.gz!/node-1/containerd.log",
            "bundle.tar.gz!/node-1/kubelet.log"
        ]
    );
    let k = input(&v, "bundle.tar.gz!/node-1/kubelet.log");
    assert_eq!(k["format"], "journald-short>klog");
    assert_eq!(k["node"], "node-1");
    assert_eq!(k["component"], "kubelet");
    assert!(problems(k).is_empty());
    let sources: Vec<&str> = rows(&v).iter().map(|r| r["source"]["path"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "bundle.tar.gz!/node-1/containerd.log",
            "bundle.tar.gz!/node-1/kubelet.log"
        ]
    );
    // Markdown shows the same paths.
    let out = run(&[s(&f)]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("bundle.tar.gz!/node-1/kubelet.log"), "{md}");
}

#[test]
fn crlf_line_endings_are_read_like_lf() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let text = format!("{JOURNALD_PLEG_61117}\r\n{JOURNALD_KUBELET}\r\n");
    fs::write(d.join("crlf.log"), &text).unwrap();
    fs::write(d.join("lf.log"), text.replace("\r\n", "\n")).unwrap();
    no_mtime(&d.join("crlf.log"));
    no_mtime(&d.join("lf.log"));
    let v = common::analyze_json(&["--year", "2018", s(d)]);
    let (c, l) = (input(&v, "crlf.log"), input(&v, "lf.log"));
    for k in [
        "format", "lines", "parsed", "skipped", "first", "last", "problems", "levels",
    ] {
        assert_eq!(c[k], l[k], "{k}");
    }
    assert_eq!(c["format"], "journald-short>klog");
    assert_eq!(c["skipped"], 0);
    let crlf_rows = rows_from(&v, "crlf.log");
    let lf_rows = rows_from(&v, "lf.log");
    assert_eq!(crlf_rows.len(), lf_rows.len());
    for (a, b) in crlf_rows.iter().zip(&lf_rows) {
        assert_eq!(a["message"], b["message"]);
        assert_eq!(a["at"], b["at"]);
        assert!(!a["message"].as_str().unwrap().contains('\r'));
    }
    assert_eq!(crlf_rows[1]["at"], "2018-07-19T18:13:26.969181Z");
}

#[test]
fn nul_bytes_after_the_sniffed_head_do_not_stop_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("kube-controller-manager.log");
    // More than the 64 KiB sniffed head of clean lines, then a line with a NUL, then a real line.
    let mut text = String::new();
    while text.len() < 70 * 1024 {
        text.push_str(KLOG_INFO);
        text.push('\n');
    }
    let head_lines = text.lines().count() as u64;
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(
        b"E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod \x00synchronization - PLEG is not healthy\n",
    );
    bytes.extend_from_slice(KLOG_PLEG.as_bytes());
    bytes.push(b'\n');
    fs::write(&f, &bytes).unwrap();
    no_mtime(&f);
    let v = common::analyze_json(&["--year", "2020", s(&f)]);
    let i = input(&v, "kube-controller-manager.log");
    assert_eq!(i["format"], "klog");
    assert_eq!(i["lines"], head_lines + 2);
    assert_eq!(i["skipped"], 0);
    let r = rows_from(&v, "kube-controller-manager.log");
    let nul = r
        .iter()
        .find(|r| r["source"]["line"] == head_lines + 1)
        .expect("the NUL line is a record");
    assert_eq!(nul["severity"], "error");
    let after = r
        .iter()
        .find(|r| r["source"]["line"] == head_lines + 2)
        .expect("the line after it is parsed");
    assert_eq!(after["at"], "2020-07-19T18:13:26.969181Z");
    // Text reports never carry the raw NUL.
    for f in ["md", "text"] {
        let out = run(&["--format", f, "--year", "2020", s(tmp.path())]);
        assert!(out.status.success());
        assert!(!out.stdout.contains(&0u8), "{f} report has a NUL byte");
    }
}

#[cfg(unix)]
#[test]
fn folder_with_nothing_readable_exits_2_listing_why() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("kubelet"), ELF_HEAD).unwrap();
    fs::write(d.join("system.journal"), b"LPKSHHRH\x00\x00\x00\x01").unwrap();
    fs::write(d.join("empty.log"), "").unwrap();
    symlink("nowhere.log", &d.join("broken.log"));
    symlink("loop-b", &d.join("loop-a"));
    symlink("loop-a", &d.join("loop-b"));
    let mut dead = b"\x1f\x8b\x08\x00".to_vec();
    dead.extend(std::iter::repeat_n(0xdeu8, 32));
    fs::write(d.join("kubelet.log.1.gz"), &dead).unwrap();

    for format in ["md", "json", "text"] {
        let out = run(&["--format", format, s(d)]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}: no report");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("postmortem: nothing readable in the inputs\n"), "{err}");
        for line in [
            "  kubelet: binary file (NUL or control bytes in its first 64 KiB): skipped",
            "  system.journal: binary systemd journal: export it first",
            "  empty.log: empty file",
            "  broken.log: broken symlink -> nowhere.log",
            "  loop-a: symlink loop",
            "  loop-b: symlink loop",
            "  kubelet.log.1.gz: read error after 0 bytes: corrupt gzip",
        ] {
            assert!(err.contains(line), "missing `{line}` in:\n{err}");
        }
        assert!(!err.contains("kubelet.log.1.gz: empty file"), "{err}");
    }
    // An empty folder says so.
    let empty = tempfile::tempdir().unwrap();
    let out = run(&[s(empty.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no files found"));
}

/// A folder with good sources and every kind of bad one.
fn mixed_folder(d: &Path) {
    fs::create_dir_all(d.join("nodes/node-1")).unwrap();
    fs::create_dir_all(d.join("nodes/node-2")).unwrap();
    fs::write(
        d.join("nodes/node-1/kubelet.log"),
        lines(&[&JOURNALD_KUBELET.replace("node1", "node-1"), JOURNALD_CONTAINERD]),
    )
    .unwrap();
    fs::write(
        d.join("nodes/node-2/kubelet.log.1.gz"),
        gz(lines(&[KLOG_PLEG, KLOG_THROTTLE]).as_bytes()),
    )
    .unwrap();
    fs::write(d.join("nodes/node-2/kubelet"), ELF_HEAD).unwrap();
    fs::write(d.join("nodes/node-2/system.journal"), b"LPKSHHRH\x00\x00\x00\x01").unwrap();
    fs::write(d.join("nodes/node-2/empty.log"), "").unwrap();
    let mut dead = b"\x1f\x8b\x08\x00".to_vec();
    dead.extend(std::iter::repeat_n(0xdeu8, 32));
    fs::write(d.join("nodes/node-2/old.log.gz"), &dead).unwrap();
    fs::write(d.join("nodes/node-2/notes.txt"), "collected by hand, see ticket\n").unwrap();
    #[cfg(unix)]
    {
        symlink("../gone.log", &d.join("nodes/node-2/current.log"));
        symlink("loop-b", &d.join("nodes/loop-a"));
        symlink("loop-a", &d.join("nodes/loop-b"));
    }
}

#[test]
fn mixed_folder_exits_0_with_good_sources_in_the_timeline_and_bad_ones_in_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    mixed_folder(d);
    let v = common::analyze_json(&[s(d)]);
    let sources: std::collections::BTreeSet<&str> =
        rows(&v).iter().map(|r| r["source"]["path"].as_str().unwrap()).collect();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["nodes/node-1/kubelet.log", "nodes/node-2/kubelet.log.1.gz"]
    );
    let expect: &[(&str, &str, &str)] = &[
        ("nodes/node-2/kubelet", "binary", "binary file"),
        ("nodes/node-2/system.journal", "binary", "binary systemd journal"),
        ("nodes/node-2/empty.log", "empty", "empty file"),
        (
            "nodes/node-2/old.log.gz",
            "unreadable",
            "read error after 0 bytes: corrupt gzip",
        ),
        (
            "nodes/node-2/notes.txt",
            "text",
            "no line of this file matches a known log format",
        ),
        #[cfg(unix)]
        (
            "nodes/node-2/current.log",
            "unreadable",
            "broken symlink -> ../gone.log",
        ),
        #[cfg(unix)]
        ("nodes/loop-a", "unreadable", "symlink loop"),
    ];
    for (path, format, problem) in expect {
        let i = input(&v, path);
        assert_eq!(i["format"], *format, "{path}");
        assert!(
            problems(i).iter().any(|p| p.contains(problem)),
            "{path}: {:?}",
            problems(i)
        );
    }
    let good = input(&v, "nodes/node-1/kubelet.log");
    assert!(problems(good).is_empty());
    assert_eq!(good["node"], "node-1");
    assert!(problems(input(&v, "nodes/node-2/kubelet.log.1.gz")).is_empty());
    // The markdown report lists the bad inputs too.
    let out = run(&[s(d)]);
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("nodes/node-2/system.journal"), "{md}");
}

/// Every entry under `root` (not following links): contents hash, size, mtime and mode of files, targets of
/// links.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if m.file_type().is_symlink() {
                out.insert(rel, format!("link -> {}", fs::read_link(&p).unwrap().display()));
            } else if m.is_dir() {
                out.insert(rel, "dir".into());
                walk(&p, root, out);
            } else {
                let bytes = fs::read(&p).unwrap_or_default();
                let mut h = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut h);
                #[cfg(unix)]
                let mode = std::os::unix::fs::PermissionsExt::mode(&m.permissions());
                #[cfg(not(unix))]
                let mode = 0;
                out.insert(
                    rel,
                    format!(
                        "file {} bytes, hash {:x}, mtime {:?}, mode {mode:o}",
                        bytes.len(),
                        h.finish(),
                        m.modified().ok()
                    ),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn input_folder_is_unchanged_after_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("bundle");
    fs::create_dir(&d).unwrap();
    mixed_folder(&d);
    let t = tar(&[("node-3/kubelet.log", lines(&[KLOG_PLEG]).as_bytes())]);
    fs::write(d.join("node-3.tar.gz"), gz(&t)).unwrap();
    fs::write(d.join("crlf.log"), format!("{JOURNALD_KUBELET}\r\n")).unwrap();
    let before = snapshot(&d);
    let report = tmp.path().join("report.json");
    for args in [
        vec!["--format", "json"],
        vec!["--format", "md"],
        vec!["--format", "text", "--tz", "Europe/Berlin", "--year", "2019"],
        vec!["--format", "json", "-o", s(&report)],
    ] {
        let mut all = args.clone();
        all.push(s(&d));
        let out = run(&all);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Asked to write inside the input: refused, nothing written.
    let out = run(&["-o", s(&d.join("nodes/report.md")), s(&d)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(report.exists());
    let after = snapshot(&d);
    assert_eq!(before, after, "the input folder changed");
}

#[test]
fn header_less_lines_at_the_top_are_unparsed_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    // An indented paste (`kubectl describe node` conditions, k8s#48703-like) followed by a real klog line.
    let text = "  Ready            False   Mon, 03 Jun 2019 13:54:18 +0000   Sun, 02 Jun 2019 21:39:37 +0000   KubeletNotReady              PLEG is not healthy: pleg was last seen active 16h17m50.791825508s ago; threshold is 3m0s\n\
                \n\
                E0603 13:54:18.000000    1450 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s\n";
    std::fs::write(tmp.path().join("paste.log"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args([
            "analyze",
            "--format",
            "json",
            "--quiet",
            "--year",
            "2019",
            tmp.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let i = &v["inputs"][0];
    assert_eq!(
        (
            i["lines"].as_u64(),
            i["parsed"].as_u64(),
            i["skipped"].as_u64(),
            i["blank"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    // The unparsed line names a signal (PLEG), so it is still on the timeline.
    let rows = v["timeline"].as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["source"]["line"] == 1 && r["signal"] == "pleg-unhealthy"));
}
