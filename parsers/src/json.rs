//! Zero-copy walk over the top-level fields of a one-line JSON object.
//!
//! serde_json does the parsing; this module only visits `(key, raw value)` pairs without building a map, so
//! duplicate keys (seen in Kubernetes JSON logs) do not fail the line and nothing is allocated for values.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Calls `f(key, raw_value)` for each top-level field of the JSON object in `line`, in order.
/// Keys written with escapes are passed unescaped. Returns `false` when `line` is not one JSON object.
pub fn for_each_field<'a, F>(line: &'a [u8], f: F) -> bool
where
    F: FnMut(&str, &'a RawValue),
{
    let mut de = serde_json::Deserializer::from_slice(line);
    let ok = FieldWalker { f }.deserialize(&mut de).is_ok();
    ok && de.end().is_ok()
}

struct FieldWalker<F> {
    f: F,
}

impl<'de, F: FnMut(&str, &'de RawValue)> DeserializeSeed<'de> for FieldWalker<F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(&str, &'de RawValue)> Visitor<'de> for FieldWalker<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value: &'de RawValue = map.next_value()?;
            (self.f)(&key, value);
        }
        Ok(())
    }
}

/// A reader of the leading fields of a JSON object written by a known encoder in a fixed key order
/// (zap writes `{"level":…,"ts":…,"logger":…,"caller":…,"msg":…`). It reads only those fields and checks the
/// line ends with `}`; anything unexpected returns `None` and the caller falls back to [`for_each_field`].
pub struct Prefix<'a> {
    b: &'a [u8],
    i: usize,
}

/// A value read by [`Prefix`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// The inside of a string, still escaped.
    Str(&'a [u8]),
    /// A number as written.
    Num(&'a [u8]),
}

impl<'a> Prefix<'a> {
    /// Starts after `{` when the line (trimmed) is `{ … }`.
    pub fn new(line: &'a [u8]) -> Option<Prefix<'a>> {
        let t = line.trim_ascii();
        (t.len() >= 2 && t[0] == b'{' && t[t.len() - 1] == b'}').then_some(Prefix { b: t, i: 1 })
    }

    /// Reads `"key":value` (and the `,` before it unless it is the first field) when the next key is `key`.
    pub fn field(&mut self, key: &str) -> Option<Scalar<'a>> {
        let mut i = self.i;
        if i > 1 {
            if self.b.get(i) != Some(&b',') {
                return None;
            }
            i += 1;
        }
        let k = key.as_bytes();
        if self.b.get(i) != Some(&b'"') || !self.b[i + 1..].starts_with(k) || self.b.get(i + 1 + k.len()) != Some(&b'"')
        {
            return None;
        }
        i += k.len() + 2;
        if self.b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        let (v, next) = match self.b.get(i)? {
            b'"' => {
                let end = string_end(self.b, i + 1)?;
                (Scalar::Str(&self.b[i + 1..end]), end + 1)
            }
            b'-' | b'0'..=b'9' => {
                let end = self.b[i..]
                    .iter()
                    .position(|c| !matches!(c, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))?
                    + i;
                (Scalar::Num(&self.b[i..end]), end)
            }
            _ => return None,
        };
        self.i = next;
        Some(v)
    }

    /// Reads the field if it is next, else leaves the reader where it was.
    pub fn optional(&mut self, key: &str) -> Option<Scalar<'a>> {
        let at = self.i;
        let v = self.field(key);
        if v.is_none() {
            self.i = at;
        }
        v
    }
}

/// Index of the closing quote of a JSON string whose body starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let j = memchr::memchr2(b'"', b'\\', &b[i..])? + i;
        if b[j] == b'"' {
            return Some(j);
        }
        i = j + 2;
        if i > b.len() {
            return None;
        }
    }
}

/// The inside of a JSON string value, still escaped (no quotes), or `None` when the value is not a string.
pub fn string_body(raw: &RawValue) -> Option<&[u8]> {
    let b = raw.get().as_bytes();
    (b.len() >= 2 && b[0] == b'"' && b[b.len() - 1] == b'"').then(|| &b[1..b.len() - 1])
}

/// A JSON number value (or a string holding a number, as journald writes them).
pub fn number(raw: &RawValue) -> Option<f64> {
    let s = raw.get();
    let s = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
    s.parse().ok()
}

/// Whether `line` looks like a JSON object (first non-blank byte `{`, last `}`), a cheap test before parsing.
pub fn looks_like_object(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.first() == Some(&b'{') && t.last() == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_fields_and_tolerates_duplicates() {
        // component-base fixture: duplicate "duration" keys must not fail the line.
        let line = br#"{"ts":1648546681782.9763,"caller":"cmd/logger.go:79","msg":"Log using Errorf, err: fail\n","duration":"1h0m0s","duration":"1m0s"}"#;
        let mut seen = Vec::new();
        assert!(for_each_field(line, |k, v| seen.push((k.to_string(), v.get().to_string()))));
        assert_eq!(seen.len(), 5);
        assert_eq!(seen[2], ("msg".into(), r#""Log using Errorf, err: fail\n""#.into()));
        assert_eq!(seen[4].1, r#""1m0s""#);
    }

    #[test]
    fn prefix_reads_fixed_order_fields() {
        let line = br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","caller":"etcdserver/util.go:144","msg":"apply \"x\" took too long","took":"10.9s"}"#;
        let mut p = Prefix::new(line).unwrap();
        assert_eq!(p.field("level"), Some(Scalar::Str(b"warn")));
        assert_eq!(p.field("ts"), Some(Scalar::Str(b"2020-06-30T01:17:40.457Z")));
        assert_eq!(p.optional("logger"), None);
        assert_eq!(p.optional("caller"), Some(Scalar::Str(b"etcdserver/util.go:144")));
        assert_eq!(p.field("msg"), Some(Scalar::Str(br#"apply \"x\" took too long"#)));
        let mut q = Prefix::new(br#"{"ts":1568166948.8119395,"msg":"x"}"#).unwrap();
        assert_eq!(q.field("ts"), Some(Scalar::Num(b"1568166948.8119395")));
        assert!(Prefix::new(br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","msg":"apply req"#).is_none());
        let mut r = Prefix::new(br#"{"msg":"unterminated}"#).unwrap();
        assert_eq!(r.field("msg"), None);
    }

    #[test]
    fn rejects_non_objects_and_truncated_lines() {
        assert!(!for_each_field(b"[1,2]", |_, _| {}));
        assert!(!for_each_field(
            br#"{"level":"warn","ts":"2020-06-30T01:17:40.457Z","msg":"apply req"#,
            |_, _| {}
        ));
        assert!(!for_each_field(b"{} trailing", |_, _| {}));
    }

    #[test]
    fn string_and_number_values() {
        let line = br#"{"__REALTIME_TIMESTAMP":"1575493164234181","PRIORITY":"6","ts":1616398324656.7524}"#;
        let mut vals = Vec::new();
        for_each_field(line, |_, v| vals.push(v));
        assert_eq!(string_body(vals[0]), Some(&b"1575493164234181"[..]));
        assert_eq!(number(vals[0]), Some(1_575_493_164_234_181.0));
        assert_eq!(number(vals[2]), Some(1_616_398_324_656.752_4));
        assert_eq!(string_body(vals[2]), None);
    }
}
