//! Fact extraction from native binaries and SDK matching:
//! - `native::elf::parse` (DT_NEEDED, DT_SONAME, dynamic symbols) on the
//!   largest corpus ELF files (`../shared/corpus/elf`);
//! - `native::macho::parse` (load commands, LC_LOAD_DYLIB, symbols, ObjC
//!   class names) on the largest corpus Mach-O files (`../shared/corpus/macho`);
//! - `Detector::dex_class` over 50 000 class descriptors (a realistic mix:
//!   one fifth under catalogued SDK prefixes) and `Detector::elf_symbol`
//!   over 20 000 symbols, both against the embedded SDK catalog.
//!
//! Corpus inputs are skipped with a message when the folder is absent.
//! Run: `cargo bench --bench native`.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use privscan::Limits;
use privscan::model::Location;
use privscan::native::{elf, macho};
use privscan::rules::sdk::Catalog;
use std::hint::black_box;

use common::largest;

/// 50 000 descriptors: 1/5 under catalogued SDK prefixes, the rest app,
/// AndroidX and obfuscated names (no match), as in a typical release DEX.
fn descriptors() -> Vec<Vec<u8>> {
    (0..50_000)
        .map(|i| {
            match i % 5 {
                0 => format!("Lcom/google/android/gms/ads/internal/C{i};"),
                1 => format!("Lcom/example/app/feature{}/C{i};", i % 97),
                2 => format!("Landroidx/core/view/C{i};"),
                3 => format!("La/b/c{i};"),
                _ => format!("Lkotlinx/coroutines/internal/C{i};"),
            }
            .into_bytes()
        })
        .collect()
}

fn symbols() -> Vec<String> {
    (0..20_000)
        .map(|i| match i % 4 {
            0 => format!("_ZN3foo3bar{i}Ev"),
            1 => format!("Java_com_example_app_Native_m{i}"),
            2 => format!("Java_im_zego_zegoexpress_internal_ZegoExpressEngineJniAPI_f{i}"),
            _ => format!("sym_{i}"),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("native_facts");
    for (name, data) in largest("elf", 3) {
        let n = elf::parse(&data, &name)
            .map(|f| {
                f.slices
                    .iter()
                    .map(|s| s.exported_symbols.len() + s.imported_symbols.len())
                    .sum::<usize>()
            })
            .unwrap_or(0);
        eprintln!("elf {name}: {} bytes, {n} dynamic symbols", data.len());
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(format!("elf/{name}"), |b| {
            b.iter(|| elf::parse(black_box(&data), &name).map(|f| f.slices.len()))
        });
    }
    for (name, data) in largest("macho", 3) {
        let ok = macho::parse(&data, &name, &limits).is_ok();
        eprintln!("macho {name}: {} bytes, parses: {ok}", data.len());
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(format!("macho/{name}"), |b| {
            b.iter(|| macho::parse(black_box(&data), &name, &limits).map(|f| f.is_fat))
        });
    }
    group.finish();

    let catalog = Catalog::embedded();
    let loc = Location::entry("classes.dex");
    let mut group = c.benchmark_group("sdk_matching");
    let descs = descriptors();
    group.throughput(Throughput::Elements(descs.len() as u64));
    group.bench_function("dex_class/50k-descriptors", |b| {
        b.iter(|| {
            let mut det = catalog.detector();
            for d in &descs {
                det.dex_class(black_box(d), &loc);
            }
            det.finish().len()
        })
    });
    let syms = symbols();
    let loc = Location::entry("lib/arm64-v8a/libfoo.so");
    group.throughput(Throughput::Elements(syms.len() as u64));
    group.bench_function("elf_symbol/20k-symbols", |b| {
        b.iter(|| {
            let mut det = catalog.detector();
            for s in &syms {
                det.elf_symbol(black_box(s), &loc);
            }
            det.finish().len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
