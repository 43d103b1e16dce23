//! Node state periods (NotReady, disk pressure) read off the timeline's signals, for the reports' bands.

use crate::model::{SourceRef, TimelineRow};
use crate::signals::SignalKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// A period a node spent in a bad state.
#[derive(Clone, Debug, Serialize)]
pub struct NodePeriod {
    /// Node name.
    pub node: String,
    /// `NotReady` or `DiskPressure`.
    pub state: &'static str,
    /// When the state was first reported (ns).
    #[serde(serialize_with = "crate::model::ser_time_ns")]
    pub start: i64,
    /// When it was reported over (ns); `None` when the bundle ends first.
    #[serde(serialize_with = "crate::model::ser_time")]
    pub end: Option<i64>,
    /// The row that opened the period.
    pub source: SourceRef,
}

/// The state a row opens or closes. Disk pressure opens with the node condition (`NodeHasDiskPressure`,
/// `conditions: [DiskPressure]`) or an eviction round for a disk resource (nodefs, imagefs,
/// ephemeral-storage); a round for memory or pids is another pressure, and image GC over its high threshold
/// is not pressure yet.
fn transition(r: &TimelineRow) -> Option<(&'static str, bool)> {
    let m = r.message.as_str();
    match r.signal? {
        SignalKind::NodeNotReady => Some(("NotReady", true)),
        SignalKind::NodeReady => Some(("NotReady", false)),
        SignalKind::DiskPressure if m.contains("DiskPressure") => Some(("DiskPressure", true)),
        SignalKind::EvictionThresholdMet if DISK_RESOURCES.iter().any(|d| m.contains(d)) => {
            Some(("DiskPressure", true))
        }
        SignalKind::PressureCleared => Some(("DiskPressure", false)),
        _ => None,
    }
}

/// Eviction signals (resource names) that mean the disk.
const DISK_RESOURCES: &[&str] = &["nodefs", "imagefs", "ephemeral-storage"];

/// The node a row speaks of: the node it names (`node/x`, a controller's line about a node), else the node
/// whose log it is.
fn node_of(r: &TimelineRow) -> Option<&str> {
    r.object
        .as_deref()
        .and_then(|o| o.strip_prefix("node/"))
        .or(r.node.as_deref())
}

/// Periods in time order of their start. A period opens at the first report of the state and closes at the
/// first report that it is over; repeats in between extend nothing (the state holds until told otherwise).
pub fn node_periods(timeline: &[TimelineRow]) -> Vec<NodePeriod> {
    let mut open: BTreeMap<(String, &'static str), NodePeriod> = BTreeMap::new();
    let mut out = Vec::new();
    for r in timeline {
        let Some(at) = r.at else { continue };
        let Some((state, opens)) = transition(r) else { continue };
        let Some(node) = node_of(r) else { continue };
        let key = (node.to_string(), state);
        if opens {
            open.entry(key).or_insert_with(|| NodePeriod {
                node: node.to_string(),
                state,
                start: at,
                end: None,
                source: r.source.clone(),
            });
        } else if let Some(mut p) = open.remove(&key) {
            p.end = Some(at);
            out.push(p);
        }
    }
    out.extend(open.into_values());
    out.sort_by(|a, b| (a.start, &a.node, a.state).cmp(&(b.start, &b.node, b.state)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at: i64, node: &str, object: Option<&str>, signal: SignalKind) -> TimelineRow {
        TimelineRow {
            at: Some(at),
            approx_s: Some(0.0),
            node: Some(node.into()),
            component: None,
            object: object.map(String::from),
            severity: "info",
            message: String::new(),
            count: 1,
            last_at: Some(at),
            source: SourceRef {
                path: "x.log".into(),
                line: at as u64,
            },
            also_in: Vec::new(),
            signal: Some(signal),
            time_inherited: false,
            peak: None,
            time_kind: "exact",
        }
    }

    #[test]
    fn only_disk_resources_open_disk_pressure() {
        let mut pids = row(10, "worker-3", None, SignalKind::EvictionThresholdMet);
        pids.message = r#"Eviction manager: attempting to reclaim resourceName="pids""#.into();
        let mut gc = row(20, "worker-3", None, SignalKind::DiskPressure);
        gc.message = "disk usage on image filesystem is at 91% which is over the high threshold (85%)".into();
        assert!(node_periods(&[pids, gc]).is_empty());
        let mut eph = row(30, "worker-3", None, SignalKind::EvictionThresholdMet);
        eph.message = r#"Eviction manager: attempting to reclaim resourceName="ephemeral-storage""#.into();
        let p = node_periods(&[eph]);
        assert_eq!((p[0].state, p[0].start), ("DiskPressure", 30));
    }

    #[test]
    fn periods_open_at_the_first_report_and_close_at_recovery() {
        let t = [
            // The controller-manager (on cp-1) reports worker-2 NotReady; the kubelet repeats it.
            row(10, "cp-1", Some("node/worker-2"), SignalKind::NodeNotReady),
            row(20, "worker-2", None, SignalKind::NodeNotReady),
            TimelineRow {
                message: "Node worker-1 status is now: NodeHasDiskPressure".into(),
                ..row(30, "worker-1", None, SignalKind::DiskPressure)
            },
            row(50, "cp-1", Some("node/worker-2"), SignalKind::NodeReady),
            // Ready without NotReady before: nothing to close.
            row(60, "worker-3", None, SignalKind::NodeReady),
        ];
        let p = node_periods(&t);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].node.as_str(), p[0].state, p[0].start, p[0].end),
            ("worker-2", "NotReady", 10, Some(50))
        );
        assert_eq!(p[0].source.line, 10);
        // Pressure never reported over: open to the end of the bundle.
        assert_eq!(
            (p[1].node.as_str(), p[1].state, p[1].end),
            ("worker-1", "DiskPressure", None)
        );
    }
}
