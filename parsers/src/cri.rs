//! Container log envelopes: CRI log files (containerd, CRI-O, conmon), Docker `json-file` logs, and lines
//! prefixed with a timestamp by a collector (`kubectl logs --timestamps`, runit `svlogd -tt`).
//!
//! Each returns the envelope's time and its body as `message`, to be parsed again by an inner grammar
//! (klog, zap JSON, capnslog, ...). The stream (`stdout`/`stderr`) says nothing about severity, so it is not
//! kept: severity stays [`Severity::Unknown`] until an inner grammar sets it.

use crate::json;
use crate::record::{Escape, Format, Layers, Record, Severity, Stream};
use crate::time::{self, RawTime};

/// Parses a CRI container log line: `<RFC3339Nano> <stdout|stderr> <P|F>[:<more tags>] <message>`.
///
/// The time must carry a zone: `Z` (containerd), `+00:00` (CRI-O) or the local offset (containerd with a
/// non-UTC zone, conmon); its fraction has 0–9 digits. `partial` is set for a `P` chunk (a piece of a line
/// longer than the runtime's limit, or output that ended without a newline), whose message the next line
/// continues. The message is the raw rest of the line and may be empty. The stream word is required, so
/// `kubectl logs --timestamps` lines are refused (see [`parse_timestamped`]).
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if line.len() < 29 || line[10] != b'T' {
        return None;
    }
    let (time, i) = time::rfc3339(line)?;
    if !matches!(time, RawTime::Instant { .. }) {
        return None;
    }
    let rest = &line[i..];
    if rest.len() < 9 || rest[0] != b' ' || rest[7] != b' ' {
        return None;
    }
    let stream = match &rest[1..7] {
        b"stdout" => Stream::Stdout,
        b"stderr" => Stream::Stderr,
        _ => return None,
    };
    let tags = &rest[8..];
    let tag_end = memchr::memchr(b' ', tags).unwrap_or(tags.len());
    let partial = match tags[..tag_end] {
        [b'P'] | [b'P', b':', ..] => true,
        [b'F'] | [b'F', b':', ..] => false,
        _ => return None,
    };
    Some(Record {
        time,
        message: tags.get(tag_end + 1..).unwrap_or_default(),
        layers: Layers::one(Format::Cri),
        partial,
        stream,
        ..Record::default()
    })
}

/// Parses a line prefixed with a timestamp and one space by a collector; the message is the inner line
/// (capnslog, klog, anything), to be parsed again.
///
/// - `kubectl logs --timestamps`: `2019-03-06T19:00:59.117515322Z <line>` (any RFC 3339 / ISO 8601 time
///   [`time::rfc3339`] reads, giving an instant with a zone, a wall time with its year without one);
/// - runit `svlogd -tt`: `2015-11-13_22:08:10.35486 <line>`, a wall time with its year.
///
/// A timestamp alone (an empty inner line) gives an empty message.
pub fn parse_timestamped(line: &[u8]) -> Option<Record<'_>> {
    if line.len() < 19 {
        return None;
    }
    let (time, i) = if line[10] == b'_' {
        svlogd_time(line)?
    } else {
        time::rfc3339(line)?
    };
    let message: &[u8] = match line.get(i) {
        None => &[],
        Some(b' ') => &line[i + 1..],
        Some(_) => return None,
    };
    Some(Record {
        time,
        severity: Severity::Unknown,
        message,
        layers: Layers::one(Format::Timestamped),
        ..Record::default()
    })
}

/// `YYYY-MM-DD_hh:mm:ss[.fffff]` (svlogd `-tt`).
fn svlogd_time(b: &[u8]) -> Option<(RawTime, usize)> {
    time::date_time(b, b'-', b"_").map(|(wall, used)| (RawTime::Wall(wall), used))
}

/// Parses a Docker `json-file` log line:
/// `{"log":"…\n","stream":"stdout","attrs":{…},"time":"2018-01-24T05:57:12.583118365Z"}`.
///
/// The message is the inside of the `log` string, still JSON-escaped ([`Escape::Json`]), without its
/// trailing escaped `\n` (or `\r\n`). A `log` value without that newline is a partial chunk (moby splits
/// lines at 16 KiB; output may also end without a newline): `partial` is set. Requires `log` and `time`.
/// moby's own key order (`log`, `stream`, `time`) is read without the JSON walk; other layouts
/// (`attrs`, reordered keys) go through [`json::for_each_field`].
pub fn parse_docker_json(line: &[u8]) -> Option<Record<'_>> {
    let (log, time_str) = docker_fast(line).or_else(|| docker_walk(line))?;
    let (time, _) = time::rfc3339(time_str)?;
    let (message, partial) = match strip_escaped(log, b'n') {
        Some(body) => (strip_escaped(body, b'r').unwrap_or(body), false),
        None => (log, true),
    };
    Some(Record {
        time,
        message,
        escape: Escape::Json,
        layers: Layers::one(Format::DockerJson),
        partial,
        ..Record::default()
    })
}

/// moby's exact layout `{"log":"…","stream":"stdout|stderr","time":"…"}`: the `log` and `time` bodies.
fn docker_fast(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = line.strip_prefix(b"{\"log\":\"")?;
    let end = string_end(rest)?;
    let log = &rest[..end];
    let rest = &rest[end + 1..];
    let rest = rest
        .strip_prefix(b",\"stream\":\"stdout\",\"time\":\"")
        .or_else(|| rest.strip_prefix(b",\"stream\":\"stderr\",\"time\":\""))?;
    let q = memchr::memchr(b'"', rest)?;
    let tail = &rest[q + 1..];
    let tail_len = tail.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |p| p + 1);
    (&tail[..tail_len] == b"}").then_some((log, &rest[..q]))
}

/// Index of the closing quote of a JSON string body (the bytes after its opening quote).
fn string_end(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        let j = i + memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[j] == b'"' {
            return Some(j);
        }
        i = j + 2;
    }
}

/// Any key order, `attrs`, whitespace: the JSON walk.
fn docker_walk(line: &[u8]) -> Option<(&[u8], &[u8])> {
    if !json::looks_like_object(line) {
        return None;
    }
    let mut log = None;
    let mut time = None;
    let ok = json::for_each_field(line, |k, v| match k {
        "log" if log.is_none() => log = Some(v),
        "time" if time.is_none() => time = Some(v),
        _ => {}
    });
    if !ok {
        return None;
    }
    Some((json::string_body(log?)?, json::string_body(time?)?))
}

/// `b` without a trailing JSON escape `\<c>` (an odd run of backslashes before `c`; `\\n` is a backslash
/// and an `n`, not a newline).
fn strip_escaped(b: &[u8], c: u8) -> Option<&[u8]> {
    let body = b.strip_suffix(&[c])?;
    let slashes = body.iter().rev().take_while(|&&x| x == b'\\').count();
    (slashes % 2 == 1).then(|| &body[..body.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd;
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

    fn check_cri(r: &Record, nanos: i64, partial: bool, message: &[u8]) {
        assert_eq!(instant(r.time), nanos);
        assert_eq!(r.partial, partial);
        assert_eq!(r.message, message);
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.caller, None);
        assert_eq!(r.layers, Layers::one(Format::Cri));
    }

    // ---- CRI (formats.md §1.7) ----

    #[test]
    fn cri_containerd_partial_chunks() {
        // containerd#4813: 9 digits, `Z`, a stream that ends on `P`
        let r = parse(b"2020-12-07T15:32:38.994574754Z stdout P Hello from init container!").unwrap();
        check_cri(&r, 1_607_355_158_994_574_754, true, b"Hello from init container!");
        // k8s PR#55922: a `P` chunk of a long line (as cut in the paste)
        let line = "2017-11-17T07:08:25.666705234Z stdout P aaaa…".as_bytes();
        let r = parse(line).unwrap();
        check_cri(&r, 1_510_902_505_666_705_234, true, "aaaa…".as_bytes());
    }

    #[test]
    fn cri_crio_plus_zero_offset() {
        // cri-o#3181: `+00:00`, stderr (not an error by itself), Go log body
        let line = b"2020-01-26T03:17:29.346494690+00:00 stderr F 2020/01/26 03:17:29 provider.go:117: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main";
        let r = parse(line).unwrap();
        check_cri(
            &r,
            1_580_008_649_346_494_690,
            false,
            b"2020/01/26 03:17:29 provider.go:117: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main",
        );
        let inner = etcd::parse_golog(r.message).unwrap();
        assert_eq!(inner.caller, Some(&b"provider.go:117"[..]));
    }

    #[test]
    fn cri_klog_inside() {
        // cri-o#5903: control-plane static pod log
        let line = b"2022-05-21T22:00:46.835887817+00:00 stderr F I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259";
        let r = parse(line).unwrap();
        check_cri(
            &r,
            1_653_170_446_835_887_817,
            false,
            b"I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259",
        );
    }

    #[test]
    fn cri_local_offset_with_zap_inside() {
        // etcd#16436: outer local `+08:00`, inner zap `Z` — two clocks on one line.
        let line = "2023-08-18T10:47:25.111490788+08:00 stderr F {\"level\":\"warn\",\"ts\":\"2023-08-18T02:47:25.111Z\",\"caller\":\"etcdserver/util.go:166\",\"msg\":\"apply request took too long\",\"took\":\"627.833521ms\",\"expected-duration\":\"200ms\",[…]}".as_bytes();
        let r = parse(line).unwrap();
        check_cri(&r, 1_692_326_845_111_490_788, false, &line[45..]);
        assert!(r.message.starts_with(b"{\"level\":\"warn\""));
        // The pasted body is cut (`[…]`); whole, it parses as zap with its own `Z` time.
        let whole = r.message.strip_suffix(",[…]}".as_bytes()).unwrap();
        let whole = [whole, b"}"].concat();
        let inner = etcd::parse_zap(&whole).unwrap();
        assert_eq!(instant(inner.time), 1_692_326_845_111_000_000);
        assert_eq!(inner.severity, Severity::Warning);
        assert_eq!(inner.message, b"apply request took too long");
    }

    #[test]
    fn cri_fraction_widths_and_empty_message() {
        // RFC3339Nano trims trailing zeros: the containerd#4813 line at other instants.
        let r = parse(b"2020-12-07T15:32:38Z stdout F Hello from init container!").unwrap();
        check_cri(&r, 1_607_355_158_000_000_000, false, b"Hello from init container!");
        let r = parse(b"2020-12-07T15:32:38.9Z stdout F Hello from init container!").unwrap();
        check_cri(&r, 1_607_355_158_900_000_000, false, b"Hello from init container!");
        // An empty output line: containerd writes the delimiter, a trimmed copy may not.
        let r = parse(b"2020-12-07T15:32:38.994574754Z stdout F ").unwrap();
        check_cri(&r, 1_607_355_158_994_574_754, false, b"");
        let r = parse(b"2020-12-07T15:32:38.994574754Z stdout F").unwrap();
        check_cri(&r, 1_607_355_158_994_574_754, false, b"");
        let r = parse(b"2020-12-07T15:32:38Z stdout F").unwrap();
        check_cri(&r, 1_607_355_158_000_000_000, false, b"");
        // Spaces inside the message are kept as they are.
        let r = parse(b"2020-12-07T15:32:38.994574754Z stdout F   indented").unwrap();
        assert_eq!(r.message, b"  indented");
        // More tags after `:` (cri-api tag delimiter).
        let r = parse(b"2020-12-07T15:32:38.994574754Z stdout P:x Hello from init container!").unwrap();
        check_cri(&r, 1_607_355_158_994_574_754, true, b"Hello from init container!");
    }

    #[test]
    fn cri_refuses_other_shapes() {
        // kubectl logs --timestamps (cilium#7282): no stream word
        assert!(parse(b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)").is_none());
        // capnslog (etcd#5154), docker json-file (moby PR#1211)
        assert!(parse(b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded").is_none());
        assert!(parse(
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#
        )
        .is_none());
        // Bad stream word, bad tag, no zone
        assert!(parse(b"2020-12-07T15:32:38.994574754Z stdin F Hello").is_none());
        assert!(parse(b"2020-12-07T15:32:38.994574754Z stdout X Hello").is_none());
        assert!(parse(b"2020-12-07T15:32:38.994574754Z stdout Full Hello").is_none());
        assert!(parse(b"2020-12-07T15:32:38.994574754 stdout F Hello from init container!").is_none());
    }

    // ---- timestamp prefixes (formats.md §1.9) ----

    #[test]
    fn timestamped_kubectl_logs() {
        // cilium#7282: capnslog inside
        let line = b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)";
        let r = parse_timestamped(line).unwrap();
        assert_eq!(instant(r.time), 1_551_898_859_117_515_322);
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.caller, None);
        assert!(!r.partial);
        assert_eq!(r.layers, Layers::one(Format::Timestamped));
        assert_eq!(
            r.message,
            &b"2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)"[..]
        );
        let inner = etcd::parse_capnslog(r.message).unwrap();
        assert_eq!(wall(inner.time), 1_551_898_859_117_256_000);
        assert_eq!(inner.severity, Severity::Warning);
        // The same prefix before a klog line (cri-o#5903 body).
        let line = b"2019-03-06T19:00:59.117515322Z I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259";
        let r = parse_timestamped(line).unwrap();
        assert_eq!(instant(r.time), 1_551_898_859_117_515_322);
        assert_eq!(
            r.message,
            &b"I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259"[..]
        );
    }

    #[test]
    fn timestamped_svlogd() {
        // etcd#3864 runit/svlogd prefix, before etcd 2.x lines (etcd#5154 capnslog, k8s#10122 Go log)
        let line = b"2015-11-13_22:08:10.35486 2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded";
        let r = parse_timestamped(line).unwrap();
        assert_eq!(wall(r.time), 1_447_452_490_354_860_000);
        assert_eq!(
            r.time,
            RawTime::Wall(WallTime {
                year: 2015,
                month: 11,
                day: 13,
                hour: 22,
                minute: 8,
                second: 10,
                nanos: 354_860_000
            })
        );
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.layers, Layers::one(Format::Timestamped));
        assert_eq!(
            r.message,
            &b"2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded"[..]
        );
        let line =
            b"2015-11-13_22:08:10.35486 2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out";
        let r = parse_timestamped(line).unwrap();
        assert_eq!(wall(r.time), 1_447_452_490_354_860_000);
        assert_eq!(
            r.message,
            &b"2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out"[..]
        );
        // Prefix alone: an empty inner line.
        let r = parse_timestamped(b"2015-11-13_22:08:10.35486 ").unwrap();
        assert_eq!(r.message, b"");
    }

    #[test]
    fn timestamped_refuses_non_prefixes() {
        assert!(
            parse_timestamped(b"2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out")
                .is_none()
        );
        assert!(parse_timestamped(
            b"I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259"
        )
        .is_none());
        assert!(parse_timestamped(b"2015-11-13_22:08:10.35486x").is_none());
        assert!(parse_timestamped(b"2019-03-06T19:00:59.117515322Zx").is_none());
    }

    // ---- docker json-file (formats.md §1.8) ----

    fn check_docker(r: &Record, nanos: i64, partial: bool, message: &[u8]) {
        assert_eq!(instant(r.time), nanos);
        assert_eq!(r.partial, partial);
        assert_eq!(r.message, message);
        assert_eq!(r.escape, Escape::Json);
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.caller, None);
        assert_eq!(r.layers, Layers::one(Format::DockerJson));
    }

    #[test]
    fn docker_crlf_and_quotes() {
        // oracle/railcar#32
        let line = br#"{"log":"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n","stream":"stdout","time":"2018-01-24T05:57:12.583118365Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(
            &r,
            1_516_773_432_583_118_365,
            false,
            br#"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\""#,
        );
        // moby PR#1211
        let line =
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(&r, 1_373_903_136_916_821_934, false, b"root@95701614e3b6:/# ls");
    }

    #[test]
    fn docker_html_escapes() {
        // moby escapes `<`, `>`, `&` as \u00XX: the k3s#4787 zap line as a json-file `log` value.
        let line = r#"{"log":"{\"level\":\"warn\",\"ts\":\"2022-03-13T17:21:30.783-0700\",\"caller\":\"etcdserver/util.go:123\",\"msg\":\"failed to apply request\",\"took\":\"10.558µs\",\"request\":\"header:\u003cID:16997569631274120200 username:\\\"etcd-client\\\" auth_revision:1 \u003e txn:\u003c[…]\u003e\",\"response\":\"\",\"error\":\"etcdserver: no space\"}\n","stream":"stderr","time":"2022-03-14T00:21:30.783Z"}"#.as_bytes();
        let r = parse_docker_json(line).unwrap();
        let body = r#"{\"level\":\"warn\",\"ts\":\"2022-03-13T17:21:30.783-0700\",\"caller\":\"etcdserver/util.go:123\",\"msg\":\"failed to apply request\",\"took\":\"10.558µs\",\"request\":\"header:\u003cID:16997569631274120200 username:\\\"etcd-client\\\" auth_revision:1 \u003e txn:\u003c[…]\u003e\",\"response\":\"\",\"error\":\"etcdserver: no space\"}"#;
        check_docker(&r, 1_647_217_290_783_000_000, false, body.as_bytes());
        assert!(r.message.windows(6).any(|w| w == b"\\u003c"));
        // The walk agrees with the fast path.
        assert_eq!(docker_walk(line), docker_fast(line));
    }

    #[test]
    fn docker_partial_chunks() {
        // A >16 KiB line split by moby: no trailing newline in the chunk (the railcar#32 line cut short).
        let line = br#"{"log":"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 ","stream":"stdout","time":"2018-01-24T05:57:12.583118365Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(
            &r,
            1_516_773_432_583_118_365,
            true,
            br#"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 "#,
        );
        // `\\n` is a backslash and an `n`, not a newline; `\\\n` ends with a newline.
        let line =
            br#"{"log":"root@95701614e3b6:/# ls \\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(&r, 1_373_903_136_916_821_934, true, br"root@95701614e3b6:/# ls \\n");
        let line =
            br#"{"log":"root@95701614e3b6:/# ls \\\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(&r, 1_373_903_136_916_821_934, false, br"root@95701614e3b6:/# ls \\");
        // A lone `\r` is kept and the chunk is partial; an empty complete line.
        let line = br#"{"log":"root@95701614e3b6:/# ls\r","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(&r, 1_373_903_136_916_821_934, true, br"root@95701614e3b6:/# ls\r");
        let line = br#"{"log":"\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
        check_docker(&parse_docker_json(line).unwrap(), 1_373_903_136_916_821_934, false, b"");
    }

    #[test]
    fn docker_attrs_and_other_layouts() {
        // `--log-opt labels=…` adds `attrs` before `time` (moby jsonlogbytes.go); the railcar#32 line with it.
        let line = br#"{"log":"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n","stream":"stdout","attrs":{"tag":"nginx"},"time":"2018-01-24T05:57:12.583118365Z"}"#;
        assert_eq!(docker_fast(line), None);
        let r = parse_docker_json(line).unwrap();
        check_docker(
            &r,
            1_516_773_432_583_118_365,
            false,
            br#"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\""#,
        );
        // Keys reordered and spaced (a re-serialised file): the walk.
        let line =
            br#"{"stream": "stdout", "time": "2013-07-15T15:45:36.916821934Z", "log": "root@95701614e3b6:/# ls\r\n"}"#;
        let r = parse_docker_json(line).unwrap();
        check_docker(&r, 1_373_903_136_916_821_934, false, b"root@95701614e3b6:/# ls");
    }

    #[test]
    fn docker_refuses_other_shapes() {
        // Missing time / missing log / truncated
        assert!(parse_docker_json(br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout"}"#).is_none());
        assert!(parse_docker_json(br#"{"stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#).is_none());
        assert!(parse_docker_json(
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.9168"#
        )
        .is_none());
        assert!(parse_docker_json(
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"} x"#
        )
        .is_none());
        // zap JSON (rancher#42505) and a CRI line (containerd#4813)
        assert!(parse_docker_json(br#"{"level":"warn","ts":"2023-08-23T05:25:30.459Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0039dbc00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}"#).is_none());
        assert!(parse_docker_json(b"2020-12-07T15:32:38.994574754Z stdout P Hello from init container!").is_none());
    }
}
