//! The iOS pipeline: an IPA (zip) or an unzipped `.app` directory →
//! bundle scan (Info.plists, privacy manifests, Mach-O, entitlements) →
//! SDK detection → App Store pre-checks (PS301/PS303) → policy diff
//! (PS102, PS201/PS203, PS302).
//!
//! IPAs are read with the same tolerant archive reader as APKs
//! (`input::zip`); its tamper anomalies describe Android's installer, so
//! for IPAs they are not turned into findings.

use crate::detect::Detector;
use crate::input::zip::ZipArchive;
use crate::ios::bundle::{BundleSource, DirSource, IosScan, scan_bundle};
use crate::limits::{Budget, Limits};
use crate::model::{ArtifactError, ArtifactReport, Location};
use crate::scan::Config;
use std::borrow::Cow;
use std::path::Path;

/// `BundleSource` over an archive: paths are entry names, reads go through
/// the archive's limits and the artifact's inflated-bytes budget.
pub struct ZipSource<'z, 'a> {
    archive: &'z ZipArchive<'a>,
    limits: &'z Limits,
    budget: &'z Budget,
}

impl<'z, 'a> ZipSource<'z, 'a> {
    /// A source reading entries of `archive`.
    pub fn new(archive: &'z ZipArchive<'a>, limits: &'z Limits, budget: &'z Budget) -> Self {
        ZipSource { archive, limits, budget }
    }
}

impl BundleSource for ZipSource<'_, '_> {
    fn paths(&self) -> Vec<String> {
        self.archive.entries().iter().map(|e| e.name.clone()).collect()
    }

    fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, String> {
        let entry = self.archive.by_name(path).ok_or_else(|| format!("{path}: no such entry"))?;
        self.archive.read(entry, self.limits, self.budget).map_err(|e| e.to_string())
    }
}

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError { code: code.into(), message: message.into() }
}

/// Scan an IPA held in `data`, filling `report`.
pub fn scan_ipa(data: &[u8], config: &Config, budget: &Budget, report: &mut ArtifactReport) -> Result<(), ArtifactError> {
    let archive = ZipArchive::parse(data, &config.limits).map_err(|e| err("zip", format!("not a readable zip archive: {e}")))?;
    let source = ZipSource::new(&archive, &config.limits, budget);
    scan_source(&source, config, report)
}

/// Scan an unzipped `.app` bundle directory, filling `report`.
pub fn scan_app_dir(dir: &Path, config: &Config, report: &mut ArtifactReport) -> Result<(), ArtifactError> {
    let source = DirSource::new(dir, &config.limits);
    scan_source(&source, config, report)
}

/// The shared iOS flow over any bundle source.
pub fn scan_source(src: &dyn BundleSource, config: &Config, report: &mut ArtifactReport) -> Result<(), ArtifactError> {
    let scan = scan_bundle(src, &config.limits).map_err(|e| err("ios", e.to_string()))?;
    let mut detector = config.catalog.detector();
    if !config.manifest_only {
        feed_detector(src, &scan, config, &mut detector);
    }
    let detections = detector.finish();
    let mut findings = crate::diff::ios::precheck(&scan);
    if let Some(policy) = &config.policy {
        findings.extend(crate::diff::ios::diff_ios(&scan.facts, policy));
        if !config.manifest_only {
            findings.extend(crate::diff::sdk::diff_sdks(&detections, policy, config.catalog));
        }
        report.policy = Some(policy.source.clone());
    }
    let frameworks: Vec<(String, bool)> =
        scan.frameworks.iter().map(|f| (f.name.clone(), f.has_privacy_manifest)).collect();
    findings.extend(crate::diff::sdk::privacy_manifest_missing(&detections, config.catalog, &frameworks));
    if let Some(policy) = &config.policy {
        findings = crate::diff::apply_allows(findings, &policy.allow, &config.today);
    }
    report.findings.extend(findings);
    report.sdks = detections;
    report.entry_errors.extend(scan.entry_errors);
    report.binaries.extend(scan.binaries);
    report.ios = Some(scan.facts);
    Ok(())
}

/// Feed every iOS fact the catalog can match: file paths, framework names,
/// ObjC classes and symbols of each Mach-O, and the app's Info.plist keys.
fn feed_detector(src: &dyn BundleSource, scan: &IosScan, config: &Config, detector: &mut Detector<'_>) {
    for path in src.paths() {
        detector.file(&path, None, &Location::entry(path.clone()));
    }
    for f in &scan.frameworks {
        let loc = Location::entry(f.binary.clone().unwrap_or_else(|| f.path.clone()));
        detector.framework(&f.name, &loc);
    }
    for (m, b) in scan.machos.iter().zip(&scan.binaries) {
        let loc = Location::entry(b.entry.clone());
        for s in &m.slices {
            for c in &s.facts.objc_classes {
                detector.objc_class(c, &loc);
            }
            for sym in s.facts.imported_symbols.iter().chain(&s.facts.exported_symbols) {
                detector.macho_symbol(sym, &loc);
            }
        }
    }
    for b in &scan.bundles {
        if b.info.is_none() {
            continue;
        }
        if let Ok(bytes) = src.read(&b.info_entry)
            && let Ok((dict, _, _)) = crate::ios::plist::parse_dict(&bytes, &config.limits)
        {
            let loc = Location::entry(b.info_entry.clone());
            for key in dict.keys() {
                detector.plist_key(key, &loc);
            }
        }
    }
}
