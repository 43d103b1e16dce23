//! The parsed form of one log line: what every grammar returns.

use crate::time::RawTime;

/// How severe a record is, from the source's own level marker (or a format's default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    /// The line has no level marker.
    #[default]
    Unknown,
    /// Trace level.
    Trace,
    /// Debug level.
    Debug,
    /// Info level.
    Info,
    /// Notice level (capnslog `N`, syslog priority 5).
    Notice,
    /// Warning level.
    Warning,
    /// Error level.
    Error,
    /// Critical, fatal or panic.
    Critical,
}

impl Severity {
    /// Every level, least severe first (the order levels compare in).
    pub const ALL: [Severity; 8] = [
        Severity::Unknown,
        Severity::Trace,
        Severity::Debug,
        Severity::Info,
        Severity::Notice,
        Severity::Warning,
        Severity::Error,
        Severity::Critical,
    ];

    /// Lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Trace => "trace",
            Severity::Debug => "debug",
            Severity::Info => "info",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }

    /// Parses a level word as logrus, zap, etcd and most loggers write it (`warn`, `warning`, `ERROR`, `fatal`, ...).
    pub fn from_word(w: &[u8]) -> Severity {
        let mut k = [0u8; 8];
        if w.len() > k.len() {
            return Severity::Unknown;
        }
        for (d, s) in k.iter_mut().zip(w) {
            *d = s.to_ascii_lowercase();
        }
        match &k[..w.len()] {
            b"trace" => Severity::Trace,
            b"debug" | b"dbug" => Severity::Debug,
            b"info" | b"information" => Severity::Info,
            b"notice" => Severity::Notice,
            b"warn" | b"warning" => Severity::Warning,
            b"error" | b"err" | b"eror" => Severity::Error,
            b"fatal" | b"panic" | b"dpanic" | b"critical" | b"crit" | b"emerg" | b"alert" => Severity::Critical,
            _ => Severity::Unknown,
        }
    }

    /// syslog / journald PRIORITY 0-7.
    pub fn from_syslog_priority(p: u8) -> Severity {
        match p {
            0..=2 => Severity::Critical,
            3 => Severity::Error,
            4 => Severity::Warning,
            5 => Severity::Notice,
            6 => Severity::Info,
            7 => Severity::Debug,
            _ => Severity::Unknown,
        }
    }
}

/// A line format (an envelope or an inner grammar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// klog / glog text header `Lmmdd hh:mm:ss.uuuuuu pid file:line] msg` (printf or structured body).
    Klog,
    /// Kubernetes `--logging-format=json` (`ts` in epoch milliseconds).
    KubeJson,
    /// journald `short` / `short-precise` (`Mon dd hh:mm:ss[.us] host ident[pid]: msg`, zero-padded day).
    JournaldShort,
    /// journald `short-iso` / `short-iso-precise` (RFC 3339 with offset).
    JournaldIso,
    /// journald `short-unix` (`1575493164.234181 host ident[pid]: msg`).
    JournaldUnix,
    /// `journalctl -o json`.
    JournalJson,
    /// `journalctl -o export` (`KEY=value` blocks).
    JournalExport,
    /// BSD syslog file (`Mon  d hh:mm:ss host tag[pid]: msg`, space-padded day).
    Syslog,
    /// logrus text (`time="…" level=… msg="…"`), dockerd / containerd.
    Logrus,
    /// logrus JSON (`{"level":…,"msg":…,"time":…}`).
    LogrusJson,
    /// etcd capnslog text (`2018-10-11 08:36:19.724999 W | pkg: msg`).
    Capnslog,
    /// zap JSON (etcd 3.4+, etcd client in kube-apiserver).
    ZapJson,
    /// Go standard library log (`2015/06/19 20:40:38 msg`).
    GoLog,
    /// CRI container log (`<RFC3339Nano> stdout|stderr P|F msg`).
    Cri,
    /// Docker json-file container log (`{"log":…,"stream":…,"time":…}`).
    DockerJson,
    /// `dmesg` (`[ 7063.247407] msg`, seconds since boot).
    Dmesg,
    /// `dmesg -T` (`[Thu Dec  7 00:05:15 2017] msg`).
    DmesgCtime,
    /// A line prefixed with an RFC 3339 timestamp and a space (`kubectl logs --timestamps`, rsyslog high precision).
    Timestamped,
    /// Text no grammar accepts.
    Text,
}

impl Format {
    /// Short stable name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Klog => "klog",
            Format::KubeJson => "kube-json",
            Format::JournaldShort => "journald-short",
            Format::JournaldIso => "journald-iso",
            Format::JournaldUnix => "journald-unix",
            Format::JournalJson => "journal-json",
            Format::JournalExport => "journal-export",
            Format::Syslog => "syslog",
            Format::Logrus => "logrus",
            Format::LogrusJson => "logrus-json",
            Format::Capnslog => "etcd-capnslog",
            Format::ZapJson => "zap-json",
            Format::GoLog => "go-log",
            Format::Cri => "cri",
            Format::DockerJson => "docker-json",
            Format::Dmesg => "dmesg",
            Format::DmesgCtime => "dmesg-ctime",
            Format::Timestamped => "timestamped",
            Format::Text => "text",
        }
    }
}

/// How the bytes of a message or body are escaped in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Escape {
    /// Raw bytes, shown as they are.
    #[default]
    None,
    /// The inside of a JSON string (without the quotes): `\"`, `\n`, `\uXXXX`.
    Json,
    /// The inside of a Go `%q` string (without the quotes): `\"`, `\n`, `\u00e9`, `\x1b`.
    Go,
}

/// Key/value pairs that follow the message, kept raw; extracted lazily for the records that are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fields<'a> {
    /// No fields.
    #[default]
    None,
    /// klog structured or logrus/logfmt pairs: `key=value key="quoted value" key={...}`.
    KeyValue(&'a [u8]),
    /// A whole flat JSON object; its message key is shown separately.
    Json(&'a [u8]),
}

/// The formats peeled off a line, outermost first (at most 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Layers {
    items: [Option<Format>; 4],
}

impl Layers {
    /// Layers holding one format.
    pub fn one(f: Format) -> Layers {
        let mut l = Layers::default();
        l.push(f);
        l
    }
    /// Appends an inner format (ignored past 4).
    pub fn push(&mut self, f: Format) {
        if let Some(slot) = self.items.iter_mut().find(|s| s.is_none()) {
            *slot = Some(f);
        }
    }
    /// Outermost format.
    pub fn outer(&self) -> Option<Format> {
        self.items[0]
    }
    /// Innermost format.
    pub fn inner(&self) -> Option<Format> {
        self.items.iter().rev().find_map(|s| *s)
    }
    /// All formats, outermost first.
    pub fn iter(&self) -> impl Iterator<Item = Format> + '_ {
        self.items.iter().filter_map(|s| *s)
    }
}

/// The output stream a container log line was written to (CRI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Stream {
    /// Not a container log, or not said.
    #[default]
    Unknown,
    /// stdout.
    Stdout,
    /// stderr.
    Stderr,
}

/// One parsed log line. Every slice borrows from the input line (or the caller's scratch buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Record<'a> {
    /// Best time of the line (see `line::parse` for how nested times are reconciled).
    pub time: RawTime,
    /// Level marker.
    pub severity: Severity,
    /// Host name written by the envelope (journald, syslog, journal JSON `_HOSTNAME`).
    pub host: Option<&'a [u8]>,
    /// Program identifier written by the envelope (`kubelet`, `dockerd`, `k3s`, ...), or zap `logger`.
    pub ident: Option<&'a [u8]>,
    /// Process id written by the envelope or the klog header.
    pub pid: Option<u32>,
    /// Source location of the log call (`kubelet.go:1778`, `etcdserver/util.go:144`) or capnslog package.
    pub caller: Option<&'a [u8]>,
    /// The message (for envelopes: the body still to be parsed by an inner grammar).
    pub message: &'a [u8],
    /// How `message` is escaped.
    pub escape: Escape,
    /// Fields that follow the message.
    pub fields: Fields<'a>,
    /// Formats peeled, outermost first.
    pub layers: Layers,
    /// CRI `P` tag or docker json-file chunk without trailing newline: the next line continues this one.
    pub partial: bool,
    /// Container output stream (CRI): partial chunks join within one stream.
    pub stream: Stream,
    /// Kernel time since boot in nanoseconds, when a line carries it beside a wall time
    /// (`kernel: [12345.678901] …` under journald or syslog): lets a node's boot time be learned.
    pub boot: Option<u64>,
}

/// Lines that carry information about the file rather than a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meta<'a> {
    /// klog preamble `Log file created at: 2006/01/02 15:04:05` (the only place klog writes a year).
    KlogCreated(RawTime),
    /// klog preamble `Running on machine: <host>`.
    KlogMachine(&'a [u8]),
    /// Other klog preamble lines (`Binary: …`, `Log line format: …`).
    KlogPreamble,
    /// journald `-- Reboot --` or `-- Boot <id> --`.
    JournalReboot,
    /// journald `-- Logs begin at … --`, `-- No entries --`, `-- Journal begins at …`.
    JournalBanner,
    /// A section header naming the component of the lines that follow
    /// (minikube `==> kube-apiserver ["3221ad23c91d"] <==`, cluster-info dump `==== START logs for container X of pod ns/p ====`).
    Section(&'a [u8]),
    /// End of a cluster-info dump section.
    SectionEnd,
}

/// What one physical line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A record.
    Record(Record<'a>),
    /// A header-less line that continues the previous record (stack traces, `Trace[…]` steps, `key=<` blocks).
    Continuation(&'a [u8]),
    /// A line about the file, not a record.
    Meta(Meta<'a>),
    /// Empty or whitespace only.
    Blank,
    /// No grammar accepts it.
    Unparsed,
}
