//! The Dockerfile parser and its variable expansion (`${VAR:-default}`, nested), directly.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = kubelab_checks::dockerfile::parse(text);
    let vars = vec![
        ("A".to_string(), "x".repeat(64)),
        ("B".to_string(), "${A}${A}".to_string()),
    ];
    let out = kubelab_checks::dockerfile::expand(text, &vars);
    // One pass, no recursion into values: the output is bounded by the input times the longest value.
    assert!(out.len() <= text.len().saturating_mul(65) + 64);
    let _ = kubelab_checks::dockerfile::split_image(text);
});
