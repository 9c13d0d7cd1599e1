//! PS107: permissions Android grants implicitly (see
//! `crate::android::implied`) that the policy does not declare, and PS105
//! when a clause denies one.
//!
//! Severity (documented in `crate::findings` and the README): medium for a
//! `dangerous` permission; low when the policy declares the permission it
//! was split from or the permission's data category (the access is
//! disclosed in other words), and for non-dangerous permissions. An
//! implied permission is a real grant, but the build's author did not
//! write the request, so it ranks below PS101.

use super::{Clause, Policy, clause_label, clause_ref, denied_finding, qualified};
use crate::android::implied::describe;
use crate::findings::Code;
use crate::model::{AndroidManifest, Finding, Severity};
use crate::rules::permissions::PermissionCatalog;
use std::collections::HashSet;

/// PS107 / PS105 findings for `manifest.implied_permissions`. `declared`
/// holds the qualified permission names the policy declares.
pub fn diff_implied(
    manifest: &AndroidManifest,
    policy: &Policy,
    perms: &PermissionCatalog,
    declared: &HashSet<String>,
    enumerating: Option<&Clause>,
) -> Vec<Finding> {
    let self_defined: HashSet<&str> = manifest.permissions.iter().map(|p| p.name.trim()).collect();
    let mut out = Vec::new();
    for p in &manifest.implied_permissions {
        if self_defined.contains(p.name.as_str()) || declared.contains(&p.name) {
            continue;
        }
        let what = describe(p);
        let evidence = vec![p.location.clone()];
        if let Some((_, c)) = policy.denials().find(|(d, _)| qualified(d) == p.name) {
            out.push(denied_finding(&p.name, &what, c, evidence));
            continue;
        }
        let info = perms.get(&p.name);
        let source_declared = p.from.as_ref().is_some_and(|f| declared.contains(f));
        let category_declared = info.is_some_and(|i| {
            !i.category.is_empty() && policy.data_categories().any(|(c, _)| c == i.category)
        });
        let severity =
            if info.is_some_and(|i| i.is_dangerous()) && !source_declared && !category_declared {
                Severity::Medium
            } else {
                Severity::Low
            };
        let declared_where = match enumerating {
            Some(c) => format!("in clause {}", clause_label(&c.id, &c.title)),
            None => "in the policy, which has no clause enumerating app permissions".to_owned(),
        };
        let note = if source_declared {
            "; the policy declares the permission it was split from, not this one"
        } else {
            ""
        };
        out.push(Finding {
            code: Code::PS107.id().to_owned(),
            severity,
            subject: p.name.clone(),
            message: format!(
                "{what} is granted by Android without a uses-permission ({}) but not declared {declared_where}{note}",
                p.source
            ),
            clause: enumerating.map(clause_ref),
            evidence,
        });
    }
    out
}
