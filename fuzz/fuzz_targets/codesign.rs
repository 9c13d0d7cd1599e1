//! Code-signature SuperBlob (CodeDirectory, XML and DER entitlements).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let _ = privscan::ios::codesign::parse(data, 0, size, &privscan::Limits::default());
    let _ = privscan::ios::codesign::parse_der_entitlements(data);
});
