//! Static libraries: `ar` archives (GNU/BSD names, symbol indexes) and fat
//! files of them, with every ELF/Mach-O member parsed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits::default();
    let _ = privscan::native::ar::parse(data, "libfuzz.a", &limits);
    let _ = privscan::native::static_lib::parse(data, "libfuzz.a", &limits);
});
