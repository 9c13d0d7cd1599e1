//! One SDK rule file (rules/sdks/<vendor>.toml) parsed and validated.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = privscan::rules::sdk::parse_file("fuzz.toml", Some("fuzz"), text);
    }
});
