//! `kubectl describe` output of pods, nodes, Jobs, ReplicaSets and others.

use super::Dump;

/// Reads a describe dump (one or more objects).
pub fn parse(_text: &[u8]) -> Dump {
    Dump::default()
}

/// Whether the head of a source looks like describe output.
pub fn looks_like(_head: &[u8]) -> bool {
    false
}
