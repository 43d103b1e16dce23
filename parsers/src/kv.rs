//! Zero-copy walk over `key=value` pairs: klog structured records (`InfoS`/`ErrorS`) and logrus/logfmt.
//!
//! Values come in four shapes (formats.md 1.2, 2.1):
//! - Go-quoted strings `err="conflict: \"x\""` ([`ValueKind::Quoted`], still escaped, see [`crate::escape`]);
//! - `{…}` / `[…]` blobs, balanced, that may hold spaces and quoted strings: `%+v` structs
//!   `condition={Type:Ready Status:False …}`, JSON `condition={"type":"Ready",…}`, `pods=["a","b"]`
//!   ([`ValueKind::Braced`]);
//! - klog ≥ 2.40 multi-line blocks `key=<` NEWLINE TAB-prefixed lines NEWLINE ` >` ([`ValueKind::Block`]);
//! - bare tokens up to the next space `podUID=1af6…`, `statusCode=409` ([`ValueKind::Bare`]).
//!
//! Keys are runs of bytes other than space and `=` (`audit-ID`). Tokens without `=` are skipped (`missed` in
//! klog's `missed times=3`), as are stray quoted strings; an unterminated quote or bracket runs to the end of
//! the input (the line was cut). Nothing is allocated.

use crate::record::Escape;
use memchr::{memchr2, memmem};

/// The shape of a value; tells how [`Value::raw`] is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `"…"`: `raw` is the inside of the Go quotes, still escaped (decode with [`Escape::Go`]).
    Quoted,
    /// `{…}` or `[…]`, balanced, quotes inside respected: `raw` includes the brackets.
    Braced,
    /// klog `key=<` block: `raw` is the text between the `<` line and the closing ` >` line, each line still
    /// prefixed with its TAB, without the final newline.
    Block,
    /// A token up to the next whitespace (brackets inside it are balanced: `event=&{ID:a Type:b}`).
    Bare,
}

/// One value, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value<'a> {
    /// The value's bytes, delimited as [`ValueKind`] says.
    pub raw: &'a [u8],
    /// How the value was written.
    pub kind: ValueKind,
}

impl<'a> Value<'a> {
    /// How `raw` is escaped: [`Escape::Go`] for quoted values, [`Escape::None`] otherwise.
    #[inline]
    pub fn escape(&self) -> Escape {
        match self.kind {
            ValueKind::Quoted => Escape::Go,
            _ => Escape::None,
        }
    }
}

/// Iterator over the `(key, value)` pairs of a buffer; see [`pairs`].
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Pairs<'a> {
    /// The input not yet consumed (starts with the separator after the last value returned).
    #[inline]
    pub fn rest(&self) -> &'a [u8] {
        &self.b[self.pos.min(self.b.len())..]
    }
}

/// Iterates over the `key=value` pairs of `b`, in order, duplicates included.
#[inline]
pub fn pairs(b: &[u8]) -> Pairs<'_> {
    Pairs { b, pos: 0 }
}

/// The value of the first pair named `key` in `b`.
pub fn get<'a>(b: &'a [u8], key: &[u8]) -> Option<Value<'a>> {
    if key.is_empty() || memmem::find(b, key).is_none() {
        return None;
    }
    pairs(b).find(|(k, _)| *k == key).map(|(_, v)| v)
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a [u8], Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.b;
        let mut i = self.pos;
        loop {
            while i < b.len() && is_ws(b[i]) {
                i += 1;
            }
            if i >= b.len() {
                self.pos = b.len();
                return None;
            }
            if b[i] == b'"' {
                // A stray quoted string (a klog message passed in, garbage): skip it whole.
                i = quote_end(b, i + 1).map_or(b.len(), |q| q + 1);
                continue;
            }
            let start = i;
            while i < b.len() && b[i] != b'=' && !is_ws(b[i]) {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' && i > start {
                let (value, next) = value_at(b, i + 1);
                self.pos = next;
                return Some((&b[start..i], value));
            }
            // A token without `=` (or `=` without key): skip it.
            i = bare_end(b, i);
        }
    }
}

impl std::iter::FusedIterator for Pairs<'_> {}

#[inline]
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Index of the quote closing a Go or JSON string whose inside starts at `i`, skipping `\x` escapes.
#[inline]
pub(crate) fn quote_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        let k = memchr2(b'"', b'\\', &b[i..])?;
        if b[i + k] == b'"' {
            return Some(i + k);
        }
        i += k + 2;
    }
    None
}

/// Parses the value starting at `j` (just after `=`); returns it and the index after it.
fn value_at(b: &[u8], j: usize) -> (Value<'_>, usize) {
    let Some(&c) = b.get(j) else {
        return (
            Value {
                raw: &b[j..],
                kind: ValueKind::Bare,
            },
            j,
        );
    };
    match c {
        b'"' => match quote_end(b, j + 1) {
            Some(q) => (
                Value {
                    raw: &b[j + 1..q],
                    kind: ValueKind::Quoted,
                },
                q + 1,
            ),
            None => (
                Value {
                    raw: &b[j + 1..],
                    kind: ValueKind::Quoted,
                },
                b.len(),
            ),
        },
        b'{' | b'[' => match balanced_end(b, j) {
            Some(e) if e == b.len() || is_ws(b[e]) => (
                Value {
                    raw: &b[j..e],
                    kind: ValueKind::Braced,
                },
                e,
            ),
            // Text glued after the bracket (`[::1]:80`): the whole token is bare.
            Some(_) => {
                let e = bare_end(b, j);
                (
                    Value {
                        raw: &b[j..e],
                        kind: ValueKind::Bare,
                    },
                    e,
                )
            }
            None => (
                Value {
                    raw: &b[j..],
                    kind: ValueKind::Braced,
                },
                b.len(),
            ),
        },
        b'<' if j + 1 == b.len() || b[j + 1] == b'\n' || (b[j + 1] == b'\r' && b.get(j + 2) == Some(&b'\n')) => {
            let start = (j + 1 + usize::from(b.get(j + 1) == Some(&b'\r')) + 1).min(b.len());
            match block_close(b, j + 1) {
                Some(nl) => (
                    Value {
                        raw: &b[start..nl.max(start)],
                        kind: ValueKind::Block,
                    },
                    nl + 3,
                ),
                None => (
                    Value {
                        raw: &b[start..],
                        kind: ValueKind::Block,
                    },
                    b.len(),
                ),
            }
        }
        _ => {
            let e = bare_end(b, j);
            (
                Value {
                    raw: &b[j..e],
                    kind: ValueKind::Bare,
                },
                e,
            )
        }
    }
}

/// Index of the `\n` of the ` >` line closing a klog block, searching from `from`.
fn block_close(b: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(k) = memmem::find(&b[at..], b"\n >") {
        let nl = at + k;
        match b.get(nl + 3) {
            None => return Some(nl),
            Some(&c) if is_ws(c) => return Some(nl),
            _ => at = nl + 1,
        }
    }
    None
}

/// End (exclusive) of the bracketed blob opening at `j`, or `None` when it is not closed.
fn balanced_end(b: &[u8], j: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = j;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => i = quote_end(b, i + 1)?,
            _ => {}
        }
        i += 1;
    }
    None
}

/// End (exclusive) of a bare token starting at `j`: the next whitespace outside brackets. When a bracket is left
/// open, the token ends at its first whitespace instead (a stray `[` must not swallow the line).
fn bare_end(b: &[u8], j: usize) -> usize {
    let mut depth = 0usize;
    let mut first_ws = None;
    let mut i = j;
    while i < b.len() {
        let c = b[i];
        match c {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' if depth > 0 => match quote_end(b, i + 1) {
                Some(q) => i = q,
                None => break,
            },
            _ if is_ws(c) => {
                if depth == 0 {
                    return i;
                }
                first_ws.get_or_insert(i);
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        first_ws.unwrap_or(b.len())
    } else {
        b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &[u8]) -> Value<'_> {
        Value {
            raw,
            kind: ValueKind::Quoted,
        }
    }
    fn bare(raw: &[u8]) -> Value<'_> {
        Value {
            raw,
            kind: ValueKind::Bare,
        }
    }
    fn braced(raw: &[u8]) -> Value<'_> {
        Value {
            raw,
            kind: ValueKind::Braced,
        }
    }
    fn all(b: &[u8]) -> Vec<(&[u8], Value<'_>)> {
        pairs(b).collect()
    }

    #[test]
    fn kv_klog_quoted_and_bare() {
        // formats.md 1.2, openshift/origin node_test.go fixture (fields after the message).
        let f = br#"probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure output="Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)""#;
        let v = all(f);
        assert_eq!(
            v,
            vec![
                (&b"probeType"[..], q(b"Readiness")),
                (&b"pod"[..], q(b"openshift-authentication/oauth-openshift-77f7b95df5-r4xf7")),
                (&b"podUID"[..], bare(b"1af660b3-ac3a-4182-86eb-2f74725d8415")),
                (&b"containerName"[..], q(b"oauth-openshift")),
                (&b"probeResult"[..], bare(b"failure")),
                (
                    &b"output"[..],
                    q(br#"Get \"https://10.129.0.12:6443/healthz\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"#)
                ),
            ]
        );
        assert_eq!(get(f, b"podUID"), Some(bare(b"1af660b3-ac3a-4182-86eb-2f74725d8415")));
        assert_eq!(get(f, b"probeResult").unwrap().escape(), Escape::None);
        assert_eq!(get(f, b"output").unwrap().escape(), Escape::Go);
        assert_eq!(get(f, b"missing"), None);
        // A key that only occurs inside a value is not a key.
        assert_eq!(get(f, b"Client.Timeout"), None);

        // formats.md 4.5 (k8s#123602): nested `\"` inside err, then pod and a bare podUID.
        let f = br#"err="failed to \"StartContainer\" for \"alpine\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container=alpine pod=restarting-pod_default(ca0d5836-1435-497e-9a41-547fbcc10484)\"" pod="default/restarting-pod" podUID=ca0d5836-1435-497e-9a41-547fbcc10484"#;
        let v = all(f);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].0, b"err");
        assert!(v[0].1.raw.ends_with(br#"(ca0d5836-1435-497e-9a41-547fbcc10484)\""#));
        assert_eq!(v[1], (&b"pod"[..], q(b"default/restarting-pod")));
        assert_eq!(v[2], (&b"podUID"[..], bare(b"ca0d5836-1435-497e-9a41-547fbcc10484")));
        // `container=`/`pod=` inside the quoted err are not pairs.
        assert_eq!(get(f, b"container"), None);
        assert_eq!(get(f, b"pod"), Some(q(b"default/restarting-pod")));
    }

    #[test]
    fn kv_braced_struct_and_json() {
        // %+v struct with spaces (klog < 2.100, formats.md 1.2 minikube 2023).
        let f = br#"node="minikube" condition={Type:Ready Status:False LastHeartbeatTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 LastTransitionTime:2023-09-07 21:49:17.170974959 +0000 UTC m=+1962.581166852 Reason:KubeletNotReady Message:PLEG is not healthy: pleg was last seen active 3m1.104514415s ago; threshold is 3m0s}"#;
        let v = all(f);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], (&b"node"[..], q(b"minikube")));
        assert_eq!(v[1].0, b"condition");
        assert_eq!(v[1].1.kind, ValueKind::Braced);
        assert!(v[1].1.raw.starts_with(b"{Type:Ready Status:False "));
        assert!(v[1].1.raw.ends_with(b"threshold is 3m0s}"));
        // `m=+1962…` inside the struct is not a pair.
        assert_eq!(get(f, b"m"), None);

        // JSON struct (klog >= 2.100, formats.md 1.2 green-master-3).
        let f = br#"node="green-master-3" condition={"type":"Ready","status":"False","lastHeartbeatTime":"2026-01-12T02:56:20Z","lastTransitionTime":"2026-01-12T02:56:20Z","reason":"KubeletNotReady","message":"node is shutting down"}"#;
        assert_eq!(
            get(f, b"condition"),
            Some(braced(
                br#"{"type":"Ready","status":"False","lastHeartbeatTime":"2026-01-12T02:56:20Z","lastTransitionTime":"2026-01-12T02:56:20Z","reason":"KubeletNotReady","message":"node is shutting down"}"#
            ))
        );

        // JSON list (formats.md 4.1, k8s#132001) and a `%+v` list.
        let f = br#"pods=["sre/infras-logstash-d484d57fc-rkx95","sre/admin-api-server-847868d7b-7sqdm","scrm/portal-h5-7c46694b8f-bkz95"]"#;
        assert_eq!(get(f, b"pods"), Some(braced(&f[5..])));
        let f = br#"pod="ns/p" nodeCondition=[DiskPressure]"#;
        assert_eq!(get(f, b"nodeCondition"), Some(braced(b"[DiskPressure]")));

        // JSON struct from formats.md 4.5 and the klog_test.go fixture with `\n` inside a JSON string.
        let f = br#"containerName="manager" containerStatusID={"Type":"containerd","ID":"eb41"} pod="ns/name""#;
        assert_eq!(
            get(f, b"containerStatusID"),
            Some(braced(br#"{"Type":"containerd","ID":"eb41"}"#))
        );
        assert_eq!(get(f, b"pod"), Some(q(b"ns/name")));
        let f = br#"myData={"Data":"This is some long text\nwith a line break."}"#;
        assert_eq!(get(f, b"myData"), Some(braced(&f[7..])));
    }

    #[test]
    fn kv_braced_respects_quotes_and_cut_lines() {
        // Brackets inside quoted strings do not count.
        let f = br#"a={"msg":"x } y ] z","n":[1,{"k":"}"}]} b=2"#;
        assert_eq!(get(f, b"a"), Some(braced(br#"{"msg":"x } y ] z","n":[1,{"k":"}"}]}"#)));
        assert_eq!(get(f, b"b"), Some(bare(b"2")));
        // Cut by a pager: runs to the end.
        let f = br#"event={"ID":"70a6","Type":"ContainerSt"#;
        assert_eq!(get(f, b"event"), Some(braced(&f[6..])));
        // %+v pointer to struct: bare with balanced braces.
        let f = br#"pod="ns/a" event=&{ID:70a6 Type:ContainerStarted Data:8dcb} next=1"#;
        assert_eq!(
            get(f, b"event"),
            Some(bare(b"&{ID:70a6 Type:ContainerStarted Data:8dcb}"))
        );
        assert_eq!(get(f, b"next"), Some(bare(b"1")));
        // A stray open bracket in a bare token does not swallow the rest.
        let f = b"a=x[y b=2";
        assert_eq!(all(f), vec![(&b"a"[..], bare(b"x[y")), (&b"b"[..], bare(b"2"))]);
        // Text glued after a bracket stays one bare token.
        let f = b"addr=[::1]:8080 up=true";
        assert_eq!(get(f, b"addr"), Some(bare(b"[::1]:8080")));
        assert_eq!(get(f, b"up"), Some(bare(b"true")));
    }

    #[test]
    fn kv_block_values() {
        // klog >= 2.40 multi-line value (kubernetes/klog klog_test.go fixture; formats.md 1.2 describes it).
        let f = b"multiLine=<\n\tfirst value line\n\tsecond value line\n >";
        assert_eq!(
            all(f),
            vec![(
                &b"multiLine"[..],
                Value {
                    raw: b"\tfirst value line\n\tsecond value line",
                    kind: ValueKind::Block
                }
            )]
        );
        // Pairs after the block, and a value line that itself holds ` >`.
        let f = b"err=<\n\tline one\n >not the end\n > pod=\"ns/p\"\n";
        let v = all(f);
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0].1,
            Value {
                raw: b"\tline one\n >not the end",
                kind: ValueKind::Block
            }
        );
        assert_eq!(v[1], (&b"pod"[..], q(b"ns/p")));
        // One physical line only (the block continues on the next lines): empty block.
        let f = br#"resourceName="memory" err=<"#;
        assert_eq!(
            get(f, b"err"),
            Some(Value {
                raw: b"",
                kind: ValueKind::Block
            })
        );
        // Unterminated block runs to the end.
        let f = b"err=<\n\tline one\n\tline two";
        assert_eq!(
            get(f, b"err"),
            Some(Value {
                raw: b"\tline one\n\tline two",
                kind: ValueKind::Block
            })
        );
        // `<nil>` is a bare value, not a block.
        let f = b"error=<nil> took=3ms";
        assert_eq!(get(f, b"error"), Some(bare(b"<nil>")));
    }

    #[test]
    fn kv_logrus_pairs() {
        // formats.md 2.1 (moby#36464): bare values with `/`.
        let f = b"bundle=/var/run/docker/containerd/59e87dbdafea56fc081227529bee16607c29f00c1415f497b0a5794b4f3c1450 module=libcontainerd namespace=moby root=/var/lib/docker/overlay2/6580210768fe45ec53675395f7540168ab585486e9a184990620e68d07ca605e/merged";
        let keys: Vec<&[u8]> = pairs(f).map(|(k, _)| k).collect();
        assert_eq!(keys, vec![&b"bundle"[..], b"module", b"namespace", b"root"]);
        assert_eq!(get(f, b"module"), Some(bare(b"libcontainerd")));
        // formats.md 2.1 (k8s#27169): quoted err then a number.
        let f = br#"err="conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78" statusCode=409"#;
        assert_eq!(
            get(f, b"err"),
            Some(q(b"conflict: unable to delete 5b9cd8b4cfe7 (cannot be forced) - image is being used by running container f7b172298a78"))
        );
        assert_eq!(get(f, b"statusCode"), Some(bare(b"409")));
        // Whole logrus line (formats.md 2.1): time, level, msg, then a cut quoted value.
        let f = br#"level=error msg="error reading the kernel parameter net.ipv4.vs.expire_nodest_conn" error="open /proc/sys/net/ipv4/vs/expire_no"#;
        let mut it = pairs(f);
        assert_eq!(it.next(), Some((&b"level"[..], bare(b"error"))));
        assert_eq!(
            it.next(),
            Some((
                &b"msg"[..],
                q(b"error reading the kernel parameter net.ipv4.vs.expire_nodest_conn")
            ))
        );
        assert_eq!(it.rest(), br#" error="open /proc/sys/net/ipv4/vs/expire_no"#);
        assert_eq!(
            it.next(),
            Some((&b"error"[..], q(b"open /proc/sys/net/ipv4/vs/expire_no")))
        );
        assert_eq!(it.next(), None);
        assert_eq!(it.rest(), b"");
    }

    #[test]
    fn kv_odd_keys_garbage_duplicates() {
        // formats.md 5.3: `audit-ID` with an empty quoted value, `µs` inside a value.
        let f = r#"verb="GET" URI="/healthz" latency="50.89µs" userAgent="kube-probe/1.27" audit-ID="" srcIP="10.8.2.1:57816" resp=200"#.as_bytes();
        assert_eq!(get(f, b"audit-ID"), Some(q(b"")));
        assert_eq!(get(f, b"latency"), Some(q("50.89µs".as_bytes())));
        assert_eq!(get(f, b"resp"), Some(bare(b"200")));
        assert_eq!(pairs(f).count(), 7);
        // formats.md 6.2: `missed times=N` (key with a space): `missed` is skipped.
        let f = br#"cronjob="ns/name" missed times=5"#;
        assert_eq!(
            all(f),
            vec![(&b"cronjob"[..], q(b"ns/name")), (&b"times"[..], bare(b"5"))]
        );
        // A whole structured body (message included): the quoted message is skipped.
        let f = br#""Unhandled Error" err="failed calling webhook \"linkerd-proxy-injector.linkerd.io\": failed to call webhook: Post \"https://linkerd-proxy-injector.linkerd.svc:443/?timeout=10s\": service \"linkerd-proxy-injector\" not found" logger="UnhandledError""#;
        let v = all(f);
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], (&b"logger"[..], q(b"UnhandledError")));
        // Duplicates: get returns the first; garbage and lone `=` are skipped.
        let f = b"duration=1h0m0s = =x junk duration=1m0s";
        assert_eq!(get(f, b"duration"), Some(bare(b"1h0m0s")));
        assert_eq!(pairs(f).count(), 2);
        // Empty bare value, empty and blank input, unterminated quote.
        assert_eq!(all(b"a= b=1"), vec![(&b"a"[..], bare(b"")), (&b"b"[..], bare(b"1"))]);
        assert_eq!(all(b"a="), vec![(&b"a"[..], bare(b""))]);
        assert!(all(b"").is_empty());
        assert!(all(b"  \t ").is_empty());
        assert!(all(br#"just "text" here"#).is_empty());
        assert_eq!(
            get(br#"msg="unterminated \" x"#, b"msg"),
            Some(q(br#"unterminated \" x"#))
        );
        assert_eq!(
            get(br#"msg="ends with backslash \"#, b"msg"),
            Some(q(br#"ends with backslash \"#))
        );
    }
}
