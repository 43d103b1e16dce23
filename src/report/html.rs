//! HTML report: one self-contained file (inline CSS, JS and SVG; no network) to attach to a write-up.
//!
//! The page draws lanes per node and component with the timeline's rows as marks coloured by severity
//! (aggregated per pixel column when dense), findings as spans with their chain, node NotReady and pressure
//! periods as bands; hover shows a row and its source, the time axis zooms and pans, filters select nodes,
//! severities and a finding, and the timeline table below is searchable and paged.
//!
//! Log text is untrusted: the data travel as JSON inside `<script type="application/json">` with `<`, `>` and
//! `&` written as `\u003c`, `\u003e`, `\u0026` (so no `</script>` can end the block), and the page inserts
//! text with `textContent` only, never as markup.

use crate::model::Analysis;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Longest message carried into the page (characters); the JSON report has the full text.
const MESSAGE_CHARS: usize = 500;

/// Severities in the order the page ranks them (index = rank), as the model names them.
fn severities() -> [&'static str; 8] {
    parsers::Severity::ALL.map(parsers::Severity::as_str)
}

/// What the page reads.
#[derive(Serialize)]
struct Data<'a> {
    version: u32,
    severities: [&'static str; 8],
    /// Lanes: `[node, component]`.
    lanes: Vec<(&'a str, &'a str)>,
    /// Source paths (rows refer to them by index).
    paths: Vec<&'a str>,
    /// Rows: `[at_ms, last_ms, lane, severity, count, path, line, object, message]`; times in ms since the
    /// epoch, `null` when a row could not be placed.
    rows: Vec<Row<'a>>,
    findings: Vec<FindingView<'a>>,
    periods: Vec<PeriodView<'a>>,
    inputs: usize,
}

#[derive(Serialize)]
struct Row<'a>(
    Option<i64>,
    Option<i64>,
    usize,
    usize,
    u64,
    usize,
    u64,
    &'a str,
    std::borrow::Cow<'a, str>,
);

#[derive(Serialize)]
struct FindingView<'a> {
    id: &'a str,
    severity: &'a str,
    title: &'a str,
    start: Option<i64>,
    end: Option<i64>,
    subjects: &'a [String],
    caused_by: &'a [String],
    measured: Vec<(String, String)>,
    explanation: &'a str,
    remediation: &'a str,
    evidence: Vec<(&'a str, u64)>,
    /// Known-issue mark: `[reason, link]`.
    known: Option<(&'a str, Option<&'a str>)>,
}

#[derive(Serialize)]
struct PeriodView<'a> {
    node: &'a str,
    state: &'a str,
    start: i64,
    end: Option<i64>,
}

fn ms(ns: Option<i64>) -> Option<i64> {
    ns.map(|t| t.div_euclid(1_000_000))
}

fn data(a: &Analysis) -> Data<'_> {
    let ranks = severities();
    let mut lane_index: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in &a.timeline {
        lane_index.insert(
            (
                r.node.as_deref().unwrap_or("cluster"),
                r.component.as_deref().unwrap_or("—"),
            ),
            0,
        );
    }
    let lanes: Vec<(&str, &str)> = lane_index.keys().copied().collect();
    for (i, k) in lanes.iter().enumerate() {
        lane_index.insert(*k, i);
    }
    let mut path_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut paths: Vec<&str> = Vec::new();
    let rows = a
        .timeline
        .iter()
        .map(|r| {
            let lane = lane_index[&(
                r.node.as_deref().unwrap_or("cluster"),
                r.component.as_deref().unwrap_or("—"),
            )];
            let path = *path_index.entry(r.source.path.as_str()).or_insert_with(|| {
                paths.push(r.source.path.as_str());
                paths.len() - 1
            });
            let severity = ranks.iter().position(|s| *s == r.severity).unwrap_or(0);
            let message = match r.message.char_indices().nth(MESSAGE_CHARS) {
                Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &r.message[..cut])),
                None => std::borrow::Cow::Borrowed(r.message.as_str()),
            };
            Row(
                ms(r.at),
                ms(r.last_at.or(r.at)),
                lane,
                severity,
                r.count,
                path,
                r.source.line,
                r.object.as_deref().unwrap_or(""),
                message,
            )
        })
        .collect();
    let findings = a
        .findings
        .iter()
        .map(|f| FindingView {
            id: &f.id,
            severity: &f.severity,
            title: &f.title,
            start: ms(f.start),
            end: ms(f.end),
            subjects: &f.subjects,
            caused_by: &f.caused_by,
            // Scalars only: lists and maps (per-Job lags, counts over time) are in the JSON report.
            measured: f
                .measured
                .iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::String(s) => Some((k.clone(), s.clone())),
                    serde_json::Value::Number(n) => Some((k.clone(), n.to_string())),
                    serde_json::Value::Bool(b) => Some((k.clone(), b.to_string())),
                    _ => None,
                })
                .collect(),
            explanation: &f.explanation,
            remediation: &f.remediation,
            evidence: f.evidence.iter().map(|e| (e.path.as_str(), e.line)).collect(),
            known: f.known.as_ref().map(|k| (k.reason.as_str(), k.link.as_deref())),
        })
        .collect();
    let periods = a
        .node_periods
        .iter()
        .map(|p| PeriodView {
            node: &p.node,
            state: p.state,
            start: p.start.div_euclid(1_000_000),
            end: ms(p.end),
        })
        .collect();
    Data {
        version: a.version,
        severities: ranks,
        lanes,
        paths,
        rows,
        findings,
        periods,
        inputs: a.inputs.len(),
    }
}

/// Writes JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped, so it can sit inside a `<script>` element.
struct ScriptSafe<'a>(&'a mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            let escape: Option<&[u8]> = match buf[i] {
                b'<' => Some(b"\\u003c"),
                b'>' => Some(b"\\u003e"),
                b'&' => Some(b"\\u0026"),
                // U+2028 / U+2029 (E2 80 A8 / E2 80 A9): line terminators to old JavaScript parsers.
                0xE2 if buf.get(i + 1) == Some(&0x80) && matches!(buf.get(i + 2), Some(0xA8 | 0xA9)) => {
                    Some(if buf[i + 2] == 0xA8 { b"\\u2028" } else { b"\\u2029" })
                }
                _ => None,
            };
            if let Some(e) = escape {
                self.0.write_all(&buf[start..i])?;
                self.0.write_all(e)?;
                i += if buf[i] == 0xE2 { 3 } else { 1 };
                start = i;
            } else {
                i += 1;
            }
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Writes the self-contained HTML report.
pub fn render(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
          <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
          <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
          <title>postmortem report</title>\n<style>\n",
    )?;
    out.write_all(CSS.as_bytes())?;
    out.write_all(b"</style>\n</head>\n<body>\n")?;
    out.write_all(BODY.as_bytes())?;
    out.write_all(b"<script type=\"application/json\" id=\"pm-data\">")?;
    // The JSON is written in one go through the escaping writer (a BufWriter would split `\xE2\x80\xA8`).
    let json = serde_json::to_vec(&data(a)).map_err(io::Error::other)?;
    ScriptSafe(out).write_all(&json)?;
    out.write_all(b"</script>\n<script>\n")?;
    out.write_all(JS.as_bytes())?;
    out.write_all(b"</script>\n</body>\n</html>\n")
}

/// The page's fixed markup; the script fills it.
const BODY: &str = r#"<header>
  <h1>postmortem report</h1>
  <p id="pm-summary"></p>
</header>
<section id="pm-findings-section">
  <h2>Findings</h2>
  <ol id="pm-findings"></ol>
</section>
<section id="pm-chart-section">
  <h2>Timeline</h2>
  <div id="pm-controls">
    <label>Severity at least <select id="pm-severity"></select></label>
    <label>Finding <select id="pm-finding"><option value="">all</option></select></label>
    <button type="button" id="pm-reset">Reset zoom</button>
    <span class="pm-hint">wheel: zoom · drag: pan · hover: details</span>
    <details id="pm-nodes-box"><summary>Nodes</summary><div id="pm-nodes"></div></details>
  </div>
  <div id="pm-chart"><svg id="pm-svg" xmlns="http://www.w3.org/2000/svg"></svg><div id="pm-tip" hidden></div></div>
  <div id="pm-legend"></div>
</section>
<section id="pm-table-section">
  <h2>Rows</h2>
  <div id="pm-table-controls">
    <input id="pm-search" type="search" placeholder="search messages, objects, sources" size="40">
    <button type="button" id="pm-prev">◀</button> <span id="pm-page"></span> <button type="button" id="pm-next">▶</button>
  </div>
  <table id="pm-table">
    <thead><tr><th>Time (UTC)</th><th>Node</th><th>Component</th><th>Object</th><th>Severity</th><th>×</th><th>Message</th><th>Source</th></tr></thead>
    <tbody id="pm-rows"></tbody>
  </table>
</section>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let mut out = Vec::new();
        let text = "</script><script>alert(1)</script> & \u{2028}x";
        ScriptSafe(&mut out)
            .write_all(&serde_json::to_vec(&text).unwrap())
            .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        assert!(s.contains("\\u003c/script\\u003e") && s.contains("\\u2028"), "{s}");
        // Still the same string to a JSON reader.
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), text);
    }
}
