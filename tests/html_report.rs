//! The HTML report opened in a real headless browser (Debian's `chromium`, installed by `.ci/run`): the page
//! drives itself through `#selftest` (hover, severity and node filters, zoom, finding filter, search) and writes
//! its verdict on `<body data-selftest>`; script errors land on `<body data-errors>`. A log line holding
//! `<script>` must show as text, and the page must stay usable with 100,000 timeline rows.

mod common;
use common::copy_dir;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser: `$CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output() {
            if out.status.success() {
                return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            }
        }
    }
    panic!("no chromium found: install Debian's `chromium` (.ci/run does) or set CHROMIUM");
}

fn headless(profile: &Path) -> Command {
    let mut c = Command::new(chromium());
    c.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The DOM after the page ran its self-test.
fn selftest_dom(html: &Path, profile: &Path) -> String {
    let out = headless(profile)
        .args(["--virtual-time-budget=20000", "--dump-dom"])
        .arg(format!("file://{}#selftest", html.display()))
        .output()
        .expect("chromium runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report(bundle: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["analyze", "--quiet", "--format", "html", "-o"])
        .arg(out)
        .arg(bundle)
        .status()
        .expect("binary runs");
    assert!(status.success());
}

#[test]
fn report_works_in_a_browser_and_log_markup_stays_text() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/disk-pressure-image-gc"),
        &bundle,
    );
    std::fs::write(
        bundle.join("kube-apiserver.log"),
        "E0208 03:10:00.000000       1 handler.go:42] bad request body: <script>alert(1)</script>\n\
         E0208 03:11:00.000000       1 handler.go:42] bad header: <img src=x onerror=alert(2)> & </script>\n",
    )
    .unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let html = out_dir.path().join("report.html");
    report(&bundle, &html);
    let raw = std::fs::read_to_string(&html).unwrap();
    // The log text travels escaped inside the data block: no markup of its own reaches the page source.
    assert!(
        !raw.contains("<script>alert") && !raw.contains("<img src=x"),
        "log markup in the page source"
    );
    assert!(raw.contains("\\u003cscript\\u003ealert(1)"));
    // Self-contained: nothing is fetched.
    assert!(!raw.contains("src=\"http") && !raw.contains("href=\"http"));

    let dom = selftest_dom(&html, &out_dir.path().join("profile"));
    assert!(dom.contains("data-selftest=\"pass\""), "self-test: {}", verdict(&dom));
    assert!(!dom.contains("data-errors"), "script errors: {}", verdict(&dom));
    // Hovering a mark showed a row and its source.
    assert!(dom.contains("data-hover=\""), "{}", verdict(&dom));
    // The hostile lines are table text, not elements.
    assert!(dom.contains("bad request body: &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!dom.contains("<img src=\"x\""));
    // Lanes, findings and the disk pressure band are drawn.
    assert!(dom.contains("class=\"pm-finding\"") && dom.contains("class=\"pm-band\""));
    assert!(dom.contains("worker-2 · kubelet"));

    // A screenshot for the record (test artifact under target/tmp).
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    let status = headless(&out_dir.path().join("profile"))
        .args(["--window-size=1400,1000", "--virtual-time-budget=5000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs")
        .status;
    assert!(status.success());
    assert!(
        std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false),
        "no screenshot at {}",
        shot.display()
    );
}

#[test]
fn page_stays_usable_with_100000_rows() {
    // 100,000 warnings of distinct templates (words without digits or hex, so no two collapse).
    let tmp = tempfile::tempdir().unwrap();
    let mut log = String::with_capacity(12 << 20);
    let word = |mut n: usize| {
        let mut w = String::new();
        for _ in 0..4 {
            w.push((b'g' + (n % 20) as u8) as char);
            n /= 20;
        }
        w
    };
    for i in 0..100_000usize {
        let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
        log.push_str(&format!(
            "W0208 {h:02}:{m:02}:{s:02}.000000    1450 sync.go:1] cannot sync {} of {}\n",
            word(i),
            word(i / 7 + 3)
        ));
    }
    std::fs::write(tmp.path().join("kubelet.log"), log).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let html = out_dir.path().join("big.html");
    report(tmp.path(), &html);
    let dom = selftest_dom(&html, &out_dir.path().join("profile"));
    assert!(dom.contains("data-selftest=\"pass\""), "self-test: {}", verdict(&dom));
    assert!(dom.contains("100000 timeline rows"), "{}", verdict(&dom));
    // Dense lanes are drawn aggregated: at most one mark per 3 px column, not one per row.
    assert!(dom.matches("class=\"pm-mark\"").count() < 2_000);
}

fn verdict(dom: &str) -> String {
    match dom.find("<body") {
        Some(i) => dom[i..].chars().take(600).collect(),
        None => dom.chars().take(600).collect(),
    }
}
