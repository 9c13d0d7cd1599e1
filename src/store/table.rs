//! The side-by-side table: per data type of `rules/data-types.toml`, what
//! the policy, the Data safety form, the privacy manifests (the app's and
//! the SDKs') and the build say, each mark with its note and location.

use super::StoreInputs;
use crate::model::Location;
use crate::model::store::{StoreCell, StoreReport, StoreRow};
use crate::rules::data_types::DataTypes;

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The privacy policy.
    Policy,
    /// The Play Data safety form.
    DataSafety,
    /// The merged privacy manifests.
    PrivacyManifest,
    /// Build evidence.
    Build,
}

/// One thing a column says about a data type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Short fact, e.g. `III.(D): location` or `code: android-id (app)`.
    pub note: String,
    /// Where it was seen.
    pub location: Location,
    /// Build evidence from code or SDK documented data (not a permission only).
    pub strong: bool,
    /// For privacy-manifest marks: from an SDK's manifest, not the app's.
    pub sdk: Option<String>,
}

/// The rows (one per vocabulary type, in vocabulary order) and the merged
/// privacy-manifest flags.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Per type: policy, Data safety, privacy manifest, build marks.
    pub rows: Vec<[Vec<Mark>; 4]>,
    /// Privacy manifests merged: `(entry, SDK name when an SDK's)`, app first.
    pub manifests: Vec<(String, Option<String>)>,
    /// Some manifest has `NSPrivacyTracking` true.
    pub tracking: bool,
    /// `NSPrivacyTrackingDomains` of every manifest: `(domain, entry)`.
    pub tracking_domains: Vec<(String, String)>,
    /// Data categories the policy mentions: `(category, clause id, line)`.
    pub policy_mentions: Vec<(String, String, Option<u32>)>,
}

/// The SDK a privacy manifest belongs to, by its path (`X.framework/`,
/// `X.bundle/`, `Pods/X/`...); `None` for the app's own manifest.
pub fn manifest_sdk(entry: &str) -> Option<String> {
    let parts: Vec<&str> = entry.split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        for ext in [".framework", ".xcframework", ".bundle"] {
            if let Some(name) = p.strip_suffix(ext) {
                return Some(name.to_owned());
            }
        }
        if matches!(*p, "Pods" | "SourcePackages" | "node_modules" | "Carthage")
            && let Some(next) = parts.get(i + 1)
            && i + 2 < parts.len()
        {
            return Some((*next).to_owned());
        }
    }
    None
}

impl Column {
    fn index(self) -> usize {
        match self {
            Column::Policy => 0,
            Column::DataSafety => 1,
            Column::PrivacyManifest => 2,
            Column::Build => 3,
        }
    }
}

impl Table {
    /// The marks of type `i` in `col`.
    pub fn marks(&self, i: usize, col: Column) -> &[Mark] {
        self.rows
            .get(i)
            .map(|r| r[col.index()].as_slice())
            .unwrap_or(&[])
    }

    fn push(&mut self, i: usize, col: Column, mark: Mark) {
        if let Some(r) = self.rows.get_mut(i) {
            let cell = &mut r[col.index()];
            if !cell.iter().any(|m| m.note == mark.note) {
                cell.push(mark);
            }
        }
    }

    /// Join the inputs over the vocabulary.
    pub fn build(inputs: &StoreInputs, vocab: &DataTypes) -> Table {
        let mut t = Table {
            rows: vec![Default::default(); vocab.types.len()],
            ..Table::default()
        };
        let mark = |note: String, location: Location| Mark {
            note,
            location,
            strong: false,
            sdk: None,
        };
        if let Some(p) = inputs.policy {
            let at = |clause: &crate::policy::Clause| Location {
                entry: p.source.clone(),
                detail: Some(format!("clause {}", clause.id)),
                line: clause.line,
            };
            for (cat, clause) in p.data_categories() {
                t.policy_mentions
                    .push((cat.to_owned(), clause.id.clone(), clause.line));
                for i in vocab.covered_by_policy(cat) {
                    t.push(
                        i,
                        Column::Policy,
                        mark(format!("{}: {cat}", clause.id), at(clause)),
                    );
                }
            }
            for (sdk, clause) in p.sdks() {
                for cat in &sdk.data {
                    t.policy_mentions
                        .push((cat.clone(), clause.id.clone(), clause.line));
                    for i in vocab.covered_by_policy(cat) {
                        let note = format!("{}: {} {cat}", clause.id, sdk.name);
                        t.push(i, Column::Policy, mark(note, at(clause)));
                    }
                }
            }
            for (perm, clause) in p.android_permissions() {
                for &i in vocab.by_permission(perm) {
                    let note = format!("{}: {}", clause.id, short_permission(perm));
                    t.push(i, Column::Policy, mark(note, at(clause)));
                }
            }
        }
        if let Some(ds) = inputs.data_safety {
            for ty in &ds.types {
                let Some(i) = vocab.by_play(&ty.id) else {
                    continue;
                };
                let mut how = Vec::new();
                if ty.collected {
                    how.push("collected".to_owned());
                }
                if ty.shared {
                    how.push("shared".to_owned());
                }
                if ty.ephemeral == Some(true) {
                    how.push("ephemeral".to_owned());
                }
                let purposes: Vec<&str> = ty
                    .purposes
                    .iter()
                    .map(|p| p.strip_prefix("PSL_").unwrap_or(p))
                    .collect();
                let mut note = format!("{} {}", ty.id, how.join(", "));
                if !purposes.is_empty() {
                    note.push_str(&format!(" ({})", purposes.join(", ")));
                }
                let loc = Location {
                    entry: ds.source.clone(),
                    detail: Some(format!("row {}", ty.row)),
                    line: None,
                };
                t.push(i, Column::DataSafety, mark(note.trim_end().to_owned(), loc));
            }
        }
        if let Some(ios) = inputs.ios {
            let mut manifests: Vec<_> = ios.privacy_manifests.iter().collect();
            manifests.sort_by_key(|m| manifest_sdk(&m.entry).is_some());
            for m in manifests {
                let sdk = manifest_sdk(&m.entry);
                t.manifests.push((m.entry.clone(), sdk.clone()));
                t.tracking |= m.tracking;
                for d in &m.tracking_domains {
                    t.tracking_domains.push((d.clone(), m.entry.clone()));
                }
                let who = sdk.clone().unwrap_or_else(|| "app".to_owned());
                let keys: Vec<(String, String)> = if m.collected.is_empty() {
                    m.collected_data_types
                        .iter()
                        .map(|k| (k.clone(), String::new()))
                        .collect()
                } else {
                    m.collected
                        .iter()
                        .map(|c| {
                            let mut f = Vec::new();
                            if c.linked == Some(true) {
                                f.push("linked".to_owned());
                            }
                            if c.tracking == Some(true) {
                                f.push("tracking".to_owned());
                            }
                            f.extend(c.purposes.iter().map(|p| {
                                p.strip_prefix("NSPrivacyCollectedDataTypePurpose")
                                    .unwrap_or(p)
                                    .to_owned()
                            }));
                            (c.data_type.clone(), f.join(", "))
                        })
                        .collect()
                };
                for (key, flags) in keys {
                    let Some(i) = vocab.by_apple(&key) else {
                        continue;
                    };
                    let short = key
                        .strip_prefix("NSPrivacyCollectedDataType")
                        .unwrap_or(&key);
                    let note = if flags.is_empty() {
                        format!("{who}: {short}")
                    } else {
                        format!("{who}: {short} ({flags})")
                    };
                    let loc = Location {
                        entry: m.entry.clone(),
                        detail: Some(key.clone()),
                        line: None,
                    };
                    t.push(
                        i,
                        Column::PrivacyManifest,
                        Mark {
                            sdk: sdk.clone(),
                            ..mark(note, loc)
                        },
                    );
                }
            }
        }
        for c in inputs.collects {
            let i = c
                .apple
                .as_deref()
                .and_then(|k| vocab.by_apple(k))
                .or_else(|| c.play.as_deref().and_then(|l| vocab.by_play_label(l)))
                .or_else(|| vocab.by_data(&c.data));
            let Some(i) = i else { continue };
            let who = c.sdk.as_deref().unwrap_or("app");
            let location = c
                .call_sites
                .first()
                .map(|s| Location {
                    entry: s.entry.clone(),
                    detail: Some(format!("{}->{}", s.class, s.method)),
                    line: None,
                })
                .unwrap_or_else(|| Location::entry(c.api.clone()));
            let note = format!("code: {} ({who}, {} call sites)", c.api_id, c.count);
            t.push(
                i,
                Column::Build,
                Mark {
                    strong: true,
                    ..mark(note, location)
                },
            );
        }
        for d in inputs.sdks {
            let Some(sdk) = inputs.catalog.sdk(&d.id) else {
                continue;
            };
            let location = d
                .evidence
                .first()
                .map(|e| e.location.clone())
                .unwrap_or_else(|| Location::entry(d.id.clone()));
            for cat in &sdk.data {
                let Some(i) = vocab.by_data(cat) else {
                    continue;
                };
                let note = format!("sdk: {} ({cat})", d.id);
                t.push(
                    i,
                    Column::Build,
                    Mark {
                        strong: true,
                        ..mark(note, location.clone())
                    },
                );
            }
        }
        for (perm, location) in inputs.permissions {
            for &i in vocab.by_permission(perm) {
                let note = format!("permission: {}", short_permission(perm));
                t.push(i, Column::Build, mark(note, location.clone()));
            }
        }
        t
    }

    /// The JSON/report form: rows any column mentions, in vocabulary order.
    pub fn report(&self, inputs: &StoreInputs) -> StoreReport {
        let vocab = DataTypes::embedded();
        let cell = |marks: &[Mark]| StoreCell {
            declared: !marks.is_empty(),
            notes: marks.iter().map(|m| m.note.clone()).collect(),
        };
        let rows = self
            .rows
            .iter()
            .zip(&vocab.types)
            .filter(|(r, _)| r.iter().any(|c| !c.is_empty()))
            .map(|(r, ty)| StoreRow {
                data_type: ty.id.clone(),
                label: ty.label.clone(),
                policy: inputs.policy.map(|_| cell(&r[0])),
                data_safety: inputs.data_safety.map(|_| cell(&r[1])),
                privacy_manifest: (!self.manifests.is_empty()).then(|| cell(&r[2])),
                build: cell(&r[3]),
            })
            .collect();
        let mut domains: Vec<String> = self.tracking_domains.iter().map(|d| d.0.clone()).collect();
        domains.sort();
        domains.dedup();
        StoreReport {
            data_safety: inputs.data_safety.cloned(),
            privacy_manifests: self.manifests.iter().map(|m| m.0.clone()).collect(),
            tracking: (!self.manifests.is_empty()).then_some(self.tracking),
            tracking_domains: domains,
            rows,
        }
    }
}

/// `android.permission.CAMERA` → `CAMERA`; other names as written.
pub fn short_permission(p: &str) -> &str {
    p.strip_prefix("android.permission.").unwrap_or(p)
}
