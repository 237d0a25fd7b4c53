//! The companion's layers import downward only. Every `crate::` and `super::` path in
//! `companion/src` (in `use` lines and inline) is resolved to the top-level module it names,
//! and each module sits in exactly one layer:
//!
//! ```text
//! main.rs, cli/        the command line (the binary crate: it reaches the library by name)
//! app                  wiring: opens the state, registers every capability's job kinds, serves
//! http                 the route table, extractors, guards, JSON API, dashboard pages
//! capabilities         one module each; they use each other only along CAPABILITY_EDGES
//! jobs                 the durable runner; it knows no job kind
//! state                what every handler and job can reach
//! vault                the companion's keys and the sealed jars
//! events               the per-user event log and its fan-out
//! store                all SQL
//! config               settings
//! browser              sandboxed headless Chromium, its network none or an egress proxy
//! fetch, auth          the one outbound HTTP path; tokens, passwords, attempt limits
//! error                the one error type
//! ```
//!
//! Below `http`, nothing may name `axum` or `StatusCode`: errors become responses in
//! `http::problem` alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top to bottom. A module may import any module of a lower layer; within a layer, only
/// along an edge of `CAPABILITY_EDGES`.
const LAYERS: &[&[&str]] = &[
    &["app"],
    &["http"],
    &[
        "account",
        "apply",
        "approvals",
        "forms",
        "intake",
        "llm",
        "mail",
        "pairing",
        "profile",
        "resume",
        "users",
    ],
    &["jobs"],
    &["state"],
    &["vault"],
    &["events"],
    &["store"],
    &["config"],
    &["browser", "tex"],
    &["fetch", "auth"],
    &["error"],
];

/// Capabilities that use another, one edge a line; the graph must stay acyclic.
const CAPABILITY_EDGES: &[(&str, &str)] = &[
    ("apply", "approvals"),
    ("apply", "forms"),
    ("apply", "profile"),
    ("approvals", "forms"),
    ("forms", "llm"),
    ("forms", "profile"),
    ("intake", "approvals"),
    ("intake", "profile"),
    ("mail", "approvals"),
    ("resume", "llm"),
    ("resume", "profile"),
    ("users", "approvals"),
];

/// Words that mean HTTP and belong to `http` (and above) only.
const HTTP_WORDS: [&str; 2] = ["axum", "StatusCode"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module path of a file under `src/` ("http/api/jobs.rs" -> ["http", "api", "jobs"]).
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// The code without comments, so that prose about a module is not an import of it.
fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named at each `crate::` or `super::` path in `code`, written in a
/// file whose module path is `module` (braces followed: `crate::{a, b::c}` names a and b).
fn named_modules(code: &str, module: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, _) in code.match_indices("::") {
        // The path's first segment ends here; find where it begins.
        let head_start = code[..start]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |at| at + 1);
        if head_start > 0 && bytes[head_start - 1] == b'$' {
            continue;
        }
        let path_text = &code[head_start..];
        if !(path_text.starts_with("crate::") || path_text.starts_with("super::")) {
            continue;
        }
        // Only the first `::` of a path starts it.
        if code[head_start..start].contains("::") {
            continue;
        }
        let mut segments: Vec<String> = Vec::new();
        let mut rest = path_text;
        let mut base: Vec<String> = Vec::new();
        if rest.starts_with("crate::") {
            rest = &rest["crate::".len()..];
        } else {
            base = module.to_vec();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let first = item.trim().split("::").next().unwrap_or("").trim();
                if !first.is_empty() && first != "self" {
                    let mut full = base.clone();
                    full.push(first.to_owned());
                    segments.push(full[0].clone());
                }
            }
        } else {
            let first: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let mut full = base.clone();
            if !first.is_empty() {
                full.push(first);
            }
            if let Some(top) = full.first() {
                segments.push(top.clone());
            }
        }
        found.extend(segments);
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What breaks the layers in the sources `(relative path, text)`, one line each.
fn violations(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (relative, source) in files {
        let module = module_path(relative);
        let Some(top) = module.first() else {
            continue; // lib.rs only declares modules and re-exports.
        };
        if top == "main" || top == "cli" {
            continue; // The binary crate sits above the library.
        }
        let Some(own) = layer_of(top) else {
            found.push(format!(
                "{}: module `{top}` sits in no layer",
                relative.display()
            ));
            continue;
        };
        let code = without_comments(source);
        for named in named_modules(&code, &module) {
            if &named == top {
                continue;
            }
            match layer_of(&named) {
                None if named == "main" || named == "cli" => found.push(format!(
                    "{}: `{top}` names the command line (`{named}`)",
                    relative.display()
                )),
                None => {}
                Some(theirs) if theirs < own => found.push(format!(
                    "{}: `{top}` (layer {own}) imports `{named}` from above (layer {theirs})",
                    relative.display()
                )),
                Some(theirs)
                    if theirs == own
                        && !CAPABILITY_EDGES.contains(&(top.as_str(), named.as_str())) =>
                {
                    found.push(format!(
                        "{}: `{top}` uses `{named}` in its own layer without an edge in CAPABILITY_EDGES",
                        relative.display()
                    ));
                }
                Some(_) => {}
            }
        }
        let http_or_above = layer_of("http").is_some_and(|http| own <= http);
        if !http_or_above {
            for word in HTTP_WORDS {
                let named = code.match_indices(word).any(|(at, _)| {
                    let before = code[..at].chars().next_back();
                    let after = code[at + word.len()..].chars().next();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if named {
                    found.push(format!(
                        "{}: `{word}` below http (map errors in http::problem)",
                        relative.display()
                    ));
                }
            }
        }
    }
    found
}

/// Whether the capability edges have a cycle (depth-first search).
fn cycle() -> Option<Vec<&'static str>> {
    fn visit(
        node: &'static str,
        path: &mut Vec<&'static str>,
        done: &mut BTreeSet<&'static str>,
    ) -> Option<Vec<&'static str>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut found = path[at..].to_vec();
            found.push(node);
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node);
        for (from, to) in CAPABILITY_EDGES {
            if *from == node
                && let Some(found) = visit(to, path, done)
            {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    CAPABILITY_EDGES
        .iter()
        .find_map(|(from, _)| visit(from, &mut Vec::new(), &mut done))
}

#[test]
fn layers_import_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: Vec<(PathBuf, String)> = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read a source file");
            (
                path.strip_prefix(&src).expect("under src").to_path_buf(),
                text,
            )
        })
        .collect();
    assert!(files.len() > 50, "found only {} files", files.len());
    let found = violations(&files);
    assert!(found.is_empty(), "layers broken:\n{}", found.join("\n"));
    // An edge no module uses any more would let a new import in unseen.
    let used = used_edges(&files);
    for (from, to) in CAPABILITY_EDGES {
        assert!(
            used.contains(&((*from).to_owned(), (*to).to_owned())),
            "CAPABILITY_EDGES lists {from} -> {to}, which no module uses: remove it"
        );
    }
}

/// The capability edges the sources use.
fn used_edges(files: &[(PathBuf, String)]) -> BTreeSet<(String, String)> {
    let mut used = BTreeSet::new();
    for (relative, source) in files {
        let module = module_path(relative);
        if let Some(top) = module.first() {
            for named in named_modules(&without_comments(source), &module) {
                used.insert((top.clone(), named));
            }
        }
    }
    used
}

#[test]
fn capability_edges_are_acyclic_and_between_capabilities() {
    assert_eq!(cycle(), None);
    let capabilities = layer_of("approvals").expect("the capability layer");
    for (from, to) in CAPABILITY_EDGES {
        assert_eq!(layer_of(from), Some(capabilities), "{from}");
        assert_eq!(layer_of(to), Some(capabilities), "{to}");
    }
}

/// The check itself catches what it is for (a planted file each).
#[test]
fn the_check_finds_upward_imports_and_http_below_http() {
    let planted = |path: &str, text: &str| violations(&[(PathBuf::from(path), text.to_owned())]);
    assert!(planted("store/jobs.rs", "use crate::store::now_ms;\n").is_empty());
    assert_eq!(
        planted("store/jobs.rs", "use crate::http::router;\n").len(),
        1
    );
    assert_eq!(
        planted("config.rs", "fn f() { crate::http::takes_mail(\"/\"); }\n").len(),
        1
    );
    assert_eq!(
        planted("jobs/kinds.rs", "use crate::{approvals, store};\n").len(),
        1
    );
    assert_eq!(
        planted("state.rs", "fn f() { super::super::app::run(); }\n").len(),
        1
    );
    assert_eq!(
        planted("approvals/mod.rs", "use crate::mail::x;\n").len(),
        1
    );
    assert!(planted("approvals/mod.rs", "use crate::forms::clip;\n").is_empty());
    assert!(planted("http/api/jobs.rs", "use super::super::auth::Principal;\n").is_empty());
    assert_eq!(
        planted("mail/credentials.rs", "use axum::http::StatusCode;\n").len(),
        2
    );
    assert!(planted("mail/credentials.rs", "// axum would be wrong here\n").is_empty());
    assert_eq!(planted("newthing.rs", "fn f() {}\n").len(), 1);
}
