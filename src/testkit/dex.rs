//! (skeleton: testkit dex)
