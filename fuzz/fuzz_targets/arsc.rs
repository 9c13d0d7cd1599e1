//! resources.arsc table decoder plus the lookups the manifest reader makes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits {
        max_strings: 100_000,
        ..Default::default()
    };
    if let Ok(t) = privscan::android::arsc::ResourceTable::parse(data, &limits) {
        let _ = t.packages();
        for id in [0x7f01_0000u32, 0x7f02_0000, 0x7f0c_0011, 0x7f03_0001] {
            let _ = (
                t.type_spec_flags(id),
                t.config_count(id),
                t.config_values(id),
            );
        }
    }
});
