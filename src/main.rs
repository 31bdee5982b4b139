use std::process::ExitCode;

fn main() -> ExitCode {
    pyfix::cli::run(pyfix::transforms::REGISTRY).into()
}
