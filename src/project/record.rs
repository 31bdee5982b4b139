//! One module's record in the project index, read from its tokens alone
//! (no parse): the imports that run while it is imported, and where it
//! binds each top-level name. A few dozen bytes per import and per name,
//! whatever the file's size.
//!
//! Code runs while the module is imported when it is at module level, in a
//! class body there, or under `if`, `try`, `with`, `for` and `while` there;
//! not in a function, not under `if TYPE_CHECKING:` (type checkers only),
//! `if __name__ == "__main__":` (the module as a script) or `if False:`.

use crate::syntax::scan::{Kind, Scan, Token};

/// An import statement's reading of one module, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRecord {
    /// Where the statement starts: the module has run up to here when the
    /// import runs.
    pub at: u32,
    /// In the body of a `try`: an `ImportError` may be caught there.
    pub guarded: bool,
    /// The module as written after `import` or `from` (`a.b`, `..util`),
    /// then for `from module import name` each name read (`*` for a star
    /// import), separated by spaces: one allocation per import, which a
    /// monorepo's index holds for every module at once.
    text: Box<str>,
}

impl ImportRecord {
    /// `module` as written, which the record's text starts from; its text
    /// is allocated once, at its size.
    fn new<'n, Names>(at: u32, module: &str, names: Names, guarded: bool) -> Self
    where
        Names: Iterator<Item = &'n str> + Clone,
    {
        let size = module.len() + names.clone().map(|name| name.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(size);
        text.push_str(module);
        for name in names {
            text.push(' ');
            text.push_str(name);
        }
        ImportRecord { at, guarded, text: text.into_boxed_str() }
    }

    /// The module as written: `a.b`, `..util`.
    pub fn module(&self) -> &str {
        self.text.split_once(' ').map_or(&self.text, |(module, _)| module)
    }

    /// The names a `from` import reads; none for `import module`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ').skip(1)
    }

    /// A `from module import name`, not an `import module`.
    pub fn reads_names(&self) -> bool {
        self.text.contains(' ')
    }
}

/// What the index keeps of one module's text.
#[derive(Clone, Debug, Default)]
pub struct ModuleRecord {
    /// Import-time imports, in source order.
    pub imports: Vec<ImportRecord>,
    /// Each name bound at module level (by its hash, for a record of a few
    /// bytes per name), with where it is first bound, sorted by hash. Kept
    /// generous (a name on the left of any `=` counts): it only ever turns
    /// a "fails at import" into "fragile", never the other way.
    bound: Vec<(u64, u32)>,
    /// From here on, any name may be bound: a star import, a module-level
    /// `__getattr__`, or `globals()` written to.
    pub any_name_from: Option<u32>,
    /// Names are bound by code, not by imports: a module-level
    /// `__getattr__`, or `globals()` written to.
    pub dynamic_names: bool,
    /// The classes defined at module level, in source order.
    pub classes: Vec<ClassRecord>,
    /// Module-level names bound by an unconditional `from m import Name`
    /// (or `import m as Name`) whose first letter is a capital, as class
    /// names are: where another module's `from here import Name` of a
    /// class leads (a package's `__init__.py` re-exporting it).
    pub imported_classes: Vec<(u64, ImportedName)>,
}

/// A class defined at module level, read from its header and body tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassRecord {
    pub name: Box<str>,
    /// Its positional bases in order (keyword arguments such as
    /// `metaclass=` left out); empty when `unclear`.
    pub bases: Vec<BaseRecord>,
    /// What its body binds: `class_binds` bits.
    pub binds: u8,
}

pub use crate::rule::settings::class_binds;

/// A class's base as the module's imports resolve it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseRecord {
    /// A class defined earlier in the module (index into `classes`).
    Local(u32),
    /// A name the module does not bind (a builtin: `object`, `Exception`).
    Builtin(Box<str>),
    /// What an import reads: `from m import Base` is the import and
    /// `["Base"]`, `import pkg.mod` then `pkg.mod.Base` the import and
    /// `["Base"]`, `from pkg import mod` then `mod.Base` `["mod", "Base"]`.
    Imported(ImportedName),
    /// Anything else (a call, an assigned name, a star import's name).
    Unknown,
}

/// A name read through an import of the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedName {
    /// Index into the module's `imports`.
    pub import: u32,
    /// The names read from the imported module, in order.
    pub path: Box<[Box<str>]>,
}

impl ModuleRecord {
    /// `name` is bound at module level before `at`.
    pub fn binds_before(&self, name: &str, at: u32) -> bool {
        self.any_name_from.is_some_and(|from| from < at)
            || self.first_binding(name).is_some_and(|first| first < at)
    }

    /// Where `name` is first bound at module level, if it is.
    pub fn first_binding(&self, name: &str) -> Option<u32> {
        let hash = name_hash(name);
        let found = self.bound.binary_search_by_key(&hash, |&(hash, _)| hash).ok()?;
        Some(self.bound[found].1)
    }

    /// Sorts the bindings and keeps the first of each name; the record's
    /// vectors are copied out of the thread's buffers at their exact size,
    /// and the buffers go back for the next module (which empties them).
    fn finish(mut self, scratch: &mut Scratch) -> ModuleRecord {
        self.bound.sort_unstable();
        self.bound.dedup_by_key(|&mut (hash, _)| hash);
        let bound = self.bound.as_slice().to_vec();
        let imports = self.imports.drain(..).collect();
        (scratch.bound, scratch.imports) =
            (std::mem::take(&mut self.bound), std::mem::take(&mut self.imports));
        ModuleRecord { bound, imports, ..self }
    }

    /// `name` is bound at module level, but only from `at` on: a reader
    /// that comes while the module has run up to `at` finds it missing. A
    /// name bound nowhere in the text is left alone: it may be a module of
    /// the package that the project has no source of (an extension module).
    pub fn binds_only_after(&self, name: &str, at: u32) -> bool {
        !self.binds_before(name, at) && self.first_binding(name).is_some()
    }
}

/// Where a block's code runs, as far as imports go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// At import time, in the module's namespace.
    Module,
    /// At import time, in a class's namespace.
    Class,
    /// Not while the module is imported (a function), or never at run
    /// time (`if TYPE_CHECKING:`, `if False:`, the `__main__` block).
    Elsewhere,
}

/// The record of a module from its scan; `None` when the scan cannot tell
/// its lines apart with certainty (only a parse could).
pub fn record(scan: &Scan<'_>) -> Option<ModuleRecord> {
    if !scan.lines_certain {
        return None;
    }
    let mut scratch = SCRATCH.take();
    scratch.bound.clear();
    scratch.imports.clear();
    scratch.names.clear();
    scratch.open.clear();
    let mut record = ModuleRecord {
        imports: std::mem::take(&mut scratch.imports),
        bound: std::mem::take(&mut scratch.bound),
        ..ModuleRecord::default()
    };
    let mut classes =
        ClassReader { names: std::mem::take(&mut scratch.names), ..ClassReader::default() };
    // (indentation of the header, what its body is, the body is a `try`'s)
    let mut open = std::mem::take(&mut scratch.open);
    let words = RareWords::of(scan.source);
    for line in &scan.lines {
        while open.last().is_some_and(|&(indent, _, _)| indent >= line.indent) {
            open.pop();
        }
        let (outer, outer_guarded) =
            open.last().map_or((Block::Module, false), |&(_, block, guarded)| (block, guarded));
        let tokens = scan.line_tokens(line);
        let before = (record.bound.len(), record.imports.len());
        let top = open.is_empty();
        classes.read_body_line(scan, line.indent, tokens, &mut record);
        let dynamic_globals = record.dynamic_names;
        match header(scan, tokens, outer, (open.is_empty(), dynamic_globals)) {
            Some((block, colon)) => {
                if outer == Block::Module {
                    bind_header(scan, tokens, &mut record);
                }
                let guarded = outer_guarded || tokens.first().is_some_and(|t| scan.is(t, "try"));
                open.push((line.indent, block, guarded));
                for statement in statements(scan, &tokens[colon + 1..]) {
                    read_statements(scan, statement, (block, guarded), &mut record);
                }
            }
            None => {
                for statement in statements(scan, tokens) {
                    read_statements(scan, statement, (outer, outer_guarded), &mut record);
                }
            }
        }
        if outer != Block::Elsewhere && words.global_writes {
            note_global_writes(scan, tokens, &mut record);
        }
        if words.global {
            note_global_declarations(scan, tokens, &mut record);
        }
        classes.after_line(scan, (line.indent, tokens, outer, top), before, &mut record);
    }
    scratch.names = classes.finish(&mut record);
    scratch.open = open;
    let record = record.finish(&mut scratch);
    SCRATCH.set(scratch);
    Some(record)
}

/// Words that only a few modules hold, looked for in the bytes once
/// instead of on every line: most modules never write `globals()`.
struct RareWords {
    /// `global` (or `globals`).
    global: bool,
    /// `globals`, `vars` or `setattr`.
    global_writes: bool,
}

impl RareWords {
    fn of(source: &[u8]) -> RareWords {
        use std::sync::LazyLock;

        use memchr::memmem::Finder;
        // Built once: building a finder costs more than searching a small module.
        static GLOBAL: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("global"));
        static VARS: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("vars"));
        static SETATTR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("setattr"));
        let holds = |finder: &Finder<'_>| finder.find(source).is_some();
        let global = holds(&GLOBAL);
        RareWords { global, global_writes: global || holds(&VARS) || holds(&SETATTR) }
    }
}

/// One thread's buffers for reading records. A monorepo's index reads
/// 100,000 small modules: sizing each one's vectors and map anew, then
/// shrinking them, cost more than reading it.
#[derive(Default)]
struct Scratch {
    imports: Vec<ImportRecord>,
    bound: Vec<(u64, u32)>,
    names: foldhash::HashMap<u64, Bound>,
    open: Vec<(u32, Block, bool)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// What a module-level name stands for, as far as class bases go, while
/// the module is read.
#[derive(Clone, Debug)]
enum Bound {
    Class(u32),
    /// Bound by an unconditional import; the name starts with a capital.
    Import(ImportedName, bool),
    /// The top-level package of `import a.b` (and maybe other `import a.x`).
    PlainImports,
    Other,
}

/// Reads the module's classes along with its lines.
#[derive(Default)]
struct ClassReader {
    names: foldhash::HashMap<u64, Bound>,
    /// The class whose body the lines are in: (its header's indentation, index).
    open: Option<(u32, usize)>,
    /// Decorators wait above the next definition.
    decorated: bool,
}

impl ClassReader {
    fn read_body_line(
        &mut self,
        scan: &Scan<'_>,
        indent: u32,
        tokens: &[Token],
        record: &mut ModuleRecord,
    ) {
        match self.open {
            Some((header, class)) if indent > header => {
                record.classes[class].binds |= body_binds(scan, tokens);
            }
            _ => self.open = None,
        }
    }

    /// Notes what a line bound at module level; `top`: the line is at the
    /// module's own level, unconditional.
    fn after_line(
        &mut self,
        scan: &Scan<'_>,
        (indent, tokens, outer, top): (u32, &[Token], Block, bool),
        (bound, imports): (usize, usize),
        record: &mut ModuleRecord,
    ) {
        for &(hash, _) in &record.bound[bound..] {
            self.names.insert(hash, Bound::Other);
        }
        let Some(first) = tokens.first() else { return };
        let top = top && outer == Block::Module;
        if top && scan.is(first, "@") {
            self.decorated = true;
            return;
        }
        let decorated = std::mem::take(&mut self.decorated);
        if scan.is(first, "class") && outer == Block::Module && self.open.is_none() {
            self.read_header(scan, tokens, top && !decorated, record);
            self.open = Some((indent, record.classes.len() - 1));
        } else if top && record.imports.len() > imports && !tokens.iter().any(|t| scan.is(t, ";")) {
            self.read_import(scan, tokens, imports, record);
        }
    }

    fn read_header(
        &mut self,
        scan: &Scan<'_>,
        tokens: &[Token],
        clear: bool,
        record: &mut ModuleRecord,
    ) {
        let Some(name) = tokens.get(1).filter(|name| name.kind == Kind::Name) else { return };
        let index = record.classes.len() as u32;
        let mut class = ClassRecord {
            name: String::from_utf8_lossy(scan.text(name)).into(),
            bases: Vec::new(),
            binds: if clear { 0 } else { class_binds::UNCLEAR },
        };
        let depth = name.depth;
        let colon = tokens.iter().position(|token| token.depth == depth && scan.is(token, ":"));
        let colon = colon.unwrap_or(tokens.len());
        if tokens.get(2).is_some_and(|open| scan.is(open, "(")) && colon > 3 {
            let inside = &tokens[3..colon - 1];
            for item in inside.split(|token| token.depth == depth + 1 && scan.is(token, ",")) {
                if item.is_empty() {
                    continue;
                }
                if scan.is(&item[0], "*") || scan.is(&item[0], "**") {
                    class.binds |= class_binds::UNCLEAR;
                    continue;
                }
                if item.iter().any(|token| token.depth == depth + 1 && scan.is(token, "=")) {
                    continue;
                }
                class.bases.push(self.base(scan, item, depth + 1, record));
            }
        }
        class.binds |= body_binds(scan, tokens.get(colon + 1..).unwrap_or_default());
        if class.binds & class_binds::UNCLEAR != 0 {
            class.bases.clear();
        }
        class.bases.shrink_to_fit();
        self.names.insert(name_hash(&class.name), Bound::Class(index));
        record.classes.push(class);
    }

    /// A base as written (`Base`, `mod.Base`, `Generic[T]`), resolved
    /// through what the module has bound so far.
    fn base(
        &self,
        scan: &Scan<'_>,
        item: &[Token],
        depth: u16,
        record: &ModuleRecord,
    ) -> BaseRecord {
        let end = item.iter().position(|token| token.depth == depth && scan.is(token, "["));
        let dotted = &item[..end.unwrap_or(item.len())];
        let mut parts: Vec<&str> = Vec::new();
        for (at, token) in dotted.iter().enumerate() {
            let name = at % 2 == 0;
            if name != (token.kind == Kind::Name) || (!name && !scan.is(token, ".")) {
                return BaseRecord::Unknown;
            }
            if name {
                let Ok(text) = std::str::from_utf8(scan.text(token)) else {
                    return BaseRecord::Unknown;
                };
                parts.push(text);
            }
        }
        if parts.is_empty() || dotted.len().is_multiple_of(2) {
            return BaseRecord::Unknown;
        }
        let rest = |from: usize| -> Box<[Box<str>]> {
            parts[from..].iter().map(|part| Box::from(*part)).collect()
        };
        match self.names.get(&name_hash(parts[0])) {
            Some(Bound::Class(index)) if parts.len() == 1 => BaseRecord::Local(*index),
            Some(Bound::Import(imported, _)) => {
                let mut path: Vec<Box<str>> = imported.path.to_vec();
                path.extend(rest(1).into_vec());
                BaseRecord::Imported(ImportedName { import: imported.import, path: path.into() })
            }
            Some(Bound::PlainImports) => {
                // `import a.b` then `a.b.Base`: the longest module imported.
                let found = record.imports.iter().enumerate().rev().filter(|(_, import)| {
                    !import.reads_names() && {
                        let count = import.module().split('.').count();
                        count < parts.len() && parts[..count].join(".") == import.module()
                    }
                });
                match found.max_by_key(|(_, import)| import.module().len()) {
                    Some((index, import)) => BaseRecord::Imported(ImportedName {
                        import: index as u32,
                        path: rest(import.module().split('.').count()),
                    }),
                    None => BaseRecord::Unknown,
                }
            }
            Some(_) => BaseRecord::Unknown,
            None if parts.len() == 1 && record.any_name_from.is_none() => {
                BaseRecord::Builtin(parts[0].into())
            }
            None => BaseRecord::Unknown,
        }
    }

    /// An unconditional import statement at module level: what it binds.
    fn read_import(
        &mut self,
        scan: &Scan<'_>,
        tokens: &[Token],
        first: usize,
        record: &ModuleRecord,
    ) {
        let capital = |name: &str| name.starts_with(|c: char| c.is_ascii_uppercase());
        if scan.is(&tokens[0], "from") {
            let Some(at) = tokens.iter().position(|token| scan.is(token, "import")) else { return };
            for item in tokens[at + 1..].split(|token| scan.is(token, ",")) {
                let item: Vec<&Token> =
                    item.iter().filter(|t| !scan.is(t, "(") && !scan.is(t, ")")).collect();
                let (name, local) = match item.as_slice() {
                    [name] => (*name, *name),
                    [name, r#as, alias] if scan.is(r#as, "as") => (*name, *alias),
                    _ => continue,
                };
                let (Ok(name), Ok(local)) =
                    (std::str::from_utf8(scan.text(name)), std::str::from_utf8(scan.text(local)))
                else {
                    continue;
                };
                let imported = ImportedName { import: first as u32, path: Box::new([name.into()]) };
                self.names.insert(name_hash(local), Bound::Import(imported, capital(local)));
            }
            return;
        }
        let depth = tokens[0].depth;
        let items = tokens[1..].split(|token| token.depth == depth && scan.is(token, ","));
        for (index, item) in (first..record.imports.len()).zip(items) {
            match item {
                [.., r#as, alias] if scan.is(r#as, "as") && alias.kind == Kind::Name => {
                    let local = String::from_utf8_lossy(scan.text(alias));
                    let imported = ImportedName { import: index as u32, path: Box::new([]) };
                    self.names.insert(name_hash(&local), Bound::Import(imported, capital(&local)));
                }
                [package, ..] if package.kind == Kind::Name => {
                    self.names.insert(
                        name_hash(&String::from_utf8_lossy(scan.text(package))),
                        Bound::PlainImports,
                    );
                }
                _ => {}
            }
        }
    }

    /// A class whose name the module binds again is not known by it.
    /// Gives back the map of names, emptied, for the next module.
    fn finish(mut self, record: &mut ModuleRecord) -> foldhash::HashMap<u64, Bound> {
        for (index, class) in record.classes.iter_mut().enumerate() {
            let last = self.names.get(&name_hash(&class.name));
            if !matches!(last, Some(Bound::Class(found)) if *found as usize == index) {
                class.binds |= class_binds::UNCLEAR;
                class.bases.clear();
            }
        }
        record.classes.shrink_to_fit();
        record.imported_classes = self
            .names
            .drain()
            .filter_map(|(hash, bound)| match bound {
                Bound::Import(imported, true) => Some((hash, imported)),
                _ => None,
            })
            .collect();
        record.imported_classes.sort_unstable_by_key(|(hash, _)| *hash);
        record.imported_classes.shrink_to_fit();
        self.names
    }
}

/// What a line of a class body (or a class's one-line body) binds.
fn body_binds(scan: &Scan<'_>, tokens: &[Token]) -> u8 {
    let mut binds = 0;
    for (at, token) in tokens.iter().enumerate() {
        if token.kind != Kind::Name {
            continue;
        }
        let text = scan.text(token);
        if text == b"setattr" {
            binds |= class_binds::UNCLEAR;
            continue;
        }
        let bit = match text {
            b"close" => class_binds::CLOSE,
            b"__enter__" | b"__exit__" => class_binds::ENTER_EXIT,
            b"__aenter__" | b"__aexit__" => class_binds::AENTER_AEXIT,
            b"__del__" => class_binds::DEL,
            b"__setattr__" => class_binds::SETATTR,
            b"__getattr__" | b"__getattribute__" => class_binds::GETATTR,
            _ => continue,
        };
        let defined =
            at > 0 && (scan.is(&tokens[at - 1], "def") || scan.is(&tokens[at - 1], "class"));
        let assigned = tokens.get(at + 1).is_some_and(|next| {
            next.kind == Kind::Op
                && (scan.is(next, "=") || scan.is(next, ":=") || scan.is(next, ":"))
        }) && token.depth == tokens[0].depth;
        if defined || assigned {
            binds |= bit;
        }
    }
    binds
}

/// The simple statements of a line (or of what follows a header's `:`),
/// split at `;`.
fn statements<'a>(
    scan: &'a Scan<'_>,
    tokens: &'a [Token],
) -> impl Iterator<Item = &'a [Token]> + 'a {
    let depth = tokens.first().map_or(0, |first| first.depth);
    tokens.split(move |token| token.depth == depth && scan.is(token, ";"))
}

/// The words a compound statement's header starts with.
const HEADER_KEYWORDS: [&[u8]; 14] = [
    b"def", b"async", b"class", b"if", b"elif", b"else", b"try", b"except", b"finally", b"for",
    b"while", b"with", b"match", b"case",
];

/// For a compound statement's header line: what its body is, and where its
/// `:` is. `at_top` says the line is at the module's own level (the only
/// place a `__main__` guard counts); `dynamic_globals`, that the module has
/// written `globals()` before.
fn header(
    scan: &Scan<'_>,
    tokens: &[Token],
    outer: Block,
    (at_top, dynamic_globals): (bool, bool),
) -> Option<(Block, usize)> {
    let first = tokens.first()?;
    let keyword = scan.text(first);
    if !HEADER_KEYWORDS.contains(&keyword) {
        return None;
    }
    let depth = first.depth;
    let colon = tokens.iter().position(|token| token.depth == depth && scan.is(token, ":"))?;
    let condition = &tokens[1..colon];
    let block = match keyword {
        b"def" => Block::Elsewhere,
        b"async" if tokens.get(1).is_some_and(|second| scan.is(second, "def")) => Block::Elsewhere,
        b"class" => Block::Class,
        b"if" | b"elif" if never_at_run_time(scan, condition, at_top) => Block::Elsewhere,
        // A flag the module may have changed through `globals()` (celery's
        // `if STATICA_HACK:`, false at run time, true to static readers).
        b"if" | b"elif"
            if dynamic_globals && matches!(condition, [flag] if flag.kind == Kind::Name) =>
        {
            Block::Elsewhere
        }
        b"if" | b"elif" | b"else" | b"try" | b"except" | b"finally" | b"for" | b"while"
        | b"with" | b"async" => outer,
        // Soft keywords head a block only when the line ends at the colon.
        b"match" | b"case" if colon + 1 == tokens.len() => outer,
        _ => return None,
    };
    Some((if outer == Block::Elsewhere { Block::Elsewhere } else { block }, colon))
}

/// `if TYPE_CHECKING:`, `if typing.TYPE_CHECKING:`, `if False:`, `if 0:`,
/// and at the module's own level `if __name__ == "__main__":`.
fn never_at_run_time(scan: &Scan<'_>, condition: &[Token], at_top: bool) -> bool {
    let texts: Vec<&[u8]> = condition.iter().map(|token| scan.text(token)).collect();
    match texts.as_slice() {
        [b"TYPE_CHECKING"] | [_, b".", b"TYPE_CHECKING"] | [b"False"] | [b"0"] => true,
        [left, b"==", right] if at_top => {
            let is_main = |text: &[u8]| text == b"'__main__'" || text == b"\"__main__\"";
            (*left == b"__name__" && is_main(right)) || (is_main(left) && *right == b"__name__")
        }
        _ => false,
    }
}

/// The name a `def` or `class` header binds in the block it is in, and
/// the names a `for` or `with ... as` header binds.
fn bind_header(scan: &Scan<'_>, tokens: &[Token], record: &mut ModuleRecord) {
    let mut rest = tokens;
    if rest.first().is_some_and(|first| scan.is(first, "async")) {
        rest = &rest[1..];
    }
    let Some(first) = rest.first() else { return };
    if scan.is(first, "def") || scan.is(first, "class") {
        if let Some(name) = rest.get(1).filter(|name| name.kind == Kind::Name) {
            if scan.is(first, "def") && scan.is(name, "__getattr__") {
                record.any_name_from.get_or_insert(first.start);
                record.dynamic_names = true;
            }
            bind(scan, name, record);
        }
    } else if scan.is(first, "for") {
        let targets = rest[1..].iter().take_while(|token| !scan.is(token, "in"));
        targets.filter(|token| token.kind == Kind::Name).for_each(|name| bind(scan, name, record));
    } else if scan.is(first, "with") || scan.is(first, "except") {
        for pair in rest.windows(2) {
            if scan.is(&pair[0], "as") && pair[1].kind == Kind::Name {
                bind(scan, &pair[1], record);
            }
        }
    }
}

/// One simple statement (or the rest of a header line after its `:`):
/// an import is recorded when it runs at import time, and what the
/// statement binds at module level is noted.
fn read_statements(
    scan: &Scan<'_>,
    tokens: &[Token],
    (block, guarded): (Block, bool),
    record: &mut ModuleRecord,
) {
    let Some(first) = tokens.first() else { return };
    if block == Block::Elsewhere {
        return;
    }
    if scan.is(first, "import") {
        for import in plain_imports(scan, &tokens[1..], first.start, guarded) {
            if block == Block::Module {
                let bound = import.module().split('.').next().unwrap_or_default();
                bind_text(bound, first.start, record);
            }
            record.imports.push(import);
        }
        if block == Block::Module {
            bind_aliases(scan, tokens, record);
        }
    } else if scan.is(first, "from") {
        if let Some(import) = from_import(scan, tokens, guarded) {
            if block == Block::Module {
                for name in import.names() {
                    if name == "*" {
                        record.any_name_from.get_or_insert(first.start);
                    } else {
                        bind_text(name, first.start, record);
                    }
                }
                bind_aliases(scan, tokens, record);
            }
            record.imports.push(import);
        }
    } else if block == Block::Module {
        bind_assigned(scan, tokens, record);
    }
}

/// `import a.b, c as d`: one record per module.
fn plain_imports<'a>(
    scan: &'a Scan<'_>,
    tokens: &'a [Token],
    at: u32,
    guarded: bool,
) -> impl Iterator<Item = ImportRecord> + 'a {
    let depth = tokens.first().map_or(0, |first| first.depth);
    tokens.split(move |token| token.depth == depth && scan.is(token, ",")).filter_map(move |item| {
        let end = item.iter().position(|token| scan.is(token, "as")).unwrap_or(item.len());
        let dotted = &item[..end];
        if dotted.iter().any(|token| token.kind != Kind::Name && !scan.is(token, ".")) {
            return None;
        }
        let module = joined(scan, dotted)?;
        (!module.is_empty()).then(|| ImportRecord::new(at, &module, std::iter::empty(), guarded))
    })
}

/// `from ..a.b import (c, d as e)`.
fn from_import(scan: &Scan<'_>, tokens: &[Token], guarded: bool) -> Option<ImportRecord> {
    let at = tokens.first()?.start;
    let import = tokens.iter().position(|token| scan.is(token, "import"))?;
    let module = joined(scan, &tokens[1..import])?;
    if module.is_empty() {
        return None;
    }
    let names = tokens[import + 1..].split(|token| scan.is(token, ",")).filter_map(|item| {
        let name = item.iter().find(|token| !scan.is(token, "(") && !scan.is(token, ")"))?;
        let readable = name.kind == Kind::Name || scan.is(name, "*");
        readable.then(|| std::str::from_utf8(scan.text(name)).ok()).flatten()
    });
    Some(ImportRecord::new(at, &module, names, guarded))
}

/// The texts of `tokens` put together (`..a.b` of `.. a . b`): the
/// source's own bytes when nothing stands between them, as is usual.
fn joined<'s>(scan: &Scan<'s>, tokens: &[Token]) -> Option<std::borrow::Cow<'s, str>> {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return Some(std::borrow::Cow::Borrowed(""));
    };
    let contiguous = tokens.windows(2).all(|pair| pair[0].end == pair[1].start);
    if contiguous {
        let text = &scan.source[first.start as usize..last.end as usize];
        return std::str::from_utf8(text).ok().map(std::borrow::Cow::Borrowed);
    }
    let mut text = String::new();
    for token in tokens {
        text.push_str(std::str::from_utf8(scan.text(token)).ok()?);
    }
    Some(std::borrow::Cow::Owned(text))
}

/// The names after `as` in an import.
fn bind_aliases(scan: &Scan<'_>, tokens: &[Token], record: &mut ModuleRecord) {
    for pair in tokens.windows(2) {
        if scan.is(&pair[0], "as") && pair[1].kind == Kind::Name {
            bind(scan, &pair[1], record);
        }
    }
}

/// The names on the left of each `=` (or `:=`, `+=`...) of a statement,
/// and an annotated name (`x: int`).
fn bind_assigned(scan: &Scan<'_>, tokens: &[Token], record: &mut ModuleRecord) {
    let assigns = |token: &Token| {
        let text = scan.text(token);
        token.kind == Kind::Op
            && text.ends_with(b"=")
            && !matches!(text, b"==" | b"!=" | b"<=" | b">=")
    };
    let Some(last_assignment) = tokens.iter().rposition(assigns) else {
        if let [name, colon, ..] = tokens
            && name.kind == Kind::Name
            && scan.is(colon, ":")
        {
            bind(scan, name, record);
        }
        return;
    };
    for token in &tokens[..last_assignment] {
        if token.kind == Kind::Name {
            bind(scan, token, record);
        }
    }
}

/// `globals()[...] = ...`, `globals().update(...)`, `vars()` or
/// `setattr(sys.modules[__name__], ...)`: any name may be bound from here.
fn note_global_writes(scan: &Scan<'_>, tokens: &[Token], record: &mut ModuleRecord) {
    let writes = tokens.windows(2).any(|pair| {
        (scan.is(&pair[0], "globals") || scan.is(&pair[0], "vars")) && scan.is(&pair[1], "(")
            || scan.is(&pair[0], "setattr") && scan.is(&pair[1], "(")
    });
    if writes && let Some(first) = tokens.first() {
        record.any_name_from.get_or_insert(first.start);
        record.dynamic_names = true;
    }
}

/// `global name` anywhere: a function may bind the name at module level
/// when it runs, which may be at import time.
fn note_global_declarations(scan: &Scan<'_>, tokens: &[Token], record: &mut ModuleRecord) {
    let Some(at) = tokens.iter().position(|token| scan.is(token, "global")) else { return };
    for name in tokens[at + 1..].iter().take_while(|token| !scan.is(token, ";")) {
        if name.kind == Kind::Name {
            bind(scan, name, record);
        }
    }
}

fn bind(scan: &Scan<'_>, name: &Token, record: &mut ModuleRecord) {
    bind_text(&String::from_utf8_lossy(scan.text(name)), name.start, record);
}

fn bind_text(name: &str, at: u32, record: &mut ModuleRecord) {
    record.bound.push((name_hash(name), at));
}

/// A name's hash, the same in every record and every run.
pub(crate) fn name_hash(name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::scan::scan;

    fn of(source: &str) -> ModuleRecord {
        record(&scan(source.as_bytes())).expect("certain lines")
    }

    fn modules(record: &ModuleRecord) -> Vec<(&str, Vec<&str>)> {
        record.imports.iter().map(|import| (import.module(), import.names().collect())).collect()
    }

    #[test]
    fn import_time_imports_are_recorded_in_order() {
        let record = of("import os, a.b as c\n\
             from . import x\n\
             from ..pkg.mod import (y, z as w)\n\
             try:\n    import fast\nexcept ImportError:\n    fast = None\n\
             class C:\n    from m import n\n\
             if x: import inline\n");
        assert_eq!(
            modules(&record),
            vec![
                ("os", vec![]),
                ("a.b", vec![]),
                (".", vec!["x"]),
                ("..pkg.mod", vec!["y", "z"]),
                ("fast", vec![]),
                ("m", vec!["n"]),
                ("inline", vec![]),
            ]
        );
    }

    #[test]
    fn imports_that_do_not_run_at_import_time_are_left_out() {
        let record = of("from typing import TYPE_CHECKING\n\
             if TYPE_CHECKING:\n    import checked\nelse:\n    import runtime\n\
             def f():\n    import inside\n    if x:\n        import deeper\n\
             async def g(): import inline\n\
             class C:\n    def m(self):\n        import method\n\
             if __name__ == \"__main__\":\n    import script\n\
             if False:\n    import never\n");
        assert_eq!(modules(&record), vec![("typing", vec!["TYPE_CHECKING"]), ("runtime", vec![])]);
    }

    #[test]
    fn bindings_are_known_with_their_place() {
        let source = "import os.path\nX = 1\na, b = c = f()\nn: int\n\
                      def func(): global late; late = 1\nclass K: inner = 1\n\
                      for i in range(3): pass\nwith open(p) as fh: pass\n";
        let record = of(source);
        for name in ["os", "X", "a", "b", "c", "n", "func", "late", "K", "i", "fh"] {
            assert!(record.first_binding(name).is_some(), "{name} is bound");
        }
        assert!(record.first_binding("inner").is_none(), "a class attribute is not a global");
        assert!(record.binds_before("X", source.find("a, b").unwrap() as u32));
        assert!(!record.binds_before("K", source.find("def func").unwrap() as u32));
        assert_eq!(record.any_name_from, None);
    }

    #[test]
    fn star_imports_and_module_getattr_may_bind_anything() {
        let star = of("x = 1\nfrom m import *\n");
        assert_eq!(star.any_name_from, Some(6));
        let getattr = of("def __getattr__(name):\n    return 1\n");
        assert!(getattr.binds_before("anything", 100));
        assert!(of("globals()['x'] = 1\n").any_name_from.is_some());
    }
}
