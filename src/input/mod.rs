//! Inputs: discovering artifacts, deciding their kind, and opening
//! archives with limits (`zip.rs`, an Android-style central-directory reader).

pub mod zip;
