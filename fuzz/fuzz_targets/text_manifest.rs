//! Text AndroidManifest.xml reader plus the manifest model built from it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = privscan::android::text_manifest::parse(data, &privscan::Limits::default()) {
        let _ = privscan::android::manifest::from_document(&doc, "AndroidManifest.xml", None);
    }
});
