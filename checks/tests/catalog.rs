mod common;

use kubelab_checks::{Catalog, Error, ExerciseKind};

const IDS: [&str; 29] = [
    "dockerfile",
    "docker-run",
    "image-tags",
    "network-modes",
    "pod-yaml",
    "kubectl-dry-run",
    "kubeadm-setup",
    "deployment",
    "deployment-scale",
    "deployment-rollout",
    "daemonset-tolerations",
    "static-pod",
    "service-clusterip",
    "service-nodeport",
    "service-dns",
    "ingress",
    "pv-pvc",
    "wordpress",
    "probes",
    "resources",
    "debugging-quiz",
    "final-quiz",
    "final-challenge",
    "fix-service-selector",
    "fix-target-port",
    "fix-ingress-class",
    "fix-pvc-pending",
    "fix-daemonset-toleration",
    "fix-image-pull",
];

#[test]
fn real_catalog_has_all_29_exercises_and_nothing_else() {
    let c = common::catalog();
    for id in IDS {
        assert!(c.get(id).is_some(), "missing exercise {id}");
    }
    assert_eq!(c.len(), IDS.len(), "unexpected extra exercises");
}

#[test]
fn every_spec_is_well_formed() {
    let c = common::catalog();
    for ex in c.iter() {
        assert!(ex.problems().is_empty(), "{}: {:?}", ex.id, ex.problems());
        if ex.kind == ExerciseKind::Quiz {
            assert!(!ex.questions.is_empty());
        } else {
            assert!(!ex.assertions.is_empty(), "{} has no assertions", ex.id);
        }
        assert!(!ex.title.zh.is_empty() && !ex.title.en.is_empty());
    }
}

#[test]
fn kinds_match_the_catalog_table() {
    let c = common::catalog();
    let kind = |id: &str| c.get(id).map(|e| e.kind);
    assert_eq!(kind("dockerfile"), Some(ExerciseKind::Dockerfile));
    assert_eq!(kind("docker-run"), Some(ExerciseKind::Command));
    assert_eq!(kind("kubectl-dry-run"), Some(ExerciseKind::Command));
    for q in [
        "image-tags",
        "network-modes",
        "kubeadm-setup",
        "static-pod",
        "service-dns",
        "debugging-quiz",
        "final-quiz",
    ] {
        assert_eq!(kind(q), Some(ExerciseKind::Quiz), "{q}");
    }
    for k in [
        "pod-yaml",
        "deployment",
        "deployment-scale",
        "daemonset-tolerations",
        "service-clusterip",
        "service-nodeport",
        "ingress",
        "pv-pvc",
        "wordpress",
        "deployment-rollout",
        "probes",
        "resources",
        "final-challenge",
    ] {
        assert_eq!(kind(k), Some(ExerciseKind::Cluster), "{k}");
    }
    for offline in ["pod-yaml", "probes", "resources"] {
        assert_eq!(
            c.get(offline).and_then(|e| e.offline),
            Some(ExerciseKind::Manifest),
            "{offline}"
        );
    }
}

#[test]
fn prefix_rule_is_explained_in_instructions_of_cluster_scoped_exercises() {
    let c = common::catalog();
    for id in ["ingress", "pv-pvc", "final-challenge"] {
        let ex = c.get(id).unwrap();
        assert!(ex.instructions.en.contains("<namespace>-"), "{id} en");
        assert!(ex.instructions.zh.contains("<命名空间>-"), "{id} zh");
    }
}

#[test]
fn public_form_strips_quiz_answers_and_explanations() {
    let c = common::catalog();
    let ex = c.get("kubeadm-setup").unwrap();
    let p = ex.public();
    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("\"answer\""), "{json}");
    assert!(!json.contains("\"explanation\""));
    assert!(
        p.questions.iter().any(|q| q.multiple),
        "multi-answer questions are marked multiple"
    );
    // the full spec does carry them
    assert!(ex.questions.iter().all(|q| !q.answer.is_empty()));
}

#[test]
fn needs_are_listed_for_the_snapshot_builder() {
    let c = common::catalog();
    let ing = c.get("ingress").unwrap();
    let ic = ing
        .needs
        .iter()
        .find(|n| n.kind == "IngressClass")
        .expect("IngressClass needed");
    assert!(!ic.namespaced);
    assert_eq!(ic.group_version(), ("networking.k8s.io", "v1"));
    assert_eq!(ic.plural, "ingressclasses");
    let all = c.needs(c.iter().map(|e| e.id.as_str()));
    assert!(all.iter().any(|n| n.kind == "Node" && !n.namespaced));
    assert!(all
        .iter()
        .any(|n| n.kind == "EndpointSlice" && n.api_version == "discovery.k8s.io/v1"));
}

const MINI: &str = "id: mini\nkind: quiz\ntitle: {zh: 标题, en: Title}\ninstructions: {zh: 说明, en: Text}\nhints: [{zh: 提示, en: Hint}]\nquestions:\n  - id: q1\n    prompt: {zh: 问, en: Q}\n    options: [{id: a, text: {zh: 甲, en: A}}, {id: b, text: {zh: 乙, en: B}}]\n    answer: [a]\n    explanation: {zh: 因为, en: Because}\n";

#[test]
fn id_must_match_file_name() {
    let e = Catalog::from_sources([("content/exercises/other.yaml", MINI)]).unwrap_err();
    assert!(matches!(e, Error::IdMismatch { .. }), "{e}");
    assert!(e.to_string().contains("other.yaml"));
}

#[test]
fn duplicate_ids_are_rejected_naming_both_files() {
    let e = Catalog::from_sources([("a/mini.yaml", MINI), ("b/mini.yaml", MINI)]).unwrap_err();
    let s = e.to_string();
    assert!(matches!(e, Error::DuplicateId { .. }));
    assert!(
        s.contains("a/mini.yaml") && s.contains("b/mini.yaml"),
        "{s}"
    );
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let bad = MINI.replace("kind: quiz", "kind: quizz");
    let e = Catalog::from_sources([("x/mini.yaml", bad.as_str())]).unwrap_err();
    match &e {
        Error::Parse { file, line, .. } => {
            assert_eq!(file, "x/mini.yaml");
            assert_eq!(*line, 2, "{e}");
        }
        other => panic!("{other}"),
    }
    let e = Catalog::from_sources([("x/mini.yaml", "id: [unclosed\n")]).unwrap_err();
    assert!(matches!(e, Error::Parse { line: 1.., .. }), "{e}");
}

#[test]
fn unknown_assertion_keys_and_bad_regex_are_rejected() {
    let base = "id: mini\nkind: cluster\ntitle: {zh: 标题, en: Title}\ninstructions: {zh: 说明, en: Text}\nhints: [{zh: 提示, en: Hint}]\nneeds: [{apiVersion: v1, kind: Pod, plural: pods, namespaced: true}]\nassertions:\n  - id: a\n    check: field\n    target: {kind: Pod, name: p}\n    path: spec.x\n    message: {zh: 消息, en: Msg}\n    hint: {zh: 提示, en: Hint}\n";
    let ok = format!("{base}    expect: {{equals: 1}}\n");
    assert!(Catalog::from_sources([("mini.yaml", ok.as_str())]).is_ok());
    let typo = format!("{base}    expect: {{equals: 1}}\n    pth: x\n");
    let e = Catalog::from_sources([("mini.yaml", typo.as_str())]).unwrap_err();
    assert!(e.to_string().contains("pth"), "{e}");
    let re = format!("{base}    expect: {{matches: '('}}\n");
    let e = Catalog::from_sources([("mini.yaml", re.as_str())]).unwrap_err();
    assert!(matches!(e, Error::Invalid { .. }), "{e}");
    let kind_missing = base.replace("kind: Pod, plural", "kind: Node, plural");
    let kind_missing = format!("{kind_missing}    expect: {{equals: 1}}\n");
    let e = Catalog::from_sources([("mini.yaml", kind_missing.as_str())]).unwrap_err();
    assert!(e.to_string().contains("needs"), "{e}");
}

/// A break-fix exercise starts from its `setup:` objects, which must not already pass: judged as
/// written (no status yet), each fails on the assertion that names what is broken.
#[test]
fn every_break_fix_setup_fails_its_own_check_on_the_broken_field() {
    let c = common::catalog();
    let cases = [
        ("fix-service-selector", "selects-pods"),
        ("fix-target-port", "target-port"),
        ("fix-ingress-class", "route"),
        ("fix-pvc-pending", "pvc-access"),
        ("fix-daemonset-toleration", "tolerates-control-plane"),
        ("fix-image-pull", "image"),
    ];
    for (id, failing) in cases {
        let ex = c.get(id).unwrap_or_else(|| panic!("no exercise {id}"));
        assert!(!ex.setup.is_empty(), "{id} has no setup");
        let objects = ex
            .setup_manifests(common::NS)
            .into_iter()
            .map(|m| m.body)
            .collect();
        let v = kubelab_checks::evaluate(ex, &kubelab_checks::Snapshot::new(common::NS, objects));
        assert!(!v.passed, "{id}: the setup passes as it is: {v:#?}");
        let r = v
            .results
            .iter()
            .find(|r| r.id == failing)
            .unwrap_or_else(|| panic!("{id}: no result {failing}"));
        assert!(!r.passed, "{id}: {failing} passes on the setup: {r:#?}");
    }
    // Only break-fix exercises start from objects.
    let with_setup: Vec<&str> = c
        .iter()
        .filter(|e| !e.setup.is_empty())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(with_setup.len(), cases.len(), "{with_setup:?}");
}
