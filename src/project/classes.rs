//! Classes across the project's modules: each module-level class's bases
//! resolved through its module's imports to the project class they name
//! (following a package's `__init__.py` that re-exports it), and, for the
//! modules that define `__del__` in a class, what the hierarchies of their
//! classes bind in other modules (`ClassFacts`).
//!
//! Only what the tokens show for sure is trusted: a class the record
//! leaves unclear, a base that is a call or a star import's name, or a
//! chain of re-exports longer than `MAX_HOPS` make the hierarchy unknown.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::modules::Modules;
use super::record::{BaseRecord, ImportedName, class_binds, name_hash};
use crate::rule::settings::{BaseFacts, ClassFacts};

/// Re-exports followed from an import to the class it names.
const MAX_HOPS: usize = 8;

/// Classes of one hierarchy walked (a bound against pathological inputs).
const MAX_HIERARCHY: usize = 256;

/// Subclasses walked from one class.
const MAX_DESCENDANTS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ClassRef {
    module: usize,
    class: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Resolved {
    Project(ClassRef),
    /// Outside the project, by qualified name.
    Outside(String),
    Unknown,
}

/// The class facts of every module with a module-level class that binds
/// `__del__`, by path. Reads the modules' imports: call before they are
/// dropped.
pub(super) fn facts(modules: &Modules) -> HashMap<PathBuf, Vec<ClassFacts>> {
    let wanted: Vec<usize> = (0..modules.list.len())
        .filter(|&id| {
            modules.list[id].record.classes.iter().any(|class| class.binds & class_binds::DEL != 0)
        })
        .collect();
    if wanted.is_empty() {
        return HashMap::new();
    }
    let resolver = Resolver { modules };
    // Only the links between project classes are kept; the rest is
    // resolved again for the few hierarchies asked about.
    let mut subclasses: HashMap<ClassRef, Vec<ClassRef>> = HashMap::new();
    for (module, entry) in modules.list.iter().enumerate() {
        for (class, record) in entry.record.classes.iter().enumerate() {
            let this = ClassRef { module, class };
            for base in &record.bases {
                if let Resolved::Project(base) = resolver.base(module, base)
                    && base != this
                {
                    subclasses.entry(base).or_default().push(this);
                }
            }
        }
    }
    let mut facts = HashMap::new();
    for module in wanted {
        let mut classes = Vec::new();
        for (class, record) in modules.list[module].record.classes.iter().enumerate() {
            let this = ClassRef { module, class };
            let mut found = ClassFacts { name: record.name.to_string(), ..ClassFacts::default() };
            for (index, base) in record.bases.iter().enumerate() {
                if let Resolved::Project(base) = resolver.base(module, base)
                    && base.module != module
                {
                    found.bases.push(resolver.hierarchy(index, base));
                }
            }
            if record.binds & class_binds::DEL != 0 {
                found.subclasses_binding_close =
                    resolver.subclasses_binding_close(this, &subclasses);
            }
            if !found.bases.is_empty() || !found.subclasses_binding_close.is_empty() {
                classes.push(found);
            }
        }
        if !classes.is_empty() {
            facts.insert(modules.list[module].absolute.clone(), classes);
        }
    }
    facts
}

struct Resolver<'m> {
    modules: &'m Modules,
}

impl Resolver<'_> {
    fn base(&self, module: usize, base: &BaseRecord) -> Resolved {
        match base {
            BaseRecord::Local(class) => {
                Resolved::Project(ClassRef { module, class: *class as usize })
            }
            BaseRecord::Builtin(name) => Resolved::Outside(format!("builtins.{name}")),
            BaseRecord::Imported(imported) => self.imported(module, imported, 0),
            BaseRecord::Unknown => Resolved::Unknown,
        }
    }

    /// What `imported`, read in `module`, names.
    fn imported(&self, module: usize, imported: &ImportedName, hops: usize) -> Resolved {
        let entry = &self.modules.list[module];
        let Some(import) = entry.record.imports.get(imported.import as usize) else {
            return Resolved::Unknown;
        };
        let Some(mut name) = entry.absolute_import(import.module()) else {
            return Resolved::Unknown;
        };
        let root = entry.root;
        let mut target = self.modules.lookup(root, &name);
        let mut rest: &[Box<str>] = &imported.path;
        // `from pkg import mod` then `mod.Base`: the longest module named.
        while let Some((first, others)) = rest.split_first() {
            let longer = format!("{name}.{first}");
            match self.modules.lookup(root, &longer) {
                Some(found) => {
                    name = longer;
                    target = Some(found);
                    rest = others;
                }
                None => break,
            }
        }
        let Some(target) = target else {
            let mut qualified = name;
            for part in rest {
                qualified.push('.');
                qualified.push_str(part);
            }
            return Resolved::Outside(qualified);
        };
        match rest {
            [class] => self.class_in(target, class, hops),
            _ => Resolved::Unknown,
        }
    }

    /// The class `name` of module `module`: defined there, or imported
    /// there from another project module.
    fn class_in(&self, module: usize, name: &str, hops: usize) -> Resolved {
        let record = &self.modules.list[module].record;
        if let Some(class) = record.classes.iter().rposition(|class| &*class.name == name) {
            return Resolved::Project(ClassRef { module, class });
        }
        let hash = name_hash(name);
        match record.imported_classes.binary_search_by_key(&hash, |(hash, _)| *hash) {
            Ok(found) if hops < MAX_HOPS => {
                self.imported(module, &record.imported_classes[found].1, hops + 1)
            }
            _ => Resolved::Unknown,
        }
    }

    fn qualified(&self, class: ClassRef) -> String {
        let module = &self.modules.list[class.module];
        format!("{}.{}", module.name, module.record.classes[class.class].name)
    }

    /// The base at `index` and its hierarchy, depth first.
    fn hierarchy(&self, index: usize, base: ClassRef) -> BaseFacts {
        let mut facts = BaseFacts { index, class: self.qualified(base), ..BaseFacts::default() };
        let mut seen = HashSet::new();
        let mut pending = vec![base];
        while let Some(class) = pending.pop() {
            if !seen.insert(class) {
                continue;
            }
            if seen.len() > MAX_HIERARCHY {
                facts.unknown = true;
                break;
            }
            let record = &self.modules.list[class.module].record.classes[class.class];
            let binds = record.binds;
            facts.unknown |= binds & class_binds::UNCLEAR != 0;
            if binds & !class_binds::UNCLEAR != 0 {
                facts.binds.push((self.qualified(class), binds & !class_binds::UNCLEAR));
            }
            for base in record.bases.iter().rev() {
                match self.base(class.module, base) {
                    Resolved::Project(next) => pending.push(next),
                    Resolved::Outside(name) => {
                        if !facts.outside.contains(&name) {
                            facts.outside.push(name);
                        }
                    }
                    Resolved::Unknown => facts.unknown = true,
                }
            }
        }
        facts
    }

    /// The classes of other modules deriving from `class` that bind `close`.
    fn subclasses_binding_close(
        &self,
        class: ClassRef,
        subclasses: &HashMap<ClassRef, Vec<ClassRef>>,
    ) -> Vec<String> {
        let mut found = Vec::new();
        let mut seen = HashSet::from([class]);
        let mut pending: Vec<ClassRef> = subclasses.get(&class).cloned().unwrap_or_default();
        pending.reverse();
        while let Some(next) = pending.pop() {
            if !seen.insert(next) || seen.len() > MAX_DESCENDANTS {
                continue;
            }
            let binds = self.modules.list[next.module].record.classes[next.class].binds;
            if next.module != class.module && binds & class_binds::CLOSE != 0 {
                found.push(self.qualified(next));
            }
            let mut more = subclasses.get(&next).cloned().unwrap_or_default();
            more.reverse();
            pending.extend(more);
        }
        found
    }
}
