//! `cargo bench`: what each phase of a run costs over a corpus, and the
//! floors pyfix is measured against: reading every file, and tree-sitter
//! parsing every file (both on all cores, as a run does).
//!
//! `cargo bench --bench hot_paths -- [DIR ...]` (default: this machine's
//! CPython standard library). Each phase runs three times; the best time is
//! printed, then one JSON line for `tests/scripts/bench.py`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pyfix::cli::files;
use pyfix::engine::plan::{Plan, matching_rules, plan};
use pyfix::engine::run_rules;
use pyfix::rule::FileInfo;
use pyfix::rule::settings::{PythonVersion, Settings};
use pyfix::syntax::module::Module;
use pyfix::syntax::scan::scan;
use pyfix::syntax::skeleton::Skeleton;
use pyfix::transforms::{ALL, REGISTRY};
use rayon::prelude::*;

fn stdlib() -> PathBuf {
    let output = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"])
        .output()
        .expect("python3 runs");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

fn python_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in roots {
        for entry in ignore::WalkBuilder::new(root).standard_filters(false).build().flatten() {
            let path = entry.path();
            let is_python = path.extension().is_some_and(|ext| ext == "py");
            if is_python
                && entry.file_type().is_some_and(|kind| kind.is_file())
                && !path.to_string_lossy().contains("site-packages")
            {
                found.push(path.to_path_buf());
            }
        }
    }
    found
}

/// The best of three runs of `work`.
fn best_of_three(work: impl Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn parse_only(source: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_python::LANGUAGE.into()).expect("the grammar loads");
    parser.parse(source, None).is_some()
}

fn main() {
    let roots: Vec<PathBuf> =
        std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).map(PathBuf::from).collect();
    let roots = if roots.is_empty() { vec![stdlib()] } else { roots };
    let paths = python_files(&roots);
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|path| files::decode(fs::read(path).ok()?).ok().map(|source| source.text))
        .collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    let settings = Settings::default();

    let read = best_of_three(|| {
        let total: usize = paths.par_iter().map(|path: &PathBuf| read_len(path)).sum();
        assert!(total > 0, "nothing was read");
    });
    let parse = best_of_three(|| {
        assert!(sources.par_iter().all(|source| parse_only(source)));
    });
    let scan_one_core = best_of_three(|| {
        sources
            .iter()
            .for_each(|source| assert!(scan(source.as_bytes()).lines.len() <= source.len() + 1));
    });
    let module_one_core = best_of_three(|| {
        sources.iter().for_each(|source| drop(Module::parse(source, "bench.py")));
    });
    let modules: Vec<Module<'_>> =
        sources.iter().filter_map(|source| Module::parse(source, "bench.py").ok()).collect();
    let rules_one_core = best_of_three(|| {
        modules.iter().for_each(|module| drop(run_rules(module, REGISTRY.select_all(), &settings)));
    });

    let plans = plan_counts(&sources, &settings);
    // The engine scans each file once for its plan and its parse.
    let parse_planned = |(index, skeleton): &(usize, Skeleton)| {
        Module::parse_skeleton(
            skeleton,
            &scan(sources[*index].as_bytes()),
            "bench.py",
            PythonVersion::DEFAULT,
        )
        .is_ok()
    };
    let rejected = plans
        .texts
        .iter()
        .filter(|planned| {
            let skipping = parse_planned(planned);
            let blank = Module::parse(&planned.1.text, "bench.py").is_ok();
            if skipping != blank {
                eprintln!(
                    "MISMATCH skipping={skipping} blank={blank} {:?}",
                    &planned.1.text[..80.min(planned.1.text.len())]
                );
            }
            !skipping
        })
        .count();
    println!("{rejected} planned texts do not parse");
    let planned_one_core = best_of_three(|| {
        plans.texts.iter().for_each(|planned| {
            std::hint::black_box(parse_planned(planned));
        });
    });
    let megabytes = bytes as f64 / 1e6;
    println!("{} files, {megabytes:.1} MB", sources.len());
    let rows = [
        ("read-only floor (all cores)", read),
        ("parse-only floor (all cores)", parse),
        ("byte scan (one core)", scan_one_core),
        ("parse + node index (one core)", module_one_core),
        ("all rules, semantic model included (one core)", rules_one_core),
        ("scan, parse + node index of what the plans keep (one core)", planned_one_core),
    ];
    for (label, time) in rows {
        println!(
            "{label:<58} {:>8.3} s  {:>7.1} MB/s",
            time.as_secs_f64(),
            megabytes / time.as_secs_f64()
        );
    }
    println!(
        "plans: {} files ({:.1} MB) nothing to find, {} ({:.1} MB) whole, {} ({:.1} MB) skeleton, of which {:.1} MB blanked, {:.1} MB not even read",
        plans.nothing.0,
        plans.nothing.1 as f64 / 1e6,
        plans.whole.0,
        plans.whole.1 as f64 / 1e6,
        plans.skeleton.0,
        plans.skeleton.1 as f64 / 1e6,
        plans.blanked as f64 / 1e6,
        plans.skipped as f64 / 1e6
    );
    println!("parsed whole because: {:?}", plans.why_whole);
    println!(
        "{{\"files\": {}, \"bytes\": {bytes}, \"read_s\": {:.4}, \"parse_s\": {:.4}}}",
        sources.len(),
        read.as_secs_f64(),
        parse.as_secs_f64()
    );
}

fn read_len(path: &Path) -> usize {
    fs::read(path).map(|bytes| bytes.len()).unwrap_or(0)
}

/// Files and bytes per skeleton plan (see `pyfix::engine::plan`).
#[derive(Default)]
struct PlanCounts {
    nothing: (usize, usize),
    whole: (usize, usize),
    skeleton: (usize, usize),
    blanked: usize,
    /// Bytes the parser does not read.
    skipped: usize,
    /// What is parsed: the skeletons and the whole files, with the index
    /// of the source each comes from.
    texts: Vec<(usize, Skeleton)>,
    why_whole: std::collections::BTreeMap<String, usize>,
}

fn plan_counts(sources: &[String], settings: &Settings) -> PlanCounts {
    let file = FileInfo { file_name: "bench.py", settings };
    let mut counts = PlanCounts::default();
    for (index, source) in sources.iter().enumerate() {
        let scanned = scan(source.as_bytes());
        let slot = match plan(&scanned, &matching_rules(&scanned, ALL, &file), &file) {
            Plan::NothingToFind => &mut counts.nothing,
            Plan::Whole(why) => {
                *counts.why_whole.entry(format!("{why:?}")).or_default() += 1;
                counts.texts.push((
                    index,
                    Skeleton {
                        text: source.clone(),
                        blanked: Vec::new(),
                        skipped: Vec::new(),
                        replaced: Vec::new(),
                    },
                ));
                &mut counts.whole
            }
            Plan::Skeleton(skeleton) => {
                counts.blanked += skeleton.blanked.iter().map(|range| range.len()).sum::<usize>();
                counts.skipped += skeleton.skipped.iter().map(|range| range.len()).sum::<usize>();
                counts.texts.push((index, skeleton));
                &mut counts.skeleton
            }
        };
        slot.0 += 1;
        slot.1 += source.len();
    }
    counts
}
