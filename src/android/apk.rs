//! The APK pipeline: archive → manifest (+ resources.arsc) → DEX and native
//! libraries → SDK detection → policy diff. Also the loose-file scanners
//! (a bare AndroidManifest.xml, `.dex` or `.so`).
//!
//! Entries are read the way Android's installer reads them (see
//! `input::zip`); only the entries needed are inflated, and the heavy ones
//! (every `classes*.dex`, every `lib/<abi>/*.so`) are processed in parallel.

use crate::android::xml::{ResourceResolver, XmlDocument, XmlSource};
use crate::android::{arsc, axml, dex, manifest, text_manifest};
use crate::detect::Detector;
use crate::findings::Code;
use crate::input::zip::{AnomalyKind, ZipAnomaly, ZipArchive, ZipEntry};
use crate::limits::Budget;
use crate::model::{AndroidManifest, ArtifactError, ArtifactReport, EntryError, Finding, Location};
use crate::reader::ReadOptions;
use crate::rules::sdk::Catalog;
use rayon::prelude::*;

/// The manifest entry name inside an APK.
pub const MANIFEST_ENTRY: &str = "AndroidManifest.xml";

fn err(code: &str, message: impl Into<String>) -> ArtifactError {
    ArtifactError {
        code: code.into(),
        message: message.into(),
    }
}

/// What one heavy entry (a DEX or a native library) contributes besides
/// its SDK evidence.
#[derive(Default)]
struct EntryScan {
    binary: Option<crate::model::BinaryFacts>,
    errors: Vec<EntryError>,
    findings: Vec<Finding>,
    collects: crate::collects::CollectAcc,
}

/// How an entry is processed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EntryRole {
    Dex,
    /// A root `classes*.dex` that ART never loads (see [`art_loaded_dex`]):
    /// read for hidden code, its SDKs reported as PS901, not as embedded.
    UnloadedDex,
    /// Any other `*.dex` entry (`assets/payload.dex`, `Classes2.dex`): not
    /// an ART multidex name, so never loaded at install; read when its bytes
    /// start with the DEX magic, and its SDKs reported as hidden code
    /// (PS901), since only code that loads it at run time runs it.
    OtherDex,
    NativeLib,
    /// A small SDK marker file (`META-INF/*.version`, `*.properties`): read for its version.
    Marker,
}

pub(crate) fn role_of(name: &str) -> Option<EntryRole> {
    if is_root_dex(name) {
        Some(EntryRole::Dex)
    } else if name.len() > 4
        && name
            .get(name.len() - 4..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".dex"))
    {
        Some(EntryRole::OtherDex)
    } else if name.starts_with("lib/") && name.ends_with(".so") && name.matches('/').count() == 2 {
        Some(EntryRole::NativeLib)
    } else if (name.starts_with("META-INF/") && name.ends_with(".version"))
        || (!name.contains('/') && name.ends_with(".properties"))
        || (name.starts_with("META-INF/") && name.ends_with(".properties"))
    {
        Some(EntryRole::Marker)
    } else {
        None
    }
}

/// `classes.dex`, `classes2.dex`, ... at the archive root (ART's multidex
/// naming, `dex_file_loader.cc`).
pub fn is_root_dex(name: &str) -> bool {
    name.strip_prefix("classes")
        .and_then(|r| r.strip_suffix(".dex"))
        .map(|n| n.is_empty() || n.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(false)
}

/// ART's multidex name for index `i` (ART `dex_file_loader.cc`
/// `DexFileLoader::GetMultiDexClassesDexName`): `classes.dex` for 0,
/// `classes{i+1}.dex` after.
pub fn multidex_name(i: usize) -> String {
    if i == 0 {
        "classes.dex".into()
    } else {
        format!("classes{}.dex", i.saturating_add(1))
    }
}

/// The root DEX entries ART loads from an APK whose entry names are `names`:
/// `classes.dex`, `classes2.dex`, `classes3.dex`, … up to the first name that
/// is missing (ART `dex_file_loader.cc` `DexFileLoader::Open` →
/// `OpenAllDexFilesFromZip`: it opens `GetMultiDexClassesDexName(i)` for
/// i = 0, 1, … and stops at the first one not found). `classes1.dex`,
/// `classes02.dex`, a file after a gap, and any `classesN.dex` without
/// `classes.dex` are never loaded. Bounded by the number of names.
pub fn art_loaded_dex<'n>(
    names: impl IntoIterator<Item = &'n str>,
) -> std::collections::HashSet<&'n str> {
    let present: std::collections::HashSet<&str> =
        names.into_iter().filter(|n| is_root_dex(n)).collect();
    let mut loaded = std::collections::HashSet::new();
    for i in 0..present.len() {
        match present.get(multidex_name(i).as_str()) {
            Some(n) => {
                loaded.insert(*n);
            }
            None => break,
        }
    }
    loaded
}

/// Scan an APK held in `data`, filling `report`.
pub fn scan_apk(
    data: &[u8],
    opts: &ReadOptions,
    budget: &Budget,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let parts = scan_apk_parts(data, "", opts, budget)?;
    let (manifest, detections) = parts.into_report(opts, report);
    Ok(AndroidObserved {
        manifest,
        detections,
        modules: Vec::new(),
    })
}

/// What one APK (or one AAB module, or one split of a split set)
/// contributes before the policy diff: its manifest, its SDK evidence (an
/// unfinished detector, so several APKs can be merged), its binaries,
/// entry errors and findings.
pub(crate) struct ApkParts<'c> {
    pub manifest: AndroidManifest,
    /// `None` until the first SDK evidence: creating a detector waits for
    /// the lazily built catalog, and nothing should wait for it before the
    /// DEX and native entries are inflated (the catalog is built on another
    /// worker meanwhile, see `scan::scan`).
    pub detector: Option<Detector<'c>>,
    opts: &'c ReadOptions,
    pub binaries: Vec<crate::model::BinaryFacts>,
    pub entry_errors: Vec<EntryError>,
    pub findings: Vec<Finding>,
    /// Data-API call sites found in the DEX code.
    pub collects: crate::collects::CollectAcc,
}

impl<'c> ApkParts<'c> {
    /// Empty parts with a fresh detector.
    pub(crate) fn new(opts: &'c ReadOptions) -> Self {
        ApkParts {
            manifest: AndroidManifest::default(),
            detector: None,
            opts,
            binaries: Vec::new(),
            entry_errors: Vec::new(),
            findings: Vec::new(),
            collects: Default::default(),
        }
    }

    /// The detector, created on first use.
    pub(crate) fn detector(&mut self) -> &mut Detector<'c> {
        let opts = self.opts;
        self.detector.get_or_insert_with(|| detector_for(opts))
    }

    /// Merge SDK evidence gathered elsewhere (an entry, another split).
    pub(crate) fn merge_detector(&mut self, other: Option<Detector<'c>>) {
        match (&mut self.detector, other) {
            (_, None) => {}
            (None, Some(d)) => self.detector = Some(d),
            (Some(mine), Some(d)) => mine.merge(d),
        }
    }

    /// Move binaries, entry errors and findings into `report`; finish the
    /// detector and attribute permissions to detected SDKs (both skipped
    /// with `manifest_only`). Returns the manifest and the detections.
    pub(crate) fn into_report(
        self,
        opts: &ReadOptions,
        report: &mut ArtifactReport,
    ) -> (AndroidManifest, Vec<crate::model::Detection>) {
        let manifest = self.manifest;
        report.binaries.extend(self.binaries);
        report.entry_errors.extend(self.entry_errors);
        report.findings.extend(self.findings);
        let mut detections = Vec::new();
        if !opts.manifest_only {
            let done = self.detector.map(Detector::finish_all).unwrap_or_default();
            detections = done.detections;
            report.contacts = done.contacts;
            report.collects = self.collects.finish(
                opts.catalog,
                crate::rules::data_apis::DataApiCatalog::embedded(),
            );
        }
        (manifest, detections)
    }
}

/// One heavy entry to scan: the entry, how to process it, and the entry
/// name reported in locations and errors (the entry name itself, or
/// `split.apk!classes.dex` inside a split set).
pub(crate) struct Work<'e> {
    pub entry: &'e ZipEntry,
    pub role: EntryRole,
    pub display: String,
}

/// Scan the APK in `data` without the policy diff. `prefix` is put in
/// front of every entry name in locations, errors and findings
/// (`"splits/camera-master.apk!"` for an APK inside a split set, `""` for
/// a plain APK).
///
/// Errors: the archive is unreadable, has no `AndroidManifest.xml`, or
/// its manifest does not decode.
pub(crate) fn scan_apk_parts<'c>(
    data: &[u8],
    prefix: &str,
    opts: &'c ReadOptions,
    budget: &Budget,
) -> Result<ApkParts<'c>, ArtifactError> {
    let limits = &opts.limits;
    let archive = ZipArchive::parse(data, limits)
        .map_err(|e| err("zip", format!("{prefix}not a readable zip archive: {e}")))?;
    let manifest_entry = format!("{prefix}{MANIFEST_ENTRY}");

    // The manifest: what Android's installer reads first.
    let entry = archive.by_name(MANIFEST_ENTRY).ok_or_else(|| {
        err(
            "no-manifest",
            format!("{prefix}no AndroidManifest.xml entry: not an installable APK"),
        )
    })?;
    let bytes = archive.read(entry, limits, budget).map_err(|e| {
        // A cap hit is `limit` (the artifact as a whole is too big),
        // anything else a broken archive.
        let code = match e {
            crate::input::zip::ZipError::Limit(_) => "limit",
            _ => "zip",
        };
        err(code, format!("{manifest_entry}: {e}"))
    })?;
    let doc =
        axml::parse(&bytes, limits).map_err(|e| err("axml", format!("{manifest_entry}: {e}")))?;
    let mut parts = ApkParts::new(opts);
    let mut findings = axml_findings(&doc, &manifest_entry);
    // Read in part at a cap: what was read is reported, and the cap too
    // (an entry error naming it becomes PS905 in the pipeline).
    if let Some(cap) = archive.cap_hit() {
        parts.entry_errors.push(EntryError {
            entry: format!("{prefix}(central directory)"),
            message: format!("central directory read in part: {cap}"),
        });
    }
    parts
        .entry_errors
        .extend(caps_hit_errors(&doc, &manifest_entry));

    // resources.arsc only when the manifest holds references to resolve.
    let table = if has_references(&doc) {
        let arsc_entry = format!("{prefix}resources.arsc");
        match archive
            .by_name("resources.arsc")
            .map(|e| archive.read(e, limits, budget))
        {
            Some(Ok(bytes)) => match arsc::ResourceTable::parse(&bytes, limits) {
                Ok(t) => Some(t),
                Err(e) => {
                    parts.entry_errors.push(EntryError {
                        entry: arsc_entry,
                        message: e.to_string(),
                    });
                    None
                }
            },
            Some(Err(e)) => {
                parts.entry_errors.push(EntryError {
                    entry: arsc_entry,
                    message: e.to_string(),
                });
                None
            }
            None => None,
        }
    } else {
        None
    };
    parts.manifest = manifest::from_document(
        &doc,
        &manifest_entry,
        table.as_ref().map(|t| t as &dyn ResourceResolver),
    );

    if !opts.manifest_only {
        let loaded = art_loaded_dex(archive.entries().iter().map(|e| e.name.as_str()));
        let work: Vec<Work<'_>> = archive
            .entries()
            .iter()
            .filter_map(|e| {
                role_of(&e.name).map(|role| Work {
                    entry: e,
                    role: match role {
                        EntryRole::Dex if !loaded.contains(e.name.as_str()) => {
                            EntryRole::UnloadedDex
                        }
                        r => r,
                    },
                    display: format!("{prefix}{}", e.name),
                })
            })
            .collect();
        // Inflate and scan first: the detector (and so the catalog) is
        // needed only once bytes are ready.
        scan_heavy(&archive, &work, opts, budget, &mut parts);
        let detector = parts.detector.get_or_insert_with(|| detector_for(opts));
        detector.manifest(&parts.manifest);
        for e in archive.entries() {
            let display = format!("{prefix}{}", e.name);
            detector.file(&e.name, None, &Location::entry(display));
        }
    }
    // Archive anomalies, including CRC mismatches found while reading.
    let read_anomalies = archive.read_anomalies();
    let mut tamper = archive_findings(archive.anomalies().iter().chain(&read_anomalies));
    if !prefix.is_empty() {
        for f in &mut tamper {
            for ev in &mut f.evidence {
                ev.entry = format!("{prefix}{}", ev.entry);
            }
        }
    }
    tamper.append(&mut findings);
    tamper.append(&mut parts.findings);
    parts.findings = tamper;
    Ok(parts)
}

/// Scan the heavy entries in `work` in parallel (each worker inflates one
/// entry at a time) and merge what they contribute into `parts`.
pub(crate) fn scan_heavy<'c>(
    archive: &ZipArchive<'_>,
    work: &[Work<'_>],
    opts: &'c ReadOptions,
    budget: &Budget,
    parts: &mut ApkParts<'c>,
) {
    // Each worker inflates one entry at a time, and the gate bounds the
    // inflated bytes held at once across workers.
    let gate = InflightGate::new(MAX_INFLIGHT_BYTES);
    let scans: Vec<(EntryScan, Option<Detector<'c>>)> = work
        .par_iter()
        .map(|w| {
            let e = w.entry;
            // Stored entries are borrowed, over-cap ones are never inflated.
            let inflates = e.method == 8 && e.uncompressed_size <= opts.limits.max_entry_size;
            let held = if inflates { e.uncompressed_size } else { 0 };
            let _permit = gate.acquire(held);
            scan_entry(archive, w, opts, budget)
        })
        .collect();
    for (s, detector) in scans {
        parts.merge_detector(detector);
        parts.binaries.extend(s.binary);
        parts.collects.merge(s.collects);
        parts.entry_errors.extend(s.errors);
        parts.findings.extend(s.findings);
    }
}

/// The detector for `config`. A `--manifest-only` scan matches no SDKs, so
/// it gets an empty catalog and never pays for building the real one (the
/// embedded catalog is built lazily, see `scan::CatalogSource`).
pub(crate) fn detector_for(opts: &ReadOptions) -> Detector<'_> {
    static EMPTY: std::sync::OnceLock<Option<Catalog>> = std::sync::OnceLock::new();
    match EMPTY.get_or_init(|| Catalog::from_texts(&[]).ok()) {
        Some(empty) if opts.manifest_only => empty.detector(),
        _ => opts.catalog.detector(),
    }
}

/// Most inflated bytes the parallel entry workers hold at once (an entry
/// larger than this runs alone). Bounds peak memory independently of the
/// thread count: without it, N threads × a 64 MiB DEX each.
const MAX_INFLIGHT_BYTES: u64 = 128 * 1024 * 1024;

/// A byte-counting semaphore: `acquire(n)` waits until `n` more bytes fit
/// under the cap, or nothing else is held.
struct InflightGate {
    held: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
    cap: u64,
}

struct InflightPermit<'g> {
    gate: &'g InflightGate,
    n: u64,
}

impl InflightGate {
    fn new(cap: u64) -> Self {
        InflightGate {
            held: std::sync::Mutex::new(0),
            freed: std::sync::Condvar::new(),
            cap,
        }
    }

    fn acquire(&self, n: u64) -> InflightPermit<'_> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        while *held > 0 && held.saturating_add(n) > self.cap {
            held = self.freed.wait(held).unwrap_or_else(|p| p.into_inner());
        }
        *held = held.saturating_add(n);
        InflightPermit { gate: self, n }
    }
}

impl Drop for InflightPermit<'_> {
    fn drop(&mut self) {
        let mut held = self.gate.held.lock().unwrap_or_else(|p| p.into_inner());
        *held = held.saturating_sub(self.n);
        self.gate.freed.notify_all();
    }
}

fn scan_entry<'c>(
    archive: &ZipArchive<'_>,
    w: &Work<'_>,
    opts: &'c ReadOptions,
    budget: &Budget,
) -> (EntryScan, Option<Detector<'c>>) {
    let e = w.entry;
    let mut out = EntryScan::default();
    let loc = Location::entry(w.display.clone());
    if w.role == EntryRole::Marker && e.uncompressed_size > 64 * 1024 {
        return (out, None);
    }
    let bytes = match archive.read(e, &opts.limits, budget) {
        Ok(b) => b,
        Err(err) => {
            out.errors.push(EntryError {
                entry: w.display.clone(),
                message: err.to_string(),
            });
            return (out, None);
        }
    };
    // Waits here (not before the read) for the catalog being built.
    let mut detector = opts.catalog.detector();
    match w.role {
        EntryRole::Dex => scan_dex_bytes(&bytes, &w.display, opts, &mut detector, &mut out),
        EntryRole::UnloadedDex | EntryRole::OtherDex => {
            // An asset that only looks like code by its name is no code.
            if w.role == EntryRole::OtherDex && !bytes.starts_with(b"dex\n") {
                return (out, None);
            }
            // Its own detector, never merged: SDKs here are not embedded
            // code the app runs, they are hidden code (PS901).
            scan_dex_bytes(&bytes, &w.display, opts, &mut detector, &mut out);
            let sdks: Vec<String> = detector.finish().into_iter().map(|d| d.name).collect();
            out.findings
                .push(hidden_dex(&w.display, &sdks, w.role == EntryRole::OtherDex));
            return (out, None);
        }
        EntryRole::NativeLib => {
            let file_name = e.name.rsplit('/').next().unwrap_or(&e.name);
            detector.native_lib(file_name, &loc);
            scan_elf_bytes(&bytes, &w.display, &mut detector, &mut out);
        }
        EntryRole::Marker => detector.file(&e.name, Some(&bytes), &loc),
    }
    (out, Some(detector))
}

/// A PS901 finding for a DEX that ART never loads, with the SDKs found in
/// it: a root `classes*.dex` outside the unbroken `classes.dex`,
/// `classes2.dex`, … sequence (code shipped where analysis tools look and
/// the device does not), or, with `other_name`, a DEX under another name
/// (`assets/payload.dex`, `Classes2.dex`), run only by code that loads it
/// itself (`DexClassLoader`), as packers and plugin frameworks hide code
/// from install-time analysis.
fn hidden_dex(entry: &str, sdks: &[String], other_name: bool) -> Finding {
    let info = Code::PS901.info();
    let found = if sdks.is_empty() {
        "no catalogued SDK".to_owned()
    } else {
        sdks.join(", ")
    };
    let why = if other_name {
        "is a DEX file outside ART's multidex entries (classes.dex, classes2.dex, ...), never loaded at install; only code that loads it at run time (DexClassLoader) runs it"
    } else {
        "is never loaded by ART (not in the unbroken classes.dex, classes2.dex, ... sequence)"
    };
    Finding {
        code: info.id.into(),
        severity: info.severity,
        subject: entry.into(),
        message: format!("hidden code: {entry} {why}; it holds {found}, not reported as embedded"),
        clause: None,
        evidence: vec![Location::entry(entry.to_string())],
    }
}

/// A PS902 finding for a binary the platform would refuse to load.
fn not_loadable(entry: &str, message: String) -> Finding {
    let info = Code::PS902.info();
    Finding {
        code: info.id.into(),
        severity: info.severity,
        subject: entry.into(),
        message,
        clause: None,
        evidence: vec![Location::entry(entry.to_string())],
    }
}

fn scan_dex_bytes(
    bytes: &[u8],
    entry: &str,
    opts: &ReadOptions,
    detector: &mut Detector<'_>,
    out: &mut EntryScan,
) {
    let loc = Location::entry(entry.to_string());
    // Version markers and contact hosts, once over the whole file (every
    // container section).
    detector.strings(bytes, &loc);
    let mut summary: Option<crate::model::DexSummary> = None;
    // Every logical DEX of a v041 container (ART `DexFileLoader::Open`
    // walks them by `file_size`); a pre-041 file is one section.
    for (i, section) in dex::sections(bytes, &opts.limits).enumerate() {
        let file = match section {
            Ok(f) => f,
            Err(e) => {
                let message = if i == 0 {
                    e.to_string()
                } else {
                    format!("DEX container section {}: {e}", i + 1)
                };
                out.errors.push(EntryError {
                    entry: entry.into(),
                    message,
                });
                break;
            }
        };
        let what = if i == 0 && file.is_container_last() {
            String::new()
        } else {
            format!(
                " (container section {} at offset 0x{:x})",
                i + 1,
                file.header_offset()
            )
        };
        for d in file.class_descriptors() {
            match d {
                Ok(desc) => detector.dex_class(desc, &loc),
                Err(e) => {
                    out.errors.push(EntryError {
                        entry: entry.into(),
                        message: format!("{e}{what}"),
                    });
                    break;
                }
            }
        }
        scan_dex_code(&file, entry, opts, out);
        if !file.loadable_on_art() {
            out.findings.push(not_loadable(
                entry,
                format!(
                    "DEX version {}{what} is not loadable on ART (only old Dalvik runs it)",
                    String::from_utf8_lossy(file.version())
                ),
            ));
        }
        if let Some((stored, computed)) = file.checksum_mismatch() {
            out.findings.push(not_loadable(
                entry,
                format!(
                    "DEX checksum 0x{stored:08x}{what} does not match the Adler-32 0x{computed:08x} of its bytes from offset 12: ART opens app DEX files with verify_checksum and refuses it (dex_file_verifier \"Bad checksum\"), so this code never runs"
                ),
            ));
        }
        let s = file.summary();
        match &mut summary {
            None => summary = Some(s),
            Some(t) => {
                t.classes = t.classes.saturating_add(s.classes);
                t.types = t.types.saturating_add(s.types);
                t.strings = t.strings.saturating_add(s.strings);
                t.sections = t.sections.saturating_add(1);
            }
        }
    }
    if let Some(dex) = summary {
        out.binary = Some(crate::model::BinaryFacts {
            entry: entry.into(),
            format: "dex".into(),
            slices: Vec::new(),
            dex: Some(dex),
        });
    }
}

/// The data-API call sites of one DEX (`crate::collects`); a walk that
/// skipped code is an entry error (the scan read that DEX only in part).
fn scan_dex_code(file: &dex::DexFile<'_>, entry: &str, opts: &ReadOptions, out: &mut EntryScan) {
    let apis = crate::rules::data_apis::DataApiCatalog::embedded();
    match crate::android::dex_collects::scan_dex(file, entry, opts.catalog, apis) {
        Ok((acc, stats)) => {
            out.collects.merge(acc);
            if !stats.complete() {
                let mut what = stats.errors.join("; ");
                if stats.truncated {
                    what.push_str(&format!(
                        "{}code walk stopped at the work cap ({}x the file size)",
                        if what.is_empty() { "" } else { "; " },
                        crate::android::dex_code::WORK_FACTOR
                    ));
                }
                out.errors.push(EntryError {
                    entry: entry.into(),
                    message: format!("code read in part ({} problems): {what}", stats.error_count),
                });
            }
        }
        Err(e) => out.errors.push(EntryError {
            entry: entry.into(),
            message: format!("code not read: {e}"),
        }),
    }
}

fn scan_elf_bytes(bytes: &[u8], entry: &str, detector: &mut Detector<'_>, out: &mut EntryScan) {
    match crate::native::elf::parse_with_anomalies(bytes, entry) {
        Ok((facts, anomalies)) => {
            // Section-header defects bionic's dlopen refuses (hostile-inputs E1).
            let dlopen: Vec<&str> = anomalies
                .iter()
                .map(String::as_str)
                .filter(|a| a.contains("dlopen"))
                .collect();
            if !dlopen.is_empty() {
                out.findings.push(not_loadable(entry, dlopen.join("; ")));
            }
            let loc = Location::entry(entry.to_string());
            detector.strings(bytes, &loc);
            for slice in &facts.slices {
                for sym in slice.exported_symbols.iter().chain(&slice.imported_symbols) {
                    detector.elf_symbol(sym, &loc);
                }
            }
            out.binary = Some(facts);
        }
        Err(e) => out.errors.push(EntryError {
            entry: entry.into(),
            message: e.to_string(),
        }),
    }
}

/// What an Android reader observed, before the pipeline's permission
/// attribution and policy diff: the (merged) manifest, the SDK detections
/// (empty with `manifest_only`) and, for an AAB or a split set, the
/// per-module / per-split views (empty for a single APK or manifest).
#[derive(Debug)]
pub struct AndroidObserved {
    /// The app's manifest (for an AAB or split set, merged over modules).
    pub manifest: AndroidManifest,
    /// SDKs detected in the app's code, manifest and files.
    pub detections: Vec<crate::model::Detection>,
    /// One entry per AAB module or split APK.
    pub modules: Vec<crate::model::AndroidModule>,
}

/// `true` when an attribute near the top of the manifest is a resource
/// reference (so a resource table is worth reading).
pub(crate) fn has_references(doc: &XmlDocument) -> bool {
    use crate::android::xml::{AttrValue, XmlElement};
    fn walk(el: &XmlElement, depth: u32) -> bool {
        if depth > 3 {
            return false;
        }
        el.attributes
            .iter()
            .any(|a| matches!(a.value, AttrValue::Reference(_)))
            || el.children.iter().any(|c| walk(c, depth + 1))
    }
    walk(&doc.root, 0)
}

/// PS901/PS902 findings for the archive's anomalies, one per anomaly.
pub fn archive_findings<'a>(anomalies: impl Iterator<Item = &'a ZipAnomaly>) -> Vec<Finding> {
    anomalies
        .filter_map(|a| {
            let code = match a.severity() {
                AnomalyKind::Tampered => Code::PS901,
                AnomalyKind::NotInstallable => Code::PS902,
                AnomalyKind::Info => return None,
            };
            let info = code.info();
            Some(Finding {
                code: info.id.into(),
                severity: info.severity,
                subject: anomaly_entry(a).unwrap_or("archive").to_string(),
                message: a.to_string(),
                clause: None,
                evidence: vec![Location::entry(anomaly_entry(a).unwrap_or("").to_string())],
            })
        })
        .collect()
}

/// The entry an anomaly is about, `None` for archive-level ones.
fn anomaly_entry(a: &ZipAnomaly) -> Option<&str> {
    use ZipAnomaly as A;
    match a {
        A::EncryptionFlag { entry, .. }
        | A::UnknownCompressionMethod { entry, .. }
        | A::StoredSizeMismatch { entry, .. }
        | A::LocalHeaderMismatch { entry, .. }
        | A::LocalNameMismatch { entry, .. }
        | A::LocalHeaderMissing { entry, .. }
        | A::LocalHeaderAfterCentralDirectory { entry, .. }
        | A::EntryOutOfBounds { entry, .. }
        | A::InvalidEntryName { entry, .. }
        | A::SuspiciousEntryName { entry, .. }
        | A::CrcMismatch { entry, .. } => Some(entry),
        A::DuplicateEntry { name, .. } => Some(name),
        A::OverlappingEntries { a, .. } => Some(a),
        _ => None,
    }
}

/// One entry error per cap the manifest decoder hit (the document was read
/// in part); each message ends with the cap's name, so the pipeline turns
/// it into PS905 and the scan fails the gate instead of looking clean.
pub fn caps_hit_errors(doc: &XmlDocument, entry: &str) -> Vec<EntryError> {
    doc.caps_hit
        .iter()
        .map(|cap| EntryError {
            entry: entry.to_string(),
            message: format!("read in part: {cap}"),
        })
        .collect()
}

/// PS903 findings for AXML anomalies (one finding listing them all).
pub fn axml_findings(doc: &XmlDocument, entry: &str) -> Vec<Finding> {
    if doc.source != XmlSource::Binary || doc.anomalies.is_empty() {
        return Vec::new();
    }
    let info = Code::PS903.info();
    vec![Finding {
        code: info.id.into(),
        severity: info.severity,
        subject: entry.into(),
        message: format!("binary XML tampered: {}", doc.anomalies.join("; ")),
        clause: None,
        evidence: vec![Location::entry(entry.to_string())],
    }]
}

/// Scan a loose AndroidManifest.xml, binary or text.
pub fn scan_manifest_file(
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<AndroidObserved, ArtifactError> {
    let entry = std::path::Path::new(&report.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| MANIFEST_ENTRY.into());
    let is_text = data
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .map(|b| *b == b'<' || *b == 0xEF)
        .unwrap_or(false);
    let doc = if is_text {
        text_manifest::parse(data, &opts.limits).map_err(|e| err("xml", e.to_string()))?
    } else {
        axml::parse(data, &opts.limits).map_err(|e| err("axml", e.to_string()))?
    };
    report.findings.extend(axml_findings(&doc, &entry));
    report.entry_errors.extend(caps_hit_errors(&doc, &entry));
    let manifest = manifest::from_document(&doc, &entry, None);
    let mut detections = Vec::new();
    if !opts.manifest_only {
        let mut detector = opts.catalog.detector();
        detector.manifest(&manifest);
        detections = detector.finish();
    }
    Ok(AndroidObserved {
        manifest,
        detections,
        modules: Vec::new(),
    })
}

/// Scan a loose `.dex` file.
pub fn scan_dex_file(
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    let mut out = EntryScan::default();
    let mut detector = opts.catalog.detector();
    scan_dex_bytes(data, "", opts, &mut detector, &mut out);
    if out.binary.is_none() {
        let msg = out
            .errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "unreadable DEX".into());
        return Err(err("dex", msg));
    }
    report.binaries.extend(out.binary);
    report.entry_errors.extend(out.errors);
    report.findings.extend(out.findings);
    let done = detector.finish_all();
    report.sdks = done.detections;
    report.contacts = done.contacts;
    report.collects = out.collects.finish(
        opts.catalog,
        crate::rules::data_apis::DataApiCatalog::embedded(),
    );
    Ok(())
}

/// Scan a loose ELF shared object.
pub fn scan_elf_file(
    data: &[u8],
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> Result<(), ArtifactError> {
    let mut out = EntryScan::default();
    let mut detector = opts.catalog.detector();
    let name = std::path::Path::new(&report.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    detector.native_lib(&name, &Location::entry(""));
    detector.artifact_name(&name);
    scan_elf_bytes(data, "", &mut detector, &mut out);
    // A loose library may have been renamed; its DT_SONAME still names it.
    let sonames: Vec<String> = out
        .binary
        .iter()
        .flat_map(|b| b.slices.iter().filter_map(|s| s.soname.clone()))
        .collect();
    for soname in sonames {
        detector.native_lib(&soname, &Location::entry(""));
    }
    if out.binary.is_none() {
        let msg = out
            .errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "unreadable ELF".into());
        return Err(err("elf", msg));
    }
    report.binaries.extend(out.binary);
    report.findings.extend(out.findings);
    let done = detector.finish_all();
    report.sdks = done.detections;
    report.contacts = done.contacts;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflight_gate_bounds_bytes_held_at_once() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let gate = InflightGate::new(100);
        let (now, peak) = (AtomicU64::new(0), AtomicU64::new(0));
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for n in [40u64, 60, 30, 250, 10] {
                        let _p = gate.acquire(n);
                        let v = now.fetch_add(n, Ordering::SeqCst) + n;
                        peak.fetch_max(v, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        now.fetch_sub(n, Ordering::SeqCst);
                    }
                });
            }
        });
        // 250 is over the cap: it runs alone; everything else fits in 100.
        assert_eq!(peak.load(Ordering::SeqCst), 250);
        assert_eq!(*gate.held.lock().unwrap(), 0);
    }

    #[test]
    fn multidex_names() {
        assert!(is_root_dex("classes.dex"));
        assert!(is_root_dex("classes2.dex"));
        assert!(is_root_dex("classes10.dex"));
        assert!(!is_root_dex("classesX.dex"));
        assert!(!is_root_dex("assets/classes.dex"));
        assert!(!is_root_dex("classes.dex.bak"));
    }

    #[test]
    fn entry_roles() {
        assert!(role_of("lib/arm64-v8a/libfoo.so") == Some(EntryRole::NativeLib));
        assert!(role_of("lib/arm64-v8a/sub/libfoo.so").is_none());
        assert!(
            role_of("META-INF/com.google.firebase_firebase-analytics.version")
                == Some(EntryRole::Marker)
        );
        assert!(role_of("firebase-common.properties") == Some(EntryRole::Marker));
        assert!(role_of("res/raw/x.properties").is_none());
    }
}
