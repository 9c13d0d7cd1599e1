//! Writes small but real Mach-O files (thin arm64 / x86_64, and fat) for
//! tests and fixtures: `LC_SEGMENT_64 __TEXT` with `__objc_classname` and
//! `__objc_methname`, `LC_ID_DYLIB`, `LC_LOAD_DYLIB` / `LC_LOAD_WEAK_DYLIB` /
//! `LC_REEXPORT_DYLIB`, `LC_SYMTAB` with imported (undefined external) and
//! exported symbols, and `LC_CODE_SIGNATURE` → SuperBlob (CodeDirectory with
//! identifier and team id, XML and/or DER entitlements).
//!
//! Layouts follow Apple `<mach-o/loader.h>`, `<mach-o/nlist.h>`,
//! `<mach-o/fat.h>` and `xnu/osfmk/kern/cs_blobs.h`. Test code: panics on
//! misuse are acceptable here.

/// Target CPU of a thin slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    fn cpu(self) -> (u32, u32) {
        match self {
            Arch::Arm64 => (0x0100_000c, 0),
            Arch::X86_64 => (0x0100_0007, 3),
        }
    }
}

/// Kind of a dylib load command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DylibKind {
    Load,
    Weak,
    Reexport,
}

impl DylibKind {
    fn cmd(self) -> u32 {
        match self {
            DylibKind::Load => 0xc,
            DylibKind::Weak => 0x8000_0018,
            DylibKind::Reexport => 0x8000_001f,
        }
    }
}

/// `MH_EXECUTE`.
pub const MH_EXECUTE: u32 = 2;
/// `MH_DYLIB`.
pub const MH_DYLIB: u32 = 6;

/// What to put in a thin Mach-O.
#[derive(Debug, Clone, PartialEq)]
pub struct MachOSpec {
    pub arch: Arch,
    pub filetype: u32,
    pub id_dylib: Option<String>,
    pub dylibs: Vec<(DylibKind, String)>,
    /// Undefined external symbols, as written in the symbol table (`_stat`).
    pub imports: Vec<String>,
    /// Defined external symbols (`_OBJC_CLASS_$_FIRApp`).
    pub exports: Vec<String>,
    /// Names in `__TEXT,__objc_classname`.
    pub objc_classes: Vec<String>,
    /// Names in `__TEXT,__objc_methname`.
    pub objc_selectors: Vec<String>,
    /// CodeDirectory identifier and team id (a signature is written when
    /// any of the signature fields is set).
    pub identifier: Option<String>,
    pub team_id: Option<String>,
    /// Payload of the `0xfade7171` blob (an XML plist).
    pub entitlements_xml: Option<Vec<u8>>,
    /// Payload of the `0xfade7172` blob (DER).
    pub entitlements_der: Option<Vec<u8>>,
    /// Replace the whole SuperBlob with these bytes (hostile tests).
    pub raw_signature: Option<Vec<u8>>,
    /// Write `LC_ENCRYPTION_INFO_64` with this `cryptid`.
    pub cryptid: Option<u32>,
}

impl Default for MachOSpec {
    fn default() -> Self {
        MachOSpec {
            arch: Arch::Arm64,
            filetype: MH_EXECUTE,
            id_dylib: None,
            dylibs: Vec::new(),
            imports: Vec::new(),
            exports: Vec::new(),
            objc_classes: Vec::new(),
            objc_selectors: Vec::new(),
            identifier: None,
            team_id: None,
            entitlements_xml: None,
            entitlements_der: None,
            raw_signature: None,
            cryptid: None,
        }
    }
}

fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn u64le(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn name16(s: &str) -> [u8; 16] {
    let mut n = [0u8; 16];
    for (d, b) in n.iter_mut().zip(s.bytes()) {
        *d = b;
    }
    n
}

fn pad8(v: &mut Vec<u8>) {
    while !v.len().is_multiple_of(8) {
        v.push(0);
    }
}

fn nul_joined(items: &[String]) -> Vec<u8> {
    let mut v = Vec::new();
    for s in items {
        v.extend_from_slice(s.as_bytes());
        v.push(0);
    }
    v
}

/// Builds the SuperBlob for `spec` (`None` when the spec has no signature).
pub fn superblob(spec: &MachOSpec) -> Option<Vec<u8>> {
    if let Some(raw) = &spec.raw_signature {
        return Some(raw.clone());
    }
    if spec.identifier.is_none()
        && spec.entitlements_xml.is_none()
        && spec.entitlements_der.is_none()
    {
        return None;
    }
    let mut blobs: Vec<(u32, Vec<u8>)> = Vec::new();
    // CodeDirectory, version 0x20200 (has teamOffset), no hashes.
    let ident = spec.identifier.clone().unwrap_or_else(|| "unknown".into());
    let mut cd = Vec::new();
    let ident_off = 52u32;
    let team_off = spec
        .team_id
        .as_ref()
        .map_or(0, |_| ident_off + ident.len() as u32 + 1);
    let mut tail = nul_joined(std::slice::from_ref(&ident));
    if let Some(t) = &spec.team_id {
        tail.extend(nul_joined(std::slice::from_ref(t)));
    }
    let len = 52 + tail.len() as u32;
    for x in [0xfade_0c02u32, len, 0x20200, 0, 52, ident_off, 0, 0, 0] {
        cd.extend_from_slice(&x.to_be_bytes());
    }
    cd.extend_from_slice(&[32, 2, 0, 12]); // hashSize, hashType (SHA-256), platform, pageSize 2^12
    cd.extend_from_slice(&0u32.to_be_bytes()); // spare2
    cd.extend_from_slice(&0u32.to_be_bytes()); // scatterOffset
    cd.extend_from_slice(&team_off.to_be_bytes());
    cd.extend(tail);
    blobs.push((0, cd));
    let wrap = |magic: u32, payload: &[u8]| {
        let mut b = Vec::new();
        b.extend_from_slice(&magic.to_be_bytes());
        b.extend_from_slice(&(payload.len() as u32 + 8).to_be_bytes());
        b.extend_from_slice(payload);
        b
    };
    if let Some(x) = &spec.entitlements_xml {
        blobs.push((5, wrap(0xfade_7171, x)));
    }
    if let Some(d) = &spec.entitlements_der {
        blobs.push((7, wrap(0xfade_7172, d)));
    }
    let header = 12 + 8 * blobs.len();
    let total: usize = header + blobs.iter().map(|(_, b)| b.len()).sum::<usize>();
    let mut out = Vec::new();
    out.extend_from_slice(&0xfade_0cc0u32.to_be_bytes());
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(blobs.len() as u32).to_be_bytes());
    let mut off = header;
    for (slot, b) in &blobs {
        out.extend_from_slice(&slot.to_be_bytes());
        out.extend_from_slice(&(off as u32).to_be_bytes());
        off += b.len();
    }
    for (_, b) in blobs {
        out.extend(b);
    }
    Some(out)
}

/// Writes a thin 64-bit little-endian Mach-O.
pub fn build_thin(spec: &MachOSpec) -> Vec<u8> {
    let classnames = nul_joined(&spec.objc_classes);
    let methnames = nul_joined(&spec.objc_selectors);
    let nsect = [!classnames.is_empty(), !methnames.is_empty()]
        .iter()
        .filter(|b| **b)
        .count() as u32;

    // Load commands (offsets patched once the data layout is known).
    let seg_size = 72 + 80 * nsect;
    let mut dylib_cmds: Vec<(u32, String)> = Vec::new();
    if let Some(id) = &spec.id_dylib {
        dylib_cmds.push((0xd, id.clone()));
    }
    dylib_cmds.extend(spec.dylibs.iter().map(|(k, p)| (k.cmd(), p.clone())));
    let dylib_size = |p: &str| ((24 + p.len() + 1).div_ceil(8) * 8) as u32;
    let sig = superblob(spec);
    let mut ncmds = 1 + dylib_cmds.len() as u32 + 1;
    let mut sizeofcmds = seg_size + dylib_cmds.iter().map(|(_, p)| dylib_size(p)).sum::<u32>() + 24;
    if sig.is_some() {
        ncmds += 1;
        sizeofcmds += 16;
    }
    if spec.cryptid.is_some() {
        ncmds += 1;
        sizeofcmds += 24;
    }
    let data_start = 32 + sizeofcmds as usize;

    // Data: section contents, then symtab + strtab, then signature.
    let mut data = Vec::new();
    let class_off = data_start + data.len();
    data.extend_from_slice(&classnames);
    let meth_off = data_start + data.len();
    data.extend_from_slice(&methnames);
    pad8(&mut data);
    let text_end = data_start + data.len();
    let symoff = data_start + data.len();
    let mut strtab = vec![b' ', 0];
    let mut nlist = Vec::new();
    let mut add_sym = |name: &str, n_type: u8, n_sect: u8, value: u64, nlist: &mut Vec<u8>| {
        let strx = strtab.len() as u32;
        strtab.extend_from_slice(name.as_bytes());
        strtab.push(0);
        u32le(nlist, strx);
        nlist.push(n_type);
        nlist.push(n_sect);
        nlist.extend_from_slice(&0u16.to_le_bytes());
        u64le(nlist, value);
    };
    for (i, e) in spec.exports.iter().enumerate() {
        add_sym(e, 0x0f, 1, 0x1_0000_0000 + 16 * i as u64, &mut nlist);
    }
    for i in &spec.imports {
        add_sym(i, 0x01, 0, 0, &mut nlist);
    }
    let nsyms = (spec.exports.len() + spec.imports.len()) as u32;
    data.extend_from_slice(&nlist);
    let stroff = data_start + data.len();
    data.extend_from_slice(&strtab);
    while !(data_start + data.len()).is_multiple_of(16) {
        data.push(0);
    }
    let sig_off = data_start + data.len();
    if let Some(s) = &sig {
        data.extend_from_slice(s);
    }

    let mut out = Vec::new();
    let (cputype, cpusubtype) = spec.arch.cpu();
    for x in [
        0xfeed_facfu32,
        cputype,
        cpusubtype,
        spec.filetype,
        ncmds,
        sizeofcmds,
        0x0020_0085,
        0,
    ] {
        u32le(&mut out, x);
    }
    // LC_SEGMENT_64 __TEXT
    u32le(&mut out, 0x19);
    u32le(&mut out, seg_size);
    out.extend_from_slice(&name16("__TEXT"));
    u64le(&mut out, 0x1_0000_0000); // vmaddr
    u64le(&mut out, text_end.next_multiple_of(0x4000) as u64); // vmsize
    u64le(&mut out, 0); // fileoff
    u64le(&mut out, text_end as u64); // filesize
    u32le(&mut out, 5);
    u32le(&mut out, 5);
    u32le(&mut out, nsect);
    u32le(&mut out, 0);
    let section = |out: &mut Vec<u8>, name: &str, off: usize, size: usize| {
        out.extend_from_slice(&name16(name));
        out.extend_from_slice(&name16("__TEXT"));
        u64le(out, 0x1_0000_0000 + off as u64);
        u64le(out, size as u64);
        u32le(out, off as u32);
        u32le(out, 0); // align
        u32le(out, 0);
        u32le(out, 0);
        u32le(out, 0x2); // S_CSTRING_LITERALS
        u32le(out, 0);
        u32le(out, 0);
        u32le(out, 0);
    };
    if !classnames.is_empty() {
        section(&mut out, "__objc_classname", class_off, classnames.len());
    }
    if !methnames.is_empty() {
        section(&mut out, "__objc_methname", meth_off, methnames.len());
    }
    for (cmd, path) in &dylib_cmds {
        let size = dylib_size(path);
        u32le(&mut out, *cmd);
        u32le(&mut out, size);
        u32le(&mut out, 24);
        u32le(&mut out, 2);
        u32le(&mut out, 0x0001_0000);
        u32le(&mut out, 0x0001_0000);
        let start = out.len();
        out.extend_from_slice(path.as_bytes());
        while out.len() - start < size as usize - 24 {
            out.push(0);
        }
    }
    // LC_SYMTAB
    for x in [
        0x2u32,
        24,
        symoff as u32,
        nsyms,
        stroff as u32,
        strtab.len() as u32,
    ] {
        u32le(&mut out, x);
    }
    if let Some(s) = &sig {
        for x in [0x1du32, 16, sig_off as u32, s.len() as u32] {
            u32le(&mut out, x);
        }
    }
    if let Some(id) = spec.cryptid {
        // LC_ENCRYPTION_INFO_64 over the section data.
        for x in [
            0x2cu32,
            24,
            class_off as u32,
            (text_end - class_off) as u32,
            id,
            0,
        ] {
            u32le(&mut out, x);
        }
    }
    assert_eq!(out.len(), data_start, "load command size mismatch");
    out.extend(data);
    out
}

/// Writes a fat (universal) file holding `slices` (each a thin Mach-O),
/// each aligned to 2^12 bytes.
pub fn build_fat(slices: &[Vec<u8>]) -> Vec<u8> {
    let align = 12u32;
    let mut out = Vec::new();
    out.extend_from_slice(&0xcafe_babeu32.to_be_bytes());
    out.extend_from_slice(&(slices.len() as u32).to_be_bytes());
    let mut off = (8 + 20 * slices.len()).next_multiple_of(1 << align);
    let mut placed = Vec::new();
    for s in slices {
        let cputype = u32::from_le_bytes(s[4..8].try_into().unwrap());
        let cpusubtype = u32::from_le_bytes(s[8..12].try_into().unwrap());
        for x in [cputype, cpusubtype, off as u32, s.len() as u32, align] {
            out.extend_from_slice(&x.to_be_bytes());
        }
        placed.push(off);
        off = (off + s.len()).next_multiple_of(1 << align);
    }
    for (s, at) in slices.iter().zip(placed) {
        out.resize(at, 0);
        out.extend_from_slice(s);
    }
    out
}

/// An XML entitlements plist from a JSON object (strings, bools, integers,
/// arrays and nested objects).
pub fn xml_entitlements(v: &serde_json::Value) -> Vec<u8> {
    fn conv(v: &serde_json::Value) -> plist::Value {
        match v {
            serde_json::Value::Bool(b) => plist::Value::Boolean(*b),
            serde_json::Value::Number(n) => plist::Value::Integer(n.as_i64().unwrap_or(0).into()),
            serde_json::Value::String(s) => plist::Value::String(s.clone()),
            serde_json::Value::Array(a) => plist::Value::Array(a.iter().map(conv).collect()),
            serde_json::Value::Object(o) => {
                plist::Value::Dictionary(o.iter().map(|(k, v)| (k.clone(), conv(v))).collect())
            }
            serde_json::Value::Null => plist::Value::String(String::new()),
        }
    }
    let mut out = Vec::new();
    conv(v).to_writer_xml(&mut out).unwrap();
    out
}

fn der_len(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
}

fn der_tlv(tag: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = tag.to_vec();
    der_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn der_value(v: &serde_json::Value) -> Vec<u8> {
    match v {
        serde_json::Value::Bool(b) => der_tlv(&[0x01], &[if *b { 0xff } else { 0 }]),
        serde_json::Value::Number(n) => {
            let x = n.as_i64().unwrap_or(0);
            let bytes = x.to_be_bytes();
            let mut start = 0;
            while start < 7
                && ((bytes[start] == 0 && bytes[start + 1] & 0x80 == 0)
                    || (bytes[start] == 0xff && bytes[start + 1] & 0x80 != 0))
            {
                start += 1;
            }
            der_tlv(&[0x02], &bytes[start..])
        }
        serde_json::Value::String(s) => der_tlv(&[0x0c], s.as_bytes()),
        serde_json::Value::Array(a) => {
            der_tlv(&[0x30], &a.iter().flat_map(der_value).collect::<Vec<_>>())
        }
        serde_json::Value::Object(o) => der_dict(o),
        serde_json::Value::Null => der_tlv(&[0x0c], b""),
    }
}

fn der_dict(o: &serde_json::Map<String, serde_json::Value>) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in o {
        let mut pair = der_tlv(&[0x0c], k.as_bytes());
        pair.extend(der_value(v));
        body.extend(der_tlv(&[0x30], &pair));
    }
    der_tlv(&[0xb0], &body)
}

/// DER entitlements (`[APPLICATION 16] { INTEGER 1, [CONTEXT 16] dict }`)
/// from a JSON object.
pub fn der_entitlements(v: &serde_json::Value) -> Vec<u8> {
    let mut inner = der_tlv(&[0x02], &[1]);
    if let serde_json::Value::Object(o) = v {
        inner.extend(der_dict(o));
    }
    der_tlv(&[0x70], &inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use crate::native::macho::parse;

    #[test]
    fn thin_and_fat_round_trip_through_the_parser() {
        let ents = serde_json::json!({"application-identifier": "T.a.b", "keychain-access-groups": ["T.a.b"], "aps-environment": "production"});
        let spec = MachOSpec {
            dylibs: vec![
                (
                    DylibKind::Load,
                    "/System/Library/Frameworks/Foundation.framework/Foundation".into(),
                ),
                (DylibKind::Weak, "/usr/lib/libz.1.dylib".into()),
            ],
            imports: vec!["_stat".into(), "_OBJC_CLASS_$_NSUserDefaults".into()],
            exports: vec!["_OBJC_CLASS_$_AppDelegate".into(), "_main".into()],
            objc_classes: vec!["AppDelegate".into()],
            objc_selectors: vec!["systemUptime".into()],
            identifier: Some("a.b".into()),
            team_id: Some("TEAM123456".into()),
            entitlements_xml: Some(xml_entitlements(&ents)),
            entitlements_der: Some(der_entitlements(&ents)),
            ..Default::default()
        };
        let thin = build_thin(&spec);
        let f = parse(&thin, "x", &Limits::default()).unwrap();
        let s = &f.slices[0];
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.facts.arch, "arm64");
        assert_eq!(s.facts.needed.len(), 2);
        assert_eq!(s.load_dylibs[1].0, "LC_LOAD_WEAK_DYLIB");
        assert_eq!(
            s.facts.imported_symbols,
            ["_stat", "_OBJC_CLASS_$_NSUserDefaults"]
        );
        assert_eq!(
            s.facts.exported_symbols,
            ["_OBJC_CLASS_$_AppDelegate", "_main"]
        );
        assert_eq!(s.facts.objc_classes, ["AppDelegate"]);
        assert_eq!(s.objc_selectors, ["systemUptime"]);
        let sig = s.code_signature.as_ref().unwrap();
        assert_eq!(sig.identifier.as_deref(), Some("a.b"));
        assert_eq!(sig.team_id.as_deref(), Some("TEAM123456"));
        assert_eq!(sig.entitlements_format, Some("xml"));
        assert_eq!(
            serde_json::Value::Object(sig.entitlements.clone().unwrap()),
            ents
        );
        let der =
            crate::native::codesign::parse_der_entitlements(&der_entitlements(&ents)).unwrap();
        assert_eq!(serde_json::Value::Object(der), ents);

        let x86 = build_thin(&MachOSpec {
            arch: Arch::X86_64,
            ..spec.clone()
        });
        let fat = build_fat(&[thin, x86]);
        let f = parse(&fat, "fat", &Limits::default()).unwrap();
        assert!(f.is_fat);
        let archs: Vec<&str> = f.slices.iter().map(|s| s.facts.arch.as_str()).collect();
        assert_eq!(archs, ["arm64", "x86_64"]);
        assert!(f.slices.iter().all(|s| s.code_signature.is_some()));
    }
}
