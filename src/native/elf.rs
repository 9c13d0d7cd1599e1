//! ELF shared objects (Android `lib/<abi>/*.so`): machine, `DT_NEEDED`,
//! `DT_SONAME` and dynamic symbols split into imported and exported.
//!
//! Distrusts the whole file. goblin (`goblin::elf::Elf::parse`) is tried
//! first; when it refuses the file (typically bogus section-header fields,
//! hostile-inputs case E1), a bounded reader of our own walks the ELF header,
//! the program headers and `PT_DYNAMIC` — what the Linux kernel and bionic
//! use to load a library — so the dynamic information is not lost. Section
//! header problems are reported as anomalies ("not loadable via dlopen on
//! Android" where bionic's `ElfReader::ReadSectionHeaders` refuses them).
//!
//! Format facts: System V gABI "ELF-64 Object File Format" / "Dynamic
//! Section" (`DT_NEEDED` = 1, `DT_HASH` = 4, `DT_STRTAB` = 5, `DT_SYMTAB` = 6,
//! `DT_STRSZ` = 10, `DT_SYMENT` = 11, `DT_SONAME` = 14), AOSP
//! `bionic/linker/linker_phdr.cpp` (section-header checks, API 26+ header
//! checks), NDK "Android changes for NDK developers".
//!
//! `BinarySlice::arch` holds the ELF machine name, not the Android ABI:
//! `aarch64` (EM_AARCH64), `arm` (EM_ARM), `x86_64` (EM_X86_64), `x86`
//! (EM_386), `mips`, `riscv`, `none` (EM_NONE), else `em_<number>`; see
//! [`android_abi`] for the ABI directory name.

use crate::model::{BinaryFacts, BinarySlice};

/// Most dynamic symbols kept per file (imports + exports); more are counted
/// in an anomaly, not stored.
pub const MAX_SYMBOLS: usize = 200_000;

/// Sections past EOF described one by one; further ones are only counted.
const MAX_SECTION_ANOMALIES: usize = 3;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_HASH: u64 = 4;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const DT_STRSZ: u64 = 10;
const DT_SYMENT: u64 = 11;
const DT_SONAME: u64 = 14;
const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const SHT_NOBITS: u32 = 8;

/// Why an ELF file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    /// No `\x7fELF` magic.
    #[error("{entry}: not an ELF file (magic {found:02x?})")]
    NotElf {
        /// Archive entry or path of the file.
        entry: String,
        /// The first bytes read (up to 4).
        found: Vec<u8>,
    },
    /// Unusable ELF identification or header.
    #[error("{entry}: bad ELF header: {what}")]
    BadHeader {
        /// Archive entry or path of the file.
        entry: String,
        /// What is wrong with the identification or header.
        what: String,
    },
    /// goblin and the program-header reader both failed.
    #[error(
        "{entry}: goblin refused the file ({goblin}) and the program-header reader failed: {fallback}"
    )]
    Unreadable {
        /// Archive entry or path of the file.
        entry: String,
        /// goblin's error message.
        goblin: String,
        /// The program-header reader's error message.
        fallback: String,
    },
}

/// ELF machine name for `e_machine` (see the module doc).
pub fn machine_name(e_machine: u16) -> String {
    match e_machine {
        0 => "none".into(),
        3 => "x86".into(),
        8 => "mips".into(),
        40 => "arm".into(),
        62 => "x86_64".into(),
        183 => "aarch64".into(),
        243 => "riscv".into(),
        n => format!("em_{n}"),
    }
}

/// Android ABI directory of a machine name: `aarch64` → `arm64-v8a`,
/// `arm` → `armeabi-v7a`, `x86` → `x86`, `x86_64` → `x86_64`, `riscv` → `riscv64`.
pub fn android_abi(machine: &str) -> Option<&'static str> {
    match machine {
        "aarch64" => Some("arm64-v8a"),
        "arm" => Some("armeabi-v7a"),
        "x86" => Some("x86"),
        "x86_64" => Some("x86_64"),
        "riscv" => Some("riscv64"),
        _ => None,
    }
}

/// Read one ELF file; anomalies are dropped (see [`parse_with_anomalies`]).
pub fn parse(data: &[u8], entry: &str) -> Result<BinaryFacts, ElfError> {
    parse_with_anomalies(data, entry).map(|(f, _)| f)
}

/// Read one ELF file: facts (`format = "elf"`, one slice) plus anomalies,
/// human-readable sentences such as "section header table … outside the
/// file: not loadable via dlopen on Android".
pub fn parse_with_anomalies(
    data: &[u8],
    entry: &str,
) -> Result<(BinaryFacts, Vec<String>), ElfError> {
    let header = Header::read(data).map_err(|e| match e {
        HeaderError::NotElf => ElfError::NotElf {
            entry: entry.to_string(),
            found: data.get(..4).unwrap_or(data).to_vec(),
        },
        HeaderError::Bad(what) => ElfError::BadHeader {
            entry: entry.to_string(),
            what,
        },
    })?;
    let mut anomalies = header.section_anomalies(data);
    let slice = match goblin::elf::Elf::parse(data) {
        Ok(elf) => from_goblin(&elf, &mut anomalies),
        Err(goblin_err) => {
            anomalies.push(format!(
                "goblin refused the section headers ({goblin_err}); read via program headers"
            ));
            header
                .dynamic_from_program_headers(data, &mut anomalies)
                .map_err(|fallback| ElfError::Unreadable {
                    entry: entry.to_string(),
                    goblin: goblin_err.to_string(),
                    fallback,
                })?
        }
    };
    let facts = BinaryFacts {
        entry: entry.to_string(),
        format: "elf".into(),
        slices: vec![slice],
        dex: None,
    };
    Ok((facts, anomalies))
}

/// Read only through program headers and `PT_DYNAMIC` (the fallback used
/// when goblin refuses a file), ignoring section headers entirely. Public
/// for differential tests against goblin.
pub fn parse_program_headers_only(
    data: &[u8],
    entry: &str,
) -> Result<(BinaryFacts, Vec<String>), ElfError> {
    let header = Header::read(data).map_err(|e| match e {
        HeaderError::NotElf => ElfError::NotElf {
            entry: entry.to_string(),
            found: data.get(..4).unwrap_or(data).to_vec(),
        },
        HeaderError::Bad(what) => ElfError::BadHeader {
            entry: entry.to_string(),
            what,
        },
    })?;
    let mut anomalies = Vec::new();
    let slice = header
        .dynamic_from_program_headers(data, &mut anomalies)
        .map_err(|fallback| ElfError::Unreadable {
            entry: entry.to_string(),
            goblin: "not tried".into(),
            fallback,
        })?;
    Ok((
        BinaryFacts {
            entry: entry.to_string(),
            format: "elf".into(),
            slices: vec![slice],
            dex: None,
        },
        anomalies,
    ))
}

fn from_goblin(elf: &goblin::elf::Elf<'_>, anomalies: &mut Vec<String>) -> BinarySlice {
    let mut slice = BinarySlice {
        arch: machine_name(elf.header.e_machine),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        soname: elf.soname.map(str::to_string),
        ..BinarySlice::default()
    };
    let mut kept = 0usize;
    let mut dropped = 0usize;
    for sym in elf.dynsyms.iter() {
        let Some(name) = elf.dynstrtab.get_at(sym.st_name) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let bind = sym.st_bind();
        if sym.st_shndx == 0 {
            if kept < MAX_SYMBOLS {
                slice.imported_symbols.push(name.to_string());
                kept += 1;
            } else {
                dropped += 1;
            }
        } else if matches!(bind, 1 | 2 | 10) && matches!(sym.st_visibility(), 0 | 3) {
            if kept < MAX_SYMBOLS {
                slice.exported_symbols.push(name.to_string());
                kept += 1;
            } else {
                dropped += 1;
            }
        }
    }
    if dropped > 0 {
        anomalies.push(format!(
            "{dropped} dynamic symbols over the cap of {MAX_SYMBOLS} were not kept"
        ));
    }
    slice
}

enum HeaderError {
    NotElf,
    Bad(String),
}

/// The fields of the ELF header we need, class- and endian-aware.
#[derive(Debug, Clone, Copy)]
struct Header {
    is64: bool,
    le: bool,
    machine: u16,
    phoff: u64,
    phentsize: u16,
    phnum: u16,
    shoff: u64,
    shentsize: u16,
    shnum: u16,
    shstrndx: u16,
}

impl Header {
    fn read(data: &[u8]) -> Result<Header, HeaderError> {
        if data.get(..4) != Some(b"\x7fELF") {
            return Err(HeaderError::NotElf);
        }
        let class = data.get(4).copied().unwrap_or(0);
        let enc = data.get(5).copied().unwrap_or(0);
        let is64 = match class {
            1 => false,
            2 => true,
            c => {
                return Err(HeaderError::Bad(format!(
                    "EI_CLASS {c} is neither ELFCLASS32 nor ELFCLASS64"
                )));
            }
        };
        let le = match enc {
            1 => true,
            2 => false,
            e => {
                return Err(HeaderError::Bad(format!(
                    "EI_DATA {e} is neither ELFDATA2LSB nor ELFDATA2MSB"
                )));
            }
        };
        let need = if is64 { 64 } else { 52 };
        if data.len() < need {
            return Err(HeaderError::Bad(format!(
                "file is {} bytes, shorter than the {need}-byte ELF header",
                data.len()
            )));
        }
        let r = Rd { data, le };
        let h = if is64 {
            Header {
                is64,
                le,
                machine: r.u16(18).unwrap_or(0),
                phoff: r.u64(32).unwrap_or(0),
                shoff: r.u64(40).unwrap_or(0),
                phentsize: r.u16(54).unwrap_or(0),
                phnum: r.u16(56).unwrap_or(0),
                shentsize: r.u16(58).unwrap_or(0),
                shnum: r.u16(60).unwrap_or(0),
                shstrndx: r.u16(62).unwrap_or(0),
            }
        } else {
            Header {
                is64,
                le,
                machine: r.u16(18).unwrap_or(0),
                phoff: u64::from(r.u32(28).unwrap_or(0)),
                shoff: u64::from(r.u32(32).unwrap_or(0)),
                phentsize: r.u16(42).unwrap_or(0),
                phnum: r.u16(44).unwrap_or(0),
                shentsize: r.u16(46).unwrap_or(0),
                shnum: r.u16(48).unwrap_or(0),
                shstrndx: r.u16(50).unwrap_or(0),
            }
        };
        Ok(h)
    }

    fn rd<'a>(&self, data: &'a [u8]) -> Rd<'a> {
        Rd { data, le: self.le }
    }

    /// Section-header checks bionic's loader makes (E1 a–d).
    fn section_anomalies(&self, data: &[u8]) -> Vec<String> {
        const DLOPEN: &str = "not loadable via dlopen on Android";
        let mut out = Vec::new();
        let want = if self.is64 { 64 } else { 40 };
        if self.shnum == 0 {
            out.push(format!(
                "ELF has no section headers (e_shnum = 0): {DLOPEN}"
            ));
            return out;
        }
        if self.shentsize != want {
            out.push(format!(
                "e_shentsize 0x{:x} is not 0x{want:x}: {DLOPEN} for targetSdkVersion >= 26",
                self.shentsize
            ));
        }
        let table_end = u64::from(self.shnum)
            .checked_mul(u64::from(want))
            .and_then(|n| n.checked_add(self.shoff))
            .filter(|&end| end <= data.len() as u64);
        let Some(_) = table_end else {
            out.push(format!(
                "section header table (e_shoff 0x{:x}, e_shnum {}) lies outside the {}-byte file: {DLOPEN}",
                self.shoff,
                self.shnum,
                data.len()
            ));
            return out;
        };
        if self.shstrndx >= self.shnum {
            out.push(format!(
                "e_shstrndx {} is out of range (e_shnum {}): section names unavailable",
                self.shstrndx, self.shnum
            ));
        }
        let r = self.rd(data);
        let mut past_eof = 0usize;
        for i in 0..u64::from(self.shnum) {
            let base = self.shoff + i * u64::from(want);
            let (ty, off, size) = if self.is64 {
                (r.u32_at(base + 4), r.u64_at(base + 24), r.u64_at(base + 32))
            } else {
                (
                    r.u32_at(base + 4),
                    r.u32_at(base + 16).map(u64::from),
                    r.u32_at(base + 20).map(u64::from),
                )
            };
            let (Some(ty), Some(off), Some(size)) = (ty, off, size) else {
                continue;
            };
            if ty != SHT_NOBITS
                && ty != 0
                && off.checked_add(size).is_none_or(|e| e > data.len() as u64)
            {
                past_eof += 1;
                if past_eof <= MAX_SECTION_ANOMALIES {
                    out.push(format!(
                        "section {i} (offset 0x{off:x}, size 0x{size:x}) runs past the end of the {}-byte file",
                        data.len()
                    ));
                }
            }
        }
        if past_eof > MAX_SECTION_ANOMALIES {
            out.push(format!(
                "{} more sections run past the end of the file",
                past_eof - MAX_SECTION_ANOMALIES
            ));
        }
        out
    }

    /// Our own bounded reader: program headers → `PT_DYNAMIC` → `DT_*`.
    fn dynamic_from_program_headers(
        &self,
        data: &[u8],
        anomalies: &mut Vec<String>,
    ) -> Result<BinarySlice, String> {
        let r = self.rd(data);
        let phsize: u64 = if self.is64 { 56 } else { 32 };
        if self.phnum > 0 && u64::from(self.phentsize) < phsize {
            return Err(format!(
                "e_phentsize {} is smaller than {phsize}",
                self.phentsize
            ));
        }
        let step = u64::from(self.phentsize);
        let mut loads: Vec<(u64, u64, u64)> = Vec::new(); // (vaddr, offset, filesz)
        let mut dynamic: Option<(u64, u64)> = None;
        for i in 0..u64::from(self.phnum) {
            let base = i
                .checked_mul(step)
                .and_then(|o| o.checked_add(self.phoff))
                .ok_or("program header offset overflow")?;
            let ty = r.u32_at(base).ok_or_else(|| {
                format!("program header {i} at 0x{base:x} is past the end of the file")
            })?;
            let (off, vaddr, filesz) = if self.is64 {
                (r.u64_at(base + 8), r.u64_at(base + 16), r.u64_at(base + 32))
            } else {
                (
                    r.u32_at(base + 4).map(u64::from),
                    r.u32_at(base + 8).map(u64::from),
                    r.u32_at(base + 16).map(u64::from),
                )
            };
            let (Some(off), Some(vaddr), Some(filesz)) = (off, vaddr, filesz) else {
                return Err(format!("program header {i} at 0x{base:x} is truncated"));
            };
            match ty {
                PT_LOAD => loads.push((vaddr, off, filesz)),
                PT_DYNAMIC => dynamic = Some((off, filesz)),
                _ => {}
            }
        }
        let mut slice = BinarySlice {
            arch: machine_name(self.machine),
            ..BinarySlice::default()
        };
        let Some((dyn_off, dyn_size)) = dynamic else {
            anomalies.push("no PT_DYNAMIC program header: no dynamic information".into());
            return Ok(slice);
        };
        let entsize: u64 = if self.is64 { 16 } else { 8 };
        let (mut needed, mut soname) = (Vec::new(), None);
        let (mut strtab, mut strsz, mut symtab, mut syment, mut hash) =
            (None, None, None, None, None);
        let count = dyn_size / entsize;
        for i in 0..count {
            let base = dyn_off
                .checked_add(i * entsize)
                .ok_or("PT_DYNAMIC offset overflow")?;
            // `base` may sit near u64::MAX (PT_DYNAMIC p_offset is file data).
            let (tag, val) = if self.is64 {
                (r.u64_at(base), r.u64_at(base.saturating_add(8)))
            } else {
                (
                    r.u32_at(base).map(u64::from),
                    r.u32_at(base.saturating_add(4)).map(u64::from),
                )
            };
            let (Some(tag), Some(val)) = (tag, val) else {
                anomalies.push(format!(
                    "PT_DYNAMIC entry {i} at 0x{base:x} is past the end of the file"
                ));
                break;
            };
            match tag {
                DT_NULL => break,
                DT_NEEDED => needed.push(val),
                DT_SONAME => soname = Some(val),
                DT_STRTAB => strtab = Some(val),
                DT_STRSZ => strsz = Some(val),
                DT_SYMTAB => symtab = Some(val),
                DT_SYMENT => syment = Some(val),
                DT_HASH => hash = Some(val),
                _ => {}
            }
        }
        let to_off = |vaddr: u64| {
            loads.iter().find_map(|&(va, off, sz)| {
                let d = vaddr.checked_sub(va)?;
                (d < sz).then(|| off.checked_add(d)).flatten()
            })
        };
        let Some(str_off) = strtab.and_then(to_off) else {
            anomalies.push(
                "DT_STRTAB missing or outside every PT_LOAD segment: dynamic names unavailable"
                    .into(),
            );
            return Ok(slice);
        };
        let str_end = strsz
            .and_then(|s| str_off.checked_add(s))
            .unwrap_or(data.len() as u64)
            .min(data.len() as u64);
        let strings = data
            .get(str_off as usize..str_end as usize)
            .unwrap_or_default();
        let name = |idx: u64| -> Option<String> {
            let rest = strings.get(usize::try_from(idx).ok()?..)?;
            let end = memchr::memchr(0, rest)?;
            Some(String::from_utf8_lossy(rest.get(..end)?).into_owned())
        };
        slice.needed = needed.into_iter().filter_map(name).collect();
        slice.soname = soname.and_then(name);

        // Symbol count: DT_HASH nchain, else the gap up to DT_STRTAB (common layout).
        let sym_size: u64 = if self.is64 { 24 } else { 16 };
        if syment.is_some_and(|s| s != sym_size) {
            anomalies.push(format!("DT_SYMENT {:?} is not {sym_size}", syment));
            return Ok(slice);
        }
        let Some(sym_off) = symtab.and_then(to_off) else {
            return Ok(slice);
        };
        let nsyms = match hash.and_then(to_off) {
            Some(h) => r.u32_at(h.saturating_add(4)).map(u64::from),
            None => match (symtab, strtab) {
                (Some(s), Some(t)) if t > s => Some((t - s) / sym_size),
                _ => None,
            },
        };
        let Some(nsyms) = nsyms else {
            anomalies
                .push("dynamic symbol count unknown (no DT_HASH): dynamic symbols not read".into());
            return Ok(slice);
        };
        let max_by_file = (data.len() as u64).saturating_sub(sym_off) / sym_size;
        let nsyms = nsyms.min(max_by_file).min(MAX_SYMBOLS as u64);
        for i in 1..nsyms {
            let base = sym_off + i * sym_size;
            let (st_name, info, other, shndx) = if self.is64 {
                (
                    r.u32_at(base),
                    r.u8_at(base + 4),
                    r.u8_at(base + 5),
                    r.u16_at(base + 6),
                )
            } else {
                (
                    r.u32_at(base),
                    r.u8_at(base + 12),
                    r.u8_at(base + 13),
                    r.u16_at(base + 14),
                )
            };
            let (Some(st_name), Some(info), Some(other), Some(shndx)) =
                (st_name, info, other, shndx)
            else {
                break;
            };
            let Some(n) = name(u64::from(st_name)).filter(|n| !n.is_empty()) else {
                continue;
            };
            let bind = info >> 4;
            if shndx == 0 {
                slice.imported_symbols.push(n);
            } else if matches!(bind, 1 | 2 | 10) && matches!(other & 3, 0 | 3) {
                slice.exported_symbols.push(n);
            }
        }
        Ok(slice)
    }
}

/// Bounded endian-aware reads.
struct Rd<'a> {
    data: &'a [u8],
    le: bool,
}

impl Rd<'_> {
    fn bytes<const N: usize>(&self, off: u64) -> Option<[u8; N]> {
        let start = usize::try_from(off).ok()?;
        let b = self.data.get(start..start.checked_add(N)?)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        if !self.le {
            out.reverse();
        }
        Some(out)
    }
    fn u8_at(&self, off: u64) -> Option<u8> {
        self.data.get(usize::try_from(off).ok()?).copied()
    }
    fn u16_at(&self, off: u64) -> Option<u16> {
        self.bytes::<2>(off).map(u16::from_le_bytes)
    }
    fn u32_at(&self, off: u64) -> Option<u32> {
        self.bytes::<4>(off).map(u32::from_le_bytes)
    }
    fn u64_at(&self, off: u64) -> Option<u64> {
        self.bytes::<8>(off).map(u64::from_le_bytes)
    }
    fn u16(&self, off: u64) -> Option<u16> {
        self.u16_at(off)
    }
    fn u32(&self, off: u64) -> Option<u32> {
        self.u32_at(off)
    }
    fn u64(&self, off: u64) -> Option<u64> {
        self.u64_at(off)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::elf::{ElfSpec, build};

    fn spec() -> ElfSpec {
        ElfSpec {
            machine: 183,
            needed: vec!["liblog.so".into(), "libc.so".into()],
            soname: Some("libZegoExpressEngine.so".into()),
            exports: vec![
                "Java_im_zego_zegoexpress_Native_init".into(),
                "zego_init".into(),
            ],
            imports: vec!["malloc".into(), "__android_log_print".into()],
        }
    }

    #[test]
    fn reads_built_library_with_goblin() {
        let (facts, anomalies) =
            parse_with_anomalies(&build(&spec()), "lib/arm64-v8a/libZegoExpressEngine.so").unwrap();
        assert!(anomalies.is_empty(), "{anomalies:?}");
        let s = &facts.slices[0];
        assert_eq!(s.arch, "aarch64");
        assert_eq!(android_abi(&s.arch), Some("arm64-v8a"));
        assert_eq!(s.needed, vec!["liblog.so", "libc.so"]);
        assert_eq!(s.soname.as_deref(), Some("libZegoExpressEngine.so"));
        assert_eq!(s.imported_symbols, vec!["malloc", "__android_log_print"]);
        assert_eq!(
            s.exported_symbols,
            vec!["Java_im_zego_zegoexpress_Native_init", "zego_init"]
        );
    }

    #[test]
    fn fallback_reader_agrees_with_goblin() {
        let bytes = build(&spec());
        let h = Header::read(&bytes).ok().unwrap();
        let mut an = Vec::new();
        let own = h.dynamic_from_program_headers(&bytes, &mut an).unwrap();
        let (facts, _) = parse_with_anomalies(&bytes, "x").unwrap();
        assert_eq!(own, facts.slices[0]);
        assert!(an.is_empty(), "{an:?}");
    }

    /// Hostile-inputs E1 (a)–(d), offsets from the ELF64 header layout.
    #[test]
    fn bogus_section_headers_keep_dynamic_info() {
        let good = build(&spec());
        type Mutation = Box<dyn Fn(&mut Vec<u8>)>;
        let cases: Vec<(&str, Mutation, &str)> = vec![
            (
                "a",
                Box::new(|b: &mut Vec<u8>| {
                    b[0x28..0x30].copy_from_slice(&u64::MAX.to_le_bytes());
                    b[0x3c..0x3e].copy_from_slice(&0xffffu16.to_le_bytes());
                }),
                "not loadable via dlopen on Android",
            ),
            (
                "b",
                Box::new(|b: &mut Vec<u8>| b[0x3e..0x40].copy_from_slice(&0xffffu16.to_le_bytes())),
                "e_shstrndx",
            ),
            (
                "c",
                Box::new(|b: &mut Vec<u8>| b[0x3a..0x3c].copy_from_slice(&0u16.to_le_bytes())),
                "targetSdkVersion >= 26",
            ),
            (
                "d",
                Box::new(|b: &mut Vec<u8>| {
                    // section 4 (.text, SHT_PROGBITS): sh_size = 1 MiB
                    let shoff = u64::from_le_bytes(b[0x28..0x30].try_into().unwrap()) as usize;
                    let sh = shoff + 4 * 64;
                    b[sh + 32..sh + 40].copy_from_slice(&0x10_0000u64.to_le_bytes());
                }),
                "runs past the end",
            ),
        ];
        for (name, mutate, expect) in cases {
            let mut b = good.clone();
            mutate(&mut b);
            let (facts, anomalies) =
                parse_with_anomalies(&b, "lib.so").unwrap_or_else(|e| panic!("case {name}: {e}"));
            let s = &facts.slices[0];
            assert_eq!(s.needed, vec!["liblog.so", "libc.so"], "case {name}");
            assert_eq!(
                s.soname.as_deref(),
                Some("libZegoExpressEngine.so"),
                "case {name}"
            );
            assert!(
                s.exported_symbols.contains(&"zego_init".to_string()),
                "case {name}: {s:?}"
            );
            eprintln!("E1 case {name}: {anomalies:?}");
            assert!(
                anomalies.iter().any(|a| a.contains(expect)),
                "case {name}: {anomalies:?}"
            );
        }
    }

    #[test]
    fn not_elf_and_truncations_do_not_panic() {
        assert!(matches!(
            parse(b"MZ\x90\x00", "x"),
            Err(ElfError::NotElf { .. })
        ));
        let good = build(&spec());
        for n in 0..good.len() {
            let _ = parse(&good[..n], "x");
        }
        for i in (0..good.len()).step_by(3) {
            let mut b = good.clone();
            b[i] ^= 0xa5;
            let _ = parse(&b, "x");
        }
    }
}
