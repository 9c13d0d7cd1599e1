//! Real binary manifests from `shared/corpus/manifest-axml` (and the
//! `resources.arsc` of corpus APKs) against the answers of aapt/androguard
//! recorded in each `<file>.expected.json`.

use std::path::PathBuf;

use privscan::Limits;
use privscan::android::axml::{self, AxmlError};
use privscan::android::xml::XmlElement;

fn corpus_dir(kind: &str) -> Option<PathBuf> {
    let candidates = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ];
    let dir = candidates.iter().find(|p| p.is_dir())?.join(kind);
    dir.is_dir().then_some(dir)
}

fn inputs(kind: &str) -> Vec<(PathBuf, serde_json::Value)> {
    let Some(dir) = corpus_dir(kind) else {
        eprintln!("SKIP: corpus/{kind} not found");
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            continue;
        }
        let exp = PathBuf::from(format!("{}.expected.json", p.display()));
        let v = std::fs::read(&exp)
            .map(|b| serde_json::from_slice(&b).unwrap())
            .unwrap_or(serde_json::Value::Null);
        out.push((p, v));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Entries of `expected.uses_permissions` with this `tag`.
fn expected_count(expected: &serde_json::Value, tag: &str) -> usize {
    expected["uses_permissions"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|p| p["tag"] == tag).count())
}

fn count_tag(el: &XmlElement, tag: &str) -> usize {
    usize::from(el.name == tag) + el.children.iter().map(|c| count_tag(c, tag)).sum::<usize>()
}

#[test]
fn corpus_manifests_match_oracles() {
    let files = inputs("manifest-axml");
    let mut checked = 0;
    for (path, exp) in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let data = std::fs::read(path).unwrap();
        let res = axml::parse(&data, &Limits::default());
        let expected = &exp["expected"];
        if name == "androguard__AndroidManifestWrongFilesize.xml" {
            continue; // asserted separately below
        }
        let Some(pkg) = expected["package"].as_str() else {
            // No package expected: must still not panic; report what happened.
            eprintln!("{name}: {:?}", res.as_ref().map(|d| d.root.name.clone()));
            continue;
        };
        let doc = res.unwrap_or_else(|e| panic!("{name}: {e}"));
        let got_pkg = doc
            .root
            .attributes
            .iter()
            .find(|a| a.name == "package" && a.namespace.is_none());
        assert_eq!(
            got_pkg.map(|a| a.value.to_text()).as_deref(),
            Some(pkg),
            "{name}"
        );
        let want_perms = expected["uses_permissions"]
            .as_array()
            .map(|a| a.len())
            .unwrap_or(0);
        let got_perms = doc.root.children_named("uses-permission").count();
        assert_eq!(
            got_perms,
            want_perms,
            "{name}: uses-permission count (all depths: {})",
            count_tag(&doc.root, "uses-permission")
        );
        eprintln!(
            "{name}: ok, {} anomalies {:?}",
            doc.anomalies.len(),
            doc.anomalies.iter().take(3).collect::<Vec<_>>()
        );
        checked += 1;
    }
    if !files.is_empty() {
        assert!(checked >= 10, "only {checked} manifests checked");
    }
}

/// Outer `size` is 0x42424242 against a 9256-byte file. AOSP
/// `ResXMLTree::setTo` rejects `mSize > size` with BAD_TYPE ("Bad XML block:
/// header size 8 or total size 1111638594 is larger than data size 9256",
/// the exact aapt message in the oracle), so Android cannot install it.
#[test]
fn wrong_filesize_is_rejected_like_android() {
    let Some(dir) = corpus_dir("manifest-axml") else {
        eprintln!("SKIP: corpus/manifest-axml not found");
        return;
    };
    let data = std::fs::read(dir.join("androguard__AndroidManifestWrongFilesize.xml")).unwrap();
    let err = axml::parse(&data, &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        AxmlError::BadChunk {
            offset: 0,
            chunk_type: 0x0003,
            header_size: 8,
            size: 1_111_638_594,
            why: "header size or total size is larger than the data (ResXMLTree::setTo rejects it)",
        }
    );
}

fn zip_entry(apk: &[u8], name: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(apk)).map_err(|e| e.to_string())?;
    let mut f = z.by_name(name).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The `aapt-badging` value of `field` recorded among the oracle disagreements.
fn badging(exp: &serde_json::Value, field: &str) -> Option<String> {
    exp["oracle_disagreements"]
        .as_array()?
        .iter()
        .find_map(|d| {
            (d["field"] == field)
                .then(|| d["values"]["aapt-badging"].as_str().map(str::to_owned))
                .flatten()
        })
}

/// Manifests and resource tables inside the corpus APKs (read with the `zip`
/// crate; APKs it cannot open are reported and skipped, the zip reader's own
/// tests cover them). Where the manifest's versionName is a reference
/// (hostile-inputs.md A9), our table must resolve it to aapt badging's value.
#[test]
fn corpus_apks_manifest_and_resources() {
    use privscan::android::arsc::ResourceTable;
    use privscan::android::attrs;
    use privscan::android::xml::{AttrValue, ResourceResolver};
    let files = inputs("apk");
    let (mut manifests, mut tables, mut resolved, mut versions) = (0, 0, 0, 0);
    for (path, exp) in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let apk = std::fs::read(path).unwrap();
        let manifest = match zip_entry(&apk, "AndroidManifest.xml") {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{name}: zip crate: {e}; skipped");
                continue;
            }
        };
        let doc = axml::parse(&manifest, &Limits::default());
        let table = zip_entry(&apk, "resources.arsc")
            .ok()
            .map(|b| ResourceTable::parse(&b, &Limits::default()));
        if let Some(t) = &table {
            match t {
                Ok(_) => tables += 1,
                Err(e) => eprintln!("{name}: resources.arsc: {e}"),
            }
        }
        let expected = &exp["expected"];
        let Some(pkg) = expected["package"].as_str() else {
            eprintln!(
                "{name}: no expected package; ours: {:?}",
                doc.as_ref().map(|d| d.root.name.clone())
            );
            continue;
        };
        let doc = doc.unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = doc
            .root
            .attributes
            .iter()
            .find(|a| a.name == "package" && a.namespace.is_none());
        assert_eq!(
            got.map(|a| a.value.to_text()).as_deref(),
            Some(pkg),
            "{name}"
        );
        for tag in ["uses-permission", "uses-permission-sdk-23"] {
            assert_eq!(
                doc.root.children_named(tag).count(),
                expected_count(expected, tag),
                "{name}: {tag}"
            );
        }
        manifests += 1;
        let vn = doc
            .root
            .attributes
            .iter()
            .find(|a| a.resource_id == Some(attrs::VERSION_NAME));
        let want = expected["versionName_resolved_aapt_badging"]
            .as_str()
            .map(str::to_owned);
        if let (Some(vn), Some(want)) = (vn, want) {
            let got = match (&vn.value, &table) {
                (AttrValue::Reference(id), Some(Ok(t))) => {
                    // The oracle's badging value is also listed as a disagreement
                    // with the unresolved "@0x..." of xmltree/androguard.
                    assert_eq!(
                        badging(exp, "versionName").as_deref(),
                        Some(want.as_str()),
                        "{name}"
                    );
                    eprintln!("{name}: versionName @0x{id:08x} -> {want}");
                    resolved += 1;
                    t.resolve(*id).map(|v| v.to_text())
                }
                (v, _) => Some(v.to_text()),
            };
            assert_eq!(got.as_deref(), Some(want.as_str()), "{name}: versionName");
            versions += 1;
        }
    }
    eprintln!(
        "{manifests} manifests, {tables} resource tables, {versions} versionNames = aapt badging ({resolved} via references)"
    );
    if !files.is_empty() {
        assert!(
            manifests >= 25 && tables >= 20 && resolved >= 2 && versions >= 25,
            "{manifests} {tables} {resolved} {versions}"
        );
    }
}

/// Decode time of real ~25-80 KB manifests. Printed for the report; the
/// bound only catches pathological (quadratic) behaviour, since tests run
/// unoptimised.
#[test]
fn decode_time_of_large_manifests() {
    let Some(dir) = corpus_dir("manifest-axml") else {
        eprintln!("SKIP: corpus/manifest-axml not found");
        return;
    };
    for f in [
        "androguard__AndroidManifestDoubleNamespace.xml",
        "androguard__AndroidManifest_InvalidCharsInAttribute.xml",
    ] {
        let data = std::fs::read(dir.join(f)).unwrap();
        let runs = 50u32;
        let t = std::time::Instant::now();
        for _ in 0..runs {
            let doc = axml::parse(&data, &Limits::default()).unwrap();
            std::hint::black_box(doc);
        }
        let per = t.elapsed() / runs;
        eprintln!("{f}: {} bytes decoded in {per:?} (debug build)", data.len());
        assert!(per < std::time::Duration::from_millis(200), "{f}: {per:?}");
    }
}

/// Every corpus manifest with single bytes overwritten (deterministic
/// positions) or cut short: decoding never panics, and a cut document is
/// rejected (its outer size no longer fits) exactly as `ResXMLTree::setTo` does.
#[test]
fn corpus_manifest_mutants_never_panic() {
    let files = inputs("manifest-axml");
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut ok, mut err) = (0, 0);
    for (path, _) in &files {
        let data = std::fs::read(path).unwrap();
        for _ in 0..100 {
            let mut m = data.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % m.len();
                m[at] = next() as u8;
            }
            match axml::parse(&m, &Limits::default()) {
                Ok(_) => ok += 1,
                Err(_) => err += 1,
            }
        }
        if data.len() > 16 {
            let cut = &data[..data.len() / 2];
            if u32::from_le_bytes(data[4..8].try_into().unwrap()) as usize > cut.len() {
                assert!(matches!(
                    axml::parse(cut, &Limits::default()),
                    Err(AxmlError::BadChunk { offset: 0, .. })
                ));
            }
        }
    }
    eprintln!("mutants: {ok} decoded, {err} rejected");
}
