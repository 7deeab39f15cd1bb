//! YAML → `serde_json::Value` with the line/column of every node.
//!
//! We use yaml-rust2's event parser (pure Rust, builds for wasm32) and build the JSON value ourselves,
//! recording where each node starts. Paths use the same syntax as [`crate::path`]
//! (`spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`).
//! Plain scalars are resolved with the YAML 1.2 core schema (null, bool, int, float).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
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

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub location: Location,
    pub message: String,
}

/// Upper bound on nodes (after alias expansion) to refuse "billion laughs" inputs.
const MAX_NODES: usize = 200_000;

enum Frame {
    Seq {
        items: Vec<Value>,
        path: String,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        path: String,
        anchor: usize,
        key: Option<String>,
    },
}

struct Builder {
    docs: Vec<Document>,
    stack: Vec<Frame>,
    root: Option<Value>,
    locations: BTreeMap<String, Location>,
    anchors: BTreeMap<usize, Value>,
    error: Option<YamlError>,
    nodes: usize,
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
    fn fail(&mut self, mark: &Marker, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                location: Location::from_marker(mark),
                message: message.into(),
            });
        }
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

    fn count(v: &Value) -> usize {
        match v {
            Value::Array(a) => 1 + a.iter().map(Self::count).sum::<usize>(),
            Value::Object(o) => 1 + o.values().map(Self::count).sum::<usize>(),
            _ => 1,
        }
    }

    /// Add a finished node to its parent.
    fn add(&mut self, value: Value, mark: &Marker) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(
                mark,
                "document too large (too many nodes, or aliases expanding too much)",
            );
            return;
        }
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
                            mark,
                            "a mapping key must be a plain value, not a list or mapping",
                        );
                        return;
                    }
                    let k = key_string(&value);
                    if map.contains_key(&k) {
                        self.fail(mark, format!("duplicate key \"{k}\""));
                        return;
                    }
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(k);
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
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
                let is_key = self.next_path().is_none();
                if let Some(p) = self.next_path() {
                    self.locations.insert(p, Location::from_marker(&mark));
                }
                let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if style == TScalarStyle::Plain && !forced_str {
                    resolve_plain(&s)
                } else {
                    Value::String(s)
                };
                if anchor > 0 && !is_key {
                    self.anchors.insert(anchor, v.clone());
                }
                self.add(v, &mark);
            }
            Event::Alias(id) => {
                if let Some(p) = self.next_path() {
                    self.locations.insert(p, Location::from_marker(&mark));
                }
                match self.anchors.get(&id).cloned() {
                    Some(v) => {
                        self.nodes += Self::count(&v);
                        self.add(v, &mark)
                    }
                    None => self.fail(&mark, "alias to an unknown anchor"),
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let Some(path) = self.next_path() else {
                    self.fail(
                        &mark,
                        "a mapping key must be a plain value, not a list or mapping",
                    );
                    return;
                };
                if self.stack.len() > 256 {
                    self.fail(&mark, "nesting too deep");
                    return;
                }
                self.locations
                    .insert(path.clone(), Location::from_marker(&mark));
                let frame = if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        path,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        map: Map::new(),
                        path,
                        anchor,
                        key: None,
                    }
                };
                self.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { items, anchor, .. }) => (Value::Array(items), anchor),
                    Some(Frame::Map { map, anchor, .. }) => (Value::Object(map), anchor),
                    None => return,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                self.add(value, &mark);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

/// Parse every document of a YAML stream. Empty documents (e.g. a trailing `---`) are kept as `null`.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut b = Builder {
        docs: Vec::new(),
        stack: Vec::new(),
        root: None,
        locations: BTreeMap::new(),
        anchors: BTreeMap::new(),
        error: None,
        nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    let res = parser.load(&mut b, true);
    if let Some(e) = b.error {
        return Err(e);
    }
    if let Err(e) = res {
        return Err(YamlError {
            location: Location::from_marker(e.marker()),
            message: e.info().to_string(),
        });
    }
    Ok(b.docs)
}

/// Parse a stream that must hold exactly one document.
pub fn parse_document(text: &str) -> Result<Document, YamlError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(YamlError {
            location: Location { line: 1, column: 1 },
            message: "empty document".into(),
        }),
        _ => Err(YamlError {
            location: Location { line: 1, column: 1 },
            message: format!("expected one YAML document, found {}", docs.len()),
        }),
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
        assert!(parse_documents(&bomb).is_err());
    }

    #[test]
    fn multiple_documents_are_split() {
        let docs = parse_documents("a: 1\n---\nb: 2\n---\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[2].value.is_null());
    }
}
