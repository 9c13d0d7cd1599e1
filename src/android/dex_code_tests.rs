use super::*;
use crate::android::dex::parse;
use crate::limits::Limits;
use crate::testkit::dex_code::{
    ClassSpec, ExpectedRef, Insn, MethodSpec, build, expected_refs, uleb128,
};

/// Walk `bytes` and resolve every reference the way [`expected_refs`] writes it.
fn walked(bytes: &[u8]) -> (Vec<ExpectedRef>, WalkStats) {
    let dex = parse(bytes, &Limits::default()).unwrap();
    let idx = index(&dex).unwrap();
    let mut out = Vec::new();
    let stats = idx.walk(&mut |caller, r| {
        let class =
            String::from_utf8(dex.type_descriptor(caller.class_idx).unwrap().to_vec()).unwrap();
        let method =
            String::from_utf8(idx.method_ref(caller.method_idx).unwrap().1.to_vec()).unwrap();
        let (kind, target) = match r.kind {
            k if k.is_method() => {
                let (c, n) = idx.method_ref(r.index).unwrap();
                (
                    "invoke",
                    format!(
                        "{}->{}",
                        String::from_utf8_lossy(c),
                        String::from_utf8_lossy(n)
                    ),
                )
            }
            RefKind::ConstString => (
                "const-string",
                String::from_utf8(dex.string(r.index).unwrap().to_vec()).unwrap(),
            ),
            k => {
                let (c, n) = idx.field_ref(r.index).unwrap();
                (
                    if k == RefKind::InstanceGet {
                        "iget"
                    } else {
                        "sget"
                    },
                    format!(
                        "{}->{}",
                        String::from_utf8_lossy(c),
                        String::from_utf8_lossy(n)
                    ),
                )
            }
        };
        out.push((class, method, r.pc, kind, target));
    });
    out.sort();
    (out, stats)
}

const TM: &str = "Landroid/telephony/TelephonyManager;";

fn sample_classes() -> Vec<ClassSpec> {
    // A packed-switch payload whose targets look like invoke-virtual units,
    // a sparse-switch payload and a fill-array-data payload with an odd
    // byte count: none may be decoded as instructions.
    let packed = vec![0x0100, 2, 0, 0, 0x006e, 0, 0x006e, 0];
    let sparse = vec![0x0200, 1, 0x006e, 0, 0x1a, 0];
    let fill = vec![0x0300, 1, 3, 0, 0x6e1a, 0x0071];
    vec![
        ClassSpec::new(
            "Lcom/app/Main;",
            vec![
                MethodSpec::new(
                    "onCreate",
                    vec![
                        Insn::virt(TM, "getDeviceId"),
                        Insn::Raw(vec![0x0018, 0x006e, 0x0000, 0x006e, 0x0000]), // const-wide v0, #+... (51l)
                        Insn::invoke(0x74, TM, "getImei"), // invoke-virtual/range
                        Insn::Raw(vec![0x0028]),           // goto (10t)
                        Insn::invoke(0xfa, "Ljava/lang/invoke/MethodHandle;", "invokeExact"),
                        Insn::invoke(0xfb, "Ljava/lang/invoke/MethodHandle;", "invoke"),
                        Insn::string("android_id"),
                        Insn::ConstString {
                            value: "content://sms/inbox".into(),
                            jumbo: true,
                        },
                        Insn::sget("Landroid/os/Build;", "SERIAL"),
                        Insn::GetField {
                            class: "Landroid/net/wifi/WifiInfo;".into(),
                            name: "mMacAddress".into(),
                            ty: "Ljava/lang/String;".into(),
                            instance: true,
                        },
                    ],
                ),
                MethodSpec {
                    is_virtual: true,
                    ..MethodSpec::new(
                        "onResume",
                        vec![
                            Insn::invoke(0x6f, "Landroid/app/Activity;", "onResume"),
                            Insn::Raw(vec![0x0000]), // nop: payloads are 4-byte aligned
                            Insn::Raw(packed),
                            Insn::invoke(0x70, "Lcom/app/Main;", "<init>"),
                            Insn::Raw(sparse),
                            Insn::invoke(0x71, "Lcom/app/Main;", "onCreate"),
                            Insn::Raw(fill),
                            Insn::invoke(
                                0x72,
                                "Landroid/content/ClipboardManager;",
                                "getPrimaryClip",
                            ),
                            Insn::invoke(0x75, "Landroid/app/Activity;", "onPause"),
                            Insn::invoke(0x76, "Lcom/app/Main;", "<init>"),
                            Insn::invoke(0x77, "Lcom/app/Main;", "onCreate"),
                            Insn::invoke(0x78, "Landroid/content/ClipboardManager;", "getText"),
                        ],
                    )
                },
            ],
        ),
        ClassSpec::new(
            "Lcom/sdk/Tracker;",
            vec![MethodSpec::new(
                "collect",
                vec![Insn::virt(TM, "getSubscriberId")],
            )],
        ),
        ClassSpec::new("Lcom/app/NoCode;", vec![]),
    ]
}

#[test]
fn built_dex_gives_exactly_its_call_sites() {
    let classes = sample_classes();
    let bytes = build(&classes);
    let (got, stats) = walked(&bytes);
    let want = expected_refs(&classes);
    assert_eq!(got, want);
    assert_eq!(want.len(), 17);
    assert!(stats.complete(), "{stats:?}");
    assert_eq!(stats.methods, 3);
    assert_eq!(stats.refs, 17);
    // pcs follow the widths: invoke 3, const-wide 5, invoke/range 3, goto 1, 45cc 4.
    let pcs: Vec<u32> = got
        .iter()
        .filter(|r| r.1 == "onCreate")
        .map(|r| r.2)
        .collect();
    assert_eq!(pcs, vec![0, 8, 12, 16, 20, 22, 25, 27]);
}

#[test]
fn opcode_widths_follow_the_formats() {
    // One instruction of each format, spot values from the bytecode table.
    for (op, units) in [
        (0x00, 1),
        (0x01, 1),
        (0x02, 2),
        (0x03, 3),
        (0x12, 1),
        (0x13, 2),
        (0x14, 3),
        (0x18, 5),
        (0x1a, 2),
        (0x1b, 3),
        (0x24, 3),
        (0x25, 3),
        (0x26, 3),
        (0x28, 1),
        (0x29, 2),
        (0x2a, 3),
        (0x2b, 3),
        (0x2c, 3),
        (0x2d, 2),
        (0x32, 2),
        (0x38, 2),
        (0x3e, 1),
        (0x44, 2),
        (0x52, 2),
        (0x60, 2),
        (0x6e, 3),
        (0x73, 1),
        (0x74, 3),
        (0x79, 1),
        (0x7b, 1),
        (0x90, 2),
        (0xb0, 1),
        (0xd0, 2),
        (0xd8, 2),
        (0xe3, 1),
        (0xfa, 4),
        (0xfb, 4),
        (0xfc, 3),
        (0xfd, 3),
        (0xfe, 2),
        (0xff, 2),
    ] {
        assert_eq!(WIDTHS[op], units, "opcode 0x{op:02x}");
    }
    // fill-array-data-payload: 4 + ceil(width × size / 2).
    let p = [0x00u8, 0x03, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(insn_width(&p, 0, 0x0300), Some(6));
    let p = [0x00u8, 0x01, 5, 0];
    assert_eq!(insn_width(&p, 0, 0x0100), Some(14));
    let p = [0x00u8, 0x02, 5, 0];
    assert_eq!(insn_width(&p, 0, 0x0200), Some(22));
    // A payload header cut short.
    assert_eq!(insn_width(&[0x00, 0x03], 0, 0x0300), None);
}

#[test]
fn instruction_past_insns_end_is_a_method_error() {
    // invoke-virtual needs 3 units; the method's insns stop after 2.
    let classes = vec![ClassSpec::new(
        "La/B;",
        vec![
            MethodSpec::new("bad", vec![Insn::Raw(vec![0x000e, 0x006e])]),
            MethodSpec::new("good", vec![Insn::virt(TM, "getImei")]),
        ],
    )];
    let mut bytes = build(&classes);
    // Drop the implicit return-void of "bad" by shrinking its insns_size (3 → 2).
    let dex = parse(&bytes, &Limits::default()).unwrap();
    let data_off = u32::from_le_bytes(bytes[0x6c..0x70].try_into().unwrap()) as usize;
    drop(dex);
    assert_eq!(
        u32::from_le_bytes(bytes[data_off + 12..data_off + 16].try_into().unwrap()),
        3
    );
    bytes[data_off + 12..data_off + 16].copy_from_slice(&2u32.to_le_bytes());
    let (got, stats) = walked(&bytes);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "good");
    assert_eq!(stats.error_count, 1);
    assert!(
        stats.errors[0].contains("runs past insns_size 2"),
        "{:?}",
        stats.errors
    );
    assert!(!stats.complete());
}

#[test]
fn shared_code_items_are_capped_not_quadratic() {
    // 2,000 methods whose class_data all point at one 3,000-unit code item:
    // the sweep would be 6 M units; the cap stops it at 4 × file size.
    let long: Vec<Insn> = (0..1000).map(|_| Insn::virt(TM, "getImei")).collect();
    let mut methods = vec![MethodSpec::new("m0", long)];
    methods.extend((1..2000).map(|i| MethodSpec::new(&format!("m{i}"), vec![])));
    let bytes = build(&[ClassSpec::new("La/B;", methods)]);
    let data_off = u32::from_le_bytes(bytes[0x6c..0x70].try_into().unwrap());
    // A new class_data_item at the end of the file whose 2,000 methods all
    // point at the first code item.
    let mut hostile = bytes.clone();
    let new_off = hostile.len() as u32;
    for v in [0u32, 0, 2000, 0] {
        uleb128(&mut hostile, v);
    }
    for i in 0..2000u32 {
        for v in [u32::from(i != 0), 9, data_off] {
            uleb128(&mut hostile, v);
        }
    }
    let class_defs_off = u32::from_le_bytes(bytes[0x64..0x68].try_into().unwrap()) as usize;
    hostile[class_defs_off + 24..class_defs_off + 28].copy_from_slice(&new_off.to_le_bytes());
    let (got, stats) = walked(&hostile);
    assert!(stats.truncated, "{stats:?}");
    assert!(stats.code_units <= 4 * hostile.len() as u64, "{stats:?}");
    assert!(!got.is_empty());
}

#[test]
fn every_truncation_and_byte_flip_is_handled() {
    let bytes = build(&sample_classes());
    let run = |b: &[u8]| {
        if let Ok(d) = parse(b, &Limits::default())
            && let Ok(idx) = index(&d)
        {
            let mut n = 0u64;
            let s = idx.walk(&mut |c, r| {
                let _ = idx.method_ref(c.method_idx);
                if r.kind.is_method() {
                    let _ = idx.method_ref(r.index);
                } else if r.kind.is_field() {
                    let _ = idx.field_ref(r.index);
                }
                n += 1;
            });
            assert_eq!(s.refs, n);
        }
    };
    for n in 0..bytes.len() {
        run(&bytes[..n]);
    }
    for i in 0..bytes.len() {
        for x in [0xffu8, 0x80, 0x01] {
            let mut b = bytes.clone();
            b[i] ^= x;
            run(&b);
        }
    }
}
