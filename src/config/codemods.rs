//! Custom rules: where the configuration says they are (`rule-dirs`), the
//! named migrations it composes of them (`[codemods]`), and the rule files
//! themselves, read into `codemod::Spec` and compiled. Any error names the
//! file and the line, and stops the run before a file is touched.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::codemod::{ConstraintSpec, Example, Rule, Spec};
use crate::config::{CONFIG_FILES, ConfigError, codemod_table, line_of, plain, table, toml_error};
use crate::rule::settings::minimum_version;

/// What the configuration of the working directory says about custom rules.
#[derive(Clone, Debug, Default)]
pub struct CustomRules {
    /// The configuration file that said it, if any.
    pub config_file: Option<PathBuf>,
    /// The project root: `rule-dirs` and `files` globs are relative to it.
    pub root: PathBuf,
    /// Rule files and directories of rule files, absolute.
    pub rule_paths: Vec<PathBuf>,
    /// `[codemods]`: a name and the rules it runs, in order.
    pub codemods: Vec<(String, Vec<String>)>,
}

/// Reads `rule-dirs` and `codemods` from the configuration that applies to
/// `directory` (the closest one above it, as for its files), or from
/// `fixed` (`--config PATH`). Only those keys are read here: the rest of
/// the file is checked once the custom rules are known, since a selector
/// may name one.
pub fn discover(directory: &Path, fixed: Option<&Path>) -> Result<CustomRules, ConfigError> {
    if let Some(path) = fixed {
        let text = fs::read_to_string(path).map_err(|err| {
            ConfigError::new(path, None, format!("cannot read configuration: {}", plain(&err)))
        })?;
        let root = path.parent().map_or_else(|| directory.to_path_buf(), Path::to_path_buf);
        let is_pyproject = path.file_name().is_some_and(|name| name == "pyproject.toml");
        return Ok(pre_read(path, &text, is_pyproject, &root)?
            .unwrap_or(CustomRules { root, ..CustomRules::default() }));
    }
    for dir in directory.ancestors() {
        for name in CONFIG_FILES {
            let path = dir.join(name);
            let Ok(text) = fs::read_to_string(&path) else { continue };
            if let Some(found) = pre_read(&path, &text, name == "pyproject.toml", dir)? {
                return Ok(found);
            }
        }
    }
    Ok(CustomRules { root: directory.to_path_buf(), ..CustomRules::default() })
}

/// `Some` when the file is a pyfix configuration (a `pyproject.toml`
/// without `[tool.pyfix]` is not).
fn pre_read(
    path: &Path,
    text: &str,
    is_pyproject: bool,
    root: &Path,
) -> Result<Option<CustomRules>, ConfigError> {
    if is_pyproject && !text.contains("pyfix") {
        return Ok(None);
    }
    let parsed = match DeTable::parse(text) {
        Ok(parsed) => parsed,
        // The full read reports it, with the same words.
        Err(err) => return Err(toml_error(path, text, &err)),
    };
    let root_table = parsed.get_ref();
    let section = if is_pyproject {
        let Some(section) = root_table
            .get("tool")
            .and_then(|tool| table(tool.get_ref()))
            .and_then(|tool| tool.get("pyfix"))
            .and_then(|pyfix| table(pyfix.get_ref()))
        else {
            return Ok(None);
        };
        section
    } else {
        root_table
    };
    let mut found = CustomRules {
        config_file: Some(path.to_path_buf()),
        root: root.to_path_buf(),
        ..CustomRules::default()
    };
    if let Some(value) = section.get("rule-dirs") {
        let error = || {
            ConfigError::new(
                path,
                Some(line_of(text, value.span().start)),
                "`rule-dirs` must be a list of paths",
            )
        };
        let DeValue::Array(items) = value.get_ref() else { return Err(error()) };
        for item in items {
            let dir = item.get_ref().as_str().ok_or_else(error)?;
            found.rule_paths.push(root.join(dir));
        }
    }
    if let Some(value) = section.get("codemods") {
        found.codemods = codemod_table(path, text, value)?;
    }
    Ok(Some(found))
}

/// The rule files under `paths` (a file, or every `*.toml` below a
/// directory), in path order.
pub fn rule_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ConfigError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(ConfigError::new(path, None, "no such rule file or directory"));
        }
        let mut found = Vec::new();
        let mut pending = vec![path.clone()];
        while let Some(dir) = pending.pop() {
            let entries = fs::read_dir(&dir).map_err(|err| {
                ConfigError::new(&dir, None, format!("cannot read rule directory: {}", plain(&err)))
            })?;
            for entry in entries.flatten() {
                let entry = entry.path();
                if entry.is_dir() {
                    pending.push(entry);
                } else if entry.extension().is_some_and(|ext| ext == "toml") {
                    found.push(entry);
                }
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// Reads and compiles every rule file under `paths`; `root` is where their
/// `files` globs start.
pub fn load_rules(paths: &[PathBuf], root: &Path) -> Result<Vec<Rule>, ConfigError> {
    let mut rules: Vec<Rule> = Vec::new();
    for file in rule_files(paths)? {
        let text = fs::read_to_string(&file).map_err(|err| {
            ConfigError::new(&file, None, format!("cannot read rule file: {}", plain(&err)))
        })?;
        let (spec, lines) = read_spec(&file, &text, root)?;
        let first_line = |field: &str| {
            lines
                .get(field)
                .copied()
                .or_else(|| field.split_once('.').and_then(|(head, _)| lines.get(head).copied()))
        };
        let rule = Rule::compile(spec).map_err(|err| {
            ConfigError::new(
                &file,
                first_line(&err.field),
                format!("`{}`: {}", err.field, err.message),
            )
        })?;
        rules.push(rule);
    }
    Ok(rules)
}

const RULE_KEYS: &[&str] = &[
    "id",
    "code",
    "message",
    "description",
    "pattern",
    "fix",
    "safety",
    "files",
    "requires-python",
    "add-imports",
    "remove-imports",
    "not-inside",
    "constraints",
    "test",
    "no-match",
];

/// One rule file as a `Spec`, with the line of each key (for errors).
pub fn read_spec(
    path: &Path,
    text: &str,
    root: &Path,
) -> Result<(Spec, HashMap<String, usize>), ConfigError> {
    let parsed = DeTable::parse(text).map_err(|err| toml_error(path, text, &err))?;
    let root_table = parsed.get_ref();
    let mut lines = HashMap::new();
    let mut spec = Spec {
        path: path.to_path_buf(),
        base: root.to_path_buf(),
        text: text.to_string(),
        ..Spec::default()
    };
    let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
    let err =
        |span: std::ops::Range<usize>, message: String| ConfigError::new(path, at(span), message);
    for (key, value) in root_table.iter() {
        let name = key.get_ref().as_ref();
        lines.insert(name.to_string(), line_of(text, key.span().start));
        let string = || {
            value
                .get_ref()
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| err(value.span(), format!("`{name}` must be a string")))
        };
        let strings = || -> Result<Vec<String>, ConfigError> {
            let wrong = || err(value.span(), format!("`{name}` must be a list of strings"));
            let DeValue::Array(items) = value.get_ref() else { return Err(wrong()) };
            items
                .iter()
                .map(|item| item.get_ref().as_str().map(str::to_string).ok_or_else(wrong))
                .collect()
        };
        match name {
            "id" => spec.id = string()?,
            "code" => spec.code = string()?,
            "message" => spec.message = string()?,
            "description" => spec.description = Some(string()?),
            "pattern" => spec.pattern = string()?,
            "fix" => spec.fix = Some(string()?),
            "safety" => spec.safety = Some(string()?),
            "files" => spec.files = strings()?,
            "add-imports" => spec.add_imports = strings()?,
            "remove-imports" => spec.remove_imports = strings()?,
            "not-inside" => spec.not_inside = strings()?,
            "requires-python" => {
                let specifier = string()?;
                spec.requires_python = minimum_version(&specifier)
                    .map_err(|why| err(value.span(), format!("`requires-python`: {why}")))?;
            }
            "constraints" => {
                let Some(entries) = table(value.get_ref()) else {
                    return Err(err(
                        value.span(),
                        "`constraints` must be a table of tables".into(),
                    ));
                };
                for (metavariable, constraint) in entries.iter() {
                    let var = metavariable.get_ref().trim_start_matches('$').to_string();
                    lines.insert(
                        format!("constraints.{var}"),
                        line_of(text, metavariable.span().start),
                    );
                    spec.constraints.push((var, read_constraint(path, text, constraint)?));
                }
            }
            "test" | "no-match" => {
                let examples = read_examples(path, text, name, value)?;
                if name == "test" {
                    spec.tests = examples;
                } else {
                    spec.no_match = examples;
                }
            }
            other => {
                return Err(err(
                    key.span(),
                    format!("unknown key `{other}`; known keys: {}", RULE_KEYS.join(", ")),
                ));
            }
        }
    }
    for required in ["id", "code", "message", "pattern"] {
        if !lines.contains_key(required) {
            return Err(ConfigError::new(path, None, format!("missing key `{required}`")));
        }
    }
    Ok((spec, lines))
}

/// `[[test]]` (an `input`, perhaps an `output`) or `[[no-match]]` (an `input`).
fn read_examples(
    path: &Path,
    text: &str,
    name: &str,
    value: &toml::Spanned<DeValue<'_>>,
) -> Result<Vec<Example>, ConfigError> {
    let err = |span: std::ops::Range<usize>, message: String| {
        ConfigError::new(path, Some(line_of(text, span.start)), message)
    };
    let DeValue::Array(items) = value.get_ref() else {
        return Err(err(value.span(), format!("`{name}` must be an array of tables ([[{name}]])")));
    };
    let known = if name == "test" { "input, output" } else { "input" };
    let mut examples = Vec::new();
    for item in items {
        let Some(entries) = table(item.get_ref()) else {
            return Err(err(item.span(), format!("a `[[{name}]]` must be a table")));
        };
        let mut example = Example { line: line_of(text, item.span().start), ..Example::default() };
        let mut has_input = false;
        for (key, value) in entries.iter() {
            let text_of = || {
                value.get_ref().as_str().map(str::to_string).ok_or_else(|| {
                    err(value.span(), format!("`{name}.{}` must be a string", key.get_ref()))
                })
            };
            match key.get_ref().as_ref() {
                "input" => {
                    example.input = text_of()?;
                    has_input = true;
                }
                "output" if name == "test" => example.output = Some(text_of()?),
                other => {
                    return Err(err(
                        key.span(),
                        format!("unknown key `{name}.{other}`; known keys: {known}"),
                    ));
                }
            }
        }
        if !has_input {
            return Err(err(item.span(), format!("a `[[{name}]]` needs an `input`")));
        }
        examples.push(example);
    }
    Ok(examples)
}

fn read_constraint(
    path: &Path,
    text: &str,
    value: &toml::Spanned<DeValue<'_>>,
) -> Result<ConstraintSpec, ConfigError> {
    let err = |span: std::ops::Range<usize>, message: String| {
        ConfigError::new(path, Some(line_of(text, span.start)), message)
    };
    let Some(entries) = table(value.get_ref()) else {
        return Err(err(value.span(), "a constraint must be a table".into()));
    };
    let mut constraint = ConstraintSpec::default();
    for (key, value) in entries.iter() {
        let name = key.get_ref().as_ref();
        // A string or a list of strings.
        let one_or_many = || -> Result<Vec<String>, ConfigError> {
            let wrong =
                || err(value.span(), format!("`{name}` must be a string or a list of strings"));
            match value.get_ref() {
                DeValue::String(text) => Ok(vec![text.to_string()]),
                DeValue::Array(items) => items
                    .iter()
                    .map(|item| item.get_ref().as_str().map(str::to_string).ok_or_else(wrong))
                    .collect(),
                _ => Err(wrong()),
            }
        };
        match name {
            "qualified-name" => constraint.qualified_name = one_or_many()?,
            "kind" => constraint.kind = one_or_many()?,
            "not-inside" => constraint.not_inside = one_or_many()?,
            "regex" => {
                constraint.regex = Some(
                    value
                        .get_ref()
                        .as_str()
                        .map(str::to_string)
                        .ok_or_else(|| err(value.span(), "`regex` must be a string".into()))?,
                )
            }
            other => {
                return Err(err(
                    key.span(),
                    format!(
                        "unknown constraint `{other}`; known: qualified-name, kind, regex, not-inside"
                    ),
                ));
            }
        }
    }
    Ok(constraint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Rule, ConfigError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rule.toml");
        fs::write(&path, text).expect("write");
        load_rules(&[path], dir.path()).map(|mut rules| rules.remove(0))
    }

    const HEAD: &str = "id = \"x\"\ncode = \"ACME1\"\nmessage = \"m\"\n";

    #[test]
    fn malformed_rules_name_the_line() {
        let err = load(&format!("{HEAD}pattern = \"f(\"\n")).err().expect("error");
        assert_eq!(
            err.reason(),
            "line 4: `pattern`: the pattern is not valid Python (metavariables aside)"
        );
        let err =
            load(&format!("{HEAD}pattern = \"f($X)\"\nfix = \"g($Y)\"\n")).err().expect("error");
        assert_eq!(err.reason(), "line 5: `fix`: `$Y` is not a metavariable of the pattern");
        let err =
            load(&format!("{HEAD}pattern = \"f($X)\"\nfix = \"g($X\"\n")).err().expect("error");
        assert!(
            err.reason().starts_with("line 5: `fix`: the rewrite is not valid Python"),
            "{}",
            err.reason()
        );
        let err =
            load(&format!("{HEAD}pattern = \"f($X)\"\nfix = \"f(f($X))\"\n")).err().expect("error");
        assert!(err.reason().contains("matches the pattern again"), "{}", err.reason());
        let err = load(&format!("{HEAD}pattern = \"f($X)\"\n[constraints.Y]\nkind = \"call\"\n"))
            .err()
            .expect("error");
        assert_eq!(
            err.reason(),
            "line 5: `constraints.Y`: `$Y` is not a metavariable of the pattern"
        );
        let err = load(&format!("{HEAD}pattern = \"f($X)\"\n[constraints.X]\nkind = \"cal\"\n"))
            .err()
            .expect("error");
        assert!(err.reason().contains("`cal` is not a node kind"), "{}", err.reason());
        let err = load(&format!("{HEAD}pattern = \"f($X)\"\npatern = 1\n")).err().expect("error");
        assert!(err.reason().starts_with("line 5: unknown key `patern`"), "{}", err.reason());
        let err = load("id = \"x\"\ncode = \"PF900\"\nmessage = \"m\"\npattern = \"f()\"\n")
            .err()
            .expect("error");
        assert_eq!(err.reason(), "line 2: `code`: codes starting with PF are pyfix's own");
        let err = load("id = \"x\"\nmessage = \"m\"\npattern = \"f()\"\n").err().expect("error");
        assert_eq!(err.reason(), "missing key `code`");
    }

    #[test]
    fn a_good_rule_loads() {
        let rule = load(&format!(
            "{HEAD}pattern = \"requests.get($URL)\"\nfix = \"requests.get($URL, timeout=10)\"\n\
             [constraints.URL]\nkind = \"string\"\n[[test]]\ninput = \"a\"\n"
        ))
        .expect("rule");
        assert_eq!(rule.tests.len(), 1);
        assert_eq!(rule.tests[0].line, 8);
    }
}
