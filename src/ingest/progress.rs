//! Progress of a run, in bytes of source content, shared by every reading thread.
//!
//! Counting is an atomic add; the bar (stderr, terminals only) is only touched when the count crosses a
//! [`DRAW_STEP`] boundary, so callers may report every block they read without slowing down.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The bar is updated at most once per this many bytes counted (plus its own steady tick).
const DRAW_STEP: u64 = 4 << 20;

/// Byte counter for a run, drawn as a progress bar on stderr when stderr is a terminal.
///
/// Units are bytes of source *content* (decompressed), as reported by whoever reads the sources with
/// [`Progress::add`]; [`crate::ingest::ingest`] itself never adds, it only sets the expected total
/// ([`Progress::set_total`]) from its walk when none was given.
pub struct Progress {
    done: AtomicU64,
    /// Expected total; 0 while unknown.
    total: AtomicU64,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A counter expecting `total_bytes` (None: unknown yet); the bar is drawn only when `enabled` and stderr
    /// is a terminal.
    pub fn new(total_bytes: Option<u64>, enabled: bool) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(total_bytes, ProgressDrawTarget::stderr());
            bar.set_style(style(total_bytes.is_some()));
            // Keeps elapsed time and the spinner moving while one big source is being read.
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            done: AtomicU64::new(0),
            total: AtomicU64::new(total_bytes.unwrap_or(0)),
            bar,
        }
    }

    /// A counter that never draws anything.
    pub fn hidden() -> Progress {
        Progress::new(None, false)
    }

    /// Whether a bar is drawn (worth spending effort on estimating the total).
    pub fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    /// The expected total, when known.
    pub fn total(&self) -> Option<u64> {
        Some(self.total.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// Sets the expected total of bytes.
    pub fn set_total(&self, total_bytes: u64) {
        self.total.store(total_bytes, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(total_bytes.max(self.bytes()));
            bar.set_style(style(true));
        }
    }

    /// Counts `bytes` more bytes read. Cheap: one atomic add, and a bar update once per [`DRAW_STEP`].
    pub fn add(&self, bytes: u64) {
        let before = self.done.fetch_add(bytes, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            let now = before.saturating_add(bytes);
            if now / DRAW_STEP != before / DRAW_STEP {
                self.draw(bar, now);
            }
        }
    }

    /// Bytes counted so far.
    pub fn bytes(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Ends the bar and removes it from the terminal. Safe to call more than once.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            self.draw(bar, self.bytes());
            bar.finish_and_clear();
        }
    }

    fn draw(&self, bar: &ProgressBar, now: u64) {
        // The total is an estimate (gzip sizes are guessed): grow it rather than overflow the bar.
        if bar.length().is_some_and(|len| now > len) {
            bar.set_length(now);
        }
        bar.set_position(now);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A bar left behind (caller forgot `finish`, or a panic) must not keep ticking on the terminal.
        if let Some(bar) = &self.bar {
            if !bar.is_finished() {
                bar.finish_and_clear();
            }
        }
    }
}

fn style(known_total: bool) -> ProgressStyle {
    let template = if known_total {
        "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, eta {eta})"
    } else {
        "{spinner} [{elapsed_precise}] {binary_bytes} read ({binary_bytes_per_sec})"
    };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_many_threads() {
        let p = Progress::new(Some(10), true);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        p.add(3);
                    }
                });
            }
        });
        assert_eq!(p.bytes(), 24_000);
        p.finish();
        p.finish();
    }

    #[test]
    fn total_unknown_then_set() {
        let p = Progress::hidden();
        assert!(!p.is_drawn());
        assert_eq!(p.total(), None);
        p.set_total(42);
        assert_eq!(p.total(), Some(42));
        p.add(DRAW_STEP * 3);
        assert_eq!(p.bytes(), DRAW_STEP * 3);
        p.finish();
    }
}
