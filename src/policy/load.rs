//! Policy file loading: the TOML a privacy or legal team writes (or that
//! `privscan policy extract` drafts), turned into a validated [`Policy`].
//!
//! Distrusted input: the whole file. It is size-capped, parsed with
//! `deny_unknown_fields` everywhere, and then validated: clause ids are
//! unique, `[[allow]]` codes exist in [`crate::findings`], `expires` is a
//! real `YYYY-MM-DD` date, and permission names are well-formed. Every error
//! names `file:line:column` and says what is wrong.
//!
//! Format (see `../shared/DESIGN.md`, "The declared policy"):
//!
//! ```toml
//! [policy]
//! name = "Example Live privacy policy"
//! source = "privacy-policy.txt"          # optional: the prose it describes
//!
//! [[clause]]
//! id = "III.(D)"
//! title = "Application Permissions"
//! android_permissions = ["CAMERA", "android.permission.RECORD_AUDIO"]
//! ios_usage = ["NSCameraUsageDescription"]
//! sdks = [{ name = "Firebase", vendor = "Google", data = ["device-id"], purpose = "analytics", id = "firebase-analytics" }]
//! data_categories = ["camera"]
//! denies = ["READ_CONTACTS", "NSContactsUsageDescription"]   # "we do not access your contacts" (PS105)
//!
//! [[allow]]
//! code = "PS101"
//! subject = "android.permission.READ_CONTACTS"
//! reason = "reviewed: contact picker only"
//! expires = "2027-01-31"                 # optional
//! ```
//!
//! Short permission names (`CAMERA`) are normalised to
//! `android.permission.CAMERA`, as `Manifest.permission` constants are in
//! that namespace; names containing a dot are kept as written.
//!
//! [`Policy::source`] is set to the policy file itself (the `source` argument),
//! because [`Clause::line`] points into that file; the `[policy] source` key
//! (the prose the policy describes) is validated but only kept as a comment
//! when written back by [`to_toml`].

use crate::findings::CODES;
use crate::findings::Code;
use crate::policy::model::{Allow, Clause, DeclaredSdk, Policy};
use crate::policy::typos::{ios_key_suggestion, permission_suggestion};
use crate::rules::permissions::PermissionCatalog;
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Largest policy file [`load`] reads (policies are a few KiB; this only
/// stops a wrong path such as an APK or `/dev/zero` from being slurped).
pub const MAX_POLICY_BYTES: u64 = 4 * 1024 * 1024;

/// Why a policy file could not be loaded. Every variant that concerns the
/// file's content carries its `file`, 1-based `line` and 1-based `column`
/// (in characters).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{file}: cannot read policy file: {source}")]
    Io {
        /// Path of the policy file as given.
        file: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_POLICY_BYTES`].
    #[error("{file}: policy file is {size} bytes, larger than the {max}-byte limit")]
    TooLarge {
        /// Path of the policy file as given.
        file: String,
        /// File size in bytes.
        size: u64,
        /// The cap, [`MAX_POLICY_BYTES`].
        max: u64,
    },
    /// The file is not UTF-8.
    #[error("{file}: policy file is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Path of the policy file as given.
        file: String,
        /// Byte offset of the first invalid UTF-8 byte.
        offset: usize,
    },
    /// TOML syntax error, unknown key, missing key or wrong value type, as
    /// reported by the TOML parser (an unknown key lists the allowed keys).
    #[error("{file}:{line}:{column}: {message}")]
    Toml {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the error.
        line: u32,
        /// 1-based column of the error, in characters.
        column: u32,
        /// The TOML parser's message.
        message: String,
    },
    /// Two `[[clause]]` tables share an `id`.
    #[error(
        "{file}:{line}:{column}: duplicate clause id `{id}`: already defined at line {first_line}"
    )]
    DuplicateClause {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the duplicate `id`.
        line: u32,
        /// 1-based column of the second `id` value, in characters.
        column: u32,
        /// The duplicated clause id.
        id: String,
        /// 1-based line of the first `id` with that value.
        first_line: u32,
    },
    /// A clause `id` is empty.
    #[error("{file}:{line}:{column}: clause id is empty")]
    EmptyClauseId {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the empty `id`.
        line: u32,
        /// 1-based column of the empty `id`, in characters.
        column: u32,
    },
    /// An `[[allow]]` names a code privscan does not have.
    #[error(
        "{file}:{line}:{column}: [[allow]] code `{code}` is not a privscan finding code (known codes: {known})"
    )]
    UnknownCode {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the `code` value.
        line: u32,
        /// 1-based column of the `code` value, in characters.
        column: u32,
        /// The code as written.
        code: String,
        /// Every known code, comma-separated.
        known: String,
    },
    /// An `[[allow]]` has an empty `subject`.
    #[error(
        "{file}:{line}:{column}: [[allow]] subject is empty (name the permission, SDK id or key the exception covers)"
    )]
    EmptySubject {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the `[[allow]]` entry's `subject`.
        line: u32,
        /// 1-based column, in characters.
        column: u32,
    },
    /// `expires` is not a valid `YYYY-MM-DD` calendar date.
    #[error("{file}:{line}:{column}: expires `{value}` is not a date in YYYY-MM-DD form ({why})")]
    BadDate {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the `expires` value.
        line: u32,
        /// 1-based column of the `expires` value, in characters.
        column: u32,
        /// The `expires` value as written.
        value: String,
        /// Why it is not a date (wrong form, month out of range, day not in that month).
        why: &'static str,
    },
    /// A permission name is malformed.
    #[error("{file}:{line}:{column}: `{value}` is not a valid Android permission name ({why})")]
    BadPermission {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the permission name.
        line: u32,
        /// 1-based column of the permission name, in characters.
        column: u32,
        /// The permission name as written.
        value: String,
        /// Why it is malformed (empty, empty dot segment, bad character...).
        why: &'static str,
    },
    /// A permission or iOS usage key that is not a known name but is one or
    /// two edits from one (`CAMRA`): it would declare nothing.
    #[error(
        "{file}:{line}:{column}: `{value}` is not a known {what}; did you mean `{suggestion}`?"
    )]
    Misspelled {
        /// Path of the policy file as given.
        file: String,
        /// 1-based line of the name.
        line: u32,
        /// 1-based column of the name, in characters.
        column: u32,
        /// The name as written.
        value: String,
        /// `Android permission` or `iOS usage key`.
        what: &'static str,
        /// The known name it is closest to.
        suggestion: String,
    },
}

impl PolicyError {
    /// The 1-based line the error points at, when it concerns the content.
    pub fn line(&self) -> Option<u32> {
        match self {
            PolicyError::Io { .. } | PolicyError::TooLarge { .. } | PolicyError::NotUtf8 { .. } => {
                None
            }
            PolicyError::Toml { line, .. }
            | PolicyError::DuplicateClause { line, .. }
            | PolicyError::EmptyClauseId { line, .. }
            | PolicyError::UnknownCode { line, .. }
            | PolicyError::EmptySubject { line, .. }
            | PolicyError::BadDate { line, .. }
            | PolicyError::BadPermission { line, .. }
            | PolicyError::Misspelled { line, .. } => Some(*line),
        }
    }

    /// The 1-based column the error points at, when it concerns the content.
    pub fn column(&self) -> Option<u32> {
        match self {
            PolicyError::Io { .. } | PolicyError::TooLarge { .. } | PolicyError::NotUtf8 { .. } => {
                None
            }
            PolicyError::Toml { column, .. }
            | PolicyError::DuplicateClause { column, .. }
            | PolicyError::EmptyClauseId { column, .. }
            | PolicyError::UnknownCode { column, .. }
            | PolicyError::EmptySubject { column, .. }
            | PolicyError::BadDate { column, .. }
            | PolicyError::BadPermission { column, .. }
            | PolicyError::Misspelled { column, .. } => Some(*column),
        }
    }
}

// ---- raw (spanned) file layout -------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    policy: RawHeader,
    #[serde(default)]
    clause: Vec<Spanned<RawClause>>,
    #[serde(default)]
    allow: Vec<Spanned<RawAllow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    #[serde(default)]
    #[allow(dead_code)] // validated as a string; see the module doc
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClause {
    id: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    android_permissions: Vec<Spanned<String>>,
    #[serde(default)]
    ios_usage: Vec<Spanned<String>>,
    #[serde(default)]
    sdks: Vec<RawSdk>,
    #[serde(default)]
    data_categories: Vec<String>,
    #[serde(default)]
    denies: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSdk {
    name: String,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    data: Vec<String>,
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    code: Spanned<String>,
    subject: Spanned<String>,
    reason: String,
    #[serde(default)]
    expires: Option<Spanned<String>>,
}

// ---- positions -------------------------------------------------------------------

/// 1-based (line, column) of byte `offset` in `text`; columns count chars.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    // Back off to a char boundary so the slice below cannot fail.
    let mut end = offset;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or("");
    let line = before
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        .saturating_add(1);
    let line_start = before.rfind('\n').map_or(0, |i| i.saturating_add(1));
    let column = before
        .get(line_start..)
        .map_or(0, |s| s.chars().count())
        .saturating_add(1);
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: &Range<usize>) -> (String, u32, u32) {
        let (line, column) = line_col(self.text, span.start);
        (self.file.to_owned(), line, column)
    }
}

// ---- public API ------------------------------------------------------------------

/// Read and parse the policy file at `path` (at most [`MAX_POLICY_BYTES`]).
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| PolicyError::Io {
        file: file.clone(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Read one byte past the cap so an oversize file is detected without
    // trusting metadata (which is 0 for pipes and some special files).
    f.take(MAX_POLICY_BYTES.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            file,
            size,
            max: MAX_POLICY_BYTES,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| PolicyError::NotUtf8 {
        file: file.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    parse(&text, &file)
}

/// Parse policy-file `text`; `source` names the file in errors and becomes
/// [`Policy::source`]. Short permission names are normalised, each clause's
/// 1-based [`Clause::line`] is recorded (the line of its `[[clause]]` header).
pub fn parse(text: &str, source: &str) -> Result<Policy, PolicyError> {
    let ctx = Ctx { text, file: source };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        PolicyError::Toml {
            file: source.to_owned(),
            line,
            column,
            message: e.message().trim_end().to_owned(),
        }
    })?;

    let mut clauses = Vec::with_capacity(raw.clause.len());
    let mut seen: HashMap<String, u32> = HashMap::new();
    for spanned in raw.clause {
        let table_span = spanned.span();
        let rc = spanned.into_inner();
        let id_span = rc.id.span();
        let id = rc.id.into_inner().trim().to_owned();
        if id.is_empty() {
            let (file, line, column) = ctx.at(&id_span);
            return Err(PolicyError::EmptyClauseId { file, line, column });
        }
        // toml spans an array-of-tables element from its `[[clause]]` header.
        let (_, clause_line, _) = ctx.at(&table_span);
        let (file, id_line, column) = ctx.at(&id_span);
        if let Some(&first_line) = seen.get(&id) {
            return Err(PolicyError::DuplicateClause {
                file,
                line: id_line,
                column,
                id,
                first_line,
            });
        }
        seen.insert(id.clone(), id_line);

        let mut android_permissions = Vec::with_capacity(rc.android_permissions.len());
        for p in rc.android_permissions {
            let span = p.span();
            let name = normalize_permission(p.get_ref()).map_err(|why| {
                let (file, line, column) = ctx.at(&span);
                PolicyError::BadPermission {
                    file,
                    line,
                    column,
                    value: p.get_ref().clone(),
                    why,
                }
            })?;
            if let Some(suggestion) = permission_suggestion(&name, PermissionCatalog::embedded()) {
                let (file, line, column) = ctx.at(&span);
                return Err(PolicyError::Misspelled {
                    file,
                    line,
                    column,
                    value: p.get_ref().clone(),
                    what: "Android permission",
                    suggestion,
                });
            }
            if !android_permissions.contains(&name) {
                android_permissions.push(name);
            }
        }
        // `denies`: iOS usage keys as written, Android permissions
        // normalised like `android_permissions`.
        let mut denies: Vec<String> = Vec::with_capacity(rc.denies.len());
        for d in rc.denies {
            let raw = d.get_ref().trim();
            let name = if raw.ends_with("UsageDescription") {
                raw.to_owned()
            } else {
                let span = d.span();
                normalize_permission(raw).map_err(|why| {
                    let (file, line, column) = ctx.at(&span);
                    PolicyError::BadPermission {
                        file,
                        line,
                        column,
                        value: d.get_ref().clone(),
                        why,
                    }
                })?
            };
            if !denies.contains(&name) {
                denies.push(name);
            }
        }
        let mut ios_usage = Vec::with_capacity(rc.ios_usage.len());
        for k in rc.ios_usage {
            let span = k.span();
            let key = k.get_ref().trim().to_owned();
            if let Some(suggestion) = ios_key_suggestion(&key) {
                let (file, line, column) = ctx.at(&span);
                return Err(PolicyError::Misspelled {
                    file,
                    line,
                    column,
                    value: key,
                    what: "iOS usage key",
                    suggestion,
                });
            }
            ios_usage.push(key);
        }
        clauses.push(Clause {
            id,
            title: rc.title,
            denies,
            android_permissions,
            ios_usage,
            sdks: rc
                .sdks
                .into_iter()
                .map(|s| DeclaredSdk {
                    name: s.name,
                    vendor: s.vendor,
                    data: s.data,
                    purpose: s.purpose,
                    id: s.id,
                })
                .collect(),
            data_categories: rc
                .data_categories
                .into_iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .collect(),
            span: None,
            line: Some(clause_line),
        });
    }

    let mut allow = Vec::with_capacity(raw.allow.len());
    for spanned in raw.allow {
        let ra = spanned.into_inner();
        let code_span = ra.code.span();
        let code = ra.code.into_inner().trim().to_ascii_uppercase();
        if Code::from_id(&code).is_none() {
            let (file, line, column) = ctx.at(&code_span);
            let known = CODES.iter().map(|c| c.id).collect::<Vec<_>>().join(", ");
            return Err(PolicyError::UnknownCode {
                file,
                line,
                column,
                code,
                known,
            });
        }
        let subject_span = ra.subject.span();
        let mut subject = ra.subject.into_inner().trim().to_owned();
        if subject.is_empty() {
            let (file, line, column) = ctx.at(&subject_span);
            return Err(PolicyError::EmptySubject { file, line, column });
        }
        // Permission findings use fully-qualified names as subjects.
        if matches!(code.as_str(), "PS101" | "PS103" | "PS104") && !subject.contains('.') {
            subject = normalize_permission(&subject).map_err(|why| {
                let (file, line, column) = ctx.at(&subject_span);
                PolicyError::BadPermission {
                    file,
                    line,
                    column,
                    value: subject.clone(),
                    why,
                }
            })?;
        }
        let expires = match ra.expires {
            None => None,
            Some(e) => {
                let span = e.span();
                let value = e.into_inner();
                if let Err(why) = check_date(&value) {
                    let (file, line, column) = ctx.at(&span);
                    return Err(PolicyError::BadDate {
                        file,
                        line,
                        column,
                        value,
                        why,
                    });
                }
                Some(value)
            }
        };
        allow.push(Allow {
            code,
            subject,
            reason: ra.reason,
            expires,
        });
    }

    Ok(Policy {
        name: raw.policy.name,
        source: source.to_owned(),
        clauses,
        allow,
    })
}

/// `CAMERA` → `android.permission.CAMERA`; dotted names unchanged.
/// Errors say why a name is rejected.
pub fn normalize_permission(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    if name.is_empty() {
        return Err("empty");
    }
    if !name.contains('.') {
        if !name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            || !name.starts_with(|c: char| c.is_ascii_uppercase())
        {
            return Err(
                "a short name must be a Manifest.permission constant such as CAMERA; write other permissions fully qualified",
            );
        }
        return Ok(format!("android.permission.{name}"));
    }
    for segment in name.split('.') {
        if segment.is_empty() {
            return Err("empty segment between dots");
        }
        if !segment.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err("each dot-separated segment must start with a letter or `_`");
        }
        if !segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err("only ASCII letters, digits, `_`, `-` and dots are allowed");
        }
    }
    Ok(name.to_owned())
}

/// Check `YYYY-MM-DD` (proleptic Gregorian).
pub fn check_date(value: &str) -> Result<(), &'static str> {
    let b = value.as_bytes();
    let shape_ok = b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("expected four-digit year, two-digit month and day, e.g. 2027-01-31");
    }
    let num = |r: Range<usize>| {
        value
            .get(r)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err("month must be 01-12");
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err("day does not exist in that month");
    }
    Ok(())
}

/// Write `policy` in the policy-file format [`parse`] reads. Clause lines
/// and prose spans are not part of the format; a clause drafted from prose
/// gets a comment naming its line in [`Policy::source`].
pub fn to_toml(policy: &Policy) -> String {
    let mut out = String::new();
    out.push_str("[policy]\n");
    kv(&mut out, "name", &policy.name);
    if !policy.source.is_empty() {
        kv(&mut out, "source", &policy.source);
    }
    for c in &policy.clauses {
        out.push('\n');
        if let Some(line) = c.line.filter(|_| c.span.is_some()) {
            out.push_str(&format!("# {}:{line}\n", comment_safe(&policy.source)));
        }
        out.push_str("[[clause]]\n");
        kv(&mut out, "id", &c.id);
        kv(&mut out, "title", &c.title);
        list(&mut out, "android_permissions", &c.android_permissions);
        list(&mut out, "ios_usage", &c.ios_usage);
        list(&mut out, "denies", &c.denies);
        if !c.sdks.is_empty() {
            out.push_str("sdks = [\n");
            for s in &c.sdks {
                out.push_str("    { name = ");
                out.push_str(&quote(&s.name));
                if let Some(v) = &s.vendor {
                    out.push_str(", vendor = ");
                    out.push_str(&quote(v));
                }
                if !s.data.is_empty() {
                    out.push_str(", data = ");
                    out.push_str(&inline_list(&s.data));
                }
                if let Some(p) = &s.purpose {
                    out.push_str(", purpose = ");
                    out.push_str(&quote(p));
                }
                if let Some(id) = &s.id {
                    out.push_str(", id = ");
                    out.push_str(&quote(id));
                }
                out.push_str(" },\n");
            }
            out.push_str("]\n");
        }
        list(&mut out, "data_categories", &c.data_categories);
    }
    for a in &policy.allow {
        out.push_str("\n[[allow]]\n");
        kv(&mut out, "code", &a.code);
        kv(&mut out, "subject", &a.subject);
        kv(&mut out, "reason", &a.reason);
        if let Some(e) = &a.expires {
            kv(&mut out, "expires", e);
        }
    }
    out
}

fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn kv(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

fn list(out: &mut String, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    out.push_str(key);
    out.push_str(" = ");
    if values.len() <= 3 {
        out.push_str(&inline_list(values));
        out.push('\n');
    } else {
        out.push_str("[\n");
        for v in values {
            out.push_str("    ");
            out.push_str(&quote(v));
            out.push_str(",\n");
        }
        out.push_str("]\n");
    }
}

fn inline_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML basic string with every character TOML requires escaped.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len().saturating_add(2));
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if c.is_control() => q.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncé d\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // `é` is bytes 4..6; byte 6 is the space after it, char column 3.
        assert_eq!(line_col(t, 6), (2, 3));
        // Inside a multi-byte char: backs off to its start.
        assert_eq!(line_col(t, 5), (2, 2));
        assert_eq!(line_col(t, 1000), (3, 1));
    }

    #[test]
    fn dates() {
        assert!(check_date("2024-02-29").is_ok());
        assert_eq!(
            check_date("2023-02-29"),
            Err("day does not exist in that month")
        );
        assert_eq!(check_date("2023-13-01"), Err("month must be 01-12"));
        assert!(check_date("2023-1-01").is_err());
        assert!(check_date("2023/01/01").is_err());
        assert!(check_date("1900-02-29").is_err());
        assert!(check_date("2000-02-29").is_ok());
    }

    #[test]
    fn permission_names() {
        assert_eq!(
            normalize_permission("CAMERA").as_deref(),
            Ok("android.permission.CAMERA")
        );
        assert_eq!(
            normalize_permission("com.google.android.c2dm.permission.RECEIVE").as_deref(),
            Ok("com.google.android.c2dm.permission.RECEIVE")
        );
        assert!(normalize_permission("camera").is_err());
        assert!(normalize_permission("android..CAMERA").is_err());
        assert!(normalize_permission("android.permission.CAM ERA").is_err());
        assert!(normalize_permission("").is_err());
    }

    #[test]
    fn quote_escapes_round_trip() {
        let s = "a \"b\" \\ c\nd\u{1}";
        let doc = format!("v = {}", quote(s));
        let v: toml::Table = toml::from_str(&doc).unwrap();
        assert_eq!(v.get("v").and_then(|x| x.as_str()), Some(s));
    }
}
