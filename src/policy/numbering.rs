//! Numbering → clause headings: recognises the numbering a line starts
//! with (Roman `I.`, `(A)`, `a.`/`B.`, `1.`/`1、`, `(1)`/`（1）`, Chinese
//! `一、`/`（一）`) and makes short clause titles.
//!
//! Distrusts: the text; every function is total over any `&str`.

use super::norm::normalize_phrase;

// Numbering

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Roman,
    AlphaParen,
    /// `a.` / `B.` (letter and dot, title capitalised).
    AlphaDot,
    /// Chinese numerals: `一、` / `三.`.
    CnNum,
    /// Chinese numerals in parentheses: `（一）`.
    CnParen,
    Num,
    ParenNum,
    Heading(u8),
}

/// Recognise the numbering at the start of `text`: style, id segment, rest.
pub(crate) fn numbering(text: &str) -> Option<(Style, String, &str)> {
    let t = text.trim_start();
    // (A) / （A） and (1) / （1）
    let open = t.strip_prefix('(').or_else(|| t.strip_prefix('（'));
    if let Some(after) = open {
        let close = after.find([')', '）'])?;
        let inner = after.get(..close)?;
        let close_len = if after.get(close..)?.starts_with(')') {
            1
        } else {
            '）'.len_utf8()
        };
        let rest = after.get(close + close_len..)?.trim_start();
        if (1..=3).contains(&inner.chars().count()) && inner.chars().all(is_cn_numeral) {
            return Some((Style::CnParen, format!("({inner})"), rest));
        }
        if inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_uppercase()) {
            return Some((Style::AlphaParen, format!("({inner})"), rest));
        }
        if !inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit()) {
            return Some((Style::ParenNum, format!("({inner})"), rest));
        }
        return None;
    }
    // 1. / 1、 / 1)
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = t.get(digits..)?;
        let sep = [".", "、", "．", ")"]
            .iter()
            .find(|s| after.starts_with(**s))?;
        let rest = after.get(sep.len()..)?;
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None; // "1.5 million", "1.1 Scope"
        }
        let rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        return Some((Style::Num, t.get(..digits)?.to_string(), rest));
    }
    // 一、 / 十二.
    let cn: String = t
        .chars()
        .take_while(|&c| is_cn_numeral(c))
        .take(4)
        .collect();
    if (1..=3).contains(&cn.chars().count())
        && let Some(after) = t.get(cn.len()..)
        && let Some(sep) = ["、", ".", "．"].iter().find(|s| after.starts_with(**s))
    {
        let rest = after.get(sep.len()..)?.trim_start();
        if !rest.is_empty() {
            return Some((Style::CnNum, cn, rest));
        }
    }
    // a. Access data / B. Purposes
    let mut chars = t.chars();
    if let (Some(l), Some('.'), Some(' ')) = (chars.next(), chars.next(), chars.next())
        && l.is_ascii_alphabetic()
        && !matches!(l, 'I' | 'V' | 'X')
    {
        let rest = t.get(3..)?.trim_start();
        if rest.starts_with(|c: char| {
            c.is_uppercase() || (l.is_ascii_lowercase() && c.is_alphabetic())
        }) {
            return Some((Style::AlphaDot, l.to_string(), rest));
        }
    }
    // I. / III、
    let roman = t
        .bytes()
        .take_while(|b| matches!(b, b'I' | b'V' | b'X' | b'L'))
        .count();
    if (1..=6).contains(&roman) {
        let r = t.get(..roman)?;
        let after = t.get(roman..)?;
        let sep = [".", "、", "．"].iter().find(|s| after.starts_with(**s))?;
        let rest = after.get(sep.len()..)?;
        if !rest.starts_with(' ')
            && !rest.starts_with('\u{3000}')
            && !rest.starts_with(|c: char| !c.is_ascii())
        {
            return None;
        }
        let rest = rest.trim_start();
        if roman_value(r).is_some() && rest.starts_with(|c: char| c.is_uppercase() || !c.is_ascii())
        {
            return Some((Style::Roman, r.to_string(), rest));
        }
    }
    None
}

pub(crate) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

pub(crate) fn roman_value(s: &str) -> Option<u32> {
    const CANON: &[&str] = &[
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    CANON
        .iter()
        .position(|c| *c == s)
        .and_then(|p| u32::try_from(p + 1).ok())
}

/// A readable title from a heading's text: the words before a colon, or
/// the text cut at a word boundary.
pub(crate) fn make_title(rest: &str) -> String {
    // Markdown anchors render as a leading "#" ("## <a href=#x>#</a> Title").
    let rest = rest.trim().trim_start_matches(['#', ' ']);
    if let Some(p) = rest.find([':', '：'])
        && p > 0
        && p < 120
    {
        return rest.get(..p).unwrap_or(rest).trim().to_string();
    }
    let trimmed = rest.trim_end_matches(['.', ';', '；', '。', ',']);
    if trimmed.chars().count() <= 100 {
        return trimmed.to_string();
    }
    let mut out = String::new();
    for w in trimmed.split_whitespace() {
        if out.chars().count() + w.chars().count() > 80 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = trimmed.chars().take(80).collect();
    }
    out.push('…');
    out
}

pub(crate) fn slug(s: &str) -> String {
    let n = normalize_phrase(s);
    let s: String = n.split(' ').take(6).collect::<Vec<_>>().join("-");
    if s.is_empty() {
        "section".to_string()
    } else {
        s
    }
}

// ---------------------------------------------------------------------------
// SDK list fields

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_styles() {
        assert_eq!(
            numbering("III. How We Share").map(|n| (n.0, n.1)),
            Some((Style::Roman, "III".into()))
        );
        assert_eq!(numbering("(A) Sharing").map(|n| n.1), Some("(A)".into()));
        assert_eq!(numbering("（3）位置").map(|n| n.1), Some("(3)".into()));
        assert_eq!(
            numbering("3、位置信息").map(|n| (n.0, n.1)),
            Some((Style::Num, "3".into()))
        );
        assert_eq!(numbering("1.5 million users"), None);
        assert_eq!(numbering("I. am not a heading"), None);
        assert_eq!(numbering("IV.x"), None);
    }
}
