//! HTML → blocks: block-level elements end a block, tables become one block
//! per row with its cells (rowspan carried down), `<script>`/`<style>` and
//! other raw-text elements are skipped without swallowing the page.
//!
//! Distrusts: the markup. Any byte sequence gives blocks or nothing, never
//! a panic; spans always fall on `char` boundaries of the input.
//!
//! Format facts: the WHATWG tokenizer `html5gum`, with its tokenizer state
//! switched after `<script>`, `<style>`, `<title>`, `<textarea>`, `<xmp>`,
//! `<iframe>`, `<noembed>`, `<noframes>`, `<plaintext>` (HTML Living
//! Standard §13.2.5 "Tokenization": RCDATA / RAWTEXT / script data states;
//! `DefaultEmitter::naively_switch_states`). Block-level elements per §4
//! "content models"; `rowspan` per §4.9.11 "The td element".

use super::text::{Block, BlockKind, Row, collapse};

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
    "caption",
];

/// HTML elements whose content is not document text.
const HTML_SKIP_TAGS: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "head", "textarea", "iframe", "xmp",
    "noembed", "noframes",
];

/// Bold markup: a block made only of bold text is a pseudo-heading.
const HTML_BOLD_TAGS: &[&str] = &["b", "strong"];

/// A table cell being read.
#[derive(Default)]
struct CellBuf {
    text: String,
    rowspan: u32,
}

/// A table row being read.
#[derive(Default)]
struct RowBuf {
    cells: Vec<String>,
    cell: Option<CellBuf>,
    span: Option<(usize, usize)>,
    all_th: bool,
}

/// An open `<table>`.
struct TableBuf {
    id: u32,
    rows: u32,
    row: Option<RowBuf>,
    /// Cells carried into later rows by `rowspan`: (column, rows left, text).
    carried: Vec<(usize, u32, String)>,
}

/// HTML reader state, kept across fragments (Markdown splits one HTML table
/// into several HTML blocks when it has blank lines).
pub(crate) struct HtmlReader {
    text: String,
    span: Option<(usize, usize)>,
    kind: BlockKind,
    skip_depth: usize,
    bold_depth: usize,
    /// Open `<span>`s: `true` for a bold one.
    spans: Vec<bool>,
    /// Letters/digits read while bold, and all letters/digits, in `text`.
    bold_chars: usize,
    all_chars: usize,
    tables: Vec<TableBuf>,
    next_table: u32,
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

impl HtmlReader {
    /// A reader numbering its tables from `first_table`.
    pub(crate) fn new(first_table: u32) -> HtmlReader {
        HtmlReader {
            text: String::new(),
            span: None,
            kind: BlockKind::Paragraph,
            skip_depth: 0,
            bold_depth: 0,
            spans: Vec::new(),
            bold_chars: 0,
            all_chars: 0,
            tables: Vec::new(),
            next_table: first_table,
        }
    }

    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = collapse(&self.text);
        if let Some(span) = self.span
            && !text.is_empty()
        {
            let bold = self.all_chars > 0
                && self.bold_chars == self.all_chars
                && text.chars().count() <= 60;
            let kind = match self.kind {
                BlockKind::Paragraph if bold => BlockKind::BoldLine,
                k => k,
            };
            out.push(Block {
                text,
                span,
                kind,
                row: None,
            });
        }
        self.text.clear();
        self.span = None;
        self.kind = BlockKind::Paragraph;
        self.bold_chars = 0;
        self.all_chars = 0;
    }

    fn in_cell(&self) -> bool {
        self.tables
            .last()
            .and_then(|t| t.row.as_ref())
            .is_some_and(|r| r.cell.is_some())
    }

    fn end_cell(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let Some(r) = t.row.as_mut() else { return };
        if let Some(c) = r.cell.take() {
            let text = collapse(&c.text);
            let col = r.cells.len();
            if c.rowspan > 1 {
                t.carried.push((col, c.rowspan - 1, text.clone()));
            }
            r.cells.push(text);
            fill_carried(&mut t.carried, &mut r.cells);
        }
    }

    fn start_row(&mut self, out: &mut Vec<Block>) {
        self.end_row(out);
        if let Some(t) = self.tables.last_mut() {
            let mut row = RowBuf {
                all_th: true,
                ..Default::default()
            };
            fill_carried(&mut t.carried, &mut row.cells);
            t.row = Some(row);
        }
    }

    fn end_row(&mut self, out: &mut Vec<Block>) {
        self.end_cell();
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let Some(mut r) = t.row.take() else { return };
        fill_carried(&mut t.carried, &mut r.cells);
        // Carried cells past the row's last cell end with it.
        let (Some(span), false) = (r.span, r.cells.iter().all(String::is_empty)) else {
            return;
        };
        let index = t.rows;
        t.rows += 1;
        let text = r
            .cells
            .iter()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ");
        out.push(Block {
            text,
            span,
            kind: BlockKind::Paragraph,
            row: Some(Row {
                table: t.id,
                index,
                header: index == 0 || r.all_th,
                cells: r.cells,
                kv: false,
            }),
        });
    }

    /// Read one HTML fragment starting at byte `base` of the whole input.
    pub(crate) fn feed(&mut self, fragment: &str, base: usize, out: &mut Vec<Block>) {
        use html5gum::{DefaultEmitter, Token, Tokenizer};
        let mut emitter: DefaultEmitter<usize> = DefaultEmitter::new_with_span();
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(fragment, emitter).flatten() {
            match token {
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    let name = name.as_str();
                    if HTML_SKIP_TAGS.contains(&name) && !tag.self_closing {
                        self.skip_depth = self.skip_depth.saturating_add(1);
                        continue;
                    }
                    if HTML_BOLD_TAGS.contains(&name) {
                        self.bold_depth = self.bold_depth.saturating_add(1);
                        continue;
                    }
                    if name == "span" {
                        // Word/Aspose exports: bold is a styled span.
                        let bold = tag.attributes.iter().any(|(k, v)| {
                            k.as_slice() == b"style"
                                && String::from_utf8_lossy(&v.value)
                                    .replace(' ', "")
                                    .contains("font-weight:bold")
                        });
                        if !tag.self_closing && self.spans.len() < 256 {
                            self.spans.push(bold);
                            if bold {
                                self.bold_depth = self.bold_depth.saturating_add(1);
                            }
                        }
                        continue;
                    }
                    match name {
                        "table" => {
                            self.flush(out);
                            self.tables.push(TableBuf {
                                id: self.next_table,
                                rows: 0,
                                row: None,
                                carried: Vec::new(),
                            });
                            self.next_table = self.next_table.saturating_add(1);
                            continue;
                        }
                        "tr" if !self.tables.is_empty() => {
                            self.start_row(out);
                            continue;
                        }
                        "td" | "th" if !self.tables.is_empty() => {
                            if self.tables.last().is_some_and(|t| t.row.is_none()) {
                                self.start_row(out);
                            }
                            self.end_cell();
                            let rowspan = tag
                                .attributes
                                .get(b"rowspan".as_slice())
                                .and_then(|v| String::from_utf8_lossy(&v.value).trim().parse().ok())
                                .unwrap_or(1u32)
                                .min(1000);
                            if let Some(r) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                                r.all_th &= name == "th";
                                r.cell = Some(CellBuf {
                                    text: String::new(),
                                    rowspan,
                                });
                            }
                            continue;
                        }
                        _ => {}
                    }
                    if self.in_cell() {
                        if HTML_BLOCK_TAGS.contains(&name) {
                            self.push_cell_text(" ");
                        }
                        continue;
                    }
                    if HTML_BLOCK_TAGS.contains(&name) {
                        self.flush(out);
                        self.kind = match name.as_bytes() {
                            [b'h', d @ b'1'..=b'6'] => BlockKind::Heading(d - b'0'),
                            b"li" => BlockKind::ListItem,
                            _ => BlockKind::Paragraph,
                        };
                    }
                }
                Token::EndTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    let name = name.as_str();
                    if HTML_SKIP_TAGS.contains(&name) {
                        self.skip_depth = self.skip_depth.saturating_sub(1);
                        continue;
                    }
                    if HTML_BOLD_TAGS.contains(&name) {
                        self.bold_depth = self.bold_depth.saturating_sub(1);
                        continue;
                    }
                    if name == "span" {
                        if self.spans.pop() == Some(true) {
                            self.bold_depth = self.bold_depth.saturating_sub(1);
                        }
                        continue;
                    }
                    match name {
                        "table" if !self.tables.is_empty() => {
                            self.end_row(out);
                            self.tables.pop();
                            continue;
                        }
                        "tr" if !self.tables.is_empty() => {
                            self.end_row(out);
                            continue;
                        }
                        "td" | "th" if !self.tables.is_empty() => {
                            self.end_cell();
                            continue;
                        }
                        _ => {}
                    }
                    if self.in_cell() {
                        if HTML_BLOCK_TAGS.contains(&name) {
                            self.push_cell_text(" ");
                        }
                        continue;
                    }
                    if HTML_BLOCK_TAGS.contains(&name) {
                        self.flush(out);
                    }
                }
                Token::String(s) => {
                    if self.skip_depth > 0 {
                        continue;
                    }
                    let text = String::from_utf8_lossy(&s.value);
                    let (start, end) = (
                        base.saturating_add(s.span.start.min(fragment.len())),
                        base.saturating_add(s.span.end.min(fragment.len())),
                    );
                    if self.in_cell() {
                        self.push_cell_text(&text);
                        if !text.trim().is_empty()
                            && let Some(r) = self.tables.last_mut().and_then(|t| t.row.as_mut())
                        {
                            r.span = Some(match r.span {
                                Some((s0, _)) => (s0, end.max(s0)),
                                None => (start, end.max(start)),
                            });
                        }
                        continue;
                    }
                    if text.trim().is_empty() {
                        self.text.push(' ');
                        continue;
                    }
                    let n = letters(&text);
                    self.all_chars += n;
                    if self.bold_depth > 0 {
                        self.bold_chars += n;
                    }
                    self.text.push_str(&text);
                    self.span = Some(match self.span {
                        Some((s0, _)) => (s0, end.max(s0)),
                        None => (start, end.max(start)),
                    });
                }
                _ => {}
            }
        }
    }

    fn push_cell_text(&mut self, t: &str) {
        if let Some(c) = self
            .tables
            .last_mut()
            .and_then(|t| t.row.as_mut())
            .and_then(|r| r.cell.as_mut())
        {
            c.text.push_str(t);
        }
    }

    /// The end of one HTML fragment of a Markdown document: text outside a
    /// table ends its block; an open table stays open for the next fragment.
    pub(crate) fn end_fragment(&mut self, out: &mut Vec<Block>) {
        if self.tables.is_empty() {
            self.flush(out);
        }
    }

    /// Close everything still open.
    pub(crate) fn finish(&mut self, out: &mut Vec<Block>) {
        while !self.tables.is_empty() {
            self.end_row(out);
            self.tables.pop();
        }
        self.flush(out);
    }
}

/// Insert cells carried down by `rowspan` at the row's current column.
fn fill_carried(carried: &mut Vec<(usize, u32, String)>, cells: &mut Vec<String>) {
    loop {
        let col = cells.len();
        let Some(pos) = carried.iter().position(|c| c.0 == col && c.1 > 0) else {
            break;
        };
        let Some(c) = carried.get_mut(pos) else { break };
        cells.push(c.2.clone());
        c.1 -= 1;
    }
    carried.retain(|c| c.1 > 0);
}

/// Split an HTML document into blocks.
pub(crate) fn html_blocks(input: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut r = HtmlReader::new(0);
    r.feed(input, 0, &mut blocks);
    r.finish(&mut blocks);
    fix_spans(input, &mut blocks);
    blocks.sort_by_key(|b| b.span.0);
    blocks
}

/// Spans must be usable to slice the input: widen them onto char boundaries.
pub(crate) fn fix_spans(input: &str, blocks: &mut [Block]) {
    for b in blocks {
        let (mut s, mut e) = b.span;
        s = s.min(input.len());
        e = e.min(input.len());
        while s > 0 && !input.is_char_boundary(s) {
            s -= 1;
        }
        while e < input.len() && !input.is_char_boundary(e) {
            e += 1;
        }
        b.span = (s, e.max(s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_raw_text_and_does_not_swallow_the_page() {
        let input = "<p>Intro</p><script>var s = \"<p>not text</p>\"; if (a < b) {}</script><style>p{x:1}</style><p>Camera</p>";
        let texts: Vec<String> = html_blocks(input).into_iter().map(|b| b.text).collect();
        assert_eq!(texts, ["Intro", "Camera"]);
    }

    #[test]
    fn table_rows_carry_rowspan_cells() {
        let input = "<table><tr><th>SDK名称</th><th>公司名称</th></tr><tr><td>A</td><td rowspan=\"2\">Co</td></tr><tr><td>B</td></tr></table><p>after</p>";
        let blocks = html_blocks(input);
        let rows: Vec<(u32, bool, Vec<String>)> = blocks
            .iter()
            .filter_map(|b| b.row.as_ref())
            .map(|r| (r.index, r.header, r.cells.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (0, true, vec!["SDK名称".to_string(), "公司名称".to_string()]),
                (1, false, vec!["A".to_string(), "Co".to_string()]),
                (2, false, vec!["B".to_string(), "Co".to_string()]),
            ]
        );
        assert_eq!(blocks.last().map(|b| b.text.as_str()), Some("after"));
        for b in &blocks {
            assert!(input.get(b.span.0..b.span.1).is_some());
        }
    }

    #[test]
    fn bold_paragraph_is_a_bold_line() {
        let b = html_blocks("<p><b>共享</b></p><p><b>Bold</b> and plain</p>");
        let kinds: Vec<BlockKind> = b.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockKind::BoldLine, BlockKind::Paragraph]);
    }
}
