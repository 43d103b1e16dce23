//! Column tables as kubectl prints them (tabwriter, left-aligned): columns are found from the header's
//! positions, not by splitting on spaces, because cells hold spaces (`49s (x2 over 51s)`, `14 (71d ago)`,
//! `Ubuntu 16.04.3 LTS`, messages) and may be empty.

/// One column of a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Name as written (`LAST SEEN`, `MESSAGE`).
    pub name: String,
    /// Byte offset where the column starts.
    pub start: usize,
}

/// A table header: its columns in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Columns, left to right.
    pub columns: Vec<Column>,
}

impl Header {
    /// Reads a header line. Names are runs of non-space characters; the names in `multi` (`LAST SEEN`,
    /// `NOMINATED NODE`) are one column though they hold a space. `None` when the line is empty.
    pub fn parse(line: &str, multi: &[&str]) -> Option<Header> {
        let mut columns: Vec<Column> = Vec::new();
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' || b[i] == b'\t' {
                i += 1;
                continue;
            }
            let start = i;
            let word_end = |from: usize| {
                let mut j = from;
                while j < b.len() && b[j] != b' ' && b[j] != b'\t' {
                    j += 1;
                }
                j
            };
            let mut end = word_end(start);
            for m in multi {
                let len = m.len();
                if line.get(start..start + len) == Some(*m) && (start + len == b.len() || b[start + len] == b' ') {
                    end = start + len;
                }
            }
            columns.push(Column {
                name: line[start..end].to_string(),
                start,
            });
            i = end;
        }
        (!columns.is_empty()).then_some(Header { columns })
    }

    /// Index of the column named `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Whether the header has every one of `names`.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.index(n).is_some())
    }

    /// Cuts `row` at the header's column positions: cell `i` runs from column `i`'s start to column
    /// `i + 1`'s, trimmed; the last cell takes the rest of the line. `None` when the row does not line up
    /// (a column start falls inside a word: the row came from another table or a `--watch` line printed
    /// with other widths); the caller then reads the row by its cells' shapes.
    pub fn cells<'a>(&self, row: &'a str) -> Option<Vec<&'a str>> {
        let b = row.as_bytes();
        let mut out = Vec::with_capacity(self.columns.len());
        for (i, c) in self.columns.iter().enumerate() {
            let start = c.start.min(b.len());
            if start > 0 && start < b.len() && b[start - 1] != b' ' {
                return None;
            }
            let end = match self.columns.get(i + 1) {
                Some(next) => next.start.min(b.len()),
                None => b.len(),
            };
            let cell = row.get(start..end.max(start))?;
            // A cell must not run into the next column: the char before the next start is a space.
            if end < b.len() && i + 1 < self.columns.len() && end > start && b[end - 1] != b' ' {
                return None;
            }
            out.push(cell.trim());
        }
        // The first column starts the line: a row with text before it is not of this table.
        if self.columns[0].start > 0 && !row[..self.columns[0].start.min(row.len())].trim().is_empty() {
            return None;
        }
        Some(out)
    }
}

/// Splits a row on runs of two or more spaces (or tabs): the fallback for rows that do not line up with a
/// header. Cells that hold single spaces survive; empty cells are lost, which the caller must allow for.
pub fn split_wide(row: &str) -> Vec<&str> {
    let b = row.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    while i < b.len() {
        let gap = b[i] == b'\t' || (b[i] == b' ' && b.get(i + 1).is_some_and(|&c| c == b' ' || c == b'\t'));
        if gap {
            if let Some(s) = start.take() {
                out.push(&row[s..i]);
            }
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(row[s..].trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &[&str] = &["LAST SEEN", "FIRST SEEN", "NOMINATED NODE", "READINESS GATES"];

    #[test]
    fn header_positions_with_multi_word_names() {
        // formats.md 7.1 (k9s PR#438)
        let h = Header::parse(
            "LAST SEEN   TYPE      REASON              OBJECT                                                             MESSAGE",
            MULTI,
        )
        .unwrap();
        let names: Vec<&str> = h.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
        assert_eq!(h.columns[1].start, 12);
        assert_eq!(h.index("OBJECT"), Some(3));
    }

    #[test]
    fn cells_keep_spaces_and_empty_cells() {
        // formats.md 7.1 (openshift/origin#7824): empty SUBOBJECT
        let header = "LASTSEEN   FIRSTSEEN   COUNT     NAME                 KIND      SUBOBJECT   TYPE      REASON       SOURCE                           MESSAGE";
        let row = "18m        19m         4         postgresql-1-t199e   Pod                   Warning   FailedSync   {kubelet node238.localnet.net}   Error syncing pod, skipping: x";
        let h = Header::parse(header, MULTI).unwrap();
        let c = h.cells(row).unwrap();
        assert_eq!(c[0], "18m");
        assert_eq!(c[5], "");
        assert_eq!(c[6], "Warning");
        assert_eq!(c[8], "{kubelet node238.localnet.net}");
        assert_eq!(c[9], "Error syncing pod, skipping: x");
    }

    #[test]
    fn misaligned_rows_are_refused() {
        let h = Header::parse("LAST SEEN   TYPE      REASON    OBJECT    MESSAGE", MULTI).unwrap();
        assert!(h
            .cells("49s (x2 over 51s)   Warning   BackOff   pod/x   Back-off")
            .is_none());
        assert!(h.cells("5m          Normal    Pulled    pod/x     ok").is_some());
    }

    #[test]
    fn wide_split_fallback() {
        assert_eq!(
            split_wide("49s (x2 over 51s)   Warning   BackOff  pod/x   Back-off restarting failed container"),
            [
                "49s (x2 over 51s)",
                "Warning",
                "BackOff",
                "pod/x",
                "Back-off restarting failed container"
            ]
        );
        assert_eq!(split_wide("a\tb\t\tc"), ["a", "b", "c"]);
    }
}
