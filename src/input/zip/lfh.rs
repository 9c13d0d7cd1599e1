//! Local file headers: `FindEntry`'s LFH-versus-CD checks and data
//! bounds, and overlapping entries.

use super::*;

/// FindEntry's checks for one entry: LFH signature, LFH vs CD fields, data
/// bounds. Sets `e.data_offset` when the LFH is usable.
pub(super) fn check_entry(
    data: &[u8],
    e: &mut ZipEntry,
    cd_name: &[u8],
    cd_offset: u64,
    out: &mut Vec<ZipAnomaly>,
) {
    if e.method != METHOD_STORED && e.method != METHOD_DEFLATED {
        out.push(ZipAnomaly::UnknownCompressionMethod {
            entry: e.name.clone(),
            method: e.method,
        });
    }
    if e.method != METHOD_DEFLATED && e.compressed_size != e.uncompressed_size {
        out.push(ZipAnomaly::StoredSizeMismatch {
            entry: e.name.clone(),
            compressed: e.compressed_size,
            uncompressed: e.uncompressed_size,
        });
    }
    let lho = e.local_header_offset;
    if lho >= cd_offset {
        out.push(ZipAnomaly::LocalHeaderAfterCentralDirectory {
            entry: e.name.clone(),
            offset: lho,
            cd_offset,
        });
    }
    let Some(h) = to_usize(lho).and_then(|o| Some((o, data.get(o..o.checked_add(LFH_LEN)?)?)))
    else {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    };
    let (at, h) = h;
    if u32_at(h, 0) != Some(LFH_SIGNATURE) {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    }
    let lfh_flags = u16_at(h, 6).unwrap_or(0);
    let lfh_method = u16_at(h, 8).unwrap_or(0);
    let name_len = usize::from(u16_at(h, 26).unwrap_or(0));
    let extra_len = usize::from(u16_at(h, 28).unwrap_or(0));
    let mismatch = |field, central: u64, local: u64| ZipAnomaly::LocalHeaderMismatch {
        entry: e.name.clone(),
        field,
        central,
        local,
    };
    if e.flags & FLAG_ENCRYPTED != 0 || lfh_flags & FLAG_ENCRYPTED != 0 {
        out.push(ZipAnomaly::EncryptionFlag {
            entry: e.name.clone(),
            central: e.flags & FLAG_ENCRYPTED != 0,
            local: lfh_flags & FLAG_ENCRYPTED != 0,
        });
    }
    if lfh_flags != e.flags {
        out.push(mismatch(
            HeaderField::Flags,
            u64::from(e.flags),
            u64::from(lfh_flags),
        ));
    }
    if lfh_method != e.method {
        out.push(mismatch(
            HeaderField::Method,
            u64::from(e.method),
            u64::from(lfh_method),
        ));
    }
    let name_start = at + LFH_LEN;
    let lfh_name = data.get(name_start..name_start + name_len);
    if name_len != cd_name.len() {
        out.push(mismatch(
            HeaderField::NameLength,
            cd_name.len() as u64,
            name_len as u64,
        ));
    } else if let Some(n) = lfh_name.filter(|n| *n != cd_name) {
        out.push(ZipAnomaly::LocalNameMismatch {
            entry: e.name.clone(),
            local_name: lossy(n),
        });
    }
    // FindEntry compares CRC and sizes only without a data descriptor.
    if lfh_flags & FLAG_DATA_DESCRIPTOR == 0 {
        let mut lfh_usize = u64::from(u32_at(h, 22).unwrap_or(0));
        let mut lfh_csize = u64::from(u32_at(h, 18).unwrap_or(0));
        let extra_start = name_start + name_len;
        if let Some(extra) = data.get(extra_start..extra_start + extra_len) {
            apply_zip64_extra(extra, &mut lfh_usize, &mut lfh_csize, None);
        }
        let lfh_crc = u32_at(h, 14).unwrap_or(0);
        if lfh_crc != e.crc32 {
            out.push(mismatch(
                HeaderField::Crc32,
                u64::from(e.crc32),
                u64::from(lfh_crc),
            ));
        }
        if lfh_csize != e.compressed_size {
            out.push(mismatch(
                HeaderField::CompressedSize,
                e.compressed_size,
                lfh_csize,
            ));
        }
        if lfh_usize != e.uncompressed_size {
            out.push(mismatch(
                HeaderField::UncompressedSize,
                e.uncompressed_size,
                lfh_usize,
            ));
        }
    }
    let data_offset = lho + (LFH_LEN + name_len + extra_len) as u64;
    if data_offset > data.len() as u64 {
        out.push(ZipAnomaly::LocalHeaderMissing {
            entry: e.name.clone(),
            offset: lho,
        });
        return;
    }
    e.data_offset = Some(data_offset);
    // FindEntry: the compressed length (and, for stored, the uncompressed
    // length) must fit before the central directory.
    let room = cd_offset.saturating_sub(data_offset);
    let over = |len: u64| data_offset > cd_offset || len > room;
    let length = if over(e.compressed_size) {
        Some(e.compressed_size)
    } else if e.method == METHOD_STORED && over(e.uncompressed_size) {
        Some(e.uncompressed_size)
    } else {
        None
    };
    if let Some(length) = length {
        out.push(ZipAnomaly::EntryOutOfBounds {
            entry: e.name.clone(),
            data_offset,
            length,
            cd_offset,
        });
    }
}

/// Report entries whose `[local header, data end)` ranges overlap.
pub(super) fn find_overlaps(entries: &[ZipEntry], out: &mut Vec<ZipAnomaly>) {
    let mut spans: Vec<(u64, u64, usize)> = entries
        .iter()
        .filter_map(|e| {
            Some((
                e.local_header_offset,
                e.data_offset?.saturating_add(e.stored_len()),
                e.index,
            ))
        })
        .collect();
    spans.sort_unstable();
    let mut listed = 0usize;
    let mut more = 0usize;
    let mut reach: Option<(u64, usize)> = None; // furthest end so far
    for &(start, end, i) in &spans {
        if let Some((far, j)) = reach {
            if start < far {
                if listed < MAX_OVERLAPS_LISTED {
                    if let (Some(a), Some(b)) = (entries.get(j), entries.get(i)) {
                        out.push(ZipAnomaly::OverlappingEntries {
                            a: a.name.clone(),
                            b: b.name.clone(),
                        });
                        listed += 1;
                    }
                } else {
                    more += 1;
                }
            }
            if end > far {
                reach = Some((end, i));
            }
        } else {
            reach = Some((end, i));
        }
    }
    if more > 0 {
        out.push(ZipAnomaly::OverlapsNotListed { more });
    }
}
