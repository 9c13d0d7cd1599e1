//! ZIP hostile inputs, continued (split from zip_hostile.rs): salvaged central
//! directories and local offsets, empty deflated entries, an archive shared
//! across threads; each built with `privscan::testkit::zip` and read with the Android-style
//! reader. Every test asserts the decoded bytes or the exact error/anomaly.

use privscan::input::zip::{AnomalyKind, ZipAnomaly, ZipArchive};
use privscan::limits::{Budget, Limits};
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build, build_simple};

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
fn apk_entries() -> Vec<EntrySpec> {
    vec![
        EntrySpec::deflated("AndroidManifest.xml", MANIFEST),
        EntrySpec::stored("classes.dex", DEX),
    ]
}

/// Z6a: 16 junk bytes prepended, no offset fixed: salvaged like Python's
/// zipfile, reported as not installable.

#[test]
fn deflated_empty_entry_without_a_stream_reads_empty() {
    let mut dir = EntrySpec::stored("assets/", b"");
    dir.cd_method = Some(8);
    dir.lfh_method = Some(8);
    let bytes = build(
        &[dir, EntrySpec::deflated("empty", b"")],
        &ArchiveSpec::default(),
    );
    let z = parse(&bytes);
    assert_eq!(z.anomalies(), &[]);
    assert_eq!(read(&z, "assets/"), b"");
    assert_eq!(read(&z, "empty"), b"");
}

/// Only the EOCD's CD offset is wrong (local offsets right): the CD is
/// found at `eocd - cd_size` and the local offsets are NOT shifted.
#[test]
fn wrong_eocd_cd_offset_alone_keeps_local_offsets() {
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            eocd_cd_offset_override: Some(3),
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    let actual = z.cd_offset();
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::CentralDirectoryOffsetWrong { stated: 3, actual }]
    );
    assert_eq!(z.entries()[0].local_header_offset, 0);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
}

/// A CD record whose name length runs past the central directory.
#[test]
fn cut_off_central_directory_record_keeps_the_records_before_it() {
    let mut bytes = build(&apk_entries(), &ArchiveSpec::default());
    let cd = parse(&bytes).cd_offset() as usize;
    let second = cd + 46 + "AndroidManifest.xml".len();
    assert_eq!(&bytes[second..second + 4], b"PK\x01\x02");
    bytes[second + 28] = 0xFF;
    bytes[second + 29] = 0xFF;
    let z = parse(&bytes);
    assert_eq!(z.entries().len(), 1);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::CentralDirectoryTruncated {
                index: 1,
                offset: second as u64
            },
            ZipAnomaly::EntryCountMismatch { eocd: 2, found: 1 },
        ]
    );
    assert_eq!(severities(&z), [AnomalyKind::NotInstallable; 2]);
}

#[test]
fn archive_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ZipArchive<'static>>();
    let bytes = build_simple(&[("a", b"alpha alpha"), ("b", b"beta beta")]);
    let z = parse(&bytes);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    let got: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = z
            .entries()
            .iter()
            .map(|e| s.spawn(|| z.read(e, &limits, &budget).unwrap().into_owned()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(got, vec![b"alpha alpha".to_vec(), b"beta beta".to_vec()]);
    assert_eq!(budget.remaining(), limits.max_total_inflated - 20);
}

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    fn entry() -> impl Strategy<Value = (String, Vec<u8>, bool, bool)> {
        (
            "[a-zA-Z0-9_ۦ]{1,12}(/[a-z]{1,8}(\\.[a-z]{1,3})?){0,3}",
            proptest::collection::vec(any::<u8>(), 0..2000),
            any::<bool>(),
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Clean archives of random entries read back exactly, with no
        /// anomaly but ZIP64, and agree with the zip crate.
        #[test]
        fn clean_archives_round_trip(list in proptest::collection::vec(entry(), 1..12), zip64: bool) {
            let mut seen = std::collections::HashSet::new();
            let specs: Vec<EntrySpec> = list
                .iter()
                .filter(|(n, ..)| seen.insert(n.clone()))
                .map(|(n, d, deflate, dd)| {
                    let mut e = if *deflate { EntrySpec::deflated(n, d) } else { EntrySpec::stored(n, d) };
                    e.data_descriptor = *dd;
                    e
                })
                .collect();
            let bytes = build(&specs, &ArchiveSpec { zip64, ..Default::default() });
            let z = parse(&bytes);
            let want: &[ZipAnomaly] = if zip64 { &[ZipAnomaly::Zip64] } else { &[] };
            prop_assert_eq!(z.anomalies(), want);
            prop_assert_eq!(z.entries().len(), specs.len());
            let mut strict = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
            for (i, s) in specs.iter().enumerate() {
                let e = &z.entries()[i];
                prop_assert_eq!(&e.name_bytes, &s.name);
                prop_assert_eq!(read(&z, &e.name), s.data.clone());
                let mut theirs = Vec::new();
                std::io::Read::read_to_end(&mut strict.by_index(i).unwrap(), &mut theirs).unwrap();
                prop_assert_eq!(theirs, s.data.clone());
            }
        }
    }
}

/// ZIP64 archive with data prepended: the ZIP64 record is found right
/// before its locator and the CD at `record - cd_size`.
#[test]
fn zip64_with_prepended_data_is_salvaged() {
    let bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            zip64: true,
            prefix: vec![0; 10],
            ..Default::default()
        },
    );
    let z = parse(&bytes);
    assert_eq!(read(&z, "AndroidManifest.xml"), MANIFEST);
    assert_eq!(read(&z, "classes.dex"), DEX);
    let actual = z.cd_offset();
    assert_eq!(
        z.anomalies(),
        &[
            ZipAnomaly::CentralDirectoryOffsetWrong {
                stated: actual - 10,
                actual
            },
            ZipAnomaly::Zip64,
            ZipAnomaly::DataBeforeFirstEntry { bytes: 10 },
        ]
    );
}
