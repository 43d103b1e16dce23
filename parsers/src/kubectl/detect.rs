//! Whether a source is a kubectl dump, and which kind.
