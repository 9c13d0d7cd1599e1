//! (skeleton: arsc)
