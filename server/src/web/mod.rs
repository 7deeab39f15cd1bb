//! The HTTP edge: the router (pages, static files, the JSON API), sessions, the one error map,
//! extractors, the rendered-page cache, dev-mode reload, serving and graceful shutdown. Nothing
//! below this layer knows about HTTP.

use std::future::IntoFuture;
use std::path::PathBuf;
use std::sync::Arc;

use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use kubelab_app::content::search::SearchHandle;
use kubelab_app::model::CourseHandle;
use kubelab_app::{shell, App};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

use crate::config::{NamespaceMode, ServeArgs};
use crate::service::{Lab, Namespaces};

pub mod error;
pub mod extract;
pub mod guard;
pub mod limits;
pub mod metrics;
pub mod page_cache;
pub mod reload;
pub mod routes;
pub mod session;
pub mod state;

pub use state::{leptos_options, AppState};

/// How long requests in flight may take to finish once shutdown begins (orchestrators send
/// SIGKILL after 30 s by default; event streams end at once).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(8);

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
    Catalog(#[from] crate::service::catalog::LoadError),
    #[error("{}", .0.text().en)]
    Store(#[from] kubelab_store::StoreError),
    #[error("--public-url {0} is not an http(s) URL")]
    PublicUrl(String),
    #[error("{0}")]
    Metrics(#[from] metrics::RecorderError),
    #[error("cannot build the search index: {0}")]
    Search(#[from] kubelab_app::content::search::SearchError),
}

/// Every route of the site, ready for `axum::serve` or for `oneshot` in tests.
pub fn router(state: AppState) -> Router {
    let course = state.course.clone();
    let catalog = state.lab.catalog.clone();
    let search = state.search.clone();
    let features = kubelab_app::model::Features {
        terminal: state.lab.terminal_available().is_ok(),
    };
    let context = move || {
        provide_context(features);
        provide_context(course.clone());
        provide_context(catalog.clone());
        provide_context(search.clone());
    };
    let leptos = state.leptos.clone();
    let pages = generate_route_list(App);
    let router = Router::new()
        .merge(routes::site())
        .merge(routes::exercises::routes())
        .merge(routes::learner::routes())
        .merge(routes::apply::routes())
        .merge(routes::terminal::routes())
        .merge(routes::teach::routes())
        .leptos_routes_with_context(&state, pages, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Inside the page cache, so a cached page keeps its script policy.
        .layer(axum::middleware::from_fn(guard::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            (state.pages.clone(), state.course.clone()),
            page_cache::layer,
        ))
        .layer(axum::middleware::from_fn(trim_trailing_slash))
        .layer(axum::extract::DefaultBodyLimit::max(
            limits::DEFAULT_MAX_BODY,
        ))
        .layer(axum::middleware::from_fn(limits::body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.timeouts,
            limits::deadline,
        ))
        .layer(session::layer(&state.lab.store, state.secure_cookies))
        .layer(axum::middleware::from_fn_with_state(
            state.public_origin.clone(),
            session::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.allowed_hosts.clone(),
            guard::allowed_host,
        ))
        .layer(axum::middleware::from_fn(guard::common_headers));
    let router = if state.trust_forwarded_for {
        router.layer(axum::middleware::from_fn(session::forwarded_client))
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

pub async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let content_dir: PathBuf = args.content.content.clone();
    let course = kubelab_app::content::load(&content_dir)?;
    tracing::info!(chapters = course.order.len(), dir = %content_dir.display(), "content loaded");
    let catalog = crate::service::catalog::load_catalog(&content_dir)?;
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
        NamespaceMode::PerLearner => Namespaces::PerLearner {
            prefix: args.namespace_prefix.clone(),
        },
        NamespaceMode::Shared => Namespaces::Shared(args.cluster.namespace.clone()),
    };
    // Secret payloads stay in memory only where a check may read them: learners' Opaque Secrets.
    if let Ok(c) = &cluster {
        use crate::cluster::cache::SecretPayloads;
        c.cache()
            .keep_secret_payloads(match args.learner_namespaces {
                NamespaceMode::PerLearner => SecretPayloads::Prefix(args.namespace_prefix.clone()),
                NamespaceMode::Shared => SecretPayloads::Exactly(args.cluster.namespace.clone()),
            });
    }
    let provisioner = cluster.as_ref().ok().map(|c| {
        crate::cluster::provision::Provisioner::new(
            c.client(),
            c.kube_config(),
            crate::cluster::provision::ProvisionOptions {
                public_server_url: args.kube_public_url.clone(),
                ingress_controller_namespaces: args.cluster.ingress_controller_namespaces.clone(),
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
    let lab = Lab::new(store, Arc::new(catalog), cluster, namespaces, provisioner)
        .with_limits(crate::service::Limits {
            learners_burst: args.learners_per_address,
            learners_per_hour: args.learners_per_address_per_hour,
            max_learners: args.max_learners,
            submissions_per_minute: args.submissions_per_minute,
            live_streams_per_learner: args.live_streams_per_learner,
            max_live_streams: args.max_live_streams,
            max_evidence_bytes: args.max_evidence_bytes,
            idle_namespace_ttl: Some(args.idle_namespace_ttl).filter(|d| !d.is_zero()),
        })
        .with_terminal(crate::service::terminal::TerminalSettings {
            enabled: args.terminal.enabled(args.learner_namespaces),
            image: args.toolbox_image.clone(),
            per_learner: args.terminals_per_learner,
            max: args.max_terminals,
            idle: args.terminal_idle,
        });
    let public_origin = match &args.public_url {
        Some(url) => Some(origin_of_url(url).ok_or_else(|| ServeError::PublicUrl(url.clone()))?),
        None => None,
    };
    let handle = CourseHandle::new(course);
    // Built now, so that no learner's first search pays for it.
    let search = SearchHandle::default();
    let index = search.index_for(&handle.current())?;
    tracing::info!(
        sections = index.sections(),
        ms = index.built_in().as_millis() as u64,
        "search index built"
    );
    let _watcher = if args.dev {
        tracing::info!("dev mode: content reloads on change");
        Some(reload::watch(content_dir, handle.clone(), search.clone())?)
    } else {
        None
    };
    if !args
        .site_root
        .join("pkg")
        .join("kubelab-lesson.js")
        .exists()
    {
        tracing::warn!(
            site_root = %args.site_root.display(),
            "no built site (pkg/kubelab-lesson.js) found: pages work, but copy buttons won't until `scripts/build-site` runs"
        );
    }
    // Told when shutdown begins, so that event streams end and connections can close.
    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let lab = Arc::new(lab);
    if let Some(addr) = args.metrics_addr {
        serve_metrics(addr, lab.clone(), shutdown_rx.clone()).await?;
    }
    let state = AppState {
        leptos: leptos_options(&args.site_root, args.addr),
        course: handle,
        search,
        pages: page_cache::PageCache::new(!args.no_page_cache),
        lab,
        secure_cookies: public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://")),
        allowed_hosts: guard::AllowedHosts::new(public_origin.as_deref(), &args.allowed_hosts),
        public_origin,
        trust_forwarded_for: args.trust_forwarded_for,
        timeouts: limits::Timeouts {
            request: args.request_timeout,
            long: args.long_request_timeout,
        },
        shutdown: shutdown_rx.clone(),
    };
    tokio::spawn(crate::service::idle::run_reaper(
        state.lab.clone(),
        shutdown_rx.clone(),
    ));
    tokio::spawn(crate::service::terminal::run_toolbox_reaper(
        state.lab.clone(),
        shutdown_rx.clone(),
    ));
    tokio::spawn(crate::service::replicas::relay(
        state.lab.clone(),
        shutdown_rx.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    tracing::info!("kubelab listening on http://{}", args.addr);
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = shutdown_tx.send(true);
    });
    // Requests in flight get SHUTDOWN_GRACE to finish; then the process exits anyway.
    let mut down = shutdown_rx;
    let deadline = async move {
        let _ = down.wait_for(|d| *d).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server.into_future() => served?,
        () = deadline => tracing::warn!(
            "connections still open {} s after the shutdown began; exiting anyway",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    tracing::info!("kubelab stopped");
    Ok(())
}

/// Starts the metrics listener on `addr` (its own port, never the public one); it stops when
/// shutdown begins.
async fn serve_metrics(
    addr: std::net::SocketAddr,
    lab: Arc<Lab>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<(), ServeError> {
    let handle = metrics::recorder()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    tracing::info!("metrics on http://{addr}/metrics");
    let app = metrics::router(lab, handle).layer(TraceLayer::new_for_http());
    tokio::spawn(async move {
        let stop = async move {
            let _ = shutdown.wait_for(|down| *down).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::error!("the metrics listener stopped: {e}");
        }
    });
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
mod authz_tests;
#[cfg(test)]
mod caps_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
