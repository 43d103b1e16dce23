//! logrus, as dockerd, containerd, cilium, flannel and calico write it (formats.md 2.1, 2.2).
//!
//! Text: `time="2016-02-08T11:27:07.214570725+02:00" level=info msg="GET /v1.21/containers/json" k=v…`, where
//! `time=` may be missing, ancient docker quotes the level (`level="info"`) and drops the fraction, and a
//! message holding a raw newline leaves the physical line ending inside the quote. JSON:
//! `{"level":"info","msg":"…","time":"…"}` with keys in any order.

use crate::json;
use crate::kv::{self, ValueKind};
use crate::record::{Escape, Fields, Format, Layers, Record, Severity};
use crate::time::{self, RawTime};
use memchr::memmem;

/// Parses a logrus text line.
///
/// The line must start with `time=` or `level=` and hold both a `level` and a `msg` pair.
/// - `time`: `time="…"` through [`time::rfc3339`] (an offset gives [`RawTime::Instant`]); [`RawTime::None`]
///   without it (the envelope's time applies);
/// - `severity`: [`Severity::from_word`] of the level, quoted or not;
/// - `message`: the inside of the `msg` quotes ([`Escape::Go`]); when the quote is not closed (raw newline in
///   the message, pager cut) the rest of the line; a bare `msg=word` is taken as written ([`Escape::None`]);
/// - `fields`: [`Fields::KeyValue`] of the pairs after the `msg` value (logrus writes its fields there, sorted),
///   [`Fields::None`] when there are none.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !(line.starts_with(b"time=") || line.starts_with(b"level=")) {
        return None;
    }
    let mut it = kv::pairs(line);
    let mut t = RawTime::None;
    let mut severity = None;
    let msg = loop {
        let (k, v) = it.next()?;
        match k {
            b"time" if t == RawTime::None => {
                if let Some((parsed, _)) = time::rfc3339(v.raw) {
                    t = parsed;
                }
            }
            b"level" if severity.is_none() => severity = Some(Severity::from_word(v.raw)),
            b"msg" => break v,
            _ => {}
        }
    };
    let rest = it.rest();
    let severity = match severity {
        Some(s) => s,
        None => Severity::from_word(kv::get(rest, b"level")?.raw),
    };
    let escape = match msg.kind {
        ValueKind::Quoted => Escape::Go,
        _ => Escape::None,
    };
    let rest = rest.trim_ascii();
    Some(Record {
        time: t,
        severity,
        message: msg.raw,
        escape,
        fields: if rest.is_empty() {
            Fields::None
        } else {
            Fields::KeyValue(rest)
        },
        layers: Layers::one(Format::Logrus),
        ..Record::default()
    })
}

/// Parses a logrus line written for a terminal with an absolute time, as containerd, CRI-O and k3s print it in
/// the foreground: `ERRO[2023-06-02T18:33:07.946865000+08:00] ContainerStatus for "nginx" failed   error="…"`.
///
/// - the first four bytes are logrus' level text (`TRAC DEBU INFO WARN ERRO FATA PANI`) and `[` follows;
/// - `time`: the bracketed time through [`time::rfc3339`] (a `T` or a space between date and time); the
///   relative form `INFO[0042]` (seconds since the process started) has no instant and gives `None`;
/// - `message`: after `] `, up to the first run of two spaces that precedes a `key=` (logrus pads the message
///   to 44 columns and writes ` key=value` after one more space), trailing spaces cut ([`Escape::None`]);
/// - `fields`: [`Fields::KeyValue`] of the rest, [`Fields::None`] when there is none.
pub fn parse_tty(line: &[u8]) -> Option<Record<'_>> {
    if line.get(4) != Some(&b'[') {
        return None;
    }
    let severity = match &line[..4] {
        b"TRAC" => Severity::Trace,
        b"DEBU" => Severity::Debug,
        b"INFO" => Severity::Info,
        b"WARN" => Severity::Warning,
        b"ERRO" => Severity::Error,
        b"FATA" | b"PANI" => Severity::Critical,
        _ => return None,
    };
    let (t, used) = time::rfc3339(&line[5..])?;
    let body = line[5 + used..].strip_prefix(b"] ")?;
    let mut split = body.len();
    let mut from = 0;
    while let Some(k) = memmem::find(&body[from..], b"  ") {
        let at = from + k;
        let after = body[at..].trim_ascii_start();
        let key_len = after
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
            .count();
        if key_len > 0 && after.get(key_len) == Some(&b'=') {
            split = at;
            break;
        }
        from = at + 2;
    }
    let fields = body[split..].trim_ascii();
    Some(Record {
        time: t,
        severity,
        message: body[..split].trim_ascii_end(),
        escape: Escape::None,
        fields: if fields.is_empty() {
            Fields::None
        } else {
            Fields::KeyValue(fields)
        },
        layers: Layers::one(Format::Logrus),
        ..Record::default()
    })
}

/// Parses a logrus JSON line `{"level":"info","msg":"…","time":"2021-…Z",…}` (keys in any order).
///
/// Requires string `level` and `msg` values and a `time` key; a line with a `ts` key is zap, not logrus, and
/// gives `None`. `time` through [`time::rfc3339`]; `message` is the inside of `msg` ([`Escape::Json`]);
/// `caller` is the `file` key that `ReportCaller` adds; `fields` is [`Fields::Json`] of the whole line.
pub fn parse_json(line: &[u8]) -> Option<Record<'_>> {
    memmem::find(line, b"\"level\"")?;
    memmem::find(line, b"\"msg\"")?;
    memmem::find(line, b"\"time\"")?;
    let (mut level, mut msg, mut tm, mut file) = (None, None, None, None);
    let mut has_ts = false;
    let ok = json::for_each_field(line, |k, v| match k {
        "level" if level.is_none() => level = Some(v),
        "msg" if msg.is_none() => msg = Some(v),
        "time" if tm.is_none() => tm = Some(v),
        "file" if file.is_none() => file = json::string_body(v),
        "ts" => has_ts = true,
        _ => {}
    });
    if !ok || has_ts {
        return None;
    }
    let severity = Severity::from_word(json::string_body(level?)?);
    let message = json::string_body(msg?)?;
    let t = json::string_body(tm?)
        .and_then(time::rfc3339)
        .map_or(RawTime::None, |(t, _)| t);
    Some(Record {
        time: t,
        severity,
        caller: file,
        message,
        escape: Escape::Json,
        fields: Fields::Json(line),
        layers: Layers::one(Format::LogrusJson),
        ..Record::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix_nanos: i64) -> RawTime {
        RawTime::Instant { unix_nanos }
    }

    /// Asserts every field a logrus text record carries.
    fn check(line: &[u8], t: RawTime, severity: Severity, message: &[u8], escape: Escape, fields: Fields<'_>) {
        let r = parse(line).unwrap_or_else(|| panic!("not parsed: {}", String::from_utf8_lossy(line)));
        assert_eq!(r.time, t);
        assert_eq!(r.severity, severity);
        assert_eq!(r.message, message, "message: {:?}", String::from_utf8_lossy(r.message));
        assert_eq!(r.escape, escape);
        assert_eq!(r.fields, fields);
        assert_eq!(r.layers, Layers::one(Format::Logrus));
        assert_eq!((r.pid, r.caller, r.host, r.ident), (None, None, None, None));
    }

    #[test]
    fn logrus_docker_lines() {
        // formats.md 2.1, moby#19728 (docker 1.9, local offset), journald prefix stripped.
        check(
            br#"time="2016-02-08T11:27:07.214570725+02:00" level=info msg="GET /v1.21/containers/json""#,
            at(1_454_923_627_214_570_725),
            Severity::Info,
            b"GET /v1.21/containers/json",
            Escape::Go,
            Fields::None,
        );
        // formats.md 2.1, moby#36464: bare field values after msg.
        check(
            br#"time="2018-03-06T09:53:14.873358358Z" level=debug msg="bundle dir created" bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged"#,
            at(1_520_329_994_873_358_358),
            Severity::Debug,
            b"bundle dir created",
            Escape::Go,
            Fields::KeyValue(b"bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged"),
        );
        // formats.md 2.1, k8s#27169: err and statusCode.
        check(
            br#"time="2016-07-19T00:34:09.957765676Z" level=error msg="HTTP Error" err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#,
            at(1_468_888_449_957_765_676),
            Severity::Error,
            b"HTTP Error",
            Escape::Go,
            Fields::KeyValue(br#"err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#),
        );
        // formats.md 1.6, openebs#50 (syslog body).
        check(
            br#"time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#,
            at(1_488_462_787_459_389_773),
            Severity::Error,
            b"Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b",
            Escape::Go,
            Fields::None,
        );
    }

    #[test]
    fn logrus_old_docker_quoted_level() {
        // formats.md 2.1, coreos/bugs#1341: `level="info"`, no fraction.
        check(
            br#"time="2015-04-14T20:38:09Z" level="info" msg="+job log(exec_start: bash , 2d8c91800890f5c11c2bc794e8d455449aeff8ef80fcb0efabd43ec35d720719, 192.168.254.96:5000/basehhvm:latest)""#,
            at(1_429_043_889_000_000_000),
            Severity::Info,
            b"+job log(exec_start: bash , 2d8c91800890f5c11c2bc794e8d455449aeff8ef80fcb0efabd43ec35d720719, 192.168.254.96:5000/basehhvm:latest)",
            Escape::Go,
            Fields::None,
        );
        // Same shape at error level with a trailing field.
        check(
            br#"time="2015-04-14T20:38:09Z" level="error" msg="HTTP Error" statusCode=409"#,
            at(1_429_043_889_000_000_000),
            Severity::Error,
            b"HTTP Error",
            Escape::Go,
            Fields::KeyValue(b"statusCode=409"),
        );
    }

    #[test]
    fn logrus_cut_lines_and_no_time() {
        // formats.md 2.1, mailcow-dockerized#3028: the line ends inside the msg quote (raw newline).
        check(
            br#"time="2019-10-11T07:40:41.836770354Z" level=error msg="Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided "#,
            at(1_570_779_641_836_770_354),
            Severity::Error,
            b"Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided ",
            Escape::Go,
            Fields::None,
        );
        // formats.md 1.4, kata-containers#2754: pager truncation `>` inside the quote.
        check(
            br#"time="2021-09-28T14:33:11.627332586Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>"#,
            at(1_632_839_591_627_332_586),
            Severity::Error,
            b"RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>",
            Escape::Go,
            Fields::None,
        );
        // formats.md 2.1: no `time=`, line cut inside a field value.
        check(
            br#"level=error msg="error reading the kernel parameter net.ipv4.vs.expire_nodest_conn" error="open /proc/sys/net/ipv4/vs/expire_no"#,
            RawTime::None,
            Severity::Error,
            b"error reading the kernel parameter net.ipv4.vs.expire_nodest_conn",
            Escape::Go,
            Fields::KeyValue(br#"error="open /proc/sys/net/ipv4/vs/expire_no"#),
        );
        // formats.md 1.9, cilium#30054: klog routed through logrus, no time.
        check(
            r#"level=info msg="Waited for …" subsys=klog"#.as_bytes(),
            RawTime::None,
            Severity::Info,
            "Waited for …".as_bytes(),
            Escape::Go,
            Fields::KeyValue(b"subsys=klog"),
        );
    }

    #[test]
    fn logrus_containerd_lines() {
        // formats.md 2.2, ovn-kubernetes PR#1306 (containerd 1.3/1.4): escaped quotes inside msg.
        check(
            br#"time="2020-05-06T15:55:51.343817675Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id \"c5ce1301effe135a0656ded695b71bf2777eebb6fe19590dadb051bd8b31e754\"""#,
            at(1_588_780_551_343_817_675),
            Severity::Info,
            br#"RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id \"c5ce1301effe135a0656ded695b71bf2777eebb6fe19590dadb051bd8b31e754\""#,
            Escape::Go,
            Fields::None,
        );
        // formats.md 2.2, containerd#13700 (2.x, +08:00, protobuf text with double spaces).
        check(
            br#"time="2026-07-01T12:09:51.246681524+08:00" level=info msg="RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1""#,
            at(1_782_878_991_246_681_524),
            Severity::Info,
            br#"RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1"#,
            Escape::Go,
            Fields::None,
        );
        // formats.md 2.2, containerd#8180 (line cut by the paster after `type=c`).
        check(
            br#"time="2023-02-26T12:05:17.396182820Z" level=debug msg="event forwarded" ns=k8s.io topic=/tasks/oom type=c"#,
            at(1_677_413_117_396_182_820),
            Severity::Debug,
            b"event forwarded",
            Escape::Go,
            Fields::KeyValue(b"ns=k8s.io topic=/tasks/oom type=c"),
        );
    }

    #[test]
    fn logrus_unusual_orders_and_rejects() {
        // Bare msg word, fields before msg (ignored), level after msg.
        let r = parse(b"time=\"2015-04-14T20:38:09Z\" msg=started level=warning").unwrap();
        assert_eq!(
            (r.message, r.escape, r.severity),
            (&b"started"[..], Escape::None, Severity::Warning)
        );
        assert_eq!(r.fields, Fields::KeyValue(b"level=warning"));
        let r = parse(br#"level=info module=grpc msg="serving...""#).unwrap();
        assert_eq!((r.message, r.fields), (&b"serving..."[..], Fields::None));
        // Unknown level word: still logrus.
        let r = parse(br#"level=verbose msg="x""#).unwrap();
        assert_eq!(r.severity, Severity::Unknown);
        // Unparsable time: kept as no time.
        assert_eq!(
            parse(br#"time="yesterday" level=info msg="x""#).unwrap().time,
            RawTime::None
        );

        for bad in [
            &br#"time="2016-02-08T11:27:07.214570725+02:00" level=info"#[..], // no msg
            br#"time="2016-02-08T11:27:07.214570725+02:00" msg="GET /v1.21/containers/json""#, // no level
            br#"level=info"#,
            b"the quick brown fox",
            b"time flies like an arrow level=1 msg=2",
            b"levels are fine msg=x",
            br#" time="2016-02-08T11:27:07Z" level=info msg="x""#,
            b"I0831 04:59:38.943580       1 request.go:621] level=info msg=x",
            b"",
        ] {
            assert_eq!(parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn logrus_json_lines() {
        // kubernetes/test-infra peribolos README (logrus JSONFormatter: keys sorted, local offset).
        let line = br#"{"client":"github","component":"peribolos","level":"info","msg":"Throttle(300, 100)","time":"2018-08-10T17:42:15-07:00"}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(r.time, at(1_533_948_135_000_000_000));
        assert_eq!(r.severity, Severity::Info);
        assert_eq!(r.message, b"Throttle(300, 100)");
        assert_eq!((r.escape, r.fields), (Escape::Json, Fields::Json(line)));
        assert_eq!(r.layers, Layers::one(Format::LogrusJson));
        assert_eq!((r.pid, r.caller), (None, None));
        let line = br#"{"client":"github","component":"peribolos","level":"info","msg":"GetOrg(kubernetes-incubator)","time":"2018-08-10T17:42:15-07:00"}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(r.message, b"GetOrg(kubernetes-incubator)");
        assert_eq!(r.time, at(1_533_948_135_000_000_000));

        // Key order as docker (moby PR#45737) and ReportCaller `file`, escapes kept.
        let line = br#"{"file":"daemon/daemon.go:1224","level":"error","msg":"failed to \"start\"\n","time":"2023-09-29T20:15:20.748926661Z"}"#;
        let r = parse_json(line).unwrap();
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(r.caller, Some(&b"daemon/daemon.go:1224"[..]));
        assert_eq!(r.message, br#"failed to \"start\"\n"#);
        assert_eq!(r.time, at(1_696_018_520_748_926_661));
    }

    #[test]
    fn logrus_json_rejects_zap_and_kube_json() {
        for bad in [
            // etcd zap (formats.md 3.2): `ts`.
            &br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#[..],
            br#"{"level":"warn","ts":"2022-08-30T09:19:19.245Z","logger":"raft","caller":"etcdserver/zap_raft.go:85","msg":"141adac8c067b6dd stepped down to follower since quorum is not active"}"#,
            // kube-json (formats.md 1.3): no level, no time.
            br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft=\"\"\n","v":1}"#,
            // docker json-file (formats.md 1.8): time but no level/msg.
            br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#,
            // level+msg but no time; non-string level; truncated.
            br#"{"level":"info","msg":"x"}"#,
            br#"{"level":3,"msg":"x","time":"2018-08-10T17:42:15-07:00"}"#,
            br#"{"level":"info","msg":"x","time":"2018-08-10T17:42"#,
        ] {
            assert_eq!(parse_json(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn tty_with_absolute_time() {
        // containerd/containerd#8632 (containerd 1.7.1 in the foreground).
        let line = br#"ERRO[2023-06-02T18:33:07.946865000+08:00] ContainerStatus for "nginx" failed            error="rpc error: code = NotFound desc = an error occurred when try to find container \"nginx\": not found""#;
        let r = parse_tty(line).unwrap();
        assert_eq!(r.severity, Severity::Error);
        assert_eq!(r.message, br#"ContainerStatus for "nginx" failed"#);
        assert!(matches!(r.time, RawTime::Instant { .. }));
        match r.fields {
            Fields::KeyValue(f) => assert!(f.starts_with(b"error=\"rpc error")),
            other => panic!("{other:?}"),
        }
        // intel/cc-oci-runtime#1046 (CRI-O: space between date and time, negative offset).
        let line = br#"DEBU[2017-07-25 14:26:00.601450409-07:00] setting container's log_path                  ctr.logfile= log_path="/var/log/crio/pods/x.log""#;
        let r = parse_tty(line).unwrap();
        assert_eq!(r.severity, Severity::Debug);
        assert_eq!(r.message, b"setting container's log_path");
        // k3s-io/k3s#828: a message with `=` in it and no fields.
        let line = b"DEBU[2019-09-20T23:06:09.705536503-04:00] CREATE /registry/events/default/pi3.15c6552c2e734f01, size=269, lease=3660 => rev=486, err=<nil>";
        let r = parse_tty(line).unwrap();
        assert_eq!(r.message, &line[42..]);
        assert_eq!(r.fields, Fields::None);
    }

    #[test]
    fn tty_without_instant_is_not_taken() {
        // moby/moby#17280: seconds since the daemon started, not a time.
        assert!(parse_tty(b"ERRO[0043] Handler for POST /containers/create returned error: x ").is_none());
        assert!(parse_tty(b"INFO: task hhvm:1577 blocked").is_none());
        assert!(parse_tty(b"Info[2023-06-02T18:33:07Z] x").is_none());
    }
}
