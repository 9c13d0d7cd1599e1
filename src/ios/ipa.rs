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
use crate::ios::bundle::{BundleSource, DirSource, IosScan, scan_bundle_with};
use crate::limits::{Budget, Limits};
use crate::model::{ArtifactError, ArtifactReport, Location};
use crate::reader::ReadOptions;
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
        ZipSource {
            archive,
            limits,
            budget,
        }
    }
}

impl BundleSource for ZipSource<'_, '_> {
    fn paths(&self) -> Vec<String> {
        self.archive
            .entries()
            .iter()
            .map(|e| e.name.clone())
            .collect()
    }

    fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, String> {
        let entry = self
            .archive
            .by_name(path)
            .ok_or_else(|| format!("{path}: no such entry"))?;
        self.archive
            .read(entry, self.limits, self.budget)
            .map_err(|e| e.to_string())
    }
}

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError {
        code: code.into(),
        message: message.into(),
    }
}

/// Read an IPA held in `data` (facts for the pipeline; see [`IosObserved`]).
pub fn scan_ipa(
    data: &[u8],
    opts: &ReadOptions,
    budget: &Budget,
) -> Result<IosObserved, ArtifactError> {
    let archive = ZipArchive::parse(data, &opts.limits)
        .map_err(|e| err("zip", format!("not a readable zip archive: {e}")))?;
    let source = ZipSource::new(&archive, &opts.limits, budget);
    scan_source(&source, opts)
}

/// Read an unzipped `.app` bundle directory (see [`IosObserved`]).
pub fn scan_app_dir(dir: &Path, opts: &ReadOptions) -> Result<IosObserved, ArtifactError> {
    let source = DirSource::new(dir, &opts.limits);
    scan_source(&source, opts)
}

/// What an iOS reader observed, before the pipeline's precheck and policy
/// diff: the bundle scan (facts, binaries, entry errors, frameworks) and
/// the SDK detections (empty with `manifest_only`).
#[derive(Debug)]
pub struct IosObserved {
    /// Everything read from the bundle.
    pub scan: IosScan,
    /// SDKs detected in the bundle's files, binaries and Info.plist keys.
    pub detections: Vec<crate::model::Detection>,
    /// Data APIs the binaries reference (empty with `manifest_only`).
    pub collects: Vec<crate::collects::Collect>,
    /// Hosts of catalog `domains` in the binaries' string data (empty with
    /// `manifest_only`); see `crate::detect::Finished::contacts`.
    pub contacts: Vec<crate::model::Contact>,
}

/// What a loose property list gave: its facts, the SDKs its keys name
/// (`None` with `manifest_only` or for a privacy manifest), and whether it
/// is an `Info.plist` (diffed against the policy) rather than a
/// `PrivacyInfo.xcprivacy` (facts only).
#[derive(Debug)]
pub struct PlistObserved {
    /// The facts read from the file.
    pub facts: crate::model::IosFacts,
    /// SDKs named by the plist's keys.
    pub detections: Option<Vec<crate::model::Detection>>,
    /// `true` for an `Info.plist`.
    pub info_plist: bool,
}

/// The shared iOS flow over any bundle source.
pub fn scan_source(
    src: &dyn BundleSource,
    opts: &ReadOptions,
) -> Result<IosObserved, ArtifactError> {
    // The catalog's string pass runs beside each Mach-O's parse, while its
    // bytes are held (contacts and version strings of the app's binaries).
    let scan = scan_bundle_with(src, &opts.limits, opts.string_pass()).map_err(|e| {
        let code = match e {
            crate::ios::bundle::IosError::NoInfoPlist { .. } => "no-info-plist",
            _ => "ios",
        };
        err(code, e.to_string())
    })?;
    let mut detector = opts.catalog.detector();
    if !opts.manifest_only {
        feed_detector(src, &scan, opts, &mut detector);
    }
    let done = detector.finish_all();
    let collects = if opts.manifest_only {
        Vec::new()
    } else {
        ios_collects(&scan, opts)
    };
    Ok(IosObserved {
        scan,
        detections: done.detections,
        collects,
        contacts: done.contacts,
    })
}

/// What each Mach-O references from the data-API catalog; a binary inside
/// `X.framework/` belongs to the SDK whose `framework` matcher names `X`,
/// any other to the app (`crate::native::macho_collects::scan_macho`).
fn ios_collects(scan: &IosScan, opts: &ReadOptions) -> Vec<crate::collects::Collect> {
    let apis = crate::rules::data_apis::DataApiCatalog::embedded();
    let catalog: &crate::rules::sdk::Catalog = opts.catalog;
    let mut acc = crate::collects::CollectAcc::default();
    for (m, b) in scan.machos.iter().zip(&scan.binaries) {
        let owner = b
            .entry
            .split('/')
            .find_map(|seg| seg.strip_suffix(".framework"))
            .and_then(|fw| catalog.apple().frameworks.get(&fw.to_lowercase()))
            .and_then(|owners| owners.first())
            .map(|(sdk, _)| *sdk);
        acc.merge(crate::native::macho_collects::scan_macho(
            &b.entry, &m.slices, owner, apis,
        ));
    }
    acc.finish(catalog, apis)
}

/// Feed every iOS fact the catalog can match: file paths, framework names,
/// ObjC classes and symbols of each Mach-O, and the app's Info.plist keys.
fn feed_detector(
    src: &dyn BundleSource,
    scan: &IosScan,
    opts: &ReadOptions,
    detector: &mut Detector<'_>,
) {
    for path in src.paths() {
        detector.file(&path, None, &Location::entry(path.clone()));
    }
    for f in &scan.frameworks {
        let loc = Location::entry(f.binary.clone().unwrap_or_else(|| f.path.clone()));
        let plist = format!("{}Info.plist", f.path);
        detector.framework_with_version(&f.name, f.version.as_deref(), &plist, &loc);
    }
    for (i, (m, b)) in scan.machos.iter().zip(&scan.binaries).enumerate() {
        let loc = Location::entry(b.entry.clone());
        if let Some(hits) = scan.string_hits.get(i) {
            detector.apply_strings(hits, &loc);
        }
        for s in &m.slices {
            for c in &s.facts.objc_classes {
                detector.objc_class(c, &loc);
            }
            for sym in s
                .facts
                .imported_symbols
                .iter()
                .chain(&s.facts.exported_symbols)
            {
                detector.macho_symbol(sym, &loc);
            }
        }
    }
    for b in &scan.bundles {
        if b.info.is_none() {
            continue;
        }
        if let Ok(bytes) = src.read(&b.info_entry)
            && let Ok((dict, _, _)) = crate::property_list::parse_dict(&bytes, &opts.limits)
        {
            let loc = Location::entry(b.info_entry.clone());
            for key in dict.keys() {
                detector.plist_key(key, &loc);
            }
        }
    }
}

/// Scan a loose property list: an `Info.plist` (bundle id, versions, usage
/// descriptions; PS102 with a policy) or a `PrivacyInfo.xcprivacy`.
pub fn scan_plist_file(
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<PlistObserved, ArtifactError> {
    let entry = file_name(&report.path);
    let mut facts = crate::model::IosFacts::default();
    let info_plist = !entry.ends_with(".xcprivacy");
    let mut detections = None;
    if entry.ends_with(".xcprivacy") {
        let pm = crate::ios::privacy_manifest::parse(data, &entry, &opts.limits)
            .map_err(|e| err("plist", e.to_string()))?;
        facts.privacy_manifests.push(pm);
    } else {
        let info = crate::property_list::parse_info_plist(data, &opts.limits)
            .map_err(|e| err("plist", e.to_string()))?;
        facts.bundle_id = info.bundle_id;
        facts.short_version = info.short_version;
        facts.version = info.version;
        facts.minimum_os = info.minimum_os;
        facts.background_modes = info.background_modes;
        facts.queries_schemes = info.queries_schemes;
        facts.ats_exceptions = info.ats_exceptions;
        if !info.xml_tricks.is_empty() {
            report
                .findings
                .push(crate::property_list::tamper::plist_tampered(
                    &entry,
                    &info.xml_tricks.join("; "),
                ));
        }
        if !info.collapsed_keys.is_empty() {
            report.entry_errors.push(crate::model::EntryError {
                entry: entry.clone(),
                message: format!(
                    "keys {:?} share objects that expand past their share of {} bytes; the rest of the plist is read (max_plist_bytes)",
                    info.collapsed_keys,
                    crate::property_list::MAX_VALUE_BYTES
                ),
            });
        }
        facts.usage_descriptions = info
            .usage_descriptions
            .into_iter()
            .map(|(key, text)| crate::model::UsageDescription {
                location: Location::detail(entry.clone(), key.clone()),
                key,
                text,
            })
            .collect();
        if !opts.manifest_only
            && let Ok((dict, _, _)) = crate::property_list::parse_dict(data, &opts.limits)
        {
            let mut detector = opts.catalog.detector();
            let loc = Location::entry(entry.clone());
            for key in dict.keys() {
                detector.plist_key(key, &loc);
            }
            detections = Some(detector.finish());
        }
    }
    Ok(PlistObserved {
        facts,
        detections,
        info_plist,
    })
}

/// Scan a loose Mach-O (thin or fat): architectures, linked dylibs,
/// symbols, ObjC classes and SDK fingerprints.
pub fn scan_macho_file(
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    let facts = match crate::native::macho::parse(data, "", &opts.limits) {
        Ok(f) => f,
        Err(e) if e.is_not_loadable() => {
            // Reported, not an error: the file is read, and iOS refuses it.
            let info = crate::findings::Code::PS902.info();
            report.findings.push(crate::model::Finding {
                code: info.id.into(),
                severity: info.severity,
                subject: report.path.clone(),
                message: e.to_string(),
                clause: None,
                evidence: vec![Location::entry("")],
            });
            return Ok(());
        }
        Err(e) => return Err(err("macho", e.to_string())),
    };
    let mut detector = opts.catalog.detector();
    let loc = Location::entry("");
    detector.strings(data, &loc);
    let name = file_name(&report.path);
    detector.framework(name.trim_end_matches(".dylib"), &loc);
    for s in &facts.slices {
        // A framework binary names itself in LC_ID_DYLIB:
        // `@rpath/AdjustSigSdk.framework/AdjustSigSdk`.
        if let Some(id) = &s.facts.soname
            && let Some(fw) = id.split('/').find_map(|seg| seg.strip_suffix(".framework"))
        {
            detector.framework(fw, &loc);
        }
        for c in &s.facts.objc_classes {
            detector.objc_class(c, &loc);
        }
        for sym in s
            .facts
            .imported_symbols
            .iter()
            .chain(&s.facts.exported_symbols)
        {
            detector.macho_symbol(sym, &loc);
        }
    }
    for w in facts.warnings() {
        report.entry_errors.push(crate::model::EntryError {
            entry: String::new(),
            message: w,
        });
    }
    let done = detector.finish_all();
    report.sdks = done.detections;
    report.contacts = done.contacts;
    report.binaries.push(facts.binary);
    Ok(())
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
