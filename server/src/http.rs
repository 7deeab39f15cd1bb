//! The HTTP edge: axum router, static files, language choice, health, graceful shutdown.

use std::path::PathBuf;

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use kubelab_app::model::{CourseHandle, Lang};
use kubelab_app::{shell, App};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use serde::Deserialize;
use tower_http::trace::TraceLayer;

use crate::ServeArgs;

/// The cookie that remembers a learner's language choice.
pub const LANG_COOKIE: &str = "kubelab_lang";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the course content has problems (run `kubelab content check` for the list):\n{0}")]
    Content(#[from] kubelab_app::content::Errors),
    #[error(
        "cannot listen on {addr}: {source} (is another kubelab running? try --addr 127.0.0.1:3001)"
    )]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[from] std::io::Error),
    #[error("cannot watch content for changes: {0}")]
    Watch(#[from] notify::Error),
    #[error("the exercise catalog has problems (run `kubelab content check`):\n{0}")]
    Catalog(#[from] crate::exercises::LoadError),
    #[error("{}", .0.text().en)]
    Store(#[from] kubelab_store::StoreError),
    #[error("--public-url {0} is not an http(s) URL")]
    PublicUrl(String),
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub course: CourseHandle,
    /// The exercise specs (content/exercises).
    pub catalog: std::sync::Arc<kubelab_checks::Catalog>,
    /// The cluster for cluster checks, or why there is none (then checks answer 503).
    pub cluster: Result<crate::cluster::Cluster, crate::cluster::Error>,
    /// The learner's namespace that cluster checks read.
    pub namespace: String,
    /// Rendered lesson pages, per course version.
    pub pages: crate::page_cache::PageCache,
    /// Learners, instructors, their store and namespaces.
    pub accounts: std::sync::Arc<crate::accounts::Accounts>,
    /// Sessions: cookie `Secure` (set when the public URL is https).
    pub secure_cookies: bool,
    /// `https://lab.example`: where browsers reach kubelab, for the same-origin check.
    pub public_origin: Option<String>,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_forwarded_for: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

pub fn leptos_options(site_root: &std::path::Path, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("kubelab")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Every route of the site, ready for `axum::serve` or for `oneshot` in tests.
pub fn router(state: AppState) -> Router {
    let course = state.course.clone();
    let catalog = state.catalog.clone();
    let context = move || {
        provide_context(course.clone());
        provide_context(catalog.clone());
    };
    let leptos = state.leptos.clone();
    let routes = generate_route_list(App);
    let router = Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/lang/{lang}", get(choose_lang))
        .route("/favicon.svg", get(favicon))
        .merge(crate::api::routes())
        .merge(crate::accounts::routes())
        .merge(crate::teach::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::layer,
        ))
        .layer(axum::middleware::from_fn(trim_trailing_slash))
        .layer(crate::session::layer(
            &state.accounts.store,
            state.secure_cookies,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.public_origin.clone(),
            crate::session::same_origin,
        ));
    let router = if state.trust_forwarded_for {
        router.layer(axum::middleware::from_fn(crate::session::forwarded_client))
    } else {
        router
    };
    router.layer(TraceLayer::new_for_http()).with_state(state)
}

/// `/zh/` and `/en/learn/x/` are what people type; send them to the one canonical URL.
async fn trim_trailing_slash(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') && !path.starts_with("//") {
        let mut to = path.trim_end_matches('/').to_string();
        if to.is_empty() {
            to.push('/');
        }
        if let Some(q) = req.uri().query() {
            to.push('?');
            to.push_str(q);
        }
        return Redirect::permanent(&to).into_response();
    }
    next.run(req).await
}

fn preferred_lang(headers: &HeaderMap) -> Lang {
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v));
    from_cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// `/` goes to the learner's language: their earlier choice, else the browser's, else Chinese.
async fn root(headers: HeaderMap) -> Redirect {
    Redirect::to(&format!("/{}", preferred_lang(&headers).code()))
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths: `/en/learn/x` yes, `//evil.example` or `https://…` no.
fn safe_next(next: Option<&str>, lang: Lang) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => format!("/{}", lang.code()),
    }
}

/// Remembers the language choice for a year and goes back to the page, in that language.
async fn choose_lang(Path(lang): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let Some(lang) = Lang::parse(&lang) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut resp = Redirect::to(&safe_next(q.next.as_deref(), lang)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, value);
    }
    resp
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let chapters = state.course.current().order.len();
    axum::Json(serde_json::json!({ "status": "ok", "chapters": chapters }))
}

const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#326ce5"/><path d="M16 7v18M8 11.5l16 9M8 20.5l16-9" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>"##;

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
}

pub async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let content_dir: PathBuf = args.content.content.clone();
    let course = kubelab_app::content::load(&content_dir)?;
    tracing::info!(chapters = course.order.len(), dir = %content_dir.display(), "content loaded");
    let catalog = crate::exercises::load_catalog(&content_dir)?;
    tracing::info!(exercises = catalog.len(), "exercise catalog loaded");
    let cluster = crate::cluster::Cluster::connect(&args.cluster).await;
    match &cluster {
        Ok(c) => {
            tracing::info!(api = %c.url(), namespace = %args.cluster.namespace, "cluster checks read this cluster")
        }
        Err(e) => tracing::warn!("cluster checks are off: {e}"),
    }
    let store = kubelab_store::Store::open(&args.database.url).await?;
    tracing::info!(backend = ?store.backend(), "store opened");
    let namespaces = match args.learner_namespaces {
        crate::NamespaceMode::PerLearner => crate::accounts::Namespaces::PerLearner {
            prefix: args.namespace_prefix.clone(),
        },
        crate::NamespaceMode::Shared => {
            crate::accounts::Namespaces::Shared(args.cluster.namespace.clone())
        }
    };
    let provisioner = cluster.as_ref().ok().map(|c| {
        crate::provision::Provisioner::new(
            c.client(),
            c.kube_config(),
            crate::provision::ProvisionOptions {
                public_server_url: args.kube_public_url.clone(),
                ..Default::default()
            },
        )
    });
    // Expired sessions are deleted in the background, hourly.
    {
        use tower_sessions::ExpiredDeletion;
        let sessions = store.session_store();
        tokio::spawn(async move {
            if let Err(e) = sessions
                .continuously_delete_expired(std::time::Duration::from_secs(3600))
                .await
            {
                tracing::warn!("expired sessions are no longer deleted: {e}");
            }
        });
    }
    let accounts = crate::accounts::Accounts::new(store, namespaces, provisioner);
    let public_origin = match &args.public_url {
        Some(url) => Some(origin_of_url(url).ok_or_else(|| ServeError::PublicUrl(url.clone()))?),
        None => None,
    };
    let handle = CourseHandle::new(course);
    let _watcher = if args.dev {
        tracing::info!("dev mode: content reloads on change");
        Some(crate::reload::watch(content_dir, handle.clone())?)
    } else {
        None
    };
    if !args.site_root.join("pkg").join("kubelab.js").exists() {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "no built site (pkg/kubelab.js) found: pages work, but copy buttons won't until `scripts/build-site` runs"
        );
    }
    let state = AppState {
        leptos: leptos_options(&args.site_root, args.addr),
        course: handle,
        catalog: std::sync::Arc::new(catalog),
        cluster,
        namespace: args.cluster.namespace.clone(),
        pages: crate::page_cache::PageCache::new(!args.no_page_cache),
        accounts: std::sync::Arc::new(accounts),
        secure_cookies: public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://")),
        public_origin,
        trust_forwarded_for: args.trust_forwarded_for,
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    tracing::info!("kubelab listening on http://{}", args.addr);
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("kubelab stopped");
    Ok(())
}

/// `https://lab.example/path` → `https://lab.example`; None unless http(s) with a host.
fn origin_of_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// Finishes in-flight requests on SIGTERM (what orchestrators send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod authz;
#[cfg(test)]
pub(crate) mod tests;
