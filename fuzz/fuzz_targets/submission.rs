//! A learner's submission to every offline exercise of the course (Dockerfile, command, quiz
//! answers, manifests): the first byte picks the exercise, the rest is the submitted text.
#![no_main]
use std::sync::LazyLock;

use kubelab_checks::{Catalog, Exercise};
use libfuzzer_sys::fuzz_target;

static EXERCISES: LazyLock<Vec<Exercise>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/exercises");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(dir).expect("content/exercises") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("read");
            sources.push((path.display().to_string(), text));
        }
    }
    let catalog = Catalog::from_sources(sources).expect("the course's catalog loads");
    catalog.iter().cloned().collect()
});

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    let ex = &EXERCISES[usize::from(pick) % EXERCISES.len()];
    if let Ok(verdict) = kubelab_checks::validate_bytes(ex, input) {
        assert_eq!(verdict.exercise, ex.id);
        serde_json::to_string(&verdict).expect("a verdict serialises");
    }
});
