//! Offline kinds: Dockerfile, command, manifest, quiz; and hostile input.
mod common;

use common::*;
use kubelab_checks::{validate, validate_bytes, InputError, Mode, MAX_INPUT_BYTES};

fn df(text: &str) -> kubelab_checks::Verdict {
    validate(&exercise("dockerfile"), text).expect("parses")
}

const GOOD_DF: &str = "# syntax=docker/dockerfile:1\nARG TAG=1.25-alpine\nFROM nginx:${TAG}\nCOPY ./index.html /usr/share/nginx/html/\nRUN apk add --no-cache curl \\\n    && rm -rf /var/cache/apk/*\nEXPOSE 80\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";

#[test]
fn dockerfile_good_passes_with_arg_default_tag() {
    let v = df(GOOD_DF);
    assert_eq!(v.mode, Mode::Offline);
    assert_passes(&v);
}

#[test]
fn dockerfile_latest_tag_fails_on_base_image() {
    let r = df("FROM nginx:latest\nEXPOSE 80\n");
    let r = assert_fails_on(&r, "base-image", Some("FROM"));
    assert_eq!(r.location.map(|l| l.line), Some(1));
}

#[test]
fn dockerfile_tagless_from_fails_on_base_image() {
    let v = df("FROM nginx\nEXPOSE 80\n");
    let r = assert_fails_on(&v, "base-image", Some("FROM"));
    assert!(r.message.en.contains("no tag"), "{}", r.message.en);
}

#[test]
fn dockerfile_arg_default_of_latest_fails_on_base_image() {
    let v = df("ARG TAG=latest\nFROM nginx:$TAG\nEXPOSE 80\n");
    assert_fails_on(&v, "base-image", Some("FROM"));
}

#[test]
fn dockerfile_non_nginx_base_fails_on_base_image() {
    let v = df("FROM httpd:2.4\nEXPOSE 80\n");
    let r = assert_fails_on(&v, "base-image", Some("FROM"));
    assert_eq!(r.expected.as_deref(), Some("nginx"));
}

#[test]
fn dockerfile_multi_stage_follows_stage_alias_to_nginx() {
    let v = df("FROM node:20-alpine AS build\nRUN npm ci && npm run build\nFROM nginx:1.25-alpine AS web\nCOPY --from=build /app/dist /usr/share/nginx/html\nEXPOSE 80\n");
    assert_passes(&v);
}

#[test]
fn dockerfile_copy_of_etc_hosts_fails_on_copy_in_context() {
    let v = df("FROM nginx:1.25\nCOPY /etc/hosts /tmp/\nEXPOSE 80\n");
    let r = assert_fails_on(&v, "copy-in-context", Some("COPY"));
    assert_eq!(r.found.as_deref(), Some("/etc/hosts"));
    assert_eq!(r.location.map(|l| l.line), Some(2));
}

#[test]
fn dockerfile_copy_of_parent_dir_fails_on_copy_in_context() {
    let v = df("FROM nginx:1.25\nCOPY [\"../x\", \"/tmp/\"]\nEXPOSE 80\n");
    let r = assert_fails_on(&v, "copy-in-context", Some("COPY"));
    assert_eq!(r.found.as_deref(), Some("../x"));
}

#[test]
fn dockerfile_three_runs_in_a_row_fail_on_single_run() {
    let v = df("FROM nginx:1.25\nRUN apk update\nRUN apk add curl\n# comment between\nRUN rm -rf /var/cache/apk/*\nEXPOSE 80\n");
    let r = assert_fails_on(&v, "single-run", Some("RUN"));
    assert_eq!(r.found.as_deref(), Some("3 consecutive RUNs"));
    assert!(r.message.en.contains("Lines 2–5"), "{}", r.message.en);
}

#[test]
fn dockerfile_without_expose_fails_on_expose() {
    let v = df("FROM nginx:1.25\nRUN echo hi\n");
    assert_fails_on(&v, "expose", Some("EXPOSE"));
}

#[test]
fn dockerfile_heredoc_does_not_crash_and_is_one_run() {
    let v =
        df("FROM nginx:1.25\nRUN <<EOF\napk add curl\nrm -rf /var/cache/apk/*\nEOF\nEXPOSE 80\n");
    assert_passes(&v);
}

#[test]
fn dockerfile_garbage_is_a_syntax_error_with_line() {
    match validate(
        &exercise("dockerfile"),
        "FROM nginx:1.25\nthis is not docker\n",
    ) {
        Err(InputError::Syntax { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
}

// ---------------- commands ----------------

fn cmd(id: &str, text: &str) -> kubelab_checks::Verdict {
    validate(&exercise(id), text).expect("parses")
}

#[test]
fn docker_run_any_valid_spelling_passes() {
    for c in [
        "docker run -d --rm -p 8080:80 -v /tmp:/tmp nginx:alpine",
        "docker run --rm -dp 8080:80 -v /tmp:/tmp nginx:alpine",
        "docker container run --detach --rm --publish=8080:80 --volume /tmp:/tmp nginx:alpine",
        "sudo docker run -dit --rm -p8080:80 --mount type=bind,source=/tmp,target=/tmp nginx:alpine sh",
        "$ docker run \\\n  -d --rm \\\n  -p 0.0.0.0:8080:80/tcp \\\n  -v /tmp:/tmp \\\n  nginx:alpine",
    ] {
        let v = cmd("docker-run", c);
        assert!(v.passed, "{c}: {:#?}", v.first_failure());
    }
}

#[test]
fn docker_run_without_rm_fails_on_rm() {
    let v = cmd(
        "docker-run",
        "docker run -d -p 8080:80 -v /tmp:/tmp nginx:alpine",
    );
    let r = assert_fails_on(&v, "rm", Some("--rm"));
    assert_eq!(r.found.as_deref(), Some("(missing)"));
}

#[test]
fn docker_run_reversed_port_mapping_fails_on_publish() {
    let v = cmd(
        "docker-run",
        "docker run -d --rm -p 80:8080 -v /tmp:/tmp nginx:alpine",
    );
    let r = assert_fails_on(&v, "publish", Some("--publish"));
    assert_eq!(r.found.as_deref(), Some("80:8080"));
}

#[test]
fn docker_run_flags_after_image_belong_to_the_container() {
    let v = cmd(
        "docker-run",
        "docker run nginx:alpine -d --rm -p 8080:80 -v /tmp:/tmp",
    );
    assert_fails_on(&v, "detach", Some("--detach"));
}

#[test]
fn docker_run_wrong_program_fails_on_command_and_skips_the_rest() {
    let v = cmd(
        "docker-run",
        "podman run -d --rm -p 8080:80 -v /tmp:/tmp nginx:alpine",
    );
    assert_fails_on(&v, "command", Some("program"));
    assert!(v.results.iter().skip(1).all(|r| r.skipped));
}

#[test]
fn kubectl_dry_run_any_valid_spelling_passes() {
    for c in [
        "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml",
        "kubectl run ngx --image nginx:alpine -oyaml --dry-run=client",
        "k run --dry-run=client --output=yaml ngx --image=nginx:alpine > ngx-pod.yml",
        "kubectl run ngx --image=nginx:alpine --dry-run -o=yaml",
        "export out=\"--dry-run=client -o yaml\"; kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml",
    ] {
        let v = cmd("kubectl-dry-run", c);
        assert!(v.passed, "{c}: {:#?}", v.first_failure());
    }
}

#[test]
fn kubectl_run_without_dry_run_fails_on_dry_run() {
    let v = cmd(
        "kubectl-dry-run",
        "kubectl run ngx --image=nginx:alpine -o yaml",
    );
    assert_fails_on(&v, "dry-run", Some("--dry-run"));
}

#[test]
fn kubectl_run_server_dry_run_fails_on_dry_run_value() {
    let v = cmd(
        "kubectl-dry-run",
        "kubectl run ngx --image=nginx:alpine --dry-run=server -o yaml",
    );
    let r = assert_fails_on(&v, "dry-run", Some("--dry-run"));
    assert_eq!(r.found.as_deref(), Some("server"));
}

#[test]
fn kubectl_run_json_output_fails_on_output() {
    let v = cmd(
        "kubectl-dry-run",
        "kubectl run ngx --image=nginx:alpine --dry-run=client -o json",
    );
    assert_fails_on(&v, "output", Some("--output"));
}

#[test]
fn kubectl_create_instead_of_run_fails_on_command() {
    let v = cmd(
        "kubectl-dry-run",
        "kubectl create deploy ngx --image=nginx:alpine --dry-run=client -o yaml",
    );
    assert_fails_on(&v, "command", Some("subcommand"));
}

// ---------------- manifest (pod-yaml offline) ----------------

#[test]
fn pod_manifest_offline_passes_and_skips_status_checks() {
    let v = validate(
        &exercise("pod-yaml"),
        &fixture_text("pod-yaml", "manifest.yaml"),
    )
    .expect("valid");
    assert_passes(&v);
    assert!(
        v.result("pod-ready").is_none(),
        "status checks are left out offline"
    );
    assert!(v.result("schema").is_some_and(|r| r.passed));
}

#[test]
fn pod_manifest_with_string_port_fails_schema_with_line_and_column() {
    let text = fixture_text("pod-yaml", "manifest.yaml")
        .replace("containerPort: 80", "containerPort: \"80\"");
    let v = validate(&exercise("pod-yaml"), &text).expect("valid yaml");
    let r = assert_fails_on(
        &v,
        "schema",
        Some("spec.containers[0].ports[0].containerPort"),
    );
    let l = r.location.expect("location");
    assert_eq!((l.line, l.column), (13, 22), "points at the value");
}

#[test]
fn pod_manifest_wrong_api_version_fails_schema() {
    let text =
        fixture_text("pod-yaml", "manifest.yaml").replace("apiVersion: v1", "apiVersion: apps/v1");
    let v = validate(&exercise("pod-yaml"), &text).expect("valid yaml");
    let r = assert_fails_on(&v, "schema", Some("apiVersion"));
    assert!(
        r.message.en.contains("apiVersion of Pod is v1"),
        "{}",
        r.message.en
    );
    assert_eq!(r.location.map(|l| l.line), Some(1));
}

#[test]
fn pod_manifest_missing_label_fails_on_label_with_location() {
    let text = fixture_text("pod-yaml", "manifest.yaml").replace("    owner: chrono\n", "");
    let v = validate(&exercise("pod-yaml"), &text).expect("valid yaml");
    let r = assert_fails_on(&v, "label-owner", Some("metadata.labels.owner"));
    assert_eq!(
        r.location.map(|l| l.line),
        Some(6),
        "points into the labels mapping"
    );
}

#[test]
fn pod_manifest_number_label_value_must_be_quoted() {
    let text = fixture_text("pod-yaml", "manifest.yaml")
        .replace("owner: chrono", "owner: chrono\n    version: 1.0");
    let v = validate(&exercise("pod-yaml"), &text).expect("valid yaml");
    let r = assert_fails_on(&v, "schema", Some("metadata.labels.version"));
    assert!(r.message.en.contains("quote it"));
}

#[test]
fn pod_manifest_yaml_syntax_error_has_line_and_column() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ngx-pod\n labels: {env: demo\n";
    match validate(&exercise("pod-yaml"), text) {
        Err(InputError::Syntax { line, column, .. }) => {
            assert!(line >= 5 && column >= 1, "{line}:{column}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cluster_only_exercise_refuses_offline_input() {
    assert!(matches!(
        validate(&exercise("service-clusterip"), "a: 1"),
        Err(InputError::NotOffline { .. })
    ));
}

// ---------------- quiz ----------------

#[test]
fn quiz_right_answers_pass_in_json_and_form_encoding() {
    let ex = exercise("kubeadm-setup");
    let v = validate(
        &ex,
        r#"{"prep": ["d","c","b","a"], "init-join": "a", "token": "b", "notready": "a"}"#,
    )
    .unwrap();
    assert_passes(&v);
    let v = validate(&ex, "prep=a,b,c,d&init-join=a&token=b&notready=a").unwrap();
    assert_passes(&v);
}

#[test]
fn quiz_wrong_answer_fails_that_question_with_explanation() {
    let ex = exercise("image-tags");
    let v = validate(
        &ex,
        "nginx-tag=a\nredis-tag=a\nnode-tag=a\nofficial=a\nlatest=b",
    )
    .unwrap();
    let r = assert_fails_on(&v, "redis-tag", Some("redis-tag"));
    assert_eq!(
        (r.expected.as_deref(), r.found.as_deref()),
        (Some("b"), Some("a"))
    );
    assert!(
        r.message.en.contains("release candidate"),
        "{}",
        r.message.en
    );
    assert_eq!(v.results.iter().filter(|r| !r.passed).count(), 1);
}

#[test]
fn quiz_partial_multi_select_fails() {
    let ex = exercise("static-pod");
    let v = validate(&ex, "dir=a&manager=b&parts=a,b").unwrap();
    assert_fails_on(&v, "parts", None);
}

#[test]
fn quiz_unanswered_question_fails_and_unknown_ids_are_errors() {
    let ex = exercise("service-dns");
    let v = validate(&ex, "fqdn=a").unwrap();
    assert!(v
        .result("short")
        .is_some_and(|r| !r.passed && r.found.as_deref() == Some("(none)")));
    assert!(matches!(
        validate(&ex, "nope=a"),
        Err(InputError::Answers { .. })
    ));
    assert!(matches!(
        validate(&ex, "fqdn=z"),
        Err(InputError::Answers { .. })
    ));
    assert!(matches!(
        validate(&ex, "{\"fqdn\": 3}"),
        Err(InputError::Answers { .. })
    ));
    assert!(matches!(
        validate(&ex, "{bad json"),
        Err(InputError::Syntax { .. })
    ));
}

// ---------------- hostile input ----------------

#[test]
fn every_offline_exercise_rejects_oversized_input() {
    let big = "#".repeat(MAX_INPUT_BYTES + 1);
    for ex in catalog().iter().filter(|e| e.offline_kind().is_some()) {
        match validate(ex, &big) {
            Err(InputError::TooLarge { size, limit }) => {
                assert_eq!((size, limit), (MAX_INPUT_BYTES + 1, MAX_INPUT_BYTES))
            }
            other => panic!("{}: {other:?}", ex.id),
        }
        assert!(matches!(
            validate_bytes(ex, big.as_bytes()),
            Err(InputError::TooLarge { .. })
        ));
    }
}

#[test]
fn binary_and_invalid_utf8_input_is_an_error_with_position() {
    let ex = exercise("dockerfile");
    match validate_bytes(&ex, b"FROM nginx:1\n\xff\xfe") {
        Err(InputError::NotUtf8 { line, column }) => assert_eq!((line, column), (2, 1)),
        other => panic!("{other:?}"),
    }
    match validate(&ex, "FROM nginx:1\nRUN a\0b\n") {
        Err(InputError::Binary { line, column, byte }) => {
            assert_eq!((line, column, byte), (2, 6, 0))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(validate(&ex, "  \n\t"), Err(InputError::Empty)));
}

#[test]
fn garbage_never_panics_in_any_offline_validator() {
    let samples = [
        "{{{{",
        "]]]",
        ":::",
        "- - -\n  - :",
        "---\n---\n...",
        "&a [*a]",
        "*nope",
        "!!binary AAAA",
        "\"unterminated",
        "FROM",
        "RUN",
        "<<EOF",
        "docker",
        "docker run",
        "docker run -p",
        "kubectl run --image",
        "'",
        "a=b&c",
        "{}",
        "[1,2]",
        "apiVersion: v1\nkind: Pod\nspec: 3",
        "kind: [a]\nmetadata: x",
        "- a\n- b",
        "? complex\n: key",
        "é漢字😀",
        "\u{feff}FROM x",
    ];
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut random = Vec::new();
    for _ in 0..200 {
        let mut s = String::new();
        for _ in 0..((seed % 60) as usize) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let alphabet = b"-:{}[]&*!|>'\"#\n \tabcFROMRUN=,?%@`\\$";
            let c = alphabet[(seed % alphabet.len() as u64) as usize] as char;
            s.push(c);
        }
        random.push(s);
    }
    for ex in catalog().iter().filter(|e| e.offline_kind().is_some()) {
        for s in samples
            .iter()
            .map(|s| s.to_string())
            .chain(random.iter().cloned())
        {
            let _ = validate(ex, &s);
            let _ = validate_bytes(ex, s.as_bytes());
        }
    }
}

// ---------------- manifest (probes and resources offline) ----------------

#[test]
fn probes_manifest_offline_passes_and_leaves_out_availability() {
    let v = validate(
        &exercise("probes"),
        &fixture_text("probes", "manifest.yaml"),
    )
    .expect("valid");
    assert_passes(&v);
    assert!(
        v.result("available").is_none(),
        "status checks are left out offline"
    );
}

#[test]
fn probes_manifest_with_the_probe_under_the_wrong_name_fails_on_the_readiness_path() {
    // A learner who writes only a liveness probe (the readiness one renamed) is told which is missing.
    let text = fixture_text("probes", "manifest.yaml").replace("readinessProbe:", "startupProbe:");
    let v = validate(&exercise("probes"), &text).expect("valid yaml");
    assert_fails_on(
        &v,
        "readiness-path",
        Some("spec.template.spec.containers[name=nginx].readinessProbe.httpGet.path"),
    );
}

#[test]
fn resources_manifest_offline_passes_and_leaves_out_availability() {
    let v = validate(
        &exercise("resources"),
        &fixture_text("resources", "manifest.yaml"),
    )
    .expect("valid");
    assert_passes(&v);
    assert!(
        v.result("available").is_none(),
        "status checks are left out offline"
    );
}

#[test]
fn each_manifest_passes_its_own_exercise_only() {
    // The two exercises are graded apart: the probes alone, or the resources alone, pass one of them.
    let probes = fixture_text("probes", "manifest.yaml");
    let resources = fixture_text("resources", "manifest.yaml");
    let v = validate(&exercise("resources"), &probes).expect("valid yaml");
    let r = assert_fails_on(
        &v,
        "request-cpu",
        Some("spec.template.spec.containers[name=nginx].resources.requests.cpu"),
    );
    assert_eq!(r.found.as_deref(), Some("(missing)"));
    let v = validate(&exercise("probes"), &resources).expect("valid yaml");
    assert_fails_on(
        &v,
        "readiness-path",
        Some("spec.template.spec.containers[name=nginx].readinessProbe.httpGet.path"),
    );
}

#[test]
fn resources_manifest_with_memory_in_megabytes_fails_on_the_request() {
    // 64M is 64,000,000 bytes, not 64Mi (67,108,864): the quantities are compared, not the text.
    let text = fixture_text("resources", "manifest.yaml").replace("memory: 64Mi", "memory: 64M");
    let v = validate(&exercise("resources"), &text).expect("valid yaml");
    let r = assert_fails_on(&v, "request-memory", Some("resources.requests.memory"));
    assert_eq!(r.found.as_deref(), Some("64M"));
}

#[test]
fn resources_manifest_accepts_cpu_as_a_decimal_core_count() {
    let text = fixture_text("resources", "manifest.yaml").replace("cpu: 100m", "cpu: \"0.1\"");
    let v = validate(&exercise("resources"), &text).expect("valid yaml");
    assert_passes(&v);
}
