//! Turning raw times into UTC instants, honestly.
//!
//! Most node logs write a wall clock without zone and often without year. This module decides, per source:
//! the year (klog preamble, then full-dated records of other sources that overlap, then the file's mtime, then
//! `--year`), the Dec→Jan rollovers inside the file, the zone (`--tz`, per node or path), and for `dmesg` the
//! boot time. Each decision is kept so the report can say how every source's time was decided.

use chrono::{FixedOffset, LocalResult, NaiveDate, TimeZone};
use parsers::{RawTime, WallTime};
use std::fmt;
use std::str::FromStr;

const NANOS: i64 = 1_000_000_000;
const DAY: i64 = 86_400 * NANOS;

/// A time zone for wall-clock sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// UTC.
    Utc,
    /// A fixed offset east of UTC, in seconds.
    Fixed(i32),
    /// An IANA zone (`Europe/Berlin`), with its daylight-saving rules.
    Named(chrono_tz::Tz),
}

impl FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Zone, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t.eq_ignore_ascii_case("gmt") {
            return Ok(Zone::Utc);
        }
        if let Some(off) = parse_offset(t) {
            return Ok(if off == 0 { Zone::Utc } else { Zone::Fixed(off) });
        }
        t.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| {
            format!("unknown time zone `{s}` (use an IANA name such as Europe/Berlin, or an offset such as +02:00)")
        })
    }
}

/// `+02:00`, `-0530`, `+2`, `UTC+3`.
fn parse_offset(s: &str) -> Option<i32> {
    let s = s.strip_prefix("UTC").or_else(|| s.strip_prefix("utc")).unwrap_or(s);
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Zone::Utc => f.write_str("UTC"),
            Zone::Fixed(o) => {
                let sign = if *o < 0 { '-' } else { '+' };
                write!(f, "{sign}{:02}:{:02}", o.abs() / 3600, o.abs() % 3600 / 60)
            }
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

impl Zone {
    /// The UTC instant (ns) of a wall reading in `year` in this zone. A time skipped by a daylight-saving jump
    /// is read as if the clock had not jumped yet; an ambiguous one takes the earlier instant.
    pub fn to_utc(&self, w: &WallTime, year: i32) -> Option<i64> {
        let local = w.unix_nanos_in(year);
        let offset_secs = match self {
            Zone::Utc => 0,
            Zone::Fixed(o) => *o as i64,
            Zone::Named(tz) => {
                let date = NaiveDate::from_ymd_opt(year, w.month as u32, w.day as u32)?;
                let naive = date.and_hms_opt(w.hour as u32, w.minute as u32, w.second.min(59) as u32)?;
                let dt = match tz.from_local_datetime(&naive) {
                    LocalResult::Single(dt) => dt,
                    LocalResult::Ambiguous(a, _) => a,
                    // In a spring-forward gap the clock still showed the old offset: use the offset just before.
                    LocalResult::None => tz
                        .from_local_datetime(&(naive - chrono::Duration::hours(1)))
                        .earliest()?,
                };
                use chrono::Offset;
                let off: FixedOffset = dt.offset().fix();
                off.local_minus_utc() as i64
            }
        };
        Some(local - offset_secs * NANOS)
    }
}

/// `--tz` rules: a default zone and per-node or per-path overrides (`node-3=Europe/Berlin`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneRules {
    /// Zone of sources no rule names.
    pub default: Zone,
    /// Whether the default was given by the user.
    pub default_given: bool,
    /// `(selector, zone)`: the selector is a node name, or a display-path prefix.
    pub overrides: Vec<(String, Zone)>,
}

impl Default for ZoneRules {
    fn default() -> Self {
        ZoneRules {
            default: Zone::Utc,
            default_given: false,
            overrides: Vec::new(),
        }
    }
}

impl ZoneRules {
    /// Adds one `--tz` value: `ZONE` or `SELECTOR=ZONE`.
    pub fn add(&mut self, arg: &str) -> Result<(), String> {
        match arg.split_once('=') {
            Some((sel, zone)) if !sel.is_empty() => self.overrides.push((sel.to_string(), zone.parse()?)),
            _ => {
                self.default = arg.parse()?;
                self.default_given = true;
            }
        }
        Ok(())
    }

    /// The zone of a source and why. Node rules come first, then path rules (a prefix that ends at a `/`
    /// boundary: `nodes/node-1` does not select `nodes/node-10/…`), then the default.
    pub fn zone_for(&self, node: Option<&str>, path: &str) -> (Zone, String) {
        if let Some((sel, z)) = self.overrides.iter().find(|(sel, _)| node == Some(sel.as_str())) {
            return (*z, format!("zone {z} (--tz {sel}=…)"));
        }
        let under = |sel: &str| {
            let sel = sel.trim_end_matches('/');
            path == sel
                || path
                    .strip_prefix(sel)
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with("!/"))
        };
        if let Some((sel, z)) = self.overrides.iter().find(|(sel, _)| under(sel)) {
            return (*z, format!("zone {z} (--tz {sel}=… by path)"));
        }
        if self.default_given {
            (self.default, format!("zone {} (--tz)", self.default))
        } else {
            (
                self.default,
                format!("zone {} (assumed; --tz if the host was not on UTC)", self.default),
            )
        }
    }
}

/// A year change inside a yearless file: from `line` on the year moves by `step` (see [`year_step`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearStep {
    /// First line in the new year.
    pub line: u64,
    /// +1 or -1.
    pub step: i8,
}

/// The year step between two consecutive yearless readings: +1 when the month goes from Oct-Dec back to Jan-Mar
/// (New Year, even after a gap), -1 when it goes from Jan-Mar forward to Oct-Dec (a reversed journal, or a line
/// out of order around New Year). Other jumps keep the year: files are not read as spanning more than a year.
pub fn year_step(prev_month: u8, month: u8) -> i8 {
    match (prev_month, month) {
        (10..=12, 1..=3) => 1,
        (1..=3, 10..=12) => -1,
        _ => 0,
    }
}

/// How a yearless source's year was decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearBasis {
    /// The klog file preamble `Log file created at: YYYY/MM/DD`.
    Preamble,
    /// Full-dated records of other sources in the bundle that overlap this one.
    OtherSources {
        /// Whether the references were on the same node.
        same_node: bool,
    },
    /// Dated records of the same file (k3s journals carry zap JSON with full dates beside yearless klog).
    SameFile,
    /// The file's modification time (the last record is not after it).
    Mtime,
    /// `--year`.
    Flag,
    /// No anchor at all: the current year was assumed.
    Assumed,
}

impl fmt::Display for YearBasis {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            YearBasis::Preamble => f.write_str("klog preamble"),
            YearBasis::SameFile => f.write_str("dated lines of the same file"),
            YearBasis::OtherSources { same_node: true } => f.write_str("full-dated sources of the same node"),
            YearBasis::OtherSources { same_node: false } => f.write_str("full-dated sources of the bundle"),
            YearBasis::Mtime => f.write_str("file mtime"),
            YearBasis::Flag => f.write_str("--year"),
            YearBasis::Assumed => f.write_str("ASSUMED current year (no anchor; pass --year)"),
        }
    }
}

/// What a yearless source offers to year inference.
#[derive(Clone, Debug, Default)]
pub struct YearEvidence {
    /// First and last yearless wall readings (line order).
    pub first: Option<WallTime>,
    /// Last yearless wall reading.
    pub last: Option<WallTime>,
    /// Net year change from the first to the last yearless line (sum of the file's year steps).
    pub rollovers: i32,
    /// klog preamble creation time (has a year).
    pub preamble: Option<WallTime>,
    /// File mtime, ns since epoch.
    pub mtime: Option<i64>,
}

/// A time range (ns) of full-dated records, and the source and node it belongs to.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Index of the source the records are in.
    pub source: usize,
    /// Node of the source, when known.
    pub node: Option<String>,
    /// Earliest instant.
    pub min: i64,
    /// Latest instant.
    pub max: i64,
}

/// Decides the year of the first line of a yearless source.
pub fn choose_year(
    ev: &YearEvidence,
    source: usize,
    node: Option<&str>,
    refs: &[Reference],
    flag: Option<i32>,
    now_year: i32,
) -> (i32, YearBasis) {
    let (Some(first), Some(last)) = (ev.first, ev.last) else {
        return (
            flag.unwrap_or(now_year),
            if flag.is_some() {
                YearBasis::Flag
            } else {
                YearBasis::Assumed
            },
        );
    };
    if let Some(p) = ev.preamble {
        // A first record dated before the file was created belongs to the next year.
        let before = (first.month, first.day) < (p.month, p.day);
        return (p.year as i32 + before as i32, YearBasis::Preamble);
    }
    let same_file: Vec<&Reference> = refs.iter().filter(|r| r.source == source).collect();
    let same_node: Vec<&Reference> = refs
        .iter()
        .filter(|r| node.is_some() && r.node.as_deref() == node)
        .collect();
    let pools = [
        (same_file, YearBasis::SameFile),
        (same_node, YearBasis::OtherSources { same_node: true }),
        (
            refs.iter().collect::<Vec<_>>(),
            YearBasis::OtherSources { same_node: false },
        ),
    ];
    for (pool, basis) in pools {
        if let Some(y) = year_from_refs(first, last, ev.rollovers, &pool) {
            return (y, basis);
        }
    }
    if let Some(m) = ev.mtime {
        return (year_before(last, ev.rollovers, m), YearBasis::Mtime);
    }
    match flag {
        Some(y) => (y, YearBasis::Flag),
        None => (now_year, YearBasis::Assumed),
    }
}

/// The year that puts the source's span closest to the references (within 31 days), if any.
fn year_from_refs(first: WallTime, last: WallTime, rollovers: i32, refs: &[&Reference]) -> Option<i32> {
    if refs.is_empty() {
        return None;
    }
    let lo = refs.iter().map(|r| r.min).min()?;
    let hi = refs.iter().map(|r| r.max).max()?;
    let y_lo = year_of(lo) - 1;
    let y_hi = year_of(hi) + 1;
    let mut best: Option<(i64, i32)> = None;
    for y in y_lo..=y_hi {
        let a = first.unix_nanos_in(y);
        let (a, b) = (
            a.min(last.unix_nanos_in(y + rollovers)),
            a.max(last.unix_nanos_in(y + rollovers)),
        );
        let dist = if b < lo {
            lo - b
        } else if a > hi {
            a - hi
        } else {
            0
        };
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, y));
        }
    }
    best.filter(|(d, _)| *d <= 31 * DAY).map(|(_, y)| y)
}

/// The latest year in which the last record is not after `mtime` (1 day of slack for zones).
fn year_before(last: WallTime, rollovers: i32, mtime: i64) -> i32 {
    let mut y = year_of(mtime);
    if last.unix_nanos_in(y) > mtime + DAY {
        y -= 1;
    }
    y - rollovers
}

/// Calendar year of an instant (UTC).
pub fn year_of(unix_nanos: i64) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(unix_nanos.div_euclid(NANOS), 0).map_or(1970, |d| d.year())
}

/// How a `dmesg` source's boot time was decided.
#[derive(Clone, Debug, PartialEq)]
pub enum BootBasis {
    /// Kernel lines of the same node that carry both a wall time and a time since boot.
    SameNodeKernelLines,
    /// Estimated from the file's mtime (the last message is taken as written at that moment).
    Mtime,
}

/// The resolved clock of one source.
#[derive(Clone, Debug)]
pub struct SourceClock {
    /// Year of the first line and how it was chosen (yearless sources only).
    pub year: Option<(i32, YearBasis)>,
    /// Year steps inside the file, in line order.
    pub rollovers: Vec<YearStep>,
    /// Zone of wall readings.
    pub zone: Zone,
    /// Boot instant (ns) for `dmesg` readings.
    pub boot: Option<(i64, BootBasis)>,
}

/// A resolved instant with its uncertainty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolved {
    /// ns since epoch, UTC.
    pub at: i64,
    /// ± seconds; `None` when the uncertainty is unknown (boot time estimated from a file mtime).
    pub approx_s: Option<f64>,
}

impl SourceClock {
    /// The year in force at `line`.
    pub fn year_at(&self, line: u64) -> Option<i32> {
        self.year.as_ref().map(|(y, _)| {
            let n = self.rollovers.partition_point(|s| s.line <= line);
            y + self.rollovers[..n].iter().map(|s| s.step as i32).sum::<i32>()
        })
    }

    /// Resolves a raw time read at `line`.
    pub fn resolve(&self, line: u64, t: RawTime) -> Option<Resolved> {
        match t {
            RawTime::None => None,
            RawTime::Instant { unix_nanos } => Some(Resolved {
                at: unix_nanos,
                approx_s: Some(0.0),
            }),
            RawTime::Wall(w) => {
                let y = if w.year != 0 {
                    w.year as i32
                } else {
                    self.year_at(line)?
                };
                Some(Resolved {
                    at: self.zone.to_utc(&w, y)?,
                    approx_s: Some(0.0),
                })
            }
            RawTime::SinceBoot { nanos } => self.boot.as_ref().map(|(b, basis)| Resolved {
                at: b + nanos as i64,
                approx_s: if *basis == BootBasis::SameNodeKernelLines {
                    Some(1.0)
                } else {
                    None
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(year: u16, month: u8, day: u8, hour: u8) -> WallTime {
        WallTime {
            year,
            month,
            day,
            hour,
            minute: 0,
            second: 0,
            nanos: 0,
        }
    }
    fn ns(y: i32, m: u8, d: u8, h: u8) -> i64 {
        wall(0, m, d, h).unix_nanos_in(y)
    }

    #[test]
    fn zones_parse_and_convert() {
        assert_eq!("UTC".parse::<Zone>(), Ok(Zone::Utc));
        assert_eq!("+02:00".parse::<Zone>(), Ok(Zone::Fixed(7200)));
        assert_eq!("-0530".parse::<Zone>(), Ok(Zone::Fixed(-19800)));
        assert!("Mars/Olympus".parse::<Zone>().is_err());
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(berlin.to_utc(&wall(0, 1, 15, 12), 2023), Some(ns(2023, 1, 15, 11)));
        assert_eq!(berlin.to_utc(&wall(0, 7, 15, 12), 2023), Some(ns(2023, 7, 15, 10)));
        // 2023-03-26 02:30 does not exist in Berlin: read as 03:30 CEST = 01:30Z.
        let gap = WallTime {
            minute: 30,
            ..wall(0, 3, 26, 2)
        };
        assert_eq!(berlin.to_utc(&gap, 2023), Some(ns(2023, 3, 26, 1) + 30 * 60 * NANOS));
        let shanghai: Zone = "Asia/Shanghai".parse().unwrap();
        assert_eq!(shanghai.to_utc(&wall(0, 12, 25, 21), 2023), Some(ns(2023, 12, 25, 13)));
    }

    #[test]
    fn tz_rules_pick_node_then_path_then_default() {
        let mut r = ZoneRules::default();
        r.add("node-3=Europe/Berlin").unwrap();
        r.add("legacy/=+08:00").unwrap();
        assert_eq!(
            r.zone_for(Some("node-3"), "nodes/node-3/kubelet.log").0,
            "Europe/Berlin".parse().unwrap()
        );
        assert_eq!(r.zone_for(None, "legacy/kubelet.log").0, Zone::Fixed(8 * 3600));
        assert_eq!(r.zone_for(Some("node-1"), "nodes/node-1/kubelet.log").0, Zone::Utc);
        // Path rules end at a `/`: node-1 does not select node-10; node rules beat earlier path rules.
        let mut p = ZoneRules::default();
        p.add("nodes/node-1=+05:00").unwrap();
        p.add("node-7=-03:00").unwrap();
        assert_eq!(p.zone_for(None, "nodes/node-1/syslog").0, Zone::Fixed(5 * 3600));
        assert_eq!(p.zone_for(None, "nodes/node-10/syslog").0, Zone::Utc);
        assert_eq!(
            p.zone_for(Some("node-7"), "nodes/node-1/syslog").0,
            Zone::Fixed(-3 * 3600)
        );
        let mut given = ZoneRules::default();
        given.add("UTC").unwrap();
        assert_eq!(given.zone_for(None, "x.log").1, "zone UTC (--tz)");
        assert!(r.add("node-4=Nowhere/City").is_err());
    }

    #[test]
    fn year_from_preamble_mtime_references_flag() {
        let ev = YearEvidence {
            first: Some(wall(0, 3, 13, 16)),
            last: Some(wall(0, 3, 13, 18)),
            rollovers: 0,
            preamble: Some(wall(2019, 3, 13, 15)),
            mtime: Some(ns(2024, 6, 1, 0)),
        };
        assert_eq!(choose_year(&ev, 0, None, &[], None, 2026), (2019, YearBasis::Preamble));
        // Preamble created Dec 31, first record Jan 1: next year.
        let ev2 = YearEvidence {
            first: Some(wall(0, 1, 1, 0)),
            preamble: Some(wall(2022, 12, 31, 23)),
            ..ev.clone()
        };
        assert_eq!(choose_year(&ev2, 0, None, &[], None, 2026).0, 2023);
        // Other sources: a containerd log with full dates in March 2021 on the same node.
        let no_pre = YearEvidence {
            preamble: None,
            ..ev.clone()
        };
        let refs = vec![
            Reference {
                source: 1,
                node: Some("n1".into()),
                min: ns(2021, 3, 13, 10),
                max: ns(2021, 3, 14, 0),
            },
            Reference {
                source: 2,
                node: Some("n2".into()),
                min: ns(2018, 3, 13, 10),
                max: ns(2018, 3, 14, 0),
            },
        ];
        // The file's own dated lines come first (a k3s journal: zap JSON beside yearless klog).
        let own = [Reference {
            source: 0,
            node: None,
            min: ns(2019, 3, 13, 10),
            max: ns(2019, 3, 14, 0),
        }];
        assert_eq!(
            choose_year(&no_pre, 0, Some("n1"), &own, None, 2026),
            (2019, YearBasis::SameFile)
        );
        assert_eq!(
            choose_year(&no_pre, 0, Some("n1"), &refs, None, 2026),
            (2021, YearBasis::OtherSources { same_node: true })
        );
        // Mtime: file written 2024-06-01, March records are from 2024.
        assert_eq!(
            choose_year(&no_pre, 0, None, &[], Some(1999), 2026),
            (2024, YearBasis::Mtime)
        );
        // Mtime in February, records in March: the previous year.
        let feb = YearEvidence {
            mtime: Some(ns(2024, 2, 1, 0)),
            ..no_pre.clone()
        };
        assert_eq!(choose_year(&feb, 0, None, &[], None, 2026).0, 2023);
        let bare = YearEvidence { mtime: None, ..no_pre };
        assert_eq!(
            choose_year(&bare, 0, None, &[], Some(2017), 2026),
            (2017, YearBasis::Flag)
        );
        assert_eq!(choose_year(&bare, 0, None, &[], None, 2026), (2026, YearBasis::Assumed));
    }

    #[test]
    fn rollover_inside_a_file() {
        // A file from Dec 31 to Jan 1 written on Jan 2 2024: first line is 2023, after the rollover 2024.
        let ev = YearEvidence {
            first: Some(wall(0, 12, 31, 23)),
            last: Some(wall(0, 1, 1, 1)),
            rollovers: 1,
            preamble: None,
            mtime: Some(ns(2024, 1, 2, 0)),
        };
        let (y, basis) = choose_year(&ev, 0, None, &[], None, 2026);
        assert_eq!((y, basis), (2023, YearBasis::Mtime));
        let clock = SourceClock {
            year: Some((y, YearBasis::Mtime)),
            rollovers: vec![YearStep { line: 500, step: 1 }],
            zone: Zone::Utc,
            boot: None,
        };
        let before = clock.resolve(499, RawTime::Wall(wall(0, 12, 31, 23))).unwrap();
        let after = clock.resolve(500, RawTime::Wall(wall(0, 1, 1, 1))).unwrap();
        assert_eq!(before.at, ns(2023, 12, 31, 23));
        assert_eq!(after.at, ns(2024, 1, 1, 1));
        assert!(after.at > before.at);
    }

    #[test]
    fn year_steps_around_new_year_both_ways() {
        assert_eq!(year_step(12, 1), 1);
        assert_eq!(year_step(11, 2), 1, "a gap over New Year");
        assert_eq!(year_step(1, 12), -1, "journalctl -r, or a line out of order");
        assert_eq!(year_step(7, 1), 0, "not a New Year crossing");
        assert_eq!(year_step(3, 4), 0);
        assert_eq!(year_step(5, 5), 0);
        // Out of order around midnight: Dec 31, Jan 1, Dec 31, Jan 1 -> Y, Y+1, Y, Y+1.
        let steps = vec![
            YearStep { line: 2, step: 1 },
            YearStep { line: 3, step: -1 },
            YearStep { line: 4, step: 1 },
        ];
        let c = SourceClock {
            year: Some((2023, YearBasis::Flag)),
            rollovers: steps,
            zone: Zone::Utc,
            boot: None,
        };
        let years: Vec<i32> = (1..=4).map(|l| c.year_at(l).unwrap()).collect();
        assert_eq!(years, vec![2023, 2024, 2023, 2024]);
    }

    #[test]
    fn boot_relative_times() {
        let boot = ns(2023, 5, 1, 8);
        let c = SourceClock {
            year: None,
            rollovers: vec![],
            zone: Zone::Utc,
            boot: Some((boot, BootBasis::SameNodeKernelLines)),
        };
        let r = c
            .resolve(
                1,
                RawTime::SinceBoot {
                    nanos: 7_063_247_407_000,
                },
            )
            .unwrap();
        assert_eq!(r.at, boot + 7_063_247_407_000);
        let c2 = SourceClock {
            boot: Some((boot, BootBasis::Mtime)),
            ..c
        };
        assert_eq!(c2.resolve(1, RawTime::SinceBoot { nanos: 0 }).unwrap().approx_s, None);
    }
}
