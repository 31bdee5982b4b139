//! `pyfix server`: a language server over standard input and output.
//!
//! The editor sends the text of each open Python file as the user types;
//! pyfix checks it with the settings the configuration gives that file (as
//! for `--stdin-filename`) and publishes the findings as diagnostics. Each
//! fix is a code action (`quickfix`), and `source.fixAll.pyfix` applies
//! every safe fix (and the unsafe ones when the configuration enables them).
//!
//! One thread serves the requests in order. Changes that arrive together
//! are applied together and the file is checked once, after them.
//!
//! The rules are the built-in ones and the project's own (`rule-dirs`,
//! `--rules`), and results go through the cache the command line uses, so
//! a file unchanged since the last run is not checked again. What the
//! server checks is stored when its file is saved (not at each keystroke),
//! and the cache is written then and when the session ends.

mod document;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    InitializeParams, InitializeResult, MessageType, NumberOrString, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::cache::Cache;
use crate::config::resolver::{Project, Resolver};
use crate::config::{CONFIG_FILES, ConfigError};
use crate::engine::{self, FileReport, Finding, Prefilter};
use crate::error::FileError;
use crate::project::{LiveIndex, ModuleFile};
use crate::rule::Registry;
use crate::rule::docs::page_url;
use crate::rule::fix::Applicability;
use crate::server::document::{Document, Encoding, LineIndex, minimal_edit};

/// What the configuration gives a session: the rules (built-in and the
/// project's own), the settings of each file, and the cache, unless it is
/// turned off.
pub struct Workspace {
    pub registry: Registry,
    pub resolver: Arc<Resolver>,
    pub cache: Option<Cache>,
    /// What the project says about each module (import cycles, classes
    /// across modules), from the files as saved; `None` when no rule
    /// reads it.
    pub project: Option<LiveIndex>,
}

/// Reads the configuration into a `Workspace`: at the start, and again
/// when a configuration file is saved. An error is one line for the user.
pub type WorkspaceFactory = Box<dyn Fn() -> Result<Workspace, String>>;

/// The code action kind that applies every fix pyfix may apply.
const FIX_ALL: &str = "source.fixAll.pyfix";

/// Serves one client over standard input and output until it sends
/// `exit`. An error is why the server stopped early: the connection broke,
/// or the client asked to exit without `shutdown` first.
pub fn run(make_workspace: WorkspaceFactory) -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let outcome = serve(&connection, make_workspace);
    drop(connection);
    match outcome {
        Ok(()) => io_threads.join().map_err(|err| format!("the connection failed: {err}")),
        // The reader has stopped: its error says why.
        Err(Stop::Disconnected) => Err(match io_threads.join() {
            Ok(()) => "the client closed the connection without `exit`".into(),
            Err(err) => format!("cannot read the client's messages: {err}"),
        }),
        Err(Stop::Failed(message)) => Err(message),
    }
}

/// Why the session ended before a proper `exit`.
enum Stop {
    /// No more messages: the client's output closed, or was no protocol.
    Disconnected,
    Failed(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Failed(message)
    }
}

/// The whole session on `connection`: `initialize`, then the messages until `exit`.
fn serve(connection: &Connection, make_workspace: WorkspaceFactory) -> Result<(), Stop> {
    let params = initialize(connection)?;
    let encoding = negotiate_encoding(&params);
    if let Some(root) = workspace_root(&params) {
        // Relative patterns and the default project root are the
        // workspace's, as when pyfix runs from its folder.
        let _ = std::env::set_current_dir(root);
    }
    let mut server = Server {
        encoding,
        workspace: make_workspace(),
        make_workspace,
        documents: HashMap::new(),
        analyses: HashMap::new(),
        dirty: BTreeSet::new(),
        shutting_down: false,
    };
    if let Err(message) = &server.workspace {
        server.show_error(connection, message.clone())?;
    }
    if can_watch_files(&params) {
        watch_files(connection)?;
    }
    loop {
        let Ok(first) = connection.receiver.recv() else {
            return Err(Stop::Disconnected);
        };
        // What arrived meanwhile is handled with it: the documents it
        // changes are checked once, after all of it.
        let mut batch = vec![first];
        batch.extend(connection.receiver.try_iter());
        for message in batch {
            match message {
                Message::Request(request) => {
                    let response = server.request(request);
                    send(connection, response.into())?;
                }
                Message::Notification(notification) if notification.method == "exit" => {
                    server.save_cache();
                    return if server.shutting_down {
                        Ok(())
                    } else {
                        Err(Stop::Failed("the client sent `exit` before `shutdown`".into()))
                    };
                }
                Message::Notification(notification) => server.notification(notification),
                Message::Response(_) => {}
            }
        }
        server.publish_dirty(connection)?;
    }
}

/// Waits for `initialize` and answers it with the server's capabilities.
fn initialize(connection: &Connection) -> Result<InitializeParams, String> {
    loop {
        let (id, params) = connection.initialize_start().map_err(|err| err.to_string())?;
        let params: InitializeParams = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(err) => {
                let response = invalid_params(id, &err);
                send(connection, response.into())?;
                continue;
            }
        };
        let result = InitializeResult {
            capabilities: capabilities(negotiate_encoding(&params)),
            server_info: Some(ServerInfo {
                name: "pyfix".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        let result = serde_json::to_value(result).map_err(|err| err.to_string())?;
        connection.initialize_finish(id, result).map_err(|err| err.to_string())?;
        return Ok(params);
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                include_text: Some(false),
            })),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
                CodeActionKind::new(FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// UTF-8 columns when the client offers them (no conversion, and exact),
/// else the protocol's UTF-16.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params.capabilities.general.as_ref().and_then(|general| {
        general.position_encodings.as_ref().map(|kinds| kinds.contains(&PositionEncodingKind::UTF8))
    });
    if offered == Some(true) { Encoding::Utf8 } else { Encoding::Utf16 }
}

/// The client can be asked to report changes to files on disk (a branch
/// checked out, a file deleted), which the editor's own notifications miss.
fn can_watch_files(params: &InitializeParams) -> bool {
    let watched = params.capabilities.workspace.as_ref().and_then(|w| w.did_change_watched_files);
    watched.and_then(|watched| watched.dynamic_registration).unwrap_or(false)
}

/// Asks the client for the changes to the workspace's Python files and
/// configuration files (the answer, like every response, is not waited for).
fn watch_files(connection: &Connection) -> Result<(), String> {
    let mut watchers =
        vec![FileSystemWatcher { glob_pattern: GlobPattern::String("**/*.py".into()), kind: None }];
    for name in CONFIG_FILES {
        watchers.push(FileSystemWatcher {
            glob_pattern: GlobPattern::String(format!("**/{name}")),
            kind: None,
        });
    }
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "pyfix-watched-files".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    };
    let params = RegistrationParams { registrations: vec![registration] };
    let request = Request::new(
        RequestId::from("pyfix-watch".to_string()),
        "client/registerCapability".into(),
        params,
    );
    send(connection, request.into())
}

/// The folder of the workspace: its first folder, else its root.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params.workspace_folders.as_ref().and_then(|folders| folders.first());
    #[allow(deprecated)] // `rootUri`: older clients send only this.
    let uri = folder.map(|folder| &folder.uri).or(params.root_uri.as_ref())?;
    uri.to_file_path().ok().filter(|path| path.is_dir())
}

/// The server's state between messages.
struct Server {
    encoding: Encoding,
    /// The rules, settings and cache, or why the configuration cannot be read.
    workspace: Result<Workspace, String>,
    make_workspace: WorkspaceFactory,
    documents: HashMap<Url, Document>,
    /// The analysis of each document's current text, once made: code
    /// actions are asked for at every move of the cursor.
    analyses: HashMap<Url, Rc<Analysis>>,
    /// Documents changed since their diagnostics were last published.
    dirty: BTreeSet<Url>,
    shutting_down: bool,
}

/// What checking a document gives.
enum Analysis {
    /// The findings, in the document's current text.
    Findings(Box<Checked>),
    /// Not a Python file, or excluded by the configuration.
    Skipped,
    /// The file could not be checked: a syntax error (its 1-based line) or
    /// a configuration error.
    Failed { line: Option<usize>, message: String },
}

/// A document checked (or fixed) with the settings of its project.
struct Checked {
    report: FileReport,
    project: Arc<Project>,
    /// The report's key until the cache holds it. A report is stored when
    /// its file is saved, the text then being what a run reads, not at
    /// every keystroke.
    unstored: Option<u128>,
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        if self.shutting_down {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                self.save_cache();
                Response::new_ok(id, ())
            }
            "textDocument/codeAction" => match parse::<CodeActionParams>(request.params) {
                Ok(params) => Response::new_ok(id, self.code_actions(&params)),
                Err(err) => invalid_params(id, &err),
            },
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("pyfix does not handle `{method}`"),
            ),
        }
    }

    /// Applies a notification. Malformed parameters are logged and ignored:
    /// a notification has no response to carry an error.
    fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let outcome = match method.as_str() {
            "textDocument/didOpen" => {
                parse::<DidOpenTextDocumentParams>(notification.params).map(|params| {
                    let item = params.text_document;
                    let document = Document {
                        text: item.text,
                        version: item.version,
                        language_id: item.language_id,
                    };
                    self.documents.insert(item.uri.clone(), document);
                    self.analyses.remove(&item.uri);
                    self.dirty.insert(item.uri);
                })
            }
            "textDocument/didChange" => parse::<DidChangeTextDocumentParams>(notification.params)
                .map(|params| {
                    let uri = params.text_document.uri;
                    if let Some(document) = self.documents.get_mut(&uri) {
                        for change in params.content_changes {
                            document.apply(change, self.encoding);
                        }
                        document.version = params.text_document.version;
                        self.analyses.remove(&uri);
                        self.dirty.insert(uri);
                    }
                }),
            "textDocument/didSave" => {
                parse::<DidSaveTextDocumentParams>(notification.params).map(|params| {
                    let uri = params.text_document.uri;
                    if is_config_file(&uri) {
                        self.reload();
                    } else if is_package_marker(&uri) && !self.indexes(&uri) {
                        // A new package: the module names of its folder change.
                        self.store_saved(&uri);
                        self.reload();
                    } else {
                        self.store_saved(&uri);
                        self.save_cache();
                        self.index_changed(&[uri]);
                    }
                })
            }
            "workspace/didChangeWatchedFiles" => {
                parse::<DidChangeWatchedFilesParams>(notification.params).map(|params| {
                    // Modules change the index alone; anything else (a
                    // configuration, a rule file, an `__init__.py`, which
                    // makes or unmakes a package) may change every file's
                    // settings.
                    let uris: Vec<Url> =
                        params.changes.into_iter().map(|event| event.uri).collect();
                    if uris.iter().all(|uri| is_python_file(uri) && !is_package_marker(uri)) {
                        self.index_changed(&uris);
                    } else {
                        self.reload();
                    }
                })
            }
            "textDocument/didClose" => {
                parse::<DidCloseTextDocumentParams>(notification.params).map(|params| {
                    let uri = params.text_document.uri;
                    self.documents.remove(&uri);
                    self.analyses.remove(&uri);
                    // Published below as no diagnostics: the editor clears them.
                    self.dirty.insert(uri);
                })
            }
            _ => Ok(()),
        };
        if let Err(err) = outcome {
            eprintln!("pyfix server: ignored `{method}`: invalid parameters: {err}");
        }
    }

    /// A configuration file changed: every document's settings may have.
    fn reload(&mut self) {
        self.save_cache();
        self.workspace = (self.make_workspace)();
        self.analyses.clear();
        self.dirty.extend(self.documents.keys().cloned());
    }

    /// Publishes the diagnostics of every changed document.
    fn publish_dirty(&mut self, connection: &Connection) -> Result<(), String> {
        for uri in std::mem::take(&mut self.dirty) {
            // A closed document gets none: the editor clears them.
            let analysis = self.documents.contains_key(&uri).then(|| self.analysis(&uri));
            let (diagnostics, version) = match (analysis, self.documents.get(&uri)) {
                (Some(analysis), Some(document)) => {
                    (self.diagnostics(&analysis, document), Some(document.version))
                }
                _ => (Vec::new(), None),
            };
            let params = PublishDiagnosticsParams { uri, diagnostics, version };
            let notification = Notification::new("textDocument/publishDiagnostics".into(), params);
            send(connection, notification.into())?;
        }
        Ok(())
    }

    fn show_error(&self, connection: &Connection, message: String) -> Result<(), String> {
        let params = ShowMessageParams { typ: MessageType::ERROR, message };
        send(connection, Notification::new("window/showMessage".into(), params).into())
    }

    /// Keeps the analysis of a saved document in the cache (a run over the
    /// file will find it there).
    fn store_saved(&mut self, uri: &Url) {
        if !self.documents.contains_key(uri) {
            return;
        }
        let analysis = self.analysis(uri);
        if let Ok(Workspace { cache: Some(cache), .. }) = &self.workspace
            && let Analysis::Findings(checked) = &*analysis
            && let Some(key) = checked.unstored
        {
            cache.store(key, None, &checked.report);
        }
    }

    /// The project index holds the file at `uri`.
    fn indexes(&self, uri: &Url) -> bool {
        let Ok(Workspace { resolver, project: Some(project), .. }) = &self.workspace else {
            return false;
        };
        resolver.for_file(&path_of(uri)).is_ok_and(|(_, absolute)| project.holds(&absolute))
    }

    /// Modules saved, or changed on disk (created, edited, deleted), change
    /// what the project says: their records are read again from the files,
    /// and when the facts of any module changed (a cycle made or broken),
    /// every open document is checked again.
    fn index_changed(&mut self, uris: &[Url]) {
        let Ok(Workspace { resolver, project: Some(project), .. }) = &mut self.workspace else {
            return;
        };
        let mut changed = Vec::new();
        for uri in uris.iter().filter(|uri| is_python_file(uri)) {
            let path = path_of(uri);
            let Ok((configuration, absolute)) = resolver.for_file(&path) else { continue };
            // As in the walk that built the index: excluded files are not
            // modules of it.
            if configuration.is_excluded_with_ancestors(&absolute) {
                continue;
            }
            // A file that cannot be read (deleted) has no record.
            let text = std::fs::read(&absolute).ok();
            let module = configuration.module_for(&absolute);
            changed.push((ModuleFile::new(absolute, &module), text));
        }
        if changed.is_empty() {
            return;
        }
        let texts = changed.iter().map(|(file, text)| (file.clone(), text.as_deref()));
        if project.update(texts) {
            for problem in project.index().problems() {
                eprintln!("pyfix server: warning: {problem}");
            }
            self.analyses.clear();
            self.dirty.extend(self.documents.keys().cloned());
        }
    }

    /// Writes what the session added to the cache, for the next run and
    /// the next session. A cache that cannot be written only costs time.
    fn save_cache(&self) {
        if let Ok(Workspace { cache: Some(cache), .. }) = &self.workspace
            && let Err(err) = cache.write()
        {
            eprintln!("pyfix server: cannot write the cache: {err}");
        }
    }

    /// Checks (`apply` `None`) or fixes the document's text with its settings.
    fn process(
        &self,
        uri: &Url,
        document: &Document,
        apply: Option<Applicability>,
    ) -> Result<Option<Checked>, Analysis> {
        if !is_python(uri, document) {
            return Ok(None);
        }
        let failed = |message| Analysis::Failed { line: None, message };
        let workspace = self.workspace.as_ref().map_err(|message| failed(message.clone()))?;
        let (project, absolute) = workspace
            .resolver
            .for_file(&path_of(uri))
            .map_err(|err| failed(describe_config_error(&err)))?;
        // As with `--force-exclude`: an excluded file is not checked.
        if project.is_excluded_with_ancestors(&absolute) {
            return Ok(None);
        }
        let rules = project.rules_for(&absolute);
        let settings = project.settings_for(&absolute);
        let settings = match &workspace.project {
            Some(index) => index.index().with_facts(settings, &absolute),
            None => settings,
        };
        let file_name = absolute
            .file_name()
            .map_or_else(|| "-".to_string(), |name| name.to_string_lossy().to_string());
        let cache = workspace.cache.as_ref();
        let key = cache
            .map(|cache| cache.key_for(&file_name, &settings, &rules, document.text.as_bytes()));
        if let (Some(cache), Some(key)) = (cache, key)
            && let Some(report) = cache.lookup(key, apply)
        {
            return Ok(Some(Checked { report, project, unstored: None }));
        }
        let report = engine::process_with(
            &document.text,
            &file_name,
            workspace.registry.selection(&rules),
            &settings,
            apply,
            Prefilter::On,
        )
        .map_err(|err| Analysis::Failed { line: error_line(&err), message: err.to_string() })?;
        Ok(Some(Checked { report, project, unstored: key }))
    }

    /// The analysis of the open document at `uri`, made once per text.
    fn analysis(&mut self, uri: &Url) -> Rc<Analysis> {
        if let Some(analysis) = self.analyses.get(uri) {
            return analysis.clone();
        }
        let analysis = match self.documents.get(uri).map(|doc| self.process(uri, doc, None)) {
            Some(Ok(Some(checked))) => Analysis::Findings(Box::new(checked)),
            Some(Ok(None)) | None => Analysis::Skipped,
            Some(Err(analysis)) => analysis,
        };
        let analysis = Rc::new(analysis);
        self.analyses.insert(uri.clone(), analysis.clone());
        analysis
    }

    fn diagnostics(&self, analysis: &Analysis, document: &Document) -> Vec<Diagnostic> {
        let index = LineIndex::new(&document.text);
        match analysis {
            Analysis::Findings(checked) => checked
                .report
                .findings
                .iter()
                .map(|finding| self.diagnostic(finding, &index, &document.text, &checked.project))
                .collect(),
            Analysis::Skipped => Vec::new(),
            Analysis::Failed { line, message } => {
                // One note on the line at fault (the first for a
                // configuration error): the file cannot be checked.
                let line = u32::try_from(line.unwrap_or(1).saturating_sub(1)).unwrap_or(0);
                let message = format!("pyfix cannot check this file: {message}");
                let start = lsp_types::Position::new(line, 0);
                let end_offset = index.offset(
                    &document.text,
                    lsp_types::Position::new(line, u32::MAX),
                    self.encoding,
                );
                let end = index.position(&document.text, end_offset, self.encoding);
                vec![Diagnostic {
                    range: lsp_types::Range::new(start, end),
                    severity: Some(DiagnosticSeverity::INFORMATION),
                    source: Some("pyfix".into()),
                    message,
                    ..Diagnostic::default()
                }]
            }
        }
    }

    fn diagnostic(
        &self,
        finding: &Finding,
        index: &LineIndex,
        text: &str,
        project: &Project,
    ) -> Diagnostic {
        let code_description = project
            .docs_url
            .as_deref()
            .and_then(|base| Url::parse(&page_url(finding.code, Some(base))).ok())
            .map(|href| CodeDescription { href });
        Diagnostic {
            range: index.range(text, finding.range.clone(), self.encoding),
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String(finding.code.into())),
            code_description,
            source: Some("pyfix".into()),
            message: finding.message.clone(),
            ..Diagnostic::default()
        }
    }

    /// A `quickfix` for each fix of a finding in the range, then the fix-all
    /// action, as the request's `only` allows.
    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        if !self.documents.contains_key(uri) {
            return Vec::new();
        }
        let analysis = self.analysis(uri);
        let Some(document) = self.documents.get(uri) else { return Vec::new() };
        let Analysis::Findings(checked) = &*analysis else { return Vec::new() };
        let (findings, project) = (&checked.report.findings, &checked.project);
        let only = params.context.only.as_deref();
        let mut actions = Vec::new();
        if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
            let text = &document.text;
            let index = LineIndex::new(text);
            let start = index.offset(text, params.range.start, self.encoding);
            let end = index.offset(text, params.range.end, self.encoding);
            for finding in findings {
                let touches = finding.range.start <= end && start <= finding.range.end;
                if touches && let Some(action) = self.quick_fix(uri, finding, &index, text, project)
                {
                    actions.push(CodeActionOrCommand::CodeAction(action));
                }
            }
        }
        // Fixing costs more than checking: only when a fix would apply.
        let threshold = threshold(project);
        let fixable =
            findings.iter().any(|finding| finding.fix.is_some_and(|fix| fix >= threshold));
        if fixable
            && wanted(only, FIX_ALL)
            && let Some(action) = self.fix_all(uri, document, threshold)
        {
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
        actions
    }

    fn quick_fix(
        &self,
        uri: &Url,
        finding: &Finding,
        index: &LineIndex,
        text: &str,
        project: &Project,
    ) -> Option<CodeAction> {
        let title = match finding.fix? {
            Applicability::Safe => format!("Fix: {}", finding.message),
            Applicability::Unsafe => format!("Fix (unsafe): {}", finding.message),
            Applicability::DisplayOnly => return None,
        };
        if finding.edits.is_empty() {
            return None;
        }
        let edits = finding
            .edits
            .iter()
            .map(|edit| TextEdit {
                range: index.range(text, edit.range.clone(), self.encoding),
                new_text: edit.content.clone(),
            })
            .collect();
        Some(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![self.diagnostic(finding, index, text, project)]),
            edit: Some(workspace_edit(uri, edits)),
            is_preferred: Some(finding.fix == Some(Applicability::Safe)),
            ..CodeAction::default()
        })
    }

    /// Every fix pyfix applies to the file, as `--write` would: the safe
    /// ones, and the unsafe ones when the configuration enables them.
    fn fix_all(
        &self,
        uri: &Url,
        document: &Document,
        threshold: Applicability,
    ) -> Option<CodeAction> {
        let Checked { report, .. } = self.process(uri, document, Some(threshold)).ok()??;
        let fixed = report.fixed?;
        let text = &document.text;
        let (range, replacement) = minimal_edit(text, &fixed);
        let index = LineIndex::new(text);
        let edit = TextEdit {
            range: index.range(text, range, self.encoding),
            new_text: replacement.to_string(),
        };
        let count: usize = report.fixes.values().sum();
        Some(CodeAction {
            title: format!("pyfix: fix all ({count} {})", if count == 1 { "fix" } else { "fixes" }),
            kind: Some(CodeActionKind::new(FIX_ALL)),
            edit: Some(workspace_edit(uri, vec![edit])),
            ..CodeAction::default()
        })
    }
}

/// The least safe fix that fix-all applies: unsafe ones only when the
/// configuration enables them, as for `--write`.
fn threshold(project: &Project) -> Applicability {
    if project.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe }
}

fn workspace_edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

/// Whether the request's `only` asks for actions of `kind`: a kind asks
/// for itself and its sub-kinds (`source` for `source.fixAll.pyfix`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|asked| {
            let asked = asked.as_str();
            kind == asked || kind.strip_prefix(asked).is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// The path a document stands for: its file, or for an unsaved document
/// a file of its name in the working directory (for its settings).
fn path_of(uri: &Url) -> PathBuf {
    if uri.scheme() == "file"
        && let Ok(path) = uri.to_file_path()
    {
        return path;
    }
    let name = uri.path_segments().and_then(|mut segments| segments.next_back());
    PathBuf::from(name.filter(|name| !name.is_empty()).unwrap_or("untitled.py"))
}

/// Python by the editor's word, or by the file's extension.
fn is_python(uri: &Url, document: &Document) -> bool {
    document.language_id == "python"
        || path_of(uri).extension().is_some_and(|ext| ext == "py" || ext == "pyi")
}

/// An `__init__.py`: whether it exists decides the module names of its folder.
fn is_package_marker(uri: &Url) -> bool {
    path_of(uri).file_name().is_some_and(|name| name == "__init__.py")
}

/// A `.py` file: a module the project index may hold (stubs are never run).
fn is_python_file(uri: &Url) -> bool {
    path_of(uri).extension().is_some_and(|extension| extension == "py")
}

fn is_config_file(uri: &Url) -> bool {
    let path = path_of(uri);
    let name = path.file_name().and_then(|name| name.to_str());
    name.is_some_and(|name| CONFIG_FILES.contains(&name))
}

/// The 1-based line of a syntax error, when the error has one.
fn error_line(err: &FileError) -> Option<usize> {
    match err {
        FileError::Syntax { line, .. }
        | FileError::Python2 { line, .. }
        | FileError::NewerThanTarget { line, .. } => Some(*line),
        _ => None,
    }
}

/// A configuration error as the editor shows it.
pub fn describe_config_error(err: &ConfigError) -> String {
    let shown = display_path(&err.path);
    format!("configuration error in {shown}: {}", err.reason())
}

fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, serde_json::Error> {
    serde_json::from_value(params)
}

fn invalid_params(id: RequestId, err: &serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, format!("invalid parameters: {err}"))
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|_| "the connection closed".to_string())
}
