//! The exit status: 0 nothing to report, 1 findings or a diff, 2 an error.

use std::process::ExitCode;

/// The exit status of `pyfix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing to report (or `--exit-zero`), or `--help` and the like.
    Success,
    /// 1: findings remain, a diff was shown, or `--exit-non-zero-on-fix`
    /// and a file was fixed.
    Failure,
    /// 2: bad arguments or configuration, or a file that could not be processed.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        })
    }
}
