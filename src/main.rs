//! `postmortem` command line: argument parsing and exit codes only; the work is in the library.

use clap::{Parser, Subcommand};
use postmortem::analysis::{self, Options};
use postmortem::normalize::clock::ZoneRules;
use postmortem::replay;
use postmortem::report::{self, OutputFormat};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code: analysis done.
const EXIT_OK: u8 = 0;
/// Exit code: usage error, nothing readable in the inputs, or the report could not be written.
const EXIT_USAGE: u8 = 2;
/// `check`: a bundle did not find what it expects; `analyze --fail-on`: a finding reached the level.
const EXIT_FINDINGS: u8 = 1;

#[derive(Parser)]
#[command(name = "postmortem", version, about = "Offline Kubernetes incident analyzer", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read logs and dumps, print one merged UTC timeline (and findings).
    Analyze(AnalyzeArgs),
    /// Replay incident bundles (folders with an `expected.json`) and compare their findings, for CI.
    Check(CheckArgs),
}

/// `--fail-on` levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
enum FailOn {
    Warning,
    Critical,
}

impl FailOn {
    /// Whether a finding of `severity` is at or above this level.
    fn hit_by(self, severity: &str) -> bool {
        match severity {
            "critical" => true,
            "warning" => self == FailOn::Warning,
            _ => false,
        }
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// A bundle, or a folder of bundles (each a folder with its logs and an `expected.json`).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Rewrite each failing bundle's `expected.json` from what is found now.
    #[arg(long)]
    bless: bool,
    /// Also write the verdicts as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    #[command(flatten)]
    settings: SettingsArgs,
}

/// Where thresholds and known issues come from (both commands).
#[derive(clap::Args)]
struct SettingsArgs {
    /// Thresholds file (TOML, `[thresholds]`, `[[known]]`). Default: `postmortem.toml` in the current folder, if any.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Override one threshold: `job_pod_lag_s=120` (repeatable; names in README.md).
    #[arg(long = "threshold", value_name = "NAME=VALUE")]
    thresholds: Vec<String>,
    /// Known issues (TOML `[[known]]` tables), added to those of the config file (repeatable): reported with
    /// their reason, never counted by `--fail-on`, and not failing `check` when `expected.json` does not list them.
    #[arg(long = "known-issues", value_name = "FILE")]
    known_issues: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Folders, files, .gz files and tar archives to read (never modified).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Report format (default md). With one `-o FILE`, the format of FILE; with several, each file's format
    /// comes from its extension (.md, .html, .json, .txt, .xml = junit).
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Write the report to FILE instead of standard output (repeatable; never inside an input folder).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Vec<PathBuf>,
    /// Keep timeline rows that end at or after T (RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` in UTC).
    #[arg(long, value_name = "T")]
    since: Option<String>,
    /// Keep timeline rows that start at or before T.
    #[arg(long, value_name = "T")]
    until: Option<String>,
    /// Zone of sources that write wall clocks without zone: `Europe/Berlin`, `+02:00`, or per node / path
    /// prefix `node-3=Europe/Berlin` (repeatable). Default UTC.
    #[arg(long, value_name = "ZONE")]
    tz: Vec<String>,
    /// Year for yearless sources that have no other anchor (klog preamble, dated sources, file mtime).
    #[arg(long, value_name = "Y")]
    year: Option<i32>,
    /// When the kubectl dumps (events tables, describe, get) were taken, for their relative ages (`8m`).
    /// Without it: a time written in the dump, the file mtime, or an estimate from events seen elsewhere.
    #[arg(long = "taken-at", value_name = "T")]
    taken_at: Option<String>,
    /// Exit 1 when a finding at or above this severity is reported (after the report is written).
    #[arg(long = "fail-on", value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    settings: SettingsArgs,
    /// No progress bar, no summary on standard error.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let outcome = match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Check(args) => check(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("postmortem: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Replays the bundles; exit 0 when all pass, 1 when one fails.
fn check(args: CheckArgs) -> Result<u8, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let settings = postmortem::config::load(args.settings.config.as_deref(), &cwd, &args.settings.thresholds)?;
    let known = known_issues(settings.known, &args.settings.known_issues)?;
    let mut bundles = Vec::new();
    for d in &args.dirs {
        bundles.extend(replay::bundles(d)?);
    }
    if let Some(out) = &args.junit {
        refuse_inside_inputs(out, &args.dirs)?;
    }
    let base = Options {
        thresholds: settings.thresholds,
        ..Options::default()
    };
    let mut verdicts = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for b in &bundles {
        let v = replay::replay(b, &base, &known, args.bless);
        let known_note = if v.known > 0 {
            format!(", {} known", v.known)
        } else {
            String::new()
        };
        let line = match (v.passed(), v.blessed) {
            (true, _) => format!(
                "pass  {} ({} findings{known_note}, {:.2} s)",
                v.name, v.found, v.seconds
            ),
            (false, true) => format!("bless {} ({} findings; expected.json rewritten)", v.name, v.found),
            (false, false) => format!("FAIL  {}", v.name),
        };
        let _ = writeln!(stdout, "{}", report::sanitize::for_terminal(&line));
        if !v.passed() {
            for d in &v.diffs {
                let _ = writeln!(stdout, "      {}", report::sanitize::for_terminal(d));
            }
        }
        verdicts.push(v);
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, replay::junit(&verdicts)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let failed = verdicts.iter().filter(|v| !v.passed() && !v.blessed).count();
    let _ = writeln!(
        stdout,
        "{} bundles, {} passed, {failed} failed",
        verdicts.len(),
        verdicts.len() - failed
    );
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FINDINGS })
}

/// Analyzes and writes the report; exit 0, or 1 with `--fail-on` when a finding reaches its level.
fn analyze(args: AnalyzeArgs) -> Result<u8, String> {
    let mut zones = ZoneRules::default();
    for z in &args.tz {
        zones.add(z).map_err(|e| format!("--tz {z}: {e}"))?;
    }
    if let Some(y) = args.year {
        if !(1970..=2200).contains(&y) {
            return Err(format!("--year {y}: a log year is between 1970 and 2200"));
        }
    }
    let since = args
        .since
        .as_deref()
        .map(parse_time)
        .transpose()
        .map_err(|e| format!("--since: {e}"))?;
    let until = args
        .until
        .as_deref()
        .map(parse_time)
        .transpose()
        .map_err(|e| format!("--until: {e}"))?;
    let taken_at = args
        .taken_at
        .as_deref()
        .map(parse_time)
        .transpose()
        .map_err(|e| format!("--taken-at: {e}"))?;
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    let outputs = plan_outputs(args.format, &args.output)?;
    for (out, _) in &outputs {
        refuse_inside_inputs(out, &args.paths)?;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let settings = postmortem::config::load(args.settings.config.as_deref(), &cwd, &args.settings.thresholds)?;
    let known = known_issues(settings.known, &args.settings.known_issues)?;
    let opts = Options {
        inputs: args.paths.clone(),
        zones,
        year: args.year,
        since,
        until,
        taken_at,
        thresholds: settings.thresholds,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    };
    let started = std::time::Instant::now();
    let mut a = analysis::analyze(&opts).map_err(|e| e.to_string())?;
    postmortem::known::mark(&mut a.findings, &known);
    if outputs.is_empty() {
        let format = args.format.unwrap_or(OutputFormat::Md);
        let color =
            format == OutputFormat::Text && use_color(std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR"));
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        match report::render(&a, format, color, &mut w).and_then(|_| w.flush()) {
            Ok(()) => {}
            // A closed pipe (`| head`) is the reader's choice, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(format!("cannot write the report: {e}")),
        }
    }
    for (path, format) in &outputs {
        let file = std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut w = BufWriter::new(file);
        report::render(&a, *format, false, &mut w)
            .and_then(|_| w.flush())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // Known issues are reported, never counted against `--fail-on`.
    let failing = args.fail_on.map_or(0, |level| {
        a.findings
            .iter()
            .filter(|f| f.known.is_none() && level.hit_by(&f.severity))
            .count()
    });
    let known_count = a.findings.iter().filter(|f| f.known.is_some()).count();
    let summary = (
        a.totals.sources,
        a.totals.lines,
        a.totals.skipped_lines,
        a.timeline.len(),
        a.findings.len(),
    );
    // The process ends here: freeing 100,000 rows one by one would only delay the exit.
    std::mem::forget(a);
    if !args.quiet {
        let (sources, lines, skipped, rows, findings) = summary;
        let known_note = if known_count > 0 {
            format!(" ({known_count} known)")
        } else {
            String::new()
        };
        eprintln!(
            "postmortem: {sources} sources, {lines} lines ({skipped} not recognised), {rows} timeline rows, \
             {findings} findings{known_note} in {:.2?}",
            started.elapsed()
        );
    }
    if failing > 0 {
        if !args.quiet {
            eprintln!("postmortem: {failing} findings at or above --fail-on: exit 1");
        }
        return Ok(EXIT_FINDINGS);
    }
    Ok(EXIT_OK)
}

/// Colour only on a terminal, and only when `NO_COLOR` is unset or empty (no-color.org).
fn use_color(stdout_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stdout_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// The known issues of the config file, then those of each `--known-issues FILE`.
fn known_issues(
    mut from_config: Vec<postmortem::known::KnownIssue>,
    files: &[PathBuf],
) -> Result<Vec<postmortem::known::KnownIssue>, String> {
    for f in files {
        from_config.extend(postmortem::known::load(f)?);
    }
    Ok(from_config)
}

/// Each `-o FILE` with its format: `--format` when there is one output, else (and when `--format` is not
/// given) the file's extension. Several outputs with `--format`, an extension that names no format, or the
/// same file twice are usage errors.
fn plan_outputs(format: Option<OutputFormat>, outputs: &[PathBuf]) -> Result<Vec<(PathBuf, OutputFormat)>, String> {
    const KNOWN: &str = ".md, .html or .htm, .json, .txt, .xml (junit)";
    if outputs.len() > 1 && format.is_some() {
        return Err(format!(
            "--format applies to a single output; with several -o, each file's extension gives its format ({KNOWN})"
        ));
    }
    let mut planned: Vec<(PathBuf, OutputFormat)> = Vec::new();
    for o in outputs {
        let f = match format.or_else(|| OutputFormat::from_extension(o)) {
            Some(f) => f,
            None => {
                return Err(format!(
                    "-o {}: cannot tell the report format from the file name; use one of {KNOWN}{}",
                    o.display(),
                    if outputs.len() == 1 { ", or give --format" } else { "" }
                ))
            }
        };
        let same = |p: &PathBuf| p == o || (absolute_parent(p).is_some() && absolute_parent(p) == absolute_parent(o));
        if planned.iter().any(|(p, _)| same(p)) {
            return Err(format!("-o {} is given twice", o.display()));
        }
        planned.push((o.clone(), f));
    }
    Ok(planned)
}

/// Nothing is ever written inside the input.
fn refuse_inside_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let out_abs = absolute_parent(out);
    for i in inputs {
        let Ok(input) = std::fs::canonicalize(i) else { continue };
        let inside = out_abs.as_ref().is_some_and(|o| o.starts_with(&input) || *o == input);
        if inside {
            return Err(format!(
                "refusing to write {} inside the input {} (postmortem never writes inside what it analyzes)",
                out.display(),
                i.display()
            ));
        }
    }
    Ok(())
}

/// The canonical path `out` would have (its parent canonicalized, the file name appended).
fn absolute_parent(out: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(out) {
        return Some(c);
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(out.file_name()?))
}

/// RFC 3339, or `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM:SS` taken as UTC.
fn parse_time(s: &str) -> Result<i64, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return t.timestamp_nanos_opt().ok_or_else(|| "out of range".to_string());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return t
                .and_utc()
                .timestamp_nanos_opt()
                .ok_or_else(|| "out of range".to_string());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        return t
            .and_utc()
            .timestamp_nanos_opt()
            .ok_or_else(|| "out of range".to_string());
    }
    Err(format!(
        "`{s}` is not a time (use RFC 3339 such as 2023-03-13T16:00:00Z, or 2023-03-13 16:00)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_color(true, None));
        assert!(use_color(true, Some("".into())));
        assert!(!use_color(true, Some("1".into())));
        assert!(!use_color(false, None));
    }

    #[test]
    fn outputs_take_their_format_from_the_flag_or_the_extension() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            plan_outputs(Some(OutputFormat::Json), &[p("out")]).unwrap(),
            vec![(p("out"), OutputFormat::Json)]
        );
        assert_eq!(
            plan_outputs(None, &[p("a.md"), p("b.xml")]).unwrap(),
            vec![(p("a.md"), OutputFormat::Md), (p("b.xml"), OutputFormat::Junit)]
        );
        assert!(plan_outputs(None, &[p("report")]).unwrap_err().contains("--format"));
        assert!(plan_outputs(None, &[p("a.md"), p("b.pdf")])
            .unwrap_err()
            .contains("b.pdf"));
        assert!(plan_outputs(Some(OutputFormat::Md), &[p("a.md"), p("b.md")]).is_err());
        assert!(plan_outputs(None, &[p("a.md"), p("./a.md")])
            .unwrap_err()
            .contains("twice"));
        assert!(plan_outputs(None, &[]).unwrap().is_empty());
    }
}
