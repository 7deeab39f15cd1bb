//! Label selectors: `matchLabels`/`matchExpressions` objects and `-l` strings.

use serde_json::{Map, Value};

/// One requirement of an equality/set-based selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

fn label<'a>(labels: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    labels.get(k).and_then(Value::as_str)
}

impl Req {
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        match self {
            Req::Eq(k, v) => label(labels, k) == Some(v),
            Req::Ne(k, v) => label(labels, k) != Some(v),
            Req::In(k, vs) => label(labels, k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => label(labels, k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Req::Exists(k) => labels.contains_key(k),
            Req::NotExists(k) => !labels.contains_key(k),
        }
    }
}

/// Parse a `kubectl -l` selector: `app=x,tier!=y,env in (a,b),!legacy,track`.
pub fn parse_selector(s: &str) -> Result<Vec<Req>, String> {
    let mut out = Vec::new();
    // split on commas outside parentheses
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    for part in parts {
        let p = part.trim();
        if p.is_empty() {
            return Err(format!("empty requirement in {s:?}"));
        }
        let req = if let Some((k, v)) = p.split_once("!=") {
            Req::Ne(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = p.split_once("==") {
            Req::Eq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = p.split_once('=') {
            Req::Eq(k.trim().into(), v.trim().into())
        } else if let Some(k) = p.strip_prefix('!') {
            Req::NotExists(k.trim().into())
        } else if let Some((k, rest)) = p.split_once(" notin ") {
            Req::NotIn(k.trim().into(), set(rest)?)
        } else if let Some((k, rest)) = p.split_once(" in ") {
            Req::In(k.trim().into(), set(rest)?)
        } else {
            Req::Exists(p.into())
        };
        match &req {
            Req::Eq(k, _)
            | Req::Ne(k, _)
            | Req::In(k, _)
            | Req::NotIn(k, _)
            | Req::Exists(k)
            | Req::NotExists(k)
                if k.is_empty() || k.contains(' ') =>
            {
                return Err(format!("bad requirement {p:?}"))
            }
            _ => {}
        }
        out.push(req);
    }
    Ok(out)
}

fn set(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| format!("expected (a,b) in {s:?}"))?;
    Ok(inner
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect())
}

/// Requirements of a `LabelSelector` object (`matchLabels` + `matchExpressions`).
pub fn from_label_selector(sel: &Value) -> Vec<Req> {
    let mut out = Vec::new();
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            out.push(Req::Eq(k.clone(), crate::path::render(v)));
        }
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let values: Vec<String> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(crate::path::render).collect())
                .unwrap_or_default();
            match e
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or_default()
            {
                "In" => out.push(Req::In(key, values)),
                "NotIn" => out.push(Req::NotIn(key, values)),
                "Exists" => out.push(Req::Exists(key)),
                "DoesNotExist" => out.push(Req::NotExists(key)),
                _ => out.push(Req::Exists(format!("{key} (unknown operator)"))),
            }
        }
    }
    out
}

/// Requirements of a Service selector (a plain map).
pub fn from_map(sel: &Map<String, Value>) -> Vec<Req> {
    sel.iter()
        .map(|(k, v)| Req::Eq(k.clone(), crate::path::render(v)))
        .collect()
}

pub fn matches(reqs: &[Req], labels: &Map<String, Value>) -> bool {
    reqs.iter().all(|r| r.matches(labels))
}

/// `app=ngx-dep,env=demo` (sorted, as kubectl prints them).
pub fn render_map(m: &Map<String, Value>) -> String {
    if m.is_empty() {
        return "(none)".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={}", crate::path::render(v)))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn render_reqs(reqs: &[Req]) -> String {
    if reqs.is_empty() {
        return "(empty)".into();
    }
    reqs.iter()
        .map(|r| match r {
            Req::Eq(k, v) => format!("{k}={v}"),
            Req::Ne(k, v) => format!("{k}!={v}"),
            Req::In(k, v) => format!("{k} in ({})", v.join(",")),
            Req::NotIn(k, v) => format!("{k} notin ({})", v.join(",")),
            Req::Exists(k) => k.clone(),
            Req::NotExists(k) => format!("!{k}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_selectors_parse_and_match() {
        let labels = json!({"app": "ngx-dep", "env": "demo"});
        let labels = labels.as_object().unwrap();
        for (sel, want) in [
            ("app=ngx-dep", true),
            ("app==ngx-dep,env=demo", true),
            ("app!=ngx-dep", false),
            ("env in (demo,prod)", true),
            ("env notin (demo)", false),
            ("!legacy", true),
            ("app", true),
            ("app=ngx-dep-x", false),
        ] {
            let r = parse_selector(sel).unwrap();
            assert_eq!(matches(&r, labels), want, "{sel}");
        }
        assert!(parse_selector("app=x,,b=c").is_err());
        assert!(parse_selector("env in demo").is_err());
    }

    #[test]
    fn label_selector_objects_match_expressions() {
        let sel = json!({"matchLabels": {"app": "a"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]});
        let r = from_label_selector(&sel);
        assert!(matches(
            &r,
            json!({"app": "a", "tier": "web"}).as_object().unwrap()
        ));
        assert!(!matches(&r, json!({"app": "a"}).as_object().unwrap()));
    }
}
