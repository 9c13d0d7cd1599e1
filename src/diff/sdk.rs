//! (skeleton: diff sdk)
