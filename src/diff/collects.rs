//! Code evidence × declared data: PS202 (an SDK's code reads a data type
//! its policy entry does not list) and PS106 (the app's own code reads a
//! data type no clause declares).
//!
//! - PS202 is raised only for SDKs the policy declares (an undeclared SDK
//!   is already PS201); one finding per SDK × data type, evidence the call
//!   sites of every API reading it.
//! - PS106 covers code no catalogued SDK owns, and SDKs of category
//!   `other` (infrastructure libraries the policy is not expected to list,
//!   whose reads are the app's). A data type is declared for the app when
//!   a clause lists it in `data_categories`, or lists a permission of that
//!   category (`rules/android-permissions.toml`).
//! - A guarded API whose permission the manifest does not request is still
//!   reported (the code is in the build), and the message says so.
//!
//! Also returns, per collects row, whether the policy declares its data
//! for its party (the `declared` column of the report). Semantics from
//! `../shared/DESIGN.md` "Findings" and "Evidence from code".

use crate::collects::Collect;
use crate::findings::Code;
use crate::model::{ClauseRef, Finding, Location};
use crate::policy::model::Policy;
use crate::rules::permissions::PermissionCatalog;
use crate::rules::sdk::Catalog;
use std::collections::{BTreeMap, HashSet};

/// Call-site locations listed per finding (the rest are counted in the message).
pub const MAX_EVIDENCE: usize = 6;

fn evidence(rows: &[&Collect]) -> Vec<Location> {
    let mut out = Vec::new();
    for r in rows {
        for s in &r.call_sites {
            let detail = if s.class.is_empty() {
                r.api.clone()
            } else {
                format!("{}.{} -> {} (pc {})", s.class, s.method, r.api, s.pc)
            };
            out.push(Location::detail(s.entry.clone(), detail));
        }
    }
    out.truncate(MAX_EVIDENCE);
    out
}

fn apis_text(rows: &[&Collect]) -> String {
    rows.iter()
        .map(|r| {
            let guard = match r.permission_requested {
                Some(false) => format!(", without {} requested", r.permission.join(" or ")),
                _ => String::new(),
            };
            format!("{} x{}{guard}", r.api, r.count)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Data categories the policy declares for the app: every clause's
/// `data_categories`, plus the category of every permission it lists.
pub fn app_declared(policy: &Policy, perms: &PermissionCatalog) -> HashSet<String> {
    let mut set: HashSet<String> = policy
        .data_categories()
        .map(|(d, _)| d.to_string())
        .collect();
    for (p, _) in policy.android_permissions() {
        if let Some(info) = perms.get(p) {
            set.insert(info.category.clone());
        }
    }
    set
}

/// PS202 and PS106 findings for `collects`, and the `declared` flag of
/// each row (same order as `collects`).
pub fn diff_collects(
    collects: &[Collect],
    policy: &Policy,
    catalog: &Catalog,
    perms: &PermissionCatalog,
) -> (Vec<Finding>, Vec<bool>) {
    let app = app_declared(policy, perms);
    let mut declared = Vec::with_capacity(collects.len());
    // (sdk or None, data) -> rows
    let mut undeclared: BTreeMap<(Option<&str>, &str), Vec<&Collect>> = BTreeMap::new();
    let mut sdk_decls: BTreeMap<&str, Vec<(&crate::policy::model::DeclaredSdk, ClauseRef)>> =
        BTreeMap::new();
    for r in collects {
        let sdk = r
            .sdk
            .as_deref()
            .and_then(|id| catalog.sdk(id))
            .filter(|s| s.category != "other");
        let ok = match sdk {
            None => app.contains(&r.data),
            Some(s) => {
                let decls = sdk_decls.entry(s.id.as_str()).or_insert_with(|| {
                    crate::diff::sdk::declarations_of(&s.id, policy, catalog)
                        .into_iter()
                        .map(|(d, c)| {
                            (
                                d,
                                ClauseRef {
                                    id: c.id.clone(),
                                    title: c.title.clone(),
                                    line: c.line,
                                },
                            )
                        })
                        .collect()
                });
                let listed = decls
                    .iter()
                    .any(|(d, _)| d.data.iter().any(|x| x.eq_ignore_ascii_case(&r.data)));
                if !listed && !decls.is_empty() {
                    undeclared
                        .entry((Some(s.id.as_str()), r.data.as_str()))
                        .or_default()
                        .push(r);
                }
                declared.push(listed);
                continue;
            }
        };
        if !ok {
            undeclared
                .entry((None, r.data.as_str()))
                .or_default()
                .push(r);
        }
        declared.push(ok);
    }
    let mut out = Vec::new();
    for ((sdk, data), rows) in undeclared {
        let total: u64 = rows.iter().map(|r| r.count).sum();
        match sdk {
            Some(id) => {
                let decls = sdk_decls.get(id).map(Vec::as_slice).unwrap_or_default();
                let (decl, clause) = match decls.first() {
                    Some((d, c)) => (*d, Some(c.clone())),
                    None => continue,
                };
                let listed = if decl.data.is_empty() {
                    "no data types".to_string()
                } else {
                    decl.data.join(", ")
                };
                out.push(Finding {
                    code: Code::PS202.id().into(),
                    severity: Code::PS202.info().severity,
                    subject: format!("{id}: {data}"),
                    message: format!(
                        "{id}'s code reads {data} ({total} call site{}: {}), but the policy's entry \"{}\" lists {listed}",
                        if total == 1 { "" } else { "s" },
                        apis_text(&rows),
                        decl.name
                    ),
                    clause,
                    evidence: evidence(&rows),
                });
            }
            None => out.push(Finding {
                code: Code::PS106.id().into(),
                severity: Code::PS106.info().severity,
                subject: data.to_string(),
                message: format!(
                    "the app's own code reads {data} ({total} call site{}: {}), but no clause of the policy declares {data}",
                    if total == 1 { "" } else { "s" },
                    apis_text(&rows)
                ),
                clause: None,
                evidence: evidence(&rows),
            }),
        }
    }
    (out, declared)
}

#[cfg(test)]
#[path = "collects_tests.rs"]
mod tests;
