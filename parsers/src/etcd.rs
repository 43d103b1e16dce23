//! etcd's three line shapes: capnslog text (etcd 2.x–3.4), zap JSON (etcd 3.4 `--logger=zap`, 3.5+, the etcd
//! client embedded in kube-apiserver, k3s/rke2 embedded etcd) and the Go standard `log` lines of etcd 2.0.
//!
//! The journald formatter of etcd 3.3 under systemd (bare message, no time, no level, no package) has no
//! grammar of its own: it is the journald envelope's body.

use crate::json;
use crate::record::{Escape, Fields, Format, Layers, Record, Severity};
use crate::time::{self, RawTime};
use serde_json::value::RawValue;

/// Parses a capnslog `PrettyFormatter` line:
/// `2018-10-11 08:36:19.724999 W | etcdserver: read-only range request …`.
///
/// The time is the host's local wall clock with a year ([`RawTime::Wall`]). With `--debug` a ` [file:line]`
/// (always capnslog's own `pkg_logger.go:114`) follows the time and is skipped. The level char maps
/// `C E W N I D T` to Critical, Error, Warning, Notice, Info, Debug, Trace. `caller` is the capnslog package
/// (`etcdserver`, `raft`, `etcdserver/api/v3rpc`) and `message` the text after `pkg: `; a line without a
/// package keeps its whole text as the message.
pub fn parse_capnslog(line: &[u8]) -> Option<Record<'_>> {
    if line.len() < 24 || line[10] != b' ' {
        return None;
    }
    let (time, mut i) = time::rfc3339(line)?;
    if !matches!(time, RawTime::Wall(_)) {
        return None;
    }
    // Debug mode: ` [pkg_logger.go:114]`.
    if line.get(i..i + 2) == Some(b" [") {
        let rest = &line[i + 2..];
        let end = rest.iter().take(256).position(|&c| c == b']' || c == b' ')?;
        if rest[end] != b']' || end == 0 {
            return None;
        }
        i += 2 + end + 1;
    }
    // ` L | ` (the trailing space may be missing when the message is empty and the line was trimmed).
    let h = &line[i..];
    if h.len() < 4 || h[0] != b' ' || h[2] != b' ' || h[3] != b'|' || (h.len() > 4 && h[4] != b' ') {
        return None;
    }
    let severity = match h[1] {
        b'C' => Severity::Critical,
        b'E' => Severity::Error,
        b'W' => Severity::Warning,
        b'N' => Severity::Notice,
        b'I' => Severity::Info,
        b'D' => Severity::Debug,
        b'T' => Severity::Trace,
        _ => return None,
    };
    let text = h.get(5..).unwrap_or_default();
    let (caller, message) = split_package(text);
    Some(Record {
        time,
        severity,
        caller,
        message,
        layers: Layers::one(Format::Capnslog),
        ..Record::default()
    })
}

/// Splits `pkg: msg` when the text starts with a capnslog package name (`[A-Za-z0-9/_.-]+`) and `: `.
fn split_package(text: &[u8]) -> (Option<&[u8]>, &[u8]) {
    let n = text
        .iter()
        .take(80)
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-' | b'.')))
        .unwrap_or(text.len().min(80));
    if n == 0 || text.get(n) != Some(&b':') {
        return (None, text);
    }
    match text.get(n + 1) {
        None => (Some(&text[..n]), &[]),
        Some(b' ') => (Some(&text[..n]), &text[n + 2..]),
        Some(_) => (None, text),
    }
}

/// Parses a zap JSON line: etcd server (3.4 `--logger=zap`, 3.5+), the etcd v3 client inside kube-apiserver
/// (`"logger":"etcd-client"`), k3s/rke2 embedded etcd, and other embedders using zap's production config.
///
/// Requires `level`, `ts` and `msg`, so Kubernetes `--logging-format=json` lines (no `level`) and logrus
/// JSON (`time`, no `ts`) are refused. `ts` is any etcd variant — `2020-06-30T01:17:40.457Z`,
/// `…948+0100`, trimmed micros `…03.21385+0800`, fixed micros `…03.213763+0800` — or an epoch number
/// (seconds as embedders write it, `1568166948.8119395`; milli-, micro- and nanosecond values are told apart
/// by magnitude), read digit by digit so the nanoseconds are exact. A `ts` of any other shape leaves
/// [`RawTime::None`]. `logger` → `ident`, `caller` → `caller`, `msg` → `message` (still JSON-escaped);
/// `fields` is the whole object. When a key is repeated, its first value is used.
pub fn parse_zap(line: &[u8]) -> Option<Record<'_>> {
    let start = line.iter().position(|c| !c.is_ascii_whitespace())?;
    if line[start] != b'{' {
        return None;
    }
    if let Some(r) = parse_zap_fast(line) {
        return Some(r);
    }
    // Cheap refusals before the JSON walk: kube JSON has no "level", logrus JSON no "ts".
    memchr::memmem::find(line, b"\"level\"")?;
    memchr::memmem::find(line, b"\"ts\"")?;
    let mut level: Option<&RawValue> = None;
    let mut ts: Option<&RawValue> = None;
    let mut logger: Option<&RawValue> = None;
    let mut caller: Option<&RawValue> = None;
    let mut msg: Option<&RawValue> = None;
    let ok = json::for_each_field(line, |k, v| {
        let slot = match k {
            "level" => &mut level,
            "ts" => &mut ts,
            "logger" => &mut logger,
            "caller" => &mut caller,
            "msg" => &mut msg,
            _ => return,
        };
        slot.get_or_insert(v);
    });
    if !ok {
        return None;
    }
    let severity = Severity::from_word(json::string_body(level?)?);
    let message = json::string_body(msg?)?;
    let time = zap_time(ts?).unwrap_or_default();
    Some(Record {
        time,
        severity,
        ident: logger.and_then(json::string_body),
        caller: caller.and_then(json::string_body),
        message,
        escape: Escape::Json,
        fields: Fields::Json(line),
        layers: Layers::one(Format::ZapJson),
        ..Record::default()
    })
}

/// zap's own key order (`level`, `ts`, `logger`?, `caller`?, `msg`) read without the JSON walk; the fields
/// after `msg` are kept raw and only decoded for the lines that are kept.
fn parse_zap_fast(line: &[u8]) -> Option<Record<'_>> {
    use json::Scalar;
    let mut p = json::Prefix::new(line)?;
    let Scalar::Str(level) = p.field("level")? else {
        return None;
    };
    let time = match p.field("ts")? {
        Scalar::Str(s) => time::rfc3339(s).map(|(t, _)| t),
        Scalar::Num(n) => epoch_number(n).map(|unix_nanos| RawTime::Instant { unix_nanos }),
    }
    .unwrap_or_default();
    let ident = str_of(p.optional("logger"));
    let caller = str_of(p.optional("caller"));
    fn str_of(v: Option<json::Scalar<'_>>) -> Option<&[u8]> {
        match v {
            Some(json::Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }
    let Scalar::Str(message) = p.field("msg")? else {
        return None;
    };
    Some(Record {
        time,
        severity: Severity::from_word(level),
        ident,
        caller,
        message,
        escape: Escape::Json,
        fields: Fields::Json(line),
        layers: Layers::one(Format::ZapJson),
        ..Record::default()
    })
}

/// A zap `ts` value: an RFC 3339 / ISO 8601 string or an epoch number.
fn zap_time(raw: &RawValue) -> Option<RawTime> {
    match json::string_body(raw) {
        Some(s) => time::rfc3339(s).map(|(t, _)| t),
        None => epoch_number(raw.get().as_bytes()).map(|unix_nanos| RawTime::Instant { unix_nanos }),
    }
}

/// Epoch time written as a JSON number, unit told by magnitude: seconds (below 1e11, i.e. before year 5138),
/// milliseconds (below 1e14), microseconds (below 1e17), else nanoseconds. Exact for plain decimals.
fn epoch_number(b: &[u8]) -> Option<i64> {
    let int_len = b.iter().position(|c| !c.is_ascii_digit()).unwrap_or(b.len());
    let (frac, frac_len) = time::fraction(&b[int_len..]);
    if int_len == 0 || int_len > 19 || int_len + frac_len != b.len() {
        // Exponent form or a negative value: rare, take the float.
        let f = json_float(b)?;
        if !(0.0..9.2e18).contains(&f) {
            return None;
        }
        let nanos = if f < 1e11 {
            f * 1e9
        } else if f < 1e14 {
            f * 1e6
        } else if f < 1e17 {
            f * 1e3
        } else {
            f
        };
        return Some(nanos as i64);
    }
    let int = b[..int_len].iter().fold(0u128, |v, &c| v * 10 + (c - b'0') as u128);
    let frac = frac as u128;
    let nanos = if int < 100_000_000_000 {
        int * 1_000_000_000 + frac
    } else if int < 100_000_000_000_000 {
        int * 1_000_000 + frac / 1_000
    } else if int < 100_000_000_000_000_000 {
        int * 1_000 + frac / 1_000_000
    } else {
        int
    };
    i64::try_from(nanos).ok()
}

fn json_float(b: &[u8]) -> Option<f64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Parses a Go standard library `log` line (etcd 2.0 and many Go tools):
/// `2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out`, with optional
/// `.123456` microseconds (`log.Lmicroseconds`).
///
/// The time is a wall clock with a year ([`RawTime::Wall`]); severity is [`Severity::Unknown`]. When the
/// logger was built with `log.Lshortfile` / `log.Llongfile` (`provider.go:117: Defaulting …`) the
/// `file.go:line` goes to `caller` and the message starts after it; otherwise the whole text is the message.
pub fn parse_golog(line: &[u8]) -> Option<Record<'_>> {
    let (wall, i) = time::date_time(line, b'/', b" ")?;
    let text: &[u8] = match line.get(i) {
        None => &[],
        Some(b' ') => &line[i + 1..],
        Some(_) => return None,
    };
    let (caller, message) = split_go_file(text);
    Some(Record {
        time: RawTime::Wall(wall),
        caller,
        message,
        layers: Layers::one(Format::GoLog),
        ..Record::default()
    })
}

/// Splits `file.go:123: msg` (Go `log.Lshortfile`, or a full path with `log.Llongfile`).
fn split_go_file(text: &[u8]) -> (Option<&[u8]>, &[u8]) {
    let end = memchr::memchr(b' ', text).unwrap_or(text.len());
    let token = &text[..end];
    let Some(loc) = token.strip_suffix(b":") else {
        return (None, text);
    };
    let Some(colon) = memchr::memrchr(b':', loc) else {
        return (None, text);
    };
    let (file, num) = (&loc[..colon], &loc[colon + 1..]);
    if file.ends_with(b".go") && !num.is_empty() && num.iter().all(u8::is_ascii_digit) {
        (Some(loc), text.get(end + 1..).unwrap_or_default())
    } else {
        (None, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::WallTime;

    fn instant(t: RawTime) -> i64 {
        match t {
            RawTime::Instant { unix_nanos } => unix_nanos,
            other => panic!("expected an instant, got {other:?}"),
        }
    }

    /// A wall reading with its year, as unix nanos if it were UTC.
    fn wall(t: RawTime) -> i64 {
        match t {
            RawTime::Wall(w) => {
                assert_ne!(w.year, 0, "wall time without year");
                w.unix_nanos_in(w.year as i32)
            }
            other => panic!("expected a wall time, got {other:?}"),
        }
    }

    // ---- capnslog (formats.md §3.1) ----

    #[test]
    fn capnslog_read_only_range_request() {
        // etcd#10174, 3.1.18
        let line = br#"2018-10-11 08:36:19.724999 W | etcdserver: read-only range request "key:\"/registry/secrets/kube-system/app-manager-appmanager-token-2tv68\" " with result "range_response_count:1 size:2579" took too long (1.602181876s) to execute"#;
        let r = parse_capnslog(line).unwrap();
        assert_eq!(wall(r.time), 1_539_246_979_724_999_000);
        assert_eq!(
            r.time,
            RawTime::Wall(WallTime {
                year: 2018,
                month: 10,
                day: 11,
                hour: 8,
                minute: 36,
                second: 19,
                nanos: 724_999_000
            })
        );
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver"[..]));
        assert_eq!(
            r.message,
            &br#"read-only range request "key:\"/registry/secrets/kube-system/app-manager-appmanager-token-2tv68\" " with result "range_response_count:1 size:2579" took too long (1.602181876s) to execute"#[..]
        );
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.fields, Fields::None);
        assert_eq!(r.layers, Layers::one(Format::Capnslog));
        assert!(!r.partial);
        assert_eq!((r.ident, r.host, r.pid), (None, None, None));
    }

    #[test]
    fn capnslog_heartbeat_and_overload() {
        // etcd#5154
        let r = parse_capnslog(b"2016-04-22 03:04:09.678778 W | etcdserver: failed to send out heartbeat on time (deadline exceeded for 185.938874ms)").unwrap();
        assert_eq!(wall(r.time), 1_461_294_249_678_778_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver"[..]));
        assert_eq!(
            r.message,
            b"failed to send out heartbeat on time (deadline exceeded for 185.938874ms)"
        );
        let r = parse_capnslog(b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded").unwrap();
        assert_eq!(wall(r.time), 1_461_294_249_680_486_000);
        assert_eq!(r.message, b"server is likely overloaded");
    }

    #[test]
    fn capnslog_raft_info() {
        // etcd#13346
        let r = parse_capnslog(
            b"2021-09-11 14:46:26.379622 I | raft: 305e2d98af38bb40 is starting a new election at term 57",
        )
        .unwrap();
        assert_eq!(wall(r.time), 1_631_371_586_379_622_000);
        assert_eq!(r.severity, Severity::Info);
        assert_eq!(r.caller, Some(&b"raft"[..]));
        assert_eq!(r.message, b"305e2d98af38bb40 is starting a new election at term 57");
        let r = parse_capnslog(b"2021-09-11 14:46:26.865712 I | raft: raft.node: 305e2d98af38bb40 elected leader 7752c0b6a21319fe at term 58").unwrap();
        assert_eq!(wall(r.time), 1_631_371_586_865_712_000);
        assert_eq!(r.caller, Some(&b"raft"[..]));
        assert_eq!(
            r.message,
            b"raft.node: 305e2d98af38bb40 elected leader 7752c0b6a21319fe at term 58"
        );
    }

    #[test]
    fn capnslog_read_index_and_nospace() {
        // etcd#11809
        let r = parse_capnslog(b"2020-03-25 13:08:19.610050 W | etcdserver: timed out waiting for read index response (local node might have slow network)").unwrap();
        assert_eq!(wall(r.time), 1_585_141_699_610_050_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(
            r.message,
            b"timed out waiting for read index response (local node might have slow network)"
        );
        // NOSPACE, 3.3-style
        let r =
            parse_capnslog(b"2023-09-02 14:41:56.220448 W | etcdserver: alarm NOSPACE raised by peer c9ac9fc89eae9cf7")
                .unwrap();
        assert_eq!(wall(r.time), 1_693_665_716_220_448_000);
        assert_eq!(r.caller, Some(&b"etcdserver"[..]));
        assert_eq!(r.message, b"alarm NOSPACE raised by peer c9ac9fc89eae9cf7");
    }

    #[test]
    fn capnslog_inside_kubectl_timestamps() {
        // cilium#7282, the inner line after the `kubectl logs --timestamps` prefix
        let r = parse_capnslog(b"2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)").unwrap();
        assert_eq!(wall(r.time), 1_551_898_859_117_256_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(
            r.message,
            b"failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)"
        );
    }

    #[test]
    fn capnslog_debug_file_line() {
        // Debug mode (etcd#11012) inserts ` [pkg_logger.go:114]` after the time (coreos/pkg capnslog
        // PrettyFormatter); the etcd#10174 and etcd#5154 lines as etcd --debug writes them.
        let line = br#"2018-10-11 08:36:19.724999 [pkg_logger.go:114] W | etcdserver: read-only range request "key:\"/registry/secrets/kube-system/app-manager-appmanager-token-2tv68\" " with result "range_response_count:1 size:2579" took too long (1.602181876s) to execute"#;
        let r = parse_capnslog(line).unwrap();
        assert_eq!(wall(r.time), 1_539_246_979_724_999_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver"[..]));
        assert!(r.message.starts_with(b"read-only range request \"key:"));
        assert!(r.message.ends_with(b"took too long (1.602181876s) to execute"));
        let r = parse_capnslog(
            b"2016-04-22 03:04:09.680486 [pkg_logger.go:114] W | etcdserver: server is likely overloaded",
        )
        .unwrap();
        assert_eq!(wall(r.time), 1_461_294_249_680_486_000);
        assert_eq!(r.message, b"server is likely overloaded");
    }

    #[test]
    fn capnslog_levels_and_no_package() {
        // Level chars C E W N I D T on the etcd#5154 line; a capnslog logger without package writes no `pkg: `.
        for (c, sev) in [
            (b'C', Severity::Critical),
            (b'E', Severity::Error),
            (b'W', Severity::Warning),
            (b'N', Severity::Notice),
            (b'I', Severity::Info),
            (b'D', Severity::Debug),
            (b'T', Severity::Trace),
        ] {
            let mut line = b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded".to_vec();
            line[27] = c;
            assert_eq!(parse_capnslog(&line).unwrap().severity, sev);
        }
        let r = parse_capnslog(b"2016-04-22 03:04:09.680486 W | server is likely overloaded").unwrap();
        assert_eq!(r.caller, None);
        assert_eq!(r.message, b"server is likely overloaded");
        let r = parse_capnslog(b"2016-04-22 03:04:09.680486 W | ").unwrap();
        assert_eq!((r.caller, r.message), (None, &b""[..]));
    }

    #[test]
    fn capnslog_refuses_other_shapes() {
        // journald formatter of etcd 3.3 under systemd (k8s#70082): no capnslog header
        assert!(parse_capnslog(br#"Aug 17 17:37:30 k8s-master etcd: read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#).is_none());
        // `kubectl logs --timestamps` prefix (cilium#7282): `T` separator and a zone
        assert!(parse_capnslog(b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)").is_none());
        // etcd 2.0 Go log (k8s#10122)
        assert!(
            parse_capnslog(b"2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out").is_none()
        );
        // unknown level char, missing bar
        assert!(parse_capnslog(b"2016-04-22 03:04:09.680486 X | etcdserver: server is likely overloaded").is_none());
        assert!(parse_capnslog(b"2016-04-22 03:04:09.680486 W etcdserver: server is likely overloaded").is_none());
    }

    // ---- zap JSON (formats.md §3.2, §5.4) ----

    #[test]
    fn zap_iso8601_millis_z() {
        // etcd#12094, 3.4.3
        let line = br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_593_479_860_457_000_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver/util.go:144"[..]));
        assert_eq!(r.ident, None);
        assert_eq!(r.message, b"apply request took too long");
        assert_eq!(r.escape, Escape::Json);
        assert_eq!(r.fields, Fields::Json(&line[..]));
        assert_eq!(r.layers, Layers::one(Format::ZapJson));
        assert!(!r.partial);

        let line = br#"{"level":"info","ts":"2020-06-30T01:17:40.457Z","caller":"traceutil/trace.go:145","msg":"trace[308933825] range","detail":"{range_begin:/registry/volumeattachments; range_end:/registry/volumeattachmentt; }","duration":"10.935938079s","start":"2020-06-30T01:17:29.521Z","end":"2020-06-30T01:17:40.457Z","steps":["trace[308933825] 'agreement among raft nodes before linearized reading'  (duration: 10.935907372s)"]}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_593_479_860_457_000_000);
        assert_eq!(r.severity, Severity::Info);
        assert_eq!(r.caller, Some(&b"traceutil/trace.go:145"[..]));
        assert_eq!(r.message, b"trace[308933825] range");
    }

    #[test]
    fn zap_iso8601_millis_offset() {
        // k3s 2021 journald body (formats.md §1.4); the paste's `,[…]` cut marker removed to keep the JSON whole.
        let line = br#"{"level":"warn","ts":"2021-02-16T12:45:47.948+0100","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"102.774415ms","expected-duration":"100ms"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_613_475_947_948_000_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver/util.go:163"[..]));
        assert_eq!(r.message, b"apply request took too long");

        // k3s#4787 NOSPACE, journald body, `-0700`
        let line = r#"{"level":"warn","ts":"2022-03-13T17:21:30.783-0700","caller":"etcdserver/util.go:123","msg":"failed to apply request","took":"10.558µs","request":"header:<ID:16997569631274120200 username:\"etcd-client\" auth_revision:1 > txn:<[…]>","response":"","error":"etcdserver: no space"}"#.as_bytes();
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_647_217_290_783_000_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver/util.go:123"[..]));
        assert_eq!(r.message, b"failed to apply request");

        // etcd#11947 client side, `-0400` (cut marker removed)
        let line = br#"{"level":"warn","ts":"2020-05-26T06:52:20.826-0400","caller":"clientv3/retry_interceptor.go:61","msg":"retrying of unary invoker failed","error":"rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_590_490_340_826_000_000);
        assert_eq!(r.caller, Some(&b"clientv3/retry_interceptor.go:61"[..]));
        assert_eq!(r.message, b"retrying of unary invoker failed");
    }

    #[test]
    fn zap_trimmed_micros() {
        // 3.4.24+ / 3.5.8–3.5.14 layout "2006-01-02T15:04:05.999999Z0700": the §3.2 value
        // `2024-04-22T17:18:03.21385+0800` on the etcd#17855 line (cut marker removed).
        let line = br#"{"level":"warn","ts":"2024-04-22T17:18:03.21385+0800","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"3.000607371s","expected-duration":"100ms","prefix":"read-only range ","error":"context deadline exceeded"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_713_777_483_213_850_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.caller, Some(&b"etcdserver/util.go:170"[..]));
        assert_eq!(r.message, b"apply request took too long");
        // k3s#9204 (k3s 1.28, etcd 3.5.9): six digits without trailing zero, `Z`
        let line = br#"{"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_704_873_333_433_522_000);
        assert_eq!(r.caller, Some(&b"etcdserver/v3_server.go:897"[..]));
        assert_eq!(r.message, b"waiting for ReadIndex response took too long, retrying");
    }

    #[test]
    fn zap_fixed_micros() {
        // etcd#17855, 3.5.13 (cut marker removed)
        let line = br#"{"level":"warn","ts":"2024-04-22T17:18:03.213763+0800","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"3.000607371s","expected-duration":"100ms","prefix":"read-only range ","error":"context deadline exceeded"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_713_777_483_213_763_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.message, b"apply request took too long");
        // The etcd#12094 line as 3.5.15+ writes its time (fixed six digits).
        let line = br#"{"level":"warn","ts":"2020-06-30T01:17:40.457000Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#;
        assert_eq!(instant(parse_zap(line).unwrap().time), 1_593_479_860_457_000_000);
    }

    #[test]
    fn zap_epoch_seconds_from_embedders() {
        // Embedders on zap production defaults (agola-io/agola#107): `"ts":1568166948.8119395`, float durations.
        // The value and the `took` float are from formats.md §3.2; the other keys are etcd's.
        let line = br#"{"level":"warn","ts":1568166948.8119395,"caller":"etcdserver/util.go:144","msg":"apply request took too long","took":0.101501094,"expected-duration":0.1}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_568_166_948_811_939_500);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.message, b"apply request took too long");
        let line = br#"{"level":"error","ts":1568166948,"msg":"x"}"#;
        assert_eq!(instant(parse_zap(line).unwrap().time), 1_568_166_948_000_000_000);
        // Milliseconds, by magnitude (the kube JSON value of §1.3 under a zap embedder that adds `level`).
        let line = br#"{"level":"info","ts":1616398324656.7524,"msg":"x"}"#;
        assert_eq!(instant(parse_zap(line).unwrap().time), 1_616_398_324_656_752_400);
        // Exponent form falls back to the float.
        let line = br#"{"level":"info","ts":1.568166948e9,"msg":"x"}"#;
        assert_eq!(instant(parse_zap(line).unwrap().time), 1_568_166_948_000_000_000);
    }

    #[test]
    fn zap_logger_field() {
        // raft through zap (public doc)
        let line = br#"{"level":"warn","ts":"2022-08-30T09:19:19.245Z","logger":"raft","caller":"etcdserver/zap_raft.go:85","msg":"141adac8c067b6dd stepped down to follower since quorum is not active"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_661_851_159_245_000_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.ident, Some(&b"raft"[..]));
        assert_eq!(r.caller, Some(&b"etcdserver/zap_raft.go:85"[..]));
        assert_eq!(
            r.message,
            b"141adac8c067b6dd stepped down to follower since quorum is not active"
        );
        // etcd client inside kube-apiserver (rancher#42505)
        let line = br#"{"level":"warn","ts":"2023-08-23T05:25:30.459Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0039dbc00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_692_768_330_459_000_000);
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.ident, Some(&b"etcd-client"[..]));
        assert_eq!(r.caller, Some(&b"v3/retry_interceptor.go:62"[..]));
        assert_eq!(r.message, b"retrying of unary invoker failed");
        assert_eq!(r.fields, Fields::Json(&line[..]));
    }

    #[test]
    fn zap_inside_cri_uses_its_own_zone() {
        // etcd#16436 body (outer CRI `+08:00`, inner `Z`); cut marker removed.
        let line = br#"{"level":"warn","ts":"2023-08-18T02:47:25.111Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"627.833521ms","expected-duration":"200ms"}"#;
        let r = parse_zap(line).unwrap();
        assert_eq!(instant(r.time), 1_692_326_845_111_000_000);
        assert_eq!(r.caller, Some(&b"etcdserver/util.go:166"[..]));
    }

    #[test]
    fn zap_levels() {
        for (w, sev) in [
            ("debug", Severity::Debug),
            ("info", Severity::Info),
            ("warn", Severity::Warning),
            ("error", Severity::Error),
            ("dpanic", Severity::Critical),
            ("panic", Severity::Critical),
            ("fatal", Severity::Critical),
        ] {
            let line = format!(
                r#"{{"level":"{w}","ts":"2022-08-30T09:19:19.245Z","logger":"raft","caller":"etcdserver/zap_raft.go:85","msg":"141adac8c067b6dd stepped down to follower since quorum is not active"}}"#
            );
            assert_eq!(parse_zap(line.as_bytes()).unwrap().severity, sev, "{w}");
        }
    }

    #[test]
    fn zap_refuses_kube_json_logrus_json_and_cut_lines() {
        // Kubernetes --logging-format=json (formats.md §1.3): numeric ms `ts`, no `level`
        assert!(parse_zap(br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft=\"\"\n","v":1}"#).is_none());
        assert!(parse_zap(br#"{"ts":1631610094233.7605,"caller":"app/server.go:276","msg":"Failed to construct kubelet dependencies","err":"error reading /var/lib/kubelet/pki/kubelet.key, certificate and key must be supplied as a pair"}"#).is_none());
        assert!(parse_zap(
            br#"{"ts":1648546681782.9763,"caller":"cmd/logger.go:79","msg":"Log using Errorf, err: fail\n"}"#
        )
        .is_none());
        // logrus JSONFormatter (`level`, `msg`, `time`, sorted keys): the moby#19728 dockerd line as JSON
        assert!(parse_zap(
            br#"{"level":"info","msg":"GET /v1.21/containers/json","time":"2016-02-08T11:27:07.214570725+02:00"}"#
        )
        .is_none());
        // A line cut in its fields by the pasting user (etcd#17855 as pasted, `[…]` is not JSON): zap's own
        // leading fields are intact, so the record is kept (its fields are not shown); a line truncated before
        // the end of `msg` is refused.
        let pasted = parse_zap(r#"{"level":"warn","ts":"2024-04-22T17:18:03.213763+0800","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"3.000607371s","expected-duration":"100ms","prefix":"read-only range ",[…],"error":"context deadline exceeded"}"#.as_bytes()).unwrap();
        assert_eq!(pasted.message, b"apply request took too long");
        assert_eq!(pasted.severity, Severity::Warning);
        assert!(parse_zap(br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","msg":"apply req"#).is_none());
        // No `msg`
        assert!(parse_zap(br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z"}"#).is_none());
        // Not JSON at all
        assert!(parse_zap(b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded").is_none());
    }

    // ---- Go std log (formats.md §3.1, §1.7) ----

    #[test]
    fn golog_etcd2() {
        // k8s#10122, etcd 2.0
        let r = parse_golog(b"2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out").unwrap();
        assert_eq!(wall(r.time), 1_434_746_438_000_000_000);
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.caller, None);
        assert_eq!(r.message, b"etcdhttp: unexpected error: etcdserver: request timed out");
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.layers, Layers::one(Format::GoLog));
        assert!(!r.partial);
        // With log.Lmicroseconds
        let r = parse_golog(b"2015/06/19 20:40:38.123456 etcdhttp: unexpected error: etcdserver: request timed out")
            .unwrap();
        assert_eq!(wall(r.time), 1_434_746_438_123_456_000);
        assert_eq!(r.message, b"etcdhttp: unexpected error: etcdserver: request timed out");
    }

    #[test]
    fn golog_shortfile() {
        // cri-o#3181, the body of a CRI-O line (log.Lshortfile)
        let r = parse_golog(b"2020/01/26 03:17:29 provider.go:117: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main").unwrap();
        assert_eq!(wall(r.time), 1_580_008_649_000_000_000);
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.caller, Some(&b"provider.go:117"[..]));
        assert_eq!(
            r.message,
            b"Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main"
        );
    }

    #[test]
    fn golog_refuses_other_shapes() {
        // klog preamble (formats.md §1.1) and capnslog
        assert!(parse_golog(b"Log file created at: 2006/01/02 15:04:05").is_none());
        assert!(parse_golog(b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded").is_none());
        assert!(parse_golog(b"2015/13/19 20:40:38 etcdhttp: x").is_none());
        assert!(parse_golog(b"2015/06/19 20:40:38etcdhttp: x").is_none());
    }
}
