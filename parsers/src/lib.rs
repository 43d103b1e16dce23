//! Grammars of the log formats a Kubernetes incident bundle holds.
//!
//! Pure functions over `&[u8]`: no IO, no allocation on the hot path. Each module parses one format into a
//! [`Record`] whose slices borrow from the input line; [`line::parse`] peels nested envelopes (journald around
//! klog, CRI around zap JSON, ...) and reconciles their times; [`sniff`] decides a file's format from its
//! first lines. Times stay raw ([`time::RawTime`]): the year, zone and boot time are decided by the caller.

pub mod cri;
pub mod escape;
pub mod etcd;
pub mod journald;
pub mod json;
pub mod kernel;
pub mod klog;
pub mod kubectl;
pub mod kv;
pub mod line;
pub mod logrus;
pub mod ps;
pub mod record;
pub mod sniff;
pub mod syslog;
pub mod time;

pub use record::{Escape, Fields, Format, Layers, Line, Meta, Record, Severity, Stream};
pub use time::{RawTime, WallTime};
