//! Corpus access shared by the benchmarks: each bench that needs
//! `../shared/corpus` skips its corpus cases with a message when absent.

#![allow(dead_code)] // each bench uses a subset

use std::path::{Path, PathBuf};

/// `../shared/corpus/<kind>` next to the crate, else `/work/shared/corpus/<kind>`.
pub fn corpus_dir(kind: &str) -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(kind);
    [local, PathBuf::from("/work/shared/corpus").join(kind)]
        .into_iter()
        .find(|p| p.is_dir())
}

/// The `n` largest files of a corpus folder (not the `.expected.json`
/// sidecars), as `(file name, bytes)`; empty with a SKIP message when the
/// folder is absent.
pub fn largest(kind: &str, n: usize) -> Vec<(String, Vec<u8>)> {
    let Some(dir) = corpus_dir(kind) else {
        eprintln!("SKIP: corpus folder ../shared/corpus/{kind} not found");
        return Vec::new();
    };
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.to_string_lossy().ends_with(".json"))
        .filter_map(|p| Some((p.metadata().ok()?.len(), p)))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files
        .into_iter()
        .take(n)
        .filter_map(|(_, p)| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect()
}
