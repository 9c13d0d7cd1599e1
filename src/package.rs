//! SDK packages as artifacts: `.jar`, `.aar` (zip or unpacked folder),
//! static libraries (`ar`, fat of `ar`), `.framework` and `.xcframework`
//! folders. Each is read by its format module (`android::jar`,
//! `android::aar`, `native::static_lib`, `ios::sdk_package`) and turned
//! into the same report facts as an app: SDK inventory, the manifest an
//! AAR merges into its host app, privacy manifests, required-reason API
//! use (PS301, against the package's own manifest), PS302 when Apple
//! requires a manifest the package lacks, and PS906 for every part that
//! was not read.

use crate::android::apk::AndroidObserved;
use crate::android::{aar, jar};
use crate::detect::Detector;
use crate::findings::Code;
use crate::ios::bundle::{BundleSource, DirSource};
use crate::ios::plist::InfoPlist;
use crate::ios::sdk_package::{Library, LibraryBinary, PackageFacts};
use crate::limits::Budget;
use crate::model::{
    ArtifactError, ArtifactReport, BinaryFacts, EntryError, Finding, IosFacts, Location,
    PrivacyManifest, Severity,
};
use crate::native::static_lib::StaticLib;
use crate::reader::ReadOptions;
use std::collections::BTreeSet;
use std::path::Path;

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError {
        code: code.into(),
        message: message.into(),
    }
}

/// One PS906 finding per part of a package that was not read (or read in
/// part), so an incomplete scan never looks clean.
pub fn partly_read(problems: &[EntryError]) -> Vec<Finding> {
    let info = Code::PS906.info();
    problems
        .iter()
        .map(|p| Finding {
            code: info.id.into(),
            severity: info.severity,
            subject: p.entry.clone(),
            message: format!("not fully read: {}", p.message),
            clause: None,
            evidence: vec![Location::entry(p.entry.clone())],
        })
        .collect()
}

fn feed_jar(j: &jar::JarFacts, d: &mut Detector<'_>) {
    for (desc, entry) in &j.classes {
        d.dex_class(desc.as_bytes(), &Location::entry(entry.clone()));
    }
    for (name, shown, bytes) in &j.markers {
        d.file(name, Some(bytes), &Location::entry(shown.clone()));
    }
}

/// Scan a loose `.jar`: its classes (nested jars included) and markers.
///
/// Errors: not a readable zip.
pub fn scan_jar(
    data: &[u8],
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    let j = jar::read(data, "", 0, &opts.limits, budget).map_err(|m| err("zip", m))?;
    if j.classes.is_empty() && j.problems.is_empty() {
        report.entry_errors.push(EntryError {
            entry: String::new(),
            message: format!("jar holds no .class entries ({} entries)", j.entries.len()),
        });
    }
    if !opts.manifest_only {
        let mut d = crate::android::apk::detector_for(opts);
        d.artifact_name(&report.path);
        feed_jar(&j, &mut d);
        report.sdks = d.finish();
    }
    report.findings.extend(partly_read(&j.problems));
    report.entry_errors.extend(j.problems);
    Ok(())
}

/// Scan an `.aar` held in `data` (a zip).
///
/// Errors: not a readable zip, no `AndroidManifest.xml`, unreadable manifest.
pub fn scan_aar(
    data: &[u8],
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let archive = crate::input::zip::ZipArchive::parse(data, &opts.limits)
        .map_err(|e| err("zip", format!("not a readable zip archive: {e}")))?;
    let src = crate::ios::ipa::ZipSource::new(&archive, &opts.limits, budget);
    let observed = scan_aar_source(&src, opts, budget, report)?;
    let anomalies = archive.read_anomalies();
    report
        .findings
        .extend(crate::android::apk::archive_findings(
            archive.anomalies().iter().chain(&anomalies),
        ));
    Ok(observed)
}

/// Scan an unpacked AAR folder.
pub fn scan_aar_dir(
    dir: &Path,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let budget = Budget::new(&opts.limits);
    scan_aar_source(&DirSource::new(dir, &opts.limits), opts, &budget, report)
}

fn scan_aar_source(
    src: &dyn BundleSource,
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let a = aar::read(src, &opts.limits, budget).map_err(|m| err("no-manifest", m))?;
    let manifest = a.manifest;
    let mut detections = Vec::new();
    if !opts.manifest_only {
        let mut d = crate::android::apk::detector_for(opts);
        d.artifact_name(&report.path);
        d.manifest(&manifest);
        feed_jar(&a.jar, &mut d);
        for e in &a.entries {
            d.file(e, None, &Location::entry(e.clone()));
        }
        for (name, bytes) in &a.markers {
            d.file(name, Some(bytes), &Location::entry(name.clone()));
        }
        for (file, entry) in &a.native_names {
            d.native_lib(file, &Location::entry(entry.clone()));
        }
        for b in &a.native {
            let loc = Location::entry(b.entry.clone());
            for s in &b.slices {
                for sym in s.exported_symbols.iter().chain(&s.imported_symbols) {
                    d.elf_symbol(sym, &loc);
                }
            }
        }
        detections = d.finish();
    }
    report.binaries.extend(a.native);
    report.findings.extend(partly_read(&a.problems));
    report.entry_errors.extend(a.problems);
    // Permission attribution and the diff run in the pipeline (`scan::finish`).
    Ok(AndroidObserved {
        manifest,
        detections,
        modules: Vec::new(),
    })
}

/// Scan a loose static library (`ar`, or fat of `ar`).
///
/// Errors: not an archive, a thin archive, a broken fat header.
pub fn scan_static_lib(
    data: &[u8],
    opts: &ReadOptions,
    report: &ArtifactReport,
) -> Result<PackageFacts, ArtifactError> {
    let name = Path::new(&report.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lib = crate::native::static_lib::parse(data, &name, &opts.limits)
        .map_err(|e| err("ar", e.to_string()))?;
    let stem = name.split('.').next().unwrap_or(&name);
    let pkg = PackageFacts {
        libraries: vec![Library {
            identifier: String::new(),
            path: String::new(),
            name: stem.strip_prefix("lib").unwrap_or(stem).to_string(),
            info: None,
            binary_entry: Some(String::new()),
            binary: Some(LibraryBinary::Static(lib)),
            privacy_manifests: Vec::new(),
            strings: opts
                .string_pass()
                .map(|c| crate::detect::scan_strings(c, data))
                .unwrap_or_default(),
        }],
        problems: Vec::new(),
        paths: Vec::new(),
    };
    Ok(pkg)
}

/// Scan a `.framework` folder.
pub fn scan_framework_dir(dir: &Path, opts: &ReadOptions) -> Result<PackageFacts, ArtifactError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".framework").unwrap_or(&name);
    let src = DirSource::new(dir, &opts.limits);
    crate::ios::sdk_package::read_framework_with(&src, name, &opts.limits, opts.string_pass())
        .map_err(|m| err("framework", m))
}

/// Scan an `.xcframework` folder.
pub fn scan_xcframework_dir(dir: &Path, opts: &ReadOptions) -> Result<PackageFacts, ArtifactError> {
    let src = DirSource::new(dir, &opts.limits);
    crate::ios::sdk_package::read_xcframework_with(&src, &opts.limits, opts.string_pass())
        .map_err(|m| err("xcframework", m))
}

/// Binaries, imports and selectors of one library.
fn library_binaries(lib: &Library) -> (Vec<BinaryFacts>, Vec<String>, Vec<EntryError>) {
    let mut selectors = Vec::new();
    let mut problems = Vec::new();
    let entry = lib.binary_entry.clone().unwrap_or_default();
    let bins = match &lib.binary {
        Some(LibraryBinary::Dynamic(m)) => {
            selectors.extend(m.slices.iter().flat_map(|s| s.objc_selectors.clone()));
            for w in m.warnings() {
                problems.push(EntryError {
                    entry: entry.clone(),
                    message: w,
                });
            }
            let mut b = m.binary.clone();
            b.entry = entry.clone();
            vec![b]
        }
        Some(LibraryBinary::Static(StaticLib {
            members,
            problems: p,
            ..
        })) => {
            for (e, message) in p {
                problems.push(EntryError {
                    entry: join(&entry, e),
                    message: message.clone(),
                });
            }
            members
                .iter()
                .map(|m| {
                    selectors.extend(m.objc_selectors.iter().cloned());
                    let mut b = m.binary.clone();
                    b.entry = join(&entry, &b.entry);
                    b
                })
                .collect()
        }
        None => Vec::new(),
    };
    (bins, selectors, problems)
}

fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_string(),
        (_, true) => outer.to_string(),
        _ => format!("{outer}({inner})"),
    }
}

fn feed_apple(d: &mut Detector<'_>, lib: &Library, bins: &[BinaryFacts]) {
    let version = lib.info.as_ref().and_then(InfoPlist::sdk_version);
    let plist = format!("{}Info.plist", lib.path);
    d.framework_with_version(
        &lib.name,
        version,
        &plist,
        &Location::entry(lib.path.clone()),
    );
    let bin_loc = Location::entry(lib.binary_entry.clone().unwrap_or_else(|| lib.path.clone()));
    d.apply_strings(&lib.strings, &bin_loc);
    for b in bins {
        let loc = Location::entry(b.entry.clone());
        for s in &b.slices {
            for c in &s.objc_classes {
                d.objc_class(c, &loc);
            }
            for sym in s.imported_symbols.iter().chain(&s.exported_symbols) {
                if b.format == "elf" {
                    d.elf_symbol(sym, &loc);
                } else {
                    d.macho_symbol(sym, &loc);
                }
            }
        }
    }
}

/// What an Apple SDK package gave the pipeline, before the policy diff:
/// the package's facts (bundle id and versions of its first library with
/// an Info.plist, its privacy manifests), the SDKs detected in its
/// libraries, and the checks that need no policy: PS301 (required-reason
/// APIs against the package's own privacy manifests), PS302 (a listed SDK
/// without one) and PS906 (parts not read).
#[derive(Debug)]
pub struct AppleObserved {
    /// Facts reported as the artifact's `ios` section.
    pub facts: IosFacts,
    /// SDKs detected in the package's libraries (empty with `manifest_only`).
    pub detections: Vec<crate::model::Detection>,
    /// PS301, PS302 and PS906 findings.
    pub checks: Vec<Finding>,
}

/// Detection and the policy-free checks of an Apple package (see
/// [`AppleObserved`]). The binaries and entry errors go into `report`
/// (observations); the policy diff and `[[allow]]` run in the pipeline's
/// one diff site (`scan::finish`).
pub fn observe_apple(
    pkg: PackageFacts,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> AppleObserved {
    let mut d = (!opts.manifest_only).then(|| crate::android::apk::detector_for(opts));
    let mut checks = Vec::new();
    let mut problems = pkg.problems;
    let mut facts = IosFacts::default();
    let mut lib_detections: Vec<(usize, Vec<crate::model::Detection>)> = Vec::new();
    for (i, lib) in pkg.libraries.iter().enumerate() {
        let (bins, selectors, mut p) = library_binaries(lib);
        problems.append(&mut p);
        if let Some(info) = &lib.info
            && facts.bundle_id.is_none()
        {
            facts.bundle_id = info.bundle_id.clone();
            facts.short_version = info.short_version.clone();
            facts.version = info.version.clone();
            facts.minimum_os = info.minimum_os.clone();
        }
        facts
            .privacy_manifests
            .extend(lib.privacy_manifests.iter().cloned());
        checks.extend(ps301(lib, &bins, &selectors));
        if let Some(d) = &mut d {
            // A per-library detector too, so PS302 knows which library an SDK is in.
            let mut ld = crate::android::apk::detector_for(opts);
            feed_apple(&mut ld, lib, &bins);
            lib_detections.push((i, ld.finish()));
            feed_apple(d, lib, &bins);
        }
        report.binaries.extend(bins);
    }
    if let Some(d) = &mut d {
        d.artifact_name(&report.path);
        for p in &pkg.paths {
            d.file(p, None, &Location::entry(p.clone()));
        }
    }
    let (detections, contacts) = d
        .map(|d| {
            let done = d.finish_all();
            (done.detections, done.contacts)
        })
        .unwrap_or_default();
    report.contacts = contacts;
    for (i, dets) in &lib_detections {
        if let Some(lib) = pkg.libraries.get(*i)
            && lib.privacy_manifests.is_empty()
        {
            checks.extend(ps302(lib, dets, opts.catalog));
        }
    }
    checks.extend(partly_read(&problems));
    report.entry_errors.extend(problems);
    AppleObserved {
        facts,
        detections,
        checks,
    }
}

/// PS301 for one library: required-reason categories its binaries'
/// imports (or ObjC selectors) hit, not declared in the library's own
/// privacy manifests (Apple: each SDK declares its own use).
fn ps301(lib: &Library, bins: &[BinaryFacts], selectors: &[String]) -> Vec<Finding> {
    let declared: BTreeSet<&str> = lib
        .privacy_manifests
        .iter()
        .flat_map(|m: &PrivacyManifest| m.accessed_api_types.iter().map(|a| a.category.as_str()))
        .collect();
    let imports: BTreeSet<(&str, &str)> = bins
        .iter()
        .flat_map(|b| {
            b.slices.iter().flat_map(move |s| {
                s.imported_symbols
                    .iter()
                    .map(move |i| (i.as_str(), b.entry.as_str()))
            })
        })
        .collect();
    let selectors: BTreeSet<&str> = selectors.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for cat in &crate::rules::ios::reason_catalog().categories {
        if declared.contains(cat.id.as_str()) {
            continue;
        }
        let mut hits: Vec<Location> = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (sym, entry) in &imports {
            if cat
                .symbols
                .iter()
                .any(|c| c == crate::rules::ios::normalize_symbol(sym))
            {
                names.insert((*sym).to_string());
                if hits.len() < 8 {
                    hits.push(Location::detail(*entry, *sym));
                }
            }
        }
        for s in selectors
            .iter()
            .filter(|s| cat.selectors.iter().any(|c| c == *s))
        {
            names.insert(format!("selector {s}"));
        }
        if names.is_empty() {
            continue;
        }
        let where_ = if lib.privacy_manifests.is_empty() {
            format!("{} ships no PrivacyInfo.xcprivacy", shown(lib))
        } else {
            "its PrivacyInfo.xcprivacy has no NSPrivacyAccessedAPITypes entry for it".to_string()
        };
        out.push(Finding {
            code: Code::PS301.id().to_owned(),
            severity: Severity::High,
            subject: cat.id.clone(),
            message: format!(
                "{} uses {} ({}), but {where_}; apps embedding it are rejected with ITMS-91053 unless the SDK declares {} with one of the approved reasons {}",
                shown(lib),
                cat.name,
                names.into_iter().take(8).collect::<Vec<_>>().join(", "),
                cat.id,
                cat.reasons.join(", ")
            ),
            clause: None,
            evidence: hits,
        });
    }
    out
}

fn shown(lib: &Library) -> String {
    if lib.path.is_empty() {
        lib.name.clone()
    } else {
        lib.path.trim_end_matches('/').to_string()
    }
}

/// PS302 for a library without a privacy manifest holding an SDK Apple
/// lists as needing one (statically linked SDKs included: the package
/// being vetted is the SDK, and it has nowhere else to carry its manifest).
fn ps302(
    lib: &Library,
    dets: &[crate::model::Detection],
    catalog: &crate::rules::sdk::Catalog,
) -> Vec<Finding> {
    dets.iter()
        .filter(|d| catalog.sdk(&d.id).is_some_and(|s| s.apple_privacy_manifest_required))
        .map(|d| Finding {
            code: Code::PS302.id().to_string(),
            severity: Severity::High,
            subject: d.id.clone(),
            message: format!(
                "{} is on Apple's list of commonly used third-party SDKs but {} ships no PrivacyInfo.xcprivacy (ITMS-91061)",
                d.name,
                shown(lib)
            ),
            clause: None,
            evidence: vec![Location::detail(shown(lib), "PrivacyInfo.xcprivacy missing")],
        })
        .collect()
}

#[cfg(test)]
#[path = "package_tests.rs"]
mod tests;
