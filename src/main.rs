use std::process::ExitCode;

/// Every file's scan, tree and report are many small allocations made on
/// all threads at once; the system allocator serialises them on its arena
/// locks, mimalloc keeps them per thread. Built without transparent huge
/// pages (`no_thp`): with them, each new 2 MiB of heap is zeroed at its
/// first touch, which cost more than it saved and raised peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    pyfix::cli::run(pyfix::transforms::REGISTRY).into()
}
