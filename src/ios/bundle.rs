//! IPA / `.app` bundle layout: finds `Payload/<Name>.app/`, its main
//! executable (`CFBundleExecutable`), app extensions (`PlugIns/*.appex`,
//! `Extensions/*.appex`), watch apps (`Watch/*.app`), embedded frameworks
//! (`Frameworks/*.framework`) and loose dylibs (`Frameworks/*.dylib`), every
//! `PrivacyInfo.xcprivacy` and `*.lproj/InfoPlist.strings`, and turns them
//! into `IosFacts` + per-binary `BinaryFacts`.
//!
//! Reads through the `BundleSource` trait so it does not depend on any
//! archive reader: an unzipped `.app` directory (`DirSource`), a map of
//! entries (tests), or the project's zip reader. Distrusts every entry: a bad
//! plist or Mach-O of one bundle becomes an `EntryError` and the rest is
//! still scanned; the only fatal error is "no app bundle at all".
//!
//! Layout facts: Apple "Placing content in a bundle" and "Bundle Programming
//! Guide: iOS app bundle structure"; an IPA is a zip whose root holds `Payload/`.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::ios::privacy_manifest;
use crate::limits::Limits;
use crate::model::{
    BinaryFacts, EntryError, IosBundle, IosFacts, Location, PrivacyManifest, UsageDescription,
};
use crate::native::macho::{self, MachOFacts};
use crate::property_list::{InfoPlist, parse_info_plist, parse_strings};

/// Where the files of an IPA or `.app` come from. Paths use `/` separators
/// and are relative to the archive root (or to the directory scanned).
pub trait BundleSource {
    /// Every file path (directories may be listed with a trailing `/`; they are ignored).
    fn paths(&self) -> Vec<String>;
    /// The bytes of one file, or a message saying why it cannot be read.
    fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, String>;
}

impl BundleSource for HashMap<String, Vec<u8>> {
    fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = self.keys().cloned().collect();
        v.sort();
        v
    }
    fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, String> {
        self.get(path)
            .map(|v| Cow::Borrowed(v.as_slice()))
            .ok_or_else(|| format!("no entry '{path}'"))
    }
}

/// An unzipped bundle on disk: `root` is the `.app` directory itself (or a
/// directory holding `Payload/` or one `.app`). Symlinks are not followed.
#[derive(Debug, Clone)]
pub struct DirSource {
    /// The directory scanned: a `.app`, or a folder holding `Payload/` or one `.app`.
    pub root: PathBuf,
    /// Largest file read (bytes).
    pub max_file_size: u64,
}

impl DirSource {
    /// A source reading `root` with the per-entry cap of `limits`.
    pub fn new(root: impl Into<PathBuf>, limits: &Limits) -> Self {
        DirSource {
            root: root.into(),
            max_file_size: limits.max_entry_size,
        }
    }
}

impl BundleSource for DirSource {
    fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if !e.file_type().is_file() {
                continue;
            }
            if let Ok(rel) = e.path().strip_prefix(&self.root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
        out.sort();
        out
    }
    fn read(&self, path: &str) -> Result<Cow<'_, [u8]>, String> {
        if path.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(format!("refusing path '{path}'"));
        }
        let full: PathBuf = self.root.join(Path::new(path));
        let meta = std::fs::symlink_metadata(&full).map_err(|e| format!("{path}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{path}: not a regular file"));
        }
        if meta.len() > self.max_file_size {
            return Err(format!(
                "{path}: {} bytes, over the per-entry cap of {} bytes",
                meta.len(),
                self.max_file_size
            ));
        }
        std::fs::read(&full)
            .map(Cow::Owned)
            .map_err(|e| format!("{path}: {e}"))
    }
}

/// Bytes of Mach-O files held in memory at once while parsing in parallel.
pub const PARSE_BATCH_BYTES: usize = 256 * 1024 * 1024;

/// Why a bundle could not be scanned at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IosError {
    /// No `Payload/<Name>.app/` entry and no root `Info.plist`.
    #[error(
        "no iOS app bundle: none of the {entries} entries is inside Payload/<Name>.app/ (nor is there an Info.plist at the root)"
    )]
    NoAppBundle {
        /// Number of entries (files) the source listed.
        entries: usize,
    },
    /// The main app's `Info.plist` is missing or unreadable. iOS refuses
    /// to install such a bundle (`installd` reads `CFBundleIdentifier` and
    /// `CFBundleExecutable` from it first), and without it there is no
    /// app identity, no usage descriptions and no executable name: the
    /// artifact is not scanned rather than reported clean.
    #[error("{entry}: the app's Info.plist {reason}; iOS would not install this bundle")]
    NoInfoPlist {
        /// The Info.plist entry (`Payload/X.app/Info.plist`).
        entry: String,
        /// `is missing`, or `is unreadable: <parse error>`.
        reason: String,
    },
}

/// Kind of a bundle inside the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BundleKind {
    /// The main app (`Payload/<Name>.app/`).
    App,
    /// An app extension (`PlugIns/*.appex` or `Extensions/*.appex`).
    Appex,
    /// A watch app (`Watch/*.app`).
    Watch,
    /// An embedded framework (`Frameworks/*.framework`).
    Framework,
    /// A loose `Frameworks/*.dylib`.
    Dylib,
}

impl BundleKind {
    /// `app`, `appex`, `watch`, `framework`, `dylib`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleKind::App => "app",
            BundleKind::Appex => "appex",
            BundleKind::Watch => "watch",
            BundleKind::Framework => "framework",
            BundleKind::Dylib => "dylib",
        }
    }
}

/// One bundle as scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedBundle {
    /// Bundle directory with a trailing `/` (`Payload/A.app/PlugIns/S.appex/`),
    /// or the dylib's entry for `Dylib`; `""` when a `.app` directory is the root.
    pub path: String,
    /// What kind of bundle this is.
    pub kind: BundleKind,
    /// The Info.plist entry and what it says (`None` when absent or unreadable).
    pub info_entry: String,
    /// The parsed Info.plist; `None` when absent or unreadable (an `EntryError` says which).
    pub info: Option<InfoPlist>,
    /// Entry of the Mach-O executable, when present.
    pub executable_entry: Option<String>,
    /// Index into `IosScan::machos` of the parsed executable.
    pub macho: Option<usize>,
    /// Indexes into `IosFacts::privacy_manifests` of the manifests this
    /// bundle owns (its own and those of resource bundles inside it).
    pub privacy_manifests: Vec<usize>,
}

/// An embedded framework or dylib.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkInfo {
    /// `FirebaseAnalytics` (from `FirebaseAnalytics.framework`) or the dylib file name.
    pub name: String,
    /// Bundle directory (`.../Frameworks/X.framework/`) or dylib entry.
    pub path: String,
    /// Whether a `PrivacyInfo.xcprivacy` was found in the framework (or a resource bundle inside it).
    pub has_privacy_manifest: bool,
    /// Entry of the framework's Mach-O, when present.
    pub binary: Option<String>,
    /// `CFBundleIdentifier` of the framework's Info.plist; `None` when absent (always for a dylib).
    pub bundle_id: Option<String>,
    /// The SDK version the framework's Info.plist states
    /// ([`crate::property_list::InfoPlist::sdk_version`]:
    /// `CFBundleShortVersionString`, or `CFBundleVersion` behind Xcode's
    /// template `1.0`); `None` when absent or only the template default.
    pub version: Option<String>,
}

/// A localized purpose string from `<lang>.lproj/InfoPlist.strings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizedUsage {
    /// Usage-description key, e.g. `NSCameraUsageDescription` (only `NS*UsageDescription` keys are kept).
    pub key: String,
    /// The localized purpose string.
    pub text: String,
    /// `en`, `zh-Hans`, `Base`...
    pub language: String,
    /// The `InfoPlist.strings` entry it was read from.
    pub entry: String,
}

/// Everything read from one IPA / `.app`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IosScan {
    /// The `IosFacts` reported for the artifact (main-app Info.plist, usage keys, privacy manifests, entitlements).
    pub facts: IosFacts,
    /// One entry per parsed Mach-O (same order as `machos`).
    pub binaries: Vec<BinaryFacts>,
    /// Per-entry problems (bad plist, bad Mach-O...) that did not stop the scan.
    pub entry_errors: Vec<EntryError>,
    /// Embedded frameworks and loose dylibs, in entry order.
    pub frameworks: Vec<FrameworkInfo>,
    /// The app directory (`Payload/A.app/`, or `""`).
    pub app_path: String,
    /// Every bundle found: app, extensions, watch apps, frameworks and dylibs.
    pub bundles: Vec<ScannedBundle>,
    /// Every parsed Mach-O with its slice-level details (same order as `binaries`).
    pub machos: Vec<MachOFacts>,
    /// Catalog string hits (contact hosts, version markers) of each parsed
    /// Mach-O, same order as `machos`; empty when scanned without a catalog
    /// ([`scan_bundle`]) rather than with one ([`scan_bundle_with`]).
    pub string_hits: Vec<crate::detect::StringHits>,
    /// Localized usage strings from every `*.lproj/InfoPlist.strings`.
    pub localized: Vec<LocalizedUsage>,
    /// Mach-O files iOS would refuse to load (fat header rejected by XNU or
    /// dyld): `(entry, reason)`, reported as PS902.
    pub not_loadable: Vec<(String, String)>,
    /// XML plists with tricks CoreFoundation reads differently from most
    /// tools (`InfoPlist::xml_tricks`): `(entry, notes joined)`, PS903.
    pub xml_tampered: Vec<(String, String)>,
}

fn is_dir_name(seg: &str, ext: &str) -> bool {
    seg.len() > ext.len() && seg.ends_with(ext)
}

/// Finds the app directory among `paths`: `Payload/<X>.app/` at the root,
/// else one nested one level deeper (reported), else a `.app` root.
fn find_app_root(paths: &[String], errors: &mut Vec<EntryError>) -> Option<String> {
    let mut root_apps = BTreeSet::new();
    let mut nested = BTreeSet::new();
    for p in paths {
        let segs: Vec<&str> = p.split('/').collect();
        if let [first, name, _, ..] = segs.as_slice()
            && *first == "Payload"
            && is_dir_name(name, ".app")
        {
            root_apps.insert(format!("Payload/{name}/"));
        }
        if let [top, payload, name, _, ..] = segs.as_slice()
            && *top != "__MACOSX"
            && *payload == "Payload"
            && is_dir_name(name, ".app")
        {
            nested.insert(format!("{top}/Payload/{name}/"));
        }
    }
    if let Some(first) = root_apps.iter().next() {
        if root_apps.len() > 1 {
            errors.push(EntryError {
                entry: "Payload/".into(),
                message: format!(
                    "Payload/ holds {} app bundles; scanning {first} only",
                    root_apps.len()
                ),
            });
        }
        return Some(first.clone());
    }
    if let Some(first) = nested.iter().next() {
        errors.push(EntryError {
            entry: first.clone(),
            message: "Payload/ is not at the archive root; iOS would not install this IPA (scanned anyway)".into(),
        });
        return Some(first.clone());
    }
    if paths.iter().any(|p| p == "Info.plist") {
        return Some(String::new());
    }
    // A directory holding a single `<X>.app/`.
    let apps: BTreeSet<String> = paths
        .iter()
        .filter_map(|p| {
            p.split('/')
                .next()
                .filter(|s| is_dir_name(s, ".app"))
                .map(|s| format!("{s}/"))
        })
        .collect();
    apps.into_iter().next()
}

/// Direct child bundles `<parent><dir>/<X><ext>/` present in `paths`.
fn child_bundles(paths: &[String], parent: &str, dir: &str, ext: &str) -> Vec<String> {
    let prefix = format!("{parent}{dir}/");
    let mut out = BTreeSet::new();
    for p in paths {
        if let Some(rest) = p.strip_prefix(&prefix)
            && let Some((name, _)) = rest.split_once('/')
            && is_dir_name(name, ext)
        {
            out.insert(format!("{prefix}{name}/"));
        }
    }
    out.into_iter().collect()
}

fn stem(bundle_path: &str) -> String {
    let name = bundle_path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned()
}

/// Scans an IPA or `.app` from `src`.
///
/// Errors: only `NoAppBundle`. Every per-entry problem (unreadable
/// Info.plist, missing executable, bad Mach-O, bad privacy manifest...) is an
/// `EntryError` in the result.
pub fn scan_bundle(src: &dyn BundleSource, limits: &Limits) -> Result<IosScan, IosError> {
    scan_bundle_with(src, limits, None)
}

/// The catalog whose string pass ([`crate::detect::scan_strings`]) runs
/// over a binary's bytes beside its parse (on the same worker thread, while
/// the bytes are held); a lazy catalog is built only when first needed.
pub type BinaryPass<'p> = &'p crate::rules::lazy::CatalogSource;

/// [`scan_bundle`], plus the string pass of catalog `pass` over each parsed Mach-O's bytes, into
/// [`IosScan::string_hits`] (after the parse: a lazy catalog the pass needs
/// is waited on only once the first binary is read and parsed).
pub fn scan_bundle_with(
    src: &dyn BundleSource,
    limits: &Limits,
    pass: Option<BinaryPass<'_>>,
) -> Result<IosScan, IosError> {
    // Directory entries (trailing `/`) only help find bundle directories
    // (an IPA may hold an empty `X.framework/`); files are read from `paths`.
    let all_paths = src.paths();
    let paths: Vec<String> = all_paths
        .iter()
        .filter(|p| !p.ends_with('/'))
        .cloned()
        .collect();
    let mut scan = IosScan::default();
    let app = find_app_root(&paths, &mut scan.entry_errors).ok_or(IosError::NoAppBundle {
        entries: all_paths.len(),
    })?;
    scan.app_path = app.clone();

    // Bundle directories, outermost first.
    let mut dirs: Vec<(String, BundleKind)> = vec![(app.clone(), BundleKind::App)];
    let mut containers = vec![app.clone()];
    for w in child_bundles(&all_paths, &app, "Watch", ".app") {
        dirs.push((w.clone(), BundleKind::Watch));
        containers.push(w);
    }
    for c in containers.clone() {
        for dir in ["PlugIns", "Extensions"] {
            for x in child_bundles(&all_paths, &c, dir, ".appex") {
                dirs.push((x.clone(), BundleKind::Appex));
                containers.push(x);
            }
        }
    }
    for c in &containers {
        for f in child_bundles(&all_paths, c, "Frameworks", ".framework") {
            dirs.push((f, BundleKind::Framework));
        }
    }
    for c in &containers {
        let prefix = format!("{c}Frameworks/");
        for p in &paths {
            if let Some(rest) = p.strip_prefix(&prefix)
                && !rest.contains('/')
                && rest.ends_with(".dylib")
            {
                dirs.push((p.clone(), BundleKind::Dylib));
            }
        }
    }

    // Info.plists and executables.
    let mut to_parse: Vec<(usize, String)> = Vec::new();
    for (path, kind) in &dirs {
        let mut b = ScannedBundle {
            path: path.clone(),
            kind: *kind,
            info_entry: String::new(),
            info: None,
            executable_entry: None,
            macho: None,
            privacy_manifests: Vec::new(),
        };
        if *kind == BundleKind::Dylib {
            b.executable_entry = Some(path.clone());
        } else {
            let info_entry = format!("{path}Info.plist");
            b.info_entry = info_entry.clone();
            if paths.contains(&info_entry) {
                match src.read(&info_entry) {
                    Ok(data) => match parse_info_plist(&data, limits) {
                        Ok(info) => {
                            if !info.xml_tricks.is_empty() {
                                scan.xml_tampered
                                    .push((info_entry.clone(), info.xml_tricks.join("; ")));
                            }
                            if !info.duplicate_keys.is_empty() {
                                scan.entry_errors.push(EntryError {
                                    entry: info_entry.clone(),
                                    message: format!(
                                        "duplicate keys {:?}; the last value of each is used, as iOS does for XML plists",
                                        info.duplicate_keys
                                    ),
                                });
                            }
                            if !info.collapsed_keys.is_empty() {
                                scan.entry_errors.push(EntryError {
                                    entry: info_entry.clone(),
                                    message: format!(
                                        "keys {:?} share objects that expand past their share of {} bytes; the rest of the plist is read (max_plist_bytes)",
                                        info.collapsed_keys,
                                        crate::property_list::MAX_VALUE_BYTES
                                    ),
                                });
                            }
                            b.info = Some(info);
                        }
                        Err(e) => scan.entry_errors.push(EntryError {
                            entry: info_entry.clone(),
                            message: e.to_string(),
                        }),
                    },
                    Err(e) => scan.entry_errors.push(EntryError {
                        entry: info_entry.clone(),
                        message: e,
                    }),
                }
            } else if *kind != BundleKind::Framework {
                scan.entry_errors.push(EntryError {
                    entry: info_entry.clone(),
                    message: "Info.plist is missing".into(),
                });
            }
            if *kind == BundleKind::App && b.info.is_none() {
                let reason = match scan.entry_errors.last() {
                    Some(e) if e.entry == info_entry && e.message != "Info.plist is missing" => {
                        format!("is unreadable: {}", e.message)
                    }
                    _ => "is missing".to_string(),
                };
                return Err(IosError::NoInfoPlist {
                    entry: info_entry,
                    reason,
                });
            }
            let exe_name = b
                .info
                .as_ref()
                .and_then(|i| i.executable.clone())
                .unwrap_or_else(|| stem(path));
            if exe_name.contains('/') || exe_name.contains("..") || exe_name.is_empty() {
                scan.entry_errors.push(EntryError {
                    entry: b.info_entry.clone(),
                    message: format!("CFBundleExecutable '{exe_name}' is not a file name"),
                });
            } else {
                let exe = format!("{path}{exe_name}");
                if paths.contains(&exe) {
                    b.executable_entry = Some(exe);
                } else {
                    scan.entry_errors.push(EntryError {
                        entry: exe.clone(),
                        message: format!(
                            "executable '{exe_name}' named by CFBundleExecutable is missing"
                        ),
                    });
                }
            }
        }
        if let Some(exe) = &b.executable_entry {
            to_parse.push((scan.bundles.len(), exe.clone()));
        }
        scan.bundles.push(b);
    }

    // Read executables in order and parse them in parallel, in batches of at
    // most `PARSE_BATCH_BYTES` so a huge app is not held in memory at once.
    let mut queue = to_parse.into_iter().peekable();
    while queue.peek().is_some() {
        let mut blobs: Vec<(usize, String, Cow<'_, [u8]>)> = Vec::new();
        let mut held: usize = 0;
        while held < PARSE_BATCH_BYTES {
            let Some((bi, entry)) = queue.next() else {
                break;
            };
            match src.read(&entry) {
                Ok(d) => {
                    held = held.saturating_add(d.len());
                    blobs.push((bi, entry, d));
                }
                Err(e) => scan.entry_errors.push(EntryError { entry, message: e }),
            }
        }
        type Parsed = (
            usize,
            String,
            Result<MachOFacts, macho::MachOError>,
            crate::detect::StringHits,
        );
        let parsed: Vec<Parsed> = blobs
            .par_iter()
            .map(|(bi, entry, d)| {
                let r = macho::parse(d, entry, limits);
                let hits = match (&r, pass) {
                    (Ok(_), Some(c)) => crate::detect::scan_strings(c, d),
                    _ => Default::default(),
                };
                (*bi, entry.clone(), r, hits)
            })
            .collect();
        drop(blobs);
        for (bi, entry, r, hits) in parsed {
            match r {
                Ok(m) => {
                    for w in m.warnings() {
                        scan.entry_errors.push(EntryError {
                            entry: entry.clone(),
                            message: w,
                        });
                    }
                    if let Some(b) = scan.bundles.get_mut(bi) {
                        b.macho = Some(scan.machos.len());
                    }
                    scan.binaries.push(m.binary.clone());
                    scan.machos.push(m);
                    if pass.is_some() {
                        scan.string_hits.push(hits);
                    }
                }
                Err(e) => {
                    if e.is_not_loadable() {
                        scan.not_loadable.push((entry.clone(), e.to_string()));
                    }
                    scan.entry_errors.push(EntryError {
                        entry,
                        message: e.to_string(),
                    })
                }
            }
        }
    }

    // Privacy manifests, owned by the innermost enclosing bundle.
    for p in &paths {
        if !(p.starts_with(&app) && p.rsplit('/').next() == Some("PrivacyInfo.xcprivacy")) {
            continue;
        }
        let data = match src.read(p) {
            Ok(d) => d,
            Err(e) => {
                scan.entry_errors.push(EntryError {
                    entry: p.clone(),
                    message: e,
                });
                continue;
            }
        };
        match privacy_manifest::parse(&data, p, limits) {
            Ok(m) => {
                let idx = scan.facts.privacy_manifests.len();
                scan.facts.privacy_manifests.push(m);
                let owner = scan
                    .bundles
                    .iter_mut()
                    .filter(|b| b.kind != BundleKind::Dylib && p.starts_with(&b.path))
                    .max_by_key(|b| b.path.len());
                if let Some(b) = owner {
                    b.privacy_manifests.push(idx);
                }
            }
            Err(e) => scan.entry_errors.push(EntryError {
                entry: p.clone(),
                message: format!("privacy manifest: {e}"),
            }),
        }
    }

    // Localized purpose strings of the app, extensions and watch apps.
    for b in scan.bundles.iter().filter(|b| {
        matches!(
            b.kind,
            BundleKind::App | BundleKind::Appex | BundleKind::Watch
        )
    }) {
        for p in &paths {
            let Some(rest) = p.strip_prefix(&b.path) else {
                continue;
            };
            let Some((lproj, file)) = rest.split_once('/') else {
                continue;
            };
            if file != "InfoPlist.strings" || !is_dir_name(lproj, ".lproj") {
                continue;
            }
            let language = lproj.trim_end_matches(".lproj").to_owned();
            match src
                .read(p)
                .map_err(|e| e.to_string())
                .and_then(|d| parse_strings(&d, limits).map_err(|e| e.to_string()))
            {
                Ok(pairs) => scan.localized.extend(
                    pairs
                        .into_iter()
                        .filter(|(k, _)| crate::property_list::is_usage_key(k))
                        .map(|(key, text)| LocalizedUsage {
                            key,
                            text,
                            language: language.clone(),
                            entry: p.clone(),
                        }),
                ),
                Err(e) => scan.entry_errors.push(EntryError {
                    entry: p.clone(),
                    message: e,
                }),
            }
        }
    }

    build_facts(&mut scan);
    Ok(scan)
}

fn build_facts(scan: &mut IosScan) {
    let mut facts = std::mem::take(&mut scan.facts);
    if let Some(app) = scan.bundles.iter().find(|b| b.kind == BundleKind::App) {
        if let Some(info) = &app.info {
            facts.bundle_id = info.bundle_id.clone();
            facts.short_version = info.short_version.clone();
            facts.version = info.version.clone();
            facts.minimum_os = info.minimum_os.clone();
            facts.background_modes = info.background_modes.clone();
            facts.queries_schemes = info.queries_schemes.clone();
            facts.ats_exceptions = info.ats_exceptions.clone();
        }
        if let Some(m) = app.macho.and_then(|i| scan.machos.get(i))
            && let Some(e) = m.entitlements()
        {
            facts.entitlements = e.clone();
        }
    }
    for b in &scan.bundles {
        if matches!(
            b.kind,
            BundleKind::App | BundleKind::Appex | BundleKind::Watch
        ) && let Some(info) = &b.info
        {
            facts
                .usage_descriptions
                .extend(
                    info.usage_descriptions
                        .iter()
                        .map(|(k, t)| UsageDescription {
                            key: k.clone(),
                            text: t.clone(),
                            location: Location::detail(b.info_entry.clone(), k.clone()),
                        }),
                );
        }
        facts.bundles.push(IosBundle {
            path: b.path.clone(),
            kind: b.kind.as_str().to_owned(),
            bundle_id: b.info.as_ref().and_then(|i| i.bundle_id.clone()),
            executable: b.executable_entry.clone(),
        });
        if matches!(b.kind, BundleKind::Framework | BundleKind::Dylib) {
            scan.frameworks.push(FrameworkInfo {
                name: if b.kind == BundleKind::Framework {
                    stem(&b.path)
                } else {
                    b.path.rsplit('/').next().unwrap_or("").to_owned()
                },
                path: b.path.clone(),
                has_privacy_manifest: !b.privacy_manifests.is_empty(),
                binary: b.executable_entry.clone(),
                bundle_id: b.info.as_ref().and_then(|i| i.bundle_id.clone()),
                version: b
                    .info
                    .as_ref()
                    .and_then(|i| i.sdk_version().map(str::to_owned)),
            });
        }
    }
    scan.facts = facts;
}

/// The privacy manifests a bundle owns.
pub fn manifests_of<'a>(
    scan: &'a IosScan,
    bundle: &ScannedBundle,
) -> impl Iterator<Item = &'a PrivacyManifest> {
    bundle
        .privacy_manifests
        .clone()
        .into_iter()
        .filter_map(|i| scan.facts.privacy_manifests.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml_plist(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = String::from("<?xml version=\"1.0\"?><plist version=\"1.0\"><dict>");
        for (k, v) in pairs {
            s.push_str(&format!("<key>{k}</key><string>{v}</string>"));
        }
        s.push_str("</dict></plist>");
        s.into_bytes()
    }

    #[test]
    fn layout_without_binaries() {
        let mut m: HashMap<String, Vec<u8>> = HashMap::new();
        m.insert(
            "Payload/A.app/Info.plist".into(),
            xml_plist(&[
                ("CFBundleIdentifier", "a.b"),
                ("CFBundleExecutable", "A"),
                ("NSCameraUsageDescription", "cam"),
            ]),
        );
        m.insert("Payload/A.app/A".into(), b"not a mach-o".to_vec());
        m.insert(
            "Payload/A.app/PlugIns/S.appex/Info.plist".into(),
            xml_plist(&[("NSLocalNetworkUsageDescription", "lan")]),
        );
        m.insert(
            "Payload/A.app/Frameworks/F.framework/Info.plist".into(),
            xml_plist(&[("CFBundleIdentifier", "f")]),
        );
        m.insert(
            "Payload/A.app/Frameworks/F.framework/PrivacyInfo.xcprivacy".into(),
            b"<plist><dict/></plist>".to_vec(),
        );
        m.insert(
            "Payload/A.app/de.lproj/InfoPlist.strings".into(),
            b"\"NSCameraUsageDescription\" = \"Kamera\";".to_vec(),
        );
        let s = scan_bundle(&m, &Limits::default()).unwrap();
        assert_eq!(s.app_path, "Payload/A.app/");
        assert_eq!(s.facts.bundle_id.as_deref(), Some("a.b"));
        let keys: Vec<&str> = s
            .facts
            .usage_descriptions
            .iter()
            .map(|u| u.key.as_str())
            .collect();
        assert_eq!(
            keys,
            ["NSCameraUsageDescription", "NSLocalNetworkUsageDescription"]
        );
        assert_eq!(s.frameworks.len(), 1);
        assert!(s.frameworks[0].has_privacy_manifest);
        assert_eq!(s.localized[0].language, "de");
        assert!(
            s.entry_errors.iter().any(|e| e.entry == "Payload/A.app/A"),
            "{:?}",
            s.entry_errors
        );
        assert!(
            s.entry_errors
                .iter()
                .any(|e| e.entry.ends_with("S.appex/S")),
            "{:?}",
            s.entry_errors
        );
        let empty: HashMap<String, Vec<u8>> = HashMap::new();
        assert_eq!(
            scan_bundle(&empty, &Limits::default()),
            Err(IosError::NoAppBundle { entries: 0 })
        );
    }

    #[test]
    fn dir_source_reads_an_unzipped_app_without_following_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let app = tmp.path().join("Sample.app");
        std::fs::create_dir_all(app.join("PlugIns/S.appex")).unwrap();
        std::fs::write(
            app.join("Info.plist"),
            xml_plist(&[
                ("CFBundleIdentifier", "d.e"),
                ("CFBundleExecutable", "Sample"),
            ]),
        )
        .unwrap();
        std::fs::write(
            app.join("PlugIns/S.appex/Info.plist"),
            xml_plist(&[("CFBundleIdentifier", "d.e.s")]),
        )
        .unwrap();
        let outside = tmp.path().join("secret.txt");
        std::fs::write(&outside, b"outside").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, app.join("link.txt")).unwrap();
        // Rooted at the .app itself...
        let src = DirSource::new(&app, &Limits::default());
        let paths = src.paths();
        assert!(!paths.iter().any(|p| p.contains("link")), "{paths:?}");
        assert!(src.read("link.txt").is_err());
        assert!(src.read("../secret.txt").is_err());
        let s = scan_bundle(&src, &Limits::default()).unwrap();
        assert_eq!(s.app_path, "");
        assert_eq!(s.facts.bundle_id.as_deref(), Some("d.e"));
        assert_eq!(s.bundles.len(), 2);
        // ...or at a directory holding it.
        let s = scan_bundle(
            &DirSource::new(tmp.path(), &Limits::default()),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(s.app_path, "Sample.app/");
        assert_eq!(
            s.bundles[1]
                .info
                .as_ref()
                .and_then(|i| i.bundle_id.as_deref()),
            Some("d.e.s")
        );
    }
}
