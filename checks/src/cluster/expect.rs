//! Expectations (`equals`, `one_of`, `matches`, `min`/`max`, `quantity`, `present`): whether a
//! value meets one and how it reads in a message. Shared with the command checks.

use serde_json::Value;

use crate::path::render;
use crate::spec::Expect;

use super::prefixed_ok;

fn as_number(v: &Value, quantity: bool) -> Option<f64> {
    if quantity {
        return crate::quantity::parse_value(v);
    }
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_eq(want: &Value, got: &Value, e: &Expect, ns: &str) -> bool {
    if e.quantity {
        return matches!((as_number(want, true), as_number(got, true)), (Some(a), Some(b)) if (a - b).abs() < 1e-9);
    }
    let (w, g) = (render(want), render(got));
    if e.prefixable {
        prefixed_ok(ns, &w, &g)
    } else {
        w == g
    }
}

pub(crate) fn satisfies(e: &Expect, got: &Value, ns: &str) -> bool {
    if let Some(want) = &e.equals {
        if !value_eq(want, got, e, ns) {
            return false;
        }
    }
    if let Some(opts) = &e.one_of {
        if !opts.iter().any(|w| value_eq(w, got, e, ns)) {
            return false;
        }
    }
    if let Some(re) = &e.matches {
        match regex_lite::Regex::new(re) {
            Ok(re) if re.is_match(&render(got)) => {}
            _ => return false,
        }
    }
    if let Some(min) = &e.min {
        match (as_number(got, e.quantity), as_number(min, e.quantity)) {
            (Some(g), Some(m)) if g >= m => {}
            _ => return false,
        }
    }
    if let Some(max) = &e.max {
        match (as_number(got, e.quantity), as_number(max, e.quantity)) {
            (Some(g), Some(m)) if g <= m => {}
            _ => return false,
        }
    }
    if e.present == Some(false) {
        return false;
    }
    true
}

/// How an expectation reads in a message: `nginx:alpine`, `one of Exact, Prefix`, `>= 30000`.
pub(crate) fn describe_expect(e: &Expect, ns: &str) -> String {
    let with_prefix = |v: &Value| {
        if e.prefixable {
            format!("{ns}-{} (or {})", render(v), render(v))
        } else {
            render(v)
        }
    };
    let mut parts = Vec::new();
    if let Some(v) = &e.equals {
        parts.push(with_prefix(v));
    }
    if let Some(vs) = &e.one_of {
        parts.push(format!(
            "one of {}",
            vs.iter().map(with_prefix).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(re) = &e.matches {
        parts.push(format!("matching /{re}/"));
    }
    match (&e.min, &e.max) {
        (Some(a), Some(b)) => parts.push(format!("{}..{}", render(a), render(b))),
        (Some(a), None) => parts.push(format!(">= {}", render(a))),
        (None, Some(b)) => parts.push(format!("<= {}", render(b))),
        _ => {}
    }
    if parts.is_empty() {
        parts.push(if e.present == Some(false) {
            "(absent)".into()
        } else {
            "(present)".into()
        });
    }
    parts.join(", ")
}
