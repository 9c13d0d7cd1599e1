//! Jars (class entries, nested jars, multi-release) and AARs read from a zip.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits::default();
    let budget = privscan::limits::Budget::new(&limits);
    let _ = privscan::android::jar::read(data, "", 0, &limits, &budget);
    if let Ok(archive) = privscan::input::zip::ZipArchive::parse(data, &limits) {
        let src = privscan::ios::ipa::ZipSource::new(&archive, &limits, &budget);
        let _ = privscan::android::aar::read(&src, &limits, &budget);
    }
});
