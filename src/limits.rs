//! Resource caps for hostile input: entry counts, per-entry and total
//! inflated bytes, nesting depth, string-pool sizes.
//!
//! A cap that is hit stops the artifact with an error naming the cap
//! (`LimitError`), never an allocation failure or a hang.

use std::sync::atomic::{AtomicU64, Ordering};

/// Caps applied to one artifact. All sizes are in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most central-directory records read from one archive.
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
    /// Deepest element nesting in XML and plists.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 200_000,
            max_entry_size: 128 * 1024 * 1024,
            max_total_inflated: 1024 * 1024 * 1024,
            max_nesting: 2,
            max_strings: 4_000_000,
            max_depth: 256,
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
