//! postmortem: offline Kubernetes incident analyzer (being assembled).
pub mod ingest;
