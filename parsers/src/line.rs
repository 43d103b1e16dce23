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
    let line = strip_paste(strip_cr(line));
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
    // `journalctl -o short-monotonic` prints other units' entries as `[ 7063.247407] host ident[pid]: body`
    // (kernel::parse_dmesg takes the prefix off): their body is a line like any journal body.
    let monotonic_unit = outer.layers.outer() == Some(Format::Dmesg) && outer.host.is_some() && !is_kernel(&outer);
    if !monotonic_unit && !outer.layers.outer().is_some_and(is_envelope) {
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
/// A UTF-8 byte-order mark (a file saved by a Windows editor) is dropped too.
#[inline]
fn strip_paste(line: &[u8]) -> &[u8] {
    const BAR: &[u8] = "│".as_bytes();
    if line.first().is_none_or(|&c| c < 0x80) {
        return line;
    }
    let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
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
/// component (`kube-apiserver` without its container id, `container status`, the container `X`).
fn section(line: &[u8]) -> Option<Meta<'_>> {
    if let Some(rest) = line.strip_prefix(b"==> ") {
        let inner = rest.strip_suffix(b" <==")?;
        let name = match memchr::memmem::rfind(inner, b" [") {
            Some(k) if inner.ends_with(b"]") => &inner[..k],
            _ => inner,
        };
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
        Format::Logrus => logrus::parse(line).or_else(|| logrus::parse_tty(line)),
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
        b'D' | b'E' | b'F' | b'I' | b'P' | b'T' | b'W' if line.get(4) == Some(&b'[') => {
            logrus::parse_tty(line).or_else(|| syslog::parse(line))
        }
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
        b'D' | b'E' | b'F' | b'I' | b'P' | b'T' | b'W' if body.get(4) == Some(&b'[') => logrus::parse_tty(body),
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
        stream: outer.stream,
        boot: outer.boot,
    }
}

/// Chooses the time of a line that carries two.
///
/// An envelope instant (CRI, docker, journal JSON, short-iso) is exact and wins over an inner wall reading.
/// An inner instant (zap JSON inside journald `short`) wins over a zoneless envelope. Two wall readings that
/// agree to within 2 s, across midnight too, take the inner one (klog has microseconds, `short` has seconds;
/// capnslog has the year), with the envelope's year when the inner has none, unless only the envelope has a
/// fraction of the same second (svlogd around Go `log`); when they disagree (a host zone that differs from the
/// process zone) the envelope's wall clock is kept, since `--tz` speaks of the host.
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
            if diff == 0 && i.nanos == 0 && o.nanos != 0 {
                // The same second, and only the envelope has its fraction (svlogd around a Go `log` line).
                let mut t = o;
                if t.year == 0 {
                    t.year = i.year;
                }
                return RawTime::Wall(t);
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

#[cfg(test)]
mod tests {
    //! Real lines from formats.md (issue pastes and fixtures; `[…]` cuts closed where JSON needs it), and a few
    //! composites (marked) that put a real body inside a real envelope when the reference has no pasted example.

    use super::*;
    use crate::kv;
    use crate::record::{Fields, Layers};

    // --- journald `short` / `short-precise` / `short-iso` / `short-unix` and syslog envelopes -----------------

    /// journald short around klog printf (k8s#61117, pid right-aligned to 7 columns).
    const J_KLOG: &[u8] = b"Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]";
    /// 7-digit pid, one space (k8s#103765).
    const J_KLOG_PID7: &[u8] = b"Jul 19 18:13:26 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s";
    /// k3s journal around structured klog.
    const J_K3S_KLOG_S: &[u8] = br#"Jun 17 16:18:42 homelab-1 k3s[3814777]: I0617 16:18:42.080925 3814777 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage""#;
    /// `%+v` struct value (klog < 2.100, minikube).
    const J_KLOG_STRUCT: &[u8] = br#"Sep 07 21:49:17 minikube kubelet[2199]: I0907 21:49:17.171114    2199 setters.go:548] "Node became not ready" node="minikube" condition={Type:Ready Status:False LastHeartbeatTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 LastTransitionTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}"#;
    /// JSON struct value (klog ≥ 2.100); the kubelet's clock is the host's (+08:00), the JSON inside is UTC.
    const J_KLOG_JSON_VALUE: &[u8] = br#"Jan 12 10:56:20 green-master-3 kubelet[3112080]: I0112 10:56:20.222397 3112080 setters.go:552] "Node became not ready" node="green-master-3" condition={"type":"Ready","status":"False","lastHeartbeatTime":"2026-01-12T02:56:20Z","lastTransitionTime":"2026-01-12T02:56:20Z","reason":"KubeletNotReady","message":"node is shutting down"}"#;
    /// The same k3s line with a kubelet that logs in UTC under a journal that prints +08:00 (gotcha 2): 8 h apart.
    const J_KLOG_8H: &[u8] = br#"Jan 12 10:56:20 green-master-3 kubelet[3112080]: I0112 02:56:20.222397 3112080 setters.go:552] "Node became not ready" node="green-master-3""#;
    /// short-precise; the fixture's klog header is a month earlier than the journal (openshift/origin node_test.go).
    const J_PRECISE: &[u8] = br#"Jul 05 17:47:52.807876 ci-op-lxqqvl5x-d3bee-gl4hp-master-0 hyperkube[1495]: I0606 17:47:52.807876    1599 prober.go:121] "Probe failed" probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure output="Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)""#;
    /// Chinese-locale month name.
    const J_CJK: &str = "10月 16 09:50:55 ubuntu-k8s-3 kubelet[17144]: W1016 09:50:55.056703 17144 eviction_manager.go:331] eviction manager: attempting to reclaim nodefs";
    /// Composite: journald short-iso envelope (§1.4) around the k8s#61117 klog body.
    const J_ISO_KLOG: &[u8] = b"2019-12-04T20:59:24+00:00 node1 kubelet[1450]: I1204 20:59:24.934473    1450 kubelet.go:1778] skipping pod synchronization";
    /// Composite: journald short-unix envelope (§1.4) around a klog body.
    const J_UNIX_KLOG: &[u8] = b"1575493164.234181 node1 kubelet[1450]: I1204 20:59:24.234100    1450 kubelet.go:1778] skipping pod synchronization";
    /// syslog without pid (Amazon Linux 2 EKS).
    const SYSLOG_NOPID: &[u8] = br#"Apr 13 10:53:52 ip-10-42-10-121 kubelet: E0413 10:53:52.844381    3263 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#;
    /// 1.31 `HandleError` shape, bare klog (kube-apiserver).
    const KLOG_UNHANDLED: &[u8] = br#"E0707 00:23:50.932402       1 dispatcher.go:214] "Unhandled Error" err="failed calling webhook \"linkerd-proxy-injector.linkerd.io\": failed to call webhook: Post \"https://linkerd-proxy-injector.linkerd.svc:443/?timeout=10s\": service \"linkerd-proxy-injector\" not found" logger="UnhandledError""#;
    /// klog in a static pod (k8s#94362), as `journalctl -o cat` or `kubectl logs` gives it.
    const KLOG_THROTTLE: &[u8] = b"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s";

    // --- zap JSON, logrus, capnslog, Go log under journald / syslog ------------------------------------------

    /// k3s#9204: embedded etcd zap JSON in the k3s journal.
    const J_K3S_ZAP: &[u8] = br#"Jan 10 07:55:33 MULTI-SINGLE-VM k3s[820]: {"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}"#;
    /// k3s#2938: lowercase locale month, `+0100` offset (the paste's `[…]` closed after `expected-duration`).
    const J_K3S_ZAP_FEB: &[u8] = br#"feb 16 12:45:47 mnode2 k3s[10737]: {"level":"warn","ts":"2021-02-16T12:45:47.948+0100","caller":"etcdserver/util.go:163","msg":"apply request took too long","took":"102.774415ms","expected-duration":"100ms"}"#;
    /// k3s#4787: NOSPACE, `-0700`, escaped quotes and a non-ASCII `µ` inside strings.
    const J_K3S_ZAP_NOSPACE: &str = r#"Mar 13 17:21:30 big-nuc k3s[4240]: {"level":"warn","ts":"2022-03-13T17:21:30.783-0700","caller":"etcdserver/util.go:123","msg":"failed to apply request","took":"10.558µs","request":"header:<ID:16997569631274120200 username:\"etcd-client\" auth_revision:1 > txn:<[…]>","response":"","error":"etcdserver: no space"}"#;
    /// dockerd logrus, local offset (moby#19728).
    const J_DOCKER: &[u8] = br#"Feb 08 11:27:07 tricia.XXX docker[45326]: time="2016-02-08T11:27:07.214570725+02:00" level=info msg="GET /v1.21/containers/json""#;
    /// Ancient docker: quoted level, no fraction (coreos/bugs#1341).
    const J_DOCKER_OLD: &[u8] = br#"Apr 14 20:38:09 core-01 docker[760]: time="2015-04-14T20:38:09Z" level="info" msg="+job log(exec_start: bash , 2d8c91800890f5c11c2bc794e8d455449aeff8ef80fcb0efabd43ec35d720719, 192.168.254.96:5000/basehhvm:latest)""#;
    /// containerd 1.x CRI plugin (ovn-kubernetes PR#1306).
    const J_CONTAINERD: &[u8] = br#"May 06 15:55:51 ovn-control-plane2 containerd[80]: time="2020-05-06T15:55:51.343817675Z" level=info msg="RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id \"c5ce1301effe135a0656ded695b71bf2777eebb6fe19590dadb051bd8b31e754\"""#;
    /// containerd 2.x, +08:00, protobuf text (containerd#13700).
    const J_CONTAINERD2: &[u8] = br#"Jul 01 12:09:51 lima-kata containerd[5812]: time="2026-07-01T12:09:51.246681524+08:00" level=info msg="RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1""#;
    /// syslog, space-padded day (openebs#50).
    const SYSLOG_DOCKERD: &[u8] = br#"Mar  2 13:53:07 ubuntu-xenial dockerd[4072]: time="2017-03-02T13:53:07.459389773Z" level=error msg="Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b""#;
    /// Unquoted field values after `msg` (moby#36464).
    const SYSLOG_DOCKERD_FIELDS: &[u8] = br#"Mar  6 09:53:14 ubuntu-s-1vcpu-1gb-ams3-01 dockerd[3823]: time="2018-03-06T09:53:14.873358358Z" level=debug msg="bundle dir created" bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged"#;
    /// `err=` and `statusCode=` after `msg`; the logrus time is 42 ms before the journal's second (k8s#27169).
    const J_DOCKER_HTTP: &[u8] = br#"Jul 19 00:34:10 ip-10-21-100-11.ec2.internal dockerd[1383]: time="2016-07-19T00:34:09.957765676Z" level=error msg="HTTP Error" err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#;
    /// logrus without `time=`, cut by the pasting terminal inside a quote.
    const J_DOCKER_NOTIME: &[u8] = br#"Mar 31 15:12:47 intel6248 dockerd[22177]: level=error msg="error reading the kernel parameter net.ipv4.vs.expire_nodest_conn" error="open /proc/sys/net/ipv4/vs/expire_no"#;
    /// Pager truncation `>` (kata-containers#2754).
    const J_PAGER: &[u8] = br#"Sep 28 14:33:11 test containerd[39113]: time="2021-09-28T14:33:11.627332586Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>"#;
    /// No host in the paste, msg quote left open by a raw newline (mailcow-dockerized#3028).
    const J_NOHOST: &[u8] = br#"Oct 11 07:40:41 dockerd[19750]: time="2019-10-11T07:40:41.836770354Z" level=error msg="Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided "#;
    /// etcd 3.3 under systemd, journald formatter: bare message, syslog without pid (k8s#70082).
    const SYSLOG_ETCD_BARE: &[u8] = br#"Aug 17 17:37:30 k8s-master etcd: read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#;
    /// etcd journald formatter with a pid (etcd#12287).
    const J_ETCD_BARE: &[u8] = b"Sep 11 14:34:50 etcd-pr-us-east1-1 etcd[13993]: raft.node: a9a27992a4a4672 lost leader 62e53e5872987014 at term 4366";
    /// etcd 3.4.9 journald formatter with `µs` (etcd#11947).
    const J_ETCD_BARE_MICRO: &str = r#"May 26 06:59:12 etcd-1.example.com etcd[95994]: failed to apply request "header:<ID:9866105099223188490 username:\"user\" auth_revision:27 > put:<key:\"test\" value_size:4 >" with response "" took (4.311µs) to execute, err is etcdserver: no space"#;
    /// Composite: capnslog PrettyFormatter line (etcd#10174) under a journald prefix (etcd not at PPID 1).
    const J_CAPNSLOG: &[u8] = br#"Oct 11 08:36:19 master-1 etcd[2240]: 2018-10-11 08:36:19.724999 W | etcdserver: read-only range request "key:\"/registry/secrets/kube-system/app-manager-appmanager-token-2tv68\" " with result "range_response_count:1 size:2579" took too long (1.602181876s) to execute"#;
    /// Go runtime abort line under journald (docker/for-linux#783).
    const J_CGO: &[u8] =
        b"Sep 13 11:30:19 node02 dockerd[4979]: runtime/cgo: pthread_create failed: Resource temporarily unavailable";

    // --- kernel -----------------------------------------------------------------------------------------------

    /// Kernel line under journald, printk times off (Azure RHEL 7 doc).
    const J_KERNEL: &[u8] =
        b"Jun 19 22:42:14 rhel78 kernel: Out of memory: Kill process 45465 (tail) score 902 or sacrifice child";
    /// Composite: syslog kernel line with the printk stamp (§1.6) and a 5.4 OOM body (reportportal#203).
    const SYSLOG_KERNEL_STAMP: &[u8] = b"Jan  5 02:12:02 iZbp153spuk45ulvkwxf34Z kernel: [ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986";
    /// Composite: journald short-precise kernel line (gpud PR#70's shape) with a hung-task body (sonic#4822).
    const J_KERNEL_PRECISE_STAMP: &[u8] = b"Aug 30 06:58:55.050705 gpu-node-1 kernel: [26825.855448] INFO: task kworker/2:1:5747 blocked for more than 120 seconds.";
    /// An indented kernel body: each printk line is its own record, never a continuation.
    const J_KERNEL_INDENTED: &[u8] = b"Jun 19 22:42:14 rhel78 kernel:       Not tainted 4.19.0-6-amd64 #1 Debian";
    const DMESG: &[u8] = b"[ 3690.421554] StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167";
    const DMESG_T: &[u8] =
        b"[Thu Dec  7 00:05:15 2017] Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child";
    const DMESG_T_DE: &[u8] = b"[So Nov 15 15:59:41 2020] INFO: task mysqld:44333 blocked for more than 120 seconds.";

    // --- container envelopes ----------------------------------------------------------------------------------

    /// CRI-O around klog (cri-o#5903).
    const CRI_KLOG: &[u8] = b"2022-05-21T22:00:46.835887817+00:00 stderr F I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259";
    /// containerd around etcd zap: outer `+08:00`, inner `Z` (etcd#16436, `[…]` closed).
    const CRI_ZAP: &[u8] = br#"2023-08-18T10:47:25.111490788+08:00 stderr F {"level":"warn","ts":"2023-08-18T02:47:25.111Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"627.833521ms","expected-duration":"200ms"}"#;
    /// CRI-O around Go `log` with `Lshortfile` (cri-o#3181).
    const CRI_GOLOG: &[u8] = b"2020-01-26T03:17:29.346494690+00:00 stderr F 2020/01/26 03:17:29 provider.go:117: Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main";
    /// containerd partial chunk (containerd#4813).
    const CRI_PARTIAL: &[u8] = b"2020-12-07T15:32:38.994574754Z stdout P Hello from init container!";
    /// Composite: the first `P` piece of a long klog line.
    const CRI_PARTIAL_KLOG: &[u8] =
        b"2022-05-21T22:00:46.835887817Z stderr P I0521 22:00:46.835880       1 secure_serving.go:200] Serving secur";
    /// Composite: a Trace step line in a kube-apiserver static pod log (blog, k8s 1.20).
    const CRI_TRACE: &[u8] =
        br#"2021-02-26T03:07:23.345901Z stderr F Trace[478039569]: ---"Transaction prepared" 520ms (03:07:00.118)"#;
    /// Composite: the 1.31 shape in a kube-apiserver static pod log.
    const CRI_UNHANDLED: &[u8] = br#"2024-07-07T00:23:50.932460Z stderr F E0707 00:23:50.932402       1 dispatcher.go:214] "Unhandled Error" err="failed calling webhook \"linkerd-proxy-injector.linkerd.io\": failed to call webhook" logger="UnhandledError""#;
    /// Composite: `--logging-format=json` (k8s PR#104997) in a CRI log.
    const CRI_KUBEJSON: &[u8] = br#"2021-09-14T09:01:34.233907Z stderr F {"ts":1631610094233.7605,"caller":"app/server.go:276","msg":"Failed to construct kubelet dependencies","err":"error reading /var/lib/kubelet/pki/kubelet.key, certificate and key must be supplied as a pair"}"#;
    /// docker json-file (oracle/railcar#32): escaped quotes and `\r\n`.
    const DOCKER_NGINX: &[u8] = br#"{"log":"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n","stream":"stdout","time":"2018-01-24T05:57:12.583118365Z"}"#;
    /// docker json-file, 2013 (moby PR#1211).
    const DOCKER_SHELL: &[u8] =
        br#"{"log":"root@95701614e3b6:/# ls\r\n","stream":"stdout","time":"2013-07-15T15:45:36.916821934Z"}"#;
    /// Composite: dockershim-era json-file around the k8s#94362 klog line (no backslash left once `\n` is cut).
    const DOCKER_KLOG: &[u8] = br#"{"log":"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s\n","stream":"stderr","time":"2020-08-31T04:59:38.943907Z"}"#;
    /// Composite: json-file around structured klog (JSON-escaped Go quotes).
    const DOCKER_KLOG_S: &[u8] = br#"{"log":"I0617 16:18:42.080925       1 eviction_manager.go:381] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"\n","stream":"stderr","time":"2021-06-17T16:18:42.081Z"}"#;
    /// Composite: a json-file chunk without its newline (a 16 KiB piece).
    const DOCKER_PARTIAL: &[u8] = br#"{"log":"I0831 04:59:38.943580       1 request.go:621] Throttl","stream":"stderr","time":"2020-08-31T04:59:38.943907Z"}"#;
    /// `kubectl logs --timestamps` around capnslog (cilium#7282).
    const TS_CAPNSLOG: &[u8] = b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)";
    /// Composite: `kubectl logs --timestamps` around klog.
    const TS_KLOG: &[u8] = b"2020-08-31T04:59:38.943907123Z I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s";
    /// Composite: runit svlogd `-tt` prefix (etcd#3864) around an etcd 2.0 Go log line (k8s#10122).
    const SVLOGD_GOLOG: &[u8] =
        b"2015-06-19_20:40:38.35486 2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out";

    // --- journalctl -o json (§1.5 field set; no pasted kubelet export exists) -----------------------------------

    const JJ_KLOG: &[u8] = br#"{"__CURSOR":"s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece8;b=6c7c6013a8ba4ab7a6f21ed0bc61b5bc;m=2d8a5c1e;t=5a0bb1c2a8b89;x=a3ba2a5f4d4e5a5b","__REALTIME_TIMESTAMP":"1584115363934473","__MONOTONIC_TIMESTAMP":"764043294","_BOOT_ID":"6c7c6013a8ba4ab7a6f21ed0bc61b5bc","PRIORITY":"6","_HOSTNAME":"vk-prod4-node-v18-w3fz","SYSLOG_IDENTIFIER":"kubelet","_PID":"1450","_COMM":"kubelet","_SYSTEMD_UNIT":"kubelet.service","_TRANSPORT":"stdout","MESSAGE":"I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]"}"#;
    const JJ_KLOG_S: &[u8] = br#"{"__REALTIME_TIMESTAMP":"1586775232844381","PRIORITY":"3","_HOSTNAME":"ip-10-42-10-121","SYSLOG_IDENTIFIER":"kubelet","_PID":"3263","_TRANSPORT":"stdout","MESSAGE":"E0413 10:53:52.844381    3263 kubelet.go:2055] \"Skipping pod synchronization\" err=\"PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s\""}"#;
    const JJ_NULL: &[u8] = br#"{"__REALTIME_TIMESTAMP":"1584115363934473","PRIORITY":"4","_HOSTNAME":"node1","SYSLOG_IDENTIFIER":"kube-apiserver","_PID":"912","MESSAGE":null}"#;
    const JJ_TRACE: &[u8] = br#"{"__REALTIME_TIMESTAMP":"1584115363934473","PRIORITY":"6","_HOSTNAME":"k8s-master","SYSLOG_IDENTIFIER":"kube-apiserver","MESSAGE":"Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database"}"#;

    // --- continuations, meta lines, pastes ----------------------------------------------------------------------

    const TRACE_HEAD: &[u8] = br#"I0601 06:46:52.346101       1 trace.go:81] Trace[1423535433]: "GuaranteedUpdate etcd3: *core.Event" (started: 2019-06-01 06:46:51.520357313 +0000 UTC m=+149.092873480) (total time: 825.718155ms):"#;
    const TRACE_STEP: &[u8] = b"Trace[1423535433]: [333.643578ms] [333.643578ms] initial value restored";
    const TRACE_NESTED: &[u8] = br#"Trace[263339281]:  ---"Write call succeeded" size:42565835 405ms (14:30:59.185)"#;
    const J_TRACE_HEAD: &[u8] = br#"Oct 28 11:17:56 zero-pi k3s[484]: I1028 11:17:56.769385     484 trace.go:205] Trace[1920479996]: "GuaranteedUpdate etcd3" type:*v1.Endpoints (28-Oct-2021 11:17:54.460) (total time: 2308ms):"#;
    const J_TRACE_STEP: &[u8] =
        br#"Oct 28 11:17:56 zero-pi k3s[484]: Trace[1920479996]: ---"initial value restored" 196ms (11:17:54.657)"#;
    const SYSLOG_TRACE_STEP: &[u8] = b"Aug 17 17:37:30 k8s-master kube-apiserver: Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database";
    const AWS_TAB: &[u8] = b"\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors";
    const KLOG_BLOCK_END: &[u8] = b" >";
    const J_SIGABRT: &[u8] = b"Mar 17 13:19:23 ip-172-16-236-27 docker[2476]: SIGABRT: abort";
    const GOROUTINE: &[u8] = b"goroutine 0 [idle]:";
    const PC: &[u8] = b"PC=0x7fd0a51d9227 m=239";
    const MINIKUBE: &[u8] = br#"==> kube-apiserver ["3221ad23c91d"] <=="#;
    const DUMP_START: &[u8] = b"==== START logs for container etcd of pod kube-system/etcd-m1 ====";
    const DUMP_END: &[u8] = b"==== END logs for container etcd of pod kube-system/etcd-m1 ====";
    const K9S: &str = "│ I0110 09:21:08.551571       1 devices.go:189] Loading device configuration from file: /device-config.yaml                                                                                                                                  │";
    const K9S_CUT: &str = "│ I0110 09:21:08.552065       1 devices.go:194] Loaded config: &{{nvidia.com/gpu nvidia.com/gpumem nvidia.com/gpucores nvidia.com/gpumem-percentage nvidia.com/priority false 0 0 1 10 1 1 false [{[A30] [[{1g.6gb 6144 4}] [{2g.12gb 12288  │";
    /// The month was cut off by the pasting user (containerd#12438): nothing to anchor on.
    const MONTH_CUT: &[u8] = br#"9 09:58:07 node kubelet[5738]: E1029 09:58:07.693205    5738 remote_runtime.go:193] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = failed to reserve sandbox name \"metricbeat-collector-2qr2j_monitoring-tenant_5dfb5e21-176d-4a54-8248-7fad9fc7d81e_0\": >"#;

    // --- bare single-format lines -------------------------------------------------------------------------------

    const ZAP: &[u8] = br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}"#;
    const ZAP_RAFT: &[u8] = br#"{"level":"warn","ts":"2022-08-30T09:19:19.245Z","logger":"raft","caller":"etcdserver/zap_raft.go:85","msg":"141adac8c067b6dd stepped down to follower since quorum is not active"}"#;
    const KUBEJSON: &[u8] = br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft=\"\"\n","v":1}"#;
    const CAPNSLOG: &[u8] = b"2016-04-22 03:04:09.678778 W | etcdserver: failed to send out heartbeat on time (deadline exceeded for 185.938874ms)";
    const GOLOG: &[u8] = b"2015/06/19 20:40:38 etcdhttp: unexpected error: etcdserver: request timed out";
    const LOGRUS_TTY: &[u8] = b"INFO[0000] API listen on /var/run/docker.sock";
    const PLAIN: &[u8] = b"Cluster info dumped to /tmp/dump";

    /// Every line above, for the robustness test.
    const CORPUS: &[&[u8]] = &[
        J_KLOG,
        J_KLOG_PID7,
        J_K3S_KLOG_S,
        J_KLOG_STRUCT,
        J_KLOG_JSON_VALUE,
        J_KLOG_8H,
        J_PRECISE,
        J_CJK.as_bytes(),
        J_ISO_KLOG,
        J_UNIX_KLOG,
        SYSLOG_NOPID,
        KLOG_UNHANDLED,
        KLOG_THROTTLE,
        J_K3S_ZAP,
        J_K3S_ZAP_FEB,
        J_K3S_ZAP_NOSPACE.as_bytes(),
        J_DOCKER,
        J_DOCKER_OLD,
        J_CONTAINERD,
        J_CONTAINERD2,
        SYSLOG_DOCKERD,
        SYSLOG_DOCKERD_FIELDS,
        J_DOCKER_HTTP,
        J_DOCKER_NOTIME,
        J_PAGER,
        J_NOHOST,
        SYSLOG_ETCD_BARE,
        J_ETCD_BARE,
        J_ETCD_BARE_MICRO.as_bytes(),
        J_CAPNSLOG,
        J_CGO,
        J_KERNEL,
        SYSLOG_KERNEL_STAMP,
        J_KERNEL_PRECISE_STAMP,
        J_KERNEL_INDENTED,
        DMESG,
        DMESG_T,
        DMESG_T_DE,
        CRI_KLOG,
        CRI_ZAP,
        CRI_GOLOG,
        CRI_PARTIAL,
        CRI_PARTIAL_KLOG,
        CRI_TRACE,
        CRI_UNHANDLED,
        CRI_KUBEJSON,
        DOCKER_NGINX,
        DOCKER_SHELL,
        DOCKER_KLOG,
        DOCKER_KLOG_S,
        DOCKER_PARTIAL,
        TS_CAPNSLOG,
        TS_KLOG,
        SVLOGD_GOLOG,
        JJ_KLOG,
        JJ_KLOG_S,
        JJ_NULL,
        JJ_TRACE,
        TRACE_HEAD,
        TRACE_STEP,
        TRACE_NESTED,
        J_TRACE_HEAD,
        J_TRACE_STEP,
        SYSLOG_TRACE_STEP,
        AWS_TAB,
        KLOG_BLOCK_END,
        J_SIGABRT,
        GOROUTINE,
        PC,
        MINIKUBE,
        DUMP_START,
        DUMP_END,
        K9S.as_bytes(),
        K9S_CUT.as_bytes(),
        MONTH_CUT,
        ZAP,
        ZAP_RAFT,
        KUBEJSON,
        CAPNSLOG,
        GOLOG,
        LOGRUS_TTY,
        PLAIN,
        b"Log file created at: 2019/06/01 06:46:51",
        b"Running on machine: master-1",
        b"Binary: Built with gc go1.12.5 for linux/amd64",
        b"Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg",
        b"-- Logs begin at Tue 2020-05-12 06:29:00 MSK, end at Tue 2020-05-12 09:29:00 MSK. --",
        b"-- Reboot --",
    ];

    const ALL_FORMATS: [Format; 19] = [
        Format::Klog,
        Format::KubeJson,
        Format::JournaldShort,
        Format::JournaldIso,
        Format::JournaldUnix,
        Format::JournalJson,
        Format::JournalExport,
        Format::Syslog,
        Format::Logrus,
        Format::LogrusJson,
        Format::Capnslog,
        Format::ZapJson,
        Format::GoLog,
        Format::Cri,
        Format::DockerJson,
        Format::Dmesg,
        Format::DmesgCtime,
        Format::Timestamped,
        Format::Text,
    ];

    /// Parses with a scratch that lives as long as the test (leaked: the tests are short).
    fn parse_static(line: &'static [u8], hint: Format) -> Line<'static> {
        parse(line, hint, Box::leak(Box::default()))
    }

    /// The outcome without a hint. Every line after a file's head is parsed with the sniffed hint first, so the
    /// outcome must not change when the hint is the line's own outer format.
    fn outcome(line: &'static [u8]) -> Line<'static> {
        let plain = parse_static(line, Format::Text);
        if let Line::Record(r) = plain {
            let hint = r.layers.outer().expect("a record has a format");
            assert_eq!(parse_static(line, hint), plain, "hint {hint:?} changes {}", show(line));
        }
        plain
    }

    /// `line` from the first `from` on.
    fn tail(line: &'static [u8], from: &str) -> &'static [u8] {
        let at = memchr::memmem::find(line, from.as_bytes()).expect("marker in line");
        &line[at..]
    }

    fn show(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    fn text(b: Option<&[u8]>) -> Option<String> {
        b.map(show)
    }

    fn wall(month: u8, day: u8, hour: u8, minute: u8, second: u8, nanos: u32) -> RawTime {
        wall_y(0, month, day, hour, minute, second, nanos)
    }

    fn wall_y(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8, nanos: u32) -> RawTime {
        RawTime::Wall(WallTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos,
        })
    }

    fn at(unix_nanos: i64) -> RawTime {
        RawTime::Instant { unix_nanos }
    }

    /// Everything a record says, asserted at once (fields not named in a test are asserted empty).
    #[derive(Default)]
    struct Want {
        layers: &'static [Format],
        time: RawTime,
        severity: Severity,
        host: Option<&'static str>,
        ident: Option<&'static str>,
        pid: Option<u32>,
        caller: Option<&'static str>,
        message: &'static str,
        escape: Escape,
        fields: Fields<'static>,
        partial: bool,
        boot: Option<u64>,
    }

    fn check(line: &'static [u8], w: Want) -> Record<'static> {
        let r = match outcome(line) {
            Line::Record(r) => r,
            other => panic!("not a record: {other:?}\n{}", show(line)),
        };
        let l = show(line);
        assert_eq!(r.layers.iter().collect::<Vec<_>>(), w.layers, "layers: {l}");
        assert_eq!(r.time, w.time, "time: {l}");
        assert_eq!(r.severity, w.severity, "severity: {l}");
        assert_eq!(text(r.host), w.host.map(String::from), "host: {l}");
        assert_eq!(text(r.ident), w.ident.map(String::from), "ident: {l}");
        assert_eq!(r.pid, w.pid, "pid: {l}");
        assert_eq!(text(r.caller), w.caller.map(String::from), "caller: {l}");
        assert_eq!(show(r.message), w.message, "message: {l}");
        assert_eq!(r.escape, w.escape, "escape: {l}");
        assert_eq!(r.fields, w.fields, "fields: {l}");
        assert_eq!(r.partial, w.partial, "partial: {l}");
        assert_eq!(r.boot, w.boot, "boot: {l}");
        r
    }

    use Format::*;

    #[test]
    fn journald_short_around_klog_printf() {
        check(
            J_KLOG,
            Want {
                layers: &[JournaldShort, Klog],
                // The journal's whole second and klog's microseconds agree: klog's reading is kept.
                time: wall(3, 13, 16, 2, 43, 934_473_000),
                severity: Severity::Info,
                host: Some("vk-prod4-node-v18-w3fz"),
                ident: Some("kubelet"),
                pid: Some(1450),
                caller: Some("kubelet.go:1778"),
                message: "skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
                ..Want::default()
            },
        );
        check(
            J_KLOG_PID7,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(7, 19, 18, 13, 26, 969_181_000),
                severity: Severity::Error,
                host: Some("node1"),
                ident: Some("kubelet"),
                pid: Some(2129392),
                caller: Some("kubelet.go:1852"),
                message: "skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s",
                ..Want::default()
            },
        );
        check(
            J_CJK.as_bytes(),
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(10, 16, 9, 50, 55, 56_703_000),
                severity: Severity::Warning,
                host: Some("ubuntu-k8s-3"),
                ident: Some("kubelet"),
                pid: Some(17144),
                caller: Some("eviction_manager.go:331"),
                message: "eviction manager: attempting to reclaim nodefs",
                ..Want::default()
            },
        );
    }

    #[test]
    fn journald_short_around_klog_structured() {
        check(
            J_K3S_KLOG_S,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(6, 17, 16, 18, 42, 80_925_000),
                severity: Severity::Info,
                host: Some("homelab-1"),
                ident: Some("k3s"),
                pid: Some(3814777),
                caller: Some("eviction_manager.go:381"),
                message: "Eviction manager: attempting to reclaim",
                escape: Escape::Go,
                fields: Fields::KeyValue(br#"resourceName="ephemeral-storage""#),
                ..Want::default()
            },
        );
        let r = check(
            J_KLOG_STRUCT,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(9, 7, 21, 49, 17, 171_114_000),
                severity: Severity::Info,
                host: Some("minikube"),
                ident: Some("kubelet"),
                pid: Some(2199),
                caller: Some("setters.go:548"),
                message: "Node became not ready",
                escape: Escape::Go,
                fields: Fields::KeyValue(tail(J_KLOG_STRUCT, r#"node="minikube""#)),
                ..Want::default()
            },
        );
        let Fields::KeyValue(kv) = r.fields else { unreachable!() };
        assert!(kv.starts_with(br#"node="minikube" condition={Type:Ready"#));
        assert!(kv::get(kv, b"condition").unwrap().raw.ends_with(b"threshold is 3m0s}"));
        let r = check(
            J_KLOG_JSON_VALUE,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(1, 12, 10, 56, 20, 222_397_000),
                severity: Severity::Info,
                host: Some("green-master-3"),
                ident: Some("kubelet"),
                pid: Some(3112080),
                caller: Some("setters.go:552"),
                message: "Node became not ready",
                escape: Escape::Go,
                fields: Fields::KeyValue(tail(J_KLOG_JSON_VALUE, "node=")),
                ..Want::default()
            },
        );
        let Fields::KeyValue(kv) = r.fields else { unreachable!() };
        assert_eq!(kv::get(kv, b"node").unwrap().raw, b"green-master-3");
    }

    #[test]
    fn journald_short_precise_keeps_the_envelope_when_klog_disagrees() {
        // The fixture's klog header says June 6 under a July 5 journal entry: the host's journal clock is kept,
        // with its microseconds; the pid is the journal's (the process), not klog's thread id.
        check(
            J_PRECISE,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(7, 5, 17, 47, 52, 807_876_000),
                severity: Severity::Info,
                host: Some("ci-op-lxqqvl5x-d3bee-gl4hp-master-0"),
                ident: Some("hyperkube"),
                pid: Some(1495),
                caller: Some("prober.go:121"),
                message: "Probe failed",
                escape: Escape::Go,
                fields: Fields::KeyValue(tail(J_PRECISE, "probeType=")),
                ..Want::default()
            },
        );
    }

    #[test]
    fn k3s_journal_plus_eight_hours_against_utc_klog_keeps_the_envelope() {
        check(
            J_KLOG_8H,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(1, 12, 10, 56, 20, 0),
                severity: Severity::Info,
                host: Some("green-master-3"),
                ident: Some("kubelet"),
                pid: Some(3112080),
                caller: Some("setters.go:552"),
                message: "Node became not ready",
                escape: Escape::Go,
                fields: Fields::KeyValue(br#"node="green-master-3""#),
                ..Want::default()
            },
        );
    }

    #[test]
    fn journald_iso_and_unix_envelopes_win_with_their_instant() {
        check(
            J_ISO_KLOG,
            Want {
                layers: &[JournaldIso, Klog],
                time: at(1_575_493_164_000_000_000),
                severity: Severity::Info,
                host: Some("node1"),
                ident: Some("kubelet"),
                pid: Some(1450),
                caller: Some("kubelet.go:1778"),
                message: "skipping pod synchronization",
                ..Want::default()
            },
        );
        check(
            J_UNIX_KLOG,
            Want {
                layers: &[JournaldUnix, Klog],
                time: at(1_575_493_164_234_181_000),
                severity: Severity::Info,
                host: Some("node1"),
                ident: Some("kubelet"),
                pid: Some(1450),
                caller: Some("kubelet.go:1778"),
                message: "skipping pod synchronization",
                ..Want::default()
            },
        );
    }

    #[test]
    fn syslog_without_pid_or_host() {
        check(
            SYSLOG_NOPID,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(4, 13, 10, 53, 52, 844_381_000),
                severity: Severity::Error,
                host: Some("ip-10-42-10-121"),
                ident: Some("kubelet"),
                // `kubelet:` has no pid: klog's is taken.
                pid: Some(3263),
                caller: Some("kubelet.go:2055"),
                message: "Skipping pod synchronization",
                escape: Escape::Go,
                fields: Fields::KeyValue(
                    br#"err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
                ),
                ..Want::default()
            },
        );
        check(
            J_NOHOST,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_570_779_641_836_770_354),
                severity: Severity::Error,
                ident: Some("dockerd"),
                pid: Some(19750),
                // The raw newline ended the physical line inside the quote: the rest of the line is the message.
                message: "Handler for POST /v1.24/containers/21bf691661f699eec889383d5d0c982306ebed95a65c02f9d50b549c2174ee07/start returned error: no status provided ",
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            SYSLOG_ETCD_BARE,
            Want {
                layers: &[JournaldShort],
                time: wall(8, 17, 17, 37, 30, 0),
                host: Some("k8s-master"),
                ident: Some("etcd"),
                message: r#"read-only range request "key:\"/registry/services/endpoints/kube-system/kube-controller-manager\" " with result "range_response_count:1 size:464" took too long (468.584252ms) to execute"#,
                ..Want::default()
            },
        );
    }

    #[test]
    fn k3s_journal_around_etcd_zap() {
        // An inner instant (zap `ts`) wins over the zoneless journal clock.
        check(
            J_K3S_ZAP,
            Want {
                layers: &[JournaldShort, ZapJson],
                time: at(1_704_873_333_433_522_000),
                severity: Severity::Warning,
                host: Some("MULTI-SINGLE-VM"),
                ident: Some("k3s"),
                pid: Some(820),
                caller: Some("etcdserver/v3_server.go:897"),
                message: "waiting for ReadIndex response took too long, retrying",
                escape: Escape::Json,
                fields: Fields::Json(tail(J_K3S_ZAP, "{")),
                ..Want::default()
            },
        );
        check(
            J_K3S_ZAP_FEB,
            Want {
                layers: &[JournaldShort, ZapJson],
                time: at(1_613_475_947_948_000_000),
                severity: Severity::Warning,
                host: Some("mnode2"),
                ident: Some("k3s"),
                pid: Some(10737),
                caller: Some("etcdserver/util.go:163"),
                message: "apply request took too long",
                escape: Escape::Json,
                fields: Fields::Json(tail(J_K3S_ZAP_FEB, "{")),
                ..Want::default()
            },
        );
        let line = J_K3S_ZAP_NOSPACE.as_bytes();
        check(
            line,
            Want {
                layers: &[JournaldShort, ZapJson],
                time: at(1_647_217_290_783_000_000),
                severity: Severity::Warning,
                host: Some("big-nuc"),
                ident: Some("k3s"),
                pid: Some(4240),
                caller: Some("etcdserver/util.go:123"),
                message: "failed to apply request",
                escape: Escape::Json,
                fields: Fields::Json(tail(line, "{")),
                ..Want::default()
            },
        );
    }

    #[test]
    fn journald_and_syslog_around_logrus() {
        check(
            J_DOCKER,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_454_923_627_214_570_725),
                severity: Severity::Info,
                host: Some("tricia.XXX"),
                ident: Some("docker"),
                pid: Some(45326),
                message: "GET /v1.21/containers/json",
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            J_DOCKER_OLD,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_429_043_889_000_000_000),
                severity: Severity::Info,
                host: Some("core-01"),
                ident: Some("docker"),
                pid: Some(760),
                message: "+job log(exec_start: bash , 2d8c91800890f5c11c2bc794e8d455449aeff8ef80fcb0efabd43ec35d720719, 192.168.254.96:5000/basehhvm:latest)",
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            J_CONTAINERD,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_588_780_551_343_817_675),
                severity: Severity::Info,
                host: Some("ovn-control-plane2"),
                ident: Some("containerd"),
                pid: Some(80),
                message: r#"RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id \"c5ce1301effe135a0656ded695b71bf2777eebb6fe19590dadb051bd8b31e754\""#,
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            J_CONTAINERD2,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_782_878_991_246_681_524),
                severity: Severity::Info,
                host: Some("lima-kata"),
                ident: Some("containerd"),
                pid: Some(5812),
                message: r#"RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1"#,
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            SYSLOG_DOCKERD,
            Want {
                layers: &[Syslog, Logrus],
                time: at(1_488_462_787_459_389_773),
                severity: Severity::Error,
                host: Some("ubuntu-xenial"),
                ident: Some("dockerd"),
                pid: Some(4072),
                message: "Handler for GET /containers/8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b/json returned error: No such container: 8a798de19a734db692d99d1aa4fafddd4a2c0ce06cf4af952758d0118493aa0b",
                escape: Escape::Go,
                ..Want::default()
            },
        );
        check(
            SYSLOG_DOCKERD_FIELDS,
            Want {
                layers: &[Syslog, Logrus],
                time: at(1_520_329_994_873_358_358),
                severity: Severity::Debug,
                host: Some("ubuntu-s-1vcpu-1gb-ams3-01"),
                ident: Some("dockerd"),
                pid: Some(3823),
                message: "bundle dir created",
                escape: Escape::Go,
                fields: Fields::KeyValue(b"bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged"),
                ..Want::default()
            },
        );
        // The logrus instant (…:09.957) wins over the journal's later whole second (…:10).
        check(
            J_DOCKER_HTTP,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_468_888_449_957_765_676),
                severity: Severity::Error,
                host: Some("ip-10-21-100-11.ec2.internal"),
                ident: Some("dockerd"),
                pid: Some(1383),
                message: "HTTP Error",
                escape: Escape::Go,
                fields: Fields::KeyValue(br#"err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#),
                ..Want::default()
            },
        );
        // No `time=`: the journal's clock is the record's.
        check(
            J_DOCKER_NOTIME,
            Want {
                layers: &[JournaldShort, Logrus],
                time: wall(3, 31, 15, 12, 47, 0),
                severity: Severity::Error,
                host: Some("intel6248"),
                ident: Some("dockerd"),
                pid: Some(22177),
                message: "error reading the kernel parameter net.ipv4.vs.expire_nodest_conn",
                escape: Escape::Go,
                fields: Fields::KeyValue(br#"error="open /proc/sys/net/ipv4/vs/expire_no"#),
                ..Want::default()
            },
        );
    }

    #[test]
    fn pager_truncated_line_keeps_its_cut_text() {
        // `>` is where the pager cut the line; nothing marks it as such for sure, so the text stays as written.
        check(
            J_PAGER,
            Want {
                layers: &[JournaldShort, Logrus],
                time: at(1_632_839_591_627_332_586),
                severity: Severity::Error,
                host: Some("test"),
                ident: Some("containerd"),
                pid: Some(39113),
                message: "RunPodSandbox for &PodSandboxMetadata{Name:nginx-kata,Uid:c363f62b-812>",
                escape: Escape::Go,
                ..Want::default()
            },
        );
    }

    #[test]
    fn etcd_under_journald() {
        // The journald formatter of etcd 3.3 (no time, no level, no package): the journal's record as it is.
        check(
            J_ETCD_BARE,
            Want {
                layers: &[JournaldShort],
                time: wall(9, 11, 14, 34, 50, 0),
                host: Some("etcd-pr-us-east1-1"),
                ident: Some("etcd"),
                pid: Some(13993),
                message: "raft.node: a9a27992a4a4672 lost leader 62e53e5872987014 at term 4366",
                ..Want::default()
            },
        );
        check(
            J_ETCD_BARE_MICRO.as_bytes(),
            Want {
                layers: &[JournaldShort],
                time: wall(5, 26, 6, 59, 12, 0),
                host: Some("etcd-1.example.com"),
                ident: Some("etcd"),
                pid: Some(95994),
                message: r#"failed to apply request "header:<ID:9866105099223188490 username:\"user\" auth_revision:27 > put:<key:\"test\" value_size:4 >" with response "" took (4.311µs) to execute, err is etcdserver: no space"#,
                ..Want::default()
            },
        );
        // capnslog inside the journal: the two wall clocks agree, capnslog's has the year and microseconds.
        check(
            J_CAPNSLOG,
            Want {
                layers: &[JournaldShort, Capnslog],
                time: wall_y(2018, 10, 11, 8, 36, 19, 724_999_000),
                severity: Severity::Warning,
                host: Some("master-1"),
                ident: Some("etcd"),
                pid: Some(2240),
                caller: Some("etcdserver"),
                message: r#"read-only range request "key:\"/registry/secrets/kube-system/app-manager-appmanager-token-2tv68\" " with result "range_response_count:1 size:2579" took too long (1.602181876s) to execute"#,
                ..Want::default()
            },
        );
        check(
            J_CGO,
            Want {
                layers: &[JournaldShort],
                time: wall(9, 13, 11, 30, 19, 0),
                host: Some("node02"),
                ident: Some("dockerd"),
                pid: Some(4979),
                message: "runtime/cgo: pthread_create failed: Resource temporarily unavailable",
                ..Want::default()
            },
        );
    }

    #[test]
    fn kernel_lines_under_journald_and_syslog() {
        check(
            J_KERNEL,
            Want {
                layers: &[JournaldShort],
                time: wall(6, 19, 22, 42, 14, 0),
                host: Some("rhel78"),
                ident: Some("kernel"),
                message: "Out of memory: Kill process 45465 (tail) score 902 or sacrifice child",
                ..Want::default()
            },
        );
        check(
            SYSLOG_KERNEL_STAMP,
            Want {
                layers: &[Syslog, Dmesg],
                time: wall(1, 5, 2, 12, 2, 0),
                host: Some("iZbp153spuk45ulvkwxf34Z"),
                ident: Some("kernel"),
                message: "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
                boot: Some(7_063_247_407_000),
                ..Want::default()
            },
        );
        check(
            J_KERNEL_PRECISE_STAMP,
            Want {
                layers: &[JournaldShort, Dmesg],
                time: wall(8, 30, 6, 58, 55, 50_705_000),
                host: Some("gpu-node-1"),
                ident: Some("kernel"),
                message: "INFO: task kworker/2:1:5747 blocked for more than 120 seconds.",
                boot: Some(26_825_855_448_000),
                ..Want::default()
            },
        );
        check(
            J_KERNEL_INDENTED,
            Want {
                layers: &[JournaldShort],
                time: wall(6, 19, 22, 42, 14, 0),
                host: Some("rhel78"),
                ident: Some("kernel"),
                message: "      Not tainted 4.19.0-6-amd64 #1 Debian",
                ..Want::default()
            },
        );
        check(
            DMESG,
            Want {
                layers: &[Dmesg],
                time: RawTime::SinceBoot {
                    nanos: 3_690_421_554_000,
                },
                message: "StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167",
                ..Want::default()
            },
        );
        check(
            DMESG_T,
            Want {
                layers: &[DmesgCtime],
                time: wall_y(2017, 12, 7, 0, 5, 15, 0),
                message: "Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child",
                ..Want::default()
            },
        );
        check(
            DMESG_T_DE,
            Want {
                layers: &[DmesgCtime],
                time: wall_y(2020, 11, 15, 15, 59, 41, 0),
                message: "INFO: task mysqld:44333 blocked for more than 120 seconds.",
                ..Want::default()
            },
        );
    }

    #[test]
    fn journald_short_monotonic() {
        // `journalctl -o short-monotonic`: the kernel's lines are dmesg lines with a host ...
        check(
            b"[ 7063.247407] node1 kernel: Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB",
            Want {
                layers: &[Dmesg],
                time: RawTime::SinceBoot {
                    nanos: 7_063_247_407_000,
                },
                host: Some("node1"),
                ident: Some("kernel"),
                message: "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB",
                ..Want::default()
            },
        );
        // ... and other units' entries carry their line, read as any journal body (time since boot kept).
        check(
            b"[ 7064.001234] node1 kubelet[1450]: E0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization",
            Want {
                layers: &[Dmesg, Klog],
                time: RawTime::SinceBoot {
                    nanos: 7_064_001_234_000,
                },
                severity: Severity::Error,
                host: Some("node1"),
                ident: Some("kubelet"),
                pid: Some(1450),
                caller: Some("kubelet.go:1778"),
                message: "skipping pod synchronization",
                ..Want::default()
            },
        );
        assert_eq!(
            outcome(
                b"[ 7064.001234] k8s-master kube-apiserver[912]: Trace[30044365]: [751.474113ms] [751.310476ms] END"
            ),
            Line::Continuation(b"Trace[30044365]: [751.474113ms] [751.310476ms] END")
        );
    }

    #[test]
    fn cri_around_klog_zap_golog_and_kube_json() {
        check(
            CRI_KLOG,
            Want {
                layers: &[Cri, Klog],
                time: at(1_653_170_446_835_887_817),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("secure_serving.go:200"),
                message: "Serving securely on 127.0.0.1:10259",
                ..Want::default()
            },
        );
        // Outer `+08:00` and inner `Z` are the same instant; the envelope's nanoseconds are kept.
        check(
            CRI_ZAP,
            Want {
                layers: &[Cri, ZapJson],
                time: at(1_692_326_845_111_490_788),
                severity: Severity::Warning,
                caller: Some("etcdserver/util.go:166"),
                message: "apply request took too long",
                escape: Escape::Json,
                fields: Fields::Json(tail(CRI_ZAP, "{")),
                ..Want::default()
            },
        );
        check(
            CRI_GOLOG,
            Want {
                layers: &[Cri, GoLog],
                time: at(1_580_008_649_346_494_690),
                caller: Some("provider.go:117"),
                message: "Defaulting client-id to system:serviceaccount:openshift-monitoring:alertmanager-main",
                ..Want::default()
            },
        );
        check(
            CRI_KUBEJSON,
            Want {
                layers: &[Cri, KubeJson],
                time: at(1_631_610_094_233_907_000),
                severity: Severity::Error,
                caller: Some("app/server.go:276"),
                message: "Failed to construct kubelet dependencies",
                escape: Escape::Json,
                fields: Fields::Json(tail(CRI_KUBEJSON, "{")),
                ..Want::default()
            },
        );
        let r = check(
            CRI_UNHANDLED,
            Want {
                layers: &[Cri, Klog],
                time: at(1_720_311_830_932_460_000),
                severity: Severity::Error,
                pid: Some(1),
                caller: Some("dispatcher.go:214"),
                message: "Unhandled Error",
                escape: Escape::Go,
                fields: Fields::KeyValue(tail(CRI_UNHANDLED, "err=")),
                ..Want::default()
            },
        );
        let Fields::KeyValue(kv) = r.fields else { unreachable!() };
        assert_eq!(kv::get(kv, b"logger").unwrap().raw, b"UnhandledError");
    }

    #[test]
    fn cri_partial_chunks_are_not_refined() {
        check(
            CRI_PARTIAL,
            Want {
                layers: &[Cri],
                time: at(1_607_355_158_994_574_754),
                message: "Hello from init container!",
                partial: true,
                ..Want::default()
            },
        );
        // The first piece of a long klog line stays whole, so the joined line keeps its header ...
        let piece = check(
            CRI_PARTIAL_KLOG,
            Want {
                layers: &[Cri],
                time: at(1_653_170_446_835_887_817),
                message: "I0521 22:00:46.835880       1 secure_serving.go:200] Serving secur",
                partial: true,
                ..Want::default()
            },
        );
        // ... and the reader refines the joined text as one envelope.
        let joined = Record {
            message: b"I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259",
            partial: false,
            ..piece
        };
        let r = refine(joined);
        assert_eq!(r.layers.iter().collect::<Vec<_>>(), [Cri, Klog]);
        assert_eq!(r.message, b"Serving securely on 127.0.0.1:10259");
        assert_eq!(r.time, piece.time);
        assert_eq!(r.severity, Severity::Info);
        check(
            DOCKER_PARTIAL,
            Want {
                layers: &[DockerJson],
                time: at(1_598_849_978_943_907_000),
                message: "I0831 04:59:38.943580       1 request.go:621] Throttl",
                partial: true,
                ..Want::default()
            },
        );
    }

    #[test]
    fn container_trace_steps_are_records() {
        // A container line carries its own exact time and may be the tail of a `P` run, which only the reader
        // can tell: it stays a record (the reader's partial join needs it), unlike journald's per-line prefix.
        check(
            CRI_TRACE,
            Want {
                layers: &[Cri],
                time: at(1_614_308_843_345_901_000),
                message: r#"Trace[478039569]: ---"Transaction prepared" 520ms (03:07:00.118)"#,
                ..Want::default()
            },
        );
    }

    #[test]
    fn docker_json_file() {
        check(
            DOCKER_NGINX,
            Want {
                layers: &[DockerJson],
                time: at(1_516_773_432_583_118_365),
                message: r#"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.57.0" "-""#,
                ..Want::default()
            },
        );
        check(
            DOCKER_SHELL,
            Want {
                layers: &[DockerJson],
                time: at(1_373_903_136_916_821_934),
                message: "root@95701614e3b6:/# ls",
                ..Want::default()
            },
        );
        check(
            DOCKER_KLOG,
            Want {
                layers: &[DockerJson, Klog],
                time: at(1_598_849_978_943_907_000),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("request.go:621"),
                message: "Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s",
                ..Want::default()
            },
        );
        check(
            DOCKER_KLOG_S,
            Want {
                layers: &[DockerJson, Klog],
                time: at(1_623_946_722_081_000_000),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("eviction_manager.go:381"),
                message: "Eviction manager: attempting to reclaim",
                escape: Escape::Go,
                fields: Fields::KeyValue(br#"resourceName="ephemeral-storage""#),
                ..Want::default()
            },
        );
    }

    #[test]
    fn timestamped_prefixes() {
        // kubectl logs --timestamps (cilium#7282): the RFC3339Nano instant wins over capnslog's wall clock.
        check(
            TS_CAPNSLOG,
            Want {
                layers: &[Timestamped, Capnslog],
                time: at(1_551_898_859_117_515_322),
                severity: Severity::Warning,
                caller: Some("etcdserver"),
                message: "failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)",
                ..Want::default()
            },
        );
        check(
            TS_KLOG,
            Want {
                layers: &[Timestamped, Klog],
                time: at(1_598_849_978_943_907_123),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("request.go:621"),
                message: "Throttling request took 1.048144864s",
                ..Want::default()
            },
        );
        // svlogd's reading has the fraction the Go log line lacks: the two agree, the finer one is kept.
        check(
            SVLOGD_GOLOG,
            Want {
                layers: &[Timestamped, GoLog],
                time: wall_y(2015, 6, 19, 20, 40, 38, 354_860_000),
                message: "etcdhttp: unexpected error: etcdserver: request timed out",
                ..Want::default()
            },
        );
    }

    #[test]
    fn journal_json_around_klog() {
        check(
            JJ_KLOG,
            Want {
                layers: &[JournalJson, Klog],
                time: at(1_584_115_363_934_473_000),
                severity: Severity::Info,
                host: Some("vk-prod4-node-v18-w3fz"),
                ident: Some("kubelet"),
                pid: Some(1450),
                caller: Some("kubelet.go:1778"),
                message: "skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]",
                ..Want::default()
            },
        );
        // MESSAGE is JSON-escaped, its klog body Go-quoted: decoded once into the scratch, then read by klog.
        check(
            JJ_KLOG_S,
            Want {
                layers: &[JournalJson, Klog],
                time: at(1_586_775_232_844_381_000),
                severity: Severity::Error,
                host: Some("ip-10-42-10-121"),
                ident: Some("kubelet"),
                pid: Some(3263),
                caller: Some("kubelet.go:2055"),
                message: "Skipping pod synchronization",
                escape: Escape::Go,
                fields: Fields::KeyValue(
                    br#"err="PLEG is not healthy: pleg was last seen active 2h33m12.704970756s ago; threshold is 3m0s""#,
                ),
                ..Want::default()
            },
        );
        // MESSAGE over 4096 bytes without --all: null, an empty record with the entry's PRIORITY.
        check(
            JJ_NULL,
            Want {
                layers: &[JournalJson],
                time: at(1_584_115_363_934_473_000),
                severity: Severity::Warning,
                host: Some("node1"),
                ident: Some("kube-apiserver"),
                pid: Some(912),
                message: "",
                fields: Fields::Json(JJ_NULL),
                ..Want::default()
            },
        );
        assert_eq!(
            outcome(JJ_TRACE),
            Line::Continuation(b"Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database")
        );
    }

    #[test]
    fn journal_json_byte_array_message() {
        // Not printable UTF-8 (colour escapes): MESSAGE is an array of byte numbers, decoded into the scratch.
        let body: &[u8] = b"W1016 09:50:55.056703   17144 eviction_manager.go:331] \x1b[31mreclaim nodefs\x1b[0m";
        let numbers: Vec<String> = body.iter().map(|b| b.to_string()).collect();
        let line = format!(
            r#"{{"__REALTIME_TIMESTAMP":"1602841855056703","PRIORITY":"4","_HOSTNAME":"ubuntu-k8s-3","SYSLOG_IDENTIFIER":"kubelet","_PID":"17144","MESSAGE":[{}]}}"#,
            numbers.join(",")
        );
        let line: &'static [u8] = Box::leak(line.into_bytes().into_boxed_slice());
        check(
            line,
            Want {
                layers: &[JournalJson, Klog],
                time: at(1_602_841_855_056_703_000),
                severity: Severity::Warning,
                host: Some("ubuntu-k8s-3"),
                ident: Some("kubelet"),
                pid: Some(17144),
                caller: Some("eviction_manager.go:331"),
                message: "\x1b[31mreclaim nodefs\x1b[0m",
                ..Want::default()
            },
        );
    }

    #[test]
    fn bare_single_format_lines() {
        let r = check(
            KLOG_UNHANDLED,
            Want {
                layers: &[Klog],
                time: wall(7, 7, 0, 23, 50, 932_402_000),
                severity: Severity::Error,
                pid: Some(1),
                caller: Some("dispatcher.go:214"),
                message: "Unhandled Error",
                escape: Escape::Go,
                fields: Fields::KeyValue(tail(KLOG_UNHANDLED, "err=")),
                ..Want::default()
            },
        );
        let Fields::KeyValue(kv) = r.fields else { unreachable!() };
        assert!(kv.starts_with(br#"err="failed calling webhook \"linkerd-proxy-injector.linkerd.io\""#));
        assert_eq!(kv::get(kv, b"logger").unwrap().raw, b"UnhandledError");
        assert!(kv::get(kv, b"err")
            .unwrap()
            .raw
            .ends_with(br#"\"linkerd-proxy-injector\" not found"#));
        check(
            ZAP,
            Want {
                layers: &[ZapJson],
                time: at(1_593_479_860_457_000_000),
                severity: Severity::Warning,
                caller: Some("etcdserver/util.go:144"),
                message: "apply request took too long",
                escape: Escape::Json,
                fields: Fields::Json(ZAP),
                ..Want::default()
            },
        );
        check(
            ZAP_RAFT,
            Want {
                layers: &[ZapJson],
                time: at(1_661_851_159_245_000_000),
                severity: Severity::Warning,
                ident: Some("raft"),
                caller: Some("etcdserver/zap_raft.go:85"),
                message: "141adac8c067b6dd stepped down to follower since quorum is not active",
                escape: Escape::Json,
                fields: Fields::Json(ZAP_RAFT),
                ..Want::default()
            },
        );
        check(
            KUBEJSON,
            Want {
                layers: &[KubeJson],
                time: at(1_616_398_324_656_752_400),
                severity: Severity::Info,
                message: r#"FLAG: --eviction-soft=\"\""#,
                escape: Escape::Json,
                fields: Fields::Json(KUBEJSON),
                ..Want::default()
            },
        );
        check(
            CAPNSLOG,
            Want {
                layers: &[Capnslog],
                time: wall_y(2016, 4, 22, 3, 4, 9, 678_778_000),
                severity: Severity::Warning,
                caller: Some("etcdserver"),
                message: "failed to send out heartbeat on time (deadline exceeded for 185.938874ms)",
                ..Want::default()
            },
        );
        check(
            GOLOG,
            Want {
                layers: &[GoLog],
                time: wall_y(2015, 6, 19, 20, 40, 38, 0),
                message: "etcdhttp: unexpected error: etcdserver: request timed out",
                ..Want::default()
            },
        );
        check(
            TRACE_HEAD,
            Want {
                layers: &[Klog],
                time: wall(6, 1, 6, 46, 52, 346_101_000),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("trace.go:81"),
                message: r#"Trace[1423535433]: "GuaranteedUpdate etcd3: *core.Event" (started: 2019-06-01 06:46:51.520357313 +0000 UTC m=+149.092873480) (total time: 825.718155ms):"#,
                ..Want::default()
            },
        );
        check(
            J_TRACE_HEAD,
            Want {
                layers: &[JournaldShort, Klog],
                time: wall(10, 28, 11, 17, 56, 769_385_000),
                severity: Severity::Info,
                host: Some("zero-pi"),
                ident: Some("k3s"),
                pid: Some(484),
                caller: Some("trace.go:205"),
                message: r#"Trace[1920479996]: "GuaranteedUpdate etcd3" type:*v1.Endpoints (28-Oct-2021 11:17:54.460) (total time: 2308ms):"#,
                ..Want::default()
            },
        );
    }

    #[test]
    fn continuations() {
        for line in [TRACE_STEP, TRACE_NESTED, AWS_TAB, KLOG_BLOCK_END, GOROUTINE, PC] {
            assert_eq!(outcome(line), Line::Continuation(line), "{}", show(line));
        }
        // journald and syslog give each line of a multi-line message its own prefix: the body continues.
        check_outcomes(&[
            (
                J_TRACE_STEP,
                Line::Continuation(br#"Trace[1920479996]: ---"initial value restored" 196ms (11:17:54.657)"#),
            ),
            (
                SYSLOG_TRACE_STEP,
                Line::Continuation(b"Trace[30044365]: [751.474113ms] [751.310476ms] Object stored in database"),
            ),
            (J_SIGABRT, Line::Continuation(b"SIGABRT: abort")),
        ]);
        // With any hint, a continuation stays one.
        for hint in ALL_FORMATS {
            for line in [TRACE_STEP, TRACE_NESTED, AWS_TAB, KLOG_BLOCK_END, GOROUTINE] {
                assert_eq!(
                    parse_static(line, hint),
                    Line::Continuation(line),
                    "{hint:?} {}",
                    show(line)
                );
            }
            assert!(
                matches!(parse_static(J_TRACE_STEP, hint), Line::Continuation(_)),
                "{hint:?}"
            );
        }
        for (line, want) in [
            (
                &b"created by k8s.io/kubernetes/vendor/k8s.io/apimachinery/pkg/util/wait.Until"[..],
                true,
            ),
            (
                b"panic: runtime error: invalid memory address or nil pointer dereference",
                true,
            ),
            (b"Tracer started", false),
            (b"", false),
        ] {
            assert_eq!(is_continuation(line), want, "{}", show(line));
        }
    }

    /// `outcome(line)` for each `(line, want)`.
    fn check_outcomes(cases: &[(&'static [u8], Line<'static>)]) {
        for (line, want) in cases {
            assert_eq!(&outcome(line), want, "{}", show(line));
        }
    }

    #[test]
    #[rustfmt::skip]
    fn meta_lines() {
        check_outcomes(&[
            (b"Log file created at: 2019/06/01 06:46:51", Line::Meta(Meta::KlogCreated(wall_y(2019, 6, 1, 6, 46, 51, 0)))),
            (b"Running on machine: master-1", Line::Meta(Meta::KlogMachine(b"master-1"))),
            (b"Binary: Built with gc go1.12.5 for linux/amd64", Line::Meta(Meta::KlogPreamble)),
            (b"Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg", Line::Meta(Meta::KlogPreamble)),
            (b"-- Logs begin at Tue 2020-05-12 06:29:00 MSK, end at Tue 2020-05-12 09:29:00 MSK. --", Line::Meta(Meta::JournalBanner)),
            (b"-- No entries --", Line::Meta(Meta::JournalBanner)),
            (b"-- Reboot --", Line::Meta(Meta::JournalReboot)),
            (b"-- Reboot --\r", Line::Meta(Meta::JournalReboot)),
            (MINIKUBE, Line::Meta(Meta::Section(b"kube-apiserver"))),
            // Newer minikube drops the quotes; other sections have no container id.
            (b"==> etcd [0a5b8a1e5b7c] <==", Line::Meta(Meta::Section(b"etcd"))),
            (b"==> container status <==", Line::Meta(Meta::Section(b"container status"))),
            // The container names the component, as in minikube's header.
            (DUMP_START, Line::Meta(Meta::Section(b"etcd"))),
            (DUMP_END, Line::Meta(Meta::SectionEnd)),
            (b"==== START logs for container kube-scheduler of pod kube-system/kube-scheduler-m1 ====", Line::Meta(Meta::Section(b"kube-scheduler"))),
            // Lookalikes are not meta lines.
            (b"==> no closing arrow", Line::Unparsed),
            (b"-- a dash comment", Line::Unparsed),
            (b"Running late", Line::Unparsed),
        ]);
    }

    #[test]
    fn blank_and_unparsed() {
        for line in [&b""[..], b" ", b"\r", b"\t \r", b"   \t"] {
            assert_eq!(outcome(line), Line::Blank, "{line:?}");
        }
        for line in [
            // The month cut off by a paste: nothing to anchor on.
            MONTH_CUT,
            // logrus TTY shape is not seen in journals and has no year/date: not read.
            LOGRUS_TTY,
            PLAIN,
            br#"dockerd[1836]: time="2018-05-02T09:53:05.104990307+08:00" level=error msg="x""#,
        ] {
            assert_eq!(outcome(line), Line::Unparsed, "{}", show(line));
        }
    }

    #[test]
    fn k9s_bordered_paste_is_peeled() {
        // k9s's log view copied from a terminal: `│ <line><padding> │`. The border and padding are not the log's.
        check(
            K9S.as_bytes(),
            Want {
                layers: &[Klog],
                time: wall(1, 10, 9, 21, 8, 551_571_000),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("devices.go:189"),
                message: "Loading device configuration from file: /device-config.yaml",
                ..Want::default()
            },
        );
        // A row cut at the pane's width.
        check(
            K9S_CUT.as_bytes(),
            Want {
                layers: &[Klog],
                time: wall(1, 10, 9, 21, 8, 552_065_000),
                severity: Severity::Info,
                pid: Some(1),
                caller: Some("devices.go:194"),
                message: "Loaded config: &{{nvidia.com/gpu nvidia.com/gpumem nvidia.com/gpucores nvidia.com/gpumem-percentage nvidia.com/priority false 0 0 1 10 1 1 false [{[A30] [[{1g.6gb 6144 4}] [{2g.12gb 12288",
                ..Want::default()
            },
        );
        assert_eq!(outcome("│                                  │".as_bytes()), Line::Blank);
        // A byte-order mark before a file's first line.
        let r = match outcome(
            b"\xef\xbb\xbfI0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s",
        ) {
            Line::Record(r) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(r.layers.iter().collect::<Vec<_>>(), [Klog]);
        assert_eq!(outcome("│".as_bytes()), Line::Blank);
        assert_eq!(
            outcome("│ \tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors   │".as_bytes()),
            Line::Continuation(b"\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors")
        );
        // A journald line pasted from a k9s node shell.
        let r = match outcome("│ Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization │".as_bytes()) {
            Line::Record(r) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(r.layers.iter().collect::<Vec<_>>(), [JournaldShort, Klog]);
        assert_eq!(r.message, b"skipping pod synchronization");
    }

    #[test]
    fn hints_are_only_tried_first() {
        // A journald file hint on a bare klog line, a CRI hint on a docker line, a klog hint on a journal line.
        for (line, hint, layers) in [
            (KLOG_THROTTLE, JournaldShort, &[Klog][..]),
            (DOCKER_KLOG, Cri, &[DockerJson, Klog][..]),
            (J_KLOG, Klog, &[JournaldShort, Klog][..]),
            (CRI_ZAP, ZapJson, &[Cri, ZapJson][..]),
            (J_K3S_ZAP, ZapJson, &[JournaldShort, ZapJson][..]),
            (JJ_KLOG, DockerJson, &[JournalJson, Klog][..]),
            (TS_CAPNSLOG, Capnslog, &[Timestamped, Capnslog][..]),
        ] {
            match parse_static(line, hint) {
                Line::Record(r) => assert_eq!(r.layers.iter().collect::<Vec<_>>(), layers, "{hint:?} {}", show(line)),
                other => panic!("{hint:?} {}: {other:?}", show(line)),
            }
        }
    }

    #[test]
    fn refine_reads_a_decoded_envelope_body_and_leaves_escaped_ones() {
        let envelope = Record {
            time: at(1_653_170_446_835_887_817),
            message:
                br#"I0617 16:18:42.080925       1 eviction_manager.go:381] "Eviction manager: attempting to reclaim""#,
            layers: Layers::one(Cri),
            ..Record::default()
        };
        let r = refine(envelope);
        assert_eq!(r.layers.iter().collect::<Vec<_>>(), [Cri, Klog]);
        assert_eq!(r.message, b"Eviction manager: attempting to reclaim");
        // Still JSON-escaped with a backslash: no grammar can read it as it is.
        let escaped = Record {
            message: br#"I0617 16:18:42.080925       1 x.go:1] \"Eviction\""#,
            escape: Escape::Json,
            layers: Layers::one(DockerJson),
            ..Record::default()
        };
        assert_eq!(refine(escaped), escaped);
        // Escaped but without a backslash: the bytes are the text.
        let plain = Record {
            escape: Escape::Json,
            ..envelope
        };
        assert_eq!(refine(plain).layers.iter().collect::<Vec<_>>(), [Cri, Klog]);
        // Kernel bodies: the printk stamp only.
        let kernel = Record {
            ident: Some(b"kernel"),
            message: b"[ 2704.282673] INFO: task crio:2173 blocked for more than 122 seconds.",
            layers: Layers::one(JournaldShort),
            ..Record::default()
        };
        let r = refine(kernel);
        assert_eq!(r.boot, Some(2_704_282_673_000));
        assert_eq!(r.message, b"INFO: task crio:2173 blocked for more than 122 seconds.");
        assert_eq!(refine(Record::default()), Record::default());
    }

    #[test]
    fn envelopes() {
        for f in ALL_FORMATS {
            let want = matches!(
                f,
                JournaldShort
                    | JournaldIso
                    | JournaldUnix
                    | JournalJson
                    | JournalExport
                    | Syslog
                    | Cri
                    | DockerJson
                    | Timestamped
            );
            assert_eq!(is_envelope(f), want, "{f:?}");
        }
    }

    /// `reconcile(outer, inner)` for each `(why, outer, inner, want)`.
    fn check_reconcile(cases: &[(&str, RawTime, RawTime, RawTime)]) {
        for &(why, outer, inner, want) in cases {
            assert_eq!(reconcile(outer, inner), want, "{why}: reconcile({outer:?}, {inner:?})");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn reconcile_times() {
        let short = wall(3, 13, 16, 2, 43, 0);
        let klog = wall(3, 13, 16, 2, 43, 934_473_000);
        let k3s = wall(1, 12, 10, 56, 20, 0);
        let cri = at(1_692_326_845_111_490_788);
        let zap = at(1_704_873_333_433_522_000);
        let svlogd = wall_y(2015, 6, 19, 20, 40, 38, 354_860_000);
        check_reconcile(&[
            // journald `short` seconds + klog microseconds: klog's.
            ("short + klog", short, klog, klog),
            // Up to 2 s apart, either way.
            ("2 s later", wall(3, 13, 16, 2, 45, 0), klog, klog),
            ("2 s earlier", wall(3, 13, 16, 2, 41, 0), klog, klog),
            // More apart (a host zone that is not the process's): the envelope's.
            ("3 s apart", wall(3, 13, 16, 2, 46, 0), klog, wall(3, 13, 16, 2, 46, 0)),
            ("8 h apart", k3s, wall(1, 12, 2, 56, 20, 222_397_000), k3s),
            // Same time of day on another day: the envelope's.
            ("another day", wall(7, 5, 17, 47, 52, 807_876_000), wall(6, 6, 17, 47, 52, 807_876_000), wall(7, 5, 17, 47, 52, 807_876_000)),
            // Envelope instants win over inner wall readings and inner instants alike.
            ("instant over wall", cri, wall(8, 18, 2, 47, 25, 111_000_000), cri),
            ("instant over instant", cri, at(1_692_326_845_111_000_000), cri),
            // An inner instant (zap `ts`) wins over a zoneless envelope.
            ("zap ts", wall(1, 10, 7, 55, 33, 0), zap, zap),
            // Missing times.
            ("no outer", RawTime::None, klog, klog),
            ("no inner", short, RawTime::None, short),
            ("neither", RawTime::None, RawTime::None, RawTime::None),
            // The inner reading takes the envelope's year when it has none; capnslog's own year is kept.
            ("envelope year", wall_y(2021, 3, 13, 16, 2, 43, 0), klog, wall_y(2021, 3, 13, 16, 2, 43, 934_473_000)),
            ("capnslog year", short, wall_y(2018, 3, 13, 16, 2, 43, 5), wall_y(2018, 3, 13, 16, 2, 43, 5)),
            // The finer of two agreeing readings: svlogd's fraction over Go log's whole second, with the year.
            ("svlogd, both years", svlogd, wall_y(2015, 6, 19, 20, 40, 38, 0), svlogd),
            ("svlogd, inner year", wall(6, 19, 20, 40, 38, 354_860_000), wall_y(2015, 6, 19, 20, 40, 38, 0), svlogd),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn reconcile_across_midnight() {
        let klog = wall(12, 31, 23, 59, 59, 999_000_000);
        check_reconcile(&[
            // The journal stamped the entry after midnight; klog before it.
            ("0 s after", wall(1, 1, 0, 0, 0, 0), klog, klog),
            ("1 s after", wall(1, 1, 0, 0, 1, 0), klog, klog),
            ("2 s after", wall(1, 1, 0, 0, 2, 0), klog, wall(1, 1, 0, 0, 2, 0)),
            // With a year in the envelope the inner reading belongs to the year before.
            ("year before", wall_y(2021, 1, 1, 0, 0, 0, 0), klog, wall_y(2020, 12, 31, 23, 59, 59, 999_000_000)),
            // And the other way round.
            ("year after", wall_y(2020, 12, 31, 23, 59, 59, 0), wall(1, 1, 0, 0, 0, 500), wall_y(2021, 1, 1, 0, 0, 0, 500)),
            // Month ends.
            ("Feb 28", wall(3, 1, 0, 0, 0, 0), wall(2, 28, 23, 59, 59, 7), wall(2, 28, 23, 59, 59, 7)),
            ("Feb 29", wall(3, 1, 0, 0, 0, 0), wall(2, 29, 23, 59, 59, 7), wall(2, 29, 23, 59, 59, 7)),
            ("Apr 30", wall(5, 1, 0, 0, 0, 0), wall(4, 30, 23, 59, 59, 7), wall(4, 30, 23, 59, 59, 7)),
            ("Oct 16", wall(10, 17, 0, 0, 0, 0), wall(10, 16, 23, 59, 59, 7), wall(10, 16, 23, 59, 59, 7)),
            // Not adjacent days.
            ("2 days", wall(10, 18, 0, 0, 0, 0), wall(10, 16, 23, 59, 59, 7), wall(10, 18, 0, 0, 0, 0)),
            ("a month", wall(4, 1, 0, 0, 0, 0), wall(2, 28, 23, 59, 59, 7), wall(4, 1, 0, 0, 0, 0)),
            ("a year less a day", wall(1, 1, 23, 59, 59, 0), wall(12, 31, 0, 0, 0, 0), wall(1, 1, 23, 59, 59, 0)),
        ]);
    }

    /// One line's outcome in a few words, for whole-file tests.
    fn summary(l: &Line<'_>) -> String {
        match l {
            Line::Record(r) => {
                let layers: Vec<&str> = r.layers.iter().map(Format::as_str).collect();
                format!(
                    "{} {} {}",
                    layers.join(">"),
                    r.severity.as_str(),
                    r.ident.map(show).unwrap_or_default()
                )
            }
            Line::Continuation(t) => format!("continuation {}", show(t)),
            Line::Meta(m) => format!("{m:?}"),
            Line::Blank => "blank".into(),
            Line::Unparsed => "unparsed".into(),
        }
    }

    /// A k3s journal (`journalctl -u k3s -o short`, a BST host): klog printf and structured, Trace blocks split
    /// by journald, embedded etcd's zap JSON (server and client), k3s's own logrus, the kernel, a reboot.
    const K3S_JOURNAL: &str = r#"-- Logs begin at Thu 2021-10-28 10:02:11 BST, end at Thu 2021-10-28 11:20:03 BST. --
Oct 28 11:17:55 zero-pi k3s[484]: time="2021-10-28T11:17:55.104990307+01:00" level=info msg="Cluster-Http-Server 2021/10/28 11:17:55 http: TLS handshake error from 10.0.0.2:51234: EOF"
Oct 28 11:17:56 zero-pi k3s[484]: I1028 11:17:56.769385     484 trace.go:205] Trace[1920479996]: "GuaranteedUpdate etcd3" type:*v1.Endpoints (28-Oct-2021 11:17:54.460) (total time: 2308ms):
Oct 28 11:17:56 zero-pi k3s[484]: Trace[1920479996]: ---"initial value restored" 196ms (11:17:54.657)
Oct 28 11:17:56 zero-pi k3s[484]: Trace[1920479996]: ---"Transaction prepared" 1606ms (11:17:56.263)
Oct 28 11:17:56 zero-pi k3s[484]: Trace[1920479996]: [2.308497005s] [2.308497005s] END
Oct 28 11:17:57 zero-pi k3s[484]: {"level":"warn","ts":"2021-10-28T10:17:57.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}
Oct 28 11:17:57 zero-pi k3s[484]: {"level":"warn","ts":"2021-10-28T11:17:57.512+0100","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0x4000bbc380/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}
Oct 28 11:17:58 zero-pi k3s[484]: E1028 11:17:58.844381     484 kubelet.go:2055] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m12.704970756s ago; threshold is 3m0s"
Oct 28 11:17:58 zero-pi k3s[484]: W1028 11:17:58.056703     484 eviction_manager.go:331] eviction manager: attempting to reclaim nodefs
Oct 28 11:17:59 zero-pi kernel: [ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986
Oct 28 11:18:00 zero-pi k3s[484]: time="2021-10-28T11:18:00.246681524+01:00" level=error msg="Failed to connect to proxy" error="websocket: bad handshake"

-- Reboot --
Oct 28 11:20:01 zero-pi systemd[1]: Started Lightweight Kubernetes.
Oct 28 11:20:02 zero-pi k3s[501]: {"level":"info","ts":"2021-10-28T10:20:02.457Z","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"8e9e05c52164694d became leader at term 5"}
Oct 28 11:20:02 zero-pi k3s[501]: goroutine 1234 [running]:
Oct 28 11:20:03 zero-pi k3s[501]: I1028 11:20:03.171114     501 setters.go:548] "Node became not ready" node="zero-pi" condition={Type:Ready Status:False Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}
"#;

    #[test]
    fn mixed_k3s_journal() {
        let file = K3S_JOURNAL.as_bytes();
        let hint = match crate::sniff::sniff(file) {
            crate::sniff::Sniffed::Text {
                format,
                inner,
                records,
                sampled,
            } => {
                assert_eq!((format, inner, records, sampled), (JournaldShort, Klog, 11, 18));
                format
            }
            other => panic!("{other:?}"),
        };
        let want = [
            "JournalBanner",
            "journald-short>logrus info k3s",
            "journald-short>klog info k3s",
            r#"continuation Trace[1920479996]: ---"initial value restored" 196ms (11:17:54.657)"#,
            r#"continuation Trace[1920479996]: ---"Transaction prepared" 1606ms (11:17:56.263)"#,
            "continuation Trace[1920479996]: [2.308497005s] [2.308497005s] END",
            "journald-short>zap-json warning k3s",
            "journald-short>zap-json warning k3s",
            "journald-short>klog error k3s",
            "journald-short>klog warning k3s",
            "journald-short>dmesg unknown kernel",
            "journald-short>logrus error k3s",
            "blank",
            "JournalReboot",
            "journald-short unknown systemd",
            "journald-short>zap-json info k3s",
            "continuation goroutine 1234 [running]:",
            "journald-short>klog info k3s",
        ];
        // One scratch for the whole file, as the reader does.
        let mut scratch = Scratch::default();
        let mut times = Vec::new();
        let lines: Vec<&[u8]> = file.strip_suffix(b"\n").unwrap().split(|&c| c == b'\n').collect();
        assert_eq!(lines.len(), want.len());
        for (raw, want) in lines.iter().zip(want) {
            let out = parse(raw, hint, &mut scratch);
            assert_eq!(summary(&out), want, "{}", show(raw));
            if let Line::Record(r) = out {
                times.push(r.time);
            }
        }
        // BST host: logrus `+01:00` and zap `Z`/`+0100` instants; klog and the kernel on the journal's wall clock.
        assert_eq!(
            times,
            [
                at(1_635_416_275_104_990_307),
                wall(10, 28, 11, 17, 56, 769_385_000),
                at(1_635_416_277_433_522_000),
                at(1_635_416_277_512_000_000),
                wall(10, 28, 11, 17, 58, 844_381_000),
                wall(10, 28, 11, 17, 58, 56_703_000),
                wall(10, 28, 11, 17, 59, 0),
                at(1_635_416_280_246_681_524),
                wall(10, 28, 11, 20, 1, 0),
                at(1_635_416_402_457_000_000),
                wall(10, 28, 11, 20, 3, 171_114_000),
            ]
        );
    }

    // --- robustness -------------------------------------------------------------------------------------------

    /// xorshift64: deterministic, no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn pick<T: Copy>(&mut self, from: &[T]) -> T {
            from[self.below(from.len())]
        }
    }

    /// Bytes that steer the grammars: digits, separators, quotes, escapes, brackets, level letters, UTF-8 leads.
    const STEER: &[u8] = b"0123456789 :.-+T_Z/\"\\{}[]<>=,|\t\r\nIWEFPF\xe2\x94\x82\xc2\xb5\xff\x00";

    /// Pieces of headers and bodies, glued at random into lines that get deep into every grammar.
    const TOKENS: &[&[u8]] = &[
        b"I0313",
        b"E1029",
        b"W",
        b" 16:02:43.934473",
        b"    1450 ",
        b"1",
        b" kubelet.go:1778] ",
        b"] ",
        b"\"",
        b"Mar 13 ",
        b"Mar  2 ",
        b"feb 16 ",
        "10月 16 ".as_bytes(),
        b"12:45:47",
        b" host ",
        b"k3s[484]: ",
        b"kernel: ",
        b"kubelet: ",
        b"[ 7063.247407] ",
        b"[Thu Dec  7 00:05:15 2017] ",
        b"<6>",
        b"2023-08-18T10:47:25.111490788+08:00",
        b"2019-03-06 19:00:59.117256",
        b"2015/06/19 20:40:38",
        b"2015-06-19_20:40:38.35486",
        b"1575493164.234181",
        b" stderr F ",
        b" stdout P ",
        b" W | ",
        b"etcdserver: ",
        b"{",
        b"}",
        b"\"level\":\"warn\"",
        b"\"ts\":",
        b"\"2021-02-16T12:45:47.948+0100\"",
        b"1616398324656.7524",
        b"1e308",
        b"-1",
        b"\"msg\":\"",
        b"\"log\":\"",
        b"\"MESSAGE\":",
        b"\"__REALTIME_TIMESTAMP\":\"1584115363934473\"",
        b"[27,91,300,-1]",
        b"null",
        b",",
        b":",
        b"time=\"",
        b"level=",
        b"msg=",
        b"key=<",
        b"\n\t",
        b" >",
        b"\\\"",
        b"\\u00e9",
        b"\\ud83d",
        b"\\x1b",
        b"\\377",
        b"\\",
        b"Trace[1]: ",
        b"==> ",
        b" <==",
        b"==== START logs for container ",
        b" ====",
        b"-- ",
        b" --",
        "│".as_bytes(),
        b"\xc3",
        b"\x00",
        b"\xff",
        b"99999999999999999999",
        b"0000-00-00T00:00:00Z",
        b" ",
        b"  ",
    ];

    /// Runs a line through every hint, then uses the result the way the reader does (decode, pairs, clock).
    fn exercise(line: &[u8], scratch: &mut Scratch, decoded: &mut Vec<u8>) {
        exercise_hints(line, &ALL_FORMATS, scratch, decoded);
    }

    fn exercise_hints(line: &[u8], hints: &[Format], scratch: &mut Scratch, decoded: &mut Vec<u8>) {
        for &hint in hints {
            let out = parse(line, hint, scratch);
            let Line::Record(r) = out else { continue };
            decoded.clear();
            escape::unescape(r.escape, r.message, decoded);
            match r.fields {
                Fields::KeyValue(kv) => {
                    for (k, v) in kv::pairs(kv) {
                        decoded.clear();
                        escape::unescape(v.escape(), v.raw, decoded);
                        let _ = k;
                    }
                    let _ = kv::get(kv, b"err");
                }
                Fields::Json(j) => {
                    let _ = crate::json::for_each_field(j, |_, _| {});
                }
                Fields::None => {}
            }
            if let RawTime::Wall(w) = r.time {
                let _ = w.unix_nanos_in(if w.year == 0 { 2024 } else { i32::from(w.year) });
            }
            if r.partial || r.layers.inner() == r.layers.outer() {
                // The reader refines joined pieces and decoded envelope bodies.
                let _ = refine(Record {
                    escape: Escape::None,
                    partial: false,
                    ..r
                });
            }
        }
    }

    /// Runs `f`; on a panic, names the input that caused it.
    fn guarded(what: &str, input: &[u8], f: impl FnOnce()) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
            panic!(
                "{what} panicked on {} bytes: {:?}",
                input.len(),
                String::from_utf8_lossy(&input[..input.len().min(600)])
            );
        }
    }

    #[test]
    fn no_panic_on_cut_and_mutated_real_lines() {
        let mut scratch = Scratch::default();
        let mut decoded = Vec::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut buf = Vec::new();
        for &line in CORPUS {
            // Cut at every byte, from either end (the tail keeps inner grammars' headers at odd offsets).
            for k in 0..=line.len() {
                guarded("prefix", &line[..k], || {
                    exercise(&line[..k], &mut scratch, &mut decoded)
                });
                guarded("suffix", &line[k..], || {
                    exercise(&line[k..], &mut scratch, &mut decoded)
                });
            }
            for _ in 0..150 {
                buf.clear();
                buf.extend_from_slice(line);
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(buf.len() + 1);
                    match rng.below(7) {
                        0 if at < buf.len() => buf[at] ^= 1 << rng.below(8),
                        1 if at < buf.len() => buf[at] = rng.pick(STEER),
                        2 => buf.insert(at, 0),
                        3 => {
                            let bad: &[u8] =
                                rng.pick(&[&b"\xff"[..], b"\xc3", b"\xe2\x94", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]);
                            buf.splice(at..at, bad.iter().copied());
                        }
                        4 if at < buf.len() => {
                            buf.remove(at);
                        }
                        5 => {
                            let t: &[u8] = rng.pick(TOKENS);
                            buf.splice(at..at, t.iter().copied());
                        }
                        _ => {
                            let end = (at + rng.below(40)).min(buf.len());
                            let piece = buf[at..end].to_vec();
                            buf.splice(at..at, piece);
                        }
                    }
                }
                guarded("mutation", &buf, || exercise(&buf, &mut scratch, &mut decoded));
            }
        }
    }

    #[test]
    fn no_panic_on_random_lines() {
        let mut scratch = Scratch::default();
        let mut decoded = Vec::new();
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut buf = Vec::new();
        for round in 0..6000 {
            buf.clear();
            match round % 3 {
                // Any bytes.
                0 => (0..rng.below(160)).for_each(|_| buf.push(rng.next() as u8)),
                // Steering bytes.
                1 => (0..rng.below(160)).for_each(|_| buf.push(rng.pick(STEER))),
                // Token soup.
                _ => (0..rng.below(24)).for_each(|_| buf.extend_from_slice(rng.pick(TOKENS))),
            }
            guarded("random line", &buf, || exercise(&buf, &mut scratch, &mut decoded));
        }
    }

    #[test]
    fn no_panic_on_two_mebibyte_lines() {
        const BIG: usize = 2 << 20;
        let mut scratch = Scratch::default();
        let mut decoded = Vec::new();
        // Each head with no hint (the dispatch reaches its grammar) and with its own format's hint; debug builds
        // read ~50 MB/s, so every hint is tried on a few of them only.
        let heads: [(&[u8], Format); 9] = [
            (b"", Text),
            (KLOG_THROTTLE, Klog),
            (br#"I0617 16:18:42.080925 3814777 eviction_manager.go:381] "m" k="#, Klog),
            (J_KLOG, JournaldShort),
            (br#"Jan 10 07:55:33 MULTI-SINGLE-VM k3s[820]: {"level":"warn","ts":"2024-01-10T07:55:33.433522Z","msg":""#, JournaldShort),
            (b"2020-12-07T15:32:38.994574754Z stdout P ", Cri),
            (br#"{"log":""#, DockerJson),
            (br#"Sep 28 14:33:11 test containerd[39113]: time="2021-09-28T14:33:11.627332586Z" level=error msg=""#, JournaldShort),
            (b"Jan  5 02:12:02 h kernel: [ ", Syslog),
        ];
        let fills: [&[u8]; 7] = [b"a", b" ", b"\"", b"\\", b"{", b"[", b"7"];
        for (i, (head, hint)) in heads.into_iter().enumerate() {
            for (j, fill) in fills.into_iter().enumerate() {
                let mut line = head.to_vec();
                while line.len() < BIG {
                    line.extend_from_slice(fill);
                }
                let hints: &[Format] = if (i + j) % 16 == 0 { &ALL_FORMATS } else { &[Text, hint] };
                guarded("long line", &line, || {
                    exercise_hints(&line, hints, &mut scratch, &mut decoded)
                });
            }
        }
        // A long run before any header, and a real line repeated into one long line.
        let mut line = vec![b' '; BIG];
        line.extend_from_slice(J_KLOG);
        guarded("long indent", &line, || {
            exercise_hints(&line, &[Text, Klog], &mut scratch, &mut decoded)
        });
        let line: Vec<u8> = CRI_ZAP.iter().copied().cycle().take(BIG).collect();
        guarded("repeated line", &line, || {
            exercise_hints(&line, &[Text, Cri], &mut scratch, &mut decoded)
        });
        let line: Vec<u8> = J_K3S_KLOG_S.iter().copied().cycle().take(BIG).collect();
        guarded("repeated line", &line, || {
            exercise_hints(&line, &[Text, JournaldShort], &mut scratch, &mut decoded)
        });
    }

    #[test]
    fn no_panic_sniffing_mutated_heads() {
        let mut rng = Rng(0xd1b5_4a32_d192_ed03);
        let mut head = Vec::new();
        for round in 0..600 {
            head.clear();
            for _ in 0..rng.below(40) {
                let line: &[u8] = rng.pick(CORPUS);
                let cut = rng.below(line.len() + 1);
                head.extend_from_slice(if round % 2 == 0 { line } else { &line[..cut] });
                if rng.below(8) == 0 {
                    head.push(rng.pick(STEER));
                }
                head.push(b'\n');
            }
            if round % 5 == 0 {
                (0..rng.below(300)).for_each(|_| head.push(rng.next() as u8));
            }
            guarded("sniff", &head, || {
                let _ = crate::sniff::sniff(&head);
            });
        }
        // Heads of the size the reader passes and larger, cut inside a line.
        let big: Vec<u8> = CORPUS
            .join(&b'\n')
            .iter()
            .copied()
            .cycle()
            .take(crate::sniff::SNIFF_BYTES + 777)
            .collect();
        for n in [
            0,
            1,
            100,
            crate::sniff::SNIFF_BYTES - 1,
            crate::sniff::SNIFF_BYTES,
            big.len(),
        ] {
            guarded("sniff", &big[..n], || {
                let _ = crate::sniff::sniff(&big[..n]);
            });
        }
    }
}
