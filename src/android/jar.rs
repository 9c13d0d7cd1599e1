//! Java archives (`.jar`, and `classes.jar` / `libs/*.jar` inside an AAR):
//! the class names they hold, their SDK marker files, and the jars nested
//! in them.
//!
//! A class's name is its entry path: the JVM's class loaders look a class
//! up by `com/foo/Bar.class` (JAR File Specification, "The META-INF
//! directory"; `java.util.jar.JarFile`), so the entry names are what a
//! build can load. Multi-release jars keep version-specific classes under
//! `META-INF/versions/<N>/` (JEP 238); those are the same classes and are
//! reported once, without the prefix. Nested jars (Spring-Boot style
//! `BOOT-INF/lib/*.jar`, fat SDK jars, `libs/*.jar` in an AAR) are read in
//! memory up to `limits.max_nesting` deep, their inflated bytes counted
//! against the artifact's `Budget`.

use crate::input::zip::ZipArchive;
use crate::limits::{Budget, Limits};
use crate::model::EntryError;
use std::collections::BTreeSet;

/// Largest marker file (`META-INF/*.version`, `*.properties`) read for its content.
pub const MAX_MARKER_LEN: u64 = 64 * 1024;

/// What one jar (with its nested jars) holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JarFacts {
    /// DEX-style class descriptors (`Lcom/foo/Bar;`) with the entry they
    /// came from (`libs/x.jar!com/foo/Bar.class`), sorted and deduplicated
    /// by descriptor.
    pub classes: Vec<(String, String)>,
    /// Marker files: (name inside its jar, displayed entry, content).
    pub markers: Vec<(String, String, Vec<u8>)>,
    /// Every entry name (displayed form), for `file` matchers.
    pub entries: Vec<String>,
    /// Number of jars read (this one and nested ones).
    pub jars: usize,
    /// Entries that could not be read (nested jars over a cap, broken
    /// entries). Non-empty means the jar was read only in part.
    pub problems: Vec<EntryError>,
}

/// The DEX descriptor of a class entry: `com/foo/Bar.class` →
/// `Lcom/foo/Bar;`, `META-INF/versions/11/com/foo/Bar.class` → the same;
/// `None` for anything else (resources, `module-info.class`, other
/// `META-INF/` files).
pub fn class_descriptor(name: &str) -> Option<String> {
    let mut n = name;
    if let Some(rest) = n.strip_prefix("META-INF/versions/") {
        let (ver, tail) = rest.split_once('/')?;
        if ver.is_empty() || !ver.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = tail;
    } else if n.starts_with("META-INF/") {
        return None;
    }
    let stem = n.strip_suffix(".class")?;
    if stem.is_empty() || stem.ends_with("module-info") || stem.starts_with('/') {
        return None;
    }
    Some(format!("L{stem};"))
}

fn is_marker(name: &str) -> bool {
    (name.starts_with("META-INF/") && (name.ends_with(".version") || name.ends_with(".properties")))
        || (!name.contains('/') && name.ends_with(".properties"))
}

/// Read the jar in `data`. `display` prefixes every entry in locations
/// (`"libs/x.jar!"`); `depth` is how deep this jar is nested (0 for a
/// loose jar or an AAR's `classes.jar`).
///
/// Errors: `data` is not a readable zip (the caller decides whether that
/// fails the artifact or is an entry error).
pub fn read(
    data: &[u8],
    display: &str,
    depth: u32,
    limits: &Limits,
    budget: &Budget,
) -> Result<JarFacts, String> {
    let mut out = JarFacts::default();
    read_into(data, display, depth, limits, budget, &mut out)?;
    let mut seen = BTreeSet::new();
    out.classes.sort();
    out.classes.retain(|(d, _)| seen.insert(d.clone()));
    Ok(out)
}

fn read_into(
    data: &[u8],
    display: &str,
    depth: u32,
    limits: &Limits,
    budget: &Budget,
    out: &mut JarFacts,
) -> Result<(), String> {
    let archive =
        ZipArchive::parse(data, limits).map_err(|e| format!("not a readable jar: {e}"))?;
    out.jars += 1;
    for e in archive.entries() {
        if e.is_dir() {
            continue;
        }
        let shown = format!("{display}{}", e.name);
        if let Some(d) = class_descriptor(&e.name) {
            out.classes.push((d, shown.clone()));
        } else if is_marker(&e.name) && e.uncompressed_size <= MAX_MARKER_LEN {
            match archive.read(e, limits, budget) {
                Ok(b) => out
                    .markers
                    .push((e.name.clone(), shown.clone(), b.into_owned())),
                Err(err) => out.problems.push(EntryError {
                    entry: shown.clone(),
                    message: err.to_string(),
                }),
            }
        } else if e.name.to_ascii_lowercase().ends_with(".jar") {
            if depth + 1 > limits.max_nesting {
                out.problems.push(EntryError {
                    entry: shown.clone(),
                    message: format!(
                        "nested jar not read: {}",
                        crate::limits::LimitError::TooDeep {
                            depth: depth + 1,
                            cap: limits.max_nesting
                        }
                    ),
                });
            } else {
                let inner = archive
                    .read(e, limits, budget)
                    .map_err(|err| err.to_string())
                    .and_then(|b| {
                        read_into(&b, &format!("{shown}!"), depth + 1, limits, budget, out)
                    });
                if let Err(message) = inner {
                    out.problems.push(EntryError {
                        entry: shown.clone(),
                        message,
                    });
                }
            }
        }
        out.entries.push(shown);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::zip::build_simple;

    fn budget() -> Budget {
        Budget::new(&Limits::default())
    }

    #[test]
    fn descriptors_from_entry_names() {
        assert_eq!(
            class_descriptor("com/adjust/sdk/Adjust.class").as_deref(),
            Some("Lcom/adjust/sdk/Adjust;")
        );
        assert_eq!(
            class_descriptor("META-INF/versions/11/com/a/B.class").as_deref(),
            Some("Lcom/a/B;")
        );
        assert_eq!(class_descriptor("META-INF/versions/x/com/a/B.class"), None);
        assert_eq!(class_descriptor("META-INF/MANIFEST.MF"), None);
        assert_eq!(class_descriptor("module-info.class"), None);
        assert_eq!(
            class_descriptor("META-INF/versions/9/module-info.class"),
            None
        );
        assert_eq!(class_descriptor("com/a/b.txt"), None);
    }

    #[test]
    fn nested_and_multi_release_jars() {
        let inner = build_simple(&[
            ("io/agora/rtc2/RtcEngine.class", b"\xca\xfe\xba\xbe"),
            ("META-INF/io.agora_rtc.version", b"4.2.6\n"),
        ]);
        let outer = build_simple(&[
            ("com/a/B.class", b"\xca\xfe\xba\xbe"),
            ("META-INF/versions/11/com/a/B.class", b"\xca\xfe\xba\xbe"),
            ("lib/inner.jar", &inner),
        ]);
        let f = read(&outer, "x.jar!", 0, &Limits::default(), &budget()).unwrap();
        let descs: Vec<&str> = f.classes.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(descs, ["Lcom/a/B;", "Lio/agora/rtc2/RtcEngine;"]);
        assert_eq!(
            f.classes[1].1,
            "x.jar!lib/inner.jar!io/agora/rtc2/RtcEngine.class"
        );
        assert_eq!(f.jars, 2);
        assert_eq!(f.markers.len(), 1);
        assert_eq!(f.markers[0].2, b"4.2.6\n");
        assert!(f.problems.is_empty());
    }

    #[test]
    fn nesting_cap_and_broken_nested_jar() {
        let l3 = build_simple(&[("c/C.class", b"x")]);
        let l2 = build_simple(&[("l3.jar", &l3)]);
        let l1 = build_simple(&[("l2.jar", &l2), ("bad.jar", b"not a zip")]);
        let limits = Limits {
            max_nesting: 1,
            ..Limits::default()
        };
        let f = read(&l1, "", 0, &limits, &budget()).unwrap();
        assert!(f.classes.is_empty());
        assert_eq!(f.problems.len(), 2, "{:?}", f.problems);
        assert!(
            f.problems
                .iter()
                .any(|p| p.entry == "l2.jar!l3.jar" && p.message.contains("max_nesting"))
        );
        assert!(f.problems.iter().any(|p| p.entry == "bad.jar"));
        assert!(read(b"garbage", "", 0, &Limits::default(), &budget()).is_err());
    }
}
