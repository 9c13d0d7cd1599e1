//! (skeleton: testkit macho)
