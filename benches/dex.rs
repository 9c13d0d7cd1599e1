//! Throughput of the DEX path: parse + iterate every `type_ids` descriptor +
//! feed every class descriptor to a detector over the embedded catalog.
//! Inputs: the largest corpus DEX (`../shared/corpus/dex`, skipped with a
//! message when absent) and a generated DEX with 50 000 classes.
//! Run: `cargo bench --bench dex`. Criterion prints MiB/s (Throughput::Bytes).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use privscan::Limits;
use privscan::android::dex;
use privscan::model::Location;
use privscan::rules::sdk::Catalog;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn largest_corpus_dex() -> Option<(PathBuf, Vec<u8>)> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dex");
    let dir = [local, PathBuf::from("/work/shared/corpus/dex")]
        .into_iter()
        .find(|p| p.is_dir())?;
    let mut best: Option<PathBuf> = None;
    let mut best_len = 0;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "dex") {
            let len = e.metadata().map(|m| m.len()).unwrap_or(0);
            if len > best_len {
                best_len = len;
                best = Some(p);
            }
        }
    }
    let p = best?;
    let data = std::fs::read(&p).ok()?;
    Some((p, data))
}

fn generated_dex() -> Vec<u8> {
    let names: Vec<String> = (0..50_000)
        .map(|i| match i % 5 {
            0 => format!("Lcom/google/android/gms/ads/internal/C{i};"),
            1 => format!("Lcom/example/app/feature{}/C{i};", i % 97),
            2 => format!("Lio/sentry/android/core/C{i};"),
            3 => format!("La/b/c{i};"),
            _ => format!("Landroidx/core/view/C{i};"),
        })
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    privscan::testkit::dex::build(&refs)
}

/// Parse, iterate all type descriptors, detect on all class descriptors.
fn run(catalog: &Catalog, data: &[u8]) -> usize {
    let d = match dex::parse(data, &Limits::default()) {
        Ok(d) => d,
        Err(_) => return 0,
    };
    let types = d.type_descriptors().filter(|r| r.is_ok()).count();
    let loc = Location::entry("classes.dex");
    let mut det = catalog.detector();
    for c in d.class_descriptors().flatten() {
        det.dex_class(c, &loc);
    }
    types + det.finish().len()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let mut inputs: Vec<(String, Vec<u8>)> =
        vec![("generated-50k-classes".into(), generated_dex())];
    match largest_corpus_dex() {
        Some((p, data)) => inputs.push((
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            data,
        )),
        None => eprintln!(
            "SKIP: corpus folder ../shared/corpus/dex not found; benching the generated DEX only"
        ),
    }
    let mut group = c.benchmark_group("dex_parse_types_detect");
    for (name, data) in &inputs {
        // one plain timing for a quick MB/s line besides criterion's report
        let start = std::time::Instant::now();
        let n = run(catalog, data);
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{name}: {} bytes, {n} types+detections, one pass {:.2} ms = {:.1} MB/s",
            data.len(),
            secs * 1e3,
            data.len() as f64 / 1e6 / secs.max(1e-9)
        );
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(name.as_str(), |b| b.iter(|| run(catalog, black_box(data))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
