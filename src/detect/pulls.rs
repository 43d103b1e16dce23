//! `image-pull-slow`: image pulls slower than a threshold, and pulls queued behind another on the same node
//! (the kubelet pulls one image at a time by default, `--serialize-image-pulls=true`): pod B waits in Pulling
//! while image A downloads. The blocking image, its registry and the delayed pods are named.
//!
//! A pull is a `Pulling image "x"` record paired with the next `Successfully pulled image "x"` of the same pod
//! on the same node. Its duration is the one the kubelet wrote (`in 3m2.5s`, ≥1.19; `(3m2.5s including
//! waiting)`, ≥1.26), else the time between the two records (older kubelets, where it includes the queue).

use super::duration::duration_after;
use super::{evidence, num, secs, Context};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// One pull, from its start to its end.
#[derive(Clone, Debug)]
struct Pull<'a> {
    pod: String,
    image: String,
    start: i64,
    done: i64,
    /// Time spent pulling (excluding the queue when the kubelet says so).
    pulling_s: f64,
    rows: [&'a TimelineRow; 2],
}

/// The image quoted after `Pulling image ` / `Successfully pulled image `.
fn image_of(m: &str) -> Option<&str> {
    let at = m.find("image \"")? + 7;
    let rest = &m[at..];
    Some(&rest[..rest.find('"')?])
}

/// `(pull time, total including waiting)` from `in 3m2.5s (3m5s including waiting)`.
fn written_durations(m: &str) -> (Option<f64>, Option<f64>) {
    let pull = duration_after(m, "\" in ");
    let total = m
        .find("\" in ")
        .and_then(|i| m[i..].find(" (").map(|j| i + j + 2))
        .filter(|_| m.contains("including waiting"))
        .and_then(|at| duration_after(&m[at..], ""));
    (pull, total)
}

/// The registry of an image reference (`docker.io` when the first part is no host).
pub fn registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => host,
        _ => "docker.io",
    }
}

/// `pod/ns/name[:container]` -> `pod/ns/name`.
fn pod_of(r: &TimelineRow) -> Option<String> {
    let o = r.object.as_deref()?;
    o.starts_with("pod/")
        .then(|| o.split(':').next().unwrap_or(o).to_string())
}

fn pulls_by_node(timeline: &[TimelineRow]) -> BTreeMap<&str, Vec<Pull<'_>>> {
    let mut open: BTreeMap<(&str, String, &str), &TimelineRow> = BTreeMap::new();
    let mut out: BTreeMap<&str, Vec<Pull>> = BTreeMap::new();
    let pull_rows = timeline
        .iter()
        .filter(|r| matches!(r.signal, Some(SignalKind::PullStarted | SignalKind::PullDone)));
    for r in pull_rows {
        let (Some(node), Some(pod), Some(at)) = (r.node.as_deref(), pod_of(r), r.at) else {
            continue;
        };
        let Some(image) = image_of(&r.message) else { continue };
        match r.signal {
            Some(SignalKind::PullStarted) => {
                open.entry((node, pod, image)).or_insert(r);
            }
            Some(SignalKind::PullDone) => {
                let Some(s) = open.remove(&(node, pod.clone(), image)) else {
                    continue;
                };
                let start = s.at.unwrap_or(at);
                let (pull, _) = written_durations(&r.message);
                out.entry(node).or_default().push(Pull {
                    pod,
                    image: image.to_string(),
                    start,
                    done: at,
                    pulling_s: pull.unwrap_or(secs(start, at)),
                    rows: [s, r],
                });
            }
            _ => {}
        }
    }
    out
}

/// For each pull, the pull it waited behind: another image whose pull was running when this one was asked
/// for and ended before this one began downloading (`done - pulling_s`).
fn queued_behind<'p, 'a>(pulls: &'p [Pull<'a>]) -> Vec<(&'p Pull<'a>, &'p Pull<'a>, f64)> {
    let mut out = Vec::new();
    for b in pulls {
        let b_began = b.done - (b.pulling_s * 1e9) as i64;
        let blocker = pulls
            .iter()
            .filter(|a| a.image != b.image && a.start < b.start && a.done > b.start)
            .filter(|a| a.done <= b_began + 1_000_000_000)
            .max_by_key(|a| a.done - a.start);
        if let Some(a) = blocker {
            let wait = secs(b.start, a.done.min(b.done));
            if wait >= 1.0 {
                out.push((b, a, wait));
            }
        }
    }
    out
}

/// Finds slow and queued pulls, one finding per node.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let any_pull = ctx
        .timeline
        .iter()
        .any(|r| matches!(r.signal, Some(SignalKind::PullStarted | SignalKind::PullDone)));
    if !any_pull && !ctx.has_component("kubelet") && ctx.events.is_empty() {
        return Err("no kubelet logs and no events".into());
    }
    let slow_s = ctx.thresholds.pull_slow_s;
    let mut out = Vec::new();
    for (node, pulls) in pulls_by_node(ctx.timeline) {
        let slow: Vec<&Pull> = pulls.iter().filter(|p| p.pulling_s >= slow_s).collect();
        let queued = queued_behind(&pulls);
        let queued: Vec<_> = queued.into_iter().filter(|(_, _, w)| *w >= slow_s / 2.0).collect();
        if slow.is_empty() && queued.is_empty() {
            continue;
        }
        out.push(finding(node, &slow, &queued));
    }
    Ok(out)
}

fn finding(node: &str, slow: &[&Pull], queued: &[(&Pull, &Pull, f64)]) -> Finding {
    let all = slow.iter().copied().chain(queued.iter().flat_map(|(b, a, _)| [*b, *a]));
    let start = all.clone().map(|p| p.start).min();
    let end = all.clone().map(|p| p.done).max();
    let max_pull = slow.iter().map(|p| p.pulling_s).reduce(f64::max);
    let max_wait = queued.iter().map(|(_, _, w)| *w).reduce(f64::max);
    // The blocking image: the one most pulls waited behind (the slowest when tied).
    let mut blockers: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for (_, a, _) in queued {
        let e = blockers.entry(&a.image).or_default();
        e.0 += 1;
        e.1 = e.1.max(a.pulling_s);
    }
    let blocker = blockers
        .iter()
        .max_by(|x, y| x.1 .0.cmp(&y.1 .0).then(x.1 .1.total_cmp(&y.1 .1)))
        .map(|(i, _)| *i)
        .or_else(|| {
            slow.iter()
                .max_by(|a, b| a.pulling_s.total_cmp(&b.pulling_s))
                .map(|p| p.image.as_str())
        });
    let mut subjects = vec![format!("node/{node}")];
    if let Some(b) = blocker {
        subjects.push(format!("image/{b}"));
    }
    let mut delayed: Vec<String> = queued.iter().map(|(b, _, _)| b.pod.clone()).collect();
    delayed.extend(slow.iter().map(|p| p.pod.clone()));
    delayed.sort();
    delayed.dedup();
    subjects.extend(delayed.iter().cloned());
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), slow.len().into());
    if let Some(d) = max_pull {
        measured.insert("duration_s".into(), num(d));
    }
    measured.insert("queued".into(), queued.len().into());
    if let Some(w) = max_wait {
        measured.insert("wait_s".into(), num(w));
    }
    let mut explanation = format!("On {node}");
    if let Some(d) = max_pull {
        explanation.push_str(&format!(
            ", {} image pull(s) took longer than the threshold (the slowest {d:.1} s)",
            slow.len()
        ));
    }
    if let (Some(w), Some(b)) = (max_wait, blocker) {
        explanation.push_str(&format!(
            "; {} pull(s) waited behind `{b}` (registry {}) because the kubelet pulls one image at a time, \
             up to {w:.1} s: {}",
            queued.len(),
            registry(b),
            queued
                .iter()
                .map(|(p, _, w)| format!("{} ({:.0} s)", p.pod, w))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    explanation.push('.');
    Finding {
        id: "image-pull-slow".into(),
        severity: "warning".into(),
        title: match blocker {
            Some(b) if !queued.is_empty() => format!("{node}: {} pull(s) queued behind {b}", queued.len()),
            _ => format!("{node}: {} slow image pull(s)", slow.len()),
        },
        start,
        end,
        subjects,
        measured,
        evidence: evidence(all.flat_map(|p| p.rows.iter().map(|r| &r.source))),
        explanation,
        remediation: "Shrink the large image or pre-pull it (a DaemonSet or the node image); use a registry mirror \
                      close to the nodes; consider `serializeImagePulls: false` with `maxParallelImagePulls` so \
                      one slow pull does not hold every other pod."
            .into(),
        caused_by: Vec::new(),
        known: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_durations_registries() {
        let m =
            "Successfully pulled image \"registry.example.com/ml/trainer:2.14\" in 3m2.5s (3m40.1s including waiting)";
        assert_eq!(image_of(m), Some("registry.example.com/ml/trainer:2.14"));
        let (p, t) = written_durations(m);
        assert!((p.unwrap() - 182.5).abs() < 1e-9);
        assert!((t.unwrap() - 220.1).abs() < 1e-9);
        let (p, t) = written_durations("Successfully pulled image \"nginx\" in 49.657983991s");
        assert!((p.unwrap() - 49.657983991).abs() < 1e-9);
        assert_eq!(t, None);
        assert_eq!(written_durations("Successfully pulled image \"nginx\""), (None, None));
        assert_eq!(registry("registry.example.com/ml/trainer:2.14"), "registry.example.com");
        assert_eq!(registry("localhost:5000/x"), "localhost:5000");
        assert_eq!(registry("library/nginx"), "docker.io");
        assert_eq!(registry("nginx"), "docker.io");
    }

    fn row() -> TimelineRow {
        TimelineRow {
            severity: "info",
            count: 1,
            ..Default::default()
        }
    }

    #[test]
    fn a_pull_waits_behind_a_big_one() {
        let r = row();
        let s = 1_000_000_000i64;
        let pull = |pod: &str, image: &str, start: i64, done: i64, pulling: f64| Pull {
            pod: pod.into(),
            image: image.into(),
            start: start * s,
            done: done * s,
            pulling_s: pulling,
            rows: [&r, &r],
        };
        // A: big image 0..180 s; B asked at 10 s, downloads 180..190 s: waited 170 s behind A.
        // C: asked at 200 s, alone: no wait.
        let pulls = vec![
            pull("pod/a/big", "reg.io/big:1", 0, 180, 180.0),
            pull("pod/a/small", "nginx:1.25", 10, 190, 10.0),
            pull("pod/a/late", "redis:7", 200, 205, 5.0),
        ];
        let q = queued_behind(&pulls);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].0.pod, "pod/a/small");
        assert_eq!(q[0].1.image, "reg.io/big:1");
        assert!((q[0].2 - 170.0).abs() < 1e-9);
        // Old kubelets write no duration: B's time is from Pulling to Pulled (180 s) and still ends after A.
        let old = vec![
            pull("pod/a/big", "reg.io/big:1", 0, 180, 180.0),
            pull("pod/a/small", "nginx:1.25", 10, 190, 180.0),
        ];
        assert!(
            queued_behind(&old).is_empty(),
            "without a written duration the queue is not provable"
        );
    }
}
