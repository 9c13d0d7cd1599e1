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
//! - locations: `physicalLocation.artifactLocation.uri` is the scanned
//!   artifact (for a source tree: the file inside it, with
//!   `region.startLine`); an archive member is a `logicalLocation` named
//!   `<artifact>!/<entry>` and `properties.entry`; the evidence detail
//!   (element path, offset, symbol) is the location's `message`;
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

/// `$schema` written in every log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

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
    results: Vec<SarifResult>,
    properties: BTreeMap<&'static str, serde_json::Value>,
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
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
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
struct ArtifactLocation {
    uri: String,
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

/// `true` for an artifact that is a directory whose evidence entries are
/// files inside it.
fn is_tree(a: &ArtifactReport) -> bool {
    matches!(a.kind, Some(ArtifactKind::Source) | Some(ArtifactKind::App))
}

fn location(a: &ArtifactReport, ev: Option<&Location>) -> SarifLocation {
    let mut properties = BTreeMap::new();
    let mut logical = Vec::new();
    let mut region = None;
    let mut uri = path_to_uri(&a.path);
    if let Some(ev) = ev {
        region = ev
            .line
            .filter(|l| *l >= 1)
            .map(|start_line| Region { start_line });
        if !ev.entry.is_empty() {
            properties.insert("entry", serde_json::Value::String(ev.entry.clone()));
            if is_tree(a) {
                let root = a.path.trim_end_matches(['/', '\\']);
                uri = path_to_uri(&format!("{root}/{}", ev.entry));
            } else {
                logical.push(LogicalLocation {
                    name: ev.entry.clone(),
                    fully_qualified_name: format!("{}!/{}", a.path, ev.entry),
                    kind: "member",
                });
            }
        }
    }
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri },
            region,
        },
        logical_locations: logical,
        message: ev.and_then(|e| e.detail.clone()).map(text),
        properties,
    }
}

fn result(a: &ArtifactReport, f: &Finding) -> SarifResult {
    let mut locations: Vec<SarifLocation> = f
        .evidence
        .iter()
        .take(10)
        .map(|e| location(a, Some(e)))
        .collect();
    if locations.is_empty() {
        locations.push(location(a, None));
    }
    let mut properties = BTreeMap::new();
    properties.insert("severity", serde_json::json!(f.severity.as_str()));
    properties.insert("subject", serde_json::json!(f.subject));
    properties.insert("artifact", serde_json::json!(a.path));
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
                help: text(format!("{}\n\n{}", c.help, c.why)),
                default_configuration: Configuration {
                    level: level(c.severity),
                },
                properties,
            }
        })
        .collect()
}

/// Render `report` as a SARIF 2.1.0 log (one run), pretty-printed.
pub fn render(report: &ScanReport) -> String {
    let results = report
        .artifacts
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| result(a, f)))
        .collect();
    let notifications: Vec<Notification> = report
        .artifacts
        .iter()
        .filter_map(|a| {
            a.error.as_ref().map(|e| {
                let mut properties = BTreeMap::new();
                properties.insert("code", serde_json::json!(e.code));
                Notification {
                    level: "error",
                    message: text(e.message.clone()),
                    locations: vec![location(a, None)],
                    properties,
                }
            })
        })
        .collect();
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
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
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
    fn uri_escapes_spaces_and_unicode() {
        assert_eq!(path_to_uri("out/My App.apk"), "out/My%20App.apk");
        assert_eq!(path_to_uri("a\\b#c.apk"), "a/b%23c.apk");
        assert_eq!(path_to_uri("é.apk"), "%C3%A9.apk");
    }
}
