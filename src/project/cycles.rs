//! Import cycles: the strongly connected components of the graph of
//! import-time imports, a shortest cycle through each import in one, and
//! the import orders in which a cycle fails.
//!
//! A cycle fails when, entered at some module, a `from m import name`
//! runs while `m` is only partly run and has not yet bound `name`. That is
//! found by running the imports as Python would: each module from its
//! first import to its last, its parent packages first, a module already
//! started (done or partly run) not run again. Every module of a cycle is
//! tried as the first one imported. The work is bounded (`BUDGET`): past
//! it, a cycle is reported without the orders it fails in.
//!
//! An order can fail at several imports, one after the other: once the
//! first failing statement no longer runs at import (moved into the
//! functions that use it, as `import-cycle`'s fix does), the next one
//! fails. So, after a failure, the order is tried again without that
//! statement, up to `MAX_FAILURES` failures per order: a fix that moves
//! only the first would leave the order failing, and the next run would
//! have another fix to make.

use std::collections::VecDeque;
use std::collections::hash_map::Entry;
use std::path::PathBuf;

use foldhash::{HashMap, HashSet};

use super::modules::{Edge, Modules};
use crate::rule::settings::{CycleFailure, ImportCycle, ProjectFacts};

/// Steps (modules started, imports followed) the cycle analysis may take
/// for the paths, and as many for the import orders: far above what any
/// real project's cycles need, far below a quadratic blow-up on a monorepo.
const BUDGET: usize = 2_000_000;

/// The longest cycle shown whole in a message.
const MAX_SHOWN: usize = 16;

/// The most failing statements looked for in one import order.
const MAX_FAILURES: usize = 4;

/// Python's own recursion limit is about this deep; a chain of imports
/// deeper than this is not simulated.
const MAX_DEPTH: usize = 900;

/// The facts of every module in an import cycle, by path.
pub(super) fn facts(modules: &Modules, edges: &[Vec<Edge>]) -> HashMap<PathBuf, ProjectFacts> {
    let component = components(edges);
    let mut sizes: HashMap<usize, usize> = HashMap::default();
    for &c in &component {
        *sizes.entry(c).or_default() += 1;
    }
    let cyclic = |id: usize| sizes[&component[id]] > 1;
    let mut orders_budget = BUDGET;
    let failures = failures(modules, edges, &cyclic, &mut orders_budget);
    let mut budget = BUDGET;
    let mut paths = Paths::default();
    let mut facts = HashMap::default();
    for (from, module) in modules.list.iter().enumerate().filter(|(id, _)| cyclic(*id)) {
        let mut cycles: Vec<ImportCycle> = Vec::new();
        for edge in &edges[from] {
            let to = edge.target;
            if to == from || component[to] != component[from] {
                continue;
            }
            let imported = &modules.list[to].name;
            if cycles.iter().any(|cycle| &cycle.imported == imported) {
                continue;
            }
            let mut ids = vec![from];
            // Past the budget, the cycle's middle is left out: `a -> b -> ... -> a`.
            ids.extend(
                paths.shortest(edges, &component, to, from, &mut budget).unwrap_or_default(),
            );
            let failure = ids.windows(2).find_map(|pair| failures.get(&(pair[0], pair[1])));
            let name = |id: &usize| modules.list[*id].name.clone();
            let path: Vec<String> = match ids.len() {
                1 => vec![module.name.clone(), imported.clone(), "...".into(), module.name.clone()],
                // A cycle through a whole monorepo is shown by its ends.
                length if length > MAX_SHOWN => {
                    let mut shown: Vec<String> = ids[..MAX_SHOWN / 2].iter().map(name).collect();
                    shown.push(format!("... {} more ...", length - MAX_SHOWN + 1));
                    shown.extend(ids[length - MAX_SHOWN / 2 + 1..].iter().map(name));
                    shown
                }
                _ => ids.iter().map(name).collect(),
            };
            cycles.push(ImportCycle {
                imported: imported.clone(),
                path,
                failure: failure.cloned(),
            });
        }
        if !cycles.is_empty() {
            facts.insert(
                module.absolute.clone(),
                ProjectFacts { cycles, ..ProjectFacts::default() },
            );
        }
    }
    facts
}

/// Each module's strongly connected component (Tarjan's algorithm,
/// without recursion: a chain of 100,000 imports must not overflow).
fn components(edges: &[Vec<Edge>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNSEEN; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    for start in 0..count {
        if index[start] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut calls = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut at)) = calls.last_mut() {
            if let Some(edge) = edges[node].get(*at) {
                *at += 1;
                let to = edge.target;
                if index[to] == UNSEEN {
                    index[to] = next_index;
                    low[to] = next_index;
                    next_index += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    calls.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = node;
                    if member == node {
                        break;
                    }
                }
            }
        }
    }
    component
}

/// Shortest paths inside a component, one breadth-first search per start.
#[derive(Default)]
struct Paths {
    /// start → (module → the module before it on a shortest path).
    trees: HashMap<usize, HashMap<usize, usize>>,
}

impl Paths {
    /// The modules from `from` to `to` (both included) along imports
    /// inside their component; `None` past the budget.
    fn shortest(
        &mut self,
        edges: &[Vec<Edge>],
        component: &[usize],
        from: usize,
        to: usize,
        budget: &mut usize,
    ) -> Option<Vec<usize>> {
        let tree = match self.trees.entry(from) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(breadth_first(edges, component, from, budget)?),
        };
        let mut path = vec![to];
        let mut at = to;
        while at != from {
            at = *tree.get(&at)?;
            path.push(at);
        }
        path.reverse();
        Some(path)
    }
}

fn breadth_first(
    edges: &[Vec<Edge>],
    component: &[usize],
    from: usize,
    budget: &mut usize,
) -> Option<HashMap<usize, usize>> {
    let mut before = HashMap::default();
    let mut queue = VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        for edge in &edges[node] {
            *budget = budget.checked_sub(1)?;
            let to = edge.target;
            if to != from && component[to] == component[from] && !before.contains_key(&to) {
                before.insert(to, node);
                queue.push_back(to);
            }
        }
    }
    Some(before)
}

/// For each import that fails in some order, keyed by (importer, module):
/// the first such order found.
fn failures(
    modules: &Modules,
    edges: &[Vec<Edge>],
    cyclic: &dyn Fn(usize) -> bool,
    budget: &mut usize,
) -> HashMap<(usize, usize), CycleFailure> {
    let mut found = HashMap::default();
    'entries: for entry in (0..edges.len()).filter(|&id| cyclic(id)) {
        // (importer, statement) that failed in this order, run again without.
        let mut skipped = HashSet::default();
        for _ in 0..MAX_FAILURES {
            let mut run = Run {
                modules,
                edges,
                started: HashMap::default(),
                skipped: &skipped,
                budget: &mut *budget,
            };
            match run.import(entry, 0) {
                Outcome::Imported => break,
                Outcome::Failed { importer, module, name, at } => {
                    found.entry((importer, module)).or_insert_with(|| CycleFailure {
                        entry: modules.list[entry].name.clone(),
                        importer: modules.list[importer].name.clone(),
                        module: modules.list[module].name.clone(),
                        name,
                    });
                    if !skipped.insert((importer, at)) {
                        break;
                    }
                }
                Outcome::OutOfBudget => break 'entries,
            }
        }
    }
    found
}

enum Outcome {
    Imported,
    /// `at`: where the failing statement starts in `importer`.
    Failed {
        importer: usize,
        module: usize,
        name: String,
        at: u32,
    },
    OutOfBudget,
}

/// One simulated `import` of a module, with `sys.modules` as it fills.
struct Run<'a> {
    modules: &'a Modules,
    edges: &'a [Vec<Edge>],
    /// Module → how far it has run: `None` once done.
    started: HashMap<usize, Option<u32>>,
    /// Statements (module, start) that do not run: they failed in an
    /// earlier try of the same order.
    skipped: &'a HashSet<(usize, u32)>,
    budget: &'a mut usize,
}

impl Run<'_> {
    fn import(&mut self, id: usize, depth: usize) -> Outcome {
        if depth > MAX_DEPTH {
            return Outcome::OutOfBudget;
        }
        let Some(left) = self.budget.checked_sub(1) else { return Outcome::OutOfBudget };
        *self.budget = left;
        if let Some(parent) = self.modules.parent(id) {
            match self.import(parent, depth + 1) {
                Outcome::Imported => {}
                other => return other,
            }
        }
        if self.started.contains_key(&id) {
            return Outcome::Imported;
        }
        self.started.insert(id, Some(0));
        for edge in &self.edges[id] {
            if self.skipped.contains(&(id, edge.at)) {
                continue;
            }
            self.started.insert(id, Some(edge.at));
            match self.import(edge.target, depth + 1) {
                Outcome::Imported => {}
                other => return other,
            }
            let Some(name) = edge.name.as_ref().filter(|_| !edge.guarded) else { continue };
            if let Some(&Some(at)) = self.started.get(&edge.target)
                && self.modules.list[edge.target].record.binds_only_after(name, at)
            {
                let (module, name) = (edge.target, name.clone());
                return Outcome::Failed { importer: id, module, name, at: edge.at };
            }
        }
        self.started.insert(id, None);
        Outcome::Imported
    }
}
