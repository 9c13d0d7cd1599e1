//! (skeleton: sdk catalog)
