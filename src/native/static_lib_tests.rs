use super::*;
use crate::testkit::ar::{Style, build, build_fat_of, object, sample_static_lib};
use crate::testkit::macho::Arch;

#[test]
fn fat_of_ar_members_give_objc_classes_per_arch() {
    let lib = parse(&sample_static_lib(), "libSampleSDK.a", &Limits::default()).unwrap();
    assert_eq!(lib.archs, ["arm64", "x86_64"]);
    let entries: Vec<&str> = lib
        .members
        .iter()
        .map(|m| m.binary.entry.as_str())
        .collect();
    assert_eq!(
        entries,
        [
            "arm64/SDImageCache.o",
            "arm64/AgoraRtcEngineKitCore.o",
            "x86_64/SDImageCache.o",
            "x86_64/AgoraRtcEngineKitCore.o"
        ]
    );
    let first = &lib.members[0].binary.slices[0];
    assert_eq!(first.arch, "arm64");
    assert!(
        first
            .objc_classes
            .contains(&"SDWebImageManager".to_string())
    );
    assert!(first.imported_symbols.contains(&"_stat".to_string()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    assert!(is_static_lib(&sample_static_lib()));
}

#[test]
fn gnu_archive_of_elf_objects() {
    let so = crate::testkit::elf::build(&crate::testkit::elf::ElfSpec {
        machine: 183,
        exports: vec!["Java_io_agora_rtc2_internal_RtcEngineImpl_nativeCreate".into()],
        imports: vec!["malloc".into()],
        ..Default::default()
    });
    let data = build(
        Style::Gnu,
        &[
            ("agora_rtc_engine_impl.o", so),
            ("README", b"text".to_vec()),
        ],
        &[],
    );
    let lib = parse(&data, "libagora.a", &Limits::default()).unwrap();
    assert_eq!(lib.members.len(), 1);
    assert_eq!(lib.other_members, 1);
    let s = &lib.members[0].binary.slices[0];
    assert_eq!(lib.members[0].binary.entry, "agora_rtc_engine_impl.o");
    assert_eq!(
        s.exported_symbols,
        ["Java_io_agora_rtc2_internal_RtcEngineImpl_nativeCreate"]
    );
    assert_eq!(s.imported_symbols, ["malloc"]);
}

#[test]
fn malformed_member_and_bad_slices_are_reported() {
    let mut junk_macho = object(Arch::Arm64, &["X"], &[]);
    junk_macho.truncate(40); // header survives, load commands do not
    let data = build(
        Style::Bsd,
        &[("bad.o", junk_macho)],
        &[("_OBJC_CLASS_$_X", 0)],
    );
    let lib = parse(&data, "lib.a", &Limits::default()).unwrap();
    assert!(
        !lib.problems.is_empty(),
        "a truncated member must be reported"
    );
    // A fat file whose second slice is not an archive.
    let fat = build_fat_of(&[
        (
            0x0100_000c,
            0,
            build(
                Style::Bsd,
                &[("a.o", object(Arch::Arm64, &["A"], &[]))],
                &[],
            ),
        ),
        (0x0100_0007, 3, b"garbage".to_vec()),
    ]);
    let lib = parse(&fat, "lib.a", &Limits::default()).unwrap();
    assert_eq!(lib.members.len(), 1);
    assert!(
        lib.problems
            .iter()
            .any(|(e, m)| e == "x86_64/" && m.contains("not an ar archive"))
    );
    // A slice past the end of the file.
    let mut cut = fat.clone();
    cut.truncate(5000);
    assert!(matches!(
        parse(&cut, "lib.a", &Limits::default()),
        Err(StaticLibError::BadFat { .. })
    ));
    // A fat file of Mach-O slices is not a static library.
    let thin = crate::testkit::macho::build_thin(&Default::default());
    assert!(!is_static_lib(&crate::testkit::macho::build_fat(&[thin])));
}
