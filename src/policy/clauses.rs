//! Numbering → clause tree: every block gets the clause that owns it. A
//! numbered block opens a clause (a sibling of the open clause numbered the
//! same way, else a child); a markup heading closes deeper headings; text
//! before any heading is the `preamble`; table-of-contents lines (a heading
//! repeated later with the real text) are dropped.
//!
//! Distrusts: the numbering. Repeated ids get `~2`, `~3`…; ids are paths of
//! the document's own numbers joined with `.`.

use super::entries::Role;
use super::extract::ClauseNode;
use super::numbering::{Style, make_title, numbering, slug};
use super::text::{Block, BlockKind};
use std::collections::HashMap;

/// The level bold pseudo-headings get: below every markup heading.
const BOLD_LEVEL: u8 = 7;

pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) style: Style,
    /// Markup heading level of the clause's heading block, if it is one.
    pub(crate) level: Option<u8>,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: u32,
    pub(crate) has_content: bool,
    pub(crate) dead: bool,
    /// Children not dropped as table-of-contents lines.
    pub(crate) live_children: usize,
    /// Index of this node in its parent's `children`.
    pub(crate) sibling_pos: usize,
    /// The whole number of a `1.` / `1.1` clause, for nesting dotted numbers.
    pub(crate) number: Option<String>,
}

/// 1-based line of byte `offset`.
pub(crate) fn line_of(line_starts: &[usize], offset: usize) -> u32 {
    let idx = line_starts.partition_point(|&s| s <= offset);
    u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
}

/// The clause tree of `blocks`: the nodes (index = clause) and, per block,
/// the clause that owns it (`None` only for blocks of dropped clauses
/// without a live ancestor). `roles` marks SDK-entry blocks, which never
/// open clauses; `line_starts` are the byte offsets of each line's start.
pub(crate) fn build_tree(
    blocks: &[Block],
    roles: &[Role],
    line_starts: &[usize],
) -> (Vec<Node>, Vec<Option<usize>>) {
    let mut nodes: Vec<Node> = Vec::new();
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(blocks.len());
    let mut stack: Vec<usize> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut dup_next: HashMap<String, usize> = HashMap::new();
    for (bi, b) in blocks.iter().enumerate() {
        let role = roles.get(bi).copied().unwrap_or(Role::None);
        // A numbered SDK entry is a clause of its own when it is the
        // document's top-level numbering ("1、EventBus SDK" under no
        // numbered clause); inside a numbered clause it is an item of it.
        let entry_style = (role == Role::EntryStart(false))
            .then(|| numbering(&b.text).map(|n| n.0))
            .flatten();
        let top_level_entry = entry_style.is_some_and(|es| {
            !stack.iter().any(|&i| {
                nodes.get(i).is_some_and(|n| {
                    !matches!(n.style, Style::Heading(_) | Style::Bold) && n.style != es
                })
            })
        });
        // A markup heading is structure even when it names an SDK entry.
        let heading_entry =
            matches!(role, Role::EntryStart(_)) && matches!(b.kind, BlockKind::Heading(_));
        let num = if role == Role::None || top_level_entry || heading_entry {
            numbering(&b.text)
        } else {
            None
        };
        let heading = match (num, b.kind) {
            (Some((style, seg, rest)), _) => Some((style, Some(seg), rest)),
            (None, BlockKind::Heading(l)) => Some((Style::Heading(l), None, b.text.as_str())),
            (None, BlockKind::BoldLine) if role == Role::None => {
                Some((Style::Bold, None, b.text.as_str()))
            }
            _ => None,
        };
        let Some((style, seg, rest)) = heading else {
            match stack.last() {
                Some(&top) => {
                    if let Some(n) = nodes.get_mut(top) {
                        n.has_content = true;
                        n.end = n.end.max(b.span.1);
                    }
                    owner.push(Some(top));
                }
                None => {
                    // Text before any heading: a preamble clause.
                    let idx = nodes.len();
                    nodes.push(Node {
                        id: "preamble".into(),
                        title: make_title(&b.text),
                        style: Style::Heading(0),
                        level: Some(0),
                        parent: None,
                        children: Vec::new(),
                        start: b.span.0,
                        end: b.span.1,
                        line: line_of(line_starts, b.span.0),
                        has_content: true,
                        dead: false,
                        live_children: 0,
                        sibling_pos: 0,
                        number: None,
                    });
                    ids.insert("preamble".into(), idx);
                    stack.push(idx);
                    owner.push(Some(idx));
                }
            }
            continue;
        };
        // Pop to the parent of the new clause: a numbered clause becomes a
        // sibling of the open clause numbered the same way; an unnumbered
        // markup heading closes everything below a higher-level heading.
        let level = match (b.kind, style) {
            (BlockKind::Heading(l), _) => Some(l),
            (_, Style::Bold) => Some(BOLD_LEVEL),
            _ => None,
        };
        let full_number = if matches!(style, Style::Num | Style::Dotted) {
            seg.clone()
        } else {
            None
        };
        let mut seg = seg;
        match style {
            Style::Bold => {
                // A bold line closes other bold lines only.
                while let Some(&top) = stack.last() {
                    match nodes.get(top).and_then(|n| n.level) {
                        Some(tl) if tl >= BOLD_LEVEL => {
                            stack.pop();
                        }
                        _ => break,
                    }
                }
            }
            Style::Heading(l) => {
                while let Some(&top) = stack.last() {
                    match nodes.get(top).and_then(|n| n.level) {
                        Some(tl) if tl < l => break,
                        _ => {
                            stack.pop();
                        }
                    }
                }
            }
            _ => {
                if let Some(l) = level {
                    // A numbered markup heading closes deeper headings and
                    // the numbered paragraphs under them.
                    while let Some(&top) = stack.last() {
                        match nodes.get(top).and_then(|n| n.level) {
                            Some(tl) if tl < l => break,
                            _ => {
                                stack.pop();
                            }
                        }
                    }
                }
                let number = seg.clone().unwrap_or_default();
                let prefix_of = |n: &Node| {
                    n.number.as_deref().is_some_and(|p| {
                        number.len() > p.len() + 1 && number.starts_with(&format!("{p}."))
                    })
                };
                if style == Style::Dotted
                    && let Some(pos) = stack
                        .iter()
                        .rposition(|&i| nodes.get(i).is_some_and(prefix_of))
                {
                    // "1.1.5" under "1.1": a child numbered "5".
                    let plen = nodes
                        .get(stack.get(pos).copied().unwrap_or(0))
                        .and_then(|n| n.number.as_ref())
                        .map_or(0, |p| p.len() + 1);
                    stack.truncate(pos + 1);
                    seg = number.get(plen..).map(str::to_string);
                } else if style == Style::Dotted
                    && let Some(pos) = stack.iter().position(|&i| {
                        nodes
                            .get(i)
                            .is_some_and(|n| n.number.is_some() && !prefix_of(n))
                    })
                {
                    // "1.2.1" after "1.1.8": leave every numbered clause
                    // that is not a prefix of it.
                    stack.truncate(pos);
                } else if let Some(pos) = stack
                    .iter()
                    .rposition(|&i| nodes.get(i).is_some_and(|n| n.style == style))
                {
                    stack.truncate(pos);
                }
            }
        }
        // The preamble never parents numbered clauses.
        if stack.len() == 1
            && stack
                .first()
                .and_then(|&i| nodes.get(i))
                .is_some_and(|n| n.id == "preamble")
        {
            stack.clear();
        }
        let parent = stack.last().copied();
        let parent_id = parent.and_then(|p| nodes.get(p)).map(|n| n.id.clone());
        let mut id = match (&seg, &parent_id) {
            (Some(s), Some(p))
                if nodes.get(parent.unwrap_or(0)).is_some_and(|n| {
                    !matches!(n.style, Style::Heading(_)) || n.id != "preamble"
                }) =>
            {
                format!("{p}.{s}")
            }
            (Some(s), _) => s.clone(),
            (None, _) => slug(rest),
        };
        if let Some(&old) = ids.get(&id) {
            let no_children = nodes.get(old).is_some_and(|n| n.live_children == 0);
            let empty = no_children && nodes.get(old).is_some_and(|n| !n.has_content);
            // The last line of a table of contents is followed by the
            // introduction; it is still a contents line if the line before
            // it was one.
            let last_toc_line = no_children
                && nodes
                    .get(old)
                    .is_some_and(|n| n.end.saturating_sub(n.start) < 1000)
                && nodes
                    .get(old)
                    .and_then(|n| n.parent)
                    .and_then(|p| nodes.get(p))
                    .map(|p| {
                        let pos = nodes.get(old).map_or(0, |n| n.sibling_pos);
                        pos > 0
                            && p.children
                                .get(pos - 1)
                                .and_then(|&c| nodes.get(c))
                                .is_some_and(|c| c.dead)
                    })
                    .unwrap_or(false);
            if empty || last_toc_line {
                // A table-of-contents line listed this heading before the
                // real section: drop it (its blocks go to its parent, below).
                let old_parent = nodes.get(old).and_then(|n| n.parent);
                if let Some(n) = nodes.get_mut(old) {
                    n.dead = true;
                }
                if let Some(p) = old_parent.and_then(|p| nodes.get_mut(p)) {
                    p.live_children = p.live_children.saturating_sub(1);
                }
            } else {
                let k = dup_next.entry(id.clone()).or_insert(1);
                loop {
                    *k += 1;
                    if !ids.contains_key(&format!("{id}~{k}")) {
                        break;
                    }
                }
                id = format!("{id}~{k}");
            }
        }
        let idx = nodes.len();
        nodes.push(Node {
            id: id.clone(),
            title: make_title(rest),
            style,
            level,
            parent,
            children: Vec::new(),
            start: b.span.0,
            end: b.span.1,
            line: line_of(line_starts, b.span.0),
            has_content: false,
            dead: false,
            live_children: 0,
            sibling_pos: 0,
            number: full_number,
        });
        ids.insert(id, idx);
        if let Some(p) = parent.and_then(|p| nodes.get_mut(p)) {
            let pos = p.children.len();
            p.children.push(idx);
            p.live_children += 1;
            if let Some(n) = nodes.get_mut(idx) {
                n.sibling_pos = pos;
            }
        }
        stack.push(idx);
        owner.push(Some(idx));
    }

    // Blocks of dropped table-of-contents lines belong to the nearest live
    // ancestor.
    for o in owner.iter_mut() {
        while let Some(i) = *o {
            match nodes.get(i) {
                Some(n) if n.dead => *o = n.parent,
                _ => break,
            }
        }
    }

    (nodes, owner)
}

/// Per node, the end of its last descendant's text.
pub(crate) fn full_ends(nodes: &[Node]) -> Vec<usize> {
    let mut full_end: Vec<usize> = nodes.iter().map(|n| n.end).collect();
    for i in (0..nodes.len()).rev() {
        if let Some(p) = nodes.get(i).and_then(|n| n.parent) {
            let e = full_end.get(i).copied().unwrap_or(0);
            if let Some(pe) = full_end.get_mut(p) {
                *pe = (*pe).max(e);
            }
        }
    }
    full_end
}

/// The live nodes as a public tree, roots in document order.
pub(crate) fn public_tree(nodes: &[Node], full_end: &[usize]) -> Vec<ClauseNode> {
    fn build(nodes: &[Node], full_end: &[usize], idx: &[usize]) -> Vec<ClauseNode> {
        idx.iter()
            .filter_map(|&i| nodes.get(i).filter(|n| !n.dead).map(|n| (i, n)))
            .map(|(i, n)| ClauseNode {
                id: n.id.clone(),
                title: n.title.clone(),
                span: (n.start, full_end.get(i).copied().unwrap_or(n.end)),
                line: n.line,
                children: build(nodes, full_end, &n.children),
            })
            .collect()
    }
    let roots: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, _)| i)
        .collect();
    build(nodes, full_end, &roots)
}
