//! Differential test of the Android-style zip reader against the `zip`
//! crate and the corpus oracles (Python `zipfile`/Info-ZIP entry counts in
//! `<file>.expected.json`), over every .apk/.aab/.ipa in the shared corpus.
//! Skips visibly when the corpus is absent.

use std::io::Read;
use std::path::{Path, PathBuf};

use privscan::input::zip::{AnomalyKind, ZipAnomaly, ZipArchive, ZipError};
use privscan::limits::{Budget, Limits};

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ];
    let found = candidates.into_iter().find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("SKIP: corpus not found (../shared/corpus or /work/shared/corpus)");
    }
    found
}

/// Every archive in the corpus with its kind directory.
fn archives(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for kind in ["apk", "aab", "ipa"] {
        let Ok(rd) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == kind) {
                out.push((kind.to_owned(), p));
            }
        }
    }
    out.sort();
    out
}

fn expected(path: &Path) -> serde_json::Value {
    let mut j = path.as_os_str().to_owned();
    j.push(".expected.json");
    serde_json::from_slice(&std::fs::read(j).unwrap()).unwrap()
}

/// The oracle entry count: Python zipfile for APKs, `entries` for IPA/AAB.
fn expected_entries(kind: &str, exp: &serde_json::Value) -> Option<u64> {
    match kind {
        "apk" => exp["expected"]["archive"]["python_zipfile_entries"].as_u64(),
        "ipa" => exp["expected"]["archive"]["entries"].as_u64(),
        _ => exp["expected"]["entries"].as_u64(),
    }
}

fn load(root: &Path, rel: &str) -> Option<Vec<u8>> {
    let p = root.join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("SKIP: {} missing", p.display());
            None
        }
    }
}

#[test]
fn corpus_archives_match_zip_crate_and_oracle_counts() {
    let Some(root) = corpus_dir() else { return };
    let limits = Limits::default();
    let mut checked_archives = 0;
    let mut compared_entries = 0;
    for (kind, path) in archives(&root) {
        let bytes = std::fs::read(&path).unwrap();
        let exp = expected(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = std::panic::catch_unwind(|| ZipArchive::parse(&bytes, &limits).map(|_| ()));
        assert!(parsed.is_ok(), "{name}: parse panicked");
        let ours = match ZipArchive::parse(&bytes, &limits) {
            Ok(z) => z,
            Err(e) => {
                let oracle_error = exp["expected"]["archive"]["python_zipfile_error"].as_str();
                assert!(
                    oracle_error.is_some(),
                    "{name}: we fail ({e}) but Python zipfile read it"
                );
                eprintln!("{name}: error as expected: {e}");
                continue;
            }
        };
        checked_archives += 1;
        for a in ours.anomalies() {
            eprintln!("{name}: {:?}: {a}", a.severity());
        }
        if let Some(n) = expected_entries(&kind, &exp) {
            assert_eq!(
                ours.entries().len() as u64,
                n,
                "{name}: entry count vs oracle"
            );
        } else {
            panic!("{name}: no oracle entry count in expected.json");
        }

        // Every entry reads without panicking; CRCs verify.
        let budget = Budget::new(&limits);
        for e in ours.entries() {
            let (data, crc) = ours
                .read_verified(e, &limits, &budget)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            assert_eq!(data.len() as u64, e.uncompressed_size, "{name}: {}", e.name);
            assert_eq!(crc, None, "{name}: {}", e.name);
        }

        let Ok(mut strict) = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])) else {
            eprintln!("{name}: zip crate cannot open it; compared with the oracle count only");
            continue;
        };
        assert!(
            !strict.has_duplicate_names(),
            "{name}: duplicates (compare by index is invalid)"
        );
        assert_eq!(
            strict.len(),
            ours.entries().len(),
            "{name}: entry count vs zip crate"
        );
        for (i, e) in ours.entries().iter().enumerate() {
            let theirs = strict.by_index_raw(i).unwrap();
            assert_eq!(
                theirs.name_raw(),
                &e.name_bytes[..],
                "{name}: entry {i} name"
            );
            assert_eq!(
                theirs.size(),
                e.uncompressed_size,
                "{name}: {} size",
                e.name
            );
            assert_eq!(
                theirs.compressed_size(),
                e.compressed_size,
                "{name}: {} csize",
                e.name
            );
            assert_eq!(theirs.crc32(), e.crc32, "{name}: {} crc", e.name);
            assert_eq!(
                theirs.header_start(),
                e.local_header_offset,
                "{name}: {} lho",
                e.name
            );
            assert_eq!(
                theirs.data_start(),
                e.data_offset,
                "{name}: {} data offset",
                e.name
            );
            drop(theirs);
            let mut want = Vec::new();
            match strict.by_index(i).map(|mut f| f.read_to_end(&mut want)) {
                Ok(Ok(_)) => {
                    let got = ours.read(e, &limits, &budget).unwrap();
                    assert!(got[..] == want[..], "{name}: {} content differs", e.name);
                    compared_entries += 1;
                }
                other => eprintln!(
                    "{name}: zip crate cannot read {}: {:?}",
                    e.name,
                    other.err()
                ),
            }
        }
    }
    eprintln!(
        "checked {checked_archives} archives, {compared_entries} entries byte-identical with the zip crate"
    );
    assert!(
        checked_archives > 40,
        "only {checked_archives} archives checked"
    );
}

/// fdroidserver janus.apk: a DEX file prepended with every zip offset
/// shifted to stay right. Android (Janus fix) refuses it; we read it and say so.
#[test]
fn janus_apk_is_read_and_not_installable() {
    let Some(root) = corpus_dir() else { return };
    let Some(bytes) = load(&root, "apk/fdroidserver__janus.apk") else {
        return;
    };
    let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(bytes.get(..4), Some(&b"dex\n"[..]));
    assert_eq!(
        z.anomalies(),
        &[ZipAnomaly::DataBeforeFirstEntry { bytes: 1032 }]
    );
    assert_eq!(z.anomalies()[0].severity(), AnomalyKind::NotInstallable);
    let limits = Limits::default();
    let m = z.by_name("AndroidManifest.xml").unwrap();
    let xml = z.read(m, &limits, &Budget::new(&limits)).unwrap();
    assert_eq!(xml.len(), 2756);
    assert_eq!(xml.get(..4), Some(&[3u8, 0, 8, 0][..]));
    assert!(ZipArchive::is_zip(&bytes));
}

/// androguard CertChain.apk and multidex.apk: aapt answers "no
/// AndroidManifest.xml found" because neither archive has that entry (only
/// META-INF and DEX files). The reader gives the same clear answer.
#[test]
fn certchain_and_multidex_have_no_manifest_entry() {
    let Some(root) = corpus_dir() else { return };
    for (rel, names) in [
        (
            "apk/androguard__CertChain.apk",
            &[
                "META-INF/",
                "META-INF/MANIFEST.MF",
                "META-INF/MSFTSIG.RSA",
                "META-INF/MSFTSIG.SF",
            ][..],
        ),
        (
            "apk/androguard__multidex.apk",
            &["META-INF/MANIFEST.MF", "classes.dex", "classes2.dex"][..],
        ),
    ] {
        let Some(bytes) = load(&root, rel) else {
            continue;
        };
        let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
        let got: Vec<&str> = z.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(got, names, "{rel}");
        assert!(z.by_name("AndroidManifest.xml").is_none(), "{rel}");
        assert_eq!(z.anomalies(), &[], "{rel}");
    }
}

/// Apktool unknown_compression.apk: the last two entries are deflated
/// (method 8) with GP flag bit 1 (max compression) and no manifest tricks;
/// every entry reads and matches its CRC.
#[test]
fn apktool_unknown_compression_apk_reads_every_entry() {
    let Some(root) = corpus_dir() else { return };
    let Some(bytes) = load(&root, "apk/Apktool__unknown_compression.apk") else {
        return;
    };
    let z = ZipArchive::parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(z.entries().len(), 18);
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    for e in z.entries() {
        let (data, crc) = z.read_verified(e, &limits, &budget).unwrap();
        assert_eq!(
            (data.len() as u64, crc),
            (e.uncompressed_size, None),
            "{}",
            e.name
        );
    }
    let json = z.by_name("test.json").unwrap();
    assert_eq!(
        (json.method, json.flags, json.uncompressed_size),
        (8, 2, 541)
    );
}

/// fastlane not-an-ipa.ipa: 15 bytes of text.
#[test]
fn not_an_ipa_is_not_a_zip() {
    let Some(root) = corpus_dir() else { return };
    let Some(bytes) = load(&root, "ipa/fastlane__not-an-ipa.ipa") else {
        return;
    };
    assert_eq!(
        ZipArchive::parse(&bytes, &Limits::default()).unwrap_err(),
        ZipError::NotAZip { len: 15 }
    );
    assert!(!ZipArchive::is_zip(&bytes));
}
