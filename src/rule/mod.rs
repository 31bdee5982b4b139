//! The rule interface: what a rule is (`RuleMeta` plus `Transform::check`,
//! in `transform`), what it sees of a file (`Context`), what it reports
//! (`Diagnostic`, with an optional `Fix`), suppression comments, and the
//! registry the binary hands to the engine. Everything here sits above
//! `syntax` and `semantic` and below `engine`.

pub mod diagnostic;
pub mod docs;
pub mod fix;
pub mod importer;
pub mod registry;
pub mod settings;
pub mod suppression;
pub mod transform;

pub use diagnostic::Diagnostic;
pub use fix::{Applicability, Edit, Fix};
pub use registry::{Registry, Selection};
pub use settings::{PythonVersion, Settings};
pub use transform::{Context, FileInfo, FixKind, RuleMeta, Transform, doc_comment};
