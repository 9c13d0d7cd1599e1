//! DEX bytecode walker: every method's `code_item`, decoded just far enough
//! to list the references that show what code reads — `invoke-virtual`,
//! `invoke-super`, `invoke-direct`, `invoke-static`, `invoke-interface`
//! (and their `/range` forms), `invoke-polymorphic(/range)`,
//! `invoke-custom(/range)`, `const-string(/jumbo)`, `sget*` and `iget*` —
//! each with the class and method that holds it.
//!
//! The walk is a linear sweep of each `insns` array, as ART's
//! `Instruction::SizeInCodeUnits` and `dexdump` do: every one of the 256
//! opcodes has a width from its format (10x…51l), and a `nop` whose high
//! byte is 0x01/0x02/0x03 is a `packed-switch-payload` (4 + 2·size units),
//! `sparse-switch-payload` (2 + 4·size) or `fill-array-data-payload`
//! (4 + ⌈width·size/2⌉), skipped whole.
//!
//! Distrusts everything: `class_data_off`, `code_off` and `insns_size` are
//! bounds-checked before use, an instruction that runs past its `insns`
//! ends that method with an error, and the total work (class-data bytes
//! decoded plus code bytes swept) is capped at [`WORK_FACTOR`] × the file
//! size, so overlapping or shared items in a hostile file cannot make the
//! walk quadratic; past the cap the walk stops and says so
//! ([`WalkStats::truncated`]). Nothing is allocated per instruction.
//!
//! Format facts: AOSP "Dalvik Executable format" (`class_data_item`,
//! `encoded_method`, `code_item`, `method_id_item`, `field_id_item`) and
//! "Dalvik bytecode" / "Dalvik Executable instruction formats"
//! (source.android.com/docs/core/runtime/dalvik-bytecode,
//! .../instruction-formats); ART `libdexfile/dex/dex_instruction_list.h`
//! for the opcode → format table.

use crate::android::dex::{DexError, DexFile, table, u32_at, uleb128};

/// The walk stops after decoding this many × the file size in bytes
/// (class data plus code). A well-formed file needs at most 1×: its
/// `class_data_item`s and `code_item`s are disjoint parts of it.
pub const WORK_FACTOR: u64 = 4;
/// Most per-method errors kept in [`WalkStats::errors`] (the rest are counted).
pub const MAX_ERRORS: usize = 16;

/// What a reference instruction does with its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefKind {
    /// `invoke-virtual` (0x6e) / `invoke-virtual/range` (0x74): `method_ids` index.
    InvokeVirtual,
    /// `invoke-super` (0x6f) / `/range` (0x75).
    InvokeSuper,
    /// `invoke-direct` (0x70) / `/range` (0x76).
    InvokeDirect,
    /// `invoke-static` (0x71) / `/range` (0x77).
    InvokeStatic,
    /// `invoke-interface` (0x72) / `/range` (0x78).
    InvokeInterface,
    /// `invoke-polymorphic` (0xfa) / `/range` (0xfb), DEX 038+: `method_ids` index.
    InvokePolymorphic,
    /// `invoke-custom` (0xfc) / `/range` (0xfd), DEX 038+: `call_site_ids` index.
    InvokeCustom,
    /// `const-string` (0x1a) / `const-string/jumbo` (0x1b): `string_ids` index.
    ConstString,
    /// `sget`, `sget-wide`, … `sget-short` (0x60–0x66): `field_ids` index.
    StaticGet,
    /// `iget`, `iget-wide`, … `iget-short` (0x52–0x58): `field_ids` index.
    InstanceGet,
}

impl RefKind {
    /// `true` for the kinds whose index is a `method_ids` index.
    pub fn is_method(self) -> bool {
        matches!(
            self,
            RefKind::InvokeVirtual
                | RefKind::InvokeSuper
                | RefKind::InvokeDirect
                | RefKind::InvokeStatic
                | RefKind::InvokeInterface
                | RefKind::InvokePolymorphic
        )
    }

    /// `true` for `sget*` / `iget*` (a `field_ids` index).
    pub fn is_field(self) -> bool {
        matches!(self, RefKind::StaticGet | RefKind::InstanceGet)
    }
}

/// One reference instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeRef {
    /// What the instruction does.
    pub kind: RefKind,
    /// The opcode byte (e.g. 0x6e), which also tells the `/range` forms apart.
    pub opcode: u8,
    /// The index operand: into `method_ids`, `field_ids`, `string_ids` or
    /// `call_site_ids` by [`RefKind`].
    pub index: u32,
    /// Offset of the instruction in its method's `insns`, in 16-bit code
    /// units (`dexdump`'s address; ×2 for androguard's byte offset).
    pub pc: u32,
}

/// The method a reference belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Index into `class_defs` of the defining class.
    pub class_def: u32,
    /// `class_idx` of that class (a `type_ids` index).
    pub class_idx: u32,
    /// `method_ids` index of the method.
    pub method_idx: u32,
    /// File offset of its `code_item`.
    pub code_off: u32,
}

/// What the walk covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkStats {
    /// `class_def_item`s with class data.
    pub classes: u32,
    /// Methods with a `code_item` swept to the end.
    pub methods: u32,
    /// Code units swept.
    pub code_units: u64,
    /// Reference instructions reported.
    pub refs: u64,
    /// Problems that skipped a class or a method (first [`MAX_ERRORS`]).
    pub errors: Vec<String>,
    /// Total number of such problems.
    pub error_count: u64,
    /// The work cap stopped the walk: some code was not read.
    pub truncated: bool,
}

impl WalkStats {
    fn error(&mut self, msg: impl FnOnce() -> String) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(msg());
        }
    }

    /// `true` when every method's code was read.
    pub fn complete(&self) -> bool {
        !self.truncated && self.error_count == 0
    }
}

/// Width in code units of every opcode (formats from
/// `dex_instruction_list.h`; unused opcodes are 10x, one unit).
const fn width(op: u8) -> u8 {
    match op {
        0x00..=0x01 | 0x04 | 0x07 | 0x0a..=0x12 | 0x1d | 0x1e | 0x21 | 0x27 | 0x28 => 1,
        0x02 | 0x05 | 0x08 | 0x13 | 0x15 | 0x16 | 0x19 | 0x1a | 0x1c | 0x1f | 0x20 | 0x22
        | 0x23 | 0x29 => 2,
        0x03 | 0x06 | 0x09 | 0x14 | 0x17 | 0x1b | 0x24..=0x26 | 0x2a..=0x2c => 3,
        0x18 => 5,
        0x2d..=0x3d => 2,
        0x3e..=0x43 => 1,
        0x44..=0x6d => 2,
        0x6e..=0x72 => 3,
        0x73 => 1,
        0x74..=0x78 => 3,
        0x79..=0x8f => 1,
        0x90..=0xaf => 2,
        0xb0..=0xcf => 1,
        0xd0..=0xe2 => 2,
        0xe3..=0xf9 => 1,
        0xfa | 0xfb => 4,
        0xfc | 0xfd => 3,
        0xfe | 0xff => 2,
    }
}

const WIDTHS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = width(i as u8);
        i += 1;
    }
    t
};

/// Width in code units of the instruction at `pc` of `insns` (`None` when
/// a payload header runs past the end).
fn insn_width(insns: &[u8], pc: usize, unit: u16) -> Option<usize> {
    let op = (unit & 0xff) as u8;
    if op != 0 {
        return Some(usize::from(WIDTHS[usize::from(op)]));
    }
    let u16_at = |k: usize| -> Option<u16> {
        let o = pc.checked_add(k)?.checked_mul(2)?;
        let b = insns.get(o..o.checked_add(2)?)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    };
    match unit {
        // packed-switch-payload: ident, size, first_key (2), targets (2 × size)
        0x0100 => Some(4 + 2 * usize::from(u16_at(1)?)),
        // sparse-switch-payload: ident, size, keys (2 × size), targets (2 × size)
        0x0200 => Some(2 + 4 * usize::from(u16_at(1)?)),
        // fill-array-data-payload: ident, element_width, size (u32), data
        0x0300 => {
            let w = u64::from(u16_at(1)?);
            let n = u64::from(u16_at(2)?) | (u64::from(u16_at(3)?) << 16);
            let units = (w.checked_mul(n)?).checked_add(1)? / 2;
            usize::try_from(units.checked_add(4)?).ok()
        }
        _ => Some(1),
    }
}

/// Decode the reference at `pc`, if the opcode is one.
fn decode(insns: &[u8], pc: usize, op: u8) -> Option<CodeRef> {
    let unit = |k: usize| -> u32 {
        let o = (pc + k) * 2;
        insns
            .get(o..o + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
            .unwrap_or(0)
    };
    let kind = match op {
        0x1a | 0x1b => RefKind::ConstString,
        0x52..=0x58 => RefKind::InstanceGet,
        0x60..=0x66 => RefKind::StaticGet,
        0x6e | 0x74 => RefKind::InvokeVirtual,
        0x6f | 0x75 => RefKind::InvokeSuper,
        0x70 | 0x76 => RefKind::InvokeDirect,
        0x71 | 0x77 => RefKind::InvokeStatic,
        0x72 | 0x78 => RefKind::InvokeInterface,
        0xfa | 0xfb => RefKind::InvokePolymorphic,
        0xfc | 0xfd => RefKind::InvokeCustom,
        _ => return None,
    };
    // 21c/22c/35c/3rc/45cc/4rcc: index in unit 1; 31c (jumbo): units 1–2.
    let index = if op == 0x1b {
        unit(1) | (unit(2) << 16)
    } else {
        unit(1)
    };
    Some(CodeRef {
        kind,
        opcode: op,
        index,
        pc: pc as u32,
    })
}

/// Sweep one `insns` array (`n` code units), calling `visit` per reference.
/// Returns the units swept, or an error message for an instruction that
/// runs past the end.
fn sweep(
    insns: &[u8],
    n: usize,
    visit: &mut dyn FnMut(CodeRef),
    refs: &mut u64,
) -> Result<(), String> {
    let mut pc = 0usize;
    while pc < n {
        let o = pc * 2;
        let Some(b) = insns.get(o..o + 2) else {
            return Err(format!("insns end at code unit {pc}"));
        };
        let unit = u16::from_le_bytes([b[0], b[1]]);
        let w = insn_width(insns, pc, unit)
            .ok_or_else(|| format!("payload at code unit {pc} runs past insns_size {n}"))?;
        let end = pc.saturating_add(w);
        if end > n {
            return Err(format!(
                "instruction 0x{:02x} at code unit {pc} ({w} units) runs past insns_size {n}",
                unit & 0xff
            ));
        }
        if let Some(r) = decode(insns, pc, (unit & 0xff) as u8) {
            *refs += 1;
            visit(r);
        }
        pc = end;
    }
    Ok(())
}

/// Header tables the walker resolves indices with.
#[derive(Debug, Clone, Copy)]
pub struct CodeIndex<'a> {
    dex: &'a DexFile<'a>,
    method_ids: &'a [u8],
    field_ids: &'a [u8],
    method_ids_size: u32,
    field_ids_size: u32,
}

/// `method_ids` and `field_ids` of `dex`, bounds-checked (header offsets
/// 0x50–0x5c). Errors: a table past the end of the file.
pub fn index<'a>(dex: &'a DexFile<'a>) -> Result<CodeIndex<'a>, DexError> {
    let data = dex.data();
    let h = |off: usize| u32_at(data, off).unwrap_or(0);
    let (field_ids_size, field_ids_off) = (h(0x50), h(0x54));
    let (method_ids_size, method_ids_off) = (h(0x58), h(0x5c));
    Ok(CodeIndex {
        dex,
        method_ids: table(data, "method_ids", method_ids_off, method_ids_size, 8)?,
        field_ids: table(data, "field_ids", field_ids_off, field_ids_size, 8)?,
        method_ids_size,
        field_ids_size,
    })
}

fn u16_le(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

impl<'a> CodeIndex<'a> {
    /// The DEX file.
    pub fn dex(&self) -> &'a DexFile<'a> {
        self.dex
    }

    /// `method_ids_size`.
    pub fn method_count(&self) -> u32 {
        self.method_ids_size
    }

    /// `field_ids_size`.
    pub fn field_count(&self) -> u32 {
        self.field_ids_size
    }

    fn member(
        &self,
        table: &'a [u8],
        name: &'static str,
        size: u32,
        idx: u32,
    ) -> Result<(&'a [u8], &'a [u8]), DexError> {
        let bad = DexError::BadIndex {
            table: name,
            index: idx,
            size,
        };
        let off = (idx as usize).checked_mul(8).ok_or(bad.clone())?;
        let class_idx = u16_le(table, off).ok_or(bad.clone())?;
        let name_idx = u32_at(table, off + 4).ok_or(bad)?;
        Ok((
            self.dex.type_descriptor(u32::from(class_idx))?,
            self.dex.string(name_idx)?,
        ))
    }

    /// `class_idx` of `method_ids[idx]` (`None` past the table).
    pub fn method_class_idx(&self, idx: u32) -> Option<u32> {
        u16_le(self.method_ids, (idx as usize).checked_mul(8)?).map(u32::from)
    }

    /// `class_idx` of `field_ids[idx]` (`None` past the table).
    pub fn field_class_idx(&self, idx: u32) -> Option<u32> {
        u16_le(self.field_ids, (idx as usize).checked_mul(8)?).map(u32::from)
    }

    /// `(class descriptor, name)` of `method_ids[idx]`, e.g.
    /// `(b"Landroid/telephony/TelephonyManager;", b"getDeviceId")`.
    pub fn method_ref(&self, idx: u32) -> Result<(&'a [u8], &'a [u8]), DexError> {
        self.member(self.method_ids, "method_ids", self.method_ids_size, idx)
    }

    /// `(class descriptor, name)` of `field_ids[idx]`, e.g. `(b"Landroid/os/Build;", b"SERIAL")`.
    pub fn field_ref(&self, idx: u32) -> Result<(&'a [u8], &'a [u8]), DexError> {
        self.member(self.field_ids, "field_ids", self.field_ids_size, idx)
    }

    /// Walk every method of every class with class data, in `class_defs`
    /// order (direct methods, then virtual), calling `visit` for each
    /// reference instruction with its caller. Never fails: a bad class or
    /// method is skipped and counted in the returned [`WalkStats`].
    pub fn walk(&self, visit: &mut dyn FnMut(&Caller, CodeRef)) -> WalkStats {
        let data = self.dex.data();
        let mut stats = WalkStats::default();
        let cap = (data.len() as u64).saturating_mul(WORK_FACTOR);
        let mut work = 0u64;
        'classes: for cd in 0..self.dex.class_defs_size() {
            let Some(def) = self.dex.class_def_bytes(cd) else {
                break;
            };
            let class_idx = u32_at(def, 0).unwrap_or(0);
            let class_data_off = u32_at(def, 24).unwrap_or(0);
            if class_data_off == 0 {
                continue;
            }
            let mut pos = class_data_off as usize;
            let next = |pos: &mut usize, work: &mut u64| -> Option<u32> {
                let (v, n) = uleb128(data, *pos)?;
                *pos += n;
                *work += n as u64;
                Some(v)
            };
            let header: Option<[u32; 4]> = (|| {
                Some([
                    next(&mut pos, &mut work)?,
                    next(&mut pos, &mut work)?,
                    next(&mut pos, &mut work)?,
                    next(&mut pos, &mut work)?,
                ])
            })();
            let Some([sf, inf, dm, vm]) = header else {
                stats.error(|| {
                    format!("class_def {cd}: class_data_item at 0x{class_data_off:x} is truncated")
                });
                continue;
            };
            // Fields: two ULEB128 each (field_idx_diff, access_flags).
            let fields = u64::from(sf) + u64::from(inf);
            for _ in 0..fields {
                if next(&mut pos, &mut work)
                    .and_then(|_| next(&mut pos, &mut work))
                    .is_none()
                {
                    stats.error(|| format!("class_def {cd}: encoded_field list is truncated"));
                    continue 'classes;
                }
                if work > cap {
                    stats.truncated = true;
                    break 'classes;
                }
            }
            stats.classes += 1;
            for (count, _virtual) in [(dm, false), (vm, true)] {
                let mut method_idx = 0u32;
                for i in 0..count {
                    let entry = (|| {
                        Some((
                            next(&mut pos, &mut work)?,
                            next(&mut pos, &mut work)?,
                            next(&mut pos, &mut work)?,
                        ))
                    })();
                    let Some((diff, _flags, code_off)) = entry else {
                        stats.error(|| format!("class_def {cd}: encoded_method list is truncated"));
                        continue 'classes;
                    };
                    method_idx = if i == 0 {
                        diff
                    } else {
                        method_idx.wrapping_add(diff)
                    };
                    if work > cap {
                        stats.truncated = true;
                        break 'classes;
                    }
                    if code_off == 0 {
                        continue;
                    }
                    let caller = Caller {
                        class_def: cd,
                        class_idx,
                        method_idx,
                        code_off,
                    };
                    // code_item: registers, ins, outs, tries (u16), debug_info_off, insns_size (u32).
                    let Some(n) = u32_at(data, (code_off as usize).saturating_add(12)) else {
                        stats.error(|| format!("method {method_idx}: code_item at 0x{code_off:x} is outside the file"));
                        continue;
                    };
                    let start = (code_off as usize).saturating_add(16);
                    let len = (n as usize).saturating_mul(2);
                    let Some(insns) = data.get(start..start.saturating_add(len)) else {
                        stats.error(|| format!("method {method_idx}: insns_size {n} at 0x{code_off:x} runs past the end of the file"));
                        continue;
                    };
                    work = work.saturating_add(len as u64);
                    if work > cap {
                        stats.truncated = true;
                        break 'classes;
                    }
                    let mut on_ref = |r: CodeRef| visit(&caller, r);
                    match sweep(insns, n as usize, &mut on_ref, &mut stats.refs) {
                        Ok(()) => {
                            stats.methods += 1;
                            stats.code_units += u64::from(n);
                        }
                        Err(m) => stats.error(|| format!("method {method_idx}: {m}")),
                    }
                }
            }
        }
        stats
    }
}

#[cfg(test)]
#[path = "dex_code_tests.rs"]
mod tests;
