//! The set of rules a run knows. The binary builds it from `transforms` and
//! hands it down; nothing below the binary names a rule.

use std::fmt;

use crate::rule::suppression::KnownRules;
use crate::rule::transform::Transform;

/// Every known rule, in code order.
#[derive(Clone, Copy)]
pub struct Registry {
    rules: &'static [&'static dyn Transform],
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.rules.iter().map(|rule| rule.code())).finish()
    }
}

impl Registry {
    pub const fn new(rules: &'static [&'static dyn Transform]) -> Registry {
        Registry { rules }
    }

    pub fn rules(&self) -> &'static [&'static dyn Transform] {
        self.rules
    }

    /// The rule with this code (any case) or name.
    pub fn find(&self, code_or_name: &str) -> Option<&'static dyn Transform> {
        self.rules.iter().copied().find(|rule| {
            rule.code().eq_ignore_ascii_case(code_or_name) || rule.name() == code_or_name
        })
    }

    /// The rule that another linter's code (`B006`, any case) names the
    /// check of (see `RuleMeta::aliases`).
    pub fn find_alias(&self, code: &str) -> Option<&'static dyn Transform> {
        self.rules
            .iter()
            .copied()
            .find(|rule| rule.meta().aliases.iter().any(|alias| alias.eq_ignore_ascii_case(code)))
    }

    /// Where the rule with this code stands in the registry.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.rules.iter().position(|rule| rule.code() == code)
    }

    /// The registry's own copy of `code`, when a rule has it (codes read
    /// back from a cache must be `'static`).
    pub fn code(&self, code: &str) -> Option<&'static str> {
        self.rules.iter().map(|rule| rule.code()).find(|known| *known == code)
    }

    /// True when `selector` picks at least one rule.
    pub fn knows(&self, selector: &str) -> bool {
        self.rules.iter().any(|rule| selector_matches(selector, *rule))
    }
}

impl KnownRules for Registry {
    fn code_of(&self, code_or_name: &str) -> Option<&'static str> {
        self.find(code_or_name).map(|rule| rule.code())
    }

    fn code_for_alias(&self, code: &str) -> Option<&'static str> {
        self.find_alias(code).map(|rule| rule.code())
    }

    fn has_aliases(&self, code: &str) -> bool {
        self.find(code).is_some_and(|rule| !rule.meta().aliases.is_empty())
    }

    fn codes(&self) -> Vec<&'static str> {
        self.rules.iter().map(|rule| rule.code()).collect()
    }
}

/// True when `selector` (a code, a code prefix, a name or `ALL`) picks `rule`.
pub fn selector_matches(selector: &str, rule: &dyn Transform) -> bool {
    let selector = selector.trim();
    let code = rule.code();
    selector.eq_ignore_ascii_case("ALL")
        || selector == rule.name()
        || (!selector.is_empty()
            && code.len() >= selector.len()
            && code[..selector.len()].eq_ignore_ascii_case(selector))
}

/// The rules chosen for one file, with the registry they were chosen from
/// (a suppression comment may name any known rule).
#[derive(Clone, Copy)]
pub struct Selection<'a> {
    pub registry: Registry,
    pub rules: &'a [&'a dyn Transform],
}

impl Registry {
    /// Every known rule, selected.
    pub fn select_all(&self) -> Selection<'static> {
        Selection { registry: *self, rules: self.rules }
    }

    /// These rules, chosen from this registry.
    pub fn selection<'a>(&self, rules: &'a [&'a dyn Transform]) -> Selection<'a> {
        Selection { registry: *self, rules }
    }
}

/// Stand-in rules for the tests of the layers that take a registry: the
/// codes and names of real rules, checks that find nothing.
#[cfg(test)]
pub(crate) mod testing {
    use super::Registry;
    use crate::rule::diagnostic::Diagnostic;
    use crate::rule::transform::{Context, FixKind, RuleMeta, Transform};

    struct Stub(&'static RuleMeta);

    impl Transform for Stub {
        fn meta(&self) -> &'static RuleMeta {
            self.0
        }

        fn check(&self, _: &Context<'_>) -> Vec<Diagnostic> {
            Vec::new()
        }
    }

    const fn meta(code: &'static str, name: &'static str) -> RuleMeta {
        RuleMeta { code, name, fix: FixKind::None, source: "", aliases: &[] }
    }

    static MUTABLE_DEFAULT: Stub =
        Stub(&RuleMeta { aliases: &["B006"], ..meta("PF001", "mutable-default") });
    static BARE_EXCEPT: Stub = Stub(&meta("PF002", "bare-except"));
    static UNUSED_SUPPRESSION: Stub = Stub(&meta("PF100", "unused-suppression"));

    /// PF001 `mutable-default`, PF002 `bare-except`, PF100 `unused-suppression`.
    pub(crate) static REGISTRY: Registry =
        Registry::new(&[&MUTABLE_DEFAULT, &BARE_EXCEPT, &UNUSED_SUPPRESSION]);
}
