//! Fat Mach-O files that XNU / dyld refuse (issue 17 class 4): duplicate
//! cputype/cpusubtype pairs, a `fat_arch` that disagrees with its slice's
//! header, and huge `nfat_arch` tables. Each is PS902 (not loadable), and the
//! validation is fast however many arches the table lists.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use privscan::Limits;
use privscan::diff::ios::precheck;
use privscan::ios::scan_bundle;
use privscan::native::macho::{self, MachOError, max_fat_arches};
use privscan::testkit::ipa::sample_files;
use privscan::testkit::macho::{Arch, MachOSpec, build_fat, build_thin};

fn arm64() -> Vec<u8> {
    build_thin(&MachOSpec::default())
}
fn x86() -> Vec<u8> {
    build_thin(&MachOSpec {
        arch: Arch::X86_64,
        ..MachOSpec::default()
    })
}

#[test]
fn duplicate_cputype_cpusubtype_is_not_loadable() {
    let fat = build_fat(&[arm64(), arm64()]);
    let e = macho::parse(&fat, "X", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            &e,
            MachOError::DuplicateArch {
                first: 0,
                second: 1,
                arch,
                ..
            } if arch == "arm64"
        ),
        "{e}"
    );
    assert!(e.is_not_loadable());
    // Capability bits (high byte of cpusubtype) do not make a pair distinct.
    let mut fat = build_fat(&[arm64(), x86()]);
    let cputype0 = fat[8..12].to_vec();
    fat[28..32].copy_from_slice(&cputype0);
    let mut sub = u32::from_be_bytes(fat[12..16].try_into().unwrap());
    sub |= 0x8000_0000;
    fat[32..36].copy_from_slice(&sub.to_be_bytes());
    let e = macho::parse(&fat, "X", &Limits::default()).unwrap_err();
    assert!(matches!(e, MachOError::DuplicateArch { .. }), "{e}");
    // Negative: distinct pairs are fine.
    let ok = macho::parse(&build_fat(&[arm64(), x86()]), "X", &Limits::default()).unwrap();
    assert_eq!(ok.slices.len(), 2);
}

#[test]
fn fat_arch_disagreeing_with_its_slice_header_is_not_loadable() {
    let mut fat = build_fat(&[arm64(), x86()]);
    // fat_arch[1].cputype := CPU_TYPE_ARM64 | subtype 2 (arm64e): the slice is x86_64.
    fat[28..32].copy_from_slice(&0x0100_000cu32.to_be_bytes());
    fat[32..36].copy_from_slice(&2u32.to_be_bytes());
    let e = macho::parse(&fat, "X", &Limits::default()).unwrap_err();
    assert!(
        matches!(&e, MachOError::ArchMismatch { index: 1, fat_arch, slice_arch, .. }
            if fat_arch == "arm64e" && slice_arch == "x86_64"),
        "{e}"
    );
    assert!(e.is_not_loadable());
}

#[test]
fn huge_nfat_arch_is_rejected_fast() {
    // 10^6 zero-sized arches after a 20 MB table: XNU/dyld accept at most
    // one page of fat header, and the check must not be quadratic.
    let n: u32 = 1_000_000;
    let mut fat = Vec::with_capacity(8 + 20 * n as usize + 64);
    fat.extend_from_slice(&0xcafe_babeu32.to_be_bytes());
    fat.extend_from_slice(&n.to_be_bytes());
    let end = 8 + 20 * n;
    for i in 0..n {
        for x in [7u32, i, end, 0, 12] {
            fat.extend_from_slice(&x.to_be_bytes());
        }
    }
    fat.extend_from_slice(&[0; 64]);
    let t = Instant::now();
    let e = macho::parse(&fat, "X", &Limits::default()).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(
        matches!(
            e,
            MachOError::TooManyArches {
                nfat_arch: 1_000_000,
                max: 204,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(max_fat_arches(true), 127);
}

#[test]
fn not_loadable_framework_is_ps902_in_an_ipa() {
    let mut files: HashMap<String, Vec<u8>> = sample_files()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let fw = "Payload/SampleLive.app/Frameworks/FirebaseAnalytics.framework/FirebaseAnalytics";
    files.insert(fw.into(), build_fat(&[arm64(), arm64()]));
    let scan = scan_bundle(&files, &Limits::default()).unwrap();
    let ps902: Vec<_> = precheck(&scan)
        .into_iter()
        .filter(|f| f.code == "PS902")
        .collect();
    assert_eq!(ps902.len(), 1, "{ps902:?}");
    assert_eq!(ps902[0].subject, fw);
    assert!(ps902[0].message.contains("duplicate cputype"), "{ps902:?}");
    // Negative: the sample IPA as built has no PS902.
    let clean: HashMap<String, Vec<u8>> = sample_files()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let scan = scan_bundle(&clean, &Limits::default()).unwrap();
    assert!(!precheck(&scan).iter().any(|f| f.code == "PS902"));
}
