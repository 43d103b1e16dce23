//! API objects from `-o json` / `-o yaml`, Lists, static pod manifests, webhook configurations and the
//! stdout form of `kubectl cluster-info dump`.
//!
//! JSON documents are first lexed as raw text ([`RawValue`]), which gives every List item its exact byte
//! span: each item is then parsed on its own (a 100 MB `PodList` never becomes one tree in memory) and its
//! line is found inside its own span. YAML documents are split on `---` lines, parsed one by one, and their
//! objects placed by searching forward for `name: <metadata.name>`. Damage (truncation, invalid text) ends the
//! document it is in: what was read before it stays, and the damage is reported in [`Dump::skipped`].
//!
//! Typed Lists (`EventList`, `PodList` as `kubectl cluster-info dump` writes them) leave `kind` out of their
//! items; the item kind is then taken from the List kind.

use std::ops::Range;

use memchr::memmem;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{
    canonical_kind, Condition, Container, CronJob, Dump, Event, Job, Node, ObjectRef, Owner, Pod, Probe, Termination,
    Webhook, When,
};
use crate::time::{rfc3339, RawTime};

/// A piece of a `kubectl cluster-info dump` stdout stream.
// The `Dump` stays unboxed: callers move it out (`Dump::extend`), and a stream holds few regions.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Region {
    /// A JSON document starting at `line` (1-based).
    Json {
        /// First line.
        line: u64,
        /// What it held.
        dump: Dump,
    },
    /// Text lines (pod log blocks) in `bytes` of the input, the first being line `line`.
    Text {
        /// First line.
        line: u64,
        /// Byte range in the input.
        bytes: std::ops::Range<usize>,
    },
}

/// Reads JSON objects: one object, a List (`kind: XList` or any object with an `items` array, or a bare
/// array), or several documents one after another. Text between documents that is not JSON is skipped up to
/// the next line starting with `{` or `[`, and reported.
pub fn parse_json(text: &[u8]) -> Dump {
    let mut dump = Dump::default();
    let mut loc = Locator::new(text);
    let mut pos = bom_len(text);
    while let Some(start) = skip_ws(text, pos) {
        pos = read_json_at(text, start, Resync::Json, &mut loc, &mut dump);
    }
    dump
}

/// Reads YAML objects: one or more documents (`---`), Lists and top-level sequences included.
pub fn parse_yaml(text: &[u8]) -> Dump {
    let mut dump = Dump::default();
    let mut loc = Locator::new(text);
    for chunk in yaml_chunks(text) {
        read_yaml_chunk(text, chunk, &mut loc, &mut dump);
    }
    dump
}

/// Splits a cluster-info dump stream into its JSON documents and text blocks.
///
/// A line starting with `{` begins a JSON document (read like [`parse_json`] does); a line starting with
/// `==== START logs for container` begins a log block, which runs to its `==== END logs ...` line (or to the
/// next START line when the END line is missing) and is returned as [`Region::Text`] even when its lines
/// start with `{` (containers logging JSON). Other non-blank text becomes a `Text` region too.
pub fn split_stream(text: &[u8]) -> Vec<Region> {
    let mut regions = Vec::new();
    let mut loc = Locator::new(text);
    let mut pending: Option<usize> = None;
    let mut p = bom_len(text);
    while p < text.len() {
        let rest = &text[p..];
        if rest.starts_with(b"{") {
            flush_text(text, pending.take(), p, &mut loc, &mut regions);
            let line = loc.lines.at(p);
            let mut dump = Dump::default();
            let end = read_json_at(text, p, Resync::Stream, &mut loc, &mut dump);
            regions.push(Region::Json { line, dump });
            p = skip_blank_rest(text, end);
        } else if rest.starts_with(LOG_START) {
            flush_text(text, pending.take(), p, &mut loc, &mut regions);
            let end = log_block_end(text, p);
            regions.push(Region::Text {
                line: loc.lines.at(p),
                bytes: p..end,
            });
            p = end;
        } else {
            pending.get_or_insert(p);
            p = next_line(text, p);
        }
    }
    flush_text(text, pending, text.len(), &mut loc, &mut regions);
    regions
}

/// Reads one API object already parsed into a [`serde_json::Value`], dispatching on `kind`; Lists (and bare
/// arrays) recurse into their items. Every object read gets `line`. Unknown kinds are skipped silently.
pub fn from_value(v: &serde_json::Value, line: u64, dump: &mut Dump) {
    walk(v, None, false, &mut Place::Fixed(line), dump);
}

// ---------------------------------------------------------------------------------------------------------
// Positions in the text
// ---------------------------------------------------------------------------------------------------------

/// Line numbers of byte offsets, counted incrementally: offsets are asked for in (mostly) increasing order,
/// so the whole file is counted about once.
struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t [u8]) -> Self {
        Lines { text, pos: 0, line: 1 }
    }

    /// 1-based line of byte `off`.
    fn at(&mut self, off: usize) -> u64 {
        let off = off.min(self.text.len());
        if off >= self.pos {
            self.line += count_newlines(&self.text[self.pos..off]);
        } else {
            self.line -= count_newlines(&self.text[off..self.pos]);
        }
        self.pos = off;
        self.line
    }

    /// Number of lines spanned by `span` (non-empty).
    fn spanned(&mut self, span: &Range<usize>) -> u64 {
        let first = self.at(span.start);
        self.at(span.end.saturating_sub(1).max(span.start)) - first + 1
    }
}

fn count_newlines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

/// After this many names not found in one window, stop searching it: a miss scans to the window's end, and
/// this bounds the work on a large YAML List whose names are written in a way the search does not expect.
const MAX_MISSES: u32 = 16;

/// Finds where objects are written: searches forward, inside the current window, for the line that holds
/// the object's `metadata.name`.
struct Locator<'t> {
    text: &'t [u8],
    lines: Lines<'t>,
    cursor: usize,
    end: usize,
    fallback: u64,
    misses: u32,
}

impl<'t> Locator<'t> {
    fn new(text: &'t [u8]) -> Self {
        Locator {
            text,
            lines: Lines::new(text),
            cursor: 0,
            end: 0,
            fallback: 1,
            misses: 0,
        }
    }

    /// Searches from now on inside `span`; objects not found there get `fallback`.
    fn window(&mut self, span: Range<usize>, fallback: u64) {
        self.cursor = span.start;
        self.end = span.end.min(self.text.len());
        self.fallback = fallback;
        self.misses = 0;
    }

    /// Line of the next `name: <name>` in the window (JSON or YAML spelling), or the fallback.
    fn line_of(&mut self, name: &str) -> u64 {
        if name.is_empty() || self.misses >= MAX_MISSES || self.cursor >= self.end {
            return self.fallback;
        }
        match find_name(self.text, self.cursor..self.end, name.as_bytes()) {
            Some(at) => {
                self.cursor = at + name.len();
                self.lines.at(at)
            }
            None => {
                self.misses += 1;
                self.fallback
            }
        }
    }
}

/// Offset of the first `name` in `text[range]` written as the value of a `name` key.
fn find_name(text: &[u8], range: Range<usize>, name: &[u8]) -> Option<usize> {
    let finder = memmem::Finder::new(name);
    finder
        .find_iter(&text[range.clone()])
        .map(|hit| range.start + hit)
        .find(|&at| is_name_value(text, at, name.len()))
}

/// Whether the `len` bytes at `at` are the value of a `name` key: `"name": "<v>"`, `"name":"<v>"`,
/// `name: <v>`, `name: "<v>"`, `name: '<v>'`, also inside a YAML flow mapping (`{name: <v>, ...}`).
fn is_name_value(text: &[u8], at: usize, len: usize) -> bool {
    let after = text.get(at + len).copied();
    let mut i = at;
    match text[..at].last() {
        Some(&q @ (b'"' | b'\'')) => {
            if after != Some(q) {
                return false;
            }
            i -= 1;
        }
        _ => {
            if !matches!(after, None | Some(b'\n' | b'\r' | b' ' | b'\t' | b',' | b'}' | b'#')) {
                return false;
            }
        }
    }
    while i > 0 && matches!(text[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    if i == 0 || text[i - 1] != b':' {
        return false;
    }
    i -= 1;
    if i > 0 && matches!(text[i - 1], b'"' | b'\'') {
        i -= 1;
    }
    if i < 4 || &text[i - 4..i] != b"name" {
        return false;
    }
    i -= 4;
    // `nodeName:`, `generateName:`, `kubernetes.io/name:` are other keys.
    !(i > 0 && (text[i - 1].is_ascii_alphanumeric() || matches!(text[i - 1], b'_' | b'-' | b'.' | b'/')))
}

/// How objects get their line: all the same, or searched in the text.
enum Place<'a, 't> {
    Fixed(u64),
    Text(&'a mut Locator<'t>),
}

impl Place<'_, '_> {
    fn line_of(&mut self, name: &str) -> u64 {
        match self {
            Place::Fixed(line) => *line,
            Place::Text(loc) => loc.line_of(name),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------------------------

const LOG_START: &[u8] = b"==== START logs for container ";
const LOG_END: &[u8] = b"==== END logs for container ";

fn bom_len(text: &[u8]) -> usize {
    if text.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// First non-whitespace byte at or after `pos`.
fn skip_ws(text: &[u8], pos: usize) -> Option<usize> {
    let rest = text.get(pos..)?;
    rest.iter().position(|b| !b.is_ascii_whitespace()).map(|i| pos + i)
}

/// Start of the line after the one holding `pos` (or the end of the text).
fn next_line(text: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', &text[pos.min(text.len())..]) {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

/// `pos`, or the next line when only whitespace follows `pos` on its line.
fn skip_blank_rest(text: &[u8], pos: usize) -> usize {
    let next = next_line(text, pos);
    if text[pos.min(next)..next].iter().all(u8::is_ascii_whitespace) {
        next
    } else {
        pos
    }
}

/// Byte span of `s`, a slice borrowed from `text`.
fn span_of(text: &[u8], s: &str) -> Range<usize> {
    let start = (s.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    start..start + s.len()
}

/// Rewrites every `line N` of a parser message to `line N+by` (the parser saw a slice of the text).
fn shift_lines(msg: &str, by: u64) -> String {
    if by == 0 {
        return msg.to_string();
    }
    let mut out = String::with_capacity(msg.len() + 8);
    let mut rest = msg;
    while let Some(i) = rest.find("line ") {
        let (head, tail) = rest.split_at(i + 5);
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        match tail[..digits].parse::<u64>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&tail[..digits]),
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------------------
// JSON documents
// ---------------------------------------------------------------------------------------------------------

/// Where to look for the next document after a damaged one.
#[derive(Clone, Copy)]
enum Resync {
    /// A line starting with `{` or `[`.
    Json,
    /// A line starting with `{` or a log block.
    Stream,
}

impl Resync {
    /// Start of the first line after the one holding `from` that may begin a document.
    fn next(self, text: &[u8], from: usize) -> usize {
        let mut p = next_line(text, from);
        while p < text.len() {
            let r = &text[p..];
            let hit = match self {
                Resync::Json => r.starts_with(b"{") || r.starts_with(b"["),
                Resync::Stream => r.starts_with(b"{") || r.starts_with(LOG_START),
            };
            if hit {
                return p;
            }
            p = next_line(text, p);
        }
        text.len()
    }
}

/// The parts of a document that tell a List: its items, kept as raw text, and its kind.
#[derive(Deserialize)]
struct ListShape<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    kind: Option<String>,
}

/// Reads the JSON document starting at `start`; returns where reading goes on (always after `start`).
fn read_json_at(text: &[u8], start: usize, resync: Resync, loc: &mut Locator, dump: &mut Dump) -> usize {
    let doc_line = loc.lines.at(start);
    let mut de = serde_json::Deserializer::from_slice(&text[start..]);
    match <&RawValue>::deserialize(&mut de) {
        Ok(raw) => {
            let span = span_of(text, raw.get());
            read_json_doc(text, raw.get(), span.clone(), doc_line, loc, dump);
            span.end.max(start + 1)
        }
        Err(e) => {
            dump.skipped.push(json_damage(&e, doc_line));
            salvage_json_list(text, start, loc, dump);
            if e.is_eof() {
                // The document runs to the end of the input: nothing after it to read.
                return text.len();
            }
            // Go on after the damage, not inside the document read so far (its items would be read twice).
            let damaged_line = e.line().max(1) - 1;
            let mut at = start;
            for _ in 0..damaged_line {
                at = next_line(text, at);
            }
            resync.next(text, at.max(start))
        }
    }
}

/// Reads a well-formed document: a List item by item, anything else as one value.
fn read_json_doc(text: &[u8], json: &str, span: Range<usize>, doc_line: u64, loc: &mut Locator, dump: &mut Dump) {
    let (items, kind) = match json.as_bytes().first() {
        Some(b'[') => (serde_json::from_str::<Vec<&RawValue>>(json).ok(), None),
        Some(b'{') => match serde_json::from_str::<ListShape>(json) {
            Ok(list) => (list.items, list.kind),
            Err(_) => (None, None),
        },
        // A bare scalar holds no object.
        _ => return,
    };
    match items {
        Some(items) => {
            let inherited = kind.as_deref().and_then(item_kind);
            for item in items {
                read_json_item(text, item, inherited, loc, dump);
            }
        }
        None => read_json_value(json, span.clone(), doc_line, None, false, loc, dump),
    }
    dump.structure_lines += loc.lines.spanned(&span);
}

/// Reads one List item.
fn read_json_item(text: &[u8], item: &RawValue, inherited: Option<&str>, loc: &mut Locator, dump: &mut Dump) {
    let span = span_of(text, item.get());
    let line = loc.lines.at(span.start);
    read_json_value(item.get(), span, line, inherited, true, loc, dump);
}

/// Parses `json` (found at `span`, line `line`; a List item when `in_list`) and reads the objects in it.
fn read_json_value(
    json: &str,
    span: Range<usize>,
    line: u64,
    inherited: Option<&str>,
    in_list: bool,
    loc: &mut Locator,
    dump: &mut Dump,
) {
    match serde_json::from_str::<Value>(json) {
        Ok(v) => {
            loc.window(span, line);
            walk(&v, inherited, in_list, &mut Place::Text(loc), dump);
        }
        Err(e) => {
            let at = line + (e.line().max(1) as u64 - 1);
            let msg = shift_lines(&e.to_string(), line - 1);
            dump.skipped
                .push((at, format!("unreadable JSON object from line {line}: {msg}")));
        }
    }
}

/// `(line, reason)` for a document serde_json could not read.
fn json_damage(e: &serde_json::Error, doc_line: u64) -> (u64, String) {
    let what = if e.is_eof() { "truncated" } else { "invalid" };
    let line = doc_line + (e.line().max(1) as u64 - 1);
    let msg = shift_lines(&e.to_string(), doc_line - 1);
    (line, format!("{what} JSON document from line {doc_line}: {msg}"))
}

/// Keeps the complete items of a damaged List (a truncated `events.json`): they are read one by one from the
/// top-level `items` array until the damage.
fn salvage_json_list(text: &[u8], start: usize, loc: &mut Locator, dump: &mut Dump) {
    let Some((open, kind)) = list_head(&text[start..]) else {
        return;
    };
    let inherited = kind.as_deref().and_then(item_kind);
    let mut p = start + open + 1;
    let mut last_end = None;
    while let Some(q) = skip_ws(text, p) {
        if text[q] == b']' {
            break;
        }
        let mut de = serde_json::Deserializer::from_slice(&text[q..]);
        let Ok(item) = <&RawValue>::deserialize(&mut de) else {
            break;
        };
        read_json_item(text, item, inherited, loc, dump);
        let end = span_of(text, item.get()).end;
        last_end = Some(end);
        match skip_ws(text, end) {
            Some(c) if text[c] == b',' => p = c + 1,
            _ => break,
        }
    }
    if let Some(end) = last_end {
        dump.structure_lines += loc.lines.spanned(&(start..end));
    }
}

/// In a (possibly damaged) JSON document: the offset of the `[` opening its top-level `items` (0 for a bare
/// array) and the top-level `kind` when written before it. A plain scan that tracks strings and depth.
fn list_head(doc: &[u8]) -> Option<(usize, Option<String>)> {
    if doc.first() == Some(&b'[') {
        return Some((0, None));
    }
    let mut depth = 0u32;
    let mut kind = None;
    let mut i = 0;
    while i < doc.len() {
        match doc[i] {
            b'"' => {
                let end = string_end(doc, i + 1)?;
                if depth == 1 {
                    let key = &doc[i + 1..end];
                    let colon = skip_ws(doc, end + 1).filter(|&c| doc[c] == b':');
                    if let Some(c) = colon {
                        let value = skip_ws(doc, c + 1)?;
                        if key == b"items" && doc[value] == b'[' {
                            return Some((value, kind));
                        }
                        if key == b"kind" && doc[value] == b'"' {
                            let vend = string_end(doc, value + 1)?;
                            kind = std::str::from_utf8(&doc[value + 1..vend]).ok().map(String::from);
                        }
                    }
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth <= 1 {
                    return None;
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Offset of the quote closing a JSON string whose content starts at `from`.
fn string_end(doc: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = from + memchr::memchr2(b'"', b'\\', doc.get(from..)?)?;
        if doc[i] == b'"' {
            return Some(i);
        }
        from = i + 2;
    }
}

// ---------------------------------------------------------------------------------------------------------
// YAML documents
// ---------------------------------------------------------------------------------------------------------

/// Byte ranges of the documents: a new one begins at each line starting with `---` (a document marker at
/// column 0 always starts a document in YAML, even inside a block scalar).
fn yaml_chunks(text: &[u8]) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    for nl in memchr::memchr_iter(b'\n', text) {
        let p = nl + 1;
        let r = &text[p..];
        if r.starts_with(b"---") && matches!(r.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
            starts.push(p);
        }
    }
    starts.push(text.len());
    starts.windows(2).filter(|w| w[0] < w[1]).map(|w| w[0]..w[1]).collect()
}

/// Offset of the first line of `body` that holds content (not blank, a comment, a marker or a directive).
fn first_content(body: &[u8]) -> Option<usize> {
    let mut p = 0;
    while p < body.len() {
        let end = next_line(body, p);
        let mut line = body[p..end].trim_ascii();
        if let Some(rest) = line.strip_prefix(b"---").or_else(|| line.strip_prefix(b"...")) {
            line = rest.trim_ascii();
        }
        if !(line.is_empty() || line.starts_with(b"#") || line.starts_with(b"%")) {
            return Some(p);
        }
        p = end;
    }
    None
}

/// Reads the documents of one chunk.
fn read_yaml_chunk(text: &[u8], chunk: Range<usize>, loc: &mut Locator, dump: &mut Dump) {
    let body = &text[chunk.clone()];
    let Some(first) = first_content(body) else {
        return;
    };
    let base_line = loc.lines.at(chunk.start);
    let first_line = loc.lines.at(chunk.start + first);
    if flow_depth_exceeds(body, MAX_FLOW_DEPTH) {
        // libyaml's time grows with tokens x flow depth; such a document would fail the depth limit anyway.
        let reason =
            format!("YAML document from line {first_line} nested more than {MAX_FLOW_DEPTH} levels deep: not read");
        dump.skipped.push((first_line, reason));
        return;
    }
    let mut counted = false;
    for de in serde_norway::Deserializer::from_slice(body) {
        match serde_norway::Value::deserialize(de) {
            Ok(y) => {
                let v = yaml_to_json(y);
                if !(v.is_object() || v.is_array()) {
                    continue;
                }
                loc.window(chunk.clone(), first_line);
                walk(&v, None, false, &mut Place::Text(loc), dump);
                if !counted {
                    counted = true;
                    dump.structure_lines += loc.lines.spanned(&chunk);
                }
            }
            Err(e) => {
                dump.skipped.push(yaml_damage(&e, base_line, first_line));
                if !counted {
                    salvage_yaml_list(text, chunk, &e, loc, dump);
                }
                // The loader stays failed after an error (and would yield it forever).
                break;
            }
        }
    }
}

/// Deeper than any object the YAML reader accepts (its recursion limit is 128).
const MAX_FLOW_DEPTH: u32 = 256;

/// Whether `[`/`{` nest deeper than `limit` in `body`, skipping quoted scalars and comments (a quote only
/// opens a scalar where one may begin, so `can't` is no quote).
fn flow_depth_exceeds(body: &[u8], limit: u32) -> bool {
    let mut depth = 0u32;
    let mut i = 0;
    while i < body.len() {
        let prev = if i == 0 { b'\n' } else { body[i - 1] };
        let starts_token = matches!(prev, b' ' | b'\t' | b'\n' | b'\r' | b':' | b'[' | b'{' | b',' | b'-');
        match body[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if matches!(prev, b' ' | b'\t' | b'\n') => i = next_line(body, i) - 1,
            q @ (b'"' | b'\'') if starts_token => {
                let close = if q == b'"' {
                    string_end(body, i + 1)
                } else {
                    memchr::memchr(q, &body[i + 1..]).map(|j| i + 1 + j)
                };
                match close {
                    Some(c) => i = c,
                    None => return false,
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// `(line, reason)` for a document the YAML parser could not read.
fn yaml_damage(e: &serde_norway::Error, base_line: u64, first_line: u64) -> (u64, String) {
    let line = e
        .location()
        .map_or(first_line, |l| base_line + (l.line().max(1) as u64 - 1));
    let msg = shift_lines(&e.to_string(), base_line - 1);
    let what = if msg.contains("end of stream") {
        "truncated"
    } else {
        "invalid"
    };
    (line, format!("{what} YAML document from line {first_line}: {msg}"))
}

/// Keeps the complete items of a damaged YAML List: the document is cut at the start of the item holding the
/// error, and what is before it read again.
fn salvage_yaml_list(text: &[u8], chunk: Range<usize>, e: &serde_norway::Error, loc: &mut Locator, dump: &mut Dump) {
    let body = &text[chunk.clone()];
    let Some(err_line) = e.location().map(|l| l.line()) else {
        return;
    };
    let Some((first_item, indent)) = yaml_items_start(body) else {
        return;
    };
    let err_at = nth_line_start(body, err_line);
    let mut cut = None;
    let mut p = first_item;
    while p <= err_at && p < body.len() {
        if is_item_line(&body[p..], indent) {
            cut = Some(p);
        }
        p = next_line(body, p);
    }
    let Some(cut) = cut.filter(|&c| c > first_item) else {
        return;
    };
    let Some(Ok(y)) = serde_norway::Deserializer::from_slice(&body[..cut])
        .next()
        .map(serde_norway::Value::deserialize)
    else {
        return;
    };
    let v = yaml_to_json(y);
    let span = chunk.start..chunk.start + cut;
    let fallback = loc.lines.at(chunk.start + first_item);
    loc.window(span.clone(), fallback);
    walk(&v, None, false, &mut Place::Text(loc), dump);
    dump.structure_lines += loc.lines.spanned(&span);
}

/// Where the items of a YAML List begin (`items:` at column 0, or a top-level sequence) and their indent.
fn yaml_items_start(body: &[u8]) -> Option<(usize, usize)> {
    let first = first_content(body)?;
    if is_item_line(&body[first..], 0) {
        return Some((first, 0));
    }
    let mut p = first;
    while p < body.len() {
        let end = next_line(body, p);
        if body[p..end].trim_ascii_end() == b"items:" {
            let item = end + first_content(&body[end..])?;
            let indent = body[item..].iter().take_while(|&&b| b == b' ').count();
            return is_item_line(&body[item..], indent).then_some((item, indent));
        }
        p = end;
    }
    None
}

/// Whether `line` is a sequence entry (`- ...`) at exactly `indent` spaces.
fn is_item_line(line: &[u8], indent: usize) -> bool {
    line.len() > indent
        && line[..indent].iter().all(|&b| b == b' ')
        && line[indent] == b'-'
        && matches!(line.get(indent + 1), None | Some(b' ' | b'\n' | b'\r'))
}

/// Offset of the start of 1-based line `n` of `body` (the end when it has fewer lines).
fn nth_line_start(body: &[u8], n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    memchr::memchr_iter(b'\n', body)
        .nth(n - 2)
        .map_or(body.len(), |i| i + 1)
}

/// YAML value to JSON value: tags dropped, non-string keys written as text, non-finite floats as null.
fn yaml_to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(seq) => Value::Array(seq.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .filter_map(|(k, v)| Some((yaml_key(k)?, yaml_to_json(v))))
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

fn yaml_key(k: serde_norway::Value) -> Option<String> {
    match yaml_to_json(k) {
        Value::String(s) => Some(s),
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------------------
// cluster-info dump stream
// ---------------------------------------------------------------------------------------------------------

/// End (exclusive, a line start) of the log block whose START line begins at `p`.
fn log_block_end(text: &[u8], p: usize) -> usize {
    let body = next_line(text, p);
    if body >= text.len() {
        return text.len();
    }
    // `body - 1` is the newline ending the START line, so an empty block's next START is found too.
    let next_start =
        memmem::find(&text[body - 1..], b"\n==== START logs for container ").map_or(text.len(), |i| body + i);
    match memmem::find(&text[body..next_start], LOG_END) {
        Some(i) => next_line(text, body + i),
        None => next_start,
    }
}

/// Emits the text between `start` and `end` as a region, unless it is only whitespace.
fn flush_text(text: &[u8], start: Option<usize>, end: usize, loc: &mut Locator, out: &mut Vec<Region>) {
    let Some(start) = start else {
        return;
    };
    if text[start..end].iter().all(u8::is_ascii_whitespace) {
        return;
    }
    out.push(Region::Text {
        line: loc.lines.at(start),
        bytes: start..end,
    });
}

// ---------------------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------------------

/// The kinds read.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Event,
    Pod,
    Node,
    Job,
    CronJob,
    /// A webhook configuration, `validating` or `mutating`.
    Webhooks(&'static str),
}

impl Kind {
    fn from_name(kind: &str) -> Option<Kind> {
        Some(match kind {
            "Event" => Kind::Event,
            "Pod" => Kind::Pod,
            "Node" => Kind::Node,
            "Job" => Kind::Job,
            // `ScheduledJob` is the batch/v2alpha1 name of CronJob (k8s 1.4).
            "CronJob" | "ScheduledJob" => Kind::CronJob,
            "ValidatingWebhookConfiguration" => Kind::Webhooks("validating"),
            "MutatingWebhookConfiguration" => Kind::Webhooks("mutating"),
            _ => return None,
        })
    }

    /// The kind of a List item that does not say it, from its fields.
    fn infer(v: &Value) -> Option<Kind> {
        if v.get("involvedObject").is_some() || v.get("regarding").is_some() {
            return Some(Kind::Event);
        }
        if at(v, &["status", "nodeInfo"]).is_some() {
            return Some(Kind::Node);
        }
        let spec = v.get("spec")?;
        if spec.get("jobTemplate").is_some() {
            Some(Kind::CronJob)
        } else if spec.get("backoffLimit").is_some() || spec.get("completions").is_some() {
            Some(Kind::Job)
        } else if spec.get("containers").is_some() {
            Some(Kind::Pod)
        } else {
            None
        }
    }
}

/// Item kind of a typed List (`PodList` -> `Pod`); none for a plain `List`.
fn item_kind(list_kind: &str) -> Option<&str> {
    list_kind.strip_suffix("List").filter(|k| !k.is_empty())
}

/// The items when `v` is a List: a bare array or an object with an `items` array.
fn list_items(v: &Value) -> Option<&Vec<Value>> {
    match v {
        Value::Array(items) => Some(items),
        Value::Object(map) => map.get("items").and_then(Value::as_array),
        _ => None,
    }
}

/// Reads `root` and, for Lists, their items (iteratively: nesting depth is up to the input). `inherited` is
/// the item kind of the List `root` is an item of (`in_list`).
fn walk<'v>(root: &'v Value, inherited: Option<&'v str>, in_list: bool, place: &mut Place, dump: &mut Dump) {
    // (value, kind its List gives it, whether it is a List item)
    let mut stack = vec![(root, inherited, in_list)];
    while let Some((v, inherited, in_list)) = stack.pop() {
        let own = v.get("kind").and_then(Value::as_str);
        if let Some(items) = list_items(v) {
            let child = own.and_then(item_kind).or(inherited);
            stack.extend(items.iter().rev().map(|item| (item, child, true)));
            continue;
        }
        let kind = match own {
            Some(k) => Kind::from_name(k),
            None => inherited.and_then(Kind::from_name).or_else(|| {
                // Only List items may leave their kind out; a bare document must say it.
                in_list.then(|| Kind::infer(v)).flatten()
            }),
        };
        let Some(kind) = kind else {
            continue;
        };
        let line = place.line_of(&string_at(v, &["metadata", "name"]).unwrap_or_default());
        read_object(kind, v, line, dump);
    }
}

fn read_object(kind: Kind, v: &Value, line: u64, dump: &mut Dump) {
    match kind {
        Kind::Event => {
            let e = read_event(v, line, dump);
            dump.events.push(e);
        }
        Kind::Pod => {
            let p = read_pod(v, line, dump);
            dump.pods.push(p);
        }
        Kind::Node => {
            let n = read_node(v, line, dump);
            dump.nodes.push(n);
        }
        Kind::Job => {
            let j = read_job(v, line, dump);
            dump.jobs.push(j);
        }
        Kind::CronJob => {
            let c = read_cronjob(v, line, dump);
            dump.cronjobs.push(c);
        }
        Kind::Webhooks(admission) => {
            let hooks = read_webhooks(v, admission, line);
            dump.webhooks.extend(hooks);
        }
    }
    dump.rows += 1;
}

// --- Event -------------------------------------------------------------------------------------------------

/// core/v1 Event or events.k8s.io/v1(beta1) Event.
fn read_event(v: &Value, line: u64, dump: &mut Dump) -> Event {
    // events.k8s.io renames involvedObject -> regarding, message -> note, and prefixes the legacy fields.
    let about = v.get("involvedObject").or_else(|| v.get("regarding"));
    let about_str = |key: &str| about.and_then(|a| str_at(a, &[key]));
    let object = ObjectRef {
        kind: about_str("kind").map(canonical_kind),
        namespace: about_str("namespace")
            .or_else(|| str_at(v, &["metadata", "namespace"]))
            .map(String::from),
        name: about.and_then(|a| string_at(a, &["name"])).unwrap_or_default(),
        field_path: about_str("fieldPath").map(String::from),
    };

    let created = time_at(v, &["metadata", "creationTimestamp"], dump);
    let first_ts = time_at(v, &["firstTimestamp"], dump);
    let first_ts = first_ts.or(time_at(v, &["deprecatedFirstTimestamp"], dump));
    let last_ts = time_at(v, &["lastTimestamp"], dump);
    let last_ts = last_ts.or(time_at(v, &["deprecatedLastTimestamp"], dump));
    let event_time = time_at(v, &["eventTime"], dump);
    let series_last = time_at(v, &["series", "lastObservedTime"], dump);
    // formats.md 7.3: newest known occurrence, and the oldest.
    let last = series_last.or(last_ts).or(event_time).or(first_ts).or(created);
    let first = first_ts.or(event_time).or(created);

    let count = [&["series", "count"][..], &["count"], &["deprecatedCount"]]
        .iter()
        .find_map(|path| uint_at(v, path).filter(|&n| n > 0))
        .unwrap_or(1);

    Event {
        line,
        object,
        event_type: str_at(v, &["type"]).map(String::from),
        reason: str_at(v, &["reason"]).map(String::from),
        message: str_at(v, &["message"])
            .or_else(|| str_at(v, &["note"]))
            .unwrap_or_default()
            .to_string(),
        source: str_at(v, &["source", "component"])
            .or_else(|| str_at(v, &["reportingComponent"]))
            .or_else(|| str_at(v, &["reportingController"]))
            .or_else(|| str_at(v, &["deprecatedSource", "component"]))
            .map(String::from),
        host: str_at(v, &["source", "host"])
            .or_else(|| str_at(v, &["deprecatedSource", "host"]))
            .map(String::from),
        count,
        first: first.unwrap_or(When::Unknown),
        last: last.unwrap_or(When::Unknown),
        name: string_at(v, &["metadata", "name"]),
    }
}

// --- Pod ---------------------------------------------------------------------------------------------------

fn read_pod(v: &Value, line: u64, dump: &mut Dump) -> Pod {
    let namespace = str_at(v, &["metadata", "namespace"]).map(String::from);
    // `status: {}` is what kubeadm writes into static pod manifests: no status.
    let status = v.get("status").filter(|s| s.as_object().is_some_and(|m| !m.is_empty()));
    let containers = read_containers(v, dump);
    let ready = status.map(|s| {
        let ready = array_at(s, &["containerStatuses"])
            .iter()
            .filter(|c| bool_at(c, &["ready"]) == Some(true) && is_set(at(c, &["state", "running"])))
            .count();
        format!("{ready}/{}", array_at(v, &["spec", "containers"]).len())
    });
    Pod {
        line,
        name: string_at(v, &["metadata", "name"]).unwrap_or_default(),
        node: str_at(v, &["spec", "nodeName"]).map(String::from),
        owners: owners(v, namespace.as_deref()),
        // Like kubectl: the reason (`Evicted`, `NodeLost`) when set, else the phase.
        status: status
            .and_then(|s| str_at(s, &["reason"]).or_else(|| str_at(s, &["phase"])))
            .map(String::from),
        reason: status.and_then(|s| str_at(s, &["reason"])).map(String::from),
        message: status.and_then(|s| str_at(s, &["message"])).map(String::from),
        ready,
        created: time_at(v, &["metadata", "creationTimestamp"], dump),
        started: status.and_then(|s| time_at(s, &["startTime"], dump)),
        containers,
        static_manifest: is_static_manifest(v, status.is_some()),
        uid: string_at(v, &["metadata", "uid"]),
        namespace,
    }
}

/// A manifest from `/etc/kubernetes/manifests`: containers, but never stored by an apiserver (no status, uid
/// or creation time).
fn is_static_manifest(v: &Value, has_status: bool) -> bool {
    !has_status
        && !is_set(at(v, &["metadata", "uid"]))
        && !is_set(at(v, &["metadata", "creationTimestamp"]))
        && !array_at(v, &["spec", "containers"]).is_empty()
}

/// Init containers first, then containers; statuses matched to specs by name.
fn read_containers(v: &Value, dump: &mut Dump) -> Vec<Container> {
    let mut out: Vec<Container> = Vec::new();
    for (spec_key, status_key, init) in [
        ("initContainers", "initContainerStatuses", true),
        ("containers", "containerStatuses", false),
    ] {
        let first = out.len();
        out.extend(array_at(v, &["spec", spec_key]).iter().map(|c| container_spec(c, init)));
        for s in array_at(v, &["status", status_key]) {
            let name = string_at(s, &["name"]).unwrap_or_default();
            let i = match out[first..].iter().position(|c| c.name == name) {
                Some(i) => first + i,
                None => {
                    out.push(Container {
                        name,
                        init,
                        ..Container::default()
                    });
                    out.len() - 1
                }
            };
            apply_status(&mut out[i], s, dump);
        }
    }
    out
}

fn container_spec(c: &Value, init: bool) -> Container {
    let probes = [
        ("liveness", "livenessProbe"),
        ("readiness", "readinessProbe"),
        ("startup", "startupProbe"),
    ]
    .iter()
    .filter_map(|&(probe, key)| c.get(key).filter(|p| p.is_object()).map(|p| read_probe(probe, p)))
    .collect();
    Container {
        name: string_at(c, &["name"]).unwrap_or_default(),
        init,
        image: str_at(c, &["image"]).map(String::from),
        probes,
        limits: resources(c, "limits"),
        requests: resources(c, "requests"),
        ..Container::default()
    }
}

/// `resources.<key>` as `(resource, quantity)` pairs.
fn resources(c: &Value, key: &str) -> Vec<(String, String)> {
    at(c, &["resources", key])
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, q)| Some((k.clone(), scalar_text(q)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Fills a container from its `containerStatuses` entry.
fn apply_status(c: &mut Container, s: &Value, dump: &mut Dump) {
    c.ready = bool_at(s, &["ready"]);
    c.restarts = uint_at(s, &["restartCount"]);
    if c.image.is_none() {
        c.image = str_at(s, &["image"]).map(String::from);
    }
    let state = |name: &str| at(s, &["state", name]).filter(|x| is_set(Some(x)));
    if let Some(run) = state("running") {
        c.state = Some("Running".into());
        c.state_since = time_at(run, &["startedAt"], dump);
    } else if let Some(wait) = state("waiting") {
        c.state = Some("Waiting".into());
        c.state_reason = str_at(wait, &["reason"]).map(String::from);
    } else if let Some(term) = state("terminated") {
        c.state = Some("Terminated".into());
        c.state_reason = str_at(term, &["reason"]).map(String::from);
        c.state_since = time_at(term, &["finishedAt"], dump);
    }
    c.last_termination = at(s, &["lastState", "terminated"])
        .filter(|t| is_set(Some(t)))
        .map(|t| termination(t, dump));
    // kubectl's `RESTARTS 5 (2m ago)` is the end of the previous run.
    c.last_restart = c.last_termination.as_ref().and_then(|t| t.finished);
}

fn termination(t: &Value, dump: &mut Dump) -> Termination {
    let small = |key: &str| int_at(t, &[key]).and_then(|n| i32::try_from(n).ok());
    Termination {
        reason: str_at(t, &["reason"]).map(String::from),
        exit_code: small("exitCode"),
        signal: small("signal"),
        started: time_at(t, &["startedAt"], dump),
        finished: time_at(t, &["finishedAt"], dump),
        message: str_at(t, &["message"]).map(String::from),
    }
}

/// A probe with the API defaults for what is left out.
fn read_probe(probe: &str, p: &Value) -> Probe {
    let secs = |key: &str, default: u32| u32_at(p, &[key]).unwrap_or(default);
    Probe {
        probe: probe.to_string(),
        handler: probe_handler(p),
        initial_delay_s: secs("initialDelaySeconds", 0),
        timeout_s: secs("timeoutSeconds", 1),
        period_s: secs("periodSeconds", 10),
        success_threshold: secs("successThreshold", 1),
        failure_threshold: secs("failureThreshold", 3),
    }
}

/// The handler as `kubectl describe` prints it.
fn probe_handler(p: &Value) -> String {
    if let Some(h) = p.get("httpGet").filter(|h| h.is_object()) {
        return format!("http-get {}", http_get_url(h));
    }
    if let Some(e) = p.get("exec").filter(|e| e.is_object()) {
        let cmd: Vec<String> = array_at(e, &["command"]).iter().filter_map(scalar_text).collect();
        return if cmd.is_empty() {
            "exec".to_string()
        } else {
            format!("exec [{}]", cmd.join(" "))
        };
    }
    if let Some(t) = p.get("tcpSocket").filter(|t| t.is_object()) {
        let host = str_at(t, &["host"]).unwrap_or("");
        return format!("tcp-socket {host}:{}", string_at(t, &["port"]).unwrap_or_default());
    }
    if let Some(g) = p.get("grpc").filter(|g| g.is_object()) {
        let port = string_at(g, &["port"]).unwrap_or_default();
        return match str_at(g, &["service"]) {
            Some(service) => format!("grpc <pod>:{port} {service}"),
            None => format!("grpc <pod>:{port}"),
        };
    }
    "unknown".to_string()
}

/// `scheme://host:port/path` as Go's url.URL prints it (scheme lowercased, default `http`).
fn http_get_url(h: &Value) -> String {
    let scheme = str_at(h, &["scheme"]).unwrap_or("HTTP").to_ascii_lowercase();
    let host = str_at(h, &["host"]).unwrap_or("");
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let authority = match string_at(h, &["port"]) {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let path = escape_path(str_at(h, &["path"]).unwrap_or(""));
    let slash = if path.is_empty() || path.starts_with('/') {
        ""
    } else {
        "/"
    };
    format!("{scheme}://{authority}{slash}{path}")
}

/// A URL path escaped like Go's `url.URL.EscapedPath` (kubectl prints etcd's `/health?exclude=NOSPACE` as
/// `/health%3Fexclude=NOSPACE`).
fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-_.~$&+,/:;=@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `metadata.ownerReferences` (same namespace as the owned object).
fn owners(v: &Value, namespace: Option<&str>) -> Vec<Owner> {
    array_at(v, &["metadata", "ownerReferences"])
        .iter()
        .filter_map(|o| {
            Some(ObjectRef {
                kind: str_at(o, &["kind"]).map(canonical_kind),
                namespace: namespace.map(String::from),
                name: string_at(o, &["name"])?,
                field_path: None,
            })
        })
        .collect()
}

// --- Node --------------------------------------------------------------------------------------------------

fn read_node(v: &Value, line: u64, dump: &mut Dump) -> Node {
    let conditions: Vec<Condition> = array_at(v, &["status", "conditions"])
        .iter()
        .filter_map(|c| condition(c, "lastHeartbeatTime", dump))
        .collect();
    let unschedulable = bool_at(v, &["spec", "unschedulable"]).unwrap_or(false);
    let info = |key: &str| str_at(v, &["status", "nodeInfo", key]).map(String::from);
    Node {
        line,
        name: string_at(v, &["metadata", "name"]).unwrap_or_default(),
        status: Some(node_status(&conditions, unschedulable)),
        roles: node_roles(v),
        kubelet_version: info("kubeletVersion"),
        runtime_version: info("containerRuntimeVersion"),
        kernel_version: info("kernelVersion"),
        os_image: info("osImage"),
        created: time_at(v, &["metadata", "creationTimestamp"], dump),
        taints: array_at(v, &["spec", "taints"]).iter().filter_map(taint).collect(),
        unschedulable,
        conditions,
    }
}

/// kubectl's STATUS: `Ready` when the Ready condition is True, `NotReady` when it is False or Unknown,
/// `Unknown` without one; `,SchedulingDisabled` when cordoned.
fn node_status(conditions: &[Condition], unschedulable: bool) -> String {
    let mut s = match conditions.iter().rev().find(|c| c.kind == "Ready") {
        Some(c) if c.status == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }
    .to_string();
    if unschedulable {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted like kubectl.
fn node_roles(v: &Value) -> Vec<String> {
    let Some(labels) = at(v, &["metadata", "labels"]).and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut roles: Vec<String> = labels
        .iter()
        .filter_map(|(k, val)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role.to_string()),
            Some(_) => None,
            None if k == "kubernetes.io/role" => val.as_str().filter(|r| !r.is_empty()).map(String::from),
            None => None,
        })
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// `key[=value]:effect`.
fn taint(t: &Value) -> Option<String> {
    let key = str_at(t, &["key"])?;
    let effect = str_at(t, &["effect"]).unwrap_or("");
    Some(match str_at(t, &["value"]) {
        Some(value) => format!("{key}={value}:{effect}"),
        None => format!("{key}:{effect}"),
    })
}

/// A node or Job condition; `heartbeat` names the field read as the last check (`lastHeartbeatTime` for
/// nodes, `lastProbeTime` for Jobs).
fn condition(c: &Value, heartbeat: &str, dump: &mut Dump) -> Option<Condition> {
    Some(Condition {
        kind: str_at(c, &["type"])?.to_string(),
        status: str_at(c, &["status"]).unwrap_or("Unknown").to_string(),
        reason: str_at(c, &["reason"]).map(String::from),
        message: str_at(c, &["message"]).map(String::from),
        last_heartbeat: time_at(c, &[heartbeat], dump),
        last_transition: time_at(c, &["lastTransitionTime"], dump),
    })
}

// --- Job and CronJob ---------------------------------------------------------------------------------------

fn read_job(v: &Value, line: u64, dump: &mut Dump) -> Job {
    let namespace = str_at(v, &["metadata", "namespace"]).map(String::from);
    let succeeded = u32_at(v, &["status", "succeeded"]);
    Job {
        line,
        name: string_at(v, &["metadata", "name"]).unwrap_or_default(),
        owners: owners(v, namespace.as_deref()),
        created: time_at(v, &["metadata", "creationTimestamp"], dump),
        started: time_at(v, &["status", "startTime"], dump),
        completed: time_at(v, &["status", "completionTime"], dump),
        active: u32_at(v, &["status", "active"]),
        succeeded,
        failed: u32_at(v, &["status", "failed"]),
        completions: Some(job_completions(v, succeeded.unwrap_or(0))),
        conditions: array_at(v, &["status", "conditions"])
            .iter()
            .filter_map(|c| condition(c, "lastProbeTime", dump))
            .collect(),
        namespace,
    }
}

/// kubectl's COMPLETIONS: `succeeded/completions`, `succeeded/1` without completions, `succeeded/1 of N`
/// for a work queue with parallelism N > 1.
fn job_completions(v: &Value, succeeded: u32) -> String {
    match u32_at(v, &["spec", "completions"]) {
        Some(n) => format!("{succeeded}/{n}"),
        None => match u32_at(v, &["spec", "parallelism"]).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

fn read_cronjob(v: &Value, line: u64, dump: &mut Dump) -> CronJob {
    let active_jobs: Vec<String> = array_at(v, &["status", "active"])
        .iter()
        .filter_map(|j| string_at(j, &["name"]))
        .collect();
    CronJob {
        line,
        namespace: str_at(v, &["metadata", "namespace"]).map(String::from),
        name: string_at(v, &["metadata", "name"]).unwrap_or_default(),
        schedule: string_at(v, &["spec", "schedule"]),
        // API defaults for what the object leaves out.
        suspend: Some(bool_at(v, &["spec", "suspend"]).unwrap_or(false)),
        concurrency_policy: Some(str_at(v, &["spec", "concurrencyPolicy"]).unwrap_or("Allow").to_string()),
        successful_history_limit: Some(u32_at(v, &["spec", "successfulJobsHistoryLimit"]).unwrap_or(3)),
        failed_history_limit: Some(u32_at(v, &["spec", "failedJobsHistoryLimit"]).unwrap_or(1)),
        starting_deadline_s: int_at(v, &["spec", "startingDeadlineSeconds"]),
        active: Some(active_jobs.len() as u32),
        active_jobs,
        last_schedule: time_at(v, &["status", "lastScheduleTime"], dump),
        created: time_at(v, &["metadata", "creationTimestamp"], dump),
    }
}

// --- Webhook configurations --------------------------------------------------------------------------------

fn read_webhooks(v: &Value, admission: &str, line: u64) -> Vec<Webhook> {
    // admissionregistration v1beta1 defaulted to 30 s / Ignore; v1 defaults to 10 s / Fail.
    let beta = str_at(v, &["apiVersion"]).is_some_and(|a| a.ends_with("/v1beta1"));
    let (timeout, policy) = if beta { (30, "Ignore") } else { (10, "Fail") };
    let configuration = string_at(v, &["metadata", "name"]).unwrap_or_default();
    array_at(v, &["webhooks"])
        .iter()
        .map(|w| Webhook {
            line,
            admission: admission.to_string(),
            configuration: configuration.clone(),
            name: string_at(w, &["name"]).unwrap_or_default(),
            service: webhook_service(w),
            url: str_at(w, &["clientConfig", "url"]).map(String::from),
            timeout_s: Some(u32_at(w, &["timeoutSeconds"]).unwrap_or(timeout)),
            failure_policy: Some(str_at(w, &["failurePolicy"]).unwrap_or(policy).to_string()),
            rules: array_at(w, &["rules"]).iter().map(webhook_rule).collect(),
        })
        .collect()
}

/// `namespace/name[:port][/path]`.
fn webhook_service(w: &Value) -> Option<String> {
    let s = at(w, &["clientConfig", "service"])?;
    let mut out = format!(
        "{}/{}",
        str_at(s, &["namespace"]).unwrap_or(""),
        string_at(s, &["name"])?
    );
    if let Some(port) = string_at(s, &["port"]) {
        out.push(':');
        out.push_str(&port);
    }
    if let Some(path) = str_at(s, &["path"]) {
        if !path.starts_with('/') {
            out.push('/');
        }
        out.push_str(path);
    }
    Some(out)
}

/// `CREATE,UPDATE pods,pods/status`.
fn webhook_rule(r: &Value) -> String {
    let joined = |key: &str| {
        array_at(r, &[key])
            .iter()
            .filter_map(scalar_text)
            .collect::<Vec<_>>()
            .join(",")
    };
    let (ops, resources) = (joined("operations"), joined("resources"));
    match (ops.is_empty(), resources.is_empty()) {
        (false, false) => format!("{ops} {resources}"),
        (true, _) => resources,
        (false, true) => ops,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Field access, lenient about types (YAML writes `port: 8080` and `port: "8080"` alike)
// ---------------------------------------------------------------------------------------------------------

fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

/// Present and not null.
fn is_set(v: Option<&Value>) -> bool {
    v.is_some_and(|v| !v.is_null())
}

/// A non-empty string.
fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    at(v, path)?.as_str().filter(|s| !s.is_empty())
}

/// A non-empty string, or a number or boolean as text.
fn string_at(v: &Value, path: &[&str]) -> Option<String> {
    scalar_text(at(v, path)?)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int_at(v: &Value, path: &[&str]) -> Option<i64> {
    match at(v, path)? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn uint_at(v: &Value, path: &[&str]) -> Option<u64> {
    int_at(v, path).and_then(|n| u64::try_from(n).ok())
}

fn u32_at(v: &Value, path: &[&str]) -> Option<u32> {
    int_at(v, path).and_then(|n| u32::try_from(n).ok())
}

fn bool_at(v: &Value, path: &[&str]) -> Option<bool> {
    match at(v, path)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn array_at<'v>(v: &'v Value, path: &[&str]) -> &'v [Value] {
    at(v, path).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// An API timestamp (RFC 3339, `Z` or offset), noted as an absolute time seen in the dump. Null, zone-less
/// and zero (`0001-01-01T00:00:00Z`) times are none.
fn time_at(v: &Value, path: &[&str], dump: &mut Dump) -> Option<When> {
    let s = at(v, path)?.as_str()?;
    match rfc3339(s.trim().as_bytes())? {
        (RawTime::Instant { unix_nanos }, _) if unix_nanos > 0 => {
            let w = When::At(unix_nanos);
            dump.saw_absolute(w);
            Some(w)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: i64 = 1_000_000_000;

    /// An absolute time `secs` after the epoch.
    fn at(secs: i64) -> When {
        When::At(secs * NS)
    }

    /// 1-based line of the `n`-th (0-based) occurrence of `needle` in `text`.
    fn line_of(text: &str, needle: &str, n: usize) -> u64 {
        let off = text
            .match_indices(needle)
            .nth(n)
            .unwrap_or_else(|| panic!("{needle} #{n}"))
            .0;
        1 + text[..off].matches('\n').count() as u64
    }

    fn lines(text: &str) -> u64 {
        text.trim_end_matches('\n').matches('\n').count() as u64 + 1
    }

    /// `kubectl cluster-info dump --output-directory` `kube-system/events.json`: a typed EventList, items
    /// without `kind`, 4-space indent.
    const EVENTS_JSON: &str = r#"{
    "kind": "EventList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48290"
    },
    "items": [
        {
            "metadata": {
                "name": "etcd-master-1.1782a7c51ff3b1d6",
                "namespace": "kube-system",
                "uid": "6f0c2b0e-3a8e-4d7e-9f3a-2b8b9d1c4e21",
                "resourceVersion": "48113",
                "creationTimestamp": "2023-09-07T21:40:02Z"
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": "kube-system",
                "name": "etcd-master-1",
                "uid": "9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d",
                "apiVersion": "v1",
                "fieldPath": "spec.containers{etcd}"
            },
            "reason": "Unhealthy",
            "message": "Liveness probe failed: Get \"http://127.0.0.1:2381/health?exclude=NOSPACE\u0026serializable=true\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
            "source": {
                "component": "kubelet",
                "host": "master-1"
            },
            "firstTimestamp": "2023-09-07T21:40:02Z",
            "lastTimestamp": "2023-09-07T21:47:32Z",
            "count": 46,
            "type": "Warning",
            "eventTime": null,
            "reportingComponent": "",
            "reportingInstance": ""
        },
        {
            "metadata": {
                "name": "etcd-master-1.1782a7d2c8a0e4f3",
                "namespace": "kube-system",
                "uid": "0d2f6a8e-1b7c-4a5e-8d3f-7c9e2b1a4f60",
                "resourceVersion": "48287",
                "creationTimestamp": "2023-09-07T21:41:10Z"
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": "kube-system",
                "name": "etcd-master-1",
                "uid": "9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d",
                "apiVersion": "v1",
                "fieldPath": "spec.containers{etcd}"
            },
            "reason": "BackOff",
            "message": "Back-off restarting failed container etcd in pod etcd-master-1_kube-system(9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d)",
            "source": {
                "component": "kubelet",
                "host": "master-1"
            },
            "firstTimestamp": "2023-09-07T21:41:10Z",
            "lastTimestamp": "2023-09-07T21:52:40Z",
            "count": 112,
            "type": "Warning",
            "eventTime": null,
            "reportingComponent": "",
            "reportingInstance": ""
        },
        {
            "metadata": {
                "name": "master-1.1782a79b0e6d2c11",
                "namespace": "default",
                "uid": "c3a1e9f2-7d4b-4e8a-b6c5-2f1d0e9a8b7c",
                "resourceVersion": "47960",
                "creationTimestamp": "2023-09-07T21:38:05Z"
            },
            "involvedObject": {
                "kind": "Node",
                "name": "master-1",
                "uid": "master-1"
            },
            "reason": "NodeHasDiskPressure",
            "message": "Node master-1 status is now: NodeHasDiskPressure",
            "source": {
                "component": "kubelet",
                "host": "master-1"
            },
            "firstTimestamp": "2023-09-07T21:38:05Z",
            "lastTimestamp": "2023-09-07T21:38:05Z",
            "count": 1,
            "type": "Normal",
            "eventTime": null,
            "reportingComponent": "",
            "reportingInstance": ""
        },
        {
            "metadata": {
                "name": "master-1.1782a7b64c1d9e02",
                "namespace": "default",
                "uid": "5e7d9c1b-3a2f-4b6e-9c8d-1a0f2e3d4c5b",
                "resourceVersion": "48012",
                "creationTimestamp": "2023-09-07T21:39:12Z"
            },
            "involvedObject": {
                "kind": "Node",
                "name": "master-1",
                "uid": "master-1"
            },
            "reason": "OOMKilling",
            "message": "Memory cgroup out of memory: Killed process 2931 (etcd) total-vm:11224876kB, anon-rss:7912344kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:15884kB oom_score_adj:-997",
            "source": {
                "component": "kernel-monitor",
                "host": "master-1"
            },
            "firstTimestamp": "2023-09-07T21:39:12Z",
            "lastTimestamp": "2023-09-07T21:39:12Z",
            "count": 1,
            "type": "Warning",
            "eventTime": null,
            "reportingComponent": "",
            "reportingInstance": ""
        }
    ]
}
"#;

    #[test]
    fn event_list_json_from_cluster_info_dump() {
        let d = parse_json(EVENTS_JSON.as_bytes());
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.rows, 4);
        assert_eq!(d.events.len(), 4);
        assert_eq!(d.structure_lines, lines(EVENTS_JSON));

        let unhealthy = &d.events[0];
        assert_eq!(
            unhealthy.line,
            line_of(EVENTS_JSON, r#""name": "etcd-master-1.1782a7c51ff3b1d6""#, 0)
        );
        assert_eq!(unhealthy.line, 10);
        assert_eq!(unhealthy.name.as_deref(), Some("etcd-master-1.1782a7c51ff3b1d6"));
        assert_eq!(
            unhealthy.object,
            ObjectRef {
                kind: Some("Pod".into()),
                namespace: Some("kube-system".into()),
                name: "etcd-master-1".into(),
                field_path: Some("spec.containers{etcd}".into()),
            }
        );
        assert_eq!(unhealthy.reason.as_deref(), Some("Unhealthy"));
        assert_eq!(unhealthy.event_type.as_deref(), Some("Warning"));
        assert!(unhealthy.message.contains("health?exclude=NOSPACE&serializable=true"));
        assert_eq!(unhealthy.source.as_deref(), Some("kubelet"));
        assert_eq!(unhealthy.host.as_deref(), Some("master-1"));
        assert_eq!(unhealthy.count, 46);
        assert_eq!(unhealthy.first, at(1_694_122_802));
        assert_eq!(unhealthy.last, at(1_694_123_252));

        let backoff = &d.events[1];
        assert_eq!(backoff.line, line_of(EVENTS_JSON, "etcd-master-1.1782a7d2c8a0e4f3", 0));
        assert_eq!(backoff.count, 112);
        assert_eq!(backoff.first, at(1_694_122_870));
        assert_eq!(backoff.last, at(1_694_123_560));

        // Node events: no namespace on the involved object, the event's own namespace is used.
        let disk = &d.events[2];
        assert_eq!(disk.object.kind.as_deref(), Some("Node"));
        assert_eq!(disk.object.namespace.as_deref(), Some("default"));
        assert_eq!(disk.object.field_path, None);
        assert_eq!(disk.first, at(1_694_122_685));
        assert_eq!(disk.last, disk.first);

        let oom = &d.events[3];
        assert_eq!(oom.source.as_deref(), Some("kernel-monitor"));
        assert_eq!(oom.reason.as_deref(), Some("OOMKilling"));
        assert_eq!(oom.line, line_of(EVENTS_JSON, "master-1.1782a7b64c1d9e02", 0));

        assert_eq!(d.newest_absolute, Some(1_694_123_560 * NS));
    }

    /// `kubectl get events -o yaml` with the scheduler event of formats.md 7.3 (k8s#90482), flow mappings as
    /// quoted there, and a kubelet event in block style.
    const EVENTS_YAML: &str = r#"apiVersion: v1
items:
- action: Binding
  apiVersion: v1
  eventTime: "2020-04-24T13:38:26.252501Z"
  firstTimestamp: null
  involvedObject: {apiVersion: v1, kind: Pod, name: alertmanager-monit-alertmanager-0, namespace: magellan, resourceVersion: "17555", uid: a2347d4e-2f7b-4fa8-9b3e-93e4a2d0c5f1}
  kind: Event
  lastTimestamp: null
  message: Successfully assigned magellan/alertmanager-monit-alertmanager-0 to ip-172-31-181-132.eu-west-1.compute.internal
  metadata: {creationTimestamp: "2020-04-24T13:38:26Z", name: alertmanager-monit-alertmanager-0.1608c507df74c9ad, namespace: magellan, resourceVersion: "17557", uid: 0b6b1e2c-5d36-4c36-a0f0-6c0d7f0e9a11}
  reason: Scheduled
  reportingComponent: default-scheduler
  reportingInstance: default-scheduler-ip-172-31-181-132
  source: {component: default-scheduler}
  type: Normal
- apiVersion: v1
  count: 1
  eventTime: null
  firstTimestamp: "2020-04-24T13:38:28Z"
  involvedObject:
    apiVersion: v1
    fieldPath: spec.containers{alertmanager}
    kind: Pod
    name: alertmanager-monit-alertmanager-0
    namespace: magellan
    resourceVersion: "17556"
    uid: a2347d4e-2f7b-4fa8-9b3e-93e4a2d0c5f1
  kind: Event
  lastTimestamp: "2020-04-24T13:38:28Z"
  message: Pulling image "quay.io/prometheus/alertmanager:v0.20.0"
  metadata:
    creationTimestamp: "2020-04-24T13:38:28Z"
    name: alertmanager-monit-alertmanager-0.1608c5085a4e7e1b
    namespace: magellan
    resourceVersion: "17560"
    selfLink: /api/v1/namespaces/magellan/events/alertmanager-monit-alertmanager-0.1608c5085a4e7e1b
    uid: 7f3e2d1c-0b9a-4876-a5f4-e3d2c1b0a987
  reason: Pulling
  reportingComponent: ""
  reportingInstance: ""
  source:
    component: kubelet
    host: ip-172-31-181-132.eu-west-1.compute.internal
  type: Normal
kind: List
metadata:
  resourceVersion: ""
  selfLink: ""
"#;

    #[test]
    fn core_v1_event_yaml_with_null_timestamps_uses_event_time() {
        let d = parse_yaml(EVENTS_YAML.as_bytes());
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.rows, 2);
        assert_eq!(d.structure_lines, lines(EVENTS_YAML));

        let scheduled = &d.events[0];
        // firstTimestamp and lastTimestamp are null: eventTime (MicroTime) gives both.
        let event_time = When::At(1_587_735_506 * NS + 252_501_000);
        assert_eq!(scheduled.first, event_time);
        assert_eq!(scheduled.last, event_time);
        assert_eq!(scheduled.count, 1);
        assert_eq!(scheduled.reason.as_deref(), Some("Scheduled"));
        assert_eq!(scheduled.source.as_deref(), Some("default-scheduler"));
        assert_eq!(scheduled.host, None);
        assert_eq!(scheduled.object.namespace.as_deref(), Some("magellan"));
        assert_eq!(scheduled.object.name, "alertmanager-monit-alertmanager-0");
        assert_eq!(
            scheduled.name.as_deref(),
            Some("alertmanager-monit-alertmanager-0.1608c507df74c9ad")
        );
        // Found inside the flow mapping `metadata: {..., name: ...}`, not at the involvedObject line.
        assert_eq!(scheduled.line, 11);

        let pulling = &d.events[1];
        assert_eq!(
            pulling.line,
            line_of(
                EVENTS_YAML,
                "name: alertmanager-monit-alertmanager-0.1608c5085a4e7e1b",
                0
            )
        );
        assert_eq!(pulling.first, at(1_587_735_508));
        assert_eq!(pulling.last, at(1_587_735_508));
        assert_eq!(
            pulling.object.field_path.as_deref(),
            Some("spec.containers{alertmanager}")
        );
        assert_eq!(
            pulling.host.as_deref(),
            Some("ip-172-31-181-132.eu-west-1.compute.internal")
        );
        assert_eq!(
            pulling.message,
            r#"Pulling image "quay.io/prometheus/alertmanager:v0.20.0""#
        );
        assert_eq!(d.newest_absolute, Some(1_587_735_508 * NS));
    }

    #[test]
    fn bare_yaml_sequence_of_events() {
        // formats.md 7.3 quotes the items without their List.
        let text = &EVENTS_YAML[EVENTS_YAML.find("- action").unwrap()..EVENTS_YAML.find("kind: List").unwrap()];
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.events.len(), 2);
        assert_eq!(d.events[0].line, 9);
    }

    #[test]
    fn events_k8s_io_v1_event_with_series() {
        let text = r#"action: Scheduling
apiVersion: events.k8s.io/v1
deprecatedFirstTimestamp: null
deprecatedLastTimestamp: null
deprecatedSource: {}
eventTime: "2023-11-02T08:14:31.402911Z"
kind: Event
metadata:
  creationTimestamp: "2023-11-02T08:14:31Z"
  name: web-7d4b9c8f5-x2k9p.1793f1d6a5b0c3e2
  namespace: shop
  resourceVersion: "912345"
  uid: 3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f
note: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'
reason: FailedScheduling
regarding:
  apiVersion: v1
  kind: Pod
  name: web-7d4b9c8f5-x2k9p
  namespace: shop
  resourceVersion: "912300"
  uid: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
reportingController: default-scheduler
reportingInstance: default-scheduler-master-1
series:
  count: 7
  lastObservedTime: "2023-11-02T08:20:01.118734Z"
type: Warning
"#;
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.rows, 1);
        let e = &d.events[0];
        assert_eq!(e.count, 7);
        assert_eq!(e.first, When::At(1_698_912_871 * NS + 402_911_000));
        assert_eq!(e.last, When::At(1_698_913_201 * NS + 118_734_000));
        assert!(e.message.starts_with("0/3 nodes are available: 3 Insufficient memory."));
        assert_eq!(e.source.as_deref(), Some("default-scheduler"));
        assert_eq!(e.host, None);
        assert_eq!(e.object.kind.as_deref(), Some("Pod"));
        assert_eq!(e.object.namespace.as_deref(), Some("shop"));
        assert_eq!(e.object.name, "web-7d4b9c8f5-x2k9p");
        assert_eq!(e.line, 10);
        assert_eq!(d.newest_absolute, Some(1_698_913_201 * NS + 118_734_000));
    }

    #[test]
    fn old_2015_event_yaml_with_unquoted_timestamps() {
        // k8s#17899: YAML of k8s 1.1, timestamps written without quotes.
        let text = "apiVersion: v1
count: 1
firstTimestamp: 2015-12-03T06:39:03Z
involvedObject:
  kind: Node
  name: kubernetes-minion-8yt1
  uid: kubernetes-minion-8yt1
kind: Event
lastTimestamp: 2015-12-03T06:39:03Z
message: Starting kube-proxy.
metadata:
  creationTimestamp: 2015-12-03T06:39:03Z
  deletionTimestamp: 2015-12-03T07:39:03Z
  name: kubernetes-minion-8yt1.141c5346bafb15b5
  namespace: default
  resourceVersion: \"1045\"
  selfLink: /api/v1/namespaces/default/events/kubernetes-minion-8yt1.141c5346bafb15b5
  uid: 8bfb6c0e-9987-11e5-8bd5-42010af00002
reason: Starting
source:
  component: kube-proxy
  host: kubernetes-minion-8yt1
";
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.events.len(), 1);
        let e = &d.events[0];
        assert_eq!(e.first, at(1_449_124_743));
        assert_eq!(e.last, at(1_449_124_743));
        assert_eq!(e.count, 1);
        assert_eq!(e.source.as_deref(), Some("kube-proxy"));
        assert_eq!(e.host.as_deref(), Some("kubernetes-minion-8yt1"));
        assert_eq!(e.object.kind.as_deref(), Some("Node"));
        assert_eq!(e.object.namespace.as_deref(), Some("default"));
        assert_eq!(e.line, 14);
    }

    /// `kube-system/pods.json` of a cluster-info dump: coredns running, the etcd mirror pod crash-looping.
    const PODS_JSON: &str = r#"{
    "kind": "PodList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48290"
    },
    "items": [
        {
            "metadata": {
                "name": "coredns-5d78c9869d-7xkqp",
                "generateName": "coredns-5d78c9869d-",
                "namespace": "kube-system",
                "uid": "8d1e4c3a-5f0b-4f8e-a2d4-6b7c9e0f1a2b",
                "resourceVersion": "1042",
                "creationTimestamp": "2023-01-12T09:03:41Z",
                "labels": {
                    "k8s-app": "kube-dns",
                    "pod-template-hash": "5d78c9869d"
                },
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "ReplicaSet",
                        "name": "coredns-5d78c9869d",
                        "uid": "e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8",
                        "controller": true,
                        "blockOwnerDeletion": true
                    }
                ]
            },
            "spec": {
                "containers": [
                    {
                        "name": "coredns",
                        "image": "registry.k8s.io/coredns/coredns:v1.10.1",
                        "args": [
                            "-conf",
                            "/etc/coredns/Corefile"
                        ],
                        "resources": {
                            "limits": {
                                "memory": "170Mi"
                            },
                            "requests": {
                                "cpu": "100m",
                                "memory": "70Mi"
                            }
                        },
                        "livenessProbe": {
                            "httpGet": {
                                "path": "/health",
                                "port": 8080,
                                "scheme": "HTTP"
                            },
                            "initialDelaySeconds": 60,
                            "timeoutSeconds": 5,
                            "periodSeconds": 10,
                            "successThreshold": 1,
                            "failureThreshold": 5
                        },
                        "readinessProbe": {
                            "httpGet": {
                                "path": "/ready",
                                "port": 8181,
                                "scheme": "HTTP"
                            },
                            "timeoutSeconds": 1,
                            "periodSeconds": 10,
                            "successThreshold": 1,
                            "failureThreshold": 3
                        }
                    }
                ],
                "nodeName": "master-1",
                "serviceAccountName": "coredns",
                "priorityClassName": "system-cluster-critical"
            },
            "status": {
                "phase": "Running",
                "hostIP": "10.0.0.4",
                "podIP": "10.244.0.3",
                "startTime": "2023-01-12T09:03:41Z",
                "containerStatuses": [
                    {
                        "name": "coredns",
                        "state": {
                            "running": {
                                "startedAt": "2023-01-12T09:03:45Z"
                            }
                        },
                        "lastState": {},
                        "ready": true,
                        "restartCount": 0,
                        "image": "registry.k8s.io/coredns/coredns:v1.10.1",
                        "imageID": "registry.k8s.io/coredns/coredns@sha256:a0ead06651cf580044aeb0a0feba63591858fb2e43ade8c9dea45a6a89ae7e5e",
                        "containerID": "containerd://5b0c2a7f3e9d8c1b4a6f0e2d7c9b3a5f8e1d4c6b9a2f7e0d3c5b8a1f4e7d0c2b",
                        "started": true
                    }
                ],
                "qosClass": "Burstable"
            }
        },
        {
            "metadata": {
                "name": "etcd-master-1",
                "namespace": "kube-system",
                "uid": "b0a7f6b2-9a51-4c51-8e63-5d6e1c2f0a9d",
                "resourceVersion": "48211",
                "creationTimestamp": "2023-01-12T09:03:29Z",
                "labels": {
                    "component": "etcd",
                    "tier": "control-plane"
                },
                "annotations": {
                    "kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://10.0.0.4:2379",
                    "kubernetes.io/config.hash": "9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d",
                    "kubernetes.io/config.mirror": "9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d",
                    "kubernetes.io/config.seen": "2023-01-12T09:03:20.771593114Z",
                    "kubernetes.io/config.source": "file"
                },
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Node",
                        "name": "master-1",
                        "uid": "2f9e8d7c-6b5a-4948-8372-615f4e3d2c1b",
                        "controller": true
                    }
                ]
            },
            "spec": {
                "containers": [
                    {
                        "name": "etcd",
                        "image": "registry.k8s.io/etcd:3.5.7-0",
                        "command": [
                            "etcd",
                            "--advertise-client-urls=https://10.0.0.4:2379",
                            "--data-dir=/var/lib/etcd",
                            "--listen-metrics-urls=http://127.0.0.1:2381"
                        ],
                        "resources": {
                            "requests": {
                                "cpu": "100m",
                                "memory": "100Mi"
                            }
                        },
                        "livenessProbe": {
                            "httpGet": {
                                "path": "/health?exclude=NOSPACE\u0026serializable=true",
                                "port": 2381,
                                "host": "127.0.0.1",
                                "scheme": "HTTP"
                            },
                            "initialDelaySeconds": 10,
                            "timeoutSeconds": 15,
                            "periodSeconds": 10,
                            "successThreshold": 1,
                            "failureThreshold": 8
                        },
                        "startupProbe": {
                            "httpGet": {
                                "path": "/health?serializable=false",
                                "port": 2381,
                                "host": "127.0.0.1",
                                "scheme": "HTTP"
                            },
                            "initialDelaySeconds": 10,
                            "timeoutSeconds": 15,
                            "periodSeconds": 10,
                            "successThreshold": 1,
                            "failureThreshold": 24
                        }
                    }
                ],
                "nodeName": "master-1",
                "hostNetwork": true,
                "priorityClassName": "system-node-critical"
            },
            "status": {
                "phase": "Running",
                "hostIP": "10.0.0.4",
                "podIP": "10.0.0.4",
                "startTime": "2023-01-12T09:03:29Z",
                "containerStatuses": [
                    {
                        "name": "etcd",
                        "state": {
                            "waiting": {
                                "reason": "CrashLoopBackOff",
                                "message": "back-off 5m0s restarting failed container=etcd pod=etcd-master-1_kube-system(9c6f3c0c1f9a4d1c8b0e5d7f2a3b4c5d)"
                            }
                        },
                        "lastState": {
                            "terminated": {
                                "exitCode": 137,
                                "reason": "OOMKilled",
                                "startedAt": "2023-09-07T21:35:20Z",
                                "finishedAt": "2023-09-07T21:36:52Z",
                                "containerID": "containerd://d41f7a2c9e3b8f6a1c5e0d4b7a2f9c3e6b1d8a5f2c7e0b4d9a3f6c1e8b5d2a7f"
                            }
                        },
                        "ready": false,
                        "restartCount": 112,
                        "image": "registry.k8s.io/etcd:3.5.7-0",
                        "imageID": "registry.k8s.io/etcd@sha256:51eae8381dcb1078289fa7b4f3df2630cdc18d09fb56f8e56b41c40e191d6c83",
                        "containerID": "containerd://d41f7a2c9e3b8f6a1c5e0d4b7a2f9c3e6b1d8a5f2c7e0b4d9a3f6c1e8b5d2a7f",
                        "started": false
                    }
                ],
                "qosClass": "Burstable"
            }
        }
    ]
}
"#;

    #[test]
    fn pod_list_with_crash_looping_etcd() {
        let d = parse_json(PODS_JSON.as_bytes());
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.rows, 2);
        assert_eq!(d.structure_lines, lines(PODS_JSON));

        let coredns = &d.pods[0];
        assert_eq!(coredns.line, 10);
        assert_eq!(coredns.status.as_deref(), Some("Running"));
        assert_eq!(coredns.ready.as_deref(), Some("1/1"));
        assert_eq!(coredns.owners[0].kind.as_deref(), Some("ReplicaSet"));
        assert_eq!(coredns.owners[0].name, "coredns-5d78c9869d");
        assert_eq!(coredns.owners[0].namespace.as_deref(), Some("kube-system"));
        assert_eq!(coredns.uid.as_deref(), Some("8d1e4c3a-5f0b-4f8e-a2d4-6b7c9e0f1a2b"));
        let c = &coredns.containers[0];
        assert_eq!(c.limits, vec![("memory".to_string(), "170Mi".to_string())]);
        assert_eq!(
            c.requests,
            vec![
                ("cpu".to_string(), "100m".to_string()),
                ("memory".to_string(), "70Mi".to_string())
            ]
        );
        assert_eq!(c.probes.len(), 2);
        assert_eq!(c.probes[0].handler, "http-get http://:8080/health");
        assert_eq!(c.probes[1].probe, "readiness");
        assert_eq!(c.probes[1].handler, "http-get http://:8181/ready");
        assert_eq!(c.state.as_deref(), Some("Running"));
        assert_eq!(c.state_since, Some(at(1_673_514_225)));
        assert_eq!(c.last_termination, None);
        assert!(!coredns.static_manifest);

        let etcd = &d.pods[1];
        assert_eq!(etcd.line, line_of(PODS_JSON, r#""name": "etcd-master-1","#, 0));
        assert_eq!(etcd.name, "etcd-master-1");
        assert_eq!(etcd.namespace.as_deref(), Some("kube-system"));
        assert_eq!(etcd.node.as_deref(), Some("master-1"));
        assert_eq!(etcd.status.as_deref(), Some("Running"));
        assert_eq!(etcd.ready.as_deref(), Some("0/1"));
        assert_eq!(etcd.created, Some(at(1_673_514_209)));
        assert_eq!(etcd.started, Some(at(1_673_514_209)));
        assert_eq!(etcd.owners[0].kind.as_deref(), Some("Node"));
        assert!(
            !etcd.static_manifest,
            "a mirror pod read from the API is not a manifest"
        );

        let c = &etcd.containers[0];
        assert_eq!(c.name, "etcd");
        assert!(!c.init);
        assert_eq!(c.image.as_deref(), Some("registry.k8s.io/etcd:3.5.7-0"));
        assert_eq!(c.ready, Some(false));
        assert_eq!(c.restarts, Some(112));
        assert_eq!(c.state.as_deref(), Some("Waiting"));
        assert_eq!(c.state_reason.as_deref(), Some("CrashLoopBackOff"));
        assert_eq!(
            c.last_termination,
            Some(Termination {
                reason: Some("OOMKilled".into()),
                exit_code: Some(137),
                signal: None,
                started: Some(at(1_694_122_520)),
                finished: Some(at(1_694_122_612)),
                message: None,
            })
        );
        assert_eq!(c.last_restart, Some(at(1_694_122_612)));
        assert_eq!(
            c.probes[0],
            Probe {
                probe: "liveness".into(),
                // As kubectl describe prints it: `?` escaped in the path.
                handler: "http-get http://127.0.0.1:2381/health%3Fexclude=NOSPACE&serializable=true".into(),
                initial_delay_s: 10,
                timeout_s: 15,
                period_s: 10,
                success_threshold: 1,
                failure_threshold: 8,
            }
        );
        assert_eq!(c.probes[1].probe, "startup");
        assert_eq!(c.probes[1].failure_threshold, 24);
        assert_eq!(d.newest_absolute, Some(1_694_122_612 * NS));
    }

    #[test]
    fn evicted_pod_shows_reason_as_status() {
        let text = r#"{
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "creationTimestamp": "2019-03-19T07:37:06Z",
        "generateName": "nginxrepo-2549817493-",
        "labels": {
            "app": "nginxrepo",
            "pod-template-hash": "2549817493"
        },
        "name": "nginxrepo-2549817493-0p91t",
        "namespace": "mynamespace",
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "blockOwnerDeletion": true,
                "controller": true,
                "kind": "ReplicaSet",
                "name": "nginxrepo-2549817493",
                "uid": "5f2b8a1c-4a21-11e9-9d6e-0a58ac1f0a2e"
            }
        ],
        "resourceVersion": "20399211",
        "uid": "5f3c4d2e-4a21-11e9-9d6e-0a58ac1f0a2e"
    },
    "spec": {
        "containers": [
            {
                "image": "nginx:1.15",
                "imagePullPolicy": "IfNotPresent",
                "name": "nginxrepo",
                "resources": {}
            }
        ],
        "nodeName": "ip-10-0-1-15.ec2.internal"
    },
    "status": {
        "message": "The node was low on resource: ephemeral-storage.",
        "phase": "Failed",
        "reason": "Evicted",
        "startTime": "2019-03-19T07:37:06Z"
    }
}
"#;
        let d = parse_json(text.as_bytes());
        let p = &d.pods[0];
        assert_eq!(p.status.as_deref(), Some("Evicted"));
        assert_eq!(p.reason.as_deref(), Some("Evicted"));
        assert_eq!(
            p.message.as_deref(),
            Some("The node was low on resource: ephemeral-storage.")
        );
        assert_eq!(p.ready.as_deref(), Some("0/1"));
        assert_eq!(p.started, Some(at(1_552_981_026)));
        assert_eq!(p.node.as_deref(), Some("ip-10-0-1-15.ec2.internal"));
        assert_eq!(p.owners[0].name, "nginxrepo-2549817493");
        // The `name:` of metadata, not the container of the same prefix nor generateName.
        assert_eq!(p.line, 11);
        let c = &p.containers[0];
        assert_eq!((c.state.as_deref(), c.ready, c.restarts), (None, None, None));
        assert!(c.limits.is_empty() && c.requests.is_empty());
        assert!(!p.static_manifest);
    }

    #[test]
    fn static_pod_manifest_from_kubeadm() {
        // /etc/kubernetes/manifests/etcd.yaml as kubeadm 1.2x writes it.
        let text = "apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.4:2379
  creationTimestamp: null
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://10.0.0.4:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --data-dir=/var/lib/etcd
    - --listen-metrics-urls=http://127.0.0.1:2381
    image: registry.k8s.io/etcd:3.5.7-0
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: 127.0.0.1
        path: /health
        port: 2381
        scheme: HTTP
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: etcd
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    startupProbe:
      failureThreshold: 24
      httpGet:
        host: 127.0.0.1
        path: /health
        port: 2381
        scheme: HTTP
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
status: {}
";
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.rows, 1);
        let p = &d.pods[0];
        assert!(p.static_manifest);
        assert_eq!(p.name, "etcd");
        assert_eq!(p.line, 10);
        assert_eq!((p.status.as_deref(), p.ready.as_deref(), p.created), (None, None, None));
        let c = &p.containers[0];
        assert_eq!(c.name, "etcd");
        assert_eq!(
            c.probes[0],
            Probe {
                probe: "liveness".into(),
                handler: "http-get http://127.0.0.1:2381/health".into(),
                initial_delay_s: 10,
                timeout_s: 15,
                period_s: 10,
                success_threshold: 1,
                failure_threshold: 8,
            }
        );
        assert_eq!(c.probes[1].probe, "startup");
        assert_eq!(c.probes[1].failure_threshold, 24);
        assert_eq!(
            c.requests,
            vec![("cpu".into(), "100m".into()), ("memory".into(), "100Mi".into())]
        );
        assert_eq!(d.newest_absolute, None);
    }

    #[test]
    fn probe_handlers_as_kubectl_describe_prints_them() {
        let probe = |json: &str| read_probe("liveness", &serde_json::from_str(json).unwrap());
        let p = probe(r#"{"httpGet": {"path": "/health", "port": 2379, "scheme": "HTTPS"}}"#);
        assert_eq!(p.handler, "http-get https://:2379/health");
        // API defaults for the numbers left out.
        assert_eq!(
            (
                p.initial_delay_s,
                p.timeout_s,
                p.period_s,
                p.success_threshold,
                p.failure_threshold
            ),
            (0, 1, 10, 1, 3)
        );
        let p = probe(r#"{"httpGet": {"host": "127.0.0.1", "path": "/healthz", "port": 10259, "scheme": "HTTPS"}}"#);
        assert_eq!(p.handler, "http-get https://127.0.0.1:10259/healthz");
        let p =
            probe(r#"{"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5}"#);
        assert_eq!(p.handler, "exec [cat /tmp/healthy]");
        assert_eq!((p.initial_delay_s, p.period_s), (5, 5));
        assert_eq!(probe(r#"{"tcpSocket": {"port": 8080}}"#).handler, "tcp-socket :8080");
        assert_eq!(probe(r#"{"tcpSocket": {"port": "http"}}"#).handler, "tcp-socket :http");
        assert_eq!(probe(r#"{"grpc": {"port": 2379}}"#).handler, "grpc <pod>:2379");
        assert_eq!(
            probe(r#"{"grpc": {"port": 9090, "service": "liveness"}}"#).handler,
            "grpc <pod>:9090 liveness"
        );
        assert_eq!(
            probe(r#"{"httpGet": {"path": "/", "port": "metrics"}}"#).handler,
            "http-get http://:metrics/"
        );
    }

    const NODES_JSON: &str = r#"{
    "kind": "NodeList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48290"
    },
    "items": [
        {
            "metadata": {
                "name": "master-1",
                "uid": "2f9e8d7c-6b5a-4948-8372-615f4e3d2c1b",
                "resourceVersion": "48288",
                "creationTimestamp": "2023-01-12T09:03:29Z",
                "labels": {
                    "beta.kubernetes.io/arch": "amd64",
                    "beta.kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                    "kubernetes.io/hostname": "master-1",
                    "kubernetes.io/os": "linux",
                    "node-role.kubernetes.io/control-plane": "",
                    "node.kubernetes.io/exclude-from-external-load-balancers": ""
                }
            },
            "spec": {
                "podCIDR": "10.244.0.0/24",
                "taints": [
                    {
                        "key": "node-role.kubernetes.io/control-plane",
                        "effect": "NoSchedule"
                    },
                    {
                        "key": "node.kubernetes.io/disk-pressure",
                        "effect": "NoSchedule",
                        "timeAdded": "2023-09-07T20:02:11Z"
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "type": "MemoryPressure",
                        "status": "False",
                        "lastHeartbeatTime": "2023-09-07T21:52:17Z",
                        "lastTransitionTime": "2023-01-12T09:03:25Z",
                        "reason": "KubeletHasSufficientMemory",
                        "message": "kubelet has sufficient memory available"
                    },
                    {
                        "type": "DiskPressure",
                        "status": "True",
                        "lastHeartbeatTime": "2023-09-07T21:52:17Z",
                        "lastTransitionTime": "2023-09-07T20:02:11Z",
                        "reason": "KubeletHasDiskPressure",
                        "message": "kubelet has disk pressure"
                    },
                    {
                        "type": "PIDPressure",
                        "status": "False",
                        "lastHeartbeatTime": "2023-09-07T21:52:17Z",
                        "lastTransitionTime": "2023-01-12T09:03:25Z",
                        "reason": "KubeletHasSufficientPID",
                        "message": "kubelet has sufficient PID available"
                    },
                    {
                        "type": "Ready",
                        "status": "True",
                        "lastHeartbeatTime": "2023-09-07T21:52:17Z",
                        "lastTransitionTime": "2023-01-12T09:03:45Z",
                        "reason": "KubeletReady",
                        "message": "kubelet is posting ready status. AppArmor enabled"
                    }
                ],
                "nodeInfo": {
                    "machineID": "4c4c4544004e3510804cb7c04f4d4d32",
                    "kernelVersion": "5.15.0-83-generic",
                    "osImage": "Ubuntu 22.04.3 LTS",
                    "containerRuntimeVersion": "containerd://1.6.22",
                    "kubeletVersion": "v1.27.5",
                    "kubeProxyVersion": "v1.27.5",
                    "operatingSystem": "linux",
                    "architecture": "amd64"
                }
            }
        },
        {
            "metadata": {
                "name": "worker-2",
                "uid": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
                "resourceVersion": "48101",
                "creationTimestamp": "2023-01-12T09:05:02Z",
                "labels": {
                    "kubernetes.io/hostname": "worker-2",
                    "kubernetes.io/role": "worker"
                }
            },
            "spec": {
                "unschedulable": true,
                "taints": [
                    {
                        "key": "node.kubernetes.io/unreachable",
                        "effect": "NoExecute",
                        "timeAdded": "2023-09-07T21:44:28Z"
                    },
                    {
                        "key": "node.kubernetes.io/unschedulable",
                        "effect": "NoSchedule",
                        "timeAdded": "2023-09-07T21:44:28Z"
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "Unknown",
                        "lastHeartbeatTime": "2023-09-07T21:43:41Z",
                        "lastTransitionTime": "2023-09-07T21:44:28Z",
                        "reason": "NodeStatusUnknown",
                        "message": "Kubelet stopped posting node status."
                    }
                ],
                "nodeInfo": {
                    "kernelVersion": "5.15.0-83-generic",
                    "osImage": "Ubuntu 22.04.3 LTS",
                    "containerRuntimeVersion": "containerd://1.6.22",
                    "kubeletVersion": "v1.26.8"
                }
            }
        }
    ]
}
"#;

    #[test]
    fn node_list_with_disk_pressure() {
        let d = parse_json(NODES_JSON.as_bytes());
        assert_eq!(d.rows, 2);
        let m = &d.nodes[0];
        assert_eq!(m.line, 10);
        assert_eq!(m.name, "master-1");
        assert_eq!(m.status.as_deref(), Some("Ready"));
        assert_eq!(m.roles, vec!["control-plane".to_string()]);
        assert_eq!(m.kubelet_version.as_deref(), Some("v1.27.5"));
        assert_eq!(m.runtime_version.as_deref(), Some("containerd://1.6.22"));
        assert_eq!(m.kernel_version.as_deref(), Some("5.15.0-83-generic"));
        assert_eq!(m.os_image.as_deref(), Some("Ubuntu 22.04.3 LTS"));
        assert_eq!(m.created, Some(at(1_673_514_209)));
        assert_eq!(
            m.taints,
            vec![
                "node-role.kubernetes.io/control-plane:NoSchedule",
                "node.kubernetes.io/disk-pressure:NoSchedule"
            ]
        );
        assert!(!m.unschedulable);
        assert_eq!(m.conditions.len(), 4);
        let disk = m.conditions.iter().find(|c| c.kind == "DiskPressure").unwrap();
        assert_eq!(
            *disk,
            Condition {
                kind: "DiskPressure".into(),
                status: "True".into(),
                reason: Some("KubeletHasDiskPressure".into()),
                message: Some("kubelet has disk pressure".into()),
                last_heartbeat: Some(at(1_694_123_537)),
                last_transition: Some(at(1_694_116_931)),
            }
        );

        // Ready Unknown prints as NotReady in kubectl (only a missing Ready condition is `Unknown`).
        let w = &d.nodes[1];
        assert_eq!(w.line, line_of(NODES_JSON, r#""name": "worker-2""#, 0));
        assert_eq!(w.status.as_deref(), Some("NotReady,SchedulingDisabled"));
        assert!(w.unschedulable);
        assert_eq!(w.roles, vec!["worker".to_string()]);
        assert_eq!(w.conditions[0].reason.as_deref(), Some("NodeStatusUnknown"));
        assert_eq!(w.conditions[0].last_transition, Some(at(1_694_123_068)));
        assert_eq!(d.newest_absolute, Some(1_694_123_537 * NS));
    }

    #[test]
    fn node_status_words() {
        let cond = |status: &str| Condition {
            kind: "Ready".into(),
            status: status.into(),
            reason: None,
            message: None,
            last_heartbeat: None,
            last_transition: None,
        };
        assert_eq!(node_status(&[cond("True")], false), "Ready");
        assert_eq!(node_status(&[cond("False")], false), "NotReady");
        assert_eq!(node_status(&[cond("True")], true), "Ready,SchedulingDisabled");
        assert_eq!(node_status(&[], false), "Unknown");
    }

    #[test]
    fn job_owned_by_cronjob() {
        let text = r#"{
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {
        "annotations": {
            "batch.kubernetes.io/job-tracking": ""
        },
        "creationTimestamp": "2023-10-30T02:00:00Z",
        "generation": 1,
        "labels": {
            "controller-uid": "a3b2c1d0-e9f8-4a7b-b6c5-d4e3f2a1b0c9",
            "job-name": "db-backup-28311240"
        },
        "name": "db-backup-28311240",
        "namespace": "ops",
        "ownerReferences": [
            {
                "apiVersion": "batch/v1",
                "blockOwnerDeletion": true,
                "controller": true,
                "kind": "CronJob",
                "name": "db-backup",
                "uid": "0f1e2d3c-4b5a-4697-8877-665544332211"
            }
        ],
        "resourceVersion": "5523419",
        "uid": "a3b2c1d0-e9f8-4a7b-b6c5-d4e3f2a1b0c9"
    },
    "spec": {
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "completions": 1,
        "parallelism": 1,
        "suspend": false,
        "template": {
            "spec": {
                "containers": [
                    {
                        "image": "registry.example.com/ops/pg-backup:1.4",
                        "name": "backup"
                    }
                ],
                "restartPolicy": "OnFailure"
            }
        }
    },
    "status": {
        "active": 1,
        "ready": 0,
        "startTime": "2023-10-30T02:00:00Z",
        "uncountedTerminatedPods": {}
    }
}
"#;
        let d = parse_json(text.as_bytes());
        assert_eq!(d.rows, 1);
        let j = &d.jobs[0];
        // `"job-name": "db-backup-28311240"` comes first but is another key.
        assert_eq!(j.line, 14);
        assert_eq!(j.name, "db-backup-28311240");
        assert_eq!(j.namespace.as_deref(), Some("ops"));
        assert_eq!(
            j.owners,
            vec![ObjectRef {
                kind: Some("CronJob".into()),
                namespace: Some("ops".into()),
                name: "db-backup".into(),
                field_path: None
            }]
        );
        assert_eq!(j.created, Some(at(1_698_631_200)));
        assert_eq!(j.started, Some(at(1_698_631_200)));
        assert_eq!(j.completed, None);
        assert_eq!((j.active, j.succeeded, j.failed), (Some(1), None, None));
        assert_eq!(j.completions.as_deref(), Some("0/1"));
        assert!(j.conditions.is_empty());
    }

    #[test]
    fn failed_job_conditions_in_yaml_list() {
        let text = r#"apiVersion: v1
items:
- apiVersion: batch/v1
  kind: Job
  metadata:
    creationTimestamp: "2023-10-29T02:00:00Z"
    name: db-backup-28309800
    namespace: ops
  spec:
    backoffLimit: 6
    parallelism: 3
  status:
    conditions:
    - lastProbeTime: "2023-10-29T02:07:30Z"
      lastTransitionTime: "2023-10-29T02:07:30Z"
      message: Job has reached the specified backoff limit
      reason: BackoffLimitExceeded
      status: "True"
      type: Failed
    failed: 7
    startTime: "2023-10-29T02:00:00Z"
kind: List
metadata:
  resourceVersion: ""
"#;
        let d = parse_yaml(text.as_bytes());
        let j = &d.jobs[0];
        assert_eq!(j.line, 7);
        assert_eq!(j.failed, Some(7));
        assert_eq!(j.completions.as_deref(), Some("0/1 of 3"));
        let c = &j.conditions[0];
        assert_eq!((c.kind.as_str(), c.status.as_str()), ("Failed", "True"));
        assert_eq!(c.reason.as_deref(), Some("BackoffLimitExceeded"));
        assert_eq!(c.last_transition, Some(at(1_698_545_250)));
        assert_eq!(c.last_heartbeat, Some(at(1_698_545_250)));
    }

    #[test]
    fn cronjob_forbid_with_active_job() {
        let text = r#"apiVersion: batch/v1beta1
kind: CronJob
metadata:
  creationTimestamp: "2021-06-01T12:00:00Z"
  name: db-backup
  namespace: ops
  resourceVersion: "5523420"
  uid: 0f1e2d3c-4b5a-4697-8877-665544332211
spec:
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: registry.example.com/ops/pg-backup:1.4
            name: backup
          restartPolicy: OnFailure
  schedule: 0 2 * * *
  startingDeadlineSeconds: 300
  suspend: false
status:
  active:
  - apiVersion: batch/v1
    kind: Job
    name: db-backup-28311240
    namespace: ops
    resourceVersion: "5523418"
    uid: a3b2c1d0-e9f8-4a7b-b6c5-d4e3f2a1b0c9
  lastScheduleTime: "2023-10-30T02:00:00Z"
"#;
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.rows, 1);
        let c = &d.cronjobs[0];
        assert_eq!(c.line, 5);
        assert_eq!(c.name, "db-backup");
        assert_eq!(c.namespace.as_deref(), Some("ops"));
        assert_eq!(c.schedule.as_deref(), Some("0 2 * * *"));
        assert_eq!(c.suspend, Some(false));
        assert_eq!(c.concurrency_policy.as_deref(), Some("Forbid"));
        // Left out: API defaults.
        assert_eq!((c.successful_history_limit, c.failed_history_limit), (Some(3), Some(1)));
        assert_eq!(c.starting_deadline_s, Some(300));
        assert_eq!(c.active_jobs, vec!["db-backup-28311240".to_string()]);
        assert_eq!(c.active, Some(1));
        assert_eq!(c.last_schedule, Some(at(1_698_631_200)));
        assert_eq!(c.created, Some(at(1_622_548_800)));
    }

    #[test]
    fn validating_webhook_v1_with_service() {
        let text = r#"apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  creationTimestamp: "2023-03-14T10:21:07Z"
  generation: 3
  name: policy-webhook
  resourceVersion: "90211"
  uid: 9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4
webhooks:
- admissionReviewVersions:
  - v1
  clientConfig:
    caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
    service:
      name: policy-webhook
      namespace: webhook-system
      path: /validate-pods
      port: 443
  failurePolicy: Ignore
  matchPolicy: Equivalent
  name: pods.policy.example.com
  namespaceSelector:
    matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
      - kube-system
  rules:
  - apiGroups:
    - ""
    apiVersions:
    - v1
    operations:
    - CREATE
    - UPDATE
    resources:
    - pods
    scope: '*'
  sideEffects: None
  timeoutSeconds: 30
- admissionReviewVersions:
  - v1
  clientConfig:
    url: https://policy.example.com:8443/validate-deployments
  name: deployments.policy.example.com
  rules:
  - apiGroups:
    - apps
    apiVersions:
    - v1
    operations:
    - '*'
    resources:
    - deployments
    - deployments/scale
  sideEffects: None
"#;
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.rows, 1);
        assert_eq!(d.webhooks.len(), 2);
        let w = &d.webhooks[0];
        assert_eq!(w.line, 6);
        assert_eq!(w.admission, "validating");
        assert_eq!(w.configuration, "policy-webhook");
        assert_eq!(w.name, "pods.policy.example.com");
        assert_eq!(
            w.service.as_deref(),
            Some("webhook-system/policy-webhook:443/validate-pods")
        );
        assert_eq!(w.url, None);
        assert_eq!(w.timeout_s, Some(30));
        assert_eq!(w.failure_policy.as_deref(), Some("Ignore"));
        assert_eq!(w.rules, vec!["CREATE,UPDATE pods".to_string()]);
        let u = &d.webhooks[1];
        assert_eq!(
            u.url.as_deref(),
            Some("https://policy.example.com:8443/validate-deployments")
        );
        assert_eq!(u.service, None);
        // v1 defaults.
        assert_eq!((u.timeout_s, u.failure_policy.as_deref()), (Some(10), Some("Fail")));
        assert_eq!(u.rules, vec!["* deployments,deployments/scale".to_string()]);
    }

    #[test]
    fn v1beta1_webhooks_default_to_30s_ignore_in_multi_document_yaml() {
        let text = r#"# Source: cert-manager/templates/webhook-validating-webhook.yaml
apiVersion: admissionregistration.k8s.io/v1beta1
kind: ValidatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
  labels:
    app: webhook
webhooks:
  - name: webhook.cert-manager.io
    namespaceSelector:
      matchExpressions:
      - key: "cert-manager.io/disable-validation"
        operator: "NotIn"
        values:
        - "true"
    rules:
      - apiGroups:
          - "cert-manager.io"
          - "acme.cert-manager.io"
        apiVersions:
          - v1alpha2
        operations:
          - CREATE
          - UPDATE
        resources:
          - "*/*"
    sideEffects: None
    clientConfig:
      service:
        name: cert-manager-webhook
        namespace: "cert-manager"
        path: /validate
---
# Source: cert-manager/templates/webhook-mutating-webhook.yaml
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: "cert-manager-webhook"
webhooks:
  - name: webhook.cert-manager.io
    rules:
      - apiGroups:
          - "cert-manager.io"
        apiVersions:
          - v1alpha2
        operations:
          - CREATE
          - UPDATE
        resources:
          - "*/*"
    failurePolicy: Fail
    clientConfig:
      service:
        name: cert-manager-webhook
        namespace: "cert-manager"
        path: /mutate
"#;
        let d = parse_yaml(text.as_bytes());
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.rows, 2);
        let v = &d.webhooks[0];
        assert_eq!(v.line, 5);
        assert_eq!(v.admission, "validating");
        assert_eq!(v.service.as_deref(), Some("cert-manager/cert-manager-webhook/validate"));
        assert_eq!(v.timeout_s, Some(30));
        assert_eq!(v.failure_policy.as_deref(), Some("Ignore"));
        assert_eq!(v.rules, vec!["CREATE,UPDATE */*".to_string()]);
        let m = &d.webhooks[1];
        assert_eq!(m.admission, "mutating");
        // `name: "cert-manager-webhook"` quoted, in the second document.
        assert_eq!(m.line, line_of(text, "name: \"cert-manager-webhook\"", 0));
        assert_eq!(m.failure_policy.as_deref(), Some("Fail"));
        assert_eq!(m.timeout_s, Some(30));
        assert_eq!(d.structure_lines, lines(text));
    }

    #[test]
    fn cluster_info_stream_regions_and_lines() {
        let log = "==== START logs for container etcd of pod kube-system/etcd-master-1 ====\n\
{\"level\":\"warn\",\"ts\":\"2023-09-07T21:36:40.118Z\",\"caller\":\"etcdserver/util.go:170\",\"msg\":\"apply request took too long\",\"took\":\"1.20346527s\",\"expected-duration\":\"100ms\"}\n\
{\"level\":\"info\",\"ts\":\"2023-09-07T21:36:41.002Z\",\"caller\":\"etcdserver/server.go:1376\",\"msg\":\"triggering snapshot\"}\n\
==== END logs for container etcd of pod kube-system/etcd-master-1 ====\n";
        let tail = "==== START logs for container coredns of pod kube-system/coredns-5d78c9869d-7xkqp ====\n\
[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908\n\
CoreDNS-1.10.1\n\
==== END logs for container coredns of pod kube-system/coredns-5d78c9869d-7xkqp ====\n";
        let text = format!("{NODES_JSON}{PODS_JSON}{log}{EVENTS_JSON}{tail}");
        let regions = split_stream(text.as_bytes());
        assert_eq!(regions.len(), 5, "{regions:?}");

        let nodes_lines = lines(NODES_JSON);
        let pods_first = nodes_lines + 1;
        let log_first = pods_first + lines(PODS_JSON);
        let events_first = log_first + lines(log);
        let tail_first = events_first + lines(EVENTS_JSON);
        match &regions[0] {
            Region::Json { line, dump } => {
                assert_eq!(*line, 1);
                assert_eq!(dump.nodes.len(), 2);
                assert_eq!(dump.nodes[1].line, line_of(&text, r#""name": "worker-2""#, 0));
                assert_eq!(dump.structure_lines, nodes_lines);
            }
            r => panic!("{r:?}"),
        }
        match &regions[1] {
            Region::Json { line, dump } => {
                assert_eq!(*line, pods_first);
                assert_eq!(dump.pods[1].line, line_of(&text, r#""name": "etcd-master-1","#, 0));
                assert_eq!(
                    dump.pods[1].line,
                    pods_first + line_of(PODS_JSON, r#""name": "etcd-master-1","#, 0) - 1
                );
            }
            r => panic!("{r:?}"),
        }
        match &regions[2] {
            Region::Text { line, bytes } => {
                assert_eq!(*line, log_first);
                // The JSON log lines stay in the log block.
                assert_eq!(&text[bytes.clone()], log);
            }
            r => panic!("{r:?}"),
        }
        match &regions[3] {
            Region::Json { line, dump } => {
                assert_eq!(*line, events_first);
                assert_eq!(dump.events.len(), 4);
                assert_eq!(dump.events[0].line, events_first + 9);
                assert!(dump.skipped.is_empty());
            }
            r => panic!("{r:?}"),
        }
        match &regions[4] {
            Region::Text { line, bytes } => {
                assert_eq!(*line, tail_first);
                assert_eq!(&text[bytes.clone()], tail);
            }
            r => panic!("{r:?}"),
        }

        // The whole stream through mod.rs.
        let d = super::super::parse(super::super::DumpKind::ClusterInfoStream, text.as_bytes());
        assert_eq!((d.nodes.len(), d.pods.len(), d.events.len()), (2, 2, 4));
        assert_eq!(d.rows, 8);
    }

    #[test]
    fn log_block_without_end_line_stops_at_next_start() {
        let text = "==== START logs for container a of pod ns/p ====\nline one\n\
==== START logs for container b of pod ns/p ====\nline two\n==== END logs for container b of pod ns/p ====\n\
{\n    \"kind\": \"List\",\n    \"items\": []\n}\n";
        let regions = split_stream(text.as_bytes());
        assert_eq!(regions.len(), 3, "{regions:?}");
        assert!(
            matches!(&regions[0], Region::Text { line: 1, bytes } if bytes.end == text.find("==== START logs for container b").unwrap())
        );
        assert!(matches!(&regions[1], Region::Text { line: 3, .. }));
        assert!(matches!(&regions[2], Region::Json { line: 6, .. }));
    }

    #[test]
    fn truncated_json_keeps_complete_items_and_reports_the_damage() {
        // Cut inside the third event, after a complete line.
        let cut = EVENTS_JSON.find(r#""reason": "NodeHasDiskPressure""#).unwrap();
        let text = &EVENTS_JSON[..cut];
        let d = parse_json(text.as_bytes());
        assert_eq!(d.events.len(), 2);
        assert_eq!(d.events[1].count, 112);
        assert_eq!(
            d.events[1].line,
            line_of(EVENTS_JSON, "etcd-master-1.1782a7d2c8a0e4f3", 0)
        );
        assert_eq!(d.skipped.len(), 1);
        let (line, reason) = &d.skipped[0];
        assert_eq!(*line, lines(text));
        assert!(
            reason.starts_with("truncated JSON document from line 1: EOF while parsing an object at line"),
            "{reason}"
        );
        assert!(reason.contains(&format!("at line {}", lines(text))), "{reason}");
        // The lines of the two complete items are object text.
        assert_eq!(
            d.structure_lines,
            line_of(EVENTS_JSON, "master-1.1782a79b0e6d2c11", 0) - 3
        );
    }

    #[test]
    fn invalid_json_document_is_skipped_and_the_next_one_read() {
        let text = format!("W0907 21:52:41.102311   23104 warnings.go:70] v1 ComponentStatus is deprecated\n{{\n    \"kind\": \"Pod\",\n    \"bad\": tru\n}}\n{NODES_JSON}");
        let d = parse_json(text.as_bytes());
        assert_eq!(d.nodes.len(), 2);
        assert_eq!(d.nodes[0].line, line_of(&text, r#""name": "master-1""#, 0));
        assert_eq!(d.skipped.len(), 2, "{:?}", d.skipped);
        assert_eq!(d.skipped[0].0, 1);
        assert!(
            d.skipped[0].1.starts_with("invalid JSON document from line 1"),
            "{:?}",
            d.skipped
        );
        // `tru` followed by a newline: serde_json reports the next line.
        assert_eq!(d.skipped[1].0, 5);
        assert!(
            d.skipped[1]
                .1
                .starts_with("invalid JSON document from line 2: expected ident at line 5 column"),
            "{:?}",
            d.skipped
        );
    }

    #[test]
    fn several_json_documents_back_to_back() {
        let text = r#"{"apiVersion":"v1","kind":"Event","count":3,"firstTimestamp":"2023-09-07T21:40:02Z","involvedObject":{"kind":"Pod","name":"web-0","namespace":"shop"},"lastTimestamp":"2023-09-07T21:47:32Z","message":"Readiness probe failed: HTTP probe failed with statuscode: 503","metadata":{"name":"web-0.1782a7c51ff3b1d6","namespace":"shop"},"reason":"Unhealthy","source":{"component":"kubelet","host":"worker-1"},"type":"Warning"}
{"apiVersion":"v1","kind":"Event","firstTimestamp":"2023-09-07T21:47:32Z","involvedObject":{"kind":"Pod","name":"web-1","namespace":"shop"},"lastTimestamp":"2023-09-07T21:47:32Z","message":"Started container web","metadata":{"name":"web-1.1782a7c51ff3b1d7","namespace":"shop"},"reason":"Started","source":{"component":"kubelet","host":"worker-1"},"type":"Normal"}
"#;
        let d = parse_json(text.as_bytes());
        assert_eq!(d.events.len(), 2);
        assert_eq!((d.events[0].line, d.events[1].line), (1, 2));
        assert_eq!(d.events[0].count, 3);
        // count absent -> 1
        assert_eq!(d.events[1].count, 1);
        assert_eq!(d.structure_lines, 2);
    }

    #[test]
    fn item_lines_in_a_pretty_printed_list() {
        // kubectl get pods -o json: a `List` whose items carry their kind, two-space indent.
        let mut text = String::from("{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n");
        for i in 0..50 {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "    {{\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n      \"metadata\": {{\n        \"labels\": {{\n          \"app\": \"web\",\n          \"name\": \"web\"\n        }},\n        \"name\": \"web-{i}\",\n        \"namespace\": \"shop\"\n      }},\n      \"spec\": {{\n        \"containers\": [\n          {{\n            \"image\": \"nginx:1.25\",\n            \"name\": \"web\"\n          }}\n        ]\n      }},\n      \"status\": {{\n        \"phase\": \"Running\"\n      }}\n    }}"
            ));
        }
        text.push_str("\n  ],\n  \"kind\": \"List\",\n  \"metadata\": {\n    \"resourceVersion\": \"\"\n  }\n}\n");
        let d = parse_json(text.as_bytes());
        assert_eq!(d.pods.len(), 50);
        for (i, p) in d.pods.iter().enumerate() {
            assert_eq!(p.name, format!("web-{i}"));
            assert_eq!(p.line, line_of(&text, &format!("\"name\": \"web-{i}\""), 0), "pod {i}");
        }
        assert_eq!(d.pods[0].line, 12);
        assert_eq!(d.pods[1].line, 12 + 23);

        // The same as YAML, searched forward item after item.
        let mut yaml = String::from("apiVersion: v1\nitems:\n");
        for i in 0..50 {
            yaml.push_str(&format!(
                "- apiVersion: v1\n  kind: Pod\n  metadata:\n    labels:\n      name: web\n    name: web-{i}\n    namespace: shop\n  spec:\n    containers:\n    - image: nginx:1.25\n      name: web\n"
            ));
        }
        yaml.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
        let d = parse_yaml(yaml.as_bytes());
        assert_eq!(d.pods.len(), 50);
        for (i, p) in d.pods.iter().enumerate() {
            assert_eq!(p.line, 8 + 11 * i as u64, "pod {i}");
        }
    }

    #[test]
    fn truncated_yaml_list_keeps_complete_items() {
        let cut = EVENTS_YAML.find("Pulling image").unwrap();
        let text = format!("{}\"Pulling image \"quay.io/prometh", &EVENTS_YAML[..cut]);
        let d = parse_yaml(text.as_bytes());
        assert_eq!(d.events.len(), 1, "{:?}", d.skipped);
        assert_eq!(d.events[0].line, 11);
        assert_eq!(d.skipped.len(), 1);
        assert!(d.skipped[0].1.contains("YAML document from line 1"), "{:?}", d.skipped);
    }

    #[test]
    fn from_value_reads_objects_and_lists_with_the_given_line() {
        let v: Value = serde_json::from_str(NODES_JSON).unwrap();
        let mut d = Dump::default();
        from_value(&v, 42, &mut d);
        assert_eq!(d.nodes.len(), 2);
        assert!(d.nodes.iter().all(|n| n.line == 42));
        assert_eq!(d.rows, 2);
        let v: Value = serde_json::from_str(r#"{"kind": "ConfigMap", "metadata": {"name": "x"}}"#).unwrap();
        from_value(&v, 1, &mut d);
        assert_eq!(d.rows, 2);
    }

    #[test]
    fn list_items_without_kind() {
        // A plain List item without kind is known by its fields; a bare document must say its kind.
        let text = br#"{"kind": "List", "items": [{"involvedObject": {"kind": "Pod", "name": "web-0"}, "metadata": {"name": "web-0.1782a7c51ff3b1d6"}, "reason": "Killing"}, {"spec": {"containers": [{"name": "web"}]}, "metadata": {"name": "web-0"}}]}"#;
        let d = parse_json(text);
        assert_eq!((d.events.len(), d.pods.len()), (1, 1));
        let d = parse_json(br#"{"spec": {"containers": [{"name": "web"}]}, "metadata": {"name": "web-0"}}"#);
        assert_eq!(d.rows, 0);
    }

    #[test]
    fn garbage_never_panics() {
        let mut inputs: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"   \n\n".to_vec(),
            b"{".to_vec(),
            b"[".to_vec(),
            b"}".to_vec(),
            b"---\n---\n...\n".to_vec(),
            b"\xEF\xBB\xBF{\"kind\": \"Pod\"}".to_vec(),
            b"\x00\x01\x02\xff\xfe\xfd garbage \x80\x81".to_vec(),
            b"{\"items\": [".to_vec(),
            b"{\"items\": [{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}, {\"kind\": \"Po".to_vec(),
            b"{\"items\": [1, \"x\", null, [], {}], \"kind\": \"PodList\"}".to_vec(),
            b"{\"kind\": \"Pod\", \"metadata\": 5, \"spec\": {\"containers\": 7}, \"status\": {\"containerStatuses\": [1, null, {\"state\": 3, \"lastState\": {\"terminated\": 1}}]}}".to_vec(),
            b"{\"kind\": \"Event\", \"count\": -5, \"firstTimestamp\": \"2020-13-45T99:99:99Z\", \"lastTimestamp\": \"9999-12-31T23:59:59Z\", \"eventTime\": \"0001-01-01T00:00:00Z\", \"series\": {\"count\": 1e300}}".to_vec(),
            b"{\"kind\": \"Node\", \"status\": {\"conditions\": [{\"type\": 5}, {\"type\": \"Ready\"}]}, \"spec\": {\"taints\": [{\"value\": \"x\"}]}}".to_vec(),
            b"{\"kind\": \"ValidatingWebhookConfiguration\", \"webhooks\": [{\"clientConfig\": {\"service\": {\"port\": \"x\"}}, \"rules\": [{\"operations\": 3}]}]}".to_vec(),
            b"kind: Pod\nmetadata:\n\tname: x\n".to_vec(),
            b"kind: Pod\nmetadata: {name: *nope}\n".to_vec(),
            b"items:\n- kind: Pod\n  metadata:\n    name: \"a\n".to_vec(),
            b"- - - - - - - - - - -\n".to_vec(),
            b"key: !!binary aGVsbG8=\nkind: !custom Pod\n".to_vec(),
            b"==== START logs for container x of pod a/b ====".to_vec(),
            b"==== START logs for container x of pod a/b ====\n{\n==== END logs for container x of pod a/b ====".to_vec(),
            b"{\n  \"kind\": \"Pod\",\n".to_vec(),
            b"}\n{\n]\n[\n".to_vec(),
        ];
        // Deep nesting, closed and unclosed, JSON and YAML.
        inputs.push([b"[".repeat(100_000), b"]".repeat(100_000)].concat());
        inputs.push(b"{\"a\":".repeat(100_000));
        inputs.push(
            [
                b"{\"items\": ".to_vec(),
                b"[".repeat(50_000),
                b"]".repeat(50_000),
                b"}".to_vec(),
            ]
            .concat(),
        );
        inputs.push([b"a: ".to_vec(), b"[".repeat(10_000), b"]".repeat(10_000)].concat());
        inputs.push(b"- ".repeat(5_000));
        // Pseudo-random bytes, and truncations of real documents at every 97th byte.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        inputs.push(
            (0..20_000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect(),
        );
        for doc in [EVENTS_JSON, PODS_JSON, EVENTS_YAML] {
            inputs.extend((1..doc.len()).step_by(97).map(|n| doc.as_bytes()[..n].to_vec()));
        }
        for input in &inputs {
            let j = parse_json(input);
            let y = parse_yaml(input);
            let s = split_stream(input);
            assert!(j.events.len() + j.pods.len() <= 8);
            let _ = (y, s);
        }

        // Deep documents are reported, not read.
        let deep = [b"[".repeat(100_000), b"]".repeat(100_000)].concat();
        let d = parse_json(&deep);
        assert_eq!(d.rows, 0);
        assert!(d.skipped[0].1.contains("recursion limit"), "{:?}", d.skipped);
        let d = parse_yaml(&[b"a: ".to_vec(), b"[".repeat(10_000), b"]".repeat(10_000)].concat());
        assert_eq!(d.skipped.len(), 1, "{:?}", d.skipped);
        // A binary blob yields one report, not one per byte.
        let d = parse_json(b"\x00\x01\x02\xff\xfe\xfd garbage \x80\x81");
        assert_eq!(d.skipped.len(), 1);
    }

    #[test]
    fn name_search_accepts_only_name_keys() {
        let t = br#"{"nodeName": "web-0", "labels": {"app.kubernetes.io/name": "web-0"}, "name": "web-0x", "name": "web-0"}"#;
        let at = find_name(t, 0..t.len(), b"web-0").unwrap();
        assert_eq!(&t[at - 9..at + 6], br#""name": "web-0""#);
        let y = b"  nodeName: web-0\n  generateName: web-0\n  name: 'web-0'\n";
        let at = find_name(y, 0..y.len(), b"web-0").unwrap();
        assert_eq!(&y[at - 7..at - 1], b"name: ");
        assert_eq!(find_name(b"name: web-01\n", 0..13, b"web-0"), None);
    }
}
