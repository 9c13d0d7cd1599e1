//! DEX files as ART loads them (issue 17 class 3): only `classes.dex`,
//! `classes2.dex`, … in an unbroken sequence (ART `dex_file_loader.cc`
//! `GetMultiDexClassesDexName`). SDKs found only in a DEX that ART never
//! loads are hidden code (PS901), not embedded SDKs.

use privscan::android::apk::{art_loaded_dex, multidex_name};
use privscan::model::ArtifactReport;
use privscan::testkit::axml::*;
use privscan::testkit::dex;
use privscan::testkit::zip::{ArchiveSpec, EntrySpec, build};
use privscan::{Config, scan::scan_path};

const APPSFLYER: &[&str] = &["Lcom/appsflyer/AppsFlyerLib;"];
const PLAIN: &[&str] = &["Lcom/hostile/app/Main;"];

fn apk(dexes: &[(&str, &[&str])]) -> ArtifactReport {
    let root = manifest(
        "com.hostile.app",
        vec![uses_permission("android.permission.CAMERA")],
    );
    let mut e = vec![EntrySpec::deflated(
        "AndroidManifest.xml",
        &encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default()),
    )];
    for (name, classes) in dexes {
        e.push(EntrySpec::deflated(name, &dex::build(classes)));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.apk");
    std::fs::write(&p, build(&e, &ArchiveSpec::default())).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn sdk_ids(r: &ArtifactReport) -> Vec<&str> {
    r.sdks.iter().map(|d| d.id.as_str()).collect()
}

fn hidden(r: &ArtifactReport) -> Vec<(&str, &str)> {
    r.findings
        .iter()
        .filter(|f| f.code == "PS901" && f.message.starts_with("hidden code"))
        .map(|f| (f.subject.as_str(), f.message.as_str()))
        .collect()
}

#[test]
fn multidex_names_follow_art() {
    assert_eq!(multidex_name(0), "classes.dex");
    assert_eq!(multidex_name(1), "classes2.dex");
    assert_eq!(multidex_name(9), "classes10.dex");
    let mut got: Vec<&str> = art_loaded_dex([
        "classes.dex",
        "classes2.dex",
        "classes4.dex",
        "classes1.dex",
        "classes02.dex",
        "assets/classes3.dex",
    ])
    .into_iter()
    .collect();
    got.sort();
    assert_eq!(got, ["classes.dex", "classes2.dex"]);
    assert!(art_loaded_dex(["classes2.dex", "classes3.dex"]).is_empty());
}

#[test]
fn sdk_only_in_an_unloaded_dex_is_hidden_code_not_embedded() {
    for name in ["classes1.dex", "classes02.dex", "classes3.dex"] {
        let r = apk(&[
            ("classes.dex", PLAIN),
            ("classes2.dex", PLAIN),
            (name, APPSFLYER),
        ]);
        let name = if name == "classes3.dex" {
            // classes3 after classes2 is loaded: the negative case.
            assert!(sdk_ids(&r).contains(&"appsflyer"), "{:?}", sdk_ids(&r));
            assert!(hidden(&r).is_empty(), "{:?}", hidden(&r));
            continue;
        } else {
            name
        };
        assert!(
            !sdk_ids(&r).contains(&"appsflyer"),
            "{name}: {:?}",
            sdk_ids(&r)
        );
        let h = hidden(&r);
        assert_eq!(h.len(), 1, "{name}: {h:?}");
        assert_eq!(h[0].0, name);
        assert!(h[0].1.contains("AppsFlyer"), "{h:?}");
    }
    // A gap: classes4 without classes3 is never loaded.
    let r = apk(&[
        ("classes.dex", PLAIN),
        ("classes2.dex", PLAIN),
        ("classes4.dex", APPSFLYER),
    ]);
    assert!(!sdk_ids(&r).contains(&"appsflyer"));
    assert_eq!(hidden(&r).len(), 1);
    // classes2 without classes.dex: nothing is loaded.
    let r = apk(&[("classes2.dex", APPSFLYER)]);
    assert!(!sdk_ids(&r).contains(&"appsflyer"));
    assert_eq!(hidden(&r)[0].0, "classes2.dex");
    // An SDK in both a loaded and an unloaded DEX is embedded.
    let r = apk(&[("classes.dex", APPSFLYER), ("classes02.dex", APPSFLYER)]);
    assert!(sdk_ids(&r).contains(&"appsflyer"));
}

/// A DEX under any other name (`assets/payload.dex`, `Classes2.dex`: ART's
/// names are case-sensitive) is never loaded at install; only code that
/// loads it at run time (DexClassLoader) runs it. Its SDKs are hidden code
/// (PS901), not embedded; an asset named `.dex` without the DEX magic is
/// no code and raises nothing.
#[test]
fn other_dex_names_are_run_time_hidden_code() {
    let root = manifest("com.hostile.app", vec![]);
    let e = vec![
        EntrySpec::deflated(
            "AndroidManifest.xml",
            &encode(&root, ANDROID_NAMESPACES, &EncodeOptions::default()),
        ),
        EntrySpec::deflated("classes.dex", &dex::build(PLAIN)),
        EntrySpec::deflated("assets/payload.dex", &dex::build(APPSFLYER)),
        EntrySpec::deflated("Classes2.dex", &dex::build(APPSFLYER)),
        EntrySpec::deflated("assets/fake.dex", b"not a dex file at all"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.apk");
    std::fs::write(&p, build(&e, &ArchiveSpec::default())).unwrap();
    let r = scan_path(&p, &Config::new());
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(sdk_ids(&r).is_empty(), "{:?}", sdk_ids(&r));
    let h = hidden(&r);
    let mut subjects: Vec<&str> = h.iter().map(|(s, _)| *s).collect();
    subjects.sort_unstable();
    assert_eq!(subjects, ["Classes2.dex", "assets/payload.dex"], "{h:?}");
    assert!(
        h.iter()
            .all(|(_, m)| m.contains("DexClassLoader") && m.contains("AppsFlyer")),
        "{h:?}"
    );
    assert!(r.entry_errors.is_empty(), "{:?}", r.entry_errors);
}
