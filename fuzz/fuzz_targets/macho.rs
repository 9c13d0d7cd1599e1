//! Mach-O facts (thin and fat): load commands, linked dylibs, symbols, signature.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ =
        privscan::native::macho::parse(data, "Payload/Fuzz.app/Fuzz", &privscan::Limits::default());
});
