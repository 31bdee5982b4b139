//! The rules. Each file here is one rule, documented at its head (its
//! `META` and its `Transform` impl); `helpers/` holds what several rules
//! share. `REGISTRY` lists every rule, in code order; the binary hands it
//! to the engine.

use crate::rule::{Registry, Transform};

pub mod helpers;

mod asyncio_run_in_coroutine;
mod bare_except;
mod blocking_call_in_coroutine;
mod debugger_leftover;
mod del_cleanup;
mod eager_cli_import;
mod exception_without_traceback;
mod float_equality;
mod fork_with_threads;
mod import_cycle;
mod import_path_hack;
mod late_binding_closure;
mod leaking_patcher;
mod mutable_default;
mod open_without_with;
mod swallowed_exception;
mod unused_suppression;

/// Every rule, in code order.
pub static ALL: &[&dyn Transform] = &[
    &mutable_default::MutableDefault,
    &bare_except::BareExcept,
    &swallowed_exception::SwallowedException,
    &late_binding_closure::LateBindingClosure,
    &eager_cli_import::EagerCliImport,
    &exception_without_traceback::ExceptionWithoutTraceback,
    &del_cleanup::DelCleanup,
    &open_without_with::OpenWithoutWith,
    &blocking_call_in_coroutine::BlockingCallInCoroutine,
    &asyncio_run_in_coroutine::AsyncioRunInCoroutine,
    &float_equality::FloatEquality,
    &debugger_leftover::DebuggerLeftover,
    &fork_with_threads::ForkWithThreads,
    &import_path_hack::ImportPathHack,
    &leaking_patcher::LeakingPatcher,
    &import_cycle::ImportCycle,
    &unused_suppression::UnusedSuppression,
];

/// The registry of every rule, as the binary hands it to `cli::run`.
pub const REGISTRY: Registry = Registry::new(ALL);
