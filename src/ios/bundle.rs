//! (skeleton: bundle)
