//! JNI native-method symbol names: `Java_<class>_<method>[__<signature>]`.
//!
//! A native library exports one such function for every `native` method it
//! implements, so its exported symbols name the Java classes that call it,
//! whatever the library file is called. Decoding follows the JNI
//! specification, chapter 2 "Design Overview", section "Resolving Native
//! Method Names" (Java SE 21 JNI spec): the prefix `Java_`, the mangled
//! fully-qualified class name, `_`, the mangled method name and, for an
//! overloaded method, `__` and the mangled argument signature. Mangling
//! replaces `/` by `_`, and escapes `_` as `_1`, `;` as `_2`, `[` as `_3`
//! and any non-ASCII UTF-16 unit as `_0xxxx` (four lowercase hex digits).
//!
//! Distrusts: the symbol (it comes from a hostile ELF or Mach-O). Decoding is
//! linear, allocates at most the symbol's length, and rejects malformed
//! escapes instead of guessing.

/// A decoded JNI native-method symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JniMethod {
    /// Binary class name with `/` separators: `im/zego/zegoexpress/ZegoExpressEngine`.
    pub class: String,
    /// Method name: `createEngine`.
    pub method: String,
}

impl JniMethod {
    /// The class as a DEX type descriptor: `Lim/zego/zegoexpress/ZegoExpressEngine;`.
    pub fn descriptor(&self) -> String {
        format!("L{};", self.class)
    }

    /// The class in dotted form: `im.zego.zegoexpress.ZegoExpressEngine`.
    pub fn dotted(&self) -> String {
        self.class.replace('/', ".")
    }
}

/// Longest symbol [`demangle`] decodes; longer names are not JNI exports
/// a real class produces and are skipped.
pub const MAX_JNI_SYMBOL: usize = 4096;

/// Decode a JNI symbol (`Java_im_zego_zegoexpress_ZegoExpressEngine_createEngine`).
/// Returns `None` for a symbol that is not a well-formed JNI name: no
/// `Java_` prefix, an escape other than `_0xxxx`/`_1`/`_2`/`_3`, an empty
/// class segment, or no method name. A leading `_` (Mach-O C symbols) is
/// accepted.
pub fn demangle(symbol: &str) -> Option<JniMethod> {
    if symbol.len() > MAX_JNI_SYMBOL {
        return None;
    }
    let body = symbol
        .strip_prefix("Java_")
        .or_else(|| symbol.strip_prefix("_Java_"))?;
    // The argument signature, if any, starts at the first `__` (a `_` in a
    // name is always escaped as `_1`, so `__` cannot occur inside a name).
    let names = match body.find("__") {
        Some(i) => body.get(..i)?,
        None => body,
    };
    let mut segments: Vec<String> = vec![String::new()];
    let bytes = names.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = *bytes.get(i)?;
        if b != b'_' {
            if !b.is_ascii_alphanumeric() && b != b'$' {
                return None;
            }
            segments.last_mut()?.push(char::from(b));
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'1') => {
                segments.last_mut()?.push('_');
                i += 2;
            }
            Some(b'2') => {
                segments.last_mut()?.push(';');
                i += 2;
            }
            Some(b'3') => {
                segments.last_mut()?.push('[');
                i += 2;
            }
            Some(b'0') => {
                let hex = names.get(i + 2..i + 6)?;
                if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return None;
                }
                let unit = u16::from_str_radix(hex, 16).ok()?;
                // Surrogate halves are written as two escapes; decode the pair.
                let c = if (0xD800..0xDC00).contains(&unit) {
                    let low_hex = names.get(i + 6..i + 12)?.strip_prefix("_0")?;
                    let low = u16::from_str_radix(low_hex, 16).ok()?;
                    i += 6;
                    char::decode_utf16([unit, low]).next()?.ok()?
                } else {
                    char::from_u32(u32::from(unit))?
                };
                segments.last_mut()?.push(c);
                i += 6;
            }
            Some(_) => {
                segments.push(String::new());
                i += 1;
            }
            None => return None,
        }
    }
    let method = segments.pop()?;
    if method.is_empty() || segments.is_empty() || segments.iter().any(String::is_empty) {
        return None;
    }
    Some(JniMethod {
        class: segments.join("/"),
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_overloaded_names() {
        let m =
            demangle("Java_im_zego_zegoexpress_internal_ZegoExpressEngineJniAPI_createEngineJni")
                .unwrap();
        assert_eq!(
            m.class,
            "im/zego/zegoexpress/internal/ZegoExpressEngineJniAPI"
        );
        assert_eq!(m.method, "createEngineJni");
        assert_eq!(
            m.descriptor(),
            "Lim/zego/zegoexpress/internal/ZegoExpressEngineJniAPI;"
        );
        let o = demangle("Java_io_agora_rtc_RtcEngine_nativeSetup__Ljava_lang_String_2I").unwrap();
        assert_eq!(o.dotted(), "io.agora.rtc.RtcEngine");
        assert_eq!(o.method, "nativeSetup");
        let mach = demangle("_Java_com_tencent_Foo_bar").unwrap();
        assert_eq!(mach.class, "com/tencent/Foo");
    }

    #[test]
    fn escapes_underscore_and_unicode() {
        let m = demangle("Java_com_my_1app_Native_1Bridge_do_1it").unwrap();
        assert_eq!(m.class, "com/my_app/Native_Bridge");
        assert_eq!(m.method, "do_it");
        let u = demangle("Java_com_example_K_000e4se_get").unwrap();
        assert_eq!(u.class, "com/example/Käse");
        // U+1F600 as a surrogate pair.
        let s = demangle("Java_com_x_A_0d83d_0de00_m").unwrap();
        assert_eq!(s.class, "com/x/A\u{1F600}");
    }

    #[test]
    fn rejects_what_is_not_jni() {
        for bad in [
            "JNI_OnLoad",
            "Java_",
            "Java_Foo",    // class only, no method
            "Java_com__x", // signature right away
            "Java_com_x_A_0zzzz_m",
            "Java_com_x_A_0d83d_m", // lone high surrogate
            "Java_com_x_A_",        // trailing escape
            "Java_com_x-y_A_m",
            "java_com_x_A_m",
        ] {
            assert_eq!(demangle(bad), None, "{bad}");
        }
        assert_eq!(
            demangle(&format!("Java_{}_A_m", "a".repeat(MAX_JNI_SYMBOL))),
            None
        );
    }
}
