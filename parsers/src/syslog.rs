//! BSD syslog files and journald `short*` text output: a timestamp, then ` host ident[pid]: message`.
//!
//! - [`parse`]: `Mon dd hh:mm:ss[.ffffff] host ident[pid]: msg` — journald `short` / `short-precise` (day
//!   zero-padded, `Dec 04`) and rsyslog's traditional file format (day space-padded, `Mar  2`). Months are
//!   English abbreviations in any case (`feb` from a lowercase locale), the German ones that differ (`Mär`,
//!   `Mai`, `Okt`, `Dez`) and CJK numeric months (`10月`).
//! - [`parse_rfc3339`]: journald `short-iso` / `short-iso-precise` and rsyslog's high-precision file format
//!   (`2020-06-19T22:42:14.123456+00:00 host tag[pid]: msg`).
//! - [`parse_prefix`]: the ` host ident[pid]: ` tail shared by every journald text format (also used by
//!   `journald::parse_unix` and `journalctl -o short-monotonic` in `kernel`).
//!
//! The envelope says nothing about severity (journald does not print PRIORITY), so records leave it
//! [`Severity::Unknown`] and carry the body as `message` for an inner grammar (klog, zap JSON, logrus, ...).
//! Kernel bodies (`kernel: [12345.678901] …`) are left whole; `kernel::boot_stamp` reads their stamp.

use crate::record::{Format, Layers, Record, Severity};
use crate::time::{self, RawTime, WallTime};

/// The ` host ident[pid]: ` tail that follows a journald / syslog timestamp, and the body after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Prefix<'a> {
    /// Host name; `None` when the line was pasted without one (`Oct 11 07:40:41 dockerd[19750]: …`).
    pub host: Option<&'a [u8]>,
    /// Program identifier (`kubelet`, `k3s`, `microk8s.daemon-kubelite`, `kernel`, ...).
    pub ident: Option<&'a [u8]>,
    /// Process id from `ident[pid]`; `None` for `ident:` (`kubelet:`, `etcd:`, `kernel:`).
    pub pid: Option<u32>,
    /// Everything after `: ` (may be empty).
    pub body: &'a [u8],
}

/// Parses the tail after a timestamp: ` host ident[pid]: body`, ` host ident: body` or, in pastes that lost the
/// host, ` ident[pid]: body` / ` ident: body`. Leading spaces are skipped.
///
/// The identifier is the token ending in `:` (dots and dashes allowed: `microk8s.daemon-kubelite`,
/// `kubelet-wrapper`); `[digits]` at its end is the pid (anything else in brackets stays part of the
/// identifier). Host and identifier may not contain `"` or `=`, which keeps `level=… msg="…"` and similar
/// bodies from passing for a prefix. The body is everything after `: ` and may be empty; for
/// ` host kernel: [12345.678901] msg` it is `[12345.678901] msg`. Returns `None` when the tail has no such shape.
pub fn parse_prefix(b: &[u8]) -> Option<Prefix<'_>> {
    let start = b.iter().position(|&c| c != b' ')?;
    let b = &b[start..];
    let e1 = memchr::memchr(b' ', b).unwrap_or(b.len());
    let t1 = &b[..e1];
    if let Some(tag) = t1.strip_suffix(b":") {
        let (ident, pid) = split_tag(tag)?;
        return Some(Prefix {
            host: None,
            ident: Some(ident),
            pid,
            body: after(b, e1),
        });
    }
    if !plain_token(t1) {
        return None;
    }
    let rest = b.get(e1 + 1..)?;
    let e2 = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    let tag = rest[..e2].strip_suffix(b":")?;
    let (ident, pid) = split_tag(tag)?;
    Some(Prefix {
        host: Some(t1),
        ident: Some(ident),
        pid,
        body: after(rest, e2),
    })
}

/// The bytes after the separator at `end` (a space, or the end of `b`).
#[inline]
fn after(b: &[u8], end: usize) -> &[u8] {
    b.get(end + 1..).unwrap_or_default()
}

/// A host or identifier token: non-empty, without `"` or `=`.
#[inline]
fn plain_token(t: &[u8]) -> bool {
    !t.is_empty() && !t.iter().any(|&c| c == b'"' || c == b'=')
}

/// Splits `ident[pid]` (the `:` already removed) into identifier and pid.
#[inline]
fn split_tag(tag: &[u8]) -> Option<(&[u8], Option<u32>)> {
    if !plain_token(tag) {
        return None;
    }
    if tag.last() == Some(&b']') {
        if let Some(open) = memchr::memrchr(b'[', tag) {
            let ident = &tag[..open];
            if let (false, Some(pid)) = (ident.is_empty(), pid_digits(&tag[open + 1..tag.len() - 1])) {
                return Some((ident, Some(pid)));
            }
        }
    }
    Some((tag, None))
}

/// 1 to 10 ASCII digits that fit a `u32`.
#[inline]
pub(crate) fn pid_digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 10 {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    u32::try_from(v).ok()
}

/// A month name at the start of `b`: an English abbreviation in any case (`Dec`, `feb`), a German one that
/// differs from English (`Mär`, `Mai`, `Okt`, `Dez`), or a CJK numeric month `1月`..`12月`.
/// Returns the month (1-12) and the bytes consumed; the caller checks what follows.
#[inline]
pub(crate) fn month_token(b: &[u8]) -> Option<(u8, usize)> {
    let c0 = *b.first()?;
    if c0.is_ascii_digit() {
        let n = if b.get(1).is_some_and(u8::is_ascii_digit) { 2 } else { 1 };
        let m = time::digits(b, n)?;
        return (b[n..].starts_with("月".as_bytes()) && (1..=12).contains(&m)).then_some((m as u8, n + 3));
    }
    if let Some(m) = time::month_abbrev(b) {
        return Some((m, 3));
    }
    if b.len() >= 4 && c0.eq_ignore_ascii_case(&b'm') && &b[1..4] == "är".as_bytes() {
        return Some((3, 4));
    }
    if b.len() < 3 {
        return None;
    }
    let k = [
        c0.to_ascii_lowercase(),
        b[1].to_ascii_lowercase(),
        b[2].to_ascii_lowercase(),
    ];
    match &k {
        b"mai" => Some((5, 3)),
        b"okt" => Some((10, 3)),
        b"dez" => Some((12, 3)),
        _ => None,
    }
}

/// Parses a journald `short` / `short-precise` or BSD syslog line:
/// `Mon dd hh:mm:ss[.ffffff] host ident[pid]: msg` (see [`parse_prefix`] for the tail's variants).
///
/// The day may be zero-padded (`Dec 04`, journald: [`Format::JournaldShort`]) or space-padded / unpadded
/// (`Mar  2`, rsyslog `%e`: [`Format::Syslog`]); a two-digit day gives `JournaldShort`, since the two cannot
/// be told apart from one line. The time is a [`RawTime::Wall`] with `year: 0` (the nanos hold the
/// `short-precise` fraction). The message is the body after `: `; severity stays unknown.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (month, mut i) = month_token(line)?;
    if line.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let (day, format) = match *line.get(i..i + 2)? {
        [b' ', d] if d.is_ascii_digit() => {
            i += 2;
            (d - b'0', Format::Syslog)
        }
        [d, b' '] if d.is_ascii_digit() => {
            i += 1;
            (d - b'0', Format::Syslog)
        }
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            i += 2;
            ((a - b'0') * 10 + (b - b'0'), Format::JournaldShort)
        }
        _ => return None,
    };
    if !(1..=31).contains(&day) || line.get(i) != Some(&b' ') {
        return None;
    }
    let (hour, minute, second) = time::hms(line.get(i + 1..)?)?;
    i += 9;
    let (nanos, flen) = time::fraction(&line[i..]);
    i += flen;
    if line.get(i) != Some(&b' ') {
        return None;
    }
    let p = parse_prefix(&line[i..])?;
    let wall = WallTime {
        year: 0,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
    };
    Some(Record {
        time: RawTime::Wall(wall),
        severity: Severity::Unknown,
        host: p.host,
        ident: p.ident,
        pid: p.pid,
        message: p.body,
        layers: Layers::one(format),
        ..Record::default()
    })
}

/// Parses journald `short-iso` / `short-iso-precise` and rsyslog high-precision lines:
/// `2019-12-04T20:59:24+00:00 host ident[pid]: msg` (older systemd writes `+0000`),
/// `2020-06-19T22:42:14.123456+00:00 host tag[pid]: msg` → [`Format::JournaldIso`].
///
/// The time is an instant (a wall time with its year if no offset was written). Both writers print at most
/// 6 fraction digits and always the host, so lines with a longer fraction or without `host ident:` are
/// refused: CRI lines (`<ts> stdout F msg`) and `kubectl logs --timestamps` lines (RFC3339Nano) are left to
/// their own grammars.
pub fn parse_rfc3339(line: &[u8]) -> Option<Record<'_>> {
    // Only years 1678-2261 fit an i64 of nanoseconds (and no journal writes others).
    if line.len() < 21 || line[10] != b'T' || !(1900..=2261).contains(&time::digits(line, 4)?) {
        return None;
    }
    let (time, i) = time::rfc3339(line)?;
    if line[19] == b'.' && line[20..].iter().take_while(|c| c.is_ascii_digit()).count() > 6 {
        return None;
    }
    if line.get(i) != Some(&b' ') {
        return None;
    }
    let p = parse_prefix(&line[i..])?;
    p.host?;
    Some(Record {
        time,
        severity: Severity::Unknown,
        host: p.host,
        ident: p.ident,
        pid: p.pid,
        message: p.body,
        layers: Layers::one(Format::JournaldIso),
        ..Record::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(r: &Record<'_>) -> WallTime {
        match r.time {
            RawTime::Wall(w) => w,
            other => panic!("not a wall time: {other:?}"),
        }
    }

    fn w(month: u8, day: u8, hour: u8, minute: u8, second: u8, nanos: u32) -> WallTime {
        WallTime {
            year: 0,
            month,
            day,
            hour,
            minute,
            second,
            nanos,
        }
    }

    /// A line, the time it reads as (`None`: not asserted), and its host, identifier, pid and message.
    type Case = (
        &'static [u8],
        Option<RawTime>,
        Option<&'static str>,
        &'static str,
        Option<u32>,
        &'static str,
    );

    /// Reads each case's line with `read` and asserts the time and [`check`] with `format`.
    fn check_all(read: fn(&'static [u8]) -> Option<Record<'static>>, format: Format, cases: &[Case]) {
        for &(line, time, host, ident, pid, msg) in cases {
            let shown = String::from_utf8_lossy(line);
            let r = read(line).unwrap_or_else(|| panic!("not read: {shown}"));
            if let Some(time) = time {
                assert_eq!(r.time, time, "time: {shown}");
            }
            check(&shown, &r, host, ident, pid, msg, format);
        }
    }

    fn wt(month: u8, day: u8, hour: u8, minute: u8, second: u8, nanos: u32) -> Option<RawTime> {
        Some(RawTime::Wall(w(month, day, hour, minute, second, nanos)))
    }

    fn inst(unix_nanos: i64) -> Option<RawTime> {
        Some(RawTime::Instant { unix_nanos })
    }

    /// Asserts a record's prefix parts, message and format; `line` names the case in a failure.
    fn check(line: &str, r: &Record<'_>, host: Option<&str>, ident: &str, pid: Option<u32>, msg: &str, format: Format) {
        assert_eq!(r.host, host.map(str::as_bytes), "host: {line}");
        assert_eq!(r.ident, Some(ident.as_bytes()), "ident: {line}");
        assert_eq!(r.pid, pid, "pid: {line}");
        assert_eq!(std::str::from_utf8(r.message).unwrap(), msg, "message: {line}");
        assert_eq!(r.layers, Layers::one(format), "layers: {line}");
        assert_eq!(r.severity, Severity::Unknown, "severity: {line}");
        assert_eq!(r.boot, None, "boot: {line}");
    }

    #[test]
    #[rustfmt::skip]
    fn journald_short_kubelet_pids() {
        check_all(parse, Format::JournaldShort, &[
            // k8s#61117 (formats.md 1.1 "pid 6 digits": klog pads to 7 columns), zero-padded day
            (
                b"Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
                wt(3, 13, 16, 2, 43, 0), Some("vk-prod4-node-v18-w3fz"), "kubelet", Some(1450),
                "I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
            ),
            // k8s#103765, 7-digit pid
            (
                b"Jul 19 18:13:26 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
                wt(7, 19, 18, 13, 26, 0), Some("node1"), "kubelet", Some(2_129_392),
                "E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
            ),
            // k8s#132001, 7-digit pid, numeric host
            (
                b"May 28 16:05:54 192-168-250-5 kubelet[2269385]: I0528 16:05:54.802914 2269385 eviction_manager.go:627] \"Eviction manager: pod is evicted successfully\" pod=\"sre/infras-logstash-d484d57fc-rkx95\"",
                wt(5, 28, 16, 5, 54, 0), Some("192-168-250-5"), "kubelet", Some(2_269_385),
                "I0528 16:05:54.802914 2269385 eviction_manager.go:627] \"Eviction manager: pod is evicted successfully\" pod=\"sre/infras-logstash-d484d57fc-rkx95\"",
            ),
            // k3s journal, 7-digit pid
            (
                b"Jun 17 16:18:42 homelab-1 k3s[3814777]: I0617 16:18:42.080925 3814777 eviction_manager.go:381] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"",
                wt(6, 17, 16, 18, 42, 0), Some("homelab-1"), "k3s", Some(3_814_777),
                "I0617 16:18:42.080925 3814777 eviction_manager.go:381] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"",
            ),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn localized_months() {
        check_all(parse, Format::JournaldShort, &[
            // Chinese-locale journal: `10月`
            (
                "10月 16 09:50:55 ubuntu-k8s-3 kubelet[17144]: W1016 09:50:55.056703 17144 eviction_manager.go:331] eviction manager: attempting to reclaim nodefs".as_bytes(),
                wt(10, 16, 9, 50, 55, 0), Some("ubuntu-k8s-3"), "kubelet", Some(17144),
                "W1016 09:50:55.056703 17144 eviction_manager.go:331] eviction manager: attempting to reclaim nodefs",
            ),
        ]);
        let line = "10月 16 09:50:55 ubuntu-k8s-3 kubelet[17144]: E1016 09:50:55.058307 17144 eviction_manager.go:356] eviction manager: eviction thresholds have been met, but no pods are active to evict".as_bytes();
        let r = parse(line).unwrap();
        assert_eq!(wall(&r), w(10, 16, 9, 50, 55, 0));
        assert_eq!(r.pid, Some(17144));
        assert!(r.message.starts_with(b"E1016 09:50:55.058307 17144 "));
        check_all(parse, Format::JournaldShort, &[
            // k3s#2938: lowercase month, k3s journal carrying etcd zap JSON as body
            (
                r#"feb 16 12:45:47 mnode2 k3s[10737]: {"level":"warn","ts":"2021-02-16T12:45:47.948+0100","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"102.774415ms","expected-duration":"100ms",[…]}"#.as_bytes(),
                wt(2, 16, 12, 45, 47, 0), Some("mnode2"), "k3s", Some(10737),
                r#"{"level":"warn","ts":"2021-02-16T12:45:47.948+0100","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"102.774415ms","expected-duration":"100ms",[…]}"#,
            ),
        ]);
        // single-digit numeric month and German abbreviations
        for (token, want) in [
            ("1月 05", Some((1, 4))),
            ("12月 05", Some((12, 5))),
            ("13月 05", None),
            ("Mär 05", Some((3, 4))),
            ("Okt 05", Some((10, 3))),
            ("DEC 05", Some((12, 3))),
            ("Foo 05", None),
        ] {
            assert_eq!(month_token(token.as_bytes()), want, "{token}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn k3s_zap_json_body() {
        check_all(parse, Format::JournaldShort, &[
            // k3s#9204
            (
                br#"Jan 10 07:55:33 MULTI-SINGLE-VM k3s[820]: {"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}"#,
                wt(1, 10, 7, 55, 33, 0), Some("MULTI-SINGLE-VM"), "k3s", Some(820),
                r#"{"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}"#,
            ),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn bsd_syslog_space_padded_day() {
        check_all(parse, Format::Syslog, &[
            // openebs#50
            (
                br#"Mar  2 13:53:07 ubuntu-xenial dockerd[4072]: time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#,
                wt(3, 2, 13, 53, 7, 0), Some("ubuntu-xenial"), "dockerd", Some(4072),
                r#"time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#,
            ),
            // istio#42734, kernel without pid
            (
                "Jan  5 02:12:02 iZbp153spuk45ulvkwxf34Z kernel: Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-b272[…].scope killed as a result of limit of /kubepods.slice/[…]/docker-b272[…].scope".as_bytes(),
                wt(1, 5, 2, 12, 2, 0), Some("iZbp153spuk45ulvkwxf34Z"), "kernel", None,
                "Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-b272[…].scope killed as a result of limit of /kubepods.slice/[…]/docker-b272[…].scope",
            ),
        ]);
        // docker 1.10.3 / dockerd 17.x, space-padded day
        let line = br#"Mar  6 09:53:14 ubuntu-s-1vcpu-1gb-ams3-01 dockerd[3823]: time="2018-03-06T09:53:14.873358358Z" level=debug msg="bundle dir created" bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged"#;
        let r = parse(line).unwrap();
        assert_eq!(wall(&r), w(3, 6, 9, 53, 14, 0));
        assert_eq!(r.layers.outer(), Some(Format::Syslog));
        assert_eq!(
            (r.host, r.ident, r.pid),
            (
                Some(&b"ubuntu-s-1vcpu-1gb-ams3-01"[..]),
                Some(&b"dockerd"[..]),
                Some(3823)
            )
        );
    }

    #[test]
    #[rustfmt::skip]
    fn no_pid() {
        check_all(parse, Format::JournaldShort, &[
            // Amazon Linux 2 EKS, aws-samples/eks-workshop-v2#447
            (
                br#"Apr 13 10:53:52 ip-10-42-10-121 kubelet: E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
                wt(4, 13, 10, 53, 52, 0), Some("ip-10-42-10-121"), "kubelet", None,
                r#"E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
            ),
            // k8s#70082, etcd under systemd
            (
                br#"Aug 17 17:37:30 k8s-master etcd: read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#,
                wt(8, 17, 17, 37, 30, 0), Some("k8s-master"), "etcd", None,
                r#"read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#,
            ),
            // each line of a multi-line message gets its own prefix
            (
                b"Aug 17 17:37:30 k8s-master kube-apiserver: Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database",
                None, Some("k8s-master"), "kube-apiserver", None,
                "Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database",
            ),
            // kernel, Azure RHEL 7 doc
            (
                b"Jun 19 22:42:14 rhel78 kernel: Out of memory: Kill process 45465 (tail) score 902 or sacrifice child",
                wt(6, 19, 22, 42, 14, 0), Some("rhel78"), "kernel", None,
                "Out of memory: Kill process 45465 (tail) score 902 or sacrifice child",
            ),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn no_hostname() {
        check_all(parse, Format::JournaldShort, &[
            // mailcow-dockerized#3028: paste lost the host; msg ends mid-quote with a trailing space
            (
                br#"Oct 11 07:40:41 dockerd[19750]: time="2019-10-11T07:40:41.836770354Z" level=error msg="Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided "#,
                wt(10, 11, 7, 40, 41, 0), None, "dockerd", Some(19750),
                r#"time="2019-10-11T07:40:41.836770354Z" level=error msg="Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided "#,
            ),
        ]);
        let p = parse_prefix(b" dockerd[19750]: ").unwrap();
        assert_eq!(
            (p.host, p.ident, p.pid, p.body),
            (None, Some(&b"dockerd"[..]), Some(19750), &b""[..])
        );
    }

    #[test]
    #[rustfmt::skip]
    fn pager_truncated() {
        check_all(parse, Format::JournaldShort, &[
            // kata-containers#2754: the pager cut the line and ended it with `>`; kept as written
            (
                br#"Sep 28 14:33:11 test containerd[39113]: time="2021-09-28T14:33:11.627332586Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>"#,
                wt(9, 28, 14, 33, 11, 0), Some("test"), "containerd", Some(39113),
                r#"time="2021-09-28T14:33:11.627332586Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>"#,
            ),
            // docker/for-linux: line cut by the terminal, no time=
            (
                br#"Mar 31 15:12:47 intel6248 dockerd[22177]: level=error msg="error reading the kernel parameter net.ipv4.vs.expire_nodest_conn" error="open /proc/sys/net/ipv4/vs/expire_no"#,
                None, Some("intel6248"), "dockerd", Some(22177),
                r#"level=error msg="error reading the kernel parameter net.ipv4.vs.expire_nodest_conn" error="open /proc/sys/net/ipv4/vs/expire_no"#,
            ),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn short_precise() {
        check_all(parse, Format::JournaldShort, &[
            // openshift/origin kubeletlogcollector fixture
            (
                br#"Jul 05 17:47:52.807876 ci-op-lxqqvl5x-d3bee-gl4hp-master-0 hyperkube[1495]: I0606 17:47:52.807876    1599 prober.go:121] "Probe failed" probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure output="Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)""#,
                wt(7, 5, 17, 47, 52, 807_876_000), Some("ci-op-lxqqvl5x-d3bee-gl4hp-master-0"), "hyperkube", Some(1495),
                r#"I0606 17:47:52.807876    1599 prober.go:121] "Probe failed" probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure output="Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)""#,
            ),
        ]);
        // leptonai/gpud PR#70 (host elided as `…` by the reporter)
        let line = "Aug 30 06:58:55.050705 … kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-ec9e[…].scope,mems_allowed=0-1,oom_memcg=/lxc.payload.[…]/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice,task_memcg=/[…]/cri-containerd-ec9e[…].scope,task=pt_main_thread,pid=461754,uid=0".as_bytes();
        let r = parse(line).unwrap();
        assert_eq!(wall(&r), w(8, 30, 6, 58, 55, 50_705_000));
        assert_eq!(r.host, Some("…".as_bytes()));
        assert_eq!(r.ident, Some(&b"kernel"[..]));
        assert_eq!(r.pid, None);
        assert!(r
            .message
            .starts_with(b"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"));
        assert!(r.message.ends_with(b",task=pt_main_thread,pid=461754,uid=0"));
    }

    #[test]
    fn identifiers_with_dashes_and_dots() {
        // CoreOS kubelet-wrapper (moby / k8s resource exhaustion report)
        let line = b"Jun 26 20:28:37 node03 kubelet-wrapper[1086]: E0626 20:28:37.242405    1086 fsHandler.go:121] failed to collect filesystem stats - rootDiskErr: failed to exec du - fork/exec /usr/bin/nice: resource temporarily unavailable, rootInodeErr: failed to exec cmd [find /var/lib/docker/overlay2/2710d2caaff823ba25369579935ae56569f036582b385e4ec8a4987e99784e79/diff -xdev -printf .] - fork/exec /usr/bin/f";
        let r = parse(line).unwrap();
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"node03"[..]), Some(&b"kubelet-wrapper"[..]), Some(1086))
        );
        assert!(r
            .message
            .starts_with(b"E0626 20:28:37.242405    1086 fsHandler.go:121] failed"));
        // host with dots (EC2 internal name)
        let line = br#"Jul 19 00:34:10 ip-10-21-100-11.ec2.internal dockerd[1383]: time="2016-07-19T00:34:09.957765676Z" level=error msg="HTTP Error" err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#;
        let r = parse(line).unwrap();
        assert_eq!(r.host, Some(&b"ip-10-21-100-11.ec2.internal"[..]));
        assert_eq!((r.ident, r.pid), (Some(&b"dockerd"[..]), Some(1383)));
        // the microk8s identifier (formats.md 1.2 names it; the tail is built from it)
        let p = parse_prefix(b" homelab-1 microk8s.daemon-kubelite[3814777]: I0617 x").unwrap();
        assert_eq!(p.host, Some(&b"homelab-1"[..]));
        assert_eq!(p.ident, Some(&b"microk8s.daemon-kubelite"[..]));
        assert_eq!(p.pid, Some(3_814_777));
        assert_eq!(p.body, b"I0617 x");
    }

    #[test]
    fn prefix_kernel_with_stamp_and_edge_cases() {
        let p = parse_prefix(b" rhel78 kernel: [12345.678901] Out of memory: x").unwrap();
        assert_eq!(
            (p.host, p.ident, p.pid),
            (Some(&b"rhel78"[..]), Some(&b"kernel"[..]), None)
        );
        assert_eq!(p.body, b"[12345.678901] Out of memory: x");
        // empty body
        let p = parse_prefix(b" node1 kubelet[2129392]:").unwrap();
        assert_eq!((p.pid, p.body), (Some(2_129_392), &b""[..]));
        // the formats.md placeholder `tag[pid]`: not a numeric pid, stays in the identifier
        let p = parse_prefix(b" host tag[pid]: \xe2\x80\xa6").unwrap();
        assert_eq!((p.ident, p.pid), (Some(&b"tag[pid]"[..]), None));
        // not a prefix
        for b in [
            &br#" level=error msg="x: y""#[..],
            b" stderr F I0521 22:00:46.835880       1 secure_serving.go:200] x",
            b"",
            b"   ",
            b" W | etcdserver: failed",
        ] {
            assert!(parse_prefix(b).is_none(), "{:?}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn rejects_other_formats() {
        for line in [
            &b"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s"[..],
            b"-- Reboot --",
            b"Mar 13 16:02:43",
            b"Mar 32 16:02:43 h k[1]: x",
            b"Mar 13 25:02:43 h k[1]: x",
            b"March 13 16:02:43 h k[1]: x",
            b"[Thu Dec  7 00:05:15 2017] Killed process 28438 (java)",
        ] {
            assert!(parse(line).is_none(), "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    #[rustfmt::skip]
    fn rfc3339_short_iso() {
        check_all(parse_rfc3339, Format::JournaldIso, &[
            // journald short-iso (timestamp as in formats.md 1.4) in front of a real prefix and body
            (
                br#"2019-12-04T20:59:24+00:00 ubuntu-xenial dockerd[4072]: time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#,
                inst(1_575_493_164_000_000_000), Some("ubuntu-xenial"), "dockerd", Some(4072),
                r#"time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#,
            ),
            // older systemd: +0000
            (
                b"2019-12-04T20:59:24+0000 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
                inst(1_575_493_164_000_000_000), Some("node1"), "kubelet", Some(2_129_392),
                "E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
            ),
            // rsyslog high precision, verbatim from formats.md 1.6
            (
                "2020-06-19T22:42:14.123456+00:00 host tag[pid]: …".as_bytes(),
                inst(1_592_606_534_123_456_000), Some("host"), "tag[pid]", None,
                "…",
            ),
            // rsyslog high precision kernel line with a boot stamp, no pid, offset
            (
                b"2020-06-19T22:42:14.123456+02:00 rhel78 kernel: Out of memory: Kill process 45465 (tail) score 902 or sacrifice child",
                inst(1_592_599_334_123_456_000), Some("rhel78"), "kernel", None,
                "Out of memory: Kill process 45465 (tail) score 902 or sacrifice child",
            ),
        ]);
    }

    #[test]
    fn rfc3339_rejects_cri_and_timestamped() {
        for line in [
            // CRI-O (cri-o#3181, cri-o#5903), containerd (containerd#4813)
            &b"2020-01-26T03:17:29.346494690+00:00 stderr F 2020/01/26 03:17:29 provider.go:117: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main"[..],
            b"2022-05-21T22:00:46.835887817+00:00 stderr F I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259",
            b"2020-12-07T15:32:38.994574754Z stdout P Hello from init container!",
            // same CRI body with a short fraction: refused by the prefix shape alone
            b"2020-01-26T03:17:29+00:00 stderr F 2020/01/26 03:17:29 provider.go:117: Defaulting client-id",
            // kubectl logs --timestamps (cilium#7282)
            b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)",
            // capnslog has a space, not `T`
            b"2018-10-11 08:36:19.724999 W | etcdserver: x",
            // host-less short-iso is refused (a `<ts> word: …` body would be mistaken for it)
            b"2019-12-04T20:59:24+00:00 dockerd[19750]: x",
        ] {
            assert!(parse_rfc3339(line).is_none(), "{}", String::from_utf8_lossy(line));
        }
    }
}
