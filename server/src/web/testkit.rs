//! The one fixture the web tests share: a three-chapter course in both languages (independent of
//! the real content), the real exercise catalog, a fresh SQLite store, and no cluster unless a
//! test gives one.

use std::path::Path;
use std::sync::Arc;

use kubelab_app::model::CourseHandle;

use super::state::{leptos_options, AppState};
use crate::cluster::{Cluster, Error};
use crate::service::{Lab, Limits, Namespaces};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Chapters `alpha`, `beta`, `gamma` of part `p1`, each with one section and a bash block.
pub(crate) fn course(root: &Path) -> kubelab_app::model::Course {
    course_with(root, ["", "", ""])
}

/// The same chapters, listing these exercises (`a, b` each).
pub(crate) fn course_with(root: &Path, exercises: [&str; 3]) -> kubelab_app::model::Course {
    write(
        root,
        "course.yaml",
        "title: { zh: 测试课程, en: Test course }\nparts:\n  - id: p1\n    title: { zh: 第一部分, en: Part one }\n",
    );
    for (order, (id, exercises)) in ["alpha", "beta", "gamma"].iter().zip(exercises).enumerate() {
        for lang in ["zh", "en"] {
            write(
                root,
                &format!("{lang}/{id}.md"),
                &format!(
                    "---\nid: {id}\ntitle: {lang} {id} title\npart: p1\norder: {}\nsummary: about {id}\nminutes: 7\nexercises: [{exercises}]\n---\n## First section\n\n```bash\nkubectl get pod\n```\n",
                    order + 1
                ),
            );
        }
    }
    kubelab_app::content::load(root).expect("fixture course loads")
}

/// The real exercise catalog (content/exercises).
pub(crate) fn catalog() -> kubelab_checks::Catalog {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    crate::service::catalog::load_catalog(&content).expect("real catalog loads")
}

/// The app on the fixture, per-learner namespaces, with `cluster`.
pub(crate) async fn state_with(cluster: Result<Cluster, Error>) -> (AppState, tempfile::TempDir) {
    state_with_limits(cluster, Limits::default()).await
}

/// The same, with these limits.
pub(crate) async fn state_with_limits(
    cluster: Result<Cluster, Error>,
    limits: Limits,
) -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let course = course(&dir.path().join("content"));
    let url = format!("sqlite://{}", dir.path().join("kubelab.db").display());
    let store = kubelab_store::Store::open(&url).await.expect("store opens");
    let lab = Lab::new(
        store,
        Arc::new(catalog()),
        cluster,
        Namespaces::PerLearner {
            prefix: "kl-".into(),
        },
        None,
    )
    .with_limits(limits);
    let state = AppState {
        leptos: leptos_options(dir.path(), "127.0.0.1:0".parse().expect("addr")),
        course: CourseHandle::new(course),
        search: Default::default(),
        pages: Default::default(),
        lab: Arc::new(lab),
        secure_cookies: false,
        public_origin: None,
        allowed_hosts: crate::web::guard::AllowedHosts::new(None, &[]),
        // Nobody signals: streams run until their client goes.
        shutdown: tokio::sync::watch::channel(false).1,
        trust_forwarded_for: false,
        timeouts: Default::default(),
    };
    (state, dir)
}

/// The app on the fixture without a cluster.
pub(crate) async fn state() -> (AppState, tempfile::TempDir) {
    state_with(Err(Error::NoKubeconfig)).await
}

/// The same app as after a restart: a new `Lab` on the same database, nothing in memory
/// (provisioned namespaces, limiters, open streams).
pub(crate) fn restart(state: &AppState, _dir: &tempfile::TempDir) -> AppState {
    let old = &state.lab;
    let lab = Lab::new(
        old.store.clone(),
        old.catalog.clone(),
        old.cluster.clone(),
        old.namespaces.clone(),
        None,
    )
    .with_limits(old.limits.clone());
    AppState {
        lab: Arc::new(lab),
        ..state.clone()
    }
}

/// Starts a self-paced learner through the API; their session cookie (`name=value`).
pub(crate) async fn learner_cookie(state: &AppState) -> String {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/session/start")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{}"))
        .expect("request");
    let resp = tower::ServiceExt::oneshot(super::router(state.clone()), req)
        .await
        .expect("answer");
    assert_eq!(resp.status(), axum::http::StatusCode::OK);
    resp.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}
