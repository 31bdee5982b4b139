//! What several rules share: handler analysis (`except_handler`), the
//! logger a fix writes through (`logger`), call shapes (`calls`), test
//! code and running-loop checks for the coroutine rules (`coroutines`),
//! moving a module-level import into the functions that use it
//! (`move_import`).

pub mod calls;
pub mod coroutines;
pub mod except_handler;
pub mod logger;
pub mod move_import;
