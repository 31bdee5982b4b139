//! What several rules share: handler analysis (`except_handler`), the
//! logger a fix writes through (`logger`), call shapes (`calls`).

pub mod calls;
pub mod except_handler;
pub mod logger;
