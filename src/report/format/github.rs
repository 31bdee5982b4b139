//! `--output-format github`: GitHub Actions workflow commands, which the
//! runner turns into annotations on the pull request's lines.

use std::io::{self, Write};

use crate::engine::Finding;
use crate::report::format::printer::FormatPrinter;
use crate::report::totals::FileResult;

pub(crate) struct Github;

impl FormatPrinter for Github {
    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "{}", annotation(file, finding))
    }

    fn is_machine_readable(&self) -> bool {
        true
    }
}

/// A `::warning` command: an annotation on the pull request.
fn annotation(file: &FileResult<'_>, finding: &Finding) -> String {
    format!(
        "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(file.path),
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
        escape_property(&format!("pyfix ({})", finding.code)),
        escape_data(&format!(
            "{}:{}:{}: {} {}",
            file.path, finding.line, finding.column, finding.code, finding.message
        ))
    )
}

/// Workflow command escaping: `%`, CR and LF in the message...
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// ...and also `:` and `,` in a property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_commands() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("50% a:b\r\n"), "50%25 a:b%0D%0A");
    }
}
