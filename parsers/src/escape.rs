//! Decoding of escaped message bytes: the inside of JSON strings and of Go `%q` strings.
//!
//! Grammars keep messages and values escaped (zero-copy); this module decodes them into a caller buffer, only
//! for the records that are shown or matched. Invalid escapes are copied as written, never rejected: a log line
//! is evidence, not input to validate.

use crate::record::Escape;
use memchr::memchr;

/// Whether `b` must go through [`unescape`] before it can be shown: true only when `esc` is not
/// [`Escape::None`] and `b` holds a backslash.
#[inline]
pub fn needs_unescape(esc: Escape, b: &[u8]) -> bool {
    esc != Escape::None && memchr(b'\\', b).is_some()
}

/// Appends the decoded form of `b` to `out`.
///
/// - [`Escape::Json`]: `\" \\ \/ \b \f \n \r \t \uXXXX` (UTF-16 surrogate pairs are joined).
/// - [`Escape::Go`] (`strconv.Quote` / `%q`): `\a \b \f \n \r \t \v \\ \" \' \xHH \uXXXX \UXXXXXXXX` and
///   3-digit octal `\377`; `\xHH` and octal give raw bytes, as Go does.
/// - [`Escape::None`]: copies `b`.
///
/// An invalid escape (unknown letter, missing hex digits, lone surrogate, code point past U+10FFFF, backslash at
/// the end) is copied as written.
pub fn unescape(esc: Escape, b: &[u8], out: &mut Vec<u8>) {
    match esc {
        Escape::None => out.extend_from_slice(b),
        Escape::Json => decode(b, out, json_escape),
        Escape::Go => decode(b, out, go_escape),
    }
}

/// Copies the runs between backslashes and lets `esc` decode each escape; `esc` returns the bytes it consumed
/// (backslash included) or 0 when the escape is invalid.
#[inline]
fn decode(b: &[u8], out: &mut Vec<u8>, esc: fn(&[u8], &mut Vec<u8>) -> usize) {
    out.reserve(b.len());
    let mut i = 0;
    while let Some(k) = memchr(b'\\', &b[i..]) {
        out.extend_from_slice(&b[i..i + k]);
        let p = i + k;
        let used = esc(&b[p..], out);
        if used == 0 {
            // Invalid: keep the backslash; what follows is copied as ordinary bytes.
            out.push(b'\\');
            i = p + 1;
        } else {
            i = p + used;
        }
    }
    out.extend_from_slice(&b[i..]);
}

/// Decodes the JSON escape at the start of `b` (`b[0] == b'\\'`).
fn json_escape(b: &[u8], out: &mut Vec<u8>) -> usize {
    let Some(&c) = b.get(1) else { return 0 };
    let byte = match c {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let Some(hi) = hex(&b[2..], 4) else { return 0 };
            if (0xD800..0xDC00).contains(&hi) {
                // High surrogate: needs a low surrogate right after.
                if b.len() >= 12 && b[6] == b'\\' && b[7] == b'u' {
                    if let Some(lo) = hex(&b[8..], 4) {
                        if (0xDC00..0xE000).contains(&lo) {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            return if push_char(cp, out) { 12 } else { 0 };
                        }
                    }
                }
                return 0;
            }
            return if push_char(hi, out) { 6 } else { 0 };
        }
        _ => return 0,
    };
    out.push(byte);
    2
}

/// Decodes the Go escape at the start of `b` (`b[0] == b'\\'`).
fn go_escape(b: &[u8], out: &mut Vec<u8>) -> usize {
    let Some(&c) = b.get(1) else { return 0 };
    let byte = match c {
        b'a' => 0x07,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        b'\\' => b'\\',
        b'"' => b'"',
        b'\'' => b'\'',
        b'x' => match hex(&b[2..], 2) {
            Some(v) => {
                out.push(v as u8);
                return 4;
            }
            None => return 0,
        },
        b'u' => {
            return match hex(&b[2..], 4) {
                Some(cp) if push_char(cp, out) => 6,
                _ => 0,
            }
        }
        b'U' => {
            return match hex(&b[2..], 8) {
                Some(cp) if push_char(cp, out) => 10,
                _ => 0,
            }
        }
        b'0'..=b'3' => {
            let (Some(&d1), Some(&d2)) = (b.get(2), b.get(3)) else {
                return 0;
            };
            if !(b'0'..=b'7').contains(&d1) || !(b'0'..=b'7').contains(&d2) {
                return 0;
            }
            out.push(((c - b'0') << 6) | ((d1 - b'0') << 3) | (d2 - b'0'));
            return 4;
        }
        _ => return 0,
    };
    out.push(byte);
    2
}

/// Exactly `n` hex digits at the start of `b`.
#[inline]
fn hex(b: &[u8], n: usize) -> Option<u32> {
    if b.len() < n {
        return None;
    }
    let mut v = 0u32;
    for &c in &b[..n] {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u32;
    }
    Some(v)
}

/// Appends the UTF-8 form of a scalar value; false for surrogates and values past U+10FFFF.
#[inline]
fn push_char(cp: u32, out: &mut Vec<u8>) -> bool {
    match char::from_u32(cp) {
        Some(ch) => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(esc: Escape, b: &[u8]) -> Vec<u8> {
        let mut out = b"prefix:".to_vec();
        unescape(esc, b, &mut out);
        out.drain(..7);
        out
    }

    #[test]
    fn escape_needs_unescape_only_with_backslash() {
        assert!(!needs_unescape(Escape::Go, b"Eviction manager: attempting to reclaim"));
        assert!(needs_unescape(Escape::Json, br#"FLAG: --eviction-soft=\"\"\n"#));
        assert!(!needs_unescape(Escape::None, br"a\nb"));
    }

    #[test]
    fn escape_json_from_real_lines() {
        // kube-json msg body (formats.md 1.3, k8s PR#100409).
        assert_eq!(
            dec(Escape::Json, br#"FLAG: --eviction-soft=\"\"\n"#),
            b"FLAG: --eviction-soft=\"\"\n"
        );
        // docker json-file log body (formats.md 1.8, oracle/railcar#32).
        assert_eq!(
            dec(
                Escape::Json,
                br#"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n"#
            ),
            b"172.17.0.1 - - [24/Jan/2018:05:57:12 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.57.0\" \"-\"\r\n"
        );
        // zap JSON request value (formats.md 3.2): escaped quotes and a trailing space.
        assert_eq!(
            dec(Escape::Json, br#"key:\"/registry/namespaces/default\" "#),
            b"key:\"/registry/namespaces/default\" "
        );
        // docker json-file escapes `<`, `>`, `&` as \u00XX; `\/` and control escapes.
        assert_eq!(
            dec(Escape::Json, br"\u003cnil\u003e \u0026 a\/b \b\f\t\\"),
            b"<nil> & a/b \x08\x0c\t\\"
        );
    }

    #[test]
    fn escape_json_unicode_and_surrogates() {
        assert_eq!(dec(Escape::Json, br"10.558\u00b5s"), "10.558µs".as_bytes());
        assert_eq!(dec(Escape::Json, br"\ud83d\ude00!"), "😀!".as_bytes());
        // Lone surrogates and short \u are copied as written.
        assert_eq!(dec(Escape::Json, br"x\ud83dy"), br"x\ud83dy");
        assert_eq!(dec(Escape::Json, br"\ude00"), br"\ude00");
        assert_eq!(dec(Escape::Json, br"\u12"), br"\u12");
        assert_eq!(dec(Escape::Json, br"\ud83d\u0041"), br"\ud83dA");
        // Unknown escape and trailing backslash.
        assert_eq!(dec(Escape::Json, br"a\qb\"), br"a\qb\");
        assert_eq!(dec(Escape::Json, br"\\\\"), br"\\");
    }

    #[test]
    fn escape_go_from_real_lines() {
        // klog structured output= value (formats.md 1.2, openshift/origin fixture).
        assert_eq!(
            dec(
                Escape::Go,
                br#"Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"#
            ),
            b"Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"
        );
        // containerd 2.x protobuf text inside a logrus msg (formats.md 2.2, containerd#13700).
        assert_eq!(
            dec(
                Escape::Go,
                br#"RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1"#
            ),
            b"RunPodSandbox for name:\"busybox-sandbox2\"  uid:\"d2a5645e-e561-4d4c-a09c-3de898ea7b97\"  namespace:\"default\"  attempt:1"
        );
        // klog multi-line message before klog 2.40 (`\n` escaped inside the quotes, klog_test.go fixture).
        assert_eq!(
            dec(Escape::Go, br"first message line\nsecond message line"),
            b"first message line\nsecond message line"
        );
    }

    #[test]
    fn escape_go_all_forms() {
        assert_eq!(
            dec(Escape::Go, br#"\a\b\f\n\r\t\v\\\"\'"#),
            b"\x07\x08\x0c\n\r\t\x0b\\\"'"
        );
        assert_eq!(dec(Escape::Go, br"\x1b[0m"), b"\x1b[0m");
        assert_eq!(dec(Escape::Go, br"caf\u00e9"), "café".as_bytes());
        assert_eq!(dec(Escape::Go, br"\U0001F600"), "😀".as_bytes());
        assert_eq!(dec(Escape::Go, br"\377\000\101"), b"\xff\x00A");
        // Invalid: bad hex, surrogate \u, past U+10FFFF, octal > 255 or short, unknown letter, trailing backslash.
        assert_eq!(dec(Escape::Go, br"\xZZ"), br"\xZZ");
        assert_eq!(dec(Escape::Go, br"\ud800"), br"\ud800");
        assert_eq!(dec(Escape::Go, br"\U00110000"), br"\U00110000");
        assert_eq!(dec(Escape::Go, br"\400 \12"), br"\400 \12");
        assert_eq!(dec(Escape::Go, br"\q\"), br"\q\");
        // JSON-only `\/` is not a Go escape.
        assert_eq!(dec(Escape::Go, br"a\/b"), br"a\/b");
    }

    #[test]
    fn escape_none_copies_and_appends() {
        let mut out = b"x".to_vec();
        unescape(Escape::None, br"a\nb", &mut out);
        assert_eq!(out, br"xa\nb");
        unescape(Escape::Go, b"", &mut out);
        assert_eq!(out, br"xa\nb");
    }
}
