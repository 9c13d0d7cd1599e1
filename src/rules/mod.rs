//! The catalog as data: Android permissions, iOS usage keys, required-reason
//! APIs, SDK fingerprints. Embedded in the binary with `include_str!`.

pub mod data_apis;
pub mod implied;
pub mod lazy;
pub mod permissions;
pub mod sdk;
