//! Markdown / MDX → blocks, without losing what a reader sees: HTML blocks
//! (tables inside `<div>`) go through the HTML reader, tables become one
//! block per row with cells, an indented code block holding Markdown
//! (Docusaurus list items, a table indented by mistake) is read again as
//! Markdown, and a line break before a numbered or labelled line ("SDK名称：")
//! starts a new block.
//!
//! Distrusts: the markup. Any input gives blocks or nothing, never a panic;
//! re-reading indented code is bounded to three levels.
//!
//! Format facts: CommonMark 0.31 via `pulldown-cmark` (§4.4 indented code
//! blocks, §4.6 HTML blocks end at a blank line, §6.7 hard line breaks),
//! GFM tables extension.

use super::html::HtmlReader;
use super::text::{Block, BlockKind, Row, alnum_chars, collapse};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// An open Markdown container collecting text.
struct Open {
    kind: BlockKind,
    text: String,
    span: (usize, usize),
    what: What,
    /// Finished pieces (split at line breaks): text and span.
    pieces: Vec<(String, (usize, usize))>,
    /// Start of the current piece when it is not the container's start.
    piece_start: Option<usize>,
    /// End of the last text read.
    last_end: usize,
    bold_chars: usize,
    all_chars: usize,
    cells: Vec<String>,
    cell_from: usize,
    row: Option<(u32, u32, bool)>,
}

#[derive(PartialEq, Eq)]
enum What {
    Text,
    /// Collected, never emitted (front matter).
    Skip,
    /// Fenced code: dropped, counted as not read.
    Fenced,
    /// Indented code: (offset in source, text) per line.
    Indented(Vec<(usize, String)>),
    /// An HTML block: its byte range.
    Html(Option<(usize, usize)>),
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The ordered-list number at the start of a Markdown list item (`"12. "`).
pub(crate) fn ordered_marker(src: &str) -> Option<&str> {
    let digits = src.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    match src.as_bytes().get(digits) {
        Some(b'.') | Some(b')') => src.get(..digits),
        _ => None,
    }
}

/// A line that starts a new entry even without a blank line before it: a
/// numbering marker (`1.`, `1、`, `(1)`, `（一）`, `一、`, `①`), a bullet,
/// or a short label and a colon (`SDK名称：`, `Company Name:`).
pub(crate) fn starts_new_line_entry(line: &str) -> bool {
    let t = line.trim_start();
    let mut chars = t.chars();
    let Some(c0) = chars.next() else { return false };
    if ('①'..='⑳').contains(&c0) || matches!(c0, '•' | '·' | '▪' | '●' | '◦') {
        return true;
    }
    if matches!(c0, '(' | '（') {
        let inner: String = chars.take_while(|c| !matches!(c, ')' | '）')).collect();
        return (1..=3).contains(&inner.chars().count())
            && inner
                .chars()
                .all(|c| c.is_ascii_digit() || super::numbering::is_cn_numeral(c));
    }
    let lead: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || super::numbering::is_cn_numeral(*c))
        .collect();
    if !lead.is_empty() && lead.chars().count() <= 3 {
        let after = t.get(lead.len()..).unwrap_or("");
        if after.starts_with(['、', '．', ')', '.']) {
            return true;
        }
    }
    // "SDK名称：" / "Company Name:" (not "https:")
    if let Some(p) = t.find(['：', ':']) {
        let label = t.get(..p).unwrap_or("");
        let after = t.get(p..).unwrap_or("");
        let n = label.chars().count();
        return (1..=16).contains(&n)
            && !after.starts_with("://")
            && !label.contains(['。', '，', ',', '.', '；'])
            && label.split_whitespace().count() <= 4;
    }
    false
}

/// Maps offsets of a dedented copy back to the source.
struct SpanMap(Vec<(usize, usize, usize)>);

impl SpanMap {
    fn map(&self, off: usize) -> usize {
        let i = self.0.partition_point(|s| s.0 <= off);
        match i.checked_sub(1).and_then(|i| self.0.get(i)) {
            Some(&(ded, orig, len)) => orig.saturating_add((off - ded).min(len)),
            None => self.0.first().map_or(0, |s| s.1),
        }
    }
}

/// Markdown blocks of `src` (offsets in `src`) and the alphanumeric
/// characters of text dropped (fenced code). `depth` bounds re-reading.
pub(crate) fn markdown_blocks(src: &str, depth: u8) -> (Vec<Block>, usize) {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut stack: Vec<Open> = Vec::new();
    let mut blocks = Vec::new();
    let mut html = HtmlReader::new(1_000_000 + u32::from(depth) * 10_000);
    let mut dropped = 0usize;
    let mut in_item = 0usize;
    let mut strong = 0usize;
    let mut table = u32::from(depth) * 10_000;
    let mut table_row = 0u32;
    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let (kind, what) = match tag {
                    Tag::Heading { level, .. } => {
                        (BlockKind::Heading(heading_level(level)), What::Text)
                    }
                    Tag::Item => {
                        in_item += 1;
                        (BlockKind::ListItem, What::Text)
                    }
                    Tag::Paragraph => (
                        if in_item > 0 {
                            BlockKind::ListItem
                        } else {
                            BlockKind::Paragraph
                        },
                        What::Text,
                    ),
                    Tag::Table(_) => {
                        table = table.saturating_add(1);
                        table_row = 0;
                        continue;
                    }
                    Tag::TableRow | Tag::TableHead => (BlockKind::Paragraph, What::Text),
                    Tag::TableCell => {
                        if let Some(top) = stack.last_mut() {
                            top.cell_from = top.text.len();
                        }
                        continue;
                    }
                    Tag::Strong => {
                        strong += 1;
                        continue;
                    }
                    Tag::MetadataBlock(_) => (BlockKind::Paragraph, What::Skip),
                    Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                        (BlockKind::Paragraph, What::Fenced)
                    }
                    Tag::CodeBlock(CodeBlockKind::Indented) => {
                        (BlockKind::Paragraph, What::Indented(Vec::new()))
                    }
                    Tag::HtmlBlock => (BlockKind::Paragraph, What::Html(None)),
                    _ => continue,
                };
                let mut text = String::new();
                if kind == BlockKind::ListItem
                    && matches!(tag, Tag::Item)
                    && let Some(n) = src.get(range.clone()).and_then(ordered_marker)
                {
                    text.push_str(n);
                    text.push_str(". ");
                }
                let row = match tag {
                    Tag::TableHead => Some((table, 0, true)),
                    Tag::TableRow => Some((table, table_row, false)),
                    _ => None,
                };
                if row.is_some() {
                    table_row = table_row.saturating_add(1);
                }
                stack.push(Open {
                    kind,
                    text,
                    span: (range.start, range.end),
                    what,
                    pieces: Vec::new(),
                    piece_start: None,
                    last_end: range.start,
                    bold_chars: 0,
                    all_chars: 0,
                    cells: Vec::new(),
                    cell_from: 0,
                    row,
                });
            }
            Event::End(end) => {
                match end {
                    TagEnd::Strong => {
                        strong = strong.saturating_sub(1);
                        continue;
                    }
                    TagEnd::TableCell => {
                        if let Some(top) = stack.last_mut() {
                            let cell = collapse(top.text.get(top.cell_from..).unwrap_or(""));
                            top.cells.push(cell);
                            top.text.push_str(" | ");
                        }
                        continue;
                    }
                    TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::Paragraph
                    | TagEnd::TableRow
                    | TagEnd::TableHead
                    | TagEnd::MetadataBlock(_)
                    | TagEnd::CodeBlock
                    | TagEnd::HtmlBlock => {}
                    _ => continue,
                }
                if matches!(end, TagEnd::Item) {
                    in_item = in_item.saturating_sub(1);
                }
                let Some(open) = stack.pop() else { continue };
                close(open, src, depth, &mut html, &mut blocks, &mut dropped);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(top) = stack.last_mut() {
                    if let What::Indented(lines) = &mut top.what {
                        lines.push((range.start, t.to_string()));
                        continue;
                    }
                    if top.piece_start.is_none() && !top.pieces.is_empty() {
                        top.piece_start = Some(range.start);
                    }
                    top.text.push_str(&t);
                    top.last_end = range.end;
                    let n = alnum_chars(&t);
                    top.all_chars += n;
                    if strong > 0 {
                        top.bold_chars += n;
                    }
                }
            }
            Event::Html(_) => {
                if let Some(top) = stack.last_mut()
                    && let What::Html(r) = &mut top.what
                {
                    *r = Some(match *r {
                        Some((s, e)) => (s.min(range.start), e.max(range.end)),
                        None => (range.start, range.end),
                    });
                }
            }
            Event::InlineHtml(t) => {
                let is_br = t.trim_start_matches('<').trim().to_ascii_lowercase();
                if is_br.starts_with("br")
                    && let Some(top) = stack.last_mut()
                {
                    line_break(top, src, range.end, true);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                let hard = matches!(event, Event::HardBreak);
                if let Some(top) = stack.last_mut() {
                    line_break(top, src, range.end, hard);
                }
            }
            _ => {}
        }
    }
    html.finish(&mut blocks);
    (blocks, dropped)
}

/// A line break inside a container: split there when it is a hard break
/// or the next line starts a new entry; else a space.
fn line_break(top: &mut Open, src: &str, at: usize, hard: bool) {
    let next = src.get(at..).unwrap_or("");
    let next_line = next.split('\n').next().unwrap_or("");
    let split = top.row.is_none()
        && top.what == What::Text
        && (hard || starts_new_line_entry(next_line))
        && !top.text.trim().is_empty();
    if split {
        let start = top.piece_start.unwrap_or(top.span.0);
        let text = std::mem::take(&mut top.text);
        top.pieces.push((text, (start, top.last_end.max(start))));
        top.piece_start = None;
    } else {
        top.text.push(' ');
    }
}

/// Emit the blocks of a closed container.
fn close(
    open: Open,
    src: &str,
    depth: u8,
    html: &mut HtmlReader,
    blocks: &mut Vec<Block>,
    dropped: &mut usize,
) {
    match open.what {
        What::Skip => {}
        What::Fenced => *dropped += alnum_chars(&open.text),
        What::Html(range) => {
            if let Some((s, e)) = range
                && let Some(frag) = src.get(s..e)
            {
                html.feed(frag, s, blocks);
                html.end_fragment(blocks);
            }
        }
        What::Indented(lines) => {
            let mut ded = String::new();
            let mut map = Vec::new();
            for (off, t) in &lines {
                map.push((ded.len(), *off, t.len()));
                ded.push_str(t);
            }
            let map = SpanMap(map);
            if ded.trim_start().starts_with('<') {
                let base = map.map(0);
                html.feed(&ded, base, blocks);
                html.end_fragment(blocks);
            } else if depth < 3 {
                let (inner, d) = markdown_blocks(&ded, depth + 1);
                *dropped += d;
                for mut b in inner {
                    b.span = (map.map(b.span.0), map.map(b.span.1));
                    blocks.push(b);
                }
            } else {
                *dropped += alnum_chars(&ded);
            }
        }
        What::Text => {
            let last_start = open.piece_start.unwrap_or(open.span.0);
            let mut pieces = open.pieces;
            let single = pieces.is_empty();
            pieces.push((open.text, (last_start, open.span.1.max(last_start))));
            let n = pieces.len();
            for (i, (raw, span)) in pieces.into_iter().enumerate() {
                let span = if i + 1 == n && n > 1 {
                    (span.0, open.span.1.max(span.0))
                } else {
                    span
                };
                let text = collapse(raw.trim_end_matches([' ', '|']));
                // An item whose only text is its number (content was in
                // child paragraphs) is not worth a block.
                let only_marker = open.kind == BlockKind::ListItem
                    && ordered_marker(&text).is_some_and(|m| text.len() <= m.len() + 1);
                if text.is_empty() || only_marker {
                    continue;
                }
                let bold = single
                    && open.kind == BlockKind::Paragraph
                    && open.all_chars > 0
                    && open.bold_chars == open.all_chars
                    && text.chars().count() <= 60;
                let row = open.row.map(|(table, index, header)| Row {
                    table,
                    index,
                    header: header || index == 0,
                    cells: open.cells.clone(),
                    kv: false,
                });
                blocks.push(Block {
                    text,
                    span,
                    kind: if bold { BlockKind::BoldLine } else { open.kind },
                    row,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::{InputKind, to_blocks_with_coverage};
    use super::*;

    #[test]
    fn html_tables_indented_markdown_and_line_breaks_are_read() {
        let input = "# T\n\n<div>\n<table>\n<tr><th>SDK Name</th><th>Company Name</th></tr>\n\n<tr><td>Sentry</td><td>Functional Software</td></tr>\n</table>\n</div>\n\nIntro:\n\n         | SDK名称 | 开发者 |\n         |---|---|\n         | 微信OpenSDK | 腾讯 |\n\n①极光推送SDK\n主体名称：深圳市和讯华谷信息技术有限公司  \n使用目的：推送\n\n```\nfenced words\n```\n";
        let (blocks, cov) = to_blocks_with_coverage(input, InputKind::Markdown);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(texts.contains(&"Sentry | Functional Software"), "{texts:?}");
        assert!(texts.contains(&"微信OpenSDK | 腾讯"), "{texts:?}");
        assert!(texts.contains(&"①极光推送SDK"), "{texts:?}");
        assert!(
            texts.contains(&"主体名称：深圳市和讯华谷信息技术有限公司"),
            "{texts:?}"
        );
        assert!(texts.contains(&"使用目的：推送"), "{texts:?}");
        let sentry = blocks.iter().find(|b| b.text.starts_with("Sentry"));
        assert_eq!(
            sentry.and_then(|b| b.row.as_ref()).map(|r| r.index),
            Some(1),
            "a blank line inside the HTML table keeps its rows in one table"
        );
        let wx = blocks.iter().find(|b| b.text.starts_with("微信"));
        assert!(wx.is_some_and(|b| input[b.span.0..b.span.1].contains("微信OpenSDK")));
        assert_eq!(cov.total_chars - cov.kept_chars, "fencedwords".len());
        assert!(cov.percent() < 100);
    }

    #[test]
    fn line_entry_starts() {
        assert!(starts_new_line_entry("SDK名称：友盟"));
        assert!(starts_new_line_entry("（3）定位权限"));
        assert!(starts_new_line_entry("1.1.5 当你使用"));
        assert!(starts_new_line_entry("② 微博"));
        assert!(!starts_new_line_entry("https://example.com/x"));
        assert!(!starts_new_line_entry("and then we continue the sentence"));
    }
}
