//! Writes DEX files (version 035) whose classes have methods with code, so
//! tests know exactly which call sites exist: [`build`] lays out
//! `string_ids`, `type_ids`, `proto_ids` (one proto, `()V`), `field_ids`,
//! `method_ids` (all sorted as the format requires), `class_defs`,
//! `code_item`s, `class_data_item`s, `string_data_item`s and a `map_list`,
//! with a correct Adler-32 `checksum` and SHA-1 `signature`;
//! [`expected_refs`] lists the references the code holds.
//!
//! Trusts its input (test code; ASCII names). Format facts: AOSP "Dalvik
//! Executable format" and "Dalvik bytecode"; `dexdump` accepts the output
//! (see the test below).

use crate::android::dex::{NO_INDEX, adler32};
use crate::testkit::dex::sha1;
use std::collections::BTreeSet;

/// One instruction of a test method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insn {
    /// An invoke of `class->name()V` with opcode `op` (0x6e–0x72 35c,
    /// 0x74–0x78 3rc, 0xfa 45cc, 0xfb 4rcc); no argument registers.
    Invoke {
        /// Opcode byte.
        op: u8,
        /// Target class descriptor, e.g. `Landroid/telephony/TelephonyManager;`.
        class: String,
        /// Target method name.
        name: String,
    },
    /// `const-string v0, "s"` (`jumbo`: `const-string/jumbo`).
    ConstString {
        /// The string.
        value: String,
        /// Use the 31c form.
        jumbo: bool,
    },
    /// `sget-object v0, class->name:type` (`instance`: `iget-object v0, v0, ...`).
    GetField {
        /// Field's class descriptor.
        class: String,
        /// Field name.
        name: String,
        /// Field type descriptor.
        ty: String,
        /// `iget-object` (0x54) instead of `sget-object` (0x62).
        instance: bool,
    },
    /// Raw code units (other instructions, payloads); not a reference.
    Raw(Vec<u16>),
}

impl Insn {
    /// `invoke-virtual` (0x6e) of `class->name`.
    pub fn virt(class: &str, name: &str) -> Insn {
        Insn::Invoke {
            op: 0x6e,
            class: class.into(),
            name: name.into(),
        }
    }

    /// An invoke with opcode `op`.
    pub fn invoke(op: u8, class: &str, name: &str) -> Insn {
        Insn::Invoke {
            op,
            class: class.into(),
            name: name.into(),
        }
    }

    /// `const-string`.
    pub fn string(value: &str) -> Insn {
        Insn::ConstString {
            value: value.into(),
            jumbo: false,
        }
    }

    /// `sget-object` of a `Ljava/lang/String;` field.
    pub fn sget(class: &str, name: &str) -> Insn {
        Insn::GetField {
            class: class.into(),
            name: name.into(),
            ty: "Ljava/lang/String;".into(),
            instance: false,
        }
    }

    /// Width in code units.
    pub fn units(&self) -> usize {
        match self {
            Insn::Invoke {
                op: 0xfa | 0xfb, ..
            } => 4,
            Insn::Invoke { .. } => 3,
            Insn::ConstString { jumbo: true, .. } => 3,
            Insn::ConstString { .. } | Insn::GetField { .. } => 2,
            Insn::Raw(u) => u.len(),
        }
    }
}

/// A method of a test class (`()V`, `public static` when direct).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSpec {
    /// Method name.
    pub name: String,
    /// Its code, followed by an implicit `return-void`.
    pub code: Vec<Insn>,
    /// In `virtual_methods` (public) instead of `direct_methods` (public static).
    pub is_virtual: bool,
}

impl MethodSpec {
    /// A direct method.
    pub fn new(name: &str, code: Vec<Insn>) -> Self {
        MethodSpec {
            name: name.into(),
            code,
            is_virtual: false,
        }
    }
}

/// A test class: descriptor and methods (names unique per class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSpec {
    /// Descriptor, e.g. `Lcom/foo/Bar;`.
    pub descriptor: String,
    /// Its methods.
    pub methods: Vec<MethodSpec>,
}

impl ClassSpec {
    /// A class with `methods`.
    pub fn new(descriptor: &str, methods: Vec<MethodSpec>) -> Self {
        ClassSpec {
            descriptor: descriptor.into(),
            methods,
        }
    }
}

/// One reference the built code holds: `(caller class, caller method,
/// pc in code units, kind, target)`, target as `Lc;->name` for methods and
/// fields or the string itself. Kind is `"invoke"`, `"const-string"`, `"sget"`
/// or `"iget"`.
pub type ExpectedRef = (String, String, u32, &'static str, String);

/// The references in `classes`, in class, method and pc order.
pub fn expected_refs(classes: &[ClassSpec]) -> Vec<ExpectedRef> {
    let mut out = Vec::new();
    for c in classes {
        for m in &c.methods {
            let mut pc = 0u32;
            for i in &m.code {
                let (kind, target) = match i {
                    Insn::Invoke { class, name, .. } => ("invoke", format!("{class}->{name}")),
                    Insn::ConstString { value, .. } => ("const-string", value.clone()),
                    Insn::GetField {
                        class,
                        name,
                        instance,
                        ..
                    } => (
                        if *instance { "iget" } else { "sget" },
                        format!("{class}->{name}"),
                    ),
                    Insn::Raw(_) => ("", String::new()),
                };
                if !kind.is_empty() {
                    out.push((c.descriptor.clone(), m.name.clone(), pc, kind, target));
                }
                pc += i.units() as u32;
            }
        }
    }
    out.sort();
    out
}

/// Append `v` as ULEB128.
pub fn uleb128(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn pos<T: Ord>(v: &[T], x: &T) -> u32 {
    v.binary_search(x).map(|i| i as u32).unwrap_or(NO_INDEX)
}

/// Build a DEX holding `classes` (every class extends `Ljava/lang/Object;`).
pub fn build(classes: &[ClassSpec]) -> Vec<u8> {
    const OBJECT: &str = "Ljava/lang/Object;";
    // ---- collect names ----
    let mut strings: BTreeSet<String> = ["V".to_string(), OBJECT.to_string()].into();
    let mut types: BTreeSet<String> = ["V".to_string(), OBJECT.to_string()].into();
    let mut fields: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut methods: BTreeSet<(String, String)> = BTreeSet::new();
    for c in classes {
        strings.insert(c.descriptor.clone());
        types.insert(c.descriptor.clone());
        for m in &c.methods {
            strings.insert(m.name.clone());
            methods.insert((c.descriptor.clone(), m.name.clone()));
            for i in &m.code {
                match i {
                    Insn::Invoke { class, name, .. } => {
                        strings.extend([class.clone(), name.clone()]);
                        types.insert(class.clone());
                        methods.insert((class.clone(), name.clone()));
                    }
                    Insn::ConstString { value, .. } => {
                        strings.insert(value.clone());
                    }
                    Insn::GetField {
                        class, name, ty, ..
                    } => {
                        strings.extend([class.clone(), name.clone(), ty.clone()]);
                        types.extend([class.clone(), ty.clone()]);
                        fields.insert((class.clone(), name.clone(), ty.clone()));
                    }
                    Insn::Raw(_) => {}
                }
            }
        }
    }
    let strings: Vec<String> = strings.into_iter().collect();
    let sidx = |s: &str| pos(&strings, &s.to_string());
    // type_ids sorted by string index = by string (strings are sorted).
    let types: Vec<String> = types.into_iter().collect();
    let tidx = |s: &str| pos(&types, &s.to_string());
    // field_ids / method_ids sorted by (class type idx, name string idx, type/proto).
    let fields: Vec<(String, String, String)> = fields.into_iter().collect();
    let methods: Vec<(String, String)> = methods.into_iter().collect();
    let fidx =
        |c: &str, n: &str, t: &str| pos(&fields, &(c.to_string(), n.to_string(), t.to_string()));
    let midx = |c: &str, n: &str| pos(&methods, &(c.to_string(), n.to_string()));
    let mut defs: Vec<&ClassSpec> = classes.iter().collect();
    defs.sort_by(|a, b| a.descriptor.cmp(&b.descriptor));

    // ---- layout ----
    let (ns, nt, nf, nm, nc) = (
        strings.len() as u32,
        types.len() as u32,
        fields.len() as u32,
        methods.len() as u32,
        defs.len() as u32,
    );
    let string_ids_off = 0x70u32;
    let type_ids_off = string_ids_off + 4 * ns;
    let proto_ids_off = type_ids_off + 4 * nt;
    let field_ids_off = proto_ids_off + 12;
    let method_ids_off = field_ids_off + 8 * nf;
    let class_defs_off = method_ids_off + 8 * nm;
    let data_off = class_defs_off + 32 * nc;

    // code_items (4-aligned), in class then method order.
    let mut data = Vec::new();
    let mut code_offs: Vec<Vec<u32>> = Vec::new();
    let mut n_code = 0u32;
    for c in &defs {
        let mut offs = Vec::new();
        for m in &c.methods {
            while !data.len().is_multiple_of(4) {
                data.push(0);
            }
            offs.push(data_off + data.len() as u32);
            n_code += 1;
            let mut units: Vec<u16> = Vec::new();
            for i in &m.code {
                match i {
                    Insn::Invoke { op, class, name } => {
                        let idx = midx(class, name);
                        units.push(u16::from(*op));
                        units.push(idx as u16);
                        units.push(0);
                        if matches!(op, 0xfa | 0xfb) {
                            units.push(0); // proto 0
                        }
                    }
                    Insn::ConstString { value, jumbo } => {
                        let idx = sidx(value);
                        if *jumbo {
                            units.extend([0x1b, idx as u16, (idx >> 16) as u16]);
                        } else {
                            units.extend([0x1a, idx as u16]);
                        }
                    }
                    Insn::GetField {
                        class,
                        name,
                        ty,
                        instance,
                    } => {
                        let op = if *instance { 0x54 } else { 0x62 };
                        units.extend([op, fidx(class, name, ty) as u16]);
                    }
                    Insn::Raw(u) => units.extend(u),
                }
            }
            units.push(0x0e); // return-void
            for v in [4u16, 0, 4, 0] {
                data.extend_from_slice(&v.to_le_bytes()); // registers, ins, outs, tries
            }
            data.extend_from_slice(&0u32.to_le_bytes()); // debug_info_off
            data.extend_from_slice(&(units.len() as u32).to_le_bytes());
            for u in units {
                data.extend_from_slice(&u.to_le_bytes());
            }
        }
        code_offs.push(offs);
    }
    let code_end = data.len();
    // class_data_items.
    let mut class_data_offs = Vec::new();
    for (c, offs) in defs.iter().zip(&code_offs) {
        class_data_offs.push(data_off + data.len() as u32);
        let mut direct: Vec<(u32, u32)> = Vec::new();
        let mut virt: Vec<(u32, u32)> = Vec::new();
        for (m, off) in c.methods.iter().zip(offs) {
            let e = (midx(&c.descriptor, &m.name), *off);
            if m.is_virtual { &mut virt } else { &mut direct }.push(e);
        }
        direct.sort_unstable();
        virt.sort_unstable();
        uleb128(&mut data, 0);
        uleb128(&mut data, 0);
        uleb128(&mut data, direct.len() as u32);
        uleb128(&mut data, virt.len() as u32);
        for (list, flags) in [(&direct, 0x0009u32), (&virt, 0x0001)] {
            let mut prev = 0u32;
            for (i, (idx, off)) in list.iter().enumerate() {
                uleb128(&mut data, if i == 0 { *idx } else { idx - prev });
                prev = *idx;
                uleb128(&mut data, flags);
                uleb128(&mut data, *off);
            }
        }
    }
    let class_data_start = data_off + code_end as u32;
    // string_data_items.
    let string_data_start = data_off + data.len() as u32;
    let mut string_offs = Vec::new();
    for s in &strings {
        string_offs.push(data_off + data.len() as u32);
        uleb128(&mut data, s.len() as u32);
        data.extend_from_slice(s.as_bytes());
        data.push(0);
    }
    while !data.len().is_multiple_of(4) {
        data.push(0);
    }
    let map_off = data_off + data.len() as u32;
    let mut map: Vec<(u16, u32, u32)> = vec![
        (0x0000, 1, 0),
        (0x0001, ns, string_ids_off),
        (0x0002, nt, type_ids_off),
        (0x0003, 1, proto_ids_off),
    ];
    if nf > 0 {
        map.push((0x0004, nf, field_ids_off));
    }
    if nm > 0 {
        map.push((0x0005, nm, method_ids_off));
    }
    if nc > 0 {
        map.push((0x0006, nc, class_defs_off));
    }
    if n_code > 0 {
        map.push((0x2001, n_code, data_off));
    }
    if nc > 0 {
        map.push((0x2000, nc, class_data_start));
    }
    map.push((0x2002, ns, string_data_start));
    map.push((0x1000, 1, map_off));
    let file_size = map_off + 4 + 12 * map.len() as u32;

    // ---- write ----
    let mut out = vec![0u8; 0x70];
    let w32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    for off in &string_offs {
        w32(&mut out, *off);
    }
    for t in &types {
        w32(&mut out, sidx(t));
    }
    // proto ()V: shorty "V", return type V, no parameters.
    for v in [sidx("V"), tidx("V"), 0] {
        w32(&mut out, v);
    }
    for (c, n, t) in &fields {
        out.extend_from_slice(&(tidx(c) as u16).to_le_bytes());
        out.extend_from_slice(&(tidx(t) as u16).to_le_bytes());
        w32(&mut out, sidx(n));
    }
    for (c, n) in &methods {
        out.extend_from_slice(&(tidx(c) as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        w32(&mut out, sidx(n));
    }
    for (c, cdo) in defs.iter().zip(&class_data_offs) {
        for v in [
            tidx(&c.descriptor),
            0x0001,
            tidx(OBJECT),
            0,
            NO_INDEX,
            0,
            *cdo,
            0,
        ] {
            w32(&mut out, v);
        }
    }
    out.extend_from_slice(&data);
    w32(&mut out, map.len() as u32);
    for (ty, size, off) in &map {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        w32(&mut out, *size);
        w32(&mut out, *off);
    }
    debug_assert_eq!(out.len(), file_size as usize);
    let header: [(usize, u32); 18] = [
        (0x20, file_size),
        (0x24, 0x70),
        (0x28, 0x1234_5678),
        (0x34, map_off),
        (0x38, ns),
        (0x3c, string_ids_off),
        (0x40, nt),
        (0x44, type_ids_off),
        (0x48, 1),
        (0x4c, proto_ids_off),
        (0x50, nf),
        (0x54, if nf > 0 { field_ids_off } else { 0 }),
        (0x58, nm),
        (0x5c, if nm > 0 { method_ids_off } else { 0 }),
        (0x60, nc),
        (0x64, if nc > 0 { class_defs_off } else { 0 }),
        (0x68, file_size - data_off),
        (0x6c, data_off),
    ];
    out[..8].copy_from_slice(b"dex\n035\0");
    for (off, v) in header {
        out[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }
    let sig = sha1(&out[32..]);
    out[12..32].copy_from_slice(&sig);
    let sum = adler32(&out[12..]);
    out[8..12].copy_from_slice(&sum.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Debian's `dexdump` (ART's structural verifier) as an oracle.
    #[test]
    fn dexdump_accepts_dex_with_code() {
        if std::process::Command::new("dexdump")
            .arg("-h")
            .output()
            .is_err()
        {
            eprintln!("SKIP: dexdump not installed (apt-get install dexdump)");
            return;
        }
        let classes = vec![
            ClassSpec::new(
                "Lcom/app/Main;",
                vec![
                    MethodSpec::new(
                        "run",
                        vec![
                            Insn::virt("Landroid/telephony/TelephonyManager;", "getDeviceId"),
                            Insn::string("android_id"),
                            Insn::sget("Landroid/os/Build;", "SERIAL"),
                        ],
                    ),
                    MethodSpec {
                        is_virtual: true,
                        ..MethodSpec::new(
                            "onResume",
                            vec![Insn::invoke(0x77, "Lcom/app/Main;", "run")],
                        )
                    },
                ],
            ),
            ClassSpec::new("Lcom/app/Empty;", vec![]),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("classes.dex");
        std::fs::write(&path, build(&classes)).unwrap();
        let out = std::process::Command::new("dexdump")
            .args(["-d"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(
            !text.contains("Failure") && !text.contains("ERROR"),
            "{text}"
        );
        assert!(
            text.contains("Landroid/telephony/TelephonyManager;.getDeviceId:()V"),
            "{text}"
        );
        assert!(text.contains("\"android_id\""), "{text}");
        assert!(
            text.contains("Landroid/os/Build;.SERIAL:Ljava/lang/String;"),
            "{text}"
        );
        assert!(text.contains("invoke-static/range"), "{text}");
    }
}
