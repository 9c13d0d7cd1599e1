//! The store cross-check: the Google Play Data safety form and the Apple
//! privacy manifests (merged as Xcode's privacy report merges the app's and
//! every framework's `PrivacyInfo.xcprivacy`), joined per data type of
//! `rules/data-types.toml` with the policy and the build's evidence
//! (data-API call sites, SDK documented data, requested permissions).
//!
//! `data_safety` reads the export (a reader: facts only). [`check`] is a
//! diff stage, called by `scan::finish`: facts in, the side-by-side table
//! ([`StoreReport`]) and PS5xx findings out. It never reads files.

pub mod data_safety;
mod findings;
mod table;

pub use table::{Column, Table};

use crate::model::store::{DataSafety, StoreReport};
use crate::model::{Collect, Detection, Finding, IosFacts, Location};
use crate::policy::Policy;
use crate::rules::data_types::DataTypes;
use crate::rules::sdk::Catalog;

/// Everything the cross-check compares, borrowed from the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct StoreInputs<'a> {
    /// The Data safety export (`--data-safety`, or found in a source tree).
    pub data_safety: Option<&'a DataSafety>,
    /// The policy (given or drafted).
    pub policy: Option<&'a Policy>,
    /// iOS facts, for the privacy manifests.
    pub ios: Option<&'a IosFacts>,
    /// Requested `uses-permission` names with where they were seen.
    pub permissions: &'a [(String, Location)],
    /// SDKs detected in the build.
    pub sdks: &'a [Detection],
    /// Data-API call sites.
    pub collects: &'a [Collect],
    /// The SDK catalog (documented data, category).
    pub catalog: &'a Catalog,
}

/// `true` when there is something to cross-check: a Data safety export,
/// or an iOS build with at least one privacy manifest.
pub fn applies(inputs: &StoreInputs) -> bool {
    inputs.data_safety.is_some() || inputs.ios.is_some_and(|i| !i.privacy_manifests.is_empty())
}

/// Build the per-data-type table and the PS501..PS507 findings. `None`
/// when [`applies`] is false (no store declaration to compare).
pub fn check(inputs: &StoreInputs) -> Option<(StoreReport, Vec<Finding>)> {
    if !applies(inputs) {
        return None;
    }
    let vocab = DataTypes::embedded();
    let table = Table::build(inputs, vocab);
    let findings = findings::findings(&table, inputs, vocab);
    Some((table.report(inputs), findings))
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
