//! Numbering → clause headings: recognises the numbering a line starts
//! with (Roman `I.`, `(A)`, `(a)`, `a)`, `a.`/`B.`, `1.`/`1、`, dotted
//! `1.1`/`3.1.2`, `(1)`/`（1）`, circled `①`, Chinese `一、`/`（一）`,
//! `第一章`/`第3条`) and makes short clause titles.
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
    /// Dotted numbers `1.1` / `3.1.2` (the segment is the whole number).
    Dotted,
    /// Circled numbers `①`…`⑳`.
    Circled,
    /// Lower-case letter in parentheses `(a)` or with a closing one `a)`.
    LowerParen,
    /// `第一章` / `第1章` / `第一部分`.
    Chapter,
    /// `第一条` / `第1条` / `第一节`.
    Article,
    Heading(u8),
    /// A bold pseudo-heading (`**Sharing**`).
    Bold,
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
        if inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_lowercase()) && !rest.is_empty() {
            return Some((Style::LowerParen, format!("({inner})"), rest));
        }
        if !inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit()) {
            return Some((Style::ParenNum, format!("({inner})"), rest));
        }
        return None;
    }
    // ① … ⑳
    if let Some(c) = t.chars().next()
        && ('①'..='⑳').contains(&c)
    {
        let rest = t
            .get(c.len_utf8()..)?
            .trim_start_matches(['、', '.', ' '])
            .trim_start();
        if !rest.is_empty() {
            return Some((Style::Circled, c.to_string(), rest));
        }
        return None;
    }
    // 第一章 / 第3条 / 第二部分
    if let Some(after) = t.strip_prefix('第') {
        let n: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || is_cn_numeral(*c))
            .take(4)
            .collect();
        if !n.is_empty() {
            let tail = after.get(n.len()..)?;
            for (unit, style) in [
                ("章", Style::Chapter),
                ("部分", Style::Chapter),
                ("条", Style::Article),
                ("节", Style::Article),
            ] {
                if let Some(rest) = tail.strip_prefix(unit) {
                    let rest = rest.trim_start_matches(['、', '.', '：', ':', ' ', '\u{3000}']);
                    return Some((style, format!("第{n}{unit}"), rest.trim()));
                }
            }
        }
    }
    // a) CAMERA / b) Location
    {
        let mut cs = t.chars();
        if let (Some(l), Some(')')) = (cs.next(), cs.next())
            && l.is_ascii_lowercase()
        {
            let rest = t.get(2..)?.trim_start();
            if !rest.is_empty() {
                return Some((Style::LowerParen, l.to_string(), rest));
            }
        }
    }
    // 1.1 / 3.1.2 (not "1.5 million")
    if let Some((num, rest)) = dotted(t) {
        return Some((Style::Dotted, num.to_string(), rest));
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

/// `3.1.2 基本功能` → ("3.1.2", "基本功能"): two to five dotted numbers,
/// an optional trailing `.`/`、`, then a title that starts with a capital,
/// a non-ASCII character or a bracket ("1.5 million" is not a number).
fn dotted(t: &str) -> Option<(&str, &str)> {
    let b = t.as_bytes();
    let mut i = 0usize;
    let mut parts = 0usize;
    loop {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start || i - start > 3 {
            return None;
        }
        parts += 1;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) && parts < 5 {
            i += 1;
            continue;
        }
        break;
    }
    if parts < 2 {
        return None;
    }
    let num = t.get(..i)?;
    let after = t.get(i..)?;
    let after = after
        .strip_prefix('.')
        .or_else(|| after.strip_prefix('、'))
        .or_else(|| after.strip_prefix('．'))
        .unwrap_or(after);
    let spaced = after.starts_with([' ', '\u{3000}', '\t']);
    let rest = after.trim_start();
    let first = rest.chars().next()?;
    let titled = first.is_uppercase()
        || (!first.is_ascii() && first.is_alphabetic())
        || matches!(first, '“' | '"' | '「' | '【' | '（' | '(');
    if titled && (spaced || !first.is_ascii()) {
        Some((num, rest))
    } else {
        None
    }
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
        assert_eq!(
            numbering("3.1.2 基本功能").map(|n| (n.0, n.1)),
            Some((Style::Dotted, "3.1.2".into()))
        );
        assert_eq!(
            numbering("1.1.5当你使用").map(|n| n.1),
            Some("1.1.5".into())
        );
        assert_eq!(numbering("1.1 Scope").map(|n| n.1), Some("1.1".into()));
        assert_eq!(numbering("2.5 mm wide"), None);
        assert_eq!(
            numbering("①微信SDK").map(|n| (n.0, n.2)),
            Some((Style::Circled, "微信SDK"))
        );
        assert_eq!(
            numbering("第三章 共享").map(|n| (n.0, n.1)),
            Some((Style::Chapter, "第三章".into()))
        );
        assert_eq!(numbering("第12条 附则").map(|n| n.1), Some("第12条".into()));
        assert_eq!(
            numbering("d) CAMERA").map(|n| (n.0, n.1)),
            Some((Style::LowerParen, "d".into()))
        );
        assert_eq!(numbering("(b) Location").map(|n| n.1), Some("(b)".into()));
    }
}
