//! Mach-O facts (thin and fat): load commands, linked dylibs, symbols, signature,
//! and the XNU-style fat-header validation on its own (both fat_arch layouts).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ =
        privscan::native::macho::parse(data, "Payload/Fuzz.app/Fuzz", &privscan::Limits::default());
    let _ = privscan::native::macho::validate_fat(data, "Fuzz", false);
    let _ = privscan::native::macho::validate_fat(data, "Fuzz", true);
});
