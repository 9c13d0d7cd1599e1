//! The string pool (`ResStringPool`): UTF-8 and UTF-16 strings decoded
//! lazily with AOSP `stringAt` semantics (ResourceTypes.cpp, libutils
//! Unicode.cpp).

use super::*;

/// A string pool (`ResStringPool`) read lazily from its chunk, with AOSP
/// `stringAt` semantics: an index that cannot be decoded gives `None`.
#[derive(Debug)]
pub struct StringPool<'a> {
    /// The chunk bytes (exactly `header.size` long).
    chunk: &'a [u8],
    header_size: usize,
    count: u32,
    utf8: bool,
    strings_start: usize,
    /// Pool size in characters (bytes for UTF-8, u16 units for UTF-16).
    pool_size: usize,
}

impl<'a> StringPool<'a> {
    /// Validate a string pool chunk as `ResStringPool::setTo(chunk, size)`
    /// does. `chunk` starts at the pool header and is the chunk's declared
    /// size long (already checked against the data by the caller). Returns
    /// the pool and anomalies (inconsistent count, ignored stylesStart,
    /// duplicate offsets).
    pub fn parse(chunk: &'a [u8], limits: &Limits) -> Result<(Self, Vec<String>), PoolError> {
        match Self::parse_partial(chunk, limits)? {
            (_, _, Some(cap)) => Err(PoolError::Limit(cap)),
            (pool, anomalies, None) => Ok((pool, anomalies)),
        }
    }

    /// [`parse`](Self::parse), except that a pool declaring more strings
    /// than `limits.max_strings` is read in part: only the first
    /// `max_strings` strings can be decoded (the others read as `None`),
    /// and the cap that was hit is returned with it, so that the caller
    /// reports what it read plus the cap (PS905) instead of nothing.
    /// Android itself has no such cap (`ResStringPool::setTo`).
    pub fn parse_partial(
        chunk: &'a [u8],
        limits: &Limits,
    ) -> Result<(Self, Vec<String>, Option<LimitError>), PoolError> {
        let mut anomalies = Vec::new();
        let size = chunk.len();
        if size < usize::from(STRING_POOL_HEADER_SIZE) {
            return Err(PoolError::Bad("data size too small to be a string block"));
        }
        let h = ChunkHeader::read(chunk, 0).ok_or(PoolError::Bad("truncated header"))?;
        h.validate(STRING_POOL_HEADER_SIZE, size)
            .map_err(PoolError::Bad)?;
        let rd = |o: usize| u32_at(chunk, o).ok_or(PoolError::Bad("truncated header"));
        let count = rd(8)?;
        let style_count = rd(12)?;
        let flags = rd(16)?;
        let strings_start = rd(20)? as usize;
        let styles_start = rd(24)? as usize;
        let m_size = h.size as usize;
        let header_size = usize::from(h.header_size);
        let utf8 = flags & UTF8_FLAG != 0;
        let capped =
            (u64::from(count) > limits.max_strings).then_some(LimitError::TooManyStrings {
                count: u64::from(count),
                cap: limits.max_strings,
            });
        let mut pool_size = 0usize;
        if count > 0 {
            let entries_end = (count as usize)
                .checked_mul(4)
                .and_then(|n| n.checked_add(header_size))
                .ok_or(PoolError::Bad("entry table size overflows"))?;
            if entries_end > size {
                return Err(PoolError::Bad("entry table extends past the chunk"));
            }
            let char_size = if utf8 { 1 } else { 2 };
            let last_start = m_size.saturating_sub(2);
            if strings_start >= last_start {
                return Err(PoolError::Bad("strings start after the chunk end"));
            }
            pool_size = if style_count == 0 {
                m_size
                    .saturating_sub(strings_start)
                    .checked_div(char_size)
                    .unwrap_or(0)
            } else {
                if styles_start >= last_start {
                    return Err(PoolError::Bad("styles start after the chunk end"));
                }
                if styles_start <= strings_start {
                    return Err(PoolError::Bad("styles start before the strings"));
                }
                styles_start
                    .saturating_sub(strings_start)
                    .checked_div(char_size)
                    .unwrap_or(0)
            };
            if pool_size == 0 {
                return Err(PoolError::Bad("stringCount > 0 but the pool is empty"));
            }
            let last_char_off = pool_size
                .checked_sub(1)
                .and_then(|n| n.checked_mul(char_size))
                .and_then(|n| n.checked_add(strings_start));
            let last_ok = match last_char_off {
                Some(o) if utf8 => u8_at(chunk, o) == Some(0),
                Some(o) => u16_at(chunk, o) == Some(0),
                None => false,
            };
            if !last_ok {
                return Err(PoolError::Bad("last string is not 0-terminated"));
            }
            if strings_start < entries_end {
                anomalies.push(format!(
                    "axml-string-count: stringCount {count} puts the offset table (ends at pool byte {entries_end}) \
                     over the string data (starts at {strings_start}); string pool count inconsistent"
                ));
            }
        }
        if style_count > 0 {
            let styles_entries = (count as usize)
                .checked_mul(4)
                .and_then(|n| n.checked_add(header_size));
            if styles_entries.is_none_or(|e| e > size) {
                return Err(PoolError::Bad("style entries extend past the chunk"));
            }
            if styles_start >= m_size {
                return Err(PoolError::Bad("style pool starts after the chunk end"));
            }
            let style_pool_words = m_size.saturating_sub(styles_start) / 4;
            let end_span_ok = style_pool_words >= 3
                && (1..=3usize).all(|k| {
                    style_pool_words
                        .checked_sub(k)
                        .and_then(|w| w.checked_mul(4))
                        .and_then(|w| w.checked_add(styles_start))
                        .and_then(|o| u32_at(chunk, o))
                        == Some(0xFFFF_FFFF)
                });
            if !end_span_ok {
                return Err(PoolError::Bad("last style is not 0xFFFFFFFF-terminated"));
            }
        } else if styles_start != 0 {
            anomalies.push(format!(
                "axml-styles-start: styleCount is 0 but stylesStart is {styles_start} (ignored, as Android does)"
            ));
        }
        let pool = StringPool {
            chunk,
            header_size,
            // At the cap, the strings past it are not decoded.
            count: if capped.is_some() {
                u32::try_from(limits.max_strings).unwrap_or(u32::MAX)
            } else {
                count
            },
            utf8,
            strings_start,
            pool_size,
        };
        Ok((pool, anomalies, capped))
    }

    /// How many offset slots repeat an earlier slot's offset (aapt never
    /// writes duplicates; Malfixer treats them as tampering). O(n log n).
    pub fn duplicate_offsets(&self) -> usize {
        if self.count < 2 {
            return 0;
        }
        let mut offs: Vec<u32> = (0..self.count).filter_map(|i| self.entry(i)).collect();
        offs.sort_unstable();
        offs.windows(2).filter(|w| w.first() == w.get(1)).count()
    }

    /// `stringCount` as declared.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// True when the pool declares no strings.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// True for a UTF-8 pool.
    pub fn is_utf8(&self) -> bool {
        self.utf8
    }

    pub(super) fn entry(&self, idx: u32) -> Option<u32> {
        let off = (idx as usize)
            .checked_mul(4)?
            .checked_add(self.header_size)?;
        u32_at(self.chunk, off)
    }

    /// String `idx` as the framework's Java code reads it (see
    /// [`get_noted`](Self::get_noted)); `None` when the index is out of
    /// range or the entry is malformed.
    pub fn get(&self, idx: u32) -> Option<String> {
        self.get_noted(idx).map(|(s, _)| s)
    }

    /// String `idx` as the framework reads it, with what was odd about it.
    ///
    /// Java reads pool strings through `StringBlock.nativeGetString`
    /// (AOSP `core/jni/android_util_StringBlock.cpp`): for a UTF-8 pool it
    /// first tries `ResStringPool::string8At`, which never checks the
    /// UTF-16 length field (only `stringAt` does, `libs/androidfw/
    /// ResourceTypes.cpp`), and hands the bytes to JNI `NewStringUTF`, which
    /// stops at the first NUL (`strlen`). So a wrong UTF-16 length does not
    /// hide a string from Android, and text after an embedded NUL does not
    /// exist for it; both are noted. UTF-16 pools go through `stringAt` and
    /// `NewString(str, len)`, which keeps embedded NULs.
    pub fn get_noted(&self, idx: u32) -> Option<(String, StringNotes)> {
        if idx >= self.count {
            return None;
        }
        let entry = self.entry(idx)? as usize;
        if self.utf8 {
            self.get_utf8(entry)
        } else {
            self.get_utf16(entry / 2)
                .map(|s| (s, StringNotes::default()))
        }
    }

    pub(super) fn unit(&self, i: usize) -> Option<u16> {
        u16_at(
            self.chunk,
            i.checked_mul(2)?.checked_add(self.strings_start)?,
        )
    }

    pub(super) fn byte(&self, i: usize) -> Option<u8> {
        u8_at(self.chunk, i.checked_add(self.strings_start)?)
    }

    pub(super) fn get_utf16(&self, off: usize) -> Option<String> {
        if off >= self.pool_size.checked_sub(1)? {
            return None;
        }
        let mut p = off;
        let mut len = usize::from(self.unit(p)?);
        if len & 0x8000 != 0 {
            p = p.checked_add(1)?;
            len = ((len & 0x7FFF) << 16) | usize::from(self.unit(p)?);
        }
        p = p.checked_add(1)?;
        let end = p.checked_add(len)?;
        if end >= self.pool_size || self.unit(end)? != 0 {
            return None;
        }
        let start_b = p.checked_mul(2)?.checked_add(self.strings_start)?;
        let bytes = self
            .chunk
            .get(start_b..start_b.checked_add(len.checked_mul(2)?)?)?;
        let unit_at = |c: &[u8]| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        };
        // Fast path: ASCII-only strings (almost every manifest string).
        if bytes.chunks_exact(2).all(|c| unit_at(c) < 0x80) {
            let ascii: Vec<u8> = bytes
                .chunks_exact(2)
                .map(|c| c.first().copied().unwrap_or(0))
                .collect();
            return String::from_utf8(ascii).ok();
        }
        let mut out = String::with_capacity(len);
        out.extend(
            char::decode_utf16(bytes.chunks_exact(2).map(unit_at)).map(|r| r.unwrap_or('\u{FFFD}')),
        );
        Some(out)
    }

    pub(super) fn get_utf8(&self, off: usize) -> Option<(String, StringNotes)> {
        if off >= self.pool_size.checked_sub(1)? {
            return None;
        }
        let mut p = off;
        let read_len = |p: &mut usize| -> Option<usize> {
            let mut len = usize::from(self.byte(*p)?);
            if len & 0x80 != 0 {
                *p = p.checked_add(1)?;
                len = ((len & 0x7F) << 8) | usize::from(self.byte(*p)?);
            }
            *p = p.checked_add(1)?;
            Some(len)
        };
        let u16len = read_len(&mut p)?;
        let enc_len = read_len(&mut p)?;
        if p.checked_add(enc_len)? >= self.pool_size {
            return None;
        }
        // stringDecodeAt: aapt truncated lengths > 0x7FFF; look for the NUL at
        // encLen, then at (i << 15) | encLen.
        let mut i = 0usize;
        let mut end = enc_len;
        let found = loop {
            if p.checked_add(end)? >= self.pool_size {
                break None;
            }
            if self.byte(p.checked_add(end)?)? == 0 {
                break Some(end);
            }
            i = i.checked_add(1)?;
            end = i.checked_shl(15)? | enc_len;
        }?;
        let start_b = p.checked_add(self.strings_start)?;
        let bytes = self.chunk.get(start_b..start_b.checked_add(found)?)?;
        let mut notes = StringNotes::default();
        if i != 0 {
            notes.length_overflow = Some((enc_len, found));
        }
        // NewStringUTF(str8->data()): the Java string ends at the first NUL.
        let seen = match bytes.iter().position(|&b| b == 0) {
            Some(nul) => {
                notes.nul_cut = Some(bytes.len().saturating_sub(nul));
                bytes.get(..nul).unwrap_or_default()
            }
            None => bytes,
        };
        let (units, s, lenient) = utf8_to_utf16_device(seen);
        notes.bad_utf8 = lenient;
        // stringAt's check, which the Java path (string8At) never makes.
        if notes.nul_cut.is_none() && units & 0x7FFF != u16len {
            notes.utf16_len = Some((u16len, units));
        }
        Some((s, notes))
    }
}

/// What was odd about one pool string as the framework read it; every
/// field is a tamper sign (aapt/aapt2 never write them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StringNotes {
    /// UTF-8 pool: (UTF-16 length field, UTF-16 units of the text). The
    /// field disagrees; `stringAt` would refuse the string, the Java path
    /// (`string8At`) reads it anyway.
    pub utf16_len: Option<(usize, usize)>,
    /// UTF-8 pool: (encoded length field, real byte length). The length
    /// overflowed the 15-bit field and `stringDecodeAt` found the NUL
    /// further on.
    pub length_overflow: Option<(usize, usize)>,
    /// UTF-8 pool: bytes from an embedded NUL on, which `NewStringUTF` does
    /// not see.
    pub nul_cut: Option<usize>,
    /// UTF-8 pool: bytes that are not valid UTF-8, decoded leniently.
    pub bad_utf8: bool,
}

impl StringNotes {
    /// True when nothing was odd.
    pub fn is_clean(&self) -> bool {
        *self == StringNotes::default()
    }

    /// One line per oddity, for the document's anomalies (PS903).
    pub fn describe(&self, idx: u32) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((field, real)) = self.utf16_len {
            out.push(format!(
                "axml-utf8-utf16-length: string {idx}: UTF-16 length field {field}, text has {real} units \
                 (stringAt rejects it; the framework reads it through string8At)"
            ));
        }
        if let Some((field, real)) = self.length_overflow {
            out.push(format!(
                "axml-utf8-length-overflow: string {idx}: encoded length field {field}, string is {real} bytes \
                 (read to its NUL, as stringDecodeAt does)"
            ));
        }
        if let Some(cut) = self.nul_cut {
            out.push(format!(
                "axml-string-nul: string {idx}: embedded NUL; the last {cut} bytes are not seen by Android (NewStringUTF)"
            ));
        }
        if self.bad_utf8 {
            out.push(format!(
                "axml-string-bad-utf8: string {idx}: invalid UTF-8, decoded leniently as the device does"
            ));
        }
        out
    }
}

/// Why a string pool was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// `ResStringPool::setTo` returns BAD_TYPE.
    Bad(&'static str),
    /// `stringCount` is over `max_strings`.
    Limit(LimitError),
}

/// UTF-8 to text the way the device's reader does: lenient, like libutils
/// `utf8_to_utf16` and ART's modified-UTF-8 decoding behind `NewStringUTF`
/// (continuation bytes are not checked; the lead byte decides the length).
/// A sequence cut by the end of the string is decoded byte by byte (ART
/// validates only enough not to read past the NUL). Returns the UTF-16
/// length, the text and whether the bytes were not valid UTF-8.
pub(super) fn utf8_to_utf16_device(bytes: &[u8]) -> (usize, String, bool) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        let units = s
            .chars()
            .map(char::len_utf16)
            .fold(0usize, usize::saturating_add);
        return (units, s.to_owned(), false);
    }
    let mut out: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&lead) = bytes.get(i) {
        let n = (((0xe500_0000u32 >> ((lead >> 3) & 0x1e)) & 3) as usize).saturating_add(1);
        let Some(seq) = i.checked_add(n).and_then(|e| bytes.get(i..e)) else {
            out.push(u16::from(lead));
            i = i.saturating_add(1);
            continue;
        };
        let cp = match n {
            1 => u32::from(lead),
            _ => {
                let mask: u8 = match n {
                    2 => 0x1f,
                    3 => 0x0f,
                    _ => 0x07,
                };
                seq.iter().skip(1).fold(u32::from(lead & mask), |acc, b| {
                    (acc << 6) | u32::from(b & 0x3f)
                })
            }
        };
        if cp > 0xFFFF {
            let c = cp.wrapping_sub(0x10000);
            out.push(((c >> 10).wrapping_add(0xD800)) as u16);
            out.push(((c & 0x3FF).wrapping_add(0xDC00)) as u16);
        } else {
            out.push(cp as u16);
        }
        i = i.saturating_add(n);
    }
    (out.len(), String::from_utf16_lossy(&out), true)
}

/// Lazily decoded strings of the document's pool, memoised per index.
/// `slots[i]` is 0 (not decoded yet), 1 (cannot be decoded) or 2 + the
/// index in `text`: 4 bytes per declared string, so a pool of millions of
/// strings costs little unless they are used.
pub(super) struct Strings<'a> {
    pub(super) pool: StringPool<'a>,
    pub(super) slots: Vec<u32>,
    pub(super) text: Vec<Box<str>>,
    /// Oddities of the strings decoded so far ([`StringNotes::describe`]).
    pub(super) notes: Vec<String>,
}

impl<'a> Strings<'a> {
    pub(super) fn new(pool: StringPool<'a>) -> Self {
        let slots = vec![0u32; pool.len() as usize];
        Strings {
            pool,
            slots,
            text: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// String `idx`, or `None` (and the caller records an anomaly).
    pub(super) fn get(&mut self, idx: u32) -> Option<&str> {
        let slot = *self.slots.get(idx as usize)?;
        let at = if slot == 0 {
            let (value, at) = match self.pool.get_noted(idx) {
                Some((s, notes)) => {
                    if !notes.is_clean() {
                        for line in notes.describe(idx) {
                            note(&mut self.notes, || line);
                        }
                    }
                    let at = self.text.len();
                    self.text.push(s.into_boxed_str());
                    (u32::try_from(at).ok()?.checked_add(2)?, Some(at))
                }
                None => (1, None),
            };
            if let Some(s) = self.slots.get_mut(idx as usize) {
                *s = value;
            }
            at?
        } else {
            slot.checked_sub(2)? as usize
        };
        self.text.get(at).map(|s| &**s)
    }
}

/// A validated pool with its anomalies, or where and why it was rejected.
pub(super) type PoolResult<'a> =
    Result<(StringPool<'a>, Vec<String>, Option<LimitError>), (usize, PoolError)>;
