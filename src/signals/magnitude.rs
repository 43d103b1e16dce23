//! The magnitude a signal carries: how long an etcd apply took, how long a client waited for its rate limiter,
//! how long an image pull lasted. Read from Go `time.Duration` strings as components print them
//! (`10.939542138s`, `627.833521ms`, `4.311µs`, `3m2.5s`, `1h2m0s`), in seconds.
//!
//! The scanner keeps, for each timeline row, the largest magnitude among the occurrences it collapses (and
//! their sum), so a detector's maximum is the true one, not the first occurrence's.

use super::SignalKind;

/// Whether messages of `kind` report a magnitude.
pub fn carries(kind: SignalKind) -> bool {
    matches!(
        kind,
        SignalKind::EtcdSlow | SignalKind::ClientThrottled | SignalKind::PullDone | SignalKind::CrashLoop
    )
}

/// Seconds a message of `kind` reports (`took too long (1.6s)`, `Waited for 1.15s`, `in 3m2.5s`), for the
/// kinds that carry one.
pub fn magnitude(kind: SignalKind, m: &str) -> Option<f64> {
    match kind {
        // zap `took="10.9s"` (fields as the timeline shows them), capnslog `took too long (1.6s)` / `[3.4s for`,
        // WAL `sync duration of 1.5s`.
        SignalKind::EtcdSlow => duration_after(m, "took=\"")
            .or_else(|| duration_after(m, "\"took\":\""))
            .or_else(|| duration_after(m, "took too long ("))
            .or_else(|| duration_after(m, "took too long ["))
            .or_else(|| duration_after(m, "sync duration of ")),
        // client-go: `Waited for 1.15s due to client-side throttling`, older `Throttling request took 1.2s`.
        SignalKind::ClientThrottled => {
            duration_after(m, "Waited for ").or_else(|| duration_after(m, "Throttling request took "))
        }
        // kubelet ≥1.26: `Successfully pulled image "x" in 3m2.5s (3m2.5s including waiting)`.
        SignalKind::PullDone => duration_after(m, "\" in "),
        // kubelet: `CrashLoopBackOff: "back-off 2m40s restarting failed container=…` (the delay before the next
        // restart; its largest tells how many restarts came before).
        SignalKind::CrashLoop => duration_after(m, "back-off ").or_else(|| duration_after(m, "Back-off ")),
        _ => None,
    }
}

/// Seconds in a Go duration string; `None` when `s` is not one.
pub fn go_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    if rest == "0" {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut any = false;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&n| n > 0)?;
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "µs" | "us" | "μs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += value * scale;
        any = true;
        rest = &rest[unit_len..];
    }
    any.then_some(if neg { -total } else { total })
}

/// The Go duration that starts right after `key` in `m` (`took too long (` -> `1.602181876s`), up to the
/// first character that cannot be part of one.
pub fn duration_after(m: &str, key: &str) -> Option<f64> {
    let at = m.find(key)? + key.len();
    let tail = &m[at..];
    let end = tail
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == 'µ' || c == 'μ'))
        .unwrap_or(tail.len());
    go_duration(&tail[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn magnitudes_of_real_lines() {
        // etcd 3.5 zap as the timeline shows it, etcd 3.3 capnslog, client-go throttling, kubelet 1.26 pull.
        let etcd =
            r#"apply request took too long took="10.939542138s" expected-duration="100ms" prefix="read-only range ""#;
        assert!(close(magnitude(SignalKind::EtcdSlow, etcd), 10.939542138));
        let capnslog = "read-only range request \"key:\\\"/registry/pods\\\" \" with result \"range_response_count:1 size:2977\" took too long (1.602181876s) to execute";
        assert!(close(magnitude(SignalKind::EtcdSlow, capnslog), 1.602181876));
        let waited = "Waited for 1.157933116s due to client-side throttling, not priority and fairness, request: GET:https://10.0.0.1:6443/api/v1/pods";
        assert!(close(magnitude(SignalKind::ClientThrottled, waited), 1.157933116));
        let old = "Throttling request took 1.228425735s, request: GET:https://10.96.0.1:443/api/v1/namespaces/kube-system/pods";
        assert!(close(magnitude(SignalKind::ClientThrottled, old), 1.228425735));
        let pulled = r#"Successfully pulled image "registry.k8s.io/pause:3.9" in 3m2.5s (3m5s including waiting)"#;
        assert!(close(magnitude(SignalKind::PullDone, pulled), 182.5));
        assert_eq!(magnitude(SignalKind::ProbeFailed, waited), None);
        let backoff = r#"failed to "StartContainer" for "api" with CrashLoopBackOff: "back-off 2m40s restarting failed container=api pod=api-1_shop(0a1b)""#;
        assert!(close(magnitude(SignalKind::CrashLoop, backoff), 160.0));
    }

    #[test]
    fn go_durations() {
        assert!(close(go_duration("10.939542138s"), 10.939542138));
        assert!(close(go_duration("627.833521ms"), 0.627833521));
        assert!(close(go_duration("4.311µs"), 4.311e-6));
        assert!(close(go_duration("3m2.5s"), 182.5));
        assert!(close(go_duration("1h2m0s"), 3720.0));
        assert!(close(go_duration("100ms"), 0.1));
        assert!(close(go_duration("0"), 0.0));
        assert_eq!(go_duration("3m2.5"), None);
        assert_eq!(go_duration("fast"), None);
        assert_eq!(go_duration(""), None);
    }

    #[test]
    fn durations_inside_messages() {
        assert!(close(
            duration_after(
                "Successfully pulled image \"nginx\" in 3m2.5s (3m2.5s including waiting)",
                "\" in "
            ),
            182.5
        ));
        assert!(close(
            duration_after("took too long (1.602181876s) to execute", "took too long ("),
            1.602181876
        ));
        assert!(close(
            duration_after("took=\"10.5s\" expected-duration=\"100ms\"", "expected-duration=\""),
            0.1
        ));
    }
}
