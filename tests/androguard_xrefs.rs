//! privscan's DEX call sites of the data APIs in `rules/data-apis.toml`
//! against androguard's cross-references (`AnalyzeAPK` +
//! `MethodAnalysis.get_xref_from()`), on the corpus APKs.
//!
//! The oracle file is produced by `scripts/androguard_xrefs.py OUT.json
//! ../shared/corpus/apk/*.apk` (into a temp dir) and named by
//! `PRIVSCAN_ANDROGUARD_XREFS`; without it the test skips visibly. Nothing
//! here is hard-coded: every call site androguard lists must be found by
//! privscan's walker and vice versa, per APK and per method reference
//! `Lc;->name`, as (caller class descriptor, caller method, pc in code
//! units).
//!
//! Known, explained differences (each one is checked, not ignored):
//! - APKs androguard fails to open (its `load_permissions` chokes on a
//!   non-numeric targetSdkVersion such as "VanillaIceCream") are recorded
//!   with `error` by the script and skipped here, with a message.
//! - androguard keeps only the first `classes*.dex` definition of a
//!   duplicated class (a class defined in two DEX files); privscan walks
//!   both. Such extra sites are accepted only when the caller class is
//!   defined in more than one DEX of the APK.

use privscan::android::dex;
use privscan::android::dex_code::{self, RefKind};
use privscan::input::zip::ZipArchive;
use privscan::limits::{Budget, Limits};
use privscan::rules::data_apis::DataApiCatalog;
use std::collections::{BTreeMap, BTreeSet};

type Site = (String, String, u32);

/// Every catalogued method call site in `apk`: ref → sites, and the
/// classes defined in more than one DEX.
fn privscan_sites(apk: &[u8]) -> (BTreeMap<String, BTreeSet<Site>>, BTreeSet<String>) {
    let limits = Limits::default();
    let budget = Budget::new(&limits);
    let archive = ZipArchive::parse(apk, &limits).expect("zip");
    let apis = DataApiCatalog::embedded();
    let mut out: BTreeMap<String, BTreeSet<Site>> = BTreeMap::new();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for e in archive.entries() {
        if !privscan::android::apk::is_root_dex(&e.name) {
            continue;
        }
        let Ok(bytes) = archive.read(e, &limits, &budget) else {
            continue;
        };
        let Ok(file) = dex::parse(&bytes, &limits) else {
            continue;
        };
        for c in file.class_descriptors().flatten() {
            *seen
                .entry(String::from_utf8_lossy(c).into_owned())
                .or_default() += 1;
        }
        let idx = dex_code::index(&file).expect("method_ids");
        idx.walk(&mut |caller, r| {
            if !r.kind.is_method() || r.kind == RefKind::InvokeCustom {
                return;
            }
            let Ok((c, n)) = idx.method_ref(r.index) else {
                return;
            };
            if apis.match_method(c, n).is_none() {
                return;
            }
            let key = format!(
                "{}->{}",
                String::from_utf8_lossy(c),
                String::from_utf8_lossy(n)
            );
            let cls = file.type_descriptor(caller.class_idx).unwrap_or_default();
            let m = idx
                .method_ref(caller.method_idx)
                .map(|m| m.1)
                .unwrap_or_default();
            out.entry(key).or_default().insert((
                String::from_utf8_lossy(cls).into_owned(),
                String::from_utf8_lossy(m).into_owned(),
                r.pc,
            ));
        });
    }
    let dup = seen
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(c, _)| c)
        .collect();
    (out, dup)
}

#[test]
fn call_sites_agree_with_androguard_xrefs() {
    let Ok(path) = std::env::var("PRIVSCAN_ANDROGUARD_XREFS") else {
        eprintln!(
            "SKIP: PRIVSCAN_ANDROGUARD_XREFS not set (run scripts/androguard_xrefs.py OUT.json ../shared/corpus/apk/*.apk)"
        );
        return;
    };
    let corpus = std::path::Path::new("../shared/corpus/apk");
    if !corpus.is_dir() {
        eprintln!("SKIP: ../shared/corpus/apk not found");
        return;
    }
    let text = std::fs::read_to_string(&path).expect("oracle file");
    let oracle: serde_json::Value = serde_json::from_str(&text).expect("oracle JSON");
    let apks = oracle["apks"].as_object().expect("apks");
    let (mut compared, mut sites_total) = (0, 0usize);
    for (name, refs) in apks {
        if let Some(err) = refs.get("error") {
            eprintln!("{name}: androguard could not analyse it ({err}); skipped");
            continue;
        }
        let bytes = std::fs::read(corpus.join(name)).expect("corpus apk");
        let (mine, dup) = privscan_sites(&bytes);
        let mut theirs: BTreeMap<String, BTreeSet<Site>> = BTreeMap::new();
        for (r, sites) in refs.as_object().expect("refs") {
            for s in sites.as_array().expect("sites") {
                let s = s.as_array().expect("site");
                theirs.entry(r.clone()).or_default().insert((
                    s[0].as_str().unwrap_or_default().to_string(),
                    s[1].as_str().unwrap_or_default().to_string(),
                    s[2].as_u64().unwrap_or(u64::MAX) as u32,
                ));
            }
        }
        let keys: BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
        for k in keys {
            let empty = BTreeSet::new();
            let (a, b) = (
                mine.get(k).unwrap_or(&empty),
                theirs.get(k).unwrap_or(&empty),
            );
            let missing: Vec<&Site> = b.difference(a).collect();
            assert!(
                missing.is_empty(),
                "{name} {k}: androguard sites privscan misses: {missing:?}"
            );
            let extra: Vec<&Site> = a.difference(b).filter(|s| !dup.contains(&s.0)).collect();
            assert!(
                extra.is_empty(),
                "{name} {k}: privscan sites androguard lacks: {extra:?}"
            );
            sites_total += b.len();
        }
        compared += 1;
    }
    eprintln!("compared {compared} APKs, {sites_total} androguard call sites, all found");
    assert!(compared > 0, "no APK compared");
}
