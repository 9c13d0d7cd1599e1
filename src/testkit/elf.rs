//! Writes small valid ELF64 little-endian shared objects for tests: one
//! `PT_LOAD` covering the file (vaddr = file offset), `PT_DYNAMIC`, `.hash`,
//! `.dynsym`, `.dynstr`, `.text`, `.dynamic`, `.shstrtab` and section headers.
//! `readelf -d -W --dyn-syms` agrees with the spec (see the test).
//!
//! Trusts its input (test code). Format facts: System V gABI ELF-64.

/// What to put in the library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfSpec {
    /// `e_machine`: 183 EM_AARCH64, 40 EM_ARM, 62 EM_X86_64, 3 EM_386.
    pub machine: u16,
    /// `DT_NEEDED` entries, in order.
    pub needed: Vec<String>,
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// Defined global functions (in `.text`).
    pub exports: Vec<String>,
    /// Undefined global functions.
    pub imports: Vec<String>,
}

/// (name, type, flags, offset, size, link, info, addralign, entsize)
type Shdr = (u32, u32, u64, usize, usize, u32, u32, u64, u64);

fn align(v: &mut Vec<u8>, to: usize) {
    while !v.len().is_multiple_of(to) {
        v.push(0);
    }
}

fn p32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn p64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Build the `.so` bytes.
pub fn build(spec: &ElfSpec) -> Vec<u8> {
    // .dynstr
    let mut dynstr = vec![0u8];
    let mut add = |s: &str| {
        let off = dynstr.len() as u64;
        dynstr.extend_from_slice(s.as_bytes());
        dynstr.push(0);
        off
    };
    let needed: Vec<u64> = spec.needed.iter().map(|s| add(s)).collect();
    let soname = spec.soname.as_deref().map(&mut add);
    let imports: Vec<u64> = spec.imports.iter().map(|s| add(s)).collect();
    let exports: Vec<u64> = spec.exports.iter().map(|s| add(s)).collect();
    let nsyms = 1 + imports.len() + exports.len();

    const TEXT_SHNDX: u16 = 4;
    let phnum = 2usize;
    let mut out = vec![0u8; 64 + 56 * phnum];

    // .hash: nbucket = 1, every symbol on one chain.
    align(&mut out, 8);
    let hash_off = out.len();
    p32(&mut out, 1);
    p32(&mut out, nsyms as u32);
    p32(&mut out, (nsyms - 1) as u32);
    for i in 0..nsyms {
        p32(&mut out, i.saturating_sub(1) as u32);
    }
    let hash_size = out.len() - hash_off;

    align(&mut out, 8);
    let dynsym_off = out.len();
    out.extend_from_slice(&[0u8; 24]);
    let mut export_slots = Vec::new();
    for &n in &imports {
        p32(&mut out, n as u32);
        out.push(0x12); // STB_GLOBAL, STT_FUNC
        out.push(0);
        out.extend_from_slice(&0u16.to_le_bytes());
        p64(&mut out, 0);
        p64(&mut out, 0);
    }
    for &n in &exports {
        p32(&mut out, n as u32);
        out.push(0x12);
        out.push(0);
        out.extend_from_slice(&TEXT_SHNDX.to_le_bytes());
        export_slots.push(out.len());
        p64(&mut out, 0); // st_value, patched
        p64(&mut out, 4);
    }
    let dynsym_size = out.len() - dynsym_off;

    let dynstr_off = out.len();
    out.extend_from_slice(&dynstr);
    let dynstr_size = dynstr.len();

    align(&mut out, 16);
    let text_off = out.len();
    out.extend_from_slice(&[0xc0, 0x03, 0x5f, 0xd6].repeat(4)); // aarch64 `ret`
    let text_size = out.len() - text_off;
    for slot in export_slots {
        out[slot..slot + 8].copy_from_slice(&(text_off as u64).to_le_bytes());
    }

    align(&mut out, 8);
    let dynamic_off = out.len();
    for &n in &needed {
        p64(&mut out, 1);
        p64(&mut out, n);
    }
    if let Some(s) = soname {
        p64(&mut out, 14);
        p64(&mut out, s);
    }
    for (tag, val) in [
        (4u64, hash_off as u64),
        (5, dynstr_off as u64),
        (6, dynsym_off as u64),
        (10, dynstr_size as u64),
        (11, 24),
        (0, 0),
    ] {
        p64(&mut out, tag);
        p64(&mut out, val);
    }
    let dynamic_size = out.len() - dynamic_off;

    let shstrtab_off = out.len();
    let names = b"\0.hash\0.dynsym\0.dynstr\0.text\0.dynamic\0.shstrtab\0";
    out.extend_from_slice(names);
    let name_at = |n: &str| {
        let needle = format!("\0{n}\0");
        names
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .map(|p| p as u32 + 1)
            .unwrap_or(0)
    };
    let load_end = out.len();

    align(&mut out, 8);
    let shoff = out.len();
    let sections: [Shdr; 7] = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0),
        (name_at(".hash"), 5, 2, hash_off, hash_size, 2, 0, 8, 4),
        (
            name_at(".dynsym"),
            11,
            2,
            dynsym_off,
            dynsym_size,
            3,
            1,
            8,
            24,
        ),
        (
            name_at(".dynstr"),
            3,
            2,
            dynstr_off,
            dynstr_size,
            0,
            0,
            1,
            0,
        ),
        (name_at(".text"), 1, 6, text_off, text_size, 0, 0, 16, 0),
        (
            name_at(".dynamic"),
            6,
            3,
            dynamic_off,
            dynamic_size,
            3,
            0,
            8,
            16,
        ),
        (
            name_at(".shstrtab"),
            3,
            0,
            shstrtab_off,
            names.len(),
            0,
            0,
            1,
            0,
        ),
    ];
    for (i, (name, ty, flags, off, size, link, info, al, entsize)) in sections.iter().enumerate() {
        p32(&mut out, *name);
        p32(&mut out, *ty);
        p64(&mut out, *flags);
        let addr = if *flags & 2 != 0 { *off as u64 } else { 0 };
        p64(&mut out, if i == 0 { 0 } else { addr });
        p64(&mut out, *off as u64);
        p64(&mut out, *size as u64);
        p32(&mut out, *link);
        p32(&mut out, *info);
        p64(&mut out, *al);
        p64(&mut out, *entsize);
    }

    // ELF header
    let mut h = Vec::with_capacity(64);
    h.extend_from_slice(b"\x7fELF\x02\x01\x01\x00");
    h.extend_from_slice(&[0u8; 8]);
    h.extend_from_slice(&3u16.to_le_bytes()); // ET_DYN
    h.extend_from_slice(&spec.machine.to_le_bytes());
    p32(&mut h, 1);
    p64(&mut h, 0); // e_entry
    p64(&mut h, 64); // e_phoff
    p64(&mut h, shoff as u64);
    p32(&mut h, 0);
    for v in [64u16, 56, phnum as u16, 64, sections.len() as u16, 6] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    // program headers
    let mut ph = Vec::new();
    p32(&mut ph, 1); // PT_LOAD
    p32(&mut ph, 7);
    for v in [0u64, 0, 0, load_end as u64, load_end as u64, 0x1000] {
        p64(&mut ph, v);
    }
    p32(&mut ph, 2); // PT_DYNAMIC
    p32(&mut ph, 6);
    let d = dynamic_off as u64;
    for v in [d, d, d, dynamic_size as u64, dynamic_size as u64, 8] {
        p64(&mut ph, v);
    }
    out[..64].copy_from_slice(&h);
    out[64..64 + ph.len()].copy_from_slice(&ph);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// binutils `readelf` as an oracle for the writer.
    #[test]
    fn readelf_agrees() {
        let spec = ElfSpec {
            machine: 183,
            needed: vec!["liblog.so".into(), "libm.so".into()],
            soname: Some("libfoo.so".into()),
            exports: vec!["Java_com_foo_Bar_init".into()],
            imports: vec!["malloc".into()],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libfoo.so");
        std::fs::write(&path, build(&spec)).unwrap();
        let Ok(out) = std::process::Command::new("readelf")
            .args(["-h", "-d", "-W", "--dyn-syms"])
            .arg(&path)
            .output()
        else {
            eprintln!("SKIP: readelf not installed");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(
            !text.contains("Warning") && !text.contains("Error"),
            "{text}"
        );
        assert!(text.contains("AArch64"), "{text}");
        assert!(
            text.contains("Shared library: [liblog.so]")
                && text.contains("Shared library: [libm.so]"),
            "{text}"
        );
        assert!(text.contains("Library soname: [libfoo.so]"), "{text}");
        let sym_lines: Vec<&str> = text.lines().filter(|l| l.contains("FUNC")).collect();
        assert!(sym_lines.iter().any(|l| l.contains("UND malloc")), "{text}");
        assert!(
            sym_lines
                .iter()
                .any(|l| l.contains("GLOBAL DEFAULT    4 Java_com_foo_Bar_init")),
            "{text}"
        );
    }
}
