//! Policy lint: problems a privacy policy has on its own, without any build.
//!
//! * PS401 unfilled template text: bracketed placeholders (`[SDK Name 1]`,
//!   `[Company Name 1]`), `XXX`, `<Company>`, `{{app_name}}`, full-width
//!   `【9】` / `【SDK名称】`, editor notes (`（请根据具体使用目的填写）`, `[here]()`,
//!   `TODO`) — one finding per placeholder, quoting it and naming its clause.
//! * PS402 the policy contradicts itself: (a) a data category described in a
//!   permission/authorisation sentence (location for a "Nearby" feature) has
//!   no permission of that category in the clause that enumerates the app's
//!   permissions; (b) a permission listed with a description of a different
//!   category; (c) a clause denies what another declares; (d) an
//!   add/write-only iOS key (`NSPhotoLibraryAddUsageDescription`) described
//!   as reading, viewing or picking the user's data while the key that
//!   reading needs is declared nowhere (`write_only_of` and `read_words` in
//!   `rules/ios-usage-keys.toml`, from Apple's key reference).
//!
//! Distrusts: the prose and the policy file; every check is bounded by the
//! text length. Category facts come from the permission catalog
//! (`rules/android-permissions.toml`), the iOS label table
//! (`rules/ios-usage-labels.toml`) and the lexicon (`rules/data-categories.toml`).

use super::extract::{
    DeclKind, Draft, Lexicon, ios_usage_category, ios_usage_labels, re_placeholder,
};
use super::model::{Clause, Policy};
use super::patterns::re_editor_note;
use super::text::InputKind;
use crate::findings::Code;
use crate::model::{ClauseRef, Finding, Location};
use crate::rules::permissions::PermissionCatalog;
use std::collections::{BTreeSet, HashSet};

fn finding(
    code: Code,
    subject: &str,
    message: String,
    clause: Option<ClauseRef>,
    evidence: Vec<Location>,
) -> Finding {
    Finding {
        code: code.id().to_string(),
        severity: code.info().severity,
        subject: subject.to_string(),
        message,
        clause,
        evidence,
    }
}

fn clause_ref(c: &Clause) -> ClauseRef {
    ClauseRef {
        id: c.id.clone(),
        title: c.title.clone(),
        line: c.line,
    }
}

/// Categories backed by some permission or usage key: only these can be
/// "missing" from a permission list.
fn permission_backed(perms: &PermissionCatalog) -> HashSet<String> {
    let mut s: HashSet<String> = perms.iter().map(|p| p.category.clone()).collect();
    s.extend(ios_usage_labels().iter().map(|l| l.category.clone()));
    s
}

/// Categories the permission clause covers.
fn covered(clause: &Clause, perms: &PermissionCatalog) -> HashSet<String> {
    let mut s: HashSet<String> = clause
        .android_permissions
        .iter()
        .filter_map(|p| perms.get(p))
        .map(|p| p.category.clone())
        .collect();
    s.extend(
        clause
            .ios_usage
            .iter()
            .filter_map(|k| ios_usage_category(k))
            .map(str::to_string),
    );
    s
}

/// Categories close enough that describing one for the other is not a
/// contradiction (media permissions read storage, BLE scans need location).
fn related(a: &str, b: &str) -> bool {
    const PAIRS: &[(&str, &str)] = &[
        ("photos", "storage"),
        ("camera", "photos"),
        ("location", "bluetooth"),
        ("network", "bluetooth"),
        ("photos", "media"),
        ("storage", "media"),
        ("bluetooth", "nearby-devices"),
        ("location", "nearby-devices"),
        ("network", "nearby-devices"),
    ];
    a == b
        || PAIRS
            .iter()
            .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// Data categories the prose describes in a permission/authorisation
/// sentence ("we will request your authorization for the geolocation
/// permission") that the clause enumerating permissions (the one with the
/// most permissions and usage keys) covers with no permission or usage key:
/// the first such provenance per category, in document order. Empty when no
/// clause enumerates permissions. Used for PS402 here and PS103 by `scan`.
pub fn described_not_enumerated<'a>(
    draft: &'a Draft,
    perms: &PermissionCatalog,
) -> Vec<&'a super::extract::Provenance> {
    let Some(pc) = draft.policy.permission_clause() else {
        return Vec::new();
    };
    // Every clause's permissions count: a list split into items (17.(1)
    // … 17.(10)) covers what any of its items names.
    let mut have = covered(pc, perms);
    for c in &draft.policy.clauses {
        have.extend(covered(c, perms));
    }
    let backed = permission_backed(perms);
    let mut reported = HashSet::new();
    draft
        .provenance
        .iter()
        .filter(|p| p.kind == DeclKind::DataCategory && p.permission_context && p.clause != pc.id)
        .filter(|p| backed.contains(&p.value) && !have.contains(&p.value))
        .filter(|p| reported.insert(p.value.clone()))
        .collect()
}

/// Lint a draft made from prose, with the embedded catalog and lexicon.
pub fn lint(draft: &Draft, input: &str) -> Vec<Finding> {
    lint_with(
        draft,
        input,
        PermissionCatalog::embedded(),
        Lexicon::embedded(),
    )
}

/// Lint a draft made from prose (`input` is the text it was drafted from).
pub fn lint_with(
    draft: &Draft,
    input: &str,
    perms: &PermissionCatalog,
    lexicon: &Lexicon,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let source = draft.policy.source.as_str();
    // PS401.
    let mut marks: Vec<regex::Match> = re_placeholder().find_iter(input).collect();
    marks.extend(re_editor_note().find_iter(input));
    marks.sort_by_key(|m| m.start());
    for m in marks {
        let q = m.as_str();
        if draft.kind == InputKind::Html && q.starts_with('<') {
            continue;
        }
        if q.starts_with('[')
            && input
                .get(m.end()..)
                .is_some_and(|r| r.starts_with('(') || r.starts_with(':'))
        {
            continue; // Markdown link or link reference
        }
        let line = u32::try_from(
            input
                .get(..m.start())
                .map(|s| s.matches('\n').count())
                .unwrap_or(0)
                + 1,
        )
        .unwrap_or(u32::MAX);
        let clause = draft.clause_at(m.start()).map(|c| ClauseRef {
            id: c.id.clone(),
            title: c.title.clone(),
            line: Some(c.line),
        });
        let where_ = clause
            .as_ref()
            .map(|c| format!(" in clause {}", c.id))
            .unwrap_or_default();
        out.push(finding(
            Code::PS401,
            q,
            format!("unfilled template text \"{q}\"{where_} (line {line})"),
            clause,
            vec![Location {
                entry: source.to_string(),
                detail: Some(q.to_string()),
                line: Some(line),
            }],
        ));
    }
    // PS402 (a): described in a permission sentence, missing from the list.
    let Some(pc) = draft.policy.permission_clause() else {
        out.extend(write_only_read(draft, input));
        return out;
    };
    for p in described_not_enumerated(draft, perms) {
        let clause = draft
            .policy
            .clauses
            .iter()
            .find(|c| c.id == p.clause)
            .map(clause_ref);
        out.push(finding(
            Code::PS402,
            &p.value,
            format!(
                "clause {} describes collecting {} (\"{}\", line {}) but the clause that enumerates permissions ({} {}) lists no {} permission",
                p.clause, p.value, p.quote, p.line, pc.id, pc.title, p.value
            ),
            clause,
            vec![Location { entry: source.to_string(), detail: Some(p.quote.clone()), line: Some(p.line) }],
        ));
    }
    // PS402 (c): a clause denies what another clause declares.
    for c in &draft.policy.clauses {
        for d in &c.denies {
            let Some(other) = draft.policy.clauses.iter().find(|o| {
                o.id != c.id
                    && (o.android_permissions.iter().any(|p| p == d)
                        || o.ios_usage.iter().any(|k| k == d))
            }) else {
                continue;
            };
            out.push(finding(
                Code::PS402,
                d,
                format!(
                    "clause {} ({}) denies {d}, which clause {} ({}) declares",
                    c.id, c.title, other.id, other.title
                ),
                Some(clause_ref(c)),
                c.line
                    .map(|l| Location {
                        entry: source.to_string(),
                        detail: Some(d.clone()),
                        line: Some(l),
                    })
                    .into_iter()
                    .collect(),
            ));
        }
    }
    // PS402 (b): a permission described as a different category.
    let lex_cats: HashSet<&str> = lexicon.categories().collect();
    for p in &draft.provenance {
        if p.kind != DeclKind::AndroidPermission || p.clause != pc.id {
            continue;
        }
        let (Some(desc), Some(info)) = (&p.description, perms.get(&p.value)) else {
            continue;
        };
        if !lex_cats.contains(info.category.as_str()) {
            continue;
        }
        let described: BTreeSet<&str> = lexicon.find(desc).into_iter().map(|f| f.0).collect();
        if described.is_empty() || described.iter().any(|d| related(d, &info.category)) {
            continue;
        }
        let list: Vec<&str> = described.into_iter().collect();
        out.push(finding(
            Code::PS402,
            &p.value,
            format!(
                "clause {} lists {} (a {} permission) with a description of {}: \"{}\" (line {})",
                pc.id,
                p.value,
                info.category,
                list.join(", "),
                desc,
                p.line
            ),
            Some(clause_ref(pc)),
            vec![Location {
                entry: source.to_string(),
                detail: Some(desc.clone()),
                line: Some(p.line),
            }],
        ));
    }
    out.extend(write_only_read(draft, input));
    out
}

/// The first of `words` in `line` (English ones as whole words,
/// case-insensitive).
fn first_word<'w>(line: &str, words: &'w [String]) -> Option<&'w str> {
    let lower = line.to_lowercase();
    words.iter().map(String::as_str).find(|w| {
        lower.match_indices(*w).any(|(i, _)| {
            if !w.is_ascii() {
                return true;
            }
            let before = lower.get(..i).and_then(|t| t.chars().next_back());
            let after = lower.get(i + w.len()..).and_then(|t| t.chars().next());
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

/// PS402 (d): a write-only iOS key the text says is used for reading,
/// while the reading key is declared nowhere in the policy.
fn write_only_read(draft: &Draft, input: &str) -> Vec<Finding> {
    let cat = crate::rules::ios::usage_catalog();
    let declared: HashSet<&str> = draft
        .policy
        .clauses
        .iter()
        .flat_map(|c| c.ios_usage.iter().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for p in &draft.provenance {
        if p.kind != DeclKind::IosUsage {
            continue;
        }
        let Some(read_key) = cat
            .keys
            .iter()
            .find(|k| k.key == p.value)
            .and_then(|k| k.write_only_of.as_deref())
        else {
            continue;
        };
        if declared.contains(read_key) {
            continue;
        }
        // The line that declares the key, without the key's own words.
        let start = input
            .get(..p.span.0)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = input
            .get(p.span.0..)
            .and_then(|t| t.find('\n'))
            .map_or(input.len(), |i| p.span.0 + i);
        let line = input
            .get(start..end)
            .unwrap_or("")
            .replace(p.quote.as_str(), " ");
        let Some(word) = first_word(&line, &cat.read_words) else {
            continue;
        };
        let clause = draft.policy.clauses.iter().find(|c| c.id == p.clause);
        out.push(finding(
            Code::PS402,
            &p.value,
            format!(
                "clause {} declares {} for reading (\"{word}\", line {}), but that key grants add-only access; reading needs {read_key}, which the policy does not declare",
                p.clause, p.value, p.line
            ),
            clause.map(clause_ref),
            vec![Location {
                entry: draft.policy.source.clone(),
                detail: Some(line.trim().to_string()),
                line: Some(p.line),
            }],
        ));
    }
    out
}

/// Lint a policy file: PS401 on placeholder text in any field, PS402 for a
/// permission-backed data category declared in a clause while the clause
/// that enumerates permissions has no permission of that category.
pub fn lint_policy(policy: &Policy, perms: &PermissionCatalog) -> Vec<Finding> {
    let mut out = Vec::new();
    let loc = |c: &Clause, detail: &str| Location {
        entry: policy.source.clone(),
        detail: Some(detail.to_string()),
        line: c.line,
    };
    for c in &policy.clauses {
        let mut texts: Vec<&str> = vec![c.id.as_str(), c.title.as_str()];
        for s in &c.sdks {
            texts.push(&s.name);
            texts.extend(s.vendor.as_deref());
            texts.extend(s.purpose.as_deref());
            texts.extend(s.data.iter().map(String::as_str));
        }
        for t in texts {
            for m in re_placeholder()
                .find_iter(t)
                .chain(re_editor_note().find_iter(t))
            {
                out.push(finding(
                    Code::PS401,
                    m.as_str(),
                    format!(
                        "unfilled template text \"{}\" in clause {}",
                        m.as_str(),
                        c.id
                    ),
                    Some(clause_ref(c)),
                    vec![loc(c, m.as_str())],
                ));
            }
        }
    }
    let Some(pc) = policy.permission_clause() else {
        return out;
    };
    // Every clause's permissions count: a list split into items (17.(1)
    // … 17.(10)) covers what any of its items names.
    let mut have = covered(pc, perms);
    for c in &policy.clauses {
        have.extend(covered(c, perms));
    }
    let backed = permission_backed(perms);
    let mut reported = HashSet::new();
    for (cat, c) in policy.data_categories() {
        if c.id == pc.id
            || !backed.contains(cat)
            || have.contains(cat)
            || !reported.insert(cat.to_string())
        {
            continue;
        }
        out.push(finding(
            Code::PS402,
            cat,
            format!("clause {} declares the data category {cat} but the clause that enumerates permissions ({}) lists no {cat} permission", c.id, pc.id),
            Some(clause_ref(c)),
            vec![loc(c, cat)],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::extract::{ExtractOptions, draft};

    fn catalog() -> PermissionCatalog {
        PermissionCatalog::parse(
            r#"
[[permission]]
name = "android.permission.CAMERA"
protection_level = "dangerous"
category = "camera"
[[permission]]
name = "android.permission.ACCESS_FINE_LOCATION"
protection_level = "dangerous"
category = "location"
[[permission]]
name = "android.permission.INTERNET"
protection_level = "normal"
category = "network"
"#,
        )
        .unwrap()
    }

    /// PS402 (d): the add-only photo key described as reading, in either
    /// language, unless the reading key is declared too; saving is fine.
    #[test]
    fn add_only_ios_key_declared_for_reading() {
        let cat = catalog();
        let lex = Lexicon::embedded();
        let lint_text = |text: &str| -> Vec<(String, String)> {
            let d = draft(
                text,
                "p.md",
                &ExtractOptions {
                    permissions: &cat,
                    sdk_names: &[],
                    lexicon: lex,
                },
            );
            lint_with(&d, text, &cat, lex)
                .into_iter()
                .filter(|f| f.code == "PS402")
                .map(|f| (f.subject, f.message))
                .collect()
        };
        for text in [
            "# iOS permissions\n\n- NSPhotoLibraryAddUsageDescription: to select a profile picture from your album\n",
            "# iOS 权限\n\n| 权限 | 用途 |\n|---|---|\n| NSPhotoLibraryAddUsageDescription | 读取相册以上传头像 |\n",
        ] {
            let f = lint_text(text);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].0, "NSPhotoLibraryAddUsageDescription");
            assert!(
                f[0].1.contains("NSPhotoLibraryUsageDescription"),
                "{}",
                f[0].1
            );
        }
        for text in [
            "# iOS permissions\n\n- NSPhotoLibraryAddUsageDescription: to save your edited photos\n",
            "# iOS 权限\n\n- NSPhotoLibraryAddUsageDescription：保存图片到相册\n",
            "# iOS permissions\n\n- NSPhotoLibraryUsageDescription: to choose a photo\n- NSPhotoLibraryAddUsageDescription: to select and save photos\n",
            "# iOS permissions\n\n- NSPhotoLibraryAddUsageDescription: already stored threads are saved\n",
        ] {
            assert!(lint_text(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn placeholder_and_contradictions() {
        let cat = catalog();
        let lex = Lexicon::embedded();
        let text = "I. Data\n(1) For Nearby we request your authorization for the geolocation permission.\n(2) Sold to [Company Name 1].\nII. Permissions\nandroid.permission.CAMERA: used to read your contacts.\nandroid.permission.INTERNET: network access.\n";
        let d = draft(
            text,
            "p.txt",
            &ExtractOptions {
                permissions: &cat,
                sdk_names: &[],
                lexicon: lex,
            },
        );
        let f = lint_with(&d, text, &cat, lex);
        let summary: Vec<(&str, &str, Option<&str>)> = f
            .iter()
            .map(|f| {
                (
                    f.code.as_str(),
                    f.subject.as_str(),
                    f.clause.as_ref().map(|c| c.id.as_str()),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("PS401", "[Company Name 1]", Some("I.(2)")),
                ("PS402", "location", Some("I.(1)")),
                ("PS402", "android.permission.CAMERA", Some("II")),
            ]
        );
        assert_eq!(f[0].evidence[0].line, Some(3));
    }

    #[test]
    fn policy_file_checks() {
        let cat = catalog();
        let policy = Policy {
            name: "p".into(),
            source: "p.toml".into(),
            clauses: vec![
                Clause {
                    id: "A".into(),
                    android_permissions: vec!["android.permission.CAMERA".into()],
                    ..Default::default()
                },
                Clause {
                    id: "B".into(),
                    title: "Nearby".into(),
                    data_categories: vec!["location".into(), "payment".into()],
                    ..Default::default()
                },
                Clause {
                    id: "C".into(),
                    title: "[SDK Name 1]".into(),
                    ..Default::default()
                },
            ],
            allow: vec![],
        };
        let f = lint_policy(&policy, &cat);
        let summary: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.code.as_str(), f.subject.as_str()))
            .collect();
        assert_eq!(summary, [("PS401", "[SDK Name 1]"), ("PS402", "location")]);
    }
}
