//! Reading one source: sniff its format, cut it into chunks at line boundaries, scan the chunks in parallel
//! (memory-mapped files) or in order (streams), and merge what they found.
//!
//! Memory follows what is kept: a mapped chunk's pages are released once scanned, a stream is read through one
//! fixed buffer, and only rows (collapsed warnings, errors and signals) and counters outlive a chunk.

pub mod chunk;
pub mod dump;
pub mod row;

use crate::ingest::{Body, Progress, SourceMeta};
use chunk::{BootAnchor, ChunkScan, Counts, Scanner, Stamp, TimeKinds, GIANT_LINE};
use parsers::sniff::{sniff, Sniffed, SNIFF_BYTES};
use parsers::{journald, line, Format, WallTime};
use rayon::prelude::*;
use row::RawRow;
use std::io::Read;

/// Segment size for parallel scanning of mapped files: each segment is scanned by one thread with one
/// scanner (so repeats within it collapse as they are read); files are the main unit of parallelism.
pub const SEGMENT: usize = 64 << 20;
/// Within a segment, pages are released every this many bytes so resident memory stays small.
pub const CHUNK: usize = 8 << 20;
/// Read buffer for streams.
const STREAM_BLOCK: usize = 4 << 20;

/// Everything learned from one source.
#[derive(Debug)]
pub struct SourceScan {
    /// Where it came from.
    pub meta: SourceMeta,
    /// Sniffed outer and inner format (`None` when the source was skipped).
    pub format: Option<(Format, Format)>,
    /// Line counts.
    pub counts: Counts,
    /// Time kinds.
    pub times: TimeKinds,
    /// Records by level (index = `Severity as usize`).
    pub severities: [u64; 8],
    /// `(outer, inner)` formats of records.
    pub formats: Vec<((Format, Format), u64)>,
    /// Hosts written by the envelope, most frequent first.
    pub hosts: Vec<(String, u64)>,
    /// Program identifiers, most frequent first.
    pub idents: Vec<(String, u64)>,
    /// First record time (line order).
    pub first: Option<Stamp>,
    /// Last record time (line order).
    pub last: Option<Stamp>,
    /// Candidates for the earliest and latest record time (per chunk and kind of time).
    pub extremes: Vec<Stamp>,
    /// First yearless wall reading.
    pub first_yearless: Option<(u64, WallTime)>,
    /// Last yearless wall reading.
    pub last_yearless: Option<(u64, WallTime)>,
    /// Year steps inside the file (see [`crate::normalize::clock::YearStep`]).
    pub rollovers: Vec<crate::normalize::clock::YearStep>,
    /// klog preamble creation time.
    pub preamble: Option<WallTime>,
    /// klog preamble host.
    pub machine: Option<String>,
    /// Kernel lines with both a wall time and a time since boot.
    pub boot_anchors: Vec<BootAnchor>,
    /// First unparsed lines.
    pub unparsed_samples: Vec<(u64, String)>,
    /// Kept rows.
    pub rows: Vec<RawRow>,
    /// What went wrong reading or parsing this source.
    pub problems: Vec<String>,
    /// Bytes read.
    pub bytes: u64,
    /// What a kubectl dump held, when the source is one.
    pub dump: Option<(parsers::kubectl::DumpKind, parsers::kubectl::Dump)>,
}

impl SourceScan {
    fn empty(meta: SourceMeta) -> SourceScan {
        SourceScan {
            meta,
            format: None,
            counts: Counts::default(),
            times: TimeKinds::default(),
            severities: [0; 8],
            formats: Vec::new(),
            hosts: Vec::new(),
            idents: Vec::new(),
            first: None,
            last: None,
            extremes: Vec::new(),
            first_yearless: None,
            last_yearless: None,
            rollovers: Vec::new(),
            preamble: None,
            machine: None,
            boot_anchors: Vec::new(),
            unparsed_samples: Vec::new(),
            rows: Vec::new(),
            problems: Vec::new(),
            bytes: 0,
            dump: None,
        }
    }

    /// Records no grammar accepted: the "skipped" of the report.
    pub fn skipped(&self) -> u64 {
        self.counts.unparsed
    }

    /// Records and the lines attached to them: the "parsed" of the report.
    pub fn parsed(&self) -> u64 {
        self.counts.records + self.counts.continuations + self.counts.metas
    }
}

/// Scans one source.
pub fn scan_source(meta: SourceMeta, body: Body<'_>, progress: &Progress) -> SourceScan {
    let mut scan = SourceScan::empty(meta);
    match body {
        Body::Mapped(map) => scan_mapped(&mut scan, map, progress),
        Body::Stream(r) => scan_stream(&mut scan, r, progress),
    }
    scan.finish_problems();
    scan
}

/// What the head says about the whole source; `None` when the source is to be skipped (reason recorded).
fn decide(scan: &mut SourceScan, head: &[u8]) -> Option<Sniffed> {
    if head.is_empty() {
        scan.problems.push("empty file".into());
        return None;
    }
    match sniff(head) {
        Sniffed::BinaryJournal => {
            scan.problems.push(
                "binary systemd journal: export it first (journalctl --file FILE -o short-iso-precise > FILE.log)"
                    .into(),
            );
            None
        }
        Sniffed::Binary => {
            scan.problems
                .push("binary file (NUL or control bytes in its first 64 KiB): skipped".into());
            None
        }
        s => Some(s),
    }
}

fn hint_of(s: &Sniffed) -> Format {
    match s {
        Sniffed::Text { format, .. } => *format,
        Sniffed::JournalExport => Format::JournalExport,
        _ => Format::Text,
    }
}

fn scan_mapped(scan: &mut SourceScan, map: &memmap2::Mmap, progress: &Progress) {
    let bytes: &[u8] = map;
    scan.bytes = bytes.len() as u64;
    let Some(sniffed) = decide(scan, &bytes[..bytes.len().min(SNIFF_BYTES)]) else {
        progress.add(scan.bytes);
        return;
    };
    if let Some(kind) = parsers::kubectl::detect::detect(&bytes[..bytes.len().min(SNIFF_BYTES)]) {
        dump::scan_dump(scan, kind, bytes);
        progress.add(scan.bytes);
        return;
    }
    scan.format = Some(formats_of(&sniffed));
    if sniffed == Sniffed::JournalExport {
        let mut s = Scanner::new(Format::JournalExport);
        feed_export(&mut s, bytes, true);
        progress.add(scan.bytes);
        scan.absorb(vec![s.finish()]);
        return;
    }
    let hint = hint_of(&sniffed);
    let segments = chunk_ranges(bytes, SEGMENT);
    let chunks: Vec<ChunkScan> = segments
        .par_iter()
        .map(|&(a, b)| {
            let mut s = if a == 0 {
                Scanner::new(hint)
            } else {
                Scanner::new(hint).mid_source()
            };
            for (x, y) in chunk_ranges(&bytes[a..b], CHUNK) {
                s.feed(&bytes[a + x..a + y]);
                release(map, a + x, a + y);
                progress.add((y - x) as u64);
            }
            s.finish()
        })
        .collect();
    scan.absorb(chunks);
}

/// Tells the kernel the scanned pages of a read-only file mapping are no longer needed, so resident memory
/// follows the chunks in flight rather than the file size. The page cache keeps them for other readers.
fn release(map: &memmap2::Mmap, a: usize, b: usize) {
    #[cfg(unix)]
    {
        // Whole pages inside [a, b) only: neighbouring chunks may still be in use.
        const PAGE: usize = 4096;
        let start = a.div_ceil(PAGE) * PAGE;
        let end = b / PAGE * PAGE;
        if end > start {
            // SAFETY: the mapping is read-only and file-backed; DONTNEED drops our references to its pages,
            // and later reads (none are made) would fault them back in from the file. No data can be lost.
            let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start) };
        }
    }
    #[cfg(not(unix))]
    let _ = (map, a, b);
}

/// Cuts `bytes` into ranges of about `size` bytes that start after a `\n` and end after one (or at the end).
pub fn chunk_ranges(bytes: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(bytes.len() / size + 1);
    let mut a = 0;
    while a < bytes.len() {
        let target = a.saturating_add(size);
        let b = if target >= bytes.len() {
            bytes.len()
        } else {
            memchr::memchr(b'\n', &bytes[target..]).map_or(bytes.len(), |i| target + i + 1)
        };
        out.push((a, b));
        a = b;
    }
    out
}

fn scan_stream(scan: &mut SourceScan, r: &mut dyn Read, progress: &Progress) {
    let mut buf = vec![0u8; STREAM_BLOCK];
    let mut filled = 0;
    // Fill the first block for sniffing.
    let mut error: Option<std::io::Error> = None;
    while filled < SNIFF_BYTES.min(buf.len()) {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    // A stream that fails before its first byte is unreadable, not empty: the read error alone says why.
    let sniffed = if filled == 0 && error.is_some() {
        None
    } else {
        decide(scan, &buf[..filled])
    };
    let Some(sniffed) = sniffed else {
        // Skipped (binary) or unreadable: what was read of the head still counts.
        scan.bytes = filled as u64;
        progress.add(filled as u64);
        if let Some(e) = error {
            scan.problems.push(format!("read error after {filled} bytes: {e}"));
        }
        return;
    };
    if let Some(kind) = parsers::kubectl::detect::detect(&buf[..filled]) {
        buf.truncate(filled);
        read_dump(scan, kind, buf, r, error, progress);
        return;
    }
    scan.format = Some(formats_of(&sniffed));
    let export = sniffed == Sniffed::JournalExport;
    let mut s = Scanner::new(hint_of(&sniffed));
    let mut total = 0u64;
    let mut giant = GiantSkip::default();
    loop {
        if error.is_none() && filled < buf.len() {
            match r.read(&mut buf[filled..]) {
                Ok(0) => {}
                Ok(n) => {
                    filled += n;
                    continue;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => error = Some(e),
            }
        }
        let eof = filled < buf.len();
        let used = if export {
            feed_export(&mut s, &buf[..filled], eof)
        } else {
            feed_lines(&mut s, &buf[..filled], eof, &mut giant)
        };
        total += used as u64;
        progress.add(used as u64);
        buf.copy_within(used..filled, 0);
        filled -= used;
        if eof && (filled == 0 || used == 0) {
            break;
        }
    }
    if let Some(e) = error {
        scan.problems.push(format!(
            "read error after {total} bytes (what came before was read): {e}"
        ));
    }
    scan.bytes = total;
    scan.absorb(vec![s.finish()]);
    // The scanner only saw the head of a line longer than the buffer; its real length was counted here.
    scan.counts.longest = scan.counts.longest.max(giant.longest);
}

/// Reads the rest of a dump stream (its head is `head`) into memory, bounded by [`dump::MAX_STREAM_DUMP`].
fn read_dump(
    scan: &mut SourceScan,
    kind: parsers::kubectl::DumpKind,
    mut head: Vec<u8>,
    r: &mut dyn Read,
    error: Option<std::io::Error>,
    progress: &Progress,
) {
    let mut error = error;
    if error.is_none() {
        let limit = (dump::MAX_STREAM_DUMP - head.len().min(dump::MAX_STREAM_DUMP)) as u64;
        if let Err(e) = r.take(limit).read_to_end(&mut head) {
            error = Some(e);
        }
    }
    let mut rest = [0u8; 1];
    let cut = error.is_none() && head.len() >= dump::MAX_STREAM_DUMP && r.read(&mut rest).is_ok_and(|n| n > 0);
    dump::scan_dump(scan, kind, &head);
    progress.add(head.len() as u64);
    if cut {
        scan.problems.push(format!(
            "dump larger than {} MiB: only its head was read",
            dump::MAX_STREAM_DUMP >> 20
        ));
    }
    if let Some(e) = error {
        scan.problems.push(format!(
            "read error after {} bytes (what came before was read): {e}",
            head.len()
        ));
    }
}

/// A line longer than the stream buffer being skipped, and the longest such line.
#[derive(Default)]
struct GiantSkip {
    /// Bytes of the current giant line seen so far (0: not skipping).
    len: u64,
    /// Longest giant line, bytes.
    longest: u64,
}

impl GiantSkip {
    fn skipping(&self) -> bool {
        self.len > 0
    }

    /// `n` more bytes of the giant line; `ends`: its newline was found.
    fn add(&mut self, n: usize, ends: bool) {
        self.len += n as u64;
        self.longest = self.longest.max(self.len);
        if ends {
            self.len = 0;
        }
    }
}

/// Feeds the whole lines of `buf` (and the tail when `eof`); returns the bytes consumed. A line longer than
/// the buffer is cut at [`GIANT_LINE`]: its head is parsed, the rest skipped up to the next newline (its length
/// is counted in `giant`).
fn feed_lines(s: &mut Scanner, buf: &[u8], eof: bool, giant: &mut GiantSkip) -> usize {
    let mut start = 0;
    while start < buf.len() {
        match memchr::memchr(b'\n', &buf[start..]) {
            Some(i) => {
                if giant.skipping() {
                    giant.add(i, true);
                } else {
                    s.line(&buf[start..start + i]);
                }
                start += i + 1;
            }
            None if eof => {
                if giant.skipping() {
                    giant.add(buf.len() - start, true);
                } else {
                    s.line(&buf[start..]);
                }
                return buf.len();
            }
            None if start == 0 && buf.len() >= GIANT_LINE => {
                // A line longer than the whole buffer: parse what we have, skip the rest of it.
                if !giant.skipping() {
                    let mut head = buf.to_vec();
                    head.resize(GIANT_LINE + 1, b' ');
                    s.line(&head);
                }
                giant.add(buf.len(), false);
                return buf.len();
            }
            None => return start,
        }
    }
    start
}

/// Feeds `journalctl -o export` entries; returns the bytes consumed.
fn feed_export(s: &mut Scanner, buf: &[u8], eof: bool) -> usize {
    let mut start = 0;
    let mut scratch = Vec::new();
    while start < buf.len() {
        let rest = &buf[start..];
        let len = match journald::export_entry_len(rest) {
            Some(n) if n > 0 => n,
            _ if eof => rest.len(),
            _ => break,
        };
        let entry = &rest[..len];
        let lines = memchr::memchr_iter(b'\n', entry).count().max(1) as u64;
        scratch.clear();
        match journald::parse_export(entry, &mut scratch) {
            Some(rec) => s.external_record(line::refine(rec), lines),
            None => {
                for l in entry.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
                    s.line(l);
                }
            }
        }
        start += len;
    }
    start
}

fn formats_of(s: &Sniffed) -> (Format, Format) {
    match s {
        Sniffed::Text { format, inner, .. } => (*format, *inner),
        Sniffed::JournalExport => (Format::JournalExport, Format::JournalExport),
        _ => (Format::Text, Format::Text),
    }
}

impl SourceScan {
    /// Merges chunk scans (in order) into this source scan.
    fn absorb(&mut self, chunks: Vec<ChunkScan>) {
        let mut offset = 0u64;
        let mut section: Option<Box<str>> = None;
        let mut hosts: Vec<(Vec<u8>, u64)> = Vec::new();
        let mut idents: Vec<(Vec<u8>, u64)> = Vec::new();
        for mut c in chunks {
            let shift = |s: &mut Stamp| s.line += offset;
            if let Some(lead) = c.leading_continuation.take() {
                if let Some(row) = self.rows.last_mut().filter(|r| r.count == 1 && r.line + 1 >= offset) {
                    row.message.push('\n');
                    row.message.push_str(&lead);
                }
            }
            if let (Some((_, prev)), Some((l, w))) = (self.last_yearless, c.first_yearless) {
                let step = crate::normalize::clock::year_step(prev.month, w.month);
                if step != 0 {
                    self.rollovers
                        .push(crate::normalize::clock::YearStep { line: l + offset, step });
                }
            }
            for (i, r) in c.rows.iter_mut().enumerate() {
                r.line += offset;
                r.last_line += offset;
                if i < c.rows_before_first_section && r.section.is_none() {
                    r.section = section.clone();
                }
            }
            if let Some(s) = c.section_at_end.take() {
                section = s;
            }
            self.rows.append(&mut c.rows);
            self.rollovers
                .extend(c.rollovers.iter().map(|r| crate::normalize::clock::YearStep {
                    line: r.line + offset,
                    ..*r
                }));
            for mut a in c.boot_anchors {
                shift(&mut a.at);
                if self.boot_anchors.len() < 32 {
                    self.boot_anchors.push(a);
                } else if let Some(last) = self.boot_anchors.last_mut() {
                    *last = a;
                }
            }
            if let Some(mut f) = c.first {
                if self.first.is_none() {
                    shift(&mut f);
                    self.first = Some(f);
                }
            }
            for (mut lo, mut hi) in c.extremes.iter().flatten().copied() {
                shift(&mut lo);
                shift(&mut hi);
                self.extremes.push(lo);
                self.extremes.push(hi);
            }
            if let Some(mut l) = c.last {
                shift(&mut l);
                self.last = Some(l);
            }
            if self.first_yearless.is_none() {
                self.first_yearless = c.first_yearless.map(|(l, w)| (l + offset, w));
            }
            if let Some((l, w)) = c.last_yearless {
                self.last_yearless = Some((l + offset, w));
            }
            self.preamble = self.preamble.or(c.preamble);
            if self.machine.is_none() {
                self.machine = c.machine;
            }
            for (l, t) in c.unparsed_samples {
                if self.unparsed_samples.len() < 3 {
                    self.unparsed_samples.push((l + offset, t));
                }
            }
            merge_tally(&mut self.formats, c.formats);
            merge_tally(&mut hosts, c.hosts);
            merge_tally(&mut idents, c.idents);
            for (i, n) in c.severities.iter().enumerate() {
                self.severities[i] += n;
            }
            self.times.add(&c.times);
            self.counts.add(&c.counts);
            offset += c.counts.lines;
        }
        let named = |v: Vec<(Vec<u8>, u64)>| {
            let mut v: Vec<(String, u64)> = v
                .into_iter()
                .map(|(k, n)| (String::from_utf8_lossy(&k).into_owned(), n))
                .collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        self.hosts = named(hosts);
        self.idents = named(idents);
        self.formats.sort_by_key(|f| std::cmp::Reverse(f.1));
    }

    fn finish_problems(&mut self) {
        let c = self.counts;
        if c.unparsed > 0 {
            let samples: Vec<String> = self
                .unparsed_samples
                .iter()
                .map(|(l, t)| format!("line {l}: {t:?}"))
                .collect();
            self.problems.push(format!(
                "{} of {} lines match no known format (counted, not in the timeline unless they name a known signal); e.g. {}",
                c.unparsed,
                c.lines,
                samples.join("; ")
            ));
        }
        if c.giant > 0 {
            self.problems.push(format!(
                "{} lines over 1 MiB (longest {} bytes): only their first 64 KiB were parsed",
                c.giant, c.longest
            ));
        }
        if c.invalid_utf8 > 0 {
            self.problems.push(format!(
                "{} kept lines are not valid UTF-8 (shown with U+FFFD)",
                c.invalid_utf8
            ));
        }
        if c.lines > 0 && c.records == 0 && self.format.is_some() && self.dump.is_none() {
            self.problems
                .push("no line of this file matches a known log format".into());
        }
    }
}

fn merge_tally<K: PartialEq>(into: &mut Vec<(K, u64)>, from: Vec<(K, u64)>) {
    for (k, n) in from {
        match into.iter_mut().find(|(kk, _)| *kk == k) {
            Some((_, m)) => *m += n,
            None => into.push((k, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_newlines_and_cover_everything() {
        let text = b"aaaa\nbbbbbbbb\ncc\n\ndddd";
        let r = chunk_ranges(text, 3);
        assert_eq!(r, vec![(0, 5), (5, 14), (14, 18), (18, 22)]);
        // Chunks are contiguous and cover every byte.
        assert!(r.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(chunk_ranges(b"", 8), vec![]);
        assert_eq!(chunk_ranges(b"abc\n", 100), vec![(0, 4)]);
    }
}
