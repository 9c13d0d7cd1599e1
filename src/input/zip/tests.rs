use super::*;
use crate::testkit::zip::{ArchiveSpec, EntrySpec, build, build_simple};

fn read_all(z: &ZipArchive<'_>) -> Vec<Vec<u8>> {
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    z.entries()
        .iter()
        .map(|e| z.read(e, &limits, &budget).unwrap().into_owned())
        .collect()
}

#[test]
fn clean_archive_has_no_anomalies_and_reads_back() {
    let body = b"<manifest/>".repeat(50);
    let bytes = build_simple(&[
        ("AndroidManifest.xml", &body),
        ("classes.dex", b"dex\n035\0"),
    ]);
    let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(z.anomalies(), &[]);
    assert_eq!(z.entries().len(), 2);
    assert_eq!(z.by_name("classes.dex").unwrap().index, 1);
    assert_eq!(read_all(&z), vec![body, b"dex\n035\0".to_vec()]);
    assert!(z.read_anomalies().is_empty());
    assert!(ZipArchive::is_zip(&bytes));
}

#[test]
fn stored_entries_are_borrowed() {
    let bytes = build(&[EntrySpec::stored("a", b"abc")], &ArchiveSpec::default());
    let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
    let limits = Limits::default();
    let got = z
        .read(&z.entries()[0], &limits, &Budget::new(&limits))
        .unwrap();
    assert!(matches!(got, Cow::Borrowed(b"abc")));
}

#[test]
fn is_valid_entry_name_matches_aosp() {
    assert_eq!(entry_name_problem("ۦۖ۫/x".as_bytes()), None);
    assert_eq!(entry_name_problem(b"a\0b"), Some("contains a NUL byte"));
    assert_eq!(entry_name_problem(b"\xC3\x28"), Some("is not valid UTF-8"));
    assert_eq!(entry_name_problem(b"\xC3"), Some("is not valid UTF-8"));
    assert_eq!(entry_name_problem(b"\x80"), Some("is not valid UTF-8"));
    assert_eq!(entry_name_problem(b"\xFE"), Some("is not valid UTF-8"));
    // AOSP accepts overlong encodings.
    assert_eq!(entry_name_problem(b"\xC0\xAF"), None);
}

#[test]
fn crc_mismatch_is_recorded_not_fatal() {
    let mut e = EntrySpec::deflated("a", b"payload payload");
    e.crc_override = Some(0x1234_5678);
    let bytes = build(&[e], &ArchiveSpec::default());
    let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(read_all(&z), vec![b"payload payload".to_vec()]);
    assert_eq!(
        z.read_anomalies(),
        vec![ZipAnomaly::CrcMismatch {
            entry: "a".into(),
            expected: 0x1234_5678,
            actual: crc32fast::hash(b"payload payload")
        }]
    );
}

#[test]
fn too_many_entries_reads_the_first_and_reports_the_cap() {
    let bytes = build_simple(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    let archive = ZipArchive::parse(&bytes, &limits).unwrap();
    assert_eq!(archive.entries().len(), 2);
    assert_eq!(
        archive.cap_hit(),
        Some(&LimitError::TooManyEntries { count: 3, cap: 2 })
    );
}

#[test]
fn anomaly_messages_name_the_entry() {
    let a = ZipAnomaly::UnknownCompressionMethod {
        entry: "AndroidManifest.xml".into(),
        method: 7261,
    };
    assert_eq!(
        a.to_string(),
        "entry 'AndroidManifest.xml' has unknown compression method 7261; Android reads it as stored data of its uncompressed size"
    );
    assert_eq!(a.severity(), AnomalyKind::Tampered);
    assert_eq!(
        a.severity().finding_code(),
        Some(crate::findings::Code::PS901)
    );
    assert_eq!(
        ZipAnomaly::EmptyArchive.severity().finding_code(),
        Some(crate::findings::Code::PS902)
    );
    assert_eq!(ZipAnomaly::Zip64.severity().finding_code(), None);
}
