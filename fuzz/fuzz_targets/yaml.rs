//! The YAML reader every manifest submission, exercise spec, course file and front matter goes
//! through: never a panic, never past its budget, and what it accepts is plain JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = kubelab_checks::yaml::parse_documents(text) {
        for d in docs {
            let json = serde_json::to_string(&d.value).expect("a parsed value serialises");
            assert!(json.len() <= 8 * kubelab_checks::yaml::BUDGET.max_expanded_bytes);
            for (path, loc) in &d.locations {
                assert!(loc.line >= 1 && loc.column >= 1, "{path}: {loc:?}");
            }
        }
    }
    // Front matter and course files are read with from_str into typed structs.
    let _ = kubelab_checks::yaml::from_str::<std::collections::BTreeMap<String, serde_json::Value>>(text);
});
