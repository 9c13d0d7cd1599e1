//! Throughput of binary XML (AXML) decoding: `android::axml::parse` on the
//! largest corpus manifests (`../shared/corpus/manifest-axml`, skipped with
//! a message when absent) and on a generated manifest with 2 000
//! `uses-permission` and 2 000 `activity` elements (string pool of ~4 000
//! UTF-16 strings), encoded by `testkit::axml`.
//! Run: `cargo bench --bench axml`. Criterion prints MiB/s.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use privscan::Limits;
use privscan::android::axml;
use privscan::android::xml::AttrValue;
use privscan::testkit::axml::{
    EncodeOptions, android_attr, element, element_with, encode, manifest, uses_permission,
};
use std::hint::black_box;

const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

use common::largest;

fn generated_manifest() -> Vec<u8> {
    let mut children = Vec::new();
    for i in 0..2_000 {
        children.push(uses_permission(&format!("com.example.permission.P{i}")));
    }
    let activities = (0..2_000)
        .map(|i| {
            element(
                "activity",
                vec![
                    android_attr(
                        "name",
                        AttrValue::String(format!("com.example.app.ui.Activity{i}")),
                    ),
                    android_attr("exported", AttrValue::Bool(i % 2 == 0)),
                ],
            )
        })
        .collect();
    children.push(element_with("application", vec![], activities));
    encode(
        &manifest("com.example.big", children),
        &[("android", ANDROID_NS)],
        &EncodeOptions::default(),
    )
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let mut inputs = vec![("generated-4000-elements".to_string(), generated_manifest())];
    inputs.extend(largest("manifest-axml", 3));
    let mut group = c.benchmark_group("axml_parse");
    for (name, data) in &inputs {
        let ok = axml::parse(data, &limits).is_ok();
        eprintln!("{name}: {} bytes, parses: {ok}", data.len());
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| axml::parse(black_box(data), &limits).map(|d| d.root.children.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
