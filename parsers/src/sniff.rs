//! Deciding a source's format from its first lines (the path only hints, and the caller weighs that).

use crate::line::{self, Scratch};
use crate::record::{Format, Line};

/// What the head of a source looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// Text lines; `format` is the most common outer format among the records, `inner` the most common
    /// innermost one (e.g. journald-short around klog), `records` how many of the sampled lines were records.
    Text {
        /// Most common outermost format.
        format: Format,
        /// Most common innermost format.
        inner: Format,
        /// Records among the sampled lines.
        records: usize,
        /// Lines sampled.
        sampled: usize,
    },
    /// `journalctl -o export` stream.
    JournalExport,
    /// A binary systemd journal file (`LPKSHHRH` magic): must be exported with journalctl first.
    BinaryJournal,
    /// Other binary content (NUL bytes or mostly control bytes).
    Binary,
}

/// How many bytes of the head are inspected.
pub const SNIFF_BYTES: usize = 64 * 1024;
const SNIFF_LINES: usize = 200;

/// Looks at the first [`SNIFF_BYTES`] of a source.
pub fn sniff(head: &[u8]) -> Sniffed {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if head.starts_with(b"LPKSHHRH") {
        return Sniffed::BinaryJournal;
    }
    // Before the binary test: an export stream's binary fields carry a little-endian length full of NULs.
    if looks_like_export(head) {
        return Sniffed::JournalExport;
    }
    if is_binary(head) {
        return Sniffed::Binary;
    }
    let mut scratch = Scratch::default();
    let mut outer_counts: Vec<(Format, usize)> = Vec::new();
    let mut inner_counts: Vec<(Format, usize)> = Vec::new();
    let (mut records, mut sampled) = (0, 0);
    // Whole lines only: not the empty piece after a final newline, nor a last line cut by the head's end.
    let body = match memchr::memrchr(b'\n', head) {
        Some(nl) if nl + 1 == head.len() || head.len() == SNIFF_BYTES => &head[..nl],
        _ => head,
    };
    let lines = (!head.is_empty()).then(|| body.split(|&c| c == b'\n'));
    for raw in lines.into_iter().flatten().take(SNIFF_LINES) {
        sampled += 1;
        if let Line::Record(r) = line::parse(raw, Format::Text, &mut scratch) {
            records += 1;
            bump(&mut outer_counts, r.layers.outer().unwrap_or(Format::Text));
            bump(&mut inner_counts, r.layers.inner().unwrap_or(Format::Text));
        }
    }
    Sniffed::Text {
        format: most(&outer_counts),
        inner: most(&inner_counts),
        records,
        sampled,
    }
}

fn bump(counts: &mut Vec<(Format, usize)>, f: Format) {
    match counts.iter_mut().find(|(g, _)| *g == f) {
        Some((_, n)) => *n += 1,
        None => counts.push((f, 1)),
    }
}

fn most(counts: &[(Format, usize)]) -> Format {
    // Ties go to the format seen first.
    let mut best: Option<(Format, usize)> = None;
    for &(f, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((f, n));
        }
    }
    best.map_or(Format::Text, |(f, _)| f)
}

/// NUL bytes, or more than 10% control bytes other than tab, CR, LF, ESC and form feed.
pub fn is_binary(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x1b | 0x0c))
        .count();
    control * 10 > head.len()
}

/// `journalctl -o export`: `__CURSOR=` / `__REALTIME_TIMESTAMP=` field lines. A stream cut inside an entry (a
/// `head -c` or a split capture) starts on any `FIELD=` line; it is export when a following entry starts in
/// the head.
fn looks_like_export(head: &[u8]) -> bool {
    if head.starts_with(b"__CURSOR=") || head.starts_with(b"__REALTIME_TIMESTAMP=") {
        return true;
    }
    let name = head
        .iter()
        .take(64)
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || **c == b'_')
        .count();
    name > 0
        && !head[0].is_ascii_digit()
        && matches!(head.get(name), Some(b'=' | b'\n'))
        && memchr::memmem::find(head, b"\n\n__CURSOR=").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journald_around_klog() {
        let head = b"-- Logs begin at Tue 2020-05-12 06:29:00 MSK, end at Tue 2020-05-12 09:29:00 MSK. --\n\
Mar 13 16:02:43 vk-prod4-node-v18-w3fz kubelet[1450]: I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.30015447s ago; threshold is 3m0s]\n\
Jul 19 18:13:26 node1 kubelet[2129392]: E0719 18:13:26.969181 2129392 kubelet.go:1852] skipping pod synchronization - PLEG is not healthy: pleg was last seen active 3m16.537604119s ago; threshold is 3m0s\n";
        match sniff(head) {
            Sniffed::Text {
                format, inner, records, ..
            } => {
                assert_eq!(format, Format::JournaldShort);
                assert_eq!(inner, Format::Klog);
                assert_eq!(records, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cri_around_zap() {
        let head = br#"2023-08-18T10:47:25.111490788+08:00 stderr F {"level":"warn","ts":"2023-08-18T02:47:25.111Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"627.833521ms","expected-duration":"200ms"}
2022-05-21T22:00:46.835887817+00:00 stderr F I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259
2020-12-07T15:32:38.994574754Z stdout P Hello from init container!
"#;
        match sniff(head) {
            Sniffed::Text { format, records, .. } => {
                assert_eq!(format, Format::Cri);
                assert_eq!(records, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_heads() {
        assert_eq!(sniff(b"LPKSHHRH\0\0\0\x01rest"), Sniffed::BinaryJournal);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0\0\0"), Sniffed::Binary);
        assert_eq!(
            sniff(b"__CURSOR=s=abc\n__REALTIME_TIMESTAMP=1\n"),
            Sniffed::JournalExport
        );
        assert!(!is_binary(
            b"I0313 16:02:43.934473    1450 kubelet.go:1778] \x1b[31mred\x1b[0m\n"
        ));
    }

    /// `(format, inner, records, sampled)` of a text head.
    fn text(head: &[u8]) -> (Format, Format, usize, usize) {
        match sniff(head) {
            Sniffed::Text {
                format,
                inner,
                records,
                sampled,
            } => (format, inner, records, sampled),
            other => panic!("not text: {other:?}"),
        }
    }

    use Format::*;

    #[test]
    fn journald_around_mixed_k3s_lines() {
        // klog wins the inner count over zap JSON and logrus; Trace steps are continuations, not records.
        let head = br#"Oct 28 11:17:56 zero-pi k3s[484]: I1028 11:17:56.769385     484 trace.go:205] Trace[1920479996]: "GuaranteedUpdate etcd3" type:*v1.Endpoints (28-Oct-2021 11:17:54.460) (total time: 2308ms):
Oct 28 11:17:56 zero-pi k3s[484]: Trace[1920479996]: ---"initial value restored" 196ms (11:17:54.657)
Jan 10 07:55:33 MULTI-SINGLE-VM k3s[820]: {"level":"warn","ts":"2024-01-10T07:55:33.433522Z","caller":"etcdserver/v3_server.go:897","msg":"waiting for ReadIndex response took too long, retrying","sent-request-id":11249020940439591963,"retry-timeout":"500ms"}
Jun 17 16:18:42 homelab-1 k3s[3814777]: I0617 16:18:42.080925 3814777 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"
Feb 08 11:27:07 tricia.XXX docker[45326]: time="2016-02-08T11:27:07.214570725+02:00" level=info msg="GET /v1.21/containers/json"
"#;
        assert_eq!(text(head), (JournaldShort, Klog, 4, 5));
    }

    #[test]
    fn syslog_around_kernel() {
        // kern.log with printk times (space-padded days: rsyslog's `%e`).
        let head = b"Jan  5 02:12:02 iZbp153spuk45ulvkwxf34Z kernel: [ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986
Jan  5 02:12:02 iZbp153spuk45ulvkwxf34Z kernel: [ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB
Jan  5 02:12:32 iZbp153spuk45ulvkwxf34Z kernel: [ 7093.543707] uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986
Jan  5 02:12:32 iZbp153spuk45ulvkwxf34Z kernel:       Not tainted 4.19.0-6-amd64 #1 Debian
";
        assert_eq!(text(head), (Syslog, Dmesg, 4, 4));
        // /var/log/messages without printk times: the kernel lines are the envelope's own.
        let head = b"Jun 19 22:42:14 rhel78 kernel: Out of memory: Kill process 45465 (tail) score 902 or sacrifice child
Jun 19 22:42:14 rhel78 kernel: Killed process 45465 (tail), UID 0, total-vm:7582132kB, anon-rss:7420324kB, file-rss:0kB, shmem-rss:0kB
";
        assert_eq!(text(head), (JournaldShort, JournaldShort, 2, 2));
    }

    #[test]
    fn cri_around_zap_and_klog() {
        let head = br#"2023-08-18T10:47:25.111490788+08:00 stderr F {"level":"warn","ts":"2023-08-18T02:47:25.111Z","caller":"etcdserver/util.go:166","msg":"apply request took too long","took":"627.833521ms","expected-duration":"200ms"}
2023-08-18T10:47:25.111490788+08:00 stderr F {"level":"info","ts":"2020-06-30T01:17:40.457Z","caller":"traceutil/trace.go:145","msg":"trace[308933825] range","detail":"{range_begin:/registry/volumeattachments; range_end:/registry/volumeattachmentt; }","duration":"10.935938079s","start":"2020-06-30T01:17:29.521Z","end":"2020-06-30T01:17:40.457Z","steps":["trace[308933825] 'agreement among raft nodes before linearized reading'  (duration: 10.935907372s)"]}
"#;
        assert_eq!(text(head), (Cri, ZapJson, 2, 2));
        let head = b"2022-05-21T22:00:46.835887817+00:00 stderr F I0521 22:00:46.835880       1 secure_serving.go:200] Serving securely on 127.0.0.1:10259\r
2021-02-26T03:07:23.345901Z stderr F Trace[478039569]: ---\"Transaction prepared\" 520ms (03:07:00.118)\r
";
        // CRLF line ends; a container Trace step is a record of the container envelope alone.
        assert_eq!(text(head), (Cri, Klog, 2, 2));
    }

    #[test]
    fn docker_json_file() {
        let head = br#"{"log":"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s, request: GET:https://myIP:6443/apis/authorization.k8s.io/v1?timeout=32s\n","stream":"stderr","time":"2020-08-31T04:59:38.943907Z"}
{"log":"I0617 16:18:42.080925       1 eviction_manager.go:381] \"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"\n","stream":"stderr","time":"2021-06-17T16:18:42.081Z"}
{"log":"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n","stream":"stdout","time":"2018-01-24T05:57:12.583118365Z"}
"#;
        assert_eq!(text(head), (DockerJson, Klog, 3, 3));
    }

    #[test]
    fn klog_file_with_preamble() {
        let head = br#"Log file created at: 2019/06/01 06:46:51
Running on machine: minikube
Binary: Built with gc go1.12.5 for linux/amd64
Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg
I0601 06:46:52.346101       1 trace.go:81] Trace[1423535433]: "GuaranteedUpdate etcd3: *core.Event" (started: 2019-06-01 06:46:51.520357313 +0000 UTC m=+149.092873480) (total time: 825.718155ms):
Trace[1423535433]: [333.643578ms] [333.643578ms] initial value restored
Trace[1423535433]: [825.699789ms] [491.824674ms] Transaction committed
E0610 02:55:28.185750   64201 aws_credentials.go:77] while getting AWS credentials NoCredentialProviders: no valid providers in chain. Deprecated.
	For verbose messaging see aws.Config.CredentialsChainVerboseErrors
"#;
        assert_eq!(text(head), (Klog, Klog, 2, 9));
        // minikube logs: section headers, then the component's klog lines.
        let head = br#"==> kube-apiserver ["3221ad23c91d"] <==
I1226 10:25:25.321785       1 trace.go:116] Trace[965115906]: "Get" url:/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler,user-agent:kube-scheduler/v1.17.0 (linux/amd64) kubernetes/70132b0/leader-election,client:127.0.0.1 (started: 2019-12-26 10:25:24.498854247 +0000 UTC m=+80.898256085) (total time: 822.890477ms):
Trace[965115906]: [822.836078ms] [822.759204ms] About to write a response
"#;
        assert_eq!(text(head), (Klog, Klog, 1, 3));
    }

    #[test]
    fn json_line_files() {
        let zap = br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply request took too long","took":"10.939542138s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\"/registry/namespaces/default\" ","response":"","error":"etcdserver: request timed out"}
{"level":"warn","ts":"2022-08-30T09:19:19.245Z","logger":"raft","caller":"etcdserver/zap_raft.go:85","msg":"141adac8c067b6dd stepped down to follower since quorum is not active"}
"#;
        assert_eq!(text(zap), (ZapJson, ZapJson, 2, 2));
        let kube = br#"{"ts":1616398324656.7524,"msg":"FLAG: --eviction-soft=\"\"\n","v":1}
{"ts":1631610094233.7605,"caller":"app/server.go:276","msg":"Failed to construct kubelet dependencies","err":"error reading /var/lib/kubelet/pki/kubelet.key, certificate and key must be supplied as a pair"}
{"ts":1648546681782.9763,"caller":"cmd/logger.go:79","msg":"Log using Errorf, err: fail\n"}
"#;
        assert_eq!(text(kube), (KubeJson, KubeJson, 3, 3));
        let journal = br#"{"__CURSOR":"s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece8","__REALTIME_TIMESTAMP":"1584115363934473","PRIORITY":"6","_HOSTNAME":"vk-prod4-node-v18-w3fz","SYSLOG_IDENTIFIER":"kubelet","_PID":"1450","MESSAGE":"I0313 16:02:43.934473    1450 kubelet.go:1778] skipping pod synchronization"}
{"__REALTIME_TIMESTAMP":"1586775232844381","PRIORITY":"3","_HOSTNAME":"ip-10-42-10-121","SYSLOG_IDENTIFIER":"kubelet","_PID":"3263","MESSAGE":"E0413 10:53:52.844381    3263 kubelet.go:2055] \"Skipping pod synchronization\" err=\"PLEG is not healthy\""}
{"__REALTIME_TIMESTAMP":"1584115363934473","PRIORITY":"4","_HOSTNAME":"node1","SYSLOG_IDENTIFIER":"kube-apiserver","_PID":"912","MESSAGE":null}
"#;
        assert_eq!(text(journal), (JournalJson, Klog, 3, 3));
    }

    #[test]
    fn capnslog_and_timestamped_files() {
        let capnslog = b"2016-04-22 03:04:09.678778 W | etcdserver: failed to send out heartbeat on time (deadline exceeded for 185.938874ms)
2016-04-22 03:04:09.680486 W | etcdserver: server is likely overloaded
2021-09-11 14:46:26.379622 I | raft: 305e2d98af38bb40 is starting a new election at term 57
2021-09-11 14:46:26.865712 I | raft: raft.node: 305e2d98af38bb40 elected leader 7752c0b6a21319fe at term 58
";
        assert_eq!(text(capnslog), (Capnslog, Capnslog, 4, 4));
        let timestamped = b"2019-03-06T19:00:59.117515322Z 2019-03-06 19:00:59.117256 W | etcdserver: failed to send out heartbeat on time (exceeded the 100ms timeout for 10.198201ms)
2019-03-06T19:00:59.117602110Z 2019-03-06 19:00:59.117578 W | etcdserver: server is likely overloaded
";
        assert_eq!(text(timestamped), (Timestamped, Capnslog, 2, 2));
    }

    #[test]
    fn dmesg_files() {
        let dmesg = b"[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986
[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB
[ 7093.543707] uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986
";
        assert_eq!(text(dmesg), (Dmesg, Dmesg, 3, 3));
        let dmesg_t = b"[Thu Dec  7 00:05:15 2017] Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child
[Thu Dec  7 00:05:15 2017] Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB
[Thu Dec  7 00:13:22 2017] java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998
";
        assert_eq!(text(dmesg_t), (DmesgCtime, DmesgCtime, 3, 3));
    }

    #[test]
    fn plain_application_text() {
        let head = b"Starting nginx 1.25.3\n\
Listening on port 8080\n\
java.lang.OutOfMemoryError: Java heap space\n\
\tat com.example.Cache.fill(Cache.java:42)\n";
        assert_eq!(text(head), (Text, Text, 0, 4));
        assert_eq!(text(b""), (Text, Text, 0, 0));
        assert_eq!(text(b"\n"), (Text, Text, 0, 1));
    }

    #[test]
    fn journal_export_streams() {
        // A binary field's little-endian length holds NUL bytes: still export, not binary.
        let mut head = b"__CURSOR=s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece8\n__REALTIME_TIMESTAMP=1584115363934473\n_HOSTNAME=node1\nMESSAGE\n"
            .to_vec();
        head.extend_from_slice(&9u64.to_le_bytes());
        head.extend_from_slice(b"\x1b[31mred\x1b[0m\n\n");
        assert_eq!(sniff(&head), Sniffed::JournalExport);
        // A stream cut inside its first entry.
        let cut = b"_TRANSPORT=stdout\nMESSAGE=I0313 16:02:43.934473    1450 kubelet.go:1778] x\n\n__CURSOR=s=1\n__REALTIME_TIMESTAMP=1584115363934473\nMESSAGE=y\n\n";
        assert_eq!(sniff(cut), Sniffed::JournalExport);
        // `KEY=value` text that is not an export stream.
        assert!(matches!(
            sniff(b"KUBECONFIG=/etc/kubernetes/admin.conf\nPATH=/usr/bin\n"),
            Sniffed::Text { .. }
        ));
    }

    #[test]
    fn binary_files() {
        // gzip, a binary journal, UTF-16 text.
        assert_eq!(
            sniff(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd"),
            Sniffed::Binary
        );
        assert_eq!(
            sniff(b"LPKSHHRH\x02\x00\x00\x00\x00\x00\x00\x00\x6c\x7c\x60\x13"),
            Sniffed::BinaryJournal
        );
        assert_eq!(sniff(b"I\x000\x003\x001\x003\x00"), Sniffed::Binary);
        // Mostly control bytes without a NUL.
        assert_eq!(sniff(b"\x01\x02\x03\x04abc\x05\x06\x07"), Sniffed::Binary);
        assert!(!is_binary(b""));
        assert!(!is_binary(b"Mar 13 16:02:43 node kubelet[1450]: \x0c page break\r\n"));
    }

    #[test]
    fn head_cut_inside_a_line() {
        // A head of exactly SNIFF_BYTES ends inside a line: that piece is not sampled.
        let line = b"I0831 04:59:38.943580       1 request.go:621] Throttling request took 1.048144864s\n";
        let mut head: Vec<u8> = line.iter().copied().cycle().take(SNIFF_BYTES).collect();
        let whole = SNIFF_BYTES / line.len();
        assert_eq!(
            text(&head),
            (Klog, Klog, whole.min(SNIFF_LINES), whole.min(SNIFF_LINES))
        );
        // Bytes past SNIFF_BYTES are not looked at.
        head.extend_from_slice(b"\0\0\0\0");
        assert!(matches!(sniff(&head), Sniffed::Text { .. }));
    }
}
