//! Finding and reading the inputs: folders (recursive), plain files, gzip, tar archives.
//!
//! Nothing is ever extracted or written: plain files are memory-mapped, compressed files and archive members
//! are read as streams. Each readable source is handed to a [`SourceVisitor`]; anything that cannot be read is
//! reported as a [`Problem`] and the run goes on.
//!
//! - `discover`: the walk (folders, symlinks, display paths, special and empty files);
//! - `archive`: reading one file (mmap, gzip, tar streams);
//! - `progress`: the byte counter and bar.

mod archive;
mod discover;
pub use discover::{EXPECTED_FILE, EXPECTED_REASON};
mod progress;

pub use progress::Progress;

use rayon::prelude::*;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::SystemTime;

/// What is known of a source before its bytes are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMeta {
    /// Path shown to the user, relative to the analyzed root; inside an archive `bundle.tar.gz!/inner/path`.
    pub path: String,
    /// The file on disk that holds the source (the archive itself for archive members).
    pub fs_path: PathBuf,
    /// Size in bytes of the (decompressed) content when known.
    pub size: Option<u64>,
    /// Last modification time (file mtime, gzip header mtime or tar entry mtime; None when zero or absent).
    pub mtime: Option<SystemTime>,
    /// Whether the bytes went through gzip.
    pub compressed: bool,
}

/// The bytes of a source.
pub enum Body<'a> {
    /// The whole content, memory-mapped (plain files).
    Mapped(&'a memmap2::Mmap),
    /// Bytes read incrementally (gzip, archive members, files that cannot be mapped).
    Stream(&'a mut dyn Read),
}

/// A source, or a part of the input, that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Display path, as in [`SourceMeta::path`].
    pub path: String,
    /// Plain-words reason: `permission denied`, `not found`, `empty file`, `symlink loop`,
    /// `broken symlink -> x`, `fifo: skipped`, `damaged tar archive, read stopped after 2 members (last: a.log): …`.
    /// (Damage inside a stream, e.g. `corrupt gzip: …`, reaches the visitor as a read error instead.)
    pub reason: String,
}

/// Receives every source found by [`ingest`]. Called from several threads at once.
pub trait SourceVisitor: Sync {
    /// Reads one source. Stream read errors are the visitor's to report (with what was read before them).
    fn visit(&self, meta: SourceMeta, body: Body<'_>);
    /// Something could not be read.
    fn problem(&self, problem: Problem);
}

/// Reads every input and hands each source to `visitor`, in parallel (one task per file on disk; the members
/// of one archive are read in order within its task). Never fails: whatever cannot be read becomes a
/// [`Problem`] and the other inputs are still read.
///
/// - folders are walked recursively (listings sorted, symlinks followed once, `.git` skipped); their files
///   are shown relative to the folder (`nodes/node-3/kubelet.log`), and with several inputs under the
///   input's name (`node-3/kubelet.log`);
/// - a file given directly is shown under its name;
/// - gzip (`1f 8b`, all concatenated members) and tar (`ustar` at 257, after an optional gunzip) are told by
///   their bytes; archive members are shown as `bundle.tar.gz!/inner/path`, one tar inside a tar is followed;
/// - plain files arrive as [`Body::Mapped`], everything else as [`Body::Stream`] (whose read fails at damage).
///
/// When `progress` has no total yet, it gets one from the walk (decompressed sizes estimated when a bar is
/// drawn). Bytes are counted by the visitor ([`Progress::add`]), not here.
pub fn ingest(inputs: &[PathBuf], visitor: &dyn SourceVisitor, progress: &Progress) {
    let walk = discover::walk(inputs);
    if progress.total().is_none() {
        progress.set_total(if progress.is_drawn() {
            estimate(&walk.files)
        } else {
            walk.disk_bytes()
        });
    }
    for p in walk.problems {
        visitor.problem(p);
    }
    // Largest first, so one big file does not start last and run alone.
    let mut files: Vec<&discover::FileJob> = walk.files.iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.size));
    files.par_iter().for_each(|job| {
        // A bug in a decoder (or in the visitor) on one odd file must not end the whole run.
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| archive::read_file(job, visitor))) {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            visitor.problem(Problem {
                path: job.display.clone(),
                reason: format!("internal error while reading: {what}"),
            });
        }
    });
}

/// Expected bytes of content in `inputs`, for a [`Progress`] total: file sizes, with gzip files counted at
/// their (estimated) decompressed size. Walks the inputs; reports nothing.
pub fn discover_size(inputs: &[PathBuf]) -> u64 {
    estimate(&discover::walk(inputs).files)
}

fn estimate(files: &[discover::FileJob]) -> u64 {
    files.par_iter().map(archive::content_estimate).sum()
}

#[cfg(test)]
mod tests;
