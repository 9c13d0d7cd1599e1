//! iOS findings: the policy diff (PS102, usage description present but not
//! declared by the policy; PS103 when only the prose covers it and the
//! policy has a permission list; PS105 when the policy denies it) and the App Store pre-checks that need no policy
//! (PS301, required-reason API used without a privacy-manifest declaration,
//! App Store Connect ITMS-91053; PS303, framework linked without its purpose
//! string, ITMS-90683).
//!
//! Inputs are already-parsed facts (`IosFacts`, `IosScan`); nothing here reads
//! bytes. Catalog facts come from `rules/ios-usage-keys.toml` and
//! `rules/required-reason-apis.toml` (Apple documentation, cited there).

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use std::collections::{BTreeMap, BTreeSet};

use crate::findings::Code;
use crate::ios::bundle::{BundleKind, IosScan, ScannedBundle, manifests_of};
use crate::model::{ClauseRef, Finding, IosFacts, Location, Severity};
use crate::policy::model::Policy;
use crate::rules::ios::{normalize_symbol, reason_catalog, usage_catalog};

/// Most evidence locations attached to one finding.
const MAX_EVIDENCE: usize = 8;

/// PS102: every `NS*UsageDescription` key present in the app or an extension
/// that no policy clause lists in `ios_usage`. One finding per key, evidence
/// = each Info.plist declaring it; the clause is the policy's permission
/// clause (`Policy::permission_clause`).
///
/// Graded like the Android diff: PS103 (medium) instead of PS102 when the
/// policy has a clause that enumerates permissions and the key's data
/// category (`rules/ios-usage-keys.toml`) is declared in prose
/// (`data_categories`); PS105 (high) when a clause `denies` the key, citing
/// that clause.
pub fn diff_ios(facts: &IosFacts, policy: &Policy) -> Vec<Finding> {
    let declared: BTreeSet<&str> = policy.ios_usage().map(|(k, _)| k).collect();
    let clause = policy.permission_clause().map(|c| ClauseRef {
        id: c.id.clone(),
        title: c.title.clone(),
        line: c.line,
    });
    let mut by_key: BTreeMap<&str, Vec<&crate::model::UsageDescription>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for u in &facts.usage_descriptions {
        if !by_key.contains_key(u.key.as_str()) {
            order.push(u.key.as_str());
        }
        by_key.entry(u.key.as_str()).or_default().push(u);
    }
    let mut out = Vec::new();
    let enumerating = policy.permission_clause();
    for key in order {
        let uses = by_key.get(key).cloned().unwrap_or_default();
        let evidence: Vec<Location> = uses.iter().map(|u| u.location.clone()).collect();
        if let Some((_, c)) = policy.denials().find(|(d, _)| *d == key) {
            let what = format!("Info.plist key {key}");
            out.push(crate::diff::denied_finding(key, &what, c, evidence));
            continue;
        }
        if declared.contains(key) {
            continue;
        }
        let category = usage_catalog().category(key);
        let text = uses.first().map(|u| u.text.as_str()).unwrap_or("");
        let prose = category
            .filter(|_| enumerating.is_some())
            .and_then(|cat| policy.data_categories().find(|(d, _)| *d == cat));
        if let (Some((cat, c)), Some(list)) = (prose, enumerating) {
            out.push(Finding {
                code: Code::PS103.id().to_owned(),
                severity: Code::PS103.info().severity,
                subject: key.to_owned(),
                message: format!(
                    "Info.plist has {key} ({cat}) with purpose string \"{text}\"; clause {} describes {cat} in prose, but the key is missing from the permission list in clause {}",
                    crate::diff::clause_label(&c.id, &c.title),
                    crate::diff::clause_label(&list.id, &list.title)
                ),
                clause: Some(ClauseRef {
                    id: list.id.clone(),
                    title: list.title.clone(),
                    line: list.line,
                }),
                evidence,
            });
            continue;
        }
        let mut message = format!(
            "Info.plist has {key}{} with purpose string \"{text}\", so the app can ask iOS for this capability, but the privacy policy does not declare it",
            category.map(|c| format!(" ({c})")).unwrap_or_default()
        );
        if let Some(cat) = category
            && let Some((_, c)) = policy.data_categories().find(|(d, _)| *d == cat)
        {
            message.push_str(&format!(
                    "; clause {} mentions '{cat}' data, but the clause that enumerates permissions does not list {key}",
                    c.id
                ));
        }
        out.push(Finding {
            code: Code::PS102.id().to_owned(),
            severity: Severity::High,
            subject: key.to_owned(),
            message,
            clause: clause.clone(),
            evidence,
        });
    }
    out
}

fn all_imports<'a>(scan: &'a IosScan, b: &ScannedBundle) -> BTreeSet<&'a str> {
    b.macho
        .and_then(|i| scan.machos.get(i))
        .map(|m| {
            m.slices
                .iter()
                .flat_map(|s| s.facts.imported_symbols.iter().map(String::as_str))
                .collect()
        })
        .unwrap_or_default()
}

fn all_selectors<'a>(scan: &'a IosScan, b: &ScannedBundle) -> BTreeSet<&'a str> {
    b.macho
        .and_then(|i| scan.machos.get(i))
        .map(|m| {
            m.slices
                .iter()
                .flat_map(|s| s.objc_selectors.iter().map(String::as_str))
                .collect()
        })
        .unwrap_or_default()
}

fn all_dylibs<'a>(scan: &'a IosScan, b: &ScannedBundle) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    b.macho
        .and_then(|i| scan.machos.get(i))
        .map(|m| {
            m.slices
                .iter()
                .flat_map(|s| s.facts.needed.iter().map(String::as_str))
                .filter(|d| seen.insert(*d))
                .collect()
        })
        .unwrap_or_default()
}

/// The bundle whose manifests / Info.plist also apply to `b`: the app for
/// frameworks, dylibs and extensions.
fn app_of(scan: &IosScan) -> Option<&ScannedBundle> {
    scan.bundles.iter().find(|b| b.kind == BundleKind::App)
}

/// App Store pre-checks on a scanned bundle: PS301 and PS303.
///
/// PS301: for each Mach-O (app, extension, watch app, framework, loose dylib
/// other than Apple's `libswift*` runtime), the required-reason categories
/// its imported symbols (or, for ObjC properties, its selectors) hit, minus
/// those declared in `NSPrivacyAccessedAPITypes` of a manifest the bundle
/// owns (frameworks: their own only; extensions and loose dylibs: their own
/// or the app's). PS303: a framework from `[[requirement]]` linked by a
/// Mach-O while none of its keys is in the Info.plist of the app (or of the
/// extension itself).
pub fn precheck(scan: &IosScan) -> Vec<Finding> {
    let mut out = Vec::new();
    let app = app_of(scan);
    for b in &scan.bundles {
        let Some(entry) = b.executable_entry.as_deref() else {
            continue;
        };
        if b.macho.is_none() {
            continue;
        }
        if b.kind == BundleKind::Dylib
            && entry
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with("libswift"))
        {
            continue;
        }
        ps301(scan, b, app, entry, &mut out);
    }
    ps303(scan, app, &mut out);
    let info = crate::findings::Code::PS902.info();
    for (entry, why) in &scan.not_loadable {
        out.push(Finding {
            code: info.id.into(),
            severity: info.severity,
            subject: entry.clone(),
            message: why.clone(),
            clause: None,
            evidence: vec![Location::entry(entry.clone())],
        });
    }
    out.extend(
        scan.xml_tampered
            .iter()
            .map(|(entry, why)| plist_tampered(entry, why)),
    );
    out
}

pub use crate::property_list::tamper::plist_tampered;

fn ps301(
    scan: &IosScan,
    b: &ScannedBundle,
    app: Option<&ScannedBundle>,
    entry: &str,
    out: &mut Vec<Finding>,
) {
    let imports = all_imports(scan, b);
    let selectors = all_selectors(scan, b);
    let mut declared: BTreeSet<&str> = BTreeSet::new();
    let mut manifest_entries: Vec<&str> = Vec::new();
    let mut owners = vec![b];
    if matches!(
        b.kind,
        BundleKind::Appex | BundleKind::Watch | BundleKind::Dylib
    ) {
        owners.extend(app);
    }
    for o in owners {
        for m in manifests_of(scan, o) {
            manifest_entries.push(m.entry.as_str());
            declared.extend(m.accessed_api_types.iter().map(|a| a.category.as_str()));
        }
    }
    for cat in &reason_catalog().categories {
        if declared.contains(cat.id.as_str()) {
            continue;
        }
        let mut hits: Vec<String> = imports
            .iter()
            .filter(|s| cat.symbols.iter().any(|c| c == normalize_symbol(s)))
            .map(|s| s.to_string())
            .collect();
        hits.extend(
            selectors
                .iter()
                .filter(|s| cat.selectors.iter().any(|c| c == *s))
                .map(|s| format!("selector {s}")),
        );
        if hits.is_empty() {
            continue;
        }
        let where_ = if manifest_entries.is_empty() {
            format!(
                "bundle {} has no PrivacyInfo.xcprivacy",
                display_path(&b.path)
            )
        } else {
            format!(
                "no NSPrivacyAccessedAPITypes entry for it in {}",
                manifest_entries.join(", ")
            )
        };
        out.push(Finding {
            code: Code::PS301.id().to_owned(),
            severity: Severity::High,
            subject: cat.id.clone(),
            message: format!(
                "{entry} uses {} ({}: {}), but {where_}; App Store Connect rejects the upload with ITMS-91053 (Missing API declaration). Declare {} with one of the approved reasons {}",
                cat.name,
                if hits.len() == 1 { "symbol" } else { "symbols" },
                hits.iter().take(MAX_EVIDENCE).cloned().collect::<Vec<_>>().join(", "),
                cat.id,
                cat.reasons.join(", ")
            ),
            clause: None,
            evidence: hits.iter().take(MAX_EVIDENCE).map(|h| Location::detail(entry, h.clone())).collect(),
        });
    }
}

fn display_path(p: &str) -> &str {
    if p.is_empty() {
        "(root)"
    } else {
        p.trim_end_matches('/')
    }
}

/// Evidence, binaries and first linked dylib path of one PS303 finding.
type Ps303Hit = (Vec<Location>, Vec<String>, String);

fn ps303(scan: &IosScan, app: Option<&ScannedBundle>, out: &mut Vec<Finding>) {
    let keys_of = |b: &ScannedBundle| -> BTreeSet<String> {
        b.info
            .as_ref()
            .map(|i| {
                i.usage_descriptions
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let app_keys = app.map(keys_of).unwrap_or_default();
    // (requirement id, bundle whose Info.plist lacks the key) → evidence
    let mut hits: BTreeMap<(String, String), Ps303Hit> = BTreeMap::new();
    for b in &scan.bundles {
        let Some(entry) = b.executable_entry.as_deref() else {
            continue;
        };
        if b.macho.is_none() {
            continue;
        }
        let (plist_owner, mut keys) = match b.kind {
            BundleKind::Appex | BundleKind::Watch => (b.info_entry.clone(), keys_of(b)),
            _ => (
                app.map(|a| a.info_entry.clone()).unwrap_or_default(),
                BTreeSet::new(),
            ),
        };
        keys.extend(app_keys.iter().cloned());
        let imports = all_imports(scan, b);
        let dylibs = all_dylibs(scan, b);
        for req in &usage_catalog().requirements {
            if req.keys.iter().any(|k| keys.contains(k)) {
                continue;
            }
            let linked: Vec<&str> = dylibs
                .iter()
                .copied()
                .filter(|d| {
                    req.frameworks
                        .iter()
                        .any(|f| d.contains(&format!("{f}.framework/")))
                })
                .collect();
            if linked.is_empty() {
                continue;
            }
            let matched: Vec<&str> = imports
                .iter()
                .copied()
                .filter(|s| req.symbols.iter().any(|r| r == normalize_symbol(s)))
                .collect();
            if !req.symbols.is_empty() && matched.is_empty() && !imports.is_empty() {
                continue;
            }
            let e = hits
                .entry((req.id.clone(), plist_owner.clone()))
                .or_default();
            for d in &linked {
                e.0.push(Location::detail(entry, format!("LC_LOAD_DYLIB {d}")));
            }
            for s in &matched {
                e.0.push(Location::detail(entry, format!("imports {s}")));
            }
            e.1.push(entry.to_owned());
            e.2 = linked.first().map(|s| s.to_string()).unwrap_or_default();
        }
    }
    for ((id, plist_owner), (mut evidence, binaries, dylib)) in hits {
        let Some(req) = usage_catalog().requirements.iter().find(|r| r.id == id) else {
            continue;
        };
        evidence.truncate(MAX_EVIDENCE);
        let key_list = req.keys.join(" or ");
        out.push(Finding {
            code: Code::PS303.id().to_owned(),
            severity: Severity::High,
            subject: req.keys.first().cloned().unwrap_or_default(),
            message: format!(
                "{} links {dylib}, which needs {key_list} in {}, and the key is missing; App Store Connect rejects uploads that reference protected APIs without a purpose string (ITMS-90683 Missing purpose string in Info.plist) and iOS terminates the app when it asks for access. Linking a framework does not always mean the protected API is called: check the code before adding the key",
                binaries.join(", "),
                if plist_owner.is_empty() { "Info.plist".to_owned() } else { plist_owner.clone() },
            ),
            clause: None,
            evidence,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UsageDescription;
    use crate::policy::model::Clause;

    fn policy() -> Policy {
        Policy {
            clauses: vec![
                Clause {
                    id: "I.(C).3".into(),
                    data_categories: vec!["location".into()],
                    ..Default::default()
                },
                Clause {
                    id: "III.(D)".into(),
                    title: "Application Permissions".into(),
                    ios_usage: vec!["NSCameraUsageDescription".into()],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    fn facts(keys: &[&str]) -> IosFacts {
        IosFacts {
            usage_descriptions: keys
                .iter()
                .map(|k| UsageDescription {
                    key: k.to_string(),
                    text: "t".into(),
                    location: Location::detail("Payload/A.app/Info.plist", *k),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn graded_like_android_and_denials_are_ps105() {
        // No permission list: prose does not grade the key down.
        let mut p = policy();
        p.clauses.retain(|c| c.id != "III.(D)");
        let f = diff_ios(&facts(&["NSLocationWhenInUseUsageDescription"]), &p);
        assert_eq!(
            (f[0].code.as_str(), f[0].severity),
            ("PS102", Severity::High)
        );
        // A clause that denies the key: PS105 citing it, even with a list.
        let mut p = policy();
        p.clauses.push(Clause {
            id: "IV.2".into(),
            title: "Contacts".into(),
            denies: vec!["NSContactsUsageDescription".into()],
            ..Default::default()
        });
        let f = diff_ios(
            &facts(&["NSContactsUsageDescription", "NSCameraUsageDescription"]),
            &p,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].code.as_str(), f[0].severity, f[0].subject.as_str()),
            ("PS105", Severity::High, "NSContactsUsageDescription")
        );
        assert_eq!(f[0].clause.as_ref().map(|c| c.id.as_str()), Some("IV.2"));
        assert!(
            f[0].message.contains("clause IV.2 Contacts"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn ps102_only_for_undeclared_keys() {
        let facts = IosFacts {
            usage_descriptions: [
                "NSCameraUsageDescription",
                "NSLocationWhenInUseUsageDescription",
            ]
            .iter()
            .map(|k| UsageDescription {
                key: k.to_string(),
                text: "t".into(),
                location: Location::detail("Payload/A.app/Info.plist", *k),
            })
            .collect(),
            ..Default::default()
        };
        let f = diff_ios(&facts, &policy());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject, "NSLocationWhenInUseUsageDescription");
        // The policy lists permissions and covers location only in prose: PS103.
        assert_eq!(
            (f[0].code.as_str(), f[0].severity),
            ("PS103", Severity::Medium)
        );
        assert_eq!(f[0].clause.as_ref().map(|c| c.id.as_str()), Some("III.(D)"));
        assert!(
            f[0].message
                .contains("clause I.(C).3 describes location in prose"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].evidence[0].detail.as_deref(),
            Some("NSLocationWhenInUseUsageDescription")
        );
    }
}
