//! Batch throughput: `privscan::scan` over every APK of the shared corpus
//! (`../shared/corpus/apk`), on a local rayon pool of 1 and of 2 threads
//! (`ThreadPool::install`, the same mechanism as `scan --jobs N`).
//! Skipped with a message when the corpus is absent.
//! Run: `cargo bench --bench batch` (add `-- --quick` for a short run).
//! The machine running it may be shared: compare the two cases of one run.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn corpus_apks() -> Option<Vec<PathBuf>> {
    let dir = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/apk"),
        PathBuf::from("/work/shared/corpus/apk"),
    ]
    .into_iter()
    .find(|p| p.is_dir())?;
    let mut apks: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "apk"))
        .collect();
    apks.sort();
    Some(apks)
}

fn batch(c: &mut Criterion) {
    let Some(apks) = corpus_apks() else {
        eprintln!(
            "SKIP: corpus not found (../shared/corpus/apk or /work/shared/corpus/apk); batch bench not run"
        );
        return;
    };
    let bytes: u64 = apks
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let config = privscan::Config::new();
    let mut group = c.benchmark_group("batch_corpus_apks");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("jobs_{threads}"), |b| {
            b.iter(|| {
                let report = pool.install(|| privscan::scan(black_box(&apks), &config));
                assert_eq!(report.artifacts.len(), apks.len());
                black_box(report)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
