//! Why a file could not be processed. Each variant prints as one plain line;
//! the caller prefixes it with the path (`src/a.py: error: ...`).

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum FileError {
    /// The file could not be read (permissions, a directory, an I/O failure).
    Unreadable(io::Error),
    /// A path named on the command line does not exist.
    NotFound,
    /// A FIFO, socket or device: reading it could block forever.
    NotARegularFile,
    /// The file was listed but is gone by the time it is read or written.
    Vanished,
    /// The bytes are not UTF-8; `offset` is the first bad byte.
    NotUtf8 { offset: usize, declared: Option<String> },
    /// A PEP 263 cookie names an encoding pyfix cannot write back.
    UnknownEncoding(String),
    /// NUL bytes: CPython refuses such source, and it is usually a binary file.
    NulByte { offset: usize },
    /// Bare `\r` line endings mixed with `\n`: no parser agrees on where lines end.
    MixedCarriageReturns,
    /// tree-sitter found an ERROR or MISSING node.
    Syntax { line: usize, column: usize },
    /// Valid Python 2, not Python 3 (`print "x"`, backticks, `<>`, `0777`).
    Python2 { construct: &'static str, line: usize },
    /// Syntax newer than the target version allows (`except A, B:` is 3.14).
    NewerThanTarget { construct: &'static str, line: usize, needs: &'static str, target: String },
    /// A fix produced text that does not parse, or the fix loop did not settle.
    Internal(String),
    /// The file changed on disk after it was read: it is not overwritten.
    ChangedOnDisk,
    /// `--verify`: CPython rejects the fixed text; `rules` made the fixes.
    RejectedByPython { rules: String, message: String },
    /// `--verify`: CPython rejects the original too (newer syntax than the
    /// interpreter, say), so the fixes cannot be verified.
    Unverifiable(String),
    /// Writing the fixed file failed; the original is intact.
    WriteFailed(io::Error),
}

impl FileError {
    pub fn from_io(err: io::Error) -> FileError {
        if err.kind() == io::ErrorKind::NotFound {
            FileError::Vanished
        } else {
            FileError::Unreadable(err)
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Unreadable(err) => write!(f, "cannot read file: {}", plain_io(err)),
            FileError::NotFound => write!(f, "no such file or directory"),
            FileError::NotARegularFile => {
                write!(f, "not a regular file (a FIFO or a device?); skipped")
            }
            FileError::Vanished => write!(f, "file vanished while pyfix ran; skipped"),
            FileError::NotUtf8 { offset, declared: Some(enc) } => write!(
                f,
                "not valid `{enc}` as declared, nor UTF-8 (first non-UTF-8 byte at offset {offset}); skipped"
            ),
            FileError::NotUtf8 { offset, declared: None } => {
                write!(f, "not valid UTF-8 (first bad byte at offset {offset}); skipped")
            }
            FileError::UnknownEncoding(name) => {
                write!(
                    f,
                    "declares the encoding `{name}`, which pyfix cannot read and write back; skipped"
                )
            }
            FileError::NulByte { offset } => {
                write!(f, "contains a NUL byte at offset {offset} (binary file?); skipped")
            }
            FileError::MixedCarriageReturns => write!(
                f,
                "mixes bare CR line endings with LF; normalise the line endings first; skipped"
            ),
            FileError::Syntax { line, column } => {
                write!(f, "syntax error at line {line}, column {column}; skipped")
            }
            FileError::Python2 { construct, line } => {
                write!(f, "Python 2 syntax ({construct}) at line {line}; skipped")
            }
            FileError::NewerThanTarget { construct, line, needs, target } => write!(
                f,
                "{construct} at line {line} is Python {needs} syntax, newer than the target \
                 version {target} (set `target-version` if the code needs {needs}); skipped"
            ),
            FileError::Internal(msg) => write!(f, "internal error: {msg}; file left unchanged"),
            FileError::ChangedOnDisk => {
                write!(f, "changed on disk while pyfix ran; not overwritten")
            }
            FileError::RejectedByPython { rules, message } => write!(
                f,
                "the fixed file does not compile under Python ({message}); fixes by {rules} not applied, file left unchanged"
            ),
            FileError::Unverifiable(message) => write!(
                f,
                "--verify: Python rejects the original file too ({message}); fixes not applied, file left unchanged"
            ),
            FileError::WriteFailed(err) => {
                write!(f, "cannot write file: {}; file left unchanged", plain_io(err))
            }
        }
    }
}

/// `Permission denied (os error 13)` reads better without the errno suffix.
fn plain_io(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}
