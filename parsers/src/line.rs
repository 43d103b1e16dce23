//! One physical line in, one [`Line`] out: finds the envelope, peels nested formats, reconciles their times.
//!
//! A file's sniffed format is only a hint tried first; every line is self-describing, so mixed files (k3s
//! journals carrying klog, zap JSON and logrus; minikube sections) parse line by line.

use crate::record::{Escape, Format, Line, Meta, Record, Severity};
use crate::time::{RawTime, WallTime};
use crate::{cri, escape, etcd, journald, kernel, klog, logrus, syslog};

/// Reusable buffers for the lines whose body must be decoded before it can be parsed
/// (journal byte-array messages, JSON-escaped container log bodies). Allocate once per chunk.
#[derive(Default, Debug)]
pub struct Scratch {
    decoded: Vec<u8>,
    unescaped: Vec<u8>,
}

/// Formats that wrap another line (their message is parsed again).
pub fn is_envelope(f: Format) -> bool {
    matches!(
        f,
        Format::JournaldShort
            | Format::JournaldIso
            | Format::JournaldUnix
            | Format::JournalJson
            | Format::JournalExport
            | Format::Syslog
            | Format::Cri
            | Format::DockerJson
            | Format::Timestamped
    )
}

/// Parses one line (without its `\n`). `hint` is the file's sniffed format, tried first.
pub fn parse<'a>(line: &'a [u8], hint: Format, scratch: &'a mut Scratch) -> Line<'a> {
    let line = strip_k9s(strip_cr(line));
    if line.iter().all(|c| c.is_ascii_whitespace()) {
        return Line::Blank;
    }
    let Scratch { decoded, unescaped } = scratch;
    decoded.clear();
    unescaped.clear();
    if let Some(meta) = meta_line(line) {
        return Line::Meta(meta);
    }
    let outer = match parse_hinted(line, hint) {
        Some(r) => r,
        None => match parse_outer(line, decoded) {
            Some(r) => r,
            None if is_continuation(line) => return Line::Continuation(line),
            None => return Line::Unparsed,
        },
    };
    if !outer.layers.outer().is_some_and(is_envelope) {
        return Line::Record(outer);
    }
    // The envelope's body: decode it when escaped, then try the inner grammars.
    let mut envelope = outer;
    if outer.escape != Escape::None {
        // Without a backslash the escaped bytes are the decoded bytes (docker `log` and journal `MESSAGE`
        // strings usually have none once the trailing `\n` is cut): no copy, and the body is still refined.
        if escape::needs_unescape(outer.escape, outer.message) {
            escape::unescape(outer.escape, outer.message, unescaped);
            envelope.message = unescaped.as_slice();
        }
        envelope.escape = Escape::None;
    }
    if envelope.partial {
        // A CRI/docker `P` chunk is a piece of a line, not a line: the reader joins the pieces and refines the
        // whole (refining the first piece alone would drop its klog header and fields from the joined text).
        return Line::Record(envelope);
    }
    let body = envelope.message;
    let container = matches!(outer.layers.outer(), Some(Format::Cri | Format::DockerJson));
    if !body.is_empty() && !container && is_continuation(body) && !is_kernel(&envelope) {
        // journald gives each line of a multi-line message its own prefix (`kube-apiserver: Trace[…]: …`).
        return Line::Continuation(body);
    }
    Line::Record(refine(envelope))
}

/// Parses the body of an envelope record (its `message`, already decoded) with the inner grammars and merges
/// the two; returns the envelope unchanged when no inner grammar accepts the body.
pub fn refine(envelope: Record<'_>) -> Record<'_> {
    let body = envelope.message;
    if body.is_empty() || escape::needs_unescape(envelope.escape, body) {
        // Still escaped (the caller did not decode it): no grammar can read it as it is.
        return envelope;
    }
    if is_kernel(&envelope) {
        let mut r = envelope;
        if let Some((nanos, rest)) = kernel::boot_stamp(body) {
            r.message = rest;
            r.layers.push(Format::Dmesg);
            r.boot = Some(nanos);
        }
        return r;
    }
    match parse_inner(body) {
        Some(inner) => merge(envelope, inner),
        None => envelope,
    }
}

fn is_kernel(r: &Record<'_>) -> bool {
    r.ident == Some(b"kernel")
}

fn strip_cr(line: &[u8]) -> &[u8] {
    match line.last() {
        Some(b'\r') => &line[..line.len() - 1],
        _ => line,
    }
}

/// A line copied out of k9s's log view keeps the view's box border: `│ I0110 09:21:08.551571 … <padding> │`
/// (formats.md 1.9). The border, the one space after it and the padding are peeled so the line inside parses
/// as itself; a row cut at the pane's width has no closing border. Other lines are returned as they are.
#[inline]
fn strip_k9s(line: &[u8]) -> &[u8] {
    const BAR: &[u8] = "│".as_bytes();
    match line.strip_prefix(BAR) {
        None => line,
        Some(rest) => {
            let rest = rest.trim_ascii_end();
            let rest = rest.strip_suffix(BAR).unwrap_or(rest).trim_ascii_end();
            rest.strip_prefix(b" ").unwrap_or(rest)
        }
    }
}

fn meta_line(line: &[u8]) -> Option<Meta<'_>> {
    match line[0] {
        b'-' => journald::parse_decoration(line),
        b'L' | b'R' | b'B' => klog::parse_preamble(line),
        b'=' => section(line),
        _ => None,
    }
}

/// minikube `==> kube-apiserver ["3221ad23c91d"] <==` and cluster-info dump
/// `==== START logs for container X of pod ns/p ====` / `==== END logs … ====`; the section's name is the
/// component (`kube-apiserver`, the container `X`).
fn section(line: &[u8]) -> Option<Meta<'_>> {
    if let Some(rest) = line.strip_prefix(b"==> ") {
        let inner = rest.strip_suffix(b" <==")?;
        let name = inner.split(|&c| c == b' ').next().unwrap_or(inner);
        return Some(Meta::Section(name));
    }
    let rest = line.strip_prefix(b"==== ")?.strip_suffix(b" ====")?;
    if let Some(r) = rest.strip_prefix(b"START logs for container ") {
        // The container names the component (`etcd`), as minikube's header does; the pod follows ` of pod `.
        let name = memchr::memmem::find(r, b" of pod ").map_or(r, |k| &r[..k]);
        return Some(Meta::Section(name));
    }
    rest.starts_with(b"END logs for container ").then_some(Meta::SectionEnd)
}

fn parse_hinted(line: &[u8], hint: Format) -> Option<Record<'_>> {
    match hint {
        Format::Klog => klog::parse(line),
        Format::KubeJson => klog::parse_json(line),
        Format::JournaldShort | Format::Syslog => syslog::parse(line),
        Format::JournaldIso => syslog::parse_rfc3339(line),
        Format::JournaldUnix => journald::parse_unix(line),
        Format::Logrus => logrus::parse(line),
        Format::LogrusJson => logrus::parse_json(line),
        Format::Capnslog => etcd::parse_capnslog(line),
        Format::ZapJson => etcd::parse_zap(line),
        Format::GoLog => etcd::parse_golog(line),
        Format::Cri => cri::parse(line),
        Format::DockerJson => cri::parse_docker_json(line),
        Format::Dmesg | Format::DmesgCtime => kernel::parse_dmesg(line),
        Format::Timestamped => cri::parse_timestamped(line),
        // Journal JSON needs the scratch buffer: `parse_outer` reads it.
        Format::JournalJson | Format::JournalExport | Format::Text => None,
    }
}

/// Finds the outermost grammar of a line by its first bytes.
fn parse_outer<'a>(line: &'a [u8], decoded: &'a mut Vec<u8>) -> Option<Record<'a>> {
    let b0 = line[0];
    match b0 {
        b'{' => {
            // A key name inside some other object's string (a zap `msg` quoting a journal entry) must not hide
            // that object: each guess falls through to the next grammar when it fails.
            if memchr::memmem::find(line, b"\"__REALTIME_TIMESTAMP\"").is_some() {
                if let Some(r) = journald::parse_json(line, decoded) {
                    return Some(r);
                }
            }
            if line.starts_with(b"{\"log\":") {
                if let Some(r) = cri::parse_docker_json(line) {
                    return Some(r);
                }
            }
            klog::parse_json(line)
                .or_else(|| etcd::parse_zap(line))
                .or_else(|| logrus::parse_json(line))
        }
        b'0'..=b'9' => {
            if line.len() > 10 && line[4] == b'-' {
                if line[10] == b' ' {
                    etcd::parse_capnslog(line).or_else(|| cri::parse_timestamped(line))
                } else {
                    cri::parse(line)
                        .or_else(|| syslog::parse_rfc3339(line))
                        .or_else(|| cri::parse_timestamped(line))
                }
            } else if line.len() > 10 && line[4] == b'/' {
                etcd::parse_golog(line)
            } else {
                journald::parse_unix(line).or_else(|| syslog::parse(line))
            }
        }
        b'I' | b'W' | b'E' | b'F' if line.get(1).is_some_and(u8::is_ascii_digit) => klog::parse(line),
        b'[' | b'<' => kernel::parse_dmesg(line),
        b't' | b'l' if line.starts_with(b"time=") || line.starts_with(b"level=") => logrus::parse(line),
        b if b.is_ascii_alphabetic() || b >= 0x80 => syslog::parse(line),
        _ => None,
    }
}

/// Grammars that may sit inside an envelope.
fn parse_inner(body: &[u8]) -> Option<Record<'_>> {
    match body[0] {
        b'I' | b'W' | b'E' | b'F' if body.get(1).is_some_and(u8::is_ascii_digit) => klog::parse(body),
        b'{' => klog::parse_json(body)
            .or_else(|| etcd::parse_zap(body))
            .or_else(|| logrus::parse_json(body)),
        b't' | b'l' => logrus::parse(body),
        b'0'..=b'9' if body.len() > 10 && body[4] == b'-' => etcd::parse_capnslog(body),
        b'0'..=b'9' if body.len() > 10 && body[4] == b'/' => etcd::parse_golog(body),
        _ => None,
    }
}

/// Combines an envelope and the record found in its body.
fn merge<'a>(outer: Record<'a>, inner: Record<'a>) -> Record<'a> {
    let mut layers = outer.layers;
    for f in inner.layers.iter() {
        layers.push(f);
    }
    Record {
        time: reconcile(outer.time, inner.time),
        severity: if inner.severity != Severity::Unknown {
            inner.severity
        } else {
            outer.severity
        },
        host: outer.host,
        ident: outer.ident.or(inner.ident),
        pid: outer.pid.or(inner.pid),
        caller: inner.caller,
        message: inner.message,
        escape: inner.escape,
        fields: inner.fields,
        layers,
        partial: outer.partial,
        boot: outer.boot,
    }
}

/// Chooses the time of a line that carries two.
///
/// An envelope instant (CRI, docker, journal JSON, short-iso) is exact and wins over an inner wall reading.
/// An inner instant (zap JSON inside journald `short`) wins over a zoneless envelope. Two wall readings that
/// agree to within 2 s, across midnight too, take the inner one (klog has microseconds, `short` has seconds;
/// capnslog has the year), with the envelope's year when the inner has none; when they disagree (a host zone that differs from the process zone) the envelope's wall clock is kept, since
/// `--tz` speaks of the host.
pub fn reconcile(outer: RawTime, inner: RawTime) -> RawTime {
    match (outer, inner) {
        (RawTime::None, t) | (t, RawTime::None) => t,
        (RawTime::Instant { .. }, _) => outer,
        (RawTime::Wall(_), RawTime::Instant { .. }) => inner,
        (RawTime::Wall(o), RawTime::Wall(i)) => {
            const DAY: i64 = 86_400;
            let (os, is) = (o.seconds_of_day() as i64, i.seconds_of_day() as i64);
            // The two readings may straddle midnight (`Jan 01 00:00:00` around `I1231 23:59:59.999`).
            let (diff, year_step) = if o.month == i.month && o.day == i.day {
                ((os - is).abs(), 0)
            } else if day_after(i, o) {
                (os + DAY - is, i16::from(o.month == 1 && i.month == 12))
            } else if day_after(o, i) {
                (is + DAY - os, -i16::from(o.month == 12 && i.month == 1))
            } else {
                (DAY, 0)
            };
            if diff > 2 {
                return outer;
            }
            let mut t = i;
            if t.year == 0 && o.year != 0 {
                // The inner reading's year is the outer one's, moved across a new year's midnight.
                t.year = o.year.saturating_add_signed(-year_step);
            }
            RawTime::Wall(t)
        }
        _ => outer,
    }
}

/// Whether `b` is the calendar day after `a` (their years aside; any month may end on the 28th to the 31st,
/// which is exact enough for two readings that must also agree within seconds).
#[inline]
fn day_after(a: WallTime, b: WallTime) -> bool {
    (b.month == a.month && b.day == a.day.wrapping_add(1)) || (b.day == 1 && a.day >= 28 && b.month == a.month % 12 + 1)
}

/// Header-less lines that continue the record before them: indented lines, `Trace[…]` steps, Go stack traces,
/// klog ` >` block ends.
pub fn is_continuation(line: &[u8]) -> bool {
    match line.first() {
        Some(b' ') | Some(b'\t') => true,
        Some(b'T') => line.starts_with(b"Trace["),
        Some(b'g') => line.starts_with(b"goroutine "),
        Some(b'c') => line.starts_with(b"created by "),
        Some(b'p') => line.starts_with(b"panic: "),
        Some(b'S') => line.starts_with(b"SIGABRT") || line.starts_with(b"SIGSEGV"),
        Some(b'P') => line.starts_with(b"PC="),
        _ => false,
    }
}
