//! Source-repository mode. (skeleton)
