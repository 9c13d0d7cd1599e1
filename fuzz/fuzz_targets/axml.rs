//! Binary XML (AndroidManifest.xml) decoder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits {
        max_strings: 100_000,
        // Small, so the read-in-part paths (subtrees past the cap) run.
        max_depth: 16,
        ..Default::default()
    };
    if let Ok(doc) = privscan::android::axml::parse(data, &limits) {
        let _ = privscan::android::manifest::from_document(&doc, "AndroidManifest.xml", None);
    }
});
