//! Declared-policy file (privacy-policy.toml) loader.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = privscan::policy::load::parse(text, "privacy-policy.toml");
    }
});
