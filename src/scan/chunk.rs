//! Scanning one chunk of a source: a run of whole lines, parsed in one pass, independent of other chunks.
//!
//! Everything a chunk learns is kept with chunk-relative line numbers (1-based) and merged in order by
//! [`super::merge`]. Records are counted; only warnings, errors, signals and error-worded lines without a level
//! become [`RawRow`]s, collapsed by template while the chunk is read.

use super::row::{display_text, push_decoded, template_key, to_text, RawRow, MAX_MESSAGE};
use crate::normalize::clock::{year_step, YearStep};
use crate::signals;
use parsers::line::{self, Scratch};
use parsers::{Format, Line, Meta, RawTime, Record, Severity, WallTime};
use rustc_hash::FxHashMap;
use std::hash::{BuildHasher, Hash, Hasher};

/// Lines longer than this are reported and only their first [`GIANT_PREFIX`] bytes are parsed.
pub const GIANT_LINE: usize = 1 << 20;
/// Bytes of a giant line that are parsed.
pub const GIANT_PREFIX: usize = 64 * 1024;
/// Repeats further apart than this start a new row.
pub const COLLAPSE_GAP_NS: i64 = 10 * 60 * 1_000_000_000;
const MAX_SAMPLES: usize = 3;
const MAX_BOOT_ANCHORS: usize = 16;
const MAX_PARTIAL: usize = 1 << 20;
/// Bound of the exact-text cache of template keys (cleared when full).
const MAX_EXACT_KEYS: usize = 1 << 16;

/// How many lines of each kind a chunk held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Physical lines.
    pub lines: u64,
    /// Lines that are records.
    pub records: u64,
    /// Header-less lines attached to the record before them.
    pub continuations: u64,
    /// Preamble, journal banners, section headers.
    pub metas: u64,
    /// Empty lines.
    pub blank: u64,
    /// Lines no grammar accepts.
    pub unparsed: u64,
    /// Lines over [`GIANT_LINE`].
    pub giant: u64,
    /// Longest line, bytes.
    pub longest: u64,
    /// Kept rows whose text was not valid UTF-8.
    pub invalid_utf8: u64,
    /// Records whose message was rebuilt from CRI/docker partial chunks.
    pub joined_partials: u64,
}

impl Counts {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &Counts) {
        self.lines += o.lines;
        self.records += o.records;
        self.continuations += o.continuations;
        self.metas += o.metas;
        self.blank += o.blank;
        self.unparsed += o.unparsed;
        self.giant += o.giant;
        self.longest = self.longest.max(o.longest);
        self.invalid_utf8 += o.invalid_utf8;
        self.joined_partials += o.joined_partials;
    }
}

/// Times seen by kind, for the report's "how time was decided".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeKinds {
    /// Absolute instants (zone or epoch written).
    pub instant: u64,
    /// Wall readings with a year.
    pub wall_dated: u64,
    /// Wall readings without a year.
    pub wall_yearless: u64,
    /// Times since boot.
    pub since_boot: u64,
    /// Records without a time.
    pub none: u64,
}

impl TimeKinds {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &TimeKinds) {
        self.instant += o.instant;
        self.wall_dated += o.wall_dated;
        self.wall_yearless += o.wall_yearless;
        self.since_boot += o.since_boot;
        self.none += o.none;
    }
}

/// A time read at a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// Line (chunk-relative until merged).
    pub line: u64,
    /// Time as written.
    pub time: RawTime,
}

/// A kernel line under journald/syslog carrying both a wall time and a time since boot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BootAnchor {
    /// Line and wall time.
    pub at: Stamp,
    /// Nanoseconds since boot.
    pub since_boot: u64,
}

/// What one chunk holds.
#[derive(Debug, Default)]
pub struct ChunkScan {
    /// Line counts.
    pub counts: Counts,
    /// Time kinds.
    pub times: TimeKinds,
    /// Records by level.
    pub severities: [u64; 8],
    /// `(outer, inner)` format of records, with counts.
    pub formats: Vec<((Format, Format), u64)>,
    /// Host names written by the envelope, with counts.
    pub hosts: Vec<(Vec<u8>, u64)>,
    /// Program identifiers, with counts.
    pub idents: Vec<(Vec<u8>, u64)>,
    /// First record time (line order).
    pub first: Option<Stamp>,
    /// Last record time (line order).
    pub last: Option<Stamp>,
    /// Earliest and latest time of each kind of time (instant, dated wall, yearless wall, since boot), compared on
    /// the chunk's provisional scale; resolved and compared across kinds once clocks are decided.
    pub extremes: [Option<(Stamp, Stamp)>; 4],
    /// First and last yearless wall reading (for rollovers across chunks and year inference).
    pub first_yearless: Option<(u64, WallTime)>,
    /// Last yearless wall reading.
    pub last_yearless: Option<(u64, WallTime)>,
    /// Year steps between consecutive yearless readings (Dec→Jan forward, reversed journals backward).
    pub rollovers: Vec<YearStep>,
    /// klog preamble creation time.
    pub preamble: Option<WallTime>,
    /// klog preamble host.
    pub machine: Option<String>,
    /// Boot anchors (first few).
    pub boot_anchors: Vec<BootAnchor>,
    /// First unparsed lines (line, text).
    pub unparsed_samples: Vec<(u64, String)>,
    /// Kept rows, in order of first occurrence.
    pub rows: Vec<RawRow>,
    /// Header-less lines at the start of the chunk, to attach to the previous chunk's last record.
    pub leading_continuation: Option<String>,
    /// Row that received the chunk's last record, when that record was kept.
    pub tail_row: Option<usize>,
    /// Rows created before the chunk's first section header (they belong to the previous chunk's section).
    pub rows_before_first_section: usize,
    /// Section in force at the end of the chunk (`Some(None)` when a section ended).
    pub section_at_end: Option<Option<Box<str>>>,
}

/// Scans whole lines `bytes` (a chunk starts after a `\n` and ends at one, or at the end of the source).
pub fn scan_chunk(bytes: &[u8], hint: Format) -> ChunkScan {
    let mut s = Scanner::new(hint);
    s.feed(bytes);
    s.finish()
}

/// Line-by-line scanner state of one chunk; also used directly by stream and journal-export readers.
pub struct Scanner {
    out: ChunkScan,
    hint: Format,
    scratch: Scratch,
    open: FxHashMap<u64, usize>,
    exact_keys: FxHashMap<u64, u64>,
    extreme_keys: [Option<(OrderKey, OrderKey)>; 4],
    line_no: u64,
    last_time: RawTime,
    last_month: Option<u8>,
    local_rollovers: i32,
    section: Option<Box<str>>,
    section_seen: bool,
    pending_reboot: Option<u64>,
    /// CRI / docker partial chunks waiting for their final piece, per output stream.
    partial: [Pending; 3],
    host_cache: usize,
    ident_cache: usize,
    format_cache: usize,
    tail_is_last_record: bool,
    at_source_start: bool,
}

impl Scanner {
    /// A scanner for lines of a source whose sniffed format is `hint`, starting at the top of the source
    /// (header-less lines before any record are unparsed lines; see [`Scanner::mid_source`]).
    pub fn new(hint: Format) -> Scanner {
        Scanner {
            out: ChunkScan::default(),
            hint,
            scratch: Scratch::default(),
            open: FxHashMap::default(),
            exact_keys: FxHashMap::default(),
            extreme_keys: [None; 4],
            line_no: 0,
            last_time: RawTime::None,
            last_month: None,
            local_rollovers: 0,
            section: None,
            section_seen: false,
            pending_reboot: None,
            partial: Default::default(),
            host_cache: usize::MAX,
            ident_cache: usize::MAX,
            format_cache: usize::MAX,
            tail_is_last_record: false,
            at_source_start: true,
        }
    }

    /// The scanner starts inside a source (a later segment): header-less lines before its first record belong
    /// to the previous segment's last record.
    pub fn mid_source(mut self) -> Scanner {
        self.at_source_start = false;
        self
    }

    /// Feeds whole lines (`bytes` starts after a `\n` and ends at one, or at the end of the source).
    pub fn feed(&mut self, bytes: &[u8]) {
        // One newline iterator over the chunk: a memchr call per short line costs more in set-up than search.
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            self.line(&bytes[start..end]);
            start = end + 1;
        }
        if start < bytes.len() {
            self.line(&bytes[start..]);
        }
    }

    /// Lines consumed so far.
    pub fn lines(&self) -> u64 {
        self.line_no
    }

    /// Feeds one physical line (without `\n`).
    pub fn line(&mut self, raw: &[u8]) {
        self.line_no += 1;
        let c = &mut self.out.counts;
        c.lines += 1;
        c.longest = c.longest.max(raw.len() as u64);
        let raw = if raw.len() > GIANT_LINE {
            c.giant += 1;
            &raw[..GIANT_PREFIX]
        } else {
            raw
        };
        // The scratch buffers are moved out for the call so the parsed line may borrow them while `self` is
        // updated; they go back (with their capacity) afterwards.
        let mut scratch = std::mem::take(&mut self.scratch);
        match line::parse(raw, self.hint, &mut scratch) {
            Line::Record(rec) => self.record(rec, raw),
            Line::Continuation(text) => self.continuation(text),
            Line::Meta(m) => self.meta(m),
            Line::Blank => self.out.counts.blank += 1,
            Line::Unparsed => self.unparsed(raw),
        }
        self.scratch = scratch;
    }

    /// Counts `n` lines read elsewhere as part of a document's structure (JSON objects of a cluster-info
    /// stream), so the lines after them keep their numbers.
    pub fn structure(&mut self, n: u64) {
        self.line_no += n;
        self.out.counts.lines += n;
        self.out.counts.metas += n;
    }

    /// Feeds one record that was parsed elsewhere (journal export entries), at the current line.
    pub fn external_record(&mut self, rec: Record<'_>, lines_spanned: u64) {
        self.line_no += 1;
        self.out.counts.lines += lines_spanned;
        // The entry's other field lines belong to the record.
        self.out.counts.continuations += lines_spanned.saturating_sub(1);
        self.record(rec, &[]);
        self.line_no += lines_spanned.saturating_sub(1);
    }

    /// Ends the chunk.
    pub fn finish(mut self) -> ChunkScan {
        // A stream that ends on a partial chunk (containerd#4813): what was read is the record.
        for i in 0..self.partial.len() {
            if let Some(start) = self.partial[i].start.take() {
                let joined = std::mem::take(&mut self.partial[i].buf);
                let layers = self.partial[i].layers;
                self.joined(&joined, start, layers);
            }
        }
        if !self.tail_is_last_record {
            self.out.tail_row = None;
        }
        if !self.section_seen {
            self.out.rows_before_first_section = self.out.rows.len();
        }
        self.out.section_at_end = self.section_seen.then(|| self.section.clone());
        self.out
    }

    /// A record read from `raw` (the physical line; empty when the record was parsed elsewhere).
    fn record(&mut self, rec: Record<'_>, raw: &[u8]) {
        let line = self.line_no;
        let pending = &mut self.partial[rec.stream as usize];
        if rec.partial {
            self.out.counts.records += 1;
            if pending.start.is_none() {
                pending.start = Some(Stamp { line, time: rec.time });
                pending.layers = rec.layers.outer().map(parsers::Layers::one).unwrap_or_default();
            }
            if pending.buf.len() < MAX_PARTIAL {
                push_decoded(rec.escape, rec.message, &mut pending.buf);
            }
            return;
        }
        if let Some(start) = pending.start.take() {
            self.out.counts.records += 1;
            let mut joined = std::mem::take(&mut pending.buf);
            let layers = pending.layers;
            push_decoded(rec.escape, rec.message, &mut joined);
            self.joined(&joined, start, layers);
            return;
        }
        self.out.counts.records += 1;
        self.account(&rec, line);
        if let Some(reboot_line) = self.pending_reboot.take() {
            self.push_row(reboot_row(reboot_line, rec.time, rec.host, &self.section));
        }
        self.keep_if_worth(&rec, line, raw);
    }

    /// A record rebuilt from partial chunks. Only the envelope's facts are kept: the final piece alone was parsed
    /// as if it were a whole line, so its level, caller and fields mean nothing; `refine` parses the joined text.
    fn joined(&mut self, joined: &[u8], start: Stamp, layers: parsers::Layers) {
        self.out.counts.joined_partials += 1;
        let envelope = Record {
            time: start.time,
            message: joined,
            layers,
            ..Record::default()
        };
        let full = line::refine(envelope);
        self.account(&full, start.line);
        self.keep_if_worth(&full, start.line, joined);
    }

    /// Counts, first/last times, rollovers, tallies.
    fn account(&mut self, rec: &Record<'_>, line: u64) {
        let o = &mut self.out;
        o.severities[rec.severity as usize] += 1;
        tally(
            &mut o.formats,
            &mut self.format_cache,
            (
                rec.layers.outer().unwrap_or(Format::Text),
                rec.layers.inner().unwrap_or(Format::Text),
            ),
        );
        if let Some(h) = rec.host {
            tally_bytes(&mut o.hosts, &mut self.host_cache, h);
        }
        if let Some(i) = rec.ident {
            tally_bytes(&mut o.idents, &mut self.ident_cache, i);
        }
        match rec.time {
            RawTime::None => {
                o.times.none += 1;
                return;
            }
            RawTime::Instant { .. } => o.times.instant += 1,
            RawTime::Wall(w) if w.year != 0 => o.times.wall_dated += 1,
            RawTime::Wall(w) => {
                o.times.wall_yearless += 1;
                if let Some(prev) = self.last_month {
                    let step = year_step(prev, w.month);
                    if step != 0 {
                        o.rollovers.push(YearStep { line, step });
                        self.local_rollovers += step as i32;
                    }
                }
                self.last_month = Some(w.month);
                if o.first_yearless.is_none() {
                    o.first_yearless = Some((line, w));
                }
                o.last_yearless = Some((line, w));
            }
            RawTime::SinceBoot { .. } => o.times.since_boot += 1,
        }
        let stamp = Stamp { line, time: rec.time };
        let kind = match rec.time {
            RawTime::Instant { .. } => 0,
            RawTime::Wall(w) if w.year != 0 => 1,
            RawTime::Wall(_) => 2,
            _ => 3,
        };
        // Compared by a packed key computed once per line (cheaper than a calendar conversion).
        let key = order_key(rec.time, self.local_rollovers);
        match (&mut o.extremes[kind], &mut self.extreme_keys[kind]) {
            (Some((lo, hi)), Some((klo, khi))) => {
                if key < *klo {
                    (*lo, *klo) = (stamp, key);
                }
                if key >= *khi {
                    (*hi, *khi) = (stamp, key);
                }
            }
            (slot, keys) => {
                *slot = Some((stamp, stamp));
                *keys = Some((key, key));
            }
        }
        if o.first.is_none() {
            o.first = Some(stamp);
        }
        o.last = Some(stamp);
        self.last_time = rec.time;
        if let Some(b) = rec.boot {
            if o.boot_anchors.len() < MAX_BOOT_ANCHORS {
                o.boot_anchors.push(BootAnchor {
                    at: stamp,
                    since_boot: b,
                });
            } else {
                // Keep the first ones and the latest: the latest boot is the one a dmesg dump speaks of.
                *o.boot_anchors.last_mut().expect("non-empty") = BootAnchor {
                    at: stamp,
                    since_boot: b,
                };
            }
        }
    }

    /// Decides whether a record becomes (or repeats) a timeline row. `raw` is the text the record was read from.
    ///
    /// Most records say nothing known: one SIMD anchor search over the raw line settles that. A record that
    /// passes is keyed by its template; a key already open repeats its row without classifying again, and only
    /// new keys run the full signature table.
    fn keep_if_worth(&mut self, rec: &Record<'_>, line: u64, raw: &[u8]) {
        let sev = rec.severity;
        // The message and the fields after it, straight from the line (the envelope and header before the
        // message hold no signature); a message decoded into a scratch buffer is searched where it is.
        let anchored = sev >= Severity::Warning
            || match offset_in(rec.message, raw) {
                Some(at) => signals::prefilter(&raw[at..]),
                None => signals::prefilter(rec.message) || fields_text(rec).is_some_and(signals::prefilter),
            };
        let error_worded = || sev == Severity::Unknown && signals::has_error_word(rec.message);
        if sev < Severity::Warning && !anchored && !error_worded() {
            self.tail_is_last_record = false;
            return;
        }
        // Repeats are often byte-identical from the message on: a plain hash of that text finds the template
        // key computed for the first of them, without masking again.
        let mut key = match offset_in(rec.message, raw).map(|at| &raw[at..]) {
            Some(text) if text.len() <= 1024 => {
                let mut h = rustc_hash::FxHasher::default();
                (rec.severity, rec.ident, rec.host, rec.caller, text).hash(&mut h);
                if self.exact_keys.len() >= MAX_EXACT_KEYS {
                    self.exact_keys.clear();
                }
                *self.exact_keys.entry(h.finish()).or_insert_with(|| template_key(rec))
            }
            _ => template_key(rec),
        };
        if let Some(section) = &self.section {
            // Sections (minikube `==> kube-scheduler <==`) are different components: different rows.
            key ^= rustc_hash::FxBuildHasher.hash_one(section).rotate_left(17);
        }
        let (time, inherited) = match rec.time {
            RawTime::None => (self.last_time, true),
            t => (t, false),
        };
        let mut known_signal = None;
        if let Some(&i) = self.open.get(&key) {
            let row = &mut self.out.rows[i];
            let gap = provisional(time, self.local_rollovers) - provisional(row.last_time, self.local_rollovers);
            if (0..=COLLAPSE_GAP_NS).contains(&gap) && !row.signal.is_some_and(signals::keeps_every_occurrence) {
                row.count += 1;
                row.last_time = time;
                row.last_line = line;
                // A repeat's magnitude (how long this apply took) is read only for the few signals with one.
                if let Some(kind) = row.signal.filter(|k| signals::magnitude::carries(*k)) {
                    // From the line as written when the message lies in it (no copy), else the decoded text.
                    let value = match offset_in(rec.message, raw).map(|at| std::str::from_utf8(&raw[at..])) {
                        Some(Ok(text)) => signals::magnitude::magnitude(kind, text),
                        _ => signals::magnitude::magnitude(kind, &display_text(rec).0),
                    };
                    if let Some(v) = value {
                        match &mut row.peak {
                            Some(p) => p.add(v, line),
                            None => row.peak = Some(Box::new(crate::model::Peak::of(v, line))),
                        }
                    }
                }
                self.out.tail_row = Some(i);
                self.tail_is_last_record = true;
                return;
            }
            // Same template after a long pause: a new row, same signal.
            known_signal = Some(row.signal);
        }
        let signal = match known_signal {
            Some(s) => s,
            None if anchored => {
                signals::classify_full(rec.message).or_else(|| fields_text(rec).and_then(signals::classify_full))
            }
            None => None,
        };
        if sev < Severity::Warning && signal.is_none() && !error_worded() {
            self.tail_is_last_record = false;
            return;
        }
        let (message, invalid) = display_text(rec);
        self.out.counts.invalid_utf8 += invalid as u64;
        let object = crate::normalize::entities::object_of(&message);
        let peak = signal
            .and_then(|k| signals::magnitude::magnitude(k, &message))
            .map(|v| Box::new(crate::model::Peak::of(v, line)));
        let row = RawRow {
            line,
            time,
            last_line: line,
            last_time: time,
            count: 1,
            severity: rec.severity,
            host: rec.host.map(|h| String::from_utf8_lossy(h).into()),
            ident: rec.ident.map(|h| String::from_utf8_lossy(h).into()),
            section: self.section.clone(),
            object,
            message,
            signal,
            time_inherited: inherited,
            key,
            peak,
        };
        let i = self.push_row(row);
        self.open.insert(key, i);
        self.out.tail_row = Some(i);
        self.tail_is_last_record = true;
    }

    fn push_row(&mut self, row: RawRow) -> usize {
        self.out.rows.push(row);
        self.out.rows.len() - 1
    }

    fn continuation(&mut self, text: &[u8]) {
        if self.out.counts.records == 0 && self.at_source_start {
            // Nothing before it to continue: a line of its own that no grammar accepts.
            self.unparsed(text);
            return;
        }
        self.out.counts.continuations += 1;
        if self.out.counts.records == 0 {
            // Belongs to the previous chunk's last record.
            let lead = self.out.leading_continuation.get_or_insert_with(String::new);
            append_bounded(lead, text);
            return;
        }
        if let (true, Some(i)) = (self.tail_is_last_record, self.out.tail_row) {
            let row = &mut self.out.rows[i];
            if row.count == 1 {
                append_bounded(&mut row.message, text);
            }
        }
    }

    fn meta(&mut self, m: Meta<'_>) {
        self.out.counts.metas += 1;
        match m {
            Meta::KlogCreated(RawTime::Wall(w)) if self.out.preamble.is_none() => self.out.preamble = Some(w),
            Meta::KlogMachine(h) if self.out.machine.is_none() => {
                self.out.machine = Some(String::from_utf8_lossy(h).into_owned())
            }
            Meta::JournalReboot => self.pending_reboot = Some(self.line_no),
            Meta::Section(name) => self.set_section(Some(String::from_utf8_lossy(name).into())),
            Meta::SectionEnd => self.set_section(None),
            _ => {}
        }
    }

    fn set_section(&mut self, s: Option<Box<str>>) {
        if !self.section_seen {
            self.section_seen = true;
            self.out.rows_before_first_section = self.out.rows.len();
        }
        self.section = s;
    }

    fn unparsed(&mut self, raw: &[u8]) {
        self.out.counts.unparsed += 1;
        self.tail_is_last_record = false;
        if self.out.unparsed_samples.len() < MAX_SAMPLES {
            let (t, _) = to_text(raw[..raw.len().min(200)].to_vec());
            self.out.unparsed_samples.push((self.line_no, t));
        }
        // A line no grammar accepts may still say something decisive (`runtime/cgo: pthread_create failed`):
        // keep it at the previous record's time.
        if signals::classify(raw).is_some() {
            let rec = Record {
                message: raw,
                ..Default::default()
            };
            self.keep_if_worth(&rec, self.line_no, raw);
        }
    }
}

/// Partial chunks of one output stream waiting for their final piece.
#[derive(Default)]
struct Pending {
    buf: Vec<u8>,
    start: Option<Stamp>,
    layers: parsers::Layers,
}

/// Where `inner` starts in `outer` when it is a subslice of it (compared by address).
fn offset_in(inner: &[u8], outer: &[u8]) -> Option<usize> {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}

fn fields_text<'a>(rec: &Record<'a>) -> Option<&'a [u8]> {
    match rec.fields {
        parsers::Fields::KeyValue(kv) | parsers::Fields::Json(kv) => Some(kv),
        parsers::Fields::None => None,
    }
}

fn reboot_row(line: u64, time: RawTime, host: Option<&[u8]>, section: &Option<Box<str>>) -> RawRow {
    RawRow {
        line,
        time,
        last_line: line,
        last_time: time,
        count: 1,
        severity: Severity::Warning,
        host: host.map(|h| String::from_utf8_lossy(h).into()),
        ident: None,
        section: section.clone(),
        object: None,
        message: "-- Reboot -- (journal boot boundary; time is the first record after it)".into(),
        signal: Some(signals::SignalKind::NodeRebooted),
        time_inherited: true,
        key: u64::MAX,
        peak: None,
    }
}

fn append_bounded(s: &mut String, text: &[u8]) {
    if s.len() >= MAX_MESSAGE {
        return;
    }
    if !s.is_empty() {
        s.push('\n');
    }
    let room = MAX_MESSAGE - s.len();
    s.push_str(&String::from_utf8_lossy(&text[..text.len().min(room)]));
}

/// See [`order_key`].
type OrderKey = (u64, u32);

/// A sort key for times of one kind within a chunk: instants by value, wall readings by (year or rollovers seen,
/// month, day, time), boot times by value.
fn order_key(t: RawTime, rollovers: i32) -> OrderKey {
    match t {
        RawTime::None => (0, 0),
        RawTime::Instant { unix_nanos } => ((unix_nanos as u64) ^ (1 << 63), 0),
        RawTime::Wall(w) => {
            // Yearless readings: the net year steps seen so far (offset so that negative steps sort first).
            let era = if w.year != 0 {
                w.year as u64
            } else {
                (rollovers + 1000) as u64
            };
            let packed = era << 40
                | (w.month as u64) << 32
                | (w.day as u64) << 24
                | (w.hour as u64) << 16
                | (w.minute as u64) << 8
                | w.second as u64;
            (packed, w.nanos)
        }
        RawTime::SinceBoot { nanos } => (nanos, 0),
    }
}

/// A time on one comparable scale within a chunk (yearless readings placed in a fixed leap year, shifted by the
/// rollovers seen so far), only used to measure gaps between repeats.
fn provisional(t: RawTime, rollovers: i32) -> i64 {
    match t {
        RawTime::None => 0,
        RawTime::Instant { unix_nanos } => unix_nanos,
        RawTime::Wall(w) if w.year != 0 => w.unix_nanos_in(w.year as i32),
        RawTime::Wall(w) => w.unix_nanos_in(2000 + rollovers),
        RawTime::SinceBoot { nanos } => nanos as i64,
    }
}

fn tally<K: PartialEq + Copy>(v: &mut Vec<(K, u64)>, cache: &mut usize, k: K) {
    if let Some((kk, n)) = v.get_mut(*cache) {
        if *kk == k {
            *n += 1;
            return;
        }
    }
    match v.iter().position(|(kk, _)| *kk == k) {
        Some(i) => {
            v[i].1 += 1;
            *cache = i;
        }
        None => {
            v.push((k, 1));
            *cache = v.len() - 1;
        }
    }
}

fn tally_bytes(v: &mut Vec<(Vec<u8>, u64)>, cache: &mut usize, k: &[u8]) {
    if let Some((kk, n)) = v.get_mut(*cache) {
        if kk.as_slice() == k {
            *n += 1;
            return;
        }
    }
    match v.iter().position(|(kk, _)| kk.as_slice() == k) {
        Some(i) => {
            v[i].1 += 1;
            *cache = i;
        }
        None if v.len() < 64 => {
            v.push((k.to_vec(), 1));
            *cache = v.len() - 1;
        }
        None => {}
    }
}
