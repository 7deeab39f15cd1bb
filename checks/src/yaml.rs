//! YAML → `serde_json::Value` with the line/column of every node.
//!
//! We use yaml-rust2's event parser (pure Rust, builds for wasm32) and build the JSON value ourselves,
//! recording where each node starts. Paths use the same syntax as [`crate::path`]
//! (`spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`).
//! Plain scalars are resolved with the YAML 1.2 core schema (null, bool, int, float).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position in a text, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

impl Location {
    fn from_marker(m: &Marker) -> Self {
        // yaml-rust2 lines are 1-based, columns 0-based.
        Location {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX),
            column: u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1),
        }
    }
}

/// One YAML document: its value and the location of each node by path ("" is the root).
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub locations: BTreeMap<String, Location>,
}

impl Document {
    /// The location of `path`, or of its nearest ancestor that has one.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut p = path.to_string();
        loop {
            if let Some(l) = self.locations.get(&p) {
                return Some(*l);
            }
            if p.is_empty() {
                return None;
            }
            p = crate::path::parent(&p);
        }
    }
}

/// Why a YAML text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not valid YAML (or not a shape we read: a list as a key, a duplicate key, …).
    Syntax,
    /// Valid YAML that is over the [`Budget`]: too many aliases, nodes, expanded bytes or levels.
    TooComplex,
}

/// A YAML text we refuse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub location: Location,
    pub message: String,
}

/// What one YAML text may expand to. A 1 MiB text can name a 500 KB anchor 80,000 times (40 GB once
/// expanded) or a 500 KB key above 100,000 children (whose paths we record): the budget counts what
/// we build — nodes, and the bytes of scalars and recorded paths — and every alias's expansion is
/// checked *before* it is cloned. Kubernetes manifests use few aliases and stay far below each cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max_aliases: usize,
    pub max_nodes: usize,
    pub max_expanded_bytes: usize,
    pub max_depth: usize,
}

/// The budget every submitted text and content file is read with.
pub const BUDGET: Budget = Budget {
    max_aliases: 100,
    max_nodes: 200_000,
    max_expanded_bytes: 4 * 1024 * 1024,
    max_depth: 64,
};

enum Frame {
    Seq {
        items: Vec<Value>,
        path: String,
        anchor: usize,
        start: Weight,
    },
    Map {
        map: Map<String, Value>,
        path: String,
        anchor: usize,
        key: Option<String>,
        start: Weight,
    },
}

/// What has been built so far (or what an anchored node weighs).
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

struct Builder {
    budget: Budget,
    docs: Vec<Document>,
    stack: Vec<Frame>,
    root: Option<Value>,
    locations: BTreeMap<String, Location>,
    anchors: BTreeMap<usize, (Value, Weight)>,
    error: Option<YamlError>,
    spent: Weight,
    aliases: usize,
}

/// Append a map key to a path.
pub fn push_key(path: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$');
    match (path.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::Value::String(key.to_string())),
    }
}

/// Append a list index to a path.
pub fn push_index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match s.strip_prefix('-') {
        Some(r) => (-1i64, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = digits.parse::<i64>() {
            return Value::Number(Number::from(sign * n));
        }
    }
    if let Some(h) = s.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(h, 16) {
            return Value::Number(Number::from(n));
        }
    }
    if let Some(o) = s.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(o, 8) {
            return Value::Number(Number::from(n));
        }
    }
    if is_float(digits) {
        if let Ok(f) = s.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Value::Number(n);
            }
        }
    }
    Value::String(s.to_string())
}

fn is_float(s: &str) -> bool {
    // [0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)? with at least one digit
    let b = s.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

fn key_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Builder {
    fn new(budget: Budget) -> Self {
        Builder {
            budget,
            docs: Vec::new(),
            stack: Vec::new(),
            root: None,
            locations: BTreeMap::new(),
            anchors: BTreeMap::new(),
            error: None,
            spent: Weight::default(),
            aliases: 0,
        }
    }

    fn fail(&mut self, kind: YamlErrorKind, mark: &Marker, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                kind,
                location: Location::from_marker(mark),
                message: message.into(),
            });
        }
    }

    /// Spends `w` from the budget, or fails and answers false.
    fn spend(&mut self, w: Weight, mark: &Marker) -> bool {
        let nodes = self.spent.nodes.saturating_add(w.nodes);
        let bytes = self.spent.bytes.saturating_add(w.bytes);
        if nodes > self.budget.max_nodes {
            let limit = self.budget.max_nodes;
            self.fail(
                YamlErrorKind::TooComplex,
                mark,
                format!("the YAML expands to more than {limit} values (anchors and aliases count once per use)"),
            );
            return false;
        }
        if bytes > self.budget.max_expanded_bytes {
            let mib = self.budget.max_expanded_bytes / (1024 * 1024);
            self.fail(
                YamlErrorKind::TooComplex,
                mark,
                format!("the YAML expands to more than {mib} MiB (anchors and aliases count once per use)"),
            );
            return false;
        }
        self.spent = Weight { nodes, bytes };
        true
    }

    /// Records where the node at `path` starts; the path's bytes are part of the budget.
    fn locate(&mut self, path: String, mark: &Marker) -> bool {
        if !self.spend(
            Weight {
                nodes: 0,
                bytes: path.len(),
            },
            mark,
        ) {
            return false;
        }
        self.locations.insert(path, Location::from_marker(mark));
        true
    }

    /// Path of the node that is about to be added.
    fn next_path(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Seq { items, path, .. }) => Some(push_index(path, items.len())),
            Some(Frame::Map {
                key: Some(k), path, ..
            }) => Some(push_key(path, k)),
            Some(Frame::Map { key: None, .. }) => None, // a key comes next
        }
    }

    /// Add a finished node to its parent.
    fn add(&mut self, value: Value, mark: &Marker) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => {
                    if !matches!(
                        value,
                        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null
                    ) {
                        self.fail(
                            YamlErrorKind::Syntax,
                            mark,
                            "a mapping key must be a plain value, not a list or mapping",
                        );
                        return;
                    }
                    let k = key_string(&value);
                    if map.contains_key(&k) {
                        self.fail(
                            YamlErrorKind::Syntax,
                            mark,
                            format!("duplicate key \"{k}\""),
                        );
                        return;
                    }
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(k);
                    }
                }
            },
        }
    }

    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::DocumentStart => {
                self.root = None;
                self.locations.clear();
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                let value = self.root.take().unwrap_or(Value::Null);
                self.docs.push(Document {
                    value,
                    locations: std::mem::take(&mut self.locations),
                });
            }
            Event::Scalar(s, style, anchor, tag) => {
                let path = self.next_path();
                let is_key = path.is_none();
                if let Some(p) = path {
                    if !self.locate(p, &mark) {
                        return;
                    }
                }
                let weight = Weight {
                    nodes: 1,
                    bytes: s.len().max(1),
                };
                if !self.spend(weight, &mark) {
                    return;
                }
                let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if style == TScalarStyle::Plain && !forced_str {
                    resolve_plain(&s)
                } else {
                    Value::String(s)
                };
                if anchor > 0 && !is_key {
                    self.anchors.insert(anchor, (v.clone(), weight));
                }
                self.add(v, &mark);
            }
            Event::Alias(id) => {
                self.aliases += 1;
                if self.aliases > self.budget.max_aliases {
                    let limit = self.budget.max_aliases;
                    self.fail(
                        YamlErrorKind::TooComplex,
                        &mark,
                        format!("more than {limit} aliases (*name); write the values out instead"),
                    );
                    return;
                }
                if let Some(p) = self.next_path() {
                    if !self.locate(p, &mark) {
                        return;
                    }
                }
                let Some((_, weight)) = self.anchors.get(&id) else {
                    self.fail(YamlErrorKind::Syntax, &mark, "alias to an unknown anchor");
                    return;
                };
                // The budget is spent before the clone, so a refused alias allocates nothing.
                if !self.spend(*weight, &mark) {
                    return;
                }
                if let Some((v, _)) = self.anchors.get(&id) {
                    let v = v.clone();
                    self.add(v, &mark);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let Some(path) = self.next_path() else {
                    self.fail(
                        YamlErrorKind::Syntax,
                        &mark,
                        "a mapping key must be a plain value, not a list or mapping",
                    );
                    return;
                };
                if self.stack.len() >= self.budget.max_depth {
                    let limit = self.budget.max_depth;
                    self.fail(
                        YamlErrorKind::TooComplex,
                        &mark,
                        format!("lists and mappings nest more than {limit} levels deep"),
                    );
                    return;
                }
                if !self.locate(path.clone(), &mark)
                    || !self.spend(Weight { nodes: 1, bytes: 1 }, &mark)
                {
                    return;
                }
                let start = self.spent;
                let frame = if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        path,
                        anchor,
                        start,
                    }
                } else {
                    Frame::Map {
                        map: Map::new(),
                        path,
                        anchor,
                        key: None,
                        start,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, start) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        start,
                        ..
                    }) => (Value::Array(items), anchor, start),
                    Some(Frame::Map {
                        map, anchor, start, ..
                    }) => (Value::Object(map), anchor, start),
                    None => return,
                };
                if anchor > 0 {
                    // What a later alias to this node will cost: the node and everything in it.
                    let weight = Weight {
                        nodes: 1 + self.spent.nodes - start.nodes,
                        bytes: 1 + self.spent.bytes - start.bytes,
                    };
                    self.anchors.insert(anchor, (value.clone(), weight));
                }
                self.add(value, &mark);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

/// `value` as one YAML document (without the `---` line), for files kubelab generates; the
/// emitter is yaml-rust2's, so quoting follows YAML's rules, not ours.
pub fn to_string(value: &Value) -> String {
    fn convert(v: &Value) -> yaml_rust2::Yaml {
        use yaml_rust2::Yaml;
        match v {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Boolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Integer(i),
                None => Yaml::Real(n.to_string()),
            },
            Value::String(s) => Yaml::String(s.clone()),
            Value::Array(items) => Yaml::Array(items.iter().map(convert).collect()),
            Value::Object(map) => Yaml::Hash(
                map.iter()
                    .map(|(k, v)| (Yaml::String(k.clone()), convert(v)))
                    .collect(),
            ),
        }
    }
    let mut out = String::new();
    let mut emitter = yaml_rust2::YamlEmitter::new(&mut out);
    // Writing to a String cannot fail.
    let _ = emitter.dump(&convert(value));
    let body = out
        .strip_prefix("---\n")
        .or_else(|| out.strip_prefix("---"))
        .unwrap_or(&out);
    format!("{}\n", body.trim_start_matches(' '))
}

/// Parse every document of a YAML stream. Empty documents (e.g. a trailing `---`) are kept as `null`.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    parse_documents_within(text, BUDGET)
}

/// [`parse_documents`] with another budget.
///
/// The event loop is ours (yaml-rust2's `load` recurses once per level and cannot be stopped), so a
/// refusal stops reading at once.
pub fn parse_documents_within(text: &str, budget: Budget) -> Result<Vec<Document>, YamlError> {
    let mut b = Builder::new(budget);
    let mut parser = Parser::new_from_str(text);
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| YamlError {
            kind: YamlErrorKind::Syntax,
            location: Location::from_marker(e.marker()),
            message: e.info().to_string(),
        })?;
        let end = ev == Event::StreamEnd;
        b.on_event(ev, mark);
        if let Some(e) = b.error.take() {
            return Err(e);
        }
        if end {
            return Ok(b.docs);
        }
    }
}

/// Reads one YAML document into `T` (course files, front matter), within [`BUDGET`].
///
/// A value of the wrong shape is reported at its own line, with its path: "order: invalid type …".
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let doc = parse_document(text)?;
    let Document { value, locations } = doc;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        let located = Document {
            value: Value::Null,
            locations,
        };
        let location = located
            .locate(&path)
            .unwrap_or(Location { line: 1, column: 1 });
        let inner = e.into_inner();
        YamlError {
            kind: YamlErrorKind::Syntax,
            location,
            message: if path.is_empty() {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            },
        }
    })
}

/// Parse a stream that must hold exactly one document.
pub fn parse_document(text: &str) -> Result<Document, YamlError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(YamlError {
            kind: YamlErrorKind::Syntax,
            location: Location { line: 1, column: 1 },
            message: "empty document".into(),
        }),
        _ => Err(YamlError {
            kind: YamlErrorKind::Syntax,
            location: Location { line: 1, column: 1 },
            message: format!("expected one YAML document, found {}", docs.len()),
        }),
    }
}

#[cfg(test)]
mod to_string_tests {
    use super::*;

    #[test]
    fn a_generated_document_reads_back_as_the_same_value() {
        let v = serde_json::json!({
            "kind": "ValidatingAdmissionPolicy",
            "metadata": { "name": "x", "labels": { "a/b": "true" } },
            "spec": { "n": 3, "f": 1.5, "on": false, "none": null, "empty": [], "e": {},
                      "cel": "object.spec.type != 'ExternalName' && x: y # not a comment",
                      "list": ["*", "", "yes", "0123", "- dash"] },
        });
        let text = to_string(&v);
        assert!(
            text.starts_with("kind: ValidatingAdmissionPolicy\n"),
            "{text}"
        );
        let back = parse_document(&text).expect("reads back");
        assert_eq!(back.value, v, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_with_core_schema_and_quotes_stay_strings() {
        let d = parse_document("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: nginx:alpine\ng: 0x1F\n")
            .unwrap();
        assert_eq!(d.value["a"], 1);
        assert_eq!(d.value["b"], "1");
        assert_eq!(d.value["c"], true);
        assert!(d.value["d"].is_null());
        assert_eq!(d.value["e"], 1.5);
        assert_eq!(d.value["f"], "nginx:alpine");
        assert_eq!(d.value["g"], 31);
    }

    #[test]
    fn locations_are_one_based_line_and_column() {
        let d =
            parse_document("kind: Pod\nspec:\n  containers:\n  - name: ngx\n    image: nginx\n")
                .unwrap();
        assert_eq!(
            d.locations["spec.containers[0].image"],
            Location {
                line: 5,
                column: 12
            }
        );
        assert_eq!(
            d.locate("spec.containers[0].ports").map(|l| l.line),
            Some(4)
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = parse_documents("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.location.line >= 1, "{e:?}");
        let e = parse_documents("a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(e.location.line, 2, "{e:?}");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse_documents("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("duplicate key"), "{e:?}");
        assert_eq!(e.location.line, 2);
    }

    #[test]
    fn aliases_expand_and_bombs_are_refused() {
        let d = parse_document("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(d.value["b"]["k"], "v");
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let e = parse_documents(&bomb).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::TooComplex, "{e:?}");
    }

    fn too_complex(text: &str, budget: Budget) -> YamlError {
        let e = parse_documents_within(text, budget).unwrap_err();
        assert_eq!(e.kind, YamlErrorKind::TooComplex, "{e:?}");
        e
    }

    /// The reproduction: a 500 KB anchor named 80,000 times (740 KB of text, 40 GB once
    /// expanded) killed the server. It is refused at the 101st alias, before any clone.
    #[test]
    fn a_large_anchor_named_many_times_is_refused_at_the_alias_cap() {
        let mut text = format!("a: &a {}\nb: [", "x".repeat(500_000));
        text.push_str(&vec!["*a"; 80_000].join(","));
        text.push_str("]\n");
        let e = too_complex(&text, BUDGET);
        assert_eq!(e.location.line, 2);
        // Small anchors are capped by count.
        let text = format!("a: &a x\nb: [{}]\n", vec!["*a"; 101].join(","));
        let e = too_complex(&text, BUDGET);
        assert!(e.message.contains("100 aliases"), "{e:?}");
    }

    #[test]
    fn few_aliases_to_a_large_anchor_are_refused_by_expanded_bytes() {
        // 8 uses of a 600 KB scalar: under the alias cap, over 4 MiB once expanded.
        let text = format!(
            "a: &a {}\nb: [{}]\n",
            "x".repeat(600_000),
            ["*a"; 8].join(",")
        );
        let e = too_complex(&text, BUDGET);
        assert!(e.message.contains("4 MiB"), "{e:?}");
        // The same text with 5 uses fits.
        let ok = format!(
            "a: &a {}\nb: [{}]\n",
            "x".repeat(600_000),
            ["*a"; 5].join(",")
        );
        assert_eq!(
            parse_document(&ok).unwrap().value["b"]
                .as_array()
                .unwrap()
                .len(),
            5
        );
    }

    #[test]
    fn a_long_key_above_many_children_is_refused_by_path_bytes() {
        // Every child's recorded path repeats the 100 KB key: 50 children are 5 MB of paths.
        let text = format!(
            "? {}\n: [{}]\n",
            "k".repeat(100_000),
            vec!["1"; 50].join(",")
        );
        too_complex(&text, BUDGET);
    }

    #[test]
    fn node_and_depth_caps_hold() {
        let small = Budget {
            max_nodes: 10,
            ..BUDGET
        };
        too_complex("[1,2,3,4,5,6,7,8,9,10,11]\n", small);
        let deep = format!("{}1{}\n", "[".repeat(65), "]".repeat(65));
        let e = too_complex(&deep, BUDGET);
        assert!(e.message.contains("64 levels"), "{e:?}");
        let ok = format!("{}1{}\n", "[".repeat(64), "]".repeat(64));
        parse_document(&ok).unwrap();
        // Block nesting (no flow brackets) is capped too.
        let mut block = String::new();
        for i in 0..70 {
            block.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        too_complex(&block, BUDGET);
    }

    #[test]
    fn a_manifest_with_a_few_aliases_reads_as_before() {
        let text = "env: &env [{name: A, value: '1'}]\ncontainers:\n- {name: a, env: *env}\n- {name: b, env: *env}\n";
        let d = parse_document(text).unwrap();
        assert_eq!(d.value["containers"][1]["env"][0]["name"], "A");
        assert_eq!(d.locations["containers[1].env"].line, 4);
    }

    #[test]
    fn multiple_documents_are_split() {
        let docs = parse_documents("a: 1\n---\nb: 2\n---\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[2].value.is_null());
    }
}
