//! Static libraries: an `ar` archive (`.a`), or a fat/universal file whose
//! slices are `ar` archives (how "universal" iOS static libraries and
//! CocoaPods binary SDKs ship). Each member that is an ELF or Mach-O
//! object becomes one [`BinaryFacts`] with its symbols and ObjC classes.
//!
//! Format facts: fat header `<mach-o/fat.h>` (`FAT_MAGIC` 0xcafebabe,
//! big-endian `nfat_arch`, then `fat_arch {cputype, cpusubtype, offset,
//! size, align}`, 20 bytes; `FAT_MAGIC_64` 0xcafebabf with 32-byte
//! `fat_arch_64`); relocatable ELF symbols from `.symtab` (System V gABI,
//! `ET_REL` has no `.dynsym`); Mach-O `MH_OBJECT` via `native::macho`.

use crate::limits::Limits;
use crate::model::{BinaryFacts, BinarySlice};
use crate::native::ar;

/// One member read from a static library.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberFacts {
    /// Facts; `entry` is `arm64/Adjust.o` for a fat file's slice, `Adjust.o` otherwise.
    pub binary: BinaryFacts,
    /// ObjC selectors of a Mach-O member (`__objc_methname`).
    pub objc_selectors: Vec<String>,
}

/// Everything read from one static library.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaticLib {
    /// Architectures of the fat slices (`arm64`, `x86_64`); one entry `""` for a plain archive.
    pub archs: Vec<String>,
    /// Members that are ELF or Mach-O objects, in file order.
    pub members: Vec<MemberFacts>,
    /// Number of members that were neither ELF nor Mach-O (bitcode, text...).
    pub other_members: usize,
    /// What was not read (archive defects, unreadable members): the library
    /// was read only in part when non-empty. Each is `(entry, message)`.
    pub problems: Vec<(String, String)>,
}

/// Why a static library could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaticLibError {
    /// The archive (or every fat slice) failed.
    #[error("{0}")]
    Ar(#[from] ar::ArError),
    /// The fat header is unusable.
    #[error("{entry}: fat header: {what}")]
    BadFat {
        /// File name.
        entry: String,
        /// What is wrong.
        what: String,
    },
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    let s = d.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn be64(d: &[u8], at: usize) -> Option<u64> {
    let s = d.get(at..at.checked_add(8)?)?;
    let mut b = [0u8; 8];
    b.copy_from_slice(s);
    Some(u64::from_be_bytes(b))
}

/// `(arch name, slice bytes)` of each fat slice.
pub type FatSlices<'a> = Vec<(String, &'a [u8])>;

/// `(arch, slice bytes)` of each slice of a fat file, bounds-checked (a
/// slice past the end or inside the header is an error, as XNU refuses
/// it). `None` when `data` has no fat magic.
pub fn fat_slices<'a>(
    data: &'a [u8],
    entry: &str,
) -> Option<Result<FatSlices<'a>, StaticLibError>> {
    let is64 = match be32(data, 0)? {
        0xcafe_babe => false,
        0xcafe_babf => true,
        _ => return None,
    };
    let bad = |what: String| {
        Err(StaticLibError::BadFat {
            entry: entry.into(),
            what,
        })
    };
    let n = be32(data, 4).unwrap_or(0);
    if n == 0 || n >= 45 {
        return Some(bad(format!("nfat_arch {n} is not a fat file's")));
    }
    let w = if is64 { 32 } else { 20 };
    let header_end = 8 + n as usize * w;
    if header_end > data.len() {
        return Some(bad(format!("{n} fat_arch records past the end")));
    }
    let mut out = Vec::new();
    for i in 0..n as usize {
        let at = 8 + i * w;
        let (cpu, sub) = (be32(data, at).unwrap_or(0), be32(data, at + 4).unwrap_or(0));
        let (off, size) = if is64 {
            (be64(data, at + 8), be64(data, at + 16))
        } else {
            (
                be32(data, at + 8).map(u64::from),
                be32(data, at + 12).map(u64::from),
            )
        };
        let (off, size) = (off.unwrap_or(0), size.unwrap_or(0));
        let arch = crate::native::macho::arch_name(cpu, sub);
        let slice = usize::try_from(off)
            .ok()
            .zip(usize::try_from(size).ok())
            .filter(|(o, _)| *o >= header_end)
            .and_then(|(o, s)| data.get(o..o.checked_add(s)?));
        match slice {
            Some(s) => out.push((arch, s)),
            None => {
                return Some(bad(format!(
                    "slice {i} ({arch}) at offset {off}, {size} bytes, is outside the file or over the header"
                )));
            }
        }
    }
    Some(Ok(out))
}

/// `true` when `data` is an `ar` archive or a fat file whose first slice is one.
pub fn is_static_lib(data: &[u8]) -> bool {
    if ar::is_ar(data) {
        return true;
    }
    matches!(fat_slices(data, ""), Some(Ok(s)) if s.first().is_some_and(|(_, b)| ar::is_ar(b)))
}

/// Read a static library: a plain `ar` archive or a fat file of them.
///
/// Errors: neither an archive nor a fat file of archives, a thin archive,
/// a broken fat header. Everything else (a malformed member, a fat slice
/// that is not an archive) lands in `problems`.
pub fn parse(data: &[u8], entry: &str, limits: &Limits) -> Result<StaticLib, StaticLibError> {
    let mut lib = StaticLib::default();
    match fat_slices(data, entry) {
        Some(slices) => {
            for (arch, bytes) in slices? {
                match ar::parse(bytes, entry, limits) {
                    Ok(a) => read_archive(&a, &format!("{arch}/"), limits, &mut lib),
                    Err(e) => lib.problems.push((
                        format!("{arch}/"),
                        format!("fat slice {arch} is not an ar archive: {e}"),
                    )),
                }
                lib.archs.push(arch);
            }
            if lib.members.is_empty() && lib.other_members == 0 && !lib.problems.is_empty() {
                return Err(ar::ArError::NotAr {
                    entry: entry.into(),
                }
                .into());
            }
        }
        None => {
            let a = ar::parse(data, entry, limits)?;
            lib.archs.push(String::new());
            read_archive(&a, "", limits, &mut lib);
        }
    }
    Ok(lib)
}

fn read_archive(a: &ar::ArArchive<'_>, prefix: &str, limits: &Limits, lib: &mut StaticLib) {
    for p in &a.problems {
        lib.problems.push((prefix.to_string(), p.clone()));
    }
    for m in &a.members {
        let name = format!("{prefix}{}", m.name);
        if crate::native::macho::is_macho(m.data) {
            match crate::native::macho::parse(m.data, &name, limits) {
                Ok(f) => {
                    for w in f.warnings() {
                        lib.problems.push((name.clone(), w));
                    }
                    let objc_selectors = f
                        .slices
                        .iter()
                        .flat_map(|s| s.objc_selectors.iter().cloned())
                        .collect();
                    lib.members.push(MemberFacts {
                        binary: f.binary,
                        objc_selectors,
                    });
                }
                Err(e) => lib.problems.push((name, e.to_string())),
            }
        } else if m.data.starts_with(b"\x7fELF") {
            match elf_object(m.data, &name) {
                Ok(b) => lib.members.push(MemberFacts {
                    binary: b,
                    objc_selectors: Vec::new(),
                }),
                Err(e) => lib.problems.push((name, e)),
            }
        } else {
            lib.other_members += 1;
        }
    }
    // Symbols the index names for members that could not be read still
    // say what the library defines: keep them on a synthetic slice.
    if lib.members.is_empty() && !a.symbol_index.is_empty() {
        lib.members.push(MemberFacts {
            binary: BinaryFacts {
                entry: format!("{prefix}(symbol index)"),
                format: "ar-index".into(),
                slices: vec![BinarySlice {
                    arch: prefix.trim_end_matches('/').to_string(),
                    exported_symbols: a.symbol_index.iter().map(|(s, _)| s.clone()).collect(),
                    ..Default::default()
                }],
                dex: None,
            },
            objc_selectors: Vec::new(),
        });
    }
}

/// A relocatable (or any) ELF object: defined global symbols from
/// `.symtab` (falling back to `.dynsym` facts from `native::elf`), undefined
/// ones as imports.
fn elf_object(data: &[u8], entry: &str) -> Result<BinaryFacts, String> {
    let elf = goblin::elf::Elf::parse(data).map_err(|e| format!("ELF object unreadable: {e}"))?;
    if elf.syms.is_empty() {
        return crate::native::elf::parse(data, entry).map_err(|e| e.to_string());
    }
    let mut slice = BinarySlice {
        arch: crate::native::elf::machine_name(elf.header.e_machine),
        ..Default::default()
    };
    for sym in elf.syms.iter().take(crate::native::elf::MAX_SYMBOLS) {
        let Some(name) = elf.strtab.get_at(sym.st_name).filter(|n| !n.is_empty()) else {
            continue;
        };
        let bind = sym.st_bind();
        if !matches!(bind, 1 | 2 | 10) {
            continue;
        }
        if sym.st_shndx == 0 {
            slice.imported_symbols.push(name.to_string());
        } else {
            slice.exported_symbols.push(name.to_string());
        }
    }
    Ok(BinaryFacts {
        entry: entry.into(),
        format: "elf".into(),
        slices: vec![slice],
        dex: None,
    })
}

#[cfg(test)]
#[path = "static_lib_tests.rs"]
mod tests;
