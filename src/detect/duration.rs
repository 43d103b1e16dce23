//! Go `time.Duration` strings as components print them (`10.939542138s`, `627.833521ms`, `4.311µs`,
//! `3m2.5s`, `1h2m0s`), read as seconds.

/// Seconds in a Go duration string; `None` when `s` is not one.
pub fn go_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    if rest == "0" {
        return Some(0.0);
    }
    let mut total = 0.0;
    let mut any = false;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&n| n > 0)?;
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "µs" | "us" | "μs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += value * scale;
        any = true;
        rest = &rest[unit_len..];
    }
    any.then_some(if neg { -total } else { total })
}

/// The Go duration that starts right after `key` in `m` (`took too long (` -> `1.602181876s`), up to the
/// first character that cannot be part of one.
pub fn duration_after(m: &str, key: &str) -> Option<f64> {
    let at = m.find(key)? + key.len();
    let tail = &m[at..];
    let end = tail
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == 'µ' || c == 'μ'))
        .unwrap_or(tail.len());
    go_duration(&tail[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn go_durations() {
        assert!(close(go_duration("10.939542138s"), 10.939542138));
        assert!(close(go_duration("627.833521ms"), 0.627833521));
        assert!(close(go_duration("4.311µs"), 4.311e-6));
        assert!(close(go_duration("3m2.5s"), 182.5));
        assert!(close(go_duration("1h2m0s"), 3720.0));
        assert!(close(go_duration("100ms"), 0.1));
        assert!(close(go_duration("0"), 0.0));
        assert_eq!(go_duration("3m2.5"), None);
        assert_eq!(go_duration("fast"), None);
        assert_eq!(go_duration(""), None);
    }

    #[test]
    fn durations_inside_messages() {
        assert!(close(
            duration_after(
                "Successfully pulled image \"nginx\" in 3m2.5s (3m2.5s including waiting)",
                "\" in "
            ),
            182.5
        ));
        assert!(close(
            duration_after("took too long (1.602181876s) to execute", "took too long ("),
            1.602181876
        ));
        assert!(close(
            duration_after("took=\"10.5s\" expected-duration=\"100ms\"", "expected-duration=\""),
            0.1
        ));
    }
}
