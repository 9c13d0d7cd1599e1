//! Discovery in a source checkout: which files of a mobile repository hold
//! the facts privscan reads (manifests, plists, dependency declarations and
//! lock files, the privacy policy), found by one bounded walk.
//!
//! Distrusts: the tree. It may be huge (a monorepo), hold symlink loops or
//! build outputs with thousands of generated manifests. The walk honours
//! `.gitignore` / `.ignore` files (the `ignore` crate, the rules git uses,
//! also outside a git work tree), never follows symlinks, skips hidden
//! directories and build-output directories (`build/`, `.gradle/`,
//! `node_modules/`, `DerivedData/`, `.dart_tool/`, `.build/`,
//! `Carthage/Checkouts/`), and stops after [`MAX_FILES`] files or
//! [`MAX_DEPTH`] levels. `Pods/` and `Carthage/Build/` are walked for the
//! SDK binaries they vendor only ([`VENDORED_ONLY_DIRS`]); a `.framework`
//! or `.xcframework` folder is listed as one vendored package and not
//! walked into.
//!
//! Layout facts: Android Gradle plugin source sets (`<module>/src/<set>/
//! AndroidManifest.xml`, developer.android.com/build/build-variants#sourcesets),
//! Xcode bundle layout, CocoaPods/SwiftPM/pub/npm lock-file names.

use std::path::{Path, PathBuf};

/// Most files looked at in one tree.
pub const MAX_FILES: usize = 200_000;
/// Deepest directory level walked below the root.
pub const MAX_DEPTH: usize = 16;
/// Largest text file read (bytes); larger files are reported and skipped.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// Directory names that hold build outputs or tooling, not walked.
pub const SKIPPED_DIRS: &[&str] = &[
    "build",
    ".gradle",
    "node_modules",
    "DerivedData",
    ".dart_tool",
    ".build",
    "Checkouts",
    ".git",
    ".idea",
    ".symlinks",
    "ephemeral",
    ".cxx",
    "intermediates",
];

/// Directory names whose files are dependency managers' copies: only the
/// SDK binaries in them ([`SourceFiles::vendored`]) are taken, never their
/// manifests, plists or build files.
pub const VENDORED_ONLY_DIRS: &[&str] = &["Pods", "Carthage"];

/// `true` for a file or folder name that may be a vendored SDK binary
/// (`.aar`, `.jar`, `.so`, `.a`, `.framework`, `.xcframework`); its bytes
/// decide what it really is.
pub fn is_vendored_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".aar", ".jar", ".so", ".a", ".framework", ".xcframework"]
        .iter()
        .any(|ext| lower.ends_with(ext) && lower.len() > ext.len())
}

fn is_package_dir_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".framework") || lower.ends_with(".xcframework")
}

/// What a source set contributes to a release build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSetKind {
    /// `main` (or Kotlin Multiplatform `androidMain`): every variant.
    Main,
    /// `release`: every release variant.
    Release,
    /// A product flavor (`play`, `fdroid`, `gplay`...): that flavor's variants.
    Flavor(String),
    /// `debug`, `profile` and `*Debug`: not in release builds.
    Debug,
    /// `test`, `androidTest`, `testFixtures`...: never in the app.
    Test,
}

impl SourceSetKind {
    /// Classify an Android source-set directory name.
    pub fn of(set: &str) -> SourceSetKind {
        let lower = set.to_ascii_lowercase();
        if lower == "main" || lower == "androidmain" {
            SourceSetKind::Main
        } else if lower.contains("test") || lower.contains("benchmark") {
            SourceSetKind::Test
        } else if lower == "debug" || lower == "profile" || lower.ends_with("debug") {
            SourceSetKind::Debug
        } else if lower == "release" {
            SourceSetKind::Release
        } else {
            SourceSetKind::Flavor(set.strip_suffix("Release").unwrap_or(set).to_string())
        }
    }

    /// `true` when the source set ships in some release build.
    pub fn in_release(&self) -> bool {
        matches!(
            self,
            SourceSetKind::Main | SourceSetKind::Release | SourceSetKind::Flavor(_)
        )
    }
}

/// An `AndroidManifest.xml` with the module and source set it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Module directory relative to the root (`app`, `core/network`, `""`).
    pub module: String,
    /// Source-set directory name (`main`, `debug`, `play`...).
    pub source_set: String,
    /// What the source set contributes to a release build.
    pub kind: SourceSetKind,
}

/// Every file of interest, as paths relative to the root (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct SourceFiles {
    /// The scanned root.
    pub root: PathBuf,
    /// Every `AndroidManifest.xml` with its module and source set.
    pub manifests: Vec<ManifestFile>,
    /// `Info.plist` files (XCTest baselines and `.xcframework`s excluded).
    pub info_plists: Vec<String>,
    /// `*.entitlements`.
    pub entitlements: Vec<String>,
    /// `PrivacyInfo.xcprivacy`.
    pub privacy_manifests: Vec<String>,
    /// `*.lproj/InfoPlist.strings`.
    pub infoplist_strings: Vec<String>,
    /// `*.xcodeproj/project.pbxproj`.
    pub pbxproj: Vec<String>,
    /// `build.gradle`, `build.gradle.kts` (also `buildSrc`, `build-logic`).
    pub gradle: Vec<String>,
    /// `*.versions.toml` under a `gradle/` directory.
    pub version_catalogs: Vec<String>,
    /// `Podfile.lock`.
    pub podfile_locks: Vec<String>,
    /// SwiftPM `Package.resolved`.
    pub package_resolved: Vec<String>,
    /// `pubspec.lock`.
    pub pubspec_locks: Vec<String>,
    /// `package.json`.
    pub package_json: Vec<String>,
    /// `package-lock.json`.
    pub package_locks: Vec<String>,
    /// Expo `app.json` / `app.config.json`.
    pub app_json: Vec<String>,
    /// Vendored SDK binaries: `.aar`, `.jar`, `.so`, `.a` files and
    /// `.framework` / `.xcframework` folders (paths without a trailing `/`).
    pub vendored: Vec<String>,
    /// Privacy-policy candidates, best first (see [`policy_rank`]).
    pub policies: Vec<String>,
    /// Play Data safety exports (`data-safety.csv`, `data_safety.csv`,
    /// `datasafety.csv`, any case, any folder: fastlane metadata,
    /// `play/`, `store-assets/`...).
    pub data_safety: Vec<String>,
    /// The walk stopped at [`MAX_FILES`].
    pub truncated: bool,
    /// Walk errors (unreadable directories...), as `path: message`.
    pub errors: Vec<String>,
}

impl SourceFiles {
    /// Absolute path of a relative one.
    pub fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// Rank of a privacy-policy candidate file name (lower is better), `None`
/// when the file is not one. `PRIVACY*.md` and `privacy-policy.*` at the
/// root rank first, then policies in docs/assets/resources and fastlane
/// metadata `privacy_url.txt` (a URL, kept only as a last resort).
pub fn policy_rank(rel: &str) -> Option<u8> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let depth = rel.matches('/').count();
    let text_ext = match lower.rsplit_once('.') {
        Some((_, ext)) => matches!(ext, "md" | "markdown" | "txt" | "html" | "htm"),
        None => true,
    };
    if !text_ext {
        return None;
    }
    if lower.contains("privacy_url") {
        return None;
    }
    let privacy = lower.starts_with("privacy")
        || lower.starts_with("privacypolicy")
        || lower.contains("privacy-policy")
        || lower.contains("privacy_policy")
        || lower.starts_with("info_privacy");
    // A terms file holds the policy in some repos; used only without a privacy file.
    let terms = lower.starts_with("terms");
    if !privacy && !terms {
        return None;
    }
    if lower.contains("assessment") {
        return Some(9);
    }
    let mut rank: u8 = match depth {
        0 => 0,
        _ if rel.starts_with("docs/") || rel.starts_with("fastlane/") => 2,
        _ => 3,
    };
    if terms {
        rank = rank.saturating_add(5);
    }
    if is_other_language(rel) {
        rank = rank.saturating_add(1);
    }
    Some(rank)
}

/// `true` when the path names a language other than English
/// (`privacy_de.html`, `de.lproj/privacy-policy.html`).
fn is_other_language(rel: &str) -> bool {
    let lang_ok = |code: &str| code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase());
    let dir_lang = rel
        .split('/')
        .filter_map(|c| c.strip_suffix(".lproj"))
        .any(|code| code != "en" && code != "Base" && code != "base");
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    let file_lang = stem
        .rsplit_once(['_', '-'])
        .map(|(_, code)| lang_ok(code) && code != "en")
        .unwrap_or(false);
    dir_lang || file_lang
}

/// Walk `root` and sort every file of interest into [`SourceFiles`].
pub fn discover(root: &Path) -> SourceFiles {
    let mut out = SourceFiles {
        root: root.to_path_buf(),
        ..SourceFiles::default()
    };
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .ignore(true)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            // A framework folder is one package: nothing inside it is walked.
            let in_package = e
                .path()
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|n| is_package_dir_name(&n.to_string_lossy()));
            !(in_package
                || is_dir && e.depth() > 0 && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        })
        .build();
    let mut seen = 0usize;
    let mut policies: Vec<(u8, String)> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if out.errors.len() < 100 {
                    out.errors.push(e.to_string());
                }
                continue;
            }
        };
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir
            && entry.depth() > 0
            && is_package_dir_name(&entry.file_name().to_string_lossy())
            && let Ok(rel_path) = entry.path().strip_prefix(root)
        {
            out.vendored.push(rel_string(rel_path));
            continue;
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        seen += 1;
        if seen > MAX_FILES {
            out.truncated = true;
            break;
        }
        let Ok(rel_path) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel_string(rel_path);
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if is_vendored_name(name) {
            out.vendored.push(rel.clone());
        }
        if rel.split('/').any(|c| VENDORED_ONLY_DIRS.contains(&c)) {
            continue;
        }
        classify(&rel, &mut out, &mut policies);
    }
    policies.sort();
    out.policies = policies.into_iter().map(|(_, p)| p).collect();
    for list in [
        &mut out.info_plists,
        &mut out.entitlements,
        &mut out.privacy_manifests,
        &mut out.infoplist_strings,
        &mut out.pbxproj,
        &mut out.gradle,
        &mut out.version_catalogs,
        &mut out.podfile_locks,
        &mut out.package_resolved,
        &mut out.pubspec_locks,
        &mut out.package_json,
        &mut out.package_locks,
        &mut out.app_json,
        &mut out.vendored,
        &mut out.data_safety,
    ] {
        list.sort();
    }
    out.manifests.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

fn rel_string(rel_path: &Path) -> String {
    rel_path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn classify(rel: &str, out: &mut SourceFiles, policies: &mut Vec<(u8, String)>) {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let parent = rel.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    let s = rel.to_string();
    match name {
        "AndroidManifest.xml" => out.manifests.push(manifest_file(rel)),
        "Info.plist" => {
            // Test bundles and XCTest baselines never ship.
            if !rel.contains(".xcbaseline/") && !rel.contains(".xcframework/") {
                out.info_plists.push(s)
            }
        }
        "PrivacyInfo.xcprivacy" => out.privacy_manifests.push(s),
        "InfoPlist.strings" if parent.ends_with(".lproj") => out.infoplist_strings.push(s),
        "project.pbxproj" if parent.ends_with(".xcodeproj") => out.pbxproj.push(s),
        "build.gradle" | "build.gradle.kts" => out.gradle.push(s),
        "Podfile.lock" => out.podfile_locks.push(s),
        "Package.resolved" => out.package_resolved.push(s),
        "pubspec.lock" => out.pubspec_locks.push(s),
        "package.json" => out.package_json.push(s),
        "package-lock.json" => out.package_locks.push(s),
        "app.json" | "app.config.json" => out.app_json.push(s),
        _ if name.ends_with(".entitlements") => out.entitlements.push(s),
        _ if ["data-safety.csv", "data_safety.csv", "datasafety.csv"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n)) =>
        {
            out.data_safety.push(s)
        }
        _ if name.ends_with(".versions.toml")
            && (parent == "gradle" || parent.ends_with("/gradle")) =>
        {
            out.version_catalogs.push(s)
        }
        _ => {
            if let Some(rank) = policy_rank(rel) {
                policies.push((rank, s));
            }
        }
    }
}

/// Module and source set of a manifest path: `<module>/src/<set>/...` (AGP
/// layout); a manifest outside `src/` (custom `manifest.srcFile`) belongs to
/// its directory's module and the `main` set.
pub fn manifest_file(rel: &str) -> ManifestFile {
    let parts: Vec<&str> = rel.split('/').collect();
    let src_at = parts.iter().rposition(|p| *p == "src");
    let (module, set) = match src_at {
        Some(i) => (
            parts.get(..i).map(|p| p.join("/")).unwrap_or_default(),
            parts.get(i + 1).copied().unwrap_or("main").to_string(),
        ),
        None => (
            rel.rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default(),
            "main".to_string(),
        ),
    };
    let set = if set == "AndroidManifest.xml" {
        "main".to_string()
    } else {
        set
    };
    ManifestFile {
        rel: rel.to_string(),
        module,
        kind: SourceSetKind::of(&set),
        source_set: set,
    }
}

/// `true` when `dir`'s top level looks like an app's source checkout
/// (Gradle, Xcode, CocoaPods, SwiftPM, Flutter, Expo/React Native, or an
/// `android/` + `ios/` pair).
pub fn is_source_tree(dir: &Path) -> bool {
    match top_level(dir) {
        TopLevel::Marker => true,
        TopLevel::Artifacts => false,
        TopLevel::Nothing => nested_marker(dir),
    }
}

enum TopLevel {
    Marker,
    /// Holds APK/AAB/IPA files: a batch folder.
    Artifacts,
    Nothing,
}

const MARKER_FILES: &[&str] = &[
    "settings.gradle",
    "settings.gradle.kts",
    "build.gradle",
    "build.gradle.kts",
    "gradlew",
    "Podfile",
    "Package.swift",
    "pubspec.yaml",
    "Package.resolved",
];

fn top_level(dir: &Path) -> TopLevel {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return TopLevel::Nothing;
    };
    let mut has_android = false;
    let mut has_ios = false;
    let mut has_app_json = false;
    let mut has_package_json = false;
    let mut artifacts = false;
    for e in rd.take(10_000).flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let lower = name.to_ascii_lowercase();
        match name.as_str() {
            n if MARKER_FILES.contains(&n) => return TopLevel::Marker,
            "android" => has_android = e.path().is_dir(),
            "ios" => has_ios = e.path().is_dir(),
            "app.json" => has_app_json = true,
            "package.json" => has_package_json = true,
            _ if (name.ends_with(".xcodeproj") || name.ends_with(".xcworkspace"))
                && e.path().is_dir() =>
            {
                return TopLevel::Marker;
            }
            _ if [".apk", ".aab", ".apks", ".xapk", ".ipa"]
                .iter()
                .any(|x| lower.ends_with(x)) =>
            {
                artifacts = true
            }
            _ => {}
        }
    }
    if (has_android && has_ios) || (has_app_json && has_package_json) {
        TopLevel::Marker
    } else if artifacts {
        TopLevel::Artifacts
    } else {
        TopLevel::Nothing
    }
}

/// What a bounded look below the top level found.
#[derive(Default)]
struct Nested {
    marker: bool,
    artifacts: bool,
}

/// A checkout whose project sits a few levels down (`src/xcode/App.xcodeproj`,
/// `app/android/settings.gradle`): a marker within 3 levels and no
/// APK/AAB/IPA anywhere within them (a folder holding artifacts is a batch).
fn nested_marker(dir: &Path) -> bool {
    let mut found = Nested::default();
    look_below(dir, 1, &mut found);
    found.marker && !found.artifacts
}

fn look_below(dir: &Path, depth: u32, found: &mut Nested) {
    if depth > 3 || found.artifacts {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.take(200).flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_str()) {
            continue;
        }
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let p = e.path();
        match top_level(&p) {
            TopLevel::Marker => found.marker = true,
            TopLevel::Artifacts => {
                found.artifacts = true;
                return;
            }
            TopLevel::Nothing => look_below(&p, depth + 1, found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_sets() {
        let m = manifest_file("app/src/gplay/AndroidManifest.xml");
        assert_eq!(m.module, "app");
        assert_eq!(m.kind, SourceSetKind::Flavor("gplay".into()));
        assert_eq!(
            manifest_file("a/b/src/debug/AndroidManifest.xml").kind,
            SourceSetKind::Debug
        );
        assert_eq!(
            manifest_file("core/AndroidManifest.xml").kind,
            SourceSetKind::Main
        );
        assert_eq!(manifest_file("core/AndroidManifest.xml").module, "core");
        assert_eq!(
            manifest_file("q/src/androidDeviceTest/AndroidManifest.xml").kind,
            SourceSetKind::Test
        );
        assert_eq!(
            manifest_file("commons/src/androidMain/AndroidManifest.xml").kind,
            SourceSetKind::Main
        );
        assert_eq!(
            manifest_file("core/x/src/main/kotlin/AndroidManifest.xml").source_set,
            "main"
        );
    }

    #[test]
    fn policy_names() {
        assert_eq!(policy_rank("PRIVACY.md"), Some(0));
        assert_eq!(policy_rank("PRIVACY.MD"), Some(0));
        assert_eq!(policy_rank("PRIVACY_POLICY.md"), Some(0));
        assert_eq!(policy_rank("privacypolicy.md"), Some(0));
        assert_eq!(policy_rank("docs/privacy.html"), Some(2));
        assert_eq!(policy_rank("docs/privacy-assessment.md"), Some(9));
        assert_eq!(policy_rank("src/privacy.rs"), None);
        assert_eq!(policy_rank("README.md"), None);
        assert_eq!(policy_rank("assets/terms.md"), Some(8));
        assert_eq!(policy_rank("a/privacy_en.html"), Some(3));
        assert_eq!(policy_rank("a/privacy_de.html"), Some(4));
        assert_eq!(policy_rank("x/de.lproj/privacy-policy.html"), Some(4));
    }
}
