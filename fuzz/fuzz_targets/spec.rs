//! An exercise spec as an author writes it (content/exercises/*.yaml): refused with a message or
//! read, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ex) = kubelab_checks::parse_exercise("fuzz.yaml", text) {
        let _ = serde_json::to_string(&ex.public());
    }
});
