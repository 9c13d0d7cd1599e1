//! JVM and Dalvik naming shared by the format readers and SDK detection:
//! MUTF-8 strings (JVMS §4.4.7; DEX `string_data_item`, AOSP
//! `art/libdexfile/dex/utf.h`), type descriptors (JVMS §4.3.2) and JNI
//! native-method symbol names ([`jni`], JNI specification ch. 2
//! "Resolving Native Method Names"). Pure functions over bytes and text:
//! this module imports no other part of privscan, so `detect` can use it
//! without depending on `android` or `native`.

pub mod jni;

/// Decode MUTF-8 (DEX "modified UTF-8": `C0 80` for NUL, supplementary
/// characters as two 3-byte surrogates) to a `String`; malformed
/// sequences become U+FFFD.
pub fn mutf8_to_string(bytes: &[u8]) -> String {
    // Plain UTF-8 (no surrogates, no overlong NUL) decodes identically.
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    let cont = |b: Option<&u8>| {
        b.copied()
            .filter(|b| b & 0xC0 == 0x80)
            .map(|b| u16::from(b & 0x3F))
    };
    while let Some(&b) = bytes.get(i) {
        let b16 = u16::from(b);
        if b < 0x80 {
            units.push(b16);
            i += 1;
        } else if b & 0xE0 == 0xC0
            && let Some(c1) = cont(bytes.get(i + 1))
        {
            units.push(((b16 & 0x1F) << 6) | c1);
            i += 2;
        } else if b & 0xF0 == 0xE0
            && let (Some(c1), Some(c2)) = (cont(bytes.get(i + 1)), cont(bytes.get(i + 2)))
        {
            units.push(((b16 & 0x0F) << 12) | (c1 << 6) | c2);
            i += 3;
        } else {
            units.push(0xFFFD);
            i += 1;
        }
    }
    String::from_utf16_lossy(&units)
}

/// Turn a descriptor `Lcom/foo/Bar;` into the dotted name `com.foo.Bar`
/// (MUTF-8 decoded). Other descriptors are returned as text unchanged.
pub fn descriptor_to_dotted(descriptor: &[u8]) -> String {
    match descriptor
        .strip_prefix(b"L")
        .and_then(|d| d.strip_suffix(b";"))
    {
        Some(inner) => mutf8_to_string(inner).replace('/', "."),
        None => mutf8_to_string(descriptor),
    }
}
