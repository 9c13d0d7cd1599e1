//! Binary plists whose objects share references (issue 17 class 5): our
//! own `bplist00` reader (`privscan::ios::bplist`) keeps the sharing, so a
//! 1.4 KB Info.plist whose junk key expands to 14^8 copies of a 1 KB string
//! is read like iOS reads it: every other key is there, the junk key is
//! named in an entry error ending in `(max_plist_bytes)` (PS905), and the
//! scan stays within a few seconds and a bounded budget.

use privscan::testkit::bplist::{ascii, bplist};
use std::time::{Duration, Instant};

use privscan::{Config, scan::scan_path};

/// `{aaa: <bomb>, NSCameraUsageDescription: "...", CFBundleIdentifier: "..."}`.
fn hostile_info_plist() -> Vec<u8> {
    let mut objects = vec![
        vec![0xd3, 1, 2, 3, 7, 4, 5],
        ascii("aaa"),
        ascii("NSCameraUsageDescription"),
        ascii("CFBundleIdentifier"),
        ascii("Scan QR codes"),
        ascii("com.example.shared"),
        vec![0x08], // unused false
    ];
    // 7..=14: arrays of 14 refs to the next; 15: a 1,000-byte string.
    for i in 0..8u8 {
        let mut o = vec![0xaf, 0x10, 14];
        o.extend(std::iter::repeat_n(8 + i, 14));
        objects.push(o);
    }
    let mut s = vec![0x5f, 0x11, 0x03, 0xe8];
    s.extend(std::iter::repeat_n(b'A', 1000));
    objects.push(s);
    bplist(&objects)
}

#[test]
fn shared_objects_do_not_hide_the_usage_descriptions() {
    let data = hostile_info_plist();
    assert!(data.len() < 1500, "{}", data.len());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("Info.plist");
    std::fs::write(&p, &data).unwrap();
    let t = Instant::now();
    let r = scan_path(&p, &Config::new());
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(r.error.is_none(), "{:?}", r.error);
    let ios = r.ios.as_ref().unwrap();
    assert_eq!(ios.bundle_id.as_deref(), Some("com.example.shared"));
    let keys: Vec<&str> = ios
        .usage_descriptions
        .iter()
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(keys, ["NSCameraUsageDescription"]);
    let e: Vec<&str> = r.entry_errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        e.iter()
            .any(|m| m.contains("\"aaa\"") && m.ends_with("(max_plist_bytes)")),
        "{e:?}"
    );
    // Read in part: a cap finding, never a clean report.
    assert!(
        r.findings.iter().any(|f| f.code == "PS905"),
        "{:?}",
        r.findings
    );
}
