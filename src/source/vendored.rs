//! SDK binaries a source checkout vendors: `libs/*.aar`, `libs/*.jar`,
//! `jniLibs/<abi>/*.so`, static libraries (`.a`), `.framework` and
//! `.xcframework` folders (in `Frameworks/`, in `Pods/` binary pods, in
//! `Carthage/Build/`, anywhere in the tree). Each is read by the same
//! reader an artifact of its kind gets (`package::scan_aar`, `scan_jar`,
//! `scan_static_lib`, `scan_framework_dir`, `scan_xcframework_dir`,
//! `android::apk::scan_elf_file`, `ios::ipa::scan_macho_file`), chosen by
//! the file's bytes (`input::sniff`) or the folder's layout
//! (`input::package_sniff::package_dir_kind`), never by its name alone.
//!
//! Every fact keeps the file it came from (`app/libs/x.aar!classes.jar`)
//! and, where a build file declares the binary, the declaring line:
//! Gradle `files('libs/x.aar')`, `fileTree(dir: 'libs', include:
//! ['*.jar'])`, `flatDir { dirs 'libs' }` + `(name: 'x', ext: 'aar')` /
//! `'x@aar'`, `jniLibs.srcDirs`, the AGP default `src/<set>/jniLibs/`
//! (developer.android.com/studio/projects/gradle-external-native-builds),
//! and the Podfile `pod 'Name'` line for `Pods/<Name>/`.
//!
//! Bounds: at most [`MAX_VENDORED`] binaries per tree, each with the
//! artifact caps of `Limits` (its own inflated-bytes `Budget`); the Gradle
//! wrapper and `buildSrc` / test-source-set jars are build tooling and not
//! read; `build/`, `.gradle/`, `intermediates/` and `node_modules/` are
//! never walked (`discover::SKIPPED_DIRS`). A binary that cannot be read,
//! or is read in part, is an entry error and a PS906 finding: never clean.

use super::discover::SourceFiles;
use super::gradle;
use crate::model::{
    AndroidManifest, ArtifactError, ArtifactKind, ArtifactReport, Detection, EntryError, Location,
};
use crate::reader::ReadOptions;
use rayon::prelude::*;
use regex::Regex;
use std::sync::OnceLock;

/// Most vendored binaries read from one tree; the rest are entry errors.
pub const MAX_VENDORED: usize = 256;

/// Where a build file declares a vendored binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The build file (relative to the root).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What the line says, shortened (`implementation files('libs/x.aar')`).
    pub text: String,
    /// Which builds it ships in (`None`: not said, e.g. a Podfile line).
    pub scope: Option<gradle::DepScope>,
}

/// What the vendored binaries gave the source scan.
#[derive(Debug, Default)]
pub struct VendoredFacts {
    /// SDKs detected in binaries that ship in release builds.
    pub release: Vec<Detection>,
    /// SDKs detected in binaries declared for debug or test builds only.
    pub debug_only: Vec<Detection>,
    /// Permissions the vendored AARs' manifests merge into the app
    /// (release-declared AARs), located in the AAR.
    pub merged_permissions: Vec<crate::model::UsesPermission>,
}

/// `true` for a jar that is build tooling, not app code.
fn is_tooling(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with("gradle-wrapper.jar")
        || lower.starts_with("buildsrc/")
        || lower.starts_with("build-logic/")
        || lower.contains("/buildsrc/")
        || rel.split('/').any(|c| {
            matches!(c, "test" | "androidTest" | "testFixtures" | "tests")
                || c.ends_with("Test") && c.len() > 4
        })
}

fn module_of(gradle_rel: &str) -> &str {
    gradle_rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches("./");
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for c in rel.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// `*.jar` (top level of `dir`) / `**/*.jar` (any depth) against `rel`
/// under `dir`.
fn include_matches(dir: &str, pattern: &str, rel: &str) -> bool {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let Some(rest) = rel.strip_prefix(&prefix) else {
        return false;
    };
    let (deep, pat) = match pattern.strip_prefix("**/") {
        Some(p) => (true, p),
        None => (false, pattern),
    };
    if !deep && rest.contains('/') {
        return false;
    }
    let name = rest.rsplit('/').next().unwrap_or(rest);
    match pat.strip_prefix('*') {
        Some(suffix) => name.ends_with(suffix),
        None => name == pat,
    }
}

fn re(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

fn re_conf() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"^\s*"?([A-Za-z][A-Za-z0-9]*)"?\s*[\( ]"#)
}
fn re_filetree_dir() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"fileTree\s*\(.*?"?dir"?\s*(?::|=|to)\s*["']([^"']+)["']"#,
    )
}
fn re_filetree_plain() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"fileTree\s*\(\s*["']([^"']+)["']"#)
}
fn re_include() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"["']((?:\*\*/)?\*?[A-Za-z0-9_.-]*\.(?:jar|aar|so))["']"#,
    )
}
fn re_flat_dep() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"name\s*[:=]\s*["']([^"']+)["']\s*,\s*ext\s*[:=]\s*["'](aar|jar)["']|["']:?([A-Za-z0-9_.-]+)(?::[A-Za-z0-9_.-]*)?@(aar|jar)["']"#,
    )
}
fn re_flat_dirs() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"^\s*dirs?\s*\(?\s*(.+)$"#)
}
fn re_jnilibs() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"jniLibs\.(?:srcDirs?|setSrcDirs)\s*(?:=|\+=|\()?\s*(.+)$"#,
    )
}
fn re_quoted() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"["']([^"']+)["']"#)
}
fn re_pod() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"^\s*pod\s+["']([^"'/]+)"#)
}

fn short(line: &str) -> String {
    let t = line.trim();
    match t.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", t.get(..i).unwrap_or(t)),
        None => t.to_string(),
    }
}

fn quoted(text: &str) -> Vec<String> {
    re_quoted()
        .map(|r| {
            r.captures_iter(text)
                .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Every vendored binary a Gradle script declares, as (binary path
/// relative to the root, declaration). `gradle_rel` is the script's path;
/// `vendored` the binaries found in the tree.
pub fn gradle_declarations(
    gradle_rel: &str,
    text: &str,
    vendored: &[String],
) -> Vec<(String, Declaration)> {
    let module = module_of(gradle_rel);
    let mut out = Vec::new();
    let decl = |line: u32, raw: &str, scope: Option<gradle::DepScope>| Declaration {
        file: gradle_rel.to_string(),
        line,
        text: short(raw),
        scope,
    };
    // `files(...)` through the dependency parser.
    for d in gradle::parse(text) {
        if let gradle::DepTarget::LocalFile(path) = &d.target {
            let target = join(module, path);
            if vendored.contains(&target) {
                let raw = text
                    .lines()
                    .nth(d.line.saturating_sub(1) as usize)
                    .unwrap_or("");
                out.push((target, decl(d.line, raw, Some(d.scope.clone()))));
            }
        }
    }
    let mut flat_dirs: Vec<String> = vec![join(module, "libs")];
    let mut in_flat = false;
    let mut in_block = false;
    let lines: Vec<String> = text
        .lines()
        .map(|l| gradle::strip_comments(l, &mut in_block))
        .collect();
    for l in &lines {
        if l.contains("flatDir") {
            in_flat = true;
        }
        if in_flat && let Some(c) = re_flat_dirs().and_then(|r| r.captures(l)) {
            for d in quoted(c.get(1).map_or("", |m| m.as_str())) {
                let d = d
                    .trim_start_matches("$rootDir/")
                    .trim_start_matches("${rootDir}/")
                    .trim_start_matches("$projectDir/");
                flat_dirs.push(join(module, d));
                flat_dirs.push(join("", d));
            }
        }
        if in_flat && l.contains('}') {
            in_flat = false;
        }
    }
    for (i, l) in lines.iter().enumerate() {
        if l.len() > gradle::MAX_LINE {
            continue;
        }
        let line = u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX);
        let raw = text.lines().nth(i).unwrap_or("");
        let scope = re_conf()
            .and_then(|r| r.captures(l))
            .and_then(|c| c.get(1))
            .and_then(|m| gradle::scope_of(m.as_str()));
        if l.contains("fileTree") {
            let dir = re_filetree_dir()
                .and_then(|r| r.captures(l))
                .or_else(|| re_filetree_plain().and_then(|r| r.captures(l)))
                .and_then(|c| c.get(1))
                .map(|m| join(module, m.as_str()));
            let Some(dir) = dir else { continue };
            let mut includes: Vec<String> = re_include()
                .map(|r| {
                    r.captures_iter(l)
                        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            if includes.is_empty() {
                includes.push("**/*".into());
            }
            for v in vendored {
                if includes.iter().any(|p| include_matches(&dir, p, v)) {
                    out.push((v.clone(), decl(line, raw, scope.clone())));
                }
            }
        }
        if let Some(c) = re_flat_dep().and_then(|r| r.captures(l))
            && scope.is_some()
        {
            let name = c.get(1).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            let ext = c.get(2).or_else(|| c.get(4)).map_or("", |m| m.as_str());
            let file = format!("{name}.{ext}");
            for d in &flat_dirs {
                let target = join(d, &file);
                if vendored.contains(&target) {
                    out.push((target, decl(line, raw, scope.clone())));
                    break;
                }
            }
        }
        if let Some(c) = re_jnilibs().and_then(|r| r.captures(l)) {
            for d in quoted(c.get(1).map_or("", |m| m.as_str())) {
                let dir = join(module, &d);
                for v in vendored.iter().filter(|v| v.ends_with(".so")) {
                    if include_matches(&dir, "**/*.so", v) {
                        out.push((v.clone(), decl(line, raw, None)));
                    }
                }
            }
        }
    }
    out
}

/// Podfile `pod 'Name'` lines, as (`Pods/<Name>` directory relative to the
/// root, declaration).
pub fn podfile_declarations(podfile_rel: &str, text: &str) -> Vec<(String, Declaration)> {
    let dir = module_of(podfile_rel);
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let Some(name) = re_pod()
            .and_then(|r| r.captures(l))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str())
        else {
            continue;
        };
        out.push((
            join(dir, &format!("Pods/{name}")),
            Declaration {
                file: podfile_rel.to_string(),
                line: u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX),
                text: short(l),
                scope: None,
            },
        ));
    }
    out
}

/// The declaration of `rel`, if a build file has one.
fn declaration_of<'d>(rel: &str, decls: &'d [(String, Declaration)]) -> Option<&'d Declaration> {
    decls
        .iter()
        .find(|(t, _)| t == rel)
        .or_else(|| {
            decls
                .iter()
                .find(|(t, _)| t.contains("Pods/") && rel.starts_with(&format!("{t}/")))
        })
        .map(|(_, d)| d)
}

/// Where AGP packs a `.so` from without a build-file line: a
/// `src/<set>/jniLibs/<abi>/` source set.
fn default_jnilibs(rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    let at = parts.iter().position(|p| *p == "jniLibs")?;
    let set = parts.get(at.checked_sub(1)?)?;
    (at >= 2 && parts.get(at - 2) == Some(&"src")).then(|| format!("{set} source set jniLibs/"))
}

/// One vendored binary read by its kind's reader into its own report.
struct Read {
    rel: String,
    report: ArtifactReport,
    detections: Vec<Detection>,
    manifest: Option<AndroidManifest>,
}

fn read_one(files: &SourceFiles, rel: &str, opts: &ReadOptions) -> Read {
    let path = files.abs(rel);
    let mut report = ArtifactReport::new(rel.to_string());
    let mut detections = Vec::new();
    let mut manifest = None;
    let result: Result<(), ArtifactError> = (|| {
        if path.is_dir() {
            let kind = crate::input::package_sniff::package_dir_kind(&path);
            report.kind = kind;
            let pkg = match kind {
                Some(ArtifactKind::Framework) => crate::package::scan_framework_dir(&path, opts)?,
                Some(ArtifactKind::Xcframework) => {
                    crate::package::scan_xcframework_dir(&path, opts)?
                }
                _ => {
                    return Err(ArtifactError {
                        code: "unknown-kind".into(),
                        message: "named like an SDK package folder but laid out as none (no Info.plist / AvailableLibraries)".into(),
                    });
                }
            };
            let o = crate::package::observe_apple(pkg, opts, &mut report);
            report.findings.extend(o.checks);
            detections = o.detections;
            return Ok(());
        }
        let data = crate::input::load(&path).map_err(|e| ArtifactError {
            code: "io".into(),
            message: e.to_string(),
        })?;
        let kind = crate::input::sniff(&path, &data);
        report.kind = kind;
        let budget = crate::limits::Budget::new(&opts.limits);
        match kind {
            Some(ArtifactKind::Aar) => {
                let o = crate::package::scan_aar(&data, opts, &budget, &mut report)?;
                detections = o.detections;
                manifest = Some(o.manifest);
            }
            Some(ArtifactKind::Jar) => {
                crate::package::scan_jar(&data, opts, &budget, &mut report)?;
                detections = std::mem::take(&mut report.sdks);
            }
            Some(ArtifactKind::StaticLib) => {
                let pkg = crate::package::scan_static_lib(&data, opts, &report)?;
                let o = crate::package::observe_apple(pkg, opts, &mut report);
                report.findings.extend(o.checks);
                detections = o.detections;
            }
            Some(ArtifactKind::Elf) => {
                crate::android::apk::scan_elf_file(&data, opts, &mut report)?;
                detections = std::mem::take(&mut report.sdks);
            }
            Some(ArtifactKind::Macho) => {
                crate::ios::ipa::scan_macho_file(&data, opts, &mut report)?;
                detections = std::mem::take(&mut report.sdks);
            }
            other => {
                return Err(ArtifactError {
                    code: "unknown-kind".into(),
                    message: format!(
                        "named like an SDK binary but its bytes are {}",
                        other.map_or("no known format", |k| k.as_str())
                    ),
                });
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        report.error = Some(e);
    }
    Read {
        rel: rel.to_string(),
        report,
        detections,
        manifest,
    }
}

fn prefixed(prefix: &str, entry: &str) -> String {
    if entry.is_empty() {
        prefix.trim_end_matches(['!', '/']).to_string()
    } else {
        format!("{prefix}{entry}")
    }
}

fn locate(l: &mut Location, prefix: &str, decl: Option<&Declaration>) {
    l.entry = prefixed(prefix, &l.entry);
    if let Some(d) = decl {
        let note = if d.line == 0 {
            format!("packed by AGP from the {}", d.text)
        } else {
            format!("declared at {}:{} ({})", d.file, d.line, d.text)
        };
        l.detail = Some(match l.detail.take() {
            Some(x) => format!("{x}; {note}"),
            None => note,
        });
    }
}

/// Add `more` to `into`, one detection per SDK id (evidence appended,
/// counts summed, the stronger confidence and the first version kept).
pub fn merge_detections(into: &mut Vec<Detection>, more: Vec<Detection>) {
    for d in more {
        match into.iter_mut().find(|x| x.id == d.id) {
            Some(x) => {
                x.confidence = x.confidence.max(d.confidence);
                if x.version.is_none() {
                    x.version = d.version;
                }
                for (k, n) in d.matcher_counts {
                    let c = x.matcher_counts.entry(k).or_insert(0);
                    *c = c.saturating_add(n);
                }
                x.evidence.extend(d.evidence);
            }
            None => into.push(d),
        }
    }
    into.sort_by(|a, b| a.id.cmp(&b.id));
}

/// Read every vendored binary of `files` and move its observations into
/// `report` (binaries, entry errors and findings, entries prefixed with
/// the binary's path); return its SDKs and merged permissions.
pub fn scan_vendored(
    files: &SourceFiles,
    opts: &ReadOptions,
    report: &mut ArtifactReport,
) -> VendoredFacts {
    let mut facts = VendoredFacts::default();
    let wanted: Vec<&String> = files.vendored.iter().filter(|r| !is_tooling(r)).collect();
    if wanted.is_empty() {
        return facts;
    }
    let mut decls = Vec::new();
    for g in &files.gradle {
        if let Ok(text) = std::fs::read_to_string(files.abs(g))
            && text.len() as u64 <= super::discover::MAX_TEXT_BYTES
        {
            decls.extend(gradle_declarations(g, &text, &files.vendored));
        }
    }
    for v in &wanted {
        if let Some((dir, _)) = v.split_once("Pods/") {
            let podfile = format!("{dir}Podfile");
            if !decls.iter().any(|(_, d)| d.file == podfile)
                && let Ok(text) = std::fs::read_to_string(files.abs(&podfile))
            {
                decls.extend(podfile_declarations(&podfile, &text));
            }
        }
    }
    let (read, over) = wanted.split_at(wanted.len().min(MAX_VENDORED));
    if !over.is_empty() {
        super::entry_error(
            report,
            over.first().map_or("", |s| s.as_str()),
            format!(
                "{} more vendored SDK binaries not read: the cap of {MAX_VENDORED} per tree was reached",
                over.len()
            ),
        );
    }
    let results: Vec<Read> = read
        .par_iter()
        .with_max_len(1)
        .map(|rel| read_one(files, rel, opts))
        .collect();
    for r in results {
        absorb(r, &decls, report, &mut facts);
    }
    report.contacts.sort_by(|a, b| {
        (&a.sdk, &a.host, &a.location.entry).cmp(&(&b.sdk, &b.host, &b.location.entry))
    });
    facts
}

fn absorb(
    r: Read,
    decls: &[(String, Declaration)],
    report: &mut ArtifactReport,
    facts: &mut VendoredFacts,
) {
    let Read {
        rel,
        report: mut sub,
        mut detections,
        manifest,
    } = r;
    let is_dir = sub
        .kind
        .is_some_and(|k| matches!(k, ArtifactKind::Framework | ArtifactKind::Xcframework));
    let prefix = if is_dir {
        format!("{rel}/")
    } else {
        format!("{rel}!")
    };
    let decl = declaration_of(&rel, decls).cloned().or_else(|| {
        default_jnilibs(&rel).map(|set| Declaration {
            file: rel.clone(),
            line: 0,
            text: set,
            scope: None,
        })
    });
    // The jniLibs pseudo-declaration names a source set, not a line.
    let line_decl = decl.as_ref().filter(|d| d.line > 0);
    if let Some(e) = sub.error.take() {
        let problem = EntryError {
            entry: rel.clone(),
            message: format!("vendored SDK binary not read: {} [{}]", e.message, e.code),
        };
        report
            .findings
            .extend(crate::package::partly_read(std::slice::from_ref(&problem)));
        report.entry_errors.push(problem);
    }
    for mut b in sub.binaries {
        b.entry = prefixed(&prefix, &b.entry);
        report.binaries.push(b);
    }
    for mut e in sub.entry_errors {
        e.entry = prefixed(&prefix, &e.entry);
        report.entry_errors.push(e);
    }
    for mut f in sub.findings {
        if f.evidence.iter().any(|l| l.entry == f.subject) || f.subject.is_empty() {
            f.subject = prefixed(&prefix, &f.subject);
        }
        for l in &mut f.evidence {
            locate(l, &prefix, None);
        }
        report.findings.push(f);
    }
    // Hosts in the binary's string data, located in the tree.
    for mut c in sub.contacts {
        locate(&mut c.location, &prefix, decl.as_ref());
        report.contacts.push(c);
    }
    for d in &mut detections {
        for ev in &mut d.evidence {
            locate(&mut ev.location, &prefix, decl.as_ref());
        }
    }
    let shipped = decl
        .as_ref()
        .and_then(|d| d.scope.as_ref())
        .is_none_or(|s| matches!(s, gradle::DepScope::All | gradle::DepScope::Flavor(_)));
    if shipped {
        merge_detections(&mut facts.release, detections);
    } else {
        merge_detections(&mut facts.debug_only, detections);
    }
    // An AAR declared for release builds merges its manifest's
    // permissions into the app (the manifest merger).
    if let (Some(m), Some(d)) = (manifest, line_decl)
        && shipped
    {
        for mut p in m.uses_permissions {
            locate(&mut p.location, &prefix, Some(d));
            let note = "merged into the app from a vendored AAR at build time";
            p.location.detail = Some(match p.location.detail.take() {
                Some(x) => format!("{note}; {x}"),
                None => note.to_string(),
            });
            facts.merged_permissions.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_patterns() {
        assert!(include_matches("app/libs", "*.jar", "app/libs/a.jar"));
        assert!(!include_matches("app/libs", "*.jar", "app/libs/x/a.jar"));
        assert!(include_matches("app/libs", "**/*.jar", "app/libs/x/a.jar"));
        assert!(!include_matches("app/libs", "*.aar", "app/libs/a.jar"));
        assert!(!include_matches("app/libs", "*.jar", "lib/libs/a.jar"));
    }

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("app", "libs/x.aar"), "app/libs/x.aar");
        assert_eq!(join("app", "../libs/x.aar"), "libs/x.aar");
        assert_eq!(join("", "./libs/x.aar"), "libs/x.aar");
    }

    #[test]
    fn tooling_jars_are_not_app_code() {
        assert!(is_tooling("gradle/wrapper/gradle-wrapper.jar"));
        assert!(is_tooling("buildSrc/libs/x.jar"));
        assert!(is_tooling("app/src/test/resources/fixture.jar"));
        assert!(!is_tooling("app/libs/AMap3DMap.jar"));
    }
}
