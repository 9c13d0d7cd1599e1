//! Android Archives (`.aar`, and the same layout unpacked in a folder): the
//! library's own text `AndroidManifest.xml` (what the manifest merger adds
//! to every app that depends on it), `classes.jar` and `libs/*.jar`,
//! `jni/<abi>/*.so`, `proguard.txt` and the SDK marker files.
//!
//! Layout: Android Developers, "Anatomy of an AAR file"
//! (`/studio/projects/android-library#aar-contents`): `/AndroidManifest.xml`
//! (text XML, mandatory), `/classes.jar`, `/res/`, `/R.txt`,
//! `/public.txt`, `/assets/`, `/libs/name.jar`, `/jni/abi_name/name.so`,
//! `/proguard.txt`, `/lint.jar`, `/api.jar`, `/prefab/`. `lint.jar` holds
//! lint checks that never ship in an app and is not read for classes.

use crate::android::{jar, manifest, text_manifest};
use crate::ios::bundle::BundleSource;
use crate::limits::{Budget, Limits};
use crate::model::{AndroidManifest, BinaryFacts, EntryError};

/// The manifest entry of an AAR.
pub const MANIFEST: &str = "AndroidManifest.xml";

/// What one AAR holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AarFacts {
    /// The library manifest: the permissions, components and meta-data
    /// the manifest merger adds to an app (`tools:node` markers not applied).
    pub manifest: AndroidManifest,
    /// Classes and markers of `classes.jar`, `libs/*.jar` and the jars nested in them.
    pub jar: jar::JarFacts,
    /// `jni/<abi>/*.so` read as ELF.
    pub native: Vec<BinaryFacts>,
    /// File names of the native libraries (`libagora-rtc-sdk.so`) with their entry.
    pub native_names: Vec<(String, String)>,
    /// Every entry path of the AAR itself.
    pub entries: Vec<String>,
    /// Root marker files (`META-INF/*.version`, `*.properties`): (name, content).
    pub markers: Vec<(String, Vec<u8>)>,
    /// Entries not read, or read in part (broken jars, unreadable `.so`).
    pub problems: Vec<EntryError>,
}

/// `true` when `names` (entry paths) have an AAR's shape: a root
/// `AndroidManifest.xml` together with `classes.jar` or `R.txt`, and no
/// APK marks (`classes.dex`, `resources.arsc`).
pub fn looks_like_aar<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut manifest, mut aar_mark, mut apk_mark) = (false, false, false);
    for n in names {
        match n {
            MANIFEST => manifest = true,
            "classes.jar" | "R.txt" | "public.txt" | "proguard.txt" => aar_mark = true,
            "classes.dex" | "resources.arsc" => apk_mark = true,
            _ if n.starts_with("jni/") && n.ends_with(".so") => aar_mark = true,
            _ => {}
        }
    }
    manifest && aar_mark && !apk_mark
}

/// Read an AAR from `src` (a zip or an unpacked folder).
///
/// Errors: no `AndroidManifest.xml` (every AAR has one; without it this is
/// not a library the Android Gradle plugin would accept), or a manifest
/// that is not well-formed text XML.
pub fn read(src: &dyn BundleSource, limits: &Limits, budget: &Budget) -> Result<AarFacts, String> {
    let entries = src.paths();
    if !entries.iter().any(|e| e == MANIFEST) {
        return Err(format!(
            "no {MANIFEST} entry: not an Android library (every AAR carries its manifest)"
        ));
    }
    let bytes = src.read(MANIFEST)?;
    let doc = text_manifest::parse(&bytes, limits).map_err(|e| format!("{MANIFEST}: {e}"))?;
    let mut out = AarFacts {
        manifest: manifest::from_document(&doc, MANIFEST, None),
        ..Default::default()
    };
    // Read in part at a cap: the entry error names it (PS905).
    out.problems
        .extend(doc.caps_hit.iter().map(|cap| EntryError {
            entry: MANIFEST.to_string(),
            message: format!("read in part: {cap}"),
        }));
    for name in &entries {
        let is_jar = name == "classes.jar" || (name.starts_with("libs/") && name.ends_with(".jar"));
        if is_jar {
            match src.read(name) {
                Ok(b) => match jar::read(&b, &format!("{name}!"), 0, limits, budget) {
                    Ok(mut j) => {
                        out.jar.classes.append(&mut j.classes);
                        out.jar.markers.append(&mut j.markers);
                        out.jar.entries.append(&mut j.entries);
                        out.jar.problems.append(&mut j.problems);
                        out.jar.jars += j.jars;
                    }
                    Err(message) => out.problems.push(EntryError {
                        entry: name.clone(),
                        message,
                    }),
                },
                Err(message) => out.problems.push(EntryError {
                    entry: name.clone(),
                    message,
                }),
            }
        } else if name.starts_with("jni/")
            && name.ends_with(".so")
            && name.matches('/').count() == 2
        {
            let file = name.rsplit('/').next().unwrap_or(name);
            out.native_names.push((file.to_string(), name.clone()));
            match src
                .read(name)
                .and_then(|b| crate::native::elf::parse(&b, name).map_err(|e| e.to_string()))
            {
                Ok(f) => out.native.push(f),
                Err(message) => out.problems.push(EntryError {
                    entry: name.clone(),
                    message,
                }),
            }
        } else if ((name.starts_with("META-INF/")
            && (name.ends_with(".version") || name.ends_with(".properties")))
            || (!name.contains('/') && name.ends_with(".properties")))
            && let Ok(b) = src.read(name)
            && b.len() as u64 <= jar::MAX_MARKER_LEN
        {
            out.markers.push((name.clone(), b.into_owned()));
        }
    }
    out.problems.append(&mut out.jar.problems);
    let mut seen = std::collections::BTreeSet::new();
    out.jar.classes.sort();
    out.jar.classes.retain(|(d, _)| seen.insert(d.clone()));
    out.entries = entries;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::aar::sample_aar_files;
    use std::collections::HashMap;

    #[test]
    fn reads_manifest_jars_and_jni() {
        let files: HashMap<String, Vec<u8>> = sample_aar_files().into_iter().collect();
        let limits = Limits::default();
        let f = read(&files, &limits, &Budget::new(&limits)).unwrap();
        assert_eq!(f.manifest.package.as_deref(), Some("com.example.sdk"));
        let perms: Vec<&str> = f
            .manifest
            .uses_permissions
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            perms,
            [
                "android.permission.INTERNET",
                "android.permission.READ_PHONE_STATE"
            ]
        );
        let descs: Vec<&str> = f.jar.classes.iter().map(|(d, _)| d.as_str()).collect();
        assert!(
            descs.contains(&"Lim/zego/zegoexpress/ZegoExpressEngine;"),
            "{descs:?}"
        );
        assert!(descs.contains(&"Lcom/adjust/sdk/Adjust;"), "{descs:?}");
        assert_eq!(f.native_names[0].0, "libZegoExpressEngine.so");
        assert_eq!(f.native.len(), 1);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert!(looks_like_aar(files.keys().map(String::as_str)));
    }

    #[test]
    fn missing_manifest_and_broken_members() {
        let mut files: HashMap<String, Vec<u8>> = sample_aar_files().into_iter().collect();
        files.insert("libs/broken.jar".into(), b"PK not really".to_vec());
        files.insert("jni/arm64-v8a/libbad.so".into(), b"\x7fELF\x02".to_vec());
        let limits = Limits::default();
        let f = read(&files, &limits, &Budget::new(&limits)).unwrap();
        let bad: Vec<&str> = f.problems.iter().map(|p| p.entry.as_str()).collect();
        assert_eq!(bad, ["jni/arm64-v8a/libbad.so", "libs/broken.jar"]);
        files.remove(MANIFEST);
        let e = read(&files, &limits, &Budget::new(&limits)).unwrap_err();
        assert!(e.contains("no AndroidManifest.xml"), "{e}");
        assert!(!looks_like_aar([
            "AndroidManifest.xml",
            "classes.dex",
            "classes.jar"
        ]));
    }
}
