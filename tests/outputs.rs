//! Report formats and several outputs in one run: each `-o` file's format from its extension, usage errors
//! for what cannot be told, nothing written inside an input; terminal text free of control sequences.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus(bundle: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle)
}

fn analyze(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .arg("analyze")
        .arg("--quiet")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("binary runs")
}

fn os<P: AsRef<std::ffi::OsStr> + ?Sized>(p: &P) -> &std::ffi::OsStr {
    p.as_ref()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn one_run_writes_every_format() {
    let out = tempfile::tempdir().unwrap();
    let p = |n: &str| out.path().join(n);
    let bundle = corpus("etcd-probe-loop");
    let o = analyze(&[
        os(&bundle),
        os("-o"),
        os(&p("a.md")),
        os("-o"),
        os(&p("b.html")),
        os("-o"),
        os(&p("c.json")),
        os("-o"),
        os(&p("d.xml")),
        os("--output"),
        os(&p("e.txt")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "nothing on standard output when every report goes to a file"
    );

    let md = std::fs::read_to_string(p("a.md")).unwrap();
    assert!(
        md.contains("etcd-slow") && md.starts_with('#'),
        "{}",
        &md[..md.len().min(300)]
    );

    let html = std::fs::read_to_string(p("b.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..html.len().min(100)]);

    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p("c.json")).unwrap()).unwrap();
    assert_eq!(json["version"], postmortem::model::VERSION);
    let found: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(found.contains(&"etcd-slow"), "{found:?}");

    let xml = std::fs::read_to_string(p("d.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let cases: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), postmortem::detect::PATTERNS.len());
    // Each finding at warning or above fails its pattern's case; the others pass or are skipped.
    let failed: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    let mut want: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    want.sort();
    want.dedup();
    let mut got = failed.clone();
    got.sort();
    assert_eq!(got, want);
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("failures"), Some(want.len().to_string().as_str()));
    let skipped = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .count();
    assert_eq!(skipped, json["not_evaluated"].as_array().unwrap().len());
    let etcd = cases.iter().find(|c| c.attribute("name") == Some("etcd-slow")).unwrap();
    let failure = etcd.children().find(|n| n.has_tag_name("failure")).unwrap();
    let text = failure.text().unwrap();
    assert!(text.contains("evidence:") && text.contains(".log:"), "{text}");

    let txt = std::fs::read_to_string(p("e.txt")).unwrap();
    assert!(
        txt.contains("etcd-slow") && !txt.contains('\u{1b}'),
        "no colour in a file"
    );
}

#[test]
fn the_format_flag_decides_for_a_single_output_and_stdout() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.out");
    let bundle = corpus("version-skew");
    let o = analyze(&[os(&bundle), os("--format"), os("json"), os("-o"), os(&file)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let _: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // A single output without --format: its extension.
    let xml = out.path().join("junit.xml");
    let o = analyze(&[os(&bundle), os("-o"), os(&xml)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    roxmltree::Document::parse(&std::fs::read_to_string(&xml).unwrap()).unwrap();
    // JUnit on standard output.
    let o = analyze(&[os(&bundle), os("--format"), os("junit")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let skew = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("version-skew"))
        .unwrap();
    let failure = skew.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("type"), Some("critical"));
}

#[test]
fn formats_that_cannot_be_told_are_usage_errors() {
    let out = tempfile::tempdir().unwrap();
    let bundle = corpus("version-skew");
    let md = out.path().join("a.md");
    let pdf = out.path().join("b.pdf");
    let o = analyze(&[os(&bundle), os("-o"), os(&md), os("-o"), os(&pdf)]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("b.pdf") && e.contains(".html"), "{e}");
    assert!(!md.exists() && !pdf.exists(), "nothing written after a usage error");

    let bare = out.path().join("report");
    let o = analyze(&[os(&bundle), os("-o"), os(&bare)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format"), "{}", stderr(&o));

    let o = analyze(&[
        os(&bundle),
        os("--format"),
        os("md"),
        os("-o"),
        os(&md),
        os("-o"),
        os(&out.path().join("c.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format"), "{}", stderr(&o));

    let o = analyze(&[os(&bundle), os("-o"), os(&md), os("-o"), os(&md)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("twice"), "{}", stderr(&o));

    let o = analyze(&[os(&bundle), os("--format"), os("pdf")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn no_output_is_written_inside_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    std::fs::create_dir_all(bundle.join("node1")).unwrap();
    std::fs::write(
        bundle.join("node1/kubelet.log"),
        "E0313 16:02:43.934473    1001 kubelet.go:2412] \"Error syncing pod\" err=\"boom\"\n",
    )
    .unwrap();
    let outside = tmp.path().join("report.md");
    let inside = bundle.join("node1/report.json");
    let o = analyze(&[os(&bundle), os("-o"), os(&outside), os("-o"), os(&inside)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("refusing to write"), "{}", stderr(&o));
    assert!(!inside.exists() && !outside.exists());
    // The same outputs beside the input are fine.
    let beside = tmp.path().join("report.json");
    let o = analyze(&[os(&bundle), os("-o"), os(&outside), os("-o"), os(&beside)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(outside.exists() && beside.exists());
}

#[test]
fn terminal_text_holds_no_control_sequences_from_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    std::fs::create_dir_all(bundle.join("node1")).unwrap();
    let hostile =
        "E0313 16:02:43.934473    1001 kubelet.go:2412] disk \u{1b}[31mRED\u{1b}[0m bell\u{7} back\u{8}space \
                   cr\rreturn \u{1b}]0;retitled\u{7}title \u{1b}[2J\u{1b}[Hclear \u{9b}31mcsi8 del\u{7f} end\n\
                   E0313 16:02:44.000000    1001 kubelet.go:2413] second \u{1b}P1;2qdcs\u{1b}\\ line\n";
    std::fs::write(bundle.join("node1/kubelet.log"), hostile).unwrap();
    for format in ["text", "md"] {
        let o = analyze(&[os(&bundle), os("--format"), os(format)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(
            text.contains("RED") && text.contains("end"),
            "{format}: the words stay\n{text}"
        );
        for c in text.chars() {
            assert!(
                c == '\n' || !c.is_control(),
                "{format}: control character U+{:04X} in\n{text:?}",
                c as u32
            );
        }
        assert!(
            !text.contains("retitled") && !text.contains("dcs"),
            "{format}: OSC/DCS payloads dropped\n{text}"
        );
    }
}

/// Runs the text report under a pseudo-terminal (`script`, util-linux: on every Debian machine).
fn text_on_a_terminal(no_color: Option<&str>) -> String {
    let cmd = format!(
        "'{}' analyze --quiet --format text '{}'",
        env!("CARGO_BIN_EXE_postmortem"),
        corpus("version-skew").display()
    );
    let mut c = Command::new("script");
    c.args(["-q", "-e", "-c", &cmd, "/dev/null"]).env_remove("NO_COLOR");
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    let o = c.output().expect("script (util-linux) runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn text_is_coloured_on_a_terminal_unless_no_color() {
    let coloured = text_on_a_terminal(None);
    assert!(
        coloured.contains("\u{1b}[1;31mCRITICAL\u{1b}[0m version-skew"),
        "{coloured:?}"
    );
    let plain = text_on_a_terminal(Some("1"));
    assert!(plain.contains("CRITICAL version-skew"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    // Piped: never coloured.
    let o = analyze(&[os(&corpus("version-skew")), os("--format"), os("text")]);
    let piped = String::from_utf8(o.stdout).unwrap();
    assert!(piped.contains("CRITICAL version-skew") && !piped.contains('\u{1b}'));
}
