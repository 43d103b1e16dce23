//! `version-skew`: kubelets at versions the Kubernetes version skew policy does not allow against the API
//! server (newer than it; older by more than 3 minors from 1.28, 2 before), or that differ among themselves.
//! Node versions come from the node objects (`get nodes -o wide`, describe, JSON) or the kubelets' own
//! `"Kubelet version"` lines; the API server's from its `Version: v1.x.y` line or a `kubectl version` dump.
//! Patch-level differences are not skew.

use super::{evidence, Context};
use crate::model::{Finding, SourceRef, TimelineRow};
use crate::signals::SignalKind;
use std::collections::BTreeMap;

/// `major.minor.patch`; suffixes (`+k3s1`, `-eks-e71965b`, `-gke.1700`) ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version(pub u32, pub u32, pub u32);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.0, self.1, self.2)
    }
}

/// `v1.28.5+k3s1` -> 1.28.5; `1.9` -> 1.9.0; anything else `None`.
pub(crate) fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches(['"', '\'']);
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.splitn(3, '.');
    let num = |p: Option<&str>| -> Option<u32> {
        let d: String = p?.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    let major = num(parts.next())?;
    let minor = num(parts.next())?;
    let patch = num(parts.next()).unwrap_or(0);
    Some(Version(major, minor, patch))
}

/// Minors a kubelet may be older than the API server: 3 from 1.28 (KEP-3935), 2 before.
pub(crate) fn allowed_lag(apiserver: Version) -> u32 {
    if apiserver.0 > 1 || apiserver.1 >= 28 {
        3
    } else {
        2
    }
}

/// What the policy says of one kubelet against the API server.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Skew {
    /// Same minor (patch differences are fine).
    Same,
    /// Older, within the policy, by this many minors.
    Within(u32),
    /// Older than the policy allows, by this many minors.
    TooOld(u32),
    /// Newer than the API server, by this many minors: never allowed.
    Newer(u32),
}

pub(crate) fn skew(kubelet: Version, apiserver: Version) -> Skew {
    let k = (kubelet.0, kubelet.1);
    let a = (apiserver.0, apiserver.1);
    if k == a {
        Skew::Same
    } else if k > a {
        Skew::Newer(if k.0 == a.0 { k.1 - a.1 } else { 100 })
    } else {
        let lag = if k.0 == a.0 { a.1 - k.1 } else { 100 };
        if lag > allowed_lag(apiserver) {
            Skew::TooOld(lag)
        } else {
            Skew::Within(lag)
        }
    }
}

/// The version a version line states, and whether it is the API server's.
fn stated(r: &TimelineRow) -> Option<(Version, bool)> {
    let m = r.message.as_str();
    if m.contains("Client Version") {
        return None;
    }
    let after = |key: &str| m.find(key).and_then(|i| parse_version(&m[i + key.len()..]));
    if m.contains("Server Version") {
        let v = after("GitVersion:\"").or_else(|| after("Server Version: "))?;
        return Some((v, true));
    }
    let v = after("kubeletVersion=").or_else(|| after("Version: "))?;
    match r.component.as_deref() {
        Some("kube-apiserver") => Some((v, true)),
        Some("kubelet") => Some((v, false)),
        _ => None,
    }
}

/// Finds version skew; `Err` when the bundle names no kubelet version.
pub fn detect(ctx: &Context) -> Result<Vec<Finding>, String> {
    let mut apiserver: Option<(Version, &SourceRef, Option<i64>)> = None;
    let mut kubelets: BTreeMap<String, (Version, Vec<SourceRef>)> = BTreeMap::new();
    for r in ctx
        .timeline
        .iter()
        .filter(|r| r.signal == Some(SignalKind::VersionInfo))
    {
        match stated(r) {
            // The latest statement wins (an upgrade during the bundle).
            Some((v, true)) if apiserver.is_none_or(|(_, _, at)| r.at >= at) => apiserver = Some((v, &r.source, r.at)),
            Some((v, false)) => {
                if let Some(node) = &r.node {
                    kubelets.insert(node.clone(), (v, vec![r.source.clone()]));
                }
            }
            _ => {}
        }
    }
    // The node objects are the snapshot: they win over log lines.
    for n in &ctx.state.nodes {
        if let Some(v) = n.item.kubelet_version.as_deref().and_then(parse_version) {
            kubelets.insert(n.item.name.clone(), (v, n.sources.clone()));
        }
    }
    if kubelets.is_empty() {
        return Err(
            "no kubelet versions (kubectl get nodes -o wide, describe nodes, nodes JSON or kubelet logs)".into(),
        );
    }
    let newest_kubelet = kubelets.values().map(|(v, _)| *v).max().expect("not empty");
    let reference = apiserver.map(|a| a.0).unwrap_or(newest_kubelet);
    let reference_words = match apiserver {
        Some((v, _, _)) => format!("the API server ({v})"),
        None => format!("the newest kubelet ({newest_kubelet}; no API server version in the bundle)"),
    };
    let api_sources: Vec<&SourceRef> = apiserver.iter().map(|a| a.1).collect();
    let mut out = Vec::new();
    let mut within: Vec<(&String, Version, u32, &Vec<SourceRef>)> = Vec::new();
    for (node, (v, sources)) in &kubelets {
        let finding = |severity: &str, minors: u32, title: String, explanation: String, remediation: &str| {
            let mut measured = serde_json::Map::new();
            measured.insert("minor_skew".into(), minors.into());
            measured.insert("count".into(), 1.into());
            if let Some((a, _, _)) = apiserver {
                measured.insert("allowed_minor_skew".into(), allowed_lag(a).into());
            }
            Finding {
                id: "version-skew".into(),
                severity: severity.into(),
                title,
                start: None,
                end: None,
                subjects: vec![format!("node/{node}")],
                measured,
                evidence: evidence(sources.iter().chain(api_sources.iter().copied())),
                explanation,
                remediation: remediation.into(),
                caused_by: Vec::new(),
                known: None,
            }
        };
        match skew(*v, reference) {
            Skew::Same => {}
            Skew::Newer(m) if apiserver.is_some() => out.push(finding(
                "critical",
                m,
                format!("Kubelet on {node} ({v}) is newer than the API server ({reference})"),
                format!(
                    "The kubelet on {node} runs {v}, {m} minor version(s) newer than {reference_words}. The skew \
                     policy never allows a kubelet newer than the API server: it may call APIs the server does \
                     not serve."
                ),
                "Upgrade the control plane first, or roll the node back to the API server's minor version.",
            )),
            // Without the API server's version, the server is still at least the newest kubelet (a kubelet
            // is never allowed to be newer): a kubelet too old for that is too old for the server.
            Skew::TooOld(m) => {
                let behind = match apiserver {
                    Some(_) => format!("{m} minor versions behind the API server ({reference})"),
                    None => format!("at least {m} minor versions behind the API server (at least {reference})"),
                };
                out.push(finding(
                    "warning",
                    m,
                    format!("Kubelet on {node} ({v}) is {behind}"),
                    format!(
                        "The kubelet on {node} runs {v}, {m} minor versions older than {reference_words}; the \
                         skew policy allows {} for an API server of {reference}{}. Behaviour the kubelet relies \
                         on may be gone.",
                        allowed_lag(reference),
                        if apiserver.is_some() {
                            ""
                        } else {
                            " or newer (no API server version in the bundle)"
                        }
                    ),
                    "Upgrade the node's kubelet (drain, upgrade, uncordon) to within the supported skew.",
                ))
            }
            Skew::Within(m) => within.push((node, *v, m, sources)),
            Skew::Newer(_) => {}
        }
    }
    if !within.is_empty() {
        let max = within.iter().map(|w| w.2).max().unwrap_or(0);
        let names: Vec<String> = within.iter().map(|(n, v, _, _)| format!("{n} ({v})")).collect();
        let mut measured = serde_json::Map::new();
        measured.insert("count".into(), within.len().into());
        measured.insert("minor_skew".into(), max.into());
        out.push(Finding {
            id: "version-skew".into(),
            severity: "info".into(),
            title: format!("{} kubelet(s) behind {reference}, within the skew policy", within.len()),
            start: None,
            end: None,
            subjects: within.iter().map(|(n, ..)| format!("node/{n}")).collect(),
            measured,
            evidence: evidence(
                within
                    .iter()
                    .flat_map(|w| w.3.iter())
                    .chain(api_sources.iter().copied()),
            ),
            explanation: format!(
                "Kubelets run different minor versions: {} against {reference_words}, at most {max} minor(s) \
                 behind. The policy allows it, but a cluster half-way through an upgrade behaves differently \
                 per node.",
                names.join(", ")
            ),
            remediation: "Finish the upgrade so every kubelet runs the API server's minor version.".into(),
            caused_by: Vec::new(),
            known: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_printed() {
        // formats.md 8.3: VERSION of `kubectl get nodes`.
        assert_eq!(parse_version("v1.9.3"), Some(Version(1, 9, 3)));
        assert_eq!(parse_version("v1.28.5+k3s1"), Some(Version(1, 28, 5)));
        assert_eq!(parse_version("v1.27.7-eks-e71965b"), Some(Version(1, 27, 7)));
        assert_eq!(parse_version("v1.26.6-gke.1700"), Some(Version(1, 26, 6)));
        assert_eq!(parse_version("\"v1.27.9\" more"), Some(Version(1, 27, 9)));
        assert_eq!(parse_version("v1"), None);
        assert_eq!(parse_version("<none>"), None);
    }

    #[test]
    fn skew_policy() {
        let v = |s| parse_version(s).unwrap();
        // Patch differences are not skew.
        assert_eq!(skew(v("v1.28.3"), v("v1.28.5")), Skew::Same);
        // Newer than the API server: never.
        assert_eq!(skew(v("v1.29.1"), v("v1.28.5")), Skew::Newer(1));
        // From 1.28, three minors older is allowed, four is not.
        assert_eq!(skew(v("v1.25.16"), v("v1.28.5")), Skew::Within(3));
        assert_eq!(skew(v("v1.24.17"), v("v1.28.5")), Skew::TooOld(4));
        // Before 1.28, two.
        assert_eq!(skew(v("v1.25.16"), v("v1.27.9")), Skew::Within(2));
        assert_eq!(skew(v("v1.24.17"), v("v1.27.9")), Skew::TooOld(3));
        assert_eq!(allowed_lag(v("v1.27.9")), 2);
        assert_eq!(allowed_lag(v("v1.30.0")), 3);
    }

    #[test]
    fn version_lines() {
        let row = |component: Option<&str>, message: &str| TimelineRow {
            at: Some(0),
            node: Some("cp-1".into()),
            component: component.map(String::from),
            severity: "info",
            message: message.into(),
            count: 1,
            source: SourceRef {
                path: "x".into(),
                line: 1,
            },
            signal: crate::signals::classify(message.as_bytes()),
            ..Default::default()
        };
        let api = row(Some("kube-apiserver"), "Version: v1.28.5");
        assert_eq!(api.signal, Some(SignalKind::VersionInfo));
        assert_eq!(stated(&api), Some((Version(1, 28, 5), true)));
        let kubelet = row(Some("kubelet"), "Kubelet version kubeletVersion=\"v1.27.9\"");
        assert_eq!(kubelet.signal, Some(SignalKind::VersionInfo));
        assert_eq!(stated(&kubelet), Some((Version(1, 27, 9), false)));
        // kubectl version, new and old (k8s#42796) shapes; the client's version is not the cluster's.
        assert_eq!(
            stated(&row(None, "Server Version: v1.28.5")),
            Some((Version(1, 28, 5), true))
        );
        assert_eq!(
            stated(&row(None, "Server Version: version.Info{Major:\"1\", Minor:\"5\", GitVersion:\"v1.5.4\", GitCommit:\"7243c69eb523aa4377bce883e7c0dd76b84709a1\"}")),
            Some((Version(1, 5, 4), true))
        );
        assert_eq!(stated(&row(None, "Client Version: v1.29.0")), None);
    }

    #[test]
    fn without_the_api_server_a_kubelet_too_old_for_the_newest_is_still_too_old() {
        let row = |node: &str, message: &str| TimelineRow {
            at: Some(0),
            node: Some(node.into()),
            component: Some("kubelet".into()),
            severity: "info",
            message: message.into(),
            count: 1,
            source: SourceRef {
                path: format!("{node}/kubelet.log"),
                line: 1,
            },
            signal: crate::signals::classify(message.as_bytes()),
            ..Default::default()
        };
        let timeline = [
            row("worker-a", "Kubelet version kubeletVersion=\"v1.27.12\""),
            row("worker-b", "Kubelet version kubeletVersion=\"v1.20.15\""),
            row("worker-c", "Kubelet version kubeletVersion=\"v1.26.3\""),
        ];
        let state = crate::dumps::state::State::default();
        let thresholds = crate::detect::Thresholds::default();
        let ctx = Context {
            timeline: &timeline,
            events: &[],
            state: &state,
            inputs: &[],
            thresholds: &thresholds,
        };
        let f = detect(&ctx).unwrap();
        // worker-b: 7 minors behind v1.27 (2 allowed) whatever newer API server runs; worker-c: 1 behind, info.
        let b = f.iter().find(|x| x.subjects == ["node/worker-b"]).expect("worker-b");
        assert_eq!(b.severity, "warning");
        assert_eq!(b.measured["minor_skew"], 7);
        assert!(b.title.contains("at least 7 minor versions behind"), "{}", b.title);
        let c = f
            .iter()
            .find(|x| x.subjects.contains(&"node/worker-c".to_string()))
            .expect("worker-c");
        assert_eq!(c.severity, "info");
    }
}
