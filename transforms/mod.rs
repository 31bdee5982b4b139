//! The rules. Each file here is one rule, documented at its head; `ALL`
//! is the single registry, in code order.

use crate::transform::Transform;

mod bare_except;
mod del_cleanup;
mod eager_cli_import;
mod exception_without_traceback;
mod late_binding_closure;
mod mutable_default;
mod open_without_with;
mod swallowed_exception;
mod unused_suppression;

pub static ALL: &[&dyn Transform] = &[
    &mutable_default::MutableDefault,
    &bare_except::BareExcept,
    &swallowed_exception::SwallowedException,
    &late_binding_closure::LateBindingClosure,
    &eager_cli_import::EagerCliImport,
    &exception_without_traceback::ExceptionWithoutTraceback,
    &del_cleanup::DelCleanup,
    &open_without_with::OpenWithoutWith,
    &unused_suppression::UnusedSuppression,
];

/// The rule with this code or name.
pub fn find(selector: &str) -> Option<&'static dyn Transform> {
    ALL.iter()
        .copied()
        .find(|rule| rule.code().eq_ignore_ascii_case(selector) || rule.name() == selector)
}
