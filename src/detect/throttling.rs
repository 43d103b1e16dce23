//! `api-throttling`: API clients (the kubelet, controller-manager, scheduler, kubectl, operators) that wait on
//! their own client-side rate limiter before they may talk to the API server, and the pods whose status the
//! kubelet reported late because of it.
//!
//! client-go writes a wait as `Throttling request took 1.2s, request: GET:https://…` (≤1.20) or
//! `Waited for 1.157933116s due to client-side throttling, not priority and fairness, request: GET:https://…`
//! (1.21+); at the default verbosity only waits over 1 s are printed. Per client (component and node) the
//! detector counts the waits, the longest and the total, the window, and the request paths most throttled.
//!
//! Repeats of one template (same request path) collapse into one timeline row, which keeps the longest wait
//! of its occurrences and their sum ([`crate::model::Peak`]): `wait_max_s` and `wait_total_s` are over every
//! wait (`samples` of them), and `long_waits` counts the waits of at least `throttle_wait_s` (exact at the
//! peaks' bounds, 1 s among them).
//!
//! Late pods: a container started (the kubelet's `Started` event; else the container's `startedAt` in a dump)
//! and the kubelet's status manager sent the pod's status saying Running or Ready only later (`Patch status
//! for pod` lines, V(3)). The gap per pod is `lag`; pods whose gap reaches `throttle_status_lag_s` are late and
//! join the finding of the kubelet of their node. A pod's report is its first kept status row at or after
//! the start that says Running or Ready; status rows of one pod can collapse (two patches alike but for their
//! tail), so a report hidden in a collapsed row makes the measured gap longer, never shorter, than it was.

use super::{evidence, median, num, secs, Context, Thresholds};
use crate::model::{Finding, TimelineRow};
use crate::signals::SignalKind;
use parsers::kubectl::When;
use std::collections::BTreeMap;

/// How long one throttling line says the client waited (s).
fn wait_of(m: &str) -> Option<f64> {
    crate::signals::magnitude::magnitude(SignalKind::ClientThrottled, m)
}

/// The throttled request as `VERB path-template` (`PATCH /api/v1/namespaces/shop/pods/*/status`): host and
/// query dropped, object names masked so the requests of many pods add up.
fn request_of(m: &str) -> Option<String> {
    let at = m.rfind("request: ")? + 9;
    let req = m[at..].split_whitespace().next()?;
    let (verb, url) = req.split_once(':')?;
    if verb.is_empty() || !verb.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("/", |j| &url[i + 3 + j..]),
        None => url,
    };
    let path = path.split('?').next().unwrap_or(path);
    Some(format!("{verb} {}", path_template(path)))
}

/// `/api/v1/namespaces/shop/pods/cart-1/status` -> `/api/v1/namespaces/shop/pods/*/status`;
/// `/apis/apps/v1/namespaces/shop/replicasets/web-5d4f` -> `/apis/apps/v1/namespaces/shop/replicasets/*`.
fn path_template(path: &str) -> String {
    let mut segs = path.trim_matches('/').split('/');
    // The segments before the resource: `api/v1` or `apis/<group>/<version>`.
    let base = match path.trim_start_matches('/').split('/').next() {
        Some("api") => 2,
        Some("apis") => 3,
        _ => return path.to_string(),
    };
    let mut out = String::with_capacity(path.len());
    for s in segs.by_ref().take(base) {
        out.push('/');
        out.push_str(s);
    }
    let rest: Vec<&str> = segs.collect();
    let mut rest = rest.as_slice();
    if rest.first() == Some(&"namespaces") && rest.len() > 2 {
        out.push('/');
        out.push_str(rest[0]);
        out.push('/');
        out.push_str(rest[1]);
        rest = &rest[2..];
    }
    for (i, s) in rest.iter().enumerate() {
        // resource, name, subresource: the name is the second.
        out.push('/');
        out.push_str(if i == 1 { "*" } else { s });
    }
    out
}

/// Whether a kubelet status report says the pod is Running or Ready: the structured patch
/// (`\"phase\":\"Running\"`, a `Ready` condition with `\"status\":\"True\"`) or the old `%+v` status
/// (`Phase:Running`, `{Type:Ready Status:True`).
fn reports_running(m: &str) -> bool {
    let m = m.replace('\\', "");
    if m.contains("\"phase\":\"Running\"") || m.contains("Phase:Running") || m.contains("Type:Ready Status:True") {
        return true;
    }
    // Each `{…}` that names the Ready condition (not `ContainersReady`) and says True.
    m.match_indices("\"type\":\"Ready\"").any(|(i, _)| {
        let open = m[..i].rfind('{').unwrap_or(0);
        let close = m[i..].find('}').map_or(m.len(), |j| i + j);
        m[open..close].contains("\"status\":\"True\"")
    })
}

/// The severity of one client's throttling, or none when it does not matter: long waits repeated (or pods
/// reported late) are a warning; several short waits are info; fewer than `throttle_waits` waits are nothing.
fn severity(waits: u64, long_waits: u64, pods_late: usize, t: &Thresholds) -> Option<&'static str> {
    if long_waits >= t.throttle_waits || (pods_late > 0 && waits > 0) {
        Some("warning")
    } else if waits >= t.throttle_waits {
        Some("info")
    } else {
        None
    }
}

/// One client's waits.
#[derive(Default)]
struct Client<'a> {
    rows: Vec<&'a TimelineRow>,
    waits: u64,
    long_waits: u64,
    /// Every wait measured, through the rows' peaks.
    waited: Option<crate::model::Peak>,
    paths: BTreeMap<String, u64>,
}

/// A pod whose status was reported late.
struct LatePod<'a> {
    pod: String,
    started: i64,
    reported: i64,
    row: &'a TimelineRow,
}

/// `pod/ns/name[:container]` -> `pod/ns/name`.
fn pod_of(r: &TimelineRow) -> Option<&str> {
    let o = r.object.as_deref()?;
    o.starts_with("pod/").then(|| o.split(':').next().unwrap_or(o))
}

/// When each pod's containers had all started: the latest first `Started` event of its containers, else the
/// latest `startedAt` of its running containers in the dumps.
fn container_starts(ctx: &Context) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for f in ctx.events {
        if f.key.reason != "Started" || !(f.key.kind.is_empty() || f.key.kind == "Pod") {
            continue;
        }
        if let Some(p) = f.first {
            let e = out
                .entry(format!("pod/{}/{}", f.key.namespace, f.key.name))
                .or_insert(p.at);
            *e = (*e).max(p.at);
        }
    }
    for p in &ctx.state.pods {
        let key = format!("pod/{}/{}", p.item.namespace.as_deref().unwrap_or(""), p.item.name);
        if out.contains_key(&key) {
            continue;
        }
        let latest = p
            .item
            .containers
            .iter()
            .filter(|c| !c.init)
            .filter_map(|c| match c.state_since {
                Some(When::At(t)) if c.state.as_deref() == Some("running") => Some(t),
                _ => None,
            })
            .max();
        if let Some(t) = latest {
            out.insert(key, t);
        }
    }
    out
}

/// Per node, the pods whose first Running/Ready report came `throttle_status_lag_s` or more after their
/// containers started, and how many pods could be measured.
fn late_pods<'a>(ctx: &Context<'a>) -> BTreeMap<&'a str, (Vec<LatePod<'a>>, usize)> {
    let starts = container_starts(ctx);
    let mut first_report: BTreeMap<&str, (&'a TimelineRow, i64)> = BTreeMap::new();
    for r in ctx.timeline {
        if r.signal != Some(SignalKind::PodStatusReported) {
            continue;
        }
        let (Some(pod), Some(at)) = (pod_of(r), r.at) else {
            continue;
        };
        let Some(&started) = starts.get(pod) else { continue };
        // The first report at or after the start (a second's slack: events are written in whole seconds); the
        // status text (kilobytes) is read only for those.
        if at + 1_000_000_000 < started || first_report.contains_key(pod) || !reports_running(&r.message) {
            continue;
        }
        first_report.insert(pod, (r, started));
    }
    let mut out: BTreeMap<&str, (Vec<LatePod>, usize)> = BTreeMap::new();
    for (pod, (r, started)) in first_report {
        let Some(node) = r.node.as_deref() else { continue };
        let e = out.entry(node).or_default();
        e.1 += 1;
        let reported = r.at.unwrap_or(started);
        if secs(started, reported) >= ctx.thresholds.throttle_status_lag_s {
            e.0.push(LatePod {
                pod: pod.to_string(),
                started,
                reported,
                row: r,
            });
        }
    }
    out
}

/// The client a row speaks for: its component (else its file's name) and its node.
fn client_of(r: &TimelineRow) -> (&str, Option<&str>) {
    let name = r.component.as_deref().unwrap_or_else(|| {
        let p = r.source.path.rsplit(['/', '!']).next().unwrap_or(&r.source.path);
        p.split('.').next().unwrap_or(p)
    });
    (name, r.node.as_deref())
}

/// Finds throttled API clients, one finding per client (component and node).
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let rows: Vec<&TimelineRow> = ctx
        .timeline
        .iter()
        .filter(|r| r.signal == Some(SignalKind::ClientThrottled))
        .collect();
    let components = ["kubelet", "kube-controller-manager", "kube-scheduler"];
    if rows.is_empty() && !components.iter().any(|c| ctx.has_component(c)) {
        return Err("no kubelet, controller-manager or scheduler logs".into());
    }
    let t = ctx.thresholds;
    let mut clients: BTreeMap<(&str, Option<&str>), Client> = BTreeMap::new();
    for r in rows {
        let Some(w) = wait_of(&r.message) else { continue };
        let c = clients.entry(client_of(r)).or_default();
        c.rows.push(r);
        c.waits += r.count;
        let p = r
            .peak
            .as_deref()
            .copied()
            .unwrap_or_else(|| crate::model::Peak::of(w, r.source.line));
        c.long_waits += p.count_at_least(t.throttle_wait_s);
        match &mut c.waited {
            Some(q) => q.merge(p),
            None => c.waited = Some(p),
        }
        if let Some(p) = request_of(&r.message) {
            *c.paths.entry(p).or_default() += r.count;
        }
    }
    let mut late = late_pods(ctx);
    let mut out = Vec::new();
    for ((name, node), c) in &clients {
        let pods = match (*name, node) {
            ("kubelet", Some(n)) => late.remove(n),
            _ => None,
        };
        let n_late = pods.as_ref().map_or(0, |p| p.0.len());
        let Some(sev) = severity(c.waits, c.long_waits, n_late, t) else {
            continue;
        };
        out.push(finding(name, *node, c, pods, sev, t));
    }
    Ok(out)
}

fn finding(
    name: &str,
    node: Option<&str>,
    c: &Client,
    pods: Option<(Vec<LatePod>, usize)>,
    severity: &str,
    t: &Thresholds,
) -> Finding {
    let who = match node {
        Some(n) => format!("{name} on {n}"),
        None => name.to_string(),
    };
    let (late, measured_pods) = pods.unwrap_or_default();
    let mut start = c.rows.iter().filter_map(|r| r.at).min();
    let mut end = c.rows.iter().filter_map(|r| r.last_at.or(r.at)).max();
    for p in &late {
        start = start.min(Some(p.started)).or(Some(p.started));
        end = end.max(Some(p.reported));
    }
    let wait_max = c.waited.map_or(0.0, |p| p.max_s);
    let wait_total = c.waited.map_or(0.0, |p| p.total_s);
    let samples = c.waited.map_or(0, |p| p.samples);
    let mut paths: Vec<(&String, &u64)> = c.paths.iter().collect();
    paths.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    paths.truncate(5);
    let mut subjects = vec![format!("component/{name}")];
    if let Some(n) = node {
        subjects.push(format!("node/{n}"));
    }
    let mut measured = serde_json::Map::new();
    measured.insert("waits".into(), c.waits.into());
    measured.insert("long_waits".into(), c.long_waits.into());
    measured.insert("wait_max_s".into(), num(wait_max));
    measured.insert("wait_total_s".into(), num(wait_total));
    measured.insert("samples".into(), samples.into());
    measured.insert(
        "top_requests".into(),
        paths
            .iter()
            .map(|(p, n)| format!("{p} ({n})"))
            .collect::<Vec<_>>()
            .into(),
    );
    let mut explanation = format!(
        "{who} waited on its client-side rate limiter {} time(s) between {} and {} \
         ({} of them {:.1} s or more{}); the {} waits measured reach {wait_max:.2} s and add up to \
         {wait_total:.1} s. Most throttled: {}.",
        c.waits,
        fmt_time(start),
        fmt_time(end),
        c.long_waits,
        t.throttle_wait_s,
        if crate::model::Peak::BOUNDS_S.contains(&t.throttle_wait_s) {
            ""
        } else {
            ", at most: counted against the nearest bound below"
        },
        samples,
        paths
            .iter()
            .map(|(p, n)| format!("`{p}` ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !late.is_empty() {
        let mut lags: Vec<f64> = late.iter().map(|p| secs(p.started, p.reported)).collect();
        let lag_max = lags.iter().copied().fold(0.0, f64::max);
        let lag_median = median(&mut lags).unwrap_or(0.0);
        measured.insert("pods_late".into(), late.len().into());
        measured.insert("pods_measured".into(), measured_pods.into());
        measured.insert("lag_s".into(), num(lag_max));
        measured.insert("lag_median_s".into(), num(lag_median));
        subjects.extend(late.iter().map(|p| p.pod.clone()));
        explanation.push_str(&format!(
            " Its status updates queued behind the same limiter: {} of {measured_pods} pod(s) measured were \
             reported Running/Ready {:.0} s or more after their containers started (up to {lag_max:.1} s, \
             median {lag_median:.1} s): {}.",
            late.len(),
            t.throttle_status_lag_s,
            late.iter()
                .map(|p| format!("{} ({:.0} s)", p.pod, secs(p.started, p.reported)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let remediation = match name {
        "kubelet" => {
            "Raise the kubelet's `kubeAPIQPS` / `kubeAPIBurst` (defaults 5/10 before 1.27, 50/100 since) for \
             the pod density of the node, and look for what multiplies its requests (many Secret/ConfigMap \
             volumes, frequent pod churn)."
        }
        "kube-controller-manager" | "kube-scheduler" => {
            "Raise `--kube-api-qps` / `--kube-api-burst` of the component (defaults 20/30 before 1.27, 50/100 \
             since) and look for the objects it reconciles in bulk (the paths above)."
        }
        _ => {
            "Raise the client's QPS/burst (`rest.Config` QPS and Burst; kubectl caches discovery in \
             `~/.kube/cache`, clear or keep it warm) and replace polling loops by informers/watches."
        }
    };
    let ev_rows = c.rows.iter().copied().chain(late.iter().map(|p| p.row));
    Finding {
        id: "api-throttling".into(),
        severity: severity.into(),
        title: if late.is_empty() {
            format!(
                "{who}: {} client-side throttling waits (up to {wait_max:.1} s)",
                c.waits
            )
        } else {
            format!(
                "{who}: {} client-side throttling waits (up to {wait_max:.1} s); {} pod(s) reported late",
                c.waits,
                late.len()
            )
        },
        start,
        end,
        subjects,
        measured,
        evidence: evidence(ev_rows.map(|r| &r.source)),
        explanation,
        remediation: remediation.into(),
        caused_by: Vec::new(),
        known: None,
    }
}

fn fmt_time(t: Option<i64>) -> String {
    t.map_or_else(
        || "?".into(),
        |ns| {
            chrono::DateTime::from_timestamp_nanos(ns)
                .format("%H:%M:%S UTC")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn waits_on_real_line_shapes() {
        // metal3-dev-env#957 (kubectl 1.23), k8s#23007 (kubectl 1.2), client-go#368.
        let new = "Waited for 1.157933116s due to client-side throttling, not priority and fairness, request: GET:https://192.168.111.249:6443/apis/authorization.k8s.io/v1?timeout=32s";
        let old = "Throttling request took 101.029465ms, request: GET:https://104.197.205.46/api/v1/namespaces/default/replicationcontrollers/hostname";
        assert!(close(wait_of(new), 1.157933116));
        assert!(close(wait_of(old), 0.101029465));
        assert_eq!(request_of(new).as_deref(), Some("GET /apis/authorization.k8s.io/v1"));
        assert_eq!(
            request_of(old).as_deref(),
            Some("GET /api/v1/namespaces/default/replicationcontrollers/*")
        );
        assert_eq!(
            request_of("Throttling request took 166.201583ms, request: GET:https://172.30.0.1:443/api/v1/namespaces/istio-system/services").as_deref(),
            Some("GET /api/v1/namespaces/istio-system/services")
        );
        assert_eq!(
            request_of("Waited for 3.2s due to client-side throttling, not priority and fairness, request: PATCH:https://10.0.0.10:6443/api/v1/namespaces/shop/pods/cart-7c9d8f6b5-tq2wz/status").as_deref(),
            Some("PATCH /api/v1/namespaces/shop/pods/*/status")
        );
        assert_eq!(path_template("/api/v1/nodes/worker-1"), "/api/v1/nodes/*");
        assert_eq!(
            path_template("/apis/apps/v1/namespaces/a/replicasets"),
            "/apis/apps/v1/namespaces/a/replicasets"
        );
        assert_eq!(path_template("/healthz"), "/healthz");
        assert_eq!(wait_of("Waited for the cache to sync"), None);
    }

    #[test]
    fn severity_by_count_and_length() {
        let t = Thresholds::default();
        assert_eq!(severity(1, 0, 0, &t), None, "a single short wait is nothing");
        assert_eq!(severity(2, 2, 0, &t), None, "two long waits are isolated");
        assert_eq!(severity(5, 0, 0, &t), Some("info"), "several short waits");
        assert_eq!(severity(5, 2, 0, &t), Some("info"));
        assert_eq!(severity(4, 3, 0, &t), Some("warning"), "long waits repeated");
        assert_eq!(severity(1, 0, 2, &t), Some("warning"), "pods reported late");
    }

    #[test]
    fn status_reports() {
        // kubelet 1.2x `"Patch status for pod" … patch=` (as displayed: the quoted value keeps its escapes).
        let running = r#"Patch status for pod pod="shop/cart-7c9d8f6b5-tq2wz" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 patch="{\"metadata\":{\"uid\":\"1af660b3-ac3a-4182-86eb-2f74725d8415\"},\"status\":{\"$setElementOrder/conditions\":[{\"type\":\"Initialized\"},{\"type\":\"Ready\"},{\"type\":\"ContainersReady\"},{\"type\":\"PodScheduled\"}],\"conditions\":[{\"lastProbeTime\":null,\"lastTransitionTime\":\"2024-07-02T09:14:05Z\",\"status\":\"True\",\"type\":\"Ready\"}]}}""#;
        assert!(reports_running(running));
        let pending = r#"Patch status for pod pod="shop/cart-7c9d8f6b5-tq2wz" patch="{\"status\":{\"$setElementOrder/conditions\":[{\"type\":\"Ready\"}],\"conditions\":[{\"lastProbeTime\":null,\"message\":\"containers with unready status: [cart]\",\"reason\":\"ContainersNotReady\",\"status\":\"False\",\"type\":\"Ready\"},{\"status\":\"True\",\"type\":\"ContainersReady\"}]}}""#;
        assert!(!reports_running(pending));
        assert!(reports_running(
            r#"Status for pod "web-1_default(4f1c)" updated successfully: (3, {Phase:Running Conditions:[{Type:Ready Status:True"#
        ));
        assert!(reports_running(r#"patch="{\"status\":{\"phase\":\"Running\"}}""#));
    }

    #[test]
    fn start_to_report_gap() {
        let s = 1_000_000_000i64;
        let p = LatePod {
            pod: "pod/shop/cart".into(),
            started: 100 * s,
            reported: 137 * s + s / 2,
            row: &crate::model::TimelineRow::default(),
        };
        assert!((secs(p.started, p.reported) - 37.5).abs() < 1e-9);
        assert!(secs(p.started, p.reported) >= Thresholds::default().throttle_status_lag_s);
        let mut lags = vec![37.5, 12.0, 60.0, 20.0];
        assert_eq!(median(&mut lags), Some(28.75));
    }
}
