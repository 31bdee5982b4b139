//! The interface every output format implements.

use std::io::{self, Write};

use crate::engine::Finding;
use crate::report::statistics::Statistics;
use crate::report::totals::FileResult;

/// Writes findings in one format as the files come in: `start` once before
/// the first finding, `finding` for each, `finish` once after the last (the
/// document formats open and close their document there).
///
/// `Send + Sync` so that a `Printer` can still cross threads as it could
/// before it held one of these.
pub(crate) trait FormatPrinter: Send + Sync {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes one finding of `file`.
    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()>;

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Whether the findings are for a program (a document, or GitHub's
    /// annotations): no human text may join them.
    fn is_machine_readable(&self) -> bool {
        false
    }

    /// `--statistics`, which replace the findings: a table for people
    /// unless the format has a shape of its own.
    fn statistics(&self, statistics: &Statistics, out: &mut dyn Write) -> io::Result<()> {
        statistics.write_table(out)
    }

    /// Whether `statistics` writes a document, which no human text may join.
    fn statistics_are_machine_readable(&self) -> bool {
        false
    }
}
