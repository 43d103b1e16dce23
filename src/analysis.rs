//! One analysis run: read every input, decide each source's node, component and clock, place the kept rows in
//! UTC and merge them into one timeline.

use crate::detect;
use crate::dumps;
use crate::ingest::{self, Body, Problem, Progress, SourceMeta, SourceVisitor};
use crate::model::{Analysis, Input, Levels, SourceRef, TimelineRow, Totals, VERSION};
use crate::normalize::clock::{self, BootBasis, Reference, SourceClock, YearEvidence, ZoneRules};
use crate::normalize::entities;
use crate::scan::{self, SourceScan};
use crate::timeline::{self, Placed};
use parsers::{Format, RawTime, Severity};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

/// What to analyze and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Folders, files and archives.
    pub inputs: Vec<PathBuf>,
    /// `--tz` rules.
    pub zones: ZoneRules,
    /// `--year` for yearless sources with no other anchor.
    pub year: Option<i32>,
    /// Keep rows that end at or after this instant (ns).
    pub since: Option<i64>,
    /// Keep rows that start at or before this instant (ns).
    pub until: Option<i64>,
    /// Draw a progress bar on a terminal.
    pub progress: bool,
    /// `--taken-at`: when the kubectl dumps were taken (ns), for their relative ages.
    pub taken_at: Option<i64>,
    /// Detector thresholds.
    pub thresholds: detect::Thresholds,
}

/// Why an analysis produced nothing.
#[derive(Debug)]
pub enum AnalyzeError {
    /// No input could be read; the problems say why.
    NothingReadable(Vec<Problem>),
}

impl std::fmt::Display for AnalyzeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            AnalyzeError::NothingReadable(ps) => {
                write!(f, "nothing readable in the inputs")?;
                for p in ps.iter().take(20) {
                    write!(f, "\n  {}: {}", p.path, p.reason)?;
                }
                Ok(())
            }
        }
    }
}

struct Collector<'p> {
    scans: Mutex<Vec<SourceScan>>,
    problems: Mutex<Vec<Problem>>,
    progress: &'p Progress,
}

impl SourceVisitor for Collector<'_> {
    fn visit(&self, meta: SourceMeta, body: Body<'_>) {
        let s = scan::scan_source(meta, body, self.progress);
        self.scans.lock().expect("no panics while locked").push(s);
    }
    fn problem(&self, problem: Problem) {
        self.problems.lock().expect("no panics while locked").push(problem);
    }
}

/// Runs one analysis.
pub fn analyze(opts: &Options) -> Result<Analysis, AnalyzeError> {
    let progress = Progress::new(None, opts.progress);
    let collector = Collector {
        scans: Mutex::new(Vec::new()),
        problems: Mutex::new(Vec::new()),
        progress: &progress,
    };
    let phases = Phases::start();
    ingest::ingest(&opts.inputs, &collector, &progress);
    phases.mark("scan");
    progress.finish();
    let mut scans = collector.scans.into_inner().expect("not poisoned");
    let problems = collector.problems.into_inner().expect("not poisoned");
    scans.sort_by(|a, b| a.meta.path.cmp(&b.meta.path));
    if scans.iter().all(|s| s.counts.lines == 0) {
        let mut all = problems;
        all.extend(scans.iter().flat_map(|s| {
            s.problems.iter().map(|p| Problem {
                path: s.meta.path.clone(),
                reason: p.clone(),
            })
        }));
        if all.is_empty() {
            all.push(Problem {
                path: "(inputs)".into(),
                reason: "no files found".into(),
            });
        }
        return Err(AnalyzeError::NothingReadable(all));
    }
    let a = assemble(scans, problems, opts, &phases);
    phases.mark("total");
    Ok(a)
}

/// Phase durations on standard error when `POSTMORTEM_TIMINGS` is set (for profiling; the report is
/// unchanged).
struct Phases {
    start: Option<std::time::Instant>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            start: std::env::var_os("POSTMORTEM_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }

    /// Prints the time since the start, labelled.
    fn mark(&self, phase: &str) {
        if let Some(t) = self.start {
            eprintln!("postmortem: timing {phase} done at {:.3} s", t.elapsed().as_secs_f64());
        }
    }
}

/// What is decided for a source as a whole.
struct Facts {
    /// Why the source's zone is what it is (`zone Europe/Berlin (--tz node-3=…)`).
    zone_reason: String,
    node: Option<String>,
    component: Option<String>,
    pod: Option<(String, String)>,
    clock: SourceClock,
    time_basis: String,
}

fn assemble(scans: Vec<SourceScan>, problems: Vec<Problem>, opts: &Options, phases: &Phases) -> Analysis {
    let known_hosts: Vec<String> = {
        let mut h: Vec<String> = scans
            .iter()
            .flat_map(|s| s.hosts.iter().map(|(h, _)| h.clone()).chain(s.machine.clone()))
            .collect();
        h.sort();
        h.dedup();
        h
    };
    let mut facts: Vec<Facts> = scans.iter().map(|s| identify(s, &known_hosts, &opts.zones)).collect();
    decide_years(&scans, &mut facts, opts);
    decide_boots(&scans, &mut facts);
    for (s, f) in scans.iter().zip(facts.iter_mut()) {
        f.time_basis = describe_time(s, f, opts.year);
    }

    // Rows move out of the scans: the timeline owns them from here (no copy of the messages).
    let mut scans = scans;
    let rows: Vec<Vec<scan::row::RawRow>> = scans.iter_mut().map(|s| std::mem::take(&mut s.rows)).collect();
    let placed: Vec<Placed> = rows
        .into_par_iter()
        .zip(scans.par_iter().zip(facts.par_iter()))
        .enumerate()
        .flat_map_iter(|(i, (rows, (s, f)))| rows.into_iter().map(move |r| place(i, s, f, r)))
        .collect();
    let mut timeline = timeline::build(placed, opts.since, opts.until);
    phases.mark("timeline");
    let dump_inputs: Vec<dumps::DumpInput> = scans
        .iter_mut()
        .enumerate()
        .filter_map(|(i, s)| {
            let (kind, dump) = s.dump.take()?;
            Some(dumps::DumpInput {
                source: i,
                path: s.meta.path.clone(),
                kind,
                dump,
                // Archive tools write zero or default times (1980-01-01 in zip-derived tars): not a capture time.
                mtime: s.meta.mtime.and_then(system_ns).filter(|t| *t >= DEFAULT_TIMES_BEFORE),
            })
        })
        .collect();
    let mut joined = dumps::join(dump_inputs, &mut timeline, opts.taken_at, opts.since, opts.until);
    phases.mark("dumps");
    let mut reports: Vec<Option<dumps::DumpReport>> = (0..scans.len()).map(|_| None).collect();
    for (i, r) in std::mem::take(&mut joined.reports) {
        reports[i] = Some(r);
    }

    let mut totals = Totals::default();
    let mut inputs: Vec<Input> = scans
        .iter()
        .zip(&facts)
        .map(|(s, f)| {
            totals.sources += 1;
            totals.skipped_sources += s.format.is_none() as u64;
            totals.bytes += s.bytes;
            totals.lines += s.counts.lines;
            totals.parsed += s.parsed();
            totals.skipped_lines += s.skipped();
            input_of(s, f)
        })
        .zip(reports)
        .map(|(mut input, report)| {
            if let Some(r) = report {
                input.format = r.kind.to_string();
                input.first = input.first.into_iter().chain(r.first).min();
                input.last = input.last.into_iter().chain(r.last).max();
                input.time_basis = dump_time_basis(&r);
                input.dump = Some(r);
            }
            input
        })
        .collect();
    for p in problems {
        totals.skipped_sources += 1;
        let format = if p.reason == "empty file" {
            "empty"
        } else if p.reason == ingest::EXPECTED_REASON {
            "expected"
        } else {
            "unreadable"
        };
        inputs.push(Input {
            path: p.path,
            format: format.into(),
            node: None,
            component: None,
            lines: 0,
            parsed: 0,
            skipped: 0,
            blank: 0,
            first: None,
            last: None,
            time_basis: String::new(),
            problems: vec![p.reason],
            bytes: 0,
            levels: Levels::default(),
            dump: None,
        });
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    totals.kept = timeline.iter().map(|r| r.count).sum();
    let outcome = detect::run(&detect::Context {
        timeline: &timeline,
        events: &joined.events,
        state: &joined.state,
        inputs: &inputs,
        thresholds: &opts.thresholds,
    });
    phases.mark("detect");
    let node_periods = crate::periods::node_periods(&timeline);
    Analysis {
        version: VERSION,
        inputs,
        timeline,
        findings: outcome.findings,
        not_evaluated: outcome.not_evaluated,
        state: joined.state,
        node_periods,
        totals,
    }
}

/// Mtimes before 1990 are archive defaults, not when a file was written.
const DEFAULT_TIMES_BEFORE: i64 = 631_152_000 * 1_000_000_000;

/// How a dump's times were decided, in plain words.
fn dump_time_basis(r: &dumps::DumpReport) -> String {
    let read = format!(
        "{}: {} rows or objects, {} events ({} placed)",
        r.kind, r.rows, r.events, r.placed
    );
    match &r.capture {
        Some(c) => format!("{read}; relative ages counted back from the capture time: {}", c.detail),
        None => format!("{read}; absolute times as written"),
    }
}

fn identify(s: &SourceScan, known_hosts: &[String], zones: &ZoneRules) -> Facts {
    let path = &s.meta.path;
    let records = s.counts.records.max(1);
    let host = s
        .hosts
        .first()
        .filter(|(_, n)| n * 2 >= records)
        .map(|(h, _)| h.clone());
    let node = host
        .or_else(|| s.machine.clone())
        .or_else(|| entities::node_from_path(path, known_hosts));
    let pod = entities::pod_from_log_path(path);
    let file_name = path.rsplit(['/', '!']).next().unwrap_or(path);
    let component = s
        .idents
        .first()
        .filter(|(_, n)| n * 2 >= records)
        .map(|(i, _)| entities::component_from_ident(i).map_or_else(|| i.clone(), str::to_string))
        .or_else(|| pod.as_ref().map(|(_, c)| c.clone()))
        .or_else(|| entities::component_from_file_name(file_name).map(str::to_string))
        .or_else(|| entities::component_from_pod_folder(path).map(str::to_string))
        .or_else(|| component_from_format(s).map(str::to_string));
    let (zone, zone_reason) = zones.zone_for(node.as_deref(), path);
    Facts {
        node,
        component,
        pod,
        zone_reason,
        clock: SourceClock {
            year: None,
            rollovers: s.rollovers.clone(),
            zone,
            boot: None,
        },
        time_basis: String::new(),
    }
}

fn component_from_format(s: &SourceScan) -> Option<&'static str> {
    let (outer, inner) = s.format?;
    match (outer, inner) {
        (_, Format::Capnslog) | (Format::Capnslog, _) => Some("etcd"),
        (Format::Dmesg | Format::DmesgCtime, _) => Some("kernel"),
        _ => None,
    }
}

fn decide_years(scans: &[SourceScan], facts: &mut [Facts], opts: &Options) {
    // Every source's dated records (a zone, an epoch or a year written) are references, including the dated
    // lines of a file that also has yearless ones.
    let refs: Vec<Reference> = scans
        .iter()
        .zip(facts.iter())
        .enumerate()
        .filter_map(|(i, (s, f))| {
            let dated = s.extremes.iter().filter(|st| match st.time {
                RawTime::Instant { .. } => true,
                RawTime::Wall(w) => w.year != 0,
                _ => false,
            });
            let times: Vec<i64> = dated
                .filter_map(|st| f.clock.resolve(st.line, st.time))
                .map(|r| r.at)
                .collect();
            Some(Reference {
                source: i,
                node: f.node.clone(),
                min: *times.iter().min()?,
                max: *times.iter().max()?,
            })
        })
        .collect();
    let now_year = clock::year_of(now_ns());
    for (i, (s, f)) in scans.iter().zip(facts.iter_mut()).enumerate() {
        if s.times.wall_yearless == 0 {
            continue;
        }
        let ev = YearEvidence {
            first: s.first_yearless.map(|(_, w)| w),
            last: s.last_yearless.map(|(_, w)| w),
            rollovers: s.rollovers.iter().map(|r| r.step as i32).sum(),
            preamble: s.preamble,
            mtime: s.meta.mtime.and_then(system_ns),
        };
        let (year, basis) = clock::choose_year(&ev, i, f.node.as_deref(), &refs, opts.year, now_year);
        // `choose_year` gives the year of the first yearless line; rollovers before that line do not exist.
        f.clock.year = Some((year, basis));
    }
}

fn decide_boots(scans: &[SourceScan], facts: &mut [Facts]) {
    let mut boots: FxHashMap<Option<String>, i64> = FxHashMap::default();
    for (s, f) in scans.iter().zip(facts.iter()) {
        for a in &s.boot_anchors {
            if let Some(r) = f.clock.resolve(a.at.line, a.at.time) {
                let boot = r.at - a.since_boot as i64;
                let e = boots.entry(f.node.clone()).or_insert(boot);
                // The latest boot is the one a dmesg dump of the node speaks of.
                *e = (*e).max(boot);
            }
        }
    }
    for (s, f) in scans.iter().zip(facts.iter_mut()) {
        if s.times.since_boot == 0 {
            continue;
        }
        if let Some(b) = f.node.as_ref().and_then(|n| boots.get(&Some(n.clone()))) {
            f.clock.boot = Some((*b, BootBasis::SameNodeKernelLines));
        } else if let (Some(m), Some(last)) = (s.meta.mtime.and_then(system_ns), s.last) {
            if let RawTime::SinceBoot { nanos } = last.time {
                f.clock.boot = Some((m - nanos as i64, BootBasis::Mtime));
            }
        }
    }
}

/// `1 line`, `3 lines`.
fn count_lines(n: u64) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

fn describe_time(s: &SourceScan, f: &Facts, opts_year: Option<i32>) -> String {
    let t = &s.times;
    let mut parts = Vec::new();
    if t.instant > 0 {
        parts.push(format!("exact: offset or epoch written ({})", count_lines(t.instant)));
    }
    if t.wall_dated > 0 {
        parts.push(format!(
            "dated wall clock ({}): {}",
            count_lines(t.wall_dated),
            f.zone_reason
        ));
    }
    if t.wall_yearless > 0 {
        let year = match &f.clock.year {
            Some((y, clock::YearBasis::Mtime)) if opts_year.is_some_and(|g| g != *y) => format!(
                "year {y} from file mtime (--year {} comes after the mtime; strip the mtime to use it)",
                opts_year.unwrap_or_default()
            ),
            Some((y, basis)) => format!("year {y} from {basis}"),
            None => "year unknown".into(),
        };
        let roll = match s.rollovers.len() {
            0 => String::new(),
            n => format!(", {n} year change(s) inside the file"),
        };
        parts.push(format!(
            "wall clock without year ({}): {year}{roll}; {}",
            count_lines(t.wall_yearless),
            f.zone_reason
        ));
    }
    if t.since_boot > 0 {
        parts.push(match &f.clock.boot {
            Some((b, BootBasis::SameNodeKernelLines)) => format!(
                "time since boot ({}): boot at {} from kernel lines of the same node",
                count_lines(t.since_boot),
                crate::model::format_time(*b)
            ),
            Some((b, BootBasis::Mtime)) => format!(
                "time since boot ({}): boot at ~{} estimated from the file mtime (uncertain)",
                count_lines(t.since_boot),
                crate::model::format_time(*b)
            ),
            None => format!(
                "time since boot ({}): not placed (no kernel lines with wall times on this node, no mtime)",
                count_lines(t.since_boot)
            ),
        });
    }
    if t.none > 0 {
        parts.push(format!("no time ({})", count_lines(t.none)));
    }
    parts.join("; ")
}

fn place(source: usize, s: &SourceScan, f: &Facts, r: scan::row::RawRow) -> Placed {
    let first = f.clock.resolve(r.line, r.time);
    let last = f.clock.resolve(r.last_line, r.last_time);
    let component = r
        .section
        .as_deref()
        .map(str::to_string)
        .or_else(|| {
            r.ident
                .as_deref()
                .map(|i| entities::component_from_ident(i).map_or_else(|| i.to_string(), str::to_string))
        })
        .or_else(|| f.component.clone());
    Placed {
        row: Box::new(TimelineRow {
            at: first.map(|t| t.at),
            approx_s: first.and_then(|t| t.approx_s),
            node: r.host.as_deref().map(str::to_string).or_else(|| f.node.clone()),
            component,
            object: r
                .object
                .clone()
                .or_else(|| f.pod.as_ref().map(|(p, c)| format!("{p}:{c}"))),
            severity: r.severity.as_str(),
            message: r.message,
            count: r.count,
            last_at: last.map(|t| t.at).or(first.map(|t| t.at)),
            source: SourceRef {
                path: s.meta.path.clone(),
                line: r.line,
            },
            also_in: Vec::new(),
            signal: r.signal,
            time_inherited: r.time_inherited,
            peak: r.peak,
            time_kind: match (r.time, first) {
                (_, None) => "none",
                (RawTime::Instant { .. }, _) => "exact",
                (RawTime::Wall(w), _) if w.year != 0 => "wall",
                (RawTime::Wall(_), _) => "wall-year",
                (RawTime::SinceBoot { .. }, _) => "boot",
                (RawTime::None, _) => "none",
            },
        }),
        source,
        key: r.key,
    }
}

fn input_of(s: &SourceScan, f: &Facts) -> Input {
    // Earliest and latest, not first and last: journals can be reversed (`-r`) and files interleave clocks.
    let resolved = s.extremes.iter().chain(s.first.iter()).chain(s.last.iter());
    let times: Vec<i64> = resolved
        .filter_map(|st| f.clock.resolve(st.line, st.time))
        .map(|r| r.at)
        .collect();
    let (first, last) = (times.iter().min().copied(), times.iter().max().copied());
    let format = match s.format {
        None if s.bytes == 0 && s.problems.iter().all(|p| p == "empty file") => "empty".to_string(),
        // Nothing read, and not because there was nothing: a read error (e.g. gzip damaged at its start).
        None if s.bytes == 0 => "unreadable".to_string(),
        None => "binary".to_string(),
        Some(_) => describe_formats(s),
    };
    let sev = |x: Severity| s.severities[x as usize];
    Input {
        path: s.meta.path.clone(),
        format,
        node: f.node.clone(),
        component: f.component.clone(),
        lines: s.counts.lines,
        parsed: s.parsed(),
        skipped: s.skipped(),
        blank: s.counts.blank,
        first,
        last,
        time_basis: f.time_basis.clone(),
        problems: s.problems.clone(),
        bytes: s.bytes,
        dump: None,
        levels: Levels {
            critical: sev(Severity::Critical),
            error: sev(Severity::Error),
            warning: sev(Severity::Warning),
            info: sev(Severity::Info) + sev(Severity::Notice) + sev(Severity::Debug) + sev(Severity::Trace),
            unknown: sev(Severity::Unknown),
        },
    }
}

/// `journald-short>klog` for the dominant layer pair, `+zap-json` for other inner formats that make up at
/// least 5% of the records.
fn describe_formats(s: &SourceScan) -> String {
    let Some(&((outer, inner), _)) = s.formats.first() else {
        return s.format.map_or("text".into(), |(o, _)| o.as_str().to_string());
    };
    let mut out = if outer == inner {
        outer.as_str().to_string()
    } else {
        format!("{}>{}", outer.as_str(), inner.as_str())
    };
    let total: u64 = s.formats.iter().map(|(_, n)| n).sum();
    for &((o, i), n) in s.formats.iter().skip(1) {
        if n * 20 >= total {
            let name = if o == outer { i.as_str() } else { o.as_str() };
            if !out.contains(name) {
                out.push('+');
                out.push_str(name);
            }
        }
    }
    out
}

fn system_ns(t: SystemTime) -> Option<i64> {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

fn now_ns() -> i64 {
    system_ns(SystemTime::now()).unwrap_or(0)
}
