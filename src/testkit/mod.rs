//! Builders that write real binary formats (zip, AXML, DEX, ELF, Mach-O,
//! plists) for tests, fuzz seeds and the `fixtures/` generator. Public so
//! integration tests and `examples/make_fixtures.rs` can use them; not part
//! of the scanning API.

#![doc(hidden)]

pub mod aab;
pub mod aar;
pub mod apple_sdk;
pub mod ar;
pub mod axml;
pub mod bplist;
pub mod data_safety;
pub mod dex;
pub mod dex_code;
pub mod elf;
pub mod fixtures;
pub mod ipa;
pub mod macho;
pub mod zip;

/// `(file name, bytes)` of every generated fixture (`fixtures/`; written by
/// `cargo run --example make_fixtures`). Here, above the per-format
/// builders, so `fixtures` and `aab` need not import each other.
pub fn all_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("sample.apk", fixtures::sample_apk()),
        ("sample.ipa", ipa::sample_ipa()),
        ("sample.aab", aab::sample_aab()),
        ("sample.apks", aab::sample_apks()),
        ("sample-sdk.aar", aar::sample_aar()),
        ("libSampleSDK.a", ar::sample_static_lib()),
        ("sample-data-safety.csv", data_safety::sample_data_safety()),
    ]
}
