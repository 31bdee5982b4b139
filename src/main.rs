use std::process::ExitCode;

/// Every file's scan, tree and report are many small allocations made on
/// all threads at once; the system allocator serialises them on its arena
/// locks, mimalloc keeps them per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    pyfix::cli::run(pyfix::transforms::REGISTRY).into()
}
