//! Policy lint. (in progress)
