//! (skeleton: aab)
