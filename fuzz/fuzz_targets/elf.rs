//! ELF facts (DT_NEEDED, SONAME, symbols) of a native library.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = privscan::native::elf::parse(data, "lib/arm64-v8a/libfuzz.so");
});
