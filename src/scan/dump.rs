//! Reading a kubectl dump source (events tables, describe output, `get` tables, API objects, the
//! cluster-info dump stream): the whole document is parsed at once; pod log blocks inside a cluster-info
//! stream go through the line scanner like any log.

use super::chunk::Scanner;
use super::SourceScan;
use parsers::kubectl::{self, detect, objects, Dump, DumpKind};
use parsers::Format;

/// Largest dump read into memory from a stream (archives); dumps are documents of megabytes, not logs.
pub const MAX_STREAM_DUMP: usize = 1 << 30;

/// Parses the dump `bytes` of kind `kind` into `scan`.
pub fn scan_dump(scan: &mut SourceScan, kind: DumpKind, bytes: &[u8]) {
    scan.format = Some((Format::Text, Format::Text));
    scan.bytes = bytes.len() as u64;
    let mut kind = kind;
    let mut dump = match kind {
        DumpKind::Json | DumpKind::ClusterInfoStream => {
            let (d, has_logs) = stream(scan, bytes);
            // The head may show only JSON: log blocks further down make it the cluster-info stream.
            kind = if has_logs {
                DumpKind::ClusterInfoStream
            } else {
                DumpKind::Json
            };
            d
        }
        _ => {
            let mut d = kubectl::parse(kind, bytes);
            // What people put above a dump (the prompt and command, a `date` line) is part of it.
            let preamble = detect::preamble_lines(bytes);
            d.skipped.retain(|(line, _)| *line > preamble);
            count_document_lines(scan, bytes, &d);
            d
        }
    };
    if let Some(t) = detect::written_capture_time(bytes) {
        dump.taken_at.insert(0, t);
    }
    add_extremes(scan, &dump);
    for (line, reason) in dump.skipped.iter().take(8) {
        scan.problems.push(format!("line {line}: {reason}"));
    }
    if dump.skipped.len() > 8 {
        scan.problems
            .push(format!("{} more unreadable rows or objects", dump.skipped.len() - 8));
    }
    scan.dump = Some((kind, dump));
}

/// Line counts of a table, describe or YAML document: blank lines, lines that could not be read, and the
/// rest read as rows, objects or their structure.
fn count_document_lines(scan: &mut SourceScan, bytes: &[u8], d: &Dump) {
    let c = &mut scan.counts;
    for l in bytes.split(|&b| b == b'\n') {
        c.lines += 1;
        c.longest = c.longest.max(l.len() as u64);
        if l.iter().all(u8::is_ascii_whitespace) {
            c.blank += 1;
        }
    }
    // A final newline does not start another line.
    if bytes.last() == Some(&b'\n') {
        c.lines -= 1;
        c.blank -= 1;
    }
    c.unparsed = (d.skipped.len() as u64).min(c.lines - c.blank);
    c.records = c.lines - c.blank - c.unparsed;
}

/// JSON documents, possibly with cluster-info log blocks between them; also says whether there were any.
fn stream(scan: &mut SourceScan, bytes: &[u8]) -> (Dump, bool) {
    let regions = objects::split_stream(bytes);
    let total_lines = bytecount_lines(bytes);
    let mut dump = Dump::default();
    let mut lines = Scanner::new(Format::Text);
    let starts: Vec<u64> = regions.iter().map(region_line).collect();
    let marker = memchr::memmem::Finder::new(b"==== START logs for container");
    let has_logs = regions.iter().any(|r| match r {
        objects::Region::Text { bytes: range, .. } => marker.find(&bytes[range.clone()]).is_some(),
        objects::Region::Json { .. } => false,
    });
    for (i, region) in regions.into_iter().enumerate() {
        let next = starts.get(i + 1).copied().unwrap_or(total_lines + 1);
        match region {
            objects::Region::Json { line, dump: d } => {
                lines.structure(next.saturating_sub(line));
                dump.extend(d);
            }
            objects::Region::Text { bytes: range, .. } => lines.feed(&bytes[range]),
        }
    }
    scan.absorb(vec![lines.finish()]);
    (dump, has_logs)
}

/// The dump's absolute times as the source's time range, so yearless logs of the bundle can take their
/// year from an events.json (a dated reference like any other).
fn add_extremes(scan: &mut SourceScan, d: &Dump) {
    let times = d
        .events
        .iter()
        .flat_map(|e| [(e.line, e.first.at()), (e.line, e.last.at())])
        .filter_map(|(line, t)| Some((line, t?)));
    let times: Vec<(u64, i64)> = times.collect();
    let lo = times.iter().min_by_key(|(_, t)| *t).copied();
    let mut hi = times.iter().max_by_key(|(_, t)| *t).copied();
    if let (Some(n), None) = (d.newest_absolute, hi) {
        hi = Some((1, n));
    }
    for (line, t) in lo.into_iter().chain(hi) {
        scan.extremes.push(super::chunk::Stamp {
            line,
            time: parsers::RawTime::Instant { unix_nanos: t },
        });
    }
}

fn region_line(r: &objects::Region) -> u64 {
    match r {
        objects::Region::Json { line, .. } | objects::Region::Text { line, .. } => *line,
    }
}

/// Physical lines (a final newline does not start another line).
fn bytecount_lines(b: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', b).count() as u64;
    n + u64::from(!b.is_empty() && b.last() != Some(&b'\n'))
}
