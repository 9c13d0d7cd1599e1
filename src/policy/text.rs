//! Markup → structured text: turns a privacy policy written as plain text,
//! Markdown or HTML into a flat list of text blocks (headings, list items,
//! paragraphs), each with the byte span it came from in the ORIGINAL input,
//! so later findings can quote the document.
//!
//! Distrusts: the whole input. Any byte sequence must come out as blocks or
//! nothing — never a panic. Mixed languages and non-ASCII text are kept as
//! they are; spans always fall on `char` boundaries of the input.
//!
//! Format facts: Markdown is parsed by `pulldown-cmark` (CommonMark plus
//! tables and YAML front matter); HTML by the WHATWG tokenizer `html5gum`
//! (block-level elements per the HTML Living Standard §4 "content models":
//! `p`, `div`, `li`, `h1`–`h6`, `tr`, `br`... end a block).

use super::html::{fix_spans, html_blocks};
use super::markdown::markdown_blocks;

/// What kind of markup the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Plain text: one block per non-empty line.
    Text,
    /// CommonMark / GitHub-flavoured Markdown.
    Markdown,
    /// HTML (fragment or document).
    Html,
}

impl InputKind {
    /// Detect the kind from the file name's extension (`.md`, `.markdown`,
    /// `.html`, `.htm`, `.xhtml`, `.txt`), else from the content: a leading
    /// `<!doctype`/`<html` or common block tags → HTML, Markdown headings or
    /// links → Markdown, else text.
    pub fn detect(path: Option<&str>, input: &str) -> InputKind {
        if let Some(p) = path {
            let lower = p.to_ascii_lowercase();
            let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            match ext {
                "md" | "markdown" | "mdown" | "mkd" => return InputKind::Markdown,
                "html" | "htm" | "xhtml" => return InputKind::Html,
                "txt" | "text" => return InputKind::Text,
                _ => {}
            }
        }
        let head: String = input
            .chars()
            .take(4096)
            .collect::<String>()
            .to_ascii_lowercase();
        let trimmed = head.trim_start();
        if trimmed.starts_with("<!doctype")
            || trimmed.starts_with("<html")
            || ["<p>", "<p ", "<h1", "<h2", "<div", "<ul>", "<li>", "<br"]
                .iter()
                .filter(|t| head.contains(*t))
                .count()
                >= 2
        {
            return InputKind::Html;
        }
        if head
            .lines()
            .any(|l| l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### "))
            || head.contains("](http")
        {
            return InputKind::Markdown;
        }
        InputKind::Text
    }
}

/// The structural role of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A markup heading of the given level (1–6). Plain text has none; its
    /// numbered headings are recognised later from their numbering.
    Heading(u8),
    /// A list item (bullet or numbered; Markdown ordered items keep their
    /// number in `text`, e.g. `"2. Firebase"`).
    ListItem,
    /// Anything else: a paragraph, a plain-text line, a table row.
    Paragraph,
    /// A short paragraph made only of bold text (`**Sharing**`,
    /// `<p><b>共享</b></p>`): a pseudo-heading below every markup heading.
    BoldLine,
}

/// A table row: its cells in column order (`rowspan` cells carried down
/// into the rows they span), and which table it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Table number in document order (0-based).
    pub table: u32,
    /// Row number inside its table (0-based).
    pub index: u32,
    /// A header row: the table's first row, or a row of `<th>` cells.
    pub header: bool,
    /// Cell texts, whitespace collapsed; empty strings for empty cells.
    pub cells: Vec<String>,
    /// A row of a key-value table (`SDK名称 | 友盟`): set by the entry reader.
    pub kv: bool,
}

/// How much of a document the blocks kept: letters and digits (Unicode
/// alphanumerics) of the text kept in blocks against those of all document
/// text, excluding markup, front matter and raw-text elements
/// (`<script>`, `<style>`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Alphanumeric characters in the blocks.
    pub kept_chars: usize,
    /// Alphanumeric characters of all document text (kept + dropped).
    pub total_chars: usize,
    /// Number of blocks.
    pub blocks: usize,
}

impl Coverage {
    /// `kept / total` in percent (100 for an empty document).
    pub fn percent(&self) -> u32 {
        if self.total_chars == 0 {
            return 100;
        }
        let p = self.kept_chars.saturating_mul(100) / self.total_chars;
        u32::try_from(p.min(100)).unwrap_or(100)
    }
}

/// Letters and digits in `s`.
pub(crate) fn alnum_chars(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// One block of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The text with markup removed and whitespace collapsed to single spaces.
    pub text: String,
    /// Byte span `[start, end)` of the block in the original input.
    pub span: (usize, usize),
    /// Structural role: heading (with level), list item or paragraph.
    pub kind: BlockKind,
    /// For a table row, its cells.
    pub row: Option<Row>,
}

/// Split `input` into blocks. Never fails; junk gives few or no blocks.
pub fn to_blocks(input: &str, kind: InputKind) -> Vec<Block> {
    to_blocks_with_coverage(input, kind).0
}

/// Split `input` into blocks and say how much of its text they kept.
pub fn to_blocks_with_coverage(input: &str, kind: InputKind) -> (Vec<Block>, Coverage) {
    let mut dropped = 0usize;
    let blocks = match kind {
        InputKind::Text => text_blocks(input),
        InputKind::Markdown => {
            let (mut b, d) = markdown_blocks(input, 0);
            dropped = d;
            fix_spans(input, &mut b);
            b.sort_by_key(|b| b.span.0);
            b
        }
        InputKind::Html => html_blocks(input),
    };
    let kept: usize = blocks.iter().map(|b| alnum_chars(&b.text)).sum();
    let coverage = Coverage {
        kept_chars: kept,
        total_chars: kept.saturating_add(dropped),
        blocks: blocks.len(),
    };
    (blocks, coverage)
}

/// Collapse runs of whitespace to one space and trim.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn text_blocks(input: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut offset = 0usize;
    for line in input.split_inclusive('\n') {
        let start = offset;
        offset = offset.saturating_add(line.len());
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let trimmed = body.trim();
        if trimmed.is_empty() {
            continue;
        }
        let s = start.saturating_add(lead);
        let e = s.saturating_add(trimmed.len());
        let bullet = trimmed.starts_with(['•', '·', '▪', '◦', '●', '-', '*', '–']);
        let text = if bullet {
            collapse(trimmed.trim_start_matches(['•', '·', '▪', '◦', '●', '-', '*', '–']))
        } else {
            collapse(trimmed)
        };
        // A setext underline ("=====" / "-----") makes the line above a heading.
        let underline = trimmed.len() >= 3
            && (trimmed.bytes().all(|b| b == b'=') || trimmed.bytes().all(|b| b == b'-'));
        if underline {
            if let Some(prev) = blocks.last_mut()
                && prev.kind == BlockKind::Paragraph
            {
                prev.kind = BlockKind::Heading(if trimmed.starts_with('=') { 1 } else { 2 });
            }
            continue;
        }
        if text.is_empty() {
            continue;
        }
        blocks.push(Block {
            text,
            span: (s, e),
            kind: if bullet {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            },
            row: None,
        });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_and_bullets_keep_spans() {
        let input = "Privacy Policy\n\n• Android:\r\n  android.permission.CAMERA: 拍照 photos\n";
        let b = to_blocks(input, InputKind::Text);
        assert_eq!(b.len(), 3);
        assert_eq!(b[1].text, "Android:");
        assert_eq!(b[1].kind, BlockKind::ListItem);
        assert_eq!(
            &input[b[2].span.0..b[2].span.1],
            "android.permission.CAMERA: 拍照 photos"
        );
    }

    #[test]
    fn markdown_headings_items_and_front_matter() {
        let input = "---\ntitle: x\n---\n\n# Privacy\n\n## Permissions\n\n- `ACCESS_NETWORK_STATE`: defer work\n\n1. Firebase\n2. Sentry\n";
        let b = to_blocks(input, InputKind::Markdown);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Privacy",
                "Permissions",
                "ACCESS_NETWORK_STATE: defer work",
                "1. Firebase",
                "2. Sentry"
            ]
        );
        assert_eq!(b[1].kind, BlockKind::Heading(2));
        assert!(input[b[2].span.0..b[2].span.1].contains("`ACCESS_NETWORK_STATE`"));
    }

    #[test]
    fn html_strips_tags_scripts_and_keeps_headings() {
        let input = "<html><head><title>t</title><script>var x='<p>no</p>';</script></head><body><h2>1. Données</h2><p>We use <b>Firebase</b> &amp; GPS.</p><ul><li>Camera</li></ul></body></html>";
        let b = to_blocks(input, InputKind::Html);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["1. Données", "We use Firebase & GPS.", "Camera"]);
        assert_eq!(b[0].kind, BlockKind::Heading(2));
        assert_eq!(b[2].kind, BlockKind::ListItem);
        assert!(input[b[1].span.0..b[1].span.1].starts_with("We use"));
    }

    #[test]
    fn detect_kinds() {
        assert_eq!(
            InputKind::detect(Some("PRIVACY.MD"), ""),
            InputKind::Markdown
        );
        assert_eq!(
            InputKind::detect(Some("a/privacy_en.html"), ""),
            InputKind::Html
        );
        assert_eq!(
            InputKind::detect(None, "<!DOCTYPE html><p>x</p>"),
            InputKind::Html
        );
        assert_eq!(InputKind::detect(None, "I. Intro\nText"), InputKind::Text);
    }

    #[test]
    fn junk_does_not_panic() {
        let junk = "<<<>>>&#xFFFFFF;<p\0>\u{FEFF}é\n# \n1)\n```";
        for k in [InputKind::Text, InputKind::Markdown, InputKind::Html] {
            for b in to_blocks(junk, k) {
                assert!(junk.get(b.span.0..b.span.1).is_some());
            }
        }
    }
}
