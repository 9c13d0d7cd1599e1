//! Property lists read like CoreFoundation (issue 17 class 5): UTF-16 XML
//! with a BOM parses; a binary plist whose objects share references to a
//! large string is stopped by a byte budget (PS905 `max_plist_bytes`) instead
//! of being expanded into gigabytes of copies.

use privscan::testkit::bplist::bplist;
use std::time::{Duration, Instant};

use privscan::Limits;
use privscan::ios::plist::{MAX_VALUE_BYTES, PlistError, parse_info_plist, parse_value};
use privscan::limits::cap_named_in;

const XML: &str = r#"<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.utf16</string>
<key>NSCameraUsageDescription</key><string>扫描二维码</string>
</dict></plist>"#;

#[test]
fn utf16_xml_with_bom_parses_like_corefoundation() {
    for le in [true, false] {
        let mut data = if le {
            vec![0xff, 0xfe]
        } else {
            vec![0xfe, 0xff]
        };
        for u in XML.encode_utf16() {
            data.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let info = parse_info_plist(&data, &Limits::default()).unwrap();
        assert_eq!(info.bundle_id.as_deref(), Some("com.example.utf16"));
        let usage: Vec<_> = info
            .usage_descriptions
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(usage, ["NSCameraUsageDescription"]);
    }
    // Negative: UTF-16 bytes without a valid plist inside still fail clearly.
    let mut bad = vec![0xff, 0xfe];
    for u in "<plist><dict><key>a</key></plist>".encode_utf16() {
        bad.extend_from_slice(&u.to_le_bytes());
    }
    assert!(parse_info_plist(&bad, &Limits::default()).is_err());
}

/// obj 0..n-1: arrays of 14 refs to the next level; obj n: a 1,000-byte
/// string. 14^n references to one string once expanded; about 1.2 KB of file.
fn shared_string_bomb(levels: u8) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = (0..levels)
        .map(|i| {
            let mut o = vec![0xaf, 0x10, 14];
            o.extend(std::iter::repeat_n(i + 1, 14));
            o
        })
        .collect();
    let mut s = vec![0x5f, 0x11, 0x03, 0xe8];
    s.extend(std::iter::repeat_n(b'A', 1000));
    objects.push(s);
    bplist(&objects)
}

#[test]
fn shared_references_to_a_large_string_hit_the_byte_budget() {
    let bomb = shared_string_bomb(6);
    assert!(bomb.len() < 1300, "{}", bomb.len());
    let t = Instant::now();
    let e = parse_value(&bomb, &Limits::default()).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert!(
        matches!(e, PlistError::TooLarge { cap } if cap == MAX_VALUE_BYTES),
        "{e}"
    );
    assert_eq!(
        cap_named_in(&format!("Info.plist: {e}")),
        Some("max_plist_bytes")
    );
    // Negative: two levels (196 copies) are read in full.
    let (v, _, _) = parse_value(&shared_string_bomb(2), &Limits::default()).unwrap();
    let outer = v.as_array().unwrap();
    assert_eq!(outer.len(), 14);
    assert_eq!(
        outer[3].as_array().unwrap()[5].as_string().unwrap().len(),
        1000
    );
}
