//! PS501..PS507: the store declarations disagree with the build or the
//! policy, by data type. Each finding names both declarations it compares
//! and carries the evidence of both sides.

use super::StoreInputs;
use super::table::{Column, Mark, Table};
use crate::findings::Code;
use crate::model::{Finding, Location, Severity};
use crate::rules::data_types::DataTypes;

/// SDK catalog categories whose SDKs track users across apps (Apple:
/// "tracking" = linking data with third-party data for ads or sharing with
/// data brokers).
const TRACKING_CATEGORIES: &[&str] = &["ads", "attribution"];

fn finding(
    code: Code,
    severity: Option<Severity>,
    subject: &str,
    message: String,
    evidence: Vec<Location>,
) -> Finding {
    let info = code.info();
    Finding {
        code: info.id.into(),
        severity: severity.unwrap_or(info.severity),
        subject: subject.to_owned(),
        message,
        clause: None,
        evidence,
    }
}

/// How sure the build column is that a type is collected: the finding's
/// severity and the message's verb. The registry's severity (high) and
/// "collects" when the build's own code reads it; medium and "embeds an
/// SDK documented to collect" when only an embedded SDK's documentation
/// says so (the SDK may be configured not to, or be a version that does
/// not); low and "can read" when only a permission gives access to it.
fn build_evidence(build: &[Mark]) -> (Option<Severity>, &'static str) {
    if build.iter().any(|m| m.code) {
        (None, "collects")
    } else if build.iter().any(|m| m.strong) {
        (
            Some(Severity::Medium),
            "embeds an SDK documented to collect",
        )
    } else {
        (Some(Severity::Low), "can read")
    }
}

fn notes(marks: &[Mark]) -> String {
    let mut v: Vec<&str> = marks.iter().map(|m| m.note.as_str()).take(4).collect();
    if marks.len() > 4 {
        v.push("...");
    }
    v.join("; ")
}

fn locations(marks: &[&Mark]) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for m in marks {
        if !out.contains(&m.location) {
            out.push(m.location.clone());
        }
    }
    out
}

/// Every PS5xx finding of the table.
pub fn findings(t: &Table, inputs: &StoreInputs, vocab: &DataTypes) -> Vec<Finding> {
    let mut out = Vec::new();
    let manifests = t.manifests.len();
    let has_app_manifest = t.manifests.iter().any(|m| m.1.is_none());
    let pm_name = format!(
        "the privacy manifests ({manifests} merged{})",
        if has_app_manifest {
            ", the app's first"
        } else {
            ", none of them the app's"
        }
    );
    for (i, ty) in vocab.types.iter().enumerate() {
        let build = t.marks(i, Column::Build);
        let ds = t.marks(i, Column::DataSafety);
        let pm = t.marks(i, Column::PrivacyManifest);
        let policy = t.marks(i, Column::Policy);
        // PS501: the build collects a type the Data safety form omits.
        if let Some(d) = inputs.data_safety
            && !ty.play.is_empty()
            && !build.is_empty()
            && ds.is_empty()
        {
            let (severity, verb) = build_evidence(build);
            let mut ev: Vec<&Mark> = build.iter().collect();
            ev.truncate(8);
            let mut evidence = locations(&ev);
            evidence.push(Location::entry(d.source.clone()));
            out.push(finding(
                Code::PS501,
                severity,
                &ty.id,
                format!(
                    "the build {} {} ({}) but the Data safety form {} declares none of {}",
                    verb,
                    ty.label,
                    notes(build),
                    d.source,
                    ty.play.join(", ")
                ),
                evidence,
            ));
        }
        // PS502: the build collects a type no privacy manifest declares.
        if manifests > 0 && !ty.apple.is_empty() && pm.is_empty() {
            let strong: Vec<&Mark> = build.iter().filter(|m| m.strong).collect();
            if !strong.is_empty() {
                let mut evidence = locations(&strong);
                evidence.extend(
                    t.manifests
                        .iter()
                        .take(4)
                        .map(|m| Location::entry(m.0.clone())),
                );
                let (severity, verb) = build_evidence(build);
                out.push(finding(
                    Code::PS502,
                    severity,
                    &ty.id,
                    format!(
                        "the build {} {} ({}) but {pm_name} declare none of {}",
                        verb,
                        ty.label,
                        notes(build),
                        ty.apple.join(", ")
                    ),
                    evidence,
                ));
            }
        }
        // PS503: Data safety declares a type the policy never mentions.
        if let (Some(d), Some(p)) = (inputs.data_safety, inputs.policy)
            && !ds.is_empty()
            && policy.is_empty()
            && (ty
                .policy_categories()
                .iter()
                .any(|c| crate::rules::data_apis::known_categories().contains(c))
                || !ty.permissions.is_empty())
        {
            let mut evidence = locations(&ds.iter().collect::<Vec<_>>());
            evidence.push(Location::entry(p.source.clone()));
            out.push(finding(
                Code::PS503,
                None,
                &ty.id,
                format!(
                    "the Data safety form {} declares {} ({}) but the policy {} never mentions it (no clause names {})",
                    d.source,
                    ty.label,
                    notes(ds),
                    p.source,
                    ty.policy_categories()
                        .iter()
                        .map(String::as_str)
                        .chain(ty.permissions.iter().map(|s| super::table::short_permission(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                evidence,
            ));
        }
    }
    // PS504: the policy mentions a category no Data safety type covers.
    if let (Some(d), Some(p)) = (inputs.data_safety, inputs.policy) {
        let mut seen: Vec<&str> = Vec::new();
        for (cat, clause, line) in &t.policy_mentions {
            let covered: Vec<usize> = vocab
                .covered_by_policy(cat)
                .into_iter()
                .filter(|&i| vocab.types.get(i).is_some_and(|ty| !ty.play.is_empty()))
                .collect();
            if covered.is_empty() || seen.contains(&cat.as_str()) {
                continue;
            }
            seen.push(cat);
            if covered
                .iter()
                .any(|&i| !t.marks(i, Column::DataSafety).is_empty())
            {
                continue;
            }
            let labels: Vec<String> = covered
                .iter()
                .filter_map(|&i| vocab.types.get(i))
                .map(|ty| format!("{} ({})", ty.label, ty.play.join(", ")))
                .collect();
            out.push(finding(
                Code::PS504,
                None,
                cat,
                format!(
                    "the policy {} declares {cat} (clause {clause}) but the Data safety form {} declares none of {}",
                    p.source,
                    d.source,
                    labels.join("; ")
                ),
                vec![
                    Location {
                        entry: p.source.clone(),
                        detail: Some(format!("clause {clause}")),
                        line: *line,
                    },
                    Location::entry(d.source.clone()),
                ],
            ));
        }
    }
    out.extend(no_data_collected(t, inputs, vocab));
    out.extend(tracking(t, inputs));
    out.extend(sdk_manifests(t, vocab, has_app_manifest));
    out
}

/// PS505: "no data collected" declared while an SDK that collects is embedded.
fn no_data_collected(t: &Table, inputs: &StoreInputs, vocab: &DataTypes) -> Vec<Finding> {
    let mut declarations: Vec<(String, Location)> = Vec::new();
    if let Some(d) = inputs.data_safety
        && (d.collects_data == Some(false) || d.types.is_empty())
    {
        let how = if d.collects_data == Some(false) {
            "answers PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA false"
        } else {
            "declares no data type"
        };
        declarations.push((
            format!("the Data safety form {} {how}", d.source),
            Location::entry(d.source.clone()),
        ));
    }
    let any_declared =
        (0..vocab.types.len()).any(|i| !t.marks(i, Column::PrivacyManifest).is_empty());
    if let Some((entry, _)) = t.manifests.iter().find(|m| m.1.is_none())
        && !any_declared
    {
        declarations.push((
            format!(
                "the privacy manifests ({} merged) declare no NSPrivacyCollectedDataTypes",
                t.manifests.len()
            ),
            Location::entry(entry.clone()),
        ));
    }
    let mut out = Vec::new();
    for (what, at) in declarations {
        for d in inputs.sdks {
            let Some(sdk) = inputs.catalog.sdk(&d.id) else {
                continue;
            };
            let data: Vec<&str> = sdk
                .data
                .iter()
                .filter(|c| vocab.by_data(c).is_some())
                .map(String::as_str)
                .collect();
            if data.is_empty() {
                continue;
            }
            let mut evidence: Vec<Location> = d
                .evidence
                .iter()
                .take(3)
                .map(|e| e.location.clone())
                .collect();
            evidence.push(at.clone());
            out.push(finding(
                Code::PS505,
                None,
                &d.id,
                format!(
                    "{what}, but the build embeds {} ({}), which collects {} ({})",
                    d.name,
                    d.id,
                    data.join(", "),
                    sdk.source
                ),
                evidence,
            ));
        }
    }
    out
}

/// PS506: tracking SDKs or NSPrivacyTrackingDomains with NSPrivacyTracking false.
fn tracking(t: &Table, inputs: &StoreInputs) -> Vec<Finding> {
    if t.manifests.is_empty() || t.tracking {
        return Vec::new();
    }
    let mut out = Vec::new();
    let pm = format!(
        "NSPrivacyTracking is false in all {} privacy manifests",
        t.manifests.len()
    );
    if !t.tracking_domains.is_empty() {
        let domains: Vec<&str> = t.tracking_domains.iter().map(|d| d.0.as_str()).collect();
        let mut evidence: Vec<Location> = Vec::new();
        for (d, entry) in &t.tracking_domains {
            let loc = Location {
                entry: entry.clone(),
                detail: Some(format!("NSPrivacyTrackingDomains {d}")),
                line: None,
            };
            if !evidence.contains(&loc) {
                evidence.push(loc);
            }
        }
        out.push(finding(
            Code::PS506,
            None,
            "NSPrivacyTrackingDomains",
            format!(
                "{pm}, yet NSPrivacyTrackingDomains lists {} (iOS blocks connections to those hosts unless the user allows tracking)",
                domains.join(", ")
            ),
            evidence,
        ));
    }
    for d in inputs.sdks {
        if !TRACKING_CATEGORIES.contains(&d.category.as_str()) {
            continue;
        }
        let mut evidence: Vec<Location> = d
            .evidence
            .iter()
            .take(3)
            .map(|e| e.location.clone())
            .collect();
        evidence.extend(
            t.manifests
                .iter()
                .take(2)
                .map(|m| Location::entry(m.0.clone())),
        );
        out.push(finding(
            Code::PS506,
            None,
            &d.id,
            format!(
                "{pm}, yet the build embeds {} ({}), an {} SDK",
                d.name, d.id, d.category
            ),
            evidence,
        ));
    }
    out
}

/// PS507: an SDK's own manifest declares a type the app's declarations omit.
fn sdk_manifests(t: &Table, vocab: &DataTypes, has_app_manifest: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let app = t
        .manifests
        .iter()
        .find(|m| m.1.is_none())
        .map(|m| m.0.clone());
    for (i, ty) in vocab.types.iter().enumerate() {
        let pm = t.marks(i, Column::PrivacyManifest);
        if pm.iter().any(|m| m.sdk.is_none()) {
            continue;
        }
        let sdk_marks: Vec<&Mark> = pm.iter().filter(|m| m.sdk.is_some()).collect();
        if sdk_marks.is_empty() {
            continue;
        }
        let sdks: Vec<&str> = sdk_marks.iter().filter_map(|m| m.sdk.as_deref()).collect();
        let mut evidence = locations(&sdk_marks);
        if let Some(a) = &app {
            evidence.push(Location::entry(a.clone()));
        }
        out.push(finding(
            Code::PS507,
            None,
            &ty.id,
            format!(
                "the privacy manifest of {} declares {} ({}) but {} omits it, so the app's App Store privacy label may too",
                sdks.join(", "),
                ty.label,
                sdk_marks.iter().map(|m| m.note.as_str()).collect::<Vec<_>>().join("; "),
                match (&app, has_app_manifest) {
                    (Some(a), true) => format!("the app's own manifest {a}"),
                    _ => "the app has no privacy manifest of its own and".to_owned(),
                }
            ),
            evidence,
        ));
    }
    out
}
