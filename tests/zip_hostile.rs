//! Hostile zip recipes from research/hostile-inputs.md (Z1, Z2, Z4, Z6, Z7)
//! plus data descriptors, ZIP64, truncation, lying sizes and zip bombs, each
//! built with `privscan::testkit::zip` and read with the Android-style
//! reader. Every test asserts the decoded bytes or the exact error/anomaly.

use std::sync::OnceLock;

use privscan::input::zip::{AnomalyKind, HeaderField, NameIssue, ZipAnomaly, ZipArchive, ZipError};
use privscan::limits::{Budget, LimitError, Limits};
use privscan::testkit::zip::{
    ArchiveSpec, EntrySpec, Precompressed, build, build_simple, deflate_zeros,
};

const MANIFEST: &[u8] = b"\x03\x00\x08\x00<fake binary manifest bytes for the test>";
const DEX: &[u8] = b"dex\n035\0 some dex body, some dex body, some dex body";

fn parse(bytes: &[u8]) -> ZipArchive<'_> {
    ZipArchive::parse(bytes, &Limits::default()).unwrap()
}

fn read(z: &ZipArchive<'_>, name: &str) -> Vec<u8> {
    let limits = Limits::default();
    let e = z.by_name(name).unwrap();
    z.read(e, &limits, &Budget::new(&limits))
        .unwrap()
        .into_owned()
}

fn severities(z: &ZipArchive<'_>) -> Vec<AnomalyKind> {
    z.anomalies().iter().map(ZipAnomaly::severity).collect()
}

/// Z1: method 0x1C5D and compressed size 1 in both headers of a stored
/// manifest; Android ≥ 9 reads it as stored with the uncompressed size.
#[test]
fn z1_unknown_method_and_bogus_csize_read_as_stored() {
    let mut m = EntrySpec::stored("AndroidManifest.xml", MANIFEST);
    m.cd_method = Some(0x1C5D);
    m.lfh_method = Some(0x1C5D);
    m.cd_csize = Some(1);
    m.lfh_csize = Some(1);
    let bytes = build(
        &[m, EntrySpec::deflated("classes.dex", DEX)],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::UnknownCompressionMethod {
                entry: "AndroidManifest.xml".into(),
                method: 7261
            },
            ZipAnomaly::StoredSizeMismatch {
                entry: "AndroidManifest.xml".into(),
                compressed: 1,
                uncompressed: MANIFEST.len() as u64
            },
        ]
    );
    assert_eq!(
        severities(&z),
        [AnomalyKind::Tampered, AnomalyKind::Tampered]
    );
    // The strict oracle refuses the entry Android reads.
    let mut strict = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let strict_read = strict.by_name("AndroidManifest.xml").map(|mut f| {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut v).map(|_| v)
    });
    assert!(!matches!(strict_read, Ok(Ok(ref v)) if v == MANIFEST));
}

/// Z2: encryption bit in both headers on plain data.
#[test]
fn z2_fake_encryption_flag_in_both_headers_is_ignored() {
    let mut m = EntrySpec::deflated("AndroidManifest.xml", MANIFEST);
    m.flags = 1;
    let mut d = EntrySpec::stored("classes.dex", DEX);
    d.flags = 1;
    let bytes = build(&[m, d], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::EncryptionFlag {
                entry: "AndroidManifest.xml".into(),
                central: true,
                local: true
            },
            ZipAnomaly::EncryptionFlag {
                entry: "classes.dex".into(),
                central: true,
                local: true
            },
        ]
    );
    assert_eq!(severities(&z), [AnomalyKind::Tampered; 2]);
}

/// Z2 "type 1": the bit only in the central directory.
#[test]
fn z2_fake_encryption_flag_in_central_directory_only() {
    let mut m = EntrySpec::deflated("AndroidManifest.xml", MANIFEST);
    m.cd_flags = Some(1);
    let bytes = build(&[m], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::EncryptionFlag {
                entry: "AndroidManifest.xml".into(),
                central: true,
                local: false
            },
            ZipAnomaly::LocalHeaderMismatch {
                entry: "AndroidManifest.xml".into(),
                field: HeaderField::Flags,
                central: 1,
                local: 0
            },
        ]
    );
    assert_eq!(severities(&z), [AnomalyKind::Tampered; 2]);
}

/// Z4: two records named classes.dex; both stay readable, Android rejects.
#[test]
fn z4_duplicate_names_keep_every_record() {
    let evil = b"dex\n035\0 malicious first copy".to_vec();
    let bytes = build(
        &[
            EntrySpec::deflated("classes.dex", &evil),
            EntrySpec::stored("AndroidManifest.xml", MANIFEST),
            EntrySpec::deflated("classes.dex", DEX),
        ],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    let dex: Vec<Vec<u8>> = z
        .entries()
        .iter()
        .filter(|e| e.name == "classes.dex")
        .map(|e| z.read(e, &limits, &budget).unwrap().into_owned())
        .collect();
    assert_eq!(dex, vec![evil.clone(), DEX.to_vec()]);
    assert_eq!(z.by_name("classes.dex").unwrap().index, 0);
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::DuplicateEntry {
            name: "classes.dex".into(),
            count: 2
        }]
    );
    assert_eq!(severities(&z), [AnomalyKind::NotInstallable]);
    assert_eq!(
        z.anomalies()[0].to_string(),
        "entry name 'classes.dex' appears 2 times in the central directory; Android rejects duplicate entries"
    );
}

fn apk_entries() -> Vec<EntrySpec> {
    vec![
        EntrySpec::deflated("AndroidManifest.xml", MANIFEST),
        EntrySpec::stored("classes.dex", DEX),
    ]
}

/// Z6a: 16 junk bytes prepended, no offset fixed: salvaged like Python's
/// zipfile, reported as not installable.
#[test]
fn z6a_prepended_data_is_salvaged_and_not_installable() {
    let clean = build(&apk_entries(), &ArchiveSpec::default());
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            prefix: vec![0xAA; 16],
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    let clean_cd = parse(&clean).cd_offset();
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::CentralDirectoryOffsetWrong {
                stated: clean_cd,
                actual: clean_cd + 16
            },
            ZipAnomaly::DataBeforeFirstEntry { bytes: 16 },
        ]
    );
    assert_eq!(severities(&z), [AnomalyKind::NotInstallable; 2]);
    assert_eq!(z.entries()[0].local_header_offset, 16);
}

/// Janus-style: data prepended with every offset right. Only the first four
/// bytes are wrong (the Janus fix rejects it).
#[test]
fn z6a_janus_style_prefix_with_correct_offsets() {
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            prefix: b"dex\n035\0junkjunk".repeat(4),
            fix_offsets_for_prefix: true,
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::DataBeforeFirstEntry { bytes: 64 }]
    );
    assert!(ZipArchive::is_zip(&bytes));
}

/// Z6b: EOCD comment length one more / one less than the bytes present.
#[test]
fn z6b_comment_length_off_by_one_either_way() {
    for delta in [1i32, -1] {
        let spec = ArchiveSpec {
            comment: b"hello".to_vec(),
            comment_len_delta: delta,
            ..Default::default()
        };
        let bytes = build(&apk_entries(), &spec);
        let z = parse(&bytes);
        assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
        assert_eq!(
            z.anomalies(),
            &[ZipAnomaly::EocdCommentLength {
                eocd_offset: (bytes.len() - 5 - 22) as u64,
                stated: (5 + delta) as u64,
                actual: 5
            }],
            "delta {delta}"
        );
        assert_eq!(severities(&z), [AnomalyKind::NotInstallable]);
    }
}

/// Z6c: a copy of the EOCD inside the comment. With comment length 0 the
/// copy is itself a valid last record (Android reads it: tampered); with a
/// wrong comment length Android rejects it and we use the real one.
#[test]
fn z6c_fake_eocd_in_comment() {
    let clean = build(&apk_entries(), &ArchiveSpec::default());
    let eocd = clean[clean.len() - 22..].to_vec();
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            comment: eocd.clone(),
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "classes.dex"), DEX);
    let fake_at = (bytes.len() - 22) as u64;
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::FakeEocdInComment {
            android_offset: fake_at,
            used_offset: fake_at,
            android_accepts: true
        }]
    );
    assert_eq!(severities(&z), [AnomalyKind::Tampered]);

    let mut bad = eocd;
    bad[20] = 7; // comment length 7 but nothing follows the copy
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            comment: bad,
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::FakeEocdInComment {
            android_offset: (bytes.len() - 22) as u64,
            used_offset: (bytes.len() - 44) as u64,
            android_accepts: false
        }]
    );
    assert_eq!(severities(&z), [AnomalyKind::NotInstallable]);
}

/// An APK Signing Block between the last entry and the CD is normal.
#[test]
fn signing_block_before_central_directory_is_not_an_anomaly() {
    let mut block = vec![0u8; 4096];
    block[4096 - 16..].copy_from_slice(b"APK Sig Block 42");
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            signing_block: block,
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(z.anomalies(), &[]);
    assert_eq!(read(&z, "classes.dex"), DEX);
}

/// Z7: long, deep, non-ASCII and reserved names are fine (flagged Info);
/// NUL and invalid UTF-8 make the archive not installable; a directory
/// `AndroidManifest.xml/` does not shadow the file.
#[test]
fn z7_hostile_names() {
    let deep = format!("assets/{}x", "ۦۖ۫/".repeat(600));
    let long = format!("META-INF/services/{}", "o".repeat(300));
    let bytes = build(
        &[
            EntrySpec::stored("AndroidManifest.xml/", b""),
            EntrySpec::stored("AndroidManifest.xml", MANIFEST),
            EntrySpec::deflated(&deep, b"deep"),
            EntrySpec::stored(&long, b"long"),
            EntrySpec::stored("res/Prn.png", b"png"),
            EntrySpec::stored("res/aux.xml", b"aux"),
        ],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert!(deep.len() > 4096);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(z.by_name("AndroidManifest.xml").unwrap().index, 1);
    assert_eq!(read(&z, &deep), b"deep");
    assert_eq!(read(&z, &long), b"long");
    assert_eq!(read(&z, "res/Prn.png"), b"png");
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::SuspiciousEntryName {
                entry: "AndroidManifest.xml/".into(),
                why: NameIssue::DirectoryShadowsFile
            },
            ZipAnomaly::SuspiciousEntryName {
                entry: deep.clone(),
                why: NameIssue::VeryLong { len: deep.len() }
            },
            ZipAnomaly::SuspiciousEntryName {
                entry: deep.clone(),
                why: NameIssue::VeryDeep { depth: 602 }
            },
            ZipAnomaly::SuspiciousEntryName {
                entry: long.clone(),
                why: NameIssue::VeryLong { len: long.len() }
            },
        ]
    );
    assert_eq!(
        severities(&z),
        [
            AnomalyKind::Tampered,
            AnomalyKind::Info,
            AnomalyKind::Info,
            AnomalyKind::Info
        ]
    );
}

#[test]
fn z7_nul_and_invalid_utf8_names_are_not_installable() {
    let mut nul = EntrySpec::stored("x", b"nul");
    nul.name = b"assets/a\0b".to_vec();
    let mut bad = EntrySpec::stored("x", b"bad");
    bad.name = b"assets/\xC3\x28".to_vec();
    let bytes = build(
        &[nul, bad, EntrySpec::stored("AndroidManifest.xml", MANIFEST)],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::InvalidEntryName {
                entry: "assets/a\0b".into(),
                why: "contains a NUL byte"
            },
            ZipAnomaly::InvalidEntryName {
                entry: "assets/\u{FFFD}(".into(),
                why: "is not valid UTF-8"
            },
        ]
    );
    assert_eq!(severities(&z), [AnomalyKind::NotInstallable; 2]);
    // Still readable by raw name bytes.
    let limits = Limits::default();
    let e = z.by_name_bytes(b"assets/\xC3\x28").unwrap();
    assert_eq!(e.name_bytes, b"assets/\xC3\x28");
    assert_eq!(&*z.read(e, &limits, &Budget::new(&limits)).unwrap(), b"bad");
}

#[test]
fn path_traversal_and_absolute_names_are_flagged() {
    let bytes = build(
        &[
            EntrySpec::stored("../../evil.sh", b"#!"),
            EntrySpec::stored("/etc/passwd", b"root"),
        ],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::SuspiciousEntryName {
                entry: "../../evil.sh".into(),
                why: NameIssue::ParentDir
            },
            ZipAnomaly::SuspiciousEntryName {
                entry: "/etc/passwd".into(),
                why: NameIssue::Absolute
            },
        ]
    );
    assert_eq!(read(&z, "../../evil.sh"), b"#!");
}

#[test]
fn data_descriptors_use_central_directory_values() {
    let mut a = EntrySpec::deflated("AndroidManifest.xml", MANIFEST);
    a.data_descriptor = true;
    let mut b = EntrySpec::stored("classes.dex", DEX);
    b.data_descriptor = true;
    let bytes = build(&[a, b], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert_eq!(z.anomalies(), &[]);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert_eq!(z.by_name("classes.dex").unwrap().flags & 8, 8);
}

#[test]
fn zip64_records_and_extra_fields() {
    let mut dd = EntrySpec::deflated("classes.dex", DEX);
    dd.data_descriptor = true;
    let bytes = build(
        &[EntrySpec::stored("AndroidManifest.xml", MANIFEST), dd],
        &ArchiveSpec {
            zip64: true,
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(z.anomalies(), &[ZipAnomaly::Zip64]);
    assert_eq!(severities(&z), [AnomalyKind::Info]);
    let m = z.by_name("AndroidManifest.xml").unwrap();
    assert_eq!(
        (
            m.compressed_size,
            m.uncompressed_size,
            m.local_header_offset
        ),
        (MANIFEST.len() as u64, MANIFEST.len() as u64, 0)
    );
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
}

#[test]
fn truncated_and_non_zip_inputs_fail_clearly() {
    let bytes = build_simple(&[("AndroidManifest.xml", MANIFEST), ("classes.dex", DEX)]);
    let half = &bytes[..bytes.len() / 2];
    let err = ZipArchive::parse(half, &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        ZipError::NoEndOfCentralDirectory {
            searched: half.len() as u64,
            len: half.len() as u64
        }
    );
    assert!(
        err.to_string().contains("the archive is truncated"),
        "{err}"
    );
    // Cut inside the EOCD record.
    let cut = &bytes[..bytes.len() - 5];
    assert!(matches!(
        ZipArchive::parse(cut, &Limits::default()),
        Err(ZipError::NoEndOfCentralDirectory { .. })
    ));
    assert_eq!(
        ZipArchive::parse(b"not-a-zip-file\n", &Limits::default()).unwrap_err(),
        ZipError::NotAZip { len: 15 }
    );
    assert_eq!(
        ZipArchive::parse(b"", &Limits::default()).unwrap_err(),
        ZipError::NotAZip { len: 0 }
    );
    assert!(!ZipArchive::is_zip(b"not-a-zip-file\n"));
}

#[test]
fn entry_data_cut_off_is_a_truncation_error() {
    let bytes = build(
        &[EntrySpec::stored("a", &[7u8; 1000])],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    // Claim more stored bytes than the file holds.
    let mut e = z.entries()[0].clone();
    e.uncompressed_size = bytes.len() as u64;
    let limits = Limits::default();
    assert_eq!(
        z.read(&e, &limits, &Budget::new(&limits)).unwrap_err(),
        ZipError::Truncated {
            offset: 31,
            need: bytes.len() as u64
        }
    );
}

#[test]
fn local_header_disagreements_are_anomalies_not_errors() {
    let mut m = EntrySpec::deflated("AndroidManifest.xml", MANIFEST);
    m.lfh_method = Some(0); // Android never reads the LFH method
    let mut d = EntrySpec::stored("classes.dex", DEX);
    d.lfh_csize = Some(3);
    let mut n = EntrySpec::stored("resources.arsc", b"arsc");
    n.lfh_name = Some(b"resources.XXXX".to_vec());
    let bytes = build(&[m, d, n], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert_eq!(read(&z, "resources.arsc"), b"arsc");
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::LocalHeaderMismatch {
                entry: "AndroidManifest.xml".into(),
                field: HeaderField::Method,
                central: 8,
                local: 0
            },
            ZipAnomaly::LocalHeaderMismatch {
                entry: "classes.dex".into(),
                field: HeaderField::CompressedSize,
                central: DEX.len() as u64,
                local: 3
            },
            ZipAnomaly::LocalNameMismatch {
                entry: "resources.arsc".into(),
                local_name: "resources.XXXX".into()
            },
        ]
    );
    assert_eq!(
        severities(&z),
        [
            AnomalyKind::Tampered,
            AnomalyKind::NotInstallable,
            AnomalyKind::NotInstallable
        ]
    );
}

#[test]
fn missing_local_header_fails_only_that_entry() {
    let mut ghost = EntrySpec::stored("ghost", b"");
    ghost.omit_local = true;
    ghost.cd_local_offset = Some(5);
    let bytes = build(
        &[EntrySpec::stored("a", b"aaaa"), ghost],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "a"), b"aaaa");
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::LocalHeaderMissing {
            entry: "ghost".into(),
            offset: 5
        }]
    );
    let limits = Limits::default();
    assert_eq!(
        z.read(z.by_name("ghost").unwrap(), &limits, &Budget::new(&limits))
            .unwrap_err(),
        ZipError::BadLocalHeader {
            entry: "ghost".into(),
            offset: 5
        }
    );
}

#[test]
fn eocd_count_lies_are_reported_and_only_counted_records_exist() {
    for (count, severity) in [
        (1u16, AnomalyKind::Tampered),
        (5, AnomalyKind::NotInstallable),
    ] {
        let bytes = build(
            &apk_entries(),
            &ArchiveSpec {
                eocd_count_override: Some(count),
                ..Default::default()
            },
        );
        let z = parse(&bytes);
        // libziparchive reads exactly the EOCD's count: with 1, the second
        // record (classes.dex) does not exist for Android.
        if count == 1 {
            assert_eq!(z.entries().len(), 1);
            assert!(z.by_name("classes.dex").is_none());
        } else {
            assert_eq!(z.entries().len(), 2);
            assert_eq!(read(&z, "classes.dex"), DEX);
        }
        assert_eq!(
            z.anomalies(),
            &[ZipAnomaly::EntryCountMismatch {
                eocd: u64::from(count),
                found: 2
            }]
        );
        assert_eq!(severities(&z), [severity]);
    }
}

#[test]
fn lying_uncompressed_size_stops_at_the_declared_size() {
    let body = vec![b'A'; 100_000];
    let mut small = EntrySpec::deflated("classes.dex", &body);
    small.usize_override = Some(1000);
    let mut big = EntrySpec::deflated("AndroidManifest.xml", MANIFEST);
    big.usize_override = Some(MANIFEST.len() as u32 + 10);
    let bytes = build(&[small, big], &ArchiveSpec::default());
    let z = parse(&bytes);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    assert_eq!(
        z.read(z.by_name("classes.dex").unwrap(), &limits, &budget)
            .unwrap_err(),
        ZipError::InflatesPastDeclaredSize {
            entry: "classes.dex".into(),
            declared: 1000
        }
    );
    assert_eq!(
        z.read(z.by_name("AndroidManifest.xml").unwrap(), &limits, &budget)
            .unwrap_err(),
        ZipError::InflatedSizeMismatch {
            entry: "AndroidManifest.xml".into(),
            declared: MANIFEST.len() as u64 + 10,
            actual: MANIFEST.len() as u64
        }
    );
}

#[test]
fn corrupt_deflate_stream_is_an_inflate_error() {
    let mut e = EntrySpec::stored("x", &[0xFF; 64]);
    e.cd_method = Some(8);
    e.lfh_method = Some(8);
    e.usize_override = Some(64);
    let bytes = build(&[e], &ArchiveSpec::default());
    let z = parse(&bytes);
    let limits = Limits::default();
    let err = z
        .read(&z.entries()[0], &limits, &Budget::new(&limits))
        .unwrap_err();
    assert!(
        matches!(&err, ZipError::Inflate { entry, .. } if entry == "x"),
        "{err}"
    );
}

/// 1 GiB of zeros, deflated by streaming (never held inflated).
fn gib_bomb() -> &'static Precompressed {
    static BOMB: OnceLock<Precompressed> = OnceLock::new();
    BOMB.get_or_init(|| deflate_zeros(1 << 30))
}

#[test]
fn gib_zip_bomb_stops_at_the_entry_cap_before_inflating() {
    let bomb = gib_bomb();
    assert!(
        bomb.stream.len() < 2 << 20,
        "compressed {}",
        bomb.stream.len()
    );
    let e = EntrySpec {
        name: b"classes.dex".to_vec(),
        precompressed: Some(bomb.clone()),
        ..Default::default()
    };
    let bytes = build(&[e], &ArchiveSpec::default());
    let z = parse(&bytes);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    let err = z.read(&z.entries()[0], &limits, &budget).unwrap_err();
    assert_eq!(
        err,
        ZipError::Limit(LimitError::EntryTooLarge {
            entry: "classes.dex".into(),
            size: 1 << 30,
            cap: 128 << 20
        })
    );
    assert!(err.to_string().contains("max_entry_size"), "{err}");
    assert_eq!(budget.remaining(), limits.max_total_inflated);

    // With a per-entry cap raised past it, the total cap stops it, still
    // before inflating.
    let limits = Limits {
        max_entry_size: 2 << 30,
        max_total_inflated: 256 << 20,
        ..Limits::default()
    };
    let err = z
        .read(&z.entries()[0], &limits, &Budget::new(&limits))
        .unwrap_err();
    assert_eq!(
        err,
        ZipError::Limit(LimitError::TotalTooLarge { cap: 256 << 20 })
    );
}

#[test]
fn gib_zip_bomb_with_lying_size_inflates_only_the_declared_bytes() {
    let e = EntrySpec {
        name: b"classes.dex".to_vec(),
        precompressed: Some(gib_bomb().clone()),
        usize_override: Some(1 << 20),
        ..Default::default()
    };
    let bytes = build(&[e], &ArchiveSpec::default());
    let z = parse(&bytes);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    assert_eq!(
        z.read(&z.entries()[0], &limits, &budget).unwrap_err(),
        ZipError::InflatesPastDeclaredSize {
            entry: "classes.dex".into(),
            declared: 1 << 20
        }
    );
    assert_eq!(budget.remaining(), limits.max_total_inflated - (1 << 20));
}

/// "Zip of death": 300 CD records all pointing at one local header whose
/// data inflates to 1 MiB. Reported as overlaps; the budget bounds the work.
#[test]
fn overlap_bomb_is_reported_and_bounded_by_the_budget() {
    let kernel = deflate_zeros(1 << 20);
    let specs: Vec<EntrySpec> = (0..300)
        .map(|i| EntrySpec {
            name: format!("k{i:03}").into_bytes(),
            precompressed: Some(kernel.clone()),
            omit_local: i > 0,
            cd_local_offset: (i > 0).then_some(0),
            ..Default::default()
        })
        .collect();
    let bytes = build(&specs, &ArchiveSpec::default());
    assert!(bytes.len() < 40_000, "{}", bytes.len());
    let z = parse(&bytes);
    assert_eq!(z.entries().len(), 300);
    let overlaps: Vec<&ZipAnomaly> = z
        .anomalies()
        .iter()
        .filter(|a| matches!(a, ZipAnomaly::OverlappingEntries { .. }))
        .collect();
    assert_eq!(overlaps.len(), 16);
    assert_eq!(
        overlaps[0],
        &ZipAnomaly::OverlappingEntries {
            a: "k000".into(),
            b: "k001".into()
        }
    );
    assert!(
        z.anomalies()
            .contains(&ZipAnomaly::OverlapsNotListed { more: 299 - 16 })
    );
    // Each record also names a different entry than its local header.
    assert!(z.anomalies().contains(&ZipAnomaly::LocalNameMismatch {
        entry: "k299".into(),
        local_name: "k000".into()
    }));

    let limits = Limits {
        max_total_inflated: 64 << 20,
        ..Limits::default()
    };
    let budget = Budget::new(&limits);
    let mut ok = 0;
    let mut stop = None;
    for e in z.entries() {
        match z.read(e, &limits, &budget) {
            Ok(b) => {
                assert_eq!(b.len(), 1 << 20);
                ok += 1;
            }
            Err(err) => {
                stop = Some(err);
                break;
            }
        }
    }
    assert_eq!(ok, 64);
    assert_eq!(
        stop,
        Some(ZipError::Limit(LimitError::TotalTooLarge { cap: 64 << 20 }))
    );
}

#[test]
fn data_running_into_the_central_directory_is_out_of_bounds() {
    let mut e = EntrySpec::stored("a", b"abcd");
    e.cd_csize = Some(5000);
    e.lfh_csize = Some(5000);
    e.usize_override = Some(5000);
    let bytes = build(&[e], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert_eq!(
        z.anomalies()[0],
        ZipAnomaly::EntryOutOfBounds {
            entry: "a".into(),
            data_offset: 31,
            length: 5000,
            cd_offset: 35
        }
    );
    let limits = Limits::default();
    assert_eq!(
        z.read(&z.entries()[0], &limits, &Budget::new(&limits))
            .unwrap_err(),
        ZipError::Truncated {
            offset: 31,
            need: 5000
        }
    );
}

#[test]
fn empty_archive_is_not_installable() {
    let bytes = build(&[], &ArchiveSpec::default());
    let z = parse(&bytes);
    assert!(z.entries().is_empty());
    assert_eq!(z.anomalies(), &[ZipAnomaly::EmptyArchive]);
}

/// Parse and read everything; exercise every anomaly's Display/severity.
fn exercise(bytes: &[u8], limits: &Limits) {
    if let Ok(z) = ZipArchive::parse(bytes, limits) {
        let budget = Budget::new(limits);
        for e in z.entries() {
            let _ = z.read(e, limits, &budget);
        }
        for a in z.anomalies().iter().chain(z.read_anomalies().iter()) {
            assert!(!a.to_string().is_empty());
            let _ = a.severity();
        }
    }
}

/// Every truncation and 4000 byte-level mutants of small archives (classic
/// and ZIP64, with data descriptors and a comment) parse or fail cleanly,
/// within small caps.
#[test]
fn truncations_and_mutants_never_panic() {
    let limits = Limits {
        max_entry_size: 1 << 20,
        max_total_inflated: 4 << 20,
        ..Limits::default()
    };
    let mut dd = EntrySpec::deflated("classes.dex", DEX);
    dd.data_descriptor = true;
    let entries = [
        EntrySpec::deflated("AndroidManifest.xml", MANIFEST),
        EntrySpec::stored("a/b", b"stored"),
        dd,
    ];
    let bases = [
        build(
            &entries,
            &ArchiveSpec {
                comment: b"comment".to_vec(),
                ..Default::default()
            },
        ),
        build(
            &entries,
            &ArchiveSpec {
                zip64: true,
                ..Default::default()
            },
        ),
    ];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for base in &bases {
        for n in 0..=base.len() {
            exercise(&base[..n], &limits);
        }
        for _ in 0..2000 {
            let mut m = base.clone();
            for _ in 0..(1 + next() % 4) {
                let at = (next() % m.len() as u64) as usize;
                m[at] = match next() % 4 {
                    0 => 0xFF,
                    1 => 0,
                    _ => next() as u8,
                };
            }
            exercise(&m, &limits);
        }
    }
}
