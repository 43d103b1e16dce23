//! `kubectl get events` and `kubectl events` tables of every era.
//!
//! A table is read through its header, which names the era: `TIME ... CONDITION` (2014), `FIRSTSEEN LASTSEEN`
//! (≤1.2, absolute RFC 1123 times in 1.0), `LASTSEEN FIRSTSEEN` (1.3–1.7, SOURCE `{kubelet host}`),
//! `LAST SEEN FIRST SEEN` (~1.8–1.11, NAME is the event name `<object>.<hex>`), `LAST SEEN TYPE REASON
//! KIND|OBJECT MESSAGE` (1.12+, `kubectl events`), `-o wide`, and `NAMESPACE` first with `-A`.
//!
//! Rows are cut at the header's column positions. A row that does not line up (`--watch` rows printed with
//! other widths, pastes whose spaces were collapsed) is read by the shapes of its cells in the header's column
//! order; rows with no header at all are recognised by their shapes too (age, `Normal|Warning`, reason,
//! `kind/name`). Several tables may follow one another; prompts, `date` lines, blank lines and
//! `No resources found` are structure, never events.

use super::age::{parse_age_cell, parse_when};
use super::table::{split_wide, Header};
use super::{canonical_kind, Dump, Event, ObjectRef, When};
use rows::{Grammar, Tok};

/// Header names made of two words.
const MULTI_WORD: &[&str] = &["LAST SEEN", "FIRST SEEN"];

/// Reads an events table dump: every row becomes an [`Event`] in file order (`line` is the row's 1-based
/// line); headers, blank lines, prompts, `date` lines and `No resources found` count as structure; rows that
/// cannot be read are listed in `skipped` with the reason.
pub fn parse(text: &[u8]) -> Dump {
    rows::read_tables::<Events>(text)
}

/// Whether `line` is the header of an events table (any era, `-o wide`, `-A`, `kubectl events`).
pub fn is_header(line: &str) -> bool {
    Layout::from_header(line).is_some()
}

/// Events tables for [`rows::read_tables`].
struct Events;

impl rows::TableKind for Events {
    type Layout = Layout;
    type Row = Event;
    const NO_HEADER: &'static str = "not an events row, and no events header before it";
    const OTHER_TABLE: &'static str = "row of a table that is not an events table";
    const OTHER_HEADER: &'static str = "header of a table that is not an events table";

    fn header(line: &str) -> Option<Layout> {
        Layout::from_header(line)
    }

    fn read(layout: &Layout, n: u64, line: &str) -> Result<Event, String> {
        layout.read(n, line)
    }

    fn headerless(n: u64, line: &str) -> Option<Event> {
        headerless(n, line)
    }

    fn push(dump: &mut Dump, event: Event) {
        dump.saw_absolute(event.first);
        dump.saw_absolute(event.last);
        dump.events.push(event);
        dump.rows += 1;
    }
}

/// A column of an events table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Namespace,
    LastSeen,
    FirstSeen,
    /// 2014's single time column.
    Time,
    Count,
    /// Object name (≤1.7) or event name (`<object>.<hex>`, ~1.8–1.11 and `-o wide`).
    Name,
    Kind,
    /// `kind/name` (1.12+).
    Object,
    SubObject,
    Type,
    Reason,
    Source,
    Message,
    /// 2014's CONDITION (`waiting`, `running`): not kept.
    Condition,
    /// A column this reader does not know: ignored.
    Other,
}

impl Col {
    fn from_name(name: &str) -> Col {
        match name {
            "NAMESPACE" => Col::Namespace,
            "LAST SEEN" | "LASTSEEN" => Col::LastSeen,
            "FIRST SEEN" | "FIRSTSEEN" => Col::FirstSeen,
            "TIME" => Col::Time,
            "COUNT" => Col::Count,
            "NAME" => Col::Name,
            "KIND" => Col::Kind,
            "OBJECT" => Col::Object,
            "SUBOBJECT" => Col::SubObject,
            "TYPE" => Col::Type,
            "REASON" => Col::Reason,
            "SOURCE" => Col::Source,
            "MESSAGE" => Col::Message,
            "CONDITION" => Col::Condition,
            _ => Col::Other,
        }
    }

    fn is_time(self) -> bool {
        matches!(self, Col::LastSeen | Col::FirstSeen | Col::Time)
    }
}

/// How the cells of a row turn into an event, beyond their columns.
#[derive(Clone, Copy, Debug, Default)]
struct Reading {
    /// NAME holds the event name `<object>.<hex>` (~1.8–1.11): the object is the part before the last `.`.
    name_is_event: bool,
    /// NAME may hold an event name: split it only when it ends in a long hex suffix (header-less rows).
    name_maybe_event: bool,
    /// The two time columns' order is unknown (header-less rows): the older one is the first occurrence.
    order_by_age: bool,
    /// Only rows with absolute times fit (header-less rows of kubectl 1.0, which had no TYPE to anchor on).
    absolute_only: bool,
}

/// The columns of an events table as its header gives them.
struct Layout {
    header: Header,
    cols: Vec<Col>,
    reading: Reading,
}

impl Layout {
    fn from_header(line: &str) -> Option<Layout> {
        if !rows::looks_like_header(line) {
            return None;
        }
        let header = Header::parse(line, MULTI_WORD)?;
        let cols: Vec<Col> = header.columns.iter().map(|c| Col::from_name(&c.name)).collect();
        let has = |c: Col| cols.contains(&c);
        let known = cols.iter().filter(|&&c| c != Col::Other).count();
        if !has(Col::Reason) || !cols.iter().any(|c| c.is_time()) || known < 3 {
            return None;
        }
        if !(has(Col::Message) || has(Col::Object) || has(Col::Kind)) {
            return None;
        }
        // ~1.8–1.11 wrote `LAST SEEN` with a space and NAME = event name; 1.3–1.7 (`LASTSEEN`) the object name.
        let spaced = header.columns.iter().any(|c| c.name == "LAST SEEN");
        let reading = Reading {
            name_is_event: has(Col::Name) && (has(Col::Object) || spaced),
            ..Reading::default()
        };
        Some(Layout { header, cols, reading })
    }

    /// Reads one row: by the header's positions, else by the shapes of its cells.
    fn read(&self, n: u64, line: &str) -> Result<Event, String> {
        let grammar = EventGrammar::new(&self.cols);
        let positional = self.header.cells(line);
        if let Some(cells) = &positional {
            if rows::cells_fit(&grammar, cells) && !type_missing(&self.cols, cells, line) {
                let cells: Vec<Option<&str>> = cells.iter().map(|c| Some(*c)).collect();
                if let Some(event) = build(n, &Cells::new(&self.cols, &cells), self.reading) {
                    return Ok(event);
                }
            }
        }
        if let Some(cells) = rows::read_by_shapes(&grammar, line, true) {
            if let Some(event) = build(n, &Cells::new(&self.cols, &cells), self.reading) {
                return Ok(event);
            }
        }
        Err(self.explain(line, positional.as_deref()))
    }

    /// Why a row could not be read: its age first, since that is what a reader of the dump needs.
    fn explain(&self, line: &str, positional: Option<&[&str]>) -> String {
        let Some(at) = self.cols.iter().position(|c| c.is_time()) else {
            return "cells do not read as an events row".into();
        };
        let label = &self.header.columns[at].name;
        let cell = match positional {
            Some(cells) => cells[at],
            None => split_wide(line).get(at).copied().unwrap_or(""),
        };
        let age_ok = if self.cols[at] == Col::LastSeen {
            parse_age_cell(cell).is_some()
        } else {
            parse_when(cell).is_some()
        };
        if !age_ok && !cell.is_empty() {
            return format!("unreadable age {:?} in {label}", rows::excerpt(cell));
        }
        let names: Vec<&str> = self.header.columns.iter().map(|c| c.name.as_str()).collect();
        let needed = self.cols.iter().position(|&c| c == Col::Reason).map_or(0, |i| i + 1);
        if line.split_ascii_whitespace().count() < needed {
            return format!("row cut short: fewer cells than {}", names[..needed].join(" "));
        }
        format!("cells do not read as {}", names.join(" "))
    }
}

/// An empty TYPE cell while the row holds `Normal`/`Warning` elsewhere: the row is shifted, not typeless.
fn type_missing(cols: &[Col], cells: &[&str], line: &str) -> bool {
    let Some(at) = cols.iter().position(|&c| c == Col::Type) else {
        return false;
    };
    cells[at].is_empty() && line.split_ascii_whitespace().take(12).any(is_event_type)
}

fn is_event_type(s: &str) -> bool {
    s == "Normal" || s == "Warning"
}

/// Layouts tried on rows that have no header (pastes that kept only the rows, `grep` output).
const HEADERLESS: &[(&[Col], Reading)] = &[
    // 1.12+ and `kubectl events`.
    (
        &[Col::LastSeen, Col::Type, Col::Reason, Col::Object, Col::Message],
        Reading::NONE,
    ),
    // 1.2–1.11: which of the two times is the first one depends on the era; the older one is.
    (
        &[
            Col::LastSeen,
            Col::FirstSeen,
            Col::Count,
            Col::Name,
            Col::Kind,
            Col::SubObject,
            Col::Type,
            Col::Reason,
            Col::Source,
            Col::Message,
        ],
        Reading {
            name_is_event: false,
            name_maybe_event: true,
            order_by_age: true,
            absolute_only: false,
        },
    ),
    // 1.0: no TYPE column, absolute times.
    (
        &[
            Col::FirstSeen,
            Col::LastSeen,
            Col::Count,
            Col::Name,
            Col::Kind,
            Col::SubObject,
            Col::Reason,
            Col::Source,
            Col::Message,
        ],
        Reading {
            name_is_event: false,
            name_maybe_event: false,
            order_by_age: true,
            absolute_only: true,
        },
    ),
];

impl Reading {
    const NONE: Reading = Reading {
        name_is_event: false,
        name_maybe_event: false,
        order_by_age: false,
        absolute_only: false,
    };
}

/// Reads a row that has no header by the shapes of its cells, with or without a NAMESPACE first cell.
fn headerless(n: u64, line: &str) -> Option<Event> {
    let first = line.split_ascii_whitespace().next()?;
    let namespaced = rows::is_dns_label(first) && parse_age_cell(first).is_none();
    for (i, (cols, reading)) in HEADERLESS.iter().enumerate() {
        let cols: Vec<Col> = if namespaced {
            std::iter::once(Col::Namespace).chain(cols.iter().copied()).collect()
        } else {
            cols.to_vec()
        };
        let grammar = EventGrammar::new(&cols);
        // Only the current layout may be cut short: its age, type and reason are anchor enough.
        if let Some(cells) = rows::read_by_shapes(&grammar, line, i == 0) {
            if let Some(event) = build(n, &Cells::new(&cols, &cells), *reading) {
                return Some(event);
            }
        }
    }
    None
}

/// What the cells of each column may look like, for reading rows by shape.
struct EventGrammar<'a> {
    cols: &'a [Col],
    required: usize,
}

impl<'a> EventGrammar<'a> {
    fn new(cols: &'a [Col]) -> Self {
        // A row cut short keeps what it has up to its reason (age, type and reason are enough).
        let required = cols
            .iter()
            .position(|&c| c == Col::Reason)
            .map_or(cols.len(), |i| i + 1);
        EventGrammar { cols, required }
    }
}

impl Grammar for EventGrammar<'_> {
    fn columns(&self) -> usize {
        self.cols.len()
    }

    fn required(&self) -> usize {
        self.required
    }

    fn free(&self, col: usize) -> Option<usize> {
        (self.cols[col] == Col::Message).then_some(0)
    }

    fn lax(&self, col: usize) -> bool {
        matches!(self.cols[col], Col::Other | Col::Source | Col::SubObject)
    }

    fn widths(&self, col: usize, row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>) {
        let tok = |i: usize| toks.get(at + i).map(|t| &row[t.start..t.end]);
        let Some(first) = tok(0) else {
            if matches!(
                self.cols[col],
                Col::SubObject | Col::Source | Col::Condition | Col::Other
            ) {
                out.push(0);
            }
            return;
        };
        match self.cols[col] {
            Col::Namespace => {
                if rows::is_dns_label(first) {
                    out.push(1);
                }
            }
            Col::LastSeen => rows::time_widths(row, toks, at, out, |s| parse_age_cell(s).is_some()),
            Col::FirstSeen | Col::Time => rows::time_widths(row, toks, at, out, |s| parse_when(s).is_some()),
            Col::Count => {
                if rows::is_count(first) {
                    out.push(1);
                }
            }
            Col::Name => out.push(1),
            Col::Kind => {
                if is_kind(first) {
                    out.push(1);
                }
            }
            Col::Object => {
                if first
                    .split_once('/')
                    .is_some_and(|(k, name)| is_kind(k) && !name.is_empty())
                {
                    out.push(1);
                }
            }
            Col::SubObject => subobject_widths(row, toks, at, out),
            Col::Type => {
                if is_event_type(first) {
                    out.push(1);
                }
            }
            Col::Reason => {
                if is_reason(first) {
                    out.push(1);
                }
            }
            Col::Source => source_widths(row, toks, at, out),
            Col::Condition => {
                if first.bytes().all(|b| b.is_ascii_alphabetic()) && !is_event_type(first) {
                    out.push(1);
                }
                out.push(0);
            }
            Col::Message => {}
            Col::Other => out.extend([1, 0]),
        }
    }
}

/// `spec.containers{nginx}`, 1.0's `implicitly required container POD`, or nothing.
fn subobject_widths(row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>) {
    let tok = |i: usize| toks.get(at + i).map(|t| &row[t.start..t.end]);
    if let Some(t) = tok(0) {
        if t.contains('{') || t.starts_with("spec.") || t.starts_with("status.") || t.starts_with("metadata.") {
            out.push(1);
        }
        if t == "implicitly" && tok(1) == Some("required") && tok(2) == Some("container") && tok(3).is_some() {
            out.push(4);
        }
    }
    out.push(0);
}

/// `{kubelet host}` / `{default-scheduler }`, `kubelet, host`, `default-scheduler`, or nothing.
fn source_widths(row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>) {
    let tok = |i: usize| toks.get(at + i).map(|t| &row[t.start..t.end]);
    if let Some(t) = tok(0) {
        if t.starts_with('{') {
            if let Some(w) = (0..3).find(|&i| tok(i).is_some_and(|s| s.ends_with('}'))) {
                out.push(w + 1);
            }
        } else if t.ends_with(',') && tok(1).is_some() {
            out.push(2);
        } else if is_component(t) {
            out.push(1);
        }
    }
    out.push(0);
}

/// A reporting component as events name it (`kubelet`, `default-scheduler`, `kernel-monitor`).
fn is_component(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b))
}

/// A kind as printed (`Pod`, `pod`, `job.batch`, `Elasticsearch`).
fn is_kind(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// One word: `BackOff`, 1.0's lowercase `pulled`, operators' `Reconcile_Error`.
fn is_reason(s: &str) -> bool {
    s.len() <= 128
        && s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// The cells of one row by column (the first cell wins when a header repeats a column).
#[derive(Default)]
struct Cells<'a> {
    namespace: Option<&'a str>,
    last_seen: Option<&'a str>,
    first_seen: Option<&'a str>,
    time: Option<&'a str>,
    count: Option<&'a str>,
    name: Option<&'a str>,
    kind: Option<&'a str>,
    object: Option<&'a str>,
    subobject: Option<&'a str>,
    event_type: Option<&'a str>,
    reason: Option<&'a str>,
    source: Option<&'a str>,
    message: Option<&'a str>,
    has_object_column: bool,
}

impl<'a> Cells<'a> {
    fn new(cols: &[Col], cells: &[Option<&'a str>]) -> Self {
        let mut c = Cells {
            has_object_column: cols.contains(&Col::Object),
            ..Cells::default()
        };
        for (col, cell) in cols.iter().zip(cells) {
            let Some(cell) = cell.map(str::trim).filter(|s| !s.is_empty()) else {
                continue;
            };
            let slot = match col {
                Col::Namespace => &mut c.namespace,
                Col::LastSeen => &mut c.last_seen,
                Col::FirstSeen => &mut c.first_seen,
                Col::Time => &mut c.time,
                Col::Count => &mut c.count,
                Col::Name => &mut c.name,
                Col::Kind => &mut c.kind,
                Col::Object => &mut c.object,
                Col::SubObject => &mut c.subobject,
                Col::Type => &mut c.event_type,
                Col::Reason => &mut c.reason,
                Col::Source => &mut c.source,
                Col::Message => &mut c.message,
                Col::Condition | Col::Other => continue,
            };
            slot.get_or_insert(cell);
        }
        c
    }
}

/// Builds the event; `None` when the row has no readable time.
fn build(n: u64, c: &Cells, how: Reading) -> Option<Event> {
    let (mut first, mut last, from_cell) = times(c)?;
    if how.absolute_only && !(matches!(first, When::At(_)) && matches!(last, When::At(_))) {
        return None;
    }
    if how.order_by_age && is_later(first, last) {
        std::mem::swap(&mut first, &mut last);
    }
    let count = c.count.and_then(|s| s.parse::<u64>().ok()).unwrap_or(from_cell).max(1);
    let (object, name) = object_of(c, how);
    let (source, host) = c.source.map_or((None, None), source_and_host);
    Some(Event {
        line: n,
        object,
        event_type: c.event_type.map(str::to_string),
        reason: c.reason.map(str::to_string),
        message: c.message.unwrap_or("").to_string(),
        source,
        host,
        count,
        first,
        last,
        name,
    })
}

/// `(first, last, count written in the age cell)`.
fn times(c: &Cells) -> Option<(When, When, u64)> {
    let first_seen = match c.first_seen {
        Some(s) => Some(parse_when(s)?),
        None => None,
    };
    if let Some(s) = c.last_seen {
        let cell = parse_age_cell(s)?;
        return Some((first_seen.unwrap_or(cell.first), cell.last, cell.count));
    }
    if let Some(s) = c.time {
        let w = parse_when(s)?;
        return Some((first_seen.unwrap_or(w), w, 1));
    }
    first_seen.map(|w| (w, w, 1))
}

/// Whether `a` is a later moment than `b` (both ages or both instants).
fn is_later(a: When, b: When) -> bool {
    match (a, b) {
        (When::Ago { secs: a, .. }, When::Ago { secs: b, .. }) => a < b,
        (When::At(a), When::At(b)) => a > b,
        _ => false,
    }
}

/// The object the event is about, and the event's own name when the row shows it.
fn object_of(c: &Cells, how: Reading) -> (ObjectRef, Option<String>) {
    let mut object = ObjectRef {
        namespace: c.namespace.filter(|s| *s != "<none>").map(str::to_string),
        field_path: c.subobject.map(str::to_string),
        ..ObjectRef::default()
    };
    if let Some(o) = c.object {
        match o.split_once('/') {
            Some((kind, name)) => {
                object.kind = Some(canonical_kind(kind));
                object.name = name.to_string();
            }
            None => object.name = o.to_string(),
        }
    }
    if let Some(kind) = c.kind {
        object.kind = Some(canonical_kind(kind));
    }
    let mut event_name = None;
    if let Some(name) = c.name {
        if c.has_object_column {
            event_name = Some(name.to_string());
        } else if how.name_is_event {
            event_name = Some(name.to_string());
            object.name = name.rsplit_once('.').map_or(name, |(o, _)| o).to_string();
        } else if let Some(o) = how.name_maybe_event.then(|| object_of_event_name(name)).flatten() {
            event_name = Some(name.to_string());
            object.name = o.to_string();
        } else {
            object.name = name.to_string();
        }
    }
    (object, event_name)
}

/// `minion1.1518b1533db01819` → `minion1`; names whose last part is not a long hex number are object names
/// (`ip-172-20-0-163.us-west-1.compute.internal`).
fn object_of_event_name(name: &str) -> Option<&str> {
    let (object, hex) = name.rsplit_once('.')?;
    let is_hex = (12..=16).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    (is_hex && !object.is_empty()).then_some(object)
}

/// `{kubelet host}` → kubelet + host; `kubelet, host` → kubelet + host; `default-scheduler` → source only.
fn source_and_host(s: &str) -> (Option<String>, Option<String>) {
    let s = s.trim();
    let (component, host) = if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let inner = inner.trim();
        match inner.split_once(' ') {
            Some((c, h)) => (c, h.trim()),
            None => (inner, ""),
        }
    } else if let Some((c, h)) = s.split_once(',') {
        (c.trim(), h.trim())
    } else {
        (s, "")
    };
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    (some(component), some(host))
}

/// Line handling shared by the events and `kubectl get` table readers: lines, structure lines, and reading a
/// row by the shapes of its cells.
pub(super) mod rows {
    use std::borrow::Cow;

    use super::super::{Dump, TakenAt, When};

    /// A table kind read by [`read_tables`]: how a header is recognised, how a row under it or with no header
    /// is read, and what a read row adds to the dump.
    pub trait TableKind {
        /// What a header says about its columns.
        type Layout;
        /// What one row gives.
        type Row;
        /// Why a row with no header before it could not be read.
        const NO_HEADER: &'static str;
        /// Why a row under a header of another kind could not be read.
        const OTHER_TABLE: &'static str;
        /// Reason given for a header of another kind (followed by the header's excerpt).
        const OTHER_HEADER: &'static str;
        /// The layout a header line names, when it is a header of this kind.
        fn header(line: &str) -> Option<Self::Layout>;
        /// Reads a row under `layout`.
        fn read(layout: &Self::Layout, n: u64, line: &str) -> Result<Self::Row, String>;
        /// Reads a row by its cells' shapes alone.
        fn headerless(n: u64, line: &str) -> Option<Self::Row>;
        /// Adds a read row to the dump.
        fn push(dump: &mut Dump, row: Self::Row);
    }

    /// Reads every table of kind `K` in `text`, in file order: blank lines and headers are structure, rows go
    /// through the current header (or their shapes), prompts and `date` lines are asides, the rest is skipped
    /// with the reason.
    pub fn read_tables<K: TableKind>(text: &[u8]) -> Dump {
        let mut dump = Dump::default();
        // `None`: no header yet; `Some(None)`: under a header of another kind.
        let mut current: Option<Option<K::Layout>> = None;
        for (n, line) in lines(text) {
            let line: &str = &line;
            if line.trim().is_empty() {
                dump.structure_lines += 1;
                continue;
            }
            if let Some(layout) = K::header(line) {
                current = Some(Some(layout));
                dump.structure_lines += 1;
                continue;
            }
            let read = match &current {
                Some(Some(layout)) => K::read(layout, n, line).or_else(|why| K::headerless(n, line).ok_or(why)),
                None => K::headerless(n, line).ok_or_else(|| K::NO_HEADER.to_string()),
                Some(None) => K::headerless(n, line).ok_or_else(|| K::OTHER_TABLE.to_string()),
            };
            let why = match read {
                Ok(row) => {
                    K::push(&mut dump, row);
                    continue;
                }
                Err(why) => why,
            };
            if let Some(aside) = aside(line) {
                note_aside(&mut dump, n, aside);
            } else if looks_like_header(line) {
                current = Some(None);
                dump.skipped
                    .push((n, format!("{}: {}", K::OTHER_HEADER, excerpt(line.trim()))));
            } else {
                dump.skipped.push((n, why));
            }
        }
        dump
    }

    /// The lines of a dump: 1-based number and text, decoded lossily one line at a time, without `\r\n`.
    pub fn lines(text: &[u8]) -> impl Iterator<Item = (u64, Cow<'_, str>)> + '_ {
        let mut rest = text;
        let mut n = 0u64;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (line, tail) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = tail;
            n += 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            Some((n, String::from_utf8_lossy(line)))
        })
    }

    /// A line that belongs to the dump's structure rather than to a table.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Aside {
        /// A shell prompt or the command itself (`$ kubectl get events -A`).
        Prompt,
        /// `No resources found in x namespace.`, `No events found in x namespace.`
        NoResources,
        /// kubectl's own notices (`Warning: batch/v1beta1 CronJob is deprecated ...`, `Error from server ...`).
        Notice,
        /// The output of `date`, with the instant when its zone is known.
        Date(Option<i64>),
    }

    /// Classifies a line that is not a table row.
    pub fn aside(line: &str) -> Option<Aside> {
        let t = line.trim();
        if t.starts_with("No resources found") || t.starts_with("No events found") {
            return Some(Aside::NoResources);
        }
        if ["Warning: ", "Error from server", "error: "]
            .iter()
            .any(|p| t.starts_with(p))
        {
            return Some(Aside::Notice);
        }
        if let Some(at) = super::super::age::parse_date_output(t) {
            return Some(Aside::Date(at));
        }
        is_prompt(t).then_some(Aside::Prompt)
    }

    /// Counts a structure line; a `date` line in a known zone also says when the dump was taken.
    pub fn note_aside(dump: &mut Dump, n: u64, aside: Aside) {
        dump.structure_lines += 1;
        if let Aside::Date(Some(at)) = aside {
            dump.taken_at.push(TakenAt {
                at,
                line: n,
                why: "date line".into(),
            });
            dump.saw_absolute(When::At(at));
        }
    }

    /// `$ kubectl ...`, `[root@host ~]# kubectl ...`, `controlplane ~ ➜  k get events`, a bare `kubectl ...`.
    fn is_prompt(t: &str) -> bool {
        if let Some(rest) = t.strip_prefix(['$', '#', '%', '>']) {
            if rest.is_empty() || rest.starts_with(' ') {
                return true;
            }
        }
        for cmd in ["kubectl ", "oc ", "k ", "kubecolor "] {
            for (i, _) in t.match_indices(cmd) {
                let before = &t[..i];
                if !(before.is_empty() || before.ends_with(char::is_whitespace)) {
                    continue;
                }
                let before = before.trim_end();
                if before.is_empty() && cmd != "k " {
                    return true;
                }
                if before.ends_with(['$', '#', '%', '>', '~', '➜', '❯', '»']) {
                    return true;
                }
            }
        }
        false
    }

    /// A line made of upper-case column names only (`NAME   READY   STATUS`, `LAST SEEN   TYPE`).
    pub fn looks_like_header(line: &str) -> bool {
        let t = line.trim();
        t.split_ascii_whitespace().nth(1).is_some()
            && t.bytes().filter(u8::is_ascii_uppercase).nth(1).is_some()
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" \t-_()/.:%".contains(&b))
    }

    /// A namespace-like name (`kube-system`, `default`).
    pub fn is_dns_label(s: &str) -> bool {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    }

    /// A plain count (`0`, `183`).
    pub fn is_count(s: &str) -> bool {
        !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit())
    }

    /// At most 40 characters of `s`, for messages.
    pub fn excerpt(s: &str) -> String {
        match s.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s.to_string(),
        }
    }

    /// A run of non-blank bytes of a row: `row[start..end]`.
    #[derive(Clone, Copy, Debug)]
    pub struct Tok {
        /// First byte.
        pub start: usize,
        /// One past the last byte.
        pub end: usize,
    }

    /// The whitespace-separated words of a row, with their positions.
    pub fn tokens(row: &str) -> Vec<Tok> {
        let b = row.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(Tok { start, end: i });
        }
        out
    }

    /// Widths (in words) a time cell may take at `at`: one word (`8m`), four (`49s (x2 over 51s)`, Go's
    /// `2018-01-01 10:00:00 +0000 UTC`), six (`Tue, 07 Jul 2015 16:19:54 -0700`). Longest first.
    pub fn time_widths(row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>, ok: impl Fn(&str) -> bool) {
        for w in (1..=6).rev() {
            if at + w <= toks.len() && ok(&row[toks[at].start..toks[at + w - 1].end]) {
                out.push(w);
            }
        }
    }

    /// What the cells of a table's columns may look like, for reading rows that do not line up with the
    /// header.
    pub trait Grammar {
        /// Number of columns.
        fn columns(&self) -> usize;
        /// Leading columns a row cut short must still have.
        fn required(&self) -> usize;
        /// `Some(min words)` for the free-text column (MESSAGE, OS-IMAGE, SCHEDULE): any words at all.
        fn free(&self, col: usize) -> Option<usize>;
        /// Whether a cell cut by the header's positions may hold anything (unknown columns).
        fn lax(&self, col: usize) -> bool;
        /// The widths (in words) column `col` may take at word `at`, most likely first; 0 = empty cell.
        fn widths(&self, col: usize, row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>);
    }

    /// Whether cells cut at the header's positions have the shapes their columns expect. Empty cells at the
    /// end of a row cut short are accepted once the required columns are there.
    pub fn cells_fit(g: &impl Grammar, cells: &[&str]) -> bool {
        let filled = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        if filled < g.required() {
            return false;
        }
        let mut widths = Vec::new();
        cells.iter().enumerate().all(|(col, cell)| {
            if g.lax(col) || (cell.is_empty() && col >= filled) {
                return true;
            }
            let toks = tokens(cell);
            if let Some(min) = g.free(col) {
                return toks.len() >= min;
            }
            widths.clear();
            g.widths(col, cell, &toks, 0, &mut widths);
            widths.contains(&toks.len())
        })
    }

    /// Steps a search may take before giving up (rows of garbage must not take long).
    const BUDGET: usize = 20_000;

    /// Reads `row` word by word in the grammar's column order: each column takes the widths its shape
    /// allows, the free-text column takes the rest. Returns the cells (`None` for columns a row cut short
    /// never reached), or `None` when the row does not fit. `cut_short_ok` allows rows that end after the
    /// required columns.
    pub fn read_by_shapes<'r>(g: &impl Grammar, row: &'r str, cut_short_ok: bool) -> Option<Vec<Option<&'r str>>> {
        let toks = tokens(row);
        let passes: &[bool] = if cut_short_ok { &[false, true] } else { &[false] };
        for &lenient in passes {
            let mut search = Search {
                g,
                row,
                toks: &toks,
                lenient,
                budget: BUDGET,
                spans: vec![None; g.columns()],
            };
            if search.go(0, 0) {
                let cells = search.spans.iter().map(|s| s.map(|(a, b)| &row[a..b])).collect();
                return Some(cells);
            }
        }
        None
    }

    struct Search<'s, G> {
        g: &'s G,
        row: &'s str,
        toks: &'s [Tok],
        lenient: bool,
        budget: usize,
        spans: Vec<Option<(usize, usize)>>,
    }

    impl<G: Grammar> Search<'_, G> {
        fn go(&mut self, col: usize, at: usize) -> bool {
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            let n = self.toks.len();
            if col == self.g.columns() {
                return at == n;
            }
            if at == n && self.lenient && col >= self.g.required() {
                self.spans[col..].iter_mut().for_each(|s| *s = None);
                return true;
            }
            if let Some(min) = self.g.free(col) {
                let max = n - at;
                if max < min {
                    return false;
                }
                // Last column: the rest of the row; otherwise the longest text that leaves the later
                // columns their cells.
                let shortest = if col + 1 == self.g.columns() { max } else { min };
                return (shortest..=max).rev().any(|w| self.take(col, at, w));
            }
            let mut widths = Vec::new();
            self.g.widths(col, self.row, self.toks, at, &mut widths);
            widths.into_iter().any(|w| at + w <= n && self.take(col, at, w))
        }

        fn take(&mut self, col: usize, at: usize, w: usize) -> bool {
            self.spans[col] = Some(if w == 0 {
                let pos = self.toks.get(at).map_or(self.row.len(), |t| t.start);
                (pos, pos)
            } else {
                (self.toks[at].start, self.toks[at + w - 1].end)
            });
            self.go(col + 1, at + w)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ago(secs: u64, resolution: u64) -> When {
        When::Ago { secs, resolution }
    }

    fn read(lines: &[&str]) -> Dump {
        parse(lines.join("\n").as_bytes())
    }

    #[test]
    fn era_1_3_lastseen_firstseen_with_braced_source_and_empty_subobject() {
        // formats.md 7.1, k8s#29838 (1.3)
        let d = read(&[
            "LASTSEEN   FIRSTSEEN   COUNT     NAME                                KIND         SUBOBJECT                         TYPE      REASON              SOURCE                                   MESSAGE",
            "13m        13m         1         nginx-deployment-3392909933-1tfwp   Pod                                            Normal    Scheduled           {default-scheduler }                     Successfully assigned nginx-deployment-3392909933-1tfwp to kubernetes-minion-group-kcbf",
            "13m        13m         1         nginx-deployment-3392909933-1tfwp   Pod          spec.containers{nginx}            Normal    Pulling             {kubelet kubernetes-minion-group-kcbf}   pulling image \"nginx\"",
        ]);
        assert_eq!((d.rows, d.structure_lines, d.skipped.len()), (2, 1, 0));
        let e = &d.events[0];
        assert_eq!(e.line, 2);
        assert_eq!(e.object.kind.as_deref(), Some("Pod"));
        assert_eq!(e.object.name, "nginx-deployment-3392909933-1tfwp");
        assert_eq!(e.object.field_path, None);
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("default-scheduler"), None)
        );
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Normal"), Some("Scheduled"))
        );
        assert_eq!((e.last, e.first, e.count), (ago(780, 60), ago(780, 60), 1));
        assert_eq!(e.name, None);
        let e = &d.events[1];
        assert_eq!(e.object.field_path.as_deref(), Some("spec.containers{nginx}"));
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("kubernetes-minion-group-kcbf"))
        );
        assert_eq!(e.message, "pulling image \"nginx\"");
    }

    #[test]
    fn era_1_2_firstseen_lastseen_indented_and_cut_short() {
        // blog paste (kubectl 1.2, `kubectl get events` indented by the page); the last row was cut by the paste
        let d = read(&[
            "    FIRSTSEEN   LASTSEEN   COUNT     NAME                           KIND      SUBOBJECT                            TYPE      REASON             SOURCE                                                    MESSAGE",
            "    8m          6m         11        web-example-2455310000-032qp   Pod                                            Warning   FailedScheduling   {default-scheduler }                                      PersistentVolumeClaim is not bound: \"tinydb-pv-claim\"",
            "    6m          6m         1         web-example-2455310000-032qp   Pod                                            Normal    Scheduled          {default-scheduler }  ",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0));
        let e = &d.events[0];
        assert_eq!((e.first, e.last, e.count), (ago(480, 60), ago(360, 60), 11));
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Warning"), Some("FailedScheduling"))
        );
        assert_eq!(e.message, "PersistentVolumeClaim is not bound: \"tinydb-pv-claim\"");
        let e = &d.events[1];
        assert_eq!(
            (e.reason.as_deref(), e.source.as_deref(), e.message.as_str()),
            (Some("Scheduled"), Some("default-scheduler"), "")
        );
    }

    #[test]
    fn era_1_0_headerless_rows_with_absolute_times() {
        // formats.md 7.1, k8s#10885 (`get events --all-namespaces | grep`), k8s PR#10642 (empty SUBOBJECT)
        let d = read(&[
            "kube-system   Tue, 07 Jul 2015 16:19:54 -0700   Tue, 07 Jul 2015 16:19:54 -0700   1         fluentd-cloud-logging-kubernetes-minion-7p49   Pod                     implicitly required container POD        pulled             {kubelet kubernetes-minion-7p49}   Pod container image \"gcr.io/google_containers/pause:0.8.0\" already present on machine",
            "Wed, 01 Jul 2015 19:11:22 -0700   Wed, 01 Jul 2015 19:16:30 -0700   13        testpod4                                       Pod                                                              failedScheduling   {scheduler }                       Failed for reason MatchNodeSelector and possibly others",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0), "{:?}", d.skipped);
        let e = &d.events[0];
        assert_eq!(e.object.namespace.as_deref(), Some("kube-system"));
        assert_eq!(e.object.name, "fluentd-cloud-logging-kubernetes-minion-7p49");
        assert_eq!(
            e.object.field_path.as_deref(),
            Some("implicitly required container POD")
        );
        assert_eq!(
            (e.first, e.last),
            (When::At(1_436_311_194_000_000_000), When::At(1_436_311_194_000_000_000))
        );
        assert_eq!((e.event_type.as_deref(), e.reason.as_deref()), (None, Some("pulled")));
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("kubernetes-minion-7p49"))
        );
        let e = &d.events[1];
        assert_eq!(e.object.namespace, None);
        assert_eq!(
            (e.first, e.last, e.count),
            (
                When::At(1_435_803_082_000_000_000),
                When::At(1_435_803_390_000_000_000),
                13
            )
        );
        assert_eq!(
            (e.reason.as_deref(), e.source.as_deref()),
            (Some("failedScheduling"), Some("scheduler"))
        );
        assert_eq!(e.message, "Failed for reason MatchNodeSelector and possibly others");
        assert_eq!(d.newest_absolute, Some(1_436_311_194_000_000_000));
    }

    #[test]
    fn era_2014_time_and_condition() {
        // k8s PR#3170 (2014, v1beta1)
        let d = read(&[
            "TIME                              NAME                                          KIND                CONDITION           REASON              MESSAGE",
            "Mon, 29 Dec 2014 21:56:59 +0000   influx-grafana                                BoundPod            waiting             pulled              Successfully pulled image kubernetes/pause:latest",
            "Mon, 29 Dec 2014 21:56:59 +0000   influx-grafana                                Pod                 Pending             scheduled           Successfully assigned influx-grafana to kubernetes-minion-1.c.saad-dev-vms.internal",
        ]);
        assert_eq!(d.rows, 2);
        let at = When::At(1_419_890_219_000_000_000);
        let e = &d.events[0];
        assert_eq!((e.first, e.last, e.count), (at, at, 1));
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("BoundPod"), "influx-grafana")
        );
        assert_eq!((e.event_type.as_deref(), e.reason.as_deref()), (None, Some("pulled")));
        assert_eq!(d.events[1].object.kind.as_deref(), Some("Pod"));
        assert_eq!(d.events[1].reason.as_deref(), Some("scheduled"));
        assert_eq!(d.newest_absolute, Some(1_419_890_219_000_000_000));
    }

    #[test]
    fn era_1_8_event_names_and_comma_source() {
        // blog (minikube, kubectl ~1.10), blog (docker-for-desktop v1.10.11)
        let d = read(&[
            "LAST SEEN   FIRST SEEN   COUNT     NAME                                            KIND         SUBOBJECT                     TYPE      REASON              SOURCE                  MESSAGE",
            "2m          2m           1         hello-nginx-84d8d5d8f5-b8wkh.15779d3700ff4a2c   Pod                                        Normal    Scheduled           default-scheduler       Successfully assigned default/hello-nginx-84d8d5d8f5-b8wkh to minikube",
            "2m          2m           1         hello-nginx-84d8d5d8f5-b8wkh.15779d372bdd96e0   Pod          spec.containers{nginx}        Normal    Pulling             kubelet, minikube       pulling image \"nginx\"",
            "LAST SEEN   FIRST SEEN   COUNT     NAME                                           KIND         SUBOBJECT                     TYPE      REASON                    SOURCE                              MESSAGE",
            "45m         45m          6         docker-for-desktop.159fd04a37d2bd73            Node                                       Normal    NodeHasSufficientDisk     kubelet, docker-for-desktop         Node docker-for-desktop status is now: NodeHasSufficientDisk",
        ]);
        assert_eq!((d.rows, d.structure_lines, d.skipped.len()), (3, 2, 0));
        let e = &d.events[0];
        assert_eq!(e.object.name, "hello-nginx-84d8d5d8f5-b8wkh");
        assert_eq!(e.name.as_deref(), Some("hello-nginx-84d8d5d8f5-b8wkh.15779d3700ff4a2c"));
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("default-scheduler"), None)
        );
        let e = &d.events[1];
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("minikube"))
        );
        assert_eq!(e.object.field_path.as_deref(), Some("spec.containers{nginx}"));
        let e = &d.events[2];
        assert_eq!((e.line, e.count, e.last), (5, 6, ago(2700, 60)));
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("Node"), "docker-for-desktop")
        );
        assert_eq!(e.reason.as_deref(), Some("NodeHasSufficientDisk"));
    }

    #[test]
    fn era_1_12_object_column_then_a_foreign_table() {
        // kubectl#767: `get events --watch` went on printing another table
        let d = read(&[
            "LAST SEEN   TYPE      REASON                     OBJECT                                                  MESSAGE",
            "15s         Normal    Pulled                     pod/greenplum-operator-5575c9fc9d-kx92d                 Container image \"greenplum-operator:latest\" already present on machine",
            "14s         Normal    Created                    pod/greenplum-operator-5575c9fc9d-kx92d                 Created container greenplum-operator",
            "NAME                                               AGE",
            "my-greenplum-pgdata-segment-a-0.15d6831e50a3f780   0s",
            "master-0.15d6831ea907f0c3                          0s",
        ]);
        assert_eq!((d.rows, d.structure_lines), (2, 1));
        let e = &d.events[0];
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("Pod"), "greenplum-operator-5575c9fc9d-kx92d")
        );
        assert_eq!((e.last, e.first, e.count), (ago(15, 1), ago(15, 1), 1));
        assert_eq!(
            e.message,
            "Container image \"greenplum-operator:latest\" already present on machine"
        );
        assert_eq!(d.skipped.len(), 3);
        assert!(
            d.skipped[0]
                .1
                .starts_with("header of a table that is not an events table"),
            "{:?}",
            d.skipped
        );
        assert_eq!(
            d.skipped[1],
            (5, "row of a table that is not an events table".to_string())
        );
    }

    #[test]
    fn all_namespaces_misaligned_by_redaction_and_headerless() {
        // nlk8s cluster snapshot (names shortened by redaction, so rows no longer line up); formats.md 7.1 (k3d, -A)
        let d = read(&[
            "NAMESPACE     LAST SEEN   TYPE      REASON      OBJECT                                  MESSAGE",
            "kube-system   53m         Warning   Unhealthy   pod/kube-apiserver-nlk8s-ctrl01   Liveness probe failed: HTTP probe failed with statuscode: 500",
            "kube-system   14m         Warning   Unhealthy   pod/kube-apiserver-nlk8s-ctrl01   Readiness probe failed: HTTP probe failed with statuscode: 500",
            "",
            "default         46s         Warning   FreeDiskSpaceFailed              node/k3d-vyking-dev-server-0                             Failed to garbage collect required amount of images. Attempted to free 6238860902 bytes, but only found 600245899 bytes eligible to free.",
        ]);
        assert_eq!(
            (d.rows, d.structure_lines, d.skipped.len()),
            (3, 2, 0),
            "{:?}",
            d.skipped
        );
        let e = &d.events[1];
        assert_eq!(e.object.namespace.as_deref(), Some("kube-system"));
        assert_eq!(e.object.name, "kube-apiserver-nlk8s-ctrl01");
        assert_eq!(e.last, ago(840, 60));
        assert_eq!(
            e.message,
            "Readiness probe failed: HTTP probe failed with statuscode: 500"
        );
        let e = &d.events[2];
        assert_eq!(
            (e.object.namespace.as_deref(), e.object.kind.as_deref()),
            (Some("default"), Some("Node"))
        );
        assert_eq!(e.reason.as_deref(), Some("FreeDiskSpaceFailed"));
        assert!(e.message.ends_with("600245899 bytes eligible to free."));
    }

    #[test]
    fn wide_output_and_a_watch_row_of_other_widths() {
        // KodeKloud lab notes (`kubectl get events -o wide`), then a row printed with other widths (Korean notes)
        let d = read(&[
            "LAST SEEN   TYPE      REASON                    OBJECT              SUBOBJECT                SOURCE                                    MESSAGE                                                                              FIRST SEEN   COUNT   NAME",
            "15m         Normal    NodeHasSufficientMemory   node/controlplane                            kubelet, controlplane                     Node controlplane status is now: NodeHasSufficientMemory                             15m          8       controlplane.173f93c8a5c398dd",
            "18s         Normal    Scheduled                 pod/nginx                                    my-scheduler, my-scheduler-my-scheduler   Successfully assigned default/nginx to controlplane                                  18s          1       nginx.1746be500cbc7585",
            "63s         Normal   Scheduled   pod/nginx                                             my-scheduler, my-scheduler-my-scheduler   Successfully assigned default/nginx to worker2                             63s          1       nginx.17b71994464b2560",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (3, 0), "{:?}", d.skipped);
        let e = &d.events[0];
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("Node"), "controlplane")
        );
        assert_eq!((e.count, e.first, e.last), (8, ago(900, 60), ago(900, 60)));
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("controlplane"))
        );
        assert_eq!(e.name.as_deref(), Some("controlplane.173f93c8a5c398dd"));
        assert_eq!(e.message, "Node controlplane status is now: NodeHasSufficientMemory");
        let e = &d.events[2];
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("my-scheduler"), Some("my-scheduler-my-scheduler"))
        );
        assert_eq!(e.message, "Successfully assigned default/nginx to worker2");
        assert_eq!(
            (e.first, e.count, e.name.as_deref()),
            (ago(63, 1), 1, Some("nginx.17b71994464b2560"))
        );
    }

    #[test]
    fn kubectl_events_rows_with_counts_after_a_prompt() {
        // lab notes: `kubectl events --for pod/x | tail -6` (header cut off by tail)
        let d = read(&[
            "$ kubectl -n s13-probes events --for pod/liveness-broken | tail -6",
            "35s (x4 over 80s)    Normal    Pulled      Pod/liveness-broken   Container image \"nginx:1.27\" already present on machine and can be accessed by the pod",
            "20s (x12 over 75s)   Warning   Unhealthy   Pod/liveness-broken   Liveness probe failed: HTTP probe failed with statuscode: 404",
            "19s (x2 over 20s)    Warning   BackOff     Pod/liveness-broken   Back-off restarting failed container nginx in pod liveness-broken_s13-probes(4cfe68ca-cb0d-4861-ab9d-6ce349962c00)",
        ]);
        assert_eq!((d.rows, d.structure_lines, d.skipped.len()), (3, 1, 0));
        let e = &d.events[0];
        assert_eq!((e.last, e.count, e.first), (ago(35, 1), 4, ago(80, 1)));
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("Pod"), "liveness-broken")
        );
        let e = &d.events[1];
        assert_eq!(
            (e.count, e.reason.as_deref(), e.event_type.as_deref()),
            (12, Some("Unhealthy"), Some("Warning"))
        );
        assert_eq!(d.events[2].message, "Back-off restarting failed container nginx in pod liveness-broken_s13-probes(4cfe68ca-cb0d-4861-ab9d-6ce349962c00)");
    }

    #[test]
    fn watch_rows_shifted_by_one() {
        // blog on preemption (`get events --sort-by`): two rows lost a space after TYPE
        let d = read(&[
            "LAST SEEN   TYPE      REASON      OBJECT                            MESSAGE",
            "2m          Normal    Scheduled   pod/critical-app-5c8d7f-9xz4l     Successfully assigned default/critical-app-5c8d7f-9xz4l to cl1...-uxyz",
            "2m          Normal   Preempted   pod/specialized-worker-...xk2p9   By default/critical-app-5c8d7f-9xz4l on node cl1...-uxyz",
            "2m          Normal   Killing     pod/specialized-worker-...xk2p9   Stopping container pause",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (3, 0));
        let e = &d.events[1];
        assert_eq!(
            (e.reason.as_deref(), e.object.name.as_str()),
            (Some("Preempted"), "specialized-worker-...xk2p9")
        );
        assert_eq!(e.message, "By default/critical-app-5c8d7f-9xz4l on node cl1...-uxyz");
        assert_eq!(d.events[2].message, "Stopping container pause");
    }

    #[test]
    fn collapsed_paste_of_an_old_table() {
        // draino README: header and rows pasted with collapsed spaces (SUBOBJECT gone)
        let d = read(&[
            "LAST SEEN   FIRST SEEN   COUNT   NAME                                               KIND TYPE      REASON             SOURCE MESSAGE",
            "5m          5m           1       node-demo.15fe0c35f0b4bd10    Node Warning   CordonStarting     draino Cordoning node",
            "5m          5m           1       node-demo.15fe0c360bd516f8    Node Warning   DrainScheduled     draino Will drain node after 2020-03-20T16:19:14.91905+01:00",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0), "{:?}", d.skipped);
        let e = &d.events[0];
        assert_eq!(
            (e.object.kind.as_deref(), e.object.name.as_str()),
            (Some("Node"), "node-demo")
        );
        assert_eq!(e.name.as_deref(), Some("node-demo.15fe0c35f0b4bd10"));
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Warning"), Some("CordonStarting"))
        );
        assert_eq!(
            (e.source.as_deref(), e.message.as_str()),
            (Some("draino"), "Cordoning node")
        );
        assert_eq!(
            d.events[1].message,
            "Will drain node after 2020-03-20T16:19:14.91905+01:00"
        );
    }

    #[test]
    fn several_tables_prompts_date_and_no_resources() {
        // srl-probes notes (`kubectl get events -A`); kubectl's empty-namespace line; `date` output
        let d = read(&[
            "$ kubectl get events -A",
            "NAMESPACE   LAST SEEN   TYPE      REASON      OBJECT                            MESSAGE",
            "demo        18m         Warning   Unhealthy   pod/srl-probes-76b8468567-8pztg   Startup probe failed: HTTP probe failed with statuscode: 503",
            "demo        4m3s        Warning   BackOff     pod/srl-probes-76b8468567-8pztg   Back-off restarting failed container",
            "",
            "[root@k8s-master ~]# kubectl get events -n kube-system",
            "No resources found in kube-system namespace.",
            "Tue Mar  5 10:00:00 UTC 2024",
        ]);
        assert_eq!(
            (d.rows, d.structure_lines, d.skipped.len()),
            (2, 6, 0),
            "{:?}",
            d.skipped
        );
        assert_eq!(d.events[1].last, ago(243, 1));
        assert_eq!(d.events[1].object.namespace.as_deref(), Some("demo"));
        assert_eq!(d.taken_at.len(), 1);
        assert_eq!((d.taken_at[0].at, d.taken_at[0].line), (1_709_632_800_000_000_000, 8));
    }

    #[test]
    fn rows_cut_short() {
        // kubectl#767 row cut inside OBJECT (file truncated); kubectl#793 (KIND era) row holding only age and type
        let d = read(&[
            "LAST SEEN   TYPE      REASON                     OBJECT                                                  MESSAGE",
            "14s         Normal    Created                    pod/greenplum-op",
            "LAST SEEN   TYPE      REASON                KIND         MESSAGE",
            "42m         Normal",
        ]);
        assert_eq!(d.rows, 1);
        let e = &d.events[0];
        assert_eq!(
            (e.reason.as_deref(), e.object.name.as_str(), e.message.as_str()),
            (Some("Created"), "greenplum-op", "")
        );
        assert_eq!(
            d.skipped,
            vec![(4, "row cut short: fewer cells than LAST SEEN TYPE REASON".to_string())]
        );
    }

    #[test]
    fn unreadable_age_is_skipped_with_its_cell() {
        // kubectl#767 row with its age damaged
        let d = read(&[
            "LAST SEEN   TYPE      REASON                     OBJECT                                                  MESSAGE",
            "15q         Normal    Pulled                     pod/greenplum-operator-5575c9fc9d-kx92d                 Container image \"greenplum-operator:latest\" already present on machine",
        ]);
        assert_eq!(d.rows, 0);
        assert_eq!(d.skipped, vec![(2, "unreadable age \"15q\" in LAST SEEN".to_string())]);
    }

    #[test]
    fn headers_of_every_era_are_recognised() {
        for h in [
            "TIME                              NAME                                          KIND                CONDITION           REASON              MESSAGE",
            "FIRSTSEEN   LASTSEEN   COUNT     NAME      KIND      SUBOBJECT   REASON    SOURCE    MESSAGE",
            "LAST SEEN   TYPE      REASON                KIND         MESSAGE",
            "NAMESPACE     LAST SEEN   TYPE      REASON      OBJECT                                  MESSAGE",
            "LAST SEEN   TYPE     REASON    OBJECT                      SUBOBJECT                SOURCE           MESSAGE                                 FIRST SEEN   COUNT   NAME                                  ",
        ] {
            assert!(is_header(h), "{h}");
        }
        for h in [
            "NAME                                               AGE",
            "NAME      READY     STATUS    RESTARTS   AGE",
            "15s         Normal    Pulled   pod/x   Container image",
            "  Type     Reason     Age                From               Message",
        ] {
            assert!(!is_header(h), "{h}");
        }
    }

    #[test]
    fn text_that_is_not_an_events_table() {
        // kubectl#868 (`kubectl get all`): nothing to read here
        let d = read(&[
            "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
            "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   25m",
            "Job duration equals age when all pod failed",
        ]);
        assert_eq!((d.rows, d.events.len()), (0, 0));
        assert_eq!(d.skipped.len(), 3);
        assert_eq!(d.skipped[2].1, "row of a table that is not an events table");
    }

    #[test]
    fn garbage_and_giant_lines_do_not_panic() {
        let mut text = b"LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n".to_vec();
        text.extend_from_slice(b"\xff\xfe\x00garbage \xc3\x28 Normal\n");
        text.extend_from_slice(b"5m\x00 Warning \xe2\x82 BackOff pod/\xf0\x9f x\n");
        text.extend(std::iter::repeat_n(b'x', 1 << 20));
        text.push(b'\n');
        text.extend(b"1s (x1 over 1s) ".repeat(50_000));
        text.push(b'\n');
        text.extend(b"5m Normal ".repeat(50_000));
        text.push(b'\n');
        for len in [0, 1, 7, 13, 40, 100] {
            let prefix = &text[..len.min(text.len())];
            let _ = parse(prefix);
        }
        let d = parse(&text);
        assert_eq!(d.structure_lines, 1);
        assert_eq!(d.rows as usize, d.events.len());
        assert!(d.skipped.iter().all(|(_, why)| why.chars().count() < 200));
        assert!(d.skipped.len() >= 4);
        let d = parse(b"\x00\x01\x02\xff\n\n\xfe");
        assert_eq!((d.rows, d.structure_lines, d.skipped.len()), (0, 1, 2));
    }
}
