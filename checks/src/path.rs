//! Field paths into apiserver JSON: `spec.template.spec.containers[name=ngx].image`,
//! `spec.ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`, `spec.volumes[*].name`.

use serde_json::Value;

use crate::yaml::{push_index, push_key};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
    /// `[key=value]`: the list element whose `key` field renders as `value`.
    Match(String, String),
    /// `[*]`: every element.
    Any,
}

/// Parse a path. Errors say what is wrong and where.
pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    let mut key = String::new();
    let mut after_bracket = false;
    let flush = |key: &mut String, out: &mut Vec<Segment>| {
        if !key.is_empty() {
            out.push(Segment::Key(std::mem::take(key)));
        }
    };
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if key.is_empty() && !after_bracket {
                    return Err(format!("empty segment at character {}", i + 1));
                }
                flush(&mut key, &mut out);
                after_bracket = false;
                i += 1;
            }
            '[' => {
                flush(&mut key, &mut out);
                let end = find_close(&chars, i + 1)
                    .ok_or_else(|| format!("unclosed '[' at character {}", i + 1))?;
                let inner: String = chars[i + 1..end].iter().collect();
                out.push(parse_bracket(inner.trim())?);
                after_bracket = true;
                i = end + 1;
            }
            c => {
                after_bracket = false;
                key.push(c);
                i += 1;
            }
        }
    }
    flush(&mut key, &mut out);
    if out.is_empty() {
        return Err("empty path".into());
    }
    Ok(out)
}

fn find_close(chars: &[char], mut i: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ']' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && (s.starts_with('"') && s.ends_with('"')) {
        if let Ok(Value::String(v)) = serde_json::from_str::<Value>(s) {
            return v;
        }
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        return s[1..s.len() - 1].to_string();
    }
    s.to_string()
}

fn parse_bracket(inner: &str) -> Result<Segment, String> {
    if inner == "*" {
        return Ok(Segment::Any);
    }
    if inner.starts_with('"') || inner.starts_with('\'') {
        return Ok(Segment::Key(unquote(inner)));
    }
    if let Ok(n) = inner.parse::<usize>() {
        return Ok(Segment::Index(n));
    }
    if let Some((k, v)) = inner.split_once('=') {
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("missing field name in [{inner}]"));
        }
        return Ok(Segment::Match(k.to_string(), unquote(v)));
    }
    Err(format!(
        "bad selector [{inner}]: use [0], [*], [name=value] or [\"key\"]"
    ))
}

/// Render a scalar for `[key=value]` matching and for messages.
pub fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// Every value the path reaches, with its concrete path (indices resolved).
pub fn get<'a>(root: &'a Value, segs: &[Segment]) -> Vec<(String, &'a Value)> {
    let mut cur: Vec<(String, &Value)> = vec![(String::new(), root)];
    for seg in segs {
        let mut next = Vec::new();
        for (p, v) in cur {
            match seg {
                Segment::Key(k) => {
                    if let Some(x) = v.get(k.as_str()) {
                        next.push((push_key(&p, k), x));
                    }
                }
                Segment::Index(i) => {
                    if let Some(x) = v.get(*i) {
                        next.push((push_index(&p, *i), x));
                    }
                }
                Segment::Match(k, want) => {
                    if let Some(items) = v.as_array() {
                        for x in items {
                            if x.get(k.as_str()).map(render).as_deref() == Some(want.as_str()) {
                                next.push((format!("{p}[{k}={want}]"), x));
                            }
                        }
                    }
                }
                Segment::Any => {
                    if let Some(items) = v.as_array() {
                        for (i, x) in items.iter().enumerate() {
                            next.push((push_index(&p, i), x));
                        }
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

/// The first value a path reaches.
pub fn get_one<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let segs = parse(path).ok()?;
    get(root, &segs).into_iter().next().map(|(_, v)| v)
}

/// A string at `path`, if it is one.
pub fn get_str<'a>(root: &'a Value, path: &str) -> Option<&'a str> {
    get_one(root, path).and_then(Value::as_str)
}

/// The parent of a rendered path (`a.b[0]` → `a.b`, `a.b` → `a`, `a` → ``).
pub fn parent(path: &str) -> String {
    if path.ends_with(']') {
        if let Some(i) = path.rfind('[') {
            return path[..i].to_string();
        }
    }
    match path.rfind('.') {
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_select_list_elements_by_name_and_quoted_keys() {
        let v = json!({"spec":{"containers":[{"name":"a","image":"x"},{"name":"ngx","image":"nginx:alpine"}]},
            "metadata":{"labels":{"app.kubernetes.io/name":"web"}}});
        let segs = parse("spec.containers[name=ngx].image").unwrap();
        let got = get(&v, &segs);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "spec.containers[name=ngx].image");
        assert_eq!(got[0].1, "nginx:alpine");
        assert_eq!(
            get_str(&v, "metadata.labels[\"app.kubernetes.io/name\"]"),
            Some("web")
        );
        assert_eq!(get(&v, &parse("spec.containers[*].name").unwrap()).len(), 2);
        assert_eq!(get_str(&v, "spec.containers[1].name"), Some("ngx"));
    }

    #[test]
    fn bad_paths_are_rejected() {
        assert!(parse("").is_err());
        assert!(parse("a[").is_err());
        assert!(parse("a[=x]").is_err());
        assert!(parse("a..b").is_err());
    }

    #[test]
    fn parent_strips_last_segment() {
        assert_eq!(parent("a.b[0]"), "a.b");
        assert_eq!(parent("a.b"), "a");
        assert_eq!(parent("a"), "");
    }
}
