//! ZIP read like libziparchive (issue 17 class 1): ZIP64 only when the EOCD
//! carries the 0xFFFFFFFF sentinels (`FindCentralDirectoryInfo`).

use privscan::input::zip::{ZipAnomaly, ZipArchive};
use privscan::limits::{Budget, Limits};
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};

const MANIFEST: &[u8] = b"\x03\x00\x08\x00<fake binary manifest bytes for the test>";
const DEX: &[u8] = b"dex\n035\0 some dex body, some dex body, some dex body";

fn apk_entries() -> Vec<EntrySpec> {
    vec![
        EntrySpec::deflated("AndroidManifest.xml", MANIFEST),
        EntrySpec::stored("classes.dex", DEX),
    ]
}

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

/// Issue 17 class 1: a ZIP64 locator and record before an EOCD without the
/// 0xFFFFFFFF sentinels is ignored, as libziparchive ignores it: the EOCD's
/// own count, size and offset are used, even when the ZIP64 record lies.
#[test]
fn zip64_locator_without_eocd_sentinels_is_ignored() {
    let mut bytes = build(
        &apk_entries(),
        &ArchiveSpec {
            zip64: true,
            ..Default::default()
        },
    );
    let eocd = bytes.len() - 22;
    let rec = eocd - 20 - 56;
    let cd_size = u64::from_le_bytes(bytes[rec + 40..rec + 48].try_into().unwrap()) as u32;
    let cd_off = u64::from_le_bytes(bytes[rec + 48..rec + 56].try_into().unwrap()) as u32;
    bytes[eocd + 8..eocd + 10].copy_from_slice(&2u16.to_le_bytes());
    bytes[eocd + 10..eocd + 12].copy_from_slice(&2u16.to_le_bytes());
    bytes[eocd + 12..eocd + 16].copy_from_slice(&cd_size.to_le_bytes());
    bytes[eocd + 16..eocd + 20].copy_from_slice(&cd_off.to_le_bytes());
    // The ZIP64 record now claims a single entry: a tool that follows the
    // locator would drop classes.dex.
    bytes[rec + 24..rec + 32].copy_from_slice(&1u64.to_le_bytes());
    bytes[rec + 32..rec + 40].copy_from_slice(&1u64.to_le_bytes());
    let z = parse(&bytes);
    assert_eq!(z.entries().len(), 2);
    assert_eq!(read(&z, "classes.dex"), DEX);
    assert!(
        !z.anomalies().contains(&ZipAnomaly::Zip64),
        "{:?}",
        z.anomalies()
    );
}

/// Issue 17 class 1: the sentinel in *any* EOCD field (entries on this
/// disk, total entries, CD size, CD offset, comment length) makes
/// libziparchive look for ZIP64 (`FindCentralDirectoryInfo`); without a
/// valid locator and record it fails, so Android does not install the
/// archive. privscan reads the 16/32-bit values and reports PS902 naming
/// the field.
#[test]
fn eocd_sentinel_without_zip64_is_not_installable() {
    let clean = build(&apk_entries(), &ArchiveSpec::default());
    let eocd = clean.len() - 22;
    for (at, field) in [(8, "entries on this disk"), (10, "total entries")] {
        let mut bytes = clean.clone();
        bytes[eocd + at..eocd + at + 2].copy_from_slice(&0xFFFFu16.to_le_bytes());
        let z = parse(&bytes);
        let missing: Vec<&ZipAnomaly> = z
            .anomalies()
            .iter()
            .filter(|a| matches!(a, ZipAnomaly::Zip64RecordMissing { .. }))
            .collect();
        assert_eq!(missing.len(), 1, "{field}: {:?}", z.anomalies());
        assert_eq!(
            missing[0],
            &ZipAnomaly::Zip64RecordMissing {
                field,
                value: 0xFFFF
            }
        );
        assert_eq!(
            missing[0].severity().finding_code(),
            Some(privscan::findings::Code::PS902)
        );
        assert!(z.by_name("AndroidManifest.xml").is_some(), "{field}");
    }
    // The clean archive and a real ZIP64 archive have none.
    for b in [
        clean,
        build(
            &apk_entries(),
            &ArchiveSpec {
                zip64: true,
                ..Default::default()
            },
        ),
    ] {
        let z = parse(&b);
        assert!(
            !z.anomalies()
                .iter()
                .any(|a| matches!(a, ZipAnomaly::Zip64RecordMissing { .. })),
            "{:?}",
            z.anomalies()
        );
    }
}
