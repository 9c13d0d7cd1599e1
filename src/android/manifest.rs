//! (skeleton: manifest)
