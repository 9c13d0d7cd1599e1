//! Gradle version catalogs (`gradle/libs.versions.toml`): alias → Maven
//! coordinate, and bundles (alias → aliases), with the 1-based line of each
//! library entry so a dependency resolved through `libs.x` can point at it.
//!
//! Distrusts: the TOML text (parsed by the `toml` crate; an unreadable file
//! is an error for that file only). Entries with a shape Gradle does not
//! accept are skipped.
//!
//! Format facts: Gradle "Version catalogs"
//! (docs.gradle.org/current/userguide/version_catalogs.html): `[libraries]`
//! entries are `"group:artifact:version"` strings or tables with `module =
//! "group:artifact"` or `group` + `name`; `[bundles]` lists library aliases;
//! aliases separated by `-`, `_` or `.` become `libs.a.b.c` accessors.

use crate::source::gradle::normalize_accessor;
use std::collections::BTreeMap;

/// One `[libraries]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// Alias as written (`firebase-messaging`).
    pub alias: String,
    /// `group:artifact`, with `:version` when the entry states one literally.
    pub coordinate: String,
    /// 1-based line of the entry (0 when not found).
    pub line: u32,
}

/// A parsed catalog, keyed by normalised accessor (`firebase.messaging`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionCatalog {
    /// Normalised accessor (`firebase.messaging`) → library.
    pub libraries: BTreeMap<String, Library>,
    /// Normalised bundle accessor (`acra`) → normalised library accessors.
    pub bundles: BTreeMap<String, Vec<String>>,
}

/// Why a catalog could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version catalog is not valid TOML: {message}")]
pub struct CatalogError {
    /// The `toml` crate's message (with line and column).
    pub message: String,
}

impl VersionCatalog {
    /// The coordinates an accessor (without `libs.`) resolves to: one
    /// library, or every library of `bundles.<name>`.
    pub fn resolve(&self, accessor: &str) -> Vec<&Library> {
        if let Some(bundle) = accessor.strip_prefix("bundles.") {
            return self
                .bundles
                .get(bundle)
                .map(|libs| libs.iter().filter_map(|a| self.libraries.get(a)).collect())
                .unwrap_or_default();
        }
        self.libraries.get(accessor).into_iter().collect()
    }
}

/// Parse a `libs.versions.toml`.
pub fn parse(text: &str) -> Result<VersionCatalog, CatalogError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CatalogError {
        message: e.to_string(),
    })?;
    let versions = table.get("versions").and_then(|v| v.as_table());
    let mut out = VersionCatalog::default();
    let lines = library_lines(text);
    if let Some(libs) = table.get("libraries").and_then(|v| v.as_table()) {
        for (alias, v) in libs {
            let coordinate = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Table(t) => {
                    let module = t.get("module").and_then(|m| m.as_str()).map(str::to_owned);
                    let module = module.or_else(|| {
                        let g = t.get("group").and_then(|m| m.as_str())?;
                        let n = t.get("name").and_then(|m| m.as_str())?;
                        Some(format!("{g}:{n}"))
                    });
                    let Some(module) = module else { continue };
                    let version = match t.get("version") {
                        Some(toml::Value::String(s)) => Some(s.clone()),
                        Some(toml::Value::Table(vt)) => vt
                            .get("ref")
                            .and_then(|r| r.as_str())
                            .and_then(|r| versions.and_then(|vs| vs.get(r)))
                            .and_then(|v| v.as_str())
                            .map(str::to_owned),
                        _ => None,
                    };
                    match version {
                        Some(v) => format!("{module}:{v}"),
                        None => module,
                    }
                }
                _ => continue,
            };
            out.libraries.insert(
                normalize_accessor(alias),
                Library {
                    alias: alias.clone(),
                    coordinate,
                    line: lines.get(alias.as_str()).copied().unwrap_or(0),
                },
            );
        }
    }
    if let Some(bundles) = table.get("bundles").and_then(|v| v.as_table()) {
        for (name, v) in bundles {
            let Some(arr) = v.as_array() else { continue };
            let members = arr
                .iter()
                .filter_map(|m| m.as_str())
                .map(normalize_accessor)
                .collect();
            out.bundles.insert(normalize_accessor(name), members);
        }
    }
    Ok(out)
}

/// Alias → 1-based line, for keys in the `[libraries]` section.
fn library_lines(text: &str) -> BTreeMap<&str, u32> {
    let mut out = BTreeMap::new();
    let mut in_libraries = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_libraries = t == "[libraries]";
            continue;
        }
        if !in_libraries {
            continue;
        }
        if let Some((key, _)) = t.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() {
                let n = u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX);
                out.entry(key).or_insert(n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_aliases_and_bundles() {
        let text = r#"[versions]
acra = "5.11.3"

[libraries]
acra-dialog = { module = "ch.acra:acra-dialog", version.ref = "acra" }
acra-mail = { group = "ch.acra", name = "acra-mail", version.ref = "acra" }
firebase_messaging = "com.google.firebase:firebase-messaging:24.0.0"

[bundles]
acra = ["acra-dialog", "acra-mail"]
"#;
        let c = parse(text).unwrap();
        let m = c.resolve("firebase.messaging");
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].coordinate,
            "com.google.firebase:firebase-messaging:24.0.0"
        );
        assert_eq!(m[0].line, 7);
        let b: Vec<(&str, u32)> = c
            .resolve("bundles.acra")
            .iter()
            .map(|l| (l.coordinate.as_str(), l.line))
            .collect();
        assert_eq!(
            b,
            vec![
                ("ch.acra:acra-dialog:5.11.3", 5),
                ("ch.acra:acra-mail:5.11.3", 6)
            ]
        );
        assert!(parse("[libraries\n").is_err());
    }
}
