//! Observed × declared → findings.

pub mod ios;
pub mod sdk;
