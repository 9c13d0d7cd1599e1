//! A draft as JSON for review: the whole clause tree (every clause the
//! document's numbering and headings gave, declaring or not), what each
//! clause declares, and how much of the document was read.
//!
//! Shape (all offsets are bytes of the input, lines 1-based):
//! `{"source", "name", "markup": "text"|"markdown"|"html",
//!   "coverage": {"kept_chars", "total_chars", "percent", "blocks"},
//!   "declarations": n, "usable": bool,
//!   "clauses": [{"id", "title", "line", "span": [start, end],
//!                "declares": {...} | null, "children": [...]}]}`.

use super::extract::{ClauseNode, Draft};
use super::model::Clause;
use super::text::InputKind;
use serde_json::{Value, json};

fn declares(c: &Clause) -> Value {
    let sdks: Vec<Value> = c
        .sdks
        .iter()
        .map(|s| json!({"name": s.name, "vendor": s.vendor, "id": s.id, "purpose": s.purpose, "data": s.data}))
        .collect();
    json!({
        "android_permissions": c.android_permissions,
        "ios_usage": c.ios_usage,
        "sdks": sdks,
        "data_categories": c.data_categories,
        "denies": c.denies,
    })
}

fn node(draft: &Draft, n: &ClauseNode) -> Value {
    let d = draft
        .policy
        .clauses
        .iter()
        .find(|c| c.id == n.id)
        .map(declares)
        .unwrap_or(Value::Null);
    let children: Vec<Value> = n.children.iter().map(|c| node(draft, c)).collect();
    json!({
        "id": n.id,
        "title": n.title,
        "line": n.line,
        "span": [n.span.0, n.span.1],
        "declares": d,
        "children": children,
    })
}

/// The draft as pretty-printed JSON (shape in the module docs).
pub fn draft_to_json(draft: &Draft) -> String {
    let c = &draft.coverage;
    let markup = match draft.kind {
        InputKind::Text => "text",
        InputKind::Markdown => "markdown",
        InputKind::Html => "html",
    };
    let clauses: Vec<Value> = draft.tree.iter().map(|n| node(draft, n)).collect();
    let v = json!({
        "source": draft.policy.source,
        "name": draft.policy.name,
        "markup": markup,
        "coverage": {
            "kept_chars": c.kept_chars,
            "total_chars": c.total_chars,
            "percent": c.percent(),
            "blocks": c.blocks,
        },
        "declarations": draft.declarations(),
        "usable": !draft.is_empty(),
        "clauses": clauses,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
