//! JSON and JSONL emitters: the [`ScanReport`] serialized as the JSON
//! contract of `../shared/DESIGN.md` ("JSON contract"). Field names come
//! from `crate::model`; this module adds nothing and drops nothing.

use crate::model::{ArtifactReport, ScanReport};

/// The whole report, pretty-printed (`--format json`).
pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| failure(&e))
}

/// One artifact as a single compact line without a trailing newline
/// (`--format jsonl`, one line per artifact of a batch).
pub fn render_line(artifact: &ArtifactReport) -> String {
    serde_json::to_string(artifact).unwrap_or_else(|e| failure(&e))
}

/// Serializing the model cannot fail (no non-string map keys, no
/// non-finite floats); if it ever does, emit valid JSON that says so
/// rather than panicking or printing half a document.
fn failure(e: &serde_json::Error) -> String {
    serde_json::json!({ "error": { "code": "serialize", "message": e.to_string() } }).to_string()
}
