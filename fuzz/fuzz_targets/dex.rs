//! DEX header, string and type tables: parse, then walk every descriptor of
//! every logical DEX (v041 container sections), and the checksum verdict.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits {
        max_strings: 100_000,
        ..Default::default()
    };
    for dex in privscan::android::dex::sections(data, &limits).flatten() {
        let _ = (
            dex.summary(),
            dex.loadable_on_art(),
            dex.anomalies().len(),
            dex.checksum_mismatch(),
            dex.is_container_last(),
        );
        for d in dex
            .type_descriptors()
            .chain(dex.class_descriptors())
            .flatten()
        {
            let _ = privscan::android::dex::descriptor_to_dotted(d);
        }
    }
});
