//! (skeleton: diff ios)
