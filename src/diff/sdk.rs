//! SDK findings: detected SDKs × the SDKs a policy declares.
//!
//! - PS201: an SDK is embedded but no declaration names it (high for ads,
//!   analytics, attribution, rtc and live-streaming SDKs, else medium);
//! - PS203: a declared SDK that the catalog knows was not found (info);
//! - PS302: an SDK on Apple's list of commonly used SDKs ships a framework
//!   without `PrivacyInfo.xcprivacy` (high).
//!
//! Distrusts the policy text: names are compared after normalisation
//! (case, punctuation, whitespace and legal suffixes such as "Co., Ltd.",
//! "Inc.", "LLC" removed), and names shorter than 3 characters after
//! normalisation never match by containment.
//!
//! Sources: Apple "Upcoming third-party SDK requirements" (privacy-manifest
//! list, ITMS-91061); finding semantics in `../shared/DESIGN.md`.

use crate::findings::Code;
use crate::model::{ClauseRef, Detection, Finding, Location, Severity};
use crate::policy::model::{Clause, DeclaredSdk, Policy};
use crate::rules::sdk::{Catalog, Sdk};

/// Categories whose undeclared presence is a high-severity PS201.
pub const HIGH_RISK_CATEGORIES: &[&str] =
    &["ads", "analytics", "attribution", "rtc", "live-streaming"];

/// Legal-form words dropped from the end of a company name.
const LEGAL_WORDS: &[&str] = &[
    "co",
    "ltd",
    "inc",
    "llc",
    "corp",
    "corporation",
    "limited",
    "gmbh",
    "company",
    "plc",
    "sa",
    "ag",
    "bv",
    "pte",
    "srl",
    "sas",
    "oy",
    "ab",
    "kk",
];
/// Legal-form suffixes in Chinese company names.
const LEGAL_SUFFIXES_ZH: &[&str] = &["有限责任公司", "股份有限公司", "有限公司", "公司"];

/// Normalise a product or company name for comparison: lower-case, drop
/// trailing legal-form words ("Co., Ltd.", "Inc.", "LLC"...), then remove
/// everything that is not a letter or digit.
pub fn normalize_name(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_WORDS.contains(w)) {
        words.pop();
    }
    let mut joined: String = words.concat();
    for suffix in LEGAL_SUFFIXES_ZH {
        if let Some(s) = joined.strip_suffix(suffix)
            && !s.is_empty()
        {
            joined = s.to_string();
            break;
        }
    }
    joined
}

/// Normalised names a detection can be declared by (from the catalog when
/// the SDK is known).
struct Names {
    /// SDK name and aliases: matched by equality or containment.
    product: Vec<String>,
    /// A product-family vendor name ("Firebase"): declares the SDK at
    /// product level when a declaration is exactly that name (not
    /// "Firebase Cloud Messaging", which names one product).
    family: Vec<String>,
    /// Vendor name, aliases and legal entities.
    vendor: Vec<String>,
}

fn detection_names(d: &Detection, sdk: Option<&Sdk>) -> Names {
    let norm = |raw: Vec<&str>| {
        let mut out: Vec<String> = raw
            .into_iter()
            .map(normalize_name)
            .filter(|n| !n.is_empty())
            .collect();
        out.sort();
        out.dedup();
        out
    };
    let mut product: Vec<&str> = vec![&d.name];
    let mut vendor: Vec<&str> = vec![&d.vendor];
    if let Some(s) = sdk {
        product.extend(s.aliases.iter().map(String::as_str));
        vendor.push(&s.vendor.name);
        vendor.extend(s.vendor.aliases.iter().map(String::as_str));
    }
    // A policy's company column uses the legal entity, in either script.
    for e in &d.companies {
        vendor.push(&e.name);
        vendor.extend(e.local_name.as_deref());
    }
    let family = match sdk {
        // The family's name and the vendor aliases that carry it
        // ("Google Firebase", "Firebase, Inc.").
        Some(s) if s.vendor.product_family => norm(
            std::iter::once(&s.vendor.name)
                .chain(
                    s.vendor
                        .aliases
                        .iter()
                        .filter(|a| a.contains(&s.vendor.name)),
                )
                .map(String::as_str)
                .collect(),
        ),
        _ => Vec::new(),
    };
    Names {
        product: norm(product),
        family,
        vendor: norm(vendor),
    }
}

/// `declared` equals `name`, or contains it when `name` has ≥ 3 characters.
fn names_match(declared: &str, names: &[String]) -> bool {
    !declared.is_empty()
        && names.iter().any(|name| {
            declared == name || (name.chars().count() >= 3 && declared.contains(name.as_str()))
        })
}

/// How a declaration names an SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// By catalog id, product name or alias (or a product-family vendor
    /// name such as "Firebase").
    Product,
    /// Only by the vendor: the name equals a vendor name, alias or legal
    /// entity ("Google", "深圳市和讯华谷信息技术有限公司"), or only the
    /// declaration's vendor column matches.
    Vendor,
}

/// How `decl` declares the SDK `id` with normalised `names`, if at all:
/// its catalog `id` equals `id`, or its name equals/contains a product
/// name, or equals a product-family name → [`Level::Product`]; its name
/// equals a vendor name, or its vendor equals/contains one →
/// [`Level::Vendor`].
fn declares_at(decl: &DeclaredSdk, id: &str, names: &Names) -> Option<Level> {
    let (product, vendor) = (&names.product, &names.vendor);
    if decl.id.as_deref() == Some(id) {
        return Some(Level::Product);
    }
    let name = normalize_name(&decl.name);
    if names_match(&name, product) || names.family.contains(&name) {
        return Some(Level::Product);
    }
    let by_vendor = (!name.is_empty() && vendor.contains(&name))
        || decl
            .vendor
            .as_deref()
            .map(normalize_name)
            .is_some_and(|v| names_match(&v, vendor));
    by_vendor.then_some(Level::Vendor)
}

/// Whether `decl` declares the SDK at all (product or vendor level).
fn declares(decl: &DeclaredSdk, id: &str, names: &Names) -> bool {
    declares_at(decl, id, names).is_some()
}

/// The policy's declarations of catalog SDK `id` (by catalog id, name,
/// alias or vendor, as for PS201), with their clauses.
pub(crate) fn declarations_of<'p>(
    id: &str,
    policy: &'p Policy,
    catalog: &Catalog,
) -> Vec<(&'p DeclaredSdk, &'p Clause)> {
    let Some(sdk) = catalog.sdk(id) else {
        return Vec::new();
    };
    let det = Detection {
        id: sdk.id.clone(),
        name: sdk.name.clone(),
        vendor: sdk.vendor.name.clone(),
        category: sdk.category.clone(),
        version: None,
        confidence: crate::model::Confidence::Present,
        evidence: Vec::new(),
        matcher_counts: Default::default(),
        companies: sdk.vendor.entities.clone(),
        version_source: None,
        bundled_by: Vec::new(),
        part_of: Vec::new(),
        contains: Vec::new(),
        contacts: Vec::new(),
    };
    let names = detection_names(&det, Some(sdk));
    policy
        .sdks()
        .filter(|(d, _)| declares(d, id, &names))
        .collect()
}

fn clause_ref(c: &Clause) -> ClauseRef {
    ClauseRef {
        id: c.id.clone(),
        title: c.title.clone(),
        line: c.line,
    }
}

fn evidence_locations(d: &Detection) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for e in &d.evidence {
        let loc = Location {
            detail: Some(format!("{}: {}", e.matcher, e.matched)),
            ..e.location.clone()
        };
        if !out.contains(&loc) {
            out.push(loc);
        }
    }
    out
}

/// Whether catalog SDK `id` is the SDK a third party (a tracker database,
/// a report) calls `name`: a normalised product name or alias of at least 3
/// characters equals, contains or is contained in it, or a vendor name or
/// alias equals it. Used to score detections against independent SDK lists.
pub fn sdk_known_as(catalog: &Catalog, id: &str, name: &str) -> bool {
    let t = normalize_name(name);
    let Some(sdk) = catalog.sdk(id) else {
        return false;
    };
    let mut product = std::iter::once(&sdk.name)
        .chain(&sdk.aliases)
        .map(|n| normalize_name(n));
    let mut vendor = std::iter::once(&sdk.vendor.name)
        .chain(&sdk.vendor.aliases)
        .map(|n| normalize_name(n));
    product.any(|n| n.len() >= 3 && (n == t || n.contains(&t) || t.contains(&n)))
        || vendor.any(|n| n == t)
}

/// PS201 for every detection no declaration matches; PS203 for every
/// declaration that matches a catalog SDK of which none was detected.
/// Findings are ordered PS201 (by SDK id) then PS203 (policy order).
pub fn diff_sdks(detections: &[Detection], policy: &Policy, catalog: &Catalog) -> Vec<Finding> {
    let mut out = Vec::new();
    let sdk_clause = policy.sdk_clause().map(clause_ref);
    let declared: Vec<(&DeclaredSdk, &Clause)> = policy.sdks().collect();
    for d in detections {
        // Category `other` holds infrastructure libraries (Flutter, Alamofire,
        // Realm...) catalogued for the inventory and PS302; policies are not
        // expected to list them, so they never raise PS201.
        if d.category == "other" {
            continue;
        }
        // Another SDK's internals (`[[sdk.bundles]]`) or a transitive part of
        // a detected SDK family (`parts`): declared or flagged with that SDK.
        if !d.bundled_by.is_empty() || !d.part_of.is_empty() {
            continue;
        }
        let names = detection_names(d, catalog.sdk(&d.id));
        let levels: Vec<(Level, &DeclaredSdk, &Clause)> = declared
            .iter()
            .filter_map(|(decl, c)| declares_at(decl, &d.id, &names).map(|l| (l, *decl, *c)))
            .collect();
        if levels.iter().any(|(l, _, _)| *l == Level::Product) {
            continue;
        }
        let kinds: Vec<&str> = d.matcher_counts.keys().map(String::as_str).collect();
        if let Some((_, decl, clause)) = levels.first()
            && d.confidence == crate::model::Confidence::Present
        {
            // The policy names the company, not the product: the reader
            // learns who receives data but not which SDK or what it collects.
            let by = decl
                .vendor
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!(" (vendor \"{v}\")"))
                .unwrap_or_default();
            out.push(Finding {
                code: Code::PS204.id().to_string(),
                severity: Code::PS204.info().severity,
                subject: d.id.clone(),
                message: format!(
                    "{} by {} ({}) is embedded (matched by {}) but the privacy policy declares it only by its vendor: \"{}\"{by}; name the product and the data it collects",
                    d.name,
                    d.vendor,
                    d.category,
                    kinds.join(", "),
                    decl.name,
                ),
                clause: Some(clause_ref(clause)),
                evidence: evidence_locations(d),
            });
            continue;
        }
        if !levels.is_empty() {
            continue; // configured only, and the vendor is declared
        }
        if d.confidence == crate::model::Confidence::Configured {
            // Configuration without code, library or dependency: not an
            // embedded SDK (a leftover API key, an opt-out flag).
            out.push(Finding {
                code: Code::PS205.id().to_string(),
                severity: Code::PS205.info().severity,
                subject: d.id.clone(),
                message: format!(
                    "only the configuration of {} by {} ({}) is in the build (matched by {}); no code, native library or dependency of it was found, so it is not reported as embedded",
                    d.name,
                    d.vendor,
                    d.category,
                    kinds.join(", ")
                ),
                clause: sdk_clause.clone(),
                evidence: evidence_locations(d),
            });
            continue;
        }
        let severity = if HIGH_RISK_CATEGORIES.contains(&d.category.as_str()) {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut version = d
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        if !d.contains.is_empty() {
            version.push_str(&format!(" (with {} inside it)", d.contains.join(", ")));
        }
        out.push(Finding {
            code: Code::PS201.id().to_string(),
            severity,
            subject: d.id.clone(),
            message: format!(
                "{}{version} by {} ({}) is embedded ({}, matched by {}) but the privacy policy does not declare it",
                d.name,
                d.vendor,
                d.category,
                match d.confidence {
                    crate::model::Confidence::Present => "code present",
                    crate::model::Confidence::Configured => "configured only",
                },
                kinds.join(", ")
            ),
            clause: sdk_clause.clone(),
            evidence: evidence_locations(d),
        });
    }
    for (decl, clause) in declared {
        let known: Vec<&Sdk> = catalog
            .sdks()
            .iter()
            .filter(|s| {
                let det = Detection {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    vendor: s.vendor.name.clone(),
                    category: s.category.clone(),
                    version: None,
                    confidence: crate::model::Confidence::Configured,
                    evidence: Vec::new(),
                    matcher_counts: Default::default(),
                    companies: Vec::new(),
                    version_source: None,
                    bundled_by: Vec::new(),
                    part_of: Vec::new(),
                    contains: Vec::new(),
                    contacts: Vec::new(),
                };
                declares(decl, &s.id, &detection_names(&det, Some(s)))
            })
            .collect();
        if known.is_empty() {
            continue; // not in the catalog: we cannot tell whether it is present
        }
        let found = detections
            .iter()
            .any(|d| known.iter().any(|s| s.id == d.id));
        if found {
            continue;
        }
        let ids: Vec<&str> = known.iter().map(|s| s.id.as_str()).collect();
        out.push(Finding {
            code: Code::PS203.id().to_string(),
            severity: Severity::Info,
            subject: decl.name.clone(),
            message: format!(
                "the policy declares \"{}\" but none of the matching catalog SDKs ({}) was found in the build",
                decl.name,
                ids.join(", ")
            ),
            clause: Some(clause_ref(clause)),
            evidence: Vec::new(),
        });
    }
    out
}

/// PS302: for each detection whose catalog entry has
/// `apple_privacy_manifest_required = true`, every bundled framework named
/// by its `framework` matchers that has no `PrivacyInfo.xcprivacy`.
/// `frameworks` is `(framework name without extension, has privacy manifest)`.
/// An SDK linked statically (no matching framework) is not reported: whether
/// its manifest is merged into the app's cannot be told here.
pub fn privacy_manifest_missing(
    detections: &[Detection],
    catalog: &Catalog,
    frameworks: &[(String, bool)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in detections {
        let Some(sdk) = catalog
            .sdk(&d.id)
            .filter(|s| s.apple_privacy_manifest_required)
        else {
            continue;
        };
        for (fw, has_manifest) in frameworks {
            let stem = fw
                .strip_suffix(".framework")
                .or_else(|| fw.strip_suffix(".xcframework"))
                .unwrap_or(fw);
            if *has_manifest
                || !sdk
                    .matchers
                    .framework
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(stem))
            {
                continue;
            }
            out.push(Finding {
                code: Code::PS302.id().to_string(),
                severity: Severity::High,
                subject: d.id.clone(),
                message: format!(
                    "{} is on Apple's list of commonly used third-party SDKs but {stem}.framework has no PrivacyInfo.xcprivacy (ITMS-91061)",
                    d.name
                ),
                clause: None,
                evidence: vec![Location::detail(format!("Frameworks/{stem}.framework"), "PrivacyInfo.xcprivacy missing")],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, SdkEvidence};

    const ZEGO: &str = r#"
[vendor]
id = "zego"
name = "ZEGO"
aliases = ["Shenzhen Jigou Technology Co., Ltd.", "深圳市即构科技有限公司"]
[[sdk]]
id = "zego-express"
name = "ZEGO Express Engine"
category = "rtc"
source = "test"
aliases = ["Zego Express"]
apple_privacy_manifest_required = true
[sdk.match]
dex_class = ["im.zego.zegoexpress"]
framework = ["ZegoExpressEngine"]
[sdk.tests]
positive = ["dex_class:im.zego.zegoexpress.A"]
negative = ["dex_class:im.zegox.A"]
[[sdk]]
id = "zego-uikit"
name = "ZEGO UIKit"
category = "support"
source = "test"
[sdk.match]
dex_class = ["com.zegocloud.uikit"]
[sdk.tests]
positive = ["dex_class:com.zegocloud.uikit.A"]
negative = ["dex_class:com.zegocloudx.A"]
[[sdk]]
id = "zego-infra"
name = "ZEGO infrastructure library"
category = "other"
source = "test"
[sdk.match]
dex_class = ["im.zego.infra"]
[sdk.tests]
positive = ["dex_class:im.zego.infra.A"]
negative = ["dex_class:im.zego.infrax.A"]
"#;

    fn catalog() -> Catalog {
        Catalog::from_texts(&[("zego.toml", ZEGO)]).unwrap()
    }

    fn detection(c: &Catalog, id: &str) -> Detection {
        let s = c.sdk(id).unwrap();
        Detection {
            id: id.into(),
            name: s.name.clone(),
            vendor: s.vendor.name.clone(),
            category: s.category.clone(),
            version: Some("3.1".into()),
            confidence: Confidence::Present,
            evidence: vec![SdkEvidence {
                matcher: "dex_class".into(),
                pattern: "im.zego.zegoexpress".into(),
                matched: "im.zego.zegoexpress.A".into(),
                tier: Confidence::Present,
                location: Location::entry("classes.dex"),
            }],
            matcher_counts: [("dex_class".to_string(), 1u64)].into_iter().collect(),
            companies: Vec::new(),
            version_source: None,
            bundled_by: Vec::new(),
            part_of: Vec::new(),
            contains: Vec::new(),
            contacts: Vec::new(),
        }
    }

    fn policy(sdks: Vec<DeclaredSdk>) -> Policy {
        Policy {
            clauses: vec![
                Clause {
                    id: "I".into(),
                    title: "Permissions".into(),
                    ..Clause::default()
                },
                Clause {
                    id: "III.(D)".into(),
                    title: "Third-party SDKs".into(),
                    sdks,
                    ..Clause::default()
                },
            ],
            ..Policy::default()
        }
    }

    fn decl(name: &str, vendor: Option<&str>) -> DeclaredSdk {
        DeclaredSdk {
            name: name.into(),
            vendor: vendor.map(Into::into),
            ..DeclaredSdk::default()
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_name("Shenzhen Jigou Technology Co., Ltd."),
            "shenzhenjigoutechnology"
        );
        assert_eq!(normalize_name("Google LLC"), "google");
        assert_eq!(normalize_name("Zinc"), "zinc");
        assert_eq!(normalize_name("深圳市即构科技有限公司"), "深圳市即构科技");
        assert_eq!(normalize_name("  ZEGO-Express  SDK "), "zegoexpresssdk");
    }

    #[test]
    fn undeclared_sdk_is_ps201_with_clause_and_evidence() {
        let c = catalog();
        let f = diff_sdks(
            &[detection(&c, "zego-express")],
            &policy(vec![decl("Firebase", Some("Google LLC"))]),
            &c,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "PS201");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].subject, "zego-express");
        assert_eq!(f[0].clause.as_ref().unwrap().id, "III.(D)");
        assert_eq!(f[0].evidence[0].entry, "classes.dex");
        assert!(f[0].message.contains("3.1"), "{}", f[0].message);
        let ui = diff_sdks(&[detection(&c, "zego-uikit")], &policy(vec![]), &c);
        assert_eq!(ui[0].severity, Severity::Medium);
        assert_eq!(ui[0].clause, None);
        // Infrastructure libraries (category `other`) are inventory only.
        let infra = diff_sdks(&[detection(&c, "zego-infra")], &policy(vec![]), &c);
        assert!(infra.is_empty(), "{infra:?}");
    }

    #[test]
    fn configuration_only_is_ps205_not_ps201() {
        let c = catalog();
        let mut d = detection(&c, "zego-express");
        d.confidence = Confidence::Configured;
        d.evidence[0].matcher = "manifest_meta_data".into();
        d.evidence[0].tier = Confidence::Configured;
        d.evidence[0].location = Location::entry("AndroidManifest.xml");
        d.matcher_counts = [("manifest_meta_data".to_string(), 1u64)]
            .into_iter()
            .collect();
        let f = diff_sdks(&[d.clone()], &policy(vec![]), &c);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "PS205");
        assert_eq!(f[0].severity, Severity::Low);
        assert!(
            f[0].message.contains("manifest_meta_data"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].evidence[0].entry, "AndroidManifest.xml");
        // Declared: nothing to report.
        let f = diff_sdks(&[d], &policy(vec![decl("ZEGO Express", None)]), &c);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn declarations_match_by_name_alias_vendor_or_id() {
        let c = catalog();
        let det = [detection(&c, "zego-express")];
        // Product level: no finding.
        for d in [
            decl("ZEGO Express SDK (audio/video calls)", None),
            decl("Zego-Express", None),
            DeclaredSdk {
                name: "RTC".into(),
                id: Some("zego-express".into()),
                ..DeclaredSdk::default()
            },
        ] {
            let f = diff_sdks(&det, &policy(vec![d.clone()]), &c);
            assert!(f.is_empty(), "{d:?}: {f:?}");
        }
        // Vendor level only (its name, or its company in the vendor
        // column): PS204, medium, quoting the declaration and its clause.
        for d in [
            decl("ZEGO", None),
            decl(
                "Real-time audio SDK",
                Some("Shenzhen Jigou Technology Co., Ltd"),
            ),
            decl("音视频SDK", Some("深圳市即构科技有限公司")),
        ] {
            let f = diff_sdks(&det, &policy(vec![d.clone()]), &c);
            assert_eq!(f.len(), 1, "{d:?}: {f:?}");
            assert_eq!(
                (f[0].code.as_str(), f[0].severity),
                ("PS204", Severity::Medium)
            );
            assert!(
                f[0].message.contains(&format!("\"{}\"", d.name)),
                "{}",
                f[0].message
            );
            assert_eq!(f[0].clause.as_ref().map(|c| c.id.as_str()), Some("III.(D)"));
            assert_eq!(f[0].evidence.len(), 1);
        }
        for d in [
            decl("Agora RTC", Some("Agora Lab, Inc.")),
            decl("Express", None),
            decl("ZE", None),
            decl("ZEGO Cloud Recording", None),
        ] {
            let f = diff_sdks(&det, &policy(vec![d.clone()]), &c);
            assert!(f.iter().any(|x| x.code == "PS201"), "{d:?}");
        }
    }

    const FAMILY: &str = r#"
[vendor]
id = "firebase"
name = "Firebase"
product_family = true
aliases = ["Google", "Google Firebase"]
[[sdk]]
id = "firebase-crashlytics"
name = "Firebase Crashlytics"
category = "crash"
source = "test"
[sdk.match]
dex_class = ["com.google.firebase.crashlytics"]
[sdk.tests]
positive = ["dex_class:com.google.firebase.crashlytics.A"]
negative = ["dex_class:com.google.firebasex.A"]
"#;

    /// A product-family vendor name ("Firebase") declares each of its SDKs;
    /// another family member's name ("Firebase Cloud Messaging") or the
    /// company ("Google") does not.
    #[test]
    fn a_product_family_name_declares_its_sdks_and_the_company_only_at_vendor_level() {
        let c = Catalog::from_texts(&[("firebase.toml", FAMILY)]).unwrap();
        let det = [detection(&c, "firebase-crashlytics")];
        let codes = |d: DeclaredSdk| -> Vec<String> {
            diff_sdks(&det, &policy(vec![d]), &c)
                .into_iter()
                .map(|f| f.code)
                .collect()
        };
        assert!(codes(decl("Firebase", Some("Google"))).is_empty());
        assert!(codes(decl("Google Firebase", None)).is_empty());
        assert_eq!(codes(decl("Google", None)), ["PS204"]);
        assert_eq!(
            codes(decl("Firebase Cloud Messaging", Some("Google LLC"))),
            ["PS204"]
        );
        assert_eq!(codes(decl("Firebase Cloud Messaging", None)), ["PS201"]);
    }

    #[test]
    fn declared_but_absent_is_ps203_only_for_known_sdks() {
        let c = catalog();
        let p = policy(vec![
            decl("ZEGO UIKit", None),
            decl("Some In-House Tracker", None),
        ]);
        let f = diff_sdks(&[], &p, &c);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "PS203");
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[0].subject, "ZEGO UIKit");
        assert_eq!(f[0].clause.as_ref().unwrap().id, "III.(D)");
        assert!(diff_sdks(&[detection(&c, "zego-uikit")], &p, &c).is_empty());
    }

    #[test]
    fn ps302_for_required_sdk_framework_without_manifest() {
        let c = catalog();
        let det = [detection(&c, "zego-express"), detection(&c, "zego-uikit")];
        let f = privacy_manifest_missing(
            &det,
            &c,
            &[
                ("ZegoExpressEngine".into(), false),
                ("ZegoUIKit".into(), false),
                ("Other".into(), false),
            ],
        );
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].code.as_str(), f[0].subject.as_str(), f[0].severity),
            ("PS302", "zego-express", Severity::High)
        );
        assert!(
            privacy_manifest_missing(&det, &c, &[("ZegoExpressEngine.framework".into(), true)])
                .is_empty()
        );
    }
}
