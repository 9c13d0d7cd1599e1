//! DEX header, string and type tables: parse, then walk every descriptor.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits {
        max_strings: 100_000,
        ..Default::default()
    };
    if let Ok(dex) = privscan::android::dex::parse(data, &limits) {
        let _ = (dex.summary(), dex.loadable_on_art(), dex.anomalies().len());
        for d in dex
            .type_descriptors()
            .chain(dex.class_descriptors())
            .flatten()
        {
            let _ = privscan::android::dex::descriptor_to_dotted(d);
        }
    }
});
