//! The progress bar of a long run: on standard error, only when it is a
//! terminal, and only once the run has lasted long enough to need one.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::LogLevel;

/// Shows progress on standard error during a long run, and only when
/// standard error is a terminal (never in a pipe or a CI log).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
}

impl Progress {
    const SHOW_AFTER: Duration = Duration::from_millis(500);

    pub(crate) fn new(total: usize, level: LogLevel) -> Progress {
        let wanted = level == LogLevel::Normal
            && total > 1
            && io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        let bar = wanted.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} files {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, started: Instant::now(), shown: false }
    }

    pub(crate) fn advance(&mut self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown && self.started.elapsed() >= Self::SHOW_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    /// Runs `print` with the bar out of the way.
    pub(crate) fn around<T>(&self, print: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) if self.shown => bar.suspend(print),
            _ => print(),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
