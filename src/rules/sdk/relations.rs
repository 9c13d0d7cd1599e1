//! SDK-to-SDK relations and version rules, compiled from `[[sdk.bundles]]`,
//! `parts` and `[sdk.version]`, plus the one string automaton a scan runs
//! over binary string data (catalog `domains`, `[sdk.version] string`
//! markers and Apple Generic Versioning's `@(#)PROGRAM:` marker).

use super::*;

/// Most rules one inner SDK can be covered by (bits of a `u64` mask).
pub(crate) const MAX_RULES_PER_INNER: usize = 64;

/// Evidence of an inner SDK that is inside an outer SDK when it matches.
#[derive(Debug)]
pub(crate) struct Rule {
    /// Index of the outer SDK (the one that ships or pulls in the inner).
    pub outer: usize,
    /// `true` for a `parts` rule: every observation of the inner except a
    /// build dependency of its own is inside.
    pub part: bool,
    /// Dotted package prefixes (class evidence on a package boundary).
    pub classes: Vec<String>,
    /// ObjC class names (exact, or a prefix ending in `*`).
    pub objc: Vec<String>,
    /// Lower-cased file names (evidence naming them or located in them).
    pub files: Vec<String>,
}

fn under_package(class: &str, prefix: &str) -> bool {
    class
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '$']))
}

impl Rule {
    /// Whether one observation (`kind`, `matched` value, location entry) of
    /// the inner SDK is inside the outer SDK's package.
    pub(crate) fn covers(&self, kind: &str, matched: &str, entry: &str) -> bool {
        if self.part {
            return !ECOSYSTEMS.contains(&kind);
        }
        if matches!(kind, "dex_class" | "jni_class" | "manifest_component")
            && self.classes.iter().any(|p| under_package(matched, p))
        {
            return true;
        }
        if kind == "objc_class"
            && self.objc.iter().any(|c| match c.strip_suffix('*') {
                Some(prefix) => matched.starts_with(prefix),
                None => matched == c,
            })
        {
            return true;
        }
        if self.files.is_empty() {
            return false;
        }
        let base = |s: &str| {
            s.trim_end_matches('/')
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(s)
                .to_lowercase()
        };
        let m = base(matched);
        let e = base(entry);
        let entry_lower = entry.to_lowercase();
        self.files.iter().any(|f| {
            *f == m || *f == e || entry_lower.contains(&format!("{f}/")) || {
                // `X.framework` evidence names the framework as `X`.
                f.strip_suffix(".framework")
                    .or_else(|| f.strip_suffix(".xcframework"))
                    .is_some_and(|stem| stem == m)
            }
        })
    }
}

/// Relations and version rules over all SDKs (indices into `Catalog::sdks`).
#[derive(Debug, Default)]
pub(crate) struct Relations {
    /// Inner SDK → the rules that can put its evidence inside another SDK
    /// (at most [`MAX_RULES_PER_INNER`]).
    pub by_inner: HashMap<usize, Vec<Rule>>,
    /// SDK → `[sdk.version] file_name` regexes.
    pub version_names: HashMap<usize, Vec<regex::Regex>>,
}

impl Relations {
    /// Build from validated SDKs; an unknown or self-referencing SDK id in
    /// `bundles` or `parts` is an error naming the file, SDK and field.
    pub(super) fn build(
        sdks: &[Sdk],
        by_id: &HashMap<String, usize>,
    ) -> Result<Relations, CatalogError> {
        let mut out = Relations::default();
        for (i, s) in sdks.iter().enumerate() {
            let mut add = |field: &str, inner_id: &str, rule: Rule| {
                let Some(&inner) = by_id.get(inner_id) else {
                    return Err(invalid(
                        &s.file,
                        &s.id,
                        field,
                        format!("'{inner_id}' is not a catalog SDK id"),
                    ));
                };
                if inner == i {
                    return Err(invalid(
                        &s.file,
                        &s.id,
                        field,
                        "an SDK cannot contain itself",
                    ));
                }
                let rules = out.by_inner.entry(inner).or_default();
                if rules.len() >= MAX_RULES_PER_INNER {
                    return Err(invalid(
                        &s.file,
                        &s.id,
                        field,
                        format!(
                            "'{inner_id}' is contained by more than {MAX_RULES_PER_INNER} SDKs"
                        ),
                    ));
                }
                rules.push(rule);
                Ok(())
            };
            for b in &s.bundles {
                add(
                    "bundles.sdk",
                    &b.sdk,
                    Rule {
                        outer: i,
                        part: false,
                        classes: b.dex_class.clone(),
                        objc: b.objc_class.clone(),
                        files: b.files.iter().map(|f| f.to_lowercase()).collect(),
                    },
                )?;
            }
            for p in &s.parts {
                add(
                    "parts",
                    p,
                    Rule {
                        outer: i,
                        part: true,
                        classes: Vec::new(),
                        objc: Vec::new(),
                        files: Vec::new(),
                    },
                )?;
            }
            let mut names = Vec::new();
            for p in &s.version_rules.file_name {
                let re = regex::RegexBuilder::new(p)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| invalid(&s.file, &s.id, "version.file_name", e.to_string()))?;
                names.push(re);
            }
            if !names.is_empty() {
                out.version_names.insert(i, names);
            }
        }
        Ok(out)
    }
}

/// What one string-automaton pattern is.
#[derive(Debug, Clone)]
pub(crate) enum StringPattern {
    /// A catalog `domains` entry (its owners are looked up by host).
    Domain,
    /// A `[sdk.version] string` marker of this SDK.
    VersionMarker(usize),
    /// `@(#)PROGRAM:`, Apple Generic Versioning's what(1) string.
    WhatString,
}

/// Apple Generic Versioning's marker (`agvtool`; the `<Product>VersionString`
/// symbol holds `@(#)PROGRAM:<product>  PROJECT:<project>-<version>`).
pub(crate) const WHAT_MARKER: &str = "@(#)PROGRAM:";

/// One case-insensitive automaton over every domain and version marker.
#[derive(Debug)]
pub(crate) struct StringIndex {
    pub ac: Option<AhoCorasick>,
    pub patterns: Vec<StringPattern>,
}

impl StringIndex {
    pub(super) fn build(sdks: &[Sdk]) -> StringIndex {
        let mut pats: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut seen: HashMap<String, ()> = HashMap::new();
        for s in sdks {
            for d in &s.matchers.domains {
                let d = d.to_lowercase();
                if seen.insert(d.clone(), ()).is_none() {
                    pats.push(d);
                    patterns.push(StringPattern::Domain);
                }
            }
        }
        for (i, s) in sdks.iter().enumerate() {
            for m in &s.version_rules.string {
                pats.push(m.clone());
                patterns.push(StringPattern::VersionMarker(i));
            }
        }
        pats.push(WHAT_MARKER.to_string());
        patterns.push(StringPattern::WhatString);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .ok();
        StringIndex { ac, patterns }
    }
}
