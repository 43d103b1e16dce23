//! Throughput benchmarks: the line dispatcher alone, and a whole `analyze` run, on a generated realistic bundle.
//!
//! `cargo bench` generates a 64 MiB bundle (27 nodes) in a temporary folder, so no large file lives in the repo.
//! For the 1 GiB figure of the README, generate a bundle with the `gen-bundle` example and time the binary.

#[path = "gen/mod.rs"]
mod gen;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parsers::line::{self, Scratch};
use parsers::{Format, Line};
use postmortem::analysis::{self, Options};
use std::path::{Path, PathBuf};

fn bundle() -> (tempfile::TempDir, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = gen::BundleSpec {
        target_bytes: 64 << 20,
        nodes: 27,
        seed: 7,
    };
    let stats = gen::write_bundle(dir.path(), &spec).expect("bundle written");
    (dir, stats.bytes)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let (dir, bytes) = bundle();
    let text: Vec<u8> = files(dir.path())
        .iter()
        .flat_map(|p| std::fs::read(p).expect("readable"))
        .collect();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("line::parse (one core, generated bundle)", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            let mut records = 0u64;
            for l in text.split(|&c| c == b'\n') {
                if let Line::Record(_) = line::parse(l, Format::Text, &mut scratch) {
                    records += 1;
                }
            }
            records
        })
    });
    g.finish();

    bench_prefilter(c, &text);

    let mut g = c.benchmark_group("analyze");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    let opts = Options {
        inputs: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    g.bench_function("analyze 64 MiB bundle (all cores)", |b| {
        b.iter(|| analysis::analyze(&opts).expect("readable"))
    });
    g.finish();

    bench_dumps(c);
}

/// The SIMD anchor prefilter over what the scanner gives it: the message and what follows it on the line, for
/// every record below warning level (warnings are kept without it).
fn bench_prefilter(c: &mut Criterion, text: &[u8]) {
    use parsers::Severity;
    let mut scratch = Scratch::default();
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for l in text.split(|&c| c == b'\n') {
        if let Line::Record(rec) = line::parse(l, Format::Text, &mut scratch) {
            let at = (rec.message.as_ptr() as usize).wrapping_sub(l.as_ptr() as usize);
            if rec.severity < Severity::Warning && at <= l.len() {
                messages.push(l[at..].to_vec());
            }
        }
    }
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("signals");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("prefilter (one core, messages below warning)", |b| {
        b.iter(|| messages.iter().filter(|m| postmortem::signals::prefilter(m)).count())
    });
    g.finish();
}

/// kubectl dumps of the `cronjob-webhook-lag` corpus bundle, repeated to a few MiB: the events table and the
/// cluster-info `events.json` (the largest dumps people save).
fn bench_dumps(c: &mut Criterion) {
    use parsers::kubectl::{events_table, objects};
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cronjob-webhook-lag");
    let table = std::fs::read(corpus.join("kubectl/get-events.txt")).expect("corpus table");
    let (header, rows) = table.split_at(table.iter().position(|&b| b == b'\n').expect("a header") + 1);
    let mut big_table = header.to_vec();
    while big_table.len() < 8 << 20 {
        big_table.extend_from_slice(rows);
    }
    let json = std::fs::read(corpus.join("cluster-info/batch-jobs/events.json")).expect("corpus json");
    let mut big_json = Vec::new();
    while big_json.len() < 8 << 20 {
        big_json.extend_from_slice(&json);
    }
    let mut g = c.benchmark_group("dumps");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(big_table.len() as u64));
    g.bench_function("events table (8 MiB)", |b| {
        b.iter(|| events_table::parse(&big_table).events.len())
    });
    g.throughput(Throughput::Bytes(big_json.len() as u64));
    g.bench_function("events.json documents (8 MiB)", |b| {
        b.iter(|| objects::parse_json(&big_json).events.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
