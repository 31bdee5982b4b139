//! One file's way through pyfix, the same for a path and for standard input:
//! decode → process (through the cache) → encode → verify → the diff, the
//! atomic write, or the bytes standard input gets back.

use std::path::Path;
use std::sync::Arc;

use crate::cache::Cache;
use crate::cli::files::{self, Source};
use crate::cli::options::Options;
use crate::cli::verify::Verdict;
use crate::config::resolver::Project;
use crate::engine::{self, FileReport, Prefilter, noqa};
use crate::error::FileError;
use crate::project::{ProjectIndex, Read};
use crate::report::Mode;
use crate::report::diff::unified_diff;
use crate::rule::Transform;
use crate::rule::settings::Settings;
use crate::syntax::scan::Scan;

/// Where a file's text comes from, and so where its fixed text goes.
pub(crate) enum Input<'a> {
    /// A file on disk, with what the project index read of it, if it did;
    /// `--write` replaces it atomically.
    File(&'a Path, Option<Read>),
    /// The bytes of standard input, standing for the file `name`; `--write`
    /// gives the text back on standard output.
    Stdin { name: &'a Path, bytes: Vec<u8> },
}

/// Where `--write` puts the fixed text.
#[derive(Clone, Copy)]
enum Destination {
    InPlace,
    Stdout,
}

/// What the pipeline made of one file.
pub(crate) struct Processed {
    pub(crate) report: FileReport,
    /// The text as read, decoded.
    pub(crate) original: String,
    pub(crate) product: Product,
}

impl Processed {
    /// A file in which the check has nothing to do.
    fn nothing_found() -> Processed {
        Processed {
            report: FileReport::default(),
            original: String::new(),
            product: Product::Nothing,
        }
    }

    /// The text the findings point into: the fixed one when fixes were applied.
    pub(crate) fn text(&self) -> &str {
        self.report.fixed.as_deref().unwrap_or(&self.original)
    }
}

/// What a file gives besides its findings.
pub(crate) enum Product {
    /// Nothing: only checking, nothing to fix, or a file fixed in place.
    Nothing,
    /// `--diff`: the unified diff of the fixes.
    Diff(String),
    /// `--write` on standard input: the bytes to print, fixed or not.
    Stdout(Vec<u8>),
}

/// The chain every file goes through, with what the run shares between files.
pub(crate) struct Pipeline<'a> {
    options: &'a Options,
    /// `None` with `--no-cache`, and for standard input, which is never cached.
    cache: Option<&'a Cache>,
    /// What the project says about each file, when a rule reads it.
    index: Option<&'a ProjectIndex>,
}

impl<'a> Pipeline<'a> {
    pub(crate) fn new(
        options: &'a Options,
        cache: Option<&'a Cache>,
        index: Option<&'a ProjectIndex>,
    ) -> Pipeline<'a> {
        Pipeline { options, cache, index }
    }

    pub(crate) fn options(&self) -> &'a Options {
        self.options
    }

    /// Runs `input` through the chain with the settings of `project`;
    /// `absolute` is the file's absolute path (it decides per-file rules).
    pub(crate) fn process(
        &self,
        input: Input<'_>,
        project: &Project,
        absolute: &Path,
    ) -> Result<Processed, FileError> {
        let (path, source, destination) = match input {
            Input::File(path, read) => match self.read(path, absolute, read)? {
                Some(source) => (path, source, Destination::InPlace),
                None => return Ok(Processed::nothing_found()),
            },
            Input::Stdin { name, bytes } => (name, files::decode(bytes)?, Destination::Stdout),
        };
        let report = self.process_cached(path, &source.text, project, absolute)?;
        let fixed_bytes = report.fixed.as_deref().map(|fixed| source.encode(fixed)).transpose()?;
        if let Some(fixed_bytes) = &fixed_bytes {
            self.verify(path, &source.encode(&source.text)?, fixed_bytes, &report)?;
        }
        let product = self.deliver(path, destination, &source, &report, fixed_bytes)?;
        Ok(Processed { report, original: source.text, product })
    }

    /// The file's text: the bytes the project index read, when it kept
    /// them, else read now; `None` when the index found that the check has
    /// nothing to do in it.
    fn read(
        &self,
        path: &Path,
        absolute: &Path,
        read: Option<Read>,
    ) -> Result<Option<Source>, FileError> {
        match read.and_then(|read| self.index?.settled(absolute, read)) {
            Some(Read::Bytes(bytes)) => files::decode(bytes).map(Some),
            Some(Read::NothingToFind) => Ok(None),
            None => files::read(path).map(Some),
        }
    }

    /// Whether the check would find nothing in `text` from its tokens
    /// (`scanned`) alone, with the file's settings before the project's
    /// facts are known (see `engine::finds_nothing`).
    pub(crate) fn finds_nothing(
        &self,
        path: &Path,
        project: &Project,
        absolute: &Path,
        (text, scanned): (&str, &Scan<'_>),
    ) -> bool {
        if self.options.prefilter == Prefilter::Off {
            return false;
        }
        let rules = project.rules_for(absolute);
        let settings = project.settings_for(absolute);
        let selection = self.options.registry.selection(&rules);
        engine::finds_nothing(text, scanned, &file_name_of(path), selection, &settings)
    }

    /// `--add-noqa`: a `# noqa` directive for each finding of the file,
    /// written in place; returns the directives added and the findings
    /// skipped (see `engine::noqa`).
    pub(crate) fn add_noqa(
        &self,
        path: &Path,
        project: &Project,
        absolute: &Path,
        read: Option<Read>,
    ) -> Result<(usize, usize), FileError> {
        let Some(source) = self.read(path, absolute, read)? else {
            return Ok((0, 0));
        };
        let report = self.process_cached(path, &source.text, project, absolute)?;
        let settings = project.settings_for(absolute);
        let added = noqa::add_noqa(
            &source.text,
            &file_name_of(path),
            settings.target_version,
            &report.findings,
            &self.options.registry,
        )?;
        if let Some(text) = &added.text {
            files::write_atomic(path, &source.encode(&source.text)?, &source.encode(text)?)?;
        }
        Ok((added.added, added.skipped))
    }

    /// `process_text`, skipped for a file whose result the cache holds:
    /// nothing to report, or its whole report.
    fn process_cached(
        &self,
        path: &Path,
        source: &str,
        project: &Project,
        absolute: &Path,
    ) -> Result<FileReport, FileError> {
        let rules = project.rules_for(absolute);
        let settings = self.settings_for(project, absolute);
        let Some(cache) = self.cache else {
            return self.process_text(path, source, project, &settings, &rules);
        };
        let file_name = file_name_of(path);
        let key = cache.key_for(&file_name, &settings, &rules, source.as_bytes());
        let apply = self.options.apply(project);
        if let Some(report) = cache.lookup(key, apply) {
            return Ok(report);
        }
        let report = self.process_text(path, source, project, &settings, &rules)?;
        cache.store(key, apply, &report);
        // A file that was fixed is clean in its fixed form once written.
        if let (true, Some(fixed), Mode::Write) =
            (report.findings.is_empty(), &report.fixed, self.options.mode)
        {
            cache.record_clean(cache.key_for(&file_name, &settings, &rules, fixed.as_bytes()));
        }
        Ok(report)
    }

    /// The file's settings, with what the project index says about it (a
    /// part of the cache key like the rest).
    fn settings_for(&self, project: &Project, absolute: &Path) -> Arc<Settings> {
        let settings = project.settings_for(absolute);
        match self.index {
            Some(index) => index.with_facts(settings, absolute),
            None => settings,
        }
    }

    fn process_text(
        &self,
        path: &Path,
        source: &str,
        project: &Project,
        settings: &Settings,
        rules: &[&'static dyn Transform],
    ) -> Result<FileReport, FileError> {
        let selection = self.options.registry.selection(rules);
        engine::process_with(
            source,
            &file_name_of(path),
            selection,
            settings,
            self.options.apply(project),
            self.options.prefilter,
        )
    }

    /// `--verify`: CPython must compile the fixed text before it is written
    /// or shown. When it rejects the original as well, the fixes are not to
    /// blame, but they cannot be verified either, so nothing is applied.
    fn verify(
        &self,
        path: &Path,
        original: &[u8],
        fixed: &[u8],
        report: &FileReport,
    ) -> Result<(), FileError> {
        let Some(verifier) = &self.options.verifier else {
            return Ok(());
        };
        let shown = self.options.display(path);
        let message = match verifier.compile(&shown, fixed).map_err(FileError::Internal)? {
            Verdict::Compiles => return Ok(()),
            Verdict::Rejected(message) => message,
        };
        match verifier.compile(&shown, original).map_err(FileError::Internal)? {
            Verdict::Compiles => {
                let rules: Vec<&str> = report.fixes.keys().copied().collect();
                Err(FileError::RejectedByPython { rules: rules.join(", "), message })
            }
            Verdict::Rejected(original) => Err(FileError::Unverifiable(original)),
        }
    }

    /// The diff (`--diff`), the file written in place or the bytes for
    /// standard output (`--write`), once the fixes are verified.
    fn deliver(
        &self,
        path: &Path,
        destination: Destination,
        source: &Source,
        report: &FileReport,
        fixed_bytes: Option<Vec<u8>>,
    ) -> Result<Product, FileError> {
        let product = match (self.options.mode, destination) {
            (Mode::Check, _) => Product::Nothing,
            (Mode::Diff, _) => match &report.fixed {
                Some(fixed) => {
                    Product::Diff(unified_diff(&source.text, fixed, &self.options.display(path)))
                }
                None => Product::Nothing,
            },
            (Mode::Write, Destination::InPlace) => {
                if let Some(fixed_bytes) = fixed_bytes {
                    files::write_atomic(path, &source.encode(&source.text)?, &fixed_bytes)?;
                }
                Product::Nothing
            }
            // A filter gives its text back whether or not there was anything to fix.
            (Mode::Write, Destination::Stdout) => match fixed_bytes {
                Some(fixed_bytes) => Product::Stdout(fixed_bytes),
                None => Product::Stdout(source.encode(&source.text)?),
            },
        };
        Ok(product)
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| "-".to_string(), |name| name.to_string_lossy().to_string())
}
