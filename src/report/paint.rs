//! Colour for a stream: escape sequences when it is a terminal (or
//! `FORCE_COLOR` says so) and `NO_COLOR` does not forbid them; nothing
//! otherwise.

use std::io::{self, IsTerminal};

use anstyle::{AnsiColor, Style};

pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const RED: Style = AnsiColor::Red.on_default();
pub(crate) const GREEN: Style = AnsiColor::Green.on_default();
pub(crate) const CYAN: Style = AnsiColor::Cyan.on_default();
/// A rule's code.
pub(crate) const CODE: Style = AnsiColor::Red.on_default().bold();
/// The `12 |` margin in front of source lines.
pub(crate) const GUTTER: Style = AnsiColor::Blue.on_default().bold();

/// Escape sequences or nothing, decided once per stream.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    /// Colour for a stream: never with `NO_COLOR`, always with
    /// `FORCE_COLOR`, otherwise when the stream is a terminal that can show
    /// it (anstream's judgement, which also reads `CLICOLOR` and `TERM`).
    fn for_stream(is_terminal: bool, anstream_says: bool) -> Paint {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        let enabled = if set("NO_COLOR") {
            false
        } else if set("FORCE_COLOR") {
            std::env::var_os("FORCE_COLOR").is_some_and(|value| value != "0")
        } else {
            is_terminal && anstream_says
        };
        Paint { enabled }
    }

    pub fn stdout() -> Paint {
        let stdout = io::stdout();
        let choice = anstream::AutoStream::choice(&stdout);
        Paint::for_stream(stdout.is_terminal(), choice != anstream::ColorChoice::Never)
    }

    pub fn stderr() -> Paint {
        let stderr = io::stderr();
        let choice = anstream::AutoStream::choice(&stderr);
        Paint::for_stream(stderr.is_terminal(), choice != anstream::ColorChoice::Never)
    }

    #[cfg(test)]
    pub(crate) fn none() -> Paint {
        Paint { enabled: false }
    }

    #[cfg(test)]
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// `text` in `style`; an empty text gets no escape sequences at all.
    pub(crate) fn paint(&self, style: Style, text: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// A unified diff with removed lines red, added lines green and hunk
    /// headers cyan. Without colour, the diff exactly as `git apply` wants it.
    pub fn diff(&self, diff: &str) -> String {
        if !self.enabled {
            return diff.to_string();
        }
        let mut out = String::with_capacity(diff.len() + diff.len() / 4);
        for line in diff.split_inclusive('\n') {
            let (body, end) = split_line_end(line);
            out.push_str(&self.paint(diff_line_style(line), body));
            out.push_str(end);
        }
        out
    }
}

fn diff_line_style(line: &str) -> Style {
    if line.starts_with("+++") || line.starts_with("---") {
        BOLD
    } else if line.starts_with('+') {
        GREEN
    } else if line.starts_with('-') {
        RED
    } else if line.starts_with("@@") {
        CYAN
    } else {
        Style::new()
    }
}

/// A line without its `\n` or `\r\n`, and that ending (colour must stop
/// before it, so that a CRLF diff still applies).
pub(crate) fn split_line_end(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_environment_and_the_terminal() {
        // Without NO_COLOR or FORCE_COLOR in the test environment, a pipe gets none.
        if std::env::var_os("NO_COLOR").is_none() && std::env::var_os("FORCE_COLOR").is_none() {
            assert!(!Paint::for_stream(false, true).enabled());
            assert!(Paint::for_stream(true, true).enabled());
        }
        let plain = Paint::none();
        assert_eq!(plain.diff("-a\n+b\n"), "-a\n+b\n");
        let coloured = Paint { enabled: true };
        assert!(coloured.diff("-a\r\n").ends_with("\r\n"));
        assert!(coloured.diff("-a\n").contains("\u{1b}["));
    }
}
