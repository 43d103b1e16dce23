//! `kubectl get pods|nodes|jobs|cronjobs` tables (`-o wide`, `-A`, `--watch`, several tables in one file).
//!
//! The kind of a table comes from its header: READY+STATUS+RESTARTS is pods, SCHEDULE+SUSPEND cronjobs,
//! COMPLETIONS+DURATION (or the old DESIRED+SUCCESSFUL) jobs, STATUS with ROLES or VERSION nodes (old
//! `NAME STATUS AGE` node tables are accepted when their rows carry node statuses). Rows are cut at the
//! header's column positions, since cells hold spaces (`14 (71d ago)`, `Ubuntu 16.04.3 LTS`, `*/1 * * * *`);
//! rows that do not line up (`--watch` rows printed with other widths, collapsed pastes) are read by the shapes
//! of their cells, and rows with no header by the shapes of the current layouts.
//!
//! Per-container details are not in these tables: a pod's RESTARTS is kept on one summary [`Container`]
//! whose name is empty (`""`), holding `restarts` and, since kubectl ~1.22, `last_restart`.

use super::age::{parse_age, parse_when};
use super::events_table::rows::{self, Grammar, Tok};
use super::table::{split_wide, Header};
use super::{Condition, Container, CronJob, Dump, Job, Node, Pod, When};

/// Header names made of two words.
const MULTI_WORD: &[&str] = &["NOMINATED NODE", "READINESS GATES", "LAST SCHEDULE"];

/// Reads a `kubectl get` table dump: pods, nodes, Jobs and CronJobs in file order (`line` is the row's
/// 1-based line); headers, blank lines, prompts, `date` lines and `No resources found` count as structure;
/// rows that cannot be read, and tables of other kinds, are listed in `skipped` with the reason.
pub fn parse(text: &[u8]) -> Dump {
    rows::read_tables::<GetTables>(text)
}

/// Whether `line` is the header of a pods, nodes, jobs or cronjobs table.
pub fn is_header(line: &str) -> bool {
    Table::from_header(line).is_some()
}

/// `kubectl get` tables for [`rows::read_tables`].
struct GetTables;

impl rows::TableKind for GetTables {
    type Layout = Table;
    type Row = Object;
    const NO_HEADER: &'static str = "not a pods, nodes, jobs or cronjobs row, and no header before it";
    const OTHER_TABLE: &'static str = "row of a table of another kind";
    const OTHER_HEADER: &'static str = "header of a table of another kind";

    fn header(line: &str) -> Option<Table> {
        Table::from_header(line)
    }

    fn read(table: &Table, n: u64, line: &str) -> Result<Object, String> {
        table.read(n, line)
    }

    fn headerless(n: u64, line: &str) -> Option<Object> {
        headerless(n, line)
    }

    fn push(dump: &mut Dump, object: Object) {
        push(dump, object)
    }
}

/// One object read from a row.
#[derive(Debug)]
enum Object {
    Pod(Pod),
    Node(Node),
    Job(Job),
    CronJob(CronJob),
}

fn push(dump: &mut Dump, object: Object) {
    match object {
        Object::Pod(p) => dump.pods.push(p),
        Object::Node(node) => dump.nodes.push(node),
        Object::Job(j) => dump.jobs.push(j),
        Object::CronJob(c) => {
            if let Some(w) = c.last_schedule {
                dump.saw_absolute(w);
            }
            dump.cronjobs.push(c);
        }
    }
    dump.rows += 1;
}

/// A column of a `kubectl get` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Namespace,
    Name,
    Ready,
    Status,
    Restarts,
    Age,
    Ip,
    Node,
    Nominated,
    Readiness,
    Roles,
    Version,
    InternalIp,
    ExternalIp,
    OsImage,
    Kernel,
    Runtime,
    Labels,
    Completions,
    Duration,
    Desired,
    Successful,
    Containers,
    Images,
    Selector,
    Schedule,
    TimeZone,
    Suspend,
    Active,
    LastSchedule,
    /// A column this reader does not know (`NODEGROUP`, custom columns): ignored.
    Other,
}

impl Col {
    fn from_name(name: &str) -> Col {
        match name {
            "NAMESPACE" => Col::Namespace,
            "NAME" => Col::Name,
            "READY" => Col::Ready,
            "STATUS" => Col::Status,
            "RESTARTS" => Col::Restarts,
            "AGE" => Col::Age,
            "IP" => Col::Ip,
            "NODE" => Col::Node,
            "NOMINATED NODE" => Col::Nominated,
            "READINESS GATES" => Col::Readiness,
            "ROLES" => Col::Roles,
            "VERSION" => Col::Version,
            "INTERNAL-IP" => Col::InternalIp,
            "EXTERNAL-IP" => Col::ExternalIp,
            "OS-IMAGE" => Col::OsImage,
            "KERNEL-VERSION" => Col::Kernel,
            "CONTAINER-RUNTIME" => Col::Runtime,
            "LABELS" => Col::Labels,
            "COMPLETIONS" => Col::Completions,
            "DURATION" => Col::Duration,
            "DESIRED" => Col::Desired,
            "SUCCESSFUL" => Col::Successful,
            "CONTAINERS" => Col::Containers,
            "IMAGES" => Col::Images,
            "SELECTOR" => Col::Selector,
            "SCHEDULE" => Col::Schedule,
            "TIMEZONE" => Col::TimeZone,
            "SUSPEND" => Col::Suspend,
            "ACTIVE" => Col::Active,
            "LAST SCHEDULE" => Col::LastSchedule,
            _ => Col::Other,
        }
    }
}

/// What a table lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pods,
    Nodes,
    Jobs,
    CronJobs,
}

impl Kind {
    /// The kind of a header's columns.
    fn of(cols: &[Col]) -> Option<Kind> {
        let has = |c: Col| cols.contains(&c);
        if !has(Col::Name) {
            return None;
        }
        if has(Col::Ready) && has(Col::Status) && has(Col::Restarts) {
            return Some(Kind::Pods);
        }
        if has(Col::Schedule) && has(Col::Suspend) {
            return Some(Kind::CronJobs);
        }
        if (has(Col::Completions) && has(Col::Duration)) || (has(Col::Desired) && has(Col::Successful)) {
            return Some(Kind::Jobs);
        }
        let foreign = [Col::Ready, Col::Restarts, Col::Completions, Col::Desired, Col::Schedule];
        if has(Col::Status) && has(Col::Age) && !foreign.iter().any(|&c| has(c)) {
            // `NAME STATUS AGE` (≤1.6) and `NAME LABELS STATUS AGE` (≤1.2) are nodes too; their rows must then
            // carry node statuses (`kubectl get namespaces` prints the same header).
            let old = cols
                .iter()
                .all(|c| matches!(c, Col::Name | Col::Status | Col::Age | Col::Labels));
            if has(Col::Roles) || has(Col::Version) || old {
                return Some(Kind::Nodes);
            }
        }
        None
    }

    /// The column a row cut short must still reach.
    fn key(self, cols: &[Col]) -> usize {
        let key = match self {
            Kind::Pods | Kind::Nodes => cols.iter().position(|&c| c == Col::Status),
            Kind::Jobs => cols.iter().position(|&c| c == Col::Completions || c == Col::Successful),
            Kind::CronJobs => cols.iter().position(|&c| c == Col::Suspend),
        };
        key.map_or(cols.len(), |i| i + 1)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Pods => "pod",
            Kind::Nodes => "node",
            Kind::Jobs => "job",
            Kind::CronJobs => "cronjob",
        }
    }
}

/// A table: its header and the kind of objects it lists.
struct Table {
    header: Header,
    cols: Vec<Col>,
    kind: Kind,
}

impl Table {
    fn from_header(line: &str) -> Option<Table> {
        if !rows::looks_like_header(line) {
            return None;
        }
        let header = Header::parse(line, MULTI_WORD)?;
        let cols: Vec<Col> = header.columns.iter().map(|c| Col::from_name(&c.name)).collect();
        let kind = Kind::of(&cols)?;
        Some(Table { header, cols, kind })
    }

    /// Reads one row: by the header's positions, else by the shapes of its cells.
    fn read(&self, n: u64, line: &str) -> Result<Object, String> {
        let grammar = GetGrammar::new(&self.cols, self.kind);
        let positional = self.header.cells(line);
        if let Some(cells) = &positional {
            if rows::cells_fit(&grammar, cells) {
                let cells: Vec<Option<&str>> = cells.iter().map(|c| Some(*c)).collect();
                if let Some(object) = build(n, self.kind, &Cells::new(&self.cols, &cells)) {
                    return Ok(object);
                }
            }
        }
        if let Some(cells) = rows::read_by_shapes(&grammar, line, true) {
            if let Some(object) = build(n, self.kind, &Cells::new(&self.cols, &cells)) {
                return Ok(object);
            }
        }
        Err(self.explain(line, positional.as_deref()))
    }

    /// Why a row could not be read.
    fn explain(&self, line: &str, positional: Option<&[&str]>) -> String {
        if let Some(at) = self.cols.iter().position(|&c| c == Col::Age) {
            let cell = match positional {
                Some(cells) => cells[at],
                None => split_wide(line).get(at).copied().unwrap_or(""),
            };
            if !cell.is_empty() && parse_age(cell).is_none() {
                return format!("unreadable age {:?} in AGE", rows::excerpt(cell));
            }
        }
        let names: Vec<&str> = self.header.columns.iter().map(|c| c.name.as_str()).collect();
        format!("cells do not read as a {} row of {}", self.kind.name(), names.join(" "))
    }
}

/// Layouts tried on rows that have no header, most columns first (a row must use every word).
const HEADERLESS: &[(Kind, &[Col])] = &[
    (
        Kind::Pods,
        &[
            Col::Name,
            Col::Ready,
            Col::Status,
            Col::Restarts,
            Col::Age,
            Col::Ip,
            Col::Node,
            Col::Nominated,
            Col::Readiness,
        ],
    ),
    (
        Kind::Pods,
        &[
            Col::Name,
            Col::Ready,
            Col::Status,
            Col::Restarts,
            Col::Age,
            Col::Ip,
            Col::Node,
        ],
    ),
    (
        Kind::Pods,
        &[Col::Name, Col::Ready, Col::Status, Col::Restarts, Col::Age],
    ),
    (
        Kind::Nodes,
        &[
            Col::Name,
            Col::Status,
            Col::Roles,
            Col::Age,
            Col::Version,
            Col::InternalIp,
            Col::ExternalIp,
            Col::OsImage,
            Col::Kernel,
            Col::Runtime,
        ],
    ),
    (
        Kind::Nodes,
        &[Col::Name, Col::Status, Col::Roles, Col::Age, Col::Version],
    ),
    (
        Kind::Jobs,
        &[Col::Name, Col::Status, Col::Completions, Col::Duration, Col::Age],
    ),
    (Kind::Jobs, &[Col::Name, Col::Completions, Col::Duration, Col::Age]),
    (
        Kind::CronJobs,
        &[
            Col::Name,
            Col::Schedule,
            Col::TimeZone,
            Col::Suspend,
            Col::Active,
            Col::LastSchedule,
            Col::Age,
        ],
    ),
    (
        Kind::CronJobs,
        &[
            Col::Name,
            Col::Schedule,
            Col::Suspend,
            Col::Active,
            Col::LastSchedule,
            Col::Age,
        ],
    ),
];

/// Reads a row that has no header by the shapes of the current layouts, with or without a NAMESPACE cell.
fn headerless(n: u64, line: &str) -> Option<Object> {
    let first = line.split_ascii_whitespace().next()?;
    let namespaced = rows::is_dns_label(first);
    for &(kind, layout) in HEADERLESS {
        for with_namespace in [true, false] {
            // Nodes have no namespace.
            if with_namespace && (!namespaced || kind == Kind::Nodes) {
                continue;
            }
            let cols: Vec<Col> = with_namespace
                .then_some(Col::Namespace)
                .into_iter()
                .chain(layout.iter().copied())
                .collect();
            let grammar = GetGrammar::new(&cols, kind);
            if let Some(cells) = rows::read_by_shapes(&grammar, line, false) {
                if let Some(object) = build(n, kind, &Cells::new(&cols, &cells)) {
                    return Some(object);
                }
            }
        }
    }
    None
}

/// What the cells of each column may look like, for reading rows by shape.
struct GetGrammar<'a> {
    cols: &'a [Col],
    kind: Kind,
    required: usize,
}

impl<'a> GetGrammar<'a> {
    fn new(cols: &'a [Col], kind: Kind) -> Self {
        GetGrammar {
            cols,
            kind,
            required: kind.key(cols),
        }
    }
}

impl Grammar for GetGrammar<'_> {
    fn columns(&self) -> usize {
        self.cols.len()
    }

    fn required(&self) -> usize {
        self.required
    }

    fn free(&self, col: usize) -> Option<usize> {
        matches!(self.cols[col], Col::OsImage | Col::Schedule).then_some(1)
    }

    fn lax(&self, col: usize) -> bool {
        matches!(self.cols[col], Col::Other | Col::Labels)
    }

    fn widths(&self, col: usize, row: &str, toks: &[Tok], at: usize, out: &mut Vec<usize>) {
        let tok = |i: usize| toks.get(at + i).map(|t| &row[t.start..t.end]);
        let Some(first) = tok(0) else {
            if self.cols[col] == Col::Other {
                out.push(0);
            }
            return;
        };
        let one = match self.cols[col] {
            Col::Namespace => rows::is_dns_label(first),
            Col::Ready => is_ratio(first),
            Col::Status if self.kind == Kind::Nodes => is_node_status(first),
            Col::Restarts => {
                // `18 (4m1s ago)`
                if rows::is_count(first) && tok(1).is_some_and(|t| t.starts_with('(')) && tok(2) == Some("ago)") {
                    out.push(3);
                }
                rows::is_count(first)
            }
            Col::Age | Col::Duration => parse_age(first).is_some(),
            Col::Version => first
                .strip_prefix('v')
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())),
            Col::Kernel => {
                // k3s prints the architecture: `6.17.0-1026-nvidia (arm64)`
                if tok(1).is_some_and(|t| t.starts_with('(') && t.ends_with(')')) {
                    out.push(2);
                }
                true
            }
            Col::Runtime => first.contains("://"),
            Col::Completions => {
                // `0/1 of 30`: parallelism without completions
                if is_ratio(first) && tok(1) == Some("of") && tok(2).is_some_and(rows::is_count) {
                    out.push(3);
                }
                is_ratio(first)
            }
            Col::Desired | Col::Successful | Col::Active => rows::is_count(first) || first == "<none>",
            Col::Suspend => first == "True" || first == "False",
            Col::LastSchedule => {
                if first == "<none>" {
                    out.push(1);
                } else {
                    rows::time_widths(row, toks, at, out, |s| parse_when(s).is_some());
                }
                false
            }
            Col::Other => {
                out.extend([1, 0]);
                false
            }
            Col::OsImage | Col::Schedule => false,
            _ => true,
        };
        if one {
            out.push(1);
        }
    }
}

/// `1/1`, `0/3`.
fn is_ratio(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(a, b)| rows::is_count(a) && rows::is_count(b))
}

/// `Ready`, `NotReady`, `Unknown`, `Ready,SchedulingDisabled`.
fn is_node_status(s: &str) -> bool {
    let first = s.split(',').next().unwrap_or(s);
    matches!(first, "Ready" | "NotReady" | "Unknown")
}

/// The cells of one row by column (empty cells and `<none>` are absent).
struct Cells<'a> {
    cells: Vec<(Col, &'a str)>,
}

impl<'a> Cells<'a> {
    fn new(cols: &[Col], cells: &[Option<&'a str>]) -> Self {
        let cells = cols
            .iter()
            .zip(cells)
            .filter_map(|(&col, cell)| Some((col, cell.map(str::trim)?)))
            .filter(|(_, cell)| !cell.is_empty() && *cell != "<none>")
            .collect();
        Cells { cells }
    }

    fn get(&self, col: Col) -> Option<&'a str> {
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, cell)| *cell)
    }

    fn string(&self, col: Col) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    fn age(&self, col: Col) -> Option<When> {
        self.get(col).and_then(parse_age)
    }

    /// NAME without the `pod/`, `job.batch/` prefix that `kubectl get all` and `-o name`-like output add.
    fn name(&self) -> Option<String> {
        let name = self.get(Col::Name)?;
        let bare = match name.split_once('/') {
            Some((kind, bare)) if !bare.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'.') => bare,
            _ => name,
        };
        Some(bare.to_string())
    }
}

fn build(n: u64, kind: Kind, c: &Cells) -> Option<Object> {
    Some(match kind {
        Kind::Pods => Object::Pod(pod(n, c)?),
        Kind::Nodes => Object::Node(node(n, c)?),
        Kind::Jobs => Object::Job(job(n, c)?),
        Kind::CronJobs => Object::CronJob(cronjob(n, c)?),
    })
}

/// STATUS words that are `status.reason` rather than a phase or a container state.
const POD_REASONS: &[&str] = &[
    "Evicted",
    "NodeLost",
    "Shutdown",
    "NodeShutdown",
    "UnexpectedAdmissionError",
    "NodeAffinity",
];

fn pod(n: u64, c: &Cells) -> Option<Pod> {
    let status = c.get(Col::Status);
    let reason = status.filter(|s| POD_REASONS.contains(s) || s.starts_with("OutOf"));
    let containers = match c.get(Col::Restarts) {
        Some(cell) => {
            let (restarts, last_restart) = parse_restarts(cell)?;
            vec![Container {
                restarts: Some(restarts),
                last_restart,
                ..Container::default()
            }]
        }
        None => Vec::new(),
    };
    Some(Pod {
        line: n,
        namespace: c.string(Col::Namespace),
        name: c.name()?,
        node: c.string(Col::Node),
        status: status.map(str::to_string),
        reason: reason.map(str::to_string),
        ready: c.string(Col::Ready),
        created: c.age(Col::Age),
        containers,
        ..Pod::default()
    })
}

/// `183`, or `18 (4m1s ago)` since kubectl ~1.22.
fn parse_restarts(cell: &str) -> Option<(u64, Option<When>)> {
    let (count, ago) = match cell.split_once(' ') {
        Some((count, rest)) => {
            let age = rest.trim().strip_prefix('(')?.strip_suffix(" ago)")?;
            (count, Some(parse_age(age)?))
        }
        None => (cell, None),
    };
    Some((count.parse().ok()?, ago))
}

fn node(n: u64, c: &Cells) -> Option<Node> {
    let status = c.get(Col::Status);
    if !status.is_some_and(is_node_status) {
        return None;
    }
    let roles = c
        .get(Col::Roles)
        .map(|r| {
            r.split(',')
                .filter(|r| !r.is_empty() && *r != "<none>")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Some(Node {
        line: n,
        name: c.name()?,
        status: status.map(str::to_string),
        roles,
        kubelet_version: c.string(Col::Version),
        runtime_version: c.string(Col::Runtime),
        kernel_version: c.string(Col::Kernel),
        os_image: c.string(Col::OsImage),
        created: c.age(Col::Age),
        unschedulable: status.is_some_and(|s| s.contains("SchedulingDisabled")),
        ..Node::default()
    })
}

/// Job STATUS words (kubectl 1.3x) that name a condition of the Job.
const JOB_CONDITIONS: &[&str] = &["Complete", "Failed", "Suspended", "FailureTarget", "SuccessCriteriaMet"];

fn job(n: u64, c: &Cells) -> Option<Job> {
    // Old tables print DESIRED and SUCCESSFUL; they are folded into the newer `succeeded/completions` form.
    let completions = c.string(Col::Completions).or_else(|| {
        let successful = c.get(Col::Successful)?;
        Some(format!("{successful}/{}", c.get(Col::Desired)?))
    });
    let succeeded = completions.as_deref().and_then(|s| s.split('/').next()?.parse().ok());
    let conditions = c
        .get(Col::Status)
        .filter(|s| JOB_CONDITIONS.contains(s))
        .map(|s| Condition {
            kind: s.to_string(),
            status: "True".into(),
            reason: None,
            message: None,
            last_heartbeat: None,
            last_transition: None,
        })
        .into_iter()
        .collect();
    Some(Job {
        line: n,
        namespace: c.string(Col::Namespace),
        name: c.name()?,
        created: c.age(Col::Age),
        succeeded,
        completions,
        conditions,
        ..Job::default()
    })
}

fn cronjob(n: u64, c: &Cells) -> Option<CronJob> {
    let suspend = match c.get(Col::Suspend) {
        Some("True") => Some(true),
        Some("False") => Some(false),
        _ => None,
    };
    Some(CronJob {
        line: n,
        namespace: c.string(Col::Namespace),
        name: c.name()?,
        schedule: c.string(Col::Schedule),
        suspend,
        active: c.get(Col::Active).and_then(|a| a.parse().ok()),
        // Before kubectl 1.9 (k8s PR#52484) LAST SCHEDULE was an absolute RFC 1123 time.
        last_schedule: c.get(Col::LastSchedule).and_then(parse_when),
        created: c.age(Col::Age),
        ..CronJob::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ago(secs: u64, resolution: u64) -> When {
        When::Ago { secs, resolution }
    }

    fn read(lines: &[&str]) -> Dump {
        parse(lines.join("\n").as_bytes())
    }

    fn restarts(p: &Pod) -> (Option<u64>, Option<When>) {
        assert_eq!(p.containers.len(), 1);
        assert_eq!(p.containers[0].name, "");
        (p.containers[0].restarts, p.containers[0].last_restart)
    }

    #[test]
    fn pods_old_spacing() {
        // k8s#10885 (kubectl 1.0, tabwriter minwidth 10)
        let d = read(&[
            "NAME                                           READY     STATUS    RESTARTS   AGE",
            "fluentd-cloud-logging-kubernetes-minion-7p49   1/1       Running   0          4m",
            "monitoring-heapster-v5-ha0cy                   1/1       Running   1          5m",
        ]);
        assert_eq!((d.rows, d.structure_lines, d.skipped.len()), (2, 1, 0));
        let p = &d.pods[1];
        assert_eq!((p.line, p.name.as_str()), (3, "monitoring-heapster-v5-ha0cy"));
        assert_eq!(
            (p.ready.as_deref(), p.status.as_deref()),
            (Some("1/1"), Some("Running"))
        );
        assert_eq!(
            (p.created, p.reason.as_deref(), p.namespace.as_deref()),
            (Some(ago(300, 60)), None, None)
        );
        assert_eq!(restarts(p), (Some(1), None));
    }

    #[test]
    fn pods_all_namespaces_new_spacing() {
        // k3s install notes (`kubectl get pods -A`)
        let d = read(&[
            "$ kubectl get pods -A",
            "NAMESPACE     NAME                                      READY   STATUS      RESTARTS      AGE",
            "kube-system   coredns-54996dc9b4-vcv84                  1/1     Running     0             76s",
            "kube-system   helm-install-traefik-crd-lhzs9            0/1     Completed   0             70s",
        ]);
        assert_eq!((d.rows, d.structure_lines), (2, 2));
        let p = &d.pods[1];
        assert_eq!(
            (p.namespace.as_deref(), p.name.as_str()),
            (Some("kube-system"), "helm-install-traefik-crd-lhzs9")
        );
        assert_eq!((p.status.as_deref(), p.created), (Some("Completed"), Some(ago(70, 1))));
    }

    #[test]
    fn evicted_pods_without_header() {
        // formats.md 8.2: k8s#55051 (1.7, -A), cortex#66
        let d = read(&[
            "mynamespace nginxrepo-2549817493-0p91t                                     0/1       Evicted             0          17d",
            "operator-b58fbb9b5-zdmjx                    0/1     Evicted   0          11m",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0));
        let p = &d.pods[0];
        assert_eq!(
            (p.namespace.as_deref(), p.name.as_str()),
            (Some("mynamespace"), "nginxrepo-2549817493-0p91t")
        );
        assert_eq!(
            (p.status.as_deref(), p.reason.as_deref()),
            (Some("Evicted"), Some("Evicted"))
        );
        assert_eq!(p.created, Some(ago(17 * 86_400, 86_400)));
        let p = &d.pods[1];
        assert_eq!(
            (p.namespace.as_deref(), p.reason.as_deref(), p.created),
            (None, Some("Evicted"), Some(ago(660, 60)))
        );
    }

    #[test]
    fn restarts_with_last_restart_age() {
        // formats.md 8.2 (aptakube#402); srl-probes notes (`kubectl get all`, kind prefix)
        let d = read(&[
            "aws-load-balancer-controller-58d69697c9-mh9x6                        1/1     Running     14 (71d ago)   131d",
            "NAME                              READY   STATUS             RESTARTS        AGE",
            "pod/srl-probes-76b8468567-8pztg   0/1     CrashLoopBackOff   141 (80s ago)   6h54m",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0));
        assert_eq!(restarts(&d.pods[0]), (Some(14), Some(ago(71 * 86_400, 86_400))));
        assert_eq!(d.pods[0].created, Some(ago(131 * 86_400, 86_400)));
        let p = &d.pods[1];
        assert_eq!(
            (p.name.as_str(), p.status.as_deref()),
            ("srl-probes-76b8468567-8pztg", Some("CrashLoopBackOff"))
        );
        assert_eq!(restarts(p), (Some(141), Some(ago(80, 1))));
        assert_eq!(p.created, Some(ago(6 * 3600 + 54 * 60, 60)));
    }

    #[test]
    fn pods_wide_with_init_status() {
        // clamav scaling notes (`kubectl get pods -o wide`)
        let d = read(&[
            "NAME                              READY   STATUS              RESTARTS       AGE    IP           NODE      NOMINATED NODE   READINESS GATES",
            "clamav-scanner-6bc474b44c-h5nc6   0/2     Init:0/1            1 (47s ago)    115s   10.42.3.2    mizar     <none>           <none>",
            "clamav-scanner-6bc474b44c-hfpnn   1/2     CrashLoopBackOff    55 (72s ago)   170m   10.42.1.14   hamal     <none>           <none>",
            "clamav-scanner-848f664984-446rp   0/2     ContainerCreating   0              4s     <none>       mizar     <none>           <none>",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (3, 0));
        let p = &d.pods[0];
        assert_eq!(
            (p.status.as_deref(), p.node.as_deref()),
            (Some("Init:0/1"), Some("mizar"))
        );
        assert_eq!(restarts(p), (Some(1), Some(ago(47, 1))));
        assert_eq!(p.created, Some(ago(115, 1)));
        assert_eq!(d.pods[1].node.as_deref(), Some("hamal"));
        assert_eq!(restarts(&d.pods[2]), (Some(0), None));
    }

    #[test]
    fn watch_rows_wider_than_the_header() {
        // aerospike operator docs (`kubectl get pods --watch`); blog (`kubectl get -w pods`, old spacing)
        let d = read(&[
            "NAME                                             READY   STATUS    RESTARTS   AGE",
            "aerocluster-0-0                                  0/2     Pending   0          1s",
            "aerocluster-0-0                                  0/2     Init:0/1   0          3s",
            "aerocluster-0-1                                  0/2     PodInitializing   0          16s",
            "NAME         READY     STATUS    RESTARTS   AGE",
            "wait-lk49x   1/1       Running   0          7s",
            "wait-lk49x   0/1       Completed   0         24s",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (5, 0), "{:?}", d.skipped);
        let p = &d.pods[2];
        assert_eq!(
            (p.name.as_str(), p.status.as_deref(), p.created),
            ("aerocluster-0-1", Some("PodInitializing"), Some(ago(16, 1)))
        );
        assert_eq!(d.pods[1].status.as_deref(), Some("Init:0/1"));
        let p = &d.pods[4];
        assert_eq!(
            (p.status.as_deref(), p.created, p.line),
            (Some("Completed"), Some(ago(24, 1)), 7)
        );
    }

    #[test]
    fn nodes_wide_1_9_with_spaces_in_os_image() {
        // formats.md 8.3 (blog, 1.9 wide)
        let d = read(&[
            "NAME      STATUS    ROLES     AGE       VERSION   EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION      CONTAINER-RUNTIME",
            "minion1   Ready     <none>    48s       v1.9.3    <none>        Ubuntu 16.04.3 LTS   4.4.0-101-generic   docker://1.13.1",
        ]);
        assert_eq!(d.rows, 1);
        let n = &d.nodes[0];
        assert_eq!(
            (n.name.as_str(), n.status.as_deref(), n.roles.len()),
            ("minion1", Some("Ready"), 0)
        );
        assert_eq!(
            (n.created, n.kubelet_version.as_deref()),
            (Some(ago(48, 1)), Some("v1.9.3"))
        );
        assert_eq!(n.os_image.as_deref(), Some("Ubuntu 16.04.3 LTS"));
        assert_eq!(
            (n.kernel_version.as_deref(), n.runtime_version.as_deref()),
            (Some("4.4.0-101-generic"), Some("docker://1.13.1"))
        );
        assert!(!n.unschedulable);
    }

    #[test]
    fn nodes_wide_current_with_a_row_cut_short() {
        // vagrant cluster README (`kubectl get nodes -o wide`), the file cut inside the last row's OS-IMAGE
        let d = read(&[
            "NAME     STATUS   ROLES           AGE     VERSION   INTERNAL-IP     EXTERNAL-IP   OS-IMAGE           KERNEL-VERSION     CONTAINER-RUNTIME",
            "master   Ready    control-plane   11m     v1.30.1   192.168.56.10   <none>        Ubuntu 24.04 LTS   6.8.0-31-generic   containerd://1.7.23",
            "node1    Ready    <none>          6m18s   v1.30.1   192.168.56.11   <none>        Ubuntu 24.04 LTS   6.8.0-31-generic   containerd://1.7.23",
            "node2    Ready    <none>          36s     v1.30.1   192.168.56.12   <none>        Ubuntu 24.04",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (3, 0), "{:?}", d.skipped);
        let n = &d.nodes[0];
        assert_eq!(n.roles, vec!["control-plane".to_string()]);
        assert_eq!(
            (n.os_image.as_deref(), n.runtime_version.as_deref()),
            (Some("Ubuntu 24.04 LTS"), Some("containerd://1.7.23"))
        );
        assert_eq!(d.nodes[1].created, Some(ago(378, 1)));
        let n = &d.nodes[2];
        assert_eq!(
            (n.os_image.as_deref(), n.kernel_version.as_deref()),
            (Some("Ubuntu 24.04"), None)
        );
    }

    #[test]
    fn nodes_with_unknown_columns_and_kernel_arch() {
        // EKS issue (extra NODEGROUP column, trailing spaces); k3s notes (kernel with architecture)
        let d = read(&[
            "NAME                                             STATUS   ROLES    AGE     VERSION               INTERNAL-IP     EXTERNAL-IP   OS-IMAGE                       KERNEL-VERSION                     CONTAINER-RUNTIME     NODEGROUP",
            "ip-10-52-100-145.eu-central-1.compute.internal   Ready    <none>   4h41m   v1.32.8-eks-99d6cc0   10.52.100.145   <none>        Amazon Linux 2023.8.20250908   6.1.148-173.267.amzn2023.x86_64    containerd://1.7.27   ",
            "NAME        STATUS   ROLES           AGE   VERSION        INTERNAL-IP     EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION               CONTAINER-RUNTIME",
            "gx10-7897   Ready    control-plane   82s   v1.36.3+k3s1   192.168.0.135   <none>        Ubuntu 24.04.4 LTS   6.17.0-1026-nvidia (arm64)   containerd://2.3.2-k3s2",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (2, 0));
        let n = &d.nodes[0];
        assert_eq!(
            (n.os_image.as_deref(), n.kubelet_version.as_deref()),
            (Some("Amazon Linux 2023.8.20250908"), Some("v1.32.8-eks-99d6cc0"))
        );
        assert_eq!(n.created, Some(ago(4 * 3600 + 41 * 60, 60)));
        assert_eq!(d.nodes[1].kernel_version.as_deref(), Some("6.17.0-1026-nvidia (arm64)"));
    }

    #[test]
    fn old_node_tables_without_roles() {
        // OKD docs (1.6, row one space off its header); k8sp notes (≤1.6 `NAME STATUS AGE`); vcluster notes (namespaces)
        let d = read(&[
            "NAME                          STATUS                     AGE       VERSION",
            "ose-app-node01.example.com   Ready,SchedulingDisabled   20m       v1.6.1+5115d708d7",
            "NAME           STATUS                     AGE",
            "172.17.4.101   Ready,SchedulingDisabled   5h",
            "172.17.4.201   Ready                      5h",
            "NAME              STATUS   AGE",
            "default           Active   139m",
        ]);
        assert_eq!(d.rows, 3, "{:?}", d.skipped);
        let n = &d.nodes[0];
        assert_eq!(
            (n.status.as_deref(), n.unschedulable),
            (Some("Ready,SchedulingDisabled"), true)
        );
        assert_eq!(
            (n.kubelet_version.as_deref(), n.created),
            (Some("v1.6.1+5115d708d7"), Some(ago(1200, 60)))
        );
        assert_eq!((d.nodes[1].unschedulable, d.nodes[2].unschedulable), (true, false));
        assert_eq!(d.nodes[2].created, Some(ago(5 * 3600, 3600)));
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].0, 7);
    }

    #[test]
    fn jobs_of_every_era() {
        // k8s PR#65463 (new and old columns); OpenShift MCO docs and a Chinese tutorial (STATUS column)
        let d = read(&[
            "NAME                                   COMPLETIONS   DURATION   AGE",
            "image-mirror-origin-v3.10-1529985600   1/1           47s        42m",
            "image-pruner-1529971200                1/1           60m        4h",
            "NAME                                   DESIRED   SUCCESSFUL   AGE",
            "image-mirror-origin-v3.10-1529982000   1         1            54m",
            "NAME                                           STATUS     COMPLETIONS   DURATION   AGE",
            "build-infra-b1b93a87b88b18b3ad70e9fb2596b2cd   Running    0/1           105s       105s",
            "NAME                STATUS     COMPLETIONS   DURATION   AGE",
            "fail-job            Failed     0/1           2m32s      2m32s",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (5, 0));
        let j = &d.jobs[1];
        assert_eq!(
            (j.name.as_str(), j.completions.as_deref()),
            ("image-pruner-1529971200", Some("1/1"))
        );
        assert_eq!((j.succeeded, j.created), (Some(1), Some(ago(4 * 3600, 3600))));
        let j = &d.jobs[2];
        assert_eq!(
            (j.completions.as_deref(), j.succeeded, j.created),
            (Some("1/1"), Some(1), Some(ago(3240, 60)))
        );
        let j = &d.jobs[3];
        assert_eq!(
            (j.completions.as_deref(), j.succeeded, j.conditions.len()),
            (Some("0/1"), Some(0), 0)
        );
        let j = &d.jobs[4];
        assert_eq!(j.conditions.len(), 1);
        assert_eq!(
            (j.conditions[0].kind.as_str(), j.conditions[0].status.as_str()),
            ("Failed", "True")
        );
        assert_eq!(j.created, Some(ago(152, 1)));
        assert!(j.owners.is_empty());
    }

    #[test]
    fn cronjobs_with_spaces_in_schedule() {
        // Tanzu docs (`kubectl get all`, kind prefix, `<none>`); kyverno notes (TIMEZONE); a Chinese tutorial (suspended)
        let d = read(&[
            "NAME                                                SCHEDULE      SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
            "cronjob.batch/agentupdater-workload                 */1 * * * *   False     0        34s             77m",
            "cronjob.batch/policy-webhook-cert-manager-cronjob   0 0 1 * *     False     0        <none>          76m",
            "NAME                                                      SCHEDULE       TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
            "cronjob.batch/kyverno-cleanup-admission-reports           */10 * * * *   <none>     False     0        8m57s           57m",
            "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
            "hello   */1 * * * *   <none>     True      0        73s             7m58s",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (4, 0));
        let c = &d.cronjobs[0];
        assert_eq!(
            (c.name.as_str(), c.schedule.as_deref()),
            ("agentupdater-workload", Some("*/1 * * * *"))
        );
        assert_eq!(
            (c.suspend, c.active, c.last_schedule, c.created),
            (Some(false), Some(0), Some(ago(34, 1)), Some(ago(4620, 60)))
        );
        let c = &d.cronjobs[1];
        assert_eq!((c.schedule.as_deref(), c.last_schedule), (Some("0 0 1 * *"), None));
        let c = &d.cronjobs[2];
        assert_eq!(
            (c.schedule.as_deref(), c.last_schedule),
            (Some("*/10 * * * *"), Some(ago(537, 1)))
        );
        let c = &d.cronjobs[3];
        assert_eq!((c.suspend, c.created), (Some(true), Some(ago(478, 1))));
    }

    #[test]
    fn old_cronjob_with_absolute_last_schedule_and_no_age() {
        // k8s PR#52484 (kubectl 1.7 printed LAST SCHEDULE as RFC 1123 and lost AGE)
        let d = read(&[
            "NAME      SCHEDULE      SUSPEND   ACTIVE    LAST SCHEDULE   AGE",
            "pi        0/5 * * * ?   False     1         Thu, 14 Sep 2017 20:10:00 +0800",
        ]);
        assert_eq!((d.rows, d.skipped.len()), (1, 0), "{:?}", d.skipped);
        let c = &d.cronjobs[0];
        assert_eq!((c.schedule.as_deref(), c.active), (Some("0/5 * * * ?"), Some(1)));
        assert_eq!(
            (c.last_schedule, c.created),
            (Some(When::At(1_505_391_000_000_000_000)), None)
        );
        assert_eq!(d.newest_absolute, Some(1_505_391_000_000_000_000));
    }

    #[test]
    fn several_tables_with_one_of_another_kind() {
        // kubectl#868 (`kubectl get all`); killercoda notes (`k get cj,job,po` with a prompt)
        let d = read(&[
            "NAME                READY   STATUS   RESTARTS   AGE",
            "pod/testjob-cvmcb   0/1     Error    0          15m",
            "",
            "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
            "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   25m",
            "",
            "NAME                COMPLETIONS   DURATION   AGE",
            "job.batch/testjob   0/1           15m        15m",
            "controlplane:~$ k get cj,job,po",
            "NAME                  SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
            "cronjob.batch/hello   * * * * *   <none>     False     0        7s              2m45s",
        ]);
        assert_eq!((d.pods.len(), d.jobs.len(), d.cronjobs.len(), d.rows), (1, 1, 1, 3));
        assert_eq!(
            (d.pods[0].name.as_str(), d.pods[0].status.as_deref()),
            ("testjob-cvmcb", Some("Error"))
        );
        assert_eq!((d.jobs[0].name.as_str(), d.jobs[0].line), ("testjob", 8));
        assert_eq!(d.cronjobs[0].schedule.as_deref(), Some("* * * * *"));
        assert_eq!(d.structure_lines, 6);
        assert_eq!(d.skipped.len(), 2);
        assert!(d.skipped[0].1.starts_with("header of a table of another kind"));
        assert_eq!(d.skipped[1], (5, "row of a table of another kind".to_string()));
    }

    #[test]
    fn headerless_pod_and_unreadable_age() {
        // k8s lab notes (header dropped); k8s#10885 row with its AGE damaged
        let d = read(&[
            "web2   2/2   Running   0   92s",
            "NAME                                           READY     STATUS    RESTARTS   AGE",
            "kube-dns-v5-q5l2t                              3/3       Running   0          5q",
        ]);
        assert_eq!(d.rows, 1);
        assert_eq!(
            (d.pods[0].name.as_str(), d.pods[0].ready.as_deref()),
            ("web2", Some("2/2"))
        );
        assert_eq!(d.skipped, vec![(3, "unreadable age \"5q\" in AGE".to_string())]);
    }

    #[test]
    fn headers_by_kind() {
        for h in [
            "NAME      READY     STATUS    RESTARTS   AGE",
            "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE    IP               NODE    NOMINATED NODE   READINESS GATES",
            "NAME      STATUS    ROLES     AGE       VERSION",
            "NAME           LABELS                                                     STATUS    AGE",
            "NAME    COMPLETIONS   DURATION   AGE",
            "NAME      DESIRED   SUCCESSFUL   AGE",
            "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE",
        ] {
            assert!(is_header(h), "{h}");
        }
        for h in [
            "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS        IMAGES   SELECTOR",
            "LAST SEEN   TYPE      REASON      OBJECT        MESSAGE",
            "NAME                                    STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   AGE",
            "web2   2/2   Running   0   92s",
        ] {
            assert!(!is_header(h), "{h}");
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut text = b"NAME      READY     STATUS    RESTARTS   AGE\n".to_vec();
        text.extend_from_slice(b"\xff\xfe\x00 0/1 \xc3\x28 Running 0 5m\n");
        text.extend(std::iter::repeat_n(b'y', 1 << 20));
        text.push(b'\n');
        text.extend(b"1/1 ".repeat(100_000));
        text.push(b'\n');
        text.extend_from_slice(b"NAME    SCHEDULE      SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n");
        text.extend(b"* ".repeat(100_000));
        text.extend_from_slice(b"False 0 5m 5m\n");
        for len in [0, 3, 17, 44, 45, 60] {
            let _ = parse(&text[..len.min(text.len())]);
        }
        let d = parse(&text);
        assert_eq!(d.structure_lines, 2);
        assert_eq!(d.rows as usize, d.pods.len() + d.cronjobs.len());
        assert!(d.skipped.iter().all(|(_, why)| why.chars().count() < 300));
    }
}
