//! (skeleton: testkit zip)
