//! The declared policy: model, policy-file loading, drafting from prose, lint.

pub mod load;
pub mod model;

pub use model::{Allow, Clause, DeclaredSdk, Policy};
