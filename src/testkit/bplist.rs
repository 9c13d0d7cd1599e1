//! `bplist00` bytes for tests: a trailer over already-encoded objects, and
//! the object encodings the hostile-plist tests need. Layout from
//! CoreFoundation `CFBinaryPList.c`: the header `bplist00`, the objects,
//! the offset table, then a 32-byte trailer (6 unused bytes, offset size,
//! ref size, object count, top object, offset-table offset; big-endian).

/// A `bplist00` of already-encoded `objects` with 2-byte offsets, 1-byte
/// object refs and object 0 as the top object. Objects must fit in the
/// first 64 KiB (2-byte offsets).
pub fn bplist(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"bplist00".to_vec();
    let mut offs = Vec::new();
    for o in objects {
        offs.push(out.len() as u16);
        out.extend_from_slice(o);
    }
    let table_off = out.len() as u64;
    for o in offs {
        out.extend_from_slice(&o.to_be_bytes());
    }
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&[2, 1]);
    out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes());
    out.extend_from_slice(&table_off.to_be_bytes());
    out
}

/// An ASCII string object (marker `0x5n`; lengths ≥ 15 as a following
/// 1-byte int object `0x10 len`, so at most 255 bytes).
pub fn ascii(s: &str) -> Vec<u8> {
    let mut o = if s.len() < 15 {
        vec![0x50 | s.len() as u8]
    } else {
        vec![0x5f, 0x10, s.len() as u8]
    };
    o.extend_from_slice(s.as_bytes());
    o
}
