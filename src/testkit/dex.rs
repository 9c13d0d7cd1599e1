//! Writes small but valid DEX files (version 035) for tests and benches:
//! header with correct Adler-32 `checksum` and SHA-1 `signature`,
//! `string_ids` (sorted), `type_ids`, one empty `class_def_item` per class
//! (superclass `Ljava/lang/Object;`), `string_data_item`s and a `map_list`.
//!
//! Trusts its input (test code). Format facts: AOSP "Dalvik Executable
//! format"; `dexdump` (Debian package `dexdump`) accepts the output.

use crate::android::dex::{NO_INDEX, adler32};

/// Build a DEX defining `class_descriptors` (e.g. `"Lcom/foo/Bar;"`; ASCII
/// only). Duplicates are removed; `Ljava/lang/Object;` is added as a type
/// (and is the superclass of every class).
pub fn build(class_descriptors: &[&str]) -> Vec<u8> {
    section(class_descriptors, b"035", 0, 0x70)
}

/// A DEX v041 container (Android 15; AOSP dex-format "Container format",
/// ART `dex_file_loader.cc`): one logical DEX per element of `parts`,
/// concatenated. Each header is 0x78 bytes with `container_size` (0x70) and
/// `header_offset` (0x74); `file_size` is the logical file's size and every
/// offset is relative to the start of the container. Each part's checksum
/// covers its own bytes from offset 12.
pub fn build_container(parts: &[&[&str]]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    for classes in parts {
        starts.push(out.len());
        let base = out.len() as u32;
        out.extend_from_slice(&section(classes, b"041", base, 0x78));
    }
    let total = out.len() as u32;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(out.len());
        out[start + 0x70..start + 0x74].copy_from_slice(&total.to_le_bytes());
        out[start + 0x74..start + 0x78].copy_from_slice(&(start as u32).to_le_bytes());
        let sig = sha1(&out[start + 32..end]);
        out[start + 12..start + 32].copy_from_slice(&sig);
        let sum = adler32(&out[start + 12..end]);
        out[start + 8..start + 12].copy_from_slice(&sum.to_le_bytes());
    }
    out
}

/// One logical DEX whose offsets start at `base` (0 for a plain file) with a
/// `header_size`-byte header (0x70, or 0x78 for v041).
fn section(class_descriptors: &[&str], version: &[u8; 3], base: u32, header_size: u32) -> Vec<u8> {
    const OBJECT: &str = "Ljava/lang/Object;";
    let mut classes: Vec<&str> = class_descriptors.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let mut strings: Vec<&str> = classes.clone();
    if !strings.contains(&OBJECT) {
        strings.push(OBJECT);
    }
    strings.sort_unstable();
    let n = strings.len() as u32;
    let idx = |s: &str| {
        strings
            .binary_search(&s)
            .map(|i| i as u32)
            .unwrap_or(NO_INDEX)
    };

    let string_ids_off = base + header_size;
    let type_ids_off = string_ids_off + 4 * n;
    let class_defs_off = type_ids_off + 4 * n;
    let data_off = class_defs_off + 32 * classes.len() as u32;

    let mut string_data = Vec::new();
    let mut string_offs = Vec::new();
    for s in &strings {
        string_offs.push(data_off + string_data.len() as u32);
        let mut len = s.len() as u32;
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                string_data.push(byte);
                break;
            }
            string_data.push(byte | 0x80);
        }
        string_data.extend_from_slice(s.as_bytes());
        string_data.push(0);
    }
    while !string_data.len().is_multiple_of(4) {
        string_data.push(0);
    }
    let map_off = data_off + string_data.len() as u32;
    let mut map: Vec<(u16, u32, u32)> = vec![
        (0x0000, 1, base),
        (0x0001, n, string_ids_off),
        (0x0002, n, type_ids_off),
    ];
    if !classes.is_empty() {
        map.push((0x0006, classes.len() as u32, class_defs_off));
    }
    map.push((0x2002, n, data_off));
    map.push((0x1000, 1, map_off));
    let map_end = map_off + 4 + 12 * map.len() as u32;
    let file_size = map_end - base;

    let mut out = vec![0u8; header_size as usize];
    for off in &string_offs {
        out.extend_from_slice(&off.to_le_bytes());
    }
    for i in 0..n {
        out.extend_from_slice(&i.to_le_bytes());
    }
    let object = idx(OBJECT);
    for c in &classes {
        let super_idx = if *c == OBJECT { NO_INDEX } else { object };
        for v in [idx(c), 0x0001, super_idx, 0, NO_INDEX, 0, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&string_data);
    out.extend_from_slice(&(map.len() as u32).to_le_bytes());
    for (ty, size, off) in &map {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&off.to_le_bytes());
    }
    debug_assert_eq!(out.len(), file_size as usize);

    let header: [(usize, u32); 18] = [
        (0x20, file_size),
        (0x24, header_size),
        (0x28, 0x1234_5678),
        (0x34, map_off),
        (0x38, n),
        (0x3c, string_ids_off),
        (0x40, n),
        (0x44, type_ids_off),
        (0x48, 0),
        (0x4c, 0),
        (0x50, 0),
        (0x54, 0),
        (0x58, 0),
        (0x5c, 0),
        (0x60, classes.len() as u32),
        (
            0x64,
            if classes.is_empty() {
                0
            } else {
                class_defs_off
            },
        ),
        (0x68, map_end - data_off),
        (0x6c, data_off),
    ];
    out[..4].copy_from_slice(b"dex\n");
    out[4..7].copy_from_slice(version);
    for (off, v) in header {
        out[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }
    let sig = sha1(&out[32..]);
    out[12..32].copy_from_slice(&sig);
    let sum = adler32(&out[12..]);
    out[8..12].copy_from_slice(&sum.to_le_bytes());
    out
}

/// SHA-1 (FIPS 180-4), for the DEX `signature` field only.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (hv, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *hv = hv.wrapping_add(v);
        }
    }
    let mut out = [0u8; 20];
    for (i, v) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_known_answers() {
        let hex = |b: [u8; 20]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    /// Debian's `dexdump` as an oracle: it verifies checksum and structure.
    #[test]
    fn dexdump_accepts_built_dex() {
        if std::process::Command::new("dexdump")
            .arg("-h")
            .output()
            .is_err()
        {
            eprintln!("SKIP: dexdump not installed (apt-get install dexdump)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("classes.dex");
        std::fs::write(&path, build(&["Lcom/foo/Bar;", "Lcom/foo/baz/Qux;", "La;"])).unwrap();
        let out = std::process::Command::new("dexdump")
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(
            !text.contains("Failure") && !text.contains("ERROR"),
            "{text}"
        );
        let listed: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("Class descriptor  : '")
                    .and_then(|r| r.strip_suffix('\''))
            })
            .collect();
        assert_eq!(
            listed,
            vec!["La;", "Lcom/foo/Bar;", "Lcom/foo/baz/Qux;"],
            "{text}"
        );
    }
}
