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
    for raw in body.split(|&c| c == b'\n').take(SNIFF_LINES) {
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
}
