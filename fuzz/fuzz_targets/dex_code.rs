//! DEX bytecode walker: parse, index `method_ids`/`field_ids`, sweep every
//! method's code and resolve every reference it reports.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits {
        max_strings: 100_000,
        ..Default::default()
    };
    let Ok(dex) = privscan::android::dex::parse(data, &limits) else {
        return;
    };
    let Ok(idx) = privscan::android::dex_code::index(&dex) else {
        return;
    };
    let mut n = 0u64;
    let stats = idx.walk(&mut |caller, r| {
        let _ = idx.method_ref(caller.method_idx);
        if r.kind.is_method() {
            let _ = idx.method_ref(r.index);
        } else if r.kind.is_field() {
            let _ = idx.field_ref(r.index);
        } else {
            let _ = dex.string(r.index);
        }
        n += 1;
    });
    assert_eq!(stats.refs, n);
    assert!(stats.code_units <= (data.len() as u64) * privscan::android::dex_code::WORK_FACTOR);
});
