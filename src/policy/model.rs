//! The declared policy: what an app's privacy policy says it requests and
//! embeds, organised by the policy's own clauses.
//!
//! Loaded from a policy file (`load.rs`, TOML, format in README "Policy
//! file") or drafted from prose (`extract.rs`).

use serde::{Deserialize, Serialize};

/// An SDK the policy declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeclaredSdk {
    /// SDK or product name as the policy writes it ("Firebase", "ZEGO Express").
    pub name: String,
    /// Company name ("Google Inc.", "Shenzhen Jigou Technology Co., Ltd.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Data categories the policy says the SDK collects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
    /// What the policy says the SDK's data is used for; `None` when not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Catalog SDK id this declaration was resolved to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One clause of the policy and what it declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Clause {
    /// The policy's own numbering: `III.(D)`, `I.(C).3.(3)`.
    pub id: String,
    /// Clause heading, e.g. `Application Permissions`; empty when the policy gives none.
    #[serde(default)]
    pub title: String,
    /// Fully-qualified Android permission names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub android_permissions: Vec<String>,
    /// iOS `NS*UsageDescription` keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ios_usage: Vec<String>,
    /// Third-party SDKs the clause declares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sdks: Vec<DeclaredSdk>,
    /// Data categories (`camera`, `location`, ...; see `rules/android-permissions.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
    /// What the clause says the app does **not** access: Android permission
    /// names and iOS usage keys ("我们不会收集您的通讯录" → `READ_CONTACTS`,
    /// `NSContactsUsageDescription`). A build that requests one is PS105.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denies: Vec<String>,
    /// Byte span `[start, end)` of the clause text in the source document,
    /// when the policy was drafted from prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<(usize, usize)>,
    /// 1-based line of the clause in the policy file (TOML or prose).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A reviewed exception: suppress findings of `code` about `subject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Allow {
    /// Finding code the exception covers, e.g. `PS201` (checked against `crate::findings`).
    pub code: String,
    /// What the finding is about, as in `Finding::subject`: permission name, SDK id or iOS key.
    pub subject: String,
    /// Why the exception was granted (free text for reviewers).
    pub reason: String,
    /// ISO date `YYYY-MM-DD` after which the exception no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A declared policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Policy {
    /// `[policy] name`: a human-readable title of the policy.
    pub name: String,
    /// File the policy came from (policy file, or the prose it was drafted from).
    pub source: String,
    /// Every `[[clause]]`, in file order.
    pub clauses: Vec<Clause>,
    /// Every `[[allow]]` exception, in file order.
    pub allow: Vec<Allow>,
}

impl Policy {
    /// Every declared Android permission with the clause declaring it (first clause wins).
    pub fn android_permissions(&self) -> impl Iterator<Item = (&str, &Clause)> {
        self.clauses
            .iter()
            .flat_map(|c| c.android_permissions.iter().map(move |p| (p.as_str(), c)))
    }

    /// Every declared iOS usage key with its clause.
    pub fn ios_usage(&self) -> impl Iterator<Item = (&str, &Clause)> {
        self.clauses
            .iter()
            .flat_map(|c| c.ios_usage.iter().map(move |k| (k.as_str(), c)))
    }

    /// Every declared SDK with its clause.
    pub fn sdks(&self) -> impl Iterator<Item = (&DeclaredSdk, &Clause)> {
        self.clauses
            .iter()
            .flat_map(|c| c.sdks.iter().map(move |s| (s, c)))
    }

    /// Every denied permission or iOS key with the clause denying it.
    pub fn denials(&self) -> impl Iterator<Item = (&str, &Clause)> {
        self.clauses
            .iter()
            .flat_map(|c| c.denies.iter().map(move |d| (d.as_str(), c)))
    }

    /// Every declared data category with its clause.
    pub fn data_categories(&self) -> impl Iterator<Item = (&str, &Clause)> {
        self.clauses
            .iter()
            .flat_map(|c| c.data_categories.iter().map(move |d| (d.as_str(), c)))
    }

    /// The clause that enumerates permissions: the one declaring the most
    /// Android permissions and iOS usage keys (`None` if no clause does).
    pub fn permission_clause(&self) -> Option<&Clause> {
        self.clauses
            .iter()
            .filter(|c| !c.android_permissions.is_empty() || !c.ios_usage.is_empty())
            .max_by_key(|c| c.android_permissions.len() + c.ios_usage.len())
    }

    /// The clause that enumerates SDKs: the one declaring the most SDKs.
    pub fn sdk_clause(&self) -> Option<&Clause> {
        self.clauses
            .iter()
            .filter(|c| !c.sdks.is_empty())
            .max_by_key(|c| c.sdks.len())
    }
}
