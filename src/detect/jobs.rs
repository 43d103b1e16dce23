//! `job-pod-lag` (time from a Job's creation to its first Pod) and `cronjob-backlog` (Jobs of one CronJob
//! waiting for their Pods at the same time), from controller events (dumped or echoed) and Job objects.

use super::{evidence, median, num, secs, Context};
use crate::model::{Finding, SourceRef};
use parsers::kubectl::When;
use std::collections::BTreeMap;

/// What is known of one Job.
#[derive(Default, Clone)]
struct JobTimes {
    cronjob: Option<String>,
    created: Option<i64>,
    first_pod: Option<i64>,
    sources: Vec<SourceRef>,
}

type JobKey = (String, String);

/// Both findings; each `Err` says what is missing.
pub fn detect(ctx: &Context) -> (Result<Vec<Finding>, String>, Result<Vec<Finding>, String>) {
    let jobs = job_times(ctx);
    if jobs.is_empty() {
        let missing = "no Job creation records (controller-manager logs, events or Job objects)".to_string();
        return (Err(missing.clone()), Err(missing));
    }
    let lag = lag_findings(ctx, &jobs);
    let backlog = backlog_findings(ctx, &jobs);
    (Ok(lag), Ok(backlog))
}

/// Creation and first-Pod times per Job: CronJob `SuccessfulCreate: Created job X`, Job
/// `SuccessfulCreate: Created pod: Y`, and Job objects' creation times.
fn job_times(ctx: &Context) -> BTreeMap<JobKey, JobTimes> {
    let mut jobs: BTreeMap<JobKey, JobTimes> = BTreeMap::new();
    for e in ctx.events {
        let k = &e.key;
        if k.reason != "SuccessfulCreate" {
            continue;
        }
        let ns = k.namespace.clone();
        let first = e.first.map(|p| p.at);
        if k.kind == "CronJob" {
            if let Some(job) = k.message.strip_prefix("Created job ") {
                let j = jobs.entry((ns, job.trim().to_string())).or_default();
                j.cronjob = Some(k.name.clone());
                j.created = min(j.created, first);
                j.sources.extend(e.sources.iter().take(1).cloned());
            }
        } else if k.kind == "Job" && k.message.starts_with("Created pod:") {
            let j = jobs.entry((ns, k.name.clone())).or_default();
            j.first_pod = min(j.first_pod, first);
            j.sources.extend(e.sources.iter().take(1).cloned());
        }
    }
    for s in &ctx.state.jobs {
        let ns = s.item.namespace.clone().unwrap_or_default();
        let j = jobs.entry((ns, s.item.name.clone())).or_default();
        if let Some(When::At(t)) = s.item.created {
            j.created = min(j.created, Some(t));
        }
        if j.cronjob.is_none() {
            j.cronjob = s
                .item
                .owners
                .iter()
                .find(|o| o.kind.as_deref() == Some("CronJob"))
                .map(|o| o.name.clone());
        }
    }
    jobs.retain(|_, j| j.created.is_some());
    jobs
}

fn min(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.into_iter().chain(b).min()
}

fn lag_findings(ctx: &Context, jobs: &BTreeMap<JobKey, JobTimes>) -> Vec<Finding> {
    let lags: Vec<(&JobKey, &JobTimes, f64)> = jobs
        .iter()
        .filter_map(|(k, j)| Some((k, j, secs(j.created?, j.first_pod?))))
        .collect();
    let threshold = ctx.thresholds.job_pod_lag_s;
    let late: Vec<&(&JobKey, &JobTimes, f64)> = lags.iter().filter(|(_, _, l)| *l > threshold).collect();
    if late.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<f64> = lags.iter().map(|(_, _, l)| *l).collect();
    let median_all = median(&mut all).unwrap_or_default();
    let max = late.iter().map(|(_, _, l)| *l).fold(0.0, f64::max);
    let start = late.iter().filter_map(|(_, j, _)| j.created).min();
    let end = late.iter().filter_map(|(_, j, _)| j.first_pod).max();
    let mut per_job = serde_json::Map::new();
    for (k, _, l) in &lags {
        per_job.insert(format!("{}/{}", k.0, k.1), num(*l));
    }
    let mut measured = serde_json::Map::new();
    measured.insert("count".into(), late.len().into());
    measured.insert("jobs".into(), lags.len().into());
    measured.insert("lag_s".into(), num(max));
    measured.insert("lag_median_s".into(), num(median_all));
    measured.insert("threshold_s".into(), num(threshold));
    measured.insert("per_job".into(), per_job.into());
    let stuck = jobs.values().filter(|j| j.first_pod.is_none()).count();
    if stuck > 0 {
        measured.insert("without_pod".into(), stuck.into());
    }
    let (worst_key, _, _) = late.iter().max_by(|a, b| a.2.total_cmp(&b.2)).expect("not empty");
    vec![Finding {
        id: "job-pod-lag".into(),
        severity: if max > 10.0 * threshold { "critical" } else { "warning" }.into(),
        title: format!(
            "{} of {} Jobs got their first Pod late (max {}, median {})",
            late.len(),
            lags.len(),
            words(max),
            words(median_all)
        ),
        start,
        end,
        subjects: late.iter().map(|(k, _, _)| format!("job/{}/{}", k.0, k.1)).collect(),
        measured,
        evidence: evidence(late.iter().flat_map(|(_, j, _)| j.sources.iter())),
        explanation: format!(
            "From a Job's creation to its first Pod's creation took more than {threshold:.0} s for {} of {} Jobs: \
             up to {} (job {}/{}), median {} over all Jobs. The job controller creates the Pod at once unless \
             the create request fails or waits (admission webhooks, quota, API server trouble).",
            late.len(),
            lags.len(),
            words(max),
            worst_key.0,
            worst_key.1,
            words(median_all)
        ),
        remediation: "Look at what failed the job controller's Pod creations in the same window (FailedCreate \
                      events, webhook failures in the API server log) and fix that; the lag goes away with it."
            .into(),
        caused_by: Vec::new(),
        known: None,
    }]
}

fn backlog_findings(ctx: &Context, jobs: &BTreeMap<JobKey, JobTimes>) -> Vec<Finding> {
    let mut by_cronjob: BTreeMap<(String, String), Vec<&JobTimes>> = BTreeMap::new();
    for ((ns, _), j) in jobs {
        if let Some(cj) = &j.cronjob {
            by_cronjob.entry((ns.clone(), cj.clone())).or_default().push(j);
        }
    }
    let mut out = Vec::new();
    for ((ns, cj), list) in by_cronjob {
        let series = backlog_series(&list);
        let Some(&(peak_at, peak)) = series.iter().max_by_key(|(t, n)| (*n, std::cmp::Reverse(*t))) else {
            continue;
        };
        if peak < ctx.thresholds.cronjob_backlog {
            continue;
        }
        let spec = ctx
            .state
            .cronjobs
            .iter()
            .find(|c| c.item.name == cj && c.item.namespace.as_deref().is_none_or(|n| n == ns));
        let policy = spec.and_then(|c| c.item.concurrency_policy.clone());
        let missed: u64 = ctx
            .events
            .iter()
            .filter(|e| e.key.name == cj && matches!(e.key.reason.as_str(), "TooManyMissedTimes" | "MissSchedule"))
            .map(|e| e.count)
            .sum();
        let start = series.iter().find(|(_, n)| *n >= 2).map(|(t, _)| *t);
        let end = series.iter().rev().find(|(_, n)| *n >= 2).map(|(t, _)| *t);
        let end = series
            .iter()
            .find(|(t, n)| *n < 2 && Some(*t) > end)
            .map(|(t, _)| *t)
            .or(end);
        let mut measured = serde_json::Map::new();
        measured.insert("count".into(), peak.into());
        measured.insert("jobs".into(), list.len().into());
        measured.insert(
            "backlog_over_time".into(),
            series
                .iter()
                .map(|(t, n)| serde_json::json!([crate::model::format_time(*t), n]))
                .collect::<Vec<_>>()
                .into(),
        );
        if missed > 0 {
            measured.insert("missed_schedules".into(), missed.into());
        }
        let policy_words = match policy.as_deref() {
            Some("Forbid") | Some("Replace") => format!(
                "concurrencyPolicy {} allows one active Job, yet {peak} were waiting",
                policy.as_deref().unwrap_or_default()
            ),
            Some(p) => format!("concurrencyPolicy {p} starts a new Job on every schedule, so they pile up"),
            None => "the CronJob's concurrencyPolicy is not in the bundle".into(),
        };
        out.push(Finding {
            id: "cronjob-backlog".into(),
            severity: "warning".into(),
            title: format!("CronJob {ns}/{cj}: up to {peak} Jobs waiting for their Pods at once"),
            start,
            end,
            subjects: std::iter::once(format!("cronjob/{ns}/{cj}")).collect(),
            measured,
            evidence: evidence(
                list.iter()
                    .flat_map(|j| j.sources.iter())
                    .chain(spec.into_iter().flat_map(|c| c.sources.iter())),
            ),
            explanation: format!(
                "{} Jobs of CronJob {ns}/{cj} were created on schedule but waited for their Pods; at {} {peak} \
                 were waiting at once ({policy_words}).",
                list.len(),
                crate::model::format_time(peak_at)
            ),
            remediation: "Fix what delays the Pods; meanwhile set concurrencyPolicy Forbid and a \
                          startingDeadlineSeconds so late runs are skipped instead of piling up."
                .into(),
            caused_by: Vec::new(),
            known: None,
        });
    }
    out
}

/// How many Jobs wait for their first Pod, after each creation and each first Pod: `(time, waiting)`.
fn backlog_series(jobs: &[&JobTimes]) -> Vec<(i64, usize)> {
    let mut steps: Vec<(i64, i32)> = Vec::new();
    for j in jobs {
        let Some(c) = j.created else { continue };
        steps.push((c, 1));
        if let Some(p) = j.first_pod {
            steps.push((p.max(c), -1));
        }
    }
    // At equal times, Pods before creations: a Job served at once never counts as waiting.
    steps.sort_by_key(|&(t, d)| (t, d));
    let mut n: i32 = 0;
    steps
        .into_iter()
        .map(|(t, d)| {
            n += d;
            (t, n.max(0) as usize)
        })
        .collect()
}

/// `52 min`, `75 s`.
fn words(s: f64) -> String {
    if s >= 120.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{s:.1} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlog_counts_jobs_waiting_for_pods() {
        let s = 1_000_000_000i64;
        let j = |c: i64, p: Option<i64>| JobTimes {
            created: Some(c * s),
            first_pod: p.map(|p| p * s),
            ..JobTimes::default()
        };
        let jobs = [j(0, Some(600)), j(300, Some(610)), j(600, Some(620)), j(900, Some(900))];
        let refs: Vec<&JobTimes> = jobs.iter().collect();
        let series = backlog_series(&refs);
        let peak = series.iter().map(|(_, n)| *n).max().unwrap();
        assert_eq!(peak, 2, "{series:?}");
        // The Job served at once (900 -> 900) never waits.
        assert_eq!(series.last().unwrap(), &(900 * s, 0));
    }
}
