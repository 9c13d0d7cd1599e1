//! (skeleton: codesign)
