//! `--verify`: CPython compiles every fixed file before pyfix writes it.
//!
//! tree-sitter accepts some code CPython rejects (`lambda **kw, i=i: 0`), so
//! the re-parse in the fix loop cannot prove a fixed file is valid Python.
//! With `--verify`, one long-lived interpreter (the user's `python3`, or
//! `--python`) compiles each fixed text, exactly the bytes that would be
//! written, so coding cookies and BOMs are CPython's business. A file whose
//! fixed text it rejects is neither written nor shown as a diff.
//!
//! The interpreter is one process for the whole run, shared by the worker
//! threads behind a lock: a compile takes well under a millisecond for most
//! files, far less than the parse that produced the fix. If it dies, every
//! file still waiting for a verdict is refused, never written unverified.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

/// The interpreter side: reads `<path length> <source length>\n`, the path
/// and the source; answers `ok\n` or `error <length>\n<message>`.
const SERVER: &str = r#"
import sys, warnings
warnings.simplefilter("ignore")
read, write = sys.stdin.buffer, sys.stdout.buffer
while True:
    header = read.readline()
    if not header:
        break
    path_length, source_length = map(int, header.split())
    path = read.read(path_length).decode("utf-8", "replace")
    source = read.read(source_length)
    try:
        compile(source, path, "exec", dont_inherit=True)
        write.write(b"ok\n")
    except SyntaxError as error:
        where = f" at line {error.lineno}" if error.lineno else ""
        message = f"{type(error).__name__}: {error.msg}{where}".encode()
        write.write(b"error %d\n" % len(message) + message)
    except Exception as error:
        message = f"{type(error).__name__}: {error}".encode()
        write.write(b"error %d\n" % len(message) + message)
    write.flush()
"#;

/// What CPython says of one text.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Compiles,
    /// CPython's message, e.g. `SyntaxError: invalid syntax at line 3`.
    Rejected(String),
}

pub struct Verifier {
    python: PathBuf,
    session: Mutex<Option<Session>>,
}

struct Session {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Verifier {
    /// Starts `python` and checks that it answers.
    pub fn start(python: &Path) -> Result<Verifier, String> {
        let verifier = Verifier { python: python.to_path_buf(), session: Mutex::new(None) };
        let session = Session::spawn(python).map_err(|err| verifier.cannot_start(&err))?;
        *verifier.lock() = Some(session);
        match verifier.compile("<pyfix --verify>", b"pass\n") {
            Ok(Verdict::Compiles) => Ok(verifier),
            Ok(Verdict::Rejected(message)) => {
                Err(format!("`{}` rejects `pass`: {message}; is it Python 3?", python.display()))
            }
            Err(message) => Err(message),
        }
    }

    fn cannot_start(&self, err: &io::Error) -> String {
        format!("--verify cannot start `{}`: {err}", self.python.display())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        // A worker that panicked while holding the lock left the session in
        // an unknown state; it is dropped below by the failed exchange.
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// CPython's verdict on `source`, or why there is none (the interpreter
    /// died); once it has died, every later call fails too.
    pub fn compile(&self, path: &str, source: &[u8]) -> Result<Verdict, String> {
        let mut guard = self.lock();
        let Some(session) = guard.as_mut() else {
            return Err(format!("`{}` (--verify) is no longer running", self.python.display()));
        };
        match session.exchange(path, source) {
            Ok(verdict) => Ok(verdict),
            Err(err) => {
                if let Some(mut session) = guard.take() {
                    let _ = session.child.kill();
                    let _ = session.child.wait();
                }
                Err(format!("`{}` (--verify) stopped answering: {err}", self.python.display()))
            }
        }
    }
}

impl Session {
    fn spawn(python: &Path) -> io::Result<Session> {
        let mut child = Command::new(python)
            .args(["-I", "-c", SERVER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(io::Error::other("no pipe to the interpreter"));
        };
        Ok(Session { child, input, output: BufReader::new(output) })
    }

    fn exchange(&mut self, path: &str, source: &[u8]) -> io::Result<Verdict> {
        writeln!(self.input, "{} {}", path.len(), source.len())?;
        self.input.write_all(path.as_bytes())?;
        self.input.write_all(source)?;
        self.input.flush()?;
        let mut header = String::new();
        if self.output.read_line(&mut header)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "it exited"));
        }
        match header.trim_end().split_once(' ') {
            None if header.trim_end() == "ok" => Ok(Verdict::Compiles),
            Some(("error", length)) => {
                let length: usize = length.parse().map_err(|_| unexpected(&header))?;
                let mut message = vec![0; length];
                self.output.read_exact(&mut message)?;
                Ok(Verdict::Rejected(String::from_utf8_lossy(&message).into_owned()))
            }
            _ => Err(unexpected(&header)),
        }
    }
}

fn unexpected(header: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("unexpected answer {:?}", header.trim_end()))
}

impl Drop for Verifier {
    fn drop(&mut self) {
        if let Some(mut session) = self.lock().take() {
            // Closing its input ends the loop; wait so no zombie is left.
            drop(session.input);
            let _ = session.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python() -> Verifier {
        Verifier::start(Path::new("python3")).expect("the tests need python3 on PATH")
    }

    #[test]
    fn answers_for_valid_and_invalid_code_in_one_process() {
        let verifier = python();
        assert_eq!(verifier.compile("a.py", b"x = 1\n"), Ok(Verdict::Compiles));
        let Ok(Verdict::Rejected(message)) = verifier.compile("b.py", b"f = lambda **kw, i=i: 0\n")
        else {
            panic!("CPython accepted a default after **kw");
        };
        assert!(
            message.starts_with("SyntaxError: ") && message.ends_with("at line 1"),
            "{message}"
        );
        assert_eq!(verifier.compile("c.py", b"\xef\xbb\xbfx = 1\n"), Ok(Verdict::Compiles));
    }

    #[test]
    fn a_missing_interpreter_is_a_clear_error() {
        let Err(message) = Verifier::start(Path::new("/nonexistent/python3")) else {
            panic!("started a missing interpreter");
        };
        assert!(message.starts_with("--verify cannot start `/nonexistent/python3`"), "{message}");
    }
}
