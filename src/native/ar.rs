//! `ar` archives (`.a` static libraries): the member table, GNU and BSD
//! long names, and the symbol index.
//!
//! Format facts (no single spec; the de-facto layouts):
//! - global header `!<arch>\n`; each member has a 60-byte header
//!   `name[16] date[12] uid[6] gid[6] mode[8] size[10] fmag[2]="`\n"`,
//!   decimal ASCII fields padded with spaces, data padded to an even offset
//!   (binutils `include/aout/ar.h`, FreeBSD `ar(5)`);
//! - GNU/SysV: `/` is the symbol index (big-endian `u32` count, offsets,
//!   NUL-terminated names), `/SYM64/` its 64-bit form, `//` the long-name
//!   table (names ended by `/\n`), `/123` a name at offset 123 of that
//!   table, short names end with `/` (binutils `bfd/archive.c`);
//! - BSD/Darwin: `#1/NN` means the name is the first NN bytes of the data
//!   (counted in `size`), `__.SYMDEF`, `__.SYMDEF SORTED`, `__.SYMDEF_64`
//!   are the ranlib index (`ranlib_size`, `struct ranlib {ran_strx,
//!   ran_off}`, `strsize`, strings; little-endian on every current Apple
//!   target, cctools `include/mach-o/ranlib.h`).
//!
//! Thin archives (`!<thin>\n`) hold only paths to files elsewhere and are
//! refused. Nothing is copied: members borrow the input.

use crate::limits::Limits;

/// `ar` global header.
pub const AR_MAGIC: &[u8; 8] = b"!<arch>\n";
/// GNU thin-archive global header (members are outside the file).
pub const THIN_MAGIC: &[u8; 8] = b"!<thin>\n";
const HEADER_LEN: usize = 60;

/// Which naming convention the archive uses, from its special members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArFlavor {
    /// GNU/SysV (`/`, `//`, `name/`).
    Gnu,
    /// BSD/Darwin (`#1/NN`, `__.SYMDEF`).
    Bsd,
    /// Neither convention showed (only plain short names).
    Plain,
}

/// One member (an object file, usually).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArMember<'a> {
    /// The member's name, long names resolved (`FIRApp.o`).
    pub name: String,
    /// Offset of the member header in the archive (what symbol indexes point to).
    pub header_offset: u64,
    /// The member's bytes (after a BSD `#1/NN` name).
    pub data: &'a [u8],
}

/// A parsed archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArArchive<'a> {
    /// Naming convention seen.
    pub flavor: ArFlavor,
    /// Regular members in file order (special members `/`, `//`, `__.SYMDEF*` excluded).
    pub members: Vec<ArMember<'a>>,
    /// The symbol index: (symbol, member header offset), capped at `limits.max_strings`.
    pub symbol_index: Vec<(String, u64)>,
    /// What could not be read; non-empty means the archive was read only in part.
    pub problems: Vec<String>,
}

/// Why an archive could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArError {
    /// No `!<arch>\n` header.
    #[error("{entry}: not an ar archive (no !<arch> header)")]
    NotAr {
        /// Entry or file name.
        entry: String,
    },
    /// A GNU thin archive: the members live in other files.
    #[error(
        "{entry}: thin ar archive (!<thin>): members are files outside the archive, not scanned"
    )]
    Thin {
        /// Entry or file name.
        entry: String,
    },
}

/// `true` when `data` starts with `!<arch>\n`.
pub fn is_ar(data: &[u8]) -> bool {
    data.starts_with(AR_MAGIC)
}

fn field_num(field: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(field).ok()?.trim_end_matches(' ');
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse `data` as an `ar` archive.
///
/// Errors: no `!<arch>` header, or a thin archive. Every later defect (a
/// header without its `` `\n `` terminator, a size past the end, a long
/// name outside the table, more than `limits.max_entries` members) stops
/// or skips reading and is recorded in `problems`, so a caller can report
/// the archive as read only in part.
pub fn parse<'a>(data: &'a [u8], entry: &str, limits: &Limits) -> Result<ArArchive<'a>, ArError> {
    if data.starts_with(THIN_MAGIC) {
        return Err(ArError::Thin {
            entry: entry.into(),
        });
    }
    if !is_ar(data) {
        return Err(ArError::NotAr {
            entry: entry.into(),
        });
    }
    let mut out = ArArchive {
        flavor: ArFlavor::Plain,
        members: Vec::new(),
        symbol_index: Vec::new(),
        problems: Vec::new(),
    };
    let mut long_names: Option<&[u8]> = None;
    let mut raw_indexes: Vec<(&str, &[u8])> = Vec::new();
    let mut pos = AR_MAGIC.len();
    let mut count = 0u64;
    while pos < data.len() {
        // Some writers pad the end with a lone newline.
        if data.len() - pos < HEADER_LEN {
            if data[pos..].iter().any(|b| *b != b'\n') {
                out.problems.push(format!(
                    "{} trailing bytes at offset {pos} are not a member header",
                    data.len() - pos
                ));
            }
            break;
        }
        count += 1;
        if count > limits.max_entries {
            out.problems.push(format!(
                "more than {} members, the rest not read (max_entries)",
                limits.max_entries
            ));
            break;
        }
        let h = &data[pos..pos + HEADER_LEN];
        if &h[58..60] != b"`\n" {
            out.problems.push(format!(
                "member header at offset {pos} has no `\\n terminator; the rest of the archive was not read"
            ));
            break;
        }
        let Some(size) = field_num(&h[48..58]) else {
            out.problems.push(format!(
                "member header at offset {pos} has a non-numeric size; the rest of the archive was not read"
            ));
            break;
        };
        let start = pos + HEADER_LEN;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|e| *e <= data.len());
        let Some(end) = end else {
            out.problems.push(format!(
                "member at offset {pos} declares {size} bytes, past the end of the archive ({} bytes); the rest was not read",
                data.len()
            ));
            break;
        };
        let mut body = &data[start..end];
        let raw_name = &h[..16];
        let header_offset = pos as u64;
        pos = end + (end & 1);
        let name: String = if raw_name == b"/               " || raw_name.starts_with(b"/SYM64/ ") {
            out.flavor = ArFlavor::Gnu;
            raw_indexes.push((if raw_name[1] == b'S' { "/SYM64/" } else { "/" }, body));
            continue;
        } else if raw_name.starts_with(b"// ") {
            out.flavor = ArFlavor::Gnu;
            long_names = Some(body);
            continue;
        } else if let Some(rest) = raw_name.strip_prefix(b"#1/") {
            out.flavor = ArFlavor::Bsd;
            let Some(n) = field_num(rest).and_then(|n| usize::try_from(n).ok()) else {
                out.problems.push(format!(
                    "member at offset {header_offset}: bad BSD name length"
                ));
                continue;
            };
            let Some(nm) = body.get(..n) else {
                out.problems.push(format!(
                    "member at offset {header_offset}: BSD name of {n} bytes longer than the member ({} bytes)",
                    body.len()
                ));
                continue;
            };
            body = &body[n..];
            let nm = nm.split(|b| *b == 0).next().unwrap_or(nm);
            String::from_utf8_lossy(nm).into_owned()
        } else if raw_name[0] == b'/' {
            // GNU long name: `/offset` into the `//` table.
            let off = field_num(&raw_name[1..]).and_then(|o| usize::try_from(o).ok());
            let resolved = off.and_then(|o| {
                let table = long_names?;
                let tail = table.get(o..)?;
                let len = tail
                    .windows(2)
                    .position(|w| w == b"/\n")
                    .or_else(|| tail.iter().position(|b| *b == b'\n'))
                    .unwrap_or(tail.len());
                Some(String::from_utf8_lossy(&tail[..len]).into_owned())
            });
            match resolved {
                Some(n) => n,
                None => {
                    out.problems.push(format!(
                        "member at offset {header_offset}: long name {} is not in the // table",
                        String::from_utf8_lossy(raw_name).trim_end()
                    ));
                    format!("<member@{header_offset}>")
                }
            }
        } else {
            let s = String::from_utf8_lossy(raw_name);
            let s = s.trim_end_matches(' ');
            s.strip_suffix('/').unwrap_or(s).to_string()
        };
        if name.starts_with("__.SYMDEF") {
            out.flavor = ArFlavor::Bsd;
            raw_indexes.push(("__.SYMDEF", body));
            continue;
        }
        out.members.push(ArMember {
            name,
            header_offset,
            data: body,
        });
    }
    for (kind, body) in raw_indexes {
        let cap = usize::try_from(limits.max_strings).unwrap_or(usize::MAX);
        let parsed = match kind {
            "/" => gnu_index(body, 4, cap),
            "/SYM64/" => gnu_index(body, 8, cap),
            _ => bsd_index(body, cap),
        };
        match parsed {
            Ok(mut syms) => out.symbol_index.append(&mut syms),
            Err(why) => out.problems.push(format!("symbol index {kind}: {why}")),
        }
    }
    Ok(out)
}

fn be(b: &[u8], at: usize, w: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(w)?)?;
    Some(s.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// GNU `/` (w = 4) or `/SYM64/` (w = 8) index: count, offsets, names.
fn gnu_index(b: &[u8], w: usize, cap: usize) -> Result<Vec<(String, u64)>, String> {
    let n = be(b, 0, w).ok_or("shorter than its count")?;
    let n = usize::try_from(n).map_err(|_| "count overflows")?;
    let names_at = n
        .checked_mul(w)
        .and_then(|x| x.checked_add(w))
        .filter(|x| *x <= b.len())
        .ok_or_else(|| format!("{n} offsets do not fit in {} bytes", b.len()))?;
    let mut names = b[names_at..].split(|c| *c == 0);
    let mut out = Vec::with_capacity(n.min(cap).min(4096));
    for i in 0..n.min(cap) {
        let off = be(b, w + i * w, w).ok_or("offset table truncated")?;
        let name = names.next().ok_or("fewer names than offsets")?;
        out.push((String::from_utf8_lossy(name).into_owned(), off));
    }
    Ok(out)
}

/// BSD `__.SYMDEF`: `ranlib_size`, `ranlib[]`, `strsize`, strings.
fn bsd_index(b: &[u8], cap: usize) -> Result<Vec<(String, u64)>, String> {
    let size = le32(b, 0).ok_or("shorter than ranlib_size")? as usize;
    let strs_len_at = size.checked_add(4).filter(|x| x + 4 <= b.len());
    let strs_len_at = strs_len_at.ok_or_else(|| format!("ranlib_size {size} past the end"))?;
    let strsize = le32(b, strs_len_at).ok_or("no strsize")? as usize;
    let strs = b
        .get(strs_len_at + 4..)
        .and_then(|s| s.get(..strsize.min(s.len())))
        .unwrap_or(&[]);
    let mut out = Vec::new();
    for i in 0..(size / 8).min(cap) {
        let strx = le32(b, 4 + i * 8).ok_or("ranlib truncated")? as usize;
        let off = le32(b, 8 + i * 8).ok_or("ranlib truncated")?;
        let name = strs
            .get(strx..)
            .and_then(|t| t.split(|c| *c == 0).next())
            .ok_or_else(|| format!("ran_strx {strx} outside the string table"))?;
        out.push((String::from_utf8_lossy(name).into_owned(), u64::from(off)));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "ar_tests.rs"]
mod tests;
