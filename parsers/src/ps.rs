//! Process listings (`ps aux`, `ps -ef`, `ps -eo pid,ppid,stat,comm`) as people save them into incident
//! bundles, read for what a PID-exhaustion postmortem needs: the zombies (`Z` state, `<defunct>`) and their
//! parent.
//!
//! [`parse`] reads a whole listing by its header (columns named `PID`, `PPID`, `STAT`/`S`, `CMD`/`COMMAND`);
//! [`zombie_row`] reads one row without its header, as a timeline row shows it, recognising the three shapes by
//! their columns. Pure functions, no IO.

/// One process of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Parent process id, when the listing has it (`ps aux` has not).
    pub ppid: Option<u32>,
    /// State (`STAT` / `S` column: `Z`, `Zs`, `S+`), when the listing has it (`ps -ef` has not).
    pub stat: Option<String>,
    /// Command (the rest of the row).
    pub command: String,
}

impl Process {
    /// A zombie: state `Z`, or a command marked `<defunct>`.
    pub fn is_zombie(&self) -> bool {
        self.stat.as_deref().is_some_and(|s| s.starts_with('Z')) || self.command.ends_with("<defunct>")
    }
}

/// Column positions of a listing, from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pid: usize,
    ppid: Option<usize>,
    stat: Option<usize>,
    /// First column of the command (the last column, which may hold spaces).
    command: usize,
}

/// The header of a listing: a line whose columns include `PID` and end with `CMD`/`COMMAND`/`COMM`/`ARGS`.
pub fn header(line: &str) -> Option<Header> {
    let cols: Vec<&str> = line.split_whitespace().collect();
    let pos = |names: &[&str]| cols.iter().position(|c| names.contains(c));
    let command = pos(&["CMD", "COMMAND", "COMM", "ARGS"])?;
    if command + 1 != cols.len() {
        return None;
    }
    Some(Header {
        pid: pos(&["PID"])?,
        ppid: pos(&["PPID"]),
        stat: pos(&["STAT", "S"]),
        command,
    })
}

/// A row under `h`.
pub fn row(h: &Header, line: &str) -> Option<Process> {
    let mut cols = line.split_whitespace();
    let mut fixed: Vec<&str> = Vec::with_capacity(h.command);
    for _ in 0..h.command {
        fixed.push(cols.next()?);
    }
    let command = cols.collect::<Vec<_>>().join(" ");
    Some(Process {
        pid: fixed[h.pid].parse().ok()?,
        ppid: match h.ppid {
            Some(i) => Some(fixed[i].parse().ok()?),
            None => None,
        },
        stat: h.stat.map(|i| fixed[i].to_string()),
        command,
    })
}

/// Every process of a listing; lines before the header (a prompt, a `date` line) and rows that do not fit it
/// are passed over. `None` when no header is found.
pub fn parse(text: &str) -> Option<Vec<Process>> {
    let mut lines = text.lines();
    let h = lines.by_ref().take(16).find_map(header)?;
    Some(lines.filter_map(|l| row(&h, l)).collect())
}

/// Zombies per parent (`None` when the listing has no PPID column), most first.
pub fn zombies_by_parent(procs: &[Process]) -> Vec<(Option<u32>, usize)> {
    let mut out: Vec<(Option<u32>, usize)> = Vec::new();
    for p in procs.iter().filter(|p| p.is_zombie()) {
        match out.iter_mut().find(|(pp, _)| *pp == p.ppid) {
            Some((_, n)) => *n += 1,
            None => out.push((p.ppid, 1)),
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// One zombie row read without its header, by the shape of its columns:
/// `ps -ef` (`UID PID PPID C STIME TTY TIME CMD`), `ps -eo pid,ppid,stat,comm` and `ps aux`
/// (`USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND`, no parent). `None` when the row is no zombie.
pub fn zombie_row(line: &str) -> Option<Process> {
    let cols: Vec<&str> = line.split_whitespace().collect();
    let num = |i: usize| cols.get(i).and_then(|c| c.parse::<u32>().ok());
    let is_time = |i: usize| {
        cols.get(i)
            .is_some_and(|c| c.contains(':') && c.chars().all(|x| x.is_ascii_digit() || x == ':' || x == '-'))
    };
    let rest = |from: usize| cols.get(from..).map(|c| c.join(" ")).unwrap_or_default();
    // A state: `Z`, `Zs`, `S+`, `Ssl` (process state codes of ps(1)).
    let stat = |i: usize| {
        cols.get(i)
            .filter(|c| c.len() <= 5 && c.starts_with(['D', 'I', 'R', 'S', 'T', 't', 'W', 'X', 'Z']))
    };
    let p = if let (Some(pid), Some(ppid), Some(stat)) = (num(0), num(1), stat(2)) {
        // ps -eo pid,ppid,stat,comm
        Process {
            pid,
            ppid: Some(ppid),
            stat: Some(stat.to_string()),
            command: rest(3),
        }
    } else if let (Some(pid), Some(ppid), Some(_), true) = (num(1), num(2), num(3), is_time(6)) {
        // ps -ef
        Process {
            pid,
            ppid: Some(ppid),
            stat: None,
            command: rest(7),
        }
    } else if let (Some(pid), true, true) = (num(1), cols.get(2).is_some_and(|c| c.contains('.')), is_time(9)) {
        // ps aux
        Process {
            pid,
            ppid: None,
            stat: cols.get(7).map(|s| s.to_string()),
            command: rest(10),
        }
    } else {
        return None;
    };
    p.is_zombie().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shapes of procps-ng 3.3 output (Ubuntu 20.04 / 22.04), the zombie rows as they appear in public
    // threads about defunct processes under a container runtime.
    const EF: &str = "\
UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 09:12 ?        00:00:04 /sbin/init
root        3901       1  1 09:13 ?        00:01:10 /usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id 8f1c
1000        4182    3901  0 10:02 ?        00:00:00 [sh] <defunct>
1000        4183    3901  0 10:02 ?        00:00:00 [curl] <defunct>
root        5120       1  0 10:03 pts/0    00:00:00 ps -ef
";

    const AUX: &str = "\
USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 167476 11840 ?        Ss   09:12   0:04 /sbin/init
1000        4182  0.0  0.0      0     0 ?        Z    10:02   0:00 [sh] <defunct>
root        5120  0.0  0.0  10072  3380 pts/0    R+   10:03   0:00 ps aux
";

    const EO: &str = "\
$ ps -eo pid,ppid,stat,comm
    PID    PPID STAT COMMAND
      1       0 Ss   systemd
   4182    3901 Z    sh <defunct>
   4190    3901 Zs   healthcheck.sh <defunct>
   4200    3901 S    sleep
";

    #[test]
    fn listings_by_header() {
        let ef = parse(EF).unwrap();
        assert_eq!(ef.len(), 5);
        assert_eq!(zombies_by_parent(&ef), vec![(Some(3901), 2)]);
        assert_eq!(ef[2].command, "[sh] <defunct>");
        let aux = parse(AUX).unwrap();
        assert_eq!(zombies_by_parent(&aux), vec![(None, 1)]);
        assert_eq!(aux[1].stat.as_deref(), Some("Z"));
        let eo = parse(EO).unwrap();
        assert_eq!(eo.len(), 4);
        assert_eq!(zombies_by_parent(&eo), vec![(Some(3901), 2)]);
        assert_eq!(parse("Mar 17 13:19:23 node kubelet[1]: hello"), None);
    }

    #[test]
    fn rows_without_header() {
        let z = zombie_row("1000        4182    3901  0 10:02 ?        00:00:00 [sh] <defunct>").unwrap();
        assert_eq!((z.pid, z.ppid), (4182, Some(3901)));
        let z =
            zombie_row("1000        4182  0.0  0.0      0     0 ?        Z    10:02   0:00 [sh] <defunct>").unwrap();
        assert_eq!((z.pid, z.ppid, z.stat.as_deref()), (4182, None, Some("Z")));
        let z = zombie_row("   4190    3901 Zs   healthcheck.sh <defunct>").unwrap();
        assert_eq!((z.pid, z.ppid), (4190, Some(3901)));
        assert_eq!(
            zombie_row("root        5120       1  0 10:03 pts/0    00:00:00 ps -ef"),
            None
        );
        assert_eq!(zombie_row("a process went <defunct> somewhere"), None);
    }
}
