//! The scan pipeline: one artifact path in, one `ArtifactReport` out; many
//! paths scanned in parallel (rayon) into a `ScanReport`.
//!
//! Stages run in one direction (DESIGN.md "Pipeline"): load and sniff the
//! input, extract facts with the format modules, detect SDKs, diff against
//! the policy. A failure in one artifact becomes that artifact's `error`;
//! it never stops the others.

use crate::findings::Code;
use crate::limits::{Budget, Limits};
use crate::model::{
    ArtifactError, ArtifactKind, ArtifactReport, Finding, Location, SCHEMA_VERSION, ScanReport,
    ToolInfo,
};
use crate::policy::Policy;
use crate::rules::sdk::Catalog;
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
        }
    }
}

/// Where a scan's SDK catalog comes from. Dereferences to the
/// [`Catalog`]; the embedded one is parsed and its automata compiled on the
/// first dereference (about 60 M instructions, most of a `--manifest-only`
/// scan's cost if done eagerly), so paths that never match SDKs never pay
/// for it. `&CatalogSource` coerces to `&Catalog` wherever one is expected.
#[derive(Debug)]
pub enum CatalogSource {
    /// The catalog embedded in the binary ([`Catalog::embedded`]), built lazily.
    Embedded,
    /// A catalog built by the caller (e.g. with `--rules` extensions).
    Custom(Box<Catalog>),
}

impl std::ops::Deref for CatalogSource {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        match self {
            CatalogSource::Embedded => Catalog::embedded(),
            CatalogSource::Custom(c) => c,
        }
    }
}

impl CatalogSource {
    /// A caller-built catalog, leaked to `'static` for the scan's lifetime
    /// (one per process run).
    pub fn custom(catalog: Catalog) -> &'static CatalogSource {
        Box::leak(Box::new(CatalogSource::Custom(Box::new(catalog))))
    }

    /// The catalog version without building the catalog: every catalog
    /// carries the version of `rules/catalog.toml`.
    pub fn version_label(&self) -> String {
        match self {
            CatalogSource::Embedded => embedded_catalog_version(),
            CatalogSource::Custom(c) => c.version().to_string(),
        }
    }
}

/// The embedded catalog, built on first dereference.
pub static EMBEDDED_CATALOG: CatalogSource = CatalogSource::Embedded;

/// `version` of the embedded `rules/catalog.toml` (the value
/// [`Catalog::version`] reports), read without building the catalog.
fn embedded_catalog_version() -> String {
    #[derive(serde::Deserialize)]
    struct Header {
        version: String,
    }
    toml::from_str::<Header>(crate::rules::sdk::CATALOG_TOML)
        .map(|h| h.version)
        .unwrap_or_else(|_| "unknown".into())
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
    let paths = crate::input::discover(inputs);
    let artifacts = scan_paths(&paths, config, &|p| scan_path(p, config));
    ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: tool_info(config),
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
pub fn scan_path(path: &Path, config: &Config) -> ArtifactReport {
    let mut report = ArtifactReport::new(path.display().to_string());
    if path.is_dir() {
        let package = crate::input::package_sniff::package_dir_kind(path);
        let result = if crate::input::is_single_artifact_dir(path) {
            report.kind = Some(ArtifactKind::App);
            crate::ios::ipa::scan_app_dir(path, config, &mut report)
        } else if let Some(kind) = package {
            report.kind = Some(kind);
            match kind {
                ArtifactKind::Framework => {
                    crate::package::scan_framework_dir(path, config, &mut report)
                }
                ArtifactKind::Xcframework => {
                    crate::package::scan_xcframework_dir(path, config, &mut report)
                }
                _ => crate::package::scan_aar_dir(path, config, &mut report),
            }
        } else if crate::android::splits::is_split_dir(path) {
            report.kind = Some(ArtifactKind::Apks);
            crate::android::splits::scan_split_dir(path, config, &mut report)
        } else if crate::source::is_source_tree(path) {
            report.kind = Some(ArtifactKind::Source);
            crate::source::scan_source_tree(path, config, &mut report)
        } else {
            Err(ArtifactError {
                code: "nothing-to-scan".into(),
                message: format!(
                    "nothing to scan under {}: no app or SDK archive, package folder, manifest, binary or source project found",
                    path.display()
                ),
            })
        };
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
        || scan_loaded(path, &data, config, &mut report),
    );
    report.sha256 = Some(sha256);
    let capped = cap_findings(&report);
    report.findings.extend(match &config.policy {
        Some(policy) => crate::diff::apply_allows(capped, &policy.allow, &config.today),
        None => capped,
    });
    report
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

/// Sniff what `data` (read from `path`) is and scan it into `report`.
fn scan_loaded(path: &Path, data: &[u8], config: &Config, report: &mut ArtifactReport) {
    let Some(kind) = crate::input::sniff(path, data) else {
        report.error = Some(ArtifactError {
            code: "unknown-kind".into(),
            message: format!(
                "{}: not a recognised artifact (expected an APK/AAB/IPA/AAR/JAR archive, AndroidManifest.xml, plist, DEX, ELF, Mach-O or ar static library)",
                path.display()
            ),
        });
        return;
    };
    report.kind = Some(kind);
    let budget = Budget::new(&config.limits);
    let result = match kind {
        ArtifactKind::Apk => crate::android::apk::scan_apk(data, config, &budget, report),
        ArtifactKind::Aab => crate::android::aab::scan_aab(data, config, &budget, report),
        ArtifactKind::Apks | ArtifactKind::Xapk => {
            crate::android::splits::scan_split_set(data, kind, config, &budget, report)
        }
        ArtifactKind::Ipa => crate::ios::ipa::scan_ipa(data, config, &budget, report),
        ArtifactKind::Manifest => crate::android::apk::scan_manifest_file(data, config, report),
        ArtifactKind::Dex => crate::android::apk::scan_dex_file(data, config, report),
        ArtifactKind::Elf => crate::android::apk::scan_elf_file(data, config, report),
        ArtifactKind::Plist => crate::ios::ipa::scan_plist_file(data, config, report),
        ArtifactKind::Macho => crate::ios::ipa::scan_macho_file(data, config, report),
        ArtifactKind::Aar => crate::package::scan_aar(data, config, &budget, report),
        ArtifactKind::Jar => crate::package::scan_jar(data, config, &budget, report),
        ArtifactKind::StaticLib => crate::package::scan_static_lib(data, config, report),
        other => Err(ArtifactError {
            code: "unsupported".into(),
            message: format!(
                "{}: {} scanning is not supported yet",
                path.display(),
                other.as_str()
            ),
        }),
    };
    if let Err(e) = result {
        set_error(report, e);
    }
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
