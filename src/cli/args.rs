//! The command line as clap reads it. Only `cli::run` (for the commands that
//! exit at once) and `Options::resolve` read these fields.

use std::path::PathBuf;

use clap::Parser;

use crate::report::OutputFormat;
use crate::rule::PythonVersion;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "pyfix",
    version,
    about = "Find and fix the mistakes that bite Python code in production.",
    after_help = "Without --diff or --write, pyfix lists its findings.\n\
                  `pyfix server` starts a language server for editors (LSP over standard\n\
                  input and output; see \"Editors\" in the README); the settings flags\n\
                  (--config, --isolated, --select, --unsafe-fixes, ...) apply to it.\n\
                  Exit status: 0 nothing to report, 1 findings (or a diff), 2 an error."
)]
pub(crate) struct Args {
    /// Files or directories to process (`-` reads standard input).
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,

    /// Print a unified diff of the fixes; write nothing.
    #[arg(long, conflicts_with = "write")]
    pub(crate) diff: bool,

    /// Apply the fixes in place (`--fix` is an alias, as in ruff).
    #[arg(long, visible_alias = "fix")]
    pub(crate) write: bool,

    /// Apply the fixes in place like `--write`, and report only what was
    /// fixed: the findings that remain are not listed and do not make the
    /// exit status 1 (unless `--exit-non-zero-on-fix` and something was fixed).
    #[arg(long)]
    pub(crate) fix_only: bool,

    /// Add `# noqa: PFxxx` to every line with a finding (no fix is applied).
    #[arg(long, conflicts_with_all = ["diff", "write", "fix_only"])]
    pub(crate) add_noqa: bool,

    /// Also apply fixes that may change behaviour (see each rule's documentation).
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub(crate) unsafe_fixes: bool,

    /// Apply only safe fixes, whatever the configuration says.
    #[arg(long, overrides_with = "unsafe_fixes")]
    pub(crate) no_unsafe_fixes: bool,

    /// The file name standard input stands for (for messages and settings).
    #[arg(long, value_name = "NAME")]
    pub(crate) stdin_filename: Option<PathBuf>,

    /// List every rule: code, name, and the fix it offers.
    #[arg(long, exclusive = true)]
    pub(crate) list_rules: bool,

    /// Print a rule's documentation.
    #[arg(long, value_name = "RULE", exclusive = true)]
    pub(crate) explain: Option<String>,

    /// Custom rule files, or directories of them, on top of the configured
    /// `rule-dirs` (see "Write your own codemod" in the README).
    #[arg(long = "rules", value_name = "PATH", help_heading = "Custom rules")]
    pub(crate) rules: Vec<PathBuf>,

    /// Run the tests every custom rule file carries (`[[test]]`, `no-match`), and exit.
    #[arg(long, help_heading = "Custom rules", conflicts_with_all = ["diff", "write", "fix_only", "add_noqa"])]
    pub(crate) test_rules: bool,

    /// Run one named migration (`[codemods]` in the configuration): its
    /// rules only, in its order.
    #[arg(long, value_name = "NAME", help_heading = "Custom rules", conflicts_with = "select")]
    pub(crate) codemod: Option<String>,

    /// Do not read or write the cache of each file's result.
    #[arg(long)]
    pub(crate) no_cache: bool,

    /// Where the cache lives [default: .pyfix_cache in the project root].
    #[arg(long, value_name = "DIR", env = "PYFIX_CACHE_DIR")]
    pub(crate) cache_dir: Option<PathBuf>,

    /// Compile each fixed file with CPython (one interpreter for the whole
    /// run) before writing it or showing its diff; refuse a file it rejects.
    #[arg(long)]
    pub(crate) verify: bool,

    /// The interpreter `--verify` uses.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "python3",
        env = "PYFIX_PYTHON",
        requires = "verify"
    )]
    pub(crate) python: PathBuf,

    /// Parse every file, even one whose tokens rule out every selected rule
    /// (slower; reports the syntax errors of such files too).
    #[arg(long)]
    pub(crate) no_prefilter: bool,

    /// Rules to run: comma-separated codes, code prefixes or names (default: all).
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) select: Option<Vec<String>>,

    /// Rules to add to those the configuration selects.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) extend_select: Vec<String>,

    /// Rules to skip: comma-separated codes, code prefixes or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) ignore: Vec<String>,

    /// Rules whose fixes may be applied (default: all); the others are reported without a fix.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) fixable: Option<Vec<String>>,

    /// Rules whose fixes may be applied, on top of those the configuration allows.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) extend_fixable: Vec<String>,

    /// Rules whose fixes are never applied: they are reported without a fix.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Rule selection")]
    pub(crate) unfixable: Vec<String>,

    /// A configuration file to use for every file (`pyproject.toml` or
    /// `pyfix.toml`), or one `KEY = VALUE` option that overrides the configuration.
    #[arg(long, value_name = "PATH | KEY=VALUE", help_heading = "Configuration")]
    pub(crate) config: Vec<String>,

    /// Ignore every configuration file.
    #[arg(long, help_heading = "Configuration")]
    pub(crate) isolated: bool,

    /// The oldest Python the code must run on (`py38`, `py312`, ...).
    #[arg(long, value_name = "VERSION", value_parser = parse_target_version, help_heading = "Configuration")]
    pub(crate) target_version: Option<PythonVersion>,

    /// Print the settings that apply to each path, and exit.
    #[arg(long, help_heading = "Configuration")]
    pub(crate) show_settings: bool,

    /// Print the Python files pyfix would check, one per line, and exit.
    #[arg(long, conflicts_with_all = ["diff", "write", "fix_only", "add_noqa", "show_settings"], help_heading = "File selection")]
    pub(crate) show_files: bool,

    /// Glob patterns to leave out (replaces the configured and default ones).
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS", help_heading = "File selection")]
    pub(crate) exclude: Option<Vec<String>>,

    /// Glob patterns to leave out, on top of the configured ones.
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS", help_heading = "File selection")]
    pub(crate) extend_exclude: Vec<String>,

    /// Apply the exclusions to paths named on the command line too (for pre-commit).
    #[arg(long, overrides_with = "no_force_exclude", help_heading = "File selection")]
    pub(crate) force_exclude: bool,

    #[arg(long, overrides_with = "force_exclude", hide = true)]
    pub(crate) no_force_exclude: bool,

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Concise, help_heading = "Output")]
    pub(crate) output_format: OutputFormat,

    /// Print how many findings each rule has, instead of the findings.
    #[arg(long, help_heading = "Output")]
    pub(crate) statistics: bool,

    /// List the fixes applied (with --write) or that would be (with --diff), per file.
    #[arg(long, help_heading = "Output")]
    pub(crate) show_fixes: bool,

    /// Write a Markdown pull-request description of the fixes to FILE (with --write or --diff).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub(crate) summary: Option<PathBuf>,

    /// Exit with status 0 even when findings remain (errors still give 2).
    #[arg(short = 'e', long, help_heading = "Output")]
    pub(crate) exit_zero: bool,

    /// Exit with status 1 when a file was fixed, even if no finding remains.
    #[arg(long, help_heading = "Output")]
    pub(crate) exit_non_zero_on_fix: bool,

    /// Print the findings and nothing else.
    #[arg(short, long, help_heading = "Output")]
    pub(crate) quiet: bool,

    /// Print nothing; the exit status tells.
    #[arg(short, long, conflicts_with = "quiet", help_heading = "Output")]
    pub(crate) silent: bool,
}

/// `--target-version`: `py38`, `py312`, ...
fn parse_target_version(text: &str) -> Result<PythonVersion, String> {
    PythonVersion::from_target(text)
        .ok_or_else(|| format!("`{text}` is not a version like py38 or py312"))
}
