//! `kubelab check` against a real API server: the sandbox control plane
//! (`eval "$(scripts/sandbox up)"`, see docs/SANDBOX.md). Without `KUBECONFIG` the tests that
//! need a cluster fail with instructions; they are never skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Patch, PatchParams};
use kubelab_testkit::{poll_until, TestNamespace};
use serde_json::{json, Value};

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// Runs `kubelab <args>` with the real content, off the async runtime.
async fn kubelab(args: Vec<String>) -> (Output, Duration) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_kubelab"))
            .args(&args)
            .arg("--content")
            .arg(content_dir())
            .env("KUBELAB_LOG", "warn")
            .output()
            .expect("the kubelab binary runs");
        (out, started.elapsed())
    })
    .await
    .expect("join")
}

fn check_args(id: &str, namespace: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "check".to_string(),
        id.to_string(),
        "--namespace".to_string(),
        namespace.to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn verdict(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON verdict ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn first_failure(v: &Value) -> &Value {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["passed"] == false && r["skipped"] == false)
        .unwrap_or_else(|| panic!("no failure in {v:#}"))
}

/// The `deployment` exercise's Deployment; `edit` changes it into a mistaken variant.
fn ngx_dep(edit: impl FnOnce(&mut Value)) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "ngx-dep" },
        "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app": "ngx-dep" } },
            "template": {
                "metadata": { "labels": { "app": "ngx-dep" } },
                "spec": { "containers": [ { "name": "nginx", "image": "nginx:alpine" } ] }
            }
        }
    });
    edit(&mut d);
    d
}

/// Server-side applies the Deployment and waits until 2 replicas are available.
async fn apply_and_wait(ns: &TestNamespace, deployment: Value) {
    let api = ns.api::<Deployment>();
    api.patch(
        "ngx-dep",
        &PatchParams::apply("kubelab-test").force(),
        &Patch::Apply(&deployment),
    )
    .await
    .unwrap_or_else(|e| panic!("server-side apply of ngx-dep in {}: {e}", ns.name()));
    poll_until(
        "Deployment ngx-dep to have 2 available replicas",
        Duration::from_secs(90),
        || async {
            let d = api.get("ngx-dep").await.map_err(|e| e.to_string())?;
            let available = d
                .status
                .as_ref()
                .and_then(|s| s.available_replicas)
                .unwrap_or(0);
            if available == 2 {
                Ok(())
            } else {
                Err(format!("{available} available"))
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_check_passes_when_the_deployment_is_right_and_available() {
    let ns = TestNamespace::create("check-deploy-good").await;
    apply_and_wait(&ns, ngx_dep(|_| {})).await;
    let (out, _) = kubelab(check_args("deployment", ns.name(), &["--json"])).await;
    let v = verdict(&out);
    assert_eq!(v["passed"], true, "{v:#}");
    assert_eq!(v["mode"], "cluster");
    assert_eq!(out.status.code(), Some(0), "{v:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_check_fails_on_the_image_when_the_image_is_wrong() {
    let ns = TestNamespace::create("check-deploy-image").await;
    apply_and_wait(
        &ns,
        ngx_dep(|d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("httpd:alpine")
        }),
    )
    .await;
    let (out, _) = kubelab(check_args("deployment", ns.name(), &["--json"])).await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let f = first_failure(&v);
    assert_eq!(f["id"], "image", "{v:#}");
    assert_eq!(f["found"], "httpd:alpine", "{f:#}");
    // The status checks still pass: kwok makes the Pods ready whatever the image.
    assert_eq!(
        v["results"]
            .as_array()
            .map(|r| r.iter().filter(|r| r["passed"] == false).count()),
        Some(1),
        "{v:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_check_fails_on_the_selector_when_it_copies_the_wrong_label() {
    let ns = TestNamespace::create("check-deploy-selector").await;
    apply_and_wait(
        &ns,
        ngx_dep(|d| {
            d["spec"]["selector"]["matchLabels"] = json!({ "name": "ngx-dep" });
            d["spec"]["template"]["metadata"]["labels"] = json!({ "name": "ngx-dep" });
        }),
    )
    .await;
    let (out, _) = kubelab(check_args("deployment", ns.name(), &["--json"])).await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let f = first_failure(&v);
    assert_eq!(f["id"], "selector-label", "{v:#}");
    assert_eq!(f["field"], "spec.selector.matchLabels.app", "{f:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn human_output_marks_the_failure_and_gives_the_hint_in_english() {
    let ns = TestNamespace::create("check-deploy-human").await;
    apply_and_wait(
        &ns,
        ngx_dep(|d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:latest")
        }),
    )
    .await;
    let (out, _) = kubelab(check_args("deployment", ns.name(), &["--lang", "en"])).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✓ deploy-exists"), "{text}");
    assert!(text.contains("✗ image"), "{text}");
    assert!(text.contains("    hint: "), "{text}");
    assert!(text.contains(ns.name()), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_namespace_fails_on_the_first_assertion_and_skips_the_rest() {
    let ns = TestNamespace::create("check-deploy-empty").await;
    let (out, _) = kubelab(check_args("deployment", ns.name(), &["--json"])).await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(first_failure(&v)["id"], "deploy-exists", "{v:#}");
}

/// The `deployment-rollout` exercise's Deployment on `image`, with a change-cause when given.
fn ngx_roll(image: &str, change_cause: Option<&str>) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "ngx-roll" },
        "spec": {
            "replicas": 3,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": { "maxSurge": 1, "maxUnavailable": 0 }
            },
            "selector": { "matchLabels": { "app": "ngx-roll" } },
            "template": {
                "metadata": { "labels": { "app": "ngx-roll" } },
                "spec": { "containers": [ { "name": "nginx", "image": image } ] }
            }
        }
    });
    if let Some(cause) = change_cause {
        d["metadata"]["annotations"] = json!({ "kubernetes.io/change-cause": cause });
    }
    d
}

/// Server-side applies a Deployment and waits until its rollout is complete: the controller saw
/// this generation, and `replicas` Pods of the new template are available with no old ones left.
/// Returns the Deployment's revision.
async fn apply_and_wait_rollout(ns: &TestNamespace, deployment: Value, replicas: i32) -> String {
    let name = deployment["metadata"]["name"]
        .as_str()
        .expect("a name")
        .to_string();
    let api = ns.api::<Deployment>();
    let applied = api
        .patch(
            &name,
            &PatchParams::apply("kubelab-test").force(),
            &Patch::Apply(&deployment),
        )
        .await
        .unwrap_or_else(|e| panic!("server-side apply of {name} in {}: {e}", ns.name()));
    let generation = applied.metadata.generation.unwrap_or(0);
    poll_until(
        &format!("Deployment {name} to finish its rollout with {replicas} available"),
        Duration::from_secs(120),
        || async {
            let d = api.get(&name).await.map_err(|e| e.to_string())?;
            let s = d.status.clone().unwrap_or_default();
            let done = s.observed_generation.unwrap_or(0) >= generation
                && s.updated_replicas == Some(replicas)
                && s.available_replicas == Some(replicas)
                && s.replicas == Some(replicas);
            let revision = d
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                .cloned();
            match (done, revision) {
                (true, Some(r)) => Ok(r),
                _ => Err(format!("{s:?}")),
            }
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn deployment_rollout_check_fails_before_the_rollback_and_passes_after_it() {
    let ns = TestNamespace::create("check-rollout").await;
    let check = || kubelab(check_args("deployment-rollout", ns.name(), &["--json"]));

    let r1 = apply_and_wait_rollout(&ns, ngx_roll("nginx:1.29-alpine", None), 3).await;
    assert_eq!(r1, "1");
    let (out, _) = check().await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    assert_eq!(first_failure(&v)["id"], "upgraded", "created only: {v:#}");

    // kubectl set image + kubectl annotate kubernetes.io/change-cause
    let r2 = apply_and_wait_rollout(
        &ns,
        ngx_roll("nginx:1.30-alpine", Some("upgrade to nginx:1.30-alpine")),
        3,
    )
    .await;
    assert_eq!(r2, "2");
    let (out, _) = check().await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let f = first_failure(&v);
    assert_eq!(f["id"], "rolled-back", "upgraded, not rolled back: {v:#}");
    assert_eq!(f["found"], "nginx:1.30-alpine", "{f:#}");

    // kubectl rollout undo puts the previous template back; the controller scales the old
    // ReplicaSet up again and gives it the next revision.
    let r3 = apply_and_wait_rollout(
        &ns,
        ngx_roll("nginx:1.29-alpine", Some("upgrade to nginx:1.30-alpine")),
        3,
    )
    .await;
    assert_eq!(r3, "3");
    let (out, _) = check().await;
    let v = verdict(&out);
    assert_eq!(v["passed"], true, "rolled back: {v:#}");
    assert_eq!(out.status.code(), Some(0), "{v:#}");
}

/// The Deployment of the `probes` and `resources` exercises, as the debugging chapter writes it.
fn ngx_probe() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "ngx-probe" },
        "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app": "ngx-probe" } },
            "template": {
                "metadata": { "labels": { "app": "ngx-probe" } },
                "spec": { "containers": [ {
                    "name": "nginx",
                    "image": "nginx:1.30-alpine",
                    "ports": [ { "containerPort": 80 } ],
                    "readinessProbe": { "httpGet": { "path": "/", "port": 80 }, "periodSeconds": 5 },
                    "livenessProbe": { "tcpSocket": { "port": 80 }, "periodSeconds": 10 },
                    "resources": {
                        "requests": { "cpu": "100m", "memory": "64Mi" },
                        "limits": { "memory": "128Mi" }
                    }
                } ] }
            }
        }
    })
}

/// `kubelab check <exercise> --json` in `ns`: the exit code and the verdict.
async fn check_json(exercise: &str, ns: &TestNamespace) -> (Option<i32>, Value) {
    let (out, _) = kubelab(check_args(exercise, ns.name(), &["--json"])).await;
    (out.status.code(), verdict(&out))
}

#[tokio::test(flavor = "multi_thread")]
async fn probes_and_resources_checks_pass_for_the_chapters_deployment() {
    let ns = TestNamespace::create("check-probes").await;
    apply_and_wait_rollout(&ns, ngx_probe(), 2).await;
    for exercise in ["probes", "resources"] {
        let (code, v) = check_json(exercise, &ns).await;
        assert_eq!(v["passed"], true, "{exercise}: {v:#}");
        assert_eq!(code, Some(0), "{exercise}: {v:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn probes_check_fails_on_the_readiness_path_when_only_a_liveness_probe_is_set() {
    let ns = TestNamespace::create("check-probes-ready").await;
    let mut d = ngx_probe();
    d["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .expect("container")
        .remove("readinessProbe");
    apply_and_wait_rollout(&ns, d, 2).await;
    let (code, v) = check_json("probes", &ns).await;
    assert_eq!(code, Some(1), "{v:#}");
    let f = first_failure(&v);
    assert_eq!(f["id"], "readiness-path", "{v:#}");
    assert_eq!(f["found"], "(missing)", "{f:#}");
    // The resources are graded apart, and this Deployment has them.
    let (code, v) = check_json("resources", &ns).await;
    assert_eq!(v["passed"], true, "resources: {v:#}");
    assert_eq!(code, Some(0), "resources: {v:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn resources_check_fails_on_the_limit_when_only_requests_are_set() {
    let ns = TestNamespace::create("check-probes-limit").await;
    let mut d = ngx_probe();
    d["spec"]["template"]["spec"]["containers"][0]["resources"]
        .as_object_mut()
        .expect("resources")
        .remove("limits");
    apply_and_wait_rollout(&ns, d, 2).await;
    let (code, v) = check_json("resources", &ns).await;
    assert_eq!(code, Some(1), "{v:#}");
    let f = first_failure(&v);
    assert_eq!(f["id"], "limit-memory", "{v:#}");
    assert_eq!(f["found"], "(missing)", "{f:#}");
    // The probes are graded apart, and this Deployment has them.
    let (code, v) = check_json("probes", &ns).await;
    assert_eq!(v["passed"], true, "probes: {v:#}");
    assert_eq!(code, Some(0), "probes: {v:#}");
}

fn kubeconfig_for(dir: &Path, server: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
    );
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn check_against_a_closed_port_exits_2_within_5_seconds_saying_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig_for(dir.path(), "https://127.0.0.1:1");
    let kc = kc.to_string_lossy().into_owned();
    let (out, took) = kubelab(check_args(
        "deployment",
        "default",
        &["--kubeconfig", &kc, "--lang", "en"],
    ))
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(
        stderr.contains("cannot reach the Kubernetes API at https://127.0.0.1:1: connection refused — is your cluster running?"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_against_an_address_that_never_answers_exits_2_within_5_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    // TEST-NET-1 (RFC 5737): nothing answers there.
    let kc = kubeconfig_for(dir.path(), "https://192.0.2.1:6443");
    let kc = kc.to_string_lossy().into_owned();
    let (out, took) = kubelab(check_args(
        "deployment",
        "default",
        &["--kubeconfig", &kc, "--json"],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let v = verdict(&out);
    let code = v["error"]["code"].as_str().unwrap_or_default();
    assert_eq!(code, "cluster-unreachable", "{v:#}");
    assert!(
        v["error"]["message"]["zh"]
            .as_str()
            .is_some_and(|m| m.contains("192.0.2.1")),
        "{v:#}"
    );
}

/// A `kubelab serve` process on a free port, stopped when dropped.
struct Served {
    child: std::process::Child,
    port: u16,
    _site: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kubelab serve` and waits for /healthz. `env` is applied on top of this process's
/// environment; `remove` names variables to unset.
async fn serve(env: Vec<(String, String)>, remove: Vec<String>) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let site = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubelab"));
    cmd.arg("serve")
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--content")
        .arg(content_dir())
        .arg("--site-root")
        .arg(site.path())
        // One namespace for every check (KUBELAB_NAMESPACE), a throwaway store.
        .arg("--learner-namespaces")
        .arg("shared")
        .arg("--database")
        .arg(format!(
            "sqlite://{}",
            site.path().join("kubelab.db").display()
        ))
        .env("KUBELAB_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for k in remove {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let served = Served {
        child: cmd.spawn().expect("kubelab serve starts"),
        port,
        _site: site,
    };
    poll_until(
        "kubelab serve to answer /healthz",
        Duration::from_secs(60),
        || async {
            match http(port, "GET", "/healthz").await {
                Ok((200, _)) => Ok(()),
                Ok((status, body)) => Err(format!("{status} {body}")),
                Err(e) => Err(e),
            }
        },
    )
    .await;
    served
}

/// A minimal HTTP/1.1 request with no body; returns the status and the body.
async fn http(port: u16, method: &str, path: &str) -> Result<(u16, String), String> {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .map_err(|e| e.to_string())?;
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("not an HTTP response: {response}"))?;
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    })
    .await
    .map_err(|e| e.to_string())?
}

#[tokio::test(flavor = "multi_thread")]
async fn http_check_endpoint_reads_the_configured_namespace_and_passes() {
    let ns = TestNamespace::create("http-check").await;
    apply_and_wait(&ns, ngx_dep(|_| {})).await;
    let server = serve(
        vec![("KUBELAB_NAMESPACE".into(), ns.name().to_string())],
        vec![],
    )
    .await;
    let (status, body) = http(server.port, "POST", "/api/exercises/deployment/check")
        .await
        .expect("the check endpoint answers");
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("a JSON verdict");
    assert_eq!(v["passed"], true, "{v:#}");
    assert_eq!(v["mode"], "cluster");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_without_any_kubeconfig_still_serves_and_cluster_checks_answer_503() {
    let home = tempfile::tempdir().expect("tempdir");
    let server = serve(
        vec![("HOME".into(), home.path().to_string_lossy().into_owned())],
        vec![
            "KUBECONFIG".into(),
            "KUBELAB_KUBECONFIG".into(),
            "KUBERNETES_SERVICE_HOST".into(),
        ],
    )
    .await;
    let (status, body) = http(server.port, "GET", "/api/exercises")
        .await
        .expect("the list answers");
    assert_eq!(status, 200, "{body}");
    let (status, body) = http(server.port, "POST", "/api/exercises/deployment/check")
        .await
        .expect("the check endpoint answers");
    assert_eq!(status, 503, "{body}");
    let v: Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(v["error"]["code"], "no-cluster", "{v:#}");
    assert!(
        v["error"]["message"]["en"]
            .as_str()
            .is_some_and(|m| m.contains("no cluster connected")),
        "{v:#}"
    );
}

/// A new self-paced learner's session cookie (`name=value`): live streams are for learners.
async fn start_session(port: u16) -> String {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let request = "POST /api/session/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        stream.write_all(request.as_bytes()).expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no session cookie in: {response}"))
    })
    .await
    .expect("session")
}

/// Reads a server-sent event stream (as the learner of `cookie`) into `buf` until the connection
/// closes or `stop` is set.
fn read_sse(
    port: u16,
    path: &str,
    cookie: &str,
    buf: std::sync::Arc<std::sync::Mutex<String>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut chunk = [0u8; 8192];
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => {
                if let Ok(mut b) = buf.lock() {
                    b.push_str(&String::from_utf8_lossy(&chunk[..n]));
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

// The verdict's own `passed` (its results carry `passed` too): fields serialise in order.
const VERDICT_FAIL: &str = r#""mode":"cluster","passed":false"#;
const VERDICT_PASS: &str = r#""mode":"cluster","passed":true"#;

#[tokio::test(flavor = "multi_thread")]
async fn live_endpoint_pushes_a_new_verdict_when_the_learner_fixes_the_deployment() {
    let ns = TestNamespace::create("live-deploy").await;
    apply_and_wait(
        &ns,
        ngx_dep(|d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("httpd:alpine")
        }),
    )
    .await;
    let server = serve(
        vec![("KUBELAB_NAMESPACE".into(), ns.name().to_string())],
        vec![],
    )
    .await;
    // A visitor's GET creates nobody: 401 without a session.
    let (status, _) = http(server.port, "GET", "/api/exercises/deployment/live")
        .await
        .expect("answer");
    assert_eq!(status, 401);
    let cookie = start_session(server.port).await;
    let buf = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (buf, stop, port) = (buf.clone(), stop.clone(), server.port);
        std::thread::spawn(move || {
            read_sse(port, "/api/exercises/deployment/live", &cookie, buf, stop)
        })
    };
    let seen = |needle: &'static str| {
        let buf = buf.clone();
        move || {
            let buf = buf.clone();
            async move {
                let text = buf.lock().map(|b| b.clone()).unwrap_or_default();
                if text.contains(needle) {
                    Ok(())
                } else {
                    Err(format!("no {needle} yet in: {text}"))
                }
            }
        }
    };
    poll_until(
        "the first verdict (failing on the image)",
        Duration::from_secs(30),
        seen(VERDICT_FAIL),
    )
    .await;
    assert!(buf
        .lock()
        .map(|b| b.contains("event: verdict"))
        .unwrap_or(false));

    let started = Instant::now();
    apply_and_wait(&ns, ngx_dep(|_| {})).await;
    poll_until(
        "a pushed passing verdict",
        Duration::from_secs(60),
        seen(VERDICT_PASS),
    )
    .await;
    eprintln!(
        "fix applied → passing verdict pushed after {:?}",
        started.elapsed()
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = reader.join();
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_with_a_live_stream_open_ends_the_stream_and_exits_0_within_10_seconds() {
    let ns = TestNamespace::create("live-term").await;
    let mut server = serve(
        vec![("KUBELAB_NAMESPACE".into(), ns.name().to_string())],
        vec![],
    )
    .await;
    let cookie = start_session(server.port).await;
    let buf = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (buf, stop, port) = (buf.clone(), stop.clone(), server.port);
        std::thread::spawn(move || {
            read_sse(port, "/api/exercises/deployment/live", &cookie, buf, stop)
        })
    };
    poll_until("the first verdict", Duration::from_secs(30), || {
        let buf = buf.clone();
        async move {
            let text = buf.lock().map(|b| b.clone()).unwrap_or_default();
            if text.contains("event: verdict") {
                Ok(())
            } else {
                Err(format!("no verdict yet: {text}"))
            }
        }
    })
    .await;
    let pid = server.child.id().to_string();
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let code = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(
            sent.elapsed() < Duration::from_secs(10),
            "kubelab still running 10 s after SIGTERM with a live stream open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(code, Some(0), "exit code after SIGTERM");
    // Well before the server's 8 s grace: the stream ended at once, not by the deadline.
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "exit took {:?}: the stream kept the server up",
        sent.elapsed()
    );
    // The stream ended with the server (the reader saw the connection close).
    let ended = reader.join();
    assert!(ended.is_ok());
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    eprintln!("SIGTERM → exit after {:?}", sent.elapsed());
}

/// A GET as the learner of `cookie`; the status and the body (for answers that end).
async fn get_as(port: u16, path: &str, cookie: &str) -> (u16, String) {
    request_as(port, "GET", path, cookie).await
}

/// A request without a body as the learner of `cookie` (none: `""`); the status and the body.
async fn request_as(port: u16, method: &str, path: &str, cookie: &str) -> (u16, String) {
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream.write_all(request.as_bytes()).expect("write");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or_default();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    })
    .await
    .expect("answer")
}

#[tokio::test(flavor = "multi_thread")]
async fn live_streams_are_capped_per_learner_and_a_closed_stream_frees_its_slot() {
    let ns = TestNamespace::create("live-cap").await;
    let server = serve(
        vec![
            ("KUBELAB_NAMESPACE".into(), ns.name().to_string()),
            ("KUBELAB_LIVE_STREAMS_PER_LEARNER".into(), "2".into()),
        ],
        vec![],
    )
    .await;
    let cookie = start_session(server.port).await;
    let path = "/api/exercises/deployment/live";
    let open = |stop: std::sync::Arc<std::sync::atomic::AtomicBool>| {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (b, port, cookie) = (buf.clone(), server.port, cookie.clone());
        let reader = std::thread::spawn(move || read_sse(port, path, &cookie, b, stop));
        (buf, reader)
    };
    let first_verdict = |buf: std::sync::Arc<std::sync::Mutex<String>>| async move {
        poll_until("a stream's first verdict", Duration::from_secs(30), || {
            let buf = buf.clone();
            async move {
                let text = buf.lock().map(|b| b.clone()).unwrap_or_default();
                if text.contains("event: verdict") {
                    Ok(())
                } else {
                    Err(format!("no verdict yet: {text}"))
                }
            }
        })
        .await
    };
    let stop1 = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (buf1, reader1) = open(stop1.clone());
    first_verdict(buf1).await;
    let (buf2, reader2) = open(stop2.clone());
    first_verdict(buf2).await;
    // A third stream of the same learner is refused, in both languages.
    let (status, body) = get_as(server.port, path, &cookie).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("too-many-streams"), "{body}");
    // Closing one frees its slot (the server notices at its next write: a keep-alive at most).
    stop1.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = reader1.join();
    poll_until("a freed slot", Duration::from_secs(40), || {
        let cookie = cookie.clone();
        let port = server.port;
        async move {
            // Probe with a stream that is closed again at once.
            let (status, body) = tokio::task::spawn_blocking(move || {
                use std::io::{Read, Write};
                let mut s =
                    std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(Duration::from_secs(20)))
                    .map_err(|e| e.to_string())?;
                let req =
                    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n");
                s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
                let mut chunk = [0u8; 4096];
                let n = s.read(&mut chunk).map_err(|e| e.to_string())?;
                let head = String::from_utf8_lossy(&chunk[..n]).into_owned();
                let status = head
                    .split(' ')
                    .nth(1)
                    .and_then(|c| c.parse::<u16>().ok())
                    .unwrap_or_default();
                Ok::<_, String>((status, head))
            })
            .await
            .map_err(|e| e.to_string())??;
            if status == 200 {
                Ok(())
            } else {
                Err(format!("{status}: {body}"))
            }
        }
    })
    .await;
    stop2.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = reader2.join();
}

/// The cluster exercises of the course (content/exercises with `kind: cluster`).
const CLUSTER_EXERCISES: usize = 19;

/// `kubelab grade --json` output: exit 0 and one row per namespace × cluster exercise.
fn graded(out: &Output, namespaces: usize) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = verdict(out);
    let rows = v["rows"].as_array().expect("rows").len();
    assert_eq!(rows, namespaces * CLUSTER_EXERCISES, "{v:#}");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn grade_prints_every_cluster_exercise_for_each_namespace_and_exits_0() {
    let good = TestNamespace::create("grade-good").await;
    let empty = TestNamespace::create("grade-empty").await;
    apply_and_wait(&good, ngx_dep(|_| {})).await;
    let namespaces = format!("{},{}", good.name(), empty.name());
    let (out, _) = kubelab(vec![
        "grade".into(),
        "--namespaces".into(),
        namespaces.clone(),
        "--json".into(),
    ])
    .await;
    let v = graded(&out, 2);
    let rows = v["rows"].as_array().expect("rows");
    let row = |ns: &str, ex: &str| {
        rows.iter()
            .find(|r| r["namespace"] == ns && r["exercise"] == ex)
            .unwrap_or_else(|| panic!("no row {ns} × {ex} in {v:#}"))
    };
    assert_eq!(row(good.name(), "deployment")["passed"], true, "{v:#}");
    let missing = row(empty.name(), "deployment");
    assert_eq!(missing["passed"], false);
    assert_eq!(missing["failed"][0]["id"], "deploy-exists", "{missing:#}");
    // Everything came from the shared cache: at most the watches' own starts during grading.
    let timing = &v["timing"];
    assert_eq!(
        timing["requests_grade"]["total"], timing["requests_grade"]["watches"],
        "{timing:#}"
    );

    // The same class by a label selector on the namespaces.
    let class = kubelab_testkit::unique_name("class");
    let namespaces_api: kube::Api<k8s_openapi::api::core::v1::Namespace> =
        kube::Api::all(good.client());
    for ns in [&good, &empty] {
        namespaces_api
            .patch(
                ns.name(),
                &PatchParams::default(),
                &Patch::Merge(json!({ "metadata": { "labels": { "kubelab.dev/class": class } } })),
            )
            .await
            .expect("label the namespace");
    }
    let (out, _) = kubelab(vec![
        "grade".into(),
        "--selector".into(),
        format!("kubelab.dev/class={class}"),
        "--json".into(),
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_selector = verdict(&out);
    let mut graded: Vec<&str> = by_selector["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["namespace"].as_str())
        .collect();
    graded.dedup();
    let mut want = vec![good.name(), empty.name()];
    want.sort();
    assert_eq!(graded, want, "{by_selector:#}");

    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("grades.csv");
    let (out, _) = kubelab(vec![
        "grade".into(),
        "--namespaces".into(),
        namespaces,
        "--csv".into(),
        csv.to_string_lossy().into_owned(),
        "--lang".into(),
        "en".into(),
    ])
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("graded 2 namespaces × 19 exercises"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&csv).expect("the CSV file");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "namespace,exercise,passed,passed_assertions,assertions,failed"
    );
    assert_eq!(lines.len(), 1 + 2 * CLUSTER_EXERCISES, "{text}");
    assert!(
        lines.contains(&format!("{},deployment,true,6,6,", good.name()).as_str()),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn grade_with_a_bad_namespace_name_exits_2() {
    let (out, _) = kubelab(vec![
        "grade".into(),
        "--namespaces".into(),
        "Not_A_Namespace".into(),
        "--lang".into(),
        "en".into(),
    ])
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a namespace name"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn grade_a_classroom_from_the_store_and_record_the_verdicts_as_attempts() {
    use kubelab_store::{NewLearner, Status, Store};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("kubelab.db").display());
    let store = Store::open(&url).await.expect("store");
    let teacher = store
        .add_instructor("grader@example.test", "a long enough password")
        .await
        .expect("instructor");
    let class = store
        .create_classroom(&teacher.id, "Grading")
        .await
        .expect("classroom");
    let learner = |name: &'static str| NewLearner {
        display_name: Some(name),
        classroom_id: Some(&class.id),
        namespace_prefix: "kl-",
    };
    let done = store
        .create_learner(learner("Done"))
        .await
        .expect("learner");
    let idle = store
        .create_learner(learner("Idle"))
        .await
        .expect("learner");
    let done_ns = TestNamespace::create_named(&done.namespace).await;
    let _idle_ns = TestNamespace::create_named(&idle.namespace).await;
    apply_and_wait(&done_ns, ngx_dep(|_| {})).await;

    let (out, _) = kubelab(vec![
        "grade".into(),
        "--classroom".into(),
        class.code.to_lowercase(), // codes are read case-insensitively
        "--database".into(),
        url.clone(),
        "--json".into(),
    ])
    .await;
    let v = graded(&out, 2);
    let rows = v["rows"].as_array().expect("rows");
    let passed = |ns: &str| {
        rows.iter()
            .find(|r| r["namespace"] == ns && r["exercise"] == "deployment")
            .map(|r| r["passed"].clone())
    };
    assert_eq!(passed(&done.namespace), Some(json!(true)), "{v:#}");
    assert_eq!(passed(&idle.namespace), Some(json!(false)), "{v:#}");

    // Every verdict is now an attempt: the board and the CSV show them.
    assert_eq!(
        store.count_attempts().await.expect("count"),
        (2 * CLUSTER_EXERCISES) as u64
    );
    let status = |progress: Vec<kubelab_store::ExerciseProgress>| {
        progress
            .into_iter()
            .find(|p| p.exercise_id == "deployment")
            .map(|p| p.status)
    };
    assert_eq!(
        status(store.progress(&done.id).await.expect("progress")),
        Some(Status::Passed)
    );
    assert_eq!(
        status(store.progress(&idle.id).await.expect("progress")),
        Some(Status::Failing)
    );

    let (out, _) = kubelab(vec![
        "grade".into(),
        "--classroom".into(),
        "ZZZZ-ZZZZ".into(),
        "--database".into(),
        url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ZZZZ-ZZZZ"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- Break-fix exercises: `setup:` objects created by `kubelab start` (the Start button's
// service function), the broken state fails on what is broken, the learner's fix passes. ----

/// `kubelab start <id> -n NS [--reset] --json`: exit 0 and the `Started` answer.
async fn start_exercise(id: &str, namespace: &str, reset: bool) -> Value {
    let mut args = vec![
        "start".to_string(),
        id.to_string(),
        "-n".to_string(),
        namespace.to_string(),
        "--json".to_string(),
    ];
    if reset {
        args.push("--reset".into());
    }
    let (out, _) = kubelab(args).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "kubelab start {id}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    verdict(&out)
}

/// `(kind, name)` of a `Started` answer's `created` list.
fn created(started: &Value) -> Vec<(String, String)> {
    started["created"]
        .as_array()
        .expect("created")
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap_or_default().to_string(),
                o["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Polls `kubelab check` until its first failure is `id` on `field` and its message contains
/// `says` (status such as Pods and EndpointSlices arrives after the objects); that failure.
async fn fails_on(exercise: &str, namespace: &str, id: &str, field: &str, says: &str) -> Value {
    poll_until(
        &format!("{exercise} to fail on {id} ({field}) saying {says:?}"),
        Duration::from_secs(90),
        || async {
            let (out, _) = kubelab(check_args(exercise, namespace, &["--json"])).await;
            let v = verdict(&out);
            if out.status.code() != Some(1) {
                return Err(format!("exit {:?}: {v}", out.status.code()));
            }
            let f = first_failure(&v).clone();
            let message = f["message"]["en"].as_str().unwrap_or_default();
            if f["id"] == id && f["field"] == field && message.contains(says) {
                Ok(f)
            } else {
                Err(f.to_string())
            }
        },
    )
    .await
}

/// Polls `kubelab check` until the exercise passes (the controllers and kwok need a moment).
async fn passes(exercise: &str, namespace: &str) {
    poll_until(
        &format!("{exercise} to pass in {namespace}"),
        Duration::from_secs(90),
        || async {
            let (out, _) = kubelab(check_args(exercise, namespace, &["--json"])).await;
            let v = verdict(&out);
            match out.status.code() {
                Some(0) if v["passed"] == true => Ok(()),
                _ => Err(first_failure(&v).to_string()),
            }
        },
    )
    .await;
}

/// A learner's `kubectl patch` (a merge patch) of a namespaced object.
async fn merge_patch<K>(ns: &TestNamespace, name: &str, patch: Value)
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    <K as kube::Resource>::DynamicType: Default,
{
    ns.api::<K>()
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap_or_else(|e| panic!("patch {name} in {}: {e}", ns.name()));
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_service_selector_fails_on_the_deployment_name_passes_on_the_pod_label_and_resets() {
    let ns = TestNamespace::create("bf-selector").await;
    let started = start_exercise("fix-service-selector", ns.name(), false).await;
    assert_eq!(
        created(&started),
        vec![
            ("Deployment".into(), "web-dep".into()),
            ("Service".into(), "web-svc".into())
        ]
    );
    assert_eq!(started["namespace"], ns.name());
    let svc = ns
        .api::<k8s_openapi::api::core::v1::Service>()
        .get("web-svc")
        .await
        .expect("web-svc was created");
    let labels = svc.metadata.labels.unwrap_or_default();
    assert_eq!(
        labels.get("kubelab.dev/exercise").map(String::as_str),
        Some("fix-service-selector")
    );
    let f = fails_on(
        "fix-service-selector",
        ns.name(),
        "selects-pods",
        "spec.selector.app",
        "uses the name of Deployment web-dep",
    )
    .await;
    assert_eq!(f["expected"], "app=web", "{f:#}");
    assert_eq!(f["found"], "app=web-dep", "{f:#}");

    merge_patch::<k8s_openapi::api::core::v1::Service>(
        &ns,
        "web-svc",
        json!({ "spec": { "selector": { "app": "web" } } }),
    )
    .await;
    passes("fix-service-selector", ns.name()).await;

    // Reset: the learner's fix is gone, the broken selector is back.
    let again = start_exercise("fix-service-selector", ns.name(), true).await;
    assert_eq!(again["reset"], true);
    fails_on(
        "fix-service-selector",
        ns.name(),
        "selects-pods",
        "spec.selector.app",
        "app=web-dep",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_target_port_fails_on_8080_and_passes_on_the_container_port() {
    let ns = TestNamespace::create("bf-target-port").await;
    start_exercise("fix-target-port", ns.name(), false).await;
    let f = fails_on(
        "fix-target-port",
        ns.name(),
        "target-port",
        "spec.ports[0].targetPort",
        "targetPort is 8080",
    )
    .await;
    assert_eq!(f["expected"], "80", "{f:#}");
    assert_eq!(f["found"], "8080", "{f:#}");
    let svc = ns.api::<k8s_openapi::api::core::v1::Service>();
    svc.patch(
        "api-svc",
        &PatchParams::default(),
        &Patch::<Value>::Json(
            serde_json::from_value(json!([
                { "op": "replace", "path": "/spec/ports/0/targetPort", "value": 80 }
            ]))
            .expect("a JSON patch"),
        ),
    )
    .await
    .expect("patch api-svc");
    passes("fix-target-port", ns.name()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_ingress_class_fails_on_the_missing_class_and_passes_on_the_learners_class() {
    use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
    let ns = TestNamespace::create("bf-ingress").await;
    start_exercise("fix-ingress-class", ns.name(), false).await;
    fails_on(
        "fix-ingress-class",
        ns.name(),
        "route",
        "spec.ingressClassName",
        "uses IngressClass nginx-public, which does not exist",
    )
    .await;
    // The learner's class from the ingress exercise, prefixed as on a shared cluster.
    let class = format!("{}-ngx-ink", ns.name());
    let classes: kube::Api<IngressClass> = kube::Api::all(ns.client());
    ns.delete_on_drop::<IngressClass>(&class);
    classes
        .create(
            &Default::default(),
            &serde_json::from_value(json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                "metadata": { "name": class },
                "spec": { "controller": "nginx.org/ingress-controller" }
            }))
            .expect("an IngressClass"),
        )
        .await
        .expect("create the IngressClass");
    merge_patch::<Ingress>(
        &ns,
        "blog-ing",
        json!({ "spec": { "ingressClassName": class } }),
    )
    .await;
    passes("fix-ingress-class", ns.name()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_pvc_pending_fails_on_the_access_mode_and_passes_once_recreated_against_a_prefixed_pv()
{
    use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
    let ns = TestNamespace::create("bf-pvc").await;
    start_exercise("fix-pvc-pending", ns.name(), false).await;
    let f = fails_on(
        "fix-pvc-pending",
        ns.name(),
        "pvc-access",
        "spec.accessModes[0]",
        "ReadWriteMany",
    )
    .await;
    assert_eq!(f["expected"], "ReadWriteOnce", "{f:#}");
    // What the instructions ask on a shared cluster: a PV, class and path with the prefix…
    let p = ns.name();
    let pv_name = format!("{p}-notes-10m-pv");
    let class = format!("{p}-host-test");
    ns.delete_on_drop::<PersistentVolume>(&pv_name);
    kube::Api::<PersistentVolume>::all(ns.client())
        .create(
            &Default::default(),
            &serde_json::from_value(json!({
                "apiVersion": "v1", "kind": "PersistentVolume",
                "metadata": { "name": pv_name },
                "spec": {
                    "storageClassName": class,
                    "accessModes": ["ReadWriteOnce"],
                    "capacity": { "storage": "10Mi" },
                    "persistentVolumeReclaimPolicy": "Retain",
                    "hostPath": { "path": format!("/tmp/{p}-notes-10m-pv/"), "type": "DirectoryOrCreate" }
                }
            }))
            .expect("a PV"),
        )
        .await
        .expect("create the PV");
    // …and the claim deleted and created again (its spec is immutable); the Pod stays.
    let pvcs = ns.api::<PersistentVolumeClaim>();
    pvcs.delete("notes-pvc", &Default::default())
        .await
        .expect("delete notes-pvc");
    poll_until("notes-pvc to be gone", Duration::from_secs(60), || async {
        match pvcs.get_opt("notes-pvc").await {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err("still there".to_string()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    pvcs.create(
        &Default::default(),
        &serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": { "name": "notes-pvc" },
            "spec": {
                "storageClassName": class,
                "accessModes": ["ReadWriteOnce"],
                "resources": { "requests": { "storage": "10Mi" } }
            }
        }))
        .expect("a PVC"),
    )
    .await
    .expect("create notes-pvc again");
    passes("fix-pvc-pending", ns.name()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_daemonset_toleration_fails_on_the_master_key_and_passes_with_control_plane() {
    use k8s_openapi::api::apps::v1::DaemonSet;
    let ns = TestNamespace::create("bf-daemonset").await;
    start_exercise("fix-daemonset-toleration", ns.name(), false).await;
    let f = fails_on(
        "fix-daemonset-toleration",
        ns.name(),
        "tolerates-control-plane",
        "spec.template.spec.tolerations",
        "node-role.kubernetes.io/master",
    )
    .await;
    assert!(
        f["expected"]
            .as_str()
            .is_some_and(|e| e.contains("node-role.kubernetes.io/control-plane")),
        "{f:#}"
    );
    ns.api::<DaemonSet>()
        .patch(
            "agent-ds",
            &PatchParams::default(),
            &Patch::<Value>::Json(
                serde_json::from_value(json!([{
                    "op": "add", "path": "/spec/template/spec/tolerations/-",
                    "value": { "key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule" }
                }]))
                .expect("a JSON patch"),
            ),
        )
        .await
        .expect("patch agent-ds");
    passes("fix-daemonset-toleration", ns.name()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_image_pull_fails_on_the_misspelt_tag_and_passes_after_the_rollout() {
    let ns = TestNamespace::create("bf-image").await;
    start_exercise("fix-image-pull", ns.name(), false).await;
    let f = fails_on(
        "fix-image-pull",
        ns.name(),
        "image",
        "spec.template.spec.containers[name=nginx].image",
        "nginx:1.30-alpne",
    )
    .await;
    assert_eq!(f["found"], "nginx:1.30-alpne", "{f:#}");
    // kubectl set image deploy shop-dep nginx=nginx:1.30-alpine
    merge_patch::<Deployment>(
        &ns,
        "shop-dep",
        json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "nginx", "image": "nginx:1.30-alpine" }
        ] } } } }),
    )
    .await;
    passes("fix-image-pull", ns.name()).await;
    // The rollout replaced the broken ReplicaSet: its Pods go (the check, like kubectl rollout
    // status, passes once the Deployment counts no old replica; the Pods follow).
    let pods = ns.api::<k8s_openapi::api::core::v1::Pod>();
    poll_until(
        "only Pods of nginx:1.30-alpine left",
        Duration::from_secs(60),
        || async {
            let list = pods
                .list(&kube::api::ListParams::default().labels("app=shop"))
                .await
                .map_err(|e| e.to_string())?;
            let images: Vec<String> = list
                .items
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
                .flat_map(|p| p.spec.iter().flat_map(|s| s.containers.iter()))
                .filter_map(|c| c.image.clone())
                .collect();
            if images.len() == 2 && images.iter().all(|i| i == "nginx:1.30-alpine") {
                Ok(())
            } else {
                Err(format!("{images:?}"))
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_start_and_reset_create_the_setup_in_the_learners_namespace_and_the_check_names_the_broken_field(
) {
    let ns = TestNamespace::create("bf-http").await;
    let server = serve(
        vec![("KUBELAB_NAMESPACE".into(), ns.name().to_string())],
        vec![],
    )
    .await;
    // A visitor may not start anything.
    let (status, body) = request_as(
        server.port,
        "POST",
        "/api/exercises/fix-target-port/start",
        "",
    )
    .await;
    assert_eq!(status, 401, "{body}");
    let cookie = start_session(server.port).await;
    let (status, body) = request_as(
        server.port,
        "POST",
        "/api/exercises/fix-target-port/start",
        &cookie,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let started: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(started["namespace"], ns.name(), "{started:#}");
    assert_eq!(started["reset"], false);
    assert_eq!(
        created(&started),
        vec![
            ("Deployment".into(), "api-dep".into()),
            ("Service".into(), "api-svc".into())
        ]
    );
    assert!(
        started["message"]["zh"]
            .as_str()
            .is_some_and(|m| m.contains("Service/api-svc")),
        "{started:#}"
    );
    let failure = poll_until(
        "the HTTP check to name the targetPort",
        Duration::from_secs(60),
        || async {
            let (status, body) = request_as(
                server.port,
                "POST",
                "/api/exercises/fix-target-port/check",
                &cookie,
            )
            .await;
            let v: Value = serde_json::from_str(&body).map_err(|e| format!("{status} {e}"))?;
            let f = v["results"]
                .as_array()
                .and_then(|r| {
                    r.iter()
                        .find(|r| r["passed"] == false && r["skipped"] == false)
                })
                .cloned()
                .ok_or_else(|| v.to_string())?;
            if f["id"] == "target-port" {
                Ok(f)
            } else {
                Err(f.to_string())
            }
        },
    )
    .await;
    assert_eq!(failure["field"], "spec.ports[0].targetPort", "{failure:#}");
    assert_eq!(failure["found"], "8080", "{failure:#}");
    let (status, body) = request_as(
        server.port,
        "POST",
        "/api/exercises/fix-target-port/reset",
        &cookie,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reset: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(reset["reset"], true, "{reset:#}");
}

// ---- final-challenge: the capstone as its last hint builds it, on a shared cluster (prefixed
// PV, storage class and IngressClass), with one mistake at a time. ----

/// The learner's objects for the final challenge in namespace `ns` (fixtures/final-challenge.yaml
/// with the `<ns>-` prefix on the cluster-scoped names), as `kubectl apply -f` reads them.
fn guestbook(ns: &str) -> Vec<Value> {
    let text = include_str!("fixtures/final-challenge.yaml").replace("${P}", &format!("{ns}-"));
    kubelab_checks::Snapshot::from_yaml(ns, &text)
        .expect("the fixture parses")
        .objects
        .into_iter()
        .map(|o| (*o).clone())
        .collect()
}

/// The object of `kind` named `name` among `objects`, to turn it into a learner's mistake.
fn object_mut<'a>(objects: &'a mut [Value], kind: &str, name: &str) -> &'a mut Value {
    objects
        .iter_mut()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the fixture"))
}

/// Server-side applies `objects` like `kubectl apply` (forced: applying a fixed version again
/// replaces the mistake). The cluster-scoped ones are deleted with the test namespace.
async fn apply_objects(ns: &TestNamespace, objects: &[Value]) {
    use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Service};
    use k8s_openapi::api::networking::v1::{Ingress, IngressClass};
    let params = PatchParams::apply("kubelab-test").force();
    for o in objects {
        let kind = o["kind"].as_str().unwrap_or_default();
        let name = o["metadata"]["name"].as_str().expect("a metadata.name");
        let patch = Patch::Apply(o);
        let applied = match kind {
            "PersistentVolume" => {
                ns.delete_on_drop::<PersistentVolume>(name);
                kube::Api::<PersistentVolume>::all(ns.client())
                    .patch(name, &params, &patch)
                    .await
                    .map(drop)
            }
            "IngressClass" => {
                ns.delete_on_drop::<IngressClass>(name);
                kube::Api::<IngressClass>::all(ns.client())
                    .patch(name, &params, &patch)
                    .await
                    .map(drop)
            }
            "PersistentVolumeClaim" => ns
                .api::<PersistentVolumeClaim>()
                .patch(name, &params, &patch)
                .await
                .map(drop),
            "Deployment" => ns
                .api::<Deployment>()
                .patch(name, &params, &patch)
                .await
                .map(drop),
            "Service" => ns
                .api::<Service>()
                .patch(name, &params, &patch)
                .await
                .map(drop),
            "Ingress" => ns
                .api::<Ingress>()
                .patch(name, &params, &patch)
                .await
                .map(drop),
            other => panic!("the fixture has a {other}, which apply_objects does not know"),
        };
        applied
            .unwrap_or_else(|e| panic!("server-side apply of {kind} {name} in {}: {e}", ns.name()));
    }
}

/// The ids of a verdict's results that are `skipped` (true) or failed and not skipped (false).
fn result_ids(v: &Value, skipped: bool) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["passed"] == false && r["skipped"] == skipped)
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

/// Polls `kubelab check` until the only assertion that fails (not skipped) is `id` (the PVC's
/// binding, the Pods and the EndpointSlices arrive after the objects); that verdict.
async fn fails_only_on(exercise: &str, namespace: &str, id: &str) -> Value {
    poll_until(
        &format!("{exercise} to fail on {id} alone"),
        Duration::from_secs(90),
        || async {
            let (out, _) = kubelab(check_args(exercise, namespace, &["--json"])).await;
            let v = verdict(&out);
            if out.status.code() == Some(1) && result_ids(&v, false) == [id] {
                Ok(v)
            } else {
                Err(format!(
                    "exit {:?}, failed: {:?}",
                    out.status.code(),
                    result_ids(&v, false)
                ))
            }
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn final_challenge_without_a_readiness_probe_fails_on_that_assertion_alone() {
    let ns = TestNamespace::create("final-probe").await;
    let mut objects = guestbook(ns.name());
    object_mut(&mut objects, "Deployment", "gb-web")["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .expect("the nginx container")
        .remove("readinessProbe");
    apply_objects(&ns, &objects).await;
    let v = fails_only_on("final-challenge", ns.name(), "web-readiness").await;
    let f = first_failure(&v);
    assert_eq!(
        f["field"], "spec.template.spec.containers[*].readinessProbe",
        "{f:#}"
    );
    assert_eq!(f["found"], "(missing)", "{f:#}");
    // Only what waits for the probe is skipped; storage, Redis and the routing all pass.
    assert_eq!(result_ids(&v, true), ["web-ready"], "{v:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn final_challenge_with_an_exact_path_fails_on_the_ingress_alone_and_passes_once_prefix() {
    let ns = TestNamespace::create("final-path").await;
    let mut objects = guestbook(ns.name());
    object_mut(&mut objects, "Ingress", "gb-ing")["spec"]["rules"][0]["http"]["paths"][0]
        ["pathType"] = json!("Exact");
    apply_objects(&ns, &objects).await;
    let v = fails_only_on("final-challenge", ns.name(), "ingress").await;
    let f = first_failure(&v);
    assert_eq!(
        f["field"], "spec.rules[host=gb.test].http.paths[path=/].pathType",
        "{f:#}"
    );
    assert_eq!(f["expected"], "Prefix", "{f:#}");
    assert_eq!(f["found"], "Exact", "{f:#}");
    assert!(result_ids(&v, true).is_empty(), "{v:#}");

    // The learner fixes the pathType and applies the file again: every assertion passes.
    apply_objects(&ns, &guestbook(ns.name())).await;
    passes("final-challenge", ns.name()).await;
}
