//! The syntax layer: what pyfix knows of a file without names. `scan` reads
//! tokens (for prefilters and skeletons), `module` parses with tree-sitter
//! and checks the tree, `walk` indexes and visits nodes, `skeleton` blanks
//! the bodies no rule needs.

pub mod kind;
pub mod module;
pub mod scan;
pub mod skeleton;
pub mod version;
pub mod walk;
