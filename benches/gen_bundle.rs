//! Generates a large synthetic incident bundle for benchmarks and end-to-end measurements.
//!
//! ```text
//! cargo run --release --example gen-bundle -- --size 1GiB --nodes 27 --seed 1 --out /tmp/pm-bundle-1g
//! ```
#[path = "gen/mod.rs"]
mod gen;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen-bundle --size <N[KiB|MiB|GiB|KB|MB|GB]> [--nodes 27] [--seed 1] --out <DIR>";

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    let v = num * mult as f64;
    (v >= 1.0).then_some(v as u64)
}

fn main() -> ExitCode {
    let mut size = None;
    let mut nodes = 27usize;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let res: Result<(), String> = match a.as_str() {
            "--size" => {
                val("--size").and_then(|v| parse_size(&v).map(|n| size = Some(n)).ok_or(format!("bad size {v:?}")))
            }
            "--nodes" => val("--nodes").and_then(|v| {
                v.parse()
                    .map(|n| nodes = n)
                    .map_err(|_| format!("bad node count {v:?}"))
            }),
            "--seed" => val("--seed").and_then(|v| v.parse().map(|n| seed = n).map_err(|_| format!("bad seed {v:?}"))),
            "--out" => val("--out").map(|v| out = Some(PathBuf::from(v))),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}")),
        };
        if let Err(e) = res {
            eprintln!("gen-bundle: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let (Some(target_bytes), Some(out)) = (size, out) else {
        eprintln!("gen-bundle: --size and --out are required\n{USAGE}");
        return ExitCode::from(2);
    };
    if nodes == 0 {
        eprintln!("gen-bundle: --nodes must be at least 1");
        return ExitCode::from(2);
    }
    if out.exists() {
        match std::fs::read_dir(&out) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    eprintln!(
                        "gen-bundle: refusing to write into non-empty directory {}",
                        out.display()
                    );
                    return ExitCode::from(1);
                }
            }
            Err(e) => {
                eprintln!("gen-bundle: {}: {e}", out.display());
                return ExitCode::from(1);
            }
        }
    }
    let spec = gen::BundleSpec {
        target_bytes,
        nodes,
        seed,
    };
    let started = Instant::now();
    match gen::write_bundle(&out, &spec) {
        Ok(st) => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "wrote {} files, {} lines, {} bytes ({:.1} MiB) to {} in {:.2}s ({:.0} MB/s)",
                st.files,
                st.lines,
                st.bytes,
                st.bytes as f64 / (1 << 20) as f64,
                out.display(),
                secs,
                st.bytes as f64 / 1e6 / secs.max(1e-9)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-bundle: {e}");
            ExitCode::from(1)
        }
    }
}
