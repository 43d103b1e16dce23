//! From raw records to facts: UTC instants ([`clock`]) and the node, component and object a line speaks of
//! ([`entities`]).

pub mod clock;
pub mod entities;
