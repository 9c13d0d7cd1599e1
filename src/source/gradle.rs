//! Gradle build scripts (`build.gradle` Groovy DSL and `build.gradle.kts`
//! Kotlin DSL): the dependency declarations of a module, read line by line
//! without evaluating Groovy or Kotlin.
//!
//! Distrusts: the script text. Only single-line declarations of the forms
//! Gradle documents are recognised — `implementation "g:a:v"`,
//! `implementation("g:a:v")`, `implementation(libs.x.y)`,
//! `implementation platform("g:a:v")`, `"playImplementation"(libs.x)`,
//! `implementation group: 'g', name: 'a', version: 'v'` — with their
//! configuration name, which carries the flavor or build type
//! (`gplayImplementation`, `debugImplementation`). Block comments and line
//! comments are skipped. Lines longer than [`MAX_LINE`] are ignored.
//!
//! Format facts: Gradle "Declaring dependencies"
//! (docs.gradle.org/current/userguide/declaring_dependencies.html), Android
//! Gradle plugin variant-aware configurations
//! (developer.android.com/build/dependencies#dependency_configurations),
//! version-catalog type-safe accessors (`libs.foo.bar` for alias `foo-bar`).

use regex::Regex;
use std::sync::OnceLock;

/// Longest line examined (bytes).
pub const MAX_LINE: usize = 4096;

/// Which builds a dependency ships in, from its configuration name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepScope {
    /// `implementation`, `api`, `runtimeOnly`, `releaseImplementation`: every release build.
    All,
    /// A flavor-scoped configuration (`playImplementation` → `play`).
    Flavor(String),
    /// `debugImplementation` and friends: debug builds only.
    Debug,
    /// Tests, annotation processors, `compileOnly`: never in the app.
    NotShipped,
}

/// What a declaration names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepTarget {
    /// `group:artifact[:version]` as written (string interpolation kept).
    Coordinate(String),
    /// A version-catalog accessor without the `libs.` prefix, normalised
    /// (`firebase.messaging`, `bundles.acra`).
    Catalog {
        /// Catalog accessor root (`libs`).
        catalog: String,
        /// Normalised accessor after the root.
        accessor: String,
    },
    /// A local `.aar` / `.jar` (`files("libs/x-1.0.aar")`), path as written.
    LocalFile(String),
}

/// Artifact name of a local library file: the file stem without a trailing
/// `-<version>` (`libs/play-services-nearby-1.2.aar` → `play-services-nearby`).
pub fn local_artifact_name(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    let stem = name
        .strip_suffix(".aar")
        .or_else(|| name.strip_suffix(".jar"))?;
    match stem.rsplit_once('-') {
        Some((a, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => Some(a),
        _ => Some(stem),
    }
}

fn re_files() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"^\s*"?([A-Za-z][A-Za-z0-9]*)"?\s*\(?\s*files\s*\(\s*["']([^"']+\.(?:aar|jar))["']"#,
        )
        .ok()
    })
    .as_ref()
}

/// One dependency declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradleDep {
    /// 1-based line.
    pub line: u32,
    /// Configuration name as written (`gplayImplementation`).
    pub configuration: String,
    /// Which builds the dependency ships in.
    pub scope: DepScope,
    /// What it names.
    pub target: DepTarget,
    /// Declared through `platform(...)` / `enforcedPlatform(...)` (a BOM).
    pub platform: bool,
}

const SHIPPED_SUFFIXES: &[&str] = &["implementation", "api", "runtimeonly", "compile", "apk"];
const NOT_SHIPPED: &[&str] = &[
    "compileonly",
    "kapt",
    "ksp",
    "annotationprocessor",
    "lintchecks",
    "lintpublish",
    "corelibrarydesugaring",
    "detektplugins",
    "classpath",
    "testfixturesapi",
    "testfixturesimplementation",
];

/// Classify a configuration name; `None` when it is not a dependency
/// configuration at all (a method call such as `minify(...)`).
pub fn scope_of(configuration: &str) -> Option<DepScope> {
    let lower = configuration.to_ascii_lowercase();
    if NOT_SHIPPED.iter().any(|n| lower.ends_with(n)) {
        return Some(DepScope::NotShipped);
    }
    let suffix = SHIPPED_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
    let prefix_len = configuration.len().checked_sub(suffix.len())?;
    let prefix = configuration.get(..prefix_len)?;
    let p = prefix.to_ascii_lowercase();
    Some(if p.is_empty() || p == "release" {
        DepScope::All
    } else if p.contains("test") {
        DepScope::NotShipped
    } else if p == "debug" || p == "profile" || p.ends_with("debug") {
        DepScope::Debug
    } else {
        let flavor = prefix.strip_suffix("Release").unwrap_or(prefix);
        DepScope::Flavor(flavor.to_string())
    })
}

fn re_decl() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"^\s*"?([A-Za-z][A-Za-z0-9]*)"?\s*\(?\s*(?:(platform|enforcedPlatform)\s*\(\s*)?(?:"([^"\s]+)"|'([^'\s]+)'|([A-Za-z][A-Za-z0-9]*)((?:\.[A-Za-z][A-Za-z0-9_]*)+))"#,
        )
        .ok()
    })
    .as_ref()
}

fn re_map() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"^\s*([A-Za-z][A-Za-z0-9]*)\s*\(?\s*group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["']"#,
        )
        .ok()
    })
    .as_ref()
}

/// Normalise a catalog alias or accessor: lower case, `-` and `_` → `.`.
pub fn normalize_accessor(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '-' | '_' => '.',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// `line` without `//` and `/* */` comments; quotes are honoured, so
/// `"**/*.class"` is a string, not a comment. `in_block` carries an open
/// block comment across lines.
pub fn strip_comments(line: &str, in_block: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_block {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                *in_block = false;
            }
            continue;
        }
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    out.push(c);
                }
                '/' if chars.peek() == Some(&'/') => break,
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    *in_block = true;
                }
                _ => out.push(c),
            },
        }
    }
    out
}

/// Every dependency declaration of a build script.
pub fn parse(text: &str) -> Vec<GradleDep> {
    let mut out = Vec::new();
    let (Some(re_decl), Some(re_map)) = (re_decl(), re_map()) else {
        return out;
    };
    let mut in_block_comment = false;
    let mut pending: Option<(u32, String)> = None;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(idx.saturating_add(1)).unwrap_or(u32::MAX);
        if raw.len() > MAX_LINE {
            continue;
        }
        let stripped = strip_comments(raw, &mut in_block_comment);
        // `implementation(` alone on its line: the argument follows on the
        // next line; join them and report the configuration's line.
        let trimmed = stripped.trim();
        if trimmed.ends_with('(')
            && trimmed.len() < 80
            && scope_of(trimmed.trim_end_matches('(').trim().trim_matches('"')).is_some()
        {
            pending = Some((line_no, stripped.clone()));
            continue;
        }
        let (line_no, line) = match pending.take() {
            Some((first, head)) => (first, format!("{head}{}", stripped.trim())),
            None => (line_no, stripped),
        };
        if let Some(c) = re_files().and_then(|r| r.captures(&line)) {
            let conf = c.get(1).map_or("", |m| m.as_str());
            if let Some(scope) = scope_of(conf) {
                out.push(GradleDep {
                    line: line_no,
                    configuration: conf.to_string(),
                    scope,
                    target: DepTarget::LocalFile(c.get(2).map_or("", |m| m.as_str()).to_string()),
                    platform: false,
                });
                continue;
            }
        }
        if let Some(c) = re_map.captures(&line) {
            let conf = c.get(1).map_or("", |m| m.as_str());
            if let Some(scope) = scope_of(conf) {
                let g = c.get(2).map_or("", |m| m.as_str());
                let a = c.get(3).map_or("", |m| m.as_str());
                out.push(GradleDep {
                    line: line_no,
                    configuration: conf.to_string(),
                    scope,
                    target: DepTarget::Coordinate(format!("{g}:{a}")),
                    platform: false,
                });
                continue;
            }
        }
        let Some(c) = re_decl.captures(&line) else {
            continue;
        };
        let conf = c.get(1).map_or("", |m| m.as_str());
        let Some(scope) = scope_of(conf) else {
            continue;
        };
        let platform = c.get(2).is_some();
        let target = if let Some(s) = c.get(3).or_else(|| c.get(4)) {
            let s = s.as_str();
            // `project(":x")` is not captured here; a string needs a `:`
            // between group and artifact and must not be a file path.
            if !s.contains(':') || s.starts_with(':') || s.contains('/') {
                continue;
            }
            DepTarget::Coordinate(s.to_string())
        } else {
            let root = c.get(5).map_or("", |m| m.as_str());
            let rest = c.get(6).map_or("", |m| m.as_str());
            if matches!(
                root,
                "project" | "files" | "fileTree" | "kotlin" | "gradleApi"
            ) {
                continue;
            }
            DepTarget::Catalog {
                catalog: root.to_string(),
                accessor: normalize_accessor(rest.trim_start_matches('.')),
            }
        };
        out.push(GradleDep {
            line: line_no,
            configuration: conf.to_string(),
            scope,
            target,
            platform,
        });
    }
    out
}

/// `true` when the script applies the Android test plugin (`com.android.test`):
/// the module is a test APK, not part of the app.
pub fn is_test_module(text: &str) -> bool {
    text.contains("com.android.test") || text.contains("androidTestPlugin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let text = r#"
dependencies {
    implementation 'androidx.core:core:1.16.0'
    officialImplementation "com.google.firebase:firebase-analytics:23.0.0"
    implementation("ch.acra:acra-http:$acraVersion")
    implementation(platform(libs.firebase.bom))
    "playImplementation"(libs.firebase.messaging)
    gplayImplementation(libs.google.play.billing)
    debugImplementation("com.squareup.leakcanary:leakcanary-android:2.14")
    testImplementation(libs.junit)
    kapt "com.google.dagger:hilt-compiler:2.5"
    implementation(project(":core:common"))
    // implementation "com.example:commented:1"
    /* implementation "com.example:block:1" */
    implementation group: 'org.osmdroid', name: 'osmdroid-android', version: '6.1.20'
    implementation(libs.bundles.acra)
}
"#;
        let deps = parse(text);
        let got: Vec<(u32, &str, DepScope, String)> = deps
            .iter()
            .map(|d| {
                (
                    d.line,
                    d.configuration.as_str(),
                    d.scope.clone(),
                    match &d.target {
                        DepTarget::Coordinate(c) => c.clone(),
                        DepTarget::Catalog { accessor, .. } => format!("libs:{accessor}"),
                        DepTarget::LocalFile(f) => f.clone(),
                    },
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    3,
                    "implementation",
                    DepScope::All,
                    "androidx.core:core:1.16.0".into()
                ),
                (
                    4,
                    "officialImplementation",
                    DepScope::Flavor("official".into()),
                    "com.google.firebase:firebase-analytics:23.0.0".into()
                ),
                (
                    5,
                    "implementation",
                    DepScope::All,
                    "ch.acra:acra-http:$acraVersion".into()
                ),
                (
                    6,
                    "implementation",
                    DepScope::All,
                    "libs:firebase.bom".into()
                ),
                (
                    7,
                    "playImplementation",
                    DepScope::Flavor("play".into()),
                    "libs:firebase.messaging".into()
                ),
                (
                    8,
                    "gplayImplementation",
                    DepScope::Flavor("gplay".into()),
                    "libs:google.play.billing".into()
                ),
                (
                    9,
                    "debugImplementation",
                    DepScope::Debug,
                    "com.squareup.leakcanary:leakcanary-android:2.14".into()
                ),
                (
                    10,
                    "testImplementation",
                    DepScope::NotShipped,
                    "libs:junit".into()
                ),
                (
                    11,
                    "kapt",
                    DepScope::NotShipped,
                    "com.google.dagger:hilt-compiler:2.5".into()
                ),
                (
                    15,
                    "implementation",
                    DepScope::All,
                    "org.osmdroid:osmdroid-android".into()
                ),
                (
                    16,
                    "implementation",
                    DepScope::All,
                    "libs:bundles.acra".into()
                ),
            ]
        );
        assert!(deps.iter().any(|d| d.platform && d.line == 6));
    }

    #[test]
    fn comments_and_strings() {
        let text = "fileFilter = ['**/R.class', '**/*Test*.*']\nimplementation 'com.google.zxing:core:3.3.3' /* x\n y */ implementation 'a.b:c:1'\nimplementation \"x.y:z:1\" // implementation 'q.r:s:1'\n";
        let got: Vec<(u32, String)> = parse(text)
            .into_iter()
            .map(|d| match d.target {
                DepTarget::Coordinate(c) => (d.line, c),
                DepTarget::Catalog { accessor, .. } => (d.line, accessor),
                DepTarget::LocalFile(f) => (d.line, f),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "com.google.zxing:core:3.3.3".to_string()),
                (3, "a.b:c:1".to_string()),
                (4, "x.y:z:1".to_string())
            ]
        );
        let local = parse(
            "    implementation files('libs/play-services-nearby-exposurenotification-18.0.3.aar')\n",
        );
        assert_eq!(
            local[0].target,
            DepTarget::LocalFile(
                "libs/play-services-nearby-exposurenotification-18.0.3.aar".into()
            )
        );
        assert_eq!(
            local_artifact_name("libs/play-services-nearby-exposurenotification-18.0.3.aar"),
            Some("play-services-nearby-exposurenotification")
        );
    }

    #[test]
    fn argument_on_next_line() {
        let deps = parse(
            "dependencies {\n    implementation(\n        \"com.google.firebase:firebase-messaging:24.0.0\"\n    )\n}\n",
        );
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].line, 2);
        assert_eq!(
            deps[0].target,
            DepTarget::Coordinate("com.google.firebase:firebase-messaging:24.0.0".into())
        );
    }

    #[test]
    fn not_configurations() {
        assert_eq!(scope_of("minify"), None);
        assert_eq!(scope_of("api"), Some(DepScope::All));
        assert_eq!(scope_of("releaseImplementation"), Some(DepScope::All));
        assert_eq!(
            scope_of("androidTestImplementation"),
            Some(DepScope::NotShipped)
        );
        assert_eq!(scope_of("compileOnly"), Some(DepScope::NotShipped));
        assert!(parse("    id 'com.google.gms.google-services'\n").is_empty());
    }
}
