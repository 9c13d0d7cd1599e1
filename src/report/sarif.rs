//! SARIF 2.1.0 emitter (`--format sarif`), for GitHub code scanning and
//! other SARIF consumers. Format facts: OASIS "Static Analysis Results
//! Interchange Format (SARIF) Version 2.1.0" (errata01), and its JSON
//! schema, which `tests/sarif.rs` validates the output against.
//!
//! Mapping:
//! - one `reportingDescriptor` (rule) per code of `crate::findings::CODES`:
//!   `id`, `name`, `shortDescription` (short), `fullDescription` (why),
//!   `help` (help), `defaultConfiguration.level`;
//! - one `result` per finding: `ruleId`/`ruleIndex`, `level` (high →
//!   `error`, medium → `warning`, low/info → `note`), `message`, the
//!   locations, `partialFingerprints["privscan/v1"]` (see
//!   `crate::baseline::fingerprint`: stable across runs and checkouts);
//! - locations (GitHub code scanning maps only repository-relative URIs):
//!   every `artifactLocation.uri` is relative to `--sarif-root` (default:
//!   the current directory) with `uriBaseId` `%SRCROOT%`, and the run's
//!   `originalUriBaseIds` gives that root as an absolute `file:` URI. A
//!   path outside the root keeps an absolute `file:` URI (GitHub cannot map
//!   it; the scan should run with `--sarif-root` at the checkout). For a
//!   source tree the location is the file inside it with
//!   `region.startLine`; evidence inside a binary (an archive member, an
//!   XML element path, a symbol) is the artifact plus `logicalLocations`
//!   (the entry as kind `resource`, the detail as `element` or `member`);
//! - findings whose evidence is the policy (PS104, PS203, PS401, PS402, and
//!   any finding whose evidence entry is the policy file) are located at
//!   the policy file and the clause's line, not at the binary; evidence in
//!   the Data safety export (`--data-safety`, PS501/PS503/PS504) is located
//!   at that file and the row's line;
//! - at most [`MAX_LOCATIONS`] locations per result and [`MAX_RESULTS`]
//!   results per run (GitHub's upload limits); results past the cap are
//!   left out highest severity first kept, and a notification says so;
//! - artifacts that could not be scanned are `toolExecutionNotifications`
//!   of the invocation, which is then `executionSuccessful: false`.
//!
//! Distrusted input: every string from an artifact ends up in JSON strings
//! (serde escapes them); paths are percent-encoded into URI references.

use crate::baseline::{FINGERPRINT_KEY, fingerprint};
use crate::findings::CODES;
use crate::model::{ArtifactKind, ArtifactReport, Finding, Location, ScanReport, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// `$schema` written in every log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `uriBaseId` of every repository-relative URI.
pub const SRCROOT: &str = "%SRCROOT%";

/// Most locations per result (GitHub code scanning keeps only 10).
pub const MAX_LOCATIONS: usize = 10;

/// Most results per run (GitHub code scanning rejects runs with more than 25,000).
pub const MAX_RESULTS: usize = 25_000;

/// Codes whose evidence is the policy itself, located at the policy file.
const POLICY_CODES: [&str; 4] = ["PS104", "PS203", "PS401", "PS402"];

/// SARIF `level` of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` rule property (a CVSS-like score as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::High => "8.0",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Vec<SarifResult>,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Rule>,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

/// Percent-encode a file path as a URI reference: `\` becomes `/`, and
/// every byte outside RFC 3986 `unreserved` and `/` is `%XX`-escaped.
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path` made absolute against `cwd` with `.` and `..` removed lexically
/// (the file need not exist: merged reports name files of other machines).
fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// How paths become URIs: relative to `root` (`%SRCROOT%`).
#[derive(Debug, Clone)]
pub struct UriMap {
    /// Absolute, lexically normalised root.
    root: PathBuf,
    /// The root with symlinks resolved, when it exists.
    canonical_root: Option<PathBuf>,
    /// Directory relative report paths are resolved against.
    cwd: PathBuf,
}

impl UriMap {
    /// URIs relative to `root`; relative paths in the report are resolved
    /// against `cwd` (the directory the scan ran in).
    pub fn new(root: &Path, cwd: &Path) -> UriMap {
        let root = absolute(root, cwd);
        UriMap {
            canonical_root: root.canonicalize().ok(),
            root,
            cwd: cwd.to_path_buf(),
        }
    }

    /// URIs relative to the current directory.
    pub fn current_dir() -> UriMap {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        UriMap::new(&cwd, &cwd)
    }

    /// `file:` URI of the root, ending in `/` (SARIF 3.14.14 `originalUriBaseIds`).
    fn root_uri(&self) -> String {
        let mut u = format!("file://{}", path_to_uri(&self.root.to_string_lossy()));
        if !u.starts_with("file:///") {
            // A Windows drive path (C:/...) needs the third slash.
            u = u.replacen("file://", "file:///", 1);
        }
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    }

    /// The artifact location of `path`: relative to the root with
    /// `uriBaseId` `%SRCROOT%`, or an absolute `file:` URI when outside it.
    fn locate(&self, path: &str) -> ArtifactLocation {
        let abs = absolute(Path::new(path), &self.cwd);
        let rel = abs
            .strip_prefix(&self.root)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                let canon = abs.canonicalize().ok()?;
                let root = self.canonical_root.as_ref()?;
                canon.strip_prefix(root).ok().map(Path::to_path_buf)
            });
        match rel {
            Some(rel) if !rel.as_os_str().is_empty() => ArtifactLocation {
                uri: path_to_uri(&rel.to_string_lossy()),
                uri_base_id: Some(SRCROOT),
            },
            Some(_) => ArtifactLocation {
                uri: ".".into(),
                uri_base_id: Some(SRCROOT),
            },
            None => {
                let mut uri = format!("file://{}", path_to_uri(&abs.to_string_lossy()));
                if !uri.starts_with("file:///") {
                    uri = uri.replacen("file://", "file:///", 1);
                }
                ArtifactLocation {
                    uri,
                    uri_base_id: None,
                }
            }
        }
    }
}

/// `true` for an artifact that is a directory whose evidence entries are
/// files inside it.
fn is_tree(a: &ArtifactReport) -> bool {
    matches!(a.kind, Some(ArtifactKind::Source) | Some(ArtifactKind::App))
}

/// Logical-location kind of an evidence detail: an XML element path
/// (`manifest/uses-permission[3]`) is an `element`, an offset is `value`,
/// anything else (class, symbol, key) a `member`.
fn detail_kind(detail: &str) -> &'static str {
    if detail.starts_with("offset ") {
        "value"
    } else if detail.contains('/') && !detail.contains(' ') {
        "element"
    } else {
        "member"
    }
}

/// The policy file a finding's evidence is in, when it is about the policy.
fn policy_of<'a>(a: &'a ArtifactReport, run_policy: Option<&'a str>) -> Option<&'a str> {
    a.policy.as_deref().or(run_policy)
}

/// A location in a text file of the repository (the policy, the Data
/// safety export): the file's relative URI and the line.
fn file_location(
    map: &UriMap,
    policy: &str,
    line: Option<u32>,
    detail: Option<&str>,
) -> SarifLocation {
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: map.locate(policy),
            region: line
                .filter(|l| *l >= 1)
                .map(|start_line| Region { start_line }),
        },
        logical_locations: Vec::new(),
        message: detail.map(text),
        properties: BTreeMap::new(),
    }
}

fn location(map: &UriMap, a: &ArtifactReport, ev: Option<&Location>) -> SarifLocation {
    let mut properties = BTreeMap::new();
    let mut logical = Vec::new();
    let mut region = None;
    let mut artifact_location = map.locate(&a.path);
    let mut message = None;
    if let Some(ev) = ev {
        if !ev.entry.is_empty() {
            properties.insert("entry", serde_json::Value::String(ev.entry.clone()));
        }
        if is_tree(a) && !ev.entry.is_empty() {
            let root = a.path.trim_end_matches(['/', '\\']);
            artifact_location = map.locate(&format!("{root}/{}", ev.entry));
            region = ev
                .line
                .filter(|l| *l >= 1)
                .map(|start_line| Region { start_line });
            message = ev.detail.clone().map(text);
        } else if ev.line.is_some_and(|l| l >= 1) && ev.entry.is_empty() {
            // A loose text file (a text manifest): the line is in the artifact itself.
            region = ev.line.map(|start_line| Region { start_line });
            message = ev.detail.clone().map(text);
        } else {
            if !ev.entry.is_empty() {
                logical.push(LogicalLocation {
                    name: ev.entry.clone(),
                    fully_qualified_name: ev.entry.clone(),
                    kind: "resource",
                });
            }
            if let Some(d) = &ev.detail {
                logical.push(LogicalLocation {
                    name: d.clone(),
                    fully_qualified_name: if ev.entry.is_empty() {
                        d.clone()
                    } else {
                        format!("{}!{d}", ev.entry)
                    },
                    kind: detail_kind(d),
                });
            }
            message = Some(text(ev.to_string()));
        }
    }
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location,
            region,
        },
        logical_locations: logical,
        message,
        properties,
    }
}

fn result(map: &UriMap, a: &ArtifactReport, f: &Finding, run_policy: Option<&str>) -> SarifResult {
    let policy = policy_of(a, run_policy);
    let about_policy = POLICY_CODES.contains(&f.code.as_str());
    let clause_line = f.clause.as_ref().and_then(|c| c.line);
    // The Data safety export given with `--data-safety` is a file of the
    // repository like the policy: its rows are located in it, not in the
    // binary. (In a source tree it is an entry of the tree already.)
    let data_safety = a
        .store
        .as_ref()
        .and_then(|s| s.data_safety.as_ref())
        .map(|d| d.source.as_str())
        .filter(|_| !is_tree(a));
    let mut locations: Vec<SarifLocation> = f
        .evidence
        .iter()
        .take(MAX_LOCATIONS)
        .map(|e| match policy {
            Some(p) if e.entry == p || (about_policy && e.entry.is_empty()) => {
                file_location(map, p, e.line.or(clause_line), e.detail.as_deref())
            }
            _ if data_safety == Some(e.entry.as_str()) => {
                file_location(map, &e.entry, e.line, e.detail.as_deref())
            }
            _ => location(map, a, Some(e)),
        })
        .collect();
    if locations.is_empty() {
        locations.push(match policy {
            Some(p) if about_policy => file_location(
                map,
                p,
                clause_line,
                f.clause
                    .as_ref()
                    .map(|c| format!("clause {}", c.id))
                    .as_deref(),
            ),
            _ => location(map, a, None),
        });
    }
    let mut properties = BTreeMap::new();
    properties.insert("severity", serde_json::json!(f.severity.as_str()));
    properties.insert("subject", serde_json::json!(f.subject));
    properties.insert(
        "artifact",
        serde_json::json!(crate::baseline::artifact_name(&a.path)),
    );
    if f.evidence.len() > MAX_LOCATIONS {
        properties.insert("evidenceCount", serde_json::json!(f.evidence.len()));
    }
    if let Some(c) = &f.clause {
        properties.insert("clause", serde_json::json!({"id": c.id, "title": c.title}));
    }
    let mut fp = BTreeMap::new();
    fp.insert(FINGERPRINT_KEY, fingerprint(&a.path, f));
    SarifResult {
        rule_index: CODES.iter().position(|c| c.id == f.code),
        rule_id: f.code.clone(),
        level: level(f.severity),
        message: text(f.message.clone()),
        locations,
        partial_fingerprints: fp,
        properties,
    }
}

fn rules() -> Vec<Rule> {
    CODES
        .iter()
        .map(|c| {
            let mut properties = BTreeMap::new();
            properties.insert("tags", serde_json::json!(["privacy", "privscan"]));
            properties.insert(
                "security-severity",
                serde_json::json!(security_severity(c.severity)),
            );
            Rule {
                id: c.id,
                name: c.name,
                short_description: text(c.short),
                full_description: text(c.why),
                help: Help {
                    text: format!("{}\n\n{}", c.help, c.why),
                    markdown: format!(
                        "**{} {}** (default severity: {})\n\n{}\n\n**How to resolve:** {}\n\nMore: `privscan explain {}`",
                        c.id, c.name, c.severity, c.why, c.help, c.id
                    ),
                },
                default_configuration: Configuration {
                    level: level(c.severity),
                },
                properties,
            }
        })
        .collect()
}

/// Render `report` as a SARIF 2.1.0 log (one run), pretty-printed, with
/// URIs relative to the current directory.
pub fn render(report: &ScanReport) -> String {
    render_with(report, &UriMap::current_dir())
}

/// Render `report` as a SARIF 2.1.0 log with URIs mapped by `map`.
pub fn render_with(report: &ScanReport, map: &UriMap) -> String {
    let run_policy = report
        .run
        .as_ref()
        .and_then(|r| r.policy.as_ref())
        .map(|p| p.path.as_str());
    // Highest severity first when the run is over GitHub's result cap.
    let mut findings: Vec<(&ArtifactReport, &Finding)> = report
        .artifacts
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| (a, f)))
        .collect();
    let total = findings.len();
    if total > MAX_RESULTS {
        findings.sort_by_key(|x| std::cmp::Reverse(x.1.severity));
        findings.truncate(MAX_RESULTS);
    }
    let results = findings
        .iter()
        .map(|(a, f)| result(map, a, f, run_policy))
        .collect();
    let mut notifications: Vec<Notification> = report
        .artifacts
        .iter()
        .filter_map(|a| {
            a.error.as_ref().map(|e| {
                let mut properties = BTreeMap::new();
                properties.insert("code", serde_json::json!(e.code));
                Notification {
                    level: "error",
                    message: text(e.message.clone()),
                    locations: vec![location(map, a, None)],
                    properties,
                }
            })
        })
        .collect();
    let scanned_ok = notifications.is_empty();
    if total > MAX_RESULTS {
        let mut properties = BTreeMap::new();
        properties.insert("code", serde_json::json!("result-cap"));
        notifications.push(Notification {
            level: "warning",
            message: text(format!(
                "{total} findings; only the {MAX_RESULTS} of highest severity are in this SARIF run (GitHub's per-run limit). The JSON report has all of them."
            )),
            locations: Vec::new(),
            properties,
        });
    }
    let mut driver_props = BTreeMap::new();
    driver_props.insert(
        "catalogVersion",
        serde_json::json!(report.tool.catalog_version),
    );
    let mut run_props = BTreeMap::new();
    run_props.insert(
        "catalogVersion",
        serde_json::json!(report.tool.catalog_version),
    );
    run_props.insert("schemaVersion", serde_json::json!(report.schema_version));
    run_props.insert(
        "artifactsScanned",
        serde_json::json!(report.artifacts.len()),
    );
    if let Some(p) = report.run.as_ref().and_then(|r| r.policy.as_ref()) {
        run_props.insert("policySha256", serde_json::json!(p.sha256));
    }
    let mut bases = BTreeMap::new();
    bases.insert(
        SRCROOT,
        BaseUri {
            uri: map.root_uri(),
        },
    );
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    rules: rules(),
                    properties: driver_props,
                },
            },
            invocations: vec![Invocation {
                execution_successful: scanned_ok,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: bases,
            results,
            properties: run_props,
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_else(|e| {
        serde_json::json!({"version": "2.1.0", "runs": [], "properties": {"error": e.to_string()}})
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn uris_are_relative_to_the_root() {
        let map = UriMap::new(Path::new("/repo"), Path::new("/repo/sub"));
        let l = map.locate("../build/app.apk");
        assert_eq!(l.uri, "build/app.apk");
        assert_eq!(l.uri_base_id, Some(SRCROOT));
        let l = map.locate("/repo/./x/../policy.toml");
        assert_eq!(l.uri, "policy.toml");
        let outside = map.locate("/elsewhere/a b.apk");
        assert_eq!(outside.uri, "file:///elsewhere/a%20b.apk");
        assert_eq!(outside.uri_base_id, None);
        assert_eq!(map.root_uri(), "file:///repo/");
    }

    #[test]
    fn uri_escapes_spaces_and_unicode() {
        assert_eq!(path_to_uri("out/My App.apk"), "out/My%20App.apk");
        assert_eq!(path_to_uri("a\\b#c.apk"), "a/b%23c.apk");
        assert_eq!(path_to_uri("é.apk"), "%C3%A9.apk");
    }
}
