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
