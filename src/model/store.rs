//! Store declarations and their side-by-side table: the Google Play Data
//! safety form (read by `crate::store::data_safety`), the merged Apple
//! privacy manifests, and per data type what the policy, the two store
//! declarations and the build say (`crate::store::table`).
//!
//! Part of the JSON contract (`ArtifactReport::store`); fields are only
//! ever added.

use serde::{Deserialize, Serialize};

/// The five columns of the Play Console Data safety export, in the
/// Console's order (`crate::store::data_safety`).
pub const DATA_SAFETY_COLUMNS: [&str; 5] = [
    "Question ID (machine readable)",
    "Response ID (machine readable)",
    "Response value",
    "Answer requirement",
    "Human-friendly question label",
];

/// One data type as the Data safety form declares it (the
/// `PSL_DATA_TYPES_*` answer and its `PSL_DATA_USAGE_RESPONSES:<id>:*`
/// answers; Play Console CSV export, see `crate::store::data_safety`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DataSafetyType {
    /// Response id of the type, e.g. `PSL_DEVICE_ID`.
    pub id: String,
    /// `PSL_DATA_USAGE_ONLY_COLLECTED` answered true.
    pub collected: bool,
    /// `PSL_DATA_USAGE_ONLY_SHARED` answered true.
    pub shared: bool,
    /// `PSL_DATA_USAGE_EPHEMERAL`; `None` when unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<bool>,
    /// `DATA_USAGE_USER_CONTROL`: `Some(true)` required, `Some(false)` optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// `DATA_USAGE_COLLECTION_PURPOSE` response ids answered true (`PSL_ANALYTICS`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
    /// `DATA_USAGE_SHARING_PURPOSE` response ids answered true.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sharing_purposes: Vec<String>,
    /// 2-based CSV row (the header is row 1) of the type's first true answer.
    pub row: u32,
}

/// An answer whose question or response id privscan does not know: kept
/// as written and reported, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownAnswer {
    /// 1-based CSV row (the header is row 1).
    pub row: u32,
    /// `Question ID (machine readable)`.
    pub question: String,
    /// `Response ID (machine readable)`; empty when the question has none.
    pub response: String,
    /// `Response value`.
    pub value: String,
}

/// A Play Console Data safety export, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DataSafety {
    /// The file it was read from, as given.
    pub source: String,
    /// `PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA`; `None` when unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collects_data: Option<bool>,
    /// `PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT`; `None` when unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_in_transit: Option<bool>,
    /// Data types declared (answered true), in response-id order.
    pub types: Vec<DataSafetyType>,
    /// Answers with ids privscan does not know (kept, reported).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownAnswer>,
    /// Data rows read (the header not counted).
    pub rows: u32,
}

/// What one column of the table says about a data type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoreCell {
    /// The column declares (or, for `build`, shows) the type.
    pub declared: bool,
    /// Short facts: clause ids, Data safety ids and answers, manifest
    /// entries, evidence (`code: telephony-device-id (app)`,
    /// `sdk: firebase-analytics`, `permission: android.permission.CAMERA`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One row of the side-by-side table: a data type of `rules/data-types.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoreRow {
    /// Data type id, e.g. `device-id`.
    pub data_type: String,
    /// Human label, e.g. `Device or other IDs`.
    pub label: String,
    /// The privacy policy; `None` when no policy was compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<StoreCell>,
    /// The Data safety form; `None` when none was given or found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_safety: Option<StoreCell>,
    /// The merged privacy manifests; `None` for a build without any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_manifest: Option<StoreCell>,
    /// Build evidence: data-API call sites, SDK documented data, permissions.
    pub build: StoreCell,
}

/// The store cross-check of one artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoreReport {
    /// The Data safety export compared, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_safety: Option<DataSafety>,
    /// Privacy manifests merged (entries), app first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privacy_manifests: Vec<String>,
    /// Merged `NSPrivacyTracking` (any manifest true); `None` without manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<bool>,
    /// Merged `NSPrivacyTrackingDomains`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking_domains: Vec<String>,
    /// One row per data type any column mentions, in vocabulary order.
    pub rows: Vec<StoreRow>,
}

/// Column headers of the side-by-side table, in [`StoreRow::cells`] order.
pub const TABLE_HEADER: [&str; 5] = [
    "DATA TYPE",
    "POLICY",
    "DATA SAFETY",
    "PRIVACY MANIFEST",
    "BUILD",
];

impl StoreCell {
    /// `no`, or `yes: first note` with `(+N)` for the rest.
    pub fn text(&self) -> String {
        match self.notes.split_first() {
            _ if !self.declared => "no".to_owned(),
            None => "yes".to_owned(),
            Some((first, [])) => format!("yes: {first}"),
            Some((first, rest)) => format!("yes: {first} (+{})", rest.len()),
        }
    }
}

impl StoreRow {
    /// The row as table cells ([`TABLE_HEADER`]); `-` for a column not
    /// compared (no policy, no Data safety export, no privacy manifest).
    pub fn cells(&self) -> [String; 5] {
        let opt = |c: &Option<StoreCell>| c.as_ref().map_or("-".to_owned(), StoreCell::text);
        [
            self.data_type.clone(),
            opt(&self.policy),
            opt(&self.data_safety),
            opt(&self.privacy_manifest),
            self.build.text(),
        ]
    }
}

impl StoreReport {
    /// One line on what was compared: the Data safety export (rows, types,
    /// unknown ids kept) and the privacy manifests merged.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.data_safety {
            let mut s = format!(
                "Data safety {}: {} rows, {} types declared",
                d.source,
                d.rows,
                d.types.len()
            );
            if !d.unknown.is_empty() {
                let ids: Vec<String> = d
                    .unknown
                    .iter()
                    .take(5)
                    .map(|u| {
                        format!("row {} {} {}", u.row, u.question, u.response)
                            .trim_end()
                            .to_owned()
                    })
                    .collect();
                s.push_str(&format!(
                    ", {} unknown ids kept ({}{})",
                    d.unknown.len(),
                    ids.join("; "),
                    if d.unknown.len() > 5 { "; ..." } else { "" }
                ));
            }
            parts.push(s);
        }
        if !self.privacy_manifests.is_empty() {
            parts.push(format!(
                "privacy manifests: {} merged, NSPrivacyTracking {}",
                self.privacy_manifests.len(),
                self.tracking.unwrap_or(false)
            ));
        }
        parts.join("; ")
    }
}
