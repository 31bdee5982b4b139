//! Finding the files to process, reading them, and writing them back
//! atomically.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use encoding_rs::{Encoding, UTF_8};
use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

use crate::error::FileError;

/// The files to process, sorted, each once; and the paths that could not be walked.
pub struct Collected {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, FileError)>,
}

/// Decides whether a path met while walking (a file or a directory) is left
/// out: the configured `exclude` patterns.
pub type Exclude = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Expands `paths`: directories are walked for `*.py` and `*.pyi`, honouring
/// `.gitignore` and skipping what `exclude` says (by default
/// `config::DEFAULT_EXCLUDES`); a path named explicitly is always taken.
pub fn collect(paths: &[PathBuf], exclude: Exclude) -> Collected {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                errors.push((path.clone(), FileError::NotFound));
            }
            Err(err) => errors.push((path.clone(), FileError::Unreadable(err))),
            Ok(meta) if meta.is_dir() => walk_directory(path, &exclude, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
        }
    }
    // The same file reached twice (`pyfix . a.py`) must be processed once:
    // two writers on one file would race. One walk of one directory meets
    // each file once (links are not followed), so only several paths need
    // the real paths compared (a system call per path component).
    if paths.len() > 1 {
        let real: Vec<PathBuf> = files
            .par_iter()
            .map(|file| fs::canonicalize(file).unwrap_or_else(|_| file.clone()))
            .collect();
        let mut seen = HashSet::new();
        let mut real = real.into_iter();
        files.retain(|_| real.next().is_none_or(|path| seen.insert(path)));
    }
    files.par_sort_unstable();
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    Collected { files, errors }
}

/// Walks `root` on every core (`ignore`'s parallel walker): the directory
/// reads, `.gitignore` matching and exclusions of one tree are spread over
/// the threads instead of running before any file is processed.
fn walk_directory(
    root: &Path,
    exclude: &Exclude,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<(PathBuf, FileError)>,
) {
    let exclude = exclude.clone();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(rayon::current_num_threads())
        .filter_entry(move |entry| entry.depth() == 0 || !exclude(entry.path()))
        .build_parallel();
    let found: Mutex<Found> = Mutex::new((Vec::new(), Vec::new()));
    walker.run(|| {
        // Each thread keeps its own finds and adds them once, when done.
        let mut finds = Finds { files: Vec::new(), errors: Vec::new(), root, into: &found };
        Box::new(move |entry| {
            finds.add(entry);
            WalkState::Continue
        })
    });
    let (walked, failed) = found.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    files.extend(walked);
    errors.extend(failed);
}

/// The files a walk found, and the paths it could not read.
type Found = (Vec<PathBuf>, Vec<(PathBuf, FileError)>);

/// One walker thread's files and errors, handed over when it finishes.
struct Finds<'a> {
    files: Vec<PathBuf>,
    errors: Vec<(PathBuf, FileError)>,
    root: &'a Path,
    into: &'a Mutex<Found>,
}

impl Finds<'_> {
    fn add(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) {
        match entry {
            Ok(entry) => {
                // Symbolic links are not followed: a link into the tree would
                // give two writers for one file, and a loop would never end.
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if is_file && is_python(entry.path()) {
                    self.files.push(strip_dot(entry.path()));
                }
            }
            Err(err) => {
                let path = walk_error_path(&err).unwrap_or_else(|| self.root.to_path_buf());
                let reason = io::Error::other(err.to_string());
                self.errors.push((path, FileError::Unreadable(reason)));
            }
        }
    }
}

impl Drop for Finds<'_> {
    fn drop(&mut self) {
        let mut found = self.into.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        found.0.append(&mut self.files);
        found.1.append(&mut self.errors);
    }
}

fn walk_error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

fn is_python(path: &Path) -> bool {
    matches!(path.extension().and_then(|ext| ext.to_str()), Some("py" | "pyi"))
}

/// `./a.py` reads better as `a.py`.
fn strip_dot(path: &Path) -> PathBuf {
    path.strip_prefix(".").map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// A file's text and the encoding its bytes are in. Everything in pyfix
/// works on the UTF-8 text; `encode` turns a fixed text back into bytes.
#[derive(Debug)]
pub struct Source {
    pub text: String,
    /// `None` for UTF-8 (the default, BOM kept in `text`); otherwise the
    /// encoding a PEP 263 cookie declares, for a file whose bytes it decodes
    /// and re-encodes exactly.
    pub encoding: Option<&'static Encoding>,
}

impl Source {
    /// The bytes of `text` in the file's encoding. A fix that brings in a
    /// character the encoding cannot hold is an error, never a lossy write.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, FileError> {
        let Some(encoding) = self.encoding else {
            return Ok(text.as_bytes().to_vec());
        };
        let (bytes, _, unmappable) = encoding.encode(text);
        if unmappable {
            return Err(FileError::Internal(format!(
                "a fix needs characters the file's encoding ({}) cannot hold",
                encoding.name()
            )));
        }
        Ok(bytes.into_owned())
    }
}

/// The text of a Python file: UTF-8 (BOM kept), or the encoding a PEP 263
/// cookie declares when its bytes round-trip exactly; no NUL bytes.
pub fn decode(bytes: Vec<u8>) -> Result<Source, FileError> {
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(FileError::NulByte { offset });
    }
    let err = match String::from_utf8(bytes) {
        Ok(text) => return Ok(Source { text, encoding: None }),
        Err(err) => err,
    };
    let offset = err.utf8_error().valid_up_to();
    let bytes = err.into_bytes();
    let Some(declared) = coding_cookie(&bytes).filter(|name| !is_utf8_name(name)) else {
        return Err(FileError::NotUtf8 { offset, declared: None });
    };
    let Some(encoding) = encoding_for(&declared) else {
        return Err(FileError::UnknownEncoding(declared));
    };
    match decode_exactly(&bytes, encoding) {
        Some(text) => Ok(Source { text, encoding: Some(encoding) }),
        None => Err(FileError::NotUtf8 { offset, declared: Some(declared) }),
    }
}

/// The encoding a cookie names, in Python's spelling (`latin-1`,
/// `iso8859_15`, `cp1252`, `koi8_r`) or a WHATWG label.
fn encoding_for(declared: &str) -> Option<&'static Encoding> {
    let name = declared.to_ascii_lowercase().replace('_', "-");
    let name = match name.as_str() {
        "latin-1" | "l1" | "iso-8859-1" | "iso8859-1" | "8859" | "cp819" | "latin" => "latin1",
        other => other,
    };
    Encoding::for_label(name.as_bytes())
        .or_else(|| Encoding::for_label(name.replace("iso8859-", "iso-8859-").as_bytes()))
        // UTF-16 and the `replacement` encoding have no encoder of their own
        // (encoding_rs writes UTF-8 for them): such a file cannot be kept as is.
        .filter(|encoding| *encoding != UTF_8 && encoding.output_encoding() == *encoding)
}

/// `bytes` decoded with `encoding` if no byte is malformed and encoding
/// the text gives back exactly `bytes`: only then can a fixed file be
/// written in its own encoding without touching a byte outside the edits.
fn decode_exactly(bytes: &[u8], encoding: &'static Encoding) -> Option<String> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    let (again, _, unmappable) = encoding.encode(&text);
    (!unmappable && again.as_ref() == bytes).then(|| text.into_owned())
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// The encoding a PEP 263 comment on line 1 or 2 declares.
pub fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c', '\u{feff}']);
        if !trimmed.starts_with('#') {
            continue;
        }
        let Some(at) = trimmed.find("coding") else { continue };
        let rest = &trimmed[at + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else { continue };
        let name: String = rest
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

fn is_utf8_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    name == "utf-8" || name == "utf8" || name.starts_with("utf-8-")
}

/// Reads and decodes a file.
pub fn read(path: &Path) -> Result<Source, FileError> {
    // A FIFO or a device named `.py` would block the read, or never end.
    if !fs::metadata(path).map_err(FileError::from_io)?.is_file() {
        return Err(FileError::NotARegularFile);
    }
    decode(fs::read(path).map_err(FileError::from_io)?)
}

/// Replaces `path`'s content with `new` if it still holds `original`:
/// the new text goes to a temporary file in the same directory, takes the
/// original's permissions, and is renamed over it, so a reader (or a crash)
/// sees either the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), FileError> {
    // Write through a symbolic link to its target rather than replacing the link.
    let target = fs::canonicalize(path).map_err(FileError::from_io)?;
    let metadata = fs::metadata(&target).map_err(FileError::from_io)?;
    if metadata.permissions().readonly() {
        return Err(FileError::WriteFailed(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        )));
    }
    let directory = target.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".pyfix-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(FileError::WriteFailed)?;
    temporary.write_all(new).map_err(FileError::WriteFailed)?;
    temporary.flush().map_err(FileError::WriteFailed)?;
    fs::set_permissions(temporary.path(), metadata.permissions())
        .map_err(FileError::WriteFailed)?;
    // Last look before the rename: never clobber a version someone saved meanwhile.
    match fs::read(&target) {
        Ok(current) if current == original => {}
        Ok(_) => return Err(FileError::ChangedOnDisk),
        Err(err) => return Err(FileError::from_io(err)),
    }
    temporary.persist(&target).map_err(|err| FileError::WriteFailed(err.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gone_before_reading_is_reported_as_vanished() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(&dir.path().join("gone.py")).unwrap_err();
        assert!(matches!(err, FileError::Vanished), "{err}");
    }

    #[test]
    fn a_file_changed_after_reading_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x = 1\n").unwrap();
        let original = read(&path).unwrap();
        fs::write(&path, "x = 2  # saved by the user meanwhile\n").unwrap();
        let err = write_atomic(&path, original.text.as_bytes(), b"x = 3\n").unwrap_err();
        assert!(matches!(err, FileError::ChangedOnDisk), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 2  # saved by the user meanwhile\n");
    }

    #[test]
    fn a_file_deleted_before_writing_is_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x = 1\n").unwrap();
        let original = read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        assert!(matches!(
            write_atomic(&path, original.text.as_bytes(), b"x = 3\n"),
            Err(FileError::Vanished)
        ));
        assert!(!path.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
    }

    #[test]
    fn a_read_only_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "x = 1\n").unwrap();
        let mut permissions = fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&path, permissions).unwrap();
        let err = write_atomic(&path, b"x = 1\n", b"x = 3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write file: the file is read-only; file left unchanged"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "x = 1\n");
    }

    #[test]
    fn coding_cookies_are_read_from_the_first_two_lines() {
        assert_eq!(
            coding_cookie(b"#!/usr/bin/python\n# -*- coding: latin-1 -*-\n").as_deref(),
            Some("latin-1")
        );
        assert_eq!(coding_cookie(b"# vim: set fileencoding=utf-8 :\n").as_deref(), Some("utf-8"));
        assert_eq!(coding_cookie(b"x = 1\n\n# coding: latin-1\n"), None);
    }
}
