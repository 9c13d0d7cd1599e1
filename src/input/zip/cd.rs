//! Central directory walk: one [`ZipEntry`] per CD record, entry-name
//! checks (`IsValidEntryName`), ZIP64 extra fields (APPNOTE 4.5.3).

use super::*;

/// `IsValidEntryName` from zip_archive.cc: no NUL, and a UTF-8-shaped byte
/// sequence (lead byte announces 1–5 continuation bytes `10xxxxxx`;
/// `0xFE`/`0xFF` and stray continuation bytes are invalid). As lenient as
/// AOSP: overlong forms and surrogates pass.
pub(super) fn entry_name_problem(name: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while let Some(&byte) = name.get(i) {
        if byte == 0 {
            return Some("contains a NUL byte");
        }
        if byte & 0x80 != 0 {
            if byte & 0xc0 == 0x80 || byte & 0xfe == 0xfe {
                return Some("is not valid UTF-8");
            }
            let mut first = (byte & 0x7f) << 1;
            while first & 0x80 != 0 {
                i += 1;
                match name.get(i) {
                    Some(&c) if c & 0xc0 == 0x80 => {}
                    _ => return Some("is not valid UTF-8"),
                }
                first = (first & 0x7f) << 1;
            }
        }
        i += 1;
    }
    None
}

/// Name issues that Android accepts but that hurt extractors/analysts.
pub(super) fn name_issues(name: &[u8]) -> impl Iterator<Item = NameIssue> + '_ {
    let absolute = match name {
        [b'/' | b'\\', ..] => true,
        [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    };
    // Fast path: 65 non-empty components or a 256-byte one need > 128 bytes.
    let short_plain = name.len() <= 128 && memchr::memmem::find(name, b"..").is_none();
    let parent = !short_plain && name.split(|&b| b == b'/' || b == b'\\').any(|c| c == b"..");
    let long_component =
        !short_plain && name.split(|&b| b == b'/').any(|c| c.len() > LONG_COMPONENT);
    let depth = if short_plain {
        0
    } else {
        name.split(|&b| b == b'/').filter(|c| !c.is_empty()).count()
    };
    [
        parent.then_some(NameIssue::ParentDir),
        absolute.then_some(NameIssue::Absolute),
        (name.len() > LONG_NAME || long_component)
            .then_some(NameIssue::VeryLong { len: name.len() }),
        (depth > DEEP_NAME).then_some(NameIssue::VeryDeep { depth }),
    ]
    .into_iter()
    .flatten()
}

/// Parse the ZIP64 extended information extra field (APPNOTE 4.5.3): each
/// of `usize`, `csize`, `offset` is present only when its 32-bit field is
/// 0xFFFFFFFF, in that order.
pub(super) fn apply_zip64_extra(
    extra: &[u8],
    usize_: &mut u64,
    csize: &mut u64,
    offset: Option<&mut u64>,
) {
    let mut p = 0usize;
    while let (Some(id), Some(len)) = (u16_at(extra, p), u16_at(extra, p + 2)) {
        let body_start = p + 4;
        let Some(body) = extra.get(body_start..body_start + usize::from(len)) else {
            return;
        };
        if id == ZIP64_EXTRA_ID {
            let mut q = 0;
            let mut take = |v: &mut u64| {
                if *v == 0xFFFF_FFFF
                    && let Some(x) = u64_at(body, q)
                {
                    *v = x;
                    q += 8;
                }
            };
            take(usize_);
            take(csize);
            if let Some(o) = offset {
                take(o);
            }
            return;
        }
        p = body_start + usize::from(len);
    }
}

impl<'a> ZipArchive<'a> {
    /// Parse the end records and walk the central directory once, checking
    /// every local header. Fails only when no central directory can be found
    /// or `limits.max_entries` is exceeded; everything else is an anomaly.
    pub fn parse(data: &'a [u8], limits: &Limits) -> Result<Self, ZipError> {
        let mut anomalies = Vec::new();
        let loc = locate_central_directory(data, &mut anomalies)?;
        let eocd = loc.eocd;
        if eocd.zip64 {
            anomalies.push(ZipAnomaly::Zip64);
        }
        let comment = data.get(eocd.pos + EOCD_LEN..).unwrap_or(&[]);
        let comment = comment.get(..eocd.comment_len).unwrap_or(comment);
        let cd: &'a [u8] = data.get(loc.start..loc.end).unwrap_or(&[]);

        // ParseZipArchive: walk the records. Bound the allocation by the
        // records the CD can hold and by the cap before allocating.
        let fit = (cd.len() / CDH_LEN) as u64;
        let capacity = eocd.entries.min(fit).min(limits.max_entries);
        let mut entries: Vec<ZipEntry> = Vec::with_capacity(to_usize(capacity).unwrap_or(0));
        let mut names: Vec<&'a [u8]> = Vec::with_capacity(entries.capacity());
        let mut p = 0usize;
        // libziparchive `ParseZipArchive` reads exactly `num_entries`
        // records (the EOCD count): a record past the count does not exist
        // for Android (no entry, no duplicate verdict). Those records are
        // only counted, for the EntryCountMismatch anomaly.
        let mut past_count: u64 = 0;
        let mut odd = OddFields::default();
        let mut cap_hit: Option<LimitError> = None;
        while u32_at(cd, p) == Some(CDH_SIGNATURE) {
            let index = entries.len();
            if index as u64 >= eocd.entries {
                let mut q = p;
                while u32_at(cd, q) == Some(CDH_SIGNATURE) && past_count < limits.max_entries {
                    let (Some(n), Some(x), Some(c)) =
                        (u16_at(cd, q + 28), u16_at(cd, q + 30), u16_at(cd, q + 32))
                    else {
                        break;
                    };
                    past_count += 1;
                    q += CDH_LEN + usize::from(n) + usize::from(x) + usize::from(c);
                }
                break;
            }
            if index as u64 >= limits.max_entries {
                // At the cap the records read so far are the archive, and
                // the cap is reported (PS905): never an empty report.
                cap_hit = Some(LimitError::TooManyEntries {
                    count: eocd.entries.max(limits.max_entries.saturating_add(1)),
                    cap: limits.max_entries,
                });
                break;
            }
            let truncated = || ZipAnomaly::CentralDirectoryTruncated {
                index,
                offset: (loc.start + p) as u64,
            };
            let (Some(name_len), Some(extra_len), Some(comment_len)) =
                (u16_at(cd, p + 28), u16_at(cd, p + 30), u16_at(cd, p + 32))
            else {
                anomalies.push(truncated());
                break;
            };
            let name_start = p + CDH_LEN;
            let extra_start = name_start + usize::from(name_len);
            let next = extra_start + usize::from(extra_len) + usize::from(comment_len);
            let (Some(name), Some(extra)) = (
                cd.get(name_start..extra_start),
                cd.get(extra_start..extra_start + usize::from(extra_len)),
            ) else {
                anomalies.push(truncated());
                break;
            };
            let (mut usize_, mut csize, mut lho) = (
                u64::from(u32_at(cd, p + 24).unwrap_or(0)),
                u64::from(u32_at(cd, p + 20).unwrap_or(0)),
                u64::from(u32_at(cd, p + 42).unwrap_or(0)),
            );
            apply_zip64_extra(extra, &mut usize_, &mut csize, Some(&mut lho));
            // Fields libziparchive never reads (IgnoredFieldTampered).
            let version_needed = u16_at(cd, p + 6).unwrap_or(0);
            if version_needed & 0xFF > MAX_ZIP_VERSION {
                odd.note("version needed to extract", version_needed, name);
            }
            let disk_start = u16_at(cd, p + 34).unwrap_or(0);
            if disk_start != 0 && disk_start != 0xFFFF {
                odd.note("disk number start", disk_start, name);
            }
            entries.push(ZipEntry {
                index,
                name: lossy(name),
                name_bytes: name.to_vec(),
                method: u16_at(cd, p + 10).unwrap_or(0),
                flags: u16_at(cd, p + 8).unwrap_or(0),
                compressed_size: csize,
                uncompressed_size: usize_,
                crc32: u32_at(cd, p + 16).unwrap_or(0),
                local_header_offset: lho,
                data_offset: None,
            });
            names.push(name);
            if next > cd.len() {
                anomalies.push(truncated());
                break;
            }
            p = next;
        }
        anomalies.extend(odd.into_anomalies("the central directory"));
        anomalies.extend(eocd_odd_fields(data, &eocd));
        let found = entries.len() as u64 + past_count;
        if found != eocd.entries && cap_hit.is_none() {
            anomalies.push(ZipAnomaly::EntryCountMismatch {
                eocd: eocd.entries,
                found,
            });
        }
        if entries.is_empty() {
            anomalies.push(ZipAnomaly::EmptyArchive);
        }

        // CdEntryMap::AddToMap: exact name bytes. A name-sorted index
        // (stable, so equal names stay in CD order and the first record
        // wins lookups) finds duplicates as neighbours and serves by_name.
        let mut sorted: Vec<usize> = (0..names.len()).collect();
        sorted.sort_by(|&x, &y| names.get(x).cmp(&names.get(y)));
        let mut dups: Vec<(usize, usize)> = Vec::new(); // (first index, count)
        for run in sorted.chunk_by(|&x, &y| names.get(x) == names.get(y)) {
            if let [first, _, ..] = run {
                dups.push((*first, run.len()));
            }
        }
        dups.sort_unstable();
        let lookup = |n: &[u8]| {
            let at = sorted.partition_point(|&i| names.get(i).is_some_and(|m| *m < n));
            sorted
                .get(at)
                .copied()
                .filter(|&i| names.get(i) == Some(&n))
        };

        // A salvaged CD moved by `shift`: Python's zipfile moves every local
        // offset by the same amount (data prepended). If instead only the
        // EOCD offset is wrong, the stated local offsets already hit local
        // headers; sample the first entries to tell the two apart.
        if loc.shift != 0 {
            let shifted = |lho: u64| u64::try_from(i128::from(lho) + loc.shift).unwrap_or(u64::MAX);
            let hits = |f: &dyn Fn(u64) -> u64| {
                entries
                    .iter()
                    .take(16)
                    .filter(|e| {
                        to_usize(f(e.local_header_offset)).and_then(|o| u32_at(data, o))
                            == Some(LFH_SIGNATURE)
                    })
                    .count()
            };
            if hits(&shifted) >= hits(&|lho| lho) {
                for e in entries.iter_mut() {
                    e.local_header_offset = shifted(e.local_header_offset);
                }
            }
        }
        let cd_offset = loc.start as u64;
        // The local header's "version needed to extract" is not read by
        // libziparchive either (`FindEntry` compares name, CRC and sizes).
        let mut local_odd = OddFields::default();
        for e in entries.iter_mut() {
            let name = names.get(e.index).copied().unwrap_or(&[]);
            if let Some(v) = to_usize(e.local_header_offset)
                .filter(|&o| u32_at(data, o) == Some(LFH_SIGNATURE))
                .and_then(|o| u16_at(data, o.checked_add(4)?))
                .filter(|v| v & 0xFF > MAX_ZIP_VERSION)
            {
                local_odd.note("version needed to extract", v, name);
            }
            if let Some(why) = entry_name_problem(name) {
                anomalies.push(ZipAnomaly::InvalidEntryName {
                    entry: e.name.clone(),
                    why,
                });
            }
            for why in name_issues(name) {
                anomalies.push(ZipAnomaly::SuspiciousEntryName {
                    entry: e.name.clone(),
                    why,
                });
            }
            if name
                .strip_suffix(b"/")
                .is_some_and(|file| lookup(file).is_some())
            {
                anomalies.push(ZipAnomaly::SuspiciousEntryName {
                    entry: e.name.clone(),
                    why: NameIssue::DirectoryShadowsFile,
                });
            }
            check_entry(data, e, name, cd_offset, &mut anomalies);
        }
        anomalies.extend(local_odd.into_anomalies("the local headers"));
        for (first, count) in dups {
            if let Some(e) = entries.get(first) {
                anomalies.push(ZipAnomaly::DuplicateEntry {
                    name: e.name.clone(),
                    count,
                });
            }
        }

        // Janus fix: offset 0 must hold a local header.
        if u32_at(data, 0) != Some(LFH_SIGNATURE) && !entries.is_empty() {
            let first = entries
                .iter()
                .map(|e| e.local_header_offset)
                .min()
                .unwrap_or(0);
            if first > 0 {
                anomalies.push(ZipAnomaly::DataBeforeFirstEntry { bytes: first });
            }
        }
        find_overlaps(&entries, &mut anomalies);

        Ok(ZipArchive {
            data,
            entries,
            sorted,
            anomalies,
            read_anomalies: Mutex::new(Vec::new()),
            cd_offset,
            comment,
            cap_hit,
        })
    }
}

/// The highest "version needed to extract" APPNOTE defines (6.3); aapt,
/// zipalign and apksigner write 10, 20 or 45.
const MAX_ZIP_VERSION: u16 = 63;

/// Odd values of one ignored field per name, with the first entry.
#[derive(Default)]
struct OddFields(Vec<(&'static str, u64, u64, String)>);

impl OddFields {
    fn note(&mut self, field: &'static str, value: u16, name: &[u8]) {
        match self.0.iter_mut().find(|(f, ..)| *f == field) {
            Some((_, _, count, _)) => *count = count.saturating_add(1),
            None => self.0.push((field, u64::from(value), 1, lossy(name))),
        }
    }

    fn into_anomalies(self, where_: &'static str) -> impl Iterator<Item = ZipAnomaly> {
        self.0.into_iter().map(move |(field, value, count, first)| {
            ZipAnomaly::IgnoredFieldTampered {
                field,
                value,
                where_,
                count,
                first,
            }
        })
    }
}

/// The EOCD's (and a ZIP64 locator's / record's) disk fields, which
/// Android does not use: this disk 0, CD start disk 0, entries on this
/// disk = total entries; locator: disk of the ZIP64 record 0, total disks
/// 1; ZIP64 record: disk numbers 0. Any other value exists only to make
/// tools that check it refuse the archive.
fn eocd_odd_fields(data: &[u8], eocd: &Eocd) -> Vec<ZipAnomaly> {
    let mut out = Vec::new();
    let mut push = |field: &'static str, value: u64, where_: &'static str| {
        out.push(ZipAnomaly::IgnoredFieldTampered {
            field,
            value,
            where_,
            count: 1,
            first: "(archive)".into(),
        });
    };
    let pos = eocd.pos;
    let disk = u16_at(data, pos + 4).unwrap_or(0);
    let cd_disk = u16_at(data, pos + 6).unwrap_or(0);
    let on_disk = u16_at(data, pos + 8).unwrap_or(0);
    let total = u16_at(data, pos + 10).unwrap_or(0);
    if disk != 0 && disk != 0xFFFF {
        push("number of this disk", u64::from(disk), "the EOCD");
    }
    if cd_disk != 0 && cd_disk != 0xFFFF {
        push(
            "disk where the central directory starts",
            u64::from(cd_disk),
            "the EOCD",
        );
    }
    // 0xFFFF is the ZIP64 sentinel, which Android does read (below).
    if on_disk != total && on_disk != 0xFFFF && total != 0xFFFF {
        push("entries on this disk", u64::from(on_disk), "the EOCD");
    }

    if let Some(loc) = pos.checked_sub(ZIP64_LOCATOR_LEN)
        && u32_at(data, loc) == Some(ZIP64_LOCATOR_SIGNATURE)
    {
        let rec_disk = u32_at(data, loc + 4).unwrap_or(0);
        let disks = u32_at(data, loc + 16).unwrap_or(1);
        if rec_disk != 0 {
            push(
                "disk with the ZIP64 end record",
                u64::from(rec_disk),
                "the ZIP64 locator",
            );
        }
        if disks != 1 {
            push(
                "total number of disks",
                u64::from(disks),
                "the ZIP64 locator",
            );
        }
    }
    if eocd.zip64 {
        let rec = eocd.limit;
        let d = u32_at(data, rec + 16).unwrap_or(0);
        let c = u32_at(data, rec + 20).unwrap_or(0);
        if d != 0 {
            push("number of this disk", u64::from(d), "the ZIP64 end record");
        }
        if c != 0 {
            push(
                "disk where the central directory starts",
                u64::from(c),
                "the ZIP64 end record",
            );
        }
    }
    if let Some((field, value)) = eocd.zip64_missing {
        out.push(ZipAnomaly::Zip64RecordMissing { field, value });
    }
    out
}
