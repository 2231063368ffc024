//! The direction of dependencies, checked from the source: a request enters through a REST
//! handler (`server::api`) or a server function (`rpc`), is authorized and validated in
//! `server::service`, and touches the database in `server::db`. Imports point down, never up,
//! and the layers form no cycle.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// Imports no layer may make: (from, to).
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("model", &["app", "rpc", "server::*"]),
    // Pure computation on bytes: it knows nothing of requests, callers or storage.
    ("server::imaging", &["app", "rpc", "server::*"]),
    ("server::spreadsheet", &["app", "rpc", "server::*"]),
    ("app", &["server::*"]),
    ("rpc", &["app"]),
    (
        "server::db",
        &[
            "app",
            "rpc",
            "server::api",
            "server::error",
            "server::service",
            "server::auth",
            "server::rpc",
            "server::core",
            "server::startup",
        ],
    ),
    (
        "server::auth",
        &["app", "rpc", "server::api", "server::startup", "server::rpc", "server::core"],
    ),
    (
        "server::service",
        &["app", "rpc", "server::api", "server::startup", "server::rpc", "server::core"],
    ),
];

/// The layer a source file belongs to (`None` for the crate and `server` roots).
fn layer_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src").ok()?;
    let parts: Vec<String> =
        rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    match parts.as_slice() {
        [top, ..] if top == "app" || top == "rpc" || top == "model" => Some(top.clone()),
        [server, module, ..] if server == "server" && module != "mod" => {
            Some(format!("server::{module}"))
        }
        _ => None,
    }
}

/// The layer an import path (`crate::` already removed) reaches.
fn layer_of_path(segments: &[String]) -> Option<String> {
    match segments {
        [top, ..] if top == "app" || top == "rpc" || top == "model" => Some(top.clone()),
        // `crate::server::ApiError` and `ErrorBody` are re-exports of `server::error`.
        [server, item, ..] if server == "server" && item.starts_with(char::is_uppercase) => {
            Some("server::error".to_owned())
        }
        [server, module, ..] if server == "server" => Some(format!("server::{module}")),
        _ => None,
    }
}

/// Source without comments (doc comments mention paths they do not import).
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

/// Every path a `crate::` use tree names, as segments: `crate::server::{a::B, c}` gives
/// `[server, a, B]` and `[server, c]`.
fn crate_paths(source: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let tree = &rest[at + "crate::".len()..];
        parse_tree(tree, Vec::new(), &mut paths);
        rest = &rest[at + 1..];
    }
    paths
}

/// Parses one use tree at the start of `input`; returns how much it read.
fn parse_tree(input: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let mut i = 0;
    let bytes = input.as_bytes();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    return i + 1;
                }
                let read = parse_tree(&input[i..], path.clone(), out);
                if read == 0 {
                    return i;
                }
                i += read;
            }
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if start == i {
            out.push(path);
            return i;
        }
        path.push(input[start..i].to_owned());
        if input[i..].starts_with("::") {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Layer → the layers it imports, with one file that does, for the messages.
fn imports() -> BTreeMap<String, BTreeMap<String, String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).unwrap();
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let Some(from) = layer_of(&file) else { continue };
        let source = without_comments(&fs::read_to_string(&file).unwrap());
        for path in crate_paths(&source) {
            if let Some(to) = layer_of_path(&path)
                && to != from
            {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_insert_with(|| file.display().to_string());
            }
        }
    }
    graph
}

fn forbids(rule: &str, to: &str) -> bool {
    match rule.strip_suffix('*') {
        Some(prefix) => to.starts_with(prefix),
        None => rule == to,
    }
}

#[test]
fn no_layer_imports_upward() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (from, rules) in FORBIDDEN {
        for (to, file) in graph.get(*from).into_iter().flatten() {
            if rules.iter().any(|rule| forbids(rule, to)) {
                wrong.push(format!("{from} imports {to} ({file})"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports pointing up:\n{}", wrong.join("\n"));
}

#[test]
fn the_layers_form_no_cycle() {
    let graph = imports();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in
            graph.get(node).map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default()
        {
            if let Some(cycle) = visit(&next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let (mut stack, mut done) = (Vec::new(), BTreeSet::new());
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut stack, &mut done) {
            let files: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], graph[&w[0]][&w[1]]))
                .collect();
            panic!("import cycle:\n{}", files.join("\n"));
        }
    }
}

#[test]
fn the_parser_reads_nested_use_trees() {
    let paths = crate_paths("use crate::{model::A, server::{api::b::C, ApiError}};");
    let layers: Vec<_> = paths.iter().filter_map(|p| layer_of_path(p)).collect();
    assert_eq!(layers, ["model", "server::api", "server::error"]);
    assert!(crate_paths(&without_comments("/// see crate::app::X\nfn f() {}")).is_empty());
}
