//! The scan pipeline: one artifact path in, one `ArtifactReport` out; many
//! paths scanned in parallel (rayon) into a `ScanReport`.
//!
//! Stages run in one direction (DESIGN.md "Pipeline"): load and sniff the
//! input, extract facts with the format modules, detect SDKs, diff against
//! the policy. A failure in one artifact becomes that artifact's `error`;
//! it never stops the others.

use crate::limits::{Budget, Limits};
use crate::model::{
    ArtifactError, ArtifactKind, ArtifactReport, SCHEMA_VERSION, ScanReport, ToolInfo,
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
    /// The SDK catalog (embedded, plus `--rules` extensions).
    pub catalog: &'static Catalog,
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
            catalog: Catalog::embedded(),
            today: today(),
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
        catalog_version: config.catalog.version().to_string(),
    }
}

/// Scan every input (files and directories, see `input::discover`) in
/// parallel; the report lists artifacts in input order.
pub fn scan(inputs: &[PathBuf], config: &Config) -> ScanReport {
    let paths = crate::input::discover(inputs);
    let artifacts = paths.par_iter().map(|p| scan_path(p, config)).collect();
    ScanReport {
        schema_version: SCHEMA_VERSION,
        tool: tool_info(config),
        artifacts,
    }
}

/// Scan one artifact. Never panics on bad input: problems land in
/// `error` (the artifact could not be scanned) or `entry_errors`.
pub fn scan_path(path: &Path, config: &Config) -> ArtifactReport {
    let mut report = ArtifactReport::new(path.display().to_string());
    if path.is_dir() {
        let result = if crate::input::is_single_artifact_dir(path) {
            report.kind = Some(ArtifactKind::App);
            crate::ios::ipa::scan_app_dir(path, config, &mut report)
        } else if crate::android::splits::is_split_dir(path) {
            report.kind = Some(ArtifactKind::Apks);
            crate::android::splits::scan_split_dir(path, config, &mut report)
        } else {
            report.kind = Some(ArtifactKind::Source);
            crate::source::scan_source_tree(path, config, &mut report)
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
    report.sha256 = Some(sha256_hex(&data));
    let Some(kind) = crate::input::sniff(path, &data) else {
        report.error = Some(ArtifactError {
            code: "unknown-kind".into(),
            message: format!(
                "{}: not a recognised artifact (expected an APK/AAB/IPA archive, AndroidManifest.xml, plist, DEX, ELF or Mach-O)",
                path.display()
            ),
        });
        return report;
    };
    report.kind = Some(kind);
    let budget = Budget::new(&config.limits);
    let result = match kind {
        ArtifactKind::Apk => crate::android::apk::scan_apk(&data, config, &budget, &mut report),
        ArtifactKind::Aab => crate::android::aab::scan_aab(&data, config, &budget, &mut report),
        ArtifactKind::Apks | ArtifactKind::Xapk => {
            crate::android::splits::scan_split_set(&data, kind, config, &budget, &mut report)
        }
        ArtifactKind::Ipa => crate::ios::ipa::scan_ipa(&data, config, &budget, &mut report),
        ArtifactKind::Manifest => {
            crate::android::apk::scan_manifest_file(&data, config, &mut report)
        }
        ArtifactKind::Dex => crate::android::apk::scan_dex_file(&data, config, &mut report),
        ArtifactKind::Elf => crate::android::apk::scan_elf_file(&data, config, &mut report),
        ArtifactKind::Plist => crate::ios::ipa::scan_plist_file(&data, config, &mut report),
        ArtifactKind::Macho => crate::ios::ipa::scan_macho_file(&data, config, &mut report),
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
        set_error(&mut report, e);
    }
    report
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
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
        assert_eq!(&t[4..5], "-");
    }
}
