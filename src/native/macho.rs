//! Mach-O executables, frameworks and dylibs (thin and fat/universal) →
//! `BinaryFacts`: per slice the architecture, `LC_LOAD_DYLIB` /
//! `LC_LOAD_WEAK_DYLIB` / `LC_REEXPORT_DYLIB` / `LC_LAZY_LOAD_DYLIB` /
//! `LC_LOAD_UPWARD_DYLIB` paths, `LC_ID_DYLIB`, imported and exported
//! symbols (`LC_SYMTAB`), ObjC class names (`__objc_classname` and
//! `_OBJC_CLASS_$_` symbols), `LC_ENCRYPTION_INFO` and the code signature.
//!
//! Distrusts: the fat header (validated here as XNU `bsd/kern/mach_fat.c`
//! `fatfile_validate_fatarches` does: slices inside the file, not over the
//! header, not overlapping each other; goblin's `FatArch::slice` returns an
//! empty slice silently instead), `LC_SYMTAB` (`symoff + nsyms * sizeof(nlist)`
//! and `stroff + strsize` are checked before goblin's symbol iterator runs: a
//! hostile `nsyms` makes it spin for seconds, research/crates.md §1.2) and every
//! dylib name offset (read inside its own load command). A slice goblin cannot
//! parse is kept with its header facts and a warning, so one bad slice does not
//! hide the others. Format facts: Apple `<mach-o/loader.h>`, `<mach-o/fat.h>`,
//! `<mach-o/nlist.h>`, `<mach/machine.h>`.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use std::collections::HashSet;

use goblin::mach::MachO;
use goblin::mach::load_command::CommandVariant;

use crate::limits::Limits;
use crate::model::{BinaryFacts, BinarySlice};
use crate::native::codesign::{self, CodeSignature};

/// `FAT_MAGIC`.
pub const FAT_MAGIC: u32 = 0xcafe_babe;
/// `FAT_MAGIC_64`.
pub const FAT_MAGIC_64: u32 = 0xcafe_babf;
/// `MH_MAGIC`, `MH_MAGIC_64` and their byte-swapped forms, as read big-endian.
pub const MH_MAGICS: [u32; 4] = [0xfeed_face, 0xfeed_facf, 0xcefa_edfe, 0xcffa_edfe];

const CPU_ARCH_ABI64: u32 = 0x0100_0000;
const CPU_ARCH_ABI64_32: u32 = 0x0200_0000;
const CPU_TYPE_X86: u32 = 7;
const CPU_TYPE_ARM: u32 = 12;
const CPU_TYPE_POWERPC: u32 = 18;
const CPU_SUBTYPE_MASK: u32 = 0xff00_0000;

/// Why a Mach-O file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MachOError {
    /// The file is too short to hold the 4-byte magic (or the 8-byte fat header).
    #[error("{entry}: {len} bytes is too small for a Mach-O header")]
    TooSmall {
        /// Archive entry or path of the file.
        entry: String,
        /// File length in bytes.
        len: usize,
    },
    /// The first four bytes are none of `MH_MAGIC`/`MH_MAGIC_64`/`FAT_MAGIC`/`FAT_MAGIC_64` (either byte order).
    #[error("{entry}: magic {found:#010x} is not a Mach-O or fat magic")]
    BadMagic {
        /// Archive entry or path of the file.
        entry: String,
        /// The magic read at offset 0, big-endian.
        found: u32,
    },
    /// A fat header with `nfat_arch = 0`.
    #[error("{entry}: fat header lists no architectures (nfat_arch = 0)")]
    NoArchitectures {
        /// Archive entry or path of the file.
        entry: String,
    },
    /// The `fat_arch` table runs past the end of the file.
    #[error(
        "{entry}: fat header lists {nfat_arch} architectures; the table needs {need} bytes, the file has {len}"
    )]
    FatTableTruncated {
        /// Archive entry or path of the file.
        entry: String,
        /// `nfat_arch` from the fat header.
        nfat_arch: u32,
        /// Bytes the fat header plus `nfat_arch` table entries need.
        need: u64,
        /// File length in bytes.
        len: usize,
    },
    /// A fat slice's `offset + size` runs past the end of the file.
    #[error(
        "{entry}: fat slice {index} ({arch}) at offset {offset} size {size} runs past the end of the file ({len} bytes)"
    )]
    SlicePastEof {
        /// Archive entry or path of the file.
        entry: String,
        /// 0-based index of the slice in the `fat_arch` table.
        index: u32,
        /// Architecture name of the slice (from `cputype`/`cpusubtype`).
        arch: String,
        /// `fat_arch.offset`: slice start, in bytes from the start of the file.
        offset: u64,
        /// `fat_arch.size` in bytes.
        size: u64,
        /// File length in bytes.
        len: usize,
    },
    /// A fat slice starts inside the fat header or its `fat_arch` table.
    #[error(
        "{entry}: fat slice {index} ({arch}) at offset {offset} overlaps the fat header (ends at {header_end})"
    )]
    SliceOverlapsHeader {
        /// Archive entry or path of the file.
        entry: String,
        /// 0-based index of the slice in the `fat_arch` table.
        index: u32,
        /// Architecture name of the slice.
        arch: String,
        /// `fat_arch.offset`, in bytes from the start of the file.
        offset: u64,
        /// End of the fat header and `fat_arch` table, in bytes from the start of the file.
        header_end: u64,
    },
    /// Two fat slices cover overlapping byte ranges.
    #[error(
        "{entry}: fat slices {first} and {second} overlap ([{a_start}, {a_end}) and [{b_start}, {b_end}))"
    )]
    SlicesOverlap {
        /// Archive entry or path of the file.
        entry: String,
        /// 0-based index of the earlier slice in the `fat_arch` table.
        first: u32,
        /// 0-based index of the later slice in the `fat_arch` table.
        second: u32,
        /// Start of the first slice's range, in bytes from the start of the file.
        a_start: u64,
        /// End (exclusive) of the first slice's range.
        a_end: u64,
        /// Start of the second slice's range, in bytes from the start of the file.
        b_start: u64,
        /// End (exclusive) of the second slice's range.
        b_end: u64,
    },
    /// More `fat_arch` entries than fit in the first 4096 bytes, which dyld
    /// and XNU refuse ("fat header too large"); see [`max_fat_arches`].
    #[error(
        "{entry}: fat header lists {nfat_arch} architectures, more than the {max} that dyld/XNU accept in the first page: not loadable"
    )]
    TooManyArches {
        /// Archive entry or path of the file.
        entry: String,
        /// `nfat_arch` from the fat header.
        nfat_arch: u32,
        /// [`max_fat_arches`] for this fat magic.
        max: u32,
    },
    /// Two `fat_arch` entries with the same `cputype` and `cpusubtype`
    /// (capability bits masked): XNU `fatfile_validate_fatarches` returns
    /// `LOAD_BADMACHO` ("results in ambiguous references").
    #[error(
        "{entry}: fat slices {first} and {second} are both {arch} (duplicate cputype/cpusubtype): not loadable"
    )]
    DuplicateArch {
        /// Archive entry or path of the file.
        entry: String,
        /// 0-based index of the first entry.
        first: u32,
        /// 0-based index of the duplicate.
        second: u32,
        /// Architecture name of both.
        arch: String,
    },
    /// A `fat_arch` whose cputype/cpusubtype disagrees with its slice's
    /// Mach-O header: XNU `exec_mach_imgact` fails with `EBADARCH`.
    #[error(
        "{entry}: fat slice {index} is listed as {fat_arch} but its Mach-O header says {slice_arch}: not loadable"
    )]
    ArchMismatch {
        /// Archive entry or path of the file.
        entry: String,
        /// 0-based index of the slice in the `fat_arch` table.
        index: u32,
        /// Architecture the fat table gives.
        fat_arch: String,
        /// Architecture the slice's header gives.
        slice_arch: String,
    },
    /// A fat file whose every slice failed to parse.
    #[error("{entry}: no fat slice could be read: {message}")]
    NoReadableSlice {
        /// Archive entry or path of the file.
        entry: String,
        /// The per-slice errors, joined.
        message: String,
    },
}

impl MachOError {
    /// True when the platform refuses the file for this reason (PS902),
    /// as opposed to a file privscan could not read: a fat header that XNU
    /// `fatfile_validate_fatarches` / `exec_mach_imgact` or dyld rejects.
    pub fn is_not_loadable(&self) -> bool {
        matches!(
            self,
            MachOError::TooManyArches { .. }
                | MachOError::DuplicateArch { .. }
                | MachOError::ArchMismatch { .. }
                | MachOError::SlicesOverlap { .. }
                | MachOError::SliceOverlapsHeader { .. }
                | MachOError::SlicePastEof { .. }
        )
    }
}

/// One slice as privscan sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MachOSlice {
    /// The facts shared with ELF (`arch`, `needed`, `soname`, symbols, ObjC classes).
    pub facts: BinarySlice,
    /// `cputype` from the Mach-O header (`<mach/machine.h>`, e.g. `CPU_TYPE_ARM64` = 0x0100000c).
    pub cputype: u32,
    /// `cpusubtype` from the Mach-O header, capability bits included.
    pub cpusubtype: u32,
    /// `MH_EXECUTE` = 2, `MH_DYLIB` = 6, `MH_BUNDLE` = 8...
    pub filetype: u32,
    /// Offset and size of the slice in the file (0 and the file length when thin).
    pub offset: u64,
    /// Slice size in bytes (the file length when thin).
    pub size: u64,
    /// Each dylib load command in order: (`LC_LOAD_DYLIB`..., path).
    pub load_dylibs: Vec<(&'static str, String)>,
    /// `LC_ENCRYPTION_INFO(_64).cryptid != 0` (FairPlay-encrypted App Store binary).
    pub encrypted: bool,
    /// `LC_CODE_SIGNATURE` `dataoff`/`datasize`, when present.
    pub code_signature_range: Option<(u32, u32)>,
    /// The parsed signature (entitlements, identifier, team id).
    pub code_signature: Option<CodeSignature>,
    /// ObjC selector names from `__objc_methname` (for required-reason
    /// APIs that are ObjC properties, such as `systemUptime`).
    pub objc_selectors: Vec<String>,
    /// Problems with this slice that did not stop it being read.
    pub warnings: Vec<String>,
}

/// Everything read from one Mach-O file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MachOFacts {
    /// `format = "macho"`, one `BinarySlice` per slice.
    pub binary: BinaryFacts,
    /// Whether the file has a fat/universal header.
    pub is_fat: bool,
    /// Every slice with its Mach-O specific facts, in fat-table order (one for a thin file).
    pub slices: Vec<MachOSlice>,
}

impl MachOFacts {
    /// Every warning, prefixed with the slice's arch.
    pub fn warnings(&self) -> Vec<String> {
        self.slices
            .iter()
            .flat_map(|s| {
                s.warnings
                    .iter()
                    .map(move |w| format!("{}: {w}", s.facts.arch))
            })
            .collect()
    }

    /// Entitlements of the first slice that has any.
    pub fn entitlements(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.slices.iter().find_map(|s| {
            s.code_signature
                .as_ref()
                .and_then(|c| c.entitlements.as_ref())
        })
    }
}

/// True when `data` starts with a Mach-O or fat magic (fat requires a
/// plausible arch count, to tell it from a Java class file).
pub fn is_macho(data: &[u8]) -> bool {
    match be32(data, 0) {
        Some(m) if MH_MAGICS.contains(&m) => true,
        Some(FAT_MAGIC | FAT_MAGIC_64) => be32(data, 4).is_some_and(|n| n > 0 && n < 45),
        _ => false,
    }
}

fn be32(d: &[u8], off: usize) -> Option<u32> {
    d.get(off..off.checked_add(4)?)?
        .try_into()
        .ok()
        .map(u32::from_be_bytes)
}

fn be64(d: &[u8], off: usize) -> Option<u64> {
    d.get(off..off.checked_add(8)?)?
        .try_into()
        .ok()
        .map(u64::from_be_bytes)
}

/// Architecture name for a CPU type/subtype (`<mach/machine.h>`), as
/// llvm-objdump and macholib print them.
pub fn arch_name(cputype: u32, cpusubtype: u32) -> String {
    let sub = cpusubtype & !CPU_SUBTYPE_MASK;
    let name = match cputype {
        t if t == CPU_TYPE_ARM | CPU_ARCH_ABI64 => {
            if sub == 2 {
                "arm64e"
            } else {
                "arm64"
            }
        }
        t if t == CPU_TYPE_ARM | CPU_ARCH_ABI64_32 => "arm64_32",
        CPU_TYPE_ARM => match sub {
            5 => "armv4t",
            6 => "armv6",
            7 => "armv5",
            9 => "armv7",
            10 => "armv7f",
            11 => "armv7s",
            12 => "armv7k",
            14 => "armv6m",
            15 => "armv7m",
            16 => "armv7em",
            _ => "arm",
        },
        t if t == CPU_TYPE_X86 | CPU_ARCH_ABI64 => {
            if sub == 8 {
                "x86_64h"
            } else {
                "x86_64"
            }
        }
        CPU_TYPE_X86 => "i386",
        CPU_TYPE_POWERPC => "ppc",
        t if t == CPU_TYPE_POWERPC | CPU_ARCH_ABI64 => "ppc64",
        _ => return format!("cputype {cputype:#x} subtype {sub:#x}"),
    };
    name.to_owned()
}

/// Parses a thin or fat Mach-O.
///
/// Errors: not a Mach-O, a fat header that XNU would reject (no arches, table
/// past EOF, slices past EOF / over the header / overlapping). A slice whose
/// load commands goblin rejects is returned with header facts and a warning.
pub fn parse(data: &[u8], entry: &str, limits: &Limits) -> Result<MachOFacts, MachOError> {
    let magic = be32(data, 0).ok_or(MachOError::TooSmall {
        entry: entry.into(),
        len: data.len(),
    })?;
    let mut facts = MachOFacts {
        binary: BinaryFacts {
            entry: entry.to_owned(),
            format: "macho".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    if MH_MAGICS.contains(&magic) {
        facts.slices.push(parse_slice(data, 0, limits));
    } else if magic == FAT_MAGIC || magic == FAT_MAGIC_64 {
        facts.is_fat = true;
        let arches = validate_fat(data, entry, magic == FAT_MAGIC_64)?;
        // XNU `kern_exec.c` `exec_mach_imgact`: when the fat header named a
        // cputype/cpusubtype, the thin header must carry the same pair, else
        // EBADARCH. Checked on the header alone, before any slice is parsed.
        for (i, a) in arches.iter().enumerate() {
            let header = usize::try_from(a.offset)
                .ok()
                .and_then(|o| data.get(o..))
                .and_then(header_only);
            if let Some((cputype, cpusubtype, _)) = header
                && (cputype != a.cputype
                    || (cpusubtype & !CPU_SUBTYPE_MASK) != (a.cpusubtype & !CPU_SUBTYPE_MASK))
            {
                return Err(MachOError::ArchMismatch {
                    entry: entry.into(),
                    index: i as u32,
                    fat_arch: arch_name(a.cputype, a.cpusubtype),
                    slice_arch: arch_name(cputype, cpusubtype),
                });
            }
        }
        for a in arches {
            let slice = usize::try_from(a.offset)
                .ok()
                .zip(usize::try_from(a.size).ok())
                .and_then(|(o, s)| data.get(o..o.checked_add(s)?))
                .unwrap_or(&[]);
            let mut s = parse_slice(slice, a.offset, limits);
            s.offset = a.offset;
            facts.slices.push(s);
        }
    } else {
        return Err(MachOError::BadMagic {
            entry: entry.into(),
            found: magic,
        });
    }
    facts.binary.slices = facts.slices.iter().map(|s| s.facts.clone()).collect();
    Ok(facts)
}

/// One validated `fat_arch` / `fat_arch_64` entry (`<mach-o/fat.h>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FatArch {
    /// `cputype` as the fat table gives it.
    pub cputype: u32,
    /// `cpusubtype` as the fat table gives it (capability bits included).
    pub cpusubtype: u32,
    /// Slice start, bytes from the start of the file.
    pub offset: u64,
    /// Slice size in bytes.
    pub size: u64,
}

/// Most `fat_arch` entries dyld accepts: the fat header and its table must
/// fit in the first 4096 bytes (dyld `MachOFile.cpp` `FatFile::forEachSlice`:
/// "fat header too large"; XNU `kern_exec.c` `exec_fat_imgact` likewise hands
/// `fatfile_validate_fatarches` only the first page). 204 for `FAT_MAGIC`,
/// 127 for `FAT_MAGIC_64`.
pub fn max_fat_arches(is64: bool) -> u32 {
    let entry = if is64 { 32 } else { 20 };
    (4096 - 8) / entry
}

/// Validates a fat header the way XNU `bsd/kern/mach_fat.c`
/// `fatfile_validate_fatarches` does and returns its entries in table order.
///
/// Rejected (each a [`MachOError`] for which [`MachOError::is_not_loadable`]
/// holds where XNU/dyld refuse the file): no arches, a table past EOF or over
/// the first page, a slice past EOF or over the header, two slices
/// overlapping, and two entries with the same `cputype` and
/// `cpusubtype & ~CPU_SUBTYPE_MASK` ("duplicate cputype/cpusubtype, results
/// in ambiguous references"). XNU's check is quadratic over a page-bounded
/// table; here duplicates use a hash set and overlap a sort by offset, so the
/// time is O(n log n) in `nfat_arch` even before the page bound applies.
/// Self-contained on purpose: other readers of fat files (ar-in-fat) call it.
pub fn validate_fat(data: &[u8], entry: &str, is64: bool) -> Result<Vec<FatArch>, MachOError> {
    let nfat = be32(data, 4).ok_or(MachOError::TooSmall {
        entry: entry.into(),
        len: data.len(),
    })?;
    if nfat == 0 {
        return Err(MachOError::NoArchitectures {
            entry: entry.into(),
        });
    }
    let arch_size: u64 = if is64 { 32 } else { 20 };
    let header_end = u64::from(nfat).saturating_mul(arch_size).saturating_add(8);
    let len = data.len() as u64;
    if header_end > len {
        return Err(MachOError::FatTableTruncated {
            entry: entry.into(),
            nfat_arch: nfat,
            need: header_end,
            len: data.len(),
        });
    }
    if nfat > max_fat_arches(is64) {
        return Err(MachOError::TooManyArches {
            entry: entry.into(),
            nfat_arch: nfat,
            max: max_fat_arches(is64),
        });
    }
    let mut out: Vec<FatArch> = Vec::with_capacity(nfat as usize);
    let mut seen: std::collections::HashMap<(u32, u32), u32> = std::collections::HashMap::new();
    for i in 0..nfat {
        let at = 8usize.saturating_add((i as usize).saturating_mul(arch_size as usize));
        let cputype = be32(data, at).unwrap_or(0);
        let cpusubtype = be32(data, at.saturating_add(4)).unwrap_or(0);
        let (offset, size) = if is64 {
            (
                be64(data, at.saturating_add(8)).unwrap_or(0),
                be64(data, at.saturating_add(16)).unwrap_or(0),
            )
        } else {
            (
                u64::from(be32(data, at.saturating_add(8)).unwrap_or(0)),
                u64::from(be32(data, at.saturating_add(12)).unwrap_or(0)),
            )
        };
        let arch = arch_name(cputype, cpusubtype);
        let end = offset.checked_add(size);
        if end.is_none_or(|e| e > len) {
            return Err(MachOError::SlicePastEof {
                entry: entry.into(),
                index: i,
                arch,
                offset,
                size,
                len: data.len(),
            });
        }
        if offset < header_end {
            return Err(MachOError::SliceOverlapsHeader {
                entry: entry.into(),
                index: i,
                arch,
                offset,
                header_end,
            });
        }
        if let Some(first) = seen.insert((cputype, cpusubtype & !CPU_SUBTYPE_MASK), i) {
            return Err(MachOError::DuplicateArch {
                entry: entry.into(),
                first,
                second: i,
                arch,
            });
        }
        out.push(FatArch {
            cputype,
            cpusubtype,
            offset,
            size,
        });
    }
    // Overlap: sorted by start, each slice must end before the next one
    // starts. XNU compares every pair with `i_begin <= j_begin < i_end` (both
    // ways), so an empty slice strictly inside another one also overlaps; ties
    // on the start sort the larger slice first to catch an empty one there.
    let mut order: Vec<u32> = (0..nfat).collect();
    order.sort_by_key(|i| {
        out.get(*i as usize).map_or((0, std::cmp::Reverse(0)), |a| {
            (a.offset, std::cmp::Reverse(a.size))
        })
    });
    let mut prev: Option<(u32, u64, u64)> = None;
    for i in order {
        let Some(a) = out.get(i as usize) else {
            continue;
        };
        let a_end = a.offset.saturating_add(a.size);
        if let Some((j, p_start, p_end)) = prev
            && a.offset < p_end
        {
            let (first, second) = (j.min(i), j.max(i));
            let (fa, fb) = if j < i {
                ((p_start, p_end), (a.offset, a_end))
            } else {
                ((a.offset, a_end), (p_start, p_end))
            };
            return Err(MachOError::SlicesOverlap {
                entry: entry.into(),
                first,
                second,
                a_start: fa.0,
                a_end: fa.1,
                b_start: fb.0,
                b_end: fb.1,
            });
        }
        if prev.is_none_or(|(_, _, e)| a_end > e) {
            prev = Some((i, a.offset, a_end));
        }
    }
    Ok(out)
}

/// Reads the header fields of a thin Mach-O ourselves (used when goblin fails).
fn header_only(slice: &[u8]) -> Option<(u32, u32, u32)> {
    let magic = be32(slice, 0)?;
    let rd = |off: usize| -> Option<u32> {
        let b: [u8; 4] = slice.get(off..off.checked_add(4)?)?.try_into().ok()?;
        Some(if magic == 0xcefa_edfe || magic == 0xcffa_edfe {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    Some((rd(4)?, rd(8)?, rd(12)?))
}

fn cstr_in(slice: &[u8], start: usize, end: usize) -> Option<String> {
    let bytes = slice.get(start..end)?;
    let n = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    let s = String::from_utf8_lossy(bytes.get(..n)?).into_owned();
    if s.is_empty() { None } else { Some(s) }
}

/// goblin 0.10.7 computes `__TEXT.vmaddr - __TEXT.fileoff + LC_MAIN.entryoff`
/// unchecked (`mach/mod.rs` `parse_impl`), which panics with overflow checks
/// on. Find that case first (found by the `macho` fuzz target).
fn goblin_entry_overflow(slice: &[u8]) -> Option<String> {
    let magic = slice.get(..4)?;
    let (is64, le) = match magic {
        [0xcf, 0xfa, 0xed, 0xfe] => (true, true),
        [0xfe, 0xed, 0xfa, 0xcf] => (true, false),
        [0xce, 0xfa, 0xed, 0xfe] => (false, true),
        [0xfe, 0xed, 0xfa, 0xce] => (false, false),
        _ => return None,
    };
    let u32_at = |off: usize| -> Option<u64> {
        let b: [u8; 4] = slice.get(off..off.checked_add(4)?)?.try_into().ok()?;
        Some(u64::from(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }))
    };
    let u64_at = |off: usize| -> Option<u64> {
        let b: [u8; 8] = slice.get(off..off.checked_add(8)?)?.try_into().ok()?;
        Some(if le {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        })
    };
    let ncmds = u32_at(16)?;
    let mut off: usize = if is64 { 32 } else { 28 };
    let (mut text, mut entry) = (None, None);
    for _ in 0..ncmds.min(65_536) {
        let cmd = u32_at(off)?;
        let size = usize::try_from(u32_at(off.checked_add(4)?)?).ok()?;
        match cmd {
            0x8000_0028 => entry = entry.or(u64_at(off.checked_add(8)?)),
            0x19 | 0x1 if text.is_none() => {
                let name = slice.get(off.checked_add(8)?..off.checked_add(15)?)?;
                if name == b"__TEXT\0" {
                    text = if is64 {
                        Some((u64_at(off + 24)?, u64_at(off + 40)?))
                    } else {
                        Some((u32_at(off + 24)?, u32_at(off + 32)?))
                    };
                }
            }
            _ => {}
        }
        if size < 8 {
            break;
        }
        off = off.checked_add(size)?;
    }
    let ((vmaddr, fileoff), entryoff) = (text?, entry?);
    match vmaddr
        .checked_sub(fileoff)
        .and_then(|b| b.checked_add(entryoff))
    {
        Some(_) => None,
        None => Some(format!(
            "LC_MAIN entryoff 0x{entryoff:x} with __TEXT vmaddr 0x{vmaddr:x} and fileoff 0x{fileoff:x} overflows"
        )),
    }
}

fn parse_slice(slice: &[u8], file_offset: u64, limits: &Limits) -> MachOSlice {
    let mut out = MachOSlice {
        size: slice.len() as u64,
        offset: file_offset,
        ..Default::default()
    };
    if let Some((cputype, cpusubtype, filetype)) = header_only(slice) {
        out.cputype = cputype;
        out.cpusubtype = cpusubtype;
        out.filetype = filetype;
        out.facts.arch = arch_name(cputype, cpusubtype);
    } else {
        out.facts.arch = "unknown".into();
        out.warnings.push(format!(
            "slice at offset {file_offset} is too small for a Mach-O header ({} bytes)",
            slice.len()
        ));
        return out;
    }
    if let Some(why) = goblin_entry_overflow(slice) {
        out.warnings.push(format!("load commands not read: {why}"));
        return out;
    }
    let macho = match MachO::parse(slice, 0) {
        Ok(m) => m,
        Err(strict) => match MachO::parse_lossy(slice, 0) {
            Ok(m) => {
                out.warnings
                    .push(format!("malformed load commands, read leniently: {strict}"));
                m
            }
            Err(e) => {
                out.warnings.push(format!("load commands unreadable: {e}"));
                return out;
            }
        },
    };
    let mut symtab = None;
    for lc in &macho.load_commands {
        let name_of = |name_off: u32, cmdsize: u32| {
            let start = lc.offset.checked_add(name_off as usize)?;
            let end = lc.offset.checked_add(cmdsize as usize)?.min(slice.len());
            cstr_in(slice, start, end)
        };
        let (kind, dc) = match &lc.command {
            CommandVariant::LoadDylib(c) => ("LC_LOAD_DYLIB", c),
            CommandVariant::LoadWeakDylib(c) => ("LC_LOAD_WEAK_DYLIB", c),
            CommandVariant::ReexportDylib(c) => ("LC_REEXPORT_DYLIB", c),
            CommandVariant::LazyLoadDylib(c) => ("LC_LAZY_LOAD_DYLIB", c),
            CommandVariant::LoadUpwardDylib(c) => ("LC_LOAD_UPWARD_DYLIB", c),
            CommandVariant::IdDylib(c) => {
                if out.facts.soname.is_none() {
                    out.facts.soname = name_of(c.dylib.name, c.cmdsize);
                }
                continue;
            }
            CommandVariant::Symtab(c) => {
                symtab = Some(*c);
                continue;
            }
            CommandVariant::EncryptionInfo32(c) => {
                out.encrypted |= c.cryptid != 0;
                continue;
            }
            CommandVariant::EncryptionInfo64(c) => {
                out.encrypted |= c.cryptid != 0;
                continue;
            }
            CommandVariant::CodeSignature(c) => {
                out.code_signature_range = Some((c.dataoff, c.datasize));
                continue;
            }
            _ => continue,
        };
        match name_of(dc.dylib.name, dc.cmdsize) {
            Some(path) => {
                out.facts.needed.push(path.clone());
                out.load_dylibs.push((kind, path));
            }
            None => out.warnings.push(format!(
                "{kind} at offset {} has no readable name",
                lc.offset
            )),
        }
    }
    if let Some(st) = symtab {
        read_symbols(&macho, slice, &st, limits, &mut out);
    }
    if out.encrypted {
        // FairPlay encrypts __TEXT after the load commands: the ObjC name
        // sections are ciphertext, so only symbol-table class names are kept.
        out.warnings.push("LC_ENCRYPTION_INFO cryptid != 0 (App Store encrypted): ObjC names in __TEXT not readable".into());
        read_objc_classes(None, &mut out);
    } else {
        read_objc_classes(Some(&macho), &mut out);
    }
    if let Some((dataoff, datasize)) = out.code_signature_range {
        match codesign::parse(slice, dataoff, datasize, limits) {
            Ok(sig) => out.code_signature = Some(sig),
            Err(e) => out.warnings.push(format!("code signature: {e}")),
        }
    }
    out
}

fn read_symbols(
    macho: &MachO<'_>,
    slice: &[u8],
    st: &goblin::mach::load_command::SymtabCommand,
    limits: &Limits,
    out: &mut MachOSlice,
) {
    use goblin::mach::symbols::{N_EXT, N_PEXT, N_SECT, N_STAB, N_TYPE, N_UNDF};
    let nlist_size: u64 = if macho.is_64 { 16 } else { 12 };
    let len = slice.len() as u64;
    let syms_end = u64::from(st.nsyms)
        .saturating_mul(nlist_size)
        .saturating_add(u64::from(st.symoff));
    let str_end = u64::from(st.stroff).saturating_add(u64::from(st.strsize));
    if syms_end > len || str_end > len || st.stroff < st.symoff {
        out.warnings.push(format!(
            "LC_SYMTAB out of bounds (symoff {} nsyms {} stroff {} strsize {}, slice {} bytes); symbols skipped",
            st.symoff, st.nsyms, st.stroff, st.strsize, len
        ));
        return;
    }
    if u64::from(st.nsyms) > limits.max_strings {
        out.warnings.push(format!(
            "LC_SYMTAB nsyms {} over the cap {}; symbols skipped",
            st.nsyms, limits.max_strings
        ));
        return;
    }
    let Some(symbols) = &macho.symbols else {
        return;
    };
    let mut seen_imp = HashSet::new();
    let mut seen_exp = HashSet::new();
    for sym in symbols.iter() {
        let Ok((name, nl)) = sym else {
            out.warnings
                .push("LC_SYMTAB entry unreadable; remaining symbols skipped".into());
            break;
        };
        if nl.n_type & N_STAB != 0 || nl.n_type & N_EXT == 0 || name.is_empty() {
            continue;
        }
        let typ = nl.n_type & N_TYPE;
        if typ == N_UNDF && nl.n_value == 0 {
            if seen_imp.insert(name) {
                out.facts.imported_symbols.push(name.to_owned());
            }
        } else if typ == N_SECT && nl.n_type & N_PEXT == 0 && seen_exp.insert(name) {
            out.facts.exported_symbols.push(name.to_owned());
        }
    }
}

/// True for a `__objc_classname` string that can name a class or protocol:
/// at least two bytes of `[A-Za-z0-9_$.]`, not starting with a digit (Swift
/// classes are mangled `_TtC…`). Clang also emits each class's ivar layout
/// and weak ivar layout (`class_ro_t.ivarLayout`: bytes of skip/scan
/// nibbles, `\x01\x11`, `!`) into `__TEXT,__objc_classname`
/// (clang/lib/CodeGen/CGObjCMac.cpp, `BuildIvarLayout` emits the layout
/// with `ObjCLabelType::ClassName`); those strings are skipped.
fn is_objc_class_name(s: &str) -> bool {
    s.len() >= 2
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.')
}

fn read_objc_classes(macho: Option<&MachO<'_>>, out: &mut MachOSlice) {
    let mut seen: HashSet<String> = HashSet::new();
    for seg in macho.map(|m| m.segments.iter()).into_iter().flatten() {
        let Ok(sections) = seg.sections() else {
            continue;
        };
        for (sect, data) in sections {
            let name = sect.name().ok();
            if name == Some("__objc_methname") {
                out.objc_selectors.extend(
                    data.split(|b| *b == 0)
                        .filter(|r| !r.is_empty())
                        .filter_map(|r| std::str::from_utf8(r).ok())
                        .map(str::to_owned),
                );
                continue;
            }
            if name != Some("__objc_classname") {
                continue;
            }
            for raw in data.split(|b| *b == 0) {
                if let Ok(s) = std::str::from_utf8(raw)
                    && is_objc_class_name(s)
                    && seen.insert(s.to_owned())
                {
                    out.facts.objc_classes.push(s.to_owned());
                }
            }
        }
    }
    for sym in &out.facts.exported_symbols {
        if let Some(c) = sym.strip_prefix("_OBJC_CLASS_$_")
            && seen.insert(c.to_owned())
        {
            out.facts.objc_classes.push(c.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_names() {
        assert_eq!(arch_name(0x0100_000c, 0), "arm64");
        assert_eq!(arch_name(0x0100_000c, 0x8000_0002), "arm64e");
        assert_eq!(arch_name(12, 9), "armv7");
        assert_eq!(arch_name(0x0100_0007, 3), "x86_64");
        assert_eq!(arch_name(7, 3), "i386");
        assert_eq!(arch_name(18, 0), "ppc");
    }

    #[test]
    fn fat_validation() {
        let mut f = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2];
        // arm64 and x86_64 (distinct, so the overlap is what fails).
        for (cpu, off, size) in [(0x0100_000cu32, 48u32, 32u32), (0x0100_0007, 64, 32)] {
            f.extend_from_slice(&cpu.to_be_bytes());
            f.extend_from_slice(&0u32.to_be_bytes());
            f.extend_from_slice(&off.to_be_bytes());
            f.extend_from_slice(&size.to_be_bytes());
            f.extend_from_slice(&0u32.to_be_bytes());
        }
        f.resize(96, 0);
        let e = parse(&f, "x", &Limits::default()).unwrap_err();
        assert!(
            matches!(
                e,
                MachOError::SlicesOverlap {
                    first: 0,
                    second: 1,
                    ..
                }
            ),
            "{e}"
        );
        f.truncate(80);
        let e = parse(&f, "x", &Limits::default()).unwrap_err();
        assert!(
            matches!(e, MachOError::SlicePastEof { index: 1, .. }),
            "{e}"
        );
        assert!(matches!(
            parse(
                &[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0],
                "x",
                &Limits::default()
            ),
            Err(MachOError::NoArchitectures { .. })
        ));
    }

    #[test]
    fn encrypted_slice_keeps_symbol_classes_only() {
        use crate::testkit::macho::{MachOSpec, build_thin};
        let spec = MachOSpec {
            exports: vec!["_OBJC_CLASS_$_Visible".into()],
            objc_classes: vec!["Hidden".into()],
            cryptid: Some(1),
            ..Default::default()
        };
        let f = parse(&build_thin(&spec), "x", &Limits::default()).unwrap();
        let s = &f.slices[0];
        assert!(s.encrypted);
        assert_eq!(s.facts.objc_classes, ["Visible"]);
        assert!(s.warnings.iter().any(|w| w.contains("encrypted")));
        let clear = parse(
            &build_thin(&MachOSpec {
                cryptid: Some(0),
                ..spec
            }),
            "x",
            &Limits::default(),
        )
        .unwrap();
        assert!(!clear.slices[0].encrypted);
        assert_eq!(clear.slices[0].facts.objc_classes, ["Hidden", "Visible"]);
    }

    #[test]
    fn ivar_layouts_in_objc_classname_are_not_classes() {
        use crate::testkit::macho::{MachOSpec, build_thin};
        // What clang puts in __objc_classname of a real static library
        // (jcore-ios-3.2.5.a): class and protocol names, and ivar layouts.
        let spec = MachOSpec {
            objc_classes: [
                "\u{1}\u{11}",
                "!",
                "T",
                "1x",
                "JCOREInterface",
                "_TtC5Mod4Main",
                "NSObject",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        };
        let f = parse(&build_thin(&spec), "x", &Limits::default()).unwrap();
        assert_eq!(
            f.slices[0].facts.objc_classes,
            ["JCOREInterface", "_TtC5Mod4Main", "NSObject"]
        );
    }
}
