//! The declared policy: model, policy-file loading, drafting from prose, lint.

pub mod extract;
pub mod lexicon;
pub mod lint;
pub mod load;
pub mod model;
pub(crate) mod norm;
pub mod permission_words;
pub mod sdk_names;
pub mod text;

pub use model::{Allow, Clause, DeclaredSdk, Policy};
