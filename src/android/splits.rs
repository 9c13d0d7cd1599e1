//! Split APK sets: `.apks` (bundletool output: `toc.pb` + `splits/*.apk`
//! or `standalones/*.apk`), `.xapk` (`manifest.json` naming the APKs, plus
//! OBB expansion files), `.apkm` (APKs at the root, `info.json`), and a
//! directory of split APKs. Base and config/feature splits are merged into
//! one Android view, the way the package installer combines them into one
//! app; each permission and component keeps the split it came from as its
//! location (`splits/camera_live-master.apk!AndroidManifest.xml`).
//!
//! Distrusts the outer archive, the JSON index and every inner APK: inner
//! APKs are nested archives read from the outer archive's entry bytes
//! (stored entries are borrowed slices, deflated ones are inflated under
//! the artifact's shared `Budget`), one at a time, with the nesting depth
//! checked against `Limits::max_nesting` (an APK inside an XAPK is depth 1).
//!
//! Format facts: bundletool `BuildApksResult` (`toc.pb`) and its
//! `splits/<module>-<config>.apk` naming; the XAPK `manifest.json`
//! (`package_name`, `split_apks[].file`, `expansions[]`) as written by
//! APKPure; Android's split manifest `split` attribute (`PackageParser`,
//! "split APKs" in AOSP `core/java/android/content/pm/`).

use crate::android::apk::{self, AndroidObserved, ApkParts, scan_apk_parts};
use crate::android::{axml, manifest};
use crate::input::zip::{ZipArchive, ZipEntry};
use crate::limits::{Budget, LimitError};
use crate::model::{
    AndroidManifest, AndroidModule, ArtifactError, ArtifactKind, ArtifactReport, EntryError,
};
use crate::reader::ReadOptions;
use std::path::{Path, PathBuf};

/// Largest `manifest.json` read from an XAPK (bytes).
pub const MAX_XAPK_MANIFEST: u64 = 1024 * 1024;

/// Most APKs of a directory inspected by [`is_split_dir`].
const MAX_DIR_APKS: usize = 256;

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError {
        code: code.into(),
        message: message.into(),
    }
}

fn limit_err(e: LimitError) -> ArtifactError {
    err("limit", e.to_string())
}

/// Merge per-module manifests into the app as installed: the base's
/// package, versions, SDK levels and application flags (the base is the
/// first module without a `split` attribute, else the first module), and
/// the union of uses-permissions, permission definitions, components,
/// meta-data, uses-features and queried packages of every module, in
/// module order, the first occurrence of each name kept (with its location).
pub fn merge_modules(modules: &[AndroidModule]) -> AndroidManifest {
    let base_idx = modules
        .iter()
        .position(|m| m.manifest.split.is_none())
        .unwrap_or(0);
    let Some(base) = modules.get(base_idx) else {
        return AndroidManifest::default();
    };
    let mut merged = base.manifest.clone();
    merged.split = None;
    for (i, m) in modules.iter().enumerate() {
        if i == base_idx {
            continue;
        }
        let m = &m.manifest;
        for p in &m.uses_permissions {
            if !merged.uses_permissions.iter().any(|q| q.name == p.name) {
                merged.uses_permissions.push(p.clone());
            }
        }
        for p in &m.permissions {
            if !merged.permissions.iter().any(|q| q.name == p.name) {
                merged.permissions.push(p.clone());
            }
        }
        for c in &m.components {
            if !merged
                .components
                .iter()
                .any(|q| q.kind == c.kind && q.name == c.name)
            {
                merged.components.push(c.clone());
            }
        }
        for d in &m.meta_data {
            if !merged.meta_data.iter().any(|q| q.name == d.name) {
                merged.meta_data.push(d.clone());
            }
        }
        for f in &m.uses_features {
            if !merged.uses_features.iter().any(|q| q.name == f.name) {
                merged.uses_features.push(f.clone());
            }
        }
        for q in &m.queries_packages {
            if !merged.queries_packages.contains(q) {
                merged.queries_packages.push(q.clone());
            }
        }
    }
    merged
}

/// What a set contributes besides its APKs: APKs that could not be read
/// (entry errors) and the outer archives' tamper findings.
#[derive(Default)]
struct SetExtra {
    errors: Vec<EntryError>,
    findings: Vec<crate::model::Finding>,
}

/// One scanned APK of a set.
struct ScannedApk<'c> {
    /// Where it is (`splits/base-master.apk`), used for naming and errors.
    display: String,
    parts: ApkParts<'c>,
}

/// The module name of a split: its manifest's `split` attribute, `base`
/// for the base APK, else derived from the file name
/// (`split_config.arm64_v8a.apk` → `config.arm64_v8a`,
/// `splits/camera_live-master.apk` → `camera_live`).
fn module_name(m: &AndroidManifest, display: &str, is_base: bool) -> String {
    if let Some(s) = m.split.as_ref().filter(|s| !s.is_empty()) {
        return s.clone();
    }
    if is_base {
        return "base".into();
    }
    let file = display.rsplit(['/', '!']).next().unwrap_or(display);
    let stem = file.strip_suffix(".apk").unwrap_or(file);
    let stem = stem.strip_prefix("split_").unwrap_or(stem);
    stem.strip_suffix("-master").unwrap_or(stem).to_string()
}

/// Scan a split-set archive (`kind` is `Apks` or `Xapk`; `.apkm` is
/// sniffed as `Xapk`), filling `report` with the merged view and one
/// `android.modules` entry per APK.
///
/// Errors: unreadable outer archive; an XAPK `manifest.json` naming an
/// APK that is not in the archive (`missing-split`); archives nested past
/// `limits.max_nesting` (`limit`); no APK, or no base APK (`no-base`).
/// A split other than the base that cannot be read is an entry error.
pub fn scan_split_set(
    data: &[u8],
    kind: ArtifactKind,
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let mut scanned = Vec::new();
    let mut extra = SetExtra::default();
    scan_set_archive(data, kind, "", 0, opts, budget, &mut scanned, &mut extra)?;
    finish_set(scanned, extra, opts, report)
}

/// Which inner entries of a set archive are APKs (and nested sets).
fn select_apks<'z>(
    archive: &'z ZipArchive<'_>,
    kind: ArtifactKind,
    prefix: &str,
    opts: &ReadOptions,
    budget: &Budget,
) -> Result<Vec<&'z ZipEntry>, ArtifactError> {
    let is_apk = |e: &&ZipEntry| e.name.to_ascii_lowercase().ends_with(".apk") && !e.is_dir();
    // An XAPK names its APKs in manifest.json.
    if kind == ArtifactKind::Xapk
        && let Some(mj) = archive.by_name("manifest.json")
    {
        let mut limits = opts.limits;
        limits.max_entry_size = limits.max_entry_size.min(MAX_XAPK_MANIFEST);
        let bytes = archive
            .read(mj, &limits, budget)
            .map_err(|e| err("xapk", format!("{prefix}manifest.json: {e}")))?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            err(
                "xapk",
                format!("{prefix}manifest.json: not valid JSON: {e}"),
            )
        })?;
        if let Some(list) = json.get("split_apks").and_then(|v| v.as_array()) {
            let mut out = Vec::new();
            for item in list {
                let Some(file) = item.get("file").and_then(|f| f.as_str()) else {
                    continue;
                };
                let file = file.trim_start_matches("./");
                match archive.by_name(file) {
                    Some(e) => out.push(e),
                    None => {
                        return Err(err(
                            "missing-split",
                            format!(
                                "{prefix}manifest.json names split APK '{file}' but the archive has no such entry: the split set is incomplete"
                            ),
                        ));
                    }
                }
            }
            return Ok(out);
        }
    }
    let all: Vec<&ZipEntry> = archive.entries().iter().filter(is_apk).collect();
    if kind == ArtifactKind::Apks {
        for dir in ["splits/", "standalones/"] {
            let v: Vec<&ZipEntry> = all
                .iter()
                .copied()
                .filter(|e| e.name.starts_with(dir))
                .collect();
            if !v.is_empty() {
                return Ok(v);
            }
        }
    }
    Ok(all)
}

/// `true` for an entry that is itself a split set (a bundle inside a bundle).
fn nested_set_kind(name: &str) -> Option<ArtifactKind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".apks") {
        Some(ArtifactKind::Apks)
    } else if lower.ends_with(".xapk") || lower.ends_with(".apkm") {
        Some(ArtifactKind::Xapk)
    } else {
        None
    }
}

fn check_depth(depth: u32, opts: &ReadOptions) -> Result<(), ArtifactError> {
    if depth > opts.limits.max_nesting {
        return Err(limit_err(LimitError::TooDeep {
            depth,
            cap: opts.limits.max_nesting,
        }));
    }
    Ok(())
}

/// Scan the set archive in `data` (itself at nesting `depth`), appending
/// each inner APK's parts to `scanned`, and unreadable APKs and the
/// archive's tamper findings to `extra`.
#[allow(clippy::too_many_arguments)]
fn scan_set_archive<'c>(
    data: &[u8],
    kind: ArtifactKind,
    prefix: &str,
    depth: u32,
    opts: &'c ReadOptions,
    budget: &Budget,
    scanned: &mut Vec<ScannedApk<'c>>,
    extra: &mut SetExtra,
) -> Result<(), ArtifactError> {
    check_depth(depth, opts)?;
    let archive = ZipArchive::parse(data, &opts.limits)
        .map_err(|e| err("zip", format!("{prefix}not a readable zip archive: {e}")))?;
    let inner_depth = depth.saturating_add(1);
    let apks = select_apks(&archive, kind, prefix, opts, budget)?;
    let nested: Vec<(&ZipEntry, ArtifactKind)> = archive
        .entries()
        .iter()
        .filter_map(|e| nested_set_kind(&e.name).map(|k| (e, k)))
        .collect();
    if !apks.is_empty() || !nested.is_empty() {
        check_depth(inner_depth, opts)?;
    }
    for e in apks {
        let display = format!("{prefix}{}", e.name);
        let bytes = match archive.read(e, &opts.limits, budget) {
            Ok(b) => b,
            Err(crate::input::zip::ZipError::Limit(l)) => {
                return Err(err("limit", format!("{display}: {l}")));
            }
            Err(x) => {
                extra.errors.push(EntryError {
                    entry: display,
                    message: x.to_string(),
                });
                continue;
            }
        };
        match scan_apk_parts(&bytes, &format!("{display}!"), opts, budget) {
            Ok(parts) => scanned.push(ScannedApk { display, parts }),
            // A cap hit inside a nested APK stops the whole set, like any cap.
            Err(x) if x.code == "limit" => return Err(x),
            Err(x) => extra.errors.push(EntryError {
                entry: display,
                message: x.message,
            }),
        }
    }
    for (e, k) in nested {
        let display = format!("{prefix}{}", e.name);
        let bytes = archive
            .read(e, &opts.limits, budget)
            .map_err(|x| err("zip", format!("{display}: {x}")))?;
        scan_set_archive(
            &bytes,
            k,
            &format!("{display}!"),
            inner_depth,
            opts,
            budget,
            scanned,
            extra,
        )?;
    }
    // The set archive's own anomalies (PS901/PS902), located in it.
    let read_anomalies = archive.read_anomalies();
    let mut tamper = apk::archive_findings(archive.anomalies().iter().chain(&read_anomalies));
    if !prefix.is_empty() {
        for f in &mut tamper {
            for ev in &mut f.evidence {
                ev.entry = format!("{prefix}{}", ev.entry);
            }
        }
    }
    extra.findings.extend(tamper);
    Ok(())
}

/// Merge scanned APKs (base first) into `report`.
fn finish_set(
    scanned: Vec<ScannedApk<'_>>,
    extra: SetExtra,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let Some(base_idx) = scanned
        .iter()
        .position(|s| s.parts.manifest.split.is_none())
    else {
        let why = extra
            .errors
            .first()
            .map(|e| format!(" (first unreadable APK: {}: {})", e.entry, e.message))
            .unwrap_or_default();
        let msg = if scanned.is_empty() {
            format!("no readable APK in the split set{why}")
        } else {
            format!("no base APK in the split set: every APK's manifest has a split attribute{why}")
        };
        return Err(err("no-base", msg));
    };
    // The installer's cluster rules; several bases are bundletool
    // standalone variants of one build (noted, first one is the base).
    let lites: Vec<ApkLite> = scanned
        .iter()
        .map(|s| ApkLite::of(&s.display, &s.parts.manifest))
        .collect();
    check_cluster(&lites, false).map_err(|m| {
        err(
            "split-mismatch",
            format!("the APKs are not one app, the installer would refuse them as a set: {m}"),
        )
    })?;
    let bases = lites.iter().filter(|l| l.split.is_none()).count();
    let mut extra = extra;
    if bases > 1
        && let Some(base) = scanned.get(base_idx)
    {
        extra.errors.push(EntryError {
            entry: base.display.clone(),
            message: format!(
                "{bases} APKs without a split name (standalone variants); {} is read as the base, the others are merged into it",
                base.display
            ),
        });
    }
    // Base first, then the splits by module name (independent of the
    // archive's entry order).
    let mut named: Vec<(String, ScannedApk<'_>)> = scanned
        .into_iter()
        .enumerate()
        .map(|(i, s)| (module_name(&s.parts.manifest, &s.display, i == base_idx), s))
        .collect();
    let base = named.remove(base_idx);
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named.insert(0, base);

    let mut modules = Vec::with_capacity(named.len());
    let mut all = None::<ApkParts<'_>>;
    for (name, s) in named {
        let parts = s.parts;
        modules.push(AndroidModule {
            name,
            manifest: parts.manifest.clone(),
        });
        match all.as_mut() {
            None => all = Some(parts),
            Some(a) => {
                a.merge_detector(parts.detector);
                a.binaries.extend(parts.binaries);
                a.collects.merge(parts.collects);
                a.entry_errors.extend(parts.entry_errors);
                a.findings.extend(parts.findings);
            }
        }
    }
    let Some(mut all) = all else {
        return Err(err("no-base", "no readable APK in the split set"));
    };
    all.manifest = merge_modules(&modules);
    all.entry_errors.extend(extra.errors);
    let mut findings = extra.findings;
    findings.append(&mut all.findings);
    all.findings = findings;
    let (manifest, detections) = all.into_report(opts, report);
    Ok(AndroidObserved {
        manifest,
        detections,
        modules,
    })
}

/// The `.apk` files directly in `dir`, sorted by name, `base.apk` first;
/// `None` when `dir` holds anything else (other files or subdirectories,
/// hidden files aside) or cannot be read.
fn dir_apks(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut apks = Vec::new();
    for e in std::fs::read_dir(dir).ok()? {
        let e = e.ok()?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let ft = e.file_type().ok()?;
        if !ft.is_file() || !name.to_ascii_lowercase().ends_with(".apk") {
            return None;
        }
        apks.push(e.path());
        if apks.len() > MAX_DIR_APKS {
            return None;
        }
    }
    apks.sort();
    apks.sort_by_key(|p| p.file_name().map(|n| n != "base.apk").unwrap_or(true));
    Some(apks)
}

/// What the package installer reads of each APK before it installs
/// several as one app (AOSP `ApkLiteParseUtils.parseApkLite`: the
/// manifest's `package`, `versionCode` and `split`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApkLite {
    /// Where the APK is (file name or archive entry), for messages.
    pub display: String,
    /// `<manifest package>`; `None` when absent.
    pub package: Option<String>,
    /// `android:versionCode`; absent counts as 0, as for the installer.
    pub version_code: u64,
    /// `<manifest split>`; `None` for a base APK.
    pub split: Option<String>,
}

impl ApkLite {
    /// The lite view of a parsed manifest.
    pub fn of(display: &str, m: &AndroidManifest) -> ApkLite {
        ApkLite {
            display: display.to_string(),
            package: m.package.clone(),
            version_code: m.version_code.unwrap_or(0),
            split: m.split.clone().filter(|s| !s.is_empty()),
        }
    }
}

/// Whether `apks` belong together as one app, by the rules the package
/// installer applies to a directory of splits (AOSP
/// `core/java/android/content/pm/parsing/ApkLiteParseUtils.java`
/// `parseClusterPackageLite` → `composePackageLiteFromApks`): every APK
/// has the first one's `package` and `versionCode` ("Inconsistent
/// package" / "Inconsistent version"), each split name is defined once
/// ("Split name ... defined more than once"), and there is a base (an APK
/// without a split name; "Missing base APK"). With `one_base` false, more
/// than one base is accepted (bundletool `standalones/` variants of one
/// build).
///
/// Errors: the first rule broken, naming the APKs involved.
pub fn check_cluster(apks: &[ApkLite], one_base: bool) -> Result<(), String> {
    let Some(first) = apks.first() else {
        return Err("no APK".into());
    };
    let mut seen: Vec<(&Option<String>, &str)> = Vec::new();
    for a in apks {
        if a.package != first.package {
            return Err(format!(
                "inconsistent package {} in {}; expected {} (from {})",
                a.package.as_deref().unwrap_or("(none)"),
                a.display,
                first.package.as_deref().unwrap_or("(none)"),
                first.display
            ));
        }
        if a.version_code != first.version_code {
            return Err(format!(
                "inconsistent versionCode {} in {}; expected {} (from {})",
                a.version_code, a.display, first.version_code, first.display
            ));
        }
        if (one_base || a.split.is_some())
            && let Some((_, prev)) = seen.iter().find(|(s, _)| **s == a.split)
        {
            return Err(format!(
                "split name {} defined more than once: {prev} and {}",
                a.split.as_deref().unwrap_or("(base)"),
                a.display
            ));
        }
        seen.push((&a.split, &a.display));
    }
    if !apks.iter().any(|a| a.split.is_none()) {
        return Err("missing base APK: every APK has a split name".into());
    }
    Ok(())
}

/// The lite view of an APK file (its binary manifest only).
fn apk_lite(path: &Path) -> Option<ApkLite> {
    let data = crate::input::load(path).ok()?;
    let limits = crate::limits::Limits::default();
    let budget = Budget::new(&limits);
    let archive = ZipArchive::parse(&data, &limits).ok()?;
    let bytes = archive
        .read(archive.by_name(apk::MANIFEST_ENTRY)?, &limits, &budget)
        .ok()?;
    let doc = axml::parse(&bytes, &limits).ok()?;
    let m = manifest::from_document(&doc, apk::MANIFEST_ENTRY, None);
    let display = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(ApkLite::of(&display, &m))
}

/// Why the APKs of `dir` are not one split set, `None` when they are:
/// `dir` holds only `.apk` files (hidden files aside), at least two, each
/// readable, and they pass [`check_cluster`] with exactly one base. Two
/// builds of one app left in one folder (two bases, or two versionCodes)
/// are not a set: each APK is then its own artifact.
pub fn split_dir_mismatch(dir: &Path) -> Option<String> {
    let Some(apks) = dir_apks(dir) else {
        return Some("the folder holds files other than APKs".into());
    };
    if apks.len() < 2 {
        return Some("fewer than two APKs".into());
    }
    let mut lites = Vec::with_capacity(apks.len());
    for p in &apks {
        match apk_lite(p) {
            Some(l) => lites.push(l),
            None => {
                return Some(format!(
                    "{}: no readable binary AndroidManifest.xml",
                    p.display()
                ));
            }
        }
    }
    check_cluster(&lites, true).err()
}

/// `true` when `dir` is a directory of split APKs of one app (see
/// [`split_dir_mismatch`]).
pub fn is_split_dir(dir: &Path) -> bool {
    split_dir_mismatch(dir).is_none()
}

/// Scan a directory of split APKs as one app (see [`scan_split_set`]);
/// entries are named by file name (`split_config.arm64_v8a.apk!...`).
pub fn scan_split_dir(
    dir: &Path,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let apks = dir_apks(dir).ok_or_else(|| {
        err(
            "io",
            format!("{}: not a directory of split APKs", dir.display()),
        )
    })?;
    let budget = Budget::new(&opts.limits);
    let mut scanned = Vec::new();
    let mut extra = SetExtra::default();
    for p in apks {
        let display = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = match crate::input::load(&p) {
            Ok(d) => d,
            Err(e) => {
                extra.errors.push(EntryError {
                    entry: display,
                    message: e.to_string(),
                });
                continue;
            }
        };
        match scan_apk_parts(&data, &format!("{display}!"), opts, &budget) {
            Ok(parts) => scanned.push(ScannedApk { display, parts }),
            Err(x) => extra.errors.push(EntryError {
                entry: display,
                message: x.message,
            }),
        }
    }
    finish_set(scanned, extra, opts, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, UsesPermission, UsesPermissionTag};

    fn perm(name: &str, entry: &str) -> UsesPermission {
        UsesPermission {
            name: name.into(),
            tag: UsesPermissionTag::UsesPermission,
            max_sdk_version: None,
            added_by: Vec::new(),
            location: Location::entry(entry),
        }
    }

    #[test]
    fn module_names() {
        let mut m = AndroidManifest::default();
        assert_eq!(module_name(&m, "splits/base-master.apk", true), "base");
        assert_eq!(
            module_name(&m, "split_config.arm64_v8a.apk", false),
            "config.arm64_v8a"
        );
        assert_eq!(
            module_name(&m, "x.xapk!splits/camera_live-master.apk", false),
            "camera_live"
        );
        m.split = Some("config.xxhdpi".into());
        assert_eq!(module_name(&m, "whatever.apk", false), "config.xxhdpi");
    }

    #[test]
    fn merge_keeps_base_facts_and_unions_permissions() {
        let base = AndroidManifest {
            package: Some("com.x".into()),
            version_code: Some(7),
            uses_permissions: vec![perm(
                "android.permission.INTERNET",
                "base.apk!AndroidManifest.xml",
            )],
            ..Default::default()
        };
        let feature = AndroidManifest {
            package: Some("com.x".into()),
            split: Some("cam".into()),
            uses_permissions: vec![
                perm("android.permission.INTERNET", "cam.apk!AndroidManifest.xml"),
                perm("android.permission.CAMERA", "cam.apk!AndroidManifest.xml"),
            ],
            ..Default::default()
        };
        let modules = vec![
            AndroidModule {
                name: "cam".into(),
                manifest: feature,
            },
            AndroidModule {
                name: "base".into(),
                manifest: base,
            },
        ];
        let m = merge_modules(&modules);
        assert_eq!(m.version_code, Some(7));
        assert_eq!(m.split, None);
        let names: Vec<_> = m.uses_permissions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["android.permission.INTERNET", "android.permission.CAMERA"]
        );
        assert_eq!(
            m.uses_permissions[0].location.entry,
            "base.apk!AndroidManifest.xml"
        );
        assert_eq!(
            m.uses_permissions[1].location.entry,
            "cam.apk!AndroidManifest.xml"
        );
    }
}
