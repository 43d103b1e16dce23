//! klog / glog: the text header of every Kubernetes component, its log-file preamble, and the
//! `--logging-format=json` output (formats.md 1.1, 1.2, 1.3).
//!
//! Text: `Lmmdd hh:mm:ss.uuuuuu<spaces>pid file:line] msg`, where the body is either printf text or a structured
//! record `"quoted msg" key=value…` (klog ≥ 2.2, `InfoS`/`ErrorS`). The header has no year and no zone, so the
//! time is a [`RawTime::Wall`] with `year: 0`. Hand-rolled byte checks, no allocation.

use crate::json;
use crate::kv;
use crate::record::{Escape, Fields, Format, Layers, Meta, Record, Severity};
use crate::time::{self, RawTime, WallTime};
use memchr::memmem;

/// Parses a klog/glog text line (`I0313 16:02:43.934473    1450 kubelet.go:1778] msg`).
///
/// - `time`: [`RawTime::Wall`] with `year: 0` (month, day and time ranges are checked);
/// - `severity`: `I` Info, `W` Warning, `E` Error, `F` Critical; `pid`: the right-aligned thread id (1+ spaces
///   before it); `caller`: `file:line` (`file` may hold `/` with `-add_dir_header`);
/// - structured body (`"msg" k=v…`): `message` is the inside of the quotes ([`Escape::Go`]) and `fields` is
///   [`Fields::KeyValue`] of the pairs (trimmed; [`Fields::None`] when empty). A quote left open (line cut inside
///   the message) gives the rest of the line as the message, still [`Escape::Go`];
/// - printf body: `message` is the body as written, [`Escape::None`]; an empty body is still a record.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let severity = match *line.first()? {
        b'I' => Severity::Info,
        b'W' => Severity::Warning,
        b'E' => Severity::Error,
        b'F' => Severity::Critical,
        _ => return None,
    };
    // `Lmmdd hh:mm:ss.u`: the shortest possible prefix before the fraction's other digits.
    if line.len() < 16 || line[5] != b' ' {
        return None;
    }
    let month = time::digits(&line[1..], 2)?;
    let day = time::digits(&line[3..], 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second) = time::hms(&line[6..])?;
    let (nanos, flen) = time::fraction(&line[14..]);
    if flen == 0 {
        return None;
    }
    let mut i = 14 + flen;

    // Spaces, then the pid (right-aligned to 7 columns: 1-6 spaces, one before a 7-digit pid).
    let spaces = i;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    if i == spaces {
        return None;
    }
    let pid_start = i;
    let mut pid: u64 = 0;
    while let Some(&c) = line.get(i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        pid = pid * 10 + d as u64;
        i += 1;
        if i - pid_start > 10 {
            return None;
        }
    }
    if i == pid_start || line.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;

    // `file:line]`
    let caller_start = i;
    while let Some(&c) = line.get(i) {
        if c == b']' || c == b' ' {
            break;
        }
        i += 1;
    }
    if line.get(i) != Some(&b']') {
        return None;
    }
    let caller = &line[caller_start..i];
    let colon = caller.iter().rposition(|&c| c == b':')?;
    if colon == 0 || colon + 1 == caller.len() || !caller[colon + 1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    i += 1;
    let body = match line.get(i) {
        None => &line[i..],
        Some(b' ') => &line[i + 1..],
        Some(_) => &line[i..],
    };

    let (message, escape, fields) = match structured(body) {
        Some((msg, fields)) => (msg, Escape::Go, fields),
        None => (body, Escape::None, Fields::None),
    };
    Some(Record {
        time: RawTime::Wall(WallTime {
            year: 0,
            month: month as u8,
            day: day as u8,
            hour,
            minute,
            second,
            nanos,
        }),
        severity,
        pid: u32::try_from(pid).ok(),
        caller: Some(caller),
        message,
        escape,
        fields,
        layers: Layers::one(Format::Klog),
        ..Record::default()
    })
}

/// Splits a structured body `"msg" k=v…` into the inside of the quotes and the pairs; `None` for printf text.
fn structured(body: &[u8]) -> Option<(&[u8], Fields<'_>)> {
    if body.first() != Some(&b'"') {
        return None;
    }
    let Some(q) = kv::quote_end(body, 1) else {
        // The line ends inside the message quote (pager or journald cut).
        return Some((&body[1..], Fields::None));
    };
    let msg = &body[1..q];
    let rest = &body[q + 1..];
    match rest.first() {
        None => return Some((msg, Fields::None)),
        Some(b' ') => {}
        Some(_) => return None,
    }
    let rest = rest.trim_ascii();
    if rest.is_empty() {
        return Some((msg, Fields::None));
    }
    // The first token must be `key=`; otherwise a printf message merely starts with a quoted word.
    let key_len = rest
        .iter()
        .position(|&c| c == b'=' || c == b' ' || c == b'\t' || c == b'\n');
    match key_len {
        Some(k) if k > 0 && rest[k] == b'=' => Some((msg, Fields::KeyValue(rest))),
        _ => None,
    }
}

/// Parses a line of the klog log-file preamble (the only place klog writes a year):
/// `Log file created at: 2006/01/02 15:04:05` → [`Meta::KlogCreated`] (a [`RawTime::Wall`] with the year),
/// `Running on machine: host` → [`Meta::KlogMachine`], `Binary: Built with …` and `Log line format: …` →
/// [`Meta::KlogPreamble`].
pub fn parse_preamble(line: &[u8]) -> Option<Meta<'_>> {
    if let Some(rest) = line.strip_prefix(b"Log file created at: ") {
        let b = rest.trim_ascii();
        let (wall, used) = time::date_time(b, b'/', b" ")?;
        return (used == b.len()).then_some(Meta::KlogCreated(RawTime::Wall(wall)));
    }
    if let Some(rest) = line.strip_prefix(b"Running on machine:") {
        let host = rest.trim_ascii();
        return Some(if host.is_empty() {
            Meta::KlogPreamble
        } else {
            Meta::KlogMachine(host)
        });
    }
    if line.starts_with(b"Binary: Built with ") || line.starts_with(b"Log line format: ") {
        return Some(Meta::KlogPreamble);
    }
    None
}

/// Parses a Kubernetes `--logging-format=json` line:
/// `{"ts":1631610094233.7605,"caller":"app/server.go:276","msg":"…","err":"…",…}`.
///
/// - `time`: `ts` is epoch milliseconds as a float → [`RawTime::Instant`]; the decimal text is read exactly
///   (to the nanosecond), exponent forms go through `f64`;
/// - `severity`: Error when an `err` key is present, else Info when `v` is present, else Unknown;
/// - `message`: the inside of `msg` ([`Escape::Json`]) without a trailing escaped `\n` (klog printf calls);
/// - `fields`: [`Fields::Json`] of the whole line; `caller` when present.
///
/// `None` unless the line is one JSON object with a numeric `ts` and a string `msg` and no `level` key (so zap
/// JSON of etcd, whose `ts` is a string or comes with `level`, and logrus JSON are left to their grammars).
pub fn parse_json(line: &[u8]) -> Option<Record<'_>> {
    // Cheap filters before the JSON walk: zap (`{"level":…`) and logrus lines are most JSON lines.
    if line.starts_with(b"{\"level\"") {
        return None;
    }
    memmem::find(line, b"\"ts\"")?;
    memmem::find(line, b"\"msg\"")?;
    if has_key(line, b"\"level\"") {
        return None;
    }
    let mut ts = None;
    let mut msg = None;
    let mut caller = None;
    let (mut has_err, mut has_v, mut has_level) = (false, false, false);
    let ok = json::for_each_field(line, |k, v| match k {
        "ts" if ts.is_none() => ts = Some(v),
        "msg" if msg.is_none() => msg = Some(v),
        "caller" if caller.is_none() => caller = json::string_body(v),
        "err" => has_err = true,
        "v" => has_v = true,
        "level" => has_level = true,
        _ => {}
    });
    if !ok || has_level {
        return None;
    }
    let unix_nanos = epoch_millis_nanos(ts?.get().as_bytes())?;
    let mut message = json::string_body(msg?)?;
    if ends_with_escaped_newline(message) {
        message = &message[..message.len() - 2];
    }
    let severity = if has_err {
        Severity::Error
    } else if has_v {
        Severity::Info
    } else {
        Severity::Unknown
    };
    Some(Record {
        time: RawTime::Instant { unix_nanos },
        severity,
        caller,
        message,
        escape: Escape::Json,
        fields: Fields::Json(line),
        layers: Layers::one(Format::KubeJson),
        ..Record::default()
    })
}

/// Whether the quoted `key` (with its quotes) occurs followed by `:` (so as a key, not a value).
fn has_key(line: &[u8], key: &[u8]) -> bool {
    memmem::find_iter(line, key).any(|at| {
        line[at + key.len()..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .is_some_and(|&c| c == b':')
    })
}

/// Whether a JSON string body ends with the escape `\n` (an odd run of backslashes before the `n`).
fn ends_with_escaped_newline(b: &[u8]) -> bool {
    if !b.ends_with(b"\\n") {
        return false;
    }
    let backslashes = b[..b.len() - 1].iter().rev().take_while(|&&c| c == b'\\').count();
    backslashes % 2 == 1
}

/// Epoch milliseconds written as a JSON number (`1616398324656.7524`) to nanoseconds.
fn epoch_millis_nanos(raw: &[u8]) -> Option<i64> {
    let first = *raw.first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let mut i = 0;
    let mut millis: i64 = 0;
    while i < raw.len() && raw[i].is_ascii_digit() {
        millis = millis.checked_mul(10)?.checked_add((raw[i] - b'0') as i64)?;
        i += 1;
    }
    let mut frac_nanos: i64 = 0;
    if raw.get(i) == Some(&b'.') {
        i += 1;
        let mut scale = 100_000;
        while i < raw.len() && raw[i].is_ascii_digit() {
            frac_nanos += (raw[i] - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
    }
    if i == raw.len() {
        return millis.checked_mul(1_000_000)?.checked_add(frac_nanos);
    }
    // `1.6163983246567524e+12` and other forms: as well as f64 allows.
    let s = std::str::from_utf8(raw).ok()?;
    let ms: f64 = s.parse().ok()?;
    let ns = (ms * 1e6).round();
    (ns.is_finite() && ns >= 0.0 && ns < i64::MAX as f64).then_some(ns as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(month: u8, day: u8, hour: u8, minute: u8, second: u8, micros: u32) -> RawTime {
        RawTime::Wall(WallTime {
            year: 0,
            month,
            day,
            hour,
            minute,
            second,
            nanos: micros * 1000,
        })
    }

    /// `line` from the first occurrence of `from`.
    fn tail<'a>(line: &'a [u8], from: &[u8]) -> &'a [u8] {
        &line[memmem::find(line, from).unwrap()..]
    }

    /// Asserts every field a klog text record carries.
    #[allow(clippy::too_many_arguments)]
    fn check(
        line: &[u8],
        time: RawTime,
        severity: Severity,
        pid: u32,
        caller: &[u8],
        message: &[u8],
        escape: Escape,
        fields: Fields<'_>,
    ) {
        let r = parse(line).unwrap_or_else(|| panic!("not parsed: {}", String::from_utf8_lossy(line)));
        assert_eq!(r.time, time);
        assert_eq!(r.severity, severity);
        assert_eq!(r.pid, Some(pid));
        assert_eq!(r.caller, Some(caller));
        assert_eq!(r.message, message, "message: {:?}", String::from_utf8_lossy(r.message));
        assert_eq!(r.escape, escape);
        assert_eq!(r.fields, fields);
        assert_eq!(r.layers, Layers::one(Format::Klog));
        assert_eq!((r.host, r.ident, r.partial, r.boot), (None, None, false, None));
    }

    #[test]
    fn klog_printf_pid_spacing() {
        // formats.md 1.1, k8s#61117 (journald prefix stripped): 4-digit pid, 4 spaces.
        check(
            b"I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
            wall(3, 13, 16, 2, 43, 934_473),
            Severity::Info,
            1450,
            b"kubelet.go:1778",
            b"skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
            Escape::None,
            Fields::None,
        );
        // formats.md 1.1, k8s#103765: 7-digit pid, one space.
        check(
            b"E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
            wall(7, 19, 18, 13, 26, 969_181),
            Severity::Error,
            2_129_392,
            b"kubelet.go:1852",
            b"skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
            Escape::None,
            Fields::None,
        );
        // formats.md 1.1, k8s#94362: pid 1, 7 spaces.
        check(
            b"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s",
            wall(8, 31, 4, 59, 38, 943_580),
            Severity::Info,
            1,
            b"request.go:621",
            b"Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s",
            Escape::None,
            Fields::None,
        );
        // formats.md 1.4, Chinese-locale journald body: 5-digit pid, one space (glog did not pad).
        check(
            b"W1016 09:50:55.056703 17144 eviction_manager.go:331] eviction manager: attempting to reclaim nodefs",
            wall(10, 16, 9, 50, 55, 56_703),
            Severity::Warning,
            17144,
            b"eviction_manager.go:331",
            b"eviction manager: attempting to reclaim nodefs",
            Escape::None,
            Fields::None,
        );
        // formats.md 4.7, k8s#23007 (kubectl 1.2): W level, 5 digits, 3 spaces.
        check(
            b"W0315 13:43:08.562657   29271 request.go:627] Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname",
            wall(3, 15, 13, 43, 8, 562_657),
            Severity::Warning,
            29271,
            b"request.go:627",
            b"Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname",
            Escape::None,
            Fields::None,
        );
    }

    #[test]
    fn klog_printf_special_bodies() {
        // formats.md 1.7, cri-o#5903: the body of a CRI line.
        check(
            b"I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259",
            wall(5, 21, 22, 0, 46, 835_880),
            Severity::Info,
            1,
            b"secure_serving.go:200",
            b"Serving securely on 127.0.0.1:10259",
            Escape::None,
            Fields::None,
        );
        // formats.md 5.2: a Trace header is printf text even though it holds a quoted name.
        check(
            b"I0226 03:07:23.345836       1 trace.go:205] Trace[478039569]: \"GuaranteedUpdate etcd3\" type:*v1.Endpoints (26-Feb-2021 03:07:22.593) (total time: 752ms):",
            wall(2, 26, 3, 7, 23, 345_836),
            Severity::Info,
            1,
            b"trace.go:205",
            b"Trace[478039569]: \"GuaranteedUpdate etcd3\" type:*v1.Endpoints (26-Feb-2021 03:07:22.593) (total time: 752ms):",
            Escape::None,
            Fields::None,
        );
        // formats.md 1.1, k8s#21248: first line of a multi-line printf record.
        check(
            b"E0610 02:55:28.185750   64201 aws_credentials.go:77] while getting AWS credentials NoCredentialProviders: no valid providers in chain. Deprecated.",
            wall(6, 10, 2, 55, 28, 185_750),
            Severity::Error,
            64201,
            b"aws_credentials.go:77",
            b"while getting AWS credentials NoCredentialProviders: no valid providers in chain. Deprecated.",
            Escape::None,
            Fields::None,
        );
        // formats.md 4.5, k8s#54760: an old printf message holding quoted words (not structured: no quote first).
        let line = br#"E1029 13:16:48.471488    4919 pod_workers.go:182] Error syncing pod cc89ef7c-bc47-11e7-85ce-901b0edee6b6 ("alpine-368057524-bgt0m_default(cc89ef7c-bc47-11e7-85ce-901b0edee6b6)"), skipping: failed to "StartContainer" for "alpine" with CrashLoopBackOff: "Back-off 5m0s restarting failed container=alpine pod=alpine-368057524-bgt0m_default(cc89ef7c-bc47-11e7-85ce-901b0edee6b6)""#;
        let r = parse(line).unwrap();
        assert_eq!(r.escape, Escape::None);
        assert_eq!(r.fields, Fields::None);
        assert_eq!(r.message, tail(line, b"Error syncing"));
        assert!(r.message.starts_with(b"Error syncing pod cc89"));
    }

    #[test]
    fn klog_structured() {
        // formats.md 1.2, k3s journal body.
        check(
            br#"I0617 16:18:42.080925 3814777 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage""#,
            wall(6, 17, 16, 18, 42, 80_925),
            Severity::Info,
            3_814_777,
            b"eviction_manager.go:381",
            b"Eviction manager: attempting to reclaim",
            Escape::Go,
            Fields::KeyValue(br#"resourceName="ephemeral-storage""#),
        );
        // formats.md 1.2: %+v struct value with spaces (klog < 2.100).
        check(
            br#"I0907 21:49:17.171114    2199 setters.go:548] "Node became not ready" node="minikube" condition={Type:Ready Status:False LastHeartbeatTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 LastTransitionTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}"#,
            wall(9, 7, 21, 49, 17, 171_114),
            Severity::Info,
            2199,
            b"setters.go:548",
            b"Node became not ready",
            Escape::Go,
            Fields::KeyValue(br#"node="minikube" condition={Type:Ready Status:False LastHeartbeatTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 LastTransitionTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}"#),
        );
        // formats.md 1.2: JSON struct value (klog >= 2.100).
        check(
            br#"I0112 10:56:20.222397 3112080 setters.go:552] "Node became not ready" node="green-master-3" condition={"type":"Ready","status":"False","lastHeartbeatTime":"2026-01-12T02:56:20Z","lastTransitionTime":"2026-01-12T02:56:20Z","reason":"KubeletNotReady","message":"node is shutting down"}"#,
            wall(1, 12, 10, 56, 20, 222_397),
            Severity::Info,
            3_112_080,
            b"setters.go:552",
            b"Node became not ready",
            Escape::Go,
            Fields::KeyValue(br#"node="green-master-3" condition={"type":"Ready","status":"False","lastHeartbeatTime":"2026-01-12T02:56:20Z","lastTransitionTime":"2026-01-12T02:56:20Z","reason":"KubeletNotReady","message":"node is shutting down"}"#),
        );
        // formats.md 1.2, openshift/origin fixture: bare podUID, escaped quotes in output.
        let fields = br#"probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure output="Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)""#;
        let mut line = br#"I0606 17:47:52.807876    1599 prober.go:121] "Probe failed" "#.to_vec();
        line.extend_from_slice(fields);
        check(
            &line,
            wall(6, 6, 17, 47, 52, 807_876),
            Severity::Info,
            1599,
            b"prober.go:121",
            b"Probe failed",
            Escape::Go,
            Fields::KeyValue(fields),
        );
        // formats.md 4.1, k8s#132001: a JSON list value.
        check(
            br#"I0528 16:05:50.514706 2269385 eviction_manager.go:405] "Eviction manager: pods ranked for eviction" pods=["sre/infras-logstash-d484d57fc-rkx95","sre/admin-api-server-847868d7b-7sqdm","scrm/portal-h5-7c46694b8f-bkz95"]"#,
            wall(5, 28, 16, 5, 50, 514_706),
            Severity::Info,
            2_269_385,
            b"eviction_manager.go:405",
            b"Eviction manager: pods ranked for eviction",
            Escape::Go,
            Fields::KeyValue(br#"pods=["sre/infras-logstash-d484d57fc-rkx95","sre/admin-api-server-847868d7b-7sqdm","scrm/portal-h5-7c46694b8f-bkz95"]"#),
        );
        // formats.md 5.3: `audit-ID=""`, µs in a value.
        check(
            r#"I1103 01:19:41.748881       1 httplog.go:129] "HTTP" verb="GET" URI="/healthz" latency="50.89µs" userAgent="kube-probe/1.27" audit-ID="" srcIP="10.8.2.1:57816" resp=200"#.as_bytes(),
            wall(11, 3, 1, 19, 41, 748_881),
            Severity::Info,
            1,
            b"httplog.go:129",
            b"HTTP",
            Escape::Go,
            Fields::KeyValue(
                r#"verb="GET" URI="/healthz" latency="50.89µs" userAgent="kube-probe/1.27" audit-ID="" srcIP="10.8.2.1:57816" resp=200"#.as_bytes(),
            ),
        );
    }

    #[test]
    fn klog_structured_errors_and_cut_lines() {
        // formats.md 5.1 / gotcha 19: 1.31+ `Unhandled Error` shape.
        let line = br#"E0707 00:23:50.932402       1 dispatcher.go:214] "Unhandled Error" err="failed calling webhook \"linkerd-proxy-injector.linkerd.io\": failed to call webhook: Post \"https://linkerd-proxy-injector.linkerd.svc:443/?timeout=10s\": service \"linkerd-proxy-injector\" not found" logger="UnhandledError""#;
        check(
            line,
            wall(7, 7, 0, 23, 50, 932_402),
            Severity::Error,
            1,
            b"dispatcher.go:214",
            b"Unhandled Error",
            Escape::Go,
            Fields::KeyValue(tail(line, b"err=\"failed calling")),
        );
        let Fields::KeyValue(f) = parse(line).unwrap().fields else {
            panic!()
        };
        assert!(f.starts_with(b"err=\"failed calling webhook"));
        assert_eq!(kv::get(f, b"logger").unwrap().raw, b"UnhandledError");
        let err = kv::get(f, b"err").unwrap();
        let mut out = Vec::new();
        crate::escape::unescape(err.escape(), err.raw, &mut out);
        assert_eq!(
            out,
            b"failed calling webhook \"linkerd-proxy-injector.linkerd.io\": failed to call webhook: Post \"https://linkerd-proxy-injector.linkerd.svc:443/?timeout=10s\": service \"linkerd-proxy-injector\" not found"
        );
        // formats.md 4.5, k8s#123602: ErrorS with nested `\"`.
        let line = br#"E0301 01:06:01.286649    1869 pod_workers.go:1294] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"alpine\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container=alpine pod=restarting-pod_default(ca0d5836-1435-497e-9a41-547fbcc10484)\"" pod="default/restarting-pod" podUID=ca0d5836-1435-497e-9a41-547fbcc10484"#;
        check(
            line,
            wall(3, 1, 1, 6, 1, 286_649),
            Severity::Error,
            1869,
            b"pod_workers.go:1294",
            b"Error syncing pod, skipping",
            Escape::Go,
            Fields::KeyValue(tail(line, b"err=\"failed to")),
        );
        // formats.md 2.2, containerd#12438: line cut by the pager inside the err value.
        let line = br#"E1029 09:58:07.693205    5738 remote_runtime.go:193] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = failed to reserve sandbox name \"metricbeat-collector-2qr2j_monitoring-tenant_5dfb5e21-176d-4a54-8248-7fad9fc7d81e_0\": >"#;
        check(
            line,
            wall(10, 29, 9, 58, 7, 693_205),
            Severity::Error,
            5738,
            b"remote_runtime.go:193",
            b"RunPodSandbox from runtime service failed",
            Escape::Go,
            Fields::KeyValue(tail(line, b"err=\"rpc")),
        );
        let Fields::KeyValue(f) = parse(line).unwrap().fields else {
            panic!()
        };
        assert!(kv::get(f, b"err").unwrap().raw.ends_with(br#"_0\": >"#));
        // formats.md 1.6 (eks-workshop-v2#447), body of a syslog line without pid.
        check(
            br#"E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
            wall(4, 13, 10, 53, 52, 844_381),
            Severity::Error,
            3263,
            b"kubelet.go:2055",
            b"Skipping pod synchronization",
            Escape::Go,
            Fields::KeyValue(
                br#"err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
            ),
        );
        // The same header cut inside the message quote: the rest of the line, still Go-escaped.
        check(
            br#"E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchron"#,
            wall(4, 13, 10, 53, 52, 844_381),
            Severity::Error,
            3263,
            b"kubelet.go:2055",
            b"Skipping pod synchron",
            Escape::Go,
            Fields::None,
        );
    }

    #[test]
    fn klog_block_value_multiline_buffer() {
        // kubernetes/klog klog_test.go fixture (klog >= 2.40 `key=<` block), given as one buffer.
        let line = b"I0102 15:04:05.067890    1234 klog_test.go:1] \"first message line\\nsecond message line\" multiLine=<\n\tfirst value line\n\tsecond value line\n >\n";
        check(
            line,
            wall(1, 2, 15, 4, 5, 67_890),
            Severity::Info,
            1234,
            b"klog_test.go:1",
            br"first message line\nsecond message line",
            Escape::Go,
            Fields::KeyValue(b"multiLine=<\n\tfirst value line\n\tsecond value line\n >"),
        );
        let Fields::KeyValue(f) = parse(line).unwrap().fields else {
            panic!()
        };
        assert_eq!(
            kv::get(f, b"multiLine"),
            Some(kv::Value {
                raw: b"\tfirst value line\n\tsecond value line",
                kind: kv::ValueKind::Block
            })
        );
        // Only the first physical line: the block opens and the fields end there.
        check(
            b"I0102 15:04:05.067890    1234 klog_test.go:1] \"first message line\\nsecond message line\" multiLine=<",
            wall(1, 2, 15, 4, 5, 67_890),
            Severity::Info,
            1234,
            b"klog_test.go:1",
            br"first message line\nsecond message line",
            Escape::Go,
            Fields::KeyValue(b"multiLine=<"),
        );
    }

    #[test]
    fn klog_header_variants() {
        // Empty body (formats.md 1.1 k8s#94362 header, body cut): still a record.
        for line in [
            &b"I0831 04:59:38.943580       1 request.go:621]"[..],
            b"I0831 04:59:38.943580       1 request.go:621] ",
        ] {
            let r = parse(line).unwrap();
            assert_eq!(r.message, b"");
            assert_eq!((r.escape, r.fields), (Escape::None, Fields::None));
            assert_eq!(r.caller, Some(&b"request.go:621"[..]));
        }
        // -add_dir_header: a directory in the caller (formats.md 1.9 `rest/request.go:597`).
        let r = parse(b"I0304 09:36:43.289341    7044 rest/request.go:665] Waited for 1.157933116s due to client-side throttling, not priority and fairness, request: GET:https://192.168.111.249:6443/apis/authorization.k8s.io/v1?timeout=32s").unwrap();
        assert_eq!(r.caller, Some(&b"rest/request.go:665"[..]));
        assert_eq!(r.pid, Some(7044));
        // Fatal.
        let r = parse(b"F0831 04:59:38.943580       1 server.go:12] boom").unwrap();
        assert_eq!(r.severity, Severity::Critical);
        // A structured-looking body whose quote is followed by text is printf.
        let r = parse(br#"I0831 04:59:38.943580       1 a.go:1] "GET /healthz" took 3s"#).unwrap();
        assert_eq!((r.message, r.escape), (&br#""GET /healthz" took 3s"#[..], Escape::None));
        let r = parse(br#"I0831 04:59:38.943580       1 a.go:1] "quoted"word"#).unwrap();
        assert_eq!(r.escape, Escape::None);
        // Quoted message followed by blanks only.
        let r = parse(br#"I0831 04:59:38.943580       1 a.go:1] "done"  "#).unwrap();
        assert_eq!(
            (r.message, r.escape, r.fields),
            (&b"done"[..], Escape::Go, Fields::None)
        );
    }

    #[test]
    fn klog_rejects_non_headers() {
        let ok = b"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s";
        assert!(parse(ok).is_some());
        for bad in [
            &b"I1331 04:59:38.943580       1 request.go:621] x"[..], // month 13
            b"I0800 04:59:38.943580       1 request.go:621] x",      // day 0
            b"I0832 04:59:38.943580       1 request.go:621] x",      // day 32
            b"I0831 24:59:38.943580       1 request.go:621] x",      // hour 24
            b"I0831 04:60:38.943580       1 request.go:621] x",      // minute 60
            b"I0831 04:59:38       1 request.go:621] x",             // no fraction
            b"I0831 04:59:38.943580 request.go:621] x",              // no pid
            b"I0831 04:59:38.9435801 request.go:621] x",             // no space before pid
            b"I0831 04:59:38.943580       1 request.go] x",          // no line number
            b"I0831 04:59:38.943580       1 request.go:62a] x",      // bad line number
            b"I0831 04:59:38.943580       1 request.go:621 x",       // no `]`
            b"I0831 04:59:38.943580       1 :621] x",                // no file
            b"I0831 04:59:38.943580 12345678901 request.go:621] x",  // absurd pid
            b"X0831 04:59:38.943580       1 request.go:621] x",      // level letter
            b"I0831",
            b"",
            b"Info: something",
            // A journald line is not klog until its prefix is stripped.
            b"Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] x",
        ] {
            assert_eq!(parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn klog_preamble() {
        // formats.md 1.1 preamble (klog.go).
        assert_eq!(
            parse_preamble(b"Log file created at: 2006/01/02 15:04:05"),
            Some(Meta::KlogCreated(RawTime::Wall(WallTime {
                year: 2006,
                month: 1,
                day: 2,
                hour: 15,
                minute: 4,
                second: 5,
                nanos: 0
            })))
        );
        assert_eq!(
            parse_preamble(b"Running on machine: <host>"),
            Some(Meta::KlogMachine(b"<host>"))
        );
        assert_eq!(
            parse_preamble(b"Running on machine: ip-10-50-20-208.ec2.internal\r"),
            Some(Meta::KlogMachine(b"ip-10-50-20-208.ec2.internal"))
        );
        assert_eq!(parse_preamble(b"Running on machine: "), Some(Meta::KlogPreamble));
        assert_eq!(
            parse_preamble(b"Binary: Built with gc go1.x for linux/amd64"),
            Some(Meta::KlogPreamble)
        );
        assert_eq!(
            parse_preamble(b"Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg"),
            Some(Meta::KlogPreamble)
        );
        assert_eq!(parse_preamble(b"Log file created at: 2006/13/02 15:04:05"), None);
        assert_eq!(parse_preamble(b"Log file created at: 2006-01-02 15:04:05"), None);
        assert_eq!(parse_preamble(b"Log file created at: /var/log/app.log"), None);
        assert_eq!(parse_preamble(b"Binary: foo"), None);
        assert_eq!(parse_preamble(b"I0831 04:59:38.943580       1 request.go:621] x"), None);
    }

    #[test]
    fn klog_json_lines() {
        // formats.md 1.3, k8s PR#100409 (1.21, no caller, `v` → Info, trailing \n dropped).
        let line = br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft=\"\"\n","v":1}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_616_398_324_656_752_400
            }
        );
        assert_eq!(r.severity, Severity::Info);
        assert_eq!((r.pid, r.caller), (None, None));
        assert_eq!(r.message, br#"FLAG: --eviction-soft=\"\""#);
        assert_eq!(r.escape, Escape::Json);
        assert_eq!(r.fields, Fields::Json(line));
        assert_eq!(r.layers, Layers::one(Format::KubeJson));

        // formats.md 1.3, k8s PR#104997 (1.23): caller, `err` → Error.
        let line = br#"{"ts":1631610094233.7605,"caller":"app/server.go:276","msg":"Failed to construct kubelet dependencies","err":"error reading /var/lib/kubelet/pki/kubelet.key, certificate and key must be supplied as a pair"}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_631_610_094_233_760_500
            }
        );
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(r.caller, Some(&b"app/server.go:276"[..]));
        assert_eq!(r.message, b"Failed to construct kubelet dependencies");
        assert_eq!((r.escape, r.fields), (Escape::Json, Fields::Json(line)));

        // formats.md 1.3, component-base fixture: neither `err` nor `v` → Unknown.
        let line = br#"{"ts":1648546681782.9763,"caller":"cmd/logger.go:79","msg":"Log using Errorf, err: fail\n"}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_648_546_681_782_976_300
            }
        );
        assert_eq!(r.severity, Severity::Unknown);
        assert_eq!(r.caller, Some(&b"cmd/logger.go:79"[..]));
        assert_eq!(r.message, b"Log using Errorf, err: fail");

        // Same fixture with duplicate keys (gotcha: must not fail the line).
        let line = br#"{"ts":1648546681782.9763,"caller":"cmd/logger.go:79","msg":"Log using Errorf, err: fail\n","duration":"1h0m0s","duration":"1m0s"}"#;
        assert_eq!(parse_json(line).unwrap().message, b"Log using Errorf, err: fail");
    }

    #[test]
    fn klog_json_message_edges() {
        // An escaped backslash followed by a literal `n` is not a newline.
        let r = parse_json(br#"{"ts":1616398324656.7524,"msg":"C:\\n","v":1}"#).unwrap();
        assert_eq!(r.message, br"C:\\n");
        let r = parse_json(br#"{"ts":1616398324656.7524,"msg":"a\\\n","v":1}"#).unwrap();
        assert_eq!(r.message, br"a\\");
        // Integer ts and exponent form.
        let r = parse_json(br#"{"ts":1616398324656,"msg":"x"}"#).unwrap();
        assert_eq!(
            r.time,
            RawTime::Instant {
                unix_nanos: 1_616_398_324_656_000_000
            }
        );
        let r = parse_json(br#"{"ts":1.6163983246567524e12,"msg":"x"}"#).unwrap();
        let RawTime::Instant { unix_nanos } = r.time else {
            panic!()
        };
        assert!((unix_nanos - 1_616_398_324_656_752_400).abs() < 1_000);
    }

    #[test]
    fn klog_json_rejects_other_json() {
        for bad in [
            // zap / etcd (formats.md 3.2, 5.4): `level` key and string `ts`.
            &br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#[..],
            br#"{"level":"warn","ts":"2023-08-23T05:25:30.459Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc0039dbc00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}"#,
            // zap in embedders: epoch-seconds float ts, but a `level` key.
            br#"{"level":"warn","ts":1568166948.8119395,"caller":"etcdserver/util.go:144","msg":"apply request took too long"}"#,
            // A string ts without level.
            br#"{"ts":"2020-06-30T01:17:40.457Z","msg":"x"}"#,
            // docker json-file (formats.md 1.8): no ts/msg.
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#,
            // Missing msg, msg not a string, truncated line, not JSON.
            br#"{"ts":1616398324656.7524,"v":1}"#,
            br#"{"ts":1616398324656.7524,"msg":3}"#,
            br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft"#,
            b"I0831 04:59:38.943580       1 request.go:621] ts msg",
        ] {
            assert_eq!(parse_json(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        // `"level"` as a value is not a level key.
        let r = parse_json(br#"{"ts":1616398324656.7524,"msg":"x","kind":"level","v":0}"#).unwrap();
        assert_eq!(r.severity, Severity::Info);
    }
}
