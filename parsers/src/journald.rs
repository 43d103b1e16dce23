//! journald outputs other than `short` (which `syslog` reads): `short-unix`, the `-- … --` decorations,
//! `journalctl -o json` and `journalctl -o export`.
//!
//! JSON and export entries carry a microsecond epoch time, so their records hold an instant; PRIORITY gives
//! the severity (an inner grammar may refine it). The message is the journal's `MESSAGE`, to be parsed again.

use crate::json;
use crate::record::{Escape, Fields, Format, Layers, Meta, Record, Severity};
use crate::syslog::{self, pid_digits};
use crate::time::RawTime;
use serde_json::value::RawValue;

/// Parses journald `short-unix`: `1575493164.234181 host ident[pid]: msg` → [`Format::JournaldUnix`].
///
/// The seconds are printed `%10d` (leading spaces are skipped) and the fraction always has 6 digits; the
/// host is required (journald always writes it). See [`syslog::parse_prefix`] for the tail.
pub fn parse_unix(line: &[u8]) -> Option<Record<'_>> {
    let start = line.iter().position(|&c| c != b' ')?;
    let b = &line[start..];
    let ndig = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if ndig == 0 || ndig > 11 || b.get(ndig) != Some(&b'.') {
        return None;
    }
    let secs = b[..ndig].iter().fold(0i64, |v, &c| v * 10 + (c - b'0') as i64);
    let frac = &b[ndig + 1..];
    if frac.len() < 7 || !frac[..6].iter().all(u8::is_ascii_digit) || frac[6] != b' ' {
        return None;
    }
    let micros = frac[..6].iter().fold(0i64, |v, &c| v * 10 + (c - b'0') as i64);
    let unix_nanos = secs.checked_mul(1_000_000_000)?.checked_add(micros * 1_000)?;
    let p = syslog::parse_prefix(&frac[6..])?;
    p.host?;
    Some(Record {
        time: RawTime::Instant { unix_nanos },
        severity: Severity::Unknown,
        host: p.host,
        ident: p.ident,
        pid: p.pid,
        message: p.body,
        layers: Layers::one(Format::JournaldUnix),
        ..Record::default()
    })
}

/// Recognizes the lines `journalctl` prints between entries.
///
/// `-- Reboot --` and `-- Boot <id> --` (systemd ≥ 255) give [`Meta::JournalReboot`];
/// `-- Logs begin at … --`, `-- Journal begins at …`, `-- No entries --` and the catalog headers that
/// `journalctl -x` adds (`-- Subject: …`, `-- Defined-By: …`, `-- Support: …`, `-- Documentation: …`) give
/// [`Meta::JournalBanner`]. Anything else is `None`.
pub fn parse_decoration(line: &[u8]) -> Option<Meta<'_>> {
    let rest = line.strip_prefix(b"-- ")?;
    let end = rest.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |e| e + 1);
    let rest = &rest[..end];
    if rest == b"Reboot --" || (rest.starts_with(b"Boot ") && rest.ends_with(b" --")) {
        return Some(Meta::JournalReboot);
    }
    const BANNERS: [&[u8]; 7] = [
        b"Logs begin at ",
        b"Journal begins at ",
        b"No entries --",
        b"Subject: ",
        b"Defined-By: ",
        b"Support: ",
        b"Documentation: ",
    ];
    BANNERS
        .iter()
        .any(|p| rest.starts_with(p))
        .then_some(Meta::JournalBanner)
}

/// A `MESSAGE` (or other) value as journald writes it.
#[derive(Clone, Copy)]
enum Value<'a> {
    /// The inside of a JSON string, still escaped.
    Str(&'a [u8]),
    /// A JSON array of byte numbers (raw text, brackets included).
    Bytes(&'a [u8]),
    /// `null` (a value over 4096 bytes without `--all`) or an empty array.
    Null,
}

/// Classifies a raw JSON value; for a field with several values (an array of strings or of byte arrays)
/// the first one is taken.
fn classify(raw: &[u8]) -> Option<Value<'_>> {
    match *raw.first()? {
        // serde_json validated the value: a string value ends with its closing quote.
        b'"' if raw.len() >= 2 => Some(Value::Str(&raw[1..raw.len() - 1])),
        b'n' => Some(Value::Null),
        b'[' => {
            let i = 1 + raw[1..].iter().position(|c| !c.is_ascii_whitespace())?;
            match raw[i] {
                b'"' => json_string(&raw[i..]).map(Value::Str),
                b'[' => {
                    let end = memchr::memchr(b']', &raw[i..])?;
                    Some(Value::Bytes(&raw[i..i + end + 1]))
                }
                b'0'..=b'9' => Some(Value::Bytes(raw)),
                _ => Some(Value::Null),
            }
        }
        _ => None,
    }
}

/// The body (still escaped) of the JSON string that starts at `b[0] == '"'`.
fn json_string(b: &[u8]) -> Option<&[u8]> {
    let mut i = 1;
    loop {
        let j = i + memchr::memchr2(b'"', b'\\', &b[i..])?;
        if b[j] == b'"' {
            return Some(&b[1..j]);
        }
        i = j + 2;
        if i > b.len() {
            return None;
        }
    }
}

/// Appends the byte numbers of a JSON array (`[ 27, 91, 48 ]`) to `out`, up to its first `]`.
fn decode_bytes(arr: &[u8], out: &mut Vec<u8>) {
    let mut v: u32 = 0;
    let mut in_num = false;
    for &c in arr {
        if c.is_ascii_digit() {
            v = (v * 10 + (c - b'0') as u32).min(1 << 16);
            in_num = true;
            continue;
        }
        if in_num {
            out.push(v as u8);
            v = 0;
            in_num = false;
        }
        if c == b']' {
            break;
        }
    }
}

/// The first string of a raw JSON value (a string, or an array of strings), still escaped.
fn first_string(raw: &RawValue) -> Option<&[u8]> {
    let b = raw.get().as_bytes();
    if b.first() != Some(&b'[') {
        return json::string_body(raw);
    }
    match classify(b)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// Microseconds since the epoch written as digits (journald's `__REALTIME_TIMESTAMP`).
fn micros(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |v, &c| v * 10 + (c - b'0') as i64))
}

/// PRIORITY `0`-`7`.
fn priority(b: &[u8]) -> Severity {
    match b {
        [d @ b'0'..=b'7'] => Severity::from_syslog_priority(d - b'0'),
        _ => Severity::Unknown,
    }
}

/// The journal fields every entry format maps onto a [`Record`].
#[derive(Default)]
struct Entry<'a> {
    realtime: Option<i64>,
    source_realtime: Option<i64>,
    host: Option<&'a [u8]>,
    ident: Option<&'a [u8]>,
    comm: Option<&'a [u8]>,
    pid: Option<u32>,
    syslog_pid: Option<u32>,
    severity: Severity,
}

impl<'a> Entry<'a> {
    /// Records a field (the first value of a repeated key wins). Returns whether the key was `MESSAGE`.
    #[inline]
    fn set(&mut self, key: &[u8], value: &'a [u8]) -> bool {
        match key {
            b"MESSAGE" => return true,
            b"__REALTIME_TIMESTAMP" => self.realtime = self.realtime.or_else(|| micros(value)),
            b"_SOURCE_REALTIME_TIMESTAMP" => self.source_realtime = self.source_realtime.or_else(|| micros(value)),
            b"_HOSTNAME" => self.host = self.host.or(Some(value)),
            b"SYSLOG_IDENTIFIER" => self.ident = self.ident.or(Some(value)),
            b"_COMM" => self.comm = self.comm.or(Some(value)),
            b"_PID" => self.pid = self.pid.or_else(|| pid_digits(value)),
            b"SYSLOG_PID" => self.syslog_pid = self.syslog_pid.or_else(|| pid_digits(value)),
            b"PRIORITY" if self.severity == Severity::Unknown => self.severity = priority(value),
            _ => {}
        }
        false
    }

    /// The record, without its message; `None` without a realtime timestamp.
    fn record(&self, format: Format) -> Option<Record<'a>> {
        let us = self.realtime.or(self.source_realtime)?;
        Some(Record {
            time: RawTime::Instant {
                unix_nanos: us.checked_mul(1_000)?,
            },
            severity: self.severity,
            host: self.host,
            ident: self.ident.or(self.comm),
            pid: self.pid.or(self.syslog_pid),
            layers: Layers::one(format),
            ..Record::default()
        })
    }
}

/// Parses one `journalctl -o json` object → [`Format::JournalJson`].
///
/// Mapping: `__REALTIME_TIMESTAMP` (µs since the epoch, as a string; else `_SOURCE_REALTIME_TIMESTAMP`) →
/// instant; `_HOSTNAME` → host; `SYSLOG_IDENTIFIER` (else `_COMM`) → ident; `_PID` (else `SYSLOG_PID`) → pid;
/// `PRIORITY` → severity. `MESSAGE` as a string → the inside of the string ([`Escape::Json`]); as an array of
/// byte numbers (not printable UTF-8) → decoded into `scratch` (cleared first) and borrowed from there
/// ([`Escape::None`]); `null` (over 4096 bytes without `--all`) → empty. A field with several values (an
/// array) gives its first. `fields` is the whole object. Returns `None` when the line is not a JSON object or
/// lacks a realtime timestamp or `MESSAGE`.
pub fn parse_json<'a>(line: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<Record<'a>> {
    let mut e = Entry::default();
    let mut message: Option<Value<'a>> = None;
    let ok = json::for_each_field(line, |k, v| {
        let raw = v.get().as_bytes();
        if k == "MESSAGE" {
            message = message.or_else(|| classify(raw));
        } else if let Some(s) = first_string(v) {
            e.set(k.as_bytes(), s);
        } else if raw.first().is_some_and(u8::is_ascii_digit) {
            // a bare number where journald writes a string
            e.set(k.as_bytes(), raw);
        }
    });
    if !ok {
        return None;
    }
    let mut r = e.record(Format::JournalJson)?;
    match message? {
        Value::Str(s) => {
            r.message = s;
            r.escape = Escape::Json;
        }
        Value::Bytes(arr) => {
            scratch.clear();
            decode_bytes(arr, scratch);
            let decoded: &'a Vec<u8> = scratch;
            r.message = decoded;
        }
        Value::Null => r.message = &[],
    }
    r.fields = Fields::Json(line);
    Some(r)
}

/// The largest binary field journald stores (`DATA_SIZE_MAX`, 768 MiB); a larger length means the bytes
/// are not a binary field.
const DATA_SIZE_MAX: u64 = 768 << 20;

/// One step through an export entry.
enum Step<'a> {
    /// A field (`KEY=value` line, or binary `KEY\n<le64><bytes>\n`), and where the next one starts.
    /// A line that is neither gives the whole line as key and an empty value.
    Field(&'a [u8], &'a [u8], usize),
    /// The blank line ending the entry; the entry's length.
    End(usize),
    /// The buffer ends inside the entry.
    Incomplete,
}

/// An export field name: `[A-Z0-9_]+`, not starting with a digit.
fn field_name(k: &[u8]) -> bool {
    !k.is_empty()
        && k.len() <= 64
        && !k[0].is_ascii_digit()
        && k.iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

fn step(buf: &[u8], pos: usize) -> Step<'_> {
    let Some(rest) = buf.get(pos..).filter(|r| !r.is_empty()) else {
        return Step::Incomplete;
    };
    if rest[0] == b'\n' {
        return Step::End(pos + 1);
    }
    let Some(j) = memchr::memchr2(b'=', b'\n', rest) else {
        return Step::Incomplete;
    };
    if rest[j] == b'=' {
        return match memchr::memchr(b'\n', &rest[j + 1..]) {
            Some(k) => Step::Field(&rest[..j], &rest[j + 1..j + 1 + k], pos + j + 2 + k),
            None => Step::Incomplete,
        };
    }
    let key = &rest[..j];
    if field_name(key) {
        let Some(len) = rest.get(j + 1..j + 9) else {
            return Step::Incomplete;
        };
        let len = u64::from_le_bytes(len.try_into().unwrap_or_default());
        if len <= DATA_SIZE_MAX {
            let start = j + 9;
            let end = start + len as usize;
            match rest.get(end) {
                None => return Step::Incomplete,
                Some(b'\n') => return Step::Field(key, &rest[start..end], pos + end + 1),
                Some(_) => {}
            }
        }
    }
    Step::Field(key, &[], pos + j + 1)
}

/// Length of the first `journalctl -o export` entry in `buf`, including the blank line that ends it.
///
/// Binary fields (`KEY\n<little-endian u64 length><bytes>\n`) are skipped by their length, so a `\n\n` inside
/// binary data does not end the entry. Returns `None` when `buf` holds no complete entry: the caller reads
/// more, and at end of input treats whatever is left (a final entry without its blank line) as one entry and
/// passes it to [`parse_export`], which accepts a missing blank line and a missing final newline.
/// A leading blank line is an entry of length 1 (which `parse_export` refuses).
pub fn export_entry_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        match step(buf, pos) {
            Step::Field(_, _, next) => pos = next,
            Step::End(n) => return Some(n),
            Step::Incomplete => return None,
        }
    }
}

/// Parses one `journalctl -o export` entry (as delimited by [`export_entry_len`]) → [`Format::JournalExport`].
///
/// The field mapping is that of [`parse_json`]; values are raw bytes ([`Escape::None`]). A binary
/// `MESSAGE` (multi-line or not printable) is borrowed from the entry as it is: `scratch` is not needed and
/// left untouched (the parameter keeps one call shape for both journal formats). Returns `None` without
/// `__REALTIME_TIMESTAMP` (or `_SOURCE_REALTIME_TIMESTAMP`) or `MESSAGE`.
pub fn parse_export<'a>(entry: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<Record<'a>> {
    let _ = scratch;
    let mut e = Entry::default();
    let mut message: Option<&'a [u8]> = None;
    let mut pos = 0;
    loop {
        match step(entry, pos) {
            Step::Field(k, v, next) => {
                if e.set(k, v) {
                    message = message.or(Some(v));
                }
                pos = next;
            }
            Step::End(_) => break,
            Step::Incomplete => {
                // End of input without a final newline: the last `KEY=value` runs to the end.
                let rest = &entry[pos.min(entry.len())..];
                if let Some(eq) = memchr::memchr(b'=', rest) {
                    if e.set(&rest[..eq], &rest[eq + 1..]) {
                        message = message.or(Some(&rest[eq + 1..]));
                    }
                }
                break;
            }
        }
    }
    let mut r = e.record(Format::JournalExport)?;
    r.message = message?;
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_unix() {
        // `short-unix` time (formats.md 1.4/1.5) before a real prefix and body (k8s#103765)
        let line = b"1575493164.234181 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s";
        let r = parse_unix(line).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_575_493_164_234_181_000
            }
        );
        assert_eq!(r.host, Some(&b"node1"[..]));
        assert_eq!(r.ident, Some(&b"kubelet"[..]));
        assert_eq!(r.pid, Some(2_129_392));
        assert_eq!(r.message, &b"E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"[..]);
        assert_eq!(r.layers, Layers::one(Format::JournaldUnix));
        assert_eq!(r.severity, Severity::Unknown);
        // no pid (aws-samples/eks-workshop-v2#447 tail)
        let line = br#"1575493164.234181 ip-10-42-10-121 kubelet: E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#;
        let r = parse_unix(line).unwrap();
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"ip-10-42-10-121"[..]), Some(&b"kubelet"[..]), None)
        );
        assert!(r.message.starts_with(b"E0413 10:53:52.844381    3263 kubelet.go:2055]"));
        // `%10d` pads small values with spaces
        let r = parse_unix(b"     12345.000001 h k: x").unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 12_345_000_001_000
            }
        );
        // not short-unix
        assert!(parse_unix(b"[ 7063.247407] Memory cgroup out of memory").is_none());
        assert!(parse_unix(b"1575493164.2341 node1 kubelet[1]: x").is_none());
        assert!(parse_unix(b"1575493164.234181 kubelet[1]: x").is_none());
        assert!(parse_unix(b"2015/06/19 20:40:38 msg").is_none());
    }

    #[test]
    fn decorations() {
        assert_eq!(parse_decoration(b"-- Reboot --"), Some(Meta::JournalReboot));
        assert_eq!(
            parse_decoration(b"-- Boot 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --"),
            Some(Meta::JournalReboot)
        );
        assert_eq!(
            parse_decoration("-- Logs begin at Tue 2020-05-12 06:29:00 MSK, end at … --".as_bytes()),
            Some(Meta::JournalBanner)
        );
        assert_eq!(
            parse_decoration(
                b"-- Journal begins at Mon 2021-03-01 10:00:00 UTC, ends at Mon 2021-03-01 11:00:00 UTC. --"
            ),
            Some(Meta::JournalBanner)
        );
        assert_eq!(parse_decoration(b"-- No entries --"), Some(Meta::JournalBanner));
        assert_eq!(parse_decoration(b"-- Reboot --  "), Some(Meta::JournalReboot));
        assert_eq!(
            parse_decoration(b"-- Subject: A start job for unit kubelet.service has finished"),
            Some(Meta::JournalBanner)
        );
        assert_eq!(parse_decoration(b"--"), None);
        assert_eq!(parse_decoration(b"-- SELECT 1"), None);
        assert_eq!(parse_decoration(b"---\"initial value restored\" 196ms"), None);
    }

    #[test]
    fn json_string_message() {
        // journalctl -o json of the k8s#103765 kubelet line (fields and value shapes per formats.md 1.5)
        let line = br#"{"__CURSOR":"s=6f1c;i=2a4","__REALTIME_TIMESTAMP":"1575493164234181","__MONOTONIC_TIMESTAMP":"7063247407","_BOOT_ID":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","PRIORITY":"6","_TRANSPORT":"stdout","_PID":"2129392","_COMM":"kubelet","SYSLOG_IDENTIFIER":"kubelet","_SYSTEMD_UNIT":"kubelet.service","_HOSTNAME":"node1","MESSAGE":"E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"}"#;
        let mut scratch = Vec::new();
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_575_493_164_234_181_000
            }
        );
        assert_eq!(r.severity, Severity::Info);
        assert_eq!(r.host, Some(&b"node1"[..]));
        assert_eq!(r.ident, Some(&b"kubelet"[..]));
        assert_eq!(r.pid, Some(2_129_392));
        assert_eq!(r.message, &b"E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s"[..]);
        assert_eq!(r.escape, Escape::Json);
        assert_eq!(r.fields, Fields::Json(&line[..]));
        assert_eq!(r.layers, Layers::one(Format::JournalJson));

        // k3s carrying etcd zap JSON: MESSAGE is JSON-escaped; no SYSLOG_IDENTIFIER → _COMM; SYSLOG_PID fallback
        let line = br#"{"__REALTIME_TIMESTAMP":"1613475947948000","_HOSTNAME":"mnode2","_COMM":"k3s-server","SYSLOG_PID":"10737","PRIORITY":"3","MESSAGE":"{\"level\":\"warn\",\"ts\":\"2021-02-16T12:45:47.948+0100\",\"caller\":\"etcdserver/util.go:163\",\"msg\":\"apply request took too long\",\"took\":\"102.774415ms\",\"expected-duration\":\"100ms\"}"}"#;
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"mnode2"[..]), Some(&b"k3s-server"[..]), Some(10737))
        );
        assert_eq!(
            r.message,
            &br#"{\"level\":\"warn\",\"ts\":\"2021-02-16T12:45:47.948+0100\",\"caller\":\"etcdserver/util.go:163\",\"msg\":\"apply request took too long\",\"took\":\"102.774415ms\",\"expected-duration\":\"100ms\"}"#[..]
        );
        assert_eq!(r.escape, Escape::Json);
    }

    #[test]
    fn json_byte_array_null_and_multi_value() {
        // MESSAGE with an escape sequence → array of byte numbers: "\x1b[0mOK"
        let line = br#"{"__REALTIME_TIMESTAMP":"1575493164234181","_HOSTNAME":"node1","SYSLOG_IDENTIFIER":"containerd","_PID":"39113","PRIORITY":"4","MESSAGE":[ 27, 91, 48, 109, 79, 75 ]}"#;
        let mut scratch = vec![b'x'; 3];
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(r.message, b"\x1b[0mOK");
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.ident, Some(&b"containerd"[..]));
        assert_eq!(r.pid, Some(39113));

        // MESSAGE over 4096 bytes without --all → null (systemd#24186)
        let line = br#"{"__REALTIME_TIMESTAMP":"1575493164234181","_HOSTNAME":"node1","SYSLOG_IDENTIFIER":"kubelet","_PID":"1450","MESSAGE":null}"#;
        let mut scratch = Vec::new();
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(r.message, b"");
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.severity, Severity::Unknown);

        // a field with several values → its first; several binary values → the first decoded
        let line = br#"{"__REALTIME_TIMESTAMP":"1575493164234181","SYSLOG_IDENTIFIER":["kubelet","hyperkube"],"MESSAGE":["first, \"quoted\"","second"]}"#;
        let mut scratch = Vec::new();
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(r.ident, Some(&b"kubelet"[..]));
        assert_eq!(r.message, br#"first, \"quoted\""#);
        assert_eq!(r.escape, Escape::Json);
        let line = br#"{"__REALTIME_TIMESTAMP":"1575493164234181","MESSAGE":[[104,105],[27]]}"#;
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(r.message, b"hi");

        // _SOURCE_REALTIME_TIMESTAMP fallback
        let line = br#"{"_SOURCE_REALTIME_TIMESTAMP":"1575493164234180","MESSAGE":"x"}"#;
        let r = parse_json(line, &mut scratch).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_575_493_164_234_180_000
            }
        );
    }

    #[test]
    fn json_rejects() {
        let mut scratch = Vec::new();
        // no MESSAGE
        assert!(parse_json(
            br#"{"__REALTIME_TIMESTAMP":"1575493164234181","PRIORITY":"6"}"#,
            &mut scratch
        )
        .is_none());
        // no realtime timestamp (a zap line)
        assert!(parse_json(
            br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long"}"#,
            &mut scratch
        )
        .is_none());
        // truncated
        assert!(parse_json(
            br#"{"__REALTIME_TIMESTAMP":"1575493164234181","MESSAGE":"ab"#,
            &mut scratch
        )
        .is_none());
    }

    /// A binary export field: `KEY\n<le64 len><bytes>\n`.
    fn binary(key: &[u8], value: &[u8]) -> Vec<u8> {
        let mut v = key.to_vec();
        v.push(b'\n');
        v.extend_from_slice(&(value.len() as u64).to_le_bytes());
        v.extend_from_slice(value);
        v.push(b'\n');
        v
    }

    #[test]
    fn export_text_entries() {
        // two entries, hand-built from the field names of formats.md 1.5 and the k8s#70082 / openebs#50 lines
        let first: &[u8] = b"__CURSOR=s=6f1c;i=2a4\n__REALTIME_TIMESTAMP=1534527450000000\n__MONOTONIC_TIMESTAMP=7063247407\n_BOOT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9\n_TRANSPORT=stdout\nPRIORITY=4\n_HOSTNAME=k8s-master\nSYSLOG_IDENTIFIER=etcd\n_COMM=etcd\n_PID=13993\nMESSAGE=read-only range request \"key:\\\"/registry/services/endpoints/kube-system/kube-controller-manager\\\" \" with result \"range_response_count:1 size:464\" took too long (468.584252ms) to execute\n\n";
        let second: &[u8] = b"__REALTIME_TIMESTAMP=1488462787459389\n_HOSTNAME=ubuntu-xenial\nSYSLOG_IDENTIFIER=dockerd\n_PID=4072\nPRIORITY=6\nMESSAGE=time=\"2017-03-02T13:53:07.459389773Z\" level=error msg=\"Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b\"\n\n";
        let mut buf = first.to_vec();
        buf.extend_from_slice(second);
        let n = export_entry_len(&buf).unwrap();
        assert_eq!(n, first.len());
        assert_eq!(export_entry_len(&buf[n..]), Some(second.len()));
        // incomplete: no blank line yet
        assert_eq!(export_entry_len(&buf[n..buf.len() - 1]), None);
        assert_eq!(export_entry_len(b""), None);
        assert_eq!(export_entry_len(b"\n"), Some(1));

        let mut scratch = Vec::new();
        let r = parse_export(&buf[..n], &mut scratch).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_534_527_450_000_000_000
            }
        );
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"k8s-master"[..]), Some(&b"etcd"[..]), Some(13993))
        );
        assert_eq!(r.message, &br#"read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#[..]);
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.fields, Fields::None);
        assert_eq!(r.layers, Layers::one(Format::JournalExport));

        let r = parse_export(&buf[n..], &mut scratch).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_488_462_787_459_389_000
            }
        );
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"ubuntu-xenial"[..]), Some(&b"dockerd"[..]), Some(4072))
        );
        assert!(r
            .message
            .starts_with(b"time=\"2017-03-02T13:53:07.459389773Z\" level=error msg="));
        assert_eq!(r.severity, Severity::Info);

        // final entry at end of input: no blank line, no final newline
        let tail = &second[..second.len() - 2];
        assert_eq!(export_entry_len(tail), None);
        let r = parse_export(tail, &mut scratch).unwrap();
        assert!(r.message.ends_with(b"1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b\""));
    }

    #[test]
    fn export_binary_message() {
        // A multi-line kernel message is written as a binary field; its data holds `\n\n`.
        let msg: &[u8] = b"INFO: task mysqld:44333 blocked for more than 120 seconds.\n\n\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.";
        let mut entry = b"__REALTIME_TIMESTAMP=1605452381000000\n_HOSTNAME=node02\n_TRANSPORT=kernel\nSYSLOG_IDENTIFIER=kernel\nPRIORITY=3\n".to_vec();
        entry.extend(binary(b"MESSAGE", msg));
        entry.extend_from_slice(b"_BOOT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9\n\n");
        let mut buf = entry.clone();
        buf.extend_from_slice(b"__REALTIME_TIMESTAMP=1605452382000000\nMESSAGE=next\n\n");
        assert_eq!(export_entry_len(&buf), Some(entry.len()));
        // cut inside the binary data or its length: incomplete, even though `\n\n` is present
        let at = entry.len() - 60;
        assert_eq!(export_entry_len(&entry[..at]), None);
        let mut scratch = Vec::new();
        let r = parse_export(&entry, &mut scratch).unwrap();
        assert_eq!(r.message, msg);
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.ident, Some(&b"kernel"[..]));
        assert_eq!(r.host, Some(&b"node02"[..]));
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_605_452_381_000_000_000
            }
        );
        let r = parse_export(&buf[entry.len()..], &mut scratch).unwrap();
        assert_eq!(r.message, b"next");
        // no MESSAGE / no time
        assert!(parse_export(b"__REALTIME_TIMESTAMP=1605452381000000\nPRIORITY=3\n\n", &mut scratch).is_none());
        assert!(parse_export(b"MESSAGE=x\n\n", &mut scratch).is_none());
        assert!(parse_export(b"\n", &mut scratch).is_none());
    }
}
