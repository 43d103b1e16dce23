//! `etcd-slow`: an etcd member whose disk or peers make it slow — applies over their expected duration,
//! heartbeats the leader could not send on time, slow WAL syncs, leader elections, the NOSPACE alarm — and
//! what the apiserver saw of it (`etcdserver: request timed out`, `etcdserver: leader changed`).
//!
//! capnslog (`took too long (1.6s) to execute`, `failed to send out heartbeat on time (exceeded the 100ms
//! timeout for 401ms)`, `sync duration of 1.3s, expected less than 1s`) and zap (`apply request took too long`
//! with `took` and `expected-duration` fields, `slow fdatasync`) say the same things; both are read here.
//!
//! Repeats of one template are collapsed into one timeline row, which keeps the largest duration among its
//! occurrences and their sum ([`crate::model::Peak`]): `took_max_s` is the slowest apply of all, `took_mean_s`
//! their mean, and the slowest one's line is among the evidence.

use super::duration::duration_after;
use super::{evidence, num, Context};
use crate::model::{Finding, Peak, SourceRef, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// What one etcd-related row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trouble {
    /// A request applied slower than expected.
    SlowApply,
    /// The leader could not send a heartbeat on time.
    Heartbeat,
    /// A WAL fsync took too long.
    SlowSync,
    /// A member saw a new leader elected (`elected leader`, `changed leader from`).
    Elected,
    /// A member lost its leader.
    LostLeader,
    /// The backend quota is exceeded (NOSPACE alarm).
    NoSpace,
    /// The apiserver got an etcd error back.
    ApiserverError,
}

fn trouble_of(r: &TimelineRow) -> Option<Trouble> {
    let m = r.message.as_str();
    let etcd = r
        .component
        .as_deref()
        .is_none_or(|c| matches!(c, "etcd" | "raft" | "k3s" | "rke2"));
    Some(
        // An etcd line; the apiserver only repeats the error an (maybe external) etcd sent back.
        if etcd
            && (m.contains("NOSPACE") || m.contains("database space exceeded") || m.contains("etcdserver: no space"))
        {
            Trouble::NoSpace
        } else if !etcd && (m.contains("database space exceeded") || m.contains("etcdserver: no space")) {
            Trouble::ApiserverError
        } else if m.contains("failed to send out heartbeat") {
            Trouble::Heartbeat
        } else if m.contains("sync duration of") || m.contains("slow fdatasync") {
            Trouble::SlowSync
        } else if etcd
            && (m.contains("apply request took too long") || (m.contains("took too long") && m.contains("to execute")))
        {
            Trouble::SlowApply
        } else if etcd && (m.contains("elected leader") || m.contains("changed leader from")) {
            Trouble::Elected
        } else if etcd && m.contains("lost leader") {
            Trouble::LostLeader
        } else if !etcd && (m.contains("etcdserver: request timed out") || m.contains("etcdserver: leader changed")) {
            Trouble::ApiserverError
        } else {
            return None;
        },
    )
}

/// How long a slow apply took: zap `took="10.9s"`, capnslog `took too long (1.6s)` / `[3.4s]`.
fn took(m: &str) -> Option<f64> {
    crate::signals::magnitude::magnitude(SignalKind::EtcdSlow, m)
}

/// The expected duration: zap `expected-duration="100ms"`, capnslog WAL `expected less than 1s`.
fn expected(m: &str) -> Option<f64> {
    duration_after(m, "expected-duration=\"").or_else(|| duration_after(m, "expected less than "))
}

/// What one member's rows add up to.
#[derive(Default)]
struct Member<'a> {
    rows: Vec<&'a TimelineRow>,
    applies: u64,
    /// Durations of the slow applies (every occurrence, through the rows' peaks).
    took: Option<Peak>,
    expected: Option<f64>,
    heartbeats: u64,
    syncs: u64,
    sync: Option<Peak>,
    elected: u64,
    lost: u64,
    nospace: u64,
}

/// Finds slow etcd members.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let rows: Vec<(&TimelineRow, Trouble)> = ctx
        .timeline
        .iter()
        .filter(|r| r.signal == Some(SignalKind::EtcdSlow))
        .filter_map(|r| Some((r, trouble_of(r)?)))
        .collect();
    // The apiserver's log is half of the pattern (the etcd errors it gets back): with it, the pattern is looked for.
    if rows.is_empty() && !ctx.has_component("etcd") && !ctx.has_component("kube-apiserver") {
        return Err("no etcd or kube-apiserver logs".into());
    }
    let mut members: BTreeMap<&str, Member> = BTreeMap::new();
    let mut apiserver: Vec<&TimelineRow> = Vec::new();
    for (r, t) in &rows {
        if *t == Trouble::ApiserverError {
            apiserver.push(r);
            continue;
        }
        let Some(node) = r.node.as_deref() else { continue };
        let m = members.entry(node).or_default();
        m.rows.push(r);
        match t {
            Trouble::SlowApply => {
                m.applies += r.count;
                add_peak(&mut m.took, r);
                m.expected = m.expected.or(expected(&r.message));
            }
            Trouble::Heartbeat => m.heartbeats += r.count,
            Trouble::SlowSync => {
                m.syncs += r.count;
                add_peak(&mut m.sync, r);
            }
            Trouble::Elected => m.elected += r.count,
            Trouble::LostLeader => m.lost += r.count,
            Trouble::NoSpace => m.nospace += r.count,
            Trouble::ApiserverError => unreachable!(),
        }
    }
    let api_count: u64 = apiserver.iter().map(|r| r.count).sum();
    let min = ctx.thresholds.etcd_slow_events;
    let mut out = Vec::new();
    for (node, m) in &members {
        let slow = m.applies + m.heartbeats + m.syncs;
        // One slow apply, or an election after a restart, is what a healthy cluster logs now and then.
        if slow < min && m.nospace == 0 {
            continue;
        }
        // The apiserver's errors of the member's window (give or take a minute) are what it saw of it.
        let (start, end) = window(m.rows.iter());
        let slack = 60 * 1_000_000_000;
        let during: Vec<&TimelineRow> = apiserver
            .iter()
            .copied()
            .filter(|r| match (r.at, start, end) {
                (Some(at), Some(s), Some(e)) => at >= s - slack && at <= e + slack,
                _ => false,
            })
            .collect();
        let during_count = during.iter().map(|r| r.count).sum();
        out.push(member_finding(node, m, &during, during_count));
    }
    if out.is_empty() && api_count >= min {
        out.push(apiserver_finding(&apiserver, api_count));
    }
    Ok(out)
}

/// Adds a row's durations: its peak (every occurrence), else the one its message shows.
fn add_peak(into: &mut Option<Peak>, r: &TimelineRow) {
    let Some(p) = r
        .peak
        .as_deref()
        .copied()
        .or_else(|| took(&r.message).map(|v| Peak::of(v, r.source.line)))
    else {
        return;
    };
    match into {
        Some(q) => q.merge(p),
        None => *into = Some(p),
    }
}

/// The source line of a member's slowest value, from the row whose peak it is.
fn peak_source(rows: &[&TimelineRow], peak: Option<Peak>) -> Option<SourceRef> {
    let p = peak?;
    rows.iter()
        .find(|r| {
            r.peak
                .as_deref()
                .is_some_and(|q| q.max_s == p.max_s && q.line == p.line)
        })
        .map(|r| SourceRef {
            path: r.source.path.clone(),
            line: p.line,
        })
}

fn window<'a>(rows: impl Iterator<Item = &'a &'a TimelineRow> + Clone) -> (Option<i64>, Option<i64>) {
    let start = rows.clone().filter_map(|r| r.at).min();
    let end = rows.filter_map(|r| r.last_at.or(r.at)).max();
    (start, end)
}

fn member_finding(node: &str, m: &Member, apiserver: &[&TimelineRow], api_count: u64) -> Finding {
    let (start, end) = window(m.rows.iter());
    let took_max = m.took.map(|p| p.max_s);
    let took_mean = m.took.map(|p| p.total_s / p.samples.max(1) as f64);
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), m.applies.into());
    if let (Some(mx), Some(mean)) = (took_max, took_mean) {
        measured.insert("took_max_s".into(), num(mx));
        measured.insert("took_mean_s".into(), num(mean));
    }
    if let Some(e) = m.expected {
        measured.insert("expected_s".into(), num(e));
    }
    measured.insert("heartbeat_misses".into(), m.heartbeats.into());
    measured.insert("leader_changes".into(), m.elected.into());
    if m.syncs > 0 {
        measured.insert("slow_wal_syncs".into(), m.syncs.into());
        if let Some(s) = m.sync {
            measured.insert("wal_sync_max_s".into(), num(s.max_s));
        }
    }
    if m.nospace > 0 {
        measured.insert("nospace".into(), m.nospace.into());
    }
    if api_count > 0 {
        measured.insert("apiserver_errors".into(), api_count.into());
    }
    let mut parts = Vec::new();
    if m.applies > 0 {
        let mut s = format!("{} requests applied too slowly", m.applies);
        if let (Some(mx), Some(mean)) = (took_max, took_mean) {
            s.push_str(&format!(" (up to {mx:.2} s, mean {mean:.2} s"));
            if let Some(e) = m.expected {
                s.push_str(&format!(", expected {:.0} ms", e * 1000.0));
            }
            s.push(')');
        }
        parts.push(s);
    }
    if m.heartbeats > 0 {
        parts.push(format!("{} heartbeats not sent on time", m.heartbeats));
    }
    if m.syncs > 0 {
        let mut s = format!("{} slow WAL syncs", m.syncs);
        if let Some(x) = m.sync {
            s.push_str(&format!(" (up to {:.2} s)", x.max_s));
        }
        parts.push(s);
    }
    if m.elected > 0 || m.lost > 0 {
        parts.push(format!(
            "{} leader election(s) seen, leader lost {} time(s)",
            m.elected, m.lost
        ));
    }
    if m.nospace > 0 {
        parts.push(format!(
            "{} NOSPACE alarm / quota lines: the database is full and etcd refuses writes",
            m.nospace
        ));
    }
    let mut explanation = format!("etcd on {node}: {}.", parts.join("; "));
    if api_count > 0 {
        explanation.push_str(&format!(
            " The apiserver got {api_count} etcd errors back (`request timed out`, `leader changed`) in the same window (give or take a minute)."
        ));
    }
    let critical = m.nospace > 0;
    Finding {
        id: "etcd-slow".into(),
        severity: if critical { "critical" } else { "warning" }.into(),
        title: if critical {
            format!("etcd on {node} is out of space (NOSPACE)")
        } else {
            format!(
                "etcd on {node} is slow ({} slow applies, {} missed heartbeats)",
                m.applies, m.heartbeats
            )
        },
        start,
        end,
        subjects: vec![format!("node/{node}")],
        measured,
        // The slowest apply and sync first: the lines that show the numbers.
        evidence: evidence(
            peak_source(&m.rows, m.took)
                .iter()
                .chain(peak_source(&m.rows, m.sync).iter())
                .chain(m.rows.iter().chain(apiserver).map(|r| &r.source)),
        ),
        explanation,
        remediation: if critical {
            "Compact and defragment etcd (`etcdctl compact`, `etcdctl defrag`), then `etcdctl alarm disarm`; raise \
             --quota-backend-bytes if the data really needs it."
                .into()
        } else {
            "Give etcd a dedicated low-latency disk (SSD; check `wal_fsync_duration_seconds` p99 < 10 ms) and \
             keep noisy neighbours off it; check the peers' network latency."
                .into()
        },
        caused_by: Vec::new(),
        known: None,
    }
}

fn apiserver_finding(apiserver: &[&TimelineRow], count: u64) -> Finding {
    let (start, end) = window(apiserver.iter());
    let mut nodes: Vec<String> = apiserver
        .iter()
        .filter_map(|r| r.node.as_deref())
        .map(|n| format!("node/{n}"))
        .collect();
    nodes.sort();
    nodes.dedup();
    let mut measured = serde_json::Map::new();
    measured.insert("apiserver_errors".into(), count.into());
    Finding {
        id: "etcd-slow".into(),
        severity: "warning".into(),
        title: format!("The apiserver got {count} etcd errors"),
        start,
        end,
        subjects: nodes,
        measured,
        evidence: evidence(apiserver.iter().map(|r| &r.source)),
        explanation: format!(
            "The apiserver got {count} errors from etcd (`etcdserver: request timed out` / `leader changed`); \
             the bundle has no etcd log that says why."
        ),
        remediation: "Collect the etcd members' logs; check their disk latency and leader elections.".into(),
        caused_by: Vec::new(),
        known: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apiserver_repeating_nospace_is_not_an_etcd_member_out_of_space() {
        let row = |component: &str, message: &str| TimelineRow {
            component: Some(component.into()),
            message: message.into(),
            ..Default::default()
        };
        // kube-apiserver 1.2x with an external etcd (formats.md 5.4), and etcd's own alarm line.
        let api = row(
            "kube-apiserver",
            "Error from server: etcdserver: mvcc: database space exceeded",
        );
        assert_eq!(trouble_of(&api), Some(Trouble::ApiserverError));
        let own = row("etcd", "alarm NOSPACE raised by member 8e9e05c52164694d");
        assert_eq!(trouble_of(&own), Some(Trouble::NoSpace));
    }

    #[test]
    fn durations_of_both_shapes() {
        assert_eq!(
            took("apply request took too long took=\"10.939542138s\" expected-duration=\"100ms\""),
            Some(10.939542138)
        );
        assert_eq!(
            expected("apply request took too long took=\"10.939542138s\" expected-duration=\"100ms\""),
            Some(0.1)
        );
        assert_eq!(
            took("read-only range request \"key:\\\"/registry/secrets/x\\\" \" with result \"range_response_count:1 size:2579\" took too long (1.602181876s) to execute"),
            Some(1.602181876)
        );
        assert_eq!(
            took("wal: sync duration of 1.364934595s, expected less than 1s"),
            Some(1.364934595)
        );
        assert_eq!(
            expected("wal: sync duration of 1.364934595s, expected less than 1s"),
            Some(1.0)
        );
    }
}
