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
    #[serde(default)]
    pub title: String,
    /// Fully-qualified Android permission names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub android_permissions: Vec<String>,
    /// iOS `NS*UsageDescription` keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ios_usage: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sdks: Vec<DeclaredSdk>,
    /// Data categories (`camera`, `location`, ...; see `rules/android-permissions.toml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
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
    pub code: String,
    pub subject: String,
    pub reason: String,
    /// ISO date `YYYY-MM-DD` after which the exception no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A declared policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Policy {
    pub name: String,
    /// File the policy came from (policy file, or the prose it was drafted from).
    pub source: String,
    pub clauses: Vec<Clause>,
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
