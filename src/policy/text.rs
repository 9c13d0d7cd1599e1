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

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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
}

/// Split `input` into blocks. Never fails; junk gives few or no blocks.
pub fn to_blocks(input: &str, kind: InputKind) -> Vec<Block> {
    match kind {
        InputKind::Text => text_blocks(input),
        InputKind::Markdown => markdown_blocks(input),
        InputKind::Html => html_blocks(input),
    }
}

/// Collapse runs of whitespace to one space and trim.
fn collapse(s: &str) -> String {
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
        });
    }
    blocks
}

/// An open Markdown container collecting text.
struct Open {
    kind: BlockKind,
    text: String,
    span: (usize, usize),
    /// True for containers whose text is collected but never emitted
    /// (front matter, code blocks).
    skip: bool,
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
fn ordered_marker(src: &str) -> Option<&str> {
    let digits = src.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    match src.as_bytes().get(digits) {
        Some(b'.') | Some(b')') => src.get(..digits),
        _ => None,
    }
}

fn markdown_blocks(input: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut stack: Vec<Open> = Vec::new();
    let mut blocks = Vec::new();
    let mut in_item = 0usize;
    for (event, range) in Parser::new_ext(input, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let (kind, skip) = match tag {
                    Tag::Heading { level, .. } => (BlockKind::Heading(heading_level(level)), false),
                    Tag::Item => {
                        in_item += 1;
                        (BlockKind::ListItem, false)
                    }
                    Tag::Paragraph => (
                        if in_item > 0 {
                            BlockKind::ListItem
                        } else {
                            BlockKind::Paragraph
                        },
                        false,
                    ),
                    Tag::TableRow | Tag::TableHead => (BlockKind::Paragraph, false),
                    Tag::MetadataBlock(_) | Tag::CodeBlock(_) | Tag::HtmlBlock => {
                        (BlockKind::Paragraph, true)
                    }
                    _ => continue,
                };
                let mut text = String::new();
                if kind == BlockKind::ListItem
                    && matches!(tag, Tag::Item)
                    && let Some(n) = input.get(range.clone()).and_then(ordered_marker)
                {
                    text.push_str(n);
                    text.push_str(". ");
                }
                stack.push(Open {
                    kind,
                    text,
                    span: (range.start, range.end),
                    skip,
                });
            }
            Event::End(end) => {
                let closes = matches!(
                    end,
                    TagEnd::Heading(_)
                        | TagEnd::Item
                        | TagEnd::Paragraph
                        | TagEnd::TableRow
                        | TagEnd::TableHead
                        | TagEnd::MetadataBlock(_)
                        | TagEnd::CodeBlock
                        | TagEnd::HtmlBlock
                );
                if !closes {
                    if matches!(end, TagEnd::TableCell)
                        && let Some(top) = stack.last_mut()
                    {
                        top.text.push_str(" | ");
                    }
                    continue;
                }
                if matches!(end, TagEnd::Item) {
                    in_item = in_item.saturating_sub(1);
                }
                if let Some(open) = stack.pop() {
                    let text = collapse(open.text.trim_end_matches([' ', '|']));
                    // An item whose only text is its number (content was in
                    // child paragraphs) is not worth a block.
                    let only_marker = open.kind == BlockKind::ListItem
                        && ordered_marker(&text).is_some_and(|n| text.len() <= n.len() + 1);
                    if !open.skip && !text.is_empty() && !only_marker {
                        blocks.push(Block {
                            text,
                            span: open.span,
                            kind: open.kind,
                        });
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    top.text.push(' ');
                }
            }
            _ => {}
        }
    }
    blocks.sort_by_key(|b| b.span.0);
    blocks
}

/// HTML elements that end the current block.
const HTML_BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "blockquote",
    "dt",
    "dd",
    "dl",
    "title",
    "hr",
    "pre",
    "main",
    "aside",
    "body",
    "html",
    "head",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
];

/// HTML elements whose content is not document text.
const HTML_SKIP_TAGS: &[&str] = &["script", "style", "template", "noscript", "svg", "head"];

struct HtmlBuf {
    text: String,
    span: Option<(usize, usize)>,
    kind: BlockKind,
}

impl HtmlBuf {
    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = collapse(&self.text);
        if let Some(span) = self.span
            && !text.is_empty()
        {
            out.push(Block {
                text,
                span,
                kind: self.kind,
            });
        }
        self.text.clear();
        self.span = None;
        self.kind = BlockKind::Paragraph;
    }
}

fn html_blocks(input: &str) -> Vec<Block> {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let emitter: DefaultEmitter<usize> = DefaultEmitter::new_with_span();
    let mut blocks = Vec::new();
    let mut buf = HtmlBuf {
        text: String::new(),
        span: None,
        kind: BlockKind::Paragraph,
    };
    let mut skip_depth = 0usize;
    for token in Tokenizer::new_with_emitter(input, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if HTML_SKIP_TAGS.contains(&name.as_str()) && !tag.self_closing {
                    skip_depth = skip_depth.saturating_add(1);
                    continue;
                }
                if HTML_BLOCK_TAGS.contains(&name.as_str()) {
                    buf.flush(&mut blocks);
                    buf.kind = match name.as_bytes() {
                        [b'h', d @ b'1'..=b'6'] => BlockKind::Heading(d - b'0'),
                        b"li" => BlockKind::ListItem,
                        _ => BlockKind::Paragraph,
                    };
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if HTML_SKIP_TAGS.contains(&name.as_str()) {
                    skip_depth = skip_depth.saturating_sub(1);
                    continue;
                }
                if HTML_BLOCK_TAGS.contains(&name.as_str()) {
                    buf.flush(&mut blocks);
                }
            }
            Token::String(s) => {
                if skip_depth > 0 {
                    continue;
                }
                let text = String::from_utf8_lossy(&s.value);
                if text.trim().is_empty() {
                    buf.text.push(' ');
                    continue;
                }
                buf.text.push_str(&text);
                let (start, end) = (s.span.start.min(input.len()), s.span.end.min(input.len()));
                buf.span = Some(match buf.span {
                    Some((s0, _)) => (s0, end.max(s0)),
                    None => (start, end.max(start)),
                });
            }
            _ => {}
        }
    }
    buf.flush(&mut blocks);
    // Spans must be usable to slice the input: trim them onto char boundaries.
    for b in &mut blocks {
        let (mut s, mut e) = b.span;
        while s > 0 && !input.is_char_boundary(s) {
            s -= 1;
        }
        while e < input.len() && !input.is_char_boundary(e) {
            e += 1;
        }
        b.span = (s, e.max(s));
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
