//! Times in kubectl tables and describe output: relative ages (`45s`, `8m`, `2d3h`, `49s (x2 over 51s)`,
//! `<unknown>`, `<invalid>`) and the absolute shapes older releases printed (RFC 1123 with an offset, Go's
//! `time.String()`, RFC 3339).

use super::When;
use crate::time::{self, RawTime};

const UNITS: &[(u8, u64)] = &[
    (b'y', 365 * 86_400),
    (b'd', 86_400),
    (b'h', 3_600),
    (b'm', 60),
    (b's', 1),
];

/// Parses one age as apimachinery's `HumanDuration` or the older `ShortHumanDuration` print it (`45s`,
/// `2m3s`, `95m`, `5h12m`, `30h`, `2d3h`, `123d`, `3y20d`, `<unknown>`, `<invalid>`). Both truncate, so the
/// true age lies in `[written, written + smallest unit written)`: that unit is the resolution.
pub fn parse_age(s: &str) -> Option<When> {
    let s = s.trim();
    match s {
        "<unknown>" => return Some(When::Unknown),
        "<invalid>" => return Some(When::Invalid),
        _ => {}
    }
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (mut secs, mut resolution, mut i) = (0u64, 0u64, 0usize);
    let mut last_unit = usize::MAX;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 12 {
            return None;
        }
        let n: u64 = s[start..i].parse().ok()?;
        let unit = UNITS.iter().position(|(u, _)| Some(u) == b.get(i))?;
        // Units only get smaller (`2d3h`, not `3h2d`).
        if last_unit != usize::MAX && unit <= last_unit {
            return None;
        }
        last_unit = unit;
        let size = UNITS[unit].1;
        secs = secs.checked_add(n.checked_mul(size)?)?;
        resolution = size;
        i += 1;
    }
    Some(When::Ago { secs, resolution })
}

/// A LAST SEEN / Age cell: `8m`, or `49s (x2 over 51s)` which reads last seen 49 s ago, 2 occurrences,
/// first seen 51 s ago.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeCell {
    /// Last occurrence.
    pub last: When,
    /// Occurrences (1 unless `(xN over ...)` is written).
    pub count: u64,
    /// First occurrence (the last one when no `over` part is written).
    pub first: When,
}

/// Parses a LAST SEEN / Age cell (see [`AgeCell`]); absolute times of old releases are accepted too.
pub fn parse_age_cell(s: &str) -> Option<AgeCell> {
    let s = s.trim();
    if let Some((last, rest)) = s.split_once(" (x") {
        let rest = rest.strip_suffix(')')?;
        let (count, first) = rest.split_once(" over ")?;
        return Some(AgeCell {
            last: parse_when(last)?,
            count: count.trim().parse().ok()?,
            first: parse_when(first)?,
        });
    }
    let w = parse_when(s)?;
    Some(AgeCell {
        last: w,
        count: 1,
        first: w,
    })
}

/// An age, or an absolute time as older kubectl printed it.
pub fn parse_when(s: &str) -> Option<When> {
    parse_age(s).or_else(|| parse_absolute(s))
}

/// Parses an absolute time with a zone: RFC 1123 with a numeric offset or `UTC`/`GMT`
/// (`Tue, 07 Jul 2015 16:19:54 -0700`, what describe prints for conditions and Start Time), Go's
/// `time.String()` (`2018-01-01 10:00:00 +0000 UTC`, old `get events -w`) and RFC 3339.
pub fn parse_absolute(s: &str) -> Option<When> {
    let s = s.trim();
    let b = s.as_bytes();
    match time::rfc3339(b) {
        Some((RawTime::Instant { unix_nanos }, used)) if s[used..].trim().is_empty() => {
            return Some(When::At(unix_nanos));
        }
        // Go's `time.String()`: a space, the offset, a space and the zone name (` +0000 UTC`).
        Some((RawTime::Wall(w), used)) => {
            let mut rest = s[used..].split_ascii_whitespace();
            let offset = rest.next().and_then(numeric_offset)?;
            let zone_name_ok = rest.next().is_none_or(|z| z.bytes().all(|c| c.is_ascii_alphabetic()));
            if zone_name_ok && rest.next().is_none() {
                return Some(When::At(w.unix_nanos_in(w.year as i32) - offset * 1_000_000_000));
            }
            return None;
        }
        _ => {}
    }
    rfc1123(s).map(When::At)
}

/// `Mon, 03 Jun 2019 13:54:18 +0000` (also without the weekday, and with `UTC` or `GMT`).
fn rfc1123(s: &str) -> Option<i64> {
    let s = match s.split_once(", ") {
        Some((_, rest)) => rest,
        None => s,
    };
    let mut parts = s.split_ascii_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = time::month_abbrev(parts.next()?.as_bytes())? as u32;
    let year: i32 = parts.next()?.parse().ok()?;
    let (h, m, sec) = time::hms(parts.next()?.as_bytes())?;
    let offset = match parts.next()? {
        "UTC" | "GMT" | "Z" => 0,
        z => numeric_offset(z)?,
    };
    if parts.next().is_some() {
        return None;
    }
    if !(1900..=2200).contains(&year) || !(1..=31).contains(&day) {
        return None;
    }
    let days = time::days_from_civil(year, month, day);
    let secs = days * 86_400 + h as i64 * 3600 + m as i64 * 60 + sec as i64 - offset;
    Some(secs * 1_000_000_000)
}

/// What `date` prints: `Tue Mar  5 10:00:00 UTC 2024` (also with `AM`/`PM`), or a line that is one absolute
/// time (`date -R`, `date -Iseconds`). `Some(None)` when the zone is a name other than UTC/GMT.
pub fn parse_date_output(t: &str) -> Option<Option<i64>> {
    if t.len() > 64 {
        return None;
    }
    if let Some(When::At(at)) = parse_absolute(t) {
        return Some(Some(at));
    }
    const WEEKDAYS: &[&str] = &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut it = t.split_ascii_whitespace();
    if !WEEKDAYS.contains(&it.next()?) {
        return None;
    }
    let month = it
        .next()
        .filter(|m| m.len() == 3)
        .and_then(|m| time::month_abbrev(m.as_bytes()))?;
    let day: u32 = it.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    let clock = it.next().filter(|c| c.len() == 8)?;
    let (mut hour, minute, second) = time::hms(clock.as_bytes())?;
    let mut zone = it.next()?;
    if zone == "AM" || zone == "PM" {
        hour = hour % 12 + if zone == "PM" { 12 } else { 0 };
        zone = it.next()?;
    }
    let year: i32 = it.next().filter(|y| y.len() == 4)?.parse().ok()?;
    if it.next().is_some()
        || !zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
    {
        return None;
    }
    let offset = match zone {
        "UTC" | "GMT" | "Z" => Some(0),
        z => numeric_offset(z),
    };
    Some(offset.map(|off| {
        let days = time::days_from_civil(year, month as u32, day);
        let secs = days * 86_400 + hour as i64 * 3600 + minute as i64 * 60 + second as i64 - off;
        secs * 1_000_000_000
    }))
}

/// `+0000` / `-0700` in seconds east of UTC.
fn numeric_offset(z: &str) -> Option<i64> {
    let b = z.as_bytes();
    if b.len() != 5 || !(b[0] == b'+' || b[0] == b'-') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let off = z[1..3].parse::<i64>().ok()? * 3600 + z[3..5].parse::<i64>().ok()? * 60;
    Some(if b[0] == b'-' { -off } else { off })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ago(secs: u64, resolution: u64) -> When {
        When::Ago { secs, resolution }
    }

    #[test]
    fn human_durations_of_every_range() {
        // formats.md 7.1: HumanDuration examples
        assert_eq!(parse_age("45s"), Some(ago(45, 1)));
        assert_eq!(parse_age("2m3s"), Some(ago(123, 1)));
        assert_eq!(parse_age("95m"), Some(ago(5700, 60)));
        assert_eq!(parse_age("5h12m"), Some(ago(5 * 3600 + 720, 60)));
        assert_eq!(parse_age("30h"), Some(ago(30 * 3600, 3600)));
        assert_eq!(parse_age("2d3h"), Some(ago(2 * 86_400 + 3 * 3600, 3600)));
        assert_eq!(parse_age("123d"), Some(ago(123 * 86_400, 86_400)));
        assert_eq!(parse_age("3y20d"), Some(ago(3 * 365 * 86_400 + 20 * 86_400, 86_400)));
        assert_eq!(parse_age("4m25s"), Some(ago(265, 1)));
        assert_eq!(parse_age("0s"), Some(ago(0, 1)));
        // ShortHumanDuration (old kubectl): one unit
        assert_eq!(parse_age("13m"), Some(ago(780, 60)));
        assert_eq!(parse_age("1h"), Some(ago(3600, 3600)));
        assert_eq!(parse_age("<unknown>"), Some(When::Unknown));
        assert_eq!(parse_age("<invalid>"), Some(When::Invalid));
    }

    #[test]
    fn non_ages_are_refused() {
        for s in [
            "",
            "m",
            "5",
            "5x",
            "3h2d",
            "1m1m",
            "Normal",
            "99999999999999999999s",
            "-5s",
            "5 s",
        ] {
            assert_eq!(parse_age(s), None, "{s:?}");
        }
    }

    #[test]
    fn age_cells_with_counts() {
        // formats.md 7.2 (k8s#131026): last seen first, then count and first seen
        let c = parse_age_cell("1s (x4 over 91s)").unwrap();
        assert_eq!(c.last, ago(1, 1));
        assert_eq!(c.count, 4);
        assert_eq!(c.first, ago(91, 1));
        // k8s#91600
        let c = parse_age_cell("18m (x2 over 18m)").unwrap();
        assert_eq!((c.last, c.count, c.first), (ago(1080, 60), 2, ago(1080, 60)));
        let c = parse_age_cell("8m").unwrap();
        assert_eq!((c.last, c.count, c.first), (ago(480, 60), 1, ago(480, 60)));
        assert_eq!(parse_age_cell("1s (x4 over"), None);
    }

    #[test]
    fn absolute_times_of_old_releases() {
        // k8s#10885 (kubectl 1.0 events table, -0700)
        let t = parse_absolute("Tue, 07 Jul 2015 16:19:54 -0700").unwrap();
        assert_eq!(t, When::At(1_436_311_194 * 1_000_000_000));
        // describe node conditions (RFC1123Z)
        assert_eq!(
            parse_absolute("Mon, 03 Jun 2019 13:54:18 +0000"),
            Some(When::At(1_559_570_058 * 1_000_000_000))
        );
        // old `get events -w`: Go time.String()
        assert_eq!(
            parse_absolute("2018-01-01 10:00:00 +0000 UTC"),
            Some(When::At(1_514_800_800 * 1_000_000_000))
        );
        assert_eq!(
            parse_absolute("2020-04-24T13:30:27Z"),
            Some(When::At(1_587_735_027 * 1_000_000_000))
        );
        assert_eq!(
            parse_when("Tue, 07 Jul 2015 16:19:54 -0700"),
            parse_absolute("2015-07-07T23:19:54Z")
        );
        assert_eq!(parse_absolute("Tue, 07 Jul 2015"), None);
        assert_eq!(parse_absolute("2018-01-01 10:00:00 +0000 UTC trailing words"), None);
    }
}
