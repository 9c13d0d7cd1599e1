//! Report emitters: text, JSON (and later SARIF, Markdown...). Emitters only
//! format; they never decide what is a finding.

pub mod json;
pub mod text;
