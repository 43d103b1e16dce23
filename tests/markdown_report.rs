//! The Markdown report read back by a CommonMark parser (GFM tables on): tables keep their shape whatever the
//! logs hold, log text stays text, findings come root cause first with their chain, the Mermaid gantt is
//! well-formed, and the full timeline is folded in `<details>`.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name)
}

/// `postmortem analyze --quiet ARGS...` in Markdown; exit 0.
fn report(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--quiet", "--format", "md"])
        .args(args)
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES
}

/// A table as the parser read it: the heading above it, its header and rows of cell texts.
#[derive(Debug)]
struct Table {
    heading: String,
    columns: usize,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What the parser made of a report.
#[derive(Debug, Default)]
struct Doc {
    tables: Vec<Table>,
    /// Raw HTML the parser saw (blocks and inline), with the heading above it.
    html: Vec<(String, String)>,
    /// Fenced code blocks: language and text.
    code_blocks: Vec<(String, String)>,
    /// Link destinations.
    links: Vec<String>,
    /// Text inside emphasis or strong emphasis.
    emphasis: Vec<String>,
    /// Headings in order.
    headings: Vec<String>,
    /// Bullet items' text (inline code included).
    items: Vec<String>,
    /// Every event in order, compact, to check nesting (`html:`, `table`, `/table`, `h:`).
    outline: Vec<String>,
}

fn parse(md: &str) -> Doc {
    let mut doc = Doc::default();
    let mut heading: Option<String> = None;
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut emphasis: Option<String> = None;
    let mut item: Option<String> = None;
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                let h = heading.take().unwrap();
                doc.outline.push(format!("h:{h}"));
                doc.headings.push(h);
            }
            Event::Start(Tag::Table(aligns)) => {
                doc.tables.push(Table {
                    heading: doc.headings.last().cloned().unwrap_or_default(),
                    columns: aligns.len(),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
                doc.outline.push("table".into());
            }
            Event::End(TagEnd::Table) => doc.outline.push("/table".into()),
            Event::Start(Tag::TableHead | Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableHead) => doc.tables.last_mut().unwrap().header = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => doc.tables.last_mut().unwrap().rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap()),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => code = Some((lang.to_string(), String::new())),
            Event::End(TagEnd::CodeBlock) => doc.code_blocks.extend(code.take()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                doc.links.push(dest_url.to_string())
            }
            Event::Start(Tag::Emphasis | Tag::Strong) => emphasis = Some(String::new()),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => doc.emphasis.extend(emphasis.take()),
            Event::Start(Tag::Item) => item = Some(String::new()),
            Event::End(TagEnd::Item) => doc.items.extend(item.take()),
            Event::Html(h) | Event::InlineHtml(h) => {
                doc.outline.push(format!("html:{}", h.trim()));
                doc.html
                    .push((doc.headings.last().cloned().unwrap_or_default(), h.to_string()));
            }
            Event::Text(t) | Event::Code(t) => {
                for sink in [&mut heading, &mut cell, &mut emphasis, &mut item] {
                    if let Some(s) = sink.as_mut() {
                        s.push_str(&t);
                    }
                }
                if let Some((_, s)) = code.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(s) = item.as_mut() {
                    s.push(' ');
                }
            }
            _ => {}
        }
    }
    doc
}

/// Splits a source table line into cells the GFM way: on pipes not escaped by a backslash.
fn raw_cells(line: &str) -> usize {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let bytes = line.as_bytes();
    let mut cells = 1;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'|' && (i == 0 || bytes[i - 1] != b'\\') && i + 1 < bytes.len() {
            cells += 1;
        }
    }
    cells
}

/// Every table keeps its shape: in the source, each row has as many cells as its header (GFM would silently
/// pad or drop cells), and the parser agrees.
fn assert_tables_intact(md: &str, doc: &Doc) {
    assert!(!doc.tables.is_empty());
    for t in &doc.tables {
        assert_eq!(t.header.len(), t.columns, "{}", t.heading);
        for r in &t.rows {
            assert_eq!(r.len(), t.columns, "{}: {r:?}", t.heading);
        }
    }
    // The source: consecutive lines starting with `|` form a table.
    let mut header: Option<usize> = None;
    let mut tables = 0;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = raw_cells(line);
            match header {
                None => {
                    header = Some(n);
                    tables += 1;
                }
                Some(h) => assert_eq!(n, h, "row with {n} cells under a header of {h}: {line}"),
            }
        } else {
            header = None;
        }
    }
    assert_eq!(tables, doc.tables.len(), "every `|` block is a table the parser sees");
}

/// The only raw HTML is the report's own `<details>`, `<summary>` and `<br>`.
fn assert_only_own_html(doc: &Doc) {
    let allowed = Regex::new(r"^(</?details>|<summary>[^<>]*</summary>|</?summary>|<br>|\s)*$").unwrap();
    for (heading, h) in &doc.html {
        let h = h.trim();
        assert!(allowed.is_match(h), "raw HTML under `{heading}`: {h:?}");
        for bad in ["script", "img", "onerror", "javascript", "<!--"] {
            assert!(!h.contains(bad), "raw HTML under `{heading}`: {h:?}");
        }
    }
    for l in &doc.links {
        assert!(!l.to_ascii_lowercase().starts_with("javascript"), "link to {l}");
    }
}

/// The gantt block: header lines, sections, task lines that Mermaid reads, each ending after it starts.
fn gantt(doc: &Doc) -> Vec<String> {
    let blocks: Vec<&String> = doc
        .code_blocks
        .iter()
        .filter(|(l, _)| l == "mermaid")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(blocks.len(), 1, "one mermaid block");
    let text = blocks[0];
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("gantt"));
    let task = Regex::new(
        r"^    ([^:#;%\n]+?) :((crit|active), )?([fp][0-9]+), ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}), ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})$",
    )
    .unwrap();
    let mut tasks = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for line in lines {
        if let Some(section) = line.strip_prefix("    section ") {
            assert!(!section.contains([':', '#', ';']), "{line}");
            continue;
        }
        if [
            "    title ",
            "    dateFormat YYYY-MM-DDTHH:mm:ss",
            "    axisFormat ",
            "    todayMarker off",
        ]
        .iter()
        .any(|p| line.starts_with(p))
        {
            continue;
        }
        let c = task
            .captures(line)
            .unwrap_or_else(|| panic!("not a gantt task: {line:?}"));
        assert!(c[5] < c[6], "ends after it starts: {line}");
        assert!(ids.insert(c[4].to_string()), "task ids are unique: {line}");
        tasks.push(line.to_string());
    }
    assert!(text.contains("    dateFormat YYYY-MM-DDTHH:mm:ss\n"));
    tasks
}

/// The full timeline: a table between `<details>` and `</details>`, right after the `Timeline` heading.
fn assert_folded_timeline(doc: &Doc) {
    let at = doc
        .outline
        .iter()
        .position(|e| e == "h:Timeline")
        .expect("Timeline heading");
    let rest = &doc.outline[at + 1..];
    assert!(rest[0].starts_with("html:<details>"), "{rest:?}");
    let summary = rest.iter().position(|e| e.contains("<summary>")).unwrap();
    let table = rest.iter().position(|e| e == "table").unwrap();
    let end_table = rest.iter().position(|e| e == "/table").unwrap();
    let close = rest.iter().position(|e| e.contains("</details>")).unwrap();
    assert!(summary < table && table < end_table && end_table < close, "{rest:?}");
    let t = doc.tables.iter().find(|t| t.heading == "Timeline").unwrap();
    assert_eq!(t.header[0], "Time (UTC)");
}

fn table<'a>(doc: &'a Doc, heading: &str) -> &'a Table {
    doc.tables
        .iter()
        .find(|t| t.heading == heading)
        .unwrap_or_else(|| panic!("no table under {heading}"))
}

#[test]
fn runtime_hang_reads_root_cause_first_with_its_chain() {
    let md = report(&[corpus("runtime-hang-notready").to_str().unwrap()]);
    let doc = parse(&md);
    assert_tables_intact(&md, &doc);
    assert_only_own_html(&doc);
    assert_folded_timeline(&doc);
    // The chain, root first, then the table in that order.
    assert!(
        doc.items
            .iter()
            .any(|i| i == "container-runtime-hang → node-not-ready → webhook-timeout"),
        "{:?}",
        doc.items
    );
    let findings = table(&doc, "Findings");
    let ids: Vec<&str> = findings.rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(ids, ["container-runtime-hang", "node-not-ready", "webhook-timeout"]);
    assert_eq!(findings.rows[0][1], "critical");
    assert_eq!(findings.rows[1][5], "container-runtime-hang");
    // A section per finding, in the same order, with window, numbers and evidence.
    let sections: Vec<&String> = doc
        .headings
        .iter()
        .filter(|h| h.starts_with(char::is_numeric))
        .collect();
    assert_eq!(
        sections[0],
        "1. container-runtime-hang: Container runtime on worker-2 not answering: 10 calls timed out"
    );
    assert_eq!(sections.len(), 3);
    assert!(md.contains("- Window (UTC): 2024-03-05T10:02:08.412Z → 2024-03-05T10:06:48.713Z (4 min 40 s)"));
    assert!(doc
        .tables
        .iter()
        .any(|t| t.header == ["Measured", "Value"] && t.rows.contains(&vec!["pleg_s".into(), "215.0".into()])));
    assert!(md.contains("Evidence: `nodes/worker-2/kubelet.log:50`, "));
    // The gantt: one task per finding (critical as crit), node periods in their sections.
    let tasks = gantt(&doc);
    assert!(tasks.contains(
        &"    1. container-runtime-hang node/worker-2 :crit, f1, 2024-03-05T10:01:58, 2024-03-05T10:06:28".to_string()
    ));
    assert_eq!(
        tasks
            .iter()
            .filter(|t| t.contains(" :crit, f") || t.contains(" :active, f"))
            .count(),
        3
    );
    assert!(
        tasks.contains(&"    NotReady :crit, p2, 2024-03-05T10:02:08, 2024-03-05T10:06:49".to_string()),
        "{tasks:?}"
    );
    // Key events: the cited lines and the signals about the subjects, in time order, repeats counted.
    let key = table(&doc, "Key events");
    assert!(key.rows.len() <= 50 && key.rows.len() >= 10, "{}", key.rows.len());
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = key
        .rows
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r[0].trim_start_matches('~')).unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let pleg = key
        .rows
        .iter()
        .find(|r| r[7] == "nodes/worker-2/kubelet.log:81")
        .expect("PLEG row, cited");
    assert_eq!((pleg[1].as_str(), pleg[2].as_str()), ("2024-03-05T10:06:36.600Z", "44"));
    assert!(key
        .rows
        .iter()
        .any(|r| r[7] == "control-plane/cp-1/kube-apiserver.log:25" && r[8] == "3"));
    // Rows about other nodes are not key events.
    assert!(!key.rows.iter().any(|r| r[3] == "worker-1"), "{:?}", key.rows);
    // Inputs with how time was decided.
    let inputs = table(&doc, "Inputs");
    assert_eq!(inputs.header.last().unwrap(), "Time decided by");
    assert!(inputs
        .rows
        .iter()
        .any(|r| r[0] == "nodes/worker-2/kubelet.log" && r[9].starts_with("wall clock without year")));
}

#[test]
fn disk_pressure_draws_pressure_periods() {
    let md = report(&[corpus("disk-pressure-image-gc").to_str().unwrap()]);
    let doc = parse(&md);
    assert_tables_intact(&md, &doc);
    assert_only_own_html(&doc);
    assert_folded_timeline(&doc);
    assert!(
        doc.items
            .iter()
            .any(|i| i == "image-gc-failed → disk-pressure-eviction"),
        "{:?}",
        doc.items
    );
    let tasks = gantt(&doc);
    assert!(
        tasks
            .iter()
            .any(|t| t.starts_with("    DiskPressure :p1, 2024-02-08T03:20:04, ")),
        "{tasks:?}"
    );
    assert!(md.contains("    section worker-2\n"));
}

#[test]
fn every_corpus_bundle_renders_well_formed() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let md = report(&[dir.to_str().unwrap()]);
        let doc = parse(&md);
        assert_tables_intact(&md, &doc);
        assert_only_own_html(&doc);
        assert_folded_timeline(&doc);
        if doc.code_blocks.iter().any(|(l, _)| l == "mermaid") {
            gantt(&doc);
        }
    }
}

const HOSTILE: &str = "<script>alert(1)</script> | pipes | `backticks` ``` **bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)> &amp; <!-- c --> a\\|b";

#[test]
fn hostile_log_text_stays_text_and_tables_stay_whole() {
    let tmp = tempfile::tempdir().unwrap();
    // A node named by a hostile folder, and hostile text in the runtime errors that make its finding.
    let node = "evil|node<img src=x onerror=alert(1)>";
    let dir = tmp.path().join("nodes").join(node);
    std::fs::create_dir_all(&dir).unwrap();
    let lines = [
        "E0305 10:01:58.020000    1432 remote_runtime.go:349] \"StopContainer from runtime service failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded <script>alert(1)</script> | pipes |\" containerID=\"5f0c\"".to_string(),
        "E0305 10:02:02.011000    1432 remote_runtime.go:277] \"ListPodSandbox with filter from runtime service failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded `backticks` **bold**\"".to_string(),
        "E0305 10:02:05.104000    1432 remote_runtime.go:623] \"Status from runtime service failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded [link](javascript:alert(1)) <img src=x onerror=alert(1)>\"".to_string(),
        "E0305 10:02:06.104000    1432 remote_runtime.go:623] \"Status from runtime service failed\" err=\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"".to_string(),
        format!("E0305 10:02:07.104000    1432 kubelet.go:100] {HOSTILE}"),
        "E0305 10:02:08.104000    1432 kubelet.go:101] - list # heading > quote\u{202e}reversed".to_string(),
        "E0305 10:02:09.104000    1432 kubelet.go:102] ---".to_string(),
    ];
    std::fs::write(dir.join("kubelet.log"), lines.join("\n") + "\n").unwrap();
    let md = report(&[tmp.path().to_str().unwrap()]);
    let doc = parse(&md);
    assert_tables_intact(&md, &doc);
    assert_only_own_html(&doc);
    assert_folded_timeline(&doc);
    assert!(doc.emphasis.iter().all(|e| !e.contains("bold")), "{:?}", doc.emphasis);
    // The hostile line reads back as its own text, whole, in one cell of the timeline.
    let timeline = table(&doc, "Timeline");
    let cells: Vec<&String> = timeline.rows.iter().map(|r| &r[5]).collect();
    assert!(cells.iter().any(|c| *c == HOSTILE), "{cells:#?}");
    assert!(
        cells.iter().any(|c| *c == "- list # heading > quotereversed"),
        "{cells:#?}"
    );
    assert!(cells.iter().any(|c| *c == "---"), "{cells:#?}");
    assert!(timeline.rows.iter().all(|r| r[1] == node), "node cell whole");
    // The finding on that node: title, key events, evidence and gantt keep the text (or lose only syntax).
    let findings = table(&doc, "Findings");
    assert_eq!(findings.rows[0][2], "container-runtime-hang");
    assert!(findings.rows[0][3].contains(node), "{:?}", findings.rows[0]);
    let key = table(&doc, "Key events");
    assert!(key
        .rows
        .iter()
        .any(|r| r[6].ends_with("deadline exceeded <script>alert(1)</script> | pipes |\" containerID=\"5f0c\"")));
    assert!(key.rows.iter().any(|r| r[6].contains("`backticks` **bold**")));
    assert!(
        doc.items.iter().any(|i| i == &format!("Subjects: node/{node}")),
        "{:?}",
        doc.items
    );
    let tasks = gantt(&doc);
    assert!(
        tasks[0].starts_with("    1. container-runtime-hang node/evil node img src=x"),
        "{tasks:?}"
    );
    assert!(doc
        .headings
        .iter()
        .any(|h| h.contains(&format!("Container runtime on {node} not answering"))));
}

#[test]
fn a_long_timeline_is_cut_with_a_pointer_to_the_full_reports() {
    let tmp = tempfile::tempdir().unwrap();
    // 2,500 distinct templates (letters, not digits, tell them apart): 2,500 rows.
    let word = |mut i: usize| {
        let mut w = String::new();
        for _ in 0..3 {
            w.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        w
    };
    let text: String = (0..2500)
        .map(|i| {
            format!(
                "E0305 10:{:02}:{:02}.000000    1432 x.go:1] failure in module {}\n",
                i / 60 % 60,
                i % 60,
                word(i)
            )
        })
        .collect();
    std::fs::write(tmp.path().join("kubelet.log"), text).unwrap();
    let md = report(&["--year", "2024", tmp.path().to_str().unwrap()]);
    let doc = parse(&md);
    assert_tables_intact(&md, &doc);
    assert_folded_timeline(&doc);
    assert_eq!(table(&doc, "Timeline").rows.len(), 2000);
    assert!(md.contains("<summary>Full timeline: first 2000 of 2500 rows</summary>"));
    assert!(md.contains("500 more rows are not shown here: `--format json` or `--format html` writes them all."));
}
