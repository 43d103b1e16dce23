//! postmortem: offline Kubernetes incident analyzer (library part).
