//! Observed × declared → findings. This module owns the Android permission
//! diff (PS101 undeclared permission, PS103 declared only in prose, PS104
//! declared but not requested) and the `[[allow]]` exceptions (PS904 for an
//! expired one); `ios.rs` and `sdk.rs` own the iOS and SDK diffs.
//!
//! Inputs are already-parsed facts and a validated [`Policy`]; nothing here
//! reads files. Protection levels and data categories come from the
//! permission catalog (AOSP `frameworks/base/core/res/AndroidManifest.xml`),
//! so severity follows Android's own classification: `dangerous` (runtime)
//! permissions are high, `normal` medium, anything else low.

pub mod collects;
pub mod implied;
pub mod ios;
pub mod sdk;

use crate::findings::Code;
use crate::model::{AndroidManifest, ClauseRef, Finding, Location, Severity, UsesPermissionTag};
use crate::policy::model::{Allow, Clause, Policy};
use crate::rules::permissions::{PermissionCatalog, PermissionInfo};
use std::collections::{BTreeMap, HashSet};

/// One requested permission after merging duplicate elements.
struct Requested<'m> {
    name: &'m str,
    evidence: Vec<Location>,
    /// Every element was `uses-permission-sdk-23`.
    sdk23_only: bool,
    /// The smallest `maxSdkVersion` when every element carries one.
    max_sdk: Option<String>,
    added_by: Vec<&'m str>,
}

/// `CAMERA` → `android.permission.CAMERA` (a policy drafted from prose may
/// carry short names; the loader already normalises policy files).
fn qualified(name: &str) -> String {
    let name = name.trim();
    if name.contains('.') {
        name.to_owned()
    } else {
        format!("android.permission.{name}")
    }
}

fn clause_ref(c: &Clause) -> ClauseRef {
    ClauseRef {
        id: c.id.clone(),
        title: c.title.clone(),
        line: c.line,
    }
}

/// `III.(D) Application Permissions`, or just the id when untitled.
pub fn clause_label(id: &str, title: &str) -> String {
    if title.is_empty() {
        id.to_owned()
    } else {
        format!("{id} {title}")
    }
}

/// Severity of an undeclared permission from its catalog entry:
/// `dangerous` → high, `normal` → medium; `signature`, `privileged`,
/// `internal` and permissions missing from the catalog → low.
pub fn severity_for(info: Option<&PermissionInfo>) -> Severity {
    match info.and_then(|i| i.protection_level.split('|').next()) {
        Some("dangerous") => Severity::High,
        Some("normal") => Severity::Medium,
        _ => Severity::Low,
    }
}

/// Requested permissions of `manifest`, one per name, in manifest order.
fn requested(manifest: &AndroidManifest) -> Vec<Requested<'_>> {
    let mut out: Vec<Requested<'_>> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for up in &manifest.uses_permissions {
        let name = up.name.trim();
        if name.is_empty() {
            continue;
        }
        let sdk23 = up.tag == UsesPermissionTag::UsesPermissionSdk23;
        let max = up.max_sdk_version.as_ref().map(|m| m.to_string());
        let slot = match index.get(name) {
            Some(&i) => out.get_mut(i),
            None => {
                index.insert(name, out.len());
                out.push(Requested {
                    name,
                    evidence: Vec::new(),
                    sdk23_only: sdk23,
                    max_sdk: max.clone(),
                    added_by: Vec::new(),
                });
                out.last_mut()
            }
        };
        let Some(r) = slot else { continue };
        r.sdk23_only &= sdk23;
        // An element without maxSdkVersion requests it on every API level.
        if max.is_none() {
            r.max_sdk = None;
        }
        if !r.evidence.contains(&up.location) {
            r.evidence.push(up.location.clone());
        }
        for sdk in &up.added_by {
            if !r.added_by.contains(&sdk.as_str()) {
                r.added_by.push(sdk.as_str());
            }
        }
    }
    out
}

/// Compare the manifest's requested permissions with the policy.
///
/// * PS101 for each requested permission no clause declares, severity by
///   protectionLevel ([`severity_for`]), clause = the policy's enumerating
///   clause ([`Policy::permission_clause`]), or `None` when it has none.
/// * PS103 instead of PS101 when the policy has a clause that enumerates
///   permissions, the permission is missing from every clause, and its data
///   category is declared in some clause's `data_categories` (the prose
///   covers it). A policy with no permission list gets PS101: prose alone
///   is not a declaration.
/// * PS105 instead of either when a clause `denies` the permission ("we do
///   not access your contacts"), citing that clause.
/// * PS104 for each declared permission the manifest does not request
///   and Android does not grant implicitly.
/// * PS107 (or PS105) for each implied permission
///   (`manifest.implied_permissions`) no clause declares ([`implied`]).
///
/// Permissions the manifest defines itself with `<permission>` are the
/// app's own and are not reported as undeclared.
///
/// `uses-permission` and `uses-permission-sdk-23` elements with the same
/// name give one finding with every element as evidence. Findings are
/// sorted by severity (high first), code, subject.
pub fn diff_android(
    manifest: &AndroidManifest,
    policy: &Policy,
    perms: &PermissionCatalog,
) -> Vec<Finding> {
    let mut declared: Vec<(String, &Clause)> = Vec::new();
    let mut declared_names: HashSet<String> = HashSet::new();
    for (name, clause) in policy.android_permissions() {
        let q = qualified(name);
        if declared_names.insert(q.clone()) {
            declared.push((q, clause));
        }
    }
    let enumerating = policy.permission_clause();
    let requested = requested(manifest);
    // Permissions the app defines itself (`<permission>`, e.g. the legacy
    // GCM `<package>.permission.C2D_MESSAGE` or AndroidX's
    // `DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION`) guard the app's own
    // components and give no access to user data or device capabilities.
    let self_defined: HashSet<&str> = manifest.permissions.iter().map(|p| p.name.trim()).collect();
    let mut findings = Vec::new();

    for r in &requested {
        if self_defined.contains(r.name) {
            continue;
        }
        let info = perms.get(r.name);
        if let Some((_, c)) = policy.denials().find(|(d, _)| qualified(d) == r.name) {
            findings.push(denied_finding(
                r.name,
                &describe(r, info),
                c,
                r.evidence.clone(),
            ));
            continue;
        }
        if declared_names.contains(r.name) {
            continue;
        }
        let what = describe(r, info);
        let prose = info
            .filter(|i| !i.category.is_empty() && enumerating.is_some())
            .and_then(|i| {
                policy
                    .data_categories()
                    .find(|(cat, _)| *cat == i.category)
                    .map(|(_, c)| c)
            });
        if let (Some(prose), Some(info)) = (prose, info) {
            let target = enumerating.unwrap_or(prose);
            let where_listed = match enumerating {
                Some(c) => format!(
                    "the permission list in clause {}",
                    clause_label(&c.id, &c.title)
                ),
                None => {
                    "any clause (the policy has no clause enumerating app permissions)".to_owned()
                }
            };
            findings.push(Finding {
                code: Code::PS103.id().to_owned(),
                severity: Code::PS103.info().severity,
                subject: r.name.to_owned(),
                message: format!(
                    "{what} is requested; clause {} describes collecting {} data in prose, but the permission is missing from {where_listed}",
                    clause_label(&prose.id, &prose.title),
                    info.category
                ),
                clause: Some(clause_ref(target)),
                evidence: r.evidence.clone(),
            });
            continue;
        }
        let declared_where = match enumerating {
            Some(c) => format!("in clause {}", clause_label(&c.id, &c.title)),
            None => "in the policy, which has no clause enumerating app permissions".to_owned(),
        };
        findings.push(Finding {
            code: Code::PS101.id().to_owned(),
            severity: severity_for(info),
            subject: r.name.to_owned(),
            message: format!("{what} is requested but not declared {declared_where}"),
            clause: enumerating.map(clause_ref),
            evidence: r.evidence.clone(),
        });
    }

    findings.extend(implied::diff_implied(
        manifest,
        policy,
        perms,
        &declared_names,
        enumerating,
    ));
    // An implied permission is granted: declaring it is not stale.
    let requested_names: HashSet<&str> = requested
        .iter()
        .map(|r| r.name)
        .chain(manifest.implied_permissions.iter().map(|p| p.name.as_str()))
        .collect();
    for (name, clause) in &declared {
        if requested_names.contains(name.as_str()) {
            continue;
        }
        findings.push(Finding {
            code: Code::PS104.id().to_owned(),
            severity: Code::PS104.info().severity,
            subject: name.clone(),
            message: format!(
                "{name} is declared in clause {} but the manifest does not request it (stale policy, or a different build?)",
                clause_label(&clause.id, &clause.title)
            ),
            clause: Some(clause_ref(clause)),
            evidence: vec![Location {
                entry: policy.source.clone(),
                detail: Some(format!("clause {}", clause.id)),
                line: clause.line,
            }],
        });
    }
    sort_findings(&mut findings);
    findings
}

/// PS105: `subject` (a permission or iOS key, described as `what`) is
/// requested by the build although `clause` denies it.
pub fn denied_finding(
    subject: &str,
    what: &str,
    clause: &Clause,
    evidence: Vec<Location>,
) -> Finding {
    Finding {
        code: Code::PS105.id().to_owned(),
        severity: Code::PS105.info().severity,
        subject: subject.to_owned(),
        message: format!(
            "{what} is requested, but clause {} of the policy says the app does not access it",
            clause_label(&clause.id, &clause.title)
        ),
        clause: Some(clause_ref(clause)),
        evidence,
    }
}

/// `android.permission.CAMERA (camera, protectionLevel dangerous; merged in by firebase-messaging)`.
fn describe(r: &Requested<'_>, info: Option<&PermissionInfo>) -> String {
    let mut notes = Vec::new();
    match info {
        Some(i) => notes.push(format!(
            "{}, protectionLevel {}",
            i.category, i.protection_level
        )),
        None => notes.push("not in privscan's permission catalog".to_owned()),
    }
    if r.sdk23_only {
        notes.push("via uses-permission-sdk-23, granted on API 23+".to_owned());
    }
    if let Some(max) = &r.max_sdk {
        notes.push(format!("maxSdkVersion {max}"));
    }
    if !r.added_by.is_empty() {
        notes.push(format!("merged in by {}", r.added_by.join(", ")));
    }
    format!("{} ({})", r.name, notes.join("; "))
}

/// Sort findings deterministically: severity descending, then code, then
/// subject, then message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Apply reviewed exceptions. A finding whose `code` and `subject` equal an
/// allow's is dropped while the allow is in force (no `expires`, or `today`
/// ≤ `expires`; both `YYYY-MM-DD`, so string order is date order). When
/// every matching allow has expired the finding is kept and a PS904 finding
/// names each expired allow (once per allow).
pub fn apply_allows(findings: Vec<Finding>, allows: &[Allow], today: &str) -> Vec<Finding> {
    apply_allows_recording(findings, allows, today, &mut Vec::new())
}

/// `code subject` of an `[[allow]]` entry, as `ArtifactReport::allows_used`
/// and `RunInfo::unused_allows` name it.
pub fn allow_label(a: &Allow) -> String {
    format!("{} {}", a.code, a.subject)
}

/// [`apply_allows`], also adding to `used` (once each) the [`allow_label`]
/// of every in-force allow that dropped a finding.
pub fn apply_allows_recording(
    findings: Vec<Finding>,
    allows: &[Allow],
    today: &str,
    used: &mut Vec<String>,
) -> Vec<Finding> {
    let in_force = |a: &Allow| a.expires.as_deref().is_none_or(|e| today <= e);
    let mut out = Vec::with_capacity(findings.len());
    let mut expired_reported: Vec<usize> = Vec::new();
    for f in findings {
        let matching: Vec<(usize, &Allow)> = allows
            .iter()
            .enumerate()
            .filter(|(_, a)| a.code == f.code && a.subject == f.subject)
            .collect();
        if let Some((_, a)) = matching.iter().find(|(_, a)| in_force(a)) {
            let label = allow_label(a);
            if !used.contains(&label) {
                used.push(label);
            }
            continue;
        }
        for (i, a) in matching {
            if expired_reported.contains(&i) {
                continue;
            }
            expired_reported.push(i);
            out.push(Finding {
                code: Code::PS904.id().to_owned(),
                severity: Code::PS904.info().severity,
                subject: format!("{} {}", a.code, a.subject),
                message: format!(
                    "[[allow]] for {} {} expired on {} (reason given: \"{}\"); the finding is reported again",
                    a.code,
                    a.subject,
                    a.expires.as_deref().unwrap_or("?"),
                    a.reason
                ),
                clause: f.clause.clone(),
                evidence: f.evidence.clone(),
            });
        }
        out.push(f);
    }
    sort_findings(&mut out);
    out
}
