//! Arbitrary bytes through the whole engine, all rules, unsafe fixes:
//! nothing may panic, no fix may break the syntax (an internal error is a
//! finding here, although the engine would safely drop such a fix), and a
//! second run must find nothing more to fix.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyfix::engine;
use pyfix::error::FileError;
use pyfix::cli::files;
use pyfix::rule::Applicability;
use pyfix::rule::settings::Settings;
use pyfix::transforms::REGISTRY;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = files::decode(data.to_vec()) else { return };
    let settings = Settings::default();
    let report = match engine::process(&source.text, "fuzz.py", REGISTRY.select_all(), &settings, Some(Applicability::Unsafe)) {
        Ok(report) => report,
        Err(FileError::Internal(message)) => panic!("internal error: {message}"),
        Err(_) => return,
    };
    let Some(fixed) = report.fixed else { return };
    match engine::process(&fixed, "fuzz.py", REGISTRY.select_all(), &settings, Some(Applicability::Unsafe)) {
        Ok(again) => assert!(again.fixed.is_none(), "not idempotent:\n{fixed}"),
        Err(err) => panic!("the fixed text fails a second run ({err}):\n{fixed}"),
    }
});
