//! Property lists: `Info.plist` (binary, XML and ASCII/OpenStep, via the
//! `plist` crate's event reader) and `*.lproj/InfoPlist.strings` (our own
//! bounded `"key" = "value";` parser, or a binary plist as Xcode compiles it).
//!
//! Distrusts: everything. Binary plists may hold reference cycles, offsets
//! outside the object table and deep nesting (research/hostile-inputs.md P2);
//! the `plist` crate rejects cycles (`RecursiveObject`) and bad offsets, and
//! this module builds the value tree itself from the event stream so that it
//! can cap nesting depth (`Limits::max_depth`) and the event count (shared,
//! non-cyclic references can expand a small file exponentially). Duplicate
//! dict keys: last wins, as CoreFoundation/PlistBuddy do for XML (P3); the
//! duplicated root keys are reported.
//!
//! Format facts: Apple "Information Property List" reference
//! (developer.apple.com/documentation/bundleresources/information-property-list),
//! CoreFoundation `CFBinaryPList.c`, and Apple's "String Resources" (.strings) format.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use std::io::Cursor;

pub mod bplist;
pub mod tamper;

use plist::{Dictionary, Value};

use crate::limits::Limits;

/// Most events (values + collection ends) read from one plist. A binary plist
/// can reference one collection many times; this bounds the expanded size.
pub const MAX_EVENTS: u64 = 2_000_000;

/// Most bytes of values built from one plist: each value costs
/// `size_of::<Value>()` plus its string/data/key bytes. A binary plist may
/// reference one large string from many places (CoreFoundation shares the
/// object, `CFBinaryPList.c` `__CFBinaryPlistCreateObjectFiltered` caches it
/// by offset); `plist::Value` has no sharing, so every reference is a copy and
/// this budget stops the expansion (a 1.6 KB file otherwise reaches GBs).
/// Together with one plist per worker at a time, memory per artifact is
/// bounded by this number.
pub const MAX_VALUE_BYTES: u64 = 64 * 1024 * 1024;

/// Names of the plist caps, as their errors end (`"... (max_plist_values)"`),
/// so that [`crate::limits::cap_named_in`] turns a hit into PS905.
pub const CAP_NAMES: &[&str] = crate::limits::PLIST_CAP_NAMES;

/// Largest `.strings` file read (bytes).
pub const MAX_STRINGS_BYTES: usize = 4 * 1024 * 1024;

/// Encoding a plist was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlistFormat {
    /// `bplist00`.
    Binary,
    /// XML (`<?xml ...?><plist>`).
    Xml,
    /// OpenStep / ASCII (`{ key = value; }`), or anything else the crate accepted.
    Ascii,
}

impl PlistFormat {
    /// `binary`, `xml`, `ascii`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlistFormat::Binary => "binary",
            PlistFormat::Xml => "xml",
            PlistFormat::Ascii => "ascii",
        }
    }
}

/// Why a plist or `.strings` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlistError {
    /// The `plist` crate rejected the bytes (bad trailer, offset out of range,
    /// reference cycle, malformed XML...).
    #[error("invalid {format} plist: {message}")]
    Syntax {
        /// `binary`, `xml` or `ascii`.
        format: &'static str,
        /// The `plist` crate's message.
        message: String,
    },
    /// Nesting deeper than `Limits::max_depth`.
    #[error("plist nests arrays/dicts deeper than {cap} levels (max_depth) at event {event}")]
    TooDeep {
        /// `Limits::max_depth`.
        cap: u32,
        /// Index of the parser event at which the cap was hit.
        event: u64,
    },
    /// More than `MAX_EVENTS` values.
    #[error(
        "plist expands to more than {cap} values (shared references or a huge file) (max_plist_values)"
    )]
    TooManyValues {
        /// `MAX_EVENTS`.
        cap: u64,
    },
    /// The values built would take more than `MAX_VALUE_BYTES`.
    #[error(
        "plist expands to more than {cap} bytes of values (shared references to large objects) (max_plist_bytes)"
    )]
    TooLarge {
        /// `MAX_VALUE_BYTES`.
        cap: u64,
    },
    /// The root is not a dictionary where one is required.
    #[error("plist root is {found}, expected a dictionary")]
    RootNotDict {
        /// Type of the root value, e.g. `array`, `string`.
        found: &'static str,
    },
    /// The event stream ended early or was inconsistent.
    #[error("plist event stream is inconsistent: {message}")]
    Structure {
        /// What was inconsistent.
        message: String,
    },
    /// A binary plist's trailer or offset table is out of range, or an
    /// object offset lies outside `[8, offsetTableOffset)` (CoreFoundation
    /// `__CFBinaryPlistGetTopLevelInfo` rejects these).
    #[error("binary plist: {message}")]
    BinaryLayout {
        /// Which table or offset is out of range.
        message: String,
    },
    /// A `.strings` file could not be decoded.
    #[error("invalid .strings file at byte {offset}: {message}")]
    Strings {
        /// Byte offset of the problem in the `.strings` file.
        offset: usize,
        /// What is wrong (bad escape, unterminated string, file too large...).
        message: String,
    },
}

/// Detects the storage format from the first bytes.
pub fn detect_format(data: &[u8]) -> PlistFormat {
    if data.starts_with(b"bplist00") {
        PlistFormat::Binary
    } else {
        let head = data.get(..data.len().min(512)).unwrap_or(&[]);
        let trimmed: Vec<u8> = head
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace() && *b != 0)
            .collect();
        if trimmed.starts_with(b"<") || trimmed.starts_with(b"\xef\xbb\xbf<") {
            PlistFormat::Xml
        } else {
            PlistFormat::Ascii
        }
    }
}

/// Name of a value's type for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an array",
        Value::Dictionary(_) => "a dictionary",
        Value::Boolean(_) => "a boolean",
        Value::Data(_) => "data",
        Value::Date(_) => "a date",
        Value::Real(_) => "a real",
        Value::Integer(_) => "an integer",
        Value::String(_) => "a string",
        Value::Uid(_) => "a UID",
        _ => "an unknown value",
    }
}

/// Shared state of one bounded parse: event count and duplicate root keys.
struct BuildState {
    events: std::cell::Cell<u64>,
    bytes: std::cell::Cell<u64>,
    max_depth: u32,
    root_dups: std::cell::RefCell<Vec<String>>,
}

/// A serde seed that builds a `plist::Value` one level at a time, failing
/// past `max_depth` or `MAX_EVENTS` instead of recursing without bound.
struct Seed<'s> {
    state: &'s BuildState,
    depth: u32,
}

const TOO_DEEP: &str = "privscan: nesting over max_depth";

/// Deepest plist nesting read whatever `Limits::max_depth` says: the
/// `plist` crate builds values recursively, so the depth must stay within
/// a thread's stack (`max_depth` defaults to 1024 for binary manifests).
const PLIST_MAX_DEPTH: u32 = 256;
const TOO_MANY: &str = "privscan: too many values";
const TOO_LARGE: &str = "privscan: values too large";

impl Seed<'_> {
    fn tick(&self) -> Result<(), String> {
        self.tick_bytes(0)
    }
    /// Counts one value with `payload` bytes of string/data/key.
    fn tick_bytes(&self, payload: usize) -> Result<(), String> {
        let n = self.state.events.get().saturating_add(1);
        self.state.events.set(n);
        let cost = (std::mem::size_of::<Value>() as u64).saturating_add(payload as u64);
        let b = self.state.bytes.get().saturating_add(cost);
        self.state.bytes.set(b);
        if n > MAX_EVENTS {
            Err(TOO_MANY.to_owned())
        } else if b > MAX_VALUE_BYTES {
            Err(TOO_LARGE.to_owned())
        } else {
            Ok(())
        }
    }
    fn child(&self) -> Result<Seed<'_>, String> {
        let depth = self.depth.saturating_add(1);
        if depth > self.state.max_depth {
            return Err(TOO_DEEP.to_owned());
        }
        Ok(Seed {
            state: self.state,
            depth,
        })
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Seed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a plist value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.tick().map_err(E::custom)?;
        Ok(Value::Boolean(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.tick().map_err(E::custom)?;
        Ok(Value::Integer(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.tick().map_err(E::custom)?;
        Ok(Value::Integer(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.tick().map_err(E::custom)?;
        Ok(Value::Real(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.tick_bytes(v.len()).map_err(E::custom)?;
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.tick_bytes(v.len()).map_err(E::custom)?;
        Ok(Value::String(v))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Value, E> {
        self.tick_bytes(v.len()).map_err(E::custom)?;
        Ok(Value::Data(v.to_vec()))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        self.tick_bytes(v.len()).map_err(E::custom)?;
        Ok(Value::Data(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        self.tick().map_err(A::Error::custom)?;
        let child = self.child().map_err(A::Error::custom)?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed {
            state: child.state,
            depth: child.depth,
        })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        self.tick().map_err(A::Error::custom)?;
        let child = self.child().map_err(A::Error::custom)?;
        let mut out = Dictionary::new();
        while let Some(k) = map.next_key::<String>()? {
            child.tick_bytes(k.len()).map_err(A::Error::custom)?;
            let v = map.next_value_seed(Seed {
                state: child.state,
                depth: child.depth,
            })?;
            if self.depth == 0 && out.contains_key(&k) {
                let mut dups = self.state.root_dups.borrow_mut();
                if !dups.contains(&k) {
                    dups.push(k.clone());
                }
            }
            out.insert(k, v);
        }
        Ok(Value::Dictionary(out))
    }
}

/// Parses any plist into a value tree, with the depth and size caps described
/// in the module docs. Returns the value, the format, and the keys of the
/// root dictionary that occurred more than once (last value kept). A binary
/// plist whose shared objects do not fit `MAX_VALUE_BYTES` once copied is
/// `TooLarge` here; [`parse_value_partial`] returns what fits instead.
pub fn parse_value(
    data: &[u8],
    limits: &Limits,
) -> Result<(Value, PlistFormat, Vec<String>), PlistError> {
    let (v, f, dups, collapsed) = parse_value_partial(data, limits)?;
    if !collapsed.is_empty() {
        return Err(PlistError::TooLarge {
            cap: MAX_VALUE_BYTES,
        });
    }
    Ok((v, f, dups))
}

/// [`parse_value`], except that a `bplist00` file is read by our own
/// reader ([`bplist`]), which keeps shared objects shared and
/// splits `MAX_VALUE_BYTES` fairly between the root keys: the fourth
/// element names the root keys whose shared copies did not fit their share
/// (their values are complete up to it, the rest empty).
pub fn parse_value_partial(
    data: &[u8],
    limits: &Limits,
) -> Result<(Value, PlistFormat, Vec<String>, Vec<String>), PlistError> {
    if data.starts_with(b"bplist00") {
        let p = bplist::parse(data, limits, MAX_VALUE_BYTES)?;
        return Ok((
            p.value,
            PlistFormat::Binary,
            p.duplicate_keys,
            p.collapsed_keys,
        ));
    }
    parse_value_events(data, limits).map(|(v, f, d)| (v, f, d, Vec::new()))
}

/// The `plist` crate's event reader under the caps (XML, ASCII, UTF-16 XML,
/// and binary versions other than `bplist00`).
fn parse_value_events(
    data: &[u8],
    limits: &Limits,
) -> Result<(Value, PlistFormat, Vec<String>), PlistError> {
    if let Some(utf8) = utf16_xml_as_utf8(data) {
        return parse_value_events(&utf8, limits);
    }
    let format = detect_format(data);
    let state = BuildState {
        events: std::cell::Cell::new(0),
        bytes: std::cell::Cell::new(0),
        max_depth: limits.max_depth.min(PLIST_MAX_DEPTH),
        root_dups: std::cell::RefCell::new(Vec::new()),
    };
    // `plist::from_reader` only takes `DeserializeOwned` types, so the caps
    // reach the seed through a thread-local for the duration of this call.
    PARSE_STATE.with(|s| s.replace(Some(state)));
    let result = plist::from_reader::<_, Bounded>(Cursor::new(data));
    let state = PARSE_STATE.with(|s| s.take());
    let events = state.as_ref().map_or(0, |s| s.events.get());
    match result {
        Ok(Bounded(v)) => Ok((
            v,
            format,
            state.map(|s| s.root_dups.into_inner()).unwrap_or_default(),
        )),
        Err(e) => {
            let message = e.to_string();
            if message.contains(TOO_DEEP) {
                Err(PlistError::TooDeep {
                    cap: limits.max_depth.min(PLIST_MAX_DEPTH),
                    event: events,
                })
            } else if message.contains(TOO_MANY) {
                Err(PlistError::TooManyValues { cap: MAX_EVENTS })
            } else if message.contains(TOO_LARGE) {
                Err(PlistError::TooLarge {
                    cap: MAX_VALUE_BYTES,
                })
            } else {
                Err(PlistError::Syntax {
                    format: format.as_str(),
                    message,
                })
            }
        }
    }
}

/// A UTF-16 XML plist (BOM `FF FE` or `FE FF`) re-encoded as UTF-8, with its
/// `encoding="UTF-16"` declaration rewritten; `None` for anything else.
/// CoreFoundation reads these: `CFPropertyList.c` detects the encoding from
/// the BOM / XML declaration before parsing (`__CFPropertyListCreateFromXMLData`
/// converts non-UTF-8 XML to UTF-8 first). The plist crate only reads UTF-8.
/// An odd trailing byte or an unpaired surrogate is replaced (U+FFFD), so the
/// XML parser reports the error at its place instead of here.
fn utf16_xml_as_utf8(data: &[u8]) -> Option<Vec<u8>> {
    let (body, le) = match data {
        [0xff, 0xfe, rest @ ..] => (rest, true),
        [0xfe, 0xff, rest @ ..] => (rest, false),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| match c {
        [a, b] if le => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if !text.trim_start().starts_with('<') {
        return None;
    }
    // Rewrite the declaration's encoding, only inside `<?xml ... ?>`.
    let text = match (text.find("<?xml"), text.find("?>")) {
        (Some(a), Some(b)) if a < b => {
            let (decl, rest) = text.split_at(b);
            let lower = decl.to_ascii_lowercase();
            let decl = match lower.find("utf-16") {
                Some(at) => {
                    let end = at + "utf-16".len();
                    let skip = lower.get(end..).map_or(0, |t| {
                        if t.starts_with("le") || t.starts_with("be") {
                            2
                        } else {
                            0
                        }
                    });
                    format!(
                        "{}UTF-8{}",
                        decl.get(..at).unwrap_or(""),
                        decl.get(end + skip..).unwrap_or("")
                    )
                }
                None => decl.to_owned(),
            };
            format!("{decl}{rest}")
        }
        _ => text,
    };
    Some(text.into_bytes())
}

/// Checks a binary plist's trailer and offset table the way CoreFoundation
/// does before any object is read: sizes in {1, 2, 3, 4, 8} (3 as written by
/// some encoders, hostile-inputs P1), the table inside the file, the top
/// object inside the table, and every object offset in `[8, offsetTableOffset)`.
pub fn check_binary_layout(data: &[u8]) -> Result<(), PlistError> {
    let bad = |message: String| PlistError::BinaryLayout { message };
    let len = data.len();
    let trailer_at = len
        .checked_sub(32)
        .filter(|t| *t >= 8)
        .ok_or_else(|| bad(format!("{len} bytes is too short")))?;
    let trailer = data
        .get(trailer_at..)
        .ok_or_else(|| bad("no trailer".into()))?;
    let be = |b: &[u8]| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
    let field = |from: usize, to: usize| trailer.get(from..to).map(be).unwrap_or(0);
    let offset_size = field(6, 7);
    let num_objects = field(8, 16);
    let top = field(16, 24);
    let table_off = field(24, 32);
    if !matches!(offset_size, 1 | 2 | 3 | 4 | 8) {
        return Err(bad(format!(
            "trailer offsetIntSize {offset_size} is not 1, 2, 3, 4 or 8"
        )));
    }
    let table_end = num_objects
        .checked_mul(offset_size)
        .and_then(|n| n.checked_add(table_off));
    if table_off < 9 || table_end.is_none_or(|e| e > trailer_at as u64) {
        return Err(bad(format!(
            "offset table at {table_off} with {num_objects} entries of {offset_size} bytes does not fit before the trailer at {trailer_at}"
        )));
    }
    if num_objects == 0 || top >= num_objects {
        return Err(bad(format!(
            "top object {top} is not among the {num_objects} objects"
        )));
    }
    let table = data
        .get(table_off as usize..table_end.unwrap_or(0) as usize)
        .unwrap_or(&[]);
    for (i, entry) in table.chunks_exact(offset_size as usize).enumerate() {
        let off = be(entry);
        if off < 8 || off >= table_off {
            return Err(bad(format!(
                "object {i} offset {off} is outside the object area [8, {table_off})"
            )));
        }
    }
    Ok(())
}

thread_local! {
    static PARSE_STATE: std::cell::RefCell<Option<BuildState>> = const { std::cell::RefCell::new(None) };
}

/// A value built under the caps of the current `parse_value` call.
struct Bounded(Value);

impl<'de> serde::Deserialize<'de> for Bounded {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{DeserializeSeed, Error};
        PARSE_STATE.with(|cell| {
            let guard = cell.borrow();
            let state = guard
                .as_ref()
                .ok_or_else(|| D::Error::custom("plist parse state missing"))?;
            Seed { state, depth: 0 }.deserialize(d).map(Bounded)
        })
    }
}

/// Parses a plist whose root must be a dictionary.
pub fn parse_dict(
    data: &[u8],
    limits: &Limits,
) -> Result<(Dictionary, PlistFormat, Vec<String>), PlistError> {
    let (v, f, d) = parse_value(data, limits)?;
    match v {
        Value::Dictionary(dict) => Ok((dict, f, d)),
        other => Err(PlistError::RootNotDict {
            found: type_name(&other),
        }),
    }
}

/// What privscan reads from an `Info.plist`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InfoPlist {
    /// Storage format; `None` only for a default-constructed value.
    pub format: Option<PlistFormat>,
    /// `CFBundleIdentifier`.
    pub bundle_id: Option<String>,
    /// `CFBundleName`.
    pub bundle_name: Option<String>,
    /// `CFBundleExecutable`.
    pub executable: Option<String>,
    /// `CFBundlePackageType` (`APPL`, `FMWK`, `XPC!`...).
    pub package_type: Option<String>,
    /// `CFBundleShortVersionString`.
    pub short_version: Option<String>,
    /// `CFBundleVersion`.
    pub version: Option<String>,
    /// `MinimumOSVersion` (or macOS `LSMinimumSystemVersion`).
    pub minimum_os: Option<String>,
    /// Every root key ending in `UsageDescription` (`NS*UsageDescription`,
    /// `NFCReaderUsageDescription`) with its text, in document order. A
    /// non-string value gives an empty text.
    pub usage_descriptions: Vec<(String, String)>,
    /// `UIBackgroundModes`.
    pub background_modes: Vec<String>,
    /// `LSApplicationQueriesSchemes`.
    pub queries_schemes: Vec<String>,
    /// `NSAppTransportSecurity` relaxations: `NSAllowsArbitraryLoads`,
    /// `NSAllowsArbitraryLoadsInWebContent`, `NSAllowsLocalNetworking`,
    /// `NSAllowsArbitraryLoadsForMedia` when true, and
    /// `NSExceptionDomains:<domain>` per exception domain.
    pub ats_exceptions: Vec<String>,
    /// Root keys that occurred more than once (last value kept).
    pub duplicate_keys: Vec<String>,
    /// Root keys of a binary plist whose shared objects did not fit their
    /// share of `MAX_VALUE_BYTES` (see [`parse_value_partial`]): read in
    /// part, a cap (PS905 `max_plist_bytes`).
    pub collapsed_keys: Vec<String>,
    /// XML tricks CoreFoundation reads differently from most tools
    /// (comments holding markup, entity references), one line each
    /// ([`tamper::xml_tricks`]); a tamper sign (PS903).
    pub xml_tricks: Vec<String>,
    /// The whole root dictionary.
    pub root: Dictionary,
}

/// Xcode's framework-target template value of `CFBundleShortVersionString`
/// (`MARKETING_VERSION = 1.0`), which many vendors never change.
const TEMPLATE_SHORT_VERSION: &str = "1.0";

impl InfoPlist {
    /// The version a framework's Info.plist states for the SDK it ships:
    /// `CFBundleShortVersionString`, unless it is Xcode's template default
    /// `1.0`; then `CFBundleVersion` when that is a dotted version (the
    /// Facebook SDK 4.x frameworks state `1.0` / `4.22.1`). `None` when the
    /// plist states only the template default (`1.0` / `1`): that is no
    /// statement of the SDK's version.
    pub fn sdk_version(&self) -> Option<&str> {
        let short = self.short_version.as_deref().map(str::trim);
        if let Some(v) = short.filter(|v| !v.is_empty() && *v != TEMPLATE_SHORT_VERSION) {
            return Some(v);
        }
        self.version
            .as_deref()
            .map(str::trim)
            .filter(|v| v.contains('.') && *v != TEMPLATE_SHORT_VERSION)
    }
}

fn string_of(d: &Dictionary, key: &str) -> Option<String> {
    d.get(key).and_then(Value::as_string).map(str::to_owned)
}

fn strings_of(d: &Dictionary, key: &str) -> Vec<String> {
    match d.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_string)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// True for a root key Apple treats as a purpose string.
pub fn is_usage_key(key: &str) -> bool {
    key.ends_with("UsageDescription")
}

/// Parses an `Info.plist` (binary, XML or ASCII).
///
/// Errors: any `PlistError`; a root that is not a dictionary is `RootNotDict`.
pub fn parse_info_plist(data: &[u8], limits: &Limits) -> Result<InfoPlist, PlistError> {
    let (root, format, duplicate_keys, collapsed_keys) = parse_value_partial(data, limits)?;
    let root = match root {
        Value::Dictionary(d) => d,
        // A non-dictionary root is useless; one that also blew the budget
        // is reported as the cap it hit.
        _ if !collapsed_keys.is_empty() => {
            return Err(PlistError::TooLarge {
                cap: MAX_VALUE_BYTES,
            });
        }
        other => {
            return Err(PlistError::RootNotDict {
                found: type_name(&other),
            });
        }
    };
    let usage_descriptions = root
        .iter()
        .filter(|(k, _)| is_usage_key(k))
        .map(|(k, v)| (k.clone(), v.as_string().unwrap_or_default().to_owned()))
        .collect();
    let mut ats_exceptions = Vec::new();
    if let Some(Value::Dictionary(ats)) = root.get("NSAppTransportSecurity") {
        for flag in [
            "NSAllowsArbitraryLoads",
            "NSAllowsArbitraryLoadsInWebContent",
            "NSAllowsArbitraryLoadsForMedia",
            "NSAllowsLocalNetworking",
        ] {
            if ats.get(flag).and_then(Value::as_boolean) == Some(true) {
                ats_exceptions.push(flag.to_owned());
            }
        }
        if let Some(Value::Dictionary(domains)) = ats.get("NSExceptionDomains") {
            ats_exceptions.extend(domains.keys().map(|d| format!("NSExceptionDomains:{d}")));
        }
    }
    Ok(InfoPlist {
        format: Some(format),
        bundle_id: string_of(&root, "CFBundleIdentifier"),
        bundle_name: string_of(&root, "CFBundleName"),
        executable: string_of(&root, "CFBundleExecutable"),
        package_type: string_of(&root, "CFBundlePackageType"),
        short_version: string_of(&root, "CFBundleShortVersionString"),
        version: string_of(&root, "CFBundleVersion"),
        minimum_os: string_of(&root, "MinimumOSVersion")
            .or_else(|| string_of(&root, "LSMinimumSystemVersion")),
        usage_descriptions,
        background_modes: strings_of(&root, "UIBackgroundModes"),
        queries_schemes: strings_of(&root, "LSApplicationQueriesSchemes"),
        ats_exceptions,
        duplicate_keys,
        collapsed_keys,
        xml_tricks: if format == PlistFormat::Xml {
            tamper::xml_tricks(data)
        } else {
            Vec::new()
        },
        root,
    })
}

/// Parses a `.strings` file (`InfoPlist.strings`): a binary plist dictionary
/// (what Xcode ships by default), or text in UTF-16 (BOM) / UTF-8 with
/// `"key" = "value";` pairs, `/* */` and `//` comments, and backslash escapes.
/// Unquoted keys (`NSCameraUsageDescription = "..."`) are accepted too.
/// Returns pairs in file order.
pub fn parse_strings(data: &[u8], limits: &Limits) -> Result<Vec<(String, String)>, PlistError> {
    if data.len() > MAX_STRINGS_BYTES {
        return Err(PlistError::Strings {
            offset: 0,
            message: format!("file is over {MAX_STRINGS_BYTES} bytes"),
        });
    }
    if data.starts_with(b"bplist00") {
        let (d, _, _) = parse_dict(data, limits)?;
        return Ok(d
            .iter()
            .filter_map(|(k, v)| v.as_string().map(|s| (k.clone(), s.to_owned())))
            .collect());
    }
    let text = decode_text(data)?;
    StringsParser {
        chars: text.chars().collect(),
        pos: 0,
    }
    .parse()
}

fn decode_text(data: &[u8]) -> Result<String, PlistError> {
    let utf16 = |body: &[u8], le: bool| -> Result<String, PlistError> {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] if le => u16::from_le_bytes([*a, *b]),
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0,
            })
            .collect();
        String::from_utf16(&units).map_err(|e| PlistError::Strings {
            offset: 0,
            message: format!("invalid UTF-16: {e}"),
        })
    };
    match data {
        [0xff, 0xfe, rest @ ..] => utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => utf16(rest, false),
        [0xef, 0xbb, 0xbf, rest @ ..] => {
            std::str::from_utf8(rest)
                .map(str::to_owned)
                .map_err(|e| PlistError::Strings {
                    offset: e.valid_up_to(),
                    message: "invalid UTF-8".into(),
                })
        }
        // No BOM but NUL bytes in odd/even positions: UTF-16 without a BOM.
        [a, 0, ..] if *a != 0 => utf16(data, true),
        [0, b, ..] if *b != 0 => utf16(data, false),
        _ => std::str::from_utf8(data)
            .map(str::to_owned)
            .map_err(|e| PlistError::Strings {
                offset: e.valid_up_to(),
                message: "invalid UTF-8".into(),
            }),
    }
}

struct StringsParser {
    chars: Vec<char>,
    pos: usize,
}

impl StringsParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos.saturating_add(1)).copied()
    }
    fn err(&self, message: impl Into<String>) -> PlistError {
        PlistError::Strings {
            offset: self.pos,
            message: message.into(),
        }
    }
    fn skip_ws(&mut self) -> Result<(), PlistError> {
        loop {
            match (self.peek(), self.peek2()) {
                (Some(c), _) if c.is_whitespace() || c == '\u{feff}' => {
                    self.pos = self.pos.saturating_add(1)
                }
                (Some('/'), Some('*')) => {
                    let start = self.pos;
                    self.pos = self.pos.saturating_add(2);
                    loop {
                        match (self.peek(), self.peek2()) {
                            (Some('*'), Some('/')) => {
                                self.pos = self.pos.saturating_add(2);
                                break;
                            }
                            (Some(_), _) => self.pos = self.pos.saturating_add(1),
                            (None, _) => {
                                self.pos = start;
                                return Err(self.err("unterminated /* comment"));
                            }
                        }
                    }
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.pos = self.pos.saturating_add(1);
                    }
                }
                _ => return Ok(()),
            }
        }
    }
    fn token(&mut self) -> Result<String, PlistError> {
        match self.peek() {
            Some('"') => {
                self.pos = self.pos.saturating_add(1);
                let mut out = String::new();
                loop {
                    let c = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.pos = self.pos.saturating_add(1);
                    match c {
                        '"' => return Ok(out),
                        '\\' => {
                            let e = self.peek().ok_or_else(|| self.err("unterminated escape"))?;
                            self.pos = self.pos.saturating_add(1);
                            match e {
                                'n' => out.push('\n'),
                                't' => out.push('\t'),
                                'r' => out.push('\r'),
                                'U' | 'u' => {
                                    let hex: String =
                                        self.chars.iter().skip(self.pos).take(4).collect();
                                    let code = u32::from_str_radix(&hex, 16)
                                        .map_err(|_| self.err(format!("bad \\U escape '{hex}'")))?;
                                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                    self.pos = self.pos.saturating_add(4);
                                }
                                other => out.push(other),
                            }
                        }
                        c => out.push(c),
                    }
                }
            }
            Some(c) if c.is_alphanumeric() || "_.$-:/".contains(c) => {
                let mut out = String::new();
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || "_.$-:/".contains(c) {
                        out.push(c);
                        self.pos = self.pos.saturating_add(1);
                    } else {
                        break;
                    }
                }
                Ok(out)
            }
            Some(c) => Err(self.err(format!("unexpected character '{c}'"))),
            None => Err(self.err("unexpected end of file")),
        }
    }
    fn parse(mut self) -> Result<Vec<(String, String)>, PlistError> {
        let mut out = Vec::new();
        loop {
            self.skip_ws()?;
            if self.peek().is_none() {
                return Ok(out);
            }
            let key = self.token()?;
            self.skip_ws()?;
            let value = if self.peek() == Some('=') {
                self.pos = self.pos.saturating_add(1);
                self.skip_ws()?;
                self.token()?
            } else {
                key.clone()
            };
            self.skip_ws()?;
            if self.peek() != Some(';') {
                return Err(self.err("expected ';'"));
            }
            self.pos = self.pos.saturating_add(1);
            out.push((key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.benign.app</string>
<key>CFBundleExecutable</key><string>App</string>
<key>NSCameraUsageDescription</key><string>Scan codes</string>
<key>NFCReaderUsageDescription</key><string>Tap cards</string>
<key>UIBackgroundModes</key><array><string>audio</string></array>
<key>NSAppTransportSecurity</key><dict><key>NSAllowsArbitraryLoads</key><true/>
  <key>NSExceptionDomains</key><dict><key>example.com</key><dict/></dict></dict>
<key>CFBundleIdentifier</key><string>com.evil.app</string>
</dict></plist>"#;

    #[test]
    fn xml_info_plist_fields_and_duplicate_last_wins() {
        let p = parse_info_plist(XML.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.format, Some(PlistFormat::Xml));
        assert_eq!(p.bundle_id.as_deref(), Some("com.evil.app"));
        assert_eq!(p.duplicate_keys, vec!["CFBundleIdentifier".to_string()]);
        assert_eq!(
            p.usage_descriptions,
            vec![
                (
                    "NSCameraUsageDescription".to_string(),
                    "Scan codes".to_string()
                ),
                (
                    "NFCReaderUsageDescription".to_string(),
                    "Tap cards".to_string()
                )
            ]
        );
        assert_eq!(p.background_modes, vec!["audio"]);
        assert_eq!(
            p.ats_exceptions,
            vec!["NSAllowsArbitraryLoads", "NSExceptionDomains:example.com"]
        );
    }

    #[test]
    fn binary_round_trip() {
        let mut d = Dictionary::new();
        d.insert("CFBundleIdentifier".into(), Value::String("a.b".into()));
        d.insert(
            "NSUserTrackingUsageDescription".into(),
            Value::String("ads".into()),
        );
        let mut buf = Vec::new();
        Value::Dictionary(d).to_writer_binary(&mut buf).unwrap();
        let p = parse_info_plist(&buf, &Limits::default()).unwrap();
        assert_eq!(p.format, Some(PlistFormat::Binary));
        assert_eq!(p.usage_descriptions[0].0, "NSUserTrackingUsageDescription");
    }

    #[test]
    fn deep_nesting_is_capped() {
        let mut s = String::from("<plist>");
        s.push_str(&"<array>".repeat(300));
        s.push_str(&"</array>".repeat(300));
        s.push_str("</plist>");
        let e = parse_value(s.as_bytes(), &Limits::default()).unwrap_err();
        assert!(matches!(e, PlistError::TooDeep { cap: 256, .. }), "{e}");
    }

    #[test]
    fn strings_text_utf8_and_utf16() {
        let src = "/* c */\n\"NSCameraUsageDescription\" = \"Kamera \\\"X\\\"\";\n// line\nNSMicrophoneUsageDescription = \"Mikro\";\n";
        let v = parse_strings(src.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(
            v[0],
            ("NSCameraUsageDescription".into(), "Kamera \"X\"".into())
        );
        assert_eq!(v[1].1, "Mikro");
        let mut u16 = vec![0xff, 0xfe];
        for u in src.encode_utf16() {
            u16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(parse_strings(&u16, &Limits::default()).unwrap(), v);
        assert!(matches!(
            parse_strings(b"\"a\" = \"b\"", &Limits::default()),
            Err(PlistError::Strings { .. })
        ));
    }
}
