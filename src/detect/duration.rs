//! Go durations inside messages: see [`crate::signals::magnitude`].

pub use crate::signals::magnitude::{duration_after, go_duration};
