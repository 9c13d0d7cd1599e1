//! Chunks: the `ResChunk_header` every AXML chunk starts with, and the
//! `ResXMLParser::nextNode` walk over the node chunks with AOSP's
//! `validateNode` checks (frameworks/base/libs/androidfw/ResourceTypes.cpp).

use super::*;

/// A chunk header (`ResChunk_header`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkHeader {
    pub offset: usize,
    pub chunk_type: u16,
    pub header_size: u16,
    pub size: u32,
}

impl ChunkHeader {
    pub(crate) fn read(data: &[u8], offset: usize) -> Option<Self> {
        Some(ChunkHeader {
            offset,
            chunk_type: u16_at(data, offset)?,
            header_size: u16_at(data, offset.checked_add(2)?)?,
            size: u32_at(data, offset.checked_add(4)?)?,
        })
    }

    pub(super) fn bad(&self, why: &'static str) -> AxmlError {
        AxmlError::BadChunk {
            offset: self.offset as u64,
            chunk_type: self.chunk_type,
            header_size: self.header_size,
            size: self.size,
            why,
        }
    }

    /// AOSP `validate_chunk`: `headerSize >= min`, `headerSize <= size`, both
    /// 4-aligned, and `size` fits before `data_end`.
    pub(crate) fn validate(&self, min: u16, data_end: usize) -> Result<(), &'static str> {
        if self.header_size < min {
            return Err("header size too small");
        }
        if u32::from(self.header_size) > self.size {
            return Err("size is smaller than header size");
        }
        if (u32::from(self.header_size) | self.size) & 3 != 0 {
            return Err("size or headerSize not on a 4-byte boundary");
        }
        let room = data_end
            .checked_sub(self.offset)
            .ok_or("chunk starts past the data end")?;
        if self.size as usize > room {
            return Err("chunk extends beyond the data end");
        }
        Ok(())
    }

    pub(super) fn end(&self) -> Option<usize> {
        self.offset.checked_add(self.size as usize)
    }
}

/// A node event produced by the `nextNode` walk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    pub(super) header: ChunkHeader,
    pub(super) ext: usize,
    pub(super) line: u32,
}

pub(super) enum Step {
    Node(Node),
    End,
    Bad(AxmlError),
}

pub(super) struct Walker<'a> {
    pub(super) data: &'a [u8],
    pub(super) data_end: usize,
}

impl Walker<'_> {
    /// AOSP `validateNode`.
    pub(super) fn validate_node(&self, h: &ChunkHeader) -> Result<(), AxmlError> {
        h.validate(NODE_HEADER_SIZE, self.data_end)
            .map_err(|w| h.bad(w))?;
        if h.chunk_type != RES_XML_START_ELEMENT_TYPE {
            return Ok(());
        }
        let hs = u32::from(h.header_size);
        if h.size < hs.saturating_add(ATTR_EXT_SIZE) {
            return Err(h.bad("START_ELEMENT too small for its attribute extension"));
        }
        let ext = h.offset.saturating_add(usize::from(h.header_size));
        let start = u16_at(self.data, ext.saturating_add(8)).ok_or(h.bad("truncated attrExt"))?;
        let asize = u16_at(self.data, ext.saturating_add(10)).ok_or(h.bad("truncated attrExt"))?;
        let acount = u16_at(self.data, ext.saturating_add(12)).ok_or(h.bad("truncated attrExt"))?;
        let used =
            u64::from(start).saturating_add(u64::from(asize).saturating_mul(u64::from(acount)));
        if used > u64::from(h.size.saturating_sub(hs)) {
            return Err(h.bad("node attributes extend past the node"));
        }
        Ok(())
    }

    /// AOSP `ResXMLParser::nextNode` starting after the chunk at `cur`.
    pub(super) fn next(&self, cur: &ChunkHeader, anomalies: &mut Vec<String>) -> Step {
        let mut cur = *cur;
        loop {
            let Some(next) = cur.end() else {
                return Step::End;
            };
            if next >= self.data_end {
                return Step::End;
            }
            let Some(h) = ChunkHeader::read(self.data, next) else {
                return Step::Bad(AxmlError::Truncated {
                    offset: next as u64,
                    need: 8,
                });
            };
            if let Err(e) = self.validate_node(&h) {
                return Step::Bad(e);
            }
            let min_ext: u32 = match h.chunk_type {
                RES_XML_START_NAMESPACE_TYPE | RES_XML_END_NAMESPACE_TYPE => 8,
                RES_XML_START_ELEMENT_TYPE => ATTR_EXT_SIZE,
                RES_XML_END_ELEMENT_TYPE => 8,
                RES_XML_CDATA_TYPE => 12,
                t => {
                    note(anomalies, || {
                        format!(
                            "axml-unknown-node: chunk type 0x{t:04x} at byte {next} skipped (Android skips unknown XML nodes)"
                        )
                    });
                    cur = h;
                    continue;
                }
            };
            if h.size.saturating_sub(u32::from(h.header_size)) < min_ext {
                return Step::Bad(h.bad("node too small for its extension"));
            }
            let line = u32_at(self.data, next.saturating_add(8)).unwrap_or(0);
            let ext = next.saturating_add(usize::from(h.header_size));
            return Step::Node(Node {
                header: h,
                ext,
                line,
            });
        }
    }
}
