//! Our own `bplist00` reader, which keeps shared objects shared.
//!
//! A binary plist is an object table: every array, set and dictionary
//! holds object *references* (indices into the offset table), and
//! CoreFoundation reads each object once and shares it wherever it is
//! referenced (`CFBinaryPList.c` `__CFBinaryPlistCreateObjectFiltered`
//! caches objects by offset). A 1.6 KB file whose arrays reference one
//! another is a few objects for iOS but 2^30 copies for a reader that
//! expands every reference. This reader:
//!
//! 1. checks the trailer and offset table ([`super::plist::check_binary_layout`],
//!    its errors reported as `Syntax` like the `plist` crate's);
//! 2. decodes objects lazily and zero-copy from the file (`object`), so
//!    the graph costs nothing beyond the file itself;
//! 3. walks the reference graph once (iterative DFS, O(objects + refs)):
//!    a reference cycle is refused, as CoreFoundation refuses it
//!    (`__CFBinaryPlistCreateObjectFiltered` keeps the set of objects being
//!    parsed and fails on re-entry), and nesting deeper than
//!    `Limits::max_depth` is refused;
//! 4. builds the `plist::Value` tree the rest of privscan reads under a
//!    byte budget split fairly between the root dictionary's keys: each key
//!    gets `budget / keys` plus what earlier keys left unused, so no key
//!    (however hostile) can starve another. A value past its key's share is
//!    built as far as the share goes and its remaining shared copies are
//!    left empty; the key is reported in [`Parsed::collapsed_keys`] (a
//!    cap, PS905 `max_plist_bytes`), never silently.
//!
//! Memory per plist is the file plus at most the budget, whatever the
//! sharing, and does not depend on `--jobs`.
//!
//! Format facts (CoreFoundation `CFBinaryPList.c`, "HEADER / OBJECT TABLE /
//! OFFSET TABLE / TRAILER" comment): markers `0000 0000` null, `0000 1000`
//! false, `0000 1001` true, `0001 nnnn` int of 2^n bytes, `0010 nnnn` real,
//! `0011 0011` date (float64 seconds since 2001-01-01), `0100 nnnn` data,
//! `0101 nnnn` ASCII string, `0110 nnnn` UTF-16BE string, `1000 nnnn` UID of
//! n+1 bytes, `1010 nnnn` array, `1100 nnnn` set, `1101 nnnn` dict (keys
//! then values); a count nibble of `1111` is followed by an int object
//! holding the count. All integers are big-endian.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

use plist::{Dictionary, Value};

use super::plist::{PlistError, check_binary_layout};
use crate::limits::Limits;

/// A binary plist built into a value tree, with what the budget collapsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The value tree (root first).
    pub value: Value,
    /// Root dictionary keys that occurred more than once (last value kept).
    pub duplicate_keys: Vec<String>,
    /// Root keys (`""` for a non-dictionary root) whose value did not fit
    /// its share of the byte budget: shared copies past the share are empty.
    pub collapsed_keys: Vec<String>,
}

/// One decoded object, borrowing the file.
#[derive(Debug, Clone, Copy)]
enum Obj<'a> {
    Bool(bool),
    Int(&'a [u8]),
    Real(&'a [u8]),
    Date(&'a [u8]),
    Data(&'a [u8]),
    Ascii(&'a [u8]),
    Utf16(&'a [u8]),
    Uid(&'a [u8]),
    /// Array or set: `count` references of `ref_size` bytes.
    Array(&'a [u8]),
    /// `count` key references followed by `count` value references.
    Dict(&'a [u8], &'a [u8]),
}

/// The object table of a `bplist00` file.
struct Table<'a> {
    data: &'a [u8],
    offsets: &'a [u8],
    offset_size: usize,
    ref_size: usize,
    num_objects: u64,
    top: u64,
}

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x))
}

fn syntax(message: impl Into<String>) -> PlistError {
    PlistError::Syntax {
        format: "binary",
        message: message.into(),
    }
}

impl<'a> Table<'a> {
    fn new(data: &'a [u8]) -> Result<Self, PlistError> {
        // Reported as the plist crate reported them: "invalid binary plist: ...".
        check_binary_layout(data).map_err(|e| match e {
            PlistError::BinaryLayout { message } => syntax(message),
            other => other,
        })?;
        let trailer = data.get(data.len().saturating_sub(32)..).unwrap_or(&[]);
        let field = |from: usize, to: usize| trailer.get(from..to).map(be).unwrap_or(0);
        let offset_size = field(6, 7) as usize;
        let ref_size = field(7, 8) as usize;
        if !(1..=8).contains(&ref_size) {
            return Err(syntax(format!(
                "trailer objectRefSize {ref_size} is not 1 to 8"
            )));
        }
        let num_objects = field(8, 16);
        let table_off = field(24, 32) as usize;
        let offsets = data
            .get(table_off..table_off + num_objects as usize * offset_size)
            .unwrap_or(&[]);
        Ok(Table {
            data,
            offsets,
            offset_size,
            ref_size,
            num_objects,
            top: field(16, 24),
        })
    }

    fn offset(&self, idx: u64) -> Result<usize, PlistError> {
        let at = (idx as usize).saturating_mul(self.offset_size);
        self.offsets
            .get(at..at + self.offset_size)
            .map(|b| be(b) as usize)
            .ok_or_else(|| {
                syntax(format!(
                    "object reference {idx} is past the {} objects",
                    self.num_objects
                ))
            })
    }

    fn bytes(&self, at: usize, len: u64) -> Result<&'a [u8], PlistError> {
        let end = (at as u64)
            .checked_add(len)
            .filter(|e| *e <= self.data.len() as u64)
            .ok_or_else(|| {
                syntax(format!(
                    "object at offset {at} with {len} bytes runs past the file"
                ))
            })?;
        self.data
            .get(at..end as usize)
            .ok_or_else(|| syntax(format!("object at offset {at} runs past the file")))
    }

    /// Count nibble, or the int object after the marker when it is `0xF`;
    /// returns the count and where the payload starts.
    fn count(&self, at: usize, nibble: u8) -> Result<(u64, usize), PlistError> {
        if nibble != 0xf {
            return Ok((u64::from(nibble), at + 1));
        }
        let marker = *self.data.get(at + 1).ok_or_else(|| {
            syntax(format!(
                "count of the object at offset {at} is past the file"
            ))
        })?;
        if marker >> 4 != 0x1 || marker & 0xf > 3 {
            return Err(syntax(format!(
                "count of the object at offset {at} is not an int (marker 0x{marker:02x})"
            )));
        }
        let n = 1usize << (marker & 0xf);
        Ok((be(self.bytes(at + 2, n as u64)?), at + 2 + n))
    }

    fn object(&self, idx: u64) -> Result<Obj<'a>, PlistError> {
        let at = self.offset(idx)?;
        let marker = *self
            .data
            .get(at)
            .ok_or_else(|| syntax(format!("object {idx} offset {at} is past the file")))?;
        let nib = marker & 0xf;
        let refs = |count: u64, from: usize| {
            count
                .checked_mul(self.ref_size as u64)
                .ok_or_else(|| syntax(format!("object {idx}: {count} references overflow")))
                .and_then(|len| self.bytes(from, len))
        };
        Ok(match marker >> 4 {
            0x0 => match marker {
                0x08 => Obj::Bool(false),
                0x09 => Obj::Bool(true),
                _ => {
                    return Err(syntax(format!(
                        "object {idx}: unsupported marker 0x{marker:02x} (null/fill)"
                    )));
                }
            },
            0x1 if nib <= 4 => Obj::Int(self.bytes(at + 1, 1 << nib)?),
            0x2 if nib == 2 || nib == 3 => Obj::Real(self.bytes(at + 1, 1 << nib)?),
            0x3 if marker == 0x33 => Obj::Date(self.bytes(at + 1, 8)?),
            0x4 => {
                let (n, from) = self.count(at, nib)?;
                Obj::Data(self.bytes(from, n)?)
            }
            0x5 => {
                let (n, from) = self.count(at, nib)?;
                Obj::Ascii(self.bytes(from, n)?)
            }
            0x6 => {
                let (n, from) = self.count(at, nib)?;
                let len = n
                    .checked_mul(2)
                    .ok_or_else(|| syntax(format!("object {idx}: string length overflows")))?;
                Obj::Utf16(self.bytes(from, len)?)
            }
            0x8 if nib <= 7 => Obj::Uid(self.bytes(at + 1, u64::from(nib) + 1)?),
            0xa | 0xc => {
                let (n, from) = self.count(at, nib)?;
                Obj::Array(refs(n, from)?)
            }
            0xd => {
                let (n, from) = self.count(at, nib)?;
                let keys = refs(n, from)?;
                let vals = refs(n, from + keys.len())?;
                Obj::Dict(keys, vals)
            }
            _ => {
                return Err(syntax(format!(
                    "object {idx}: unknown marker 0x{marker:02x}"
                )));
            }
        })
    }

    fn children(&self, obj: &Obj<'a>) -> impl Iterator<Item = u64> + 'a {
        let (a, b): (&'a [u8], &'a [u8]) = match *obj {
            Obj::Array(r) => (r, &[]),
            Obj::Dict(k, v) => (k, v),
            _ => (&[], &[]),
        };
        let size = self.ref_size;
        a.chunks_exact(size).chain(b.chunks_exact(size)).map(be)
    }

    /// Refuse reference cycles and nesting deeper than `max_depth`, in one
    /// iterative walk over the objects reachable from the top.
    fn check_graph(&self, max_depth: u32) -> Result<(), PlistError> {
        const WHITE: u8 = 0;
        const GRAY: u8 = 1;
        let n = self.num_objects as usize;
        let mut color = vec![WHITE; n];
        // depth[i]: longest chain of containers below i (done objects).
        let mut depth = vec![0u32; n];
        let mut stack: Vec<(u64, Vec<u64>, u32)> = Vec::new();
        let push = |idx: u64,
                    stack: &mut Vec<(u64, Vec<u64>, u32)>,
                    color: &mut [u8]|
         -> Result<(), PlistError> {
            let obj = self.object(idx)?;
            let kids: Vec<u64> = self.children(&obj).collect();
            if let Some(c) = color.get_mut(idx as usize) {
                *c = GRAY;
            }
            stack.push((idx, kids, 0));
            Ok(())
        };
        push(self.top, &mut stack, &mut color)?;
        while let Some((idx, kids, best)) = stack.last_mut() {
            let idx = *idx;
            match kids.pop() {
                Some(k) => {
                    if k >= self.num_objects {
                        return Err(syntax(format!(
                            "object {idx} references object {k}, past the {n} objects"
                        )));
                    }
                    match color.get(k as usize).copied() {
                        Some(GRAY) => {
                            return Err(syntax(format!(
                                "reference cycle: object {k} contains itself (CoreFoundation refuses recursive objects)"
                            )));
                        }
                        Some(WHITE) => {
                            if stack.len() as u64 > u64::from(max_depth) {
                                return Err(PlistError::TooDeep {
                                    cap: max_depth,
                                    event: idx,
                                });
                            }
                            push(k, &mut stack, &mut color)?;
                        }
                        _ => {
                            let d = depth.get(k as usize).copied().unwrap_or(0);
                            *best = (*best).max(d.saturating_add(1));
                        }
                    }
                }
                None => {
                    let d = *best;
                    if d > max_depth {
                        return Err(PlistError::TooDeep {
                            cap: max_depth,
                            event: idx,
                        });
                    }
                    if let Some(c) = color.get_mut(idx as usize) {
                        *c = 2;
                    }
                    if let Some(slot) = depth.get_mut(idx as usize) {
                        *slot = d;
                    }
                    stack.pop();
                    if let Some((_, _, parent_best)) = stack.last_mut() {
                        *parent_best = (*parent_best).max(d.saturating_add(1));
                    }
                }
            }
        }
        Ok(())
    }

    fn string(&self, obj: &Obj<'a>) -> Option<String> {
        match *obj {
            Obj::Ascii(b) => Some(b.iter().map(|&c| char::from(c)).collect()),
            Obj::Utf16(b) => {
                let units = b.chunks_exact(2).map(|u| match u {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xfffd,
                });
                Some(
                    char::decode_utf16(units)
                        .map(|c| c.unwrap_or('\u{fffd}'))
                        .collect(),
                )
            }
            _ => None,
        }
    }
}

/// What building one value may still spend, and whether it ran out.
struct Budget {
    left: u64,
    collapsed: bool,
}

impl Budget {
    fn spend(&mut self, n: u64) -> bool {
        if n > self.left {
            self.collapsed = true;
            false
        } else {
            self.left -= n;
            true
        }
    }
}

const VALUE: u64 = std::mem::size_of::<Value>() as u64;

fn date(b: &[u8]) -> Value {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let secs = f64::from_bits(be(b));
    // 2001-01-01T00:00:00Z, CoreFoundation's absolute-time epoch.
    let apple = UNIX_EPOCH + Duration::from_secs(978_307_200);
    let t = if !secs.is_finite() {
        apple
    } else if secs >= 0.0 {
        Duration::try_from_secs_f64(secs)
            .ok()
            .and_then(|d| apple.checked_add(d))
            .unwrap_or(apple)
    } else {
        Duration::try_from_secs_f64(-secs)
            .ok()
            .and_then(|d| apple.checked_sub(d))
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    Value::Date(t.into())
}

fn build(t: &Table<'_>, idx: u64, b: &mut Budget) -> Result<Value, PlistError> {
    let obj = t.object(idx)?;
    Ok(match obj {
        Obj::Bool(v) => Value::Boolean(v),
        Obj::Int(bytes) => {
            // 16-byte ints: CoreFoundation keeps the low 8 bytes.
            let low = bytes.get(bytes.len().saturating_sub(8)..).unwrap_or(bytes);
            let v = be(low);
            if bytes.len() >= 8 {
                Value::Integer((v as i64).into())
            } else {
                Value::Integer(v.into())
            }
        }
        Obj::Real(bytes) => Value::Real(match bytes.len() {
            4 => f64::from(f32::from_bits(be(bytes) as u32)),
            _ => f64::from_bits(be(bytes)),
        }),
        Obj::Date(bytes) => date(bytes),
        Obj::Uid(bytes) => Value::Uid(plist::Uid::new(be(bytes))),
        Obj::Data(bytes) => {
            if b.spend(VALUE + bytes.len() as u64) {
                Value::Data(bytes.to_vec())
            } else {
                Value::Data(Vec::new())
            }
        }
        Obj::Ascii(_) | Obj::Utf16(_) => {
            let s = t.string(&obj).unwrap_or_default();
            if b.spend(VALUE + s.len() as u64) {
                Value::String(s)
            } else {
                Value::String(String::new())
            }
        }
        Obj::Array(_) => {
            let mut out = Vec::new();
            for k in t.children(&obj) {
                if !b.spend(VALUE) {
                    break;
                }
                out.push(build(t, k, b)?);
            }
            Value::Array(out)
        }
        Obj::Dict(keys, _) => {
            let n = keys.len() / t.ref_size;
            let refs: Vec<u64> = t.children(&obj).collect();
            let mut out = Dictionary::new();
            for i in 0..n {
                let (Some(&kr), Some(&vr)) = (refs.get(i), refs.get(n + i)) else {
                    break;
                };
                let key = t.string(&t.object(kr)?).ok_or_else(|| {
                    syntax(format!("object {idx}: dictionary key {kr} is not a string"))
                })?;
                if !b.spend(2 * VALUE + key.len() as u64) {
                    break;
                }
                let v = build(t, vr, b)?;
                out.insert(key, v);
            }
            Value::Dictionary(out)
        }
    })
}

/// Read a `bplist00` file into a value tree without expanding shared
/// objects past `budget` bytes (see the module docs). Errors (`Syntax`,
/// format `binary`): a bad trailer or offset table, a bad object, a non-string
/// dictionary key or a reference cycle; nesting deeper than
/// `limits.max_depth` (`TooDeep`).
pub fn parse(data: &[u8], limits: &Limits, budget: u64) -> Result<Parsed, PlistError> {
    let t = Table::new(data)?;
    t.check_graph(limits.max_depth)?;
    let top = t.object(t.top)?;
    let mut collapsed_keys = Vec::new();
    let mut duplicate_keys = Vec::new();
    let value = match top {
        Obj::Dict(keys, _) => {
            let n = keys.len() / t.ref_size;
            let refs: Vec<u64> = t.children(&top).collect();
            let share = budget / (n.max(1) as u64);
            let mut carry = 0u64;
            let mut out = Dictionary::new();
            for i in 0..n {
                let (Some(&kr), Some(&vr)) = (refs.get(i), refs.get(n + i)) else {
                    break;
                };
                let key = t
                    .string(&t.object(kr)?)
                    .ok_or_else(|| syntax(format!("root dictionary key {kr} is not a string")))?;
                let mut b = Budget {
                    left: share.saturating_add(carry),
                    collapsed: false,
                };
                let v = build(&t, vr, &mut b)?;
                carry = b.left;
                if b.collapsed && !collapsed_keys.contains(&key) {
                    collapsed_keys.push(key.clone());
                }
                if out.insert(key.clone(), v).is_some() && !duplicate_keys.contains(&key) {
                    duplicate_keys.push(key);
                }
            }
            Value::Dictionary(out)
        }
        _ => {
            let mut b = Budget {
                left: budget,
                collapsed: false,
            };
            let v = build(&t, t.top, &mut b)?;
            if b.collapsed {
                collapsed_keys.push(String::new());
            }
            v
        }
    };
    Ok(Parsed {
        value,
        duplicate_keys,
        collapsed_keys,
    })
}

#[cfg(test)]
#[path = "bplist_tests.rs"]
mod tests;
