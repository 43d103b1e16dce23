//! `crash-loop`: a container that exits again and again and that the kubelet restarts with a growing back-off
//! (`CrashLoopBackOff`, formats.md 4.5), not because its liveness probe killed it (that is
//! `probe-restart-loop`, and a container is never both). The finding says how the container ends — the last
//! termination's reason and exit code (`OOMKilled` 137: over its memory limit; `Error` 1: the application
//! failed, often its configuration) — how often it restarted and over which window.
//!
//! Back-offs come from kubelet lines (`Error syncing pod, skipping … with CrashLoopBackOff: "back-off 5m0s
//! restarting failed container=…"`) and `BackOff` events (`Back-off restarting failed container`); restarts
//! and the exit from the state (`kubectl describe pod` Last State, pods JSON `lastState.terminated`).

use super::duration::duration_after;
use super::{evidence, num, secs, Context};
use crate::model::{format_time, Finding, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// `(namespace, pod, container)`.
type Key = (String, String, String);

/// What is known of one container's loop.
#[derive(Default)]
struct Loop<'a> {
    /// Back-offs from kubelet lines and from events (one fact is written by both: the larger counts).
    from_logs: u64,
    from_events: u64,
    rows: Vec<&'a TimelineRow>,
    liveness_kills: u64,
    oom_rows: u64,
    /// Back-off delays the kubelet lines name (ms): the kubelet writes a line on every sync during a back-off,
    /// so lines are not restarts, but each new delay is one.
    steps: std::collections::BTreeSet<u64>,
}

/// Restarts a back-off delay implies at least: the kubelet waits 10 s before the first restart and doubles
/// the wait each time up to 5 minutes (10 s: 1, 20 s: 2, 40 s: 3, 80 s: 4, 160 s: 5, 5 min: 6 or more).
fn restarts_for_step(step_s: f64) -> u64 {
    if step_s < 10.0 {
        return 1;
    }
    if step_s >= 300.0 {
        // The cap: 160 s doubled is 320 s, cut to 5 minutes.
        return 6;
    }
    (step_s / 10.0).log2().floor() as u64 + 1
}

/// The lower bound on restarts from the delays seen: the count of distinct delays, or what the longest implies.
fn restarts_from_steps(steps: &std::collections::BTreeSet<u64>) -> Option<u64> {
    let longest = steps.iter().max()?;
    Some((steps.len() as u64).max(restarts_for_step(*longest as f64 / 1000.0)))
}

/// Finds crash loops.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    if !ctx.has_component("kubelet") && ctx.events.is_empty() && ctx.state.pods.is_empty() {
        return Err("no kubelet logs, no events and no pods dump".into());
    }
    let mut loops: BTreeMap<Key, Loop> = BTreeMap::new();
    for r in ctx.timeline {
        let Some(sig) = r.signal else { continue };
        if !matches!(
            sig,
            SignalKind::CrashLoop | SignalKind::ContainerKilled | SignalKind::OomKill
        ) {
            continue;
        }
        let Some(key) = key_of(ctx, r) else { continue };
        match sig {
            SignalKind::CrashLoop => {
                let l = loops.entry(key).or_default();
                if is_event_row(r) {
                    l.from_events += r.count;
                } else {
                    l.from_logs += r.count;
                    let m = r.message.as_str();
                    // The row's first delay and, over its repeats, its longest.
                    let first = duration_after(m, "back-off ").or_else(|| duration_after(m, "Back-off "));
                    for d in first.into_iter().chain(r.peak.as_deref().map(|p| p.max_s)) {
                        l.steps.insert((d * 1000.0).round() as u64);
                    }
                }
                l.rows.push(r);
            }
            SignalKind::ContainerKilled if r.message.contains("liveness") || r.message.contains("startup probe") => {
                loops.entry(key).or_default().liveness_kills += r.count;
            }
            SignalKind::OomKill if r.message.contains("OOMKilled") => {
                let l = loops.entry(key).or_default();
                l.oom_rows += 1;
                l.rows.push(r);
            }
            _ => {}
        }
    }
    // Containers the state shows backing off, even when no line or event of it survived.
    for p in &ctx.state.pods {
        for c in p.item.containers.iter().filter(|c| !c.name.is_empty()) {
            if c.state_reason.as_deref() == Some("CrashLoopBackOff") {
                let ns = p.item.namespace.clone().unwrap_or_default();
                loops.entry((ns, p.item.name.clone(), c.name.clone())).or_default();
            }
        }
    }
    let mut out = Vec::new();
    for (key, l) in &loops {
        if let Some(f) = finding(ctx, key, l) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Whether a row is an event (dumped or echoed) rather than a component's own line.
fn is_event_row(r: &TimelineRow) -> bool {
    r.message.starts_with("BackOff:")
        || r.component.as_deref() == Some("kubelet") && r.message.contains("reason: 'BackOff'")
}

/// The container a row speaks of: the object's container, else the one the message names (`for "x" with
/// CrashLoopBackOff`, `failed container=x`, `failed container x in pod`), else the pod's only container.
fn key_of(ctx: &Context, r: &TimelineRow) -> Option<Key> {
    let rest = r.object.as_deref()?.strip_prefix("pod/")?;
    let (ns, rest) = rest.split_once('/')?;
    let (pod, container) = match rest.split_once(':') {
        Some((p, c)) => (p, Some(c.to_string())),
        None => (rest, None),
    };
    let container = container.or_else(|| container_in(&r.message)).or_else(|| {
        let p = ctx.state.pod(ns, pod)?;
        let named: Vec<&str> = p
            .item
            .containers
            .iter()
            .filter(|c| !c.init && !c.name.is_empty())
            .map(|c| c.name.as_str())
            .collect();
        (named.len() == 1).then(|| named[0].to_string())
    })?;
    Some((ns.to_string(), pod.to_string(), container))
}

/// The container a kubelet back-off line or event message names.
pub fn container_in(m: &str) -> Option<String> {
    let after = |pat: &str, end: &[char]| -> Option<String> {
        let at = m.find(pat)? + pat.len();
        let name: String = m[at..].chars().take_while(|c| !end.contains(c)).collect();
        (!name.is_empty()).then_some(name)
    };
    after("for \\\"", &['\\', '"'])
        .or_else(|| after("for \"", &['"', '\\']))
        .or_else(|| after("failed container=", &[' ', '"', '\\']))
        .or_else(|| after("failed container ", &[' ']))
}

/// A container whose kills come from its liveness (or startup) probe loops because of the probe: at least
/// `probe_threshold` kills, or a kill for at least every other restart.
pub fn driven_by_probe(liveness_kills: u64, restarts: u64, probe_threshold: u64) -> bool {
    liveness_kills > 0 && (liveness_kills >= probe_threshold || liveness_kills * 2 >= restarts)
}

/// What an exit code says.
pub fn exit_meaning(reason: Option<&str>, code: Option<i32>) -> &'static str {
    match (reason, code) {
        (Some("OOMKilled"), _) => "the kernel killed it for going over its memory limit",
        (_, Some(137)) => "it was killed (SIGKILL): a system OOM or a forced stop",
        (_, Some(143)) => "it was told to stop (SIGTERM)",
        (_, Some(139)) => "it crashed (segmentation fault)",
        (_, Some(126 | 127)) => "its command could not be run (not found or not executable)",
        (_, Some(0)) => "it exits successfully, and the restart policy starts it again",
        (_, Some(_)) => "the application exited with an error (often its configuration or a dependency)",
        _ => "the bundle does not say how it exits (add `kubectl describe pod`)",
    }
}

fn finding(ctx: &Context, key: &Key, l: &Loop) -> Option<Finding> {
    let (ns, pod, container) = key;
    let pod_state = ctx.state.pod(ns, pod);
    let c_state = pod_state.and_then(|p| p.item.containers.iter().find(|c| c.name == *container));
    let backoffs = l.from_logs.max(l.from_events);
    let restarts = c_state.and_then(|c| c.restarts);
    let state_backoff = c_state.is_some_and(|c| c.state_reason.as_deref() == Some("CrashLoopBackOff"));
    if backoffs == 0 && !state_backoff {
        return None;
    }
    // Restarts when the state says them, else the least the back-off delays imply (never the number of lines:
    // the kubelet repeats its back-off line on every sync).
    let known_restarts = restarts.or_else(|| restarts_from_steps(&l.steps))?;
    if known_restarts < ctx.thresholds.crash_restarts {
        return None;
    }
    if driven_by_probe(l.liveness_kills, known_restarts, ctx.thresholds.probe_kills) {
        return None;
    }
    // How it ends: the last termination, else a terminated state, else an OOMKilled line.
    let term = c_state.and_then(|c| c.last_termination.as_ref());
    let mut reason = term.and_then(|t| t.reason.clone());
    let mut code = term.and_then(|t| t.exit_code);
    if reason.is_none() && c_state.is_some_and(|c| c.state.as_deref() == Some("Terminated")) {
        reason = c_state.and_then(|c| c.state_reason.clone());
    }
    if reason.is_none() && l.oom_rows > 0 {
        reason = Some("OOMKilled".into());
        code = code.or(Some(137));
    }
    let (start, end) = super::oom::window(l.rows.iter().copied());
    let mut measured = serde_json::Map::new();
    match restarts {
        Some(r) => measured.insert("restarts".into(), r.into()),
        // From the back-off delays: a lower bound.
        None => measured.insert("restarts_at_least".into(), known_restarts.into()),
    };
    // Lines and events written while backing off (the kubelet repeats them on every sync), not restarts.
    measured.insert("backoffs".into(), backoffs.into());
    if let Some(c) = code {
        measured.insert("exit_code".into(), c.into());
    }
    if let (Some(s), Some(e)) = (start, end) {
        measured.insert("duration_s".into(), num(secs(s, e)));
    }
    let how = match (&reason, code) {
        (Some(r), Some(c)) => format!("{r}, exit code {c}"),
        (Some(r), None) => r.clone(),
        (None, Some(c)) => format!("exit code {c}"),
        (None, None) => "unknown exit".into(),
    };
    let meaning = exit_meaning(reason.as_deref(), code);
    let window = match (start, end) {
        (Some(s), Some(e)) => format!(" from {} to {}", format_time(s), format_time(e)),
        _ => String::new(),
    };
    let oom = reason.as_deref() == Some("OOMKilled");
    let limit = c_state
        .filter(|_| oom)
        .and_then(|c| c.limits.iter().find(|(k, _)| k == "memory"))
        .map(|(_, v)| format!(" (memory limit {v})"))
        .unwrap_or_default();
    let message = term
        .and_then(|t| t.message.as_deref())
        .map(|m| format!(" Its last words: {m:?}."))
        .unwrap_or_default();
    let explanation =
        format!(
        "Container {container} of pod {ns}/{pod} keeps exiting and the kubelet restarts it with a growing back-off: \
         {} restarts, {backoffs} back-off(s) seen{window}. Last exit: {how}{limit}: {meaning}.{message}",
        restarts.map_or_else(|| format!("at least {known_restarts} (from the back-off delays)"), |r| r.to_string()),
    );
    let object = format!("pod/{ns}/{pod}:{container}");
    Some(Finding {
        id: "crash-loop".into(),
        severity: "warning".into(),
        title: format!(
            "{ns}/{pod} container {container} crash-looping ({how}{})",
            restarts.map(|r| format!(", {r} restarts")).unwrap_or_default()
        ),
        start,
        end,
        subjects: vec![format!("pod/{ns}/{pod}"), object],
        measured,
        evidence: evidence(
            l.rows
                .iter()
                .map(|r| &r.source)
                .chain(pod_state.into_iter().flat_map(|p| p.sources.iter())),
        ),
        explanation,
        remediation: if oom {
            "Raise the memory limit to what the container really needs, or bound its memory below the limit (JVM \
             `-XX:MaxRAMPercentage`, cache sizes, worker counts)."
                .into()
        } else {
            "Read the previous run's log (`kubectl logs --previous`) for why it exits; fix the configuration or \
             dependency it names."
                .into()
        },
        caused_by: Vec::new(),
        known: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_from_back_off_delays() {
        assert_eq!(restarts_for_step(10.0), 1);
        assert_eq!(restarts_for_step(20.0), 2);
        assert_eq!(restarts_for_step(40.0), 3);
        assert_eq!(restarts_for_step(160.0), 5);
        assert_eq!(restarts_for_step(300.0), 6);
        // The kubelet writes "back-off 10s", "back-off 20s", "back-off 20s" (a repeat of one wait): 2 restarts.
        let steps: std::collections::BTreeSet<u64> = [10_000, 20_000, 20_000].into_iter().collect();
        assert_eq!(restarts_from_steps(&steps), Some(2));
        assert_eq!(restarts_from_steps(&Default::default()), None);
    }

    #[test]
    fn containers_named_by_back_off_lines() {
        // k8s#123602 (1.29 structured) and k8s#54760 (1.8)
        assert_eq!(
            container_in(r#""Error syncing pod, skipping" err="failed to \"StartContainer\" for \"alpine\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container=alpine pod=restarting-pod_default(ca0d5836-1435-497e-9a41-547fbcc10484)\"" pod="default/restarting-pod""#).as_deref(),
            Some("alpine")
        );
        assert_eq!(
            container_in(r#"Error syncing pod cc89ef7c-bc47-11e7-85ce-901b0edee6b6 ("alpine-368057524-bgt0m_default(cc89ef7c-bc47-11e7-85ce-901b0edee6b6)"), skipping: failed to "StartContainer" for "alpine" with CrashLoopBackOff: "Back-off 5m0s restarting failed container=alpine pod=alpine-368057524-bgt0m_default(cc89ef7c-bc47-11e7-85ce-901b0edee6b6)""#).as_deref(),
            Some("alpine")
        );
        assert_eq!(
            container_in("BackOff: Back-off restarting failed container cart in pod cart-1_shop(0a1b)").as_deref(),
            Some("cart")
        );
        assert_eq!(container_in("BackOff: Back-off restarting failed container"), None);
    }

    #[test]
    fn probe_kills_make_a_probe_loop_not_a_crash_loop() {
        assert!(driven_by_probe(5, 5, 3));
        assert!(driven_by_probe(2, 4, 3));
        assert!(!driven_by_probe(1, 12, 3), "one probe kill among twelve crashes");
        assert!(!driven_by_probe(0, 12, 3));
    }

    #[test]
    fn exit_reasons() {
        assert!(exit_meaning(Some("OOMKilled"), Some(137)).contains("memory limit"));
        assert!(exit_meaning(Some("Error"), Some(137)).contains("SIGKILL"));
        assert!(exit_meaning(Some("Error"), Some(1)).contains("configuration"));
    }
}
