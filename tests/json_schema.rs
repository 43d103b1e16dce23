//! The JSON report against `schema/report.schema.json`: every corpus bundle's output validates (strictly: every
//! key the output has is declared), and broken documents do not.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schema/report.schema.json")).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The schema with `additionalProperties: false` on every object that declares its properties and does not
/// say otherwise: the published schema lets later versions add fields, the test wants every field declared.
fn strict(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                    m.insert("additionalProperties".into(), Value::Bool(false));
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(10)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn bundles() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    assert!(out.len() >= 10, "{out:?}");
    out
}

fn analyze_json(bundle: &Path, extra: &[&str]) -> Value {
    let mut args = vec![bundle.as_os_str()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    common::analyze_json(&args)
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema_carrying_the_version() {
    let s = schema();
    jsonschema::meta::validate(&s).expect("valid against its meta-schema");
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let version = postmortem::model::VERSION;
    assert_eq!(s["$id"], format!("urn:postmortem:report:v{version}"));
    assert_eq!(s["properties"]["version"]["const"], version);
}

#[test]
fn every_corpus_bundle_validates() {
    let loose = validator(&schema());
    let strict = validator(&strict(schema()));
    let mut seen_peak = false;
    let mut seen_dump = false;
    for b in bundles() {
        let doc = analyze_json(&b, &[]);
        let e = errors(&strict, &doc);
        assert!(e.is_empty(), "{}:\n{}", b.display(), e.join("\n"));
        assert!(loose.is_valid(&doc));
        seen_peak |= doc["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.get("peak").is_some());
        seen_dump |= doc["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i.get("dump").is_some());
    }
    // The optional parts were exercised too.
    assert!(seen_peak && seen_dump);
}

#[test]
fn a_known_finding_validates() {
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known.toml");
    std::fs::write(
        &known,
        "[[known]]\nid = \"version-skew\"\nsubject = \"node/worker-a\"\nreason = \"upgrade <planned>\"\nlink = \"https://tracker.invalid/OPS-1\"\n",
    )
    .unwrap();
    let doc = analyze_json(
        &root().join("corpus/version-skew"),
        &["--known-issues", known.to_str().unwrap()],
    );
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.get("known").is_some()));
    let e = errors(&validator(&strict(schema())), &doc);
    assert!(e.is_empty(), "{}", e.join("\n"));
}

#[test]
fn broken_documents_do_not_validate() {
    let v = validator(&strict(schema()));
    let good = analyze_json(&root().join("corpus/etcd-probe-loop"), &[]);
    assert!(v.is_valid(&good));
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        d
    };
    let cases: Vec<(&str, Value)> = vec![
        ("version as a string", broken(&|d| d["version"] = "1".into())),
        ("another version", broken(&|d| d["version"] = 2.into())),
        (
            "no totals",
            broken(&|d| {
                d.as_object_mut().unwrap().remove("totals");
            }),
        ),
        (
            "a row without its time kind",
            broken(&|d| {
                d["timeline"][0].as_object_mut().unwrap().remove("time_kind");
            }),
        ),
        (
            "a time that is not RFC 3339",
            broken(&|d| d["timeline"][0]["at"] = "13/03/2023 16:02Z".into()),
        ),
        (
            "a date that does not exist",
            broken(&|d| d["timeline"][0]["at"] = "2023-13-45T16:02:00Z".into()),
        ),
        (
            "a count as a string",
            broken(&|d| d["timeline"][0]["count"] = "3".into()),
        ),
        (
            "an unknown time kind",
            broken(&|d| d["timeline"][0]["time_kind"] = "guessed".into()),
        ),
        (
            "an unknown severity",
            broken(&|d| d["findings"][0]["severity"] = "severe".into()),
        ),
        (
            "subjects not a list",
            broken(&|d| d["findings"][0]["subjects"] = "node/a".into()),
        ),
        (
            "a negative line",
            broken(&|d| d["findings"][0]["evidence"][0]["line"] = (-1).into()),
        ),
        ("an undeclared key", broken(&|d| d["totals"]["surprise"] = 1.into())),
    ];
    for (what, doc) in cases {
        assert!(!v.is_valid(&doc), "{what}: still valid");
    }
}
