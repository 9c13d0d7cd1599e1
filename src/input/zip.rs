//! (skeleton: zip)
