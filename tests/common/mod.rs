//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// A bundle of `corpus/`.
#[allow(dead_code)]
pub fn corpus(bundle: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(bundle)
}

/// Copies a folder tree (a corpus bundle into a temporary folder a test may change).
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
