//! The exercise commands of the `kubelab` binary, without a cluster.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn kubelab(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(args)
        .arg("--content")
        .arg(content_dir())
        .env("KUBELAB_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubelab runs");
    if let Some(mut pipe) = child.stdin.take() {
        // The binary may refuse before reading everything: a broken pipe is fine.
        let _ = pipe.write_all(stdin.unwrap_or_default());
    }
    child.wait_with_output().expect("kubelab finishes")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn exercises_lists_ids_kinds_and_both_titles() {
    let out = kubelab(&["exercises"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("deployment"), "{stdout}");
    assert!(
        stdout.contains("创建 Deployment / Create a Deployment"),
        "{stdout}"
    );
}

#[test]
fn exercises_json_is_an_array_of_id_kind_and_title() {
    let out = kubelab(&["exercises", "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = v.as_array().expect("array");
    assert!(list.len() >= 10);
    let d = list
        .iter()
        .find(|e| e["id"] == "deployment")
        .expect("deployment");
    assert_eq!(d["kind"], "cluster");
    assert_eq!(d["title"]["en"], "Create a Deployment");
}

#[test]
fn exercises_with_a_broken_spec_exits_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("exercises")).expect("mkdir");
    std::fs::write(
        dir.path().join("exercises/bad.yaml"),
        "id: bad\nkind: quiz\ntitle: [\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["exercises", "--content"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.yaml:"), "{stderr}");
}

#[test]
fn validate_from_stdin_passes_a_good_dockerfile_with_exit_0() {
    let df =
        b"FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\nRUN echo ok\nEXPOSE 80\n";
    let out = kubelab(&["validate", "dockerfile", "-", "--lang", "en"], Some(df));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("PASS"), "{}", text(&out.stdout));
}

#[test]
fn validate_fails_a_bad_command_with_exit_1_and_details_in_chinese_by_default() {
    let out = kubelab(&["validate", "docker-run", "-"], Some(b"docker ps\n"));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains('✗'), "{stdout}");
    assert!(stdout.contains("提示"), "{stdout}");
}

#[test]
fn validate_json_prints_the_verdict() {
    let out = kubelab(
        &["validate", "dockerfile", "-", "--json"],
        Some(b"FROM nginx\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON verdict");
    assert_eq!(v["exercise"], "dockerfile");
    assert_eq!(v["mode"], "offline");
    assert_eq!(v["passed"], false);
}

#[test]
fn validate_errors_exit_2() {
    let unknown = kubelab(&["validate", "no-such-id", "-"], Some(b"x"));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no-such-id"));

    let cluster_only = kubelab(
        &["validate", "service-clusterip", "-", "--lang", "en"],
        Some(b"x"),
    );
    assert_eq!(cluster_only.status.code(), Some(2));
    assert!(text(&cluster_only.stderr).contains("kubelab check service-clusterip"));

    let big = vec![b'#'; 1024 * 1024 + 1];
    let too_big = kubelab(&["validate", "dockerfile", "-", "--json"], Some(&big));
    assert_eq!(too_big.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&too_big.stdout).expect("JSON error");
    assert_eq!(v["error"]["code"], "too-large");

    let missing = kubelab(&["validate", "dockerfile", "/nonexistent/Dockerfile"], None);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn check_of_an_offline_exercise_exits_2() {
    let out = kubelab(&["check", "dockerfile", "--namespace", "x"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn content_check_verifies_chapters_and_the_catalog() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["content", "check", "--content"])
        .arg(content_dir())
        .output()
        .expect("runs");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("exercises"), "{stdout}");
}

#[test]
fn content_check_fails_when_a_chapter_names_an_unknown_exercise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |rel: &str, body: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    };
    write(
        "course.yaml",
        "title: { zh: 测试课程, en: Test course }\nparts:\n  - id: p1\n    title: { zh: 第一部分, en: Part one }\n",
    );
    for lang in ["zh", "en"] {
        write(
            &format!("{lang}/alpha.md"),
            "---\nid: alpha\ntitle: alpha\npart: p1\norder: 1\nsummary: about alpha\nminutes: 7\nexercises: [no-such-exercise]\n---\n## Section\n\ntext\n",
        );
    }
    std::fs::create_dir_all(root.join("exercises")).expect("mkdir");
    let out = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["content", "check", "--content"])
        .arg(root)
        .output()
        .expect("runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no-such-exercise"), "{stderr}");
}
