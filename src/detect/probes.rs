//! `probe-restart-loop`: a container killed and restarted again and again after failing its liveness probe.
//! The period between kills is measured, and explained from the probe spec when the bundle has it
//! (`120 s = failureThreshold 8 x timeoutSeconds 15 s` for a probe that times out).

use super::{evidence, num, secs, Context};
use crate::model::{Finding, SourceRef, TimelineRow};
use crate::signals::SignalKind;
use parsers::kubectl::Probe;
use std::collections::BTreeMap;

/// Kills of one container, from one kind of source (log lines or an event).
#[derive(Default)]
struct Kills {
    count: u64,
    first: Option<i64>,
    last: Option<i64>,
    exact: bool,
    sources: Vec<SourceRef>,
}

/// `(namespace, pod, container)`.
type ContainerKey = (String, String, String);

/// Finds probe restart loops.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    // One kill is logged by several lines ("failed liveness probe, will be restarted", "Killing container
    // with a grace period"): each row is one of them, repeated; the row with the most repeats counts the kills.
    let mut from_logs: BTreeMap<ContainerKey, Kills> = BTreeMap::new();
    for r in ctx.timeline.iter().filter(|r| is_liveness_kill(r)) {
        let Some(key) = r.object.as_deref().and_then(container_of) else {
            continue;
        };
        let k = from_logs.entry(key).or_default();
        if r.count > k.count {
            let sources = std::mem::take(&mut k.sources);
            *k = Kills::default();
            k.sources = sources;
            add(k, r.count, r.at, r.last_at.or(r.at), r.approx_s == Some(0.0), &r.source);
        } else {
            k.sources.push(r.source.clone());
        }
    }
    let mut from_events: BTreeMap<ContainerKey, Kills> = BTreeMap::new();
    for e in ctx
        .events
        .iter()
        .filter(|e| e.key.reason == "Killing" && e.key.message.contains("liveness"))
    {
        let container = e
            .event
            .object
            .field_path
            .as_deref()
            .and_then(|f| f.split_once('{'))
            .map(|(_, c)| c.trim_end_matches('}').to_string())
            .or_else(|| word_after(&e.key.message, "Container "));
        let Some(container) = container else { continue };
        let key = (e.key.namespace.clone(), e.key.name.clone(), container);
        let exact = e.first.is_some_and(|p| p.approx_s == 0.0);
        add(
            from_events.entry(key).or_default(),
            e.count,
            e.first.map(|p| p.at),
            e.last.map(|p| p.at),
            exact,
            e.sources.first().expect("a fact has a source"),
        );
    }
    if from_logs.is_empty() && from_events.is_empty() && !ctx.has_component("kubelet") && ctx.events.is_empty() {
        return Err("no kubelet logs and no events".into());
    }
    // Per container, the source that saw more kills (log lines when equal: their times are exact).
    let mut keys: Vec<ContainerKey> = from_logs.keys().chain(from_events.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    // Probe failures and the containers' own "terminated" lines, by object, read once.
    let mut by_object: BTreeMap<(&str, SignalKind), Vec<&TimelineRow>> = BTreeMap::new();
    for r in ctx.timeline {
        if let (Some(o), Some(sig @ (SignalKind::ProbeFailed | SignalKind::TerminatedBySignal))) =
            (r.object.as_deref(), r.signal)
        {
            by_object.entry((o, sig)).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for key in keys {
        let (l, e) = (from_logs.get(&key), from_events.get(&key));
        let best = match (l, e) {
            (Some(l), Some(e)) if e.count > l.count => e,
            (Some(l), _) => l,
            (None, Some(e)) => e,
            (None, None) => continue,
        };
        if best.count < ctx.thresholds.probe_kills {
            continue;
        }
        let (Some(first), Some(last)) = (best.first, best.last) else {
            continue;
        };
        let period = secs(first, last) / (best.count - 1) as f64;
        out.push(finding(ctx, &by_object, &key, best, l.into_iter().chain(e), period));
    }
    Ok(out)
}

fn add(k: &mut Kills, count: u64, first: Option<i64>, last: Option<i64>, exact: bool, src: &SourceRef) {
    k.count += count;
    k.first = k.first.into_iter().chain(first).min();
    k.last = k.last.into_iter().chain(last).max();
    k.exact |= exact;
    k.sources.push(src.clone());
}

fn is_liveness_kill(r: &TimelineRow) -> bool {
    let m = r.message.as_str();
    r.signal == Some(SignalKind::ContainerKilled)
        && (m.contains("liveness") || m.contains("Killing container with a grace period"))
        && !m.starts_with("Killing:")
}

/// `pod/<ns>/<name>:<container>` -> key.
fn container_of(object: &str) -> Option<ContainerKey> {
    let rest = object.strip_prefix("pod/")?;
    let (ns, rest) = rest.split_once('/')?;
    let (pod, container) = rest.split_once(':')?;
    Some((ns.to_string(), pod.to_string(), container.to_string()))
}

fn word_after(m: &str, prefix: &str) -> Option<String> {
    let at = m.find(prefix)? + prefix.len();
    m[at..].split_whitespace().next().map(str::to_string)
}

/// Rows of one signal about one object.
type ByObject<'r> = BTreeMap<(&'r str, SignalKind), Vec<&'r TimelineRow>>;

fn finding<'a>(
    ctx: &Context,
    by_object: &ByObject,
    key: &ContainerKey,
    best: &Kills,
    all: impl Iterator<Item = &'a Kills>,
    period: f64,
) -> Finding {
    let (ns, pod, container) = key;
    let object = format!("pod/{ns}/{pod}:{container}");
    let pod_state = ctx.state.pod(ns, pod);
    let c_state = pod_state.and_then(|p| p.item.containers.iter().find(|c| c.name == *container));
    let probe: Option<&Probe> = c_state.and_then(|c| c.probes.iter().find(|p| p.probe == "liveness"));
    let rows_of = |sig| by_object.get(&(object.as_str(), sig)).cloned().unwrap_or_default();
    let probe_rows: Vec<&TimelineRow> = rows_of(SignalKind::ProbeFailed);
    let timing_out = probe_rows.iter().any(|r| {
        r.message.contains("deadline exceeded")
            || r.message.contains("Timeout exceeded")
            || r.message.contains("timeout")
    });
    let own_log: Vec<&TimelineRow> = rows_of(SignalKind::TerminatedBySignal);
    let restarts = c_state.and_then(|c| c.restarts).unwrap_or(best.count);
    let control_plane = ns == "kube-system"
        && ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]
            .iter()
            .any(|c| pod.starts_with(c))
        || pod_state.is_some_and(|p| p.item.static_manifest);

    let mut measured = serde_json::Map::new();
    measured.insert("period_s".into(), num(period));
    measured.insert("restarts".into(), restarts.into());
    measured.insert("count".into(), best.count.into());
    measured.insert(
        "duration_s".into(),
        num(secs(best.first.unwrap_or(0), best.last.unwrap_or(0))),
    );
    let why = match probe {
        Some(p) => {
            let per_failure = if timing_out {
                p.timeout_s.max(p.period_s)
            } else {
                p.period_s
            };
            let expected = p.failure_threshold as f64 * per_failure as f64;
            measured.insert("timeout_s".into(), p.timeout_s.into());
            measured.insert("failure_threshold".into(), p.failure_threshold.into());
            measured.insert("probe_period_s".into(), p.period_s.into());
            measured.insert("expected_period_s".into(), num(expected));
            let term = if timing_out && p.timeout_s >= p.period_s {
                format!(
                    "failureThreshold {} x timeoutSeconds {} s",
                    p.failure_threshold, p.timeout_s
                )
            } else {
                format!(
                    "failureThreshold {} x periodSeconds {} s",
                    p.failure_threshold, per_failure
                )
            };
            let fits = (period - expected).abs() <= expected * 0.2 + 2.0;
            format!(
                "The liveness probe ({}: timeout {} s, period {} s, failureThreshold {}){} fails {} in a row before \
                 the kubelet kills the container: {term} = {expected:.0} s{}.",
                p.handler,
                p.timeout_s,
                p.period_s,
                p.failure_threshold,
                if timing_out { " times out, and" } else { "" },
                p.failure_threshold,
                if fits {
                    format!(", which is the measured period of {period:.0} s")
                } else {
                    format!(", while kills came every {period:.0} s (restart back-off and start-up add to it)")
                }
            )
        }
        None => format!(
            "No probe spec in the bundle (add `kubectl describe pod` or the pod YAML); products that fit a \
             {period:.0} s period: {}.",
            fitting_products(period)
        ),
    };
    let own = if own_log.is_empty() {
        String::new()
    } else {
        format!(
            " The container's own log shows it was told to terminate {} time(s): the kills came from outside, \
             not from a crash.",
            own_log.iter().map(|r| r.count).sum::<u64>()
        )
    };
    let explanation = format!(
        "Container {container} of pod {ns}/{pod} was killed {} times after failing its liveness probe, every \
         {period:.0} s on average, from {} to {}; {restarts} restarts. {why}{own}",
        best.count,
        crate::model::format_time(best.first.unwrap_or(0)),
        crate::model::format_time(best.last.unwrap_or(0))
    );
    let ev = evidence(
        all.flat_map(|k| k.sources.iter())
            .chain(probe_rows.iter().map(|r| &r.source))
            .chain(own_log.iter().map(|r| &r.source))
            .chain(pod_state.into_iter().flat_map(|p| p.sources.iter())),
    );
    Finding {
        id: "probe-restart-loop".into(),
        severity: if control_plane { "critical" } else { "warning" }.into(),
        title: format!(
            "{ns}/{pod} container {container} killed by its liveness probe every {period:.0} s ({} kills)",
            best.count
        ),
        start: best.first,
        end: best.last,
        // The node too: node-level causes (a slow etcd, a hung runtime) link to the loop through it.
        subjects: [format!("pod/{ns}/{pod}"), object.clone()]
            .into_iter()
            .chain(
                pod_state
                    .and_then(|p| p.item.node.clone())
                    .or_else(|| probe_rows.iter().find_map(|r| r.node.clone()))
                    .map(|n| format!("node/{n}")),
            )
            .collect(),
        measured,
        evidence: ev,
        explanation,
        remediation: if timing_out {
            "Find why the probed endpoint answers slower than timeoutSeconds (for etcd: disk latency, defrag, \
             CPU starvation); raise timeoutSeconds or failureThreshold only once the endpoint is healthy, so the \
             probe stops killing a slow but working process."
                .into()
        } else {
            "Fix what makes the probed endpoint fail; check that the probe targets the right port and path.".into()
        },
        caused_by: Vec::new(),
        known: None,
    }
}

/// `failureThreshold x seconds` products of common probe settings that give `period` (within 5%).
pub fn fitting_products(period: f64) -> String {
    let mut fits = Vec::new();
    for threshold in [3u32, 5, 6, 8, 10, 12, 24, 30] {
        for s in [1u32, 2, 3, 5, 10, 15, 20, 30, 60] {
            let p = (threshold * s) as f64;
            if (p - period).abs() <= period * 0.05 + 1.0 {
                fits.push(format!("{threshold} x {s} s"));
            }
        }
    }
    if fits.is_empty() {
        "none of the common settings".into()
    } else {
        fits.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_that_fit_a_period() {
        let f = fitting_products(120.0);
        assert!(
            f.contains("8 x 15 s") && f.contains("12 x 10 s") && f.contains("24 x 5 s"),
            "{f}"
        );
        assert!(!f.contains("3 x 10 s"));
    }

    #[test]
    fn container_keys_from_objects() {
        assert_eq!(
            container_of("pod/kube-system/etcd-master-1:etcd"),
            Some(("kube-system".into(), "etcd-master-1".into(), "etcd".into()))
        );
        assert_eq!(container_of("node/x"), None);
    }
}
