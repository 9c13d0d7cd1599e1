//! Cost of the data-API call-site pass (`android::dex_collects::scan_dex`: method/field
//! matching plus the bytecode walk) against the DEX inflation it follows,
//! on the largest corpus APK (`../shared/corpus/apk`, skipped with a
//! message when absent), and on a generated ~100 MB DEX (time and the
//! pass's own allocations are printed; run under `/usr/bin/time -f %M` for
//! peak RSS). Best of N runs each. Run: `cargo bench --bench dexcalls`.

use privscan::android::dex_collects::scan_dex;
use privscan::android::{apk::is_root_dex, dex};
use privscan::input::zip::ZipArchive;
use privscan::limits::{Budget, Limits};
use privscan::rules::data_apis::DataApiCatalog;
use privscan::rules::sdk::Catalog;
use privscan::testkit::dex_code::{ClassSpec, Insn, MethodSpec, build};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut best = Duration::MAX;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("n > 0"))
}

fn largest_apk() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/apk");
    let dir = [local, PathBuf::from("/work/shared/corpus/apk")]
        .into_iter()
        .find(|p| p.is_dir())?;
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "apk"))
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
}

fn main() {
    let catalog = Catalog::embedded();
    catalog.warm_android();
    let apis = DataApiCatalog::embedded();
    let limits = Limits::default();
    match largest_apk() {
        None => eprintln!("SKIP: ../shared/corpus/apk not found"),
        Some(p) => {
            let data = std::fs::read(&p).expect("read apk");
            let archive = ZipArchive::parse(&data, &limits).expect("zip");
            let dexes: Vec<_> = archive
                .entries()
                .iter()
                .filter(|e| is_root_dex(&e.name))
                .collect();
            let (inflate, bytes) = best(20, || {
                let budget = Budget::new(&limits);
                dexes
                    .iter()
                    .filter_map(|e| {
                        archive
                            .read(e, &limits, &budget)
                            .ok()
                            .map(|b| b.into_owned())
                    })
                    .collect::<Vec<_>>()
            });
            let (pass, sites) = best(20, || {
                let mut n = 0u64;
                for b in &bytes {
                    let f = dex::parse(b, &limits).expect("dex");
                    let (_, stats) = scan_dex(&f, "classes.dex", catalog, apis).expect("scan");
                    n += stats.refs;
                }
                n
            });
            let (parse_only, _) = best(20, || {
                bytes
                    .iter()
                    .filter(|b| dex::parse(b, &limits).is_ok())
                    .count()
            });
            let dex_bytes: usize = bytes.iter().map(Vec::len).sum();
            println!(
                "{}: {} DEX, {dex_bytes} bytes inflated; inflate {:?}, dex::parse {:?}, call-site pass {:?} ({sites} refs); pass/inflate = {:.2}",
                p.file_name().unwrap_or_default().to_string_lossy(),
                bytes.len(),
                inflate,
                parse_only,
                pass,
                pass.as_secs_f64() / inflate.as_secs_f64()
            );
        }
    }
    // A ~100 MB DEX: `DEXCALLS_WRITE=PATH` writes it and stops;
    // `DEXCALLS_FILE=PATH` reads it and runs only the pass (so peak RSS
    // under /usr/bin/time is the file plus the pass, not the builder).
    let big = match std::env::var("DEXCALLS_FILE") {
        Ok(path) => std::fs::read(path).expect("read DEXCALLS_FILE"),
        Err(_) => generated(),
    };
    if let Ok(path) = std::env::var("DEXCALLS_WRITE") {
        std::fs::write(path, &big).expect("write");
        return;
    }
    let big_limits = Limits {
        max_entry_size: 256 * 1024 * 1024,
        ..Limits::default()
    };
    let (t, refs) = best(3, || {
        let f = dex::parse(&big, &big_limits).expect("dex");
        let (acc, stats) = scan_dex(&f, "classes.dex", catalog, apis).expect("scan");
        assert!(stats.complete());
        (stats.refs, acc.finish(catalog, apis).len())
    });
    println!(
        "generated DEX {} bytes: call-site pass {:?} ({} refs, {} rows), {:.0} MiB/s",
        big.len(),
        t,
        refs.0,
        refs.1,
        big.len() as f64 / 1048576.0 / t.as_secs_f64()
    );
}

/// 12 000 classes × 10 methods × 160 instructions (~110 MB).
fn generated() -> Vec<u8> {
    let tm = "Landroid/telephony/TelephonyManager;";
    let classes: Vec<ClassSpec> = (0..12_000)
        .map(|c| {
            ClassSpec::new(
                &format!("Lcom/gen/p{}/C{c};", c % 100),
                (0..10)
                    .map(|m| {
                        let code = (0..160)
                            .map(|i| match i % 4 {
                                0 => Insn::virt(tm, "getImei"),
                                1 => Insn::virt("Ljava/lang/Object;", "hashCode"),
                                2 => Insn::string("android_id"),
                                _ => Insn::Raw(vec![0x0012, 0x0001, 0x0028]),
                            })
                            .collect();
                        MethodSpec::new(&format!("m{m}"), code)
                    })
                    .collect(),
            )
        })
        .collect();
    build(&classes)
}
