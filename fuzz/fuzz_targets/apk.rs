//! The whole in-memory APK pipeline (zip → manifest → arsc → dex/so → detection).
#![no_main]
use libfuzzer_sys::fuzz_target;
use privscan::limits::Budget;

fuzz_target!(|data: &[u8]| {
    let mut config = privscan::Config::new();
    config.limits = privscan::Limits {
        max_entry_size: 1 << 20,
        max_total_inflated: 8 << 20,
        ..config.limits
    };
    // ART's multidex order over arbitrary names (lines of the input).
    let text = String::from_utf8_lossy(data);
    let _ = privscan::android::apk::art_loaded_dex(text.lines());
    let mut report = privscan::ArtifactReport::new("fuzz.apk".to_string());
    let _ =
        privscan::android::apk::scan_apk(data, &config.read_options(), &Budget::new(&config.limits), &mut report);
});
