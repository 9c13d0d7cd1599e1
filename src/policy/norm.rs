//! Normalised text and whole-word phrase matching shared by the policy
//! readers: ASCII lowercased, every non-alphanumeric run one space, with a
//! byte map back to the original text.

use aho_corasick::AhoCorasick;

/// Text lowered (ASCII) with every non-alphanumeric run turned into one
/// space; `starts`/`ends` map each normalised byte to the original byte range
/// of the character it came from.
pub(crate) struct Norm {
    pub(crate) text: String,
    pub(crate) starts: Vec<usize>,
    pub(crate) ends: Vec<usize>,
}

pub(crate) fn normalize(s: &str) -> Norm {
    let mut n = Norm {
        text: String::with_capacity(s.len()),
        starts: Vec::with_capacity(s.len()),
        ends: Vec::with_capacity(s.len()),
    };
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        if c.is_ascii_alphanumeric() {
            n.text.push(c.to_ascii_lowercase());
            n.starts.push(i);
            n.ends.push(end);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            n.text.push(c);
            for _ in 0..c.len_utf8() {
                n.starts.push(i);
                n.ends.push(end);
            }
        } else if !n.text.is_empty() && !n.text.ends_with(' ') {
            n.text.push(' ');
            n.starts.push(i);
            n.ends.push(end);
        }
    }
    n
}

/// Phrase normalised the same way (no leading/trailing space).
pub(crate) fn normalize_phrase(s: &str) -> String {
    normalize(s).text.trim().to_string()
}

/// Compact key for name comparison: lowercase alphanumerics only, company
/// suffixes ("Co., Ltd.", "Inc.", "LLC", "GmbH"...) removed.
pub(crate) fn name_key(s: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "co ltd",
        "co",
        "ltd",
        "inc",
        "llc",
        "gmbh",
        "corp",
        "corporation",
        "limited",
        "company",
        "plc",
        "ag",
        "sa",
        "pte",
        "pvt",
    ];
    let mut words: Vec<&str> = Vec::new();
    let norm = normalize_phrase(s);
    for w in norm.split(' ') {
        words.push(w);
    }
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.concat()
}

/// One phrase match: pattern index and the `[start, end)` byte range in the
/// text that was searched.
pub(crate) struct Hit {
    pub(crate) pattern: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Whole-word, longest, non-overlapping matches of `ac` (built over
/// normalised phrases) in the normalised text `n`; offsets are mapped back
/// to the original text. A trailing plural `s` is accepted.
pub(crate) fn find_words_in(ac: &AhoCorasick, n: &Norm) -> Vec<Hit> {
    let bytes = n.text.as_bytes();
    let mut hits: Vec<(usize, usize, usize)> = Vec::new();
    for m in ac.find_overlapping_iter(n.text.as_str()) {
        let (s, mut e) = (m.start(), m.end());
        if e <= s {
            continue;
        }
        let first_ascii = bytes.get(s).is_some_and(|b| b.is_ascii());
        let last_ascii = bytes.get(e - 1).is_some_and(|b| b.is_ascii());
        let start_ok = !first_ascii || s == 0 || bytes.get(s - 1) == Some(&b' ');
        let mut end_ok = !last_ascii || e == bytes.len() || bytes.get(e) == Some(&b' ');
        if !end_ok
            && bytes.get(e) == Some(&b's')
            && (e + 1 == bytes.len() || bytes.get(e + 1) == Some(&b' '))
        {
            end_ok = true;
            e += 1;
        }
        if start_ok && end_ok {
            hits.push((s, e, m.pattern().as_usize()));
        }
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut last_end = 0usize;
    for (s, e, p) in hits {
        if s < last_end {
            continue;
        }
        last_end = e;
        let (Some(&os), Some(&oe)) = (n.starts.get(s), n.ends.get(e - 1)) else {
            continue;
        };
        out.push(Hit {
            pattern: p,
            start: os,
            end: oe,
        });
    }
    out
}
