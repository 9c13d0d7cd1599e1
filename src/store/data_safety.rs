//! The Google Play Console Data safety export (Policy > App content > Data
//! safety > Export to CSV): one row per answer, five columns
//! `Question ID (machine readable)`, `Response ID (machine readable)`,
//! `Response value`, `Answer requirement`, `Human-friendly question label`.
//!
//! The rows privscan reads (ids as the Console writes them; the format
//! checked on real exports that open-source apps commit):
//! - `PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA` / `..._ENCRYPTED_IN_TRANSIT`:
//!   value `true` / `false` (any case) or empty;
//! - `PSL_DATA_TYPES_<CATEGORY>`, response `PSL_<TYPE>` (`PSL_DEVICE_ID`):
//!   value `true` when the type is collected or shared;
//! - `PSL_DATA_USAGE_RESPONSES:<TYPE>:<QUESTION>` with `<QUESTION>` one of
//!   `PSL_DATA_USAGE_COLLECTION_AND_SHARING` (responses
//!   `PSL_DATA_USAGE_ONLY_COLLECTED`, `PSL_DATA_USAGE_ONLY_SHARED`),
//!   `PSL_DATA_USAGE_EPHEMERAL`, `DATA_USAGE_USER_CONTROL` (responses
//!   `PSL_DATA_USAGE_USER_CONTROL_REQUIRED` / `_OPTIONAL`),
//!   `DATA_USAGE_COLLECTION_PURPOSE` and `DATA_USAGE_SHARING_PURPOSE`
//!   (responses `PSL_APP_FUNCTIONALITY`, `PSL_ANALYTICS`, ...).
//!
//! The account, deletion and badge questions are known and skipped. Any
//! other question id, an unknown type id, or a value that is not a boolean
//! where one is expected is kept in [`DataSafety::unknown`] and reported,
//! never an error. A file that is not CSV, lacks one of the five columns,
//! or has a row of the wrong width is an error naming the file and the row.

use crate::model::store::{DataSafety, DataSafetyType, UnknownAnswer};
use crate::rules::data_types::DataTypes;
use std::collections::BTreeMap;
use std::path::Path;

/// Largest export read (bytes); real exports are under 250 KB.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

pub use crate::model::store::DATA_SAFETY_COLUMNS as COLUMNS;

/// Question ids of the form that carry no data type (account creation,
/// deletion, families, security review, badges): known, not reported.
const OTHER_QUESTIONS: &[&str] = &[
    "PSL_SUPPORTED_ACCOUNT_CREATION_METHODS",
    "PSL_ACM_SPECIFY",
    "PSL_ACCOUNT_DELETION_URL",
    "PSL_SUPPORT_DATA_DELETION_BY_USER",
    "PSL_DATA_DELETION_URL",
    "PSL_DATA_COLLECTION_COMPLIES_FAMILY_POLICY",
    "PSL_INDEPENDENTLY_VALIDATED",
    "PSL_UPI_BADGE_OPT_IN",
    "PSL_HAS_OUTSIDE_APP_ACCOUNTS",
    "PSL_OUTSIDE_APP_ACCOUNT_TYPES",
    "PSL_OUTSIDE_APP_ACCOUNT_TYPE_SPECIFY",
];

/// Read an export from `path` (at most [`MAX_BYTES`]).
///
/// Errors (the message names the file): unreadable, too large, or
/// malformed (see [`parse`]).
pub fn read(path: &Path) -> Result<DataSafety, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "{shown}: Data safety export of {} bytes is over the {MAX_BYTES} byte cap",
            meta.len()
        ));
    }
    let data = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    parse(&data, &shown.to_string(), DataTypes::embedded())
}

/// The export a source tree commits: the first of `rels` (paths relative
/// to `root`, found by `source::discover`) that parses, named by its
/// relative path. A candidate that does not parse is an entry error of
/// `report` (never a silent skip); more than one export is noted too.
pub fn in_source_tree(
    root: &Path,
    rels: &[String],
    report: &mut crate::model::ArtifactReport,
) -> Option<DataSafety> {
    let mut found: Option<DataSafety> = None;
    for rel in rels {
        let parsed = std::fs::metadata(root.join(rel))
            .map_err(|e| e.to_string())
            .and_then(|m| {
                if m.len() > MAX_BYTES {
                    return Err(format!(
                        "Data safety export of {} bytes is over the {MAX_BYTES} byte cap",
                        m.len()
                    ));
                }
                std::fs::read(root.join(rel)).map_err(|e| e.to_string())
            })
            .and_then(|d| parse(&d, rel, DataTypes::embedded()));
        match parsed {
            Ok(ds) if found.is_none() => found = Some(ds),
            Ok(_) => report.entry_errors.push(crate::model::EntryError {
                entry: rel.clone(),
                message: format!(
                    "a second Data safety export; compared: {}",
                    found.as_ref().map(|f| f.source.as_str()).unwrap_or("")
                ),
            }),
            Err(e) => report.entry_errors.push(crate::model::EntryError {
                entry: rel.clone(),
                message: e.strip_prefix(&format!("{rel}: ")).unwrap_or(&e).to_owned(),
            }),
        }
    }
    found
}

fn boolean(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Parse export bytes; `source` names the file in errors and in the result.
///
/// Errors: no header or one of [`COLUMNS`] missing from it ("not a Play
/// Console Data safety export"), or a row the CSV reader rejects (an
/// unclosed quote, a row of another width), with its row and line.
pub fn parse(data: &[u8], source: &str, vocab: &DataTypes) -> Result<DataSafety, String> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(data);
    let header = rdr
        .byte_headers()
        .map_err(|e| format!("{source}: row 1: not CSV: {e}"))?
        .clone();
    let mut col = [0usize; 5];
    for (slot, name) in col.iter_mut().zip(COLUMNS) {
        *slot = header
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim() == name)
            .ok_or_else(|| {
                format!(
                    "{source}: row 1: not a Play Console Data safety export: the header has no {name:?} column (found: {})",
                    header
                        .iter()
                        .map(|h| format!("{:?}", String::from_utf8_lossy(h)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
    }
    let mut out = DataSafety {
        source: source.to_owned(),
        ..DataSafety::default()
    };
    let mut types: BTreeMap<String, (DataSafetyType, bool)> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    let mut row: u32 = 1;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(format!(
                    "{source}: row {}: malformed CSV (line {line}): {e}",
                    row.saturating_add(1)
                ));
            }
        }
        row = row.saturating_add(1);
        let field = |i: usize| {
            String::from_utf8_lossy(record.get(col[i]).unwrap_or_default())
                .trim()
                .to_owned()
        };
        let (q, r, v) = (field(0), field(1), field(2));
        let mut unknown = || {
            out.unknown.push(UnknownAnswer {
                row,
                question: q.clone(),
                response: r.clone(),
                value: v.clone(),
            })
        };
        let flag = boolean(&v);
        if !v.is_empty() && flag.is_none() && !q.ends_with("_URL") && !q.ends_with("_SPECIFY") {
            unknown();
            continue;
        }
        match q.as_str() {
            "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA" => out.collects_data = flag,
            "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT" => out.encrypted_in_transit = flag,
            q if OTHER_QUESTIONS.contains(&q) => {}
            q if q.starts_with("PSL_DATA_TYPES_") => {
                if vocab.by_play(&r).is_none() {
                    unknown();
                } else if flag == Some(true) {
                    let t = entry(&mut types, &r, row);
                    t.1 = true;
                }
            }
            q if q.starts_with("PSL_DATA_USAGE_RESPONSES:") => {
                let parts: Vec<&str> = q.split(':').collect();
                let [_, id, sub] = parts.as_slice() else {
                    unknown();
                    continue;
                };
                if vocab.by_play(id).is_none() {
                    unknown();
                    continue;
                }
                let known_sub = matches!(
                    (*sub, r.as_str()),
                    (
                        "PSL_DATA_USAGE_COLLECTION_AND_SHARING",
                        "PSL_DATA_USAGE_ONLY_COLLECTED" | "PSL_DATA_USAGE_ONLY_SHARED"
                    ) | ("PSL_DATA_USAGE_EPHEMERAL", "")
                        | (
                            "DATA_USAGE_USER_CONTROL",
                            "PSL_DATA_USAGE_USER_CONTROL_REQUIRED"
                                | "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL"
                        )
                        | (
                            "DATA_USAGE_COLLECTION_PURPOSE" | "DATA_USAGE_SHARING_PURPOSE",
                            _
                        )
                );
                if !known_sub {
                    unknown();
                    continue;
                }
                let Some(b) = flag else { continue };
                let (t, _) = entry(&mut types, id, row);
                match (*sub, r.as_str()) {
                    (_, "PSL_DATA_USAGE_ONLY_COLLECTED") => t.collected |= b,
                    (_, "PSL_DATA_USAGE_ONLY_SHARED") => t.shared |= b,
                    ("PSL_DATA_USAGE_EPHEMERAL", _) => t.ephemeral = Some(b),
                    (_, "PSL_DATA_USAGE_USER_CONTROL_REQUIRED") if b => t.required = Some(true),
                    (_, "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL") if b => t.required = Some(false),
                    ("DATA_USAGE_COLLECTION_PURPOSE", p) if b => t.purposes.push(p.to_owned()),
                    ("DATA_USAGE_SHARING_PURPOSE", p) if b => t.sharing_purposes.push(p.to_owned()),
                    _ => {}
                }
            }
            _ => unknown(),
        }
    }
    out.rows = row.saturating_sub(1);
    // A type is declared when its PSL_DATA_TYPES_* answer is true, or when
    // its usage answers say it is collected or shared.
    out.types = types
        .into_values()
        .filter(|(t, selected)| *selected || t.collected || t.shared)
        .map(|(t, _)| t)
        .collect();
    Ok(out)
}

fn entry<'a>(
    types: &'a mut BTreeMap<String, (DataSafetyType, bool)>,
    id: &str,
    row: u32,
) -> &'a mut (DataSafetyType, bool) {
    types.entry(id.to_owned()).or_insert_with(|| {
        (
            DataSafetyType {
                id: id.to_owned(),
                row,
                ..DataSafetyType::default()
            },
            false,
        )
    })
}

#[cfg(test)]
mod tests;
