//! Apple SDK packages: `.framework` and `.xcframework` folders (and the
//! same inside source trees), read into per-library facts: Info.plist,
//! the binary (a dynamic Mach-O, or a static library: `ar` or fat-of-`ar`),
//! and the privacy manifests shipped with it.
//!
//! Layouts: Apple "Bundle Programming Guide: Anatomy of Framework Bundles"
//! (iOS: flat `X.framework/{Info.plist,X}`; macOS: `Versions/A/` with
//! `Resources/Info.plist`); "Creating a multiplatform binary framework
//! bundle" (xcframework root `Info.plist`, `AvailableLibraries` array of
//! dicts with `LibraryIdentifier`, `LibraryPath`, `BinaryPath`,
//! `SupportedPlatform`, `SupportedArchitectures`); "Privacy manifest
//! files" (`PrivacyInfo.xcprivacy` inside the framework or in a resource
//! bundle it ships).

use crate::ios::bundle::{BinaryPass, BundleSource};
use crate::limits::Limits;
use crate::model::{EntryError, PrivacyManifest};
use crate::native::{macho, static_lib};
use crate::property_list::{InfoPlist, parse_dict, parse_info_plist};

/// The binary of one library.
#[derive(Debug, Clone, PartialEq)]
pub enum LibraryBinary {
    /// A dynamic framework / dylib (Mach-O, thin or fat).
    Dynamic(macho::MachOFacts),
    /// A static library (`ar`, or fat of `ar`).
    Static(static_lib::StaticLib),
}

/// One library of a package: a `.framework`, or one `AvailableLibraries` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    /// `LibraryIdentifier` (`ios-arm64_x86_64-simulator`), `""` for a lone framework.
    pub identifier: String,
    /// Path of the library inside the package (`ios-arm64/X.framework/`).
    pub path: String,
    /// The framework's name (`SDWebImage` from `SDWebImage.framework`, `libX` from `libX.a`).
    pub name: String,
    /// The parsed Info.plist, when the library has one.
    pub info: Option<InfoPlist>,
    /// Entry of the binary, when found.
    pub binary_entry: Option<String>,
    /// The binary, when found and readable.
    pub binary: Option<LibraryBinary>,
    /// Privacy manifests under the library's directory.
    pub privacy_manifests: Vec<PrivacyManifest>,
    /// Catalog string hits of the binary's bytes (contact hosts, version
    /// markers), when read with a pass ([`read_framework_with`]).
    pub strings: crate::detect::StringHits,
}

/// Everything read from one package.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PackageFacts {
    /// Libraries in `AvailableLibraries` order (one for a `.framework`).
    pub libraries: Vec<Library>,
    /// Entries not read or read in part. Non-empty means a partial read.
    pub problems: Vec<EntryError>,
    /// Every file path of the package.
    pub paths: Vec<String>,
}

/// Read a `.framework` rooted at `src` (paths relative to the framework).
/// `name` is the framework's name without `.framework`.
///
/// Errors: neither an Info.plist nor a binary named after the framework
/// (nothing to identify it by).
pub fn read_framework(
    src: &dyn BundleSource,
    name: &str,
    limits: &Limits,
) -> Result<PackageFacts, String> {
    read_framework_with(src, name, limits, None)
}

/// [`read_framework`], plus the string pass of catalog `pass` over the binary's bytes while they are
/// held, into [`Library::strings`].
pub fn read_framework_with(
    src: &dyn BundleSource,
    name: &str,
    limits: &Limits,
    pass: Option<BinaryPass<'_>>,
) -> Result<PackageFacts, String> {
    let paths = src.paths();
    let mut out = PackageFacts::default();
    let caps = Caps { limits, pass };
    let lib = read_library(src, &paths, "", name, "", caps, &mut out.problems);
    if lib.info.is_none() && lib.binary_entry.is_none() {
        return Err(format!(
            "{name}.framework has neither an Info.plist nor a binary named {name}"
        ));
    }
    out.libraries.push(lib);
    out.paths = paths;
    Ok(out)
}

/// Read an `.xcframework` rooted at `src`: its `Info.plist`
/// `AvailableLibraries`, each library in turn.
///
/// Errors: no readable root Info.plist, or no `AvailableLibraries`
/// (Xcode refuses such a package).
pub fn read_xcframework(src: &dyn BundleSource, limits: &Limits) -> Result<PackageFacts, String> {
    read_xcframework_with(src, limits, None)
}

/// [`read_xcframework`], plus the string pass of catalog `pass` over each library binary's bytes
/// while they are held, into [`Library::strings`].
pub fn read_xcframework_with(
    src: &dyn BundleSource,
    limits: &Limits,
    pass: Option<BinaryPass<'_>>,
) -> Result<PackageFacts, String> {
    let paths = src.paths();
    let bytes = src
        .read("Info.plist")
        .map_err(|e| format!("no readable Info.plist at the xcframework root: {e}"))?;
    let (root, _, _) = parse_dict(&bytes, limits).map_err(|e| format!("Info.plist: {e}"))?;
    let libs = root
        .get("AvailableLibraries")
        .and_then(plist::Value::as_array)
        .ok_or("Info.plist has no AvailableLibraries array: not an xcframework")?;
    let mut out = PackageFacts::default();
    for (i, l) in libs.iter().enumerate() {
        let Some(d) = l.as_dictionary() else {
            out.problems.push(EntryError {
                entry: "Info.plist".into(),
                message: format!("AvailableLibraries[{i}] is not a dictionary"),
            });
            continue;
        };
        let get = |k: &str| d.get(k).and_then(plist::Value::as_string).unwrap_or("");
        let (id, lib_path) = (get("LibraryIdentifier"), get("LibraryPath"));
        let bad = |s: &str| s.is_empty() || s.split('/').any(|c| c == ".." || c.is_empty());
        if bad(id) || bad(lib_path) {
            out.problems.push(EntryError {
                entry: "Info.plist".into(),
                message: format!(
                    "AvailableLibraries[{i}]: LibraryIdentifier '{id}' / LibraryPath '{lib_path}' unusable"
                ),
            });
            continue;
        }
        let dir = format!("{id}/{lib_path}");
        let lib = if let Some(fw) = lib_path.strip_suffix(".framework") {
            read_library(
                src,
                &paths,
                &format!("{dir}/"),
                fw,
                id,
                Caps { limits, pass },
                &mut out.problems,
            )
        } else {
            // A static or dynamic library file (`libX.a`, `libX.dylib`), headers beside it.
            let stem = lib_path.rsplit('/').next().unwrap_or(lib_path);
            let stem = stem.split('.').next().unwrap_or(stem);
            let mut lib = empty_library(id, &dir, stem);
            lib.binary_entry = Some(dir.clone());
            (lib.binary, lib.strings) =
                read_binary(src, &dir, Caps { limits, pass }, &mut out.problems);
            lib.privacy_manifests =
                manifests_under(src, &paths, &format!("{id}/"), limits, &mut out.problems);
            lib
        };
        if lib.binary_entry.is_none() {
            out.problems.push(EntryError {
                entry: dir.clone(),
                message: "library listed in AvailableLibraries is missing its binary".into(),
            });
        }
        out.libraries.push(lib);
    }
    out.paths = paths;
    Ok(out)
}

fn empty_library(id: &str, path: &str, name: &str) -> Library {
    Library {
        identifier: id.into(),
        path: path.into(),
        name: name.into(),
        info: None,
        binary_entry: None,
        binary: None,
        privacy_manifests: Vec::new(),
        strings: Default::default(),
    }
}

/// The caps and the optional pass every read of a package's parts gets.
#[derive(Clone, Copy)]
struct Caps<'a> {
    limits: &'a Limits,
    pass: Option<BinaryPass<'a>>,
}

fn read_library(
    src: &dyn BundleSource,
    paths: &[String],
    dir: &str,
    name: &str,
    id: &str,
    caps: Caps<'_>,
    problems: &mut Vec<EntryError>,
) -> Library {
    let limits = caps.limits;
    let mut lib = empty_library(id, dir, name);
    let info_entry = [
        format!("{dir}Info.plist"),
        format!("{dir}Resources/Info.plist"),
        format!("{dir}Versions/A/Resources/Info.plist"),
    ]
    .into_iter()
    .find(|p| paths.contains(p));
    if let Some(entry) = &info_entry {
        match src
            .read(entry)
            .and_then(|b| parse_info_plist(&b, limits).map_err(|e| e.to_string()))
        {
            Ok(i) => lib.info = Some(i),
            Err(message) => problems.push(EntryError {
                entry: entry.clone(),
                message,
            }),
        }
    }
    let exe = lib
        .info
        .as_ref()
        .and_then(|i| i.executable.clone())
        .unwrap_or_else(|| name.to_string());
    let binary = [format!("{dir}{exe}"), format!("{dir}Versions/A/{exe}")]
        .into_iter()
        .find(|p| paths.contains(p));
    if let Some(b) = binary {
        (lib.binary, lib.strings) = read_binary(src, &b, caps, problems);
        lib.binary_entry = Some(b);
    }
    lib.privacy_manifests = manifests_under(src, paths, dir, limits, problems);
    lib
}

fn read_binary(
    src: &dyn BundleSource,
    entry: &str,
    caps: Caps<'_>,
    problems: &mut Vec<EntryError>,
) -> (Option<LibraryBinary>, crate::detect::StringHits) {
    let (limits, pass) = (caps.limits, caps.pass);
    let bytes = match src.read(entry) {
        Ok(b) => b,
        Err(message) => {
            problems.push(EntryError {
                entry: entry.into(),
                message,
            });
            return (None, Default::default());
        }
    };
    let r = if static_lib::is_static_lib(&bytes) {
        static_lib::parse(&bytes, entry, limits)
            .map(LibraryBinary::Static)
            .map_err(|e| e.to_string())
    } else if macho::is_macho(&bytes) {
        macho::parse(&bytes, entry, limits)
            .map(LibraryBinary::Dynamic)
            .map_err(|e| e.to_string())
    } else {
        Err("neither a Mach-O nor a static library".into())
    };
    match r {
        Ok(b) => (
            Some(b),
            pass.map(|c| crate::detect::scan_strings(c, &bytes))
                .unwrap_or_default(),
        ),
        Err(message) => {
            problems.push(EntryError {
                entry: entry.into(),
                message,
            });
            (None, Default::default())
        }
    }
}

fn manifests_under(
    src: &dyn BundleSource,
    paths: &[String],
    dir: &str,
    limits: &Limits,
    problems: &mut Vec<EntryError>,
) -> Vec<PrivacyManifest> {
    let mut out = Vec::new();
    for p in paths
        .iter()
        .filter(|p| p.starts_with(dir) && p.ends_with("PrivacyInfo.xcprivacy"))
    {
        match src.read(p).and_then(|b| {
            crate::ios::privacy_manifest::parse(&b, p, limits).map_err(|e| e.to_string())
        }) {
            Ok(m) => out.push(m),
            Err(message) => problems.push(EntryError {
                entry: p.clone(),
                message,
            }),
        }
    }
    out
}

#[cfg(test)]
#[path = "sdk_package_tests.rs"]
mod tests;
