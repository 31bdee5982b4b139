//! Finding the files to process, reading them, and writing them back
//! atomically.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use crate::error::FileError;

/// The default `exclude`: directories never entered unless named on the
/// command line (or a configuration's `exclude` replaces them).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytest_cache", ".ruff_cache", ".svn", ".tox", ".venv", "__pycache__",
    "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
    "venv",
];

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
/// `DEFAULT_EXCLUDES`); a path named explicitly is always taken.
pub fn collect(paths: &[PathBuf], exclude: Exclude) -> Collected {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(err) => errors.push((path.clone(), FileError::from_io(err))),
            Ok(meta) if meta.is_dir() => walk_directory(path, &exclude, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
        }
    }
    // The same file reached twice (`pyfix . a.py`) must be processed once:
    // two writers on one file would race.
    let mut seen = HashSet::new();
    files.retain(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())));
    files.sort();
    Collected { files, errors }
}

fn walk_directory(root: &Path, exclude: &Exclude, files: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, FileError)>) {
    let exclude = exclude.clone();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| entry.depth() == 0 || !exclude(entry.path()))
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                // Symbolic links are not followed: a link into the tree would
                // give two writers for one file, and a loop would never end.
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if is_file && is_python(entry.path()) {
                    files.push(strip_dot(entry.path()));
                }
            }
            Err(err) => {
                let path = walk_error_path(&err).unwrap_or_else(|| root.to_path_buf());
                let reason = io::Error::other(err.to_string());
                errors.push((path, FileError::Unreadable(reason)));
            }
        }
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

/// The text of a Python file: UTF-8, BOM kept, no NUL bytes.
pub fn decode(bytes: Vec<u8>) -> Result<String, FileError> {
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(FileError::NulByte { offset });
    }
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let declared = coding_cookie(err.as_bytes()).filter(|name| !is_utf8_name(name));
        FileError::NotUtf8 { offset, declared }
    })
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

/// Reads and decodes a file. The text holds the file's exact bytes.
pub fn read(path: &Path) -> Result<String, FileError> {
    decode(fs::read(path).map_err(FileError::from_io)?)
}

/// Replaces `path`'s content with `new` if it still holds `original`:
/// the new text goes to a temporary file in the same directory, takes the
/// original's permissions, and is renamed over it, so a reader (or a crash)
/// sees either the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, original: &str, new: &str) -> Result<(), FileError> {
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
    temporary.write_all(new.as_bytes()).map_err(FileError::WriteFailed)?;
    temporary.flush().map_err(FileError::WriteFailed)?;
    fs::set_permissions(temporary.path(), metadata.permissions()).map_err(FileError::WriteFailed)?;
    // Last look before the rename: never clobber a version someone saved meanwhile.
    match fs::read(&target) {
        Ok(current) if current == original.as_bytes() => {}
        Ok(_) => return Err(FileError::ChangedOnDisk),
        Err(err) => return Err(FileError::from_io(err)),
    }
    temporary
        .persist(&target)
        .map_err(|err| FileError::WriteFailed(err.error))?;
    Ok(())
}
