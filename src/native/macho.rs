//! (skeleton: macho)
