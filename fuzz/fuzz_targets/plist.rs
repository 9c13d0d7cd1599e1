//! Plists (XML/binary): generic value, Info.plist, PrivacyInfo.xcprivacy, .strings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = privscan::Limits::default();
    let _ = privscan::ios::plist::parse_value(data, &limits);
    let _ = privscan::ios::plist::parse_info_plist(data, &limits);
    let _ = privscan::ios::privacy_manifest::parse(data, "PrivacyInfo.xcprivacy", &limits);
    let _ = privscan::ios::plist::parse_strings(data, &limits);
    // XML tricks (comments with markup, entities) on any bytes.
    let _ = privscan::ios::plist_tamper::xml_tricks(data);
    // Our own bplist00 reader on every input, with a small budget.
    let mut b = b"bplist00".to_vec();
    b.extend_from_slice(data.get(8..).unwrap_or_default());
    let _ = privscan::ios::bplist::parse(&b, &limits, 1 << 20);
});
