//! `image-gc-failed` (image garbage collection cannot free space) and `disk-pressure-eviction` (a node over an
//! eviction threshold evicts pods, refuses them, or has nothing it may evict), per node.

use super::webhook::span_words;
use super::{evidence, num, secs, Context};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use std::collections::{BTreeMap, BTreeSet};

/// Both findings; each `Err` says what is missing.
pub fn detect(ctx: &Context) -> (Result<Vec<Finding>, String>, Result<Vec<Finding>, String>) {
    if !ctx.has_component("kubelet") && ctx.events.is_empty() && !ctx.timeline.iter().any(|r| r.signal.is_some()) {
        let missing = "no kubelet logs and no events".to_string();
        return (Err(missing.clone()), Err(missing));
    }
    let by_node = rows_by_node(ctx.timeline);
    let mut gc = Vec::new();
    let mut evictions = Vec::new();
    for (node, rows) in &by_node {
        gc.extend(image_gc(ctx, node, rows));
        evictions.extend(eviction(ctx.timeline, node, rows));
    }
    (Ok(gc), Ok(evictions))
}

/// Rows that speak of disks, images and evictions, by node.
fn rows_by_node(timeline: &[TimelineRow]) -> BTreeMap<&str, Vec<&TimelineRow>> {
    let mut by_node: BTreeMap<&str, Vec<&TimelineRow>> = BTreeMap::new();
    for r in timeline {
        let relevant = matches!(
            r.signal,
            Some(
                SignalKind::ImageGcFailed
                    | SignalKind::DiskPressure
                    | SignalKind::EvictionThresholdMet
                    | SignalKind::PodEvicted
                    | SignalKind::PressureCleared
            )
        ) || (matches!(r.severity, "error" | "warning" | "critical")
            && (r.message.contains("being used by stopped container")
                || r.message.contains("cannot evict a critical pod")));
        if let (true, Some(node)) = (relevant, r.node.as_deref()) {
            by_node.entry(node).or_default().push(r);
        }
    }
    by_node
}

fn image_gc(ctx: &Context, node: &str, rows: &[&TimelineRow]) -> Option<Finding> {
    // "failed once. Stats initialization may not have completed yet" is the kubelet starting, not a failure.
    let all_failures = rows
        .iter()
        .filter(|r| r.signal == Some(SignalKind::ImageGcFailed) && !r.message.contains("failed once"));
    // The kubelet logs every failure; its events (ImageGCFailed, FreeDiskSpaceFailed) repeat some of them.
    let from_kubelet: Vec<&&TimelineRow> = all_failures
        .clone()
        .filter(|r| r.component.as_deref() == Some("kubelet"))
        .collect();
    let failures: Vec<&&TimelineRow> = if from_kubelet.is_empty() {
        all_failures.collect()
    } else {
        from_kubelet
    };
    let count: u64 = failures.iter().map(|r| r.count).sum();
    if count < ctx.thresholds.image_gc_failures {
        return None;
    }
    let start = failures.iter().filter_map(|r| r.at).min();
    let end = failures.iter().filter_map(|r| r.last_at.or(r.at)).max();
    let (mut wanted, mut freed) = (None::<u64>, None::<u64>);
    for r in &failures {
        if let Some((w, f)) = wanted_freed(&r.message) {
            wanted = wanted.max(Some(w));
            freed = Some(freed.map_or(f, |x: u64| x.min(f)));
        }
    }
    let usage = rows
        .iter()
        .filter(|r| r.signal == Some(SignalKind::DiskPressure))
        .find_map(|r| usage_and_threshold(&r.message));
    // Image deletions the runtime refused because stopped containers still use the images (the runtime's own
    // lines when present; the kubelet repeats the same errors).
    let held_all = rows
        .iter()
        .filter(|r| r.message.contains("being used by stopped container"));
    let held_runtime: Vec<&&TimelineRow> = held_all
        .clone()
        .filter(|r| matches!(r.component.as_deref(), Some("dockerd" | "containerd" | "crio")))
        .collect();
    let held: Vec<&&TimelineRow> = if held_runtime.is_empty() {
        held_all.collect()
    } else {
        held_runtime
    };
    let refused: u64 = held.iter().map(|r| r.count).sum();
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), count.into());
    if let Some(w) = wanted {
        measured.insert("wanted_bytes".into(), w.into());
    }
    if let Some(f) = freed {
        measured.insert("freed_or_eligible_bytes".into(), f.into());
    }
    if let Some((u, t)) = usage {
        measured.insert("usage_percent".into(), u.into());
        measured.insert("high_threshold_percent".into(), t.into());
    }
    if refused > 0 {
        measured.insert("deletions_refused_stopped_containers".into(), refused.into());
    }
    if let (Some(s), Some(e)) = (start, end) {
        measured.insert("duration_s".into(), num(secs(s, e)));
    }
    let mut explanation = format!(
        "Image garbage collection on {node} failed {count} times over {}",
        span_words(start, end)
    );
    if let (Some(w), Some(f)) = (wanted, freed) {
        explanation.push_str(&format!(
            ": it had to free {} but could free only {}",
            bytes(w),
            bytes(f)
        ));
    }
    if let Some((u, t)) = usage {
        explanation.push_str(&format!(" (image filesystem at {u}% against a high threshold of {t}%)"));
    }
    explanation.push('.');
    if refused > 0 {
        explanation.push_str(&format!(
            " The runtime refused {refused} image deletions because stopped containers that nobody removes still \
             use the images: the disk cannot be freed while they stay."
        ));
    }
    Some(Finding {
        id: "image-gc-failed".into(),
        severity: "warning".into(),
        title: format!("Image GC on {node} cannot free space ({count} failures)"),
        start,
        end,
        subjects: vec![format!("node/{node}")],
        measured,
        evidence: evidence(failures.iter().map(|r| &r.source).chain(held.iter().map(|r| &r.source))),
        explanation,
        remediation: if refused == 0 {
            "Free the image filesystem (remove unused images and exited containers), and look for what fills it.".into()
        } else {
            "Remove the exited containers that hold images (`docker container prune` / `crictl rm`) and stop \
             whatever leaves them behind; image GC can then free the disk."
                .into()
        },
        caused_by: Vec::new(),
        known: None,
    })
}

fn eviction(timeline: &[TimelineRow], node: &str, rows: &[&TimelineRow]) -> Option<Finding> {
    let pressure: Vec<&&TimelineRow> = rows
        .iter()
        .filter(|r| {
            r.signal == Some(SignalKind::EvictionThresholdMet)
                || (r.signal == Some(SignalKind::DiskPressure) && !r.message.contains("over the high threshold"))
        })
        .collect();
    let evicted_rows: Vec<&&TimelineRow> = rows
        .iter()
        .filter(|r| r.signal == Some(SignalKind::PodEvicted))
        .collect();
    let stuck: Vec<&&TimelineRow> = rows
        .iter()
        .filter(|r| {
            r.message.contains("no pods are active to evict") || r.message.contains("cannot evict a critical pod")
        })
        .collect();
    let refused: u64 = rows
        .iter()
        .filter(|r| {
            r.message.contains("conditions: [DiskPressure]") || r.message.contains("had condition: [DiskPressure]")
        })
        .map(|r| r.count)
        .sum();
    if pressure.is_empty() || (evicted_rows.is_empty() && stuck.is_empty() && refused == 0) {
        return None;
    }
    let evicted: BTreeSet<&str> = evicted_rows.iter().filter_map(|r| r.object.as_deref()).collect();
    // The Evicted events of those pods (a dump names no node for them) carry the threshold and what was left.
    let pod_events: Vec<&TimelineRow> = timeline
        .iter()
        .filter(|r| r.node.is_none() && r.signal == Some(SignalKind::PodEvicted))
        .filter(|r| r.object.as_deref().is_some_and(|o| evicted.contains(o)))
        .collect();
    let first_pressure = pressure.iter().filter_map(|r| r.at).min()?;
    let first_eviction = evicted_rows.iter().filter_map(|r| r.at).min();
    let last_trouble = pressure
        .iter()
        .chain(&evicted_rows)
        .chain(&stuck)
        .filter_map(|r| r.last_at.or(r.at))
        .max()
        .unwrap_or(first_pressure);
    // The end of the pressure: an exact sighting when there is one, else the earliest approximate one.
    let recovered = rows
        .iter()
        .filter(|r| r.signal == Some(SignalKind::PressureCleared))
        .filter_map(|r| Some((r.approx_s != Some(0.0), r.at?)))
        .filter(|(_, t)| *t >= last_trouble)
        .min()
        .map(|(_, t)| t);
    let resource = rows.iter().find_map(|r| resource_of(&r.message));
    let threshold = rows
        .iter()
        .copied()
        .chain(pod_events.iter().copied())
        .find_map(|r| threshold_of(&r.message));
    let mut measured = serde_json::Map::new();
    measured.insert("evicted".into(), evicted.len().into());
    if let Some(f) = first_eviction {
        measured.insert("wait_s".into(), num(secs(first_pressure, f)));
    }
    if let Some(r) = recovered {
        measured.insert("duration_s".into(), num(secs(first_pressure, r)));
    }
    if refused > 0 {
        measured.insert("refused".into(), refused.into());
    }
    if !stuck.is_empty() {
        measured.insert(
            "nothing_to_evict".into(),
            stuck.iter().map(|r| r.count).sum::<u64>().into(),
        );
    }
    if let Some((q, a)) = &threshold {
        measured.insert("threshold".into(), q.clone().into());
        measured.insert("available".into(), a.clone().into());
    }
    let resource_words = resource.clone().unwrap_or_else(|| "disk".into());
    let mut explanation = format!("{node} crossed its {resource_words} eviction threshold");
    if let Some((q, a)) = &threshold {
        explanation.push_str(&format!(" (threshold {q}, available {a})"));
    }
    explanation.push_str(&format!(" at {}", crate::model::format_time(first_pressure)));
    if let Some(f) = first_eviction {
        explanation.push_str(&format!(
            "; {} pod(s) were evicted, the first {:.0} s later",
            evicted.len(),
            secs(first_pressure, f)
        ));
    }
    if refused > 0 {
        explanation.push_str(&format!("; {refused} pod(s) were refused admission for DiskPressure"));
    }
    if !stuck.is_empty() {
        explanation.push_str("; the pressure stayed with nothing the kubelet may evict (static or critical pods)");
    }
    match recovered {
        Some(r) => explanation.push_str(&format!(
            ". Pressure ended at {}, {:.0} s after it began.",
            crate::model::format_time(r),
            secs(first_pressure, r)
        )),
        None => explanation.push_str(". No end of the pressure is logged."),
    }
    let subjects = std::iter::once(format!("node/{node}"))
        .chain(evicted.iter().map(|o| o.to_string()))
        .collect();
    Some(Finding {
        id: "disk-pressure-eviction".into(),
        severity: if stuck.is_empty() { "warning" } else { "critical" }.into(),
        title: format!("{node}: {resource_words} pressure, {} pod(s) evicted", evicted.len()),
        start: Some(first_pressure),
        end: Some(recovered.unwrap_or(last_trouble)),
        subjects,
        measured,
        evidence: evidence(
            pressure
                .iter()
                .chain(&evicted_rows)
                .chain(&stuck)
                .map(|r| &r.source)
                .chain(pod_events.iter().map(|r| &r.source)),
        ),
        explanation,
        remediation: "Find what fills the node's filesystem (images, container logs, emptyDir) and free it; give \
                      pods ephemeral-storage requests and limits so the kubelet evicts the right ones."
            .into(),
        caused_by: Vec::new(),
        known: None,
    })
}

/// `Wanted to free N bytes, but freed M bytes` / `Attempted to free N bytes, but only found M bytes eligible`.
fn wanted_freed(m: &str) -> Option<(u64, u64)> {
    let at = m.find(" to free ")? + 9;
    let wanted: u64 = m[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let rest = &m[at..];
    let after = rest
        .find("but freed ")
        .map(|i| i + 10)
        .or_else(|| rest.find("only found ").map(|i| i + 11))?;
    let freed: u64 = rest[after..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((wanted, freed))
}

/// `usage=93 highThreshold=85` (≥1.21) or `is at 93% which is over the high threshold (85%)`.
fn usage_and_threshold(m: &str) -> Option<(u64, u64)> {
    let number_after = |key: &str| -> Option<u64> {
        let at = m.find(key)? + key.len();
        m[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    number_after("usage=")
        .zip(number_after("highThreshold="))
        .or_else(|| number_after("is at ").zip(number_after("high threshold (")))
}

/// `resourceName="ephemeral-storage"`, `to reclaim nodefs`, `low on resource: ephemeral-storage`.
fn resource_of(m: &str) -> Option<String> {
    for key in ["resourceName=\"", "to reclaim ", "low on resource: "] {
        if let Some(at) = m.find(key) {
            let r: String = m[at + key.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
                .collect();
            if !r.is_empty() {
                return Some(r.trim_end_matches('.').to_string());
            }
        }
    }
    None
}

/// `Threshold quantity: 30Gi, available: 24094024Ki.`
fn threshold_of(m: &str) -> Option<(String, String)> {
    let at = m.find("Threshold quantity: ")? + 20;
    let (q, rest) = m[at..].split_once(", available: ")?;
    let a = rest.split(['.', ' ']).next()?;
    Some((q.to_string(), a.to_string()))
}

/// `6.2 GB`.
fn bytes(b: u64) -> String {
    if b == 0 {
        "0 bytes".into()
    } else if b >= 1_000_000_000 {
        format!("{:.1} GB", b as f64 / 1e9)
    } else {
        format!("{:.0} MB", b as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_real_lines() {
        // formats.md 4.2 (PR#112631 before/after)
        assert_eq!(
            wanted_freed("failed to garbage collect required amount of images. Wanted to free 2986842521 bytes, but freed 0 bytes"),
            Some((2_986_842_521, 0))
        );
        assert_eq!(
            wanted_freed("Failed to garbage collect required amount of images. Attempted to free 6238860902 bytes, but only found 600245899 bytes eligible to free."),
            Some((6_238_860_902, 600_245_899))
        );
        assert_eq!(
            usage_and_threshold("\"Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold\" usage=93 highThreshold=85 amountToFree=69382155468 lowThreshold=80"),
            Some((93, 85))
        );
        assert_eq!(
            usage_and_threshold("[imageGCManager]: Disk usage on image filesystem is at 95% which is over the high threshold (90%). Trying to free 1 bytes"),
            Some((95, 90))
        );
        // formats.md 4.1 (k8s#132001)
        assert_eq!(
            threshold_of("The node was low on resource: ephemeral-storage. Threshold quantity: 30Gi, available: 24094024Ki. Container infras-logstash was using 2456Ki"),
            Some(("30Gi".into(), "24094024Ki".into()))
        );
        assert_eq!(
            resource_of("\"Eviction manager: attempting to reclaim\" resourceName=\"ephemeral-storage\"").as_deref(),
            Some("ephemeral-storage")
        );
        assert_eq!(
            resource_of("eviction manager: must evict pod(s) to reclaim nodefs").as_deref(),
            Some("nodefs")
        );
        assert_eq!(
            resource_of("The node was low on resource: nodefs.").as_deref(),
            Some("nodefs")
        );
    }
}
