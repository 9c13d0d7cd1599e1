use super::*;
use crate::testkit::bplist::{ascii, bplist};

fn dict(pairs: &[(u8, u8)]) -> Vec<u8> {
    let mut o = vec![0xd0 | pairs.len() as u8];
    o.extend(pairs.iter().map(|p| p.0));
    o.extend(pairs.iter().map(|p| p.1));
    o
}

/// Objects `first..first+levels`: arrays of 14 refs to the next level,
/// ending in a 1,000-byte string: 14^levels copies once expanded.
fn bomb_levels(first: u8, levels: u8) -> Vec<Vec<u8>> {
    let mut objects: Vec<Vec<u8>> = (0..levels)
        .map(|i| {
            let mut o = vec![0xaf, 0x10, 14];
            o.extend(std::iter::repeat_n(first + i + 1, 14));
            o
        })
        .collect();
    let mut s = vec![0x5f, 0x11, 0x03, 0xe8];
    s.extend(std::iter::repeat_n(b'A', 1000));
    objects.push(s);
    objects
}

const MIB: u64 = 1024 * 1024;

#[test]
fn a_shared_bomb_under_one_key_does_not_hide_the_others() {
    // 0: root {junk: 5, NSCameraUsageDescription: 4, CFBundleIdentifier: 3}
    let mut objects = vec![
        dict(&[(1, 5), (2, 4), (6, 3)]),
        ascii("junk"),
        ascii("NSCameraUsageDescription"),
        ascii("com.example.bomb"),
        ascii("Scan QR codes"),
    ];
    objects.extend(bomb_levels(5, 8)); // 5..=12: 14^8 ≈ 1.5e9 copies of 1 KB
    objects.push(ascii("CFBundleIdentifier")); // 14
    // The root's third key is object 14, not 6.
    objects[0] = dict(&[(1, 5), (2, 4), (14, 3)]);
    let data = bplist(&objects);
    assert!(data.len() < 1400, "{}", data.len());
    let t = std::time::Instant::now();
    let p = parse(&data, &Limits::default(), 8 * MIB).unwrap();
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    let d = p.value.as_dictionary().unwrap();
    let keys: Vec<&String> = d.keys().collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(
        d.get("NSCameraUsageDescription").and_then(Value::as_string),
        Some("Scan QR codes")
    );
    assert_eq!(
        d.get("CFBundleIdentifier").and_then(Value::as_string),
        Some("com.example.bomb")
    );
    assert_eq!(p.collapsed_keys, ["junk"]);
    // The junk value is built only as far as its share went.
    let junk = d.get("junk").and_then(Value::as_array).unwrap();
    assert!(!junk.is_empty() && junk.len() <= 14, "{}", junk.len());
}

#[test]
fn a_plist_within_the_budget_is_read_whole_with_sharing_copied() {
    let mut objects = vec![vec![0xa2, 1, 1]];
    objects.push(ascii("shared"));
    let p = parse(&bplist(&objects), &Limits::default(), MIB).unwrap();
    let a = p.value.as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert!(a.iter().all(|v| v.as_string() == Some("shared")));
    assert!(p.collapsed_keys.is_empty());
    // The same bomb as above, two levels: 196 copies fit a 1 MiB budget.
    let p = parse(&bplist(&bomb_levels(0, 2)), &Limits::default(), MIB).unwrap();
    assert!(p.collapsed_keys.is_empty());
    assert_eq!(
        p.value.as_array().unwrap()[13].as_array().unwrap()[13]
            .as_string()
            .unwrap()
            .len(),
        1000
    );
    // ... but not a 64 KiB one: collapsed, not an error.
    let p = parse(&bplist(&bomb_levels(0, 2)), &Limits::default(), 64 * 1024).unwrap();
    assert_eq!(p.collapsed_keys, [""]);
}

#[test]
fn cycles_are_refused_like_corefoundation() {
    // 0: [1], 1: [0]
    let e = parse(
        &bplist(&[vec![0xa1, 1], vec![0xa1, 0]]),
        &Limits::default(),
        MIB,
    )
    .unwrap_err();
    assert!(e.to_string().contains("reference cycle"), "{e}");
    // Self-reference through a dict value.
    let e = parse(
        &bplist(&[dict(&[(1, 0)]), ascii("k")]),
        &Limits::default(),
        MIB,
    )
    .unwrap_err();
    assert!(e.to_string().contains("reference cycle"), "{e}");
    // Negative: a diamond (two paths to one object) is not a cycle.
    let ok = parse(
        &bplist(&[vec![0xa2, 1, 2], vec![0xa1, 2], ascii("x")]),
        &Limits::default(),
        MIB,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn depth_is_capped_without_recursion() {
    let limits = Limits {
        max_depth: 8,
        ..Limits::default()
    };
    let chain = |n: u8| -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = (0..n).map(|i| vec![0xa1, i + 1]).collect();
        v.push(ascii("leaf"));
        v
    };
    assert!(matches!(
        parse(&bplist(&chain(20)), &limits, MIB),
        Err(PlistError::TooDeep { cap: 8, .. })
    ));
    assert!(parse(&bplist(&chain(6)), &limits, MIB).is_ok());
}

#[test]
fn hostile_counts_offsets_and_keys_are_errors() {
    // An array claiming 2^60 refs via an extended count.
    let mut huge = vec![0xaf, 0x13];
    huge.extend_from_slice(&(1u64 << 60).to_be_bytes());
    let e = parse(&bplist(&[huge]), &Limits::default(), MIB).unwrap_err();
    assert!(
        e.to_string().contains("past the file") || e.to_string().contains("overflow"),
        "{e}"
    );
    // A string whose length runs past the file.
    let e = parse(
        &bplist(&[vec![0x5f, 0x11, 0xff, 0xff, b'a']]),
        &Limits::default(),
        MIB,
    )
    .unwrap_err();
    assert!(e.to_string().contains("past the file"), "{e}");
    // A reference past the object table.
    let e = parse(&bplist(&[vec![0xa1, 9]]), &Limits::default(), MIB).unwrap_err();
    assert!(e.to_string().contains("past the 1 objects"), "{e}");
    // A dictionary key that is not a string (CoreFoundation requires strings).
    let e = parse(
        &bplist(&[dict(&[(1, 1)]), vec![0x10, 7]]),
        &Limits::default(),
        MIB,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a string"), "{e}");
    // A count whose int marker is not an int.
    let e = parse(&bplist(&[vec![0x5f, 0x50]]), &Limits::default(), MIB).unwrap_err();
    assert!(e.to_string().contains("not an int"), "{e}");
    // null / fill markers.
    assert!(parse(&bplist(&[vec![0x00]]), &Limits::default(), MIB).is_err());
}

#[test]
fn every_truncation_and_byte_flip_is_handled() {
    let mut objects = vec![
        dict(&[(1, 3), (2, 4)]),
        ascii("a"),
        ascii("b"),
        vec![0xa2, 4, 4],
    ];
    objects.push(vec![0x61, 0x00, 0x41]);
    let data = bplist(&objects);
    assert!(parse(&data, &Limits::default(), MIB).is_ok());
    for n in 0..data.len() {
        let _ = parse(&data[..n], &Limits::default(), MIB);
    }
    for i in 0..data.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut d = data.clone();
            d[i] ^= x;
            let _ = parse(&d, &Limits::default(), MIB);
        }
    }
}

#[test]
fn reads_what_the_plist_crate_writes_like_the_crate() {
    let mut inner = Dictionary::new();
    inner.insert("NSAllowsArbitraryLoads".into(), Value::Boolean(true));
    let mut root = Dictionary::new();
    root.insert(
        "CFBundleIdentifier".into(),
        Value::String("com.example.app".into()),
    );
    root.insert(
        "NSLocationWhenInUseUsageDescription".into(),
        Value::String("地图 ✓".into()),
    );
    root.insert(
        "UIBackgroundModes".into(),
        Value::Array(vec!["audio".into(), "location".into()]),
    );
    root.insert("NSAppTransportSecurity".into(), Value::Dictionary(inner));
    root.insert("Count".into(), Value::Integer(70000.into()));
    root.insert("Negative".into(), Value::Integer((-5i64).into()));
    root.insert("Ratio".into(), Value::Real(0.25));
    root.insert("Blob".into(), Value::Data(vec![1, 2, 3]));
    let v = Value::Dictionary(root);
    let data = crate::testkit::ipa::binary_plist(&v);
    let ours = parse(&data, &Limits::default(), MIB).unwrap();
    let theirs: Value = plist::from_bytes(&data).unwrap();
    assert_eq!(ours.value, theirs);
    assert_eq!(ours.value, v);
}
