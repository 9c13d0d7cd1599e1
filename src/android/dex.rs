//! (skeleton: dex)
