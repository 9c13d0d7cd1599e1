//! The scan pipeline: one artifact path in, one `ArtifactReport` out; many
//! paths scanned in parallel (rayon) into a `ScanReport`.
//!
//! Stages run in one direction (DESIGN.md "Pipeline"): load and sniff the
//! input, extract facts with the format modules, detect SDKs, diff against
//! the policy. A failure in one artifact becomes that artifact's `error`;
//! it never stops the others.

use crate::android::apk::AndroidObserved;
use crate::detect::attribute_permissions;
use crate::findings::Code;
use crate::ios::ipa::{IosObserved, PlistObserved};
use crate::limits::{Budget, Limits};
use crate::model::AndroidFacts;
use crate::model::{
    ArtifactError, ArtifactKind, ArtifactReport, Finding, Location, SCHEMA_VERSION, ScanReport,
    ToolInfo,
};
use crate::policy::Policy;
use crate::reader::ReadOptions;
pub use crate::rules::lazy::{CatalogSource, EMBEDDED_CATALOG};
use crate::rules::sdk::Catalog;
use crate::source::SourceObserved;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Everything a scan needs besides its inputs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The declared policy to diff against; `None` reports facts only.
    pub policy: Option<Policy>,
    /// Resource caps per artifact.
    pub limits: Limits,
    /// Read only the manifest / Info.plist (CI gates that only need permissions).
    pub manifest_only: bool,
    /// The SDK catalog (embedded, plus `--rules` extensions). Built on
    /// first use: a `--manifest-only` scan never builds it.
    pub catalog: &'static CatalogSource,
    /// Today's date (`YYYY-MM-DD`), for `[[allow]]` expiry.
    pub today: String,
    /// The Play Data safety export to cross-check (`--data-safety`); a
    /// source tree's own export is used when this is `None`.
    pub data_safety: Option<crate::model::store::DataSafety>,
}

impl Config {
    /// A configuration with the embedded catalog, default limits and no policy.
    pub fn new() -> Self {
        Config {
            policy: None,
            limits: Limits::default(),
            manifest_only: false,
            catalog: &EMBEDDED_CATALOG,
            today: today(),
            data_safety: None,
        }
    }
}

impl Config {
    /// What the format readers get: the limits, the `manifest_only` flag
    /// and the catalog, nothing of the policy.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            limits: self.limits,
            manifest_only: self.manifest_only,
            catalog: self.catalog,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

/// Today's UTC date as `YYYY-MM-DD` (civil-from-days, H. Hinnant's algorithm).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Tool and catalog versions for the report header.
pub fn tool_info(config: &Config) -> ToolInfo {
    ToolInfo {
        name: "privscan".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        catalog_version: config.catalog.version_label(),
    }
}

/// Scan every input (files and directories, see `input::discover`) in
/// parallel; the report lists artifacts in input order.
pub fn scan(inputs: &[PathBuf], config: &Config) -> ScanReport {
    let paths = crate::input::discover(inputs, &is_artifact_dir);
    let artifacts = scan_paths(&paths, config, &|p| scan_path(p, config));
    ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: tool_info(config),
        run: None,
        totals: None,
        artifacts,
    }
}

/// Run `scan_one` over `paths` on the current rayon pool and return the
/// results in `paths` order.
///
/// Two things keep both cores busy to the end of a batch:
/// - the SDK catalog and the matcher groups the inputs will need (Android
///   for APK-like names, Apple for IPAs and `.app` directories) are built
///   on a worker while the first archives are read and inflated (workers
///   that need them wait on their `OnceLock`s);
/// - the largest inputs start first (longest-processing-time order), so a
///   big app is not the last job left running on one core while the
///   others idle.
pub fn scan_paths<T: Send>(
    paths: &[PathBuf],
    config: &Config,
    scan_one: &(dyn Fn(&Path) -> T + Sync),
) -> Vec<T> {
    if !config.manifest_only {
        let is_apple = |p: &PathBuf| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ipa") || e.eq_ignore_ascii_case("app"))
        };
        let apple = paths.iter().any(is_apple);
        let android = paths.iter().any(|p| !is_apple(p));
        let catalog = config.catalog;
        rayon::spawn(move || {
            let c: &Catalog = catalog;
            if android {
                c.warm_android();
            }
            if apple {
                c.warm_apple();
            }
        });
    }
    // Directories (an .app, a split set, a source tree) count as largest:
    // their size is unknown and often large.
    let size = |p: &PathBuf| match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => u64::MAX,
        Ok(m) => m.len(),
        Err(_) => 0,
    };
    let mut order: Vec<(u64, usize)> = paths.iter().map(size).zip(0..).collect();
    order.sort_by_key(|&(size, _)| std::cmp::Reverse(size)); // stable: ties keep input order
    let mut done: Vec<(usize, T)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(_, i)| (i, scan_one(&paths[i])))
        .collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Scan one artifact. Never panics on bad input: problems land in
/// `error` (the artifact could not be scanned) or `entry_errors`.
///
/// The one pipeline every input kind runs: sniff → read (a format reader
/// observes facts and archive/tamper findings) → [`finish`] (permission
/// attribution → policy diff → `[[allow]]` → sort). A new input kind adds
/// a reader and one arm in [`read_dir`] or [`read_loaded`].
pub fn scan_path(path: &Path, config: &Config) -> ArtifactReport {
    let mut report = ArtifactReport::new(path.display().to_string());
    let opts = config.read_options();
    if path.is_dir() {
        let result = read_dir(path, &opts, config.policy.is_some(), &mut report)
            .and_then(|observed| finish(observed, config, &mut report));
        if let Err(e) = result {
            set_error(&mut report, e);
        }
        return report;
    }
    let data = match crate::input::load(path) {
        Ok(d) => d,
        Err(e) => {
            report.error = Some(ArtifactError {
                code: "io".into(),
                message: format!("{}: {e}", path.display()),
            });
            return report;
        }
    };
    report.size = Some(data.len() as u64);
    // The digest reads every byte of the input: hash on another worker
    // while this one scans.
    let (sha256, ()) = rayon::join(
        || sha256_hex(&data),
        || {
            let result = read_loaded(path, &data, &opts, &mut report)
                .and_then(|observed| finish(observed, config, &mut report));
            if let Err(e) = result {
                set_error(&mut report, e);
            }
        },
    );
    report.sha256 = Some(sha256);
    let capped = cap_findings(&report);
    report.findings.extend(match &config.policy {
        Some(policy) => crate::diff::apply_allows_recording(
            capped,
            &policy.allow,
            &config.today,
            &mut report.allows_used,
        ),
        None => capped,
    });
    report
}

/// What a format reader hands the pipeline: the facts it observed (and has
/// not yet put in the report), by the shape of the diff they get.
#[derive(Debug)]
pub enum Observed {
    /// An APK, AAB, split set or loose manifest.
    Android(AndroidObserved),
    /// An IPA or `.app` bundle.
    Ios(Box<IosObserved>),
    /// A loose `Info.plist` or `PrivacyInfo.xcprivacy`.
    Plist(PlistObserved),
    /// A source checkout.
    Source(Box<SourceObserved>),
    /// An Apple SDK package (static library, `.framework`, `.xcframework`):
    /// its facts, SDKs and policy-free checks (PS301/PS302/PS906).
    ApplePackage(Box<crate::package::AppleObserved>),
    /// A loose DEX, ELF or Mach-O file, or a JAR: its facts are in the
    /// report and nothing is diffed.
    Binary,
}

/// What a directory given as input is, by the layout rules of the formats
/// (`.app` by name in `input`; a split set by `android::splits`; a source
/// checkout by `source::discover`). Anything else is walked for files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirKind {
    /// An unzipped `.app` bundle.
    AppBundle,
    /// A folder of split APKs of one app.
    SplitSet,
    /// A source checkout.
    SourceTree,
    /// An SDK package folder: `.framework`, `.xcframework` or an unpacked AAR.
    Package(ArtifactKind),
    /// None of these, and nothing scannable was found under it.
    Nothing,
}

/// Classify a directory scanned as one artifact.
pub fn dir_kind(path: &Path) -> DirKind {
    if crate::input::is_single_artifact_dir(path) {
        DirKind::AppBundle
    } else if let Some(kind) = crate::input::package_sniff::package_dir_kind(path) {
        DirKind::Package(kind)
    } else if crate::android::splits::is_split_dir(path) {
        DirKind::SplitSet
    } else if crate::source::is_source_tree(path) {
        DirKind::SourceTree
    } else {
        DirKind::Nothing
    }
}

/// `true` for a directory that is one artifact by a format's layout (a
/// split set or a source tree); passed to `input::discover`.
pub fn is_artifact_dir(path: &Path) -> bool {
    crate::source::is_source_tree(path) || crate::android::splits::is_split_dir(path)
}

/// Read a directory: an `.app` bundle, a folder of split APKs, or a
/// source tree (see [`dir_kind`]).
fn read_dir(
    path: &Path,
    opts: &ReadOptions,
    policy_given: bool,
    report: &mut ArtifactReport,
) -> Result<Observed, ArtifactError> {
    let kind = dir_kind(path);
    report.kind = match kind {
        DirKind::AppBundle => Some(ArtifactKind::App),
        DirKind::SplitSet => Some(ArtifactKind::Apks),
        DirKind::SourceTree => Some(ArtifactKind::Source),
        DirKind::Package(k) => Some(k),
        DirKind::Nothing => None,
    };
    match kind {
        DirKind::Package(ArtifactKind::Framework) => {
            crate::package::scan_framework_dir(path, opts).map(|p| apple_observed(p, opts, report))
        }
        DirKind::Package(ArtifactKind::Xcframework) => {
            crate::package::scan_xcframework_dir(path, opts)
                .map(|p| apple_observed(p, opts, report))
        }
        DirKind::Package(_) => {
            crate::package::scan_aar_dir(path, opts, report).map(Observed::Android)
        }
        DirKind::Nothing => Err(ArtifactError {
            code: "nothing-to-scan".into(),
            message: format!(
                "nothing to scan under {}: no app or SDK archive, package folder, manifest, binary or source project found",
                path.display()
            ),
        }),
        DirKind::AppBundle => {
            crate::ios::ipa::scan_app_dir(path, opts).map(|o| Observed::Ios(Box::new(o)))
        }
        DirKind::SplitSet => {
            crate::android::splits::scan_split_dir(path, opts, report).map(Observed::Android)
        }
        DirKind::SourceTree => crate::source::scan_source_tree(path, opts, policy_given, report)
            .map(|o| Observed::Source(Box::new(o))),
    }
}

/// Sniff what `data` (read from `path`) is and read it with its format
/// reader.
fn read_loaded(
    path: &Path,
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<Observed, ArtifactError> {
    let Some(kind) = crate::input::sniff(path, data) else {
        return Err(ArtifactError {
            code: "unknown-kind".into(),
            message: format!(
                "{}: not a recognised artifact (expected an APK/AAB/IPA/AAR/JAR archive, AndroidManifest.xml, plist, DEX, ELF, Mach-O or ar static library)",
                path.display()
            ),
        });
    };
    report.kind = Some(kind);
    let budget = Budget::new(&opts.limits);
    use crate::android::{aab, apk, splits};
    use crate::ios::ipa;
    match kind {
        ArtifactKind::Apk => apk::scan_apk(data, opts, &budget, report).map(Observed::Android),
        ArtifactKind::Aab => aab::scan_aab(data, opts, &budget, report).map(Observed::Android),
        ArtifactKind::Apks | ArtifactKind::Xapk => {
            splits::scan_split_set(data, kind, opts, &budget, report).map(Observed::Android)
        }
        ArtifactKind::Ipa => ipa::scan_ipa(data, opts, &budget).map(|o| Observed::Ios(Box::new(o))),
        ArtifactKind::Manifest => {
            apk::scan_manifest_file(data, opts, report).map(Observed::Android)
        }
        ArtifactKind::Dex => apk::scan_dex_file(data, opts, report).map(|()| Observed::Binary),
        ArtifactKind::Elf => apk::scan_elf_file(data, opts, report).map(|()| Observed::Binary),
        ArtifactKind::Plist => ipa::scan_plist_file(data, opts, report).map(Observed::Plist),
        ArtifactKind::Macho => ipa::scan_macho_file(data, opts, report).map(|()| Observed::Binary),
        ArtifactKind::Aar => {
            crate::package::scan_aar(data, opts, &budget, report).map(Observed::Android)
        }
        ArtifactKind::Jar => {
            crate::package::scan_jar(data, opts, &budget, report).map(|()| Observed::Binary)
        }
        ArtifactKind::StaticLib => crate::package::scan_static_lib(data, opts, report)
            .map(|p| apple_observed(p, opts, report)),
        other => Err(ArtifactError {
            code: "unsupported".into(),
            message: format!(
                "{}: {} scanning is not supported yet",
                path.display(),
                other.as_str()
            ),
        }),
    }
}

/// Detection and the policy-free checks of an Apple package's facts.
fn apple_observed(
    pkg: crate::ios::sdk_package::PackageFacts,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Observed {
    Observed::ApplePackage(Box::new(crate::package::observe_apple(pkg, opts, report)))
}

/// PS202/PS106 for the data the build's code reads, and each row's
/// `declared` verdict.
fn diff_collects_into(
    collects: &mut [crate::collects::Collect],
    policy: &crate::policy::Policy,
    catalog: &Catalog,
) -> Vec<Finding> {
    let (findings, declared) = crate::diff::collects::diff_collects(
        collects,
        policy,
        catalog,
        crate::rules::permissions::PermissionCatalog::embedded(),
    );
    for (c, d) in collects.iter_mut().zip(declared) {
        c.declared = Some(d);
    }
    findings
}

/// The stages after reading, for every input kind: permission attribution
/// (SDK → `uses-permission`), the policy diff, `[[allow]]`, the sort, and
/// the facts moved into `report`.
pub fn finish(
    observed: Observed,
    config: &Config,
    report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    use crate::diff::{apply_allows_recording, diff_android, ios, sdk, sort_findings};
    use crate::rules::permissions::PermissionCatalog;
    let policy = config.policy.as_ref();
    let catalog: &Catalog = config.catalog;
    let full = !config.manifest_only;
    // What a source tree brings to the store cross-check: its drafted
    // policy and its own Data safety export.
    let mut from_source: (Option<Policy>, Option<crate::model::store::DataSafety>) = (None, None);
    let store = !matches!(
        observed,
        Observed::ApplePackage(_) | Observed::Binary | Observed::Plist(_)
    );
    match observed {
        Observed::Android(AndroidObserved {
            mut manifest,
            detections,
            mut modules,
        }) => {
            if grants_implied(report.kind, &manifest) {
                manifest.implied_permissions = crate::android::implied::implied_permissions(
                    &manifest,
                    crate::rules::implied::ImpliedRules::embedded(),
                    PermissionCatalog::embedded(),
                );
            }
            if full {
                attribute_permissions(&mut manifest, &detections, catalog);
                for m in &mut modules {
                    attribute_permissions(&mut m.manifest, &detections, catalog);
                }
            }
            for c in &mut report.collects {
                if !c.permission.is_empty() {
                    let requested = manifest
                        .uses_permissions
                        .iter()
                        .map(|u| &u.name)
                        .chain(manifest.implied_permissions.iter().map(|p| &p.name))
                        .any(|n| c.permission.contains(n));
                    c.permission_requested = Some(requested);
                }
            }
            if let Some(policy) = policy {
                let mut findings = diff_android(&manifest, policy, PermissionCatalog::embedded());
                if full {
                    findings.extend(sdk::diff_sdks(&detections, policy, catalog));
                    findings.extend(diff_collects_into(&mut report.collects, policy, catalog));
                }
                report.findings.extend(findings);
                report.policy = Some(policy.source.clone());
                let all = std::mem::take(&mut report.findings);
                report.findings = apply_allows_recording(
                    all,
                    &policy.allow,
                    &config.today,
                    &mut report.allows_used,
                );
            }
            report.sdks = detections;
            report.android = Some(AndroidFacts { manifest, modules });
        }
        Observed::Ios(o) => {
            let IosObserved {
                scan,
                detections,
                collects,
            } = *o;
            report.collects = collects;
            let mut findings = ios::precheck(&scan);
            if let Some(policy) = policy {
                findings.extend(ios::diff_ios(&scan.facts, policy));
                if full {
                    findings.extend(sdk::diff_sdks(&detections, policy, catalog));
                    findings.extend(diff_collects_into(&mut report.collects, policy, catalog));
                }
                report.policy = Some(policy.source.clone());
            }
            let frameworks: Vec<(String, bool)> = scan
                .frameworks
                .iter()
                .map(|f| (f.name.clone(), f.has_privacy_manifest))
                .collect();
            findings.extend(sdk::privacy_manifest_missing(
                &detections,
                catalog,
                &frameworks,
            ));
            if let Some(policy) = policy {
                findings = apply_allows_recording(
                    findings,
                    &policy.allow,
                    &config.today,
                    &mut report.allows_used,
                );
            }
            report.findings.extend(findings);
            report.sdks = detections;
            report.entry_errors.extend(scan.entry_errors);
            report.binaries.extend(scan.binaries);
            report.ios = Some(scan.facts);
        }
        Observed::Plist(PlistObserved {
            facts,
            detections,
            info_plist,
        }) => {
            if let Some(d) = detections {
                report.sdks = d;
            }
            if info_plist && let Some(policy) = policy {
                let findings = ios::diff_ios(&facts, policy);
                report.findings = apply_allows_recording(
                    findings,
                    &policy.allow,
                    &config.today,
                    &mut report.allows_used,
                );
                report.policy = Some(policy.source.clone());
            }
            report.ios = Some(facts);
        }
        Observed::Source(o) => {
            let mut o = *o;
            report.findings.append(&mut o.divergence);
            if let Some(policy) = policy.or(o.drafted.as_ref()) {
                let mut findings = Vec::new();
                if let Some(m) = &mut o.manifest
                    && m.target_sdk.is_some()
                {
                    // Only with a known targetSdkVersion: in a source tree it
                    // usually lives in the build file, not the manifest.
                    m.implied_permissions = crate::android::implied::implied_permissions(
                        m,
                        crate::rules::implied::ImpliedRules::embedded(),
                        PermissionCatalog::embedded(),
                    );
                }
                if let Some(m) = &o.manifest {
                    findings.extend(diff_android(m, policy, PermissionCatalog::embedded()));
                }
                if let Some(i) = &o.ios {
                    findings.extend(ios::diff_ios(i, policy));
                }
                if full {
                    findings.extend(sdk::diff_sdks(&o.release, policy, catalog));
                }
                report.findings.extend(findings);
                report.policy = Some(policy.source.clone());
                let all = std::mem::take(&mut report.findings);
                report.findings = apply_allows_recording(
                    all,
                    &policy.allow,
                    &config.today,
                    &mut report.allows_used,
                );
            }
            sort_findings(&mut report.findings);
            from_source = (o.drafted.take(), o.data_safety.take());
            o.into_report(report)?;
        }
        Observed::ApplePackage(o) => {
            let crate::package::AppleObserved {
                facts,
                detections,
                mut checks,
            } = *o;
            if let Some(policy) = policy {
                checks.extend(ios::diff_ios(&facts, policy));
                if full {
                    checks.extend(sdk::diff_sdks(&detections, policy, catalog));
                }
                report.policy = Some(policy.source.clone());
                checks = apply_allows_recording(
                    checks,
                    &policy.allow,
                    &config.today,
                    &mut report.allows_used,
                );
            }
            report.findings.extend(checks);
            report.sdks = detections;
            report.ios = Some(facts);
        }
        Observed::Binary => {}
    }
    if store {
        let policy = policy.or(from_source.0.as_ref());
        let data_safety = config.data_safety.as_ref().or(from_source.1.as_ref());
        store_into(report, policy, data_safety, catalog, &config.today);
    }
    Ok(())
}

/// The store cross-check (`crate::store::check`) over the facts already in
/// `report`: the per-data-type table into `report.store`, PS5xx findings
/// (after `[[allow]]`) appended to `report.findings`.
fn store_into(
    report: &mut ArtifactReport,
    policy: Option<&Policy>,
    data_safety: Option<&crate::model::store::DataSafety>,
    catalog: &Catalog,
    today: &str,
) {
    let permissions: Vec<(String, Location)> = report
        .android
        .iter()
        .flat_map(|a| &a.manifest.uses_permissions)
        .map(|u| (u.name.clone(), u.location.clone()))
        .collect();
    let inputs = crate::store::StoreInputs {
        data_safety,
        policy,
        ios: report.ios.as_ref(),
        permissions: &permissions,
        sdks: &report.sdks,
        collects: &report.collects,
        catalog,
    };
    let Some((table, mut findings)) = crate::store::check(&inputs) else {
        return;
    };
    if let Some(policy) = policy {
        findings = crate::diff::apply_allows_recording(
            findings,
            &policy.allow,
            today,
            &mut report.allows_used,
        );
    }
    report.store = Some(table);
    report.findings.extend(findings);
}

/// Whether Android's implied and split permissions apply to `m`: every
/// installable kind; a loose manifest only when it names an SDK level
/// (a source manifest without `<uses-sdk>` gets it from the build file);
/// never a library (AAR, JAR), whose permissions the app's merge decides.
fn grants_implied(kind: Option<ArtifactKind>, m: &crate::model::AndroidManifest) -> bool {
    match kind {
        Some(ArtifactKind::Apk | ArtifactKind::Aab | ArtifactKind::Apks | ArtifactKind::Xapk) => {
            true
        }
        Some(ArtifactKind::Manifest) => m.target_sdk.is_some() || m.min_sdk.is_some(),
        _ => false,
    }
}

/// One PS905 finding per entry error that a resource cap caused (the
/// entry, or the rest of the archive, was not read), so an incomplete scan
/// shows in the findings and in `--fail-on medium`, not only in
/// `entry_errors`. The subject is the entry, as `[[allow]]` matches it.
fn cap_findings(report: &ArtifactReport) -> Vec<Finding> {
    let info = Code::PS905.info();
    report
        .entry_errors
        .iter()
        .filter_map(|e| {
            let cap = crate::limits::cap_named_in(&e.message)?;
            let raise = match cap {
                "max_entry_size" => " (raise it with --max-entry-size)",
                "max_total_inflated" => " (raise it with --max-total-inflated)",
                _ => "",
            };
            Some(Finding {
                code: info.id.into(),
                severity: info.severity,
                subject: e.entry.clone(),
                message: format!("not scanned, cap {cap} reached{raise}: {}", e.message),
                clause: None,
                evidence: vec![Location::entry(e.entry.clone())],
            })
        })
        .collect()
}

/// Record why an artifact could not be scanned; the message names the file.
fn set_error(report: &mut ArtifactReport, mut e: ArtifactError) {
    if !e.message.starts_with(&report.path) {
        e.message = format!("{}: {}", report.path, e.message);
    }
    report.error = Some(e);
}

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn lazy_catalog_version_equals_the_built_catalog_version() {
        assert_eq!(
            EMBEDDED_CATALOG.version_label(),
            Catalog::embedded().version()
        );
        assert_ne!(EMBEDDED_CATALOG.version_label(), "unknown");
        let c = Config::new();
        assert!(!c.catalog.sdks().is_empty());
    }

    #[test]
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
        assert_eq!(&t[4..5], "-");
    }
}
