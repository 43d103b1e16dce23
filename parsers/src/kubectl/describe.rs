//! `kubectl describe` output of pods, nodes, Jobs, CronJobs and any other kind (ReplicaSets, Deployments, ...).
//!
//! Describe prints `Key:<tab>value` lines through a tabwriter (a paste holds runs of spaces, or the raw tabs),
//! nests blocks two spaces deeper and prints tables (`Events:`, node `Conditions:`) with their own header.
//! `kubectl describe pods` prints several objects one after the other, each starting with `Name:` at the left
//! margin, usually but not always separated by a blank line.
//!
//! Reading goes in three steps: the text is cut into objects at their `Name:` lines; each object becomes a tree
//! of `Key: value` fields built from the indentation, table sections keeping their rows as raw lines; then the
//! fields its kind prints are read. Absolute times (RFC 1123 with an offset) become [`When::At`] and are noted
//! with [`Dump::saw_absolute`]; Event ages stay relative ([`When::Ago`]) for the caller to place, since describe
//! output does not say when it was taken.

use super::age::{parse_absolute, parse_age, parse_age_cell, parse_when};
use super::table::{split_wide, Header};
use super::{
    canonical_kind, Condition, Container, CronJob, Dump, Event, Job, Node, ObjectRef, Owner, Pod, Probe, Termination,
    When,
};

/// Reads a describe dump: one or more objects. Lines outside any object, rows that do not parse and times
/// that cannot be read are listed in [`Dump::skipped`]; nothing panics on bad input.
pub fn parse(text: &[u8]) -> Dump {
    let text = String::from_utf8_lossy(text);
    let lines = split_lines(&text);
    let mut reader = Reader {
        lines: &lines,
        dump: Dump::default(),
    };
    for piece in pieces(&lines) {
        match piece {
            Piece::Object(span) => reader.object(&span),
            Piece::Stray(i) => reader.skip(i, "not part of a described object"),
        }
    }
    reader.dump
}

/// Whether the head of a source looks like describe output: a `Name:` line at the left margin followed by
/// another describe key (`Namespace:`, `Labels:`, `Roles:`, `CreationTimestamp:`...). A few lines above it (a
/// shell prompt with the command, a `date` line) are allowed.
pub fn looks_like(head: &[u8]) -> bool {
    const SECOND: &[&str] = &[
        "Namespace",
        "Labels",
        "Roles",
        "Role",
        "CreationTimestamp",
        "Selector",
        "Annotations",
        "Priority",
        "Image(s)",
        "Node",
    ];
    const PREAMBLE: usize = 8;
    let text = String::from_utf8_lossy(head);
    let lines = split_lines(&text);
    let keys: Vec<(usize, Option<(&str, &str)>)> = lines
        .iter()
        .filter(|l| !l.body.is_empty())
        .take(PREAMBLE + 2)
        .map(|l| (l.indent, split_key(l.body)))
        .collect();
    keys.windows(2).any(|pair| {
        matches!(pair[0], (0, Some(("Name", v))) if !v.is_empty())
            && matches!(pair[1], (0, Some((k, _))) if SECOND.contains(&k))
    })
}

// Lines and `Key: value` fields.

/// One line of the input.
struct Line<'a> {
    /// 1-based line number.
    no: u64,
    /// Columns of leading whitespace (a tab advances to the next multiple of 8).
    indent: usize,
    /// The line without its line ending and trailing whitespace.
    text: &'a str,
    /// `text` without its leading whitespace; empty for a blank line.
    body: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let text = raw.trim_end();
            let body = text.trim_start_matches([' ', '\t']);
            let indent =
                text[..text.len() - body.len()]
                    .bytes()
                    .fold(0, |col, b| if b == b'\t' { (col / 8 + 1) * 8 } else { col + 1 });
            Line {
                no: i as u64 + 1,
                indent,
                text,
                body,
            }
        })
        .collect()
}

/// `Key:<whitespace>value` or `Key:` alone. Keys are short runs of words (`Restart Count`, `Kube-Proxy Version`,
/// `Image(s)`); text that only looks like one (`Warning  Failed  3s  kubelet  Error: ...`, a message continued
/// on the next line) is refused by its double spaces, tabs or other characters.
fn split_key(body: &str) -> Option<(&str, &str)> {
    let colon = body.find(':')?;
    let (key, rest) = (&body[..colon], &body[colon + 1..]);
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) || !is_key(key) {
        return None;
    }
    Some((key, rest.trim()))
}

fn is_key(key: &str) -> bool {
    let plain = key.strip_suffix("(s)").unwrap_or(key);
    !plain.is_empty()
        && plain.len() <= 64
        && plain.as_bytes()[0].is_ascii_alphanumeric()
        && !plain.ends_with(' ')
        && !plain.contains("  ")
        && plain.split(' ').count() <= 6
        && plain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" -_./".contains(&b))
}

/// A value as printed, or `None` when kubectl printed nothing, `<none>` or `<unset>`.
fn present(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty() && v != "<none>" && v != "<unset>").then_some(v)
}

// Objects and their field trees.

/// Lines `[start, end)` of one object; `base` is the indentation of its `Name:` line.
struct Span {
    start: usize,
    end: usize,
    base: usize,
}

/// The input cut into objects and the lines outside them.
enum Piece {
    Object(Span),
    Stray(usize),
}

/// Cuts the lines into objects. An object starts at a `Name:` line no deeper than the current object's own
/// `Name:` (a nested `Name:`, as in a custom resource's `Spec:`, stays inside) and ends before a line that is
/// shallower than it.
fn pieces(lines: &[Line<'_>]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut open: Option<Span> = None;
    for (i, l) in lines.iter().enumerate() {
        if l.body.is_empty() {
            continue;
        }
        let is_name = split_key(l.body).is_some_and(|(k, _)| k == "Name");
        if is_name && open.as_ref().is_none_or(|s| l.indent <= s.base) {
            out.extend(open.take().map(Piece::Object));
            open = Some(Span {
                start: i,
                end: i + 1,
                base: l.indent,
            });
            continue;
        }
        match open.as_mut() {
            Some(s) if l.indent >= s.base => s.end = i + 1,
            Some(_) => {
                out.extend(open.take().map(Piece::Object));
                out.push(Piece::Stray(i));
            }
            None => out.push(Piece::Stray(i)),
        }
    }
    out.extend(open.map(Piece::Object));
    out
}

/// One `Key: value` line of an object and what is nested under it.
struct Field<'a> {
    /// Index of its line in the input.
    line: usize,
    /// Indentation relative to the object's `Name:` line.
    indent: usize,
    key: &'a str,
    value: &'a str,
    /// Fields nested under it (indices into [`Tree::fields`]).
    children: Vec<usize>,
    /// Lines under it that are not fields: value continuations (`Labels:`, `Taints:`) and table rows (indices
    /// into the input).
    raw: Vec<usize>,
}

/// The fields of one object.
#[derive(Default)]
struct Tree<'a> {
    fields: Vec<Field<'a>>,
    roots: Vec<usize>,
}

/// Sections whose lines are kept raw: tables and command lines, whose text may look like `Key:` lines.
fn raw_section(key: &str, indent: usize) -> bool {
    matches!(key, "Command" | "Args")
        || indent == 0
            && matches!(
                key,
                "Events" | "Conditions" | "Non-terminated Pods" | "Allocated resources"
            )
}

/// Tables whose rows may continue on lines at the left margin (a message printed with a newline in it, a
/// terminal that wrapped a reason, k8s#52386).
fn flat_table(key: &str) -> bool {
    matches!(key, "Events" | "Conditions")
}

impl<'a> Tree<'a> {
    fn build(lines: &[Line<'a>], span: &Span) -> Tree<'a> {
        let mut tree = Tree::default();
        let mut stack: Vec<usize> = Vec::new();
        let mut table: Option<usize> = None;
        let mut after_blank = false;
        for (i, l) in lines.iter().enumerate().take(span.end).skip(span.start) {
            if l.body.is_empty() {
                after_blank = true;
                continue;
            }
            let indent = l.indent.saturating_sub(span.base);
            let kv = split_key(l.body);
            if let Some(t) = table {
                let owner = &tree.fields[t];
                let flat = indent == owner.indent && kv.is_none() && !after_blank && flat_table(owner.key);
                if indent > owner.indent || flat {
                    tree.fields[t].raw.push(i);
                    after_blank = false;
                    continue;
                }
                table = None;
            }
            after_blank = false;
            let Some((key, value)) = kv else {
                // A continuation belongs to the deepest field above it that is shallower than it.
                if let Some(&f) = stack.iter().rev().find(|&&f| tree.fields[f].indent < indent) {
                    tree.fields[f].raw.push(i);
                }
                continue;
            };
            while stack.last().is_some_and(|&f| tree.fields[f].indent >= indent) {
                stack.pop();
            }
            let id = tree.fields.len();
            tree.fields.push(Field {
                line: i,
                indent,
                key,
                value,
                children: Vec::new(),
                raw: Vec::new(),
            });
            match stack.last() {
                Some(&parent) => tree.fields[parent].children.push(id),
                None => tree.roots.push(id),
            }
            stack.push(id);
            if raw_section(key, indent) {
                table = Some(id);
            }
        }
        tree
    }

    fn root(&self, key: &str) -> Option<&Field<'a>> {
        self.roots.iter().map(|&i| &self.fields[i]).find(|f| f.key == key)
    }

    fn has(&self, key: &str) -> bool {
        self.root(key).is_some()
    }

    /// A root field's value, when kubectl printed one.
    fn text(&self, key: &str) -> Option<&'a str> {
        self.root(key).and_then(|f| present(f.value))
    }

    fn children<'t>(&'t self, of: &'t Field<'a>) -> impl Iterator<Item = &'t Field<'a>> {
        of.children.iter().map(move |&i| &self.fields[i])
    }
}

/// The kind of a described object, from the fields only its kind prints.
fn kind_of(tree: &Tree<'_>, lines: &[Line<'_>]) -> Option<String> {
    if let Some(kind) = tree.text("Kind") {
        return Some(canonical_kind(kind));
    }
    let kind = if tree.has("Schedule") {
        "CronJob"
    } else if tree.has("Pods Statuses") || tree.has("Completions") && tree.has("Parallelism") {
        "Job"
    } else if tree.has("Containers") || tree.has("Init Containers") {
        "Pod"
    } else if tree.has("System Info") || tree.has("Unschedulable") || tree.has("Roles") || heartbeats(tree, lines) {
        "Node"
    } else if tree.has("StrategyType") || tree.has("NewReplicaSet") {
        "Deployment"
    } else if tree.has("Desired Number of Nodes Scheduled") {
        "DaemonSet"
    } else if let Some(owner) = tree.text("Controlled By") {
        // What each controller kind owns; an owner of another kind (a custom resource) says nothing.
        match owner.split_once('/').map(|(k, _)| k) {
            Some("Deployment") => "ReplicaSet",
            Some("CronJob") => "Job",
            Some("ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "Node" | "ReplicationController") => "Pod",
            _ => return None,
        }
    } else if tree.has("Image(s)") && !tree.has("Replicas") {
        "Pod"
    } else {
        return None;
    };
    Some(kind.to_string())
}

/// Whether the object has a node conditions table (with a `LastHeartbeatTime` column).
fn heartbeats(tree: &Tree<'_>, lines: &[Line<'_>]) -> bool {
    let head = tree.root("Conditions").and_then(|f| f.raw.first());
    head.is_some_and(|&i| lines[i].text.contains("LastHeartbeatTime"))
}

// Reading the fields of each kind.

/// Reads objects into a [`Dump`].
struct Reader<'t, 'a> {
    lines: &'t [Line<'a>],
    dump: Dump,
}

impl<'a> Reader<'_, 'a> {
    fn skip(&mut self, line: usize, why: impl Into<String>) {
        self.dump.skipped.push((self.lines[line].no, why.into()));
    }

    /// An absolute time field (`Start Time:`, `Started:`, `CreationTimestamp:`), noted as seen.
    fn at(&mut self, f: &Field<'a>) -> Option<When> {
        let value = present(f.value)?;
        match parse_absolute(value) {
            Some(w) => {
                self.dump.saw_absolute(w);
                Some(w)
            }
            None => {
                self.skip(f.line, format!("time does not parse: {}", clip(value)));
                None
            }
        }
    }

    fn object(&mut self, span: &Span) {
        let tree = Tree::build(self.lines, span);
        let (skipped, events) = (self.dump.skipped.len(), self.dump.events.len());
        let head = &self.lines[span.start];
        let name = split_key(head.body).map_or("", |(_, v)| v).to_string();
        let namespace = tree.text("Namespace");
        let kind = kind_of(&tree, self.lines);
        match kind.as_deref() {
            Some("Pod") => {
                let pod = self.pod(&tree, head.no, &name, namespace);
                self.dump.pods.push(pod);
            }
            Some("Node") => {
                let node = self.node(&tree, head.no, &name);
                self.dump.nodes.push(node);
            }
            Some("Job") => {
                let job = self.job(&tree, head.no, &name, namespace);
                self.dump.jobs.push(job);
            }
            Some("CronJob") => {
                let cronjob = self.cronjob(&tree, head.no, &name, namespace);
                self.dump.cronjobs.push(cronjob);
            }
            _ => {}
        }
        let object = ObjectRef {
            kind,
            namespace: namespace.map(str::to_string),
            name,
            field_path: None,
        };
        if let Some(f) = tree.root("Events") {
            self.events(f, &object);
        }
        let read = (span.start..span.end)
            .filter(|&i| !self.lines[i].body.is_empty())
            .count() as u64;
        let rows = 1 + (self.dump.events.len() - events) as u64;
        let skipped = (self.dump.skipped.len() - skipped) as u64;
        self.dump.rows += rows;
        self.dump.structure_lines += read.saturating_sub(rows + skipped);
    }

    fn pod(&mut self, tree: &Tree<'a>, line: u64, name: &str, namespace: Option<&str>) -> Pod {
        let mut pod = Pod {
            line,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            ..Pod::default()
        };
        // `node-3/10.0.0.5`; 1.0 wrote `Host:`, a pending pod `<none>` or `/`.
        pod.node = tree
            .text("Node")
            .or_else(|| tree.text("Host"))
            .and_then(|v| present(v.split('/').next().unwrap_or("")))
            .map(str::to_string);
        if let Some(f) = tree.root("Start Time") {
            pod.started = self.at(f);
        }
        if let Some(f) = tree.root("CreationTimestamp") {
            pod.created = self.at(f);
        }
        pod.status = tree.text("Status").map(str::to_string);
        pod.reason = tree.text("Reason").map(str::to_string);
        pod.message = tree.text("Message").map(str::to_string);
        pod.owners = ["Controlled By", "Controllers"]
            .iter()
            .filter_map(|k| tree.text(k))
            .filter_map(|v| owner(v, namespace))
            .take(1)
            .collect();
        for (key, init) in [("Init Containers", true), ("Containers", false)] {
            let Some(section) = tree.root(key) else { continue };
            for f in tree.children(section) {
                let container = self.container(tree, f, init);
                pod.containers.push(container);
            }
        }
        pod
    }

    fn container(&mut self, tree: &Tree<'a>, f: &Field<'a>, init: bool) -> Container {
        let mut c = Container {
            name: f.key.to_string(),
            init,
            ..Container::default()
        };
        for ch in tree.children(f) {
            match ch.key {
                "Image" => c.image = present(ch.value).map(str::to_string),
                "State" => self.state(tree, ch, &mut c),
                "Last State" | "Last Termination State" => c.last_termination = self.termination(tree, ch),
                "Ready" => c.ready = boolean(ch.value),
                "Restart Count" => c.restarts = ch.value.parse().ok(),
                "Limits" => c.limits = pairs(tree, ch),
                "Requests" => c.requests = pairs(tree, ch),
                "Liveness" | "Readiness" | "Startup" => c.probes.push(probe(ch.key, ch.value)),
                _ => {}
            }
        }
        c
    }

    /// `State: Running` + `Started:`; `Waiting` + `Reason:`; `Terminated` + `Reason:`, `Exit Code:`, `Finished:`.
    fn state(&mut self, tree: &Tree<'a>, f: &Field<'a>, c: &mut Container) {
        c.state = present(f.value).map(str::to_string);
        let since = if f.value == "Terminated" { "Finished" } else { "Started" };
        for ch in tree.children(f) {
            match ch.key {
                "Reason" => c.state_reason = present(ch.value).map(str::to_string),
                "Started" | "Finished" => {
                    let w = self.at(ch);
                    if ch.key == since {
                        c.state_since = w;
                    }
                }
                _ => {}
            }
        }
    }

    /// `Last State: Terminated` and its fields; other last states (`Running`, `Waiting`) say nothing of an end.
    fn termination(&mut self, tree: &Tree<'a>, f: &Field<'a>) -> Option<Termination> {
        if f.value != "Terminated" {
            return None;
        }
        let mut t = Termination::default();
        for ch in tree.children(f) {
            match ch.key {
                "Reason" => t.reason = present(ch.value).map(str::to_string),
                "Exit Code" => t.exit_code = ch.value.parse().ok(),
                "Signal" => t.signal = ch.value.parse().ok(),
                "Started" => t.started = self.at(ch),
                "Finished" => t.finished = self.at(ch),
                "Message" => t.message = Some(self.joined(ch)).filter(|m| !m.is_empty()),
                _ => {}
            }
        }
        Some(t)
    }

    /// A field's value with its continuation lines, one per line.
    fn joined(&self, f: &Field<'a>) -> String {
        let mut text = f.value.to_string();
        for &i in &f.raw {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(self.lines[i].body);
        }
        text
    }

    fn node(&mut self, tree: &Tree<'a>, line: u64, name: &str) -> Node {
        let mut node = Node {
            line,
            name: name.to_string(),
            ..Node::default()
        };
        node.roles = tree
            .text("Roles")
            .or_else(|| tree.text("Role"))
            .map(|v| v.split(',').filter_map(present).map(str::to_string).collect())
            .unwrap_or_default();
        if let Some(f) = tree.root("CreationTimestamp") {
            node.created = self.at(f);
        }
        if let Some(f) = tree.root("Taints") {
            let rest = f.raw.iter().map(|&i| self.lines[i].body);
            node.taints = std::iter::once(f.value)
                .chain(rest)
                .filter_map(present)
                .map(str::to_string)
                .collect();
        }
        node.unschedulable = tree.text("Unschedulable").and_then(boolean).unwrap_or(false);
        if let Some(f) = tree.root("Conditions") {
            node.conditions = self.conditions(f);
        }
        // `System Info:`; 1.0 printed the same keys under `Version:`.
        if let Some(info) = tree.root("System Info").or_else(|| tree.root("Version")) {
            for ch in tree.children(info) {
                let value = present(ch.value).map(str::to_string);
                match ch.key {
                    "Kubelet Version" => node.kubelet_version = value,
                    "Container Runtime Version" => node.runtime_version = value,
                    "Kernel Version" => node.kernel_version = value,
                    "OS Image" => node.os_image = value,
                    _ => {}
                }
            }
        }
        node
    }

    fn job(&mut self, tree: &Tree<'a>, line: u64, name: &str, namespace: Option<&str>) -> Job {
        let mut job = Job {
            line,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            ..Job::default()
        };
        job.owners = tree
            .text("Controlled By")
            .and_then(|v| owner(v, namespace))
            .into_iter()
            .collect();
        if let Some(f) = tree.root("CreationTimestamp") {
            job.created = self.at(f);
        }
        if let Some(f) = tree.root("Start Time") {
            job.started = self.at(f);
        }
        if let Some(f) = tree.root("Completed At") {
            job.completed = self.at(f);
        }
        if let Some(v) = tree.text("Pods Statuses") {
            (job.active, job.succeeded, job.failed) = pods_statuses(v);
        }
        // Describe prints spec.completions; `kubectl get jobs` prints `succeeded/completions`.
        job.completions = match (
            tree.text("Completions").and_then(|v| v.parse::<u32>().ok()),
            job.succeeded,
        ) {
            (Some(n), Some(s)) => Some(format!("{s}/{n}")),
            (Some(n), None) => Some(n.to_string()),
            (None, _) => None,
        };
        if let Some(f) = tree.root("Conditions") {
            job.conditions = self.conditions(f);
        }
        job
    }

    fn cronjob(&mut self, tree: &Tree<'a>, line: u64, name: &str, namespace: Option<&str>) -> CronJob {
        let mut cj = CronJob {
            line,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            ..CronJob::default()
        };
        cj.schedule = tree.text("Schedule").map(str::to_string);
        cj.suspend = tree.text("Suspend").and_then(boolean);
        cj.concurrency_policy = tree.text("Concurrency Policy").map(str::to_string);
        cj.successful_history_limit = tree.text("Successful Job History Limit").and_then(|v| v.parse().ok());
        cj.failed_history_limit = tree.text("Failed Job History Limit").and_then(|v| v.parse().ok());
        // `<unset>` or `100s`.
        cj.starting_deadline_s = tree
            .text("Starting Deadline Seconds")
            .and_then(|v| v.trim_end_matches('s').parse().ok());
        cj.active_jobs = tree
            .text("Active Jobs")
            .map(|v| v.split(',').filter_map(present).map(str::to_string).collect())
            .unwrap_or_default();
        if let Some(f) = tree.root("Last Schedule Time") {
            cj.last_schedule = self.at(f);
        }
        if let Some(f) = tree.root("CreationTimestamp") {
            cj.created = self.at(f);
        }
        cj
    }

    /// A conditions table: `Type Status [LastHeartbeatTime LastTransitionTime] [Reason] [Message]`. A line that
    /// is not a row and not at the rows' indentation continues the previous one (k8s#52386: a reason wrapped
    /// onto the next line).
    fn conditions(&mut self, f: &Field<'a>) -> Vec<Condition> {
        let mut out: Vec<Condition> = Vec::new();
        let Some((&head, rows)) = f.raw.split_first() else {
            return out;
        };
        let head = &self.lines[head];
        let Some(h) = Header::parse(head.text, &[]).filter(|h| h.has_all(&["Type", "Status"])) else {
            return out;
        };
        for &i in rows {
            let l = &self.lines[i];
            if is_rule(l.body) {
                continue;
            }
            match condition_row(&h, head.text.contains('\t'), l) {
                Some(c) => {
                    for w in [c.last_heartbeat, c.last_transition].into_iter().flatten() {
                        self.dump.saw_absolute(w);
                    }
                    out.push(c);
                }
                // Text at another indentation than the rows continues the previous row; a row-shaped line
                // that does not read (a paste cut inside it) is skipped.
                None => match out.last_mut() {
                    Some(prev) if l.indent != head.indent => continue_condition(prev, l.body),
                    _ => self.skip(i, format!("condition row does not parse: {}", clip(l.body))),
                },
            }
        }
        out
    }

    /// The rows of an events section, each an [`Event`] about `object`.
    fn events(&mut self, f: &Field<'a>, object: &ObjectRef) {
        let Some((&first, _)) = f.raw.split_first() else {
            return;
        };
        let head = &self.lines[first];
        let (layout, rows) = match layout_of(head) {
            Some(layout) => (layout, &f.raw[1..]),
            None => (Layout::Modern(None), &f.raw[..]),
        };
        let mut last: Option<usize> = None;
        for &i in rows {
            let l = &self.lines[i];
            if is_rule(l.body) {
                continue;
            }
            // Text deeper or shallower than the rows continues the previous message.
            if l.indent != head.indent {
                match last {
                    Some(e) => {
                        let message = &mut self.dump.events[e].message;
                        if !message.is_empty() {
                            message.push(' ');
                        }
                        message.push_str(l.body);
                    }
                    None => self.skip(i, format!("events text before any row: {}", clip(l.body))),
                }
                continue;
            }
            match event_row(&layout, l) {
                Ok(row) => {
                    last = Some(self.dump.events.len());
                    let event = self.event(row, l.no, object);
                    self.dump.events.push(event);
                }
                Err(why) => self.skip(i, why),
            }
        }
    }

    fn event(&mut self, row: Row<'_>, line: u64, object: &ObjectRef) -> Event {
        self.dump.saw_absolute(row.first);
        self.dump.saw_absolute(row.last);
        let (source, host) = source_host(row.from);
        let (path, message) = match (row.path, field_path_prefix(row.message)) {
            (None, Some((path, message))) => (Some(path), message),
            (path, _) => (path, row.message),
        };
        Event {
            line,
            object: ObjectRef {
                field_path: path.map(str::to_string),
                ..object.clone()
            },
            event_type: row.event_type.map(str::to_string),
            reason: present(row.reason).map(str::to_string),
            message: message.to_string(),
            source,
            host,
            count: row.count.max(1),
            first: row.first,
            last: row.last,
            name: None,
        }
    }
}

/// `Limits:` / `Requests:` → (`cpu`, `500m`) pairs.
fn pairs(tree: &Tree<'_>, f: &Field<'_>) -> Vec<(String, String)> {
    tree.children(f)
        .map(|c| (c.key.to_string(), c.value.to_string()))
        .collect()
}

/// A probe line: `http-get https://:2379/health delay=15s timeout=15s period=10s #success=1 #failure=8`. The
/// handler is the text before `delay=`; numbers not printed keep the API defaults.
fn probe(kind: &str, value: &str) -> Probe {
    let (handler, params) = match value.rfind(" delay=") {
        Some(i) => (&value[..i], &value[i + 1..]),
        None => (value, ""),
    };
    let mut p = Probe {
        probe: kind.to_ascii_lowercase(),
        handler: handler.trim().to_string(),
        initial_delay_s: 0,
        timeout_s: 1,
        period_s: 10,
        success_threshold: 1,
        failure_threshold: 3,
    };
    for (k, v) in params.split_whitespace().filter_map(|kv| kv.split_once('=')) {
        let seconds = || match parse_age(v) {
            Some(When::Ago { secs, .. }) => u32::try_from(secs).ok(),
            _ => None,
        };
        match k {
            "delay" => p.initial_delay_s = seconds().unwrap_or(p.initial_delay_s),
            "timeout" => p.timeout_s = seconds().unwrap_or(p.timeout_s),
            "period" => p.period_s = seconds().unwrap_or(p.period_s),
            "#success" => p.success_threshold = v.parse().unwrap_or(p.success_threshold),
            "#failure" => p.failure_threshold = v.parse().unwrap_or(p.failure_threshold),
            _ => {}
        }
    }
    p
}

/// `ReplicaSet/web-5d4f` → an owner in the object's namespace (a Node, cluster-scoped, has none).
fn owner(value: &str, namespace: Option<&str>) -> Option<Owner> {
    let (kind, name) = present(value)?.split_once('/')?;
    let kind = canonical_kind(kind.trim());
    let name = name.trim();
    if kind.is_empty() || name.is_empty() {
        return None;
    }
    Some(ObjectRef {
        namespace: namespace.filter(|_| kind != "Node").map(str::to_string),
        kind: Some(kind),
        name: name.to_string(),
        field_path: None,
    })
}

fn boolean(value: &str) -> Option<bool> {
    match value.trim() {
        v if v.eq_ignore_ascii_case("true") => Some(true),
        v if v.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// `0 Active (0 Ready) / 1 Succeeded / 0 Failed`, or the older `1 Running / 0 Succeeded / 0 Failed`.
fn pods_statuses(value: &str) -> (Option<u32>, Option<u32>, Option<u32>) {
    let (mut active, mut succeeded, mut failed) = (None, None, None);
    for part in value.split('/') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(word)) = (words.next().and_then(|n| n.parse().ok()), words.next()) else {
            continue;
        };
        match word {
            "Active" | "Running" => active = Some(n),
            "Succeeded" => succeeded = Some(n),
            "Failed" => failed = Some(n),
            _ => {}
        }
    }
    (active, succeeded, failed)
}

// Table rows: events and conditions.

/// A table header and whether it was written with tabs (its positions then mean nothing).
struct Columns {
    header: Header,
    tabbed: bool,
}

/// The cells of `row` under `h`, when neither holds tabs (their positions would mean nothing) and the row
/// lines up with the header.
fn aligned<'r>(h: &Header, tabbed: bool, row: &'r str) -> Option<Vec<&'r str>> {
    if tabbed || row.contains('\t') {
        return None;
    }
    if h.columns.iter().any(|c| !row.is_char_boundary(c.start.min(row.len()))) {
        return None;
    }
    h.cells(row)
}

fn cell<'r>(h: &Header, cells: &[&'r str], name: &str) -> &'r str {
    h.index(name).and_then(|i| cells.get(i).copied()).unwrap_or("")
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A line of dashes under a table header.
fn is_rule(body: &str) -> bool {
    body.contains('-') && body.bytes().all(|b| b == b'-' || b == b' ' || b == b'\t')
}

/// The first 80 characters of a line, for skip reasons.
fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

/// A row of an events table, however it was read.
struct Row<'a> {
    event_type: Option<&'a str>,
    reason: &'a str,
    first: When,
    last: When,
    count: u64,
    from: &'a str,
    path: Option<&'a str>,
    message: &'a str,
}

/// How an events section is laid out.
enum Layout {
    /// 1.8+: `Type Reason Age From Message`; `None` when the rows were pasted without their header.
    Modern(Option<Columns>),
    /// ≤1.7: `FirstSeen LastSeen Count From SubObjectPath [Type] Reason Message`; whether `Type` is there.
    Legacy(Columns, bool),
}

fn layout_of(line: &Line<'_>) -> Option<Layout> {
    let header = Header::parse(line.text, &[])?;
    let tabbed = line.text.contains('\t');
    if header.has_all(&["Type", "Reason", "Age", "Message"]) {
        Some(Layout::Modern(Some(Columns { header, tabbed })))
    } else if header.has_all(&["FirstSeen", "LastSeen", "Count", "Reason", "Message"]) {
        let typed = header.index("Type").is_some();
        Some(Layout::Legacy(Columns { header, tabbed }, typed))
    } else {
        None
    }
}

/// Reads one row of an events table: by the header's column positions when the row lines up with it, else by
/// the shapes of its cells.
fn event_row<'a>(layout: &Layout, line: &Line<'a>) -> Result<Row<'a>, String> {
    match layout {
        Layout::Modern(cols) => cols
            .as_ref()
            .and_then(|c| modern_cells(c, line.text))
            .map_or_else(|| modern_tokens(line.body, cols.is_none()), Ok),
        Layout::Legacy(cols, typed) => {
            legacy_cells(cols, line.text, *typed).map_or_else(|| legacy_tokens(line.body, *typed), Ok)
        }
    }
}

fn modern_cells<'a>(cols: &Columns, row: &'a str) -> Option<Row<'a>> {
    let h = &cols.header;
    let cells = aligned(h, cols.tabbed, row)?;
    let (event_type, reason) = (cell(h, &cells, "Type"), cell(h, &cells, "Reason"));
    if !is_word(event_type) || !is_word(reason) {
        return None;
    }
    let age = parse_age_cell(cell(h, &cells, "Age"))?;
    Some(Row {
        event_type: Some(event_type),
        reason,
        first: age.first,
        last: age.last,
        count: age.count,
        from: cell(h, &cells, "From"),
        path: None,
        message: cell(h, &cells, "Message"),
    })
}

/// A 1.8+ row read by its shapes: `Type Reason Age[ (xN over M)] From[, host] Message`. Rows pasted without a
/// header must start with `Normal` or `Warning`.
fn modern_tokens(body: &str, strict: bool) -> Result<Row<'_>, String> {
    let mut c = Cursor::new(body);
    let event_type = c.token().ok_or("empty events row")?;
    let typed = matches!(event_type, "Normal" | "Warning");
    if !typed && (strict || !is_word(event_type)) {
        return Err(format!("not an events row: {}", clip(body)));
    }
    let reason = c
        .token()
        .ok_or_else(|| format!("events row without a reason: {}", clip(body)))?;
    let age = c.age();
    let cell = parse_age_cell(age).ok_or_else(|| format!("event age does not parse: {age:?}"))?;
    let from = c.from().unwrap_or("");
    Ok(Row {
        event_type: Some(event_type),
        reason,
        first: cell.first,
        last: cell.last,
        count: cell.count,
        from,
        path: None,
        message: c.rest(),
    })
}

fn legacy_cells<'a>(cols: &Columns, row: &'a str, typed: bool) -> Option<Row<'a>> {
    let h = &cols.header;
    let cells = aligned(h, cols.tabbed, row)?;
    let first = parse_when(cell(h, &cells, "FirstSeen"))?;
    let last = parse_when(cell(h, &cells, "LastSeen"))?;
    let count = cell(h, &cells, "Count").parse().ok()?;
    let path = match cell(h, &cells, "SubObjectPath") {
        "" => cell(h, &cells, "SubobjectPath"),
        p => p,
    };
    let event_type = cell(h, &cells, "Type");
    let reason = cell(h, &cells, "Reason");
    if typed && !is_word(event_type) || !is_word(reason) || path.contains("  ") {
        return None;
    }
    Some(Row {
        event_type: typed.then_some(event_type),
        reason,
        first,
        last,
        count,
        from: cell(h, &cells, "From"),
        path: present(path),
        message: cell(h, &cells, "Message"),
    })
}

/// A ≤1.7 row read by its shapes: two times (ages, or RFC 1123 in 1.0), a count, the source (`{kubelet node}`,
/// `{scheduler }`, `default-scheduler`, `kubelet, node`), an optional sub-object path, the type when the
/// header has one, the reason and the message.
fn legacy_tokens(body: &str, typed: bool) -> Result<Row<'_>, String> {
    let mut c = Cursor::new(body);
    let first = c
        .time()
        .ok_or_else(|| format!("first seen does not parse: {}", clip(body)))?;
    let last = c
        .time()
        .ok_or_else(|| format!("last seen does not parse: {}", clip(body)))?;
    let count = c
        .token()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| format!("event count does not parse: {}", clip(body)))?;
    let from = c
        .from()
        .ok_or_else(|| format!("events row without a source: {}", clip(body)))?;
    let rest_at = c.pos();
    let (event_type, path) = if typed {
        // The path may hold spaces (`implicitly required container POD`): the type word anchors the rest.
        let mut scan = c.clone();
        let (at, event_type) = loop {
            let at = scan.pos();
            match scan.token() {
                Some(t @ ("Normal" | "Warning")) => break (at, t),
                Some(_) if at - rest_at < 200 => {}
                _ => return Err(format!("events row without a type: {}", clip(body))),
            }
        };
        c = scan;
        (Some(event_type), present(&body[rest_at..at]))
    } else {
        (None, c.sub_object_path())
    };
    let reason = c
        .token()
        .ok_or_else(|| format!("events row without a reason: {}", clip(body)))?;
    Ok(Row {
        event_type,
        reason,
        first,
        last,
        count,
        from,
        path,
        message: c.rest(),
    })
}

/// `{kubelet node}` / `kubelet, node` / `kubelet` → (component, host).
fn source_host(from: &str) -> (Option<String>, Option<String>) {
    let from = from.trim();
    let (component, host) = match from.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) => {
            let mut parts = inner.split_whitespace();
            (parts.next().unwrap_or(""), parts.next().unwrap_or(""))
        }
        None => from.split_once(", ").unwrap_or((from, "")),
    };
    let own = |s: &str| present(s).map(str::to_string);
    (own(component), own(host.trim()))
}

/// The newest kubectl prints the field path before the message: `spec.containers{hello}: Pulling image ...`.
fn field_path_prefix(message: &str) -> Option<(&str, &str)> {
    let (path, rest) = message.split_once("}: ")?;
    let path = &message[..path.len() + 1];
    (path.starts_with("spec.") && path.contains('{') && !path.contains(' ')).then_some((path, rest))
}

fn is_status(s: &str) -> bool {
    matches!(s, "True" | "False" | "Unknown")
}

/// A time cell of a conditions table: empty and Go's zero time (`Mon, 01 Jan 0001 ...`, never) are no time.
fn condition_time(cell: &str) -> Result<Option<When>, ()> {
    let cell = cell.trim();
    if cell.is_empty() || cell.contains(" 0001 ") || cell.starts_with("0001-") {
        return Ok(None);
    }
    parse_absolute(cell).map(Some).ok_or(())
}

/// Reads one conditions row: by the header's positions, else by its wide gaps (tabs in old pastes), else by
/// its tokens. `None` when it is not a row (its status is not `True`/`False`/`Unknown`).
fn condition_row(h: &Header, tabbed: bool, l: &Line<'_>) -> Option<Condition> {
    let names: Vec<&str> = h.columns.iter().map(|c| c.name.as_str()).collect();
    if let Some(cells) = aligned(h, tabbed, l.text) {
        if let Some(c) = condition_from(&names, &cells) {
            return Some(c);
        }
    }
    if let Some(c) = condition_from(&names, &split_wide(l.body)) {
        return Some(c);
    }
    condition_tokens(&names, l.body)
}

fn condition_from(names: &[&str], cells: &[&str]) -> Option<Condition> {
    let get = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .and_then(|i| cells.get(i))
            .copied()
            .unwrap_or("")
    };
    let (kind, status) = (get("Type"), get("Status"));
    if !is_word(kind) || !is_status(status) {
        return None;
    }
    Some(Condition {
        kind: kind.to_string(),
        status: status.to_string(),
        reason: present(get("Reason")).map(str::to_string),
        message: present(get("Message")).map(str::to_string),
        last_heartbeat: condition_time(get("LastHeartbeatTime")).ok()?,
        last_transition: condition_time(get("LastTransitionTime")).ok()?,
    })
}

fn condition_tokens(names: &[&str], body: &str) -> Option<Condition> {
    let mut c = Cursor::new(body);
    let mut cond = Condition {
        kind: String::new(),
        status: String::new(),
        reason: None,
        message: None,
        last_heartbeat: None,
        last_transition: None,
    };
    for name in names {
        match *name {
            "Type" => cond.kind = c.token()?.to_string(),
            "Status" => cond.status = c.token().filter(|s| is_status(s))?.to_string(),
            "LastHeartbeatTime" => cond.last_heartbeat = c.time(),
            "LastTransitionTime" => cond.last_transition = c.time(),
            "Reason" => cond.reason = c.token().map(str::to_string),
            "Message" => cond.message = present(c.rest()).map(str::to_string),
            _ => {
                c.time();
            }
        }
    }
    Some(cond)
}

/// A line under a conditions row that is not a row itself: the rest of a wrapped reason (then the message),
/// or more message.
fn continue_condition(prev: &mut Condition, body: &str) {
    if prev.message.is_some() {
        let message = prev.message.get_or_insert_with(String::new);
        message.push(' ');
        message.push_str(body);
        return;
    }
    let cells = split_wide(body);
    if let Some(first) = cells.first() {
        prev.reason.get_or_insert_with(String::new).push_str(first);
    }
    if let Some(second) = cells.get(1) {
        prev.message = present(&body[offset_in(body, second)..]).map(str::to_string);
    }
}

/// Where `inner` (a slice of `outer`) starts in `outer`.
fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize)
        .saturating_sub(outer.as_ptr() as usize)
        .min(outer.len())
}

// Tokens.

/// A cursor over the whitespace-separated tokens of a line.
#[derive(Clone)]
struct Cursor<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, at: 0 }
    }

    /// Position of the next token.
    fn pos(&mut self) -> usize {
        let b = self.s.as_bytes();
        while self.at < b.len() && (b[self.at] == b' ' || b[self.at] == b'\t') {
            self.at += 1;
        }
        self.at
    }

    fn token(&mut self) -> Option<&'a str> {
        let start = self.pos();
        let b = self.s.as_bytes();
        while self.at < b.len() && b[self.at] != b' ' && b[self.at] != b'\t' {
            self.at += 1;
        }
        (self.at > start).then(|| &self.s[start..self.at])
    }

    fn rest(&mut self) -> &'a str {
        let at = self.pos();
        self.s[at..].trim_end()
    }

    /// An age cell: `18m`, or `18m (x2 over 18m)`. An unclosed `(x…` (a row cut inside it) takes the rest of
    /// the line, so that the cell does not read.
    fn age(&mut self) -> &'a str {
        let start = self.pos();
        self.token();
        let mut after = self.clone();
        if self.s[after.pos()..].starts_with("(x") {
            while let Some(t) = after.token() {
                if t.ends_with(')') {
                    break;
                }
            }
            *self = after;
        }
        &self.s[start..self.at]
    }

    /// A time: one token (an age, RFC 3339) or the six of RFC 1123 (`Wed, 01 Apr 2015 07:49:19 -0400`). The
    /// tokens are consumed even when the time does not parse (`Mon, 01 Jan 0001 00:00:00 +0000`, never).
    fn time(&mut self) -> Option<When> {
        let start = self.pos();
        let first = self.token()?;
        if first.ends_with(',') {
            for _ in 0..5 {
                self.token();
            }
        }
        parse_when(&self.s[start..self.at])
    }

    /// The source of an event: `{kubelet node}`, `{scheduler }`, `kubelet, node` or one word.
    fn from(&mut self) -> Option<&'a str> {
        let start = self.pos();
        let first = self.token()?;
        let mut after = self.clone();
        if first.starts_with('{') && !first.ends_with('}') {
            for _ in 0..4 {
                match after.token() {
                    Some(t) if t.ends_with('}') => {
                        *self = after;
                        break;
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        } else if first.ends_with(',') && after.token().is_some() {
            *self = after;
        }
        Some(&self.s[start..self.at])
    }

    /// The sub-object path of a 1.0 row (no `Type` column to anchor it): `spec.containers{nginx}` or
    /// `implicitly required container POD`; nothing when the row goes on with the reason.
    fn sub_object_path(&mut self) -> Option<&'a str> {
        let start = self.pos();
        let mut probe = self.clone();
        let first = probe.token()?;
        let words = if first == "implicitly" { 4 } else { 1 };
        if words == 1 && !(first.contains('{') && first.ends_with('}')) {
            return None;
        }
        for _ in 1..words {
            probe.token();
        }
        *self = probe;
        Some(&self.s[start..self.at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn ago(secs: u64, resolution: u64) -> When {
        When::Ago { secs, resolution }
    }

    /// 1-based line of the first line of `text` that contains `needle`.
    fn line_of(text: &str, needle: &str) -> u64 {
        text.lines().position(|l| l.contains(needle)).expect(needle) as u64 + 1
    }

    /// Every non-blank line is an object or event row, a structure line or a skipped line, once.
    fn accounted(text: &str, d: &Dump) {
        let lines = String::from_utf8_lossy(text.as_bytes())
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(
            d.rows + d.structure_lines + d.skipped.len() as u64,
            lines as u64,
            "{:?}",
            d.skipped
        );
    }

    // Assembled from real lines, because no single public paste has all of them: the kubeadm etcd static pod
    // layout (`Priority Class Name`, `Controlled By: Node/…`, `Command:`) of a 2026 `kubectl describe pod
    // etcd-control-node1` paste (public notes); the crash-loop block (`State: Waiting / CrashLoopBackOff`,
    // `Last State: Terminated / Error / 137` with Started and Finished) as in apache/apisix-helm-chart#156; the
    // probe line of the incident brief (same shape as `http-get https://:8443/healthz delay=45s timeout=10s …`
    // in an OpenShift master describe); the restart count of the incident; Events in the 1.2x layout of
    // `Unhealthy (x77 over 17m)` / `Killing` in a kube-apiserver crash-loop paste.
    const ETCD: &str = r#"Name:                 etcd-master-1
Namespace:            kube-system
Priority:             2000001000
Priority Class Name:  system-node-critical
Node:                 master-1/10.0.0.4
Start Time:           Sat, 28 Mar 2026 06:16:23 +0000
Labels:               component=etcd
                      tier=control-plane
Annotations:          kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.4:2379
                      kubernetes.io/config.source: file
Status:               Running
IP:                   10.0.0.4
IPs:
  IP:           10.0.0.4
Controlled By:  Node/master-1
Containers:
  etcd:
    Container ID:  containerd://c037e0eb68a417f9b161339a369a3f934cc8710e41e946b82775ff83faefcb08
    Image:         registry.k8s.io/etcd:3.5.9-0
    Port:          <none>
    Host Port:     <none>
    Command:
      etcd
      --advertise-client-urls=https://10.0.0.4:2379
      --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.4:2379
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    137
      Started:      Sat, 28 Mar 2026 05:48:04 +0000
      Finished:     Sat, 28 Mar 2026 06:15:38 +0000
    Ready:          False
    Restart Count:  183
    Requests:
      cpu:        100m
      memory:     100Mi
    Liveness:     http-get https://:2379/health delay=15s timeout=15s period=10s #success=1 #failure=8
    Environment:  <none>
    Mounts:
      /etc/kubernetes/pki/etcd from etcd-certs (rw)
      /var/lib/etcd from etcd-data (rw)
Conditions:
  Type              Status
  Initialized       True
  Ready             False
  ContainersReady   False
  PodScheduled      True
QoS Class:         Burstable
Node-Selectors:    <none>
Tolerations:       :NoExecute op=Exists
Events:
  Type     Reason     Age                     From     Message
  ----     ------     ----                    ----     -------
  Warning  Unhealthy  2m10s (x1464 over 30h)  kubelet  Liveness probe failed: Get "https://10.0.0.4:2379/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
  Normal   Killing    2m10s (x183 over 30h)   kubelet  Container etcd failed liveness probe, will be restarted
  Warning  BackOff    7s (x3845 over 30h)     kubelet  Back-off restarting failed container etcd in pod etcd-master-1_kube-system(0a1b2c3d-1111-2222-3333-444455556666)
"#;

    #[test]
    fn crash_looping_etcd_static_pod() {
        let d = parse(ETCD.as_bytes());
        accounted(ETCD, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.pods.len(), 1);
        let pod = &d.pods[0];
        assert_eq!((pod.line, pod.name.as_str()), (1, "etcd-master-1"));
        assert_eq!(pod.namespace.as_deref(), Some("kube-system"));
        assert_eq!(pod.node.as_deref(), Some("master-1"));
        assert_eq!(pod.status.as_deref(), Some("Running"));
        assert_eq!(pod.started, Some(When::At(1_774_678_583 * S)));
        // A static pod is owned by its (cluster-scoped) Node.
        assert_eq!(pod.owners.len(), 1);
        assert_eq!(pod.owners[0].kind.as_deref(), Some("Node"));
        assert_eq!(
            (pod.owners[0].name.as_str(), pod.owners[0].namespace.as_deref()),
            ("master-1", None)
        );

        assert_eq!(pod.containers.len(), 1);
        let c = &pod.containers[0];
        assert_eq!((c.name.as_str(), c.init), ("etcd", false));
        assert_eq!(c.image.as_deref(), Some("registry.k8s.io/etcd:3.5.9-0"));
        assert_eq!(c.state.as_deref(), Some("Waiting"));
        assert_eq!(c.state_reason.as_deref(), Some("CrashLoopBackOff"));
        assert_eq!(c.state_since, None);
        assert_eq!((c.ready, c.restarts), (Some(false), Some(183)));
        let t = c.last_termination.as_ref().unwrap();
        assert_eq!(
            (t.reason.as_deref(), t.exit_code, t.signal),
            (Some("Error"), Some(137), None)
        );
        assert_eq!(t.started, Some(When::At(1_774_676_884 * S)));
        assert_eq!(t.finished, Some(When::At(1_774_678_538 * S)));
        assert_eq!(
            c.requests,
            [("cpu".into(), "100m".into()), ("memory".into(), "100Mi".into())]
        );
        assert!(c.limits.is_empty());
        assert_eq!(
            c.probes,
            [Probe {
                probe: "liveness".into(),
                handler: "http-get https://:2379/health".into(),
                initial_delay_s: 15,
                timeout_s: 15,
                period_s: 10,
                success_threshold: 1,
                failure_threshold: 8,
            }]
        );

        assert_eq!(d.events.len(), 3);
        let unhealthy = &d.events[0];
        assert_eq!(unhealthy.line, line_of(ETCD, "Warning  Unhealthy"));
        assert_eq!(unhealthy.object.kind.as_deref(), Some("Pod"));
        assert_eq!(unhealthy.object.namespace.as_deref(), Some("kube-system"));
        assert_eq!(unhealthy.object.name, "etcd-master-1");
        assert_eq!(unhealthy.event_type.as_deref(), Some("Warning"));
        assert_eq!(unhealthy.reason.as_deref(), Some("Unhealthy"));
        // `2m10s (x1464 over 30h)`: last seen first.
        assert_eq!(
            (unhealthy.last, unhealthy.count, unhealthy.first),
            (ago(130, 1), 1464, ago(30 * 3600, 3600))
        );
        assert_eq!(
            (unhealthy.source.as_deref(), unhealthy.host.as_deref()),
            (Some("kubelet"), None)
        );
        assert!(unhealthy
            .message
            .starts_with("Liveness probe failed: Get \"https://10.0.0.4:2379/health\""));
        let killing = &d.events[1];
        assert_eq!(killing.reason.as_deref(), Some("Killing"));
        assert_eq!(killing.count, 183);
        assert_eq!(
            killing.message,
            "Container etcd failed liveness probe, will be restarted"
        );
        assert_eq!(d.events[2].last, ago(7, 1));

        assert_eq!(d.rows, 4);
        assert_eq!(d.newest_absolute, Some(1_774_678_583 * S));
        assert!(d.taken_at.is_empty());
    }

    // kubernetes/website, concepts/configuration/manage-resources-containers.md ("My container is terminated").
    const OOM: &str = r#"Name:                           simmemleak-hra99
Namespace:                      default
Image(s):                       saadali/simmemleak
Node:                           kubernetes-node-tf0f/10.240.216.66
Labels:                         name=simmemleak
Status:                         Running
Reason:
Message:
IP:                             10.244.2.75
Containers:
  simmemleak:
    Image:  saadali/simmemleak:latest
    Limits:
      cpu:          100m
      memory:       50Mi
    State:          Running
      Started:      Tue, 07 Jul 2019 12:54:41 -0700
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Fri, 07 Jul 2019 12:54:30 -0700
      Finished:     Fri, 07 Jul 2019 12:54:33 -0700
    Ready:          False
    Restart Count:  5
Conditions:
  Type      Status
  Ready     False
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  42s   default-scheduler  Successfully assigned simmemleak-hra99 to kubernetes-node-tf0f
  Normal  Pulled     41s   kubelet            Container image "saadali/simmemleak:latest" already present on machine
  Normal  Created    41s   kubelet            Created container simmemleak
  Normal  Started    40s   kubelet            Started container simmemleak
  Normal  Killing    32s   kubelet            Killing container with id ead3fb35-5cf5-44ed-9ae1-488115be66c6: Need to kill Pod
"#;

    #[test]
    fn oom_killed_pod() {
        let d = parse(OOM.as_bytes());
        accounted(OOM, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        let pod = &d.pods[0];
        assert_eq!(pod.node.as_deref(), Some("kubernetes-node-tf0f"));
        // `Reason:` and `Message:` printed empty.
        assert_eq!((pod.reason.as_deref(), pod.message.as_deref()), (None, None));
        let c = &pod.containers[0];
        assert_eq!(c.state.as_deref(), Some("Running"));
        assert_eq!(c.state_since, Some(When::At(1_562_529_281 * S)));
        let t = c.last_termination.as_ref().unwrap();
        assert_eq!((t.reason.as_deref(), t.exit_code), (Some("OOMKilled"), Some(137)));
        assert_eq!(
            (t.started, t.finished),
            (Some(When::At(1_562_529_270 * S)), Some(When::At(1_562_529_273 * S)))
        );
        assert_eq!(
            c.limits,
            [("cpu".into(), "100m".into()), ("memory".into(), "50Mi".into())]
        );
        assert_eq!((c.ready, c.restarts), (Some(false), Some(5)));
        assert_eq!(d.events.len(), 5);
        let scheduled = &d.events[0];
        assert_eq!(
            (scheduled.source.as_deref(), scheduled.count),
            (Some("default-scheduler"), 1)
        );
        assert_eq!((scheduled.first, scheduled.last), (ago(42, 1), ago(42, 1)));
        let killing = &d.events[4];
        assert_eq!(killing.line, line_of(OOM, "Normal  Killing"));
        assert_eq!(
            killing.message,
            "Killing container with id ead3fb35-5cf5-44ed-9ae1-488115be66c6: Need to kill Pod"
        );
    }

    // kubernetes/kubernetes#122932: an evicted pod, the paste cut inside its first container.
    const EVICTED: &str = r#"Name:                 postgres-keycloak-6d8858f5b-4khf2
Namespace:            admin
Priority:             1000000
Priority Class Name:  kaapana-high-priority
Service Account:      default
Node:                 kaapana/192.168.1.91
Start Time:           Mon, 22 Jan 2024 11:56:36 +0000
Labels:               app-name=postgres-keycloak
                      pod-template-hash=6d8858f5b
Annotations:          cni.projectcalico.org/containerID: 9cfbd81230016eaf2dde17a2254b76ee3963c03a19775d54f899ede25e1cbdce
                      cni.projectcalico.org/podIP:
                      cni.projectcalico.org/podIPs:
Status:               Failed
Reason:               Evicted
Message:              The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 777784Ki.
IP:                   10.1.104.123
IPs:
  IP:           10.1.104.123
Controlled By:  ReplicaSet/postgres-keycloak-6d8858f5b
Containers:
  postgres-keycloak-container:
    Container ID:   containerd://9adca7dc7065fb7788b0fe6e1e62833d578afbd6e4e5cc54f608c22bce0c7feb
    Image:          registry.gitlab.com/alem42/kaapana/postgres-15.2-alpine:0.2."#;

    #[test]
    fn evicted_pod_cut_mid_section() {
        let d = parse(EVICTED.as_bytes());
        accounted(EVICTED, &d);
        let pod = &d.pods[0];
        assert_eq!(pod.status.as_deref(), Some("Failed"));
        assert_eq!(pod.reason.as_deref(), Some("Evicted"));
        assert_eq!(
            pod.message.as_deref(),
            Some("The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 777784Ki.")
        );
        assert_eq!(pod.node.as_deref(), Some("kaapana"));
        assert_eq!(pod.owners[0].kind.as_deref(), Some("ReplicaSet"));
        assert_eq!(pod.owners[0].name, "postgres-keycloak-6d8858f5b");
        assert_eq!(pod.owners[0].namespace.as_deref(), Some("admin"));
        assert_eq!(pod.started, Some(When::At(1_705_924_596 * S)));
        let c = &pod.containers[0];
        assert_eq!(c.name, "postgres-keycloak-container");
        assert_eq!(
            c.image.as_deref(),
            Some("registry.gitlab.com/alem42/kaapana/postgres-15.2-alpine:0.2.")
        );
        assert_eq!((c.state.as_deref(), c.restarts), (None, None));
        assert!(d.events.is_empty());
    }

    // derailed/k9s#174 (2019, `PriorityClassName:` era): an evicted pod with probes, the paste cut in the middle
    // of a probe line.
    const EVICTED_PROBES: &str = "Name:               proprietary-crawler-preemptive-79f7cbc6cf-rzck9
Namespace:          proprietary
Priority:           0
PriorityClassName:  <none>
Node:               gke-general-preemptible-40c94gb-pool-35dd7b4d-mv7w/
Start Time:         Fri, 26 Apr 2019 03:55:55 -0300
Labels:             app.kubernetes.io/instance=proprietary-crawler
                    app.kubernetes.io/name=proprietary-crawler
                    date=1544806882
                    pod-template-hash=3593767279
Annotations:        <none>
Status:             Failed
Reason:             Evicted
Message:            The node was low on resource: memory. Container proprietary-crawler was using 9402820Ki, which exceeds its request of 7G. 
IP:                 
Controlled By:      ReplicaSet/proprietary-crawler-preemptive-79f7cbc6cf
Containers:
  proprietary-crawler:
    Image:      <redacted>
    Port:       3333/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     8
      memory:  10G
    Requests:
      cpu:      4
      memory:   7G
    Liveness:   http-get http://:3333/health/proprietary-crawler/health delay=60s timeout=1s period=3s #success=1 #failure=5
    Readiness:  http-get http://:3333/health/proprietary-crawler/health delay=60s ti";

    #[test]
    fn evicted_pod_with_probes_and_a_cut_line() {
        let d = parse(EVICTED_PROBES.as_bytes());
        accounted(EVICTED_PROBES, &d);
        let pod = &d.pods[0];
        assert_eq!(
            pod.node.as_deref(),
            Some("gke-general-preemptible-40c94gb-pool-35dd7b4d-mv7w")
        );
        assert_eq!(pod.reason.as_deref(), Some("Evicted"));
        assert!(pod.message.as_deref().unwrap().ends_with("exceeds its request of 7G."));
        let c = &pod.containers[0];
        assert_eq!(c.limits, [("cpu".into(), "8".into()), ("memory".into(), "10G".into())]);
        assert_eq!(c.requests, [("cpu".into(), "4".into()), ("memory".into(), "7G".into())]);
        let live = &c.probes[0];
        assert_eq!(live.handler, "http-get http://:3333/health/proprietary-crawler/health");
        assert_eq!((live.initial_delay_s, live.timeout_s, live.period_s), (60, 1, 3));
        assert_eq!((live.success_threshold, live.failure_threshold), (1, 5));
        // The cut line keeps what it printed; the rest keeps the API defaults.
        let ready = &c.probes[1];
        assert_eq!(ready.probe, "readiness");
        assert_eq!((ready.initial_delay_s, ready.timeout_s, ready.period_s), (60, 1, 10));
        assert_eq!(ready.failure_threshold, 3);
    }

    #[test]
    fn probe_lines_of_every_handler() {
        // A kubeadm etcd static pod (public describe paste, January 2023): a query string in the handler.
        let p = probe(
            "Startup",
            "http-get http://127.0.0.1:2381/health%3Fserializable=false delay=10s timeout=15s period=10s #success=1 #failure=24",
        );
        assert_eq!(p.handler, "http-get http://127.0.0.1:2381/health%3Fserializable=false");
        assert_eq!((p.probe.as_str(), p.failure_threshold), ("startup", 24));
        // apache/apisix-helm-chart#156: exec.
        let p = probe(
            "Liveness",
            "exec [/opt/bitnami/scripts/etcd/healthcheck.sh] delay=60s timeout=5s period=30s #success=1 #failure=5",
        );
        assert_eq!(p.handler, "exec [/opt/bitnami/scripts/etcd/healthcheck.sh]");
        assert_eq!((p.initial_delay_s, p.timeout_s, p.period_s), (60, 5, 30));
        // A kube-apiserver pod (public describe paste): tcp-socket.
        let p = probe(
            "Liveness",
            "tcp-socket :6443 delay=15s timeout=15s period=10s #success=1 #failure=8",
        );
        assert_eq!((p.handler.as_str(), p.failure_threshold), ("tcp-socket :6443", 8));
        // blinkbitcoin/charts#2942: a one-second period.
        let p = probe(
            "Liveness",
            "http-get http://:4434/admin/health/ready delay=45s timeout=1s period=1s #success=1 #failure=5",
        );
        assert_eq!(
            (p.initial_delay_s, p.timeout_s, p.period_s, p.failure_threshold),
            (45, 1, 1, 5)
        );
        // Longer durations: kubectl prints the seconds as a Go duration, so a minute is `1m0s` (shape given by the
        // incident brief; no public paste of one was found).
        let p = probe(
            "Readiness",
            "http-get http://:8080/ delay=1m0s timeout=0s period=1m30s #success=1 #failure=3",
        );
        assert_eq!((p.initial_delay_s, p.timeout_s, p.period_s), (60, 0, 90));
    }

    // canonical/microk8s#29 (microk8s 2018): a node under disk pressure; the paste stops after `PIDPressure`.
    const MICROK8S_NODE: &str = r#"Name:               monotop
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/hostname=monotop
Annotations:        node.alpha.kubernetes.io/ttl=0
                    volumes.kubernetes.io/controller-managed-attach-detach=true
CreationTimestamp:  Sat, 26 May 2018 11:09:11 -0600
Taints:             <none>
Unschedulable:      false
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  OutOfDisk        False   Sat, 26 May 2018 11:09:31 -0600   Sat, 26 May 2018 11:09:11 -0600   KubeletHasSufficientDisk     kubelet has sufficient disk space available
  MemoryPressure   False   Sat, 26 May 2018 11:09:31 -0600   Sat, 26 May 2018 11:09:11 -0600   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     True    Sat, 26 May 2018 11:09:31 -0600   Sat, 26 May 2018 11:09:21 -0600   KubeletHasDiskPressure       kubelet has disk pressure
  PIDPressure"#;

    #[test]
    fn node_with_disk_pressure() {
        let d = parse(MICROK8S_NODE.as_bytes());
        accounted(MICROK8S_NODE, &d);
        assert_eq!(d.nodes.len(), 1);
        let n = &d.nodes[0];
        assert_eq!((n.line, n.name.as_str()), (1, "monotop"));
        assert!(n.roles.is_empty() && n.taints.is_empty() && !n.unschedulable);
        assert_eq!(n.created, Some(When::At(1_527_354_551 * S)));
        assert_eq!(n.conditions.len(), 3);
        let disk = &n.conditions[2];
        assert_eq!((disk.kind.as_str(), disk.status.as_str()), ("DiskPressure", "True"));
        assert_eq!(disk.last_transition, Some(When::At(1_527_354_561 * S)));
        assert_eq!(disk.last_heartbeat, Some(When::At(1_527_354_571 * S)));
        assert_eq!(disk.reason.as_deref(), Some("KubeletHasDiskPressure"));
        assert_eq!(disk.message.as_deref(), Some("kubelet has disk pressure"));
        // The cut row is not a row: skipped, and the previous message is left alone.
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].0, line_of(MICROK8S_NODE, "  PIDPressure"));
        assert_eq!(d.newest_absolute, Some(1_527_354_571 * S));
        assert_eq!((d.rows, d.events.len()), (1, 0));
    }

    // kubernetes/website, tasks/debug/debug-cluster/_index.md ("debugging a down/unreachable node", 1.23).
    const DOWN_NODE: &str = r#"Name:               kube-worker-1
Roles:              <none>
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=kube-worker-1
                    kubernetes.io/os=linux
Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: /run/containerd/containerd.sock
                    node.alpha.kubernetes.io/ttl: 0
                    volumes.kubernetes.io/controller-managed-attach-detach: true
CreationTimestamp:  Thu, 17 Feb 2022 16:46:30 -0500
Taints:             node.kubernetes.io/unreachable:NoExecute
                    node.kubernetes.io/unreachable:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  kube-worker-1
  AcquireTime:     <unset>
  RenewTime:       Thu, 17 Feb 2022 17:13:09 -0500
Conditions:
  Type                 Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message
  ----                 ------    -----------------                 ------------------                ------              -------
  NetworkUnavailable   False     Thu, 17 Feb 2022 17:09:13 -0500   Thu, 17 Feb 2022 17:09:13 -0500   WeaveIsUp           Weave pod has set this
  MemoryPressure       Unknown   Thu, 17 Feb 2022 17:12:40 -0500   Thu, 17 Feb 2022 17:13:52 -0500   NodeStatusUnknown   Kubelet stopped posting node status.
  DiskPressure         Unknown   Thu, 17 Feb 2022 17:12:40 -0500   Thu, 17 Feb 2022 17:13:52 -0500   NodeStatusUnknown   Kubelet stopped posting node status.
  PIDPressure          Unknown   Thu, 17 Feb 2022 17:12:40 -0500   Thu, 17 Feb 2022 17:13:52 -0500   NodeStatusUnknown   Kubelet stopped posting node status.
  Ready                Unknown   Thu, 17 Feb 2022 17:12:40 -0500   Thu, 17 Feb 2022 17:13:52 -0500   NodeStatusUnknown   Kubelet stopped posting node status.
Addresses:
  InternalIP:  192.168.0.113
  Hostname:    kube-worker-1
Capacity:
  cpu:                2
  ephemeral-storage:  15372232Ki
  hugepages-2Mi:      0
  memory:             2025188Ki
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  14167048988
  hugepages-2Mi:      0
  memory:             1922788Ki
  pods:               110
System Info:
  Machine ID:                 9384e2927f544209b5d7b67474bbf92b
  System UUID:                aa829ca9-73d7-064d-9019-df07404ad448
  Boot ID:                    5a295a03-aaca-4340-af20-1327fa5dab5c
  Kernel Version:             5.13.0-28-generic
  OS Image:                   Ubuntu 21.10
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.5.9
  Kubelet Version:            v1.23.3
  Kube-Proxy Version:         v1.23.3
Non-terminated Pods:          (4 in total)
  Namespace                   Name                                 CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                                 ------------  ----------  ---------------  -------------  ---
  default                     nginx-deployment-67d4bdd6f5-cx2nz    500m (25%)    500m (25%)  128Mi (6%)       128Mi (6%)     23m
  default                     nginx-deployment-67d4bdd6f5-w6kd7    500m (25%)    500m (25%)  128Mi (6%)       128Mi (6%)     23m
  kube-system                 kube-proxy-dnxbz                     0 (0%)        0 (0%)      0 (0%)           0 (0%)         28m
  kube-system                 weave-net-gjxxp                      100m (5%)     0 (0%)      200Mi (10%)      0 (0%)         28m
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests     Limits
  --------           --------     ------
  cpu                1100m (55%)  1 (50%)
  memory             456Mi (24%)  256Mi (13%)
  ephemeral-storage  0 (0%)       0 (0%)
  hugepages-2Mi      0 (0%)       0 (0%)
Events:
...
"#;

    #[test]
    fn unreachable_node_with_system_info() {
        let d = parse(DOWN_NODE.as_bytes());
        accounted(DOWN_NODE, &d);
        let n = &d.nodes[0];
        assert_eq!(
            n.taints,
            [
                "node.kubernetes.io/unreachable:NoExecute",
                "node.kubernetes.io/unreachable:NoSchedule"
            ]
        );
        assert_eq!(n.conditions.len(), 5);
        let ready = &n.conditions[4];
        assert_eq!((ready.kind.as_str(), ready.status.as_str()), ("Ready", "Unknown"));
        assert_eq!(ready.last_transition, Some(When::At(1_645_136_032 * S)));
        assert_eq!(ready.message.as_deref(), Some("Kubelet stopped posting node status."));
        assert_eq!(n.kubelet_version.as_deref(), Some("v1.23.3"));
        assert_eq!(n.runtime_version.as_deref(), Some("containerd://1.5.9"));
        assert_eq!(n.kernel_version.as_deref(), Some("5.13.0-28-generic"));
        assert_eq!(n.os_image.as_deref(), Some("Ubuntu 21.10"));
        // The pod table of a node is no events table; the `...` under `Events:` is not a row.
        assert!(d.events.is_empty() && d.pods.is_empty());
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].0, line_of(DOWN_NODE, "..."));
        assert_eq!(d.newest_absolute, Some(1_645_136_032 * S));
    }

    // kubernetes/kubernetes#53721 (kubectl 1.7, pasted with its tabs): `Role:` empty, Go's zero time as a
    // heartbeat, the paste cut inside the last reason.
    const TABBED_NODE: &str = "Name:\t\t\txxxx
Role:
Labels:\t\t\tbeta.kubernetes.io/arch=amd64
\t\t\tbeta.kubernetes.io/instance-type=n1-standard-8
\t\t\tkubernetes.io/hostname=xxxx
Annotations:\t\tcluster-autoscaler.kubernetes.io/scale-down-when-unready-disabled=true
\t\t\tvolumes.kubernetes.io/controller-managed-attach-detach=true
Taints:\t\t\t<none>
CreationTimestamp:\tWed, 30 Aug 2017 11:11:59 -0400
Conditions:
  Type\t\t\tStatus\tLastHeartbeatTime\t\t\tLastTransitionTime\t\t\tReason\t\t\tMessage
  ----\t\t\t------\t-----------------\t\t\t------------------\t\t\t------\t\t\t-------
  NetworkUnavailable \tFalse \tMon, 01 Jan 0001 00:00:00 +0000 \tWed, 30 Aug 2017 11:12:00 -0400 \tRouteCreated \t\topenshift-sdn cleared kubelet-set NoRouteCreated
  OutOfDisk \t\tFalse \tWed, 11 Oct 2017 09:53:27 -0400 \tTue, 10 Oct 2017 16:21:04 -0400 \tKubeletHasSufficientDisk \tkubelet has sufficient disk space available
  MemoryPressure \tFalse \tWed, 11 Oct 2017 09:53:27 -0400 \tTue, 10 Oct 2017 16:21:04 -0400 \tKubeletHasSufficientMemory \tkubelet has sufficient memory available
  DiskPressure \t\tFalse \tWed, 11 Oct 2017 09:53:27 -0400 \tTue, 10 Oct 2017 16:21:04 -0400 \tKubeletHasNo";

    #[test]
    fn node_conditions_pasted_with_tabs() {
        let d = parse(TABBED_NODE.as_bytes());
        accounted(TABBED_NODE, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        let n = &d.nodes[0];
        assert!(n.roles.is_empty());
        assert_eq!(n.conditions.len(), 4);
        let net = &n.conditions[0];
        assert_eq!(net.last_heartbeat, None, "0001-01-01 is never");
        assert_eq!(net.last_transition, Some(When::At(1_504_105_920 * S)));
        assert_eq!(net.reason.as_deref(), Some("RouteCreated"));
        assert_eq!(
            net.message.as_deref(),
            Some("openshift-sdn cleared kubelet-set NoRouteCreated")
        );
        assert_eq!(n.conditions[3].reason.as_deref(), Some("KubeletHasNo"));
        assert_eq!(n.conditions[3].message, None);
    }

    // kubernetes/website, Japanese tasks/debug/debug-application/debug-pods.md (kubectl 1.6): a header written
    // with tabs over rows written with spaces, `Role` with no colon, System Info one space in.
    const NOT_READY_NODE: &str = "Name:\t\t\tkubernetes-node-861h
Role
Labels:\t\t kubernetes.io/arch=amd64
           kubernetes.io/os=linux
           kubernetes.io/hostname=kubernetes-node-861h
Annotations:        node.alpha.kubernetes.io/ttl=0
                    volumes.kubernetes.io/controller-managed-attach-detach=true
Taints:             <none>
CreationTimestamp:\tMon, 04 Sep 2017 17:13:23 +0800
Phase:
Conditions:
  Type\t\tStatus\t\tLastHeartbeatTime\t\t\tLastTransitionTime\t\t\tReason\t\t\t\t\tMessage
  ----    ------    -----------------     ------------------      ------          -------
  OutOfDisk             Unknown         Fri, 08 Sep 2017 16:04:28 +0800         Fri, 08 Sep 2017 16:20:58 +0800         NodeStatusUnknown       Kubelet stopped posting node status.
  MemoryPressure        Unknown         Fri, 08 Sep 2017 16:04:28 +0800         Fri, 08 Sep 2017 16:20:58 +0800         NodeStatusUnknown       Kubelet stopped posting node status.
  DiskPressure          Unknown         Fri, 08 Sep 2017 16:04:28 +0800         Fri, 08 Sep 2017 16:20:58 +0800         NodeStatusUnknown       Kubelet stopped posting node status.
  Ready                 Unknown         Fri, 08 Sep 2017 16:04:28 +0800         Fri, 08 Sep 2017 16:20:58 +0800         NodeStatusUnknown       Kubelet stopped posting node status.
Addresses:\t10.240.115.55,104.197.0.26
Capacity:
 cpu:           2
 hugePages:     0
 memory:        4046788Ki
 pods:          110
System Info:
 Machine ID:                    8e025a21a4254e11b028584d9d8b12c4
 Kernel Version:                4.4.0-31-generic
 OS Image:                      Debian GNU/Linux 8 (jessie)
 Operating System:              linux
 Architecture:                  amd64
 Container Runtime Version:     docker://1.12.5
 Kubelet Version:               v1.6.9+a3d1dfa6f4335
 Kube-Proxy Version:            v1.6.9+a3d1dfa6f4335
ExternalID:                     15233045891481496305
Non-terminated Pods:            (9 in total)
  Namespace                     Name                                            CPU Requests    CPU Limits      Memory Requests Memory Limits
  ---------                     ----                                            ------------    ----------      --------------- -------------
......
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  CPU Requests  CPU Limits      Memory Requests         Memory Limits
  ------------  ----------      ---------------         -------------
  900m (60%)    2200m (146%)    1009286400 (66%)        5681286400 (375%)
Events:         <none>
";

    #[test]
    fn node_table_with_a_tabbed_header() {
        let d = parse(NOT_READY_NODE.as_bytes());
        accounted(NOT_READY_NODE, &d);
        assert!(d.skipped.is_empty() && d.events.is_empty(), "{:?}", d.skipped);
        let n = &d.nodes[0];
        assert_eq!(n.conditions.len(), 4);
        let ready = &n.conditions[3];
        assert_eq!((ready.kind.as_str(), ready.status.as_str()), ("Ready", "Unknown"));
        assert_eq!(ready.reason.as_deref(), Some("NodeStatusUnknown"));
        assert_eq!(ready.message.as_deref(), Some("Kubelet stopped posting node status."));
        assert_eq!(ready.last_heartbeat, Some(When::At(1_504_857_868 * S)));
        assert_eq!(ready.last_transition, Some(When::At(1_504_858_858 * S)));
        assert_eq!(n.kubelet_version.as_deref(), Some("v1.6.9+a3d1dfa6f4335"));
        assert_eq!(n.runtime_version.as_deref(), Some("docker://1.12.5"));
        assert_eq!(n.os_image.as_deref(), Some("Debian GNU/Linux 8 (jessie)"));
    }

    #[test]
    fn condition_reason_wrapped_onto_the_next_line() {
        // The header of kubernetes/kubernetes#53721 (same release) over the row of kubernetes/kubernetes#52386,
        // whose reason a terminal wrapped onto the next line.
        let text = "Name:\t\t\tnode-1
Conditions:
  Type\t\t\tStatus\tLastHeartbeatTime\t\t\tLastTransitionTime\t\t\tReason\t\t\tMessage
  ----\t\t\t------\t-----------------\t\t\t------------------\t\t\t------\t\t\t-------
MemoryPressure \tTrue \tWed, 13 Sep 2017 12:54:10 +0800 \tWed, 13 Sep 2017 11:54:03 +0800 \tKubeletHasInsufficientM
emory \tkubelet has insufficient memory available
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        let c = &d.nodes[0].conditions;
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].kind.as_str(), c[0].status.as_str()), ("MemoryPressure", "True"));
        assert_eq!(c[0].reason.as_deref(), Some("KubeletHasInsufficientMemory"));
        assert_eq!(
            c[0].message.as_deref(),
            Some("kubelet has insufficient memory available")
        );
        assert_eq!(c[0].last_transition, Some(When::At(1_505_274_843 * S)));
    }

    // A CronJob lab's `kubectl describe jobs` (public course notes, January 2020): Jobs printed one after the
    // other, the first two with no blank line between them.
    const JOBS: &str = r#"Name:           minute-1578378060
Namespace:      default
Selector:       controller-uid=e13f77cf-3115-11ea-adcd-122a7aa37019
Labels:         controller-uid=e13f77cf-3115-11ea-adcd-122a7aa37019
                job-name=minute-1578378060
Annotations:    <none>
Controlled By:  CronJob/minute
Parallelism:    1
Completions:    1
Start Time:     Tue, 07 Jan 2020 06:21:03 +0000
Pods Statuses:  1 Running / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  controller-uid=e13f77cf-3115-11ea-adcd-122a7aa37019
           job-name=minute-1578378060
  Containers:
   hello:
    Image:      ubuntu
    Port:       <none>
    Host Port:  <none>
    Args:
      /bin/bash
      -c
      date; echo cronjob minute says hi; sleep 30d
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  3m8s  job-controller  Created pod: minute-1578378060-vldgd
Name:           minute-1578378120
Namespace:      default
Selector:       controller-uid=0516472c-3116-11ea-adcd-122a7aa37019
Labels:         controller-uid=0516472c-3116-11ea-adcd-122a7aa37019
                job-name=minute-1578378120
Annotations:    <none>
Controlled By:  CronJob/minute
Parallelism:    1
Completions:    1
Start Time:     Tue, 07 Jan 2020 06:22:03 +0000
Pods Statuses:  1 Running / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  controller-uid=0516472c-3116-11ea-adcd-122a7aa37019
           job-name=minute-1578378120
  Containers:
   hello:
    Image:      ubuntu
    Port:       <none>
    Host Port:  <none>
    Args:
      /bin/bash
      -c
      date; echo cronjob minute says hi; sleep 30d
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  2m8s  job-controller  Created pod: minute-1578378120-qc69j

Name:           minute-1578378180
Namespace:      default
Selector:       controller-uid=28ec0ecf-3116-11ea-adcd-122a7aa37019
Labels:         controller-uid=28ec0ecf-3116-11ea-adcd-122a7aa37019
                job-name=minute-1578378180
Annotations:    <none>
Controlled By:  CronJob/minute
Parallelism:    1
Completions:    1
Start Time:     Tue, 07 Jan 2020 06:23:03 +0000
Pods Statuses:  1 Running / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  controller-uid=28ec0ecf-3116-11ea-adcd-122a7aa37019
           job-name=minute-1578378180
  Containers:
   hello:
    Image:      ubuntu
    Port:       <none>
    Host Port:  <none>
    Args:
      /bin/bash
      -c
      date; echo cronjob minute says hi; sleep 30d
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  69s   job-controller  Created pod: minute-1578378180-9wxr8

 

"#;

    #[test]
    fn jobs_of_a_cronjob_printed_back_to_back() {
        let d = parse(JOBS.as_bytes());
        accounted(JOBS, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        let names: Vec<&str> = d.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["minute-1578378060", "minute-1578378120", "minute-1578378180"]);
        let lines: Vec<u64> = d.jobs.iter().map(|j| j.line).collect();
        assert_eq!(
            lines,
            [
                1,
                line_of(JOBS, "Name:           minute-1578378120"),
                line_of(JOBS, "Name:           minute-1578378180")
            ]
        );
        let j = &d.jobs[0];
        assert_eq!(j.owners.len(), 1);
        assert_eq!(j.owners[0].kind.as_deref(), Some("CronJob"));
        assert_eq!(
            (j.owners[0].name.as_str(), j.owners[0].namespace.as_deref()),
            ("minute", Some("default"))
        );
        assert_eq!(j.started, Some(When::At(1_578_378_063 * S)));
        // The older wording: `1 Running` is the active count.
        assert_eq!((j.active, j.succeeded, j.failed), (Some(1), Some(0), Some(0)));
        assert_eq!(j.completions.as_deref(), Some("0/1"));
        assert!(d.pods.is_empty(), "the pod template is no pod");
        assert_eq!(d.events.len(), 3);
        let e = &d.events[1];
        assert_eq!(e.line, line_of(JOBS, "minute-1578378120-qc69j"));
        assert_eq!(e.object.kind.as_deref(), Some("Job"));
        assert_eq!(e.object.name, "minute-1578378120");
        assert_eq!(
            (e.reason.as_deref(), e.source.as_deref()),
            (Some("SuccessfulCreate"), Some("job-controller"))
        );
        assert_eq!(e.last, ago(128, 1));
        assert_eq!(d.rows, 6);
    }

    // A Kubernetes course note (Polish, public GitHub file, kubectl 1.26): a completed Job.
    const COMPLETED_JOB: &str = r#"Name:             odliczanie
Namespace:        default
Selector:         controller-uid=35209704-e60b-4d4a-bee8-4efbd472bd3b
Labels:           controller-uid=35209704-e60b-4d4a-bee8-4efbd472bd3b
                  job-name=odliczanie
Annotations:      batch.kubernetes.io/job-tracking: 
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Start Time:       Mon, 23 Jan 2023 02:18:09 +0000
Completed At:     Mon, 23 Jan 2023 02:18:14 +0000
Duration:         5s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  controller-uid=35209704-e60b-4d4a-bee8-4efbd472bd3b
           job-name=odliczanie
  Containers:
   container-odliczanie:
    Image:      ubuntu
    Port:       <none>
    Host Port:  <none>
    Command:
      bin/bash
      -c
      for i in 9 8 7 6 5 4 3 2 1; do echo $i; done
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  2m    job-controller  Created pod: odliczanie-njldv
  Normal  Completed         115s  job-controller  Job completed
"#;

    #[test]
    fn completed_job() {
        let d = parse(COMPLETED_JOB.as_bytes());
        accounted(COMPLETED_JOB, &d);
        let j = &d.jobs[0];
        assert!(j.owners.is_empty());
        assert_eq!(j.completed, Some(When::At(1_674_440_294 * S)));
        assert_eq!((j.active, j.succeeded, j.failed), (Some(0), Some(1), Some(0)));
        assert_eq!(j.completions.as_deref(), Some("1/1"));
        assert_eq!(d.events[1].reason.as_deref(), Some("Completed"));
        assert_eq!(d.events[0].last, ago(120, 60));
    }

    // The Kubernetes example job/work-queue-2 README (kubectl 1.1, tabs kept): `Completions: Unset`, the 1.1
    // events table with a braced source.
    const OLD_JOB: &str = "Name:\t\tjob-wq-2
Namespace:\tdefault
Image(s):\tgcr.io/exampleproject/job-wq-2
Selector:\tapp in (job-wq-2)
Parallelism:\t2
Completions:\tUnset
Start Time:\tMon, 11 Jan 2016 17:07:59 -0800
Labels:\t\tapp=job-wq-2
Pods Statuses:\t1 Running / 0 Succeeded / 0 Failed
No volumes.
Events:
  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubobjectPath\tType\t\tReason\t\t\tMessage
  ---------\t--------\t-----\t----\t\t\t-------------\t--------\t------\t\t\t-------
  33s\t\t33s\t\t1\t{job-controller }\t\t\tNormal\t\tSuccessfulCreate\tCreated pod: job-wq-2-lglf8
";

    #[test]
    fn job_of_kubectl_1_1() {
        let d = parse(OLD_JOB.as_bytes());
        accounted(OLD_JOB, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        let j = &d.jobs[0];
        assert_eq!(j.started, Some(When::At(1_452_560_879 * S)));
        assert_eq!(j.completions, None);
        assert_eq!(j.active, Some(1));
        let e = &d.events[0];
        assert_eq!((e.source.as_deref(), e.host.as_deref()), (Some("job-controller"), None));
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Normal"), Some("SuccessfulCreate"))
        );
        assert_eq!((e.first, e.last, e.count), (ago(33, 1), ago(33, 1), 1));
        assert_eq!(e.object.field_path, None);
        assert_eq!(e.message, "Created pod: job-wq-2-lglf8");
    }

    // A "Descomplicando Kubernetes" study note (public GitHub file, June 2022): trailing blanks on some lines,
    // the shell prompt before the output.
    const CRONJOB: &str = "# kubectl describe cronjobs.batch giropops-cron 
Name:                          giropops-cron
Namespace:                     default      
Labels:                        <none>       
Annotations:                   <none>       
Schedule:                      */1 * * * *  
Concurrency Policy:            Allow        
Suspend:                       False        
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   giropops-cron:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Args:
      /bin/sh
      -c
      date; echo Bem Vindo ao Descomplicando Kubernetes - LinuxTips VAIIII ;sleep 30
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
Last Schedule Time:  Mon, 20 Jun 2022 01:50:00 -0300
Active Jobs:         giropops-cron-27595010
Events:
  Type    Reason            Age                   From                Message
  ----    ------            ----                  ----                -------
  Normal  SuccessfulCreate  26m (x117 over 142m)  cronjob-controller  (combined from similar events): Created job giropops-cron-27594984
  Normal  SawCompletedJob   59s (x155 over 141m)  cronjob-controller  (combined from similar events): Saw completed job: giropops-cron-27595009, status: Complete
";

    #[test]
    fn cronjob() {
        let d = parse(CRONJOB.as_bytes());
        accounted(CRONJOB, &d);
        assert_eq!(d.skipped, [(1, "not part of a described object".to_string())]);
        assert!(d.jobs.is_empty() && d.pods.is_empty());
        let cj = &d.cronjobs[0];
        assert_eq!(
            (cj.line, cj.name.as_str(), cj.namespace.as_deref()),
            (2, "giropops-cron", Some("default"))
        );
        assert_eq!(cj.schedule.as_deref(), Some("*/1 * * * *"));
        assert_eq!(
            (cj.concurrency_policy.as_deref(), cj.suspend),
            (Some("Allow"), Some(false))
        );
        assert_eq!(
            (cj.successful_history_limit, cj.failed_history_limit),
            (Some(3), Some(1))
        );
        assert_eq!(cj.starting_deadline_s, None);
        assert_eq!(cj.last_schedule, Some(When::At(1_655_700_600 * S)));
        assert_eq!(cj.active_jobs, ["giropops-cron-27595010"]);
        let e = &d.events[1];
        assert_eq!(e.object.kind.as_deref(), Some("CronJob"));
        assert_eq!((e.last, e.count, e.first), (ago(59, 1), 155, ago(141 * 60, 60)));
        assert_eq!(
            e.message,
            "(combined from similar events): Saw completed job: giropops-cron-27595009, status: Complete"
        );
    }

    // A Helm-on-minikube study note (public GitHub file, kubectl 1.7, tabs kept): `kubelet, minikube` in the
    // From column, counts in their own column, the rest of the pod elided with `...`.
    const EVENTS_1_7: &str = "Name:\t\tterrific-robin-cmdb-6b4c45669b-xv8sv
Namespace:\tdefault
...
Events:
  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubObjectPath\t\tType\t\tReason\t\tMessage
  ---------\t--------\t-----\t----\t\t\t-------------\t\t--------\t------\t\t-------
  3h\t\t53m\t\t59\tkubelet, minikube\tspec.containers{cmdb}\tNormal\t\tPulling\t\tpulling image \"soheileizadi/cmdb-server:latest\"
  3h\t\t18m\t\t623\tkubelet, minikube\tspec.containers{cmdb}\tWarning\t\tUnhealthy\tLiveness probe failed: HTTP probe failed with statuscode: 404
  3h\t\t3m\t\t818\tkubelet, minikube\tspec.containers{cmdb}\tWarning\t\tBackOff\t\tBack-off restarting failed container
";

    #[test]
    fn clock_skew_ages_and_a_cut_age() {
        // The same "Descomplicando Kubernetes" note, a pod whose kubelet clock ran ahead: `<invalid>` ages.
        let text = r#"Name:         test-secret
Namespace:    default
Priority:     0
Node:         kubernetes-node01/192.168.0.235
Start Time:   Mon, 20 Jun 2022 02:30:36 -0300
Labels:       <none>
Annotations:  <none>
Status:       Running
IP:           10.44.0.2
IPs:
  IP:  10.44.0.2
Containers:
  busy:
    Container ID:  containerd://1312bea7fdab0eabadad22898eb6d2f7fdc7e8115127dd9aa9eb90f04e9dcc5f
    Image:         busybox
    State:          Running
      Started:      Mon, 20 Jun 2022 02:30:39 -0300
    Ready:          True
    Restart Count:  0
Events:
  Type    Reason     Age        From               Message
  ----    ------     ----       ----               -------
  Normal  Scheduled  50s        default-scheduler  Successfully assigned default/test-secret to kubernetes-node01
  Normal  Pulling    <invalid>  kubelet            Pulling image "busybox"
  Normal  Pulled     <invalid>  kubelet            Successfully pulled image "busybox" in 1.562530804s
"#;
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.events[0].last, ago(50, 1));
        assert_eq!((d.events[1].first, d.events[1].last), (When::Invalid, When::Invalid));

        // The CronJob's events cut inside the first row's age: that row is skipped, the next is read.
        let cut = CRONJOB.replace("26m (x117 over 142m)  cronjob-controller  (combined from similar events): Created job giropops-cron-27594984", "26m (x117 ov");
        let d = parse(cut.as_bytes());
        accounted(&cut, &d);
        assert_eq!(d.events.len(), 1);
        let (line, why) = d.skipped.last().unwrap();
        assert_eq!(*line, line_of(&cut, "26m (x117 ov"));
        assert!(why.starts_with("event age does not parse"), "{why}");
    }

    #[test]
    fn events_of_kubectl_1_7() {
        let d = parse(EVENTS_1_7.as_bytes());
        accounted(EVENTS_1_7, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.events.len(), 3);
        let e = &d.events[1];
        assert_eq!(e.line, line_of(EVENTS_1_7, "Unhealthy"));
        // Nothing printed tells the kind; the name and namespace are known.
        assert_eq!(e.object.kind, None);
        assert_eq!(
            (e.object.name.as_str(), e.object.namespace.as_deref()),
            ("terrific-robin-cmdb-6b4c45669b-xv8sv", Some("default"))
        );
        assert_eq!(e.object.field_path.as_deref(), Some("spec.containers{cmdb}"));
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("minikube"))
        );
        assert_eq!((e.first, e.last, e.count), (ago(3 * 3600, 3600), ago(18 * 60, 60), 623));
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Warning"), Some("Unhealthy"))
        );
        assert_eq!(
            e.message,
            "Liveness probe failed: HTTP probe failed with statuscode: 404"
        );
    }

    #[test]
    fn events_of_kubectl_1_3() {
        // The rows of kubernetes/kubernetes#30910 (kubectl 1.3, pasted with blank lines and the tabs turned into
        // spaces, `Warning Failed` one space apart) under the header of the same release (a 2016 describe paste).
        let text = "Name:\t\tblockai-api-worker-3474356585-q0cu1
Events:
  FirstSeen\tLastSeen\tCount\tFrom\t\t\t\tSubobjectPath\t\tType\t\tReason\t\tMessage
  ---------\t--------\t-----\t----\t\t\t\t-------------\t\t--------\t------\t\t-------
  5m    5m      1       {kubelet ip-172-20-0-163.us-west-1.compute.internal}    spec.containers{blockai-api-worker}     Warning Failed  Failed to create docker container with error: API error (500): Error getting container dce70ca32c1b from driver aufs: no space left on device

  4m    4m      1       {kubelet ip-172-20-0-163.us-west-1.compute.internal}    spec.containers{blockai-api-worker}     Warning Failed  Failed to create docker container with error: API error (500): mkdir /mnt/ephemeral/docker/aufs/mnt/9ba8ba69f574-init/dev/shm: no space left on device
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.events.len(), 2);
        let e = &d.events[0];
        assert_eq!((e.first, e.last, e.count), (ago(300, 60), ago(300, 60), 1));
        assert_eq!(e.source.as_deref(), Some("kubelet"));
        assert_eq!(e.host.as_deref(), Some("ip-172-20-0-163.us-west-1.compute.internal"));
        assert_eq!(
            e.object.field_path.as_deref(),
            Some("spec.containers{blockai-api-worker}")
        );
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (Some("Warning"), Some("Failed"))
        );
        assert!(
            e.message.starts_with("Failed to create docker container")
                && e.message.ends_with("no space left on device")
        );
        assert_eq!(d.events[1].line, 7);
    }

    // openshift/origin#1483 (2015, kubectl 1.0 era, tabs kept): absolute times, `{scheduler }`, the sub-object
    // path `implicitly required container POD`, no Type column; the paste cut inside the fourth row.
    const EVENTS_1_0: &str = "Name:\t\t\t\tdocker-registry-1-sq8qz
Image(s):\t\t\topenshift/origin-docker-registry:v0.4.2
Host:\t\t\t\tdeads-dev-01/fe80::2ad2:44ff:fe7d:c82b
Labels:\t\t\t\tdeployment=docker-registry-1,deploymentconfig=docker-registry,docker-registry=default
Status:\t\t\t\tPending
Replication Controllers:\tdocker-registry-1 (1/1 replicas created)
Conditions:
  Type\t\tStatus
  Ready \tFalse 
Events:
  FirstSeen\t\t\t\tLastSeen\t\t\tCount\tFrom\t\t\tSubobjectPath\t\t\t\tReason\t\tMessage
  Wed, 01 Apr 2015 07:49:19 -0400\tWed, 01 Apr 2015 07:49:19 -0400\t1\t{scheduler }\t\t\t\t\t\t\tscheduled\tSuccessfully assigned docker-registry-1-sq8qz to deads-dev-01
  Wed, 01 Apr 2015 07:49:19 -0400\tWed, 01 Apr 2015 07:49:19 -0400\t1\t{kubelet deads-dev-01}\timplicitly required container POD\tpulled\t\tSuccessfully pulled image \"openshift/origin-pod:v0.4.2\"
  Wed, 01 Apr 2015 07:49:19 -0400\tWed, 01 Apr 2015 07:49:19 -0400\t1\t{kubelet deads-dev-01}\timplicitly required container POD\tcreated\t\tCreated with docker id 3d5b329ae360f5cb8bea8c2c2690f9956cd6ec379854b126454a61dffbfb9e38
  Wed, 01 Apr 2015 07:4";

    #[test]
    fn events_of_kubectl_1_0() {
        let d = parse(EVENTS_1_0.as_bytes());
        accounted(EVENTS_1_0, &d);
        let pod = &d.pods[0];
        assert_eq!(
            (pod.node.as_deref(), pod.status.as_deref()),
            (Some("deads-dev-01"), Some("Pending"))
        );
        assert!(pod.containers.is_empty());
        assert_eq!(d.events.len(), 3);
        let at = When::At(1_427_888_959 * S);
        let e = &d.events[0];
        assert_eq!((e.first, e.last, e.count), (at, at, 1));
        assert_eq!((e.source.as_deref(), e.host.as_deref()), (Some("scheduler"), None));
        assert_eq!(
            (e.event_type.as_deref(), e.reason.as_deref()),
            (None, Some("scheduled"))
        );
        assert_eq!(e.object.field_path, None);
        assert_eq!(e.object.kind.as_deref(), Some("Pod"));
        let e = &d.events[1];
        assert_eq!(
            (e.source.as_deref(), e.host.as_deref()),
            (Some("kubelet"), Some("deads-dev-01"))
        );
        assert_eq!(
            e.object.field_path.as_deref(),
            Some("implicitly required container POD")
        );
        assert_eq!(
            (e.reason.as_deref(), e.message.as_str()),
            (
                Some("pulled"),
                "Successfully pulled image \"openshift/origin-pod:v0.4.2\""
            )
        );
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].0, line_of(EVENTS_1_0, "07:4") + 3);
        assert_eq!(d.newest_absolute, Some(1_427_888_959 * S));
    }

    #[test]
    fn events_of_kubectl_1_0_with_spaces_lost() {
        // kubernetes/kubernetes#10729: the tabs of a 1.0 row pasted as single spaces (`-0400  1 {scheduler }`,
        // `failedMount Unable`).
        let text = "Name:\tzookeeper-cluster1-krw60
Events:
  FirstSeen        LastSeen          Count  From             SubobjectPath  Reason  Message
  Sun, 05 Jul 2015 09:47:03 -0400    Sun, 05 Jul 2015 09:49:54 -0400  18    {kubelet ip-172-20-0-57.eu-west-1.compute.internal}    failedMount Unable to mount volumes for pod \"zookeeper-cluster1-krw60_default\": failed to instantiate volume plugin
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        let e = &d.events[0];
        assert_eq!((e.count, e.last), (18, When::At(1_436_104_194 * S)));
        assert_eq!(e.host.as_deref(), Some("ip-172-20-0-57.eu-west-1.compute.internal"));
        assert_eq!(e.reason.as_deref(), Some("failedMount"));
        assert!(e.message.starts_with("Unable to mount volumes for pod"));
    }

    #[test]
    fn events_of_kubectl_1_18_name_the_host() {
        // kubernetes/kubernetes#91600 (kubectl 1.18): the Events section as posted; the `Name:` line above it is
        // added here to make it an object.
        let text = "Name:         calico-node
Events:
  Type     Reason          Age                From               Message
  ----     ------          ----               ----               -------
  Normal   Created         18m (x2 over 18m)  kubelet, mgt04     Created container calico-node
  Normal   Started         18m (x2 over 18m)  kubelet, mgt04     Started container calico-node
  Normal   Killing         18m (x2 over 18m)  kubelet, mgt04     Stopping container calico-node
  Warning  Evicted         18m                kubelet, mgt04     The node was low on resource: ephemeral-storage. Container calico-node was using 92Ki, which exceeds its request of 0.
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert_eq!(d.events.len(), 4);
        for e in &d.events {
            assert_eq!(
                (e.source.as_deref(), e.host.as_deref()),
                (Some("kubelet"), Some("mgt04"))
            );
        }
        assert_eq!((d.events[2].count, d.events[2].last), (2, ago(18 * 60, 60)));
        let evicted = &d.events[3];
        assert_eq!((evicted.count, evicted.reason.as_deref()), (1, Some("Evicted")));
        assert!(evicted.message.ends_with("which exceeds its request of 0."));
    }

    #[test]
    fn events_none() {
        // cloud-ark/kubeplus#180 (a custom resource, December 2018): `Kind:` written, a nested `Name:` under
        // `Spec:` that is no new object, and `Events:  <none>`.
        let text = "Name:         moodle2
Namespace:    default
Labels:       <none>
Annotations:  <none>
API Version:  moodlecontroller.kubeplus/v1
Kind:         Moodle
Metadata:
  Cluster Name:        
  Creation Timestamp:  2018-12-12T01:58:09Z
  Generation:          1
Spec:
  Name:  moodle2
  Plugins:
    profilecohort
Events:  <none>
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert!(d.skipped.is_empty() && d.events.is_empty());
        assert_eq!((d.rows, d.structure_lines), (1, 14));
        assert!(d.pods.is_empty() && d.nodes.is_empty());
    }

    // A 2026 `kubectl describe pod` of a kubeadm etcd (public notes): the newest kubectl prints the field path
    // before the message.
    const FIELD_PATH: &str = r#"Name:                 etcd-control-node1
Namespace:            kube-system
Priority:             2000001000
Priority Class Name:  system-node-critical
Node:                 control-node1/
Labels:               component=etcd
                      tier=control-plane
Status:               Pending
SeccompProfile:       RuntimeDefault
IP:
IPs:                  <none>
Controlled By:        Node/control-node1
Containers:
  etcd:
    Image:      registry.k8s.io/etcd:3.6.6-0
    Port:       2381/TCP (probe-port)
    Host Port:  2381/TCP (probe-port)
    Requests:
      cpu:        100m
      memory:     100Mi
    Liveness:     http-get http://127.0.0.1:probe-port/livez delay=10s timeout=15s period=10s #success=1 #failure=8
    Readiness:    http-get http://127.0.0.1:probe-port/readyz delay=0s timeout=15s period=1s #success=1 #failure=3
    Startup:      http-get http://127.0.0.1:probe-port/readyz delay=10s timeout=15s period=10s #success=1 #failure=24
    Environment:  <none>
QoS Class:         Burstable
Node-Selectors:    <none>
Tolerations:       :NoExecute op=Exists
Events:
  Type    Reason   Age   From     Message
  ----    ------   ----  ----     -------
  Normal  Pulled   118s  kubelet  spec.containers{etcd}: Container image "registry.k8s.io/etcd:3.6.6-0" already present on machine and can be accessed by the pod
  Normal  Created  118s  kubelet  spec.containers{etcd}: Container created
  Normal  Started  118s  kubelet  spec.containers{etcd}: Container started
"#;

    #[test]
    fn newest_kubectl_prefixes_the_field_path() {
        let d = parse(FIELD_PATH.as_bytes());
        accounted(FIELD_PATH, &d);
        let pod = &d.pods[0];
        assert_eq!(pod.node.as_deref(), Some("control-node1"));
        let probes: Vec<(&str, u32, u32)> = pod.containers[0]
            .probes
            .iter()
            .map(|p| (p.probe.as_str(), p.period_s, p.failure_threshold))
            .collect();
        assert_eq!(probes, [("liveness", 10, 8), ("readiness", 1, 3), ("startup", 10, 24)]);
        let e = &d.events[1];
        assert_eq!(e.object.field_path.as_deref(), Some("spec.containers{etcd}"));
        assert_eq!(e.message, "Container created");
        assert_eq!(e.last, ago(118, 1));
    }

    #[test]
    fn two_pods_in_one_file() {
        // `kubectl describe pods` as kubernetes/kubernetes#94073 quoted it (the first pod cut above its
        // `Annotations:`), followed by the header of the evicted pod of kubernetes/kubernetes#122932.
        let text = "Annotations:    <none>
Status:         Failed
Reason:         Evicted
Message:        The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. 
IP:             
IPs:            <none>
Controlled By:  ReplicaSet/ebaogi-bff-app-955968dbb

Name:           ebaogi-report-app-5dbc89ff58-zqsn2
Namespace:      ebaogi
Priority:       0
Node:           xen15-142/
Start Time:     Thu, 09 Jul 2020 10:20:16 +0800
Labels:         app=ebaogi-report-app
                deploytime=2020-07-09-10-18-59-1594261139
                pod-template-hash=5dbc89ff58
Annotations:    <none>
Status:         Failed
Reason:         Evicted
Message:        The node was low on resource: ephemeral-storage. Container ebaogi-report-app was using 108488Ki, which exceeds its request of 0.
Controlled By:  ReplicaSet/ebaogi-report-app-5dbc89ff58

Name:                 postgres-keycloak-6d8858f5b-4khf2
Namespace:            admin
Priority:             1000000
Priority Class Name:  kaapana-high-priority
Service Account:      default
Node:                 kaapana/192.168.1.91
Start Time:           Mon, 22 Jan 2024 11:56:36 +0000
Status:               Failed
Reason:               Evicted
Controlled By:  ReplicaSet/postgres-keycloak-6d8858f5b
Containers:
  postgres-keycloak-container:
    Image:          registry.gitlab.com/alem42/kaapana/postgres-15.2-alpine:0.2.
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        // The cut pod's lines belong to no object.
        assert_eq!(d.skipped.len(), 7);
        assert!(d.skipped.iter().all(|(line, _)| *line <= 7));
        assert_eq!(d.pods.len(), 2);
        assert_eq!(
            (d.pods[0].line, d.pods[0].name.as_str()),
            (9, "ebaogi-report-app-5dbc89ff58-zqsn2")
        );
        assert_eq!(
            (d.pods[1].line, d.pods[1].name.as_str()),
            (23, "postgres-keycloak-6d8858f5b-4khf2")
        );
        assert_eq!(d.pods[0].node.as_deref(), Some("xen15-142"));
        assert_eq!(d.pods[0].owners[0].name, "ebaogi-report-app-5dbc89ff58");
        assert_eq!(d.pods[1].namespace.as_deref(), Some("admin"));
        assert_eq!(d.pods[1].containers.len(), 1);
        assert_eq!(d.rows, 2);
    }

    // kubernetes/website, concepts/workloads/controllers/deployment.md ("Rolling Back a Deployment"): a
    // Deployment printed two spaces in (a Markdown list), its events in the 1.5 layout with spaces.
    const DEPLOYMENT: &str = r#"  Name:           nginx-deployment
  Namespace:      default
  CreationTimestamp:  Tue, 15 Mar 2016 14:48:04 -0700
  Labels:         app=nginx
  Selector:       app=nginx
  Replicas:       3 desired | 1 updated | 4 total | 3 available | 1 unavailable
  StrategyType:       RollingUpdate
  MinReadySeconds:    0
  RollingUpdateStrategy:  25% max unavailable, 25% max surge
  Pod Template:
    Labels:  app=nginx
    Containers:
     nginx:
      Image:        nginx:1.161
      Port:         80/TCP
      Host Port:    0/TCP
      Environment:  <none>
      Mounts:       <none>
    Volumes:        <none>
  Conditions:
    Type           Status  Reason
    ----           ------  ------
    Available      True    MinimumReplicasAvailable
    Progressing    True    ReplicaSetUpdated
  OldReplicaSets:     nginx-deployment-1564180365 (3/3 replicas created)
  NewReplicaSet:      nginx-deployment-3066724191 (1/1 replicas created)
  Events:
    FirstSeen LastSeen    Count   From                    SubObjectPath   Type        Reason              Message
    --------- --------    -----   ----                    -------------   --------    ------              -------
    1m        1m          1       {deployment-controller }                Normal      ScalingReplicaSet   Scaled up replica set nginx-deployment-2035384211 to 3
    22s       22s         1       {deployment-controller }                Normal      ScalingReplicaSet   Scaled up replica set nginx-deployment-1564180365 to 1
    13s       13s         1       {deployment-controller }                Normal      ScalingReplicaSet   Scaled up replica set nginx-deployment-3066724191 to 1
"#;

    #[test]
    fn deployment_gives_its_events_only() {
        let d = parse(DEPLOYMENT.as_bytes());
        accounted(DEPLOYMENT, &d);
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert!(d.pods.is_empty() && d.nodes.is_empty() && d.jobs.is_empty());
        assert_eq!(d.events.len(), 3);
        let e = &d.events[2];
        assert_eq!(e.object.kind.as_deref(), Some("Deployment"));
        assert_eq!(
            (e.object.name.as_str(), e.object.namespace.as_deref()),
            ("nginx-deployment", Some("default"))
        );
        assert_eq!(e.object.field_path, None);
        assert_eq!(
            (e.source.as_deref(), e.event_type.as_deref()),
            (Some("deployment-controller"), Some("Normal"))
        );
        assert_eq!((e.first, e.last), (ago(13, 1), ago(13, 1)));
        assert_eq!(e.message, "Scaled up replica set nginx-deployment-3066724191 to 1");
        assert_eq!(
            d.newest_absolute, None,
            "only pods, nodes, Jobs and CronJobs have their times read"
        );
    }

    #[test]
    fn event_message_continued_on_shallower_lines() {
        // kubernetes/website, tasks/debug/debug-application/debug-pods.md (kubectl 1.5, tabs kept): the pod
        // printed two spaces in; the scheduler's message goes on over lines of its own.
        let text = "kubectl describe pod nginx-deployment-1370807587-fz9sd
  Name:\t\tnginx-deployment-1370807587-fz9sd
  Namespace:\tdefault
  Node:\t\t/
  Labels:\t\tapp=nginx,pod-template-hash=1370807587
  Status:\t\tPending
  IP:
  Controllers:\tReplicaSet/nginx-deployment-1370807587
  Containers:
    nginx:
      Image:\tnginx
      Port:\t80/TCP
      QoS Tier:
        memory:\tGuaranteed
        cpu:\tGuaranteed
      Limits:
        cpu:\t1
        memory:\t128Mi
      Requests:
        cpu:\t1
        memory:\t128Mi
      Environment Variables:
  Volumes:
    default-token-4bcbi:
      Type:\tSecret (a volume populated by a Secret)
      SecretName:\tdefault-token-4bcbi
  Events:
    FirstSeen\tLastSeen\tCount\tFrom\t\t\t        SubobjectPath\tType\t\tReason\t\t\t    Message
    ---------\t--------\t-----\t----\t\t\t        -------------\t--------\t------\t\t\t    -------
    1m\t\t    48s\t\t    7\t    {default-scheduler }\t\t\t        Warning\t\tFailedScheduling\tpod (nginx-deployment-1370807587-fz9sd) failed to fit in any node
  fit failure on node (kubernetes-node-6ta5): Node didn't have enough resource: CPU, requested: 1000, used: 1420, capacity: 2000
  fit failure on node (kubernetes-node-wul5): Node didn't have enough resource: CPU, requested: 1000, used: 1100, capacity: 2000
Here you can see the event generated by the scheduler saying that the Pod failed to schedule for reason FailedScheduling (and possibly others).
";
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert_eq!(
            d.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
            [1, line_of(text, "Here you can see")]
        );
        let pod = &d.pods[0];
        assert_eq!((pod.line, pod.node.as_deref()), (2, None));
        assert_eq!(pod.owners[0].name, "nginx-deployment-1370807587");
        let c = &pod.containers[0];
        assert_eq!(
            c.limits,
            [("cpu".into(), "1".into()), ("memory".into(), "128Mi".into())]
        );
        assert_eq!(d.events.len(), 1);
        let e = &d.events[0];
        assert_eq!((e.first, e.last, e.count), (ago(60, 60), ago(48, 1), 7));
        assert_eq!(
            (e.source.as_deref(), e.reason.as_deref()),
            (Some("default-scheduler"), Some("FailedScheduling"))
        );
        assert_eq!(
            e.message,
            "pod (nginx-deployment-1370807587-fz9sd) failed to fit in any node \
             fit failure on node (kubernetes-node-6ta5): Node didn't have enough resource: CPU, requested: 1000, used: 1420, capacity: 2000 \
             fit failure on node (kubernetes-node-wul5): Node didn't have enough resource: CPU, requested: 1000, used: 1100, capacity: 2000"
        );
    }

    #[test]
    fn init_container_killed() {
        // Spacelift's Kubernetes worker docs (troubleshooting, kubectl 1.29): the init container OOMKilled, the
        // command line before the output, the rest of the output elided.
        let text = r#"$ kubectl describe pods -l "workers.spacelift.io/run-id=01HPS85J6SRG37DG6FGNRZGHMM"
Name:             01hps85j6srg37dg6fgnrzghmm-preparing-2
Namespace:        default
Priority:         0
Service Account:  default
Node:             kind-control-plane/172.18.0.2
Start Time:       Fri, 16 Feb 2024 15:22:17 +0000
Labels:           workers.spacelift.io/run-id=01HPS85J6SRG37DG6FGNRZGHMM
                  workers.spacelift.io/worker=01HPS7FRV3JJWWVJ1P9RQ7JN2N
Annotations:      <none>
Status:           Failed
IP:               10.244.0.14
IPs:
  IP:           10.244.0.14
Controlled By:  Worker/local-pool-01hps7frv3jjwwvj1p9rq7jn2n
Init Containers:
  init:
    Container ID:  containerd://567f505a638e0b42e23d275a5a1b75f40ac6b706490ada9ea7901219b54e43c8
    Image:         public.ecr.aws/spacelift-dev/launcher:2ff3b7ad1d532ca51b5b2c54ded40ad19669d379
    Image ID:      public.ecr.aws/spacelift-dev/launcher@sha256:baa99ca405f5c42cc16b5e93b5faa9467c8431c048f814e9623bdfee0bef8c4d
    Port:          <none>
    Host Port:     <none>
    Command:
      /usr/bin/spacelift-launcher
    Args:
      init
    State:          Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Fri, 16 Feb 2024 15:22:17 +0000
      Finished:     Fri, 16 Feb 2024 15:22:17 +0000

...
"#;
        let d = parse(text.as_bytes());
        accounted(text, &d);
        assert_eq!(d.skipped, [(1, "not part of a described object".to_string())]);
        let pod = &d.pods[0];
        assert_eq!(pod.line, 2);
        assert_eq!(pod.owners[0].kind.as_deref(), Some("Worker"));
        let c = &pod.containers[0];
        assert_eq!((c.name.as_str(), c.init), ("init", true));
        assert_eq!(
            (c.state.as_deref(), c.state_reason.as_deref()),
            (Some("Terminated"), Some("OOMKilled"))
        );
        // A terminated state began when the container finished.
        assert_eq!(c.state_since, Some(When::At(1_708_096_937 * S)));
        assert_eq!(c.last_termination, None);
    }

    #[test]
    fn crlf_and_invalid_utf8_are_read() {
        let mut bytes = OOM.replace('\n', "\r\n").into_bytes();
        let at =
            OOM.find("Need to kill Pod").unwrap() + OOM[..OOM.find("Need to kill Pod").unwrap()].matches('\n').count();
        bytes.insert(at, 0xff);
        let d = parse(&bytes);
        let plain = parse(OOM.as_bytes());
        assert_eq!(
            (d.rows, d.structure_lines, d.skipped.len()),
            (plain.rows, plain.structure_lines, 0)
        );
        assert_eq!(d.pods, plain.pods);
        assert_eq!(
            d.events[4].message,
            "Killing container with id ead3fb35-5cf5-44ed-9ae1-488115be66c6: \u{fffd}Need to kill Pod"
        );
        assert_eq!(d.events[..4], plain.events[..4]);
    }

    #[test]
    fn garbage_never_panics() {
        // Random runs of describe's own pieces, so that the parser meets half-formed objects and tables.
        const PIECES: &[&[u8]] = &[
            b"Name:",
            b"Events:",
            b"Conditions:",
            b"Containers:",
            b"  etcd:",
            b"State:",
            b"Last State:",
            b"Started:",
            b"Terminated",
            b"Type",
            b"Status",
            b"Reason",
            b"Age",
            b"From",
            b"Message",
            b"FirstSeen",
            b"LastSeen",
            b"Count",
            b"Normal",
            b"Warning",
            b"True",
            b"5s",
            b"(x2 over 3m)",
            b"{kubelet",
            b"}",
            b",",
            b"Wed,",
            b"01 Apr 2015 07:49:19 -0400",
            b"----",
            b"Liveness:",
            b"delay=",
            b"#failure=",
            b"spec.x{y}: ",
            b"/",
            b" ",
            b"  ",
            b"    ",
            b"\t",
            b"\n",
            b"\n",
            b"\r\n",
            b":",
            b"\xe2\x82\xac",
            b"\xff",
            b"\xe2\x82",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut noise = Vec::new();
        for _ in 0..40_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            noise.extend_from_slice(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        let giant = format!(
            "Name: x\nEvents:\n  Type  Reason  Age  From  Message\n  Normal  R  5s  k  {}\n",
            "m".repeat(1 << 20)
        );
        let cases: Vec<Vec<u8>> = vec![
            noise,
            giant.into_bytes(),
            b"".to_vec(),
            b"\n\n\n".to_vec(),
            b"Name:".to_vec(),
            b"Name:\nEvents:\n".to_vec(),
            "Name: n\nConditions:\n  Type    Status\n  \u{20ac}\u{20ac}\u{20ac} True\n\u{20ac}x \u{20ac}\n".into(),
            b"Name: n\nEvents:\n  Type Reason Age From Message\n  Normal\n  Normal R\n  Normal R 5s\n  Warning R 5s (x\n".to_vec(),
            b"Name: n\nEvents:\n  FirstSeen LastSeen Count From Reason Message\n  Wed, 01\n  1m 1m x\n  1m 1m 1 {open\n".to_vec(),
            "Name:\t\t\t\u{feff}x\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tdeep\nContainers:\n  c:\n    State:\n      Started: never\n".into(),
        ];
        for case in &cases {
            let d = parse(case);
            let text = String::from_utf8_lossy(case);
            accounted(&text, &d);
        }
        assert!(!looks_like(&cases[0]));
    }

    #[test]
    fn describe_heads_are_recognised() {
        assert!(looks_like(ETCD.as_bytes()));
        assert!(looks_like(MICROK8S_NODE.as_bytes()));
        assert!(looks_like(TABBED_NODE.as_bytes()));
        assert!(looks_like(OLD_JOB.as_bytes()));
        assert!(looks_like(
            b"\n\nName:               monotop\r\nRoles:              <none>\r\n"
        ));
        // The shell prompt above the output is allowed.
        assert!(looks_like(CRONJOB.as_bytes()));
        // YAML, an events table, a lone `Name:` line, a `Name:` with no describe key after it.
        assert!(!looks_like(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"));
        assert!(!looks_like(b"name: x\nnamespace: y\n"));
        assert!(!looks_like(b"LAST SEEN   TYPE      REASON    OBJECT    MESSAGE\n"));
        assert!(!looks_like(b"Name:   x\n"));
        assert!(!looks_like(b"Name:   x\nSomething: else\n"));
    }
}
