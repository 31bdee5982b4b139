//! pyfix finds and fixes the mistakes that bite Python code in production.
//!
//! A file goes: read → scan and plan → parse (tree-sitter) → `Semantic` →
//! every selected rule → fixes applied without overlap → re-parse → repeat
//! → diff or atomic write.
//!
//! The layers, each using only those before it:
//! - `error`: what can go wrong with one file;
//! - `syntax`: tokens, the tree and its node index, skeletons;
//! - `semantic`: scopes, bindings, references, imports;
//! - `rule`: the rule interface (`Transform`, `RuleMeta`, `Context`,
//!   `Diagnostic`, `Fix`), the importer, suppression comments, the registry;
//! - `codemod`: custom rules written as data (a pattern, constraints, a
//!   rewrite template), compiled into rules beside the built-in ones;
//! - `engine`: one file's passes, planning and fix application;
//! - `config`, `report`, `cache`, `project`: configuration files and
//!   settings per file; output; each file's result kept between runs; the
//!   project index (every module's import-time imports, import cycles);
//! - `server`: the language server (`pyfix server`), for editors;
//! - `cli`: arguments, the parallel run, reading and writing files.
//!
//! The rules live in `transforms/`, one file each, with the helpers they
//! share in `transforms/helpers/`. No module of `src/` names a rule: the
//! binary hands the registry (`transforms::REGISTRY`) to `cli::run`.

// A user's file must never make pyfix panic; output goes through `report`
// or the CLI's own printers.
#![warn(clippy::unwrap_used, clippy::print_stdout)]

pub mod cache;
pub mod cli;
pub mod codemod;
pub mod config;
pub mod engine;
pub mod error;
pub mod project;
pub mod report;
pub mod rule;
pub mod semantic;
pub mod server;
pub mod syntax;

#[path = "../transforms/mod.rs"]
pub mod transforms;
