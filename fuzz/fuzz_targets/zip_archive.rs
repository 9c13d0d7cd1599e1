//! Archive layer: parse the central directory, then read every entry under small caps.
#![no_main]
use libfuzzer_sys::fuzz_target;
use privscan::input::zip::ZipArchive;
use privscan::limits::{Budget, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_entries: 512,
        max_entry_size: 1 << 20,
        max_total_inflated: 4 << 20,
        ..Limits::default()
    };
    let budget = Budget::new(&limits);
    if let Ok(archive) = ZipArchive::parse(data, &limits) {
        for e in archive.entries() {
            let _ = archive.read(e, &limits, &budget);
        }
        let _ = archive.read_anomalies();
    }
});
