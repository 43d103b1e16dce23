//! Events from every dump and every component log echo, made one: the same event seen in an events table,
//! a describe output, an events.json and a kubelet `Event(v1.ObjectReference{...})` line is one fact with
//! all its sources.

use crate::model::SourceRef;
use parsers::kubectl::{Event, When};
use std::borrow::Cow;

/// What makes two sightings the same event: the object, the reason and the message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventKey {
    /// Namespace (empty for cluster-scoped objects and when no dump says).
    pub namespace: String,
    /// Kind in API spelling (`Pod`), empty when unknown.
    pub kind: String,
    /// Object name.
    pub name: String,
    /// Reason.
    pub reason: String,
    /// Message with runs of white space collapsed and a final `.` dropped.
    pub message: String,
}

impl EventKey {
    /// The key of a dump event.
    pub fn of(e: &Event) -> EventKey {
        EventKey {
            namespace: e.object.namespace.clone().unwrap_or_default(),
            kind: e.object.kind.clone().unwrap_or_default(),
            name: e.object.name.clone(),
            reason: e.reason.clone().unwrap_or_default(),
            message: normalize_message(&e.message),
        }
    }

    /// A hash of the whole key.
    pub fn exact(&self) -> u64 {
        self.hash_with(true)
    }

    /// A hash of the key without the namespace, for dumps that do not say it (`kubectl get events` without
    /// `-A`). Never equal to an [`EventKey::exact`] hash of another key but by collision.
    pub fn loose(&self) -> u64 {
        self.hash_with(false)
    }

    /// Whether two keys name the same event, a missing namespace on either side matching any.
    pub fn matches(&self, other: &EventKey) -> bool {
        (&self.kind, &self.name, &self.reason, &self.message)
            == (&other.kind, &other.name, &other.reason, &other.message)
            && (self.namespace == other.namespace || self.namespace.is_empty() || other.namespace.is_empty())
    }

    fn hash_with(&self, namespace: bool) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        namespace.hash(&mut h);
        if namespace {
            self.namespace.hash(&mut h);
        }
        (&self.kind, &self.name, &self.reason, &self.message).hash(&mut h);
        h.finish()
    }
}

/// Collapses white space and drops a final period, so a table's, a describe's and a log's copy of one
/// message compare equal (tables and describe may reflow spaces; some recorders add the period).
pub fn normalize_message(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    for w in m.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    while out.ends_with('.') {
        out.pop();
    }
    out
}

/// An event as a component log echoes it, read from a timeline row's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Echo {
    /// Key of the echoed event.
    pub key: EventKey,
    /// `Normal` / `Warning`.
    pub event_type: String,
    /// Field path (`spec.containers{etcd}`), when written.
    pub field_path: Option<String>,
}

/// An event echo as written in a log line, borrowed from it: checked against the dumps before anything is
/// copied (tens of thousands of echo rows are common).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EchoRef<'a> {
    /// Namespace (empty for cluster-scoped objects).
    pub namespace: &'a str,
    /// Kind (`Pod`).
    pub kind: &'a str,
    /// Object name.
    pub name: &'a str,
    /// Reason.
    pub reason: &'a str,
    /// `Normal` / `Warning`.
    pub event_type: &'a str,
    /// Field path, empty when none.
    pub field_path: &'a str,
    /// Message as written (unescaped when the log quoted it).
    pub message: Cow<'a, str>,
}

impl EchoRef<'_> {
    /// The owned echo, with its key.
    pub fn to_echo(&self) -> Echo {
        Echo {
            key: EventKey {
                namespace: self.namespace.to_string(),
                kind: self.kind.to_string(),
                name: self.name.to_string(),
                reason: self.reason.to_string(),
                message: normalize_message(&self.message),
            },
            event_type: self.event_type.to_string(),
            field_path: Some(self.field_path.to_string()).filter(|f| !f.is_empty()),
        }
    }
}

/// Reads an event echo (`Event(v1.ObjectReference{...}): type: ... reason: ... msg` or the structured
/// `"Event occurred" object=... reason=... message=...`) from a log row's message.
pub fn parse_echo(text: &str) -> Option<Echo> {
    read_echo(text).map(|e| e.to_echo())
}

/// [`parse_echo`] without copying. Both shapes are fixed Go formats (formats.md 4: `StartLogging`,
/// `StartStructuredLogging`), read by their literal delimiters.
pub fn read_echo(text: &str) -> Option<EchoRef<'_>> {
    let line = text.lines().next().unwrap_or(text);
    if let Some(at) = find(line, "ObjectReference{") {
        return reference_echo(&line[at..]);
    }
    occurred_echo(&line[find(line, "Event occurred")?..])
}

fn find(hay: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
}

/// The text between `open` (searched from the start of `s`) and the next `close`, and what follows.
fn between<'a>(s: &'a str, open: &str, close: char) -> Option<(&'a str, &'a str)> {
    let start = find(s, open)? + open.len();
    let len = s[start..].find(close)?;
    Some((&s[start..start + len], &s[start + len + close.len_utf8()..]))
}

/// `ObjectReference{Kind:"Pod", Namespace:"ns", Name:"x", ..., FieldPath:"f"}): type: 'Normal' reason: 'R' msg`
fn reference_echo(s: &str) -> Option<EchoRef<'_>> {
    let (kind, rest) = between(s, "Kind:\"", '"')?;
    let (namespace, rest) = between(rest, "Namespace:\"", '"')?;
    let (name, rest) = between(rest, "Name:\"", '"')?;
    let (field_path, rest) = between(rest, "FieldPath:\"", '"')?;
    let rest = rest.strip_prefix("}): ")?;
    let (event_type, rest) = between(rest, "type: '", '\'')?;
    let (reason, rest) = between(rest, " reason: '", '\'')?;
    Some(EchoRef {
        namespace,
        kind,
        name,
        reason,
        event_type,
        field_path,
        message: Cow::Borrowed(rest.strip_prefix(' ').unwrap_or(rest)),
    })
}

/// `"Event occurred" object="ns/name" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="R" message="m"`
fn occurred_echo(s: &str) -> Option<EchoRef<'_>> {
    let (object, _) = between(s, " object=\"", '"')?;
    let field_path = between(s, " fieldPath=\"", '"').map_or("", |(f, _)| f);
    let (kind, _) = between(s, " kind=\"", '"')?;
    let (event_type, _) = between(s, " type=\"", '"')?;
    let (reason, _) = between(s, " reason=\"", '"')?;
    let message = go_quoted(&s[find(s, " message=\"")? + 10..])?;
    let (namespace, name) = object.split_once('/').unwrap_or(("", object));
    Some(EchoRef {
        namespace,
        kind,
        name,
        reason,
        event_type,
        field_path,
        message,
    })
}

/// The content of a Go-quoted string whose opening quote has been consumed: borrowed when it holds no
/// escape, else unescaped (`\"`, `\\`, `\n`, `\t`).
fn go_quoted(s: &str) -> Option<Cow<'_, str>> {
    let end = s.find(['"', '\\'])?;
    if s.as_bytes()[end] == b'"' {
        return Some(Cow::Borrowed(&s[..end]));
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(Cow::Owned(out)),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// A time placed in UTC with its uncertainty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Nanoseconds since 1970.
    pub at: i64,
    /// ± seconds (0 when the source wrote the instant).
    pub approx_s: f64,
}

impl Placed {
    /// Places a dump time given the capture time and its own uncertainty.
    pub fn of(w: When, capture: Option<(i64, f64)>) -> Option<Placed> {
        let (at, pm) = w.place(capture.map(|c| c.0))?;
        let capture_pm = if matches!(w, When::At(_)) {
            0.0
        } else {
            capture.map_or(0.0, |c| c.1)
        };
        Some(Placed {
            at,
            approx_s: pm + capture_pm,
        })
    }
}

/// One event and every place it was seen.
#[derive(Clone, Debug)]
pub struct EventFact {
    /// Identity.
    pub key: EventKey,
    /// The first sighting as read (type, source, host, field path).
    pub event: Event,
    /// First occurrence.
    pub first: Option<Placed>,
    /// Last occurrence.
    pub last: Option<Placed>,
    /// Occurrences (the largest count any sighting reports).
    pub count: u64,
    /// Where it was seen, first sighting first.
    pub sources: Vec<SourceRef>,
}

impl EventFact {
    /// A fact from one sighting.
    pub fn new(e: Event, source: SourceRef, capture: Option<(i64, f64)>) -> EventFact {
        EventFact {
            key: EventKey::of(&e),
            first: Placed::of(e.first, capture),
            last: Placed::of(e.last, capture),
            count: e.count.max(1),
            sources: vec![source],
            event: e,
        }
    }

    /// Adds a sighting seen in a log (an echo): its times, count and line.
    pub fn add_sighting(&mut self, first: Option<Placed>, last: Option<Placed>, count: u64, source: &SourceRef) {
        self.first = better(self.first, first, |a, b| a.at <= b.at);
        self.last = better(self.last, last, |a, b| a.at >= b.at);
        self.count = self.count.max(count);
        if !self
            .sources
            .iter()
            .any(|x| x.path == source.path && x.line == source.line)
        {
            self.sources.push(source.clone());
        }
    }

    /// Adds another sighting of the same event: exact times win over approximate ones, the widest span and
    /// the largest count are kept, and missing details are filled in.
    pub fn absorb(&mut self, other: EventFact) {
        self.first = better(self.first, other.first, |a, b| a.at <= b.at);
        self.last = better(self.last, other.last, |a, b| a.at >= b.at);
        self.count = self.count.max(other.count);
        let e = &mut self.event;
        let o = other.event;
        if e.object.namespace.is_none() {
            e.object.namespace = o.object.namespace;
            self.key.namespace = other.key.namespace;
        }
        e.event_type = e.event_type.take().or(o.event_type);
        e.source = e.source.take().or(o.source);
        e.host = e.host.take().or(o.host);
        e.object.field_path = e.object.field_path.take().or(o.object.field_path);
        for s in other.sources {
            if !self.sources.iter().any(|x| x.path == s.path && x.line == s.line) {
                self.sources.push(s);
            }
        }
    }
}

const SECOND: i64 = 1_000_000_000;

/// The more precise of two placements; among equally precise ones, the one `prefer` picks.
fn better(a: Option<Placed>, b: Option<Placed>, prefer: impl Fn(&Placed, &Placed) -> bool) -> Option<Placed> {
    match (a, b) {
        (Some(x), Some(y)) => {
            let (xe, ye) = (x.approx_s == 0.0, y.approx_s == 0.0);
            // Event objects write whole seconds; a log line of the same second says more.
            if xe && ye && x.at.div_euclid(SECOND) == y.at.div_euclid(SECOND) {
                return Some(if x.at.rem_euclid(SECOND) != 0 { x } else { y });
            }
            Some(if xe != ye {
                if xe {
                    x
                } else {
                    y
                }
            } else if prefer(&x, &y) {
                x
            } else {
                y
            })
        }
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_echo_shapes() {
        // formats.md 4 (k8s#91560, kubelet 1.18)
        let e = parse_echo(r#"Event(v1.ObjectReference{Kind:"Pod", Namespace:"mirror-pod-with-grace-period-2630", Name:"static-pod-0ed6", UID:"0040ad26cfbe654f03547eb96b474700", APIVersion:"v1", ResourceVersion:"", FieldPath:"spec.containers{test}"}): type: 'Normal' reason: 'Pulled' Successfully pulled image "docker.io/library/fedora:32""#).unwrap();
        assert_eq!(e.key.kind, "Pod");
        assert_eq!(e.key.namespace, "mirror-pod-with-grace-period-2630");
        assert_eq!(e.key.reason, "Pulled");
        assert_eq!(
            e.key.message,
            r#"Successfully pulled image "docker.io/library/fedora:32""#
        );
        assert_eq!(e.field_path.as_deref(), Some("spec.containers{test}"));
        // formats.md 4 (k8s PR#118497, 1.27): structured, escaped quotes in the message
        let e = parse_echo(r#""Event occurred" object="default/ubuntu-sleep-2" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="FailedMount" message="MountVolume.SetUp failed for volume \"kube-api-access-8st28\" : object \"default\"/\"kube-root-ca.crt\" not registered""#).unwrap();
        assert_eq!(
            (e.key.namespace.as_str(), e.key.name.as_str()),
            ("default", "ubuntu-sleep-2")
        );
        assert_eq!(e.event_type, "Warning");
        assert_eq!(
            e.key.message,
            r#"MountVolume.SetUp failed for volume "kube-api-access-8st28" : object "default"/"kube-root-ca.crt" not registered"#
        );
        // formats.md 6 (KCM node event, no namespace)
        let e = parse_echo(r#"Event(v1.ObjectReference{Kind:"Node", Namespace:"", Name:"node-xxx-36-174", UID:"c452", APIVersion:"", ResourceVersion:"", FieldPath:""}): type: 'Normal' reason: 'NodeNotReady' Node node-xxx-36-174 status is now: NodeNotReady"#).unwrap();
        assert_eq!((e.key.kind.as_str(), e.key.namespace.as_str()), ("Node", ""));
        assert_eq!(e.key.message, "Node node-xxx-36-174 status is now: NodeNotReady");
        assert_eq!(parse_echo("Pulled image nginx"), None);
    }

    #[test]
    fn messages_compare_across_reflowed_copies() {
        assert_eq!(
            normalize_message("The node was low on resource:  ephemeral-storage. "),
            "The node was low on resource: ephemeral-storage"
        );
    }

    #[test]
    fn exact_times_win_and_sources_accumulate() {
        let ev = |first: When, last: When, count| Event {
            line: 1,
            object: parsers::kubectl::ObjectRef {
                kind: Some("Pod".into()),
                namespace: None,
                name: "etcd-m".into(),
                field_path: None,
            },
            event_type: Some("Warning".into()),
            reason: Some("Unhealthy".into()),
            message: "Liveness probe failed".into(),
            source: None,
            host: None,
            count,
            first,
            last,
            name: None,
        };
        let s = 1_000_000_000i64;
        let capture = Some((10_000 * s, 0.0));
        let approx = EventFact::new(
            ev(
                When::Ago {
                    secs: 600,
                    resolution: 60,
                },
                When::Ago {
                    secs: 60,
                    resolution: 60,
                },
                5,
            ),
            SourceRef {
                path: "events.txt".into(),
                line: 7,
            },
            capture,
        );
        assert_eq!(approx.first.unwrap().at, 9_370 * s);
        assert_eq!(approx.first.unwrap().approx_s, 30.0);
        let mut exact = approx.clone();
        exact.event.object.namespace = Some("kube-system".into());
        exact.key = EventKey::of(&exact.event);
        exact.first = Some(Placed {
            at: 9_380 * s,
            approx_s: 0.0,
        });
        exact.count = 8;
        exact.sources = vec![SourceRef {
            path: "events.json".into(),
            line: 40,
        }];
        let mut merged = approx;
        merged.absorb(exact);
        assert_eq!(
            merged.first.unwrap(),
            Placed {
                at: 9_380 * s,
                approx_s: 0.0
            }
        );
        assert_eq!(merged.last.unwrap().approx_s, 30.0);
        assert_eq!(merged.count, 8);
        assert_eq!(merged.sources.len(), 2);
        assert_eq!(merged.event.object.namespace.as_deref(), Some("kube-system"));
    }
}
