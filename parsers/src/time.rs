//! Raw time shapes as written by log sources, before any zone or year is decided.
//!
//! Grammars return a [`RawTime`]; the `postmortem` crate's `normalize::clock` turns it into a UTC instant
//! once it knows the year, the zone and the boot time that apply to the source. Nothing here allocates.

/// A time as the source wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RawTime {
    /// The line carries no time of its own.
    #[default]
    None,
    /// An absolute instant: the source wrote a zone, an offset or an epoch value.
    Instant {
        /// Nanoseconds since 1970-01-01T00:00:00Z.
        unix_nanos: i64,
    },
    /// A wall-clock reading without zone (klog, syslog, journald `short`, capnslog).
    Wall(WallTime),
    /// Time since the kernel booted (`dmesg`), in nanoseconds.
    SinceBoot {
        /// Nanoseconds since boot.
        nanos: u64,
    },
}

/// A calendar date and time of day without zone. `year == 0` means the source did not write a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct WallTime {
    /// Year, or 0 when unknown (klog, syslog, journald `short`).
    pub year: u16,
    /// Month 1-12.
    pub month: u8,
    /// Day of month 1-31.
    pub day: u8,
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59.
    pub minute: u8,
    /// Second 0-60 (a leap second is kept as written).
    pub second: u8,
    /// Fraction of the second in nanoseconds.
    pub nanos: u32,
}

impl WallTime {
    /// Seconds since midnight.
    pub fn seconds_of_day(&self) -> u32 {
        self.hour as u32 * 3600 + self.minute as u32 * 60 + self.second as u32
    }

    /// Nanoseconds since 1970-01-01 if this wall reading were UTC in `year`. Years are clamped to 1900-2200 so
    /// that garbage input cannot overflow the nanosecond range (1677-2262).
    pub fn unix_nanos_in(&self, year: i32) -> i64 {
        let days = days_from_civil(year.clamp(1900, 2200), self.month as u32, self.day as u32);
        (days * 86_400 + self.seconds_of_day() as i64) * 1_000_000_000 + self.nanos as i64
    }
}

/// `(year, month, day)` of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// RFC 3339 UTC of nanoseconds since 1970 (`2020-04-24T13:38:26.252501Z`): the fraction only when non-zero,
/// in 3, 6 or 9 digits (milli-, micro-, nanoseconds), as every report prints times.
pub fn format_rfc3339(ns: i64) -> String {
    Rfc3339::of(ns).as_str().to_string()
}

/// [`format_rfc3339`] written on the stack: reports print one per timeline row, and an allocation and the
/// formatting machinery per time cost more than the digits.
#[derive(Clone, Copy, Debug)]
pub struct Rfc3339 {
    buf: [u8; 30],
    len: usize,
}

impl Rfc3339 {
    /// The text of `ns` (any `i64`: years 1677 to 2262, always four digits).
    pub fn of(ns: i64) -> Rfc3339 {
        let secs = ns.div_euclid(1_000_000_000);
        let frac = ns.rem_euclid(1_000_000_000) as u32;
        let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u32;
        let mut buf = [0u8; 30];
        let mut put = |at: usize, value: u32, width: usize| {
            let mut v = value;
            for i in (at..at + width).rev() {
                buf[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, y as u32, 4);
        put(5, mo, 2);
        put(8, d, 2);
        put(11, sod / 3600, 2);
        put(14, sod / 60 % 60, 2);
        put(17, sod % 60, 2);
        let digits = match frac {
            0 => 0,
            f if f % 1_000_000 == 0 => 3,
            f if f % 1_000 == 0 => 6,
            _ => 9,
        };
        put(20, frac / 10u32.pow(9 - digits as u32), digits);
        for (at, c) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (19, b'.')] {
            buf[at] = c;
        }
        let len = if digits == 0 { 19 } else { 20 + digits };
        buf[len] = b'Z';
        Rfc3339 { buf, len: len + 1 }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).expect("ASCII digits and separators")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses exactly `n` ASCII digits at the start of `b`.
#[inline]
pub fn digits(b: &[u8], n: usize) -> Option<u32> {
    if b.len() < n {
        return None;
    }
    let mut v = 0u32;
    for &c in &b[..n] {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

/// Parses a fraction `.ddddddddd` (1 to 9 digits, more are read and ignored) at the start of `b`.
/// Returns nanoseconds and the bytes consumed, `(0, 0)` when `b` does not start with `.` or `,` and a digit.
#[inline]
pub fn fraction(b: &[u8]) -> (u32, usize) {
    if b.len() < 2 || !(b[0] == b'.' || b[0] == b',') || !b[1].is_ascii_digit() {
        return (0, 0);
    }
    // Digits are accumulated, then scaled once: a division per digit cost more than the rest of the parse.
    const SCALE: [u32; 10] = [
        1_000_000_000,
        100_000_000,
        10_000_000,
        1_000_000,
        100_000,
        10_000,
        1_000,
        100,
        10,
        1,
    ];
    let mut value = 0u32;
    let mut i = 1;
    while i < b.len() && b[i].is_ascii_digit() {
        if i <= 9 {
            value = value * 10 + (b[i] - b'0') as u32;
        }
        i += 1;
    }
    (value * SCALE[(i - 1).min(9)], i)
}

/// Parses `hh:mm:ss` at the start of `b`.
#[inline]
pub fn hms(b: &[u8]) -> Option<(u8, u8, u8)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let h = digits(b, 2)?;
    let m = digits(&b[3..], 2)?;
    let s = digits(&b[6..], 2)?;
    (h < 24 && m < 60 && s <= 60).then_some((h as u8, m as u8, s as u8))
}

/// English three-letter month abbreviation (any case) to 1-12.
#[inline]
pub fn month_abbrev(b: &[u8]) -> Option<u8> {
    if b.len() < 3 {
        return None;
    }
    let k = [
        b[0].to_ascii_lowercase(),
        b[1].to_ascii_lowercase(),
        b[2].to_ascii_lowercase(),
    ];
    Some(match &k {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// Parses `YYYY<d>MM<d>DD<t>hh:mm:ss[.f{0,9}]` at the start of `b`, where `<d>` is `date_sep` and `<t>` one of
/// `time_seps` (RFC 3339 `-` and `T`/space, Go log `/` and space, svlogd `-` and `_`). Years outside 1900-2200
/// are refused. Returns the wall reading (with its year) and the bytes consumed.
pub fn date_time(b: &[u8], date_sep: u8, time_seps: &[u8]) -> Option<(WallTime, usize)> {
    if b.len() < 19 || b[4] != date_sep || b[7] != date_sep || !time_seps.contains(&b[10]) {
        return None;
    }
    let year = digits(b, 4)?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let month = digits(&b[5..], 2)?;
    let day = digits(&b[8..], 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (hour, minute, second) = hms(&b[11..])?;
    let (nanos, flen) = fraction(&b[19..]);
    let wall = WallTime {
        year: year as u16,
        month: month as u8,
        day: day as u8,
        hour,
        minute,
        second,
        nanos,
    };
    Some((wall, 19 + flen))
}

/// Parses an RFC 3339 / ISO 8601 date-time at the start of `b`:
/// `YYYY-MM-DD(T| )hh:mm:ss[.f{0,9}][Z|±hh:mm|±hhmm|±hh]`.
///
/// With a zone or offset it gives [`RawTime::Instant`]; without one a [`RawTime::Wall`] with the year.
/// Returns the time and the number of bytes consumed.
pub fn rfc3339(b: &[u8]) -> Option<(RawTime, usize)> {
    let (wall, mut i) = date_time(b, b'-', b"T ")?;
    let year = wall.year;
    let offset_secs: Option<i64> = match b.get(i) {
        Some(b'Z') | Some(b'z') => {
            i += 1;
            Some(0)
        }
        Some(&s @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let hh = digits(rest, 2)? as i64;
            let (mm, used) = if rest.len() >= 5 && rest[2] == b':' {
                (digits(&rest[3..], 2)? as i64, 5)
            } else if let Some(mm) = digits(&rest[2..], 2) {
                (mm as i64, 4)
            } else {
                (0, 2)
            };
            i += 1 + used;
            let off = hh * 3600 + mm * 60;
            Some(if s == b'-' { -off } else { off })
        }
        _ => None,
    };
    let t = match offset_secs {
        Some(off) => RawTime::Instant {
            unix_nanos: wall.unix_nanos_in(year as i32) - off * 1_000_000_000,
        },
        None => RawTime::Wall(wall),
    };
    Some((t, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_of_every_width() {
        assert_eq!(fraction(b".5 x"), (500_000_000, 2));
        assert_eq!(fraction(b",25"), (250_000_000, 3));
        assert_eq!(fraction(b".123456"), (123_456_000, 7));
        assert_eq!(fraction(b".123456789Z"), (123_456_789, 10));
        // Digits past nanoseconds are read and ignored.
        assert_eq!(fraction(b".1234567891234 "), (123_456_789, 14));
        assert_eq!(fraction(b".999999999999"), (999_999_999, 13));
        assert_eq!(fraction(b".x"), (0, 0));
        assert_eq!(fraction(b"12"), (0, 0));
        assert_eq!(fraction(b"."), (0, 0));
    }

    #[test]
    fn formats_rfc3339_round_trip() {
        assert_eq!(format_rfc3339(1_587_735_506_252_501_000), "2020-04-24T13:38:26.252501Z");
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_678_701_764_500_000_000), "2023-03-13T10:02:44.500Z");
        assert_eq!(
            format_rfc3339(1_678_701_764_000_000_001),
            "2023-03-13T10:02:44.000000001Z"
        );
        assert_eq!(format_rfc3339(-1_000_000_000), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(i64::MIN), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(format_rfc3339(i64::MAX), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(format_rfc3339(1_000_000), "1970-01-01T00:00:00.001Z");
        assert_eq!(format_rfc3339(1_000), "1970-01-01T00:00:00.000001Z");
        for ns in [951_782_400_000_000_000i64, 4_107_542_400_123_000_000] {
            let (t, _) = rfc3339(format_rfc3339(ns).as_bytes()).unwrap();
            assert_eq!(t, RawTime::Instant { unix_nanos: ns });
        }
    }

    #[test]
    fn rfc3339_variants() {
        // containerd CRI, 9 digits, Z
        let (t, n) = rfc3339(b"2020-12-07T15:32:38.994574754Z stdout P x").unwrap();
        assert_eq!(n, 30);
        assert_eq!(
            t,
            RawTime::Instant {
                unix_nanos: 1_607_355_158_994_574_754
            }
        );
        // CRI-O +00:00
        let (t, _) = rfc3339(b"2020-01-26T03:17:29.346494690+00:00 stderr F").unwrap();
        assert_eq!(
            t,
            RawTime::Instant {
                unix_nanos: 1_580_008_649_346_494_690
            }
        );
        // etcd zap trimmed micros with +0800 (no colon)
        let (t, n) = rfc3339(b"2024-04-22T17:18:03.21385+0800\"").unwrap();
        assert_eq!(n, 30);
        assert_eq!(
            t,
            RawTime::Instant {
                unix_nanos: 1_713_777_483_213_850_000
            }
        );
        // -0700
        let (t, _) = rfc3339(b"2022-03-13T17:21:30.783-0700").unwrap();
        assert_eq!(
            t,
            RawTime::Instant {
                unix_nanos: 1_647_217_290_783_000_000
            }
        );
        // no fraction
        let (t, _) = rfc3339(b"2015-04-14T20:38:09Z").unwrap();
        assert_eq!(
            t,
            RawTime::Instant {
                unix_nanos: 1_429_043_889_000_000_000
            }
        );
        // capnslog: space separator, no zone -> wall with year
        let (t, n) = rfc3339(b"2018-10-11 08:36:19.724999 W | etcdserver: x").unwrap();
        assert_eq!(n, 26);
        match t {
            RawTime::Wall(w) => assert_eq!(
                (w.year, w.month, w.day, w.hour, w.nanos),
                (2018, 10, 11, 8, 724_999_000)
            ),
            other => panic!("{other:?}"),
        }
        assert!(rfc3339(b"2018-13-11 08:36:19").is_none());
        // Years a log cannot hold are refused rather than overflowing the nanosecond range.
        assert!(rfc3339(b"0000-01-01T00:00:00Z").is_none());
        assert!(rfc3339(b"9999-12-31T23:59:59Z").is_none());
        assert_eq!(
            WallTime {
                month: 1,
                day: 1,
                ..Default::default()
            }
            .unix_nanos_in(9999),
            WallTime {
                month: 1,
                day: 1,
                ..Default::default()
            }
            .unix_nanos_in(2200)
        );
        assert!(rfc3339(b"I0313 16:02:43.934473").is_none());
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }
}
