//! The run over the paths named: the files under them processed in
//! parallel, and printed in path order whatever order the threads finish in.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use crate::cache::Cache;
use crate::cli::exit::ExitStatus;
use crate::cli::files;
use crate::cli::options::Options;
use crate::cli::outcome::{Outcome, print_config_errors, print_error};
use crate::cli::pipeline::{Input, Pipeline, Product};
use crate::cli::progress::Progress;
use crate::config::resolver::{Project, Resolver};
use crate::project::{LiveIndex, ModuleFile, ProjectIndex, Read};
use crate::report::{LogLevel, Printer, Totals};
use crate::syntax::scan::Scan;

/// A file to process, with the settings that apply to it and its absolute path.
struct Job {
    path: PathBuf,
    project: Arc<Project>,
    absolute: PathBuf,
}

/// Processes every file under the paths, in parallel, printing in path order.
pub(crate) fn run(options: &Options) -> ExitStatus {
    let cache = options.cache_dir.as_deref().map(|dir| {
        // The rules are part of each file's key (they can differ per file).
        Cache::open(dir, options.registry)
    });
    let mut totals = Totals::default();
    let Some((jobs, errors)) = discover(options) else {
        return ExitStatus::Error;
    };
    totals.errors += errors;
    if jobs.is_empty() && totals.errors == 0 && options.output.level == LogLevel::Normal {
        // As ruff does: an empty run is more often a wrong path than a clean one.
        eprintln!("pyfix: warning: no Python files found under the given paths");
    }

    let mut printer = options.printer(options.output.stdout_paint);
    let (index, reads) = project_index(options, &jobs);
    let pipeline = Pipeline::new(options, cache.as_ref(), index.as_ref());
    process_in_order(&pipeline, &jobs, reads, &mut printer, &mut totals);
    if let Some(cache) = cache
        && let Err(err) = cache.save()
    {
        eprintln!("pyfix: warning: cannot write the cache: {err}");
    }
    totals.unsafe_fixes = jobs.iter().any(|job| job.project.unsafe_fixes);
    let _ = printer.finish(&totals, &mut io::stdout().lock(), &mut io::stderr().lock());
    options.finish(&totals)
}

/// `--show-files`: the files a run over the paths would check (after the
/// walk, the exclusions and `.gitignore`), one per line, sorted; nothing is
/// read or checked.
pub(crate) fn show_files(options: &Options) -> ExitStatus {
    if options.reads_stdin() {
        // Standard input is the one file: shown by the name it stands for.
        let name = options.stdin_filename.as_deref().map(|path| options.display(path));
        let _ = writeln!(io::stdout().lock(), "{}", name.as_deref().unwrap_or("-"));
        return ExitStatus::Success;
    }
    let Some((jobs, errors)) = discover(options) else {
        return ExitStatus::Error;
    };
    let mut shown: Vec<String> = jobs.iter().map(|job| options.display(&job.path)).collect();
    shown.sort();
    let mut stdout = io::stdout().lock();
    for path in shown {
        let _ = writeln!(stdout, "{path}");
    }
    if errors == 0 { ExitStatus::Success } else { ExitStatus::Error }
}

/// `--add-noqa`: a `# noqa` directive for every finding of every file,
/// then how many were added ("Added 3 noqa directives.", as ruff says it).
pub(crate) fn add_noqa(options: &Options) -> ExitStatus {
    let cache = options.cache_dir.as_deref().map(|dir| Cache::open(dir, options.registry));
    let Some((jobs, mut errors)) = discover(options) else {
        return ExitStatus::Error;
    };
    let (index, reads) = project_index(options, &jobs);
    let pipeline = Pipeline::new(options, cache.as_ref(), index.as_ref());
    let results: Vec<_> = jobs
        .par_iter()
        .zip(reads)
        .map(|(job, read)| pipeline.add_noqa(&job.path, &job.project, &job.absolute, read))
        .collect();
    let (mut added, mut skipped) = (0, 0);
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((file_added, file_skipped)) => {
                added += file_added;
                skipped += file_skipped;
            }
            Err(error) => {
                print_error(options, &job.path, &error);
                errors += 1;
            }
        }
    }
    if let Some(cache) = cache
        && let Err(err) = cache.save()
    {
        eprintln!("pyfix: warning: cannot write the cache: {err}");
    }
    if options.output.level > LogLevel::Silent {
        let mut stdout = io::stdout().lock();
        let directives = if added == 1 { "directive" } else { "directives" };
        let _ = writeln!(stdout, "Added {added} noqa {directives}.");
        if skipped > 0 {
            let findings = if skipped == 1 { "finding" } else { "findings" };
            let _ = writeln!(
                stdout,
                "Skipped {skipped} {findings} on a line that ends inside a string (no comment can go there)."
            );
        }
    }
    if errors > 0 { ExitStatus::Error } else { ExitStatus::Success }
}

/// The project index of the run's files, when some rule reads it (its
/// configuration problems are printed once, as warnings), and what it read
/// of each job's file, for the check (one per job).
fn project_index(options: &Options, jobs: &[Job]) -> (Option<ProjectIndex>, Vec<Option<Read>>) {
    let mut reads: Vec<Option<Read>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    let Some((files, owners)) = module_files(jobs) else {
        return (None, reads);
    };
    // The index scans every file: the rules' prefilters, asked then, spare
    // the check most files.
    let judge = Pipeline::new(options, None, None);
    let verdict = |position: usize, text: &str, scanned: &Scan<'_>| {
        let job = &jobs[owners[position]];
        judge.finds_nothing(&job.path, &job.project, &job.absolute, (text, scanned))
    };
    let (index, read) = ProjectIndex::build_judging(files, &verdict);
    for (owner, read) in owners.into_iter().zip(read) {
        reads[owner] = read;
    }
    if options.output.level > LogLevel::Silent {
        for problem in index.problems() {
            eprintln!("pyfix: warning: {problem}");
        }
    }
    (Some(index), reads)
}

/// The modules among the jobs, when some rule reads the project, with the
/// position of each one's job.
fn module_files(jobs: &[Job]) -> Option<(Vec<ModuleFile>, Vec<usize>)> {
    let reads_project =
        |job: &Job| job.project.rules_for(&job.absolute).iter().any(|rule| rule.reads_project());
    if !jobs.iter().any(reads_project) {
        return None;
    }
    // Stubs describe modules; they are never run.
    let files = jobs
        .par_iter()
        .enumerate()
        .filter(|(_, job)| job.absolute.extension().is_none_or(|extension| extension != "pyi"))
        .map(|(position, job)| {
            let location = job.project.module_for(&job.absolute);
            (ModuleFile::new(job.absolute.clone(), &location), position)
        })
        .unzip();
    Some(files)
}

/// The language server's index: the modules under the current folder (the
/// workspace's), walked as a run over `.` walks them, when some rule reads
/// the project. Its configuration problems go to standard error, the
/// server's log.
pub(crate) fn workspace_index(resolver: &Arc<Resolver>) -> Option<LiveIndex> {
    let collected = files::collect(&[PathBuf::from(".")], exclusions(resolver.clone()));
    let (files, _) = module_files(&jobs(resolver, collected.files))?;
    let index = LiveIndex::build(files);
    for problem in index.index().problems() {
        eprintln!("pyfix server: warning: {problem}");
    }
    Some(index)
}

/// `--force-exclude` (or `force-exclude = true`) leaves out a path named
/// on the command line when an exclusion matches it or a folder above it.
/// The files under the paths, as jobs, and how many paths could not be
/// read (each printed). `None` when a configuration cannot be read: that
/// stops the run before any file is touched (its errors are printed).
fn discover(options: &Options) -> Option<(Vec<Job>, usize)> {
    let explicit: Vec<PathBuf> =
        options.paths.iter().filter(|path| !force_excluded(options, path)).cloned().collect();
    let collected = files::collect(&explicit, exclusions(options.resolver.clone()));
    let jobs = jobs(&options.resolver, collected.files);
    let config_errors = options.resolver.errors();
    if !config_errors.is_empty() {
        print_config_errors(options, &config_errors);
        return None;
    }
    for (path, error) in &collected.errors {
        print_error(options, path, error);
    }
    Some((jobs, collected.errors.len()))
}

fn force_excluded(options: &Options, path: &Path) -> bool {
    match options.resolver.for_file(path) {
        Ok((project, absolute)) => {
            project.force_exclude && project.is_excluded_with_ancestors(&absolute)
        }
        Err(_) => false,
    }
}

/// What the walk leaves out: the exclusions of the configuration that
/// applies where it is.
fn exclusions(resolver: Arc<Resolver>) -> files::Exclude {
    Arc::new(move |path: &Path| {
        let absolute = resolver.absolute(path);
        let directory = absolute.parent().unwrap_or(&absolute);
        resolver.for_directory(directory).is_ok_and(|project| project.is_excluded(&absolute))
    })
}

/// The files with their settings. A file whose configuration cannot be
/// read has none: the resolver keeps that error for the run to report.
fn jobs(resolver: &Resolver, files: Vec<PathBuf>) -> Vec<Job> {
    // On every core: on a monorepo, finding 100,000 files' settings one
    // after another left a core idle for a tenth of a second. The order of
    // the files is kept.
    files
        .into_par_iter()
        .filter_map(|path| {
            let (project, absolute) = resolver.for_file(&path).ok()?;
            Some(Job { path, project, absolute })
        })
        .collect()
}

/// Runs the jobs on rayon's threads and prints each outcome as soon as the
/// ones before it in path order are printed.
fn process_in_order(
    pipeline: &Pipeline<'_>,
    jobs: &[Job],
    reads: Vec<Option<Read>>,
    printer: &mut Printer,
    totals: &mut Totals,
) {
    let options = pipeline.options();
    let mut progress = Progress::new(jobs.len(), options.output.level);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let work = jobs.par_iter().zip(reads).enumerate();
            work.for_each_with(sender, |sender, (index, (job, read))| {
                // The receiver lives until every file is sent.
                let _ = sender.send((index, process(pipeline, job, read)));
            });
        });
        // Results arrive in any order; print them in path order as soon as
        // the next one in line is in.
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (index, outcome) in receiver {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&next) {
                progress.advance();
                progress.around(|| outcome.print(options, printer, totals));
                next += 1;
            }
        }
    });
    progress.finish();
}

/// One file through the pipeline; only what printing needs is kept.
fn process(pipeline: &Pipeline<'_>, job: &Job, read: Option<Read>) -> Outcome {
    let path = job.path.clone();
    match pipeline.process(Input::File(&job.path, read), &job.project, &job.absolute) {
        Ok(processed) => {
            let options = pipeline.options();
            // Only the full format shows source lines; the others need no text.
            let text = options.keeps_text().then(|| processed.text().to_string());
            let diff = match processed.product {
                Product::Diff(diff) => Some(diff),
                Product::Nothing | Product::Stdout(_) => None,
            };
            Outcome::Done {
                path,
                report: processed.report,
                text,
                diff,
                threshold: options.threshold(&job.project),
            }
        }
        Err(error) => Outcome::Failed { path, error },
    }
}
