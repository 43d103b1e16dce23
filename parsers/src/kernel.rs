//! Kernel ring buffer lines: `dmesg`, `dmesg -T`, console / `dmesg -r` captures with a `<N>` priority,
//! `journalctl -k -o short-monotonic`, and the `[12345.678901]` stamp inside journald / syslog kernel bodies.
//!
//! The message is the kernel's text (OOM killer, hung tasks, ...); kernel `comm` names may hold spaces, `#`,
//! `/` and `:` (`StreamTrans #72`, `kworker/u8:1`), so nothing here splits the message.

use crate::record::{Format, Layers, Record, Severity};
use crate::syslog;
use crate::time::{self, RawTime, WallTime};

/// Parses a kernel ring buffer line:
///
/// - `dmesg`: `[ 7063.247407] msg` (seconds since boot, space-padded inside the brackets) →
///   [`RawTime::SinceBoot`], [`Format::Dmesg`];
/// - `dmesg -T`: `[Thu Dec  7 00:05:15 2017] msg` (ctime; the weekday is any token, as locales change it:
///   `[So Nov 15 15:59:41 2020]`) → [`RawTime::Wall`] with the year, [`Format::DmesgCtime`];
/// - console / `dmesg -r` / `/dev/kmsg` captures with a priority prefix, `<6>[  123.456] msg` → severity from
///   the priority's level bits (`<14>` is level 6 too);
/// - `journalctl -o short-monotonic`: `[ 7063.247407] host kernel: msg` → the `host kernel: ` prefix is
///   removed (host → `host`, ident `kernel`). Other units' entries in that output, `[…] host ident[pid]: msg`,
///   are read the same way; a kernel message is never taken for a prefix (`sd 0:0:0:0: …`, `usb 1-1: …` have
///   neither `kernel:` nor a `[pid]`).
///
/// The message is the text after `] ` (may be empty).
pub fn parse_dmesg(line: &[u8]) -> Option<Record<'_>> {
    let mut severity = Severity::Unknown;
    let mut b = line;
    if b.first() == Some(&b'<') {
        let close = b.iter().take(5).position(|&c| c == b'>')?;
        let pri = syslog::pid_digits(&b[1..close])?;
        if pri > 191 {
            return None;
        }
        severity = Severity::from_syslog_priority((pri & 7) as u8);
        b = &b[close + 1..];
    }
    if b.first() != Some(&b'[') {
        return None;
    }
    let (time, format, used) = match *b.get(1)? {
        b' ' | b'0'..=b'9' => {
            let (nanos, used) = stamp(b)?;
            (RawTime::SinceBoot { nanos }, Format::Dmesg, used)
        }
        _ => {
            let (wall, used) = ctime(b)?;
            (RawTime::Wall(wall), Format::DmesgCtime, used)
        }
    };
    let rest = &b[used..];
    let message = rest.strip_prefix(b" ").unwrap_or(rest);
    let mut r = Record {
        time,
        severity,
        message,
        layers: Layers::one(format),
        ..Record::default()
    };
    if format == Format::Dmesg {
        if let Some(p) = syslog::parse_prefix(message) {
            if p.host.is_some() && (p.ident == Some(b"kernel") || p.pid.is_some()) {
                r.host = p.host;
                r.ident = p.ident;
                r.pid = p.pid;
                r.message = p.body;
            }
        }
    }
    Some(r)
}

/// Reads the printk stamp that starts a kernel body under journald or syslog,
/// `[12345.678901] Out of memory: …` (or `[    2.345678] …`): returns the time since boot in nanoseconds and the
/// text after `] `. Lets a node's boot time be learned from lines that carry both a wall time and this stamp.
pub fn boot_stamp(body: &[u8]) -> Option<(u64, &[u8])> {
    let (nanos, used) = stamp(body)?;
    let rest = &body[used..];
    Some((nanos, rest.strip_prefix(b" ").unwrap_or(rest)))
}

/// `[ sssss.ffffff]` at the start of `b`: nanoseconds since boot and the bytes consumed (through `]`).
#[inline]
fn stamp(b: &[u8]) -> Option<(u64, usize)> {
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let n = b[i..].iter().take(13).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 12 {
        return None;
    }
    let secs = b[i..i + n].iter().fold(0u64, |v, &c| v * 10 + (c - b'0') as u64);
    i += n;
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let (frac, flen) = time::fraction(&b[i..]);
    if flen == 0 {
        return None;
    }
    i += flen;
    if b.get(i) != Some(&b']') {
        return None;
    }
    Some((secs.checked_mul(1_000_000_000)?.checked_add(frac as u64)?, i + 1))
}

/// `[Www Mmm dd hh:mm:ss yyyy]` (`%a %b %e %H:%M:%S %Y`) at the start of `b`: the wall time and the bytes
/// consumed (through `]`). The weekday is any token; the month is read by the syslog month reader.
fn ctime(b: &[u8]) -> Option<(WallTime, usize)> {
    let wd_len = b[1..].iter().take(17).position(|&c| c == b' ')?;
    if wd_len == 0 || b[1..1 + wd_len].contains(&b']') {
        return None;
    }
    let mut i = 2 + wd_len;
    let (month, used) = syslog::month_token(&b[i..])?;
    i += used;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let n = if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        2
    } else {
        1
    };
    let day = time::digits(b.get(i..)?, n)?;
    i += n;
    if !(1..=31).contains(&day) || b.get(i) != Some(&b' ') {
        return None;
    }
    let (hour, minute, second) = time::hms(b.get(i + 1..)?)?;
    i += 9;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    let year = time::digits(b.get(i + 1..)?, 4)?;
    i += 5;
    if b.get(i) != Some(&b']') {
        return None;
    }
    let wall = WallTime {
        year: year as u16,
        month,
        day: day as u8,
        hour,
        minute,
        second,
        nanos: 0,
    };
    Some((wall, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn since_boot(r: &Record<'_>) -> u64 {
        match r.time {
            RawTime::SinceBoot { nanos } => nanos,
            other => panic!("not since boot: {other:?}"),
        }
    }

    fn wall(r: &Record<'_>) -> WallTime {
        match r.time {
            RawTime::Wall(w) => w,
            other => panic!("not a wall time: {other:?}"),
        }
    }

    fn plain(r: &Record<'_>, format: Format, severity: Severity) {
        assert_eq!(r.layers, Layers::one(format));
        assert_eq!(r.severity, severity);
        assert_eq!((r.host, r.ident, r.pid, r.boot), (None, None, None, None));
    }

    #[test]
    fn dmesg_seconds_since_boot() {
        // reportportal/kubernetes#203 (5.4)
        let r = parse_dmesg(b"[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986").unwrap();
        assert_eq!(since_boot(&r), 7_063_247_407_000);
        assert_eq!(r.message, &b"Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986"[..]);
        plain(&r, Format::Dmesg, Severity::Unknown);
        let r = parse_dmesg(
            b"[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB",
        )
        .unwrap();
        assert_eq!(since_boot(&r), 7_063_263_325_000);
        assert_eq!(
            r.message,
            b"oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB"
        );
        plain(&r, Format::Dmesg, Severity::Unknown);
        // k3s#12028: comm with a space and `#` is not a `host ident:` prefix
        let r = parse_dmesg(b"[ 3690.421554] StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167").unwrap();
        assert_eq!(since_boot(&r), 3_690_421_554_000);
        assert_eq!(r.message, &b"StreamTrans #72 invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=167"[..]);
        plain(&r, Format::Dmesg, Severity::Unknown);
        // openshift/release PR#44782: comm with `/` and `:`; sonic-buildimage#4822: no padding
        let r = parse_dmesg(b"[ 2704.282673] INFO: task kworker/u8:1:11 blocked for more than 122 seconds.").unwrap();
        assert_eq!(since_boot(&r), 2_704_282_673_000);
        assert_eq!(
            r.message,
            b"INFO: task kworker/u8:1:11 blocked for more than 122 seconds."
        );
        plain(&r, Format::Dmesg, Severity::Unknown);
        let r = parse_dmesg(b"[26825.855448] INFO: task kworker/2:1:5747 blocked for more than 120 seconds.").unwrap();
        assert_eq!(since_boot(&r), 26_825_855_448_000);
        assert_eq!(
            r.message,
            b"INFO: task kworker/2:1:5747 blocked for more than 120 seconds."
        );
        // k8s#16601: task dump with column padding
        let r =
            parse_dmesg(b"[156240.169266] docker          D ffff88021fc12ec0     0 10467      1 0x00000000").unwrap();
        assert_eq!(since_boot(&r), 156_240_169_266_000);
        assert_eq!(
            r.message,
            b"docker          D ffff88021fc12ec0     0 10467      1 0x00000000"
        );
        plain(&r, Format::Dmesg, Severity::Unknown);
    }

    #[test]
    fn dmesg_ctime() {
        // k8s#56891 (3.10, `dmesg -T`), space-padded day
        let r = parse_dmesg(b"[Thu Dec  7 00:05:15 2017] Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child").unwrap();
        assert_eq!(
            wall(&r),
            WallTime {
                year: 2017,
                month: 12,
                day: 7,
                hour: 0,
                minute: 5,
                second: 15,
                nanos: 0
            }
        );
        assert_eq!(
            r.message,
            b"Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child"
        );
        plain(&r, Format::DmesgCtime, Severity::Unknown);
        let r = parse_dmesg(
            b"[Thu Dec  7 00:13:22 2017] java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998",
        )
        .unwrap();
        assert_eq!(
            (wall(&r).day, wall(&r).hour, wall(&r).minute, wall(&r).second),
            (7, 0, 13, 22)
        );
        assert_eq!(
            r.message,
            b"java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998"
        );
        plain(&r, Format::DmesgCtime, Severity::Unknown);
        // moby#41676, German weekday `So`, two-digit day
        let r = parse_dmesg(b"[So Nov 15 15:59:41 2020] INFO: task mysqld:44333 blocked for more than 120 seconds.")
            .unwrap();
        assert_eq!(
            wall(&r),
            WallTime {
                year: 2020,
                month: 11,
                day: 15,
                hour: 15,
                minute: 59,
                second: 41,
                nanos: 0
            }
        );
        assert_eq!(r.message, b"INFO: task mysqld:44333 blocked for more than 120 seconds.");
        plain(&r, Format::DmesgCtime, Severity::Unknown);
        let r = parse_dmesg(
            b"[So Nov 15 15:59:41 2020] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
        )
        .unwrap();
        assert_eq!(
            r.message,
            b"\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."
        );
        assert_eq!(r.layers, Layers::one(Format::DmesgCtime));
    }

    #[test]
    fn kmsg_priority() {
        // console / `dmesg -r` capture (`<N>` prefix, formats.md 9) of the reportportal/kubernetes#203 lines:
        // the OOM report is pr_err (3), the reaper pr_info (6)
        let r = parse_dmesg(b"<3>[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986").unwrap();
        assert_eq!(since_boot(&r), 7_063_247_407_000);
        assert!(r
            .message
            .starts_with(b"Memory cgroup out of memory: Killed process 63214 (uwsgi)"));
        plain(&r, Format::Dmesg, Severity::Error);
        let r = parse_dmesg(b"<6>[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB").unwrap();
        assert_eq!(since_boot(&r), 7_063_263_325_000);
        plain(&r, Format::Dmesg, Severity::Info);
        // facility bits are ignored: user.warning
        let r =
            parse_dmesg(b"<12>[ 2704.282673] INFO: task kworker/u8:1:11 blocked for more than 122 seconds.").unwrap();
        plain(&r, Format::Dmesg, Severity::Warning);
        assert!(parse_dmesg(b"<6>").is_none());
        assert!(parse_dmesg(b"<x>[ 1.0] a").is_none());
    }

    #[test]
    fn short_monotonic() {
        // journalctl -k -o short-monotonic (formats.md 9) of the reportportal/kubernetes#203 lines
        let r = parse_dmesg(b"[ 7063.247407] node1 kernel: Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986").unwrap();
        assert_eq!(since_boot(&r), 7_063_247_407_000);
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"node1"[..]), Some(&b"kernel"[..]), None)
        );
        assert!(r
            .message
            .starts_with(b"Memory cgroup out of memory: Killed process 63214 (uwsgi)"));
        assert_eq!(r.layers, Layers::one(Format::Dmesg));
        let r = parse_dmesg(b"[ 7093.543707] node1 kernel: uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986").unwrap();
        assert_eq!(since_boot(&r), 7_093_543_707_000);
        assert_eq!((r.host, r.ident), (Some(&b"node1"[..]), Some(&b"kernel"[..])));
        assert_eq!(
            r.message,
            b"uwsgi invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986"
        );
        // a unit's entry in `-o short-monotonic`
        let r = parse_dmesg(b"[ 1962.581166] minikube kubelet[2199]: I0907 21:49:17.171114    2199 setters.go:548] \"Node became not ready\" node=\"minikube\"").unwrap();
        assert_eq!(
            (r.host, r.ident, r.pid),
            (Some(&b"minikube"[..]), Some(&b"kubelet"[..]), Some(2199))
        );
        assert!(r.message.starts_with(b"I0907 21:49:17.171114"));
        // kernel device prefixes are not host/ident
        let r = parse_dmesg(b"[    1.234567] sd 0:0:0:0: [sda] 209715200 512-byte logical blocks").unwrap();
        assert_eq!((r.host, r.ident), (None, None));
        assert_eq!(r.message, b"sd 0:0:0:0: [sda] 209715200 512-byte logical blocks");
    }

    #[test]
    fn boot_stamps() {
        // the body of `host kernel: [12345.678901] …` (formats.md 1.6) under syslog / journald
        assert_eq!(
            boot_stamp(b"[12345.678901] Out of memory: Kill process 45465 (tail) score 902 or sacrifice child"),
            Some((
                12_345_678_901_000,
                &b"Out of memory: Kill process 45465 (tail) score 902 or sacrifice child"[..]
            ))
        );
        assert_eq!(
            boot_stamp(b"[ 7063.263325] oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB"),
            Some((
                7_063_263_325_000,
                &b"oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB"[..]
            ))
        );
        assert_eq!(boot_stamp(b"[    0.000000]"), Some((0, &b""[..])));
        assert_eq!(boot_stamp(b"Out of memory: Kill process 45465 (tail)"), None);
        assert_eq!(boot_stamp(b"[sda] Attached SCSI disk"), None);
        assert_eq!(boot_stamp(b"[12345] x"), None);
        assert_eq!(boot_stamp(b"[ 1.5"), None);
    }

    #[test]
    fn rejects_other_lines() {
        assert!(parse_dmesg(b"[Thu Dec  7 00:05:15] Killed process").is_none());
        assert!(parse_dmesg(b"[]").is_none());
        assert!(parse_dmesg(b"[sda] Attached SCSI disk").is_none());
        assert!(parse_dmesg(b"Jun 19 22:42:14 rhel78 kernel: Out of memory").is_none());
        assert!(parse_dmesg(b"[Thu Foo  7 00:05:15 2017] x").is_none());
    }
}
