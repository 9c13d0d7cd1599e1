//! Android App Bundles: every AAB of the shared corpus against its
//! `*.expected.json` `modules` answer (protoc with the aapt2 schema), the
//! generated `sample.aab`, and hostile protobuf manifests.

use privscan::android::proto;
use privscan::limits::Limits;
use privscan::model::{ArtifactReport, SdkLevel};
use privscan::scan::{Config, scan_path};
use privscan::testkit::aab::{FEATURE, FEATURE_PERMISSION, encode_proto_xml, sample_aab};
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ];
    candidates.into_iter().find(|p| p.is_dir())
}

fn level_text(l: &Option<SdkLevel>) -> Option<String> {
    l.as_ref().map(|l| l.to_string())
}

fn scan_bytes(name: &str, bytes: &[u8], config: &Config) -> ArtifactReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    scan_path(&path, config)
}

#[test]
fn corpus_aab_modules_match_protoc() {
    let Some(root) = corpus_dir() else {
        eprintln!("SKIP: ../shared/corpus not found");
        return;
    };
    let dir = root.join("aab");
    let mut checked = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("aab") {
            continue;
        }
        let expected_path = PathBuf::from(format!("{}.expected.json", path.display()));
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&expected_path).unwrap()).unwrap();
        let modules = expected["expected"]["modules"].as_object().unwrap();
        let report = scan_path(&path, &Config::new());
        assert!(
            report.error.is_none(),
            "{}: {:?}",
            path.display(),
            report.error
        );
        let android = report.android.as_ref().unwrap();
        assert_eq!(
            android.modules.len(),
            modules.len(),
            "{}: module count",
            path.display()
        );
        assert_eq!(android.modules[0].name, "base");
        for (name, want) in modules {
            let got = android
                .modules
                .iter()
                .find(|m| &m.name == name)
                .unwrap_or_else(|| panic!("{}: module {name} missing", path.display()));
            let m = &got.manifest;
            let ctx = format!("{} module {name}", path.display());
            assert_eq!(
                m.package.as_deref(),
                want["package"].as_str(),
                "{ctx} package"
            );
            assert_eq!(
                m.version_code.map(|v| v.to_string()).as_deref(),
                want["versionCode"].as_str(),
                "{ctx} versionCode"
            );
            assert_eq!(
                m.version_name.as_deref(),
                want["versionName"].as_str(),
                "{ctx} versionName"
            );
            assert_eq!(
                level_text(&m.min_sdk).as_deref(),
                want["minSdk"].as_str(),
                "{ctx} minSdk"
            );
            assert_eq!(
                level_text(&m.target_sdk).as_deref(),
                want["targetSdk"].as_str(),
                "{ctx} targetSdk"
            );
            assert_eq!(
                level_text(&m.max_sdk).as_deref(),
                want["maxSdk"].as_str(),
                "{ctx} maxSdk"
            );
            let want_perms: Vec<(String, String, Option<String>)> = want["uses_permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_string(),
                        p["tag"].as_str().unwrap_or("uses-permission").to_string(),
                        p["maxSdkVersion"].as_str().map(str::to_string),
                    )
                })
                .collect();
            let got_perms: Vec<(String, String, Option<String>)> = m
                .uses_permissions
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        serde_json::to_value(p.tag)
                            .unwrap()
                            .as_str()
                            .unwrap()
                            .to_string(),
                        level_text(&p.max_sdk_version),
                    )
                })
                .collect();
            assert_eq!(got_perms, want_perms, "{ctx} uses-permissions");
            // Components: fully-qualified names per kind, in document order.
            for (kind, list) in want["components"].as_object().unwrap() {
                let want_names: Vec<&str> = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["name"].as_str().unwrap())
                    .collect();
                let mut got_names: Vec<&str> = m
                    .components
                    .iter()
                    .filter(|c| c.kind.tag() == kind)
                    .map(|c| c.name.as_str())
                    .collect();
                let mut want_sorted = want_names.clone();
                want_sorted.sort();
                got_names.sort();
                assert_eq!(got_names, want_sorted, "{ctx} {kind}");
            }
            // DEX files of the module were scanned.
            for dex in want["dex_files"].as_array().unwrap() {
                let dex = dex.as_str().unwrap();
                assert!(
                    report.binaries.iter().any(|b| b.entry == dex),
                    "{ctx}: {dex} not scanned"
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no .aab in {}", dir.display());
}

#[test]
fn sample_aab_merges_the_feature_module() {
    let report = scan_bytes("sample.aab", &sample_aab(), &Config::new());
    assert!(report.error.is_none(), "{:?}", report.error);
    let android = report.android.unwrap();
    let names: Vec<&str> = android.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["base", FEATURE]);
    // versionName is a reference resolved through base/resources.pb.
    assert_eq!(android.manifest.version_name.as_deref(), Some("1.2.0"));
    assert_eq!(android.manifest.version_code, Some(3));
    assert_eq!(android.manifest.min_sdk, Some(SdkLevel::Api(24)));
    let p = android
        .manifest
        .uses_permissions
        .iter()
        .find(|p| p.name == FEATURE_PERMISSION)
        .expect("feature permission in merged view");
    assert_eq!(
        p.location.entry,
        format!("{FEATURE}/manifest/AndroidManifest.xml")
    );
    assert!(
        !android.modules[0]
            .manifest
            .uses_permissions
            .iter()
            .any(|p| p.name == FEATURE_PERMISSION)
    );
    let entries: Vec<&str> = report.binaries.iter().map(|b| b.entry.as_str()).collect();
    for want in [
        "base/dex/classes.dex",
        "base/dex/classes2.dex",
        "base/lib/arm64-v8a/libZegoExpressEngine.so",
        "camera_live/dex/classes.dex",
    ] {
        assert!(entries.contains(&want), "{want} not in {entries:?}");
    }
    let ids: Vec<&str> = report.sdks.iter().map(|d| d.id.as_str()).collect();
    assert!(ids.iter().any(|i| i.contains("appsflyer")), "{ids:?}");
}

fn aab_with_base_manifest(manifest: &[u8]) -> Vec<u8> {
    build(
        &[
            EntrySpec::stored("BundleConfig.pb", &[]),
            EntrySpec::deflated("base/manifest/AndroidManifest.xml", manifest),
        ],
        &ArchiveSpec::default(),
    )
}

#[test]
fn hostile_proto_manifests_give_clear_errors() {
    let good = encode_proto_xml(&privscan::testkit::aab::feature_manifest());
    // Truncated.
    let cut = &good[..good.len() / 2];
    // A length prefix of ~2 GiB with nothing behind it.
    let huge: Vec<u8> = vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01];
    // 5 000 nested XmlNode{element{child{...}}} (past prost's recursion limit).
    let mut deep = Vec::new();
    for _ in 0..5000 {
        // XmlElement{child (field 5) = <deep>} inside XmlNode{element (field 1)}.
        let mut element = vec![0x2a];
        push_varint(&mut element, deep.len() as u64);
        element.extend_from_slice(&deep);
        let mut next = vec![0x0a];
        push_varint(&mut next, element.len() as u64);
        next.extend_from_slice(&element);
        deep = next;
    }
    for (what, bytes) in [("truncated", cut), ("huge length", &huge), ("deep", &deep)] {
        let report = scan_bytes(
            "hostile.aab",
            &aab_with_base_manifest(bytes),
            &Config::new(),
        );
        let e = report
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{what}: no error"));
        assert_eq!(e.code, "proto", "{what}: {e:?}");
        assert!(
            e.message.contains("base/manifest/AndroidManifest.xml")
                && e.message.contains("XmlNode"),
            "{what}: {}",
            e.message
        );
    }
    // Deep but within prost's limit: our own max_depth cap names itself.
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let mut nested = privscan::android::xml::XmlElement {
        name: "x".into(),
        ..Default::default()
    };
    for _ in 0..6 {
        nested = privscan::android::xml::XmlElement {
            name: "x".into(),
            children: vec![nested],
            ..Default::default()
        };
    }
    let e = proto::parse_xml(&encode_proto_xml(&nested), &limits).unwrap_err();
    assert!(e.to_string().contains("max_depth"), "{e}");
}

#[test]
fn aab_without_base_module_is_an_error() {
    let bytes = build(
        &[EntrySpec::stored(
            "feature/manifest/AndroidManifest.xml",
            &encode_proto_xml(&privscan::testkit::aab::feature_manifest()),
        )],
        &ArchiveSpec::default(),
    );
    let report = scan_bytes("nobase.aab", &bytes, &Config::new());
    let e = report.error.unwrap();
    assert_eq!(e.code, "no-manifest");
    assert!(
        e.message.contains("base/manifest/AndroidManifest.xml"),
        "{}",
        e.message
    );
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A small deterministic generator (xorshift64*) for byte mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(3) {
            0 if !m.is_empty() => {
                let i = rng.below(m.len());
                m[i] = rng.next() as u8;
            }
            1 if !m.is_empty() => {
                let at = rng.below(m.len());
                m.truncate(at);
            }
            _ => {
                let at = rng.below(m.len() + 1);
                m.insert(at, rng.next() as u8);
            }
        }
    }
    m
}

#[test]
fn mutated_proto_manifests_and_bundles_never_panic() {
    let limits = Limits::default();
    let seed = encode_proto_xml(&privscan::testkit::aab::base_manifest());
    let res = privscan::testkit::aab::encode_resources_pb(
        "com.privscan.sample",
        &[(0x7f0c_0001, "1.2.0"), (0x7f0c_0002, "Sample")],
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        match proto::parse_xml(&mutate(&mut rng, &seed), &limits) {
            Ok(doc) => {
                let _ = privscan::android::manifest::from_document(&doc, "m", None);
                ok += 1;
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                err += 1;
            }
        }
        let _ = proto::ProtoResources::parse(&mutate(&mut rng, &res));
    }
    assert!(ok > 0 && err > 0, "ok {ok} err {err}");
    // Whole bundles: mutated archives scan to a report or an error.
    let aab = sample_aab();
    let config = Config::new();
    for _ in 0..200 {
        let data = mutate(&mut rng, &aab);
        let budget = privscan::limits::Budget::new(&config.limits);
        let mut report = ArtifactReport::new("m.aab".to_string());
        let _ =
            privscan::android::aab::scan_aab(&data, &config.read_options(), &budget, &mut report);
    }
}

#[test]
fn committed_sample_aab_matches_its_generator() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample.aab");
    if !path.exists() {
        eprintln!("SKIP: fixtures/sample.aab not generated yet");
        return;
    }
    assert!(
        std::fs::read(&path).unwrap() == sample_aab(),
        "fixtures/sample.aab is stale: run `cargo run --example make_fixtures`"
    );
}
