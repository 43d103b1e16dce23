//! End-to-end tests of [`super::ingest`] on fixtures built in a temporary folder.

use super::*;
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use std::fs;
use std::io::Write;
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

/// One visited source: its meta, the bytes read, the read error (if any) and whether it was mapped.
#[derive(Debug)]
struct Got {
    meta: SourceMeta,
    bytes: Vec<u8>,
    error: Option<String>,
    mapped: bool,
}

#[derive(Default)]
struct Collect {
    got: Mutex<Vec<Got>>,
    problems: Mutex<Vec<Problem>>,
}

impl SourceVisitor for Collect {
    fn visit(&self, meta: SourceMeta, body: Body<'_>) {
        let (bytes, error, mapped) = match body {
            Body::Mapped(m) => (m.to_vec(), None, true),
            Body::Stream(r) => {
                let mut out = Vec::new();
                let mut buf = [0u8; 4096];
                let error = loop {
                    match r.read(&mut buf) {
                        Ok(0) => break None,
                        Ok(n) => out.extend_from_slice(&buf[..n]),
                        Err(e) => break Some(e.to_string()),
                    }
                };
                (out, error, false)
            }
        };
        self.got.lock().unwrap().push(Got {
            meta,
            bytes,
            error,
            mapped,
        });
    }

    fn problem(&self, problem: Problem) {
        self.problems.lock().unwrap().push(problem);
    }
}

impl Collect {
    fn run(inputs: &[PathBuf]) -> Collect {
        let c = Collect::default();
        ingest(inputs, &c, &Progress::hidden());
        c.got.lock().unwrap().sort_by(|a, b| a.meta.path.cmp(&b.meta.path));
        c.problems.lock().unwrap().sort_by(|a, b| a.path.cmp(&b.path));
        c
    }

    fn paths(&self) -> Vec<String> {
        self.got.lock().unwrap().iter().map(|g| g.meta.path.clone()).collect()
    }

    fn bytes_of(&self, path: &str) -> Vec<u8> {
        let got = self.got.lock().unwrap();
        let g = got
            .iter()
            .find(|g| g.meta.path == path)
            .unwrap_or_else(|| panic!("{path} not visited: {got:?}"));
        g.bytes.clone()
    }

    fn with<T>(&self, path: &str, f: impl FnOnce(&Got) -> T) -> T {
        let got = self.got.lock().unwrap();
        f(got
            .iter()
            .find(|g| g.meta.path == path)
            .unwrap_or_else(|| panic!("{path} not visited")))
    }

    fn problems(&self) -> Vec<(String, String)> {
        self.problems
            .lock()
            .unwrap()
            .iter()
            .map(|p| (p.path.clone(), p.reason.clone()))
            .collect()
    }

    fn problem_for(&self, path: &str) -> Option<String> {
        self.problems
            .lock()
            .unwrap()
            .iter()
            .find(|p| p.path == path)
            .map(|p| p.reason.clone())
    }
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn gz_with_mtime(data: &[u8], mtime: u32) -> Vec<u8> {
    let mut e = GzBuilder::new().mtime(mtime).write(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A tar archive of `(path, content, mtime)`; paths are written as given (`./a` kept, which `tar` writers
/// such as GNU tar produce).
fn tar_of(members: &[(&str, &[u8], u64)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data, mtime) in members {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(*mtime);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn nested_folders_are_mapped_with_relative_paths() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::create_dir_all(root.join("nodes/node-3")).unwrap();
    fs::create_dir_all(root.join("nodes/node-1/.cache")).unwrap();
    fs::write(root.join("nodes/node-3/kubelet.log"), "I0101 kubelet\n").unwrap();
    fs::write(root.join("nodes/node-1/containerd.log"), "containerd\n").unwrap();
    fs::write(root.join("nodes/node-1/.cache/hidden.log"), "hidden\n").unwrap();
    let c = Collect::run(&[root.to_path_buf()]);
    assert_eq!(
        c.paths(),
        [
            "nodes/node-1/.cache/hidden.log",
            "nodes/node-1/containerd.log",
            "nodes/node-3/kubelet.log"
        ]
    );
    assert_eq!(c.bytes_of("nodes/node-3/kubelet.log"), b"I0101 kubelet\n");
    c.with("nodes/node-3/kubelet.log", |g| {
        assert!(g.mapped);
        assert_eq!(g.meta.size, Some(14));
        assert!(!g.meta.compressed);
        assert!(g.meta.mtime.is_some());
        assert_eq!(g.meta.fs_path, root.join("nodes/node-3/kubelet.log"));
    });
    assert!(c.problems().is_empty(), "{:?}", c.problems());
}

#[test]
fn gzip_files_single_and_multi_member() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::write(
        root.join("kubelet.log.1.gz"),
        gz_with_mtime(b"rotated line\n", 1_700_000_000),
    )
    .unwrap();
    // Concatenated members (`cat a.gz b.gz`): every member must be read.
    let mut multi = gz(b"first member\n");
    multi.extend(gz(b"second member\n"));
    multi.extend(gz(b"third member\n"));
    fs::write(root.join("multi.log.gz"), multi).unwrap();
    // Gzip without the extension: told by its magic.
    fs::write(root.join("syslog.2"), gz(b"no extension\n")).unwrap();
    let c = Collect::run(&[root.to_path_buf()]);
    assert_eq!(c.paths(), ["kubelet.log.1.gz", "multi.log.gz", "syslog.2"]);
    c.with("kubelet.log.1.gz", |g| {
        assert_eq!(g.bytes, b"rotated line\n");
        assert!(!g.mapped && g.meta.compressed && g.error.is_none());
        assert_eq!(g.meta.size, None);
        assert_eq!(g.meta.mtime.map(secs), Some(1_700_000_000), "gzip header mtime");
    });
    c.with("multi.log.gz", |g| {
        assert_eq!(g.bytes, b"first member\nsecond member\nthird member\n");
        // Header mtime 0: the file mtime.
        assert_eq!(
            g.meta.mtime,
            fs::metadata(root.join("multi.log.gz")).unwrap().modified().ok()
        );
    });
    assert_eq!(c.bytes_of("syslog.2"), b"no extension\n");
    assert!(c.problems().is_empty(), "{:?}", c.problems());
}

#[test]
fn tar_gz_members_are_streamed_with_archive_paths() {
    let d = tempfile::tempdir().unwrap();
    let inner_tar = tar_of(&[("./inner.log", b"in inner tar\n", 1_650_000_000)]);
    let bundle = tar_of(&[
        ("./a/b.log", b"member b\n", 1_700_000_000),
        ("./a/deep/c/d.log", b"member d\n", 0),
        (
            "nodes/n1/kubelet.log.1.gz",
            &gz_with_mtime(b"gz member\n", 1_600_000_000),
            1_700_000_500,
        ),
        ("nested.tar", &inner_tar, 1_700_000_000),
        ("nested2.tar.gz", &gz(&inner_tar), 1_700_000_000),
        ("./old.log", b"dos time\n", 315_532_800),
    ]);
    let path = d.path().join("x.tar.gz");
    fs::write(&path, gz(&bundle)).unwrap();
    fs::write(d.path().join("plain.tar"), &inner_tar).unwrap();
    let c = Collect::run(&[path.clone(), d.path().join("plain.tar")]);
    assert_eq!(
        c.paths(),
        [
            "plain.tar!/inner.log",
            "x.tar.gz!/a/b.log",
            "x.tar.gz!/a/deep/c/d.log",
            "x.tar.gz!/nested.tar!/inner.log",
            "x.tar.gz!/nested2.tar.gz!/inner.log",
            "x.tar.gz!/nodes/n1/kubelet.log.1.gz",
            "x.tar.gz!/old.log",
        ]
    );
    c.with("x.tar.gz!/a/b.log", |g| {
        assert_eq!(g.bytes, b"member b\n");
        assert!(g.error.is_none() && !g.mapped && g.meta.compressed);
        assert_eq!(g.meta.size, Some(9));
        assert_eq!(g.meta.mtime.map(secs), Some(1_700_000_000));
        assert_eq!(g.meta.fs_path, path);
    });
    assert_eq!(
        c.with("x.tar.gz!/a/deep/c/d.log", |g| g.meta.mtime),
        None,
        "tar mtime 0 is no mtime"
    );
    assert_eq!(
        c.with("x.tar.gz!/old.log", |g| g.meta.mtime),
        None,
        "1980-01-01 is a placeholder"
    );
    c.with("x.tar.gz!/nodes/n1/kubelet.log.1.gz", |g| {
        assert_eq!(g.bytes, b"gz member\n");
        assert_eq!(
            g.meta.mtime.map(secs),
            Some(1_600_000_000),
            "gzip header wins over the tar entry"
        );
    });
    assert_eq!(c.bytes_of("x.tar.gz!/nested.tar!/inner.log"), b"in inner tar\n");
    assert_eq!(c.bytes_of("x.tar.gz!/nested2.tar.gz!/inner.log"), b"in inner tar\n");
    c.with("plain.tar!/inner.log", |g| {
        assert!(!g.meta.compressed);
        assert_eq!(g.meta.mtime.map(secs), Some(1_650_000_000));
    });
    assert!(c.problems().is_empty(), "{:?}", c.problems());
}

#[test]
fn tar_three_levels_deep_is_not_followed() {
    let d = tempfile::tempdir().unwrap();
    let l3 = tar_of(&[("x.log", b"x\n", 0)]);
    let l2 = tar_of(&[("l3.tar", &l3, 0)]);
    let l1 = tar_of(&[("l2.tar", &l2, 0)]);
    fs::write(d.path().join("l1.tar"), l1).unwrap();
    let c = Collect::run(&[d.path().join("l1.tar")]);
    assert!(c.paths().is_empty());
    assert!(
        c.problem_for("l1.tar!/l2.tar!/l3.tar")
            .is_some_and(|r| r.contains("too deep")),
        "{:?}",
        c.problems()
    );
}

#[test]
fn truncated_gzip_stream_fails_at_the_damage() {
    let d = tempfile::tempdir().unwrap();
    let text: Vec<u8> = (0..2000)
        .flat_map(|i| format!("line {i} of the log\n").into_bytes())
        .collect();
    let whole = gz(&text);
    fs::write(d.path().join("cut.log.gz"), &whole[..whole.len() / 2]).unwrap();
    fs::write(d.path().join("fine.log"), "fine\n").unwrap();
    let c = Collect::run(&[d.path().to_path_buf()]);
    c.with("cut.log.gz", |g| {
        let e = g.error.as_deref().expect("read must fail");
        assert!(e.contains("gzip"), "{e}");
        assert!(!g.bytes.is_empty() && g.bytes.len() < text.len());
        assert!(text.starts_with(&g.bytes), "what was read before the damage is intact");
    });
    assert_eq!(c.bytes_of("fine.log"), b"fine\n");
}

#[test]
fn corrupt_tar_is_reported_and_other_inputs_still_read() {
    let d = tempfile::tempdir().unwrap();
    let mut t = tar_of(&[("first.log", b"first\n", 0), ("second.log", b"second\n", 0)]);
    // Second header at 1024 (512 header + 512 data block): break its checksum.
    t[1024..1034].copy_from_slice(b"garbage!!!");
    fs::write(d.path().join("bad.tar"), &t).unwrap();
    fs::write(d.path().join("other.log"), "still here\n").unwrap();
    let c = Collect::run(&[d.path().join("bad.tar"), d.path().join("other.log")]);
    assert_eq!(c.paths(), ["bad.tar!/first.log", "other.log"]);
    assert_eq!(c.bytes_of("bad.tar!/first.log"), b"first\n");
    let reason = c.problem_for("bad.tar").expect("archive problem");
    assert!(
        reason.contains("damaged tar") && reason.contains("after 1 members (last: first.log)"),
        "{reason}"
    );
}

#[test]
fn truncated_tar_member_fails_and_archive_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let big = b"0123456789".repeat(200);
    let t = tar_of(&[("ok.log", b"ok\n", 0), ("big.log", &big, 0)]);
    fs::write(d.path().join("cut.tar"), &t[..1024 + 512 + 700]).unwrap();
    let c = Collect::run(&[d.path().join("cut.tar")]);
    assert_eq!(c.bytes_of("cut.tar!/ok.log"), b"ok\n");
    c.with("cut.tar!/big.log", |g| {
        assert_eq!(g.bytes, big[..700]);
        assert!(
            g.error.as_deref().is_some_and(|e| e.contains("truncated archive")),
            "{:?}",
            g.error
        );
    });
    assert!(c.problem_for("cut.tar").is_some(), "{:?}", c.problems());
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_broken_symlink_are_reported() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::write(root.join("a/b/x.log"), "x\n").unwrap();
    symlink("../..", root.join("a/b/up")).unwrap(); // folder loop
    symlink("self", root.join("self")).unwrap(); // link to itself (ELOOP)
    symlink("nowhere.log", root.join("dangling.log")).unwrap();
    symlink("a/b/x.log", root.join("same.log")).unwrap(); // second name of x.log: read once
    let c = Collect::run(&[root.to_path_buf()]);
    assert_eq!(c.paths(), ["a/b/x.log"]);
    assert_eq!(
        c.problems(),
        [
            ("a/b/up".to_string(), "symlink loop".to_string()),
            ("dangling.log".to_string(), "broken symlink -> nowhere.log".to_string()),
            ("self".to_string(), "symlink loop".to_string()),
        ]
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_with_the_os_reason() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("secret.log");
    fs::write(&f, "secret\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
    let c = Collect::run(&[d.path().to_path_buf()]);
    if fs::File::open(&f).is_ok() {
        // Root (or a capability) reads anyway: the file is simply read.
        assert_eq!(c.bytes_of("secret.log"), b"secret\n");
    } else {
        assert!(c.paths().is_empty());
        assert_eq!(
            c.problems(),
            [("secret.log".to_string(), "permission denied".to_string())]
        );
    }
}

#[cfg(unix)]
#[test]
fn unreadable_folder_is_reported_and_the_rest_read() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let locked = d.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("in.log"), "in\n").unwrap();
    fs::write(d.path().join("out.log"), "out\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads = fs::read_dir(&locked).is_ok();
    let c = Collect::run(&[d.path().to_path_buf()]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap(); // let tempdir clean up
    if root_reads {
        assert_eq!(c.paths(), ["locked/in.log", "out.log"]);
    } else {
        assert_eq!(c.paths(), ["out.log"]);
        assert_eq!(c.problems(), [("locked".to_string(), "permission denied".to_string())]);
    }
}

#[test]
fn truncated_tar_gz_fails_in_the_member_and_reports_the_archive() {
    let d = tempfile::tempdir().unwrap();
    let text: Vec<u8> = (0..5000)
        .flat_map(|i| format!("{i} some kubelet line\n").into_bytes())
        .collect();
    let whole = gz(&tar_of(&[
        ("a.log", b"small\n", 0),
        ("big.log", &text, 0),
        ("lost.log", b"lost\n", 0),
    ]));
    fs::write(d.path().join("cut.tar.gz"), &whole[..whole.len() * 2 / 3]).unwrap();
    let c = Collect::run(&[d.path().join("cut.tar.gz")]);
    assert_eq!(c.paths(), ["cut.tar.gz!/a.log", "cut.tar.gz!/big.log"]);
    c.with("cut.tar.gz!/big.log", |g| {
        assert!(g.error.as_deref().is_some_and(|e| e.contains("gzip")), "{:?}", g.error);
        assert!(text.starts_with(&g.bytes) && g.bytes.len() < text.len());
    });
    let reason = c.problem_for("cut.tar.gz").expect("archive problem");
    assert!(reason.contains("after 2 members (last: big.log)"), "{reason}");
}

#[test]
fn duplicate_member_names_stay_unique() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("t.tar"),
        tar_of(&[("a.log", b"one\n", 0), ("./a.log", b"two\n", 0)]),
    )
    .unwrap();
    let c = Collect::run(&[d.path().join("t.tar")]);
    assert_eq!(c.paths(), ["t.tar!/a.log", "t.tar!/a.log#2"]);
    assert_eq!(c.bytes_of("t.tar!/a.log#2"), b"two\n");
}

#[test]
fn empty_files_are_reported() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("empty.log"), "").unwrap();
    fs::write(d.path().join("empty.log.gz"), gz(b"")).unwrap();
    fs::write(d.path().join("t.tar"), tar_of(&[("void.log", b"", 0)])).unwrap();
    let c = Collect::run(&[d.path().to_path_buf()]);
    assert!(c.paths().is_empty(), "{:?}", c.paths());
    assert_eq!(
        c.problems(),
        [
            ("empty.log".to_string(), "empty file".to_string()),
            ("empty.log.gz".to_string(), "empty file".to_string()),
            ("t.tar!/void.log".to_string(), "empty file".to_string()),
        ]
    );
}

#[cfg(unix)]
#[test]
fn fifo_is_skipped_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("mkfifo unavailable: fifo test skipped");
        return;
    }
    fs::write(d.path().join("real.log"), "real\n").unwrap();
    let c = Collect::run(&[d.path().to_path_buf()]);
    assert_eq!(c.paths(), ["real.log"]);
    assert_eq!(c.problems(), [("pipe".to_string(), "fifo: skipped".to_string())]);
}

#[test]
fn several_inputs_keep_display_paths_unique() {
    let d = tempfile::tempdir().unwrap();
    for node in ["node-1", "node-2"] {
        fs::create_dir_all(d.path().join(node)).unwrap();
        fs::write(d.path().join(node).join("kubelet.log"), node).unwrap();
    }
    let c = Collect::run(&[d.path().join("node-1"), d.path().join("node-2")]);
    assert_eq!(c.paths(), ["node-1/kubelet.log", "node-2/kubelet.log"]);
    assert_eq!(c.bytes_of("node-2/kubelet.log"), b"node-2");
}

#[test]
fn a_panicking_visitor_costs_one_source_only() {
    struct Panicky(Collect);
    impl SourceVisitor for Panicky {
        fn visit(&self, meta: SourceMeta, body: Body<'_>) {
            if meta.path.contains("boom") {
                panic!("visitor bug");
            }
            self.0.visit(meta, body);
        }
        fn problem(&self, problem: Problem) {
            self.0.problem(problem);
        }
    }
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("boom.log"), "x\n").unwrap();
    fs::write(d.path().join("fine.log"), "y\n").unwrap();
    let v = Panicky(Collect::default());
    ingest(&[d.path().to_path_buf()], &v, &Progress::hidden());
    assert_eq!(v.0.paths(), ["fine.log"]);
    assert!(v.0.problem_for("boom.log").is_some_and(|r| r.contains("visitor bug")));
}

#[test]
fn progress_total_comes_from_the_walk() {
    let d = tempfile::tempdir().unwrap();
    let text = b"a fairly compressible log line\n".repeat(1000);
    fs::write(d.path().join("k.log.gz"), gz(&text)).unwrap();
    fs::write(d.path().join("plain.log"), "12345").unwrap();
    let inputs = [d.path().to_path_buf()];
    assert_eq!(
        discover_size(&inputs),
        text.len() as u64 + 5,
        "gzip counted at its decompressed size"
    );
    let p = Progress::hidden();
    ingest(&inputs, &Collect::default(), &p);
    assert!(p.total().is_some_and(|t| t > 5));
    assert_eq!(p.bytes(), 0, "ingest itself counts nothing: the visitor does");
}

#[test]
fn missing_input_does_not_stop_the_others() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("ok.log"), "ok\n").unwrap();
    let c = Collect::run(&[d.path().join("missing"), d.path().join("ok.log")]);
    assert_eq!(c.paths(), ["ok.log"]);
    assert_eq!(c.problems(), [("missing".to_string(), "not found".to_string())]);
}
