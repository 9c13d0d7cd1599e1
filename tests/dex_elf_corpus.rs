//! DEX and ELF readers and SDK detection on the shared corpus
//! (`../shared/corpus`, answers from dexdump/androguard and
//! readelf/pyelftools/LIEF in `<file>.expected.json`, see EXPECTED.md).
//!
//! - every `dex/*` file: version and string/type/class counts equal the
//!   expected header values, the classes listed equal `classes_listed`, and
//!   the package prefixes of the listed classes equal `package_prefixes`;
//! - every `elf/*` file: machine, `DT_NEEDED` and `DT_SONAME` equal expected;
//!   no file panics (the yara fuzzing crash included);
//! - every corpus file with a non-empty `sdk_truth.sdks` list (εxodus
//!   signatures): each listed SDK is detected by the real catalog (compared
//!   by SDK/vendor name and aliases); recall is printed per file.
//!
//! Skips with a visible message when the corpus is absent.

use privscan::Limits;
use privscan::android::dex;
use privscan::detect::Detector;
use privscan::diff::sdk::sdk_known_as;
use privscan::model::Location;
use privscan::native::elf;
use privscan::rules::sdk::Catalog;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [local, PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// `(input file, expected.json)` of one corpus kind, sorted.
fn files(kind: &str) -> Option<Vec<(PathBuf, Value)>> {
    let Some(root) = corpus() else {
        eprintln!("SKIP: corpus folder ../shared/corpus not found");
        return None;
    };
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(kind))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".expected.json") {
            continue;
        }
        let exp = p.with_file_name(format!("{name}.expected.json"));
        let Ok(text) = std::fs::read_to_string(&exp) else {
            continue;
        };
        out.push((p, serde_json::from_str(&text).unwrap()));
    }
    Some(out)
}

fn package_prefix(class: &str) -> String {
    let parts: Vec<&str> = class.split('.').collect();
    if parts.len() < 2 {
        return "(default package)".into();
    }
    let pkg = &parts[..parts.len() - 1];
    pkg[..pkg.len().min(3)].join(".")
}

#[test]
fn dex_summaries_match_dexdump() {
    let Some(files) = files("dex") else { return };
    assert!(!files.is_empty());
    for (path, exp) in files {
        let e = &exp["expected"];
        let data = std::fs::read(&path).unwrap();
        let name = path.display();
        let d = dex::parse(&data, &Limits::default()).unwrap_or_else(|err| panic!("{name}: {err}"));
        let s = d.summary();
        assert_eq!(s.version, e["version"].as_str().unwrap(), "{name}");
        assert_eq!(
            u64::from(s.classes),
            e["class_defs_size"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            u64::from(s.strings),
            e["string_ids_size"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            u64::from(s.types),
            e["type_ids_size"].as_u64().unwrap(),
            "{name}"
        );
        let classes: Vec<String> = d
            .class_descriptors()
            .map(|r| dex::descriptor_to_dotted(r.unwrap()))
            .collect();
        assert_eq!(
            classes.len() as u64,
            e["classes_listed"].as_u64().unwrap(),
            "{name}"
        );
        let prefixes: BTreeSet<String> = classes.iter().map(|c| package_prefix(c)).collect();
        let want: BTreeSet<String> = e["package_prefixes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(prefixes, want, "{name}");
        assert_eq!(
            d.type_descriptors().filter(|r| r.is_ok()).count() as u32,
            s.types,
            "{name}"
        );
        assert!(d.anomalies().is_empty(), "{name}: {:?}", d.anomalies());
    }
}

fn machine_of(em: &str) -> Option<&'static str> {
    Some(match em {
        "EM_AARCH64" => "aarch64",
        "EM_ARM" => "arm",
        "EM_X86_64" => "x86_64",
        "EM_386" => "x86",
        "EM_NONE" => "none",
        _ => return None,
    })
}

#[test]
fn elf_dynamic_info_matches_readelf() {
    let Some(files) = files("elf") else { return };
    assert!(!files.is_empty());
    for (path, exp) in files {
        let e = &exp["expected"];
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let want_needed: Vec<&str> = e["needed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        match elf::parse_with_anomalies(&data, &name) {
            Ok((facts, anomalies)) => {
                let s = &facts.slices[0];
                assert_eq!(
                    Some(s.arch.as_str()),
                    machine_of(e["machine"].as_str().unwrap()),
                    "{name}"
                );
                assert_eq!(s.needed, want_needed, "{name}");
                assert_eq!(s.soname.as_deref(), e["soname"].as_str(), "{name}");
                if let Some(abi) = e["android_abi_from_machine"].as_str() {
                    let ours = elf::android_abi(&s.arch).unwrap();
                    assert!(abi.split('/').any(|a| a == ours), "{name}: {abi} vs {ours}");
                }
                if !anomalies.is_empty() {
                    eprintln!("{name}: anomalies {anomalies:?}");
                }
            }
            Err(err) => {
                // Only acceptable for a file the oracles also found nothing in.
                assert!(
                    want_needed.is_empty() && e["soname"].is_null(),
                    "{name}: {err}"
                );
                eprintln!("{name}: refused: {err}");
            }
        }
    }
}

/// Our program-header reader agrees with goblin on every corpus library
/// goblin reads (DT_NEEDED, DT_SONAME; symbols when `DT_HASH` gives the count).
#[test]
fn program_header_reader_agrees_with_goblin() {
    let Some(files) = files("elf") else { return };
    let mut compared = 0;
    for (path, _) in files {
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let Ok(g) = elf::parse(&data, &name) else {
            continue;
        };
        let Ok((own, anomalies)) = elf::parse_program_headers_only(&data, &name) else {
            continue;
        };
        let (g, o) = (&g.slices[0], &own.slices[0]);
        assert_eq!(g.arch, o.arch, "{name}");
        assert_eq!(g.needed, o.needed, "{name}");
        assert_eq!(g.soname, o.soname, "{name}");
        if !anomalies.iter().any(|a| a.contains("symbol")) {
            let gs: BTreeSet<&String> = g
                .imported_symbols
                .iter()
                .chain(&g.exported_symbols)
                .collect();
            let os: BTreeSet<&String> = o
                .imported_symbols
                .iter()
                .chain(&o.exported_symbols)
                .collect();
            eprintln!(
                "{name}: goblin {} symbols, program-header reader {}",
                gs.len(),
                os.len()
            );
            assert_eq!(os, gs, "{name}");
        }
        compared += 1;
    }
    eprintln!("{compared} libraries compared");
    assert!(compared >= 10);
}

/// Feed one corpus input to a detector, by kind.
fn feed(det: &mut Detector<'_>, kind: &str, path: &Path, data: &[u8]) {
    let entry = path.file_name().unwrap().to_string_lossy().into_owned();
    match kind {
        "dex" => feed_dex(det, &entry, data),
        "elf" => {
            // corpus names are `<origin>__<abi>_<libname>.so`: the APK entry name is the part after the ABI
            let lib = entry.rsplit('_').next().unwrap_or(&entry).to_string();
            let loc = Location::entry(&entry);
            det.native_lib(&lib, &loc);
            if let Ok(f) = elf::parse(data, &entry) {
                for s in &f.slices {
                    for n in s.needed.iter().chain(&s.soname) {
                        det.native_lib(n, &loc);
                    }
                    for sym in &s.exported_symbols {
                        det.elf_symbol(sym, &loc);
                    }
                }
            }
        }
        "macho" => {
            let loc = Location::entry(&entry);
            if let Ok(goblin::mach::Mach::Binary(m)) = goblin::mach::Mach::parse(data) {
                for lib in &m.libs {
                    det.framework(
                        lib.trim_end_matches('/').rsplit('/').nth(1).unwrap_or(lib),
                        &loc,
                    );
                }
                if let Ok(syms) = m.symbols().collect::<Result<Vec<_>, _>>() {
                    for (s, _) in syms {
                        det.macho_symbol(s, &loc);
                        if let Some(c) = s.strip_prefix("_OBJC_CLASS_$_") {
                            det.objc_class(c, &loc);
                        }
                    }
                }
            }
        }
        "apk" | "aab" | "ipa" => {
            let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(data)) else {
                return;
            };
            for i in 0..zip.len() {
                let Ok(mut f) = zip.by_index(i) else { continue };
                let Ok(name) = f.name().map(|n| n.to_string()) else {
                    continue;
                };
                let base = name.rsplit('/').next().unwrap_or(&name).to_string();
                let loc = Location::entry(&name);
                if base.starts_with("classes") && base.ends_with(".dex") && f.size() < 64 << 20 {
                    let mut buf = Vec::new();
                    if f.read_to_end(&mut buf).is_ok() {
                        feed_dex(det, &name, &buf);
                    }
                } else if name.ends_with(".so") {
                    det.native_lib(&base, &loc);
                } else if name.contains(".framework/") {
                    let fw = name
                        .split('/')
                        .find(|p| p.ends_with(".framework"))
                        .unwrap_or_default();
                    det.framework(fw, &loc);
                } else {
                    det.file(&name, None, &loc);
                }
            }
        }
        _ => {}
    }
}

fn feed_dex(det: &mut Detector<'_>, entry: &str, data: &[u8]) {
    let loc = Location::entry(entry);
    if let Ok(d) = dex::parse(data, &Limits::default()) {
        for c in d.class_descriptors().flatten() {
            det.dex_class(c, &loc);
        }
    }
}

#[test]
fn sdk_truth_is_detected_with_the_real_catalog() {
    if corpus().is_none() {
        eprintln!("SKIP: corpus folder ../shared/corpus not found");
        return;
    }
    let catalog = Catalog::try_embedded().unwrap();
    let (mut listed, mut found) = (0usize, 0usize);
    let mut misses = Vec::new();
    for kind in ["dex", "elf", "macho", "apk", "aab", "ipa"] {
        let Some(files) = files(kind) else { return };
        for (path, exp) in files {
            let truth: Vec<String> = exp["sdk_truth"]["sdks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if truth.is_empty() {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let mut det = catalog.detector();
            feed(&mut det, kind, &path, &data);
            let detections = det.finish();
            let hit: Vec<&String> = truth
                .iter()
                .filter(|t| detections.iter().any(|d| sdk_known_as(&catalog, &d.id, t)))
                .collect();
            listed += truth.len();
            found += hit.len();
            let ids: Vec<&str> = detections.iter().map(|d| d.id.as_str()).collect();
            eprintln!(
                "{}: recall {}/{} (truth {truth:?}; detected {ids:?})",
                path.display(),
                hit.len(),
                truth.len()
            );
            for t in &truth {
                if !hit.contains(&t) {
                    misses.push(format!("{}: {t}", path.display()));
                }
            }
        }
    }
    eprintln!("overall recall {found}/{listed}");
    assert!(listed > 0, "no corpus file has sdk_truth");
    assert!(misses.is_empty(), "not detected:\n{}", misses.join("\n"));
}

/// Every corpus file of every kind, fed to both readers (and truncated to
/// a few lengths): errors are fine, panics are not.
#[test]
fn no_corpus_file_panics_either_reader() {
    let Some(root) = corpus() else {
        eprintln!("SKIP: corpus folder ../shared/corpus not found");
        return;
    };
    let mut n = 0;
    for kind in std::fs::read_dir(&root).unwrap().flatten() {
        let Ok(entries) = std::fs::read_dir(kind.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.to_string_lossy().ends_with(".json") || !p.is_file() {
                continue;
            }
            let data = std::fs::read(&p).unwrap();
            for len in [
                data.len(),
                data.len() / 2,
                0x70.min(data.len()),
                64.min(data.len()),
            ] {
                let slice = &data[..len];
                if let Ok(d) = dex::parse(slice, &Limits::default()) {
                    d.type_descriptors().for_each(drop);
                    d.class_descriptors().for_each(drop);
                }
                let _ = elf::parse_with_anomalies(slice, "x");
            }
            n += 1;
        }
    }
    eprintln!("{n} corpus files read by both readers without panic");
    assert!(n > 100);
}

mod fuzz {
    use super::*;
    use privscan::testkit::elf::{ElfSpec, build as build_elf};
    use proptest::prelude::*;

    fn seed_dex() -> Vec<u8> {
        privscan::testkit::dex::build(&[
            "Lcom/google/android/gms/ads/AdView;",
            "Lio/sentry/Sentry;",
            "La;",
        ])
    }

    fn seed_elf() -> Vec<u8> {
        build_elf(&ElfSpec {
            machine: 183,
            needed: vec!["libc.so".into(), "libBugly.so".into()],
            soname: Some("libfoo.so".into()),
            exports: vec!["Java_com_foo_init".into()],
            imports: vec!["malloc".into()],
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Random overwrites of a valid DEX: parse + iterate never panics,
        /// and every descriptor returned lies inside the file.
        #[test]
        fn dex_mutations(edits in proptest::collection::vec((any::<usize>(), any::<u32>()), 1..8), cut in any::<usize>()) {
            let mut b = seed_dex();
            for (pos, val) in edits {
                let p = pos % b.len().saturating_sub(4).max(1);
                b[p..p + 4].copy_from_slice(&val.to_le_bytes());
            }
            let b = &b[..cut % (b.len() + 1)];
            if let Ok(d) = dex::parse(b, &Limits::default()) {
                let catalog = Catalog::embedded();
                let mut det = catalog.detector();
                for s in d.type_descriptors().chain(d.class_descriptors()).flatten() {
                    prop_assert!(s.len() <= b.len());
                    det.dex_class(s, &Location::entry("classes.dex"));
                }
                det.finish();
            }
        }

        /// Random overwrites of a valid ELF: never panics; names stay bounded.
        #[test]
        fn elf_mutations(edits in proptest::collection::vec((any::<usize>(), any::<u64>()), 1..8), cut in any::<usize>()) {
            let mut b = seed_elf();
            for (pos, val) in edits {
                let p = pos % b.len().saturating_sub(8).max(1);
                b[p..p + 8].copy_from_slice(&val.to_le_bytes());
            }
            let b = &b[..cut % (b.len() + 1)];
            if let Ok((f, _)) = elf::parse_with_anomalies(b, "x") {
                for s in &f.slices {
                    prop_assert!(s.needed.iter().chain(&s.imported_symbols).chain(&s.exported_symbols).all(|n| n.len() <= 3 * b.len()));
                }
            }
        }
    }
}

/// Class descriptors in `class_defs` order equal `dexdump`'s listing
/// (Debian `dexdump`; skipped visibly when it is not installed).
#[test]
fn class_descriptors_equal_dexdump_listing() {
    if std::process::Command::new("dexdump").output().is_err() {
        eprintln!("SKIP: dexdump not installed (apt-get install dexdump)");
        return;
    }
    let Some(files) = files("dex") else { return };
    for (path, _) in files {
        let out = std::process::Command::new("dexdump")
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let listed: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("Class descriptor  : '")
                    .and_then(|r| r.strip_suffix('\''))
            })
            .collect();
        let data = std::fs::read(&path).unwrap();
        let d = dex::parse(&data, &Limits::default()).unwrap();
        let ours: Vec<String> = d
            .class_descriptors()
            .map(|r| dex::mutf8_to_string(r.unwrap()))
            .collect();
        assert_eq!(ours, listed, "{}", path.display());
    }
}
