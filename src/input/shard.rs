//! Deterministic sharding of a batch: `--shard K/N` keeps the artifacts
//! of shard K (1-based) out of N, so a fleet scan can run as N independent
//! jobs under an existing scheduler (a Kubernetes Indexed Job, a CI
//! matrix, a Slurm array) and the N JSONL outputs concatenate into the
//! report of the whole batch.
//!
//! The split hashes each artifact's *file name* (FNV-1a, 64-bit) modulo N.
//! Unlike round-robin over the sorted list, an artifact's shard depends on
//! its own name only: adding or removing other builds, or running the jobs
//! on machines that mount the inputs at different paths, never moves it to
//! another shard, so reruns and partial retries of one shard see the same
//! files. The price is that shards are balanced only statistically.
//!
//! Distrusted input: the `K/N` text and the `JOB_COMPLETION_INDEX`
//! environment variable (Kubernetes: "Indexed Job", 0-based index).

use std::path::{Path, PathBuf};

/// Shard `index` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1..=total.
    pub index: u32,
    pub total: u32,
}

/// A malformed `--shard` value or shard environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("shard '{text}' is not K/N with 1 <= K <= N (e.g. 2/8)")]
    Syntax { text: String },
    #[error("JOB_COMPLETION_INDEX '{value}' is not an index in 0..{total}")]
    JobIndex { value: String, total: u32 },
    #[error("--shard-total must be at least 1")]
    ZeroTotal,
}

impl Shard {
    /// Parse `K/N` (1 <= K <= N).
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let err = || ShardError::Syntax {
            text: text.to_owned(),
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(err)?;
        let index: u32 = k.trim().parse().map_err(|_| err())?;
        let total: u32 = n.trim().parse().map_err(|_| err())?;
        if index == 0 || total == 0 || index > total {
            return Err(err());
        }
        Ok(Shard { index, total })
    }

    /// The shard of a Kubernetes Indexed Job pod: `JOB_COMPLETION_INDEX`
    /// (0-based, as Kubernetes sets it) `value` out of `total`.
    pub fn from_job_index(value: &str, total: u32) -> Result<Shard, ShardError> {
        if total == 0 {
            return Err(ShardError::ZeroTotal);
        }
        let idx: u32 = value
            .trim()
            .parse()
            .ok()
            .filter(|i| *i < total)
            .ok_or_else(|| ShardError::JobIndex {
                value: value.to_owned(),
                total,
            })?;
        Ok(Shard {
            index: idx + 1,
            total,
        })
    }

    /// `true` when `path` belongs to this shard.
    pub fn contains(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string_lossy().into_owned());
        let bucket = fnv1a64(name.as_bytes()) % u64::from(self.total);
        bucket + 1 == u64::from(self.index)
    }

    /// Keep the paths of this shard, in their given order.
    pub fn select(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        paths.into_iter().filter(|p| self.contains(p)).collect()
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

/// FNV-1a, 64-bit (Fowler/Noll/Vo): stable across platforms and releases,
/// unlike `std`'s randomly keyed hasher.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_k_of_n_only() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, total: 8 }));
        assert_eq!(Shard::parse(" 1 / 1 "), Ok(Shard { index: 1, total: 1 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/3", "1/3/4", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn job_index_is_zero_based() {
        assert_eq!(
            Shard::from_job_index("0", 4),
            Ok(Shard { index: 1, total: 4 })
        );
        assert_eq!(
            Shard::from_job_index("3", 4),
            Ok(Shard { index: 4, total: 4 })
        );
        assert!(Shard::from_job_index("4", 4).is_err());
        assert!(Shard::from_job_index("x", 4).is_err());
        assert_eq!(Shard::from_job_index("0", 0), Err(ShardError::ZeroTotal));
    }

    #[test]
    fn fnv_known_vectors() {
        // Reference values from the FNV test suite.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shards_partition_and_ignore_directories() {
        let paths: Vec<PathBuf> = (0..200)
            .map(|i| PathBuf::from(format!("d/app{i}.apk")))
            .collect();
        let mut seen = vec![0u32; paths.len()];
        for k in 1..=5 {
            let s = Shard { index: k, total: 5 };
            let picked = s.select(paths.clone());
            assert!(!picked.is_empty());
            for p in picked {
                let i = paths.iter().position(|q| *q == p).unwrap();
                seen[i] += 1;
                // Same file name elsewhere lands in the same shard.
                assert!(s.contains(&Path::new("/other/mount").join(p.file_name().unwrap())));
            }
        }
        assert!(seen.iter().all(|c| *c == 1));
    }
}
