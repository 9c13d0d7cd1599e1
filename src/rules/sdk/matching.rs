//! Matching primitives shared by the indexes and `detect`: DEX
//! descriptor prefixes and `*` globs.

/// `com.foo.bar` → `Lcom/foo/bar` (descriptor prefix form).
pub(crate) fn descriptor_prefix(dotted: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(dotted.len() + 1);
    v.push(b'L');
    v.extend(dotted.bytes().map(|b| if b == b'.' { b'/' } else { b }));
    v
}

/// `*`-only glob match (`libjcore*.so`), case-sensitive.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}
