//! A draft written as a policy file (TOML), with one `# <clause>: "<quote>"`
//! comment per declaration so a reviewer can check each entry.

use super::extract::{DeclKind, Draft};

pub(crate) fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One-line comment text (no newlines, bounded length).
pub(crate) fn comment_text(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 100 {
        format!("{}…", one.chars().take(100).collect::<String>())
    } else {
        one
    }
}

/// Write the draft in the policy-file format (DESIGN.md "The declared
/// policy"), with a `# <clause id>: "<quoted words>"` comment per declaration.
pub fn draft_to_toml(draft: &Draft) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let p = &draft.policy;
    let _ = writeln!(
        out,
        "# Drafted by `privscan policy extract` from {}. Review every entry.",
        comment_text(&p.source)
    );
    // Said only when something is wrong, so a complete draft's file is
    // unchanged: text not read, or nothing usable found.
    let c = &draft.coverage;
    if c.percent() < 100 {
        let _ = writeln!(
            out,
            "# Read {} of {} text characters ({}%); the rest (code blocks) was not read.",
            c.kept_chars,
            c.total_chars,
            c.percent()
        );
    }
    if draft.is_empty() {
        let _ = writeln!(
            out,
            "# Nothing usable was drafted: no permission, iOS key, SDK or data category found."
        );
    }
    let _ = writeln!(
        out,
        "[policy]\nname = {}\nsource = {}\n",
        toml_str(&p.name),
        toml_str(&p.source)
    );
    let quote = |clause: &str, kind: DeclKind, value: &str| -> String {
        draft
            .provenance
            .iter()
            .find(|pr| pr.clause == clause && pr.kind == kind && pr.value == value)
            .map(|pr| {
                format!(
                    "# {}: \"{}\" (line {})",
                    clause,
                    comment_text(&pr.quote),
                    pr.line
                )
            })
            .unwrap_or_else(|| format!("# {clause}"))
    };
    for c in &p.clauses {
        // Where the clause is in the prose (a comment: the policy-file
        // format's `line` is the line in the policy file itself).
        if let (Some(l), Some((s, e))) = (c.line, c.span) {
            let _ = writeln!(
                out,
                "# {}: line {l}, bytes {s}..{e} of {}",
                c.id,
                comment_text(&p.source)
            );
        }
        let _ = writeln!(
            out,
            "[[clause]]\nid = {}\ntitle = {}",
            toml_str(&c.id),
            toml_str(&c.title)
        );
        let mut list = |key: &str, kind: DeclKind, values: &[String]| {
            if values.is_empty() {
                return;
            }
            let _ = writeln!(out, "{key} = [");
            for v in values {
                let _ = writeln!(out, "  {}\n  {},", quote(&c.id, kind, v), toml_str(v));
            }
            let _ = writeln!(out, "]");
        };
        list(
            "android_permissions",
            DeclKind::AndroidPermission,
            &c.android_permissions,
        );
        list("ios_usage", DeclKind::IosUsage, &c.ios_usage);
        list("denies", DeclKind::Denial, &c.denies);
        list(
            "data_categories",
            DeclKind::DataCategory,
            &c.data_categories,
        );
        if !c.sdks.is_empty() {
            let _ = writeln!(out, "sdks = [");
            for s in &c.sdks {
                let key = s.id.clone().unwrap_or_else(|| s.name.clone());
                let _ = writeln!(out, "  {}", quote(&c.id, DeclKind::Sdk, &key));
                let mut fields = vec![format!("name = {}", toml_str(&s.name))];
                if let Some(v) = &s.vendor {
                    fields.push(format!("vendor = {}", toml_str(v)));
                }
                if !s.data.is_empty() {
                    let d: Vec<String> = s.data.iter().map(|x| toml_str(x)).collect();
                    fields.push(format!("data = [{}]", d.join(", ")));
                }
                if let Some(v) = &s.purpose {
                    fields.push(format!("purpose = {}", toml_str(v)));
                }
                if let Some(v) = &s.id {
                    fields.push(format!("id = {}", toml_str(v)));
                }
                let _ = writeln!(out, "  {{ {} }},", fields.join(", "));
            }
            let _ = writeln!(out, "]");
        }
        out.push('\n');
    }
    out
}
