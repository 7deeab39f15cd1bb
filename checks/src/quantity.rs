//! Kubernetes resource quantities (`10Mi`, `1Gi`, `500m`, `1e3`).

use serde_json::Value;

/// Parse a quantity to a number of base units (bytes for storage). `None` if it is not one.
pub fn parse(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    const SUFFIXES: [(&str, f64); 16] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
        ("", 1.0),
    ];
    for (suffix, mul) in SUFFIXES {
        if let Some(num) = s.strip_suffix(suffix) {
            if num.is_empty() {
                continue;
            }
            let ok = num.chars().all(|c| {
                c.is_ascii_digit() || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E'
            });
            if !ok {
                continue;
            }
            if let Ok(n) = num.parse::<f64>() {
                if n.is_finite() {
                    return Some(n * mul);
                }
            }
        }
    }
    None
}

/// A quantity written as a YAML string or number.
pub fn parse_value(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_decimal_suffixes_parse() {
        assert_eq!(parse("10Mi"), Some(10.0 * 1048576.0));
        assert_eq!(parse("5Mi"), Some(5.0 * 1048576.0));
        assert_eq!(parse("1Gi"), Some(1073741824.0));
        assert_eq!(parse("500m"), Some(0.5));
        assert_eq!(parse("1k"), Some(1000.0));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("42"), Some(42.0));
        assert!(parse("10MB").is_none());
        assert!(parse("Mi").is_none());
        assert!(parse("").is_none());
    }
}
