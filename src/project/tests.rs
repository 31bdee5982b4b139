use std::path::PathBuf;

use super::*;
use crate::rule::settings::{ImportCycle, ModuleLocation};

/// The index of files given as (path under `/p`, text); a path's folders
/// are packages when the project has their `__init__.py`.
fn index(files: &[(&str, &str)]) -> ProjectIndex {
    let packages: Vec<String> = files
        .iter()
        .filter_map(|(path, _)| path.strip_suffix("/__init__.py").map(str::to_string))
        .collect();
    let modules: Vec<ModuleFile> = files
        .iter()
        .map(|(path, _)| {
            let mut folders: Vec<&str> = path.split('/').collect();
            let stem = folders.pop().unwrap_or_default().trim_end_matches(".py");
            let mut parts: Vec<&str> = if stem == "__init__" { vec![] } else { vec![stem] };
            let mut outer = folders.len();
            while outer > 0 && packages.contains(&folders[..outer].join("/")) {
                parts.insert(0, folders[outer - 1]);
                outer -= 1;
            }
            let in_package = outer < folders.len();
            let name = parts.join(".");
            let location =
                ModuleLocation { in_package, name: Some(name), ..ModuleLocation::default() };
            ModuleFile::new(PathBuf::from(format!("/p/{path}")), &location)
        })
        .collect();
    ProjectIndex::from_sources(modules.iter().zip(files.iter().map(|(_, text)| *text)))
}

fn cycles<'a>(index: &'a ProjectIndex, path: &str) -> &'a [ImportCycle] {
    index.facts_for(Path::new(&format!("/p/{path}"))).map_or(&[], |facts| &facts.cycles)
}

fn described(cycle: &ImportCycle) -> String {
    let mut text = cycle.path.join(" -> ");
    if let Some(failure) = &cycle.failure {
        text.push_str(&format!(
            " fails from {}: {} reads {}.{}",
            failure.entry, failure.importer, failure.module, failure.name
        ));
    }
    text
}

fn all(index: &ProjectIndex, path: &str) -> Vec<String> {
    cycles(index, path).iter().map(described).collect()
}

#[test]
fn two_modules_that_import_each_other_are_a_cycle() {
    let index = index(&[
        ("a.py", "import b\n\ndef f():\n    return b.g()\n"),
        ("b.py", "import a\n\ndef g():\n    return a\n"),
        ("c.py", "import a\n"),
    ]);
    assert_eq!(all(&index, "a.py"), ["a -> b -> a"]);
    assert_eq!(all(&index, "b.py"), ["b -> a -> b"]);
    assert!(all(&index, "c.py").is_empty(), "c imports the cycle but is not in it");
}

#[test]
fn a_name_read_before_it_is_bound_fails_in_one_order() {
    let index = index(&[
        ("models.py", "from helpers import slug\n\nclass Model:\n    pass\n"),
        ("helpers.py", "from models import Model\n\ndef slug(x):\n    return x\n"),
    ]);
    // Imported first, models runs helpers, which reads Model before models
    // binds it; imported first, helpers runs models, which reads slug
    // before helpers binds it. Both orders fail.
    assert_eq!(
        all(&index, "models.py"),
        ["models -> helpers -> models fails from helpers: models reads helpers.slug"]
    );
    assert_eq!(
        all(&index, "helpers.py"),
        ["helpers -> models -> helpers fails from models: helpers reads models.Model"]
    );
}

#[test]
fn a_name_bound_before_the_import_is_only_fragile() {
    let index = index(&[
        ("config.py", "DEBUG = True\nimport app\n"),
        ("app.py", "from config import DEBUG\n"),
    ]);
    // From config: DEBUG is bound before app runs. From app: config runs
    // whole (app is already started), then DEBUG is there.
    assert_eq!(all(&index, "app.py"), ["app -> config -> app"]);
}

#[test]
fn cycles_through_a_package_init_and_relative_imports() {
    let index = index(&[
        ("pkg/__init__.py", "from .core import run\nVERSION = '1'\n"),
        ("pkg/core.py", "from . import util\n\ndef run():\n    return util.go()\n"),
        ("pkg/util.py", "from pkg import VERSION\n\ndef go():\n    return VERSION\n"),
    ]);
    assert_eq!(
        all(&index, "pkg/util.py"),
        ["pkg.util -> pkg -> pkg.core -> pkg.util fails from pkg: pkg.util reads pkg.VERSION"]
    );
    assert_eq!(all(&index, "pkg/core.py").len(), 1);
    assert_eq!(all(&index, "pkg/__init__.py").len(), 1);
}

#[test]
fn imports_that_do_not_run_at_import_time_make_no_cycle() {
    let index = index(&[
        ("a.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from b import B\n"),
        ("b.py", "def f():\n    from a import A\n"),
        ("c.py", "import d\n"),
        ("d.py", "if __name__ == '__main__':\n    import c\n"),
    ]);
    for path in ["a.py", "b.py", "c.py", "d.py"] {
        assert!(all(&index, path).is_empty(), "{path}");
    }
}

#[test]
fn a_star_import_or_module_getattr_is_not_claimed_to_fail() {
    let index = index(&[
        ("a.py", "from b import *\nimport c\n"),
        ("c.py", "from a import anything\n"),
        ("b.py", "X = 1\n"),
    ]);
    assert_eq!(all(&index, "c.py"), ["c -> a -> c"]);
}

#[test]
fn unresolvable_and_third_party_imports_are_no_cycle() {
    let index = index(&[
        (
            "a.py",
            "import requests\nfrom ....too.far import x\nimport importlib\nm = importlib.import_module('b')\n",
        ),
        ("b.py", "import a\n"),
    ]);
    assert!(all(&index, "a.py").is_empty());
    assert!(all(&index, "b.py").is_empty());
    assert_eq!(index.len(), 2);
}

#[test]
fn two_files_claiming_one_module_are_one_problem() {
    let index = index(&[
        ("foo.py", "import bar\n"),
        ("foo/__init__.py", "import bar\n"),
        ("bar.py", "import foo\n"),
    ]);
    assert_eq!(index.problems().len(), 1, "{:?}", index.problems());
    assert!(index.problems()[0].contains("module `foo`"));
    assert!(all(&index, "bar.py").is_empty(), "imports of an ambiguous module are not followed");
}

#[test]
fn a_long_chain_and_a_large_cycle_are_handled_without_recursion() {
    let count = 5_000;
    let texts: Vec<(String, String)> = (0..count)
        .map(|i| (format!("m{i}.py"), format!("import m{}\n", (i + 1) % count)))
        .collect();
    let files: Vec<(&str, &str)> =
        texts.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    let index = index(&files);
    let cycle = &cycles(&index, "m0.py")[0];
    // Shown by its ends: 8 modules, how many are left out, 7 more.
    assert_eq!(cycle.path.len(), 16, "{:?}", cycle.path);
    assert_eq!(cycle.path[..2], ["m0", "m1"]);
    assert_eq!(cycle.path[8], format!("... {} more ...", count + 1 - 15));
    assert_eq!(cycle.path.last().map(String::as_str), Some("m0"));
}

#[test]
fn a_failure_a_try_may_catch_is_not_claimed() {
    let index = index(&[
        ("pkg/__init__.py", "from .core import run\n\noptional = 1\n"),
        (
            "pkg/core.py",
            "try:\n    from pkg import optional\nexcept ImportError:\n    optional = None\n\ndef run():\n    pass\n",
        ),
    ]);
    assert_eq!(all(&index, "pkg/core.py"), ["pkg.core -> pkg -> pkg.core"]);
}

#[test]
fn a_compiled_module_of_a_package_is_not_a_read_of_the_package() {
    let index = index(&[
        ("sci/__init__.py", "from .interp import spline\n"),
        (
            "sci/interp.py",
            "from . import _bspl\nfrom sci._ext.fast import f\nimport sci._ext.fast\n\ndef spline():\n    pass\n",
        ),
        ("sci/_ext/__init__.py", "import sci\n"),
    ]);
    assert!(all(&index, "sci/interp.py").is_empty(), "{:?}", all(&index, "sci/interp.py"));
}

#[test]
fn imports_under_a_flag_changed_through_globals_are_not_followed() {
    let index = index(&[
        (
            "app/__init__.py",
            "HACK = True\nglobals()['HACK'] = False\nif HACK:\n    from app.base import App\n",
        ),
        ("app/base.py", "import app\n"),
    ]);
    assert!(all(&index, "app/base.py").is_empty());
}

#[test]
fn a_star_import_does_not_bind_a_private_extension_module() {
    let index = index(&[
        ("sci/__init__.py", "from ._impl import *\n"),
        ("sci/_impl.py", "from . import _speedups\n\ndef f():\n    pass\n"),
    ]);
    assert!(all(&index, "sci/_impl.py").is_empty(), "{:?}", all(&index, "sci/_impl.py"));
}

#[test]
fn what_the_index_read_is_handed_to_the_check() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let small = folder.path().join("small.py");
    let large = folder.path().join("large.py");
    let clean = folder.path().join("clean.py");
    let cyclic = folder.path().join("cyclic.py");
    std::fs::write(&small, "import os\n").expect("written");
    std::fs::write(&large, "x = 1\n".repeat(KEPT_FILE_BYTES / 6 + 1)).expect("written");
    std::fs::write(&clean, "x = 1\n").expect("written");
    std::fs::write(&cyclic, "import other\n").expect("written");
    let other = folder.path().join("other.py");
    std::fs::write(&other, "import cyclic\n").expect("written");
    let location = |name: &str| ModuleLocation { name: Some(name.into()), ..Default::default() };
    let files = [
        ModuleFile::new(small.clone(), &location("small")),
        ModuleFile::new(large.clone(), &location("large")),
        ModuleFile::new(clean.clone(), &location("clean")),
        ModuleFile::new(cyclic.clone(), &location("cyclic")),
        ModuleFile::new(other.clone(), &location("other")),
    ];
    // The verdict settles the two files that import nothing.
    let settles = |_: usize, text: &str, _: &Scan<'_>| !text.contains("import");
    let (index, reads) = ProjectIndex::build_judging(files.into(), &settles);
    assert_eq!(index.len(), 5);
    let [small_read, large_read, clean_read, cyclic_read, _] =
        <[Option<Read>; 5]>::try_from(reads).expect("one per file");
    assert_eq!(small_read, Some(Read::Bytes(b"import os\n".to_vec())));
    assert_eq!(large_read, Some(Read::NothingToFind));
    assert_eq!(index.settled(&clean, clean_read.expect("read")), Some(Read::NothingToFind));
    let cyclic_read = cyclic_read.expect("read");
    assert_eq!(cyclic_read, Read::Bytes(b"import other\n".to_vec()));

    // A large file is read again by the check rather than kept.
    let (_, reads) = ProjectIndex::build_judging(
        vec![ModuleFile::new(large.clone(), &location("large"))],
        &|_, _, _| false,
    );
    assert_eq!(reads, vec![None]);
    // A verdict reached without the facts the project has is not taken.
    assert!(index.facts_for(&cyclic).is_some(), "cyclic and other import each other");
    assert_eq!(index.settled(&cyclic, Read::NothingToFind), None);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_module_is_not_read() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let fifo = folder.path().join("pipe.py");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        return; // no mkfifo here: nothing to show
    }
    let location = ModuleLocation { name: Some("pipe".into()), ..Default::default() };
    let (index, reads) =
        ProjectIndex::build_judging(vec![ModuleFile::new(fifo.clone(), &location)], &|_, _, _| {
            true
        });
    assert!(index.is_empty());
    assert_eq!(reads, vec![None]);
}

fn class_facts<'a>(index: &'a ProjectIndex, path: &str) -> &'a [crate::rule::settings::ClassFacts] {
    index.facts_for(Path::new(&format!("/p/{path}"))).map_or(&[], |facts| &facts.classes)
}

#[test]
fn classes_are_recorded_with_their_bases_and_what_they_bind() {
    use crate::project::record::{BaseRecord, class_binds, record};
    use crate::syntax::scan::scan;
    let source = "import abc, pkg.mod\nfrom .base import Base as B, Other\n\
                  class A(B, metaclass=abc.ABCMeta):\n    def close(self): pass\n    \
                  def __exit__(self, *a): pass\n\
                  class C(A, object, pkg.mod.K, Other.Inner, f()):\n    __del__ = None\n    \
                  def run(self):\n        self.__getattr__ = 1\n        g(close=1)\n\
                  @decorate\nclass D: pass\n\
                  class E(*bases): pass\n\
                  if x:\n    class F: pass\n\
                  class G: pass\nG = wrap(G)\n\
                  class H:\n    async def __aenter__(self): pass\n";
    let record = record(&scan(source.as_bytes())).expect("certain lines");
    let names: Vec<&str> = record.classes.iter().map(|class| &*class.name).collect();
    assert_eq!(names, ["A", "C", "D", "E", "F", "G", "H"]);
    let [a, c, d, e, f, g, h] = &record.classes[..] else { panic!("seven classes") };
    assert_eq!(a.binds, class_binds::CLOSE | class_binds::ENTER_EXIT);
    assert!(
        matches!(&a.bases[..], [BaseRecord::Imported(base)] if base.import == 2 && &*base.path[0] == "Base")
    );
    assert_eq!(
        c.binds,
        class_binds::DEL | class_binds::GETATTR,
        "a keyword argument binds nothing"
    );
    assert!(matches!(
        &c.bases[..],
        [BaseRecord::Local(0), BaseRecord::Builtin(object), BaseRecord::Imported(k), BaseRecord::Imported(inner), BaseRecord::Unknown]
            if &**object == "object" && k.import == 1 && &*k.path[0] == "K"
                && inner.import == 2 && inner.path.len() == 2
    ));
    for unclear in [d, e, f, g] {
        assert_ne!(unclear.binds & class_binds::UNCLEAR, 0, "{} is unclear", unclear.name);
        assert!(unclear.bases.is_empty());
    }
    assert_eq!(h.binds, class_binds::AENTER_AEXIT);
    assert_eq!(record.imported_classes.len(), 2, "B and Other start with a capital");
}

#[test]
fn class_facts_follow_bases_and_subclasses_across_modules() {
    let index = index(&[
        ("pkg/__init__.py", "from .base import Base\n"),
        (
            "pkg/base.py",
            "import io\nclass Root(io.RawIOBase):\n    pass\nclass Base(Root):\n    def __del__(self): pass\n",
        ),
        (
            "pkg/res.py",
            "from pkg import Base\nclass R(object, Base):\n    def __del__(self): pass\n",
        ),
        (
            "pkg/sub.py",
            "from . import res\nclass S(res.R):\n    def close(self): pass\nclass T(S): close = None\n",
        ),
    ]);
    let res = class_facts(&index, "pkg/res.py");
    assert_eq!(res.len(), 1);
    assert_eq!(res[0].name, "R");
    assert_eq!(res[0].subclasses_binding_close, ["pkg.sub.S", "pkg.sub.T"]);
    let [base] = &res[0].bases[..] else { panic!("one project base") };
    assert_eq!((base.index, base.class.as_str()), (1, "pkg.base.Base"));
    assert_eq!(
        base.binds,
        [("pkg.base.Base".to_string(), crate::rule::settings::class_binds::DEL)]
    );
    assert_eq!(base.outside, ["io.RawIOBase"]);
    assert!(!base.unknown);
    assert!(class_facts(&index, "pkg/sub.py").is_empty(), "no class of sub defines __del__");
}

#[test]
fn a_live_index_says_its_facts_changed_only_when_a_saved_module_changes_them() {
    let file = |name: &str| {
        let location = ModuleLocation { name: Some(name.into()), ..ModuleLocation::default() };
        ModuleFile::new(PathBuf::from(format!("/p/{name}.py")), &location)
    };
    // Files that cannot be read have no record until they are saved.
    let mut live = LiveIndex::build(vec![file("a"), file("b")]);
    assert!(live.index().facts_for(Path::new("/p/a.py")).is_none());
    assert!(!live.update([(file("a"), Some(&b"import b\n"[..]))]), "no cycle yet");
    assert!(live.update([(file("b"), Some(&b"import a\n"[..]))]), "the cycle appears");
    assert_eq!(all(live.index(), "a.py"), ["a -> b -> a"]);
    assert!(!live.update([(file("b"), Some(&b"import a\nX = 1\n"[..]))]), "the same cycle");
    assert!(
        !live.update([(file("c"), Some(&b"import json\n"[..]))]),
        "a new module outside the cycle"
    );
    assert!(
        !live.update([(file("c"), Some(&b"import a\n"[..]))]),
        "one that imports the cycle is not in it"
    );
    assert!(live.update([(file("b"), None)]), "b is deleted: the cycle is gone");
    assert!(all(live.index(), "a.py").is_empty());
    assert!(live.update([(file("b"), Some(&b"import a\n"[..]))]), "b is back");
    assert_eq!(all(live.index(), "a.py"), ["a -> b -> a"]);
}
