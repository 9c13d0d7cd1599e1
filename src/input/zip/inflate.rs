//! Reading entry data: stored or raw deflate into exactly the declared
//! size (`InflateEntryToWriter`), under the per-entry and total caps.

use super::*;

impl<'a> ZipArchive<'a> {
    /// Read an entry's bytes as Android does: method 8 is inflated into a
    /// `Vec` of exactly `uncompressed_size` bytes, anything else is the
    /// stored slice of `uncompressed_size` bytes (borrowed, no copy).
    /// Checks `max_entry_size` and takes the size from `budget` first.
    /// A CRC mismatch does not fail the read; it is recorded in
    /// [`read_anomalies`](Self::read_anomalies).
    pub fn read(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<Cow<'a, [u8]>, ZipError> {
        let (bytes, anomaly) = self.read_verified(e, limits, budget)?;
        if let Some(a) = anomaly
            && let Ok(mut v) = self.read_anomalies.lock()
        {
            v.push(a);
        }
        Ok(bytes)
    }

    /// Like [`read`](Self::read), but returns the CRC anomaly instead of
    /// recording it.
    pub fn read_verified(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<(Cow<'a, [u8]>, Option<ZipAnomaly>), ZipError> {
        let bytes = self.read_unchecked(e, limits, budget)?;
        let actual = crc32fast::hash(&bytes);
        let anomaly = (actual != e.crc32).then(|| ZipAnomaly::CrcMismatch {
            entry: e.name.clone(),
            expected: e.crc32,
            actual,
        });
        Ok((bytes, anomaly))
    }

    /// Read without computing the CRC (for hot paths that only sniff).
    pub fn read_unchecked(
        &self,
        e: &ZipEntry,
        limits: &Limits,
        budget: &Budget,
    ) -> Result<Cow<'a, [u8]>, ZipError> {
        let Some(start) = e.data_offset else {
            return Err(ZipError::BadLocalHeader {
                entry: e.name.clone(),
                offset: e.local_header_offset,
            });
        };
        let size = e.uncompressed_size;
        if size > limits.max_entry_size {
            return Err(LimitError::EntryTooLarge {
                entry: e.name.clone(),
                size,
                cap: limits.max_entry_size,
            }
            .into());
        }
        budget.take(size)?;
        let truncated = || ZipError::Truncated {
            offset: start,
            need: e.stored_len(),
        };
        let begin = to_usize(start).ok_or_else(truncated)?;
        if e.method != METHOD_DEFLATED {
            // ZipAssetsProvider::OpenInternal: not deflated → the
            // uncompressed_length bytes at the data offset.
            let end = begin
                .checked_add(to_usize(size).ok_or_else(truncated)?)
                .ok_or_else(truncated)?;
            return self
                .data
                .get(begin..end)
                .map(Cow::Borrowed)
                .ok_or_else(truncated);
        }
        let src = self.data.get(begin..).ok_or_else(truncated)?;
        // A lying compressed size is harmless: inflation stops at the end
        // of the deflate stream; give it at most what the file holds.
        let src = &src[..src
            .len()
            .min(to_usize(e.compressed_size).unwrap_or(usize::MAX))];
        inflate(src, size, &e.name).map(Cow::Owned)
    }
}

/// Inflate a raw deflate stream into exactly `declared` bytes
/// (`InflateEntryToWriter`). Never writes past `declared`.
pub(super) fn inflate(src: &[u8], declared: u64, name: &str) -> Result<Vec<u8>, ZipError> {
    let cap = to_usize(declared).ok_or_else(|| ZipError::Inflate {
        entry: name.to_owned(),
        msg: format!("declared size {declared} does not fit in memory"),
    })?;
    if cap == 0 && src.is_empty() {
        // An empty entry some writers mark as deflated with no stream.
        return Ok(Vec::new());
    }
    let mut out: Vec<u8> = Vec::with_capacity(cap);
    let mut d = Decompress::new(false);
    let err = |msg: String| ZipError::Inflate {
        entry: name.to_owned(),
        msg,
    };
    loop {
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let input = to_usize(in_before)
            .and_then(|i| src.get(i..))
            .unwrap_or(&[]);
        let status = if out.len() < cap {
            // Writes only into the spare capacity (no zero-fill), which
            // `with_capacity(cap)` sized to the declared size.
            let r = d.decompress_vec(input, &mut out, FlushDecompress::None);
            if out.len() > cap {
                return Err(ZipError::InflatesPastDeclaredSize {
                    entry: name.to_owned(),
                    declared,
                });
            }
            r
        } else {
            // Output is full: any further byte means the size lied.
            let mut probe = [0u8; 1];
            let r = d.decompress(input, &mut probe, FlushDecompress::None);
            if d.total_out() > out_before {
                return Err(ZipError::InflatesPastDeclaredSize {
                    entry: name.to_owned(),
                    declared,
                });
            }
            r
        };
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(_) => {
                if d.total_in() == in_before && d.total_out() == out_before {
                    if input.is_empty() {
                        return Err(err(format!(
                            "compressed data ends after {in_before} bytes, before the deflate stream does"
                        )));
                    }
                    return Err(err("inflate made no progress".to_owned()));
                }
            }
            Err(e) => return Err(err(format!("{e} after {in_before} compressed bytes"))),
        }
    }
    if out.len() as u64 != declared {
        return Err(ZipError::InflatedSizeMismatch {
            entry: name.to_owned(),
            declared,
            actual: out.len() as u64,
        });
    }
    Ok(out)
}
