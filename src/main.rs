use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(pyfix::cli::run())
}
