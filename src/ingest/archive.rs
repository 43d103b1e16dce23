//! Reading one file found by the walk: memory-mapped when plain, otherwise as a stream through gzip
//! (`MultiGzDecoder`, so concatenated members are all read) and tar (members streamed in archive order, a tar
//! inside a tar followed one level). Nothing is extracted: every member is handed to the visitor as a stream.
//!
//! Formats are told by their bytes, never by the name: gzip by `1f 8b` at 0, tar by `ustar` at 257.

use super::discover::{os_reason, plausible_epoch_secs, FileJob};
use super::{Body, Problem, SourceMeta, SourceVisitor};
use flate2::read::MultiGzDecoder;
use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::SystemTime;

/// Bytes looked at to tell the format: one tar header block.
const SNIFF: usize = 512;
/// Offset and value of the POSIX/GNU tar magic (`ustar\0` or `ustar  `).
const TAR_MAGIC_AT: usize = 257;
const TAR_MAGIC: &[u8] = b"ustar";
/// Tar levels read: the archive itself and one archive inside it.
const MAX_TAR_DEPTH: usize = 2;
/// Gzip layers undone per source (`x.log.gz.gz` happens when rotation compresses twice).
const MAX_GZ_LAYERS: u8 = 2;

/// Whether `head` starts with the gzip magic.
pub(crate) fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Whether `head` (at least one 512-byte block) is a ustar header.
pub(crate) fn is_tar(head: &[u8]) -> bool {
    head.get(TAR_MAGIC_AT..TAR_MAGIC_AT + TAR_MAGIC.len()) == Some(TAR_MAGIC)
}

/// The MTIME of a gzip header (bytes 4..8, little-endian), when set and plausible.
fn gzip_mtime(head: &[u8]) -> Option<SystemTime> {
    let b: [u8; 4] = head.get(4..8)?.try_into().ok()?;
    plausible_epoch_secs(u64::from(u32::from_le_bytes(b)))
}

/// Reads one file: hands it to `visitor` (mapped, or streamed when compressed or an archive), or reports why
/// it cannot be read.
pub(crate) fn read_file(job: &FileJob, visitor: &dyn SourceVisitor) {
    let file = match File::open(&job.fs_path) {
        Ok(f) => f,
        Err(e) => {
            visitor.problem(Problem {
                path: job.display.clone(),
                reason: os_reason(&e),
            });
            return;
        }
    };
    let src = Source {
        display: job.display.clone(),
        fs_path: &job.fs_path,
        size: Some(job.size),
        mtime: job.mtime,
        compressed: false,
        gz_layers: 0,
    };
    // SAFETY: the mapping is read-only and private to this call. Memory safety would only be at risk if the
    // file were truncated by another process while mapped (SIGBUS); incident inputs are collected copies.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) if !map.is_empty() => {
            let bytes: &[u8] = &map;
            if is_gzip(bytes) || is_tar(bytes) {
                read_stream(src, &mut &bytes[..], 0, visitor);
            } else {
                visitor.visit(src.meta(), Body::Mapped(&map));
            }
        }
        // Not mappable (some file systems, a file emptied since the walk): read it as a stream.
        _ => read_stream(src, &mut BufReader::with_capacity(64 << 10, file), 0, visitor),
    }
}

/// A rough size of the content of a file once decompressed, for the progress bar: the gzip trailer's ISIZE
/// (size of the last member, modulo 4 GiB) when larger than the file, else the file size.
pub(crate) fn content_estimate(job: &FileJob) -> u64 {
    fn isize_of(path: &Path, size: u64) -> io::Result<Option<u64>> {
        let mut f = File::open(path)?;
        let mut magic = [0u8; 2];
        f.read_exact(&mut magic)?;
        if !is_gzip(&magic) || size < 18 {
            return Ok(None);
        }
        f.seek(SeekFrom::End(-4))?;
        let mut tail = [0u8; 4];
        f.read_exact(&mut tail)?;
        Ok(Some(u64::from(u32::from_le_bytes(tail))))
    }
    match isize_of(&job.fs_path, job.size) {
        Ok(Some(n)) => n.max(job.size),
        _ => job.size,
    }
}

/// What is known of a source being read (becomes its [`SourceMeta`]).
struct Source<'a> {
    display: String,
    fs_path: &'a Path,
    size: Option<u64>,
    mtime: Option<SystemTime>,
    compressed: bool,
    gz_layers: u8,
}

impl Source<'_> {
    fn meta(&self) -> SourceMeta {
        SourceMeta {
            path: self.display.clone(),
            fs_path: self.fs_path.to_path_buf(),
            size: self.size,
            mtime: self.mtime,
            compressed: self.compressed,
        }
    }

    fn problem(&self, visitor: &dyn SourceVisitor, reason: impl Into<String>) {
        visitor.problem(Problem {
            path: self.display.clone(),
            reason: reason.into(),
        });
    }
}

/// Reads one stream: gunzips it when it starts with the gzip magic, walks it as a tar archive when it holds
/// one (`depth`: tar levels already entered), else hands it to the visitor.
fn read_stream(src: Source<'_>, reader: &mut dyn Read, depth: usize, visitor: &dyn SourceVisitor) {
    let (head, err) = sniff(reader);
    if head.is_empty() && err.is_none() {
        src.problem(visitor, "empty file");
        return;
    }
    if is_gzip(&head) && src.gz_layers < MAX_GZ_LAYERS {
        let inner = Source {
            mtime: gzip_mtime(&head).or(src.mtime),
            size: None,
            compressed: true,
            gz_layers: src.gz_layers + 1,
            ..src
        };
        let mut gz = Gunzip::new(Replay::new(head, err, reader));
        read_stream(inner, &mut gz, depth, visitor);
        return;
    }
    let mut replay = Replay::new(head, err, reader);
    if is_tar(&replay.head) {
        if depth >= MAX_TAR_DEPTH {
            src.problem(visitor, "archive nested too deep (tar in a tar in a tar): not read");
        } else {
            read_tar(&src, &mut replay, depth, visitor);
        }
        return;
    }
    visitor.visit(src.meta(), Body::Stream(&mut replay));
}

/// Walks a tar stream, reading each regular member in turn. Damage to the archive itself (bad header, cut
/// short) ends it with a problem naming how far it got; the members read before stay read.
fn read_tar(archive: &Source<'_>, reader: &mut dyn Read, depth: usize, visitor: &dyn SourceVisitor) {
    let mut ar = tar::Archive::new(reader);
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            archive.problem(visitor, format!("unreadable tar archive: {e}"));
            return;
        }
    };
    let mut members = 0usize;
    let mut last: Option<String> = None;
    // A tar may hold the same path twice (appended updates): later copies get `#2`, `#3`, …
    let mut names: HashSet<String> = HashSet::new();
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = match &last {
                    Some(l) => format!("after {members} members (last: {l})"),
                    None => "before any member".to_string(),
                };
                archive.problem(visitor, format!("damaged tar archive, read stopped {at}: {e}"));
                return;
            }
        };
        let kind = entry.header().entry_type();
        // Folders, links (their target is another member or outside), pax/GNU metadata: nothing to read.
        if !(kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse()) {
            continue;
        }
        let name = member_name(&entry.path_bytes());
        if name.is_empty() || name.ends_with('/') {
            continue;
        }
        members += 1;
        let mut unique = name.clone();
        let mut n = 1;
        while !names.insert(unique.clone()) {
            n += 1;
            unique = format!("{name}#{n}");
        }
        let display = format!("{}!/{unique}", archive.display);
        last = Some(name);
        let size = entry.size();
        let member = Source {
            display,
            fs_path: archive.fs_path,
            size: Some(size),
            mtime: entry.header().mtime().ok().and_then(plausible_epoch_secs),
            compressed: archive.compressed,
            gz_layers: 0,
        };
        if size == 0 {
            member.problem(visitor, "empty file");
            continue;
        }
        read_stream(member, &mut Exact::new(&mut entry, size), depth + 1, visitor);
    }
}

/// A member's path inside its archive, `/`-separated, without a leading `./` or `/`.
fn member_name(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let mut s: &str = &s;
    loop {
        if let Some(rest) = s.strip_prefix("./") {
            s = rest;
        } else if let Some(rest) = s.strip_prefix('/') {
            s = rest;
        } else {
            break;
        }
    }
    s.to_string()
}

/// Reads up to [`SNIFF`] bytes; an error met on the way is kept to be returned later, after those bytes.
fn sniff(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut head = vec![0u8; SNIFF];
    let mut filled = 0;
    while filled < SNIFF {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                head.truncate(filled);
                return (head, Some(e));
            }
        }
    }
    head.truncate(filled);
    (head, None)
}

/// The bytes read while sniffing, then the rest of the stream. An error met while sniffing is returned once
/// the sniffed bytes are consumed, i.e. at the damage.
struct Replay<R> {
    head: Vec<u8>,
    pos: usize,
    err: Option<io::Error>,
    inner: R,
}

impl<R: Read> Replay<R> {
    fn new(head: Vec<u8>, err: Option<io::Error>, inner: R) -> Self {
        Replay {
            head,
            pos: 0,
            err,
            inner,
        }
    }
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        self.inner.read(buf)
    }
}

/// An archive member that must give exactly `size` bytes: an early end (archive cut short) is an error, not
/// a silently shorter file.
struct Exact<R> {
    inner: R,
    left: u64,
    size: u64,
}

impl<R: Read> Exact<R> {
    fn new(inner: R, size: u64) -> Self {
        Exact {
            inner,
            left: size,
            size,
        }
    }
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.left == 0 {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "truncated archive: member ends after {} of {} bytes",
                    self.size - self.left,
                    self.size
                ),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Gzip decoding (all members) whose own errors read `corrupt gzip: …` / `truncated gzip: …`, while errors
/// of the underlying stream pass through unchanged.
struct Gunzip<R: Read> {
    dec: MultiGzDecoder<Marked<R>>,
}

impl<R: Read> Gunzip<R> {
    fn new(inner: R) -> Self {
        Gunzip {
            dec: MultiGzDecoder::new(Marked(inner)),
        }
    }
}

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.dec.read(buf).map_err(|e| {
            if e.get_ref().is_some_and(|r| r.is::<Underlying>()) {
                return match e.into_inner().map(|r| r.downcast::<Underlying>()) {
                    Some(Ok(u)) => u.0,
                    _ => io::Error::other("read error"),
                };
            }
            if e.to_string().starts_with("corrupt gzip") {
                e
            } else if e.kind() == io::ErrorKind::UnexpectedEof {
                io::Error::new(e.kind(), format!("truncated gzip: {e}"))
            } else {
                io::Error::new(e.kind(), format!("corrupt gzip: {e}"))
            }
        })
    }
}

/// Tags the errors of the stream under a decoder, to tell them from the decoder's own.
struct Marked<R>(R);

impl<R: Read> Read for Marked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| io::Error::new(e.kind(), Underlying(e)))
    }
}

#[derive(Debug)]
struct Underlying(io::Error);

impl fmt::Display for Underlying {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Underlying {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::{Compression, GzBuilder};
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(r: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn magic_detection() {
        assert!(is_gzip(&gz(b"x")));
        assert!(!is_gzip(b"\x1f"));
        let mut block = vec![0u8; 512];
        assert!(!is_tar(&block));
        block[257..262].copy_from_slice(b"ustar");
        assert!(is_tar(&block));
        assert!(!is_tar(&block[..260]));
    }

    #[test]
    fn gzip_header_mtime() {
        let mut e = GzBuilder::new()
            .mtime(1_700_000_000)
            .write(Vec::new(), Compression::fast());
        e.write_all(b"x").unwrap();
        let bytes = e.finish().unwrap();
        assert_eq!(gzip_mtime(&bytes), plausible_epoch_secs(1_700_000_000));
        assert_eq!(gzip_mtime(&gz(b"x")), None); // GzEncoder writes 0
    }

    #[test]
    fn replay_gives_head_then_error_then_rest() {
        let err = io::Error::new(io::ErrorKind::InvalidData, "boom");
        let mut r = Replay::new(b"abc".to_vec(), Some(err), &b"def"[..]);
        let (got, e) = read_all(&mut r);
        assert_eq!(got, b"abc");
        assert_eq!(e.unwrap().to_string(), "boom");
    }

    #[test]
    fn exact_fails_on_short_member() {
        let mut r = Exact::new(&b"abc"[..], 5);
        let (got, e) = read_all(&mut r);
        assert_eq!(got, b"abc");
        let e = e.unwrap();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(e.to_string().contains("3 of 5"), "{e}");
        let mut r = Exact::new(&b"abcdef"[..], 4);
        let (got, e) = read_all(&mut r);
        assert_eq!(got, b"abcd");
        assert!(e.is_none());
    }

    #[test]
    fn gunzip_labels_its_own_errors_and_passes_others() {
        let whole = gz(&b"line of log\n".repeat(500));
        let (got, e) = read_all(&mut Gunzip::new(&whole[..whole.len() / 2]));
        let e = e.expect("truncated gzip must fail");
        assert!(e.to_string().contains("gzip"), "{e}");
        assert!(got.len() < 500 * 12);

        let mut bad = whole.clone();
        bad[20] ^= 0xff;
        bad[21] ^= 0xff;
        let (_, e) = read_all(&mut Gunzip::new(&bad[..]));
        assert!(e.expect("corrupt gzip must fail").to_string().contains("gzip"));

        let (_, e) = read_all(&mut Gunzip::new(Exact::new(&whole[..10], 100)));
        assert!(e.unwrap().to_string().starts_with("truncated archive"));
    }

    #[test]
    fn member_names() {
        assert_eq!(member_name(b"./a/b.log"), "a/b.log");
        assert_eq!(member_name(b"/abs/x"), "abs/x");
        assert_eq!(member_name(b"././x"), "x");
        assert_eq!(member_name(b"./"), "");
    }
}
