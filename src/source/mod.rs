//! Source-repository mode: a mobile app checkout (Android/Gradle, iOS/Xcode,
//! Flutter, React Native/Expo) scanned before anything is built — the CI
//! gate on a pull request.
//!
//! Facts come from the files a build would read: every `AndroidManifest.xml`
//! per module and source set (debug and test sets reported apart), Gradle
//! dependency declarations (Groovy and Kotlin DSL, version catalogs,
//! flavor-scoped configurations), `Podfile.lock`, `Package.resolved`,
//! `pubspec.lock`, `package.json` / `package-lock.json`, `Info.plist`,
//! `INFOPLIST_KEY_*` build settings in `project.pbxproj`, localized
//! `InfoPlist.strings`, Expo `app.json`, `*.entitlements` and
//! `PrivacyInfo.xcprivacy`. Dependencies map to catalog SDKs; the
//! permissions those SDKs' manifests merge in are added as "added by <SDK>
//! at build time" (`merge.rs`). Every fact and finding carries the file
//! (relative to the root) and 1-based line.
//!
//! The policy is `Config::policy` when given; otherwise the repository's own
//! privacy policy (`PRIVACY*.md`, `privacy-policy.*`, `docs/privacy*`...) is
//! drafted from its prose (`policy::extract`) and named in
//! `ArtifactReport::policy`. Two diverging copies of the policy give PS402.
//!
//! Distrusts: every file. Each is read with a size cap
//! ([`discover::MAX_TEXT_BYTES`]); a file that cannot be read or parsed is
//! an `entry_errors` item and the scan goes on.

pub mod discover;
pub mod expo;
pub mod gradle;
pub mod merge;
pub mod npm;
pub mod package_resolved;
pub mod pbxproj;
pub mod podfile_lock;
pub mod pubspec_lock;
pub mod vendored;
pub mod version_catalog;

use crate::detect::Detector;
use crate::findings::Code;
use crate::model::{
    AndroidFacts, AndroidManifest, AndroidModule, ArtifactError, ArtifactReport, Detection,
    EntryError, Finding, IosFacts, Location, UsageDescription, UsesPermission, UsesPermissionTag,
};
use crate::policy::Policy;
use crate::reader::ReadOptions;
use crate::rules::permissions::PermissionCatalog;
use discover::{SourceFiles, SourceSetKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Largest privacy-policy file drafted (bytes).
pub const MAX_POLICY_BYTES: u64 = 2 * 1024 * 1024;

/// `true` when `dir` looks like an app's source checkout rather than a
/// folder of built artifacts: its top level holds `settings.gradle(.kts)`,
/// `build.gradle(.kts)`, `gradlew`, a `*.xcodeproj` / `*.xcworkspace`,
/// `Podfile`, `Package.swift`, `pubspec.yaml`, `app.json` + `package.json`,
/// or an `android/` + `ios/` pair.
pub fn is_source_tree(dir: &Path) -> bool {
    discover::is_source_tree(dir)
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<u32> {
    let at = text.find(needle)?;
    let before = text.get(..at)?;
    let n = before.bytes().filter(|b| *b == b'\n').count();
    u32::try_from(n.saturating_add(1)).ok()
}

fn loc(entry: &str, line: u32, detail: Option<String>) -> Location {
    Location {
        entry: entry.to_string(),
        detail,
        line: (line > 0).then_some(line),
    }
}

/// Read a text file under the size cap; problems become entry errors.
fn read_text(files: &SourceFiles, rel: &str, report: &mut ArtifactReport) -> Option<String> {
    read_bytes(files, rel, report).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn read_bytes(files: &SourceFiles, rel: &str, report: &mut ArtifactReport) -> Option<Vec<u8>> {
    let path = files.abs(rel);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > discover::MAX_TEXT_BYTES {
        entry_error(
            report,
            rel,
            format!(
                "{size} bytes is over the {} byte cap for source files; skipped",
                discover::MAX_TEXT_BYTES
            ),
        );
        return None;
    }
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            entry_error(report, rel, e.to_string());
            None
        }
    }
}

fn entry_error(report: &mut ArtifactReport, entry: &str, message: impl Into<String>) {
    report.entry_errors.push(EntryError {
        entry: entry.to_string(),
        message: message.into(),
    });
}

/// Dependency detections split by where they ship.
struct Deps<'c> {
    /// Release builds (all variants or a flavor).
    release: Detector<'c>,
    /// Debug builds only.
    debug: Detector<'c>,
}

/// Scan a source checkout, filling `report`.
pub fn scan_source_tree(
    dir: &Path,
    opts: &ReadOptions,
    policy_given: bool,
    report: &mut ArtifactReport,
) -> Result<SourceObserved, ArtifactError> {
    if !dir.is_dir() {
        return Err(ArtifactError {
            code: "io".into(),
            message: "not a directory".into(),
        });
    }
    let files = discover::discover(dir);
    if files.truncated {
        entry_error(
            report,
            "",
            format!(
                "stopped after {} files; the rest of the tree was not scanned",
                discover::MAX_FILES
            ),
        );
    }
    for e in &files.errors {
        entry_error(report, "", e.clone());
    }

    let mut deps = Deps {
        release: opts.catalog.detector(),
        debug: opts.catalog.detector(),
    };
    let android = android_facts(&files, opts, report);
    let ios = ios_facts(&files, opts, report, &mut deps.release);
    if !opts.manifest_only {
        gradle_deps(&files, opts.catalog, report, &mut deps);
        ios_deps(&files, report, &mut deps);
        pub_deps(&files, report, &mut deps);
        npm_deps(&files, report, &mut deps);
    }

    let (mut manifest, modules, removed) = match android {
        Some(a) => (Some(a.0), a.1, a.2),
        None => (None, Vec::new(), BTreeSet::new()),
    };
    if let Some(m) = &manifest {
        deps.release.manifest(m);
    }
    // SDK binaries the tree vendors, read by their kinds' readers.
    let vendored = vendored::scan_vendored(&files, opts, report);
    let mut release = deps.release.finish();
    vendored::merge_detections(&mut release, vendored.release);
    let mut debug = deps.debug.finish();
    vendored::merge_detections(&mut debug, vendored.debug_only);
    let release_ids: BTreeSet<&str> = release.iter().map(|d| d.id.as_str()).collect();
    let debug_only: Vec<Detection> = debug
        .into_iter()
        .filter(|d| !release_ids.contains(d.id.as_str()))
        .collect();
    if let Some(m) = manifest.as_mut() {
        let first: BTreeMap<String, Location> = release
            .iter()
            .filter_map(|d| {
                d.evidence
                    .iter()
                    .find(|e| ["gradle", "pub", "npm"].contains(&e.matcher.as_str()))
                    .map(|e| (d.id.clone(), e.location.clone()))
            })
            .collect();
        merge::add_sdk_permissions(m, &release, opts.catalog, &removed, &first);
        for p in vendored.merged_permissions {
            if !removed.contains(&p.name) && !m.uses_permissions.iter().any(|q| q.name == p.name) {
                m.uses_permissions.push(p);
            }
        }
    }

    // The policy: given (the pipeline holds it), or drafted from the
    // repository's own prose; with a given one, the repository's policy
    // files are compared with each other.
    let (drafted, divergence) = if policy_given {
        (None, policy_divergence(&files, report))
    } else {
        (repo_policy(&files, report), Vec::new())
    };
    let data_safety =
        crate::store::data_safety::in_source_tree(&files.root, &files.data_safety, report);
    Ok(SourceObserved {
        manifest,
        modules,
        ios,
        release,
        debug_only,
        drafted,
        divergence,
        data_safety,
    })
}

/// What a source tree gave, before the pipeline's policy diff.
#[derive(Debug)]
pub struct SourceObserved {
    /// The merged Android manifest of the release source sets, if any.
    pub manifest: Option<AndroidManifest>,
    /// One view per Android module / source set.
    pub modules: Vec<AndroidModule>,
    /// The iOS facts (Info.plist, Xcode project), if any.
    pub ios: Option<IosFacts>,
    /// SDKs of release dependencies (diffed against the policy).
    pub release: Vec<Detection>,
    /// SDKs of debug/test dependencies only (reported, not diffed).
    pub debug_only: Vec<Detection>,
    /// The policy drafted from the repository's own prose (when no policy
    /// was given).
    pub drafted: Option<Policy>,
    /// PS9xx findings where the repository's policy files disagree (when a
    /// policy was given).
    pub divergence: Vec<Finding>,
    /// The repository's own Play Data safety export, if one was found.
    pub data_safety: Option<crate::model::store::DataSafety>,
}

impl SourceObserved {
    /// Move the facts into `report` (debug-only SDKs marked as such, usage
    /// descriptions in key order). Fails with `no-app` when the tree held
    /// no app at all.
    pub fn into_report(self, report: &mut ArtifactReport) -> Result<(), ArtifactError> {
        let SourceObserved {
            manifest,
            modules,
            mut ios,
            release,
            debug_only,
            ..
        } = self;
        let mut sdks = release;
        for mut d in debug_only {
            for ev in &mut d.evidence {
                let note = "debug builds only".to_string();
                ev.location.detail = Some(match ev.location.detail.take() {
                    Some(x) => format!("{x}; {note}"),
                    None => note,
                });
            }
            sdks.push(d);
        }
        report.sdks = sdks;
        if let Some(m) = manifest {
            report.android = Some(AndroidFacts {
                manifest: m,
                modules,
            });
        }
        if let Some(i) = ios.as_mut() {
            i.usage_descriptions.sort_by(|a, b| {
                a.key
                    .cmp(&b.key)
                    .then(a.location.entry.cmp(&b.location.entry))
            });
        }
        report.ios = ios;
        if report.android.is_none() && report.ios.is_none() && report.sdks.is_empty() {
            return Err(ArtifactError {
                code: "no-app".into(),
                message: "no AndroidManifest.xml, Info.plist, Xcode project, app.json or dependency lock file found in the source tree".into(),
            });
        }
        Ok(())
    }
}

type AndroidView = (AndroidManifest, Vec<AndroidModule>, BTreeSet<String>);

/// Order in which source sets' manifests feed the merged view.
fn set_rank(k: &SourceSetKind) -> u8 {
    match k {
        SourceSetKind::Main => 0,
        SourceSetKind::Release => 1,
        SourceSetKind::Flavor(_) => 2,
        SourceSetKind::Debug => 3,
        SourceSetKind::Test => 4,
    }
}

fn android_facts(
    files: &SourceFiles,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Option<AndroidView> {
    let test_modules: BTreeSet<String> = files
        .gradle
        .iter()
        .filter(|g| {
            std::fs::read_to_string(files.abs(g))
                .map(|t| gradle::is_test_module(&t))
                .unwrap_or(false)
        })
        .map(|g| g.rsplit_once('/').map(|(d, _)| d).unwrap_or("").to_string())
        .collect();
    let mut manifests: Vec<&discover::ManifestFile> = files
        .manifests
        .iter()
        .filter(|m| m.kind != SourceSetKind::Test && !test_modules.contains(&m.module))
        .collect();
    manifests.sort_by(|a, b| {
        set_rank(&a.kind)
            .cmp(&set_rank(&b.kind))
            .then(
                a.module
                    .matches('/')
                    .count()
                    .cmp(&b.module.matches('/').count()),
            )
            .then(a.rel.cmp(&b.rel))
    });
    let mut merged = AndroidManifest::default();
    let mut modules = Vec::new();
    let mut removed = BTreeSet::new();
    let mut have_app = false;
    for mf in manifests {
        let Some(bytes) = read_bytes(files, &mf.rel, report) else {
            continue;
        };
        let doc = match crate::android::text_manifest::parse(&bytes, &opts.limits) {
            Ok(d) => d,
            Err(e) => {
                entry_error(report, &mf.rel, e.to_string());
                continue;
            }
        };
        for cap in &doc.caps_hit {
            entry_error(report, &mf.rel, format!("read in part: {cap}"));
        }
        let m = crate::android::manifest::from_document(&doc, &mf.rel, None);
        let detail = match &mf.kind {
            SourceSetKind::Flavor(f) => Some(format!("flavor {f}")),
            SourceSetKind::Debug => Some(format!("{} builds only", mf.source_set)),
            _ => None,
        };
        if mf.kind.in_release() {
            removed.extend(merge::removed_permissions(&doc));
            let is_app = !m.components.is_empty() || m.application.name.is_some();
            if !have_app && is_app {
                have_app = true;
                merged.package = m.package.clone();
                merged.version_code = m.version_code;
                merged.version_name = m.version_name.clone();
                merged.min_sdk = m.min_sdk.clone();
                merged.target_sdk = m.target_sdk.clone();
                merged.application = m.application.clone();
            }
            for p in &m.uses_permissions {
                if merged.uses_permissions.iter().any(|q| q.name == p.name) {
                    continue;
                }
                let mut p = p.clone();
                if let Some(d) = &detail {
                    p.location.detail = Some(match p.location.detail.take() {
                        Some(x) => format!("{x}; {d}"),
                        None => d.clone(),
                    });
                }
                merged.uses_permissions.push(p);
            }
            merged.permissions.extend(m.permissions.iter().cloned());
            merged.components.extend(m.components.iter().cloned());
            merged.meta_data.extend(m.meta_data.iter().cloned());
            merged.uses_features.extend(m.uses_features.iter().cloned());
            merged
                .queries_packages
                .extend(m.queries_packages.iter().cloned());
        }
        let name = if mf.module.is_empty() {
            format!("(root):{}", mf.source_set)
        } else {
            format!("{}:{}", mf.module, mf.source_set)
        };
        modules.push(AndroidModule { name, manifest: m });
    }
    // Expo `android.permissions` land in the generated manifest.
    for rel in &files.app_json {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        match expo::parse(&text) {
            Ok(c) => {
                for (name, line) in c.permissions {
                    if !merged.uses_permissions.iter().any(|q| q.name == name) {
                        merged.uses_permissions.push(UsesPermission {
                            name,
                            tag: UsesPermissionTag::UsesPermission,
                            max_sdk_version: None,
                            added_by: Vec::new(),
                            location: loc(rel, line, Some("expo android.permissions".into())),
                        });
                    }
                }
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
    merged
        .uses_permissions
        .retain(|p| !removed.contains(&p.name));
    if modules.is_empty() && merged.uses_permissions.is_empty() {
        return None;
    }
    Some((merged, modules, removed))
}

/// `true` for a bundle that never ships (unit/UI test targets).
fn is_test_path(rel: &str) -> bool {
    rel.split('/')
        .any(|c| c.ends_with("Tests") || c.ends_with("Test") || c == "test" || c == "tests")
}

fn push_usage(ios: &mut IosFacts, key: &str, text: &str, l: Location) {
    if ios
        .usage_descriptions
        .iter()
        .any(|u| u.key == key && u.location.entry == l.entry)
    {
        return;
    }
    ios.usage_descriptions.push(UsageDescription {
        key: key.to_string(),
        text: text.to_string(),
        location: l,
    });
}

fn ios_facts(
    files: &SourceFiles,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
    detector: &mut Detector<'_>,
) -> Option<IosFacts> {
    let mut ios = IosFacts::default();
    let mut any = false;
    for rel in files.info_plists.iter().filter(|r| !is_test_path(r)) {
        let Some(bytes) = read_bytes(files, rel, report) else {
            continue;
        };
        let info = match crate::property_list::parse_info_plist(&bytes, &opts.limits) {
            Ok(i) => i,
            Err(e) => {
                entry_error(report, rel, e.to_string());
                continue;
            }
        };
        any = true;
        let text = String::from_utf8_lossy(&bytes);
        if ios.bundle_id.is_none() && info.package_type.as_deref() != Some("FMWK") {
            // Build-setting references (`$(PRODUCT_BUNDLE_IDENTIFIER)`) are
            // resolved by Xcode, not here: kept out of the facts.
            let literal = |v: &Option<String>| v.clone().filter(|s| !s.contains("$("));
            ios.bundle_id = literal(&info.bundle_id);
            ios.short_version = literal(&info.short_version);
            ios.version = literal(&info.version);
            ios.minimum_os = literal(&info.minimum_os);
        }
        for (k, v) in &info.usage_descriptions {
            let line = line_of(&text, &format!("<key>{k}</key>")).unwrap_or(0);
            push_usage(&mut ios, k, v, loc(rel, line, None));
        }
        for m in &info.background_modes {
            if !ios.background_modes.contains(m) {
                ios.background_modes.push(m.clone());
            }
        }
        for s in &info.queries_schemes {
            if !ios.queries_schemes.contains(s) {
                ios.queries_schemes.push(s.clone());
            }
        }
        for a in &info.ats_exceptions {
            if !ios.ats_exceptions.contains(a) {
                ios.ats_exceptions.push(a.clone());
            }
        }
        for key in info.root.keys() {
            let line = line_of(&text, &format!("<key>{key}</key>")).unwrap_or(0);
            detector.plist_key(key, &loc(rel, line, None));
        }
    }
    for rel in files.pbxproj.iter() {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        any = true;
        for s in pbxproj::usage_settings(&text) {
            push_usage(
                &mut ios,
                &s.key,
                &s.text,
                loc(rel, s.line, Some(format!("INFOPLIST_KEY_{}", s.key))),
            );
        }
    }
    for rel in files.infoplist_strings.iter().filter(|r| !is_test_path(r)) {
        let Some(bytes) = read_bytes(files, rel, report) else {
            continue;
        };
        match crate::property_list::parse_strings(&bytes, &opts.limits) {
            Ok(pairs) => {
                let text = String::from_utf8_lossy(&bytes);
                for (k, v) in pairs {
                    if crate::property_list::is_usage_key(&k) {
                        let line = line_of(&text, &format!("\"{k}\""))
                            .or_else(|| line_of(&text, &k))
                            .unwrap_or(0);
                        push_usage(&mut ios, &k, &v, loc(rel, line, Some("localized".into())));
                    }
                }
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
    for rel in &files.app_json {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        if let Ok(c) = expo::parse(&text) {
            for (k, v, line) in c.usage_descriptions {
                any = true;
                push_usage(
                    &mut ios,
                    &k,
                    &v,
                    loc(rel, line, Some("expo ios.infoPlist".into())),
                );
            }
        }
    }
    for rel in files.entitlements.iter().filter(|r| !is_test_path(r)) {
        let Some(bytes) = read_bytes(files, rel, report) else {
            continue;
        };
        match crate::property_list::parse_dict(&bytes, &opts.limits) {
            Ok((dict, _, _)) => {
                any = true;
                for (k, v) in crate::native::codesign::plist_dict_to_json(&dict) {
                    ios.entitlements.entry(k).or_insert(v);
                }
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
    for rel in files.privacy_manifests.iter().filter(|r| !is_test_path(r)) {
        let Some(bytes) = read_bytes(files, rel, report) else {
            continue;
        };
        match crate::ios::privacy_manifest::parse(&bytes, rel, &opts.limits) {
            Ok(pm) => {
                any = true;
                ios.privacy_manifests.push(pm);
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
    any.then_some(ios)
}

/// Record one dependency in the detector for its scope.
fn feed(deps: &mut Deps<'_>, eco: &str, coordinate: &str, l: Location, debug: bool) {
    if debug {
        deps.debug.dependency(eco, coordinate, &l);
        return;
    }
    deps.release.dependency(eco, coordinate, &l);
}

/// Catalog Gradle coordinates (`group:artifact`) whose artifact is `artifact`.
fn local_coordinates(catalog: &crate::rules::sdk::Catalog, artifact: &str) -> Vec<String> {
    let mut out: Vec<String> = catalog
        .sdks()
        .iter()
        .flat_map(|s| s.matchers.gradle.iter())
        .filter(|g| {
            g.split_once(':')
                .is_some_and(|(_, a)| a.eq_ignore_ascii_case(artifact))
        })
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

fn gradle_deps(
    files: &SourceFiles,
    catalog_sdks: &crate::rules::sdk::Catalog,
    report: &mut ArtifactReport,
    deps: &mut Deps<'_>,
) {
    // Version catalogs: `gradle/<name>.versions.toml` → accessor root `<name>`.
    let mut catalogs: BTreeMap<String, (String, version_catalog::VersionCatalog)> = BTreeMap::new();
    for rel in &files.version_catalogs {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        let name = rel
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".versions.toml"))
            .unwrap_or("libs")
            .to_string();
        match version_catalog::parse(&text) {
            Ok(c) => {
                catalogs.entry(name).or_insert((rel.clone(), c));
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
    for rel in &files.gradle {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        if gradle::is_test_module(&text) {
            continue;
        }
        for d in gradle::parse(&text) {
            let (debug, scope_note) = match &d.scope {
                gradle::DepScope::All => (false, None),
                gradle::DepScope::Flavor(f) => (false, Some(format!("flavor {f}"))),
                gradle::DepScope::Debug => (true, Some("debug builds only".to_string())),
                gradle::DepScope::NotShipped => continue,
            };
            // A BOM (`platform(...)`) only pins versions; it ships no code.
            if d.platform {
                continue;
            }
            let mut detail = d.configuration.clone();
            if let Some(n) = &scope_note {
                detail = format!("{detail}; {n}");
            }
            match &d.target {
                gradle::DepTarget::Coordinate(c) => {
                    feed(deps, "gradle", c, loc(rel, d.line, Some(detail)), debug);
                }
                gradle::DepTarget::LocalFile(path) => {
                    // A local AAR named like a catalog Maven artifact.
                    let Some(artifact) = gradle::local_artifact_name(path) else {
                        continue;
                    };
                    for coord in local_coordinates(catalog_sdks, artifact) {
                        let detail = format!("{detail}; local file {path} = {coord}");
                        feed(
                            deps,
                            "gradle",
                            &coord,
                            loc(rel, d.line, Some(detail)),
                            debug,
                        );
                    }
                }
                gradle::DepTarget::Catalog { catalog, accessor } => {
                    let Some((cat_rel, cat)) = catalogs.get(catalog) else {
                        continue;
                    };
                    for lib in cat.resolve(accessor) {
                        let detail = format!(
                            "{detail}; {catalog}.{accessor} = {} ({cat_rel}:{})",
                            lib.coordinate, lib.line
                        );
                        feed(
                            deps,
                            "gradle",
                            &lib.coordinate,
                            loc(rel, d.line, Some(detail)),
                            debug,
                        );
                    }
                }
            }
        }
    }
}

fn ios_deps(files: &SourceFiles, report: &mut ArtifactReport, deps: &mut Deps<'_>) {
    for rel in &files.podfile_locks {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        for p in podfile_lock::parse(&text) {
            let detail = p.version.as_ref().map(|v| format!("{} {v}", p.name));
            feed(deps, "cocoapods", &p.name, loc(rel, p.line, detail), false);
        }
    }
    for rel in &files.package_resolved {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        match package_resolved::parse(&text) {
            Ok(pins) => {
                for p in pins {
                    let coord = p.location.clone().unwrap_or_else(|| p.identity.clone());
                    let detail = Some(match &p.version {
                        Some(v) => format!("{} {v}", p.identity),
                        None => p.identity.clone(),
                    });
                    feed(deps, "spm", &coord, loc(rel, p.line, detail.clone()), false);
                    if p.location.is_some() {
                        feed(deps, "spm", &p.identity, loc(rel, p.line, detail), false);
                    }
                }
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
}

fn pub_deps(files: &SourceFiles, report: &mut ArtifactReport, deps: &mut Deps<'_>) {
    for rel in &files.pubspec_locks {
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        for p in pubspec_lock::parse(&text) {
            if p.is_dev() {
                continue;
            }
            let detail = Some(format!(
                "{} {} ({})",
                p.name,
                p.version.as_deref().unwrap_or("?"),
                p.dependency
            ));
            feed(deps, "pub", &p.name, loc(rel, p.line, detail), false);
        }
    }
}

/// Directories whose JavaScript packages are tooling, not the app.
fn is_tooling_path(rel: &str) -> bool {
    rel.split('/').any(|c| {
        matches!(
            c,
            "test" | "tests" | "tools" | "scripts" | "e2e" | "example" | "examples" | "docs"
        )
    })
}

fn npm_deps(files: &SourceFiles, report: &mut ArtifactReport, deps: &mut Deps<'_>) {
    for (rel, lock) in files
        .package_json
        .iter()
        .map(|r| (r, false))
        .chain(files.package_locks.iter().map(|r| (r, true)))
    {
        if is_tooling_path(rel) {
            continue;
        }
        let Some(text) = read_text(files, rel, report) else {
            continue;
        };
        let parsed = if lock {
            npm::parse_package_lock(&text)
        } else {
            npm::parse_package_json(&text)
        };
        match parsed {
            Ok(list) => {
                for d in list {
                    let detail = d.version.as_ref().map(|v| format!("{}@{v}", d.name));
                    feed(deps, "npm", &d.name, loc(rel, d.line, detail), false);
                }
            }
            Err(e) => entry_error(report, rel, e.to_string()),
        }
    }
}

/// Draft the repository's own privacy policy (the best-ranked candidate),
/// with the policy's lint findings and PS402 for diverging copies.
fn repo_policy(files: &SourceFiles, report: &mut ArtifactReport) -> Option<Policy> {
    let rel = files.policies.first()?.clone();
    let text = read_policy(files, &rel, report)?;
    let names: Vec<crate::policy::extract::SdkName> = crate::rules::sdk::Catalog::embedded()
        .sdk_names()
        .into_iter()
        .map(Into::into)
        .collect();
    let opts = crate::policy::extract::ExtractOptions {
        permissions: PermissionCatalog::embedded(),
        sdk_names: &names,
        lexicon: crate::policy::extract::Lexicon::embedded(),
    };
    let draft = crate::policy::extract::draft(&text, &rel, &opts);
    report
        .findings
        .extend(crate::policy::lint::lint(&draft, &text));
    let divergence = policy_divergence(files, report);
    report.findings.extend(divergence);
    let mut policy = draft.policy;
    policy.source = rel;
    Some(policy)
}

fn read_policy(files: &SourceFiles, rel: &str, report: &mut ArtifactReport) -> Option<String> {
    let size = std::fs::metadata(files.abs(rel))
        .map(|m| m.len())
        .unwrap_or(0);
    if size > MAX_POLICY_BYTES {
        entry_error(
            report,
            rel,
            format!("privacy policy of {size} bytes is over the {MAX_POLICY_BYTES} byte cap"),
        );
        return None;
    }
    read_text(files, rel, report)
}

/// Words of a policy text, lower-cased, markup stripped to letters/digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_lowercase)
        .collect()
}

/// Jaccard similarity of two word sets, in `[0, 1]`.
pub fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    inter as f64 / union as f64
}

/// PS402 for each policy candidate that is a diverging copy of the main
/// one: same document (word-set similarity at least 0.6) with different
/// words. Language versions and unrelated documents are not copies.
fn policy_divergence(files: &SourceFiles, report: &mut ArtifactReport) -> Vec<Finding> {
    let candidates: Vec<&String> = files
        .policies
        .iter()
        .filter(|p| discover::policy_rank(p).is_some_and(|r| r < 9))
        .collect();
    let Some((first, rest)) = candidates.split_first() else {
        return Vec::new();
    };
    let Some(main_text) = read_policy(files, first, report) else {
        return Vec::new();
    };
    let main_words = words(&main_text);
    let main_set: BTreeSet<String> = main_words.iter().cloned().collect();
    let mut out = Vec::new();
    for other in rest {
        let Some(text) = read_policy(files, other, report) else {
            continue;
        };
        let other_words = words(&text);
        if other_words == main_words {
            continue;
        }
        let other_set: BTreeSet<String> = other_words.iter().cloned().collect();
        let sim = similarity(&main_set, &other_set);
        if sim < 0.6 {
            continue;
        }
        let only_main: Vec<&str> = main_set
            .difference(&other_set)
            .take(6)
            .map(String::as_str)
            .collect();
        let only_other: Vec<&str> = other_set
            .difference(&main_set)
            .take(6)
            .map(String::as_str)
            .collect();
        let first_diff = first_differing_line(&main_text, &text);
        let info = Code::PS402.info();
        out.push(Finding {
            code: info.id.into(),
            severity: info.severity,
            subject: format!("{first} / {other}"),
            message: format!(
                "two copies of the privacy policy diverge: {first} and {other} share {:.0}% of their words but differ (only in {first}: {}; only in {other}: {})",
                sim * 100.0,
                only_main.join(", "),
                only_other.join(", ")
            ),
            clause: None,
            evidence: vec![
                loc(first, first_diff.0, None),
                loc(other, first_diff.1, None),
            ],
        });
    }
    out
}

/// 1-based lines of the first non-blank line pair whose words differ.
fn first_differing_line(a: &str, b: &str) -> (u32, u32) {
    let la: Vec<(usize, Vec<String>)> = a
        .lines()
        .enumerate()
        .map(|(i, l)| (i, words(l)))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let lb: Vec<(usize, Vec<String>)> = b
        .lines()
        .enumerate()
        .map(|(i, l)| (i, words(l)))
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let bset: BTreeSet<&Vec<String>> = lb.iter().map(|(_, w)| w).collect();
    let aset: BTreeSet<&Vec<String>> = la.iter().map(|(_, w)| w).collect();
    let ia = la.iter().find(|(_, w)| !bset.contains(w)).map(|(i, _)| *i);
    let ib = lb.iter().find(|(_, w)| !aset.contains(w)).map(|(i, _)| *i);
    let to_line = |i: Option<usize>| {
        i.and_then(|i| u32::try_from(i.saturating_add(1)).ok())
            .unwrap_or(0)
    };
    (to_line(ia), to_line(ib))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The line readers take any text without panicking.
        #[test]
        fn readers_never_panic(text in "(?s).{0,400}") {
            let _ = gradle::parse(&text);
            let _ = podfile_lock::parse(&text);
            let _ = pubspec_lock::parse(&text);
            let _ = pbxproj::usage_settings(&text);
            let _ = version_catalog::parse(&text);
            let _ = package_resolved::parse(&text);
            let _ = npm::parse_package_json(&text);
            let _ = npm::parse_package_lock(&text);
            let _ = expo::parse(&text);
            let _ = discover::policy_rank(&text);
            let _ = discover::manifest_file(&text);
            let _ = gradle::local_artifact_name(&text);
            let _ = first_differing_line(&text, "a b");
        }

        /// Structured Gradle-ish lines, with quotes and comment markers.
        #[test]
        fn gradle_lines_never_panic(lines in proptest::collection::vec(
            "(implementation|\"playImplementation\"|debugApi|kapt)?[ (]*(platform\\(|files\\()?[\"'/*]{0,3}[a-z.:/*-]{0,20}[\"')]*( //.*| /\\*.*)?", 0..20)) {
            let text = lines.join("\n");
            for d in gradle::parse(&text) {
                prop_assert!(d.line as usize <= lines.len().max(1));
            }
        }
    }

    #[test]
    fn lines() {
        assert_eq!(line_of("a\nb\nc", "c"), Some(3));
        assert_eq!(line_of("abc", "a"), Some(1));
        assert_eq!(line_of("abc", "z"), None);
    }

    #[test]
    fn divergent_lines() {
        let a = "# Policy\n\nWe share with MLS.\nEnd.\n";
        let b = "<!-- c -->\n# Policy\nWe share with BeaconDB.\nEnd.\n";
        assert_eq!(first_differing_line(a, b), (3, 3));
    }
}
