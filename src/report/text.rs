//! (skeleton: report text)
