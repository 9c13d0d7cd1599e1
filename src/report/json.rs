//! (skeleton: report json)
