//! Rows kept from a scan: one per message template and object, collapsing repeats.

use crate::signals::SignalKind;
use parsers::{escape, json, Escape, Fields, RawTime, Record, Severity};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Longest message text kept for one row (bytes); the rest is cut and marked with `…`.
pub const MAX_MESSAGE: usize = 4096;

/// A timeline row before its times are resolved: the first occurrence of a template, with repeats counted.
#[derive(Clone, Debug)]
pub struct RawRow {
    /// Line (1-based, in the source) of the first occurrence.
    pub line: u64,
    /// Time of the first occurrence as written.
    pub time: RawTime,
    /// Line of the last occurrence.
    pub last_line: u64,
    /// Time of the last occurrence as written.
    pub last_time: RawTime,
    /// Occurrences collapsed into this row.
    pub count: u64,
    /// Level of the first occurrence.
    pub severity: Severity,
    /// Host written by the envelope.
    pub host: Option<Box<str>>,
    /// Program identifier written by the envelope.
    pub ident: Option<Box<str>>,
    /// Component named by a section header (minikube `==> kube-apiserver <==`).
    pub section: Option<Box<str>>,
    /// Object the line names (`pod/ns/name`, `node/x`, ...).
    pub object: Option<String>,
    /// Message text of the first occurrence (decoded, fields appended, continuation lines attached).
    pub message: String,
    /// Signal the message carries.
    pub signal: Option<SignalKind>,
    /// The line had no time of its own; the time is the previous record's.
    pub time_inherited: bool,
    /// Collapse key: template, level, identifier and object.
    pub key: u64,
    /// Largest magnitude among the occurrences (signals that carry one).
    pub peak: Option<Box<crate::model::Peak>>,
}

/// The collapse key of a record: its message and fields templates (tokens holding digits masked), level,
/// identifier, caller file and the objects named in its fields. Records with one key say the same thing about
/// the same object, so a repeat never needs classifying again. Only computed for candidate records.
pub fn template_key(rec: &Record<'_>) -> u64 {
    let mut h = FxHasher::default();
    rec.severity.hash(&mut h);
    rec.ident.hash(&mut h);
    rec.host.hash(&mut h);
    if let Some(c) = rec.caller {
        // `kubelet.go:1778` -> `kubelet.go`: line numbers move between versions, the call site does not.
        c.split(|&b| b == b':').next().hash(&mut h);
    }
    hash_masked(rec.message, &mut h);
    hash_tail(rec.message, &mut h);
    if let Fields::KeyValue(kv) | Fields::Json(kv) = rec.fields {
        // Fields tell events apart (`reason="BackOff"` vs `reason="Pulled"`); their numbers do not. A JSON
        // line's fields are the whole object: only what follows the message counts (the time before it would
        // shift the window).
        let msg_end = {
            let (m, k) = (rec.message.as_ptr() as usize, kv.as_ptr() as usize);
            (m >= k && m + rec.message.len() <= k + kv.len()).then(|| m - k + rec.message.len())
        };
        hash_masked(&kv[msg_end.unwrap_or(0)..], &mut h);
        hash_object_values(kv, &mut h);
    }
    h.finish()
}

/// Hashes the text with every token that holds a digit replaced by `#` (IDs, durations, addresses), except a
/// numbered name part (`node-3`, `worker-12`: digits after `-` that follows a plain word), which names an object.
/// Only the first 160 bytes of masked text count: what tells templates apart comes first. The masked text is written to a stack
/// buffer (one store per byte, no dependency chain) and hashed eight bytes at a time.
/// Long messages end with what differs (`…?timeout=10s": context deadline exceeded` vs `…: no endpoints
/// available for service "x"`) past the 160-byte window: their last bytes count too, masked the same way and
/// cut from the end, so numbers of other widths earlier in the line do not move them.
fn hash_tail(text: &[u8], h: &mut FxHasher) {
    const TAIL: usize = 48;
    if text.len() <= 160 {
        return;
    }
    let mut masked = [0u8; 2 * TAIL];
    let n = mask_into(&text[text.len() - 2 * TAIL..], &mut masked);
    masked[n.saturating_sub(TAIL)..n].hash(h);
}

/// `text` with each token holding a digit (numbers, ids, hex) masked to `#`, into `out`; returns the length
/// written.
fn mask_into(text: &[u8], out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < text.len() && n < out.len() {
        if CLASS[text[i] as usize] == WORD || CLASS[text[i] as usize] == DIGIT {
            let start = i;
            while i < text.len() && matches!(CLASS[text[i] as usize], WORD | DIGIT) {
                i += 1;
            }
            let token = &text[start..i];
            if token.iter().any(u8::is_ascii_digit) {
                out[n] = b'#';
                n += 1;
            } else {
                let k = token.len().min(out.len() - n);
                out[n..n + k].copy_from_slice(&token[..k]);
                n += k;
            }
        } else {
            out[n] = text[i];
            n += 1;
            i += 1;
        }
    }
    n
}

fn hash_masked(text: &[u8], h: &mut FxHasher) {
    const MAX: usize = 160;
    let mut out = [0u8; MAX + 1];
    let mut n = 0;
    let mut token_start = 0;
    let mut digit = false;
    // The separator before the current token, and whether the token before it was a plain word.
    let mut sep_before = 0u8;
    let mut plain_before = false;
    for &c in text {
        // The window is 160 bytes of masked text, so numbers of other widths do not shift it.
        if n >= MAX {
            break;
        }
        match CLASS[c as usize] {
            WORD => {
                out[n] = c;
                n += 1;
            }
            DIGIT => {
                digit = true;
                out[n] = c;
                n += 1;
            }
            _ => {
                let name_part = sep_before == b'-' && plain_before;
                if digit && !name_part {
                    out[token_start] = b'#';
                    n = token_start + 1;
                }
                plain_before = n > token_start && (!digit || name_part);
                digit = false;
                sep_before = c;
                out[n] = c;
                n += 1;
                token_start = n;
            }
        }
    }
    if digit && !(sep_before == b'-' && plain_before) {
        out[token_start] = b'#';
        n = token_start + 1;
    }
    h.write(&out[..n]);
}

const SEP: u8 = 0;
const WORD: u8 = 1;
const DIGIT: u8 = 2;

/// Byte classes for [`hash_masked`]: letters and `_` build tokens, digits mark a token as variable.
static CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() || c == b'_' {
            WORD
        } else {
            SEP
        };
        i += 1;
    }
    t
};

/// Hashes the values of the fields that name objects (`pod=`, `pods=`, `node=`, `object=`, `containerName=`,
/// JSON `"pod":` / `"node":`) as written, digits included: replicas of one Deployment are different pods.
/// One pass over the `=` and `:` signs of the fields.
fn hash_object_values(kv: &[u8], h: &mut FxHasher) {
    const KEYS: [&[u8]; 7] = [
        b"pod",
        b"pods",
        b"node",
        b"object",
        b"containerName",
        b"\"pod\"",
        b"\"node\"",
    ];
    for at in memchr::memchr2_iter(b'=', b':', kv) {
        let before = &kv[..at];
        let Some(key) = KEYS.iter().find(|k| before.ends_with(k)) else {
            continue;
        };
        let start = at - key.len();
        if start > 0 && !matches!(kv[start - 1], b' ' | b',' | b'{') {
            continue;
        }
        let v = &kv[at + 1..];
        let end = v
            .iter()
            .skip(1)
            .position(|&c| c == b' ' || c == b',' || c == b'"')
            .map_or(v.len(), |e| e + 2);
        v[..end.min(v.len())].hash(h);
    }
}

/// The text shown for a record: the decoded message, then its fields (`key=value`, JSON fields other than the
/// envelope's own keys). Invalid UTF-8 is replaced; the bool says whether that happened.
pub fn display_text(rec: &Record<'_>) -> (String, bool) {
    let mut buf = Vec::with_capacity(rec.message.len() + 64);
    push_decoded(rec.escape, rec.message, &mut buf);
    match rec.fields {
        Fields::None => {}
        Fields::KeyValue(kv) => {
            buf.push(b' ');
            buf.extend_from_slice(kv);
        }
        Fields::Json(obj) => {
            json::for_each_field(obj, |k, v| {
                if !is_envelope_key(k) && buf.len() < MAX_MESSAGE {
                    buf.push(b' ');
                    buf.extend_from_slice(k.as_bytes());
                    buf.push(b'=');
                    buf.extend_from_slice(v.get().as_bytes());
                }
            });
        }
    }
    to_text(buf)
}

/// Appends decoded bytes.
pub fn push_decoded(esc: Escape, b: &[u8], out: &mut Vec<u8>) {
    if esc == Escape::None || !escape::needs_unescape(esc, b) {
        out.extend_from_slice(b);
    } else {
        escape::unescape(esc, b, out);
    }
}

/// Bytes to a bounded String (lossy), and whether the bytes were not valid UTF-8.
pub fn to_text(mut buf: Vec<u8>) -> (String, bool) {
    if buf.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while cut > 0 && (buf[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        buf.truncate(cut);
        buf.extend_from_slice("…".as_bytes());
    }
    match String::from_utf8(buf) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// Keys that the envelope or header already shows (time, level, message, caller).
fn is_envelope_key(k: &str) -> bool {
    matches!(
        k,
        "ts" | "time" | "level" | "msg" | "caller" | "logger" | "log" | "stream" | "v" | "MESSAGE" | "PRIORITY"
    ) || k.starts_with('_')
        || k.starts_with("SYSLOG_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(msg: &'static [u8]) -> Record<'static> {
        Record {
            message: msg,
            severity: Severity::Warning,
            ..Default::default()
        }
    }

    #[test]
    fn templates_mask_ids_but_keep_words() {
        let a = template_key(&rec(
            b"Error syncing pod cc89ef7c-bc47 (\"alpine-368057524-bgt0m_default(cc89ef7c)\"), skipping",
        ));
        let b = template_key(&rec(
            b"Error syncing pod 0a1b2c3d-9f9f (\"alpine-368057524-bgt0m_default(0a1b2c3d)\"), skipping",
        ));
        // Another pod (its ReplicaSet hash is a numbered name part): another row.
        let c = template_key(&rec(
            b"Error syncing pod 0a1b2c3d-9f9f (\"nginx-111111111-zzz9a_default(0a1b2c3d)\"), skipping",
        ));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn long_messages_differ_by_their_end() {
        // Two kube-apiserver dispatcher warnings (formats.md 5.1): the reason is past the 160-byte window.
        let k = |m: &'static [u8]| template_key(&rec(m));
        let timeout = k(br#"Failed calling webhook, failing open pod-policy.example.com: failed calling webhook "pod-policy.example.com": failed to call webhook: Post "https://pod-policy.webhooks.svc:443/validate?timeout=10s": context deadline exceeded"#);
        let no_endpoints = k(br#"Failed calling webhook, failing open pod-policy.example.com: failed calling webhook "pod-policy.example.com": failed to call webhook: Post "https://pod-policy.webhooks.svc:443/validate?timeout=10s": no endpoints available for service "pod-policy""#);
        assert_ne!(timeout, no_endpoints);
        // Numbers and ids of other widths near the end keep one row.
        let a = k(br#"retrying of unary invoker failed target="etcd-endpoints://0xc001d49e00/127.0.0.1:2379" attempt=0 error="rpc error: code = DeadlineExceeded desc = context deadline exceeded after 10s at 0xc00ab""#);
        let b = k(br#"retrying of unary invoker failed target="etcd-endpoints://0xc001d49e00/127.0.0.1:2379" attempt=0 error="rpc error: code = DeadlineExceeded desc = context deadline exceeded after 125s at 0xc0""#);
        assert_eq!(a, b);
    }

    #[test]
    fn json_fields_count_from_the_message_on() {
        // etcd client lines in kube-apiserver logs (rancher#42505 shape): the ts fraction width varies (trimmed
        // zeros); the error after the message tells the rows apart.
        let key = |line: &'static [u8]| template_key(&parsers::etcd::parse_zap(line).unwrap());
        let a = key(br#"{"level":"warn","ts":"2023-11-07T09:24:31.62003Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc001d49e00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}"#);
        let b = key(br#"{"level":"warn","ts":"2023-11-07T09:24:35.135102Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc001d49e00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded"}"#);
        let c = key(br#"{"level":"warn","ts":"2023-11-07T09:24:35.135102Z","logger":"etcd-client","caller":"v3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"etcd-endpoints://0xc001d49e00/127.0.0.1:2379","attempt":0,"error":"rpc error: code = Unavailable desc = etcdserver: leader changed"}"#);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn numbered_names_are_objects_not_numbers() {
        let k = |m: &'static [u8]| template_key(&rec(m));
        // Node lifecycle controller lines about three nodes are three rows.
        assert_ne!(
            k(b"Node node-1 is NotReady as of 2024-05-14 09:33:57.706574115 +0800 CST m=+9961.472114546. Adding it to the Taint queue."),
            k(b"Node node-2 is NotReady as of 2024-05-14 09:33:58.706574115 +0800 CST m=+9962.472114546. Adding it to the Taint queue.")
        );
        // The same node at another time, with other durations: one row.
        assert_eq!(
            k(b"Node node-1 is NotReady as of 2024-05-14 09:33:57.706574115 +0800 CST m=+9961.472114546. Adding it to the Taint queue."),
            k(b"Node node-1 is NotReady as of 2024-05-14 10:12:01.000000001 +0800 CST m=+12265.000000001. Adding it to the Taint queue.")
        );
        // UUID parts after `-` follow a token with digits: still masked.
        assert_eq!(
            k(b"pod 0a1b2c3d-1111-2222-3333-444455556666 gone"),
            k(b"pod 9f9f9f9f-8888-7777-6666-555544443333 gone")
        );
    }

    #[test]
    fn templates_separate_objects_named_in_fields() {
        let mut a = rec(b"Probe failed");
        a.fields = Fields::KeyValue(b"probeType=\"Liveness\" pod=\"kube-system/etcd-m1\" output=\"dial tcp 10.0.0.1:2381: connect: connection refused\"");
        let mut other_pod = a;
        other_pod.fields = Fields::KeyValue(b"probeType=\"Liveness\" pod=\"kube-system/etcd-m2\" output=\"dial tcp 10.0.0.1:2381: connect: connection refused\"");
        let mut other_numbers = a;
        other_numbers.fields = Fields::KeyValue(b"probeType=\"Liveness\" pod=\"kube-system/etcd-m1\" output=\"dial tcp 10.0.0.9:2382: connect: connection refused\"");
        let mut other_words = a;
        other_words.fields = Fields::KeyValue(
            b"probeType=\"Liveness\" pod=\"kube-system/etcd-m1\" output=\"context deadline exceeded\"",
        );
        assert_ne!(template_key(&a), template_key(&other_pod));
        assert_eq!(template_key(&a), template_key(&other_numbers));
        assert_ne!(template_key(&a), template_key(&other_words));
    }

    #[test]
    fn display_decodes_and_bounds() {
        let mut r = rec(b"Get \\\"https://10.129.0.12:6443/healthz\\\": net/http");
        r.escape = Escape::Go;
        r.fields = Fields::KeyValue(b"pod=\"a/b\"");
        assert_eq!(
            display_text(&r).0,
            "Get \"https://10.129.0.12:6443/healthz\": net/http pod=\"a/b\""
        );
        let (long, bad) = to_text(vec![b'x'; MAX_MESSAGE + 10]);
        assert!(long.ends_with('…') && !bad);
        let (lossy, bad) = to_text(b"caf\xff".to_vec());
        assert_eq!((lossy.as_str(), bad), ("caf\u{fffd}", true));
    }
}
