//! Android App Bundles (`.aab`): one folder per module (`base/`, feature
//! modules, asset packs), each with `manifest/AndroidManifest.xml` (an
//! aapt2 `XmlNode` protobuf, decoded by `proto.rs`), `resources.pb`,
//! `dex/*.dex`, `lib/<abi>/*.so` and `root/` (files that land at the APK
//! root, e.g. `META-INF/*.version` markers); plus `BundleConfig.pb` and
//! `BUNDLE-METADATA/` at the top.
//!
//! Distrusts the archive and every module in it: entries are read through
//! `input::zip` under the artifact's `Budget`, protobufs are decoded from
//! slices with bounded depth. A broken base manifest stops the artifact; a
//! broken feature-module manifest is an entry error and the rest is scanned.
//!
//! Format facts: the bundle layout of bundletool's `BundleModule` /
//! `BundleModuleName` (developer.android.com "Android App Bundle format"),
//! and AOSP `frameworks/base/tools/aapt2/Resources.proto`.

use crate::android::apk::{
    AndroidObserved, ApkParts, EntryRole, Work, archive_findings, role_of, scan_heavy,
};
use crate::android::proto::{self, ProtoResources};
use crate::android::splits::merge_modules;
use crate::android::xml::ResourceResolver;
use crate::android::{apk, manifest};
use crate::input::zip::ZipArchive;
use crate::limits::Budget;
use crate::model::{AndroidModule, ArtifactError, ArtifactReport, EntryError, Location};
use crate::reader::ReadOptions;

/// The module every bundle must have.
pub const BASE_MODULE: &str = "base";

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError {
        code: code.into(),
        message: message.into(),
    }
}

/// The module name of `<module>/manifest/AndroidManifest.xml`, or `None`
/// for any other entry (and for the top-level `BUNDLE-METADATA/` and
/// `META-INF/` folders, which are not modules).
pub fn module_of_manifest(entry: &str) -> Option<&str> {
    let module = entry.strip_suffix("/manifest/AndroidManifest.xml")?;
    (!module.is_empty()
        && !module.contains('/')
        && module != "BUNDLE-METADATA"
        && module != "META-INF")
        .then_some(module)
}

/// How an AAB entry is processed, given the bundle's module names:
/// `<m>/dex/*.dex` is DEX, `<m>/lib/<abi>/*.so` a native library, and
/// `<m>/root/<path>` whatever `<path>` would be at an APK's root.
fn aab_role(name: &str, modules: &[String]) -> Option<EntryRole> {
    let (module, rest) = name.split_once('/')?;
    if !modules.iter().any(|m| m == module) {
        return None;
    }
    if let Some(f) = rest.strip_prefix("dex/") {
        return (f.ends_with(".dex") && !f.contains('/')).then_some(EntryRole::Dex);
    }
    if rest.starts_with("lib/") {
        return (rest.ends_with(".so") && rest.matches('/').count() == 2)
            .then_some(EntryRole::NativeLib);
    }
    let root = rest.strip_prefix("root/")?;
    role_of(root).filter(|r| *r == EntryRole::Marker)
}

/// Scan an AAB held in `data`, filling `report`: `android` is the merged
/// view of all modules (base package, versions and SDK levels; the union
/// of permissions and components, each located in its module), and
/// `android.modules` has one entry per module, base first.
///
/// Errors: unreadable archive, no `base/manifest/AndroidManifest.xml`, or
/// a base manifest that does not decode.
pub fn scan_aab(
    data: &[u8],
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let limits = &opts.limits;
    let archive = ZipArchive::parse(data, limits)
        .map_err(|e| err("zip", format!("not a readable zip archive: {e}")))?;
    let mut names: Vec<String> = archive
        .entries()
        .iter()
        .filter_map(|e| module_of_manifest(&e.name).map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    if !names.iter().any(|n| n == BASE_MODULE) {
        return Err(err(
            "no-manifest",
            "no base/manifest/AndroidManifest.xml entry: not an Android App Bundle",
        ));
    }
    // Base first, then the other modules by name.
    names.sort_by_key(|n| n != BASE_MODULE);

    let mut parts = ApkParts::new(opts);
    let mut base_resources: Option<ProtoResources> = None;
    let mut modules: Vec<AndroidModule> = Vec::new();
    for name in &names {
        match read_module(
            &archive,
            name,
            &mut base_resources,
            opts,
            budget,
            &mut parts,
        ) {
            Ok(m) => modules.push(AndroidModule {
                name: name.clone(),
                manifest: m,
            }),
            Err(e) if name == BASE_MODULE => return Err(e),
            Err(e) => parts.entry_errors.push(EntryError {
                entry: format!("{name}/manifest/AndroidManifest.xml"),
                message: e.message,
            }),
        }
    }
    // DEX and native code of every module folder is scanned, even one whose
    // manifest could not be read.
    let module_names = names;
    parts.manifest = merge_modules(&modules);

    if !opts.manifest_only {
        let work: Vec<Work<'_>> = archive
            .entries()
            .iter()
            .filter_map(|e| {
                aab_role(&e.name, &module_names).map(|role| Work {
                    entry: e,
                    role,
                    display: e.name.clone(),
                })
            })
            .collect();
        // Inflate first; the detector waits for the catalog (see ApkParts).
        scan_heavy(&archive, &work, opts, budget, &mut parts);
        let detector = parts.detector();
        for m in &modules {
            detector.manifest(&m.manifest);
        }
        for e in archive.entries() {
            detector.file(&e.name, None, &Location::entry(e.name.clone()));
        }
    }
    let read_anomalies = archive.read_anomalies();
    let mut tamper = archive_findings(archive.anomalies().iter().chain(&read_anomalies));
    tamper.append(&mut parts.findings);
    parts.findings = tamper;

    let (manifest, detections) = parts.into_report(opts, report);
    Ok(AndroidObserved {
        manifest,
        detections,
        modules,
    })
}

/// Decode one module's protobuf manifest, resolving references through its
/// own `resources.pb` and, for feature modules, the base module's.
fn read_module(
    archive: &ZipArchive<'_>,
    module: &str,
    base_resources: &mut Option<ProtoResources>,
    opts: &ReadOptions,
    budget: &Budget,
    parts: &mut ApkParts<'_>,
) -> Result<crate::model::AndroidManifest, ArtifactError> {
    let limits = &opts.limits;
    let entry_name = format!("{module}/manifest/AndroidManifest.xml");
    let entry = archive
        .by_name(&entry_name)
        .ok_or_else(|| err("no-manifest", format!("{entry_name}: missing")))?;
    let bytes = archive
        .read(entry, limits, budget)
        .map_err(|e| err("zip", format!("{entry_name}: {e}")))?;
    let doc =
        proto::parse_xml(&bytes, limits).map_err(|e| err("proto", format!("{entry_name}: {e}")))?;
    let resources = if apk::has_references(&doc) {
        let mut own = load_resources(archive, module, opts, budget, parts).unwrap_or_default();
        if module != BASE_MODULE {
            if base_resources.is_none() {
                *base_resources = load_resources(archive, BASE_MODULE, opts, budget, parts);
            }
            if let Some(b) = base_resources.as_ref() {
                own.extend_missing(b);
            }
        } else if base_resources.is_none() {
            *base_resources = Some(own.clone());
        }
        Some(own)
    } else {
        None
    };
    Ok(manifest::from_document(
        &doc,
        &entry_name,
        resources.as_ref().map(|r| r as &dyn ResourceResolver),
    ))
}

/// `<module>/resources.pb`, or `None` (with an entry error when it exists
/// but cannot be read or decoded).
fn load_resources(
    archive: &ZipArchive<'_>,
    module: &str,
    opts: &ReadOptions,
    budget: &Budget,
    parts: &mut ApkParts<'_>,
) -> Option<ProtoResources> {
    let name = format!("{module}/resources.pb");
    let entry = archive.by_name(&name)?;
    let result = archive
        .read(entry, &opts.limits, budget)
        .map_err(|e| e.to_string())
        .and_then(|b| ProtoResources::parse(&b).map_err(|e| e.to_string()));
    match result {
        Ok(r) => Some(r),
        Err(message) => {
            parts.entry_errors.push(EntryError {
                entry: name,
                message,
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_from_manifest_entries() {
        assert_eq!(
            module_of_manifest("base/manifest/AndroidManifest.xml"),
            Some("base")
        );
        assert_eq!(
            module_of_manifest("camera_live/manifest/AndroidManifest.xml"),
            Some("camera_live")
        );
        assert_eq!(module_of_manifest("AndroidManifest.xml"), None);
        assert_eq!(module_of_manifest("a/b/manifest/AndroidManifest.xml"), None);
        assert_eq!(
            module_of_manifest("BUNDLE-METADATA/manifest/AndroidManifest.xml"),
            None
        );
    }

    #[test]
    fn entry_roles_inside_modules() {
        let mods = vec!["base".to_string(), "feature".to_string()];
        assert_eq!(
            aab_role("base/dex/classes.dex", &mods),
            Some(EntryRole::Dex)
        );
        assert_eq!(
            aab_role("feature/lib/arm64-v8a/libx.so", &mods),
            Some(EntryRole::NativeLib)
        );
        assert_eq!(
            aab_role("base/root/META-INF/x.version", &mods),
            Some(EntryRole::Marker)
        );
        assert_eq!(aab_role("other/dex/classes.dex", &mods), None);
        assert_eq!(aab_role("base/lib/arm64-v8a/sub/libx.so", &mods), None);
        assert_eq!(aab_role("base/assets/classes.dex", &mods), None);
    }
}
