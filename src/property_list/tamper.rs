//! XML property-list tricks that CoreFoundation reads differently from
//! most tools (issue 17 class 8): comments holding markup and entity
//! references.
//!
//! CoreFoundation's XML plist parser (`CFPropertyList.c`, `skipXMLComment`
//! and `parseEntityReference`) skips `<!-- ... -->` whole, so a comment
//! holding `<key>NSCameraUsageDescription</key>` is not a key for iOS, but
//! a line-based or regex tool sees one. CF knows only `&lt;` `&gt;`
//! `&amp;` `&apos;` `&quot;` and character references (`&#..;`); any other
//! entity ("Encountered unknown ampersand-escape sequence") makes the parse
//! fail, and a DTD's entities are never expanded. privscan reads such a
//! plist as CF reads its text (comments skipped, no expansion) and lists
//! each trick here, for a tamper finding (PS903).

/// PS903 for an XML plist holding tricks CoreFoundation reads differently
/// from most tools (this module's [`xml_tricks`]); a reader's tamper finding, like the
/// archive anomalies the ZIP reader reports.
pub fn plist_tampered(entry: &str, why: &str) -> crate::model::Finding {
    let info = crate::findings::Code::PS903.info();
    crate::model::Finding {
        code: info.id.into(),
        severity: info.severity,
        subject: entry.to_owned(),
        message: format!("XML plist tampered: {why}"),
        clause: None,
        evidence: vec![crate::model::Location::entry(entry.to_owned())],
    }
}

/// The tricks in an XML plist `data` (UTF-8, or UTF-16 with a BOM), one
/// line each naming the byte offset (in the decoded UTF-8 text) and what
/// CoreFoundation does; at most [`MAX_NOTES`]. Empty for binary plists and
/// clean XML.
pub fn xml_tricks(data: &[u8]) -> Vec<String> {
    let text = match decode(data) {
        Some(t)
            if t.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<') =>
        {
            t
        }
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0usize;
    while i < b.len() && out.len() < MAX_NOTES {
        let rest = b.get(i..).unwrap_or_default();
        if rest.starts_with(b"<!--") {
            let end = find(rest, b"-->").map_or(b.len(), |e| i + e + 3);
            let body = text
                .get(i + 4..end.saturating_sub(3).max(i + 4))
                .unwrap_or("");
            if body.contains('<') || body.contains('>') {
                out.push(format!(
                    "plist-comment-markup: comment at byte {i} holds markup {:?}; CoreFoundation skips the whole comment",
                    clip(body)
                ));
            }
            i = end;
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(rest, b"]]>").map_or(b.len(), |e| i + e + 3);
        } else if rest.starts_with(b"<!DOCTYPE") {
            // CF skips the DTD (`skipDTD`); an internal subset ends at `]>`.
            let gt = find(rest, b">").unwrap_or(rest.len());
            let end = match find(rest, b"[") {
                Some(open) if open < gt => find(rest, b"]>").map_or(b.len(), |e| i + e + 2),
                _ => i + gt + 1,
            };
            i = end;
        } else if rest.first() == Some(&b'&') {
            let name_end = rest.iter().position(|&c| c == b';').filter(|&n| n <= 64);
            let name = name_end.and_then(|n| text.get(i + 1..i + n)).unwrap_or("");
            if !(name.starts_with('#') || matches!(name, "lt" | "gt" | "amp" | "apos" | "quot")) {
                out.push(format!(
                    "plist-entity: entity reference &{}; at byte {i}; CoreFoundation knows only the five predefined entities and character references and refuses the plist (unknown ampersand-escape)",
                    clip(name)
                ));
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Most notes listed for one plist.
pub const MAX_NOTES: usize = 20;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

/// UTF-8 text, or UTF-16 (LE/BE by BOM) decoded; `None` when neither.
fn decode(data: &[u8]) -> Option<String> {
    let units = |be: bool| -> Vec<u16> {
        data.get(2..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] if be => u16::from_be_bytes([*a, *b]),
                [a, b] => u16::from_le_bytes([*a, *b]),
                _ => 0,
            })
            .collect()
    };
    match data {
        [0xFE, 0xFF, ..] => Some(String::from_utf16_lossy(&units(true))),
        [0xFF, 0xFE, ..] => Some(String::from_utf16_lossy(&units(false))),
        _ => std::str::from_utf8(data).ok().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict>";

    #[test]
    fn comment_markup_and_unknown_entities_are_listed() {
        let x = format!(
            "{HEAD}<!-- <key>NSCameraUsageDescription</key> --><key>a</key><string>x &amp; &#65; &e1;</string></dict></plist>"
        );
        let t = xml_tricks(x.as_bytes());
        assert_eq!(t.len(), 2, "{t:?}");
        assert!(t[0].starts_with("plist-comment-markup:"), "{}", t[0]);
        assert!(t[0].contains("NSCameraUsageDescription"));
        assert!(
            t[1].starts_with("plist-entity: entity reference &e1;"),
            "{}",
            t[1]
        );
    }

    #[test]
    fn clean_xml_binary_and_plain_comments_have_none() {
        let x = format!(
            "{HEAD}<!-- generated --><key>a</key><string>&lt;b&gt;</string></dict></plist>"
        );
        assert!(xml_tricks(x.as_bytes()).is_empty());
        assert!(xml_tricks(b"bplist00\xd0\x08").is_empty());
        // Entities declared in a DTD are listed where used, not where declared.
        let x = "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY a \"&b;\">]><plist><dict><key>k</key><string>&a;</string></dict></plist>";
        let t = xml_tricks(x.as_bytes());
        assert_eq!(t.len(), 1, "{t:?}");
        assert!(t[0].contains("&a;"));
    }

    #[test]
    fn utf16_be_is_decoded() {
        let x = format!("{HEAD}<!-- <key>k</key> --></dict></plist>");
        let mut be = vec![0xFE, 0xFF];
        for u in x.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(xml_tricks(&be).len(), 1);
    }
}
