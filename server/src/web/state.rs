//! What every route and layer shares: the course, the page cache, the services and the web
//! settings.

use std::sync::Arc;

use axum::extract::FromRef;
use kubelab_app::content::search::SearchHandle;
use kubelab_app::model::CourseHandle;
use leptos::prelude::LeptosOptions;

use super::page_cache::PageCache;
use crate::service::Lab;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub course: CourseHandle,
    /// The search index of the course, rebuilt with it.
    pub search: SearchHandle,
    /// Rendered lesson pages, per course version.
    pub pages: PageCache,
    /// Learners, instructors, grading: the services.
    pub lab: Arc<Lab>,
    /// Sessions: cookie `Secure` (set when the public URL is https).
    pub secure_cookies: bool,
    /// `https://lab.example`: where browsers reach kubelab, for the same-origin check.
    pub public_origin: Option<String>,
    /// The Host names kubelab answers to.
    pub allowed_hosts: super::guard::AllowedHosts,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// How long a request may take to be answered.
    pub timeouts: super::limits::Timeouts,
    /// Turns true when the server begins to shut down: event streams end then.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    /// The course's chapters and their exercises, in course order: what gated progress walks.
    pub fn chapters(&self) -> Vec<crate::service::gate::ChapterExercises> {
        let course = self.course.current();
        course
            .order
            .iter()
            .filter_map(|id| {
                let zh = course.lesson(kubelab_app::model::Lang::Zh, id)?;
                let en = course
                    .lesson(kubelab_app::model::Lang::En, id)
                    .unwrap_or(zh);
                Some(crate::service::gate::ChapterExercises {
                    id: id.clone(),
                    title: kubelab_checks::Text::new(zh.title.clone(), en.title.clone()),
                    exercises: zh.exercises.clone(),
                })
            })
            .collect()
    }

    /// Completes when the server begins to shut down (never, if nobody can tell it to).
    pub fn shutting_down(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown.clone();
        async move {
            if rx.wait_for(|down| *down).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
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
