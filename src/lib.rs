//! pyfix finds and fixes the mistakes that bite Python code in production.
//!
//! A file goes: read → parse (tree-sitter) → `Semantic` → every selected
//! `Transform` → fixes applied without overlap → re-parse → repeat → diff or
//! atomic write. `src/` is the engine and names no rule; the rules live in
//! `transforms/`, one file each.

pub mod cache;
pub mod cli;
pub mod config;
pub mod diff;
pub mod engine;
pub mod error;
pub mod except_handler;
pub mod files;
pub mod fix;
pub mod importer;
pub mod logger;
pub mod module;
pub mod report;
pub mod scan;
pub mod scope;
pub mod semantic;
pub mod settings;
pub mod skeleton;
pub mod summary;
pub mod suppression;
pub mod transform;
pub mod verify;
pub mod walk;

#[path = "../transforms/mod.rs"]
pub mod transforms;
