//! `webhook-timeout`: admission webhook calls failing or timing out, per webhook, with the timeout used, the
//! failure policy and its effect (failing open: requests admitted late; failing closed: FailedCreate).

use super::{evidence, num, secs, Context};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// Failed calls of one webhook.
#[derive(Default)]
struct Calls<'a> {
    rows: Vec<&'a TimelineRow>,
    /// Failed calls and timeouts by the kind of line that counted them ([`LineKind`] order).
    failed_by: [u64; 3],
    timeouts_by: [u64; 3],
    failed: u64,
    first: Option<i64>,
    last: Option<i64>,
    timeouts: u64,
    failing_open: bool,
    failing_closed: bool,
    timeout_in_url: Option<u32>,
}

/// How a failed call is written, in the order that counts calls.
#[derive(Clone, Copy)]
enum LineKind {
    /// `Failed calling webhook, failing open|closed X: …` (the dispatcher's warning, one per failed call).
    Dispatcher = 0,
    /// The same error again through `HandleError` (`E… failed calling webhook "X": …`, 1.31+ `"Unhandled
    /// Error" err="failed calling webhook …"`), and copies in other components' lines.
    Handled = 1,
    /// `Trace[…]: "Call validating webhook" … (total time: 30.0s)`: a slow call, failed or not.
    Trace = 2,
}

fn line_kind(m: &str) -> LineKind {
    if m.contains("Failed calling webhook, failing") {
        LineKind::Dispatcher
    } else if m.contains("webhook\" configuration:")
        || m.contains("Call validating webhook")
        || m.contains("Call mutating webhook")
    {
        LineKind::Trace
    } else {
        LineKind::Handled
    }
}

/// Whether the call ran out of time (not merely a URL's `?timeout=10s`).
fn timed_out(m: &str) -> bool {
    [
        "deadline exceeded",
        "Timeout exceeded",
        "i/o timeout",
        "timed out",
        "context canceled",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Finds webhook-timeout findings; `Err` says what is missing when nothing could be looked at.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let failed_rows: Vec<&TimelineRow> = ctx
        .timeline
        .iter()
        .filter(|r| r.signal == Some(SignalKind::WebhookCallFailed))
        .collect();
    if failed_rows.is_empty() && !ctx.has_component("kube-apiserver") && ctx.events.is_empty() {
        return Err("no kube-apiserver logs and no events".into());
    }
    // The apiserver's own lines count the calls; controllers' copies of the same errors only say who was hit.
    let from_apiserver = failed_rows
        .iter()
        .any(|r| r.component.as_deref() == Some("kube-apiserver"));
    let mut by_hook: BTreeMap<String, Calls> = BTreeMap::new();
    for r in failed_rows {
        let Some(name) = webhook_name(r) else { continue };
        let c = by_hook.entry(name).or_default();
        c.rows.push(r);
        if from_apiserver && r.component.as_deref() != Some("kube-apiserver") {
            continue;
        }
        let m = r.message.as_str();
        let kind = line_kind(m) as usize;
        c.failed_by[kind] += r.count;
        if timed_out(m) {
            c.timeouts_by[kind] += r.count;
        }
        c.first = min_opt(c.first, r.at);
        c.last = max_opt(c.last, r.last_at.or(r.at));
        c.failing_open |= m.contains("failing open");
        c.failing_closed |= m.contains("failing closed");
        c.timeout_in_url = c.timeout_in_url.or_else(|| url_timeout(m));
    }
    let mut out = Vec::new();
    for (name, mut c) in by_hook {
        // One failed call is written up to three times (the dispatcher's warning, the same error again at E
        // level, a Trace of the slow call): the first kind present counts the calls.
        if let Some(k) = (0..3).find(|&k| c.failed_by[k] > 0) {
            c.failed = c.failed_by[k];
            c.timeouts = c.timeouts_by[k];
        }
        if c.failed < ctx.thresholds.webhook_failures {
            continue;
        }
        let spec = ctx.state.webhooks.iter().find(|w| w.item.name == name);
        let timeout_s = spec.and_then(|w| w.item.timeout_s).or(c.timeout_in_url);
        let policy = spec
            .and_then(|w| w.item.failure_policy.clone())
            .or_else(|| c.failing_closed.then(|| "Fail".to_string()))
            .or_else(|| c.failing_open.then(|| "Ignore".to_string()));
        let quoted = format!("\"{name}\"");
        let failed_creates: Vec<_> = ctx
            .events
            .iter()
            .filter(|e| e.key.reason == "FailedCreate" && e.key.message.contains(&quoted))
            .collect();
        let rejected: u64 = failed_creates.iter().map(|e| e.count).sum();
        let (start, end) = (c.first, c.last);
        let mut measured = serde_json::Map::new();
        measured.insert("count".into(), c.failed.into());
        measured.insert("timeouts".into(), c.timeouts.into());
        if let Some(t) = timeout_s {
            measured.insert("timeout_s".into(), t.into());
        }
        if let (Some(s), Some(e)) = (start, end) {
            measured.insert("duration_s".into(), num(secs(s, e)));
        }
        if rejected > 0 {
            measured.insert("failed_create".into(), rejected.into());
        }
        let effect = match policy.as_deref() {
            Some("Fail") => format!(
                "failurePolicy Fail: each failed call rejected the request{}",
                if rejected > 0 {
                    format!(" ({rejected} FailedCreate events from controllers that then retried with back-off)")
                } else {
                    String::new()
                }
            ),
            Some("Ignore") if c.timeouts == c.failed => {
                "failurePolicy Ignore: requests were admitted, each only after waiting for the timeout".to_string()
            }
            Some("Ignore") => format!(
                "failurePolicy Ignore: requests were admitted; the {} that timed out waited for the timeout first, the \
                 other {} failed at once",
                c.timeouts,
                c.failed - c.timeouts
            ),
            _ => "failure policy unknown (no webhook configuration in the bundle)".to_string(),
        };
        let timeout_words = timeout_s.map_or("its timeout".to_string(), |t| format!("its {t} s timeout"));
        let explanation = format!(
            "The API server failed {} calls to admission webhook {name} ({} timed out after {timeout_words}) \
             over {}. {effect}.",
            c.failed,
            c.timeouts,
            span_words(start, end)
        );
        let subjects = std::iter::once(format!("webhook/{name}"))
            .chain(
                spec.and_then(|w| w.item.service.clone())
                    .map(|s| format!("service/{s}")),
            )
            .chain(
                spec.and_then(|w| w.item.service.as_deref())
                    .map(|s| backend_nodes(ctx, s))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| format!("node/{n}")),
            )
            .collect();
        let severity = if policy.as_deref() == Some("Fail") || rejected > 0 {
            "critical"
        } else {
            "warning"
        };
        let ev = evidence(
            c.rows
                .iter()
                .map(|r| &r.source)
                .chain(failed_creates.iter().flat_map(|e| e.sources.iter()))
                .chain(spec.into_iter().flat_map(|w| w.sources.iter())),
        );
        out.push(Finding {
            id: "webhook-timeout".into(),
            severity: severity.into(),
            title: format!("Admission webhook {name} failing: {} calls failed", c.failed),
            start,
            end,
            subjects,
            measured,
            evidence: ev,
            explanation,
            remediation: format!(
                "Restore the webhook's backend ({}), and lower timeoutSeconds so a dead backend costs seconds, \
                 not {}; scope it with namespaceSelector/objectSelector so system workloads do not depend on it.",
                spec.and_then(|w| w.item.service.clone())
                    .unwrap_or_else(|| "its service".into()),
                timeout_s.map_or("the full timeout".into(), |t| format!("{t} s per request"))
            ),
            caused_by: Vec::new(),
            known: None,
        });
    }
    Ok(out)
}

/// The webhook a failure row names: its object (`webhook/<name>`) or `calling webhook "<name>"`.
fn webhook_name(r: &TimelineRow) -> Option<String> {
    if let Some(o) = r.object.as_deref().and_then(|o| o.strip_prefix("webhook/")) {
        return Some(o.to_string());
    }
    let m = &r.message;
    let at = m.find("calling webhook \"").map(|i| i + 17)?;
    let end = m[at..].find('"')?;
    Some(m[at..at + end].to_string())
}

/// Nodes that run the webhook's backend: pods of the service's namespace whose name starts with the service's
/// (`webhooks/pod-policy:443/validate` -> `pod-policy-7d9c8b6f5d-x2v9q`), as the dumps place them.
fn backend_nodes(ctx: &Context, service: &str) -> std::collections::BTreeSet<String> {
    let Some((ns, rest)) = service.split_once('/') else {
        return Default::default();
    };
    let name = rest.split([':', '/']).next().unwrap_or(rest);
    ctx.state
        .pods
        .iter()
        .filter(|p| p.item.namespace.as_deref() == Some(ns))
        .filter(|p| {
            p.item.name == name
                || p.item
                    .name
                    .strip_prefix(name)
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(generated_suffix)
        })
        .filter_map(|p| p.item.node.clone())
        .collect()
}

/// Whether what follows a workload's name in a pod's name is what controllers add, and nothing more: a
/// Deployment's `<replicaset hash>-<5 chars>`, a DaemonSet's `<5 chars>`, a StatefulSet's ordinal. (`web` must
/// not claim the pods of `web-frontend`.)
fn generated_suffix(rest: &str) -> bool {
    // Generated names use Kubernetes' safe alphabet (no vowels, no 0, 1, 3), or digits (older ReplicaSet hashes).
    const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let hash = |t: &str| {
        (5..=10).contains(&t.len()) && (t.bytes().all(|b| SAFE.contains(&b)) || t.bytes().all(|b| b.is_ascii_digit()))
    };
    // The 5-character pod suffix was drawn from all lower-case letters and digits before 1.8 (`bgt0m`).
    let suffix = |t: &str| t.len() == 5 && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    match rest.split('-').collect::<Vec<_>>().as_slice() {
        [ordinal] if !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit()) => true,
        [one] => suffix(one) && !one.bytes().any(|b| b"aeiou".contains(&b)),
        [h, pod] => hash(h) && suffix(pod),
        _ => false,
    }
}

/// `?timeout=30s` in the webhook URL.
fn url_timeout(m: &str) -> Option<u32> {
    let at = m.find("timeout=")? + 8;
    let digits: String = m[at..].chars().take_while(char::is_ascii_digit).collect();
    (m[at + digits.len()..].starts_with('s'))
        .then(|| digits.parse().ok())
        .flatten()
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.into_iter().chain(b).min()
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.into_iter().chain(b).max()
}

/// `52 min (10:00:30 to 10:52:00 UTC)`.
pub fn span_words(start: Option<i64>, end: Option<i64>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => {
            let d = secs(s, e);
            let len = if d >= 120.0 {
                format!("{:.0} min", d / 60.0)
            } else {
                format!("{d:.0} s")
            };
            format!(
                "{len} ({} to {})",
                crate::model::format_time(s),
                crate::model::format_time(e)
            )
        }
        _ => "an unknown window".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_pods_are_the_service_name_plus_what_controllers_add() {
        assert!(generated_suffix("5d4f7b9c8-x2k9p"));
        // A 1.7 Deployment's pod (k8s#56891 shape).
        assert!(generated_suffix("368057524-bgt0m"));
        assert!(generated_suffix("x2k9p"));
        assert!(generated_suffix("0"));
        assert!(!generated_suffix("frontend-5d4f7b9c8-x2k9p"));
        assert!(!generated_suffix("frontend"));
        assert!(!generated_suffix("admin"));
        assert!(!generated_suffix("canary-x2k9p"));
    }

    #[test]
    fn timeout_from_the_webhook_url() {
        // formats.md 5.1 (rke2#4910)
        assert_eq!(
            url_timeout(
                r#"Post "https://gatekeeper-webhook-service.cattle-gatekeeper-system.svc:443/v1/admit?timeout=3s": context deadline exceeded"#
            ),
            Some(3)
        );
        assert_eq!(
            url_timeout("Post https://x.svc:443/?timeout=30s: context deadline exceeded"),
            Some(30)
        );
        assert_eq!(url_timeout("no timeout here"), None);
    }
}
