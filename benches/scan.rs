//! Whole-app scans through the public entry point `privscan::scan::scan_path`
//! (load/mmap, SHA-256, sniff, archive, manifest, every DEX and native
//! library, SDK matching), full and `manifest_only`:
//! - the largest APK and the largest IPA in `../shared/corpus` (skipped with
//!   a message when absent; an IPA is skipped with a message while the iOS
//!   pipeline reports it as unsupported);
//! - the generated fixture `sample.apk` (`testkit::fixtures::sample_apk()`),
//!   written to a temp dir.
//!
//! Run: `cargo bench --bench scan`.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use privscan::scan::{Config, scan_path};
use std::path::PathBuf;

use common::corpus_dir;

fn largest_in(kind: &str, ext: &str) -> Option<PathBuf> {
    let Some(dir) = corpus_dir(kind) else {
        eprintln!("SKIP: corpus folder ../shared/corpus/{kind} not found");
        return None;
    };
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .filter_map(|p| Some((p.metadata().ok()?.len(), p)))
        .max_by_key(|(len, _)| *len)
        .map(|(_, p)| p)
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().ok();
    let mut inputs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &tmp {
        let p = dir.path().join("sample.apk");
        if std::fs::write(&p, privscan::testkit::fixtures::sample_apk()).is_ok() {
            inputs.push(p);
        }
    }
    inputs.extend(largest_in("apk", "apk"));
    inputs.extend(largest_in("ipa", "ipa"));

    let full = Config::new();
    let manifest_only = Config {
        manifest_only: true,
        ..Config::new()
    };
    let mut group = c.benchmark_group("scan_path");
    group.sample_size(20);
    for path in &inputs {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let probe = scan_path(path, &full);
        if let Some(e) = &probe.error {
            eprintln!(
                "SKIP: {name}: the scan reports an error ({}: {})",
                e.code, e.message
            );
            continue;
        }
        eprintln!(
            "{name}: {} bytes, {} binaries, {} SDKs",
            probe.size.unwrap_or(0),
            probe.binaries.len(),
            probe.sdks.len()
        );
        group.throughput(Throughput::Bytes(probe.size.unwrap_or(0)));
        group.bench_function(format!("full/{name}"), |b| {
            b.iter(|| scan_path(path, &full).sdks.len())
        });
        group.bench_function(format!("manifest_only/{name}"), |b| {
            b.iter(|| scan_path(path, &manifest_only).findings.len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
