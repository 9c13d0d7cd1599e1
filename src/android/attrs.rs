//! (skeleton: attrs)
