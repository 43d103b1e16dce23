//! Naming what a line speaks of: its node, its component and the object (pod, node, Job, webhook) it names.
//!
//! Node and component come from the envelope first (journald host and identifier), then from the bundle layout
//! (`nodes/node-3/kubelet.log`, `/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log`), then from the content.
//! Objects are read only from the records that are kept, so the regexes here are off the hot path.

use regex::Regex;
use std::sync::OnceLock;

/// The component a program identifier stands for (`kubenswrapper` and `hyperkube` are the kubelet, ...).
pub fn component_from_ident(ident: &str) -> Option<&'static str> {
    Some(match ident {
        "kubelet" | "kubenswrapper" | "hyperkube" | "kubelet-wrapper" | "origin-node" | "atomic-openshift-node" => {
            "kubelet"
        }
        "dockerd" | "docker" | "dockerd-current" => "dockerd",
        "containerd" => "containerd",
        "crio" | "cri-o" => "crio",
        "etcd" | "etcd2" | "etcd-member" => "etcd",
        "kernel" => "kernel",
        "kube-apiserver" => "kube-apiserver",
        "kube-controller-manager" => "kube-controller-manager",
        "kube-scheduler" => "kube-scheduler",
        "kube-proxy" => "kube-proxy",
        "k3s" | "k3s-server" | "k3s-agent" => "k3s",
        "rke2" | "rke2-server" | "rke2-agent" => "rke2",
        "microk8s.daemon-kubelite" => "kubelite",
        "systemd" => "systemd",
        _ => return None,
    })
}

/// The component a file name suggests (`kubelet.log`, `kube-apiserver.INFO`, `docker.log.1.gz`, `dmesg`, ...).
pub fn component_from_file_name(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let stem = n.split(['.', '_']).next().unwrap_or(&n);
    let known = [
        ("kube-apiserver", "kube-apiserver"),
        ("kube-controller-manager", "kube-controller-manager"),
        ("kube-scheduler", "kube-scheduler"),
        ("kube-proxy", "kube-proxy"),
        ("kubelet", "kubelet"),
        ("dockerd", "dockerd"),
        ("docker", "dockerd"),
        ("containerd", "containerd"),
        ("crio", "crio"),
        ("etcd", "etcd"),
        ("dmesg", "kernel"),
        ("kern", "kernel"),
        ("kernel", "kernel"),
    ];
    known
        .iter()
        .find(|(k, _)| stem == *k || stem.starts_with(&format!("{k}-")))
        .map(|(_, c)| *c)
}

/// The component a `kubectl cluster-info dump` pod log names by its folder: `<ns>/<pod>/logs.txt` with a
/// static pod such as `kube-controller-manager-cp-1` gives `kube-controller-manager`.
pub fn component_from_pod_folder(path: &str) -> Option<&'static str> {
    let mut parts = path.rsplit(['/', '!']);
    if parts.next()? != "logs.txt" {
        return None;
    }
    component_from_file_name(parts.next()?)
}

/// What a CRI log path says: `/var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log` or
/// `/var/log/containers/<pod>_<ns>_<container>-<id>.log`. Returns (object `pod/<ns>/<pod>`, container).
pub fn pod_from_log_path(path: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = path.split(['/', '!']).collect();
    if let Some(i) = parts.iter().position(|p| *p == "pods") {
        // must-gather: namespaces/<ns>/pods/<pod>/<container>/<container>/logs/current.log
        if i >= 2 && parts[i - 2] == "namespaces" && parts.len() >= i + 4 {
            return Some((
                format!("pod/{}/{}", parts[i - 1], parts[i + 1]),
                parts[i + 2].to_string(),
            ));
        }
        if parts.len() >= i + 4 {
            let dir: Vec<&str> = parts[i + 1].split('_').collect();
            if dir.len() == 3 {
                return Some((format!("pod/{}/{}", dir[0], dir[1]), parts[i + 2].to_string()));
            }
        }
    }
    if let Some(i) = parts.iter().position(|p| *p == "containers") {
        let file = parts.get(i + 1)?.strip_suffix(".log")?;
        let f: Vec<&str> = file.splitn(3, '_').collect();
        if f.len() == 3 {
            let container = f[2].rsplit_once('-').map_or(f[2], |(c, _)| c);
            return Some((format!("pod/{}/{}", f[1], f[0]), container.to_string()));
        }
    }
    None
}

/// Folder names that are layout, never a node name.
const NOT_NODES: &[&str] = &[
    "logs",
    "log",
    "var",
    "nodes",
    "node",
    "hosts",
    "host",
    "machines",
    "control-plane",
    "controlplane",
    "masters",
    "workers",
    "journal",
    "pods",
    "containers",
    "kubelet",
    "kubectl",
    "kube-system",
    "default",
    "etc",
    "kubernetes",
    "manifests",
    "bundle",
    "dump",
    "cluster-info",
    "events",
    "tmp",
    ".",
];

/// The node a display path names: the folder after `nodes/`, `hosts/`, `control-plane/`, ... or any folder that
/// is a host name seen in the bundle's journals.
pub fn node_from_path(path: &str, known_hosts: &[String]) -> Option<String> {
    let inner = path.rsplit_once("!/").map_or(path, |(_, p)| p);
    let dirs: Vec<&str> = inner.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    for d in dirs.iter().rev() {
        if known_hosts.iter().any(|h| h == d) {
            return Some(d.to_string());
        }
    }
    // sosreport-<host>[-<case id>]-<YYYY-MM-DD>-<random>: the host is what comes before the case id or date.
    if let Some(host) = dirs.iter().find_map(|d| sosreport_host(d)) {
        return Some(host.to_string());
    }
    for w in dirs.windows(2) {
        let parent = w[0].to_ascii_lowercase();
        if matches!(
            parent.as_str(),
            "nodes" | "node" | "hosts" | "machines" | "control-plane" | "masters" | "workers"
        ) && !NOT_NODES.contains(&w[1])
        {
            return Some(w[1].to_string());
        }
    }
    None
}

/// The host of a sosreport folder name (`sosreport-worker-1-2024-05-14-xkzqa` -> `worker-1`).
fn sosreport_host(dir: &str) -> Option<&str> {
    let rest = dir.strip_prefix("sosreport-")?;
    let b = rest.as_bytes();
    // The host ends where a dash is followed by a case id (5+ digits) or a date (4 digits, a dash).
    let end = (0..b.len()).find(|&i| {
        b[i] == b'-' && {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            digits >= 5 || (digits == 4 && b.get(i + 5) == Some(&b'-'))
        }
    })?;
    (end > 0).then(|| &rest[..end])
}

struct ObjectPatterns {
    pods_list: Regex,
    event_ref: Regex,
    event_occurred: Regex,
    legacy_pod: Regex,
    sandbox: Regex,
    sandbox2: Regex,
    kv_other: Regex,
    node_words: Regex,
    webhook: Regex,
    pod_uid: Regex,
}

fn patterns() -> &'static ObjectPatterns {
    static P: OnceLock<ObjectPatterns> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("entity pattern compiles");
        ObjectPatterns {
            pods_list: r(r#"\bpods=\["([a-z0-9.-]+)/([a-z0-9.-]+)""#),
            event_ref: r(r#"ObjectReference\{Kind:"(\w+)", Namespace:"([^"]*)", Name:"([^"]+)""#),
            event_occurred: r(r#"object="([^"]+)" (?:fieldPath="[^"]*" )?kind="(\w+)""#),
            legacy_pod: r(r"\b([a-z0-9][a-z0-9.-]*)_([a-z0-9][a-z0-9-]*)\(([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{32})\)"),
            sandbox: r(r"PodSandboxMetadata\{Name:([^,]+),Uid:[^,]*,Namespace:([^,]+),"),
            sandbox2: r(r#"name:"([^"]+)"\s+uid:"[^"]*"\s+namespace:"([^"]+)""#),
            kv_other: r(r#"\b(node|cronjob|job|daemonset|replicaset|deployment|statefulset)="([^"]+)""#),
            node_words: r(r"\b(?:[Nn]ode|for node) ([a-z0-9][a-z0-9.-]*[a-z0-9]) (?:is|status|event|hasn't)"),
            webhook: r(r#"(?i)calling webhook,? (?:failing (?:open|closed) )?"?([a-z0-9.-]+\.[a-z0-9.-]+)"#),
            pod_uid: r(r"\bpodUID=\x22?([0-9a-f-]{36})"),
        }
    })
}

/// The object a kept line names, as `<kind>/<namespace>/<name>` (namespaced) or `<kind>/<name>`, with
/// `:<container>` appended when a container is named. Kinds are lower-case (`pod`, `node`, `job`, `webhook`).
pub fn object_of(text: &str) -> Option<String> {
    let p = patterns();
    // Literal guards: a regex call costs its set-up even when its literal is absent, and most rows name
    // objects one way only. Each guard is a literal its pattern cannot match without.
    let g = guards();
    let has = |i: usize| g[i].find(text.as_bytes()).is_some();
    let container = has(G_CONTAINER)
        .then(|| quoted_value(text, "containerName=\"").map(str::to_string))
        .flatten();
    let with_container = |o: String| match &container {
        Some(c) => format!("{o}:{c}"),
        None => o,
    };
    // `pod="ns/name"`, the most common shape, read without a regex.
    if let Some((ns, name)) = has(G_POD)
        .then(|| quoted_value(text, "pod=\""))
        .flatten()
        .and_then(|v| v.split_once('/'))
        .filter(|(ns, name)| is_dns_label(ns) && is_dns_label(name))
    {
        return Some(with_container(format!("pod/{ns}/{name}")));
    }
    if let Some(c) = has(G_PODS).then(|| p.pods_list.captures(text)).flatten() {
        return Some(with_container(format!("pod/{}/{}", &c[1], &c[2])));
    }
    if let Some(c) = has(G_REFERENCE).then(|| p.event_ref.captures(text)).flatten() {
        let kind = c[1].to_ascii_lowercase();
        return Some(if c[2].is_empty() {
            format!("{kind}/{}", &c[3])
        } else {
            format!("{kind}/{}/{}", &c[2], &c[3])
        });
    }
    if let Some(c) = has(G_OBJECT).then(|| p.event_occurred.captures(text)).flatten() {
        return Some(format!("{}/{}", c[2].to_ascii_lowercase(), &c[1]));
    }
    if let Some(c) = has(G_WEBHOOK).then(|| p.webhook.captures(text)).flatten() {
        return Some(format!("webhook/{}", &c[1]));
    }
    let sandbox = has(G_SANDBOX).then(|| p.sandbox.captures(text)).flatten();
    if let Some(c) = sandbox.or_else(|| has(G_UID).then(|| p.sandbox2.captures(text)).flatten()) {
        return Some(format!("pod/{}/{}", &c[2], &c[1]));
    }
    if let Some(c) = (has(G_UNDERSCORE) && has(G_PAREN))
        .then(|| p.legacy_pod.captures(text))
        .flatten()
    {
        return Some(with_container(format!("pod/{}/{}", &c[2], &c[1])));
    }
    if let Some(c) = has(G_QUOTED_VALUE).then(|| p.kv_other.captures(text)).flatten() {
        return Some(format!("{}/{}", &c[1], &c[2]));
    }
    if let Some(c) = has(G_NODE_WORD).then(|| p.node_words.captures(text)).flatten() {
        return Some(format!("node/{}", &c[1]));
    }
    if let Some(c) = has(G_POD_UID).then(|| p.pod_uid.captures(text)).flatten() {
        return Some(with_container(format!("pod-uid/{}", &c[1])));
    }
    None
}

/// The value of the first `key="value"` whose key starts a word (`pod="…"`, not `mirrorpod="…"`), up to the
/// closing quote.
fn quoted_value<'t>(text: &'t str, key_quote: &str) -> Option<&'t str> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], key_quote.as_bytes()).map(|i| from + i) {
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let start = i + key_quote.len();
        if word_start {
            let len = memchr::memchr(b'"', &b[start..])?;
            return (len > 0).then(|| &text[start..start + len]);
        }
        from = start;
    }
    None
}

/// `[a-z0-9.-]+`: a namespace or a pod name as klog writes them.
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

const G_CONTAINER: usize = 0;
const G_POD: usize = 1;
const G_PODS: usize = 2;
const G_REFERENCE: usize = 3;
const G_OBJECT: usize = 4;
const G_WEBHOOK: usize = 5;
const G_SANDBOX: usize = 6;
const G_UID: usize = 7;
const G_UNDERSCORE: usize = 8;
const G_PAREN: usize = 9;
const G_QUOTED_VALUE: usize = 10;
const G_NODE_WORD: usize = 11;
const G_POD_UID: usize = 12;

/// The guards' literals, in `G_*` order, searched with prebuilt finders.
fn guards() -> &'static [memchr::memmem::Finder<'static>] {
    static G: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    G.get_or_init(|| {
        [
            "containerName=\"",
            "pod=\"",
            "pods=[\"",
            "ObjectReference{",
            "object=\"",
            "ebhook",
            "PodSandboxMetadata{",
            "uid:\"",
            "_",
            "(",
            "=\"",
            "ode ",
            "podUID=",
        ]
        .iter()
        .map(|l| memchr::memmem::Finder::new(l.as_bytes()).into_owned())
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn must_gather_and_sosreport_layouts() {
        assert_eq!(
            pod_from_log_path("mg/namespaces/openshift-etcd/pods/etcd-m0/etcd/etcd/logs/current.log"),
            Some(("pod/openshift-etcd/etcd-m0".to_string(), "etcd".to_string()))
        );
        assert_eq!(
            node_from_path("sosreport-worker-1-2024-05-14-xkzqa/var/log/messages", &[]).as_deref(),
            Some("worker-1")
        );
        assert_eq!(
            node_from_path("b/sosreport-ip-10-0-1-5-01234567-2024-05-14-abc/var/log/messages", &[]).as_deref(),
            Some("ip-10-0-1-5")
        );
        assert_eq!(node_from_path("sosreport-x/var/log/messages", &[]), None);
    }

    #[test]
    fn cluster_info_pod_folders() {
        assert_eq!(
            component_from_pod_folder("dump/kube-system/kube-controller-manager-cp-1/logs.txt"),
            Some("kube-controller-manager")
        );
        assert_eq!(
            component_from_pod_folder("dump/kube-system/etcd-master-1/logs.txt"),
            Some("etcd")
        );
        assert_eq!(component_from_pod_folder("dump/default/web-5d4f-x2v9q/logs.txt"), None);
        assert_eq!(
            component_from_pod_folder("dump/kube-system/etcd-master-1/other.txt"),
            None
        );
    }

    #[test]
    fn objects_from_real_lines() {
        // openshift/origin node_test.go fixture (structured, unquoted podUID)
        assert_eq!(
            object_of(r#""Probe failed" probeType="Readiness" pod="openshift-authentication/oauth-openshift-77f7b95df5-r4xf7" podUID=1af660b3-ac3a-4182-86eb-2f74725d8415 containerName="oauth-openshift" probeResult=failure"#).as_deref(),
            Some("pod/openshift-authentication/oauth-openshift-77f7b95df5-r4xf7:oauth-openshift")
        );
        // k8s#54760 legacy name_namespace(uid)
        assert_eq!(
            object_of(r#"Error syncing pod cc89ef7c-bc47-11e7-85ce-901b0edee6b6 ("alpine-368057524-bgt0m_default(cc89ef7c-bc47-11e7-85ce-901b0edee6b6)"), skipping"#).as_deref(),
            Some("pod/default/alpine-368057524-bgt0m")
        );
        // k8s#91560 event echo
        assert_eq!(
            object_of(r#"Event(v1.ObjectReference{Kind:"Pod", Namespace:"mirror-pod-with-grace-period-2630", Name:"static-pod-0ed6", UID:"0040ad26"}): type: 'Normal' reason: 'Pulled'"#).as_deref(),
            Some("pod/mirror-pod-with-grace-period-2630/static-pod-0ed6")
        );
        assert_eq!(
            object_of(r#"Event(v1.ObjectReference{Kind:"Node", Namespace:"", Name:"node-xxx-36-174", UID:"c452"}): type: 'Normal' reason: 'NodeNotReady'"#).as_deref(),
            Some("node/node-xxx-36-174")
        );
        // k8s PR#118497 structured event
        assert_eq!(
            object_of(r#""Event occurred" object="default/ubuntu-sleep-2" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="FailedMount""#).as_deref(),
            Some("pod/default/ubuntu-sleep-2")
        );
        // containerd 1.x and 2.x sandbox metadata
        assert_eq!(
            object_of(r#"RunPodSandbox for &PodSandboxMetadata{Name:client-a-26ssf,Uid:71060856-f22d-45ce-93b9-54d39aa5886e,Namespace:network-policy-2269,Attempt:0,} returns sandbox id"#).as_deref(),
            Some("pod/network-policy-2269/client-a-26ssf")
        );
        assert_eq!(
            object_of(r#"RunPodSandbox for name:"busybox-sandbox2"  uid:"d2a5645e-e561-4d4c-a09c-3de898ea7b97"  namespace:"default"  attempt:1"#).as_deref(),
            Some("pod/default/busybox-sandbox2")
        );
        // webhook (rke2#4910)
        assert_eq!(
            object_of(r#"Failed calling webhook, failing open validation.gatekeeper.sh: failed calling webhook "validation.gatekeeper.sh": failed to call webhook"#).as_deref(),
            Some("webhook/validation.gatekeeper.sh")
        );
        // node lifecycle controller
        assert_eq!(
            object_of("Node k8s-master2 is NotReady as of 2024-05-14 09:33:57.706574115 +0800 CST m=+9961.472114546. Adding it to the Taint queue.").as_deref(),
            Some("node/k8s-master2")
        );
        assert_eq!(
            object_of(r#""Node became not ready" node="minikube" condition={Type:Ready}"#).as_deref(),
            Some("node/minikube")
        );
        assert_eq!(object_of("Serving securely on 127.0.0.1:10259"), None);
    }

    #[test]
    fn layout_hints() {
        assert_eq!(
            pod_from_log_path("var/log/pods/kube-system_etcd-master-1_0a1b2c3d-1111-2222-3333-444455556666/etcd/3.log"),
            Some(("pod/kube-system/etcd-master-1".into(), "etcd".into()))
        );
        assert_eq!(
            pod_from_log_path("var/log/containers/coredns-5d78c9869d-abcde_kube-system_coredns-0123456789abcdef.log"),
            Some(("pod/kube-system/coredns-5d78c9869d-abcde".into(), "coredns".into()))
        );
        assert_eq!(
            node_from_path("nodes/node-3/kubelet.log", &[]).as_deref(),
            Some("node-3")
        );
        assert_eq!(
            node_from_path("b.tar.gz!/worker-7/var/log/syslog", &["worker-7".into()]).as_deref(),
            Some("worker-7")
        );
        assert_eq!(node_from_path("kubectl/events.txt", &[]), None);
        assert_eq!(component_from_file_name("kubelet.log.1.gz"), Some("kubelet"));
        assert_eq!(component_from_file_name("kube-apiserver.INFO"), Some("kube-apiserver"));
        assert_eq!(component_from_file_name("messages"), None);
        assert_eq!(component_from_ident("kubenswrapper"), Some("kubelet"));
    }
}
