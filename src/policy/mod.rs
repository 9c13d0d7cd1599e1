//! The declared policy: model, policy-file loading, drafting from prose, lint.
//!
//! Drafting is a pipeline of modules with one job each: `text` (markup →
//! blocks), `entries` (label lines → SDK entries), `numbering` and
//! `clauses` (numbering → clause tree), `perm_match` (permissions and iOS
//! keys in text; plain words via `permission_words`), `sdk_names` (SDK names), `lexicon` (data categories),
//! `extract` (assembly), `draft_toml` (the draft as a policy file).

pub(crate) mod clauses;
pub(crate) mod draft_json;
pub(crate) mod draft_toml;
pub(crate) mod entries;
pub mod extract;
pub(crate) mod html;
pub mod lexicon;
pub mod lint;
pub mod load;
pub(crate) mod markdown;
pub mod model;
pub(crate) mod norm;
pub(crate) mod numbering;
pub(crate) mod patterns;
pub(crate) mod perm_match;
pub mod permission_words;
pub mod sdk_names;
pub mod text;
pub mod typos;

pub use model::{Allow, Clause, DeclaredSdk, Policy};
