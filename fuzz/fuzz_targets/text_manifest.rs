//! Text AndroidManifest.xml reader plus the manifest model built from it,
//! and the implied/split permissions Android adds to that manifest.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = privscan::android::text_manifest::parse(data, &privscan::Limits::default()) {
        let m = privscan::android::manifest::from_document(&doc, "AndroidManifest.xml", None);
        let implied = privscan::android::implied::implied_permissions(
            &m,
            privscan::rules::implied::ImpliedRules::embedded(),
            privscan::rules::permissions::PermissionCatalog::embedded(),
        );
        for p in &implied {
            let _ = privscan::android::implied::describe(p);
        }
    }
});
