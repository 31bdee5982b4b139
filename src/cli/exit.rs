//! How a run ends: the exit status (0 nothing to report, 1 findings or a
//! diff, 2 an error) and the flags that bend it.

use std::process::ExitCode;

use crate::report::{Mode, Totals};

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

/// `--exit-zero`, `--exit-non-zero-on-fix` and `--fix-only`.
pub(crate) struct ExitPolicy {
    pub(crate) exit_zero: bool,
    pub(crate) exit_non_zero_on_fix: bool,
    /// The findings that remain after `--fix-only` are not reported, so
    /// they do not fail the run either.
    pub(crate) fix_only: bool,
}

impl ExitPolicy {
    /// The status a run over files ends with: errors first, whatever the flags.
    pub(crate) fn status(&self, totals: &Totals, mode: Mode) -> ExitStatus {
        let something_to_report = match mode {
            Mode::Diff => totals.files_changed > 0,
            Mode::Write if self.fix_only => false,
            Mode::Check | Mode::Write => totals.findings > 0,
        };
        let fixed_something = totals.files_changed > 0 && mode == Mode::Write;
        if totals.errors > 0 {
            ExitStatus::Error
        } else if self.exit_zero {
            ExitStatus::Success
        } else if something_to_report || (self.exit_non_zero_on_fix && fixed_something) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}
