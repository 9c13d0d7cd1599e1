//! Hand-built hostile iOS inputs (research/hostile-inputs.md P1, P2, P3, M2,
//! plus fat-header and SuperBlob faults checked the way XNU does): each gives
//! a clear error for that file or the right value, never a panic or a hang,
//! and the rest of an IPA is still scanned.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use privscan::Limits;
use privscan::diff::ios::precheck;
use privscan::ios::codesign::CodesignError;
use privscan::ios::plist::{PlistError, parse_info_plist, parse_value};
use privscan::ios::scan_bundle;
use privscan::native::macho::{self, MachOError};
use privscan::testkit::ipa::{sample_files, sample_main_spec};
use privscan::testkit::macho::{
    MachOSpec, build_fat, build_thin, der_entitlements, xml_entitlements,
};

/// A binary plist: objects (already encoded, in order), 1-byte refs, offset
/// entries of `offset_size` bytes. `offsets` overrides the computed table.
fn bplist(
    objects: &[Vec<u8>],
    offset_size: u8,
    ref_size: u8,
    offsets: Option<Vec<u64>>,
) -> Vec<u8> {
    let mut out = b"bplist00".to_vec();
    let mut computed = Vec::new();
    for o in objects {
        computed.push(out.len() as u64);
        out.extend_from_slice(o);
    }
    let table_off = out.len() as u64;
    for off in offsets.unwrap_or(computed) {
        let b = off.to_be_bytes();
        out.extend_from_slice(&b[8 - offset_size as usize..]);
    }
    out.extend_from_slice(&[0; 6]);
    out.push(offset_size);
    out.push(ref_size);
    out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&table_off.to_be_bytes());
    out
}

fn limits() -> Limits {
    Limits::default()
}

#[test]
fn p1_valid_but_unusual_binary_plists() {
    // (a) rust-plist #20: an empty dict, 42 bytes.
    let empty = bplist(&[vec![0xd0]], 1, 1, None);
    assert_eq!(empty.len(), 42);
    let (v, _, _) = parse_value(&empty, &limits()).unwrap();
    assert_eq!(v.as_dictionary().map(|d| d.len()), Some(0));
    // (b) rust-plist #165: the string "a" with a 3-byte offset table.
    let a = bplist(&[vec![0x51, b'a']], 3, 1, None);
    let (v, _, _) = parse_value(&a, &limits()).unwrap();
    assert_eq!(v.as_string(), Some("a"));
}

#[test]
fn p2_offset_table_entry_out_of_range_is_an_error() {
    // The only object's offset points into the header (5 < 8)...
    let below = bplist(&[vec![0x51, b'a']], 1, 1, Some(vec![5]));
    let e = parse_value(&below, &limits()).unwrap_err();
    assert!(
        matches!(
            e,
            PlistError::Syntax {
                format: "binary",
                ..
            }
        ),
        "{e}"
    );
    // ...past the end of the file...
    let past = bplist(&[vec![0x51, b'a']], 1, 1, Some(vec![0xf0]));
    let e = parse_value(&past, &limits()).unwrap_err();
    assert!(matches!(e, PlistError::Syntax { .. }), "{e}");
    // ...and a dict whose value ref names an object that does not exist.
    let dict = vec![0xd1, 1, 7]; // { obj1: obj7 }
    let bad_ref = bplist(&[dict, vec![0x51, b'k']], 1, 1, None);
    let e = parse_value(&bad_ref, &limits()).unwrap_err();
    assert!(e.to_string().contains("binary plist"), "{e}");
}

#[test]
fn p2_reference_cycle_is_rejected_like_corefoundation() {
    // An array at offset 8 whose only element is object 0 = itself.
    let cyc = bplist(&[vec![0xa1, 0x00]], 1, 1, None);
    let e = parse_value(&cyc, &limits()).unwrap_err();
    assert!(matches!(e, PlistError::Syntax { .. }), "{e}");
    // A two-object cycle: dict {k: array}, array [dict].
    let cyc2 = bplist(
        &[vec![0xd1, 2, 1], vec![0xa1, 0], vec![0x51, b'k']],
        1,
        1,
        None,
    );
    assert!(parse_value(&cyc2, &limits()).is_err());
    // Shared, non-cyclic references are fine (CF allows them).
    let shared = bplist(&[vec![0xa2, 1, 1], vec![0x51, b's']], 1, 1, None);
    let (v, _, _) = parse_value(&shared, &limits()).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
}

#[test]
fn p2_100k_nested_arrays_do_not_overflow_the_stack() {
    const N: usize = 100_000;
    // XML.
    let mut xml = String::from("<?xml version=\"1.0\"?><plist version=\"1.0\">");
    xml.push_str(&"<array>".repeat(N));
    xml.push_str(&"</array>".repeat(N));
    xml.push_str("</plist>");
    let t = Instant::now();
    let e = parse_value(xml.as_bytes(), &limits()).unwrap_err();
    assert!(matches!(e, PlistError::TooDeep { cap: 256, .. }), "{e}");
    // Binary: object i = [object i+1], 3-byte refs and offsets.
    let mut objects: Vec<Vec<u8>> = (0..N - 1)
        .map(|i| {
            let r = (i + 1) as u32;
            vec![0xa1, (r >> 16) as u8, (r >> 8) as u8, r as u8]
        })
        .collect();
    objects.push(vec![0xa0]);
    let bin = bplist(&objects, 3, 3, None);
    let e = parse_value(&bin, &limits()).unwrap_err();
    assert!(matches!(e, PlistError::TooDeep { .. }), "{e}");
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    // Exactly at the cap is fine.
    let mut ok = String::from("<plist>");
    ok.push_str(&"<array>".repeat(256));
    ok.push_str(&"</array>".repeat(256));
    ok.push_str("</plist>");
    assert!(parse_value(ok.as_bytes(), &limits()).is_ok());
}

#[test]
fn p2_exponential_shared_references_are_capped() {
    // obj i = [obj i+1, obj i+1]: 2^40 values once expanded, 40 levels deep.
    let n = 40u8;
    let mut objects: Vec<Vec<u8>> = (0..n).map(|i| vec![0xa2, i + 1, i + 1]).collect();
    objects.push(vec![0x51, b'x']);
    let bin = bplist(&objects, 1, 1, None);
    let t = Instant::now();
    let e = parse_value(&bin, &limits()).unwrap_err();
    // Whichever budget is hit first: values (2,000,000) or value bytes.
    assert!(
        matches!(
            e,
            PlistError::TooManyValues { .. } | PlistError::TooLarge { .. }
        ),
        "{e}"
    );
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
}

#[test]
fn p3_duplicate_keys_last_wins_and_are_reported() {
    let xml = br#"<?xml version="1.0"?><plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.benign.app</string>
<key>CFBundleIdentifier</key><string>com.evil.app</string></dict></plist>"#;
    let p = parse_info_plist(xml, &limits()).unwrap();
    assert_eq!(p.bundle_id.as_deref(), Some("com.evil.app"));
    assert_eq!(p.duplicate_keys, ["CFBundleIdentifier"]);
    // bplist: two key refs to equal strings with different values.
    let k = {
        // ASCII string of 18 bytes: 0x5F then an int object (0x10, 18) for the length.
        let mut v = vec![0x5f, 0x10, 18];
        v.extend_from_slice(b"CFBundleIdentifier");
        v
    };
    let objs = vec![
        vec![0xd2, 1, 2, 3, 4],
        k.clone(),
        k,
        vec![0x52, b'o', b'1'],
        vec![0x52, b'o', b'2'],
    ];
    let p = parse_info_plist(&bplist(&objs, 1, 1, None), &limits()).unwrap();
    assert_eq!(p.bundle_id.as_deref(), Some("o2"));
    assert_eq!(p.duplicate_keys, ["CFBundleIdentifier"]);
}

/// Two-slice fat file with the second slice's `(offset, size)` patched.
fn fat_with_second_slice(offset: u32, size: u32) -> Vec<u8> {
    let a = build_thin(&MachOSpec::default());
    let b = build_thin(&MachOSpec {
        arch: privscan::testkit::macho::Arch::X86_64,
        ..MachOSpec::default()
    });
    let mut fat = build_fat(&[a, b]);
    // fat_arch[1] starts at 8 + 20; offset at +8, size at +12.
    fat[36..40].copy_from_slice(&offset.to_be_bytes());
    fat[40..44].copy_from_slice(&size.to_be_bytes());
    fat
}

#[test]
fn fat_overlap_and_past_eof_are_clear_errors() {
    let good = fat_with_second_slice(0, 0);
    let first_off = u32::from_be_bytes(good[16..20].try_into().unwrap());
    let first_size = u32::from_be_bytes(good[20..24].try_into().unwrap());
    let overlap = fat_with_second_slice(first_off + 8, first_size);
    let e = macho::parse(&overlap, "Frameworks/X.framework/X", &limits()).unwrap_err();
    assert!(
        matches!(
            e,
            MachOError::SlicesOverlap {
                first: 0,
                second: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("Frameworks/X.framework/X: fat slices 0 and 1 overlap"),
        "{e}"
    );

    let len = good.len() as u32;
    let past = fat_with_second_slice(len - 16, 4096);
    let e = macho::parse(&past, "x", &limits()).unwrap_err();
    assert!(
        matches!(
            e,
            MachOError::SlicePastEof {
                index: 1,
                size: 4096,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("runs past the end of the file"),
        "{e}"
    );

    let wrap = fat_with_second_slice(u32::MAX, u32::MAX);
    assert!(matches!(
        macho::parse(&wrap, "x", &limits()),
        Err(MachOError::SlicePastEof { .. })
    ));

    let over_header = fat_with_second_slice(4, 16);
    assert!(matches!(
        macho::parse(&over_header, "x", &limits()),
        Err(MachOError::SliceOverlapsHeader { .. })
    ));

    let mut huge_count = good.clone();
    huge_count[4..8].copy_from_slice(&40u32.to_be_bytes());
    huge_count.truncate(200);
    assert!(matches!(
        macho::parse(&huge_count, "x", &limits()),
        Err(MachOError::FatTableTruncated { .. })
    ));
}

/// A SuperBlob whose index entry points past the SuperBlob's length.
fn superblob_index_past_length() -> Vec<u8> {
    let mut sb = Vec::new();
    // magic, length 20, count 1, { type 5 (entitlements), offset 0x1000 }.
    for x in [0xfade_0cc0u32, 20, 1, 5, 0x1000] {
        sb.extend_from_slice(&x.to_be_bytes());
    }
    sb
}

#[test]
fn superblob_index_past_length_is_a_clear_error() {
    let spec = MachOSpec {
        raw_signature: Some(superblob_index_past_length()),
        ..sample_main_spec()
    };
    let bin = build_thin(&spec);
    let f = macho::parse(&bin, "App", &limits()).unwrap();
    let s = &f.slices[0];
    assert!(s.code_signature.is_none());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("code signature") && w.contains("past the blob length")),
        "{:?}",
        s.warnings
    );
    // The rest of the slice is read.
    assert_eq!(s.facts.needed.len(), sample_main_spec().dylibs.len());
    assert!(!s.facts.imported_symbols.is_empty());

    let (dataoff, datasize) = s.code_signature_range.unwrap();
    let e = privscan::ios::codesign::entitlements(&bin, dataoff, datasize).unwrap_err();
    assert!(
        matches!(
            e,
            CodesignError::IndexOutOfRange {
                index: 0,
                slot_type: 5,
                offset: 0x1000,
                length: 20
            }
        ),
        "{e}"
    );
    // A datasize running past the slice.
    let e = privscan::ios::codesign::entitlements(&bin, dataoff, u32::MAX).unwrap_err();
    assert!(matches!(e, CodesignError::OutOfSlice { .. }), "{e}");
}

#[test]
fn m2_nested_entitlements_keep_root_keys_and_types() {
    let ents = serde_json::json!({
        "com.apple.communicationtrustd": ["read"],
        "com.apple.private.attribution.implicitly-assumed-identity": {"type": "x", "value": "y"},
        "get-task-allow": true
    });
    for (xml, der) in [(true, false), (false, true)] {
        let spec = MachOSpec {
            identifier: Some("a.b".into()),
            entitlements_xml: xml.then(|| xml_entitlements(&ents)),
            entitlements_der: der.then(|| der_entitlements(&ents)),
            ..Default::default()
        };
        let f = macho::parse(&build_thin(&spec), "x", &limits()).unwrap();
        let got = f.entitlements().unwrap();
        let keys: Vec<&str> = got.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "com.apple.communicationtrustd",
                "com.apple.private.attribution.implicitly-assumed-identity",
                "get-task-allow"
            ]
        );
        assert_eq!(serde_json::Value::Object(got.clone()), ents);
    }
}

fn find_load_command(bin: &[u8], cmd: u32) -> usize {
    let ncmds = u32::from_le_bytes(bin[16..20].try_into().unwrap());
    let mut off = 32;
    for _ in 0..ncmds {
        let c = u32::from_le_bytes(bin[off..off + 4].try_into().unwrap());
        if c == cmd {
            return off;
        }
        off += u32::from_le_bytes(bin[off + 4..off + 8].try_into().unwrap()) as usize;
    }
    panic!("no load command {cmd:#x}");
}

#[test]
fn hostile_nsyms_is_skipped_quickly() {
    let mut bin = build_thin(&sample_main_spec());
    let st = find_load_command(&bin, 0x2);
    bin[st + 12..st + 16].copy_from_slice(&905_969_667u32.to_le_bytes());
    let t = Instant::now();
    let f = macho::parse(&bin, "x", &limits()).unwrap();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let s = &f.slices[0];
    assert!(s.facts.imported_symbols.is_empty());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("LC_SYMTAB out of bounds")),
        "{:?}",
        s.warnings
    );
    assert_eq!(s.facts.needed.len(), sample_main_spec().dylibs.len());
}

#[test]
fn hostile_entries_in_an_ipa_do_not_stop_the_rest() {
    let mut files: HashMap<String, Vec<u8>> = sample_files()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let fw = "Payload/SampleLive.app/Frameworks/FirebaseAnalytics.framework/FirebaseAnalytics";
    let good = fat_with_second_slice(0, 0);
    let first_off = u32::from_be_bytes(good[16..20].try_into().unwrap());
    files.insert(fw.into(), fat_with_second_slice(first_off + 8, 64));
    let zego_info = "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/Info.plist";
    files.insert(zego_info.into(), bplist(&[vec![0xa1, 0x00]], 1, 1, None));
    let zego_pm =
        "Payload/SampleLive.app/Frameworks/ZegoExpressEngine.framework/PrivacyInfo.xcprivacy";
    files.insert(
        zego_pm.into(),
        format!("<plist>{}</plist>", "<array>".repeat(100_000)).into_bytes(),
    );
    let strings = "Payload/SampleLive.app/en.lproj/InfoPlist.strings";
    files.insert(
        strings.into(),
        b"\"NSCameraUsageDescription\" = \"unterminated".to_vec(),
    );
    let main = "Payload/SampleLive.app/SampleLive";
    let spec = MachOSpec {
        raw_signature: Some(superblob_index_past_length()),
        ..sample_main_spec()
    };
    files.insert(main.into(), build_thin(&spec));

    let scan = scan_bundle(&files, &limits()).unwrap();
    let errs: HashMap<&str, &str> = scan
        .entry_errors
        .iter()
        .map(|e| (e.entry.as_str(), e.message.as_str()))
        .collect();
    assert!(errs[fw].contains("overlap"), "{errs:?}");
    assert!(errs[zego_info].contains("invalid binary plist"), "{errs:?}");
    assert!(errs[zego_pm].contains("privacy manifest"), "{errs:?}");
    assert!(errs[strings].contains("unterminated string"), "{errs:?}");
    assert!(errs[main].contains("code signature"), "{errs:?}");
    // Everything else is still there.
    assert_eq!(
        scan.facts.bundle_id.as_deref(),
        Some("com.example.samplelive")
    );
    assert_eq!(scan.facts.usage_descriptions.len(), 3);
    assert_eq!(scan.frameworks.len(), 2);
    assert_eq!(scan.localized.len(), 1); // zh-Hans still read
    assert!(scan.facts.entitlements.is_empty());
    let codes: Vec<(String, String)> = precheck(&scan)
        .into_iter()
        .map(|f| (f.code, f.subject))
        .collect();
    assert!(
        codes.contains(&("PS303".into(), "NSContactsUsageDescription".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(
            "PS301".into(),
            "NSPrivacyAccessedAPICategorySystemBootTime".into()
        )),
        "{codes:?}"
    );
    // Zego's manifest is unreadable now, so its `_stat` is undeclared.
    assert!(
        codes.contains(&(
            "PS301".into(),
            "NSPrivacyAccessedAPICategoryFileTimestamp".into()
        )),
        "{codes:?}"
    );
}

/// Deterministic byte mutations of every sample entry: no panic, no hang.
#[test]
fn mutated_sample_entries_never_panic() {
    let files = sample_files();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let t = Instant::now();
    for (name, data) in &files {
        for _ in 0..150 {
            let mut d = data.clone();
            for _ in 0..1 + next() % 8 {
                let i = (next() as usize) % d.len();
                d[i] = next() as u8;
            }
            if next() % 4 == 0 {
                let cut = (next() as usize) % d.len();
                d.truncate(cut);
            }
            let _ = macho::parse(&d, name, &limits());
            let _ = parse_info_plist(&d, &limits());
            let _ = privscan::ios::plist::parse_strings(&d, &limits());
            let _ = privscan::ios::privacy_manifest::parse(&d, name, &limits());
            let mut m: HashMap<String, Vec<u8>> = files
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            m.insert(name.to_string(), d);
            if let Ok(s) = scan_bundle(&m, &limits()) {
                let _ = precheck(&s);
            }
        }
    }
    assert!(t.elapsed() < Duration::from_secs(120), "{:?}", t.elapsed());
}
