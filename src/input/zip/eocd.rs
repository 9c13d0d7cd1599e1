//! End of central directory: find the EOCD (and ZIP64 EOCD) record and
//! from it the central directory, the way libziparchive's
//! `FindCentralDirectoryInfo` does, salvaging what Android would not.

use super::*;

/// An EOCD record (with ZIP64 values applied when a locator is present).
#[derive(Debug, Clone, Copy)]
pub(super) struct Eocd {
    /// Offset of the `PK\5\6` signature.
    pub(super) pos: usize,
    pub(super) comment_len: usize,
    pub(super) entries: u64,
    pub(super) cd_size: u64,
    pub(super) cd_offset: u64,
    /// Where the CD must end: the ZIP64 EOCD record or the EOCD itself.
    pub(super) limit: usize,
    pub(super) zip64: bool,
    /// The first EOCD field holding its ZIP64 sentinel, with its value,
    /// when no valid ZIP64 locator and record follow: libziparchive then
    /// fails (`kInvalidFile` / `kInvalidOffset`), so Android rejects the
    /// archive; privscan reads it with the 16/32-bit values.
    pub(super) zip64_missing: Option<(&'static str, u64)>,
}

/// Read the EOCD at `pos`, following a ZIP64 locator right before it
/// (`FindCentralDirectoryInfoForZip64`).
pub(super) fn read_eocd(data: &[u8], pos: usize) -> Option<Eocd> {
    let mut e = Eocd {
        pos,
        comment_len: usize::from(u16_at(data, pos + 20)?),
        entries: u64::from(u16_at(data, pos + 10)?),
        cd_size: u64::from(u32_at(data, pos + 12)?),
        cd_offset: u64::from(u32_at(data, pos + 16)?),
        limit: pos,
        zip64: false,
        zip64_missing: None,
    };
    // libziparchive `FindCentralDirectoryInfo`: "One of the field is
    // 0xFFFFFFFF, look for the zip64 EOCD instead" — the sentinel in any
    // of num_records_on_disk, num_records, cd_size, cd_start_offset or
    // comment_length switches to ZIP64 (and a missing or bad ZIP64
    // locator/record then fails the archive); a ZIP64 locator before an
    // EOCD without a sentinel is ignored by Android (golang/go #23572,
    // nickbabcock/rawzip PR #191).
    let on_disk = u16_at(data, pos + 8)?;
    let sentinel = [
        ("entries on this disk", u64::from(on_disk), 0xFFFF),
        ("total entries", e.entries, 0xFFFF),
        ("central directory size", e.cd_size, 0xFFFF_FFFF),
        ("central directory offset", e.cd_offset, 0xFFFF_FFFF),
        ("comment length", e.comment_len as u64, 0xFFFF),
    ]
    .into_iter()
    .find(|&(_, v, s)| v == s)
    .map(|(f, v, _)| (f, v));
    e.zip64_missing = sentinel;
    if sentinel.is_some()
        && let Some(loc) = pos.checked_sub(ZIP64_LOCATOR_LEN)
        && u32_at(data, loc) == Some(ZIP64_LOCATOR_SIGNATURE)
    {
        let stated = u64_at(data, loc + 8).and_then(to_usize);
        // The record is normally right before the locator; a shifted
        // archive (data prepended) has the stated offset wrong.
        let candidates = [stated, loc.checked_sub(ZIP64_EOCD_LEN)];
        for rec in candidates.into_iter().flatten() {
            if rec
                .checked_add(ZIP64_EOCD_LEN)
                .is_some_and(|end| end <= loc)
                && u32_at(data, rec) == Some(ZIP64_EOCD_SIGNATURE)
            {
                e.entries = u64_at(data, rec + 32)?;
                e.cd_size = u64_at(data, rec + 40)?;
                e.cd_offset = u64_at(data, rec + 48)?;
                e.limit = rec;
                e.zip64 = true;
                e.zip64_missing = None;
                break;
            }
        }
    }
    Some(e)
}

/// How the central directory was located.
pub(super) struct CdLocation {
    pub(super) eocd: Eocd,
    /// Absolute CD start actually used.
    pub(super) start: usize,
    /// Absolute CD end (exclusive).
    pub(super) end: usize,
    /// Added to every CD local-header offset (salvaged shifted archives).
    pub(super) shift: i128,
}

pub(super) fn locate_central_directory(
    data: &[u8],
    anomalies: &mut Vec<ZipAnomaly>,
) -> Result<CdLocation, ZipError> {
    let len = data.len();
    let searched = len.min(MAX_COMMENT_LEN + EOCD_LEN);
    let mut cands: Vec<Eocd> = Vec::new();
    if let Some(last) = len.checked_sub(EOCD_LEN) {
        let lowest = len - searched;
        let sig = EOCD_SIGNATURE.to_le_bytes();
        // FindCentralDirectoryInfo scans backwards from the last position
        // a 22-byte record fits; collect every signature, last first.
        let mut upto = last + 4;
        while let Some(rel) = data
            .get(lowest..upto)
            .and_then(|w| memchr::memmem::rfind(w, &sig))
        {
            let pos = lowest + rel;
            if let Some(e) = read_eocd(data, pos) {
                cands.push(e);
            }
            upto = pos + 3;
        }
    }
    let Some(android) = cands.first().copied() else {
        return Err(if u32_at(data, 0) == Some(LFH_SIGNATURE) {
            ZipError::NoEndOfCentralDirectory {
                searched: searched as u64,
                len: len as u64,
            }
        } else {
            ZipError::NotAZip { len: len as u64 }
        });
    };
    let comment_ok = |e: &Eocd| e.pos + EOCD_LEN + e.comment_len == len;
    let sig_at = |off: u64, e: &Eocd| {
        (e.entries == 0 && e.cd_size == 0)
            || to_usize(off).and_then(|o| u32_at(data, o)) == Some(CDH_SIGNATURE)
    };
    let fits = |e: &Eocd| {
        e.cd_offset
            .checked_add(e.cd_size)
            .is_some_and(|end| end <= e.limit as u64)
    };
    let clean = |e: &Eocd| comment_ok(e) && fits(e) && sig_at(e.cd_offset, e);
    let plain = |e: Eocd| {
        let start = e.cd_offset as usize; // fits() holds, so <= limit
        CdLocation {
            eocd: e,
            start,
            end: start + e.cd_size as usize,
            shift: 0,
        }
    };
    let fake = |used: &Eocd, accepts: bool| ZipAnomaly::FakeEocdInComment {
        android_offset: android.pos as u64,
        used_offset: used.pos as u64,
        android_accepts: accepts,
    };

    // 1. The record Android reads is clean: use it. Note when it hides in
    // the comment of an earlier, also clean record.
    if clean(&android) {
        // An empty fake record in the comment of a real one: Android reads
        // the fake and rejects the empty archive (kEmptyArchive); salvage
        // the real entries rather than report none.
        if android.entries == 0
            && let Some(e) = cands.iter().skip(1).find(|e| clean(e) && e.entries > 0)
        {
            anomalies.push(fake(e, false));
            return Ok(plain(*e));
        }
        if cands.iter().skip(1).any(&clean) {
            anomalies.push(fake(&android, true));
        }
        return Ok(plain(android));
    }
    // 2. An earlier clean record: Android reads the bad last one and fails.
    if let Some(e) = cands.iter().skip(1).find(|e| clean(e)) {
        anomalies.push(fake(e, false));
        return Ok(plain(*e));
    }
    // 3. Salvage, last record first.
    for e in &cands {
        let mut found = Vec::new();
        if !comment_ok(e) {
            found.push(ZipAnomaly::EocdCommentLength {
                eocd_offset: e.pos as u64,
                stated: e.comment_len as u64,
                actual: (len - e.pos - EOCD_LEN) as u64,
            });
        }
        let loc = if sig_at(e.cd_offset, e) && e.cd_offset < e.limit as u64 {
            // CD where stated; its size may overrun the end record.
            let start = e.cd_offset as usize;
            let end = match e.cd_offset.checked_add(e.cd_size) {
                Some(end) if end <= e.limit as u64 => end as usize,
                _ => {
                    found.push(ZipAnomaly::CentralDirectorySizeWrong {
                        stated: e.cd_size,
                        actual: (e.limit - start) as u64,
                    });
                    e.limit
                }
            };
            Some(CdLocation {
                eocd: *e,
                start,
                end,
                shift: 0,
            })
        } else if let Some(actual) = (e.limit as u64)
            .checked_sub(e.cd_size)
            .filter(|&a| sig_at(a, e))
        {
            // Python zipfile's "concat" salvage: data was prepended (or
            // cut), so the CD ends right at the end record.
            found.push(ZipAnomaly::CentralDirectoryOffsetWrong {
                stated: e.cd_offset,
                actual,
            });
            Some(CdLocation {
                eocd: *e,
                start: actual as usize,
                end: e.limit,
                shift: i128::from(actual) - i128::from(e.cd_offset),
            })
        } else {
            None
        };
        if let Some(loc) = loc {
            if e.pos != android.pos {
                anomalies.push(fake(e, false));
            }
            anomalies.extend(found);
            return Ok(loc);
        }
    }
    Err(ZipError::NoCentralDirectory {
        eocd_offset: android.pos as u64,
        cd_offset: android.cd_offset,
        cd_size: android.cd_size,
    })
}
