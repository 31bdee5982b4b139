//! What pyfix prints about the files it processed: the findings in the
//! format `--output-format` names, `--statistics`, the fixes it made, the
//! closing summary, and the Markdown description of `--summary`.

mod closing;
pub mod diff;
mod format;
mod mode;
mod paint;
mod printer;
mod statistics;
pub mod summary;
mod totals;
mod words;

pub use format::OutputFormat;
pub use mode::{LogLevel, Mode};
pub use paint::Paint;
pub use printer::{Printer, PrinterOptions};
pub use totals::{ChangedFile, FileResult, Totals};
pub use words::{plural, section};
