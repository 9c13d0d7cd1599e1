//! String data as evidence: catalog `domains` (contacts, never detections
//! on their own), `[sdk.version]` markers and Apple Generic Versioning's
//! what(1) string as version evidence, `[sdk.version] file_name` versions,
//! and Swift module names from mangled symbols.
//!
//! One Aho-Corasick pass (ASCII case-insensitive, leftmost-longest) over a
//! binary's bytes finds every domain and version marker: a DEX file's string
//! data, an ELF library's read-only data and a Mach-O's C strings are all in
//! those bytes. Nothing is allocated per byte; only a hit allocates.
//!
//! Format facts: Swift mangling (swift/docs/ABI/Mangling.rst: a global
//! symbol starts `$s` (Swift 5), `$S` (4.2) or `_T0` (4.0), then the module
//! context as a length-prefixed identifier `<len><name>`; a leading `0`
//! starts a word-substituted identifier, `So`/`SC` are the Clang-imported
//! modules, `s` alone is the standard library). Apple Generic Versioning
//! (agvtool, `VERSIONING_SYSTEM = apple-generic`) generates a
//! `<Product>VersionString` constant `@(#)PROGRAM:<product>  PROJECT:<project>-<version>`.

use super::{Detector, VersionNote, basename};
use crate::model::Location;
use crate::rules::sdk::Catalog;
use crate::rules::sdk::{StringPattern, WHAT_MARKER};
use std::collections::HashSet;

/// Longest host name kept (RFC 1035: 253 octets in text form).
const MAX_HOST: usize = 253;
/// Longest version read after a marker.
const MAX_MARKER_VERSION: usize = 32;

fn host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A dotted numeric version at the start of `rest` (`3.14.5`, `2.1.9.1`),
/// at least two components, at most [`MAX_MARKER_VERSION`] bytes.
fn dotted_version(rest: &[u8]) -> Option<String> {
    let mut end = 0;
    while end < rest.len().min(MAX_MARKER_VERSION)
        && (rest[end].is_ascii_digit() || rest[end] == b'.')
    {
        end += 1;
    }
    let v = std::str::from_utf8(&rest[..end])
        .ok()?
        .trim_end_matches('.');
    let parts: Vec<&str> = v.split('.').collect();
    (parts.len() >= 2 && parts.iter().all(|p| !p.is_empty())).then(|| v.to_string())
}

/// The module of a Swift-mangled symbol (`_$s9Alamofire7SessionC...` →
/// `Alamofire`); `None` for other symbols, the standard library and
/// Clang-imported modules.
pub(crate) fn swift_module(sym: &str) -> Option<&str> {
    let s = sym.strip_prefix('_').unwrap_or(sym);
    let rest = s
        .strip_prefix("$s")
        .or_else(|| s.strip_prefix("$S"))
        .or_else(|| s.strip_prefix("T0"))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 || rest.starts_with('0') {
        return None;
    }
    let len: usize = rest[..digits].parse().ok()?;
    let name = rest.get(digits..digits + len)?;
    (name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && name != "Swift")
        .then_some(name)
}

/// At most this many hosts, version markers and what(1) lines are kept
/// from one binary (a hostile file can hold millions of distinct
/// subdomains; contacts are supporting evidence, not an inventory).
pub const MAX_STRING_HITS: usize = 1024;

/// What one pass over a binary's bytes found, before a detector applies it
/// ([`Detector::apply_strings`]): distinct hosts under a catalog `domains`
/// entry, `[sdk.version] string` markers with the version after them
/// `(sdk index, version, matched text)`, and what(1) lines. Computed
/// without a detector, so a reader can run it on a worker thread next to
/// the binary's parse while it holds the bytes (an IPA's Mach-Os).
/// Each list holds at most [`MAX_STRING_HITS`] entries, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringHits {
    /// Hosts, e.g. `api.zego.im` for the domain `zego.im`.
    pub hosts: Vec<String>,
    /// `(sdk index, version, marker text + version)`.
    pub markers: Vec<(usize, String, String)>,
    /// `@(#)PROGRAM:` lines, up to their NUL or newline (at most 256 bytes).
    pub what: Vec<String>,
}

/// One Aho-Corasick pass over `bytes` for the catalog's string patterns.
/// A host is a maximal run of letters, digits, `-` and `.` ending exactly
/// at the domain (`api.zego.im` for `zego.im`; not `zego.im.example.com`,
/// not `notzego.im`).
pub fn scan_strings(catalog: &Catalog, bytes: &[u8]) -> StringHits {
    let mut out = StringHits::default();
    let idx = catalog.strings();
    let Some(ac) = idx.ac.as_ref() else {
        return out;
    };
    let mut hosts: HashSet<&[u8]> = HashSet::new();
    for m in ac.find_iter(bytes) {
        let (s, e) = (m.start(), m.end());
        match idx.patterns.get(m.pattern().as_usize()) {
            Some(StringPattern::Domain) => {
                let after_ok = match bytes.get(e) {
                    None => true,
                    Some(b'.') => !bytes.get(e + 1).copied().is_some_and(host_byte),
                    Some(&b) => !host_byte(b) && b != b'_',
                };
                if s > 0 && bytes.get(s - 1).copied().is_some_and(host_byte) {
                    continue;
                }
                let mut hs = s;
                while hs > 0
                    && bytes
                        .get(hs - 1)
                        .is_some_and(|&b| host_byte(b) || b == b'.')
                {
                    hs -= 1;
                }
                let host = bytes.get(hs..e).unwrap_or_default().trim_ascii_start();
                let host = host.strip_prefix(b".").unwrap_or(host);
                if !after_ok
                    || host.len() > MAX_HOST
                    || hosts.len() >= MAX_STRING_HITS
                    || !hosts.insert(host)
                {
                    continue;
                }
                if let Ok(h) = std::str::from_utf8(host) {
                    out.hosts.push(h.to_owned());
                }
            }
            Some(StringPattern::VersionMarker(sdk)) => {
                let sdk = *sdk;
                let matched = bytes.get(s..e).unwrap_or_default();
                let exact = catalog.sdks().get(sdk).is_some_and(|x| {
                    x.version_rules
                        .string
                        .iter()
                        .any(|p| p.as_bytes() == matched)
                });
                if out.markers.len() < MAX_STRING_HITS
                    && exact
                    && let Some(v) = dotted_version(bytes.get(e..).unwrap_or_default())
                {
                    let text = format!("{}{v}", String::from_utf8_lossy(matched));
                    out.markers.push((sdk, v, text));
                }
            }
            Some(StringPattern::WhatString) => {
                let at = bytes.get(s..).unwrap_or_default();
                let line_end = at
                    .iter()
                    .take(256)
                    .position(|&b| b == 0 || b == b'\n')
                    .unwrap_or(at.len().min(256));
                if out.what.len() < MAX_STRING_HITS
                    && let Ok(line) = std::str::from_utf8(at.get(..line_end).unwrap_or_default())
                {
                    out.what.push(line.to_owned());
                }
            }
            None => {}
        }
    }
    out
}

/// The version a `[sdk.version] file_name` regex finds in `name`: the
/// capture groups of the first matching regex joined with `.`.
fn name_version(res: &[regex::Regex], name: &str) -> Option<String> {
    res.iter().find_map(|re| {
        let caps = re.captures(name)?;
        let parts: Vec<&str> = caps
            .iter()
            .skip(1)
            .flatten()
            .map(|m| m.as_str().trim_matches('.'))
            .filter(|p| !p.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join("."))
    })
}

impl Detector<'_> {
    /// Keep a version stated in string data until the SDK is detected by
    /// other evidence (the smallest entry wins, as for [`Self::note_version`]).
    pub(super) fn note_pending(&mut self, sdk: usize, v: VersionNote) {
        match self.pending_versions.get(&sdk) {
            Some(me) if *me <= v => {}
            _ => {
                self.pending_versions.insert(sdk, v);
            }
        }
    }

    /// `[sdk.version] file_name` of `sdk` applied to a matched file name:
    /// the capture groups joined with `.` (`libjpush219.so` → `2.1.9`).
    pub(super) fn version_from_name(&mut self, sdk: usize, name: &str, loc: &Location) {
        let Some(res) = self.catalog.relations.version_names.get(&sdk) else {
            return;
        };
        if let Some(v) = name_version(res, name) {
            let entry = if loc.entry.is_empty() {
                name
            } else {
                &loc.entry
            };
            let entry = entry.to_string();
            self.note_version(sdk, &entry, &v, "file_name", name);
        }
    }

    /// The scanned artifact's own file name (`jpush-android-4.8.1.jar`,
    /// `jverification-ios-3.4.7.xcframework`; a path is reduced to its file
    /// name): every `[sdk.version] file_name` regex is tried on it, and a
    /// match is kept as that SDK's version (`file_name` evidence) for when
    /// the SDK is detected by other evidence. A name alone detects nothing.
    pub fn artifact_name(&mut self, path: &str) {
        let name = basename(path.trim_end_matches(['/', '\\']));
        if name.is_empty() {
            return;
        }
        let hits: Vec<(usize, String)> = self
            .catalog
            .relations
            .version_names
            .iter()
            .filter_map(|(sdk, res)| Some((*sdk, name_version(res, name)?)))
            .collect();
        for (sdk, version) in hits {
            self.note_pending(
                sdk,
                VersionNote {
                    entry: name.to_string(),
                    version,
                    kind: "file_name",
                    text: name.to_string(),
                },
            );
        }
    }

    /// A binary's bytes (DEX, ELF, Mach-O): [`scan_strings`], then
    /// [`Self::apply_strings`] at `loc`.
    pub fn strings(&mut self, bytes: &[u8], loc: &Location) {
        let hits = scan_strings(self.catalog, bytes);
        self.apply_strings(&hits, loc);
    }

    /// Apply what [`scan_strings`] found in the binary at `loc`: hosts
    /// become contacts ([`Self::domain`]), version markers and what(1)
    /// lines versions of SDKs detected by other evidence.
    pub fn apply_strings(&mut self, hits: &StringHits, loc: &Location) {
        for host in &hits.hosts {
            self.domain(host, loc);
        }
        for (sdk, version, text) in &hits.markers {
            self.note_pending(
                *sdk,
                VersionNote {
                    entry: loc.entry.clone(),
                    version: version.clone(),
                    kind: "string",
                    text: text.clone(),
                },
            );
        }
        for line in &hits.what {
            self.what_string(line, loc);
        }
    }

    /// `@(#)PROGRAM:<product>  PROJECT:<project>-<version>`: the version of
    /// the SDK whose `framework` matcher names `<product>`.
    fn what_string(&mut self, line: &str, loc: &Location) {
        let Some(body) = line.get(WHAT_MARKER.len()..) else {
            return;
        };
        let Some((product, project)) = body.split_once("PROJECT:") else {
            return;
        };
        let product = product.trim();
        let Some((_, ver)) = project.trim().rsplit_once('-') else {
            return;
        };
        let Some(v) = dotted_version(ver.as_bytes()).filter(|v| v.len() == ver.len()) else {
            return;
        };
        let owners = self
            .catalog
            .apple()
            .frameworks
            .get(&product.to_lowercase())
            .cloned()
            .unwrap_or_default();
        for (sdk, _) in owners {
            self.note_pending(
                sdk,
                VersionNote {
                    entry: loc.entry.clone(),
                    version: v.clone(),
                    kind: "what_string",
                    text: line.to_string(),
                },
            );
        }
    }

    /// A Swift-mangled Mach-O symbol: its module name matched against the
    /// catalog's `framework` names (case-insensitive), recorded as
    /// `swift_module` evidence.
    pub(super) fn swift_symbol(&mut self, sym: &str, loc: &Location) {
        let Some(module) = swift_module(sym) else {
            return;
        };
        let hits = match &self.swift_cache {
            Some((m, h)) if m == module => h.clone(),
            _ => {
                let h = self
                    .catalog
                    .apple()
                    .frameworks
                    .get(&module.to_lowercase())
                    .cloned()
                    .unwrap_or_default();
                self.swift_cache = Some((module.to_string(), h.clone()));
                h
            }
        };
        for (sdk, pattern) in hits {
            self.record(sdk, "swift_module", &pattern, basename(module), loc);
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn swift_module_names() {
        assert_eq!(
            swift_module("_$s9Alamofire7SessionC7defaultACvpZ"),
            Some("Alamofire")
        );
        assert_eq!(swift_module("$s10Kingfisher"), Some("Kingfisher"));
        assert_eq!(swift_module("_T09OneSignal3FooC"), Some("OneSignal"));
        assert_eq!(swift_module("_$sSo8NSObjectC"), None);
        assert_eq!(swift_module("_$s5SwiftAA"), None);
        assert_eq!(swift_module("_$s099Foo"), None);
        assert_eq!(swift_module("_$s20Short"), None);
        assert_eq!(swift_module("_OBJC_CLASS_$_Foo"), None);
    }

    #[test]
    fn dotted_versions() {
        assert_eq!(dotted_version(b"3.14.5\0x").as_deref(), Some("3.14.5"));
        assert_eq!(dotted_version(b"3.\0").as_deref(), None);
        assert_eq!(dotted_version(b"12\0").as_deref(), None);
    }
}
