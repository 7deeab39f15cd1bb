use super::*;
use kubelab_checks::Snapshot;

fn rows() -> Vec<GradeRow> {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let catalog = load_catalog(&content).expect("the catalog loads");
    let ex = catalog.get("pod-yaml").expect("pod-yaml");
    let good = Snapshot::from_yaml(
        "alice",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: ngx-pod, namespace: alice, labels: {env: demo, owner: chrono}}\nspec: {containers: [{name: ngx, image: 'nginx:alpine', ports: [{containerPort: 80}]}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: 'True'}]}\n",
    )
    .expect("fixture");
    ["alice", "bob"]
        .into_iter()
        .map(|ns| GradeRow {
            evidence: Vec::new(),
            namespace: ns.to_string(),
            exercise: ex.id.clone(),
            verdict: kubelab_checks::evaluate(
                ex,
                &if ns == "alice" {
                    good.clone()
                } else {
                    Snapshot::new(ns, Vec::new())
                },
            ),
        })
        .collect()
}

#[test]
fn the_table_marks_each_namespace_and_counts_what_passed() {
    let rows = rows();
    assert!(rows[0].verdict.passed, "{:?}", rows[0].verdict);
    let table = render_table(&rows, OutLang::En);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "namespace  pod-yaml  passed");
    assert_eq!(lines[1], "alice      ✓         1/1");
    assert_eq!(lines[2], "bob        ✗         0/1");
}

#[test]
fn a_row_lists_the_failed_assertions_but_not_the_skipped_ones() {
    let rows = rows();
    let bob = RowOut::of(&rows[1]);
    assert!(!bob.passed);
    assert_eq!(bob.failed.len(), 1, "{bob:?}");
    assert_eq!(bob.failed[0].id, "pod-exists");
    assert_eq!(bob.passed_assertions, 0);
    assert!(bob.assertions > 1);
}
