//! Resource caps for hostile input: entry counts, per-entry and total
//! inflated bytes, nesting depth, string-pool sizes.
//!
//! A cap that is hit stops the artifact with an error naming the cap
//! (`LimitError`), never an allocation failure or a hang.

use std::sync::atomic::{AtomicU64, Ordering};

/// Caps applied to one artifact. All sizes are in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most central-directory records read from one archive; past it the
    /// archive is read in part and the cap reported (PS905).
    pub max_entries: u64,
    /// Largest inflated size of one archive entry.
    pub max_entry_size: u64,
    /// Largest total inflated size of all entries read from one artifact
    /// (nested archives included).
    pub max_total_inflated: u64,
    /// Deepest nesting of archives (an APK inside an XAPK is depth 1).
    pub max_nesting: u32,
    /// Most strings in one AXML/ARSC/DEX string pool.
    pub max_strings: u64,
    /// Deepest element nesting in XML and plists; a binary manifest skips
    /// the deeper subtrees, reads the rest and reports the cap (PS905).
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Android reads ZIP64 APKs with 250,000+ entries; a cap must
            // not be lower than what the platform accepts (issue 17). Each
            // record read costs about 330 bytes (the `ZipEntry` plus the
            // mapped CD and local-header pages it touches): 250,000
            // entries peak at 111 MiB RSS, 500,000 at about 190 MiB, so
            // the cap keeps one artifact under 256 MiB; past it the
            // archive is read in part and PS905 names the cap.
            max_entries: 500_000,
            max_entry_size: 128 * 1024 * 1024,
            max_total_inflated: 1024 * 1024 * 1024,
            max_nesting: 2,
            max_strings: 4_000_000,
            // Android's ResXMLParser and the package parser have no depth
            // limit (300-deep manifests install).
            max_depth: 1024,
        }
    }
}

/// A cap that was hit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// One entry's inflated size is over `max_entry_size`.
    #[error(
        "entry '{entry}' inflates to {size} bytes, over the per-entry cap of {cap} bytes (max_entry_size)"
    )]
    EntryTooLarge {
        /// Archive member name.
        entry: String,
        /// Its inflated size in bytes (declared, or counted while inflating).
        size: u64,
        /// `max_entry_size` in bytes.
        cap: u64,
    },
    /// The artifact's total inflated bytes went over `max_total_inflated`.
    #[error("archive inflates to more than the total cap of {cap} bytes (max_total_inflated)")]
    TotalTooLarge {
        /// `max_total_inflated` in bytes.
        cap: u64,
    },
    /// The central directory lists more than `max_entries` records.
    #[error("archive has {count} entries, over the cap of {cap} (max_entries)")]
    TooManyEntries {
        /// Number of entries the archive declares.
        count: u64,
        /// `max_entries`.
        cap: u64,
    },
    /// Archives nested deeper than `max_nesting`.
    #[error("archives nested {depth} deep, over the cap of {cap} (max_nesting)")]
    TooDeep {
        /// Nesting depth reached (an APK inside an XAPK is 1).
        depth: u32,
        /// `max_nesting`.
        cap: u32,
    },
    /// An AXML/ARSC/DEX string pool declares more than `max_strings` strings.
    #[error("string pool declares {count} strings, over the cap of {cap} (max_strings)")]
    TooManyStrings {
        /// Number of strings the pool header declares.
        count: u64,
        /// `max_strings`.
        cap: u64,
    },
    /// XML or plist elements nested deeper than `max_depth`.
    #[error("elements nested {depth} deep, over the cap of {cap} (max_depth)")]
    ElementsTooDeep {
        /// Nesting depth reached.
        depth: u32,
        /// `max_depth`.
        cap: u32,
    },
}

/// The caps of the property-list reader (`property_list::CAP_NAMES`), named
/// here so that `cap_named_in` needs no import of the reader.
pub const PLIST_CAP_NAMES: &[&str] = &["max_plist_values", "max_plist_bytes"];

/// The binary-XML decoder's own cap (`android::axml::MAX_ATTRIBUTE_BYTES`),
/// named here so that `cap_named_in` needs no import of the decoder.
pub const AXML_CAP_NAMES: &[&str] = &["max_xml_attribute_bytes"];

/// The names of the caps, as [`LimitError`] messages end with them
/// (`... (max_entry_size)`) and as `--max-entry-size` /
/// `--max-total-inflated` spell the two that can be raised.
pub const CAP_NAMES: &[&str] = &[
    "max_entry_size",
    "max_total_inflated",
    "max_entries",
    "max_nesting",
    "max_strings",
    "max_depth",
];

/// The cap a [`LimitError`] message names (`"... (max_entry_size)"` →
/// `Some("max_entry_size")`), also when the message was wrapped with a
/// prefix such as an entry name. Only the end of the message counts, so an
/// entry *named* `(max_depth)` inside some other error is not a cap hit.
/// `None` for any other message.
pub fn cap_named_in(message: &str) -> Option<&'static str> {
    let tail = message.trim_end().strip_suffix(')')?;
    CAP_NAMES
        .iter()
        .chain(PLIST_CAP_NAMES)
        .chain(AXML_CAP_NAMES)
        .copied()
        .find(|name| tail.strip_suffix(name).is_some_and(|t| t.ends_with('(')))
}

/// Parse a byte size for the command line: a whole number with an
/// optional binary suffix `B`, `KiB`, `MiB` or `GiB` (case-insensitive;
/// `K`, `M`, `G` are accepted as the same binary units), e.g. `512MiB`,
/// `2GiB`, `1048576`.
///
/// Errors: an empty or non-numeric value, an unknown suffix, zero, or a
/// size over `u64::MAX` bytes; the message says which.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    if digits.is_empty() {
        return Err(format!(
            "'{text}' is not a size (expected e.g. 512MiB, 2GiB or a byte count)"
        ));
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{text}': number too large"))?;
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "'{text}': unknown unit '{other}' (use B, KiB, MiB or GiB)"
            ));
        }
    };
    let bytes = n
        .checked_mul(unit)
        .ok_or_else(|| format!("'{text}': size too large"))?;
    if bytes == 0 {
        return Err(format!(
            "'{text}': a cap of zero bytes would refuse every entry"
        ));
    }
    Ok(bytes)
}

/// The inflated-bytes budget of one artifact, shared by every thread that
/// reads entries of it.
#[derive(Debug)]
pub struct Budget {
    remaining: AtomicU64,
    cap: u64,
}

impl Budget {
    /// A budget of `limits.max_total_inflated` bytes.
    pub fn new(limits: &Limits) -> Self {
        Budget {
            remaining: AtomicU64::new(limits.max_total_inflated),
            cap: limits.max_total_inflated,
        }
    }

    /// Take `n` bytes from the budget, or fail with `TotalTooLarge` when
    /// fewer remain (the budget is then left as it was).
    pub fn take(&self, n: u64) -> Result<(), LimitError> {
        self.remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| r.checked_sub(n))
            .map(|_| ())
            .map_err(|_| LimitError::TotalTooLarge { cap: self.cap })
    }

    /// Bytes still available.
    pub fn remaining(&self) -> u64 {
        self.remaining.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_error_names_its_cap() {
        let errors = [
            LimitError::EntryTooLarge {
                entry: "classes.dex".into(),
                size: 9,
                cap: 1,
            },
            LimitError::TotalTooLarge { cap: 1 },
            LimitError::TooManyEntries { count: 9, cap: 1 },
            LimitError::TooDeep { depth: 9, cap: 1 },
            LimitError::TooManyStrings { count: 9, cap: 1 },
            LimitError::ElementsTooDeep { depth: 9, cap: 1 },
        ];
        let named: Vec<&str> = errors
            .iter()
            .map(|e| cap_named_in(&format!("a.apk!x: {e}")).unwrap_or("none"))
            .collect();
        assert_eq!(named, CAP_NAMES);
        assert_eq!(cap_named_in("not a DEX file: magic bytes"), None);
        // A hostile entry name quoting a cap inside another error is not a cap hit.
        assert_eq!(cap_named_in("entry '(max_depth)': CRC mismatch"), None);
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("2gib"), Ok(2 << 30));
        assert_eq!(parse_size("64 K"), Ok(64 << 10));
        assert_eq!(parse_size("7B"), Ok(7));
        for bad in [
            "",
            "MiB",
            "12 TB",
            "0",
            "0GiB",
            "99999999999999999999",
            "17179869184GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            parse_size("3 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
    }

    #[test]
    fn budget_refuses_past_cap_and_keeps_remaining() {
        let limits = Limits {
            max_total_inflated: 100,
            ..Limits::default()
        };
        let b = Budget::new(&limits);
        assert!(b.take(60).is_ok());
        assert_eq!(b.take(41), Err(LimitError::TotalTooLarge { cap: 100 }));
        assert_eq!(b.remaining(), 40);
        assert!(b.take(40).is_ok());
        assert_eq!(b.remaining(), 0);
    }
}
