//! postmortem: offline Kubernetes incident analyzer.
//!
//! Data flows one way: [`ingest`] finds and reads the inputs, [`scan`] parses each source (grammars live in
//! the `parsers` crate) and keeps warnings, errors and [`signals`], [`normalize`] decides node, component and
//! UTC time, [`timeline`] merges everything, [`dumps`] joins kubectl dumps (events placed from their capture
//! time, one row per event across dumps and log echoes, cluster state), [`report`] renders the
//! [`model::Analysis`]. [`analysis`] runs the whole.

pub mod analysis;
pub mod check;
pub mod config;
pub mod detect;
pub mod dumps;
pub mod ingest;
pub mod known;
pub mod model;
pub mod normalize;
pub mod periods;
pub mod replay;
pub mod report;
pub mod scan;
pub mod signals;
pub mod timeline;
