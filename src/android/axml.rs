//! (skeleton: axml)
