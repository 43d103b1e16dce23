//! The walk: turns the inputs into a list of regular files to read, each with its display path, and the
//! problems met on the way (unreadable folders, broken symlinks, loops, special and empty files).
//!
//! The walk is sequential and sorted so display paths and the choice between two names of the same file are
//! deterministic; reading the files is what runs in parallel.

use super::Problem;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Deeper folder trees are not followed (keeps the recursion far from the stack limit of worker threads).
const MAX_DEPTH: usize = 256;

/// A regular file found by the walk.
#[derive(Clone, Debug)]
pub(crate) struct FileJob {
    /// The file on disk.
    pub fs_path: PathBuf,
    /// Display path (see [`super::SourceMeta::path`]).
    pub display: String,
    /// Size on disk.
    pub size: u64,
    /// File mtime, when plausible.
    pub mtime: Option<SystemTime>,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub files: Vec<FileJob>,
    pub problems: Vec<Problem>,
}

impl Walk {
    /// Bytes on disk of every file found.
    pub fn disk_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// The file at the root of a corpus bundle that holds its expected findings (see `corpus/README.md`).
pub const EXPECTED_FILE: &str = "expected.json";
/// Why [`EXPECTED_FILE`] is not read as a log.
pub const EXPECTED_REASON: &str = "expected findings of the corpus bundle (postmortem check): not a log";

/// Walks every input. Several inputs are told apart by prefixing their name (see [`labels`]).
pub(crate) fn walk(inputs: &[PathBuf]) -> Walk {
    let labels = labels(inputs);
    let mut w = Walker::default();
    for (input, label) in inputs.iter().zip(&labels) {
        w.input(input, label, inputs.len() > 1);
    }
    let mut out = w.out;
    unique_displays(&mut out.files);
    out
}

#[derive(Default)]
struct Walker {
    out: Walk,
    /// Regular files already listed (a file reached through several links is read once).
    seen_files: HashSet<FileId>,
    /// Folders already walked (through any path).
    seen_dirs: HashSet<FileId>,
    /// Folders on the current path from the input root: meeting one again is a loop.
    ancestors: Vec<FileId>,
}

impl Walker {
    fn problem(&mut self, path: &str, reason: impl Into<String>) {
        self.out.problems.push(Problem {
            path: path.to_string(),
            reason: reason.into(),
        });
    }

    /// One input: a folder (walked, its files shown relative to it, prefixed by `label` when `prefixed`), or a
    /// file (shown as `label`).
    fn input(&mut self, path: &Path, label: &str, prefixed: bool) {
        let Some(meta) = self.resolve(path, label) else { return };
        if meta.is_dir() {
            let id = file_id(path, &meta);
            if !self.seen_dirs.insert(id.clone()) {
                return; // the same folder given twice
            }
            self.ancestors.push(id);
            self.dir(path, if prefixed { label } else { "" }, label, 0);
            self.ancestors.pop();
        } else {
            self.entry(path, label, meta);
        }
    }

    /// Metadata of `path` with symlinks followed; None (problem reported) when it cannot be had.
    fn resolve(&mut self, path: &Path, display: &str) -> Option<Metadata> {
        let lmeta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.problem(display, os_reason(&e));
                return None;
            }
        };
        if !lmeta.file_type().is_symlink() {
            return Some(lmeta);
        }
        match fs::metadata(path) {
            Ok(m) => Some(m),
            Err(e) if is_loop_error(&e) => {
                self.problem(display, "symlink loop");
                None
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let target = fs::read_link(path).map(|t| slashed(&t)).unwrap_or_else(|_| "?".into());
                self.problem(display, format!("broken symlink -> {target}"));
                None
            }
            Err(e) => {
                self.problem(display, os_reason(&e));
                None
            }
        }
    }

    /// Lists one folder, sorted by name, and visits each entry. `prefix` is the display path of the folder
    /// ("" for a lone input folder); `display` names the folder itself in problems.
    fn dir(&mut self, dir: &Path, prefix: &str, display: &str, depth: usize) {
        if depth >= MAX_DEPTH {
            self.problem(display, format!("folder nesting deeper than {MAX_DEPTH}: not read"));
            return;
        }
        let listing = match fs::read_dir(dir) {
            Ok(l) => l,
            Err(e) => {
                self.problem(display, os_reason(&e));
                return;
            }
        };
        // (is a symlink, name): real entries first, so a file reached both directly and through a link is
        // shown under its real path.
        let mut names: Vec<(bool, OsString)> = Vec::new();
        for entry in listing {
            match entry {
                Ok(e) => names.push((e.file_type().is_ok_and(|t| t.is_symlink()), e.file_name())),
                Err(e) => self.problem(display, format!("listing stopped: {}", os_reason(&e))),
            }
        }
        names.sort();
        for (_, name) in names {
            let path = dir.join(&name);
            let name_str = name.to_string_lossy();
            let child = if prefix.is_empty() {
                name_str.to_string()
            } else {
                format!("{prefix}/{name_str}")
            };
            let Some(meta) = self.resolve(&path, &child) else {
                continue;
            };
            if meta.is_dir() {
                // Version-control metadata, never logs.
                if name == ".git" {
                    continue;
                }
                let id = file_id(&path, &meta);
                if self.ancestors.contains(&id) {
                    self.problem(&child, "symlink loop");
                    continue;
                }
                if !self.seen_dirs.insert(id.clone()) {
                    continue; // already walked under another name
                }
                self.ancestors.push(id);
                self.dir(&path, &child, &child, depth + 1);
                self.ancestors.pop();
            } else if depth == 0 && name == EXPECTED_FILE {
                // A corpus bundle's expected findings (`postmortem check`): what the analysis must find, not input.
                self.problem(&child, EXPECTED_REASON);
            } else {
                self.entry(&path, &child, meta);
            }
        }
    }

    /// A non-folder: listed when it is a regular, non-empty file not seen before.
    fn entry(&mut self, path: &Path, display: &str, meta: Metadata) {
        if !meta.is_file() {
            self.problem(display, format!("{}: skipped", special_kind(&meta)));
            return;
        }
        if !self.seen_files.insert(file_id(path, &meta)) {
            return;
        }
        if meta.len() == 0 {
            self.problem(display, "empty file");
            return;
        }
        self.out.files.push(FileJob {
            fs_path: path.to_path_buf(),
            display: display.to_string(),
            size: meta.len(),
            mtime: meta.modified().ok().and_then(plausible_mtime),
        });
    }
}

/// Identity of a file or folder: (device, inode) on Unix, the canonical path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> FileId {
    FileId(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// `ELOOP`: too many levels of symbolic links (a link cycle not passing through a folder we walk).
fn is_loop_error(e: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: i32 = 40;
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    ))]
    const ELOOP: i32 = 62;
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    )))]
    const ELOOP: i32 = -1;
    e.raw_os_error() == Some(ELOOP)
}

fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "fifo";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_char_device() {
            return "character device";
        }
    }
    let _ = meta;
    "special file"
}

/// The OS reason in plain words: `permission denied`, `not found`, … (without the `(os error N)` tail).
pub(crate) fn os_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "not found".into(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error ") {
                Some(i) => &s[..i],
                None => &s[..],
            };
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => "read error".into(),
            }
        }
    }
}

/// A modification time worth showing: not 0, not a tool's placeholder (1970-01-01 or the DOS epoch
/// 1980-01-01, give or take a day of time-zone shift).
pub(crate) fn plausible_mtime(t: SystemTime) -> Option<SystemTime> {
    const DOS_EPOCH_PLUS_A_DAY: u64 = 315_532_800 + 86_400;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    (secs > DOS_EPOCH_PLUS_A_DAY).then_some(t)
}

/// [`plausible_mtime`] for seconds since the epoch (gzip and tar headers).
pub(crate) fn plausible_epoch_secs(secs: u64) -> Option<SystemTime> {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .and_then(plausible_mtime)
}

/// A path with `/` separators.
pub(crate) fn slashed(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The name each input is shown under: its file name (the current folder's name for `.`); inputs sharing a
/// name are shown under the path as given instead (`a/logs`, `b/logs`).
pub(crate) fn labels(inputs: &[PathBuf]) -> Vec<String> {
    let names: Vec<String> = inputs.iter().map(|p| short_name(p)).collect();
    names
        .iter()
        .zip(inputs)
        .map(|(name, input)| {
            if names.iter().filter(|n| *n == name).count() > 1 {
                let full = slashed(input);
                let full = full.trim_start_matches("./").trim_end_matches('/');
                if full.is_empty() {
                    name.clone()
                } else {
                    full.to_string()
                }
            } else {
                name.clone()
            }
        })
        .collect()
}

fn short_name(p: &Path) -> String {
    if let Some(n) = p.file_name() {
        return n.to_string_lossy().into_owned();
    }
    // `.`, `..`, `/`: the real name of the folder.
    match fs::canonicalize(p).ok().as_deref().and_then(Path::file_name) {
        Some(n) => n.to_string_lossy().into_owned(),
        None => {
            let s = slashed(p);
            if s.is_empty() {
                ".".into()
            } else {
                s
            }
        }
    }
}

/// Last guard: two different files must never share a display path (possible only with odd input sets, e.g.
/// `x/a/logs` next to an input labelled `a/logs`). Later ones get `#2`, `#3`, …
fn unique_displays(files: &mut [FileJob]) {
    let mut seen: HashSet<String> = HashSet::with_capacity(files.len());
    for f in files.iter_mut() {
        if seen.insert(f.display.clone()) {
            continue;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{}#{n}", f.display);
            if seen.insert(candidate.clone()) {
                f.display = candidate;
                break;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn displays(w: &Walk) -> Vec<&str> {
        w.files.iter().map(|f| f.display.as_str()).collect()
    }

    #[test]
    fn nested_folders_sorted_relative() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        fs::create_dir_all(root.join("nodes/node-3")).unwrap();
        fs::create_dir_all(root.join("nodes/node-1/.hidden")).unwrap();
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        fs::write(root.join("nodes/node-3/kubelet.log"), "a\n").unwrap();
        fs::write(root.join("nodes/node-1/kubelet.log"), "b\n").unwrap();
        fs::write(root.join("nodes/node-1/.hidden/x.log"), "c\n").unwrap();
        fs::write(root.join(".git/objects/junk"), "d\n").unwrap();
        fs::write(root.join("top.log"), "e\n").unwrap();
        let w = walk(&[root.to_path_buf()]);
        assert_eq!(
            displays(&w),
            [
                "nodes/node-1/.hidden/x.log",
                "nodes/node-1/kubelet.log",
                "nodes/node-3/kubelet.log",
                "top.log"
            ]
        );
        assert!(w.problems.is_empty(), "{:?}", w.problems);
        assert_eq!(w.disk_bytes(), 8);
        assert!(w.files.iter().all(|f| f.mtime.is_some()));
    }

    #[test]
    fn several_inputs_are_prefixed_and_unique() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for n in ["a/logs", "b/logs", "n1"] {
            fs::create_dir_all(root.join(n)).unwrap();
            fs::write(root.join(n).join("kubelet.log"), n).unwrap();
        }
        fs::write(root.join("single.log"), "x").unwrap();
        let inputs = [
            root.join("a/logs"),
            root.join("b/logs"),
            root.join("n1"),
            root.join("single.log"),
        ];
        let w = walk(&inputs);
        let ds = displays(&w);
        assert_eq!(ds.len(), 4);
        assert!(
            ds[0].ends_with("a/logs/kubelet.log") && ds[1].ends_with("b/logs/kubelet.log"),
            "{ds:?}"
        );
        assert_ne!(ds[0], ds[1]);
        assert_eq!(ds[2..], ["n1/kubelet.log", "single.log"]);
    }

    #[test]
    fn single_file_input_shows_its_name() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("kubelet.log");
        fs::write(&f, "x\n").unwrap();
        let w = walk(std::slice::from_ref(&f));
        assert_eq!(displays(&w), ["kubelet.log"]);
    }

    #[test]
    fn missing_input_is_a_problem() {
        let d = tempfile::tempdir().unwrap();
        let w = walk(&[d.path().join("nope")]);
        assert!(w.files.is_empty());
        assert_eq!(
            w.problems,
            [Problem {
                path: "nope".into(),
                reason: "not found".into()
            }]
        );
    }

    #[test]
    fn mtime_placeholders_are_dropped() {
        assert_eq!(plausible_epoch_secs(0), None);
        assert_eq!(plausible_epoch_secs(315_532_800), None); // 1980-01-01
        assert!(plausible_epoch_secs(1_700_000_000).is_some());
        let _ = plausible_epoch_secs(u64::MAX); // no overflow panic
    }

    #[test]
    fn os_reason_is_plain() {
        let e = io::Error::from_raw_os_error(13);
        assert_eq!(os_reason(&e), "permission denied");
        let e = io::Error::other("Boom here");
        assert_eq!(os_reason(&e), "boom here");
    }

    #[cfg(unix)]
    #[test]
    fn same_file_through_links_is_listed_once() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        fs::create_dir(root.join("real")).unwrap();
        fs::write(root.join("real/k.log"), "x\n").unwrap();
        std::os::unix::fs::symlink("real", root.join("alias")).unwrap();
        std::os::unix::fs::symlink("real/k.log", root.join("k-link.log")).unwrap();
        let w = walk(&[root.to_path_buf()]);
        // Real entries are walked before links: the file is shown under its real path, and only once.
        assert_eq!(displays(&w), ["real/k.log"]);
        assert!(w.problems.is_empty(), "{:?}", w.problems);
    }
}
