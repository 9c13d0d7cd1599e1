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
pub mod dex;
pub mod elf;
pub mod fixtures;
pub mod ipa;
pub mod macho;
pub mod zip;
