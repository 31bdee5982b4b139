//! `pyfix server` end to end: the binary is spawned and spoken to as an
//! editor would, JSON-RPC with `Content-Length` framing over its standard
//! input and output. Diagnostics on open and change (ranges in UTF-16 code
//! units, or UTF-8 when negotiated), quick fixes applied, fix-all, errors
//! for malformed requests, a clean shutdown with exit status 0, the cache
//! shared with the command line and the project's own rules.

mod common;

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A debug build checks a file in well under a second; this is for a
/// machine under load.
const TIMEOUT: Duration = Duration::from_secs(60);

/// `PYFIX_SERVER_BIN` runs another build (the release one, for the latency).
fn binary() -> String {
    std::env::var("PYFIX_SERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_pyfix").to_string())
}

/// A language client: the server process and the messages it sent that
/// were not yet read.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(binary())
            .arg("server")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pyfix server starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, incoming, pending: VecDeque::new(), next_id: 1 }
    }

    /// Starts the server and completes `initialize` with these client
    /// capabilities; returns the server's capabilities.
    fn initialized(dir: &Path, args: &[&str], capabilities: Value) -> (Client, Value) {
        let mut client = Client::start(dir, args);
        let root = url(dir);
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": capabilities}),
        );
        client.notify("initialized", json!({}));
        (client, result["result"]["capabilities"].clone())
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|message| message["id"] == json!(id) && message.get("method").is_none())
    }

    /// The next message that `matches`; the others are kept for later.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.pending.iter().position(&matches) {
            return self.pending.remove(at).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.pending.push_back(message),
                Err(RecvTimeoutError::Timeout) => panic!("no answer; pending: {:?}", self.pending),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output; pending: {:?}", self.pending)
                }
            }
        }
    }

    /// The diagnostics of the next `publishDiagnostics` for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// Sends the whole new text.
    fn replace(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &str, range: &Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let response = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
        );
        response["result"].as_array().unwrap_or_else(|| panic!("{response}")).clone()
    }

    /// `shutdown` then `exit`; returns the exit code.
    fn shut_down(mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.stdin.take();
        self.wait().code()
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn url(path: &Path) -> String {
    let path = fs::canonicalize(path).unwrap();
    format!("file://{}", path.display())
}

/// The byte offset of an LSP position counted in UTF-16 code units.
fn utf16_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (at, ch) in text[start..].char_indices() {
        if units >= character || ch == '\n' {
            return start + at;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// The text an LSP range (UTF-16) covers.
fn covered<'t>(text: &'t str, range: &Value) -> &'t str {
    &text[utf16_offset(text, &range["start"])..utf16_offset(text, &range["end"])]
}

/// `text` with a workspace edit's edits for `uri` applied.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edits for {uri}: {edit}"))
        .iter()
        .map(|edit| {
            let start = utf16_offset(text, &edit["range"]["start"]);
            let end = utf16_offset(text, &edit["range"]["end"]);
            (start, end, edit["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut text = text.to_string();
    for (start, end, new_text) in edits {
        text.replace_range(start..end, &new_text);
    }
    text
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap_or("-")).collect()
}

fn find<'d>(diagnostics: &'d [Value], code: &str) -> &'d Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:?}"))
}

/// Non-ASCII text before each finding: `é` is 2 bytes and 1 UTF-16 unit,
/// `😀` 4 bytes and 2 units, so a server counting bytes or characters
/// puts the ranges elsewhere.
const SOURCE: &str = "\
def add(é, items=[]):
    items.append(é)
    return items


GREETING = \"😀\"  # noqa: PF999
";

const PYPROJECT: &str = "[tool.pyfix]\ndocs-url = \"https://example.org/pyfix/rules\"\n";

#[test]
fn diagnostics_code_actions_fix_all_and_shutdown() {
    let dir = common::temp_dir("server");
    fs::write(dir.path().join("pyproject.toml"), PYPROJECT).unwrap();
    let path = dir.path().join("app.py");
    fs::write(&path, SOURCE).unwrap();
    let (mut client, capabilities) = Client::initialized(dir.path(), &[], json!({}));
    assert_eq!(capabilities["positionEncoding"], "utf-16", "{capabilities}");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental: {capabilities}");
    let kinds = &capabilities["codeActionProvider"]["codeActionKinds"];
    assert!(kinds.as_array().unwrap().contains(&json!("source.fixAll.pyfix")), "{capabilities}");

    // On open: both findings, with their code, source, severity and page.
    let uri = url(&path);
    let diagnostics = client.open(&uri, SOURCE);
    assert_eq!(codes(&diagnostics), ["PF001", "PF100"], "{diagnostics:?}");
    let mutable = find(&diagnostics, "PF001");
    assert_eq!(mutable["source"], "pyfix");
    assert_eq!(mutable["severity"], 2, "warning");
    assert_eq!(mutable["codeDescription"]["href"], "https://example.org/pyfix/rules/PF001.md");
    // Ranges in UTF-16 code units.
    assert_eq!(covered(SOURCE, &mutable["range"]), "[]", "{mutable}");
    assert_eq!(mutable["range"]["start"]["character"], 17, "{mutable}");
    let unused = find(&diagnostics, "PF100");
    assert!(covered(SOURCE, &unused["range"]).contains("PF999"), "{unused}");
    let after_emoji = SOURCE.lines().nth(5).unwrap().find("#").unwrap() - 2;
    assert!(unused["range"]["start"]["character"].as_u64().unwrap() >= after_emoji as u64);

    // A quick fix per fix: the unsafe one says so.
    let actions = client.code_actions(&uri, &mutable["range"], None);
    let quick: Vec<&Value> = actions.iter().filter(|a| a["kind"] == "quickfix").collect();
    assert_eq!(quick.len(), 1, "{actions:?}");
    assert!(quick[0]["title"].as_str().unwrap().starts_with("Fix (unsafe): "), "{actions:?}");
    assert_eq!(quick[0]["diagnostics"][0]["code"], "PF001");
    let actions = client.code_actions(&uri, &unused["range"], Some(&["quickfix"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert!(actions[0]["title"].as_str().unwrap().starts_with("Fix: "), "{actions:?}");
    assert_eq!(actions[0]["isPreferred"], true);

    // Applying the safe quick fix, as the editor would, clears its finding.
    let text = apply(SOURCE, &actions[0]["edit"], &uri);
    assert!(text.ends_with("GREETING = \"😀\"\n"), "{text}");
    let diagnostics = client.replace(&uri, 2, &text);
    assert_eq!(codes(&diagnostics), ["PF001"], "{diagnostics:?}");

    // An incremental change that fixes the other one: no diagnostics left.
    let range = &find(&diagnostics, "PF001")["range"];
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": range, "text": "()"}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Malformed parameters and unknown methods: error responses, no crash.
    let response = client.request("textDocument/codeAction", json!({"bogus": 1}));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("pyfix/unknown", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    client.notify("textDocument/didChange", json!({"textDocument": 7}));

    // Closing clears the diagnostics.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Fix-all applies the safe fixes only: unsafe fixes are not enabled.
    let other = url(dir.path()) + "/other.py";
    let diagnostics = client.open(&other, SOURCE);
    assert_eq!(codes(&diagnostics), ["PF001", "PF100"]);
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let actions = client.code_actions(&other, &everything, Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.pyfix");
    let fixed = apply(SOURCE, &actions[0]["edit"], &other);
    assert_eq!(fixed, SOURCE.replace("  # noqa: PF999", ""));
    // Asked for quick fixes only, there is no fix-all.
    let actions = client.code_actions(&other, &everything, Some(&["quickfix"]));
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"), "{actions:?}");

    // A file that does not parse: one note, no crash; the server goes on.
    let broken = url(dir.path()) + "/broken.py";
    let diagnostics = client.open(&broken, "def f(:\n    pass\n");
    assert!(diagnostics.len() <= 1, "{diagnostics:?}");
    for note in &diagnostics {
        let message = note["message"].as_str().unwrap();
        assert!(message.starts_with("pyfix cannot check this file: "), "{note}");
        assert_eq!(note["range"]["start"]["line"], 0, "{note}");
    }
    assert_eq!(client.replace(&broken, 2, "x = 1\n"), Vec::<Value>::new());

    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn fix_all_applies_unsafe_fixes_when_the_configuration_enables_them() {
    let dir = common::temp_dir("server-unsafe");
    fs::write(dir.path().join("pyproject.toml"), "[tool.pyfix]\nunsafe-fixes = true\n").unwrap();
    let (mut client, _) = Client::initialized(dir.path(), &[], json!({}));
    let uri = url(dir.path()) + "/app.py";
    assert_eq!(codes(&client.open(&uri, SOURCE)), ["PF001", "PF100"]);
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let actions = client.code_actions(&uri, &everything, Some(&["source.fixAll.pyfix"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let fixed = apply(SOURCE, &actions[0]["edit"], &uri);
    assert!(fixed.contains("items=None"), "{fixed}");
    assert!(!fixed.contains("noqa"), "{fixed}");
    assert_eq!(client.replace(&uri, 2, &fixed), Vec::<Value>::new());
    assert_eq!(client.shut_down(), Some(0));
}

/// Appends `mark` (` [...]`) to the message of every finding stored in the
/// cache and not marked yet, so that a finding read back from it can be told
/// from one made afresh. Returns how many it marked.
fn mark_cached_findings(cache: &Path, mark: &str) -> usize {
    let mut marked = 0;
    for entry in fs::read_dir(cache.join("reports-v1")).unwrap() {
        let path = entry.unwrap().path();
        let mut report: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        for finding in report["findings"].as_array_mut().unwrap() {
            let message = finding["message"].as_str().unwrap();
            if !message.ends_with(']') {
                finding["message"] = json!(format!("{message}{mark}"));
                marked += 1;
            }
        }
        fs::write(&path, report.to_string()).unwrap();
    }
    marked
}

/// The server reads what a run stored in the project's cache, and a run
/// reads what the server stored of a saved file: a file unchanged since is
/// not checked again.
#[test]
fn the_cache_is_shared_with_the_command_line() {
    let dir = common::temp_dir("server-cache");
    fs::write(dir.path().join("pyproject.toml"), "[tool.pyfix]\n").unwrap();
    fs::write(dir.path().join("app.py"), SOURCE).unwrap();
    let cache = dir.path().join(".pyfix_cache");
    let run = Command::new(binary()).arg("app.py").current_dir(dir.path()).output().unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(mark_cached_findings(&cache, " [run]"), 2);

    let (mut client, _) = Client::initialized(dir.path(), &[], json!({}));
    let app = url(dir.path()) + "/app.py";
    let diagnostics = client.open(&app, SOURCE);
    assert_eq!(codes(&diagnostics), ["PF001", "PF100"]);
    for diagnostic in &diagnostics {
        assert!(diagnostic["message"].as_str().unwrap().ends_with(" [run]"), "{diagnostic}");
    }
    // A text the run has not seen is checked, and stored for the next run
    // when it is saved.
    let edited = SOURCE.replace("items=[]", "items=[1]");
    let fresh = client.replace(&app, 2, &edited);
    assert_eq!(codes(&fresh), ["PF001", "PF100"]);
    assert!(!fresh[0]["message"].as_str().unwrap().ends_with(" [run]"), "{fresh:?}");
    fs::write(dir.path().join("app.py"), &edited).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": app}}));
    // Text typed and not saved is not stored.
    let unsaved = SOURCE.replace("items=[]", "items=[2]");
    assert_eq!(codes(&client.replace(&app, 3, &unsaved)), ["PF001", "PF100"]);
    assert_eq!(client.shut_down(), Some(0));

    assert_eq!(mark_cached_findings(&cache, " [server]"), 2);
    let run = Command::new(binary())
        .args(["--output-format", "concise", "app.py"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(stdout.matches(" [server]").count(), 2, "{stdout}");
}

/// The project's own rules (`rule-dirs`) are checked in the editor too.
#[test]
fn custom_rules_of_the_project_are_checked() {
    let dir = common::temp_dir("server-custom");
    fs::write(dir.path().join("pyproject.toml"), "[tool.pyfix]\nrule-dirs = [\"rules\"]\n")
        .unwrap();
    fs::create_dir(dir.path().join("rules")).unwrap();
    fs::write(
        dir.path().join("rules/warn.toml"),
        "id = \"logging-warn\"\ncode = \"CM100\"\n\
         message = \"`warn` is deprecated; use `warning`\"\n\
         pattern = \"logging.warn($$$ARGS)\"\nfix = \"logging.warning($$$ARGS)\"\n",
    )
    .unwrap();
    let (mut client, _) = Client::initialized(dir.path(), &["--no-cache"], json!({}));
    let uri = url(dir.path()) + "/app.py";
    let text = "import logging\n\nlogging.warn(\"disk full\")\n";
    let diagnostics = client.open(&uri, text);
    assert_eq!(codes(&diagnostics), ["CM100"]);
    let line = json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 5}});
    let actions = client.code_actions(&uri, &line, Some(&["quickfix"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let fixed = apply(text, &actions[0]["edit"], &uri);
    assert_eq!(fixed, "import logging\n\nlogging.warning(\"disk full\")\n");
    assert_eq!(client.shut_down(), Some(0));
}

/// Whether `cycle_workspace` makes `app` a package.
#[derive(PartialEq)]
enum Package {
    Yes,
    No,
}

/// A workspace checked for PF016 alone, where `app/a.py` and `app/b.py`
/// import each other (a cycle once `app` is a package).
fn cycle_workspace(label: &str, package: Package) -> tempfile::TempDir {
    let dir = common::temp_dir(label);
    fs::write(dir.path().join("pyproject.toml"), "[tool.pyfix]\nselect = [\"PF016\"]\n").unwrap();
    fs::create_dir(dir.path().join("app")).unwrap();
    if package == Package::Yes {
        fs::write(dir.path().join("app/__init__.py"), "").unwrap();
    }
    fs::write(dir.path().join("app/a.py"), "import app.b\n").unwrap();
    fs::write(dir.path().join("app/b.py"), "import app.a\n").unwrap();
    dir
}

/// The project index holds in the editor too: an import cycle is a
/// finding in the open module, and saving the other module that breaks it
/// (or makes it again) publishes the open module's diagnostics anew.
#[test]
fn import_cycles_follow_the_saved_files_of_the_workspace() {
    let dir = cycle_workspace("server-cycle", Package::Yes);
    let (mut client, _) = Client::initialized(dir.path(), &["--no-cache"], json!({}));
    let a = url(&dir.path().join("app/a.py"));
    let b = url(&dir.path().join("app/b.py"));
    let diagnostics = client.open(&a, "import app.b\n");
    assert_eq!(codes(&diagnostics), ["PF016"]);
    let message = find(&diagnostics, "PF016")["message"].as_str().unwrap();
    assert!(message.contains("`app.a -> app.b -> app.a`"), "{message}");

    // b no longer imports a, saved: a's text is the same, its cycle is gone.
    client.open(&b, "import app.a\n");
    fs::write(dir.path().join("app/b.py"), "import json\n").unwrap();
    client.replace(&b, 2, "import json\n");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": b}}));
    assert_eq!(codes(&client.diagnostics(&a)), Vec::<&str>::new());

    // Saved again with the import back: the cycle is back in a.
    fs::write(dir.path().join("app/b.py"), "import app.a\n").unwrap();
    client.replace(&b, 3, "import app.a\n");
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": b}}));
    assert_eq!(codes(&client.diagnostics(&a)), ["PF016"]);
    assert_eq!(client.shut_down(), Some(0));
}

/// A client that can watch files is asked for the changes to the
/// workspace's Python and configuration files: a module deleted or created
/// outside the editor (a branch checked out) updates the index too.
#[test]
fn files_changed_on_disk_update_the_index_when_the_client_watches_them() {
    let dir = cycle_workspace("server-watch", Package::Yes);
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut client, _) = Client::initialized(dir.path(), &["--no-cache"], watching);
    let registration = client.wait_for(|message| message["method"] == "client/registerCapability");
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers.as_array().unwrap().contains(&json!({"globPattern": "**/*.py"})),
        "{watchers}"
    );
    let a = url(&dir.path().join("app/a.py"));
    let b = url(&dir.path().join("app/b.py"));
    assert_eq!(codes(&client.open(&a, "import app.b\n")), ["PF016"]);

    fs::remove_file(dir.path().join("app/b.py")).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": b, "type": 3}]}));
    assert_eq!(codes(&client.diagnostics(&a)), Vec::<&str>::new());

    fs::write(dir.path().join("app/b.py"), "import app.a\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": b, "type": 1}]}));
    assert_eq!(codes(&client.diagnostics(&a)), ["PF016"]);
    assert_eq!(client.shut_down(), Some(0));
}

/// An `__init__.py` saved for the first time makes its folder a package:
/// the module names of its files change, and with them the cycles.
#[test]
fn a_new_package_renames_its_modules_in_the_index() {
    let dir = cycle_workspace("server-package", Package::No);
    let (mut client, _) = Client::initialized(dir.path(), &["--no-cache"], json!({}));
    let a = url(&dir.path().join("app/a.py"));
    assert_eq!(codes(&client.open(&a, "import app.b\n")), Vec::<&str>::new(), "no package `app`");

    let init = dir.path().join("app/__init__.py");
    fs::write(&init, "").unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": url(&init)}}));
    assert_eq!(codes(&client.diagnostics(&a)), ["PF016"]);
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = common::temp_dir("server-utf8");
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, capabilities) = Client::initialized(dir.path(), &["--isolated"], capabilities);
    assert_eq!(capabilities["positionEncoding"], "utf-8", "{capabilities}");
    let uri = url(dir.path()) + "/app.py";
    let diagnostics = client.open(&uri, SOURCE);
    let start = SOURCE.find("[]").unwrap();
    assert_eq!(find(&diagnostics, "PF001")["range"]["start"]["character"], start, "bytes");
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = common::temp_dir("server-exit");
    let (mut client, _) = Client::initialized(dir.path(), &["--isolated"], json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn malformed_json_stops_the_server_without_a_panic() {
    let dir = common::temp_dir("server-garbage");
    let (mut client, _) = Client::initialized(dir.path(), &["--isolated"], json!({}));
    let stdin = client.stdin.as_mut().unwrap();
    stdin.write_all(b"Content-Length: 7\r\n\r\n{oops!}").unwrap();
    stdin.flush().unwrap();
    client.stdin.take();
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn the_help_mentions_the_server() {
    let output = Command::new(binary()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("`pyfix server` starts a language server"), "{help}");
}

/// `server` is the command only as the first argument: a folder named
/// `server` is checked as `./server`, `server/`, `-- server` or after a flag.
#[test]
fn a_folder_named_server_is_still_a_path() {
    let dir = common::temp_dir("server-path");
    fs::create_dir(dir.path().join("server")).unwrap();
    fs::write(dir.path().join("server/app.py"), SOURCE).unwrap();
    fs::write(dir.path().join("server.py"), SOURCE).unwrap();
    let run = |args: &[&str]| {
        Command::new(binary())
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for args in [
        &["--isolated", "./server"][..],
        &["--isolated", "server/"],
        &["--isolated", "--", "server"],
        &["--isolated", "server.py"],
    ] {
        let output = run(args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stdout}");
        assert!(stdout.contains("PF001"), "{args:?}: {stdout}");
    }
    // `pyfix server --diff` meant the folder: a usage error that says how.
    let output = run(&["server", "--diff"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pyfix --diff ./server"), "{stderr}");
    let output = run(&["server", "app.py"]);
    assert_eq!(output.status.code(), Some(2));
    // The server itself, with no client: a note about the folder, then it
    // stops at the end of its input.
    let output = run(&["server"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("to check the path `server`, run `pyfix ./server`"), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// The latency of a diagnostic after a change, on a 2,000-line file: wall
/// clock from `didChange` to `publishDiagnostics`, and the server's CPU time
/// per change (Linux), which a loaded machine does not inflate. Printed,
/// not asserted (the machine decides). Run it on a release build:
/// `cargo build --release`, then
/// `PYFIX_SERVER_BIN=target/release/pyfix cargo test --test server latency -- --ignored --nocapture`.
#[test]
#[ignore]
fn latency_of_a_diagnostic_after_a_change() {
    // A typical module: 2,000 lines of functions, one of them a finding.
    let mut typical = String::new();
    for n in 0..400 {
        let default = if n == 200 { "[]" } else { "()" };
        typical.push_str(&format!(
            "def handler_{n}(event, seen={default}):\n    seen = list(seen) + [event]\n    return seen\n\n\n"
        ));
    }
    let typical = typical.replace(
        "def handler_200(event, seen=[]):\n    seen = list(seen) + [event]",
        "def handler_200(event, seen=[]):\n    seen.append(event)",
    );
    // The worst case: every function a finding.
    let mut worst = String::new();
    for n in 0..400 {
        worst.push_str(&format!(
            "def handler_{n}(event, seen=[]):\n    seen.append(event)\n    return seen\n\n\n"
        ));
    }
    for (name, text, findings) in [("1 finding", typical, 1), ("400 findings", worst, 400)] {
        assert_eq!(text.lines().count(), 2000);
        measure(name, &text, findings);
    }
}

fn measure(name: &str, text: &str, findings: usize) {
    let dir = common::temp_dir("server-latency");
    let (mut client, _) = Client::initialized(dir.path(), &["--isolated"], json!({}));
    let uri = url(dir.path()) + "/big.py";
    assert_eq!(client.open(&uri, text).len(), findings);
    let cpu_before = cpu_ms(client.child.id());
    let mut times = Vec::new();
    let changes = 30;
    for version in 2..2 + changes {
        // Each change edits the default of the function with the finding,
        // `seen=[]` to `seen=()` and back: the findings change by one.
        let line = 1000;
        let column = text.lines().nth(line).unwrap().find("seen=").unwrap() + 5;
        let replacement = if version % 2 == 0 { "()" } else { "[]" };
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                                 "end": {"line": line, "character": column + 2}},
                                       "text": replacement}]}),
        );
        let diagnostics = client.diagnostics(&uri);
        times.push(started.elapsed());
        let expected = if version % 2 == 0 { findings - 1 } else { findings };
        assert_eq!(diagnostics.len(), expected);
    }
    let cpu = match (cpu_before, cpu_ms(client.child.id())) {
        (Some(before), Some(after)) => {
            format!(", CPU {:.1} ms per change", (after - before) / changes as f64)
        }
        _ => String::new(),
    };
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "didChange -> publishDiagnostics, 2,000 lines, {name}: median {:.1} ms, max {:.1} ms over {} changes{cpu}",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
    );
    assert_eq!(client.shut_down(), Some(0));
}

/// The user and system CPU time of a process so far, in milliseconds
/// (Linux's `/proc`; clock ticks of 10 ms).
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}
